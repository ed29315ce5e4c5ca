//! Stripe's error responses: `{"error": {type, code, param, message, doc_url, request_log_url}}`.

use std::fmt;

use serde_json::{json, Value};

/// An error the fake answers with, as Stripe would.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripeError {
    pub status: u16,
    /// `invalid_request_error`, `idempotency_error`, `api_error`…
    pub kind: &'static str,
    pub code: Option<&'static str>,
    pub param: Option<String>,
    pub message: String,
}

impl StripeError {
    /// A 400 `invalid_request_error` without a code (a bad value or type).
    pub fn invalid(param: Option<&str>, message: String) -> StripeError {
        StripeError {
            status: 400,
            kind: "invalid_request_error",
            code: None,
            param: param.map(str::to_string),
            message,
        }
    }

    /// A 400 `invalid_request_error` with a code.
    pub fn coded(code: &'static str, param: Option<&str>, message: String) -> StripeError {
        StripeError { code: Some(code), ..StripeError::invalid(param, message) }
    }

    /// Stripe's 404 for an id it does not hold.
    pub fn no_such(object: &str, id: &str, param: &str) -> StripeError {
        let object = object.rsplit('.').next().unwrap_or(object).replace('_', "");
        StripeError {
            status: 404,
            ..StripeError::coded("resource_missing", Some(param), format!("No such {object}: '{id}'"))
        }
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
