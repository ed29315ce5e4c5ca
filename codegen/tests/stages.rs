//! The generator's stages import only down the pipeline: lowering reads the filtered subset,
//! the pointers and the IR, and the printers read the IR only (both build the generator's
//! `Error`). Checked on the source, so a new import across a boundary fails here.

use std::path::Path;

/// Each stage, and the crate modules its files may name.
const STAGES: &[(&str, &[&str])] = &[
    ("lower", &["error", "ir", "pointer", "subset"]),
    ("emit", &["error", "ir"]),
    ("filter.rs", &["error", "ir", "load", "parse", "pointer", "subset"]),
    ("subset.rs", &["ir"]),
    ("pointer.rs", &["error"]),
    ("ir.rs", &[]),
];

/// The crate modules a file's code names; a re-export from the crate root (`crate::Error`)
/// counts as `lib`.
fn crate_paths(text: &str) -> Vec<String> {
    let is_module = |name: &String| name.chars().next().is_some_and(|c| c.is_ascii_lowercase());
    let names = crate::crate_paths::crate_paths(text);
    names.into_iter().map(|name| if is_module(&name) { name } else { "lib".to_string() }).collect()
}

fn files(at: &Path) -> Vec<std::path::PathBuf> {
    if at.is_file() {
        return vec![at.to_path_buf()];
    }
    let mut found: Vec<_> = std::fs::read_dir(at).unwrap().map(|e| e.unwrap().path()).collect();
    found.sort();
    found.into_iter().flat_map(|p| files(&p)).collect()
}

#[test]
fn stages_import_only_what_they_read() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    for (stage, allowed) in STAGES {
        let found = files(&src.join(stage));
        assert!(!found.is_empty(), "no source for stage {stage}");
        for file in found {
            let text = std::fs::read_to_string(&file).unwrap();
            for module in crate_paths(&text) {
                if !allowed.contains(&module.as_str()) {
                    wrong.push(format!("{} names crate::{module}", file.strip_prefix(&src).unwrap().display()));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "imports across a stage boundary:\n{}", wrong.join("\n"));
}

#[test]
fn the_check_sees_groups_and_root_reexports() {
    let paths =
        crate_paths("use crate::{ir, pointer};\nuse crate::Error;\n/// [`crate::docs`]\nlet x = crate::filter::f();");
    assert_eq!(paths, ["ir", "pointer", "lib", "filter"]);
}
