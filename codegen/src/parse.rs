//! Raw fragments → openapiv3 types, with errors that point at the offending key.
//!
//! openapiv3 flattens and buffers (`Schema` is `SchemaData` + an untagged `SchemaKind`), so a
//! serde error stops at the fragment's root. When a fragment fails, [`locate_schema`] retries each
//! child schema on its own and descends into the first that fails; at the failing node it tries
//! each key alone to name the one that is wrong.
//!
//! openapiv3 also accepts shapes Stripe never uses and the generator does not implement: a
//! schema that lands in `SchemaKind::Any` (a misspelt `type`, keys that do not go together,
//! `enum` values of the wrong type), `not`, and a `$ref` that is not a string. [`check_schema`]
//! refuses those with their pointer, so nothing is silently dropped.

use std::borrow::Borrow;

use openapiv3::{
    AdditionalProperties, AnySchema, Operation, Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr,
    RequestBody, Response, Schema, SchemaData, SchemaKind, Type,
};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::{strip_position, Error};
use crate::ir::Method;
use crate::pointer;

/// Every keyword of an OpenAPI 3.0 Schema Object. Any other key but an `x-` extension (a typo
/// such as `requried`) is refused: ignoring it would silently change the generated code.
const SCHEMA_KEYWORDS: &[&str] = &[
    "$ref",
    "title",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
    "enum",
    "type",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "items",
    "properties",
    "additionalProperties",
    "description",
    "format",
    "default",
    "nullable",
    "discriminator",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
    "example",
    "deprecated",
];

/// Keys every schema may carry whatever its type (`SchemaData`), besides `x-` extensions.
const METADATA_KEYS: &[&str] = &[
    "nullable",
    "readOnly",
    "writeOnly",
    "deprecated",
    "externalDocs",
    "example",
    "title",
    "description",
    "discriminator",
    "default",
];

/// The keys openapiv3 reads for each `type`.
fn type_keys(ty: &str) -> Option<&'static [&'static str]> {
    Some(match ty {
        "string" => &["pattern", "enum", "format", "minLength", "maxLength"],
        "number" | "integer" => {
            &["multipleOf", "exclusiveMinimum", "exclusiveMaximum", "minimum", "maximum", "enum", "format"]
        }
        "boolean" => &["enum"],
        "object" => &["properties", "required", "additionalProperties", "minProperties", "maxProperties"],
        "array" => &["items", "minItems", "maxItems", "uniqueItems"],
        _ => return None,
    })
}

fn is_metadata(key: &str) -> bool {
    key.starts_with("x-") || METADATA_KEYS.contains(&key)
}

/// Parses a component schema (or any schema fragment) at `pointer`.
pub fn schema(text: &str, pointer: &str) -> Result<ReferenceOr<Schema>, Error> {
    let value = to_value(text, pointer)?;
    let parsed = ReferenceOr::<Schema>::deserialize(&value).map_err(|_| locate_schema(&value, pointer))?;
    check_schema(&parsed, &value, pointer)?;
    Ok(parsed)
}

/// Parses a path item at `pointer`, and checks every schema inside it.
pub fn path_item(text: &str, pointer: &str) -> Result<PathItem, Error> {
    let value = to_value(text, pointer)?;
    let item = PathItem::deserialize(&value).map_err(|e| locate_in_path_item(&value, pointer, &e))?;
    for (relative, position) in schema_positions(&value) {
        let at = pointer::append(pointer, &relative);
        let parsed = ReferenceOr::<Schema>::deserialize(position).map_err(|_| locate_schema(position, &at))?;
        check_schema(&parsed, position, &at)?;
    }
    Ok(item)
}

fn to_value(text: &str, pointer: &str) -> Result<Value, Error> {
    serde_json::from_str(text).map_err(|e| Error::at(pointer, strip_position(&e.to_string()).to_string()))
}

fn message(error: &impl std::fmt::Display) -> String {
    strip_position(&error.to_string()).to_string()
}

/// The child schemas of a raw schema, with their pointers, in a fixed order.
fn schema_children<'v>(value: &'v Value, pointer: &str) -> Vec<(String, &'v Value)> {
    let mut out = Vec::new();
    let Some(map) = value.as_object() else { return out };
    if let Some(Value::Object(properties)) = map.get("properties") {
        let at = pointer::push(pointer, "properties");
        let mut keys: Vec<&String> = properties.keys().collect();
        keys.sort();
        out.extend(keys.into_iter().map(|k| (pointer::push(&at, k), &properties[k])));
    }
    for key in ["items", "not"] {
        if let Some(child) = map.get(key) {
            out.push((pointer::push(pointer, key), child));
        }
    }
    if let Some(child @ Value::Object(_)) = map.get("additionalProperties") {
        out.push((pointer::push(pointer, "additionalProperties"), child));
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(Value::Array(arms)) = map.get(key) {
            let at = pointer::push(pointer, key);
            out.extend(arms.iter().enumerate().map(|(i, arm)| (pointer::push(&at, &i.to_string()), arm)));
        }
    }
    out
}

/// The error for a schema openapiv3 cannot read: the deepest failing child, then the failing key.
pub fn locate_schema(value: &Value, pointer: &str) -> Error {
    for (at, child) in schema_children(value, pointer) {
        if ReferenceOr::<Schema>::deserialize(child).is_err() {
            return locate_schema(child, &at);
        }
    }
    let Some(map) = value.as_object() else {
        return Error::at(pointer, format!("a schema must be an object, found {}", json_kind(value)));
    };
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    for key in keys {
        let alone = Value::Object([(key.clone(), map[key].clone())].into_iter().collect());
        let failure = AnySchema::deserialize(&alone).err().or_else(|| SchemaData::deserialize(&alone).err());
        if let Some(e) = failure {
            return Error::at(pointer::push(pointer, key), message(&e));
        }
    }
    match ReferenceOr::<Schema>::deserialize(value) {
        Err(e) => Error::at(pointer, message(&e)),
        Ok(_) => Error::at(pointer, "openapiv3 cannot read this schema"),
    }
}

/// Refuses what openapiv3 reads but the generator does not implement, anywhere below `parsed`.
pub fn check_schema<S: Borrow<Schema>>(parsed: &ReferenceOr<S>, raw: &Value, pointer: &str) -> Result<(), Error> {
    let ReferenceOr::Item(schema) = parsed else { return Ok(()) };
    let schema = schema.borrow();
    if raw.get("$ref").is_some() {
        return Err(Error::at(pointer::push(pointer, "$ref"), "`$ref` must be a string"));
    }
    if let Some(map) = raw.as_object() {
        let mut unknown: Vec<&String> =
            map.keys().filter(|k| !k.starts_with("x-") && !SCHEMA_KEYWORDS.contains(&k.as_str())).collect();
        unknown.sort();
        if let Some(key) = unknown.first() {
            return Err(Error::at(
                pointer::push(pointer, key),
                format!("`{key}` is not an OpenAPI 3.0 schema keyword"),
            ));
        }
    }
    let child = |key: &str| raw.get(key).unwrap_or(&Value::Null);
    let arms = |key: &str, arms: &[ReferenceOr<Schema>]| -> Result<(), Error> {
        let at = pointer::push(pointer, key);
        for (i, arm) in arms.iter().enumerate() {
            let raw_arm = child(key).get(i).unwrap_or(&Value::Null);
            check_schema(arm, raw_arm, &pointer::push(&at, &i.to_string()))?;
        }
        Ok(())
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            let at = pointer::push(pointer, "properties");
            for (name, property) in &object.properties {
                let raw_property = child("properties").get(name).unwrap_or(&Value::Null);
                check_schema(property, raw_property, &pointer::push(&at, name))?;
            }
            if let Some(AdditionalProperties::Schema(values)) = &object.additional_properties {
                check_schema(values, child("additionalProperties"), &pointer::push(pointer, "additionalProperties"))?;
            }
            Ok(())
        }
        SchemaKind::Type(Type::Array(array)) => match &array.items {
            Some(items) => check_schema(items, child("items"), &pointer::push(pointer, "items")),
            None => Ok(()),
        },
        SchemaKind::Type(_) => Ok(()),
        SchemaKind::AnyOf { any_of } => arms("anyOf", any_of),
        SchemaKind::OneOf { one_of } => arms("oneOf", one_of),
        SchemaKind::AllOf { all_of } => arms("allOf", all_of),
        SchemaKind::Not { .. } => Err(Error::at(pointer::push(pointer, "not"), "`not` schemas are not supported")),
        SchemaKind::Any(any) => any_schema(any, raw, pointer),
    }
}

/// `SchemaKind::Any`: fine when it carries only metadata (any JSON value), refused otherwise.
fn any_schema(any: &AnySchema, raw: &Value, pointer: &str) -> Result<(), Error> {
    let keys: Vec<&str> = match raw.as_object() {
        Some(map) => {
            let mut keys: Vec<&str> = map.keys().map(String::as_str).filter(|k| !is_metadata(k)).collect();
            keys.sort_unstable();
            keys
        }
        None => Vec::new(),
    };
    let Some(ty) = any.typ.as_deref() else {
        return match keys.as_slice() {
            [] => Ok(()),
            keys => Err(Error::at(
                pointer,
                format!(
                    "`{}` without a single `type` (or with keys that exclude each other) is not supported",
                    keys.join("`, `")
                ),
            )),
        };
    };
    let Some(allowed) = type_keys(ty) else {
        return Err(Error::at(pointer::push(pointer, "type"), format!("unsupported type `{ty}`")));
    };
    if let Some(key) = keys.iter().find(|k| **k != "type" && !allowed.contains(k)) {
        return Err(Error::at(pointer::push(pointer, key), format!("`{key}` does not go with `type: {ty}`")));
    }
    let wrong_value = raw.get("enum").and_then(Value::as_array).and_then(|values| {
        values.iter().position(|v| !v.is_null() && json_kind(v) != ty && !(ty == "number" && v.is_number()))
    });
    if let Some(i) = wrong_value {
        let at = pointer::push(&pointer::push(pointer, "enum"), &i.to_string());
        return Err(Error::at(at, format!("an enum value of a `{ty}` schema must be a {ty}")));
    }
    Err(Error::at(pointer, format!("a `{ty}` schema whose keywords do not fit together")))
}

/// The JSON Schema type name of a value (`integer` for whole numbers).
fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Every schema inside a raw path item, with its pointer relative to the item.
fn schema_positions(item: &Value) -> Vec<(String, &Value)> {
    let mut out = parameter_schemas(item, "");
    for method in Method::ALL.map(Method::key) {
        if let Some(operation) = item.get(method) {
            out.extend(parameter_schemas(operation, &pointer::push("", method)));
        }
    }
    for method in Method::ALL.map(Method::key) {
        let Some(operation) = item.get(method) else { continue };
        let at = pointer::push("", method);
        let body = operation.get("requestBody").and_then(|b| b.get("content"));
        out.extend(media_schemas(body, &pointer::push(&pointer::push(&at, "requestBody"), "content")));
        if let Some(Value::Object(responses)) = operation.get("responses") {
            for (status, response) in responses {
                let content_at = pointer::push(&pointer::push(&pointer::push(&at, "responses"), status), "content");
                out.extend(media_schemas(response.get("content"), &content_at));
            }
        }
    }
    out
}

/// The schemas of the `parameters` of a path item or an operation.
fn parameter_schemas<'v>(owner: &'v Value, at: &str) -> Vec<(String, &'v Value)> {
    let Some(Value::Array(list)) = owner.get("parameters") else { return Vec::new() };
    list.iter()
        .enumerate()
        .filter_map(|(i, parameter)| {
            let at = pointer::push(&pointer::push(&pointer::push(at, "parameters"), &i.to_string()), "schema");
            parameter.get("schema").map(|s| (at, s))
        })
        .collect()
}

fn media_schemas<'v>(content: Option<&'v Value>, at: &str) -> Vec<(String, &'v Value)> {
    let Some(Value::Object(content)) = content else { return Vec::new() };
    content
        .iter()
        .filter_map(|(media, m)| m.get("schema").map(|s| (pointer::push(&pointer::push(at, media), "schema"), s)))
        .collect()
}

/// The error for a path item openapiv3 cannot read: a failing schema first, then the part.
fn locate_in_path_item(item: &Value, pointer: &str, error: &serde_json::Error) -> Error {
    for (relative, schema) in schema_positions(item) {
        if ReferenceOr::<Schema>::deserialize(schema).is_err() {
            return locate_schema(schema, &pointer::append(pointer, &relative));
        }
    }
    if let Some(e) = failing_parameter(item, pointer) {
        return e;
    }
    for method in Method::ALL.map(Method::key) {
        let Some(operation) = item.get(method) else { continue };
        let at = pointer::push(pointer, method);
        if let Some(e) = failing_parameter(operation, &at) {
            return e;
        }
        if let Some(body) = operation.get("requestBody") {
            let at = pointer::push(&at, "requestBody");
            if let Err(e) = ReferenceOr::<RequestBody>::deserialize(body) {
                return failing_key::<RequestBody>(body, json!({ "content": {} }), &at)
                    .unwrap_or(Error::at(at, message(&e)));
            }
        }
        if let Some(Value::Object(responses)) = operation.get("responses") {
            for (status, response) in responses {
                let at = pointer::push(&pointer::push(&at, "responses"), status);
                if let Err(e) = ReferenceOr::<Response>::deserialize(response) {
                    let base = json!({ "description": "" });
                    return failing_key::<Response>(response, base, &at).unwrap_or(Error::at(at, message(&e)));
                }
            }
        }
        if let Err(e) = Operation::deserialize(operation) {
            return failing_key::<Operation>(operation, json!({ "responses": {} }), &at)
                .unwrap_or(Error::at(at, message(&e)));
        }
    }
    Error::at(pointer, message(error))
}

/// The first parameter of `owner` openapiv3 cannot read, located to its key.
fn failing_parameter(owner: &Value, at: &str) -> Option<Error> {
    let list = owner.get("parameters")?.as_array()?;
    list.iter().enumerate().find_map(|(i, parameter)| {
        let error = ReferenceOr::<Parameter>::deserialize(parameter).err()?;
        let at = pointer::push(&pointer::push(at, "parameters"), &i.to_string());
        let has_schema = ["schema", "content", "$ref"].iter().any(|key| parameter.get(key).is_some());
        if !has_schema {
            return Some(Error::at(at, "a parameter without a `schema` is not supported"));
        }
        let location =
            parameter.get("in").and_then(Value::as_str).filter(|l| ["query", "header", "path", "cookie"].contains(l));
        let base = json!({ "name": "p", "in": location.unwrap_or("query"), "schema": { "type": "string" } });
        Some(failing_key::<Parameter>(parameter, base, &at).unwrap_or(Error::at(at, message(&error))))
    })
}

/// The first key (in sorted order) of `value` that alone, on top of a minimal valid `base`,
/// makes `T` fail: where a part of a path item is wrong, since openapiv3's flattened types lose
/// serde's path.
fn failing_key<T: DeserializeOwned>(value: &Value, base: Value, at: &str) -> Option<Error> {
    let map = value.as_object()?;
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    keys.into_iter().find_map(|key| {
        let mut probe = base.clone();
        probe[key.as_str()] = map[key].clone();
        let error = T::deserialize(&probe).err()?;
        Some(Error::at(pointer::push(at, key), message(&error)))
    })
}

/// The schema of a parameter, or an error when it has `content` instead.
pub fn parameter_schema<'p>(
    schema: &'p ParameterSchemaOrContent,
    pointer: &str,
) -> Result<&'p ReferenceOr<Schema>, Error> {
    match schema {
        ParameterSchemaOrContent::Schema(schema) => Ok(schema),
        ParameterSchemaOrContent::Content(_) => Err(Error::at(
            pointer::push(pointer, "content"),
            "a parameter without a `schema` (`content` instead) is not supported",
        )),
    }
}
