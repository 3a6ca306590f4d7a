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
//! The answer is exactly `display(simplify(parse(src)))`: the scan of the parser's polynomial
//! fast path (plus parenthesized literals, `d0*(6)*s27`, as PyTorch prints some constants),
//! arithmetic bounded so that no order of it overflows (where the parser would overflow, or
//! might, the text declines), the order of `cmp_expr` on symbols and products of symbols
//! (names in `natural_cmp` order, which the symbols' order keys agree with), and the writing
//! of `push_flat_sum`. The tests hold it to that composition on random texts.

use std::cmp::Ordering;

use crate::expr::{natural_cmp, sym_order_key};
use crate::parse::{PolyAtom, recycle};
use crate::print::{push_i64, push_u64};
use crate::{Context, Ty};

/// A term of the sum: its factors `names[from..from + len]` (sorted, distinct, at least one)
/// and its coefficient.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Mono<'s> {
    from: u32,
    len: u32,
    k: i64,
    /// The first factor (`names[from]`), which decides most comparisons.
    lead: Name<'s>,
}

/// A factor: a symbol's name, with its order key when it has one, and its exponent (1 for the
/// symbol itself, `k >= 2` for the power `name**k`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Name<'s> {
    name: &'s str,
    key: Option<(u64, u64)>,
    exp: u32,
}

/// The order of two symbols' names, as `Context::sym_cmp` orders the symbols: by their keys
/// when both have one, else by `natural_cmp` (which the keys agree with). `Equal` only for
/// one name.
#[inline]
fn name_cmp(a: &Name<'_>, b: &Name<'_>) -> Ordering {
    match (a.key, b.key) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => natural_cmp(a.name, b.name),
    }
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
        let mut atoms = recycle(std::mem::take(&mut self.parse_bufs.atoms));
        let mut terms = std::mem::take(&mut self.parse_bufs.terms);
        // A name is looked up only to refuse a symbol of another type: in a context whose
        // symbols are all integers (the CLI's, with or without its facts set), every name
        // reads as an integer symbol, made or not.
        let scanned = if self.syms.iter().all(|s| s.ty == Ty::Int) {
            self.scan_polynomial::<false, true>(src, &mut atoms, &mut terms)
        } else {
            self.scan_polynomial::<true, true>(src, &mut atoms, &mut terms)
        };
        let mut names = recycle(std::mem::take(&mut self.parse_bufs.names));
        let mut monos = recycle(std::mem::take(&mut self.parse_bufs.monos));
        let mut prods = recycle(std::mem::take(&mut self.parse_bufs.prods));
        let r = scanned.and_then(|()| {
            polynomial_text(
                &atoms,
                &terms,
                &mut names,
                &mut monos,
                &mut prods,
                src.len(),
            )
        });
        terms.clear();
        self.parse_bufs.atoms = recycle(atoms);
        self.parse_bufs.terms = terms;
        self.parse_bufs.names = recycle(names);
        self.parse_bufs.monos = recycle(monos);
        self.parse_bufs.prods = recycle(prods);
        r
    }
}

/// Whether every `(` of `b` opens a literal (`(10)`, the only parenthesis a plain polynomial's
/// text has): a call, a group or a printed `FloorDiv` declines before the scan (one
/// word-at-a-time search for texts without a parenthesis, most plain polynomials).
#[inline]
fn literal_parens_only(b: &[u8]) -> bool {
    !b.contains(&b'(') || b.windows(2).all(|w| w[0] != b'(' || w[1].is_ascii_digit())
}

/// Whether each item of `v` is below the next one in the order `cmp`.
#[inline]
fn strictly_increasing<T>(v: &[T], cmp: impl Fn(&T, &T) -> Ordering) -> bool {
    v.windows(2).all(|w| cmp(&w[0], &w[1]) == Ordering::Less)
}

/// The text of the polynomial `atoms`/`terms` (as [`Context::scan_polynomial`] reads them)
/// from a text of `len` bytes. `names`, `monos` and `prods` are empty buffers.
fn polynomial_text<'s>(
    atoms: &[PolyAtom<'s>],
    terms: &[(i64, usize)],
    names: &mut Vec<Name<'s>>,
    monos: &mut Vec<Mono<'s>>,
    prods: &mut Vec<Mono<'s>>,
    len: usize,
) -> Option<String> {
    // Overflow, whatever the order: the parser folds a product's literals and adds the
    // coefficients of equal products and the constants in orders of its own (the polynomial
    // fast path's, or the descent's for a parenthesized literal). Literals are non-negative,
    // so each partial product of a term's nonzero literals is at most the product of all of
    // them, and each partial sum of coefficients at most the sum of their magnitudes: when
    // both fit in i64, nothing the parser computes overflows, and its value is the one
    // computed here. Otherwise the text declines (and the parser answers or reports it).
    let mut total = 0i64;
    let mut cst = 0i64;
    let mut from = 0;
    for &(sign, to) in terms {
        let term = &atoms[from..to];
        from = to;
        // The names, sorted below in the symbols' order (as `mul_parts` sorts the symbols).
        // (The product of the nonzero literals is the same in any order, and so is whether
        // some partial product overflows: they are non-negative, each partial product at
        // most the whole.)
        let start = names.len();
        let (mut mag, mut zero) = (1i64, false);
        for a in term {
            match *a {
                PolyAtom::Int(0) => zero = true,
                PolyAtom::Int(v) => mag = mag.checked_mul(v)?,
                PolyAtom::Sym(name, ..) => names.push(Name {
                    name,
                    key: sym_order_key(name),
                    exp: 1,
                }),
            }
        }
        if zero {
            names.truncate(start);
            continue;
        }
        total = total.checked_add(mag)?;
        let k = mag * sign;
        let fs = &mut names[start..];
        // Most products are written in order already (PyTorch sorts their factors by name):
        // strictly increasing means sorted and without a repeated symbol. Else a sort (not
        // insertions: a product of n symbols stays n log n), then each run of one name is its
        // power (`x*x` and `x**2`, read as two copies, are `x**2`: `mul_parts` merges equal
        // bases), and the symbols go before the powers, as `cmp_expr` orders a product's
        // factors (a stable sort by kind keeps each kind in name order).
        if !strictly_increasing(fs, name_cmp) {
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
            cst += k;
            continue;
        }
        // Symbols in `monos`, powers and products in `prods` (joined below).
        (if fs.len() == 1 && fs[0].exp == 1 {
            &mut *monos
        } else {
            &mut *prods
        })
        .push(Mono {
            from: start as u32,
            len: fs.len() as u32,
            k,
            lead: fs[0],
        });
    }
    let factors = |m: &Mono| &names[m.from as usize..(m.from + m.len) as usize];
    // `sort_merge_terms`: a stable sort in `cmp_expr`'s order (the kinds' ranks: a symbol,
    // then a power, then a product; two symbols by name; two powers by base, then exponent;
    // two products by their first differing factors, then by length), equal terms merged in
    // that order; then the terms whose coefficients cancelled dropped.
    let kind = |m: &Mono| match (m.len, m.lead.exp) {
        (1, 1) => 0,
        (1, _) => 1,
        _ => 2,
    };
    let cmp = |a: &Mono, b: &Mono| match (kind(a), kind(b)) {
        (0, 0) => name_cmp(&a.lead, &b.lead),
        (1, 1) => factor_cmp(&a.lead, &b.lead),
        (2, 2) => factor_cmp(&a.lead, &b.lead).then_with(|| {
            let (fa, fb) = (factors(a), factors(b));
            fa[1..]
                .iter()
                .zip(&fb[1..])
                .map(|(x, y)| factor_cmp(x, y))
                .find(|o| o.is_ne())
                .unwrap_or_else(|| fa.len().cmp(&fb.len()))
        }),
        (ka, kb) => ka.cmp(&kb),
    };
    // The order puts every symbol before every power or product: each group kept in the
    // text's order and joined so (a stable partition, which the stable sort below keeps), the
    // terms are often sorted already (PyTorch prints products of more symbols first), and the
    // sort then only compares neighbours.
    monos.append(prods);
    // Strictly increasing: sorted, and no two terms to merge (the text's order is often the
    // normal form's already).
    if monos.len() > 1 && !strictly_increasing(monos, cmp) {
        monos.sort_by(cmp);
        let mut w = 0;
        for r in 1..monos.len() {
            if cmp(&monos[r], &monos[w]).is_eq() {
                // Within the bound above: cannot overflow.
                monos[w].k = monos[w].k.checked_add(monos[r].k)?;
            } else {
                w += 1;
                monos[w] = monos[r];
            }
        }
        monos.truncate(w + 1);
        monos.retain(|m| m.k != 0);
    }
    // The answer is about as long as the text (blanks around each sign, powers for repeated
    // names, folded literals): room for a little more, so that writing it does not grow it
    // (twelve bytes a term did for most texts: two reallocations, a sixteenth of a median
    // request).
    let mut out = String::with_capacity(len + len / 8 + 16);
    let write_factors = |out: &mut String, m: &Mono| {
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
    match &monos[..] {
        // A constant.
        [] => push_i64(&mut out, cst),
        // A symbol or a product of symbols.
        [m] if m.k == 1 && cst == 0 => write_factors(&mut out, m),
        // A sum, as `push_flat_sum` writes it (which declines only an `i64::MIN` coefficient
        // or constant, which the magnitude bound above rules out).
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
            let lead = match monos.iter().position(|m| m.k > 0) {
                None if cst != 0 => None,
                p => Some(p.unwrap_or(0)),
            };
            match lead {
                Some(i) => term(&mut out, &monos[i], true),
                None => push_i64(&mut out, cst),
            }
            for (i, m) in monos.iter().enumerate() {
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

    /// The nodes `setup` makes.
    fn setup_nodes(setup: &dyn Fn(&mut Context)) -> usize {
        let mut cx = Context::new();
        let n = cx.node_count();
        setup(&mut cx);
        cx.node_count() - n
    }
}
