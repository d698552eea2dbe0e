//! `serde` for the runtime's value types (feature `serde`), and the two field codecs the
//! generated code names: [`serde_secret`](super::serde_secret) and
//! [`serde_float`](super::serde_float).
//!
//! The JSON form of each type is listed in the [module docs](super).

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{self, Serialize, Serializer};

use super::binary::{base64_decode, base64_encode_into};
use super::lexical::{
    Date, GDay, GMonth, GMonthDay, GYear, GYearMonth, Integer, NegativeInteger, NonNegativeInteger, NonPositiveInteger,
    PositiveInteger, Time,
};
use super::qname::is_ncname;
use super::values::{DateTime, Decimal, Duration, Nillable, SimpleValue, ValueError, WcfChar};
use super::{AnyXml, Base64Binary, HexBinary, QNameValue};

/// `Absent` is written only by leaving the key out (the generated fields skip it); a value that
/// reaches a serializer as absent has no JSON form that would read back as absent.
impl<T: Serialize> Serialize for Nillable<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Nillable::Value(v) => s.serialize_some(v),
            Nillable::Nil => s.serialize_none(),
            Nillable::Absent => Err(ser::Error::custom(
                "an absent Nillable has no JSON value: leave its key out \
                 (#[serde(default, skip_serializing_if = \"Nillable::is_absent\")])",
            )),
        }
    }
}

/// `null` is nil, a value is a value; a missing key is absent (the field's `default`).
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nillable<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(d)? {
            Some(v) => Nillable::Value(v),
            None => Nillable::Nil,
        })
    }
}

/// Reads a string and parses it with `parse`, naming `expected` when it is not one.
struct TextVisitor<T, F> {
    expected: &'static str,
    parse: F,
    out: PhantomData<T>,
}

impl<T, F: FnOnce(&str) -> Result<T, ValueError>> Visitor<'_> for TextVisitor<T, F> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an {} as a string", self.expected)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        (self.parse)(v).map_err(E::custom)
    }
}

fn text<'de, D: Deserializer<'de>, T>(
    d: D,
    expected: &'static str,
    parse: impl FnOnce(&str) -> Result<T, ValueError>,
) -> Result<T, D::Error> {
    d.deserialize_str(TextVisitor {
        expected,
        parse,
        out: PhantomData,
    })
}

/// Types kept in their lexical form: written as their wire text, read through `FromStr`.
macro_rules! lexical_serde {
    ($($t:ty => $xsd:literal),* $(,)?) => {$(
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&SimpleValue::to_text(self))
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                text(d, $xsd, <$t>::from_str)
            }
        }
    )*};
}

lexical_serde!(
    Decimal => "xs:decimal",
    Duration => "xs:duration",
    DateTime => "xs:dateTime",
    Date => "xs:date",
    Time => "xs:time",
    GYear => "xs:gYear",
    GYearMonth => "xs:gYearMonth",
    GMonth => "xs:gMonth",
    GDay => "xs:gDay",
    GMonthDay => "xs:gMonthDay",
    Integer => "xs:integer",
    NonNegativeInteger => "xs:nonNegativeInteger",
    PositiveInteger => "xs:positiveInteger",
    NonPositiveInteger => "xs:nonPositiveInteger",
    NegativeInteger => "xs:negativeInteger",
);

impl Serialize for WcfChar {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u16(self.0)
    }
}

impl<'de> Deserialize<'de> for WcfChar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        u16::deserialize(d).map(WcfChar)
    }
}

fn base64(bytes: &[u8]) -> String {
    let mut out = String::new();
    base64_encode_into(&mut out, bytes);
    out
}

impl Serialize for Base64Binary {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64(&self.0))
    }
}

impl<'de> Deserialize<'de> for Base64Binary {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        text(d, "xs:base64Binary", base64_decode).map(Base64Binary)
    }
}

/// Base64 like [`Base64Binary`]: in JSON, bytes are base64 whatever their XML form.
impl Serialize for HexBinary {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64(&self.0))
    }
}

impl<'de> Deserialize<'de> for HexBinary {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        text(d, "xs:hexBinary in base64", base64_decode).map(HexBinary)
    }
}

impl Serialize for QNameValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// `{namespace}local` or `local`; the local name must be an XML `NCName`.
fn parse_clark(text: &str) -> Result<QNameValue, ValueError> {
    let (namespace, local) = match text.strip_prefix('{') {
        Some(rest) => rest.rsplit_once('}').unwrap_or(("", "")),
        None => ("", text),
    };
    if !is_ncname(local) || (text.starts_with('{') && namespace.is_empty()) {
        return Err(super::values::invalid(
            "xs:QName",
            "expected {namespace}local or local, with an NCName local part",
        ));
    }
    Ok(QNameValue::new(namespace, local))
}

impl<'de> Deserialize<'de> for QNameValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        text(d, "xs:QName in {namespace}local form", parse_clark)
    }
}

/// Every field required, unknown keys refused.
impl Serialize for AnyXml {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serde_struct::write(self, s)
    }
}

impl<'de> Deserialize<'de> for AnyXml {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde_struct::read(d)
    }
}

impl serde_struct::Fields for AnyXml {
    const NAME: &'static str = "AnyXml";
    const KEYS: &'static [&'static str] = &["namespaces", "attributes", "content"];
    const SHAPE: &'static [u8] = b"rrr";
    type Slots = Self;
    fn field<'de, F: serde_struct::FieldIn<'de>>(x: &mut Self, i: usize, f: F) -> Result<(), F::Error> {
        match i {
            0 => f.put(&mut x.namespaces),
            1 => f.put(&mut x.attributes),
            _ => f.put(&mut x.content),
        }
    }
    fn write<W: serde_struct::Sink>(&self, w: &mut W) {
        w.field("namespaces", &self.namespaces);
        w.field("attributes", &self.attributes);
        w.field("content", &self.content);
    }
}

/// The field codec of credential members (`CustomerKey`, `Password`, `User`, …): a set value
/// is written as `"***"`, so that serializing a request (to log or store it) never leaks a
/// secret, exactly as its `Debug` output does not. Unset stays unset (the key left out, or
/// `null` for nil).
///
/// Reading takes a value as given, except the mask itself: `"***"` is an error, since a
/// request read back from masked JSON would otherwise send `***` as the credential. Leave
/// the key out instead, and the client fills the member from its settings on every call.
pub mod serde_secret {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::xml::{CredentialSlot, Masked};

    /// The mask written in place of a set secret.
    pub const MASK: &str = "***";

    /// Writes `value` masked.
    pub fn serialize<T, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error>
    where
        for<'a> Masked<'a, T>: Serialize,
    {
        Masked(value).serialize(s)
    }

    /// Reads a credential member; the mask is refused.
    pub fn deserialize<'de, T, D>(d: D) -> Result<T, D::Error>
    where
        T: Deserialize<'de> + CredentialSlot,
        D: Deserializer<'de>,
    {
        let value = T::deserialize(d)?;
        if value.value() == Some(MASK) {
            return Err(D::Error::custom(
                "a masked credential (\"***\") cannot be read back: leave the member out and the client fills it",
            ));
        }
        Ok(value)
    }
}

impl Serialize for super::Masked<'_, String> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(if self.0.is_empty() { "" } else { serde_secret::MASK })
    }
}

impl Serialize for super::Masked<'_, Option<String>> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(_) => s.serialize_some(serde_secret::MASK),
            None => s.serialize_none(),
        }
    }
}

impl Serialize for super::Masked<'_, Nillable<String>> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.as_ref().map(|_| serde_secret::MASK).serialize(s)
    }
}

/// The field codec of `xs:float`/`xs:double` members (and collections of them): finite
/// values are JSON numbers; `NaN`, `INF` and `-INF`, which JSON numbers cannot hold (a JSON
/// serializer would write `null`, losing the value), are those strings, as in XML.
pub mod serde_float {
    use std::fmt;

    use serde::de::{self, Deserialize, Deserializer, Visitor};
    use serde::{Serialize, Serializer};

    use crate::xml::Nillable;

    /// A member value holding floats: a float, or an option, nillable, box or vector of one.
    pub trait FloatMember: Sized {
        /// Writes the value.
        fn write<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error>;
        /// Reads the value.
        fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
    }

    /// Writes `value`.
    pub fn serialize<T: FloatMember, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
        value.write(s)
    }

    /// Reads a value.
    pub fn deserialize<'de, T: FloatMember, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
        T::read(d)
    }

    struct Out<'a, T>(&'a T);

    impl<T: FloatMember> Serialize for Out<'_, T> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            self.0.write(s)
        }
    }

    struct In<T>(T);

    impl<'de, T: FloatMember> Deserialize<'de> for In<T> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            T::read(d).map(In)
        }
    }

    struct FloatVisitor;

    impl Visitor<'_> for FloatVisitor {
        type Value = f64;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number, or \"NaN\", \"INF\" or \"-INF\"")
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
            Ok(v)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
            Ok(v as f64)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
            Ok(v as f64)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
            match v {
                "NaN" => Ok(f64::NAN),
                "INF" => Ok(f64::INFINITY),
                "-INF" => Ok(f64::NEG_INFINITY),
                _ => Err(E::invalid_value(de::Unexpected::Other("a string"), &self)),
            }
        }
    }

    fn write_f64<S: Serializer>(v: f64, s: S) -> Result<S::Ok, S::Error> {
        if v.is_nan() {
            s.serialize_str("NaN")
        } else if v.is_infinite() {
            s.serialize_str(if v > 0.0 { "INF" } else { "-INF" })
        } else {
            s.serialize_f64(v)
        }
    }

    impl FloatMember for f64 {
        fn write<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            write_f64(*self, s)
        }
        fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(FloatVisitor)
        }
    }

    impl FloatMember for f32 {
        fn write<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            if self.is_finite() {
                s.serialize_f32(*self)
            } else {
                write_f64(f64::from(*self), s)
            }
        }
        fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            // Every f32 written as a JSON number reads back as the f64 of the same text,
            // whose nearest f32 is the value written.
            d.deserialize_any(FloatVisitor).map(|v| v as f32)
        }
    }

    impl<T: FloatMember> FloatMember for Option<T> {
        fn write<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            match self {
                Some(v) => s.serialize_some(&Out(v)),
                None => s.serialize_none(),
            }
        }
        fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            Ok(Option::<In<T>>::deserialize(d)?.map(|In(v)| v))
        }
    }

    impl<T: FloatMember> FloatMember for Nillable<T> {
        fn write<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            self.as_ref().map(Out).serialize(s)
        }
        fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            Ok(Nillable::<In<T>>::deserialize(d)?.map(|In(v)| v))
        }
    }

    impl<T: FloatMember> FloatMember for Box<T> {
        fn write<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            (**self).write(s)
        }
        fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            T::read(d).map(Box::new)
        }
    }

    impl<T: FloatMember> FloatMember for Vec<T> {
        fn write<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(self.iter().map(Out))
        }
        fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            Ok(Vec::<In<T>>::deserialize(d)?.into_iter().map(|In(v)| v).collect())
        }
    }
}

#[doc(hidden)]
pub mod serde_struct {
    //! The `Serialize` and `Deserialize` impls of the generated structs (and of [`AnyXml`]), as
    //! short calls into the generic code here: the JSON that `#[derive(Serialize, Deserialize)]`
    //! with `#[serde(deny_unknown_fields)]` and each member's `rename`, `default`,
    //! `skip_serializing_if` and `with` attributes gives, at a fraction of the code to compile.
    //!
    //! A struct's [`Fields`] impl says all: its name, its keys, how each may be missing, a
    //! `write` function with a line per member and a `field` function that reads member `i`
    //! into its slot; its `Serialize` and `Deserialize` impls call [`write`] and [`read`].
    //!
    //! - Writing: [`Sink::field`] always writes its key, [`Sink::opt`] leaves it out when the
    //!   value is [`Omit::omitted`] (an absent optional or nillable member). Codecs are wrappers:
    //!   [`Masked`](crate::xml::Masked) for credentials (`serde_secret`), [`Float`] for float
    //!   members (`serde_float`).
    //! - Reading: keys are matched by name (or by index, for formats that name fields so);
    //!   unknown keys, duplicate keys and missing required members are the derive's errors
    //!   (`unknown field`, `duplicate field`, `missing field`), and a sequence fills the members
    //!   in order as the derive's does.
    //!
    //! Only this module's generic code is instantiated per format; per type there is a line per
    //! member, where the derive expands to a field enum, its visitor, a map visitor and a
    //! sequence visitor with several lines per member each.
    //!
    //! For generated code only: not part of the crate's stable API.
    //!
    //! [`AnyXml`]: crate::xml::AnyXml

    use std::fmt;
    use std::marker::PhantomData;

    use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
    use serde::ser::{Serialize, SerializeStruct, Serializer};

    use super::serde_float::FloatMember;
    use crate::xml::{CredentialSlot, Masked, Nillable};

    // --- Writing ---------------------------------------------------------------------------

    /// A member value whose key is left out when it holds nothing (`skip_serializing_if`).
    pub trait Omit {
        /// Whether the key is left out.
        fn omitted(&self) -> bool;
    }

    impl<T> Omit for Option<T> {
        fn omitted(&self) -> bool {
            self.is_none()
        }
    }

    impl<T> Omit for Nillable<T> {
        fn omitted(&self) -> bool {
            self.is_absent()
        }
    }

    impl<T: Omit> Omit for Masked<'_, T> {
        fn omitted(&self) -> bool {
            self.0.omitted()
        }
    }

    /// A float member written through `serde_float`.
    pub struct Float<'a, T>(pub &'a T);

    impl<T: FloatMember> Serialize for Float<'_, T> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            self.0.write(s)
        }
    }

    impl<T: Omit> Omit for Float<'_, T> {
        fn omitted(&self) -> bool {
            self.0.omitted()
        }
    }

    /// Where a struct's members go (see [`Fields::write`]): counted, then written.
    pub trait Sink {
        /// Writes `value` under `key`.
        fn field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T);
        /// Writes `value` under `key`, unless it is [omitted](Omit::omitted).
        fn opt<T: ?Sized + Serialize + Omit>(&mut self, key: &'static str, value: &T);
    }

    /// Counts the keys written (`serialize_struct` takes their number).
    struct Count(usize);

    impl Sink for Count {
        #[inline]
        fn field<T: ?Sized + Serialize>(&mut self, _: &'static str, _: &T) {
            self.0 += 1;
        }
        #[inline]
        fn opt<T: ?Sized + Serialize + Omit>(&mut self, _: &'static str, value: &T) {
            self.0 += usize::from(!value.omitted());
        }
    }

    /// Writes the members; the first error is kept, and the members after it are not written.
    struct Out<S: Serializer> {
        state: S::SerializeStruct,
        error: Option<S::Error>,
    }

    impl<S: Serializer> Out<S> {
        fn keep(&mut self, result: Result<(), S::Error>) {
            if let Err(e) = result {
                self.error = Some(e);
            }
        }
    }

    impl<S: Serializer> Sink for Out<S> {
        #[inline]
        fn field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) {
            if self.error.is_none() {
                let result = self.state.serialize_field(key, value);
                self.keep(result);
            }
        }
        #[inline]
        fn opt<T: ?Sized + Serialize + Omit>(&mut self, key: &'static str, value: &T) {
            if self.error.is_none() {
                let result = if value.omitted() {
                    self.state.skip_field(key)
                } else {
                    self.state.serialize_field(key, value)
                };
                self.keep(result);
            }
        }
    }

    /// Writes struct `T`: its members, through [`Fields::write`], counted then written.
    pub fn write<T: Fields, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
        let mut count = Count(0);
        value.write(&mut count);
        let mut out = Out::<S> {
            state: s.serialize_struct(T::NAME, count.0)?,
            error: None,
        };
        value.write(&mut out);
        match out.error {
            None => out.state.end(),
            Some(e) => Err(e),
        }
    }

    // --- Reading ---------------------------------------------------------------------------

    /// [`Fields::SHAPE`]: the key may be missing (the member's default), and a sequence may end
    /// before it.
    pub const OPTIONAL: u8 = b'o';
    /// [`Fields::SHAPE`]: the key may be missing (the member is `None`), but a sequence may not
    /// end before it (a required nillable member, read as the derive reads an `Option` field
    /// without `default`).
    pub const NILLABLE: u8 = b'n';
    /// [`Fields::SHAPE`]: the key must be there.
    pub const REQUIRED: u8 = b'r';

    /// A struct read by [`read`].
    pub trait Fields: Sized {
        /// The struct's name (in `expecting` messages).
        const NAME: &'static str;
        /// The members' keys, in order.
        const KEYS: &'static [&'static str];
        /// Per member, how its key may be missing: [`OPTIONAL`], [`NILLABLE`] or [`REQUIRED`].
        const SHAPE: &'static [u8];
        /// Where the members are read into: the struct itself when it has a default value, else
        /// an `Option` per member.
        type Slots: Slots<Self>;
        /// Reads member `index` into its slot.
        fn field<'de, F: FieldIn<'de>>(slots: &mut Self::Slots, index: usize, value: F) -> Result<(), F::Error>;
        /// Writes the members, a call on `w` each.
        fn write<W: Sink>(&self, w: &mut W);
    }

    /// What [`Fields`] reads into, and how it becomes the struct once every required member is
    /// known to be there.
    pub trait Slots<T>: Sized {
        /// Every slot empty.
        fn new() -> Self;
        /// The struct.
        fn finish<E: de::Error>(self) -> Result<T, E>;
    }

    impl<T: Default> Slots<T> for T {
        fn new() -> T {
            T::default()
        }
        fn finish<E: de::Error>(self) -> Result<T, E> {
            Ok(self)
        }
    }

    /// The value of a required slot (`missing field` if empty).
    pub fn take<T, E: de::Error>(slot: Option<T>, key: &'static str) -> Result<T, E> {
        slot.ok_or_else(|| E::missing_field(key))
    }

    /// A member's value, from a map or a sequence.
    pub trait FieldIn<'de>: Sized {
        /// The format's error.
        type Error: de::Error;

        /// The value, or `None` if a sequence ended before it (the slot is left as it is).
        fn seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<Option<S::Value>, Self::Error>;

        /// Reads a value into `slot`.
        fn put<T: Deserialize<'de>>(self, slot: &mut T) -> Result<(), Self::Error> {
            set(slot, self.seed(PhantomData)?);
            Ok(())
        }
        /// Reads a value into `slot`, as `Some`.
        fn put_some<T: Deserialize<'de>>(self, slot: &mut Option<T>) -> Result<(), Self::Error> {
            set_some(slot, self.seed(PhantomData)?);
            Ok(())
        }
        /// Reads a credential through `serde_secret` into `slot`.
        fn secret<T: Deserialize<'de> + CredentialSlot>(self, slot: &mut T) -> Result<(), Self::Error> {
            set(slot, self.seed(SecretIn(PhantomData))?);
            Ok(())
        }
        /// Reads a credential through `serde_secret` into `slot`, as `Some`.
        fn secret_some<T: Deserialize<'de> + CredentialSlot>(self, slot: &mut Option<T>) -> Result<(), Self::Error> {
            set_some(slot, self.seed(SecretIn(PhantomData))?);
            Ok(())
        }
        /// Reads floats through `serde_float` into `slot`.
        fn float<T: FloatMember>(self, slot: &mut T) -> Result<(), Self::Error> {
            set(slot, self.seed(FloatIn(PhantomData))?);
            Ok(())
        }
        /// Reads floats through `serde_float` into `slot`, as `Some`.
        fn float_some<T: FloatMember>(self, slot: &mut Option<T>) -> Result<(), Self::Error> {
            set_some(slot, self.seed(FloatIn(PhantomData))?);
            Ok(())
        }
    }

    fn set<T>(slot: &mut T, value: Option<T>) {
        if let Some(v) = value {
            *slot = v;
        }
    }

    fn set_some<T>(slot: &mut Option<T>, value: Option<T>) {
        if value.is_some() {
            *slot = value;
        }
    }

    struct SecretIn<T>(PhantomData<T>);

    impl<'de, T: Deserialize<'de> + CredentialSlot> DeserializeSeed<'de> for SecretIn<T> {
        type Value = T;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
            super::serde_secret::deserialize(d)
        }
    }

    struct FloatIn<T>(PhantomData<T>);

    impl<'de, T: FloatMember> DeserializeSeed<'de> for FloatIn<T> {
        type Value = T;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
            T::read(d)
        }
    }

    struct MapValue<'a, A>(&'a mut A);

    impl<'de, A: MapAccess<'de>> FieldIn<'de> for MapValue<'_, A> {
        type Error = A::Error;
        fn seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<Option<S::Value>, A::Error> {
            self.0.next_value_seed(seed).map(Some)
        }
    }

    struct SeqValue<'a, A> {
        seq: &'a mut A,
        ended: &'a mut bool,
    }

    impl<'de, A: SeqAccess<'de>> FieldIn<'de> for SeqValue<'_, A> {
        type Error = A::Error;
        fn seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<Option<S::Value>, A::Error> {
            let value = self.seq.next_element_seed(seed)?;
            *self.ended = value.is_none();
            Ok(value)
        }
    }

    /// Reads struct `T`.
    pub fn read<'de, T: Fields, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
        debug_assert_eq!(T::KEYS.len(), T::SHAPE.len(), "{}: a shape per key", T::NAME);
        d.deserialize_struct(T::NAME, T::KEYS, StructVisitor(PhantomData))
    }

    struct StructVisitor<T>(PhantomData<T>);

    impl<'de, T: Fields> Visitor<'de> for StructVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "struct {}", T::NAME)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
            let mut slots = T::Slots::new();
            let mut seen = Seen::new(T::KEYS.len());
            // Keys usually come in order (they are written so): the one after the last is
            // tried first.
            let mut next = 0;
            while let Some(i) = map.next_key_seed(Key {
                keys: T::KEYS,
                next,
                variant: false,
            })? {
                if !seen.insert(i) {
                    return Err(de::Error::duplicate_field(T::KEYS[i]));
                }
                T::field(&mut slots, i, MapValue(&mut map))?;
                next = i + 1;
            }
            for (i, &shape) in T::SHAPE.iter().enumerate() {
                if shape == REQUIRED && !seen.contains(i) {
                    return Err(de::Error::missing_field(T::KEYS[i]));
                }
            }
            slots.finish()
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
            let mut slots = T::Slots::new();
            let mut ended = false;
            for (i, &shape) in T::SHAPE.iter().enumerate() {
                if !ended {
                    T::field(
                        &mut slots,
                        i,
                        SeqValue {
                            seq: &mut seq,
                            ended: &mut ended,
                        },
                    )?;
                }
                if ended && shape != OPTIONAL {
                    return Err(de::Error::invalid_length(i, &Elements(T::NAME, T::KEYS.len())));
                }
            }
            slots.finish()
        }
    }

    /// `struct X with N elements`, as the derive expects a sequence.
    struct Elements(&'static str, usize);

    impl de::Expected for Elements {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let s = if self.1 == 1 { "" } else { "s" };
            write!(f, "struct {} with {} element{s}", self.0, self.1)
        }
    }

    /// The members read so far.
    struct Seen {
        inline: [u64; 4],
        heap: Vec<u64>,
    }

    impl Seen {
        fn new(len: usize) -> Seen {
            Seen {
                inline: [0; 4],
                heap: if len > 256 {
                    vec![0; len.div_ceil(64)]
                } else {
                    Vec::new()
                },
            }
        }
        fn words(&mut self) -> &mut [u64] {
            if self.heap.is_empty() {
                &mut self.inline
            } else {
                &mut self.heap
            }
        }
        /// Marks `i` seen; `false` if it already was.
        fn insert(&mut self, i: usize) -> bool {
            let word = &mut self.words()[i / 64];
            let bit = 1 << (i % 64);
            let new = *word & bit == 0;
            *word |= bit;
            new
        }
        fn contains(&mut self, i: usize) -> bool {
            self.words()[i / 64] & (1 << (i % 64)) != 0
        }
    }

    /// An enum of newtype variants (a fault detail), read by [`read_variants`]: externally
    /// tagged, as the derive reads one.
    pub trait Variants: Sized {
        /// The enum's name (in `expecting` messages).
        const NAME: &'static str;
        /// The variants' keys, in order.
        const KEYS: &'static [&'static str];
        /// Reads variant `index`.
        fn variant<'de, A: de::VariantAccess<'de>>(index: usize, value: A) -> Result<Self, A::Error>;
    }

    /// Reads enum `T`.
    pub fn read_variants<'de, T: Variants, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
        d.deserialize_enum(T::NAME, T::KEYS, EnumVisitor(PhantomData))
    }

    /// The error of an enum without variants, whose keys match nothing (never returned).
    pub fn no_variant<E: de::Error>() -> E {
        E::custom("an enum without variants has no value")
    }

    struct EnumVisitor<T>(PhantomData<T>);

    impl<'de, T: Variants> Visitor<'de> for EnumVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "enum {}", T::NAME)
        }

        fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<T, A::Error> {
            let (i, value) = data.variant_seed(Key {
                keys: T::KEYS,
                next: 0,
                variant: true,
            })?;
            T::variant(i, value)
        }
    }

    /// A key: the index of its member (or variant).
    struct Key {
        keys: &'static [&'static str],
        next: usize,
        variant: bool,
    }

    impl Key {
        fn find(&self, key: &[u8]) -> Option<usize> {
            if self.keys.get(self.next).is_some_and(|k| k.as_bytes() == key) {
                return Some(self.next);
            }
            self.keys.iter().position(|k| k.as_bytes() == key)
        }

        fn unknown<E: de::Error>(&self, key: &str) -> E {
            if self.variant {
                E::unknown_variant(key, self.keys)
            } else {
                E::unknown_field(key, self.keys)
            }
        }
    }

    impl<'de> DeserializeSeed<'de> for Key {
        type Value = usize;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
            d.deserialize_identifier(self)
        }
    }

    impl Visitor<'_> for Key {
        type Value = usize;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(if self.variant {
                "variant identifier"
            } else {
                "field identifier"
            })
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<usize, E> {
            match usize::try_from(v) {
                Ok(i) if i < self.keys.len() => Ok(i),
                _ => {
                    let what = if self.variant { "variant" } else { "field" };
                    Err(E::invalid_value(
                        de::Unexpected::Unsigned(v),
                        &format!("{what} index 0 <= i < {}", self.keys.len()).as_str(),
                    ))
                }
            }
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<usize, E> {
            self.find(v.as_bytes()).ok_or_else(|| self.unknown(v))
        }

        fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<usize, E> {
            self.find(v).ok_or_else(|| self.unknown(&String::from_utf8_lossy(v)))
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    use super::*;

    fn json<T: Serialize>(v: &T) -> String {
        serde_json::to_string(v).unwrap_or_else(|e| panic!("{e}"))
    }

    fn back<T: for<'de> Deserialize<'de>>(s: &str) -> Result<T, String> {
        serde_json::from_str(s).map_err(|e| e.to_string())
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Holder {
        #[serde(default, skip_serializing_if = "Nillable::is_absent")]
        n: Nillable<i32>,
    }

    #[test]
    fn nillable_keeps_absent_nil_and_value_apart() {
        for (v, text) in [
            (Nillable::Absent, "{}"),
            (Nillable::Nil, r#"{"n":null}"#),
            (Nillable::Value(0), r#"{"n":0}"#),
        ] {
            let h = Holder { n: v };
            assert_eq!(json(&h), text);
            assert_eq!(back::<Holder>(text).unwrap(), h);
        }
        let absent = serde_json::to_string(&Nillable::<i32>::Absent).unwrap_err();
        assert!(absent.to_string().contains("leave its key out"), "{absent}");
    }

    #[test]
    fn lexical_values_are_their_exact_text() {
        let d: Decimal = "1200.0000".parse().unwrap();
        assert_eq!(json(&d), r#""1200.0000""#);
        assert_eq!(back::<Decimal>(r#""1200.0000""#).unwrap(), d);
        let e = back::<Decimal>("1200.5").unwrap_err();
        assert!(e.contains("xs:decimal as a string"), "{e}");
        let e = back::<Decimal>(r#""12,5""#).unwrap_err();
        assert!(e.contains("not a valid xs:decimal") && !e.contains("12,5"), "{e}");

        for s in [
            "2021-10-05T13:45:10.1230000",
            "2021-10-05T13:45:10Z",
            "2021-10-05T13:45:10-05:00",
        ] {
            let quoted = format!("\"{s}\"");
            let v: DateTime = back(&quoted).unwrap();
            assert_eq!(json(&v), quoted);
        }
        let i: Integer = back(r#""+007""#).unwrap();
        assert_eq!(json(&i), r#""+007""#);
        assert!(back::<PositiveInteger>(r#""0""#).is_err());
        let p: Duration = back(r#""P1DT2.5S""#).unwrap();
        assert_eq!(json(&p), r#""P1DT2.5S""#);
        let g: GMonth = back(r#""--05--""#).unwrap();
        assert_eq!(json(&g), r#""--05--""#);
    }

    #[test]
    fn bytes_are_base64_whichever_their_xml_form() {
        let b = Base64Binary(b"foobar".to_vec());
        assert_eq!(json(&b), r#""Zm9vYmFy""#);
        assert_eq!(back::<Base64Binary>(r#""Zm9vYmFy""#).unwrap(), b);
        let h = HexBinary(vec![0, 0xFF]);
        assert_eq!(json(&h), r#""AP8=""#);
        assert_eq!(back::<HexBinary>(r#""AP8=""#).unwrap(), h);
        assert!(back::<Base64Binary>(r#""Zm9""#)
            .unwrap_err()
            .contains("xs:base64Binary"));
        assert!(back::<Base64Binary>("[1,2]").is_err());
    }

    #[test]
    fn qnames_are_clark_notation() {
        let q = QNameValue::new("urn:x}y", "Busy");
        assert_eq!(json(&q), r#""{urn:x}y}Busy""#);
        assert_eq!(back::<QNameValue>(&json(&q)).unwrap(), q);
        let local = QNameValue::new("", "Busy");
        assert_eq!(back::<QNameValue>(&json(&local)).unwrap(), local);
        for bad in [r#""""#, r#""{}Busy""#, r#""{urn:x}""#, r#""a:b""#, r#""{urn:x""#] {
            assert!(back::<QNameValue>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn wcf_chars_are_code_units() {
        assert_eq!(json(&WcfChar(0xD800)), "55296");
        assert_eq!(back::<WcfChar>("65").unwrap(), WcfChar(65));
        assert!(back::<WcfChar>("65536").is_err());
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Floats {
        #[serde(with = "serde_float")]
        one: f64,
        #[serde(default, skip_serializing_if = "Option::is_none", with = "serde_float")]
        opt: Option<f32>,
        #[serde(default, skip_serializing_if = "Nillable::is_absent", with = "serde_float")]
        nil: Nillable<Vec<Option<f64>>>,
    }

    #[test]
    fn floats_keep_nan_and_infinities() {
        let v = Floats {
            one: f64::NEG_INFINITY,
            opt: Some(f32::INFINITY),
            nil: Nillable::Value(vec![Some(1.5), None, Some(f64::NAN)]),
        };
        let text = json(&v);
        assert_eq!(text, r#"{"one":"-INF","opt":"INF","nil":[1.5,null,"NaN"]}"#);
        let read: Floats = back(&text).unwrap();
        assert_eq!(read.one, f64::NEG_INFINITY);
        assert_eq!(read.opt, Some(f32::INFINITY));
        let Nillable::Value(items) = &read.nil else {
            panic!("{read:?}")
        };
        assert!(items[0] == Some(1.5) && items[1].is_none() && items[2].is_some_and(f64::is_nan));
        let plain: Floats = back(r#"{"one":3,"opt":0.1}"#).unwrap();
        assert_eq!((plain.one, plain.opt, plain.nil), (3.0, Some(0.1f32), Nillable::Absent));
        assert!(back::<Floats>(r#"{"one":"nan"}"#).is_err());
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Secrets {
        #[serde(with = "serde_secret")]
        plain: String,
        #[serde(default, skip_serializing_if = "Option::is_none", with = "serde_secret")]
        opt: Option<String>,
        #[serde(default, skip_serializing_if = "Nillable::is_absent", with = "serde_secret")]
        nil: Nillable<String>,
    }

    #[test]
    fn secrets_are_written_masked_and_the_mask_is_not_read_back() {
        let set = Secrets {
            plain: "invented-key".into(),
            opt: Some("invented-user".into()),
            nil: Nillable::Value("invented-password".into()),
        };
        let text = json(&set);
        assert_eq!(text, r#"{"plain":"***","opt":"***","nil":"***"}"#);
        let e = back::<Secrets>(&text).unwrap_err();
        assert!(e.contains("masked credential"), "{e}");

        let unset = Secrets {
            plain: String::new(),
            opt: None,
            nil: Nillable::Nil,
        };
        assert_eq!(json(&unset), r#"{"plain":"","nil":null}"#);
        assert_eq!(back::<Secrets>(&json(&unset)).unwrap(), unset);
        let given: Secrets = back(r#"{"plain":"k","opt":"u","nil":"p"}"#).unwrap();
        assert_eq!(given.nil, Nillable::Value("p".into()));
    }
}

/// The generated impls' JSON against the derive's: the same struct twice, once derived with the
/// attributes the generator used to emit, once with the impls it emits now (written here as it
/// writes them), must write the same text and read every input alike: the same value, or the
/// same error message.
#[cfg(test)]
mod derive_parity {
    use serde::{Deserialize, Serialize};

    use super::serde_struct::{self, FieldIn, Fields, Float, Slots};
    use super::{serde_float, serde_secret};
    use crate::xml::{Masked, Nillable};

    /// Every shape and codec, in a struct with a default value (read in place).
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Derived {
        #[serde(rename = "Req")]
        req: String,
        #[serde(rename = "ReqNil")]
        req_nil: Option<i32>,
        #[serde(rename = "Opt", default, skip_serializing_if = "Option::is_none")]
        opt: Option<String>,
        #[serde(rename = "OptNil", default, skip_serializing_if = "Nillable::is_absent")]
        opt_nil: Nillable<i32>,
        #[serde(rename = "Many", default)]
        many: Vec<i32>,
        #[serde(
            rename = "Key",
            default,
            skip_serializing_if = "Nillable::is_absent",
            with = "serde_secret"
        )]
        key: Nillable<String>,
        #[serde(rename = "ReqKey", with = "serde_secret")]
        req_key: Option<String>,
        #[serde(rename = "F", with = "serde_float")]
        f: f64,
        #[serde(
            rename = "FOpt",
            default,
            skip_serializing_if = "Option::is_none",
            with = "serde_float"
        )]
        f_opt: Option<f32>,
        #[serde(rename = "FMany", default, with = "serde_float")]
        f_many: Vec<f64>,
    }

    #[derive(Debug, Clone, PartialEq, Default)]
    struct Generated {
        req: String,
        req_nil: Option<i32>,
        opt: Option<String>,
        opt_nil: Nillable<i32>,
        many: Vec<i32>,
        key: Nillable<String>,
        req_key: Option<String>,
        f: f64,
        f_opt: Option<f32>,
        f_many: Vec<f64>,
    }

    impl Serialize for Generated {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            serde_struct::write(self, s)
        }
    }

    impl<'de> Deserialize<'de> for Generated {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            serde_struct::read(d)
        }
    }

    impl Fields for Generated {
        const NAME: &'static str = "Generated";
        const KEYS: &'static [&'static str] = &[
            "Req", "ReqNil", "Opt", "OptNil", "Many", "Key", "ReqKey", "F", "FOpt", "FMany",
        ];
        const SHAPE: &'static [u8] = b"rnoooorroo";
        type Slots = Self;
        fn field<'de, F: FieldIn<'de>>(x: &mut Self::Slots, i: usize, f: F) -> Result<(), F::Error> {
            match i {
                0 => f.put(&mut x.req),
                1 => f.put(&mut x.req_nil),
                2 => f.put(&mut x.opt),
                3 => f.put(&mut x.opt_nil),
                4 => f.put(&mut x.many),
                5 => f.secret(&mut x.key),
                6 => f.secret(&mut x.req_key),
                7 => f.float(&mut x.f),
                8 => f.float(&mut x.f_opt),
                _ => f.float(&mut x.f_many),
            }
        }
        fn write<W: serde_struct::Sink>(&self, w: &mut W) {
            w.field("Req", &self.req);
            w.field("ReqNil", &self.req_nil);
            w.opt("Opt", &self.opt);
            w.opt("OptNil", &self.opt_nil);
            w.field("Many", &self.many);
            w.opt("Key", &Masked(&self.key));
            w.field("ReqKey", &Masked(&self.req_key));
            w.field("F", &Float(&self.f));
            w.opt("FOpt", &Float(&self.f_opt));
            w.field("FMany", &Float(&self.f_many));
        }
    }

    /// A member type without a default value.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Code(u8);

    /// A struct without a default value (read into an `Option` per member).
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct DerivedStrict {
        #[serde(rename = "Code")]
        code: Code,
        #[serde(rename = "Note")]
        note: Option<String>,
        #[serde(rename = "Opt", default, skip_serializing_if = "Option::is_none")]
        opt: Option<Code>,
        #[serde(rename = "Key", with = "serde_secret")]
        key: String,
        #[serde(rename = "F", with = "serde_float")]
        f: Option<f64>,
        #[serde(rename = "Many", default)]
        many: Vec<Code>,
    }

    #[derive(Debug, Clone, PartialEq)]
    struct GeneratedStrict {
        code: Code,
        note: Option<String>,
        opt: Option<Code>,
        key: String,
        f: Option<f64>,
        many: Vec<Code>,
    }

    impl Serialize for GeneratedStrict {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            serde_struct::write(self, s)
        }
    }

    impl<'de> Deserialize<'de> for GeneratedStrict {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            serde_struct::read(d)
        }
    }

    type StrictSlots = (
        Option<Code>,
        Option<Option<String>>,
        Option<Option<Code>>,
        Option<String>,
        Option<Option<f64>>,
        Option<Vec<Code>>,
    );

    impl Fields for GeneratedStrict {
        const NAME: &'static str = "GeneratedStrict";
        const KEYS: &'static [&'static str] = &["Code", "Note", "Opt", "Key", "F", "Many"];
        const SHAPE: &'static [u8] = b"rnorro";
        type Slots = StrictSlots;
        fn field<'de, F: FieldIn<'de>>(x: &mut Self::Slots, i: usize, f: F) -> Result<(), F::Error> {
            match i {
                0 => f.put_some(&mut x.0),
                1 => f.put_some(&mut x.1),
                2 => f.put_some(&mut x.2),
                3 => f.secret_some(&mut x.3),
                4 => f.float_some(&mut x.4),
                _ => f.put_some(&mut x.5),
            }
        }
        fn write<W: serde_struct::Sink>(&self, w: &mut W) {
            w.field("Code", &self.code);
            w.field("Note", &self.note);
            w.opt("Opt", &self.opt);
            w.field("Key", &Masked(&self.key));
            w.field("F", &Float(&self.f));
            w.field("Many", &self.many);
        }
    }

    impl Slots<GeneratedStrict> for StrictSlots {
        fn new() -> Self {
            (None, None, None, None, None, None)
        }
        fn finish<E: serde::de::Error>(self) -> Result<GeneratedStrict, E> {
            Ok(GeneratedStrict {
                code: serde_struct::take(self.0, "Code")?,
                note: self.1.unwrap_or_default(),
                opt: self.2.unwrap_or_default(),
                key: serde_struct::take(self.3, "Key")?,
                f: serde_struct::take(self.4, "F")?,
                many: self.5.unwrap_or_default(),
            })
        }
    }

    /// A fault detail enum.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    enum DerivedFault {
        #[serde(rename = "NotFound")]
        NotFound(DerivedStrict),
        #[serde(rename = "Denied")]
        Denied(Derived),
    }

    #[derive(Debug, Clone, PartialEq)]
    enum GeneratedFault {
        NotFound(GeneratedStrict),
        Denied(Generated),
    }

    impl Serialize for GeneratedFault {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            match self {
                Self::NotFound(v) => s.serialize_newtype_variant("GeneratedFault", 0u32, "NotFound", v),
                Self::Denied(v) => s.serialize_newtype_variant("GeneratedFault", 1u32, "Denied", v),
            }
        }
    }

    impl<'de> Deserialize<'de> for GeneratedFault {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            serde_struct::read_variants(d)
        }
    }

    impl serde_struct::Variants for GeneratedFault {
        const NAME: &'static str = "GeneratedFault";
        const KEYS: &'static [&'static str] = &["NotFound", "Denied"];
        fn variant<'de, A: serde::de::VariantAccess<'de>>(index: usize, value: A) -> Result<Self, A::Error> {
            match index {
                0 => serde::de::VariantAccess::newtype_variant(value).map(Self::NotFound),
                _ => serde::de::VariantAccess::newtype_variant(value).map(Self::Denied),
            }
        }
    }

    /// An empty fault detail enum (the real contract's).
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    enum DerivedNone {}

    #[derive(Debug, Clone, PartialEq)]
    enum GeneratedNone {}

    impl Serialize for GeneratedNone {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            match *self {}
        }
    }

    impl<'de> Deserialize<'de> for GeneratedNone {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            serde_struct::read_variants(d)
        }
    }

    impl serde_struct::Variants for GeneratedNone {
        const NAME: &'static str = "GeneratedNone";
        const KEYS: &'static [&'static str] = &[];
        fn variant<'de, A: serde::de::VariantAccess<'de>>(_: usize, _: A) -> Result<Self, A::Error> {
            Err(serde_struct::no_variant())
        }
    }

    /// The type names differ (`Derived` against `Generated`): messages are compared with the
    /// generated names put back.
    fn unify(text: String) -> String {
        text.replace("DerivedStrict", "GeneratedStrict")
            .replace("DerivedFault", "GeneratedFault")
            .replace("DerivedNone", "GeneratedNone")
            .replace("struct Derived", "struct Generated")
    }

    /// What reading `text` gives: the value's `Debug` form, or the error.
    fn outcome<T: for<'de> Deserialize<'de> + std::fmt::Debug>(text: &str) -> String {
        let from_str = match serde_json::from_str::<T>(text) {
            Ok(v) => format!("{v:?}"),
            Err(e) => format!("error: {e}"),
        };
        // Through `serde_json::Value` too: another deserializer, keys always owned.
        let from_value = match serde_json::from_str::<serde_json::Value>(text) {
            Ok(value) => match serde_json::from_value::<T>(value) {
                Ok(v) => format!("{v:?}"),
                Err(e) => format!("error: {e}"),
            },
            Err(e) => format!("not JSON: {e}"),
        };
        unify(format!("{from_str}\n{from_value}")).replace("Derived {", "Generated {")
    }

    fn same_reading<D, G>(inputs: &[&str])
    where
        D: for<'de> Deserialize<'de> + std::fmt::Debug,
        G: for<'de> Deserialize<'de> + std::fmt::Debug,
    {
        for text in inputs {
            let derived = outcome::<D>(text);
            let generated = outcome::<G>(text);
            if std::env::var_os("SHOW_PARITY").is_some() {
                println!("{text}\n  {}", derived.replace('\n', "\n  "));
            }
            assert_eq!(generated, derived, "reading {text}");
        }
    }

    const FULL: &str = r#"{"Req":"r","ReqNil":1,"Opt":"o","OptNil":2,"Many":[3],"Key":"k","ReqKey":"q","F":"NaN","FOpt":0.5,"FMany":["INF",1]}"#;

    #[test]
    fn structs_read_alike() {
        let inputs = [
            FULL,
            r#"{"Req":"r","ReqKey":null,"F":1}"#,
            r#"{"F":1,"ReqKey":"q","Req":"r"}"#,
            r#"{"Req":"r","ReqNil":null,"Opt":null,"OptNil":null,"Many":[],"Key":null,"ReqKey":null,"F":-1.5,"FOpt":null,"FMany":[]}"#,
            // Missing required members, in turn.
            r#"{"ReqKey":null,"F":1}"#,
            r#"{"Req":"r","F":1}"#,
            r#"{"Req":"r","ReqKey":null}"#,
            "{}",
            // Nulls where values are required.
            r#"{"Req":null,"ReqKey":null,"F":1}"#,
            r#"{"Req":"r","ReqKey":null,"F":null}"#,
            r#"{"Req":"r","ReqKey":null,"F":1,"Many":null}"#,
            // Duplicates, unknown keys, wrong types, the mask.
            r#"{"Req":"r","Req":"s","ReqKey":null,"F":1}"#,
            r#"{"Req":"r","ReqKey":null,"F":1,"OptNil":1,"OptNil":null}"#,
            r#"{"Req":"r","ReqKey":null,"F":1,"req":"x"}"#,
            r#"{"Req":"r","ReqKey":null,"F":1,"":0}"#,
            r#"{"Req":"r","ReqKey":null,"F":"nan"}"#,
            r#"{"Req":5,"ReqKey":null,"F":1}"#,
            r#"{"Req":"r","ReqKey":"***","F":1}"#,
            r#"{"Req":"r","ReqKey":null,"F":1,"Key":"***"}"#,
            r#"{"Re\u0071":"escaped key","ReqKey":null,"F":1}"#,
            // Not objects: sequences (members in order), and other values.
            r#"["r",1,"o",2,[3],"k","q",1.5,0.5,[1]]"#,
            r#"["r",1,"o",2,[3],"k","q",1.5,0.5,[1],"extra"]"#,
            r#"["r",null,null,null,[],null,null,1]"#,
            r#"["r",null,null,null,[],null,null]"#,
            r#"["r"]"#,
            "[]",
            "null",
            "5",
            r#""text""#,
        ];
        same_reading::<Derived, Generated>(&inputs);
        let strict = [
            r#"{"Code":1,"Note":"n","Opt":2,"Key":"k","F":"-INF","Many":[3]}"#,
            r#"{"Code":1,"Key":"k","F":null}"#,
            r#"{"Code":1,"Key":"k"}"#,
            r#"{"Code":1,"F":null}"#,
            r#"{"Key":"k","F":null}"#,
            r#"{"Code":1,"Key":"***","F":null}"#,
            r#"{"Code":1,"Code":1,"Key":"k","F":null}"#,
            r#"{"Code":1,"Key":"k","F":null,"Other":1}"#,
            r#"{"Code":null,"Key":"k","F":null}"#,
            r#"[1,"n",2,"k",0.25,[3]]"#,
            r#"[1,"n",2,"k",0.25]"#,
            r#"[1,"n",2,"k"]"#,
            r#"[1,"n"]"#,
            r#"[1]"#,
            "[]",
            "{}",
        ];
        same_reading::<DerivedStrict, GeneratedStrict>(&strict);
        let faults = [
            r#"{"Denied":{"Req":"r","ReqKey":null,"F":1}}"#,
            r#"{"NotFound":{"Code":1,"Key":"k","F":null}}"#,
            r#"{"NotFound":{"Code":1}}"#,
            r#"{"Other":{}}"#,
            r#""Denied""#,
            r#"{"Denied":{"Req":"r","ReqKey":null,"F":1},"NotFound":{}}"#,
            "{}",
            "null",
            "[]",
        ];
        same_reading::<DerivedFault, GeneratedFault>(&faults);
        same_reading::<DerivedNone, GeneratedNone>(&faults);
    }

    fn same_writing<D: Serialize, G: Serialize>(derived: &D, generated: &G) {
        let d = serde_json::to_string(derived).map_err(|e| e.to_string());
        let g = serde_json::to_string(generated).map_err(|e| e.to_string());
        assert_eq!(g, d);
        let d = serde_json::to_value(derived).map_err(|e| e.to_string());
        let g = serde_json::to_value(generated).map_err(|e| e.to_string());
        assert_eq!(g, d);
    }

    #[test]
    fn structs_write_alike() {
        let full = serde_json::from_str::<Derived>(FULL).unwrap();
        let full_generated = serde_json::from_str::<Generated>(FULL).unwrap();
        for (d, g) in [
            (Derived::default(), Generated::default()),
            (full.clone(), full_generated.clone()),
            (
                Derived {
                    key: Nillable::Nil,
                    req_key: Some(String::new()),
                    f: f64::NEG_INFINITY,
                    f_opt: Some(f32::NAN),
                    opt_nil: Nillable::Nil,
                    ..full
                },
                Generated {
                    key: Nillable::Nil,
                    req_key: Some(String::new()),
                    f: f64::NEG_INFINITY,
                    f_opt: Some(f32::NAN),
                    opt_nil: Nillable::Nil,
                    ..full_generated
                },
            ),
        ] {
            same_writing(&d, &g);
        }
        // An absent nillable reaching the serializer through a non-skipped path fails alike.
        let strict = r#"{"Code":1,"Note":"n","Opt":2,"Key":"k","F":"-INF","Many":[3]}"#;
        let d: DerivedStrict = serde_json::from_str(strict).unwrap();
        let g: GeneratedStrict = serde_json::from_str(strict).unwrap();
        same_writing(&d, &g);
        let (d, g) = (
            DerivedStrict {
                opt: None,
                note: None,
                f: None,
                key: String::new(),
                ..d
            },
            GeneratedStrict {
                opt: None,
                note: None,
                f: None,
                key: String::new(),
                ..g
            },
        );
        same_writing(&d, &g);
        same_writing(&DerivedFault::NotFound(d), &GeneratedFault::NotFound(g));
        same_writing(
            &DerivedFault::Denied(Derived::default()),
            &GeneratedFault::Denied(Generated::default()),
        );
    }
}
