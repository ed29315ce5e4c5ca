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
    /// The id's type: a typed id such as `VerificationSessionId`, or `str` for objects whose
    /// resource has none (and for unions of several kinds).
    type Id: ?Sized
        + AsRef<str>
        + ToOwned<
            Owned: Clone + std::fmt::Debug + PartialEq + serde::Serialize + serde::de::DeserializeOwned + From<String>,
        >;

    /// The object's id.
    fn id(&self) -> &Self::Id;
}

/// The owned form of an object's id: the typed id itself, or `String`.
pub type IdOf<T> = <<T as Object>::Id as ToOwned>::Owned;

/// Stands in for personal data and secrets in `Debug` output.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Redacted;

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}
