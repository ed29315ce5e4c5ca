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

/// Decodes a response body: the whole body is checked as UTF-8 once, then parsed as a `&str`,
/// instead of `from_slice` checking every string it meets (a fifth of decoding time).
pub fn from_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(body),
    }
}
