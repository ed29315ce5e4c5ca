//! Rules over the whole IR once every type is defined, in the order `lower` runs them: boxing
//! cycles, typed path ids, which way each type travels, which values are personal, and which
//! enums convert into each other. They walk definitions through [`TypeKind::types`], the IR's
//! one visitor, and look types up in [`Types`], its one index.

use std::collections::BTreeSet;

use super::ids::IdTypes;
use super::naming::singular;
use crate::ir::{is_personal, Operation, Role, Type, TypeKind, Types};

/// Boxes every by-value reference that closes a cycle, so recursive types have a size.
pub fn box_cycles(types: &mut Types) {
    let edges: Vec<Vec<usize>> = types
        .iter()
        .map(|t| t.kind.types().into_iter().filter_map(by_value_name).filter_map(|name| types.position(name)).collect())
        .collect();
    let component = strongly_connected(&edges);
    // The names each type holds by value inside its own cycle, found before anything changes.
    let cyclic: Vec<BTreeSet<String>> = types
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let in_cycle = |name: &&str| types.position(name).is_some_and(|j| component[j] == component[i]);
            t.kind.types().into_iter().filter_map(by_value_name).filter(in_cycle).map(str::to_string).collect()
        })
        .collect();
    for (t, cyclic) in types.iter_mut().zip(cyclic) {
        let cyclic = |name: &str| cyclic.contains(name);
        for ty in t.kind.types_mut() {
            let target = match ty {
                Type::Emptyable(inner) => &mut **inner,
                other => other,
            };
            if matches!(target, Type::Named(name) if cyclic(name)) {
                *target = Type::Boxed(Box::new(target.clone()));
            }
        }
    }
}

/// The named type held inline (not behind a `Vec`, map, `Box` or expandable), if any.
fn by_value_name(ty: &Type) -> Option<&str> {
    match ty {
        Type::Named(name) => Some(name),
        Type::Emptyable(inner) => by_value_name(inner),
        _ => None,
    }
}

/// A placeholder that names the returned resource (`verification_sessions/{session}` for a
/// VerificationSession) takes that resource's typed id.
pub fn type_path_ids(types: &Types, operations: &mut [Operation], ids: &IdTypes) {
    for op in operations {
        let Type::Named(returned) = &op.response else { continue };
        let object_id = types.get(returned).and_then(|t| match &t.kind {
            TypeKind::Struct(s) => s.object_id.clone(),
            _ => None,
        });
        let Some(Type::Named(id)) = object_id else { continue };
        let Some(resource) = ids.resource_of(&id) else { continue };
        for param in &mut op.path_params {
            if op.path.collection_of(&param.wire).is_some_and(|c| singular(c) == resource) {
                param.id = Some(id.clone());
            }
        }
    }
}

/// Marks each type sent (reached from a request) and/or received (reached from a response).
pub fn assign_roles(types: &mut Types, operations: &[Operation]) {
    let mut roles = vec![Role::default(); types.len()];
    let sent = operations.iter().flat_map(|op| op.query.iter().chain(&op.body)).map(String::as_str);
    let received = operations.iter().flat_map(|op| op.response.named());
    let mut pending: Vec<(&str, bool)> = sent.map(|n| (n, true)).chain(received.map(|n| (n, false))).collect();
    while let Some((name, is_sent)) = pending.pop() {
        let Some(i) = types.position(name) else { continue };
        let role = &mut roles[i];
        let seen =
            if is_sent { std::mem::replace(&mut role.sent, true) } else { std::mem::replace(&mut role.received, true) };
        if !seen {
            pending.extend(types[i].kind.types().into_iter().flat_map(Type::named).map(|n| (n, is_sent)));
        }
    }
    for (t, role) in types.iter_mut().zip(roles) {
        // Kept, not replaced: the event type enum is received by the webhook module, not an operation.
        t.role.sent |= role.sent;
        t.role.received |= role.received;
    }
}

/// The most enums one enum converts into. Stripe repeats some lists dozens of times (countries,
/// payment method types); conversions among those would be quadratic and dwarf the code, so
/// such an enum gets none.
const MAX_RELATED: usize = 8;

/// `(from, to)` for every pair of related enums, two values at least: the same values, or names
/// that end in the same word (`…Type`, `…Code`) and one's values among the other's. A session's
/// `type_` then feeds a create call's `type_`; nothing is merged. Both are open, so a value the
/// target does not list travels as its `Unrecognized` and is sent back unchanged.
pub fn enum_conversions(types: &Types) -> Vec<(String, String)> {
    let enums: Vec<(&str, BTreeSet<&str>)> = types
        .iter()
        .filter_map(|def| match &def.kind {
            TypeKind::Enum(variants) => Some((def.name.as_str(), variants.iter().map(|v| v.value.as_str()).collect())),
            _ => None,
        })
        .collect();
    let last_word = |name: &'_ str| name[name.rfind(|c: char| c.is_ascii_uppercase()).unwrap_or(0)..].to_string();
    let related = |(a, a_values): &(&str, BTreeSet<&str>), (b, b_values): &(&str, BTreeSet<&str>)| {
        let nested = a_values.is_subset(b_values) || b_values.is_subset(a_values);
        // A personal enum converts into none that is not (whose `Debug` would show the value).
        let personal = |values: &BTreeSet<&str>| values.contains(crate::ir::REDACTED_VALUE);
        a != b
            && personal(a_values) == personal(b_values)
            && a_values.len().min(b_values.len()) >= 2
            && (a_values == b_values || (nested && last_word(a) == last_word(b)))
    };
    let mut out = Vec::new();
    for from in &enums {
        let targets: Vec<&str> = enums.iter().filter(|to| related(from, to)).map(|(to, _)| *to).collect();
        if targets.len() <= MAX_RELATED {
            out.extend(targets.into_iter().map(|to| (from.0.to_string(), to.to_string())));
        }
    }
    out
}

/// Marks personal (hidden from `Debug`, replaced by redaction) every value whose type can hold
/// personal data (strings, numbers, maps, raw JSON), in every struct and union: fail closed, so
/// a field a future spec adds to verified outputs or a report is personal too. Not personal:
/// booleans, timestamps, enums (codes), typed ids, `id` and `object`, and nested generated types
/// (which mark their own values). An enum that lists [`crate::ir::REDACTED_VALUE`] is personal
/// data itself (a person's `sex`): the spec says so by listing the value a redacted object
/// holds, so it is personal like a string ([`is_personal`]).
pub fn mark_personal(types: &mut Types) {
    // Decided over the finished index first, then written: a type's decision reads others'.
    let decisions: Vec<Vec<bool>> = types
        .iter()
        .map(|t| match &t.kind {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .map(|f| !matches!(f.wire.as_str(), "id" | "object") && !shown(&f.ty, types, 0))
                .collect(),
            TypeKind::Union(union) => union.arms.iter().map(|arm| !shown(&arm.ty, types, 0)).collect(),
            TypeKind::Enum(_) | TypeKind::Alias(_) | TypeKind::Id => Vec::new(),
        })
        .collect();
    for (t, decided) in types.iter_mut().zip(decisions) {
        match &mut t.kind {
            TypeKind::Struct(s) => s.fields.iter_mut().zip(decided).for_each(|(f, personal)| f.personal = personal),
            TypeKind::Union(union) => {
                union.arms.iter_mut().zip(decided).for_each(|(arm, personal)| arm.personal = personal)
            }
            TypeKind::Enum(_) | TypeKind::Alias(_) | TypeKind::Id => {}
        }
    }
}

/// Whether a value of this type may be printed: it cannot hold personal data itself.
fn shown(ty: &Type, types: &Types, depth: usize) -> bool {
    match ty {
        Type::Bool | Type::Timestamp | Type::Provided(_) | Type::Expandable(_) | Type::List(_) => true,
        Type::String | Type::Integer | Type::Number | Type::Json | Type::Map(_) => false,
        Type::Vec(inner) | Type::Boxed(inner) | Type::Emptyable(inner) => shown(inner, types, depth),
        Type::Named(name) => match types.get(name).map(|t| &t.kind) {
            Some(TypeKind::Alias(aliased)) => depth < 8 && shown(aliased, types, depth + 1),
            Some(TypeKind::Enum(variants)) => !is_personal(variants),
            Some(_) => true,
            None => false,
        },
    }
}

/// Tarjan's algorithm: the component number of every node.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    struct State<'a> {
        edges: &'a [Vec<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        component: Vec<usize>,
        components: usize,
    }
    fn visit(s: &mut State, v: usize) {
        s.index[v] = Some(s.next);
        s.low[v] = s.next;
        s.next += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        for k in 0..s.edges[v].len() {
            let w = s.edges[v][k];
            match s.index[w] {
                None => {
                    visit(s, w);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(iw) if s.on_stack[w] => s.low[v] = s.low[v].min(iw),
                _ => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            while let Some(w) = s.stack.pop() {
                s.on_stack[w] = false;
                s.component[w] = s.components;
                if w == v {
                    break;
                }
            }
            s.components += 1;
        }
    }
    let n = edges.len();
    let mut s = State {
        edges,
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        next: 0,
        component: vec![0; n],
        components: 0,
    };
    for v in 0..n {
        if s.index[v].is_none() {
            visit(&mut s, v);
        }
    }
    s.component
}
