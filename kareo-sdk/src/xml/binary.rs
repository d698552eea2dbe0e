//! Binary values: [`Base64Binary`] (`xs:base64Binary`) and [`HexBinary`] (`xs:hexBinary`).
//!
//! Both hold the bytes; their wire text is written by a small codec here (standard base64
//! alphabet with `=` padding, upper-case hexadecimal) and read back strictly: XML whitespace is
//! allowed anywhere inside a base64 value (its lexical space collapses whitespace), anything
//! else outside the alphabet is a [`ValueError`] that never quotes the text.

use std::borrow::Cow;
use std::fmt;

use super::values::{invalid, SimpleValue, ValueError};

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_TYPE: &str = "xs:base64Binary";

/// An `xs:base64Binary` value: the bytes, sent as base64 (standard alphabet, padded).
///
/// `Debug` shows the length, never the content (a document may be megabytes of patient data).
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Base64Binary(pub Vec<u8>);

impl Base64Binary {
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The bytes, by value.
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }
}

impl fmt::Debug for Base64Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Base64Binary({} bytes)", self.0.len())
    }
}

impl From<Vec<u8>> for Base64Binary {
    fn from(v: Vec<u8>) -> Self {
        Base64Binary(v)
    }
}

impl From<&[u8]> for Base64Binary {
    fn from(v: &[u8]) -> Self {
        Base64Binary(v.to_vec())
    }
}

impl AsRef<[u8]> for Base64Binary {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// The length of the base64 text of `n` bytes.
pub(crate) fn base64_len(n: usize) -> usize {
    n.div_ceil(3) * 4
}

/// Appends the base64 text of `bytes` to `out` (no second copy of the data is built).
pub(crate) fn base64_encode_into(out: &mut String, bytes: &[u8]) {
    out.reserve(base64_len(bytes.len()));
    let mut chunks = bytes.chunks_exact(3);
    let sym = |v: u32, shift: u32| char::from(B64[((v >> shift) & 63) as usize]);
    for c in &mut chunks {
        let v = u32::from(c[0]) << 16 | u32::from(c[1]) << 8 | u32::from(c[2]);
        for shift in [18, 12, 6, 0] {
            out.push(sym(v, shift));
        }
    }
    match *chunks.remainder() {
        [a] => {
            let v = u32::from(a) << 16;
            out.push(sym(v, 18));
            out.push(sym(v, 12));
            out.push_str("==");
        }
        [a, b] => {
            let v = u32::from(a) << 16 | u32::from(b) << 8;
            out.push(sym(v, 18));
            out.push(sym(v, 12));
            out.push(sym(v, 6));
            out.push('=');
        }
        _ => {}
    }
}

fn sextet(b: u8) -> Option<u8> {
    Some(match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    })
}

/// Decodes base64 text, skipping XML whitespace (space, tab, line feed, carriage return).
///
/// Follows the XSD 1.0 lexical space: the symbols (whitespace aside) come in groups of four,
/// `=` pads only the last group (one or two of them), and the bits a padded group does not
/// use are zero (otherwise the text would not be the one the bytes are written as).
pub(crate) fn base64_decode(text: &str) -> Result<Vec<u8>, ValueError> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut group = [0u8; 4];
    let mut n = 0;
    let mut pad = 0;
    for &b in text.as_bytes() {
        if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
            continue;
        }
        if pad > 0 && b != b'=' {
            return Err(invalid(B64_TYPE, "data after the `=` padding"));
        }
        if b == b'=' {
            if n < 2 {
                return Err(invalid(B64_TYPE, "misplaced `=` padding"));
            }
            pad += 1;
            group[n] = 0;
        } else {
            group[n] = sextet(b).ok_or_else(|| invalid(B64_TYPE, "a character outside the base64 alphabet"))?;
        }
        n += 1;
        if n == 4 {
            let v =
                u32::from(group[0]) << 18 | u32::from(group[1]) << 12 | u32::from(group[2]) << 6 | u32::from(group[3]);
            let bytes = [(v >> 16) as u8, (v >> 8) as u8, v as u8];
            let keep = 3 - pad;
            let unused = match pad {
                1 => v & 0xFF,
                2 => v & 0xFFFF,
                _ => 0,
            };
            if unused != 0 {
                return Err(invalid(B64_TYPE, "non-zero unused bits before the padding"));
            }
            out.extend_from_slice(&bytes[..keep]);
            n = 0;
            if pad > 0 {
                // Only whitespace may follow a padded group.
                pad = 3;
            }
        }
    }
    if n != 0 {
        return Err(invalid(B64_TYPE, "length is not a multiple of four symbols"));
    }
    Ok(out)
}

impl SimpleValue for Base64Binary {
    fn to_text(&self) -> Cow<'_, str> {
        let mut s = String::new();
        base64_encode_into(&mut s, &self.0);
        Cow::Owned(s)
    }
    fn parse_text(text: &str) -> Result<Self, ValueError> {
        base64_decode(text).map(Base64Binary)
    }
}

/// An `xs:hexBinary` value: the bytes, sent as upper-case hexadecimal (two digits a byte).
///
/// Reading accepts either case. `Debug` shows the length, never the content.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct HexBinary(pub Vec<u8>);

impl fmt::Debug for HexBinary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HexBinary({} bytes)", self.0.len())
    }
}

impl From<Vec<u8>> for HexBinary {
    fn from(v: Vec<u8>) -> Self {
        HexBinary(v)
    }
}

impl AsRef<[u8]> for HexBinary {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl SimpleValue for HexBinary {
    fn to_text(&self) -> Cow<'_, str> {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        let mut s = String::with_capacity(self.0.len() * 2);
        for &b in &self.0 {
            s.push(char::from(HEX[usize::from(b >> 4)]));
            s.push(char::from(HEX[usize::from(b & 15)]));
        }
        Cow::Owned(s)
    }
    fn parse_text(text: &str) -> Result<Self, ValueError> {
        let t = text.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r')).as_bytes();
        let digit = |b: u8| {
            char::from(b)
                .to_digit(16)
                .ok_or_else(|| invalid("xs:hexBinary", "a character that is not a hexadecimal digit"))
        };
        if t.len() % 2 != 0 {
            return Err(invalid("xs:hexBinary", "an odd number of hexadecimal digits"));
        }
        t.chunks_exact(2)
            .map(|p| Ok((digit(p[0])? * 16 + digit(p[1])?) as u8))
            .collect::<Result<Vec<u8>, ValueError>>()
            .map(HexBinary)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(b: &[u8]) -> String {
        let mut s = String::new();
        base64_encode_into(&mut s, b);
        s
    }

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(enc(plain.as_bytes()), coded);
            assert_eq!(base64_decode(coded).unwrap(), plain.as_bytes());
            assert_eq!(base64_len(plain.len()), coded.len());
        }
        assert_eq!(enc(&[0xFB, 0xFF, 0xBF]), "+/+/");
    }

    #[test]
    fn base64_tolerates_xml_whitespace_anywhere() {
        for coded in ["Zm9v\nYmFy", " Zm9vYmFy ", "Zm 9v\r\nYm\tFy", "Zm9vYg= =", "Zm9vYg==\n"] {
            let got = base64_decode(coded).unwrap();
            assert!(got == b"foobar" || got == b"foob", "{coded}");
        }
    }

    #[test]
    fn base64_rejects_what_is_not_in_the_lexical_space() {
        for coded in [
            "Zm9",
            "Zm9vY",
            "Zg=",
            "Z===",
            "=Zg=",
            "Zg==Zg==",
            "Zg==x",
            "Zh==",
            "Zm9=",
            "Zm-v",
            "Zm_v",
            "Zm9v\u{a0}",
            "Zg===",
        ] {
            let e = base64_decode(coded).unwrap_err();
            assert_eq!(e.expected, "xs:base64Binary", "{coded}");
        }
    }

    #[test]
    fn hex_binary_is_upper_case_and_reads_either_case() {
        let v = HexBinary::parse_text(" 00ff1Ab0 ").unwrap();
        assert_eq!(v.0, [0x00, 0xFF, 0x1A, 0xB0]);
        assert_eq!(v.to_text(), "00FF1AB0");
        assert_eq!(HexBinary::parse_text("").unwrap().0, Vec::<u8>::new());
        for bad in ["0", "0g", "0 0", "+1", "é1"] {
            assert_eq!(
                HexBinary::parse_text(bad).unwrap_err().expected,
                "xs:hexBinary",
                "{bad}"
            );
        }
        assert_eq!(format!("{v:?}"), "HexBinary(4 bytes)");
    }

    #[test]
    fn base64_debug_shows_the_length_only() {
        let v = Base64Binary(b"secret patient letter".to_vec());
        assert_eq!(format!("{v:?}"), "Base64Binary(21 bytes)");
    }
}
