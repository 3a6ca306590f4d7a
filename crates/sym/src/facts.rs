//! Ranges and assumptions held by a [`Context`], and their validation.
//!
//! A range end is a constant, an expression over other symbols (Inductor's `q0 in [0, s77 - 1]`),
//! or infinite. Ranges must not be cyclic. Assumptions are boolean facts that restrict the
//! assignments (docs/language.md §4); the analyses use the forms they understand (bounds on one
//! symbol, `Eq(Mod(e, k), r)` divisibility, exact matches) and never contradict the others.

use crate::Context;
use crate::error::Error;
use crate::expr::{Expr, Node, Symbol, Ty};
use crate::interval::{Iv, NEG_INF, POS_INF};
use crate::parse::{DIGIT, LETTER, PolyAtom, WS, class, is_reserved, run_end};
use smallvec::SmallVec;

/// One end of a declared range.
///
/// Exhaustive on purpose: an end is finite (an expression) or not.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum RangeEnd {
    /// Unbounded on this side.
    Infinite,
    /// An integer constant or an expression over other symbols.
    Expr(Expr),
}

/// One end of a range as a request states it, before anything is made of it: what
/// [`Context::plain_facts`] reads.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum EndText<'a> {
    /// Unbounded on this side (JSON's `null`).
    Unbounded,
    /// An integer.
    Int(i64),
    /// An expression over other symbols (`"s77 - 1"`), as [`Context::parse_range_end_of`]
    /// reads it.
    Text(&'a str),
}

impl From<Expr> for RangeEnd {
    fn from(e: Expr) -> Self {
        RangeEnd::Expr(e)
    }
}

/// A map from symbols to values, indexed by the symbol's number (symbols are numbered densely
/// from 0): a lookup is an index, where a hash map hashes and probes (the ranges, and the
/// intervals `bound` asks of every symbol).
#[derive(Clone, Debug)]
pub(crate) struct SymMap<V> {
    vals: Vec<Option<V>>,
}

impl<V> Default for SymMap<V> {
    fn default() -> Self {
        SymMap { vals: Vec::new() }
    }
}

impl<V: Copy> SymMap<V> {
    #[inline]
    pub fn get(&self, s: &Symbol) -> Option<&V> {
        self.vals.get(s.idx as usize)?.as_ref()
    }

    #[inline]
    pub fn contains_key(&self, s: &Symbol) -> bool {
        self.get(s).is_some()
    }

    /// `s`'s slot, made if the map is shorter.
    fn slot(&mut self, s: Symbol) -> &mut Option<V> {
        let i = s.idx as usize;
        // Usually the next symbol: one push (a `resize` call costs more than the value).
        while self.vals.len() <= i {
            self.vals.push(None);
        }
        &mut self.vals[i]
    }

    /// `s`'s value, `v` first if it has none.
    pub fn get_or_insert(&mut self, s: Symbol, v: V) -> &mut V {
        self.slot(s).get_or_insert(v)
    }

    /// Sets `s`'s value, answering the one it replaces.
    pub fn insert(&mut self, s: Symbol, v: V) -> Option<V> {
        self.slot(s).replace(v)
    }

    /// Drops `s`'s value, answering it.
    pub fn remove(&mut self, s: &Symbol) -> Option<V> {
        self.vals.get_mut(s.idx as usize)?.take()
    }

    /// No values, keeping the allocation.
    pub fn clear(&mut self) {
        self.vals.clear();
    }

    /// Drops the values of the symbols numbered `n` and above.
    pub fn truncate(&mut self, n: usize) {
        self.vals.truncate(n);
    }
}

/// The declared ranges ([`SymMap`]), iterated in the order the symbols were first given one.
#[derive(Clone, Debug, Default)]
pub(crate) struct Ranges {
    by_sym: SymMap<(RangeEnd, RangeEnd)>,
    /// The symbols with a range, each once, in the order their first range was set.
    ranged: Vec<Symbol>,
}

impl Ranges {
    #[inline]
    pub fn get(&self, s: &Symbol) -> Option<&(RangeEnd, RangeEnd)> {
        self.by_sym.get(s)
    }

    /// Sets `s`'s range, answering the one it replaces.
    pub fn insert(&mut self, s: Symbol, r: (RangeEnd, RangeEnd)) -> Option<(RangeEnd, RangeEnd)> {
        let old = self.by_sym.insert(s, r);
        if old.is_none() {
            self.ranged.push(s);
        }
        old
    }

    /// Drops `s`'s range, answering it.
    pub fn remove(&mut self, s: &Symbol) -> Option<(RangeEnd, RangeEnd)> {
        let old = self.by_sym.remove(s);
        if old.is_some() {
            // Removal is rare (a solver's scratch symbol, the newest): from the end.
            if let Some(p) = self.ranged.iter().rposition(|r| r.idx == s.idx) {
                self.ranged.remove(p);
            }
        }
        old
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.ranged.is_empty()
    }

    /// The symbols with a range and their ranges.
    pub fn iter(&self) -> impl Iterator<Item = (&Symbol, &(RangeEnd, RangeEnd))> {
        self.ranged.iter().map(|s| {
            let r = self.by_sym.get(s);
            (s, r.expect("a ranged symbol has its range"))
        })
    }

    /// The symbols with a range.
    pub fn keys(&self) -> impl Iterator<Item = &Symbol> {
        self.ranged.iter()
    }

    /// No ranges, keeping the allocations.
    pub fn clear(&mut self) {
        self.by_sym.clear();
        self.ranged.clear();
    }
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Facts {
    pub ranges: Ranges,
    pub assumptions: Vec<Expr>,
    /// How many range ends are expressions over other symbols (kept by `set_range`).
    pub symbolic_ends: usize,
    /// Every symbol whose range has had an end over other symbols, each once (`store_range`
    /// adds it; a later range with constant ends, or none, leaves it): a superset of the
    /// symbols with such an end, which `Derived::fill` and `check_facts` walk instead of
    /// every range (the others have nothing for them).
    pub symbolic: Vec<Symbol>,
    /// The symbols of `symbolic`, as a set: whether a symbol is listed is an index, not a
    /// scan of the list (setting n ranges with symbolic ends stays linear).
    pub symbolic_listed: SymMap<()>,
    /// Bumped on every change, so that facts derived from these can be reused until then.
    pub generation: u64,
    /// Every symbol that some range end has mentioned (never shrinks: a superset is enough).
    /// A new range for a symbol nobody's range mentions cannot close a cycle, so the walk
    /// through the ranges is needed only for these: setting a chain of ranges stays linear.
    pub referenced: SymMap<()>,
    /// The symbols whose range is one integer, with it (`q2` in `[0, 0]`): `simplify` writes
    /// them as that constant.
    pub pinned: Vec<(Symbol, i64)>,
}

impl Facts {
    /// `Facts::default()`, keeping the tables' allocations (a reused context's next request
    /// sets about as many facts again).
    pub fn clear(&mut self) {
        let Facts {
            ranges,
            assumptions,
            symbolic_ends,
            symbolic,
            symbolic_listed,
            generation,
            referenced,
            pinned,
        } = self;
        ranges.clear();
        assumptions.clear();
        *symbolic_ends = 0;
        symbolic.clear();
        symbolic_listed.clear();
        *generation = 0;
        referenced.clear();
        pinned.clear();
    }
}

/// A context as it stood right after its facts were set ([`Context::facts_mark`]), to go back
/// to with [`Context::back_to_facts`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FactsMark {
    nodes: u32,
    syms: u32,
    /// The facts' generation then: every change of the facts since bumps it.
    generation: u64,
    /// The table of small constants then (its entries at or past `nodes` were made later).
    small_ints: [u32; 129],
}

impl Context {
    /// Declares `lo <= s <= hi`. Ends are expressions of the symbol's type over other symbols
    /// (`RangeEnd::from(e)`) or infinite; a range that would make the symbols' ranges cyclic is
    /// refused. Constant ends are simpler with [`Context::set_range_int`].
    pub fn set_range(&mut self, s: Symbol, lo: RangeEnd, hi: RangeEnd) -> Result<(), Error> {
        self.check_sym_owner(s);
        // Constant ends (`None` for a symbolic one; `Some(None)` for an infinite end).
        let int_end = |cx: &Self, end: RangeEnd| match end {
            RangeEnd::Infinite => Some(None),
            RangeEnd::Expr(e) => cx.as_int(e).map(Some),
        };
        let (a, b) = (int_end(self, lo), int_end(self, hi));
        // Constant and infinite ends (most ranges: `[2, null]`, `[0, 127]`): no type to check,
        // no cycle, nothing referenced, no symbolic end added.
        if let (Some(a), Some(b)) = (a, b) {
            if let (Some(x), Some(y)) = (a, b)
                && x > y
            {
                return Err(self.empty_range_error(s, x, y));
            }
            self.store_constant_range(s, (lo, hi), a.zip(b));
            return Ok(());
        }
        self.set_symbolic_range(s, (lo, hi), a.is_some())
    }

    /// [`Context::set_range`] for ends of which one at least is symbolic (out of line: the
    /// constant ranges' path stays as small as it was). `a_const`: the lower end is a
    /// constant or infinite.
    #[inline(never)]
    fn set_symbolic_range(
        &mut self,
        s: Symbol,
        (lo, hi): (RangeEnd, RangeEnd),
        a_const: bool,
    ) -> Result<(), Error> {
        // The common symbolic ranges, `[0, s77 - 1]`, `[0, s27*s77 - 1]`: a constant (or
        // infinite) lower end and an upper end over symbols among the first 63 (whose set
        // `syms` is exact: bit `i` for symbol `i`), the first range of a symbol no range
        // mentions. As `check_symbolic_ends` and `store_range` there: the one symbolic end's
        // type is checked alike; it cannot refer back to `s` (its symbols, exactly those of
        // `syms`, are not `s`, and no range mentions `s`, so none of their ranges leads to
        // it: `depends_on` is not asked); its symbols are referenced (what `for_each_symbol`
        // visits); one symbolic end is added, none removed (no old range), nothing pinned.
        if let (true, RangeEnd::Expr(e)) = (a_const, hi)
            && let Some(syms) = self.end_symbols(e)
            && s.idx < 63
            && syms & (1 << s.idx) == 0
            && !self.facts.referenced.contains_key(&s)
            && self.facts.ranges.get(&s).is_none()
            && end_type_fits(self.sym_ty(s), self.ty(e))
        {
            let mut rest = syms;
            while rest != 0 {
                let v = self.syms[rest.trailing_zeros() as usize].handle;
                self.facts.referenced.insert(v, ());
                rest &= rest - 1;
            }
            self.store_fresh_range(s, (lo, hi), 1, None);
            return Ok(());
        }
        let added = self.check_symbolic_ends(s, lo, hi)?;
        self.store_range(s, (lo, hi), added, None);
        Ok(())
    }

    /// The symbols of a symbolic range end (not a constant) when they are among the first 63
    /// (bit `i` for symbol `i`, exactly the symbols the end holds: `Meta::syms`); `None` for
    /// a constant end and for one with a later symbol.
    #[inline]
    fn end_symbols(&self, e: Expr) -> Option<u64> {
        let syms = self.meta[e.index()].syms;
        (syms != 0 && syms & (1 << 63) == 0).then_some(syms)
    }

    /// The error of [`Context::set_range`] for constant ends `x > y` (out of its hot path).
    #[cold]
    #[inline(never)]
    fn empty_range_error(&self, s: Symbol, x: i64, y: i64) -> Error {
        let name = self.sym_name(s);
        Error::Range(format!("range of '{name}' is empty: [{x}, {y}]"))
    }

    /// [`Context::store_range`] for a range with constant or infinite ends (`consts`: both
    /// values, when both are constants), no symbolic end added, in the common case: `s` had
    /// no range (a fresh symbol's first), so none is replaced and nothing was pinned. Else
    /// `store_range`, which the general case is.
    #[inline]
    fn store_constant_range(
        &mut self,
        s: Symbol,
        r: (RangeEnd, RangeEnd),
        consts: Option<(i64, i64)>,
    ) {
        if self.facts.ranges.get(&s).is_some() {
            self.store_range(s, r, 0, consts);
        } else {
            self.store_fresh_range(s, r, 0, consts);
        }
    }

    /// [`Context::store_range`] for a symbol without a range (and its last step): none is
    /// replaced, so no symbolic end is removed and nothing was pinned (a pin needs a one-point
    /// range); the `added` symbolic ends are counted and listed, and a one-point integer range
    /// pins `s`.
    #[inline]
    fn store_fresh_range(
        &mut self,
        s: Symbol,
        r: (RangeEnd, RangeEnd),
        added: usize,
        consts: Option<(i64, i64)>,
    ) {
        self.facts.ranges.insert(s, r);
        self.facts.symbolic_ends += added;
        if added > 0 && self.facts.symbolic_listed.insert(s, ()).is_none() {
            self.facts.symbolic.push(s);
        }
        if let Some((x, y)) = consts
            && x == y
            && self.sym_ty(s) == Ty::Int
        {
            self.facts.pinned.push((s, x));
        }
        self.facts.generation += 1;
    }

    /// The checks and bookkeeping of [`Context::set_range`] for ends of which one at least is
    /// symbolic: each symbolic end is of the symbol's type and does not refer back to `s`;
    /// its symbols are then referenced. The number of symbolic ends.
    fn check_symbolic_ends(
        &mut self,
        s: Symbol,
        lo: RangeEnd,
        hi: RangeEnd,
    ) -> Result<usize, Error> {
        let symbolic_end = |cx: &Self, end: RangeEnd| match end {
            RangeEnd::Expr(e) if cx.as_int(e).is_none() => Some(e),
            _ => None,
        };
        let ends = [symbolic_end(self, lo), symbolic_end(self, hi)];
        for e in ends.into_iter().flatten() {
            if !end_type_fits(self.sym_ty(s), self.ty(e)) {
                let name = self.sym_name(s);
                return Err(Error::Range(format!(
                    "range of '{name}': the bound {} is not of the symbol's type",
                    self.display(e)
                )));
            }
            if self.contains_symbol(e, s)
                || (self.facts.referenced.contains_key(&s) && self.depends_on(e, s))
            {
                let name = self.sym_name(s);
                return Err(Error::Range(format!(
                    "range of '{name}': the bound {} refers to '{name}' (ranges must not be cyclic)",
                    self.display(e)
                )));
            }
        }
        let mut added = 0;
        for e in ends.into_iter().flatten() {
            let mut referenced = std::mem::take(&mut self.facts.referenced);
            self.for_each_symbol(e, |s| {
                referenced.insert(s, ());
            });
            self.facts.referenced = referenced;
            added += 1;
        }
        Ok(added)
    }

    /// Stores the checked range `r` of `s` with its `added` symbolic ends, and pins `s` when
    /// `consts` (both ends' values, when both are constants) is one point of an integer: the
    /// bookkeeping of the range it replaces undone (its symbolic ends uncounted, its pin
    /// removed), then [`Context::store_fresh_range`]'s.
    fn store_range(
        &mut self,
        s: Symbol,
        r: (RangeEnd, RangeEnd),
        added: usize,
        consts: Option<(i64, i64)>,
    ) {
        if let Some(&(lo, hi)) = self.facts.ranges.get(&s) {
            let symbolic =
                |e: &RangeEnd| matches!(e, RangeEnd::Expr(x) if self.as_int(*x).is_none());
            let removed = [lo, hi].iter().filter(|e| symbolic(e)).count();
            // (The count holds the old range's symbolic ends: no underflow.)
            self.facts.symbolic_ends -= removed;
            // `s` is pinned only if its previous range was one point (every range stored goes
            // through here, and a range removed unpins its symbol): only then is the list
            // scanned, so that setting n point ranges stays linear. (`s` stays listed among
            // the symbols with symbolic ends, as before.)
            let old_point = match (lo, hi) {
                (RangeEnd::Expr(a), RangeEnd::Expr(b)) => {
                    self.as_int(a).is_some() && self.as_int(a) == self.as_int(b)
                }
                _ => false,
            };
            if old_point {
                self.facts.pinned.retain(|p| p.0 != s);
            }
        }
        self.store_fresh_range(s, r, added, consts);
    }

    /// `lo <= s <= hi` with constant ends (no [`RangeEnd`] needed): `cx.set_range_int(s, 16,
    /// 1024)`. For one unbounded side use [`Context::set_range_from`] or
    /// [`Context::set_range_to`].
    pub fn set_range_int(&mut self, s: Symbol, lo: i64, hi: i64) -> Result<(), Error> {
        let (lo, hi) = (RangeEnd::Expr(self.int(lo)), RangeEnd::Expr(self.int(hi)));
        self.set_range(s, lo, hi)
    }

    /// `lo <= s` (no upper bound).
    pub fn set_range_from(&mut self, s: Symbol, lo: i64) -> Result<(), Error> {
        let lo = RangeEnd::Expr(self.int(lo));
        self.set_range(s, lo, RangeEnd::Infinite)
    }

    /// `s <= hi` (no lower bound).
    pub fn set_range_to(&mut self, s: Symbol, hi: i64) -> Result<(), Error> {
        let hi = RangeEnd::Expr(self.int(hi));
        self.set_range(s, RangeEnd::Infinite, hi)
    }

    /// Convenience: `set_range` with the ends as text (`""`, `"oo"` or `"-oo"` for unbounded).
    pub fn set_range_str(&mut self, name: &str, lo: &str, hi: &str) -> Result<(), Error> {
        let s = self.symbol(name)?;
        let lo = self.parse_range_end_of(lo, false)?;
        let hi = self.parse_range_end_of(hi, true)?;
        self.set_range(s, lo, hi)
    }

    /// [`Context::parse_range_end`] for the lower end of a range (`upper = false`) or its upper
    /// end: an infinity of the other side (`oo` as a lower end, `-oo` as an upper end) leaves
    /// the range without a value, an error as any empty range is (docs/language.md), where
    /// `parse_range_end`, which knows no side, reads it as unbounded.
    ///
    /// ```
    /// # use sym::{Context, RangeEnd};
    /// let mut cx = Context::new();
    /// assert!(matches!(cx.parse_range_end_of("-oo", false), Ok(RangeEnd::Infinite)));
    /// assert!(cx.parse_range_end_of("oo", false).is_err());
    /// assert!(cx.parse_range_end_of("-int_oo", true).is_err());
    /// ```
    pub fn parse_range_end_of(&mut self, text: &str, upper: bool) -> Result<RangeEnd, Error> {
        let end = self.parse_range_end(text)?;
        if end == RangeEnd::Infinite {
            let t = text.trim();
            let wrong = if upper {
                t.starts_with('-')
            } else {
                !t.is_empty() && !t.starts_with('-')
            };
            if wrong {
                return Err(Error::Range(format!(
                    "'{t}' cannot be the {} end of a range: no value would be in it",
                    if upper { "upper" } else { "lower" }
                )));
            }
        }
        Ok(end)
    }

    /// Parses one range end; empty, `oo`, `-oo`, `int_oo`, `-int_oo` are infinite. The common
    /// shapes (`s77 - 1`, `2*s90 - 1`, `s27*s77 - 1`, `12 - 1`) take a dedicated path that
    /// builds what [`Context::parse`] builds.
    pub fn parse_range_end(&mut self, text: &str) -> Result<RangeEnd, Error> {
        // Without a blank at either end (an ASCII byte that is not whitespace at each end),
        // there is nothing to trim; the infinite ends start with `-`, `o` or `i`.
        let t = match text.as_bytes() {
            [f, .., l] if f.is_ascii_graphic() && l.is_ascii_graphic() => text,
            _ => text.trim(),
        };
        if matches!(t.as_bytes().first(), None | Some(b'-' | b'o' | b'i'))
            && INFINITE_ENDS.contains(&t)
        {
            return Ok(RangeEnd::Infinite);
        }
        // Literals added and subtracted (`7 - 1`, the commonest text end): their value, the
        // node the general parser folds them to, without the parser (under no node limit,
        // which counts the literals the general parser interns).
        if t.as_bytes().first().is_some_and(|&c| class(c) == DIGIT)
            && self.limits.input_nodes == usize::MAX
            && self.limits.context_nodes == usize::MAX
            && let Some(v) = literal_sum(t.as_bytes())
        {
            return Ok(RangeEnd::Expr(self.int(v)));
        }
        if let Some(e) = self.name_and_literal(t) {
            return Ok(RangeEnd::Expr(e));
        }
        if let Some(e) = self.parse_end_fast(t) {
            return Ok(RangeEnd::Expr(e));
        }
        Ok(RangeEnd::Expr(self.parse(t)?))
    }

    /// A name and one literal added or subtracted (`s77 - 1`, the commonest end over a symbol:
    /// `q0` in `[0, s77 - 1]`), or a product of two distinct names and one literal added or
    /// subtracted (`s27*s77 - 1`), read in one pass: the integer symbols (made when new, left
    /// to right, as the parser makes them) plus the constant, the node the parser builds for
    /// it (`Add` of the symbol, or of the product, times 1 and the constant; the symbol or the
    /// product alone for `+ 0` or `- 0`: `add_terms` drops a zero constant). The product is
    /// `mul_parts`' of two distinct symbols: `Mul` of both, sorted last to first by name
    /// (stably: the left one first only when it comes strictly before the right one), as
    /// `parse_end_fast` builds it. `None`, with nothing made, for any other text (a name
    /// twice, a power), a name of another type or a reserved word, a literal of more than
    /// nine digits or with a leading zero, and under a node limit (the parser counts nodes):
    /// `parse_end_fast` and the parser then read it. The tests
    /// `name_and_literal_is_what_the_parser_reads` and
    /// `two_names_and_literal_are_what_the_parser_reads` compare the two.
    fn name_and_literal(&mut self, t: &str) -> Option<Expr> {
        let b = t.as_bytes();
        if b.first().is_none_or(|&c| class(c) != LETTER)
            || self.limits.input_nodes != usize::MAX
            || self.limits.context_nodes != usize::MAX
        {
            return None;
        }
        let end = run_end(b, 1, DIGIT | LETTER);
        let mut i = run_end(b, end, WS);
        // A second name after a `*` (not a power's `**`): its span.
        let mut second = None;
        if b.get(i) == Some(&b'*') && b.get(i + 1) != Some(&b'*') {
            let start = run_end(b, i + 1, WS);
            if b.get(start).is_none_or(|&c| class(c) != LETTER) {
                return None;
            }
            let stop = run_end(b, start + 1, DIGIT | LETTER);
            second = Some(start..stop);
            i = run_end(b, stop, WS);
        }
        let negative = match b.get(i) {
            Some(b'-') => true,
            Some(b'+') => false,
            _ => return None,
        };
        let start = run_end(b, i + 1, WS);
        if literal_end(b, start)? != b.len() {
            return None;
        }
        let name = &t[..end];
        if is_reserved(name) {
            return None;
        }
        let v = decimal_below_1e9(&b[start..]);
        let c = if negative { -v } else { v };
        let h = crate::names::SymNames::hash(name);
        let known = self.lookup_hashed(name, h);
        if known.is_some_and(|s| self.sym_ty(s) != Ty::Int) {
            return None;
        }
        let Some(span) = second else {
            let s = known.unwrap_or_else(|| self.symbol_of_ident(name, h));
            let x = self.sym(s);
            return Some(if c == 0 { x } else { self.intern_term(x, 1, c) });
        };
        // `x*y ± c`: both names checked before either symbol is made.
        let name2 = &t[span];
        if name2 == name || is_reserved(name2) {
            return None;
        }
        let h2 = crate::names::SymNames::hash(name2);
        let known2 = self.lookup_hashed(name2, h2);
        if known2.is_some_and(|s| self.sym_ty(s) != Ty::Int) {
            return None;
        }
        let x = known.unwrap_or_else(|| self.symbol_of_ident(name, h));
        let y = known2.unwrap_or_else(|| self.symbol_of_ident(name2, h2));
        let (a, b) = (self.sym(x), self.sym(y));
        let fs = if self.sym_cmp(x, y) == std::cmp::Ordering::Less {
            [a, b]
        } else {
            [b, a]
        };
        let p = self.intern(
            Node::Mul(crate::expr::Args::from_buf_and_len(
                [fs[0], fs[1], fs[0], fs[0]],
                2,
            )),
            Ty::Int,
        );
        Some(if c == 0 { p } else { self.intern_term(p, 1, c) })
    }

    /// The declared range of `s`.
    pub fn range(&self, s: Symbol) -> (RangeEnd, RangeEnd) {
        self.check_sym_owner(s);
        self.facts
            .ranges
            .get(&s)
            .copied()
            .unwrap_or((RangeEnd::Infinite, RangeEnd::Infinite))
    }

    /// Whether `s`'s range, the assumptions and the other ranges leave it unbounded on the
    /// upper (`upper = true`) or lower side: then no relation `s <= r` (resp. `s >= r`) with an
    /// `r` free of `s` holds at every assignment.
    pub(crate) fn unconstrained_side(&self, s: Symbol, upper: bool) -> bool {
        if !self.facts.assumptions.is_empty() || self.facts.symbolic_ends > 0 {
            return false;
        }
        let (lo, hi) = self.range(s);
        matches!(if upper { hi } else { lo }, RangeEnd::Infinite)
    }

    /// The context's state now, for [`Context::back_to_facts`]: `None` while a scope of facts
    /// is open ([`Context::push_facts`]).
    pub fn facts_mark(&self) -> Option<FactsMark> {
        if !self.fact_scopes.is_empty() {
            return None;
        }
        Some(FactsMark {
            nodes: self.nodes.len() as u32,
            syms: self.syms.len() as u32,
            generation: self.facts.generation,
            small_ints: self.small_ints,
        })
    }

    /// Back to the state at `m` for another query under the same facts: the nodes and symbols
    /// made since are dropped, as [`Context::rollback`] drops them (with the parsed texts
    /// whose parse made any of them), and the analyses' caches and the limits' run are
    /// emptied, as [`Context::clear`] empties them. A context whose facts were set on a
    /// cleared context and marked then is after this what clearing it and setting the same
    /// facts again would make, with the same nodes and symbols (the same handles); its memo of
    /// parsed texts may hold more texts, each read as its parse reads it. `false`, with
    /// nothing changed, when the facts changed since `m` (their generation moved: also a
    /// scope opened and closed since), a scope is open, the context is smaller than at `m`
    /// (`m` is not of its history), or the arena is past the size `clear` gives back.
    pub fn back_to_facts(&mut self, m: &FactsMark) -> bool {
        let (n, ns) = (m.nodes as usize, m.syms as usize);
        if self.facts.generation != m.generation
            || !self.fact_scopes.is_empty()
            || n > self.nodes.len()
            || ns > self.syms.len()
            || self.nodes.capacity() > crate::reuse::KEEP_NODES
        {
            return false;
        }
        // The parsed texts whose parse made nothing since `m` stay (the assumptions' calls,
        // which a text parsed later reads from there), as after a rollback.
        self.truncate_arena(n, ns);
        self.small_ints = m.small_ints;
        if let Some(s) = &mut self.scratch {
            s.reset();
        }
        self.run = crate::limits::Run::IDLE;
        self.limit_hit = None;
        true
    }

    /// Opens a scope of facts: ranges and assumptions set from now on are undone by the
    /// matching [`Context::pop_facts`], so a case split needs no clone of the context:
    ///
    /// ```
    /// # use sym::{Context, Truth};
    /// let mut cx = Context::new();
    /// let x = cx.symbol("x").unwrap();
    /// let p = cx.parse("x < 10").unwrap();
    /// cx.push_facts();
    /// cx.set_range_int(x, 0, 5).unwrap(); // the case x <= 5
    /// assert_eq!(cx.prove(p), Ok(Truth::True));
    /// cx.pop_facts();
    /// assert_eq!(cx.prove(p), Ok(Truth::Unknown));
    /// ```
    ///
    /// Scopes nest; expressions made inside a scope stay (only facts are scoped; see
    /// [`Context::mark`] for the arena).
    pub fn push_facts(&mut self) {
        self.fact_scopes.push(self.facts.clone());
    }

    /// Closes the innermost scope of [`Context::push_facts`]: the ranges and assumptions are
    /// those it saved. Returns `false` (and changes nothing) when no scope is open.
    pub fn pop_facts(&mut self) -> bool {
        let Some(saved) = self.fact_scopes.pop() else {
            return false;
        };
        // The generation only grows, so facts derived under any other generation are never
        // taken for these.
        let generation = self.facts.generation + 1;
        self.facts = saved;
        self.facts.generation = generation;
        true
    }

    /// How many scopes of [`Context::push_facts`] are open.
    pub fn fact_depth(&self) -> usize {
        self.fact_scopes.len()
    }

    /// Every expression the facts (current and saved by open scopes) refer to.
    pub(crate) fn fact_exprs(&self) -> Vec<Expr> {
        let mut out = Vec::new();
        for f in std::iter::once(&self.facts).chain(self.fact_scopes.iter()) {
            for (s, (lo, hi)) in f.ranges.iter() {
                out.push(self.sym(*s));
                for end in [lo, hi] {
                    if let RangeEnd::Expr(e) = end {
                        out.push(*e);
                    }
                }
            }
            out.extend(f.assumptions.iter().copied());
        }
        out
    }

    /// Bumps the facts generation (derived facts are recomputed at the next query) and drops
    /// symbols at or above `syms` from the set of referenced ones.
    pub(crate) fn facts_after_rollback(&mut self, syms: u32) {
        for f in std::iter::once(&mut self.facts).chain(self.fact_scopes.iter_mut()) {
            f.referenced.truncate(syms as usize);
            // (No range is left to the dropped symbols: the facts mention none of them.)
            f.symbolic.retain(|s| s.idx < syms);
            f.symbolic_listed.truncate(syms as usize);
        }
        self.facts.generation += 1;
    }

    /// Removes every range and assumption.
    pub fn clear_facts(&mut self) {
        let generation = self.facts.generation + 1;
        self.facts = Facts {
            generation,
            ..Facts::default()
        };
    }

    /// Adds a boolean fact that holds for every assignment.
    pub fn assume(&mut self, pred: Expr) -> Result<(), Error> {
        if self.ty(pred) != Ty::Bool {
            return Err(Error::Range(format!(
                "assumption {} is not a boolean",
                self.display(pred)
            )));
        }
        if self.as_bool(pred) == Some(false) {
            return Err(Error::Range(
                "assumption is False: no assignment satisfies it".into(),
            ));
        }
        self.facts.assumptions.push(pred);
        self.facts.generation += 1;
        Ok(())
    }

    /// Adds `pred` to the facts, as [`Context::assume`] does, except where `pred` only bounds
    /// integer symbols by constants (`s < 12`, `1 < s`, `s <= 64`, or a conjunction of
    /// those) and each such symbol's range has constant or infinite ends: then those ranges
    /// are tightened instead, and nothing is added to [`Context::assumptions`]. The facts are
    /// the same (an integer `s` with `s < c` is `s <= c - 1`); a range is what every question
    /// reads first, while each assumption is consulted again by every question (derived
    /// intervals, the consistency check), so compilers' usual axioms (`s0 > 1`) cost nothing
    /// after this call.
    ///
    /// Where the tightened range would be empty or a single value, or any conjunct is of
    /// another shape, `pred` is assumed whole, as by [`Context::assume`] (so a contradiction
    /// is reported as it would be). Unlike an assumption, a tightened range is replaced by a
    /// later [`Context::set_range`] of the same symbol: set ranges first, then add facts.
    /// Returns whether `pred` was folded into ranges.
    pub fn add_fact(&mut self, pred: Expr) -> Result<bool, Error> {
        let mut folds: SmallVec<[(Symbol, i64, i64); 2]> = SmallVec::new();
        if self.bounds_of_symbols(pred, &mut folds) {
            for &(s, lo, hi) in &folds {
                self.set_folded_range(s, lo, hi)?;
            }
            return Ok(true);
        }
        self.assume(pred)?;
        Ok(false)
    }

    /// `s`'s range as `(lo, hi)` when both ends are constants or infinite (an infinite end as
    /// `i64::MIN` / `i64::MAX`), for an integer symbol; `None` otherwise.
    fn range_consts(&self, s: Symbol) -> Option<(i64, i64)> {
        if self.sym_ty(s) != Ty::Int {
            return None;
        }
        let (lo, hi) = self.range(s);
        // A constant end at an i64 edge is not taken: it would read as infinite.
        let end = |e: RangeEnd, inf: i64| match e {
            RangeEnd::Infinite => Some(inf),
            RangeEnd::Expr(x) => self.as_int(x).filter(|&v| v != i64::MIN && v != i64::MAX),
        };
        Some((end(lo, i64::MIN)?, end(hi, i64::MAX)?))
    }

    /// For [`Context::add_fact`]: whether `pred` is a conjunction of bounds `s < c`, `s <= c`,
    /// `c < s`, `c <= s` of integer symbols with constant or infinite range ends, each leaving
    /// at least two values in the range (intersected in order with the bounds before it);
    /// `folds` then holds each symbol's range after them. An infinite end is `i64::MIN` /
    /// `i64::MAX`, so a bound at an i64 edge (`s <= 9223372036854775807`) is not taken: that
    /// range would read as unbounded where the bound says it is not (Int is the mathematical
    /// integers).
    fn bounds_of_symbols(&self, pred: Expr, folds: &mut SmallVec<[(Symbol, i64, i64); 2]>) -> bool {
        let one = |cx: &Self, p: Expr, folds: &mut SmallVec<[(Symbol, i64, i64); 2]>| -> bool {
            // (symbol, constant, symbol on the left, strict)
            let (s, c, left, strict) = match *cx.node(p) {
                Node::Lt(a, b) | Node::Le(a, b) => {
                    let strict = matches!(cx.node(p), Node::Lt(..));
                    match (cx.as_symbol(a), cx.as_int(b), cx.as_int(a), cx.as_symbol(b)) {
                        (Some(s), Some(c), _, _) => (s, c, true, strict),
                        (_, _, Some(c), Some(s)) => (s, c, false, strict),
                        _ => return false,
                    }
                }
                _ => return false,
            };
            let cur = match folds.iter().position(|f| f.0 == s) {
                Some(i) => (folds[i].1, folds[i].2),
                None => match cx.range_consts(s) {
                    Some(r) => r,
                    None => return false,
                },
            };
            let Some((lo, hi)) = fold_bound(cur, c, left, strict) else {
                return false;
            };
            match folds.iter().position(|f| f.0 == s) {
                Some(i) => folds[i] = (s, lo, hi),
                None => folds.push((s, lo, hi)),
            }
            true
        };
        match self.node(pred) {
            Node::And(args) => {
                let args: SmallVec<[Expr; 4]> = SmallVec::from_slice(args);
                args.iter().all(|&p| one(self, p, folds))
            }
            _ => one(self, pred, folds),
        }
    }

    /// [`Context::add_fact`] of the assumption `text` as [`Context::parse_bool`] reads it: the
    /// same facts, and the same errors. A conjunction of bounds of symbols by integer literals
    /// (`Lt(s77, 16)`, `And(Gt(s78, 1), Ge(s78, 3))`), which compilers send with every
    /// question, is folded into the ranges from the text: the relation's nodes, which the fold
    /// would only read and drop, are never made (a fifth of a `simplify` request with ranges
    /// went to parsing such axioms). Symbols it names are made as the parse makes them, in
    /// the text's order. Anything else, and a bound that would not fold, goes through
    /// `parse_bool` and `add_fact`. Returns whether the assumption was folded into ranges.
    ///
    /// ```
    /// # use sym::{Context, RangeEnd};
    /// let mut cx = Context::new();
    /// let s = cx.symbol("s77").unwrap();
    /// cx.set_range_from(s, 2).unwrap();
    /// assert!(cx.add_fact_text("Lt(s77, 16)").unwrap());
    /// let (_, hi) = cx.range(s);
    /// assert!(matches!(hi, RangeEnd::Expr(e) if cx.as_int(e) == Some(15)));
    /// assert!(cx.assumptions().is_empty());
    /// // Not a bound of a symbol by a constant: assumed.
    /// assert!(!cx.add_fact_text("s77 < t").unwrap());
    /// assert_eq!(cx.assumptions().len(), 1);
    /// ```
    pub fn add_fact_text(&mut self, text: &str) -> Result<bool, Error> {
        if let Some(folds) = self.text_folds(text) {
            // The parse would make the symbols first, in the text's order (which `folds`
            // keeps: a name's first bound comes first).
            let mut syms: SmallVec<[Symbol; 4]> = SmallVec::new();
            for &(name, ..) in &folds {
                syms.push(self.symbol(name)?);
            }
            for (&s, &(_, lo, hi)) in syms.iter().zip(&folds) {
                self.set_folded_range(s, lo, hi)?;
            }
            return Ok(true);
        }
        let e = self.parse_bool(text)?;
        self.add_fact(e)
    }

    /// The ranges `add_fact` would set for the assumption `text`, read from the text when it
    /// is a conjunction of bounds `Op(a, b)` (`Lt`, `Le`, `Gt`, `Ge`; a symbol's name and an
    /// integer literal) whose symbols are integers with constant or infinite range ends (a
    /// name that is no symbol yet: an integer without a range), each leaving two values or
    /// more: `(name, lo, hi)` per symbol, in the order of their first bound. `None` for any
    /// other text and under a node limit (the parse counts nodes).
    fn text_folds<'t>(&self, text: &'t str) -> Option<TextFolds<'t>> {
        if self.limits.input_nodes != usize::MAX || self.limits.caps_context() {
            return None;
        }
        let mut bounds: SmallVec<[(&str, i64, bool, bool); 4]> = SmallVec::new();
        if !assumption_bounds::<true>(self, text, &mut bounds) {
            return None;
        }
        let mut folds: TextFolds<'_> = SmallVec::new();
        for &(name, c, left, strict) in &bounds {
            let cur = match folds.iter().find(|f| f.0 == name) {
                Some(f) => (f.1, f.2),
                None => match self.lookup(name) {
                    Some(s) => self.range_consts(s)?,
                    None => (i64::MIN, i64::MAX),
                },
            };
            let (lo, hi) = fold_bound(cur, c, left, strict)?;
            match folds.iter_mut().find(|f| f.0 == name) {
                Some(f) => *f = (name, lo, hi),
                None => folds.push((name, lo, hi)),
            }
        }
        Some(folds)
    }

    /// Sets a folded range (`add_fact`'s last step): only when it changed (a bound the range
    /// already implies is dropped); `i64::MIN` / `i64::MAX` are infinite ends.
    fn set_folded_range(&mut self, s: Symbol, lo: i64, hi: i64) -> Result<(), Error> {
        if self.range_consts(s) == Some((lo, hi)) {
            return Ok(());
        }
        let end = |cx: &mut Self, v: i64, inf: i64| {
            if v == inf {
                RangeEnd::Infinite
            } else {
                RangeEnd::Expr(cx.int(v))
            }
        };
        let (a, b) = (end(self, lo, i64::MIN), end(self, hi, i64::MAX));
        self.set_range(s, a, b)
    }

    /// Whether stating the facts `ranges` (`(name, lo, hi)`, each set in order as
    /// [`Context::symbol`], [`Context::parse_range_end_of`] and [`Context::set_range`] set it)
    /// and then `assume` (each as [`Context::add_fact_text`] adds it) on this context would
    /// succeed, pass [`Context::check_facts`], and leave every symbol two values or more at
    /// every assignment (none pinned to one value), read from the texts without making
    /// anything. The context must have no symbol and no node limit.
    ///
    /// A plain polynomial's simplification does not depend on facts that pin no symbol
    /// ([`Context::simplified_polynomial_text`]): a caller that knows the facts are plain can
    /// answer it without setting them, which is most of such a request's work.
    ///
    /// `false` (the facts may still be fine) whenever this is not plain from the texts:
    /// - a range's name that is not a symbol name, or given twice; an integer end at an i64
    ///   edge; a constant range with fewer than two values;
    /// - an end's text outside a subset of the parser's grammar: sums, products, powers by a
    ///   literal from 2 to 16 and parentheses of names and integer literals, without literal
    ///   arithmetic that could overflow (`plain_end_iv`); or that names a symbol whose range
    ///   has an end over symbols (so no range refers to another symbolic one, and none is
    ///   cyclic); or that is `oo`, `inf` or another infinite end;
    /// - an assumption that is not a conjunction of bounds of symbols by literals that fold
    ///   into constant ranges of two values or more (`add_fact_text`'s own fold);
    /// - ranges with ends over symbols that are not `lo < hi`, by the intervals of the ends
    ///   over the constant ranges of those symbols (the assumptions folded in; unbounded
    ///   where none) or at one assignment of those symbols shared by all of them (their upper
    ///   ends, or their lower ends): then some assignment satisfies every range, so none is
    ///   empty for every assignment, and none reads as one value.
    ///
    /// ```
    /// # use sym::{Context, EndText};
    /// let cx = Context::new();
    /// let ranges = [
    ///     ("s77", EndText::Int(2), EndText::Unbounded),
    ///     ("p0", EndText::Int(0), EndText::Text("s77 - 1")),
    ///     ("p1", EndText::Int(0), EndText::Text("8 - 1")),
    /// ];
    /// assert!(cx.plain_facts(&ranges, &["And(Gt(s77, 1), Gt(s77, 2))"]));
    /// // p0 would have no value: not plain (setting these facts is an error).
    /// let ranges = [
    ///     ("s77", EndText::Int(1), EndText::Int(2)),
    ///     ("p0", EndText::Int(0), EndText::Text("s77 - 3")),
    /// ];
    /// assert!(!cx.plain_facts(&ranges, &[]));
    /// ```
    pub fn plain_facts(
        &self,
        ranges: &[(&str, EndText<'_>, EndText<'_>)],
        assume: &[&str],
    ) -> bool {
        const MOST_RANGES: usize = 64;
        const MOST_ASSUMPTIONS: usize = 16;
        if !self.syms.is_empty()
            || self.limits.input_nodes != usize::MAX
            || self.limits.caps_context()
            || ranges.len() > MOST_RANGES
            || assume.len() > MOST_ASSUMPTIONS
        {
            return false;
        }
        // The assumptions' bounds first (declining there is cheapest): folded below, in order,
        // as `add_fact_text` folds them text by text.
        let mut bounds: SmallVec<[(&str, i64, bool, bool); 4]> = SmallVec::new();
        for &text in assume {
            // No symbol exists yet (checked above): no name is one of another type, so its
            // lookup is skipped (`LOOKUP = false`).
            if !assumption_bounds::<false>(self, text, &mut bounds) {
                return false;
            }
        }
        // The constant ranges (an infinite end as i64::MIN / i64::MAX, as `range_consts` and
        // `fold_bound` read them), and the ranges with an end over symbols.
        let mut consts: SmallVec<[(&str, i64, i64); 8]> = SmallVec::new();
        let mut symbolic: SmallVec<[(&str, EndText<'_>, EndText<'_>); 8]> = SmallVec::new();
        let edge = |v: i64| v == i64::MIN || v == i64::MAX;
        for &(name, lo, hi) in ranges {
            if !crate::is_symbol_name(name)
                || consts.iter().any(|c| same_name(c.0, name))
                || symbolic.iter().any(|c| same_name(c.0, name))
            {
                return false;
            }
            // An end's constant: `Some(None)` for an end over symbols (a letter in its text),
            // `None` to decline. A text without a letter reads as the constant it is (`8 - 1`).
            let constant = |e: EndText<'_>, inf: i64| -> Option<Option<i64>> {
                match e {
                    EndText::Unbounded => Some(Some(inf)),
                    EndText::Int(v) => (!edge(v)).then_some(Some(v)),
                    EndText::Text(t) if t.bytes().any(|c| c.is_ascii_alphabetic() || c == b'_') => {
                        Some(None)
                    }
                    EndText::Text(t) => {
                        // Literals added and subtracted (`8 - 1`) as `parse_range_end` reads
                        // them (`literal_sum`, which it tries first), else by the reader.
                        let v = match literal_sum(t.as_bytes()) {
                            Some(v) => v,
                            None => plain_end_iv(t, |_| None)?.as_point()?,
                        };
                        (!edge(v)).then_some(Some(v))
                    }
                }
            };
            let (Some(a), Some(b)) = (constant(lo, i64::MIN), constant(hi, i64::MAX)) else {
                return false;
            };
            match (a, b) {
                // Two values or more: neither empty nor pinned.
                (Some(a), Some(b)) if a < b => consts.push((name, a, b)),
                (Some(_), Some(_)) => return false,
                _ => symbolic.push((name, lo, hi)),
            }
        }
        // The assumptions, folded as `add_fact_text` folds them (in order, each bound into
        // the range as it is then); a bound of a symbol with a symbolic range is not folded
        // there (it becomes an assumption), so it declines here.
        for &(name, c, left, strict) in &bounds {
            if symbolic.iter().any(|s| same_name(s.0, name)) {
                return false;
            }
            let i = match consts.iter().position(|r| same_name(r.0, name)) {
                Some(i) => i,
                None => {
                    consts.push((name, i64::MIN, i64::MAX));
                    consts.len() - 1
                }
            };
            let Some((lo, hi)) = fold_bound((consts[i].1, consts[i].2), c, left, strict) else {
                return false;
            };
            consts[i] = (name, lo, hi);
        }
        // Each symbolic range nonempty and of two values or more: `lo < hi` at every assignment
        // by the intervals of its ends over the constant ranges of their symbols (unbounded
        // where there is none), or else at one assignment of those symbols that all the ranges
        // share (a witness: the symbols with constant ranges at their upper ends, or all at
        // their lower ends, an unbounded side 2^20 away from the other end). Then some
        // assignment satisfies every range, so none is empty for every assignment (what
        // `check_facts` refuses), and no range reads as one constant (the only way a range
        // pins its symbol: its ends would be equal at every assignment).
        const AWAY: i64 = 1 << 20;
        let at = |lo: i64, hi: i64, upper: bool| -> i64 {
            match (lo, hi, upper) {
                (_, h, true) if h != i64::MAX => h,
                (l, _, true) if l != i64::MIN => l.saturating_add(AWAY),
                (_, _, true) => AWAY,
                (l, _, false) if l != i64::MIN => l,
                (_, h, false) if h != i64::MAX => h.saturating_sub(AWAY),
                (_, _, false) => 0,
            }
        };
        let range_at = |n: &str, witness: Option<bool>| -> Option<Span> {
            if symbolic.iter().any(|s| same_name(s.0, n)) {
                return None;
            }
            let (lo, hi) = consts
                .iter()
                .find(|r| same_name(r.0, n))
                .map_or((i64::MIN, i64::MAX), |r| (r.1, r.2));
            Some(match witness {
                Some(upper) => Span::point(at(lo, hi, upper)),
                // Infinite ends as i64::MIN / i64::MAX: the span's missing bounds.
                None => Span { lo, hi },
            })
        };
        let end_at = |e: EndText<'_>, witness: Option<bool>| -> Option<Option<Span>> {
            match e {
                EndText::Unbounded => Some(None),
                EndText::Int(v) => Some(Some(Span::point(v))),
                EndText::Text(t) => {
                    // An infinite end (`oo`; after blanks, none starts with a digit, `(` or
                    // another letter than `o` and `i`).
                    let plain = |c: &u8| {
                        c.is_ascii_digit()
                            || *c == b'('
                            || (c.is_ascii_alphabetic() && !matches!(c, b'o' | b'i'))
                    };
                    if !t.as_bytes().first().is_some_and(plain) && INFINITE_ENDS.contains(&t.trim())
                    {
                        return None;
                    }
                    plain_end_iv(t, |n| range_at(n, witness)).map(Some)
                }
            }
        };
        let holds = |witness: Option<bool>| {
            symbolic.iter().all(
                |&(_, lo, hi)| match (end_at(lo, witness), end_at(hi, witness)) {
                    (Some(Some(a)), Some(Some(b))) => a.hi < b.lo,
                    (Some(_), Some(_)) => true,
                    _ => false,
                },
            )
        };
        holds(None) || holds(Some(true)) || holds(Some(false))
    }

    /// The assumptions, in the order they were added.
    pub fn assumptions(&self) -> &[Expr] {
        &self.facts.assumptions
    }

    /// Whether the range of some symbol in `e` (transitively) mentions `s`.
    fn depends_on(&self, e: Expr, s: Symbol) -> bool {
        let mut seen = rustc_hash::FxHashSet::default();
        let mut stack: Vec<Symbol> = self.free_symbols(e);
        while let Some(v) = stack.pop() {
            if v == s {
                return true;
            }
            if !seen.insert(v) {
                continue;
            }
            if let Some((lo, hi)) = self.facts.ranges.get(&v) {
                for end in [lo, hi] {
                    if let RangeEnd::Expr(x) = end {
                        stack.extend(self.free_symbols(*x));
                    }
                }
            }
        }
        false
    }

    /// Whether every symbolic range `[a, b]` has `max(a) <= min(b)` by the intervals of its ends
    /// over symbols with constant (or infinite) range ends ([`Context::quick_iv`], the interval
    /// arithmetic of `bound`'s quick path). Without assumptions that settles [`Context::check_facts`]: choosing
    /// values symbol by symbol, ends before the symbols whose ranges mention them (ranges are
    /// acyclic), each symbolic range is `[a, b]` with `a <= max(a) <= min(b) <= b` at the values
    /// chosen (they lie in those intervals), so some assignment satisfies every range, and at
    /// it `b - a >= 0` for each: the full check, whose intervals contain that assignment's
    /// values, cannot prove `b - a < 0` for any. `false` when an end mentions a symbol with a
    /// symbolic range end, or an operation that arithmetic does not cover (the full check then
    /// decides).
    ///
    /// Only the symbols of `Facts::symbolic` are asked: every range with an end over symbols
    /// is one of theirs, and the others answer `true` below (constant or infinite ends).
    fn symbolic_ranges_plainly_nonempty(&self) -> bool {
        self.facts.symbolic.iter().all(|s| {
            let Some(&(lo, hi)) = self.facts.ranges.get(s) else {
                return true; // No range now (a solver's scratch symbol's, removed).
            };
            let s = *s;
            let (RangeEnd::Expr(a), RangeEnd::Expr(b)) = (lo, hi) else {
                return true; // An infinite end: never empty (and not checked).
            };
            let lo_int = self.as_int(a);
            if self.sym_ty(s) != Ty::Int || (lo_int.is_some() && self.as_int(b).is_some()) {
                return true; // Not a symbolic integer range: set_range checked it.
            }
            // The usual range, `[0, s27*s77 - 1]`: a constant below the least value of the
            // upper end, read at its lowest corner (`lowest_corner`), settles it without the
            // intervals (the argument above holds with any lower bound of the upper end).
            if let (Some(x), Some(y)) = (lo_int, self.lowest_corner(b))
                && x <= y
            {
                return true;
            }
            match (self.quick_iv(a, 0), self.quick_iv(b, 0)) {
                (Some(ia), Some(ib)) => ia.lo <= ia.hi && ib.lo <= ib.hi && ia.hi <= ib.lo,
                _ => false,
            }
        })
    }

    /// The least value of `e` when it is a sum, with positive coefficients, of symbols,
    /// powers of symbols and products of them, each symbol an integer whose range has a
    /// constant lower end of at least 0 and a constant or infinite upper end (the symbols
    /// [`Context::quick_iv`] reads): the value at the corner where every symbol is at its
    /// lower end, since such a sum only grows with each symbol. `None` for any other `e`, or
    /// when the value leaves i64 (then the intervals decide; 64-bit arithmetic, where 128-bit
    /// checked products are calls).
    fn lowest_corner(&self, e: Expr) -> Option<i64> {
        match self.node(e) {
            // The commonest upper end, one symbol's multiple plus a constant (`s77 - 1`,
            // `3*s77 - 1`): `k*low(s) + c`, what the general arm below computes for it, with
            // no walk over the terms.
            Node::Add(ts, c) if ts.len() == 1 => {
                let (t, k) = ts[0];
                if k <= 0 {
                    return None;
                }
                let v = match self.node(t) {
                    Node::Sym(s) => self.corner_low(*s)?,
                    _ => self.corner_term(t)?,
                };
                c.checked_add(v.checked_mul(k)?)
            }
            Node::Add(..) => self.sum_lowest_corner(e),
            _ => self.corner_term(e),
        }
    }

    /// [`Context::lowest_corner`] of a sum, term by term (`None` for any other node).
    fn sum_lowest_corner(&self, e: Expr) -> Option<i64> {
        let Node::Add(ts, c) = self.node(e) else {
            return None;
        };
        ts.iter().try_fold(*c, |acc, &(t, k)| {
            if k <= 0 {
                return None;
            }
            acc.checked_add(self.corner_term(t)?.checked_mul(k)?)
        })
    }

    /// [`Context::lowest_corner`] of one term of a sum: a product of factors, or one factor.
    fn corner_term(&self, t: Expr) -> Option<i64> {
        match self.node(t) {
            Node::Mul(fs) => fs
                .iter()
                .try_fold(1i64, |acc, f| acc.checked_mul(self.corner_factor(*f)?)),
            _ => self.corner_factor(t),
        }
    }

    /// [`Context::lowest_corner`] of one factor: a symbol or a power of one.
    fn corner_factor(&self, f: Expr) -> Option<i64> {
        match self.node(f) {
            Node::Sym(s) => self.corner_low(*s),
            Node::Pow(b, k) => match self.node(*b) {
                Node::Sym(s) => self.corner_low(*s)?.checked_pow(*k),
                _ => None,
            },
            _ => None,
        }
    }

    /// The lower end of `s`'s range as [`Context::lowest_corner`] reads it: an integer symbol
    /// whose range has a constant lower end of at least 0 and a constant or infinite upper end.
    #[inline]
    fn corner_low(&self, s: Symbol) -> Option<i64> {
        if self.sym_ty(s) != Ty::Int {
            return None;
        }
        let Some(&(RangeEnd::Expr(lo), hi)) = self.facts.ranges.get(&s) else {
            return None;
        };
        if let RangeEnd::Expr(h) = hi
            && self.as_int(h).is_none()
        {
            return None;
        }
        self.as_int(lo).filter(|&v| v >= 0)
    }

    /// Checks that no declared range is empty for every assignment (docs/language.md §4): for each
    /// symbol, `hi - lo < 0` must not be provable. Call after all facts are set.
    pub fn check_facts(&mut self) -> Result<(), Error> {
        // Nothing to check without assumptions and symbolic range ends (`symbolic_ends`
        // counts every end over other symbols, so zero means the list below would be empty):
        // answered before collecting the ranged symbols.
        if self.facts.assumptions.is_empty() && self.facts.symbolic_ends == 0 {
            return Ok(());
        }
        // The common case (`q0` in `[0, s77 - 1]`, `s77 >= 2`), without a session.
        if self.facts.assumptions.is_empty() && self.symbolic_ranges_plainly_nonempty() {
            return Ok(());
        }
        self.check_facts_with_a_session()
    }

    /// [`Context::check_facts`] past its shortcuts.
    fn check_facts_with_a_session(&mut self) -> Result<(), Error> {
        let mut syms: Vec<Symbol> = self.facts.ranges.keys().copied().collect();
        // In name order (not creation order): the range reported empty first does not depend
        // on the context's history.
        syms.sort_by(|a, b| self.sym_cmp(*a, *b));
        // The symbolic ranges (constant ends were checked by set_range).
        let symbolic: Vec<(Symbol, Expr, Expr)> = syms
            .iter()
            .filter_map(|&s| match self.range(s) {
                (RangeEnd::Expr(a), RangeEnd::Expr(b))
                    if self.sym_ty(s) == Ty::Int
                        && (self.as_int(a).is_none() || self.as_int(b).is_none()) =>
                {
                    Some((s, a, b))
                }
                _ => None,
            })
            .collect();
        if self.facts.assumptions.is_empty() && symbolic.is_empty() {
            return Ok(());
        }
        // One session for both checks (the intervals of shared symbols are computed once).
        let mut ses = crate::simplify::Session::new(self);
        // Ranges and assumptions together: a symbol whose derived interval is empty has no
        // value at all (`x` in [0, 10] with `x >= 20`), so every answer would be vacuous.
        // Only the symbols the assumptions mention can be emptied so: another symbol's
        // interval is its range, with constant ends (non-empty, set_range checked), an
        // infinite end (never empty), or symbolic ends `[a, b]`, empty only where
        // `hi(b) < lo(a)`, which the check of the symbolic ranges below finds (the interval
        // of `b - a` is at most `hi(b) - lo(a)`) and reports as that range being empty.
        let mut contradictory = None;
        if !ses.cx.facts.assumptions.is_empty() {
            let mut all: Vec<Symbol> = Vec::new();
            for &a in &ses.cx.facts.assumptions {
                ses.cx.for_each_symbol(a, |s| all.push(s));
            }
            // In name order (not creation order), so that the symbol reported does not
            // depend on the context's history.
            all.sort_by(|a, b| ses.cx.sym_cmp(*a, *b));
            all.dedup();
            for v in all {
                if ses.cx.sym_ty(v) != Ty::Int {
                    continue;
                }
                let iv = ses.sym_iv(v);
                if iv.lo > iv.hi {
                    contradictory = Some((v, iv));
                    break;
                }
            }
        }
        // A symbolic range is empty for every assignment when `hi - lo < 0` is provable. The
        // ends' own intervals decide the common case (`0 <= s77 - 1`: lo's highest value at
        // most hi's lowest, so `hi - lo >= 0` wherever the facts hold) without building the
        // difference; not where the assumptions could relate the ends (the difference's
        // interval may then show that no assignment exists at all).
        let assumed = !ses.cx.facts.assumptions.is_empty();
        let mut empty = None;
        if contradictory.is_none() {
            for &(s, a, b) in &symbolic {
                if !assumed {
                    let (ia, ib) = (ses.iv(a), ses.iv(b));
                    if ia.lo <= ia.hi && ib.lo <= ib.hi && ia.hi <= ib.lo {
                        continue;
                    }
                }
                let Some(d) = ses.cx.sub(b, a) else { continue };
                if ses.iv(d).hi < 0 {
                    empty = Some((s, a, b));
                    break;
                }
            }
        }
        drop(ses);
        if let Some((v, iv)) = contradictory {
            let facts: Vec<String> = self
                .facts
                .assumptions
                .iter()
                .map(|a| self.display(*a))
                .collect();
            let (lo, hi) = self.range(v);
            let end = |cx: &Self, e: RangeEnd, inf: &str| match e {
                RangeEnd::Infinite => inf.to_string(),
                RangeEnd::Expr(x) => cx.display(x),
            };
            return Err(Error::Range(format!(
                "the facts are contradictory: '{}' in [{}, {}] with the assumptions {} leaves no value (they require {} <= {} <= {})",
                self.sym_name(v),
                end(self, lo, "-oo"),
                end(self, hi, "oo"),
                facts.join(", "),
                crate::interval::ext_text(iv.lo),
                self.sym_name(v),
                crate::interval::ext_text(iv.hi)
            )));
        }
        if let Some((s, a, b)) = empty {
            return Err(Error::Range(format!(
                "range of '{}' is empty for every assignment: [{}, {}]",
                self.sym_name(s),
                self.display(a),
                self.display(b)
            )));
        }
        Ok(())
    }
}

/// `a == b` for symbol names, byte by byte (short names: no call of `memcmp`).
#[inline]
fn same_name(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

/// An interval of [`plain_end_iv`]'s reading with 64-bit ends: `lo == i64::MIN` is no lower
/// bound and `hi == i64::MAX` no upper bound; any other end bounds every value of the
/// interval (Int is the mathematical integers: a lower end past `i64::MAX` is kept as
/// `i64::MAX`, an upper end below `i64::MIN` as `i64::MIN`, both still bounds; the other side
/// of an overflow is no bound). Sound, as tight as [`Iv`] except at the i64 edges (an end
/// there reads as infinite); the reader's arithmetic on every name and literal of an end, in
/// place of `Iv`'s 128-bit ends and its calls.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
struct Span {
    lo: i64,
    hi: i64,
}

impl Span {
    /// `[v, v]`.
    #[inline]
    fn point(v: i64) -> Span {
        Span { lo: v, hi: v }
    }

    /// The value of a point (`None` for a wider interval or an end at an i64 edge).
    #[inline]
    fn as_point(self) -> Option<i64> {
        (self.lo == self.hi && self.lo != i64::MIN && self.lo != i64::MAX).then_some(self.lo)
    }

    /// `[a.lo + b.lo, a.hi + b.hi]`: no bound where a side has none; a sum past i64 is
    /// `i64::MAX` above (a lower end there still bounds, an upper end there is none) and
    /// `i64::MIN` below (no lower bound; an upper end there still bounds).
    #[inline]
    fn add(self, o: Span) -> Span {
        let past = |b: i64| if b > 0 { i64::MAX } else { i64::MIN };
        Span {
            lo: if self.lo == i64::MIN || o.lo == i64::MIN {
                i64::MIN
            } else {
                self.lo.checked_add(o.lo).unwrap_or_else(|| past(o.lo))
            },
            hi: if self.hi == i64::MAX || o.hi == i64::MAX {
                i64::MAX
            } else {
                self.hi.checked_add(o.hi).unwrap_or_else(|| past(o.hi))
            },
        }
    }

    /// `[-hi, -lo]`: `-x <= -y` when `y <= x`. No bound stays none; the upper end
    /// `i64::MIN` (values at most that) becomes the lower end `i64::MAX` (their negations are
    /// at least 2^63); `-lo` for a bounding `lo > i64::MIN` fits.
    #[inline]
    fn neg(self) -> Span {
        Span {
            lo: if self.hi == i64::MAX {
                i64::MIN
            } else {
                self.hi.checked_neg().unwrap_or(i64::MAX)
            },
            hi: if self.lo == i64::MIN {
                i64::MAX
            } else {
                -self.lo
            },
        }
    }

    /// The products' interval. Both lower ends `>= 0` (sizes, indices): `[lo*lo', hi*hi']`,
    /// as `x*y` grows in each factor there (`0` where an upper end is `0`: that factor is
    /// zero; a product past i64 as above). Otherwise the smallest and largest of the four
    /// corner products, with [`Iv`]'s ends (a missing bound as an infinity, `0 * oo = 0`).
    #[inline]
    fn mul(self, o: Span) -> Span {
        if self.lo >= 0 && o.lo >= 0 {
            let hi = if self.hi == 0 || o.hi == 0 {
                0
            } else if self.hi == i64::MAX || o.hi == i64::MAX {
                i64::MAX
            } else {
                self.hi.checked_mul(o.hi).unwrap_or(i64::MAX)
            };
            return Span {
                lo: self.lo.checked_mul(o.lo).unwrap_or(i64::MAX),
                hi,
            };
        }
        Span::of_iv(self.iv().mul(&o.iv()))
    }

    /// `floor(x / k)` for a literal `k >= 1`: monotone in `x`, so the ends' quotients (a
    /// missing bound stays missing; `div_euclid` is the floor for `k > 0`).
    #[inline]
    fn floordiv(self, k: i64) -> Span {
        debug_assert!(k >= 1);
        Span {
            lo: if self.lo == i64::MIN {
                i64::MIN
            } else {
                self.lo.div_euclid(k)
            },
            hi: if self.hi == i64::MAX {
                i64::MAX
            } else {
                self.hi.div_euclid(k)
            },
        }
    }

    /// `x ** k` (`k` from 2 to 16), by [`Iv::pow`].
    fn pow(self, k: u32) -> Span {
        Span::of_iv(self.iv().pow(k))
    }

    /// The same interval as an [`Iv`] (no bound as an infinity).
    fn iv(self) -> Iv {
        Iv {
            lo: if self.lo == i64::MIN {
                NEG_INF
            } else {
                i128::from(self.lo)
            },
            hi: if self.hi == i64::MAX {
                POS_INF
            } else {
                i128::from(self.hi)
            },
        }
    }

    /// An [`Iv`] as a span: an end at or past an i64 edge as that edge (no bound, or the
    /// bound kept at the edge as in [`Span::add`]).
    fn of_iv(iv: Iv) -> Span {
        let clamp = |v: i128| v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
        Span {
            lo: clamp(iv.lo),
            hi: clamp(iv.hi),
        }
    }
}

/// The texts [`Context::parse_range_end`] reads as an infinite end.
const INFINITE_ENDS: [&str; 7] = ["", "oo", "-oo", "int_oo", "-int_oo", "inf", "-inf"];

/// The interval of a range end's text over the symbols' intervals `range_of` (`None` for a
/// name that may not appear). The grammar, a subset of the parser's: `sum := [-] term (± term)*`,
/// `term := factor ((* | //) factor)*` (`//` by a literal above 0), `factor := atom [** k]` (`k` from 2 to 16), `atom := name |
/// literal | (sum)`; names not reserved, literals without a leading zero, parentheses nested 8
/// deep at most, blanks only as spaces. `None` for any other text, and where the parser's
/// literal arithmetic could overflow: the text's weight (a literal's magnitude, at least 1; a
/// name's 1; the sum of a sum's, the product of a product's, a power of a power's), which
/// bounds every coefficient and constant of every partial result the parser builds, must stay
/// below 2^62.
fn plain_end_iv(text: &str, range_of: impl Fn(&str) -> Option<Span>) -> Option<Span> {
    let b = text.as_bytes();
    if !b.is_ascii() {
        return None;
    }
    if let Some(iv) = plain_end_common(text, &range_of) {
        return iv;
    }
    read_end(text, range_of)
}

/// The value of a range end's text (`"s77 - 1"`, `"3*s0*s1 - 1"`, `"(s27 + 6)//7"`) where
/// each name `n` is worth `value_of(n)`: what setting the range and evaluating its end there
/// gives. `None` for a text outside the grammar of the facts' plain reader (sums, products,
/// `//` by a literal, powers by a literal, parentheses; see `plain_end_iv`), a name without a
/// value, and a value the reader cannot pin (its interval arithmetic holds the value; a point
/// away from the i64 edges is the value itself, anything else declines).
///
/// ```
/// let v = sym::range_end_value("2*s77 - 1", |n| (n == "s77").then_some(5));
/// assert_eq!(v, Some(9));
/// assert_eq!(sym::range_end_value("s77 - t", |n| (n == "s77").then_some(5)), None);
/// assert_eq!(sym::range_end_value("oo", |_| None), None);
/// ```
pub fn range_end_value(text: &str, value_of: impl Fn(&str) -> Option<i64>) -> Option<i64> {
    plain_end_iv(text, |n| value_of(n).map(Span::point))?.as_point()
}

/// [`plain_end_iv`] by the general reader alone ([`EndReader`]).
fn read_end(text: &str, range_of: impl Fn(&str) -> Option<Span>) -> Option<Span> {
    let b = text.as_bytes();
    let mut r = EndReader {
        b,
        text,
        i: 0,
        depth: 0,
        range_of,
    };
    let (iv, weight) = r.sum()?;
    r.spaces();
    (r.i == b.len() && weight < 1 << 62).then_some(iv)
}

/// The exponent `k` of a power `x**k` in a range end, read at `i` (after the `**` and any
/// blanks), and where it ends: one or two digits without a leading zero, `k` from 2 to 16, not
/// followed by `.` or a letter (`2.5`, `2x` are not exponents); `None` otherwise. Both readers
/// of range ends ([`plain_end_common`] and the reader's `factor`) take their exponents here.
#[inline(always)]
fn power_exponent(b: &[u8], i: usize) -> Option<(u32, usize)> {
    let end = run_end(b, i, DIGIT);
    let k = match &b[i..end] {
        [d @ b'1'..=b'9'] => u32::from(d - b'0'),
        [d @ b'1'..=b'9', e] => u32::from(d - b'0') * 10 + u32::from(e - b'0'),
        _ => return None,
    };
    if !(2..=16).contains(&k) || b.get(end).is_some_and(|&n| n == b'.' || class(n) == LETTER) {
        return None;
    }
    Some((k, end))
}

/// [`plain_end_iv`] of the common ends, `t ± c ± ...` with `t` names (or their powers by a
/// literal from 2 to 16) and at most one literal joined by `*` and each `c` a literal,
/// literals of at most nine digits (`s77 - 1`, `s48 + 3 - 1`, `2*s17 - 1`, `s27*s77 - 1`,
/// `s77**2 - 1`), at most eight constants, single spaces around
/// the signs: `Some(answer)`, read without the general reader
/// (the same value: a product of names, then the constants added in order, none of which can
/// overflow); `None` for any other text, which the reader reads.
fn plain_end_common(text: &str, range_of: &impl Fn(&str) -> Option<Span>) -> Option<Option<Span>> {
    let b = text.as_bytes();
    let mut i = 0;
    let mut t: Option<Span> = None;
    let mut literal = false;
    loop {
        let c = *b.get(i)?;
        let (iv, end) = if class(c) == DIGIT && !literal {
            literal = true;
            let end = literal_end(b, i)?;
            (Span::point(decimal_below_1e9(&b[i..end])), end)
        } else if class(c) == LETTER {
            let end = run_end(b, i + 1, DIGIT | LETTER);
            // A name: ASCII (checked by the caller), so the slice is on character boundaries
            // (`get` checks them without the UTF-8 validation of the bytes).
            let name = text.get(i..end)?;
            if is_reserved(name) {
                return None;
            }
            let Some(iv) = range_of(name) else {
                return Some(None);
            };
            // A power of the name by a literal from 2 to 16 (`s77**2`), its exponent read as
            // the reader's `factor` reads it: the name's interval to that power, of weight 1.
            if b.get(end) == Some(&b'*') && b.get(end + 1) == Some(&b'*') {
                let (k, k_end) = power_exponent(b, end + 2)?;
                (iv.pow(k), k_end)
            } else {
                (iv, end)
            }
        } else {
            return None;
        };
        t = Some(match t {
            None => iv,
            Some(t) => t.mul(iv),
        });
        i = end;
        match (b.get(i), b.get(i + 1)) {
            (Some(b'*'), Some(&n)) if n != b'*' => i += 1,
            _ => break,
        }
    }
    let total = t?;
    let mut c = 0i64;
    for _ in 0..8 {
        let sign = match (b.get(i), b.get(i + 1), b.get(i + 2)) {
            (None, ..) => {
                return Some(Some(if c == 0 {
                    total
                } else {
                    total.add(Span::point(c))
                }));
            }
            (Some(b' '), Some(b'+'), Some(b' ')) => 1,
            (Some(b' '), Some(b'-'), Some(b' ')) => -1,
            _ => return None,
        };
        i += 3;
        let end = literal_end(b, i)?;
        // At most eight constants below 10^9: no overflow.
        c += sign * decimal_below_1e9(&b[i..end]);
        i = end;
    }
    None
}

/// The end of the literal at `i` of [`plain_end_common`]: one to nine digits, no leading zero,
/// not followed by `.` or a letter (a float or an error, the reader's).
fn literal_end(b: &[u8], i: usize) -> Option<usize> {
    let end = run_end(b, i, DIGIT);
    let ok = end > i
        && end - i <= 9
        && (end - i == 1 || b[i] != b'0')
        && !b.get(end).is_some_and(|&n| n == b'.' || class(n) == LETTER);
    ok.then_some(end)
}

/// The value of `b` when it is integer literals joined by `+` and `-` (`7 - 1`, `12`,
/// `4 + 2 - 1`), blanks around the signs allowed: each literal below 10^9 without a leading
/// zero, at most [`LITERAL_SUM_TERMS`] of them (so the sum cannot overflow). `None` for any
/// other text (a unary minus, a product, a name, a larger literal): the parsers read it.
fn literal_sum(b: &[u8]) -> Option<i64> {
    let (mut i, mut sum, mut terms) = (0, 0i64, 0);
    let mut negative = false;
    loop {
        // One literal: its digits (at most 9, no leading zero), not followed by a name's
        // byte or a point (`1e5`, `1.5`).
        let start = i;
        let mut v = 0i64;
        while let Some(&d) = b.get(i)
            && d.is_ascii_digit()
        {
            v = v * 10 + i64::from(d - b'0');
            i += 1;
            if i - start > 9 {
                return None;
            }
        }
        if i == start || (i - start > 1 && b[start] == b'0') {
            return None;
        }
        terms += 1;
        if terms > LITERAL_SUM_TERMS {
            return None;
        }
        sum += if negative { -v } else { v };
        // Blanks, then a sign or the end.
        while b.get(i).is_some_and(|&c| class(c) == WS) {
            i += 1;
        }
        negative = match b.get(i) {
            None => return Some(sum),
            Some(b'+') => false,
            Some(b'-') => true,
            Some(_) => return None,
        };
        i += 1;
        while b.get(i).is_some_and(|&c| class(c) == WS) {
            i += 1;
        }
    }
}

/// The most literals [`literal_sum`] adds (each below 10^9: the sum stays far inside i64).
const LITERAL_SUM_TERMS: usize = 64;

/// The value of at most nine decimal digits.
fn decimal_below_1e9(digits: &[u8]) -> i64 {
    digits
        .iter()
        .fold(0i64, |v, &d| v * 10 + i64::from(d - b'0'))
}

/// [`plain_end_iv`]'s place in its text.
struct EndReader<'t, F> {
    b: &'t [u8],
    text: &'t str,
    i: usize,
    depth: u32,
    range_of: F,
}

impl<F: Fn(&str) -> Option<Span>> EndReader<'_, F> {
    const MOST_DEPTH: u32 = 8;
    const MOST_TERMS: usize = 64;

    #[inline(always)]
    fn spaces(&mut self) {
        while self.b.get(self.i) == Some(&b' ') {
            self.i += 1;
        }
    }

    /// `term (± term)*` and its weight; the first term may start with a unary `-`.
    fn sum(&mut self) -> Option<(Span, u64)> {
        self.spaces();
        // The first term as it is (no `0 +`), then the others added.
        let (mut total, mut weight) = self.term(true)?;
        let mut neg = false;
        for k in 0..Self::MOST_TERMS {
            if k > 0 {
                let (t, w) = self.term(false)?;
                weight = weight.saturating_add(w);
                // Interval arithmetic: exact on points that fit in i64 (literals, a witness's
                // values), wider (never wrapped) beyond.
                total = total.add(if neg { t.neg() } else { t });
            }
            self.spaces();
            match self.b.get(self.i) {
                Some(b'+') => neg = false,
                Some(b'-') => neg = true,
                _ => return Some((total, weight)),
            }
            self.i += 1;
        }
        None
    }

    /// `[-] factor ((* | //) factor)*` and its weight (`unary`: a leading `-` is allowed, and
    /// negates the first factor only, as the parser's unary minus binds tighter than `*` and
    /// `//`: `-q//2` is `(-q)//2`); a `//` divides by a literal above 0 (which leaves the
    /// weight a bound).
    #[inline(always)]
    fn term(&mut self, unary: bool) -> Option<(Span, u64)> {
        self.spaces();
        let minus = unary && self.b.get(self.i) == Some(&b'-');
        if minus {
            self.i += 1;
        }
        let (mut t, mut w) = self.factor()?;
        if minus {
            t = t.neg();
        }
        loop {
            self.spaces();
            if self.b.get(self.i) == Some(&b'/') && self.b.get(self.i + 1) == Some(&b'/') {
                self.i += 2;
                self.spaces();
                if self.b.get(self.i).is_none_or(|&c| class(c) != DIGIT) {
                    return None;
                }
                let k = self.atom()?.0.as_point().filter(|&k| k > 0)?;
                t = t.floordiv(k);
                continue;
            }
            if self.b.get(self.i) != Some(&b'*') || self.b.get(self.i + 1) == Some(&b'*') {
                return Some((t, w));
            }
            self.i += 1;
            let (f, fw) = self.factor()?;
            t = t.mul(f);
            w = w.saturating_mul(fw);
        }
    }

    /// `atom [** k]` and its weight.
    #[inline(always)]
    fn factor(&mut self) -> Option<(Span, u64)> {
        let (a, w) = self.atom()?;
        self.spaces();
        if self.b.get(self.i) != Some(&b'*') || self.b.get(self.i + 1) != Some(&b'*') {
            return Some((a, w));
        }
        self.i += 2;
        self.spaces();
        let (k, end) = power_exponent(self.b, self.i)?;
        self.i = end;
        Some((a.pow(k), w.saturating_pow(k)))
    }

    /// A name, a literal or `(sum)`, and its weight.
    #[inline(always)]
    fn atom(&mut self) -> Option<(Span, u64)> {
        self.spaces();
        let (b, i) = (self.b, self.i);
        let c = *b.get(i)?;
        if class(c) == DIGIT {
            let end = run_end(b, i, DIGIT);
            if (end - i > 1 && c == b'0')
                || b.get(end).is_some_and(|&n| n == b'.' || class(n) == LETTER)
            {
                return None;
            }
            let v = b[i..end].iter().try_fold(0i64, |v, &d| {
                v.checked_mul(10)?.checked_add(i64::from(d - b'0'))
            })?;
            self.i = end;
            return Some((Span::point(v), v.unsigned_abs().max(1)));
        }
        if class(c) == LETTER {
            let end = run_end(b, i + 1, DIGIT | LETTER);
            let name = &self.text[i..end];
            if is_reserved(name) {
                return None;
            }
            self.i = end;
            // A call (`Max(s0, 1)`) is the parser's.
            self.spaces();
            if self.b.get(self.i) == Some(&b'(') {
                return None;
            }
            return Some(((self.range_of)(name)?, 1));
        }
        if c != b'(' || self.depth == Self::MOST_DEPTH {
            return None;
        }
        self.i += 1;
        self.depth += 1;
        let inner = self.sum()?;
        self.spaces();
        if self.b.get(self.i) != Some(&b')') {
            return None;
        }
        self.i += 1;
        self.depth -= 1;
        Some(inner)
    }
}

/// The ranges an assumption's text folds into: `(name, lo, hi)` per symbol.
type TextFolds<'t> = SmallVec<[(&'t str, i64, i64); 2]>;

/// A range `cur` (`i64::MIN` / `i64::MAX` for infinite ends) after the bound `s < c`
/// (`left`, `strict`), `s <= c`, `c < s` or `c <= s`; `None` when the bound sits at an i64 edge
/// (a range there would read as unbounded where the bound says it is not: Int is the
/// mathematical integers) or leaves fewer than two values (an empty range is reported by the
/// assumption's own check, and one value would pin the symbol, which an assumption does not).
fn fold_bound(cur: (i64, i64), c: i64, left: bool, strict: bool) -> Option<(i64, i64)> {
    let (mut lo, mut hi) = cur;
    let edge = |b: &i64| *b != i64::MIN && *b != i64::MAX;
    if left {
        // `s < c` is `s <= c - 1` over the integers; `s <= c` as is.
        let b = if strict { c.checked_sub(1) } else { Some(c) };
        hi = hi.min(b.filter(edge)?);
    } else {
        // `c < s` is `c + 1 <= s`; `c <= s` as is.
        let b = if strict { c.checked_add(1) } else { Some(c) };
        lo = lo.max(b.filter(edge)?);
    }
    (lo < hi).then_some((lo, hi))
}

/// The bounds of an assumption `Op(a, b)` (`Op` one of `Lt`, `Le`, `Gt`, `Ge`; one of `a`, `b`
/// a symbol's name and the other an integer literal with an optional `-`) or `And(...)` of
/// such, each as (name, literal, name on the left of a `<`/`<=`, strict); `false` for any
/// other text (blanks are ASCII blanks around the parts). Read byte by byte: this runs on
/// every assumption of every request. `LOOKUP` as for [`bound_operand`].
fn assumption_bounds<'a, const LOOKUP: bool>(
    cx: &Context,
    text: &'a str,
    out: &mut SmallVec<[(&'a str, i64, bool, bool); 4]>,
) -> bool {
    let b = text.as_bytes();
    let ws = |mut i: usize| {
        // `class` is `WS` exactly for `u8::is_ascii_whitespace` (one table load for its
        // five comparisons).
        while b.get(i).is_some_and(|&c| class(c) == WS) {
            i += 1;
        }
        i
    };
    let mut i = ws(0);
    let and = b[i..].starts_with(b"And(");
    if and {
        i += 4;
    }
    loop {
        i = ws(i);
        // Byte patterns: compared byte by byte, where byte strings are slices compared.
        let (lt, strict) = match b.get(i..i + 3) {
            Some([b'L', b't', b'(']) => (true, true),
            Some([b'L', b'e', b'(']) => (true, false),
            Some([b'G', b't', b'(']) => (false, true),
            Some([b'G', b'e', b'(']) => (false, false),
            _ => return false,
        };
        let Some((x, j)) = bound_operand::<LOOKUP>(cx, text, ws(i + 3)) else {
            return false;
        };
        i = ws(j);
        if b.get(i) != Some(&b',') {
            return false;
        }
        let Some((y, j)) = bound_operand::<LOOKUP>(cx, text, ws(i + 1)) else {
            return false;
        };
        i = ws(j);
        if b.get(i) != Some(&b')') {
            return false;
        }
        i += 1;
        // `a < b` with the name on the left is an upper bound of it; `Gt(a, b)` is `b < a`.
        out.push(match (x, y) {
            (PolyAtom::Sym(n, ..), PolyAtom::Int(c)) => (n, c, lt, strict),
            (PolyAtom::Int(c), PolyAtom::Sym(n, ..)) => (n, c, !lt, strict),
            _ => return false,
        });
        i = ws(i);
        if !and {
            return i == b.len();
        }
        match b.get(i) {
            Some(b',') => i += 1,
            Some(b')') => return ws(i + 1) == b.len(),
            _ => return false,
        }
    }
}

/// The operand of a bound at byte `i` of `text` (no blank first) and the byte after it: the
/// parser's polynomial operand (an integer literal that fits in i64, or a name that is not
/// reserved nor a symbol of another type), a literal with an optional `-` before it.
/// `LOOKUP = false` skips the name's lookup (its `PolyAtom::Sym` carries no hash and no
/// symbol): only for a context with no symbol, where the lookup finds none.
#[inline(always)]
fn bound_operand<'s, const LOOKUP: bool>(
    cx: &Context,
    text: &'s str,
    i: usize,
) -> Option<(PolyAtom<'s>, usize)> {
    if text.as_bytes().get(i) == Some(&b'-') {
        // `-c`: the literal's negation (`-9223372036854775808` declines: its literal does not
        // fit, as for the parser, which reads `-` and the literal apart).
        return match cx.poly_operand::<LOOKUP>(text, i + 1)? {
            (PolyAtom::Int(v), j) => Some((PolyAtom::Int(-v), j)),
            _ => None,
        };
    }
    cx.poly_operand::<LOOKUP>(text, i)
}

/// Whether a symbolic range end of type `ty` may bound a symbol of type `want`: never a
/// boolean, and an integer symbol's ends are integers (a real symbol's may be either).
#[inline]
fn end_type_fits(want: Ty, ty: Ty) -> bool {
    ty != Ty::Bool && (want != Ty::Int || ty == Ty::Int)
}

#[cfg(test)]
mod tests {
    use super::Facts;
    use crate::Context;
    use crate::error::Error;
    use crate::expr::{Expr, Node, Symbol};

    /// `assumption_bounds` skips blanks by the tokenizer's class `WS`, which must be
    /// `u8::is_ascii_whitespace` (what it read before) on every byte.
    #[test]
    fn assumption_blanks_are_ascii_whitespace() {
        use crate::parse::{WS, class};
        for c in 0..=u8::MAX {
            assert_eq!(class(c) == WS, c.is_ascii_whitespace(), "{c}");
        }
        // Blanks of every kind around the parts read as spaces do.
        let cx = Context::new();
        let mut plain = smallvec::SmallVec::new();
        assert!(super::assumption_bounds::<false>(
            &cx,
            "And(Gt(s1, 1), Le(s1, 9))",
            &mut plain
        ));
        let mut blanks = smallvec::SmallVec::new();
        let text = "\t And(\nGt(\x0cs1\r, 1)\t,Le( s1,\n9 ) )\r\n";
        assert!(super::assumption_bounds::<false>(&cx, text, &mut blanks));
        assert_eq!(plain, blanks);
        let mut other = smallvec::SmallVec::new();
        assert!(!super::assumption_bounds::<false>(
            &cx,
            "Gt(s1,\u{b}1)",
            &mut other
        ));
    }

    /// A context marked right after its facts were set, used for queries and taken back to
    /// the mark ([`Context::back_to_facts`]), answers every later query as a cleared context
    /// with the same facts set again does, with the same arena and symbols; a mark is refused
    /// once the facts changed (a range set, a scope opened and closed) and with a scope open.
    #[test]
    fn back_to_facts_is_the_facts_set_again() {
        let set = |cx: &mut Context| {
            cx.set_range_str("s27", "2", "").unwrap();
            cx.set_range_str("s77", "2", "").unwrap();
            cx.set_range_str("p0", "0", "s27*s77 - 1").unwrap();
            cx.set_range_str("p1", "0", "7 - 1").unwrap();
            let a = cx.parse("Ne(Mod(p0, 2), 1)").unwrap();
            cx.add_fact(a).unwrap();
            cx.check_facts().unwrap();
        };
        let texts = [
            "23*p0 + (((23*p1)//7)) + 4",
            "FloorDiv(p0, s27*s77) + y",
            "Mod(p0 + 3, 2) + 63 - 1",
            "(p1*p1 - p1)//2 + q",
            "p0 +",
            "Max(p0, s77) - 1",
        ];
        let mut kept = Context::new();
        set(&mut kept);
        let mut mark = kept.facts_mark().unwrap();
        let (nodes, names) = (kept.node_count(), kept.sym_names.len());
        let mut failed = false;
        for round in 0..3 {
            for (i, t) in texts.iter().enumerate() {
                // Back to the mark after the queries before (a failed parse rolls its nodes
                // back, which moves the facts' generation: the mark is refused, and the
                // context cleared and set again).
                if (round > 0 || i > 0) && !kept.back_to_facts(&mark) {
                    assert!(failed, "{t}");
                    kept.clear();
                    set(&mut kept);
                    mark = kept.facts_mark().unwrap();
                }
                assert_eq!((kept.node_count(), kept.sym_names.len()), (nodes, names));
                let mut fresh = Context::new();
                set(&mut fresh);
                let answer = |cx: &mut Context| match cx.parse(t) {
                    Ok(e) => {
                        let s = cx.simplify(e);
                        (Ok(cx.display(s)), cx.node_count(), cx.sym_names.len())
                    }
                    Err(e) => (Err(e.to_string()), cx.node_count(), cx.sym_names.len()),
                };
                let got = answer(&mut kept);
                failed = got.0.is_err();
                assert_eq!(got, answer(&mut fresh), "{t}");
                for _ in 0..round {
                    let _ = kept
                        .parse("p0*s27 + FloorDiv(s77, 3)")
                        .map(|e| kept.simplify(e));
                }
            }
        }
        // Changed facts refuse the mark, and so does an open scope (or one opened and closed).
        assert!(kept.back_to_facts(&mark));
        kept.push_facts();
        assert!(kept.facts_mark().is_none());
        assert!(!kept.back_to_facts(&mark));
        kept.pop_facts();
        assert!(!kept.back_to_facts(&mark));
        let mut other = Context::new();
        set(&mut other);
        let mark = other.facts_mark().unwrap();
        let x = other.symbol("x").unwrap();
        other.set_range_int(x, 0, 3).unwrap();
        assert!(!other.back_to_facts(&mark));
    }

    /// `literal_sum` answers what the general parser reads, the integer it folds the text to,
    /// on every text of up to four pieces and on random longer ones: literals (zero, large,
    /// with a leading zero, beyond i64), blanks, signs, and the pieces of other ends (a name,
    /// a product, a power, a point, parentheses); and `parse_range_end` answers the parser's
    /// node with it.
    #[test]
    fn literal_sums_are_what_the_parser_reads() {
        let pieces = [
            "0",
            "1",
            "7",
            "12",
            "999999999",
            "1000000000",
            "07",
            "9223372036854775807",
            " ",
            "\t",
            "+",
            "-",
            "*",
            "**",
            "x",
            ".5",
            "(",
            ")",
            "e",
        ];
        let mut answered = 0;
        let mut check = |t: &str| {
            let Some(v) = super::literal_sum(t.as_bytes()) else {
                return;
            };
            answered += 1;
            let mut g = Context::new();
            let want = g
                .parse(t)
                .unwrap_or_else(|e| panic!("{t:?}: {v} by the literal path, parse failed: {e}"));
            assert_eq!(g.as_int(want), Some(v), "{t:?}");
            let mut f = Context::new();
            let got = f.parse_range_end(t).unwrap();
            assert_eq!(got, crate::RangeEnd::Expr(f.int(v)), "{t:?}");
            assert_eq!(f.sym_names.len(), 0, "{t:?}");
        };
        each_text(&pieces, &mut check);
        let mut next = crate::test_rng::xorshift(0x5EED_11AB);
        for _ in 0..20000 {
            let mut t = String::new();
            for _ in 0..1 + next(12) {
                // Mostly sums of literals, with now and then another piece.
                let p = match next(4) {
                    0 => pieces[next(pieces.len() as u64) as usize],
                    1 => [" + ", " - ", "-", "+"][next(4) as usize],
                    _ => pieces[next(4) as usize],
                };
                t.push_str(p);
            }
            check(&t);
        }
        assert!(answered > 3000, "{answered}");
    }

    /// Reads `t` with `name_and_literal` and with the parser, each in a fresh context that
    /// `setup` prepares. Where the former answers: the same text, the same shape (each term's
    /// factors by name, its coefficient, the constant) and the same symbols made in the same
    /// order; the context and the node are returned. Where it declines: nothing made, `None`.
    fn reads_as_the_parser(t: &str, setup: &dyn Fn(&mut Context)) -> Option<(Context, Expr)> {
        let (mut g, mut f) = (Context::new(), Context::new());
        setup(&mut g);
        setup(&mut f);
        let (n, ns) = (f.node_count(), f.sym_names.len());
        let Some(got) = f.name_and_literal(t) else {
            assert_eq!((f.node_count(), f.sym_names.len()), (n, ns), "{t:?}");
            return None;
        };
        let want = g
            .parse(t)
            .unwrap_or_else(|e| panic!("{t:?}: parse failed: {e}"));
        assert_eq!(f.display(got), g.display(want), "{t:?}");
        assert!(f.sym_names.iter().eq(g.sym_names.iter()), "{t:?}");
        let shape = |cx: &Context, e: Expr| {
            let name = |x: Expr| match cx.node(x) {
                Node::Sym(s) => cx.sym_name(*s).to_string(),
                n => format!("{n:?}"),
            };
            let factors = |x: Expr| match cx.node(x) {
                Node::Mul(fs) => fs.iter().map(|&f| name(f)).collect::<Vec<_>>(),
                _ => vec![name(x)],
            };
            match cx.node(e) {
                Node::Add(ts, c) => {
                    let ts: Vec<_> = ts.iter().map(|&(x, k)| (factors(x), k)).collect();
                    format!("Add({ts:?}, {c})")
                }
                Node::Mul(_) => format!("Mul({:?})", factors(e)),
                _ => name(e),
            }
        };
        assert_eq!(shape(&f, got), shape(&g, want), "{t:?}");
        Some((f, got))
    }

    /// `name_and_literal` answers the parser's node, with the same symbols, or declines with
    /// nothing made: every text of up to four pieces (names, reserved words, literals, blanks,
    /// signs, the pieces of other ends), with the name known (of either type) or not.
    #[test]
    fn name_and_literal_is_what_the_parser_reads() {
        let pieces = [
            "s77",
            "x",
            "oo",
            "nan",
            "True",
            "0",
            "1",
            "12",
            "07",
            "999999999",
            "1000000000",
            " ",
            "+",
            "-",
            "*",
            "(",
            ".5",
            "e",
        ];
        let mut answered = 0;
        let mut check = |t: &str, known: Option<crate::Ty>| {
            let setup = |cx: &mut Context| {
                if let Some(ty) = known {
                    cx.declare("s77", ty).unwrap();
                }
            };
            answered += usize::from(reads_as_the_parser(t, &setup).is_some());
        };
        each_text(&pieces, &mut |t| {
            for known in [None, Some(crate::Ty::Int), Some(crate::Ty::Float)] {
                check(t, known);
            }
        });
        assert!(answered > 200, "{answered}");
    }

    /// `name_and_literal` reads a product of two names plus a literal (`s27*s77 - 1`) as the
    /// parser does: on random texts of names (new, known integers, known reals, reserved),
    /// products, powers, signs, literals (edge ones too) and blanks, wherever it answers, the
    /// same node (shape and text) and the same symbols made in the same order; where it does
    /// not, nothing made.
    #[test]
    fn two_names_and_literal_are_what_the_parser_reads() {
        let pieces = [
            "s27",
            "s77",
            "x",
            "oo",
            "True",
            "*",
            "*",
            "**",
            " ",
            " - ",
            " + ",
            "-",
            "0",
            "1",
            "12",
            "07",
            "999999999",
            "1000000000",
            "2",
            "(",
            ".5",
        ];
        let mut next = crate::test_rng::xorshift(0x7A0_5A7E);
        let (mut answered, mut products) = (0, 0);
        for _ in 0..120000 {
            let mut t = String::new();
            // Mostly the shape `n*n ± k`, with pieces swapped in.
            for slot in 0..1 + next(7) as usize {
                let p = match (slot, next(5)) {
                    (0 | 2, 0..4) => ["s27", "s77", "x", "a"][next(4) as usize],
                    (1, 0..4) => "*",
                    (3, 0..4) => [" - ", " + "][next(2) as usize],
                    (4, 0..4) => ["1", "0", "12", "999999999"][next(4) as usize],
                    _ => pieces[next(pieces.len() as u64) as usize],
                };
                t.push_str(p);
            }
            let known = next(4);
            let setup = |cx: &mut Context| match known {
                1 => {
                    cx.declare("s77", crate::Ty::Int).unwrap();
                }
                2 => {
                    cx.declare("s77", crate::Ty::Float).unwrap();
                }
                3 => {
                    cx.declare("x", crate::Ty::Int).unwrap();
                    cx.declare("s27", crate::Ty::Int).unwrap();
                }
                _ => {}
            };
            let Some((f, got)) = reads_as_the_parser(&t, &setup) else {
                continue;
            };
            answered += 1;
            products += usize::from(match f.node(got) {
                Node::Mul(_) => true,
                Node::Add(ts, _) => matches!(f.node(ts[0].0), Node::Mul(_)),
                _ => false,
            });
        }
        assert!(answered > 5000 && products > 4000, "{answered} {products}");
    }

    /// The bookkeeping `store_range` keeps beside the ranges, after random sequences of
    /// ranges set again and again (points, constant, symbolic and infinite ends): the pinned
    /// symbols are exactly those whose range now is one point, each once with its value, and
    /// `symbolic` lists each symbol that has had a symbolic end exactly once, with every
    /// symbol that has one now among them.
    #[test]
    fn range_bookkeeping_follows_the_ranges() {
        use super::RangeEnd;
        let mut next = crate::test_rng::xorshift(0xB00C_4EE9);
        let names = ["a", "b", "c", "d"];
        let ends = ["0", "3", "3", "5", "-2", "", "b - 1", "2*a", "c + d"];
        for _ in 0..400 {
            let mut cx = Context::new();
            for _ in 0..1 + next(12) {
                let s = names[next(4) as usize];
                let (lo, hi) = (ends[next(9) as usize], ends[next(9) as usize]);
                let _ = cx.set_range_str(s, lo, hi);
            }
            let mut pinned: Vec<(String, i64)> = Vec::new();
            let mut symbolic_now = Vec::new();
            for (&s, &(lo, hi)) in cx.facts.ranges.iter() {
                let val = |e: RangeEnd| match e {
                    RangeEnd::Expr(x) => cx.as_int(x),
                    RangeEnd::Infinite => None,
                };
                if let (Some(a), Some(b)) = (val(lo), val(hi))
                    && a == b
                {
                    pinned.push((cx.sym_name(s).to_owned(), a));
                }
                let symbolic_end =
                    |e: RangeEnd| matches!(e, RangeEnd::Expr(x) if cx.as_int(x).is_none());
                if symbolic_end(lo) || symbolic_end(hi) {
                    symbolic_now.push(s);
                }
            }
            let mut got: Vec<(String, i64)> = cx
                .facts
                .pinned
                .iter()
                .map(|&(s, v)| (cx.sym_name(s).to_owned(), v))
                .collect();
            got.sort();
            pinned.sort();
            assert_eq!(got, pinned, "{}", facts_text(&cx));
            let listed = &cx.facts.symbolic;
            for (i, s) in listed.iter().enumerate() {
                assert!(!listed[..i].contains(s), "{}", facts_text(&cx));
                assert!(cx.facts.symbolic_listed.contains_key(s));
            }
            assert!(
                symbolic_now.iter().all(|s| listed.contains(s)),
                "{}",
                facts_text(&cx)
            );
        }
    }

    /// `lowest_corner`'s arm for a one-term sum answers as the fold over the terms
    /// (`sum_lowest_corner`; `corner_term` for a node that is no sum), on random one-term sums (a symbol, a power, a product; positive,
    /// zero and negative coefficients; constants at and near the i64 edges) over symbols with
    /// random ranges (constant, infinite and symbolic ends, negative lower ends, none), and it
    /// answers a value on many of them.
    #[test]
    fn one_term_corner_is_the_fold() {
        let mut next = crate::test_rng::xorshift(0xC0_4E5);
        let ks = [1, 2, 3, -1, 0, i64::MAX, i64::MAX / 2, 7];
        let cs = [0, -1, 5, i64::MIN, i64::MAX, i64::MIN + 1, -100, 1 << 40];
        let ends = ["0", "3", "-2", "", "b - 1", "1000000000", "9"];
        let mut answered = 0;
        for case in 0..3000 {
            let mut cx = Context::new();
            for name in ["a", "b", "c"] {
                if next(5) > 0 {
                    let (lo, hi) = (ends[next(7) as usize], ends[next(7) as usize]);
                    let _ = cx.set_range_str(name, lo, hi);
                }
            }
            let sym = |cx: &mut Context, i: u64| {
                let s = cx.symbol(["a", "b", "c"][i as usize]).unwrap();
                cx.sym(s)
            };
            let x = sym(&mut cx, next(3));
            let t = match next(4) {
                0 | 1 => x,
                2 => cx.pow(x, 1 + next(40) as u32).unwrap(),
                _ => {
                    let y = sym(&mut cx, next(3));
                    cx.mul(x, y).unwrap()
                }
            };
            let (k, c) = (ks[next(8) as usize], cs[next(8) as usize]);
            // `k*t + c` as the builder makes it (a one-term sum; `c` alone for `k = 0`).
            let Some(e) = cx.scale(t, k).and_then(|kt| {
                let c = cx.int(c);
                cx.add(kt, c)
            }) else {
                continue;
            };
            // The general path: the fold for a sum, the term's corner for anything else.
            let one_term = matches!(cx.node(e), Node::Add(ts, _) if ts.len() == 1);
            let want = match cx.node(e) {
                Node::Add(..) => cx.sum_lowest_corner(e),
                _ => cx.corner_term(e),
            };
            assert_eq!(cx.lowest_corner(e), want, "case {case}: {}", cx.display(e));
            answered += usize::from(one_term && want.is_some());
        }
        assert!(answered > 300, "{answered}");
    }

    /// `set_range` without its shortcuts: the empty-range check, the type and cycle checks of
    /// symbolic ends, then `store_range` with what they count (what the shortcut tests below
    /// compare `set_range` with).
    fn set_range_general(
        cx: &mut Context,
        s: Symbol,
        lo: super::RangeEnd,
        hi: super::RangeEnd,
    ) -> Result<(), Error> {
        use super::RangeEnd;
        let int_end = |cx: &Context, end: RangeEnd| match end {
            RangeEnd::Infinite => Some(None),
            RangeEnd::Expr(e) => cx.as_int(e).map(Some),
        };
        let (a, b) = (int_end(cx, lo), int_end(cx, hi));
        if let (Some(Some(x)), Some(Some(y))) = (a, b)
            && x > y
        {
            return Err(cx.empty_range_error(s, x, y));
        }
        let added = if a.is_some() && b.is_some() {
            0
        } else {
            cx.check_symbolic_ends(s, lo, hi)?
        };
        cx.store_range(s, (lo, hi), added, a.flatten().zip(b.flatten()));
        Ok(())
    }

    /// Sets the range `ends` of `name` by `set_range` in `fast` and by
    /// [`set_range_general`] in `slow`: the same answer, and then the same ranges and
    /// bookkeeping ([`assert_same_ranges`]).
    fn set_on_both(
        fast: &mut Context,
        slow: &mut Context,
        name: &str,
        (lo, hi): (&str, &str),
        case: usize,
    ) {
        let set = |cx: &mut Context, general_path: bool| {
            let s = cx.symbol(name)?;
            let lo = cx.parse_range_end_of(lo, false)?;
            let hi = cx.parse_range_end_of(hi, true)?;
            if general_path {
                set_range_general(cx, s, lo, hi)
            } else {
                cx.set_range(s, lo, hi)
            }
        };
        let a = set(fast, false).map_err(|e| e.to_string());
        let b = set(slow, true).map_err(|e| e.to_string());
        assert_eq!(a, b, "case {case}");
        assert_same_ranges(fast, slow, case);
    }

    /// Two contexts hold the same ranges and range bookkeeping: facts, pinned symbols,
    /// symbolic lists and counts, generation, and the ranges' order.
    fn assert_same_ranges(fast: &Context, slow: &Context, case: usize) {
        assert_eq!(facts_text(fast), facts_text(slow), "case {case}");
        let (f, g) = (&fast.facts, &slow.facts);
        assert_eq!(f.pinned, g.pinned, "case {case}");
        assert_eq!(f.symbolic, g.symbolic, "case {case}");
        assert_eq!(f.symbolic_ends, g.symbolic_ends, "case {case}");
        assert_eq!(f.generation, g.generation, "case {case}");
        let keys = |f: &Facts| f.ranges.keys().copied().collect::<Vec<_>>();
        assert_eq!(keys(f), keys(g), "case {case}");
    }

    #[test]
    fn one_symbol_ranges_store_as_the_general_path() {
        // `set_range`'s path for `[k, e]`, `e` over symbols (`v - c`, `v*w - c`), against
        // `check_symbolic_ends` and `store_range` (the general path): the same answers,
        // errors (self reference, cycles through other ranges, types) and bookkeeping, on
        // random sequences of ranges over typed symbols; in some cases with 63 symbols made
        // first, some of the names among them (the others then share the last bit of a
        // node's symbol set).
        use crate::expr::Ty;
        let mut next = crate::test_rng::xorshift(0x0E5_71D);
        let names = ["a", "b", "c", "d", "x"];
        let los = ["0", "2", "", "-oo", "b", "a + 1"];
        let his = [
            "a - 1",
            "b - 1",
            "c",
            "3*d + 2",
            "x - 1",
            "a",
            "5",
            "",
            "c + d",
            "2*b - 7",
            "-a + 4",
            "b**2 - 1",
            "x*2 - 1",
            "a*b - 1",
            "c*d",
            "d*a + 3",
            "b*x - 1",
            "a*b*c - 2",
            "2*c*d - 1",
            "a*a - 1",
        ];
        for case in 0..3000 {
            let (mut fast, mut slow) = (Context::new(), Context::new());
            // `x` is real in some cases: its ends may be integer, an integer's not real.
            let real = next(2) == 0;
            // Some of the names first, then as many others as make 63: the rest come later.
            let late = next(4) == 0;
            let early = next(4) as usize;
            for cx in [&mut fast, &mut slow] {
                if late {
                    for name in &names[..early] {
                        cx.symbol(name).unwrap();
                    }
                    for i in early..63 {
                        cx.symbol(&format!("f{i}")).unwrap();
                    }
                }
                if real {
                    cx.declare("x", Ty::Float).unwrap();
                }
            }
            for _ in 0..1 + next(10) {
                let name = names[next(5) as usize];
                let lo = los[next(los.len() as u64) as usize];
                let hi = his[next(his.len() as u64) as usize];
                set_on_both(&mut fast, &mut slow, name, (lo, hi), case);
                let refs = |f: &Facts| {
                    let vals = f.referenced.vals.iter().enumerate();
                    vals.filter(|(_, v)| v.is_some())
                        .map(|(i, _)| i)
                        .collect::<Vec<_>>()
                };
                assert_eq!(refs(&fast.facts), refs(&slow.facts), "case {case}");
                assert_eq!(
                    fast.check_facts().map_err(|e| e.to_string()),
                    slow.check_facts().map_err(|e| e.to_string()),
                    "case {case}"
                );
            }
        }
    }

    /// `set_range` stores a range with constant or infinite ends as the general path does
    /// (the type and cycle checks of symbolic ends, then `store_range` with what it counts):
    /// on random sequences of ranges set again and again (points, constant, symbolic and
    /// infinite ends, empty ones), both contexts answer the same and hold the same facts,
    /// pinned symbols, symbolic lists and counts, and generation.
    #[test]
    fn constant_ranges_store_as_the_general_path() {
        let mut next = crate::test_rng::xorshift(0x5E7_2A9);
        let names = ["a", "b", "c", "d"];
        let ends = [
            "0", "3", "3", "5", "-2", "", "b - 1", "2*a", "c + d", "7 - 7",
        ];
        for case in 0..600 {
            let (mut fast, mut slow) = (Context::new(), Context::new());
            for _ in 0..1 + next(12) {
                let name = names[next(4) as usize];
                let (lo, hi) = (ends[next(10) as usize], ends[next(10) as usize]);
                set_on_both(&mut fast, &mut slow, name, (lo, hi), case);
            }
        }
    }

    /// Calls `f` with every text of one to four of `pieces` in a row.
    fn each_text(pieces: &[&str], f: &mut dyn FnMut(&str)) {
        let n = pieces.len();
        for len in 1..=4u32 {
            for mut k in 0..n.pow(len) {
                let mut t = String::new();
                for _ in 0..len {
                    t.push_str(pieces[k % n]);
                    k /= n;
                }
                f(&t);
            }
        }
    }

    /// The facts of `cx` as text: every symbol in creation order with its type and range, the
    /// assumptions, the pinned symbols.
    fn facts_text(cx: &Context) -> String {
        use crate::RangeEnd;
        let mut out = String::new();
        for name in cx.sym_names.iter() {
            let s = cx.lookup(name).expect("made");
            let end = |e: RangeEnd| match e {
                RangeEnd::Infinite => "oo".to_string(),
                RangeEnd::Expr(x) => cx.display(x),
            };
            let (lo, hi) = cx.range(s);
            out.push_str(&format!(
                "{name}:{:?}[{}, {}] ",
                cx.sym_ty(s),
                end(lo),
                end(hi)
            ));
        }
        for &a in cx.assumptions() {
            out.push_str(&format!("assume {} ", cx.display(a)));
        }
        out.push_str(&format!("pinned {:?}", cx.pinned_names()));
        out
    }

    impl Context {
        fn pinned_names(&self) -> Vec<(String, i64)> {
            self.facts
                .pinned
                .iter()
                .map(|&(s, v)| (self.sym_name(s).to_string(), v))
                .collect()
        }
    }

    /// `add_fact_text` sets the facts `parse_bool` and `add_fact` set (the same symbols, made
    /// in the same order, the same ranges, assumptions and pinned symbols) and answers the
    /// same, errors included, on random assumptions over random contexts: bounds of every
    /// form and sign, conjunctions, literals at the i64 edges, new names, reserved words,
    /// float symbols, symbolic and empty ranges, and texts that are not bounds or not
    /// well-formed. It folds most of the bounds itself.
    #[test]
    fn text_facts_are_parse_and_add_fact() {
        let mut next = crate::test_rng::xorshift(0xFAC7);
        let names = [
            "s0", "s1", "x", "new0", "new1", "f", "Min", "oo", "True", "s0_",
        ];
        let lits = [
            "0",
            "1",
            "2",
            "3",
            "16",
            "-1",
            "-5",
            "2.5",
            "9223372036854775807",
            "-9223372036854775807",
            "9223372036854775806",
            "-9223372036854775808",
            "9223372036854775808",
            "007",
            "1x",
        ];
        let ops = ["Lt", "Le", "Gt", "Ge", "Eq", "lt"];
        let mut folded = 0;
        for round in 0..4000 {
            let setup = |cx: &mut Context| {
                let mut r = crate::test_rng::xorshift(round);
                cx.declare("f", crate::Ty::Float).unwrap();
                for n in ["s0", "s1", "x"] {
                    let s = cx.symbol(n).unwrap();
                    match r(6) {
                        0 => {}
                        1 => cx.set_range_str(n, "0", "s0 + 4").map(|_| ()).unwrap_or(()),
                        2 => cx.set_range_int(s, i64::MIN, 5).unwrap(),
                        3 => cx.set_range_from(s, r(5) as i64 - 2).unwrap(),
                        _ => {
                            let lo = r(8) as i64 - 3;
                            cx.set_range_int(s, lo, lo + r(20) as i64).unwrap();
                        }
                    }
                }
            };
            let one = |next: &mut dyn FnMut(u64) -> u64| {
                let op = ops[next(ops.len() as u64) as usize];
                let n = names[next(names.len() as u64) as usize];
                let l = lits[next(lits.len() as u64) as usize];
                let sp = if next(3) == 0 { "  " } else { " " };
                if next(2) == 0 {
                    format!("{op}({n},{sp}{l})")
                } else {
                    format!("{op}({l},{sp}{n})")
                }
            };
            let text = match next(10) {
                0..=2 => {
                    let parts: Vec<String> = (0..1 + next(3)).map(|_| one(&mut next)).collect();
                    format!("And({})", parts.join(", "))
                }
                3 => [
                    "Lt(s0, s1)",
                    "s0 < 3",
                    "And()",
                    "Lt(s0 1)",
                    "Lt(s0, 1",
                    "And(Lt(s0, 1),)",
                    " Lt(s0, 3) ",
                    "And( Lt(x, 4) , Gt(x, 1) )",
                    "Lt((s0), 3)",
                    "Lt(s0, -  1)",
                    "Lt(s0, 3) x",
                    "Lt(s0, 3))",
                    "And(Lt(s0, 3)) x",
                    "Lt(s0, 2x)",
                ][next(14) as usize]
                    .to_string(),
                _ => one(&mut next),
            };
            let (mut a, mut b) = (Context::new(), Context::new());
            setup(&mut a);
            setup(&mut b);
            let ra = a.add_fact_text(&text).map_err(|e| e.to_string());
            let rb = b
                .parse_bool(&text)
                .and_then(|e| b.add_fact(e))
                .map_err(|e| e.to_string());
            assert_eq!(ra, rb, "{text}");
            assert_eq!(facts_text(&a), facts_text(&b), "{text}");
            folded += usize::from(a.text_folds(&text).is_some() && ra == Ok(true));
        }
        assert!(folded > 500, "{folded}");
    }

    /// The shortcut of `check_facts` answers as the check with a session, on random chains of
    /// symbolic ranges (polynomial ends over earlier symbols, some ranges empty for every
    /// assignment), and it is taken on most of them.
    #[test]
    fn the_shortcut_answers_as_the_full_check() {
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        let (mut shortcut, mut refused) = (0, 0);
        for case in 0..3000 {
            let mut cx = Context::new();
            let mut names: Vec<String> = Vec::new();
            for i in 0..1 + next(5) {
                let name = format!("v{i}");
                let end = |next: &mut dyn FnMut(u64) -> u64, names: &[String]| {
                    let k = next(7) as i64 - 3;
                    let c = next(21) as i64 - 10;
                    match (names.len(), next(4)) {
                        (0, _) | (_, 0) => c.to_string(),
                        (n, 1) => format!("{k}*{} + {c}", names[next(n as u64) as usize]),
                        (n, 2) => format!(
                            "{}*{} + {c}",
                            names[next(n as u64) as usize],
                            names[next(n as u64) as usize]
                        ),
                        (n, _) => format!("{}**2 - {c}", names[next(n as u64) as usize]),
                    }
                };
                let lo = if next(6) == 0 {
                    String::new()
                } else {
                    end(&mut next, &names)
                };
                let hi = if next(6) == 0 {
                    String::new()
                } else {
                    end(&mut next, &names)
                };
                // Constant ends out of order are refused by set_range: leave those out.
                if cx.set_range_str(&name, &lo, &hi).is_ok() {
                    names.push(name);
                }
            }
            let mut full = cx.clone();
            let want = full.check_facts_with_a_session().map_err(|e| e.to_string());
            if cx.facts.symbolic_ends > 0 && cx.symbolic_ranges_plainly_nonempty() {
                shortcut += 1;
            }
            refused += usize::from(want.is_err());
            assert_eq!(
                cx.check_facts().map_err(|e| e.to_string()),
                want,
                "case {case}: {names:?}"
            );
        }
        assert!(
            shortcut > 250 && refused > 300,
            "shortcut {shortcut}, refused {refused}"
        );
    }

    /// The end reader's 64-bit intervals (`Span`) against `Iv`'s arithmetic, the one the
    /// bounds use, on every pair of intervals over values at and near the i64 edges, zero and
    /// small ones, missing bounds included: each span holds `Iv`'s interval (sound), and is it
    /// wherever no end of the operands or of `Iv`'s answer is at an i64 edge (as tight).
    #[test]
    fn spans_are_iv_intervals() {
        use super::Span;
        use crate::interval::Iv;
        let values = [
            i64::MIN,
            i64::MIN + 1,
            -(1 << 62),
            -3_037_000_500,
            -7,
            -1,
            0,
            1,
            2,
            5,
            3_037_000_500,
            1 << 62,
            i64::MAX - 1,
            i64::MAX,
        ];
        let mut spans = Vec::new();
        for &lo in &values {
            for &hi in &values {
                if lo <= hi && lo != i64::MAX && hi != i64::MIN {
                    spans.push(Span { lo, hi });
                }
            }
        }
        let edge = |v: i128| v <= i128::from(i64::MIN) || v >= i128::from(i64::MAX);
        let inner = |a: &Iv| !edge(a.lo) && !edge(a.hi);
        let check = |what: &str, got: Span, want: Iv, exact: bool| {
            let g = got.iv();
            assert!(
                g.lo <= want.lo && want.hi <= g.hi,
                "{what}: {got:?} does not hold {want:?}"
            );
            if exact && inner(&want) {
                assert_eq!(g, want, "{what}");
            }
        };
        for &a in &spans {
            let x = a.iv();
            check(&format!("-{a:?}"), a.neg(), x.neg(), inner(&x));
            for k in [1, 2, 3, 7, 1 << 40] {
                let q = x.floordiv(&Iv::point(k));
                check(&format!("{a:?} // {k}"), a.floordiv(k), q, inner(&x));
            }
            for k in [2, 3, 16] {
                check(&format!("{a:?} ** {k}"), a.pow(k), x.pow(k), inner(&x));
            }
            for &b in &spans {
                let y = b.iv();
                let exact = inner(&x) && inner(&y);
                check(&format!("{a:?} + {b:?}"), a.add(b), x.add(&y), exact);
                check(&format!("{a:?} * {b:?}"), a.mul(b), x.mul(&y), exact);
            }
        }
    }

    /// The common ends' reading (`plain_end_common`) is the general reader's wherever it
    /// answers: random texts of names (one of them with a symbolic range), literals, `*` and
    /// signs, spaced or not.
    mod common_ends {
        use super::super::{Span, plain_end_common, read_end};
        use proptest::prelude::*;

        fn range_of(n: &str) -> Option<Span> {
            match n {
                "s0" => Some(Span { lo: 2, hi: 10 }),
                "s1" => Some(Span { lo: -3, hi: 5 }),
                "s2" => Some(Span {
                    lo: 1,
                    hi: i64::MAX,
                }),
                _ => None,
            }
        }

        fn reader(text: &str) -> Option<Span> {
            read_end(text, range_of)
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(20_000))]

            #[test]
            fn common_ends_read_as_the_reader_reads_them(
                parts in prop::collection::vec(prop::sample::select(vec![
                    "s0", "s1", "s2", "p0", "0", "1", "7", "12", "999999999", "1000000000",
                    "01", "*", " - ", " + ", "-", "+", " * ", " ", "**", "x", "**2", "**16",
                    "**17", "**1", "**02", "2", "16", "3.", "**3x",
                ]), 1..8)
            ) {
                let text: String = parts.concat();
                if let Some(got) = plain_end_common(&text, &range_of) {
                    prop_assert_eq!(got, reader(&text), "{}", text);
                }
            }
        }
    }
}
