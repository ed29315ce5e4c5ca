//! IR → the spec as data: one `static` shape per type and one row per operation, for code that
//! must check or produce Stripe's wire format at run time (the fake Stripe validates requests
//! and redacts objects with it) instead of keeping a hand-written list that drifts from the spec.
//!
//! The output names types it does not define: `Shape`, `Field` and `Operation` must be in scope
//! where it is included (see the fake's `table` module for their definitions).

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::error::Error;
use crate::ir::{Api, Field, Operation, Type, TypeDef, TypeKind};

/// Prints the tables as formatted Rust source.
pub fn render_table(api: &Api, header: &str) -> Result<String, Error> {
    let api_version = &api.api_version;
    let aliases: BTreeMap<&str, &Type> = api
        .types
        .iter()
        .filter_map(|t| match &t.kind {
            TypeKind::Alias(ty) => Some((t.name.as_str(), ty)),
            _ => None,
        })
        .collect();
    let tables = Tables { aliases };
    let operations = api.operations.iter().map(|op| tables.operation(op));
    let shapes = api.types.iter().filter_map(|t| tables.type_def(t));
    let tokens = quote! {
        /// The Stripe API version of the spec these tables come from.
        pub const API_VERSION: &str = #api_version;
        /// Every generated operation, in the spec's order.
        pub static OPERATIONS: &[Operation] = &[#(#operations),*];
        #(#shapes)*
    };
    super::format_file(tokens, header)
}

/// The name of the `static` that holds a generated type's shape.
fn shape_ident(type_name: &str) -> proc_macro2::Ident {
    format_ident!("{}", heck::ToShoutySnakeCase::to_shouty_snake_case(type_name))
}

/// Aliases are not given a `static`: a reference to one is a reference to what it names.
struct Tables<'a> {
    aliases: BTreeMap<&'a str, &'a Type>,
}

impl Tables<'_> {
    fn operation(&self, op: &Operation) -> TokenStream {
        let Operation { operation_id, method, path, .. } = op;
        let params = |name: &Option<String>| match name {
            Some(name) => {
                let ident = shape_ident(name);
                quote!(Some(&#ident))
            }
            None => quote!(None),
        };
        let (query, body) = (params(&op.query), params(&op.body));
        let response = self.shape(&op.response);
        quote! {
            Operation {
                id: #operation_id,
                method: #method,
                path: #path,
                query: #query,
                body: #body,
                response: #response,
            }
        }
    }

    fn type_def(&self, def: &TypeDef) -> Option<TokenStream> {
        let ident = shape_ident(&def.name);
        let origin = format!(" `{}`: {}", def.name, def.origin);
        let value = match &def.kind {
            TypeKind::Struct(s) => {
                let fields = s.fields.iter().map(|f| self.field(f));
                quote!(Shape::Object { fields: &[#(#fields),*] })
            }
            TypeKind::Enum(variants) => {
                let values = variants.iter().map(|v| &v.value);
                quote!(Shape::Enum { values: &[#(#values),*] })
            }
            TypeKind::Union(union) => {
                let arms = union.arms.iter().map(|arm| self.shape(&arm.ty));
                quote!(Shape::AnyOf { arms: &[#(#arms),*] })
            }
            TypeKind::Alias(_) => return None,
            TypeKind::Id => quote!(Shape::String),
        };
        Some(quote! {
            #[doc = #origin]
            pub static #ident: Shape = #value;
        })
    }

    fn field(&self, f: &Field) -> TokenStream {
        let (name, required, nullable, personal) = (&f.wire, f.required, f.nullable, f.redacted);
        let shape = self.shape(&f.ty);
        let max_length = match f.max_length {
            Some(n) => quote!(Some(#n)),
            None => quote!(None),
        };
        quote!(Field {
            name: #name,
            required: #required,
            nullable: #nullable,
            personal: #personal,
            max_length: #max_length,
            shape: #shape,
        })
    }

    /// A `&'static Shape` expression for a type.
    fn shape(&self, ty: &Type) -> TokenStream {
        match ty {
            Type::String => quote!(&Shape::String),
            Type::Bool => quote!(&Shape::Bool),
            Type::Integer => quote!(&Shape::Integer),
            Type::Number => quote!(&Shape::Number),
            Type::Timestamp => quote!(&Shape::Timestamp),
            // A runtime-provided type (Stripe's error) is not described here.
            Type::Json | Type::Provided(_) => quote!(&Shape::Json),
            Type::Named(name) if self.aliases.contains_key(name.as_str()) => self.shape(self.aliases[name.as_str()]),
            Type::Named(name) => {
                let ident = shape_ident(name);
                quote!(&#ident)
            }
            Type::Boxed(inner) => self.shape(inner),
            Type::Vec(inner) => self.wrap(quote!(Array), inner),
            Type::Map(inner) => self.wrap(quote!(Map), inner),
            Type::Expandable(inner) => self.wrap(quote!(Expandable), inner),
            Type::Emptyable(inner) => self.wrap(quote!(Emptyable), inner),
            Type::List(inner) => self.wrap(quote!(List), inner),
        }
    }

    fn wrap(&self, variant: TokenStream, inner: &Type) -> TokenStream {
        let inner = self.shape(inner);
        quote!(&Shape::#variant { of: #inner })
    }
}
