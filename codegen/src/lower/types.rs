//! Named types: structs (objects and `allOf` merges), unions and open enums.

use std::collections::BTreeMap;

use openapiv3::{ObjectType, Schema};

use super::class::{has_object_id, object_of, object_tag, only_properties, Child, Class, Node};
use super::naming::{variant_name, Namespace};
use super::Lowerer;
use crate::error::Error;
use crate::ir::{Arm, Struct, Type, TypeKind, Union, Variant, UNRECOGNIZED};
use crate::pointer;

/// A property on its way to becoming a field: its pointer and schema.
type Property<'s> = (String, Node<'s>);

impl<'s> Lowerer<'s> {
    /// The definition of a named type of `class` (a union, merge, enum or object).
    pub(super) fn definition(
        &mut self,
        class: &Class<'s>,
        schema: &'s Schema,
        name: &str,
        pointer: &str,
    ) -> Result<TypeKind, Error> {
        match class {
            Class::Union(arms) | Class::Expandable(arms) => self.union(arms, name),
            Class::Merge(parts) => self.merge(parts, name),
            Class::Enum(values) => Ok(enumeration(values)),
            Class::Object(object) => {
                let object_id =
                    has_object_id(schema).then(|| self.ids.type_for(schema).map_or(Type::String, Type::Named));
                self.object(object, pointer, name, object_id)
            }
            _ => Err(Error::at(pointer, "internal: not a named class")),
        }
    }

    /// The struct of an object schema at `pointer`.
    pub(super) fn object(
        &mut self,
        object: &'s ObjectType,
        pointer: &str,
        hint: &str,
        object_id: Option<Type>,
    ) -> Result<TypeKind, Error> {
        only_properties(object, pointer)?;
        let at = pointer::push(pointer, "properties");
        let properties =
            object.properties.iter().map(|(wire, p)| (wire.clone(), (pointer::push(&at, wire), Node::of(p)))).collect();
        self.structure(properties, &object.required, hint, object_id)
    }

    /// A struct; its inline field types are named `{hint}{Field}`. Fields are sorted by their
    /// wire name, so the JSON and YAML forms of a spec give the same code.
    fn structure(
        &mut self,
        properties: BTreeMap<String, Property<'s>>,
        required: &[String],
        hint: &str,
        object_id: Option<Type>,
    ) -> Result<TypeKind, Error> {
        let mut names = Namespace::default();
        let mut fields = Vec::new();
        for (wire, (at, node)) in properties {
            let field_hint = self.field_hint(hint, &wire);
            let (mut ty, nullable) = self.lower(node, &field_hint, &at)?;
            if wire == "id" && ty == Type::String {
                ty = object_id.clone().unwrap_or(ty);
            }
            // A field without a description of its own borrows the one of the schema it names.
            let description = match node {
                Node::Item(schema) => schema.schema_data.description.as_deref(),
                Node::Ref(reference) => {
                    pointer::resolve(reference, self.components).and_then(|s| s.schema_data.description.as_deref())
                }
            };
            let required = required.contains(&wire);
            fields.push(Self::field(&mut names, &wire, description, ty, required, nullable, node.max_length()));
        }
        Ok(TypeKind::Struct(Struct { fields, object_id }))
    }

    /// `allOf`: the properties of every part (references resolved) in one struct.
    fn merge(&mut self, parts: &[Child<'s>], name: &str) -> Result<TypeKind, Error> {
        let mut properties = BTreeMap::new();
        let mut required = Vec::new();
        for (at, part) in parts {
            let (at, schema) = match part {
                Node::Item(schema) => (at.clone(), *schema),
                Node::Ref(reference) => {
                    let schema = pointer::resolve(reference, self.components).ok_or_else(|| {
                        Error::at(
                            pointer::push(at, "$ref"),
                            format!("cannot merge `{reference}`: not a schema generated here"),
                        )
                    })?;
                    (pointer::schema(pointer::component(reference).unwrap_or_default()), schema)
                }
            };
            let object = object_of(schema).ok_or_else(|| Error::at(&at, "an `allOf` part must be an object schema"))?;
            only_properties(object, &at)?;
            let properties_at = pointer::push(&at, "properties");
            for (wire, property) in &object.properties {
                properties.insert(wire.clone(), (pointer::push(&properties_at, wire), Node::of(property)));
            }
            required.extend(object.required.iter().cloned());
        }
        let object_id = (properties.contains_key("id") && required.iter().any(|r| r == "id")).then_some(Type::String);
        self.structure(properties, &required, name, object_id)
    }

    /// A union of `arms`: tagged by `object` when every arm is a Stripe object of its own kind.
    fn union(&mut self, arms: &[Child<'s>], name: &str) -> Result<TypeKind, Error> {
        let mut arm_names = Namespace::with_reserved(&[UNRECOGNIZED]);
        let mut out = Vec::new();
        let mut all_have_ids = true;
        for (i, (at, arm)) in arms.iter().enumerate() {
            let (ty, _) = self.lower(*arm, &format!("{name}{}", i + 1), at)?;
            let target = match arm {
                Node::Ref(reference) => pointer::resolve(reference, self.components),
                Node::Item(_) => None,
            };
            all_have_ids &= target.is_some_and(has_object_id);
            let tag = target.and_then(object_tag).map(str::to_string);
            out.push(Arm { name: arm_names.claim(&arm_name(&ty)), ty, tag, personal: false });
        }
        let mut tags: Vec<&str> = out.iter().filter_map(|a| a.tag.as_deref()).collect();
        tags.sort_unstable();
        tags.dedup();
        let tagged = tags.len() == out.len();
        Ok(TypeKind::Union(Union { arms: out, tagged, has_id: tagged && all_have_ids }))
    }
}

pub(super) fn enumeration(values: &[String]) -> TypeKind {
    let mut names = Namespace::with_reserved(&[UNRECOGNIZED]);
    let variants =
        values.iter().map(|value| Variant { name: names.claim(&variant_name(value)), value: value.clone() }).collect();
    TypeKind::Enum(variants)
}

/// The variant name of a union arm, from its type.
fn arm_name(ty: &Type) -> String {
    match ty {
        Type::String => "String".into(),
        Type::Bool => "Bool".into(),
        Type::Integer => "Integer".into(),
        Type::Number => "Number".into(),
        Type::Timestamp => "Timestamp".into(),
        Type::Json => "Value".into(),
        Type::Named(name) => name.clone(),
        Type::Provided(path) => path.rsplit("::").next().unwrap_or(path).to_string(),
        Type::Vec(inner) => format!("{}List", arm_name(inner)),
        Type::Map(inner) => format!("{}Map", arm_name(inner)),
        Type::Boxed(inner) | Type::Emptyable(inner) => arm_name(inner),
        Type::Expandable(inner) => format!("Expandable{}", arm_name(inner)),
        Type::List(inner) => format!("{}Page", arm_name(inner)),
    }
}
