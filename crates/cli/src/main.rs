//! The `symshape` binary (CLI.md): simplify, bound, solve, prove, eval, batch, codegen.

/// A message on stderr (`eprintln!` without its panic when stderr is closed).
macro_rules! warn {
    ($($t:tt)*) => {{
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

mod isolate;
mod jobs;
mod request;
mod stream;

use clap::{Args, Parser, Subcommand};
use serde_json::{Map, Value as J, json};
use std::io::{self, BufWriter, Read, Write};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "symshape",
    version,
    about = "Symbolic integer middle end for dynamic-shape ML compilers"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Args, Clone)]
struct Facts {
    /// NAME=LO..HI (inclusive; either side may be omitted or be an expression).
    #[arg(long = "range", value_name = "NAME=LO..HI")]
    ranges: Vec<String>,
    /// A boolean fact that holds.
    #[arg(long = "assume", value_name = "PRED", allow_hyphen_values = true)]
    assume: Vec<String>,
    /// Declares a float symbol.
    #[arg(long = "float", value_name = "NAME")]
    floats: Vec<String>,
    /// Output format.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    format: String,
}

#[derive(Subcommand)]
enum Cmd {
    /// Prints the simplified expression.
    Simplify {
        /// (may start with '-': `symshape simplify -x + 1`)
        #[arg(allow_hyphen_values = true)]
        expr: String,
        /// `canonical` (default: the normal form, structural equality depends on it) or
        /// `compact` (fewest printed operations, e.g. `8*(x + y + z)`; not canonical)
        #[arg(long, value_parser = ["canonical", "compact"])]
        form: Option<String>,
        #[command(flatten)]
        facts: Facts,
    },
    /// Prints a sound bound [lo, hi].
    Bound {
        /// (may start with '-': `symshape simplify -x + 1`)
        #[arg(allow_hyphen_values = true)]
        expr: String,
        #[command(flatten)]
        facts: Facts,
    },
    /// Solves a relation for a symbol.
    Solve {
        /// (may start with '-': `symshape simplify -x + 1`)
        #[arg(allow_hyphen_values = true)]
        rel: String,
        #[arg(long = "for", value_name = "NAME")]
        symbol: String,
        #[command(flatten)]
        facts: Facts,
    },
    /// Prints true, false or unknown.
    Prove {
        /// (may start with '-': `symshape simplify -x + 1`)
        #[arg(allow_hyphen_values = true)]
        pred: String,
        #[command(flatten)]
        facts: Facts,
    },
    /// Evaluates exactly.
    Eval {
        /// (may start with '-': `symshape simplify -x + 1`)
        #[arg(allow_hyphen_values = true)]
        expr: String,
        /// NAME=VALUE
        #[arg(long = "set", value_name = "NAME=VALUE")]
        set: Vec<String>,
        #[arg(long = "float", value_name = "NAME")]
        floats: Vec<String>,
        #[arg(long, default_value = "text", value_parser = ["text", "json"])]
        format: String,
    },
    /// Generates C++ runtime checks and the wrapper prologue from a graph signature (CODEGEN.md).
    Codegen {
        spec: String,
        #[arg(long, default_value = "aoti")]
        flavor: String,
        #[arg(long, default_value = "all")]
        emit: String,
        #[arg(long)]
        always_check: bool,
        #[arg(short = 'o')]
        out: Option<String>,
    },
    /// JSON Lines requests from FILE or stdin, one response per line.
    Batch {
        file: Option<String>,
        /// Threads answering requests (default: the available cores); the output is the same
        /// for every N, in input order.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=MAX_JOBS))]
        jobs: Option<u32>,
    },
}

fn facts_json(req: &mut Map<String, J>, f: &Facts) -> Result<(), String> {
    let mut ranges = Map::new();
    for r in &f.ranges {
        let (name, rest) = r
            .split_once('=')
            .ok_or_else(|| format!("--range {r}: expected NAME=LO..HI"))?;
        let (lo, hi) = rest
            .split_once("..")
            .ok_or_else(|| format!("--range {r}: expected NAME=LO..HI"))?;
        let end = |t: &str| -> J {
            let t = t.trim();
            if t.is_empty() {
                J::Null
            } else if let Ok(v) = t.parse::<i64>() {
                json!(v)
            } else {
                J::String(t.to_string())
            }
        };
        ranges.insert(name.trim().to_string(), json!([end(lo), end(hi)]));
    }
    if !ranges.is_empty() {
        req.insert("ranges".into(), J::Object(ranges));
    }
    if !f.assume.is_empty() {
        req.insert("assume".into(), json!(f.assume));
    }
    if !f.floats.is_empty() {
        let t: Map<String, J> = f
            .floats
            .iter()
            .map(|n| (n.clone(), json!("float")))
            .collect();
        req.insert("types".into(), J::Object(t));
    }
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

fn single(op: &str, req: Map<String, J>, format: &str) -> ExitCode {
    let resp = request::handle(&J::Object(req));
    if format == "json" {
        stream::print(&format!("{resp}\n"));
        return if resp["ok"] == J::Bool(true) {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        };
    }
    if resp["ok"] == J::Bool(true) {
        stream::print(&format!("{}\n", text_of(op, &resp)));
        ExitCode::SUCCESS
    } else {
        warn!(
            "error ({}): {}",
            s_or(&resp["error"]["kind"]),
            s_or(&resp["error"]["message"])
        );
        ExitCode::from(1)
    }
}

fn s_or(v: &J) -> String {
    v.as_str().unwrap_or("").to_string()
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
        let resp = match read {
            Ok(None) => break,
            Ok(Some(stream::Line::Read)) => answer_line(&line),
            Ok(Some(stream::Line::TooLong(n))) => too_long(n),
            Err(e) => {
                stream::or_exit(out.flush());
                warn!("error: cannot read the input: {e}");
                return ExitCode::from(1);
            }
        };
        stream::or_exit(
            serde_json::to_writer(&mut out, &resp)
                .map_err(io::Error::from)
                .and_then(|()| out.write_all(b"\n")),
        );
    }
    stream::or_exit(out.flush());
    ExitCode::SUCCESS
}

/// The response to one input line of `batch`. Every line gets one, in order, so that answers
/// can be paired with requests by position even without ids: a blank line is a bad line too.
fn answer_line(line: &[u8]) -> J {
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
    match serde_json::from_str::<J>(text) {
        Ok(req) => isolate::answer_isolated(req.get("id"), || request::handle(&req)),
        Err(e) => request_error(None, format!("invalid JSON: {e}")),
    }
}

/// The response to an input line of `n` bytes, over `stream::MAX_LINE`.
fn too_long(n: u64) -> J {
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

fn codegen(
    spec: &str,
    flavor: &str,
    emit: &str,
    always_check: bool,
    out: Option<&str>,
) -> ExitCode {
    use codegen_cpp::{Emit, Flavor, Options, Signature};
    let flavor = match flavor {
        "aoti" => Flavor::Aoti,
        "dlpack" => Flavor::Dlpack,
        f => {
            warn!("error: --flavor {f}: expected aoti or dlpack");
            return ExitCode::from(2);
        }
    };
    let emit = match emit {
        "checks" => Emit::Checks,
        "prologue" => Emit::Prologue,
        "all" => Emit::All,
        e => {
            warn!("error: --emit {e}: expected checks, prologue or all");
            return ExitCode::from(2);
        }
    };
    let text = match std::fs::read_to_string(spec) {
        Ok(t) => t,
        Err(e) => {
            warn!("error: cannot read {spec}: {e}");
            return ExitCode::from(1);
        }
    };
    let result = Signature::from_json(&text).and_then(|sig| {
        codegen_cpp::generate(
            sig,
            &Options {
                flavor,
                emit,
                always_check,
            },
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

fn main() -> ExitCode {
    isolate::install_panic_hook();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let with =
        |op: &str, key: &str, text: &str, facts: &Facts, extra: Option<(&str, J)>| -> ExitCode {
            let mut req = Map::new();
            req.insert("op".into(), json!(op));
            req.insert(key.into(), json!(text));
            if let Some((k, v)) = extra {
                req.insert(k.into(), v);
            }
            if let Err(e) = facts_json(&mut req, facts) {
                warn!("error: {e}");
                return ExitCode::from(2);
            }
            single(op, req, &facts.format)
        };
    match cli.cmd {
        Cmd::Simplify { expr, form, facts } => with(
            "simplify",
            "expr",
            &expr,
            &facts,
            form.map(|f| ("form", json!(f))),
        ),
        Cmd::Bound { expr, facts } => with("bound", "expr", &expr, &facts, None),
        Cmd::Prove { pred, facts } => with("prove", "expr", &pred, &facts, None),
        Cmd::Solve { rel, symbol, facts } => with(
            "solve",
            "expr",
            &rel,
            &facts,
            Some(("symbol", json!(symbol))),
        ),
        Cmd::Eval {
            expr,
            set,
            floats,
            format,
        } => {
            let mut req = Map::new();
            req.insert("op".into(), json!("eval"));
            req.insert("expr".into(), json!(expr));
            let mut vals = Map::new();
            for s in &set {
                let Some((n, v)) = s.split_once('=') else {
                    warn!("error: --set {s}: expected NAME=VALUE");
                    return ExitCode::from(2);
                };
                let v = v.trim();
                let val = if let Ok(i) = v.parse::<i64>() {
                    json!(i)
                } else if let Ok(f) = v.parse::<f64>() {
                    json!(f)
                } else {
                    warn!("error: --set {s}: VALUE must be a number");
                    return ExitCode::from(2);
                };
                vals.insert(n.trim().to_string(), val);
            }
            req.insert("values".into(), J::Object(vals));
            if !floats.is_empty() {
                let t: Map<String, J> =
                    floats.iter().map(|n| (n.clone(), json!("float"))).collect();
                req.insert("types".into(), J::Object(t));
            }
            single("eval", req, &format)
        }
        Cmd::Codegen {
            spec,
            flavor,
            emit,
            always_check,
            out,
        } => codegen(&spec, &flavor, &emit, always_check, out.as_deref()),
        Cmd::Batch { file, jobs } => batch(file, jobs),
    }
}
