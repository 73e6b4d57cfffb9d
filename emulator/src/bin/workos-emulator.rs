//! `workos-emulator`: the emulator as a server, for manual use and for tools in other languages.
//!
//! ```text
//! workos-emulator [--port 4100] [--api-key sk_test_default] [--seed FILE.json]
//! ```
//! Listens on 127.0.0.1 only; `GET /health` answers 200 once it is ready.

use std::process::ExitCode;

use workos_emulator::{DEFAULT_API_KEY, DEFAULT_PORT, Emulator, Seed};

const USAGE: &str = "usage: workos-emulator [--port PORT] [--api-key KEY] [--seed FILE.json]

  --port PORT      port on 127.0.0.1 (default 4100; 0 picks a free one)
  --api-key KEY    the key clients must send as `Authorization: Bearer KEY` (default sk_test_default)
  --seed FILE      JSON with `permissions`, `environment_roles`, `organizations`, `users` to start with
                   (default: the `member` environment role)";

struct Args {
    port: u16,
    api_key: String,
    seed: Option<String>,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut out = Args { port: DEFAULT_PORT, api_key: DEFAULT_API_KEY.to_owned(), seed: None };
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--port" => {
                let v = value("--port")?;
                out.port = v.parse().map_err(|_| format!("--port: '{v}' is not a port number (0-65535)"))?;
            }
            "--api-key" => out.api_key = value("--api-key")?,
            "--seed" => out.seed = Some(value("--seed")?),
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown argument '{other}'")),
        }
    }
    if out.api_key.is_empty() {
        return Err("--api-key must not be empty".to_owned());
    }
    Ok(Some(out))
}

fn load_seed(path: &str) -> Result<Seed, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read seed file {path}: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("seed file {path}: {e}"))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            eprintln!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("workos-emulator: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut builder = Emulator::builder().port(args.port).api_key(args.api_key);
    if let Some(path) = &args.seed {
        match load_seed(path) {
            Ok(seed) => builder = builder.seed(seed),
            Err(e) => {
                eprintln!("workos-emulator: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let emulator = match builder.start().await {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!("workos-emulator: cannot start on 127.0.0.1:{}: {e}", args.port);
            return ExitCode::FAILURE;
        }
    };
    eprintln!(
        "workos-emulator: listening on {} (GET /health for readiness; Ctrl-C stops)",
        emulator.base_url()
    );
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("workos-emulator: cannot wait for Ctrl-C: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
