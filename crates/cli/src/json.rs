//! A request line as JSON, borrowed from the line: [`V`] is `serde_json::Value` without its
//! allocations. Decoding a line into `serde_json::Value` cost about as much as answering a
//! plain simplify request (a `String` per key and per string value, a hash table with SipHash
//! per object); here strings without escapes borrow the line's text and objects are lists.
//!
//! The same JSON means the same request: [`V`] is what the `serde_json` deserializer decodes
//! (the same syntax errors, numbers and nesting limit), except that an object with a key
//! twice is an error (`serde_json::Value` would keep the last value silently). [`from_str`]
//! first tries [`decode_plain`], a direct decoder of plain JSON (every real request line) that
//! declines whatever it is not sure to decode exactly as serde_json does; going through
//! serde_json's `Visitor` machinery cost about 7,300 instructions per request, nearly half of
//! answering a simple one.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Number, Value as J};
use std::borrow::Cow;
use std::fmt;

/// Whether `v` holds a number that serde_json keeps as a double (anywhere inside it): its
/// echo may not give back the text it was read from (lib.rs `written_id`).
pub fn has_double(v: &V<'_>) -> bool {
    match v {
        V::Number(n) => n.is_f64(),
        V::Array(xs) => xs.iter().any(has_double),
        V::Object(es) => es.iter().any(|(_, v)| has_double(v)),
        _ => false,
    }
}

/// A JSON value whose strings borrow from the decoded text where they can.
#[derive(Clone, Debug, PartialEq)]
pub enum V<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<V<'a>>),
    /// Entries in their order, each key once (a key given twice is an error).
    Object(Vec<(Cow<'a, str>, V<'a>)>),
}

impl<'a> V<'a> {
    /// The value of `key`, if this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&V<'a>> {
        match self {
            V::Object(es) => es.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[(Cow<'a, str>, V<'a>)]> {
        match self {
            V::Object(es) => Some(es),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[V<'a>]> {
        match self {
            V::Array(xs) => Some(xs),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            V::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            V::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            V::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            V::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            V::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    /// The same value as a `serde_json::Value` (a request's `id`, echoed in its response).
    pub fn to_json(&self) -> J {
        match self {
            V::Null => J::Null,
            V::Bool(b) => J::Bool(*b),
            V::Number(n) => J::Number(n.clone()),
            V::String(s) => J::String(s.to_string()),
            V::Array(xs) => J::Array(xs.iter().map(V::to_json).collect()),
            V::Object(es) => J::Object(
                es.iter()
                    .map(|(k, v)| (k.to_string(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// Writes the value as `serde_json::to_writer` writes [`V::to_json`] (compact; strings
    /// and numbers by serde_json itself), without building the `serde_json::Value`.
    pub fn write_json(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        match self {
            V::Null => out.write_all(b"null"),
            V::Bool(b) => out.write_all(if *b { b"true" } else { b"false" }),
            V::Number(n) => Ok(serde_json::to_writer(out, n)?),
            V::String(s) => write_str(s, out),
            V::Array(xs) => {
                out.write_all(b"[")?;
                for (i, x) in xs.iter().enumerate() {
                    if i > 0 {
                        out.write_all(b",")?;
                    }
                    x.write_json(out)?;
                }
                out.write_all(b"]")
            }
            // Each key once (as decoded), in order: what the `serde_json::Map` would print.
            V::Object(es) => {
                out.write_all(b"{")?;
                for (i, (k, v)) in es.iter().enumerate() {
                    if i > 0 {
                        out.write_all(b",")?;
                    }
                    write_str(k, out)?;
                    out.write_all(b":")?;
                    v.write_json(out)?;
                }
                out.write_all(b"}")
            }
        }
    }

    /// `v` borrowed (requests the single-shot subcommands build as `serde_json::Value`).
    pub fn from_json(v: &'a J) -> V<'a> {
        match v {
            J::Null => V::Null,
            J::Bool(b) => V::Bool(*b),
            J::Number(n) => V::Number(n.clone()),
            J::String(s) => V::String(Cow::Borrowed(s)),
            J::Array(xs) => V::Array(xs.iter().map(V::from_json).collect()),
            J::Object(m) => V::Object(
                m.iter()
                    .map(|(k, v)| (Cow::Borrowed(k.as_str()), V::from_json(v)))
                    .collect(),
            ),
        }
    }
}

impl<'de> de::Deserialize<'de> for V<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = V<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<V<'de>, E> {
        Ok(V::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<V<'de>, E> {
        Ok(V::Number(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<V<'de>, E> {
        Ok(V::Number(n.into()))
    }

    fn visit_f64<E>(self, n: f64) -> Result<V<'de>, E> {
        // As serde_json::Value: a number that is not finite is null (JSON text has none).
        Ok(Number::from_f64(n).map_or(V::Null, V::Number))
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<V<'de>, E> {
        Ok(V::String(Cow::Borrowed(s)))
    }

    fn visit_str<E>(self, s: &str) -> Result<V<'de>, E> {
        Ok(V::String(Cow::Owned(s.to_owned())))
    }

    fn visit_string<E>(self, s: String) -> Result<V<'de>, E> {
        Ok(V::String(Cow::Owned(s)))
    }

    fn visit_none<E>(self) -> Result<V<'de>, E> {
        Ok(V::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V<'de>, D::Error> {
        de::Deserialize::deserialize(d)
    }

    fn visit_unit<E>(self) -> Result<V<'de>, E> {
        Ok(V::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<V<'de>, A::Error> {
        let mut xs = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(16));
        while let Some(x) = seq.next_element()? {
            xs.push(x);
        }
        Ok(V::Array(xs))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<V<'de>, A::Error> {
        let mut es: Vec<(Cow<'de, str>, V<'de>)> = Vec::new();
        while let Some(k) = map.next_key_seed(Key)? {
            let v = map.next_value()?;
            es.push((k, v));
        }
        if let Some(k) = repeated_key(&es) {
            return Err(de::Error::custom(format_args!(
                "key \"{k}\" is given twice"
            )));
        }
        Ok(V::Object(es))
    }
}

/// A key, borrowed when it has no escapes.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Cow<'de, str>, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(s))
    }

    fn visit_str<E>(self, s: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(s))
    }
}

/// A request line decoded as `serde_json::from_str::<V>(text)` decodes it, with the same
/// error when it is not JSON. The common line goes through [`decode_plain`]; any other text
/// (and every error) through serde_json.
pub fn from_str(text: &str) -> Result<V<'_>, serde_json::Error> {
    match decode_plain(text) {
        Some(v) => Ok(v),
        None => serde_json::from_str(text),
    }
}

/// How deep arrays and objects may nest in a text [`decode_plain`] decodes (serde_json's
/// limit is 128; requests nest 3 deep).
const PLAIN_DEPTH: u32 = 32;

/// `text` decoded without serde_json's deserializer machinery (which costs about as much as
/// answering a simple request), when it is plain JSON: strings without escapes or control
/// characters, integers that serde_json reads as `u64` or `i64` (no fraction or exponent, no
/// leading zero, not `-0`, within 64 bits), nesting at most `PLAIN_DEPTH` (32) deep, JSON
/// whitespace only. Anything else is `None` (declined, not an error): serde_json decodes it,
/// so its errors and its numbers stay exactly what they were.
pub fn decode_plain(text: &str) -> Option<V<'_>> {
    let mut p = Plain { text, i: 0 };
    p.ws();
    let v = p.value(PLAIN_DEPTH)?;
    p.ws();
    (p.i == text.len()).then_some(v)
}

/// The state of [`decode_plain`]: the text and the byte offset read up to. The offset only
/// moves past bytes that are there, so it stays at most `text.len()` (no overflow).
struct Plain<'a> {
    text: &'a str,
    i: usize,
}

impl<'a> Plain<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.i).copied()
    }

    /// Skips JSON whitespace (exactly space, tab, newline and carriage return, as serde_json).
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    /// Consumes `b` if it is the next byte.
    fn eat(&mut self, b: u8) -> bool {
        let yes = self.peek() == Some(b);
        if yes {
            self.i += 1;
        }
        yes
    }

    /// A value starting at the current byte (no whitespace before it); `depth` more arrays or
    /// objects may open.
    fn value(&mut self, depth: u32) -> Option<V<'a>> {
        match self.peek()? {
            b'"' => self.string().map(|s| V::String(Cow::Borrowed(s))),
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b't' => self.word("true", V::Bool(true)),
            b'f' => self.word("false", V::Bool(false)),
            b'n' => self.word("null", V::Null),
            b'-' | b'0'..=b'9' => self.integer(),
            _ => None,
        }
    }

    fn word(&mut self, w: &str, v: V<'a>) -> Option<V<'a>> {
        let rest = self.text.get(self.i..)?;
        if !rest.starts_with(w) {
            return None;
        }
        self.i += w.len();
        Some(v)
    }

    /// A string at its opening quote, borrowed. An escape (serde_json decodes it into an
    /// owned string) or a control character (an error, which serde_json names) declines.
    fn string(&mut self) -> Option<&'a str> {
        let start = self.i.checked_add(1)?;
        let rest = self.text.as_bytes().get(start..)?;
        let n = string_end(rest)?;
        if rest.get(n) != Some(&b'"') {
            return None;
        }
        // `start` and `start + n` are next to ASCII bytes: char boundaries.
        let s = self.text.get(start..start.checked_add(n)?)?;
        self.i = start + n + 1;
        Some(s)
    }

    /// An integer as serde_json classifies it: nonnegative ones up to `u64::MAX` are `u64`,
    /// negative ones down to `i64::MIN` are `i64`. Declined: a fraction or an exponent, more
    /// than 64 bits, and `-0` (each a double to serde_json), and a leading zero (an error).
    fn integer(&mut self) -> Option<V<'a>> {
        let neg = self.eat(b'-');
        let first = self.i;
        let mut n: u64 = 0;
        while let Some(d @ b'0'..=b'9') = self.peek() {
            n = n.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
            self.i += 1;
        }
        let digits = self.i - first;
        if digits == 0 || (digits > 1 && self.text.as_bytes().get(first) == Some(&b'0')) {
            return None;
        }
        if matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        if !neg {
            return Some(V::Number(n.into()));
        }
        if n == 0 {
            return None;
        }
        0i64.checked_sub_unsigned(n).map(|k| V::Number(k.into()))
    }

    /// After an item of an array or object: past a comma, `Some(true)` (another item
    /// follows); past `close`, `Some(false)`; anything else declines.
    fn more(&mut self, close: u8) -> Option<bool> {
        self.ws();
        match self.peek()? {
            b',' => {
                self.i += 1;
                Some(true)
            }
            b if b == close => {
                self.i += 1;
                Some(false)
            }
            _ => None,
        }
    }

    fn array(&mut self, depth: u32) -> Option<V<'a>> {
        let depth = depth.checked_sub(1)?;
        self.i += 1;
        self.ws();
        if self.eat(b']') {
            return Some(V::Array(Vec::new()));
        }
        // A range `[lo, hi]` in one allocation, without growing.
        let mut xs = Vec::with_capacity(2);
        loop {
            self.ws();
            xs.push(self.value(depth)?);
            if !self.more(b']')? {
                break;
            }
        }
        Some(V::Array(xs))
    }

    fn object(&mut self, depth: u32) -> Option<V<'a>> {
        let depth = depth.checked_sub(1)?;
        self.i += 1;
        self.ws();
        if self.eat(b'}') {
            return Some(V::Object(Vec::new()));
        }
        // A request's objects (its fields, its ranges) in one allocation, without growing.
        let mut es: Vec<(Cow<'a, str>, V<'a>)> = Vec::with_capacity(8);
        loop {
            self.ws();
            if self.peek()? != b'"' {
                return None;
            }
            let k = self.string()?;
            self.ws();
            if !self.eat(b':') {
                return None;
            }
            self.ws();
            let v = self.value(depth)?;
            es.push((Cow::Borrowed(k), v));
            if !self.more(b'}')? {
                break;
            }
        }
        // A key given twice is an error: the serde_json path (`visit_map`) reports it.
        if repeated_key(&es).is_some() {
            return None;
        }
        Some(V::Object(es))
    }
}

/// Writes `s` as a JSON string, as `serde_json::to_writer` does: between quotes, as it is
/// when no byte of it needs an escape (serde_json escapes exactly the quote, the backslash
/// and the control characters), else by serde_json itself.
pub fn write_str(s: &str, out: &mut impl std::io::Write) -> std::io::Result<()> {
    if string_end(s.as_bytes()).is_some() {
        return Ok(serde_json::to_writer(out, s)?);
    }
    out.write_all(b"\"")?;
    out.write_all(s.as_bytes())?;
    out.write_all(b"\"")
}

/// The offset in `s` of the first quote, backslash or control character (the end of a plain
/// string's text), looking at 8 bytes at a time: request strings are long enough for a
/// byte-by-byte search to be a tenth of decoding a line.
fn string_end(s: &[u8]) -> Option<usize> {
    let mut at: usize = 0;
    let mut chunks = s.chunks_exact(8);
    for c in &mut chunks {
        let word: [u8; 8] = c.try_into().ok()?;
        if let Some(k) = stop_in(word) {
            return at.checked_add(k);
        }
        at += 8;
    }
    // The last bytes, padded with a byte that stops nothing.
    let mut word = [b'a'; 8];
    let rest = chunks.remainder();
    word.get_mut(..rest.len())?.copy_from_slice(rest);
    at.checked_add(stop_in(word)?)
}

/// The index of the first quote, backslash or control character in `word`.
fn stop_in(word: [u8; 8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let x = u64::from_le_bytes(word);
    let q = x ^ (ONES * u64::from(b'"'));
    let b = x ^ (ONES * u64::from(b'\\'));
    // The high bit of each byte of `q` or `b` that is 0, or of `x` that is below 0x20 (the
    // "has zero byte" and "has byte less than" tricks). A borrow can also set it in a byte
    // above a matching byte, never below one: the lowest bit set marks the first match.
    let found = ((q.wrapping_sub(ONES) & !q)
        | (b.wrapping_sub(ONES) & !b)
        | (x.wrapping_sub(ONES * 0x20) & !x))
        & HIGH;
    (found != 0).then(|| found.trailing_zeros() as usize / 8)
}

/// The first key of `es` that an earlier entry has too, if any. A request with a key twice
/// is refused (`{"expr": "x + 1", "expr": "x + 2"}` would otherwise answer one of the two
/// silently, as unknown fields would be without their error).
fn repeated_key<K: AsRef<str>, T>(es: &[(K, T)]) -> Option<&str> {
    // Small objects (every request's): compare each key with the ones before it.
    if es.len() <= 16 {
        // Byte by byte: keys are short, and `==` calls memcmp whenever two lengths agree
        // (the ranges' `s0`, `s1`, `d2`, ...).
        let same = |a: &K, b: &K| {
            let (a, b) = (a.as_ref().as_bytes(), b.as_ref().as_bytes());
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
        };
        return (1..es.len())
            .find(|&i| es[..i].iter().any(|e| same(&e.0, &es[i].0)))
            .map(|i| es[i].0.as_ref());
    }
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    es.iter().map(|e| e.0.as_ref()).find(|k| !seen.insert(k))
}

#[cfg(test)]
mod tests {
    use super::{V, decode_plain, from_str};
    use proptest::prelude::*;
    use serde_json::Value as J;

    /// The serde_json path alone (what `batch` decoded lines with before `decode_plain`).
    fn by_serde(t: &str) -> Result<V<'_>, serde_json::Error> {
        serde_json::from_str(t)
    }

    /// `decode_plain` declines `t` or decodes it as serde_json does (which must then accept
    /// it), into `V` and into `serde_json::Value`, and `from_str` gives the serde_json path's
    /// value or error.
    fn check_plain(t: &str) -> Result<(), TestCaseError> {
        let want = by_serde(t);
        if let Some(p) = decode_plain(t) {
            match &want {
                Ok(w) => prop_assert_eq!(&p, w, "{:?}", t),
                Err(e) => prop_assert!(false, "{t:?}: decoded {p:?}, serde_json says {e}"),
            }
            let value = serde_json::from_str::<J>(t);
            prop_assert!(value.is_ok(), "{:?}", t);
            let value = value.unwrap();
            // From the Value to V, not V to the Value: collecting into a Map would drop a
            // repeated key that V kept.
            prop_assert_eq!(&p, &V::from_json(&value), "{:?}", t);
            prop_assert_eq!(p.to_json().to_string(), value.to_string(), "{:?}", t);
        }
        match (from_str(t), want) {
            (Ok(g), Ok(w)) => prop_assert_eq!(g, w, "{:?}", t),
            (Err(g), Err(w)) => prop_assert_eq!(g.to_string(), w.to_string(), "{:?}", t),
            (g, w) => prop_assert!(false, "{t:?}: {g:?} against {w:?}"),
        }
        Ok(())
    }

    /// The whole line's response, byte for byte, is what the serde_json path answers, made
    /// as a `serde_json::Value` (`answer_line`) and written directly (`write_answer`); but
    /// an id holding a double, which the direct text echoes as written: there the two are the
    /// same JSON values, the id's included (read back as doubles).
    fn check_line(line: &[u8]) -> Result<(), TestCaseError> {
        let want = serde_json::to_string(&crate::answer_line_with(line, by_serde)).unwrap();
        let got = serde_json::to_string(&crate::answer_line(line)).unwrap();
        let lossy = String::from_utf8_lossy(line);
        prop_assert_eq!(&got, &want, "{:?}", lossy);
        let mut direct = Vec::new();
        crate::write_answer(line, &mut direct).unwrap();
        let direct = String::from_utf8(direct).unwrap();
        if direct != want {
            let (d, w) = (by_serde(&direct), by_serde(&want));
            prop_assert!(
                d.is_ok() && w.is_ok(),
                "{:?}: {direct} against {want}",
                lossy
            );
            let (d, w) = (d.unwrap(), w.unwrap());
            prop_assert!(
                w.get("id").is_some_and(super::has_double),
                "{:?}: {direct} against {want}",
                lossy
            );
            prop_assert_eq!(d, w, "{:?}", lossy);
        }
        Ok(())
    }

    /// The same text decodes to the same value as serde_json::Value, or fails with the same
    /// error: escapes, numbers at the edges of 64 bits, nesting, bad syntax; a key given twice
    /// is an error here (with the id echoed), where serde_json::Value keeps the last value.
    /// Every row also goes through `decode_plain`, `from_str` and a whole `answer_line`.
    #[test]
    fn decodes_as_serde_json_value() {
        let deep_ok = format!("{}1{}", "[".repeat(100), "]".repeat(100));
        let deep_bad = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        let deep_32 = format!("{}1{}", "[".repeat(32), "]".repeat(32));
        let deep_33 = format!("{}1{}", "[".repeat(33), "]".repeat(33));
        let deep_obj = format!("{}1{}", r#"{"a":"#.repeat(40), "}".repeat(40));
        let mut many = String::from("{");
        for i in 0..40 {
            many.push_str(&format!("\"k{}\": {i},", i % 25));
        }
        many.push_str("\"z\": null}");
        let texts = [
            r#"{"op": "simplify", "expr": "x + 1", "ranges": {"x": [0, null]}}"#,
            r#"{"id": {"a": [1, 2.5, -3, true, null]}, "op": "bound"}"#,
            r#"{"expr": "a\"b\\c\u00e9\n", "k\u0041": 1}"#,
            r#"{"a": 1, "b": 2, "a": 3}"#,
            r#"{"a": 1, "ab": 2, "": 3, "abc": 4, "b": 5, "ab": 6}"#,
            r#"{"a": 1, "b": {"c": 1, "c": [2]}, "a": {"x": 0}, "b": 5}"#,
            r#"[18446744073709551615, 18446744073709551616, -9223372036854775808, -9223372036854775809]"#,
            r#"[1e308, 1e400, -0.0, 0.1, 1.5e-320]"#,
            r#""plain""#,
            r#"{"a": 1,}"#,
            r#"{"a" 1}"#,
            r#"{"a": [1, 2}"#,
            r#"{"a": 1} x"#,
            r#"{"\ud800": 1}"#,
            r#"{1: 2}"#,
            "",
            "   ",
            &deep_ok,
            &deep_bad,
            &deep_32,
            &deep_33,
            &deep_obj,
            &many,
            // Integers as serde_json classifies them, and what it refuses.
            "0",
            "-0",
            "01",
            "-01",
            "00",
            "-",
            "- 1",
            "1.",
            "1.0",
            "1e5",
            "1E5",
            "-1e-5",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "-18446744073709551615",
            "99999999999999999999999999",
            "[0,-1,1,-0]",
            // Strings and whitespace.
            "\"tab\tinside\"",
            "\"nul\u{0}inside\"",
            "\"del\u{7f}é😀\"",
            "\"unterminated",
            "\"\\/\"",
            " \t\r\n{ \"a\" :\t[ ] , \"b\" : { } }\r\n",
            "\u{a0}{}",
            "{}\u{c}",
            "\u{feff}{}",
            // Words, commas, brackets.
            "true",
            "tru",
            "nul",
            "falsey",
            "[true,false,null]",
            "[1,]",
            "[,1]",
            "[1 2]",
            "{\"a\":1}}",
            "{\"a\":1 \"b\":2}",
            "{\"a\":}",
            "{,}",
            "[",
            "{",
            "]",
            // Requests: plain, with duplicate keys, with escapes, bad fields.
            r#"{"id": 7, "op": "simplify", "expr": "x + x"}"#,
            r#"{"id": "a", "op": "bound", "expr": "x - 1", "ranges": {"x": [1, 10]}}"#,
            r#"{"id": [1, {"k": null}], "op": "simplify", "expr": "x*2", "expr": "x + x"}"#,
            r#"{"id": 1, "op": "simplify", "expr": "x\u002b1"}"#,
            r#"{"id": 1, "op": "simplify", "expr": "x + 1", "ranges": {"x": [0, 18446744073709551615]}}"#,
            r#"{"id": 1, "op": "simplify", "expr": "x + 1", "ranges": {"x": [-0, 1.5]}}"#,
            r#"{"id": -9223372036854775808, "op": "simplify", "expr": "x", "typo": 1}"#,
            r#"{"id": 1, "op": "eval", "expr": "x + 1", "values": {"x": 3, "x": 4}}"#,
            r#"{"id": 1, "op": 5, "expr": "x"}"#,
            r#"{"op": "solve", "expr": "x + 1 > 2", "symbol": "x", "ranges": {"x": [0, null]}}"#,
            // Ids of every kind, echoed in successful answers (written directly).
            r#"{"id": {"b": [1.5, -0, 1e300, "é\u00e9\"\u0001\u2028/", {"k": 1, "k": []}], "a": {}}, "op": "simplify", "expr": "x + x"}"#,
            r#"{"id": "tab\there \ud83d\ude00 \\", "op": "bound", "expr": "x", "ranges": {"x": [-3, 4]}}"#,
            r#"{"id": 1.0, "op": "prove", "expr": "x + 1 > x"}"#,
            r#"{"id": -0.0, "op": "eval", "expr": "x + 1", "values": {"x": 2}}"#,
            r#"{"id": 18446744073709551616, "op": "simplify", "expr": "2*x - x"}"#,
            r#"{"id": null, "op": "simplify", "expr": "x"}"#,
            r#"{"id": [true, false, null, [], [[]]], "op": "simplify", "expr": "x", "id": "second"}"#,
            r#"{"op": "solve", "expr": "2*x + 1 > 5", "symbol": "x", "id": "😀", "ranges": {"x": [0, 10]}}"#,
            // Every kind of answer field: cases, floats, booleans, null, compact and deep forms.
            r#"{"id": "c1", "op": "solve", "expr": "a*x > 6", "symbol": "x"}"#,
            r#"{"id": "c3", "op": "solve", "expr": "x/y > 2", "symbol": "x", "types": {"x": "float", "y": "float"}}"#,
            r#"{"id": "e1", "op": "eval", "expr": "x / 3", "types": {"x": "float"}, "values": {"x": 1.5}}"#,
            r#"{"id": "e2", "op": "eval", "expr": "x > 3", "values": {"x": 5}}"#,
            r#"{"id": "b1", "op": "bound", "expr": "x / 3", "types": {"x": "float"}, "ranges": {"x": [0.5, 2.5]}}"#,
            r#"{"id": "b2", "op": "bound", "expr": "x > 3", "ranges": {"x": [0, 10]}}"#,
            r#"{"id": "b3", "op": "bound", "expr": "x * y", "ranges": {"x": [-9223372036854775808, 10], "y": [2, 3]}}"#,
            r#"{"id": "d1", "op": "simplify", "expr": "FloorDiv(x, 4)*4 + Mod(x, 4)", "deep": true}"#,
            r#"{"id": "d2", "op": "simplify", "expr": "FloorDiv(x, 4)*4 + Mod(x, 4)", "form": "compact"}"#,
            r#"{"id": "d3", "op": "prove", "expr": "FloorDiv(x, 4)*4 + Mod(x, 4) >= x", "deep": true}"#,
        ];
        let mut repeated = 0;
        for t in texts {
            let want = serde_json::from_str::<J>(t);
            let got = serde_json::from_str::<V>(t);
            match (want, got) {
                // A key given twice: refused (serde_json::Value keeps the last value), the id
                // still echoed.
                (Ok(w), Err(g)) if g.to_string().contains("is given twice") => {
                    repeated += 1;
                    let r = crate::answer_line(t.as_bytes());
                    assert_eq!(r["ok"], J::Bool(false), "{t}");
                    assert_eq!(r.get("id"), w.get("id"), "{t}");
                }
                (Ok(w), Ok(g)) => {
                    assert_eq!(g.to_json(), w, "{t}");
                    assert_eq!(V::from_json(&w), g, "{t}");
                    // Printed alike, key order included.
                    assert_eq!(g.to_json().to_string(), w.to_string(), "{t}");
                }
                (Err(w), Err(g)) => assert_eq!(g.to_string(), w.to_string(), "{t}"),
                (w, g) => panic!("{t}: {w:?} against {:?}", g.map(|v| v.to_json())),
            }
            check_plain(t).unwrap();
            check_line(t.as_bytes()).unwrap();
        }
        // The eight rows with a key twice (small and large objects, at the top, nested, in
        // `values`, in an id's object).
        assert_eq!(repeated, 8);
        // The plain decoder takes the common lines (or the checks above would prove nothing).
        for t in [
            texts[0],
            r#"{"a": 1, "b": {"c": [2]}, "ab": {"x": 0}}"#,
            "[0,-1,1]",
            "18446744073709551615",
            "-9223372036854775808",
            &deep_32,
            " \t\r\n{ \"a\" :\t[ ] , \"b\" : { } }\r\n",
            "\"del\u{7f}é😀\"",
        ] {
            assert!(decode_plain(t).is_some(), "{t}");
        }
        for t in [
            texts[1],
            texts[2],
            // A key twice: the serde_json path says so.
            texts[3],
            texts[4],
            "-0",
            "01",
            &deep_33,
            "\"nul\u{0}inside\"",
            "\u{a0}{}",
        ] {
            assert!(decode_plain(t).is_none(), "{t}");
        }
    }

    /// Strings without escapes borrow the line.
    #[test]
    fn borrows_plain_strings() {
        let t = r#"{"expr": "FloorDiv(x, 4)", "ranges": {"x": [0, "s0 - 1"]}}"#;
        for v in [
            serde_json::from_str::<V>(t).unwrap(),
            decode_plain(t).unwrap(),
        ] {
            let V::String(std::borrow::Cow::Borrowed(e)) = v.get("expr").unwrap() else {
                panic!("not borrowed");
            };
            assert_eq!(*e, "FloorDiv(x, 4)");
            let (k, _) = &v.get("ranges").unwrap().as_object().unwrap()[0];
            assert!(matches!(k, std::borrow::Cow::Borrowed("x")));
        }
    }

    /// JSON whitespace; with `wild`, also a few bytes that are not.
    fn ws(wild: bool) -> BoxedStrategy<String> {
        let mut pieces = vec!["", "", " ", "\t", "\n", "\r", "  "];
        if wild {
            pieces.extend(["\u{c}", "\u{a0}"]);
        }
        prop::collection::vec(prop::sample::select(pieces), 0..3)
            .prop_map(|v| v.concat())
            .boxed()
    }

    /// A string literal: plain (unicode, DEL, no escapes) and, with `wild`, also with escapes
    /// (of every kind serde_json knows, and bad ones) and raw control characters.
    fn string_lit(wild: bool) -> BoxedStrategy<String> {
        let plain = prop_oneof![
            4 => prop::sample::select(vec!["a", "b", "op", "expr", "id", "ranges", "", "é", "😀"])
                .prop_map(|s| format!("\"{s}\"")),
            1 => "[ a-z0-9+*/(),\u{7f}é😀]{0,24}".prop_map(|s| format!("\"{s}\"")),
        ];
        if !wild {
            return plain.boxed();
        }
        prop_oneof![
            3 => plain,
            2 => any::<String>().prop_map(|s| serde_json::to_string(&s).unwrap()),
            1 => "[a-z\\\\\"\u{0}-\u{1f}é]{0,20}".prop_map(|s| format!("\"{s}\"")),
            1 => prop::sample::select(vec![
                r#""\u0061""#, r#""a\"b""#, r#""\\""#, r#""\/""#, r#""\b\f\n\r\t""#,
                r#""\u00e9""#, r#""\ud83d\ude00""#, r#""\ud800""#, r#""\x""#, r#""\u12""#,
            ])
            .prop_map(str::to_owned),
        ]
        .boxed()
    }

    /// A number: integers at the edges of 64 bits and, with `wild`, doubles, integers beyond
    /// 64 bits, and texts that are no numbers.
    fn number(wild: bool) -> BoxedStrategy<String> {
        let plain = prop_oneof![
            2 => any::<i64>().prop_map(|n| n.to_string()),
            2 => any::<u64>().prop_map(|n| n.to_string()),
            2 => (-20i64..20).prop_map(|n| n.to_string()),
            1 => prop::sample::select(vec![
                "0", "18446744073709551615", "-9223372036854775808", "9223372036854775807",
                "9223372036854775808", "-9223372036854775807",
            ])
            .prop_map(str::to_owned),
        ];
        if !wild {
            return plain.boxed();
        }
        prop_oneof![
            3 => plain,
            1 => any::<f64>().prop_map(|f| format!("{f:?}")),
            1 => any::<f64>().prop_map(|f| format!("{f:e}")),
            2 => prop::sample::select(vec![
                "-0", "01", "-01", "00", "-", "1.", ".5", "1.0", "1e5", "1E+5", "-1e-5",
                "18446744073709551616", "-9223372036854775809", "-18446744073709551616",
                "123456789012345678901234567890", "1e400", "-0.0", "+1", "0x10", "NaN",
            ])
            .prop_map(str::to_owned),
        ]
        .boxed()
    }

    /// A random JSON text: with `wild`, some leaves and whitespace are not plain JSON (or
    /// not JSON); without, nearly all of it is plain, so that the decoder has to decode.
    fn value(wild: bool) -> BoxedStrategy<String> {
        let mut words = vec!["true", "false", "null"];
        if wild {
            words.extend(["tru", "nulll", "True"]);
        }
        let leaf = prop_oneof![
            string_lit(wild),
            number(wild),
            prop::sample::select(words).prop_map(str::to_owned),
        ];
        (ws(wild), leaf, ws(wild))
            .prop_map(|(a, v, b)| format!("{a}{v}{b}"))
            .prop_recursive(5, 48, 6, move |inner| {
                prop_oneof![
                    (prop::collection::vec(inner.clone(), 0..6), ws(wild))
                        .prop_map(|(xs, w)| format!("[{w}{}]", xs.join(","))),
                    (
                        prop::collection::vec((ws(wild), string_lit(wild), ws(wild), inner), 0..6),
                        ws(wild)
                    )
                        .prop_map(|(es, w)| {
                            let es: Vec<String> = es
                                .into_iter()
                                .map(|(a, k, b, v)| format!("{a}{k}{b}:{v}"))
                                .collect();
                            format!("{{{w}{}}}", es.join(","))
                        }),
                ]
            })
            .boxed()
    }

    /// Random texts: plain ones, wild ones, and nesting around serde_json's limit and the
    /// plain decoder's.
    fn text() -> impl Strategy<Value = String> {
        // Objects with keys repeated (small ones and ones over dedup's 16-entry threshold).
        let repeats = prop::collection::vec(
            (
                prop::sample::select(vec!["a", "ab", "", "op", "op ", "é", "😀", "s0", "s1"]),
                value(false),
            ),
            0..24,
        )
        .prop_map(|es| {
            let es: Vec<String> = es
                .into_iter()
                .map(|(k, v)| format!("\"{k}\":{v}"))
                .collect();
            format!("{{{}}}", es.join(", "))
        });
        prop_oneof![
            4 => value(false),
            4 => value(true),
            2 => repeats,
            1 => (0usize..140, any::<bool>()).prop_map(|(n, obj)| if obj {
                format!("{}0{}", "{\"a\":".repeat(n), "}".repeat(n))
            } else {
                format!("{}0{}", "[".repeat(n), "]".repeat(n))
            }),
        ]
    }

    /// Most plain texts are decoded (else the random test would only see declines); those
    /// with a key given twice (an error) are declined, and the serde_json path refuses them.
    #[test]
    fn plain_texts_are_mostly_decoded() {
        use proptest::strategy::ValueTree;
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let strategy = value(false);
        let (mut n, mut decoded, mut repeated) = (0, 0, 0);
        for _ in 0..2000 {
            let t = strategy.new_tree(&mut runner).unwrap().current();
            match by_serde(&t) {
                Err(e) if e.to_string().contains("is given twice") => {
                    assert!(decode_plain(&t).is_none(), "{t}");
                    repeated += 1;
                }
                _ => {
                    n += 1;
                    decoded += usize::from(decode_plain(&t).is_some());
                }
            }
        }
        assert!(decoded * 10 >= n * 9, "{decoded} of {n}");
        assert!(repeated > 50, "{repeated} texts with a key twice");
    }

    /// Request lines as `batch` gets them (real ones, with every kind of field).
    const LINES: &[&str] = &[
        r#"{"id": "sim-242772a227c3bd80", "op": "simplify", "expr": "8*t1*s0*s53 + d2*s0 + d3", "ranges": {"t1": [0, null], "s0": [1, null], "s53": [1, null], "d2": [0, null], "d3": [0, null]}}"#,
        r#"{"id": "sim-6987dfcf706745bd", "op": "simplify", "expr": "s48 + 1", "ranges": {"s17": [2, null], "s48": [3, null], "x0": [0, "s17*s48 - 1"]}, "assume": ["And(Gt(s48, 1), Gt(s48, 2))"]}"#,
        r#"{"id": "try-a22549758212324b", "op": "solve", "expr": "Eq(Mod(s0, (s0//2)), 0)", "symbol": "Mod(s0, FloorDiv(s0, 2))", "ranges": {"s0": [1, null]}}"#,
        r#"{"id": "bou-48f8cc682e7d4790", "op": "bound", "expr": "2*e0 + e1 <= 14", "ranges": {"e0": [1, 2], "e1": [1, 2]}}"#,
        r#"{"id":12,"op":"eval","expr":"x*y - 3","values":{"x":-4,"y":9223372036854775807},"types":{"y":"int"}}"#,
        r#"{"id": [1, null, true], "op": "simplify", "expr": "FloorDiv(x, 4)*4", "form": "compact", "limits": {"time_ms": 100}}"#,
    ];

    /// A request line with a few bytes deleted, inserted or replaced.
    fn mutated_line() -> impl Strategy<Value = Vec<u8>> {
        let byte = prop_oneof![
            3 => prop::sample::select(b"\"\\{}[],:0123456789-.eE +tfn\t\r\n\x0c\x00\x7fa".to_vec()),
            1 => any::<u8>(),
        ];
        let edit = (0u8..3, any::<prop::sample::Index>(), byte);
        (
            prop::sample::select(LINES),
            prop::collection::vec(edit, 1..4),
        )
            .prop_map(|(l, edits)| {
                let mut b = l.as_bytes().to_vec();
                for (kind, at, x) in edits {
                    let i = at.index(b.len() + 1);
                    match kind {
                        0 if i < b.len() => {
                            b.remove(i);
                        }
                        1 => b.insert(i, x),
                        _ if i < b.len() => b[i] = x,
                        _ => b.push(x),
                    }
                }
                b
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// Random JSON texts: declined, or decoded as serde_json decodes them.
        #[test]
        fn plain_decodes_random_texts_as_serde_json(t in text()) {
            check_plain(&t)?;
        }

        /// Random ids (any JSON value, or text that is not one) in a request that answers:
        /// the id is echoed, written directly, as serde_json writes it.
        #[test]
        fn random_ids_are_echoed_as_serde_json(id in text()) {
            let line = format!(r#"{{"id":{id},"op":"simplify","expr":"x + x"}}"#);
            check_plain(&line)?;
            check_line(line.as_bytes())?;
        }

        /// Floats are read correctly rounded (serde_json's `float_roundtrip`): the shortest
        /// text of a double (Python's `json.dumps` writes it too) reads back as that double.
        /// Without it, serde_json's fast path read 1000000000000000.5 as the double below.
        #[test]
        fn floats_read_back_exactly(f in any::<f64>().prop_filter("finite", |f| f.is_finite())) {
            let text = format!("{{\"x\": {f:?}}}");
            let v = super::from_str(&text).unwrap();
            let got = v.get("x").and_then(super::V::as_f64).unwrap();
            prop_assert_eq!(got.to_bits(), f.to_bits(), "{}", text);
        }

        /// Any string is written as serde_json writes it.
        #[test]
        fn strings_are_written_as_serde_json(s in prop_oneof![
            any::<String>(),
            "[a-z\"\\\\\u{0}-\u{1f}\u{7f}/é😀\u{2028}]{0,40}",
        ]) {
            let mut direct = Vec::new();
            super::write_str(&s, &mut direct).unwrap();
            prop_assert_eq!(String::from_utf8(direct).unwrap(), serde_json::to_string(&s).unwrap());
        }

        /// Request lines with random edits: declined, or decoded as serde_json decodes them,
        /// and the whole response is the serde_json path's, byte for byte.
        #[test]
        fn plain_decodes_mutated_lines_as_serde_json(line in mutated_line()) {
            if let Ok(t) = std::str::from_utf8(&line) {
                check_plain(t)?;
            }
            check_line(&line)?;
        }
    }

    /// The request lines of the mutation test are plain (so that their mutations test it).
    #[test]
    fn request_lines_are_plain() {
        for l in LINES {
            assert_eq!(
                decode_plain(l).as_ref(),
                Some(&serde_json::from_str::<V>(l).unwrap())
            );
            check_line(l.as_bytes()).unwrap();
        }
    }
}
