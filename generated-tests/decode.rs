//! Where a body that does not decode failed: the path the client reads from serde_json's
//! position (`stripe_identity::de::path_at`) against the one serde_path_to_error finds by
//! decoding again with tracking, which is how the client found it before.

use serde_json::Value;
use stripe_identity::de::path_at;
use stripe_identity::{VerificationReport, VerificationSession, VerificationSessionType};

/// Every way a field can be wrong, at every place in a session (its report expanded) and a
/// report, compact and pretty-printed: the path read from the position is the one
/// serde_path_to_error finds by decoding again with tracking (the client's way before).
#[test]
fn the_path_read_from_the_position_is_the_one_a_tracking_decode_finds() {
    let session: Value = serde_json::from_str(include_str!("fixtures/verification_session.json")).unwrap();
    let report: Value = serde_json::from_str(include_str!("fixtures/verification_report.json")).unwrap();
    let mut expanded = session.clone();
    expanded["last_verification_report"] = report.clone();
    let mut compared = 0;
    for (body, decode) in [
        (&session, check::<VerificationSession> as fn(&[u8]) -> Option<(String, String)>),
        (&expanded, check::<VerificationSession>),
        (&report, check::<VerificationReport>),
    ] {
        for variant in variants(body) {
            for text in [serde_json::to_string(&variant).unwrap(), serde_json::to_string_pretty(&variant).unwrap()] {
                if let Some((located, tracked)) = decode(text.as_bytes()) {
                    assert_eq!(located, tracked, "in {text}");
                    compared += 1;
                }
            }
        }
    }
    assert!(compared > 500, "only {compared} failing variants compared");
}

/// The located and the tracked path of a body that does not decode.
fn check<T: serde::de::DeserializeOwned>(body: &[u8]) -> Option<(String, String)> {
    let error = serde_json::from_slice::<T>(body).err()?;
    let tracked = serde_path_to_error::deserialize::<_, T>(&mut serde_json::Deserializer::from_slice(body));
    Some((path_at(body, &error), tracked.err()?.path().to_string()))
}

/// The body with one value replaced by each other kind of JSON, or one key removed.
fn variants(body: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    let mut places = Vec::new();
    collect(body, &mut Vec::new(), &mut places);
    for place in places {
        for replacement in
            [Value::Null, 7.into(), "s".into(), true.into(), serde_json::json!([1]), serde_json::json!({"x": 1})]
        {
            let mut variant = body.clone();
            *variant.pointer_mut(&place).unwrap() = replacement;
            out.push(variant);
        }
        if let Some((parent, key)) = place.rsplit_once('/') {
            let mut variant = body.clone();
            if let Some(object) = variant.pointer_mut(parent).and_then(Value::as_object_mut) {
                object.remove(key);
                out.push(variant);
            }
        }
    }
    out
}

fn collect(value: &Value, at: &mut Vec<String>, places: &mut Vec<String>) {
    if !at.is_empty() {
        places.push(at.iter().map(|s| format!("/{s}")).collect());
    }
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
        Value::Array(items) => items.iter().enumerate().map(|(i, v)| (i.to_string(), v)).collect(),
        _ => Vec::new(),
    };
    for (key, child) in children {
        at.push(key);
        collect(child, at, places);
        at.pop();
    }
}

/// The models decode through the runtime's `FromMap` instead of serde's derive: from an object
/// only, with the derive's errors for a missing, repeated or mistyped field, unknown keys
/// skipped, and from a `serde_json::Value` (borrowed or owned) or a key with escapes (which
/// serde_json cannot lend) as from the client's reader.
#[test]
fn a_model_decodes_from_an_object_with_the_errors_serde_derive_gives() {
    let fixture: Value = serde_json::from_str(include_str!("fixtures/verification_session.json")).unwrap();
    let text = fixture.to_string();
    let decode = |text: &str| serde_json::from_str::<VerificationSession>(text).map_err(|e| e.to_string());
    let session = decode(&text).unwrap();
    assert_eq!(session.id.as_ref(), fixture["id"].as_str().unwrap());
    assert_eq!(session.client_reference_id.as_deref(), Some("user_42"));
    let from_value = <VerificationSession as serde::Deserialize>::deserialize(&fixture).unwrap();
    assert_eq!(from_value, session, "a Value decodes as the text does");
    let from_owned: VerificationSession = serde_json::from_value(fixture.clone()).unwrap();
    assert_eq!(from_owned, session, "an owned Value decodes as the text does");
    let escaped = text.replacen(r#""client_reference_id":"#, r#""client\u005freference_id":"#, 1);
    assert_ne!(escaped, text);
    assert_eq!(decode(&escaped).unwrap(), session, "a key with an escape matches its field");

    let with = |key: &str, value: Value| {
        let mut body = fixture.clone();
        body[key] = value;
        body.to_string()
    };
    assert_eq!(decode(&with("a_key_from_a_later_api", serde_json::json!([1, {"x": 2}]))).unwrap(), session);
    assert_eq!(decode(&with("client_reference_id", Value::Null)).unwrap().client_reference_id, None);
    let mut absent = fixture.clone();
    absent.as_object_mut().unwrap().remove("client_reference_id");
    assert_eq!(decode(&absent.to_string()).unwrap().client_reference_id, None);
    absent.as_object_mut().unwrap().remove("id");
    assert!(decode(&absent.to_string()).unwrap_err().starts_with("missing field `id`"));
    // A field whose Rust name is not its key (`type_`) is found and named by its key.
    assert_eq!(decode(&with("type", "id_number".into())).unwrap().type_, VerificationSessionType::IdNumber);
    let mut untyped = fixture.clone();
    untyped.as_object_mut().unwrap().remove("type");
    assert!(decode(&untyped.to_string()).unwrap_err().starts_with("missing field `type`"));
    let repeated = text.replacen('{', r#"{"id":"vs_other","#, 1);
    assert!(decode(&repeated).unwrap_err().starts_with("duplicate field `id`"), "{}", decode(&repeated).unwrap_err());
    assert!(decode(&with("created", "soon".into()))
        .unwrap_err()
        .starts_with("invalid type: string \"soon\", expected i64"));
    let error = decode(&format!("[{text}]")).unwrap_err();
    assert!(error.starts_with("invalid type: sequence, expected struct VerificationSession"), "{error}");
}
