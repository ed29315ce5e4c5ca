//! `Deserialize` for received models: from a JSON object only, through the runtime's
//! `de::FromMap`. serde's derive also compiles, per struct, a visitor for the struct written as
//! an array and a key visitor with its own enum; Stripe never sends a model as an array, and a
//! model here matches the runtime's shared `de::Key` in one `match` (as fast as the derive's).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Emitter;

// The generic parameters are `__D` and `__A`, as in serde's derive: no model's name (from heck,
// never with a leading underscore) can shadow them. The slots are `f_<field>`, so no field's
// name shadows `map` or `key`.
use crate::ir::Field;

impl Emitter<'_> {
    pub(super) fn map_deserialize(&self, name: &syn::Ident, fields: &[Field]) -> TokenStream {
        let rt = &self.rt;
        let expecting = format!("struct {name}");
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
                let (slot, key) = (slot(f), &f.wire);
                quote!(#key => #rt::de::field(&mut map, &mut #slot, #key)?,)
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
                while let Some(key) = map.next_key::<#rt::de::Key<'de>>()? {
                    match key.as_str() {
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
                fn from_map<'de, __A: serde::de::MapAccess<'de>>(mut map: __A) -> Result<Self, __A::Error> {
                    #read
                }
            }
        }
    }
}
