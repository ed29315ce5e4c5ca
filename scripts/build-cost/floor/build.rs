//! The least a build-time generator on the design card's crates does: read a spec (serde_yaml
//! into openapiv3), name (heck), build tokens (quote, proc-macro2), parse them (syn) and print
//! them (prettyplease) into OUT_DIR.

use heck::ToUpperCamelCase;
use openapiv3::{ReferenceOr, SchemaKind, Type};

const SPEC: &str = r#"
openapi: 3.0.0
info: { title: Stripe, version: 2026-08-26.dahlia }
paths: {}
components:
  schemas:
    identity.verification_session:
      type: object
      required: [id, status]
      properties:
        id: { type: string }
        status: { type: string }
"#;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let spec: openapiv3::OpenAPI = serde_yaml::from_str(SPEC).expect("the spec parses");
    let mut items = Vec::new();
    for (name, schema) in &spec.components.as_ref().expect("components").schemas {
        let ReferenceOr::Item(schema) = schema else { continue };
        let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else { continue };
        let name = name.rsplit('.').next().unwrap_or(name).to_upper_camel_case();
        let ident = proc_macro2::Ident::new(&name, proc_macro2::Span::call_site());
        let fields = object.properties.keys().map(|field| proc_macro2::Ident::new(field, proc_macro2::Span::call_site()));
        items.push(quote::quote! {
            #[derive(Debug, serde::Deserialize)]
            #[allow(dead_code)]
            pub struct #ident { #(pub #fields: String,)* }
        });
    }
    let file: syn::File = syn::parse2(quote::quote! { #(#items)* }).expect("the tokens parse");
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("models.rs");
    std::fs::write(out, prettyplease::unparse(&file)).expect("OUT_DIR is writable");
}
