//! Decoding helpers the generated code calls. Not part of the API: names may change.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserializer, Error, Visitor};

/// Decodes a JSON string through `from` without allocating a `String` for it: how the
/// generated open enums decode (only an unlisted value allocates, for `Unrecognized`).
pub fn from_str_value<'de, D: Deserializer<'de>, T>(deserializer: D, from: fn(&str) -> T) -> Result<T, D::Error> {
    struct StrVisitor<T>(fn(&str) -> T, PhantomData<T>);

    impl<T> Visitor<'_> for StrVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: Error>(self, value: &str) -> Result<T, E> {
            Ok((self.0)(value))
        }
    }

    deserializer.deserialize_str(StrVisitor(from, PhantomData))
}
