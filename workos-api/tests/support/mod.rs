//! A scripted HTTP server on 127.0.0.1 for the generated crate's tests: it answers from a
//! script, and records every request it receives.
#![allow(dead_code, unreachable_pub, reason = "each test binary uses part of it")]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use workos_api::{Client, RetryPolicy};

/// One scripted answer.
#[derive(Clone)]
pub enum Reply {
    /// Status, extra headers, body (JSON when it starts with `{`), delay before answering.
    Http(u16, Vec<(&'static str, String)>, &'static str, Duration),
    /// Read the request, then close the connection without answering.
    Reset,
    /// Status and a JSON body built at run time.
    Json(u16, String),
    /// A JSON body after a delay (server latency).
    JsonAfter(Duration, String),
}

pub fn ok(body: &'static str) -> Reply {
    Reply::Http(200, vec![], body, Duration::ZERO)
}

pub fn status(code: u16) -> Reply {
    Reply::Http(code, vec![], r#"{"message": "scripted"}"#, Duration::ZERO)
}

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
}

impl Seen {
    /// A query parameter of the request.
    pub fn query(&self, name: &str) -> Option<String> {
        let url = url::Url::parse(&format!("http://x{}", self.path)).ok()?;
        url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

pub struct Server {
    pub base_url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    /// Answers with `script`, one reply a request, in order.
    pub async fn start(script: Vec<Reply>) -> Server {
        let script = Mutex::new(script.into_iter());
        Self::serve(move |_| script.lock().expect("script").next()).await
    }

    /// Answers each request with `handler(request)`; `None` closes the connection unanswered.
    pub async fn serve(handler: impl Fn(&Seen) -> Option<Reply> + Send + Sync + 'static) -> Server {
        let handler = Arc::new(handler);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base_url = format!("http://{}", listener.local_addr().expect("addr"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut stream, _)) = listener.accept().await else { return };
                // Responses go out in one write, at once: no Nagle / delayed-ACK stalls.
                let _ = stream.set_nodelay(true);
                let handler = handler.clone();
                let log = log.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    loop {
                        let Some((request, _)) = read_request(&mut stream, &mut buf).await else { return };
                        let reply = handler(&request);
                        log.lock().expect("log").push(request);
                        let (code, headers, body, delay) = match reply {
                            Some(Reply::Http(code, headers, body, delay)) => {
                                (code, headers, body.to_owned(), delay)
                            }
                            Some(Reply::Json(code, body)) => (code, vec![], body, Duration::ZERO),
                            Some(Reply::JsonAfter(delay, body)) => (200, vec![], body, delay),
                            Some(Reply::Reset) | None => return,
                        };
                        tokio::time::sleep(delay).await;
                        let kind = if body.starts_with('{') { "application/json" } else { "text/html" };
                        let mut head = format!(
                            "HTTP/1.1 {code} X\r\ncontent-type: {kind}\r\ncontent-length: {}\r\nx-request-id: req_{code}\r\n",
                            body.len()
                        );
                        for (name, value) in headers {
                            head.push_str(&format!("{name}: {value}\r\n"));
                        }
                        head.push_str("\r\n");
                        head.push_str(&body);
                        if stream.write_all(head.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        Server { base_url, seen }
    }

    pub fn client(&self) -> Client {
        let policy = RetryPolicy { base_delay: Duration::from_millis(5), ..RetryPolicy::default() };
        Client::builder()
            .api_key("sk_test_retries")
            .base_url(&self.base_url)
            .retry_policy(policy)
            .build()
            .expect("client")
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("log").clone()
    }
}

/// Reads one request from `stream`, with its body, keeping any bytes past it in `buf` for the
/// next one.
pub async fn read_request(stream: &mut tokio::net::TcpStream, buf: &mut Vec<u8>) -> Option<(Seen, Vec<u8>)> {
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.lines();
    let mut first = lines.next()?.split(' ');
    let (method, path) = (first.next()?.to_owned(), first.next()?.to_owned());
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':').map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned())))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = buf[head_end..head_end + length].to_vec();
    buf.drain(..head_end + length);
    Some((Seen { method, path, headers }, body))
}
