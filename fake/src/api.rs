//! One handler per operation of the spec, by `operationId`; an operation a newer spec adds and
//! the fake does not know answers Stripe's `api_error` naming it (a test keeps the two in step).

use serde_json::{Map, Value};

use crate::error::StripeError;
use crate::list;
use crate::state::{Cause, State};
use crate::table::Operation;
use crate::{objects, sensitive};

/// The operations the fake implements.
pub const IMPLEMENTED: [&str; 8] = [
    "GetIdentityVerificationReports",
    "GetIdentityVerificationReportsReport",
    "GetIdentityVerificationSessions",
    "PostIdentityVerificationSessions",
    "GetIdentityVerificationSessionsSession",
    "PostIdentityVerificationSessionsSession",
    "PostIdentityVerificationSessionsSessionCancel",
    "PostIdentityVerificationSessionsSessionRedact",
];

/// A request that passed routing and validation.
pub struct Call<'a> {
    pub operation: &'static Operation,
    /// The path's placeholders, decoded, in order.
    pub path_params: Vec<String>,
    pub params: Map<String, Value>,
    /// The fake's own URL, for session URLs.
    pub base_url: &'a str,
    pub cause: Cause,
}

/// Runs the call and applies `expand`.
/// The `expand[]` paths of the parameters.
fn expand_paths(params: &Map<String, Value>) -> Vec<String> {
    match params.get("expand") {
        Some(Value::Array(paths)) => paths.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        _ => Vec::new(),
    }
}

/// The checks beyond the parameter tables, made before anything runs (so a refused request
/// claims no idempotency key): `expand[]` paths, and a create's `type` or `verification_flow`
/// (the spec cannot say "one of these two"; Stripe asks for `type`).
pub fn precheck(operation: &Operation, params: &Map<String, Value>) -> Result<(), StripeError> {
    if let Some(path) = expand_paths(params).iter().find(|path| !objects::can_expand(operation.response, path)) {
        return Err(StripeError::invalid(Some("expand"), format!("This property cannot be expanded ({path}).")));
    }
    if operation.id == "PostIdentityVerificationSessions"
        && !params.contains_key("type")
        && !params.contains_key("verification_flow")
    {
        return Err(StripeError::coded("parameter_missing", Some("type"), "Missing required param: type.".into()));
    }
    Ok(())
}

pub fn handle(state: &mut State, call: Call) -> Result<Value, StripeError> {
    let expand = expand_paths(&call.params);
    let mut object = dispatch(state, call)?;
    for path in &expand {
        objects::expand(&mut object, path, &|id| state.get(id).cloned());
    }
    sensitive::hide_unexpanded(&mut object, "", &expand);
    Ok(object)
}

fn dispatch(state: &mut State, call: Call) -> Result<Value, StripeError> {
    let id = call.path_params.first().map(String::as_str).unwrap_or_default();
    let path = call.operation.path;
    match call.operation.id {
        "GetIdentityVerificationReports" => list::page(state, "identity.verification_report", path, &call.params),
        "GetIdentityVerificationReportsReport" => state.report(id),
        "GetIdentityVerificationSessions" => list::page(state, "identity.verification_session", path, &call.params),
        "PostIdentityVerificationSessions" => state.create_session(call.params, call.base_url, &call.cause),
        "GetIdentityVerificationSessionsSession" => state.session(id),
        "PostIdentityVerificationSessionsSession" => state.update_session(id, call.params),
        "PostIdentityVerificationSessionsSessionCancel" => state.cancel_session(id, &call.cause),
        "PostIdentityVerificationSessionsSessionRedact" => state.redact_session(id, &call.cause),
        other => Err(StripeError {
            status: 500,
            kind: "api_error",
            code: None,
            param: None,
            message: format!("The fake does not implement {other} yet."),
        }),
    }
}
