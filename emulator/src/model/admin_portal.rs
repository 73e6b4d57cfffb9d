//! Admin Portal: links to an organization's portal session, carrying a signed token (RS256,
//! the emulator's key, so a verifier checks it against its JWKS).

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::Store;
use super::error::{ApiError, ApiResult};
use super::ids::unix_now;
use super::user_management::signin::tokens::{EMBED_TOKEN_TTL_SECS, sign};

const INTENTS: &[&str] = &[
    "sso",
    "dsync",
    "audit_logs",
    "log_streams",
    "domain_verification",
    "certificate_renewal",
    "bring_your_own_key",
];

/// `POST /portal/generate_link`'s body.
#[derive(Deserialize)]
pub(crate) struct LinkRequest {
    organization: String,
    intent: Option<String>,
    return_url: Option<String>,
    success_url: Option<String>,
    it_contact_emails: Option<Vec<String>>,
}

impl LinkRequest {
    /// A link to `organization`'s portal for `intent`, with nothing else (an IT contact's
    /// invitation).
    pub(crate) fn for_intent(organization: &str, intent: &str) -> Self {
        Self {
            organization: organization.to_owned(),
            intent: Some(intent.to_owned()),
            return_url: None,
            success_url: None,
            it_contact_emails: None,
        }
    }
}

/// A portal link.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PortalLink {
    pub(crate) link: String,
}

/// A link, on the emulator at `origin`, to the organization's Admin Portal session.
pub(crate) fn generate_link(store: &Store, dto: LinkRequest, origin: &str) -> ApiResult<PortalLink> {
    if let Some(intent) = &dto.intent
        && !INTENTS.contains(&intent.as_str())
    {
        return Err(ApiError::invalid_field(
            "intent",
            "invalid",
            format!("'{intent}' is not a portal intent."),
        ));
    }
    if dto.it_contact_emails.as_ref().is_some_and(|e| e.len() > 20) {
        return Err(ApiError::invalid_field(
            "it_contact_emails",
            "too_long",
            "At most 20 IT contact emails.",
        ));
    }
    store.organization(&dto.organization)?;
    let claims = json!({
        "sub": dto.organization,
        "intent": dto.intent,
        "return_url": dto.return_url,
        "success_url": dto.success_url,
        "iat": unix_now(),
        "exp": unix_now() + EMBED_TOKEN_TTL_SECS,
    });
    let token = sign(&claims)?;
    Ok(PortalLink { link: format!("{origin}/portal/launch?secret={token}") })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::user_management::signin::fixtures::add_org;
    use crate::model::user_management::signin::tokens::verify;

    fn request(org: &str, intent: &str, contacts: usize) -> LinkRequest {
        let emails: Vec<String> = (0..contacts).map(|i| format!("it{i}@x.test")).collect();
        let body = json!({ "organization": org, "intent": intent, "it_contact_emails": emails });
        serde_json::from_value(body).expect("body")
    }

    #[test]
    fn a_link_carries_a_signed_token_for_the_organization_and_intent() {
        let mut store = Store::default();
        let org = add_org(&mut store, "Acme");
        let link = generate_link(&store, request(&org, "sso", 1), "http://emu.test").expect("link").link;
        let token = link.strip_prefix("http://emu.test/portal/launch?secret=").expect("the portal's URL");
        let claims = verify(token, None).expect("signed by the emulator");
        assert_eq!((claims["sub"].as_str(), claims["intent"].as_str()), (Some(org.as_str()), Some("sso")));
    }

    #[test]
    fn unknown_intents_organizations_and_too_many_contacts_are_refused() {
        let mut store = Store::default();
        let org = add_org(&mut store, "Acme");
        let e = generate_link(&store, request(&org, "billing", 0), "o").expect_err("not an intent");
        assert_eq!((e.status.as_u16(), e.errors[0].field.as_str()), (422, "intent"));
        let e = generate_link(&store, request(&org, "sso", 21), "o").expect_err("too many");
        assert_eq!(e.errors[0].code, "too_long");
        let e = generate_link(&store, request("org_x", "sso", 20), "o").expect_err("no organization");
        assert_eq!(e.message, "Organization not found: 'org_x'.");
    }
}
