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
    let text = match std::str::from_utf8(line) {
        Ok(t) => t,
        Err(e) => {
            // Echo the id when the rest of the line is a request that has one.
            let lossy = String::from_utf8_lossy(line);
            let id = serde_json::from_str::<J>(&lossy)
                .ok()
                .and_then(|v| v.get("id").cloned());
            return request_error(
                id,
                format!(
                    "the line is not valid UTF-8 (at byte {})",
                    e.valid_up_to() + 1
                ),
            );
        }
    };
    if text.trim().is_empty() {
        return request_error(None, "empty line (expected a JSON request object)".into());
    }
    match serde_json::from_str::<json::V>(text) {
        Ok(req) => isolate::answer_isolated(req.get("id").map(json::V::to_json).as_ref(), || {
            request::handle_value(&req)
        }),
        Err(e) => request_error(None, format!("invalid JSON: {e}")),
    }
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
