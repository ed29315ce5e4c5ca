//! Stripe's idempotency keys on POSTs: the same key (per account) with the same method, path
//! and parameters replays the first answer with `Idempotent-Replayed: true`; with anything else
//! it is a 400 `idempotency_error`. What a saved answer holds, the key's own checks, and the
//! replay; the state keeps the saved answers (24 hours on the fake's clock).

use std::hash::{Hash, Hasher};

use serde_json::Value;

use crate::answer::{Answer, StripeError};
use crate::limits::MAX_IDEMPOTENCY_KEY;

/// An answer kept for an idempotency key.
#[derive(Clone)]
pub struct Saved {
    pub method: String,
    pub path: String,
    /// A hash of the validated parameters (`a[]=` and `a[0]=`, or keys in another order, hash
    /// the same): the values themselves, personal data, are not kept.
    pub params: u64,
    pub status: u16,
    pub body: Value,
    pub request_id: String,
    /// When it was saved, on the fake's clock: it expires a day later.
    pub saved_at: i64,
}

/// The request it answers and its status; the body (secrets, personal data) is left out.
impl std::fmt::Debug for Saved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Saved")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .finish_non_exhaustive()
    }
}

impl Saved {
    /// The saved answer replayed for `key`, or Stripe's error when this request differs from
    /// the one that first used it.
    pub fn replay(&self, key: &str, method: &str, path: &str, params: u64, request_id: &str) -> Answer {
        if self.method != method || self.path != path || self.params != params {
            let error = StripeError::idempotency(format!("Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request."));
            return Answer::error(&error, request_id);
        }
        Answer { status: self.status, body: self.body.clone(), text: None, headers: Vec::new() }
            .header("Idempotent-Replayed", "true")
            .header("Original-Request", self.request_id.clone())
            .header("Idempotency-Key", key)
    }
}

/// The `Idempotency-Key` header's value, checked as Stripe checks it: UTF-8, 1–255 characters
/// (Stripe's message, as it answers a key of the wrong length).
pub fn key(header: &[u8]) -> Result<String, StripeError> {
    let key = std::str::from_utf8(header)
        .map_err(|_| StripeError::invalid(None, "The Idempotency-Key header must be UTF-8 text."))?;
    let length = key.chars().count();
    if length == 0 || length > MAX_IDEMPOTENCY_KEY {
        return Err(StripeError::invalid(None, format!("Idempotent key length is {length}, which is outside accepted lengths. Idempotent Keys must be 1-{MAX_IDEMPOTENCY_KEY} characters long. If you're looking for a decent generator, try using a UUID defined by IETF RFC 4122.")));
    }
    Ok(key.to_string())
}

/// The hash `Saved::params` holds.
pub fn fingerprint(params: &Value) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    params.to_string().hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::key;

    #[test]
    fn keys_are_utf8_and_1_to_255_characters() {
        assert_eq!(key(b"abc").unwrap(), "abc");
        assert!(key("é".repeat(255).as_bytes()).is_ok(), "characters, not bytes");
        let long = key("k".repeat(256).as_bytes()).unwrap_err();
        assert!(long.message.starts_with("Idempotent key length is 256"), "{long}");
        assert!(key(b"").is_err());
        assert!(key(&[0xff, 0xfe]).unwrap_err().message.contains("UTF-8"));
    }
}
