//! `workos-emulator`: the emulator as a server, for manual use, for tools in other languages and
//! as a sidecar container in a service's CI. Every flag is also an environment variable
//! (`WORKOS_EMULATOR_*`); `workos-emulator --help` lists them. `GET /health` answers 200 once it
//! is ready; SIGTERM or Ctrl-C stop it after the requests in flight are answered.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use workos_emulator::{DEFAULT_API_KEY, DEFAULT_LOG_BYTES, DEFAULT_PORT, Emulator, Seed};

/// A WorkOS API emulator: serves the document's operations in memory, for tests.
#[derive(Debug, Parser)]
#[command(name = "workos-emulator", version)]
struct Args {
    /// The address to listen on. Anything but loopback (`0.0.0.0` in a container) needs
    /// --api-key.
    #[arg(long, env = "WORKOS_EMULATOR_BIND", default_value = "127.0.0.1")]
    bind: IpAddr,
    /// The port (0 picks a free one).
    #[arg(long, env = "WORKOS_EMULATOR_PORT", default_value_t = DEFAULT_PORT)]
    port: u16,
    /// The key clients send as `Authorization: Bearer KEY` [default on loopback: sk_test_default].
    #[arg(long, env = "WORKOS_EMULATOR_API_KEY", value_name = "KEY", hide_env_values = true)]
    api_key: Option<String>,
    /// A JSON or YAML file with `permissions`, `environment_roles`, `organizations`, `users` and
    /// `directories` to start with (default: the `member` environment role; see
    /// emulator/fixtures/seed.yaml).
    #[arg(long, env = "WORKOS_EMULATOR_SEED", value_name = "FILE")]
    seed: Option<PathBuf>,
    /// Keep the data in FILE across restarts: loaded at start when it exists (the seed is then
    /// not applied), written atomically within a second of each change and at shutdown.
    #[arg(long, env = "WORKOS_EMULATOR_DATA", value_name = "FILE")]
    data: Option<PathBuf>,
    /// How long a client may take to send a request's head (`10s`, `500ms`).
    #[arg(long, env = "WORKOS_EMULATOR_HEADER_READ_TIMEOUT", default_value = "10s", value_parser = duration)]
    header_read_timeout: Duration,
    /// How long a connection may stay open with no traffic.
    #[arg(long, env = "WORKOS_EMULATOR_IDLE_TIMEOUT", default_value = "60s", value_parser = duration)]
    idle_timeout: Duration,
    /// The request log's budget in bytes (the bodies it keeps for inspection).
    #[arg(long, env = "WORKOS_EMULATOR_REQUEST_LOG_BYTES", default_value_t = DEFAULT_LOG_BYTES)]
    request_log_bytes: usize,
}

/// `10s`, `500ms`, `2m`, or plain seconds.
fn duration(text: &str) -> Result<Duration, String> {
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => text.split_at(i),
        None => (text, "s"),
    };
    let n: u64 = number.parse().map_err(|_| format!("'{text}' is not a duration like 10s or 500ms"))?;
    match unit {
        "ms" => Ok(Duration::from_millis(n)),
        "s" => Ok(Duration::from_secs(n)),
        "m" => Ok(Duration::from_secs(n * 60)),
        _ => Err(format!("'{text}': the unit must be ms, s or m")),
    }
}

/// A seed file: YAML (`.yaml`, `.yml`) or JSON.
fn load_seed(path: &std::path::Path) -> Result<Seed, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read seed file {}: {e}", path.display()))?;
    let yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
    let parsed = if yaml {
        serde_norway::from_str(&text).map_err(|e| e.to_string())
    } else {
        serde_json::from_str(&text).map_err(|e| e.to_string())
    };
    parsed.map_err(|e| format!("seed file {}: {e}", path.display()))
}

/// Waits for SIGTERM (what a container runtime sends) or Ctrl-C.
async fn stop_signal() -> std::io::Result<&'static str> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            _ = term.recv() => Ok("SIGTERM"),
            r = tokio::signal::ctrl_c() => r.map(|()| "Ctrl-C"),
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await.map(|()| "Ctrl-C")
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("workos-emulator: {message}\n(see workos-emulator --help)");
    ExitCode::from(2)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let api_key = match (&args.api_key, args.bind.is_loopback()) {
        (Some(key), _) if key.trim().is_empty() => return usage_error("--api-key must not be empty"),
        (Some(key), _) => key.clone(),
        (None, true) => DEFAULT_API_KEY.to_owned(),
        (None, false) => {
            return usage_error(&format!(
                "listening on {} (not loopback) needs --api-key (or WORKOS_EMULATOR_API_KEY): the default key is public",
                args.bind
            ));
        }
    };
    let mut builder = Emulator::builder()
        .bind(args.bind)
        .port(args.port)
        .api_key(api_key)
        .header_read_timeout(args.header_read_timeout)
        .idle_timeout(args.idle_timeout)
        .request_log_bytes(args.request_log_bytes);
    if let Some(path) = &args.data {
        builder = builder.data_file(path);
    }
    if let Some(path) = &args.seed {
        match load_seed(path) {
            Ok(seed) => builder = builder.seed(seed),
            Err(e) => return usage_error(&e),
        }
    }
    let emulator = match builder.start().await {
        Ok(emulator) => emulator,
        Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => return usage_error(&e.to_string()),
        Err(e) => {
            eprintln!("workos-emulator: cannot start on {}:{}: {e}", args.bind, args.port);
            return ExitCode::FAILURE;
        }
    };
    eprintln!("{}", banner(emulator.base_url(), emulator.addr()));
    match stop_signal().await {
        Ok(signal) => {
            eprintln!("workos-emulator: {signal}: answering the requests in flight, then stopping");
            emulator.shutdown(Duration::from_secs(10)).await;
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("workos-emulator: cannot wait for a stop signal: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The start-up line. Its URL is one a client can connect to (scripts read it); a wildcard bind
/// is said as such.
fn banner(base_url: &str, bound: std::net::SocketAddr) -> String {
    let every = if bound.ip().is_unspecified() {
        format!("bound to {bound}, every interface; ")
    } else {
        String::new()
    };
    format!(
        "workos-emulator: listening on {base_url} ({every}GET /health for readiness; SIGTERM or Ctrl-C stops)"
    )
}

#[cfg(test)]
mod tests {
    use super::banner;

    #[test]
    fn the_banner_names_a_connectable_url_and_a_wildcard_bind() {
        let loopback = banner("http://127.0.0.1:4100", "127.0.0.1:4100".parse().unwrap());
        assert_eq!(
            loopback,
            "workos-emulator: listening on http://127.0.0.1:4100 (GET /health for readiness; SIGTERM or Ctrl-C stops)"
        );
        let every = banner("http://127.0.0.1:4100", "0.0.0.0:4100".parse().unwrap());
        assert!(
            every.starts_with("workos-emulator: listening on http://127.0.0.1:4100 (bound to 0.0.0.0:4100, every interface; "),
            "{every}"
        );
    }
}
