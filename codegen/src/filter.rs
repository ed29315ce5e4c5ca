//! Path prefixes → the operations under them and the closure of component schemas they reach.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{AdditionalProperties, Operation, Parameter, ReferenceOr, Schema, SchemaKind, Type};

use crate::error::Error;
use crate::ir::Method;
use crate::load::Spec;
use crate::subset::{SelectedOperation, SelectedParameter, Subset};
use crate::{parse, pointer};

/// What to keep of a spec.
#[derive(Debug, Clone, Copy)]
pub struct Selection<'a> {
    /// Paths starting with one of these.
    pub prefixes: &'a [String],
    /// Component schemas the runtime provides: not followed.
    pub provided: &'a BTreeMap<String, String>,
    /// Operation ids left out on purpose.
    pub excluded: &'a BTreeSet<String>,
}

/// Keeps the paths under the prefixes and the schemas they reach, not following provided ones.
pub fn filter(spec: &Spec, selection: Selection<'_>) -> Result<Subset, Error> {
    let mut operations = Vec::new();
    let mut skipped = BTreeSet::new();
    let mut pending: Vec<(String, String)> = Vec::new();
    let kept = spec.path_names().filter(|p| selection.prefixes.iter().any(|prefix| p.starts_with(prefix.as_str())));
    for path in kept {
        let item = spec.path_item(path)?;
        let path_pointer = pointer::path(path);
        if !item.servers.is_empty() {
            return Err(Error::at(pointer::push(&path_pointer, "servers"), "per-path `servers` are not supported"));
        }
        let shared = inline_parameters(&item.parameters, &pointer::push(&path_pointer, "parameters"))?;
        for (method, operation) in item.iter() {
            let id = operation.operation_id.as_deref().unwrap_or_default();
            if selection.excluded.contains(id) {
                skipped.insert(id.to_string());
                continue;
            }
            let operation_pointer = pointer::push(&path_pointer, method);
            let parameters_pointer = pointer::push(&operation_pointer, "parameters");
            let mut parameters = inline_parameters(&operation.parameters, &parameters_pointer)?;
            // Path-level parameters apply to every operation that does not override them.
            for (at, parameter) in &shared {
                let overridden = parameters.iter().any(|(_, p)| same_parameter(p, parameter));
                if !overridden {
                    parameters.push((at.clone(), parameter.clone()));
                }
            }
            collect_operation_refs(operation, &parameters, &operation_pointer, &mut pending)?;
            // A path item yields only OpenAPI's eight methods, every one of which has a key.
            let method = Method::from_key(method).unwrap_or(Method::Get);
            let parameters = parameters
                .into_iter()
                .map(|(pointer, parameter)| {
                    let schema = parse::parameter_schema(&parameter.parameter_data_ref().format, &pointer)?.clone();
                    Ok(SelectedParameter { pointer, parameter, schema })
                })
                .collect::<Result<_, Error>>()?;
            let operation = operation.clone();
            let (path, pointer) = (path.to_string(), operation_pointer);
            operations.push(SelectedOperation { path, method, operation, parameters, pointer });
        }
    }
    if let Some(unknown) = selection.excluded.iter().find(|id| !skipped.contains(id.as_str())) {
        return Err(Error::at("#/paths", format!("the excluded operation `{unknown}` is not under the prefixes")));
    }
    if operations.is_empty() {
        return Err(Error::at(
            "#/paths",
            format!("no operation left after filtering by the prefixes {:?}", selection.prefixes),
        ));
    }

    let mut schemas = BTreeMap::new();
    let mut seen = BTreeSet::new();
    while let Some((name, from)) = pending.pop() {
        if selection.provided.contains_key(&name) || !seen.insert(name.clone()) {
            continue;
        }
        if !spec.has_schema(&name) {
            return Err(Error::at(from, format!("$ref points at `{}`, which does not exist", pointer::schema(&name))));
        }
        let schema = spec.schema(&name)?;
        collect_refs(&schema, &pointer::schema(&name), &mut pending)?;
        schemas.insert(name, schema);
    }
    let event_types = event_types(spec)?;
    Ok(Subset { operations, schemas, event_types })
}

/// Every webhook event type the spec lists, in its order (lowering keeps those of the kept
/// resources). A spec without `/v1/webhook_endpoints` lists none; one whose list has another
/// shape is refused.
fn event_types(spec: &Spec) -> Result<Vec<String>, Error> {
    if !spec.path_names().any(|p| p == pointer::EVENT_TYPES_PATH) {
        return Ok(Vec::new());
    }
    let item = spec.path_item(pointer::EVENT_TYPES_PATH)?;
    let values: Vec<String> = item
        .post
        .as_ref()
        .and_then(|op| match op.request_body.as_ref()? {
            ReferenceOr::Item(body) => body.content.get("application/x-www-form-urlencoded")?.schema.as_ref(),
            ReferenceOr::Reference { .. } => None,
        })
        .and_then(|schema| object_property(schema, "enabled_events"))
        .and_then(|events| match &events.schema_kind {
            SchemaKind::Type(Type::Array(array)) => match array.items.as_ref()? {
                ReferenceOr::Item(items) => match &items.schema_kind {
                    SchemaKind::Type(Type::String(string)) => {
                        Some(string.enumeration.iter().flatten().cloned().collect())
                    }
                    _ => None,
                },
                ReferenceOr::Reference { .. } => None,
            },
            _ => None,
        })
        .ok_or_else(|| {
            Error::at(pointer::event_types(), "expected the string enum of event types a webhook endpoint can enable")
        })?;
    Ok(values)
}

fn object_property<'s>(schema: &'s ReferenceOr<Schema>, name: &str) -> Option<&'s Schema> {
    let ReferenceOr::Item(schema) = schema else { return None };
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else { return None };
    match object.properties.get(name)? {
        ReferenceOr::Item(property) => Some(property),
        ReferenceOr::Reference { .. } => None,
    }
}

/// The parameters of a list, refusing `$ref`s to `#/components/parameters`.
fn inline_parameters(list: &[ReferenceOr<Parameter>], pointer: &str) -> Result<Vec<(String, Parameter)>, Error> {
    list.iter()
        .enumerate()
        .map(|(i, parameter)| {
            let at = pointer::push(pointer, &i.to_string());
            match parameter {
                ReferenceOr::Item(parameter) => Ok((at, parameter.clone())),
                ReferenceOr::Reference { .. } => {
                    Err(Error::at(pointer::push(&at, "$ref"), "parameters by `$ref` are not supported"))
                }
            }
        })
        .collect()
}

fn same_parameter(a: &Parameter, b: &Parameter) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b) && a.parameter_data_ref().name == b.parameter_data_ref().name
}

fn collect_operation_refs(
    op: &Operation,
    parameters: &[(String, Parameter)],
    pointer: &str,
    out: &mut Vec<(String, String)>,
) -> Result<(), Error> {
    for (at, parameter) in parameters {
        if let openapiv3::ParameterSchemaOrContent::Schema(schema) = &parameter.parameter_data_ref().format {
            collect_refs(schema, &pointer::push(at, "schema"), out)?;
        }
    }
    if let Some(ReferenceOr::Item(body)) = &op.request_body {
        let content = pointer::push(&pointer::push(pointer, "requestBody"), "content");
        for (media, m) in &body.content {
            if let Some(schema) = &m.schema {
                collect_refs(schema, &pointer::push(&pointer::push(&content, media), "schema"), out)?;
            }
        }
    }
    let responses = pointer::push(pointer, "responses");
    let statuses = op.responses.responses.iter().map(|(status, r)| (status.to_string(), r));
    for (status, response) in op.responses.default.iter().map(|r| ("default".to_string(), r)).chain(statuses) {
        let at = pointer::push(&responses, &status);
        let ReferenceOr::Item(response) = response else {
            return Err(Error::at(pointer::push(&at, "$ref"), "responses by `$ref` are not supported"));
        };
        let content = pointer::push(&at, "content");
        for (media, m) in &response.content {
            if let Some(schema) = &m.schema {
                collect_refs(schema, &pointer::push(&pointer::push(&content, media), "schema"), out)?;
            }
        }
    }
    Ok(())
}

/// Pushes `(schema name, pointer of the $ref)` for every reference below `schema`.
fn collect_refs<S: std::borrow::Borrow<Schema>>(
    schema: &ReferenceOr<S>,
    pointer: &str,
    out: &mut Vec<(String, String)>,
) -> Result<(), Error> {
    let schema = match schema {
        ReferenceOr::Reference { reference } => {
            out.push((pointer::component_name(reference, pointer)?.to_string(), pointer::push(pointer, "$ref")));
            return Ok(());
        }
        ReferenceOr::Item(schema) => schema.borrow(),
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            for (key, child) in &object.properties {
                collect_refs(child, &pointer::push(&pointer::push(pointer, "properties"), key), out)?;
            }
            if let Some(AdditionalProperties::Schema(child)) = &object.additional_properties {
                collect_refs(child, &pointer::push(pointer, "additionalProperties"), out)?;
            }
        }
        SchemaKind::Type(Type::Array(array)) => {
            if let Some(items) = &array.items {
                collect_refs(items, &pointer::push(pointer, "items"), out)?;
            }
        }
        SchemaKind::AnyOf { any_of: arms }
        | SchemaKind::OneOf { one_of: arms }
        | SchemaKind::AllOf { all_of: arms } => {
            let keyword = pointer::combinator(&schema.schema_kind);
            for (i, child) in arms.iter().enumerate() {
                collect_refs(child, &pointer::push(&pointer::push(pointer, keyword), &i.to_string()), out)?;
            }
        }
        _ => {}
    }
    Ok(())
}
