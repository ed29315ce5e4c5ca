//! How structs are built: params with `new(required…)`, models with `new()`, and both with one
//! chainable setter per field, each taking what converts into the field (`impl Into<T>`; any
//! iterable for lists and maps).
//!
//! A model's `new()` takes nothing, so a spec bump that adds a required field changes no call:
//! required fields start at a placeholder (empty string, zero, `false`, empty list, the enum's
//! first value, a nested model's `new()`), optional ones at `None`. It is for tests that need a
//! Stripe object without writing its JSON.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc_attrs, Emitter};
use crate::ir::{Field, Type, TypeKind, UNRECOGNIZED};

impl Emitter<'_> {
    /// `new()` with every field at its placeholder, `Default` as the same, and the setters.
    pub(super) fn model_builder(&self, name: &syn::Ident, fields: &[Field]) -> TokenStream {
        let inits = fields.iter().map(|f| {
            let ident = format_ident!("{}", f.name);
            let value = if f.optional() { quote!(None) } else { self.placeholder(&f.ty, 0) };
            quote!(#ident: #value)
        });
        let setters = fields.iter().map(|f| self.setter(f));
        quote! {
            impl #name {
                /// A value with every optional field left out and every required one at a
                /// placeholder (empty, zero, `false` or the first value), for tests; set what
                /// matters with the methods below. Adding a field to the spec changes no call.
                pub fn new() -> Self {
                    Self { #(#inits),* }
                }
                #(#setters)*
            }
            impl Default for #name {
                fn default() -> Self {
                    Self::new()
                }
            }
        }
    }

    /// A value of `ty` that any required field can start at. `depth` bounds the walk through
    /// aliases and union arms (a by-value cycle of required fields cannot hold finite JSON, so
    /// never ends in a real spec; past the bound, a nested `new()` is called instead).
    fn placeholder(&self, ty: &Type, depth: usize) -> TokenStream {
        let rt = &self.rt;
        match ty {
            Type::String => quote!(String::new()),
            Type::Bool => quote!(false),
            Type::Integer => quote!(0),
            Type::Number => quote!(0.0),
            Type::Timestamp => quote!(#rt::Timestamp(0)),
            Type::Json => quote!(serde_json::Value::Null),
            // Runtime-provided types implement `Default` (`ErrorResponse` does).
            Type::Provided(_) => quote!(Default::default()),
            Type::Vec(_) => quote!(Vec::new()),
            Type::Map(_) => quote!(std::collections::BTreeMap::new()),
            Type::Boxed(inner) => {
                let inner = self.placeholder(inner, depth);
                quote!(Box::new(#inner))
            }
            Type::Expandable(_) => quote!(#rt::Expandable::Id(From::from(""))),
            Type::Emptyable(_) => quote!(#rt::Emptyable::Empty),
            Type::List(_) => quote!(#rt::List { data: Vec::new(), has_more: false, url: String::new() }),
            Type::Named(name) => self.named_placeholder(name, depth),
        }
    }

    fn named_placeholder(&self, name: &str, depth: usize) -> TokenStream {
        let ident = format_ident!("{}", name);
        let Some(def) = self.types.get(name).filter(|_| depth < 8) else { return quote!(#ident::new()) };
        match &def.kind {
            TypeKind::Struct(s) if def.role.sent => {
                let args = s.fields.iter().filter(|f| !f.optional()).map(|f| self.placeholder(&f.ty, depth + 1));
                quote!(#ident::new(#(#args),*))
            }
            TypeKind::Struct(_) => quote!(#ident::new()),
            TypeKind::Enum(variants) => match variants.first() {
                Some(first) => {
                    let variant = format_ident!("{}", first.name);
                    quote!(#ident::#variant)
                }
                None => {
                    let unrecognized = format_ident!("{}", UNRECOGNIZED);
                    quote!(#ident::#unrecognized(String::new()))
                }
            },
            TypeKind::Union(union) => match union.arms.first() {
                Some(arm) => {
                    let variant = format_ident!("{}", arm.name);
                    let value = self.placeholder(&arm.ty, depth + 1);
                    quote!(#ident::#variant(#value))
                }
                // Lowering refuses a union without arms.
                None => quote!(#ident::new()),
            },
            TypeKind::Alias(ty) => self.placeholder(ty, depth + 1),
            TypeKind::Id => quote!(#ident::from("")),
        }
    }

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
        let clears = fields.iter().filter_map(|f| clear(f, fields, &self.rt));
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
                #(#clears)*
            }
        }
    }

    fn setter(&self, field: &Field) -> TokenStream {
        let ident = format_ident!("{}", field.name);
        // `new` is the constructor; a field of that name gets `with_new`.
        let method = if field.name == "new" { format_ident!("with_new") } else { ident.clone() };
        let (arg, value) = match (&field.ty, emptyable_map_values(&field.ty)) {
            // A map that may be sent empty is set from pairs; `clear_…` sends it empty.
            (_, Some(item)) => {
                let item = self.ty(item);
                let rt = &self.rt;
                (
                    quote!(impl IntoIterator<Item = (impl Into<String>, impl Into<#item>)>),
                    quote!(#rt::Emptyable::Set(value.into_iter().map(|(k, v)| (k.into(), v.into())).collect())),
                )
            }
            (Type::Vec(item), _) => {
                let item = self.ty(item);
                (
                    quote!(impl IntoIterator<Item = impl Into<#item>>),
                    quote!(value.into_iter().map(Into::into).collect()),
                )
            }
            (Type::Map(item), _) => {
                let item = self.ty(item);
                (
                    quote!(impl IntoIterator<Item = (impl Into<String>, impl Into<#item>)>),
                    quote!(value.into_iter().map(|(k, v)| (k.into(), v.into())).collect()),
                )
            }
            (other, None) => {
                let ty = self.ty(other);
                (quote!(impl Into<#ty>), quote!(value.into()))
            }
        };
        let value = if field.optional() { quote!(Some(#value)) } else { value };
        // The field's own description, so the setter reads on its own in an IDE and in rustdoc.
        let doc = match field.doc.as_str() {
            "" => format!("Sets `{}`.", field.wire),
            described => format!("Sets `{}`: {described}", field.wire),
        };
        let doc = doc_attrs(&doc);
        quote! {
            #doc
            pub fn #method(mut self, value: #arg) -> Self {
                self.#ident = #value;
                self
            }
        }
    }
}

/// `clear_{field}()` for a map that may be sent empty: sends `field=`, which Stripe takes as
/// "remove every key". Left out if another field already has that name.
fn clear(field: &Field, fields: &[Field], rt: &syn::Path) -> Option<TokenStream> {
    let name = format!("clear_{}", field.name);
    if emptyable_map_values(&field.ty).is_none() || fields.iter().any(|f| f.name == name) {
        return None;
    }
    let (ident, method) = (format_ident!("{}", field.name), format_ident!("{}", name));
    let value = if field.optional() { quote!(Some(#rt::Emptyable::Empty)) } else { quote!(#rt::Emptyable::Empty) };
    let doc = format!(" Sends `{}=` (empty), which removes every key.", field.wire);
    Some(quote! {
        #[doc = #doc]
        pub fn #method(mut self) -> Self {
            self.#ident = #value;
            self
        }
    })
}

/// The value type of a map that may be sent empty (`Emptyable<BTreeMap<String, T>>` → `T`).
fn emptyable_map_values(ty: &Type) -> Option<&Type> {
    match ty {
        Type::Emptyable(inner) => match &**inner {
            Type::Map(values) => Some(values),
            _ => None,
        },
        _ => None,
    }
}
