//! The fake's own routes, under `/_fake/`, so curl and other languages' SDKs can drive what
//! Rust tests drive with `FakeStripe`'s methods (no key needed):
//!
//! - `POST /_fake/verification_sessions/{id}/process`, `…/verify`, `…/fail?code=…`
//! - `POST /_fake/webhook_endpoints?url=…&secret=…`
//! - `GET /_fake/events`

use serde_json::{json, Value};

use crate::error::StripeError;
use crate::server::Answer;
use crate::state::Endpoint;
use crate::{form, Shared};

pub fn handle(shared: &Shared, method: &str, path: &str, query: &str, request_id: &str) -> Answer {
    match run(shared, method, path, query) {
        Ok(body) => Answer::ok(body),
        Err(error) => Answer::error(&error, request_id),
    }
}

fn run(shared: &Shared, method: &str, path: &str, query: &str) -> Result<Value, StripeError> {
    let params = form::fingerprint(query);
    let param = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let required = |name: &'static str| {
        param(name).ok_or_else(|| {
            StripeError::coded("parameter_missing", Some(name), format!("Missing required param: {name}."))
        })
    };
    let segments: Vec<&str> = path.split('/').collect();
    let mut state = shared.lock();
    match (method, segments.as_slice()) {
        ("POST", ["verification_sessions", id, "process"]) => state.process(id),
        ("POST", ["verification_sessions", id, "verify"]) => state.verify(id),
        ("POST", ["verification_sessions", id, "fail"]) => state.fail(id, &required("code")?),
        ("POST", ["webhook_endpoints"]) => {
            let endpoint = Endpoint { url: required("url")?, secret: required("secret")? };
            state.endpoints.push(endpoint);
            Ok(json!({ "registered": state.endpoints.len() }))
        }
        ("GET", ["events"]) => Ok(
            json!({ "object": "list", "data": state.events.iter().rev().collect::<Vec<_>>(), "has_more": false, "url": "/_fake/events" }),
        ),
        _ => Err(StripeError {
            status: 404,
            ..StripeError::coded(
                "resource_missing",
                None,
                format!("Unrecognized fake helper ({method}: /_fake/{path})."),
            )
        }),
    }
}
