//! Stripe's form encoding, as its official SDKs write it, for bodies and query strings alike.
//!
//! Nested objects become bracket paths (`options[document][require_live_capture]=true`), arrays
//! are indexed (`expand[0]=a`), empty arrays and `None` are left out, an empty string is sent as
//! `key=` (Stripe's "unset"). Key segments and values are percent-encoded; brackets are not.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::ser::{self, Impossible, Serialize};

/// Everything but `A-Z a-z 0-9 - . _ ~` is percent-encoded (RFC 3986 unreserved characters).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Percent-encodes one component: a path segment, a key segment, or a value.
pub fn encode_component(raw: &str) -> String {
    utf8_percent_encode(raw, COMPONENT).to_string()
}

/// Percent-encodes an id for use as one path segment: `vs a/b?c` → `vs%20a%2Fb%3Fc`.
pub fn encode_path_segment(raw: &str) -> String {
    encode_component(raw)
}

/// Encodes `value` (a struct, a map, or `()` for nothing) as `key=value` pairs joined by `&`.
pub fn encode<T: Serialize + ?Sized>(value: &T) -> Result<String, FormError> {
    Ok(join(&pairs(value)?))
}

/// Form parameters as data, in order: each key already encoded (bracket paths cannot be taken
/// apart again once joined), each value as given, encoded by [`join`]. A request keeps these
/// until it is sent, so the paginator can swap one cursor without parsing a query string.
pub(crate) type Pairs = Vec<(String, String)>;

/// The pairs of `value` (a struct, a map, or `()` for nothing).
pub(crate) fn pairs<T: Serialize + ?Sized>(value: &T) -> Result<Pairs, FormError> {
    let mut pairs = Vec::new();
    value.serialize(PairSerializer { key: String::new(), out: &mut pairs })?;
    Ok(pairs)
}

/// `key=value&…`, each value percent-encoded.
pub(crate) fn join(pairs: &[(String, String)]) -> String {
    let mut out = String::new();
    for (key, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(key);
        out.push('=');
        out.push_str(&encode_component(value));
    }
    out
}

/// A value that has no form encoding (bytes, a non-string map key, a bare scalar at the top).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError(String);

impl std::fmt::Display for FormError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot form-encode the parameters: {}", self.0)
    }
}

impl std::error::Error for FormError {}

impl ser::Error for FormError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        FormError(msg.to_string())
    }
}

/// `parent[segment]`, or `segment` at the top level; the segment is percent-encoded.
fn child_key(parent: &str, segment: &str) -> String {
    if parent.is_empty() {
        encode_component(segment)
    } else {
        format!("{parent}[{}]", encode_component(segment))
    }
}

/// Serializes one value at `key` (already encoded) into `out`.
struct PairSerializer<'a> {
    key: String,
    out: &'a mut Vec<(String, String)>,
}

impl PairSerializer<'_> {
    fn scalar(self, text: &str) -> Result<(), FormError> {
        // The message never quotes `text`: parameters may hold personal data.
        if self.key.is_empty() {
            return Err(FormError("a bare value has no key; pass a struct or a map".into()));
        }
        self.out.push((self.key, text.to_string()));
        Ok(())
    }
}

macro_rules! scalar_methods {
    ($($method:ident: $ty:ty),*) => {
        $(fn $method(self, v: $ty) -> Result<(), FormError> {
            self.scalar(&v.to_string())
        })*
    };
}

impl<'a> ser::Serializer for PairSerializer<'a> {
    type Ok = ();
    type Error = FormError;
    type SerializeSeq = SeqSerializer<'a>;
    type SerializeTuple = SeqSerializer<'a>;
    type SerializeTupleStruct = SeqSerializer<'a>;
    type SerializeTupleVariant = Impossible<(), FormError>;
    type SerializeMap = MapSerializer<'a>;
    type SerializeStruct = MapSerializer<'a>;
    type SerializeStructVariant = Impossible<(), FormError>;

    scalar_methods!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64,
        serialize_u128: u128, serialize_f32: f32, serialize_f64: f64, serialize_char: char);

    fn serialize_str(self, v: &str) -> Result<(), FormError> {
        self.scalar(v)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), FormError> {
        Err(FormError("bytes are not supported".into()))
    }
    fn serialize_none(self) -> Result<(), FormError> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), FormError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), FormError> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), FormError> {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<(), FormError> {
        self.scalar(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<(), FormError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        value: &T,
    ) -> Result<(), FormError> {
        value.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<SeqSerializer<'a>, FormError> {
        if self.key.is_empty() {
            return Err(FormError("a bare list has no key; pass a struct or a map".into()));
        }
        Ok(SeqSerializer { key: self.key, out: self.out, index: 0 })
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqSerializer<'a>, FormError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<SeqSerializer<'a>, FormError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, FormError> {
        Err(FormError(format!("tuple variants ({name}) are not supported")))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<MapSerializer<'a>, FormError> {
        Ok(MapSerializer { key: self.key, out: self.out, pending: None })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<MapSerializer<'a>, FormError> {
        self.serialize_map(None)
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, FormError> {
        Err(FormError(format!("struct variants ({name}) are not supported")))
    }
}

struct SeqSerializer<'a> {
    key: String,
    out: &'a mut Vec<(String, String)>,
    index: usize,
}

impl SeqSerializer<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FormError> {
        let key = format!("{}[{}]", self.key, self.index);
        self.index += 1;
        value.serialize(PairSerializer { key, out: self.out })
    }
}

impl ser::SerializeSeq for SeqSerializer<'_> {
    type Ok = ();
    type Error = FormError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FormError> {
        self.element(value)
    }
    fn end(self) -> Result<(), FormError> {
        Ok(())
    }
}

impl ser::SerializeTuple for SeqSerializer<'_> {
    type Ok = ();
    type Error = FormError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FormError> {
        self.element(value)
    }
    fn end(self) -> Result<(), FormError> {
        Ok(())
    }
}

impl ser::SerializeTupleStruct for SeqSerializer<'_> {
    type Ok = ();
    type Error = FormError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FormError> {
        self.element(value)
    }
    fn end(self) -> Result<(), FormError> {
        Ok(())
    }
}

struct MapSerializer<'a> {
    key: String,
    out: &'a mut Vec<(String, String)>,
    /// The encoded key of the entry whose value comes next.
    pending: Option<String>,
}

impl ser::SerializeMap for MapSerializer<'_> {
    type Ok = ();
    type Error = FormError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), FormError> {
        let segment = key.serialize(KeySerializer)?;
        self.pending = Some(child_key(&self.key, &segment));
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FormError> {
        let key = self.pending.take().ok_or_else(|| FormError("a map value came before its key".into()))?;
        value.serialize(PairSerializer { key, out: self.out })
    }
    fn end(self) -> Result<(), FormError> {
        Ok(())
    }
}

impl ser::SerializeStruct for MapSerializer<'_> {
    type Ok = ();
    type Error = FormError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, field: &'static str, value: &T) -> Result<(), FormError> {
        value.serialize(PairSerializer { key: child_key(&self.key, field), out: self.out })
    }
    fn end(self) -> Result<(), FormError> {
        Ok(())
    }
}

/// Map keys must be strings (or print as such).
struct KeySerializer;

macro_rules! key_methods {
    ($($method:ident: $ty:ty),*) => {
        $(fn $method(self, v: $ty) -> Result<String, FormError> {
            Ok(v.to_string())
        })*
    };
}

impl ser::Serializer for KeySerializer {
    type Ok = String;
    type Error = FormError;
    type SerializeSeq = Impossible<String, FormError>;
    type SerializeTuple = Impossible<String, FormError>;
    type SerializeTupleStruct = Impossible<String, FormError>;
    type SerializeTupleVariant = Impossible<String, FormError>;
    type SerializeMap = Impossible<String, FormError>;
    type SerializeStruct = Impossible<String, FormError>;
    type SerializeStructVariant = Impossible<String, FormError>;

    key_methods!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64,
        serialize_u128: u128, serialize_f32: f32, serialize_f64: f64, serialize_char: char, serialize_str: &str);

    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<String, FormError> {
        Ok(variant.to_string())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<String, FormError> {
        value.serialize(self)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<String, FormError> {
        Err(not_a_key())
    }
    fn serialize_none(self) -> Result<String, FormError> {
        Err(not_a_key())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<String, FormError> {
        Err(not_a_key())
    }
    fn serialize_unit(self) -> Result<String, FormError> {
        Err(not_a_key())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, FormError> {
        Err(not_a_key())
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, FormError> {
        Err(not_a_key())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, FormError> {
        Err(not_a_key())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, FormError> {
        Err(not_a_key())
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, FormError> {
        Err(not_a_key())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, FormError> {
        Err(not_a_key())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, FormError> {
        Err(not_a_key())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, FormError> {
        Err(not_a_key())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, FormError> {
        Err(not_a_key())
    }
}

fn not_a_key() -> FormError {
    FormError("map keys must be strings".into())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Serialize;

    use super::{encode, encode_path_segment};

    #[derive(Serialize)]
    struct Document {
        allowed_types: Vec<&'static str>,
        require_live_capture: Option<bool>,
    }

    #[derive(Serialize)]
    struct Params {
        expand: Vec<&'static str>,
        metadata: BTreeMap<&'static str, &'static str>,
        document: Document,
        return_url: &'static str,
        limit: Option<i64>,
        empty: Vec<&'static str>,
    }

    #[test]
    fn encodes_like_the_official_sdks() {
        let params = Params {
            expand: vec!["last_verification_report"],
            metadata: BTreeMap::from([("remove_me", ""), ("weird key", "a&b=c")]),
            document: Document { allowed_types: vec!["driving_license", "passport"], require_live_capture: Some(true) },
            return_url: "https://example.com/r?x=1&y=2",
            limit: None,
            empty: vec![],
        };
        assert_eq!(
            encode(&params).unwrap(),
            "expand[0]=last_verification_report&metadata[remove_me]=&metadata[weird%20key]=a%26b%3Dc\
             &document[allowed_types][0]=driving_license&document[allowed_types][1]=passport\
             &document[require_live_capture]=true&return_url=https%3A%2F%2Fexample.com%2Fr%3Fx%3D1%26y%3D2"
        );
    }

    #[test]
    fn unit_is_no_parameters_and_bare_values_are_refused() {
        assert_eq!(encode(&()).unwrap(), "");
        assert!(encode("x").is_err());
        assert!(encode(&vec![1]).is_err());
    }

    #[test]
    fn path_segments_keep_only_unreserved_characters() {
        assert_eq!(encode_path_segment("vs a/b?c"), "vs%20a%2Fb%3Fc");
        assert_eq!(encode_path_segment("vs_1.2-3~"), "vs_1.2-3~");
    }
}
