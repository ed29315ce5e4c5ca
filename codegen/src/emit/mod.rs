//! IR → Rust source. Knows nothing of OpenAPI: only the IR and how the runtime is called.

mod decode;
mod enums;
mod ids;
mod operations;
mod setters;
#[cfg(feature = "table")]
mod table;
mod types;

#[cfg(feature = "table")]
pub use table::render_table;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::error::Error;
use crate::ir::{Api, Type, Types};

/// Prints the whole API as formatted Rust source.
///
/// `runtime` is the path of the crate the generated code calls (`crate` inside stripe-identity).
pub fn render(api: &Api, runtime: &str, header: &str) -> Result<String, Error> {
    let rt: syn::Path = syn::parse_str(runtime).map_err(|e| Error::msg(format!("runtime path `{runtime}`: {e}")))?;
    let emitter = Emitter { rt, types: &api.types };
    let api_version = &api.api_version;
    let types = api.types.iter().map(|t| emitter.type_def(t));
    let operations = api.operations.iter().map(|op| emitter.operation(op));
    let conversions = enums::conversions(&api.conversions);
    let tokens = quote! {
        /// The Stripe API version this code was generated for; the client sends it as `Stripe-Version`.
        pub const API_VERSION: &str = #api_version;
        #(#operations)*
        #(#types)*
        #conversions
    };
    format_file(tokens, header)
}

/// Parses tokens as a file and prints it with `header` as `//` comments on top.
fn format_file(tokens: TokenStream, header: &str) -> Result<String, Error> {
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| Error::msg(format!("the generator produced invalid Rust: {e}")))?;
    let mut text = String::new();
    for line in header.lines() {
        text.push_str(&format!("// {line}\n").replace("// \n", "//\n"));
    }
    text.push('\n');
    text.push_str(&prettyplease::unparse(&file));
    Ok(text)
}

struct Emitter<'a> {
    rt: syn::Path,
    /// Every type, for what one type's code needs of another (a model's placeholder).
    types: &'a Types,
}

impl Emitter<'_> {
    fn ty(&self, ty: &Type) -> TokenStream {
        let rt = &self.rt;
        match ty {
            Type::String => quote!(String),
            Type::Bool => quote!(bool),
            Type::Integer => quote!(i64),
            Type::Number => quote!(f64),
            Type::Timestamp => quote!(#rt::Timestamp),
            Type::Json => quote!(serde_json::Value),
            Type::Named(name) => {
                let name = format_ident!("{}", name);
                quote!(#name)
            }
            Type::Provided(path) => {
                let path: syn::Path = syn::parse_str(path).expect("provided paths are validated by Generator");
                quote!(#rt::#path)
            }
            Type::Vec(inner) => {
                let inner = self.ty(inner);
                quote!(Vec<#inner>)
            }
            Type::Map(inner) => {
                let inner = self.ty(inner);
                quote!(std::collections::BTreeMap<String, #inner>)
            }
            Type::Boxed(inner) => {
                let inner = self.ty(inner);
                quote!(Box<#inner>)
            }
            Type::Expandable(inner) => {
                let inner = self.ty(inner);
                quote!(#rt::Expandable<#inner>)
            }
            Type::Emptyable(inner) => {
                let inner = self.ty(inner);
                quote!(#rt::Emptyable<#inner>)
            }
            Type::List(inner) => {
                let inner = self.ty(inner);
                quote!(#rt::List<#inner>)
            }
        }
    }
}

/// One `#[doc]` attribute per line, so prettyplease prints `///` comments.
fn doc_attrs(doc: &str) -> TokenStream {
    let lines = doc.lines().map(|line| if line.is_empty() { String::new() } else { format!(" {line}") });
    quote!(#(#[doc = #lines])*)
}
