//! The webhook event types come from the spec: the `enabled_events` a webhook endpoint takes,
//! kept for the resources the prefixes select.

use serde_json::{json, Value};
use stripe_identity_codegen::ir::TypeKind;
use stripe_identity_codegen::{Format, Generator, Spec};

fn spec(enabled_events: Value) -> Value {
    let responses = json!({ "200": { "description": "OK", "content": { "application/json": { "schema": { "type": "object" } } } } });
    json!({
        "openapi": "3.0.0",
        "info": { "version": "2024-04-10" },
        "paths": {
            "/v1/things": { "get": { "operationId": "GetThings", "responses": responses } },
            "/v1/webhook_endpoints": { "post": {
                "operationId": "PostWebhookEndpoints",
                "requestBody": { "content": { "application/x-www-form-urlencoded": { "schema": {
                    "type": "object", "properties": { "enabled_events": enabled_events }
                } } } },
                "responses": responses
            } }
        }
    })
}

fn event_values(spec: &Value, prefix: &str) -> Result<Vec<String>, stripe_identity_codegen::Error> {
    let spec = Spec::parse(&spec.to_string(), Format::Json)?;
    let api = Generator::new("spec.json").prefixes([prefix]).lower(&spec)?;
    let def = api.types.iter().find(|t| t.name == "EventType").expect("EventType is always generated");
    let TypeKind::Enum(variants) = &def.kind else { panic!("EventType is an enum") };
    Ok(variants.iter().map(|v| v.value.clone()).collect())
}

#[test]
fn the_event_types_of_the_kept_resources_come_from_enabled_events() {
    let events = json!({ "type": "array", "items": { "type": "string", "enum": ["*", "thing.created", "thing.deleted", "widget.created"] } });
    let spec = spec(events);
    assert_eq!(event_values(&spec, "/v1/things").unwrap(), ["thing.created", "thing.deleted"]);
    assert_eq!(event_values(&spec, "/v1/").unwrap(), ["*", "thing.created", "thing.deleted", "widget.created"]);
}

#[test]
fn the_vendored_spec_gives_the_six_identity_session_events() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/stripe.json");
    let api = Generator::new(path).generate().unwrap().api;
    let def = api.types.iter().find(|t| t.name == "EventType").unwrap();
    let TypeKind::Enum(variants) = &def.kind else { panic!() };
    let values: Vec<&str> = variants.iter().map(|v| v.value.as_str()).collect();
    assert_eq!(values.len(), 6, "{values:?}");
    assert!(values.iter().all(|v| v.starts_with("identity.verification_session.")), "{values:?}");
}

#[test]
fn a_list_of_another_shape_is_refused_not_dropped() {
    let error = event_values(&spec(json!({ "type": "string" })), "/v1/things").unwrap_err();
    assert!(error.pointer.as_deref().unwrap_or_default().ends_with("/properties/enabled_events/items"), "{error}");
}
