//! One handler per operation of the spec, by `operationId`; an operation a newer spec adds and
//! the fake does not know answers Stripe's `api_error` naming it (a test keeps the two in step).

use serde_json::{Map, Value};

use crate::error::StripeError;
use crate::list;
use crate::state::{Cause, State, REPORT_OBJECT, SESSION_OBJECT};
use crate::table::Operation;
use crate::{objects, sensitive};

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

/// Runs the call and applies `expand`.
pub fn handle(state: &mut State, call: Call) -> Result<Value, StripeError> {
    let expand = expand_paths(&call.params);
    let Some(run) = handler(call.operation.id) else {
        let message = format!("The fake does not implement {} yet.", call.operation.id);
        return Err(StripeError { status: 500, kind: "api_error", code: None, param: None, message });
    };
    let mut object = run(state, call)?;
    for path in &expand {
        objects::expand(&mut object, path, &|id| state.get(id).cloned());
    }
    sensitive::hide_unexpanded(&mut object, "", &expand);
    Ok(object)
}

/// The id in the call's path.
fn id(call: &Call) -> String {
    call.path_params.first().cloned().unwrap_or_default()
}

/// What runs one operation.
type Handler = fn(&mut State, Call) -> Result<Value, StripeError>;

/// The handler of an operation, by `operationId`; `None` for one the fake does not know.
pub fn handler(operation_id: &str) -> Option<Handler> {
    let handler: Handler = match operation_id {
        "GetIdentityVerificationReports" => {
            |state, call| list::page(state, REPORT_OBJECT, call.operation.path, &call.params)
        }
        "GetIdentityVerificationReportsReport" => |state, call| state.report(&id(&call)),
        "GetIdentityVerificationSessions" => {
            |state, call| list::page(state, SESSION_OBJECT, call.operation.path, &call.params)
        }
        "PostIdentityVerificationSessions" => {
            |state, call| state.create_session(call.params, call.base_url, &call.cause)
        }
        "GetIdentityVerificationSessionsSession" => |state, call| state.session(&id(&call)),
        "PostIdentityVerificationSessionsSession" => |state, call| state.update_session(&id(&call), call.params),
        "PostIdentityVerificationSessionsSessionCancel" => |state, call| state.cancel_session(&id(&call), &call.cause),
        "PostIdentityVerificationSessionsSessionRedact" => |state, call| state.redact_session(&id(&call), &call.cause),
        _ => return None,
    };
    Some(handler)
}
