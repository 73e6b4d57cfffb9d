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
use crate::model::pipes::accounts::{Owner, OwnerKind};
use crate::model::pipes::integrations::{Consented, Started};
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
    let Started { state, completion } = db.store().start_data_authorization(&slug, input)?;
    let url = format!("{}{CONSENT_PATH}?state={state}", origin(&headers));
    Ok(ok(match completion {
        Some(completion) => json!({ "url": url, "state": state, "completion": completion }),
        None => json!({ "url": url, "state": state }),
    }))
}

/// `GET /_emulator/pipes/authorize?state=`: the provider's consent, given at once; a redirect
/// to the flow's `return_to` (with `connect_code` and `state` for a flow to finish), or the
/// account installed (or the `connect_code`).
pub(crate) async fn consent(State(db): Db, Listing(query): Listing) -> ApiResult<Response> {
    let consented = db.store().consent_data_authorization(query.get("state").unwrap_or_default())?;
    let redirect = |to: String| (StatusCode::FOUND, [(header::LOCATION, to)]).into_response();
    Ok(match consented {
        Consented::Installed { return_to: Some(to), .. } => redirect(to),
        Consented::Installed { account, return_to: None } => ok(account),
        Consented::FinishRequired { connect_code, state, return_to: Some(to) } => {
            let joint = if to.contains('?') { '&' } else { '?' };
            redirect(format!("{to}{joint}connect_code={connect_code}&state={state}"))
        }
        Consented::FinishRequired { connect_code, state, return_to: None } => {
            ok(json!({ "connect_code": connect_code, "state": state }))
        }
    })
}

/// `POST /data-integrations/finish`: a malformed body is a 400 (the operation declares no 422).
pub(crate) async fn finish(State(db): Db, body: Bytes) -> ApiResult<Response> {
    let input = parse_body_400(&body)?;
    Ok(ok(db.store().finish_data_connection(input)?))
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

/// `GET /organizations/{organization_id}/data_providers`.
pub(crate) async fn providers_for_organization(
    State(db): Db,
    Path(org): Path<String>,
    Listing(query): Listing,
) -> ApiResult<Response> {
    let multiple = query.get("supports_multiple_connections") == Some("true");
    Ok(ok(db.store().organization_data_providers(&org, multiple)?))
}

/// `GET /data-integrations/{slug}/organization`: the organization-owned root.
pub(crate) async fn get_organization_owned(State(db): Db, Path(slug): Path<String>) -> ApiResult<Response> {
    Ok(ok(db.store().organization_data_integration(&slug)?))
}

/// `PUT /data-integrations/{slug}/organization`.
pub(crate) async fn update_organization_owned(
    State(db): Db,
    Path(slug): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let input = parse_body(&body)?;
    Ok(ok(db.store().update_data_integration_owned(&slug, OwnerKind::Organization, input)?))
}

/// `DELETE /data-integrations/{slug}/organization`.
pub(crate) async fn delete_organization_owned(
    State(db): Db,
    Path(slug): Path<String>,
) -> ApiResult<Response> {
    db.store().delete_organization_data_integration(&slug)?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// `POST /data-integrations/{slug}/api-key`: another connection; a malformed body is a 400.
pub(crate) async fn add_api_key(State(db): Db, Path(slug): Path<String>, body: Bytes) -> ApiResult<Response> {
    let input = parse_body_400(&body)?;
    Ok(created(db.store().add_data_api_key_connection(&slug, input)?))
}

/// `POST /data-integrations/{slug}/client-credentials`: another connection; a malformed body
/// is a 400.
pub(crate) async fn add_client_credentials(
    State(db): Db,
    Path(slug): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let input = parse_body_400(&body)?;
    Ok(created(db.store().add_data_client_credentials_connection(&slug, input)?))
}
