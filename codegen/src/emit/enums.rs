//! Open string enums, and conversions between enums that carry the same values.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{is_personal, Variant, UNRECOGNIZED};

/// A string enum that keeps values it does not know in its `Unrecognized` variant. One that
/// holds personal data prints `[redacted]` as its `Debug` and `Display` (so neither a `{:?}` nor
/// a log's `%value` shows it); its value is `as_str()`.
pub(super) fn open_enum(name: &syn::Ident, variants: &[Variant], rt: &syn::Path) -> TokenStream {
    let (derive_debug, debug, display) = if is_personal(variants) {
        let debug = quote! {
            impl std::fmt::Debug for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    std::fmt::Debug::fmt(&#rt::Redacted, f)
                }
            }
        };
        (quote!(), debug, quote!(std::fmt::Debug::fmt(&#rt::Redacted, f)))
    } else {
        (quote!(Debug,), quote!(), quote!(f.write_str(self.as_str())))
    };
    let unrecognized = format_ident!("{}", UNRECOGNIZED);
    let idents: Vec<syn::Ident> = variants.iter().map(|v| format_ident!("{}", v.name)).collect();
    let values: Vec<&str> = variants.iter().map(|v| v.value.as_str()).collect();
    let docs = values.iter().map(|v| format!(" `{v}`"));
    quote! {
        #[derive(Clone, #derive_debug PartialEq, Eq, Hash, PartialOrd, Ord)]
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
                #display
            }
        }
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #rt::de::from_str_value(deserializer, |value: &str| Self::from(value))
            }
        }
        #debug
    }
}

/// `From` between related enums (see `lower::passes::enum_conversions`).
pub(super) fn conversions(conversions: &[(String, String)]) -> TokenStream {
    let impls = conversions.iter().map(|(from, to)| {
        let (from, to) = (format_ident!("{}", from), format_ident!("{}", to));
        quote! {
            impl From<#from> for #to {
                fn from(value: #from) -> Self {
                    Self::from(value.as_str())
                }
            }
        }
    });
    quote!(#(#impls)*)
}
