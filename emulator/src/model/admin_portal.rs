//! Admin Portal: links to an organization's portal session, carrying a signed token (RS256,
//! the emulator's key, so a verifier checks it against its JWKS). Links generated with an
//! `external_user_id` are remembered, so that revoking that admin's links revokes them.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::Store;
use super::error::{ApiError, ApiResult, non_empty};
use super::ids::{now, unix_now};
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
    /// The admin the link is for (in the SDKs; `RevokeLinkDto` revokes by it).
    external_user_id: Option<String>,
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
            external_user_id: None,
        }
    }
}

/// `POST /portal/revoke_link`'s body (`RevokeLinkDto`).
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct RevokeLink {
    pub(crate) organization: String,
    pub(crate) external_user_id: String,
}

/// A link generated for an admin (`external_user_id`), until it is revoked.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct IssuedLink {
    pub(crate) organization_id: String,
    pub(crate) external_user_id: String,
    pub(crate) link: String,
    pub(crate) issued_at: String,
    pub(crate) revoked_at: Option<String>,
}

/// How many links generated for admins the emulator keeps (the oldest go first).
const MAX_LINKS: usize = crate::model::MAX_CODES;

/// A portal link.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PortalLink {
    pub(crate) link: String,
}

/// A link, on the emulator at `origin`, to the organization's Admin Portal session.
pub(crate) fn generate_link(store: &mut Store, dto: LinkRequest, origin: &str) -> ApiResult<PortalLink> {
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
    let link = format!("{origin}/portal/launch?secret={token}");
    if let Some(external_user_id) = dto.external_user_id {
        let issued = IssuedLink {
            organization_id: dto.organization,
            external_user_id,
            link: link.clone(),
            issued_at: now(),
            revoked_at: None,
        };
        crate::model::push_bounded(&mut store.portal_links, issued, MAX_LINKS);
    }
    Ok(PortalLink { link })
}

/// Revokes every link generated for `external_user_id` in the organization (an unknown
/// organization is WorkOS's 404; empty fields a 422 naming them) and answers how many were
/// still live. None is no failure: the document says every matching link is revoked, and
/// declares no answer for "none matched".
pub(crate) fn revoke_link(store: &mut Store, dto: &RevokeLink) -> ApiResult<usize> {
    non_empty("organization", &dto.organization)?;
    non_empty("external_user_id", &dto.external_user_id)?;
    store.organization(&dto.organization)?;
    let at = now();
    let mut revoked = 0;
    for l in store.portal_links.iter_mut().filter(|l| {
        l.revoked_at.is_none()
            && l.organization_id == dto.organization
            && l.external_user_id == dto.external_user_id
    }) {
        l.revoked_at = Some(at.clone());
        revoked += 1;
    }
    Ok(revoked)
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
        let link = generate_link(&mut store, request(&org, "sso", 1), "http://emu.test").expect("link").link;
        let token = link.strip_prefix("http://emu.test/portal/launch?secret=").expect("the portal's URL");
        let claims = verify(token, None).expect("signed by the emulator");
        assert_eq!((claims["sub"].as_str(), claims["intent"].as_str()), (Some(org.as_str()), Some("sso")));
    }

    #[test]
    fn unknown_intents_organizations_and_too_many_contacts_are_refused() {
        let mut store = Store::default();
        let org = add_org(&mut store, "Acme");
        let e = generate_link(&mut store, request(&org, "billing", 0), "o").expect_err("not an intent");
        assert_eq!((e.status.as_u16(), e.errors[0].field.as_str()), (422, "intent"));
        let e = generate_link(&mut store, request(&org, "sso", 21), "o").expect_err("too many");
        assert_eq!(e.errors[0].code, "too_long");
        let e = generate_link(&mut store, request("org_x", "sso", 20), "o").expect_err("no organization");
        assert_eq!(e.message, "Organization not found: 'org_x'.");
    }

    #[test]
    fn revoking_an_admin_revokes_their_links_in_that_organization_only() {
        let mut store = Store::default();
        let (org, other) = (add_org(&mut store, "Acme"), add_org(&mut store, "Other"));
        for (o, admin) in [
            (&org, Some("admin_1")),
            (&org, Some("admin_1")),
            (&org, Some("admin_2")),
            (&other, Some("admin_1")),
            (&org, None),
        ] {
            let body = json!({ "organization": o, "external_user_id": admin });
            generate_link(&mut store, serde_json::from_value(body).expect("body"), "o").expect("link");
        }
        assert_eq!(store.portal_links.len(), 4, "a link without an admin is not remembered");
        let revoke = |o: &str, admin: &str| RevokeLink {
            organization: o.to_owned(),
            external_user_id: admin.to_owned(),
        };
        assert_eq!(revoke_link(&mut store, &revoke(&org, "admin_1")).expect("revoked"), 2);
        assert_eq!(revoke_link(&mut store, &revoke(&org, "admin_1")).expect("again"), 0);
        let live: Vec<&str> = store
            .portal_links
            .iter()
            .filter(|l| l.revoked_at.is_none())
            .map(|l| l.external_user_id.as_str())
            .collect();
        assert_eq!(live, ["admin_2", "admin_1"]);
        let e = revoke_link(&mut store, &revoke("org_x", "admin_1")).expect_err("no organization");
        assert_eq!(e.status.as_u16(), 404);
        let e = revoke_link(&mut store, &revoke(&org, "")).expect_err("no admin");
        assert_eq!((e.status.as_u16(), e.errors[0].field.as_str()), (422, "external_user_id"));
    }
}
