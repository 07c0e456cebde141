//! Optional values written blank: a web editor writes a cleared field as `""` (`closed: ""`),
//! and so does a person who empties a value by hand. For an optional field, blank means
//! absent; any other value is read as the field's type reads it, with the same errors.

use serde::de::{self, value, Deserializer, IntoDeserializer, Visitor};
use serde::Deserialize;
use std::fmt;
use std::marker::PhantomData;

/// The types of the optional fields that may be written blank (the model's own types say so
/// beside their definition).
pub trait Blankable<'de>: Deserialize<'de> {
    /// Whether the value is read as text (a phone number `0141133300` stays text), rather
    /// than as YAML resolves it.
    const TEXT: bool;

    /// Whether a value read is still blank (a picture whose file is `""`).
    fn is_blank(&self) -> bool {
        false
    }
}

impl Blankable<'_> for String {
    const TEXT: bool = true;
}
impl Blankable<'_> for i32 {
    const TEXT: bool = false;
}
impl Blankable<'_> for u32 {
    const TEXT: bool = false;
}

/// `#[serde(default, deserialize_with = "blank_is_none")]` on an optional field.
pub fn blank_is_none<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Blankable<'de>,
{
    let value: Option<T> = d.deserialize_option(Outer(PhantomData))?;
    Ok(value.filter(|v| !v.is_blank()))
}

struct Outer<T>(PhantomData<T>);
struct Inner<T>(PhantomData<T>);

impl<'de, T: Blankable<'de>> Visitor<'de> for Outer<T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        if T::TEXT {
            d.deserialize_str(Inner(PhantomData))
        } else {
            d.deserialize_any(Inner(PhantomData))
        }
    }
}

impl<'de, T: Blankable<'de>> Visitor<'de> for Inner<T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        if s.trim().is_empty() {
            return Ok(None);
        }
        T::deserialize(value::StrDeserializer::<E>::new(s)).map(Some)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        T::deserialize(v.into_deserializer()).map(Some)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        T::deserialize(v.into_deserializer()).map(Some)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        T::deserialize(v.into_deserializer()).map(Some)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        T::deserialize(v.into_deserializer()).map(Some)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        T::deserialize(value::SeqAccessDeserializer::new(seq)).map(Some)
    }
    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(value::MapAccessDeserializer::new(map)).map(Some)
    }
}
