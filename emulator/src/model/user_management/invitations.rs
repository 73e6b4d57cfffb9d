//! Invitations: their records and states, and the operations of
//! `/user_management/invitations` (send, list, find by id or token, accept, revoke, resend).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{CreateMembership, CreateUser, check_email};
use crate::model::error::{ApiError, ApiResult};
use crate::model::ids::{in_minutes, is_past, now, token};
use crate::model::list::Query;
use crate::model::{Name, Store};

records!(
    Invitation => "Invitation",
);

/// `UserlandUserInvite`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Invitation {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) email: String,
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) state: Name,
    pub(crate) accepted_at: Option<String>,
    pub(crate) revoked_at: Option<String>,
    pub(crate) expires_at: String,
    pub(crate) organization_id: Option<String>,
    pub(crate) inviter_user_id: Option<String>,
    pub(crate) accepted_user_id: Option<String>,
    pub(crate) role_slug: Option<String>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    pub(crate) token: String,
    pub(crate) accept_invitation_url: String,
}

/// How long an invitation is valid by default, and at most, in days.
const DEFAULT_DAYS: i64 = 7;
const MAX_DAYS: i64 = 30;

/// The body of `POST /user_management/invitations`.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct CreateInvitation {
    pub(crate) email: String,
    pub(crate) organization_id: Option<String>,
    pub(crate) role_slug: Option<String>,
    pub(crate) expires_in_days: Option<i64>,
    pub(crate) inviter_user_id: Option<String>,
}

/// The body of `POST /user_management/invitations/{id}/resend`: its one field, `locale`, only
/// picks the email's language.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct ResendInvitation {}

/// An invitation event's data: the invitation without its token and URL.
fn event_data(i: &Invitation) -> Value {
    let mut data = serde_json::to_value(i).unwrap_or_default();
    if let Some(map) = data.as_object_mut() {
        map.remove("token");
        map.remove("accept_invitation_url");
    }
    data
}

/// An invitation's state now: a pending one past its expiry is `expired`.
fn state_of(i: &Invitation) -> &'static str {
    if i.state == "pending" && is_past(&i.expires_at) { "expired" } else { i.state }
}

/// An invitation as it is now (see [`state_of`]).
fn current(i: &Invitation) -> Invitation {
    Invitation { state: state_of(i), ..i.clone() }
}

/// The codes of accept and revoke (one for every state), and of resend (one for each): for
/// an expired, a revoked and an accepted invitation.
const NOT_PENDING: [&str; 3] = ["invite_not_pending"; 3];
const RESEND_CODES: [&str; 3] = ["invite_expired", "invite_revoked", "invite_accepted"];

/// Ok for a pending invitation; otherwise the 400 the operation answers for its state, with
/// `codes` giving the operation's code for an expired, a revoked and an accepted one.
fn pending(i: &Invitation, codes: [&'static str; 3]) -> ApiResult<()> {
    let state = state_of(i);
    let code = match state {
        "pending" => return Ok(()),
        "expired" => codes[0],
        "revoked" => codes[1],
        _ => codes[2],
    };
    Err(ApiError::bad_request(code, format!("The invitation is {state}, not pending.")))
}

/// The invitation a token names, if pending: what a sign-up with `invitation_token` joins.
pub(crate) fn pending_by_token<'s>(store: &'s Store, token: &str) -> ApiResult<&'s Invitation> {
    let found = store.invitations.iter().find(|i| i.token == token);
    let invitation = found.ok_or_else(|| ApiError::not_found("Invitation with token", token))?;
    pending(invitation, NOT_PENDING)?;
    Ok(invitation)
}

/// The days an invitation lasts: 1 to [`MAX_DAYS`], [`DEFAULT_DAYS`] when not given.
fn invitation_days(given: Option<i64>) -> ApiResult<i64> {
    let days = given.unwrap_or(DEFAULT_DAYS);
    if days < 1 {
        return Err(ApiError::bad_request(
            "expires_in_days_too_short",
            "expires_in_days must be at least 1.",
        ));
    }
    if days > MAX_DAYS {
        return Err(ApiError::bad_request(
            "expires_in_days_too_long",
            format!("expires_in_days must be at most {MAX_DAYS}, got {days}."),
        ));
    }
    Ok(days)
}

impl Store {
    /// The checks of a new invitation for `email`: its organization, role and inviter exist;
    /// the person is not already in (a member, or a user when there is no organization) nor
    /// invited.
    fn check_invitation(&self, new: &CreateInvitation, email: &str) -> ApiResult<()> {
        if let Some(org) = &new.organization_id {
            self.organization(org)?;
        }
        if let Some(role) = &new.role_slug {
            let known = match &new.organization_id {
                Some(org) => self.role_for(org, role).is_ok(),
                None => self.environment_role(role).is_ok(),
            };
            if !known {
                return Err(ApiError::bad_request("invalid_role", format!("No role '{role}' here.")));
            }
        }
        if let Some(inviter) = &new.inviter_user_id {
            self.user(inviter)?;
        }
        match (&new.organization_id, self.user_by_email(email)) {
            (Some(org), Some(u)) if self.membership_of(&u.id, org).is_some() => {
                return Err(ApiError::bad_request(
                    "user_already_organization_member",
                    format!("'{email}' is already a member of organization '{org}'."),
                ));
            }
            (None, Some(_)) => {
                return Err(ApiError::bad_request(
                    "user_already_exists",
                    format!("A user with email '{email}' exists."),
                ));
            }
            _ => {}
        }
        let duplicate = self.invitations.iter().any(|i| {
            i.email == email && i.organization_id == new.organization_id && state_of(i) == "pending"
        });
        if duplicate {
            let code = if new.organization_id.is_some() {
                "email_already_invited_to_organization"
            } else {
                "email_already_invited"
            };
            return Err(ApiError::bad_request(
                code,
                format!("'{email}' already has a pending invitation here."),
            ));
        }
        Ok(())
    }

    /// `POST /user_management/invitations`: emails the invitation, whose link is on `origin`
    /// (the emulator's base URL), and emits `invitation.created`.
    pub(crate) fn create_invitation(&mut self, new: CreateInvitation, origin: &str) -> ApiResult<Invitation> {
        let email = check_email(&new.email)?;
        let days = invitation_days(new.expires_in_days)?;
        self.check_invitation(&new, &email)?;
        let at = now();
        let token = token(26);
        let invitation = Invitation {
            object: "invitation",
            id: self.ids.next("invitation"),
            accept_invitation_url: format!("{origin}/invite?invitation_token={token}"),
            token,
            email,
            state: "pending",
            accepted_at: None,
            revoked_at: None,
            expires_at: in_minutes(days * 24 * 60),
            organization_id: new.organization_id,
            inviter_user_id: new.inviter_user_id,
            accepted_user_id: None,
            role_slug: new.role_slug,
            created_at: at.clone(),
            updated_at: at,
        };
        self.invitations.push(invitation.clone());
        self.send_email(&invitation.email, "invitation", None, Some(&invitation.accept_invitation_url));
        self.emit("invitation.created", event_data(&invitation));
        Ok(invitation)
    }

    /// `GET /user_management/invitations`: a page, filtered by `organization_id` and `email`.
    pub(crate) fn list_invitations(&self, query: &Query) -> Value {
        let email = query.get("email").map(str::to_lowercase);
        let items = self
            .invitations
            .iter()
            .filter(|i| query.get("organization_id").is_none_or(|o| i.organization_id.as_deref() == Some(o)))
            .filter(|i| email.as_ref().is_none_or(|e| i.email == *e))
            .collect();
        query.page_with(items, |i| &i.id, current)
    }

    /// `GET /user_management/invitations/{id}`: as it is now (`expired` past its expiry).
    pub(crate) fn get_invitation(&self, id: &str) -> ApiResult<Invitation> {
        self.invitations.get(id).map(current)
    }

    /// `GET /user_management/invitations/by_token/{token}`.
    pub(crate) fn get_invitation_by_token(&self, token: &str) -> ApiResult<Invitation> {
        let found = self.invitations.iter().find(|i| i.token == token);
        found.map(current).ok_or_else(|| ApiError::not_found("Invitation with token", token))
    }

    /// `POST /user_management/invitations/{id}/accept`: the user with its email (created,
    /// verified, if there is none) becomes a member of its organization with its role; emits
    /// `invitation.accepted`.
    pub(crate) fn accept_invitation(&mut self, id: &str) -> ApiResult<Invitation> {
        let invitation = self.invitations.get(id)?.clone();
        pending(&invitation, NOT_PENDING)?;
        let user_id = match self.user_by_email(&invitation.email) {
            Some(u) => u.id.clone(),
            None => {
                let new =
                    CreateUser { email_verified: Some(true), ..CreateUser::with_email(&invitation.email) };
                self.create_user(new)?.id
            }
        };
        if let Some(org) = &invitation.organization_id
            && self.membership_of(&user_id, org).is_none()
        {
            self.create_membership(CreateMembership {
                user_id: user_id.clone(),
                organization_id: org.clone(),
                role_slug: invitation.role_slug.clone(),
                role_slugs: None,
            })?;
        }
        let at = now();
        let record = self.invitations.get_mut(id)?;
        record.state = "accepted";
        record.accepted_at = Some(at.clone());
        record.accepted_user_id = Some(user_id);
        record.updated_at = at;
        let record = record.clone();
        self.emit("invitation.accepted", event_data(&record));
        Ok(record)
    }

    /// `POST /user_management/invitations/{id}/revoke`: emits `invitation.revoked`.
    pub(crate) fn revoke_invitation(&mut self, id: &str) -> ApiResult<Invitation> {
        let record = self.invitations.get_mut(id)?;
        pending(record, NOT_PENDING)?;
        let at = now();
        record.state = "revoked";
        record.revoked_at = Some(at.clone());
        record.updated_at = at;
        let record = record.clone();
        self.emit("invitation.revoked", event_data(&record));
        Ok(record)
    }

    /// `POST /user_management/invitations/{id}/resend`: emails a pending invitation again (it
    /// stays valid as long as it was) and emits `invitation.resent`.
    pub(crate) fn resend_invitation(&mut self, id: &str, _: ResendInvitation) -> ApiResult<Invitation> {
        let record = self.invitations.get_mut(id)?;
        pending(record, RESEND_CODES)?;
        record.updated_at = now();
        let record = record.clone();
        self.send_email(&record.email, "invitation", None, Some(&record.accept_invitation_url));
        self.emit("invitation.resent", event_data(&record));
        Ok(record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{event_names, membership, organization, user};

    const ORIGIN: &str = "http://emulator.test";

    fn invite(email: &str, organization_id: Option<&str>) -> CreateInvitation {
        CreateInvitation {
            email: email.into(),
            organization_id: organization_id.map(str::to_owned),
            ..CreateInvitation::default()
        }
    }

    #[test]
    fn an_unknown_id_or_token_is_a_404() {
        let mut store = Store::default();
        for e in [
            store.get_invitation("invitation_nope").unwrap_err(),
            store.accept_invitation("invitation_nope").unwrap_err(),
            store.revoke_invitation("invitation_nope").unwrap_err(),
            store.resend_invitation("invitation_nope", ResendInvitation {}).unwrap_err(),
        ] {
            assert_eq!(
                (e.status.as_u16(), e.message.as_str()),
                (404, "Invitation not found: 'invitation_nope'.")
            );
        }
        let e = store.get_invitation_by_token("tok").unwrap_err();
        assert_eq!(e.message, "Invitation with token not found: 'tok'.");
        let e = store.create_invitation(invite("a@a.test", Some("org_nope")), ORIGIN).unwrap_err();
        assert_eq!(e.message, "Organization not found: 'org_nope'.");
    }

    #[test]
    fn an_invitation_is_emailed_with_its_link_and_announced_without_its_token() {
        let mut store = Store::default();
        let i = store.create_invitation(invite("Ada@A.test", None), ORIGIN).expect("sent");
        assert_eq!((i.state, i.email.as_str()), ("pending", "ada@a.test"));
        assert_eq!(i.accept_invitation_url, format!("{ORIGIN}/invite?invitation_token={}", i.token));
        let email = store.outbox.back().expect("an email");
        assert_eq!(
            (email.kind, email.link.as_deref()),
            ("invitation", Some(i.accept_invitation_url.as_str()))
        );
        let event = store.events.log.back().expect("an event");
        assert_eq!(event["event"], "invitation.created");
        assert!(event["data"].get("token").is_none() && event["data"].get("accept_invitation_url").is_none());
        assert_eq!(store.get_invitation_by_token(&i.token).map(|x| x.id).ok(), Some(i.id));
    }

    #[test]
    fn an_invitation_lasts_one_to_thirty_days() {
        let mut store = Store::default();
        let days = |d: i64| CreateInvitation { expires_in_days: Some(d), ..invite("a@a.test", None) };
        assert_eq!(
            store.create_invitation(days(0), ORIGIN).unwrap_err().code,
            Some("expires_in_days_too_short")
        );
        assert_eq!(
            store.create_invitation(days(31), ORIGIN).unwrap_err().code,
            Some("expires_in_days_too_long")
        );
        assert!(store.invitations.is_empty());
        store.create_invitation(days(30), ORIGIN).expect("thirty days");
    }

    #[test]
    fn members_users_and_the_invited_are_not_invited_again() {
        let mut store = Store::default();
        let org = organization(&mut store, "A");
        let ada = user(&mut store, "ada@a.test");
        membership(&mut store, &ada.id, &org.id);
        let code = |store: &mut Store, new| store.create_invitation(new, ORIGIN).unwrap_err().code;
        assert_eq!(
            code(&mut store, invite("ada@a.test", Some(&org.id))),
            Some("user_already_organization_member")
        );
        assert_eq!(code(&mut store, invite("ada@a.test", None)), Some("user_already_exists"));
        let role = CreateInvitation { role_slug: Some("boss".into()), ..invite("bob@a.test", Some(&org.id)) };
        assert_eq!(code(&mut store, role), Some("invalid_role"));
        store.create_invitation(invite("bob@a.test", Some(&org.id)), ORIGIN).expect("bob");
        assert_eq!(
            code(&mut store, invite("bob@a.test", Some(&org.id))),
            Some("email_already_invited_to_organization")
        );
        store.create_invitation(invite("cy@a.test", None), ORIGIN).expect("cy");
        assert_eq!(code(&mut store, invite("cy@a.test", None)), Some("email_already_invited"));
    }

    #[test]
    fn accepting_makes_a_verified_user_and_a_member_once() {
        let mut store = Store::default();
        let org = organization(&mut store, "A");
        let i = store.create_invitation(invite("bob@a.test", Some(&org.id)), ORIGIN).expect("sent");
        let accepted = store.accept_invitation(&i.id).expect("accepted");
        let bob = store.user_by_email("bob@a.test").expect("created").clone();
        assert_eq!(
            (accepted.state, accepted.accepted_user_id.as_deref()),
            ("accepted", Some(bob.id.as_str()))
        );
        assert!(bob.email_verified && store.membership_of(&bob.id, &org.id).is_some());
        assert_eq!(
            event_names(&store)[1..],
            ["invitation.created", "user.created", "organization_membership.created", "invitation.accepted"]
        );
        let e = store.accept_invitation(&i.id).unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (400, Some("invite_not_pending")));
        assert_eq!(
            store.resend_invitation(&i.id, ResendInvitation {}).unwrap_err().code,
            Some("invite_accepted")
        );
        assert!(pending_by_token(&store, &i.token).is_err());
    }

    #[test]
    fn revoked_and_expired_invitations_are_not_pending() {
        let mut store = Store::default();
        let i = store.create_invitation(invite("a@a.test", None), ORIGIN).expect("sent");
        assert_eq!(store.resend_invitation(&i.id, ResendInvitation {}).expect("resent").id, i.id);
        assert_eq!(store.outbox.len(), 2);
        assert_eq!(store.revoke_invitation(&i.id).expect("revoked").state, "revoked");
        assert_eq!(
            store.resend_invitation(&i.id, ResendInvitation {}).unwrap_err().code,
            Some("invite_revoked")
        );
        let j = store.create_invitation(invite("b@a.test", None), ORIGIN).expect("sent");
        store.invitations.get_mut(&j.id).expect("there").expires_at = "2000-01-01T00:00:00.000Z".into();
        assert_eq!(store.get_invitation(&j.id).expect("there").state, "expired");
        assert_eq!(
            store.resend_invitation(&j.id, ResendInvitation {}).unwrap_err().code,
            Some("invite_expired")
        );
        assert_eq!(store.revoke_invitation(&j.id).unwrap_err().code, Some("invite_not_pending"));
        let page = store.list_invitations(&Query::parse(Some("email=B@a.test")).expect("query"));
        assert_eq!(page["data"][0]["state"], "expired");
        assert_eq!(page["data"].as_array().map(Vec::len), Some(1));
    }
}
