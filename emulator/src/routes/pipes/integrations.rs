//! The HTTP handlers of Pipes' management side (see [`crate::model::pipes::integrations`] and
//! [`crate::model::pipes::configurations`]). The provider's OAuth consent is played at
//! [`CONSENT_PATH`], the URL `POST /data-integrations/{slug}/authorize` answers: it installs the
//! account, then sends the browser to `return_to`.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{HeaderMap, StatusCode, header};
use serde_json::json;

use crate::model::error::{ApiResult, parse_body, parse_body_400};
use crate::model::pipes::accounts::Owner;
use crate::routes::Listing;
use crate::routes::{Db, created, empty, ok, origin};

/// `POST /data-integrations`: the integration's redirect URI is under the emulator's origin.
pub(crate) async fn create(State(db): Db, headers: HeaderMap, body: Bytes) -> ApiResult<Response> {
    let input = parse_body(&body)?;
    Ok(created(db.store().create_data_integration(input, &origin(&headers))?))
}

pub(crate) async fn list(State(db): Db, Listing(query): Listing) -> ApiResult<Response> {
    Ok(ok(db.store().data_integrations(&query)))
}

pub(crate) async fn get(State(db): Db, Path(slug): Path<String>) -> ApiResult<Response> {
    Ok(ok(db.store().data_integration(&slug)?))
}

pub(crate) async fn update(State(db): Db, Path(slug): Path<String>, body: Bytes) -> ApiResult<Response> {
    let input = parse_body(&body)?;
    Ok(ok(db.store().update_data_integration(&slug, input)?))
}

pub(crate) async fn delete(State(db): Db, Path(slug): Path<String>) -> ApiResult<Response> {
    db.store().delete_data_integration(&slug)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// `PUT /data-integrations/{slug}/api-key`.
pub(crate) async fn upsert_api_key(
    State(db): Db,
    Path(slug): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let input = parse_body(&body)?;
    Ok(ok(db.store().put_data_api_key(&slug, input)?))
}

/// `PUT /data-integrations/{slug}/client-credentials`.
pub(crate) async fn upsert_client_credentials(
    State(db): Db,
    Path(slug): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let input = parse_body(&body)?;
    Ok(ok(db.store().put_data_client_credentials(&slug, input)?))
}

/// `POST /data-integrations/{slug}/credentials`: a malformed request is a 400.
pub(crate) async fn credentials_for(
    State(db): Db,
    Path(slug): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let owner: Owner = parse_body_400(&body)?;
    Ok(ok(db.store().data_credentials(&slug, &owner)?))
}

/// The emulator's stand-in for a provider's consent page.
pub(crate) const CONSENT_PATH: &str = "/_emulator/pipes/authorize";

/// `POST /data-integrations/{slug}/authorize`: where to send the user to connect the provider.
pub(crate) async fn authorize_url(
    State(db): Db,
    headers: HeaderMap,
    Path(slug): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let input = parse_body(&body)?;
    let state = db.store().start_data_authorization(&slug, input)?;
    Ok(ok(json!({ "url": format!("{}{CONSENT_PATH}?state={state}", origin(&headers)) })))
}

/// `GET /_emulator/pipes/authorize?state=`: the provider's consent, given at once; a redirect
/// to the flow's `return_to`, or the account installed.
pub(crate) async fn consent(State(db): Db, Listing(query): Listing) -> ApiResult<Response> {
    let consented = db.store().consent_data_authorization(query.get("state").unwrap_or_default())?;
    Ok(match consented.return_to {
        Some(to) => (StatusCode::FOUND, [(header::LOCATION, to)]).into_response(),
        None => ok(consented.account),
    })
}

/// `GET /user_management/users/{user_id}/data_providers`.
pub(crate) async fn providers_for_user(
    State(db): Db,
    Path(user): Path<String>,
    Listing(query): Listing,
) -> ApiResult<Response> {
    Ok(ok(db.store().data_providers(&user, query.get("organization_id"))?))
}

/// `GET /organizations/{id}/data_integration_configurations`.
pub(crate) async fn list_configurations(State(db): Db, Path(org): Path<String>) -> ApiResult<Response> {
    Ok(ok(db.store().data_integration_configurations(&org)?))
}

/// `PUT /organizations/{id}/data_integration_configurations/{slug}`.
pub(crate) async fn configure(
    State(db): Db,
    Path((org, slug)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    let input = parse_body(&body)?;
    Ok(ok(db.store().configure_data_integration(&org, &slug, input)?))
}
