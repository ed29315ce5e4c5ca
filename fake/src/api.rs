//! One handler per operation of the spec, by `operationId`; an operation a newer spec adds and
//! the fake does not know answers Stripe's `api_error` naming it (a test keeps the two in step).
//! Handlers return the object as stored: the pipeline shapes every answer once. Beside the
//! identity operations the fake serves Stripe's webhook endpoints (its build adds that path).

use serde_json::{Map, Value};

use crate::answer::StripeError;
use crate::state::{Books, Cause};
use crate::table::{Operation, CREATE_SESSION, ENDPOINT_OBJECT, REPORT_OBJECT, SESSION_OBJECT};
use crate::{endpoints, lifecycle, list, shape};

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
pub fn expand_paths(params: &Map<String, Value>) -> Vec<String> {
    match params.get("expand") {
        Some(Value::Array(paths)) => paths.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        _ => Vec::new(),
    }
}

/// The checks beyond the parameter tables, made before anything runs (so a refused request
/// claims no idempotency key): `expand[]` paths, and a create's `type` or `verification_flow`
/// (the spec cannot say "one of these two"; Stripe asks for `type`).
pub fn precheck(operation: &Operation, params: &Map<String, Value>) -> Result<(), StripeError> {
    if let Some(path) = expand_paths(params).iter().find(|path| !shape::can_expand(operation.response, path)) {
        return Err(StripeError::invalid(Some("expand"), format!("This property cannot be expanded ({path}).")));
    }
    if operation.id == CREATE_SESSION && !params.contains_key("type") && !params.contains_key("verification_flow") {
        return Err(StripeError::coded("parameter_missing", Some("type"), "Missing required param: type."));
    }
    Ok(())
}

/// Runs the call.
pub fn handle(books: &mut Books, call: Call) -> Result<Value, StripeError> {
    match handler(call.operation.id) {
        Some(run) => run(books, call),
        None => Err(StripeError::api(format!("The fake does not implement {} yet.", call.operation.id))),
    }
}

/// The id in the call's path.
fn id(call: &Call) -> String {
    call.path_params.first().cloned().unwrap_or_default()
}

/// What runs one operation.
type Handler = fn(&mut Books, Call) -> Result<Value, StripeError>;

/// The handler of an operation, by `operationId`; `None` for one the fake does not know.
pub fn handler(operation_id: &str) -> Option<Handler> {
    let handler: Handler = match operation_id {
        "GetIdentityVerificationReports" => {
            |books, call| list::page(books, REPORT_OBJECT, call.operation.path.text, &call.params)
        }
        "GetIdentityVerificationReportsReport" => |books, call| lifecycle::report(books, &id(&call)),
        "GetIdentityVerificationSessions" => {
            |books, call| list::page(books, SESSION_OBJECT, call.operation.path.text, &call.params)
        }
        "PostIdentityVerificationSessions" => {
            |books, call| lifecycle::create(books, call.params, call.base_url, &call.cause)
        }
        "GetIdentityVerificationSessionsSession" => |books, call| lifecycle::session(books, &id(&call)),
        "PostIdentityVerificationSessionsSession" => |books, call| lifecycle::update(books, &id(&call), call.params),
        "PostIdentityVerificationSessionsSessionCancel" => {
            |books, call| lifecycle::cancel(books, &id(&call), &call.cause)
        }
        "PostIdentityVerificationSessionsSessionRedact" => {
            |books, call| lifecycle::redact(books, &id(&call), &call.cause)
        }
        "GetWebhookEndpoints" => |books, call| {
            list::page(books, ENDPOINT_OBJECT, call.operation.path.text, &call.params).map(endpoints::hide_secrets)
        },
        "PostWebhookEndpoints" => |books, call| endpoints::create(books, call.params),
        "GetWebhookEndpointsWebhookEndpoint" => |books, call| endpoints::retrieve(books, &id(&call)),
        "PostWebhookEndpointsWebhookEndpoint" => |books, call| endpoints::update(books, &id(&call), call.params),
        "DeleteWebhookEndpointsWebhookEndpoint" => |books, call| endpoints::delete(books, &id(&call)),
        _ => return None,
    };
    Some(handler)
}
