//! `sym`: symbolic integer expressions for dynamic-shape ML compilers.
//!
//! Hash-consed expressions live in an explicit [`Context`] (no global or thread-local state; a
//! context is `Send`, so a compiler can use one per thread). The context also holds the symbols
//! with their types, ranges and assumptions. On top of it:
//! - [`Context::parse`] / [`Context::display`]: the sympy syntax PyTorch prints, round-tripping;
//! - [`Context::eval`]: exact evaluation (division by zero and overflow are errors);
//! - [`Context::simplify`]: sound canonical and range-aware simplification;
//! - [`Context::bound`], [`Context::prove`]: range analysis and a three-valued prover;
//! - [`Context::solve`]: isolate a symbol or a sub-expression with exact integer answers (guarded
//!   cases where a coefficient's sign decides), and float relations for float symbols.
//!
//! All division-like operators use floor semantics (docs/language.md §2).
//!
//! For embedding in a compiler:
//! - building without strings: [`Context::build`] / [`Context::builder`] (operators on handles,
//!   `Result<Expr, BuildError>`; the convention for every fallible builder is in the
//!   [`Builder`] docs), or the `Option`-returning [`Context::add`], [`Context::floordiv`], ...;
//! - symbols: [`Context::symbol`] / [`Context::declare`] create, [`Context::get`] fails for
//!   unknown names; [`Context::set_range_int`] for constant ranges; [`Context::eval_syms`] by
//!   [`Symbol`], [`Context::eval`] by name;
//! - checked questions: [`Context::prove`] (a non-boolean is an error), typed solver
//!   reasons ([`Unsolved`]), [`Context::display_solution`];
//! - long-lived contexts: [`Context::mark`] / [`Context::rollback`] (the arena; see
//!   [`Mark`]), [`Context::push_facts`] / [`Context::pop_facts`] (scoped facts);
//! - reading expressions: [`Context::op`], [`Context::children`], [`Context::post_order`],
//!   [`Context::cmp_expr`] (the structural order), [`Context::show`] (a `Display` value).
//!
//! ```
//! use sym::Context;
//! let mut cx = Context::new();
//! let e = cx.build(|b| (b.sym("n") * 2 + 1).floordiv(b.sym("s0"))).unwrap();
//! assert_eq!(cx.show(e).to_string(), "FloorDiv(2*n + 1, s0)");
//! ```
//!
//! ```
//! use sym::Context;
//! let mut cx = Context::new();
//! cx.set_range_str("x0", "0", "63").unwrap();
//! cx.set_range_str("x1", "0", "127").unwrap();
//! let e = cx.parse("FloorDiv(x0 + 64*x1, 64)").unwrap();
//! let s = cx.simplify(e);
//! assert_eq!(cx.display(s), "x1");
//! ```
#![warn(missing_docs)]

mod arena;
mod bool_text;
mod bound_text;
mod bounds;
mod build;
mod builder;
mod compact;
/// Deep mode: equality saturation after the fast path (feature `egraph`, docs/deep.md).
#[cfg(feature = "egraph")]
pub mod deep;
mod defined;
mod error;
mod eval;
mod expr;
mod facts;
mod interner;
mod interval;
mod limits;
mod memo;
mod modular;
mod names;
mod parse;
mod poly_text;
mod print;
mod prove;
mod residue;
mod reuse;
mod simplify;
mod solve;
mod solve_cases;
mod solve_float;
mod solve_linear;
mod suggest;
mod table;
#[cfg(test)]
mod test_rng;
mod typed;
mod walk;

pub use arena::Mark;
pub use bool_text::plain_bool_text;
pub use bounds::Bound;
pub use build::{CmpOp, RoundOp};
pub use builder::{BExpr, BuildError, Builder, Operand};
pub use compact::Compact;
pub use error::{Error, EvalError};
pub use eval::{EvalInput, Value};
pub use expr::{Expr, Symbol, Ty};
pub use facts::{EndText, FactsMark, RangeEnd, range_end_value};
pub use limits::{Limits, MAX_NESTING, TICK};
pub use print::Show;
pub use prove::Truth;
pub use simplify::{Rule, Stats};
pub use solve::{
    Case, RelOp, Relation, Solution, SolveResult, SolveTarget, Unsolved, UnsolvedKind,
};
pub use suggest::edit_distance;
pub use walk::{Children, Op, PostOrder};

/// Whether `name` can be a symbol: an identifier (`[A-Za-z_][A-Za-z0-9_]*`) that is not a
/// reserved word. [`Context::symbol`] refuses exactly the other names; this asks without a
/// context (a caller that validates a request's names before it creates anything).
pub fn is_symbol_name(name: &str) -> bool {
    // (`check_identifier`'s answer, without the message of a refusal.)
    parse::is_unreserved_identifier(name)
}

use expr::Node;

/// The operations of a sum `ts + c` itself, as printed (print.rs): its n elements joined by
/// n - 1 binary `+`/`-`; one `*` for each of the `muls` terms `k*t` with |k| != 1; and a unary
/// minus when the sum leads with `-t`, which it does only when no term is positive (`all_neg`)
/// and there is no constant to lead (`q3 - q2` is 1, `-q2 - q3` is 2, `-2*x - y` is 2).
fn sum_own_size(ts: &[(Expr, i64)], c: i64, muls: usize, all_neg: bool) -> usize {
    let leading_neg = all_neg && (c == 0 || c == i64::MIN) && ts.first().is_some_and(|t| t.1 == -1);
    (ts.len() + usize::from(c != 0)).saturating_sub(1) + muls + usize::from(leading_neg)
}

/// Facts about a node computed once when it is interned.
#[derive(Copy, Clone, Debug)]
struct Meta {
    /// Bit `min(id, 63)` for every symbol in the expression.
    syms: u64,
    /// Constants, symbols, and sums of products of (powers of) symbols only.
    plain: bool,
    /// The expression's size as [`Context::size_walk`] counts it (shared subexpressions at
    /// each use), saturating at `u32::MAX` (then the walk answers).
    size: u32,
}

impl Meta {
    /// An integer constant's: no symbols, plain, size 0.
    const INT: Meta = Meta {
        syms: 0,
        plain: true,
        size: 0,
    };

    /// Symbol `s`'s: its bit, plain, size 0.
    #[inline]
    fn sym(s: Symbol) -> Meta {
        Meta {
            syms: 1u64 << (s.idx.min(63)),
            plain: true,
            size: 0,
        }
    }
}

#[derive(Clone, Debug)]
struct SymInfo {
    /// The handle (its name is `sym_names[handle.idx]`).
    handle: Symbol,
    ty: Ty,
    expr: Expr,
    /// The name's order key ([`expr::sym_order_key`]).
    key: expr::SymKey,
}

/// Owns every expression and symbol, plus the facts (ranges, assumptions) that the analyses use.
///
/// Cloning a context is cheap enough for tests but not free; share expressions only within one
/// context (an [`Expr`] from another context is meaningless here: see [`Context::owns`]). A
/// clone accepts the handles its parent had made when it was cloned.
#[derive(Debug)]
pub struct Context {
    /// This context's identity, carried by its handles in debug builds.
    id: u32,
    /// The contexts this one was cloned from, with their node counts at the time: their
    /// handles below that count are this context's too.
    forks: Vec<(u32, u32)>,
    nodes: interner::Nodes,
    tys: Vec<Ty>,
    /// Per node, computed once at interning: see [`Meta`].
    meta: Vec<Meta>,
    /// Handles of the constants -64..=64 once interned (`u32::MAX`: not yet), so that the
    /// constants every rewrite needs skip hashing.
    small_ints: [u32; 129],
    syms: Vec<SymInfo>,
    /// Symbol names, stored once: the index of a name is its symbol's index in `syms`.
    sym_names: names::SymNames,
    facts: facts::Facts,
    /// Facts saved by [`Context::push_facts`], innermost last.
    fact_scopes: Vec<facts::Facts>,
    /// Reused allocations of per-query memo tables (always empty between queries) and the
    /// derived facts; `None` until the first query, and while a query holds them.
    scratch: Option<Box<simplify::Scratch>>,
    /// The parser's reused allocations (empty between parses).
    parse_bufs: parse::Bufs,
    /// Texts parsed, with their expressions.
    parse_memo: parse::Memo,
    /// Per node, the rollback generation that made it (debug builds: stale handles).
    #[cfg(debug_assertions)]
    births: Vec<u32>,
    /// The current rollback generation: one more after every rollback.
    #[cfg(debug_assertions)]
    clock: u32,
    /// The caller's resource limits (docs/limits.md).
    limits: Limits,
    /// The running query's deadline, node cap and tick counter (idle between queries).
    run: limits::Run,
    /// The limit that stopped the last query, if one did ([`Context::limit_reached`]).
    limit_hit: Option<Error>,
    /// While [`Context::parse_for_eval`] parses: the divisors the text divides by.
    pub(crate) divisor_log: Option<eval::DivisorLog>,
}

impl Clone for Context {
    fn clone(&self) -> Self {
        let mut forks = self.forks.clone();
        forks.push((self.id, self.nodes.len() as u32));
        Context {
            id: fresh_id(),
            forks,
            nodes: self.nodes.clone(),
            tys: self.tys.clone(),
            meta: self.meta.clone(),
            small_ints: self.small_ints,
            syms: self.syms.clone(),
            sym_names: self.sym_names.clone(),
            facts: self.facts.clone(),
            fact_scopes: self.fact_scopes.clone(),
            scratch: self.scratch.clone(),
            parse_bufs: self.parse_bufs.clone(),
            // The clone has the same nodes: the same texts give the same handles.
            parse_memo: self.parse_memo.clone(),
            #[cfg(debug_assertions)]
            births: self.births.clone(),
            #[cfg(debug_assertions)]
            clock: self.clock,
            limits: self.limits.clone(),
            run: limits::Run::IDLE,
            limit_hit: None,
            divisor_log: None,
        }
    }
}

/// A new context identity: random (std's per-process hashing keys), not a global counter, so
/// the library keeps no global mutable state. Identities only tell handles apart; no result
/// depends on them.
#[cfg(debug_assertions)]
fn fresh_id() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u8(0);
    h.finish() as u32
}

/// Release builds check only that a handle's index is in range (see [`Context::owns`]): no
/// identity is needed, and a context costs nothing to create for it.
#[cfg(not(debug_assertions))]
fn fresh_id() -> u32 {
    0
}

impl Default for Context {
    fn default() -> Self {
        Self::new()
    }
}

impl Context {
    /// An empty context.
    pub fn new() -> Self {
        // A typical index expression with its rewrites needs a few dozen nodes: reserving them
        // avoids repeated rehashing when contexts are short-lived (one per request).
        Context {
            id: fresh_id(),
            forks: Vec::new(),
            nodes: interner::Nodes::with_capacity(64),
            tys: Vec::with_capacity(64),
            meta: Vec::with_capacity(64),
            small_ints: [u32::MAX; 129],
            syms: Vec::new(),
            sym_names: names::SymNames::default(),
            facts: facts::Facts::default(),
            fact_scopes: Vec::new(),
            scratch: None,
            parse_bufs: parse::Bufs::default(),
            parse_memo: parse::Memo::default(),
            #[cfg(debug_assertions)]
            births: Vec::with_capacity(64),
            #[cfg(debug_assertions)]
            clock: 0,
            limits: Limits::default(),
            run: limits::Run::IDLE,
            limit_hit: None,
            divisor_log: None,
        }
    }

    pub(crate) fn node(&self, e: Expr) -> &Node {
        self.check_owner(e);
        &self.nodes[e.idx as usize]
    }

    /// The type of an expression.
    pub fn ty(&self, e: Expr) -> Ty {
        self.check_owner(e);
        self.tys[e.idx as usize]
    }

    /// The handle of node `idx` of this context.
    #[inline]
    pub(crate) fn handle(&self, idx: u32) -> Expr {
        Expr {
            idx,
            #[cfg(debug_assertions)]
            owner: self.id,
            #[cfg(debug_assertions)]
            birth: self.births[idx as usize],
        }
    }

    /// Whether `e` is a handle of this context: made by it, or by a context it was cloned from
    /// before the clone. Debug builds check every handle this way (a foreign handle panics
    /// with a message instead of reading an unrelated node); in release builds only the index
    /// is checked here (in range), which is what bindings must call at their boundary.
    pub fn owns(&self, e: Expr) -> bool {
        if e.idx as usize >= self.nodes.len() {
            return false;
        }
        #[cfg(debug_assertions)]
        {
            (e.owner == self.id
                || self
                    .forks
                    .iter()
                    .any(|&(id, len)| e.owner == id && e.idx < len))
                && e.birth == self.births[e.idx as usize]
        }
        #[cfg(not(debug_assertions))]
        true
    }

    /// Whether `s` is a symbol of this context (made by it, or by a context it was cloned from
    /// before the clone); like [`Context::owns`], the identity is checked in debug builds and
    /// the index in every build.
    pub fn owns_symbol(&self, s: Symbol) -> bool {
        if s.idx as usize >= self.syms.len() {
            return false;
        }
        #[cfg(debug_assertions)]
        {
            // A fork's symbols are those it had at the fork: the symbol's expression node
            // existed then.
            let e = self.syms[s.idx as usize].expr;
            (s.owner == self.id
                || self
                    .forks
                    .iter()
                    .any(|&(id, len)| s.owner == id && e.idx < len))
                && s.birth == self.births[e.idx as usize]
        }
        #[cfg(not(debug_assertions))]
        true
    }

    #[inline]
    pub(crate) fn check_sym_owner(&self, _s: Symbol) {
        #[cfg(debug_assertions)]
        assert!(
            self.owns_symbol(_s),
            "sym: a Symbol of another Context was used with this one, or one a rollback \
             dropped (handles belong to the context that made them, until a rollback past them)"
        );
    }

    #[inline]
    fn check_owner(&self, _e: Expr) {
        #[cfg(debug_assertions)]
        assert!(
            self.owns(_e),
            "sym: an Expr of another Context was used with this one, or one whose node a \
             rollback dropped (handles belong to the context that made them, until a rollback \
             past them)"
        );
    }

    /// Number of interned nodes (a measure of memory use).
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    pub(crate) fn intern(&mut self, n: Node, ty: Ty) -> Expr {
        // One hash and one probe whether the node is new or not.
        let (i, new) = self.nodes.insert_full(n);
        if !new {
            return self.handle(i as u32);
        }
        let m = self.meta_of(&self.nodes[i]);
        self.tys.push(ty);
        self.meta.push(m);
        #[cfg(debug_assertions)]
        self.births.push(self.clock);
        self.handle(i as u32)
    }

    /// [`Context::intern`] of an integer constant: the hash, the probe's comparison and the
    /// push of an `Int` only ([`interner::Nodes::insert_leaf`]; the general `intern` reads
    /// every kind's fields before it probes, about 115 instructions a leaf), and the metadata
    /// [`Meta::INT`] without `meta_of`'s match. The same node, number and metadata as
    /// `intern(Node::Int(v), Ty::Int)` (test `leaf_interns_are_intern`).
    #[inline]
    pub(crate) fn intern_int(&mut self, v: i64) -> Expr {
        self.intern_leaf(interner::Leaf::Int(v), Ty::Int, Meta::INT)
    }

    /// [`Context::intern_int`] for the `Sym` node of `s` (of type `ty`): [`Meta::sym`].
    #[inline]
    pub(crate) fn intern_sym(&mut self, s: Symbol, ty: Ty) -> Expr {
        self.intern_leaf(interner::Leaf::Sym(s), ty, Meta::sym(s))
    }

    /// [`Context::intern`] of `p.node(a, b)` (FloorDiv, CeilDiv, Mod, Eq, Ne, Lt, Le; of type
    /// `ty`): [`interner::Nodes::insert_pair`], then the metadata `meta_of` computes for such
    /// a node, written out: the operands' symbols, not plain (only a `Pow` of a symbol is,
    /// among nodes that are neither sums nor products), size `own_size` (3 for CeilDiv, 1
    /// for the others) plus the operands' sizes as `size_of_new` adds them (a Mod of a
    /// FloorDiv is one ModularIndexing call: the FloorDiv's own 1 is not counted). The same
    /// node, number and metadata as `intern(p.node(a, b), ty)` (test
    /// `pair_and_term_interns_are_intern`); the general path reads and matches the node
    /// three times (hash, comparison, metadata) and copies it twice.
    #[inline]
    pub(crate) fn intern_pair(&mut self, p: interner::Pair, a: Expr, b: Expr, ty: Ty) -> Expr {
        let (i, new) = self.nodes.insert_pair(p, a, b);
        if new {
            let (ma, mb) = (self.meta[a.index()], self.meta[b.index()]);
            let size_a = if p == interner::Pair::Mod && matches!(self.node(a), Node::FloorDiv(..)) {
                ma.size.saturating_sub(1)
            } else {
                ma.size
            };
            let own: u32 = if p == interner::Pair::CeilDiv { 3 } else { 1 };
            self.tys.push(ty);
            self.meta.push(Meta {
                syms: ma.syms | mb.syms,
                plain: false,
                size: own.saturating_add(size_a.saturating_add(mb.size)),
            });
            #[cfg(debug_assertions)]
            self.births.push(self.clock);
        }
        self.handle(i as u32)
    }

    /// [`Context::intern`] of the integer one-term sum `Add([(t, k)], c)`:
    /// [`interner::Nodes::insert_term`], then `meta_of`'s metadata of a sum, written out for
    /// one term: the term's symbols and plainness, size `sum_own_size` of the one term plus
    /// the term's. The same node, number and metadata as the general path (test
    /// `pair_and_term_interns_are_intern`).
    #[inline]
    pub(crate) fn intern_term(&mut self, t: Expr, k: i64, c: i64) -> Expr {
        let (i, new) = self.nodes.insert_term(t, k, c);
        if new {
            let mt = self.meta[t.index()];
            let own = sum_own_size(&[(t, k)], c, usize::from(k != 1 && k != -1), k < 0);
            self.tys.push(Ty::Int);
            self.meta.push(Meta {
                syms: mt.syms,
                plain: mt.plain,
                size: u32::try_from(own)
                    .unwrap_or(u32::MAX)
                    .saturating_add(mt.size),
            });
            #[cfg(debug_assertions)]
            self.births.push(self.clock);
        }
        self.handle(i as u32)
    }

    /// [`Context::intern`] of the integer product `Mul(fs)` from its factors
    /// ([`interner::Nodes::insert_mul`]: the node and its list built only when new), then
    /// the metadata `meta_of` computes for a product, [`Context::mul_meta`] (not `meta_of`
    /// itself, which stays inlined in `intern`, its one caller). The same node, number and
    /// metadata as `intern(Node::Mul(fs.into()), Ty::Int)` (test `mul_interns_are_intern`).
    #[inline]
    pub(crate) fn intern_mul(&mut self, fs: &[Expr]) -> Expr {
        let (i, new) = self.nodes.insert_mul(fs);
        if new {
            let m = self.mul_meta(fs);
            self.tys.push(Ty::Int);
            self.meta.push(m);
            #[cfg(debug_assertions)]
            self.births.push(self.clock);
        }
        self.handle(i as u32)
    }

    /// [`Context::intern`] of a leaf whose metadata `m` the caller knows (`meta_of` of it).
    #[inline(always)]
    fn intern_leaf(&mut self, leaf: interner::Leaf, ty: Ty, m: Meta) -> Expr {
        let (i, new) = self.nodes.insert_leaf(leaf);
        if new {
            self.tys.push(ty);
            self.meta.push(m);
            #[cfg(debug_assertions)]
            self.births.push(self.clock);
        }
        self.handle(i as u32)
    }

    /// The metadata of the product of factors `fs` (interned already): the factors'
    /// symbols, plain when every factor is a symbol or a power of one (factors of a
    /// normal-form product are never sums or products themselves), size one per `*` plus the
    /// factors' (as `own_size` counts it). One pass over the factors; `meta_of`'s and
    /// `intern_mul`'s, always inlined into both (a call from `intern_mul` kept `meta_of`
    /// from being inlined into `intern`, which slowed every new node).
    #[inline(always)]
    fn mul_meta(&self, fs: &[Expr]) -> Meta {
        let is_sym = |e: &Expr| matches!(self.node(*e), Node::Sym(_));
        let (mut syms, mut plain, mut kids) = (0u64, true, 0u32);
        for f in fs {
            let mf = self.meta[f.index()];
            syms |= mf.syms;
            kids = kids.saturating_add(mf.size);
            plain &= is_sym(f) || matches!(self.node(*f), Node::Pow(b, _) if is_sym(b));
        }
        let own = fs.len().saturating_sub(1);
        Meta {
            syms,
            plain,
            size: u32::try_from(own).unwrap_or(u32::MAX).saturating_add(kids),
        }
    }

    /// The metadata of a node about to be interned (its children are interned already).
    fn meta_of(&self, n: &Node) -> Meta {
        let m = |e: Expr| self.meta[e.index()];
        let is_sym = |e: &Expr| matches!(self.node(*e), Node::Sym(_));
        match n {
            Node::Int(_) => Meta::INT,
            Node::Float(_) | Node::Bool(_) => Meta {
                syms: 0,
                plain: false,
                size: 0,
            },
            Node::Sym(s) => Meta::sym(*s),
            // Sums and products, most of what parsing and rewriting intern: one pass over
            // their operands for the three facts (the size as `own_size` counts it; the test
            // `kept_size_is_the_walks` holds the two to the walk).
            Node::Add(ts, c) => {
                let (mut syms, mut plain, mut kids) = (0u64, true, 0u32);
                let (mut muls, mut all_neg) = (0usize, true);
                for &(t, k) in ts {
                    let mt = m(t);
                    syms |= mt.syms;
                    plain &= mt.plain;
                    kids = kids.saturating_add(mt.size);
                    muls += usize::from(k != 1 && k != -1);
                    all_neg &= k < 0;
                }
                let own = sum_own_size(ts, *c, muls, all_neg);
                Meta {
                    syms,
                    plain,
                    size: u32::try_from(own).unwrap_or(u32::MAX).saturating_add(kids),
                }
            }
            Node::Mul(fs) => self.mul_meta(fs),
            n => Meta {
                syms: n.kids().iter().fold(0, |a, c| a | m(c).syms),
                plain: matches!(n, Node::Pow(b, _) if is_sym(b)),
                size: self.size_of_new(n),
            },
        }
    }

    /// [`Meta::size`] of a node about to be interned, from its children's: its own operations
    /// ([`Context::own_size`]) and its operands' sizes, as the walk adds them.
    fn size_of_new(&self, n: &Node) -> u32 {
        let size = |e: Expr| self.meta[e.index()].size;
        let kids = match n {
            // Printed as one ModularIndexing call: the FloorDiv's operands, not the FloorDiv.
            Node::Mod(a, m) if matches!(self.node(*a), Node::FloorDiv(..)) => {
                size(*a).saturating_sub(1).saturating_add(size(*m))
            }
            n => n
                .kids()
                .iter()
                .fold(0u32, |acc, k| acc.saturating_add(size(k))),
        };
        u32::try_from(self.own_size(n))
            .unwrap_or(u32::MAX)
            .saturating_add(kids)
    }

    /// The symbol called `name`, created as an `Int` symbol if it does not exist yet (so a
    /// misspelt name silently makes a new symbol: to look up a name that must exist, use
    /// [`Context::get`]; to create one of another type, [`Context::declare`]).
    /// Fails on names that are not identifiers or are reserved words.
    pub fn symbol(&mut self, name: &str) -> Result<Symbol, Error> {
        // The name is entered in the table by the lookup that misses it (one probe), and
        // taken out again when it is no identifier (the newest name leaves exactly).
        let i = match self
            .sym_names
            .find_or_push(name, names::SymNames::hash(name))
        {
            Ok(i) => return Ok(self.syms[i].handle),
            Err(i) => i,
        };
        if let Err(e) = parse::check_identifier(name) {
            self.sym_names.truncate(i);
            return Err(e);
        }
        Ok(self.make_symbol(name, Ty::Int))
    }

    /// [`Context::symbol`] for the parser: `name` is an identifier that is not reserved (the
    /// tokenizer and the parser checked), `h` its [`names::SymNames::hash`]; each name is
    /// hashed once.
    pub(crate) fn symbol_of_ident(&mut self, name: &str, h: u64) -> Symbol {
        debug_assert!(parse::check_identifier(name).is_ok());
        match self.sym_names.find_or_push(name, h) {
            Ok(i) => self.syms[i].handle,
            Err(_) => self.make_symbol(name, Ty::Int),
        }
    }

    /// The symbol `name`'s index, `h` its [`names::SymNames::hash`]. Always inlined: a probe
    /// of a few instructions, where the call saved and restored registers around it.
    #[inline(always)]
    pub(crate) fn lookup_hashed(&self, name: &str, h: u64) -> Option<Symbol> {
        self.sym_names
            .index_of_hashed(name, h)
            .map(|i| self.syms[i].handle)
    }

    fn new_symbol(&mut self, name: &str, ty: Ty) -> Symbol {
        self.sym_names
            .push_hashed(name, names::SymNames::hash(name));
        self.make_symbol(name, ty)
    }

    /// The symbol whose name `name` was just added as the newest of [`Context::sym_names`]
    /// (so it is name `syms.len()`): its `Sym` node and its info. Always inlined into its
    /// three callers (a call saved and restored registers around it for every new symbol).
    #[inline(always)]
    fn make_symbol(&mut self, name: &str, ty: Ty) -> Symbol {
        debug_assert_eq!(self.sym_names.len(), self.syms.len() + 1);
        let s = Symbol {
            idx: self.syms.len() as u32,
            #[cfg(debug_assertions)]
            owner: self.id,
            // Its Sym node is made just below, in this generation.
            #[cfg(debug_assertions)]
            birth: self.clock,
        };
        // The Sym node must exist before the info refers to it.
        let expr = self.intern_sym(s, ty);
        self.syms.push(SymInfo {
            handle: s,
            ty,
            expr,
            key: expr::sym_order_key(name),
        });
        s
    }

    /// Declares `name` with type `ty`. Redeclaring with another type is an error once the symbol
    /// has been used with its first type.
    pub fn declare(&mut self, name: &str, ty: Ty) -> Result<Symbol, Error> {
        if ty == Ty::Bool {
            return Err(Error::Range(format!(
                "symbol '{name}': only int and float symbols exist"
            )));
        }
        if let Some(s) = self.lookup(name) {
            if self.syms[s.idx as usize].ty != ty {
                return Err(Error::Range(format!(
                    "symbol '{name}' was already declared with another type"
                )));
            }
            return Ok(s);
        }
        parse::check_identifier(name)?;
        Ok(self.new_symbol(name, ty))
    }

    /// Looks a symbol up without creating it (`None` for an unknown name). [`Context::get`]
    /// is the same with an error that suggests a close name.
    pub fn lookup(&self, name: &str) -> Option<Symbol> {
        self.lookup_hashed(name, names::SymNames::hash(name))
    }

    /// The existing symbol called `name`: the lookup that fails for unknown names, beside the
    /// constructors that create them ([`Context::symbol`], [`Context::declare`], and `parse`,
    /// which creates the symbols of its text). The error names the closest known symbol.
    pub fn get(&self, name: &str) -> Result<Symbol, UnknownSymbol> {
        if let Some(s) = self.lookup(name) {
            return Ok(s);
        }
        // The closest user symbol by edit distance, at most 2 edits (and fewer than the
        // name's length); ties broken by the natural order of names, so the answer is
        // deterministic.
        let mut best: Option<(usize, &str)> = None;
        for cand in self.sym_names.iter() {
            if cand.starts_with('@') {
                continue;
            }
            let d = edit_distance(name, cand);
            if d > 2 || d >= name.chars().count().max(1) {
                continue;
            }
            let better = match best {
                None => true,
                Some((bd, bn)) => {
                    d < bd || (d == bd && expr::natural_cmp(cand, bn) == std::cmp::Ordering::Less)
                }
            };
            if better {
                best = Some((d, cand));
            }
        }
        Err(UnknownSymbol {
            name: name.to_string(),
            suggestion: best.map(|(_, n)| n.to_string()),
        })
    }

    /// The order of two symbols' names ([`expr::natural_cmp`]), through their keys when they
    /// decide it ([`expr::key_cmp`]).
    pub(crate) fn sym_cmp(&self, a: Symbol, b: Symbol) -> std::cmp::Ordering {
        match expr::key_cmp(
            &self.syms[a.idx as usize].key,
            &self.syms[b.idx as usize].key,
        ) {
            Some(o) => o,
            None => self.sym_cmp_by_name(a, b),
        }
    }

    /// [`Context::sym_cmp`] where the keys do not decide ([`expr::key_cmp`]: two names with one
    /// head whose keys know only that head, or a name with a byte below `0`).
    #[cold]
    #[inline(never)]
    fn sym_cmp_by_name(&self, a: Symbol, b: Symbol) -> std::cmp::Ordering {
        expr::natural_cmp(self.sym_name(a), self.sym_name(b))
    }

    /// The name of a symbol.
    pub fn sym_name(&self, s: Symbol) -> &str {
        self.check_sym_owner(s);
        self.sym_names.get(s.idx as usize)
    }

    /// The type of a symbol.
    pub fn sym_ty(&self, s: Symbol) -> Ty {
        self.check_sym_owner(s);
        self.syms[s.idx as usize].ty
    }

    /// The expression that is the bare symbol `s`.
    pub fn sym(&self, s: Symbol) -> Expr {
        self.check_sym_owner(s);
        self.syms[s.idx as usize].expr
    }

    /// If `e` is a bare symbol, that symbol.
    pub fn as_symbol(&self, e: Expr) -> Option<Symbol> {
        match self.node(e) {
            Node::Sym(s) => Some(*s),
            _ => None,
        }
    }

    /// If `e` is an integer constant, its value.
    pub fn as_int(&self, e: Expr) -> Option<i64> {
        match self.node(e) {
            Node::Int(v) => Some(*v),
            _ => None,
        }
    }

    /// If `e` is a boolean constant, its value.
    pub fn as_bool(&self, e: Expr) -> Option<bool> {
        match self.node(e) {
            Node::Bool(v) => Some(*v),
            _ => None,
        }
    }

    /// The free symbols of `e`, in first-occurrence order (deterministic).
    pub fn free_symbols(&self, e: Expr) -> Vec<Symbol> {
        let mut out = Vec::new();
        let mut stack: smallvec::SmallVec<[Expr; 32]> = smallvec::smallvec![e];
        let mut visits = 0usize;
        while let Some(x) = stack.pop() {
            visits += 1;
            if visits > 256 {
                return self.free_symbols_dag(e);
            }
            match self.node(x) {
                Node::Sym(s) => {
                    if !out.contains(s) {
                        out.push(*s);
                    }
                }
                Node::Int(_) | Node::Float(_) | Node::Bool(_) => {}
                // Pushed one by one: `SmallVec::extend` costs more for a few items.
                n => {
                    for k in n.kids().iter().rev() {
                        stack.push(k);
                    }
                }
            }
        }
        out
    }

    fn free_symbols_dag(&self, e: Expr) -> Vec<Symbol> {
        let mut seen = rustc_hash::FxHashSet::default();
        let mut out = Vec::new();
        let mut stack = vec![e];
        while let Some(x) = stack.pop() {
            if !seen.insert(x) {
                continue;
            }
            if let Node::Sym(s) = self.node(x) {
                // A symbol is one node (hash-consing), which `seen` visits once: no linear
                // `contains` (quadratic on a sum of 10^6 symbols, docs/limits.md).
                out.push(*s);
                continue;
            }
            stack.extend(self.node(x).kids().iter().rev());
        }
        out
    }

    /// Whether every symbol occurs at most once in the tree of `e` (and no subterm is shared).
    pub(crate) fn single_use(&self, e: Expr) -> bool {
        let mut seen: smallvec::SmallVec<[Expr; 16]> = smallvec::SmallVec::new();
        let mut stack: smallvec::SmallVec<[Expr; 16]> = smallvec::smallvec![e];
        while let Some(x) = stack.pop() {
            match self.node(x) {
                Node::Int(_) | Node::Float(_) | Node::Bool(_) => {}
                Node::Sym(_) => {
                    // Past 64 symbols the answer is "no" (the caller's general path): the
                    // linear `contains` stays bounded (a 10^6-term sum was quadratic here).
                    if seen.len() > 64 || seen.contains(&x) {
                        return false;
                    }
                    seen.push(x);
                }
                n => {
                    if seen.len() > 64 || stack.len() > 256 {
                        return false;
                    }
                    for k in n.kids().iter() {
                        stack.push(k);
                    }
                }
            }
        }
        true
    }

    /// Whether `e` is built only from constants, symbols, sums and products of symbols (and
    /// powers of symbols): the normal form of such an expression is already simplified.
    pub(crate) fn is_plain_polynomial(&self, e: Expr) -> bool {
        self.meta[e.index()].plain
    }

    /// The symbols of `e` from its mask, without a walk, when all of them are among the
    /// first 63 (which have a bit each); `None` otherwise.
    pub(crate) fn small_symbols(&self, e: Expr) -> Option<impl Iterator<Item = Symbol> + '_> {
        let mask = self.meta[e.index()].syms;
        if mask & (1 << 63) != 0 {
            return None;
        }
        // The set bits, lowest first (one step per symbol, not one per possible bit).
        let mut rest = mask;
        Some(std::iter::from_fn(move || {
            if rest == 0 {
                return None;
            }
            let i = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            Some(self.syms[i].handle)
        }))
    }

    /// The symbols of `es` when they are one symbol in all, else `None`; exact for every
    /// symbol (the first 63 from the masks; those beyond, which share the mask's last bit, by
    /// a walk), so that no answer depends on how many symbols the context made before.
    pub(crate) fn sole_symbol(&self, es: &[Expr]) -> Option<Symbol> {
        let mask = es.iter().fold(0u64, |m, e| m | self.meta[e.index()].syms);
        if mask.count_ones() != 1 {
            return None;
        }
        if mask != 1 << 63 {
            return Some(self.syms[mask.trailing_zeros() as usize].handle);
        }
        let mut one: Option<Symbol> = None;
        for &e in es {
            for s in self.free_symbols(e) {
                match one {
                    None => one = Some(s),
                    Some(t) if t == s => {}
                    Some(_) => return None,
                }
            }
        }
        one
    }

    /// Calls `f` on every symbol of `e` once, in no particular order: from its mask when
    /// the symbols are among the first 63 (no walk, no allocation), else by a walk.
    pub(crate) fn for_each_symbol(&self, e: Expr, mut f: impl FnMut(Symbol)) {
        match self.small_symbols(e) {
            Some(syms) => syms.for_each(f),
            None => self.free_symbols(e).into_iter().for_each(&mut f),
        }
    }

    /// Whether `s` occurs in `e`.
    pub fn contains_symbol(&self, e: Expr, s: Symbol) -> bool {
        // The first 63 symbols have a bit of their own in the mask: exact in O(1). The others
        // share bit 63, whose absence still answers "no".
        let mask = self.meta[e.index()].syms;
        if s.idx < 63 {
            return mask & (1 << s.idx) != 0;
        }
        if mask & (1 << 63) == 0 {
            return false;
        }
        let target = self.sym(s);
        // Small expressions: a plain tree walk without a visited set (no allocation).
        let mut stack: smallvec::SmallVec<[Expr; 32]> = smallvec::smallvec![e];
        let mut visits = 0usize;
        while let Some(x) = stack.pop() {
            if x == target {
                return true;
            }
            visits += 1;
            if visits > 256 {
                return self.contains_symbol_dag(e, s);
            }
            match self.node(x) {
                Node::Int(_) | Node::Float(_) | Node::Bool(_) | Node::Sym(_) => {}
                n => stack.extend(n.children()),
            }
        }
        false
    }

    /// `contains_symbol` for large or heavily shared expressions (each node visited once).
    fn contains_symbol_dag(&self, e: Expr, s: Symbol) -> bool {
        let target = self.sym(s);
        let mut seen = rustc_hash::FxHashSet::default();
        let mut stack = vec![e];
        while let Some(x) = stack.pop() {
            if x == target {
                return true;
            }
            if !seen.insert(x) {
                continue;
            }
            stack.extend(self.node(x).kids().iter());
        }
        false
    }

    /// The size of an expression as docs/language.md §5 defines it (operator nodes of the printed
    /// form; an n-ary sum or product of k terms counts k-1, a call counts 1, except `CeilDiv`,
    /// which counts as its definition `-FloorDiv(-a, b)`: 3).
    pub fn size(&self, e: Expr) -> usize {
        self.tree_size(e)
    }

    /// Size of the parsed structure (tree, shared subexpressions counted at each use).
    pub(crate) fn tree_size(&self, e: Expr) -> usize {
        self.tree_size_upto(e, usize::MAX)
    }

    /// [`Context::tree_size`], stopping as soon as the count reaches `limit` (then the result
    /// is at least `limit`): comparing a small answer with a large input costs the small one.
    pub(crate) fn tree_size_upto(&self, e: Expr, limit: usize) -> usize {
        self.size_walk(e, limit)
    }

    /// The simplifier's cost: the size (a `CeilDiv(a, b)` counts as what it stands for,
    /// `-FloorDiv(-a, b)`, 3 operations, so that the floor forms it is rewritten to where they
    /// fit, `FloorDiv(x + 3, 4)`, are kept; `CeilDiv` stays where they do not).
    pub(crate) fn cost_upto(&self, e: Expr, limit: usize) -> usize {
        self.size_walk(e, limit)
    }

    /// The size of `e`: the sum of [`Context::own_size`] over its tree (shared subexpressions
    /// counted at each use). Computed when each node is interned ([`Meta::size`]); the walk
    /// ([`Context::size_walk_slow`]) answers only beyond `u32::MAX`, stopping at `limit`.
    fn size_walk(&self, e: Expr, limit: usize) -> usize {
        match self.meta[e.index()].size {
            u32::MAX => self.size_walk_slow(e, limit),
            n => n as usize,
        }
    }

    /// The operations of `n` itself as printed (its operands not included).
    fn own_size(&self, n: &Node) -> usize {
        // docs/language.md §5: CeilDiv(a, b) is defined as -FloorDiv(-a, b) and counted so (as
        // the peers' harness counts it; PyTorch never prints it).
        let ceil_cost = 3;
        match n {
            Node::Int(_) | Node::Float(_) | Node::Bool(_) | Node::Sym(_) => 0,
            Node::Add(ts, c) => sum_own_size(
                ts,
                *c,
                ts.iter().filter(|t| t.1 != 1 && t.1 != -1).count(),
                ts.iter().all(|t| t.1 < 0),
            ),
            Node::Mul(a) => a.len() - 1,
            Node::CeilDiv(..) => ceil_cost,
            _ => 1,
        }
    }

    /// [`Context::size_walk`] by walking the tree, stopping once the count reaches `limit`
    /// (then the result is at least `limit`).
    fn size_walk_slow(&self, e: Expr, limit: usize) -> usize {
        let mut total = 0usize;
        let mut stack: smallvec::SmallVec<[Expr; 32]> = smallvec::smallvec![e];
        while let Some(x) = stack.pop() {
            if total >= limit {
                return total;
            }
            total = total.saturating_add(self.own_size(self.node(x)));
            match self.node(x) {
                Node::Mod(a, m) => {
                    // Printed as one ModularIndexing call (print.rs).
                    if let Node::FloorDiv(p, q) = self.node(*a) {
                        stack.push(*p);
                        stack.push(*q);
                        stack.push(*m);
                        continue;
                    }
                    stack.push(*a);
                    stack.push(*m);
                }
                n => stack.extend(n.kids().iter()),
            }
        }
        total
    }
}

/// [`Context::get`] of a name the context does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown symbol '{name}'{}", .suggestion.as_ref().map(|s| format!(" (did you mean '{s}'?)")).unwrap_or_default())]
pub struct UnknownSymbol {
    /// The name asked for.
    pub name: String,
    /// The closest known symbol name, if one is close.
    pub suggestion: Option<String>,
}

#[cfg(test)]
mod symbol_tests {
    use crate::Context;

    /// A refused name leaves nothing behind (its entry in the names, made by the lookup that
    /// missed it, is taken out): the names and symbols are those made without it, in the same
    /// order, and every name still finds its symbol, also the names hashed like it.
    #[test]
    fn refused_names_leave_no_trace() {
        let (mut a, mut b) = (Context::new(), Context::new());
        let refused = ["2x", "", "Min", "x y", "oo", "FloorDiv", "é", "x-1"];
        for (i, name) in ["s0", "x", "tmp62", "a_long_name_of_a_symbol", "s1"]
            .iter()
            .enumerate()
        {
            let bad = refused[i % refused.len()];
            assert!(a.symbol(bad).is_err(), "{bad}");
            assert!(a.lookup(bad).is_none(), "{bad}");
            let (sa, sb) = (a.symbol(name).unwrap(), b.symbol(name).unwrap());
            assert_eq!(sa, sb, "{name}");
            assert_eq!(a.symbol(name).unwrap(), sa, "{name}: found again");
            assert!(a.symbol(refused[(i + 3) % refused.len()]).is_err());
        }
        assert!(a.sym_names.iter().eq(b.sym_names.iter()));
        assert_eq!(a.syms.len(), b.syms.len());
        assert_eq!(a.node_count(), b.node_count());
        let names: Vec<String> = b.sym_names.iter().map(String::from).collect();
        for name in &names {
            assert_eq!(a.lookup(name), b.lookup(name), "{name}");
            let e = a.parse(name).unwrap();
            assert_eq!(a.display(e), *name);
        }
    }
}

#[cfg(test)]
mod send_check {
    fn assert_send<T: Send>() {}
    #[test]
    fn context_is_send() {
        assert_send::<super::Context>();
    }
}

/// A read-only view of one node, for printers outside this crate (the C++ printer).
///
/// It allocates its operand lists and names operators by strings; [`Context::op`],
/// [`Context::children`] and [`Context::post_order`] read nodes without allocating.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum View {
    /// A constant or a symbol (use `as_int`, `as_float`, `as_bool`, `as_symbol`).
    Leaf,
    /// `Σ k·t + c`.
    Sum(Vec<(Expr, i64)>, i64),
    /// A product of factors.
    Prod(Vec<Expr>),
    /// `base ** k`.
    Pow(Expr, u32),
    /// Any other operator by its docs/language.md name (`FloorDiv`, `Mod`, `Min`, `Where`, `Eq`,
    /// ...; float arithmetic is `FAdd`, `FMul`, `FNeg`), with its operands.
    Call(&'static str, Vec<Expr>),
}

impl Context {
    /// The node of `e` as a [`View`].
    pub fn view(&self, e: Expr) -> View {
        let n = self.node(e);
        let name = match n {
            Node::Int(_) | Node::Float(_) | Node::Bool(_) | Node::Sym(_) => return View::Leaf,
            Node::Add(ts, c) => return View::Sum(ts.to_vec(), *c),
            Node::Mul(fs) => return View::Prod(fs.to_vec()),
            Node::Pow(b, k) => return View::Pow(*b, *k),
            Node::FloorDiv(..) => "FloorDiv",
            Node::CeilDiv(..) => "CeilDiv",
            Node::Mod(..) => "Mod",
            Node::Min(_) => "Min",
            Node::Max(_) => "Max",
            Node::Abs(_) => "Abs",
            Node::Where(..) => "Where",
            Node::ToFloat(_) => "ToFloat",
            Node::IntTrueDiv(..) => "IntTrueDiv",
            Node::FloatTrueDiv(..) => "FloatTrueDiv",
            Node::FAdd(..) => "FAdd",
            Node::FMul(..) => "FMul",
            Node::FNeg(_) => "FNeg",
            Node::TruncToInt(_) => "TruncToInt",
            Node::FloorToInt(_) => "FloorToInt",
            Node::CeilToInt(_) => "CeilToInt",
            Node::RoundToInt(_) => "RoundToInt",
            Node::Eq(..) => "Eq",
            Node::Ne(..) => "Ne",
            Node::Lt(..) => "Lt",
            Node::Le(..) => "Le",
            Node::And(_) => "And",
            Node::Or(_) => "Or",
            Node::Not(_) => "Not",
        };
        View::Call(name, n.children().to_vec())
    }
}

#[cfg(test)]
mod size_tests {
    use crate::Context;

    /// The size kept per node at interning equals the walk's count, for every node of an
    /// arena built from sums (leading minus, coefficients, constants), products, powers,
    /// ModularIndexing (a Mod of a FloorDiv counts as one call), CeilDiv, relations, floats,
    /// shared subexpressions, and the simplifier's own rewrites.
    #[test]
    fn kept_size_is_the_walks() {
        let mut cx = Context::new();
        cx.set_range_str("x", "0", "63").unwrap();
        let texts = [
            "4*d0*s0*s53 + 2*d1*s0 + d2",
            "-x - y",
            "-2*x - y + 3",
            "q3 - q2",
            "x**3*y**2 + 5",
            "ModularIndexing(x + 64*y, 1, 64) + 64*FloorDiv(x, 4096)",
            "Mod(FloorDiv(x, 3) + y, 7)",
            "ModularIndexing(x*y + y, 4, 16) + Mod(FloorDiv(x*y, 3), 5)",
            "CeilDiv(x + 3, 4) * CeilDiv(x + 3, 4)",
            "Max(x, y, FloorDiv(x*y, 5)) - Min(1, x)",
            "Where(Lt(x, y), x, y) + Abs(x - y)",
            "And(Eq(Mod(x, 4), 0), Ne(x, y))",
            "FloorToInt(ToFloat(x) * 0.5 + 1.25)",
            "(((8*q2)//5)) + (((8*q2)//5))*(((8*q2)//5)) + 1",
            "-9223372036854775808*x + 1",
        ];
        for t in texts {
            let e = cx.parse(t).unwrap();
            if cx.ty(e) == crate::Ty::Int {
                let _ = cx.simplify(e);
            }
        }
        for i in 0..cx.node_count() {
            let e = cx.handle(i as u32);
            assert_eq!(
                cx.size_walk(e, usize::MAX),
                cx.size_walk_slow(e, usize::MAX),
                "{}",
                cx.display(e)
            );
        }
    }
}

#[cfg(test)]
mod size_saturation_tests {
    use crate::Context;

    /// A DAG whose tree is beyond `u32::MAX` operations (each level uses the previous one
    /// twice): the kept size saturates and the walk, stopped at the limit, answers.
    #[test]
    fn beyond_u32_the_walk_answers() {
        let mut cx = Context::new();
        let mut f = cx.parse("x + y").unwrap();
        let (two, three) = (cx.int(2), cx.int(3));
        for _ in 0..40 {
            let a = cx.floordiv(f, two).unwrap();
            let b = cx.floordiv(f, three).unwrap();
            f = cx.add(a, b).unwrap();
        }
        assert_eq!(cx.meta[f.index()].size, u32::MAX);
        let n = cx.size_walk(f, 1000);
        assert!(n >= 1000, "{n}");
        assert_eq!(n, cx.size_walk_slow(f, 1000));
    }
}

#[cfg(test)]
mod leaf_intern_tests {
    use crate::expr::{Node, Symbol};
    use crate::{Context, Expr, Ty};

    /// `a` and `b` (contexts built alike, one through a shortcut) hold the same nodes, types,
    /// operand count and metadata, and the metadata is what `meta_of` computes (more than
    /// 3,000 nodes, so that the random build reached far).
    fn assert_same_arenas(a: &Context, b: &Context) {
        assert!(a.node_count() > 3000);
        assert_eq!(a.nodes.operands(), b.nodes.operands());
        for i in 0..a.node_count() {
            assert_eq!(a.nodes[i], b.nodes[i], "node {i}");
            let (m, w, v) = (a.meta[i], b.meta[i], a.meta_of(&a.nodes[i]));
            assert_eq!(
                (m.syms, m.plain, m.size),
                (w.syms, w.plain, w.size),
                "node {i}"
            );
            assert_eq!(
                (m.syms, m.plain, m.size),
                (v.syms, v.plain, v.size),
                "node {i}"
            );
            assert_eq!(a.tys[i], b.tys[i], "node {i}");
        }
    }

    /// `intern_int` and `intern_sym` against `intern` of the same node. Two contexts fed the
    /// same pseudo-random sequence of constants (repeats, small and extreme values), new and
    /// old symbols of both types, and sums over what was made: `a` makes its leaves with the
    /// kind's path, `b` with `intern`, and they end with the same handles and arena at every
    /// step. Within `a`, `intern` of each leaf finds the leaf path's node (the same hash) and,
    /// for constants, the other way round; every node's kept metadata is `meta_of`'s.
    #[test]
    fn leaf_interns_are_intern() {
        let (mut a, mut b) = (Context::new(), Context::new());
        let mut syms: Vec<(Symbol, Symbol)> = Vec::new();
        let mut made: Vec<(Expr, Expr)> = Vec::new();
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for step in 0..4000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let (ea, eb) = match x % 5 {
                0 | 1 => {
                    let v = match (x >> 8) % 4 {
                        0 => i64::MIN + ((x >> 16) % 3) as i64,
                        1 => i64::MAX - ((x >> 16) % 3) as i64,
                        _ => ((x >> 16) % 400) as i64 - 200,
                    };
                    // Half the time `intern` first, then the leaf path finds it.
                    let ea = if x & 1 << 40 == 0 {
                        let e = a.intern_int(v);
                        assert_eq!(a.intern(Node::Int(v), Ty::Int), e, "step {step}");
                        e
                    } else {
                        let e = a.intern(Node::Int(v), Ty::Int);
                        assert_eq!(a.intern_int(v), e, "step {step}");
                        e
                    };
                    (ea, b.intern(Node::Int(v), Ty::Int))
                }
                2 if syms.len() < 80 => {
                    let name = format!("s{}", syms.len());
                    let ty = if x & 256 == 0 { Ty::Int } else { Ty::Float };
                    let (sa, sb) = (a.new_symbol(&name, ty), b.new_symbol(&name, ty));
                    syms.push((sa, sb));
                    let ea = a.sym(sa);
                    assert_eq!(a.intern(Node::Sym(sa), ty), ea, "step {step}");
                    (ea, b.sym(sb))
                }
                2 | 3 if !syms.is_empty() => {
                    let (sa, sb) = syms[(x >> 8) as usize % syms.len()];
                    let ty = b.sym_ty(sb);
                    (a.intern_sym(sa, ty), b.intern(Node::Sym(sb), ty))
                }
                _ if made.len() > 2 => {
                    let i = (x >> 8) as usize % made.len();
                    let j = (x >> 20) as usize % made.len();
                    let k = ((x >> 32) % 7) as i64 - 3;
                    let (sa, sb) = (
                        a.add_terms(&[(made[i].0, k), (made[j].0, 2)], 1),
                        b.add_terms(&[(made[i].1, k), (made[j].1, 2)], 1),
                    );
                    match (sa, sb) {
                        (Some(sa), Some(sb)) => (sa, sb),
                        (sa, sb) => {
                            assert_eq!(sa.is_none(), sb.is_none(), "step {step}");
                            continue;
                        }
                    }
                }
                _ => continue,
            };
            assert_eq!(ea.index(), eb.index(), "step {step}");
            assert_eq!(a.node_count(), b.node_count(), "step {step}");
            made.push((ea, eb));
        }
        assert!(made.len() > 2000 && syms.len() == 80);
        for i in 0..a.node_count() {
            assert_eq!(a.nodes[i], b.nodes[i], "node {i}");
            let (m, w) = (a.meta[i], a.meta_of(&a.nodes[i]));
            assert_eq!(
                (m.syms, m.plain, m.size),
                (w.syms, w.plain, w.size),
                "node {i}"
            );
            assert_eq!(a.tys[i], b.tys[i], "node {i}");
        }
    }

    /// The same leaves made in two contexts, as pairs: constants at and near the i64 limits
    /// (`a` by `intern_int`, `b` by `intern`), then the integer symbols `s0` to `s{n - 1}`.
    fn paired_leaves(a: &mut Context, b: &mut Context, n: usize) -> Vec<(Expr, Expr)> {
        let mut pool: Vec<(Expr, Expr)> = Vec::new();
        for v in [i64::MIN, i64::MIN + 1, -2, -1, 0, 1, 2, 7, i64::MAX] {
            pool.push((a.intern_int(v), b.intern(Node::Int(v), Ty::Int)));
        }
        for i in 0..n {
            let name = format!("s{i}");
            let (sa, sb) = (a.new_symbol(&name, Ty::Int), b.new_symbol(&name, Ty::Int));
            pool.push((a.sym(sa), b.sym(sb)));
        }
        pool
    }

    /// `intern_pair` and `intern_term` against the general `intern`, on random nodes of
    /// their kinds over random operands (constants at the i64 edges, symbols, and the nodes
    /// made, so Mods of FloorDivs, sums of sums and sizes that grow): context `a` takes the
    /// fast paths (and, every third step, `intern` first, then the fast path must find the
    /// node; or the fast path first, then `intern`), `b` only `intern`. The two arenas, the
    /// node types, the kept metadata (also against `meta_of`) and the operand counts are
    /// the same.
    #[test]
    fn pair_and_term_interns_are_intern() {
        use crate::interner::Pair;
        let (mut a, mut b) = (Context::new(), Context::new());
        a.nodes.count_operands(true);
        let mut pool = paired_leaves(&mut a, &mut b, 70);
        let ks = [i64::MIN, i64::MIN + 1, -3, -2, -1, 0, 1, 2, 5, i64::MAX];
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for step in 0..6000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let pick = |r: u64| pool[r as usize % pool.len()];
            let (ea, eb) = if x & 1 == 0 {
                let p = Pair::ALL[(x >> 4) as usize % Pair::ALL.len()];
                let ty = match p {
                    Pair::FloorDiv | Pair::CeilDiv | Pair::Mod => Ty::Int,
                    _ => Ty::Bool,
                };
                // Mods of FloorDivs: half the Mods take a FloorDiv made as the dividend.
                let (oa, ob) = pick(x >> 8);
                let (oa, ob) = if p == Pair::Mod && x & 1 << 50 != 0 {
                    let (qa, qb) = pick(x >> 52);
                    (
                        a.intern_pair(Pair::FloorDiv, oa, qa, Ty::Int),
                        b.intern(Node::FloorDiv(ob, qb), Ty::Int),
                    )
                } else {
                    (oa, ob)
                };
                let (ra, rb) = pick(x >> 24);
                let eb = b.intern(p.node(ob, rb), ty);
                let ea = match (x >> 40) % 3 {
                    0 => {
                        let e = a.intern(p.node(oa, ra), ty);
                        assert_eq!(a.intern_pair(p, oa, ra, ty), e, "step {step}");
                        e
                    }
                    1 => {
                        let e = a.intern_pair(p, oa, ra, ty);
                        assert_eq!(a.intern(p.node(oa, ra), ty), e, "step {step}");
                        e
                    }
                    _ => a.intern_pair(p, oa, ra, ty),
                };
                (ea, eb)
            } else {
                let (ta, tb) = pick(x >> 8);
                let k = ks[(x >> 24) as usize % ks.len()];
                let c = ks[(x >> 32) as usize % ks.len()];
                let eb = b.intern(Node::Add(smallvec::smallvec![(tb, k)], c), Ty::Int);
                let ea = match (x >> 40) % 3 {
                    0 => {
                        let e = a.intern(Node::Add(smallvec::smallvec![(ta, k)], c), Ty::Int);
                        assert_eq!(a.intern_term(ta, k, c), e, "step {step}");
                        e
                    }
                    1 => {
                        let e = a.intern_term(ta, k, c);
                        let n = Node::Add(smallvec::smallvec![(ta, k)], c);
                        assert_eq!(a.intern(n, Ty::Int), e, "step {step}");
                        e
                    }
                    _ => a.intern_term(ta, k, c),
                };
                (ea, eb)
            };
            assert_eq!(ea.index(), eb.index(), "step {step}");
            assert_eq!(a.node_count(), b.node_count(), "step {step}");
            pool.push((ea, eb));
        }
        assert_same_arenas(&a, &b);
    }

    /// `intern_mul` and `intern` of `Node::Mul` find each other's products and number new
    /// ones alike, with the same metadata and operand count, over random lists (empty, one
    /// factor, repeats, any order, products of products and of sums, constants at the i64
    /// limits).
    #[test]
    fn mul_interns_are_intern() {
        let (mut a, mut b) = (Context::new(), Context::new());
        a.nodes.count_operands(true);
        b.nodes.count_operands(true);
        let mut pool = paired_leaves(&mut a, &mut b, 40);
        let mut x: u64 = 0xD1B5_4A32_D192_ED03;
        for step in 0..6000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let pick = |r: u64| pool[r as usize % pool.len()];
            if x.is_multiple_of(7) {
                // A one-term sum or a power now and then, as a factor to come.
                let (ta, tb) = pick(x >> 8);
                let k = (x >> 20) as i64 % 5 - 2;
                let (ea, eb) = if x & 1 << 30 == 0 {
                    let n = Node::Add(smallvec::smallvec![(tb, k)], 0);
                    (a.intern_term(ta, k, 0), b.intern(n, Ty::Int))
                } else {
                    let p = 2 + (x >> 40) as u32 % 3;
                    let ea = a.intern(Node::Pow(ta, p), Ty::Int);
                    (ea, b.intern(Node::Pow(tb, p), Ty::Int))
                };
                pool.push((ea, eb));
                continue;
            }
            let n = (x >> 4) as usize % 6;
            let picked: Vec<(Expr, Expr)> = (0..n).map(|j| pick(x >> (8 + 9 * j))).collect();
            let fa: Vec<Expr> = picked.iter().map(|p| p.0).collect();
            let fb: crate::expr::Args = picked.iter().map(|p| p.1).collect();
            let eb = b.intern(Node::Mul(fb), Ty::Int);
            let ea = match (x >> 60) % 3 {
                0 => {
                    let e = a.intern(Node::Mul(fa.iter().copied().collect()), Ty::Int);
                    assert_eq!(a.intern_mul(&fa), e, "step {step}");
                    e
                }
                1 => {
                    let e = a.intern_mul(&fa);
                    assert_eq!(
                        a.intern(Node::Mul(fa.iter().copied().collect()), Ty::Int),
                        e
                    );
                    e
                }
                _ => a.intern_mul(&fa),
            };
            assert_eq!(ea.index(), eb.index(), "step {step}");
            assert_eq!(a.node_count(), b.node_count(), "step {step}");
            pool.push((ea, eb));
        }
        assert_same_arenas(&a, &b);
    }
}
