//! A stateful local Stripe Identity for tests: the eight VerificationSession and
//! VerificationReport operations with Stripe's lifecycle, lists, `expand`, idempotency, Stripe's
//! errors, signed webhooks, and injected faults, on 127.0.0.1.
//!
//! What it accepts comes from the same spec as the client: the build script generates the
//! parameter and object tables (`stripe_identity_codegen::Generator::render_table`), so an
//! unknown parameter, a wrong enum value or a missing required one fails as at Stripe. Each
//! secret key is its own account, so test suites can share one fake; everything that arrives
//! and everything kept is bounded ([`limits`]).
//!
//! Inside, a request goes one way (`pipeline`): own delivery? → hosted page? → who is calling →
//! control route? → record → fault → auth → route → validate → idempotency → handler → shape → save →
//! log → wake the delivery task. Modules import only
//! the layers below them (`tests/layers.rs` holds the order): `table`, `limits`, `answer` at
//! the bottom; parsing and checks; `state` (private fields behind methods); the lifecycle and
//! lists; `endpoints`; `api` and `control` (the one control API the methods below and the
//! `/_fake/` routes share) and `delivery` (retries on the fake's clock); `pipeline`; `http`;
//! this handle.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use stripe_identity::{create_verification_session, CreateVerificationSessionParams, CreateVerificationSessionType};
//!
//! let fake = stripe_identity_fake::FakeStripe::start().await?;
//! let client = fake.client();
//! let params = CreateVerificationSessionParams::new().type_(CreateVerificationSessionType::Document);
//! let session = create_verification_session(&client, &params).await?;
//! let verified = fake.verify(&session.id)?; // the user passed every check
//! assert!(verified.last_verification_report.is_some());
//! # Ok(()) }
//! ```

mod answer;
mod api;
mod auth;
mod control;
mod delivery;
mod endpoints;
mod expand_only;
mod fault;
mod form;
mod http;
mod idempotency;
mod lifecycle;
pub mod limits;
mod list;
mod log;
mod page;
mod pipeline;
mod reports;
mod ring;
mod shape;
mod shared;
mod state;
mod table;
mod validate;
mod webhooks;

use std::sync::Arc;

use stripe_identity::{Client, VerificationSession};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use answer::StripeError;
pub use fault::Fault;
pub use log::Recorded;
pub use webhooks::{Delivery, DeliveryPolicy};

use shared::Shared;
use state::Scope;

/// The API key [`FakeStripe::client`] uses; any `sk_test_…` key is accepted, each its own
/// account.
pub const TEST_KEY: &str = "sk_test_fake";

/// A running fake. It serves until dropped; dropping it stops the server, its connections and
/// webhook deliveries.
///
/// Its methods act on every account (the handle owns the whole fake); the `/_fake/` routes act
/// on the caller's. Both call the same control functions.
pub struct FakeStripe {
    shared: Arc<Shared>,
    server: JoinHandle<()>,
    webhooks: JoinHandle<()>,
}

impl Drop for FakeStripe {
    fn drop(&mut self) {
        self.server.abort();
        self.webhooks.abort();
    }
}

impl FakeStripe {
    /// Starts on 127.0.0.1 and a free port.
    pub async fn start() -> std::io::Result<FakeStripe> {
        FakeStripe::start_on(0).await
    }

    /// Starts on 127.0.0.1 and `port` (0 for a free one).
    pub async fn start_on(port: u16) -> std::io::Result<FakeStripe> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let shared = Arc::new(Shared::new(format!("http://{}", listener.local_addr()?)));
        let webhooks = tokio::spawn(delivery::run(shared.clone()));
        let server = tokio::spawn(http::accept(listener, shared.clone()));
        Ok(FakeStripe { shared, server, webhooks })
    }

    /// `http://127.0.0.1:PORT`: the base URL to give a client.
    pub fn url(&self) -> &str {
        &self.shared.base_url
    }

    /// A client for this fake, with [`TEST_KEY`] and the default retries.
    pub fn client(&self) -> Client {
        Client::builder(TEST_KEY)
            .base_url(self.url())
            .build()
            .expect("a test key and a local URL are a valid configuration")
    }

    /// The user submitted: `requires_input` → `processing`.
    pub fn process(&self, session: impl AsRef<str>) -> Result<VerificationSession, StripeError> {
        decode(control::process(&self.shared, &Scope::All, session.as_ref()))
    }

    /// Every check passes: the session becomes `verified` (through `processing`), with a
    /// verified report as `last_verification_report` and `verified_outputs` set.
    pub fn verify(&self, session: impl AsRef<str>) -> Result<VerificationSession, StripeError> {
        decode(control::verify(&self.shared, &Scope::All, session.as_ref()))
    }

    /// A check fails with `code` (a `last_error.code` value of the spec, such as
    /// `document_expired`): back to `requires_input` with `last_error`, an unverified report,
    /// and a fresh `client_secret` and `url` for the next attempt.
    pub fn fail(&self, session: impl AsRef<str>, code: &str) -> Result<VerificationSession, StripeError> {
        decode(control::fail(&self.shared, &Scope::All, session.as_ref(), code))
    }

    /// Registers a webhook endpoint: every later event, of any account, is POSTed to `url`,
    /// signed with `secret`; a delivery that fails (not a 2xx, no answer within 10 s, refused)
    /// is retried 1, 2 and 3 hours later on the fake's clock.
    ///
    /// # Panics
    /// If `url` is not an http(s) URL or more than 16 endpoints were registered: a test asking
    /// for that is wrong.
    pub fn webhook_endpoint(&self, url: impl Into<String>, secret: impl Into<String>) {
        self.webhook_endpoint_with(url, secret, DeliveryPolicy::default());
    }

    /// Registers a webhook endpoint that receives its events by `policy`: each twice
    /// (`DeliveryPolicy::default().duplicate()`), or those due together newest first
    /// (`.reorder()`), the two behaviours Stripe documents a handler must survive.
    ///
    /// # Panics
    /// As [`FakeStripe::webhook_endpoint`].
    pub fn webhook_endpoint_with(&self, url: impl Into<String>, secret: impl Into<String>, policy: DeliveryPolicy) {
        if let Err(error) = control::add_endpoint(&self.shared, &Scope::All, &url.into(), &secret.into(), policy) {
            panic!("webhook_endpoint: {error}");
        }
    }

    /// Every event so far (the latest 50,000), oldest first, decoded by the client crate.
    ///
    /// # Panics
    /// If an event does not decode: that is a bug of the fake, and a test should say so.
    pub fn events(&self) -> Vec<stripe_identity::webhook::Event> {
        self.events_json()
            .into_iter()
            .map(|event| {
                serde_json::from_value(event).expect("the fake's events decode as stripe_identity::webhook::Event")
            })
            .collect()
    }

    /// Every event so far as JSON, oldest first, exactly as delivered.
    pub fn events_json(&self) -> Vec<serde_json::Value> {
        control::event_log(&self.shared, &Scope::All)
    }

    /// Waits until every delivery due now has been attempted; retries wait for the clock
    /// ([`FakeStripe::advance_clock`]).
    pub async fn flush_webhooks(&self) {
        self.shared.flush().await
    }

    /// Every webhook delivery attempt so far (the latest 10,000), with its time on the fake's
    /// clock, its status and whether it was the last.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.shared.deliveries.all()
    }

    /// Applies `fault` to the next `times` requests of any account (after any faults already
    /// queued); refused past [`limits::MAX_FAULT_TIMES`], for a status that is not an error
    /// (400–599) or a delay past [`limits::MAX_DELAY`].
    pub fn inject(&self, fault: Fault, times: u32) -> Result<(), StripeError> {
        control::inject(&self.shared, &Scope::All, fault, times).map(drop)
    }

    /// Every API request received so far (the latest 10,000), faulted ones included (the
    /// `/_fake/` routes are not logged).
    pub fn requests(&self) -> Vec<Recorded> {
        control::request_log(&self.shared, &Scope::All)
    }

    /// Moves the fake's clock (objects' `created`, events) forward by `seconds` for every
    /// account, and returns the new time. The clock starts at the fake's start time and stands
    /// still otherwise, so `created` is exact; it stays between 2000 and 9999.
    pub fn advance_clock(&self, seconds: i64) -> Result<i64, StripeError> {
        let now = control::advance_clock(&self.shared, &Scope::All, seconds)?;
        Ok(now["now"].as_i64().unwrap_or_default())
    }

    /// Starts clean: every account's objects, events, saved idempotent answers, endpoints,
    /// faults, requests and deliveries go, and the clock returns to now. Ids keep counting.
    pub fn reset(&self) {
        control::reset(&self.shared, &Scope::All);
    }

    /// The `operationId` of every operation in the fake's spec, sorted by path, then by method.
    pub fn operations() -> Vec<&'static str> {
        table::OPERATIONS.iter().map(|op| op.id).collect()
    }

    /// The operations of the spec the fake has no handler for (empty unless a newer spec adds
    /// one): a test keeps this empty.
    pub fn unimplemented_operations() -> Vec<&'static str> {
        table::OPERATIONS.iter().map(|op| op.id).filter(|id| api::handler(id).is_none()).collect()
    }
}

/// A control call's session, decoded by the client crate.
fn decode(session: Result<serde_json::Value, StripeError>) -> Result<VerificationSession, StripeError> {
    // serde's message could quote a value (personal data): the error says only what failed.
    serde_json::from_value(session?)
        .map_err(|_| StripeError::api("the fake built a session this client cannot decode (a bug of the fake)"))
}
