//! Typed ids: one string newtype per resource (`x-resourceId`) whose objects carry an `id`.

use std::collections::BTreeMap;

use openapiv3::ReferenceOr;

use super::shape::{has_object_id, resource_id, Components};
use crate::ir::{TypeDef, TypeKind};
use crate::naming::{type_name, Namespace};

/// The id types of a subset, by resource.
#[derive(Debug, Default)]
pub struct IdTypes {
    /// `identity.verification_session` → `VerificationSessionId`.
    by_resource: BTreeMap<String, String>,
}

impl IdTypes {
    /// Names an id type per resource: after the resource's last segment
    /// (`identity.verification_session` → `VerificationSessionId`), or after the whole
    /// resource id when two resources share that segment.
    pub fn assign(components: &Components, names: &mut Namespace) -> IdTypes {
        let resources: BTreeMap<&str, String> = components
            .values()
            .filter_map(|schema| match schema {
                ReferenceOr::Item(schema) if has_object_id(schema) => resource_id(schema),
                _ => None,
            })
            .map(|resource| (resource, type_name(last_segment(resource))))
            .collect();
        let mut by_resource = BTreeMap::new();
        for (resource, short) in &resources {
            let shared = resources.values().filter(|other| *other == short).count() > 1;
            let base = if shared { type_name(resource) } else { short.clone() };
            by_resource.insert(resource.to_string(), names.claim(&format!("{base}Id")));
        }
        IdTypes { by_resource }
    }

    /// The id type of an object schema, if its resource has one.
    pub fn type_for(&self, schema: &openapiv3::Schema) -> Option<String> {
        resource_id(schema).and_then(|resource| self.by_resource.get(resource)).cloned()
    }

    /// The resource name an id type stands for (`verification_session`), to recognise the path
    /// placeholders that take it.
    pub fn resource_of(&self, id_type: &str) -> Option<&str> {
        self.by_resource.iter().find(|(_, name)| *name == id_type).map(|(resource, _)| last_segment(resource))
    }

    /// One definition per id type.
    pub fn definitions(&self) -> Vec<TypeDef> {
        self.by_resource
            .iter()
            .map(|(resource, name)| TypeDef {
                name: name.clone(),
                origin: resource.clone(),
                doc: format!(
                    "The id of a `{resource}` object: a string that cannot be mistaken for another resource's id."
                ),
                kind: TypeKind::Id,
            })
            .collect()
    }
}

fn last_segment(resource: &str) -> &str {
    resource.rsplit('.').next().unwrap_or(resource)
}
