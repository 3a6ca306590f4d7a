//! A request line as JSON, borrowed from the line: [`V`] is `serde_json::Value` without its
//! allocations. Decoding a line into `serde_json::Value` cost about as much as answering a
//! plain simplify request (a `String` per key and per string value, a hash table with SipHash
//! per object); here strings without escapes borrow the line's text and objects are lists.
//!
//! The same JSON means the same request: [`V`] is decoded by the same `serde_json`
//! deserializer (the same syntax errors, numbers and nesting limit), and an object with a key
//! twice keeps the first key's place with the last value, as `serde_json::Map` (an `IndexMap`
//! under the `preserve_order` feature) does.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Number, Value as J};
use std::borrow::Cow;
use std::fmt;

/// A JSON value whose strings borrow from the decoded text where they can.
#[derive(Clone, Debug, PartialEq)]
pub enum V<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<V<'a>>),
    /// Entries in their order, each key once.
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
        dedup(&mut es);
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

/// Each key once, at its first place, with its last value (`IndexMap::insert`'s rule).
fn dedup<K: AsRef<str> + Eq + std::hash::Hash, T>(es: &mut Vec<(K, T)>) {
    // Small objects (every request's): compare each key with the ones before it.
    if es.len() <= 16 {
        let dup = (1..es.len()).any(|i| es[..i].iter().any(|e| e.0 == es[i].0));
        if !dup {
            return;
        }
    }
    let mut first: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut out: Vec<(K, T)> = Vec::with_capacity(es.len());
    for (k, v) in es.drain(..) {
        match first.get(k.as_ref()) {
            Some(&i) => out[i].1 = v,
            None => {
                first.insert(k.as_ref().to_owned(), out.len());
                out.push((k, v));
            }
        }
    }
    *es = out;
}

#[cfg(test)]
mod tests {
    use super::V;
    use serde_json::Value as J;

    /// The same text decodes to the same value as serde_json::Value, or fails with the same
    /// error: escapes, numbers at the edges of 64 bits, duplicate keys, nesting, bad syntax.
    #[test]
    fn decodes_as_serde_json_value() {
        let deep_ok = format!("{}1{}", "[".repeat(100), "]".repeat(100));
        let deep_bad = format!("{}1{}", "[".repeat(200), "]".repeat(200));
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
            &many,
        ];
        for t in texts {
            let want = serde_json::from_str::<J>(t);
            let got = serde_json::from_str::<V>(t);
            match (want, got) {
                (Ok(w), Ok(g)) => {
                    assert_eq!(g.to_json(), w, "{t}");
                    assert_eq!(V::from_json(&w), g, "{t}");
                    // Printed alike, key order included.
                    assert_eq!(g.to_json().to_string(), w.to_string(), "{t}");
                }
                (Err(w), Err(g)) => assert_eq!(g.to_string(), w.to_string(), "{t}"),
                (w, g) => panic!("{t}: {w:?} against {:?}", g.map(|v| v.to_json())),
            }
        }
    }

    /// Strings without escapes borrow the line.
    #[test]
    fn borrows_plain_strings() {
        let t = r#"{"expr": "FloorDiv(x, 4)", "ranges": {"x": [0, "s0 - 1"]}}"#;
        let v: V = serde_json::from_str(t).unwrap();
        let V::String(std::borrow::Cow::Borrowed(e)) = v.get("expr").unwrap() else {
            panic!("not borrowed");
        };
        assert_eq!(*e, "FloorDiv(x, 4)");
        let (k, _) = &v.get("ranges").unwrap().as_object().unwrap()[0];
        assert!(matches!(k, std::borrow::Cow::Borrowed("x")));
    }
}
