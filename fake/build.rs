//! The spec's parameter and object tables for the fake, from the same spec as stripe-identity.

fn main() {
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/stripe.json");
    stripe_identity_codegen::Generator::from_env(spec).run_table_build_script("tables.rs");
}
