//! Objects as the spec shapes them. [`present`] is the one way an object leaves the fake (an
//! answer, an event, a control route's result): expand what `expand[]` names, hide Stripe's
//! expand-only results it does not name, then [`conform`]: exactly the shape's fields, `null` where
//! nullable, absent where optional and not nullable. [`redact`] blanks what the spec's types mark
//! personal; [`can_expand`] says what `expand[]` may name.

use serde_json::{Map, Value};

use crate::expand_only;
use crate::table::Shape;

/// `value` as an answer of `shape`, with `expand` applied; `lookup` finds the objects that
/// expanded ids stand for.
pub fn present(shape: &Shape, mut value: Value, expand: &[String], lookup: &dyn Fn(&str) -> Option<Value>) -> Value {
    for path in expand {
        expand_path(&mut value, path, lookup);
    }
    expand_only::hide_unexpanded(&mut value, "", expand);
    conform(shape, value)
}

/// The value with exactly the fields of `shape`: missing nullable fields become `null`, a
/// `null` in a field that may not hold one is left out, fields the spec does not list are left
/// out (so an older spec never sees a newer field).
pub fn conform(shape: &Shape, value: Value) -> Value {
    match (shape, value) {
        (_, Value::Null) => Value::Null,
        (Shape::Object { fields }, Value::Object(mut given)) => {
            let mut out = Map::new();
            for field in fields.iter() {
                match given.remove(field.name) {
                    Some(Value::Null) | None if field.nullable => {
                        out.insert(field.name.to_string(), Value::Null);
                    }
                    Some(Value::Null) | None => {}
                    Some(value) => {
                        out.insert(field.name.to_string(), conform(field.shape, value));
                    }
                }
            }
            Value::Object(out)
        }
        (Shape::AnyOf { arms }, value @ Value::Object(_)) => match arms.iter().find(|arm| arm.fields().is_some()) {
            Some(arm) => conform(arm, value),
            None => value,
        },
        (Shape::Expandable { of } | Shape::Emptyable { of }, value @ Value::Object(_)) => conform(of, value),
        (Shape::List { of }, Value::Object(mut page)) => {
            if let Some(Value::Array(items)) = page.remove("data") {
                page.insert("data".into(), Value::Array(items.into_iter().map(|item| conform(of, item)).collect()));
            }
            Value::Object(page)
        }
        (Shape::Array { of }, Value::Array(items)) => {
            Value::Array(items.into_iter().map(|item| conform(of, item)).collect())
        }
        (Shape::Map { of }, Value::Object(map)) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, conform(of, v))).collect())
        }
        (_, value) => value,
    }
}

/// Replaces what the spec's types mark personal: strings become `[redacted]`, maps (metadata)
/// become empty, other values `null` where the field may be null. Strings for which `keep`
/// says yes (ids of objects the fake holds) stay.
pub fn redact(shape: &Shape, value: &mut Value, keep: &dyn Fn(&str) -> bool) {
    match (shape, value) {
        (Shape::Array { of }, Value::Array(items)) => items.iter_mut().for_each(|item| redact(of, item, keep)),
        (shape, Value::Object(map)) => {
            let Some(fields) = shape.fields() else { return };
            for field in fields {
                let Some(value) = map.get_mut(field.name) else { continue };
                if field.personal {
                    blank(field.shape, value, field.nullable, keep);
                } else {
                    redact(field.shape, value, keep);
                }
            }
        }
        _ => {}
    }
}

fn blank(shape: &Shape, value: &mut Value, nullable: bool, keep: &dyn Fn(&str) -> bool) {
    match value {
        Value::Null => {}
        Value::String(s) if keep(s) => {}
        Value::String(_) => *value = Value::String("[redacted]".to_string()),
        Value::Array(items) => {
            let of = match shape {
                Shape::Array { of } => of,
                other => other,
            };
            items.iter_mut().for_each(|item| blank(of, item, false, keep));
        }
        Value::Object(map) if matches!(shape, Shape::Map { .. }) => map.clear(),
        _ if nullable => *value = Value::Null,
        Value::Object(map) => map.clear(),
        _ => {}
    }
}

/// Whether `expand[]` may name `path` in a response of this shape: each segment a field (or
/// `data` of a list), at most four deep as at Stripe, ending on an id-or-object, an object, or
/// one of Stripe's expand-only results.
pub fn can_expand(shape: &Shape, path: &str) -> bool {
    let segments: Vec<&str> = path.split('.').collect();
    if segments.len() > 4 {
        return false;
    }
    let mut shape = shape;
    for segment in &segments {
        shape = match (shape, *segment) {
            (Shape::List { of }, "data") => of,
            (shape, name) => match shape.field(name) {
                Some(field) => field.shape,
                None => return false,
            },
        };
    }
    is_expandable(shape) || shape.fields().is_some() || expand_only::is_expand_only(path.trim_start_matches("data."))
}

fn is_expandable(shape: &Shape) -> bool {
    match shape {
        Shape::Expandable { .. } => true,
        Shape::AnyOf { arms } => arms.iter().any(|arm| is_expandable(arm)),
        _ => false,
    }
}

/// Follows `path` (`a`, `data.a`, `a.b.c`), replacing each id on the way with what `lookup`
/// returns for it. Never adds a key.
fn expand_path(value: &mut Value, path: &str, lookup: &dyn Fn(&str) -> Option<Value>) {
    let (head, rest) = path.split_once('.').map_or((path, None), |(h, r)| (h, Some(r)));
    let Some(target) = value.get_mut(head) else { return };
    if let Some(object) = target.as_str().and_then(lookup) {
        *target = object;
    }
    match (rest, target) {
        (Some(rest), Value::Array(items)) => items.iter_mut().for_each(|item| expand_path(item, rest, lookup)),
        (Some(rest), target) => expand_path(target, rest, lookup),
        (None, _) => {}
    }
}
