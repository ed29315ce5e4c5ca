//! `Debug` fails closed: every generated struct and union, filled with sentinel values in every
//! field (built from the generator's model of the spec, not by hand), prints none of them,
//! under the vendored spec and under one where Stripe added personal fields (a string, a
//! number, a list and an enum that lists `[redacted]`).
//!
//! It builds and runs a throwaway crate (a second target directory), so it is `#[ignore]`d
//! locally; CI runs it with `--include-ignored`.

use serde_json::{json, Value};
use stripe_identity_codegen::ir::TypeKind;
use stripe_identity_codegen::{Format, Generator, Spec};

use crate::support::crate_builder;
use crate::support::samples::{Samples, SENTINEL};

/// The vendored spec with personal fields Stripe might add: the generated code must hide them
/// without anyone listing their names.
fn spec_with_added_personal_fields() -> std::path::PathBuf {
    let path = crate_builder::root().join("spec/stripe.json");
    let mut spec: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let schemas = &mut spec["components"]["schemas"];
    schemas["gelato_verified_outputs"]["properties"]["mothers_maiden_name"] =
        json!({ "type": "string", "nullable": true });
    schemas["gelato_document_report"]["properties"]["height_cm"] = json!({ "type": "integer", "nullable": true });
    schemas["gelato_id_number_report"]["properties"]["tax_ids"] =
        json!({ "type": "array", "items": { "type": "string" } });
    // An enum of the kind `sex` is (2025-05-29): it lists `[redacted]`, so it is personal.
    schemas["gelato_verified_outputs"]["properties"]["eye_color"] =
        json!({ "type": "string", "enum": ["[redacted]", "blue", "brown"], "nullable": true });
    let dir = crate_builder::builds();
    std::fs::create_dir_all(&dir).unwrap();
    let added = dir.join("spec-with-added-personal-fields.json");
    std::fs::write(&added, spec.to_string()).unwrap();
    added
}

#[test]
#[ignore = "a minute: builds and runs a throwaway crate; CI runs it"]
fn no_sentinel_reaches_debug_output_of_any_generated_type() {
    let specs =
        [("vendored", crate_builder::root().join("spec/stripe.json")), ("added", spec_with_added_personal_fields())];
    let mut files = Vec::new();
    let mut calls = String::new();
    let mut handed_out = Vec::new();
    for (module, path) in &specs {
        let text = std::fs::read_to_string(path).unwrap();
        let spec = Spec::parse(&text, Format::Json).unwrap();
        let output = Generator::new(path).runtime("stripe_identity").generate_from(&spec).unwrap();
        let mut samples = Samples::new(&output.api);
        for def in &output.api.types {
            let values = match &def.kind {
                TypeKind::Struct(_) => vec![samples.named(&def.name, 0)],
                // Every arm, not only the first.
                TypeKind::Union(union) => union.arms.iter().map(|arm| samples.of(&arm.ty, 0)).collect(),
                _ => Vec::new(),
            };
            for value in values {
                calls.push_str(&format!("    show::<{module}::{}>({:?});\n", def.name, value.to_string()));
            }
        }
        handed_out.extend(samples.handed_out);
        files.push((format!("{module}.rs"), output.code));
    }
    let main = format!(
        "#[allow(dead_code, clippy::all)]\nmod vendored;\n#[allow(dead_code, clippy::all)]\nmod added;\n\n\
         fn show<T: serde::de::DeserializeOwned + std::fmt::Debug>(json: &str) {{\n    \
         let value: T = serde_json::from_str(json).unwrap_or_else(|e| panic!(\"{{e}} in {{json}}\"));\n    \
         println!(\"{{value:?}}\");\n}}\n\nfn main() {{\n{calls}}}\n"
    );
    let mut all: Vec<(&str, &str)> = files.iter().map(|(name, code)| (name.as_str(), code.as_str())).collect();
    all.push(("main.rs", &main));
    let result = crate_builder::cargo("redaction", &all, "run");
    let stdout = String::from_utf8_lossy(&result.stdout);
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    assert!(stdout.lines().count() > 80, "every struct and union printed:\n{stdout}");
    assert!(stdout.contains("MothersMaiden") || stdout.contains("mothers_maiden_name"), "the added field is there");
    assert!(stdout.contains("eye_color: Some([redacted])"), "the added enum is there, hidden:\n{stdout}");
    assert!(stdout.contains("sex: Some([redacted])"), "`sex` is hidden:\n{stdout}");
    for sentinel in &handed_out {
        assert!(!stdout.contains(sentinel.as_str()), "Debug shows `{sentinel}`:\n{stdout}");
    }
    assert!(!stdout.contains(SENTINEL));
}
