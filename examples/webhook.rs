//! A webhook endpoint on plain hyper: it verifies each delivery's `Stripe-Signature` and
//! dispatches on the event type.
//!
//! Written for the vendored spec, API `2026-08-26.dahlia`.
//!
//! Run: `cargo run --example webhook`. It listens on 127.0.0.1, sends itself one signed
//! `identity.verification_session.verified` event and one forged one, prints what the handler
//! did with each, and stops. Point the handler at your own endpoint secret (`whsec_…`) to use it
//! for real.

use std::convert::Infallible;
use std::net::SocketAddr;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use stripe_identity::webhook::{self, EventObject};
use stripe_identity::EventType;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const ENDPOINT_SECRET: &str = "whsec_example";

/// Verifies, then acts on the event; answers 400 to anything unverified so Stripe retries
/// nothing forged and you see the failure in the Dashboard.
async fn handle(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let signature = request.headers().get("Stripe-Signature").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let Ok(body) = request.into_body().collect().await.map(|b| b.to_bytes()) else {
        return Ok(reply(StatusCode::BAD_REQUEST, "unreadable body"));
    };
    let event = match webhook::construct_event(&body, &signature, ENDPOINT_SECRET) {
        Ok(event) => event,
        Err(error) => {
            println!("handler: refused a delivery: {error}");
            return Ok(reply(StatusCode::BAD_REQUEST, "unverified delivery"));
        }
    };
    let session = match &event.data.object {
        EventObject::VerificationSession(session) => Some(session),
        _ => None,
    };
    match (&event.type_, session) {
        (EventType::IdentityVerificationSessionVerified, Some(session)) => {
            println!("handler: {} verified: unlock the account", session.id);
        }
        (EventType::IdentityVerificationSessionRequiresInput, Some(session)) => {
            let reason = session.last_error.as_ref().and_then(|e| e.code.as_ref());
            println!("handler: {} needs the user again ({reason:?})", session.id);
        }
        (other, _) => println!("handler: {other} noted"),
    }
    Ok(reply(StatusCode::OK, "ok"))
}

fn reply(status: StatusCode, text: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    response
}

/// Serves `handle` on 127.0.0.1 for `deliveries` connections, then stops.
pub async fn serve(listener: TcpListener, deliveries: usize) {
    for _ in 0..deliveries {
        let Ok((stream, _)) = listener.accept().await else { return };
        let service = hyper::service::service_fn(handle);
        if let Err(error) =
            hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await
        {
            println!("connection error: {error}");
        }
    }
}

/// What Stripe would send: a POST with the signed JSON body.
pub async fn deliver(address: SocketAddr, body: &str, signature: &str) -> String {
    let mut stream = TcpStream::connect(address).await.expect("connect to the handler");
    let request = format!(
        "POST /webhook HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nStripe-Signature: {signature}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read");
    response.lines().next().unwrap_or_default().to_string()
}

#[tokio::main]
async fn main() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
    let address = listener.local_addr().expect("address");
    let server = tokio::spawn(serve(listener, 2));

    let event = serde_json::json!({
        "id": "evt_1", "object": "event", "api_version": stripe_identity::API_VERSION,
        "created": 1_700_000_000, "livemode": false, "pending_webhooks": 1,
        "type": "identity.verification_session.verified",
        "data": { "object": {
            "id": "vs_123", "object": "identity.verification_session", "created": 1_700_000_000,
            "livemode": false, "metadata": {}, "status": "verified", "type": "document"
        } }
    })
    .to_string();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    let signature = webhook::sign(event.as_bytes(), ENDPOINT_SECRET, now);
    println!("signed delivery  -> {}", deliver(address, &event, &signature).await);
    let forged = webhook::sign(event.as_bytes(), "whsec_attacker", now);
    println!("forged delivery  -> {}", deliver(address, &event, &forged).await);
    let _ = server.await;
}
