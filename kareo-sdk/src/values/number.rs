//! Money, integers and flags in the forms Kareo writes: `1200.0000`, `42`, `True`.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

use super::{writes_as, InvalidValue, TextValue};

/// Money: `1200.00`, `1200.0000`, `-12.5`. The [`Decimal`] keeps the scale it was written with
/// (`1200.0000` has four fractional digits, and writes them back).
///
/// Read: an optional `-`, digits, and optionally `.` and digits, within `Decimal`'s range (at most
/// 28 fractional digits, magnitude below 2^96).
/// Refused: a `+` sign, leading zeros (`007.50`), a bare `.5`, exponents, thousands separators
/// and currency signs, and `-0` (none of them writes back unchanged).
impl TextValue for Decimal {
    const KIND: &'static str = "money";
    const FORMS: &'static str = "digits with an optional '-' and decimal point, e.g. 1200.00";

    fn parse_text(text: &str) -> Result<Self, &'static str> {
        let digits = text.strip_prefix('-').unwrap_or(text);
        let (int, frac) = digits.split_once('.').unwrap_or((digits, "0"));
        if int.is_empty() || frac.is_empty() || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
            return Err("expected digits with an optional '-' and decimal point");
        }
        let v = Decimal::from_str_exact(text).map_err(|_| "more digits than 28, or out of range")?;
        if !writes_as(&v, text) {
            return Err("not in a form that writes back unchanged (a leading zero, or -0)");
        }
        Ok(v)
    }
}

/// Integers (`42`, `-7`), in the range of `i64`.
///
/// Refused: a `+` sign, leading zeros (`007`) and `-0`, which would write back differently
/// (the record keeps the text).
impl TextValue for i64 {
    const KIND: &'static str = "integer";
    const FORMS: &'static str = "digits with an optional '-'";

    fn parse_text(text: &str) -> Result<Self, &'static str> {
        let digits = text.strip_prefix('-').unwrap_or(text);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err("expected digits with an optional '-'");
        }
        let v: i64 = text.parse().map_err(|_| "out of the range of a 64-bit integer")?;
        if !writes_as(&v, text) {
            return Err("not in a form that writes back unchanged (a leading zero, or -0)");
        }
        Ok(v)
    }
}

/// How a flag is spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Spelling {
    /// `True`/`False` (.NET's `bool.ToString()`).
    Title,
    /// `true`/`false` (`xs:boolean`).
    Lower,
    /// `1`/`0` (`xs:boolean`).
    Digit,
}

/// A flag Kareo wrote as text: `True`, `False`, `true`, `false` (and `xs:boolean`'s `1`, `0`),
/// with its spelling kept so that it writes back unchanged.
///
/// Two values are equal when they write the same text; compare [`get`](Self::get) for what
/// they mean. Built from a `bool`, it writes `true`/`false`, which the service reads (as .NET's
/// `bool.Parse` does, in any case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KareoFlag {
    value: bool,
    spelling: Spelling,
}

impl KareoFlag {
    /// The flag, written `true` or `false`.
    pub fn new(value: bool) -> KareoFlag {
        KareoFlag {
            value,
            spelling: Spelling::Lower,
        }
    }

    /// What the flag says.
    pub fn get(&self) -> bool {
        self.value
    }
}

impl From<bool> for KareoFlag {
    /// As [`KareoFlag::new`].
    fn from(value: bool) -> Self {
        KareoFlag::new(value)
    }
}

impl From<KareoFlag> for bool {
    fn from(f: KareoFlag) -> bool {
        f.value
    }
}

impl fmt::Display for KareoFlag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match (self.spelling, self.value) {
            (Spelling::Title, true) => "True",
            (Spelling::Title, false) => "False",
            (Spelling::Lower, true) => "true",
            (Spelling::Lower, false) => "false",
            (Spelling::Digit, true) => "1",
            (Spelling::Digit, false) => "0",
        })
    }
}

impl TextValue for KareoFlag {
    const KIND: &'static str = "flag";
    const FORMS: &'static str = "True, False, true, false, 1 or 0";

    fn parse_text(text: &str) -> Result<Self, &'static str> {
        let (value, spelling) = match text {
            "True" => (true, Spelling::Title),
            "False" => (false, Spelling::Title),
            "true" => (true, Spelling::Lower),
            "false" => (false, Spelling::Lower),
            "1" => (true, Spelling::Digit),
            "0" => (false, Spelling::Digit),
            _ => return Err("expected True, False, true, false, 1 or 0"),
        };
        Ok(KareoFlag { value, spelling })
    }
}

impl FromStr for KareoFlag {
    type Err = InvalidValue;

    /// As [`TextValue::parse_value`].
    fn from_str(s: &str) -> Result<Self, InvalidValue> {
        Self::parse_value(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_keeps_its_scale() {
        for s in [
            "1200.00",
            "1200.0000",
            "0",
            "0.00",
            "-12.5",
            "79228162514264337593543950335",
            "0.0000000000000000000000000001",
        ] {
            let v = Decimal::parse_text(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(v.to_string(), s);
        }
        assert_eq!(Decimal::parse_text("1200.0000").unwrap().scale(), 4);
        for s in [
            "",
            "-",
            "+5",
            "007.50",
            ".5",
            "5.",
            "1e3",
            "1,200.00",
            "$5",
            "-0",
            "-0.00",
            "1.2.3",
            " 5",
            "79228162514264337593543950336",
        ] {
            assert!(Decimal::parse_text(s).is_err(), "{s:?} parsed");
        }
    }

    #[test]
    fn integers_are_canonical() {
        assert_eq!(i64::parse_text("42"), Ok(42));
        assert_eq!(i64::parse_text("-7"), Ok(-7));
        assert_eq!(i64::parse_text("-9223372036854775808"), Ok(i64::MIN));
        for s in ["", "-", "+1", "007", "-0", "1.0", "9223372036854775808", " 1"] {
            assert!(i64::parse_text(s).is_err(), "{s:?} parsed");
        }
    }

    #[test]
    fn flags_keep_their_spelling() {
        for s in ["True", "False", "true", "false", "1", "0"] {
            assert_eq!(KareoFlag::parse_text(s).unwrap().to_string(), s);
        }
        assert!(KareoFlag::parse_text("True").unwrap().get());
        assert_ne!(KareoFlag::parse_text("True"), KareoFlag::parse_text("true"));
        assert_eq!(KareoFlag::from(false).to_string(), "false");
        for s in ["TRUE", "yes", "", " true"] {
            assert!(KareoFlag::parse_text(s).is_err(), "{s:?} parsed");
        }
    }
}
