//! One JSON request (docs/cli.md) to one JSON response. Shared by `batch` and the single-shot
//! subcommands (`--format json` prints exactly what `batch` would).

use crate::json::V;
use serde_json::{Map, Value as J, json};
use std::time::Instant;
use sym::{Bound, Context, EndText, Error, Limits, RangeEnd, SolveResult, Ty, Value};

const FIELDS: &[&str] = &[
    "id", "op", "expr", "ranges", "types", "assume", "symbol", "values", "repeat", "form", "deep",
    "limits",
];

/// A failed request: the error kind and message of docs/cli.md, and which string of the
/// request it is about when that is not `expr` (its columns count from that string's start).
#[derive(Debug)]
pub struct Failure {
    pub kind: &'static str,
    pub message: String,
    pub at: Option<At>,
    /// The 1-based column of a parse or unsupported error, in the string `at` names.
    pub col: Option<usize>,
}

/// The request string a failure is about (other than `expr`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum At {
    /// `assume[i]`.
    Assume(usize),
    /// The range of the symbol; `Some(0)`/`Some(1)` for its lower/upper end alone.
    Range(String, Option<usize>),
    /// The value of the symbol (`values`).
    Value(String),
    /// The type of the symbol (`types`).
    Type(String),
    /// `symbol` (solve).
    Symbol,
    /// `limits.NAME`.
    Limit(String),
}

impl At {
    /// The field path, as batch messages start with it (`assume[0]`, `ranges.x[1]`).
    pub fn path(&self) -> String {
        match self {
            At::Assume(i) => format!("assume[{i}]"),
            At::Range(n, None) => format!("ranges.{n}"),
            At::Range(n, Some(i)) => format!("ranges.{n}[{i}]"),
            At::Value(n) => format!("values.{n}"),
            At::Type(n) => format!("types.{n}"),
            At::Symbol => "symbol".into(),
            At::Limit(n) => format!("limits.{n}"),
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let col = match &e {
            Error::Parse { col, .. } | Error::Unsupported { col, .. } => Some(*col),
            _ => None,
        };
        Failure {
            kind: e.kind(),
            message: e.to_string(),
            at: None,
            col,
        }
    }
}

impl Failure {
    /// The same failure, about the string `at`.
    fn at(mut self, at: At) -> Self {
        self.at = Some(at);
        self
    }
}

/// Tags an error with the request string it is about (made only on error: no allocation on
/// the success path).
fn at(at: impl FnOnce() -> At) -> impl FnOnce(Error) -> Failure {
    move |e| Failure::from(e).at(at())
}

fn req_err(msg: impl Into<String>) -> Failure {
    Failure {
        kind: "request",
        message: msg.into(),
        at: None,
        col: None,
    }
}

/// The largest `repeat` a request may ask for.
pub const MAX_REPEAT: u64 = 1_000_000;

/// Handles one parsed request line, returning the response object (with `repeat`, also
/// `t_ns` and `t_op_ns`, docs/cli.md).
pub fn handle(line: &J) -> J {
    handle_value(&V::from_json(line))
}

/// [`handle`] of a request decoded by [`crate::json`](mod@crate::json) (what `batch` reads).
pub fn handle_value(line: &V<'_>) -> J {
    respond(line).into_json()
}

/// The response to a request, to be written as JSON ([`Response::write`]) or made a JSON
/// object ([`Response::into_json`]): the two give the same text.
#[derive(Debug)]
pub struct Response<'r>(Resp<'r>);

#[derive(Debug)]
enum Resp<'r> {
    Json(J),
    /// `{"id": id, "ok": true, fields...}`, kept as its parts: building it as a
    /// `serde_json::Map` (an `IndexMap`, a `String` per key, the id copied) and dropping it
    /// cost about as much as writing it.
    Answer {
        id: Option<&'r V<'r>>,
        fields: Answer,
    },
}

impl<'r> Response<'r> {
    /// A response made as a JSON value.
    pub fn json(j: J) -> Self {
        Response(Resp::Json(j))
    }

    /// The response as a JSON object.
    pub fn into_json(self) -> J {
        match self.0 {
            Resp::Json(j) => j,
            Resp::Answer { id, fields } => {
                let mut resp = Map::new();
                if let Some(id) = id {
                    resp.insert("id".into(), id.to_json());
                }
                resp.insert("ok".into(), J::Bool(true));
                for (k, v) in fields {
                    resp.insert(k.to_owned(), v);
                }
                J::Object(resp)
            }
        }
    }

    /// Writes the response as `serde_json::to_writer` writes [`Response::into_json`]: compact,
    /// the keys in their order, serde_json's escapes and numbers (strings through
    /// [`crate::json::write_str`], every other value through serde_json; the keys of the
    /// answer fields differ from each other and from `id` and `ok`, so the object has each
    /// once, as the `Map` would).
    pub fn write(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        self.write_with_id(out, None)
    }

    /// [`Response::write`] with the id's text given as `written` (JSON text, written as it
    /// is, in place of the id's value; lib.rs `written_id`), when there is one.
    pub fn write_with_id(
        &self,
        out: &mut impl std::io::Write,
        written: Option<&str>,
    ) -> std::io::Result<()> {
        match &self.0 {
            Resp::Json(J::Object(m)) if written.is_some() && m.contains_key("id") => {
                // serde_json's compact object, the id's value replaced.
                out.write_all(b"{")?;
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        out.write_all(b",")?;
                    }
                    crate::json::write_str(k, out)?;
                    out.write_all(b":")?;
                    match written {
                        Some(w) if k == "id" => out.write_all(w.as_bytes())?,
                        _ => serde_json::to_writer(&mut *out, v)?,
                    }
                }
                out.write_all(b"}")
            }
            Resp::Json(j) => serde_json::to_writer(out, j).map_err(std::io::Error::from),
            Resp::Answer { id, fields } => {
                out.write_all(b"{")?;
                if let Some(id) = id {
                    out.write_all(b"\"id\":")?;
                    match written {
                        Some(w) => out.write_all(w.as_bytes())?,
                        None => id.write_json(out)?,
                    }
                    out.write_all(b",")?;
                }
                out.write_all(b"\"ok\":true")?;
                for (k, v) in fields {
                    out.write_all(b",")?;
                    crate::json::write_str(k, out)?;
                    out.write_all(b":")?;
                    match v {
                        J::String(s) => crate::json::write_str(s, out)?,
                        _ => serde_json::to_writer(&mut *out, v)?,
                    }
                }
                out.write_all(b"}")
            }
        }
    }
}

/// [`handle_value`] as a [`Response`].
pub fn respond<'r>(line: &'r V<'r>) -> Response<'r> {
    let id = line.get("id");
    let resp = || {
        let mut resp = Map::new();
        if let Some(id) = id {
            resp.insert("id".into(), id.to_json());
        }
        resp
    };
    let repeat = match line.get("repeat") {
        None => None,
        // Bounded so that one line cannot stall the stream for hours; said, never clamped.
        Some(v) => match v.as_u64() {
            Some(n) if (1..=MAX_REPEAT).contains(&n) => Some(n),
            _ => {
                return Response::json(fail(
                    resp(),
                    req_err(format!(
                        "'repeat' must be an integer from 1 to {MAX_REPEAT}"
                    )),
                ));
            }
        },
    };
    let n = repeat.unwrap_or(1);
    // The request is read and checked once: decoding JSON is not part of the timed request.
    let req = match decode(line) {
        Ok(r) => r,
        Err(f) => return Response::json(fail(resp(), f)),
    };
    // Per repetition: the whole request and the operation alone. Every repetition runs the
    // whole request on a fresh context, so the operation's time is taken on a context where
    // this repetition parsed the input and set the facts, with nothing left by an earlier one.
    // The whole request's repetitions read no clock inside (two readings around the
    // operation would add their own cost to `t_ns`); with `repeat`, as many more repetitions
    // then time the operation alone.
    // Without `repeat` nothing is timed: no clock readings, no list of times.
    let timed = repeat.is_some();
    let mut times: Vec<u128> = Vec::with_capacity(if timed { n as usize } else { 0 });
    let mut op_times: Vec<u128> = Vec::new();
    let mut last: Result<Answer, Failure> = Err(req_err("no run"));
    for _ in 0..n {
        let t = timed.then(Instant::now);
        // (Timed repetitions neither reuse nor keep facts: each is the whole request.)
        let r = run(&req, &mut OpTime::default(), !timed);
        if let Some(t) = t {
            times.push(t.elapsed().as_nanos());
        }
        // The previous repetition's answer is freed after the clock stops.
        last = r;
        if last.is_err() {
            break;
        }
    }
    if repeat.is_some() && last.is_ok() {
        op_times.reserve(n as usize);
        for _ in 0..n {
            let mut op = OpTime::timed();
            // The same request on a fresh context: the same answer as above.
            let _ = run(&req, &mut op, false);
            op_times.push(op.ns());
        }
    }
    match last {
        Ok(fields) if repeat.is_none() => Response(Resp::Answer { id, fields }),
        Ok(fields) => {
            let mut resp = resp();
            resp.insert("ok".into(), J::Bool(true));
            for (k, v) in fields {
                resp.insert(k.to_owned(), v);
            }
            resp.insert("t_ns".into(), json!(median(&mut times)));
            resp.insert("t_op_ns".into(), json!(median(&mut op_times)));
            Response::json(J::Object(resp))
        }
        Err(f) => Response::json(fail(resp(), f)),
    }
}

/// The median of `ns` (the upper one of an even count), in whole nanoseconds.
fn median(ns: &mut [u128]) -> u64 {
    ns.sort_unstable();
    u64::try_from(ns[ns.len() / 2]).unwrap_or(u64::MAX)
}

/// The time of the operation alone within one run of a request (`t_op_ns`): from after the
/// input is parsed and the facts are set to before the answer is printed.
/// Reads the clock only when made by [`OpTime::timed`].
#[derive(Default)]
struct OpTime {
    on: bool,
    start: Option<Instant>,
    ns: u128,
}

impl OpTime {
    fn timed() -> Self {
        OpTime {
            on: true,
            ..OpTime::default()
        }
    }

    fn start(&mut self) {
        if self.on {
            self.start = Some(Instant::now());
        }
    }

    fn stop(&mut self) {
        if let Some(t) = self.start.take() {
            self.ns = t.elapsed().as_nanos();
        }
    }

    fn ns(&self) -> u128 {
        self.ns
    }
}

fn fail(mut resp: Map<String, J>, f: Failure) -> J {
    // A column counts from the start of the string the message names.
    let message = match &f.at {
        Some(a) => format!("{}: {}", a.path(), f.message),
        None => f.message,
    };
    resp.insert("ok".into(), J::Bool(false));
    resp.insert("error".into(), json!({"kind": f.kind, "message": message}));
    J::Object(resp)
}

/// The answer fields of one request, or why it failed (the single-shot subcommands, which
/// print failures with the command-line argument they are about).
pub fn answer(line: &J) -> Result<Map<String, J>, Failure> {
    run(&decode(&V::from_json(line))?, &mut OpTime::default(), true).map(to_map)
}

/// The answer fields of a request in their order, as the timed run makes them: the JSON
/// object is built from them after the clock stops (building it, with a key string, a hash
/// table and an entry list allocated per request, is encoding, as decoding the request is).
type Answer = Vec<(&'static str, J)>;

/// The fields of an [`Answer`] as a JSON object.
fn to_map(fields: Answer) -> Map<String, J> {
    fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// The fields of a request object, found in one pass over its entries.
#[derive(Clone, Copy, Default)]
struct Fields<'a> {
    op: Option<&'a V<'a>>,
    expr: Option<&'a V<'a>>,
    ranges: Option<&'a V<'a>>,
    types: Option<&'a V<'a>>,
    assume: Option<&'a V<'a>>,
    symbol: Option<&'a V<'a>>,
    values: Option<&'a V<'a>>,
    form: Option<&'a V<'a>>,
    deep: Option<&'a V<'a>>,
    limits: Option<&'a V<'a>>,
    /// The assumptions the constant ranges imply ([`implied_assumptions`], bit `i` for the
    /// `i`-th): set by each run of the request ([`answer_in`]), 0 until then.
    implied: u64,
}

/// A request read and checked (docs/cli.md): what every run of it needs, without looking
/// anything up in the JSON object again.
struct Req<'a> {
    f: Fields<'a>,
    op: &'a str,
    text: &'a str,
    compact: bool,
    deep: bool,
    limits: Limits,
}

fn str_field<'a>(v: Option<&'a V<'a>>, name: &str) -> Result<Option<&'a str>, Failure> {
    match v {
        None | Some(V::Null) => Ok(None),
        Some(V::String(s)) => Ok(Some(s)),
        Some(_) => Err(req_err(format!("'{name}' must be a string"))),
    }
}

/// Why the JSON number `n`, a range end (`range_end`) or a value of the integer symbol
/// `name`, is not one. JSON numbers are read as 64-bit integers or as doubles (serde_json
/// without arbitrary precision): an
/// integer beyond 64 bits arrives as a double, whose text (`1.8446744073709552e+19` for 2^64)
/// is not what the request wrote, so it is named for what it is.
fn not_an_i64(n: &serde_json::Number, name: &str, range_end: bool) -> String {
    let what = if n.is_u64() {
        // Exact: between 2^63 and 2^64 - 1.
        format!("{n} is beyond the 64-bit integers")
    } else {
        match n.as_f64() {
            Some(v) if v.is_finite() && v.fract() == 0.0 && v.abs() >= 2f64.powi(63) => {
                return format!(
                    "an integer beyond 64 bits ('{name}' is an integer symbol{})",
                    if range_end {
                        "; null is an unbounded end"
                    } else {
                        ""
                    }
                );
            }
            _ => format!("{n} is not a 64-bit integer"),
        }
    };
    format!("{what} ('{name}' is an integer symbol)")
}

/// The request's `limits` object (docs/cli.md): every name one of `sym::Limits::NAMES`, every
/// value a nonnegative integer. Absent: the defaults.
fn limits(v: Option<&V<'_>>) -> Result<Limits, Failure> {
    let mut l = Limits::default();
    let Some(v) = v else {
        return Ok(l);
    };
    let obj = v
        .as_object()
        .ok_or_else(|| req_err("'limits' must be an object {name: integer}"))?;
    for (name, val) in obj {
        if !Limits::NAMES.contains(&name.as_ref()) {
            return Err(req_err(format!(
                "unknown limit '{name}'{} (limits: {})",
                crate::suggest::did_you_mean(name, Limits::NAMES.iter().copied()),
                Limits::NAMES.join(", ")
            )));
        }
        let n = val.as_u64().ok_or_else(|| {
            req_err("must be a nonnegative integer").at(At::Limit(name.to_string()))
        })?;
        // The name is known: the only refusal left is a value beyond u32 (proof_work, nesting).
        l.set(name, n).map_err(|_| {
            req_err(format!("{n} is above the largest value, {}", u32::MAX))
                .at(At::Limit(name.to_string()))
        })?;
    }
    Ok(l)
}

/// A fresh context with the request's types, ranges and assumptions.
fn context(f: &Fields<'_>, cx: &mut Context) -> Result<(), Failure> {
    declare_types(f, cx)?;
    set_facts(f, cx)
}

/// Whether the request's facts are only ranges of integers (or unbounded ends) that pin no
/// symbol: no assumptions, and each range `[lo, hi]` on a valid symbol name with `lo < hi`
/// where both are integers. [`set_facts`] sets such facts without an error (it refuses names
/// that cannot be symbols, ends that are neither integers, `null` nor expressions, empty
/// ranges and bad assumptions, and such a request has none), and they cannot change the
/// simplification of a fixpoint ([`Context::is_simplify_fixpoint`]).
fn constant_ranges_only(f: &Fields<'_>) -> bool {
    if f.assume.is_some() {
        return false;
    }
    let Some(r) = f.ranges else {
        return true;
    };
    let Some(obj) = r.as_object() else {
        return false;
    };
    // The ends first (a symbolic end, the usual reason to decline, is found without checking
    // any name), then the names.
    obj.iter().all(|(_, pair)| match int_pair(pair) {
        Some((Some(a), Some(b))) => a < b,
        Some(_) => true,
        None => false,
    }) && obj.iter().all(|(name, _)| sym::is_symbol_name(name))
}

/// The bytes that rule out a plain polynomial's text before its facts are read (a
/// parenthesis, a division, a relation, a float, a call's comma): a table, one load per byte
/// where a `matches!` of the eleven bytes compared each byte several times.
const NOT_PLAIN_POLYNOMIAL: [bool; 256] = {
    let mut table = [false; 256];
    let bytes = b"(/%<>=!&|.,";
    let mut k = 0;
    while k < bytes.len() {
        table[bytes[k] as usize] = true;
        k += 1;
    }
    table
};

/// How many ranges [`plain_facts`] gathers in an array on the stack (real requests have up to
/// twelve; more go to a vector: an allocation and its release).
const FEW_PLAIN_RANGES: usize = 12;

/// The most assumptions [`Context::plain_facts`] reads (it declines more), gathered in an
/// array on the stack.
const MOST_PLAIN_ASSUMPTIONS: usize = 16;

/// Whether the request's facts are plain ([`Context::plain_facts`]): ranges whose ends are
/// integers, `null`s or strings, assumptions that are strings, read by `plain_facts` on the
/// fresh context `cx`, without the assumptions the constant ranges imply (`f.implied`:
/// facts already). `false` for any other shape (setting them reports it), and for more
/// than [`MOST_PLAIN_ASSUMPTIONS`] other assumptions (which `plain_facts` declines).
fn plain_facts(f: &Fields<'_>, cx: &Context) -> bool {
    let mut assume = [""; MOST_PLAIN_ASSUMPTIONS];
    let mut na = 0;
    if let Some(a) = f.assume {
        let Some(arr) = a.as_array() else {
            return false;
        };
        for (i, p) in arr.iter().enumerate() {
            let Some(t) = p.as_str() else {
                return false;
            };
            // Those the constant ranges imply are facts already.
            if i < 64 && f.implied >> i & 1 == 1 {
                continue;
            }
            if na == MOST_PLAIN_ASSUMPTIONS {
                return false;
            }
            assume[na] = t;
            na += 1;
        }
    }
    let mut few = [("", EndText::Unbounded, EndText::Unbounded); FEW_PLAIN_RANGES];
    let mut many = Vec::new();
    let mut nr = 0;
    if let Some(r) = f.ranges {
        let Some(obj) = r.as_object() else {
            return false;
        };
        if obj.len() <= FEW_PLAIN_RANGES {
            for (slot, entry) in few.iter_mut().zip(obj.iter()) {
                let Some(r) = plain_range(entry) else {
                    return false;
                };
                *slot = r;
            }
            nr = obj.len();
        } else {
            many.reserve(obj.len());
            for entry in obj.iter() {
                let Some(r) = plain_range(entry) else {
                    return false;
                };
                many.push(r);
            }
        }
    }
    let ranges = if many.is_empty() {
        &few[..nr]
    } else {
        &many[..]
    };
    cx.plain_facts(ranges, &assume[..na])
}

/// A range of the request as [`Context::plain_facts`] reads it: its name and ends, when it
/// is a pair of ends ([`end_text`]).
fn plain_range<'f>(
    (name, pair): &'f (std::borrow::Cow<'_, str>, V<'_>),
) -> Option<(&'f str, EndText<'f>, EndText<'f>)> {
    let Some([lo, hi]) = pair.as_array() else {
        return None;
    };
    Some((&**name, end_text(lo)?, end_text(hi)?))
}

/// A range end of the request as [`Context::plain_facts`] reads it: `null`, a 64-bit integer
/// or a string; `None` for anything else.
fn end_text<'v>(v: &'v V<'_>) -> Option<EndText<'v>> {
    match v {
        V::Null => Some(EndText::Unbounded),
        V::Number(_) => v.as_i64().map(EndText::Int),
        V::String(t) => Some(EndText::Text(t)),
        _ => None,
    }
}

/// A range `[lo, hi]` whose ends are integers or `null` (`None`), else `None`.
fn int_pair(pair: &V<'_>) -> Option<(Option<i64>, Option<i64>)> {
    let end = |v: &V<'_>| match end_text(v)? {
        EndText::Unbounded => Some(None),
        EndText::Int(k) => Some(Some(k)),
        EndText::Text(_) => None,
    };
    match pair.as_array()? {
        [lo, hi] => Some((end(lo)?, end(hi)?)),
        _ => None,
    }
}

/// A range as [`Context::monotone_bound_text`] reads it: `(name, lo, hi)`, an unbounded `lo`
/// as `i64::MIN`, an unbounded `hi` as `None`.
type IntRange<'f> = (&'f str, i64, Option<i64>);

/// How many ranges [`int_ranges`] reads into an array on the stack (a bound request has a
/// few; more go to a vector: an allocation and its release cost more than the walk of a
/// short text's symbols).
const FEW_RANGES: usize = 8;

/// The request's ranges as `(name, lo, hi)` (an unbounded `lo` as `i64::MIN`) when each is
/// a pair of integers or `null`s (the names and the order of the ends unchecked), and no
/// lower end is the integer `i64::MIN` (which would read as unbounded): in `few` when they
/// fit, else in `many`.
fn int_ranges<'f, 'b>(
    f: &'f Fields<'_>,
    few: &'b mut [IntRange<'f>; FEW_RANGES],
    many: &'b mut Vec<IntRange<'f>>,
) -> Option<&'b [IntRange<'f>]> {
    int_ranges_of::<false>(f, few, many)
}

/// [`int_ranges`], or with `SKIP` the ranges whose ends are integers or `null`s alone (those
/// with an end over symbols left out).
fn int_ranges_of<'f, 'b, const SKIP: bool>(
    f: &'f Fields<'_>,
    few: &'b mut [IntRange<'f>; FEW_RANGES],
    many: &'b mut Vec<IntRange<'f>>,
) -> Option<&'b [IntRange<'f>]> {
    let Some(r) = f.ranges else {
        return Some(&few[..0]);
    };
    let obj = r.as_object()?;
    if obj.len() > FEW_RANGES {
        many.reserve(obj.len());
    }
    let mut n = 0;
    for (name, pair) in obj.iter() {
        let Some((lo, hi)) = int_pair(pair) else {
            if SKIP {
                continue;
            }
            return None;
        };
        if lo == Some(i64::MIN) {
            return None;
        }
        let range = (&**name, lo.unwrap_or(i64::MIN), hi);
        if obj.len() <= FEW_RANGES {
            few[n] = range;
            n += 1;
        } else {
            many.push(range);
        }
    }
    Some(if obj.len() <= FEW_RANGES {
        &few[..n]
    } else {
        many
    })
}

/// The answer `t` of `Context::simplified_polynomial_text`: the operation is the identity,
/// so nothing runs between the two clock readings of `t_op_ns`.
fn text_answer(mut out: Answer, op_time: &mut OpTime, t: String) -> Answer {
    op_time.start();
    op_time.stop();
    out.push(("expr", J::String(t)));
    out
}

/// The request's types ([`context`]'s first step).
fn declare_types(f: &Fields<'_>, cx: &mut Context) -> Result<(), Failure> {
    if let Some(t) = f.types {
        let obj = t
            .as_object()
            .ok_or_else(|| req_err("'types' must be an object {name: \"int\"|\"float\"}"))?;
        for (name, ty) in obj {
            let ty = match ty.as_str() {
                Some("int") => Ty::Int,
                Some("float") => Ty::Float,
                _ => {
                    return Err(req_err(format!(
                        "type of '{name}' must be \"int\" or \"float\""
                    )));
                }
            };
            cx.declare(name, ty)
                .map_err(at(|| At::Type(name.to_string())))?;
        }
    }
    Ok(())
}

/// The request's ranges and assumptions, checked ([`context`] after the types).
fn set_facts(f: &Fields<'_>, cx: &mut Context) -> Result<(), Failure> {
    set_facts_finding::<false>(f, cx, "").map(drop)
}

/// [`set_facts`], answering with `FIND` the symbol of the range whose name is `want` (a solve
/// request's target, trimmed), which `Context::lookup(want)` finds afterwards: the symbol
/// `Context::symbol` made or found for that name (a name maps to one symbol, and nothing
/// after the facts removes one). The caller then skips that lookup (hashing the name again
/// and probing). Without `FIND` (every other request) nothing is compared.
fn set_facts_finding<const FIND: bool>(
    f: &Fields<'_>,
    cx: &mut Context,
    want: &str,
) -> Result<Option<sym::Symbol>, Failure> {
    set_facts_of::<FIND, true>(f, cx, want, 0)
}

/// [`set_facts_finding`] of every range (`ALL`), or of the ranges of `taken` alone (bit `i`
/// for the `i`-th range: [`related_ranges`]), in the request's order.
#[inline(always)]
fn set_facts_of<const FIND: bool, const ALL: bool>(
    f: &Fields<'_>,
    cx: &mut Context,
    want: &str,
    taken: u32,
) -> Result<Option<sym::Symbol>, Failure> {
    let mut wanted = None;
    let implied = f.implied;
    if let Some(r) = f.ranges {
        let obj = r
            .as_object()
            .ok_or_else(|| req_err("'ranges' must be an object {name: [lo, hi]}"))?;
        for (i, (name, pair)) in obj.iter().enumerate() {
            if !ALL && taken & (1 << i) == 0 {
                continue;
            }
            let arr = pair.as_array().filter(|a| a.len() == 2).ok_or_else(|| {
                req_err(format!(
                    "range of '{name}' must be a two-element array [lo, hi]"
                ))
            })?;
            let s = cx
                .symbol(name)
                .map_err(at(|| At::Range(name.to_string(), None)))?;
            if FIND && want == &**name {
                wanted = Some(s);
            }
            let mut ends = [RangeEnd::Infinite; 2];
            for (j, v) in arr.iter().enumerate() {
                ends[j] = match v {
                    V::Null => RangeEnd::Infinite,
                    V::Number(n) => {
                        if let Some(k) = n.as_i64() {
                            RangeEnd::Expr(cx.int(k))
                        } else if cx.sym_ty(s) == Ty::Float {
                            RangeEnd::Expr(cx.float(n.as_f64().unwrap_or(f64::NAN)))
                        } else {
                            return Err(Failure {
                                kind: "range",
                                message: not_an_i64(n, name, true),
                                at: Some(At::Range(name.to_string(), Some(j))),
                                col: None,
                            });
                        }
                    }
                    // A blank text is no expression (`null` is the unbounded end): the error of
                    // an empty expression, where the library's range-end reader (the CLI's
                    // `--range s0=2..`) takes it for infinite.
                    V::String(t) if t.trim().is_empty() => cx
                        .parse(t)
                        .map(|_| RangeEnd::Infinite)
                        .map_err(at(|| At::Range(name.to_string(), Some(j))))?,
                    V::String(t) => cx
                        .parse_range_end_of(t, j == 1)
                        .map_err(at(|| At::Range(name.to_string(), Some(j))))?,
                    _ => {
                        return Err(req_err(format!(
                            "range end of '{name}' must be an integer, null or an expression string"
                        )));
                    }
                };
            }
            cx.set_range(s, ends[0], ends[1])
                .map_err(at(|| At::Range(name.to_string(), None)))?;
        }
    }
    if let Some(a) = f.assume {
        let arr = a
            .as_array()
            .ok_or_else(|| req_err("'assume' must be an array of strings"))?;
        for (i, p) in arr.iter().enumerate() {
            let t = p
                .as_str()
                .ok_or_else(|| req_err("'assume' must be an array of strings"))?;
            if i < 64 && implied >> i & 1 == 1 {
                continue;
            }
            // Bounds of symbols by constants tighten their ranges (the ranges are set above),
            // read from the text when it is one (`Context::add_fact_text`).
            cx.add_fact_text(t).map_err(at(|| At::Assume(i)))?;
        }
    }
    if let Err(e) = cx.check_facts() {
        if implied != 0 {
            // Contradictory facts: the message names the assumptions, so they are all set,
            // as the request gives them, on the context cleared (it was blank before the
            // facts: `implied_assumptions`).
            cx.clear();
            let all = Fields { implied: 0, ..*f };
            return set_facts_of::<FIND, ALL>(&all, cx, want, taken);
        }
        return Err(e.into());
    }
    Ok(wanted)
}

/// The assumptions of the request that its constant ranges imply (bit `i` for the `i`-th,
/// among the first 64), read on the blank context `cx` before any fact is set: those whose
/// text [`Context::monotone_bound_text`] finds true at every point of the box of the
/// request's ranges with integer or `null` ends (a range with an end over symbols is left
/// out: its symbol is an unbounded integer there, so the box holds every assignment of the
/// facts). Such an assumption adds nothing to the facts (every assignment of the ranges
/// satisfies it) and cannot fail to parse or be contradictory (the walk answers only what
/// parsing and bounding the text answer): [`set_facts_of`] and [`plain_facts`] leave it
/// out. Compilers send their shape environment's guards with every question, and most of
/// them are such (`Ne(s53 - 4, 1)` with `s53 >= 9`: 86% of the assumptions of the real
/// `simplify` requests with ranges).
///
/// What this saves is mostly the request's facts as a whole: with every assumption implied
/// or a bound of a symbol by a literal, the facts are plain ([`plain_facts`]) and a plain
/// polynomial is answered from its text. One implied assumption alone saves about what its
/// walk costs (parsing it costs about as much), so the walk is tried only where the facts
/// can become so: each assumption a bound ([`Assumption::Bound`]) or worth a walk
/// ([`Assumption::Candidate`]), and it stops at the first candidate not found implied. 0
/// otherwise, with types declared (the walk reads every name as an integer), on a context
/// that is not blank or has node limits, and without assumptions.
#[inline(never)]
fn implied_assumptions(f: &Fields<'_>, cx: &mut Context) -> u64 {
    let Some(V::Array(arr)) = f.assume else {
        return 0;
    };
    if arr.is_empty()
        || arr.len() > 64
        || f.types
            .is_some_and(|t| !matches!(t, V::Object(o) if o.is_empty()))
    {
        return 0;
    }
    // The heads and lengths first (an equation or a long text, common among many
    // assumptions, declines before any text is scanned), then the texts.
    let texts = || arr.iter().map(|p| p.as_str().unwrap_or(""));
    if texts().any(|t| !may_be_candidate(t.as_bytes())) {
        return 0;
    }
    let mut candidates = 0u64;
    for (i, t) in texts().enumerate() {
        match assumption_kind(t) {
            Assumption::Bound => {}
            Assumption::Candidate => candidates |= 1 << i,
            Assumption::Other => return 0,
        }
    }
    if candidates == 0 {
        return 0;
    }
    let mut few = [("", 0, None); FEW_RANGES];
    let mut many = Vec::new();
    let Some(ranges) = int_ranges_of::<true>(f, &mut few, &mut many) else {
        return 0;
    };
    let mut mask = 0u64;
    for (i, p) in arr.iter().enumerate() {
        if candidates >> i & 1 == 0 {
            continue;
        }
        let V::String(t) = p else { return mask };
        if cx.monotone_bound_text(t, ranges) != Some(Bound::Bool { lo: true, hi: true }) {
            return mask;
        }
        mask |= 1 << i;
    }
    mask
}

/// The assumptions of a `simplify` request of a plain polynomial that its answer cannot
/// depend on (bit `i` for the `i`-th, among the first 64), and whether any other is left
/// that is no bound: each that is not an [`Assumption::Bound`] (a bound of a symbol by a
/// literal, which can empty a range: kept, and checked as before) and that
/// [`sym::plain_bool_text`] reads (parsing it would succeed, as a boolean). The answer is
/// the polynomial's normal form, written from its text (`simplified_polynomial_text`), or,
/// where a range of one value pins a symbol, the normal form with that value substituted:
/// only ranges change it, never an assumption that does not fold into one (`add_fact`
/// folds bounds only, and only into ranges of two values or more). So such an assumption is
/// left out like an implied one (`Fields::implied`): neither parsed nor set, which was most
/// of such a request (`Ne(Mod(FloorDiv(s53, 2), (s0 + 1)*FloorDiv(s53, 2)), 0)` about 5,000
/// instructions, its reading a few hundred). What is lost: a contradiction among them is
/// not reported (the answer is then right for every assignment, of which there is none;
/// docs/cli.md). `(0, true)` for any other request (`types`, `deep`, `compact`, a node
/// limit, a text that is no plain polynomial: a byte scan, as the plain path's).
fn polynomial_irrelevant(req: &Req<'_>) -> (u64, bool) {
    let f = &req.f;
    let Some(V::Array(arr)) = f.assume else {
        return (0, false);
    };
    if !plain_simplify(req)
        || req
            .text
            .bytes()
            .any(|c| NOT_PLAIN_POLYNOMIAL[usize::from(c)])
    {
        return (0, true);
    }
    let mut skip = 0u64;
    let mut rest = false;
    for (i, p) in arr.iter().enumerate() {
        match p.as_str() {
            Some(t) if assumption_kind(t) == Assumption::Bound => {}
            Some(t) if i < 64 && sym::plain_bool_text(t) => skip |= 1 << i,
            _ => rest = true,
        }
    }
    (skip, rest)
}

/// Whether a request is a `simplify` that a plain polynomial's text may answer: not `deep`
/// or `compact`, under no limit, without types ([`polynomial_irrelevant`], and `answer_in`'s
/// plain paths).
fn plain_simplify(req: &Req<'_>) -> bool {
    req.op == "simplify"
        && !req.deep
        && !req.compact
        && req.limits.input_nodes == usize::MAX
        && !req.limits.caps_context()
        && req
            .f
            .types
            .is_none_or(|t| matches!(t, V::Object(o) if o.is_empty()))
}

/// The longest assumption [`implied_assumptions`] walks: among the real requests' longer
/// ones (a third of them) the walk found 136 of about 2,000 implied, and declined the others
/// late, after reading most of the text (relations whose sides share a symbol).
const LONGEST_IMPLIED: usize = 64;

/// An assumption's text as [`implied_assumptions`] sorts it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Assumption {
    /// A `Lt`, `Le`, `Gt`, `Ge` with no parenthesis inside, or an `And` of such: most likely
    /// a bound of a symbol by a literal, which `Context::add_fact_text` folds into the ranges
    /// at about the cost of reading it, and which `Context::plain_facts` takes as it is.
    Bound,
    /// Worth a walk: a `Ne`, or a `Lt`, `Le`, `Gt`, `Ge` with a parenthesis inside, of at
    /// most [`LONGEST_IMPLIED`] bytes, with no symbol's name twice and no `Mod`. Of the real
    /// requests' assumptions of the first two shapes, the walk declined every one with a name
    /// twice (2,700: a relation whose sides share a symbol is monotone in it only by chance)
    /// or with a `Mod` (130), and found 3,000 of the others implied, declining 17.
    Candidate,
    /// Anything else (an equation: none of the real requests' was implied).
    Other,
}

/// Whether the assumption `t` may be an [`Assumption::Bound`] or an
/// [`Assumption::Candidate`], by its head and length alone.
fn may_be_candidate(b: &[u8]) -> bool {
    match b.get(..3) {
        Some(b"Lt(" | b"Le(" | b"Gt(" | b"Ge(" | b"Ne(") => b.len() <= LONGEST_IMPLIED,
        Some(b"And") => true,
        _ => false,
    }
}

/// Sorts the assumption `t` (see [`Assumption`]). A name is a maximal run of letters,
/// digits and `_` that starts with a letter or `_` and is not followed by `(` (a
/// function's name).
fn assumption_kind(t: &str) -> Assumption {
    let b = t.as_bytes();
    let inequality = matches!(b.get(..3), Some(b"Lt(" | b"Le(" | b"Gt(" | b"Ge("));
    let nested = inequality && b[3..].contains(&b'(');
    if inequality && !nested {
        return Assumption::Bound;
    }
    if b.starts_with(b"And(") {
        // Every inner parenthesis opens one of the four inequalities.
        let bounds = b
            .iter()
            .enumerate()
            .skip(4)
            .filter(|&(_, &c)| c == b'(')
            .all(|(j, _)| j >= 2 && matches!(&b[j - 2..j], b"Lt" | b"Le" | b"Gt" | b"Ge"));
        return if bounds {
            Assumption::Bound
        } else {
            Assumption::Other
        };
    }
    if !(nested || b.starts_with(b"Ne(")) || b.len() > LONGEST_IMPLIED {
        return Assumption::Other;
    }
    // The names read so far (a text of at most 64 bytes holds at most 31 after its head).
    let mut names: [&[u8]; LONGEST_IMPLIED / 2] = [&[]; LONGEST_IMPLIED / 2];
    let mut n = 0;
    let mut i = 3;
    while i < b.len() {
        let c = b[i];
        if NAME_BYTE[usize::from(c)] == 0 {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && NAME_BYTE[usize::from(b[i])] != 0 {
            i += 1;
        }
        let name = &b[start..i];
        if NAME_BYTE[usize::from(c)] == 2 {
            continue; // a literal
        }
        if b.get(i) == Some(&b'(') {
            if name == b"Mod" {
                return Assumption::Other;
            }
            continue;
        }
        if names[..n].contains(&name) {
            return Assumption::Other;
        }
        names[n] = name;
        n += 1;
    }
    Assumption::Candidate
}

/// How many ranges [`related_ranges`] reads (a bit each; more declines).
const MOST_RELATED: usize = 32;

/// The longest expression text whose facts [`related_ranges`] reads (the expressions whose
/// facts are most of the request are short; a long one is parsed after its facts, as before).
const LONGEST_RELATED_TEXT: usize = 64;

/// A name's key for [`related_ranges`]: its length and first seven bytes. Two names with one
/// key are read as one, which can only join more ranges.
#[inline]
fn name_key(b: &[u8]) -> u64 {
    let mut k = (b.len().min(255) as u64) << 56;
    for (j, &c) in b.iter().take(7).enumerate() {
        k |= u64::from(c) << (8 * j);
    }
    k
}

/// The bytes of names for [`names_mask`]: 1 for a letter or `_`, 2 for a digit, 0 for any
/// other byte (a table: one load per byte).
const NAME_BYTE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        table[c] = if b.is_ascii_alphabetic() || b == b'_' {
            1
        } else if b.is_ascii_digit() {
            2
        } else {
            0
        };
        c += 1;
    }
    table
};

/// The names of `t` as a mask of `keys` (bit `i` for a name of key `keys[i]`, the ranges'
/// names). A name is a maximal run of identifier bytes (`[A-Za-z0-9_]`) that does not start
/// with a digit. `None` for a run that starts with a digit and holds a letter (`1e5`), and
/// for a name of no key (a symbol without a range, or a function's name: declined, so that
/// two ends are joined by the ranges' names alone).
#[inline]
fn names_mask(t: &str, keys: &[u64]) -> Option<u32> {
    let b = t.as_bytes();
    let mut mask = 0u32;
    // The class of the byte before `i` (`NAME_BYTE`; 0 at the start and after a name).
    let mut prev = 0;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let class = NAME_BYTE[usize::from(c)];
        if class != 1 {
            prev = class;
            i += 1;
            continue;
        }
        if prev == 2 {
            // A letter after digits (`1e5`).
            return None;
        }
        // A name: its length and first seven bytes (`name_key`), read as it goes.
        let start = i;
        let mut key = u64::from(c);
        i += 1;
        while let Some(&c) = b.get(i) {
            if NAME_BYTE[usize::from(c)] == 0 {
                break;
            }
            if i - start < 7 {
                key |= u64::from(c) << (8 * (i - start));
            }
            i += 1;
        }
        key |= ((i - start).min(255) as u64) << 56;
        debug_assert_eq!(key, name_key(&b[start..i]));
        match keys.iter().position(|&m| m == key) {
            Some(k) => mask |= 1 << k,
            None => return None,
        }
        prev = 0;
    }
    Some(mask)
}

/// Which of the request's ranges (bit `i` for the `i`-th) can tell anything about the
/// expression parsed on the fresh context `cx` (so its symbols are the context's): those of
/// its connected component in the graph that joins every range to the ranges whose names its
/// ends mention (and to those that mention its name), started from the ranges of the
/// expression's symbols. The others mention no symbol that the expression or a range taken
/// mentions (an end that mentions a name without a range declines): their symbols are none
/// of the expression's or of the facts taken, so the facts are those taken and facts on other
/// symbols alone. When those others are set without an error and can hold
/// ([`skipped_ranges_hold`]: some assignment satisfies them), an identity of the expression's
/// symbols holds wherever the facts taken hold exactly when it holds wherever all of them
/// hold (an assignment of the facts taken extends, by the witness' values of the other
/// symbols, to one of all the facts, and the expression does not read those): the
/// simplification under the facts taken is one under all of them.
///
/// `None` (set them all) when every range is taken (found first, without reading an end,
/// when every range with an end over names is one of the expression's symbols, as in most
/// requests), for more than [`MOST_RELATED`] ranges, ends that are neither `null`, integers
/// nor strings, and two names of one [`name_key`].
#[inline(never)]
fn related_ranges(f: &Fields<'_>, cx: &Context) -> Option<u32> {
    let obj = f.ranges?.as_object()?;
    if obj.len() > MOST_RELATED {
        return None;
    }
    // A range of one of the expression's symbols is taken, and one with constant (or
    // infinite) ends is left out only where no range taken mentions it: in real requests,
    // one of an index (`q0` in `[0, s77 - 1]`) that the expression does not name.
    let text_end = |pair: &V<'_>| match pair {
        V::Array(ends) => ends.iter().any(|e| matches!(e, V::String(_))),
        _ => false,
    };
    if !obj
        .iter()
        .any(|(name, pair)| text_end(pair) && cx.lookup(name).is_none())
    {
        return None;
    }
    let mut keys = [0u64; MOST_RELATED];
    let mut mentioned = 0u32;
    for (i, ((name, _), key)) in obj.iter().zip(keys.iter_mut()).enumerate() {
        *key = name_key(name.as_bytes());
        if cx.lookup(name).is_some() {
            mentioned |= 1 << i;
        }
    }
    let keys = &keys[..obj.len()];
    // Two names of one key (a name twice: the later range replaces the earlier one) are
    // not told apart: declined.
    if keys
        .iter()
        .enumerate()
        .any(|(i, k)| keys[i + 1..].contains(k))
    {
        return None;
    }
    let all = u32::MAX >> (32 - obj.len());
    // Each range's bit and those of the ranges its ends mention.
    let mut masks = [0u32; MOST_RELATED];
    for (i, ((_, pair), slot)) in obj.iter().zip(masks.iter_mut()).enumerate() {
        let mut m = 1 << i;
        for end in pair.as_array()? {
            match end {
                V::String(t) => m |= names_mask(t, keys)?,
                V::Null | V::Number(_) => {}
                _ => return None,
            }
        }
        *slot = m;
    }
    let masks = &masks[..obj.len()];
    // The ranges joined to those of `mentioned` (a range is joined to another when its mask
    // meets the other's: one mentions the other, or both mention a third).
    let mut reached = mentioned;
    let mut taken = 0u32;
    loop {
        let before = taken;
        for (i, &m) in masks.iter().enumerate() {
            if taken & (1 << i) == 0 && m & reached != 0 {
                taken |= 1 << i;
                reached |= m;
            }
        }
        if taken == before {
            break;
        }
    }
    if taken == all {
        return None;
    }
    skipped_ranges_hold(obj, all & !taken).then_some(taken)
}

/// Whether the ranges of `skipped` (bit `i` for the `i`-th of `obj`, whose names' keys are
/// `keys`) are set without an error and can all hold at once, read in the shapes of real
/// requests (`[2, null]`, `[0, "3 - 1"]`, `[0, "s77 - 1"]`, `[0, "s27*s77 - 1"]`); `false` for
/// any other. Each name is a symbol's; each end is `null`, an integer, or a text that the
/// facts' plain reader evaluates ([`sym::range_end_value`]: sums and products of integers and
/// names, `//` by a literal, powers, parentheses; what the parser reads, an integer).
/// A range whose ends are constant (or infinite) is `lo <= hi` (`set_range` refuses others);
/// a name in an end is that of such a range among `skipped` (so no range is cyclic). Then
/// the assignment `w` giving each such symbol its lower end (else its upper end, else 0), and
/// each symbol of a range with an end over names the value of that end at `w`, satisfies
/// them all when `lo(w) <= hi(w)` for each of those (checked): `check_facts` cannot find any
/// empty for every assignment, and the facts of `skipped` hold at some assignment.
fn skipped_ranges_hold(obj: &[(std::borrow::Cow<'_, str>, V<'_>)], skipped: u32) -> bool {
    // An end's value with each name worth `value_of(name)`: `Some(Some(v))`, `Some(None)`
    // for `null` (infinite), `None` for an end not read (a name without a value among them).
    fn end_value(v: &V<'_>, value_of: impl Fn(&str) -> Option<i64>) -> Option<Option<i64>> {
        match v {
            V::Null => Some(None),
            V::Number(_) => v.as_i64().map(Some),
            V::String(t) => sym::range_end_value(t, value_of).map(Some),
            _ => None,
        }
    }
    // The witness of the constant ranges (bit set in `fixed`), and the ranges over names.
    let mut w = [0i64; MOST_RELATED];
    let mut fixed = 0u32;
    let mut over_names = 0u32;
    for (i, (name, pair)) in obj.iter().enumerate() {
        if skipped & (1 << i) == 0 {
            continue;
        }
        let Some([lo, hi]) = pair.as_array() else {
            return false;
        };
        if !sym::is_symbol_name(name) {
            return false;
        }
        // Constant ends (no name has a value yet; an end that names one is not read here).
        let constant = |v: &V<'_>| match v {
            V::String(t) if t.bytes().any(|c| NAME_BYTE[usize::from(c)] == 1) => None,
            v => end_value(v, |_| None),
        };
        match (constant(lo), constant(hi)) {
            (Some(a), Some(b)) => {
                if let (Some(a), Some(b)) = (a, b)
                    && a > b
                {
                    return false;
                }
                w[i] = a.or(b).unwrap_or(0);
                fixed |= 1 << i;
            }
            _ => over_names |= 1 << i,
        }
    }
    // A name's value: that of the constant range of that name among `skipped` (names are
    // given once: `related_ranges` declined repeated keys).
    let at = |n: &str| {
        let k = obj.iter().position(|(name, _)| name.as_ref() == n)?;
        (fixed & (1 << k) != 0).then_some(w[k])
    };
    for (i, (_, pair)) in obj.iter().enumerate() {
        if over_names & (1 << i) == 0 {
            continue;
        }
        let Some([lo, hi]) = pair.as_array() else {
            return false;
        };
        match (end_value(lo, at), end_value(hi, at)) {
            (Some(Some(a)), Some(Some(b))) if a <= b => {}
            (Some(Some(_)), Some(Some(_))) | (None, _) | (_, None) => return false,
            _ => {}
        }
    }
    true
}

fn decode<'a>(line: &'a V<'a>) -> Result<Req<'a>, Failure> {
    let obj = line
        .as_object()
        .ok_or_else(|| req_err("a request must be a JSON object"))?;
    let mut f = Fields::default();
    for (k, v) in obj {
        let slot = match k.as_ref() {
            "op" => &mut f.op,
            "expr" => &mut f.expr,
            "ranges" => &mut f.ranges,
            "types" => &mut f.types,
            "assume" => &mut f.assume,
            "symbol" => &mut f.symbol,
            "values" => &mut f.values,
            "form" => &mut f.form,
            "deep" => &mut f.deep,
            "limits" => &mut f.limits,
            k if FIELDS.contains(&k) => continue,
            _ => {
                return Err(req_err(format!(
                    "unknown request field '{k}'{}",
                    crate::suggest::did_you_mean(k, FIELDS.iter().copied())
                )));
            }
        };
        *slot = Some(v);
    }
    let limits = limits(f.limits)?;
    let op = str_field(f.op, "op")?.ok_or_else(|| req_err("missing 'op'"))?;
    if !matches!(op, "simplify" | "bound" | "solve" | "prove" | "eval") {
        return Err(req_err(format!(
            "unknown op '{op}' (simplify, bound, solve, prove, eval)"
        )));
    }
    let text = str_field(f.expr, "expr")?.ok_or_else(|| req_err("missing 'expr'"))?;
    if op != "solve" && f.symbol.is_some() {
        return Err(req_err("'symbol' is only used by solve"));
    }
    if op != "eval" && f.values.is_some() {
        return Err(req_err("'values' is only used by eval"));
    }
    // docs/cli.md: "canonical" (default) or "compact" (fewest operations; not canonical).
    let compact = match str_field(f.form, "form")? {
        None | Some("canonical") => false,
        Some("compact") => true,
        Some(other) => {
            return Err(req_err(format!(
                "'form' must be \"canonical\" or \"compact\", not {other:?}"
            )));
        }
    };
    if compact && op != "simplify" {
        return Err(req_err("'form' is only used by simplify"));
    }
    // docs/cli.md: equality saturation after the fast path (docs/deep.md).
    let deep = match f.deep {
        None => false,
        Some(V::Bool(b)) => *b,
        Some(_) => return Err(req_err("'deep' must be true or false")),
    };
    if deep && !matches!(op, "simplify" | "prove") {
        return Err(req_err("'deep' is only used by simplify and prove"));
    }
    if deep && str_field(f.form, "form")? == Some("canonical") {
        return Err(req_err(
            "'deep' answers in the compact form (not canonical); drop 'form' or use \"compact\"",
        ));
    }
    Ok(Req {
        f,
        op,
        text,
        compact,
        deep,
        limits,
    })
}

/// One run of a decoded request on the thread's cleared context, or, when `keep`, on its
/// context as it stood when the previous request had set the same facts ([`Reused`]).
/// Timed repetitions (`repeat`) pass `keep = false`: `t_ns` is the whole request on a fresh
/// context, setting its facts included (docs/cli.md), and nothing is kept for the next one.
fn run(req: &Req<'_>, op_time: &mut OpTime, keep: bool) -> Result<Answer, Failure> {
    REUSED.with(|c| {
        // A fresh context for every request (Context::clear: nothing of an earlier request
        // remains), keeping the allocations of the previous one. After a panic caught at the
        // request boundary the context is cleared here too, whatever state it was left in
        // (its mark is unusable during a request, and usable again only when it returns).
        let mut guard = c.borrow_mut();
        let Reused {
            cx,
            mark,
            marked,
            key,
        } = &mut *guard;
        // Unmarked during the request: a request that unwinds leaves the mark unusable.
        let was_marked = std::mem::replace(marked, false);
        let found = facts_kind(req);
        let kind = match found {
            FactsKind::Kept if !keep => FactsKind::Other,
            k => k,
        };
        // The same facts as those set and marked: back to that mark, which is what clearing
        // the context and setting them again would make (`Context::back_to_facts`).
        let reused = kind == FactsKind::Kept
            && was_marked
            && same_facts(&req.f, key)
            && mark.as_ref().is_some_and(|m| cx.back_to_facts(m));
        if !reused {
            cx.clear();
        }
        // (Setting the limits empties the memo of parsed texts, which a reused context keeps
        // under the same limits. A cleared context keeps its limits and has an empty memo:
        // under the same limits it is already the context setting them would make, so the
        // usual request, with the limits of the one before, sets nothing.)
        if cx.limits() != &req.limits {
            cx.set_limits(req.limits.clone());
        }
        let facts = match kind {
            _ if reused => Held::Set,
            FactsKind::Kept => {
                *mark = None;
                Held::Mark(mark)
            }
            FactsKind::Constant => Held::Constant,
            // A timed run of facts that could be kept: `facts_kind` has found that they are
            // not constant ranges alone, which `answer_in` then does not ask again.
            FactsKind::Other if found == FactsKind::Kept => Held::Varied,
            FactsKind::Other => Held::Fresh,
        };
        let out = answer_in(cx, req, op_time, facts);
        if reused {
            *marked = true;
        } else if kind == FactsKind::Kept && mark.is_some() {
            key.clear();
            *marked = write_facts(&req.f, key);
        }
        out
    })
}

/// The context a thread's requests reuse (see `run`), and the facts it holds set.
#[derive(Default)]
struct Reused {
    cx: Context,
    /// The context's state right after its facts were set on it cleared (the facts of
    /// `key`), valid when `marked`.
    mark: Option<sym::FactsMark>,
    /// Whether `mark` is the state of `cx` after the request that set its facts returned
    /// (not while a request runs: one that unwinds leaves it `false`).
    marked: bool,
    /// The facts of `mark` ([`write_facts`]).
    key: Vec<u8>,
}

thread_local! {
    /// The context a thread's requests reuse (see `run`): a binary's cache of allocations
    /// and of the facts of the previous request, not state of the library.
    static REUSED: std::cell::RefCell<Reused> = std::cell::RefCell::new(Reused::default());
}

/// How [`answer_in`] finds the context: cleared (with facts of constant ranges alone, known
/// to be so: [`FactsKind::Constant`]), cleared with its facts to be marked once set, or
/// holding the request's facts set.
enum Held<'m> {
    Fresh,
    /// Cleared, with facts known not to be constant ranges alone ([`constant_ranges_only`]
    /// answered `false` in [`facts_kind`]): [`Held::Fresh`] without asking it again.
    Varied,
    Constant,
    Mark(&'m mut Option<sym::FactsMark>),
    Set,
}

/// What [`facts_kind`] finds of a request's facts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FactsKind {
    /// Not a request whose facts are kept.
    Other,
    /// A `simplify` request that could keep them, with constant ranges alone
    /// ([`constant_ranges_only`]): those are set after the parse, or never (`answer_in`).
    Constant,
    /// Facts that may be kept set for the next request with the same facts.
    Kept,
}

/// Whether the request's facts may be kept set for the next request with the same facts:
/// a `simplify` request (not `deep`, not `compact`) under no limit and without types, whose
/// facts are not constant ranges alone ([`constant_ranges_only`]). Such a request sets its
/// facts on the cleared context before anything else is made (`answer_in`), so the context
/// then is what a mark keeps.
fn facts_kind(req: &Req<'_>) -> FactsKind {
    let f = &req.f;
    let keepable = req.op == "simplify"
        && !req.deep
        && !req.compact
        && req.limits.input_nodes == usize::MAX
        && !req.limits.caps_context()
        && f.types
            .is_none_or(|t| matches!(t, V::Object(o) if o.is_empty()));
    if !keepable {
        FactsKind::Other
    } else if constant_ranges_only(f) {
        FactsKind::Constant
    } else {
        FactsKind::Kept
    }
}

/// Where [`write_facts`] writes: a buffer, or a comparison with the bytes of a buffer
/// ([`Same`]). Each method answers `false` where the comparison fails.
trait FactsSink {
    fn byte(&mut self, b: u8) -> bool;
    fn word(&mut self, w: u64) -> bool;
    fn bytes(&mut self, b: &[u8]) -> bool;
}

impl FactsSink for Vec<u8> {
    fn byte(&mut self, b: u8) -> bool {
        self.push(b);
        true
    }

    fn word(&mut self, w: u64) -> bool {
        self.extend_from_slice(&w.to_le_bytes());
        true
    }

    fn bytes(&mut self, b: &[u8]) -> bool {
        self.extend_from_slice(b);
        true
    }
}

/// Compares what [`write_facts`] writes with the bytes it holds, from their start (it
/// holds the rest of them), without writing anything.
struct Same<'k>(&'k [u8]);

impl FactsSink for Same<'_> {
    fn byte(&mut self, b: u8) -> bool {
        match self.0.split_first() {
            Some((&x, rest)) if x == b => {
                self.0 = rest;
                true
            }
            _ => false,
        }
    }

    fn word(&mut self, w: u64) -> bool {
        match self.0.split_first_chunk::<8>() {
            Some((x, rest)) if u64::from_le_bytes(*x) == w => {
                self.0 = rest;
                true
            }
            _ => false,
        }
    }

    fn bytes(&mut self, b: &[u8]) -> bool {
        // A short text (a name) byte by byte, where the slices' `==` calls `bcmp`; a longer
        // one (an assumption) by `bcmp`, which compares many bytes at a time.
        let same = |x: &[u8]| {
            if b.len() <= 8 {
                x.iter().zip(b).all(|(x, y)| x == y)
            } else {
                x == b
            }
        };
        match self.0.split_at_checked(b.len()) {
            Some((x, rest)) if same(x) => {
                self.0 = rest;
                true
            }
            _ => false,
        }
    }
}

/// Whether the request's facts are those `key` holds ([`write_facts`]).
fn same_facts(f: &Fields<'_>, key: &[u8]) -> bool {
    let mut same = Same(key);
    write_facts(f, &mut same) && same.0.is_empty()
}

/// Writes the request's ranges and assumptions to `out` so that two requests write the same
/// bytes exactly when their facts are the same JSON values (names, ends and assumptions in
/// their order): a byte `r` and their number when there are ranges, then each range, the
/// last first, as its name and its two ends; each end as a tag byte (`n` null, `i` a 64-bit
/// integer and its 8 bytes, `s` a string); then each assumption as `a` and its text; every
/// text as its length (8 bytes) and its bytes. `false` for anything else (a range not a pair of such ends, a float, an
/// assumption not a string, a field of another type: such facts are not kept), and where a
/// comparison ([`Same`]) fails. A comparison holds when this answers `true` and no byte of
/// it is left.
fn write_facts(f: &Fields<'_>, out: &mut impl FactsSink) -> bool {
    fn text(out: &mut impl FactsSink, t: &str) -> bool {
        out.word(t.len() as u64) && out.bytes(t.as_bytes())
    }
    if let Some(r) = f.ranges {
        let Some(obj) = r.as_object() else {
            return false;
        };
        if !(out.byte(b'r') && out.word(obj.len() as u64)) {
            return false;
        }
        // Last first: where two consecutive requests' facts differ, they differ mostly in
        // their last range (a comparison stops there).
        for (name, pair) in obj.iter().rev() {
            let Some([lo, hi]) = pair.as_array() else {
                return false;
            };
            if !text(out, name) {
                return false;
            }
            for end in [lo, hi] {
                let written = match end_text(end) {
                    Some(EndText::Unbounded) => out.byte(b'n'),
                    Some(EndText::Int(k)) => out.byte(b'i') && out.word(k as u64),
                    Some(EndText::Text(t)) => out.byte(b's') && text(out, t),
                    None => false,
                };
                if !written {
                    return false;
                }
            }
        }
    }
    if let Some(a) = f.assume {
        let Some(arr) = a.as_array() else {
            return false;
        };
        for p in arr {
            let Some(t) = p.as_str() else {
                return false;
            };
            if !(out.byte(b'a') && text(out, t)) {
                return false;
            }
        }
    }
    true
}

fn answer_in(
    cx: &mut Context,
    req: &Req<'_>,
    op_time: &mut OpTime,
    held: Held<'_>,
) -> Result<Answer, Failure> {
    let Req {
        mut f,
        op,
        text,
        compact,
        deep,
        ..
    } = *req;
    // Read from the texts on the blank context, in every run (held facts are set already).
    // Those a plain polynomial's answer cannot depend on first: where they are all the
    // assumptions that are no bound, the walk has nothing left to find.
    let mut left_out = 0u64;
    if !matches!(held, Held::Set) {
        let (skip, rest) = polynomial_irrelevant(req);
        left_out = skip;
        f.implied = if rest {
            implied_assumptions(&f, cx) | skip
        } else {
            skip
        };
    }
    // Room for the most fields an answer has (a solve's `solved`, `relations`, `conditions`,
    // `cases`, `defined_where`): one allocation, never grown.
    let mut out = Answer::with_capacity(5);
    if op == "eval" {
        // eval takes values, not facts; types still apply.
        if f.ranges.is_some() || f.assume.is_some() {
            return Err(req_err("eval takes 'values', not 'ranges' or 'assume'"));
        }
        context(&f, cx)?;
        // The text as written: a divisor its normal form cancelled (`0*FloorDiv(x, y)`) is
        // still a division by zero where it is zero.
        let parsed = cx.parse_for_eval(text)?;
        let mut vals: Vec<(String, Value)> = Vec::new();
        if let Some(v) = f.values {
            let m = v
                .as_object()
                .ok_or_else(|| req_err("'values' must be an object {name: integer}"))?;
            for (name, val) in m {
                let v = if let Some(i) = val.as_i64() {
                    Value::Int(i)
                } else if let Some(f) = val
                    .as_f64()
                    .filter(|_| cx.lookup(name).is_some_and(|s| cx.sym_ty(s) == Ty::Float))
                {
                    Value::Float(f)
                } else {
                    // Symbols are integers or floats: `true` is no value of either (it was an
                    // eval error, "type mismatch", where `"3"` was this request error).
                    let float = cx.lookup(name).is_some_and(|s| cx.sym_ty(s) == Ty::Float);
                    let msg = match val {
                        // An integer beyond 64 bits is named as one, not "not an integer".
                        V::Number(n) if !float => {
                            format!("value of '{name}': {}", not_an_i64(n, name, false))
                        }
                        _ if float => format!("value of '{name}' must be a number"),
                        _ => format!("value of '{name}' must be an integer"),
                    };
                    return Err(req_err(msg).at(At::Value(name.to_string())));
                };
                vals.push((name.to_string(), v));
            }
        }
        let refs: Vec<(&str, Value)> = vals.iter().map(|(n, v)| (n.as_str(), *v)).collect();
        op_time.start();
        let v = cx.eval_parsed(&parsed, &refs);
        op_time.stop();
        let v = v.map_err(Error::from)?;
        out.push(("value", value_json(v)?));
        return Ok(out);
    }
    // Node limits count the symbols' nodes too: with one, the order of the ranges and the
    // parse could decide which of them is refused, so the order stays the usual one.
    let unlimited = req.limits.input_nodes == usize::MAX && !req.limits.caps_context();
    // An expression (or a relation) monotone in each of its symbols over constant ranges has
    // its extremes at two corners of the box: its bound is read from the text, without making
    // a symbol (`Context::monotone_bound_text`; what setting the ranges, parsing and bounding
    // answer), for three fifths of the real requests (sizes and index expressions such as
    // `p0*s0*s53 + 2*p1*s0 + p2`, pooling's window sizes, their comparisons). The
    // operation's time is the whole computation. `"types": {}` and `"assume": []` declare
    // nothing (as absent ones; `null` is an error).
    // A relation `prove` asks about is decided the same way: true where the bound is
    // `[True, True]`, false where it is `[False, False]`, unknown where the relation takes
    // both values (exactly: both are values).
    if (op == "bound" || op == "prove")
        && !deep
        && unlimited
        && f.types
            .is_none_or(|t| matches!(t, V::Object(o) if o.is_empty()))
        && f.assume
            .is_none_or(|a| matches!(a, V::Array(a) if a.is_empty()))
        && let (mut few, mut many) = ([("", 0, None); FEW_RANGES], Vec::new())
        && let Some(ranges) = int_ranges(&f, &mut few, &mut many)
    {
        op_time.start();
        let b = cx.monotone_bound_text(text, ranges);
        op_time.stop();
        if op == "prove" {
            if let Some(t) = b.and_then(|b| b.truth()) {
                out.push(("result", J::String(t.as_str().into())));
                return Ok(out);
            }
        } else if let Some(b) = b {
            let (lo, hi) = bound_json(b);
            out.push(("lower", lo));
            out.push(("upper", hi));
            return Ok(out);
        }
    }
    // A solve request's target when a range names it (`set_facts`): its symbol, found
    // without a lookup below.
    let mut ranged_target = None;
    let e = if let Held::Set = held {
        // The request's facts are set (`run`: those of an earlier request, the same): with
        // them set, a plain polynomial's answer is its normal form, written from the text
        // (as below, after `context`), else the text is parsed.
        if let Some(t) = cx.simplified_polynomial_text(text) {
            return Ok(text_answer(out, op_time, t));
        }
        cx.parse(text)?
    } else if matches!(held, Held::Constant)
        || (matches!(held, Held::Fresh)
            && op == "simplify"
            && !deep
            && !compact
            && unlimited
            && constant_ranges_only(&f))
    {
        // Ranges of integers only (the common simplify request: `[0, null]` on every symbol
        // of an index expression): the expression is parsed first. When it is its own
        // simplification under such facts (a plain polynomial, as the median real request
        // is), that is the answer, and the ranges are never set: they cannot change it, and
        // setting them cannot fail (`constant_ranges_only`). Their symbols and ranges were
        // about a fifth of such a request's instructions. Otherwise they are set now, after
        // the parse (a symbol's handle then depends on the order, nothing printed does).
        declare_types(&f, cx)?;
        // A plain polynomial's answer is its normal form, written from the text (no symbol
        // made, nothing interned): what parsing, simplifying and printing it would answer.
        if let Some(t) = cx.simplified_polynomial_text(text) {
            return Ok(text_answer(out, op_time, t));
        }
        let e = cx.parse(text)?;
        if cx.is_simplify_fixpoint(e) {
            op_time.start();
            let s = cx.simplify(e);
            op_time.stop();
            out.push(("expr", J::String(cx.display(s))));
            return Ok(out);
        }
        set_facts(&f, cx)?;
        e
    } else {
        // A plain polynomial under facts that are plainly valid and pin no symbol (ranges
        // over other symbols such as `[0, s77 - 1]`, assumptions that bound symbols by
        // constants: most real requests with ranges): its normal form, written from the
        // text, is the answer, and the facts are never set (`Context::plain_facts` has read
        // that setting them cannot fail). Setting them was about half of such a request.
        // The facts are read first (their check declines early on an assumption it cannot
        // fold), and only for a text that may be a plain polynomial (no parenthesis, division,
        // relation or float: a byte scan).
        let plain_simplify = plain_simplify(req);
        // (The text read only for such a request.)
        let plain_text =
            plain_simplify && !text.bytes().any(|c| NOT_PLAIN_POLYNOMIAL[usize::from(c)]);
        if plain_text
            && plain_facts(&f, cx)
            && let Some(t) = cx.simplified_polynomial_text(text)
        {
            return Ok(text_answer(out, op_time, t));
        }
        if plain_simplify
            // (Facts that are kept for the next request are all set.)
            && matches!(held, Held::Varied | Held::Fresh)
            && f.assume
                .is_none_or(|a| matches!(a, V::Array(a) if a.is_empty()))
            && !plain_text
            && text.len() <= LONGEST_RELATED_TEXT
        {
            // A short expression that is no plain polynomial, under ranges alone: parsed
            // first (parsing reads no fact; a symbol's handle then depends on the order,
            // nothing printed does), so that the ranges that tell nothing about it (`q0` in
            // `[0, s77 - 1]` beside `((10*q3 + 15)//6)`) are left out (`related_ranges`:
            // the simplification under the others is one under all of them). An error of
            // the facts comes before one of the text, as when the facts are set first.
            // (`simplified_polynomial_text`, asked there after the facts, answers what
            // parsing, simplifying and printing answer: not asked.)
            let e = match cx.parse(text) {
                Ok(e) => e,
                Err(err) => {
                    set_facts(&f, cx)?;
                    return Err(err.into());
                }
            };
            match related_ranges(&f, cx) {
                Some(taken) => set_facts_of::<false, false>(&f, cx, "", taken)?,
                None => set_facts_of::<false, true>(&f, cx, "", 0)?,
            };
            e
        } else {
            // (A `symbol` is a solve request's: `decode` refuses it in any other.)
            if let Some(V::String(t)) = f.symbol {
                declare_types(&f, cx)?;
                ranged_target = set_facts_finding::<true>(&f, cx, trim(t))?;
            } else {
                context(&f, cx)?;
            }
            // The context is now the cleared one with the facts set: marked for the next
            // request with the same facts (`run`), unless assumptions a plain polynomial
            // cannot depend on were left out (`polynomial_irrelevant`: the next request's
            // text may depend on them).
            if let Held::Mark(m) = held
                && left_out == 0
            {
                *m = cx.facts_mark();
            }
            // With the facts set (any pinned symbol declines), a plain polynomial's answer
            // is still its normal form, written from the text.
            if op == "simplify"
                && !deep
                && !compact
                && let Some(t) = cx.simplified_polynomial_text(text)
            {
                return Ok(text_answer(out, op_time, t));
            }
            cx.parse(text)?
        }
    };
    match op {
        "simplify" => {
            op_time.start();
            if deep {
                let d = cx.simplify_deep(e, sym::deep::Budget::default());
                op_time.stop();
                out.push(("expr", J::String(cx.compact_display(&d.form))));
                return Ok(out);
            }
            let s = cx.simplify(e);
            let text = if compact {
                // The compact form of the answer, or of the input where that is smaller.
                let (a, b) = (cx.compact(s), cx.compact(e));
                let best = if cx.compact_size(&b) < cx.compact_size(&a) {
                    b
                } else {
                    a
                };
                op_time.stop();
                cx.compact_display(&best)
            } else {
                op_time.stop();
                cx.display(s)
            };
            out.push(("expr", J::String(text)));
        }
        "bound" => {
            op_time.start();
            let b = cx.bound(e);
            op_time.stop();
            let (lo, hi) = bound_json(b);
            out.push(("lower", lo));
            out.push(("upper", hi));
        }
        "prove" => {
            if cx.ty(e) != Ty::Bool {
                // Lowercase `true`/`false` are symbols (docs/language.md §3).
                let literal = cx
                    .free_symbols(e)
                    .into_iter()
                    .map(|s| cx.sym_name(s))
                    .find(|n| matches!(*n, "true" | "false"));
                let hint = match literal {
                    Some(n) => {
                        format!(" ('{n}' is a symbol; the boolean literals are True and False)")
                    }
                    None => String::new(),
                };
                return Err(Failure {
                    kind: "parse",
                    message: format!("prove needs a boolean expression{hint}"),
                    at: None,
                    col: None,
                });
            }
            op_time.start();
            let t = if deep {
                cx.prove_deep(e, sym::deep::Budget::default())
            } else {
                cx.prove(e)
            };
            // A boolean (checked above): the engine's type error cannot come.
            let t = t.unwrap_or(sym::Truth::Unknown);
            op_time.stop();
            out.push(("result", J::String(t.as_str().into())));
        }
        _ => {
            let name =
                str_field(f.symbol, "symbol")?.ok_or_else(|| req_err("solve needs 'symbol'"))?;
            // (Trimmed once: `trim` walks the text's ends each time.)
            let trimmed = trim(name);
            // A symbol, or any sub-expression of `expr` (docs/cli.md).
            let mut absent_hint = String::new();
            // (`ranged_target`: what the lookup finds, known from the ranges.)
            let target = match ranged_target.or_else(|| cx.lookup(trimmed)) {
                Some(x) => cx.sym(x),
                // A relation without symbols (`False`: sympy folds `Eq(2*w, 5)` for an integer
                // `w`) has no name to mistype: unsolved, as PyTorch's `try_solve` answers it
                // (None), and as a declared target that does not occur is answered.
                None if is_identifier(trimmed) && cx.free_symbols(e).is_empty() => {
                    out.push(("solved", J::Bool(false)));
                    out.push((
                        "reason",
                        J::String(format!(
                            "{trimmed} does not occur in the relation (it has no symbols)"
                        )),
                    ));
                    return Ok(out);
                }
                // A name that is no symbol of the relation: made a symbol, so that the solver
                // answers as for a declared one (not a relation, or unsolved: the contract's
                // answer, PyTorch's `try_solve` None), with the closest name the relation has
                // when it looks like a typo. A reserved word is read as an expression below.
                None if sym::is_symbol_name(trimmed) => {
                    let names: Vec<&str> = cx
                        .free_symbols(e)
                        .into_iter()
                        .map(|s| cx.sym_name(s))
                        .collect();
                    absent_hint = crate::suggest::did_you_mean(trimmed, names);
                    let x = cx.symbol(trimmed).map_err(at(|| At::Symbol))?;
                    cx.sym(x)
                }
                None => cx.parse(name).map_err(at(|| At::Symbol))?,
            };
            op_time.start();
            let r = cx.solve_with_cases(e, target);
            op_time.stop();
            match r {
                SolveResult::Solved(sol) => push_solution(cx, target, &sol, &mut out),
                SolveResult::Unsolved(reason) => {
                    let mut message = reason.message;
                    if reason.kind == sym::UnsolvedKind::TargetAbsent {
                        message.push_str(&absent_hint);
                    }
                    out.push(("solved", J::Bool(false)));
                    out.push(("reason", J::String(message)));
                }
            }
        }
    }
    // A query stopped by the `time_ms` or `context_nodes` limit answered its fallback (the
    // input, unknown, ...): the request reports the limit instead (docs/cli.md).
    if let Some(e) = cx.limit_reached() {
        return Err(e.clone().into());
    }
    Ok(out)
}

/// The fields of a solved answer (docs/cli.md): `solved`, then `relations` and `conditions`,
/// or the guarded `cases` (the top-level fields would read as a conjunction: left out), then
/// `defined_where` if any. A case is built as the object `json!` builds (its fields in that
/// order: `preserve_order`), without converting each printed value into a second one.
fn push_solution(cx: &Context, target: sym::Expr, sol: &sym::Solution, out: &mut Answer) {
    out.push(("solved", J::Bool(true)));
    let rels = |rs: &[sym::Relation]| -> J {
        J::Array(
            rs.iter()
                .map(|r| J::String(cx.display_relation(target, r)))
                .collect(),
        )
    };
    let conds = |cs: &[sym::Expr]| -> J {
        J::Array(cs.iter().map(|c| J::String(cx.display(*c))).collect())
    };
    if sol.cases.is_empty() {
        // The conditions after the relations, whose texts a divisibility condition is
        // written from (`display_condition`).
        let texts = rels(&sol.relations);
        let text_of = |i: usize| match &texts {
            J::Array(ts) => match ts.get(i) {
                Some(J::String(t)) => Some(t.as_str()),
                _ => None,
            },
            _ => None,
        };
        let shown: Vec<J> = sol
            .conditions
            .iter()
            .map(|c| J::String(cx.display_condition(target, *c, &sol.relations, text_of)))
            .collect();
        out.push(("relations", texts));
        out.push(("conditions", J::Array(shown)));
    } else {
        let cases: Vec<J> = sol
            .cases
            .iter()
            .map(|c| {
                let mut m = serde_json::Map::with_capacity(3);
                m.insert("when".into(), J::String(cx.display(c.when)));
                m.insert("relations".into(), rels(&c.relations));
                m.insert("conditions".into(), conds(&c.conditions));
                J::Object(m)
            })
            .collect();
        out.push(("cases", J::Array(cases)));
    }
    if !sol.defined_where.is_empty() {
        out.push(("defined_where", conds(&sol.defined_where)));
    }
}

/// `t.trim()`, answered without the walk of its ends (by Unicode whitespace) where its first
/// and last bytes are ASCII graphic characters (`!` to `~`): each is then a whole character
/// that is no whitespace, so `trim` removes nothing.
fn trim(t: &str) -> &str {
    match t.as_bytes() {
        [a, .., b] if a.is_ascii_graphic() && b.is_ascii_graphic() => t,
        [a] if a.is_ascii_graphic() => t,
        _ => t.trim(),
    }
}

/// Whether `t` is a plain name (then `symbol` names a symbol, not a sub-expression).
fn is_identifier(t: &str) -> bool {
    let mut cs = t.chars();
    cs.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && cs.all(|c| c.is_alphanumeric() || c == '_')
}

fn value_json(v: Value) -> Result<J, Failure> {
    Ok(match v {
        Value::Int(i) => json!(i),
        Value::Bool(b) => json!(b),
        Value::Float(f) => match serde_json::Number::from_f64(f) {
            Some(n) => J::Number(n),
            None => {
                return Err(Failure {
                    kind: "eval",
                    message: format!("the float result {f} is not finite"),
                    at: None,
                    col: None,
                });
            }
        },
    })
}

fn bound_json(b: Bound) -> (J, J) {
    let f = |v: f64| serde_json::Number::from_f64(v).map_or(J::Null, J::Number);
    match b {
        Bound::Int { lo, hi } => (
            lo.map_or(J::Null, |v| json!(v)),
            hi.map_or(J::Null, |v| json!(v)),
        ),
        Bound::Float { lo, hi } => (f(lo), f(hi)),
        Bound::Bool { lo, hi } => (json!(lo), json!(hi)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Texts of the bytes and characters the shortcuts read: letters, digits, `_`, ASCII and
    /// Unicode blanks (`\u{a0}`, `\u{2003}`, which `str::trim` removes), a non-ASCII letter,
    /// operators and parentheses, and the reserved words whole.
    fn text() -> impl Strategy<Value = String> {
        let piece = prop::sample::select(vec![
            "s", "s0", "x", "_", "9", "Z", " ", "\t", "\n", "\u{a0}", "\u{2003}", "é", "(", ")",
            "*", ",", "-", "//", "Mod", "FloorDiv", "oo", "inf", "nan", "True", "Eq", "and",
        ]);
        prop::collection::vec(piece, 0..6).prop_map(|ps| ps.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// `trim` answers `str::trim` (its shortcut: ASCII graphic first and last bytes).
        /// Checked to fail with `is_ascii_graphic` replaced by `!is_ascii_whitespace` (a
        /// `\u{a0}` at an end is then kept).
        #[test]
        fn trim_is_str_trim(t in text()) {
            prop_assert_eq!(trim(&t), t.trim());
        }

        /// The symbol `set_facts_finding` answers for the range named `want` is what
        /// `Context::lookup(want)` finds once the facts are set (and `None` when no range has
        /// that name), whatever the ranges' names, ends and order, with types declared before
        /// (a float symbol) and names that are no symbols (then `set_facts` fails, as it did).
        /// Checked to fail with the symbol of every range answered (the last one).
        #[test]
        fn set_facts_target_is_the_lookup(
            names in prop::collection::vec(
                prop::sample::select(vec!["s0", "s1", "s27", "x", "u0", "oo", "1a", ""]), 0..5),
            want in prop::sample::select(vec!["s0", "s1", "s27", "x", "u0", "oo", "q"]),
            float in any::<bool>(),
        ) {
            let mut ranges = serde_json::Map::new();
            for (i, n) in names.iter().enumerate() {
                ranges.insert((*n).to_string(), serde_json::json!([i, null]));
            }
            let r = J::Object(ranges);
            let ty = serde_json::json!({"x": if float { "float" } else { "int" }});
            let (rv, tv) = (V::from_json(&r), V::from_json(&ty));
            let f = Fields { ranges: Some(&rv), types: Some(&tv), ..Fields::default() };
            let mut cx = Context::new();
            declare_types(&f, &mut cx).unwrap();
            match set_facts_finding::<true>(&f, &mut cx, want) {
                Ok(found) => {
                    let named = names.contains(&want);
                    prop_assert_eq!(found.is_some(), named);
                    if named {
                        prop_assert_eq!(found, cx.lookup(want));
                    }
                }
                Err(_) => prop_assert!(names.iter().any(|n| !sym::is_symbol_name(n))),
            }
        }
    }

    /// A request line with the given ranges (`(name, lo, hi)`, each end JSON text; a name's
    /// first range alone), expression and assumptions, with `"repeat": 1` when `timed`.
    fn ranges_line(
        ranges: &[(&str, &str, &str)],
        expr: &str,
        assume: Option<&str>,
        timed: bool,
    ) -> String {
        // (A name once: the reader refuses a key given twice.)
        let mut seen = Vec::new();
        let body: Vec<String> = ranges
            .iter()
            .filter(|(n, _, _)| {
                let first = !seen.contains(n);
                seen.push(*n);
                first
            })
            .map(|(n, lo, hi)| format!("{}: [{lo}, {hi}]", serde_json::to_string(n).unwrap()))
            .collect();
        let mut line = format!(
            "{{\"op\": \"simplify\", \"expr\": {}, \"ranges\": {{{}}}",
            serde_json::to_string(expr).unwrap(),
            body.join(", ")
        );
        if let Some(a) = assume {
            line.push_str(&format!(", \"assume\": {a}"));
        }
        if timed {
            line.push_str(", \"repeat\": 1");
        }
        line.push('}');
        line
    }

    /// The answer to a request line, without its times.
    fn answer_of(line: &str) -> J {
        let v = crate::json::from_str(line).unwrap();
        let mut j = handle_value(&v);
        if let J::Object(m) = &mut j {
            m.remove("t_ns");
            m.remove("t_op_ns");
        }
        j
    }

    /// A range that the expression's symbol's range mentions is set: `q0 <= s27 - 1 <= 2`
    /// makes `q0//8` zero (with `s27`'s range left out it would not be), and a range that
    /// tells nothing (`q1`'s) changes nothing.
    #[test]
    fn related_ranges_keep_the_ranges_a_range_mentions() {
        let ranges = [
            ("s27", "2", "3"),
            ("q0", "0", "\"s27 - 1\""),
            ("q1", "0", "\"5 - 1\""),
        ];
        for timed in [true, false] {
            let a = answer_of(&ranges_line(&ranges, "(q0//8)", None, timed));
            assert_eq!(a.get("expr"), Some(&J::String("0".into())), "{a}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(6000))]

        /// A timed simplify request (`repeat`: its facts are not kept, so the ranges that
        /// tell nothing about its expression are left out, `related_ranges`) answers what the
        /// same request answers with all its facts set (untimed: they are kept), errors
        /// included: ranges of the expression's symbols, of others, chained (`q1` below
        /// `q0 + 1`, `q0` below `s27 - 1`), over symbols without a range, cyclic, empty,
        /// pinned, of names that are no symbols, ends that are integers (i64's limits),
        /// `null`, texts of literals, of names, of calls, infinite ones and bad ones, in any
        /// order; expressions whose answer the bounds decide, and ones that do not parse;
        /// assumptions. Checked to fail with every range left out that the expression does
        /// not name (`taken = mentioned`), and with `skipped_ranges_hold` answering `true`.
        #[test]
        fn related_ranges_answer_as_all_facts(
            sizes in prop::collection::vec(
                (
                    prop::sample::select(vec!["2", "0", "-1", "9", "-9223372036854775808"]),
                    prop::sample::select(vec!["null", "3", "7", "100", "1", "\"3 - 1\"", "\"oo\""]),
                ),
                3,
            ),
            index_ends in prop::collection::vec(
                prop::sample::select(vec![
                    "\"s27 - 1\"", "\"2*s27 - 1\"", "\"s0*s1 - 1\"", "\"3 - 1\"", "null", "5",
                    "\"s27 - 1000\"", "\"q0 + 1\"", "\"q2 - 1\"", "\"x*y_1 - 5\"",
                    "\"s27**2 - 1\"", "\"TruncToInt(1.5) - 1\"", "\"oo\"", "\"-oo\"", "\"\"",
                    "\"1e5\"", "\"s1 -\"", "\"s0 - s1\"", "\"9223372036854775807 - 1\"",
                    "\"007 - 1\"", "\"s27 -  1 \"", "1.5", "0", "9223372036854775807",
                    "\"s1 + 2 - 1\"", "\"s27*s0 - 1\"",
                ]),
                3,
            ),
            present in prop::collection::vec(any::<bool>(), 8),
            order in Just((0..8).collect::<Vec<usize>>()).prop_shuffle(),
            bad_name in any::<bool>(),
            expr in prop::sample::select(vec![
                "(q0//8)", "Mod(q1, 3)", "Max(q0, 2)", "((q2)//16)", "Min(q1, 4) + (q0//4)",
                "(s27//4)", "((10*q2 + 15)//6)", "(q0 + ", "Mod(q0 + q1, s27)", "(x//2) + q1",
                "FloorDiv(s27*q0, s27)", "(oo//2)", "((q1*2)//4)",
            ]),
            assume in prop::sample::select(vec![None, None, Some("[]"), Some("[\"Lt(s27, 16)\"]")]),
        ) {
            let names = ["s27", "s0", "s1", "q0", "q1", "q2", "x", if bad_name { "1a" } else { "y_1" }];
            let lo_index = ["0", "0", "1"];
            let mut all_ranges: Vec<(&str, &str, &str)> = Vec::new();
            for (k, name) in names.iter().enumerate() {
                let (lo, hi) = match k {
                    0..=2 => sizes[k],
                    3..=5 => (lo_index[k - 3], index_ends[k - 3]),
                    _ => ("0", "4"),
                };
                all_ranges.push((name, lo, hi));
            }
            let ranges: Vec<(&str, &str, &str)> = order
                .iter()
                .filter(|&&k| present[k])
                .map(|&k| all_ranges[k])
                .collect();
            let timed = answer_of(&ranges_line(&ranges, expr, assume, true));
            let all = answer_of(&ranges_line(&ranges, expr, assume, false));
            prop_assert_eq!(timed, all);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Leaving out the assumptions the constant ranges imply (`implied_assumptions`)
        /// answers what setting every assumption answers, errors included. The reference is
        /// the same request with a type declared for a symbol it does not use (`zz`), which
        /// turns the walk off. The assumptions mix implied ones, ones that hold only for part
        /// of the box and change the answer (`Ne(FloorDiv(s0, 2), 1)` makes `Max(FloorDiv(s0,
        /// 2), 2)` the quotient), bounds, contradictions, equations and bad texts, in any
        /// order; ranges constant, unbounded, symbolic and empty. Checked to fail with every
        /// candidate taken as implied (the walk's answer ignored), and with every candidate
        /// that is true somewhere taken as implied.
        #[test]
        fn implied_assumptions_answer_as_all_assumptions(
            s0 in prop::sample::select(vec![("2", "9"), ("1", "3"), ("4", "null"), ("6", "5"), ("0", "100")]),
            s1 in prop::sample::select(vec![("2", "null"), ("3", "3"), ("-4", "4"), ("9", "12")]),
            q0 in prop::sample::select(vec!["\"s0 - 1\"", "\"s1*s0 - 1\"", "7", "\"s0 - 100\""]),
            assume in prop::collection::vec(prop::sample::select(vec![
                "Ne(FloorDiv(s0, 2), 1)", "Ne((s0 + (-1)), 0)", "Gt(Max(1, FloorDiv(s0, 2)), 0)",
                "Ne(s1, 1)", "Ge(s0, 2)", "Lt(s1, 12)", "Gt((FloorDiv((s0 + (-7)), 2) + 1), 1)",
                "Le((s0 + s1), 3)", "Ne(2*s0, 3)", "Lt(s0, 0)", "Eq(s0, 4)", "Ne(q0, 3)",
                "Ne((s0 + 1", "Ne(FloorDiv(s0, 0), 1)", "And(Ge(s0, 3), Ge(s1, 3))",
                "Ne(Max(s0, s1), 0)", "Ne(zz, 1)", "Gt(FloorDiv(s0, 4), -1)",
            ]), 0..5),
            expr in prop::sample::select(vec![
                "Max(FloorDiv(s0, 2), 2)", "s0*q0 + s1", "Max(s0, 1) + q0", "Mod(q0, s0)",
                "(s0 - 1)//(s0 - 1)", "FloorDiv(s0, 2) - 1", "Min(s1, 12)", "q0 + ",
            ]),
            timed in any::<bool>(),
        ) {
            let ranges = [("s0", s0.0, s0.1), ("s1", s1.0, s1.1), ("q0", "0", q0)];
            let list: Vec<String> = assume.iter().map(|a| serde_json::to_string(a).unwrap()).collect();
            let list = format!("[{}]", list.join(", "));
            let line = ranges_line(&ranges, expr, Some(&list), timed);
            let reference = format!("{}, \"types\": {{\"zz\": \"int\"}}}}", &line[..line.len() - 1]);
            let (got, want) = (answer_of(&line), answer_of(&reference));
            match (&got["expr"], &want["expr"]) {
                // Both simplified: the same value wherever the facts hold, and the same form
                // unless the facts pin a symbol to one value (or hold nowhere in the box
                // enumerated): there the engine's derivations
                // depend on which facts are stated (`q0 <= s0 - 100` with `s0 <= 100`, or
                // `s0 + s1 <= 3` with `s1 >= 2` and `s0 >= 1`, pin `s0`: with
                // `Gt(FloorDiv(s0, 4), -1)` stated besides, which the ranges imply, it
                // derives `s0 = 1` and `Mod(q0, s0) = 0`; without it, as with `Ne(s0, 7)`,
                // it does not). An assumption left out that the ranges do not imply would
                // leave a larger form (`Max(2, FloorDiv(s0, 2))`).
                (J::String(a), J::String(b)) => {
                    let degenerate = same_where_facts_hold(a, b, s0, s1, q0, &assume);
                    prop_assert!(degenerate.is_some(), "{} {} {}", a, b, line);
                    if degenerate == Some(false) {
                        prop_assert_eq!(a, b, "{}", line);
                    }
                }
                // A plain polynomial's answer depends on no assumption that is not a bound
                // of a symbol by a literal: those are left out (`polynomial_irrelevant`), so
                // a contradiction among them is not reported: no assignment of the box
                // satisfies the facts, and the answer takes the input's value wherever the
                // ranges hold, or, for a text that does not parse, is its parse error.
                (_, _)
                    if !expr.bytes().any(|c| NOT_PLAIN_POLYNOMIAL[usize::from(c)])
                        && want["error"]["kind"] == "range"
                        && got != want =>
                {
                    let mut cx = Context::new();
                    let none = where_facts_hold(&mut cx, s0, s1, q0, &assume, |_, _| false);
                    prop_assert!(none, "{}", line);
                    match &got["expr"] {
                        J::String(a) => prop_assert!(
                            same_where_facts_hold(a, expr, s0, s1, q0, &[]).is_some(),
                            "{}",
                            line
                        ),
                        _ => {
                            prop_assert_eq!(&got["error"]["kind"], "parse", "{}", line);
                            prop_assert!(cx.parse(expr).is_err(), "{}", line);
                        }
                    }
                }
                _ => prop_assert_eq!(got, want, "{}", line),
            }
        }
    }

    /// Whether the texts `a` and `b` take the same value at every assignment of `s0`, `s1`
    /// and `q0` within their ranges (an unbounded upper end cut at 12 past the lower one;
    /// `q0` from 0 to its upper end there) where the assumptions hold: `None` where they
    /// differ somewhere, else whether the facts are degenerate: they pin a symbol (it takes
    /// one value at every such assignment), or no assignment there satisfies them (an
    /// assumption undefined everywhere, `Ne(FloorDiv(s0, 0), 1)`, or a contradiction the
    /// engine does not find).
    fn same_where_facts_hold(
        a: &str,
        b: &str,
        s0: (&str, &str),
        s1: (&str, &str),
        q0: &str,
        assume: &[&str],
    ) -> Option<bool> {
        let mut cx = Context::new();
        let (a, b) = (cx.parse(a).unwrap(), cx.parse(b).unwrap());
        // Each symbol's smallest and largest value over the assignments where the facts hold.
        let mut seen: Option<[(i64, i64); 3]> = None;
        let all_same = where_facts_hold(&mut cx, s0, s1, q0, assume, |cx, at| {
            if cx.eval(a, at) != cx.eval(b, at) {
                return false;
            }
            let vs = at.map(|(_, v)| match v {
                Value::Int(v) => v,
                _ => unreachable!(),
            });
            let s = seen.get_or_insert(vs.map(|v| (v, v)));
            for (r, v) in s.iter_mut().zip(vs) {
                *r = (r.0.min(v), r.1.max(v));
            }
            true
        });
        all_same.then(|| seen.is_none_or(|s| s.iter().any(|r| r.0 == r.1)))
    }

    /// Calls `each` with every assignment of `s0`, `s1` and `q0` of the box of
    /// [`same_where_facts_hold`] where the assumptions hold, until it answers `false`
    /// (then `false`).
    fn where_facts_hold(
        cx: &mut Context,
        s0: (&str, &str),
        s1: (&str, &str),
        q0: &str,
        assume: &[&str],
        mut each: impl FnMut(&Context, &[(&str, Value); 3]) -> bool,
    ) -> bool {
        let q0_hi = cx.parse(q0.trim_matches('"')).unwrap();
        let facts: Vec<_> = assume.iter().map(|t| cx.parse_bool(t).unwrap()).collect();
        let span = |(lo, hi): (&str, &str)| {
            let lo: i64 = lo.parse().unwrap();
            (lo, hi.parse().unwrap_or(lo + 12))
        };
        let ((a0, b0), (a1, b1)) = (span(s0), span(s1));
        for v0 in a0..=b0 {
            for v1 in a1..=b1 {
                let at = [("s0", Value::Int(v0)), ("s1", Value::Int(v1))];
                let Ok(Value::Int(top)) = cx.eval(q0_hi, &at) else {
                    continue;
                };
                for q in 0..=top {
                    let at = [at[0], at[1], ("q0", Value::Int(q))];
                    let holds = facts
                        .iter()
                        .all(|&p| cx.eval(p, &at) == Ok(Value::Bool(true)));
                    if holds && !each(cx, &at) {
                        return false;
                    }
                }
            }
        }
        true
    }

    /// The walk leaves out what the ranges imply, and only that: a request whose every
    /// assumption is implied is answered from its text (no assumption is set), and one
    /// that holds for part of the box changes the answer.
    #[test]
    fn implied_assumptions_are_the_implied_ones() {
        let ranges = [("s0", "9", "null"), ("q0", "0", "\"s0 - 1\"")];
        let line = |assume: &str| ranges_line(&ranges, "q0 + 1", Some(assume), true);
        // The mask of a request line's assumptions, with the types `types` declared.
        let mask_with = |assume: &str, types: Option<&J>| {
            let l = line(assume);
            let v = crate::json::from_str(&l).unwrap();
            let V::Object(o) = &v else { unreachable!() };
            let tv = types.map(V::from_json);
            let mut f = Fields {
                types: tv.as_ref(),
                ..Fields::default()
            };
            for (k, x) in o.iter() {
                match &**k {
                    "ranges" => f.ranges = Some(x),
                    "assume" => f.assume = Some(x),
                    _ => {}
                }
            }
            implied_assumptions(&f, &mut Context::new())
        };
        let mask = |assume: &str| mask_with(assume, None);
        // s0 >= 9: s0 - 4 is never 1, FloorDiv(s0 - 7, 2) + 1 >= 2.
        let all = r#"["Ge(s0, 5)", "Ne((s0 + (-4)), 1)", "Gt(Max(1, (FloorDiv((s0 + (-7)), 2) + 1)), 1)"]"#;
        assert_eq!(mask(all), 0b110);
        // `Ne(s0, 10)` holds for part of the box: the walk stops there.
        let part = r#"["Ne((s0 + (-4)), 1)", "Ne(s0, 10)", "Ne(FloorDiv(s0, 2), 1)"]"#;
        assert_eq!(mask(part), 0b001);
        // An equation: nothing walked.
        assert_eq!(mask(r#"["Ne((s0 + (-4)), 1)", "Eq(s0, s0)"]"#), 0);
        // A name twice, a Mod, a long text: not candidates.
        for other in [
            r#"["Ne(FloorDiv(s0, 2), s0)"]"#,
            r#"["Ne(Mod(s0, 8), 9)"]"#,
            r#"["Ne((FloorDiv((s0 + (-7)), 2) + FloorDiv((s1 + (-7)), 2) + 1), 1)"]"#,
        ] {
            assert_eq!(mask(other), 0, "{other}");
        }
        // Types declared: nothing walked.
        assert_eq!(mask_with(all, Some(&serde_json::json!({"s0": "int"}))), 0);
        assert_eq!(mask_with(all, Some(&serde_json::json!({}))), 0b110);
    }

    #[test]
    fn assumption_kinds() {
        use Assumption::*;
        let cases = [
            ("Lt(s77, 16)", Bound),
            ("Ge(s0, 2)", Bound),
            ("And(Ge(s0, 3), Ge(s92, 3))", Bound),
            ("And(Ge(s0, 3), Ne(s92, 3))", Other),
            ("Ne(s0, 1)", Candidate),
            ("Ne((FloorDiv((s53 + (-7)), 2) + 1), 1)", Candidate),
            ("Gt(Max(1, (FloorDiv((s53 + (-7)), 2) + 1)), 1)", Candidate),
            ("Lt((2*FloorDiv((s92 + (-1)), 2)), s92)", Other), // s92 twice
            ("Ne(s0_1, s0)", Candidate),                       // two names
            ("Ne(Mod(1, FloorDiv(s92, 3)), 0)", Other),
            ("Eq(s0, 4)", Other),
            ("Or(Ne(s0, 1), Ne(s1, 1))", Other),
            ("Ne(s1e5, 1)", Candidate),
            ("Ne(1e5, 1)", Candidate), // a literal's run, not a name (the walk declines it)
            (
                "Ne(FloorDiv(s0, 2) + FloorDiv(s1, 2) + FloorDiv(s2, 2) + FloorDiv(s3, 2), 1)",
                Other,
            ),
        ];
        for (t, want) in cases {
            assert_eq!(assumption_kind(t), want, "{t}");
        }
    }
}
