//! Stripe webhooks: verify the `Stripe-Signature` header, then decode the event.
//!
//! Stripe reports a session's outcome asynchronously: `identity.verification_session.verified`,
//! `requires_input`, and so on. Verify every delivery before trusting it:
//!
//! ```no_run
//! use stripe_identity::webhook::{self, EventObject};
//! use stripe_identity::EventType;
//!
//! # fn handle(body: &[u8], signature_header: &str) -> Result<(), webhook::WebhookError> {
//! let event = webhook::construct_event(body, signature_header, "whsec_...")?;
//! if let (EventType::IdentityVerificationSessionVerified, EventObject::VerificationSession(session)) =
//!     (&event.type_, &event.data.object)
//! {
//!     println!("{} is verified", session.id);
//! }
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ring::hmac;
use serde::Deserialize;

use crate::error::redact_serde_message;
use crate::{EventType, Redacted, Timestamp, VerificationSession};

/// How far a signature's timestamp may be from now, as in Stripe's SDKs.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// The `object` value of a VerificationSession.
const SESSION_OBJECT: &str = "identity.verification_session";

/// A verified webhook event.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Event {
    /// `evt_…`
    pub id: String,
    /// What happened; types this version of the spec does not list are kept as sent.
    #[serde(rename = "type")]
    pub type_: EventType,
    pub created: Timestamp,
    pub livemode: bool,
    /// The API version the event's object is rendered in (`None` for some older accounts).
    pub api_version: Option<String>,
    pub data: EventData,
    /// How many deliveries of this event are still pending.
    pub pending_webhooks: Option<i64>,
    /// The API request that caused the event, if one did.
    pub request: Option<EventRequest>,
}

/// The object an event is about, and what changed.
#[derive(Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct EventData {
    pub object: EventObject,
    /// The previous values of the fields that changed (`*.updated` events); may hold personal
    /// data, so `Debug` shows only whether it is there.
    pub previous_attributes: Option<serde_json::Value>,
}

/// The event's object: a VerificationSession, decoded, or any other object kept as JSON.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub enum EventObject {
    VerificationSession(Box<VerificationSession>),
    /// Another kind of object, or a session this version cannot decode; `Debug` shows only its
    /// `object` and `id`.
    Other(serde_json::Value),
}

/// The request behind an event.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct EventRequest {
    pub id: Option<String>,
    pub idempotency_key: Option<String>,
}

impl fmt::Debug for EventData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventData")
            .field("object", &self.object)
            .field("previous_attributes", &self.previous_attributes.as_ref().map(|_| Redacted))
            .finish()
    }
}

impl fmt::Debug for EventObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventObject::VerificationSession(session) => f.debug_tuple("VerificationSession").field(session).finish(),
            EventObject::Other(value) => f
                .debug_struct("Other")
                .field("object", &value.get("object").and_then(serde_json::Value::as_str))
                .field("id", &value.get("id").and_then(serde_json::Value::as_str))
                .finish_non_exhaustive(),
        }
    }
}

/// Why a delivery was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookError {
    /// The `Stripe-Signature` header is not `t=…,v1=…`.
    MalformedHeader(&'static str),
    /// No `v1` signature matches the payload and secret.
    NoMatchingSignature,
    /// The signature is valid but its timestamp is too far from now (a replay, or a clock off).
    TimestampOutsideTolerance { timestamp: i64, tolerance: Duration },
    /// The payload is signed but is not an event this crate can read.
    InvalidPayload(String),
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookError::MalformedHeader(why) => write!(f, "malformed Stripe-Signature header: {why}"),
            WebhookError::NoMatchingSignature => f.write_str("no signature in the Stripe-Signature header matches"),
            WebhookError::TimestampOutsideTolerance { timestamp, tolerance } => {
                write!(f, "the signature's timestamp {timestamp} is more than {}s from now", tolerance.as_secs())
            }
            WebhookError::InvalidPayload(why) => write!(f, "the payload is not a Stripe event: {why}"),
        }
    }
}

impl std::error::Error for WebhookError {}

/// Verifies `signature_header` (the `Stripe-Signature` header) over the raw request body with the
/// endpoint's secret, within [`DEFAULT_TOLERANCE`] of now, and decodes the event.
pub fn construct_event(payload: &[u8], signature_header: &str, secret: &str) -> Result<Event, WebhookError> {
    construct_event_with_tolerance(payload, signature_header, secret, DEFAULT_TOLERANCE)
}

/// [`construct_event`] with another tolerance for the signature's age.
pub fn construct_event_with_tolerance(
    payload: &[u8],
    signature_header: &str,
    secret: &str,
    tolerance: Duration,
) -> Result<Event, WebhookError> {
    verify_with_tolerance(payload, signature_header, secret, tolerance)?;
    decode(payload)
}

/// Verifies the signature as [`construct_event`] does and returns the payload as it came,
/// without decoding it: for handlers that queue the raw event first and decode it later.
pub fn verify<'p>(payload: &'p [u8], signature_header: &str, secret: &str) -> Result<&'p [u8], WebhookError> {
    verify_with_tolerance(payload, signature_header, secret, DEFAULT_TOLERANCE)
}

/// [`verify`] with another tolerance for the signature's age.
pub fn verify_with_tolerance<'p>(
    payload: &'p [u8],
    signature_header: &str,
    secret: &str,
    tolerance: Duration,
) -> Result<&'p [u8], WebhookError> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    check(payload, signature_header, secret, tolerance, now)?;
    Ok(payload)
}

/// Decodes a payload [`verify`] accepted (a queued one, say), as [`construct_event`] would.
pub fn decode_event(payload: &[u8]) -> Result<Event, WebhookError> {
    decode(payload)
}

impl Event {
    /// The event's `api_version` when it is not [`API_VERSION`](crate::API_VERSION), the one
    /// this crate was generated for: its object may carry fields this crate does not know or
    /// lack ones it expects (a session that then fails to decode stays [`EventObject::Other`]).
    /// Stripe renders events in the endpoint's API version, so this says the endpoint and the
    /// crate disagree.
    pub fn api_version_mismatch(&self) -> Option<&str> {
        self.api_version.as_deref().filter(|version| *version != crate::API_VERSION)
    }
}

/// A valid `Stripe-Signature` value for `payload`, to test a webhook handler.
pub fn sign(payload: &[u8], secret: &str, timestamp: i64) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let tag = hmac::sign(&key, &signed_content(payload, timestamp));
    let hex: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("t={timestamp},v1={hex}")
}

/// `{timestamp}.{payload}`: what Stripe signs.
fn signed_content(payload: &[u8], timestamp: i64) -> Vec<u8> {
    let mut content = format!("{timestamp}.").into_bytes();
    content.extend_from_slice(payload);
    content
}

/// Checks the header at time `now` (seconds since the epoch).
fn check(payload: &[u8], header: &str, secret: &str, tolerance: Duration, now: i64) -> Result<(), WebhookError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for item in header.split(',') {
        let (key, value) = item.trim().split_once('=').ok_or(WebhookError::MalformedHeader("an item without `=`"))?;
        match key {
            "t" => {
                timestamp =
                    Some(value.parse::<i64>().map_err(|_| WebhookError::MalformedHeader("`t` is not a number"))?)
            }
            "v1" => signatures.push(value),
            _ => {} // `v0` (test-mode legacy) and schemes Stripe may add are not ours to check.
        }
    }
    let timestamp = timestamp.ok_or(WebhookError::MalformedHeader("no `t=` timestamp"))?;
    if signatures.is_empty() {
        return Err(WebhookError::MalformedHeader("no `v1=` signature"));
    }
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let content = signed_content(payload, timestamp);
    // `hmac::verify` compares in constant time; a signature that is not hex matches nothing.
    let matches = signatures.iter().filter_map(|s| decode_hex(s)).any(|s| hmac::verify(&key, &content, &s).is_ok());
    if !matches {
        return Err(WebhookError::NoMatchingSignature);
    }
    if now.abs_diff(timestamp) > tolerance.as_secs() {
        return Err(WebhookError::TimestampOutsideTolerance { timestamp, tolerance });
    }
    Ok(())
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

fn decode(payload: &[u8]) -> Result<Event, WebhookError> {
    serde_json::from_slice(payload).map_err(|e| WebhookError::InvalidPayload(redact_serde_message(&e.to_string())))
}

impl<'de> Deserialize<'de> for EventObject {
    /// A session when `object` says so and it decodes; anything else stays JSON. A session this
    /// version cannot read (another API version, say) is still a genuine delivery: refusing it
    /// would make Stripe retry it for days.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let object = serde_json::Value::deserialize(deserializer)?;
        if object.get("object").and_then(serde_json::Value::as_str) == Some(SESSION_OBJECT) {
            // Decoded from its text by the client's own decoder, so the session's `Deserialize`
            // is compiled for one reader, not a second time for `&Value`.
            let text = serde_json::to_vec(&object).map_err(serde::de::Error::custom)?;
            if let Ok(session) = crate::de::from_body::<VerificationSession>(&text) {
                return Ok(EventObject::VerificationSession(Box::new(session)));
            }
        }
        Ok(EventObject::Other(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";
    const NOW: i64 = 1_700_000_000;

    #[test]
    fn a_signature_made_by_sign_verifies() {
        let header = sign(b"{}", SECRET, NOW);
        assert!(header.starts_with(&format!("t={NOW},v1=")));
        assert_eq!(check(b"{}", &header, SECRET, DEFAULT_TOLERANCE, NOW), Ok(()));
    }

    #[test]
    fn the_signature_is_hmac_sha256_of_timestamp_dot_payload() {
        // Computed independently (Python: hmac.new(secret, b"1700000000.{}", sha256).hexdigest()).
        let header = sign(b"{}", SECRET, NOW);
        assert_eq!(header, "t=1700000000,v1=ceb8863f7208fa249a6cd8f951e993c7563412aca65866f6272283debe143ab3");
    }

    #[test]
    fn any_v1_may_match_while_a_secret_rolls() {
        let good = sign(b"{}", SECRET, NOW);
        let other = sign(b"{}", "whsec_old", NOW);
        let (_, good_sig) = good.split_once(",v1=").unwrap();
        let header = format!("{other},v1={good_sig},v0=deadbeef");
        assert_eq!(check(b"{}", &header, SECRET, DEFAULT_TOLERANCE, NOW), Ok(()));
    }

    #[test]
    fn each_failure_is_told_apart() {
        let header = sign(b"{}", SECRET, NOW);
        assert_eq!(check(b"{ }", &header, SECRET, DEFAULT_TOLERANCE, NOW), Err(WebhookError::NoMatchingSignature));
        assert_eq!(
            check(b"{}", &header, "whsec_wrong", DEFAULT_TOLERANCE, NOW),
            Err(WebhookError::NoMatchingSignature)
        );
        let late = check(b"{}", &header, SECRET, DEFAULT_TOLERANCE, NOW + 301);
        assert!(matches!(late, Err(WebhookError::TimestampOutsideTolerance { timestamp: NOW, .. })), "{late:?}");
        assert_eq!(check(b"{}", &header, SECRET, Duration::from_secs(400), NOW + 301), Ok(()));
        for malformed in ["", "v1=abc", "t=abc,v1=00", "t=1", "garbage"] {
            let result = check(b"{}", malformed, SECRET, DEFAULT_TOLERANCE, NOW);
            assert!(matches!(result, Err(WebhookError::MalformedHeader(_))), "{malformed}: {result:?}");
        }
        assert_eq!(
            check(b"{}", &format!("t={NOW},v1=zz"), SECRET, DEFAULT_TOLERANCE, NOW),
            Err(WebhookError::NoMatchingSignature)
        );
    }
}
