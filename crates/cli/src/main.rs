//! The `symshape` binary (docs/cli.md): simplify, bound, solve, prove, eval, batch, codegen.

/// A message on stderr (`eprintln!` without its panic when stderr is closed).
macro_rules! warn {
    ($($t:tt)*) => {{
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

use symshape::{isolate, jobs, request, stream, suggest, too_long, write_answer};

use clap::{Args, Parser, Subcommand};
use serde_json::{Map, Value as J, json};
use std::io::{self, BufWriter, Read, Write};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "symshape",
    version,
    about = "Symbolic integer middle end for dynamic-shape ML compilers",
    long_about = "Symbolic integer middle end for dynamic-shape ML compilers: simplifies, bounds, \
solves, proves and evaluates PyTorch's sympy-syntax shape and index expressions with floor \
semantics, answers JSON Lines requests, and generates C++ runtime checks from graph signatures.",
    after_help = TOP_HELP
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

const TOP_HELP: &str = "\
Quote every expression so that the shell passes it as one argument: symshape simplify 'x0 + 1'.
Expressions use PyTorch's sympy syntax with floor semantics: FloorDiv(a, b) and a // b are floor
division, Mod(a, b) and a % b floor modulo; '/' is true division (a float, IntTrueDiv). True and
False are the boolean literals; lowercase 'true' is an ordinary symbol.

Exit status: 0 for an answer (including 'unknown' and 'unsolved'), 1 for invalid input (an
expression, a value, a range, a file; the message names the argument and the column), 2 for a
usage error (an unknown subcommand or option, a malformed NAME=VALUE, the same name given twice).

Documentation (in the symshape repository): docs/cli.md (this command and the JSON Lines
protocol), docs/language.md (the expression language), docs/signature.md (codegen input).";

#[derive(Args, Clone)]
struct Facts {
    /// The range of NAME: LO..HI, inclusive; either end may be omitted (s0=2.. is s0 >= 2) or
    /// be an expression over other symbols ('q0=0..s77 - 1'). At most one per name.
    #[arg(long = "range", value_name = "NAME=LO..HI", allow_hyphen_values = true)]
    ranges: Vec<String>,
    /// A boolean fact that holds ('Eq(Mod(s0, 8), 0)', 's1 <= s0'); repeatable.
    #[arg(long = "assume", value_name = "PRED", allow_hyphen_values = true)]
    assume: Vec<String>,
    /// Declares NAME a float symbol (symbols are integers otherwise); repeatable.
    #[arg(long = "float", value_name = "NAME")]
    floats: Vec<String>,
    /// Output format: text, or json for the response object that `batch` would print.
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = ["text", "json"])]
    format: String,
    /// A resource limit: time_ms, input_nodes, context_nodes, context_operands, rewrite_steps,
    /// proof_work, nesting, expand_terms or solve_cases (docs/limits.md); repeatable.
    #[arg(long = "limit", value_name = "NAME=N")]
    limits: Vec<String>,
}

const SIMPLIFY_HELP: &str = "\
Examples:
  $ symshape simplify 'FloorDiv(x0 + 64*x1, 64)' --range x0=0..63 --range x1=0..
  x1
  $ symshape simplify 'FloorDiv(q0 + s77*q1, s77)' --range s77=1.. --range 'q0=0..s77 - 1'
  q1
  $ symshape simplify 'Mod(s0, 8)' --assume 'Eq(Mod(s0, 8), 0)'
  0
  $ symshape simplify '-x + x + 1'
  1
  $ symshape simplify 'x / 2'
  IntTrueDiv(x, 2)
  $ symshape simplify '8*x + 8*y + 8*z' --form compact
  8*(x + y + z)
  $ symshape simplify 'x + x' --format json
  {\"ok\":true,\"expr\":\"2*x\"}";

const BOUND_HELP: &str = "\
Prints [lo, hi] with oo / -oo for an unbounded end: every value of EXPR in the ranges (where it
is defined) lies in it.

Examples:
  $ symshape bound 's0 - Mod(s0, 8)' --range s0=2..
  [0, oo]
  $ symshape bound 'FloorDiv(x, 4)' --range x=0..99
  [0, 24]
  $ symshape bound 'q0 - s77' --range s77=1.. --range 'q0=0..s77 - 1'
  [-oo, -1]";

const SOLVE_HELP: &str = "\
Prints the integer values of the target that satisfy REL: relations with their conditions
('Eq(s, e)  if c'), one 'when GUARD: ...' line per case when the answer depends on a sign or a
divisibility, True (every value), False (none), or 'unsolved: REASON'.

Examples:
  $ symshape solve 'Eq(2*s1 + 1, t)' --for s1
  Eq(s1, FloorDiv(t - 1, 2))  if Eq(Mod(t - 1, 2), 0)
  $ symshape solve 'Eq(2*x, 7)' --for x
  False
  $ symshape solve 'Eq(Mod(s0*s1, 16), 0)' --for 'Mod(s0*s1, 16)'
  Eq(Mod(s0*s1, 16), 0)";

const PROVE_HELP: &str = "\
Prints true (PRED holds for every value in the ranges), false (it holds for none) or unknown.

Examples:
  $ symshape prove 'Eq(Mod(16*s0*s1 + 8, 8), 0)'
  true
  $ symshape prove 'x0 < s0' --range s0=1.. --range 'x0=0..s0 - 1'
  true
  $ symshape prove 'x < 5'
  unknown";

const EVAL_HELP: &str = "\
Examples:
  $ symshape eval 'FloorDiv(x, 3) + Mod(x, 3)' --set x=-7
  -1
  $ symshape eval 'TruncToInt(0.5*ToFloat(s0))' --set s0=7
  3
  $ symshape eval '2*zf0' --float zf0 --set zf0=1.25
  2.5";

const CODEGEN_HELP: &str = "\
Nothing is written to OUT when the signature is invalid or a symbol cannot be bound (exit
status 1, the message names the field or the symbol). The signature format and the generated
code: docs/signature.md and docs/codegen.md in the symshape repository.

Examples (from the repository root):
  $ symshape codegen examples/signature.json -o wrapper.cpp
  $ symshape codegen examples/signature.json --emit checks --always-check -o checks.cpp
  $ symshape codegen examples/signature.json --flavor dlpack -o dlpack_checks.cpp
  $ symshape codegen examples/signature.json --emit prologue -o prologue.cpp";

const BATCH_HELP: &str = "\
One JSON request object per input line ({\"op\", \"expr\", \"ranges\", \"assume\", \"types\",
\"symbol\", \"values\", \"id\", \"repeat\"}), one response object per output line, in input order;
a bad line gets an error response in its place and the stream goes on (docs/cli.md).

Examples:
  $ echo '{\"id\":1,\"op\":\"simplify\",\"expr\":\"x + x\"}' | symshape batch
  {\"id\":1,\"ok\":true,\"expr\":\"2*x\"}
  $ echo '{\"op\":\"bound\",\"expr\":\"FloorDiv(x, 4)\",\"ranges\":{\"x\":[0,99]}}' | symshape batch --jobs 1
  {\"ok\":true,\"lower\":0,\"upper\":24}
  $ symshape batch examples/index_exprs.jsonl --jobs 2";

#[derive(Subcommand)]
enum Cmd {
    /// Prints the simplified expression (equal to EXPR wherever EXPR is defined).
    #[command(after_help = SIMPLIFY_HELP)]
    Simplify {
        /// The expression, in sympy syntax (quote it; it may start with '-').
        #[arg(allow_hyphen_values = true)]
        expr: String,
        /// `canonical` (default: the normal form, structural equality depends on it) or
        /// `compact` (fewest printed operations, e.g. `8*(x + y + z)`; not canonical)
        #[arg(long, value_name = "FORM", value_parser = ["canonical", "compact"])]
        form: Option<String>,
        #[command(flatten)]
        facts: Facts,
    },
    /// Prints a sound bound [lo, hi] of the expression.
    #[command(after_help = BOUND_HELP)]
    Bound {
        /// The expression, in sympy syntax (quote it; it may start with '-').
        #[arg(allow_hyphen_values = true)]
        expr: String,
        #[command(flatten)]
        facts: Facts,
    },
    /// Solves a relation for a symbol or a sub-expression, with exact integer answers.
    #[command(after_help = SOLVE_HELP)]
    Solve {
        /// The relation: Eq, Ne, <, <=, >, >= (quote it; it may start with '-').
        #[arg(allow_hyphen_values = true)]
        rel: String,
        /// The target: a symbol, or any sub-expression of REL ('Mod(s0*s1, 16)').
        #[arg(long = "for", value_name = "TARGET", allow_hyphen_values = true)]
        symbol: String,
        #[command(flatten)]
        facts: Facts,
    },
    /// Proves a predicate: prints true, false or unknown.
    #[command(after_help = PROVE_HELP)]
    Prove {
        /// The predicate, a boolean expression (quote it; it may start with '-').
        #[arg(allow_hyphen_values = true)]
        pred: String,
        #[command(flatten)]
        facts: Facts,
    },
    /// Evaluates an expression exactly (division by zero and overflow are errors).
    #[command(after_help = EVAL_HELP)]
    Eval {
        /// The expression, in sympy syntax (quote it; it may start with '-').
        #[arg(allow_hyphen_values = true)]
        expr: String,
        /// The value of NAME: an integer (a number for a --float symbol). At most one per name.
        #[arg(long = "set", value_name = "NAME=VALUE", allow_hyphen_values = true)]
        set: Vec<String>,
        /// Declares NAME a float symbol (symbols are integers otherwise); repeatable.
        #[arg(long = "float", value_name = "NAME")]
        floats: Vec<String>,
        /// Output format: text, or json for the response object that `batch` would print.
        #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = ["text", "json"])]
        format: String,
        /// A resource limit: input_nodes, context_nodes or context_operands (docs/limits.md);
        /// repeatable.
        #[arg(long = "limit", value_name = "NAME=N")]
        limits: Vec<String>,
    },
    /// Generates C++ runtime checks and the wrapper prologue from a graph signature.
    #[command(after_help = CODEGEN_HELP)]
    Codegen {
        /// The graph signature, a JSON file (docs/signature.md).
        #[arg(value_name = "SPEC.json")]
        spec: String,
        /// The C++ API the generated code is written against.
        #[arg(long, value_enum, default_value_t = FlavorArg::Aoti)]
        flavor: FlavorArg,
        /// What to generate.
        #[arg(long, value_enum, default_value_t = EmitArg::All)]
        emit: EmitArg,
        /// Checks the inputs on every call: drops the AOTI_RUNTIME_CHECK_INPUTS environment
        /// gate (aoti; the dlpack function always checks).
        #[arg(long)]
        always_check: bool,
        /// Starts every name the file defines at namespace scope with NAME (default symshape),
        /// so that several generated files can share one namespace (docs/codegen.md).
        #[arg(long, value_name = "NAME")]
        prefix: Option<String>,
        /// Writes the C++ to OUT instead of stdout.
        #[arg(short = 'o', value_name = "OUT")]
        out: Option<String>,
    },
    /// Answers JSON Lines requests from FILE or stdin, one response per line.
    #[command(after_help = BATCH_HELP)]
    Batch {
        /// The requests, one JSON object per line (stdin when absent or '-').
        #[arg(value_name = "FILE")]
        file: Option<String>,
        /// Threads answering requests (default: the available cores); the output is the same
        /// for every N, in input order.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=MAX_JOBS))]
        jobs: Option<u32>,
    },
}

/// `--flavor`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum FlavorArg {
    /// PyTorch AOTInductor's C shim (AtenTensorHandle); failures throw std::runtime_error.
    Aoti,
    /// A standalone extern "C" function over DLPack's DLTensor; returns an error code.
    Dlpack,
}

/// `--emit`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum EmitArg {
    /// The input checks: symbol binding, per-input checks and their entry point.
    Checks,
    /// The wrapper prologue of run_impl (mode aot) or inductor_entry_impl (mode jit); aoti only.
    Prologue,
    /// Checks then prologue (aoti); the checks (dlpack).
    All,
}

/// A command-line failure; the exit status says which kind (docs/cli.md "Exit status").
enum Fail {
    /// Status 2: the command line does not have the documented shape.
    Usage(String),
    /// Status 1: a value in it is invalid; the error kind `batch` gives the same value.
    Input(&'static str, String),
}

impl Fail {
    fn exit(self) -> ExitCode {
        self.exit_as("text")
    }

    /// As [`Fail::exit`]; with `--format json`, an invalid value is the error object `batch`
    /// prints for it, on standard output (docs/cli.md: the single-shot commands print the
    /// response `batch` would). A usage error (the command line's shape) stays a message.
    fn exit_as(self, format: &str) -> ExitCode {
        match self {
            Fail::Usage(m) => {
                warn!("error: {m}");
                ExitCode::from(2)
            }
            Fail::Input(kind, m) if format == "json" => {
                let resp = json!({"ok": false, "error": {"kind": kind, "message": m}});
                stream::print(&format!("{resp}\n"));
                ExitCode::from(1)
            }
            Fail::Input(_, m) => {
                warn!("error: {m}");
                ExitCode::from(1)
            }
        }
    }
}

/// The command-line arguments behind the request's strings, to name them in messages.
#[derive(Default)]
struct ArgTexts {
    /// `(name, "--range x=0..5" argument text, its two end texts)`.
    ranges: Vec<(String, String, [String; 2])>,
    assume: Vec<String>,
    floats: Vec<String>,
    /// `(name, "--set" argument text)`.
    sets: Vec<(String, String)>,
    target: Option<String>,
    /// `(name, "--limit" argument text)`.
    limits: Vec<(String, String)>,
}

/// `--limit NAME=N` arguments as the request's `limits` object (the names and values are
/// checked by the request, as in `batch`).
fn limits_json(
    req: &mut Map<String, J>,
    limits: &[String],
    args: &mut ArgTexts,
) -> Result<(), Fail> {
    let mut out = Map::new();
    for l in limits {
        let Some((n, v)) = l.split_once('=') else {
            return Err(Fail::Usage(format!("--limit '{l}': expected NAME=N")));
        };
        let (n, v) = (n.trim(), v.trim());
        if !sym::Limits::NAMES.contains(&n) {
            return Err(Fail::Usage(format!(
                "--limit '{l}': unknown limit '{n}'{} (limits: {})",
                suggest::did_you_mean(n, sym::Limits::NAMES.iter().copied()),
                sym::Limits::NAMES.join(", ")
            )));
        }
        if out.contains_key(n) {
            return Err(Fail::Usage(format!(
                "--limit '{l}': a second value for '{n}' (give one value per limit)"
            )));
        }
        let Ok(k) = v.parse::<u64>() else {
            return Err(Fail::Input(
                "request",
                format!("--limit '{l}': N must be a nonnegative integer"),
            ));
        };
        out.insert(n.to_string(), json!(k));
        args.limits.push((n.to_string(), l.clone()));
    }
    if !out.is_empty() {
        req.insert("limits".into(), J::Object(out));
    }
    Ok(())
}

fn facts_json(req: &mut Map<String, J>, f: &Facts, args: &mut ArgTexts) -> Result<(), Fail> {
    let mut ranges = Map::new();
    for r in &f.ranges {
        let shape = || Fail::Usage(format!("--range '{r}': expected NAME=LO..HI"));
        let (name, rest) = r.split_once('=').ok_or_else(shape)?;
        let (lo, hi) = rest.split_once("..").ok_or_else(shape)?;
        let name = name.trim();
        if hi.starts_with('.') {
            return Err(Fail::Usage(format!(
                "--range '{r}': LO..HI takes two dots ('{name}={lo}..{}' is {lo} <= {name} <= {})",
                hi.trim_start_matches('.'),
                hi.trim_start_matches('.'),
            )));
        }
        if ranges.contains_key(name) {
            return Err(Fail::Usage(format!(
                "--range '{r}': a second range for '{name}' (give one range per symbol)"
            )));
        }
        let float = f.floats.iter().any(|n| n == name);
        let mut ends = [J::Null, J::Null];
        for (i, t) in [lo, hi].into_iter().enumerate() {
            let t = t.trim();
            ends[i] = if t.is_empty() {
                J::Null
            } else if let Ok(v) = t.parse::<i64>() {
                json!(v)
            } else if !float && t.parse::<f64>().is_ok() {
                let which = ["lower", "upper"][i];
                let what = if t
                    .trim_start_matches('-')
                    .bytes()
                    .all(|b| b.is_ascii_digit())
                {
                    "a 64-bit integer"
                } else {
                    "an integer"
                };
                return Err(Fail::Input(
                    "range",
                    format!(
                        "--range '{r}': the {which} end {t} is not {what} ('{name}' is an integer \
                     symbol; --float {name} declares a float symbol)"
                    ),
                ));
            } else {
                J::String(t.to_string())
            };
        }
        args.ranges.push((
            name.to_string(),
            r.clone(),
            [lo.trim().into(), hi.trim().into()],
        ));
        ranges.insert(name.to_string(), J::Array(ends.into()));
    }
    if !ranges.is_empty() {
        req.insert("ranges".into(), J::Object(ranges));
    }
    if !f.assume.is_empty() {
        req.insert("assume".into(), json!(f.assume));
        args.assume.clone_from(&f.assume);
    }
    types_json(req, &f.floats, args);
    Ok(())
}

fn types_json(req: &mut Map<String, J>, floats: &[String], args: &mut ArgTexts) {
    if !floats.is_empty() {
        let t: Map<String, J> = floats.iter().map(|n| (n.clone(), json!("float"))).collect();
        req.insert("types".into(), J::Object(t));
        args.floats = floats.to_vec();
    }
}

fn values_json(req: &mut Map<String, J>, set: &[String], args: &mut ArgTexts) -> Result<(), Fail> {
    let mut vals = Map::new();
    for s in set {
        let Some((n, v)) = s.split_once('=') else {
            return Err(Fail::Usage(format!("--set '{s}': expected NAME=VALUE")));
        };
        let (n, v) = (n.trim(), v.trim());
        if vals.contains_key(n) {
            return Err(Fail::Usage(format!(
                "--set '{s}': a second value for '{n}' (give one value per symbol)"
            )));
        }
        let val = if let Ok(i) = v.parse::<i64>() {
            json!(i)
        } else if let Some(f) = v.parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
            J::Number(f)
        } else {
            return Err(Fail::Input(
                "request",
                format!(
                    "--set '{s}': VALUE must be an integer (a finite number for a --float symbol)"
                ),
            ));
        };
        vals.insert(n.to_string(), val);
        args.sets.push((n.to_string(), s.clone()));
    }
    req.insert("values".into(), J::Object(vals));
    Ok(())
}

fn text_of(op: &str, resp: &J) -> String {
    let s = |v: &J| match v {
        J::Null => "oo".to_string(),
        J::String(t) => t.clone(),
        v => v.to_string(),
    };
    match op {
        "simplify" => s(&resp["expr"]),
        "bound" => {
            let lo = match &resp["lower"] {
                J::Null => "-oo".to_string(),
                v => s(v),
            };
            format!("[{lo}, {}]", s(&resp["upper"]))
        }
        "prove" => s(&resp["result"]),
        "eval" => s(&resp["value"]),
        _ => {
            if resp["solved"] == J::Bool(true) {
                let list = |v: &J| -> Vec<String> {
                    v.as_array()
                        .map(|a| a.iter().map(s).collect())
                        .unwrap_or_default()
                };
                // A conjunction as text: `True` (every value), `False` (none), else the
                // relations with their conditions.
                let answer = |rels: Vec<String>, conds: Vec<String>| -> String {
                    if conds.iter().any(|c| c == "False") {
                        return "False".into();
                    }
                    match (rels.is_empty(), conds.is_empty()) {
                        (true, true) => "True".into(),
                        (true, false) => conds.join(" & "),
                        (false, true) => rels.join(" & "),
                        (false, false) => format!("{}  if {}", rels.join(" & "), conds.join(" & ")),
                    }
                };
                let mut t = match resp["cases"].as_array() {
                    Some(cases) => cases
                        .iter()
                        .map(|c| {
                            format!(
                                "when {}: {}",
                                s(&c["when"]),
                                answer(list(&c["relations"]), list(&c["conditions"]))
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n"),
                    None => answer(list(&resp["relations"]), list(&resp["conditions"])),
                };
                let dw = list(&resp["defined_where"]);
                if !dw.is_empty() {
                    t.push_str(&format!(
                        "\n(where the relation is defined: {})",
                        dw.join(" & ")
                    ));
                }
                t
            } else {
                format!("unsolved: {}", s(&resp["reason"]))
            }
        }
    }
}

fn single(op: &str, req: Map<String, J>, format: &str, args: &ArgTexts) -> ExitCode {
    let expr = req["expr"].as_str().unwrap_or("").to_string();
    warn_unused(&expr, args);
    let req = J::Object(req);
    if format == "json" {
        let resp = request::handle(&req);
        stream::print(&format!("{resp}\n"));
        return if resp["ok"] == J::Bool(true) {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        };
    }
    match request::answer(&req) {
        Ok(fields) => {
            stream::print(&format!("{}\n", text_of(op, &J::Object(fields))));
            ExitCode::SUCCESS
        }
        Err(f) => {
            report(&f, &expr, args);
            ExitCode::from(1)
        }
    }
}

/// Prints a failure naming the argument it is about, with a caret under its column.
fn report(f: &request::Failure, expr: &str, args: &ArgTexts) {
    use request::At;
    let q = |t: &str| format!("'{t}'");
    // The argument (when not the expression) and the text the column counts in.
    let (arg, text): (Option<String>, &str) = match &f.at {
        None => (None, expr),
        Some(At::Assume(i)) => {
            let t = args.assume.get(*i).map_or("", String::as_str);
            (Some(format!("--assume {}", q(t))), t)
        }
        Some(At::Range(n, end)) => match args.ranges.iter().find(|r| &r.0 == n) {
            Some((_, orig, ends)) => match end {
                Some(i) => {
                    let which = ["lower", "upper"][(*i).min(1)];
                    let t = ends[(*i).min(1)].as_str();
                    (
                        Some(format!("--range {} ({which} end {})", q(orig), q(t))),
                        t,
                    )
                }
                None => (Some(format!("--range {}", q(orig))), ""),
            },
            None => (None, ""),
        },
        Some(At::Value(n)) => match args.sets.iter().find(|v| &v.0 == n) {
            Some((_, orig)) => (Some(format!("--set {}", q(orig))), ""),
            None => (None, ""),
        },
        Some(At::Type(n)) => (Some(format!("--float {}", q(n))), n.as_str()),
        Some(At::Symbol) => {
            let t = args.target.as_deref().unwrap_or("");
            (Some(format!("--for {}", q(t))), t)
        }
        Some(At::Limit(n)) => match args.limits.iter().find(|l| &l.0 == n) {
            Some((_, orig)) => (Some(format!("--limit {}", q(orig))), ""),
            None => (None, ""),
        },
    };
    let mut msg = match arg {
        Some(a) => format!("error: {a}: {}", f.message),
        None => format!("error: {}", f.message),
    };
    if let Some(col) = f.col.filter(|c| (1..=text.chars().count() + 1).contains(c))
        && !text.contains('\n')
    {
        msg.push_str(&format!("\n  {text}\n  {}^", " ".repeat(col - 1)));
    }
    warn!("{msg}");
}

/// Warns about `--range`, `--float` and `--set` names that occur nowhere in the expression
/// and the facts (most likely a typo), naming the closest symbol that does.
fn warn_unused(expr: &str, args: &ArgTexts) {
    let mut cx = sym::Context::new();
    for n in &args.floats {
        if cx.declare(n, sym::Ty::Float).is_err() {
            return;
        }
    }
    // The names the texts have, as written (`x` occurs in `x - x` and in `0*FloorDiv(x, y)`,
    // whose normal forms do not have it): identifiers, not inside numbers. Texts that do not
    // parse are reported by the request itself.
    let mut names = std::collections::BTreeSet::new();
    let mut texts: Vec<&str> = vec![expr];
    texts.extend(args.assume.iter().map(String::as_str));
    texts.extend(args.target.as_deref());
    for t in texts {
        if cx.parse(t).is_err() {
            return;
        }
        names.extend(identifiers(t));
    }
    for (_, _, ends) in &args.ranges {
        for t in ends.iter().filter(|t| !t.is_empty()) {
            if cx.parse_range_end(t).is_err() {
                return;
            }
            names.extend(identifiers(t));
        }
    }
    let given = args
        .ranges
        .iter()
        .map(|(n, orig, _)| (n.as_str(), format!("--range '{orig}'")))
        .chain(
            args.floats
                .iter()
                .map(|n| (n.as_str(), format!("--float {n}"))),
        )
        .chain(
            args.sets
                .iter()
                .map(|(n, orig)| (n.as_str(), format!("--set '{orig}'"))),
        );
    for (name, arg) in given {
        if !names.contains(name) {
            let hint = suggest::did_you_mean(name, names.iter().map(String::as_str));
            warn!("warning: {arg}: '{name}' does not occur in the expression{hint}");
        }
    }
}

/// The identifiers of `text` (`[A-Za-z_][A-Za-z0-9_]*`, not inside a number such as `2.5e3`).
fn identifiers(text: &str) -> impl Iterator<Item = String> + '_ {
    let b = text.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() {
            let start = i;
            i += 1;
            if b[start].is_ascii_alphabetic() || b[start] == b'_' {
                while i < b.len() && word(b[i]) {
                    i += 1;
                }
                return Some(text[start..i].to_string());
            }
            if b[start].is_ascii_digit() {
                while i < b.len() && (word(b[i]) || b[i] == b'.') {
                    i += 1;
                }
            }
        }
        None
    })
}

/// The largest `--jobs`.
const MAX_JOBS: i64 = 1024;

fn batch(file: Option<String>, jobs: Option<u32>) -> ExitCode {
    let input: Box<dyn Read + Send> = match file.as_deref() {
        None | Some("-") => Box::new(io::stdin()),
        Some(path) => match std::fs::File::open(path) {
            Ok(f) => Box::new(f),
            Err(e) => {
                warn!("error: cannot open {path}: {e}");
                return ExitCode::from(1);
            }
        },
    };
    let jobs = jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
        |n| n as usize,
    );
    let mut out = BufWriter::with_capacity(64 << 10, io::stdout().lock());
    if jobs > 1 {
        if let Err(e) = jobs::batch(input, jobs, &mut out) {
            stream::or_exit(out.flush());
            warn!("error: cannot read the input: {e}");
            return ExitCode::from(1);
        }
        stream::or_exit(out.flush());
        return ExitCode::SUCCESS;
    }
    let mut input = stream::LineReader::new(input);
    let mut line = Vec::new();
    loop {
        // Answers are flushed whenever the buffered input is used up, before waiting for more.
        let read = input.next_line(&mut line, &mut || stream::or_exit(out.flush()));
        let written = match read {
            Ok(None) => break,
            Ok(Some(stream::Line::Read)) => write_answer(&line, &mut out),
            Ok(Some(stream::Line::TooLong(n))) => {
                serde_json::to_writer(&mut out, &too_long(n)).map_err(io::Error::from)
            }
            Err(e) => {
                stream::or_exit(out.flush());
                warn!("error: cannot read the input: {e}");
                return ExitCode::from(1);
            }
        };
        stream::or_exit(written.and_then(|()| out.write_all(b"\n")));
    }
    stream::or_exit(out.flush());
    ExitCode::SUCCESS
}

fn codegen(
    spec: &str,
    flavor: FlavorArg,
    emit: EmitArg,
    always_check: bool,
    prefix: Option<&str>,
    out: Option<&str>,
) -> ExitCode {
    use codegen_cpp::{Emit, Flavor, Options, Signature};
    if matches!(flavor, FlavorArg::Dlpack) && emit == EmitArg::Prologue {
        return Fail::Usage(
            "--flavor dlpack has no wrapper prologue; use --emit checks (or all)".into(),
        )
        .exit();
    }
    let flavor = match flavor {
        FlavorArg::Aoti => Flavor::Aoti,
        FlavorArg::Dlpack => Flavor::Dlpack,
    };
    let emit = match emit {
        EmitArg::Checks => Emit::Checks,
        EmitArg::Prologue => Emit::Prologue,
        EmitArg::All => Emit::All,
    };
    let text = match std::fs::read_to_string(spec) {
        Ok(t) => t,
        Err(e) => {
            warn!("error: cannot read {spec}: {e}");
            return ExitCode::from(1);
        }
    };
    let result = Signature::from_json(&text).and_then(|sig| {
        codegen_cpp::generate_prefixed(
            sig,
            &Options {
                flavor,
                emit,
                always_check,
            },
            prefix.unwrap_or(codegen_cpp::DEFAULT_PREFIX),
        )
    });
    let cpp = match result {
        Ok(c) => c,
        Err(e) => {
            warn!("error: {e}");
            return ExitCode::from(1);
        }
    };
    match out {
        Some(path) => {
            if let Err(e) = std::fs::write(path, cpp) {
                warn!("error: cannot write {path}: {e}");
                return ExitCode::from(1);
            }
        }
        None => stream::print(&cpp),
    }
    ExitCode::SUCCESS
}

/// Adds a hint to quote the expression when the shell split it into several arguments
/// (`symshape simplify x0 + 1`: clap sees the stray `+`).
fn with_quote_hint(mut e: clap::Error) -> clap::Error {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::UnknownArgument {
        return e;
    }
    let stray = match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(a)) => a.clone(),
        _ => return e,
    };
    if stray.starts_with("--") {
        return e;
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let subs = ["simplify", "bound", "solve", "prove", "eval"];
    let Some(i) = args.iter().position(|a| subs.contains(&a.as_str())) else {
        return e;
    };
    let words: Vec<&str> = args[i + 1..]
        .iter()
        .take_while(|a| !a.starts_with("--"))
        .map(String::as_str)
        .collect();
    let hint = format!(
        "quote the expression so that the shell passes it as one argument: symshape {} '{}'",
        args[i],
        words.join(" ")
    );
    e.insert(
        ContextKind::Suggested,
        ContextValue::StyledStrs(vec![hint.into()]),
    );
    e
}

fn main() -> ExitCode {
    isolate::install_panic_hook();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = with_quote_hint(e).print();
            return ExitCode::from(code);
        }
    };
    let with = |op: &str,
                text: &str,
                facts: &Facts,
                target: Option<&str>,
                form: Option<&str>|
     -> ExitCode {
        let mut req = Map::new();
        let mut args = ArgTexts::default();
        req.insert("op".into(), json!(op));
        req.insert("expr".into(), json!(text));
        if let Some(f) = form {
            req.insert("form".into(), json!(f));
        }
        if let Some(t) = target {
            req.insert("symbol".into(), json!(t));
            args.target = Some(t.to_string());
        }
        if let Err(f) = facts_json(&mut req, facts, &mut args) {
            return f.exit_as(&facts.format);
        }
        if let Err(f) = limits_json(&mut req, &facts.limits, &mut args) {
            return f.exit_as(&facts.format);
        }
        single(op, req, &facts.format, &args)
    };
    match cli.cmd {
        Cmd::Simplify { expr, form, facts } => {
            with("simplify", &expr, &facts, None, form.as_deref())
        }
        Cmd::Bound { expr, facts } => with("bound", &expr, &facts, None, None),
        Cmd::Prove { pred, facts } => with("prove", &pred, &facts, None, None),
        Cmd::Solve { rel, symbol, facts } => with("solve", &rel, &facts, Some(&symbol), None),
        Cmd::Eval {
            expr,
            set,
            floats,
            format,
            limits,
        } => {
            let mut req = Map::new();
            let mut args = ArgTexts::default();
            req.insert("op".into(), json!("eval"));
            req.insert("expr".into(), json!(expr));
            if let Err(f) = values_json(&mut req, &set, &mut args) {
                return f.exit_as(&format);
            }
            if let Err(f) = limits_json(&mut req, &limits, &mut args) {
                return f.exit_as(&format);
            }
            types_json(&mut req, &floats, &mut args);
            single("eval", req, &format, &args)
        }
        Cmd::Codegen {
            spec,
            flavor,
            emit,
            always_check,
            prefix,
            out,
        } => codegen(
            &spec,
            flavor,
            emit,
            always_check,
            prefix.as_deref(),
            out.as_deref(),
        ),
        Cmd::Batch { file, jobs } => batch(file, jobs),
    }
}
