//! The spec's parameter and object tables for the fake, from the very spec stripe-identity was
//! generated from: its build script exports the path (`links`), so `STRIPE_IDENTITY_SPEC` and
//! the vendored spec mean the same file for both packages, wherever they were fetched from.
//! Beside the identity paths the fake serves Stripe's webhook endpoints, as the official SDKs'
//! `webhookEndpoints` call them.

fn main() {
    let Some(generator) = stripe_identity_codegen::Generator::from_dependency() else {
        eprintln!("error: stripe-identity's build script exported no spec (DEP_STRIPE_IDENTITY_SPEC is unset)");
        std::process::exit(1);
    };
    generator.prefixes(["/v1/identity/", "/v1/webhook_endpoints"]).run_table_build_script("tables.rs");
}
