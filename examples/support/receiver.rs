//! A signed-webhook receiver on 127.0.0.1, on plain hyper: it checks each delivery's
//! `Stripe-Signature` against the endpoint secret, passes every verified event on, and answers
//! 400 to anything else (so a forged delivery is refused and a real one that fails shows up in
//! the Dashboard). The examples and the tests share it; it stops when dropped.

use std::convert::Infallible;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use stripe_identity::webhook::{self, Event};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// A running receiver.
pub struct Receiver {
    /// Where Stripe (or the fake) should deliver: `http://127.0.0.1:PORT/webhooks/stripe`.
    pub url: String,
    /// Every verified event, in the order it arrived.
    pub events: mpsc::UnboundedReceiver<Event>,
    task: JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts a receiver for endpoint secret `secret` (`whsec_…`).
pub async fn start(secret: &str) -> std::io::Result<Receiver> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/webhooks/stripe", listener.local_addr()?);
    let (sender, events) = mpsc::unbounded_channel();
    let secret = secret.to_string();
    let task = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (sender, secret) = (sender.clone(), secret.clone());
            let service = hyper::service::service_fn(move |request| verify(request, sender.clone(), secret.clone()));
            tokio::spawn(hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service));
        }
    });
    Ok(Receiver { url, events, task })
}

/// One delivery: 200 and the event passed on when its signature holds, else 400.
async fn verify(
    request: Request<Incoming>,
    events: mpsc::UnboundedSender<Event>,
    secret: String,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let signature = request.headers().get("Stripe-Signature").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let Ok(body) = request.into_body().collect().await.map(|b| b.to_bytes()) else {
        return Ok(reply(StatusCode::BAD_REQUEST, "unreadable body"));
    };
    match webhook::construct_event(&body, &signature, &secret) {
        Ok(event) => {
            let _ = events.send(event);
            Ok(reply(StatusCode::OK, "ok"))
        }
        // The reason names no value from the delivery (it says which check failed).
        Err(error) => {
            println!("receiver: refused a delivery: {error}");
            Ok(reply(StatusCode::BAD_REQUEST, "unverified delivery"))
        }
    }
}

fn reply(status: StatusCode, text: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    response
}
