//! The model of what will be emitted. It knows Rust shapes, not OpenAPI: `lower` builds it,
//! `emit` prints it, and `diff` compares two of them.

use std::collections::BTreeMap;

/// Everything generated from one spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// The `Stripe-Version` the generated code was made for.
    pub api_version: String,
    pub types: Types,
    pub operations: Vec<Operation>,
    /// `(from, to)`: enums that convert into each other with `From`.
    pub conversions: Vec<(String, String)>,
}

/// Every type of an API, sorted by name, with the one index by name that every pass and printer
/// looks types up in. Passes change what a type holds, never its name.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Types {
    defs: Vec<TypeDef>,
    index: BTreeMap<String, usize>,
}

impl Types {
    /// Sorts the definitions by name and indexes them.
    pub fn new(mut defs: Vec<TypeDef>) -> Types {
        defs.sort_by(|a, b| a.name.cmp(&b.name));
        let index = defs.iter().enumerate().map(|(i, t)| (t.name.clone(), i)).collect();
        Types { defs, index }
    }

    /// The type named `name`.
    pub fn get(&self, name: &str) -> Option<&TypeDef> {
        self.position(name).map(|i| &self.defs[i])
    }

    /// Where the type named `name` is in the (sorted) list.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// The definitions, for the passes to change what they hold (never a name: the index keys
    /// on it, so this stays inside the generator).
    pub(crate) fn iter_mut(&mut self) -> std::slice::IterMut<'_, TypeDef> {
        self.defs.iter_mut()
    }
}

impl FromIterator<TypeDef> for Types {
    fn from_iter<I: IntoIterator<Item = TypeDef>>(defs: I) -> Types {
        Types::new(defs.into_iter().collect())
    }
}

impl IntoIterator for Types {
    type Item = TypeDef;
    type IntoIter = std::vec::IntoIter<TypeDef>;

    fn into_iter(self) -> Self::IntoIter {
        self.defs.into_iter()
    }
}

impl<'t> IntoIterator for &'t Types {
    type Item = &'t TypeDef;
    type IntoIter = std::slice::Iter<'t, TypeDef>;

    fn into_iter(self) -> Self::IntoIter {
        self.defs.iter()
    }
}

impl std::ops::Deref for Types {
    type Target = [TypeDef];

    fn deref(&self) -> &[TypeDef] {
        &self.defs
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// The Rust type name.
    pub name: String,
    /// Where it comes from: a component name, or the JSON pointer of an inline schema.
    pub origin: String,
    /// Rustdoc Markdown.
    pub doc: String,
    pub kind: TypeKind,
    /// Which way it travels (set once every operation is lowered).
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    Struct(Struct),
    /// An open string enum: values the spec does not list are kept, not rejected.
    Enum(Vec<Variant>),
    /// A union (`anyOf` / `oneOf`).
    Union(Union),
    /// A schema that is just another type (`type: string` with a name).
    Alias(Type),
    /// The id of one resource (`x-resourceId`): a string newtype, so ids of different resources
    /// cannot be mixed up.
    Id,
}

impl TypeKind {
    /// The types this definition holds (fields, arms, the aliased type): the one walk over a
    /// definition that every pass shares.
    pub fn types_mut(&mut self) -> Vec<&mut Type> {
        match self {
            TypeKind::Struct(s) => s.fields.iter_mut().map(|f| &mut f.ty).collect(),
            TypeKind::Union(union) => union.arms.iter_mut().map(|a| &mut a.ty).collect(),
            TypeKind::Alias(ty) => vec![ty],
            TypeKind::Enum(_) | TypeKind::Id => Vec::new(),
        }
    }

    /// [`TypeKind::types_mut`], read-only.
    pub fn types(&self) -> Vec<&Type> {
        match self {
            TypeKind::Struct(s) => s.fields.iter().map(|f| &f.ty).collect(),
            TypeKind::Union(union) => union.arms.iter().map(|a| &a.ty).collect(),
            TypeKind::Alias(ty) => vec![ty],
            TypeKind::Enum(_) | TypeKind::Id => Vec::new(),
        }
    }
}

/// Which way a type travels: a sent one gets `new` and setters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Role {
    /// Reached from a request's query or body.
    pub sent: bool,
    /// Reached from a response.
    pub received: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// The type of its required `id` when it is a Stripe object (`Named` for a typed id,
    /// `String` otherwise): it implements the runtime's `Object` trait.
    pub object_id: Option<Type>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The Rust field name.
    pub name: String,
    /// The JSON / form key.
    pub wire: String,
    pub doc: String,
    pub ty: Type,
    /// Listed in `required` (or a required parameter).
    pub required: bool,
    /// May be `null`.
    pub nullable: bool,
    /// May hold personal data, so hidden from `Debug` (and replaced when an object is redacted):
    /// decided by type, so a field a future spec adds is personal unless its type is one that
    /// cannot hold personal data (see `lower::passes::mark_personal`).
    pub personal: bool,
    /// The spec's `maxLength` of a string field: what a server checking requests enforces.
    pub max_length: Option<usize>,
}

impl Field {
    /// May be absent or null: emitted as `Option<ty>`.
    pub fn optional(&self) -> bool {
        self.nullable || !self.required
    }
}

/// The value Stripe puts in a personal field of a redacted object: an enum that lists it holds
/// personal data (a person's `sex`), by the spec's own word.
pub const REDACTED_VALUE: &str = "[redacted]";

/// The catch-all variant of every open enum: it keeps a value the spec does not list.
pub const UNRECOGNIZED: &str = "Unrecognized";

/// Whether an enum with these variants holds personal data (it lists [`REDACTED_VALUE`]).
pub fn is_personal(variants: &[Variant]) -> bool {
    variants.iter().any(|v| v.value == REDACTED_VALUE)
}

#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    pub arms: Vec<Arm>,
    /// Every arm is a Stripe object with its own `object` value: decoding dispatches on it, and
    /// an object of another kind is kept as JSON. Otherwise the first arm that decodes wins.
    pub tagged: bool,
    /// Tagged, and every arm has an id: it implements the runtime's `Object` trait (with a
    /// plain string id, since the arms' typed ids differ and an unknown kind has none).
    pub has_id: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Arm {
    pub name: String,
    pub ty: Type,
    /// The arm's `object` value, when it has one.
    pub tag: Option<String>,
    /// May hold personal data, by the same rule as a field.
    pub personal: bool,
}

/// A Rust type expression.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Type {
    String,
    Bool,
    Integer,
    Number,
    /// Seconds since the epoch (`format: unix-time`).
    Timestamp,
    /// Anything: `serde_json::Value`.
    Json,
    /// A generated type.
    Named(String),
    /// A type the runtime provides instead of a generated one (path relative to the runtime).
    Provided(String),
    Vec(Box<Type>),
    /// A string-keyed map (`additionalProperties`).
    Map(Box<Type>),
    /// Breaks a cycle of types that contain each other.
    Boxed(Box<Type>),
    /// An id, or the object when expanded.
    Expandable(Box<Type>),
    /// A value, or the empty string that unsets it.
    Emptyable(Box<Type>),
    /// One page of a list (`object: "list"`).
    List(Box<Type>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The function name.
    pub name: String,
    pub operation_id: String,
    pub doc: String,
    pub method: Method,
    pub path: PathTemplate,
    /// One per placeholder of the path, in order.
    pub path_params: Vec<PathParam>,
    /// The params struct sent as the query string.
    pub query: Option<String>,
    /// The params struct sent as the form body.
    pub body: Option<String>,
    pub response: Type,
}

/// The HTTP methods an OpenAPI operation may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    /// Every method, as OpenAPI lists a path item's operations.
    pub const ALL: [Method; 8] = [
        Method::Get,
        Method::Put,
        Method::Post,
        Method::Delete,
        Method::Options,
        Method::Head,
        Method::Patch,
        Method::Trace,
    ];

    /// The method of a path item's key (`get`, `post`, …).
    pub fn from_key(key: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.key() == key)
    }

    /// The path item's key: `get`.
    pub fn key(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Put => "put",
            Method::Post => "post",
            Method::Delete => "delete",
            Method::Options => "options",
            Method::Head => "head",
            Method::Patch => "patch",
            Method::Trace => "trace",
        }
    }

    /// The method as HTTP spells it: `GET`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A path template parsed once (`/v1/identity/verification_sessions/{session}`): literal
/// segments and whole-segment placeholders. Naming, the endpoint functions and the fake's
/// router all read it from here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate {
    /// The segments after the leading `/`.
    pub segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Literal(String),
    /// `{session}`: the placeholder's name, as in the spec.
    Placeholder(String),
}

impl PathTemplate {
    /// Parses a template: `None` unless it starts with `/` and every brace pair is a whole
    /// segment named with letters, digits and `_`.
    pub fn parse(path: &str) -> Option<PathTemplate> {
        let rest = path.strip_prefix('/')?;
        let segments = rest
            .split('/')
            .map(|segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
                    Some(Segment::Placeholder(name.to_string()))
                }
                Some(_) => None,
                None if segment.contains(['{', '}']) => None,
                None => Some(Segment::Literal(segment.to_string())),
            })
            .collect::<Option<Vec<_>>>()?;
        Some(PathTemplate { segments })
    }

    /// The placeholders' names, in order.
    pub fn placeholders(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Placeholder(name) => Some(name.as_str()),
            Segment::Literal(_) => None,
        })
    }

    /// The literal segment right before placeholder `name`: the collection it picks from
    /// (`verification_sessions` for `{session}`).
    pub fn collection_of(&self, name: &str) -> Option<&str> {
        self.segments.windows(2).find_map(|pair| match pair {
            [Segment::Literal(collection), Segment::Placeholder(p)] if p == name => Some(collection.as_str()),
            _ => None,
        })
    }

    /// The template with each placeholder spelled by `placeholder` (its name in, its text out).
    pub fn format(&self, mut placeholder: impl FnMut(&str) -> String) -> String {
        let mut out = String::new();
        for segment in &self.segments {
            out.push('/');
            match segment {
                Segment::Literal(text) => out.push_str(text),
                Segment::Placeholder(name) => out.push_str(&placeholder(name)),
            }
        }
        out
    }
}

/// The template as the spec writes it.
impl std::fmt::Display for PathTemplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.format(|name| format!("{{{name}}}")))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PathParam {
    pub name: String,
    pub wire: String,
    /// The typed id it takes (`VerificationSessionId`), when the placeholder names the
    /// resource the operation returns; a plain string otherwise.
    pub id: Option<String>,
}

impl Type {
    /// The type one level down (`Vec<T>` → `T`), if any.
    pub fn inner(&self) -> Option<&Type> {
        match self {
            Type::Vec(inner)
            | Type::Map(inner)
            | Type::Boxed(inner)
            | Type::Expandable(inner)
            | Type::Emptyable(inner)
            | Type::List(inner) => Some(inner),
            _ => None,
        }
    }

    /// The generated type names this type mentions, at any depth.
    pub fn named(&self) -> Vec<&str> {
        let mut out = Vec::new();
        let mut ty = Some(self);
        while let Some(t) = ty {
            if let Type::Named(name) = t {
                out.push(name.as_str());
            }
            ty = t.inner();
        }
        out
    }
}

/// The Rust spelling, relative to the generated module (`crate::` runtime paths left out).
impl std::fmt::Display for Type {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Type::String => f.write_str("String"),
            Type::Bool => f.write_str("bool"),
            Type::Integer => f.write_str("i64"),
            Type::Number => f.write_str("f64"),
            Type::Timestamp => f.write_str("Timestamp"),
            Type::Json => f.write_str("serde_json::Value"),
            Type::Named(name) | Type::Provided(name) => f.write_str(name),
            Type::Vec(inner) => write!(f, "Vec<{inner}>"),
            Type::Map(inner) => write!(f, "BTreeMap<String, {inner}>"),
            Type::Boxed(inner) => write!(f, "Box<{inner}>"),
            Type::Expandable(inner) => write!(f, "Expandable<{inner}>"),
            Type::Emptyable(inner) => write!(f, "Emptyable<{inner}>"),
            Type::List(inner) => write!(f, "List<{inner}>"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_templates_are_whole_segments() {
        let path = PathTemplate::parse("/v1/identity/verification_sessions/{session}/cancel").unwrap();
        assert_eq!(path.placeholders().collect::<Vec<_>>(), ["session"]);
        assert_eq!(path.collection_of("session"), Some("verification_sessions"));
        assert_eq!(path.to_string(), "/v1/identity/verification_sessions/{session}/cancel");
        assert_eq!(path.format(|name| format!("<{name}>")), "/v1/identity/verification_sessions/<session>/cancel");
        for malformed in ["v1/x", "/v1/{}", "/v1/{a-b}", "/v1/x{id}", "/v1/{id}.json", "/v1/}x{", "/v1/{{id}}"] {
            assert_eq!(PathTemplate::parse(malformed), None, "{malformed}");
        }
    }

    #[test]
    fn methods_read_back_from_their_keys() {
        for method in Method::ALL {
            assert_eq!(Method::from_key(method.key()), Some(method));
            assert_eq!(method.as_str(), method.key().to_uppercase());
        }
        assert_eq!(Method::from_key("GET"), None);
    }
}
