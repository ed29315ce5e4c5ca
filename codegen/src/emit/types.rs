//! Models, params structs, open enums and unions.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc_attrs, Emitter};
use crate::ir::{Field, Struct, TypeDef, TypeKind, Union, Variant};
use crate::lower::UNRECOGNIZED;

impl Emitter {
    pub(super) fn type_def(&self, def: &TypeDef) -> TokenStream {
        let doc = doc_attrs(&def.doc);
        let name = format_ident!("{}", def.name);
        let body = match &def.kind {
            TypeKind::Struct(s) => self.structure(&name, s),
            TypeKind::Enum(variants) => open_enum(&name, variants),
            TypeKind::Union(union) => self.union(&name, union),
            TypeKind::Alias(ty) => {
                let ty = self.ty(ty);
                quote!(pub type #name = #ty;)
            }
        };
        quote!(#doc #body)
    }

    fn field_type(&self, field: &Field) -> TokenStream {
        let ty = self.ty(&field.ty);
        if field.optional() {
            quote!(Option<#ty>)
        } else {
            ty
        }
    }

    fn structure(&self, name: &syn::Ident, s: &Struct) -> TokenStream {
        let rt = &self.rt;
        let fields = s.fields.iter().map(|f| {
            let doc = doc_attrs(&f.doc);
            let ident = format_ident!("{}", f.name);
            let ty = self.field_type(f);
            let wire = &f.wire;
            let rename = (f.name != f.wire).then(|| quote!(#[serde(rename = #wire)]));
            let skip = f.optional().then(|| quote!(#[serde(skip_serializing_if = "Option::is_none")]));
            quote!(#doc #rename #skip pub #ident: #ty,)
        });
        let redacts = s.fields.iter().any(|f| f.sensitive);
        let required: Vec<&Field> = s.fields.iter().filter(|f| !f.optional()).collect();
        let mut derives = vec![quote!(Clone)];
        if !redacts {
            derives.push(quote!(Debug));
        }
        if required.is_empty() {
            derives.push(quote!(Default));
        }
        derives.extend([quote!(PartialEq), quote!(serde::Serialize)]);
        if !s.params {
            derives.push(quote!(serde::Deserialize));
        }
        let debug = redacts.then(|| redacted_debug(name, &s.fields, rt));
        let constructor = (s.params && !required.is_empty()).then(|| {
            let args = required.iter().map(|f| {
                let ident = format_ident!("{}", f.name);
                let ty = self.field_type(f);
                quote!(#ident: #ty)
            });
            let inits = s.fields.iter().map(|f| {
                let ident = format_ident!("{}", f.name);
                if f.optional() {
                    quote!(#ident: None)
                } else {
                    quote!(#ident)
                }
            });
            quote! {
                impl #name {
                    /// Parameters with the required fields set and every optional one left out.
                    pub fn new(#(#args),*) -> Self {
                        Self { #(#inits),* }
                    }
                }
            }
        });
        let object = s.has_id.then(|| {
            quote! {
                impl #rt::Object for #name {
                    fn id(&self) -> &str {
                        &self.id
                    }
                }
            }
        });
        quote! {
            #[derive(#(#derives),*)]
            pub struct #name { #(#fields)* }
            #constructor
            #debug
            #object
        }
    }

    fn union(&self, name: &syn::Ident, union: &Union) -> TokenStream {
        let rt = &self.rt;
        let arms = &union.arms;
        let idents: Vec<syn::Ident> = arms.iter().map(|arm| format_ident!("{}", arm.name)).collect();
        let types: Vec<TokenStream> = arms.iter().map(|arm| self.ty(&arm.ty)).collect();
        // `From` only where an arm's type appears once, or the conversion would be ambiguous.
        let conversions = arms
            .iter()
            .zip(&idents)
            .zip(&types)
            .filter(|((arm, _), _)| arms.iter().filter(|a| a.ty == arm.ty).count() == 1)
            .map(|((_, ident), ty)| {
                quote! {
                    impl From<#ty> for #name {
                        fn from(value: #ty) -> Self {
                            Self::#ident(value)
                        }
                    }
                }
            });
        if !union.tagged {
            return quote! {
                #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
                #[serde(untagged)]
                pub enum #name { #(#idents(#types),)* }
                #(#conversions)*
            };
        }
        let unrecognized = format_ident!("{}", UNRECOGNIZED);
        let tags: Vec<&str> = arms.iter().map(|a| a.tag.as_deref().unwrap_or_default()).collect();
        let object = union.has_id.then(|| {
            quote! {
                impl #rt::Object for #name {
                    fn id(&self) -> &str {
                        match self {
                            #(Self::#idents(object) => &object.id,)*
                            Self::#unrecognized(value) => value.get("id").and_then(serde_json::Value::as_str).unwrap_or_default(),
                        }
                    }
                }
            }
        });
        quote! {
            #[derive(Clone, Debug, PartialEq, serde::Serialize)]
            #[serde(untagged)]
            pub enum #name {
                #(#idents(#types),)*
                /// An object of a kind this version of the spec does not list, kept as JSON.
                #unrecognized(serde_json::Value),
            }
            /// Dispatches on the `object` field.
            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                    let decoded = match value.get("object").and_then(serde_json::Value::as_str) {
                        #(Some(#tags) => serde_json::from_value(value).map(Self::#idents),)*
                        _ => Ok(Self::#unrecognized(value)),
                    };
                    decoded.map_err(serde::de::Error::custom)
                }
            }
            #(#conversions)*
            #object
        }
    }
}

/// `Debug` that prints `[redacted]` for personal data and secrets.
fn redacted_debug(name: &syn::Ident, fields: &[Field], rt: &syn::Path) -> TokenStream {
    let label = name.to_string();
    let entries = fields.iter().map(|f| {
        let ident = format_ident!("{}", f.name);
        let key = &f.name;
        match (f.sensitive, f.optional()) {
            (false, _) => quote!(.field(#key, &self.#ident)),
            (true, true) => quote!(.field(#key, &self.#ident.as_ref().map(|_| #rt::Redacted))),
            (true, false) => quote!(.field(#key, &#rt::Redacted)),
        }
    });
    quote! {
        impl std::fmt::Debug for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#label) #(#entries)* .finish()
            }
        }
    }
}

/// A string enum that keeps values it does not know in its `Unrecognized` variant.
fn open_enum(name: &syn::Ident, variants: &[Variant]) -> TokenStream {
    let unrecognized = format_ident!("{}", UNRECOGNIZED);
    let idents: Vec<syn::Ident> = variants.iter().map(|v| format_ident!("{}", v.name)).collect();
    let values: Vec<&str> = variants.iter().map(|v| v.value.as_str()).collect();
    let docs = values.iter().map(|v| format!(" `{v}`"));
    quote! {
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
