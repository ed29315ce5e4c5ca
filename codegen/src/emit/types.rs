//! Models, params structs and unions. Every generated type is `#[non_exhaustive]`, so a spec bump
//! that adds a field, a variant or an enum value breaks no user's code.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc_attrs, Emitter};
use crate::ir::{Field, Struct, Type, TypeDef, TypeKind, Union, UNRECOGNIZED};

impl Emitter<'_> {
    pub(super) fn type_def(&self, def: &TypeDef) -> TokenStream {
        let doc = doc_attrs(&def.doc);
        let name = format_ident!("{}", def.name);
        let body = match &def.kind {
            TypeKind::Struct(s) => self.structure(&name, s, def.role.sent),
            TypeKind::Enum(variants) => super::enums::open_enum(&name, variants, &self.rt),
            TypeKind::Union(union) => self.union(&name, union),
            TypeKind::Alias(ty) => {
                let ty = self.ty(ty);
                quote!(pub type #name = #ty;)
            }
            TypeKind::Id => super::ids::id_type(&name),
        };
        quote!(#doc #body)
    }

    pub(super) fn field_type(&self, field: &Field) -> TokenStream {
        let ty = self.ty(&field.ty);
        if field.optional() {
            quote!(Option<#ty>)
        } else {
            ty
        }
    }

    fn structure(&self, name: &syn::Ident, s: &Struct, sent: bool) -> TokenStream {
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
        let redacts = s.fields.iter().any(|f| f.personal);
        let mut derives = vec![quote!(Clone)];
        if !redacts {
            derives.push(quote!(Debug));
        }
        // Params with nothing required derive `Default`; a model's is its `new()` (below).
        if sent && s.fields.iter().all(Field::optional) {
            derives.push(quote!(Default));
        }
        derives.extend([quote!(PartialEq), quote!(serde::Serialize)]);
        // What is sent keeps serde's derive (the fake reads params with it); what is only
        // received decodes through the runtime, with less code per model.
        let decode = if sent {
            derives.push(quote!(serde::Deserialize));
            None
        } else {
            Some(self.map_deserialize(name, &s.fields))
        };
        let debug = redacts.then(|| redacted_debug(name, &s.fields, rt));
        let setters = if sent { self.setters(name, &s.fields) } else { self.model_builder(name, &s.fields) };
        let object = s.object_id.as_ref().map(|id| {
            let (id_type, id_ref) = match id {
                Type::Named(_) => {
                    let id = self.ty(id);
                    (id.clone(), id)
                }
                _ => (quote!(str), quote!(str)),
            };
            quote! {
                impl #rt::Object for #name {
                    type Id = #id_type;
                    fn id(&self) -> &#id_ref {
                        &self.id
                    }
                }
            }
        });
        quote! {
            #[derive(#(#derives),*)]
            #[non_exhaustive]
            pub struct #name { #(#fields)* }
            #decode
            #setters
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
        let debug = union_debug(name, union, rt);
        if !union.tagged {
            return quote! {
                #[derive(Clone, PartialEq, serde::Serialize, serde::Deserialize)]
                #[serde(untagged)]
                #[non_exhaustive]
                pub enum #name { #(#idents(#types),)* }
                #debug
                #(#conversions)*
            };
        }
        let unrecognized = format_ident!("{}", UNRECOGNIZED);
        let decode = tagged_deserialize(name, union);
        let object = union.has_id.then(|| {
            quote! {
                impl #rt::Object for #name {
                    type Id = str;
                    fn id(&self) -> &str {
                        match self {
                            #(Self::#idents(object) => AsRef::<str>::as_ref(&object.id),)*
                            Self::#unrecognized(value) => value.get("id").and_then(serde_json::Value::as_str).unwrap_or_default(),
                        }
                    }
                }
            }
        });
        quote! {
            #[derive(Clone, PartialEq, serde::Serialize)]
            #[serde(untagged)]
            #[non_exhaustive]
            pub enum #name {
                #(#idents(#types),)*
                /// An object of a kind this version of the spec does not list, kept as JSON.
                #unrecognized(serde_json::Value),
            }
            #debug
            #decode
            #(#conversions)*
            #object
        }
    }
}

/// `Deserialize` for a tagged union: dispatches on the `object` field; another kind is kept as JSON.
fn tagged_deserialize(name: &syn::Ident, union: &Union) -> TokenStream {
    let unrecognized = format_ident!("{}", UNRECOGNIZED);
    let idents = union.arms.iter().map(|arm| format_ident!("{}", arm.name));
    let tags = union.arms.iter().map(|a| a.tag.as_deref().unwrap_or_default());
    quote! {
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
    }
}

/// `Debug` for a union: an arm whose type can hold personal data prints `[redacted]`, and an
/// object of an unknown kind only its `object`.
fn union_debug(name: &syn::Ident, union: &Union, rt: &syn::Path) -> TokenStream {
    let arms = union.arms.iter().map(|arm| {
        let ident = format_ident!("{}", arm.name);
        let label = &arm.name;
        if arm.personal {
            quote!(Self::#ident(_) => f.debug_tuple(#label).field(&#rt::Redacted).finish(),)
        } else {
            quote!(Self::#ident(value) => f.debug_tuple(#label).field(value).finish(),)
        }
    });
    let unrecognized = union.tagged.then(|| {
        let ident = format_ident!("{}", UNRECOGNIZED);
        quote! {
            Self::#ident(value) => f
                .debug_struct(#UNRECOGNIZED)
                .field("object", &value.get("object").and_then(serde_json::Value::as_str))
                .finish_non_exhaustive(),
        }
    });
    quote! {
        impl std::fmt::Debug for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    #(#arms)*
                    #unrecognized
                }
            }
        }
    }
}

/// `Debug` that prints `[redacted]` for the values whose type can hold personal data.
fn redacted_debug(name: &syn::Ident, fields: &[Field], rt: &syn::Path) -> TokenStream {
    let label = name.to_string();
    let entries = fields.iter().map(|f| {
        let ident = format_ident!("{}", f.name);
        let key = &f.name;
        match (f.personal, f.optional()) {
            (false, _) => quote!(.field(#key, &self.#ident)),
            (true, true) => quote!(.field(#key, &self.#ident.as_ref().map(|_| #rt::Redacted))),
            (true, false) => quote!(.field(#key, &#rt::Redacted)),
        }
    });
    quote! {
        impl std::fmt::Debug for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#label) #(#entries)* .finish_non_exhaustive()
            }
        }
    }
}
