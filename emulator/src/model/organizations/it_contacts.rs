//! An organization's IT contacts: the people who set up its SSO, directory sync and log
//! streams, invited by email to an Admin Portal setup link. An organization has at most one
//! active invitation; revoking it, or deleting its contact, ends it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::admin_portal::{LinkRequest, generate_link};
use crate::model::error::{ApiError, ApiResult};
use crate::model::ids::now;
use crate::model::list::Query;
use crate::model::user_management::users::check_email;
use crate::model::{Name, Store};

records!(
    ItContact => "IT contact",
);

/// `ItContact`, with its organization and its active invitation (not in the answer).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ItContact {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) email: String,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    #[serde(default, skip_serializing_if = "crate::model::persist::answering")]
    pub(crate) organization_id: String,
    /// The setup link of its active invitation.
    #[serde(default, skip_serializing_if = "crate::model::persist::answering")]
    pub(crate) invitation: Option<String>,
}

/// `POST /organizations/{id}/it_contacts`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct CreateItContact {
    pub(crate) email: String,
}

/// What an invitation sets up (the document's `InviteItContactDto.intents`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Intent {
    Sso,
    DirectorySync,
    LogStreams,
}

impl Intent {
    /// The Admin Portal's name for it.
    fn portal_intent(self) -> &'static str {
        match self {
            Self::Sso => "sso",
            Self::DirectorySync => "dsync",
            Self::LogStreams => "log_streams",
        }
    }
}

/// `POST .../it_contacts/{id}/invite`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct InviteItContact {
    pub(crate) intents: Vec<Intent>,
}

impl Store {
    /// Organization `org`'s contact `id` (the organization's 404 first; another
    /// organization's contact is a 404).
    fn it_contact_index(&self, org: &str, id: &str) -> ApiResult<usize> {
        self.organization(org)?;
        let at = self.it_contacts.index_of(id).ok().filter(|&i| self.it_contacts[i].organization_id == org);
        at.ok_or_else(|| ApiError::not_found("IT contact", id))
    }

    /// Organization `org`'s IT contact `id`.
    pub(crate) fn it_contact(&self, org: &str, id: &str) -> ApiResult<&ItContact> {
        Ok(&self.it_contacts[self.it_contact_index(org, id)?])
    }

    /// An organization's IT contacts, oldest first (the SDKs send no paging parameters: one page).
    pub(crate) fn list_it_contacts(&self, org: &str) -> ApiResult<Value> {
        self.organization(org)?;
        let items: Vec<&ItContact> = self.it_contacts.iter().filter(|c| c.organization_id == org).collect();
        Ok(Query::parse(Some("order=asc"))?.page(items, |c| &c.id))
    }

    /// Adds an IT contact (no email is sent). An address the organization has already is a
    /// 409 without a code: the document's 409 has only a message, and WorkOS's SDK sources
    /// name none (as for an organization's domain another organization has).
    pub(crate) fn create_it_contact(&mut self, org: &str, new: CreateItContact) -> ApiResult<ItContact> {
        self.organization(org)?;
        let email = check_email(&new.email)?;
        if self.it_contacts.iter().any(|c| c.organization_id == org && c.email == email) {
            let message = format!("Email '{email}' is already an IT contact of the organization.");
            return Err(ApiError { code: None, ..ApiError::conflict("email_not_available", message) });
        }
        let at = now();
        let contact = ItContact {
            object: "it_contact",
            id: self.ids.next("it_contact"),
            email,
            created_at: at.clone(),
            updated_at: at,
            organization_id: org.to_owned(),
            invitation: None,
        };
        self.it_contacts.push(contact.clone());
        Ok(contact)
    }

    /// Removes an IT contact, and its active invitation with it.
    pub(crate) fn delete_it_contact(&mut self, org: &str, id: &str) -> ApiResult<ItContact> {
        let i = self.it_contact_index(org, id)?;
        Ok(self.it_contacts.remove(i))
    }

    /// Emails the contact an Admin Portal setup link (on the emulator at `origin`) for the
    /// first of `intents`. No intents is a 422; an organization with an active invitation
    /// already is a 409 (the document: "An organization can have at most one active
    /// invitation"), without a code, as its 409 has only a message.
    pub(crate) fn invite_it_contact(
        &mut self,
        org: &str,
        id: &str,
        invite: InviteItContact,
        origin: &str,
    ) -> ApiResult<()> {
        let i = self.it_contact_index(org, id)?;
        let Some(first) = invite.intents.first() else {
            return Err(ApiError::invalid_field(
                "intents",
                "required",
                "intents must name at least one intent.",
            ));
        };
        if self.it_contacts.iter().any(|c| c.organization_id == org && c.invitation.is_some()) {
            let message = "The organization has an active IT contact invitation; revoke it first.";
            return Err(ApiError { code: None, ..ApiError::conflict("invitation_already_exists", message) });
        }
        let link = generate_link(self, LinkRequest::for_intent(org, first.portal_intent()), origin)?.link;
        let contact = &mut self.it_contacts[i];
        contact.invitation = Some(link.clone());
        contact.updated_at = now();
        let to = contact.email.clone();
        self.send_email(&to, "it_contact", None, Some(&link));
        Ok(())
    }

    /// Revokes the organization's active invitation; 404 when it has none.
    pub(crate) fn revoke_it_contact(&mut self, org: &str, id: &str) -> ApiResult<()> {
        self.it_contact_index(org, id)?;
        let active = self.it_contacts.iter_mut().find(|c| c.organization_id == org && c.invitation.is_some());
        let Some(contact) = active else {
            return Err(ApiError::not_found("IT contact invitation", org));
        };
        contact.invitation = None;
        contact.updated_at = now();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::organization;

    fn new(email: &str) -> CreateItContact {
        CreateItContact { email: email.to_owned() }
    }

    fn invite(intents: &[Intent]) -> InviteItContact {
        InviteItContact { intents: intents.to_vec() }
    }

    #[test]
    fn a_contact_belongs_to_one_organization_once() {
        let mut store = Store::default();
        let (org, other) = (organization(&mut store, "A"), organization(&mut store, "B"));
        let made = store.create_it_contact(&org.id, new("IT@A.test")).expect("created");
        assert_eq!((made.object, made.email.as_str()), ("it_contact", "it@a.test"));
        let e = store.create_it_contact(&org.id, new("it@a.test")).expect_err("twice");
        assert_eq!((e.status.as_u16(), e.code), (409, None));
        store.create_it_contact(&other.id, new("it@a.test")).expect("another organization's");
        let e = store.create_it_contact(&org.id, new("nobody")).expect_err("not an email");
        assert_eq!((e.status.as_u16(), e.errors[0].field.as_str()), (422, "email"));
        let e = store.create_it_contact("org_missing", new("x@a.test")).expect_err("no org");
        assert_eq!(e.message, "Organization not found: 'org_missing'.");
        assert_eq!(store.list_it_contacts(&org.id).expect("page")["data"][0]["id"], made.id.as_str());
        let e = store.delete_it_contact(&other.id, &made.id).expect_err("another organization's");
        assert_eq!(e.message, format!("IT contact not found: '{}'.", made.id));
        store.delete_it_contact(&org.id, &made.id).expect("deleted");
        assert_eq!(store.list_it_contacts(&org.id).expect("page")["data"], serde_json::json!([]));
    }

    #[test]
    fn an_organization_has_one_active_invitation_at_a_time() {
        let mut store = Store::default();
        let org = organization(&mut store, "A");
        let a = store.create_it_contact(&org.id, new("a@a.test")).expect("a").id;
        let b = store.create_it_contact(&org.id, new("b@a.test")).expect("b").id;
        let e = store.invite_it_contact(&org.id, &a, invite(&[]), "http://emu.test").expect_err("no intents");
        assert_eq!((e.status.as_u16(), e.errors[0].field.as_str()), (422, "intents"));
        let e = store.revoke_it_contact(&org.id, &a).expect_err("nothing to revoke");
        assert_eq!(e.status.as_u16(), 404);
        store
            .invite_it_contact(&org.id, &a, invite(&[Intent::DirectorySync]), "http://emu.test")
            .expect("sent");
        let sent = &store.outbox[0];
        assert_eq!((sent.to.as_str(), sent.kind), ("a@a.test", "it_contact"));
        assert!(sent.link.as_deref().is_some_and(|l| l.starts_with("http://emu.test/portal/launch?secret=")));
        let e =
            store.invite_it_contact(&org.id, &b, invite(&[Intent::Sso]), "http://emu.test").expect_err("one");
        assert_eq!((e.status.as_u16(), e.code), (409, None));
        store.revoke_it_contact(&org.id, &b).expect("revoked");
        store.invite_it_contact(&org.id, &b, invite(&[Intent::Sso]), "http://emu.test").expect("again");
        store.delete_it_contact(&org.id, &b).expect("deleted with its invitation");
        store.invite_it_contact(&org.id, &a, invite(&[Intent::LogStreams]), "http://emu.test").expect("free");
        assert_eq!(store.outbox.len(), 3);
    }
}
