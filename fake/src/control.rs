//! The control API: what a test does that a user's browser or Stripe would do (the user
//! submitted, the checks passed or failed), faults, the clock, endpoints, events and reset.
//! The Rust handle calls it for every account ([`Scope::All`]); the `/_fake/` routes, with the
//! caller's key, for one (`route`). Results are JSON, shaped as the API shapes them.
//!
//! Routes (the same key as the API; they are neither logged nor faulted):
//! - `POST /_fake/verification_sessions/{id}/process`, `…/verify`, `…/fail?code=…`
//! - `POST /_fake/webhook_endpoints?url=…&secret=…[&duplicate=true][&reorder=true]`
//! - `GET /_fake/events`, `GET /_fake/requests` (method, path and parameter names of each)
//! - `POST /_fake/faults?status=503&times=2[&should_retry=true]`, `?reset=true`,
//!   `?drop_response=true`, `?delay_ms=…`; `?clear=true` drops the waiting ones
//! - `POST /_fake/clock?advance=SECONDS`
//! - `POST /_fake/reset`

use std::time::Duration;

use serde_json::{json, Value};

use crate::answer::StripeError;
use crate::auth::Account;
use crate::endpoints::check_url;
use crate::fault::Fault;
use crate::form;
use crate::lifecycle;
use crate::log::Recorded;
use crate::shape;
use crate::shared::Shared;
use crate::state::{Books, Scope};
use crate::table::{session_shape, SESSION_OBJECT};
use crate::webhooks::DeliveryPolicy;

/// The longest signing secret the fake keeps.
const MAX_SECRET: usize = 256;

/// Runs a lifecycle step on the session `id` of `scope`, shaped as the API answers it.
fn on_session(
    shared: &Shared,
    scope: &Scope,
    id: &str,
    step: impl FnOnce(&mut Books) -> Result<Value, StripeError>,
) -> Result<Value, StripeError> {
    let session = {
        let mut state = shared.lock();
        let owner = state.owner(scope, id).ok_or_else(|| StripeError::no_such(SESSION_OBJECT, id, "session"))?;
        let mut books = state.books(&owner);
        step(&mut books)?
    };
    shared.wake();
    Ok(shape::present(session_shape(), session, &[], &|_| None))
}

/// What the hosted page submits: under one lock, finds the session whose `field` (its `url`, or
/// its `client_secret`) is `value` and runs `step` on it, so a used link can act only once.
/// `None` when no session holds that value any more.
pub fn on_link(
    shared: &Shared,
    field: &str,
    value: &str,
    step: impl FnOnce(&mut Books, &str) -> Result<Value, StripeError>,
) -> Option<Result<Value, StripeError>> {
    let result = {
        let mut state = shared.lock();
        let (owner, id) = state.find_session(field, value)?;
        let mut books = state.books(&owner);
        step(&mut books, &id)
    };
    shared.wake();
    Some(result.map(|session| shape::present(session_shape(), session, &[], &|_| None)))
}

/// The user submitted: `requires_input` → `processing`.
pub fn process(shared: &Shared, scope: &Scope, id: &str) -> Result<Value, StripeError> {
    on_session(shared, scope, id, |books| lifecycle::process(books, id))
}

/// Every check passes: the session becomes `verified` (through `processing`).
pub fn verify(shared: &Shared, scope: &Scope, id: &str) -> Result<Value, StripeError> {
    on_session(shared, scope, id, |books| lifecycle::verify(books, id))
}

/// A check fails with `code`: back to `requires_input` with `last_error`.
pub fn fail(shared: &Shared, scope: &Scope, id: &str, code: &str) -> Result<Value, StripeError> {
    on_session(shared, scope, id, |books| lifecycle::fail(books, id, code, &shared.base_url))
}

/// Registers a webhook endpoint for every event of `scope`, delivered by `policy`.
pub fn add_endpoint(
    shared: &Shared,
    scope: &Scope,
    url: &str,
    secret: &str,
    policy: DeliveryPolicy,
) -> Result<Value, StripeError> {
    check_url(url)?;
    if secret.is_empty() || secret.len() > MAX_SECRET {
        return Err(StripeError::invalid(Some("secret"), "An endpoint needs a signing secret (whsec_…)."));
    }
    let registered = shared.lock().add_endpoint(scope, url.to_string(), secret.to_string(), policy)?;
    Ok(json!({ "registered": registered }))
}

/// Queues a fault for `scope`'s next `times` requests.
pub fn inject(shared: &Shared, scope: &Scope, fault: Fault, times: u32) -> Result<Value, StripeError> {
    let queued = shared.lock().inject(scope, fault, times)?;
    Ok(json!({ "queued": queued }))
}

/// Moves `scope`'s clock.
pub fn advance_clock(shared: &Shared, scope: &Scope, seconds: i64) -> Result<Value, StripeError> {
    let now = shared.lock().advance_clock(scope, seconds)?;
    // Retries may have fallen due.
    shared.wake();
    Ok(json!({ "now": now }))
}

/// `scope`'s events, oldest first.
pub fn event_log(shared: &Shared, scope: &Scope) -> Vec<Value> {
    shared.lock().events(scope)
}

/// `scope`'s requests, oldest first.
pub fn request_log(shared: &Shared, scope: &Scope) -> Vec<Recorded> {
    shared.lock().requests(scope)
}

/// `scope`'s events, newest first, as a list.
pub fn events(shared: &Shared, scope: &Scope) -> Value {
    let mut events = event_log(shared, scope);
    events.reverse();
    json!({ "object": "list", "data": events, "has_more": false, "url": "/_fake/events" })
}

/// `scope`'s logged requests, newest first: method, path, operation and parameter names (the
/// values may be personal data, and another process's test reads this).
pub fn requests(shared: &Shared, scope: &Scope) -> Value {
    let requests = request_log(shared, scope);
    let data: Vec<Value> = requests
        .iter()
        .rev()
        .map(|r| {
            let (path, query) = r.target.split_once('?').unwrap_or((&r.target, ""));
            let names = |text: &str| -> Vec<String> { form::pairs(text).into_iter().map(|(name, _)| name).collect() };
            json!({ "method": r.method, "path": path, "operation": r.operation, "query_params": names(query), "body_params": names(&r.body) })
        })
        .collect();
    json!({ "object": "list", "data": data, "has_more": false, "url": "/_fake/requests" })
}

/// Starts `scope` clean (every account also loses the delivery log).
pub fn reset(shared: &Shared, scope: &Scope) -> Value {
    shared.lock().reset(scope);
    if let Scope::All = scope {
        shared.deliveries.clear();
    }
    json!({ "reset": true })
}

/// A `/_fake/` route (`path` without the prefix) for `account`.
pub fn route(shared: &Shared, account: Account, method: &str, path: &str, query: &str) -> Result<Value, StripeError> {
    let params = form::pairs(query);
    let param = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let required = |name: &'static str| {
        param(name).ok_or_else(|| {
            StripeError::coded("parameter_missing", Some(name), format!("Missing required param: {name}."))
        })
    };
    let bad = |name: &str| StripeError::invalid(Some(name), format!("Invalid {name}"));
    let flag = |name: &str| param(name).as_deref() == Some("true");
    let scope = Scope::One(account);
    let segments: Vec<&str> = path.split('/').collect();
    match (method, segments.as_slice()) {
        ("POST", ["verification_sessions", id, "process"]) => process(shared, &scope, id),
        ("POST", ["verification_sessions", id, "verify"]) => verify(shared, &scope, id),
        ("POST", ["verification_sessions", id, "fail"]) => fail(shared, &scope, id, &required("code")?),
        ("POST", ["webhook_endpoints"]) => {
            let policy = DeliveryPolicy { duplicate: flag("duplicate"), reorder: flag("reorder") };
            add_endpoint(shared, &scope, &required("url")?, &required("secret")?, policy)
        }
        ("POST", ["faults"]) if flag("clear") => {
            shared.lock().clear_faults(&scope);
            Ok(json!({ "queued": 0 }))
        }
        ("POST", ["faults"]) => {
            let times = param("times").map_or(Ok(1), |t| t.parse::<u32>()).map_err(|_| bad("times"))?;
            let fault = if let Some(status) = param("status") {
                let status = status.parse::<u16>().map_err(|_| bad("status"))?;
                Fault::Status { status, should_retry: param("should_retry").map(|v| v == "true") }
            } else if let Some(ms) = param("delay_ms") {
                Fault::Delay(Duration::from_millis(ms.parse().map_err(|_| bad("delay_ms"))?))
            } else if flag("reset") {
                Fault::Reset
            } else if flag("drop_response") {
                Fault::DropResponse
            } else {
                return Err(bad("status"));
            };
            inject(shared, &scope, fault, times)
        }
        ("POST", ["clock"]) => {
            let seconds = required("advance")?.parse::<i64>().map_err(|_| bad("advance"))?;
            advance_clock(shared, &scope, seconds)
        }
        ("GET", ["events"]) => Ok(events(shared, &scope)),
        ("GET", ["requests"]) => Ok(requests(shared, &scope)),
        ("POST", ["reset"]) => Ok(reset(shared, &scope)),
        _ => Err(StripeError::coded(
            "resource_missing",
            None,
            format!("Unrecognized fake control route ({method}: /_fake/{path})."),
        )
        .with_status(404)),
    }
}
