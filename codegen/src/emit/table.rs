//! IR → the spec as data: one `static` shape per type and one row per operation, for code that
//! must check or produce Stripe's wire format at run time (the fake Stripe validates requests,
//! routes them and redacts objects with it) instead of keeping a hand-written list that drifts
//! from the spec.
//!
//! The output is self-contained: it starts with the definitions of the types it is written in
//! ([`contract`]), so the printer and the reader share one definition.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::error::Error;
use crate::ir::{Api, Field, Method, Operation, Segment, Type, TypeDef, TypeKind, Types};

/// Prints the tables as formatted Rust source.
pub fn render_table(api: &Api, header: &str) -> Result<String, Error> {
    let api_version = &api.api_version;
    let tables = Tables { types: &api.types };
    let contract = contract();
    let operations = api.operations.iter().map(|op| tables.operation(op));
    let shapes = api.types.iter().filter_map(|t| tables.type_def(t));
    let tokens = quote! {
        #contract
        /// The Stripe API version of the spec these tables come from.
        pub const API_VERSION: &str = #api_version;
        /// Every generated operation, sorted by path, then by method as OpenAPI lists them.
        pub static OPERATIONS: &[Operation] = &[#(#operations),*];
        #(#shapes)*
    };
    super::format_file(tokens, header)
}

/// The types the tables are written in, with what every reader needs of them (a path's match).
fn contract() -> TokenStream {
    let methods: Vec<proc_macro2::Ident> = Method::ALL.iter().map(|m| method_ident(*m)).collect();
    let spellings = Method::ALL.iter().map(|m| m.as_str());
    quote! {
        /// What a parameter or an object field holds.
        #[derive(Debug)]
        pub enum Shape {
            String,
            Integer,
            Number,
            Bool,
            /// Seconds since the epoch.
            Timestamp,
            /// Anything (or a type the runtime provides, such as Stripe's error).
            Json,
            /// One of these strings.
            Enum { values: &'static [&'static str] },
            /// An object with these fields, and no others.
            Object { fields: &'static [Field] },
            /// A string-keyed map.
            Map { of: &'static Shape },
            Array { of: &'static Shape },
            /// The first arm that fits.
            AnyOf { arms: &'static [&'static Shape] },
            /// A value, or `""` to unset it.
            Emptyable { of: &'static Shape },
            /// An id, or the object when expanded.
            Expandable { of: &'static Shape },
            /// One page of a list of these.
            List { of: &'static Shape },
        }

        /// A parameter, or a field of an object.
        #[derive(Debug)]
        pub struct Field {
            pub name: &'static str,
            pub required: bool,
            pub nullable: bool,
            /// May hold personal data (the client hides it from `Debug`; redaction replaces it).
            pub personal: bool,
            /// The spec's `maxLength`, for a string.
            pub max_length: Option<usize>,
            pub shape: &'static Shape,
        }

        /// One operation of the spec.
        #[derive(Debug)]
        pub struct Operation {
            /// The spec's `operationId`.
            pub id: &'static str,
            pub method: Method,
            pub path: PathTemplate,
            pub query: Option<&'static Shape>,
            pub body: Option<&'static Shape>,
            pub response: &'static Shape,
        }

        /// An operation's HTTP method.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Method { #(#methods),* }

        impl Method {
            /// The method HTTP spells `text`, when it is one of these.
            pub fn parse(text: &str) -> Option<Method> {
                [#(Method::#methods),*].into_iter().find(|method| method.as_str() == text)
            }

            /// The method as HTTP spells it: `GET`.
            pub fn as_str(self) -> &'static str {
                match self { #(Method::#methods => #spellings),* }
            }
        }

        /// A path template: literal segments and whole-segment placeholders.
        #[derive(Debug)]
        pub struct PathTemplate {
            /// As the spec writes it: `/v1/identity/verification_sessions/{session}`.
            pub text: &'static str,
            /// The segments after the leading `/`.
            pub segments: &'static [Segment],
        }

        /// One segment of a path template.
        #[derive(Debug)]
        pub enum Segment {
            Literal(&'static str),
            /// `{session}`, by its name.
            Placeholder(&'static str),
        }

        impl PathTemplate {
            /// The placeholders' values when `path` matches, segment for segment: an empty
            /// value (`…/verification_sessions//`) or an extra segment matches nothing.
            pub fn matches<'p>(&self, path: &'p str) -> Option<Vec<&'p str>> {
                let mut values = Vec::new();
                let mut rest = path.strip_prefix('/')?.split('/');
                for segment in self.segments {
                    let got = rest.next()?;
                    match segment {
                        Segment::Literal(want) if *want == got => {}
                        Segment::Placeholder(_) if !got.is_empty() => values.push(got),
                        _ => return None,
                    }
                }
                rest.next().is_none().then_some(values)
            }
        }
    }
}

fn method_ident(method: Method) -> proc_macro2::Ident {
    let key = method.key();
    format_ident!("{}{}", key[..1].to_uppercase(), &key[1..])
}

/// The name of the `static` that holds a generated type's shape.
fn shape_ident(type_name: &str) -> proc_macro2::Ident {
    format_ident!("{}", heck::ToShoutySnakeCase::to_shouty_snake_case(type_name))
}

/// Aliases are not given a `static`: a reference to one is a reference to what it names.
struct Tables<'a> {
    types: &'a Types,
}

impl Tables<'_> {
    fn operation(&self, op: &Operation) -> TokenStream {
        let Operation { operation_id, .. } = op;
        let method = method_ident(op.method);
        let text = op.path.to_string();
        let segments = op.path.segments.iter().map(|segment| match segment {
            Segment::Literal(literal) => quote!(Segment::Literal(#literal)),
            Segment::Placeholder(name) => quote!(Segment::Placeholder(#name)),
        });
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
                method: Method::#method,
                path: PathTemplate { text: #text, segments: &[#(#segments),*] },
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
        let (name, required, nullable, personal) = (&f.wire, f.required, f.nullable, f.personal);
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
            Type::Named(name) => match self.types.get(name).map(|t| &t.kind) {
                Some(TypeKind::Alias(aliased)) => self.shape(aliased),
                _ => {
                    let ident = shape_ident(name);
                    quote!(&#ident)
                }
            },
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
