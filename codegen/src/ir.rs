//! The model of what will be emitted. It knows Rust shapes, not OpenAPI: `lower` builds it,
//! `emit` prints it, and `diff` compares two of them.

/// Everything generated from one spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// The `Stripe-Version` the generated code was made for.
    pub api_version: String,
    pub types: Vec<TypeDef>,
    pub operations: Vec<Operation>,
    /// `(from, to)`: enums that convert into each other with `From`.
    pub conversions: Vec<(String, String)>,
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
    /// Hidden from `Debug`: decided by type, so a field a future spec adds is hidden unless its
    /// type is one that cannot hold personal data (see `lower::passes::redact_by_type`).
    pub redacted: bool,
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
    /// Hidden from `Debug`, by the same rule as a field.
    pub redacted: bool,
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
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template as in the spec, such as `/v1/identity/verification_sessions/{session}`.
    pub path: String,
    pub path_params: Vec<PathParam>,
    /// The params struct sent as the query string.
    pub query: Option<String>,
    /// The params struct sent as the form body.
    pub body: Option<String>,
    pub response: Type,
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
