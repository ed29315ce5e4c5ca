//! The fake's modules form layers: each imports only modules below it (`use crate::…`), so the
//! request path reads top to bottom and no module reaches back up. A new module is placed in
//! `LAYERS` on purpose, not by accident.

use std::collections::BTreeMap;

/// Bottom first: data and answers, then parsing and checks, then state and what acts on it,
/// then the pipeline, the HTTP side and the public handle.
const LAYERS: &[&[&str]] = &[
    &["table", "limits", "answer"],
    &["ring"],
    &["auth", "form", "fault", "idempotency", "expand_only"],
    &["log", "shape", "validate", "webhooks"],
    &["state"],
    &["reports", "list"],
    &["lifecycle"],
    &["endpoints"],
    &["api", "shared"],
    &["control", "delivery"],
    &["page"],
    &["pipeline"],
    &["http"],
    &["lib", "main"],
];

/// The crate modules a source file imports.
fn imports(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    for statement in source.split(';').map(str::trim).filter(|s| s.starts_with("use crate::")) {
        let rest = &statement["use crate::".len()..];
        let names: Vec<&str> = match rest.strip_prefix('{') {
            Some(group) => group.trim_end_matches('}').split(',').collect(),
            None => vec![rest],
        };
        for name in names {
            let module = name.trim().split("::").next().unwrap_or_default().trim();
            if !module.is_empty() && module.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                found.push(module.to_string());
            }
        }
    }
    found
}

#[test]
fn every_module_imports_only_modules_below_it() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let level: BTreeMap<&str, usize> =
        LAYERS.iter().enumerate().flat_map(|(n, layer)| layer.iter().map(move |m| (*m, n))).collect();
    let mut seen = 0;
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let module = path.file_stem().unwrap().to_str().unwrap().to_string();
        let Some(&own) = level.get(module.as_str()) else { panic!("{module}.rs is in no layer of LAYERS") };
        for import in imports(&std::fs::read_to_string(&path).unwrap()) {
            let Some(&theirs) = level.get(import.as_str()) else { panic!("{module} imports unknown crate::{import}") };
            assert!(
                theirs < own || (theirs == own && import == module),
                "{module} (layer {own}) imports {import} (layer {theirs}): imports point down"
            );
        }
        seen += 1;
    }
    assert_eq!(seen, level.len(), "every module in LAYERS exists");
}

#[test]
fn the_import_reader_sees_grouped_and_nested_paths() {
    let source =
        "use crate::answer::StripeError;\nuse crate::{control, form, shape};\nuse crate::state::{Books, Cause};";
    assert_eq!(imports(source), ["answer", "control", "form", "shape", "state"]);
}
