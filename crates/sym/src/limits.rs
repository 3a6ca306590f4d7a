//! Resource limits a caller controls: [`Limits`], held by a [`Context`] (docs/limits.md).
//!
//! Every limit has a default that is the engine's behaviour without limits set (so a default
//! context answers exactly as before). What reaching each one gives:
//! - `input_nodes`: [`Context::parse`] and the builders refuse the input ([`Error::Limit`]);
//! - `context_nodes`, `context_operands`: parsing and building refuse ([`Error::Limit`], nothing of the refused
//!   input kept); a query (simplify, bound, prove, solve) stops, drops every node it made
//!   (the context is as before the query) and answers its fallback, with
//!   [`Context::limit_reached`] saying why;
//! - `time`: a query stops at the next check (every [`TICK`] nodes visited or rewrites tried),
//!   drops what it made and answers its fallback, [`Context::limit_reached`] saying so;
//! - `rewrite_steps`, `proof_work`, `nesting`, `expand_terms`: the rule, proof or expansion
//!   is not tried: a less simplified answer (still equal to the input), `unknown` from the
//!   prover, never an error;
//! - `solve_cases`: the answer is `Unsolved` (kind `NeedsCases`) with a reason.
//!
//! The fallbacks are always sound: `simplify` answers its input, `prove` `unknown`, `bound`
//! the whole range of the type, `solve` `Unsolved` (kind `Limit`).

use crate::Context;
use crate::error::Error;
use std::time::{Duration, Instant};

/// The queries check the time and the context's size once every `TICK` steps (nodes visited by
/// the simplifier's pass, rewrites, proof substitutions): a query costs no clock read per node
/// (the simplifier takes well under a microsecond for a typical expression).
pub const TICK: u32 = 64;

/// The deepest `nesting` a caller may set: each level of analyses inside analyses costs a few
/// kilobytes of stack, so larger values are taken as this one.
pub const MAX_NESTING: u32 = 32;

/// Resource limits of one [`Context`] (docs/limits.md). `Limits::default()` is the engine's
/// behaviour without limits: no size, memory or time limit, and the work budgets it always had.
///
/// ```
/// use std::time::Duration;
/// use sym::{Context, Limits};
/// let limits = Limits::default()
///     .with_input_nodes(10_000)
///     .with_context_nodes(1_000_000)
///     .with_time(Duration::from_millis(50));
/// let mut cx = Context::with_limits(limits);
/// let e = cx.parse("FloorDiv(8*x + 4, 8)").unwrap();
/// let s = cx.simplify(e);
/// assert!(cx.limit_reached().is_none());
/// assert_eq!(cx.display(s), "x");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// The largest input [`Context::parse`] and [`Context::build`] accept, in nodes: for text,
    /// its operands and operators (every token but parentheses and commas); for a builder, the
    /// operations and leaves it makes. Default: no limit (`usize::MAX`).
    pub input_nodes: usize,
    /// The most nodes the context may hold (its memory: about 40-100 bytes a node). Reaching it
    /// refuses new input and stops queries (see the module docs). Default: no limit.
    pub context_nodes: usize,
    /// The most operands the lists of the context's nodes (sums, products, `Min`/`Max`,
    /// `And`/`Or`) may hold together: the memory that grows with the nodes' sizes, which
    /// `context_nodes` does not bound (building a product one factor at a time holds
    /// `1 + 2 + ... + n` operands). Reaching it acts as `context_nodes` does. Default: no
    /// limit (the Python binding sets one: docs/limits.md).
    pub context_operands: usize,
    /// Rewrites one simplification may make. `None` (default): 10,000 plus 64 per node of the
    /// context (at most 2^20 nodes counted), which no real expression reaches.
    pub rewrite_steps: Option<usize>,
    /// Symbolic substitutions the prover may try in one query (default 4096); once spent, proofs
    /// use plain intervals.
    pub proof_work: u32,
    /// Levels of analyses nested inside analyses (the prover simplifies, rules ask the prover;
    /// default 12, at most [`MAX_NESTING`]).
    pub nesting: u32,
    /// The most terms the expansion of a product of sums may have (default 64); a larger
    /// product stays unexpanded. Powers of sums are never expanded.
    pub expand_terms: usize,
    /// The most guarded cases one solve answer may have (default 8).
    pub solve_cases: usize,
    /// Wall-clock time of one query (simplify, bound, prove, solve). Default: none.
    pub time: Option<Duration>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            input_nodes: usize::MAX,
            context_nodes: usize::MAX,
            context_operands: usize::MAX,
            rewrite_steps: None,
            proof_work: 4096,
            nesting: 12,
            expand_terms: 64,
            solve_cases: 8,
            time: None,
        }
    }
}

impl Limits {
    /// The names of the limits, as the command line and `batch` spell them (docs/cli.md).
    pub const NAMES: &'static [&'static str] = &[
        "input_nodes",
        "context_nodes",
        "context_operands",
        "rewrite_steps",
        "proof_work",
        "nesting",
        "expand_terms",
        "solve_cases",
        "time_ms",
    ];

    /// With `input_nodes` set.
    pub fn with_input_nodes(mut self, n: usize) -> Self {
        self.input_nodes = n;
        self
    }

    /// With `context_nodes` set.
    pub fn with_context_nodes(mut self, n: usize) -> Self {
        self.context_nodes = n;
        self
    }

    /// With `context_operands` set.
    pub fn with_context_operands(mut self, n: usize) -> Self {
        self.context_operands = n;
        self
    }

    /// Whether `context_nodes` or `context_operands` is set: parsing and building then count
    /// what they make (the fast paths that do not count are not taken).
    #[inline]
    pub fn caps_context(&self) -> bool {
        self.context_nodes != usize::MAX || self.context_operands != usize::MAX
    }

    /// With `rewrite_steps` set.
    pub fn with_rewrite_steps(mut self, n: usize) -> Self {
        self.rewrite_steps = Some(n);
        self
    }

    /// With `proof_work` set.
    pub fn with_proof_work(mut self, n: u32) -> Self {
        self.proof_work = n;
        self
    }

    /// With `nesting` set (values above [`MAX_NESTING`] are taken as it).
    pub fn with_nesting(mut self, n: u32) -> Self {
        self.nesting = n;
        self
    }

    /// With `expand_terms` set.
    pub fn with_expand_terms(mut self, n: usize) -> Self {
        self.expand_terms = n;
        self
    }

    /// With `solve_cases` set.
    pub fn with_solve_cases(mut self, n: usize) -> Self {
        self.solve_cases = n;
        self
    }

    /// With a `time` limit per query.
    pub fn with_time(mut self, t: Duration) -> Self {
        self.time = Some(t);
        self
    }

    /// Sets the limit called `name` (one of [`Limits::NAMES`]; `time_ms` in milliseconds) to
    /// `value`, for front ends that read limits by name. An unknown name is an error naming the
    /// closest known one; a value out of range for the limit (above `u32::MAX` for `proof_work`
    /// and `nesting`) is an error.
    pub fn set(&mut self, name: &str, value: u64) -> Result<(), Error> {
        let as_usize = || usize::try_from(value).unwrap_or(usize::MAX);
        let as_u32 = || {
            u32::try_from(value)
                .map_err(|_| Error::Range(format!("limit '{name}': {value} is above {}", u32::MAX)))
        };
        match name {
            "input_nodes" => self.input_nodes = as_usize(),
            "context_nodes" => self.context_nodes = as_usize(),
            "context_operands" => self.context_operands = as_usize(),
            "rewrite_steps" => self.rewrite_steps = Some(as_usize()),
            "proof_work" => self.proof_work = as_u32()?,
            "nesting" => self.nesting = as_u32()?,
            "expand_terms" => self.expand_terms = as_usize(),
            "solve_cases" => self.solve_cases = as_usize(),
            "time_ms" => self.time = Some(Duration::from_millis(value)),
            _ => return Err(Self::unknown(name)),
        }
        Ok(())
    }

    /// Sets the limit called `name` to none, as its default has it (`time_ms`,
    /// `rewrite_steps`: their defaults; `input_nodes`, `context_nodes`, `context_operands`:
    /// no limit). The others always have a value: an error, as for an unknown name.
    pub fn unset(&mut self, name: &str) -> Result<(), Error> {
        match name {
            "time_ms" => self.time = None,
            "rewrite_steps" => self.rewrite_steps = None,
            "input_nodes" => self.input_nodes = usize::MAX,
            "context_nodes" => self.context_nodes = usize::MAX,
            "context_operands" => self.context_operands = usize::MAX,
            _ if Self::NAMES.contains(&name) => {
                return Err(Error::Range(format!(
                    "limit '{name}' must be a nonnegative integer (it has no 'no limit')"
                )));
            }
            _ => return Err(Self::unknown(name)),
        }
        Ok(())
    }

    /// The error of an unknown limit name, naming the closest known one.
    fn unknown(name: &str) -> Error {
        let close = Self::NAMES
            .iter()
            .map(|n| (crate::edit_distance(name, n), *n))
            .filter(|(d, _)| *d <= 3)
            .min();
        let hint = match close {
            Some((_, n)) => format!("; did you mean '{n}'?"),
            None => format!(" (limits: {})", Self::NAMES.join(", ")),
        };
        Error::Range(format!("unknown limit '{name}'{hint}"))
    }
}

/// The state of the query running on a context (none between queries): its deadline, the
/// node cap, and a tick counter for the periodic checks.
#[derive(Clone, Debug)]
pub(crate) struct Run {
    pub active: bool,
    pub deadline: Option<Instant>,
    /// `context_nodes` while a query runs, else no cap.
    pub cap: usize,
    /// Steps left before the next check (1 once stopped: every step then checks, and stops).
    pub countdown: u32,
    /// A limit stopped the query (its error is in `Context::limit_hit`).
    pub stopped: bool,
}

impl Run {
    pub const IDLE: Run = Run {
        active: false,
        deadline: None,
        cap: usize::MAX,
        countdown: TICK,
        stopped: false,
    };
}

impl Context {
    /// A new context with `limits` (see [`Limits`]).
    pub fn with_limits(limits: Limits) -> Self {
        let mut cx = Context::new();
        cx.set_limits(limits);
        cx
    }

    /// Replaces the context's limits; they apply from the next parse, build or query.
    /// [`Context::clear`] keeps them.
    pub fn set_limits(&mut self, limits: Limits) {
        // A text parsed under other limits (`input_nodes`) is parsed again.
        self.parse_memo.clear();
        self.nodes
            .count_operands(limits.context_operands != usize::MAX);
        self.limits = limits;
    }

    /// The context's limits.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Why the last query (simplify, bound, prove, solve) gave its fallback answer instead of
    /// finishing: the `context_nodes` or `time` limit ([`Error::Limit`]); `None` when it
    /// finished (the other limits never interrupt a query: they make it less thorough).
    pub fn limit_reached(&self) -> Option<&Error> {
        self.limit_hit.as_ref()
    }

    /// [`Context::simplify`], with a reached `context_nodes` or `time` limit as an error (where
    /// `simplify` answers the input unchanged).
    pub fn try_simplify(&mut self, e: crate::Expr) -> Result<crate::Expr, Error> {
        let s = self.simplify(e);
        match self.limit_hit.take() {
            Some(err) => {
                self.limit_hit = Some(err.clone());
                Err(err)
            }
            None => Ok(s),
        }
    }

    /// Runs one query: `f`, unless a `context_nodes` or `time` limit stops it, then every node
    /// made since the start is dropped and `fallback` answers. A query inside a query (the
    /// solver simplifies) runs within the outer one's limits.
    #[inline]
    pub(crate) fn query<T>(
        &mut self,
        f: impl FnOnce(&mut Context) -> T,
        fallback: impl FnOnce(&mut Context) -> T,
    ) -> T {
        if self.run.active {
            return f(self);
        }
        self.limit_hit = None;
        let deadline = self.limits.time.and_then(|t| Instant::now().checked_add(t));
        self.run = Run {
            active: true,
            deadline,
            cap: self.limits.context_nodes,
            countdown: TICK,
            stopped: false,
        };
        let m = self.mark();
        if self.over_cap() {
            self.stop(self.cap_error());
        }
        // A panic inside the query (an engine bug, which callers such as the CLI and the
        // Python binding catch) must not leave the context inside a query: reset, then go on
        // unwinding.
        let r = if self.run.stopped {
            None
        } else {
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut *self))) {
                Ok(r) => Some(r),
                Err(p) => {
                    self.run = Run::IDLE;
                    std::panic::resume_unwind(p)
                }
            }
        };
        let stopped = self.run.stopped;
        self.run = Run::IDLE;
        match r {
            Some(r) if !stopped => r,
            r => {
                drop(r);
                // Nothing the query made is reachable from its fallback answer. A refused
                // rollback (facts made during the query, which queries do not do) keeps them.
                let _ = self.rollback(m);
                fallback(self)
            }
        }
    }

    /// Whether the context holds more nodes than the running query's cap (`context_nodes`),
    /// or more operands than `context_operands`.
    #[inline]
    fn over_cap(&self) -> bool {
        self.nodes.len() > self.run.cap || self.over_operands()
    }

    /// The error of a context beyond `context_nodes`, else beyond `context_operands` (called
    /// once one of them is exceeded).
    fn cap_error(&self) -> Error {
        if self.nodes.len() <= self.limits.context_nodes {
            return self.operands_error("the context holds");
        }
        Error::Limit {
            name: "context_nodes",
            msg: format!(
                "the context holds {} nodes, the limit is {}",
                self.nodes.len(),
                self.limits.context_nodes
            ),
        }
    }

    /// Whether the context holds more operands than `context_operands` (counted only under
    /// that limit: `Nodes::count_operands`).
    #[inline]
    fn over_operands(&self) -> bool {
        self.limits.context_operands != usize::MAX
            && self.nodes.operands() > self.limits.context_operands
    }

    /// The `context_operands` error, its message starting with `what`.
    fn operands_error(&self, what: &str) -> Error {
        Error::Limit {
            name: "context_operands",
            msg: format!(
                "{what} {} operands in its sums, products and lists, the limit is {}",
                self.nodes.operands(),
                self.limits.context_operands
            ),
        }
    }

    /// The number of operands the lists of the context's nodes hold together (sums,
    /// products, `Min`/`Max`, `And`/`Or`: [`Limits::context_operands`]). Kept as nodes are
    /// made under that limit; without it, counted over the nodes at each call.
    pub fn operand_count(&self) -> usize {
        self.nodes.operands()
    }

    /// The error of the first limit on the context's size (`context_nodes`,
    /// `context_operands`) it is beyond, if any: for front ends that build with the
    /// operators ([`Context::add`], [`Context::mul`] and the like, which do not check them)
    /// and refuse what took the context beyond them ([`Context::mark`],
    /// [`Context::rollback`]).
    pub fn over_limits(&self) -> Option<Error> {
        if self.nodes.len() > self.limits.context_nodes {
            return Some(self.cap_error_for_input());
        }
        if self.over_operands() {
            return Some(self.operands_error("the input would take the context to"));
        }
        None
    }

    /// Counts one step of the running query and, every [`TICK`] steps, checks its node cap and
    /// deadline. Whether the query must stop.
    #[inline]
    pub(crate) fn tick(&mut self) -> bool {
        self.run.countdown -= 1;
        if self.run.countdown != 0 {
            return false;
        }
        self.check_run()
    }

    /// Whether a limit stopped the running query.
    #[inline]
    pub(crate) fn stopped(&self) -> bool {
        self.run.stopped
    }

    fn stop(&mut self, e: Error) {
        self.run.stopped = true;
        self.run.countdown = 1;
        self.limit_hit = Some(e);
    }

    #[cold]
    #[inline(never)]
    fn check_run(&mut self) -> bool {
        if self.run.stopped {
            self.run.countdown = 1;
            return true;
        }
        self.run.countdown = TICK;
        if !self.run.active {
            return false;
        }
        if self.over_cap() {
            self.stop(self.cap_error());
            return true;
        }
        if let Some(d) = self.run.deadline
            && Instant::now() >= d
        {
            let ms = self.limits.time.unwrap_or_default().as_secs_f64() * 1e3;
            self.stop(Error::Limit {
                name: "time",
                msg: format!("the query ran longer than the limit of {ms} ms"),
            });
            return true;
        }
        false
    }

    /// For parsing: the error when an input took the context beyond `context_nodes`.
    pub(crate) fn cap_error_for_input(&self) -> Error {
        Error::Limit {
            name: "context_nodes",
            msg: format!(
                "the input would take the context to {} nodes, the limit is {}",
                self.nodes.len(),
                self.limits.context_nodes
            ),
        }
    }

    /// For parsing and building: an error when the context holds more than `context_nodes`
    /// nodes or `context_operands` operands.
    pub(crate) fn check_cap(&self) -> Result<(), Error> {
        if self.nodes.len() > self.limits.context_nodes || self.over_operands() {
            return Err(self.cap_error());
        }
        Ok(())
    }
}
