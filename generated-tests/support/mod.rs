//! A stand-in for api.stripe.com on 127.0.0.1, on hyper: it records each request and answers
//! from a script. It lives as long as the test that starts it (the task is aborted on drop).
//! Beside it, [`crate_builder`] (throwaway crates built with Cargo) and [`samples`] (JSON
//! values of any generated type).

#![allow(dead_code)] // Each test module uses its own part of this module.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub mod crate_builder;
pub mod crate_paths;
pub mod samples;

/// One request as the server received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// Path and query, exactly as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Recorded {
    /// The value of a header (names compare case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// A scripted answer.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn json(status: u16, body: impl Into<String>) -> Reply {
        Reply { status, headers: vec![("Request-Id".into(), format!("req_test_{status}"))], body: body.into() }
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
}

pub struct MockStripe {
    url: String,
    recorded: Arc<Mutex<Vec<Recorded>>>,
    task: JoinHandle<()>,
}

impl Drop for MockStripe {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl MockStripe {
    /// Starts a server answering the `replies` in order, one per request; past the end it
    /// answers 500.
    pub async fn start(replies: Vec<Reply>) -> MockStripe {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let recorded = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(replies.into_iter()));
        let log = recorded.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (log, script) = (log.clone(), script.clone());
                let service = hyper::service::service_fn(move |request| answer(request, log.clone(), script.clone()));
                tokio::spawn(
                    hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service),
                );
            }
        });
        MockStripe { url, recorded, task }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.recorded.lock().unwrap().clone()
    }

    /// The one request this server received.
    pub fn only_request(&self) -> Recorded {
        let requests = self.requests();
        assert_eq!(requests.len(), 1, "expected exactly one request, got {requests:#?}");
        requests.into_iter().next().unwrap()
    }
}

/// Records one request and answers it with the next scripted reply (500 past the end).
async fn answer(
    request: hyper::Request<Incoming>,
    log: Arc<Mutex<Vec<Recorded>>>,
    script: Arc<Mutex<std::vec::IntoIter<Reply>>>,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let method = request.method().to_string();
    let target = request.uri().path_and_query().map_or_else(|| request.uri().path().to_string(), |p| p.to_string());
    let headers = request
        .headers()
        .iter()
        .map(|(name, value)| (name.to_string(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
        .collect();
    let body = request.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    log.lock().unwrap().push(Recorded { method, target, headers, body: String::from_utf8_lossy(&body).into_owned() });
    let reply = script.lock().unwrap().next().unwrap_or_else(|| Reply::json(500, "{}"));
    let mut response = hyper::Response::builder().status(reply.status).header("Content-Type", "application/json");
    for (name, value) in &reply.headers {
        response = response.header(name, value);
    }
    Ok(response.body(Full::new(Bytes::from(reply.body))).expect("a scripted reply is a valid response"))
}

/// A realistic VerificationSession with every field present (the report expanded).
pub fn session_json() -> String {
    include_str!("../fixtures/verification_session.json").to_string()
}

/// A realistic VerificationReport with every field present.
pub fn report_json() -> String {
    include_str!("../fixtures/verification_report.json").to_string()
}

/// A list page holding `item`.
pub fn list_json(url: &str, item: &str, has_more: bool) -> String {
    format!(r#"{{"object":"list","data":[{item}],"has_more":{has_more},"url":"{url}"}}"#)
}
