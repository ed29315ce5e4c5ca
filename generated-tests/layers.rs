//! The runtime's modules form layers, each naming only modules below it, so there is no import
//! circle in `src/`: the client below the requests it makes, the requests below the paginator,
//! the generated code above all it calls, and the webhook module above the generated types.
//! A name re-exported at the crate root (`crate::Client`) counts as the module it comes from.

use std::collections::BTreeMap;
use std::path::Path;

/// Bottom first.
const LAYERS: &[&[&str]] = &[
    &["random"],
    &["types", "de", "form", "message", "retry"],
    &["error"],
    &["client"],
    &["request"],
    &["pagination"],
    &["generated"],
    &["webhook"],
    &["lib"],
];

/// Root name → the module it is re-exported from, read from `lib.rs`'s `pub use` lines; a
/// name not listed comes from the generated code's glob.
fn reexports(lib: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for statement in lib.split(';').map(str::trim).filter_map(|s| s.strip_prefix("pub use ")) {
        let Some((module, names)) = statement.split_once("::") else { continue };
        let names = names.trim_start_matches('{').trim_end_matches('}');
        for name in names.split(',').map(str::trim).filter(|n| !n.is_empty() && *n != "*") {
            out.insert(name.to_string(), module.to_string());
        }
    }
    out
}

/// The crate modules a file's code names (`crate::x`, `crate::{x, y}`, `crate::Name`).
fn named_modules(text: &str, roots: &BTreeMap<String, String>) -> Vec<String> {
    let mut out = Vec::new();
    for name in crate::support::crate_paths::crate_paths(text) {
        let is_module = name.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        let module = match roots.get(&name) {
            Some(module) => module.clone(),
            None if is_module => name,
            None => "generated".to_string(),
        };
        if module != "reqwest" && module != "self" {
            out.push(module);
        }
    }
    out
}

fn layer_of(module: &str) -> usize {
    LAYERS.iter().position(|layer| layer.contains(&module)).unwrap_or_else(|| panic!("{module} is in no layer"))
}

#[test]
fn every_runtime_module_names_only_modules_below_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib = std::fs::read_to_string(root.join("src/lib.rs")).unwrap();
    let roots = reexports(&lib);
    let mut sources: Vec<(String, String)> = Vec::new();
    for entry in std::fs::read_dir(root.join("src")).unwrap() {
        let path = entry.unwrap().path();
        let module = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            for file in std::fs::read_dir(&path).unwrap() {
                sources.push((module.clone(), std::fs::read_to_string(file.unwrap().path()).unwrap()));
            }
        } else {
            sources.push((module, std::fs::read_to_string(&path).unwrap()));
        }
    }
    // The generated code as committed (what the build writes into OUT_DIR).
    let generated = std::fs::read_to_string(root.join("generated-tests/snapshot/stripe_identity.rs")).unwrap();
    sources.push(("generated".into(), generated));
    let mut wrong = Vec::new();
    for (module, text) in &sources {
        for named in named_modules(text, &roots) {
            if named != *module && layer_of(&named) >= layer_of(module) {
                wrong.push(format!("{module} names {named}"));
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    assert!(wrong.is_empty(), "modules naming their own layer or one above:\n{}", wrong.join("\n"));
}

#[test]
fn root_names_count_as_their_module() {
    let roots = reexports("pub use client::{Client, ClientBuilder};\npub use reqwest::Method;\npub use form::encode_path_segment;\npub use generated::*;");
    let named = named_modules("use crate::{form, Client};\n// crate::error\nlet m = crate::Method::GET; crate::API_VERSION; crate::encode_path_segment(x)", &roots);
    assert_eq!(named, ["form", "client", "generated", "form"]);
}
