//! Delivers events to the registered endpoints, one at a time and in order, signed with the
//! client crate's `webhook::sign` as Stripe signs them.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::{mpsc, oneshot};

use crate::state::{unix_now, Endpoint};

/// Work for the delivery task.
pub enum Job {
    Deliver {
        event: Value,
        endpoints: Vec<Endpoint>,
    },
    /// Answered once every job sent before it is done.
    Flush(oneshot::Sender<()>),
}

/// One delivery attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Delivery {
    pub event_id: String,
    pub event_type: String,
    pub url: String,
    /// The endpoint's HTTP status, or `None` when it could not be reached.
    pub status: Option<u16>,
}

/// Runs until the sender side is dropped.
pub async fn run(mut jobs: mpsc::UnboundedReceiver<Job>, log: Arc<Mutex<Vec<Delivery>>>) {
    // Endpoints are local: never through a proxy the environment names.
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).no_proxy().build().unwrap_or_default();
    while let Some(job) = jobs.recv().await {
        match job {
            Job::Flush(done) => {
                let _ = done.send(());
            }
            Job::Deliver { event, endpoints } => {
                let payload = serde_json::to_vec(&event).unwrap_or_default();
                for endpoint in endpoints {
                    let status = deliver(&http, &endpoint, &payload).await;
                    log.lock().unwrap_or_else(|e| e.into_inner()).push(Delivery {
                        event_id: event["id"].as_str().unwrap_or_default().to_string(),
                        event_type: event["type"].as_str().unwrap_or_default().to_string(),
                        url: endpoint.url.clone(),
                        status,
                    });
                }
            }
        }
    }
}

async fn deliver(http: &reqwest::Client, endpoint: &Endpoint, payload: &[u8]) -> Option<u16> {
    // Signed with the real clock, as the receiver checks it against its own.
    let signature = stripe_identity::webhook::sign(payload, &endpoint.secret, unix_now());
    let response = http
        .post(&endpoint.url)
        .header("Content-Type", "application/json; charset=utf-8")
        .header("Stripe-Signature", signature)
        .header("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
        .body(payload.to_vec())
        .send()
        .await
        .ok()?;
    Some(response.status().as_u16())
}
