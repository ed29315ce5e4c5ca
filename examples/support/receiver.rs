//! A signed-webhook receiver on 127.0.0.1, on plain hyper: it checks each delivery's
//! `Stripe-Signature` against the endpoint secret, passes every verified event on, and answers
//! 400 to anything else (so a forged delivery is refused and a real one that fails shows up in
//! the Dashboard). The examples, the crate's tests and the fake's tests share it; it stops,
//! open connections included, when dropped.

// Each crate that includes this file (`#[path]`) uses its own part of it.
#![allow(dead_code)]

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use stripe_identity::webhook::{self, Event};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::{JoinHandle, JoinSet};

/// A running receiver.
pub struct Receiver {
    /// Where Stripe (or the fake) should deliver: `http://127.0.0.1:PORT/webhooks/stripe`.
    pub url: String,
    events: mpsc::UnboundedReceiver<Event>,
    refused: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        // The accept loop owns the connections' tasks: aborting it ends them too.
        self.task.abort();
    }
}

impl Receiver {
    /// The next verified event, waiting for it.
    pub async fn next(&mut self) -> Option<Event> {
        self.events.recv().await
    }

    /// The verified events that arrived since the last call, in order of arrival.
    pub fn arrived(&mut self) -> Vec<Event> {
        std::iter::from_fn(|| self.events.try_recv().ok()).collect()
    }

    /// How many deliveries were refused (a signature that does not hold, or none).
    pub fn refused(&self) -> usize {
        self.refused.load(Ordering::SeqCst)
    }
}

/// Starts a receiver for endpoint secret `secret` (`whsec_…`).
pub async fn start(secret: &str) -> std::io::Result<Receiver> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/webhooks/stripe", listener.local_addr()?);
    let (sender, events) = mpsc::unbounded_channel();
    let refused = Arc::new(AtomicUsize::new(0));
    let (secret, counted) = (secret.to_string(), refused.clone());
    let task = tokio::spawn(async move {
        let mut connections = JoinSet::new();
        while let Ok((stream, _)) = listener.accept().await {
            let (sender, secret, counted) = (sender.clone(), secret.clone(), counted.clone());
            let service = hyper::service::service_fn(move |request| {
                verify(request, sender.clone(), secret.clone(), counted.clone())
            });
            connections
                .spawn(hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service));
        }
    });
    Ok(Receiver { url, events, refused, task })
}

/// One delivery: 200 and the event passed on when its signature holds, else 400.
async fn verify(
    request: Request<Incoming>,
    events: mpsc::UnboundedSender<Event>,
    secret: String,
    refused: Arc<AtomicUsize>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let signature = request.headers().get("Stripe-Signature").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let Ok(body) = request.into_body().collect().await.map(|b| b.to_bytes()) else {
        refused.fetch_add(1, Ordering::SeqCst);
        return Ok(reply(StatusCode::BAD_REQUEST, "unreadable body"));
    };
    match webhook::construct_event(&body, &signature, &secret) {
        Ok(event) => {
            let _ = events.send(event);
            Ok(reply(StatusCode::OK, "ok"))
        }
        Err(_) => {
            refused.fetch_add(1, Ordering::SeqCst);
            Ok(reply(StatusCode::BAD_REQUEST, "unverified delivery"))
        }
    }
}

fn reply(status: StatusCode, text: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    response
}
