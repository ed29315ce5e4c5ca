//! The filtered subset → IR. The only module that knows Stripe's conventions, one concern per
//! file: [`class`] decides what each schema is, `names` what each component is called, `types`
//! defines the Rust types, `operation` the endpoint functions, `ids` the typed ids, and `passes`
//! the rules over the whole IR (cycles, typed path ids, roles, personal data, conversions).
//! `naming` holds every identifier rule and `docs` turns Stripe's descriptions into rustdoc. It
//! reads only the subset, the pointer module and the IR.

mod class;
mod docs;
mod ids;
mod names;
mod naming;
mod operation;
mod passes;
mod types;

use std::collections::{BTreeMap, BTreeSet};

use crate::error::Error;
use crate::ir::{Api, Field, Operation, Role, Type, TypeDef, TypeKind, Types};
use crate::pointer;
use crate::subset::{Components, Subset};
use class::{classify, Class, Node};
use docs::to_rustdoc;
use naming::{field_name, type_name, Namespace};

const RESERVED_TYPE_NAMES: &[&str] = &[
    EVENT_TYPE,
    "Client",
    "Request",
    "ResponseMeta",
    "ListStream",
    "Error",
    "ErrorResponse",
    "ApiError",
    "List",
    "Expandable",
    "Emptyable",
    "Timestamp",
    "Object",
    "Method",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Vec",
    "String",
    "Box",
    "Default",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Iterator",
    "From",
    "Into",
    "ToString",
    "ToOwned",
    "Drop",
    "Fn",
];

/// Lowers the filtered subset of a spec.
pub fn lower(
    subset: &Subset,
    prefixes: &[String],
    provided: &BTreeMap<String, String>,
    api_version: String,
) -> Result<Api, Error> {
    // Twice (see `names`): under the schemas' own names to learn where each is used, then under
    // the names those uses give.
    let own: Vec<(String, String)> = names::own_names(&subset.schemas).into_iter().collect();
    let (_, _, own_lowering) = lower_named(subset, prefixes, provided, &own)?;
    let names = names::component_names(&subset.schemas, &own_lowering.uses);
    let (mut defs, mut operations, lowering) = lower_named(subset, prefixes, provided, &names)?;
    defs.push(event_type(&event_types_of(&subset.event_types, prefixes)));
    let mut types = Types::new(defs);
    passes::box_cycles(&mut types);
    passes::type_path_ids(&types, &mut operations, &lowering.ids);
    passes::assign_roles(&mut types, &operations);
    passes::mark_personal(&mut types);
    let conversions = passes::enum_conversions(&types);
    Ok(Api { api_version, types, operations, conversions })
}

/// One lowering, with the components named `names` (claimed in that order).
fn lower_named(
    subset: &Subset,
    prefixes: &[String],
    provided: &BTreeMap<String, String>,
    names: &[(String, String)],
) -> Result<(Vec<TypeDef>, Vec<Operation>, Lowering), Error> {
    let mut lowerer = Lowerer {
        components: &subset.schemas,
        provided,
        names: Namespace::with_reserved(RESERVED_TYPE_NAMES),
        rust_names: BTreeMap::new(),
        ids: ids::IdTypes::default(),
        inline: BTreeMap::new(),
        types: Vec::new(),
        root: names::Root::Operation(String::new()),
        root_name: String::new(),
        field_hints: BTreeSet::new(),
        uses: names::Uses::new(),
    };
    for (component, candidate) in names {
        let rust = lowerer.names.claim(candidate);
        lowerer.rust_names.insert(component.clone(), rust);
    }
    lowerer.ids = ids::IdTypes::assign(&subset.schemas, &mut lowerer.names);
    lowerer.types.extend(lowerer.ids.definitions());
    for (name, schema) in &subset.schemas {
        lowerer.root = names::Root::Component(name.clone());
        lowerer.root_name = lowerer.rust_names[name].clone();
        lowerer.define_component(name, Node::of(schema))?;
    }
    let mut fn_names = Namespace::default();
    let mut operations = Vec::new();
    for selected in &subset.operations {
        operations.push(lowerer.operation(selected, prefixes, &mut fn_names)?);
    }
    Ok((lowerer.types, operations, Lowering { uses: lowerer.uses, ids: lowerer.ids }))
}

/// What one lowering learnt besides its types and operations.
struct Lowering {
    /// Where each component is used (what the second lowering names them after).
    uses: names::Uses,
    /// The typed ids, by resource.
    ids: ids::IdTypes,
}

/// The open enum of the webhook event types, always named [`EVENT_TYPE`] (the runtime's webhook
/// module decodes events into it).
fn event_type(values: &[String]) -> TypeDef {
    TypeDef {
        name: EVENT_TYPE.to_string(),
        origin: pointer::event_types(),
        doc: "The type of a webhook event about these resources (the spec's `enabled_events`).".to_string(),
        kind: types::enumeration(values),
        role: Role { sent: false, received: true },
    }
}

/// The event types whose resource a prefix keeps (`/v1/identity/` → `identity.…`,
/// `/v1/customers` → `customer.…`, `/v1/` → all), in the spec's order.
fn event_types_of(all: &[String], prefixes: &[String]) -> Vec<String> {
    let resources: Vec<String> = prefixes.iter().map(|p| event_resource(p)).collect();
    all.iter().filter(|v| resources.iter().any(|r| v.starts_with(r.as_str()))).cloned().collect()
}

/// `identity.` for `/v1/identity/`, `customer.` for `/v1/customers`, `` for `/v1/`.
fn event_resource(prefix: &str) -> String {
    let rest = prefix.trim_start_matches('/').trim_start_matches("v1").trim_matches('/');
    match rest.split('/').next() {
        Some(first) if !first.is_empty() => format!("{}.", naming::singular(first)),
        _ => String::new(),
    }
}

/// The name of the event type enum.
pub const EVENT_TYPE: &str = "EventType";

struct Lowerer<'s> {
    components: &'s Components,
    provided: &'s BTreeMap<String, String>,
    names: Namespace,
    /// Component schema name → Rust type name.
    rust_names: BTreeMap<String, String>,
    ids: ids::IdTypes,
    /// Inline types already defined, so an identical schema under the same name is reused.
    inline: BTreeMap<String, &'s openapiv3::Schema>,
    types: Vec<TypeDef>,
    /// What the names of the types being defined are built on, and its Rust name (the
    /// prefix of every hint below it).
    root: names::Root,
    root_name: String,
    /// The hints that name a field's place (`{Type}{Field}`), as opposed to a union arm's or a
    /// response's.
    field_hints: BTreeSet<String>,
    /// Where each component is used.
    uses: names::Uses,
}

impl<'s> Lowerer<'s> {
    /// Defines a component under its own name: a struct, enum or union, or an alias.
    fn define_component(&mut self, name: &str, node: Node<'s>) -> Result<(), Error> {
        let rust = self.rust_names[name].clone();
        let pointer = pointer::schema(name);
        let classified = classify(node, &pointer, self.components)?;
        let kind = match (&classified.class, node) {
            (Class::Union(_) | Class::Merge(_) | Class::Enum(_) | Class::Object(_), Node::Item(schema))
                if !classified.emptyable =>
            {
                self.definition(&classified.class, schema, &rust, &pointer)?
            }
            _ => TypeKind::Alias(self.lower_classified(classified, node, &rust, &pointer)?.0),
        };
        let doc = match node {
            Node::Item(schema) => schema.schema_data.description.as_deref().map(to_rustdoc).unwrap_or_default(),
            Node::Ref(_) => String::new(),
        };
        self.types.push(TypeDef { name: rust, origin: name.to_string(), doc, kind, role: Role::default() });
        Ok(())
    }

    /// The Rust type of a schema used in place, and whether it may be null; named inline
    /// types are defined on the way, named after `hint`.
    fn lower(&mut self, node: Node<'s>, hint: &str, pointer: &str) -> Result<(Type, bool), Error> {
        let classified = classify(node, pointer, self.components)?;
        self.lower_classified(classified, node, hint, pointer)
    }

    fn lower_classified(
        &mut self,
        classified: class::Classified<'s>,
        node: Node<'s>,
        hint: &str,
        pointer: &str,
    ) -> Result<(Type, bool), Error> {
        let ty = match (classified.class, node) {
            (Class::Ref(name), _) => {
                self.record_use(name, hint);
                self.named(name)
            }
            (Class::Expandable(mut targets), Node::Item(schema)) => {
                let target = if targets.len() == 1 {
                    let (at, target) = targets.remove(0);
                    self.lower(target, hint, &at)?.0
                } else {
                    let class = Class::Union(targets);
                    Type::Named(self.define_inline(schema, hint, pointer, |this, name| {
                        this.definition(&class, schema, name, pointer)
                    })?)
                };
                Type::Expandable(Box::new(target))
            }
            (Class::One((at, inner)), _) => self.lower(inner, hint, &at)?.0,
            (Class::List((at, items)), _) => Type::List(Box::new(self.lower(items, hint, &at)?.0)),
            (Class::Map((at, values)), _) => Type::Map(Box::new(self.lower(values, hint, &at)?.0)),
            (Class::Array(Some((at, items))), _) => Type::Vec(Box::new(self.lower(items, hint, &at)?.0)),
            (Class::Array(None), _) => Type::Vec(Box::new(Type::Json)),
            (Class::Scalar(ty), _) => ty,
            (Class::Object(object), _) if object.properties.is_empty() => Type::Json,
            (class @ (Class::Union(_) | Class::Merge(_) | Class::Enum(_) | Class::Object(_)), Node::Item(schema)) => {
                Type::Named(self.define_inline(schema, hint, pointer, |this, name| {
                    this.definition(&class, schema, name, pointer)
                })?)
            }
            // Only an inline schema has a class other than `Ref`.
            (_, Node::Ref(_)) => Type::Json,
        };
        let ty = if classified.emptyable { Type::Emptyable(Box::new(ty)) } else { ty };
        Ok((ty, classified.nullable))
    }

    /// Notes that `component` is used at `hint`: a field's place, or another.
    fn record_use(&mut self, component: &str, hint: &str) {
        let suffix = hint.strip_prefix(self.root_name.as_str()).filter(|s| !s.is_empty());
        let place = suffix.filter(|_| self.field_hints.contains(hint)).map(|s| (self.root.clone(), s.to_string()));
        self.uses.entry(component.to_string()).or_default().insert(place);
    }

    /// The hint of field `wire` of a type named `owner`, marked as a field's place.
    fn field_hint(&mut self, owner: &str, wire: &str) -> String {
        let hint = format!("{owner}{}", type_name(wire));
        self.field_hints.insert(hint.clone());
        hint
    }

    /// A reference to a component: generated, or provided by the runtime.
    fn named(&self, component: &str) -> Type {
        match self.provided.get(component) {
            Some(path) => Type::Provided(path.clone()),
            None => Type::Named(self.rust_names[component].clone()),
        }
    }

    /// Names and defines an inline schema, reusing an identical schema already defined under
    /// that name: after its place (`hint`) when that is a field, else its `title` when it has one.
    fn define_inline(
        &mut self,
        schema: &'s openapiv3::Schema,
        hint: &str,
        pointer: &str,
        build: impl FnOnce(&mut Self, &str) -> Result<TypeKind, Error>,
    ) -> Result<String, Error> {
        let titled = schema.schema_data.title.as_deref().filter(|_| !self.field_hints.contains(hint)).map(type_name);
        for candidate in titled.iter().map(String::as_str).chain([hint]) {
            if self.inline.get(candidate).is_some_and(|defined| *defined == schema) {
                return Ok(candidate.to_string());
            }
        }
        let candidate = match titled {
            Some(title) if !self.names.is_taken(&title) => title,
            _ => hint.to_string(),
        };
        let name = self.names.claim(&candidate);
        self.inline.insert(name.clone(), schema);
        let kind = build(self, &name)?;
        let doc = schema.schema_data.description.as_deref().map(to_rustdoc).unwrap_or_default();
        self.types.push(TypeDef { name: name.clone(), origin: pointer.to_string(), doc, kind, role: Role::default() });
        Ok(name)
    }

    /// A field of a struct or params struct.
    fn field(
        names: &mut Namespace,
        wire: &str,
        description: Option<&str>,
        ty: Type,
        required: bool,
        nullable: bool,
        max_length: Option<usize>,
    ) -> Field {
        Field {
            name: names.claim(&field_name(wire)),
            wire: wire.to_string(),
            doc: description.map(to_rustdoc).unwrap_or_default(),
            ty,
            required,
            nullable,
            personal: false,
            max_length,
        }
    }
}
