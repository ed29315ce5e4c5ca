//! Typed ids: one string newtype per resource (`x-resourceId`) whose objects carry an `id`.

use std::collections::BTreeMap;

use openapiv3::ReferenceOr;

use super::class::{has_object_id, resource_id};
use super::naming::{resource_stems, Namespace};
use crate::ir::{Role, TypeDef, TypeKind};
use crate::pointer;
use crate::subset::Components;

/// The id types of a subset, by resource.
#[derive(Debug, Default)]
pub struct IdTypes {
    /// `identity.verification_session` → its id type.
    by_resource: BTreeMap<String, IdType>,
}

#[derive(Debug)]
struct IdType {
    /// `VerificationSessionId`.
    name: String,
    /// The JSON pointer of the first `x-resourceId` that names the resource.
    origin: String,
}

impl IdTypes {
    /// Names an id type per resource: after the resource's last segment
    /// (`identity.verification_session` → `VerificationSessionId`), or after the whole
    /// resource id when two resources share that segment. A deleted object
    /// (`deleted_customer`) carries the id of the live one, so it shares its type.
    pub fn assign(components: &Components, names: &mut Namespace) -> IdTypes {
        let mut origins: BTreeMap<&str, String> = BTreeMap::new();
        for (name, schema) in components {
            if let ReferenceOr::Item(schema) = schema {
                if let Some(resource) = resource_id(schema).filter(|_| has_object_id(schema)) {
                    let origin = pointer::push(&pointer::schema(name), "x-resourceId");
                    origins.entry(live(resource)).or_insert(origin);
                }
            }
        }
        let stems = resource_stems(origins.keys().copied());
        let mut by_resource = BTreeMap::new();
        for (resource, origin) in &origins {
            let id = IdType { name: names.claim(&format!("{}Id", stems[resource])), origin: origin.clone() };
            by_resource.insert(resource.to_string(), id);
        }
        IdTypes { by_resource }
    }

    /// The id type of an object schema, if its resource has one.
    pub fn type_for(&self, schema: &openapiv3::Schema) -> Option<String> {
        let resource = live(resource_id(schema)?);
        self.by_resource.get(resource).map(|id| id.name.clone())
    }

    /// The resource name an id type stands for (`verification_session`), to recognise the path
    /// placeholders that take it.
    pub fn resource_of(&self, id_type: &str) -> Option<&str> {
        self.by_resource.iter().find(|(_, id)| id.name == id_type).map(|(resource, _)| last_segment(resource))
    }

    /// One definition per id type.
    pub fn definitions(&self) -> Vec<TypeDef> {
        self.by_resource
            .iter()
            .map(|(resource, id)| TypeDef {
                name: id.name.clone(),
                origin: id.origin.clone(),
                doc: format!("The id of a `{resource}`: a string that cannot be mistaken for another resource's id."),
                kind: TypeKind::Id,
                role: Role::default(),
            })
            .collect()
    }
}

/// The live resource a deleted object stands for: `deleted_customer` → `customer`.
fn live(resource: &str) -> &str {
    resource.strip_prefix("deleted_").unwrap_or(resource)
}

fn last_segment(resource: &str) -> &str {
    resource.rsplit('.').next().unwrap_or(resource)
}
