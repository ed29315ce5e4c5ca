//! The HTTP side on hyper: faults first, then the fake's own helper routes, the key, the route,
//! idempotency, validation, the handler; every answer carries a `Request-Id`.

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

use crate::api::{self, Call};
use crate::error::StripeError;
use crate::idempotency::{self, Saved};
use crate::state::Cause;
use crate::table::{self, Operation};
use crate::{auth, form, helpers, validate, Fault, Recorded, Shared};

/// What the server answers: a status, a JSON body and headers beyond the usual ones.
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub headers: Vec<(&'static str, String)>,
}

impl Answer {
    pub fn ok(body: Value) -> Answer {
        Answer { status: 200, body, headers: Vec::new() }
    }

    pub fn error(error: &StripeError, request_id: &str) -> Answer {
        Answer { status: error.status, body: error.body(request_id), headers: Vec::new() }
    }
}

/// The request after its body was read.
pub struct Received {
    pub method: String,
    pub path: String,
    pub query: String,
    pub body: String,
    /// Whether the body was valid UTF-8 (it is kept lossily for the log either way).
    pub body_is_utf8: bool,
    pub authorization: Option<String>,
    pub idempotency_key: Option<String>,
    /// `Stripe-Account`: idempotency keys are scoped per account.
    pub account: Option<String>,
}

/// Serves one request. An `Err` makes hyper drop the connection (the `Reset` fault).
pub async fn serve(shared: Arc<Shared>, request: Request<Incoming>) -> Result<Response<Full<Bytes>>, std::io::Error> {
    let (parts, body) = request.into_parts();
    let body = body.collect().await.map_err(std::io::Error::other)?.to_bytes();
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let incoming = Received {
        method: parts.method.as_str().to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or_default().to_string(),
        body: String::from_utf8_lossy(&body).into_owned(),
        body_is_utf8: std::str::from_utf8(&body).is_ok(),
        authorization: header("authorization"),
        idempotency_key: header("idempotency-key"),
        account: header("stripe-account"),
    };
    let routed = route(&incoming.method, &incoming.path);
    let recorded = Recorded {
        method: incoming.method.clone(),
        target: parts.uri.path_and_query().map(|p| p.to_string()).unwrap_or_default(),
        headers: parts
            .headers
            .iter()
            .filter(|(name, _)| *name != hyper::header::AUTHORIZATION)
            .map(|(name, value)| (name.to_string(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
            .collect(),
        body: incoming.body.clone(),
        operation: routed.as_ref().map(|(op, _)| op.id),
        subject: None,
    };
    // The fake's own routes are neither logged nor faulted: faults are for the client's calls.
    let own_route = incoming.path.starts_with("/_fake/");
    let (fault, request_id, index) = {
        let mut state = shared.lock();
        let index = (!own_route).then(|| {
            state.requests.push(recorded);
            state.requests.len() - 1
        });
        let fault = if own_route { None } else { state.faults.pop_front() };
        (fault, state.id("req"), index)
    };
    let dropped = || std::io::Error::from(std::io::ErrorKind::ConnectionReset);
    let answer = match fault {
        Some(Fault::Reset) => return Err(dropped()),
        Some(Fault::Status { status, should_retry }) => injected(status, should_retry, &request_id),
        Some(Fault::Delay(delay)) => {
            tokio::time::sleep(delay).await;
            answer(&shared, &incoming, routed.clone(), &request_id)
        }
        Some(Fault::DropResponse) | None => answer(&shared, &incoming, routed.clone(), &request_id),
    };
    // What the request was about: the path's id (even when refused), else the answer's.
    let path_id = routed.and_then(|(_, ids)| ids.into_iter().next());
    if let (Some(index), Some(subject)) = (index, path_id.or_else(|| answer.body["id"].as_str().map(str::to_string))) {
        shared.lock().requests[index].subject = Some(subject);
    }
    shared.deliver_outbox();
    if fault == Some(Fault::DropResponse) {
        return Err(dropped());
    }
    Ok(response(answer, &request_id))
}

fn response(answer: Answer, request_id: &str) -> Response<Full<Bytes>> {
    let mut builder = Response::builder()
        .status(answer.status)
        .header("Content-Type", "application/json")
        .header("Request-Id", request_id)
        .header("Stripe-Version", table::API_VERSION);
    for (name, value) in answer.headers {
        builder = builder.header(name, value);
    }
    let body = serde_json::to_vec_pretty(&answer.body).unwrap_or_default();
    builder.body(Full::new(Bytes::from(body))).unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

/// The answer of an injected status fault.
fn injected(status: u16, should_retry: Option<bool>, request_id: &str) -> Answer {
    let kind = match status {
        429 => "rate_limit_error",
        500.. => "api_error",
        _ => "invalid_request_error",
    };
    let error = StripeError { status, kind, code: None, param: None, message: format!("Injected fault: {status}.") };
    let mut answer = Answer::error(&error, request_id);
    if let Some(retry) = should_retry {
        answer.headers.push(("Stripe-Should-Retry", retry.to_string()));
    }
    answer
}

/// `routed`: the operation and path ids [`route`] found for the request, if any.
fn answer(
    shared: &Shared,
    incoming: &Received,
    routed: Option<(&'static Operation, Vec<String>)>,
    request_id: &str,
) -> Answer {
    if let Some(helper) = incoming.path.strip_prefix("/_fake/") {
        return helpers::handle(shared, &incoming.method, helper, &incoming.query, request_id);
    }
    if let Err(error) = auth::check(incoming.authorization.as_deref()) {
        return Answer::error(&error, request_id);
    }
    let Some((operation, path_params)) = routed else {
        let message = format!("Unrecognized request URL ({}: {}).", incoming.method, incoming.path);
        let error = StripeError { status: 404, ..StripeError::coded("resource_missing", None, message) };
        return Answer::error(&error, request_id);
    };
    let params = match params(operation, incoming).and_then(|p| api::precheck(operation, &p).map(|()| p)) {
        Ok(params) => params,
        Err(error) => return Answer::error(&error, request_id),
    };
    let key = incoming.idempotency_key.clone().filter(|_| operation.method == "POST");
    let scoped = key.clone().map(|key| (incoming.account.clone().unwrap_or_default(), key));
    let fingerprint = idempotency::fingerprint(&Value::Object(params.clone()));
    // One lock from the key's lookup to its saving: two requests with one key never both run.
    let mut state = shared.lock();
    if let Some(key) = &scoped {
        if let Some(replayed) =
            idempotency::replay(&state, key, &incoming.method, &incoming.path, fingerprint, request_id)
        {
            return replayed;
        }
    }
    let cause = Cause { request_id: Some(request_id.to_string()), idempotency_key: key };
    let call = Call { operation, path_params, params, base_url: &shared.base_url, cause };
    let answer = match api::handle(&mut state, call) {
        Ok(body) => Answer::ok(body),
        Err(error) => Answer::error(&error, request_id),
    };
    match scoped {
        Some(key) => {
            let saved = Saved {
                method: incoming.method.clone(),
                path: incoming.path.clone(),
                params: fingerprint,
                status: 0,
                body: Value::Null,
                request_id: request_id.to_string(),
            };
            idempotency::save(&mut state, key, saved, answer)
        }
        None => answer,
    }
}

/// The request's parameters (the query of a GET, the body and any query of a POST), checked
/// against the operation's params struct.
fn params(operation: &Operation, incoming: &Received) -> Result<Map<String, Value>, StripeError> {
    if !incoming.body_is_utf8 {
        return Err(StripeError::invalid(None, "The request body must be UTF-8 form data.".to_string()));
    }
    let text = match (incoming.query.is_empty(), incoming.body.is_empty(), operation.method) {
        (_, _, "GET" | "DELETE") => incoming.query.clone(),
        (true, _, _) => incoming.body.clone(),
        (false, true, _) => incoming.query.clone(),
        (false, false, _) => format!("{}&{}", incoming.query, incoming.body),
    };
    let given = form::parse(&text)?;
    let shape = if operation.method == "POST" { operation.body } else { operation.query };
    match shape {
        Some(shape) => validate::params(shape, given),
        None if given.is_empty() => Ok(Map::new()),
        None => Err(StripeError::coded(
            "parameter_unknown",
            Some(&given[0].0),
            format!("Received unknown parameter: {}", given[0].0),
        )),
    }
}

/// The operation whose method and path template match, with the placeholders' values.
pub fn route(method: &str, path: &str) -> Option<(&'static Operation, Vec<String>)> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    table::OPERATIONS.iter().filter(|op| op.method == method).find_map(|op| {
        let template: Vec<&str> = op.path.split('/').collect();
        if template.len() != segments.len() {
            return None;
        }
        let mut values = Vec::new();
        for (want, got) in template.iter().zip(&segments) {
            if want.starts_with('{') {
                if got.is_empty() {
                    return None;
                }
                values.push(percent_decode_str(got).decode_utf8().ok()?.into_owned());
            } else if want != got {
                return None;
            }
        }
        Some((op, values))
    })
}
