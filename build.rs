//! Generates the bindings from the spec into OUT_DIR; all the work is in stripe-identity-codegen.

fn main() {
    let generator = stripe_identity_codegen::Generator::from_env("spec/stripe.json").prefixes(["/v1/identity/"]);
    let api_version = generator.run_build_script();
    // The client's default `Stripe-Version` is the generated `API_VERSION`, handed over here so
    // that the client does not name the generated code built on it.
    println!("cargo:rustc-env=STRIPE_IDENTITY_GENERATED_API_VERSION={api_version}");
}
