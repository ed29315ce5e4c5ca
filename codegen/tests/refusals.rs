//! Refuse, never drop: every construct the generator does not implement fails with its JSON
//! pointer instead of vanishing from the generated code. Each case starts from one small, valid
//! spec and breaks one thing.

use serde_json::{json, Value};
use stripe_identity_codegen::{Format, Generator, Spec};

/// One resource with a list (query), a create (form body) and a retrieve (path parameter).
fn base() -> Value {
    json!({
        "openapi": "3.0.0",
        "info": { "version": "2024-04-10" },
        "paths": {
            "/v1/things": {
                "get": {
                    "operationId": "GetThings",
                    "parameters": [
                        { "name": "limit", "in": "query", "schema": { "type": "integer" } },
                        { "name": "expand", "in": "query", "explode": true, "style": "deepObject",
                          "schema": { "type": "array", "items": { "type": "string" } } }
                    ],
                    "responses": { "200": { "description": "OK", "content": { "application/json": {
                        "schema": { "$ref": "#/components/schemas/thing" } } } } }
                },
                "post": {
                    "operationId": "PostThings",
                    "requestBody": { "content": { "application/x-www-form-urlencoded": {
                        "encoding": { "metadata": { "explode": true, "style": "deepObject" } },
                        "schema": { "type": "object", "properties": {
                            "name": { "type": "string" },
                            "metadata": { "type": "object", "additionalProperties": { "type": "string" } }
                        } }
                    } } },
                    "responses": { "200": { "description": "OK", "content": { "application/json": {
                        "schema": { "$ref": "#/components/schemas/thing" } } } } }
                }
            },
            "/v1/things/{thing}": {
                "get": {
                    "operationId": "GetThingsThing",
                    "parameters": [ { "name": "thing", "in": "path", "required": true, "schema": { "type": "string" }, "style": "simple" } ],
                    "responses": { "200": { "description": "OK", "content": { "application/json": {
                        "schema": { "$ref": "#/components/schemas/thing" } } } } }
                }
            }
        },
        "components": { "schemas": {
            "thing": { "type": "object", "required": ["id"], "x-resourceId": "thing", "properties": {
                "id": { "type": "string" },
                "size": { "type": "integer" }
            } },
            "error": { "type": "object", "properties": { "message": { "type": "string" } } }
        } }
    })
}

fn generate(spec: &Value) -> Result<String, stripe_identity_codegen::Error> {
    let spec = Spec::parse(&spec.to_string(), Format::Json)?;
    Generator::new("spec.json").prefixes(["/v1/"]).generate_from(&spec).map(|output| output.code)
}

/// Breaks the base spec with `change` and checks the error's pointer and message.
fn refused(change: impl FnOnce(&mut Value), pointer: &str, says: &str) {
    let mut spec = base();
    change(&mut spec);
    let Err(error) = generate(&spec) else { panic!("the generator should refuse this spec ({pointer})") };
    assert_eq!(error.pointer.as_deref(), Some(pointer), "{error}");
    assert!(error.message.contains(says), "`{}` does not say `{says}`", error.message);
}

const LIST: &str = "#/paths/~1v1~1things/get";
const CREATE: &str = "#/paths/~1v1~1things/post";
/// The form media type, as a key and as a JSON pointer token.
const FORM: &str = "application/x-www-form-urlencoded";
const FORM_TOKEN: &str = "application~1x-www-form-urlencoded";

#[test]
fn the_base_spec_generates() {
    let code = generate(&base()).unwrap_or_else(|e| panic!("{e}"));
    assert!(code.contains("pub struct ThingId(String);"), "typed id from x-resourceId");
    assert!(code.contains("thing: &ThingId"), "the path argument takes the typed id");
}

#[test]
fn header_and_cookie_parameters_are_refused() {
    for location in ["header", "cookie"] {
        refused(
            |s| s["paths"]["/v1/things"]["get"]["parameters"][0]["in"] = json!(location),
            &format!("{LIST}/parameters/0/in"),
            &format!("parameters in `{location}` are not supported"),
        );
    }
}

#[test]
fn query_styles_other_than_stripes_are_refused() {
    let expand = format!("{LIST}/parameters/1");
    let cases: [(Value, String); 4] = [
        (json!({ "style": "spaceDelimited" }), format!("{expand}/style")),
        (json!({ "style": "deepObject", "explode": false }), format!("{expand}/explode")),
        (json!({ "style": "form", "explode": true }), format!("{expand}/style")),
        (json!({ "allowReserved": true }), format!("{expand}/allowReserved")),
    ];
    for (patch, pointer) in cases {
        refused(
            |s| {
                let parameter = &mut s["paths"]["/v1/things"]["get"]["parameters"][1];
                for (key, value) in patch.as_object().unwrap() {
                    parameter[key] = value.clone();
                }
            },
            &pointer,
            "not supported",
        );
    }
}

#[test]
fn path_parameters_must_match_the_template_and_hold_one_value() {
    let retrieve = "#/paths/~1v1~1things~1{thing}/get";
    let parameter = |s: &mut Value| s["paths"]["/v1/things/{thing}"]["get"]["parameters"][0].clone();
    refused(
        |s| {
            let mut p = parameter(s);
            p["style"] = json!("matrix");
            s["paths"]["/v1/things/{thing}"]["get"]["parameters"][0] = p;
        },
        &format!("{retrieve}/parameters/0/style"),
        "style: simple",
    );
    refused(
        |s| s["paths"]["/v1/things/{thing}"]["get"]["parameters"][0]["name"] = json!("other"),
        &format!("{retrieve}/parameters/0/name"),
        "not a placeholder",
    );
    refused(
        |s| {
            s["paths"]["/v1/things/{thing}"]["get"]["parameters"][0]["schema"] =
                json!({ "type": "object", "properties": {} })
        },
        &format!("{retrieve}/parameters/0/schema"),
        "one value",
    );
    refused(
        |s| s["paths"]["/v1/things/{thing}"]["get"]["parameters"] = json!([]),
        &format!("{retrieve}/parameters"),
        "has no path parameter",
    );
}

#[test]
fn a_parameter_without_a_schema_is_refused() {
    refused(
        |s| {
            let parameter = &mut s["paths"]["/v1/things"]["get"]["parameters"][0];
            parameter.as_object_mut().unwrap().remove("schema");
            parameter["content"] = json!({ "application/json": { "schema": { "type": "integer" } } });
        },
        &format!("{LIST}/parameters/0/content"),
        "without a `schema`",
    );
    refused(
        |s| {
            s["paths"]["/v1/things"]["get"]["parameters"][0].as_object_mut().unwrap().remove("schema");
        },
        &format!("{LIST}/parameters/0"),
        "without a `schema`",
    );
}

#[test]
fn form_encodings_other_than_stripes_are_refused() {
    for encoding in [
        json!({ "style": "form", "explode": true }),
        json!({ "style": "deepObject" }),
        json!({ "contentType": "text/plain" }),
    ] {
        refused(
            |s| s["paths"]["/v1/things"]["post"]["requestBody"]["content"][FORM]["encoding"]["metadata"] = encoding,
            &format!("{CREATE}/requestBody/content/{FORM_TOKEN}/encoding/metadata"),
            "form encoding other than",
        );
    }
}

#[test]
fn a_body_ref_to_an_unknown_or_provided_schema_is_refused() {
    let schema_at = format!("{CREATE}/requestBody/content/{FORM_TOKEN}/schema/$ref");
    refused(
        |s| {
            s["paths"]["/v1/things"]["post"]["requestBody"]["content"][FORM]["schema"] =
                json!({ "$ref": "#/components/schemas/error" })
        },
        &schema_at,
        "a type the runtime provides",
    );
    refused(
        |s| {
            s["paths"]["/v1/things"]["post"]["requestBody"]["content"][FORM]["schema"] =
                json!({ "$ref": "#/components/schemas/nowhere" })
        },
        &schema_at,
        "does not exist",
    );
}

#[test]
fn json_only_and_multipart_bodies_are_refused() {
    for media in ["application/json", "multipart/form-data"] {
        refused(
            |s| {
                let content = &mut s["paths"]["/v1/things"]["post"]["requestBody"]["content"];
                let form = content.as_object_mut().unwrap().remove(FORM).unwrap();
                content[media] = form;
            },
            &format!("{CREATE}/requestBody/content/{}", media.replace('/', "~1")),
            "request body is not supported",
        );
    }
}

#[test]
fn references_to_parameters_bodies_and_responses_are_refused() {
    refused(
        |s| s["paths"]["/v1/things"]["get"]["parameters"][0] = json!({ "$ref": "#/components/parameters/limit" }),
        &format!("{LIST}/parameters/0/$ref"),
        "by `$ref`",
    );
    refused(
        |s| s["paths"]["/v1/things"]["post"]["requestBody"] = json!({ "$ref": "#/components/requestBodies/thing" }),
        &format!("{CREATE}/requestBody/$ref"),
        "by `$ref`",
    );
    refused(
        |s| s["paths"]["/v1/things"]["post"]["responses"]["200"] = json!({ "$ref": "#/components/responses/thing" }),
        &format!("{CREATE}/responses/200/$ref"),
        "by `$ref`",
    );
}

#[test]
fn other_hosts_and_non_json_responses_are_refused() {
    refused(
        |s| s["paths"]["/v1/things"]["post"]["servers"] = json!([{ "url": "https://files.stripe.com/" }]),
        &format!("{CREATE}/servers"),
        "`servers`",
    );
    refused(
        |s| {
            let content = &mut s["paths"]["/v1/things/{thing}"]["get"]["responses"]["200"]["content"];
            *content = json!({ "application/pdf": { "schema": { "type": "string", "format": "binary" } } });
        },
        "#/paths/~1v1~1things~1{thing}/get/responses/200/content/application~1pdf",
        "response is not supported",
    );
}

#[test]
fn schemas_openapiv3_reads_but_the_generator_does_not_are_refused() {
    let size = "#/components/schemas/thing/properties/size";
    let cases: [(Value, String, &str); 6] = [
        (json!({ "type": "strnig" }), format!("{size}/type"), "unsupported type `strnig`"),
        (json!({ "not": { "type": "string" } }), format!("{size}/not"), "`not` schemas are not supported"),
        (
            json!({ "type": "integer", "properties": {} }),
            format!("{size}/properties"),
            "does not go with `type: integer`",
        ),
        (json!({ "type": "string", "enum": ["a", 2] }), format!("{size}/enum/1"), "must be a string"),
        (json!({ "anyOf": [{ "type": "string" }], "properties": {} }), size.to_string(), "without a single `type`"),
        (json!({ "$ref": 3 }), format!("{size}/$ref"), "`$ref` must be a string"),
    ];
    for (schema, pointer, says) in cases {
        refused(|s| s["components"]["schemas"]["thing"]["properties"]["size"] = schema, &pointer, says);
    }
}

#[test]
fn maps_beside_properties_and_bodies_that_are_maps_are_refused() {
    let body = format!("{CREATE}/requestBody/content/{FORM_TOKEN}/schema");
    refused(
        |s| {
            s["paths"]["/v1/things"]["post"]["requestBody"]["content"][FORM]["schema"]["additionalProperties"] =
                json!({ "type": "string" })
        },
        &format!("{body}/additionalProperties"),
        "both `properties` and an `additionalProperties` schema",
    );
    refused(
        |s| {
            s["paths"]["/v1/things"]["post"]["requestBody"]["content"][FORM]["schema"] =
                json!({ "type": "object", "additionalProperties": { "type": "string" } })
        },
        &format!("{body}/additionalProperties"),
        "a form body that is a map",
    );
    refused(
        |s| s["components"]["schemas"]["thing"]["additionalProperties"] = json!({ "type": "string" }),
        "#/components/schemas/thing/additionalProperties",
        "both `properties` and an `additionalProperties` schema",
    );
    refused(
        |s| {
            s["components"]["schemas"]["thing"]["properties"]["size"] =
                json!({ "allOf": [{ "type": "string" }, { "type": "object", "properties": {} }] })
        },
        "#/components/schemas/thing/properties/size/allOf/0",
        "must be an object schema",
    );
}

#[test]
fn misspelt_keywords_more_than_one_success_and_per_path_servers_are_refused() {
    refused(
        |s| s["components"]["schemas"]["thing"]["requried"] = json!(["size"]),
        "#/components/schemas/thing/requried",
        "not an OpenAPI 3.0 schema keyword",
    );
    refused(
        |s| {
            s["paths"]["/v1/things"]["post"]["responses"]["201"] =
                s["paths"]["/v1/things"]["post"]["responses"]["200"].clone()
        },
        &format!("{CREATE}/responses/201"),
        "more than one success response",
    );
    refused(
        |s| s["paths"]["/v1/things"]["servers"] = json!([{ "url": "https://files.stripe.com/" }]),
        "#/paths/~1v1~1things/servers",
        "`servers`",
    );
    refused(
        |s| {
            s["paths"]["/v1/things"]["post"]["responses"]["default"] = json!({ "$ref": "#/components/responses/error" })
        },
        &format!("{CREATE}/responses/default/$ref"),
        "by `$ref`",
    );
}

#[test]
fn a_wrong_key_outside_schemas_is_named() {
    refused(
        |s| s["paths"]["/v1/things"]["get"]["parameters"][0]["required"] = json!("yes"),
        &format!("{LIST}/parameters/0/required"),
        "invalid type",
    );
    refused(
        |s| s["paths"]["/v1/things"]["post"]["requestBody"]["required"] = json!("yes"),
        &format!("{CREATE}/requestBody/required"),
        "invalid type",
    );
    refused(
        |s| s["paths"]["/v1/things"]["post"]["responses"]["200"]["description"] = json!(3),
        &format!("{CREATE}/responses/200/description"),
        "invalid type",
    );
    refused(
        |s| s["paths"]["/v1/things"]["post"]["operationId"] = json!(3),
        &format!("{CREATE}/operationId"),
        "invalid type",
    );
}

#[test]
fn a_wrong_key_deep_in_a_schema_is_named() {
    refused(
        |s| s["components"]["schemas"]["thing"]["properties"]["size"] = json!({ "anyOf": [{ "type": "object", "properties": { "inner": { "type": "string", "maxLength": "long" } } }] }),
        "#/components/schemas/thing/properties/size/anyOf/0/properties/inner/maxLength",
        "invalid type",
    );
}

#[test]
fn excluding_an_operation_that_is_not_there_is_an_error() {
    let parsed = Spec::parse(&base().to_string(), Format::Json).unwrap();
    let error =
        Generator::new("spec.json").prefixes(["/v1/"]).exclude(["PostNothing"]).generate_from(&parsed).unwrap_err();
    assert!(error.message.contains("`PostNothing`"), "{error}");
}

#[test]
fn excluded_operations_are_left_out_on_purpose() {
    let mut spec = base();
    spec["paths"]["/v1/things"]["post"]["servers"] = json!([{ "url": "https://files.stripe.com/" }]);
    let parsed = Spec::parse(&spec.to_string(), Format::Json).unwrap();
    let output = Generator::new("spec.json").prefixes(["/v1/"]).exclude(["PostThings"]).generate_from(&parsed).unwrap();
    let names: Vec<&str> = output.api.operations.iter().map(|op| op.name.as_str()).collect();
    assert_eq!(names, ["list_things", "retrieve_thing"]);
}
