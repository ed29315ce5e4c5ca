//! Generates the bindings from the spec into OUT_DIR; all the work is in stripe-identity-codegen.

fn main() {
    stripe_identity_codegen::Generator::from_env("spec/stripe.json").prefixes(["/v1/identity/"]).run_build_script();
}
