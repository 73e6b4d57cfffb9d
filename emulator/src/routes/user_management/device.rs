//! The device authorization grant (RFC 8628): `POST /user_management/authorize/device` gives a
//! device code and a user code; the user approves it at the verification URI (here
//! `GET /_emulator/device?user_code=...&login_hint=<email>`, or `deny=true`, as there is no login
//! page); the device polls `POST /user_management/authenticate` with the
//! `urn:ietf:params:oauth:grant-type:device_code` grant and gets `authorization_pending`,
//! `slow_down` (polled sooner than the interval, which then grows by five seconds),
//! `access_denied`, `expired_token`, or the user's tokens once.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::{RawQuery, State};
use axum::response::Response;
use bytes::Bytes;
use http::HeaderMap;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::model::error::{ApiError, ApiResult, parse_body};
use crate::model::list::Query;
use crate::model::{MAX_CODES, Store, push_bounded};
use crate::routes::{Db, ok};

/// How long a device code lives.
const DEVICE_TTL_SECS: u64 = 300;
/// The polling interval when the seed sets none (WorkOS's).
pub(crate) const DEFAULT_INTERVAL_SECS: u64 = 5;

/// Device authorizations waiting for their user.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct DeviceData {
    pending: Vec<DeviceGrant>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct DeviceGrant {
    device_code: String,
    user_code: String,
    client_id: String,
    expires_at: u64,
    interval: u64,
    /// Milliseconds since the epoch of the last poll.
    last_poll_ms: Option<u128>,
    /// `Some(Ok((user, organization)))` once approved, `Some(Err(()))` once denied.
    decision: Option<Result<(String, Option<String>), ()>>,
}

fn now_ms() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_millis()
}

#[derive(Deserialize)]
struct DeviceRequest {
    client_id: String,
}

/// A user code as WorkOS writes them: 8 letters without vowels or look-alikes, `XXXX-XXXX`.
fn user_code() -> String {
    const ALPHABET: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";
    let letters: String = (0..8).map(|_| ALPHABET[fastrand::usize(..ALPHABET.len())] as char).collect();
    format!("{}-{}", &letters[..4], &letters[4..])
}

/// `POST /user_management/authorize/device`.
pub(crate) async fn authorize(State(db): Db, headers: HeaderMap, body: Bytes) -> ApiResult<Response> {
    let dto: DeviceRequest = parse_body(&body)?;
    if dto.client_id.trim().is_empty() {
        return Err(ApiError::oauth("invalid_client", "client_id is required."));
    }
    let mut store = db.store();
    let interval = store.authkit.device_interval_secs.unwrap_or(DEFAULT_INTERVAL_SECS);
    let now = now_ms();
    store.device.pending.retain(|g| u128::from(g.expires_at) * 1000 > now);
    let grant = DeviceGrant {
        device_code: crate::model::ids::token(40),
        user_code: user_code(),
        client_id: dto.client_id,
        expires_at: (now / 1000) as u64 + DEVICE_TTL_SECS,
        interval,
        last_poll_ms: None,
        decision: None,
    };
    let uri = format!("{}{VERIFY_PATH}", crate::routes::origin(&headers));
    let answer = json!({
        "device_code": grant.device_code,
        "user_code": grant.user_code,
        "verification_uri": uri,
        "verification_uri_complete": format!("{uri}?user_code={}", grant.user_code),
        "expires_in": DEVICE_TTL_SECS,
        "interval": interval,
    });
    push_bounded(&mut store.device.pending, grant, MAX_CODES);
    Ok(ok(answer))
}

/// The verification URI's path (the emulator's own; there is no login page).
pub(crate) const VERIFY_PATH: &str = "/_emulator/device";

/// `GET /_emulator/device?user_code=&login_hint=` approves the code for the user with that email
/// (in `organization_id` when given); `deny=true` refuses it.
pub(crate) async fn verify(State(db): Db, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let query = Query::parse(raw.as_deref())?;
    let code = query.get("user_code").map(str::to_uppercase).unwrap_or_default();
    let mut store = db.store();
    let decision = if query.get("deny") == Some("true") {
        Err(())
    } else {
        let email = query.get("login_hint").map(str::to_lowercase).ok_or_else(|| {
            ApiError::bad_request("login_hint_required", "Pass the approving user's email as login_hint.")
        })?;
        let user = store
            .user_by_email(&email)
            .map(|u| u.id.clone())
            .ok_or_else(|| ApiError::not_found("User", &email))?;
        let org = match query.get("organization_id") {
            Some(org) => {
                Some(crate::routes::user_management::authenticate::membership_org(&store, &user, org)?)
            }
            None => crate::routes::user_management::authenticate::single_org(&store, &user),
        };
        Ok((user, org))
    };
    let now = (now_ms() / 1000) as u64;
    let grant = store
        .device
        .pending
        .iter_mut()
        .find(|g| g.user_code == code && g.expires_at > now && g.decision.is_none())
        .ok_or_else(|| ApiError::not_found("Device authorization", &code))?;
    let approved = decision.is_ok();
    grant.decision = Some(decision);
    Ok(ok(json!({ "object": "device_authorization", "user_code": code, "approved": approved })))
}

/// The device code grant: the approving user and organization, once; the RFC's errors until then.
pub(crate) fn redeem(
    store: &mut Store,
    client_id: &str,
    device_code: &str,
) -> ApiResult<(String, Option<String>)> {
    let now = now_ms();
    let at = store
        .device
        .pending
        .iter()
        .position(|g| g.device_code == device_code && g.client_id == client_id)
        .ok_or_else(|| ApiError::oauth("invalid_grant", "The device code is invalid or was used."))?;
    let grant = &mut store.device.pending[at];
    if u128::from(grant.expires_at) * 1000 <= now {
        store.device.pending.remove(at);
        return Err(ApiError::oauth("expired_token", "The device code expired: start again."));
    }
    let too_soon = grant.last_poll_ms.is_some_and(|last| now < last + u128::from(grant.interval) * 1000);
    grant.last_poll_ms = Some(now);
    match grant.decision.clone() {
        Some(Ok(approved)) => {
            store.device.pending.remove(at);
            Ok(approved)
        }
        Some(Err(())) => {
            store.device.pending.remove(at);
            Err(ApiError::oauth("access_denied", "The user denied the device."))
        }
        None if too_soon => {
            grant.interval += 5;
            Err(ApiError::oauth("slow_down", format!("Poll at most every {} seconds.", grant.interval)))
        }
        None => Err(ApiError::oauth("authorization_pending", "The user has not approved the device yet.")),
    }
}
