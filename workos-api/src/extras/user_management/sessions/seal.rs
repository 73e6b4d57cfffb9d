//! Sealing: the iron format (`Fe26.2`) that `@workos-inc/node` seals session cookies with, so a
//! Rust service and a Node service with the same password read each other's cookies.
//!
//! A seal is `Fe26.2*1*<encryption salt>*<iv>*<ciphertext>*<expiration>*<integrity salt>*<hmac>`
//! followed by `~2` (the Node SDK's format version). The data is JSON, encrypted with
//! AES-256-CBC under a key derived from the password and a random salt (PBKDF2-SHA1, one
//! iteration, as iron's defaults), and authenticated with HMAC-SHA256 under a second derived key.
//! Binary parts are base64url without padding; salts are 64 hexadecimal characters.

use std::time::{SystemTime, UNIX_EPOCH};

use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit, block_padding::Pkcs7};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, Mac};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::Sha256;

const PREFIX: &str = "Fe26.2";
/// The Node SDK's password id: it seals with `{ id: "1", secret: password }`.
const PASSWORD_ID: &str = "1";
/// The Node SDK appends `~2` (its cookie format version).
const VERSION_SUFFIX: &str = "~2";
/// iron's minimum password length.
pub const MIN_PASSWORD_LEN: usize = 32;

/// Why a seal could not be made or read. Each cause has its own variant and predicate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SealError {
    /// The password is shorter than 32 characters (iron refuses it too).
    #[error("the cookie password must be at least {MIN_PASSWORD_LEN} characters, it has {len}")]
    PasswordTooShort {
        /// Its length.
        len: usize,
    },
    /// Not a seal: wrong prefix, number of parts, or encoding.
    #[error("not a sealed value: {reason}")]
    Malformed {
        /// What is wrong with it.
        reason: String,
    },
    /// The HMAC does not match: tampered with, or sealed with another password.
    #[error("the seal's integrity check failed (tampered with, or another password)")]
    BadSeal,
    /// The seal carries an expiration that has passed.
    #[error("the seal expired")]
    Expired,
    /// The seal opened, but its contents are not what was asked for.
    #[error("the sealed data is not the expected JSON: {source}")]
    Data {
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// The system random number generator failed.
    #[error("no randomness available for the seal: {0}")]
    Random(String),
}

impl SealError {
    /// The password is too short.
    pub fn is_password_too_short(&self) -> bool {
        matches!(self, SealError::PasswordTooShort { .. })
    }
    /// Not a seal at all.
    pub fn is_malformed(&self) -> bool {
        matches!(self, SealError::Malformed { .. })
    }
    /// Tampered with or sealed with another password.
    pub fn is_bad_seal(&self) -> bool {
        matches!(self, SealError::BadSeal)
    }
    /// Expired.
    pub fn is_expired(&self) -> bool {
        matches!(self, SealError::Expired)
    }
}

/// The random inputs of one seal. Fresh ones come from the system generator; fixed ones make a
/// seal reproducible (the interop vectors).
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct SealRandomness {
    /// 32 bytes; the salt is their hex.
    pub encryption_salt: [u8; 32],
    /// 32 bytes; the salt is their hex.
    pub integrity_salt: [u8; 32],
    /// The AES-CBC initialization vector.
    pub iv: [u8; 16],
}

impl SealRandomness {
    fn fresh() -> Result<Self, SealError> {
        let mut r = SealRandomness { encryption_salt: [0; 32], integrity_salt: [0; 32], iv: [0; 16] };
        for buf in [&mut r.encryption_salt[..], &mut r.integrity_salt[..], &mut r.iv[..]] {
            getrandom::fill(buf).map_err(|e| SealError::Random(e.to_string()))?;
        }
        Ok(r)
    }
}

/// Seals `data` as JSON with `password`, as `@workos-inc/node`'s `sealData` does (no expiration).
///
/// # Errors
/// [`SealError::PasswordTooShort`], or [`SealError::Data`] when `data` does not serialize.
pub fn seal<T: Serialize + ?Sized>(data: &T, password: &str) -> Result<String, SealError> {
    seal_with(data, password, &SealRandomness::fresh()?)
}

/// [`seal`] with given salts and IV.
#[doc(hidden)]
pub fn seal_with<T: Serialize + ?Sized>(
    data: &T,
    password: &str,
    random: &SealRandomness,
) -> Result<String, SealError> {
    check_password(password)?;
    let json = serde_json::to_vec(data).map_err(|source| SealError::Data { source })?;
    let encryption_salt = hex::encode(random.encryption_salt);
    let key = derive(password, &encryption_salt);
    let encrypted = cbc::Encryptor::<aes::Aes256>::new(&key.into(), &random.iv.into())
        .encrypt_padded_vec_mut::<Pkcs7>(&json);
    let expiration = "";
    let base = format!(
        "{PREFIX}*{PASSWORD_ID}*{encryption_salt}*{}*{}*{expiration}",
        B64.encode(random.iv),
        B64.encode(&encrypted)
    );
    let integrity_salt = hex::encode(random.integrity_salt);
    let mac = hmac_of(password, &integrity_salt, &base).finalize().into_bytes();
    Ok(format!("{base}*{integrity_salt}*{}{VERSION_SUFFIX}", B64.encode(mac)))
}

/// Opens a seal made by [`seal`] or by `@workos-inc/node` with `password`, and reads its JSON as
/// `T`.
///
/// # Errors
/// A [`SealError`] saying what was wrong.
pub fn unseal<T: DeserializeOwned>(sealed: &str, password: &str) -> Result<T, SealError> {
    unseal_at(sealed, password, SystemTime::now())
}

fn unseal_at<T: DeserializeOwned>(sealed: &str, password: &str, now: SystemTime) -> Result<T, SealError> {
    check_password(password)?;
    let malformed = |reason: &str| SealError::Malformed { reason: reason.to_owned() };
    // The Node SDK's version suffix; a seal without one (older SDKs) reads the same.
    let sealed = match sealed.rsplit_once('~') {
        Some((body, version)) if version.chars().all(|c| c.is_ascii_digit()) => body,
        Some(_) => return Err(malformed("unexpected text after `~`")),
        None => sealed,
    };
    let parts: Vec<&str> = sealed.split('*').collect();
    let [prefix, _password_id, encryption_salt, iv, encrypted, expiration, integrity_salt, mac] = parts[..]
    else {
        return Err(malformed(&format!("expected 8 `*`-separated parts, found {}", parts.len())));
    };
    if prefix != PREFIX {
        return Err(malformed(&format!("expected the {PREFIX} prefix, found `{prefix}`")));
    }
    let base_len = sealed.len() - integrity_salt.len() - mac.len() - 2;
    let base = &sealed[..base_len];
    let mac = B64.decode(mac).map_err(|_| malformed("the HMAC is not base64url"))?;
    // `verify_slice` compares in constant time.
    hmac_of(password, integrity_salt, base).verify_slice(&mac).map_err(|_| SealError::BadSeal)?;
    if !expiration.is_empty() {
        let at: u128 = expiration.parse().map_err(|_| malformed("the expiration is not a number"))?;
        let now_ms = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_millis();
        if at <= now_ms {
            return Err(SealError::Expired);
        }
    }
    let iv: [u8; 16] = B64
        .decode(iv)
        .ok()
        .and_then(|v| v.try_into().ok())
        .ok_or_else(|| malformed("the IV is not 16 bytes of base64url"))?;
    let encrypted = B64.decode(encrypted).map_err(|_| malformed("the ciphertext is not base64url"))?;
    let key = derive(password, encryption_salt);
    let json = cbc::Decryptor::<aes::Aes256>::new(&key.into(), &iv.into())
        .decrypt_padded_vec_mut::<Pkcs7>(&encrypted)
        .map_err(|_| SealError::BadSeal)?;
    serde_json::from_slice(&json).map_err(|source| SealError::Data { source })
}

fn check_password(password: &str) -> Result<(), SealError> {
    // iron counts JavaScript string length; for the ASCII passwords in use that is the byte
    // length, and a longer count only makes a non-ASCII password pass here that iron refuses.
    let len = password.encode_utf16().count();
    if len < MIN_PASSWORD_LEN {
        return Err(SealError::PasswordTooShort { len });
    }
    Ok(())
}

/// PBKDF2-HMAC-SHA1 of the password with the salt's text, one iteration, 32 bytes (iron).
fn derive(password: &str, salt: &str) -> [u8; 32] {
    pbkdf2::pbkdf2_hmac_array::<sha1::Sha1, 32>(password.as_bytes(), salt.as_bytes(), 1)
}

fn hmac_of(password: &str, integrity_salt: &str, base: &str) -> Hmac<Sha256> {
    let key = derive(password, integrity_salt);
    let mut mac =
        Hmac::<Sha256>::new_from_slice(&key).unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(base.as_bytes());
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    const PASSWORD: &str = "a-cookie-password-of-at-least-32-chars";

    #[test]
    fn a_seal_opens_with_its_password_only() {
        let data = serde_json::json!({"accessToken": "at", "refreshToken": "rt"});
        let sealed = seal(&data, PASSWORD).unwrap();
        assert!(sealed.starts_with("Fe26.2*1*") && sealed.ends_with("~2"), "{sealed}");
        assert_eq!(unseal::<serde_json::Value>(&sealed, PASSWORD).unwrap(), data);
        let other =
            unseal::<serde_json::Value>(&sealed, "another-password-of-at-least-32-chars").unwrap_err();
        assert!(other.is_bad_seal(), "{other}");
        assert_ne!(seal(&data, PASSWORD).unwrap(), sealed, "fresh salts and IV every time");
    }

    #[test]
    fn tampering_expiry_and_bad_input_are_distinct_errors() {
        let sealed = seal(&serde_json::json!({"a": 1}), PASSWORD).unwrap();
        let mut parts: Vec<String> = sealed.split('*').map(str::to_owned).collect();
        let flipped = if parts[4].starts_with('A') { "B" } else { "A" };
        parts[4].replace_range(0..1, flipped);
        assert!(unseal::<serde_json::Value>(&parts.join("*"), PASSWORD).unwrap_err().is_bad_seal());
        assert!(unseal::<serde_json::Value>("Fe26.2*1*x", PASSWORD).unwrap_err().is_malformed());
        assert!(unseal::<serde_json::Value>("cookie", PASSWORD).unwrap_err().is_malformed());
        assert!(seal(&1, "short").unwrap_err().is_password_too_short());
        // An expiration is part of what the HMAC covers: build a seal that carries one.
        let random = SealRandomness { encryption_salt: [1; 32], integrity_salt: [2; 32], iv: [3; 16] };
        let plain = seal_with(&serde_json::json!({"a": 1}), PASSWORD, &random).unwrap();
        let body = plain.trim_end_matches("~2");
        let parts: Vec<&str> = body.split('*').collect();
        let base = format!("{}*1000", parts[..5].join("*"));
        let mac = B64.encode(hmac_of(PASSWORD, parts[6], &base).finalize().into_bytes());
        let expiring = format!("{base}*{}*{mac}~2", parts[6]);
        let before = UNIX_EPOCH + std::time::Duration::from_millis(999);
        assert_eq!(
            unseal_at::<serde_json::Value>(&expiring, PASSWORD, before).unwrap(),
            serde_json::json!({"a": 1})
        );
        let after = UNIX_EPOCH + std::time::Duration::from_millis(1000);
        assert!(unseal_at::<serde_json::Value>(&expiring, PASSWORD, after).unwrap_err().is_expired());
    }
}
