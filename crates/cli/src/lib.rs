//! The request handling of the `symshape` binary (docs/cli.md) as a library: the binary's
//! `batch` loop, and the fuzz targets (`fuzz/`) and tests that feed it hostile lines.

pub mod isolate;
pub mod jobs;
pub mod json;
pub mod request;
pub mod stream;
pub mod suggest;

use serde_json::{Map, Value as J, json};

/// The response to one input line of `batch`. Every line gets one, in order, so that answers
/// can be paired with requests by position even without ids: a blank line is a bad line too.
pub fn answer_line(line: &[u8]) -> J {
    answer_line_with(line, json::from_str)
}

/// Writes the response to one input line of `batch` (without a newline): the text of
/// `serde_json::to_writer(answer_line(line))`, with a successful answer written directly.
///
/// The one difference: an `id` with a number that serde_json holds as a double (an integer
/// beyond 64 bits, a fraction, an exponent) is echoed as written (`written_id`), where the
/// value would give `1.8446744073709552e+19` back for `18446744073709551616`, which a client
/// matching responses to requests by id would not find.
pub fn write_answer(line: &[u8], out: &mut impl std::io::Write) -> std::io::Result<()> {
    respond_line(line, json::from_str, |r, id| r.write_with_id(out, id))
}

/// [`answer_line`] with the request decoded by `decode` (tests compare [`json::from_str`]
/// with plain `serde_json::from_str` on whole lines).
#[doc(hidden)]
pub fn answer_line_with(line: &[u8], decode: Decode) -> J {
    respond_line(line, decode, |r, _| r.into_json())
}

/// A decoder of request lines.
#[doc(hidden)]
pub type Decode = for<'a> fn(&'a str) -> Result<json::V<'a>, serde_json::Error>;

/// The response to `line`, handed to `finish` (it borrows the decoded line) with the text of
/// the line's `id` when it must be echoed as written ([`written_id`]).
fn respond_line<R>(
    line: &[u8],
    decode: Decode,
    finish: impl FnOnce(request::Response<'_>, Option<&str>) -> R,
) -> R {
    // A byte order mark before the JSON text is ignored (RFC 8259 §8.1 lets a parser do so;
    // editors on Windows write one): it was `invalid JSON: expected value at line 1 column 1`.
    let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
    let text = match std::str::from_utf8(line) {
        Ok(t) => t,
        Err(e) => {
            // Echo the id when the rest of the line is a request that has one.
            let lossy = String::from_utf8_lossy(line);
            let id = line_id(&lossy);
            let written = id
                .as_ref()
                .and_then(|id| written_id(&lossy, has_double(id)));
            return finish(
                request::Response::json(request_error(
                    id,
                    format!(
                        "the line is not valid UTF-8 (at byte {})",
                        e.valid_up_to() + 1
                    ),
                )),
                written.as_deref(),
            );
        }
    };
    if text.trim().is_empty() {
        return finish(
            request::Response::json(request_error(
                None,
                "empty line (expected a JSON request object)".into(),
            )),
            None,
        );
    }
    match decode(text) {
        Ok(req) => {
            let written = req
                .get("id")
                .and_then(|id| written_id(text, json::has_double(id)));
            let id = || req.get("id").map(json::V::to_json);
            match isolate::isolated(id, || request::respond(&req)) {
                Ok(r) => finish(r, written.as_deref()),
                Err(failure) => finish(request::Response::json(failure), written.as_deref()),
            }
        }
        // The id, when the line is JSON that has one (a key given twice is refused here).
        Err(e) => {
            let id = line_id(text);
            let written = id.as_ref().and_then(|id| written_id(text, has_double(id)));
            finish(
                request::Response::json(request_error(id, format!("invalid JSON: {e}"))),
                written.as_deref(),
            )
        }
    }
}

/// [`json::has_double`] of an id read as a `serde_json::Value` (the lines that did not
/// decode; borrowed, an error path).
fn has_double(v: &J) -> bool {
    json::has_double(&json::V::from_json(v))
}

/// The text of the `id` of the JSON object `text`, as written there without the blanks
/// between its tokens, when `needed` (its value holds a double: [`has_double`],
/// [`json::has_double`]; every other value is echoed exactly from the value). `None` when it
/// is not needed, the text has no such id, or the id has an object with a key given twice.
///
/// A double does not always give its text back: `18446744073709551616` (an integer beyond
/// 64 bits) is `1.8446744073709552e+19` as a double, and `0.10000000000000000001` is `0.1`.
/// docs/cli.md: the id is echoed back as it was written.
fn written_id(text: &str, needed: bool) -> Option<String> {
    use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
    use serde_json::value::RawValue;
    struct Id;
    impl<'de> Visitor<'de> for Id {
        type Value = Option<&'de RawValue>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            // The last `id`, as `line_id` takes it (a line with two is refused anyway).
            let mut id = None;
            while let Some(k) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                if k == "id" {
                    id = Some(map.next_value::<&'de RawValue>()?);
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(id)
        }
    }
    if !needed {
        return None;
    }
    let mut d = serde_json::Deserializer::from_str(text);
    let raw = d.deserialize_map(Id).ok()??.get();
    // Without the blanks outside strings (the response is compact): a string's bytes are
    // copied from its opening quote to its closing one, past escaped quotes.
    let mut out = String::with_capacity(raw.len());
    let (mut in_str, mut escaped) = (false, false);
    for c in raw.chars() {
        if in_str {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_str = false;
            }
        } else if !matches!(c, ' ' | '\t' | '\n' | '\r') {
            in_str = c == '"';
            out.push(c);
        }
    }
    // An id with a key given twice (refused in a request, kept in its echo's value) is not
    // written as it was: the echo stays a text this decoder reads.
    json::from_str(&out).is_ok().then_some(out)
}

/// The `id` of a line that is a JSON object with one, whatever its other values are: a
/// number beyond a double (`1e400`) fails the request, not the echo of its id (the other
/// values are skipped by their syntax, never converted).
fn line_id(text: &str) -> Option<J> {
    use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
    struct Id;
    impl<'de> Visitor<'de> for Id {
        type Value = Option<J>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<J>, A::Error> {
            let mut id = None;
            while let Some(k) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                if k == "id" {
                    id = Some(map.next_value::<J>()?);
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(id)
        }
    }
    let mut d = serde_json::Deserializer::from_str(text);
    let id = d.deserialize_map(Id).ok()?;
    d.end().ok()?;
    id
}

/// The response to an input line of `n` bytes, over `stream::MAX_LINE`.
pub fn too_long(n: u64) -> J {
    request_error(
        None,
        format!(
            "line of {n} bytes is longer than the limit of {} bytes; not read",
            stream::MAX_LINE
        ),
    )
}

fn request_error(id: Option<J>, message: String) -> J {
    let mut resp = Map::new();
    if let Some(id) = id {
        resp.insert("id".into(), id);
    }
    resp.insert("ok".into(), J::Bool(false));
    resp.insert(
        "error".into(),
        json!({"kind": "request", "message": message}),
    );
    J::Object(resp)
}
