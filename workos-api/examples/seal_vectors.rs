//! Prints session cookies sealed by this crate with fixed salts and IVs, as JSON, for
//! `tools/node-vectors` (which has the Node SDK unseal them). Not part of the tests: the tests
//! read the committed result, `workos-api/tests/fixtures/node-vectors.json`.
#![allow(clippy::print_stdout, reason = "a generator of test vectors: stdout is its output")]

use workos_api::sessions::seal::{SealRandomness, seal_with};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cookie = serde_json::json!({
        "accessToken": "eyJhbGciOiJSUzI1NiIsImtpZCI6InJ1c3QifQ.eyJzdWIiOiJ1c2VyXzAxIiwic2lkIjoic2Vzc2lvbl8wMSIsIm9yZ19pZCI6Im9yZ18wMSJ9.c2ln",
        "refreshToken": "refresh_from_rust",
        "organizationId": "org_01",
        "authenticationMethod": "Password",
        "user": {
            "object": "user", "id": "user_01", "email": "ada@example.com", "firstName": "Ada",
            "lastName": "Lovelace", "emailVerified": true, "profilePictureUrl": null,
            "createdAt": "2026-01-15T12:00:00.000Z", "updatedAt": "2026-01-15T12:00:00.000Z"
        }
    });
    let passwords = ["a-cookie-password-of-at-least-32-chars", "0123456789abcdef0123456789abcdef-rust"];
    let mut out = Vec::new();
    for (i, password) in passwords.iter().enumerate() {
        let n = u8::try_from(i).unwrap_or(0);
        let random = SealRandomness {
            encryption_salt: [0x11 + n; 32],
            integrity_salt: [0x22 + n; 32],
            iv: [0x33 + n; 16],
        };
        let sealed = seal_with(&cookie, password, &random)?;
        out.push(serde_json::json!({
            "password": password,
            "data": cookie,
            "encryption_salt": hex_of(&random.encryption_salt),
            "integrity_salt": hex_of(&random.integrity_salt),
            "iv": hex_of(&random.iv),
            "sealed": sealed,
        }));
    }
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
