//! Shared set-up for the examples: where to send requests.
//!
//! With `WORKOS_API_KEY` set, the examples talk to WorkOS (or to `WORKOS_BASE_URL` when set).
//! Without it they start the embedded emulator on 127.0.0.1 and say so.

use std::error::Error;
use std::time::{SystemTime, UNIX_EPOCH};

use workos_api::Client;
use workos_api::types::{CreateAuthorizationPermissionDto, OrganizationDto};
use workos_emulator::Emulator;

/// Errors the examples report and exit on.
pub type BoxError = Box<dyn Error + Send + Sync>;

/// A client, and the emulator it talks to when no API key was given (kept alive here).
#[derive(Debug)]
pub struct Connection {
    /// The WorkOS client.
    pub client: Client,
    /// The embedded emulator, when one was started.
    pub emulator: Option<Emulator>,
}

/// Connects to WorkOS when `WORKOS_API_KEY` is set, otherwise to a freshly started emulator;
/// prints which.
///
/// # Errors
/// The configuration in the environment is invalid, or the emulator cannot start.
pub async fn connect() -> Result<Connection, BoxError> {
    let key = std::env::var("WORKOS_API_KEY").ok().filter(|k| !k.trim().is_empty());
    if key.is_some() {
        let client = Client::from_env()?;
        say(&format!("Using WorkOS at {}", client.base_url()));
        return Ok(Connection { client, emulator: None });
    }
    let emulator = Emulator::start().await?;
    let client = Client::builder().base_url(emulator.base_url()).api_key(emulator.api_key()).build()?;
    say(&format!("WORKOS_API_KEY is not set: using the embedded WorkOS emulator at {}", emulator.base_url()));
    Ok(Connection { client, emulator: Some(emulator) })
}

/// A short suffix that differs between runs, so that examples run against a real environment
/// do not collide with data left by an earlier run.
pub fn run_id() -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let mut n = nanos ^ std::process::id().rotate_left(16);
    (0..6)
        .map(|_| {
            let c = b"abcdefghijklmnopqrstuvwxyz0123456789"[(n % 36) as usize] as char;
            n /= 36;
            c
        })
        .collect()
}

/// Prints one line of an example's narration.
#[allow(clippy::print_stdout, reason = "examples narrate what they do on stdout")]
pub fn say(line: &str) {
    println!("{line}");
}

/// The body creating an organization named `name`, with nothing else set.
pub fn organization(name: String) -> OrganizationDto {
    OrganizationDto::new(name)
}

/// The body creating a permission `slug` named `name`.
pub fn permission(slug: &str, name: &str) -> CreateAuthorizationPermissionDto {
    CreateAuthorizationPermissionDto::new(slug, name)
}
