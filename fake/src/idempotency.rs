//! Stripe's idempotency keys on POSTs: the same key (per account) with the same method, path
//! and parameters replays the first answer with `Idempotent-Replayed: true`; with anything else
//! it is a 400 `idempotency_error`. Answers are saved once the request passed validation and
//! did not fail on the server's side (a 5xx may be retried with the same key).

use std::hash::{Hash, Hasher};

use serde_json::Value;

use crate::error::StripeError;
use crate::server::Answer;
use crate::state::State;

/// A reply kept for an idempotency key.
#[derive(Clone, Debug)]
pub struct Saved {
    pub method: String,
    pub path: String,
    /// A hash of the validated parameters (`a[]=` and `a[0]=`, or keys in another order, hash
    /// the same): the values themselves, personal data, are not kept.
    pub params: u64,
    pub status: u16,
    pub body: Value,
    pub request_id: String,
}

/// A key as Stripe scopes it: per account (`Stripe-Account`, or the key's own account).
pub type Scoped = (String, String);

/// The saved answer for `key`, replayed, or Stripe's error when the request differs from the
/// one that first used it; `None` when the key is new.
pub fn replay(state: &State, key: &Scoped, method: &str, path: &str, params: u64, request_id: &str) -> Option<Answer> {
    let saved = state.idempotency.get(key)?;
    if saved.method != method || saved.path != path || saved.params != params {
        let error = StripeError {
            kind: "idempotency_error",
            ..StripeError::invalid(None, format!("Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{}' if you meant to execute a different request.", key.1))
        };
        return Some(Answer::error(&error, request_id));
    }
    Some(Answer {
        status: saved.status,
        body: saved.body.clone(),
        headers: vec![
            ("Idempotent-Replayed", "true".to_string()),
            ("Original-Request", saved.request_id.clone()),
            ("Idempotency-Key", key.1.clone()),
        ],
    })
}

/// The hash `Saved::params` holds.
pub fn fingerprint(params: &Value) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    params.to_string().hash(&mut hasher);
    hasher.finish()
}

/// Keeps `answer` for `key` unless the server failed, and echoes the key.
pub fn save(state: &mut State, key: Scoped, saved: Saved, answer: Answer) -> Answer {
    if answer.status >= 500 {
        return answer;
    }
    let echoed = key.1.clone();
    state.idempotency.insert(key, Saved { status: answer.status, body: answer.body.clone(), ..saved });
    Answer { headers: vec![("Idempotency-Key", echoed)], ..answer }
}
