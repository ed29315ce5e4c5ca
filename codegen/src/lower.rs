//! Spec → IR. The only module that knows Stripe's conventions: nullable wrappers, expandable
//! fields, emptyable values, open enums, list pages, `unix-time`, personal data.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::docs::to_rustdoc;
use crate::error::{push_pointer, Error};
use crate::filter::{SelectedOperation, Subset};
use crate::ir::{Api, Arm, Field, Operation, PathParam, Struct, Type, TypeDef, TypeKind, Union, Variant};
use crate::load::schema_pointer;
use crate::naming::{field_name, operation_name, type_name, variant_name, Namespace};
use crate::spec::{AdditionalProperties, Schema};

/// Names the generated module must not define: the runtime's types and the prelude's.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Client",
    "Error",
    "ErrorResponse",
    "ApiError",
    "List",
    "Expandable",
    "Emptyable",
    "Timestamp",
    "Object",
    "Method",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Vec",
    "String",
    "Box",
    "Default",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Iterator",
    "From",
    "Into",
    "ToString",
    "ToOwned",
    "Drop",
    "Fn",
];

/// The catch-all variant of every open enum.
pub const UNRECOGNIZED: &str = "Unrecognized";

/// Field names whose values are personal data or secrets (a session's `url` and `client_secret`
/// let whoever holds them act as the user): kept out of `Debug`.
const SENSITIVE_FIELDS: &[&str] = &[
    "address",
    "city",
    "client_secret",
    "date_of_birth",
    "dob",
    "email",
    "expiration_date",
    "first_name",
    "id_number",
    "issued_date",
    "last_name",
    "line1",
    "line2",
    "name",
    "number",
    "personal_id_number",
    "phone",
    "postal_code",
    "secret",
    "ssn_last_4",
    "state",
    "url",
];

/// The media types whose schema is the form body.
const FORM_MEDIA_TYPES: &[&str] = &["application/x-www-form-urlencoded", "multipart/form-data"];

/// Lowers the filtered subset of a spec.
pub fn lower(
    subset: &Subset,
    prefixes: &[String],
    provided: &BTreeMap<String, String>,
    api_version: String,
) -> Result<Api, Error> {
    let mut lowerer = Lowerer {
        subset,
        provided,
        names: Namespace::with_reserved(RESERVED_TYPE_NAMES),
        components: BTreeMap::new(),
        inline: BTreeMap::new(),
        types: Vec::new(),
    };
    for name in subset.schemas.keys() {
        let rust = lowerer.names.claim(&type_name(name));
        lowerer.components.insert(name.clone(), rust);
    }
    for (name, schema) in &subset.schemas {
        let rust = lowerer.components[name].clone();
        let kind = lowerer.define(schema, &rust, &schema_pointer(name))?;
        let doc = schema.description.as_deref().map(to_rustdoc).unwrap_or_default();
        lowerer.types.push(TypeDef { name: rust, origin: name.clone(), doc, kind });
    }
    let mut fn_names = Namespace::default();
    let mut operations = Vec::new();
    for selected in &subset.operations {
        operations.push(lowerer.operation(selected, prefixes, &mut fn_names)?);
    }
    let mut types = lowerer.types;
    box_cycles(&mut types);
    mark_objects(&mut types);
    types.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Api { api_version, types, operations })
}

struct Lowerer<'a> {
    subset: &'a Subset,
    provided: &'a BTreeMap<String, String>,
    names: Namespace,
    /// Component schema name → Rust type name.
    components: BTreeMap<String, String>,
    /// Inline types already defined, so an identical schema under the same name is reused.
    inline: BTreeMap<String, Schema>,
    types: Vec<TypeDef>,
}

impl Lowerer<'_> {
    /// The definition of a named type.
    fn define(&mut self, schema: &Schema, name: &str, pointer: &str) -> Result<TypeKind, Error> {
        if schema.reference.is_none() {
            if let Some(arms) = union_arms(schema, pointer) {
                let arms: Vec<(String, &Schema)> = arms.into_iter().filter(|(_, a)| !is_empty_string_enum(a)).collect();
                if arms.len() > 1 && !is_expandable(schema, &arms) {
                    return self.union(&arms, name);
                }
            } else if is_merge(schema) {
                let merged = self.merge_all_of(schema, pointer)?;
                return self.structure(&merged, name, pointer, false);
            } else if let Some(values) = string_enum(schema) {
                return Ok(enumeration(&values));
            } else if is_object(schema) && !is_list(schema) && schema_has_no_map(schema) {
                return self.structure(schema, name, pointer, false);
            }
        }
        let (ty, _) = self.lower_type(schema, name, pointer)?;
        Ok(TypeKind::Alias(ty))
    }

    /// The Rust type of a schema used in place; named subschemas are defined on the way.
    /// Returns the type and whether the value may be null.
    fn lower_type(&mut self, schema: &Schema, hint: &str, pointer: &str) -> Result<(Type, bool), Error> {
        if let Some(name) = schema.ref_name() {
            return Ok((self.named(name), schema.nullable));
        }
        if let Some(arms) = union_arms(schema, pointer) {
            let emptyable = arms.iter().any(|(_, a)| is_empty_string_enum(a));
            let real: Vec<(String, &Schema)> = arms.into_iter().filter(|(_, a)| !is_empty_string_enum(a)).collect();
            let nullable = schema.nullable || real.iter().any(|(_, a)| a.nullable);
            let ty = if is_expandable(schema, &real) {
                let targets: Vec<(String, &Schema)> = real.into_iter().filter(|(_, a)| !is_plain_string(a)).collect();
                let target = match targets.as_slice() {
                    [(at, one)] => self.lower_type(one, hint, at)?.0,
                    _ => {
                        Type::Named(self.define_inline(schema, hint, pointer, |this, name| this.union(&targets, name))?)
                    }
                };
                Type::Expandable(Box::new(target))
            } else {
                match real.as_slice() {
                    [] => Type::String,
                    [(at, one)] => self.lower_type(one, hint, at)?.0,
                    _ => Type::Named(self.define_inline(schema, hint, pointer, |this, name| this.union(&real, name))?),
                }
            };
            let ty = if emptyable { Type::Emptyable(Box::new(ty)) } else { ty };
            return Ok((ty, nullable));
        }
        if let [only] = schema.all_of.as_slice() {
            if schema.properties.is_empty() {
                let (ty, nullable) = self.lower_type(only, hint, pointer)?;
                return Ok((ty, nullable || schema.nullable));
            }
        }
        if is_merge(schema) {
            let merged = self.merge_all_of(schema, pointer)?;
            let name =
                self.define_inline(&merged, hint, pointer, |this, name| this.structure(&merged, name, pointer, false))?;
            return Ok((Type::Named(name), schema.nullable));
        }
        if let Some(values) = string_enum(schema) {
            let name = self.define_inline(schema, hint, pointer, |_, _| Ok(enumeration(&values)))?;
            return Ok((Type::Named(name), schema.nullable || has_null(schema)));
        }
        let ty = match schema.kind.as_deref() {
            Some("string") => Type::String,
            Some("integer") if schema.format.as_deref() == Some("unix-time") => Type::Timestamp,
            Some("integer") => Type::Integer,
            Some("number") => Type::Number,
            Some("boolean") => Type::Bool,
            Some("array") => match &schema.items {
                Some(items) => Type::Vec(Box::new(self.lower_type(items, hint, &push_pointer(pointer, "items"))?.0)),
                None => Type::Vec(Box::new(Type::Json)),
            },
            Some("object") | None if is_list(schema) => {
                let data = &schema.properties["data"];
                let data_pointer = push_pointer(&push_pointer(pointer, "properties"), "data");
                let items =
                    data.items.as_deref().ok_or_else(|| Error::at(&data_pointer, "a list's `data` has no `items`"))?;
                let item_pointer = push_pointer(&data_pointer, "items");
                Type::List(Box::new(self.lower_type(items, hint, &item_pointer)?.0))
            }
            Some("object") | None if !schema.properties.is_empty() => {
                let name = self
                    .define_inline(schema, hint, pointer, |this, name| this.structure(schema, name, pointer, false))?;
                Type::Named(name)
            }
            Some("object") | None => match &schema.additional_properties {
                Some(AdditionalProperties::Schema(values)) => {
                    let value_pointer = push_pointer(pointer, "additionalProperties");
                    Type::Map(Box::new(self.lower_type(values, hint, &value_pointer)?.0))
                }
                _ => Type::Json,
            },
            Some(other) => return Err(Error::at(push_pointer(pointer, "type"), format!("unsupported type `{other}`"))),
        };
        Ok((ty, schema.nullable))
    }

    /// A reference to a component: generated, or provided by the runtime.
    fn named(&self, component: &str) -> Type {
        match self.provided.get(component) {
            Some(path) => Type::Provided(path.clone()),
            None => Type::Named(self.components[component].clone()),
        }
    }

    /// Names and defines an inline schema, reusing an identical one defined under the same name.
    fn define_inline(
        &mut self,
        schema: &Schema,
        hint: &str,
        pointer: &str,
        build: impl FnOnce(&mut Self, &str) -> Result<TypeKind, Error>,
    ) -> Result<String, Error> {
        let titled = schema.title.as_deref().map(type_name);
        for candidate in titled.iter().map(String::as_str).chain([hint]) {
            if self.inline.get(candidate) == Some(schema) {
                return Ok(candidate.to_string());
            }
        }
        let candidate = match titled {
            Some(title) if !self.names.is_taken(&title) => title,
            _ => hint.to_string(),
        };
        let name = self.names.claim(&candidate);
        self.inline.insert(name.clone(), schema.clone());
        let kind = build(self, &name)?;
        let doc = schema.description.as_deref().map(to_rustdoc).unwrap_or_default();
        self.types.push(TypeDef { name: name.clone(), origin: pointer.to_string(), doc, kind });
        Ok(name)
    }

    /// A struct; its inline field types are named `{hint}{Field}`.
    fn structure(&mut self, schema: &Schema, hint: &str, pointer: &str, params: bool) -> Result<TypeKind, Error> {
        let mut field_names = Namespace::default();
        let mut fields = Vec::new();
        for (wire, property) in &schema.properties {
            let at = push_pointer(&push_pointer(pointer, "properties"), wire);
            let hint = format!("{hint}{}", type_name(wire));
            let (ty, nullable) = self.lower_type(property, &hint, &at)?;
            let required = schema.required.iter().any(|r| r == wire);
            fields.push(self.field(&mut field_names, wire, property.description.as_deref(), ty, required, nullable));
        }
        Ok(TypeKind::Struct(Struct { fields, params, has_id: false }))
    }

    fn field(
        &self,
        names: &mut Namespace,
        wire: &str,
        description: Option<&str>,
        ty: Type,
        required: bool,
        nullable: bool,
    ) -> Field {
        Field {
            name: names.claim(&field_name(wire)),
            wire: wire.to_string(),
            doc: description.map(to_rustdoc).unwrap_or_default(),
            ty,
            required,
            nullable,
            sensitive: SENSITIVE_FIELDS.contains(&wire),
        }
    }

    /// A union of `arms`, each with its JSON pointer.
    fn union(&mut self, arms: &[(String, &Schema)], name: &str) -> Result<TypeKind, Error> {
        let mut arm_names = Namespace::with_reserved(&[UNRECOGNIZED]);
        let mut out = Vec::new();
        for (i, (at, arm)) in arms.iter().enumerate() {
            let hint = format!("{name}{}", i + 1);
            let (ty, _) = self.lower_type(arm, &hint, at)?;
            let tag = arm.ref_name().and_then(|n| self.subset.schemas.get(n)).and_then(object_tag);
            out.push(Arm { name: arm_names.claim(&arm_name(&ty)), ty, tag });
        }
        let mut tags: Vec<&str> = out.iter().filter_map(|a| a.tag.as_deref()).collect();
        tags.sort_unstable();
        tags.dedup();
        let tagged = tags.len() == out.len();
        Ok(TypeKind::Union(Union { arms: out, tagged, has_id: false }))
    }

    /// `allOf`: the properties of every part (references resolved) in one object.
    fn merge_all_of(&self, schema: &Schema, pointer: &str) -> Result<Schema, Error> {
        let mut merged = Schema {
            kind: Some("object".into()),
            description: schema.description.clone(),
            title: schema.title.clone(),
            ..Schema::default()
        };
        let parts = std::iter::once((pointer.to_string(), schema)).chain(
            schema
                .all_of
                .iter()
                .enumerate()
                .map(|(i, part)| (push_pointer(&push_pointer(pointer, "allOf"), &i.to_string()), part)),
        );
        for (at, part) in parts {
            let part =
                match part.ref_name() {
                    Some(name) => self.subset.schemas.get(name).ok_or_else(|| {
                        Error::at(at, format!("cannot merge `{name}`, a schema the runtime provides"))
                    })?,
                    None => part,
                };
            merged.properties.extend(part.properties.iter().map(|(k, v)| (k.clone(), v.clone())));
            merged.required.extend(part.required.iter().cloned());
        }
        Ok(merged)
    }

    fn operation(
        &mut self,
        selected: &SelectedOperation,
        prefixes: &[String],
        fn_names: &mut Namespace,
    ) -> Result<Operation, Error> {
        let op = &selected.operation;
        let operation_id = op.operation_id.clone().unwrap_or_else(|| format!("{}{}", selected.method, selected.path));
        let base = operation_name(selected.method, &relative_path(&selected.path, prefixes));
        let name =
            if fn_names.is_taken(&base) { fn_names.claim(&field_name(&operation_id)) } else { fn_names.claim(&base) };
        let params_name = format!("{}Params", type_name(&name));
        let hint = type_name(&name);

        let path_params = path_template_params(&selected.path).ok_or_else(|| {
            Error::at(
                push_pointer("#/paths", &selected.path),
                "malformed path template: expected `{name}` placeholders",
            )
        })?;
        let mut query_fields = Vec::new();
        let mut query_names = Namespace::default();
        for (i, parameter) in op.parameters.iter().enumerate() {
            let at = push_pointer(&push_pointer(&selected.pointer, "parameters"), &i.to_string());
            if parameter.location == "query" {
                let schema = parameter.schema.clone().unwrap_or_default();
                let field_hint = format!("{hint}{}", type_name(&parameter.name));
                let (ty, nullable) = self.lower_type(&schema, &field_hint, &push_pointer(&at, "schema"))?;
                let description = parameter.description.as_deref().or(schema.description.as_deref());
                query_fields.push(self.field(
                    &mut query_names,
                    &parameter.name,
                    description,
                    ty,
                    parameter.required,
                    nullable,
                ));
            }
        }
        let body_schema = op.request_body.as_ref().and_then(|body| {
            FORM_MEDIA_TYPES.iter().find_map(|media| body.content.get(*media).and_then(|m| m.schema.as_ref()))
        });
        let body_schema = match body_schema {
            Some(schema) => match schema.ref_name() {
                Some(name) => self.subset.schemas.get(name).cloned(),
                None => Some(schema.clone()),
            },
            None => None,
        };
        let body_pointer = push_pointer(&selected.pointer, "requestBody");
        let body = match body_schema {
            Some(schema) if !schema.properties.is_empty() => {
                let body_name = if query_fields.is_empty() {
                    params_name.clone()
                } else {
                    format!("{}BodyParams", type_name(&name))
                };
                let body_name = self.names.claim(&body_name);
                let kind = self.structure(&schema, &hint, &body_pointer, true)?;
                self.push_params(&body_name, &name, &selected.pointer, kind);
                Some(body_name)
            }
            _ => None,
        };
        let query = if query_fields.is_empty() {
            None
        } else {
            let query_name = self.names.claim(&params_name);
            let kind = TypeKind::Struct(Struct { fields: query_fields, params: true, has_id: false });
            self.push_params(&query_name, &name, &selected.pointer, kind);
            Some(query_name)
        };
        let success = op.responses.iter().find(|(status, _)| status.starts_with('2'));
        let response =
            match success.and_then(|(_, r)| r.content.get("application/json")).and_then(|m| m.schema.as_ref()) {
                Some(schema) => {
                    self.lower_type(schema, &format!("{hint}Response"), &push_pointer(&selected.pointer, "responses"))?
                        .0
                }
                None => Type::Json,
            };
        let mut doc = op.description.as_deref().or(op.summary.as_deref()).map(to_rustdoc).unwrap_or_default();
        if !doc.is_empty() {
            doc.push_str("\n\n");
        }
        doc.push_str(&format!("`{} {}`", selected.method.to_uppercase(), selected.path));
        Ok(Operation {
            name,
            operation_id,
            doc,
            method: selected.method.to_uppercase(),
            path: selected.path.clone(),
            path_params,
            query,
            body,
            response,
        })
    }

    fn push_params(&mut self, name: &str, operation: &str, pointer: &str, kind: TypeKind) {
        let doc = format!("Parameters of [`{operation}`].");
        self.types.push(TypeDef { name: name.to_string(), origin: pointer.to_string(), doc, kind });
    }
}

/// Every `{placeholder}` of a path template, in order; `None` if the braces are malformed.
fn path_template_params(path: &str) -> Option<Vec<PathParam>> {
    let mut params = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return None;
        }
        let close = rest[open..].find('}')? + open;
        let wire = &rest[open + 1..close];
        if wire.is_empty() || !wire.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return None;
        }
        params.push(PathParam { name: field_name(wire), wire: wire.to_string() });
        rest = &rest[close + 1..];
    }
    Some(params)
}

/// The path below the prefix that selected it; a bare prefix keeps its last segment as the resource.
fn relative_path(path: &str, prefixes: &[String]) -> String {
    let prefix = prefixes
        .iter()
        .filter(|p| path.starts_with(p.as_str()))
        .max_by_key(|p| p.len())
        .map(String::as_str)
        .unwrap_or("");
    let rest = &path[prefix.len()..];
    let first = rest.split('/').find(|s| !s.is_empty());
    match first {
        Some(segment) if !segment.starts_with('{') => rest.to_string(),
        _ => {
            let resource = prefix.trim_end_matches('/').rsplit('/').next().unwrap_or("");
            format!("{resource}/{rest}")
        }
    }
}

/// An `allOf` that adds to its parts (an `allOf` of one alone is that one schema).
fn is_merge(schema: &Schema) -> bool {
    match schema.all_of.len() {
        0 => false,
        1 => !schema.properties.is_empty(),
        _ => true,
    }
}

/// The arms of an `anyOf` / `oneOf`, each with its JSON pointer (`…/anyOf/0`).
fn union_arms<'s>(schema: &'s Schema, pointer: &str) -> Option<Vec<(String, &'s Schema)>> {
    if schema.any_of.is_empty() && schema.one_of.is_empty() {
        return None;
    }
    let at = |keyword: &str, i: usize| push_pointer(&push_pointer(pointer, keyword), &i.to_string());
    let any = schema.any_of.iter().enumerate().map(|(i, arm)| (at("anyOf", i), arm));
    let one = schema.one_of.iter().enumerate().map(|(i, arm)| (at("oneOf", i), arm));
    Some(any.chain(one).collect())
}

/// `enum: [""]`: Stripe's marker for "send an empty string to unset".
fn is_empty_string_enum(schema: &Schema) -> bool {
    matches!(schema.values.as_deref(), Some([Value::String(s)]) if s.is_empty())
}

fn is_plain_string(schema: &Schema) -> bool {
    schema.kind.as_deref() == Some("string") && schema.values.is_none() && schema.reference.is_none()
}

/// An id string or the object(s) it names: Stripe's expandable field.
fn is_expandable(schema: &Schema, arms: &[(String, &Schema)]) -> bool {
    let arms: Vec<&Schema> = arms.iter().map(|(_, a)| *a).collect();
    let strings = arms.iter().filter(|a| is_plain_string(a)).count();
    let refs = arms.iter().filter(|a| a.reference.is_some()).count();
    strings == 1
        && refs >= 1
        && strings + refs == arms.len()
        && (schema.expansion_resources.is_some() || refs == arms.len() - 1)
}

fn is_object(schema: &Schema) -> bool {
    schema.kind.as_deref() == Some("object") || (schema.kind.is_none() && !schema.properties.is_empty())
}

/// A component object that is not just a map (`additionalProperties` with no properties).
fn schema_has_no_map(schema: &Schema) -> bool {
    !schema.properties.is_empty() || !matches!(schema.additional_properties, Some(AdditionalProperties::Schema(_)))
}

/// One page of a Stripe list: `object: "list"`, `data`, `has_more`.
fn is_list(schema: &Schema) -> bool {
    let object_is_list = schema
        .properties
        .get("object")
        .is_some_and(|o| matches!(o.values.as_deref(), Some([Value::String(s)]) if s == "list"));
    object_is_list
        && schema.properties.contains_key("has_more")
        && schema.properties.get("data").is_some_and(|d| d.kind.as_deref() == Some("array"))
}

/// The string values of an enum, when every value is a string (nulls aside).
fn string_enum(schema: &Schema) -> Option<Vec<String>> {
    if matches!(schema.kind.as_deref(), Some("integer" | "number" | "boolean" | "array" | "object")) {
        return None;
    }
    let values = schema.values.as_ref()?;
    let strings: Option<Vec<String>> =
        values.iter().filter(|v| !v.is_null()).map(|v| v.as_str().map(str::to_string)).collect();
    strings.filter(|s| !s.is_empty())
}

/// The single value of a required `object` property: what tells Stripe's objects apart.
fn object_tag(schema: &Schema) -> Option<String> {
    if !schema.required.iter().any(|r| r == "object") {
        return None;
    }
    match schema.properties.get("object")?.values.as_deref()? {
        [Value::String(tag)] => Some(tag.clone()),
        _ => None,
    }
}

fn has_null(schema: &Schema) -> bool {
    schema.values.as_ref().is_some_and(|v| v.iter().any(Value::is_null))
}

fn enumeration(values: &[String]) -> TypeKind {
    let mut names = Namespace::with_reserved(&[UNRECOGNIZED]);
    let mut variants: Vec<Variant> = Vec::new();
    for value in values {
        if variants.iter().all(|v| &v.value != value) {
            variants.push(Variant { name: names.claim(&variant_name(value)), value: value.clone() });
        }
    }
    TypeKind::Enum(variants)
}

fn arm_name(ty: &Type) -> String {
    match ty {
        Type::String => "String".into(),
        Type::Bool => "Bool".into(),
        Type::Integer => "Integer".into(),
        Type::Number => "Number".into(),
        Type::Timestamp => "Timestamp".into(),
        Type::Json => "Value".into(),
        Type::Named(name) => name.clone(),
        Type::Provided(path) => path.rsplit("::").next().unwrap_or(path).to_string(),
        Type::Vec(inner) => format!("{}List", arm_name(inner)),
        Type::Map(inner) => format!("{}Map", arm_name(inner)),
        Type::Boxed(inner) | Type::Emptyable(inner) => arm_name(inner),
        Type::Expandable(inner) => format!("Expandable{}", arm_name(inner)),
        Type::List(inner) => format!("{}Page", arm_name(inner)),
    }
}

/// Boxes every by-value reference that closes a cycle, so recursive types have a size.
fn box_cycles(types: &mut [TypeDef]) {
    let index: BTreeMap<String, usize> = types.iter().enumerate().map(|(i, t)| (t.name.clone(), i)).collect();
    let edges: Vec<Vec<usize>> = types
        .iter()
        .map(|t| {
            let mut out = Vec::new();
            for ty in contained_types(&t.kind) {
                by_value_names(ty, &mut |name| out.extend(index.get(name)));
            }
            out
        })
        .collect();
    let component = strongly_connected(&edges);
    for (i, t) in types.iter_mut().enumerate() {
        let this = component[i];
        let cyclic = |name: &str| index.get(name).is_some_and(|&j| component[j] == this);
        match &mut t.kind {
            TypeKind::Struct(s) => s.fields.iter_mut().for_each(|f| box_in(&mut f.ty, &cyclic)),
            TypeKind::Union(union) => union.arms.iter_mut().for_each(|a| box_in(&mut a.ty, &cyclic)),
            TypeKind::Alias(ty) => box_in(ty, &cyclic),
            TypeKind::Enum(_) => {}
        }
    }
}

fn contained_types(kind: &TypeKind) -> Vec<&Type> {
    match kind {
        TypeKind::Struct(s) => s.fields.iter().map(|f| &f.ty).collect(),
        TypeKind::Union(union) => union.arms.iter().map(|a| &a.ty).collect(),
        TypeKind::Alias(ty) => vec![ty],
        TypeKind::Enum(_) => Vec::new(),
    }
}

/// Named types held inline (not behind a `Vec`, map, `Box` or expandable).
fn by_value_names(ty: &Type, f: &mut impl FnMut(&str)) {
    match ty {
        Type::Named(name) => f(name),
        Type::Emptyable(inner) => by_value_names(inner, f),
        _ => {}
    }
}

fn box_in(ty: &mut Type, cyclic: &impl Fn(&str) -> bool) {
    match ty {
        Type::Named(name) if cyclic(name) => *ty = Type::Boxed(Box::new(ty.clone())),
        Type::Emptyable(inner) => box_in(inner, cyclic),
        _ => {}
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

/// Marks structs with a required string `id`, then tagged unions all of whose arms have one.
fn mark_objects(types: &mut [TypeDef]) {
    let mut with_id = std::collections::BTreeSet::new();
    for t in types.iter_mut() {
        if let TypeKind::Struct(s) = &mut t.kind {
            s.has_id = !s.params && s.fields.iter().any(|f| f.wire == "id" && f.ty == Type::String && !f.optional());
            if s.has_id {
                with_id.insert(t.name.clone());
            }
        }
    }
    for t in types.iter_mut() {
        if let TypeKind::Union(union) = &mut t.kind {
            let arm_has_id = |a: &Arm| match &a.ty {
                Type::Named(name) => with_id.contains(name),
                Type::Boxed(inner) => matches!(&**inner, Type::Named(name) if with_id.contains(name)),
                _ => false,
            };
            union.has_id = union.tagged && union.arms.iter().all(arm_has_id);
        }
    }
}
