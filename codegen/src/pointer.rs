//! JSON pointers (RFC 6901) into the spec, and the `$ref`s that use them: the one place that
//! knows how a place in the document is spelled. Every stage builds its error locations here.

use std::collections::BTreeMap;

use openapiv3::{ReferenceOr, Schema, SchemaKind};

use crate::error::Error;

/// How a reference to a component schema starts.
const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// The path whose create operation lists every webhook event type Stripe sends.
pub const EVENT_TYPES_PATH: &str = "/v1/webhook_endpoints";

/// Where in that operation the list is: the items of the `enabled_events` it takes.
pub fn event_types() -> String {
    let inside = ["post", "requestBody", "content", "application/x-www-form-urlencoded", "schema"];
    let list = ["properties", "enabled_events", "items"];
    inside.iter().chain(&list).fold(path(EVENT_TYPES_PATH), |at, token| push(&at, token))
}

/// Appends one reference token to a JSON pointer, escaping `~` and `/`.
pub fn push(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", token.replace('~', "~0").replace('/', "~1"))
}

/// The pointer of path item `path` (`/v1/identity/verification_sessions`).
pub fn path(path: &str) -> String {
    push("#/paths", path)
}

/// `relative` (a pointer below some node, such as `/get/parameters/0`) appended to `base`, the
/// pointer of that node.
pub fn append(base: &str, relative: &str) -> String {
    format!("{base}{relative}")
}

/// The pointer of component schema `name`.
pub fn schema(name: &str) -> String {
    push("#/components/schemas", name)
}

/// `anyOf`, `oneOf` or `allOf`: the key a combinator schema is written with, so the pointers of
/// its arms say which.
pub fn combinator(kind: &SchemaKind) -> &'static str {
    match kind {
        SchemaKind::OneOf { .. } => "oneOf",
        SchemaKind::AllOf { .. } => "allOf",
        _ => "anyOf",
    }
}

/// `NAME` of a `#/components/schemas/NAME` reference.
pub fn component(reference: &str) -> Option<&str> {
    reference.strip_prefix(SCHEMA_PREFIX)
}

/// [`component`], refusing other references; `at` is the pointer of the schema holding the `$ref`.
pub fn component_name<'r>(reference: &'r str, at: &str) -> Result<&'r str, Error> {
    component(reference).ok_or_else(|| {
        Error::at(
            push(at, "$ref"),
            format!("only local `{SCHEMA_PREFIX}…` references are supported, found `{reference}`"),
        )
    })
}

/// The schema a `$ref` names among `components`, when it is there and not itself a reference.
pub fn resolve<'s>(reference: &str, components: &'s BTreeMap<String, ReferenceOr<Schema>>) -> Option<&'s Schema> {
    match components.get(component(reference)?)? {
        ReferenceOr::Item(schema) => Some(schema),
        ReferenceOr::Reference { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_escaped_and_references_read_back() {
        assert_eq!(push("#/paths", "/v1/a~b"), "#/paths/~1v1~1a~0b");
        assert_eq!(
            event_types(),
            "#/paths/~1v1~1webhook_endpoints/post/requestBody/content/application~1x-www-form-urlencoded/schema/properties/enabled_events/items"
        );
        assert_eq!(schema("identity.verification_session"), "#/components/schemas/identity.verification_session");
        assert_eq!(component("#/components/schemas/address"), Some("address"));
        assert_eq!(component("other.json#/x"), None);
        let error = component_name("other.json#/x", "#/a").unwrap_err();
        assert_eq!(error.pointer.as_deref(), Some("#/a/$ref"));
    }
}
