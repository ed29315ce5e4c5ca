//! How params are built: `new(required…)` and one chainable setter per field, each taking what
//! converts into the field (`impl Into<T>`; any iterable for lists and maps).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Emitter;
use crate::ir::{Field, Type};

impl Emitter {
    pub(super) fn setters(&self, name: &syn::Ident, fields: &[Field]) -> TokenStream {
        let required: Vec<&Field> = fields.iter().filter(|f| !f.optional()).collect();
        let args = required.iter().map(|f| {
            let ident = format_ident!("{}", f.name);
            let ty = self.ty(&f.ty);
            quote!(#ident: impl Into<#ty>)
        });
        let inits = fields.iter().map(|f| {
            let ident = format_ident!("{}", f.name);
            if f.optional() {
                quote!(#ident: None)
            } else {
                quote!(#ident: #ident.into())
            }
        });
        let setters = fields.iter().map(|f| self.setter(f));
        let what = if required.is_empty() {
            "every field left out"
        } else {
            "the required fields set and every optional one left out"
        };
        let doc = format!(" Parameters with {what}; set the others with the methods below.");
        quote! {
            impl #name {
                #[doc = #doc]
                pub fn new(#(#args),*) -> Self {
                    Self { #(#inits),* }
                }
                #(#setters)*
            }
        }
    }

    fn setter(&self, field: &Field) -> TokenStream {
        let ident = format_ident!("{}", field.name);
        // `new` is the constructor; a field of that name gets `with_new`.
        let method = if field.name == "new" { format_ident!("with_new") } else { ident.clone() };
        let (arg, value) = match &field.ty {
            Type::Vec(item) => {
                let item = self.ty(item);
                (
                    quote!(impl IntoIterator<Item = impl Into<#item>>),
                    quote!(value.into_iter().map(Into::into).collect()),
                )
            }
            Type::Map(item) => {
                let item = self.ty(item);
                (
                    quote!(impl IntoIterator<Item = (impl Into<String>, impl Into<#item>)>),
                    quote!(value.into_iter().map(|(k, v)| (k.into(), v.into())).collect()),
                )
            }
            other => {
                let ty = self.ty(other);
                (quote!(impl Into<#ty>), quote!(value.into()))
            }
        };
        let value = if field.optional() { quote!(Some(#value)) } else { value };
        let doc = format!(" Sets `{}`.", field.wire);
        quote! {
            #[doc = #doc]
            pub fn #method(mut self, value: #arg) -> Self {
                self.#ident = #value;
                self
            }
        }
    }
}
