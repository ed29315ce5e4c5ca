//! One request, start to end, in the order a reader follows it (as stripe-mock's server does):
//!
//! own delivery? → hosted page? → control route (`/_fake/`)? → record → fault → auth (the account) → route
//! (the spec's path templates) → validate (the spec's tables, the idempotency key) →
//! idempotency (replay) → handler → shape the answer once → save → log, and wake the delivery
//! task when an event was queued.
//!
//! Every step that refuses answers with Stripe's error JSON; the HTTP side (`http`) has already
//! bounded what arrived.

use hyper::HeaderMap;
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

use crate::answer::{Answer, StripeError};
use crate::api::{self, Call};
use crate::auth::{self, Account};
use crate::fault::Fault;
use crate::idempotency::{self, Saved};
use crate::limits::{LOGGED_BODY_BYTES, LOGGED_HEADER_BYTES};
use crate::log::Recorded;
use crate::shared::Shared;
use crate::state::Cause;
use crate::table::{self, Method, Operation};
use crate::webhooks::DELIVERY_HEADER;
use crate::{control, form, page, shape, validate};

/// A request whose head and body have arrived whole.
pub struct Received {
    pub method: String,
    pub path: String,
    pub query: String,
    /// Path and query, as sent.
    pub target: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// What becomes of a request.
pub enum Outcome {
    Answer(Answer),
    /// Drop the connection without answering (an injected fault).
    Drop,
}

/// Serves one request; `request_id` is its `Request-Id`.
pub async fn serve(shared: &Shared, request: Received, request_id: &str) -> Outcome {
    if request.headers.contains_key(DELIVERY_HEADER) {
        let error =
            StripeError::invalid(None, "The fake does not act on webhook deliveries (its own or another fake's).");
        return Outcome::Answer(Answer::error(&error, request_id));
    }
    // The hosted page and Stripe.js stand-in: no key, as at Stripe (the URL is the credential).
    if let Some(answer) = page::route(shared, &request.method, &request.path, &request.query, &request.body) {
        return Outcome::Answer(answer);
    }
    let account = auth::identify(request.header("authorization"), request.header("stripe-account"));
    if let Some(control) = request.path.strip_prefix("/_fake/") {
        let result =
            account.and_then(|account| control::route(shared, account, &request.method, control, &request.query));
        return Outcome::Answer(answer(result, request_id));
    }
    let routed = route(&request.method, &request.path);
    let mut recorded = record(&request, account.as_ref().ok(), routed.as_ref().map(|(op, _)| op.id));
    let fault = shared.lock().next_fault(account.as_ref().ok());
    match fault {
        Some(Fault::Reset) => {
            shared.lock().log(recorded);
            return Outcome::Drop;
        }
        Some(Fault::Status { status, should_retry }) => {
            shared.lock().log(recorded);
            return Outcome::Answer(Fault::answer(status, should_retry, request_id));
        }
        Some(Fault::Delay(delay)) => tokio::time::sleep(delay).await,
        Some(Fault::DropResponse) | None => {}
    }
    let (answer, subject) = match account {
        Ok(account) => call(shared, &request, &account, routed, request_id),
        Err(error) => (Answer::error(&error, request_id), None),
    };
    recorded.subject = subject;
    let queued = {
        let mut state = shared.lock();
        state.log(recorded);
        state.take_queued()
    };
    if queued {
        shared.wake();
    }
    match fault {
        Some(Fault::DropResponse) => Outcome::Drop,
        _ => Outcome::Answer(answer),
    }
}

/// Route, validate, replay or run, shape and save: the answer and the id of the object it was
/// about (the path's id even when refused, else the answer's).
fn call(
    shared: &Shared,
    request: &Received,
    account: &Account,
    routed: Option<(&'static Operation, Vec<String>)>,
    request_id: &str,
) -> (Answer, Option<String>) {
    let Some((operation, path_params)) = routed else {
        return (Answer::error(&StripeError::unrecognized(&request.method, &request.path), request_id), None);
    };
    let path_id = path_params.first().cloned();
    let checked = params(operation, request).and_then(|params| Ok((params, idempotency_key(operation, request)?)));
    let (params, key) = match checked {
        Ok(checked) => checked,
        Err(error) => return (Answer::error(&error, request_id), path_id),
    };
    let fingerprint = idempotency::fingerprint(&Value::Object(params.clone()));
    let expand = api::expand_paths(&params);
    // One lock from the key's lookup to its saving: two requests with one key never both run.
    let mut state = shared.lock();
    if let Some(key) = &key {
        if let Some(saved) = state.saved(account, key) {
            let answer = saved.replay(key, &request.method, &request.path, fingerprint, request_id);
            let subject = path_id.or_else(|| answer.body["id"].as_str().map(str::to_string));
            return (answer, subject);
        }
    }
    let cause = Cause { request_id: Some(request_id.to_string()), idempotency_key: key.clone() };
    let call = Call { operation, path_params, params, base_url: &shared.base_url, cause };
    let mut books = state.books(account);
    let answer = match api::handle(&mut books, call) {
        Ok(object) => Answer::ok(shape::present(operation.response, object, &expand, &books.lookup())),
        Err(error) => Answer::error(&error, request_id),
    };
    let now = books.now();
    let subject = path_id.or_else(|| answer.body["id"].as_str().map(str::to_string));
    let Some(key) = key else { return (answer, subject) };
    // A 5xx may be retried with the same key: it claims nothing.
    if answer.status < 500 {
        let saved = Saved {
            method: request.method.clone(),
            path: request.path.clone(),
            params: fingerprint,
            status: answer.status,
            body: answer.body.clone(),
            request_id: request_id.to_string(),
            saved_at: now,
        };
        state.save(account, key.clone(), saved);
    }
    (answer.header("Idempotency-Key", key), subject)
}

/// The request as the log keeps it: no `Authorization` header, and at most
/// [`LOGGED_BODY_BYTES`] of the body and [`LOGGED_HEADER_BYTES`] of headers.
fn record(request: &Received, account: Option<&Account>, operation: Option<&'static str>) -> Recorded {
    let mut budget = LOGGED_HEADER_BYTES;
    let headers = request
        .headers
        .iter()
        .filter(|(name, _)| *name != hyper::header::AUTHORIZATION)
        .map(|(name, value)| (name.to_string(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
        .take_while(|(name, value)| {
            let size = name.len() + value.len();
            let fits = size <= budget;
            budget = budget.saturating_sub(size);
            fits
        })
        .collect();
    let body = String::from_utf8_lossy(&request.body[..request.body.len().min(LOGGED_BODY_BYTES)]).into_owned();
    Recorded {
        method: request.method.clone(),
        target: request.target.chars().take(LOGGED_BODY_BYTES).collect(),
        headers,
        body,
        operation,
        account: account.cloned(),
        subject: None,
    }
}

/// A control call's result as an answer.
fn answer(result: Result<Value, StripeError>, request_id: &str) -> Answer {
    match result {
        Ok(body) => Answer::ok(body),
        Err(error) => Answer::error(&error, request_id),
    }
}

/// A POST's `Idempotency-Key`, checked; other methods ignore it, as Stripe does.
fn idempotency_key(operation: &Operation, request: &Received) -> Result<Option<String>, StripeError> {
    match request.headers.get("idempotency-key") {
        Some(value) if operation.method == Method::Post => idempotency::key(value.as_bytes()).map(Some),
        _ => Ok(None),
    }
}

/// The request's parameters (the query of a GET, the body and any query of a POST), checked
/// against the operation's params struct and the checks beyond it.
fn params(operation: &Operation, request: &Received) -> Result<Map<String, Value>, StripeError> {
    let Ok(body) = std::str::from_utf8(&request.body) else {
        return Err(StripeError::invalid(None, "The request body must be UTF-8 form data."));
    };
    let text = match (request.query.is_empty(), body.is_empty(), operation.method) {
        (_, _, Method::Get | Method::Delete) => request.query.clone(),
        (true, _, _) => body.to_string(),
        (false, true, _) => request.query.clone(),
        (false, false, _) => format!("{}&{body}", request.query),
    };
    let given = form::parse(&text)?;
    let shape = if operation.method == Method::Post { operation.body } else { operation.query };
    let params = match shape {
        Some(shape) => validate::params(shape, given)?,
        None if given.is_empty() => Map::new(),
        None => {
            let name = given.first_name().unwrap_or_default();
            return Err(StripeError::coded(
                "parameter_unknown",
                Some(name),
                format!("Received unknown parameter: {name}"),
            ));
        }
    };
    api::precheck(operation, &params)?;
    Ok(params)
}

/// The operation whose method and path template match, with the placeholders' values. Every
/// segment must match: an empty one (`…/verification_sessions//`) or a trailing slash matches
/// nothing, as at Stripe.
pub fn route(method: &str, path: &str) -> Option<(&'static Operation, Vec<String>)> {
    let method = Method::parse(method)?;
    table::OPERATIONS.iter().filter(|op| op.method == method).find_map(|op| {
        let values = op.path.matches(path)?;
        let decoded = values.iter().map(|value| Some(percent_decode_str(value).decode_utf8().ok()?.into_owned()));
        Some((op, decoded.collect::<Option<Vec<String>>>()?))
    })
}
