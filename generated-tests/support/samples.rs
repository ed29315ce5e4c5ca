//! JSON values of any generated type, built from the generator's model of the spec with every
//! field set: distinct sentinel strings and numbers wherever a value could be personal. The
//! redaction test looks for the sentinels in `Debug` output; the decoding benchmark decodes them.

#![allow(dead_code)] // Each user takes its own part.

use serde_json::{json, Value};
use stripe_identity_codegen::ir::{is_personal, Api, Type, TypeKind};

/// The string sentinel; numbers use [`NUMBER_SENTINEL`] plus a counter.
pub const SENTINEL: &str = "SENTINEL";
pub const NUMBER_SENTINEL: i64 = 77_700_000;

/// Builds a JSON value of type `ty` with a fresh sentinel in every value that could be personal.
pub struct Samples<'a> {
    api: &'a Api,
    next: i64,
    /// Every sentinel handed out, to look for in the output.
    pub handed_out: Vec<String>,
}

impl<'a> Samples<'a> {
    pub fn new(api: &'a Api) -> Self {
        Samples { api, next: 0, handed_out: Vec::new() }
    }

    fn string(&mut self) -> Value {
        self.next += 1;
        let value = format!("{SENTINEL}{}", self.next);
        self.handed_out.push(value.clone());
        json!(value)
    }

    fn integer(&mut self) -> Value {
        self.next += 1;
        let value = NUMBER_SENTINEL + self.next;
        self.handed_out.push(value.to_string());
        json!(value)
    }

    pub fn of(&mut self, ty: &Type, depth: usize) -> Value {
        match ty {
            Type::String => self.string(),
            Type::Integer => self.integer(),
            Type::Number => {
                let n = self.integer().as_i64().unwrap_or_default();
                json!(n as f64 + 0.5)
            }
            Type::Bool => json!(true),
            Type::Timestamp => json!(1_700_000_000),
            Type::Json => json!({ "note": self.string() }),
            Type::Vec(inner) => json!([self.of(inner, depth)]),
            Type::Map(inner) => {
                let key = self.string().as_str().unwrap_or_default().to_string();
                json!({ key: self.of(inner, depth) })
            }
            Type::Boxed(inner) | Type::Emptyable(inner) | Type::Expandable(inner) => self.of(inner, depth),
            Type::List(inner) => {
                json!({ "object": "list", "data": [self.of(inner, depth)], "has_more": false, "url": "/v1/x" })
            }
            Type::Named(name) => self.named(name, depth),
            Type::Provided(_) => Value::Null,
        }
    }

    pub fn named(&mut self, name: &str, depth: usize) -> Value {
        let Some(def) = self.api.types.iter().find(|t| t.name == name) else { return Value::Null };
        match &def.kind {
            TypeKind::Struct(s) => {
                let mut object = serde_json::Map::new();
                for field in &s.fields {
                    let value = match field.wire.as_str() {
                        // Ids and object tags are shown by design: give them values that are not sentinels.
                        "id" => json!(format!("id_{}", self.next)),
                        _ if depth > 6 && field.optional() => continue,
                        _ => self.of(&field.ty, depth + 1),
                    };
                    object.insert(field.wire.clone(), value);
                }
                Value::Object(object)
            }
            // A personal enum (one listing `[redacted]`) may hold anything: a sentinel, which it
            // keeps as `Unrecognized`; the others a value they list, shown by design.
            TypeKind::Enum(variants) if is_personal(variants) => self.string(),
            TypeKind::Enum(variants) => json!(variants.first().map_or("x", |v| v.value.as_str())),
            TypeKind::Union(union) => match union.arms.first() {
                Some(arm) => self.of(&arm.ty.clone(), depth),
                None => Value::Null,
            },
            TypeKind::Alias(ty) => self.of(&ty.clone(), depth),
            TypeKind::Id => json!("id_typed"),
        }
    }
}
