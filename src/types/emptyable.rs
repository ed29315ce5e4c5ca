use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A parameter Stripe lets you unset: `Set(value)`, or `Empty`, sent as `key=`.
///
/// The spec marks these fields `anyOf: [T, enum: [""]]`. Leave the field `None` to keep the
/// current value; `Some(Emptyable::Empty)` clears it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Emptyable<T> {
    /// Send this value.
    Set(T),
    /// Send the empty string, which unsets the field.
    Empty,
}

impl<T> From<T> for Emptyable<T> {
    fn from(value: T) -> Self {
        Emptyable::Set(value)
    }
}

impl<T: Serialize> Serialize for Emptyable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Emptyable::Set(value) => value.serialize(serializer),
            Emptyable::Empty => serializer.serialize_str(""),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Emptyable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        if value.as_str() == Some("") {
            return Ok(Emptyable::Empty);
        }
        T::deserialize(value).map(Emptyable::Set).map_err(serde::de::Error::custom)
    }
}
