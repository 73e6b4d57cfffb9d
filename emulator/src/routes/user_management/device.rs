//! The device authorization grant (RFC 8628) over HTTP: `POST /user_management/authorize/device`
//! and the verification URI, `GET /_emulator/device?user_code=...&login_hint=<email>` (or
//! `deny=true`), as there is no login page. The rules are the model's
//! ([`crate::model::user_management::signin::device`]).

use axum::extract::State;
use axum::response::Response;
use bytes::Bytes;
use http::HeaderMap;

use crate::model::error::{ApiResult, parse_body};
use crate::model::user_management::signin::device::{self, DeviceApproval};
use crate::routes::Listing;
use crate::routes::{Db, ok};

/// The verification URI's path (the emulator's own; there is no login page).
pub(crate) const VERIFY_PATH: &str = "/_emulator/device";

/// `POST /user_management/authorize/device`.
pub(crate) async fn authorize(State(db): Db, headers: HeaderMap, body: Bytes) -> ApiResult<Response> {
    let dto = parse_body(&body)?;
    let uri = format!("{}{VERIFY_PATH}", crate::routes::origin(&headers));
    Ok(ok(device::authorize_device(&mut db.store(), dto, &uri)?))
}

/// `GET /_emulator/device?user_code=&login_hint=` approves the code for the user with that email
/// (in `organization_id` when given); `deny=true` refuses it.
pub(crate) async fn verify(State(db): Db, Listing(query): Listing) -> ApiResult<Response> {
    let owned = |key| query.get(key).map(str::to_owned);
    let approval = DeviceApproval {
        user_code: owned("user_code").unwrap_or_default(),
        deny: query.get("deny") == Some("true"),
        login_hint: owned("login_hint"),
        organization_id: owned("organization_id"),
    };
    Ok(ok(device::decide(&mut db.store(), approval)?))
}
