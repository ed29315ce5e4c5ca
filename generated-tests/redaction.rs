//! `Debug` fails closed: every generated struct and union, filled with sentinel values in every
//! field (built from the generator's model of the spec, not by hand), prints none of them,
//! under the vendored spec and under one where Stripe added personal fields.
//!
//! It builds and runs a throwaway crate (a second target directory), so it is `#[ignore]`d
//! locally; CI runs it with `--include-ignored`.

#[path = "support/crate_builder.rs"]
mod crate_builder;

use serde_json::{json, Value};
use stripe_identity_codegen::ir::{Api, Type, TypeKind};
use stripe_identity_codegen::{Format, Generator, Spec};

/// The string sentinel; numbers use [`NUMBER_SENTINEL`] plus a counter.
const SENTINEL: &str = "SENTINEL";
const NUMBER_SENTINEL: i64 = 77_700_000;

/// Builds a JSON value of type `ty` with a fresh sentinel in every value that could be personal.
struct Samples<'a> {
    api: &'a Api,
    next: i64,
    /// Every sentinel handed out, to look for in the output.
    handed_out: Vec<String>,
}

impl Samples<'_> {
    fn string(&mut self) -> Value {
        self.next += 1;
        let value = format!("{SENTINEL}{}", self.next);
        self.handed_out.push(value.clone());
        json!(value)
    }

    fn integer(&mut self) -> Value {
        self.next += 1;
        let value = NUMBER_SENTINEL + self.next;
        self.handed_out.push(value.to_string());
        json!(value)
    }

    fn of(&mut self, ty: &Type, depth: usize) -> Value {
        match ty {
            Type::String => self.string(),
            Type::Integer => self.integer(),
            Type::Number => {
                let n = self.integer().as_i64().unwrap_or_default();
                json!(n as f64 + 0.5)
            }
            Type::Bool => json!(true),
            Type::Timestamp => json!(1_700_000_000),
            Type::Json => json!({ "note": self.string() }),
            Type::Vec(inner) => json!([self.of(inner, depth)]),
            Type::Map(inner) => {
                let key = self.string().as_str().unwrap_or_default().to_string();
                json!({ key: self.of(inner, depth) })
            }
            Type::Boxed(inner) | Type::Emptyable(inner) | Type::Expandable(inner) => self.of(inner, depth),
            Type::List(inner) => {
                json!({ "object": "list", "data": [self.of(inner, depth)], "has_more": false, "url": "/v1/x" })
            }
            Type::Named(name) => self.named(name, depth),
            Type::Provided(_) => Value::Null,
        }
    }

    fn named(&mut self, name: &str, depth: usize) -> Value {
        let Some(def) = self.api.types.iter().find(|t| t.name == name) else { return Value::Null };
        match &def.kind {
            TypeKind::Struct(s) => {
                let mut object = serde_json::Map::new();
                for field in &s.fields {
                    let value = match field.wire.as_str() {
                        // Ids and object tags are shown by design: give them values that are not sentinels.
                        "id" => json!(format!("id_{}", self.next)),
                        _ if depth > 6 && field.optional() => continue,
                        _ => self.of(&field.ty, depth + 1),
                    };
                    object.insert(field.wire.clone(), value);
                }
                Value::Object(object)
            }
            TypeKind::Enum(variants) => json!(variants.first().map_or("x", |v| v.value.as_str())),
            TypeKind::Union(union) => match union.arms.first() {
                Some(arm) => self.of(&arm.ty.clone(), depth),
                None => Value::Null,
            },
            TypeKind::Alias(ty) => self.of(&ty.clone(), depth),
            TypeKind::Id => json!("id_typed"),
        }
    }
}

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
    let dir = crate_builder::root().join("target/generated-builds");
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
        let mut samples = Samples { api: &output.api, next: 0, handed_out: Vec::new() };
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
    for sentinel in &handed_out {
        assert!(!stdout.contains(sentinel.as_str()), "Debug shows `{sentinel}`:\n{stdout}");
    }
    assert!(!stdout.contains(SENTINEL));
}
