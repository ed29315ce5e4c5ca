//! Small types the generated code is built from.

mod emptyable;
mod expandable;
mod list;
mod timestamp;

pub use emptyable::Emptyable;
pub use expandable::Expandable;
pub use list::List;
pub use timestamp::Timestamp;

/// A Stripe object with an id (`vs_…`, `vr_…`).
pub trait Object {
    /// The object's id.
    fn id(&self) -> &str;
}

/// Stands in for personal data and secrets in `Debug` output.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Redacted;

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}
