//! Widgets: signed tokens (RS256, the emulator's key) for a user, in an organization, with the
//! widget scopes asked for.

use serde::Deserialize;
use serde_json::json;

use super::Store;
use super::error::{ApiError, ApiResult};
use super::ids::unix_now;
use super::user_management::signin::tokens::{EMBED_TOKEN_TTL_SECS, SignedToken, sign};

const WIDGET_SCOPES: &[&str] = &[
    "widgets:users-table:manage",
    "widgets:domain-verification:manage",
    "widgets:sso:manage",
    "widgets:api-keys:manage",
    "widgets:dsync:manage",
    "widgets:audit-log-streaming:manage",
    "widgets:pipes:manage",
];

/// `POST /widgets/token`'s body.
#[derive(Deserialize)]
pub(crate) struct WidgetTokenRequest {
    organization_id: Option<String>,
    user_id: Option<String>,
    scopes: Option<Vec<String>>,
}

/// A token for the user (a member of the organization, when given) with the scopes asked for;
/// scopes need an organization.
pub(crate) fn widget_token(store: &Store, dto: WidgetTokenRequest) -> ApiResult<SignedToken> {
    let scopes = dto.scopes.unwrap_or_default();
    if let Some(bad) = scopes.iter().find(|s| !WIDGET_SCOPES.contains(&s.as_str())) {
        return Err(ApiError::invalid_field("scopes", "invalid", format!("'{bad}' is not a widget scope.")));
    }
    let user =
        dto.user_id.ok_or_else(|| ApiError::invalid_field("user_id", "required", "user_id is required."))?;
    store.user(&user)?;
    if let Some(org) = &dto.organization_id {
        store.organization(org)?;
        super::user_management::signin::membership_org(store, &user, org)?;
    } else if !scopes.is_empty() {
        return Err(ApiError::bad_request(
            "organization_required",
            "Organization scopes need an organization_id.",
        ));
    }
    let claims = json!({
        "sub": user,
        "org_id": dto.organization_id,
        "scopes": scopes,
        "iat": unix_now(),
        "exp": unix_now() + EMBED_TOKEN_TTL_SECS,
    });
    Ok(SignedToken { token: sign(&claims)? })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::user_management::signin::fixtures::{add_member, add_org, add_user, status_and_code};
    use crate::model::user_management::signin::tokens::verify;

    fn request(user: Option<&str>, org: Option<&str>, scopes: &[&str]) -> WidgetTokenRequest {
        let body = json!({ "user_id": user, "organization_id": org, "scopes": scopes });
        serde_json::from_value(body).expect("body")
    }

    #[test]
    fn a_token_for_a_member_carries_the_scopes() {
        let mut store = Store::default();
        let (user, org) = (add_user(&mut store, "ada@x.test"), add_org(&mut store, "Acme"));
        let ask =
            |store: &Store| widget_token(store, request(Some(&user), Some(&org), &["widgets:sso:manage"]));
        let e = ask(&store).expect_err("not a member");
        assert_eq!(status_and_code(&e), (400, Some("organization_membership_not_found")));
        add_member(&mut store, &user, &org);
        let claims = verify(&ask(&store).expect("token").token, None).expect("signed by the emulator");
        assert_eq!(
            (claims["org_id"].as_str(), claims["scopes"].clone()),
            (Some(org.as_str()), json!(["widgets:sso:manage"]))
        );
    }

    #[test]
    fn scopes_users_and_organizations_are_checked() {
        let mut store = Store::default();
        let user = add_user(&mut store, "ada@x.test");
        let e =
            widget_token(&store, request(Some(&user), None, &["widgets:everything"])).expect_err("no scope");
        assert_eq!((e.status.as_u16(), e.errors[0].field.as_str()), (422, "scopes"));
        let e = widget_token(&store, request(None, None, &[])).expect_err("no user");
        assert_eq!(e.errors[0].field, "user_id");
        let e =
            widget_token(&store, request(Some(&user), None, &["widgets:sso:manage"])).expect_err("no org");
        assert_eq!(status_and_code(&e), (400, Some("organization_required")));
        let e = widget_token(&store, request(Some(&user), Some("org_x"), &[])).expect_err("unknown org");
        assert_eq!(e.message, "Organization not found: 'org_x'.");
        assert!(
            widget_token(&store, request(Some(&user), None, &[])).is_ok(),
            "no scopes, no organization needed"
        );
    }
}
