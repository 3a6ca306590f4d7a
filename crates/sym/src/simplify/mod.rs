//! The simplifier: bottom-up rewriting to a fixpoint, with rules grouped by operator family.
//!
//! Every rule is sound for every assignment in the domain where the input is defined
//! (docs/language.md §5.1); rules whose side condition needs a fact ask the analysis
//! (`Session::prove_*`, `Session::iv`) and do not fire when it cannot be proven. Each rule is
//! named ([`Rule`]) and counted in [`Stats`].
//!
//! Termination: every rule either removes an operator, removes a term, moves a constant into a
//! canonical residue class, or replaces a node by one earlier in the structural order; a global
//! step budget (proportional to the input size) stops a pathological rule cycle, which would
//! only leave the expression less simplified, never wrong.

mod add;
pub(crate) use add::{cofactor_pairs, scaled_mod_candidate, split_base, tied_pair};
mod cmp;
mod div;
mod minmax;
mod modulo;
mod monomial;

use crate::Context;
use crate::bounds::Derived;
use crate::expr::{Expr, Node, Symbol};
use crate::interval::{FIv, Iv};

macro_rules! rules {
    ($($name:ident => $text:literal,)*) => {
        /// The named rewrite rules, for [`Stats`].
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
        #[allow(missing_docs)]
        pub enum Rule { $($name,)* }
        impl Rule {
            /// Every rule, in declaration order.
            pub const ALL: &'static [Rule] = &[$(Rule::$name,)*];
            /// The rule's name as it appears in statistics.
            pub fn name(self) -> &'static str {
                match self { $(Rule::$name => $text,)* }
            }
        }
    };
}

rules! {
    SplitJoin => "split_join",
    SplitSubMod => "split_sub_mod",
    SplitSubDiv => "split_sub_div",
    SplitTiedView => "split_merge_tied_view",
    NegFloorDiv => "neg_floordiv_to_ceil_form",
    FdAbsorbConst => "floordiv_absorb_constant",
    FdShift => "floordiv_shift_by_multiple",
    ExpandMul => "expand_mul",
    ExpandRoot => "expand_region_root",
    FactorCommon => "factor_common_monomial",
    FactorPart => "factor_common_monomial_part",
    FactorRoot => "factor_region_root",
    FdByOne => "floordiv_by_one",
    FdZero => "floordiv_zero_numerator",
    FdSelf => "floordiv_self",
    FdNegDivisor => "floordiv_negative_divisor",
    FdGcd => "floordiv_gcd",
    FdPullMultiples => "floordiv_pull_multiples",
    FdPullSumMultiples => "floordiv_pull_sum_multiples",
    FdRange => "floordiv_range",
    FdResidueDrop => "floordiv_drop_small_residue",
    FdNested => "floordiv_nested",
    FdOfMod => "floordiv_of_mod",
    FdExact => "floordiv_exact_quotient",
    FdOwnQuotient => "floordiv_by_own_quotient",
    CeilToFloor => "ceildiv_to_floor_form",
    AffineSmallRange => "affine_on_small_range",
    PointInterval => "constant_by_bounds",
    ModByOne => "mod_by_one",
    ModZero => "mod_zero_numerator",
    ModSelf => "mod_self",
    ModGcd => "mod_gcd",
    ModReduceCoeffs => "mod_reduce_coefficients",
    ModRange => "mod_range",
    ModNested => "mod_nested",
    ModInnerMod => "mod_inner_mod",
    ModModular => "mod_modular_set",
    ModDropMultiples => "mod_drop_multiples",
    ModDropSumMultiples => "mod_drop_sum_multiples",
    ModExact => "mod_exact_quotient",
    ModOwnQuotient => "mod_by_own_quotient",
    MinMaxDominated => "minmax_drop_dominated",
    MinMaxAbsorb => "minmax_absorb",
    MinMaxNestedAbsorb => "minmax_nested_absorb",
    MinMaxShift => "minmax_shift_sum",
    ScaledModSplit => "mod_scaled_split",
    ScaledModJoin => "mod_scaled_join",
    FdAbsorbCofactor => "floordiv_absorb_cofactor",
    AbsSign => "abs_known_sign",
    WhereDecided => "where_decided",
    CmpDecided => "compare_decided",
    TruncToFloat => "trunc_of_exact_tofloat",
    FloatDivToFloorDiv => "floor_of_int_truediv",
}

/// How often each rule fired during one simplification.
#[derive(Clone, Debug)]
pub struct Stats {
    /// Indexed by the rule's position in [`Rule::ALL`] (no allocation, O(1) counting).
    counts: [u64; Rule::ALL.len()],
}

impl Default for Stats {
    fn default() -> Self {
        Stats {
            counts: [0; Rule::ALL.len()],
        }
    }
}

impl Stats {
    /// How often `r` fired.
    pub fn count(&self, r: Rule) -> u64 {
        self.counts[r as usize]
    }

    /// `(rule name, count)` for every rule that fired, in declaration order.
    pub fn fired(&self) -> Vec<(&'static str, u64)> {
        Rule::ALL
            .iter()
            .filter(|r| self.counts[**r as usize] > 0)
            .map(|r| (r.name(), self.counts[*r as usize]))
            .collect()
    }

    /// Adds another run's counts.
    pub fn merge(&mut self, o: &Stats) {
        for (a, b) in self.counts.iter_mut().zip(o.counts.iter()) {
            *a += b;
        }
    }
}

/// One analysis session over a context: the derived facts and the memo tables of a single
/// query. Nothing here outlives the query, so the context's facts can change between queries.
pub(crate) struct Session<'a> {
    pub cx: &'a mut Context,
    /// The query's memo tables and derived facts, borrowed from the context for the query
    /// (boxed: handing them over and back moves a pointer, not half a kilobyte of tables,
    /// which cost about 6% of a typical simplify).
    pub s: Held,
    /// Rule counts, only when the caller asked for them (`simplify_with_stats`).
    pub stats: Option<Box<Stats>>,
    pub budget: usize,
    /// Nesting of rewrites inside rewrites (a guard against rule cycles).
    pub depth: u32,
    /// Nesting of float interval queries (TOP beyond a limit: sound and stack-safe).
    pub fiv_depth: u32,
    /// Nesting of boolean connectives in `truth` (unknown beyond `BOOL_NESTING`).
    pub bool_depth: u32,
    /// Nodes bounded under a `Where` condition's narrowed range so far (`WHERE_WORK`).
    pub where_work: usize,
    /// Nesting of analyses inside analyses: the prover simplifies the differences it bounds,
    /// the simplifier's rules ask the prover, and symbolic range ends or assumptions can make
    /// that chain go on forever with ever new expressions (`x <= FloorDiv(s0, 2)` with
    /// `s0 <= x + 8`). Beyond `max_nest` (the `nesting` limit) the inner question gets the
    /// sound "unknown".
    pub nest: u32,
    /// The `nesting` limit of the context ([`crate::Limits`]), at most [`crate::MAX_NESTING`].
    pub max_nest: u32,
    /// What the prover may still spend in this query (symbolic substitutions tried): once
    /// spent, proofs use plain intervals only. Bounds the time of a query whatever the facts.
    pub work: u32,
    /// The differences whose symbolic upper bound is being computed (a cycle through the
    /// facts asks for the same one again: it then gets its plain interval).
    pub upper_stack: smallvec::SmallVec<[Expr; 8]>,
    /// The relations this query decided on a small box (`Session::relation_on_small_box`),
    /// with the box and the answer: asked again (a proof, then a bound, then a rewrite), the
    /// same relation over the same box is not evaluated again.
    pub box_truths: Vec<(Expr, SmallBox, Option<crate::Truth>)>,
    /// The operations (points times the relation's size) the query may still evaluate on
    /// small boxes ([`crate::prove::BOX_OPS`] at the start).
    pub box_ops: usize,
    /// The input of a `simplify` query (`None` in other queries): the nodes it computes fit
    /// wherever it does not overflow ([`Session::fits_i64`]).
    pub input: Option<Expr>,
    /// Those nodes, found at the first question ([`computed_nodes`]).
    input_nodes: Option<Vec<Expr>>,
}

/// What [`eval_fits`] needs: nodes and (sound) intervals. The simplifier's session gives
/// its full intervals; the solver's lean path the session-free ones (equal to the session's
/// for what it handles).
pub(crate) trait FitsOracle {
    /// The node of `e`, borrowed: [`fits_iv_given`] reads a child at a time by index between
    /// its interval questions (a clone of every node it met, its sum's terms included, with
    /// its drop, was about a fifth of its time).
    fn node_of(&self, e: Expr) -> &Node;
    fn iv_of(&mut self, e: Expr) -> Option<Iv>;
}

impl FitsOracle for Session<'_> {
    fn node_of(&self, e: Expr) -> &Node {
        self.cx.node(e)
    }
    fn iv_of(&mut self, e: Expr) -> Option<Iv> {
        Some(self.iv(e))
    }
}

/// The nodes whose values lie in i64 wherever `root` is evaluated without overflow, for
/// [`fits_iv_given`], sorted by node index. Those are the values that must fit when the input
/// is evaluated (docs/language.md §2): `root` itself, every operator's result but a
/// polynomial's (a sum, product or power), and a polynomial that is the operand of another
/// operator. A polynomial inside a polynomial is not among them: it is computed exactly and
/// may leave i64 where the input does not (`a*b` in `FloorDiv(a*b - c, 2)`, with `a*b` =
/// 2^63 and `c` = 8; the fuzzing of `simplify` found an answer that computed
/// `FloorDiv(a*b, 2)` on that ground). Constants and symbols are left out (the walk bounds
/// them by their intervals anyway), and so are the branches of a `Where` (evaluated only where
/// their condition selects them) and the operands of `And` and `Or` after the first (C++
/// evaluates them with a short circuit). Empty for an input larger than [`COMPUTED_NODES`]
/// (the question is linear in them).
pub(crate) fn computed_nodes(cx: &Context, root: Expr) -> Vec<Expr> {
    let mut out = Vec::new();
    if cx.tree_size_upto(root, COMPUTED_NODES + 1) > COMPUTED_NODES {
        return out;
    }
    use crate::eval::is_poly;
    // (node, whether its own value is in i64: false for a polynomial's polynomial operand)
    let mut stack = vec![(root, true)];
    while let Some((e, fits)) = stack.pop() {
        let n = cx.node(e);
        if matches!(n, Node::Int(_) | Node::Sym(_)) {
            continue;
        }
        if fits {
            out.push(e);
        }
        match n {
            Node::Where(c, ..) => {
                stack.push((*c, true));
                continue;
            }
            Node::And(xs) | Node::Or(xs) => {
                stack.extend(xs.first().map(|&x| (x, true)));
                continue;
            }
            _ => {}
        }
        let poly = is_poly(n);
        let kids = n.kids();
        for i in 0..kids.len() {
            let k = kids.get(i);
            stack.push((k, !(poly && is_poly(cx.node(k)))));
        }
    }
    // Sorted by node index, once each ([`is_given`]).
    out.sort_unstable_by_key(|g| g.index());
    out.dedup();
    out
}

/// Whether `e` is one of `given`: a binary search by node index where there are more than
/// 16 of them (a caller passes them sorted so, as [`computed_nodes`] does: an unsorted list
/// can only miss one, which makes a question of [`fits_iv_given`] more cautious).
fn is_given(given: &[Expr], e: Expr) -> bool {
    if given.len() > 16 {
        given
            .binary_search_by_key(&e.index(), |g| g.index())
            .is_ok()
    } else {
        given.contains(&e)
    }
}

/// The largest input (by [`Context::tree_size`]) whose nodes [`computed_nodes`] lists.
const COMPUTED_NODES: usize = 256;

/// Whether evaluating `e` overflows nowhere: no node of it takes a value outside `i64` at
/// any assignment (docs/language.md §2: an n-ary sum or product is one node with one value, so
/// the order of its terms does not matter). See [`fits_iv`].
pub(crate) fn eval_fits(o: &mut impl FitsOracle, e: Expr) -> bool {
    fits_iv(o, e, 0).is_some()
}

/// Whether every term of the sum `a` (its constant included) is `>= 0` at every assignment,
/// or every one is `<= 0` (a single element: always), by the oracle's intervals (`None`: not
/// known). Then any sum of some of its terms lies between 0 and `a`, so it fits in i64
/// wherever `a` does.
pub(crate) fn same_sign_terms_in(o: &mut impl FitsOracle, a: Expr) -> bool {
    let &Node::Add(ref ts, c) = o.node_of(a) else {
        return true;
    };
    let n = ts.len();
    // One element: nothing to combine.
    if n + usize::from(c != 0) <= 1 {
        return true;
    }
    let (mut pos, mut neg) = (c >= 0, c <= 0);
    for i in 0..n {
        let (t, k) = add_term(o, a, i);
        let Some(v) = o.iv_of(t) else {
            return false;
        };
        let v = v.scale(k);
        pos &= v.lo >= 0;
        neg &= v.hi <= 0;
        if !pos && !neg {
            return false;
        }
    }
    true
}

/// The interval of `e`'s value if its evaluation overflows nowhere, else `None`. Every value
/// that is computed (a symbol's given value included) lies in i64, so each child that fits
/// is bounded by its interval clamped to i64, and a node's interval is computed from those:
/// `s77 - 1` with `s77 >= 1` fits (it is at most 2^63 - 2) although `s77` has no upper bound.
/// - a constant or a symbol: its interval within i64;
/// - a sum, product or power: from its children's, finite;
/// - `FloorDiv(a, b)`: a and b fit and `i64::MIN // -1` cannot occur; `Mod(a, b)`: a and b
///   fit (|Mod(a, b)| < |b|); `Min`/`Max`: the arguments fit; `Abs(a)`: a fits above i64::MIN;
/// - anything else: its own interval, finite (nested deeper than 8: the same).
pub(crate) fn fits_iv(o: &mut impl FitsOracle, e: Expr, depth: u32) -> Option<Iv> {
    fits_iv_given(o, e, depth, &[])
}

/// [`fits_iv`] where the nodes `given` are known to be computed (they are in i64, like a
/// symbol's value): whether the rest of `e` overflows nowhere those do not. The solver asks it
/// of a form that computes the nodes of another form it could answer with, plus some new ones.
pub(crate) fn fits_iv_given(
    o: &mut impl FitsOracle,
    e: Expr,
    depth: u32,
    given: &[Expr],
) -> Option<Iv> {
    const I64: Iv = Iv {
        lo: i64::MIN as i128,
        hi: i64::MAX as i128,
    };
    let finite = |iv: Iv| (iv.lo_i64().is_some() && iv.hi_i64().is_some()).then_some(iv);
    // The node's kind and operands, copied out of the borrowed node before the interval
    // questions (a sum's or list's children are read one at a time below).
    let shape = match *o.node_of(e) {
        // A constant is its value (in i64 by construction), whatever its interval: not asked.
        Node::Int(v) => return Some(Iv::point(v)),
        Node::Sym(_) => Shape::Atom,
        _ if is_given(given, e) => Shape::Atom,
        Node::Add(ref ts, c) => Shape::Add(ts.len(), c),
        Node::Mul(ref fs) => Shape::Mul(fs.len()),
        Node::Pow(b, k) => Shape::Pow(b, k),
        Node::FloorDiv(a, b) => Shape::FloorDiv(a, b),
        Node::CeilDiv(a, b) => Shape::CeilDiv(a, b),
        Node::Mod(a, b) => Shape::Mod(a, b),
        Node::Min(ref xs) => Shape::MinMax(xs.len(), false),
        Node::Max(ref xs) => Shape::MinMax(xs.len(), true),
        Node::Abs(a) => Shape::Abs(a),
        _ => Shape::Other,
    };
    if let Shape::Atom = shape {
        // Where it is computed it is in i64 (elsewhere the input overflows already), so its
        // interval within i64; an atom whose value is never in i64 (`TruncToInt(-1.4e19)`,
        // `[-oo, i64::MIN]`) is at the edge, and one with no interval within i64 fits
        // nothing: callers take magnitudes of the ends (the fuzzing of mutated real records
        // found `abs` of an infinite end).
        return finite(o.iv_of(e).unwrap_or(Iv::TOP).intersect(&I64));
    }
    if depth > 8 {
        return o.iv_of(e).and_then(finite);
    }
    let d = depth + 1;
    let computed = match shape {
        Shape::Add(n, c) => {
            let mut acc = Iv::point(c);
            for i in 0..n {
                let (t, k) = add_term(o, e, i);
                acc = acc.add_scaled(&fits_iv_given(o, t, d, given)?, k);
            }
            acc
        }
        Shape::Mul(n) => {
            let mut acc = Iv::point(1);
            for i in 0..n {
                let f = list_item(o, e, i);
                let v = fits_iv_given(o, f, d, given)?;
                // 1*f0*f1*...: the first factor's interval (`one_times`), then times the others'.
                acc = if i == 0 { v.one_times() } else { acc.mul(&v) };
            }
            acc
        }
        Shape::Pow(b, k) => fits_iv_given(o, b, d, given)?.pow(k),
        Shape::FloorDiv(a, b) => {
            let (ia, ib) = (
                fits_iv_given(o, a, d, given)?,
                fits_iv_given(o, b, d, given)?,
            );
            if ia.lo == I64.lo && ib.lo <= -1 && ib.hi >= -1 {
                return None;
            }
            ia.floordiv(&ib)
        }
        Shape::CeilDiv(a, b) => {
            // Its only overflow: ceil(i64::MIN / -1) = 2^63.
            let (ia, ib) = (
                fits_iv_given(o, a, d, given)?,
                fits_iv_given(o, b, d, given)?,
            );
            if ia.lo == I64.lo && ib.lo <= -1 && ib.hi >= -1 {
                return None;
            }
            // |ceil(a/b)| <= |a| for b != 0, and i64::MIN / -1 is excluded: within i64. The
            // interval `ceildiv` (-FloorDiv(-a, b)) takes -i64::MIN for infinite, which the
            // solver's checks (`given` nonempty) correct; the simplifier's rules keep the
            // plain interval, so that their answers stay as they are.
            let q = ia.ceildiv(&ib);
            if given.is_empty() {
                q
            } else {
                q.intersect(&I64)
            }
        }
        Shape::Mod(a, b) => {
            let (ia, ib) = (
                fits_iv_given(o, a, d, given)?,
                fits_iv_given(o, b, d, given)?,
            );
            ia.modulo(&ib).intersect(&I64)
        }
        Shape::MinMax(n, is_max) => {
            let mut acc: Option<Iv> = None;
            for i in 0..n {
                let x = list_item(o, e, i);
                let v = fits_iv_given(o, x, d, given)?;
                acc = Some(match acc {
                    None => v,
                    Some(a) if is_max => a.max(&v),
                    Some(a) => a.min(&v),
                });
            }
            acc?
        }
        Shape::Abs(a) => {
            let ia = fits_iv_given(o, a, d, given)?;
            if ia.lo == I64.lo {
                return None;
            }
            ia.abs()
        }
        Shape::Atom | Shape::Other => return o.iv_of(e).and_then(finite),
    };
    // The node's own interval, asked only once its operands fit (a product of unbounded
    // symbols fails above, and the interval of a new sum of such products is never needed):
    // the answer is the same, `None` wherever an operand is.
    let own = o.iv_of(e);
    let r = match own {
        Some(v) => computed.intersect(&v),
        None => computed,
    };
    finite(r)
}

/// A node as [`fits_iv_given`] reads it: its kind and its operands, or the number of its
/// children for a sum or a list (read by index with [`add_term`] and [`list_item`]). `Atom`:
/// a symbol, or a node given as computed.
enum Shape {
    Atom,
    Add(usize, i64),
    Mul(usize),
    Pow(Expr, u32),
    FloorDiv(Expr, Expr),
    CeilDiv(Expr, Expr),
    Mod(Expr, Expr),
    MinMax(usize, bool),
    Abs(Expr),
    Other,
}

/// Term `i` of the sum `e` (the node of a handle does not change between the oracle's
/// questions).
fn add_term(o: &impl FitsOracle, e: Expr, i: usize) -> (Expr, i64) {
    match o.node_of(e) {
        Node::Add(ts, _) => ts[i],
        _ => unreachable!("the node of a handle does not change"),
    }
}

/// Child `i` of the product, Min or Max `e`.
fn list_item(o: &impl FitsOracle, e: Expr, i: usize) -> Expr {
    match o.node_of(e) {
        Node::Mul(xs) | Node::Min(xs) | Node::Max(xs) => xs[i],
        _ => unreachable!("the node of a handle does not change"),
    }
}

/// The largest number of values of a symbol's range for which `affine_on_small_range`
/// evaluates a node at each of them.
pub(crate) const SMALL_RANGE: i128 = 16;

// The deepest nesting of analyses inside analyses (see [`Session::nest`]) and the symbolic
// substitutions the prover may try in one query (see [`Session::work`]) are the `nesting`
// (default 12) and `proof_work` (default 4096) limits of `crate::Limits`. Each level of nesting
// costs a few kilobytes of stack: `tests/defects.rs` runs the cyclic-fact cases on a 256 KiB
// stack with the default.

impl Drop for Session<'_> {
    fn drop(&mut self) {
        self.recycle();
    }
}

/// A session's [`Scratch`], given back to the context when the session is dropped (after
/// that, and only then, it holds nothing). Field accesses (`ses.s.iv`) reach the scratch
/// through `Deref`, borrowing only this field, not the whole session.
pub(crate) struct Held(Option<Box<Scratch>>);

impl std::ops::Deref for Held {
    type Target = Scratch;
    fn deref(&self) -> &Scratch {
        self.0
            .as_deref()
            .expect("held until the session is dropped")
    }
}

impl std::ops::DerefMut for Held {
    fn deref_mut(&mut self) -> &mut Scratch {
        self.0
            .as_deref_mut()
            .expect("held until the session is dropped")
    }
}

/// Empty memo tables kept by a context between queries (only their allocations are reused;
/// no result outlives its query), and the derived facts, which stay valid while the facts do
/// not change.
#[derive(Clone, Debug, Default)]
pub(crate) struct Scratch {
    /// Per node, its interval (dense for a query; a hash map while a branch is bounded under a
    /// narrowed range, `bounds.rs`).
    pub iv: crate::memo::Memo<Iv>,
    pub fiv: crate::memo::Memo<FIv>,
    /// Per node, its simplification (dense: the simplifier asks it for every node it
    /// visits, most of a query's lookups).
    pub simp: crate::memo::NodeMemo<Expr>,
    /// The derived facts of the last query and the facts generation they were derived from:
    /// reused as long as the facts do not change (they depend on nothing else).
    pub d: Derived,
    /// `None` only while `d` is empty (`Session::new` then fills it without emptying it first).
    derived_gen: Option<u64>,
}

impl Scratch {
    /// Forgets everything (for [`Context::clear`]): empty tables, no derived facts, so that
    /// nothing of an earlier context's queries is reused; the allocations stay.
    pub(crate) fn reset(&mut self) {
        self.iv.clear();
        self.fiv.clear();
        self.simp.clear();
        self.d.clear();
        self.derived_gen = None;
    }
}

/// A small box: symbols, each with the ends of its range ([`Session::small_box`]).
pub(crate) type SmallBox = Vec<(Symbol, i64, i64)>;

/// How deep [`Session::simp`] recurses before its explicit stack takes a subtree (rewrites
/// nest passes up to 48 deep: the thread's stack stays within a few hundred kilobytes).
const SIMP_RECURSION: u32 = 16;

impl<'a> Session<'a> {
    pub fn new(cx: &'a mut Context) -> Self {
        // Reuse the memo tables' allocations of the previous query (they are empty): a
        // context holds them between queries (a session hands them back when dropped, also
        // when unwinding); only a new context's first query makes them.
        let mut s = cx.scratch.take().unwrap_or_default();
        if s.derived_gen != Some(cx.facts.generation) {
            // No generation: the derived facts are empty already (a new scratch, or one
            // `Scratch::reset` emptied: a cleared context's first query, every fresh request),
            // and emptying them again walked every table.
            if s.derived_gen.is_some() {
                s.d.clear();
            }
            Derived::fill(cx, &mut s.d);
        }
        let budget = match cx.limits.rewrite_steps {
            Some(n) => n,
            None => 10_000 + 64 * cx.node_count().min(1 << 20),
        };
        let (work, max_nest) = (
            cx.limits.proof_work,
            cx.limits.nesting.min(crate::MAX_NESTING),
        );
        Session {
            cx,
            s: Held(Some(s)),
            stats: None,
            budget,
            depth: 0,
            fiv_depth: 0,
            bool_depth: 0,
            where_work: 0,
            nest: 0,
            max_nest,
            work,
            upper_stack: smallvec::SmallVec::new(),
            box_truths: Vec::new(),
            box_ops: crate::prove::BOX_OPS,
            input: None,
            input_nodes: None,
        }
    }

    /// Hands the (cleared) memo tables back to the context for the next query.
    fn recycle(&mut self) {
        // The derived facts stay valid while the context's facts are unchanged (a query never
        // changes them; `where_refined` restores what it narrows).
        debug_assert!(self.s.d.is_idle());
        let s = &mut self.s;
        s.derived_gen = Some(self.cx.facts.generation);
        // The memos, sized by node index, are cleared in O(1) and kept (a context that grows
        // beyond `reuse::KEEP_NODES` drops them with everything else at `Context::clear`).
        s.iv.clear();
        s.fiv.clear();
        s.simp.clear();
        self.cx.scratch = self.s.0.take();
    }

    pub fn fire(&mut self, r: Rule) {
        if let Some(st) = &mut self.stats {
            st.counts[r as usize] += 1;
        }
    }

    /// Simplifies to a fixpoint: one bottom-up pass in which every rewrite re-simplifies the
    /// nodes it builds, so each memoized result is already a fixpoint of the rules.
    pub fn simplify(&mut self, e: Expr) -> Expr {
        self.simp(e)
    }

    /// One bottom-up pass (post-order), rules applied at every node. Leaves are their own
    /// simplification and are never stored in the memo.
    pub fn simp(&mut self, root: Expr) -> Expr {
        if self.is_leaf(root) {
            return root;
        }
        if let Some(r) = self.s.simp.get(&root) {
            return *r;
        }
        self.simp_rec(root, SIMP_RECURSION)
    }

    /// [`Session::simp`] of `e` (neither a leaf nor memoized) by recursion, `depth` levels
    /// deep, then by [`Session::simp_stack`]: the stack's visits in the same order (children
    /// in order, each before its parent), with the same memo lookups and the same steps of
    /// the query (one when a node is met, one when its children are done), so the same
    /// rewrites in the same order and the same answer, without a stack's pushes and pops (a
    /// third of the pass over a small index expression). A limit that stops the query
    /// answers `e` unchanged, as the stack answers its root.
    fn simp_rec(&mut self, e: Expr, depth: u32) -> Expr {
        if self.cx.tick() {
            return e;
        }
        let n = self.cx.node(e).kids().len();
        for i in 0..n {
            let k = self.cx.node(e).kids().get(i);
            if self.is_leaf(k) || self.s.simp.contains_key(&k) {
                continue;
            }
            if depth == 0 {
                self.simp_stack(k);
            } else {
                self.simp_rec(k, depth - 1);
            }
            if self.cx.stopped() {
                return e;
            }
        }
        if let Some(r) = self.s.simp.get(&e) {
            return *r;
        }
        if self.cx.tick() {
            return e;
        }
        self.simp_node(e)
    }

    /// [`Session::simp`] of `root` (neither a leaf nor memoized) by an explicit stack
    /// (iterative post-order): any depth without recursion.
    fn simp_stack(&mut self, root: Expr) -> Expr {
        let mut stack: smallvec::SmallVec<[(Expr, bool); 32]> = smallvec::smallvec![(root, false)];
        while let Some((e, expanded)) = stack.pop() {
            if self.s.simp.contains_key(&e) {
                continue;
            }
            if self.cx.tick() {
                // A limit stopped the query (docs/limits.md): `root` is equal to itself; the
                // query's caller answers its fallback.
                return root;
            }
            if !expanded {
                stack.push((e, true));
                for k in self.cx.node(e).kids().iter().rev() {
                    if !self.is_leaf(k) && !self.s.simp.contains_key(&k) {
                        stack.push((k, false));
                    }
                }
                continue;
            }
            self.simp_node(e);
        }
        self.s.simp[&root]
    }

    /// The rules at `e` whose children are simplified (each a leaf or memoized): `e` rebuilt
    /// from their simplifications, then rewritten; the answer memoized for `e`, for the
    /// rebuilt node and for itself.
    fn simp_node(&mut self, e: Expr) -> Expr {
        // The children's simplifications (a leaf is its own) are collected only when one of
        // them differs from its child: at most nodes none does (the node is then rebuilt as
        // itself), and the list cost more than the check.
        let changed = self
            .cx
            .node(e)
            .kids()
            .iter()
            .any(|k| !self.is_leaf(k) && self.s.simp[&k] != k);
        let rebuilt = if changed {
            let ch: crate::expr::Args = self
                .cx
                .node(e)
                .kids()
                .iter()
                .map(|k| if self.is_leaf(k) { k } else { self.s.simp[&k] })
                .collect();
            self.cx.rebuild(e, &ch).unwrap_or(e)
        } else {
            e
        };
        let r = if rebuilt != e {
            if self.is_leaf(rebuilt) {
                rebuilt
            } else if let Some(r) = self.s.simp.get(&rebuilt) {
                *r
            } else {
                self.apply_rules(rebuilt)
            }
        } else {
            self.apply_rules(rebuilt)
        };
        self.s.simp.insert(e, r);
        if rebuilt != e && !self.is_leaf(rebuilt) {
            self.s.simp.insert(rebuilt, r);
        }
        if r != e && r != rebuilt && !self.is_leaf(r) {
            self.s.simp.insert(r, r);
        }
        r
    }

    /// Expressions that are their own simplification ([`Context::is_simplify_leaf`]).
    fn is_leaf(&self, e: Expr) -> bool {
        self.cx.is_simplify_leaf(e)
    }

    /// Applies the rules at the root of `e` (children already simplified) until none fires.
    fn apply_rules(&mut self, e: Expr) -> Expr {
        if self.budget == 0 || self.cx.stopped() {
            return e;
        }
        // e = c when every value of e on the domain is c (its interval is the point [c, c]):
        // for the calls whose value the facts can pin down (`FloorDiv(s, FloorDiv(s, 2))`
        // assumed equal to 2). A constant is size 0 and computes nothing, so it always fits.
        // Asked only when assumptions bound a sub-expression: otherwise the call rules below
        // find the constant cases (FloorDiv and Mod over a range, dominated Min/Max
        // arguments), and an interval per call would cost a quarter of simplify's time.
        if self.s.d.has_atom_facts()
            && matches!(
                self.cx.node(e),
                Node::FloorDiv(..)
                    | Node::CeilDiv(..)
                    | Node::Mod(..)
                    | Node::Min(..)
                    | Node::Max(..)
                    | Node::Abs(..)
            )
            && self.cx.ty(e) == crate::Ty::Int
        {
            let iv = self.iv(e);
            if iv.lo == iv.hi
                && let Ok(c) = i64::try_from(iv.lo)
            {
                self.fire(Rule::PointInterval);
                return self.cx.int(c);
            }
        }
        let next = match self.cx.node(e) {
            Node::Add(..) => self.rules_add(e),
            Node::Mul(..) => self.rules_mul(e),
            Node::FloorDiv(..) => self
                .rules_floordiv(e)
                .or_else(|| self.affine_on_small_range(e)),
            Node::CeilDiv(..) => self
                .rules_ceildiv(e)
                .or_else(|| self.affine_on_small_range(e)),
            Node::Mod(..) => self.rules_mod(e).or_else(|| self.affine_on_small_range(e)),
            Node::Min(..) | Node::Max(..) => self.rules_minmax(e),
            Node::Abs(..) => self.rules_abs(e),
            Node::Where(..) => self.rules_where(e),
            Node::Eq(..) | Node::Ne(..) | Node::Lt(..) | Node::Le(..) => self.rules_cmp(e),
            Node::TruncToInt(..)
            | Node::FloorToInt(..)
            | Node::CeilToInt(..)
            | Node::RoundToInt(..) => self.rules_float_to_int(e),
            _ => None,
        };
        // Operands that are sums, expanded as roots of their polynomials, when no rule fired.
        let operands = !crate::eval::is_poly(self.cx.node(e));
        let (next, fired) = match next {
            None if operands => (self.expand_operands(e), false),
            n => (n, n.is_some()),
        };
        match next {
            Some(n) if n != e && self.depth < 48 => {
                self.budget = self.budget.saturating_sub(1);
                // The rewrite may have built new, unsimplified subterms.
                self.depth += 1;
                let mut r = self.simp(n);
                // A rule that fired can take the path the expanded operands would have opened
                // (`FloorDiv(16*p0*(s59 - 1) + 16*p0 - 16, 8)`: pulling `16*p0 - 16` out of
                // the quotient leaves `FloorDiv(p0*(16*s59 - 16), 8)`, where the expanded
                // numerator `16*p0*s59 - 16` gives `2*p0*s59 - 2`): that path too, the
                // smaller kept.
                if fired
                    && operands
                    && self.depth < 48
                    && let Some(x) = self.expand_operands(e)
                    && x != e
                {
                    let r2 = self.simp(x);
                    if self.cx.tree_size(r2) < self.cx.tree_size(r) {
                        r = r2;
                    }
                }
                self.depth -= 1;
                r
            }
            _ => e,
        }
    }

    /// `e` (not a sum, product or power) with its operands that are sums expanded where only
    /// the knowledge that an operand's value fits in i64 proves it free of new overflow
    /// (`expand_region_root`): `FloorDiv(16*p0*(s59 - 1) + 16*p0 - 16, 8)`.
    fn expand_operands(&mut self, e: Expr) -> Option<Expr> {
        // A sum operand that is not a plain polynomial (most have none: no copying).
        let candidate = |cx: &Context, k: &Expr| {
            matches!(cx.node(*k), Node::Add(..)) && !cx.is_plain_polynomial(*k)
        };
        let any = match self.cx.node(e) {
            Node::FloorDiv(a, b) | Node::CeilDiv(a, b) | Node::Mod(a, b) => {
                candidate(self.cx, a) || candidate(self.cx, b)
            }
            Node::Min(xs) | Node::Max(xs) => xs.iter().any(|x| candidate(self.cx, x)),
            Node::Int(_) | Node::Sym(_) | Node::Float(_) | Node::Bool(_) => false,
            n => n.children().iter().any(|x| candidate(self.cx, x)),
        };
        if !any {
            return None;
        }
        let kids = self.cx.node(e).children();
        let mut new: Option<crate::expr::Args> = None;
        for (i, k) in kids.iter().enumerate() {
            if !candidate(self.cx, k) {
                continue;
            }
            if let Some(x) = self.expand_region_root(*k) {
                new.get_or_insert_with(|| kids.iter().copied().collect())[i] = x;
            }
        }
        self.cx.rebuild(e, &new?)
    }

    /// The simplified root `s` of a query, with a sum at its top expanded where only the
    /// knowledge that the whole value fits in i64 proves it free of new overflow
    /// (`expand_region_root`), simplified again.
    fn root_pass(&mut self, s: Expr) -> Expr {
        if !matches!(self.cx.node(s), Node::Add(..))
            || self.cx.is_plain_polynomial(s)
            || self.budget == 0
            || self.cx.stopped()
        {
            return s;
        }
        match self.expand_region_root(s) {
            Some(x) => self.simp(x),
            None => s,
        }
    }

    /// Where the simplified form `s` of the input `e` is larger than `e` (a rewrite made a
    /// part larger than another made one smaller: in `q + s*(t1 + t2)*Max(1, FloorDiv(u - 7,
    /// 2) + 1)` the canonical form expands the product of sums, two nodes more, while the Max
    /// becomes `Max(1, FloorDiv(u - 5, 2))`, one node less), `e` rebuilt with each part the smaller of its own simplification and its
    /// rebuilt self ([`Session::smaller_parts`]), when that is smaller than `e`; else `s`
    /// (which [`Context::never_larger`] then weighs against `e`).
    ///
    /// Equal to `e` at every point of the domain: each part is replaced by one equal to it
    /// there, and a node rebuilt on equal operands has the same value. No new overflow: a
    /// part is the input's own or its simplification (which the rules took with their overflow
    /// conditions), and a rebuilt node computes the input's operation on the input's values.
    fn mixed_if_larger(&mut self, e: Expr, s: Expr) -> Expr {
        if s == e || self.cx.stopped() {
            return s;
        }
        let se = self.cx.cost_upto(e, usize::MAX);
        if self.cx.cost_upto(s, se + 1) <= se {
            return s;
        }
        // (A bounded walk: the parts' visits, shared ones each time they are met, stop at
        // a fixed count; the parts left are their own simplification or themselves.)
        let mut visits = 512u32;
        let m = self.smaller_parts(e, 0, &mut visits);
        if self.cx.cost_upto(m, se) < se { m } else { s }
    }

    /// [`Session::mixed_if_larger`]'s parts: `e`'s simplification (as the pass memoized it)
    /// or `e` rebuilt on the smaller parts of its operands, whichever is smaller (the
    /// simplification on a tie), or `e` where it is smaller than both. Below a fixed depth,
    /// past `visits` nodes, or where a rebuild is refused, `e`'s own simplification or `e`.
    fn smaller_parts(&mut self, e: Expr, depth: u32, visits: &mut u32) -> Expr {
        if self.is_leaf(e) {
            return e;
        }
        let simplified = self.s.simp.get(&e).copied().unwrap_or(e);
        let cost_e = self.cx.cost_upto(e, usize::MAX);
        let mut best = if cost_e < self.cx.cost_upto(simplified, usize::MAX) {
            e
        } else {
            simplified
        };
        if depth >= 64 || *visits == 0 {
            return best;
        }
        *visits -= 1;
        let n = self.cx.node(e).kids().len();
        let mut parts: smallvec::SmallVec<[Expr; 4]> = smallvec::SmallVec::with_capacity(n);
        let mut changed = false;
        for i in 0..n {
            let k = self.cx.node(e).kids().get(i);
            let p = self.smaller_parts(k, depth + 1, visits);
            changed |= p != k;
            parts.push(p);
        }
        if changed
            && let Some(r) = self.cx.rebuild(e, &parts)
            && self.cx.cost_upto(r, usize::MAX) < self.cx.cost_upto(best, usize::MAX)
        {
            best = r;
        }
        best
    }

    /// Whether evaluating `e` (a value a rule is about to introduce) overflows nowhere (see
    /// [`eval_fits`]). A rule whose rewrite creates a node the input does not compute takes
    /// this (or one of the arguments below) as a side condition, so that a rewrite may remove
    /// an overflow but never introduce one (docs/language.md §2: a node overflows when its value
    /// leaves i64).
    ///
    /// In a `simplify` query, a node the input computes is taken to fit: wherever the input
    /// is evaluated without overflow, each node it evaluates is in i64, so an answer that
    /// computes it again overflows nowhere the input does not (`FloorDiv(z - 1, 3) + 1` folds
    /// back into `FloorDiv(z + 2, 3)` for an unbounded `z` when the input computed `z + 2`).
    pub(crate) fn fits_i64(&mut self, e: Expr) -> bool {
        eval_fits(self, e) || self.fits_given_input(e)
    }

    /// Whether `e` fits given the nodes the query's input computes ([`computed_nodes`]).
    fn fits_given_input(&mut self, e: Expr) -> bool {
        let Some(root) = self.input else {
            return false;
        };
        let given = match self.input_nodes.take() {
            Some(g) => g,
            None => computed_nodes(self.cx, root),
        };
        // `e` is one of them, or the walk from there: only where one of `e`'s operands is one
        // of them can it find more than `eval_fits` found (a node's interval comes from its
        // operands'), so elsewhere it is not asked.
        let n = self.cx.node(e).kids().len();
        let fits = is_given(&given, e)
            || ((0..n).any(|i| is_given(&given, self.cx.node(e).kids().get(i)))
                && fits_iv_given(self, e, 0, &given).is_some());
        self.input_nodes = Some(given);
        fits
    }

    /// Whether `e` overflows nowhere the nodes `given` do not (see [`fits_iv_given`]).
    pub(crate) fn fits_given(&mut self, e: Expr, given: &[Expr]) -> bool {
        fits_iv_given(self, e, 0, given).is_some()
    }

    /// Whether every term of the sum `a` (its constant included) is `>= 0` at every
    /// assignment, or every one is `<= 0` (a single element: always). Then any sum of some of its
    /// terms lies between 0 and `a`, so it fits in i64 wherever `a` does.
    pub(crate) fn same_sign_terms(&mut self, a: Expr) -> bool {
        same_sign_terms_in(self, a)
    }

    /// Whether `r`, a new sum made of some of the terms of the input's sum `a` (its constant
    /// possibly replaced by a smaller one of the same sign), cannot overflow where `a` does
    /// not: it provably fits, or it is a sub-sum of `a` whose terms have one sign (then
    /// |r| <= |a|).
    pub(crate) fn sub_sum_fits(&mut self, r: Expr, a: Expr) -> bool {
        self.one_signed_sub_sum(r, a, 1) || self.fits_i64(r)
    }

    /// Whether `r` is a sum of some of the terms of `a` (its constant a's or in `[0, small)`)
    /// and a's terms have one sign: then r lies between a (or -small) and small.
    pub(crate) fn one_signed_sub_sum(&mut self, r: Expr, a: Expr, small: i64) -> bool {
        self.cx.terms_subset(r, a, small) && self.same_sign_terms(a)
    }

    /// Whether a new `FloorDiv(r, b)` cannot overflow, b a divisor the input computes and r a
    /// new sum of some of the input numerator `a`'s terms: r cannot overflow
    /// (`sub_sum_fits`), and `i64::MIN // -1` cannot happen: r above i64::MIN, -1 outside b's
    /// interval, or r a one-signed sub-sum of a (|r| <= |a|, so r = i64::MIN needs a = r,
    /// where the input computes i64::MIN // -1 itself).
    pub(crate) fn floordiv_fits(&mut self, r: Expr, b: Expr, a: Expr) -> bool {
        if self.one_signed_sub_sum(r, a, 1) {
            return true;
        }
        if !self.fits_i64(r) {
            return false;
        }
        let (ir, ib) = (self.iv(r), self.iv(b));
        ir.lo > i128::from(i64::MIN) || ib.hi < -1 || ib.lo > -1
    }

    /// Whether every term node of `q` (a sum of products of nodes the input has) is bounded in
    /// magnitude by the value of `q`: its terms have one sign, so |t| <= |k*t| <= |q|. A rewrite
    /// whose result `q` equals the input's value then computes nothing that overflows where
    /// the input does not.
    pub(crate) fn bounded_by_value(&mut self, q: Expr) -> bool {
        self.same_sign_terms(q)
    }

    /// A FloorDiv, CeilDiv or Mod in one integer symbol `x` whose range has few values (at most
    /// [`SMALL_RANGE`]) equals the affine `a*x + b` that exact evaluation finds at every value of
    /// the range, when there is one: `FloorDiv(13*x, 3)` with x in [0, 2] is `4*x` (0, 4, 8).
    /// Sound because every value in x's bound is evaluated (a superset of the domain); taken
    /// when every point evaluates (no division by zero), the result is no larger, and `a*x + b`
    /// fits in i64 over the range.
    pub(crate) fn affine_on_small_range(&mut self, e: Expr) -> Option<Expr> {
        let x = self.cx.sole_symbol(&[e])?;
        if self.cx.sym_ty(x) != crate::Ty::Int {
            return None;
        }
        // The symbol's interval (what `iv` of its node answers, without the memo lookups).
        let iv = self.sym_iv(x);
        let (lo, hi) = (iv.lo_i64()?, iv.hi_i64()?);
        if hi < lo || (i128::from(hi) - i128::from(lo)) >= SMALL_RANGE {
            return None;
        }
        let xe = self.cx.sym(x);
        // The common node, `FloorDiv(k*x + c, d)`, `CeilDiv(..)` or `Mod(..)` with constants:
        // each point by its arithmetic, what the evaluation computes there (the numerator
        // exact, then within i64, as the operand of a division must be; no value where the
        // division overflows or d is 0).
        type Op = fn(i64, i64) -> Option<i64>;
        let (n, d, op): (Expr, Expr, Op) = match *self.cx.node(e) {
            Node::FloorDiv(n, d) => (n, d, crate::build::floor_div),
            Node::CeilDiv(n, d) => (n, d, crate::build::ceil_div),
            Node::Mod(n, d) => (n, d, crate::build::floor_mod),
            _ => return None,
        };
        let kc = match self.cx.node(n) {
            _ if n == xe => Some((1, 0)),
            Node::Add(ts, c) if ts.len() == 1 && ts[0].0 == xe => Some((ts[0].1, *c)),
            _ => None,
        };
        // v(x) = a*x + b through the first two points. For `k*x + c` and a constant d the
        // steps v(x + 1) - v(x) take at most two values: floor(y + k/d) - floor(y) is
        // floor(k/d) or one more, for every real y (so for FloorDiv; for CeilDiv,
        // ceil(y + t) - ceil(y) is ceil(t) - 1 or ceil(t); for Mod(n, d) = n - d*FloorDiv(n, d),
        // k minus d times a FloorDiv step). So every step is the first one, `a`, iff their sum
        // v(hi) - v(lo) is (hi - lo)*a (with two distinct step values A and B, n_A*A + n_B*B =
        // (n_A + n_B)*A iff n_B = 0): the last point decides, without the ones between. Those
        // evaluate where the ends do: the numerator is monotone in x, so it lies in i64 between
        // ends where it does, and the one division that fails for a divisor that is not 0
        // (i64::MIN by -1) needs the numerator's least value, which is at an end.
        let (a, b) = if let Some(((k, c), d)) = kc.zip(self.cx.as_int(d)) {
            let at = |v: i64| -> Option<i128> {
                let n = i64::try_from(i128::from(k) * i128::from(v) + i128::from(c)).ok()?;
                op(n, d).map(i128::from)
            };
            let v0 = at(lo)?;
            let a = if hi > lo { at(lo + 1)? - v0 } else { 0 };
            if hi - lo >= 2 && at(hi)? != v0 + a * i128::from(hi - lo) {
                return None;
            }
            (a, v0 - a * i128::from(lo))
        } else {
            let mut buf = crate::eval::EvalBuffers::default();
            let mut at = |cx: &Context, v: i64| -> Option<i128> {
                // The direct evaluation where it answers (its value is eval_in's), else eval_in.
                if let Some(val) = cx.eval_int_at(e, x, v) {
                    return Some(i128::from(val));
                }
                match cx.eval_in(e, &|s| (s == x).then_some(crate::Value::Int(v)), &mut buf) {
                    Ok(crate::Value::Int(val)) => Some(i128::from(val)),
                    _ => None,
                }
            };
            let v0 = at(self.cx, lo)?;
            let a = if hi > lo {
                at(self.cx, lo + 1)? - v0
            } else {
                0
            };
            let b = v0 - a * i128::from(lo);
            if hi - lo >= 2 {
                for v in lo + 2..=hi {
                    if at(self.cx, v)? != a * i128::from(v) + b {
                        return None;
                    }
                }
            }
            (a, b)
        };
        let (a, b) = (i64::try_from(a).ok()?, i64::try_from(b).ok()?);
        let ax = self.cx.scale(xe, a)?;
        let r = self.cx.add_const(ax, b)?;
        if !self.fits_i64(r) || self.cx.tree_size(r) > self.cx.tree_size(e) {
            return None;
        }
        self.fire(Rule::AffineSmallRange);
        Some(r)
    }

    /// Whether `q`, a polynomial whose value is the input's (so it fits in i64 wherever the
    /// input is defined), computes nothing that overflows: a polynomial is one value, its terms
    /// exact in 128 bits (docs/rules.md §8), so it suffices that its atoms fit and that the
    /// magnitudes of its terms add up to less than 2^126 (nothing saturates, the 128-bit sum
    /// cannot overflow). Two factors in i64 always do: `s78*(q2 - 1) + s78` = `q2*s78`.
    pub(crate) fn poly_fits(&mut self, q: Expr) -> bool {
        const SAT: i128 = 1 << 126;
        // The terms and their factors are read by index (a handle's node does not change), not
        // copied out: `q` as one term `1*q` when it is a product or a power, a term that is no
        // product as its one factor.
        let (nt, c) = match self.cx.node(q) {
            Node::Add(ts, c) => (ts.len(), *c),
            Node::Mul(..) | Node::Pow(..) => (1, 0),
            _ => return false,
        };
        let mut total = i128::from(c).abs();
        for i in 0..nt {
            let (t, k) = match self.cx.node(q) {
                Node::Add(ts, _) => ts[i],
                _ => (q, 1),
            };
            let nf = match self.cx.node(t) {
                Node::Mul(fs) => fs.len(),
                _ => 1,
            };
            let mut m = i128::from(k).abs();
            for j in 0..nf {
                let f = match self.cx.node(t) {
                    Node::Mul(fs) => fs[j],
                    _ => t,
                };
                let (b, n) = match *self.cx.node(f) {
                    Node::Pow(b, n) => (b, n),
                    _ => (f, 1),
                };
                let Some(iv) = fits_iv(self, b, 0) else {
                    return false;
                };
                let mag = iv.lo.abs().max(iv.hi.abs());
                for _ in 0..n {
                    if mag <= 1 {
                        m *= mag;
                        break;
                    }
                    match m.checked_mul(mag) {
                        Some(v) if v < SAT => m = v,
                        _ => return false,
                    }
                }
            }
            total += m;
            if total >= SAT {
                return false;
            }
        }
        true
    }

    /// Whether `x`, the expansion of a product (or of a sum of products) whose value is the
    /// input's, computes nothing that overflows where the input does not: its terms have one
    /// sign (`bounded_by_value`), its magnitudes add up below 2^126 (`poly_fits`), or it
    /// provably fits (`fits_i64`). A disjunction of pure tests, so their order changes no
    /// answer: `fits_i64` last, as where the terms' signs differ it fails on nearly every real
    /// expansion (a product of unbounded symbols, `s16*s62`), after a walk of every new node.
    pub(crate) fn expansion_fits(&mut self, x: Expr) -> bool {
        self.bounded_by_value(x) || self.poly_fits(x) || self.fits_i64(x)
    }

    /// Expands products of sums (bounded: at most `expand_terms` resulting terms, 64 by
    /// default: [`crate::Limits`]) where no new overflow
    /// can come of it.
    fn rules_mul(&mut self, e: Expr) -> Option<Expr> {
        let Node::Mul(fs) = self.cx.node(e).clone() else {
            return None;
        };
        let out = self.cx.expand_product(&fs, self.cx.limits.expand_terms)?;
        // A call among the factors would be copied into every term: where that makes the
        // expansion larger than the product, the product is the answer (PyTorch keeps
        // `(2*s101 - 1)*FloorDiv(s0 + 1, 2)`; its expansion `2*s101*FloorDiv(s0 + 1, 2) -
        // FloorDiv(s0 + 1, 2)` is larger). Sums still expand in the sums they stand in,
        // where terms can cancel (`expand_in_sum`).
        if fs
            .iter()
            .any(|f| !self.cx.is_plain_polynomial(*f) && !matches!(self.cx.node(*f), Node::Add(..)))
            && self.cx.tree_size(out) > self.cx.tree_size(e)
        {
            return None;
        }
        // The expanded terms are new nodes ((x + 1)*y fits where x*y does not): taken where
        // the expansion provably fits in i64, or where, its sum being the input's value, no
        // term is larger than the sum (`bounded_by_value`: terms of one sign).
        if !self.expansion_fits(out) {
            return None;
        }
        self.fire(Rule::ExpandMul);
        Some(out)
    }

    fn rules_abs(&mut self, e: Expr) -> Option<Expr> {
        let Node::Abs(a) = *self.cx.node(e) else {
            return None;
        };
        if self.cx.ty(a) != crate::Ty::Int {
            return None;
        }
        // Abs(a) = a for a >= 0 and -a for a <= 0, the sign proven (intervals, and symbolic
        // range ends: `Abs(x0 - s0)` with x0 <= s0 - 1).
        if self.prove_nonneg(a) {
            self.fire(Rule::AbsSign);
            return Some(a);
        }
        let zero = self.cx.int(0);
        if self.prove_le(a, zero) {
            self.fire(Rule::AbsSign);
            return self.cx.neg(a);
        }
        None
    }

    fn rules_where(&mut self, e: Expr) -> Option<Expr> {
        let Node::Where(c, a, b) = *self.cx.node(e) else {
            return None;
        };
        match self.truth(c) {
            crate::Truth::True => {
                self.fire(Rule::WhereDecided);
                Some(a)
            }
            crate::Truth::False => {
                self.fire(Rule::WhereDecided);
                Some(b)
            }
            crate::Truth::Unknown => None,
        }
    }

    /// `TruncToInt(ToFloat(x))` (and the other roundings) is `x` when `|x| <= 2^53`, where the
    /// conversion to double is exact.
    fn rules_float_to_int(&mut self, e: Expr) -> Option<Expr> {
        const EXACT: i128 = 1 << 53;
        let a = self.cx.node(e).children()[0];
        match *self.cx.node(a) {
            Node::ToFloat(x) => {
                let iv = self.iv(x);
                if iv.lo >= -EXACT && iv.hi <= EXACT {
                    self.fire(Rule::TruncToFloat);
                    return Some(x);
                }
                None
            }
            // FloorToInt(IntTrueDiv(a, b)) = FloorDiv(a, b) and CeilToInt(IntTrueDiv(a, b)) =
            // -FloorDiv(-a, b) when |a| < 2^53: for q = a/b not an integer, its distance to the
            // nearest integer is at least 1/|b|, while correct rounding moves it by at most
            // |q|*2^-53 <= |a|/|b|*2^-53 < 1/|b|, so rounding never crosses an integer (and an
            // integer q is exact in double). b = 0 is an error on both sides.
            Node::IntTrueDiv(p, q) => {
                let is_floor = matches!(self.cx.node(e), Node::FloorToInt(_));
                let is_ceil = matches!(self.cx.node(e), Node::CeilToInt(_));
                if !(is_floor || is_ceil) {
                    return None;
                }
                let iv = self.iv(p);
                if iv.lo <= -EXACT || iv.hi >= EXACT {
                    return None;
                }
                self.fire(Rule::FloatDivToFloorDiv);
                if is_floor {
                    Some(self.cx.floordiv_raw(p, q))
                } else {
                    self.cx.ceildiv_raw(p, q)
                }
            }
            _ => None,
        }
    }
}

impl Context {
    /// Simplifies `e` under the context's ranges and assumptions (docs/language.md §5.1).
    /// With no facts this is the canonical, range-free simplification.
    /// A `context_nodes` or `time` limit reached ([`crate::Limits`]) answers `e` unchanged,
    /// with [`Context::limit_reached`] saying which ([`Context::try_simplify`] makes it an
    /// error).
    pub fn simplify(&mut self, e: Expr) -> Expr {
        self.simplify_in(e, false).0
    }

    /// [`Context::simplify`], with the rules' counts when `stats` and a session ran (`None`
    /// otherwise, read as no rule fired: the counts are a few hundred bytes, which a plain
    /// simplify would zero and copy out).
    fn simplify_in(&mut self, e: Expr, stats: bool) -> (Expr, Option<Box<Stats>>) {
        // A symbol whose range is one integer is that integer at every point of the domain
        // (`q1 + q2` with q2 in [0, 0] is `q1`): the same value, computed from a constant.
        if !self.facts.pinned.is_empty() {
            let map: smallvec::SmallVec<[(crate::Symbol, i64); 4]> = self
                .facts
                .pinned
                .iter()
                .filter(|(s, _)| self.contains_symbol(e, *s))
                .copied()
                .collect();
            if !map.is_empty() {
                let map: Vec<(crate::Symbol, Expr)> =
                    map.into_iter().map(|(s, v)| (s, self.int(v))).collect();
                if let Some(e2) = self.substitute(e, &map) {
                    let (r, st) = self.simplify_in(e2, stats);
                    return (self.never_larger(e, r), st);
                }
            }
        }
        // A leaf is its own simplification: no session, no query; nothing is built, so no
        // limit can be reached. It answers as a finished query does, so a limit an earlier
        // query reached is no longer reported (inside a running query, that query's stays).
        if self.is_simplify_leaf(e) {
            if !self.run.active {
                self.limit_hit = None;
            }
            return (e, None);
        }
        self.query(
            |cx| {
                // The session ends with its block, dropped where it lives (`drop(ses)` moved
                // it, a copy of the whole struct, first).
                let (s, st) = {
                    let mut ses = Session::new(cx);
                    if stats {
                        ses.stats = Some(Box::default());
                    }
                    ses.input = Some(e);
                    let s = ses.simplify(e);
                    let s = ses.root_pass(s);
                    let s = ses.mixed_if_larger(e, s);
                    let s = ses.absorb_pass(s);
                    (s, ses.stats.take())
                };
                (cx.never_larger(e, s), st)
            },
            |_| (e, None),
        )
    }

    /// Whether `e` is its own simplification under any facts in which no symbol's range is a
    /// single integer: a constant, a symbol, a sum of products of symbols (a plain polynomial in
    /// normal form, where no rule has a FloorDiv, Mod, Min/Max, product of sums or comparison to
    /// match), a float or a boolean. Such an `e` needs no facts to be simplified: a caller that
    /// would set ranges only to simplify it can skip them (the CLI's `batch` does). A range
    /// that is one integer (`[3, 3]`) replaces its symbol by the integer first, so it does
    /// change the answer.
    pub fn is_simplify_fixpoint(&self, e: Expr) -> bool {
        self.check_owner(e);
        self.is_simplify_leaf(e)
    }

    /// Expressions that are their own simplification: constants, symbols, and sums of products
    /// of symbols (no rule applies to a plain polynomial in normal form: there is no FloorDiv,
    /// Mod, Min/Max, product of sums or comparison for a rule to match), floats and booleans.
    pub(crate) fn is_simplify_leaf(&self, e: Expr) -> bool {
        self.is_plain_polynomial(e) || matches!(self.node(e), Node::Float(_) | Node::Bool(_))
    }

    /// The simplified form unless it prints larger than the input (docs/language.md §5: fewer
    /// operations). The rules keep one canonical form (a positive divisor, products of sums
    /// expanded, exact integer division instead of float rounding), which occasionally costs a
    /// node or two where nothing else simplifies: `FloorDiv(a, -3)` would become
    /// `FloorDiv(-a, 3)`, `x*(c + 1)` would become `x + c*x`. Then the input, which is equal at
    /// every assignment and already in the constructors' normal form, is the answer.
    fn never_larger(&self, e: Expr, s: Expr) -> Expr {
        if s == e {
            return s;
        }
        let ss = self.cost_upto(s, usize::MAX);
        // The input's walk stops once it is known to be at least as large.
        if ss > 0 && self.cost_upto(e, ss) < ss {
            e
        } else {
            s
        }
    }

    /// Like [`Context::simplify`], also returning which rules fired.
    pub fn simplify_with_stats(&mut self, e: Expr) -> (Expr, Stats) {
        let (r, st) = self.simplify_in(e, true);
        (r, st.map(|b| *b).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::Session;
    use crate::test_rng::xorshift;
    use crate::{Context, Value};

    /// `affine_on_small_range` of `FloorDiv`, `CeilDiv` and `Mod` of `k*x + c` by a constant
    /// (its arithmetic per point, a step of `a` along the line) answers what evaluating the
    /// node at every point of x's range finds: the line `a*x + b` through all of them when there
    /// is one (and it fits and is no larger), else nothing. Literals near the i64 edges too.
    #[test]
    fn affine_on_small_range_is_the_evaluated_line() {
        let mut next = xorshift(0x1f83_d9ab_fb41_bd6bu64);
        let edge = [i64::MAX, i64::MIN + 1, i64::MAX / 3, 1 << 62, -(1 << 62)];
        let (mut lines, mut cases) = (0, 0);
        for _ in 0..3000 {
            let mut cx = Context::new();
            let lo: i64 = if next(8) == 0 {
                edge[next(5) as usize].saturating_sub(next(20) as i64)
            } else {
                next(21) as i64 - 10
            };
            let hi = lo.saturating_add(next(18) as i64);
            cx.set_range_str("x", &lo.to_string(), &hi.to_string())
                .unwrap();
            let lit = |next: &mut dyn FnMut(u64) -> u64| -> i64 {
                if next(10) == 0 {
                    edge[next(5) as usize]
                } else {
                    next(41) as i64 - 20
                }
            };
            let (k, c, d) = (lit(&mut next), lit(&mut next), lit(&mut next));
            let f = ["FloorDiv", "CeilDiv", "Mod"][next(3) as usize];
            let text = format!("{f}({k}*x + {c}, {d})");
            let Ok(e) = cx.parse(&text) else { continue };
            // (The rule's nodes only: one whose operand the parse folded to a constant is none.)
            let Some(x) = cx.lookup("x") else { continue };
            if !matches!(
                cx.node(e),
                crate::expr::Node::FloorDiv(..)
                    | crate::expr::Node::CeilDiv(..)
                    | crate::expr::Node::Mod(..)
            ) || cx.sole_symbol(&[e]) != Some(x)
            {
                continue;
            }
            // The line through every point, by exact evaluation (`None`: a point does not
            // evaluate, or is off the line).
            let vals: Option<Vec<i128>> = (lo..=hi)
                .map(
                    |v| match cx.eval_with(e, &|s| (s == x).then_some(Value::Int(v))) {
                        Ok(Value::Int(w)) => Some(i128::from(w)),
                        _ => None,
                    },
                )
                .collect();
            // (Beyond `SMALL_RANGE` points the rule does not look.)
            let small = i128::from(hi) - i128::from(lo) < super::SMALL_RANGE;
            let line = vals.filter(|_| small).and_then(|vs| {
                let a = if vs.len() > 1 { vs[1] - vs[0] } else { 0 };
                let b = vs[0] - a * i128::from(lo);
                let on = (lo..=hi).zip(&vs).all(|(v, w)| a * i128::from(v) + b == *w);
                on.then_some((i64::try_from(a).ok()?, i64::try_from(b).ok()?))
            });
            let mut s = Session::new(&mut cx);
            let got = s.affine_on_small_range(e);
            cases += 1;
            let want = line.and_then(|(a, b)| {
                let xe = s.cx.sym(x);
                let ax = s.cx.scale(xe, a)?;
                let r = s.cx.add_const(ax, b)?;
                (s.fits_i64(r) && s.cx.tree_size(r) <= s.cx.tree_size(e)).then_some(r)
            });
            lines += usize::from(want.is_some());
            assert_eq!(got, want, "{text} with x in [{lo}, {hi}]");
        }
        assert!(lines * 5 > cases && lines < cases, "{lines} of {cases}");
    }
}
