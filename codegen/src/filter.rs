//! Path prefixes → the operations under them and the closure of component schemas they reach.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{push_pointer, Error};
use crate::load::{schema_pointer, Spec};
use crate::spec::{AdditionalProperties, Operation, Parameter, Schema};

/// What the filter kept: operations in path order, and every schema they reach.
#[derive(Debug)]
pub struct Subset {
    pub operations: Vec<SelectedOperation>,
    pub schemas: BTreeMap<String, Schema>,
}

#[derive(Debug)]
pub struct SelectedOperation {
    pub path: String,
    /// Lower-case HTTP method.
    pub method: &'static str,
    pub operation: Operation,
    /// JSON pointer of the operation, for errors.
    pub pointer: String,
}

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Keeps the paths under `prefixes` and the schemas they reach, not following `provided` ones.
pub fn filter(spec: &Spec, prefixes: &[String], provided: &BTreeMap<String, String>) -> Result<Subset, Error> {
    let mut operations = Vec::new();
    let mut pending: Vec<(String, String)> = Vec::new();
    for path in spec.path_names().filter(|p| prefixes.iter().any(|prefix| p.starts_with(prefix.as_str()))) {
        let item = spec.path_item(path)?;
        let path_pointer = push_pointer("#/paths", path);
        for (method, operation) in item.operations() {
            let pointer = push_pointer(&path_pointer, method);
            let mut operation = operation.clone();
            // Path-level parameters apply to every operation that does not override them.
            for shared in &item.parameters {
                if !operation.parameters.iter().any(|p| p.name == shared.name && p.location == shared.location) {
                    operation.parameters.push(shared.clone());
                }
            }
            collect_operation_refs(&operation, &pointer, &mut pending)?;
            operations.push(SelectedOperation { path: path.to_string(), method, operation, pointer });
        }
    }
    if operations.is_empty() {
        return Err(Error::at("#/paths", format!("no operation left after filtering by the prefixes {prefixes:?}")));
    }

    let mut schemas = BTreeMap::new();
    let mut seen = BTreeSet::new();
    while let Some((name, from)) = pending.pop() {
        if provided.contains_key(&name) || !seen.insert(name.clone()) {
            continue;
        }
        if !spec.has_schema(&name) {
            return Err(Error::at(from, format!("$ref points at `{}`, which does not exist", schema_pointer(&name))));
        }
        let schema = spec.schema(&name)?;
        collect_refs(&schema, &schema_pointer(&name), &mut pending)?;
        schemas.insert(name, schema);
    }
    Ok(Subset { operations, schemas })
}

fn collect_operation_refs(op: &Operation, pointer: &str, out: &mut Vec<(String, String)>) -> Result<(), Error> {
    let params = push_pointer(pointer, "parameters");
    for (i, parameter) in op.parameters.iter().enumerate() {
        check_parameter(parameter, &push_pointer(&params, &i.to_string()))?;
        if let Some(schema) = &parameter.schema {
            collect_refs(schema, &push_pointer(&push_pointer(&params, &i.to_string()), "schema"), out)?;
        }
    }
    if let Some(body) = &op.request_body {
        let content = push_pointer(&push_pointer(pointer, "requestBody"), "content");
        for (media, m) in &body.content {
            if let Some(schema) = &m.schema {
                collect_refs(schema, &push_pointer(&push_pointer(&content, media), "schema"), out)?;
            }
        }
    }
    let responses = push_pointer(pointer, "responses");
    for (status, response) in &op.responses {
        let content = push_pointer(&push_pointer(&responses, status), "content");
        for (media, m) in &response.content {
            if let Some(schema) = &m.schema {
                collect_refs(schema, &push_pointer(&push_pointer(&content, media), "schema"), out)?;
            }
        }
    }
    Ok(())
}

fn check_parameter(parameter: &Parameter, pointer: &str) -> Result<(), Error> {
    match parameter.location.as_str() {
        "path" | "query" | "header" => Ok(()),
        other => Err(Error::at(push_pointer(pointer, "in"), format!("parameters in `{other}` are not supported"))),
    }
}

/// Pushes `(schema name, pointer of the $ref)` for every reference below `schema`.
fn collect_refs(schema: &Schema, pointer: &str, out: &mut Vec<(String, String)>) -> Result<(), Error> {
    if let Some(reference) = &schema.reference {
        let at = push_pointer(pointer, "$ref");
        let name = reference.strip_prefix(SCHEMA_PREFIX).ok_or_else(|| {
            Error::at(&at, format!("only local `{SCHEMA_PREFIX}…` references are supported, found `{reference}`"))
        })?;
        out.push((name.to_string(), at));
    }
    for (key, child) in &schema.properties {
        collect_refs(child, &push_pointer(&push_pointer(pointer, "properties"), key), out)?;
    }
    if let Some(items) = &schema.items {
        collect_refs(items, &push_pointer(pointer, "items"), out)?;
    }
    for (keyword, list) in [("anyOf", &schema.any_of), ("oneOf", &schema.one_of), ("allOf", &schema.all_of)] {
        for (i, child) in list.iter().enumerate() {
            collect_refs(child, &push_pointer(&push_pointer(pointer, keyword), &i.to_string()), out)?;
        }
    }
    if let Some(AdditionalProperties::Schema(child)) = &schema.additional_properties {
        collect_refs(child, &push_pointer(pointer, "additionalProperties"), out)?;
    }
    Ok(())
}
