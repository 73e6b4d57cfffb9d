//! Vault: the key-value and data-key operations ([`Vault`]), and local envelope encryption with
//! a data key from the API, in the format WorkOS's SDKs write (`vault.encrypt` /
//! `vault.decrypt` of `@workos-inc/node`).
//!
//! [`Vault::encrypt`] asks WorkOS for a data key for a key context (`POST /vault/v1/keys/data-key`),
//! encrypts locally with AES-256-GCM under it, and returns one base64 string that carries the
//! nonce, the tag, the data key encrypted by WorkOS and the ciphertext. [`Vault::decrypt`]
//! sends the encrypted data key back (`POST /vault/v1/keys/decrypt`) and decrypts locally. The
//! plaintext never leaves the process. [`seal`] and [`open`] are the local halves, for a caller
//! that manages data keys itself; `tests/node_interop.rs` checks them against envelopes the
//! Node SDK made, and the Node SDK opens envelopes this crate made.
//!
//! ```no_run
//! # async fn run(client: workos_api::Client) -> Result<(), workos_api::vault::VaultError> {
//! use std::collections::HashMap;
//!
//! let vault = client.vault();
//! let context = HashMap::from([("organization_id".to_owned(), "org_123".to_owned())]);
//! let envelope = vault.encrypt("4111 1111 1111 1111", context, Some("user_123")).await?;
//! let plaintext = vault.decrypt(&envelope, Some("user_123")).await?;
//! assert_eq!(plaintext, b"4111 1111 1111 1111");
//! # Ok(())
//! # }
//! ```

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

pub use crate::emitted::vault::*;

/// Length of the AES-GCM nonce at the start of an envelope.
const NONCE_LEN: usize = 12;
/// Length of the AES-GCM tag after it.
const TAG_LEN: usize = 16;

/// Why a Vault encryption or decryption failed. Each cause has its own variant and predicate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VaultError {
    /// The data-key request to WorkOS failed.
    #[error("vault: the data-key request failed: {0}")]
    Api(#[from] crate::ApiError),
    /// The text is not an envelope: not base64, too short, or a length that does not fit.
    #[error("vault: not an encrypted envelope: {reason}")]
    MalformedEnvelope {
        /// What is wrong with it.
        reason: String,
    },
    /// The data key is not a base64 AES-256 key (32 bytes).
    #[error("vault: the data key is not a 32-byte AES-256 key: {reason}")]
    BadDataKey {
        /// What is wrong with it.
        reason: String,
    },
    /// The tag does not match: another data key, other associated data, or a changed envelope.
    #[error("vault: the envelope does not decrypt with this data key and associated data")]
    Decryption,
    /// The system's random source failed.
    #[error("vault: no random nonce: {0}")]
    Random(String),
}

impl VaultError {
    /// The data-key request to WorkOS failed ([`VaultError::Api`]).
    pub fn is_api(&self) -> bool {
        matches!(self, VaultError::Api(_))
    }
    /// The text is not an envelope.
    pub fn is_malformed_envelope(&self) -> bool {
        matches!(self, VaultError::MalformedEnvelope { .. })
    }
    /// The data key is not a 32-byte key.
    pub fn is_bad_data_key(&self) -> bool {
        matches!(self, VaultError::BadDataKey { .. })
    }
    /// The envelope does not authenticate with this key and associated data.
    pub fn is_decryption(&self) -> bool {
        matches!(self, VaultError::Decryption)
    }
}

/// The parts of an envelope: base64 of nonce (12 bytes) ‖ tag (16) ‖ the length of the encrypted
/// data key (LEB128) ‖ the encrypted data key ‖ the ciphertext.
#[derive(Clone, PartialEq, Eq)]
pub struct Envelope {
    /// The AES-GCM nonce.
    pub nonce: [u8; NONCE_LEN],
    /// The AES-GCM tag.
    pub tag: [u8; TAG_LEN],
    /// The data key as WorkOS encrypted it (`encrypted_keys` of a data-key response, decoded).
    pub encrypted_keys: Vec<u8>,
    /// The ciphertext, without its tag.
    pub ciphertext: Vec<u8>,
}

impl std::fmt::Debug for Envelope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Envelope")
            .field("encrypted_keys", &format_args!("{} bytes", self.encrypted_keys.len()))
            .field("ciphertext", &format_args!("{} bytes", self.ciphertext.len()))
            .finish_non_exhaustive()
    }
}

impl Envelope {
    /// Reads an envelope from its base64 text.
    ///
    /// # Errors
    /// [`VaultError::MalformedEnvelope`], saying what does not fit.
    pub fn parse(text: &str) -> Result<Self, VaultError> {
        let malformed = |reason: String| VaultError::MalformedEnvelope { reason };
        let bytes = STANDARD.decode(text.trim()).map_err(|e| malformed(format!("not base64: {e}")))?;
        let head = NONCE_LEN + TAG_LEN;
        if bytes.len() < head + 1 {
            return Err(malformed(format!("{} bytes, shorter than nonce, tag and key length", bytes.len())));
        }
        let (len, at) = leb128(&bytes, head).map_err(malformed)?;
        let end = at.checked_add(len).filter(|&end| end <= bytes.len()).ok_or_else(|| {
            malformed(format!(
                "the encrypted data key is {len} bytes, more than the {} left",
                bytes.len() - at
            ))
        })?;
        let mut nonce = [0; NONCE_LEN];
        nonce.copy_from_slice(&bytes[..NONCE_LEN]);
        let mut tag = [0; TAG_LEN];
        tag.copy_from_slice(&bytes[NONCE_LEN..head]);
        Ok(Envelope {
            nonce,
            tag,
            encrypted_keys: bytes[at..end].to_vec(),
            ciphertext: bytes[end..].to_vec(),
        })
    }

    /// The envelope as base64 text.
    pub fn encode(&self) -> String {
        let mut out =
            Vec::with_capacity(NONCE_LEN + TAG_LEN + 5 + self.encrypted_keys.len() + self.ciphertext.len());
        out.extend_from_slice(&self.nonce);
        out.extend_from_slice(&self.tag);
        let mut len = self.encrypted_keys.len();
        loop {
            let byte = (len & 0x7f) as u8;
            len >>= 7;
            if len == 0 {
                out.push(byte);
                break;
            }
            out.push(byte | 0x80);
        }
        out.extend_from_slice(&self.encrypted_keys);
        out.extend_from_slice(&self.ciphertext);
        STANDARD.encode(out)
    }

    /// The encrypted data key in base64, as `POST /vault/v1/keys/decrypt` takes it.
    pub fn encrypted_keys_base64(&self) -> String {
        STANDARD.encode(&self.encrypted_keys)
    }
}

/// An unsigned LEB128 length at `at`: (value, index after it).
fn leb128(bytes: &[u8], at: usize) -> Result<(usize, usize), String> {
    let mut value: u64 = 0;
    for (i, byte) in bytes.iter().skip(at).take(5).enumerate() {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            let value = u32::try_from(value).map_err(|_| "the key length exceeds 32 bits".to_owned())?;
            return Ok((value as usize, at + i + 1));
        }
    }
    Err("the encrypted data key's length is truncated or longer than 5 bytes".to_owned())
}

fn cipher(data_key: &[u8]) -> Result<Aes256Gcm, VaultError> {
    Aes256Gcm::new_from_slice(data_key)
        .map_err(|_| VaultError::BadDataKey { reason: format!("{} bytes", data_key.len()) })
}

/// Decodes a base64 data key (`data_key` of a data-key or decrypt response).
///
/// # Errors
/// [`VaultError::BadDataKey`] when it is not base64 of 32 bytes.
pub fn data_key_from_base64(data_key: &str) -> Result<Vec<u8>, VaultError> {
    let key = STANDARD
        .decode(data_key.trim())
        .map_err(|e| VaultError::BadDataKey { reason: format!("not base64: {e}") })?;
    cipher(&key)?;
    Ok(key)
}

/// Encrypts `plaintext` under `data_key` (32 bytes) into an envelope carrying `encrypted_keys`
/// (the data key as WorkOS encrypted it), with a random nonce. `associated_data`, when given,
/// is authenticated, not encrypted: decrypting needs the same.
///
/// # Errors
/// [`VaultError::BadDataKey`], or [`VaultError::Random`] when the system has no randomness.
pub fn seal(
    plaintext: &[u8],
    data_key: &[u8],
    encrypted_keys: &[u8],
    associated_data: Option<&[u8]>,
) -> Result<String, VaultError> {
    let mut nonce = [0; NONCE_LEN];
    getrandom::fill(&mut nonce).map_err(|e| VaultError::Random(e.to_string()))?;
    seal_with_nonce(plaintext, data_key, encrypted_keys, associated_data, nonce)
}

/// [`seal`] with the nonce given: for test vectors only. A nonce must never be used twice with
/// the same data key.
///
/// # Errors
/// [`VaultError::BadDataKey`].
pub fn seal_with_nonce(
    plaintext: &[u8],
    data_key: &[u8],
    encrypted_keys: &[u8],
    associated_data: Option<&[u8]>,
    nonce: [u8; NONCE_LEN],
) -> Result<String, VaultError> {
    let payload = Payload { msg: plaintext, aad: associated_data.unwrap_or_default() };
    let mut sealed =
        cipher(data_key)?.encrypt(Nonce::from_slice(&nonce), payload).map_err(|_| VaultError::Decryption)?;
    let split = sealed.len() - TAG_LEN;
    let mut tag = [0; TAG_LEN];
    tag.copy_from_slice(&sealed[split..]);
    sealed.truncate(split);
    Ok(Envelope { nonce, tag, encrypted_keys: encrypted_keys.to_vec(), ciphertext: sealed }.encode())
}

/// Decrypts an envelope with its data key (the one `POST /vault/v1/keys/decrypt` returns for
/// [`Envelope::encrypted_keys_base64`]).
///
/// # Errors
/// [`VaultError::MalformedEnvelope`], [`VaultError::BadDataKey`], or [`VaultError::Decryption`]
/// when the key, the associated data or the envelope is not the one it was sealed with.
pub fn open(
    envelope: &Envelope,
    data_key: &[u8],
    associated_data: Option<&[u8]>,
) -> Result<Vec<u8>, VaultError> {
    let mut sealed = Vec::with_capacity(envelope.ciphertext.len() + TAG_LEN);
    sealed.extend_from_slice(&envelope.ciphertext);
    sealed.extend_from_slice(&envelope.tag);
    let payload = Payload { msg: &sealed, aad: associated_data.unwrap_or_default() };
    cipher(data_key)?.decrypt(Nonce::from_slice(&envelope.nonce), payload).map_err(|_| VaultError::Decryption)
}

impl Vault {
    /// Encrypts `data` locally under a new data key for `context` (the key context that chooses
    /// WorkOS's key, such as `{"organization_id": ...}`), and returns the envelope.
    /// `associated_data` is authenticated, not encrypted; [`Vault::decrypt`] needs the same.
    ///
    /// # Errors
    /// [`VaultError::Api`] when the data-key request fails; [`VaultError::BadDataKey`] when
    /// WorkOS's answer does not hold a usable key.
    pub async fn encrypt(
        &self,
        data: impl AsRef<[u8]>,
        context: std::collections::HashMap<String, String>,
        associated_data: Option<&str>,
    ) -> Result<String, VaultError> {
        let key = self.create_vault_data_key(crate::types::CreateDataKeyRequest { context }).await?;
        let data_key = data_key_from_base64(&key.data_key)?;
        let encrypted_keys = STANDARD
            .decode(key.encrypted_keys.trim())
            .map_err(|e| VaultError::BadDataKey { reason: format!("`encrypted_keys` is not base64: {e}") })?;
        seal(data.as_ref(), &data_key, &encrypted_keys, associated_data.map(str::as_bytes))
    }

    /// Decrypts an envelope made by [`Vault::encrypt`] (or a WorkOS SDK): its data key is
    /// decrypted by WorkOS, the data locally.
    ///
    /// # Errors
    /// [`VaultError::MalformedEnvelope`] before any request; [`VaultError::Api`] when WorkOS
    /// does not decrypt the data key; [`VaultError::Decryption`] when the associated data or
    /// the envelope differs from what was encrypted.
    pub async fn decrypt(
        &self,
        envelope: &str,
        associated_data: Option<&str>,
    ) -> Result<Vec<u8>, VaultError> {
        let envelope = Envelope::parse(envelope)?;
        let key = self
            .decrypt_vault_data_key(crate::types::DecryptRequest { keys: envelope.encrypted_keys_base64() })
            .await?;
        open(&envelope, &data_key_from_base64(&key.data_key)?, associated_data.map(str::as_bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [7; 32];

    #[test]
    fn an_envelope_opens_with_its_key_and_associated_data_only() {
        let sealed = seal(b"secret", &KEY, b"wrapped-key", Some(b"user_1")).unwrap();
        let envelope = Envelope::parse(&sealed).unwrap();
        assert_eq!(envelope.encrypted_keys, b"wrapped-key");
        assert_eq!(open(&envelope, &KEY, Some(b"user_1")).unwrap(), b"secret");
        assert!(open(&envelope, &KEY, Some(b"user_2")).unwrap_err().is_decryption());
        assert!(open(&envelope, &KEY, None).unwrap_err().is_decryption());
        assert!(open(&envelope, &[8; 32], Some(b"user_1")).unwrap_err().is_decryption());
        assert!(open(&envelope, &[7; 16], Some(b"user_1")).unwrap_err().is_bad_data_key());
        let mut changed = envelope.clone();
        changed.ciphertext[0] ^= 1;
        assert!(open(&changed, &KEY, Some(b"user_1")).unwrap_err().is_decryption());
        // Two seals of the same data differ (a fresh nonce each time).
        assert_ne!(
            seal(b"secret", &KEY, b"wrapped-key", None).unwrap(),
            seal(b"secret", &KEY, b"wrapped-key", None).unwrap()
        );
    }

    #[test]
    fn long_encrypted_keys_take_a_multi_byte_length() {
        let keys = vec![0xab; 300];
        let sealed = seal_with_nonce(b"x", &KEY, &keys, None, [1; 12]).unwrap();
        let raw = STANDARD.decode(&sealed).unwrap();
        assert_eq!(&raw[28..30], &[0xac, 0x02], "300 in LEB128");
        assert_eq!(Envelope::parse(&sealed).unwrap().encrypted_keys, keys);
    }

    #[test]
    fn malformed_envelopes_say_what_is_wrong() {
        let err = |text: &str| Envelope::parse(text).unwrap_err().to_string();
        assert!(err("not base64!").contains("not base64"), "{}", err("not base64!"));
        assert!(err(&STANDARD.encode([0; 20])).contains("20 bytes"));
        let mut raw = vec![0; 28];
        raw.push(50);
        raw.extend_from_slice(&[1; 10]);
        assert!(err(&STANDARD.encode(&raw)).contains("50 bytes, more than the 10 left"));
        let mut raw = vec![0; 28];
        raw.extend_from_slice(&[0x80; 6]);
        assert!(err(&STANDARD.encode(&raw)).contains("truncated or longer"));
        assert!(data_key_from_base64("AAAA").unwrap_err().is_bad_data_key());
    }
}
