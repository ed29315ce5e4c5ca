//! The one error type every call returns, and Stripe's error body.

use std::fmt;

use serde::Deserialize;

use crate::form::FormError;
use crate::retry;

/// Why a call failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Stripe answered with an error (4xx/5xx and a Stripe error body).
    Api(Box<ApiError>),
    /// The request never got an answer: connection refused, TLS, timeout. The URL is left out
    /// (a query can carry personal data).
    Transport(reqwest::Error),
    /// An answer came that this crate cannot read: not JSON, or not the shape the spec promises.
    Decode(Box<DecodeError>),
    /// The parameters could not be form-encoded.
    Encode(FormError),
    /// The client or the call is misconfigured (a secret key a header cannot carry, no TLS
    /// backend, an idempotency key that is empty or too long); nothing was sent.
    Config(String),
    /// A redirect (3xx), which Stripe's API never sends: it is not followed, since it could
    /// lead the key or the body anywhere.
    Redirect {
        /// The HTTP status.
        status: u16,
        /// The `Request-Id` response header, if any.
        request_id: Option<String>,
    },
    /// The response body was larger than [`ClientBuilder::max_response_bytes`]; reading
    /// stopped at the limit.
    ///
    /// [`ClientBuilder::max_response_bytes`]: crate::ClientBuilder::max_response_bytes
    BodyTooLarge {
        /// The HTTP status.
        status: u16,
        /// The `Request-Id` response header, if any.
        request_id: Option<String>,
        /// The limit in bytes.
        limit: usize,
    },
}

impl Error {
    /// Stripe's error, when Stripe answered with one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// Whether trying again later may succeed, by the official SDKs' rule: Stripe's
    /// `Stripe-Should-Retry` when it sent one, else 409, 500 and 503, connection failures and
    /// timeouts. (The client already retried this call as often as it was told to.)
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => e.stripe_should_retry.unwrap_or_else(|| retry::is_retryable_status(e.status)),
            Error::Decode(e) => retry::is_retryable_status(e.status),
            Error::Transport(e) => retry::is_retryable_transport(e),
            Error::Encode(_) | Error::Config(_) | Error::Redirect { .. } | Error::BodyTooLarge { .. } => false,
        }
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::Transport(e) => e.status().map(|s| s.as_u16()),
            Error::Redirect { status, .. } | Error::BodyTooLarge { status, .. } => Some(*status),
            Error::Encode(_) | Error::Config(_) => None,
        }
    }

    /// Stripe's `Request-Id`, to quote to Stripe support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            Error::Decode(e) => e.request_id.as_deref(),
            Error::Redirect { request_id, .. } | Error::BodyTooLarge { request_id, .. } => request_id.as_deref(),
            Error::Transport(_) | Error::Encode(_) | Error::Config(_) => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => e.fmt(f),
            Error::Transport(e) => write!(f, "request to Stripe failed: {e}"),
            Error::Decode(e) => e.fmt(f),
            Error::Encode(e) => e.fmt(f),
            Error::Config(reason) => write!(f, "Stripe client misconfigured: {reason}"),
            Error::Redirect { status, request_id } => {
                write!(
                    f,
                    "the server answered with a redirect (HTTP {status}), which Stripe never sends; not followed"
                )?;
                request_id_suffix(f, request_id)
            }
            Error::BodyTooLarge { status, request_id, limit } => {
                write!(f, "the response (HTTP {status}) is larger than the {limit}-byte limit; not read further")?;
                request_id_suffix(f, request_id)
            }
        }
    }
}

fn request_id_suffix(f: &mut fmt::Formatter<'_>, request_id: &Option<String>) -> fmt::Result {
    match request_id {
        Some(id) => write!(f, " (request {})", crate::message::bounded(id)),
        None => Ok(()),
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(e),
            Error::Encode(e) => Some(e),
            Error::Api(_)
            | Error::Decode(_)
            | Error::Config(_)
            | Error::Redirect { .. }
            | Error::BodyTooLarge { .. } => None,
        }
    }
}

impl From<FormError> for Error {
    fn from(e: FormError) -> Self {
        Error::Encode(e)
    }
}

/// An error Stripe reported: the response's status and headers, and Stripe's error object.
///
/// `Display` and `Debug` show Stripe's `message` with every value it quotes back from the
/// request (ids, emails, keys, numbers) replaced by `[redacted]`, and bounded in length (the rule
/// is in [`ErrorBody::shown_message`]); the field holds it as sent, to read where that is safe.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// The `Request-Id` response header.
    pub request_id: Option<String>,
    /// Stripe's `Stripe-Should-Retry` header, when it sent one.
    pub stripe_should_retry: Option<bool>,
    /// Stripe's error object: its type, code, message, param.
    pub error: ErrorBody,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bounded = crate::message::bounded;
        let error = &self.error;
        write!(f, "Stripe error {} (HTTP {}", bounded(error.error_type.as_str()), self.status)?;
        if let Some(code) = &error.code {
            write!(f, ", code {}", bounded(code))?;
        }
        if let Some(param) = &error.param {
            // A parameter path can hold a value too (`metadata[jenny@example.com]`).
            write!(f, ", param {}", crate::message::shown(param, None))?;
        }
        if let Some(id) = &self.request_id {
            write!(f, ", request {}", bounded(id))?;
        }
        write!(f, ")")?;
        match error.shown_message() {
            Some(message) => write!(f, ": {message}"),
            None => Ok(()),
        }
    }
}

/// Stripe's error `type`; values this crate does not know are kept, and a body without one
/// reads as `api_error`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum ApiErrorType {
    /// `api_error`: a problem on Stripe's side.
    #[default]
    ApiError,
    /// `card_error`: the card was declined or is invalid.
    CardError,
    /// `idempotency_error`: an idempotency key was reused with other parameters.
    IdempotencyError,
    /// `invalid_request_error`: the request's parameters are wrong.
    InvalidRequestError,
    /// A type this version does not know, kept as sent.
    Unrecognized(String),
}

impl ApiErrorType {
    /// The value on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            ApiErrorType::ApiError => "api_error",
            ApiErrorType::CardError => "card_error",
            ApiErrorType::IdempotencyError => "idempotency_error",
            ApiErrorType::InvalidRequestError => "invalid_request_error",
            ApiErrorType::Unrecognized(other) => other,
        }
    }
}

impl From<&str> for ApiErrorType {
    fn from(value: &str) -> Self {
        match value {
            "api_error" => ApiErrorType::ApiError,
            "card_error" => ApiErrorType::CardError,
            "idempotency_error" => ApiErrorType::IdempotencyError,
            "invalid_request_error" => ApiErrorType::InvalidRequestError,
            other => ApiErrorType::Unrecognized(other.to_string()),
        }
    }
}

impl<'de> Deserialize<'de> for ApiErrorType {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // `null` or absent reads as `api_error`, as the field's default says.
        let value = Option::<String>::deserialize(deserializer)?;
        Ok(value.as_deref().map_or(ApiErrorType::ApiError, ApiErrorType::from))
    }
}

impl fmt::Display for ApiErrorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The body of a Stripe error response (the spec's `error` schema).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ErrorResponse {
    /// The error itself.
    pub error: ErrorBody,
}

/// The `error` object of an error response (the spec's `api_errors`, the fields a caller acts
/// on). `Debug` shows the message and the param without the values they quote back.
#[derive(Clone, Default, PartialEq, Deserialize)]
pub struct ErrorBody {
    /// The kind of error.
    #[serde(rename = "type", default)]
    pub error_type: ApiErrorType,
    /// A short code such as `resource_missing`.
    pub code: Option<String>,
    /// For card errors, the issuer's reason.
    pub decline_code: Option<String>,
    /// A human-readable message.
    pub message: Option<String>,
    /// The parameter the error is about.
    pub param: Option<String>,
    /// A link to the error code's documentation.
    pub doc_url: Option<String>,
}

impl ErrorBody {
    /// Stripe's message as `Display` shows it: Stripe's words, without what it quotes back.
    ///
    /// Quoted spans (`'…'`, `"…"`), ids, emails, phone numbers, keys, links other than to
    /// Stripe's docs, and the value after `Invalid integer: ` (and Stripe's other value kinds)
    /// become `[redacted]`; backticked parameter and enum names, counts and limits stay. At most
    /// 500 characters. The whole rule is in the crate's `message` module.
    pub fn shown_message(&self) -> Option<String> {
        self.message.as_deref().map(|message| crate::message::shown(message, self.param.as_deref()))
    }
}

impl fmt::Debug for ErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let error_type = match &self.error_type {
            ApiErrorType::Unrecognized(other) => ApiErrorType::Unrecognized(crate::message::bounded(other).to_string()),
            known => known.clone(),
        };
        f.debug_struct("ErrorBody")
            .field("error_type", &error_type)
            .field("code", &self.code.as_deref().map(crate::message::bounded))
            .field("decline_code", &self.decline_code.as_deref().map(crate::message::bounded))
            .field("message", &self.shown_message())
            .field("param", &self.param.as_deref().map(|p| crate::message::shown(p, None)))
            .field("doc_url", &self.doc_url.as_deref().map(crate::message::bounded))
            .finish()
    }
}

/// How much of an undecodable body is kept.
const BODY_EXCERPT_BYTES: usize = 2048;

/// A response that could not be decoded.
///
/// The body may hold personal data, so neither `Display` nor `Debug` print it: read it with
/// [`DecodeError::body_excerpt`] where you know it is safe to.
#[derive(Clone, PartialEq)]
pub struct DecodeError {
    /// The HTTP status.
    pub status: u16,
    /// The `Request-Id` response header.
    pub request_id: Option<String>,
    /// Where in the body decoding failed, as a serde path (`data[0].created`); `.` for the top.
    pub path: String,
    /// What was wrong, with the offending values left out.
    pub reason: String,
    body_excerpt: String,
    body_len: usize,
}

impl DecodeError {
    pub(crate) fn new(status: u16, request_id: Option<String>, path: String, reason: String, body: &[u8]) -> Self {
        let text = String::from_utf8_lossy(body);
        let mut end = text.len().min(BODY_EXCERPT_BYTES);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        DecodeError { status, request_id, path, reason, body_excerpt: text[..end].to_string(), body_len: body.len() }
    }

    /// The first 2 KiB of the body (lossily decoded as UTF-8). It may contain personal data.
    pub fn body_excerpt(&self) -> &str {
        &self.body_excerpt
    }

    /// The length of the whole body in bytes.
    pub fn body_len(&self) -> usize {
        self.body_len
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("path", &self.path)
            .field("reason", &self.reason)
            .field("body_len", &self.body_len)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot decode Stripe's response (HTTP {}", self.status)?;
        if let Some(id) = &self.request_id {
            write!(f, ", request {id}")?;
        }
        write!(f, ") at `{}`: {}", self.path, self.reason)
    }
}

/// A serde_json message without the values it quotes: `invalid type: string "Jane", expected
/// i64` becomes `invalid type: string, expected i64`, so names and numbers never reach a log.
pub(crate) fn redact_serde_message(message: &str) -> String {
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(prefix) {
            if let Some((unexpected, expected)) = rest.split_once(", expected ") {
                let kind = unexpected.split([' ', '`', '"']).next().unwrap_or("value");
                return format!("{prefix}{kind}, expected {expected}");
            }
        }
    }
    if message.starts_with("expected value") || message.starts_with("EOF") || message.starts_with("missing field") {
        return message.to_string();
    }
    // Other messages may quote input too; keep only their first clause.
    message.split([':', '`', '"']).next().unwrap_or(message).trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::{redact_serde_message, ApiErrorType, ErrorResponse};

    #[test]
    fn an_error_type_that_is_null_absent_or_new_still_reads() {
        let read = |body: &str| serde_json::from_str::<ErrorResponse>(body).unwrap().error.error_type;
        assert_eq!(read(r#"{"error":{"type":null,"message":"x"}}"#), ApiErrorType::ApiError);
        assert_eq!(read(r#"{"error":{"message":"x"}}"#), ApiErrorType::ApiError);
        assert_eq!(read(r#"{"error":{"type":"card_error"}}"#), ApiErrorType::CardError);
        assert_eq!(read(r#"{"error":{"type":"new_kind"}}"#), ApiErrorType::Unrecognized("new_kind".into()));
    }

    #[test]
    fn serde_messages_lose_the_values_they_quote() {
        assert_eq!(
            redact_serde_message("invalid type: string \"Jane Doe\", expected i64 at line 1 column 9"),
            "invalid type: string, expected i64 at line 1 column 9"
        );
        assert_eq!(
            redact_serde_message("invalid type: integer `1990`, expected a string"),
            "invalid type: integer, expected a string"
        );
        assert_eq!(
            redact_serde_message("missing field `id` at line 1 column 2"),
            "missing field `id` at line 1 column 2"
        );
        assert_eq!(redact_serde_message("unknown variant `secret`, expected one of"), "unknown variant");
    }
}
