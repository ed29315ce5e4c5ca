//! A stateful local Stripe Identity for tests: the eight VerificationSession and
//! VerificationReport operations with Stripe's lifecycle, lists, `expand`, idempotency, Stripe's
//! errors, signed webhooks, and injected faults, on 127.0.0.1.
//!
//! What it accepts comes from the same spec as the client: the build script generates the
//! parameter and object tables (`stripe_identity_codegen::Generator::render_table`), so an
//! unknown parameter, a wrong enum value or a missing required one fails as at Stripe.
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

mod api;
mod auth;
mod error;
mod form;
mod helpers;
mod idempotency;
mod lifecycle;
mod list;
mod objects;
mod reports;
mod sensitive;
mod server;
mod state;
mod table;
mod validate;
mod webhooks;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use stripe_identity::{Client, VerificationSession};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use tokio::task::{JoinHandle, JoinSet};

pub use error::StripeError;
pub use webhooks::Delivery;

use state::{Endpoint, State};
use webhooks::Job;

/// The API key [`FakeStripe::client`] uses; any `sk_test_…` key is accepted.
pub const TEST_KEY: &str = "sk_test_fake";

/// A fault for the next requests, to test a client's retries.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer with this status and Stripe's error JSON, with `Stripe-Should-Retry` when set.
    Status { status: u16, should_retry: Option<bool> },
    /// Read the request, then drop the connection without answering (nothing was done).
    Reset,
    /// Handle the request, then drop the connection without answering: the work is done and
    /// the client never hears of it (what idempotency keys are for).
    DropResponse,
    /// Wait this long, then answer normally.
    Delay(Duration),
}

impl Fault {
    /// A status without `Stripe-Should-Retry`.
    pub fn status(status: u16) -> Fault {
        Fault::Status { status, should_retry: None }
    }
}

/// One request as the fake received it (the `Authorization` header left out). Redacting a
/// session replaces the parameter values of the requests that made or changed it.
#[derive(Clone)]
#[non_exhaustive]
pub struct Recorded {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The `operationId` of the spec operation it was routed to, if any.
    pub operation: Option<&'static str>,
    /// The id of the object its answer was about.
    subject: Option<String>,
}

/// Method, path, operation and parameter names: values (personal data) are left out.
impl std::fmt::Debug for Recorded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (path, query) = self.target.split_once('?').unwrap_or((&self.target, ""));
        let names = |text: &str| -> Vec<String> { form::pairs(text).into_iter().map(|(name, _)| name).collect() };
        f.debug_struct("Recorded")
            .field("method", &self.method)
            .field("path", &path)
            .field("operation", &self.operation)
            .field("query_params", &names(query))
            .field("body_params", &names(&self.body))
            .finish_non_exhaustive()
    }
}

impl Recorded {
    /// Every parameter value, in the query and the body, becomes `[redacted]`.
    fn redact_values(&mut self) {
        let redact = |text: &str| -> String {
            text.split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((name, _)) => format!("{name}=%5Bredacted%5D"),
                    None => pair.to_string(),
                })
                .collect::<Vec<_>>()
                .join("&")
        };
        if let Some((path, query)) = self.target.split_once('?') {
            self.target = format!("{path}?{}", redact(query));
        }
        self.body = redact(&self.body);
    }

    /// The value of a header (names compare case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// What the server tasks and the handle share.
struct Shared {
    state: Mutex<State>,
    base_url: String,
    jobs: mpsc::UnboundedSender<Job>,
    deliveries: Arc<Mutex<Vec<Delivery>>>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Hands the events recorded since the last call to the delivery task.
    fn deliver_outbox(&self) {
        let mut state = self.lock();
        let endpoints = state.endpoints.clone();
        for event in std::mem::take(&mut state.outbox) {
            let _ = self.jobs.send(Job::Deliver { event, endpoints: endpoints.clone() });
        }
    }
}

/// A running fake. It serves until dropped; dropping it stops the server, its connections and
/// webhook deliveries.
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
        let base_url = format!("http://{}", listener.local_addr()?);
        let (jobs, queue) = mpsc::unbounded_channel();
        let deliveries = Arc::new(Mutex::new(Vec::new()));
        let shared =
            Arc::new(Shared { state: Mutex::new(State::new()), base_url, jobs, deliveries: deliveries.clone() });
        let webhooks = tokio::spawn(webhooks::run(queue, deliveries));
        let server = tokio::spawn(accept(listener, shared.clone()));
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
        self.helper(|state| state.process(session.as_ref()))
    }

    /// Every check passes: the session becomes `verified` (through `processing`), with a
    /// verified report as `last_verification_report` and `verified_outputs` set.
    pub fn verify(&self, session: impl AsRef<str>) -> Result<VerificationSession, StripeError> {
        self.helper(|state| state.verify(session.as_ref()))
    }

    /// A check fails with `code` (a `last_error.code` value of the spec, such as
    /// `document_expired`): back to `requires_input` with `last_error` and an unverified report.
    pub fn fail(&self, session: impl AsRef<str>, code: &str) -> Result<VerificationSession, StripeError> {
        self.helper(|state| state.fail(session.as_ref(), code))
    }

    fn helper(
        &self,
        change: impl FnOnce(&mut State) -> Result<serde_json::Value, StripeError>,
    ) -> Result<VerificationSession, StripeError> {
        let session = change(&mut self.shared.lock()).map(|mut session| {
            sensitive::hide_unexpanded(&mut session, "", &[]);
            session
        });
        self.shared.deliver_outbox();
        // serde's message could quote a value (personal data): the error says only what failed.
        serde_json::from_value(session?).map_err(|_| StripeError {
            status: 500,
            kind: "api_error",
            code: None,
            param: None,
            message: "the fake built a session this client cannot decode (a bug of the fake)".to_string(),
        })
    }

    /// Registers a webhook endpoint: every later event is POSTed to `url`, signed with `secret`.
    pub fn webhook_endpoint(&self, url: impl Into<String>, secret: impl Into<String>) {
        self.shared.lock().endpoints.push(Endpoint { url: url.into(), secret: secret.into() });
    }

    /// Every event so far, oldest first, decoded by the client crate.
    ///
    /// # Panics
    /// If an event does not decode: that is a bug of the fake, and a test should say so.
    pub fn events(&self) -> Vec<stripe_identity::webhook::Event> {
        let events = self.shared.lock().events.clone();
        events
            .into_iter()
            .map(|event| {
                serde_json::from_value(event).expect("the fake's events decode as stripe_identity::webhook::Event")
            })
            .collect()
    }

    /// Every event so far as JSON, oldest first, exactly as delivered.
    pub fn events_json(&self) -> Vec<serde_json::Value> {
        self.shared.lock().events.clone()
    }

    /// Waits until every event recorded so far has been delivered (or failed to be).
    pub async fn flush_webhooks(&self) {
        self.shared.deliver_outbox();
        let (done, wait) = oneshot::channel();
        if self.shared.jobs.send(Job::Flush(done)).is_ok() {
            let _ = wait.await;
        }
    }

    /// Every webhook delivery attempt so far.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.shared.deliveries.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Applies `fault` to the next `times` requests (after any faults already queued).
    ///
    /// # Panics
    /// If a `Fault::Status` is not an error status (400–599): a test asking for that is wrong.
    pub fn inject(&self, fault: Fault, times: usize) {
        if let Fault::Status { status, .. } = fault {
            assert!((400..600).contains(&status), "Fault::Status needs an error status (400–599), not {status}");
        }
        self.shared.lock().faults.extend(std::iter::repeat_n(fault, times));
    }

    /// Every API request received so far, faulted ones included (the `/_fake/` routes are not
    /// logged).
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.lock().requests.clone()
    }

    /// Moves the fake's clock (objects' `created`, events) forward by `seconds`. The clock
    /// starts at the fake's start time and stands still otherwise, so `created` is exact.
    pub fn advance_clock(&self, seconds: i64) {
        self.shared.lock().clock_offset += seconds;
    }

    /// The `operationId` of every operation in the fake's spec, in the spec's order.
    pub fn operations() -> Vec<&'static str> {
        table::OPERATIONS.iter().map(|op| op.id).collect()
    }

    /// The operations of the spec the fake has no handler for (empty unless a newer spec adds
    /// one): a test keeps this empty.
    pub fn unimplemented_operations() -> Vec<&'static str> {
        table::OPERATIONS.iter().map(|op| op.id).filter(|id| api::handler(id).is_none()).collect()
    }
}

/// Accepts connections until aborted; aborting drops the set, which aborts every connection.
async fn accept(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else {
                    // Out of file descriptors, say: wait instead of spinning.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let shared = shared.clone();
                connections.spawn(async move {
                    let service = service_fn(move |request| server::serve(shared.clone(), request));
                    let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                });
            }
            Some(_) = connections.join_next() => {}
        }
    }
}
