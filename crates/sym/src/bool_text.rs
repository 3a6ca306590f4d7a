//! Whether a text is a boolean the parser accepts, read without building anything
//! ([`plain_bool_text`]).
//!
//! A compiler sends its shape environment's guards with every question (`Ne(Mod(FloorDiv(s53,
//! 2), (s0 + 1)*FloorDiv(s53, 2)), 0)`, five to ten of them on the real requests of other
//! models). Where a question's answer cannot depend on such an assumption (a plain
//! polynomial's simplification: docs/cli.md), the caller still owes the user the error of a
//! malformed one, and that is all it needs from the text: parsing it builds the normal form of
//! both sides (about 5,000 instructions for the guard above), this reads it once (a few
//! hundred).
//!
//! The grammar read is a subset of the parser's, and the answer is one-sided: `true` only
//! where [`Context::parse`](crate::Context::parse) of the text, on a context without declared
//! types or node limits, succeeds with a boolean; `false` wherever that is not certain from
//! this reading (the caller then parses the text as usual). Read:
//! - at the top, and inside `And`, `Or` (two operands or more) and `Not` (one): `Eq`, `Ne`,
//!   `Lt`, `Le`, `Gt`, `Ge` of two integer expressions, or another `And`, `Or`, `Not`;
//! - integer expressions: decimal literals of at most 15 digits, symbol names that are not
//!   reserved words, parentheses, unary `+` and `-`, binary `+`, `-`, `*`, `//`, and the
//!   calls `FloorDiv(a, b)`, `Mod(a, b)`, `ModularIndexing(a, b, c)`, `Max` and `Min` of two
//!   operands or more; blanks (spaces only) between tokens, not between a call's name and its
//!   parenthesis.
//!
//! Anything else is `false`: `**`, infix relations, floats and float functions, other calls,
//! `True` and the other reserved words as names, nesting deeper than [`DEPTH`]. A zero divisor
//! is no parse error (the parser keeps `FloorDiv(x, 0)`: undefined there), so it is read.
//!
//! **Overflow.** The parser folds literal arithmetic and refuses a text whose folding
//! overflows i64. Every constant of the normal forms it builds comes from the text's literals
//! by sums, products, floor divisions, moduli, maxima and minima (and the relations'
//! normalization adds 1 or moves a term), so its magnitude is at most the product, over the
//! leaves of the text, of `max(|literal|, 2)` (a name counts 2): a sum of two values each
//! bounded by a product of factors of at least 2 is bounded by the product of both. The text
//! is read only while that product stays within [`MAGNITUDE`], far below i64's 2^63, which
//! leaves room for the normalization's small additions.

use crate::parse::{DIGIT, LETTER, class, is_unreserved_identifier, run_end};

/// The deepest nesting of parentheses and calls read (deeper texts are `false`).
const DEPTH: u32 = 32;

/// The largest product of the leaves' magnitudes read (see the module's text): 2^50.
const MAGNITUDE: u128 = 1 << 50;

/// The longest literal read, in digits.
const LONGEST_LITERAL: usize = 15;

/// Whether `text` is a boolean that `Context::parse` accepts on a context without declared
/// types or node limits (the module's grammar); `false` wherever that is not certain.
///
/// ```
/// assert!(sym::plain_bool_text("Ne(Mod(FloorDiv(s53, 2), (s0 + 1)*FloorDiv(s53, 2)), 0)"));
/// assert!(!sym::plain_bool_text("Ne(Max(), 1)")); // a parse error
/// assert!(!sym::plain_bool_text("Ne(x, 1.5)")); // floats are not read
/// ```
pub fn plain_bool_text(text: &str) -> bool {
    let mut r = Reader {
        b: text.as_bytes(),
        i: 0,
        depth: 0,
        magnitude: 1,
    };
    r.boolean().is_some() && {
        r.ws();
        r.i == r.b.len()
    }
}

struct Reader<'s> {
    b: &'s [u8],
    i: usize,
    depth: u32,
    /// The product of the leaves' magnitudes read so far (`max(|literal|, 2)`, 2 a name).
    magnitude: u128,
}

impl<'s> Reader<'s> {
    fn ws(&mut self) {
        while self.b.get(self.i) == Some(&b' ') {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// `c`, after blanks.
    fn expect(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.peek() == Some(c)).then(|| self.i += 1)
    }

    /// A run of letters, digits and `_` that starts with a letter or `_`, with the byte after
    /// it (not after blanks).
    fn word(&mut self) -> Option<&'s [u8]> {
        let start = self.i;
        if self.peek().is_none_or(|c| class(c) != LETTER) {
            return None;
        }
        self.i = run_end(self.b, start, DIGIT | LETTER);
        Some(&self.b[start..self.i])
    }

    /// One more level of nesting, within [`DEPTH`].
    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= DEPTH).then_some(())
    }

    /// One more leaf of magnitude `m` (at least 2), the product within [`MAGNITUDE`].
    fn leaf(&mut self, m: u128) -> Option<()> {
        self.magnitude = self.magnitude.checked_mul(m.max(2))?;
        (self.magnitude <= MAGNITUDE).then_some(())
    }

    /// A relation, `And`, `Or` or `Not`, after blanks.
    fn boolean(&mut self) -> Option<()> {
        self.ws();
        let name = self.word()?;
        // A relation has exactly two operands (integers), `Not` one, `And` and `Or` two or
        // more (booleans).
        let (ints, least, most) = match name {
            b"Eq" | b"Ne" | b"Lt" | b"Le" | b"Gt" | b"Ge" => (true, 2, 2),
            b"And" | b"Or" => (false, 2, usize::MAX),
            b"Not" => (false, 1, 1),
            _ => return None,
        };
        // The parenthesis right after the name (a blank there is not read).
        if self.peek() != Some(b'(') {
            return None;
        }
        self.i += 1;
        let n = if ints {
            self.operands(Self::sum)?
        } else {
            self.operands(Self::boolean)?
        };
        (least..=most).contains(&n).then_some(())
    }

    /// The operands of a call whose parenthesis is read, each read by `one`, and the closing
    /// parenthesis: how many.
    fn operands(&mut self, one: fn(&mut Self) -> Option<()>) -> Option<usize> {
        self.enter()?;
        let mut n = 0;
        loop {
            one(self)?;
            n += 1;
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b')') => {
                    self.i += 1;
                    break;
                }
                _ => return None,
            }
        }
        self.depth -= 1;
        Some(n)
    }

    /// `term (('+' | '-') term)*`.
    fn sum(&mut self) -> Option<()> {
        self.term()?;
        loop {
            self.ws();
            match self.peek() {
                Some(b'+' | b'-') => {
                    self.i += 1;
                    self.term()?;
                }
                _ => return Some(()),
            }
        }
    }

    /// `unary (('*' | '//') unary)*`; `**` is not read.
    fn term(&mut self) -> Option<()> {
        self.unary()?;
        loop {
            self.ws();
            match (self.peek(), self.b.get(self.i + 1).copied()) {
                (Some(b'*'), Some(b'*')) => return None,
                (Some(b'*'), _) => self.i += 1,
                (Some(b'/'), Some(b'/')) => self.i += 2,
                (Some(b'/'), _) => return None,
                _ => return Some(()),
            }
            self.unary()?;
        }
    }

    /// Signs, then an atom.
    fn unary(&mut self) -> Option<()> {
        let mut signs = 0;
        loop {
            self.ws();
            match self.peek() {
                Some(b'+' | b'-') => {
                    self.i += 1;
                    signs += 1;
                    if signs > DEPTH {
                        return None;
                    }
                }
                _ => return self.atom(),
            }
        }
    }

    /// A literal, a name, a parenthesized sum or a call; a power after it is not read.
    fn atom(&mut self) -> Option<()> {
        self.ws();
        match self.peek()? {
            b'(' => {
                self.i += 1;
                self.enter()?;
                self.sum()?;
                self.expect(b')')?;
                self.depth -= 1;
            }
            c if class(c) == DIGIT => {
                let start = self.i;
                self.i = run_end(self.b, start, DIGIT);
                if self.i - start > LONGEST_LITERAL {
                    return None;
                }
                // `2x`, `1e5`, `1.5`, `2_0`: not a plain literal.
                if self
                    .peek()
                    .is_some_and(|c| c == b'.' || class(c) & (DIGIT | LETTER) != 0)
                {
                    return None;
                }
                let v = self.b[start..self.i]
                    .iter()
                    .fold(0u128, |acc, d| acc * 10 + u128::from(d - b'0'));
                self.leaf(v)?;
            }
            _ => {
                let start = self.i;
                self.word()?;
                let name = &self.b[start..self.i];
                if self.peek() == Some(b'(') {
                    self.i += 1;
                    return self.call(name);
                }
                // A name; one followed by blanks and a parenthesis is not read.
                let after = self.i;
                self.ws();
                if self.peek() == Some(b'(') {
                    return None;
                }
                self.i = after;
                // (Bytes of the name's classes only: ASCII, so a `str`.)
                let name = std::str::from_utf8(name).ok()?;
                if !is_unreserved_identifier(name) {
                    return None;
                }
                self.leaf(2)?;
            }
        }
        Some(())
    }

    /// The operands of the call `name` (its parenthesis read) and its closing parenthesis.
    fn call(&mut self, name: &[u8]) -> Option<()> {
        let (least, most) = match name {
            b"FloorDiv" | b"Mod" => (2, 2),
            b"ModularIndexing" => (3, 3),
            b"Max" | b"Min" => (2, usize::MAX),
            _ => return None,
        };
        let n = self.operands(Self::sum)?;
        (least..=most).contains(&n).then_some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Context;
    use crate::expr::Ty;
    use crate::test_rng::xorshift;

    /// What the module promises: accepted texts parse, as booleans.
    fn parses_as_bool(text: &str) -> bool {
        let mut cx = Context::new();
        cx.parse(text).is_ok_and(|e| cx.ty(e) == Ty::Bool)
    }

    #[test]
    fn tables() {
        for t in [
            "Ne(FloorDiv(s53, 2), 1)",
            "Ne((FloorDiv((s53 + (-3)), 2) + 1), 1)",
            "Ne(Mod(FloorDiv(s53, 2), ((s0 + 1)*FloorDiv(s53, 2))), 0)",
            "Lt((s0 + 1), ((s0 + 1)*Max(1, FloorDiv(s53, 2))))",
            "Eq((FloorDiv((s0 + (-1)), 2)*FloorDiv((s0 + 2), 3)), ((FloorDiv((s0 + (-3)), 2) + 1)*(FloorDiv((s0 + (-1)), 3) + 1)))",
            "And(Gt(s0, 1), Gt(s0, 2))",
            "Or(Eq(s27, 4), Eq(Mod(s27, 4), 0))",
            "Not(Eq(x, 2))",
            "Ne(x // 0, 1)",
            "Ne(ModularIndexing(x, 2, 8), 1) ",
            "Ne(- -x, +1)",
            "Ge(Min(s0, s1, 7), 007)",
            "Eq(x, x)",
        ] {
            assert!(plain_bool_text(t), "{t}");
            assert!(parses_as_bool(t), "{t}");
        }
        for t in [
            "Ne(Max(), 1)",         // a parse error
            "Ne(Max(x), 1)",        // parsed, but not read (one operand)
            "Ne(x, 1.5)",           // a float
            "Ne(x, 1e5)",           // a float
            "Ne(2x, 1)",            // not a literal
            "Ne(x, True)",          // a reserved word as a name
            "Ne(oo, x)",            // an infinite end
            "Ne(Eq(x, 1), 1)",      // a boolean compared
            "Ne(x**2, 1)",          // a power
            "x < 1",                // an infix relation
            "Ne(x, 1",              // unbalanced
            "Ne(x, 1))",            // trailing text
            "Ne (x, 1)",            // a blank before the parenthesis
            "Ne(Max (x, 1), 1)",    // a blank before the parenthesis
            "Ne(CeilDiv(x, 2), 1)", // another call
            "Ne(x, 1, 2)",          // a relation of three
            "And(Ne(x, 1))",        // an And of one
            "Ne(9223372036854775807*x, 1)",
            "Ne(3037000500*3037000500*x, 1)",
            "Ne(x\t, 1)",
            "Ne(x, é)",
            "",
            "Ne(x, 1) x",
        ] {
            assert!(!plain_bool_text(t), "{t}");
        }
        // Nesting within DEPTH is read, deeper is not.
        let deep = |n: usize| format!("Ne({}x{}, 1)", "(".repeat(n), ")".repeat(n));
        assert!(plain_bool_text(&deep(30)));
        assert!(!plain_bool_text(&deep(40)));
        // Literals whose product leaves MAGNITUDE are not read.
        assert!(plain_bool_text("Ne(1000000*x, 1000000)"));
        assert!(!plain_bool_text("Ne(1000000*x*1000000, 1000000*1000000)"));
    }

    /// Random texts from the grammar and around it (large literals, deep nesting, wrong
    /// arities, other calls, powers, floats, reserved names, stray bytes): every text read is
    /// one the parser accepts as a boolean, and most of the well-formed ones are read.
    #[test]
    fn read_texts_parse_as_booleans() {
        let mut next = xorshift(0x0B00_1EA7_7E57_0001);
        let (mut read, mut parsed) = (0, 0);
        for _ in 0..20_000 {
            let t = gen_bool(&mut next, 0);
            let ok = parses_as_bool(&t);
            parsed += usize::from(ok);
            if plain_bool_text(&t) {
                read += 1;
                assert!(ok, "read but not a boolean the parser accepts: {t}");
            }
        }
        // Of the texts the parser accepts, those with a power, a true division, a float, a
        // one-operand Max, Min, And or Or, a CeilDiv or a large product of literals are not
        // read (4,505 read of 9,830 parsed).
        assert!(read * 5 > parsed * 2, "{read} read of {parsed} parsed");
    }

    /// Real guards (PyTorch's, from the captures), mutated byte by byte (deleted, inserted,
    /// replaced from the grammar's own bytes and some others): every mutation read parses as
    /// a boolean. (A run over the 524 distinct guards of two captures, 300 mutations each:
    /// 17,539 of 157,200 read, none that does not parse.)
    #[test]
    fn mutated_real_guards_read_only_where_they_parse() {
        let guards = [
            "Ne(FloorDiv(s53, 2), 1)",
            "Ne((FloorDiv((s53 + (-3)), 2) + 1), 1)",
            "Ge(FloorDiv(s53, 2), 2)",
            "Ne(Mod(FloorDiv(s53, 2), ((s0 + 1)*FloorDiv(s53, 2))), 0)",
            "Lt((s0 + 1), ((s0 + 1)*Max(1, FloorDiv(s53, 2))))",
            "Ne(Mod(1, FloorDiv(s0, 3)), 0)",
            "Ne(((2*s0) + 2), (2*Max(1, ((s0*FloorDiv(s53, 2)) + FloorDiv(s53, 2)))))",
            "Eq((FloorDiv((s0 + (-1)), 2)*FloorDiv((s0 + 2), 3)), ((FloorDiv((s0 + (-3)), 2) + 1)*(FloorDiv((s0 + (-1)), 3) + 1)))",
            "Or(Eq(s27, 4), Eq(Mod(s27, 4), 0))",
            "Lt(7, (7*FloorDiv((s27 + 6), 7)))",
        ];
        let bytes = b"()+-*/, 0123456789sxyFMa_.eEqNLtGd%<=>!";
        let mut next = xorshift(0x6A7E_D000_0000_0049);
        let (mut read, mut total) = (0, 0);
        for g in guards {
            for _ in 0..2000 {
                let mut b = g.as_bytes().to_vec();
                for _ in 0..1 + next(3) {
                    let i = next(b.len() as u64) as usize;
                    let c = bytes[next(bytes.len() as u64) as usize];
                    match next(3) {
                        0 => drop(b.remove(i)),
                        1 => b.insert(i, c),
                        _ => b[i] = c,
                    }
                }
                let t = String::from_utf8(b).unwrap();
                total += 1;
                if plain_bool_text(&t) {
                    read += 1;
                    assert!(
                        parses_as_bool(&t),
                        "read but not a boolean the parser accepts: {t}"
                    );
                }
            }
        }
        // (2,004 of 20,000 read.)
        assert!(read * 20 > total, "{read} of {total}");
    }

    fn gen_bool(next: &mut impl FnMut(u64) -> u64, depth: u32) -> String {
        let rel = ["Eq", "Ne", "Lt", "Le", "Gt", "Ge"];
        match next(if depth > 2 { 8 } else { 11 }) {
            0..=7 => {
                let mut args = vec![gen_int(next, depth + 1), gen_int(next, depth + 1)];
                if next(40) == 0 {
                    args.push(gen_int(next, depth + 1));
                }
                if next(40) == 0 {
                    args.pop();
                }
                format!("{}({})", rel[next(6) as usize], args.join(", "))
            }
            8 | 9 => {
                let n = next(3) + 1;
                let args: Vec<String> = (0..n).map(|_| gen_bool(next, depth + 1)).collect();
                format!("{}({})", ["And", "Or"][next(2) as usize], args.join(", "))
            }
            _ => format!("Not({})", gen_bool(next, depth + 1)),
        }
    }

    fn gen_int(next: &mut impl FnMut(u64) -> u64, depth: u32) -> String {
        let names = ["x", "s0", "s53", "_q", "True", "oo", "Max"];
        let lits = [
            "0",
            "1",
            "2",
            "7",
            "64",
            "1000000",
            "3037000500",
            "9223372036854775807",
            "99999999999999999999",
            "1.5",
            "007",
        ];
        // Mostly well-formed leaves: a reserved name or an odd literal one time in ten.
        let leaf = |next: &mut dyn FnMut(u64) -> u64| {
            let odd = next(10) == 0;
            if next(2) == 0 {
                names[if odd { 4 + next(3) } else { next(4) } as usize].to_string()
            } else {
                lits[if odd { 5 + next(6) } else { next(5) } as usize].to_string()
            }
        };
        if depth > 5 {
            return leaf(next);
        }
        match next(16) {
            0..=3 => leaf(next),
            4 => format!("-{}", gen_int(next, depth + 1)),
            5 => format!("({})", gen_int(next, depth + 1)),
            6 | 7 => format!(
                "{} {} {}",
                gen_int(next, depth + 1),
                ["+", "-", "*", "//", "+", "-", "*", "//", "**", "/"][next(10) as usize],
                gen_int(next, depth + 1)
            ),
            8 => format!(
                "FloorDiv({}, {})",
                gen_int(next, depth + 1),
                gen_int(next, depth + 1)
            ),
            9 => format!(
                "Mod({}, {})",
                gen_int(next, depth + 1),
                gen_int(next, depth + 1)
            ),
            10 => format!(
                "ModularIndexing({}, {}, {})",
                gen_int(next, depth + 1),
                gen_int(next, depth + 1),
                gen_int(next, depth + 1)
            ),
            11 => {
                let n = 1 + next(3);
                let args: Vec<String> = (0..n).map(|_| gen_int(next, depth + 1)).collect();
                format!("{}({})", ["Max", "Min"][next(2) as usize], args.join(", "))
            }
            12 => format!("CeilDiv({}, 2)", gen_int(next, depth + 1)),
            13 | 14 => format!("{} + {}", leaf(next), leaf(next)),
            _ => format!(
                "({}){}",
                gen_int(next, depth + 1),
                ["", " ", "  "][next(3) as usize]
            ),
        }
    }
}
