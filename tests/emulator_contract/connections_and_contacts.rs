//! The scenario's steps for a SAML connection's certificates, an organization's IT contacts
//! and their invitation, and the patches of a group's members and role assignments.

use serde_json::{Value, json};

use super::{Scenario, id};

/// A self-signed certificate (EC P-256), valid 2026-12-07 to 2036-12-04.
const PEM: &str = "-----BEGIN CERTIFICATE-----
MIIBjDCCATGgAwIBAgIUFxg7gNfTDg384jlFeT6myQ21isQwCgYIKoZIzj0EAwIw
GzEZMBcGA1UEAwwQaWRwLmV4YW1wbGUudGVzdDAeFw0yNjEyMDcxODUwNTlaFw0z
NjEyMDQxODUwNTlaMBsxGTAXBgNVBAMMEGlkcC5leGFtcGxlLnRlc3QwWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAAQKlKIyKXJku2WdcJiPimpJJF52C9zkPN5HT4rE
pj017Q0/Y+vLLMIpN9sL1w3aGN5mF6gJTq21vixHXuQFDeTSo1MwUTAdBgNVHQ4E
FgQUGZUdMZl5wn5M8/9+Xu/ukL2oHBQwHwYDVR0jBBgwFoAUGZUdMZl5wn5M8/9+
Xu/ukL2oHBQwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEA5S6p
HJ/HQ5ysfmu7Pgo7g1tqlOSdx/Py5TRQIg3ISqECIQDwIvuA6yImxoUr+acZ56Ak
PbBhQXVX/zIc0QPw7WwkOA==
-----END CERTIFICATE-----";

pub(super) async fn run(s: &Scenario) {
    let org = id(&s.call("POST", "/organizations", Some(json!({"name": "Contacts Inc"})), 201).await);
    let conn = json!({"organization_id": org, "connection_type": "OktaSAML", "name": "Okta"});
    let conn = id(&s.call("POST", "/connections", Some(conn), 201).await);
    idp_signing_certificates(s, &org, &conn).await;
    sp_certificates(s, &conn).await;
    it_contacts(s, &org).await;
    group_patches(s, &org).await;
}

async fn idp_signing_certificates(s: &Scenario, org: &str, conn: &str) {
    let certs = format!("/connections/{conn}/saml_idp_signing_certs");
    let first = s.call("POST", &certs, Some(json!({"value": PEM})), 201).await;
    assert_eq!(first["not_after"], "2036-12-04T18:50:59.000Z");
    s.call("POST", &certs, Some(json!({"value": "not a certificate"})), 422).await;
    s.call("POST", "/connections/conn_missing/saml_idp_signing_certs", Some(json!({"value": PEM})), 404)
        .await;
    s.call("DELETE", &format!("{certs}/{}", id(&first)), None, 400).await; // the last one stays
    let second = id(&s.call("POST", &certs, Some(json!({"value": PEM})), 201).await);
    let listed = s.call("GET", &certs, None, 200).await;
    assert_eq!(listed["data"][1]["id"], second.as_str());
    s.call("GET", "/connections/conn_missing/saml_idp_signing_certs", None, 404).await;
    s.call("DELETE", &format!("{certs}/{}", id(&first)), None, 204).await;
    s.call("DELETE", &format!("{certs}/{}", id(&first)), None, 404).await;
    // Certificates are a SAML connection's: another type is a 400.
    let oauth = json!({"organization_id": org, "connection_type": "GoogleOAuth"});
    let oauth = id(&s.call("POST", "/connections", Some(oauth), 201).await);
    s.call("GET", &format!("/connections/{oauth}/saml_idp_signing_certs"), None, 400).await;
}

async fn sp_certificates(s: &Scenario, conn: &str) {
    let encryption = format!("/connections/{conn}/saml_sp_encryption_certs");
    let one = s.call("POST", &encryption, None, 201).await;
    assert!(one["value"].as_str().is_some_and(|v| v.starts_with("-----BEGIN CERTIFICATE-----")));
    s.call("POST", &encryption, None, 201).await;
    assert_eq!(s.call("GET", &encryption, None, 200).await["data"].as_array().map(Vec::len), Some(2));
    s.call("GET", "/connections/conn_missing/saml_sp_encryption_certs", None, 404).await;
    s.call("POST", "/connections/conn_missing/saml_sp_encryption_certs", None, 404).await;
    s.call("DELETE", &format!("{encryption}/{}", id(&one)), None, 204).await;
    s.call("DELETE", &format!("{encryption}/{}", id(&one)), None, 404).await;

    let signing = format!("/connections/{conn}/saml_sp_signing_cert");
    s.call("GET", &signing, None, 404).await;
    let made = s.call("POST", &signing, None, 201).await;
    s.call("POST", &signing, None, 409).await; // one at a time
    assert_eq!(s.call("GET", &signing, None, 200).await["id"], made["id"]);
    s.call("POST", "/connections/conn_missing/saml_sp_signing_cert", None, 404).await;
    s.call("DELETE", &format!("{signing}/{}", id(&made)), None, 204).await;
    s.call("DELETE", &format!("{signing}/{}", id(&made)), None, 404).await;
    s.call("POST", &signing, None, 201).await; // its replacement
}

async fn it_contacts(s: &Scenario, org: &str) {
    let contacts = format!("/organizations/{org}/it_contacts");
    let ann = id(&s.call("POST", &contacts, Some(json!({"email": "ann@contacts.test"})), 201).await);
    let bob = id(&s.call("POST", &contacts, Some(json!({"email": "bob@contacts.test"})), 201).await);
    s.call("POST", &contacts, Some(json!({"email": "ANN@contacts.test"})), 409).await;
    s.call("POST", &contacts, Some(json!({"email": "nobody"})), 422).await;
    s.call("POST", "/organizations/org_missing/it_contacts", Some(json!({"email": "a@b.test"})), 404).await;
    let listed = s.call("GET", &contacts, None, 200).await;
    assert_eq!(listed["data"][0]["id"], ann.as_str());
    s.call("GET", "/organizations/org_missing/it_contacts", None, 404).await;

    let invite = |who: &str| format!("{contacts}/{who}/invite");
    let revoke = |who: &str| format!("{contacts}/{who}/revoke");
    s.call("POST", &revoke(&ann), None, 404).await; // no invitation yet
    s.call("POST", &invite(&ann), Some(json!({"intents": ["sso"]})), 204).await;
    let sent = s.emu.emails();
    let last = sent.last().expect("an email");
    assert_eq!((last.to.as_str(), last.kind), ("ann@contacts.test", "it_contact"));
    s.call("POST", &invite(&bob), Some(json!({"intents": ["directory_sync"]})), 409).await; // one at a time
    s.call("POST", &invite(&bob), Some(json!({"intents": ["fax"]})), 422).await;
    s.call("POST", &invite("it_contact_missing"), Some(json!({"intents": ["sso"]})), 404).await;
    s.call("POST", &revoke(&bob), None, 204).await;
    s.call("POST", &revoke("it_contact_missing"), None, 404).await;
    s.call("DELETE", &format!("{contacts}/{bob}"), None, 204).await;
    s.call("DELETE", &format!("{contacts}/{bob}"), None, 404).await;
}

async fn group_patches(s: &Scenario, org: &str) {
    let u = "/user_management/users";
    let m = "/user_management/organization_memberships";
    let mut members = Vec::new();
    for email in ["gail@contacts.test", "hal@contacts.test"] {
        let user = id(&s.call("POST", u, Some(json!({"email": email})), 201).await);
        members
            .push(id(&s.call("POST", m, Some(json!({"user_id": user, "organization_id": org})), 201).await));
    }
    let (gail, hal) = (&members[0], &members[1]);
    let g = format!("/organizations/{org}/groups");
    let group = id(&s.call("POST", &g, Some(json!({"name": "Patched"})), 201).await);
    let path = format!("{g}/{group}/organization-memberships");
    s.call("PATCH", &path, Some(json!({"add": [gail, hal]})), 204).await;
    s.call("PATCH", &path, Some(json!({"add": [gail], "remove": [hal]})), 204).await;
    let listed: Value = s.call("GET", &path, None, 200).await;
    assert_eq!(listed["data"].as_array().map(Vec::len), Some(1));
    s.call("PATCH", &path, Some(json!({"add": [gail], "remove": [gail]})), 422).await;
    s.call("PATCH", &path, Some(json!({})), 422).await;
    s.call("PATCH", &path, Some(json!({"add": ["om_missing"]})), 404).await;
    s.call(
        "PATCH",
        &format!("{g}/group_missing/organization-memberships"),
        Some(json!({"add": [gail]})),
        404,
    )
    .await;

    let roles = format!("/authorization/groups/{group}/role_assignments");
    let member = json!({"role_slug": "member"});
    s.call("PATCH", &roles, Some(json!({"add": [member]})), 204).await;
    assert_eq!(s.call("GET", &roles, None, 200).await["data"][0]["role"]["slug"], "member");
    s.call("PATCH", &roles, Some(json!({"add": [member], "remove": [member]})), 422).await;
    s.call("PATCH", &roles, Some(json!({"add": [{"role_slug": "nobody"}]})), 404).await;
    s.call("PATCH", &roles, Some(json!({"remove": [member]})), 204).await;
    assert_eq!(s.call("GET", &roles, None, 200).await["data"], json!([]));
    s.call(
        "PATCH",
        "/authorization/groups/group_missing/role_assignments",
        Some(json!({"add": [member]})),
        404,
    )
    .await;
}
