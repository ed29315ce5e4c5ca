use std::borrow::Borrow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{IdOf, Object};

/// A field Stripe sends as an id unless you ask for it with `expand[]`, then as the object.
pub enum Expandable<T: Object> {
    /// Not expanded: the id (typed, such as `VerificationReportId`, where the resource has one).
    Id(IdOf<T>),
    /// Expanded: the object.
    Object(Box<T>),
}

impl<T: Object> Expandable<T> {
    /// The id, whether or not the field was expanded.
    pub fn id(&self) -> &T::Id {
        match self {
            Expandable::Id(id) => id.borrow(),
            Expandable::Object(object) => object.id(),
        }
    }

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

/// An expanded object, as a test builds one: `.last_verification_report(report)`.
impl<T: Object> From<T> for Expandable<T> {
    fn from(object: T) -> Self {
        Expandable::Object(Box::new(object))
    }
}

impl<T: Object + Clone> Clone for Expandable<T> {
    fn clone(&self) -> Self {
        match self {
            Expandable::Id(id) => Expandable::Id(id.clone()),
            Expandable::Object(object) => Expandable::Object(object.clone()),
        }
    }
}

impl<T: Object + fmt::Debug> fmt::Debug for Expandable<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expandable::Id(id) => f.debug_tuple("Id").field(id).finish(),
            Expandable::Object(object) => f.debug_tuple("Object").field(object).finish(),
        }
    }
}

impl<T: Object + PartialEq> PartialEq for Expandable<T> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Expandable::Id(a), Expandable::Id(b)) => a == b,
            (Expandable::Object(a), Expandable::Object(b)) => a == b,
            _ => false,
        }
    }
}

impl<T: Object + Serialize> Serialize for Expandable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Expandable::Id(id) => id.serialize(serializer),
            Expandable::Object(object) => object.serialize(serializer),
        }
    }
}

/// A string is an id, a map is the object; the object's own decoding errors keep their path.
impl<'de, T: Object + Deserialize<'de>> Deserialize<'de> for Expandable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ExpandableVisitor<T>(PhantomData<T>);

        impl<'de, T: Object + Deserialize<'de>> Visitor<'de> for ExpandableVisitor<T> {
            type Value = Expandable<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an id or an expanded object")
            }

            fn visit_str<E: de::Error>(self, id: &str) -> Result<Self::Value, E> {
                Ok(Expandable::Id(IdOf::<T>::from(id.to_string())))
            }

            fn visit_string<E: de::Error>(self, id: String) -> Result<Self::Value, E> {
                Ok(Expandable::Id(IdOf::<T>::from(id)))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(|o| Expandable::Object(Box::new(o)))
            }
        }

        deserializer.deserialize_any(ExpandableVisitor(PhantomData))
    }
}
