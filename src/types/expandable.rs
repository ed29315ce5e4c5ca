use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Object;

/// A field Stripe sends as an id unless you ask for it with `expand[]`, then as the object.
#[derive(Clone, Debug, PartialEq)]
pub enum Expandable<T> {
    /// Not expanded: the id.
    Id(String),
    /// Expanded: the object.
    Object(Box<T>),
}

impl<T: Object> Expandable<T> {
    /// The id, whether or not the field was expanded.
    pub fn id(&self) -> &str {
        match self {
            Expandable::Id(id) => id,
            Expandable::Object(object) => object.id(),
        }
    }
}

impl<T> Expandable<T> {
    /// The object, when expanded.
    pub fn as_object(&self) -> Option<&T> {
        match self {
            Expandable::Id(_) => None,
            Expandable::Object(object) => Some(object),
        }
    }

    /// Whether the response carried the object rather than its id.
    pub fn is_expanded(&self) -> bool {
        matches!(self, Expandable::Object(_))
    }
}

impl<T: Serialize> Serialize for Expandable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Expandable::Id(id) => serializer.serialize_str(id),
            Expandable::Object(object) => object.serialize(serializer),
        }
    }
}

/// A string is an id, a map is the object; the object's own decoding errors keep their path.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Expandable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ExpandableVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for ExpandableVisitor<T> {
            type Value = Expandable<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an id or an expanded object")
            }

            fn visit_str<E: de::Error>(self, id: &str) -> Result<Self::Value, E> {
                Ok(Expandable::Id(id.to_string()))
            }

            fn visit_string<E: de::Error>(self, id: String) -> Result<Self::Value, E> {
                Ok(Expandable::Id(id))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(|o| Expandable::Object(Box::new(o)))
            }
        }

        deserializer.deserialize_any(ExpandableVisitor(PhantomData))
    }
}
