//! The HTTP side on hyper: faults first, then the fake's own helper routes, the key, the route,
//! idempotency, validation, the handler; every answer carries a `Request-Id`.

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use percent_encoding::percent_decode_str;
use serde_json::Value;

use crate::api::{self, Call};
use crate::error::StripeError;
use crate::state::{Cause, Saved};
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
    pub authorization: Option<String>,
    pub idempotency_key: Option<String>,
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
        authorization: header("authorization"),
        idempotency_key: header("idempotency-key"),
    };
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
        operation: route(&incoming.method, &incoming.path).map(|(op, _)| op.id),
    };
    let (fault, request_id) = {
        let mut state = shared.lock();
        state.requests.push(recorded);
        (state.faults.pop_front(), state.id("req"))
    };
    let answer = match fault {
        Some(Fault::Reset) => return Err(std::io::Error::from(std::io::ErrorKind::ConnectionReset)),
        Some(Fault::Status { status, should_retry }) => injected(status, should_retry, &request_id),
        Some(Fault::Delay(delay)) => {
            tokio::time::sleep(delay).await;
            answer(&shared, &incoming, &request_id)
        }
        None => answer(&shared, &incoming, &request_id),
    };
    shared.deliver_outbox();
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

fn answer(shared: &Shared, incoming: &Received, request_id: &str) -> Answer {
    if let Some(helper) = incoming.path.strip_prefix("/_fake/") {
        return helpers::handle(shared, &incoming.method, helper, &incoming.query, request_id);
    }
    if let Err(error) = auth::check(incoming.authorization.as_deref()) {
        return Answer::error(&error, request_id);
    }
    let Some((operation, path_params)) = route(&incoming.method, &incoming.path) else {
        let message = format!("Unrecognized request URL ({}: {}).", incoming.method, incoming.path);
        let error = StripeError { status: 404, ..StripeError::coded("resource_missing", None, message) };
        return Answer::error(&error, request_id);
    };
    let params_text = match (incoming.query.is_empty(), incoming.body.is_empty(), operation.method) {
        (_, _, "GET" | "DELETE") => incoming.query.clone(),
        (true, _, _) => incoming.body.clone(),
        (false, true, _) => incoming.query.clone(),
        (false, false, _) => format!("{}&{}", incoming.query, incoming.body),
    };
    let key = incoming.idempotency_key.clone().filter(|_| operation.method == "POST");
    let fingerprint = form::fingerprint(&params_text);
    if let Some(key) = &key {
        if let Some(saved) = shared.lock().idempotency.get(key) {
            return replay(saved, key, incoming, &fingerprint, request_id);
        }
    }
    let shape = if operation.method == "POST" { operation.body } else { operation.query };
    let params = form::parse(&params_text).and_then(|given| match shape {
        Some(shape) => validate::params(shape, given),
        None if given.is_empty() => Ok(Default::default()),
        None => Err(StripeError::coded(
            "parameter_unknown",
            Some(&given[0].0),
            format!("Received unknown parameter: {}", given[0].0),
        )),
    });
    let params = match params {
        Ok(params) => params,
        Err(error) => return Answer::error(&error, request_id),
    };
    let cause = Cause { request_id: Some(request_id.to_string()), idempotency_key: key.clone() };
    let call = Call { operation, path_params, params, base_url: &shared.base_url, cause };
    let mut state = shared.lock();
    let answer = match api::handle(&mut state, call) {
        Ok(body) => Answer::ok(body),
        Err(error) => Answer::error(&error, request_id),
    };
    if let Some(key) = key.filter(|_| answer.status < 500) {
        let saved = Saved {
            method: incoming.method.clone(),
            path: incoming.path.clone(),
            params: fingerprint,
            status: answer.status,
            body: answer.body.clone(),
            request_id: request_id.to_string(),
        };
        state.idempotency.insert(key.clone(), saved);
        return Answer { headers: vec![("Idempotency-Key", key)], ..answer };
    }
    answer
}

/// A second request with a saved key: the first answer again, or Stripe's `idempotency_error`.
fn replay(saved: &Saved, key: &str, incoming: &Received, fingerprint: &[(String, String)], request_id: &str) -> Answer {
    if saved.method != incoming.method || saved.path != incoming.path || saved.params != fingerprint {
        let error = StripeError {
            kind: "idempotency_error",
            ..StripeError::invalid(None, format!("Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request."))
        };
        return Answer::error(&error, request_id);
    }
    Answer {
        status: saved.status,
        body: saved.body.clone(),
        headers: vec![
            ("Idempotent-Replayed", "true".to_string()),
            ("Original-Request", saved.request_id.clone()),
            ("Idempotency-Key", key.to_string()),
        ],
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
                values.push(percent_decode_str(got).decode_utf8_lossy().into_owned());
            } else if want != got {
                return None;
            }
        }
        Some((op, values))
    })
}
