//! Invitations: send, list, find (by id or token), accept, revoke, resend.

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use bytes::Bytes;
use http::HeaderMap;
use serde::Deserialize;

use crate::model::error::{ApiError, ApiResult, parse_body};
use crate::model::ids::{in_minutes, is_past, now, token};
use crate::model::list::Query;
use crate::model::{Invitation, Store};
use crate::routes::{Db, created, ok};

/// How long an invitation is valid by default, and at most, in days.
const DEFAULT_DAYS: i64 = 7;
const MAX_DAYS: i64 = 30;

#[derive(Deserialize)]
struct CreateInvitation {
    email: String,
    organization_id: Option<String>,
    role_slug: Option<String>,
    expires_in_days: Option<i64>,
    inviter_user_id: Option<String>,
}

/// `locale`, the one field of a resend, only picks the email's language.
#[derive(Deserialize)]
struct Resend {}

/// An invitation event's data: the invitation without its token and URL.
fn event_data(i: &Invitation) -> serde_json::Value {
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

fn find(store: &Store, id: &str) -> ApiResult<usize> {
    store
        .invitations
        .binary_search_by(|i| i.id.as_str().cmp(id))
        .map_err(|_| ApiError::not_found("Invitation", id))
}

/// Ok for a pending invitation; otherwise the 400 the operation answers for its state, with
/// `codes` giving the operation's code for an expired, a revoked and an accepted one.
fn pending(store: &Store, i: usize, codes: [&'static str; 3]) -> ApiResult<()> {
    let state = state_of(&store.invitations[i]);
    let code = match state {
        "pending" => return Ok(()),
        "expired" => codes[0],
        "revoked" => codes[1],
        _ => codes[2],
    };
    Err(ApiError::bad_request(code, format!("The invitation is {state}, not pending.")))
}

/// The codes of accept and revoke (one for every state), and of resend (one for each).
const NOT_PENDING: [&str; 3] = ["invite_not_pending"; 3];
const RESEND_CODES: [&str; 3] = ["invite_expired", "invite_revoked", "invite_accepted"];

pub(crate) async fn create(State(db): Db, headers: HeaderMap, body: Bytes) -> ApiResult<Response> {
    let dto: CreateInvitation = parse_body(&body)?;
    let email = crate::routes::directory::check_email(&dto.email)?;
    let days = dto.expires_in_days.unwrap_or(DEFAULT_DAYS);
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
    let mut store = db.store();
    if let Some(org) = &dto.organization_id {
        store.organization(org)?;
    }
    if let Some(role) = &dto.role_slug {
        let known = match &dto.organization_id {
            Some(org) => store.role_for(org, role).is_ok(),
            None => store.environment_role(role).is_ok(),
        };
        if !known {
            return Err(ApiError::bad_request("invalid_role", format!("No role '{role}' here.")));
        }
    }
    if let Some(inviter) = &dto.inviter_user_id {
        store.user(inviter)?;
    }
    let user = store.user_by_email(&email);
    match (&dto.organization_id, user) {
        (Some(org), Some(u)) if store.membership_of(&u.id, org).is_some() => {
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
    let duplicate = store
        .invitations
        .iter()
        .any(|i| i.email == email && i.organization_id == dto.organization_id && state_of(i) == "pending");
    if duplicate {
        let code = if dto.organization_id.is_some() {
            "email_already_invited_to_organization"
        } else {
            "email_already_invited"
        };
        return Err(ApiError::bad_request(code, format!("'{email}' already has a pending invitation here.")));
    }
    let at = now();
    let token = token(26);
    let invitation = Invitation {
        object: "invitation",
        id: store.ids.next("invitation"),
        accept_invitation_url: format!("{}/invite?invitation_token={token}", crate::routes::origin(&headers)),
        token,
        email,
        state: "pending",
        accepted_at: None,
        revoked_at: None,
        expires_at: in_minutes(days * 24 * 60),
        organization_id: dto.organization_id,
        inviter_user_id: dto.inviter_user_id,
        accepted_user_id: None,
        role_slug: dto.role_slug,
        created_at: at.clone(),
        updated_at: at,
    };
    store.invitations.push(invitation.clone());
    store.send_email(&invitation.email, "invitation", None, Some(&invitation.accept_invitation_url));
    store.emit("invitation.created", event_data(&invitation));
    Ok(created(invitation))
}

pub(crate) async fn list(State(db): Db, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let store = db.store();
    let email = query.get("email").map(str::to_lowercase);
    let items = store
        .invitations
        .iter()
        .filter(|i| query.get("organization_id").is_none_or(|o| i.organization_id.as_deref() == Some(o)))
        .filter(|i| email.as_ref().is_none_or(|e| i.email == *e))
        .collect();
    Ok(ok(query.page_with(items, |i| &i.id, current)))
}

pub(crate) async fn get(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let store = db.store();
    Ok(ok(current(&store.invitations[find(&store, &id)?])))
}

pub(crate) async fn get_by_token(State(db): Db, Path(token): Path<String>) -> ApiResult<Response> {
    let store = db.store();
    let found = store.invitations.iter().find(|i| i.token == token);
    Ok(ok(current(found.ok_or_else(|| ApiError::not_found("Invitation with token", &token))?)))
}

/// Accepts a pending invitation: the user with its email (created, verified, if there is none)
/// becomes a member of its organization with its role.
pub(crate) async fn accept(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let mut store = db.store();
    let i = find(&store, &id)?;
    pending(&store, i, NOT_PENDING)?;
    let invitation = store.invitations[i].clone();
    let user_id = match store.user_by_email(&invitation.email) {
        Some(u) => u.id.clone(),
        None => {
            let body = serde_json::json!({ "email": invitation.email, "email_verified": true });
            crate::routes::create_user_in(&mut store, body.to_string().as_bytes())?.id
        }
    };
    if let Some(org) = &invitation.organization_id
        && store.membership_of(&user_id, org).is_none()
    {
        let body = serde_json::json!({ "user_id": user_id, "organization_id": org, "role_slug": invitation.role_slug });
        crate::routes::create_membership_in(&mut store, body.to_string().as_bytes())?;
    }
    let at = now();
    let record = &mut store.invitations[i];
    record.state = "accepted";
    record.accepted_at = Some(at.clone());
    record.accepted_user_id = Some(user_id);
    record.updated_at = at;
    let record = record.clone();
    store.emit("invitation.accepted", event_data(&record));
    Ok(ok(record))
}

pub(crate) async fn revoke(State(db): Db, Path(id): Path<String>) -> ApiResult<Response> {
    let mut store = db.store();
    let i = find(&store, &id)?;
    pending(&store, i, NOT_PENDING)?;
    let at = now();
    let record = &mut store.invitations[i];
    record.state = "revoked";
    record.revoked_at = Some(at.clone());
    record.updated_at = at;
    let record = record.clone();
    store.emit("invitation.revoked", event_data(&record));
    Ok(ok(record))
}

/// Sends a pending invitation again; it stays valid as long as it was.
pub(crate) async fn resend(State(db): Db, Path(id): Path<String>, body: Bytes) -> ApiResult<Response> {
    let _: Resend = parse_body(&body)?;
    let mut store = db.store();
    let i = find(&store, &id)?;
    pending(&store, i, RESEND_CODES)?;
    let record = &mut store.invitations[i];
    record.updated_at = now();
    let record = record.clone();
    store.send_email(&record.email, "invitation", None, Some(&record.accept_invitation_url));
    store.emit("invitation.resent", event_data(&record));
    Ok(ok(record))
}

/// The invitation a token names, if pending: what a sign-up with `invitation_token` joins.
pub(crate) fn pending_by_token<'s>(store: &'s Store, token: &str) -> ApiResult<&'s Invitation> {
    let i = store
        .invitations
        .iter()
        .position(|i| i.token == token)
        .ok_or_else(|| ApiError::not_found("Invitation with token", token))?;
    pending(store, i, NOT_PENDING)?;
    Ok(&store.invitations[i])
}
