//! The standalone fake against a hostile or careless client: every request gets Stripe's error
//! JSON (or a normal answer) and the process keeps serving. Each test starts its own binary.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const SESSIONS: &str = "/v1/identity/verification_sessions";
const KEY: &str = "sk_test_hostile";

/// The server process; killed when the test ends, however it ends.
struct Server {
    child: Child,
    url: String,
    _stdout: BufReader<std::process::ChildStdout>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start() -> Server {
        Server::spawn(Command::new(env!("CARGO_BIN_EXE_stripe-identity-fake")))
    }

    /// With at most `files` open files (`ulimit -n`): the connection bound follows it.
    fn start_with_files(files: u32) -> Server {
        let mut command = Command::new("sh");
        command.args([
            "-c",
            &format!("ulimit -n {files} && exec \"$0\" \"$@\""),
            env!("CARGO_BIN_EXE_stripe-identity-fake"),
        ]);
        Server::spawn(command)
    }

    fn spawn(mut command: Command) -> Server {
        let mut child = command.args(["--port", "0"]).stdout(Stdio::piped()).spawn().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        let url = first.split_whitespace().find(|w| w.starts_with("http://127.0.0.1:")).unwrap().to_string();
        Server { child, url, _stdout: stdout }
    }

    fn addr(&self) -> String {
        self.url.trim_start_matches("http://").to_string()
    }

    /// The process is alive and creates a session normally.
    async fn assert_serving(&mut self) {
        assert!(self.child.try_wait().unwrap().is_none(), "the process is still running");
        let (status, created) = post(&self.url, SESSIONS, "type=document").await;
        assert_eq!(status, 200, "{created}");
        assert_eq!(created["status"], "requires_input");
    }

    /// The process's resident memory, in bytes.
    fn rss(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() * 1024
    }
}

async fn post(url: &str, path: &str, body: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{url}{path}"))
        .bearer_auth(KEY)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, serde_json::from_slice(&response.bytes().await.unwrap()).unwrap())
}

/// Sends raw bytes and reads the answer until the server closes the connection.
async fn raw(addr: &str, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).into_owned()
}

/// The JSON body of a raw answer.
fn body(answer: &str) -> Value {
    let (_, body) = answer.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no body: {answer:?}"));
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {answer:?}"))
}

#[tokio::test]
async fn deep_brackets_and_many_keys_are_refused_not_fatal() {
    let mut server = Server::start();
    let deep = format!("type=document&zzz{}=1", "[a]".repeat(2000));
    let (status, error) = post(&server.url, SESSIONS, &deep).await;
    assert_eq!((status, error["error"]["type"].as_str()), (400, Some("invalid_request_error")), "{error}");
    let many: Vec<String> = (0..50_000).map(|n| format!("metadata[k{n}]=v")).collect();
    let (status, error) = post(&server.url, SESSIONS, &format!("type=document&{}", many.join("&"))).await;
    assert_eq!(status, 400, "{error}");
    assert!(error["error"]["message"].as_str().unwrap().contains("at most 1000 parameters"), "{error}");
    server.assert_serving().await;
}

#[tokio::test]
async fn fault_counts_clock_moves_and_delays_are_bounded() {
    let mut server = Server::start();
    for query in [
        "faults?status=503&times=2000000000",
        "faults?status=503&times=18446744073709551615",
        "faults?delay_ms=18446744073709551615",
        "faults?delay_ms=60001",
        "clock?advance=9223372036854775807",
        "clock?advance=-9223372036854775808",
    ] {
        let (status, error) = post(&server.url, &format!("/_fake/{query}"), "").await;
        assert_eq!((status, error["error"]["type"].as_str()), (400, Some("invalid_request_error")), "{query}: {error}");
    }
    let (status, moved) = post(&server.url, "/_fake/clock?advance=86400", "").await;
    assert_eq!(status, 200, "{moved}");
    server.assert_serving().await;
    let (_, created) = post(&server.url, SESSIONS, "type=document").await;
    assert_eq!(created["created"], moved["now"], "the clock moved within its range");
}

#[tokio::test]
async fn a_webhook_endpoint_at_the_fake_itself_makes_no_loop() {
    let mut server = Server::start();
    let (_, looped) = post(&server.url, SESSIONS, "type=document").await;
    let id = looped["id"].as_str().unwrap();
    // The key in the URL: the delivery is authenticated (reqwest sends it as Basic auth), so
    // only the fake's refusal of its own deliveries stops each one from failing the session
    // again, whose events would be delivered in turn.
    let own = format!("http://{KEY}:@{}/_fake/verification_sessions/{id}/fail?code=document_expired", server.addr());
    let query = format!("/_fake/webhook_endpoints?url={}&secret=whsec_loop", percent(&own));
    let (status, registered) = post(&server.url, &query, "").await;
    assert_eq!(status, 200, "{registered}");
    let (_, trigger) = post(&server.url, SESSIONS, "type=document").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let events = reqwest::Client::new()
        .get(format!("{}/_fake/events", server.url))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let events: Value = serde_json::from_slice(&events).unwrap();
    let about: Vec<(&str, &str)> = events["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["type"].as_str().unwrap(), e["data"]["object"]["id"].as_str().unwrap()))
        .collect();
    let (trigger, looped) = (trigger["id"].as_str().unwrap(), looped["id"].as_str().unwrap());
    assert_eq!(
        about,
        [("identity.verification_session.created", trigger), ("identity.verification_session.created", looped)],
        "the delivery to the fake itself did nothing"
    );
    server.assert_serving().await;
}

fn percent(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[tokio::test]
async fn large_bodies_get_a_413_and_leave_no_memory_behind() {
    let mut server = Server::start();
    let before = server.rss();
    for _ in 0..3 {
        // Declared: refused on the headers alone, before the body is sent.
        let head = format!("POST {SESSIONS} HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n", 50 << 20);
        let answer = raw(&server.addr(), head.as_bytes()).await;
        assert!(answer.starts_with("HTTP/1.1 413"), "{answer:?}");
        assert_eq!(body(&answer)["error"]["type"], "invalid_request_error");
        // Chunked, without a length: read up to the limit, then refused.
        let mut stream = TcpStream::connect(server.addr()).await.unwrap();
        let head = format!("POST {SESSIONS} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
        stream.write_all(head.as_bytes()).await.unwrap();
        let chunk = [format!("{:x}\r\n", 1 << 20).into_bytes(), vec![b'a'; 1 << 20], b"\r\n".to_vec()].concat();
        for _ in 0..50 {
            if stream.write_all(&chunk).await.is_err() {
                break; // the fake answered and closed
            }
        }
        let mut answer = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 413"), "{}", &answer[..answer.len().min(200)]);
    }
    server.assert_serving().await;
    let grown = server.rss().saturating_sub(before);
    assert!(grown < 32 << 20, "six 50 MB bodies grew the process by {} MB", grown >> 20);
}

#[tokio::test]
async fn slow_clients_are_timed_out_and_others_are_served_meanwhile() {
    let mut server = Server::start();
    let mut slow = Vec::new();
    for _ in 0..300 {
        let mut stream = TcpStream::connect(server.addr()).await.unwrap();
        stream.write_all(b"GET /v1/ident").await.unwrap();
        slow.push(stream);
    }
    server.assert_serving().await;
    // Past the header-read timeout (10 s), every slow connection was closed by the fake.
    tokio::time::sleep(Duration::from_secs(12)).await;
    let mut closed = 0;
    for stream in &mut slow {
        let mut buf = [0u8; 1024];
        match tokio::time::timeout(Duration::from_secs(1), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => closed += 1,
            Ok(Ok(_)) => closed += 1, // an answer, then the close
            Err(_) => {}
        }
    }
    assert_eq!(closed, slow.len(), "every slow connection was closed");
    server.assert_serving().await;
}

#[tokio::test]
async fn what_hyper_cannot_parse_is_answered_in_stripes_shape() {
    let mut server = Server::start();
    let garbage = raw(&server.addr(), b"NOT HTTP AT ALL\r\n\r\n").await;
    assert!(garbage.starts_with("HTTP/1.1 400"), "{garbage:?}");
    assert_eq!(body(&garbage)["error"]["type"], "invalid_request_error");
    let huge = format!("GET {SESSIONS} HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n", "b".repeat(1 << 20));
    let answer = raw(&server.addr(), huge.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 431"), "{}", &answer[..answer.len().min(200)]);
    assert_eq!(body(&answer)["error"]["type"], "invalid_request_error");
    for path in [format!("{SESSIONS}//"), format!("{SESSIONS}/")] {
        let request =
            format!("GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEY}\r\nConnection: close\r\n\r\n");
        let answer = raw(&server.addr(), request.as_bytes()).await;
        assert!(answer.starts_with("HTTP/1.1 404"), "{path}: {answer:?}");
        assert_eq!(body(&answer)["error"]["code"], "resource_missing", "{path}");
    }
    server.assert_serving().await;
}

#[tokio::test]
async fn a_body_that_stops_arriving_gets_a_408() {
    let mut server = Server::start();
    let head = format!(
        "POST {SESSIONS} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEY}\r\nContent-Length: 100\r\n\r\ntype=doc"
    );
    let answer = raw(&server.addr(), head.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer:?}");
    assert_eq!(body(&answer)["error"]["type"], "invalid_request_error");
    server.assert_serving().await;
}

#[tokio::test]
async fn past_the_descriptor_bound_new_connections_get_a_503_in_stripes_shape() {
    // 256 files: the fake keeps 192 connections, and the 64 left for everything else.
    let mut server = Server::start_with_files(256);
    let mut held = Vec::new();
    for _ in 0..192 {
        held.push(TcpStream::connect(server.addr()).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let refused = raw(&server.addr(), b"").await;
    assert!(refused.starts_with("HTTP/1.1 503"), "{refused:?}");
    assert_eq!(body(&refused)["error"]["type"], "api_error");
    drop(held);
    tokio::time::sleep(Duration::from_millis(200)).await;
    server.assert_serving().await;
}
