//! The simplified text of a plain polynomial, computed from its text: no symbol made, no node
//! interned ([`Context::simplified_polynomial_text`]).
//!
//! Most index expressions a compiler asks about are sums of products of symbols and integer
//! literals already in normal form (`ks0*ks1*x0 + ks1*x1 + 2*x2 + 1`): their simplification is
//! their own normal form, and a whole request spent four fifths of its time parsing them
//! (making each symbol: its node interned, its name stored and hashed, its order key; each
//! product and the sum interned) and a seventh printing them back. The normal form of such a
//! text needs none of that: its terms' factors sorted by name, its terms sorted and merged,
//! written as the printer writes a flat sum.
//!
//! The answer is exactly `display(simplify(parse(src)))`: the text is read in one pass as the
//! parser's polynomial fast path reads it (plus parenthesized literals, `d0*(6)*s27`, as
//! PyTorch prints some constants, powers of names by small literals and a leading minus),
//! each name's order key computed as its bytes are read; arithmetic bounded so that no order
//! of it overflows (where the parser would overflow, or might, the text declines), the order
//! of `cmp_expr` on symbols and products of symbols (names in `natural_cmp` order, which the
//! keys agree with), and the writing of `push_flat_sum`. The tests hold it to that
//! composition on random texts.

use std::cmp::Ordering;

use crate::expr::natural_cmp;
use crate::parse::{DIGIT, LETTER, WS, class, decimal, is_reserved, recycle, run_end};
use crate::print::{push_i64, push_u64};

/// The largest exponent of a power `name**k` the text shortcut reads (as k copies of the name):
/// the powers PyTorch prints are small, and a term's copies stay few.
const MAX_TEXT_EXPONENT: u32 = 32;

/// The most copies of names the powers of one text add in the text shortcut: past them it
/// declines (and the parser, which keeps a power as one node, reads the text).
const MAX_TEXT_COPIES: usize = 1024;
use crate::{Context, Ty};

/// A term of the sum: its factors `names[from..from + len]` (sorted, distinct, at least one)
/// and its coefficient.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Mono<'s> {
    from: u32,
    len: u32,
    k: i64,
    /// The factors as the answer writes them (`s0*s53*x0`), when the text has them so: in
    /// order, without a power, joined by single `*`s. Empty otherwise.
    span: &'s str,
}

/// A factor: a symbol's name, with its order key ([`name_key`], 0 for none), and its exponent
/// (1 for the symbol itself, `k >= 2` for the power `name**k`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Name<'s> {
    name: &'s str,
    key: u64,
    exp: u32,
}

/// The order key of a name of `p` non-digit bytes (the first seven packed in `packed`, in
/// the order read) followed by `digits` digits of value `num` (wrapped past 64 bits), then
/// `rest` more bytes (letters and digits), with `leading_zero` when there are two digits or
/// more and the first is a zero. Names are ASCII letters, `_` and digits, starting with a non-digit: every non-digit
/// byte is above every digit, and none is 0 or 0xFF. A key is one of:
/// - exact (at most 7 non-digit bytes, then a run of digits without a leading zero whose
///   value + 1 fits in the bytes left after a zero byte, then nothing): the non-digit bytes
///   big-endian from the top byte, a zero byte, then the value + 1 (0 without digits) in the
///   low bytes. Two names' exact keys are equal only for one name;
/// - a prefix key (8 non-digit bytes or more): the first 7 bytes from the top, then 0xFF.
///   Two such names with the same first 7 bytes have the same key;
/// - 0, no key (`x01`, `x1_inner`, too many digits): such names compare by `natural_cmp`.
///
/// Why keys that differ compare as `natural_cmp` orders their names (no key is 0 and no name
/// starts with a digit): the keys differ first at a byte where both hold non-digit bytes of
/// their names (at the same offset, equal before it: `natural_cmp` compares those two bytes),
/// or where one holds its zero byte and the other a non-digit byte or 0xFF. Then the first
/// name's non-digit bytes are a proper prefix of the second's, and after them the first name
/// has a digit or ends where the second has a non-digit byte: `natural_cmp` puts the first
/// name first, as the keys do. Or both keys are exact with the same non-digit bytes and
/// differ in their low bytes: no digits is first, then the digit runs compare as numbers
/// (without leading zeros, as `natural_cmp` compares runs), and the names end there.
/// Equal keys whose low byte is not 0xFF are exact, hence one name; otherwise the names
/// compare by `natural_cmp`.
#[inline(always)]
fn name_key(packed: u64, p: usize, num: u64, digits: usize, leading_zero: bool, rest: bool) -> u64 {
    if p >= 8 {
        return packed << 8 | 0xFF;
    }
    if digits == 0 && !rest {
        return packed << (8 * (8 - p));
    }
    if rest || digits > 15 || leading_zero || p == 7 {
        return 0;
    }
    // Room for the value + 1 below the zero byte: 8 * (7 - p) bits, at least 8.
    let v = num + 1;
    if v >> (8 * (7 - p)) != 0 {
        return 0;
    }
    packed << (8 * (8 - p)) | v
}

/// The end of the name that starts at `b[s]` (a letter: then letters and digits) and its
/// order key ([`name_key`]), in one pass: its non-digit bytes (the first seven packed), its
/// digits (their value), then any more letters and digits.
#[inline(always)]
fn read_name(b: &[u8], s: usize) -> (usize, u64) {
    let mut i = s;
    let mut packed = 0u64;
    while i < b.len() && class(b[i]) == LETTER {
        if i - s < 7 {
            packed = packed << 8 | u64::from(b[i]);
        }
        i += 1;
    }
    let (p, ds) = (i - s, i);
    let mut num = 0u64;
    while i < b.len() && class(b[i]) == DIGIT {
        num = num.wrapping_mul(10).wrapping_add(u64::from(b[i] - b'0'));
        i += 1;
    }
    let digits = i - ds;
    let leading_zero = digits > 1 && b[ds] == b'0';
    let end = run_end(b, i, DIGIT | LETTER);
    (end, name_key(packed, p, num, digits, leading_zero, end > i))
}

/// The end of the run of digits from `src[i]` and their value as [`decimal`] reads it (`None`
/// beyond 64 bits): accumulated as they are read, up to 19 digits (which fit in u64).
#[inline(always)]
fn read_digits(src: &str, i: usize) -> Option<(usize, u64)> {
    let b = src.as_bytes();
    let (mut end, mut v) = (i, 0u64);
    while end < b.len() && class(b[end]) == DIGIT {
        v = v.wrapping_mul(10).wrapping_add(u64::from(b[end] - b'0'));
        end += 1;
    }
    if end - i > 19 {
        v = decimal(&src[i..end])?;
    }
    Some((end, v))
}

/// The order of two symbols' names (`natural_cmp`), through their keys where they decide it
/// ([`name_key`]). `Equal` only for one name.
#[inline]
fn name_cmp(a: &Name<'_>, b: &Name<'_>) -> Ordering {
    let (x, y) = (a.key, b.key);
    if x != 0 && y != 0 {
        if x != y {
            return x.cmp(&y);
        }
        if x & 0xFF != 0xFF {
            return Ordering::Equal;
        }
    }
    natural_cmp(a.name, b.name)
}

/// The order of two factors of products, as `cmp_expr` orders a symbol and a power: every
/// symbol before every power (their kinds' ranks), two symbols by name, two powers by base,
/// then exponent.
#[inline]
fn factor_cmp(a: &Name<'_>, b: &Name<'_>) -> Ordering {
    (a.exp > 1)
        .cmp(&(b.exp > 1))
        .then_with(|| name_cmp(a, b))
        .then_with(|| a.exp.cmp(&b.exp))
}

/// The term being read: its factors from `names[start]`, the product of its nonzero literals,
/// whether one was zero, and where its names are in the text (`first` the start of the first,
/// `last` the end of the last; `joined` while each name followed the previous one after a
/// single byte, a `*`).
struct Term {
    start: usize,
    mag: i64,
    zero: bool,
    first: usize,
    last: usize,
    joined: bool,
}

impl Term {
    fn new(start: usize) -> Self {
        Term {
            start,
            mag: 1,
            zero: false,
            first: usize::MAX,
            last: 0,
            joined: true,
        }
    }
}

/// The sum's terms as read: the symbols in `monos`, the powers and products in `prods`, the
/// constant in `cst` and the sum of the coefficients' magnitudes in `total`.
struct Sum<'s, 'b> {
    names: &'b mut Vec<Name<'s>>,
    monos: &'b mut Vec<Mono<'s>>,
    prods: &'b mut Vec<Mono<'s>>,
    cst: i64,
    total: i64,
}

impl<'s> Sum<'s, '_> {
    /// Ends the term `t` of sign `sign` of the text `src`. `None` where the magnitudes'
    /// sum leaves i64.
    ///
    /// Overflow, whatever the order: the parser folds a product's literals and adds the
    /// coefficients of equal products and the constants in orders of its own (the polynomial
    /// fast path's, or the descent's for a parenthesized literal). Literals are non-negative,
    /// so each partial product of a term's nonzero literals is at most the product of all of
    /// them, and each partial sum of coefficients at most the sum of their magnitudes: when
    /// both fit in i64 (the product is checked as the literals are read), nothing the parser
    /// computes overflows, and its value is the one computed here. Otherwise the text
    /// declines (and the parser answers or reports it).
    #[inline(always)]
    fn end_term(&mut self, t: &Term, sign: i64, src: &'s str) -> Option<()> {
        let names = &mut *self.names;
        let start = t.start;
        if t.zero {
            names.truncate(start);
            return Some(());
        }
        self.total = self.total.checked_add(t.mag)?;
        let k = t.mag * sign;
        let fs = &mut names[start..];
        // The names, sorted in the symbols' order (as `mul_parts` sorts the symbols). Most
        // products are written in order already (PyTorch sorts their factors by name):
        // strictly increasing means sorted and without a repeated symbol, and then, when the
        // text joins them by single `*`s, its bytes are the answer's. Else a sort (not
        // insertions: a product of n symbols stays n log n), then each run of one name is its
        // power (`x*x` and `x**2`, read as two copies, are `x**2`: `mul_parts` merges equal
        // bases), and the symbols go before the powers, as `cmp_expr` orders a product's
        // factors (a stable sort by kind keeps each kind in name order).
        let mut span = "";
        if strictly_increasing(fs, name_cmp) {
            if t.joined && !fs.is_empty() {
                span = &src[t.first..t.last];
            }
        } else {
            fs.sort_by(name_cmp);
            let mut w = start;
            for r in start + 1..names.len() {
                if name_cmp(&names[r], &names[w]).is_eq() {
                    names[w].exp += 1;
                } else {
                    w += 1;
                    names[w] = names[r];
                }
            }
            names.truncate(w + 1);
            if names[start..].iter().any(|n| n.exp > 1) {
                names[start..].sort_by_key(|n| n.exp > 1);
            }
        }
        let fs = &names[start..];
        if fs.is_empty() {
            self.cst += k;
            return Some(());
        }
        // Symbols in `monos`, powers and products in `prods`.
        (if fs.len() == 1 && fs[0].exp == 1 {
            &mut *self.monos
        } else {
            &mut *self.prods
        })
        .push(Mono {
            from: start as u32,
            len: fs.len() as u32,
            k,
            span,
        });
        Some(())
    }
}

impl Context {
    /// `display(simplify(parse(src)))` when `src` is a plain polynomial (a sum of products of
    /// integer literals, parenthesized or not, integer symbols and their powers by literals up
    /// to 32, with or without a leading minus), computed from the text: no symbol is made and
    /// nothing is interned. `None` for any other text, and where the shortcut would not be
    /// that answer or cannot tell cheaply: literals whose products or the sum of whose coefficients'
    /// magnitudes leave i64 (some order of the parser's arithmetic could overflow; this also
    /// keeps every coefficient and the constant above `i64::MIN`, which the printer writes
    /// apart), a name of a non-integer symbol, a symbol whose range is one integer (which
    /// `simplify` substitutes), and any node limit.
    ///
    /// ```
    /// # use sym::Context;
    /// let mut cx = Context::new();
    /// let t = cx.simplified_polynomial_text("x1*8 + 32*x2 + x3 + 32*x0*s27 - 2*x3 + 1");
    /// assert_eq!(t.as_deref(), Some("8*x1 + 32*x2 - x3 + 32*s27*x0 + 1"));
    /// assert_eq!(cx.simplified_polynomial_text("FloorDiv(x, 2)"), None);
    /// ```
    pub fn simplified_polynomial_text(&mut self, src: &str) -> Option<String> {
        if self.limits.input_nodes != usize::MAX
            || self.limits.context_nodes != usize::MAX
            || !self.facts.pinned.is_empty()
        {
            return None;
        }
        if !literal_parens_only(src.as_bytes()) {
            return None;
        }
        let mut names = recycle(std::mem::take(&mut self.parse_bufs.names));
        let mut monos = recycle(std::mem::take(&mut self.parse_bufs.monos));
        let mut prods = recycle(std::mem::take(&mut self.parse_bufs.prods));
        let mut sum = Sum {
            names: &mut names,
            monos: &mut monos,
            prods: &mut prods,
            cst: 0,
            total: 0,
        };
        // A name is looked up only to refuse a symbol of another type: in a context whose
        // symbols are all integers (the CLI's, with or without its facts set), every name
        // reads as an integer symbol, made or not.
        let read = if self.syms.iter().all(|s| s.ty == Ty::Int) {
            self.read_polynomial::<false>(src, &mut sum)
        } else {
            self.read_polynomial::<true>(src, &mut sum)
        };
        let cst = sum.cst;
        let r = read.and_then(|()| polynomial_text(&names, &mut monos, &mut prods, cst, src.len()));
        self.parse_bufs.names = recycle(names);
        self.parse_bufs.monos = recycle(monos);
        self.parse_bufs.prods = recycle(prods);
        r
    }

    /// Reads `src` into `sum` (empty) in one pass, as the parser's polynomial fast path reads
    /// it ([`Context::scan_polynomial`]: an operand, then `*`, `+`, `-` or the end, blanks
    /// anywhere between), and three more shapes PyTorch prints: a parenthesized literal
    /// (`(10)`), a power of a name by a literal from 2 to [`MAX_TEXT_EXPONENT`] (`s27**2`,
    /// read as that many copies of the name: `x**2` and `x*x` have one normal form, `x**2`),
    /// and a leading minus (`-p1 + s27`: `-t` is `-1*t` for a term `t` of names, literals and
    /// such powers, as `-x*y` and `-x**2` parse). An operand is an integer literal that fits
    /// in i64 (not followed by a letter or a point: `2.5`, `1e3` and `2x` decline) or a name
    /// that is not reserved and, with `LOOKUP`, not a symbol of another type. `None` (the
    /// buffers then hold anything) for any other text, and where a term's literals' product
    /// or the coefficients' magnitudes leave i64. Nothing is created or interned.
    #[inline(always)]
    fn read_polynomial<'s, const LOOKUP: bool>(
        &self,
        src: &'s str,
        sum: &mut Sum<'s, '_>,
    ) -> Option<()> {
        let b = src.as_bytes();
        let mut sign = 1i64;
        // The copies the powers added (`x**32` is 32 names from 5 bytes: bounded, so that the
        // names stay about as many as the text's bytes).
        let mut copies = 0usize;
        let mut i = run_end(b, 0, WS);
        if b.get(i) == Some(&b'-') {
            sign = -1;
            i += 1;
        }
        let mut t = Term::new(0);
        loop {
            // An operand.
            i = run_end(b, i, WS);
            let c = *b.get(i)?;
            let ck = class(c);
            if ck == LETTER {
                let s = i;
                let key;
                (i, key) = read_name(b, s);
                let name = &src[s..i];
                if is_reserved(name) {
                    return None;
                }
                if LOOKUP {
                    let h = crate::names::SymNames::hash(name);
                    if self
                        .lookup_hashed(name, h)
                        .is_some_and(|sym| self.sym_ty(sym) != Ty::Int)
                    {
                        return None;
                    }
                }
                let n = Name { name, key, exp: 1 };
                sum.names.push(n);
                if t.first == usize::MAX {
                    t.first = s;
                } else if s != t.last + 1 {
                    t.joined = false;
                }
                t.last = i;
                i = run_end(b, i, WS);
                if b.get(i) == Some(&b'*') && b.get(i + 1) == Some(&b'*') {
                    // `name**k`: k copies of the name. The literal stands alone: no sign, no
                    // leading zero, not followed by a letter, a point or another `**` (the
                    // match below declines `x**2**3`, a power of a power).
                    i = run_end(b, i + 2, WS);
                    let end = run_end(b, i, DIGIT);
                    if !matches!(b.get(i), Some(b'1'..=b'9'))
                        || end - i > 2
                        || matches!(b.get(end), Some(c) if *c == b'.' || class(*c) == LETTER)
                    {
                        return None;
                    }
                    let k = src[i..end].parse::<u32>().ok()?;
                    copies += k as usize - 1;
                    if !(2..=MAX_TEXT_EXPONENT).contains(&k) || copies > MAX_TEXT_COPIES {
                        return None;
                    }
                    for _ in 1..k {
                        sum.names.push(n);
                    }
                    t.joined = false;
                    i = run_end(b, end, WS);
                }
            } else {
                // A literal, parenthesized (`(10)`) or not.
                let (v, end) = if c == b'(' {
                    let (end, v) = read_digits(src, i + 1)?;
                    if end == i + 1 || b.get(end) != Some(&b')') {
                        return None;
                    }
                    (v, end + 1)
                } else if ck == DIGIT {
                    let (end, v) = read_digits(src, i)?;
                    if end < b.len() && (b[end] == b'.' || class(b[end]) == LETTER) {
                        return None;
                    }
                    (v, end)
                } else {
                    return None;
                };
                let v = i64::try_from(v).ok()?;
                // The product of the term's nonzero literals (the same in any order, and so is
                // whether some partial product overflows: they are non-negative, each partial
                // product at most the whole).
                if v == 0 {
                    t.zero = true;
                } else {
                    t.mag = t.mag.checked_mul(v)?;
                }
                i = run_end(b, end, WS);
            }
            // An operator or the end.
            match b.get(i) {
                None => return sum.end_term(&t, sign, src),
                Some(b'*') if b.get(i + 1) != Some(&b'*') => i += 1,
                Some(&op @ (b'+' | b'-')) => {
                    sum.end_term(&t, sign, src)?;
                    t = Term::new(sum.names.len());
                    sign = if op == b'+' { 1 } else { -1 };
                    i += 1;
                }
                _ => return None,
            }
        }
    }
}

/// Whether every `(` of `b` is a literal's (`(10)`, the only parenthesis a plain polynomial's
/// text has): a call, a group or a printed `FloorDiv` declines before the text is read (one
/// word-at-a-time search for texts without a parenthesis, most plain polynomials), and so
/// does a group that opens with a digit (`s92*(2*q3 + 1)`), before its first terms are ended.
#[inline]
fn literal_parens_only(b: &[u8]) -> bool {
    if !b.contains(&b'(') {
        return true;
    }
    let mut rest = b;
    while let Some(p) = rest.iter().position(|&c| c == b'(') {
        let end = run_end(rest, p + 1, DIGIT);
        if end == p + 1 || rest.get(end) != Some(&b')') {
            return false;
        }
        rest = &rest[end + 1..];
    }
    true
}

/// Whether each item of `v` is below the next one in the order `cmp`.
#[inline]
fn strictly_increasing<T>(v: &[T], cmp: impl Fn(&T, &T) -> Ordering) -> bool {
    v.windows(2).all(|w| cmp(&w[0], &w[1]) == Ordering::Less)
}

/// Sorts `v` by `cmp` (stably) unless it is strictly increasing already (the text's order is
/// often the normal form's), merges equal terms (adding their coefficients in that order:
/// within the magnitudes' bound, no overflow) and drops those that cancelled, as
/// `sort_merge_terms` does.
#[inline]
fn sort_merge<'s>(
    v: &mut Vec<Mono<'s>>,
    cmp: impl Fn(&Mono<'s>, &Mono<'s>) -> Ordering,
) -> Option<()> {
    if v.len() < 2 || strictly_increasing(v, &cmp) {
        return Some(());
    }
    v.sort_by(&cmp);
    let mut w = 0;
    for r in 1..v.len() {
        if cmp(&v[r], &v[w]).is_eq() {
            // Within the bound: cannot overflow. (Equal terms have equal factors: the first
            // one's span writes them.)
            v[w].k = v[w].k.checked_add(v[r].k)?;
        } else {
            w += 1;
            v[w] = v[r];
        }
    }
    v.truncate(w + 1);
    v.retain(|m| m.k != 0);
    Some(())
}

/// The text of the polynomial whose symbols are `monos`, whose powers and products are
/// `prods` (their factors in `names`) and whose constant is `cst`, from a text of `len` bytes.
fn polynomial_text<'s>(
    names: &[Name<'s>],
    monos: &mut Vec<Mono<'s>>,
    prods: &mut Vec<Mono<'s>>,
    cst: i64,
    len: usize,
) -> Option<String> {
    let factors = |m: &Mono| &names[m.from as usize..(m.from + m.len) as usize];
    // `sort_merge_terms`: a stable sort in `cmp_expr`'s order (the kinds' ranks: a symbol,
    // then a power, then a product; two symbols by name; two powers by base, then exponent;
    // two products by their first differing factors, then by length), equal terms merged in
    // that order; then the terms whose coefficients cancelled dropped. The order puts every
    // symbol before every power or product: the two groups are sorted apart (each kept in the
    // text's order, the terms are often sorted already: PyTorch prints products of more
    // symbols first), and no term of one is equal to a term of the other.
    sort_merge(monos, |a, b| {
        name_cmp(&names[a.from as usize], &names[b.from as usize])
    })?;
    let kind = |m: &Mono| m.len > 1;
    sort_merge(prods, |a, b| {
        kind(a).cmp(&kind(b)).then_with(|| {
            let (fa, fb) = (factors(a), factors(b));
            fa.iter()
                .zip(fb)
                .map(|(x, y)| factor_cmp(x, y))
                .find(|o| o.is_ne())
                .unwrap_or_else(|| fa.len().cmp(&fb.len()))
        })
    })?;
    // The answer is about as long as the text (blanks around each sign, powers for repeated
    // names, folded literals): room for a little more, so that writing it does not grow it
    // (twelve bytes a term did for most texts: two reallocations, a sixteenth of a median
    // request).
    let mut out = String::with_capacity(len + len / 8 + 16);
    let write_factors = |out: &mut String, m: &Mono| {
        if !m.span.is_empty() {
            out.push_str(m.span);
            return;
        }
        for (i, f) in factors(m).iter().enumerate() {
            if i > 0 {
                out.push('*');
            }
            out.push_str(f.name);
            if f.exp > 1 {
                out.push_str("**");
                push_u64(out, u64::from(f.exp));
            }
        }
    };
    let terms = || monos.iter().chain(prods.iter());
    match (monos.len() + prods.len(), terms().next()) {
        // A constant.
        (0, _) => push_i64(&mut out, cst),
        // A symbol or a product of symbols.
        (1, Some(m)) if m.k == 1 && cst == 0 => write_factors(&mut out, m),
        // A sum, as `push_flat_sum` writes it (which declines only an `i64::MIN` coefficient
        // or constant, which the magnitude bound rules out).
        _ => {
            let term = |out: &mut String, m: &Mono, first: bool| {
                match (first, m.k < 0) {
                    (true, false) => {}
                    (true, true) => out.push('-'),
                    (false, false) => out.push_str(" + "),
                    (false, true) => out.push_str(" - "),
                }
                if m.k != 1 && m.k != -1 {
                    push_u64(out, m.k.unsigned_abs());
                    out.push('*');
                }
                write_factors(out, m);
            };
            // The lead: the first term with a positive coefficient, else the constant, else
            // the first term.
            let lead = match terms().position(|m| m.k > 0) {
                None if cst != 0 => None,
                p => Some(p.unwrap_or(0)),
            };
            match lead {
                Some(i) => term(&mut out, terms().nth(i)?, true),
                None => push_i64(&mut out, cst),
            }
            for (i, m) in terms().enumerate() {
                if lead != Some(i) {
                    term(&mut out, m, false);
                }
            }
            if cst != 0 && lead.is_some() {
                out.push_str(if cst < 0 { " - " } else { " + " });
                push_u64(&mut out, cst.unsigned_abs());
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use crate::{Context, Ty};

    use crate::test_rng::xorshift;

    /// Names of every shape the order and the scan treat apart: digit runs of several
    /// lengths (`x2` before `x10`), leading zeros, no digits, more than eight letters (no order
    /// key), underscores, capitals, and reserved words (which decline).
    const NAMES: &[&str] = &[
        "x",
        "x0",
        "x1",
        "x2",
        "x10",
        "x01",
        "x007",
        "s27",
        "s3",
        "ks0",
        "ks1",
        "x3_inner",
        "a",
        "b_1",
        "abcdefghij",
        "abcdefgh1",
        "abcdefghi12",
        "q",
        "X",
        "Z9",
        "_a",
        "oo",
        "True",
        "nan",
        "Min",
        "int_oo",
    ];

    /// Literals around the overflow edges (the last one is beyond i64).
    const LITERALS: &[&str] = &[
        "0",
        "1",
        "2",
        "3",
        "7",
        "64",
        "1000",
        "2147483648",
        "3037000499",
        "3037000500",
        "4611686018427387904",
        "9223372036854775807",
        "9223372036854775808",
    ];

    fn random_text(next: &mut impl FnMut(u64) -> u64) -> String {
        let pool = 2 + next(NAMES.len() as u64 - 1) as usize;
        let ws = |next: &mut dyn FnMut(u64) -> u64| match next(6) {
            0 => "",
            1 => "  ",
            _ => " ",
        };
        let mut s = String::new();
        for t in 0..1 + next(6) {
            if t > 0 {
                s.push_str(ws(next));
                s.push(if next(2) == 0 { '+' } else { '-' });
                s.push_str(ws(next));
            }
            for f in 0..1 + next(4) {
                if f > 0 {
                    s.push('*');
                }
                if next(4) == 0 {
                    let l = if next(3) == 0 { LITERALS.len() } else { 7 };
                    let lit = LITERALS[next(l as u64) as usize];
                    // Parenthesized now and then, as PyTorch prints some constants.
                    if next(4) == 0 {
                        s.push_str(&format!("({lit})"));
                    } else {
                        s.push_str(lit);
                    }
                } else {
                    s.push_str(NAMES[next(pool as u64) as usize]);
                    // Now and then a power: the exponents read (2 to 32) and around them.
                    if next(10) == 0 {
                        let good = ["2", "3", "2", "32", "4"];
                        let bad = ["33", "1", "0", "02", "2**2", "-2", "2.0"];
                        let k = if next(4) == 0 {
                            bad[next(bad.len() as u64) as usize]
                        } else {
                            good[next(good.len() as u64) as usize]
                        };
                        let gap = if next(4) == 0 { " " } else { "" };
                        s.push_str(&format!("{gap}**{gap}{k}"));
                    }
                }
            }
        }
        // A leading minus, now and then with a blank after it.
        match next(6) {
            0 => s.insert(0, '-'),
            1 => s.insert_str(0, "- "),
            _ => {}
        }
        // Now and then something the shortcut must not take.
        match next(40) {
            0 => s.push_str("//2"),
            1 => s.insert(0, '-'),
            2 => s.push_str("**y"),
            3 => s.push_str(" + 2.5"),
            4 => s = format!("({s})"),
            5 => s.push_str("(2)**2"),
            _ => {}
        }
        s
    }

    /// `display(simplify(parse(text)))` on a context made by `setup`, when the parse succeeds
    /// and the answer is the parse's own normal form.
    fn reference(text: &str, setup: &dyn Fn(&mut Context)) -> Option<String> {
        let mut cx = Context::new();
        setup(&mut cx);
        let e = cx.parse(text).ok()?;
        let s = cx.simplify(e);
        Some(cx.display(s))
    }

    /// The shortcut answers exactly what parsing, simplifying and printing answer, on random
    /// texts in contexts with no symbol, with symbols made before (in another order than the
    /// text's), with a float symbol (whose name declines), with facts that pin no symbol
    /// (symbolic ranges, an assumption), with a symbol pinned to one value
    /// (which `simplify` substitutes: the shortcut declines) and with a node limit (declines).
    /// And it answers most of them, including merged and cancelled terms, constant leads and
    /// negative leads.
    #[test]
    fn the_text_shortcut_is_parse_simplify_display() {
        type Setup = Box<dyn Fn(&mut Context)>;
        let setups: Vec<(Setup, bool)> = vec![
            (Box::new(|_| {}), true),
            (
                Box::new(|cx| {
                    for n in ["x10", "s3", "x2", "abcdefghij", "x"] {
                        cx.symbol(n).unwrap();
                    }
                }),
                true,
            ),
            (
                Box::new(|cx| {
                    cx.declare("x1", Ty::Float).unwrap();
                }),
                true,
            ),
            // Facts that pin nothing: symbolic ranges and an assumption.
            (
                Box::new(|cx| {
                    cx.set_range_str("x1", "0", "s3 - 1").unwrap();
                    cx.set_range_str("s3", "2", "").unwrap();
                    cx.set_range_str("x0", "-4", "4").unwrap();
                    let a = cx.parse_bool("x0 + x1 >= 1").unwrap();
                    cx.assume(a).unwrap();
                }),
                true,
            ),
            (
                Box::new(|cx| {
                    let s = cx.symbol("x0").unwrap();
                    cx.set_range_int(s, 3, 3).unwrap();
                }),
                false,
            ),
            (
                Box::new(|cx| {
                    cx.set_limits(crate::Limits {
                        input_nodes: 1000,
                        ..crate::Limits::default()
                    });
                }),
                false,
            ),
        ];
        let mut next = xorshift(0x5EED_2021);
        let (mut answered, mut merged, mut constant_lead, mut negative_lead, mut zero) =
            (0, 0, 0, 0, 0);
        let (mut powers, mut signed) = (0, 0);
        let mut texts = 0;
        for _ in 0..6000 {
            let text = random_text(&mut next);
            for (setup, may_answer) in &setups {
                texts += usize::from(*may_answer);
                let mut cx = Context::new();
                setup(&mut cx);
                let Some(t) = cx.simplified_polynomial_text(&text) else {
                    continue;
                };
                assert!(may_answer, "answered {text:?} where it must decline: {t}");
                assert_eq!(Some(&t), reference(&text, setup).as_ref(), "{text:?}");
                // Nothing was made.
                assert_eq!(
                    cx.node_count(),
                    Context::new().node_count() + setup_nodes(setup)
                );
                answered += 1;
                merged +=
                    usize::from(t.matches(['+', '-']).count() < text.matches(['+', '-']).count());
                constant_lead +=
                    usize::from(t.starts_with(|c: char| c.is_ascii_digit()) && t.contains(' '));
                negative_lead += usize::from(t.starts_with('-'));
                zero += usize::from(t == "0");
                powers += usize::from(t.contains("**"));
                signed += usize::from(text.trim_start().starts_with('-'));
            }
        }
        assert!(powers > 300 && signed > 300, "{powers} {signed}");
        assert!(answered * 3 > texts, "{answered} of {texts}");
        assert!(
            merged > 100 && constant_lead > 20 && negative_lead > 20 && zero > 5,
            "{merged} {constant_lead} {negative_lead} {zero}"
        );
    }

    /// The edges, answered or declined as the comments say, and each answer the composition's.
    #[test]
    fn edges() {
        const MAX: i64 = i64::MAX;
        let big = 1i64 << 62;
        let cases: Vec<(String, Option<&str>)> = vec![
            // Constants: folded, and the constant leads when no term is positive.
            ("2*3 + 4".into(), Some("10")),
            ("0".into(), Some("0")),
            ("3 - x".into(), Some("3 - x")),
            // A leading minus.
            ("-x".into(), Some("-x")),
            ("- 2*x*y + 3".into(), Some("3 - 2*x*y")),
            ("-x + x".into(), Some("0")),
            ("--x".into(), None),
            ("-+x".into(), None),
            ("- -1".into(), None),
            // Terms merged (stable: equal terms added in the text's order) and cancelled.
            ("x - x".into(), Some("0")),
            ("y*x + 2*x*y - 3*y*x".into(), Some("0")),
            ("0*x + y".into(), Some("y")),
            ("x*y + 1 - 1".into(), Some("x*y")),
            ("2*x*y".into(), Some("2*x*y")),
            (
                "x10 + x2 + x + x01 + y*x".into(),
                Some("x + x01 + x2 + x10 + x*y"),
            ),
            ("b*a*c + a*b + c".into(), Some("c + a*b + a*b*c")),
            // Powers: a repeated symbol is one, symbols before powers in a product, a symbol
            // before a power before a product in a sum, two powers by base then exponent.
            ("x*x".into(), Some("x**2")),
            ("2*x*y*x".into(), Some("2*y*x**2")),
            ("x**2*x".into(), Some("x**3")),
            ("y**2*x**3*a".into(), Some("a*x**3*y**2")),
            (
                "4*s27**2*x0 + s27**2 + x1".into(),
                Some("x1 + s27**2 + 4*x0*s27**2"),
            ),
            (
                "a**2*b + a*b**2 + a*b + a**3 + b**2 + a**2 + b".into(),
                Some("b + a**2 + a**3 + b**2 + a*b + a*b**2 + b*a**2"),
            ),
            ("x*y**2 + x**2*y".into(), Some("x*y**2 + y*x**2")),
            ("x**2 - x*x + z".into(), Some("z")),
            ("-x**2".into(), Some("-x**2")),
            ("x ** 2".into(), Some("x**2")),
            ("x**32".into(), Some("x**32")),
            ("x**32*x**32".into(), Some("x**64")),
            ("x**33".into(), None),
            ("x**1".into(), None),
            ("x**0".into(), None),
            ("x**02".into(), None),
            ("x**2**3".into(), None),
            ("x**-2".into(), None),
            ("x**2.0".into(), None),
            ("x**y".into(), None),
            ("2**3*x".into(), None),
            ("(2)**3*x".into(), None),
            ("x**".into(), None),
            // The copies the powers add are bounded (a long text of powers is the parser's).
            (vec!["x**32"; 33].join("*"), Some("x**1056")),
            (vec!["x**32"; 34].join("*"), None),
            // Overflows, on the way or at the end, decline (the parser reports them).
            (format!("{big}*2 + 1"), None),
            (format!("x*{big} + x*{big}"), None),
            (format!("x*{big} + x*{big} + x*{big}"), None),
            (format!("{big}*1 + {big}*1"), None),
            (format!("{MAX} + 1"), None),
            (format!("x*{MAX} - x*{MAX}"), None), // the magnitudes' sum overflows
            (format!("x*{big} - 2*x*{big} + 3*{big}"), None),
            (format!("x*{} - x*{}", big / 2, big / 2), Some("0")),
            ("0*9223372036854775807*9223372036854775807 + x".into(), None),
            // A constant of i64::MIN (which the printer writes in parentheses): beyond the
            // magnitude bound.
            (format!("x - {MAX} - 1"), None),
            (format!("{MAX} - {MAX}"), None),
            (format!("{MAX} - 0*{MAX}"), Some("9223372036854775807")),
            // Parenthesized literals, as PyTorch prints some constants.
            (
                "d0*(6)*s27*(13) + d1*(6)*(13) + (6)*tmp62 + tmp78".into(),
                Some("78*d1 + 6*tmp62 + tmp78 + 78*d0*s27"),
            ),
            ("(0)*x + (7)".into(), Some("7")),
            ("(x)".into(), None),
            ("(6".into(), None),
            ("()".into(), None),
            ("(6)(7)".into(), None),
            ("( 6)*x".into(), None),
            ("x*(12) + (3)*y*(2)".into(), Some("12*x + 6*y")),
            // A group opening with a digit declines before its first terms are ended.
            ("2*x*y + s92*(2*q3 + 1)".into(), None),
            ("x + (2)*(3".into(), None),
            // Not polynomials.
            ("FloorDiv(x, 2)".into(), None),
            ("(x + 1)".into(), None),
            ("x + 2.5".into(), None),
            ("oo + x".into(), None),
        ];
        for (text, want) in cases {
            let mut cx = Context::new();
            let got = cx.simplified_polynomial_text(&text);
            assert_eq!(got.as_deref(), want, "{text}");
            if let Some(t) = got {
                assert_eq!(Some(t), reference(&text, &|_| {}), "{text}");
            }
        }
    }

    /// The names' keys order them as `natural_cmp` does, on every pair of names of every
    /// shape the keys treat apart: non-digit parts of 1 to 10 bytes (exact keys up to 7,
    /// prefix keys from 8, with ties), digit runs at the edges of the room each length leaves
    /// (the largest value that fits and the next), leading zeros, 15 and 16 digits, beyond
    /// 64 bits, and letters after the digits (no key). Each name's end is its own.
    #[test]
    fn name_keys_order_as_natural_cmp() {
        use super::{Name, name_cmp, read_name};
        use crate::expr::natural_cmp;
        let stem = "abcdefghij";
        let mut prefixes = Vec::new();
        for len in 1..=stem.len() {
            let p = &stem[..len];
            prefixes.push(p.to_string());
            // The last byte changed: below and above it, `_` and a capital.
            for c in ['a', 'z', '_', 'A'] {
                prefixes.push(format!("{}{c}", &p[..len - 1]));
            }
        }
        prefixes.sort();
        prefixes.dedup();
        let digits = [
            "",
            "0",
            "1",
            "2",
            "9",
            "10",
            "01",
            "00",
            "007",
            "254",
            "255",
            "256",
            "65534",
            "65535",
            "16777214",
            "16777215",
            "4294967294",
            "4294967295",
            "1099511627774",
            "1099511627775",
            "281474976710654",
            "281474976710655",
            "999999999999999",
            "1000000000000000",
            "18446744073709551616",
        ];
        let mut names = Vec::new();
        for p in &prefixes {
            for d in digits {
                names.push(format!("{p}{d}"));
                if !d.is_empty() && d.len() < 4 {
                    names.push(format!("{p}{d}a"));
                    names.push(format!("{p}{d}_0"));
                }
            }
        }
        let (mut keyed, mut prefix_keys) = (0, 0);
        let read: Vec<Name> = names
            .iter()
            .map(|n| {
                let (end, key) = read_name(n.as_bytes(), 0);
                assert_eq!(end, n.len(), "{n}");
                keyed += usize::from(key != 0);
                prefix_keys += usize::from(key & 0xFF == 0xFF);
                Name {
                    name: n,
                    key,
                    exp: 1,
                }
            })
            .collect();
        assert!(keyed > 500 && prefix_keys > 100, "{keyed} {prefix_keys}");
        for a in &read {
            for b in &read {
                assert_eq!(
                    name_cmp(a, b),
                    natural_cmp(a.name, b.name),
                    "{} {:#x} vs {} {:#x}",
                    a.name,
                    a.key,
                    b.name,
                    b.key
                );
            }
        }
    }

    /// The nodes `setup` makes.
    fn setup_nodes(setup: &dyn Fn(&mut Context)) -> usize {
        let mut cx = Context::new();
        let n = cx.node_count();
        setup(&mut cx);
        cx.node_count() - n
    }
}
