//! The bound of an expression built monotonically from its symbols, computed from its text
//! ([`Context::monotone_bound_text`]): no symbol made, no node interned.
//!
//! Three fifths of the bound requests a compiler makes are of expressions like
//! `((s0 + 3)//2)*((s1 + 3)//2) + 2*((s0 + 3)//2)` or relations like
//! `Ne(((evaluate_static_shape_0 + 3)//2), 0)` over constant ranges. Such an expression is
//! monotone in every symbol (nondecreasing in some, nonincreasing in the others), which a
//! walk of its text can establish with the usual sign rules; then its smallest and largest
//! values are its values at two corners of the box of ranges, and interval arithmetic
//! along that walk computes exactly those two values. Setting the ranges, parsing and
//! bounding took about 8,600 instructions for the relation above (with its JSON request);
//! reading it so, about 2,800.
//!
//! **The invariant** of every value [`Mono`] of the walk, over the box of the ranges:
//! - it depends on no symbol outside `up | down | other` that has more than one value;
//! - for every fixed value of the other symbols, it is nondecreasing in each symbol of `up`
//!   and nonincreasing in each symbol of `down` (in the symbols of `other` it may do
//!   anything);
//! - `lo` and `hi` are its infimum and supremum ([`NEG`] / [`POS`] when unbounded): its exact
//!   hull. (A finite end is a value: the values are integers.)
//! - with `contiguous`, every integer from `lo` to `hi` is a value.
//!
//! Two values combine by a function monotone in each operand when no symbol raises one and
//! lowers the other, and no symbol of one's `other` occurs in the other ([`agree`]). Then,
//! for every fixed value of the symbols they share, each operand's infimum over the rest is
//! monotone in the shared symbols in the same directions, so the combination's infimum is
//! reached at the shared corner from the operands' infima, and likewise its supremum: the
//! combination of the hulls is the hull. Each rule below says why it keeps the invariant;
//! where it cannot, the text is declined (`None`), and the caller parses it as usual.
//!
//! **Why the answer is the engine's.** The walk's interval is the exact hull of the values.
//! For a relation, the exact hull of `lhs - rhs` decides it when it can (an inequality
//! always; an equation when 0 is outside the hull or the hull is `[0, 0]`), and "both
//! values" is exact too: for an inequality both ends are values (or approached by values),
//! for an equation the difference is `contiguous` (else the text is declined: `2*x` is
//! never 1). A sound bound contains the exact hull, so the engine's answer can only be this
//! one or a wider one: every real bound request answers the same both ways, the tests hold
//! the walk to brute force and within the engine's answer (equal to it for a relation over
//! a box of at most 512 points and 4,096 operations, which the engine's prover enumerates where its intervals
//! leave the relation undecided: `(x)//(((x)//2))*(w//3)//(3) <= y//(y//1)` with `x` in
//! `[2, 6]`, `y` in `[1, 2]`, `w = 3` always holds, which it once left undecided); on rare
//! random integer texts the engine's bound is wider.
//! The engine answers only texts it can parse: its parser folds literals into a normal form
//! and refuses a text whose folding overflows, so the walk carries a bound on those
//! constants ([`Mono::fold`]) and declines where they could overflow.
//!
//! The grammar read is a subset of the parser's, with the parser's meaning (Python's
//! precedence: unary minus binds tighter than `*` and `//`, looser than `**`):
//! integer literals, symbol names, `+ - * //`, `**` with a literal exponent, parentheses,
//! `Max`, `Min`, `Abs`, `FloorDiv`, `Mod`, `ModularIndexing`, and at the top one relation
//! (`<`, `<=`, `>`, `>=`, `Eq(a, b)`, `Ne(a, b)`, `Lt(a, b)`, `Le(a, b)`, `Gt(a, b)`,
//! `Ge(a, b)`). Anything else declines: `%`, `==`,
//! floats, other functions, a blank between a function's name and its parenthesis, nesting
//! beyond [`DEPTH`], any finite value beyond [`MAGNITUDE`].

use crate::Context;
use crate::parse::{DIGIT, LETTER, WS, class, decimal, run_end};

/// An unbounded infimum.
const NEG: i64 = i64::MIN;
/// An unbounded supremum.
const POS: i64 = i64::MAX;

/// The largest magnitude a finite end may reach anywhere in the walk: products of two ends
/// are computed in `i128`; a sum of two is within `2^63 - 2`, so it neither overflows nor
/// meets [`NEG`] or [`POS`]; and every answer fits.
const MAGNITUDE: i64 = (1 << 62) - 1;

/// The deepest nesting of parentheses and calls the walk follows (the parser's own limit is
/// far larger; deeper texts are declined here, not refused), and the most unary signs in a
/// row.
const DEPTH: u32 = 32;

/// The longest text walked (bytes). Longer texts are declined at once: the walk reads about
/// 40 instructions a byte, and among the real bound requests (PyTorch 2.15) longer ones were
/// answered by it 12 times in 1,948 and declined late, after reading most of the text, 203
/// times (a long relation whose sides share a symbol in opposite directions).
const LONGEST: usize = 400;

/// The most blocks [`self_quotient`] looks at (its divisor's size, at most).
const QUOTIENT_BLOCKS: i64 = 64;

/// A set of symbols, by their number in the walk's name list (more names decline).
type Syms = u32;

/// A value of the walk (see the module's invariant). Ends are [`NEG`], [`POS`] or finite
/// within [`MAGNITUDE`]; an infimum is never `POS` and a supremum never `NEG` (the box is
/// not empty), so `lo == hi` is a finite constant. Symbols are bits by their number in the
/// walk's name list.
///
/// `fold` bounds the constants that parsing the text makes ([`Fold`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Mono {
    lo: i64,
    hi: i64,
    up: Syms,
    down: Syms,
    other: Syms,
    contiguous: bool,
    fold: Fold,
}

/// Bounds of the constants that parsing a value's text makes. The parser folds literals
/// into the coefficients and constants of a normal form (expanding products of sums) and
/// exponents into powers (a `u32`), and refuses a text whose folding overflows, whatever the
/// values; the walk declines where that could happen.
/// - `coeffs`: as a polynomial in its atoms (symbols and calls), the value's normal form has
///   coefficients whose magnitudes sum to at most this (literals count at least 1, so that a
///   factor 0 does not hide the others). Sums add the bounds, products multiply them
///   (`|Σ a_i| * |Σ b_j| >= Σ |a_i b_j|`); every folded constant and partial sum is within
///   it. At most [`MAGNITUDE`].
/// - `degree`: no atom's exponent in the normal form exceeds this. Sums take the larger,
///   products add (`x**a * x**b` is `x**(a + b)`), powers multiply. At most `u32::MAX`.
///
/// A call (its value an atom, or an argument where the parser simplifies it away) takes the
/// larger of its arguments' bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Fold {
    coeffs: u64,
    degree: u64,
}

impl Fold {
    const SYMBOL: Fold = Fold {
        coeffs: 1,
        degree: 1,
    };

    fn literal(v: i64) -> Fold {
        Fold {
            coeffs: v.unsigned_abs().max(1),
            degree: 0,
        }
    }

    fn within(self) -> Option<Fold> {
        (self.coeffs <= MAGNITUDE as u64 && self.degree <= u64::from(u32::MAX)).then_some(self)
    }

    fn sum(a: Fold, b: Fold) -> Option<Fold> {
        Fold {
            coeffs: a.coeffs.checked_add(b.coeffs)?,
            degree: a.degree.max(b.degree),
        }
        .within()
    }

    fn product(a: Fold, b: Fold) -> Option<Fold> {
        Fold {
            coeffs: a.coeffs.checked_mul(b.coeffs)?,
            degree: a.degree.checked_add(b.degree)?,
        }
        .within()
    }

    fn max(a: Fold, b: Fold) -> Fold {
        Fold {
            coeffs: a.coeffs.max(b.coeffs),
            degree: a.degree.max(b.degree),
        }
    }
}

impl Mono {
    /// A literal `v` (or the constant a literal operation gives).
    fn constant(v: i64) -> Mono {
        Mono {
            lo: v,
            hi: v,
            up: 0,
            down: 0,
            other: 0,
            contiguous: true,
            fold: Fold::literal(v),
        }
    }

    /// A value of hull `[lo, hi]` that depends on the symbols `other` in no known direction.
    /// Its `fold` is the largest of its operands', `fold` (a call is an atom).
    fn unordered(lo: i64, hi: i64, other: Syms, contiguous: bool, fold: Fold) -> Mono {
        Mono {
            lo,
            hi,
            up: 0,
            down: 0,
            other,
            contiguous,
            fold,
        }
    }

    fn is_constant(&self) -> bool {
        self.lo == self.hi
    }

    /// The symbols the value depends on.
    fn support(&self) -> Syms {
        self.up | self.down | self.other
    }

    /// `-f`: the ends swap and negate, and so do the directions; the values' set is
    /// mirrored (contiguous stays contiguous).
    fn neg(self) -> Mono {
        Mono {
            lo: neg_end(self.hi),
            hi: neg_end(self.lo),
            up: self.down,
            down: self.up,
            ..self
        }
    }
}

fn neg_end(v: i64) -> i64 {
    match v {
        NEG => POS,
        POS => NEG,
        v => -v, // finite: within MAGNITUDE
    }
}

/// A finite value within [`MAGNITUDE`] as it is, or `None` (the text is declined).
fn finite(v: i64) -> Option<i64> {
    (-MAGNITUDE..=MAGNITUDE).contains(&v).then_some(v)
}

/// [`finite`] of a wide product.
fn fits(v: i128) -> Option<i64> {
    i64::try_from(v).ok().and_then(finite)
}

/// An end as computed: infinite as it is, finite within [`MAGNITUDE`], else `None`.
fn end(v: i64) -> Option<i64> {
    match v {
        NEG | POS => Some(v),
        v => finite(v),
    }
}

/// The symbols of a combination of `a` and `b` that is nondecreasing in both, as
/// `(up, down, other)`: defined only when no symbol raises one and lowers the other and
/// neither's `other` meets the other's symbols (see the module's documentation).
fn agree(a: &Mono, b: &Mono) -> Option<(Syms, Syms, Syms)> {
    let clash =
        (a.up & b.down) | (a.down & b.up) | (a.other & b.support()) | (b.other & a.support());
    (clash == 0).then_some((a.up | b.up, a.down | b.down, a.other | b.other))
}

/// Whether `a` and `b` share no symbol: then the pairs of their values are all the pairs.
fn independent(a: &Mono, b: &Mono) -> bool {
    a.support() & b.support() == 0
}

/// `a + b`: nondecreasing in both, so with agreeing symbols the sum's infimum is the sum of
/// the infima, and likewise the supremum. Contiguous when both are and they are independent
/// (`{a..b} + {c..d} = {a+c..b+d}`).
fn add(a: Mono, b: Mono) -> Option<Mono> {
    let fold = Fold::sum(a.fold, b.fold)?;
    let (up, down, other) = agree(&a, &b)?;
    let lo = if a.lo == NEG || b.lo == NEG {
        NEG
    } else {
        a.lo + b.lo // both finite: within 2 * MAGNITUDE, no overflow, not NEG
    };
    let hi = if a.hi == POS || b.hi == POS {
        POS
    } else {
        a.hi + b.hi
    };
    Some(Mono {
        lo: end(lo)?,
        hi: end(hi)?,
        up,
        down,
        other,
        contiguous: a.contiguous && b.contiguous && independent(&a, &b),
        fold,
    })
}

/// The larger of two operands' `fold` (a call over them).
fn fold_max(a: &Mono, b: &Mono) -> Fold {
    Fold::max(a.fold, b.fold)
}

/// A product of two ends of nonnegative values (`0 * oo = 0`: a factor whose supremum is 0
/// is the constant 0, and so is the product).
fn mul_nonneg_end(x: i64, y: i64) -> Option<i64> {
    if x == 0 || y == 0 {
        Some(0)
    } else if x == POS || y == POS {
        Some(POS)
    } else {
        fits(i128::from(x) * i128::from(y))
    }
}

/// `v * k` for an end `v` of any sign and a constant `k > 0` (the order of ends is kept).
fn scale_end(v: i64, k: i64) -> Option<i64> {
    match v {
        NEG | POS => Some(v),
        v => fits(i128::from(v) * i128::from(k)),
    }
}

/// `a * b`. A constant factor `k > 0` scales the ends (contiguous only for `k = 1`); `k < 0`
/// negates (`k*f = -(|k|*f)`); `k = 0` is 0. Two nonnegative factors: the product is
/// nondecreasing in each (for `f, g >= 0`, `f <= f'` gives `f*g <= f'*g`), so with agreeing
/// symbols its extremes are the products of the ends. Nonpositive factors are negated into
/// that case (`f*g = (-f)*(-g)`, `f*g = -((-f)*g)`); a factor of both signs declines.
fn mul(a: Mono, b: Mono) -> Option<Mono> {
    let fold = Fold::product(a.fold, b.fold)?;
    mul_hull(a, b).map(|m| Mono { fold, ..m })
}

/// [`mul`]'s hull and symbols (its `fold` is set by [`mul`]).
fn mul_hull(a: Mono, b: Mono) -> Option<Mono> {
    if b.is_constant() && !a.is_constant() {
        return mul_hull(b, a);
    }
    if a.is_constant() {
        let k = a.lo;
        return match k {
            0 => Some(Mono::constant(0)),
            k if k < 0 => mul_hull(Mono::constant(-k), b).map(Mono::neg),
            k => Some(Mono {
                lo: scale_end(b.lo, k)?,
                hi: scale_end(b.hi, k)?,
                contiguous: b.contiguous && (k == 1 || b.is_constant()),
                ..b
            }),
        };
    }
    if a.lo >= 0 && b.lo >= 0 {
        let (up, down, other) = agree(&a, &b)?;
        return Some(Mono {
            lo: mul_nonneg_end(a.lo, b.lo)?,
            hi: mul_nonneg_end(a.hi, b.hi)?,
            up,
            down,
            other,
            contiguous: false,
            fold: Fold::literal(0),
        });
    }
    match (a.lo >= 0, b.lo >= 0, a.hi <= 0, b.hi <= 0) {
        (_, _, true, true) => mul_hull(a.neg(), b.neg()),
        (true, _, _, true) => mul_hull(a, b.neg()).map(Mono::neg),
        (_, true, true, _) => mul_hull(a.neg(), b).map(Mono::neg),
        _ => None,
    }
}

/// `floor(x / k)` of an end, `k > 0` (infinities stay).
fn floor_end(x: i64, k: i64) -> i64 {
    match x {
        NEG | POS => x,
        x => x.div_euclid(k), // = floor for k > 0
    }
}

/// `FloorDiv(a, b)`. By a constant `k > 0`: `floor(x/k)` is nondecreasing in `x` with steps
/// of at most 1, so the ends are the ends' quotients, the symbols stay, and a contiguous
/// `a` gives a contiguous quotient. By a divisor `b >= 1` that varies, of a dividend
/// `a >= 0`: `floor(a/b)` is nondecreasing in `a` and nonincreasing in `b`, so `b`'s
/// directions count reversed; its infimum is `floor(inf a / sup b)` (0 towards an unbounded
/// `b`) and its supremum `floor(sup a / inf b)`. Anything else declines (a divisor that may
/// be 0 or negative, a dividend of both signs over a varying divisor).
fn floordiv(a: Mono, b: Mono) -> Option<Mono> {
    if b.is_constant() {
        let k = b.lo;
        if k <= 0 {
            return None;
        }
        return Some(Mono {
            lo: floor_end(a.lo, k),
            hi: floor_end(a.hi, k),
            fold: fold_max(&a, &b),
            ..a
        });
    }
    if b.lo < 1 || a.lo < 0 {
        return None;
    }
    let (up, down, other) = agree(&a, &b.neg())?;
    Some(Mono {
        lo: if b.hi == POS { 0 } else { a.lo / b.hi }, // a.lo >= 0, b.hi >= 1: floor
        hi: floor_end(a.hi, b.lo),
        up,
        down,
        other,
        contiguous: false,
        fold: fold_max(&a, &b),
    })
}

/// `FloorDiv(a, FloorDiv(a, k))` for a contiguous `a >= k` (so the divisor is at least 1),
/// as adaptive pooling writes its window sizes: `((s + 3)//((s + 3)//2))`. Over the values of
/// `a` with `a // k = q` (a block `[q*k, q*k + k - 1]` cut to `a`'s hull, every value of it
/// a value of `a`), `a = q*k + r` with `0 <= r < k` and the quotient is `k + r // q`,
/// nondecreasing in `r`: its ends in the block are at the block's ends. From `q >= k` on,
/// `r // q = 0`: every later block gives `k`. The hull is the hull of the blocks' ends; the
/// quotient depends on `a`'s symbols in no fixed direction. More than [`QUOTIENT_BLOCKS`]
/// blocks decline.
#[inline(never)]
fn self_quotient(a: Mono, k: i64) -> Option<Mono> {
    if !a.contiguous || k <= 0 || a.lo < k || a.lo == NEG {
        return None;
    }
    let (mut lo, mut hi) = (POS, NEG);
    let mut q = a.lo / k;
    loop {
        let first = q.checked_mul(k)?;
        if a.hi != POS && first > a.hi {
            break;
        }
        if q >= k {
            lo = lo.min(k);
            hi = hi.max(k);
            break;
        }
        let r_lo = a.lo.max(first) - first;
        let r_hi = if a.hi == POS {
            k - 1
        } else {
            a.hi.min(first.checked_add(k - 1)?) - first
        };
        // k + r / q < 2 * k: no overflow (but maybe beyond MAGNITUDE).
        lo = lo.min(end(k + r_lo / q)?);
        hi = hi.max(end(k + r_hi / q)?);
        q += 1;
        if q - a.lo / k > QUOTIENT_BLOCKS {
            return None;
        }
    }
    let fold = Fold::max(a.fold, Fold::literal(k));
    (lo <= hi).then(|| Mono::unordered(lo, hi, a.support(), false, fold))
}

/// `Mod(a, m)` (the remainder of floor division, in `[0, m - 1]` for `m > 0`):
/// - by a constant `k > 0`, when every value of `a` lies in one period `[q*k, q*k + k - 1]`:
///   there `Mod(a, k) = a - q*k`, a shift of `a`;
/// - by a constant `k > 0`, of a contiguous `a` across a multiple `m*k` of `k`: `a = m*k`
///   gives 0 and `a = m*k - 1` gives `k - 1`, so the hull is `[0, k - 1]`, contiguous when
///   `a` spans at least `k` values;
/// - by a varying `m >= 1`, of a contiguous `a` from 0, independent of each other: 0 at
///   `a = 0`; at most `min(a, m - 1)`, which `m = sup m` and `a = min(sup a, sup m - 1)`
///   reach (`a < m` is its own remainder), and every value below it the same way.
///
/// Anything else declines: across periods the hull of a value that is not contiguous need
/// not be reached (`Mod(2*x, 4)` is never 3).
#[inline(never)]
fn modulo(a: Mono, m: Mono) -> Option<Mono> {
    if !m.is_constant() {
        if m.lo < 1 || a.lo != 0 || !a.contiguous || !independent(&a, &m) {
            return None;
        }
        let hi = if m.hi == POS {
            a.hi
        } else {
            a.hi.min(m.hi - 1)
        };
        let fold = fold_max(&a, &m);
        return Some(Mono::unordered(
            0,
            hi,
            a.support() | m.support(),
            true,
            fold,
        ));
    }
    let k = m.lo;
    if k <= 0 {
        return None;
    }
    if a.lo != NEG && a.hi != POS {
        let q = a.lo.div_euclid(k);
        if a.hi.div_euclid(k) == q {
            return Some(Mono {
                lo: a.lo - q * k, // q * k lies between a.lo - k and a.lo: no overflow
                hi: a.hi - q * k,
                fold: fold_max(&a, &m),
                ..a
            });
        }
    }
    if !a.contiguous {
        return None;
    }
    // Across a multiple of k; `a` spans at least k values when an end is infinite.
    let wide = a.lo == NEG || a.hi == POS || a.hi - a.lo >= k - 1;
    Some(Mono::unordered(
        0,
        k - 1,
        a.support(),
        wide,
        fold_max(&a, &m),
    ))
}

/// `Abs(a)`: `a` itself where `a >= 0`, `-a` where `a <= 0`; across 0, a contiguous `a`
/// reaches 0 and the larger of `-inf a` and `sup a`, and every value between (from the
/// side of the larger): the hull `[0, max(-lo, hi)]`, contiguous, in no fixed direction.
#[inline(never)]
fn abs(a: Mono) -> Option<Mono> {
    if a.lo >= 0 {
        return Some(a);
    }
    if a.hi <= 0 {
        return Some(a.neg());
    }
    a.contiguous
        .then(|| Mono::unordered(0, neg_end(a.lo).max(a.hi), a.support(), true, a.fold))
}

/// `Max` (`is_max`) or `Min` of `acc` and `f`: nondecreasing in both, so with agreeing
/// symbols its extremes are the extremes of the operands' ends. Of independent contiguous
/// operands it is contiguous: for `Max`, with `f` the operand of the larger supremum, each
/// `t` from the larger infimum to that supremum is `Max(t, inf acc)`, and likewise for `Min`.
#[inline(never)]
fn extremum(acc: Mono, f: Mono, is_max: bool) -> Option<Mono> {
    let (up, down, other) = agree(&acc, &f)?;
    let pick = |x: i64, y: i64| if is_max { x.max(y) } else { x.min(y) };
    Some(Mono {
        lo: pick(acc.lo, f.lo),
        hi: pick(acc.hi, f.hi),
        up,
        down,
        other,
        contiguous: acc.contiguous && f.contiguous && independent(&acc, &f),
        fold: fold_max(&acc, &f),
    })
}

/// `f ** n` for a literal `n >= 1`: `x^n` is nondecreasing on `x >= 0`; on `x <= 0` it is
/// `(-x)^n` for even `n` and `-((-x)^n)` for odd `n`. A base of both signs declines.
#[inline(never)]
fn pow(f: Mono, n: u32) -> Option<Mono> {
    if f.lo < 0 && f.hi > 0 {
        return None;
    }
    if f.lo < 0 {
        let p = pow(f.neg(), n)?;
        return Some(if n.is_multiple_of(2) { p } else { p.neg() });
    }
    let mut acc = f;
    for _ in 1..n {
        acc = mul(acc, f)?;
    }
    Some(acc)
}

/// `t` without the blanks around it.
fn trim_blanks(t: &str) -> &str {
    let b = t.as_bytes();
    let (mut i, mut j) = (0, b.len());
    while i < j && class(b[i]) == WS {
        i += 1;
    }
    while j > i && class(b[j - 1]) == WS {
        j -= 1;
    }
    &t[i..j] // blanks are ASCII: both ends are character boundaries
}

/// The text `t` without blanks around it and without the parentheses around all of it
/// (`((x + 3))` is `x + 3`; `(a)*(b)` stays), in one pass: the `j`-th leading `(` wraps the
/// text when it closes at the `j`-th byte from the end, and the first time the depth falls
/// to `j` is where it closes. An unbalanced text stays as it is.
#[inline(never)]
fn unwrap_parens(t: &str) -> &str {
    let t = trim_blanks(t);
    let b = t.as_bytes();
    let leading = b.iter().take_while(|&&c| c == b'(').count();
    if leading == 0 {
        return t;
    }
    // Most bytes are neither parenthesis: one test (`(` is 0x28, `)` is 0x29) passes them.
    let (mut depth, mut lowest, mut wraps) = (leading, leading, leading);
    let mut i = leading;
    while i < b.len() {
        let c = b[i];
        if c & !1 == b'(' {
            if c == b'(' {
                depth += 1;
            } else {
                if depth == 0 {
                    return t;
                }
                depth -= 1;
                if depth < lowest {
                    lowest = depth;
                    if i != b.len() - 1 - depth {
                        wraps = wraps.min(depth);
                    }
                }
            }
        }
        i += 1;
    }
    if depth != 0 {
        return t;
    }
    &t[wraps..t.len() - wraps]
}

/// `Some(k)` when the text `divisor` (one operand of the walk) is `(p // k)` inside any
/// number of parentheses, for a literal `k` and an operand `p` that is a name or a
/// parenthesized group whose text, unwrapped, is the text of `dividend`, unwrapped: then
/// the divisor is `FloorDiv(dividend, k)` (the same text has the same value, and `p // k`
/// with such a `p` is that quotient whatever `p` holds). The parentheses around `p // k`
/// are its first `(`s and last `)`s, as many of each: with `p` balanced, each of them
/// closes one of those.
#[inline(never)]
fn self_quotient_divisor(dividend: &str, divisor: &str) -> Option<i64> {
    let b = divisor.as_bytes();
    // From the end: `)`s and blanks, the digits of k, blanks, `//`.
    let (mut j, mut closes) = (b.len(), 0usize);
    while j > 0 && (b[j - 1] == b')' || class(b[j - 1]) == WS) {
        closes += usize::from(b[j - 1] == b')');
        j -= 1;
    }
    let k_end = j;
    while j > 0 && class(b[j - 1]) == DIGIT {
        j -= 1;
    }
    if closes == 0 || j == k_end {
        return None;
    }
    let k = i64::try_from(decimal(&divisor[j..k_end])?).ok()?;
    while j > 0 && class(b[j - 1]) == WS {
        j -= 1;
    }
    if j < 2 || &b[j - 2..j] != b"//" {
        return None;
    }
    let at = j - 2;
    // From the front: as many `(`s, and blanks.
    let (mut i, mut opens) = (0, 0usize);
    while i < at && opens < closes && (b[i] == b'(' || class(b[i]) == WS) {
        opens += usize::from(b[i] == b'(');
        i += 1;
    }
    let p = trim_blanks(&divisor[i..at]);
    let pb = p.as_bytes();
    if opens != closes || pb.is_empty() {
        return None;
    }
    // `p` unwrapped: a name is its own (no parenthesis to take off), a group must lose its
    // parentheses (else `p` is not one group, `(a)*(b)`).
    let unwrapped = if class(pb[0]) == LETTER {
        if !pb.iter().all(|&c| class(c) & (DIGIT | LETTER) != 0) {
            return None;
        }
        p
    } else if pb[0] == b'(' {
        let u = unwrap_parens(p);
        if u.len() == p.len() {
            return None;
        }
        u
    } else {
        return None;
    };
    // The same text unwraps the same (the usual case: `((s + 3)//((s + 3)//2))`).
    (p == dividend || unwrapped == unwrap_parens(dividend)).then_some(k)
}

/// The last eight bytes of a name (all of a shorter one), little-endian, zero-padded: where
/// names of one length most often differ (`s0` and `s1`, `evaluate_static_shape_0` and
/// `evaluate_static_shape_1`). Two names of one length up to eight bytes are equal exactly
/// when their keys are (the key holds all of their bytes); longer names with equal keys must
/// still compare the bytes before their last eight.
#[inline]
fn name_key(b: &[u8]) -> u64 {
    if let Some(last) = b.last_chunk::<8>() {
        return u64::from_le_bytes(*last);
    }
    let mut k = 0u64;
    for (i, &c) in b.iter().enumerate() {
        k |= u64::from(c) << (8 * i);
    }
    k
}

/// Whether `name`, whose [`name_key`] is `key`, is `other`, whose key is `other_key`: the
/// keys first (most names differ there), then the lengths, then the bytes before the last
/// eight.
#[inline]
fn same_keyed_name(name: &str, key: u64, other: &str, other_key: u64) -> bool {
    let n = name.len();
    key == other_key
        && n == other.len()
        && (n <= 8 || name.as_bytes()[..n - 8] == other.as_bytes()[..n - 8])
}

/// The walk over one text.
struct Walk<'s, 'r> {
    b: &'s [u8],
    src: &'s str,
    i: usize,
    depth: u32,
    ranges: &'r [(&'r str, i64, Option<i64>)],
    /// The [`name_key`] of each range's name, in the ranges' order.
    keys: [u64; Syms::BITS as usize],
    /// The ranges whose name the text reads (by their bit): an identifier, as the walk reads
    /// names (a letter or `_`, then letters, digits and `_`).
    read: Syms,
    /// Names read that have no range (unbounded integers), numbered after the ranges.
    free: smallvec::SmallVec<[&'s str; 4]>,
}

impl<'s, 'r> Walk<'s, 'r> {
    /// Sets the [`name_key`] of each range's name.
    fn key_ranges(&mut self) {
        for (k, r) in self.keys.iter_mut().zip(self.ranges) {
            *k = name_key(r.0.as_bytes());
        }
    }

    #[inline]
    fn ws(&mut self) {
        // Most calls meet no blank: a byte above `' '` is none (every ASCII blank is at most
        // `' '`), without the class table.
        if self.b.get(self.i).is_some_and(|&c| c <= b' ') {
            self.i = run_end(self.b, self.i, WS);
        }
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    #[inline]
    fn peek2(&self) -> Option<u8> {
        self.b.get(self.i + 1).copied()
    }

    /// An integer literal at `i` (`2x`, `2.5` and `1e3` are not: declined), as the parser
    /// reads it; `None` beyond 64 bits.
    fn literal(&mut self) -> Option<u64> {
        let stop = run_end(self.b, self.i, DIGIT);
        if stop == self.i
            || self
                .b
                .get(stop)
                .is_some_and(|&c| class(c) == LETTER || c == b'.')
        {
            return None;
        }
        let v = decimal(&self.src[self.i..stop])?;
        self.i = stop;
        Some(v)
    }

    /// Consumes `c` after blanks, or declines.
    fn expect(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.peek()? == c).then(|| self.i += 1)
    }

    /// A sum: terms joined by `+` and `-` (`a - b*c` subtracts `b*c`). `/` alone, `%` and
    /// `**` after a complete power stop it where the caller expects something else: declined.
    fn sum(&mut self) -> Option<Mono> {
        self.ws();
        let start = self.i;
        let first = self.operand()?;
        self.sum_from(first, start)
    }

    /// The rest of a sum whose first operand, `first`, was read from `start` on.
    fn sum_from(&mut self, first: Mono, start: usize) -> Option<Mono> {
        let mut total = self.term_from(first, start)?;
        loop {
            self.ws();
            match self.peek() {
                Some(b'+') => {
                    self.i += 1;
                    let t = self.term()?;
                    total = add(total, t)?;
                }
                Some(b'-') => {
                    self.i += 1;
                    let t = self.term()?;
                    total = add(total, t.neg())?;
                }
                _ => return Some(total),
            }
        }
    }

    /// A product: `operand (('*' | '//') operand)*`, left to right.
    fn term(&mut self) -> Option<Mono> {
        self.ws();
        let start = self.i;
        let first = self.operand()?;
        self.term_from(first, start)
    }

    /// The rest of a product whose first operand, `first`, was read from `start` on.
    #[inline(always)]
    fn term_from(&mut self, first: Mono, start: usize) -> Option<Mono> {
        let mut term = first;
        loop {
            self.ws();
            match (self.peek(), self.peek2()) {
                (Some(b'*'), Some(b'*')) => return None,
                (Some(b'*'), _) => {
                    self.i += 1;
                    let f = self.operand()?;
                    term = mul(term, f)?;
                }
                (Some(b'/'), Some(b'/')) => {
                    self.i += 2;
                    term = self.quotient(term, start)?;
                }
                _ => return Some(term),
            }
        }
    }

    /// The quotient of the product so far (`dividend`, whose text starts at `start`) by the
    /// operand after its `//`.
    #[inline(never)]
    fn quotient(&mut self, dividend: Mono, start: usize) -> Option<Mono> {
        let text = &self.src[start..self.i - 2];
        let from = self.i;
        let divisor = self.operand()?;
        if !divisor.is_constant()
            && dividend.contiguous
            && let Some(k) = self_quotient_divisor(text, &self.src[from..self.i])
        {
            return self_quotient(dividend, k);
        }
        floordiv(dividend, divisor)
    }

    /// `('-' | '+')* atom ('**' digits)?`: the signs apply to the power (`-x**2` is
    /// `-(x**2)`), which a second `**` (right-associative) would extend: declined.
    fn operand(&mut self) -> Option<Mono> {
        self.ws();
        if let Some(b'-' | b'+') = self.peek() {
            return self.signed_operand();
        }
        let f = self.atom()?;
        self.ws();
        if self.peek() == Some(b'*') && self.peek2() == Some(b'*') {
            return self.power(f);
        }
        Some(f)
    }

    /// [`Walk::operand`] after its signs.
    #[inline(never)]
    fn signed_operand(&mut self) -> Option<Mono> {
        let mut minus = false;
        let mut signs = 0;
        loop {
            self.ws();
            match self.peek()? {
                b'-' => minus = !minus,
                b'+' => {}
                _ => break,
            }
            self.i += 1;
            signs += 1;
            if signs > DEPTH {
                return None;
            }
        }
        let mut f = self.atom()?;
        self.ws();
        if self.peek() == Some(b'*') && self.peek2() == Some(b'*') {
            f = self.power(f)?;
        }
        Some(if minus { f.neg() } else { f })
    }

    /// `f ** n` at the `**`: the literal exponent, with nothing but an operator or the end
    /// after it.
    #[inline(never)]
    fn power(&mut self, f: Mono) -> Option<Mono> {
        self.i += 2;
        self.ws();
        // At most 99: `pow` multiplies as many times.
        let n = self.literal().filter(|n| (1..=99).contains(n))?;
        self.ws();
        if self.peek() == Some(b'*') && self.peek2() == Some(b'*') {
            return None;
        }
        pow(f, n as u32)
    }

    /// A literal, a name, `( sum )` or a call (blanks before it already skipped).
    fn atom(&mut self) -> Option<Mono> {
        let start = self.i;
        let c = self.peek()?;
        if c == b'(' {
            // A run of `(`s (PyTorch writes `(((s0 - 1)//8))`): the innermost group is read
            // first, and each enclosing one continues a sum with it as its first operand,
            // or just closes. The same reading as one group at a time, without a call for
            // each.
            let mut open = self.b[start..].iter().take_while(|&&c| c == b'(').count();
            self.i += open;
            self.depth += open as u32;
            if self.depth > DEPTH {
                return None;
            }
            let mut f = self.sum()?;
            loop {
                self.expect(b')')?;
                open -= 1;
                self.depth -= 1;
                if open == 0 {
                    return Some(f);
                }
                self.ws();
                if self.peek() == Some(b'*') && self.peek2() == Some(b'*') {
                    f = self.power(f)?; // `((x)**2)`: the group is a power's base
                }
                if self.peek() != Some(b')') {
                    // Inside the `open`-th `(` of the run, whose text starts after it.
                    f = self.sum_from(f, start + open)?;
                }
            }
        }
        let k = class(c);
        if k == DIGIT {
            let v = finite(i64::try_from(self.literal()?).ok()?)?;
            return Some(Mono::constant(v));
        }
        if k != LETTER {
            return None;
        }
        let stop = run_end(self.b, start, DIGIT | LETTER);
        self.i = stop;
        let name = &self.src[start..stop];
        if self.peek() != Some(b'(') {
            return self.symbol(name);
        }
        self.i += 1;
        self.depth += 1;
        if self.depth > DEPTH {
            return None;
        }
        let f = self.call(name)?;
        self.depth -= 1;
        Some(f)
    }

    /// The arguments of a call after its `(`, through its `)`.
    #[inline(never)]
    fn call(&mut self, name: &str) -> Option<Mono> {
        match name {
            "Max" | "Min" => {
                let is_max = name == "Max";
                let mut acc = self.sum()?;
                loop {
                    self.ws();
                    match self.peek()? {
                        b',' => {
                            self.i += 1;
                            acc = extremum(acc, self.sum()?, is_max)?;
                        }
                        b')' => {
                            self.i += 1;
                            return Some(acc);
                        }
                        _ => return None,
                    }
                }
            }
            "Abs" => {
                let a = self.sum()?;
                self.expect(b')')?;
                abs(a)
            }
            "FloorDiv" | "Mod" => {
                let a = self.sum()?;
                self.expect(b',')?;
                let b = self.sum()?;
                self.expect(b')')?;
                if name == "Mod" {
                    modulo(a, b)
                } else {
                    floordiv(a, b)
                }
            }
            "ModularIndexing" => {
                // `ModularIndexing(a, d, m) = Mod(FloorDiv(a, d), m)`, by constants here.
                let a = self.sum()?;
                self.expect(b',')?;
                let d = self.sum()?;
                self.expect(b',')?;
                let m = self.sum()?;
                self.expect(b')')?;
                if !d.is_constant() {
                    return None;
                }
                modulo(floordiv(a, d)?, m)
            }
            _ => None,
        }
    }

    /// A symbol: its range's ends, nondecreasing in itself, contiguous (a one-value range is
    /// a constant). A name with a range is checked with the ranges, for an answer; another
    /// here (a reserved word or a function's name without its call declines). `name` is an
    /// identifier (a letter or `_`, then letters, digits and `_`: [`Walk::atom`] reads it so).
    fn symbol(&mut self, name: &'s str) -> Option<Mono> {
        let key = name_key(name.as_bytes());
        let n = self.ranges.len();
        let (bit, lo, hi) =
            match (0..n).find(|&j| same_keyed_name(name, key, self.ranges[j].0, self.keys[j])) {
                Some(at) => {
                    let (_, lo, hi) = self.ranges[at];
                    // `i64::MIN` is the unbounded lower end, as the ranges say; any other end
                    // must be finite within MAGNITUDE (not one of the walk's infinities).
                    let lo = if lo == i64::MIN { NEG } else { finite(lo)? };
                    let hi = match hi {
                        None => POS,
                        Some(h) => finite(h)?,
                    };
                    // At most 32 ranges (`monotone_bound_text`): a bit of `Syms`.
                    self.read |= 1 << at;
                    (at, lo, hi)
                }
                None => {
                    let at = match self.free.iter().position(|&n| n == name) {
                        Some(k) => k,
                        None => {
                            if !crate::is_symbol_name(name) {
                                return None;
                            }
                            self.free.push(name);
                            self.free.len() - 1
                        }
                    };
                    (self.ranges.len() + at, NEG, POS)
                }
            };
        // An empty range is refused by the ranges' check, after the walk: not read here.
        if bit >= Syms::BITS as usize || hi < lo {
            return None;
        }
        if lo == hi {
            // A symbol of one value: a constant to the walk, an atom to the parser.
            return Some(Mono {
                fold: Fold::SYMBOL,
                ..Mono::constant(lo)
            });
        }
        Some(Mono {
            lo,
            hi,
            up: 1 << bit,
            down: 0,
            other: 0,
            contiguous: true,
            fold: Fold::SYMBOL,
        })
    }

    /// Whether only blanks are left.
    fn at_end(&mut self) -> bool {
        self.ws();
        self.i == self.b.len()
    }
}

/// A relation of the walk's top: `lhs - rhs < 0`, `<= 0`, `== 0` or `!= 0`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rel {
    Lt,
    Le,
    Eq,
    Ne,
}

/// The answer for a relation from the exact hull `d` of `lhs - rhs`. An inequality is always
/// decided or takes both values (both ends are values, or approached by values). An
/// equation is decided when 0 is outside the hull or the hull is `[0, 0]`; else it takes
/// both values when 0 is a value (the difference is contiguous, or 0 is an end of its hull)
/// and so is a nonzero end, and is declined otherwise.
fn relation(d: Mono, op: Rel) -> Option<crate::Bound> {
    let (always, sometimes) = match op {
        Rel::Lt => (d.hi < 0, d.lo < 0),
        Rel::Le => (d.hi <= 0, d.lo <= 0),
        Rel::Eq | Rel::Ne => {
            let (is_zero, never_zero) = (d.lo == 0 && d.hi == 0, d.lo > 0 || d.hi < 0);
            // 0 is a value when every integer of the hull is, or when it is an end (a
            // finite end is a value).
            if !is_zero && !never_zero && !d.contiguous && d.lo != 0 && d.hi != 0 {
                return None;
            }
            // `Eq` is always true iff the difference is always 0, never iff it never is;
            // `Ne` the other way round.
            if op == Rel::Eq {
                (is_zero, !never_zero)
            } else {
                (never_zero, !is_zero)
            }
        }
    };
    Some(crate::Bound::Bool {
        lo: always,
        hi: sometimes,
    })
}

/// The whole text: `Eq(a, b)`, `Ne(a, b)`, `Lt(a, b)`, `Le(a, b)`, `Gt(a, b)`, `Ge(a, b)`
/// (the parser's `a < b`, `a <= b`, `a > b`, `a >= b`), `a op b` for one inequality, or a
/// sum.
fn walk_top(w: &mut Walk<'_, '_>) -> Option<crate::Bound> {
    w.ws();
    let b = w.b;
    let at = w.i;
    // (relation of `lhs - rhs`, whether the sides swap: `Gt(a, b)` is `b - a < 0`)
    let call = match b.get(at..at + 3) {
        Some(b"Eq(") => Some((Rel::Eq, false)),
        Some(b"Ne(") => Some((Rel::Ne, false)),
        Some(b"Lt(") => Some((Rel::Lt, false)),
        Some(b"Le(") => Some((Rel::Le, false)),
        Some(b"Gt(") => Some((Rel::Lt, true)),
        Some(b"Ge(") => Some((Rel::Le, true)),
        _ => None,
    };
    if let Some((op, swap)) = call {
        w.i += 3;
        w.depth += 1;
        let l = w.sum()?;
        w.expect(b',')?;
        let r = w.sum()?;
        w.expect(b')')?;
        if !w.at_end() {
            return None;
        }
        let d = if swap {
            add(r, l.neg())?
        } else {
            add(l, r.neg())?
        };
        return relation(d, op);
    }
    let l = w.sum()?;
    if w.at_end() {
        let bounded = |v: i64| (v != NEG && v != POS).then_some(v);
        return Some(crate::Bound::Int {
            lo: bounded(l.lo),
            hi: bounded(l.hi),
        });
    }
    // `<`, `<=`, `>`, `>=` (not `<<`, `==`, `=>` ...); `a > b` is `b < a`.
    let (c, next) = (w.peek()?, w.peek2());
    let (less, strict) = match (c, next) {
        (b'<' | b'>', Some(b'=')) => (c == b'<', false),
        (b'<' | b'>', Some(n)) if n != b'<' && n != b'>' => (c == b'<', true),
        _ => return None,
    };
    w.i += if strict { 1 } else { 2 };
    let r = w.sum()?;
    if !w.at_end() {
        return None;
    }
    let d = if less {
        add(l, r.neg())?
    } else {
        add(r, l.neg())?
    };
    relation(d, if strict { Rel::Lt } else { Rel::Le })
}

impl Context {
    /// What `bound(parse(src))` answers on this context once each symbol `name` of `ranges`
    /// has the constant range `[lo, hi]` (`lo` `i64::MIN` and `hi` `None` for unbounded ends;
    /// a name without a range is an unbounded integer), computed from the text when the
    /// expression is monotone in each of its symbols (see the module's documentation):
    /// no symbol is made and nothing is interned. `None` for every other text, and on a
    /// context with symbols, facts or node limits, or with ranges that setting would refuse
    /// (a name given twice or not a symbol name, `lo > hi`), more than 32 names (with a range
    /// or without), or a text longer than 400 bytes (a cost measure, not a limit of the walk).
    ///
    /// ```
    /// # use sym::{Bound, Context};
    /// let mut cx = Context::new();
    /// let ranges = [("x", 1, Some(509)), ("y", 0, None)];
    /// let b = cx.monotone_bound_text("Ne(((x + 3)//2), 0)", &ranges);
    /// assert_eq!(b, Some(Bound::Bool { lo: true, hi: true }));
    /// let b = cx.monotone_bound_text("Max(1, (x + 3)//2) - y", &ranges);
    /// assert_eq!(b, Some(Bound::Int { lo: None, hi: Some(256) }));
    /// // Adaptive pooling's window: with x + 3 >= 4, (x + 3)//2 >= 2 and the quotient is 2.
    /// let b = cx.monotone_bound_text("(x + 3)//((x + 3)//2)", &ranges);
    /// assert_eq!(b, Some(Bound::Int { lo: Some(2), hi: Some(2) }));
    /// // Not monotone in x (x raises the first term and lowers the second): not answered.
    /// assert_eq!(cx.monotone_bound_text("x - (x + 3)//2", &ranges), None);
    /// ```
    pub fn monotone_bound_text(
        &mut self,
        src: &str,
        ranges: &[(&str, i64, Option<i64>)],
    ) -> Option<crate::Bound> {
        if !self.is_blank_for_text_bounds()
            || ranges.len() > Syms::BITS as usize
            || src.len() > LONGEST
        {
            return None;
        }
        let mut w = Walk {
            b: src.as_bytes(),
            src,
            i: 0,
            depth: 0,
            ranges,
            keys: [0; Syms::BITS as usize],
            read: 0,
            free: smallvec::SmallVec::new(),
        };
        // Built here, not returned by a constructor (which copied it with its key table).
        w.key_ranges();
        let r = walk_top(&mut w)?;
        // The ranges are checked only for an answer: each name once, each a valid range.
        ranges_would_set(ranges, &w.keys[..ranges.len()], w.read).then_some(r)
    }
}

impl Context {
    /// Whether the context has no symbols, no facts and no node limits: where the bound of a
    /// text over the given ranges is what setting them, parsing and bounding answer
    /// ([`Context::monotone_bound_text`]).
    pub(crate) fn is_blank_for_text_bounds(&self) -> bool {
        self.limits.input_nodes == usize::MAX
            && !self.limits.caps_context()
            && self.syms.is_empty()
            && self.facts.ranges.is_empty()
            && self.facts.assumptions.is_empty()
    }
}

/// Whether setting the constant `ranges` would succeed: each name once and a symbol's name,
/// each range non-empty (`lo` `i64::MIN` for an unbounded lower end, `hi` `None` for an
/// unbounded upper one). `keys` are the names' [`name_key`]s; the names of the ranges in
/// `identifiers` (by bit) are known to be identifiers (the text read them as such), so that
/// only their reserved words remain to check (`is_symbol_name` is an identifier that is not a
/// reserved word).
pub(crate) fn ranges_would_set(
    ranges: &[(&str, i64, Option<i64>)],
    keys: &[u64],
    identifiers: Syms,
) -> bool {
    ranges.iter().enumerate().all(|(i, &(name, lo, hi))| {
        hi.is_none_or(|hi| hi >= lo)
            && !ranges[..i]
                .iter()
                .zip(keys)
                .any(|(r, &k)| same_keyed_name(name, keys[i], r.0, k))
            && if identifiers >> i & 1 == 1 {
                !crate::parse::is_reserved(name)
            } else {
                crate::is_symbol_name(name)
            }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::xorshift;
    use crate::{Bound, RangeEnd, Value};
    use proptest::prelude::*;

    const NAMES: [&str; 4] = ["x", "y", "z", "w"];

    /// What setting the ranges, parsing and bounding answer (`None` when any of it fails).
    fn engine(text: &str, ranges: &[(&str, i64, Option<i64>)]) -> Option<Bound> {
        let mut cx = Context::new();
        for &(name, lo, hi) in ranges {
            let s = cx.symbol(name).ok()?;
            let lo = if lo == i64::MIN {
                RangeEnd::Infinite
            } else {
                RangeEnd::Expr(cx.int(lo))
            };
            let hi = hi.map_or(RangeEnd::Infinite, |h| RangeEnd::Expr(cx.int(h)));
            cx.set_range(s, lo, hi).ok()?;
        }
        cx.check_facts().ok()?;
        let e = cx.parse(text).ok()?;
        Some(cx.bound(e))
    }

    /// The exact answer by evaluating the text at every point of the (finite) box: the hull
    /// of the values, or which truth values occur. `Err` when some point has no value.
    fn brute_force(text: &str, ranges: &[(&str, i64, Option<i64>)]) -> Result<Bound, String> {
        let mut cx = Context::new();
        let e = cx.parse(text).map_err(|e| e.to_string())?;
        let mut point = vec![0i64; ranges.len()];
        for (p, r) in point.iter_mut().zip(ranges) {
            *p = r.1;
        }
        let (mut lo, mut hi) = (i64::MAX, i64::MIN);
        let (mut t, mut f) = (false, false);
        loop {
            let values: Vec<(&str, Value)> = ranges
                .iter()
                .zip(&point)
                .map(|(r, &v)| (r.0, Value::Int(v)))
                .collect();
            match cx
                .eval(e, &values)
                .map_err(|e| format!("{e} at {values:?}"))?
            {
                Value::Int(v) => (lo, hi) = (lo.min(v), hi.max(v)),
                Value::Bool(b) => (t, f) = (t || b, f || !b),
                Value::Float(_) => return Err("a float".into()),
            }
            // The next point, odometer-wise.
            let mut i = 0;
            loop {
                if i == point.len() {
                    return Ok(if t || f {
                        Bound::Bool { lo: !f, hi: t }
                    } else {
                        Bound::Int {
                            lo: Some(lo),
                            hi: Some(hi),
                        }
                    });
                }
                if point[i] < ranges[i].2.expect("finite") {
                    point[i] += 1;
                    break;
                }
                point[i] = ranges[i].1;
                i += 1;
            }
        }
    }

    /// Each `(text, answer)` of `cases` over `ranges`; an answer is also the engine's.
    fn check_table(cases: &[(&str, Option<Bound>)], ranges: &[(&str, i64, Option<i64>)]) {
        for &(text, want) in cases {
            let got = Context::new().monotone_bound_text(text, ranges);
            assert_eq!(got, want, "{text}");
            if got.is_some() {
                assert_eq!(got, engine(text, ranges), "{text}");
            }
        }
    }

    /// The bound read from the text is what setting the ranges, parsing and bounding answer, on random sums over random
    /// boxes: one sign or mixed, literals (zeros, parenthesized, large ones near the
    /// magnitude bound), repeated symbols (powers), symbols without a range or with a
    /// negative lower end, names given twice or not symbols, empty and one-value ranges,
    /// unbounded upper ends. It answers most of them, and declines some.
    #[test]
    fn the_text_bound_is_set_parse_bound() {
        let mut next = xorshift(0xB0_7E);
        const SYMS: &[&str] = &["x0", "x1", "s0", "s53", "p0", "abcdefghij", "q"];
        const LITS: &[&str] = &[
            "0",
            "1",
            "2",
            "3",
            "16",
            "(6)",
            "1000",
            "3037000499",
            "4611686018427387904",
        ];
        let (mut answered, mut declined) = (0, 0);
        let (mut unbounded, mut negative) = (0, 0);
        for _ in 0..20_000 {
            // The box: mostly lower ends >= 0, now and then negative, unbounded or missing.
            let mut ranges: Vec<(&str, i64, Option<i64>)> = Vec::new();
            for &n in SYMS {
                if next(12) == 0 {
                    continue; // no range
                }
                let lo = match next(16) {
                    0 => -(next(3) as i64) - 1,
                    1 => i64::MIN,
                    2 => 1 << 40,
                    _ => next(4) as i64,
                };
                let hi = match next(5) {
                    0 => None,
                    1 if lo != i64::MIN => Some(lo), // one value
                    2 if lo != i64::MIN && next(8) == 0 => Some(lo - 1), // empty
                    _ => Some(lo.max(0) + next(300) as i64),
                };
                ranges.push((n, lo, hi));
            }
            match next(30) {
                0 => ranges.push(("x0", 0, Some(1))),  // twice
                1 => ranges.push(("Min", 0, Some(1))), // not a symbol's name
                _ => {}
            }
            let mut text = String::new();
            // Now and then every term subtracted (`0 - x - ...`: one sign, negative).
            let minus = next(4) == 0;
            let all_minus = next(8) == 0;
            if all_minus {
                text.push('0');
            }
            for t in 0..1 + next(5) {
                if all_minus {
                    text.push_str(" - ");
                } else if t > 0 {
                    text.push_str(if minus && next(2) == 0 { " - " } else { " + " });
                }
                for f in 0..1 + next(4) {
                    if f > 0 {
                        text.push('*');
                    }
                    if next(4) == 0 {
                        let l = if next(4) == 0 { LITS.len() } else { 6 };
                        text.push_str(LITS[next(l as u64) as usize]);
                    } else {
                        text.push_str(SYMS[next(SYMS.len() as u64) as usize]);
                    }
                }
            }
            if next(20) == 0 {
                text.push_str(" < 3");
            }
            let mut cx = Context::new();
            let got = cx.monotone_bound_text(&text, &ranges);
            match got {
                Some(b) => {
                    answered += 1;
                    assert_eq!(Some(b), engine(&text, &ranges), "{text} {ranges:?}");
                    if let crate::Bound::Int { lo, hi } = b {
                        unbounded += usize::from(lo.is_none() || hi.is_none());
                        negative += usize::from(hi.is_some_and(|h| h < 0));
                    }
                }
                None => declined += 1,
            }
            // A context that answered nothing is still empty.
            assert_eq!(cx.node_count(), 0);
        }
        assert!(answered > 3000, "answered {answered}");
        assert!(declined > 3000, "declined {declined}");
        assert!(unbounded > 500 && negative > 50, "{unbounded} {negative}");
    }

    /// The bound read from the text on sums: answers, reasons to decline, and the ranges'
    /// and the context's checks.
    #[test]
    fn text_bound_edges() {
        let r = [
            ("x", 0, Some(7)),
            ("y", 2, None),
            ("z", -1, Some(3)),
            ("w", 5, Some(5)),
        ];
        let int = |lo: Option<i64>, hi: Option<i64>| Some(Bound::Int { lo, hi });
        let cases: Vec<(&str, Option<Bound>)> = vec![
            ("x + y", int(Some(2), None)),
            ("2*x*y + 1", int(Some(1), None)),
            ("x*x + 1", int(Some(1), Some(50))),
            ("x + x", int(Some(0), Some(14))),
            ("0 - x*y", int(None, Some(0))),
            ("w*x + 3", int(Some(3), Some(38))),
            // What the narrower polynomial shortcut this walk replaced declined.
            ("x + 0*z", int(Some(0), Some(7))),
            ("3 + 4", int(Some(7), Some(7))),
            ("x*y", int(Some(0), None)),
            ("x - y", int(None, Some(5))), // mixed signs, each symbol one way
            ("x + z", int(Some(-1), Some(10))), // a negative lower end
            ("x + v", int(None, None)),    // no range: unbounded
            (
                "x + y < 3",
                Some(Bound::Bool {
                    lo: false,
                    hi: true,
                }),
            ),
            ("x**2 + 1", int(Some(1), Some(50))),
            // Declined.
            ("x*y - x", None), // x raises one term and lowers the other
            ("x + 4611686018427387904", None), // past the magnitude bound
            ("4611686018427387904*x + 1", None),
        ];
        check_table(&cases, &r);
        // Exact where the engine is wider (found by the proptest below).
        let r2 = [("x", 2, Some(6)), ("y", 1, Some(2)), ("w", 3, Some(3))];
        let t = "(x)//(((x)//2))*(w//3)//(3) <= y//(y//1)";
        let got = Context::new().monotone_bound_text(t, &r2);
        assert_eq!(got, Some(Bound::Bool { lo: true, hi: true }));
        assert_eq!(Ok(got.unwrap()), brute_force(t, &r2));
        // The engine too, since its proofs enumerate a small box the intervals leave
        // undecided (it answered `[False, True]` before).
        assert_eq!(engine(t, &r2), got);
        // A context with a node limit declines (the ranges' and a symbol's checks: below).
        let mut cx = Context::new();
        cx.set_limits(crate::Limits {
            input_nodes: 100,
            ..crate::Limits::default()
        });
        assert!(
            cx.monotone_bound_text("x + 1", &[("x", 0, Some(3))])
                .is_none()
        );
    }

    /// Random integer expressions of the walk's grammar and a little beyond it, written in
    /// several ways (blanks or none, parentheses or Python's precedence).
    fn int_text() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            4 => proptest::sample::select(&NAMES[..]).prop_map(str::to_string),
            2 => (0i64..7).prop_map(|v| v.to_string()),
            1 => Just("(-2)".to_string()),
            // Literals whose products or sums overflow when the parser folds them.
            1 => proptest::sample::select(&["3037000500", "999999999999999999"][..])
                .prop_map(str::to_string),
        ];
        leaf.prop_recursive(4, 24, 3, |inner| {
            let k = 1i64..5;
            prop_oneof![
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} + {b}")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} - ({b})")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a}-{b}")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a})*({b})")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a}*{b}")),
                (inner.clone(), k.clone()).prop_map(|(a, k)| format!("({a})//{k}")),
                (inner.clone(), k.clone()).prop_map(|(a, k)| format!("{a}//{k}")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a})//({b})")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("FloorDiv({a}, {b})")),
                (inner.clone(), k.clone()).prop_map(|(a, k)| format!("Mod({a}, {k})")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("Mod({a}, {b})")),
                (inner.clone(), k.clone(), k.clone())
                    .prop_map(|(a, d, m)| format!("ModularIndexing({a}, {d}, {m})")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("Max({a}, {b})")),
                (inner.clone(), inner.clone(), inner.clone())
                    .prop_map(|(a, b, c)| format!("Min({a},{b},{c})")),
                inner.clone().prop_map(|a| format!("Abs({a})")),
                inner.clone().prop_map(|a| format!("({a})**2")),
                inner.clone().prop_map(|a| format!("{a}**3")),
                inner.clone().prop_map(|a| format!("-{a}")),
                inner.clone().prop_map(|a| format!("-({a})")),
                inner.clone().prop_map(|a| format!("({a})")),
                (inner.clone(), k.clone()).prop_map(|(a, k)| format!("({a})//((({a})//{k}))")),
                (inner, k).prop_map(|(a, k)| format!("{a}//({a}//{k})")),
            ]
        })
    }

    /// An integer expression, or one relation of two.
    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            2 => int_text(),
            1 => (int_text(), int_text(), proptest::sample::select(&["<", "<=", ">", ">="][..]))
                .prop_map(|(a, b, op)| format!("{a} {op} {b}")),
            1 => (int_text(), int_text(), proptest::sample::select(&["Eq", "Ne", "Lt", "Le", "Gt", "Ge"][..]))
                .prop_map(|(a, b, op)| format!("{op}({a}, {b})")),
        ]
    }

    /// Small ranges for the four names (some with one value, a few empty), or unbounded ends.
    fn ranges(finite: bool) -> impl Strategy<Value = Vec<(&'static str, i64, Option<i64>)>> {
        let end = if finite { 0..1u8 } else { 0..4u8 };
        proptest::collection::vec((-3i64..4, -1i64..6, end.clone(), end), 4).prop_map(|v| {
            v.into_iter()
                .zip(NAMES)
                .map(|((lo, len, a, b), name)| {
                    let hi = (b != 3).then_some(lo + len);
                    (name, if a == 3 { i64::MIN } else { lo }, hi)
                })
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Over finite boxes, an answer from the text is the exact one (every value
        /// evaluated), within the engine's (which can be wider on an integer expression);
        /// for a relation over a box of at most 512 points and 4,096 operations evaluated,
        /// the engine's (whose proofs enumerate such a box where the intervals leave a
        /// relation undecided). The text
        /// declines what has no value somewhere and what the engine refuses.
        #[test]
        fn the_text_bound_is_exact_and_the_engines(t in text(), r in ranges(true)) {
            let mut cx = Context::new();
            if let Some(got) = cx.monotone_bound_text(&t, &r) {
                prop_assert_eq!(Ok(got), brute_force(&t, &r), "{} {:?}", t, r);
                let e = engine(&t, &r);
                prop_assert!(e.is_some_and(|e| e.contains(&got)), "{} {:?} {:?}", t, r, e);
                // The prover's budget: at most 512 points and 4,096 operations evaluated.
                let points: i64 = r.iter().map(|&(_, lo, hi)| hi.map_or(0, |h| h - lo + 1)).product();
                let mut c2 = Context::new();
                let size = c2.parse(&t).map_or(usize::MAX, |e| c2.size(e));
                let ops = usize::try_from(points).unwrap_or(usize::MAX).saturating_mul(size + 1);
                if matches!(got, Bound::Bool { .. }) && points <= 512 && ops <= 4096 {
                    prop_assert_eq!(e, Some(got), "{} {:?}", t, r);
                }
            }
            prop_assert_eq!(cx.node_count(), 0);
        }

        /// With unbounded ends too, an answer from the text is within the engine's.
        #[test]
        fn the_text_bound_is_the_engines_when_unbounded(t in text(), r in ranges(false)) {
            let mut cx = Context::new();
            if let Some(got) = cx.monotone_bound_text(&t, &r) {
                let e = engine(&t, &r);
                prop_assert!(e.is_some_and(|e| e.contains(&got)), "{} {:?} {:?}", t, r, e);
            }
        }
    }

    /// The random texts above exercise the walk: it answers many of them, integers and
    /// relations, bounded and unbounded, and declines many.
    #[test]
    fn the_random_texts_are_often_answered() {
        use proptest::strategy::ValueTree;
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let (mut ints, mut rels, mut unbounded, mut declined, mut unordered) = (0, 0, 0, 0, 0);
        for _ in 0..3000 {
            let t = text().new_tree(&mut runner).unwrap().current();
            let r = ranges(false).new_tree(&mut runner).unwrap().current();
            let mut w = Walk {
                b: t.as_bytes(),
                src: &t,
                i: 0,
                depth: 0,
                ranges: &r,
                keys: [0; Syms::BITS as usize],
                read: 0,
                free: smallvec::SmallVec::new(),
            };
            w.key_ranges();
            if let Some(v) = w.sum().filter(|_| w.at_end()) {
                unordered += usize::from(v.other != 0);
            }
            match Context::new().monotone_bound_text(&t, &r) {
                Some(Bound::Int { lo, hi }) => {
                    ints += 1;
                    unbounded += usize::from(lo.is_none() || hi.is_none());
                }
                Some(_) => rels += 1,
                None => declined += 1,
            }
        }
        assert!(
            ints > 500 && rels > 250 && unbounded > 100,
            "{ints} {rels} {unbounded}"
        );
        assert!(declined > 600 && unordered > 60, "{declined} {unordered}");
    }

    /// Values near the magnitude limit: answered exactly, or declined where the arithmetic
    /// could leave it (never wrapped into an infinity).
    #[test]
    fn large_values() {
        let m = MAGNITUDE;
        let r = [
            ("a", m - 10, Some(m)),
            ("b", 0, Some(m)),
            ("c", 1, Some(i64::MAX)),
            ("d", -m, Some(-m + 3)),
            ("e", 3, None),
        ];
        let cases: Vec<&str> = vec![
            "a",
            "a + b",
            "a + 0",
            "d + d",
            "-d",
            "a - b",
            "c",
            "c + 1",
            "2*a",
            "a*b",
            "e*a",
            "d*e",
            "d*d",
            "a//b",
            "(e)//((e)//4611686018427387903)",
            "(a)//((a)//4611686018427387903)",
            "(a)//((a)//3)",
            "Mod(a, 4611686018427387903)",
            "Mod(d, 4611686018427387903)",
            "Mod(e, a)",
            "a**2",
            "d**3",
            "Abs(d)",
            "a < 4611686018427387903",
            "Eq(a + d, 1)",
        ];
        let mut answered = 0;
        for text in cases {
            let got = Context::new().monotone_bound_text(text, &r);
            if let Some(b) = got {
                answered += 1;
                assert_eq!(Some(b), engine(text, &r), "{text}");
                if let Bound::Int { lo, hi } = b {
                    assert!(lo.is_none_or(|v| v.abs() <= m), "{text}");
                    assert!(hi.is_none_or(|v| v.abs() <= m), "{text}");
                }
            }
        }
        assert!(answered >= 6, "{answered}");
        // Sums, products and self-quotients beyond the limit decline.
        for text in [
            "a + b + 20",
            "d - a",
            "e + c",
            "2*b + 2",
            "(e)//((e)//4611686018427387902) + a",
        ] {
            assert_eq!(Context::new().monotone_bound_text(text, &r), None, "{text}");
        }
    }

    /// Range ends at the limits of i64 are finite values, not the walk's infinities; texts
    /// whose folded constants overflow (which the parser refuses, whatever the ranges) are
    /// declined. (Inputs a review found.)
    #[test]
    fn extreme_ends_and_folded_constants() {
        let top = i64::MAX;
        type Ranges = Vec<(&'static str, i64, Option<i64>)>;
        let cases: Vec<(&str, Ranges)> = vec![
            ("y - y", vec![("y", top, None)]),
            ("y", vec![("y", top, None)]),
            ("y + 1", vec![("y", top, None)]),
            ("y", vec![("y", i64::MIN, Some(i64::MIN))]),
            ("Eq(y, 1)", vec![("y", i64::MIN, Some(i64::MIN))]),
            (
                "x*y",
                vec![("x", 0, Some(3)), ("y", i64::MIN, Some(i64::MIN))],
            ),
            ("y", vec![("y", 0, Some(top))]),
            ("0*3000000000*4000000000", vec![]),
            ("x*3000000000*4000000000", vec![]),
            ("(3*x)**40", vec![("x", 0, None)]),
            ("(y - 100)*100000000000000000", vec![("y", 100, Some(101))]),
            (
                "x + 999999999999999999 + 999999999999999999 + 999999999999999999 + \
                 999999999999999999 + 999999999999999999 + 999999999999999999 + \
                 999999999999999999 + 999999999999999999 + 999999999999999999 + \
                 999999999999999999",
                vec![],
            ),
            (
                "Max(x*3037000500, 1) + 3037000500*3037000500",
                vec![("x", 0, Some(1))],
            ),
            // Exponents beyond u32 (a second review).
            ("( ( ( (x**99)**99)**99)**99)**45", vec![("x", 0, Some(1))]),
            (
                "( ( ( (x**99)**99)**99)**99)**45 <= 1",
                vec![("x", -1, Some(0))],
            ),
            (
                "( ( ( (x**99)**99)**99)**99)**23*( ( ( (x**99)**99)**99)**99)**23",
                vec![("x", 0, Some(1))],
            ),
        ];
        for (text, r) in cases {
            assert_eq!(Context::new().monotone_bound_text(text, &r), None, "{text}");
        }
        // Within the bounds, folded constants and exponents are fine.
        let r = [("x", 0, Some(1))];
        for t in [
            "(x + 1)*3037000499 + 3037000499",
            "((x**99)**99)**99 + ((x)**2)",
        ] {
            let got = Context::new().monotone_bound_text(t, &r);
            assert_eq!(got, engine(t, &r), "{t}");
            assert!(got.is_some(), "{t}");
        }
    }

    /// What the walk answers and what it declines, with the reasons.
    #[test]
    fn answers_and_declines() {
        let r = [
            ("x", 1, Some(509)),
            ("y", 0, None),
            ("z", -3, Some(4)),
            ("w", 5, Some(5)),
            ("n", i64::MIN, Some(-2)),
        ];
        let int = |lo: Option<i64>, hi: Option<i64>| Some(Bound::Int { lo, hi });
        let b = |lo: bool, hi: bool| Some(Bound::Bool { lo, hi });
        let cases: Vec<(&str, Option<Bound>)> = vec![
            // Monotone: corners.
            (
                "((x + 3)//2)*((y + 3)//2) + 2*((x + 3)//2)",
                int(Some(6), None),
            ),
            ("Max(1, (x + 3)//2) - y", int(None, Some(256))),
            ("w*x - 2*n", int(Some(9), None)),
            ("-x//2", int(Some(-255), Some(-1))), // (-x)//2, Python's precedence
            ("-x**2", int(Some(-259081), Some(-1))),
            ("z**2", None), // a base of both signs
            ("n**3", int(None, Some(-8))),
            ("FloorDiv(x, y + 1)", int(Some(0), Some(509))),
            ("x // z", None), // a divisor that may be 0
            ("Min(x, 7, y)", int(Some(0), Some(7))),
            // Relations.
            ("Ne(((x + 3)//2), 0)", b(true, true)),
            ("240 < x + y", b(false, true)),
            ("x + w >= 6", b(true, true)),
            ("x < 1", b(false, false)),
            ("Eq(x + y, 7)", b(false, true)), // contiguous: 7 is a value
            ("Eq(2*x, 7)", None),             // not contiguous: maybe never 7
            ("Eq(2*x, 2)", b(false, true)),   // 0 is an end of the difference's hull
            ("Ne(x*y, 0)", b(false, true)),   // likewise: x*y is 0 at y = 0
            ("x <= 1317624576693539400", b(true, true)), // 19 digits
            ("x <= 9223372036854775805", None), // beyond the magnitude
            ("Eq(x - x, 0)", None),           // x both ways
            // The relations' calls, as compilers' guards write them.
            (
                "Gt(Max(1, (FloorDiv((x + (-7)), 2) + 1)), 1)",
                b(false, true),
            ),
            ("Ge(x, 1)", b(true, true)),
            ("Gt(x, 1)", b(false, true)),
            ("Lt(y, 0)", b(false, false)),
            ("Le(z, 4)", b(true, true)),
            ("Ge(w + y, 5)", b(true, true)),
            ("Lt(x, x + 1)", None), // x both ways
            ("Ge(x, 1) + 1", None), // a relation is no operand
            ("Gt (x, 1)", None),    // a blank before the parenthesis
            ("Gt(x, 1, 2)", None),
            // Not monotone, but an exact hull with the symbols used once.
            ("Mod(x, 8)", int(Some(0), Some(7))),
            ("Mod(x + 6, 8)", int(Some(0), Some(7))),
            ("Mod(w + 2, 8)", int(Some(7), Some(7))),
            ("Mod(2*x, 4)", None),
            ("Mod(y, x)", int(Some(0), Some(508))),
            ("ModularIndexing(x, 4, 32) + y", int(Some(0), None)),
            ("Abs(z)", int(Some(0), Some(4))),
            ("Abs(z) + z", None),                             // z both ways
            ("(x + 3)//((x + 3)//2)", int(Some(2), Some(2))), // x + 3 >= 4
            ("(x + 1)//((x + 1)//2)", int(Some(2), Some(3))), // 2//1 = 2, 3//1 = 3
            ("((x + 7)//(((x + 7)//4)))", int(Some(4), Some(5))),
            ("(z + 3)//((z + 3)//2)", None), // the divisor may be 0
            ("(x + 3)//((x + 4)//2)", None), // another dividend: x both ways
            // Outside the grammar.
            ("x % 3", None),
            ("x == 3", None),
            ("x < y < 3", None),
            ("x**2**2", None),
            ("Max (x, 1)", None),
            ("Eq(x < 1, True)", None),
            ("2.5*x", None),
            ("oo", None),
            ("x + CeilDiv(y, 2)", None),
            ("x + 12345678901234567890", None),
        ];
        check_table(&cases, &r);
        // Ranges setting would refuse: nothing answered (an empty range is not walked).
        let mut cx = Context::new();
        let empty = [("x", -1, Some(-7)), ("y", 3, Some(3))];
        assert_eq!(
            cx.monotone_bound_text("Ne(16*y + 16, ((x + 7)//(((x + 7)//1))))", &empty),
            None
        );
        assert_eq!(cx.monotone_bound_text("y", &empty), None);
        assert_eq!(cx.monotone_bound_text("x", &[("x", 3, Some(2))]), None);
        assert_eq!(
            cx.monotone_bound_text("x", &[("x", 0, Some(2)), ("x", 0, Some(1))]),
            None
        );
        assert_eq!(
            cx.monotone_bound_text("x", &[("x", 0, Some(2)), ("Max", 0, None)]),
            None
        );
        // A context with a symbol already: not the question this answers.
        cx.symbol("q").unwrap();
        assert_eq!(cx.monotone_bound_text("x", &[("x", 0, Some(2))]), None);
    }

    /// The text's parentheses unwrapped byte by byte, as `unwrap_parens` did before it
    /// passed the bytes that are no parenthesis with one test: the reference.
    fn unwrap_parens_reference(t: &str) -> &str {
        let t = trim_blanks(t);
        let b = t.as_bytes();
        let leading = b.iter().take_while(|&&c| c == b'(').count();
        if leading == 0 {
            return t;
        }
        let (mut depth, mut lowest, mut wraps) = (leading, leading, leading);
        for (i, &c) in b.iter().enumerate().skip(leading) {
            match c {
                b'(' => depth += 1,
                b')' => {
                    if depth == 0 {
                        return t;
                    }
                    depth -= 1;
                    if depth < lowest {
                        lowest = depth;
                        if i != b.len() - 1 - depth {
                            wraps = wraps.min(depth);
                        }
                    }
                }
                _ => {}
            }
        }
        if depth != 0 {
            return t;
        }
        &t[wraps..t.len() - wraps]
    }

    /// `self_quotient_divisor` as it was written before it unwrapped `p` once and compared
    /// equal texts without unwrapping them: the reference.
    fn self_quotient_divisor_reference(dividend: &str, divisor: &str) -> Option<i64> {
        let b = divisor.as_bytes();
        let (mut j, mut closes) = (b.len(), 0usize);
        while j > 0 && (b[j - 1] == b')' || class(b[j - 1]) == WS) {
            closes += usize::from(b[j - 1] == b')');
            j -= 1;
        }
        let k_end = j;
        while j > 0 && class(b[j - 1]) == DIGIT {
            j -= 1;
        }
        if closes == 0 || j == k_end {
            return None;
        }
        let k = i64::try_from(decimal(&divisor[j..k_end])?).ok()?;
        while j > 0 && class(b[j - 1]) == WS {
            j -= 1;
        }
        if j < 2 || &b[j - 2..j] != b"//" {
            return None;
        }
        let at = j - 2;
        let (mut i, mut opens) = (0, 0usize);
        while i < at && opens < closes && (b[i] == b'(' || class(b[i]) == WS) {
            opens += usize::from(b[i] == b'(');
            i += 1;
        }
        let p = trim_blanks(&divisor[i..at]);
        let pb = p.as_bytes();
        let operand = !pb.is_empty()
            && ((class(pb[0]) == LETTER && pb.iter().all(|&c| class(c) & (DIGIT | LETTER) != 0))
                || (pb[0] == b'(' && unwrap_parens_reference(p).len() < p.len()));
        (opens == closes
            && operand
            && unwrap_parens_reference(p) == unwrap_parens_reference(dividend))
        .then_some(k)
    }

    /// A random text of parentheses, blanks, names, digits and `//`, the bytes the
    /// parenthesis helpers look at: well-formed groups (as PyTorch prints them) or, now and
    /// then, any sequence of such pieces (unbalanced, stray blanks).
    fn paren_text(next: &mut impl FnMut(u64) -> u64) -> String {
        const PIECES: &[&str] = &[
            "(", "(", "(", ")", ")", ")", " ", "x", "s0", "ab_1", "2", "17", "//", " + ", "*",
            "\t", "y",
        ];
        if next(4) == 0 {
            return (0..next(14))
                .map(|_| PIECES[next(PIECES.len() as u64) as usize])
                .collect();
        }
        fn group(next: &mut impl FnMut(u64) -> u64, depth: u32) -> String {
            match if depth == 0 { next(2) } else { next(6) } {
                0 => ["x", "s0", "ab_1", "y"][next(4) as usize].into(),
                1 => (1 + next(30)).to_string(),
                2 => format!("({})", group(next, depth - 1)),
                3 => format!("{} + {}", group(next, depth - 1), group(next, depth - 1)),
                4 => format!("{}*{}", group(next, depth - 1), group(next, depth - 1)),
                _ => format!("(({})//{})", group(next, depth - 1), 1 + next(9)),
            }
        }
        let depth = next(4) as u32;
        group(next, depth)
    }

    /// The parenthesis helpers answer what the byte-by-byte references answer, on random
    /// texts (balanced or not) and on divisors built as `(p // k)` around random `p`s, with
    /// dividends equal to `p` as written, wrapped differently, or other.
    #[test]
    fn the_parenthesis_helpers_are_the_references() {
        let mut next = xorshift(0x009A_2E17);
        let (mut unwrapped, mut quotients) = (0, 0);
        for _ in 0..40_000 {
            let t = paren_text(&mut next);
            assert_eq!(unwrap_parens(&t), unwrap_parens_reference(&t), "{t:?}");
            unwrapped += usize::from(unwrap_parens(&t).len() < t.trim().len());
            let p = paren_text(&mut next);
            let wrap = next(3) as usize;
            let divisor = format!(
                "{}{p}{}//{}{}",
                "(".repeat(wrap),
                [" ", ""][next(2) as usize],
                1 + next(20),
                ")".repeat(wrap + next(2) as usize)
            );
            let dividend = match next(4) {
                0 => p.clone(),
                1 => format!("({p})"),
                2 => format!(" {} ", p.trim()),
                _ => paren_text(&mut next),
            };
            let got = self_quotient_divisor(&dividend, &divisor);
            assert_eq!(
                got,
                self_quotient_divisor_reference(&dividend, &divisor),
                "{dividend:?} {divisor:?}"
            );
            quotients += usize::from(got.is_some());
        }
        assert!(
            unwrapped > 4000 && quotients > 2000,
            "{unwrapped} {quotients}"
        );
    }

    /// Names compared by their keys are compared as by `==`, on random names of every length
    /// around the key's eight bytes (sharing prefixes and suffixes, with NUL bytes); and the
    /// ranges' check with names known to be identifiers is the check with
    /// `is_symbol_name` for each, on random ranges.
    #[test]
    fn keyed_names_are_names() {
        let mut next = xorshift(0x4EE7);
        const BYTES: &[u8] = b"ab_01\0Z";
        let name = |next: &mut dyn FnMut(u64) -> u64| -> String {
            let n = next(19) as usize;
            let mut s: String = (0..n)
                .map(|_| char::from(BYTES[next(BYTES.len() as u64) as usize]))
                .collect();
            if next(3) == 0 {
                s.insert_str(0, "evaluate_static_shape_");
            }
            s
        };
        let mut equal = 0;
        for _ in 0..100_000 {
            let (a, b) = (name(&mut next), name(&mut next));
            let b = if next(4) == 0 { a.clone() } else { b };
            let (ka, kb) = (name_key(a.as_bytes()), name_key(b.as_bytes()));
            assert_eq!(same_keyed_name(&a, ka, &b, kb), a == b, "{a:?} {b:?}");
            equal += usize::from(a == b);
        }
        assert!(equal > 10_000, "{equal}");
        const NAMES: &[&str] = &["x", "y", "x0", "oo", "Max", "nan", "2x", "", "a b", "s53"];
        for _ in 0..20_000 {
            let ranges: Vec<(&str, i64, Option<i64>)> = (0..next(6))
                .map(|_| {
                    let lo = next(5) as i64 - 2;
                    (
                        NAMES[next(NAMES.len() as u64) as usize],
                        lo,
                        Some(lo + next(4) as i64 - 1),
                    )
                })
                .collect();
            let keys: Vec<u64> = ranges.iter().map(|r| name_key(r.0.as_bytes())).collect();
            // The identifiers among them, some of them, as the walk marks the ones it reads.
            let identifiers = ranges
                .iter()
                .enumerate()
                .filter(|(_, r)| {
                    let b = r.0.as_bytes();
                    !b.is_empty()
                        && class(b[0]) == LETTER
                        && run_end(b, 1, DIGIT | LETTER) == b.len()
                })
                .fold(0, |acc, (i, _)| acc | (Syms::from(next(2) == 0) << i));
            let reference = ranges.iter().enumerate().all(|(i, &(name, lo, hi))| {
                hi.is_none_or(|hi| hi >= lo)
                    && !ranges[..i].iter().any(|r| r.0 == name)
                    && crate::is_symbol_name(name)
            });
            assert_eq!(
                ranges_would_set(&ranges, &keys, identifiers),
                reference,
                "{ranges:?}"
            );
        }
    }
}
