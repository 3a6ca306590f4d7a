//! Parser for the sympy syntax of docs/language.md: everything PyTorch prints (`((s0 - 1)//2)`,
//! `ModularIndexing(...)`, `PythonMod`, `CleanDiv`, `TruncToInt(0.5*ToFloat(s0))`, `Eq`, `**`...).
//!
//! Shunting-yard with explicit operator and operand stacks, so nesting depth is limited by memory,
//! not by the call stack. Errors carry the 1-based column and say what was expected.

use crate::Context;
use crate::build::{CmpOp, RoundOp};
use crate::error::Error;
use crate::expr::{Expr, Node, Terms, Ty};
use crate::suggest::edit_distance;

/// Names that cannot be symbols.
pub(crate) const RESERVED: &[&str] = &[
    "FloorDiv",
    "CleanDiv",
    "CeilDiv",
    "Mod",
    "PythonMod",
    "ModularIndexing",
    "Min",
    "Max",
    "Abs",
    "Where",
    "Identity",
    "ToFloat",
    "IntTrueDiv",
    "FloatTrueDiv",
    "TruncToInt",
    "FloorToInt",
    "CeilToInt",
    "RoundToInt",
    "Pow",
    "PowByNatural",
    "Eq",
    "Ne",
    "Lt",
    "Le",
    "Gt",
    "Ge",
    "And",
    "Or",
    "Not",
    "True",
    "False",
    "oo",
    "int_oo",
    "nan",
    "zoo",
    "floor",
    "ceiling",
    "LShift",
    "RShift",
];

/// Whether `name` is in [`RESERVED`] (one `match`: the compiler dispatches on length and bytes,
/// where scanning the list costs a comparison per word on every identifier parsed).
#[inline]
pub(crate) fn is_reserved(name: &str) -> bool {
    // Most symbols (`s27`, `x0`, `tmp62`, `_merge`) start with a byte no reserved word starts
    // with: answered without comparing, and without a call (the test below checks this
    // against the list).
    may_be_a_word(name) && is_reserved_word(name)
}

/// Whether `name` starts with a byte a reserved word, a keyword (`True`, `False`) or a bound
/// (`oo`, `int_oo`, `nan`, `zoo`) starts with; the others are symbols, whatever follows.
#[inline]
fn may_be_a_word(name: &str) -> bool {
    matches!(
        name.as_bytes().first(),
        Some(b'A'..=b'Z' | b'o' | b'i' | b'n' | b'z' | b'f' | b'c')
    )
}

/// [`is_reserved`] past its first byte.
#[inline(never)]
fn is_reserved_word(name: &str) -> bool {
    matches!(
        name,
        "FloorDiv"
            | "CleanDiv"
            | "CeilDiv"
            | "Mod"
            | "PythonMod"
            | "ModularIndexing"
            | "Min"
            | "Max"
            | "Abs"
            | "Where"
            | "Identity"
            | "ToFloat"
            | "IntTrueDiv"
            | "FloatTrueDiv"
            | "TruncToInt"
            | "FloorToInt"
            | "CeilToInt"
            | "RoundToInt"
            | "Pow"
            | "PowByNatural"
            | "Eq"
            | "Ne"
            | "Lt"
            | "Le"
            | "Gt"
            | "Ge"
            | "And"
            | "Or"
            | "Not"
            | "True"
            | "False"
            | "oo"
            | "int_oo"
            | "nan"
            | "zoo"
            | "floor"
            | "ceiling"
            | "LShift"
            | "RShift"
    )
}

/// The message for a call of an unknown function, with the closest known name when one is
/// close (`FlorDiv` -> `FloorDiv`, `floordiv` -> `FloorDiv`).
fn unknown_function(name: &str) -> String {
    const NOT_FUNCTIONS: &[&str] = &["True", "False", "oo", "int_oo", "nan", "zoo"];
    let known = || RESERVED.iter().filter(|f| !NOT_FUNCTIONS.contains(f));
    // Same letters in another case first, then the fewest edits (at most 1 for short names,
    // 2 from 5 characters on).
    let lower = name.to_ascii_lowercase();
    let best = known()
        .find(|f| f.to_ascii_lowercase() == lower)
        .or_else(|| {
            let limit = if name.chars().count() >= 5 { 2 } else { 1 };
            known()
                .map(|f| (edit_distance(&lower, &f.to_ascii_lowercase()), f))
                .filter(|&(d, _)| d <= limit)
                .min_by_key(|&(d, _)| d)
                .map(|(_, f)| f)
        });
    match best {
        Some(f) => format!("unknown function '{name}'; did you mean '{f}'?"),
        None => format!("unknown function '{name}'"),
    }
}

/// Checks that `name` can be a symbol: `[A-Za-z_][A-Za-z0-9_]*` and not reserved.
pub(crate) fn check_identifier(name: &str) -> Result<(), Error> {
    let ok = is_identifier(name);
    if ok && !is_reserved(name) {
        return Ok(());
    }
    Err(identifier_error(name, ok))
}

/// Whether `name` is an identifier, `[A-Za-z_][A-Za-z0-9_]*` (reserved or not).
#[inline]
fn is_identifier(name: &str) -> bool {
    // Bytes, not chars: every byte of a non-ASCII character is of no class. The tokenizer's
    // identifiers, by the same table.
    let b = name.as_bytes();
    b.first().is_some_and(|c| class(*c) == LETTER) && run_end(b, 1, DIGIT | LETTER) == b.len()
}

/// Whether [`check_identifier`] accepts `name`, without building its refusal's message.
pub(crate) fn is_unreserved_identifier(name: &str) -> bool {
    is_identifier(name) && !is_reserved(name)
}

/// [`check_identifier`]'s error for `name` (`well_formed`: it is an identifier, so a reserved
/// one), out of the checks' way.
#[cold]
#[inline(never)]
fn identifier_error(name: &str, well_formed: bool) -> Error {
    Error::Parse {
        col: 1,
        msg: if well_formed {
            format!("'{name}' is a reserved word and cannot be a symbol")
        } else {
            format!("'{name}' is not a valid symbol name ([A-Za-z_][A-Za-z0-9_]*)")
        },
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok<'a> {
    Int(u64),
    Float(f64),
    Ident(&'a str),
    Op(Op),
    LParen,
    RParen,
    Comma,
    End,
}

/// An operator token. Compared and dispatched as a byte, not as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    Pow,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And,
    Or,
    Not,
}

impl Op {
    /// The operator as written (error messages).
    fn text(self) -> &'static str {
        match self {
            Op::Add => "+",
            Op::Sub => "-",
            Op::Mul => "*",
            Op::Div => "/",
            Op::FloorDiv => "//",
            Op::Mod => "%",
            Op::Pow => "**",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::And => "&",
            Op::Or => "|",
            Op::Not => "~",
        }
    }

    /// (precedence, right-associative) as a binary operator, Python's table.
    fn prec(self) -> (u8, bool) {
        match self {
            Op::Lt | Op::Le | Op::Gt | Op::Ge | Op::Eq | Op::Ne => (1, false),
            Op::Or => (2, false),
            Op::And => (3, false),
            Op::Add | Op::Sub => (5, false),
            Op::Mul | Op::Div | Op::FloorDiv | Op::Mod => (6, false),
            Op::Pow => (8, true),
            Op::Not => (0, false),
        }
    }
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Int(v) => format!("number {v}"),
        Tok::Float(v) => format!("number {v}"),
        Tok::Ident(s) => format!("'{s}'"),
        Tok::Op(o) => format!("'{}'", o.text()),
        Tok::LParen => "'('".into(),
        Tok::RParen => "')'".into(),
        Tok::Comma => "','".into(),
        Tok::End => "end of input".into(),
    }
}

fn perr(col: usize, msg: impl Into<String>) -> Error {
    Error::Parse {
        col,
        msg: msg.into(),
    }
}

/// 1-based column (in characters) of byte offset `i`.
fn column(src: &str, i: usize) -> usize {
    src[..i.min(src.len())].chars().count() + 1
}

/// An operand of the polynomial fast path ([`Context::parse`]).
#[derive(Clone, Copy, Debug)]
pub(crate) enum PolyAtom<'s> {
    Int(i64),
    /// A name with its [`crate::names::SymNames::hash`], and its symbol when it existed
    /// before the parse (looked up once).
    Sym(&'s str, u64, Option<crate::expr::Symbol>),
}

/// The parser's operand stack: values with their columns.
type Operands = Vec<(Expr, usize)>;
/// Whether `b` holds the byte `c` (`b.contains(&c)`): eight bytes at a time, a word with a
/// byte equal to `c` found by the zero-byte test of the word xor `c` repeated (`w - 0x01..01`
/// borrows into the top bit of a byte only past a zero byte, and `!w` keeps only the top
/// bits of bytes below 0x80: nonzero exactly when a byte of `w` is zero), then the last
/// bytes one by one. The parser's texts are short: the library's search costs about 100
/// instructions on 20 bytes, mostly setting up (test `holds_byte_is_contains`).
#[inline]
fn holds_byte(b: &[u8], c: u8) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const TOPS: u64 = 0x8080_8080_8080_8080;
    let (words, rest) = b.as_chunks::<8>();
    let pattern = ONES * u64::from(c);
    for w in words {
        let w = u64::from_le_bytes(*w) ^ pattern;
        if w.wrapping_sub(ONES) & !w & TOPS != 0 {
            return true;
        }
    }
    rest.contains(&c)
}

/// Pending sums and products, index-aligned with [`Operands`].
type PendingStack = Vec<Option<Pending>>;
/// The parser's operator stack.
type OpStack<'a> = Vec<OpEntry<'a>>;

/// The tokens of a text.
type Toks<'a> = Vec<(Tok<'a>, usize)>;

/// Texts this context parsed, with their expressions ([`Context::parse`]). A compiler asks
/// about the same index expression text many times; parsing it again finds every node
/// interned already yet costs about what the first parse did (about 750 ns for 50
/// characters), where a lookup here is a hash of the text and one comparison.
///
/// An entry stays true while the context keeps its nodes: a parse depends on the text, on the
/// types of the symbols it names (fixed when a symbol is made) and on the `input_nodes` limit.
/// So [`Context::clear`] and new limits empty the memo, and [`Context::rollback`] forgets the
/// texts whose expressions it drops. Errors are not kept (they are parsed again, with
/// the same message). The texts kept are bounded ([`MEMO_BYTES`]); past that the memo
/// starts over: it is a cache, forgetting costs a parse.
///
/// A text is kept the second time it is parsed (as far as [`Memo::seen`] tells): the first
/// parse of every text costs its hash and a bit, not a copy and an insertion, so the
/// one-question contexts of `batch` pay almost nothing for it.
#[derive(Clone, Debug, Default)]
pub(crate) struct Memo {
    /// Bit `h >> 54` (the hash's top ten bits) set: a text of hash `h` was parsed (or another
    /// text with those bits).
    seen: [u64; 16],
    /// The texts, one after the other.
    buf: String,
    /// A text's hash to its place in `buf`, its expression, and the arena's size after the
    /// parse that kept it. One entry per hash: a text whose hash collides with a kept one
    /// replaces it.
    map: rustc_hash::FxHashMap<u64, (u32, u32, Expr, usize)>,
    /// The boolean texts ([`Context::parse_bool`]: assumptions) parsed since the memo was
    /// last emptied (saturating). From [`CALLS_AFTER`] on ([`Memo::keeps_calls`]: the
    /// context answers many questions, as a request with many assumptions does) the descent
    /// path keeps each call it reads (`FloorDiv(s0, 2)`) by its text, for the texts after
    /// (assumptions repeat the same calls: [`Context::descent_call`]). Counted there, not
    /// per parse: the other parses pay nothing for it.
    parsed: u8,
    /// The calls kept ([`Memo::keep_call`]), by the hash of their text up to its first `)`
    /// (`FloorDiv((s0 + (-7))` for `FloorDiv((s0 + (-7)), 2)`: the reader knows no more before
    /// it reads the call), to their text's place in `buf`, expression and the arena's size
    /// after. Calls with one such beginning replace each other.
    calls: rustc_hash::FxHashMap<u64, (u32, u32, Expr, usize)>,
    /// The products of up to [`PROD_FACTORS`] factors the descent path built while it keeps
    /// calls ([`Memo::keeps_calls`]), by their factor list as read (`Max(1, FloorDiv(s0, 2))`
    /// and `Max(1, FloorDiv(s53, 2))`'s nodes for the product of the two, which a request's
    /// assumptions repeat in many relations), with the product's node and the arena's size
    /// after ([`Context::product_node_kept`]): [`PROD_SLOTS`] slots (none until the first
    /// product is kept), a list in the slot of its hash's top bits, replacing the one there.
    /// A fixed table: keeping a product is a few stores (a map's insertions, its growth and
    /// its allocations cost a request with many distinct products more than it saved).
    prods: Vec<KeptProduct>,
    /// The slots of `prods` in use (`forget_from` and `clear` pass over them only then).
    prods_used: usize,
    /// The calls read from the memo (the tests count them).
    #[cfg(test)]
    call_hits: usize,
    /// The products read from the memo (the tests count them).
    #[cfg(test)]
    prod_hits: usize,
    /// The groups read again from the ones a parse kept ([`Descent::groups`]; the tests
    /// count them).
    #[cfg(test)]
    group_hits: usize,
}

/// The boolean texts (assumptions) a context parses before its descent path keeps calls in
/// the memo: a request with fewer assumptions rarely repeats a call, and keeping them does
/// not pay (from the third text on, 152 of the real ranges requests, with three to five
/// assumptions, were 1% to 8% slower); one with more repeats most of them (their parse,
/// most of such a request, about halves).
const CALLS_AFTER: u8 = 6;

/// The most entries [`Memo::clear`] keeps room for.
const MEMO_SLOTS: usize = 64;

/// The most text bytes [`Memo`] keeps.
const MEMO_BYTES: usize = 1 << 20;

/// The slots of [`Memo::prods`] (a power of two).
const PROD_SLOTS: usize = 128;

/// The most factors of a product [`Memo::prods`] keeps.
const PROD_FACTORS: usize = 4;

/// A slot of [`Memo::prods`]: the hash of a factor list, the list (its first `len`
/// factors; `len` 0 for an empty slot), the product's node and the arena's size after.
#[derive(Clone, Copy, Debug)]
struct KeptProduct {
    key: u64,
    len: u8,
    fs: [Expr; PROD_FACTORS],
    e: Expr,
    nodes: usize,
}

impl Memo {
    #[inline]
    fn hash(src: &str) -> u64 {
        use std::hash::BuildHasher;
        rustc_hash::FxBuildHasher.hash_one(src)
    }

    /// The expression of `src` (hash `h`), if it was parsed.
    #[inline]
    fn get(&self, src: &str, h: u64) -> Option<Expr> {
        if self.map.is_empty() {
            return None;
        }
        let &(start, end, e, _) = self.map.get(&h)?;
        (self.buf.get(start as usize..end as usize) == Some(src)).then_some(e)
    }

    /// Whether the descent path keeps the calls it reads ([`Memo::parsed`]).
    #[inline]
    fn keeps_calls(&self) -> bool {
        self.parsed >= CALLS_AFTER
    }

    /// Keeps `src` (hash `h`), parsed as `e`, if a text with its bit was parsed before.
    #[inline]
    fn insert(&mut self, src: &str, h: u64, e: Expr, nodes: usize) {
        // The high bits: Fx's low bits are weak for short texts.
        let bit = (h >> 54) as usize;
        let (word, mask) = (bit / 64, 1u64 << (bit % 64));
        if self.seen[word] & mask == 0 {
            self.seen[word] |= mask;
            return;
        }
        self.keep(src, h, e, nodes);
    }

    /// [`Memo::insert`] of a text whose bit was set: kept, within the bound.
    #[inline(never)]
    fn keep(&mut self, src: &str, h: u64, e: Expr, nodes: usize) {
        if self.buf.len() + src.len() > MEMO_BYTES {
            if src.len() > MEMO_BYTES / 16 {
                return;
            }
            self.clear();
        }
        let start = self.buf.len() as u32;
        self.buf.push_str(src);
        self.map.insert(h, (start, self.buf.len() as u32, e, nodes));
    }

    /// The kept call that `rest` starts with (`key` the hash of `rest` up to its first `)`),
    /// and its length: a kept call is the text of a whole call (`name(...)` to the `)` that
    /// closes its `(`), so `rest` starts with that very call.
    #[inline]
    fn call(&self, rest: &str, key: u64) -> Option<(Expr, usize)> {
        if self.calls.is_empty() {
            return None;
        }
        let &(start, end, e, _) = self.calls.get(&key)?;
        let text = self.buf.get(start as usize..end as usize)?;
        rest.starts_with(text).then_some((e, text.len()))
    }

    /// Keeps the call `text` (`key` the hash of its text up to its first `)`), read as `e`,
    /// the arena `nodes` long after, within the bound.
    #[inline(never)]
    fn keep_call(&mut self, text: &str, key: u64, e: Expr, nodes: usize) {
        if self.buf.len() + text.len() > MEMO_BYTES {
            if text.len() > MEMO_BYTES / 16 {
                return;
            }
            let parsed = self.parsed;
            self.clear();
            self.parsed = parsed;
        }
        let start = self.buf.len() as u32;
        self.buf.push_str(text);
        self.calls
            .insert(key, (start, self.buf.len() as u32, e, nodes));
    }

    /// The node of the kept product of the factors `fs` (`key` their [`Memo::factors_hash`]).
    #[inline]
    fn product(&self, fs: &[Expr], key: u64) -> Option<Expr> {
        let p = self.prods.get(Self::prod_slot(key))?;
        (p.key == key && p.fs.get(..usize::from(p.len)) == Some(fs)).then_some(p.e)
    }

    /// The slot of [`Memo::prods`] of a factor list of hash `key` (its top bits: Fx's low
    /// bits are weak).
    #[inline(always)]
    fn prod_slot(key: u64) -> usize {
        (key >> (64 - PROD_SLOTS.trailing_zeros())) as usize
    }

    /// The hash of a factor list, [`Memo::prods`]'s key.
    #[inline]
    fn factors_hash(fs: &[Expr]) -> u64 {
        use std::hash::BuildHasher;
        rustc_hash::FxBuildHasher.hash_one(fs)
    }

    /// Keeps the product of the factors `fs` (`key` their hash), built as `e`, the arena
    /// `nodes` long after, in its slot (a list of more than [`PROD_FACTORS`] factors is not
    /// kept).
    #[inline]
    fn keep_product(&mut self, fs: &[Expr], key: u64, e: Expr, nodes: usize) {
        let Some(&f0) = fs.first() else {
            return;
        };
        if fs.len() > PROD_FACTORS {
            return;
        }
        if self.prods.is_empty() {
            self.prods = vec![
                KeptProduct {
                    key: 0,
                    len: 0,
                    fs: [f0; PROD_FACTORS],
                    e,
                    nodes: 0,
                };
                PROD_SLOTS
            ];
        }
        let p = &mut self.prods[Self::prod_slot(key)];
        let new = p.len == 0;
        p.key = key;
        p.len = fs.len() as u8;
        p.fs[..fs.len()].copy_from_slice(fs);
        p.e = e;
        p.nodes = nodes;
        if new {
            self.prods_used += 1;
        }
    }

    /// Empties the slots of [`Memo::prods`] that `drop` picks.
    fn drop_products(&mut self, drop: impl Fn(&KeptProduct) -> bool) {
        if self.prods_used == 0 {
            return;
        }
        for p in &mut self.prods {
            if p.len != 0 && drop(p) {
                p.len = 0;
                self.prods_used -= 1;
            }
        }
    }

    /// Forgets the texts whose parse may have made nodes `n` and later (its expression is one
    /// of them, or it left the arena beyond `n`: a text parsed after a mark and rolled back
    /// to it is parsed again, making again the nodes its parse made, such as the literals a
    /// sum folded).
    pub(crate) fn forget_from(&mut self, n: usize) {
        // (A rollback of a context that keeps nothing: no pass over the maps' slots.)
        // (Products whose building may have made nodes `n` and later: their node, or one
        // their building left, such as a literal `scale` interned.)
        self.drop_products(|p| p.nodes > n);
        if self.map.is_empty() && self.calls.is_empty() {
            return;
        }
        self.map.retain(|_, v| v.3 <= n);
        self.calls.retain(|_, v| v.3 <= n);
        if self.map.is_empty() && self.calls.is_empty() {
            self.buf.clear();
        }
    }

    /// Forgets every text, keeping the allocations (but a large map's).
    pub(crate) fn clear(&mut self) {
        self.parsed = 0;
        self.seen = [0; 16];
        self.buf.clear();
        // A map grown by the calls of a request with many assumptions is given back: its
        // clearing, and `forget_from`'s passes, go over all its slots, which the next
        // requests would pay for.
        if self.map.capacity() > MEMO_SLOTS {
            self.map = Default::default();
        } else {
            self.map.clear();
        }
        if self.calls.capacity() > MEMO_SLOTS {
            self.calls = Default::default();
        } else {
            self.calls.clear();
        }
        self.drop_products(|_| true);
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }
}

/// The general parser's allocations, kept by the context between parses (each parse of a
/// reused context allocated its token list and three stacks, then freed them: about 5% of
/// its instructions). Empty between parses.
#[derive(Debug, Default)]
pub(crate) struct Bufs {
    toks: Toks<'static>,
    out: Operands,
    sums: PendingStack,
    ops: OpStack<'static>,
    /// The polynomial fast path's atoms and terms ([`Context::parse_polynomial`]).
    pub(crate) atoms: Vec<PolyAtom<'static>>,
    pub(crate) terms: Vec<(i64, usize)>,
    /// [`Context::build_polynomial`]'s symbol of each atom and terms of the sum.
    syms: Vec<Option<(crate::expr::Symbol, Expr)>>,
    sum: Vec<(Expr, i64)>,
    /// [`Context::build_polynomial`]'s symbols of one product (a vector's push is a few
    /// instructions where an inline small vector's is about twenty).
    facs: Vec<(crate::expr::Symbol, Expr)>,
    /// [`Context::simplified_polynomial_text`]'s factors and terms.
    pub(crate) names: Vec<crate::poly_text::Name<'static>>,
    pub(crate) monos: Vec<crate::poly_text::Mono<'static>>,
    pub(crate) prods: Vec<crate::poly_text::Mono<'static>>,
}

/// A clone starts with no buffers of its own (they hold nothing between parses).
impl Clone for Bufs {
    fn clone(&self) -> Self {
        Bufs::default()
    }
}

/// An empty vector with `v`'s allocation, for elements that borrow from another text: the
/// standard library collects an iterator over a vector in place when the element layouts
/// match (and `T<'a>` and `T<'b>` have one layout); were it not to, this allocates, which
/// is only slower.
#[inline(always)]
pub(crate) fn recycle<T, U>(mut v: Vec<T>) -> Vec<U> {
    v.clear();
    v.into_iter().map(|_| unreachable!("cleared")).collect()
}

/// The value of a nonempty run of ASCII digits, `None` beyond 64 bits. Up to 19 digits fit in
/// u64 without overflow (10^19 - 1 < 2^64) and are accumulated directly; longer ones go through
/// `str::parse`, which refuses what does not fit.
pub(crate) fn decimal(digits: &str) -> Option<u64> {
    if digits.len() <= 19 {
        Some(
            digits
                .bytes()
                .fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0')),
        )
    } else {
        digits.parse().ok()
    }
}

/// Byte classes of the tokenizer: ASCII whitespace (as `u8::is_ascii_whitespace`), digits,
/// and the other bytes of identifiers (ASCII letters and `_`). One table load per byte where
/// the `is_ascii_*` tests are a chain of range comparisons each.
pub(crate) const WS: u8 = 1;
pub(crate) const DIGIT: u8 = 2;
pub(crate) const LETTER: u8 = 4;
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = if b.is_ascii_whitespace() {
            WS
        } else if b.is_ascii_digit() {
            DIGIT
        } else if b.is_ascii_alphabetic() || b == b'_' {
            LETTER
        } else {
            0
        };
        c += 1;
    }
    t
};

#[inline]
pub(crate) fn class(c: u8) -> u8 {
    CLASS[c as usize]
}

/// The end of the run of bytes of `b` from `i` whose class is in `mask` (`DIGIT`: a number's
/// digits; `DIGIT | LETTER`: the rest of an identifier; `WS`: blanks).
#[inline]
pub(crate) fn run_end(b: &[u8], mut i: usize, mask: u8) -> usize {
    while i < b.len() && class(b[i]) & mask != 0 {
        i += 1;
    }
    i
}

fn tokenize<'a>(src: &'a str, out: &mut Toks<'a>) -> Result<(), Error> {
    let b = src.as_bytes();
    out.reserve(b.len() / 2 + 2);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let k = class(c);
        if k == WS {
            i += 1;
            continue;
        }
        if k == DIGIT || (c == b'.' && b.get(i + 1).is_some_and(|d| class(*d) == DIGIT)) {
            let start = i;
            let is_float;
            (i, is_float) = number_end(b, i);
            let text = &src[start..i];
            if i < b.len() && (b[i].is_ascii_alphabetic() || b[i] == b'_') {
                return Err(perr(
                    column(src, i),
                    format!("unexpected '{}' after number {text}", b[i] as char),
                ));
            }
            if is_float {
                let v: f64 = text
                    .parse()
                    .map_err(|_| perr(column(src, start), format!("malformed number '{text}'")))?;
                // A literal beyond the doubles (9e990) would be an infinity, which prints as
                // `oo` and does not parse back (fuzz/ found it): refused like an integer
                // literal beyond 64 bits.
                if !v.is_finite() {
                    return Err(perr(
                        column(src, start),
                        format!("float literal {text} is beyond the range of a double"),
                    ));
                }
                out.push((Tok::Float(v), start));
            } else {
                // Beyond 64 bits the literal is an error here (a value in (2^63, 2^64) is one
                // where it is used, except -2^63).
                let v: u64 = decimal(text).ok_or_else(|| {
                    perr(
                        column(src, start),
                        format!("integer literal {text} does not fit in 64 bits"),
                    )
                })?;
                out.push((Tok::Int(v), start));
            }
            continue;
        }
        if k == LETTER {
            let start = i;
            i = run_end(b, i + 1, DIGIT | LETTER);
            out.push((Tok::Ident(&src[start..i]), start));
            continue;
        }
        let next = b.get(i + 1).copied().unwrap_or(0);
        let op2 = match (c, next) {
            (b'/', b'/') => Some(Op::FloorDiv),
            (b'*', b'*') => Some(Op::Pow),
            (b'<', b'=') => Some(Op::Le),
            (b'>', b'=') => Some(Op::Ge),
            (b'=', b'=') => Some(Op::Eq),
            (b'!', b'=') => Some(Op::Ne),
            _ => None,
        };
        if let Some(o) = op2 {
            out.push((Tok::Op(o), i));
            i += 2;
            continue;
        }
        let t = match c {
            b'+' => Tok::Op(Op::Add),
            b'-' => Tok::Op(Op::Sub),
            b'*' => Tok::Op(Op::Mul),
            b'/' => Tok::Op(Op::Div),
            b'%' => Tok::Op(Op::Mod),
            b'<' => Tok::Op(Op::Lt),
            b'>' => Tok::Op(Op::Gt),
            b'&' => Tok::Op(Op::And),
            b'|' => Tok::Op(Op::Or),
            b'~' => Tok::Op(Op::Not),
            b'(' => Tok::LParen,
            b')' => Tok::RParen,
            b',' => Tok::Comma,
            _ => {
                let ch = src[i..].chars().next().unwrap_or('?');
                return Err(perr(column(src, i), format!("unexpected character '{ch}'")));
            }
        };
        out.push((t, i));
        i += 1;
    }
    out.push((Tok::End, b.len()));
    Ok(())
}

/// The end of the number literal starting at `b[start]` (a digit, or a `.` before one) and
/// whether it is a float: digits, then a fraction (`.` and digits: a float), then an exponent
/// (`e` or `E`, a sign or none, and digits: a float; an `e` without digits is not part of the
/// literal). The tokenizer's and the descent path's reading of a number.
#[inline]
fn number_end(b: &[u8], start: usize) -> (usize, bool) {
    let mut i = run_end(b, start, DIGIT);
    let mut is_float = false;
    if i < b.len() && b[i] == b'.' {
        is_float = true;
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let save = i;
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if i < b.len() && b[i].is_ascii_digit() {
            is_float = true;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        } else {
            i = save;
        }
    }
    (i, is_float)
}

/// A pending sum: its terms (each with its coefficient), its constant, and whether the
/// whole is negated (`true`: the value is `-(terms + constant)`). Only `combine` negates a
/// sum so, in place of negating each of its terms: `x0 - (x1 - (x2 - ...))` subtracts a
/// larger sum at every level, which took time quadratic in the depth
/// ([`normalize_sum`] applies it where the terms are read).
type PendingSum = (smallvec::SmallVec<[(Expr, i64); 4]>, i64, bool);

/// Adds the value of the pending sum `src`, negated where `minus`, to the pending sum `dst`:
/// a coefficient `k` of `src` is worth `k`, negated if `src` is negated and again if `minus`,
/// and is stored negated if `dst` is. `None` where a negation or the constants' sum does not
/// fit (an overflow).
fn add_sum(dst: &mut PendingSum, src: PendingSum, minus: bool) -> Option<()> {
    let (ts, c, neg) = src;
    let flip = (neg != minus) != dst.2;
    let signed = |k: i64| if flip { k.checked_neg() } else { Some(k) };
    dst.0.reserve(ts.len());
    for (t, k) in ts {
        dst.0.push((t, signed(k)?));
    }
    dst.1 = dst.1.checked_add(signed(c)?)?;
    Some(())
}

/// Applies a pending sum's negation to its terms and constant (`None` where a coefficient
/// or the constant is `i64::MIN`: its negation does not fit).
fn normalize_sum(s: &mut PendingSum) -> Option<()> {
    if s.2 {
        for t in &mut s.0 {
            t.1 = t.1.checked_neg()?;
        }
        s.1 = s.1.checked_neg()?;
        s.2 = false;
    }
    Some(())
}

/// An operand still being built by a chain of `+`/`-` or of `*`, materialized once when used
/// (index-aligned with the operand stack): a sum of n terms or a product of n factors is built
/// in one call of the constructors, not n (each interning a partial result).
#[derive(Debug)]
enum Pending {
    Sum(PendingSum),
    Prod(smallvec::SmallVec<[Expr; 4]>),
}

#[derive(Clone, Debug)]
enum OpEntry<'a> {
    Binary(Op, usize),
    Unary(Op, usize),
    LParen(usize),
    Call {
        /// Borrowed from the source text (no allocation per call).
        name: &'a str,
        col: usize,
        base: usize,
        /// For `parse_for_eval`, a `Where`: its number and the branch it is in
        /// (`DivisorLog::open_where`).
        wh: Option<(u32, u32)>,
    },
}

const UNARY_PREC: u8 = 7;

/// How deep the descent path nests (parentheses, calls, unary operators) before it declines:
/// deeper texts are read by the general parser, whose stacks are on the heap.
const DESCENT_DEPTH: u32 = 48;

/// An operand of the descent path: its node and column, and whether it has a pending sum or
/// product (then the top of [`Descent::pend`] when it is the latest operand).
#[derive(Clone, Copy)]
struct DOp {
    e: Expr,
    col: usize,
    pending: bool,
}

/// The descent path's place in its text.
struct Descent<'s> {
    b: &'s [u8],
    src: &'s str,
    i: usize,
    depth: u32,
    /// The pending sums and products of the operands being read, in the order they were
    /// made (a stack: an operation takes its right operand's from the top, then its left's).
    pend: PendingStack,
    /// Whether calls are kept in the parse memo and read from it ([`Context::descent_call`]).
    calls: bool,
    /// The parenthesized groups read so far whose value is a node (not a pending sum or
    /// product): their text's start and end, the depth at their first `(`, and the node
    /// ([`Descent::group_read_before`]), with the word of its last eight bytes. Empty and
    /// unused with a divisor log.
    groups: smallvec::SmallVec<[KeptGroup; 8]>,
    /// Whether groups are kept in `groups` (not with a divisor log: `parse_for_eval` logs
    /// each division it reads).
    keep_groups: bool,
}

/// A group the descent path kept ([`Descent::groups`]): its text's start and end, the depth
/// at its first `(`, the word of its last eight bytes, and its node.
type KeptGroup = (usize, usize, u32, u64, Expr);

/// The most groups a parse keeps ([`Descent::groups`]).
const GROUPS_KEPT: usize = 32;

/// The last eight bytes of `t` (eight bytes long or more) as a word; 0 for a shorter `t`.
#[inline(always)]
fn last_word(t: &[u8]) -> u64 {
    t.len()
        .checked_sub(8)
        .and_then(|k| t.get(k..))
        .and_then(|w| <[u8; 8]>::try_from(w).ok())
        .map_or(0, u64::from_le_bytes)
}

impl Descent<'_> {
    /// The node of the parenthesized group at `i` (its first `(`), when the same text was
    /// read before in this parse as a group whose value is a node, at this depth or deeper:
    /// `i` then past it. A group's value depends only on its text and on the symbols it
    /// names, which its first reading made, and reading it again makes no node (every node
    /// it builds is there): the value is that node, and the arena is what reading it again
    /// leaves. The text compared is a whole group (from a `(` to the `)` that closes it), so a
    /// text that starts with it starts with that group. At the same depth or less, reading it
    /// again would not have gone past [`DESCENT_DEPTH`] either (test
    /// `repeated_groups_build_what_the_general_parser_builds`).
    #[inline(never)]
    fn group_read_before(&mut self) -> Option<Expr> {
        let rest = &self.b[self.i..];
        for &(start, end, depth, last, e) in &self.groups {
            let len = end - start;
            // (Kept groups are eight bytes long or more: their last eight bytes, one word
            // compared before the bytes, tell most apart: `((s0//2))` and `((s53//2))` share
            // their beginning.)
            if let Some(here) = rest.get(..len)
                && self.depth <= depth
                && last_word(here) == last
                && here == &self.b[start..end]
            {
                self.i += len;
                return Some(e);
            }
        }
        None
    }

    /// Keeps the group read from byte `start` to `i` (its first `(`, at the depth it is at
    /// now: each level entered is left), of node `e`, to be read again
    /// ([`Descent::group_read_before`]): when it is eight bytes long or more and the rest of
    /// the text is long enough to hold it again, within [`GROUPS_KEPT`], without a divisor
    /// log.
    #[inline(always)]
    fn keep_group(&mut self, start: usize, e: Expr) {
        let len = self.i - start;
        if len >= 8
            && self.b.len() - self.i >= len
            && self.keep_groups
            && self.groups.len() < GROUPS_KEPT
        {
            let last = last_word(&self.b[start..self.i]);
            self.groups.push((start, self.i, self.depth, last, e));
        }
    }

    #[inline]
    fn skip_ws(&mut self) {
        self.i = run_end(self.b, self.i, WS);
    }

    /// One level deeper; `None` past [`DESCENT_DEPTH`].
    #[inline]
    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= DESCENT_DEPTH).then_some(())
    }

    /// The binary operator at `i` and its length, as the tokenizer reads it; `None` for
    /// anything else (the end, `,`, `)`, or a byte that is not a binary operator).
    #[inline(always)]
    fn binary_op(&self) -> Option<(Op, usize)> {
        let c = *self.b.get(self.i)?;
        let next = self.b.get(self.i + 1).copied().unwrap_or(0);
        Some(match (c, next) {
            (b'/', b'/') => (Op::FloorDiv, 2),
            (b'*', b'*') => (Op::Pow, 2),
            (b'<', b'=') => (Op::Le, 2),
            (b'>', b'=') => (Op::Ge, 2),
            (b'=', b'=') => (Op::Eq, 2),
            (b'!', b'=') => (Op::Ne, 2),
            (b'+', _) => (Op::Add, 1),
            (b'-', _) => (Op::Sub, 1),
            (b'*', _) => (Op::Mul, 1),
            (b'/', _) => (Op::Div, 1),
            (b'%', _) => (Op::Mod, 1),
            (b'<', _) => (Op::Lt, 1),
            (b'>', _) => (Op::Gt, 1),
            (b'&', _) => (Op::And, 1),
            (b'|', _) => (Op::Or, 1),
            _ => return None,
        })
    }
}

impl Context {
    /// Parses an expression in sympy syntax. Undeclared symbols are created as `Int` symbols.
    ///
    /// A text parsed a second time in the same context is kept with its expression, so that
    /// later parses of it are a hash and a comparison (about 12 ns for 50 characters against
    /// about 1 µs): compilers ask about the same index expressions again and again. The
    /// memo never changes an answer: [`Context::clear`] and [`Context::set_limits`] empty it,
    /// and [`Context::rollback`] forgets the texts whose nodes it drops.
    ///
    /// The context's limits ([`crate::Limits`]): an input of more than `input_nodes` operands
    /// and operators, or one that would take the context beyond `context_nodes` nodes or
    /// `context_operands` operands, is an [`Error::Limit`] (and the context keeps nothing of
    /// it).
    pub fn parse(&mut self, src: &str) -> Result<Expr, Error> {
        if self.limits.caps_context() {
            return self.parse_capped(src);
        }
        self.parse_unchecked(src)
    }

    /// [`Context::parse`] under a `context_nodes` or `context_operands` limit: nothing of a
    /// refused input is kept.
    #[cold]
    #[inline(never)]
    fn parse_capped(&mut self, src: &str) -> Result<Expr, Error> {
        self.check_cap()?;
        let mark = self.mark();
        let r = self.parse_unchecked(src);
        if r.is_ok()
            && let Some(e) = self.over_limits()
        {
            // Facts are not set by parsing: the rollback is never refused.
            let _ = self.rollback(mark);
            return Err(e);
        }
        r
    }

    /// The `input_nodes` error for an input of `toks`, if it has more nodes than the limit.
    #[cold]
    #[inline(never)]
    fn input_too_large(&self, toks: &[(Tok<'_>, usize)]) -> Option<Error> {
        let n = toks
            .iter()
            .filter(|t| !matches!(t.0, Tok::LParen | Tok::RParen | Tok::Comma | Tok::End))
            .count();
        (n > self.limits.input_nodes).then(|| Error::Limit {
            name: "input_nodes",
            msg: format!(
                "the expression has {n} operands and operators, the limit is {}",
                self.limits.input_nodes
            ),
        })
    }

    fn parse_unchecked(&mut self, src: &str) -> Result<Expr, Error> {
        let h = Memo::hash(src);
        // (`parse_for_eval` logs the divisors the text builds: it parses the text itself.)
        if self.divisor_log.is_none()
            && let Some(e) = self.parse_memo.get(src, h)
        {
            return Ok(e);
        }
        let r = self.parse_text(src);
        if let Ok(e) = r {
            self.parse_memo.insert(src, h, e, self.nodes.len());
        }
        r
    }

    /// [`Context::parse_unchecked`] without the memo.
    fn parse_text(&mut self, src: &str) -> Result<Expr, Error> {
        // Most index expressions are polynomials in symbols (`96*q0*s27 + 8*q1 + 4`, range
        // ends like `s27*s77 - 1`): built directly, without tokens and operator stacks.
        if self.limits.input_nodes == usize::MAX {
            if let Some(e) = self.parse_polynomial(src) {
                return Ok(e);
            }
            // The rest of the common texts (calls, parentheses, relations): read by descent,
            // without tokens and operator stacks.
            let logged = self.divisor_log.as_ref().map(|l| l.mark());
            if let Some(e) = self.parse_descent(src) {
                return Ok(e);
            }
            // (`parse_for_eval`: the general parser reads the divisors again.)
            if let (Some(log), Some(m)) = (&mut self.divisor_log, logged) {
                log.truncate(m);
            }
        }
        self.parse_general(src)
    }

    /// The descent path of [`Context::parse`]: the general parser's grammar read by recursive
    /// descent (precedence climbing, Python's table) straight from the bytes, with no token
    /// vector and no operator stack. Its reductions are the general parser's, in the same
    /// order, through the same [`Context::combine`], `apply_unary` and `apply_call`, so it
    /// builds the same nodes in the same order (the tests compare arenas).
    ///
    /// It answers only what the general parser answers without an error: on anything else
    /// (an error of any kind, a literal beyond i64 or beyond the doubles, non-ASCII text, nesting
    /// deeper than [`DESCENT_DEPTH`]) it undoes what it built and declines, and the general
    /// parser answers, with its message and column.
    fn parse_descent(&mut self, src: &str) -> Option<Expr> {
        let b = src.as_bytes();
        // Non-ASCII text: the general parser's (declined before building anything; a
        // word-at-a-time scan). Any other byte the descent does not read (of no token, `@`,
        // `$`, a `.` outside a number ...: an error) stops it where it is met, and it
        // declines there.
        if !b.is_ascii() {
            return None;
        }
        let mark = self.mark();
        // The pending sums and products: the general parser's buffer (empty between parses).
        let pend = std::mem::take(&mut self.parse_bufs.sums);
        let mut d = Descent {
            b,
            src,
            i: 0,
            depth: 0,
            pend,
            calls: self.parse_memo.keeps_calls() && self.divisor_log.is_none(),
            groups: smallvec::SmallVec::new(),
            keep_groups: self.divisor_log.is_none(),
        };
        let r = self.descent_top(&mut d);
        d.pend.clear();
        self.parse_bufs.sums = d.pend;
        if r.is_none() {
            let _ = self.rollback(mark);
        }
        r
    }

    fn descent_top(&mut self, d: &mut Descent<'_>) -> Option<Expr> {
        let mut rel = false;
        // (`descent_expr` returns past whitespace.)
        let v = self.descent_expr(d, 0, &mut rel)?;
        if d.i != d.b.len() {
            return None;
        }
        self.descent_built(d, v)
    }

    /// The node of operand `v`, its pending sum or product (the top of `d.pend`) built.
    #[inline]
    fn descent_built(&mut self, d: &mut Descent<'_>, v: DOp) -> Option<Expr> {
        if !v.pending {
            return Some(v.e);
        }
        // Built from the top of the stack where it stands (`materialize_one` of it, without
        // moving it off the stack first), then dropped.
        let e = self.pending_node(v.e, d.pend.last().and_then(Option::as_ref))?;
        d.pend.pop();
        Some(e)
    }

    /// The node of operand `e` with the pending sum or product `p`, if any: what
    /// [`Context::materialize_one`] builds (`None` where it fails).
    #[inline]
    fn pending_node(&mut self, e: Expr, p: Option<&Pending>) -> Option<Expr> {
        match p {
            Some(Pending::Sum((terms, c, false))) => self.add_terms(terms, *c),
            Some(Pending::Sum(sum)) => {
                let mut sum = sum.clone();
                normalize_sum(&mut sum)?;
                self.add_terms(&sum.0, sum.1)
            }
            Some(Pending::Prod(fs)) => self.product_node(fs),
            None => Some(e),
        }
    }

    /// The node of the pending product `fs` (`materialize_one`'s product).
    #[inline]
    fn product_node(&mut self, fs: &[Expr]) -> Option<Expr> {
        // `k*x` of a literal and an integer symbol (`23*x1` in `((23*x1)//7)`):
        // `mul_args`'s answer, `scale(x, k)` of its parts, without its lists.
        match self.literal_times_symbol(fs) {
            Some((Some(x), k)) => self.scale(x, k),
            Some((None, k)) => Some(self.int(k)),
            None if self.parse_memo.keeps_calls() => self.product_node_kept(fs),
            None => self.mul_args(fs),
        }
    }

    /// [`Context::product_node`]'s `mul_args` in a context that keeps calls
    /// ([`Memo::keeps_calls`]: one with many assumptions, which repeat products such as
    /// `Max(1, FloorDiv(s0, 2))*Max(1, FloorDiv(s53, 2))` in many relations): the product of
    /// a factor list built before is its node, read from [`Memo::prods`]. `mul_args` is a
    /// function of the factors' nodes (immutable while the context keeps them), and building
    /// it again makes no node (every node its first building made is there, the arena is
    /// kept at least that long, else [`Memo::forget_from`] forgot it): the node and the arena
    /// are those building it again gives. A product that overflows is not kept (test
    /// `kept_products_answer_as_products_built_again`).
    #[inline(never)]
    fn product_node_kept(&mut self, fs: &[Expr]) -> Option<Expr> {
        let key = Memo::factors_hash(fs);
        if let Some(e) = self.parse_memo.product(fs, key) {
            #[cfg(test)]
            {
                self.parse_memo.prod_hits += 1;
            }
            return Some(e);
        }
        let e = self.mul_args(fs)?;
        self.parse_memo.keep_product(fs, key, e, self.nodes.len());
        Some(e)
    }

    /// Operators of precedence `min` or more, from byte `d.i`. `rel` counts the relations of
    /// the enclosing group (parentheses or a call's argument): a second one is a chained
    /// comparison, which the general parser refuses. Returns with `d.i` past any whitespace.
    fn descent_expr(&mut self, d: &mut Descent<'_>, min: u8, rel: &mut bool) -> Option<DOp> {
        let a = self.descent_unary(d)?;
        // An operand alone (a call's argument, a group's content): no second level
        // (`descent_expr_from`'s loop would return it at once).
        d.skip_ws();
        match d.binary_op() {
            Some(op) if op.0.prec().0 >= min => {
                self.descent_expr_from(d, a, min, rel, op).map(|r| r.0)
            }
            _ => Some(a),
        }
    }

    /// [`Context::descent_expr`] from its first operand `a` (read, at `d.i` its end, past
    /// whitespace) and the operator `op` there (read, of precedence `min` or more). Returns
    /// the operand and the operator where it stopped (`d.i` at it, past whitespace; `None`
    /// for anything that is no binary operator): each operator is read once, by the level
    /// that meets it, and handed to the level that takes it.
    fn descent_expr_from(
        &mut self,
        d: &mut Descent<'_>,
        mut a: DOp,
        min: u8,
        rel: &mut bool,
        mut op: (Op, usize),
    ) -> Option<(DOp, Option<(Op, usize)>)> {
        loop {
            let (o, len) = op;
            let (p, right) = o.prec();
            if p == 1 {
                if *rel {
                    return None;
                }
                *rel = true;
            }
            let col = d.i + 1;
            d.i += len;
            let next = if right { p } else { p + 1 };
            let (b, after) = if right {
                // (`descent_expr` returns past whitespace.)
                let b = self.descent_right(d, next, rel)?;
                (b, d.binary_op())
            } else {
                // `descent_expr(d, next, rel)` without a level when the operator after the
                // right operand's first operand binds less than `next` (or there is none):
                // that level's loop would return the operand at once. `1 + 2*x + 3`: the
                // `2` and the `3` are not a level each.
                let u = self.descent_unary(d)?;
                d.skip_ws();
                match d.binary_op() {
                    Some(o2) if o2.0.prec().0 >= next => {
                        self.descent_expr_from(d, u, next, rel, o2)?
                    }
                    o2 => (u, o2),
                }
            };
            self.descent_combine(d, o, col, &mut a, b)?;
            match after {
                Some(o2) if o2.0.prec().0 >= min => op = o2,
                _ => return Some((a, after)),
            }
        }
    }

    /// [`Context::combine`] of the operands `a` and `b` of `o` (at column `col`) on the
    /// pending stack: `b`'s pending value is the top of the stack, `a`'s the one below it
    /// (whatever was pushed between them belonged to operands of `b`, which took it).
    ///
    /// The commonest steps of a chain are done in place, as `combine` does them: an integer
    /// `b` with nothing pending joins `a`'s pending sum (`+`, `-`: the term `(b, ±1)`; a
    /// pending product `k*p` first made the sum's one term `(p, k)`) or product (`*`: the
    /// factor `b`), or starts one with an integer `a` with nothing pending
    /// (`[(a, 1), (b, ±1)]`, `[a, b]`); an integer `a` with nothing pending joins `b`'s
    /// pending sum as its last term (`a + b`); an operator other than `+`, `-`, `*` builds
    /// the pending values and applies itself ([`Context::descent_apply`]). None moves the
    /// pending values off the stack and back (tests
    /// `in_place_chain_steps_build_what_the_general_parser_builds`,
    /// `descent_path_builds_what_the_general_parser_builds`).
    #[inline(always)]
    fn descent_combine(
        &mut self,
        d: &mut Descent<'_>,
        o: Op,
        col: usize,
        a: &mut DOp,
        b: DOp,
    ) -> Option<()> {
        if !matches!(o, Op::Add | Op::Sub | Op::Mul) {
            return self.descent_apply(d, o, col, a, b);
        }
        if !b.pending && self.ty(b.e) == Ty::Int {
            if !a.pending {
                if self.ty(a.e) == Ty::Int {
                    d.pend.push(Some(if o == Op::Mul {
                        Pending::Prod(smallvec::smallvec![a.e, b.e])
                    } else {
                        let sign: i64 = if o == Op::Add { 1 } else { -1 };
                        Pending::Sum((smallvec::smallvec![(a.e, 1), (b.e, sign)], 0, false))
                    }));
                    a.pending = true;
                    return Some(());
                }
            } else if let Some(top) = d.pend.last_mut() {
                if o == Op::Mul {
                    if let Some(Pending::Prod(fs)) = top {
                        fs.push(b.e);
                        return Some(());
                    }
                } else {
                    // `a`'s pending product becomes the one term of a pending sum
                    // (`materialize_prod`, as `combine` makes it), which `b` joins.
                    self.materialize_prod(a.col, top).ok()?;
                    if let Some(Pending::Sum(s)) = top {
                        s.0.push((b.e, if o == Op::Add { 1 } else { -1 }));
                        return Some(());
                    }
                }
            }
        } else if o == Op::Add && b.pending && !a.pending && self.ty(a.e) == Ty::Int {
            // `a + b` of an integer `a` with nothing pending and a pending `b` (the top of
            // the stack): `combine` makes `b`'s pending product a sum, and an `a` without a
            // sum joins the right one, as its last term; the sum is then `a`'s.
            if let Some(top) = d.pend.last_mut() {
                self.materialize_prod(b.col, top).ok()?;
                if let Some(Pending::Sum(s)) = top {
                    s.0.push((a.e, 1));
                    a.pending = true;
                    return Some(());
                }
            }
        }
        if b.pending && self.descent_pending_step(d, o, a, b)? {
            return Some(());
        }
        let pb = if b.pending {
            d.pend.pop().flatten()
        } else {
            None
        };
        let mut pa = if a.pending {
            d.pend.pop().flatten()
        } else {
            None
        };
        let mut ae = (a.e, a.col);
        self.combine(o, col, &mut ae, &mut pa, (b.e, b.col), pb)
            .ok()?;
        // The descent's own steps push terms onto a pending sum as they are: a negated one
        // (`combine`'s `a - b` of a larger `b`) is negated term by term here (the descent's
        // nesting is bounded).
        if let Some(Pending::Sum(sum)) = &mut pa {
            normalize_sum(sum)?;
        }
        a.e = ae.0;
        a.pending = pa.is_some();
        if a.pending {
            d.pend.push(pa);
        }
        Some(())
    }

    /// [`Context::descent_combine`]'s steps of a pending `b` (the top of the stack; `a`'s
    /// pending value, if any, just below it) that `combine` takes as they stand, done where
    /// the values stand, without moving them off the stack and through `combine`. `Some(true)`
    /// when done, `Some(false)` for the other cases (nothing changed but what `combine`
    /// does first and does not undo: a product made a sum), `None` where `combine` fails.
    ///
    /// - `a ± b` of a pending `a` and a pending product `b` (a sum of products `2*x + 3*y`):
    ///   `combine` makes `b`'s product the sum of its one term, then `a`'s
    ///   (`materialize_prod`, a sum stays), and, unless it merges the left sum into the right
    ///   one (a left sum with fewer terms: left to `combine`), pushes each term of
    ///   `b`'s sum, its coefficient times the sign, onto `a`'s, and adds the constant times
    ///   the sign to `a`'s: `a`'s sum, `b`'s dropped.
    /// - `a*b` of a pending sum `b` and a pending product `a`, or an integer `a` with nothing
    ///   pending: `combine` builds `b`'s sum (`materialize_one`: `add_terms`) and pushes its
    ///   node onto `a`'s product, or makes the product `[a, b]`: `a`'s product.
    ///
    /// Tests `in_place_chain_steps_build_what_the_general_parser_builds`,
    /// `pending_steps_build_what_the_general_parser_builds`.
    #[inline(never)]
    fn descent_pending_step(
        &mut self,
        d: &mut Descent<'_>,
        o: Op,
        a: &mut DOp,
        b: DOp,
    ) -> Option<bool> {
        // (`descent_combine` sends any other operator to `descent_apply` first.)
        debug_assert!(matches!(o, Op::Add | Op::Sub | Op::Mul));
        if o == Op::Mul {
            if !matches!(d.pend.last(), Some(Some(Pending::Sum(_)))) {
                return Some(false);
            }
            let n = d.pend.len();
            let onto_product =
                a.pending && matches!(d.pend.get(n - 2), Some(Some(Pending::Prod(_))));
            if !onto_product && (a.pending || self.ty(a.e) != Ty::Int) {
                return Some(false);
            }
            let be = self.pending_node(b.e, d.pend.last().and_then(Option::as_ref))?;
            d.pend.pop();
            if onto_product {
                if let Some(Some(Pending::Prod(fs))) = d.pend.last_mut() {
                    fs.push(be);
                }
            } else {
                d.pend
                    .push(Some(Pending::Prod(smallvec::smallvec![a.e, be])));
                a.pending = true;
            }
            return Some(true);
        }
        if !a.pending {
            return Some(false);
        }
        let [.., pa, pb] = &mut d.pend[..] else {
            return Some(false);
        };
        if !matches!(pb, Some(Pending::Prod(_))) {
            return Some(false);
        }
        self.materialize_prod(b.col, pb).ok()?;
        self.materialize_prod(a.col, pa).ok()?;
        let (Some(Pending::Sum(l)), Some(Pending::Sum(r))) = (pa, pb) else {
            return Some(false);
        };
        if l.0.len() < r.0.len() {
            return Some(false);
        }
        // (Both are normalized: the descent normalizes what `combine` leaves negated.)
        add_sum(l, std::mem::take(r), o == Op::Sub)?;
        d.pend.pop();
        Some(true)
    }

    /// [`Context::combine`]'s last case, any operator but `+`, `-`, `*`, whatever the types:
    /// `b`'s pending value built (the top of the stack), then `a`'s, then the operation,
    /// without moving the pending values through `combine`.
    #[inline(never)]
    fn descent_apply(
        &mut self,
        d: &mut Descent<'_>,
        o: Op,
        col: usize,
        a: &mut DOp,
        b: DOp,
    ) -> Option<()> {
        let be = self.descent_built(d, b)?;
        let ae = self.descent_built(d, *a)?;
        a.e = self.apply_binary(o, ae, be, col).ok()?;
        a.pending = false;
        Some(())
    }

    /// The right operand of a right-associative operator (`**`), a level deeper: a chain
    /// (`x**1**1**...`) recurses once per operator (a left-associative one loops in
    /// `descent_expr`, its recursion bounded by the precedence levels), so that a long chain
    /// is left to the general parser, whose stacks are on the heap, instead of overflowing
    /// this thread's stack. Apart, out of line: the common operators' path stays as it was.
    #[inline(never)]
    fn descent_right(&mut self, d: &mut Descent<'_>, min: u8, rel: &mut bool) -> Option<DOp> {
        d.enter()?;
        let b = self.descent_expr(d, min, rel);
        d.depth -= 1;
        b
    }

    /// [`Context::descent_call`] with the parse memo: in a context that parsed many
    /// assumptions ([`Memo::keeps_calls`]), a call is kept in the parse memo by its text,
    /// from its name to its `)`, and read from there when met again (a request's
    /// assumptions repeat `FloorDiv(s0, 2)`, `Max(1, FloorDiv(s0, 2))` ...). Apart, out of
    /// line: a parse without the memo pays a test per call. The memo's argument holds for it: a call's node depends only on its text and
    /// the types of the symbols it names (a call is built when it closes, never pending,
    /// through nothing but its arguments), and wherever a text starts with a kept call's
    /// text, it starts with that call (to the `)` that closes its `(`). A call read again in
    /// a context that keeps its nodes makes no node and no symbol: the arena and the symbols
    /// are those the parse without the memo leaves. Not with a divisor log (`parse_for_eval`
    /// logs each division it reads).
    #[inline(never)]
    fn descent_call_kept(&mut self, d: &mut Descent<'_>, name: &str, col: usize) -> Option<DOp> {
        let kept = {
            // The call's text up to its first `)` (none: an error, the general parser's).
            let start = col - 1;
            let first = d.i + d.b[d.i..].iter().position(|&c| c == b')')? + 1;
            let key = Memo::hash(&d.src[start..first]);
            if let Some((e, len)) = self.parse_memo.call(&d.src[start..], key) {
                #[cfg(test)]
                {
                    self.parse_memo.call_hits += 1;
                }
                d.i = start + len;
                return Some(DOp {
                    e,
                    col,
                    pending: false,
                });
            }
            key
        };
        let v = self.descent_call(d, name, col)?;
        let text = &d.src[col - 1..d.i];
        self.parse_memo.keep_call(text, kept, v.e, self.nodes.len());
        Some(v)
    }

    /// A call `name(...)` from its `(` (at `d.i`): its arguments, each built, then the
    /// function applied. Apart from [`Context::descent_unary`], whose common operands
    /// (literals, names, groups) then run in a smaller function.
    #[inline(never)]
    fn descent_call(&mut self, d: &mut Descent<'_>, name: &str, col: usize) -> Option<DOp> {
        d.i += 1;
        d.enter()?;
        // The arguments stay pending until the call closes, then are built in order
        // (their pending values are in `d.pend` from `base` on, in argument order).
        let base = d.pend.len();
        let mut args: smallvec::SmallVec<[DOp; 4]> = smallvec::SmallVec::new();
        // For `parse_for_eval`: a `Where`'s second and third arguments are its branches.
        let wh = if self.divisor_log.is_some() {
            self.open_where(name)
        } else {
            None
        };
        d.skip_ws();
        if d.b.get(d.i) == Some(&b')') {
            d.i += 1;
        } else {
            loop {
                if let Some(w) = wh {
                    self.enter_branch(w, args.len());
                }
                let mut rel = false;
                // (`descent_expr` returns past whitespace.)
                args.push(self.descent_expr(d, 0, &mut rel)?);
                match d.b.get(d.i) {
                    Some(b',') => d.i += 1,
                    Some(b')') => {
                        d.i += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        d.depth -= 1;
        let mut es: smallvec::SmallVec<[Expr; 4]> = smallvec::SmallVec::new();
        let mut k = base;
        for a in &args {
            let mut e = a.e;
            if a.pending {
                // (Built where it stands on the stack, as `descent_built` builds.)
                e = self.pending_node(e, d.pend[k].as_ref())?;
                k += 1;
            }
            es.push(e);
        }
        d.pend.truncate(base);
        let e = self.apply_call(name, &es, col).ok()?;
        // A `Where` evaluates one branch: the divisors of each are the text's where its
        // condition picks it (its condition's always are).
        if let Some(w) = wh {
            self.close_where(w, es[0]);
        }
        Some(DOp {
            e,
            col,
            pending: false,
        })
    }

    /// An operand: a unary operator and its operand (which takes only `**`, as the general
    /// parser's unary precedence does), a literal, a name, a call or a parenthesized group.
    #[inline(always)]
    fn descent_unary(&mut self, d: &mut Descent<'_>) -> Option<DOp> {
        d.skip_ws();
        let c = *d.b.get(d.i)?;
        let col = d.i + 1;
        let k = class(c);
        let plain = |e: Expr| DOp {
            e,
            col,
            pending: false,
        };
        if k == DIGIT {
            let end = run_end(d.b, d.i, DIGIT);
            if end < d.b.len() && matches!(d.b[end], b'.' | b'e' | b'E') {
                return self.descent_float(d, col);
            }
            // `2x`: an error, the general parser's.
            if end < d.b.len() && class(d.b[end]) == LETTER {
                return None;
            }
            let v = i64::try_from(decimal(&d.src[d.i..end])?).ok()?;
            d.i = end;
            return Some(plain(self.int(v)));
        }
        if k == LETTER {
            let end = run_end(d.b, d.i + 1, DIGIT | LETTER);
            let name = &d.src[d.i..end];
            d.i = end;
            d.skip_ws();
            if d.b.get(d.i) != Some(&b'(') {
                return Some(plain(self.ident(name, col).ok()?));
            }
            if d.calls {
                return self.descent_call_kept(d, name, col);
            }
            return self.descent_call(d, name, col);
        }
        match c {
            b'(' => {
                // A group read before in this parse (`((s53//4))` twice in a relation): its
                // node.
                if !d.groups.is_empty()
                    && let Some(e) = d.group_read_before()
                {
                    #[cfg(test)]
                    {
                        self.parse_memo.group_hits += 1;
                    }
                    return Some(plain(e));
                }
                let start = d.i;
                // A run of `n` opening parentheses (PyTorch prints a floor division as
                // `((a//b))`): a level each, as one group in another would take (each
                // checked against the depth), read in one loop.
                let mut n = 0u32;
                loop {
                    d.i += 1;
                    d.enter()?;
                    n += 1;
                    d.skip_ws();
                    if d.b.get(d.i) != Some(&b'(') {
                        break;
                    }
                }
                let mut rel = false;
                let mut v = self.descent_expr(d, 0, &mut rel)?;
                loop {
                    // (Past whitespace: `descent_expr` and `descent_expr_from` return there,
                    // and the loop's end skips it before either.)
                    if d.b.get(d.i) != Some(&b')') {
                        return None;
                    }
                    d.i += 1;
                    d.depth -= 1;
                    n -= 1;
                    if n == 0 {
                        // A group whose value is a node is kept, to be read again.
                        if !v.pending {
                            d.keep_group(start, v.e);
                        }
                        // A group stays pending, as on the general parser's stack.
                        return Some(v);
                    }
                    // The enclosing group, its first operand `v` read: the rest of it, with
                    // its own count of relations (`descent_expr`'s second half).
                    let mut rel = false;
                    d.skip_ws();
                    if let Some(op) = d.binary_op() {
                        v = self.descent_expr_from(d, v, 0, &mut rel, op)?.0;
                    }
                }
            }
            b'-' | b'+' | b'~' => self.descent_prefix(d, c, col),
            _ => None,
        }
    }

    /// A number literal with a fraction or an exponent (from its first digit, at `d.i`), read
    /// as the tokenizer reads it ([`number_end`]) and built as the general parser builds it
    /// (`Context::float`). Declined where the general parser reports an error: a letter right
    /// after the literal (also the `e` of `2e` or `2e+x`, not part of it), a malformed or
    /// infinite float. Apart, out of line, as calls are.
    #[inline(never)]
    fn descent_float(&mut self, d: &mut Descent<'_>, col: usize) -> Option<DOp> {
        let (end, is_float) = number_end(d.b, d.i);
        // (Not a float: digits and an `e` that is not part of the literal, a letter after it.)
        if !is_float || (end < d.b.len() && class(d.b[end]) == LETTER) {
            return None;
        }
        let v: f64 = d.src[d.i..end].parse().ok()?;
        if !v.is_finite() {
            return None;
        }
        d.i = end;
        Some(DOp {
            e: self.float(v),
            col,
            pending: false,
        })
    }

    /// A unary operator (`c`, at `d.i`) and its operand, which takes only `**` (the general
    /// parser's unary precedence). Apart from [`Context::descent_unary`], as calls are.
    #[inline(never)]
    fn descent_prefix(&mut self, d: &mut Descent<'_>, c: u8, col: usize) -> Option<DOp> {
        let o = match c {
            b'-' => Op::Sub,
            b'+' => Op::Add,
            _ => Op::Not,
        };
        d.i += 1;
        d.enter()?;
        let mut rel = false;
        let v = self.descent_expr(d, UNARY_PREC + 1, &mut rel)?;
        d.depth -= 1;
        let a = self.descent_built(d, v)?;
        Some(DOp {
            e: self.apply_unary(o, a, col).ok()?,
            col,
            pending: false,
        })
    }

    /// The fast path of [`Context::parse`]: `src` is a sum of terms `t1 ± t2 ± ...`, each a
    /// product of integer literals and integer symbols joined by `*` (no leading sign, no
    /// parentheses, calls, powers or other operators). `None` when `src` is anything else,
    /// or would be an error, a float or an overflow; the general parser then answers it.
    ///
    /// The result is the general parser's node ([`Context::build_polynomial`]: the same
    /// symbols made in the same order, the same products and sum, with the same overflows;
    /// the literals are not interned, so the arena has only nodes the general parser makes,
    /// which the tests check). Nothing is interned before the whole text is known to qualify.
    fn parse_polynomial(&mut self, src: &str) -> Option<Expr> {
        // A parenthesis (a call, a group, a printed FloorDiv) is no polynomial here: found by
        // one word-at-a-time search instead of a scan that looks up every name before it.
        if holds_byte(src.as_bytes(), b'(') {
            return None;
        }
        // The atoms and terms in the context's buffers (a vector's push is a few instructions
        // where an inline small vector's is a dozen or more).
        let mut atoms = recycle(std::mem::take(&mut self.parse_bufs.atoms));
        let mut terms = std::mem::take(&mut self.parse_bufs.terms);
        let r = self.parse_polynomial_in(src, &mut atoms, &mut terms);
        terms.clear();
        self.parse_bufs.atoms = recycle(atoms);
        self.parse_bufs.terms = terms;
        r
    }

    /// [`Context::parse_polynomial`] in its buffers (empty): `atoms` the operands, `terms`
    /// each term's sign and the end of its atoms in `atoms`.
    fn parse_polynomial_in<'s>(
        &mut self,
        src: &'s str,
        atoms: &mut Vec<PolyAtom<'s>>,
        terms: &mut Vec<(i64, usize)>,
    ) -> Option<Expr> {
        self.scan_polynomial(src, atoms, terms)?;
        // One atom (a range end `2`, an answer `s27`): the constant or the symbol, without an
        // arena mark (nothing to undo).
        if let ([atom], [_]) = (&atoms[..], &terms[..]) {
            return Some(self.poly_atom(*atom));
        }
        // Building: interned in the general parser's order. An overflow while building (a
        // product or sum whose coefficients leave i64) undoes it: the general parser then
        // reports the error, on the same arena as if this had not run.
        let mark = self.mark();
        let mut built = self.build_polynomial(atoms, terms);
        if built.is_none() {
            let _ = self.rollback(mark);
            built = self.build_polynomial_general(atoms, terms);
            if built.is_none() {
                let _ = self.rollback(mark);
            }
        }
        built
    }

    /// Reads `src` as the polynomial fast path takes it (see [`Context::parse_polynomial`]):
    /// its operands into `atoms` (empty), and each term's sign and the end of its atoms in
    /// `atoms` into `terms` (empty). `None` (the buffers then hold anything) for any other text.
    /// Nothing is created or interned. (The text shortcut,
    /// [`Context::simplified_polynomial_text`], reads more shapes with a reader of its own.)
    #[inline(always)]
    pub(crate) fn scan_polynomial<'s>(
        &self,
        src: &'s str,
        atoms: &mut Vec<PolyAtom<'s>>,
        terms: &mut Vec<(i64, usize)>,
    ) -> Option<()> {
        let b = src.as_bytes();
        let mut sign = 1i64;
        let mut i = 0;
        let skip_ws = |i: &mut usize| *i = run_end(b, *i, WS);
        loop {
            // An operand.
            skip_ws(&mut i);
            let (atom, end) = self.poly_operand::<true>(src, i)?;
            atoms.push(atom);
            i = end;
            // An operator or the end.
            skip_ws(&mut i);
            match b.get(i) {
                None => {
                    terms.push((sign, atoms.len()));
                    return Some(());
                }
                Some(b'*') if b.get(i + 1) != Some(&b'*') => i += 1,
                Some(&op @ (b'+' | b'-')) => {
                    terms.push((sign, atoms.len()));
                    sign = if op == b'+' { 1 } else { -1 };
                    i += 1;
                }
                _ => return None,
            }
        }
    }

    /// The operand of the polynomial fast path at byte `i` of `src` (no blank first) and the
    /// byte after it: an integer literal that fits in i64 or a name that is not reserved and
    /// not a symbol of another type. `None` for anything else (`2.5`, `1e3`, `2x`, a literal
    /// beyond i64 or -2^63, whose minus is separate here: the general parser answers those).
    /// Nothing is created: a new name is made when the operand is interned. Without `LOOKUP`
    /// (for a caller that knows every symbol of the context is an integer, or that there is
    /// none) a name's hash is 0 and no symbol is looked up: its `known` is `None` even for an
    /// existing symbol, so such an atom is never built. Always inlined: as a call it cost
    /// both of its callers about 1% of a request's instructions.
    #[inline(always)]
    pub(crate) fn poly_operand<'s, const LOOKUP: bool>(
        &self,
        src: &'s str,
        i: usize,
    ) -> Option<(PolyAtom<'s>, usize)> {
        let b = src.as_bytes();
        let c = *b.get(i)?;
        let k = class(c);
        if k == DIGIT {
            let end = run_end(b, i, DIGIT);
            if end < b.len() && (b[end] == b'.' || class(b[end]) == LETTER) {
                return None;
            }
            let v = i64::try_from(decimal(&src[i..end])?).ok()?;
            return Some((PolyAtom::Int(v), end));
        }
        if k != LETTER {
            return None;
        }
        let end = run_end(b, i + 1, DIGIT | LETTER);
        let name = &src[i..end];
        if is_reserved(name) {
            return None;
        }
        if !LOOKUP {
            debug_assert!(self.syms.iter().all(|s| s.ty == Ty::Int));
            return Some((PolyAtom::Sym(name, 0, None), end));
        }
        let h = crate::names::SymNames::hash(name);
        let known = self.lookup_hashed(name, h);
        if known.is_some_and(|s| self.sym_ty(s) != Ty::Int) {
            return None;
        }
        Some((PolyAtom::Sym(name, h, known), end))
    }

    /// The common shapes of a range end, `t ± c1 ± c2 ...`: `t` an integer literal, a name, or
    /// a product of names with at most one literal (`12 - 1`, `s77 - 1`, `s77 + 1 - 1`,
    /// `2*s90 - 1`, `s27*s77 - 1`), each `c` an integer literal. `None`, with nothing interned
    /// or created, for any other text (and for one that overflows i64); [`Context::parse`] then
    /// answers it.
    ///
    /// The answer is the general parser's node, with the same symbols made in the same order
    /// (left to right), which the tests check: the symbols of `t`, `t`'s product (`mul_parts`'),
    /// then the sum. No literal is interned unless `mul_parts` needs it (a product of three or
    /// more atoms), so the arena has only nodes the general parser makes (it also interns the
    /// literals it folds away), fewer of them. The sum is built directly where `add_terms`
    /// would only copy its one term: the term is a symbol, a power or a product without a sum
    /// factor, so there is nothing to flatten, sort, merge or absorb. The parse memo is not consulted or updated
    /// (it never changes an answer, and the one-request contexts of `batch` rarely see a range
    /// end twice).
    pub(crate) fn parse_end_fast(&mut self, src: &str) -> Option<Expr> {
        if self.limits.input_nodes != usize::MAX || self.limits.context_nodes != usize::MAX {
            return None;
        }
        let b = src.as_bytes();
        let skip_ws = |i: &mut usize| *i = run_end(b, *i, WS);
        // The term `t`: up to four atoms joined by `*`.
        let mut atoms = [PolyAtom::Int(0); 4];
        let (mut na, mut literals) = (0, 0);
        let mut i = 0;
        let op = loop {
            skip_ws(&mut i);
            let (atom, end) = self.poly_operand::<true>(src, i)?;
            i = end;
            literals += usize::from(matches!(atom, PolyAtom::Int(_)));
            if na == atoms.len() {
                return None;
            }
            atoms[na] = atom;
            na += 1;
            skip_ws(&mut i);
            match b.get(i) {
                Some(b'*') if b.get(i + 1) != Some(&b'*') => i += 1,
                Some(&op @ (b'+' | b'-')) => break op,
                _ => return None,
            }
        };
        // A product of literals (whose fold may overflow) is left to the fast path.
        if na > 1 && literals > 1 {
            return None;
        }
        // The constants: their literals and signs.
        let (mut lits, mut signs) = ([0i64; 4], [0i64; 4]);
        let mut nc = 0;
        let mut op = op;
        loop {
            i += 1;
            skip_ws(&mut i);
            if class(*b.get(i)?) != DIGIT || nc == lits.len() {
                return None;
            }
            let (PolyAtom::Int(v), end) = self.poly_operand::<true>(src, i)? else {
                return None;
            };
            i = end;
            lits[nc] = v;
            signs[nc] = if op == b'+' { 1 } else { -1 };
            nc += 1;
            skip_ws(&mut i);
            match b.get(i) {
                None => break,
                Some(&o @ (b'+' | b'-')) => op = o,
                _ => return None,
            }
        }
        // `add_terms`'s constant, folded as it folds it: left to right, from the value of `t`
        // when that is a literal and from 0 otherwise (`t`'s coefficient is the term's, or 0
        // when a literal 0 zeroes the product, which adds nothing). An overflow declines
        // before anything is interned.
        let t_literal = match atoms[0] {
            PolyAtom::Int(v) if na == 1 => Some(v),
            _ => None,
        };
        let mut cst = t_literal.unwrap_or(0);
        for j in 0..nc {
            cst = cst.checked_add(lits[j].checked_mul(signs[j])?)?;
        }
        // A literal `t` (`7 - 1`): the constant alone, no symbol to make.
        if t_literal.is_some() {
            return Some(self.int(cst));
        }
        // The symbols of `t`, made left to right (the general parser's order); the literals
        // are interned only for `mul_parts` below, which needs them as nodes (the general
        // parser interns every literal; the node it answers and the symbols it makes are the
        // same, its arena only has more nodes: the tests check both).
        let mut ts: [Option<Expr>; 4] = [None; 4];
        for (t, a) in ts.iter_mut().zip(&atoms[..na]) {
            if let PolyAtom::Sym(..) = a {
                *t = Some(self.poly_atom(*a));
            }
        }
        let (p, k) = if let (1, Some(e0)) = (na, ts[0]) {
            (Some(e0), 1)
        } else if let Some((k, s)) = match (na, atoms[0], atoms[1], ts[0], ts[1]) {
            (2, PolyAtom::Int(k), _, _, Some(s)) | (2, _, PolyAtom::Int(k), Some(s), _) => {
                Some((k, s))
            }
            _ => None,
        } {
            // A literal times a symbol (`2*s90`): `mul_parts` answers the symbol with the
            // literal as its coefficient, or nothing times 0, and interns nothing.
            if k == 0 { (None, 0) } else { (Some(s), k) }
        } else if let (2, Some(a), Some(b)) = (na, ts[0], ts[1])
            && let (Some(x), Some(y)) = (self.as_symbol(a), self.as_symbol(b))
            && x != y
        {
            // Two distinct symbols (`s27*s77`): `mul_parts`' product, built without its lists.
            // It sorts the factors last to first by name, stably: `x` goes first only when it
            // comes strictly before `y`.
            let fs = if self.sym_cmp(x, y) == std::cmp::Ordering::Less {
                [a, b]
            } else {
                [b, a]
            };
            (
                Some(self.intern(
                    Node::Mul(crate::expr::Args::from_buf_and_len(
                        [fs[0], fs[1], fs[0], fs[0]],
                        2,
                    )),
                    Ty::Int,
                )),
                1,
            )
        } else {
            // Integer symbols and at most one literal (some atom is a symbol: a product of
            // literals declined above), with the literal interned now for `mul_parts`: nothing
            // to overflow, so this answers (a `None` would leave the symbols made, as the
            // general parser leaves them when it fails after making them).
            let first = ts.iter().flatten().copied().next()?;
            let mut es = [first; 4];
            for j in 0..na {
                es[j] = match ts[j] {
                    Some(e) => e,
                    None => self.poly_atom(atoms[j]),
                };
            }
            let (p, k) = self.mul_parts(&es[..na])?;
            let plain = p.is_none_or(|p| match self.node(p) {
                Node::Sym(_) | Node::Pow(..) => true,
                Node::Mul(fs) => !fs.iter().any(|f| matches!(self.node(*f), Node::Add(..))),
                _ => false,
            });
            if let (Some(p), false) = (p, plain) {
                // Not a product of symbols (not reached): the fast path's own fold.
                let mut sum: Terms = smallvec::smallvec![(p, k)];
                for j in 0..nc {
                    sum.push((self.int(lits[j]), signs[j]));
                }
                return self.add_terms(&sum, 0);
            }
            (p, k)
        };
        // A symbol, or a product of symbols (their powers) without a sum factor: the sum
        // `k*p + cst` as `add_terms` makes it.
        let Some(p) = p else {
            return Some(self.int(cst));
        };
        Some(if k == 0 {
            self.int(cst)
        } else if k == 1 && cst == 0 {
            p
        } else {
            self.intern_term(p, k, cst)
        })
    }

    /// The node of one operand of the polynomial fast path; a new name makes its symbol at its
    /// first occurrence (`known` is from before the parse: a later occurrence finds it made).
    #[inline]
    fn poly_atom(&mut self, a: PolyAtom<'_>) -> Expr {
        match a {
            PolyAtom::Int(v) => self.int(v),
            PolyAtom::Sym(n, h, known) => {
                let s = known.unwrap_or_else(|| self.symbol_of_ident(n, h));
                self.sym(s)
            }
        }
    }

    /// The polynomial fast path's build, direct: the symbols made left to right (the general
    /// parser's order), then each term's product of symbols interned (its factors sorted as
    /// `mul_parts` sorts them) with its literals multiplied into its coefficient, and the sum
    /// interned (its terms sorted and merged as `add_terms` does). No literal is interned: the
    /// arena holds no node the general parser does not make, only fewer (the literals it
    /// interns and leaves unused). The arithmetic is the general parser's, in its order: each
    /// product's literals right to left, then its sign; the constants of products of literals
    /// added first, then the lone literals, in the text's order; equal products merged in the
    /// sorted order. So both refuse the same overflows. `None` on an overflow, and for a
    /// product with a repeated symbol (a power): [`Context::build_polynomial_general`] builds
    /// that, the general parser's way.
    fn build_polynomial(&mut self, atoms: &[PolyAtom<'_>], terms: &[(i64, usize)]) -> Option<Expr> {
        let mut syms = std::mem::take(&mut self.parse_bufs.syms);
        let mut sum = std::mem::take(&mut self.parse_bufs.sum);
        let mut facs = std::mem::take(&mut self.parse_bufs.facs);
        let r = self.build_polynomial_in(atoms, terms, &mut syms, &mut sum, &mut facs);
        syms.clear();
        sum.clear();
        facs.clear();
        self.parse_bufs.syms = syms;
        self.parse_bufs.sum = sum;
        self.parse_bufs.facs = facs;
        r
    }

    /// [`Context::build_polynomial`] in its buffers (empty).
    fn build_polynomial_in(
        &mut self,
        atoms: &[PolyAtom<'_>],
        terms: &[(i64, usize)],
        syms: &mut Vec<Option<(crate::expr::Symbol, Expr)>>,
        sum: &mut Vec<(Expr, i64)>,
        facs: &mut Vec<(crate::expr::Symbol, Expr)>,
    ) -> Option<Expr> {
        // Each atom as the symbol it names (a literal: `None`).
        for a in atoms {
            syms.push(match *a {
                PolyAtom::Int(_) => None,
                PolyAtom::Sym(n, h, known) => {
                    let s = known.unwrap_or_else(|| self.symbol_of_ident(n, h));
                    Some((s, self.sym(s)))
                }
            });
        }
        // The constants of products of literals, and the lone literals (`k * v`), apart: the
        // general parser adds the first before the second.
        let mut products = 0i64;
        let mut lone: smallvec::SmallVec<[i64; 4]> = smallvec::SmallVec::new();
        let mut from = 0;
        for &(sign, to) in terms {
            let (term_atoms, term_syms) = (&atoms[from..to], &syms[from..to]);
            from = to;
            if let [PolyAtom::Int(v)] = term_atoms {
                lone.push(v.checked_mul(sign)?);
                continue;
            }
            // The literals right to left; the symbols sorted below (by name: the order
            // `cmp_expr` gives two symbols), as `mul_parts` does.
            let mut coeff = 1i64;
            for a in term_atoms.iter().rev() {
                if let PolyAtom::Int(v) = a {
                    coeff = coeff.checked_mul(*v)?;
                }
            }
            // (In the buffer `facs`, emptied for each product.)
            facs.clear();
            facs.extend(term_syms.iter().flatten());
            let fs = &mut facs[..];
            let k = coeff.checked_mul(sign)?;
            if coeff == 0 {
                continue;
            }
            // The symbols in the text's order (the literals above right to left). A printed
            // product is in order already: each factor `Less` than the next, so sorted and
            // distinct, and the sort's answer is the list as it stands, with no repeated
            // symbol to refuse; both are skipped (a call and a pass of about 90 instructions a
            // product). Otherwise a sort, not insertions as they come (a product of n symbols
            // stays n log n); its answer is the one of any order, since `sym_cmp` is `Equal`
            // only for one symbol, refused after it, so a stable sort of distinct symbols has
            // one answer (test `polynomial_factors_sort_alike_in_any_order`).
            if !fs
                .windows(2)
                .all(|w| self.sym_cmp(w[0].0, w[1].0) == std::cmp::Ordering::Less)
            {
                fs.sort_by(|a, b| self.sym_cmp(a.0, b.0));
                if fs.windows(2).any(|w| w[0].0 == w[1].0) {
                    return None;
                }
            }
            let prod = match &fs[..] {
                [] => {
                    products = products.checked_add(k)?;
                    continue;
                }
                [(_, e)] => *e,
                // Up to four factors (most products): the factors in an array, interned
                // from there (the node's list is made only for a new product).
                [(_, e0), rest @ ..] if rest.len() < 4 => {
                    let mut es = [*e0; 4];
                    for (e, f) in es[1..].iter_mut().zip(rest) {
                        *e = f.1;
                    }
                    self.intern_mul(&es[..fs.len()])
                }
                _ => self.intern(Node::Mul(fs.iter().map(|f| f.1).collect()), Ty::Int),
            };
            sum.push((prod, k));
        }
        let mut cst = products;
        for v in lone {
            cst = cst.checked_add(v)?;
        }
        // `finish_sum` for products of symbols (no sum factor to absorb a coefficient).
        if sum.len() > 1 {
            let n = self.sort_merge_terms(sum)?;
            sum.truncate(n);
            if sum.iter().any(|t| t.1 == 0) {
                sum.retain(|t| t.1 != 0);
            }
        }
        Some(match sum.len() {
            0 => self.int(cst),
            1 if sum[0].1 == 1 && cst == 0 => sum[0].0,
            // One term and a constant (`s27 + 6`, `2*x - 1`): the one-term sum `finish_sum`
            // makes of it, by `intern_term` (the same node, number and metadata as
            // `intern`'s, test `pair_and_term_interns_are_intern`; the general path's list
            // and probe cost such a text about a tenth of its parse).
            1 => self.intern_term(sum[0].0, sum[0].1, cst),
            // Up to four terms: the list made from a whole array (a move of fixed size,
            // where `from_slice` copies a length known only here).
            n @ 2..=4 => {
                let at = |j: usize| sum.get(j).copied().unwrap_or(sum[0]);
                let ts = [sum[0], sum[1], at(2), at(3)];
                self.intern(Node::Add(Terms::from_buf_and_len(ts, n), cst), Ty::Int)
            }
            _ => self.intern(Node::Add(Terms::from_slice(sum), cst), Ty::Int),
        })
    }

    /// The polynomial fast path's build the general parser's way: every literal and symbol
    /// interned left to right, each product by `mul_parts`, the sum by `add_terms` (products
    /// with a repeated symbol, which [`Context::build_polynomial`] leaves to this).
    fn build_polynomial_general(
        &mut self,
        atoms: &[PolyAtom<'_>],
        terms: &[(i64, usize)],
    ) -> Option<Expr> {
        let mut exprs: smallvec::SmallVec<[Expr; 16]> = smallvec::SmallVec::new();
        let intern_atoms = |cx: &mut Context,
                            exprs: &mut smallvec::SmallVec<[Expr; 16]>,
                            from: usize,
                            to: usize|
         -> Option<()> {
            for a in &atoms[from..to] {
                exprs.push(cx.poly_atom(*a));
            }
            Some(())
        };
        let start_of = |k: usize| if k == 0 { 0 } else { terms[k - 1].1 };
        if terms.len() == 1 {
            intern_atoms(self, &mut exprs, 0, atoms.len())?;
            return if exprs.len() == 1 {
                Some(exprs[0])
            } else {
                self.mul_args(&exprs)
            };
        }
        // One term as the sum takes it: `(Some(monomial), coefficient)`, or `(None, constant)`
        // for a product of literals.
        let term = |cx: &mut Context,
                    (from, to): (usize, usize),
                    sign: i64,
                    exprs: &smallvec::SmallVec<[Expr; 16]>|
         -> Option<(Option<Expr>, i64)> {
            if to - from == 1 {
                return Some((Some(exprs[from]), sign));
            }
            let (p, k) = cx.mul_parts(&exprs[from..to])?;
            Some((p, k.checked_mul(sign)?))
        };
        let mut sum: smallvec::SmallVec<[(Expr, i64); 8]> = smallvec::SmallVec::new();
        let mut cst = 0i64;
        let mut take = |(p, k): (Option<Expr>, i64)| -> Option<()> {
            match p {
                Some(p) => sum.push((p, k)),
                None => cst = cst.checked_add(k)?,
            }
            Some(())
        };
        // The first two terms' atoms, then the second product, then the first.
        let (e0, e1) = (terms[0].1, terms[1].1);
        intern_atoms(self, &mut exprs, 0, e1)?;
        let t1 = term(self, (e0, e1), terms[1].0, &exprs)?;
        let t0 = term(self, (0, e0), terms[0].0, &exprs)?;
        take(t0)?;
        take(t1)?;
        for (k, &(sign, to)) in terms.iter().enumerate().skip(2) {
            let from = start_of(k);
            intern_atoms(self, &mut exprs, from, to)?;
            take(term(self, (from, to), sign, &exprs)?)?;
        }
        self.add_terms(&sum, cst)
    }

    fn parse_general(&mut self, src: &str) -> Result<Expr, Error> {
        let bufs = std::mem::take(&mut self.parse_bufs);
        let mut toks = recycle(bufs.toks);
        let mut ops = recycle(bufs.ops);
        let (mut out, mut sums) = (bufs.out, bufs.sums);
        let r = self.parse_tokens(src, &mut toks, &mut out, &mut sums, &mut ops);
        out.clear();
        sums.clear();
        self.parse_bufs = Bufs {
            toks: recycle(toks),
            out,
            sums,
            ops: recycle(ops),
            atoms: bufs.atoms,
            terms: bufs.terms,
            syms: bufs.syms,
            sum: bufs.sum,
            facs: bufs.facs,
            names: bufs.names,
            monos: bufs.monos,
            prods: bufs.prods,
        };
        r
    }

    /// [`Context::parse_general`] in its buffers (empty).
    fn parse_tokens<'a>(
        &mut self,
        src: &'a str,
        toks: &mut Toks<'a>,
        out: &mut Operands,
        sums: &mut PendingStack,
        ops: &mut OpStack<'a>,
    ) -> Result<Expr, Error> {
        tokenize(src, toks)?;
        // Every token but `End` may be a node: count only when the limit is lower.
        if toks.len() > self.limits.input_nodes
            && let Some(e) = self.input_too_large(toks)
        {
            return Err(e);
        }
        // Byte offsets to 1-based character columns, in one pass (offsets increase).
        if src.is_ascii() {
            for t in toks.iter_mut() {
                t.1 += 1;
            }
        } else {
            let (mut byte, mut col) = (0usize, 1usize);
            let mut chars = src.chars();
            for t in toks.iter_mut() {
                while byte < t.1 {
                    match chars.next() {
                        Some(c) => {
                            byte += c.len_utf8();
                            col += 1;
                        }
                        None => break,
                    }
                }
                t.1 = col;
            }
        }
        // Operand and operator stacks are at most as deep as the tokens are many; a small
        // expression needs a few entries (sized once, not grown one by one).
        let cap = toks.len().min(16);
        out.reserve(cap);
        // Sums being built by a chain of `+`/`-` (index-aligned with `out`), materialized once
        // when used, so that a sum of n terms parses in O(n log n) rather than O(n^2).
        sums.reserve(cap);
        ops.reserve(cap);
        let mut expect_operand = true;
        let mut i = 0;
        while i < toks.len() {
            let (tok, col) = (&toks[i].0, toks[i].1);
            if expect_operand {
                match tok {
                    Tok::Int(v) => {
                        let v = *v;
                        let e = if v == 1u64 << 63 {
                            // -9223372036854775808: the minus is part of the literal.
                            match ops.last() {
                                Some(OpEntry::Unary(Op::Sub, _)) => {
                                    ops.pop();
                                    self.int(i64::MIN)
                                }
                                _ => {
                                    return Err(perr(
                                        col,
                                        format!("integer literal {v} does not fit in 64 bits"),
                                    ));
                                }
                            }
                        } else {
                            let v = i64::try_from(v).map_err(|_| {
                                perr(col, format!("integer literal {v} does not fit in 64 bits"))
                            })?;
                            self.int(v)
                        };
                        out.push((e, col));
                        sums.push(None);
                        expect_operand = false;
                    }
                    Tok::Float(v) => {
                        let e = self.float(*v);
                        out.push((e, col));
                        sums.push(None);
                        expect_operand = false;
                    }
                    Tok::Ident(name) => {
                        if toks[i + 1].0 == Tok::LParen {
                            ops.push(OpEntry::Call {
                                name,
                                col,
                                base: out.len(),
                                wh: if self.divisor_log.is_some() {
                                    self.open_where(name)
                                } else {
                                    None
                                },
                            });
                            i += 2;
                            if toks[i].0 == Tok::RParen {
                                self.finish_call(out, sums, ops, toks[i].1)?;
                                expect_operand = false;
                                i += 1;
                            }
                            continue;
                        }
                        let e = self.ident(name, col)?;
                        out.push((e, col));
                        sums.push(None);
                        expect_operand = false;
                    }
                    Tok::LParen => ops.push(OpEntry::LParen(col)),
                    Tok::Op(o @ (Op::Sub | Op::Add | Op::Not)) => ops.push(OpEntry::Unary(*o, col)),
                    t => {
                        return Err(perr(
                            col,
                            format!("expected an expression, found {}", describe(t)),
                        ));
                    }
                }
                i += 1;
                continue;
            }
            match tok {
                &Tok::Op(o) if o != Op::Not => {
                    let (p, right) = o.prec();
                    if p == 1 {
                        // `a < b < c` would reduce `a < b` first: refuse chains explicitly.
                        for top in ops.iter().rev() {
                            match top {
                                OpEntry::Binary(t, c) if t.prec().0 == 1 => {
                                    return Err(Error::Unsupported {
                                        col: *c,
                                        msg: "chained comparisons are not supported; use And(...)"
                                            .into(),
                                    });
                                }
                                OpEntry::Binary(..) | OpEntry::Unary(..) => {}
                                _ => break,
                            }
                        }
                    }
                    self.reduce_while(out, sums, ops, |top| match top {
                        OpEntry::Binary(t, _) => {
                            let tp = t.prec().0;
                            tp > p || (tp == p && !right)
                        }
                        OpEntry::Unary(..) => UNARY_PREC > p || (UNARY_PREC == p && !right),
                        _ => false,
                    })?;
                    if p == 1
                        && let Some(OpEntry::Binary(t, c)) = ops.last()
                        && t.prec().0 == 1
                    {
                        return Err(Error::Unsupported {
                            col: *c,
                            msg: "chained comparisons are not supported; use And(...)".into(),
                        });
                    }
                    ops.push(OpEntry::Binary(o, col));
                    expect_operand = true;
                }
                Tok::Comma => {
                    self.reduce_while(out, sums, ops, |top| {
                        !matches!(top, OpEntry::Call { .. } | OpEntry::LParen(_))
                    })?;
                    match ops.last_mut() {
                        Some(OpEntry::Call { base, wh, .. }) => {
                            // The arguments read so far are reduced (their divisors logged):
                            // a `Where`'s branch starts.
                            if let Some(w) = *wh {
                                self.enter_branch(w, out.len() - *base);
                            }
                        }
                        _ => {
                            // A tuple: name the enclosing unknown function if there is one
                            // (`Piecewise((e, c), ...)`), else say tuples are unsupported.
                            let enclosing = ops.iter().rev().find_map(|o| match o {
                                OpEntry::Call { name, col, .. } => Some((*name, *col)),
                                _ => None,
                            });
                            return Err(match enclosing {
                                Some((name, c)) if !is_reserved(name) => Error::Unsupported {
                                    col: c,
                                    msg: unknown_function(name),
                                },
                                _ => perr(
                                    col,
                                    "',' outside of a function call (tuples are not supported)",
                                ),
                            });
                        }
                    }
                    expect_operand = true;
                }
                Tok::RParen => {
                    self.reduce_while(out, sums, ops, |top| {
                        !matches!(top, OpEntry::Call { .. } | OpEntry::LParen(_))
                    })?;
                    match ops.last() {
                        Some(OpEntry::LParen(_)) => {
                            ops.pop();
                        }
                        Some(OpEntry::Call { .. }) => self.finish_call(out, sums, ops, col)?,
                        _ => return Err(perr(col, "unmatched ')'")),
                    }
                }
                Tok::End => {
                    self.reduce_while(out, sums, ops, |top| {
                        !matches!(top, OpEntry::Call { .. } | OpEntry::LParen(_))
                    })?;
                    match ops.last() {
                        Some(OpEntry::LParen(c)) => {
                            return Err(perr(
                                col,
                                format!(
                                    "expected ')' to close the '(' at column {c}, found end of input"
                                ),
                            ));
                        }
                        Some(OpEntry::Call { name, col: c, .. }) => {
                            return Err(perr(
                                col,
                                format!(
                                    "expected ')' to close the call of {name} at column {c}, found end of input"
                                ),
                            ));
                        }
                        _ => {}
                    }
                    break;
                }
                t => {
                    return Err(perr(
                        col,
                        format!("expected an operator, ',' or ')', found {}", describe(t)),
                    ));
                }
            }
            i += 1;
        }
        if expect_operand {
            let col = toks.last().map(|t| t.1).unwrap_or(1);
            return Err(perr(col, "expected an expression, found end of input"));
        }
        debug_assert_eq!(out.len(), 1);
        self.materialize(out, sums, 0)?;
        Ok(out[0].0)
    }

    /// Parses a boolean expression (a predicate); a non-boolean is an error.
    pub fn parse_bool(&mut self, src: &str) -> Result<Expr, Error> {
        let e = self.parse(src)?;
        self.parse_memo.parsed = self.parse_memo.parsed.saturating_add(1);
        if self.ty(e) != Ty::Bool {
            return Err(perr(
                1,
                "expected a boolean expression (a relation like Eq(a, b) or a <= b)",
            ));
        }
        Ok(e)
    }

    /// The node of the identifier `name` (at column `col`): a boolean constant, an error for
    /// a name that may not stand alone here, or the symbol `name`.
    #[inline]
    fn ident(&mut self, name: &str, col: usize) -> Result<Expr, Error> {
        // Most names (`s27`, `x0`, `q1`, `_merge`) are symbols by their first byte: no
        // keyword, bound or function name starts with it (`True`, `False`, `oo`, `int_oo`,
        // `nan`, `zoo` and the reserved words all start with one of these; test
        // `plain_first_bytes_make_symbols`). Those skip the comparisons and the error paths'
        // frame of `ident_named`.
        if !may_be_a_word(name) {
            let s = self.symbol_of_ident(name, crate::names::SymNames::hash(name));
            return Ok(self.sym(s));
        }
        self.ident_named(name, col)
    }

    /// [`Context::ident`] of a name that may be a keyword, a bound or a function.
    #[inline(never)]
    fn ident_named(&mut self, name: &str, col: usize) -> Result<Expr, Error> {
        match name {
            "True" => Ok(self.boolean(true)),
            "False" => Ok(self.boolean(false)),
            "oo" | "int_oo" | "nan" | "zoo" => Err(Error::Unsupported {
                col,
                msg: format!("'{name}' may appear only in range bounds, not inside an expression"),
            }),
            _ if is_reserved(name) => Err(perr(
                col,
                format!("'{name}' is a function; expected '(' after it"),
            )),
            // The tokenizer made `name` an identifier, and it is not reserved.
            _ => {
                let s = self.symbol_of_ident(name, crate::names::SymNames::hash(name));
                Ok(self.sym(s))
            }
        }
    }

    fn materialize(
        &mut self,
        out: &mut [(Expr, usize)],
        sums: &mut [Option<Pending>],
        i: usize,
    ) -> Result<(), Error> {
        self.materialize_one(&mut out[i], &mut sums[i])
    }

    /// Builds the pending sum or product `p` of operand `e` (taken), if any, into `e`.
    fn materialize_one(
        &mut self,
        e: &mut (Expr, usize),
        p: &mut Option<Pending>,
    ) -> Result<(), Error> {
        match p.take() {
            Some(Pending::Sum(mut sum)) => {
                normalize_sum(&mut sum).ok_or_else(|| Self::overflow(e.1))?;
                let (terms, c, _) = sum;
                e.0 = self
                    .add_terms(&terms, c)
                    .ok_or_else(|| Self::overflow(e.1))?;
            }
            Some(Pending::Prod(fs)) => {
                e.0 = self.product_node(&fs).ok_or_else(|| Self::overflow(e.1))?;
            }
            None => {}
        }
        Ok(())
    }

    /// Turns a pending product `k*p` (of the operand at column `col`) into the pending sum of
    /// the one term `(p, k)` (a sum stays pending): the sum it joins takes the term as it is,
    /// without a node for `k*p` on its own.
    fn materialize_prod(&mut self, col: usize, p: &mut Option<Pending>) -> Result<(), Error> {
        if let Some(Pending::Prod(fs)) = p {
            let (e, c) = match self.literal_times_symbol(fs) {
                Some(parts) => parts,
                None => self.mul_parts(fs).ok_or_else(|| Self::overflow(col))?,
            };
            *p = Some(Pending::Sum(match e {
                Some(e) => (smallvec::smallvec![(e, c)], 0, false),
                None => (smallvec::SmallVec::new(), c, false),
            }));
        }
        Ok(())
    }

    /// [`Context::mul_parts`] of a literal times one integer factor that `mul_parts` takes as
    /// it stands (`23*p0`, the commonest term of index expressions, and `10*((x//5))`,
    /// `2*(ModularIndexing(...))`): the factor with the literal as its coefficient, or nothing
    /// times 0, as `mul_parts` answers it, without its lists and sort. Such a factor is any
    /// integer node but a constant, a product, a power and a sum `k*t` of one term and no
    /// constant (those `mul_parts` takes apart: its coefficient times the factors of `t`);
    /// `mul_parts` answers `k * x = (x, k)` for it (one factor, one literal: no overflow,
    /// nothing interned, `0 * x = (nothing, 0)`). `None` for other factors.
    #[inline]
    fn literal_times_symbol(&self, fs: &[Expr]) -> Option<(Option<Expr>, i64)> {
        let &[a, b] = fs else {
            return None;
        };
        let (k, x) = match (self.node(a), self.node(b)) {
            (Node::Int(k), _) => (*k, b),
            (_, Node::Int(k)) => (*k, a),
            _ => return None,
        };
        if self.ty(x) != Ty::Int {
            return None;
        }
        match self.node(x) {
            Node::Int(_) | Node::Mul(_) | Node::Pow(..) => return None,
            Node::Add(ts, 0) if ts.len() == 1 => return None,
            _ => {}
        }
        Some(if k == 0 { (None, 0) } else { (Some(x), k) })
    }

    fn reduce_while(
        &mut self,
        out: &mut Operands,
        sums: &mut PendingStack,
        ops: &mut OpStack<'_>,
        cond: impl Fn(&OpEntry) -> bool,
    ) -> Result<(), Error> {
        while let Some(top) = ops.last() {
            if !cond(top) {
                break;
            }
            let top = ops.pop().expect("nonempty");
            match top {
                OpEntry::Binary(o, col) => {
                    let pb = sums.pop().expect("aligned");
                    let b = out.pop().expect("operand");
                    let (a, pa) = (
                        out.last_mut().expect("operand"),
                        sums.last_mut().expect("aligned"),
                    );
                    self.combine(o, col, a, pa, b, pb)?;
                }
                OpEntry::Unary(o, col) => {
                    let n = out.len();
                    self.materialize(out, sums, n - 1)?;
                    let (a, _) = out.pop().expect("operand");
                    let e = self.apply_unary(o, a, col)?;
                    out.push((e, col));
                }
                _ => unreachable!("reduce_while never pops parentheses"),
            }
        }
        Ok(())
    }

    /// One binary operation of the parser, on its left operand `a` (with its pending sum or
    /// product `pa`, updated in place to the result, which keeps `a`'s column) and its right
    /// operand `b` (`pb`). Integer `*`, `+` and `-` extend a pending product or sum (built
    /// once when used, by [`Context::materialize`]); every other operation is built at once.
    /// The general parser's reduction and the descent path's (`parse_descent`) are this one
    /// function, so the two build the same nodes in the same order.
    fn combine(
        &mut self,
        o: Op,
        col: usize,
        a: &mut (Expr, usize),
        pa: &mut Option<Pending>,
        b: (Expr, usize),
        mut pb: Option<Pending>,
    ) -> Result<(), Error> {
        let int = |cx: &Context, e: Expr, p: &Option<Pending>| p.is_some() || cx.ty(e) == Ty::Int;
        let ints = int(self, a.0, pa) && int(self, b.0, &pb);
        if o == Op::Mul && ints {
            // A factor that is a pending sum is built first (the right one, then the left).
            let mut b = b;
            if matches!(pb, Some(Pending::Sum(_))) {
                self.materialize_one(&mut b, &mut pb)?;
            }
            if matches!(pa, Some(Pending::Sum(_))) {
                self.materialize_one(a, pa)?;
            }
            let mut fs = match pa.take() {
                Some(Pending::Prod(fs)) => fs,
                _ => smallvec::smallvec![a.0],
            };
            match pb {
                Some(Pending::Prod(rs)) => fs.extend(rs),
                _ => fs.push(b.0),
            }
            *pa = Some(Pending::Prod(fs));
            return Ok(());
        }
        if (o == Op::Add || o == Op::Sub) && ints {
            let sign: i64 = if o == Op::Add { 1 } else { -1 };
            self.materialize_prod(b.1, &mut pb)?;
            self.materialize_prod(a.1, pa)?;
            let right = match pb {
                Some(Pending::Sum(s)) => Some(s),
                _ => None,
            };
            let b = b.0;
            let mut left_sum = match pa.take() {
                Some(Pending::Sum(s)) => Some(s),
                _ => None,
            };
            let left = &mut left_sum;
            let a = a.0;
            let overflow = || Self::overflow(col);
            // Merge the smaller sum into the larger one (nested parentheses): `a + b` and
            // `a - b` keep the larger right sum's terms, the latter by negating it whole
            // (`x0 - (x1 - (x2 - ...))` would otherwise negate each of its terms at every
            // level), and add the left sum's, or `a`, to them.
            let larger = |r: &PendingSum| {
                left.as_ref()
                    .is_none_or(|l: &PendingSum| l.0.len() < r.0.len())
            };
            let right = match right {
                Some(mut r) if larger(&r) => {
                    // The right sum now stands for `sign` times its value.
                    r.2 ^= sign == -1;
                    match left.take() {
                        Some(l) => add_sum(&mut r, l, false).ok_or_else(overflow)?,
                        None => r.0.push((a, if r.2 { -1 } else { 1 })),
                    }
                    *pa = Some(Pending::Sum(r));
                    return Ok(());
                }
                r => r,
            };
            let acc = left.get_or_insert_with(|| (smallvec::smallvec![(a, 1)], 0, false));
            match right {
                // (-(i64::MIN) does not fit: an overflow, not a panic.)
                Some(r) => add_sum(acc, r, sign == -1).ok_or_else(overflow)?,
                None => acc.0.push((b, if acc.2 { -sign } else { sign })),
            }
            *pa = left_sum.map(Pending::Sum);
            return Ok(());
        }
        let mut b = b;
        self.materialize_one(&mut b, &mut pb)?;
        self.materialize_one(a, pa)?;
        a.0 = self.apply_binary(o, a.0, b.0, col)?;
        Ok(())
    }

    fn finish_call(
        &mut self,
        out: &mut Operands,
        sums: &mut PendingStack,
        ops: &mut OpStack<'_>,
        _close: usize,
    ) -> Result<(), Error> {
        let Some(OpEntry::Call {
            name,
            col,
            base,
            wh,
        }) = ops.pop()
        else {
            unreachable!("finish_call on a call");
        };
        for i in base..out.len() {
            self.materialize(out, sums, i)?;
        }
        sums.truncate(base);
        let mut args: smallvec::SmallVec<[Expr; 4]> = smallvec::SmallVec::new();
        for a in &out[base..] {
            args.push(a.0);
        }
        out.truncate(base);
        let e = self.apply_call(name, &args, col)?;
        // A `Where` evaluates one branch (`parse_for_eval`, as in `descent_call`).
        if let Some(w) = wh {
            self.close_where(w, args[0]);
        }
        out.push((e, col));
        sums.push(None);
        Ok(())
    }

    fn type_err(&self, col: usize, what: std::fmt::Arguments, e: Expr) -> Error {
        let t = match self.ty(e) {
            Ty::Int => "an integer",
            Ty::Float => "a float",
            Ty::Bool => "a boolean",
        };
        perr(col, format!("{what}, got {t} ({})", self.display(e)))
    }

    /// `what` is formatted only when the check fails (no allocation on the parser's hot path).
    fn want(&self, e: Expr, ty: Ty, col: usize, what: std::fmt::Arguments) -> Result<(), Error> {
        if self.ty(e) == ty {
            Ok(())
        } else {
            Err(self.type_err(col, what, e))
        }
    }

    fn want_num(&self, e: Expr, col: usize, what: std::fmt::Arguments) -> Result<(), Error> {
        if self.ty(e) == Ty::Bool {
            Err(self.type_err(col, what, e))
        } else {
            Ok(())
        }
    }

    fn overflow(col: usize) -> Error {
        Error::Parse {
            col,
            msg: "integer overflow while folding constants".into(),
        }
    }

    fn apply_unary(&mut self, o: Op, a: Expr, col: usize) -> Result<Expr, Error> {
        match o {
            Op::Sub => {
                self.want_num(a, col, format_args!("unary '-' needs a number"))?;
                if self.ty(a) == Ty::Float {
                    Ok(self.fneg_raw(a))
                } else {
                    self.neg(a).ok_or_else(|| Self::overflow(col))
                }
            }
            Op::Add => {
                self.want_num(a, col, format_args!("unary '+' needs a number"))?;
                Ok(a)
            }
            _ => {
                self.want(a, Ty::Bool, col, format_args!("'~' needs a boolean"))?;
                Ok(self.not_raw(a))
            }
        }
    }

    /// For [`Context::parse_for_eval`], a call to `name` opens: a `Where`'s number and the
    /// branch it is in (`DivisorLog::open_where`). Out of line: the parsers' calls pay only
    /// for the check that the log is on.
    #[cold]
    #[inline(never)]
    fn open_where(&mut self, name: &str) -> Option<(u32, u32)> {
        match &mut self.divisor_log {
            Some(log) if name == "Where" => Some(log.open_where()),
            _ => None,
        }
    }

    /// For [`Context::parse_for_eval`]: the argument after `read` arguments of the `Where`
    /// `w` starts (the second and the third are its branches).
    #[cold]
    #[inline(never)]
    fn enter_branch(&mut self, w: (u32, u32), read: usize) {
        if let (Some(log), 1 | 2) = (&mut self.divisor_log, read) {
            log.enter_branch(w, read == 1);
        }
    }

    /// For [`Context::parse_for_eval`]: the `Where` `w` closes with the condition `c`.
    #[cold]
    #[inline(never)]
    fn close_where(&mut self, w: (u32, u32), c: Expr) {
        if let Some(log) = &mut self.divisor_log {
            log.close_where(w, c);
        }
    }

    /// Logs `d` as a divisor of the text [`Context::parse_for_eval`] is parsing (the parser's
    /// divisions, not the builders': the simplifier builds divisions too).
    #[inline]
    fn log_divisor(&mut self, d: Expr) {
        if let Some(log) = &mut self.divisor_log {
            log.push(d);
        }
    }

    #[inline]
    fn apply_binary(&mut self, o: Op, a: Expr, b: Expr, col: usize) -> Result<Expr, Error> {
        // `a // b` and `a % b` of two integers (`((s0//4))`, the commonest operation a text
        // applies): the general match's answer (no float, both integers: the raw node), without
        // its type tests and messages.
        if matches!(o, Op::FloorDiv | Op::Mod) && self.ty(a) == Ty::Int && self.ty(b) == Ty::Int {
            self.log_divisor(b);
            return Ok(if o == Op::FloorDiv {
                self.floordiv_raw(a, b)
            } else {
                self.modulo_raw(a, b)
            });
        }
        if matches!(o, Op::Div | Op::FloorDiv | Op::Mod) {
            self.log_divisor(b);
        }
        let float = self.ty(a) == Ty::Float || self.ty(b) == Ty::Float;
        let t = o.text();
        match o {
            Op::Add | Op::Sub | Op::Mul | Op::Div => {
                self.want_num(a, col, format_args!("'{t}' needs numbers"))?;
                self.want_num(b, col, format_args!("'{t}' needs numbers"))?;
                if o == Op::Div {
                    return Ok(if float {
                        self.float_truediv_raw(a, b)
                    } else {
                        self.int_truediv_raw(a, b)
                    });
                }
                if float {
                    return Ok(match o {
                        Op::Add => self.fadd_raw(a, b),
                        Op::Sub => {
                            let nb = self.fneg_raw(b);
                            self.fadd_raw(a, nb)
                        }
                        _ => self.fmul_raw(a, b),
                    });
                }
                match o {
                    Op::Add => self.add(a, b),
                    Op::Sub => self.sub(a, b),
                    _ => self.mul(a, b),
                }
                .ok_or_else(|| Self::overflow(col))
            }
            Op::FloorDiv | Op::Mod => {
                if float {
                    return Err(Error::Unsupported {
                        col,
                        msg: format!("'{t}' on floats is not supported; use FloorToInt"),
                    });
                }
                self.want(a, Ty::Int, col, format_args!("'{t}' needs integers"))?;
                self.want(b, Ty::Int, col, format_args!("'{t}' needs integers"))?;
                Ok(if o == Op::FloorDiv {
                    self.floordiv_raw(a, b)
                } else {
                    self.modulo_raw(a, b)
                })
            }
            Op::Pow => self.power(a, b, col),
            Op::And | Op::Or => {
                self.want(a, Ty::Bool, col, format_args!("'{t}' needs booleans"))?;
                self.want(b, Ty::Bool, col, format_args!("'{t}' needs booleans"))?;
                Ok(if o == Op::And {
                    self.and_raw(&[a, b])
                } else {
                    self.or_raw(&[a, b])
                })
            }
            _ => self.relation(o, a, b, col),
        }
    }

    /// `a o b` for a comparison operator `o`.
    fn relation(&mut self, o: Op, a: Expr, b: Expr, col: usize) -> Result<Expr, Error> {
        let (ta, tb) = (self.ty(a), self.ty(b));
        let bools = ta == Ty::Bool || tb == Ty::Bool;
        if bools && (ta != tb || !matches!(o, Op::Eq | Op::Ne)) {
            return Err(perr(
                col,
                format!(
                    "'{}' cannot compare {} with {}",
                    o.text(),
                    self.display(a),
                    self.display(b)
                ),
            ));
        }
        let (a, b) = if !bools && (ta == Ty::Float || tb == Ty::Float) {
            (self.to_float_raw(a), self.to_float_raw(b))
        } else {
            (a, b)
        };
        Ok(match o {
            Op::Eq => self.compare_raw(CmpOp::Eq, a, b),
            Op::Ne => self.compare_raw(CmpOp::Ne, a, b),
            Op::Lt => self.compare_raw(CmpOp::Lt, a, b),
            Op::Le => self.compare_raw(CmpOp::Le, a, b),
            Op::Gt => self.compare_raw(CmpOp::Lt, b, a),
            _ => self.compare_raw(CmpOp::Le, b, a),
        })
    }

    fn power(&mut self, a: Expr, b: Expr, col: usize) -> Result<Expr, Error> {
        let Some(k) = self.as_int(b) else {
            return Err(Error::Unsupported {
                col,
                msg: format!(
                    "power with a non-constant or non-integer exponent ({}) is not supported",
                    self.display(b)
                ),
            });
        };
        if k < 0 {
            return Err(Error::Unsupported {
                col,
                msg: format!("negative exponent {k} is not supported (integer powers only)"),
            });
        }
        if self.ty(a) != Ty::Int {
            return Err(Error::Unsupported {
                col,
                msg: "powers of floats (FloatPow) are not supported".into(),
            });
        }
        let Ok(k) = u32::try_from(k) else {
            // Beyond 2^32 - 1: 0, 1 and -1 fold (0**k = 0, 1**k = 1, (-1)**k by the parity of
            // k); any other base leaves i64 for every k >= 64, so the power is defined only
            // where its base is one of those three: refused, saying so (no fold overflowed).
            return match self.as_int(a) {
                Some(v @ (0 | 1)) => Ok(self.int(v)),
                Some(-1) => Ok(self.int(if k % 2 == 0 { 1 } else { -1 })),
                Some(_) => Err(Self::overflow(col)),
                None => Err(Error::Unsupported {
                    col,
                    msg: format!(
                        "exponent {k} is beyond 2^32 - 1 (a power of anything but 0, 1 or -1 \
                         leaves the 64-bit integers from exponent 64 on)"
                    ),
                }),
            };
        };
        self.pow(a, k).ok_or_else(|| Self::overflow(col))
    }

    fn apply_call(&mut self, name: &str, args: &[Expr], col: usize) -> Result<Expr, Error> {
        let arity = |n: usize| -> Result<(), Error> {
            if args.len() == n {
                Ok(())
            } else {
                Err(perr(
                    col,
                    format!(
                        "{name} takes {n} argument{}, got {}",
                        if n == 1 { "" } else { "s" },
                        args.len()
                    ),
                ))
            }
        };
        let ints = |cx: &Context| -> Result<(), Error> {
            for a in args {
                cx.want(
                    *a,
                    Ty::Int,
                    col,
                    format_args!("{name} needs integer arguments"),
                )?;
            }
            Ok(())
        };
        // The divisors, for `parse_for_eval` (LShift's and RShift's are powers of 2).
        if self.divisor_log.is_some() {
            match (name, args) {
                (
                    "FloorDiv" | "CleanDiv" | "CeilDiv" | "Mod" | "PythonMod" | "IntTrueDiv"
                    | "FloatTrueDiv",
                    [_, d],
                ) => self.log_divisor(*d),
                ("ModularIndexing", [_, d, m]) => {
                    self.log_divisor(*d);
                    self.log_divisor(*m);
                }
                _ => {}
            }
        }
        match name {
            "FloorDiv" | "CleanDiv" => {
                arity(2)?;
                ints(self)?;
                Ok(self.floordiv_raw(args[0], args[1]))
            }
            "CeilDiv" => {
                arity(2)?;
                ints(self)?;
                self.ceildiv_raw(args[0], args[1])
                    .ok_or_else(|| Self::overflow(col))
            }
            "Mod" | "PythonMod" => {
                arity(2)?;
                ints(self)?;
                Ok(self.modulo_raw(args[0], args[1]))
            }
            "ModularIndexing" => {
                arity(3)?;
                ints(self)?;
                Ok(self.modular_indexing_raw(args[0], args[1], args[2]))
            }
            "Min" | "Max" => {
                if args.is_empty() {
                    return Err(perr(col, format!("{name} needs at least one argument")));
                }
                for a in args {
                    self.want_num(*a, col, format_args!("{name} needs numbers"))?;
                }
                let args: Vec<Expr> = if args.iter().any(|a| self.ty(*a) == Ty::Float) {
                    args.iter().map(|a| self.to_float_raw(*a)).collect()
                } else {
                    args.to_vec()
                };
                Ok(self.minmax(name == "Max", &args))
            }
            "Abs" => {
                arity(1)?;
                self.want_num(args[0], col, format_args!("Abs needs a number"))?;
                Ok(self.abs_raw(args[0]))
            }
            "Where" => {
                arity(3)?;
                self.want(
                    args[0],
                    Ty::Bool,
                    col,
                    format_args!("the condition of Where must be a boolean"),
                )?;
                let (mut a, mut b) = (args[1], args[2]);
                if self.ty(a) != self.ty(b) {
                    if self.ty(a) == Ty::Bool || self.ty(b) == Ty::Bool {
                        return Err(perr(col, "the branches of Where must have the same type"));
                    }
                    a = self.to_float_raw(a);
                    b = self.to_float_raw(b);
                }
                Ok(self.where_raw(args[0], a, b))
            }
            "Identity" => {
                arity(1)?;
                Ok(args[0])
            }
            "ToFloat" => {
                arity(1)?;
                self.want_num(args[0], col, format_args!("ToFloat needs a number"))?;
                Ok(self.to_float_raw(args[0]))
            }
            "IntTrueDiv" => {
                arity(2)?;
                ints(self)?;
                Ok(self.int_truediv_raw(args[0], args[1]))
            }
            "FloatTrueDiv" => {
                arity(2)?;
                self.want_num(args[0], col, format_args!("FloatTrueDiv needs numbers"))?;
                self.want_num(args[1], col, format_args!("FloatTrueDiv needs numbers"))?;
                Ok(self.float_truediv_raw(args[0], args[1]))
            }
            "TruncToInt" | "FloorToInt" | "CeilToInt" | "RoundToInt" | "floor" | "ceiling" => {
                arity(1)?;
                self.want_num(args[0], col, format_args!("{name} needs a number"))?;
                let op = match name {
                    "TruncToInt" => RoundOp::Trunc,
                    "FloorToInt" | "floor" => RoundOp::Floor,
                    "CeilToInt" | "ceiling" => RoundOp::Ceil,
                    _ => RoundOp::Round,
                };
                Ok(self.float_to_int_raw(op, args[0]))
            }
            "Pow" | "PowByNatural" => {
                arity(2)?;
                self.power(args[0], args[1], col)
            }
            "LShift" | "RShift" => {
                arity(2)?;
                ints(self)?;
                let Some(s) = self.as_int(args[1]).filter(|s| (0..63).contains(s)) else {
                    return Err(Error::Unsupported {
                        col,
                        msg: format!("{name} needs a constant shift in [0, 62]"),
                    });
                };
                let p = self.int(1i64 << s);
                Ok(if name == "LShift" {
                    self.mul(args[0], p).ok_or_else(|| Self::overflow(col))?
                } else {
                    self.floordiv_raw(args[0], p)
                })
            }
            "Eq" | "Ne" | "Lt" | "Le" | "Gt" | "Ge" => {
                arity(2)?;
                let o = match name {
                    "Eq" => Op::Eq,
                    "Ne" => Op::Ne,
                    "Lt" => Op::Lt,
                    "Le" => Op::Le,
                    "Gt" => Op::Gt,
                    _ => Op::Ge,
                };
                self.relation(o, args[0], args[1], col)
            }
            "And" | "Or" => {
                for a in args {
                    self.want(*a, Ty::Bool, col, format_args!("{name} needs booleans"))?;
                }
                Ok(self.logic(name == "Or", args))
            }
            "Not" => {
                arity(1)?;
                self.want(args[0], Ty::Bool, col, format_args!("Not needs a boolean"))?;
                Ok(self.not_raw(args[0]))
            }
            _ => Err(Error::Unsupported {
                col,
                msg: unknown_function(name),
            }),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::Pending;
    use crate::Context;
    use crate::expr::Expr;

    use crate::test_rng::xorshift;

    /// The general parser and the polynomial fast path in two contexts set up alike: the
    /// same answer and the same symbols, made in the same order, with no node the general
    /// parser does not make (it makes more: the literals it interns and leaves unused), or the
    /// fast path declines. Returns whether the fast path answered.
    fn same_as_general(text: &str, setup: &dyn Fn(&mut Context)) -> bool {
        same_as_general_by(
            text,
            setup,
            &|cx, t| cx.parse_polynomial(t),
            "the fast path",
            false,
        )
    }

    /// [`Context::parse_end_fast`] against the general parser, as [`same_as_general`] does for
    /// the polynomial fast path.
    fn end_same_as_general(text: &str, setup: &dyn Fn(&mut Context)) -> bool {
        same_as_general_by(
            text,
            setup,
            &|cx, t| cx.parse_end_fast(t),
            "the range end path",
            false,
        )
    }

    /// `path` against the general parser on `text` in two contexts set up alike: the same
    /// answer and symbols, made in the same order, and the same arena (`exact`: the same
    /// nodes in the same order, so the same node) or one with no node the general parser's
    /// lacks (node numbers may differ: the general parser also interns the literals it folds
    /// away) where the path's printed answer parses to the general parser's very node in its
    /// context; or declined with nothing interned or created. Returns whether it answered.
    fn same_as_general_by(
        text: &str,
        setup: &dyn Fn(&mut Context),
        path: &dyn Fn(&mut Context, &str) -> Option<Expr>,
        what: &str,
        exact: bool,
    ) -> bool {
        let (mut g, mut f) = (Context::new(), Context::new());
        setup(&mut g);
        setup(&mut f);
        let want = g.parse_general(text);
        let (n, ns) = (f.node_count(), f.sym_names.iter().count());
        let Some(got) = path(&mut f, text) else {
            assert_eq!(
                (f.node_count(), f.sym_names.iter().count()),
                (n, ns),
                "{text}: {what} declined after interning"
            );
            return false;
        };
        let want = want.unwrap_or_else(|e| panic!("{text}: {what} answered, general failed: {e}"));
        let shown = f.display(got);
        assert_eq!(g.display(want), shown, "{text}");
        if exact {
            assert_eq!(want.index(), got.index(), "{text}: not the same node");
            assert!(g.nodes.iter().eq(f.nodes.iter()), "{text}: arenas differ");
        } else {
            // Nodes name their operands by number, which differs between the arenas: compared
            // by their text.
            let texts = |cx: &Context| -> std::collections::HashSet<String> {
                (0..cx.node_count())
                    .map(|i| cx.display(cx.handle(i as u32)))
                    .collect()
            };
            let (gt, ft) = (texts(&g), texts(&f));
            assert!(
                ft.is_subset(&gt),
                "{text}: nodes the general parser does not make: {:?}",
                ft.difference(&gt).collect::<Vec<_>>()
            );
            assert!(
                g.sym_names.iter().eq(f.sym_names.iter()),
                "{text}: symbols differ"
            );
            assert_eq!(
                g.parse_general(&shown).ok(),
                Some(want),
                "{text}: {what}'s answer {shown} is not the general parser's node"
            );
        }
        assert!(
            g.sym_names.iter().eq(f.sym_names.iter()),
            "{text}: symbols differ"
        );
        true
    }

    #[test]
    fn range_end_path_builds_what_the_general_parser_builds() {
        let none = |_: &mut Context| {};
        let declared = |cx: &mut Context| {
            declared(cx);
            cx.parse("s27*s77 - 1").unwrap();
        };
        for t in [
            "s77 - 1",
            "12 - 1",
            "1 - 1",
            "0 - 5",
            "s27 + 1 - 1",
            "s27 - 1 + 1",
            "s27*s77 - 1",
            "s77*s27 - 1",
            "2*s90 - 1",
            "s90*2 - 1",
            "2*s90 - 1 - 1",
            "0*s90 - 1",
            "1*s90 - 0",
            "s7*s7 - 1",
            "s7*3*s7 - 2",
            "x*y*z*w + 0",
            "q1 - 1",
            "q1*s27 + 3 - 2 + 1",
            " s77  -1 ",
            "x - 1 ",
            "9223372036854775807 - 1",
            "9223372036854775807*x - 1",
            "x - 9223372036854775807 - 1",
            "0 - 9223372036854775807 - 1",
            "FloorDivx - 1",
        ] {
            assert!(end_same_as_general(t, &none), "{t}: should answer");
            assert!(end_same_as_general(t, &declared), "{t}: should answer");
        }
        // Other shapes, overflows and errors: declined, the general path answers.
        for t in [
            "s77",
            "12",
            "x - 9223372036854775808",
            "9223372036854775807 + 1",
            "x + 9223372036854775807 + 1",
            "2*3 - 1",
            "2*x*3 - 1",
            "a*b*c*d*e - 1",
            "x - 1 - 1 - 1 - 1 - 1",
            "x - y",
            "1 - x",
            "x + zf - 1",
            "zf - 1",
            "x**2 - 1",
            "x*-1 - 1",
            "-x - 1",
            "x - -1",
            "FloorDiv(x, 2) - 1",
            "(x + 1) - 1",
            "x - 1.5",
            "x - 2y",
            "oo - 1",
            "x -",
            "x < 3",
        ] {
            assert!(!end_same_as_general(t, &declared), "{t}: should decline");
        }
        // Random ends.
        let mut next = xorshift(0x2545_f491_4f6c_dd1du64);
        let atoms = [
            "s0",
            "s1",
            "x",
            "q1",
            "s27",
            "0",
            "1",
            "2",
            "96",
            "4611686018427387904",
        ];
        let consts = ["0", "1", "7", "4611686018427387904", "9223372036854775807"];
        let mut taken = 0;
        for _ in 0..3000 {
            let mut t = String::new();
            for j in 0..1 + next(3) {
                if j > 0 {
                    t.push('*');
                }
                t.push_str(atoms[next(atoms.len() as u64) as usize]);
            }
            for _ in 0..1 + next(3) {
                t.push_str(if next(2) == 0 { " + " } else { " - " });
                t.push_str(consts[next(consts.len() as u64) as usize]);
            }
            if end_same_as_general(&t, &declared) {
                taken += 1;
            }
        }
        assert!(taken > 1500, "{taken}");
    }

    /// The memo keeps a text the second time it is parsed, answers it by text (a colliding
    /// hash with another text is a miss), and keeps at most `MEMO_BYTES` of text.
    #[test]
    fn memo_keeps_texts_by_text_within_its_bound() {
        use super::{MEMO_BYTES, Memo};
        let mut cx = Context::new();
        let (x, y) = (cx.parse("x").unwrap(), cx.parse("y").unwrap());
        let mut m = Memo::default();
        m.insert("x + 1", 7 << 54, x, x.index() + 1);
        assert_eq!(m.get("x + 1", 7 << 54), None, "kept only when parsed again");
        m.insert("x + 1", 7 << 54, x, x.index() + 1);
        assert_eq!(m.get("x + 1", 7 << 54), Some(x));
        assert_eq!(m.get("y + 1", 7 << 54), None, "same hash, another text");
        m.insert("y + 1", 7 << 54, y, y.index() + 1);
        assert_eq!(
            (m.get("y + 1", 7 << 54), m.get("x + 1", 7 << 54)),
            (Some(y), None)
        );
        m.forget_from(y.index());
        assert_eq!((m.len(), m.buf.len()), (0, 0));
        let text = "s".repeat(1000);
        for i in 0..5000u64 {
            m.insert(&text, i << 54, x, x.index() + 1);
            m.insert(&text, i << 54, x, x.index() + 1);
            assert!(m.buf.len() <= MEMO_BYTES);
        }
        assert!(m.len() > 500, "{}", m.len());
        // A text too long to keep is not kept, and does not empty the memo.
        let n = m.len();
        let long = "s".repeat(MEMO_BYTES);
        m.insert(&long, 1, x, x.index() + 1);
        m.insert(&long, 1, x, x.index() + 1);
        assert_eq!((m.get(&long, 1), m.len()), (None, n));
    }

    /// `[A-Za-z_][A-Za-z0-9_]*` and not reserved, checked byte by byte: a non-ASCII
    /// character anywhere is refused, whatever its bytes. `is_symbol_name` (which builds no
    /// message) answers the same, here and on random texts of those pieces and every reserved
    /// word.
    #[test]
    fn identifiers() {
        for ok in ["x", "_", "_a1", "s27", "tmp62", "Z9_", "FloorDivx", "oo1"] {
            assert!(super::check_identifier(ok).is_ok(), "{ok}");
            assert!(crate::is_symbol_name(ok), "{ok}");
        }
        for bad in [
            "", "1x", "x-y", "x y", "é", "xé", "\u{300}x", "x\u{0}", "Ａ", "FloorDiv", "oo", "True",
        ] {
            assert!(super::check_identifier(bad).is_err(), "{bad:?}");
            assert!(!crate::is_symbol_name(bad), "{bad:?}");
        }
        let pieces: Vec<&str> = ["x", "_", "1", "Z", "-", " ", "é", "(", "\u{0}"]
            .into_iter()
            .chain(super::RESERVED.iter().copied())
            .collect();
        let mut next = xorshift(0x3c6e_f372_fe94_f82bu64);
        for _ in 0..20_000 {
            let t: String = (0..next(4))
                .map(|_| pieces[next(pieces.len() as u64) as usize])
                .collect();
            assert_eq!(
                crate::is_symbol_name(&t),
                super::check_identifier(&t).is_ok(),
                "{t:?}"
            );
        }
    }

    /// The facts the fast-path tests parse under: a ranged size, an index with a symbolic
    /// range end, and a float symbol (which the fast paths decline).
    fn declared(cx: &mut Context) {
        cx.set_range_str("s27", "1", "").unwrap();
        cx.set_range_str("q1", "0", "s27 - 1").unwrap();
        cx.declare("zf", crate::Ty::Float).unwrap();
    }

    /// Two contexts for the memo tests: `a` has parsed enough assumptions to keep calls
    /// (`Memo::keeps_calls`), `b` the same ones with its memo emptied before each (the
    /// reference that builds everything again); [`declared`]'s facts on both in even rounds.
    fn keeping_and_fresh(round: usize) -> (Context, Context) {
        let (mut a, mut b) = (Context::new(), Context::new());
        if round.is_multiple_of(2) {
            declared(&mut a);
            declared(&mut b);
        }
        for i in 0..super::CALLS_AFTER {
            let t = format!("q{i} >= {}", round % 3);
            a.parse_bool(&t).unwrap();
            b.parse_memo.clear();
            b.parse_bool(&t).unwrap();
        }
        assert!(a.parse_memo.keeps_calls());
        (a, b)
    }

    #[test]
    fn polynomial_fast_path_builds_what_the_general_parser_builds() {
        let none = |_: &mut Context| {};
        for t in [
            "96*q0*s27 + 8*q1 + 96*q2 + q3 + 4",
            "s27*s77 - 1",
            "32 - 1",
            "x",
            "64",
            "s27",
            "q1",
            " 007 ",
            "9223372036854775807",
            "FloorDivx",
            "2*3",
            "2*3 + x - 6",
            "x*x*2 + 3*x*x - x*y*x",
            "a + b + 2*c - 2*c",
            "q1 + s27*q1 - 7*s27*q1*q1",
            "  x  *  y +z  ",
            "0*x + 0",
            "9223372036854775807*x + 1",
            // A sum's constant is exact whatever the order of its parts (only its value must
            // fit): `9223372036854775807 + 1` does not overflow on the way.
            "x + 1 - 1 + 9223372036854775807*1",
            "9223372036854775807*1 + 1 - 1 + x",
            // Products and sums of up to four operands (lists made from a whole array) and
            // of more.
            "a*b*c*d + e",
            "d*c*b*a - 3*b*a*c*d + a*b",
            "a*b*c*d*e + 2*f",
            "e*d*c*b*a + a*b*c*d*e - 5",
            "s0*s1*s2*s3*s4*s5*s6*s7*s8 - 1 + x",
            "a + b + c + d + e + f + 1",
            "s1*q1 + s2*q2 + s3*q3 + s4*q4 + s5*q5",
        ] {
            assert!(
                same_as_general(t, &none),
                "{t}: the fast path should take it"
            );
            assert!(
                same_as_general(t, &declared),
                "{t}: the fast path should take it"
            );
        }
        // Not polynomials of integer symbols, or errors: declined (the general parser answers).
        for t in [
            "-x + 1",
            "x**2",
            "FloorDiv(x, 2)",
            "(x + 1)*y",
            "x/2",
            "2.5*x",
            "x + zf",
            "True",
            "x + FloorDiv",
            "2x",
            "x - 9223372036854775808",
            "x +",
            "",
            "x y",
            "oo",
            "9223372036854775807*x + 9223372036854775807*x",
            // A product's literals are multiplied right to left: `2*9223372036854775807`
            // overflows before the 0 is reached.
            "0*9223372036854775807*2*x + 1",
            "x*-1",
            "x < 3",
        ] {
            assert!(
                !same_as_general(t, &declared) || t.is_empty(),
                "{t}: should decline"
            );
        }
        // Random polynomials.
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15u64);
        let atoms = [
            "s0",
            "s1",
            "x",
            "y_2",
            "q0",
            "s27",
            "0",
            "1",
            "2",
            "7",
            "96",
            "4611686018427387904",
        ];
        let mut taken = 0;
        for _ in 0..3000 {
            let mut t = String::new();
            for k in 0..1 + next(6) {
                if k > 0 {
                    t.push_str(if next(2) == 0 { " + " } else { " - " });
                }
                for j in 0..1 + next(4) {
                    if j > 0 {
                        t.push_str(if next(3) == 0 { " * " } else { "*" });
                    }
                    t.push_str(atoms[next(atoms.len() as u64) as usize]);
                }
            }
            if same_as_general(&t, &declared) {
                taken += 1;
            }
        }
        assert!(taken > 1200, "{taken}");
        // Longer products of distinct symbols (lists of more than four factors).
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "s0", "s10"];
        for _ in 0..1000 {
            let mut t = String::new();
            for k in 0..1 + next(5) {
                if k > 0 {
                    t.push_str(if next(2) == 0 { " + " } else { " - " });
                }
                let mut used = [false; 10];
                for j in 0..1 + next(8) {
                    let i = next(names.len() as u64) as usize;
                    if j > 0 {
                        if used[i] {
                            continue;
                        }
                        t.push('*');
                    }
                    used[i] = true;
                    t.push_str(names[i]);
                }
            }
            assert!(
                same_as_general(&t, &none),
                "{t}: the fast path should take it"
            );
        }
    }

    /// Products of distinct symbols in every order, with names that tie on their numbers
    /// (`s1`, `s01`, `s001`: `sym_cmp` then orders them by name) and a repeated one (a power:
    /// declined by the direct build): the fast path's product is the general parser's, whatever
    /// order the factors come in (`build_polynomial_in` hands them to its sort in the text's
    /// order).
    #[test]
    fn polynomial_factors_sort_alike_in_any_order() {
        let none = |_: &mut Context| {};
        let names = [
            "s1", "s01", "s001", "s10", "s2", "a", "a0", "b", "x_1", "s0",
        ];
        let mut next = xorshift(0x2545_f491_4f6c_dd1du64);
        for _ in 0..2000 {
            let mut t = String::new();
            for k in 0..1 + next(4) {
                if k > 0 {
                    t.push_str(if next(2) == 0 { " + " } else { " - " });
                }
                if next(3) == 0 {
                    t.push_str("3*");
                }
                for j in 0..1 + next(6) {
                    if j > 0 {
                        t.push('*');
                    }
                    t.push_str(names[next(names.len() as u64) as usize]);
                }
                if next(4) == 0 {
                    t.push_str("*5");
                }
            }
            for setup in [&none as &dyn Fn(&mut Context), &declared] {
                assert!(
                    same_as_general(&t, setup),
                    "{t}: the fast path should take it"
                );
            }
        }
    }

    /// [`Context::parse_descent`] against the general parser, as [`same_as_general`] does for
    /// the polynomial fast path.
    fn descent_same_as_general(text: &str, setup: &dyn Fn(&mut Context)) -> bool {
        same_as_general_by(
            text,
            setup,
            &|cx, t| cx.parse_descent(t),
            "the descent path",
            true,
        )
    }

    /// A random text of the general parser's grammar (and, now and then, a broken one): every
    /// infix operator, unary operators, calls of known and unknown functions with right and
    /// wrong arities, parentheses, relations (sometimes chained), floats and big literals.
    pub(crate) fn random_text(next: &mut impl FnMut(u64) -> u64, depth: u32) -> String {
        const ATOMS: [&str; 14] = [
            "s0",
            "s1",
            "x",
            "q0",
            "s27",
            "zf",
            "0",
            "1",
            "2",
            "7",
            "96",
            "True",
            "4611686018427387904",
            "9223372036854775807",
        ];
        const RARE: [&str; 8] = [
            "2.5",
            "1e3",
            "9223372036854775808",
            "oo",
            "2x",
            "",
            ",",
            "FloorDiv",
        ];
        const INFIX: [&str; 17] = [
            " + ", " - ", "*", " * ", "//", "%", "**", "/", " < ", " <= ", " > ", " >= ", " == ",
            " != ", " & ", " | ", "-",
        ];
        const CALLS: [(&str, usize); 14] = [
            ("FloorDiv", 2),
            ("ModularIndexing", 3),
            ("Mod", 2),
            ("Min", 2),
            ("Max", 3),
            ("Eq", 2),
            ("Ne", 2),
            ("Lt", 2),
            ("Ge", 2),
            ("And", 2),
            ("Not", 1),
            ("Abs", 1),
            ("CeilDiv", 2),
            ("PythonMod", 2),
        ];
        if depth == 0 || next(4) == 0 {
            if next(40) == 0 {
                return RARE[next(RARE.len() as u64) as usize].to_string();
            }
            return ATOMS[next(ATOMS.len() as u64) as usize].to_string();
        }
        let d = depth - 1;
        match next(6) {
            0 | 1 => {
                let (a, b) = (random_text(next, d), random_text(next, d));
                format!("{a}{}{b}", INFIX[next(INFIX.len() as u64) as usize])
            }
            2 => format!("({})", random_text(next, d)),
            3 => {
                let u = ["-", "- ", "+", "~", "-("][next(5) as usize];
                let close = if u == "-(" { ")" } else { "" };
                format!("{u}{}{close}", random_text(next, d))
            }
            _ => {
                let (name, n) = CALLS[next(CALLS.len() as u64) as usize];
                // Now and then one argument too many or too few, or an unknown name.
                let n = match next(30) {
                    0 => n + 1,
                    1 => n.saturating_sub(1),
                    _ => n,
                };
                let name = if next(40) == 0 { "Floordiv" } else { name };
                let args: Vec<String> = (0..n).map(|_| random_text(next, d)).collect();
                format!("{name}({})", args.join(", "))
            }
        }
    }

    #[test]
    fn descent_path_builds_what_the_general_parser_builds() {
        let none = |_: &mut Context| {};
        for t in [
            "r3 + 64*s58*(ModularIndexing(r119, s58, s82)) + 32*(ModularIndexing(r119, 1, s58))",
            "And(Gt(s19, 1), Gt(s90, 1))",
            "Ne((FloorDiv(s1, 2) + 1), 1)",
            "Ne((s0 + (-1)), 1)",
            "Le((((-2)*s0) + ((-2)*s1)), (-2))",
            "2*(x + 1)*(y - 3) + (x + 1) + (2 + x)",
            "-x*y + -(a + b) - -3",
            "-2**3",
            "x**2**2 - x**-(-2)",
            "x // 4 % 3 + x / 2",
            "x < 3",
            "(x < 3) & (y >= 2) | ~(z == 1)",
            "Where(x < 3, x, 3)",
            "FloorDiv(-x, 2)",
            "Min(x, y, 3) + Max(x, 2)",
            "(((((x)))))",
            "zf*2 + 1",
            "ToFloat(x)*2",
            // Float literals, read as the tokenizer reads them.
            "2.5*x",
            "1e3",
            "TruncToInt(0.75*ToFloat(s53)) >= 2",
            "Eq(zf, 1.0e-5)",
            "-1.5E+3*zf + 2. - 0.0",
            "1.e5 + 007.250e-0010",
            "Where(zf < 0.5, 1.0, zf)",
        ] {
            assert!(
                descent_same_as_general(t, &none) && descent_same_as_general(t, &declared),
                "{t}: the descent path should take it"
            );
        }
        // Errors and what the descent path leaves to the general parser: declined.
        for t in [
            "x < y < z",
            "2**-1",
            "x < y + 1 <= z",
            "x < ~y < z",
            "2.5x",
            "1e",
            "1e+x",
            "2.5e3.1",
            "1.5.3",
            ".5 + x",
            "1e999",
            "x.y",
            "-9223372036854775808",
            "9223372036854775808",
            "FloorDiv(x)",
            "Floordiv(x, 2)",
            "(x, y)",
            "x +",
            "x y",
            "x = 2",
            "x ! 2",
            "x * * 2",
            "2x",
            "x ~ y",
            "oo",
            "FloorDiv",
            "f()",
            "(x",
            "x)",
            "9223372036854775807*9223372036854775807*x + 1",
            "True + 1",
            "x % zf",
            "ä + 1",
            "",
        ] {
            assert!(
                !descent_same_as_general(t, &declared),
                "{t}: should decline"
            );
        }
        // Every ASCII byte the descent path does not read (of no token, or a `.` outside a
        // number, or inside one), at every place in texts it takes: declined, with nothing kept (it is met
        // mid-way now, not by a scan first), or answered as the general parser answers.
        let reads = |c: u8| super::class(c) != 0 || b"+-*/%<>=!&|~(),".contains(&c);
        for t in [
            "FloorDiv(x0 + 2*s1, 4) + y",
            "Eq(Mod(s0, 8), 0) & (x < 3)",
            "Eq(zf, 1.0e-5) | (2.5*ToFloat(x) < 1e3)",
        ] {
            for c in (0..128u8).filter(|&c| !reads(c)) {
                for at in 0..=t.len() {
                    let mut u = t.as_bytes().to_vec();
                    u.insert(at, c);
                    let u = String::from_utf8(u).expect("ASCII");
                    descent_same_as_general(&u, &declared);
                }
            }
        }
        // Deep nesting is left to the general parser (its stacks are on the heap).
        let deep = format!("{}x{}", "(".repeat(200), ")".repeat(200));
        assert!(!descent_same_as_general(&deep, &none));
        let deep = format!("{}x{}", "-".repeat(200), "");
        assert!(!descent_same_as_general(&deep, &none));
        // Random texts.
        let mut next = xorshift(0x2545_f491_4f6c_dd1du64);
        let mut taken = 0;
        for _ in 0..4000 {
            let t = random_text(&mut next, 4);
            if descent_same_as_general(&t, &declared) {
                taken += 1;
            }
        }
        assert!(taken > 1500, "{taken}");
    }

    /// A context that parsed many assumptions keeps the calls its descent path reads and
    /// reads them from the memo when met again (`descent_call`): texts sharing random calls, parsed one
    /// after the other, answer as in a context whose memo is emptied before each parse (no
    /// call kept, no text kept), with the same arena and the same symbols in the same order,
    /// the errors included; and calls are read from the memo.
    #[test]
    fn kept_calls_answer_as_calls_read_again() {
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15u64);
        let (mut hits, mut oks) = (0, 0);
        for round in 0..300 {
            // A pool of calls, then texts made of them.
            let pool: Vec<String> = (0..5)
                .map(|_| {
                    loop {
                        let t = random_text(&mut next, 3);
                        // Mostly calls that parse (to an integer, so that they combine), now
                        // and then any.
                        let mut c = Context::new();
                        declared(&mut c);
                        let int = c.parse(&t).is_ok_and(|e| c.ty(e) == crate::Ty::Int);
                        if t.ends_with(')')
                            && t.as_bytes()[0].is_ascii_uppercase()
                            && (int || next(10) == 0)
                        {
                            break t;
                        }
                    }
                })
                .collect();
            let texts: Vec<String> = (0..16)
                .map(|_| {
                    let mut t = pool[next(5) as usize].clone();
                    for _ in 0..next(3) {
                        let op = [" + ", "*", " - ", " <= ", "//"][next(5) as usize];
                        let u = if next(3) == 0 {
                            random_text(&mut next, 2)
                        } else {
                            pool[next(5) as usize].clone()
                        };
                        t = if next(2) == 0 {
                            format!("{t}{op}{u}")
                        } else {
                            format!("Max({t}, {u})")
                        };
                    }
                    t
                })
                .collect();
            // Assumptions first: then `a` keeps calls.
            let (mut a, mut b) = keeping_and_fresh(round);
            for t in &texts {
                let got = a.parse(t);
                b.parse_memo.clear();
                let want = b.parse(t);
                match (&got, &want) {
                    (Ok(x), Ok(y)) => {
                        assert_eq!(x.index(), y.index(), "{t}");
                        oks += 1;
                    }
                    (Err(x), Err(y)) => assert_eq!(x.to_string(), y.to_string(), "{t}"),
                    _ => panic!("{t}: {got:?} against {want:?}"),
                }
                assert!(a.nodes.iter().eq(b.nodes.iter()), "{t}: arenas differ");
                assert!(a.sym_names.iter().eq(b.sym_names.iter()), "{t}: symbols");
            }
            hits += a.parse_memo.call_hits;
        }
        assert!(oks > 1000 && hits > 250, "{oks} {hits}");
    }

    /// In a context that keeps calls, the products the descent path builds are kept by their
    /// factor lists and read from the memo when built again (`product_node_kept`): texts
    /// sharing products of a pool of factors (calls, groups, symbols of both types, literals
    /// at the i64 limits, 0), parsed one after the other, with rollbacks now and then, answer
    /// as in a context whose memo is emptied before each parse, with the same arena and
    /// symbols, the errors (overflows, types) included; and products are read from the memo.
    #[test]
    fn kept_products_answer_as_products_built_again() {
        let mut next = xorshift(0x2545_f491_4f6c_dd1du64);
        let factors = [
            "FloorDiv(s0, 2)",
            "Max(1, FloorDiv(s0, 2))",
            "Max(1, FloorDiv(s53, 2))",
            "Max(1, (2*FloorDiv(s53, 2)))",
            "(s0 + 1)",
            "((s53//4))",
            "(3*s0)",
            "(s0*s53)",
            "s0",
            "s53",
            "q1",
            "zf",
            "2",
            "0",
            "-1",
            "9223372036854775807",
            "(-9223372036854775807 - 1)",
            "Mod(s0, 3)",
        ];
        let (mut hits, mut oks, mut errs) = (0, 0, 0);
        for round in 0..200 {
            let (mut a, mut b) = keeping_and_fresh(round);
            // This round's factors: a few, so that products repeat.
            let pool: Vec<&str> = (0..3 + next(3))
                .map(|_| factors[next(factors.len() as u64) as usize])
                .collect();
            let mut marks = Vec::new();
            for step in 0..40 {
                let product = |next: &mut dyn FnMut(u64) -> u64| {
                    // Mostly two or three factors, now and then more than a slot holds.
                    let n = 2 + next(3) as usize + 3 * usize::from(next(8) == 0);
                    let fs: Vec<&str> = (0..n)
                        .map(|_| pool[next(pool.len() as u64) as usize])
                        .collect();
                    fs.join("*")
                };
                let (p, q) = (product(&mut next), product(&mut next));
                let t = match next(5) {
                    0 => format!("Ne(({p}), 1)"),
                    1 => format!("Lt({q}, ({p}))"),
                    2 => format!("{p} + {q}"),
                    3 => format!("Max(1, ({p}))*{q}"),
                    _ => format!("Eq(({p}), ({q}))"),
                };
                if next(8) == 0 {
                    marks.push((a.mark(), b.mark()));
                }
                if next(10) == 0
                    && let Some((ma, mb)) = marks.pop()
                {
                    a.rollback(ma).unwrap();
                    b.rollback(mb).unwrap();
                }
                let got = a.parse(&t);
                b.parse_memo.clear();
                let want = b.parse(&t);
                match (&got, &want) {
                    (Ok(x), Ok(y)) => {
                        assert_eq!(x.index(), y.index(), "{t}");
                        oks += 1;
                    }
                    (Err(x), Err(y)) => {
                        assert_eq!(x.to_string(), y.to_string(), "{t}");
                        errs += 1;
                    }
                    _ => panic!("{t}: {got:?} against {want:?}"),
                }
                assert!(
                    a.nodes.iter().eq(b.nodes.iter()),
                    "{round} {step} {t}: arenas differ"
                );
                assert!(a.sym_names.iter().eq(b.sym_names.iter()), "{t}: symbols");
            }
            hits += a.parse_memo.prod_hits;
        }
        assert!(
            oks > 3000 && errs > 500 && hits > 800,
            "{oks} {errs} {hits}"
        );
    }

    /// Texts that repeat parenthesized groups (random ones, plain, doubled as PyTorch prints
    /// them, divided), combined by operators, calls and groups: the descent path, reading a
    /// group met before from the groups it kept, builds what the general parser builds, node
    /// for node, and declines what it declines; a group met again deeper than its first
    /// reading is read again (and past [`DESCENT_DEPTH`] declined), one met again shallower
    /// is not.
    #[test]
    fn repeated_groups_build_what_the_general_parser_builds() {
        let mut next = xorshift(0x5851_f42d_4c95_7f2du64);
        let (mut taken, mut hits) = (0, 0);
        for _ in 0..3000 {
            let pool: Vec<String> = (0..3)
                .map(|_| {
                    // Mostly texts that parse to an integer (so that they combine), now and
                    // then any.
                    let t = loop {
                        let t = random_text(&mut next, 3);
                        let mut c = Context::new();
                        declared(&mut c);
                        if c.parse(&t).is_ok_and(|e| c.ty(e) == crate::Ty::Int) || next(10) == 0 {
                            break t;
                        }
                    };
                    match next(3) {
                        0 => format!("({t})"),
                        1 => format!("(({t}))"),
                        _ => format!("((({t})//{}))", 1 + next(5)),
                    }
                })
                .collect();
            let mut t = pool[next(3) as usize].clone();
            for _ in 0..1 + next(4) {
                let op = [" + ", "*", " - ", " <= ", "//", " == "][next(6) as usize];
                let u = pool[next(3) as usize].clone();
                t = match next(4) {
                    0 => format!("Max({t}, {u})"),
                    1 => format!("({t}){op}{u}"),
                    _ => format!("{t}{op}{u}"),
                };
            }
            if descent_same_as_general(&t, &declared) {
                taken += 1;
            }
            let mut c = Context::new();
            declared(&mut c);
            let _ = c.parse_descent(&t);
            hits += c.parse_memo.group_hits;
        }
        assert!(taken > 1000 && hits > 1000, "{taken} {hits}");
        // Met again at another depth, about the descent path's limit.
        let none = |_: &mut Context| {};
        let g = "((s0//4))";
        let mut deep_hits = 0;
        for k in 40..=50 {
            let deep = format!("{}{g}{}", "(".repeat(k), ")".repeat(k));
            for t in [
                format!("{g} + {deep}"),
                format!("{deep} + {g}"),
                format!("{deep}*{deep}"),
            ] {
                let answered = descent_same_as_general(&t, &none);
                assert_eq!(answered, k + 2 <= super::DESCENT_DEPTH as usize, "{t}");
                let mut c = Context::new();
                let _ = c.parse_descent(&t);
                deep_hits += c.parse_memo.group_hits;
            }
        }
        assert!(deep_hits >= 7, "{deep_hits}");
    }

    /// Flat chains of three infix operators of every precedence (and `**`, right-associative),
    /// spaced and not: the descent path's right operands read without a level of their own
    /// when the next operator binds less (`descent_expr_from`) build what the general parser
    /// builds, arena for arena, and chained comparisons are declined as before.
    #[test]
    fn operator_chains_build_what_the_general_parser_builds() {
        const OPS: [&str; 16] = [
            "+", " - ", "*", "//", "%", "**", "/", "<", " <= ", ">", ">=", "==", "!=", "&", "|",
            "-",
        ];
        let mut taken = 0;
        for o1 in OPS {
            for o2 in OPS {
                for o3 in OPS {
                    let t = format!("s0{o1}2{o2}s1 {o3} 7");
                    if descent_same_as_general(&t, &declared) {
                        taken += 1;
                    }
                }
            }
        }
        assert!(taken > 1200, "{taken}");
    }

    /// `holds_byte` is `contains`: for every byte sought, in texts of every length up to 40
    /// with the byte (or bytes next to it in value, 0x00, 0x80, 0xFF) at every place or
    /// nowhere.
    #[test]
    fn holds_byte_is_contains() {
        let fills: [u8; 6] = [b'a', 0x00, 0x80, 0xFF, b'(' - 1, b'(' + 1];
        for c in [b'(', 0x00, 0x01, 0x7F, 0x80, 0xFF] {
            for len in 0..40 {
                for fill in fills {
                    let mut t = vec![fill; len];
                    assert_eq!(super::holds_byte(&t, c), t.contains(&c), "{c} {len} {fill}");
                    for at in 0..len {
                        t[at] = c;
                        assert_eq!(
                            super::holds_byte(&t, c),
                            t.contains(&c),
                            "{c} {len} {fill} {at}"
                        );
                        t[at] = fill;
                    }
                }
            }
        }
        // Mixed bytes: every word of a pseudo-random walk.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = (x % 37) as usize;
            let t: Vec<u8> = (0..len)
                .map(|i| (x >> (i % 8 * 8)) as u8 ^ i as u8)
                .collect();
            for c in [b'(', (x >> 56) as u8] {
                assert_eq!(super::holds_byte(&t, c), t.contains(&c), "{t:?} {c}");
            }
        }
    }

    /// Chains of `+`, `-` and `*` (and `//`, `<`, which build their operands' pending values)
    /// over operands with and without a pending sum or product, of every type (integer and
    /// float symbols and literals, booleans, groups, a floor division, a sum's overflow): the
    /// descent path's in-place steps (`descent_combine`) and its general steps build what the
    /// general parser's `combine` builds, arena for arena, and decline what it refuses.
    #[test]
    fn in_place_chain_steps_build_what_the_general_parser_builds() {
        const OPERANDS: [&str; 12] = [
            "s0",
            "3",
            "zf",
            "2.5",
            "True",
            "(s1 + 2)",
            "(s1*s0)",
            "(2*s1)",
            "((s0//3))",
            "(zf - 1)",
            "9223372036854775807",
            "(-s1)",
        ];
        const OPS: [&str; 6] = [" + ", " - ", "*", "-", "//", " < "];
        let mut taken = 0;
        for a in OPERANDS {
            for o1 in OPS {
                for b in OPERANDS {
                    for o2 in OPS {
                        for c in ["s1", "1", "(s0 - 1)", "zf"] {
                            let t = format!("{a}{o1}{b}{o2}{c}");
                            if descent_same_as_general(&t, &declared) {
                                taken += 1;
                            }
                        }
                    }
                }
            }
        }
        assert!(taken > 10000, "{taken}");
    }

    /// Sums of products and products of sums, with literals at the ends of i64 (overflows of
    /// a coefficient or a constant), a float symbol, groups that stay pending (sums,
    /// products) and ones that are nodes: the descent path's in-place steps of a pending right
    /// operand ([`Context::descent_pending_step`]) build the general parser's arena, or
    /// decline where it fails.
    #[test]
    fn pending_steps_build_what_the_general_parser_builds() {
        const FACTORS: [&str; 14] = [
            "s0",
            "s1",
            "q1",
            "3",
            "0",
            "-1",
            "9223372036854775807",
            "zf",
            "(s1 + 2)",
            "(s0 - 2*s1 - 9223372036854775807)",
            "(2*s1)",
            "(s0*s1*3)",
            "((s0//3))",
            "(zf - 1)",
        ];
        let mut next = xorshift(0x6a09_e667_f3bc_c908u64);
        let mut taken = 0;
        for _ in 0..6000 {
            let mut t = String::new();
            for k in 0..1 + next(5) {
                if k > 0 {
                    t.push_str(match next(3) {
                        0 => " + ",
                        1 => " - ",
                        _ => "*",
                    });
                }
                for j in 0..1 + next(3) {
                    if j > 0 {
                        t.push('*');
                    }
                    t.push_str(FACTORS[next(FACTORS.len() as u64) as usize]);
                }
            }
            if next(4) == 0 {
                t = format!("({t})*{}", FACTORS[next(FACTORS.len() as u64) as usize]);
            }
            if descent_same_as_general(&t, &declared) {
                taken += 1;
            }
        }
        assert!(taken > 3000, "{taken}");
    }

    /// The parser's shortcut for a literal times a symbol answers what `mul_parts` answers,
    /// in either order, for the literals at the ends of i64 and 0, and declines the rest.
    #[test]
    fn literal_times_symbol_is_mul_parts() {
        let mut cx = Context::new();
        declared(&mut cx);
        let syms = ["s27", "q1", "x"].map(|n| cx.parse(n).unwrap());
        let zf = cx.parse("zf").unwrap();
        for v in [i64::MIN, -7, -1, 0, 1, 2, 96, i64::MAX] {
            let k = cx.int(v);
            for s in syms {
                for fs in [[k, s], [s, k]] {
                    let want = cx.mul_parts(&fs);
                    assert_eq!(cx.literal_times_symbol(&fs), want, "{v}");
                }
            }
            assert_eq!(cx.literal_times_symbol(&[k, zf]), None);
            assert_eq!(cx.literal_times_symbol(&[k, k]), None);
        }
        assert_eq!(cx.literal_times_symbol(&syms[..2]), None);
        assert_eq!(cx.literal_times_symbol(&syms), None);
        // Every other kind of factor, with the literals: the shortcut's answer (or its
        // declining, where `mul_parts` takes the factor apart) against `mul_parts`', the
        // same arena after.
        let others = [
            "(x//5)",
            "Mod(q1, 3)",
            "ModularIndexing(s27, 2, 4)",
            "x + 1",
            "2*x + 3*q1",
            "7*x",
            "-x",
            "x*q1",
            "3*x*q1",
            "x**2",
            "Max(x, 2)",
            "Min(x, q1)",
            "CeilDiv(x, 3)",
            "Abs(x)",
            "(x//5)*q1",
            "2*(x + 1)*q1",
            "7",
            "Where(x > 0, x, 1)",
            "zf",
            "2.5",
            "x > 0",
        ];
        let mut taken = 0;
        for v in [i64::MIN, -7, -1, 0, 1, 2, 96, i64::MAX] {
            for t in others {
                for swap in [false, true] {
                    let (mut a, mut b) = (Context::new(), Context::new());
                    declared(&mut a);
                    declared(&mut b);
                    let fa = [a.parse(t).unwrap(), a.int(v)];
                    let fb = [b.parse(t).unwrap(), b.int(v)];
                    let (fa, fb) = if swap {
                        ([fa[1], fa[0]], [fb[1], fb[0]])
                    } else {
                        (fa, fb)
                    };
                    let idx =
                        |r: Option<(Option<Expr>, i64)>| r.map(|(e, k)| (e.map(|e| e.index()), k));
                    let want = idx(b.mul_parts(&fb));
                    if let Some(got) = a.literal_times_symbol(&fa) {
                        taken += 1;
                        assert_eq!(idx(Some(got)), want, "{v} {t} {swap}");
                        assert_eq!(a.node_count(), b.node_count(), "{v} {t} {swap}");
                    }
                }
            }
        }
        assert!(taken > 150, "{taken}");
    }

    /// A pending product built by `materialize_one` (its shortcut for a literal times a
    /// symbol, and the rest) is `mul_args` of its factors: the same node, the same arena,
    /// the same overflow.
    #[test]
    fn materialized_products_are_mul_args() {
        let setup = |cx: &mut Context| {
            declared(cx);
            let syms = ["s27", "q1", "x", "zf"].map(|n| cx.parse(n).unwrap());
            let mut atoms: Vec<Expr> = syms.to_vec();
            for v in [i64::MIN, -7, -1, 0, 1, 2, 96, i64::MAX] {
                atoms.push(cx.int(v));
            }
            atoms.push(cx.parse("x + 1").unwrap());
            atoms
        };
        let mut n = 0;
        for i in 0..13 {
            for j in 0..13 {
                for k in [None, Some(2), Some(11)] {
                    let (mut a, mut b) = (Context::new(), Context::new());
                    let (xa, xb) = (setup(&mut a), setup(&mut b));
                    let mut fa: smallvec::SmallVec<[Expr; 4]> = smallvec::smallvec![xa[i], xa[j]];
                    let mut fb: smallvec::SmallVec<[Expr; 4]> = smallvec::smallvec![xb[i], xb[j]];
                    if let Some(k) = k {
                        fa.push(xa[k]);
                        fb.push(xb[k]);
                    }
                    let mut e = (xa[i], 1);
                    let got = a
                        .materialize_one(&mut e, &mut Some(Pending::Prod(fa)))
                        .map(|()| e.0.index());
                    let want = b.mul_args(&fb).map(|e| e.index());
                    assert_eq!(got.ok(), want, "{i} {j} {k:?}");
                    assert_eq!(a.node_count(), b.node_count(), "{i} {j} {k:?}");
                    n += usize::from(want.is_some());
                }
            }
        }
        assert!(n > 200, "{n}");
    }

    /// [`Context::ident`]'s shortcut: every name it does not read by comparisons (a keyword,
    /// a bound, a reserved word) starts with one of the bytes that send a name there.
    #[test]
    fn plain_first_bytes_make_symbols() {
        for w in super::RESERVED
            .iter()
            .chain(&["True", "False", "oo", "int_oo", "nan", "zoo"])
        {
            assert!(super::may_be_a_word(w), "{w}");
        }
        // And the two paths answer alike: the same symbol, constant or error.
        for t in [
            "s27", "x0", "_m1", "True", "False", "oo", "nan", "zoo", "int_oo", "Mod", "zf", "c1",
        ] {
            let (mut cx, mut g) = (Context::new(), Context::new());
            let a = cx.ident(t, 1).map(|e| cx.display(e));
            let b = g.ident_named(t, 1).map(|e| g.display(e));
            assert_eq!(
                a.map_err(|e| e.to_string()),
                b.map_err(|e| e.to_string()),
                "{t}"
            );
        }
    }

    #[test]
    fn is_reserved_is_the_list() {
        for w in super::RESERVED {
            assert!(super::is_reserved(w), "{w}");
        }
        for w in ["x", "floordiv", "Floor", "s0", "MinMax", "o", "nans"] {
            assert!(!super::is_reserved(w), "{w}");
        }
    }

    use super::{edit_distance, unknown_function};

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("", "ab"), 2);
        assert_eq!(edit_distance("flordiv", "floordiv"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("mod", "dom"), 2);
    }

    #[test]
    fn unknown_functions_suggest_the_closest_known_one() {
        let msg = |n: &str| unknown_function(n);
        assert!(
            msg("FlorDiv").ends_with("did you mean 'FloorDiv'?"),
            "{}",
            msg("FlorDiv")
        );
        assert!(msg("floordiv").ends_with("did you mean 'FloorDiv'?"));
        assert!(msg("min").ends_with("did you mean 'Min'?"));
        assert!(msg("Modd").ends_with("did you mean 'Mod'?"));
        assert!(msg("Celdiv").ends_with("did you mean 'CeilDiv'?"));
        // Nothing close: no guess; constants are never suggested as functions.
        assert_eq!(msg("Piecewise"), "unknown function 'Piecewise'");
        assert_eq!(msg("Foo"), "unknown function 'Foo'");
        assert!(!msg("TRUE").contains("did you mean"));
    }
}

/// The context's memo of parsed texts: a text parsed again answers what a parse without the
/// memo answers in the same context, whatever happened in between (rollbacks past the text's
/// nodes, `clear`, new limits, errors, symbols declared float). The oracle is a clone of the
/// context made just before the parse (the same nodes), parsing without the memo: both must
/// give the same expression or the same error, and grow their arenas alike.
#[cfg(test)]
mod memo_tests {
    use crate::{Context, Limits, Mark, Ty};
    use proptest::prelude::*;

    /// Texts sharing symbols and subexpressions; some refused (unknown function, a float where an
    /// integer is needed, overflow), some spelled twice with other spacing.
    const TEXTS: &[&str] = &[
        "4*d0*s0*s53 + 2*d1*s0 + d2",
        "4*d0*s0*s53+2*d1*s0+d2",
        "FloorDiv(x + 3*y, 4)",
        "FloorDiv(x+3*y,4)",
        "ModularIndexing(s0*x, 2, s53)",
        "Mod(x, 8) + 8*FloorDiv(x, 8)",
        "s0 - 1",
        "s0 <= 2*y",
        "Eq(Mod(s0, 4), 0)",
        "f + 1",
        "Max(x, f)",
        "x*9223372036854775807*2",
        "Frobnicate(x)",
        "x +",
        "x**3 + y",
        "2*f + 0.5",
    ];

    #[derive(Clone, Debug)]
    enum Op {
        Parse(usize),
        Mark,
        Rollback,
        Clear,
        Limit(usize),
        DeclareFloat,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            // The first texts often, so that texts come again across the other operations.
            6 => (0..4usize).prop_map(Op::Parse),
            4 => (0..TEXTS.len()).prop_map(Op::Parse),
            1 => Just(Op::Mark),
            1 => Just(Op::Rollback),
            1 => Just(Op::Clear),
            1 => prop_oneof![Just(3usize), Just(6), Just(usize::MAX)].prop_map(Op::Limit),
            1 => Just(Op::DeclareFloat),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn a_parse_again_answers_as_a_first_parse(ops in proptest::collection::vec(op(), 1..40)) {
            let mut cx = Context::new();
            let mut marks: Vec<Mark> = Vec::new();
            for op in ops {
                match op {
                    Op::Parse(i) => {
                        let t = TEXTS[i];
                        // The oracle: a clone (the same nodes) parsing without the memo.
                        let mut shadow = cx.clone();
                        let got = cx.parse(t);
                        let want = shadow.parse_text(t);
                        match (&got, &want) {
                            (Ok(g), Ok(w)) => {
                                prop_assert!(cx.owns(*g));
                                prop_assert_eq!(cx.display(*g), shadow.display(*w), "{}", t);
                            }
                            (Err(g), Err(w)) => prop_assert_eq!(g.to_string(), w.to_string()),
                            _ => prop_assert!(false, "{t}: {:?} against {:?}",
                                got.map(|e| cx.display(e)), want.map(|e| shadow.display(e))),
                        }
                        prop_assert_eq!(cx.node_count(), shadow.node_count(), "{}", t);
                    }
                    Op::Mark => marks.push(cx.mark()),
                    Op::Rollback => {
                        if let Some(m) = marks.pop() {
                            // Refused when the facts mention later nodes: nothing changes then.
                            let _ = cx.rollback(m);
                        }
                    }
                    Op::Clear => {
                        cx.clear();
                        marks.clear();
                    }
                    Op::Limit(n) => cx.set_limits(Limits::default().with_input_nodes(n)),
                    Op::DeclareFloat => {
                        let _ = cx.declare("f", Ty::Float);
                    }
                }
            }
        }
    }
}
