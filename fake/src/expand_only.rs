//! The expand-only verification results (Stripe's docs call them "sensitive"): present only
//! when `expand[]` names them, as at Stripe, so code that forgets to expand them fails against
//! the fake as it would in production. Stripe documents this list (it is not in the spec), so it
//! is kept here by hand. (Not to be confused with personal data: every one of these is personal,
//! but most personal fields are not expand-only.)

use serde_json::Value;

use crate::table::{REPORT_OBJECT, SESSION_OBJECT};

/// Paths inside a VerificationSession.
const SESSION: [&str; 2] = ["verified_outputs.dob", "verified_outputs.id_number"];
/// Paths inside a VerificationReport.
const REPORT: [&str; 5] =
    ["document.dob", "document.expiration_date", "document.number", "id_number.dob", "id_number.id_number"];

/// Whether `path` (relative to the object) names an expand-only result.
pub fn is_expand_only(path: &str) -> bool {
    let tail = |prefix: &str| path.strip_prefix(prefix).is_some_and(|rest| REPORT.contains(&rest));
    SESSION.contains(&path) || REPORT.contains(&path) || tail("last_verification_report.")
}

/// Sets to `null` every expand-only result in `value` that `expand` (paths from the response's
/// root; `prefix` is where `value` sits) does not name. Adds no key: a check the report did not
/// run stays absent.
pub fn hide_unexpanded(value: &mut Value, prefix: &str, expand: &[String]) {
    let paths: &[&str] = match value.get("object").and_then(Value::as_str) {
        Some("list") => {
            if let Some(items) = value.get_mut("data").and_then(Value::as_array_mut) {
                items.iter_mut().for_each(|item| hide_unexpanded(item, &format!("{prefix}data."), expand));
            }
            return;
        }
        Some(SESSION_OBJECT) => &SESSION,
        Some(REPORT_OBJECT) => &REPORT,
        _ => return,
    };
    for path in paths {
        if !expand.iter().any(|e| *e == format!("{prefix}{path}")) {
            let (parent, field) = path.split_once('.').expect("paths have two parts");
            if let Some(slot) = value.get_mut(parent).and_then(|p| p.get_mut(field)) {
                *slot = Value::Null;
            }
        }
    }
    if let Some(report) = value.get_mut("last_verification_report").filter(|r| r.is_object()) {
        hide_unexpanded(report, &format!("{prefix}last_verification_report."), expand);
    }
}
