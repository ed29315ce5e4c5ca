//! The Rust names of component schemas, named as Stripe's docs and SDKs name them: from where
//! they are used (`VerificationSession.Options.Document` → `VerificationSessionOptionsDocument`),
//! not from Stripe's internal schema names (`gelato_session_document_options`) unless no single
//! place owns the schema.
//!
//! The rule, in order:
//! 1. A resource (`x-resourceId`) is named after the last segment of its id
//!    (`identity.verification_session` → `VerificationSession`), or after the whole id when two
//!    resources of the subset share that segment — the rule its typed id follows too.
//! 2. A schema used in exactly one place, a field of one type (through `null`, array, map or
//!    expandable wrappers), is named after that type and field: `VerificationSession` +
//!    `options` → `VerificationSessionOptions`. Inline schemas at a field are named the same way;
//!    their `title` (Stripe's internal param names such as `session_options_param`) is not used.
//! 3. A schema reached from two or more places, or from a place that is not a field (a union
//!    arm, a whole response), has no single owner: it keeps its own name (`address` →
//!    `Address`), as stripe-node's shared `Stripe.Address`.
//!
//! Every place-derived name depends only on the path from a resource or an operation, so a
//! spec bump that moves an inline schema's title or adds fields elsewhere renames nothing. What
//! still renames a schema, and the inline types named after it, is its gaining or losing a second
//! place (rule 2 ↔ rule 3), which `diff` reports.
//!
//! Lowering runs twice to apply it: once under the schemas' own names to record their uses,
//! once under the names those uses give.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::ReferenceOr;

use super::class::resource_id;
use super::naming::{resource_stems, type_name};
use crate::subset::Components;

/// What a name is built on: a component schema, or an operation (by its type-name stem,
/// `CreateVerificationSession`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Root {
    Component(String),
    Operation(String),
}

/// Where a component is used: a field `suffix` below `root` (`Options`, `OptionsDocument`), or
/// `None` for a place that is not a field.
pub(super) type Place = Option<(Root, String)>;

/// Every place each component is used, recorded by the first lowering.
pub(super) type Uses = BTreeMap<String, BTreeSet<Place>>;

/// Each component under its own name (the first lowering's names, rule 3 for all).
pub(super) fn own_names(components: &Components) -> BTreeMap<String, String> {
    components.keys().map(|name| (name.clone(), type_name(name))).collect()
}

/// The name each component takes, by the rule above; resources first, so that they win a clash.
pub(super) fn component_names(components: &Components, uses: &Uses) -> Vec<(String, String)> {
    let ids: BTreeMap<&str, &str> = components
        .iter()
        .filter_map(|(name, schema)| match schema {
            ReferenceOr::Item(schema) => resource_id(schema).map(|id| (name.as_str(), id)),
            ReferenceOr::Reference { .. } => None,
        })
        .collect();
    let stems = resource_stems(ids.values().copied());
    let resources = ids.iter().map(|(component, id)| (*component, stems[id].clone())).collect();
    let mut namer = Namer { resources, uses, visiting: BTreeSet::new() };
    let (mut first, mut rest) = (Vec::new(), Vec::new());
    for component in components.keys() {
        let name = namer.name(component);
        if namer.resources.contains_key(component.as_str()) {
            first.push((component.clone(), name));
        } else {
            rest.push((component.clone(), name));
        }
    }
    first.extend(rest);
    first
}

struct Namer<'a> {
    /// Resource component → its name (rule 1).
    resources: BTreeMap<&'a str, String>,
    uses: &'a Uses,
    /// Components whose name is being worked out: a schema whose only place is inside itself
    /// (directly or through others) keeps its own name.
    visiting: BTreeSet<String>,
}

impl Namer<'_> {
    fn name(&mut self, component: &str) -> String {
        if let Some(name) = self.resources.get(component) {
            return name.clone();
        }
        let only_place = match self.uses.get(component) {
            Some(places) if places.len() == 1 => places.iter().next().cloned().flatten(),
            _ => None,
        };
        let Some((root, suffix)) = only_place else { return type_name(component) };
        if !self.visiting.insert(component.to_string()) {
            return type_name(component);
        }
        let name = match &root {
            // Its one place is inside itself: no owner to name it after.
            Root::Component(owner) if owner == component => type_name(component),
            Root::Component(owner) => format!("{}{suffix}", self.name(owner)),
            Root::Operation(stem) => format!("{stem}{suffix}"),
        };
        self.visiting.remove(component);
        name
    }
}
