//! Prints Vault envelopes sealed by this crate with fixed nonces, as JSON, for
//! `tools/node-vectors` (which has the Node SDK decrypt them). Not part of the tests: the tests
//! read the committed result, `workos-api/tests/fixtures/node-vectors.json`.
#![allow(clippy::print_stdout, reason = "a generator of test vectors: stdout is its output")]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use workos_api::vault::seal_with_nonce;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The stand-in in generate.mjs unwraps `wrapped-for-rust-vectors` to this key.
    let data_key = [0x3c; 32];
    let wrapped = b"wrapped-for-rust-vectors";
    let cases: [(&str, Option<&str>); 3] =
        [("4111 1111 1111 1111", Some("user_01")), ("sealed in Rust \u{2713}", None), ("", Some("empty"))];
    let mut out = Vec::new();
    for (i, (plaintext, aad)) in cases.iter().enumerate() {
        let nonce = [u8::try_from(i).unwrap_or(0) + 1; 12];
        let envelope =
            seal_with_nonce(plaintext.as_bytes(), &data_key, wrapped, aad.map(str::as_bytes), nonce)?;
        out.push(serde_json::json!({
            "plaintext": plaintext,
            "aad": aad,
            "data_key": STANDARD.encode(data_key),
            "encrypted_keys": STANDARD.encode(wrapped),
            "nonce": STANDARD.encode(nonce),
            "envelope": envelope,
        }));
    }
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}
