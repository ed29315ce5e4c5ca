//! Open string enums, and conversions between enums that carry the same values.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{TypeDef, TypeKind, Variant};
use crate::lower::UNRECOGNIZED;

/// A string enum that keeps values it does not know in its `Unrecognized` variant.
pub(super) fn open_enum(name: &syn::Ident, variants: &[Variant]) -> TokenStream {
    let unrecognized = format_ident!("{}", UNRECOGNIZED);
    let idents: Vec<syn::Ident> = variants.iter().map(|v| format_ident!("{}", v.name)).collect();
    let values: Vec<&str> = variants.iter().map(|v| v.value.as_str()).collect();
    let docs = values.iter().map(|v| format!(" `{v}`"));
    quote! {
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#[doc = #docs] #idents,)*
            /// A value this version of the spec does not list, kept as sent.
            #unrecognized(String),
        }
        impl #name {
            /// The value on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#idents => #values,)*
                    Self::#unrecognized(value) => value,
                }
            }
        }
        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#values => Self::#idents,)*
                    other => Self::#unrecognized(other.to_string()),
                }
            }
        }
        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <String as serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from(value.as_str()))
            }
        }
    }
}

/// The most enums one enum converts into. Stripe repeats some lists dozens of times (countries,
/// payment method types); conversions among those would be quadratic and dwarf the code.
const MAX_RELATED: usize = 8;

/// `From` between enums where one's values are among the other's (at least two shared), such
/// as a session's `type_` and a create call's `type_`: identical or related enums are never
/// merged silently, yet convert freely. Both are open, so a value the target does not list
/// travels as its `Unrecognized` and is sent back unchanged.
pub(super) fn conversions(types: &[TypeDef]) -> TokenStream {
    let enums: Vec<(&str, BTreeSet<&str>)> = types
        .iter()
        .filter_map(|def| match &def.kind {
            TypeKind::Enum(variants) => Some((def.name.as_str(), variants.iter().map(|v| v.value.as_str()).collect())),
            _ => None,
        })
        .collect();
    let related =
        |a: &BTreeSet<&str>, b: &BTreeSet<&str>| a.len().min(b.len()) >= 2 && (a.is_subset(b) || b.is_subset(a));
    let impls = enums.iter().flat_map(|(from, from_values)| {
        let targets: Vec<&str> = enums
            .iter()
            .filter(|(to, to_values)| to != from && related(from_values, to_values))
            .map(|(to, _)| *to)
            .collect();
        let targets = if targets.len() > MAX_RELATED { Vec::new() } else { targets };
        targets.into_iter().map(move |to| {
            let (from, to) = (format_ident!("{}", from), format_ident!("{}", to));
            quote! {
                impl From<#from> for #to {
                    fn from(value: #from) -> Self {
                        Self::from(value.as_str())
                    }
                }
            }
        })
    });
    quote!(#(#impls)*)
}
