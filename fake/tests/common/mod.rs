//! What the fake's tests share: raw HTTP calls (to see Stripe's exact JSON and headers) and a
//! webhook receiver on 127.0.0.1 that checks signatures with the client crate.

#![allow(dead_code)] // Each test module uses its own part.

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use stripe_identity_fake::{FakeStripe, TEST_KEY};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// A raw answer.
pub struct Raw {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub json: Value,
}

impl Raw {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `error` object of an error answer.
    pub fn error(&self) -> &Value {
        &self.json["error"]
    }
}

/// Sends `method path` with a form `body` (for POST) and the test key, unless `key` says otherwise.
pub async fn raw(fake: &FakeStripe, method: &str, path: &str, body: &str) -> Raw {
    raw_with(fake, method, path, body, &[("Authorization", &format!("Bearer {TEST_KEY}"))]).await
}

pub async fn raw_with(fake: &FakeStripe, method: &str, path: &str, body: &str, headers: &[(&str, &str)]) -> Raw {
    let http = reqwest::Client::new();
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = http.request(method, format!("{}{path}", fake.url()));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if !body.is_empty() {
        request = request.header("Content-Type", "application/x-www-form-urlencoded").body(body.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let json = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    Raw { status, headers, json }
}

/// Asserts Stripe's error shape: status, type, code, param, a message, the log URL naming the
/// `Request-Id`, and `doc_url` exactly when there is a code.
pub fn assert_stripe_error(raw: &Raw, status: u16, kind: &str, code: Option<&str>, param: Option<&str>) {
    let error = raw.error();
    assert_eq!(raw.status, status, "{error}");
    assert_eq!(error["type"], kind, "{error}");
    assert_eq!(error["code"].as_str(), code, "{error}");
    assert_eq!(error["param"].as_str(), param, "{error}");
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()), "{error}");
    let request_id = raw.header("Request-Id").expect("every answer has a Request-Id");
    assert!(request_id.starts_with("req_"));
    assert_eq!(
        error["request_log_url"].as_str(),
        Some(format!("https://dashboard.stripe.com/test/logs/{request_id}").as_str())
    );
    let doc_url = code.map(|c| format!("https://stripe.com/docs/error-codes/{}", c.replace('_', "-")));
    assert_eq!(error["doc_url"].as_str(), doc_url.as_deref(), "{error}");
}

/// A server of the test's own on 127.0.0.1: `answer` gets each request's target, headers and
/// body and gives its status, content type and body. Stops when dropped.
pub struct Local {
    pub url: String,
    task: JoinHandle<()>,
}

impl Drop for Local {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub type Answer = (u16, &'static str, Vec<u8>);

pub async fn serve<F>(answer: F) -> Local
where
    F: Fn(&str, &hyper::HeaderMap, &[u8]) -> Answer + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let answer = Arc::new(answer);
    let task = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let answer = answer.clone();
            let service = service_fn(move |request: Request<hyper::body::Incoming>| {
                let answer = answer.clone();
                async move {
                    let (parts, body) = request.into_parts();
                    let body = body.collect().await?.to_bytes();
                    let (status, content_type, text) = answer(&parts.uri.to_string(), &parts.headers, &body);
                    let response = Response::builder().status(status).header("Content-Type", content_type);
                    Ok::<_, hyper::Error>(response.body(Full::new(Bytes::from(text))).unwrap())
                }
            });
            tokio::spawn(http1::Builder::new().serve_connection(TokioIo::new(stream), service));
        }
    });
    Local { url, task }
}

/// A request's `Stripe-Signature`.
pub fn signature(headers: &hyper::HeaderMap) -> String {
    headers.get("Stripe-Signature").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}
