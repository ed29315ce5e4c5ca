//! Delivers events to the registered endpoints, one at a time and in order, signed with the
//! client crate's `webhook::sign` as Stripe signs them. Every delivery carries
//! [`DELIVERY_HEADER`], and the fake refuses any request that does: an endpoint registered at a
//! fake's own URL cannot make events without end.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use tokio::sync::{mpsc, oneshot};

use crate::auth::Account;
use crate::limits::MAX_DELIVERIES_LOGGED;

/// The header every delivery carries.
pub const DELIVERY_HEADER: &str = "Stripe-Fake-Delivery";

/// A webhook endpoint a test registered: for one account's events, or (from the Rust handle)
/// for every account's.
#[derive(Clone, Debug)]
pub struct Endpoint {
    pub url: String,
    pub secret: String,
    /// `None`: every account's events.
    pub account: Option<Account>,
}

impl Endpoint {
    /// Whether events of `account` go to this endpoint.
    pub fn receives(&self, account: &Account) -> bool {
        self.account.as_ref().is_none_or(|own| own == account)
    }
}

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
    /// The endpoint's HTTP status, or `None` when it could not be reached (or the queue of
    /// waiting deliveries was full).
    pub status: Option<u16>,
}

/// The latest deliveries, at most [`MAX_DELIVERIES_LOGGED`].
#[derive(Clone, Default)]
pub struct Deliveries(Arc<Mutex<VecDeque<Delivery>>>);

impl Deliveries {
    pub fn push(&self, delivery: Delivery) {
        let mut log = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if log.len() == MAX_DELIVERIES_LOGGED {
            log.pop_front();
        }
        log.push_back(delivery);
    }

    pub fn all(&self) -> Vec<Delivery> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).iter().cloned().collect()
    }

    pub fn clear(&self) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// A delivery that was never attempted (the queue was full).
    pub fn dropped(&self, event: &Value, endpoints: &[Endpoint]) {
        for endpoint in endpoints {
            self.push(delivery(event, endpoint, None));
        }
    }
}

fn delivery(event: &Value, endpoint: &Endpoint, status: Option<u16>) -> Delivery {
    Delivery {
        event_id: event["id"].as_str().unwrap_or_default().to_string(),
        event_type: event["type"].as_str().unwrap_or_default().to_string(),
        url: endpoint.url.clone(),
        status,
    }
}

/// Runs until the sender side is dropped.
pub async fn run(mut jobs: mpsc::Receiver<Job>, log: Deliveries) {
    // Endpoints are local: never through a proxy the environment names, never redirected.
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_default();
    while let Some(job) = jobs.recv().await {
        match job {
            Job::Flush(done) => {
                let _ = done.send(());
            }
            Job::Deliver { event, endpoints } => {
                let payload = serde_json::to_vec(&event).unwrap_or_default();
                for endpoint in endpoints {
                    let status = deliver(&http, &endpoint, &payload).await;
                    log.push(delivery(&event, &endpoint, status));
                }
            }
        }
    }
}

async fn deliver(http: &reqwest::Client, endpoint: &Endpoint, payload: &[u8]) -> Option<u16> {
    // Signed with the real clock, as the receiver checks it against its own.
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO).as_secs() as i64;
    let signature = stripe_identity::webhook::sign(payload, &endpoint.secret, now);
    let response = http
        .post(&endpoint.url)
        .header("Content-Type", "application/json; charset=utf-8")
        .header("Stripe-Signature", signature)
        .header("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
        .header(DELIVERY_HEADER, "1")
        .body(payload.to_vec())
        .send()
        .await
        .ok()?;
    Some(response.status().as_u16())
}
