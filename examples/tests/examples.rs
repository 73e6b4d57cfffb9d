//! Runs every example against the embedded emulator (no `WORKOS_API_KEY`), as a user would.

use std::process::Command;

fn run(binary: &str) -> String {
    let out = Command::new(binary)
        .env_remove("WORKOS_API_KEY")
        .env_remove("WORKOS_BASE_URL")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {binary}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{binary} failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.starts_with(
            "WORKOS_API_KEY is not set: using the embedded WorkOS emulator at http://127.0.0.1:"
        )
    );
    stdout
}

#[test]
fn roles_and_permissions_walks_every_step() {
    let out = run(env!("CARGO_BIN_EXE_roles_and_permissions"));
    for step in 1..=9 {
        assert!(out.contains(&format!("\n{step}. ")), "step {step} missing:\n{out}");
    }
    assert!(out.contains("the role keeps [\"reports-"), "{out}");
    assert!(out.contains("2 roles: member (EnvironmentRole), org-report-manager-"), "{out}");
    assert!(out.contains("paged through 2 permissions in 2 page(s)"), "{out}");
}

#[test]
fn access_check_service_allows_reads_and_denies_writes() {
    let out = run(env!("CARGO_BIN_EXE_access_check_service"));
    for expected in [": 200 contents of document", ": 403 documents-", "as nobody: 401", "cleaned up:"] {
        assert!(out.contains(expected), "missing {expected:?}:\n{out}");
    }
}

#[test]
fn session_service_checks_tokens_and_verifies_webhooks() {
    let out = run(env!("CARGO_BIN_EXE_session_service"));
    for expected in [
        "GET /reports as the analyst: 200 reports for user_",
        "GET /reports as the member: 403",
        "GET /reports with a forged token: 401",
        "POST /webhooks/workos without a signature: 400",
        "organization.created: Reports Org",
        "organization_membership.created: user_",
    ] {
        assert!(out.contains(expected), "missing {expected:?}:\n{out}");
    }
}
