//! Vault through the client against the emulator: local envelope encryption with data keys
//! from the API, and the key-value objects with their version checks.
#![cfg(feature = "vault")]

use std::collections::HashMap;

use workos_api::Client;
use workos_api::types::{CreateObjectRequest, UpdateObjectRequest};
use workos_api::vault::Envelope;
use workos_emulator::Emulator;

fn client(emu: &Emulator) -> Client {
    Client::builder().api_key(emu.api_key()).base_url(emu.base_url()).build().expect("client")
}

fn context(org: &str) -> HashMap<String, String> {
    HashMap::from([("organization_id".to_owned(), org.to_owned())])
}

#[tokio::test]
async fn encrypt_and_decrypt_round_trip_through_the_emulators_data_keys() {
    let emu = Emulator::start().await.expect("emulator");
    let vault = client(&emu).vault();
    let envelope =
        vault.encrypt("4111 1111 1111 1111", context("org_1"), Some("user_1")).await.expect("encrypts");
    // The plaintext is not in the envelope; the data key WorkOS wrapped is.
    assert!(!envelope.contains("4111"));
    assert!(!Envelope::parse(&envelope).expect("an envelope").encrypted_keys.is_empty());
    assert_eq!(vault.decrypt(&envelope, Some("user_1")).await.expect("decrypts"), b"4111 1111 1111 1111");
    assert!(vault.decrypt(&envelope, Some("user_2")).await.expect_err("other aad").is_decryption());
    assert!(vault.decrypt("not an envelope", None).await.expect_err("malformed").is_malformed_envelope());
    // An envelope whose data key the environment never issued: WorkOS refuses to unwrap it.
    let foreign = workos_api::vault::seal(b"x", &[1; 32], b"someone else's key", None).expect("seals");
    let err = vault.decrypt(&foreign, None).await.expect_err("unknown key");
    assert!(err.is_api(), "{err}");
}

#[tokio::test]
async fn objects_keep_versions_and_check_them() {
    let emu = Emulator::start().await.expect("emulator");
    let vault = client(&emu).vault();
    let created = vault
        .create_vault_object(CreateObjectRequest::new("stripe-key", "sk_1", context("org_1")))
        .await
        .expect("created");
    let first = created.version_id.clone().expect("a version");
    let read = vault.get_vault_object_by_name("stripe-key").await.expect("by name");
    assert_eq!((read.id.as_str(), read.value.as_str()), (created.id.as_str(), "sk_1"));
    vault
        .update_vault_object(&created.id, UpdateObjectRequest::new("sk_2").version_check(first.clone()))
        .await
        .expect("updated");
    let stale = vault
        .update_vault_object(&created.id, UpdateObjectRequest::new("sk_3").version_check(first.clone()))
        .await
        .expect_err("stale version");
    assert!(stale.is_conflict(), "{stale}");
    assert_eq!(vault.get_vault_object(&created.id).await.expect("read").value, "sk_2");
    let versions = vault.list_vault_object_versions(&created.id).await.expect("versions");
    assert_eq!(versions.data.len(), 2);
    let deleted = vault.delete_vault_object(&created.id).await.expect("deleted");
    assert!(deleted.success);
    assert!(vault.get_vault_object(&created.id).await.expect_err("gone").is_not_found());
}
