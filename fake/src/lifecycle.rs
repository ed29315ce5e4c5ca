//! A VerificationSession's life, as Stripe runs it: `requires_input` → `processing` →
//! `verified`, or back to `requires_input` with `last_error`; `canceled` from `requires_input`;
//! redaction from `requires_input`, `verified` or `canceled`. Each change records its event.

use serde_json::{json, Map, Value};

use crate::error::StripeError;
use crate::objects;
use crate::reports::verified_outputs;
use crate::state::{report_shape, session_shape, Cause, State, REPORT_OBJECT as REPORT, SESSION_OBJECT as SESSION};

fn status(session: &Value) -> &str {
    session["status"].as_str().unwrap_or_default()
}

fn redacted(session: &Value) -> bool {
    !session["redaction"].is_null()
}

impl State {
    /// The session `id`, or Stripe's 404.
    pub fn session(&self, id: &str) -> Result<Value, StripeError> {
        self.get_kind(id, SESSION).cloned().ok_or_else(|| StripeError::no_such(SESSION, id, "session"))
    }

    /// The report `id`, or Stripe's 404.
    pub fn report(&self, id: &str) -> Result<Value, StripeError> {
        self.get_kind(id, REPORT).cloned().ok_or_else(|| StripeError::no_such(REPORT, id, "report"))
    }

    /// `POST /v1/identity/verification_sessions`: the parameters become the session's fields
    /// where the spec has a field of that name.
    pub fn create_session(
        &mut self,
        mut params: Map<String, Value>,
        base_url: &str,
        cause: &Cause,
    ) -> Result<Value, StripeError> {
        let id = self.id("vs");
        let secret = format!("{id}_secret_{}", self.id("test"));
        let mut session = Map::new();
        merge(&mut session, std::mem::take(&mut params));
        session.extend([
            ("id".into(), json!(id)),
            ("object".into(), json!(SESSION)),
            ("created".into(), json!(self.now())),
            ("livemode".into(), json!(false)),
            ("status".into(), json!("requires_input")),
            ("url".into(), json!(format!("{base_url}/start/{}", secret.replace("_secret_", "_")))),
            ("client_secret".into(), json!(secret)),
        ]);
        session.entry("metadata").or_insert_with(|| json!({}));
        session.entry("type").or_insert_with(|| json!("verification_flow"));
        let session = self.insert(SESSION, session_shape(), Value::Object(session));
        self.emit("identity.verification_session.created", &session, None, cause);
        Ok(session)
    }

    /// `POST /v1/identity/verification_sessions/{session}`: only while it needs input.
    pub fn update_session(&mut self, id: &str, params: Map<String, Value>) -> Result<Value, StripeError> {
        let session = self.session(id)?;
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
        let Value::Object(mut fields) = session else { unreachable!("sessions are objects") };
        merge(&mut fields, params);
        Ok(self.replace(session_shape(), Value::Object(fields)))
    }

    /// `POST …/cancel`: only from `requires_input`.
    pub fn cancel_session(&mut self, id: &str, cause: &Cause) -> Result<Value, StripeError> {
        let session = self.session(id)?;
        if status(&session) != "requires_input" {
            return Err(StripeError::coded(
                "session_invalid_state",
                None,
                format!("This VerificationSession cannot be canceled because it has status `{}`. Only VerificationSessions with status `requires_input` can be canceled.", status(&session)),
            ));
        }
        self.transition(session, "canceled", |_| {}, cause)
    }

    /// `POST …/redact`: the session (canceled first if it still needed input, as Stripe does),
    /// its reports, the events about it, the requests that made or changed it and their saved
    /// idempotent answers lose their personal data; the answer says `redaction.status:
    /// processing`, the stored session `redacted`, and the `redacted` event is recorded.
    pub fn redact_session(&mut self, id: &str, cause: &Cause) -> Result<Value, StripeError> {
        let mut session = self.session(id)?;
        if redacted(&session) {
            return Ok(session);
        }
        if status(&session) == "processing" {
            return Err(StripeError::coded(
                "session_invalid_state",
                None,
                "A VerificationSession with status `processing` cannot be redacted.".to_string(),
            ));
        }
        if status(&session) == "requires_input" {
            session = self.transition(session, "canceled", |_| {}, cause)?;
        }
        self.redact_object(&mut session, session_shape());
        session["redaction"] = json!({ "status": "redacted" });
        let reports: Vec<String> = self
            .newest_first(REPORT)
            .into_iter()
            .filter(|report| self.get(report).is_some_and(|r| r["verification_session"] == id))
            .collect();
        for report in reports {
            let mut report = self.report(&report)?;
            self.redact_object(&mut report, report_shape());
            self.replace(report_shape(), report);
        }
        self.redact_traces(id);
        let stored = self.replace(session_shape(), session);
        self.emit("identity.verification_session.redacted", &stored, None, cause);
        let mut answer = stored;
        answer["redaction"] = json!({ "status": "processing" });
        Ok(answer)
    }

    /// What else holds the session's personal data: its events, the saved answers of
    /// idempotent requests about it, and the request log's parameter values.
    fn redact_traces(&mut self, id: &str) {
        let mut events = std::mem::take(&mut self.events);
        for event in events.iter_mut().filter(|e| e["data"]["object"]["id"] == id) {
            self.redact_object(&mut event["data"]["object"], session_shape());
            if let Some(previous) = event["data"].get_mut("previous_attributes") {
                self.redact_object(previous, session_shape());
            }
        }
        self.events = events;
        let mut saved = std::mem::take(&mut self.idempotency);
        for answer in saved.values_mut().filter(|s| s.body["id"] == id) {
            self.redact_object(&mut answer.body, session_shape());
        }
        self.idempotency = saved;
        for request in self.requests.iter_mut().filter(|r| r.subject.as_deref() == Some(id)) {
            request.redact_values();
        }
    }

    fn redact_object(&self, object: &mut Value, shape: &crate::table::Shape) {
        objects::redact(shape, object, &|s: &str| self.get(s).is_some());
    }

    /// Test helper: the user submitted; the session is `processing`.
    pub fn process(&mut self, id: &str) -> Result<Value, StripeError> {
        let session = self.session(id)?;
        self.expect_status(&session, &["requires_input"], "process")?;
        self.transition(session, "processing", |_| {}, &Cause::default())
    }

    /// Test helper: the checks pass; a verified report is created and the session is `verified`.
    pub fn verify(&mut self, id: &str) -> Result<Value, StripeError> {
        let mut session = self.session(id)?;
        self.expect_status(&session, &["requires_input", "processing"], "verify")?;
        if status(&session) == "requires_input" {
            session = self.process(id)?;
        }
        let report = self.create_report(&session, None);
        let outputs = verified_outputs(&session, &report);
        self.transition(
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

    /// Test helper: a check fails with `code` (one of the spec's `last_error.code` values); the
    /// session goes back to `requires_input` with `last_error`.
    pub fn fail(&mut self, id: &str, code: &str) -> Result<Value, StripeError> {
        let codes =
            session_shape().field("last_error").and_then(|f| f.shape.field("code")).and_then(|f| f.shape.enum_values());
        if !codes.unwrap_or(&[]).contains(&code) {
            return Err(StripeError::invalid(Some("code"), format!("`{code}` is not a last_error code of this spec")));
        }
        let mut session = self.session(id)?;
        self.expect_status(&session, &["requires_input", "processing"], "fail")?;
        if status(&session) == "requires_input" {
            session = self.process(id)?;
        }
        let report = self.create_report(&session, Some(code));
        let reason = format!("The verification failed: {}.", code.replace('_', " "));
        self.transition(
            session,
            "requires_input",
            |s| {
                s["last_error"] = json!({ "code": code, "reason": reason });
                s["last_verification_report"] = report["id"].clone();
            },
            &Cause::default(),
        )
    }

    fn expect_status(&self, session: &Value, allowed: &[&str], what: &str) -> Result<(), StripeError> {
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

    /// Sets `status` (and what `change` sets), stores the session, records the event named
    /// after the new status with the old status as `previous_attributes`.
    fn transition(
        &mut self,
        mut session: Value,
        to: &str,
        change: impl FnOnce(&mut Value),
        cause: &Cause,
    ) -> Result<Value, StripeError> {
        let previous = json!({ "status": session["status"].clone() });
        session["status"] = json!(to);
        change(&mut session);
        let session = self.replace(session_shape(), session);
        self.emit(&format!("identity.verification_session.{to}"), &session, Some(previous), cause);
        Ok(session)
    }
}

/// Applies parameters to an object: `metadata` merges key by key (`""` deletes a key, and a
/// whole `metadata=""` clears it), `""` unsets any other field, `expand` is not a field.
fn merge(object: &mut Map<String, Value>, params: Map<String, Value>) {
    for (key, value) in params {
        match (key.as_str(), value) {
            ("expand", _) => {}
            ("metadata", Value::Object(changes)) => {
                let metadata = object.entry("metadata").or_insert_with(|| json!({}));
                for (k, v) in changes {
                    match v {
                        Value::String(s) if s.is_empty() => metadata.as_object_mut().map(|m| m.remove(&k)),
                        v => metadata.as_object_mut().map(|m| m.insert(k, v)),
                    };
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
