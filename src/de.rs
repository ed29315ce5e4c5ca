//! Decoding helpers the generated code calls. Not part of the API: names may change.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, Error, MapAccess, Visitor};

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

/// A model decoded from a JSON object, field by field: the generated models' `Deserialize`
/// (through [`from_map`]). Unlike serde's derive, it takes no array for a struct, so no model
/// compiles a sequence visitor it never uses, nor a key visitor of its own: each model matches
/// the object's [`Key`]s in one `match`. The cost: a format that writes a struct as a sequence
/// (bincode, postcard) cannot read a model back; one that writes it as a map (JSON, a
/// `serde_json::Value`) can.
pub trait FromMap: Sized {
    /// What a wrong value was expected to be: `struct Name`, as serde's derive says.
    const EXPECTING: &'static str;

    /// Reads the object's entries; a key the model does not have is skipped.
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// `Deserialize::deserialize` of a [`FromMap`] model.
pub fn from_map<'de, D: Deserializer<'de>, T: FromMap>(deserializer: D) -> Result<T, D::Error> {
    struct MapVisitor<T>(PhantomData<T>);

    impl<'de, T: FromMap> Visitor<'de> for MapVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(T::EXPECTING)
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::from_map(map)
        }
    }

    deserializer.deserialize_map(MapVisitor(PhantomData))
}

/// An object's key, as a model's [`FromMap::from_map`] matches it: borrowed from the input
/// where the reader lends it (serde_json's, for a key without escapes), so matching allocates
/// nothing; copied only where the reader cannot lend it.
pub enum Key<'de> {
    /// Lent by the reader: a slice of the input.
    Borrowed(&'de str),
    /// Copied (a key with escapes) or moved (an owned `Value`'s) out of the reader.
    Owned(String),
}

impl Key<'_> {
    pub fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(key) => key,
            Key::Owned(key) => key,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_borrowed_str<E: Error>(self, key: &'de str) -> Result<Key<'de>, E> {
        Ok(Key::Borrowed(key))
    }

    fn visit_str<E: Error>(self, key: &str) -> Result<Key<'de>, E> {
        Ok(Key::Owned(key.to_owned()))
    }

    fn visit_string<E: Error>(self, key: String) -> Result<Key<'de>, E> {
        Ok(Key::Owned(key))
    }

    /// A key that is not UTF-8 (no JSON reader gives one) matches no field: its invalid bytes
    /// become U+FFFD, which no field's name has.
    fn visit_bytes<E: Error>(self, key: &[u8]) -> Result<Key<'de>, E> {
        Ok(Key::Owned(String::from_utf8_lossy(key).into_owned()))
    }

    fn visit_borrowed_bytes<E: Error>(self, key: &'de [u8]) -> Result<Key<'de>, E> {
        match std::str::from_utf8(key) {
            Ok(key) => Ok(Key::Borrowed(key)),
            Err(_) => self.visit_bytes(key),
        }
    }
}

/// Reads the value of the field named `name` into `slot`; a second one is an error, as with
/// serde's derive.
pub fn field<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(A::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// A required field's value, or serde's `missing field` error.
pub fn required<T, E: Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// Decodes a response body with one reader, serde_json's `&str` one: the body is checked as
/// UTF-8 once (JSON is UTF-8, RFC 8259 §8.1), instead of `from_slice` checking every string it
/// meets (a fifth of decoding time), and each type's `Deserialize` is compiled for that reader
/// only. A body that is not UTF-8 is refused before parsing.
pub fn from_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, BodyError> {
    let text = std::str::from_utf8(body).map_err(|e| BodyError::NotUtf8 { at: e.valid_up_to() })?;
    serde_json::from_str(text).map_err(BodyError::Json)
}

/// Why a body did not decode. `Debug` shows where, never serde's message (which may quote the
/// body's values).
pub enum BodyError {
    /// The body is not UTF-8: the first bad byte.
    NotUtf8 { at: usize },
    /// serde_json's error.
    Json(serde_json::Error),
}

impl BodyError {
    /// The path of the value that failed in `body`, as [`path_at`] reads it.
    pub fn path(&self, body: &[u8]) -> String {
        match self {
            BodyError::NotUtf8 { at } => path_before(body, *at, false),
            BodyError::Json(error) => path_at(body, error),
        }
    }
}

impl fmt::Debug for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BodyError::NotUtf8 { at } => f.debug_struct("NotUtf8").field("at", at).finish(),
            BodyError::Json(e) => f.debug_struct("Json").field("line", &e.line()).field("column", &e.column()).finish(),
        }
    }
}

/// Where in `body` decoding failed, as a serde path (`data[0].created`; `.` for the top), read
/// from the error's line and column by scanning the JSON up to there. The client decodes each
/// body once, directly; only a failure is located, and this way no type's `Deserialize` is
/// compiled a second time to track paths. An error without a position is placed at the end.
pub fn path_at(body: &[u8], error: &serde_json::Error) -> String {
    // The position is the last byte serde_json consumed (for a syntax error, the next one).
    let mut stop = offset_of(body, error.line(), error.column());
    // Whitespace read while looking ahead (for the end of an array, say) is not where the
    // value that failed is: its last byte before that is.
    while stop > 0 && stop < body.len() && body[stop].is_ascii_whitespace() {
        stop -= 1;
    }
    // An array or object where another type belongs is refused when serde_json peeks at its
    // bracket, before consuming it: the value that failed starts after the position. (When a
    // visitor that takes any value refuses one, the bracket was consumed: it is the position.)
    let message = error.to_string();
    let bracket = if message.starts_with("invalid type: sequence") {
        Some(b'[')
    } else if message.starts_with("invalid type: map") {
        Some(b'{')
    } else {
        None
    };
    if let Some(bracket) = bracket {
        let next = (stop + 1..body.len()).find(|&i| !body[i].is_ascii_whitespace());
        if let Some(next) = next.filter(|&i| body[i] == bracket) {
            return path_before(body, next, false);
        }
    }
    // Elements past the ones a type takes: the array is what failed, and serde_json points at
    // the first element it did not take. A repeated key: the object is what failed, and
    // serde_json points at the key.
    let container = message.starts_with("trailing characters") || message.starts_with("duplicate field");
    path_before(body, stop, container)
}

/// The path of the value being read at byte `stop` of `body`, or with `container`, of the
/// array or object that byte is in.
fn path_before(body: &[u8], stop: usize, container: bool) -> String {
    let stop = stop.min(body.len());
    let mut frames: Vec<Frame> = Vec::new();
    // Levels below the deepest kept frame: counted, not kept, so a body of brackets (which
    // serde_json never parsed so deep when it is not UTF-8) costs no memory per bracket.
    let mut deeper = 0usize;
    let mut i = 0;
    while i < stop {
        match body[i] {
            b'"' => {
                let end = string_end(body, i);
                if let (0, Some(Frame::Object { key, after_colon: false })) = (deeper, frames.last_mut()) {
                    *key = Some(i..end.min(body.len()));
                }
                i = end;
                continue;
            }
            b'{' | b'[' if frames.len() == MAX_PATH_FRAMES => deeper += 1,
            b'{' => frames.push(Frame::Object { key: None, after_colon: false }),
            b'[' => frames.push(Frame::Array { index: 0 }),
            b'}' | b']' if deeper > 0 => deeper -= 1,
            b'}' | b']' => {
                frames.pop();
            }
            _ if deeper > 0 => {}
            b':' => {
                if let Some(Frame::Object { after_colon, .. }) = frames.last_mut() {
                    *after_colon = true;
                }
            }
            b',' => match frames.last_mut() {
                Some(Frame::Object { key, after_colon }) => (*key, *after_colon) = (None, false),
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    // An error on a closing bracket is about that object or array (a missing field, a wrong
    // length): its own key or index is not part of the path. (Past `stop`: it is in a string.)
    let closing = i == stop && matches!(body.get(stop), Some(b'}' | b']'));
    let innermost_kept = deeper == 0 && !frames.is_empty();
    let named = frames.len() - usize::from((closing || container) && innermost_kept);
    let mut path = String::new();
    for frame in &frames[..named] {
        match frame {
            Frame::Object { key: Some(key), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                let raw = &body[key.clone()];
                match serde_json::from_slice::<String>(raw) {
                    Ok(key) => path.push_str(&key),
                    Err(_) => path.push('?'),
                }
            }
            Frame::Object { key: None, .. } => {}
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
        }
        if path.len() > MAX_PATH_BYTES {
            let mut end = MAX_PATH_BYTES;
            while !path.is_char_boundary(end) {
                end -= 1;
            }
            path.truncate(end);
            path.push('…');
            break;
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}

/// A path longer than this (a body nested deep, or a long map key) is cut.
const MAX_PATH_BYTES: usize = 512;

/// The levels of nesting a path names at most (serde_json stops at 128).
const MAX_PATH_FRAMES: usize = 512;

/// An object or array the scan is inside: the key (its bytes, quotes included) or index being read.
enum Frame {
    Object { key: Option<std::ops::Range<usize>>, after_colon: bool },
    Array { index: usize },
}

/// The byte serde_json's 1-based line and column point at: the column counts the bytes of the
/// line read so far, so it is the last byte read (column 0: the newline before the line), or,
/// for a syntax error, the one it was looking at. No position (line 0), or one past the body,
/// reads as the end.
fn offset_of(body: &[u8], line: usize, column: usize) -> usize {
    if line == 0 {
        return body.len();
    }
    let mut start = 0;
    for _ in 1..line {
        match body[start..].iter().position(|&b| b == b'\n') {
            Some(newline) => start += newline + 1,
            None => return body.len(),
        }
    }
    (start + column).saturating_sub(1).min(body.len())
}

/// The index just past the string starting at `start` (its opening quote), escapes skipped.
fn string_end(body: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < body.len() {
        match body[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    body.len()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::{from_body, path_at, BodyError};

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Session {
        id: String,
        options: Option<Options>,
        metadata: Option<BTreeMap<String, String>>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Options {
        document: Option<Document>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Document {
        require_live_capture: bool,
    }

    #[test]
    fn paths_name_keys_indices_the_top_and_where_syntax_broke() {
        let path = |text: &str| {
            let error = serde_json::from_str::<Vec<Session>>(text).unwrap_err();
            path_at(text.as_bytes(), &error)
        };
        assert_eq!(path(r#"{"#), ".");
        assert_eq!(path(r#"[{"id": 3}]"#), "[0].id");
        assert_eq!(path(r#"[{"id": "a"}, {}]"#), "[1]", "a missing field: the object's path");
        assert_eq!(path(r#"[{"id": "vs_1", "options": {"document": []}}]"#), "[0].options.document");
        assert_eq!(path("[{\"id\": \"vs_1\",\n \"options\": {\"document\": {}}}]"), "[0].options.document");
        assert_eq!(path("[{\"id\": \"vs_1\", \"metadata\": [\n  1\n]}]"), "[0].metadata", "not [0].metadata[0]");
        assert_eq!(path(r#"[{"id": "a"}, {"id": "b", "metadata": [1]}]"#), "[1].metadata", "refused at its bracket");
        assert_eq!(path(r#"[{"id": {}}]"#), "[0].id");
        assert_eq!(path("[{\"id\":\n{}}]"), "[0].id", "a value that starts a line (column 0)");
        assert_eq!(path("[{\"id\": \"vs_1\", \"metadata\":\n[1]}]"), "[0].metadata");
        assert_eq!(path(r#"[{"id": "a", "id": "b"}]"#), "[0]", "a repeated key: its object");
        assert_eq!(
            path(
                r#"[{"id": "a", "options": {"document": {"require_live_capture": true, "require_live_capture": true}}}]"#
            ),
            "[0].options.document"
        );
        assert_eq!(
            path(r#"[{"id": "a", "options": {"document": [true, false]}}]"#),
            "[0].options.document",
            "too long"
        );
        assert_eq!(path(r#"[{"id": "vs_1", "metadata": {"k\"}": 1}}]"#), "[0].metadata.k\"}");
        assert_eq!(path(r#"[{"id": "a\u00zz"}]"#), "[0].id");
        assert_eq!(path(r#"[{"id": "a"}] x"#), ".", "trailing characters: the top");
        let long = format!("[{{\"id\": \"a\", \"metadata\": {{\"{}\": 1}}}}]", "k".repeat(2000));
        assert_eq!(path(&long).chars().count(), 513, "cut at 512 bytes and an ellipsis");
    }

    #[test]
    fn a_body_that_is_not_utf8_is_refused_at_its_first_bad_byte() {
        let body = b"[{\"id\": \"a\xff\"}]";
        let error = from_body::<Vec<Session>>(body).unwrap_err();
        assert!(matches!(error, BodyError::NotUtf8 { at: 10 }), "{error:?}");
        assert_eq!(error.path(body), "[0].id");
        assert_eq!(BodyError::NotUtf8 { at: 99 }.path(body), ".", "a position past the body is its end");
        let mut deep = b"[".repeat(100_000);
        deep.extend_from_slice(b"\xff");
        let error = from_body::<Vec<Session>>(&deep).unwrap_err();
        assert_eq!(error.path(&deep), format!("{}[0…", "[0]".repeat(170)), "the outer levels only, cut");
        let mut closed = b"[".repeat(600);
        closed.extend_from_slice(&b"]".repeat(599));
        closed.extend_from_slice(b",\xff]");
        assert_eq!(
            from_body::<Vec<Session>>(&closed).unwrap_err().path(&closed),
            "[1]",
            "levels past the kept ones close"
        );
        let error = from_body::<Vec<Session>>(br#"[{"id": "jane@example.com"}, {"id": 7}]"#).unwrap_err();
        assert_eq!(format!("{error:?}"), "Json { line: 1, column: 37 }", "where, never the values");
    }
}
