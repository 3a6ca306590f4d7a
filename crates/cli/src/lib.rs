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
pub fn write_answer(line: &[u8], out: &mut impl std::io::Write) -> std::io::Result<()> {
    respond_line(line, json::from_str, |r| r.write(out))
}

/// [`answer_line`] with the request decoded by `decode` (tests compare [`json::from_str`]
/// with plain `serde_json::from_str` on whole lines).
#[doc(hidden)]
pub fn answer_line_with(line: &[u8], decode: Decode) -> J {
    respond_line(line, decode, |r| r.into_json())
}

/// A decoder of request lines.
#[doc(hidden)]
pub type Decode = for<'a> fn(&'a str) -> Result<json::V<'a>, serde_json::Error>;

/// The response to `line`, handed to `finish` (it borrows the decoded line).
fn respond_line<R>(
    line: &[u8],
    decode: Decode,
    finish: impl FnOnce(request::Response<'_>) -> R,
) -> R {
    let text = match std::str::from_utf8(line) {
        Ok(t) => t,
        Err(e) => {
            // Echo the id when the rest of the line is a request that has one.
            let lossy = String::from_utf8_lossy(line);
            let id = line_id(&lossy);
            return finish(request::Response::json(request_error(
                id,
                format!(
                    "the line is not valid UTF-8 (at byte {})",
                    e.valid_up_to() + 1
                ),
            )));
        }
    };
    if text.trim().is_empty() {
        return finish(request::Response::json(request_error(
            None,
            "empty line (expected a JSON request object)".into(),
        )));
    }
    match decode(text) {
        Ok(req) => {
            let id = || req.get("id").map(json::V::to_json);
            match isolate::isolated(id, || request::respond(&req)) {
                Ok(r) => finish(r),
                Err(failure) => finish(request::Response::json(failure)),
            }
        }
        // The id, when the line is JSON that has one (a key given twice is refused here).
        Err(e) => finish(request::Response::json(request_error(
            line_id(text),
            format!("invalid JSON: {e}"),
        ))),
    }
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
