//! One request's panic stays inside that request (docs/cli.md: `"kind": "internal"`, the stream goes on).
//!
//! `answer_isolated` runs one request under `catch_unwind`; a panic becomes the failure object of
//! that request. The panic hook installed by `install_panic_hook` stays quiet for panics caught
//! this way (it only records where they happened, for the message) and reports every other panic
//! exactly like the default hook. Each request builds its own `sym::Context`, so nothing a
//! panicking request touched outlives it.

use serde_json::{Map, Value as J, json};
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// Set while this thread answers a request under `answer_isolated`.
    static ISOLATED: Cell<bool> = const { Cell::new(false) };
    /// Where the last isolated panic of this thread happened (file:line:column).
    static LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs (once) the panic hook: quiet for panics inside `answer_isolated`, the default
/// report for any other panic.
pub fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if ISOLATED.try_with(Cell::get).unwrap_or(false) {
                let at = info.location().map(ToString::to_string);
                let _ = LOCATION.try_with(|l| *l.borrow_mut() = at);
            } else {
                default(info);
            }
        }));
    });
}

/// Restores the previous isolation flag, also when the request unwinds.
struct Flag(bool);

impl Drop for Flag {
    fn drop(&mut self) {
        ISOLATED.with(|f| f.set(self.0));
    }
}

/// Runs `answer` (one request, returning its response object); a panic becomes the response
/// `{"id": id, "ok": false, "error": {"kind": "internal", "message": ...}}`.
pub fn answer_isolated(id: Option<&J>, answer: impl FnOnce() -> J) -> J {
    isolated(|| id.cloned(), answer).unwrap_or_else(|failure| failure)
}

/// Runs `answer` as [`answer_isolated`] does, for an answer of any type; a panic becomes the
/// failure response, with the id `id()` makes (only then: `batch` writes a successful
/// answer's id from the request itself).
pub fn isolated<T>(id: impl FnOnce() -> Option<J>, answer: impl FnOnce() -> T) -> Result<T, J> {
    let result = {
        let _restore = Flag(ISOLATED.with(|f| f.replace(true)));
        LOCATION.with(|l| l.borrow_mut().take());
        panic::catch_unwind(AssertUnwindSafe(answer))
    };
    result.map_err(|payload| {
        let at = LOCATION.with(|l| l.borrow_mut().take());
        internal_failure(id().as_ref(), &*payload, at.as_deref())
    })
}

fn internal_failure(id: Option<&J>, payload: &(dyn Any + Send), at: Option<&str>) -> J {
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str));
    let mut message =
        String::from("internal error (a bug of symshape, caught at the request's boundary)");
    if let Some(w) = what {
        message.push_str(": ");
        message.push_str(w);
    }
    if let Some(at) = at {
        message.push_str(&format!(" (at {at})"));
    }
    let mut resp = Map::new();
    if let Some(id) = id {
        resp.insert("id".into(), id.clone());
    }
    resp.insert("ok".into(), J::Bool(false));
    resp.insert(
        "error".into(),
        json!({"kind": "internal", "message": message}),
    );
    J::Object(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(r: &J) -> &str {
        r["error"]["message"].as_str().unwrap()
    }

    #[test]
    fn a_panicking_request_becomes_an_internal_failure() {
        install_panic_hook();
        let id = json!(7);
        let r = answer_isolated(Some(&id), || panic!("boom {}", 1 + 1));
        assert_eq!(r["id"], 7);
        assert_eq!(r["ok"], false);
        assert_eq!(r["error"]["kind"], "internal");
        assert!(message(&r).starts_with("internal error"), "{r}");
        assert!(message(&r).contains("boom 2"), "{r}");
        assert!(message(&r).contains("isolate.rs:"), "{r}");
        // A &str payload, an arithmetic panic, a payload that is not text; no id.
        let r = answer_isolated(None, || panic!("static text"));
        assert!(
            r.get("id").is_none() && message(&r).contains("static text"),
            "{r}"
        );
        let big = std::hint::black_box(i64::MIN);
        let r = answer_isolated(None, || json!(big % std::hint::black_box(-1)));
        assert_eq!(r["error"]["kind"], "internal", "{r}");
        let r = answer_isolated(None, || std::panic::panic_any(42_u8));
        assert_eq!(r["error"]["kind"], "internal", "{r}");
        // Outside a request the hook reports again; a request that answers is untouched.
        assert!(!ISOLATED.with(Cell::get));
        let r = answer_isolated(Some(&id), || json!({"id": 7, "ok": true}));
        assert_eq!(r, json!({"id": 7, "ok": true}));
        assert!(!ISOLATED.with(Cell::get));
    }

    #[test]
    fn isolation_nests() {
        install_panic_hook();
        let r = answer_isolated(None, || {
            let inner = answer_isolated(None, || panic!("inner"));
            assert!(ISOLATED.with(Cell::get));
            inner
        });
        assert!(message(&r).contains("inner"), "{r}");
        assert!(!ISOLATED.with(Cell::get));
    }
}
