//! Comparing generated output: a unified text diff (is the snapshot stale?) and a Markdown
//! report of what a spec bump changes in the generated Rust API.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::ir::{Api, Field, Operation, Struct, TypeDef, TypeKind, Variant};

/// A unified diff of `old` → `new`, or `None` when they are equal.
pub fn unified(old: &str, new: &str, name: &str) -> Option<String> {
    if old == new {
        return None;
    }
    let diff = similar::TextDiff::from_lines(old, new);
    Some(
        diff.unified_diff()
            .context_radius(3)
            .header(&format!("{name} (committed)"), &format!("{name} (generated)"))
            .to_string(),
    )
}

/// What a change means for code written against the old generated API. Every generated type
/// is `#[non_exhaustive]` and params are built with `new(required…)` and setters, so the
/// classification follows what still compiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    /// Code that compiled may no longer compile.
    Breaking,
    /// Compiles as before, but a value that decoded as `Unrecognized` now decodes as a named
    /// variant: a match on the `Unrecognized` form stops matching it.
    Decoding,
    /// New API; existing code keeps compiling and decoding as before.
    Additive,
}

/// One change, described for a reader.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    pub impact: Impact,
    pub text: String,
}

/// Every change from `old` to `new` in the generated API, breaking ones first.
pub fn changes(old: &Api, new: &Api) -> Vec<Change> {
    let mut out = Vec::new();
    let mut push = |impact, text: String| out.push(Change { impact, text });

    let old_ops: BTreeMap<&str, &Operation> = old.operations.iter().map(|o| (o.name.as_str(), o)).collect();
    let new_ops: BTreeMap<&str, &Operation> = new.operations.iter().map(|o| (o.name.as_str(), o)).collect();
    for (name, op) in &old_ops {
        match new_ops.get(name) {
            None => push(Impact::Breaking, format!("operation `{name}` (`{} {}`) removed", op.method, op.path)),
            Some(new_op) => compare_operation(op, new_op, &mut push),
        }
    }
    for (name, op) in &new_ops {
        if !old_ops.contains_key(name) {
            push(Impact::Additive, format!("operation `{name}` (`{} {}`) added", op.method, op.path));
        }
    }

    for def in old.types.iter() {
        match new.types.get(&def.name) {
            None => push(Impact::Breaking, format!("type `{}` removed", def.name)),
            Some(new_def) => compare_type(def, new_def, &mut push),
        }
    }
    for def in new.types.iter().filter(|t| old.types.get(&t.name).is_none()) {
        push(Impact::Additive, format!("type `{}` added", def.name));
    }
    for (from, to) in old.conversions.iter().filter(|c| !new.conversions.contains(c)) {
        push(Impact::Breaking, format!("`From<{from}> for {to}` removed"));
    }
    for (from, to) in new.conversions.iter().filter(|c| !old.conversions.contains(c)) {
        push(Impact::Additive, format!("`From<{from}> for {to}` added"));
    }
    out.sort();
    out
}

fn compare_operation(old: &Operation, new: &Operation, push: &mut impl FnMut(Impact, String)) {
    let name = &old.name;
    if (&old.method, &old.path) != (&new.method, &new.path) {
        push(
            Impact::Breaking,
            format!("operation `{name}` moved: `{} {}` → `{} {}`", old.method, old.path, new.method, new.path),
        );
    }
    if old.response != new.response {
        push(Impact::Breaking, format!("operation `{name}` returns `{}` instead of `{}`", new.response, old.response));
    }
    let signature = |op: &Operation| {
        let mut args: Vec<String> =
            op.path_params.iter().map(|p| format!("{}: &{}", p.name, p.id.as_deref().unwrap_or("str"))).collect();
        args.extend(op.query.iter().chain(&op.body).map(|params| format!("&{params}")));
        args.join(", ")
    };
    let (before, after) = (signature(old), signature(new));
    if before != after {
        push(Impact::Breaking, format!("operation `{name}` takes `({after})` instead of `({before})`"));
    }
}

fn compare_type(old: &TypeDef, new: &TypeDef, push: &mut impl FnMut(Impact, String)) {
    let name = &old.name;
    if old.role.sent && !new.role.sent && matches!(new.kind, TypeKind::Struct(_)) {
        push(Impact::Breaking, format!("`{name}` is no longer sent: its setters are gone"));
    }
    match (&old.kind, &new.kind) {
        (TypeKind::Struct(a), TypeKind::Struct(b)) => compare_struct(name, a, b, new.role.sent, push),
        (TypeKind::Enum(a), TypeKind::Enum(b)) => compare_enum(name, a, b, new.role.received, push),
        (TypeKind::Union(a), TypeKind::Union(b)) => {
            for arm in a.arms.iter().filter(|x| !b.arms.iter().any(|y| y.ty == x.ty)) {
                push(Impact::Breaking, format!("variant `{name}::{}` removed", arm.name));
            }
            for arm in b.arms.iter().filter(|x| !a.arms.iter().any(|y| y.ty == x.ty)) {
                match (b.tagged, &arm.tag) {
                    (true, Some(tag)) => push(
                        Impact::Decoding,
                        format!("variant `{name}::{}` added: objects with `object: \"{tag}\"` decode into it, no longer as `{name}::Unrecognized`", arm.name),
                    ),
                    _ => push(Impact::Additive, format!("variant `{name}::{}({})` added", arm.name, arm.ty)),
                }
            }
        }
        (TypeKind::Alias(a), TypeKind::Alias(b)) if a != b => {
            push(Impact::Breaking, format!("type `{name}` is now `{b}` instead of `{a}`"));
        }
        (a, b) if std::mem::discriminant(a) != std::mem::discriminant(b) => {
            push(Impact::Breaking, format!("type `{name}` changed kind: {} → {}", kind_name(a), kind_name(b)));
        }
        _ => {}
    }
}

/// Values are matched by their wire value; a value a received enum now names is a decoding
/// change (it used to arrive as `Unrecognized`), in a sent-only enum an addition.
fn compare_enum(name: &str, a: &[Variant], b: &[Variant], received: bool, push: &mut impl FnMut(Impact, String)) {
    for v in a {
        match b.iter().find(|w| w.value == v.value) {
            None => push(Impact::Breaking, format!("value `{}` removed from enum `{name}`", v.value)),
            Some(w) if w.name != v.name => {
                push(Impact::Breaking, format!("variant `{name}::{}` renamed to `{name}::{}`", v.name, w.name))
            }
            Some(_) => {}
        }
    }
    for v in b.iter().filter(|v| !a.iter().any(|w| w.value == v.value)) {
        if received {
            let text = format!(
                "value `{}` added to enum `{name}`: it decodes as `{name}::{}`, no longer as `{name}::Unrecognized(\"{}\")`",
                v.value, v.name, v.value
            );
            push(Impact::Decoding, text);
        } else {
            push(Impact::Additive, format!("value `{}` added to enum `{name}` (`{name}::{}`)", v.value, v.name));
        }
    }
}

fn compare_struct(name: &str, a: &Struct, b: &Struct, sent: bool, push: &mut impl FnMut(Impact, String)) {
    let by_wire = |fields: &[Field]| fields.iter().map(|f| (f.wire.clone(), f.clone())).collect::<BTreeMap<_, _>>();
    let (old_fields, new_fields) = (by_wire(&a.fields), by_wire(&b.fields));
    for (wire, field) in &old_fields {
        let Some(new_field) = new_fields.get(wire) else {
            push(Impact::Breaking, format!("field `{name}.{}` removed", field.name));
            continue;
        };
        if field.name != new_field.name {
            push(Impact::Breaking, format!("field `{name}.{}` renamed to `{}`", field.name, new_field.name));
        }
        let (before, after) = (field_type(field), field_type(new_field));
        let mut what = Vec::new();
        if field.ty != new_field.ty {
            what.push("changed type".to_string());
        }
        match (field.nullable, new_field.nullable) {
            (false, true) => what.push("became nullable".into()),
            (true, false) => what.push("is no longer nullable".into()),
            _ => {}
        }
        match (field.required, new_field.required) {
            (true, false) => what.push("is no longer required".into()),
            (false, true) => what.push("became required".into()),
            _ => {}
        }
        if !what.is_empty() {
            // Only a change of the Rust type breaks code; a spec-only change is noted too.
            let impact = if before == after { Impact::Additive } else { Impact::Breaking };
            push(impact, format!("field `{name}.{}` {}: `{before}` → `{after}`", field.name, what.join(" and ")));
        }
    }
    for (wire, field) in &new_fields {
        if !old_fields.contains_key(wire) {
            if sent && !field.optional() {
                let text = format!(
                    "required parameter `{name}.{}: {}` added: `{name}::new` takes it",
                    field.name,
                    field_type(field)
                );
                push(Impact::Breaking, text);
            } else {
                push(Impact::Additive, format!("field `{name}.{}: {}` added", field.name, field_type(field)));
            }
        }
    }
    // Params whose fields are all optional implement `Default`; a model always does (its `new()`).
    if sent && a.fields.iter().all(Field::optional) && !b.fields.iter().all(Field::optional) {
        push(Impact::Breaking, format!("`{name}` no longer implements `Default` (a field became required)"));
    }
}

fn field_type(field: &Field) -> String {
    if field.optional() {
        format!("Option<{}>", field.ty)
    } else {
        field.ty.to_string()
    }
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "struct",
        TypeKind::Enum(_) => "enum",
        TypeKind::Union(_) => "union",
        TypeKind::Alias(_) => "alias",
        TypeKind::Id => "id",
    }
}

/// A Markdown report of what changed between two generated APIs.
pub fn report(old: &Api, new: &Api, title: &str) -> String {
    let changes = changes(old, new);
    let count = |impact| changes.iter().filter(|c| c.impact == impact).count();
    let mut out = String::new();
    let _ = writeln!(out, "# Generated API changes: {title}\n");
    let _ = writeln!(out, "Stripe API version: {} → {}\n", old.api_version, new.api_version);
    if changes.is_empty() {
        let _ = writeln!(out, "No change to the generated API.");
        return out;
    }
    let _ = writeln!(
        out,
        "**{} breaking, {} additive, {} decoding differently.**",
        count(Impact::Breaking),
        count(Impact::Additive),
        count(Impact::Decoding)
    );
    let sections =
        [(Impact::Breaking, "Breaking"), (Impact::Decoding, "Decoding differently"), (Impact::Additive, "Additive")];
    for (impact, heading) in sections {
        let section: Vec<&Change> = changes.iter().filter(|c| c.impact == impact).collect();
        if !section.is_empty() {
            let _ = writeln!(out, "\n## {heading}\n");
            for change in section {
                let _ = writeln!(out, "- {}", change.text);
            }
        }
    }
    out
}
