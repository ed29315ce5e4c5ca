//! Checks parsed parameters against the spec's shapes and turns them into JSON: an unknown key,
//! a missing required one, a wrong type or enum value, a string past its `maxLength`, metadata
//! past Stripe's limits each become Stripe's error with `param`.

use serde_json::{Map, Number, Value};

use crate::answer::StripeError;
use crate::form::{Fields, Node};
use crate::limits::{METADATA_KEYS, METADATA_KEY_CHARS, METADATA_VALUE_CHARS};
use crate::table::{Field, Shape};

/// Checks the parameters of one request against its params struct.
pub fn params(shape: &Shape, given: Fields) -> Result<Map<String, Value>, StripeError> {
    let fields = shape.fields().unwrap_or(&[]);
    match object(fields, given, None)? {
        Value::Object(map) => Ok(map),
        _ => unreachable!("object() returns an object"),
    }
}

/// `options` at the top, `options[document]` below it.
fn child(parent: Option<&str>, name: &str) -> String {
    match parent {
        Some(parent) => format!("{parent}[{name}]"),
        None => name.to_string(),
    }
}

fn object(fields: &[Field], given: Fields, parent: Option<&str>) -> Result<Value, StripeError> {
    let mut out = Map::new();
    for (name, node) in given {
        let param = child(parent, &name);
        let Some(field) = fields.iter().find(|f| f.name == name) else {
            return Err(StripeError::coded(
                "parameter_unknown",
                Some(&param),
                format!("Received unknown parameter: {param}"),
            ));
        };
        if let (Some(limit), Node::Value(text)) = (field.max_length, &node) {
            if text.chars().count() > limit {
                // Stripe quotes the value back ("Invalid string: …; must be at most 5000 characters");
                // the fake leaves it out.
                return Err(StripeError::invalid(
                    Some(&param),
                    format!("Invalid string: {param} must be at most {limit} characters"),
                ));
            }
        }
        out.insert(name, check(field.shape, node, &param)?);
    }
    if let Some(missing) = fields.iter().find(|f| f.required && !out.contains_key(f.name)) {
        let param = child(parent, missing.name);
        return Err(StripeError::coded("parameter_missing", Some(&param), format!("Missing required param: {param}.")));
    }
    Ok(Value::Object(out))
}

/// Checks one value against its shape.
fn check(shape: &Shape, node: Node, param: &str) -> Result<Value, StripeError> {
    let invalid = |what: String| Err(StripeError::invalid(Some(param), what));
    match (shape, node) {
        (Shape::Emptyable { of: _ }, Node::Value(v)) if v.is_empty() => Ok(Value::String(v)),
        (Shape::Emptyable { of }, node) => check(of, node, param),
        (Shape::AnyOf { arms }, node) => any_of(arms, node, param),
        (Shape::Json, node) => Ok(json(node)),
        // `metadata=` clears every key, as Stripe allows for any map.
        (Shape::Map { .. }, Node::Value(v)) if v.is_empty() => Ok(Value::String(v)),
        (_, Node::Value(v)) if v.is_empty() => Err(StripeError::coded(
            "parameter_invalid_empty",
            Some(param),
            format!("You passed an empty string for '{param}'. We assume empty values are an attempt to unset a parameter; however '{param}' cannot be unset. You should remove '{param}' from your request or supply a non-empty value."),
        )),
        (Shape::String, Node::Value(v)) => Ok(Value::String(v)),
        (Shape::Integer | Shape::Timestamp, Node::Value(v)) => match v.parse::<i64>() {
            Ok(n) => Ok(Value::from(n)),
            Err(_) => invalid(format!("Invalid integer: {v}")),
        },
        (Shape::Number, Node::Value(v)) => match v.parse::<f64>().ok().and_then(Number::from_f64) {
            Some(n) => Ok(Value::Number(n)),
            None => invalid(format!("Invalid decimal: {v}")),
        },
        (Shape::Bool, Node::Value(v)) => match v.as_str() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => invalid(format!("Invalid boolean: {v}")),
        },
        (Shape::Enum { values }, Node::Value(v)) => {
            if values.contains(&v.as_str()) || untrusted(values, param) {
                Ok(Value::String(v))
            } else {
                invalid(format!("Invalid {param}: must be one of {}", one_of(values)))
            }
        }
        (Shape::Object { fields }, Node::Fields(given)) => object(fields, given, Some(param)),
        (Shape::Map { of }, Node::Fields(given)) => {
            if param.ends_with("metadata") {
                metadata_limits(&given, param)?;
            }
            let mut out = Map::new();
            for (key, node) in given {
                // `metadata[key]=` deletes that key: an empty value is always allowed in a map.
                let value = match node {
                    Node::Value(v) if v.is_empty() => Value::String(v),
                    node => check(of, node, &child(Some(param), &key))?,
                };
                out.insert(key, value);
            }
            Ok(Value::Object(out))
        }
        (Shape::Array { of }, Node::Fields(given)) => array(of, given, param),
        (Shape::String | Shape::Integer | Shape::Timestamp | Shape::Number | Shape::Bool | Shape::Enum { .. }, _) => {
            invalid(format!("Invalid {param}: expected a single value, not a hash"))
        }
        (Shape::Object { .. } | Shape::Map { .. }, Node::Value(_)) => invalid(format!("Invalid {param}: must be a hash")),
        (Shape::Array { .. }, Node::Value(_)) => invalid(format!("Invalid array: {param} must be an array")),
        (Shape::Expandable { .. } | Shape::List { .. }, _) => invalid(format!("{param} cannot be sent")),
    }
}

/// Stripe's metadata limits (<https://docs.stripe.com/metadata>), in Stripe's words (its staff
/// gave the templates in stripe/stripe-php#246; the count message is as Stripe answers it),
/// leaving out the value Stripe quotes. A merge past 50 keys is checked where metadata merges.
fn metadata_limits(given: &Fields, param: &str) -> Result<(), StripeError> {
    if given.len() > METADATA_KEYS {
        return Err(too_many_keys(given.len(), param));
    }
    for (key, node) in given.iter() {
        if key.chars().count() > METADATA_KEY_CHARS {
            return Err(StripeError::invalid(
                Some(param),
                format!("Invalid key: keys must be a string under {METADATA_KEY_CHARS} characters"),
            ));
        }
        if let Node::Value(value) = node {
            if value.chars().count() > METADATA_VALUE_CHARS {
                return Err(StripeError::invalid(
                    Some(param),
                    format!("Invalid val: values must be a string under {METADATA_VALUE_CHARS} characters"),
                ));
            }
        }
    }
    Ok(())
}

/// Stripe's error for metadata of more than 50 keys.
pub fn too_many_keys(count: usize, param: &str) -> StripeError {
    StripeError::invalid(
        Some(param),
        format!("Metadata can have up to {METADATA_KEYS} keys, but you've set {count}. Email us at support+metadata@stripe.com for more information."),
    )
}

/// `a[]=x&a[]=y` or `a[0]=x&a[1]=y` (indices in any order, but not mixed with `[]`).
fn array(of: &Shape, given: Fields, param: &str) -> Result<Value, StripeError> {
    let appended = given.iter().all(|(key, _)| key.is_empty());
    let mut items: Vec<(usize, Node)> = Vec::with_capacity(given.len());
    for (position, (key, node)) in given.into_iter().enumerate() {
        let index = if appended {
            position
        } else {
            key.parse::<usize>().map_err(|_| {
                StripeError::invalid(Some(param), format!("Invalid array: {param}[{key}] is not an index"))
            })?
        };
        items.push((index, node));
    }
    items.sort_by_key(|(index, _)| *index);
    let mut out = Vec::with_capacity(items.len());
    for (index, node) in items {
        out.push(check(of, node, &format!("{param}[{index}]"))?);
    }
    Ok(Value::Array(out))
}

/// The first arm that accepts the value; otherwise the error of the arm closest to fitting
/// (one that got past the value's kind, such as an unknown key inside a range object).
fn any_of(arms: &[&Shape], node: Node, param: &str) -> Result<Value, StripeError> {
    let mut errors = Vec::new();
    for arm in arms {
        match check(arm, node.clone(), param) {
            Ok(value) => return Ok(value),
            Err(error) => errors.push(error),
        }
    }
    let specific = errors.iter().position(|e| e.code.is_some() || e.param.as_deref() != Some(param));
    Err(match specific {
        Some(i) => errors.swap_remove(i),
        None => StripeError::invalid(Some(param), format!("Invalid {param}")),
    })
}

/// A node as JSON, for parameters the spec leaves open.
fn json(node: Node) -> Value {
    match node {
        Node::Value(v) => Value::String(v),
        Node::Fields(fields) => Value::Object(fields.into_iter().map(|(k, v)| (k, json(v))).collect()),
    }
}

/// Whether an enum of the spec cannot be trusted: older third-party copies of Stripe's spec
/// replace the `api_version` list with repeated timestamps, so an `api_version` list that holds
/// anything but API versions (`2024-06-20`, `2024-09-30.acacia`) is not enforced.
fn untrusted(values: &[&str], param: &str) -> bool {
    let is_version = |v: &str| {
        let date = v.split('.').next().unwrap_or_default();
        date.len() == 10
            && date.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() })
    };
    param == "api_version" && !values.iter().all(|v| is_version(v))
}

/// `a, b, or c`.
fn one_of(values: &[&str]) -> String {
    match values {
        [] => String::new(),
        [one] => one.to_string(),
        [first, second] => format!("{first} or {second}"),
        [init @ .., last] => format!("{}, or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::parse;

    // A params struct with a required field and a nested required one, as a spec could have.
    static COLOR: Shape = Shape::Enum { values: &["red", "blue"] };
    static TAGS: Shape = Shape::Map { of: &Shape::String };
    static INNER: Shape = Shape::Object {
        fields: &[Field {
            name: "code",
            required: true,
            nullable: false,
            personal: true,
            max_length: Some(5),
            shape: &Shape::String,
        }],
    };
    static PARAMS: Shape = Shape::Object {
        fields: &[
            Field {
                name: "name",
                required: true,
                nullable: false,
                personal: true,
                max_length: None,
                shape: &Shape::String,
            },
            Field { name: "color", required: false, nullable: false, personal: false, max_length: None, shape: &COLOR },
            Field { name: "inner", required: false, nullable: false, personal: false, max_length: None, shape: &INNER },
            Field {
                name: "metadata",
                required: false,
                nullable: false,
                personal: true,
                max_length: None,
                shape: &TAGS,
            },
        ],
    };

    fn check(text: &str) -> Result<Map<String, Value>, StripeError> {
        params(&PARAMS, parse(text).unwrap())
    }

    #[test]
    fn required_fields_come_from_the_table_at_any_depth() {
        let missing = check("color=red").unwrap_err();
        assert_eq!((missing.code, missing.param.as_deref()), (Some("parameter_missing"), Some("name")));
        assert_eq!(missing.message, "Missing required param: name.");
        let nested = check("name=a&inner[other]=1").unwrap_err();
        assert_eq!((nested.code, nested.param.as_deref()), (Some("parameter_unknown"), Some("inner[other]")));
        let nested = check("name=a&inner[code]=").unwrap_err();
        assert_eq!((nested.code, nested.param.as_deref()), (Some("parameter_invalid_empty"), Some("inner[code]")));
        let ok = check("name=a&inner[code]=x&color=blue").unwrap();
        assert_eq!(Value::Object(ok), serde_json::json!({ "name": "a", "inner": { "code": "x" }, "color": "blue" }));
    }

    #[test]
    fn max_length_and_metadata_limits_hold_without_quoting_the_value() {
        let long = check("name=a&inner[code]=abcdef").unwrap_err();
        assert_eq!(long.param.as_deref(), Some("inner[code]"));
        assert_eq!(long.message, "Invalid string: inner[code] must be at most 5 characters");
        assert!(check("name=a&inner[code]=abcde").is_ok());
        let keys: Vec<String> = (0..51).map(|n| format!("metadata[k{n}]=v")).collect();
        let many = check(&format!("name=a&{}", keys.join("&"))).unwrap_err();
        assert!(many.message.starts_with("Metadata can have up to 50 keys, but you've set 51."), "{many}");
        assert!(check(&format!("name=a&{}", keys[..50].join("&"))).is_ok());
        let key = check(&format!("name=a&metadata[{}]=v", "k".repeat(41))).unwrap_err();
        assert_eq!((key.param.as_deref(), key.message.contains("kkkk")), (Some("metadata"), false));
        assert!(check(&format!("name=a&metadata[{}]=v", "k".repeat(40))).is_ok());
        let value = check(&format!("name=a&metadata[k]={}", "v".repeat(501))).unwrap_err();
        assert!(value.message.starts_with("Invalid val:") && !value.message.contains("vvvv"), "{value}");
        assert!(check(&format!("name=a&metadata[k]={}", "v".repeat(500))).is_ok());
    }

    #[test]
    fn an_api_version_list_of_timestamps_is_not_enforced() {
        let broken = ["2025-10-15T13:53:19.618Z"];
        assert!(untrusted(&broken, "api_version"));
        assert!(!untrusted(&["2024-06-20", "2024-09-30.acacia"], "api_version"));
        assert!(!untrusted(&broken, "type"), "only the api_version list is known to be broken");
    }

    #[test]
    fn enum_errors_list_the_values() {
        let error = check("name=a&color=green").unwrap_err();
        assert_eq!((error.code, error.param.as_deref()), (None, Some("color")));
        assert_eq!(error.message, "Invalid color: must be one of red or blue");
    }
}
