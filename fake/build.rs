//! The spec's parameter and object tables for the fake, from the same spec as stripe-identity
//! (`STRIPE_IDENTITY_SPEC`, when set, is relative to the workspace root, as for that crate).

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    stripe_identity_codegen::Generator::from_env_in(&root, "spec/stripe.json").run_table_build_script("tables.rs");
}
