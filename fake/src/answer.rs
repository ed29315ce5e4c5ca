//! What the fake answers, below everything else: Stripe's error (`{"error": {type, code, param,
//! message, doc_url, request_log_url}}`) and an answer's status, JSON and extra headers.

use std::fmt;

use serde_json::{json, Value};

/// An error the fake answers with, as Stripe would.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripeError {
    pub status: u16,
    /// One of the four types Stripe documents: `invalid_request_error`, `idempotency_error`,
    /// `api_error` (and `card_error`, which Identity never sends).
    pub kind: &'static str,
    pub code: Option<&'static str>,
    pub param: Option<String>,
    pub message: String,
}

impl StripeError {
    /// A 400 `invalid_request_error` without a code (a bad value or type).
    pub fn invalid(param: Option<&str>, message: impl Into<String>) -> StripeError {
        StripeError {
            status: 400,
            kind: "invalid_request_error",
            code: None,
            param: param.map(str::to_string),
            message: message.into(),
        }
    }

    /// A 400 `invalid_request_error` with a code.
    pub fn coded(code: &'static str, param: Option<&str>, message: impl Into<String>) -> StripeError {
        StripeError { code: Some(code), ..StripeError::invalid(param, message) }
    }

    /// The same error with another HTTP status.
    pub fn with_status(self, status: u16) -> StripeError {
        StripeError { status, ..self }
    }

    /// Stripe's 404 for an id it does not hold (or that another account holds).
    pub fn no_such(object: &str, id: &str, param: &str) -> StripeError {
        let object = object.rsplit('.').next().unwrap_or(object).replace('_', "");
        StripeError::coded("resource_missing", Some(param), format!("No such {object}: '{id}'")).with_status(404)
    }

    /// Stripe's 404 for a path no operation has.
    pub fn unrecognized(method: &str, path: &str) -> StripeError {
        StripeError::coded("resource_missing", None, format!("Unrecognized request URL ({method}: {path})."))
            .with_status(404)
    }

    /// A 401: the key is missing or not one the fake accepts.
    pub fn unauthorized(message: impl Into<String>) -> StripeError {
        StripeError::invalid(None, message).with_status(401)
    }

    /// A 500 `api_error`: the fake cannot do what a valid request asked.
    pub fn api(message: impl Into<String>) -> StripeError {
        StripeError { kind: "api_error", ..StripeError::invalid(None, message).with_status(500) }
    }

    /// The 400 `idempotency_error` of a key reused with another request.
    pub fn idempotency(message: impl Into<String>) -> StripeError {
        StripeError { kind: "idempotency_error", ..StripeError::invalid(None, message) }
    }

    /// The JSON body, with the request's log URL; like Stripe, it leaves out `code`, `param`
    /// and `doc_url` when there are none.
    pub fn body(&self, request_id: &str) -> Value {
        let mut error = json!({
            "type": self.kind,
            "message": self.message,
            "request_log_url": format!("https://dashboard.stripe.com/test/logs/{request_id}"),
        });
        if let Some(code) = self.code {
            error["code"] = json!(code);
            error["doc_url"] = json!(format!("https://stripe.com/docs/error-codes/{}", code.replace('_', "-")));
        }
        if let Some(param) = &self.param {
            error["param"] = json!(param);
        }
        json!({ "error": error })
    }
}

impl fmt::Display for StripeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status, self.kind, self.message)
    }
}

impl std::error::Error for StripeError {}

/// What the server answers: a status, a JSON body (or, for the hosted page and the Stripe.js
/// stand-in, a text of another type) and headers beyond the usual ones.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
    /// A body that is not JSON: its `Content-Type` and text.
    pub text: Option<(&'static str, String)>,
    pub headers: Vec<(&'static str, String)>,
}

impl Answer {
    pub fn ok(body: Value) -> Answer {
        Answer { status: 200, body, text: None, headers: Vec::new() }
    }

    pub fn error(error: &StripeError, request_id: &str) -> Answer {
        Answer { status: error.status, body: error.body(request_id), text: None, headers: Vec::new() }
    }

    /// A page or script: `content_type` and its text.
    pub fn text(status: u16, content_type: &'static str, text: String) -> Answer {
        Answer { status, body: Value::Null, text: Some((content_type, text)), headers: Vec::new() }
    }

    /// The answer with one more header.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Answer {
        self.headers.push((name, value.into()));
        self
    }
}
