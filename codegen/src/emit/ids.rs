//! Typed ids: a string newtype per resource.

use proc_macro2::TokenStream;
use quote::quote;

/// The newtype, transparent on the wire, with the conversions a string-like id needs.
pub(super) fn id_type(name: &syn::Ident) -> TokenStream {
    quote! {
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct #name(String);
        impl #name {
            /// The id as sent on the wire.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;
            fn from_str(id: &str) -> Result<Self, Self::Err> {
                Ok(Self(id.to_string()))
            }
        }
        impl From<&str> for #name {
            fn from(id: &str) -> Self {
                Self(id.to_string())
            }
        }
        impl From<String> for #name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }
        impl From<#name> for String {
            fn from(id: #name) -> Self {
                id.0
            }
        }
        impl PartialEq<str> for #name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }
        impl PartialEq<&str> for #name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    }
}
