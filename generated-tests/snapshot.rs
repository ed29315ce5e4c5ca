//! The generated code for the vendored spec is committed in `generated-tests/snapshot/`; these
//! tests fail, with a unified diff, when it is stale. Refresh it with
//! `cargo run -p stripe-identity-codegen -- generate --out generated-tests/snapshot`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use stripe_identity_codegen::{diff, ir::TypeKind, Generator, OUTPUT_FILE};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn snapshot_path() -> PathBuf {
    root().join("generated-tests/snapshot").join(OUTPUT_FILE)
}

fn generate() -> stripe_identity_codegen::Output {
    Generator::new(root().join("spec/stripe.json")).generate().unwrap_or_else(|e| panic!("{e}"))
}

fn assert_same(committed: &str, generated: &str) {
    if let Some(diff) = diff::unified(committed, generated, "generated-tests/snapshot/stripe_identity.rs") {
        panic!(
            "the committed snapshot is stale; refresh it with\n  cargo run -p stripe-identity-codegen -- generate --out generated-tests/snapshot\n\n{diff}"
        );
    }
}

#[test]
fn committed_snapshot_is_current() {
    let committed = std::fs::read_to_string(snapshot_path()).unwrap_or_default();
    assert_same(&committed, &generate().code);
}

#[test]
fn the_build_compiled_the_snapshot() {
    if std::env::var_os("STRIPE_IDENTITY_SPEC").is_some() {
        return; // Built from another spec on purpose.
    }
    let built = include_str!(concat!(env!("OUT_DIR"), "/stripe_identity.rs"));
    let committed = std::fs::read_to_string(snapshot_path()).unwrap();
    assert_same(&committed, built);
}

#[test]
fn generating_twice_gives_identical_bytes() {
    assert_eq!(generate().code, generate().code);
}

#[test]
fn the_identity_subset_holds_eight_operations_and_no_payments() {
    let api = generate().api;
    let operations: Vec<&str> = api.operations.iter().map(|op| op.name.as_str()).collect();
    assert_eq!(
        operations,
        [
            "list_verification_reports",
            "retrieve_verification_report",
            "list_verification_sessions",
            "create_verification_session",
            "retrieve_verification_session",
            "update_verification_session",
            "cancel_verification_session",
            "redact_verification_session",
        ]
    );
    // Component schemas keep their spec name as origin; inline ones a JSON pointer.
    let components: BTreeSet<&str> =
        api.types.iter().map(|t| t.origin.as_str()).filter(|o| !o.starts_with('#')).collect();
    // 23 in the 2022-11-15 spec; 2024-04-10 adds the email, phone and provided-details schemas;
    // 2026-08-26 the related person and the matching options.
    assert_eq!(components.len(), 32, "{components:?}");
    assert!(
        components.contains("identity.verification_session") && components.contains("identity.verification_report")
    );
    assert!(components.iter().all(|c| c.starts_with("gelato_")
        || c.starts_with("identity.")
        || *c == "address"
        || *c == "verification_session_redaction"));
    for forbidden in ["payment", "charge", "customer", "invoice", "source", "setup_intent", "api_errors"] {
        // An id type's origin ends in `/x-resourceId`, which spells "source" without being one.
        let leaked = api.types.iter().any(|t| t.origin.trim_end_matches("/x-resourceId").contains(forbidden));
        assert!(!leaked, "{forbidden} leaked into the identity subset");
    }
    let enums = api.types.iter().filter(|t| matches!(t.kind, TypeKind::Enum(_))).count();
    assert!(enums >= 20, "{enums} enums");
}

/// Docs a reader can use where they read: a setter repeats its field's description, a field
/// that is only a `$ref` borrows the description of the schema it names.
#[test]
fn setters_and_referenced_fields_carry_descriptions() {
    let output = generate();
    let report = output.api.types.iter().find(|t| t.name == "VerificationReport").unwrap();
    let TypeKind::Struct(report) = &report.kind else { panic!("a struct") };
    let document = report.fields.iter().find(|f| f.wire == "document").unwrap();
    assert_eq!(document.doc, "Result from a document check", "borrowed from `gelato_document_report`");
    assert!(
        output.code.contains("/// Sets `client_reference_id`: A string to reference this user."),
        "the setter repeats the field's description"
    );
}
