//! What a schema is, decided once: every Stripe convention that turns a schema into a class of
//! Rust type (nullable wrappers, expandable ids, `""` to unset, lists, `unix-time`) lives here.

use std::borrow::Borrow;

use openapiv3::{
    AdditionalProperties, ObjectType, ReferenceOr, Schema, SchemaKind, StringType, Type as Kind,
    VariantOrUnknownOrEmpty,
};

use crate::error::Error;
use crate::ir::Type;
use crate::pointer;
use crate::subset::Components;

/// A schema in place: a `$ref`, or the schema itself.
#[derive(Debug, Clone, Copy)]
pub enum Node<'s> {
    Ref(&'s str),
    Item(&'s Schema),
}

impl<'s> Node<'s> {
    pub fn of<S: Borrow<Schema>>(schema: &'s ReferenceOr<S>) -> Self {
        match schema {
            ReferenceOr::Reference { reference } => Node::Ref(reference),
            ReferenceOr::Item(schema) => Node::Item(schema.borrow()),
        }
    }

    /// The `maxLength` of a string schema in place, or of the string arm of an inline `anyOf`
    /// (Stripe's `anyOf [string, enum [""]]`); a `$ref` keeps its own limits.
    pub fn max_length(&self) -> Option<usize> {
        let Node::Item(schema) = self else { return None };
        match &schema.schema_kind {
            openapiv3::SchemaKind::Type(openapiv3::Type::String(string)) => string.max_length,
            openapiv3::SchemaKind::AnyOf { any_of } => any_of.iter().find_map(|arm| Node::of(arm).max_length()),
            _ => None,
        }
    }
}

/// A child schema with its JSON pointer.
pub type Child<'s> = (String, Node<'s>);

/// What a schema is, as lowering sees it: the class of Rust type it becomes.
pub enum Class<'s> {
    /// A component, by name.
    Ref(&'s str),
    /// An id, or (with `expand[]`) one of these objects.
    Expandable(Vec<Child<'s>>),
    /// One of several schemas.
    Union(Vec<Child<'s>>),
    /// A wrapper of one schema (Stripe's `anyOf: [$ref]` with `nullable`).
    One(Child<'s>),
    /// `allOf`: the properties of every part.
    Merge(Vec<Child<'s>>),
    /// An open string enum.
    Enum(Vec<String>),
    /// One page of a list: the schema of its items.
    List(Child<'s>),
    /// An object with named properties (possibly none).
    Object(&'s ObjectType),
    /// A string-keyed map.
    Map(Child<'s>),
    Array(Option<Child<'s>>),
    Scalar(Type),
}

/// A class, and whether the value may be `null` or the empty string that unsets it.
pub struct Classified<'s> {
    pub class: Class<'s>,
    pub nullable: bool,
    pub emptyable: bool,
}

/// Classifies one schema.
pub fn classify<'s>(node: Node<'s>, pointer: &str, components: &'s Components) -> Result<Classified<'s>, Error> {
    let schema = match node {
        Node::Ref(reference) => {
            let name = pointer::component_name(reference, pointer)?;
            return Ok(Classified { class: Class::Ref(name), nullable: false, emptyable: false });
        }
        Node::Item(schema) => schema,
    };
    let mut classified =
        Classified { class: Class::Scalar(Type::Json), nullable: schema.schema_data.nullable, emptyable: false };
    classified.class = match &schema.schema_kind {
        SchemaKind::AnyOf { any_of: arms } | SchemaKind::OneOf { one_of: arms } => {
            let at = pointer::push(pointer, pointer::combinator(&schema.schema_kind));
            alternatives(arms, &at, &mut classified, components)
        }
        SchemaKind::AllOf { all_of } => {
            let at = pointer::push(pointer, "allOf");
            let mut parts: Vec<Child<'s>> = all_of
                .iter()
                .enumerate()
                .map(|(i, part)| (pointer::push(&at, &i.to_string()), Node::of(part)))
                .collect();
            match parts.len() {
                0 => Class::Scalar(Type::Json),
                1 => Class::One(parts.remove(0)),
                _ => Class::Merge(parts),
            }
        }
        SchemaKind::Type(Kind::String(string)) => {
            classified.nullable |= string.enumeration.iter().any(Option::is_none);
            match string_values(string) {
                values if values.is_empty() => Class::Scalar(Type::String),
                values => Class::Enum(values),
            }
        }
        SchemaKind::Type(Kind::Integer(integer)) => match &integer.format {
            VariantOrUnknownOrEmpty::Unknown(format) if format == "unix-time" => Class::Scalar(Type::Timestamp),
            _ => Class::Scalar(Type::Integer),
        },
        SchemaKind::Type(Kind::Number(_)) => Class::Scalar(Type::Number),
        SchemaKind::Type(Kind::Boolean(_)) => Class::Scalar(Type::Bool),
        SchemaKind::Type(Kind::Array(array)) => {
            Class::Array(array.items.as_ref().map(|items| (pointer::push(pointer, "items"), Node::of(items))))
        }
        SchemaKind::Type(Kind::Object(object)) => object_class(object, pointer)?,
        SchemaKind::Any(_) => Class::Scalar(Type::Json),
        SchemaKind::Not { .. } => {
            return Err(Error::at(pointer::push(pointer, "not"), "`not` schemas are not supported"))
        }
    };
    Ok(classified)
}

/// `anyOf` / `oneOf`: `""` makes the value emptyable, a nullable arm makes it nullable, and
/// what is left is one schema, an expandable id, or a union.
fn alternatives<'s>(
    arms: &'s [ReferenceOr<Schema>],
    at: &str,
    classified: &mut Classified<'s>,
    components: &'s Components,
) -> Class<'s> {
    let mut real = Vec::new();
    for (i, arm) in arms.iter().enumerate() {
        let node = Node::of(arm);
        if is_empty_string_enum(node) {
            classified.emptyable = true;
            continue;
        }
        classified.nullable |= matches!(node, Node::Item(s) if s.schema_data.nullable);
        real.push((pointer::push(at, &i.to_string()), node));
    }
    match real.len() {
        0 => Class::Scalar(Type::String),
        1 => Class::One(real.remove(0)),
        _ if is_expandable(&real, components) => {
            Class::Expandable(real.into_iter().filter(|(_, node)| !is_plain_string(*node)).collect())
        }
        _ => Class::Union(real),
    }
}

fn object_class<'s>(object: &'s ObjectType, pointer: &str) -> Result<Class<'s>, Error> {
    if let Some(items) = list_items(object) {
        let at = pointer::push(&pointer::push(&pointer::push(pointer, "properties"), "data"), "items");
        return Ok(Class::List((at, items)));
    }
    match &object.additional_properties {
        Some(AdditionalProperties::Schema(values)) if object.properties.is_empty() => {
            Ok(Class::Map((pointer::push(pointer, "additionalProperties"), Node::of(values))))
        }
        _ => {
            only_properties(object, pointer)?;
            Ok(Class::Object(object))
        }
    }
}

/// Refuses an object with both `properties` and an `additionalProperties` schema: a struct
/// would drop the extra keys.
pub fn only_properties(object: &ObjectType, pointer: &str) -> Result<(), Error> {
    match &object.additional_properties {
        Some(AdditionalProperties::Schema(_)) => Err(Error::at(
            pointer::push(pointer, "additionalProperties"),
            "an object with both `properties` and an `additionalProperties` schema is not supported",
        )),
        _ => Ok(()),
    }
}

/// The items of one page of a Stripe list: `object: "list"`, `has_more`, `data: [items]`.
fn list_items(object: &ObjectType) -> Option<Node<'_>> {
    let item = |name: &str| match object.properties.get(name)? {
        ReferenceOr::Item(schema) => Some(&**schema),
        ReferenceOr::Reference { .. } => None,
    };
    let is_list = item("object").and_then(single_value).is_some_and(|tag| tag == "list") && item("has_more").is_some();
    match &item("data")?.schema_kind {
        SchemaKind::Type(Kind::Array(array)) if is_list => array.items.as_ref().map(Node::of),
        _ => None,
    }
}

/// The non-null string values of a string enum.
fn string_values(string: &StringType) -> Vec<String> {
    let mut values: Vec<String> = Vec::new();
    for value in string.enumeration.iter().flatten() {
        if !values.contains(value) {
            values.push(value.clone());
        }
    }
    values
}

/// The only value of a one-value string enum (`object: [identity.verification_session]`).
fn single_value(schema: &Schema) -> Option<&str> {
    match &schema.schema_kind {
        SchemaKind::Type(Kind::String(string)) => match string.enumeration.as_slice() {
            [Some(value)] => Some(value),
            _ => None,
        },
        _ => None,
    }
}

/// `enum: [""]`: Stripe's marker for "send an empty string to unset".
fn is_empty_string_enum(node: Node<'_>) -> bool {
    matches!(node, Node::Item(schema) if single_value(schema) == Some(""))
}

fn is_plain_string(node: Node<'_>) -> bool {
    matches!(node, Node::Item(Schema { schema_kind: SchemaKind::Type(Kind::String(s)), .. }) if s.enumeration.is_empty())
}

/// One id string and references to objects with ids, told apart by `object` when several.
fn is_expandable(arms: &[Child<'_>], components: &Components) -> bool {
    let strings = arms.iter().filter(|(_, a)| is_plain_string(*a)).count();
    let targets: Vec<Option<&Schema>> = arms
        .iter()
        .filter(|(_, a)| !is_plain_string(*a))
        .map(|(_, a)| match a {
            Node::Ref(reference) => pointer::resolve(reference, components),
            Node::Item(_) => None,
        })
        .collect();
    let all_objects = targets.iter().all(|t| t.is_some_and(has_object_id));
    strings == 1 && !targets.is_empty() && all_objects && (targets.len() == 1 || distinct_tags(&targets))
}

fn distinct_tags(targets: &[Option<&Schema>]) -> bool {
    let mut tags: Vec<&str> = targets.iter().filter_map(|t| t.and_then(object_tag)).collect();
    let count = tags.len();
    tags.sort_unstable();
    tags.dedup();
    count == targets.len() && tags.len() == count
}

/// The object's properties, when it is an object schema.
pub fn object_of(schema: &Schema) -> Option<&ObjectType> {
    match &schema.schema_kind {
        SchemaKind::Type(Kind::Object(object)) => Some(object),
        _ => None,
    }
}

/// A Stripe object: a required plain string `id`.
pub fn has_object_id(schema: &Schema) -> bool {
    let Some(object) = object_of(schema) else { return false };
    object.required.iter().any(|r| r == "id")
        && object.properties.get("id").is_some_and(|id| is_plain_string(Node::of(id)))
}

/// The single value of a required `object` property: what tells Stripe's objects apart.
pub fn object_tag(schema: &Schema) -> Option<&str> {
    let object = object_of(schema)?;
    if !object.required.iter().any(|r| r == "object") {
        return None;
    }
    match object.properties.get("object")? {
        ReferenceOr::Item(property) => single_value(property),
        ReferenceOr::Reference { .. } => None,
    }
}

/// Stripe's `x-resourceId`: which resource an object schema is.
pub fn resource_id(schema: &Schema) -> Option<&str> {
    schema.schema_data.extensions.get("x-resourceId")?.as_str()
}
