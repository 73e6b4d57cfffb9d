//! The `workos-emulator` binary: flags, readiness probe, clear errors.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_workos-emulator");

/// Kills the server when the test ends, pass or fail.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the binary as `command` says (stderr piped), waits for its banner and checks it names
/// `port`; returns the running server and the rest of its stderr.
fn start(command: &mut Command, port: u16) -> (Running, BufReader<std::process::ChildStderr>) {
    let mut child = command.stderr(Stdio::piped()).spawn().expect("spawn");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    stderr.read_line(&mut line).expect("read the banner");
    assert!(line.contains(&format!("listening on http://127.0.0.1:{port}")), "{line}");
    (Running(child), stderr)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

#[tokio::test]
async fn serves_on_the_given_port_with_the_given_key() {
    let port = free_port();
    let _running =
        start(Command::new(BIN).args(["--port", &port.to_string(), "--api-key", "sk_test_cli"]), port);
    let base = format!("http://127.0.0.1:{port}");

    let http = reqwest::Client::new();
    assert_eq!(http.get(format!("{base}/health")).send().await.expect("health").status(), 200);
    let roles = http
        .get(format!("{base}/authorization/roles"))
        .bearer_auth("sk_test_cli")
        .send()
        .await
        .expect("roles");
    assert_eq!(roles.status(), 200);
    let wrong = http
        .get(format!("{base}/authorization/roles"))
        .bearer_auth("sk_test_default")
        .send()
        .await
        .expect("401");
    assert_eq!(wrong.status(), 401);
}

#[test]
fn bad_arguments_and_seed_files_exit_2_with_a_message() {
    let dir = std::env::temp_dir().join(format!("workos-emulator-seed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let bad_seed = dir.join("seed.json");
    std::fs::write(&bad_seed, r#"{"permissions": [{"slug": "a"}]}"#).expect("write");
    let seed = bad_seed.to_string_lossy().into_owned();
    let cases: [(&[&str], &str); 7] = [
        (&["--port", "http"], "invalid value 'http' for '--port <PORT>'"),
        (&["--verbose"], "unexpected argument '--verbose'"),
        (&["--api-key"], "a value is required for '--api-key <KEY>'"),
        (&["--seed", &seed], "missing field `name`"),
        (&["--bind", "0.0.0.0"], "needs --api-key"),
        (&["--api-key", " "], "--api-key must not be empty"),
        (&["--idle-timeout", "soon"], "'soon' is not a duration"),
    ];
    for (args, expected) in cases {
        let out = Command::new(BIN).args(args).env_remove("WORKOS_EMULATOR_API_KEY").output().expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn every_flag_has_an_environment_variable_and_help_lists_them() {
    let out = Command::new(BIN).arg("--help").output().expect("run");
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for var in [
        "WORKOS_EMULATOR_BIND",
        "WORKOS_EMULATOR_PORT",
        "WORKOS_EMULATOR_API_KEY",
        "WORKOS_EMULATOR_SEED",
        "WORKOS_EMULATOR_HEADER_READ_TIMEOUT",
        "WORKOS_EMULATOR_IDLE_TIMEOUT",
        "WORKOS_EMULATOR_REQUEST_LOG_BYTES",
        "WORKOS_EMULATOR_DATA",
    ] {
        assert!(help.contains(var), "{var} missing from --help:\n{help}");
    }
}

#[tokio::test]
async fn configured_by_environment_and_stopped_by_sigterm_which_writes_the_data_file() {
    let port = free_port();
    let data = std::env::temp_dir().join(format!("workos-emulator-sigterm-{}.json", std::process::id()));
    let _ = std::fs::remove_file(&data);
    let (mut running, mut stderr) = start(
        Command::new(BIN)
            .env("WORKOS_EMULATOR_PORT", port.to_string())
            .env("WORKOS_EMULATOR_API_KEY", "sk_test_env")
            .env("WORKOS_EMULATOR_DATA", &data),
        port,
    );
    let created = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/organizations"))
        .bearer_auth("sk_test_env")
        .json(&serde_json::json!({"name": "Written at SIGTERM"}))
        .send()
        .await
        .expect("answer");
    assert_eq!(created.status(), 201);
    // SIGTERM, as a container runtime stops it: a clean exit.
    let killed = Command::new("kill").args(["-TERM", &running.0.id().to_string()]).status().expect("kill");
    assert!(killed.success());
    let status = running.0.wait().expect("exit");
    assert_eq!(status.code(), Some(0), "exit after SIGTERM");
    let mut line = String::new();
    stderr.read_line(&mut line).expect("goodbye");
    assert!(line.contains("SIGTERM"), "{line}");
    // Within the flush interval of the write, so only the shutdown can have written it.
    let written = std::fs::read_to_string(&data).expect("the data file");
    assert!(written.contains("Written at SIGTERM"), "the change reached the file");
    let _ = std::fs::remove_file(&data);
}

#[tokio::test]
async fn starts_from_the_yaml_fixture_with_directories() {
    let port = free_port();
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/seed.yaml");
    let _running = start(
        Command::new(BIN)
            .args(["--port", &port.to_string(), "--seed", fixture])
            .env_remove("WORKOS_EMULATOR_API_KEY"),
        port,
    );
    let get = |path: &str| {
        let url = format!("http://127.0.0.1:{port}{path}");
        async move {
            let resp =
                reqwest::Client::new().get(url).bearer_auth("sk_test_default").send().await.expect("answer");
            assert_eq!(resp.status(), 200);
            resp.json::<serde_json::Value>().await.expect("json")
        }
    };
    let dirs = get("/directories").await;
    let dir = &dirs["data"][0];
    assert_eq!((dir["name"].as_str(), dir["type"].as_str()), (Some("Acme Okta"), Some("okta scim v2.0")));
    assert_eq!(dir["metadata"], serde_json::json!({"users": {"active": 1, "inactive": 1}, "groups": 2}));
    let users = get(&format!("/directory_users?directory={}", dir["id"].as_str().expect("id"))).await;
    let emails: Vec<&str> =
        users["data"].as_array().expect("data").iter().filter_map(|u| u["email"].as_str()).collect();
    assert_eq!(emails.len(), 2, "{users}");
    assert!(emails.contains(&"grace@acme.test") && emails.contains(&"carl@acme.test"));
    let grace = users["data"]
        .as_array()
        .expect("data")
        .iter()
        .find(|u| u["email"] == "grace@acme.test")
        .expect("grace");
    assert_eq!(grace["groups"][0]["name"], "Engineering");
    let roles = get("/authorization/roles").await;
    assert_eq!(roles["data"].as_array().expect("data").len(), 2, "the fixture's roles replace the default");
}
