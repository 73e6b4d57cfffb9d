//! The device authorization grant (RFC 8628): a device asks for a device code and a user code;
//! the user approves it at the verification URI (the emulator's own, as there is no login page:
//! the approving user's email is its `login_hint`), or denies it; the device polls
//! `authenticate` with the `urn:ietf:params:oauth:grant-type:device_code` grant and gets
//! `authorization_pending`, `slow_down` (polled sooner than the interval, which then grows by
//! five seconds), `access_denied`, `expired_token`, or the user's tokens once.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::model::error::{ApiError, ApiResult};
use crate::model::{MAX_CODES, Name, Store, push_bounded};

/// How long a device code lives.
const DEVICE_TTL_SECS: u64 = 300;
/// The polling interval when the seed sets none (WorkOS's).
const DEFAULT_INTERVAL_SECS: u64 = 5;

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

/// `POST /user_management/authorize/device`'s body.
#[derive(Deserialize)]
pub(crate) struct DeviceRequest {
    client_id: String,
}

/// A user code as WorkOS writes them: 8 letters without vowels or look-alikes, `XXXX-XXXX`.
fn user_code() -> String {
    const ALPHABET: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";
    let letters: String = (0..8).map(|_| ALPHABET[fastrand::usize(..ALPHABET.len())] as char).collect();
    format!("{}-{}", &letters[..4], &letters[4..])
}

/// A new device authorization: the codes, where the user approves them, and how often to poll.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DeviceAuthorization {
    pub(crate) device_code: String,
    pub(crate) user_code: String,
    verification_uri: String,
    verification_uri_complete: String,
    expires_in: u64,
    interval: u64,
}

/// Starts a device authorization whose user approves it at `verification_uri`.
pub(crate) fn authorize_device(
    store: &mut Store,
    dto: DeviceRequest,
    verification_uri: &str,
) -> ApiResult<DeviceAuthorization> {
    if dto.client_id.trim().is_empty() {
        return Err(ApiError::oauth("invalid_client", "client_id is required."));
    }
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
    let answer = DeviceAuthorization {
        device_code: grant.device_code.clone(),
        user_code: grant.user_code.clone(),
        verification_uri: verification_uri.to_owned(),
        verification_uri_complete: format!("{verification_uri}?user_code={}", grant.user_code),
        expires_in: DEVICE_TTL_SECS,
        interval,
    };
    push_bounded(&mut store.device.pending, grant, MAX_CODES);
    Ok(answer)
}

/// The user's answer at the verification URI: approve the code as the user with email
/// `login_hint` (in `organization_id` when given), or `deny` it.
#[derive(Debug, Clone, Default)]
pub(crate) struct DeviceApproval {
    pub(crate) user_code: String,
    pub(crate) deny: bool,
    pub(crate) login_hint: Option<String>,
    pub(crate) organization_id: Option<String>,
}

/// What the verification URI answers.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DeviceDecision {
    object: Name,
    user_code: String,
    pub(crate) approved: bool,
}

/// Approves or denies a waiting device authorization by its user code (any case).
pub(crate) fn decide(store: &mut Store, dto: DeviceApproval) -> ApiResult<DeviceDecision> {
    let code = dto.user_code.to_uppercase();
    let decision = if dto.deny {
        Err(())
    } else {
        let email = dto.login_hint.map(|e| e.to_lowercase()).ok_or_else(|| {
            ApiError::bad_request("login_hint_required", "Pass the approving user's email as login_hint.")
        })?;
        let user = store
            .user_by_email(&email)
            .map(|u| u.id.clone())
            .ok_or_else(|| ApiError::not_found("User", &email))?;
        let org = match dto.organization_id {
            Some(org) => Some(super::membership_org(store, &user, &org)?),
            None => super::single_org(store, &user),
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
    Ok(DeviceDecision { object: "device_authorization", user_code: code, approved })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::user_management::signin::fixtures::{add_member, add_org, add_user, status_and_code};

    fn start(store: &mut Store) -> DeviceAuthorization {
        let dto = DeviceRequest { client_id: "client_1".into() };
        authorize_device(store, dto, "http://emu.test/_emulator/device").expect("started")
    }

    fn approve(store: &mut Store, code: &str, email: Option<&str>) -> ApiResult<DeviceDecision> {
        let dto = DeviceApproval {
            user_code: code.to_lowercase(),
            login_hint: email.map(str::to_owned),
            ..DeviceApproval::default()
        };
        decide(store, dto)
    }

    #[test]
    fn a_device_needs_a_client_and_gets_codes_and_the_uri() {
        let mut store = Store::default();
        let e = authorize_device(&mut store, DeviceRequest { client_id: " ".into() }, "u")
            .expect_err("no client");
        assert_eq!((e.oauth, e.code), (true, Some("invalid_client")));
        let a = start(&mut store);
        assert!(a.user_code.len() == 9 && a.user_code.as_bytes()[4] == b'-');
        assert_eq!(
            a.verification_uri_complete,
            format!("http://emu.test/_emulator/device?user_code={}", a.user_code)
        );
        assert_eq!((a.interval, a.expires_in), (DEFAULT_INTERVAL_SECS, DEVICE_TTL_SECS));
    }

    #[test]
    fn polling_is_pending_then_slowed_then_the_approved_user_once() {
        let mut store = Store::default();
        let (user, org) = (add_user(&mut store, "ada@x.test"), add_org(&mut store, "Acme"));
        add_member(&mut store, &user, &org);
        let a = start(&mut store);
        let poll = |store: &mut Store| redeem(store, "client_1", &a.device_code);
        assert_eq!(poll(&mut store).expect_err("waiting").code, Some("authorization_pending"));
        let e = poll(&mut store).expect_err("too soon");
        assert_eq!((e.code, e.message.as_str()), (Some("slow_down"), "Poll at most every 10 seconds."));
        assert_eq!(
            redeem(&mut store, "client_2", &a.device_code).expect_err("other client").code,
            Some("invalid_grant")
        );
        let e = approve(&mut store, &a.user_code, None).expect_err("who approves?");
        assert_eq!(status_and_code(&e), (400, Some("login_hint_required")));
        assert_eq!(
            approve(&mut store, &a.user_code, Some("nobody@x.test")).expect_err("no user").status.as_u16(),
            404
        );
        assert!(approve(&mut store, &a.user_code, Some("ADA@x.test")).expect("approved").approved);
        assert_eq!(
            approve(&mut store, &a.user_code, Some("ada@x.test")).expect_err("decided").status.as_u16(),
            404
        );
        assert_eq!(poll(&mut store).expect("tokens"), (user, Some(org)));
        assert_eq!(poll(&mut store).expect_err("used").code, Some("invalid_grant"));
    }

    #[test]
    fn a_denied_device_is_told_so_once() {
        let mut store = Store::default();
        let a = start(&mut store);
        let dto = DeviceApproval { user_code: a.user_code.clone(), deny: true, ..DeviceApproval::default() };
        assert!(!decide(&mut store, dto).expect("denied").approved);
        assert_eq!(
            redeem(&mut store, "client_1", &a.device_code).expect_err("denied").code,
            Some("access_denied")
        );
        assert!(store.device.pending.is_empty());
    }
}
