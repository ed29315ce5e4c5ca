//! What a webhook delivery is: the endpoints events go to (with their delivery policy), the
//! record of each attempt, and one signed POST, signed with the client crate's `webhook::sign`
//! as Stripe signs them. Every delivery carries [`DELIVERY_HEADER`], and the fake refuses any
//! request that does: an endpoint registered at a fake's own URL cannot make events without end.
//! The schedule (retries on the fake's clock) is the state's; the task that sends is `delivery`.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::auth::Account;
use crate::limits::MAX_DELIVERIES_LOGGED;

/// The header every delivery carries.
pub const DELIVERY_HEADER: &str = "Stripe-Fake-Delivery";

/// How an endpoint receives its events: as Stripe usually delivers them, or with the two
/// behaviours Stripe documents that every handler must survive.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeliveryPolicy {
    /// Each event arrives twice: the same event id, signed afresh each time.
    pub duplicate: bool,
    /// The events that fall due together (the `processing` and `verified` events of one
    /// `verify`, say) arrive newest first.
    pub reorder: bool,
}

impl DeliveryPolicy {
    /// Every event delivered twice.
    pub fn duplicate(self) -> DeliveryPolicy {
        DeliveryPolicy { duplicate: true, ..self }
    }

    /// Events due together delivered newest first.
    pub fn reorder(self) -> DeliveryPolicy {
        DeliveryPolicy { reorder: true, ..self }
    }
}

/// Where events go: an endpoint registered through the control API (for one account, or, from
/// the Rust handle, every account), or a `webhook_endpoint` object created through Stripe's API.
#[derive(Clone)]
pub struct Endpoint {
    /// The `we_…` id of a `webhook_endpoint` object; `None` for one the control API registered.
    pub id: Option<String>,
    pub url: String,
    pub secret: String,
    /// `None`: every account's events.
    pub account: Option<Account>,
    /// A Connect endpoint (`connect=true`): its account's connected accounts' events, not its own.
    pub connect: bool,
    /// The event types it receives (`*` for all).
    pub events: Vec<String>,
    pub policy: DeliveryPolicy,
}

/// Everything but the signing secret.
impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field("url", &shown_url(&self.url))
            .field("events", &self.events)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

/// A URL without the user and password it may carry.
pub fn shown_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.to_string()
        }
        Err(_) => "[unparsable URL]".to_string(),
    }
}

impl Endpoint {
    /// Whether an event of `type_` of `account` goes to this endpoint.
    pub fn receives(&self, account: &Account, type_: &str) -> bool {
        let whose = match (&self.account, self.connect) {
            (None, _) => true,
            (Some(own), false) => own == account,
            (Some(own), true) => account.connected().is_some() && account.platform() == *own,
        };
        whose && self.events.iter().any(|e| e == "*" || e == type_)
    }
}

/// One delivery attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Delivery {
    pub event_id: String,
    pub event_type: String,
    /// The endpoint's URL, without any user and password it carried.
    pub url: String,
    /// The endpoint's HTTP status, or `None` when it could not be reached in time.
    pub status: Option<u16>,
    /// 1 for the first attempt, up to 4 (three retries).
    pub attempt: u32,
    /// When it was made, on the fake's clock (seconds since the epoch).
    pub at: i64,
    /// The last attempt failed too, or the queue was full: Stripe stops trying.
    pub gave_up: bool,
}

impl Delivery {
    /// Any 2xx is a success, as at Stripe.
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
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
}

/// The client deliveries go out on: endpoints are local, so never through a proxy the
/// environment names, and never redirected.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .connect_timeout(Duration::from_secs(2))
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_default()
}

/// POSTs `payload` to the endpoint, freshly signed; the endpoint's status, or `None` when it
/// could not be reached (refused, timed out).
pub async fn send(http: &reqwest::Client, endpoint: &Endpoint, payload: &[u8]) -> Option<u16> {
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

/// When a failed delivery is tried again, after the attempt before it: Stripe documents that
/// in a sandbox it "attempts to deliver a given event three times over a few hours"
/// (<https://docs.stripe.com/webhooks#automatic-retries>) without the intervals; the fake
/// retries after 1, 2 and 3 hours (the last attempt 6 hours after the first), so
/// `advance_clock(3600)` makes the first retry due.
pub const RETRY_AFTER: [i64; 3] = [3600, 2 * 3600, 3 * 3600];
