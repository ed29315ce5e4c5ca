//! Rules over the whole IR once every type is defined: boxing cycles, and which way each
//! struct travels. Both walk definitions through [`TypeKind::types`], the IR's one visitor.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{is_personal, Operation, Role, Type, TypeDef, TypeKind};

/// Boxes every by-value reference that closes a cycle, so recursive types have a size.
pub fn box_cycles(types: &mut [TypeDef]) {
    let index: BTreeMap<String, usize> = types.iter().enumerate().map(|(i, t)| (t.name.clone(), i)).collect();
    let edges: Vec<Vec<usize>> = types
        .iter()
        .map(|t| {
            t.kind.types().into_iter().filter_map(by_value_name).filter_map(|name| index.get(name).copied()).collect()
        })
        .collect();
    let component = strongly_connected(&edges);
    for (i, t) in types.iter_mut().enumerate() {
        let cyclic = |name: &str| index.get(name).is_some_and(|&j| component[j] == component[i]);
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

/// Marks each type sent (reached from a request) and/or received (reached from a response).
pub fn assign_roles(types: &mut [TypeDef], operations: &[Operation]) {
    let index: BTreeMap<String, usize> = types.iter().enumerate().map(|(i, t)| (t.name.clone(), i)).collect();
    let mut roles = vec![Role::default(); types.len()];
    let sent = operations.iter().flat_map(|op| op.query.iter().chain(&op.body)).map(String::as_str);
    let received = operations.iter().flat_map(|op| op.response.named());
    let mut pending: Vec<(&str, bool)> = sent.map(|n| (n, true)).chain(received.map(|n| (n, false))).collect();
    while let Some((name, is_sent)) = pending.pop() {
        let Some(&i) = index.get(name) else { continue };
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
pub fn enum_conversions(types: &[TypeDef]) -> Vec<(String, String)> {
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

/// Hides from `Debug` every value whose type can hold personal data (strings, numbers, maps,
/// raw JSON), in every struct and union: fail closed, so a field a future spec adds to verified
/// outputs or a report is hidden too. Shown: booleans, timestamps, enums (codes), typed ids,
/// `id` and `object`, and nested generated types (which hide their own values). An enum that
/// lists [`REDACTED_VALUE`] is personal data itself (a person's `sex`): the spec says so by
/// listing the value a redacted object holds, so it is hidden like a string ([`is_personal`]).
pub fn redact_by_type(types: &mut [TypeDef]) {
    let kinds: BTreeMap<String, TypeKind> = types.iter().map(|t| (t.name.clone(), t.kind.clone())).collect();
    for t in types.iter_mut() {
        match &mut t.kind {
            TypeKind::Struct(s) => {
                for field in &mut s.fields {
                    field.redacted = !matches!(field.wire.as_str(), "id" | "object") && !shown(&field.ty, &kinds, 0);
                }
            }
            TypeKind::Union(union) => union.arms.iter_mut().for_each(|arm| arm.redacted = !shown(&arm.ty, &kinds, 0)),
            TypeKind::Enum(_) | TypeKind::Alias(_) | TypeKind::Id => {}
        }
    }
}

/// Whether a value of this type may be printed: it cannot hold personal data itself.
fn shown(ty: &Type, kinds: &BTreeMap<String, TypeKind>, depth: usize) -> bool {
    match ty {
        Type::Bool | Type::Timestamp | Type::Provided(_) | Type::Expandable(_) | Type::List(_) => true,
        Type::String | Type::Integer | Type::Number | Type::Json | Type::Map(_) => false,
        Type::Vec(inner) | Type::Boxed(inner) | Type::Emptyable(inner) => shown(inner, kinds, depth),
        Type::Named(name) => match kinds.get(name) {
            Some(TypeKind::Alias(aliased)) => depth < 8 && shown(aliased, kinds, depth + 1),
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
