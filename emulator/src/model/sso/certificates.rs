//! A SAML connection's certificates: the identity provider's signing certificates (imported,
//! oldest first, the last one kept), WorkOS's encryption certificates (generated, appended:
//! every one decrypts) and WorkOS's request signing certificate (generated, one at a time:
//! deleted before its replacement is made). A certificate holds its PEM text and the validity
//! its X.509 structure gives.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::model::error::{ApiError, ApiResult};
use crate::model::ids::{in_minutes, now};
use crate::model::{Name, Store};

records!(
    Certificate => "Certificate",
);

/// The three kinds, by their `object`.
pub(crate) const IDP_SIGNING: Name = "saml_idp_signing_certificate";
pub(crate) const SP_ENCRYPTION: Name = "saml_sp_encryption_certificate";
pub(crate) const SP_SIGNING: Name = "saml_sp_signing_certificate";

/// How long a certificate WorkOS generates is valid: ten years.
const GENERATED_MINUTES: i64 = 10 * 365 * 24 * 60;

/// `SAMLIdpSigningCertificate`, `SAMLSpEncryptionCertificate` or `SAMLSpSigningCertificate`
/// (by `object`), with its connection (not in the answer).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Certificate {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    /// The PEM-encoded X.509 certificate.
    pub(crate) value: String,
    pub(crate) not_before: Option<String>,
    pub(crate) not_after: Option<String>,
    pub(crate) created_at: String,
    #[serde(default, skip_serializing_if = "crate::model::persist::answering")]
    pub(crate) connection_id: String,
}

/// `POST .../saml_idp_signing_certs`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct AddCertificate {
    pub(crate) value: String,
}

/// One DER element at the start of `der`: its tag, its content, and what follows it.
fn element(der: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = der.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n].iter().fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// A UTCTime (`YYMMDDHHMMSSZ`, tag 0x17) or GeneralizedTime (`YYYYMMDDHHMMSSZ`, 0x18) as
/// ISO 8601.
fn der_time(tag: u8, content: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(content).ok()?.strip_suffix('Z')?;
    let full = match (tag, text.len()) {
        (0x17, 12) => {
            let yy: u32 = text[..2].parse().ok()?;
            format!("{}{text}", if yy >= 50 { "19" } else { "20" })
        }
        (0x18, 14) => text.to_owned(),
        _ => return None,
    };
    if !full.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let d = |a: usize, b: usize| &full[a..b];
    Some(format!("{}-{}-{}T{}:{}:{}.000Z", d(0, 4), d(4, 6), d(6, 8), d(8, 10), d(10, 12), d(12, 14)))
}

/// The validity (not before, not after) of a DER X.509 certificate: `Certificate` →
/// `tbsCertificate` → (`[0] version`), serial, signature algorithm, issuer, `validity`.
fn validity(der: &[u8]) -> Option<(String, String)> {
    let (0x30, cert, _) = element(der)? else { return None };
    let (0x30, tbs, _) = element(cert)? else { return None };
    let (tag, _, mut rest) = element(tbs)?;
    if tag == 0xa0 {
        rest = element(rest)?.2; // the version came first: skip the serial number too
    }
    let (0x30, _, rest) = element(rest)? else { return None }; // signature algorithm
    let (0x30, _, rest) = element(rest)? else { return None }; // issuer
    let (0x30, validity, _) = element(rest)? else { return None };
    let (t1, before, rest) = element(validity)?;
    let (t2, after, _) = element(rest)?;
    Some((der_time(t1, before)?, der_time(t2, after)?))
}

/// The validity of a PEM certificate; a 422 on `value` unless it is one.
fn read_pem(pem: &str) -> ApiResult<(String, String)> {
    let body = pem
        .trim()
        .strip_prefix("-----BEGIN CERTIFICATE-----")
        .and_then(|b| b.strip_suffix("-----END CERTIFICATE-----"));
    let der = body.and_then(|b| {
        let b64: String = b.chars().filter(|c| !c.is_whitespace()).collect();
        STANDARD.decode(b64).ok()
    });
    der.as_deref().and_then(validity).ok_or_else(|| {
        ApiError::invalid_field("value", "invalid", "value is not a PEM-encoded X.509 certificate.")
    })
}

/// The PEM certificates of a connection body's `saml_options.idp_signing_certs`, each with its
/// validity, or a 422 naming the first that is not a certificate; none is kept here.
pub(super) fn read_idp_signing_certificates(pems: &[String]) -> ApiResult<Vec<(String, (String, String))>> {
    pems.iter()
        .enumerate()
        .map(|(i, pem)| {
            let validity = read_pem(pem).map_err(|_| {
                let field = format!("saml_options.idp_signing_certs[{i}]");
                let message = format!("{field} is not a PEM-encoded X.509 certificate.");
                ApiError::invalid_field(&field, "invalid", message)
            })?;
            Ok((pem.clone(), validity))
        })
        .collect()
}

/// A DER element of `tag` around `content`.
fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    match u16::try_from(content.len()) {
        Ok(n) if n < 0x80 => out.push(n as u8),
        Ok(n) if n < 0x100 => out.extend([0x81, n as u8]),
        Ok(n) => out.extend([0x82, (n >> 8) as u8, n as u8]),
        Err(_) => unreachable!("a generated certificate is small"),
    }
    out.extend_from_slice(content);
    out
}

/// The PEM text of a certificate WorkOS generates, shaped as X.509 (its key and signature
/// are random bytes: the emulator signs and decrypts nothing with it), valid from `from` to
/// `until` (GeneralizedTime text).
fn generated_pem(subject: &str, from: &str, until: &str) -> String {
    let name = der(
        0x30,
        &der(0x31, &der(0x30, &[der(0x06, &[0x55, 0x04, 0x03]), der(0x0c, subject.as_bytes())].concat())),
    );
    let random = |n: usize| (0..n).map(|_| fastrand::u8(..)).collect::<Vec<u8>>();
    let algorithm = der(0x30, &der(0x06, &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b]));
    let key = der(0x30, &[algorithm.clone(), der(0x03, &[&[0u8][..], &random(64)].concat())].concat());
    let tbs = [
        der(0xa0, &der(0x02, &[2])),
        der(0x02, &random(16).iter().map(|b| b & 0x7f).collect::<Vec<u8>>()),
        algorithm.clone(),
        name.clone(),
        der(0x30, &[der(0x18, from.as_bytes()), der(0x18, until.as_bytes())].concat()),
        name,
        key,
    ]
    .concat();
    let cert =
        der(0x30, &[der(0x30, &tbs), algorithm, der(0x03, &[&[0u8][..], &random(64)].concat())].concat());
    let b64 = STANDARD.encode(cert);
    let lines: Vec<&str> =
        b64.as_bytes().chunks(64).map(|l| std::str::from_utf8(l).unwrap_or_default()).collect();
    format!("-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n", lines.join("\n"))
}

/// An ISO 8601 timestamp as GeneralizedTime (`YYYYMMDDHHMMSSZ`).
fn generalized(iso: &str) -> String {
    let digits: String = iso.chars().take(19).filter(char::is_ascii_digit).collect();
    format!("{digits}Z")
}

impl Store {
    /// A SAML connection (its 404 first; another type of connection is a 400, as the
    /// document declares: its code is not known, so the emulator's `invalid_request`).
    fn saml_connection(&self, connection: &str) -> ApiResult<()> {
        let c = self.sso.connections.get(connection)?;
        if !c.connection_type.ends_with("SAML") {
            return Err(ApiError::bad_request(
                "invalid_request",
                format!("Connection '{connection}' is a {} connection, not a SAML one.", c.connection_type),
            ));
        }
        Ok(())
    }

    /// The connection's certificates of kind `object`, oldest first.
    fn certificates<'a>(
        &'a self,
        connection: &'a str,
        object: Name,
    ) -> impl Iterator<Item = &'a Certificate> {
        self.sso.certificates.iter().filter(move |c| c.connection_id == connection && c.object == object)
    }

    /// `{object: list, data}` of the connection's certificates of kind `object`.
    pub(crate) fn list_certificates(&self, connection: &str, object: Name) -> ApiResult<Value> {
        self.saml_connection(connection)?;
        let data: Vec<&Certificate> = self.certificates(connection, object).collect();
        Ok(json!({ "object": "list", "data": data }))
    }

    /// Stores a certificate of `object` for the connection.
    fn store_certificate(
        &mut self,
        connection: &str,
        object: Name,
        value: String,
        validity: (String, String),
    ) -> Certificate {
        let record = Certificate {
            object,
            id: self.ids.next("cert"),
            value,
            not_before: Some(validity.0),
            not_after: Some(validity.1),
            created_at: now(),
            connection_id: connection.to_owned(),
        };
        self.sso.certificates.push(record.clone());
        record
    }

    /// Imports an identity provider's signing certificate (422 unless `value` is a PEM X.509
    /// certificate); the others keep working.
    /// Keeps the identity provider's signing certificates a connection is created or updated
    /// with (`saml_options.idp_signing_certs`), each read first (see
    /// [`read_idp_signing_certificates`]).
    pub(super) fn keep_idp_signing_certificates(
        &mut self,
        connection: &str,
        read: Vec<(String, (String, String))>,
    ) {
        for (value, validity) in read {
            self.store_certificate(connection, IDP_SIGNING, value, validity);
        }
    }

    pub(crate) fn add_idp_signing_certificate(
        &mut self,
        connection: &str,
        add: AddCertificate,
    ) -> ApiResult<Certificate> {
        self.saml_connection(connection)?;
        let validity = read_pem(&add.value)?;
        Ok(self.store_certificate(connection, IDP_SIGNING, add.value, validity))
    }

    /// Generates a certificate of `object` for the connection: an encryption certificate is
    /// appended; a request signing certificate is one at a time, so a second is a 409 (the
    /// document: "delete the existing certificate before creating its replacement"; its 409
    /// has only a message, so no code).
    pub(crate) fn generate_certificate(&mut self, connection: &str, object: Name) -> ApiResult<Certificate> {
        self.saml_connection(connection)?;
        if object == SP_SIGNING && self.certificates(connection, object).next().is_some() {
            let message =
                "The connection has a request signing certificate; delete it before creating another.";
            return Err(ApiError { code: None, ..ApiError::conflict("certificate_exists", message) });
        }
        let (from, until) = (now(), in_minutes(GENERATED_MINUTES));
        let value = generated_pem(&format!("workos {connection}"), &generalized(&from), &generalized(&until));
        let validity = read_pem(&value)?;
        Ok(self.store_certificate(connection, object, value, validity))
    }

    /// The connection's request signing certificate; 404 when it has none.
    pub(crate) fn sp_signing_certificate(&self, connection: &str) -> ApiResult<&Certificate> {
        self.saml_connection(connection)?;
        let found =
            self.sso.certificates.iter().find(|c| c.connection_id == connection && c.object == SP_SIGNING);
        found.ok_or_else(|| ApiError::not_found("SAML SP signing certificate", connection))
    }

    /// Removes certificate `id` of kind `object` from the connection (404 when the connection
    /// has none with that id). The identity provider's last signing certificate stays: a 400,
    /// as the document says ("The last remaining certificate cannot be deleted"; code not
    /// known, so the emulator's `invalid_request`).
    pub(crate) fn delete_certificate(&mut self, connection: &str, object: Name, id: &str) -> ApiResult<()> {
        self.sso.connections.get(connection)?;
        let i = self
            .sso
            .certificates
            .iter()
            .position(|c| c.id == id && c.connection_id == connection && c.object == object)
            .ok_or_else(|| ApiError::not_found("Certificate", id))?;
        if object == IDP_SIGNING && self.certificates(connection, object).count() == 1 {
            return Err(ApiError::bad_request(
                "invalid_request",
                "The connection's last identity provider signing certificate cannot be deleted.",
            ));
        }
        self.sso.certificates.remove(i);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::sso::ConnectionBody;
    use crate::model::testing::organization;

    /// A self-signed certificate (openssl, EC P-256), valid 2026-12-07 to 2036-12-04.
    pub(crate) const PEM: &str = "-----BEGIN CERTIFICATE-----
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

    fn connection(store: &mut Store, kind: &str) -> String {
        let org = organization(store, "A").id;
        let body: ConnectionBody =
            serde_json::from_value(json!({"organization_id": org, "connection_type": kind})).expect("body");
        store.create_connection(body).expect("created").id.to_owned()
    }

    #[test]
    fn a_connection_keeps_the_signing_certificates_it_is_made_or_changed_with() {
        let mut store = Store::default();
        let org = organization(&mut store, "A").id;
        let body = |certs: &[&str]| -> ConnectionBody {
            let body = json!({"organization_id": org, "saml_options": {"idp_signing_certs": certs}});
            serde_json::from_value(body).expect("body")
        };
        let e = store.create_connection(body(&[PEM, "x"])).expect_err("not PEM");
        assert_eq!(e.errors[0].field, "saml_options.idp_signing_certs[1]");
        assert!(store.sso.connections.is_empty(), "nothing half made");
        let c = store.create_connection(body(&[PEM])).expect("created").id.to_owned();
        let listed = |store: &Store| store.list_certificates(&c, IDP_SIGNING).expect("list")["data"].clone();
        assert_eq!(listed(&store).as_array().map(Vec::len), Some(1));
        store.update_connection(&c, body(&[PEM])).expect("updated");
        assert_eq!(listed(&store).as_array().map(Vec::len), Some(2));
    }

    #[test]
    fn a_pem_certificate_gives_its_validity() {
        let (from, until) = read_pem(PEM).expect("read");
        assert_eq!((from.as_str(), until.as_str()), ("2026-12-07T18:50:59.000Z", "2036-12-04T18:50:59.000Z"));
        for bad in ["", "hello", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"] {
            assert_eq!(read_pem(bad).expect_err(bad).errors[0].field, "value");
        }
        let made = generated_pem("x", "20260101000000Z", "20360101000000Z");
        assert_eq!(read_pem(&made).expect("generated").1, "2036-01-01T00:00:00.000Z");
    }

    #[test]
    fn the_identity_providers_certificates_keep_the_last_one() {
        let mut store = Store::default();
        let c = connection(&mut store, "OktaSAML");
        let first =
            store.add_idp_signing_certificate(&c, AddCertificate { value: PEM.into() }).expect("added");
        assert_eq!(first.not_after.as_deref(), Some("2036-12-04T18:50:59.000Z"));
        let e =
            store.add_idp_signing_certificate(&c, AddCertificate { value: "x".into() }).expect_err("not PEM");
        assert_eq!(e.status.as_u16(), 422);
        let e = store.delete_certificate(&c, IDP_SIGNING, &first.id).expect_err("the last one");
        assert_eq!((e.status.as_u16(), e.code), (400, Some("invalid_request")));
        let second =
            store.add_idp_signing_certificate(&c, AddCertificate { value: PEM.into() }).expect("added");
        assert_eq!(
            store.list_certificates(&c, IDP_SIGNING).expect("list")["data"][1]["id"],
            second.id.as_str()
        );
        store.delete_certificate(&c, IDP_SIGNING, &first.id).expect("deleted");
        let e = store.delete_certificate(&c, SP_ENCRYPTION, &second.id).expect_err("another kind");
        assert_eq!(e.status.as_u16(), 404);
        let e = store.list_certificates("conn_missing", IDP_SIGNING).expect_err("no connection");
        assert_eq!(e.message, "Connection not found: 'conn_missing'.");
        let oauth = connection(&mut store, "GoogleOAuth");
        assert_eq!(store.list_certificates(&oauth, IDP_SIGNING).expect_err("not SAML").status.as_u16(), 400);
    }

    #[test]
    fn workos_signs_with_one_certificate_and_decrypts_with_all() {
        let mut store = Store::default();
        let c = connection(&mut store, "GenericSAML");
        assert_eq!(store.sp_signing_certificate(&c).expect_err("none yet").status.as_u16(), 404);
        let signing = store.generate_certificate(&c, SP_SIGNING).expect("made");
        assert!(signing.value.starts_with("-----BEGIN CERTIFICATE-----\n") && signing.not_before.is_some());
        assert_eq!(store.generate_certificate(&c, SP_SIGNING).expect_err("one").status.as_u16(), 409);
        assert_eq!(store.sp_signing_certificate(&c).expect("there").id, signing.id);
        store.delete_certificate(&c, SP_SIGNING, &signing.id).expect("deleted");
        store.generate_certificate(&c, SP_SIGNING).expect("its replacement");
        store.generate_certificate(&c, SP_ENCRYPTION).expect("one");
        store.generate_certificate(&c, SP_ENCRYPTION).expect("two");
        assert_eq!(
            store.list_certificates(&c, SP_ENCRYPTION).expect("list")["data"].as_array().map(Vec::len),
            Some(2)
        );
        store.delete_connection(&c).expect("connection deleted");
        assert!(store.sso.certificates.is_empty());
    }
}
