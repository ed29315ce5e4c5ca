//! How each construct of Stripe's spec lowers, on `generated-tests/specs/constructs.json`
//! (which `generated-tests/compile.rs` also compiles).

use std::path::Path;

use stripe_identity_codegen::ir::{Api, Field, Type, TypeDef, TypeKind};
use stripe_identity_codegen::Generator;

fn api() -> Api {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated-tests/specs/constructs.json");
    Generator::new(spec).prefixes(["/v1/"]).generate().unwrap_or_else(|e| panic!("{e}")).api
}

fn def<'a>(api: &'a Api, name: &str) -> &'a TypeDef {
    api.types.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("no type {name}"))
}

fn field<'a>(api: &'a Api, ty: &str, wire: &str) -> &'a Field {
    match &def(api, ty).kind {
        TypeKind::Struct(s) => s.fields.iter().find(|f| f.wire == wire).unwrap_or_else(|| panic!("no {ty}.{wire}")),
        other => panic!("{ty} is not a struct: {other:?}"),
    }
}

fn named(name: &str) -> Type {
    Type::Named(name.into())
}

#[test]
fn expandable_unions_dispatch_on_the_object_tag() {
    let api = api();
    let source = field(&api, "Thing", "source");
    assert_eq!(source.ty, Type::Expandable(Box::new(named("ThingSource"))));
    assert!(source.optional());
    let TypeKind::Union(union) = &def(&api, "ThingSource").kind else { panic!() };
    assert!(union.tagged && union.has_id);
    let tags: Vec<_> = union.arms.iter().map(|a| a.tag.as_deref()).collect();
    assert_eq!(tags, [Some("card"), Some("bank_account")]);
}

#[test]
fn one_of_without_tags_is_an_untagged_union() {
    let api = api();
    let TypeKind::Union(union) = &def(&api, "ThingShape").kind else { panic!() };
    assert!(!union.tagged);
    let arms: Vec<_> = union.arms.iter().map(|a| (a.name.as_str(), a.ty.clone())).collect();
    assert_eq!(arms, [("Card", named("Card")), ("Integer", Type::Integer)]);
}

#[test]
fn all_of_merges_the_parts() {
    let api = api();
    let TypeKind::Struct(merged) = &def(&api, "ThingMerged").kind else { panic!() };
    let wires: Vec<_> = merged.fields.iter().map(|f| f.wire.as_str()).collect();
    assert_eq!(wires, ["extra", "id", "last4", "object"]);
}

#[test]
fn cycles_are_boxed_and_nothing_else_is() {
    let api = api();
    assert_eq!(field(&api, "Thing", "parent").ty, Type::Boxed(Box::new(named("Thing"))));
    // `loop_b` is used only as `loop_a.b`, so it is named from there; `loop_a` has two places.
    assert_eq!(field(&api, "LoopA", "b").ty, Type::Boxed(Box::new(named("LoopAB"))));
    assert_eq!(field(&api, "LoopAB", "a").ty, Type::Boxed(Box::new(named("LoopA"))));
    assert_eq!(field(&api, "Thing", "loop").ty, named("LoopA"));
}

#[test]
fn formats_nullable_and_maps() {
    let api = api();
    assert_eq!(field(&api, "Thing", "created").ty, Type::Timestamp);
    assert!(!field(&api, "Thing", "created").optional());
    assert_eq!(field(&api, "Thing", "amount_decimal").ty, Type::String);
    assert_eq!(field(&api, "Thing", "file").ty, Type::String);
    assert_eq!(field(&api, "Thing", "ratio").ty, Type::Number);
    assert_eq!(field(&api, "Thing", "metadata").ty, Type::Map(Box::new(Type::String)));
    assert_eq!(field(&api, "Thing", "closed").ty, named("ThingClosed"));
    assert_eq!(field(&api, "Thing", "anything").ty, Type::Json);
    assert_eq!(field(&api, "Thing", "tags").ty, Type::Vec(Box::new(Type::String)));
    assert!(field(&api, "Thing", "tags").optional());
    // `thing_link`, used only as `thing.self`, is named from that place.
    assert_eq!(def(&api, "ThingSelfType").kind, TypeKind::Alias(Type::String));
}

#[test]
fn same_title_different_schemas_neither_merge_nor_clash() {
    let api = api();
    // Inline schemas at a field are named from the field, whatever their `title`.
    assert_eq!(field(&api, "Thing", "settings_a").ty, named("ThingSettingsA"));
    assert_eq!(field(&api, "Thing", "settings_b").ty, named("ThingSettingsB"));
    assert_eq!(field(&api, "CreateThingParams", "settings").ty, named("CreateThingSettings"));
    let mut names: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
    let count = names.len();
    names.dedup();
    assert_eq!(names.len(), count, "type names are unique");
}

#[test]
fn enum_values_that_are_not_identifiers_get_names() {
    let api = api();
    let TypeKind::Enum(variants) = &def(&api, "ThingKind").kind else { panic!() };
    let names: Vec<(&str, &str)> = variants.iter().map(|v| (v.name.as_str(), v.value.as_str())).collect();
    assert_eq!(
        names,
        [
            ("All", "*"),
            ("V2fa", "2fa"),
            ("SelfValue", "self"),
            ("Type", "type"),
            ("AB", "a-b"),
            ("AB2", "a_b"),
            ("Unrecognized2", "unrecognized")
        ]
    );
}

#[test]
fn reserved_words_become_valid_fields() {
    let api = api();
    assert_eq!(field(&api, "Thing", "self").name, "self_");
    assert_eq!(field(&api, "Thing", "loop").name, "loop_");
}

#[test]
fn deleted_objects_and_search_results() {
    let api = api();
    assert_eq!(field(&api, "DeletedThing", "deleted").ty, Type::Bool);
    let search = api.operations.iter().find(|op| op.path.to_string() == "/v1/things/search").unwrap();
    assert_eq!(search.response, named("SearchResult"));
    assert_eq!(field(&api, "SearchResult", "data").ty, Type::Vec(Box::new(named("Thing"))));
}

#[test]
fn emptyable_params_and_operations_with_query_and_body() {
    let api = api();
    assert_eq!(field(&api, "CreateThingParams", "limits").ty, Type::Emptyable(Box::new(named("CreateThingLimits"))));
    assert!(!field(&api, "CreateThingParams", "name").optional());
    let put = api.operations.iter().find(|op| op.method == stripe_identity_codegen::ir::Method::Put).unwrap();
    assert_eq!(put.name, "update_things_widget");
    assert_eq!(put.query.as_deref(), Some("UpdateThingsWidgetParams"));
    assert_eq!(put.body.as_deref(), Some("UpdateThingsWidgetBodyParams"));
    let args: Vec<_> = put.path_params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(args, ["thing", "widget"]);
}
