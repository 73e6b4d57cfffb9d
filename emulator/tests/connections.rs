//! Connections: a slow client cannot hold one (header-read and idle timeouts), a shutdown lets
//! the request in flight finish, and a non-loopback address needs an API key of one's own.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use workos_emulator::{Emulator, Fault};

/// Reads until the server closes the connection; how long that took.
fn wait_for_close(mut stream: TcpStream, limit: Duration) -> Duration {
    stream.set_read_timeout(Some(limit)).expect("timeout");
    let start = Instant::now();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return start.elapsed(),
            Ok(_) => {}
            Err(e) => panic!("the server did not close the connection within {limit:?}: {e}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_finishes_its_request_head_is_cut_off() {
    let emu =
        Emulator::builder().header_read_timeout(Duration::from_millis(300)).start().await.expect("start");
    let addr = emu.addr();
    let waited = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(addr).expect("connect");
        stream.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n").expect("half a head");
        wait_for_close(stream, Duration::from_secs(5))
    })
    .await
    .expect("join");
    assert!(waited < Duration::from_secs(3), "closed after {waited:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_keep_alive_connection_is_closed() {
    let emu = Emulator::builder().idle_timeout(Duration::from_millis(300)).start().await.expect("start");
    let addr = emu.addr();
    let waited = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(addr).expect("connect");
        stream.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n").expect("request");
        let mut buf = [0u8; 1024];
        let n = stream.read(&mut buf).expect("answer");
        assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
        wait_for_close(stream, Duration::from_secs(5))
    })
    .await
    .expect("join");
    assert!(waited < Duration::from_secs(3), "closed after {waited:?}");
}

#[tokio::test]
async fn shutdown_lets_the_request_in_flight_finish_then_stops_listening() {
    let emu = Emulator::start().await.expect("start");
    emu.on("GET", "/authorization/roles").next(1, Fault::delay(Duration::from_millis(300)));
    let (base, key) = (emu.base_url().to_owned(), emu.api_key().to_owned());
    let slow = tokio::spawn({
        let (base, key) = (base.clone(), key.clone());
        async move {
            reqwest::Client::new().get(format!("{base}/authorization/roles")).bearer_auth(key).send().await
        }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    emu.shutdown(Duration::from_secs(5)).await;
    let answer = slow.await.expect("join").expect("the request in flight is answered");
    assert_eq!(answer.status(), 200);
    let after = reqwest::Client::new().get(format!("{base}/health")).send().await;
    assert!(after.is_err(), "no longer listening");
}

#[tokio::test]
async fn a_non_loopback_address_refuses_the_default_key() {
    let err = Emulator::builder().bind("0.0.0.0".parse().expect("ip")).start().await.expect_err("refused");
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("API key"), "{err}");
}
