//! One endpoint function per operation, one concern per method: its name, path, query, form
//! body and response. Everything the transport cannot send as the spec says is refused here.

use openapiv3::{MediaType, Parameter, ParameterData, PathStyle, QueryStyle, ReferenceOr, StatusCode};

use super::class::{classify, object_of, Class, Node};
use super::docs::to_rustdoc;
use super::naming::{field_name, operation_name, type_name, Namespace};
use super::Lowerer;
use crate::error::Error;
use crate::ir::{Field, Operation, PathParam, PathTemplate, Role, Segment, Struct, Type, TypeDef, TypeKind};
use crate::pointer;
use crate::subset::SelectedOperation;

/// The one request body media type the transport sends.
const FORM: &str = "application/x-www-form-urlencoded";

impl<'s> Lowerer<'s> {
    pub(super) fn operation(
        &mut self,
        selected: &'s SelectedOperation,
        prefixes: &[String],
        fn_names: &mut Namespace,
    ) -> Result<Operation, Error> {
        let op = &selected.operation;
        if !op.servers.is_empty() {
            return Err(Error::at(
                pointer::push(&selected.pointer, "servers"),
                "per-operation `servers` are not supported",
            ));
        }
        let operation_id =
            op.operation_id.clone().unwrap_or_else(|| format!("{}{}", selected.method.key(), selected.path));
        let path = PathTemplate::parse(&selected.path).ok_or_else(|| {
            Error::at(
                pointer::path(&selected.path),
                "malformed path template: expected `/`-separated segments, each a literal or one `{name}` placeholder",
            )
        })?;
        let base = operation_name(selected.method, &relative_segments(&path, prefixes));
        let name =
            if fn_names.is_taken(&base) { fn_names.claim(&field_name(&operation_id)) } else { fn_names.claim(&base) };
        let hint = type_name(&name);
        self.root = super::names::Root::Operation(hint.clone());
        self.root_name = hint.clone();

        let path_params = self.path_params(selected, &path)?;
        let query_fields = self.query_fields(selected, &hint)?;
        let body = self.body(selected, &name, !query_fields.is_empty())?;
        let query = (!query_fields.is_empty()).then(|| {
            let query_name = self.names.claim(&format!("{hint}Params"));
            let kind = TypeKind::Struct(Struct { fields: query_fields, object_id: None });
            self.push_params(&query_name, &name, &selected.pointer, kind);
            query_name
        });
        let response = self.response(selected, &hint)?;

        let mut doc = op.description.as_deref().or(op.summary.as_deref()).map(to_rustdoc).unwrap_or_default();
        if !doc.is_empty() {
            doc.push_str("\n\n");
        }
        doc.push_str(&format!("`{} {path}`", selected.method));
        Ok(Operation { name, operation_id, doc, method: selected.method, path, path_params, query, body, response })
    }

    /// The placeholders of the path template, each declared as a `style: simple` path
    /// parameter holding one value, and no declared path parameter left out of the template.
    fn path_params(&self, selected: &'s SelectedOperation, path: &PathTemplate) -> Result<Vec<PathParam>, Error> {
        let params: Vec<PathParam> = path
            .placeholders()
            .map(|wire| PathParam { name: field_name(wire), wire: wire.to_string(), id: None })
            .collect();
        let mut declared = Vec::new();
        for selected_parameter in &selected.parameters {
            let (at, schema) = (&selected_parameter.pointer, &selected_parameter.schema);
            let Parameter::Path { parameter_data, style } = &selected_parameter.parameter else { continue };
            if *style != PathStyle::Simple {
                let message = "path parameters other than `style: simple` are not supported";
                return Err(Error::at(pointer::push(at, "style"), message));
            }
            if !params.iter().any(|p| p.wire == parameter_data.name) {
                let message = format!("path parameter `{}` is not a placeholder of the path", parameter_data.name);
                return Err(Error::at(pointer::push(at, "name"), message));
            }
            if !self.is_scalar(Node::of(schema), at, 0) {
                let message = "a path parameter must hold one value (a string, number or enum)";
                return Err(Error::at(pointer::push(at, "schema"), message));
            }
            declared.push(parameter_data.name.as_str());
        }
        match params.iter().find(|p| !declared.contains(&p.wire.as_str())) {
            Some(missing) => Err(Error::at(
                pointer::push(&selected.pointer, "parameters"),
                format!("the path's `{{{}}}` has no path parameter", missing.wire),
            )),
            None => Ok(params),
        }
    }

    /// The query parameters, as fields of the `…Params` struct; header and cookie parameters
    /// are refused, since the function would have no way to send them.
    fn query_fields(&mut self, selected: &'s SelectedOperation, hint: &str) -> Result<Vec<Field>, Error> {
        let mut names = Namespace::default();
        let mut fields = Vec::new();
        for selected_parameter in &selected.parameters {
            let (at, parameter, schema) =
                (&selected_parameter.pointer, &selected_parameter.parameter, &selected_parameter.schema);
            let (data, allow_reserved, style) = match parameter {
                Parameter::Query { parameter_data, allow_reserved, style, .. } => {
                    (parameter_data, *allow_reserved, style)
                }
                Parameter::Path { .. } => continue,
                Parameter::Header { .. } | Parameter::Cookie { .. } => {
                    let location = if matches!(parameter, Parameter::Header { .. }) { "header" } else { "cookie" };
                    return Err(Error::at(
                        pointer::push(at, "in"),
                        format!(
                            "parameters in `{location}` are not supported: the generated function could not send `{}`",
                            parameter.parameter_data_ref().name
                        ),
                    ));
                }
            };
            let node = Node::of(schema);
            self.check_query_style(data, allow_reserved, style, node, at)?;
            let schema_at = pointer::push(at, "schema");
            let field_hint = self.field_hint(hint, &data.name);
            let (ty, nullable) = self.lower(node, &field_hint, &schema_at)?;
            let description = match node {
                Node::Item(schema) => data.description.as_deref().or(schema.schema_data.description.as_deref()),
                Node::Ref(_) => data.description.as_deref(),
            };
            fields.push(Self::field(
                &mut names,
                &data.name,
                description,
                ty,
                data.required,
                nullable,
                node.max_length(),
            ));
        }
        Ok(fields)
    }

    /// Stripe's query encoding: `deepObject` brackets (exploded), or `form` for one value.
    fn check_query_style(
        &self,
        data: &ParameterData,
        allow_reserved: bool,
        style: &QueryStyle,
        node: Node<'s>,
        at: &str,
    ) -> Result<(), Error> {
        if allow_reserved {
            return Err(Error::at(
                pointer::push(at, "allowReserved"),
                "`allowReserved` is not supported: values are always percent-encoded",
            ));
        }
        let explode = data.explode.unwrap_or(matches!(style, QueryStyle::Form));
        let supported = match style {
            QueryStyle::DeepObject => explode,
            QueryStyle::Form => explode && self.is_scalar(node, at, 0),
            QueryStyle::SpaceDelimited | QueryStyle::PipeDelimited => false,
        };
        if supported {
            return Ok(());
        }
        let key = if data.explode == Some(false) { "explode" } else { "style" };
        Err(Error::at(
            pointer::push(at, key),
            format!(
                "query parameter `{}` with style `{style:?}` and explode {explode} is not supported: the client sends Stripe's exploded `deepObject` brackets, or `form` for a single value",
                data.name
            ),
        ))
    }

    /// A single value (string, number, boolean, enum): what `form` style can carry.
    fn is_scalar(&self, node: Node<'s>, at: &str, depth: usize) -> bool {
        let Ok(classified) = classify(node, at, self.components) else { return false };
        match classified.class {
            Class::Scalar(ty) => ty != Type::Json,
            Class::Enum(_) => true,
            Class::One((at, inner)) => depth < 8 && self.is_scalar(inner, &at, depth + 1),
            Class::Ref(name) => match self.components.get(name) {
                Some(schema) => depth < 8 && self.is_scalar(Node::of(schema), &pointer::schema(name), depth + 1),
                None => false,
            },
            _ => false,
        }
    }

    /// The form body's params struct, if the operation has a body with properties (Stripe's
    /// GETs declare an empty one).
    fn body(&mut self, selected: &'s SelectedOperation, name: &str, has_query: bool) -> Result<Option<String>, Error> {
        let at = pointer::push(&selected.pointer, "requestBody");
        let body = match &selected.operation.request_body {
            None => return Ok(None),
            Some(ReferenceOr::Reference { .. }) => {
                return Err(Error::at(pointer::push(&at, "$ref"), "request bodies by `$ref` are not supported"))
            }
            Some(ReferenceOr::Item(body)) => body,
        };
        let content_at = pointer::push(&at, "content");
        let Some(media) = body.content.get(FORM) else {
            return match body.content.keys().next() {
                None => Ok(None),
                Some(other) => Err(Error::at(
                    pointer::push(&content_at, other),
                    format!("a `{other}` request body is not supported: the client sends `{FORM}`"),
                )),
            };
        };
        let media_at = pointer::push(&content_at, FORM);
        check_encoding(media, &media_at)?;
        let Some(schema) = &media.schema else { return Ok(None) };
        let (schema, object_at) = self.body_schema(Node::of(schema), &pointer::push(&media_at, "schema"))?;
        let object = object_of(schema).ok_or_else(|| Error::at(&object_at, "a form body must be an object schema"))?;
        if object.properties.is_empty() {
            // Stripe's GETs declare an empty body; a body that is a map has no params struct.
            return match &object.additional_properties {
                Some(openapiv3::AdditionalProperties::Schema(_)) => Err(Error::at(
                    pointer::push(&object_at, "additionalProperties"),
                    "a form body that is a map (`additionalProperties` without `properties`) is not supported",
                )),
                _ => Ok(None),
            };
        }
        let hint = type_name(name);
        let body_name = self.names.claim(&format!("{hint}{}", if has_query { "BodyParams" } else { "Params" }));
        let mut kind = self.object(object, &object_at, &hint, None)?;
        emptyable_maps(&mut kind);
        self.push_params(&body_name, name, &selected.pointer, kind);
        Ok(Some(body_name))
    }

    /// The body's object schema and its pointer; a `$ref` must name a schema generated here.
    fn body_schema(&self, node: Node<'s>, at: &str) -> Result<(&'s openapiv3::Schema, String), Error> {
        match node {
            Node::Item(schema) => Ok((schema, at.to_string())),
            Node::Ref(reference) => {
                let name = pointer::component_name(reference, at)?;
                match self.components.get(name) {
                    Some(ReferenceOr::Item(schema)) => Ok((schema, pointer::schema(name))),
                    _ => {
                        let why = if self.provided.contains_key(name) {
                            "a type the runtime provides"
                        } else {
                            "not a schema of the spec"
                        };
                        Err(Error::at(
                            pointer::push(at, "$ref"),
                            format!("the form body's `$ref` names `{name}`, {why}: no params struct can be generated"),
                        ))
                    }
                }
            }
        }
    }

    /// The type of the one 2xx response's JSON.
    fn response(&mut self, selected: &'s SelectedOperation, hint: &str) -> Result<Type, Error> {
        let responses_at = pointer::push(&selected.pointer, "responses");
        let mut successes = selected.operation.responses.responses.iter().filter(|(status, _)| is_success(status));
        let Some((status, response)) = successes.next() else { return Ok(Type::Json) };
        if let Some((other, _)) = successes.next() {
            let message = "more than one success response: the function could return only one type";
            return Err(Error::at(pointer::push(&responses_at, &other.to_string()), message));
        }
        let at = pointer::push(&responses_at, &status.to_string());
        let response = match response {
            ReferenceOr::Item(response) => response,
            ReferenceOr::Reference { .. } => {
                return Err(Error::at(pointer::push(&at, "$ref"), "responses by `$ref` are not supported"))
            }
        };
        let content_at = pointer::push(&at, "content");
        let Some(media) = response.content.get("application/json") else {
            return match response.content.keys().next() {
                None => Ok(Type::Json),
                Some(other) => Err(Error::at(
                    pointer::push(&content_at, other),
                    format!("a `{other}` response is not supported: the client decodes JSON"),
                )),
            };
        };
        match &media.schema {
            Some(schema) => {
                let schema_at = pointer::push(&pointer::push(&content_at, "application/json"), "schema");
                Ok(self.lower(Node::of(schema), &format!("{hint}Response"), &schema_at)?.0)
            }
            None => Ok(Type::Json),
        }
    }

    fn push_params(&mut self, name: &str, operation: &str, pointer: &str, kind: TypeKind) {
        let doc = format!("Parameters of [`{operation}`].");
        self.types.push(TypeDef {
            name: name.to_string(),
            origin: pointer.to_string(),
            doc,
            kind,
            role: Role::default(),
        });
    }
}

/// Stripe clears a hash parameter sent as the empty string ("All keys can be unset by posting an
/// empty value to `metadata`", its spec says), whether or not the spec spells the `""` arm out:
/// every map at the top of a form body may be sent empty. (Nested maps keep the spec's type:
/// Stripe documents the rule for top-level `metadata`.)
fn emptyable_maps(kind: &mut TypeKind) {
    let TypeKind::Struct(body) = kind else { return };
    for field in &mut body.fields {
        if matches!(field.ty, Type::Map(_)) {
            field.ty = Type::Emptyable(Box::new(field.ty.clone()));
        }
    }
}

fn is_success(status: &StatusCode) -> bool {
    match status {
        StatusCode::Code(code) => (200..300).contains(code),
        StatusCode::Range(range) => *range == 2,
    }
}

/// Stripe's form encoding entries: exploded `deepObject`, nothing else.
fn check_encoding(media: &MediaType, at: &str) -> Result<(), Error> {
    for (field, encoding) in &media.encoding {
        let stripe_style = encoding.style == Some(QueryStyle::DeepObject)
            && encoding.explode
            && encoding.content_type.is_none()
            && encoding.headers.is_empty()
            && !encoding.allow_reserved;
        if !stripe_style {
            return Err(Error::at(
                pointer::push(&pointer::push(at, "encoding"), field),
                "form encoding other than `style: deepObject, explode: true` is not supported",
            ));
        }
    }
    Ok(())
}

/// The segments below the prefix that selected the path; when no literal is left first (a bare
/// prefix such as `/v1/customers` before `/{customer}`), the prefix's last segment stays as
/// the resource. A prefix that ends inside a segment leaves that segment's remainder.
fn relative_segments(path: &PathTemplate, prefixes: &[String]) -> Vec<Segment> {
    let longest = prefixes.iter().filter_map(|p| covered(path, p).map(|c| (p.len(), c))).max_by_key(|(len, _)| *len);
    let (whole, remainder) = longest.map_or((0, None), |(_, c)| c);
    let mut rest: Vec<Segment> = remainder.into_iter().chain(path.segments[whole..].iter().cloned()).collect();
    if !matches!(rest.first(), Some(Segment::Literal(literal)) if !literal.is_empty()) && whole > 0 {
        rest.insert(0, path.segments[whole - 1].clone());
    }
    rest
}

/// How much of `path` the text `prefix` covers, segment by segment: the whole segments, and the
/// rest of a literal it ends inside; `None` unless the path's text starts with the prefix.
fn covered(path: &PathTemplate, prefix: &str) -> Option<(usize, Option<Segment>)> {
    let Some(tokens) = prefix.strip_prefix('/') else { return prefix.is_empty().then_some((0, None)) };
    let tokens: Vec<&str> = tokens.split('/').collect();
    for (i, token) in tokens.iter().enumerate() {
        let last = i + 1 == tokens.len();
        let segment = path.segments.get(i)?;
        let whole = match segment {
            Segment::Literal(literal) => literal == token,
            Segment::Placeholder(name) => token.strip_prefix('{').and_then(|t| t.strip_suffix('}')) == Some(name),
        };
        match segment {
            _ if whole => {}
            // A trailing `/`: the prefix covers the segments before it.
            _ if last && token.is_empty() => return Some((i, None)),
            Segment::Literal(literal) if last && literal.starts_with(token) => {
                return Some((i + 1, Some(Segment::Literal(literal[token.len()..].to_string()))))
            }
            _ => return None,
        }
    }
    Some((tokens.len(), None))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relative(path: &str, prefix: &str) -> String {
        let segments = relative_segments(&PathTemplate::parse(path).unwrap(), &[prefix.to_string()]);
        PathTemplate { segments }.to_string()
    }

    #[test]
    fn the_path_below_its_prefix_keeps_a_resource_first() {
        let sessions = "/v1/identity/verification_sessions/{session}";
        assert_eq!(relative(sessions, "/v1/identity/"), "/verification_sessions/{session}");
        assert_eq!(relative(sessions, "/v1/"), "/identity/verification_sessions/{session}");
        assert_eq!(relative("/v1/customers/{customer}", "/v1/customers"), "/customers/{customer}");
        assert_eq!(relative("/v1/customers", "/v1/customers"), "/customers");
        assert_eq!(relative("/v1/customers/{customer}/sources", "/v1/customers/{customer}"), "/sources");
        assert_eq!(relative("/v1/identity/verification_sessions", "/v1/identity/verification_"), "/sessions");
        assert_eq!(relative(sessions, "/v2/"), sessions, "a prefix it does not start with covers nothing");
    }
}
