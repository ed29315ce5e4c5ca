//! Every identifier rule in one place: case, keywords, invalid characters, collisions.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::ir::{Method, Segment};

const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// A type name from a schema name or title: `identity.verification_session` → `IdentityVerificationSession`.
pub fn type_name(raw: &str) -> String {
    let name = ascii(raw.to_upper_camel_case());
    match name.chars().next() {
        None => "Unnamed".into(),
        Some(c) if c.is_ascii_digit() => format!("T{name}"),
        _ if KEYWORDS.contains(&name.as_str()) => format!("{name}Type"),
        _ => name,
    }
}

/// A field or argument name: `type` → `type_`, `3d_secure` → `_3d_secure`.
pub fn field_name(raw: &str) -> String {
    let name = ascii(raw.to_snake_case());
    match name.chars().next() {
        None => "value".into(),
        Some(c) if c.is_ascii_digit() => format!("_{name}"),
        _ if KEYWORDS.contains(&name.as_str()) => format!("{name}_"),
        _ => name,
    }
}

/// An enum variant for a string value: `id_number` → `IdNumber`, `""` → `Empty`, `*` → `All`.
pub fn variant_name(value: &str) -> String {
    match value {
        "" => return "Empty".into(),
        "*" => return "All".into(),
        _ => {}
    }
    let name = ascii(value.to_upper_camel_case());
    match name.chars().next() {
        None => "Value".into(),
        Some(c) if c.is_ascii_digit() => format!("V{name}"),
        _ if name == "Self" => "SelfValue".into(),
        _ => name,
    }
}

/// Keeps the characters every Rust identifier may hold: ASCII letters, digits, `_`.
fn ascii(name: String) -> String {
    if name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        name
    } else {
        name.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
    }
}

/// The function name of an operation, from its method and its path below the filter prefix.
///
/// `GET verification_sessions` → `list_verification_sessions`, `GET …/{id}` → `retrieve_…`,
/// `POST` on a collection → `create_…`, on `{id}` → `update_…`, `POST …/{id}/cancel` →
/// `cancel_verification_session`, `DELETE …/{id}` → `delete_…`.
pub fn operation_name(method: Method, relative: &[Segment]) -> String {
    let segments: Vec<&Segment> =
        relative.iter().filter(|s| !matches!(s, Segment::Literal(literal) if literal.is_empty())).collect();
    let is_param = |s: &Segment| matches!(s, Segment::Placeholder(_));
    let statics: Vec<String> = segments
        .iter()
        .filter_map(|s| match s {
            Segment::Literal(literal) => Some(field_name(literal)),
            Segment::Placeholder(_) => None,
        })
        .collect();
    let ends_in_param = segments.last().is_some_and(|s| is_param(s));
    let (verb, resource) = match (segments.len(), ends_in_param) {
        // `/{id}/action`: an action on one object.
        (n, false) if n >= 2 && is_param(segments[n - 2]) => {
            let action = statics.last().cloned().unwrap_or_default();
            (action, singular(&statics[..statics.len() - 1].join("_")))
        }
        (_, true) => {
            let verb = match method {
                Method::Get => "retrieve",
                Method::Delete => "delete",
                _ => "update",
            };
            (verb.to_string(), singular(&statics.join("_")))
        }
        _ => match method {
            Method::Get => ("list".to_string(), statics.join("_")),
            Method::Post => ("create".to_string(), singular(&statics.join("_"))),
            other => (other.key().to_string(), statics.join("_")),
        },
    };
    if resource.is_empty() {
        field_name(&verb)
    } else {
        field_name(&format!("{verb}_{resource}"))
    }
}

/// English singular of a snake_case resource name, good enough for Stripe's nouns.
pub fn singular(plural: &str) -> String {
    if let Some(stem) = plural.strip_suffix("ies") {
        format!("{stem}y")
    } else if plural.ends_with("sses") || plural.ends_with("xes") || plural.ends_with("ches") {
        plural[..plural.len() - 2].to_string()
    } else if plural.ends_with('s') && !plural.ends_with("ss") {
        plural[..plural.len() - 1].to_string()
    } else {
        plural.to_string()
    }
}

/// The name stem of each resource id: its last segment (`identity.verification_session` →
/// `VerificationSession`), or the whole id where two of `ids` share that segment (`issuing.card`
/// beside `card` → `IssuingCard`). Resource types and their typed ids both follow it.
pub fn resource_stems<'a>(ids: impl IntoIterator<Item = &'a str>) -> BTreeMap<&'a str, String> {
    let ids: BTreeSet<&str> = ids.into_iter().collect();
    let last = |id: &str| type_name(id.rsplit('.').next().unwrap_or(id));
    ids.iter()
        .map(|id| {
            let shared = ids.iter().filter(|other| last(other) == last(id)).count() > 1;
            (*id, if shared { type_name(id) } else { last(id) })
        })
        .collect()
}

/// Hands out names within one namespace, suffixing a number on collision.
#[derive(Debug, Default)]
pub struct Namespace {
    taken: BTreeSet<String>,
}

impl Namespace {
    /// A namespace where `reserved` are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Namespace { taken: reserved.iter().map(|s| s.to_string()).collect() }
    }

    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// `candidate` if free, else `candidate2`, `candidate3`, …
    pub fn claim(&mut self, candidate: &str) -> String {
        let mut name = candidate.to_string();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{candidate}{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::PathTemplate;

    #[test]
    fn names_follow_rust_conventions() {
        assert_eq!(type_name("identity.verification_session"), "IdentityVerificationSession");
        assert_eq!(type_name("3d_secure"), "T3dSecure");
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("3d_secure"), "_3d_secure");
        assert_eq!(field_name("ssn_last_4"), "ssn_last_4");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("*"), "All");
        assert_eq!(variant_name("self"), "SelfValue");
        assert_eq!(variant_name("2fa"), "V2fa");
        assert_eq!(variant_name("requires_input"), "RequiresInput");
        assert_eq!(field_name("²"), "value");
        assert_eq!(type_name("café_au_lait"), "CafAuLait");
        assert_eq!(variant_name("💥"), "Value");
    }

    #[test]
    fn operation_names_read_like_stripe_sdk_methods() {
        let name = |method, relative: &str| {
            operation_name(method, &PathTemplate::parse(&format!("/{relative}")).unwrap().segments)
        };
        assert_eq!(name(Method::Get, "verification_sessions"), "list_verification_sessions");
        assert_eq!(name(Method::Post, "verification_sessions"), "create_verification_session");
        assert_eq!(name(Method::Get, "verification_sessions/{session}"), "retrieve_verification_session");
        assert_eq!(name(Method::Post, "verification_sessions/{session}"), "update_verification_session");
        assert_eq!(name(Method::Post, "verification_sessions/{session}/cancel"), "cancel_verification_session");
        assert_eq!(name(Method::Delete, "customers/{customer}"), "delete_customer");
        assert_eq!(name(Method::Get, "identity/verification_reports"), "list_identity_verification_reports");
        assert_eq!(name(Method::Post, "charges/search"), "create_charges_search");
    }

    #[test]
    fn namespace_suffixes_collisions() {
        let mut names = Namespace::with_reserved(&["Client"]);
        assert_eq!(names.claim("Client"), "Client2");
        assert_eq!(names.claim("Session"), "Session");
        assert_eq!(names.claim("Session"), "Session2");
    }
}
