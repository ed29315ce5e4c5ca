//! A VerificationSession's life, as Stripe runs it: `requires_input` → `processing` →
//! `verified`, or back to `requires_input` with `last_error`; `canceled` from `requires_input`;
//! redaction from `requires_input`, `verified` or `canceled`. Each change records its event.
//!
//! `client_secret` and `url` are single-use, as Stripe documents them: once the user submitted
//! (`processing`) they are spent and `null`; a failed attempt returns the session to
//! `requires_input` with fresh ones ("retrieve the VerificationSession to get a fresh URL or
//! client secret", <https://docs.stripe.com/identity/how-sessions-work>); a verified, canceled or
//! redacted session has none (Stripe's cancel example shows `client_secret: null`).

use serde_json::{json, Map, Value};

use crate::answer::StripeError;
use crate::limits::METADATA_KEYS;
use crate::reports;
use crate::shape;
use crate::state::{Books, Cause};
use crate::table::{report_shape, session_shape, Shape, REPORT_OBJECT as REPORT, SESSION_OBJECT as SESSION};
use crate::validate;

fn status(session: &Value) -> &str {
    session["status"].as_str().unwrap_or_default()
}

fn redacted(session: &Value) -> bool {
    !session["redaction"].is_null()
}

/// The session `id` of this account, or Stripe's 404.
pub fn session(books: &Books, id: &str) -> Result<Value, StripeError> {
    books.get_kind(id, SESSION).cloned().ok_or_else(|| StripeError::no_such(SESSION, id, "session"))
}

/// The report `id` of this account, or Stripe's 404.
pub fn report(books: &Books, id: &str) -> Result<Value, StripeError> {
    books.get_kind(id, REPORT).cloned().ok_or_else(|| StripeError::no_such(REPORT, id, "report"))
}

/// A fresh single-use `client_secret` and `url` for the session.
fn fresh_secret(books: &mut Books, session: &mut Value, base_url: &str) {
    let id = session["id"].as_str().unwrap_or_default().to_string();
    let secret = format!("{id}_secret_{}", books.token());
    session["url"] = json!(format!("{base_url}/start/{}", secret.replace("_secret_", "_")));
    session["client_secret"] = json!(secret);
}

fn spend_secret(session: &mut Value) {
    session["client_secret"] = Value::Null;
    session["url"] = Value::Null;
}

/// `POST /v1/identity/verification_sessions`: the parameters become the session's fields
/// where the spec has a field of that name.
pub fn create(
    books: &mut Books,
    mut params: Map<String, Value>,
    base_url: &str,
    cause: &Cause,
) -> Result<Value, StripeError> {
    let id = books.id("vs");
    // Not a field of the session: the hosted page keeps it.
    let return_url = match params.remove("return_url") {
        Some(Value::String(url)) => match reqwest::Url::parse(&url) {
            Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => Some(parsed.to_string()),
            _ => {
                return Err(StripeError::invalid(
                    Some("return_url"),
                    "Invalid URL: return_url must be an http:// or https:// URL.",
                ))
            }
        },
        _ => None,
    };
    let mut fields = Map::new();
    merge(&mut fields, params)?;
    fields.extend([
        ("id".into(), json!(id)),
        ("object".into(), json!(SESSION)),
        ("created".into(), json!(books.now())),
        ("livemode".into(), json!(false)),
        ("status".into(), json!("requires_input")),
    ]);
    fields.entry("metadata").or_insert_with(|| json!({}));
    fields.entry("options").or_insert_with(|| json!({}));
    fields.entry("type").or_insert_with(|| json!("verification_flow"));
    let mut session = Value::Object(fields);
    fresh_secret(books, &mut session, base_url);
    let session = books.insert(SESSION, session_shape(), session)?;
    if let Some(url) = return_url {
        books.set_return_url(&id, url);
    }
    books.emit("identity.verification_session.created", &session, None, cause);
    Ok(session)
}

/// `POST /v1/identity/verification_sessions/{session}`: only while it needs input.
pub fn update(books: &mut Books, id: &str, params: Map<String, Value>) -> Result<Value, StripeError> {
    let session = session(books, id)?;
    if redacted(&session) {
        return Err(StripeError::invalid(
            None,
            format!("VerificationSession {id} has been redacted and can no longer be updated."),
        ));
    }
    if status(&session) != "requires_input" {
        return Err(StripeError::coded(
            "session_invalid_state",
            None,
            format!(
                "You can only update VerificationSessions with status `requires_input`; {id} has status `{}`.",
                status(&session)
            ),
        ));
    }
    let Value::Object(mut fields) = session else { return Err(StripeError::api("a stored session is not an object")) };
    merge(&mut fields, params)?;
    Ok(books.replace(session_shape(), Value::Object(fields)))
}

/// `POST …/cancel`: only from `requires_input`.
pub fn cancel(books: &mut Books, id: &str, cause: &Cause) -> Result<Value, StripeError> {
    let session = session(books, id)?;
    if status(&session) != "requires_input" {
        return Err(StripeError::coded(
            "session_invalid_state",
            None,
            format!("This VerificationSession cannot be canceled because it has status `{}`. Only VerificationSessions with status `requires_input` can be canceled.", status(&session)),
        ));
    }
    transition(books, session, "canceled", spend_secret, cause)
}

/// `POST …/redact`: the session (canceled first if it still needed input, as Stripe does), its
/// reports, the events about it, the requests that made or changed it and their saved
/// idempotent answers lose their personal data; the answer says `redaction.status:
/// processing`, the stored session `redacted`, and the `redacted` event is recorded.
pub fn redact(books: &mut Books, id: &str, cause: &Cause) -> Result<Value, StripeError> {
    let mut session = session(books, id)?;
    if redacted(&session) {
        return Ok(session);
    }
    if status(&session) == "processing" {
        return Err(StripeError::coded(
            "session_invalid_state",
            None,
            "A VerificationSession with status `processing` cannot be redacted.",
        ));
    }
    if status(&session) == "requires_input" {
        session = transition(books, session, "canceled", spend_secret, cause)?;
    }
    blank(books, &mut session, session_shape());
    session["redaction"] = json!({ "status": "redacted" });
    let reports: Vec<String> = books
        .ids(REPORT)
        .iter()
        .filter(|report| books.get(report).is_some_and(|r| r["verification_session"] == id))
        .cloned()
        .collect();
    for id in reports {
        let mut report = report(books, &id)?;
        blank(books, &mut report, report_shape());
        books.replace(report_shape(), report);
    }
    // The ids a redaction keeps: this account's objects, taken before its traces are changed.
    let held: std::collections::HashSet<String> = books.ids(SESSION).iter().chain(books.ids(REPORT)).cloned().collect();
    books.redact_traces(id, &|value| shape::redact(session_shape(), value, &|s| held.contains(s)));
    let stored = books.replace(session_shape(), session);
    books.emit("identity.verification_session.redacted", &stored, None, cause);
    let mut answer = stored;
    answer["redaction"] = json!({ "status": "processing" });
    Ok(answer)
}

/// Blanks what the spec marks personal, keeping the ids of objects this account holds.
fn blank(books: &Books, object: &mut Value, shape: &Shape) {
    shape::redact(shape, object, &|s: &str| books.holds(s));
}

/// Control: the user submitted; the session is `processing` and its secret is spent.
pub fn process(books: &mut Books, id: &str) -> Result<Value, StripeError> {
    let session = session(books, id)?;
    expect_status(&session, &["requires_input"], "process")?;
    transition(books, session, "processing", spend_secret, &Cause::default())
}

/// Control: the checks pass; a verified report is created and the session is `verified`.
pub fn verify(books: &mut Books, id: &str) -> Result<Value, StripeError> {
    let mut session = session(books, id)?;
    expect_status(&session, &["requires_input", "processing"], "verify")?;
    if status(&session) == "requires_input" {
        session = process(books, id)?;
    }
    let report = reports::create(books, &session, None)?;
    let outputs = reports::verified_outputs(&session, &report);
    transition(
        books,
        session,
        "verified",
        |s| {
            s["last_error"] = Value::Null;
            s["last_verification_report"] = report["id"].clone();
            s["verified_outputs"] = outputs;
        },
        &Cause::default(),
    )
}

/// Control: a check fails with `code` (one of the spec's `last_error.code` values); the
/// session goes back to `requires_input` with `last_error` and a fresh secret and URL.
pub fn fail(books: &mut Books, id: &str, code: &str, base_url: &str) -> Result<Value, StripeError> {
    let codes =
        session_shape().field("last_error").and_then(|f| f.shape.field("code")).and_then(|f| f.shape.enum_values());
    if !codes.unwrap_or(&[]).contains(&code) {
        return Err(StripeError::invalid(Some("code"), "The code is not a last_error code of this spec."));
    }
    let mut session = session(books, id)?;
    expect_status(&session, &["requires_input", "processing"], "fail")?;
    if status(&session) == "requires_input" {
        session = process(books, id)?;
    }
    let report = reports::create(books, &session, Some(code))?;
    let reason = format!("The verification failed: {}.", code.replace('_', " "));
    let mut fresh = session.clone();
    fresh_secret(books, &mut fresh, base_url);
    transition(
        books,
        session,
        "requires_input",
        |s| {
            s["last_error"] = json!({ "code": code, "reason": reason });
            s["last_verification_report"] = report["id"].clone();
            s["client_secret"] = fresh["client_secret"].take();
            s["url"] = fresh["url"].take();
        },
        &Cause::default(),
    )
}

fn expect_status(session: &Value, allowed: &[&str], what: &str) -> Result<(), StripeError> {
    if redacted(session) || !allowed.contains(&status(session)) {
        return Err(StripeError::coded(
            "session_invalid_state",
            None,
            format!(
                "Cannot {what} a VerificationSession with status `{}`{}.",
                status(session),
                if redacted(session) { " (redacted)" } else { "" }
            ),
        ));
    }
    Ok(())
}

/// Sets `status` (and what `change` sets), stores the session, records the event named after
/// the new status with the old status as `previous_attributes`.
fn transition(
    books: &mut Books,
    mut session: Value,
    to: &str,
    change: impl FnOnce(&mut Value),
    cause: &Cause,
) -> Result<Value, StripeError> {
    let previous = json!({ "status": session["status"].clone() });
    session["status"] = json!(to);
    change(&mut session);
    let session = books.replace(session_shape(), session);
    books.emit(&format!("identity.verification_session.{to}"), &session, Some(previous), cause);
    Ok(session)
}

/// Applies parameters to an object: `metadata` merges key by key (`""` deletes a key, and a
/// whole `metadata=""` clears it; at most 50 keys after the merge), `""` unsets any other
/// field, `expand` is not a field.
pub fn merge(object: &mut Map<String, Value>, params: Map<String, Value>) -> Result<(), StripeError> {
    for (key, value) in params {
        match (key.as_str(), value) {
            ("expand", _) => {}
            ("metadata", Value::Object(changes)) => {
                let metadata = object.entry("metadata").or_insert_with(|| json!({}));
                let Some(metadata) = metadata.as_object_mut() else { continue };
                for (k, v) in changes {
                    match v {
                        Value::String(s) if s.is_empty() => metadata.remove(&k),
                        v => metadata.insert(k, v),
                    };
                }
                if metadata.len() > METADATA_KEYS {
                    return Err(validate::too_many_keys(metadata.len(), "metadata"));
                }
            }
            ("metadata", _) => {
                object.insert(key, json!({}));
            }
            (_, Value::String(s)) if s.is_empty() => {
                object.insert(key, Value::Null);
            }
            (_, value) => {
                object.insert(key, unset_empties(value));
            }
        }
    }
    Ok(())
}

/// `options[document]=""` inside a nested value unsets that part.
fn unset_empties(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| match v {
                    Value::String(s) if s.is_empty() => (k, Value::Null),
                    v => (k, unset_empties(v)),
                })
                .collect(),
        ),
        value => value,
    }
}
