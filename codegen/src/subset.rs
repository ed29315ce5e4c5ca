//! What the filter keeps of a spec, and all that lowering reads of it: the operations under the
//! prefixes, with their parameters' schemas resolved, and the component schemas they reach.

use std::collections::BTreeMap;

use openapiv3::{Operation, Parameter, ReferenceOr, Schema};

use crate::ir::Method;

/// The kept operations, sorted by path, and every schema they reach: what
/// [`Generator::subset`](crate::Generator::subset) returns, to be lowered.
#[derive(Debug)]
pub struct Subset {
    pub(crate) operations: Vec<SelectedOperation>,
    pub(crate) schemas: Components,
    /// Every webhook event type the spec lists (`identity.verification_session.verified`, …).
    pub(crate) event_types: Vec<String>,
}

/// Component schemas by name: what a `$ref` resolves to.
pub type Components = BTreeMap<String, ReferenceOr<Schema>>;

#[derive(Debug)]
pub struct SelectedOperation {
    /// The path template, as the spec writes it.
    pub path: String,
    pub method: Method,
    pub operation: Operation,
    /// Its parameters and the path item's.
    pub parameters: Vec<SelectedParameter>,
    /// JSON pointer of the operation, for errors.
    pub pointer: String,
}

#[derive(Debug)]
pub struct SelectedParameter {
    /// JSON pointer of the parameter, for errors.
    pub pointer: String,
    pub parameter: Parameter,
    /// Its `schema` (a parameter described by `content` instead is refused by the filter).
    pub schema: ReferenceOr<Schema>,
}
