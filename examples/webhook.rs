//! A webhook endpoint on plain hyper: it verifies each delivery's `Stripe-Signature` and
//! dispatches on the event type.
//!
//! Written for the vendored spec, API `2026-08-26.dahlia`.
//!
//! Run: `cargo run --example webhook`. It listens on 127.0.0.1, sends itself one signed
//! `identity.verification_session.verified` event and one forged one, prints what the handler
//! did with each, and stops. Point the handler at your own endpoint secret (`whsec_…`) to use it
//! for real.

use stripe_identity::webhook::{self, Event, EventObject};
use stripe_identity::EventType;

/// The signed-webhook receiver the examples and tests share.
#[path = "support/receiver.rs"]
pub mod receiver;

pub const ENDPOINT_SECRET: &str = "whsec_example";

/// Acts on one verified event (the receiver answered 400 to anything unverified, so Stripe
/// retries nothing forged and you see the failure in the Dashboard).
pub fn handle(event: &Event) {
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
}

/// What Stripe would send: a POST with the signed JSON body. Returns the HTTP status.
pub async fn deliver(url: &str, body: &str, signature: &str) -> u16 {
    let response = reqwest::Client::new()
        .post(url)
        .header("Content-Type", "application/json")
        .header("Stripe-Signature", signature)
        .body(body.to_string())
        .send()
        .await
        .expect("the receiver answers");
    response.status().as_u16()
}

#[tokio::main]
async fn main() {
    let mut receiver = receiver::start(ENDPOINT_SECRET).await.expect("bind 127.0.0.1");
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
    println!("signed delivery  -> {}", deliver(&receiver.url, &event, &signature).await);
    if let Some(verified) = receiver.next().await {
        handle(&verified);
    }
    let forged = webhook::sign(event.as_bytes(), "whsec_attacker", now);
    println!("forged delivery  -> {}", deliver(&receiver.url, &event, &forged).await);
}
