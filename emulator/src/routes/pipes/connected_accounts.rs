//! The HTTP handlers of users' connected accounts and their provider access tokens (see
//! [`crate::model::pipes::accounts`]). A test installs an account with
//! `POST /user_management/users/{user_id}/connected_accounts/{slug}`.

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;

use crate::model::error::{ApiResult, parse_body, parse_body_400};
use crate::model::pipes::accounts::Owner;
use crate::routes::{Db, Listing, created, empty, ok};

pub(crate) async fn install(
    State(db): Db,
    Path((user, slug)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    let input = parse_body(&body)?;
    Ok(created(db.store().install_connected_account(&user, &slug, input)?))
}

pub(crate) async fn update(
    State(db): Db,
    Path((user, slug)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    let input = parse_body(&body)?;
    Ok(ok(db.store().update_connected_account(&user, &slug, input)?))
}

pub(crate) async fn get(State(db): Db, Path((user, slug)): Path<(String, String)>) -> ApiResult<Response> {
    Ok(ok(db.store().connected_account(&user, &slug)?))
}

pub(crate) async fn uninstall(
    State(db): Db,
    Path((user, slug)): Path<(String, String)>,
) -> ApiResult<Response> {
    db.store().uninstall_connected_account(&user, &slug)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// `POST /data-integrations/{slug}/token`. The document's 422 here is an auth-method mismatch;
/// a malformed request is a 400.
pub(crate) async fn token(State(db): Db, Path(slug): Path<String>, body: Bytes) -> ApiResult<Response> {
    let owner: Owner = parse_body_400(&body)?;
    Ok(ok(db.store().connected_account_token(&slug, &owner)?))
}

/// `connected_account_id` selects one of the organization's accounts; without it, the
/// compatibility one.
fn selected(query: &crate::model::list::Query) -> Option<&str> {
    query.get("connected_account_id")
}

/// `GET /organizations/{organization_id}/connected_accounts/{slug}`.
pub(crate) async fn get_for_organization(
    State(db): Db,
    Path((org, slug)): Path<(String, String)>,
    Listing(query): Listing,
) -> ApiResult<Response> {
    Ok(ok(db.store().organization_connected_account(&org, &slug, selected(&query))?))
}

/// `POST /organizations/{organization_id}/connected_accounts/{slug}`.
pub(crate) async fn install_for_organization(
    State(db): Db,
    Path((org, slug)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    let input = parse_body(&body)?;
    Ok(created(db.store().create_organization_connected_account(&org, &slug, input)?))
}

/// `PUT /organizations/{organization_id}/connected_accounts/{slug}`.
pub(crate) async fn update_for_organization(
    State(db): Db,
    Path((org, slug)): Path<(String, String)>,
    Listing(query): Listing,
    body: Bytes,
) -> ApiResult<Response> {
    let input = parse_body(&body)?;
    let target = (selected(&query), query.get("connection_intent"));
    Ok(ok(db.store().update_organization_connected_account(&org, &slug, target, input)?))
}

/// `DELETE /organizations/{organization_id}/connected_accounts/{slug}`.
pub(crate) async fn uninstall_for_organization(
    State(db): Db,
    Path((org, slug)): Path<(String, String)>,
    Listing(query): Listing,
) -> ApiResult<Response> {
    db.store().delete_organization_connected_account(&org, &slug, selected(&query))?;
    Ok(empty(StatusCode::NO_CONTENT))
}
