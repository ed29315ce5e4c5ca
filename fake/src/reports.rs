//! VerificationReports: the checks a session's type and options call for, each verified or, for
//! a failure, unverified with the spec's error code; and what a verified session then reports.

use serde_json::{json, Value};

use crate::answer::StripeError;
use crate::state::Books;
use crate::table::{report_shape, REPORT_OBJECT};

/// The test person every verification finds (Stripe's test data).
fn person() -> Value {
    json!({
        "first_name": "Jenny",
        "last_name": "Rosen",
        "dob": { "day": 1, "month": 1, "year": 1901 },
        // Since 2025-05-29; dropped by the shape where the spec does not list them.
        "sex": "female",
        "unparsed_sex": "F",
        "unparsed_place_of_birth": "San Francisco, CA",
        "address": {
            "line1": "1234 Main St.", "line2": null, "city": "San Francisco", "state": "CA",
            "postal_code": "94111", "country": "US"
        },
    })
}

/// The checks a session calls for, the main one (document or id number) first.
pub fn checks(session: &Value) -> Vec<&'static str> {
    let options = &session["options"];
    let mut checks = Vec::new();
    if session["type"] == "id_number" {
        checks.push("id_number");
    } else {
        checks.push("document");
        if options["document"]["require_id_number"] == true {
            checks.push("id_number");
        }
    }
    if options["document"]["require_matching_selfie"] == true {
        checks.push("selfie");
    }
    for contact in ["email", "phone"] {
        if options[contact]["require_verification"] == true {
            checks.push(contact);
        }
    }
    checks
}

/// A report for the session's checks. With `failed`, the check the code names by its prefix
/// (`selfie_face_mismatch` → selfie) is unverified; a code of no check the session has
/// (`abandoned`, `under_supported_age`…) fails the main check. A check the session does not run
/// is absent from the report (the spec makes each optional, not nullable), and `options` mirror
/// the session's, the main check's present even when empty (Stripe's example:
/// `"options": {"document": {}}`).
pub fn create(books: &mut Books, session: &Value, failed: Option<&str>) -> Result<Value, StripeError> {
    let checks = checks(session);
    let main = checks[0];
    let failing =
        failed.map(|code| checks.iter().copied().find(|check| code.starts_with(&format!("{check}_"))).unwrap_or(main));
    let mut options = match &session["options"] {
        Value::Object(options) => options.clone(),
        _ => serde_json::Map::new(),
    };
    options.entry(main).or_insert_with(|| json!({}));
    let id = books.id("vr");
    let mut report = json!({
        "id": id,
        "object": REPORT_OBJECT,
        "client_reference_id": session["client_reference_id"],
        "created": books.now(),
        "livemode": false,
        "options": options,
        "type": session["type"],
        "verification_flow": session["verification_flow"],
        "verification_session": session["id"],
    });
    for check in checks {
        let code = failed.filter(|_| failing == Some(check));
        report[check] = section(books, check, session, code);
    }
    books.insert(REPORT_OBJECT, report_shape(), report)
}

/// One check: what the document (or the number, the selfie…) showed.
fn section(books: &mut Books, check: &str, session: &Value, failed: Option<&str>) -> Value {
    let person = person();
    let mut value = match check {
        "document" => {
            let allowed = &session["options"]["document"]["allowed_types"];
            let mut document = person.clone();
            document["type"] = allowed.get(0).cloned().unwrap_or(json!("driving_license"));
            document["issuing_country"] = json!("US");
            document["number"] = json!("D1234567");
            document["expiration_date"] = json!({ "day": 1, "month": 1, "year": 2035 });
            document["issued_date"] = json!({ "day": 1, "month": 1, "year": 2025 });
            document["files"] = json!([books.id("file"), books.id("file")]);
            document
        }
        "id_number" => json!({
            "first_name": person["first_name"], "last_name": person["last_name"], "dob": person["dob"],
            "id_number_type": "us_ssn", "id_number": "000000000",
        }),
        "selfie" => json!({ "document": books.id("file"), "selfie": books.id("file") }),
        contact => json!({ contact: session["provided_details"][contact] }),
    };
    value["status"] = json!("verified");
    value["error"] = Value::Null;
    if let Some(code) = failed {
        // The check's own error codes come from the spec; a session code it lacks stays null.
        let codes =
            report_shape().field(check).and_then(|f| f.shape.field("error")).and_then(|f| f.shape.field("code"));
        let known = codes.and_then(|f| f.shape.enum_values()).unwrap_or(&[]).contains(&code);
        value["status"] = json!("unverified");
        value["error"] = json!({
            "code": if known { json!(code) } else { Value::Null },
            "reason": format!("The {check} check failed: {}.", code.replace('_', " ")),
        });
    }
    value
}

/// What a verified session reports about the person: the main check's findings, the contact
/// details the user provided.
pub fn verified_outputs(session: &Value, report: &Value) -> Value {
    let found = if report["document"].is_object() { &report["document"] } else { &report["id_number"] };
    json!({
        "first_name": found["first_name"],
        "last_name": found["last_name"],
        "dob": found["dob"],
        "address": found["address"],
        "sex": found["sex"],
        "unparsed_sex": found["unparsed_sex"],
        "unparsed_place_of_birth": found["unparsed_place_of_birth"],
        "id_number": report["id_number"]["id_number"],
        "id_number_type": report["id_number"]["id_number_type"],
        "email": session["provided_details"]["email"],
        "phone": session["provided_details"]["phone"],
    })
}
