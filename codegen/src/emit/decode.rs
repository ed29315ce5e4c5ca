//! `Deserialize` for received models: from a JSON object only, through the runtime's
//! `de::FromMap`. serde's derive also compiles a visitor for a struct written as an array, and
//! its own key matcher per struct; Stripe never sends a model as an array, and a model's keys
//! are found by one search the runtime shares.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::Emitter;

// The generic parameters are `__D` and `__A`, as in serde's derive: no model's name (from heck,
// never with a leading underscore) can shadow them.
use crate::ir::Field;

impl Emitter<'_> {
    pub(super) fn map_deserialize(&self, name: &syn::Ident, fields: &[Field]) -> TokenStream {
        let rt = &self.rt;
        let expecting = format!("struct {name}");
        let mut keys: Vec<&str> = fields.iter().map(|f| f.wire.as_str()).collect();
        keys.sort_unstable();
        let read = if fields.is_empty() {
            quote! {
                while map.next_key::<serde::de::IgnoredAny>()?.is_some() {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
                Ok(Self {})
            }
        } else {
            let slot = |f: &Field| format_ident!("f_{}", f.name);
            let slots = fields.iter().map(|f| {
                let (slot, ty) = (slot(f), self.field_type(f));
                quote!(let mut #slot: Option<#ty> = None;)
            });
            let arms = fields.iter().map(|f| {
                let index = Literal::usize_unsuffixed(keys.binary_search(&f.wire.as_str()).unwrap_or_default());
                let (slot, key) = (slot(f), &f.wire);
                quote!(Some(#index) => #rt::de::field(&mut map, &mut #slot, #key)?,)
            });
            let values = fields.iter().map(|f| {
                let (ident, slot, key) = (format_ident!("{}", f.name), slot(f), &f.wire);
                if f.optional() {
                    quote!(#ident: #slot.flatten(),)
                } else {
                    quote!(#ident: #rt::de::required(#slot, #key)?,)
                }
            });
            quote! {
                #(#slots)*
                while let Some(key) = map.next_key_seed(#rt::de::FieldIndex(Self::FIELDS))? {
                    match key {
                        #(#arms)*
                        _ => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(Self { #(#values)* })
            }
        };
        quote! {
            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<__D: serde::Deserializer<'de>>(deserializer: __D) -> Result<Self, __D::Error> {
                    #rt::de::from_map(deserializer)
                }
            }
            impl #rt::de::FromMap for #name {
                const EXPECTING: &'static str = #expecting;
                const FIELDS: &'static [&'static str] = &[#(#keys),*];
                fn from_map<'de, __A: serde::de::MapAccess<'de>>(mut map: __A) -> Result<Self, __A::Error> {
                    #read
                }
            }
        }
    }
}
