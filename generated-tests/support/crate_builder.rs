//! Throwaway crates that depend on this runtime, built with Cargo in a second target directory:
//! how the compile and redaction tests run generated code outside this crate.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository's root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Where the throwaway crates and their target directory go: Cargo's scratch directory for
/// integration tests, inside whatever target directory this build uses (`CARGO_TARGET_DIR`
/// included), never the source tree.
pub fn builds() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("generated-builds")
}

fn write_if_changed(path: &Path, contents: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(contents) {
        std::fs::write(path, contents).unwrap();
    }
}

/// Writes crate `name` with `files` (paths under `src/`), then runs `cargo <command>` on it.
pub fn cargo(name: &str, files: &[(&str, &str)], command: &str) -> Output {
    let builds = builds();
    let dir: PathBuf = builds.join(name);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let manifest = format!(
        r#"[package]
name = "generated-{name}"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
stripe-identity = {{ path = {root:?} }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"

[workspace]
"#,
        root = root().display().to_string()
    );
    // Unchanged files keep their times, so a rerun on the same code is a fresh build, not a
    // second whole-API compile (Cargo still rebuilds when the runtime changed).
    write_if_changed(&dir.join("Cargo.toml"), &manifest);
    write_if_changed(&dir.join("Cargo.lock"), &std::fs::read_to_string(root().join("Cargo.lock")).unwrap());
    for (path, contents) in files {
        write_if_changed(&dir.join("src").join(path), contents);
    }
    Command::new(env!("CARGO"))
        .args([command, "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", builds.join("target"))
        // A throwaway build is built once: incremental compilation's bookkeeping only slows it.
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("STRIPE_IDENTITY_SPEC")
        .output()
        .expect("run cargo")
}
