//! The fake's own routes, under `/_fake/`, so curl and other languages' SDKs can drive what
//! Rust tests drive with `FakeStripe`'s methods (no key needed):
//!
//! - `POST /_fake/verification_sessions/{id}/process`, `…/verify`, `…/fail?code=…`
//! - `POST /_fake/webhook_endpoints?url=…&secret=…`
//! - `GET /_fake/events`
//! - `POST /_fake/faults?status=503&times=2[&should_retry=true]`, `?reset=true`,
//!   `?drop_response=true`, `?delay_ms=…`
//! - `POST /_fake/clock?advance=SECONDS`

use serde_json::{json, Value};

use crate::error::StripeError;
use crate::server::Answer;
use crate::state::Endpoint;
use crate::{form, sensitive, Fault, Shared};

pub fn handle(shared: &Shared, method: &str, path: &str, query: &str, request_id: &str) -> Answer {
    match run(shared, method, path, query) {
        Ok(mut body) => {
            sensitive::hide_unexpanded(&mut body, "", &[]);
            Answer::ok(body)
        }
        Err(error) => Answer::error(&error, request_id),
    }
}

fn run(shared: &Shared, method: &str, path: &str, query: &str) -> Result<Value, StripeError> {
    let params = form::pairs(query);
    let param = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let required = |name: &'static str| {
        param(name).ok_or_else(|| {
            StripeError::coded("parameter_missing", Some(name), format!("Missing required param: {name}."))
        })
    };
    let bad = |name: &str| StripeError::invalid(Some(name), format!("Invalid {name}"));
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
        ("POST", ["faults"]) => {
            let times = param("times").map_or(Ok(1), |t| t.parse::<usize>()).map_err(|_| bad("times"))?;
            let flag = |name: &str| param(name).as_deref() == Some("true");
            let fault = if let Some(status) = param("status") {
                let status =
                    status.parse::<u16>().ok().filter(|s| (400..600).contains(s)).ok_or_else(|| bad("status"))?;
                Fault::Status { status, should_retry: param("should_retry").map(|v| v == "true") }
            } else if let Some(ms) = param("delay_ms") {
                Fault::Delay(std::time::Duration::from_millis(ms.parse().map_err(|_| bad("delay_ms"))?))
            } else if flag("reset") {
                Fault::Reset
            } else if flag("drop_response") {
                Fault::DropResponse
            } else {
                return Err(bad("status"));
            };
            state.faults.extend(std::iter::repeat_n(fault, times));
            Ok(json!({ "queued": state.faults.len() }))
        }
        ("POST", ["clock"]) => {
            let seconds = required("advance")?.parse::<i64>().map_err(|_| bad("advance"))?;
            state.clock_offset += seconds;
            Ok(json!({ "now": state.now() }))
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
