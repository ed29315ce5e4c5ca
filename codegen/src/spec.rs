//! The parts of an OpenAPI 3.0 document the generator reads, as serde types.
//!
//! Deliberately small: unknown keys (`maxLength`, `pattern`, `x-expandableFields`, ...) are
//! ignored, so a spec bump that adds keywords needs no change here. Maps are `BTreeMap`s so the
//! JSON and YAML forms of one spec are walked in the same order.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

/// One entry of `paths`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PathItem {
    pub get: Option<Operation>,
    pub post: Option<Operation>,
    pub put: Option<Operation>,
    pub patch: Option<Operation>,
    pub delete: Option<Operation>,
    #[serde(default)]
    pub parameters: Vec<Parameter>,
}

impl PathItem {
    /// The operations in a fixed order, with their lower-case method names.
    pub fn operations(&self) -> impl Iterator<Item = (&'static str, &Operation)> {
        [("get", &self.get), ("post", &self.post), ("put", &self.put), ("patch", &self.patch), ("delete", &self.delete)]
            .into_iter()
            .filter_map(|(method, op)| op.as_ref().map(|op| (method, op)))
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Operation {
    #[serde(rename = "operationId")]
    pub operation_id: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub parameters: Vec<Parameter>,
    #[serde(rename = "requestBody")]
    pub request_body: Option<RequestBody>,
    #[serde(default)]
    pub responses: BTreeMap<String, Response>,
    #[serde(default)]
    pub deprecated: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Parameter {
    pub name: String,
    #[serde(rename = "in")]
    pub location: String,
    #[serde(default)]
    pub required: bool,
    pub description: Option<String>,
    pub schema: Option<Schema>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RequestBody {
    #[serde(default)]
    pub content: BTreeMap<String, MediaType>,
    #[serde(default)]
    pub required: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Response {
    #[serde(default)]
    pub content: BTreeMap<String, MediaType>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct MediaType {
    pub schema: Option<Schema>,
}

/// A JSON Schema object as OpenAPI 3.0 and Stripe use it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Schema {
    #[serde(rename = "$ref")]
    pub reference: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub format: Option<String>,
    #[serde(default)]
    pub nullable: bool,
    #[serde(rename = "enum")]
    pub values: Option<Vec<Value>>,
    #[serde(default)]
    pub properties: BTreeMap<String, Schema>,
    #[serde(default)]
    pub required: Vec<String>,
    pub items: Option<Box<Schema>>,
    #[serde(rename = "anyOf", default)]
    pub any_of: Vec<Schema>,
    #[serde(rename = "oneOf", default)]
    pub one_of: Vec<Schema>,
    #[serde(rename = "allOf", default)]
    pub all_of: Vec<Schema>,
    #[serde(rename = "additionalProperties")]
    pub additional_properties: Option<AdditionalProperties>,
    pub title: Option<String>,
    pub description: Option<String>,
    /// Stripe: the schemas an expandable field expands into.
    #[serde(rename = "x-expansionResources")]
    pub expansion_resources: Option<ExpansionResources>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum AdditionalProperties {
    Allowed(bool),
    Schema(Box<Schema>),
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ExpansionResources {
    #[serde(rename = "oneOf", default)]
    pub one_of: Vec<Schema>,
}

impl Schema {
    /// The component name a `#/components/schemas/NAME` reference points at.
    pub fn ref_name(&self) -> Option<&str> {
        self.reference.as_deref().map(|r| r.rsplit('/').next().unwrap_or(r))
    }
}
