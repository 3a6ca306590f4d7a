//! Hash-consed expression nodes, the arena that owns them, and the structural order.
//!
//! Every expression is an [`Expr`] handle (a `u32`) into the [`Context`](crate::Context) arena.
//! Structurally equal expressions get the same handle, so `==` and hashing are O(1).
//! The normal form maintained by the constructors in `build.rs`:
//! - `Add(terms, c)`: `Σ coeff_i * term_i + c`, at least one term, terms sorted by the structural
//!   order, distinct, none an `Int` or an `Add`, no zero coefficient; never a lone `1*t + 0`.
//! - `Mul(factors)`: at least two factors, sorted, none an `Int`, a `Mul`, or a bare `k*t` sum;
//!   repeated factors are merged into `Pow`.
//! - Float arithmetic (`FAdd`, `FMul`, ...) is binary and never reassociated.

use smallvec::SmallVec;
use std::cmp::Ordering;

/// A handle to an interned expression. Cheap to copy; compare with `==` for structural equality.
///
/// `Ord` follows interning order, which is cheap and deterministic for one sequence of calls
/// but not the same in two contexts: for an order that depends only on the expressions, use
/// [`Context::cmp_expr`](crate::Context::cmp_expr).
///
/// A handle belongs to the context that made it (and to clones of that context taken after
/// it was made). In debug builds it also carries that context's identity, and every use with
/// another context panics with a message saying so, instead of reading an unrelated node;
/// [`Context::owns`](crate::Context::owns) is the check for callers that must validate handles in every build
/// (language bindings).
#[derive(Copy, Clone)]
pub struct Expr {
    pub(crate) idx: u32,
    /// The identity of the context that made the handle (see [`crate::Context::owns`]).
    #[cfg(debug_assertions)]
    pub(crate) owner: u32,
    /// The rollback generation in which the node was made (see [`crate::Context::rollback`]):
    /// a handle whose node was dropped by a rollback no longer matches its slot.
    #[cfg(debug_assertions)]
    pub(crate) birth: u32,
}

impl Expr {
    /// The raw index of the node in its context (stable for the life of the context).
    pub fn index(self) -> usize {
        self.idx as usize
    }
}

// Equality, hashing and order are the node's: the owner is a debugging aid only, and a
// context's clone shares its parent's nodes (a handle to one node is equal whichever of the
// two made it).
impl PartialEq for Expr {
    fn eq(&self, o: &Self) -> bool {
        self.idx == o.idx
    }
}
impl Eq for Expr {}
impl std::hash::Hash for Expr {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.idx.hash(h);
    }
}
impl PartialOrd for Expr {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Expr {
    fn cmp(&self, o: &Self) -> Ordering {
        self.idx.cmp(&o.idx)
    }
}
impl std::fmt::Debug for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Expr({})", self.idx)
    }
}

/// A symbol handle, interned by name in its context. Like [`Expr`], it belongs to the context
/// that made it: debug builds carry that context's identity and panic on use with another;
/// [`Context::owns_symbol`](crate::Context::owns_symbol) is the check for every build.
#[derive(Copy, Clone)]
pub struct Symbol {
    pub(crate) idx: u32,
    /// The identity of the context that made the handle.
    #[cfg(debug_assertions)]
    pub(crate) owner: u32,
    /// The rollback generation in which the symbol was made (as for [`Expr`]).
    #[cfg(debug_assertions)]
    pub(crate) birth: u32,
}

// As for `Expr`: equality, hashing and order are the symbol's index only.
impl PartialEq for Symbol {
    fn eq(&self, o: &Self) -> bool {
        self.idx == o.idx
    }
}
impl Eq for Symbol {}
impl std::hash::Hash for Symbol {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.idx.hash(h);
    }
}
impl PartialOrd for Symbol {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Symbol {
    fn cmp(&self, o: &Self) -> Ordering {
        self.idx.cmp(&o.idx)
    }
}
impl std::fmt::Debug for Symbol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Symbol({})", self.idx)
    }
}

/// The type of an expression (docs/language.md §1).
///
/// Exhaustive on purpose: these are the language's three types; [`Value`](crate::Value) and
/// [`Bound`](crate::Bound) mirror them, so code can match all of them without a fallback.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum Ty {
    /// Mathematical integer.
    Int,
    /// IEEE-754 double.
    Float,
    /// Boolean.
    Bool,
}

/// Terms of a sum: `(term, coefficient)`.
pub(crate) type Terms = SmallVec<[(Expr, i64); 4]>;
/// Operands of an n-ary operator.
pub(crate) type Args = SmallVec<[Expr; 4]>;

/// One expression node. Children are handles into the same arena.
#[derive(PartialEq, Eq, Hash, Debug)]
pub(crate) enum Node {
    Int(i64),
    /// A double, stored by bit pattern so that the node is hashable.
    Float(u64),
    Bool(bool),
    Sym(Symbol),
    Add(Terms, i64),
    Mul(Args),
    /// `base ** exp`, exp >= 2.
    Pow(Expr, u32),
    FloorDiv(Expr, Expr),
    /// `CeilDiv(a, b)`: the quotient rounded toward +infinity, for every sign. A node of its
    /// own (not `-FloorDiv(-a, b)`) so that the text's only intermediate values are `a`, `b`
    /// and the quotient: `-a` overflows at `a = i64::MIN` where `CeilDiv(a, 2)` does not.
    CeilDiv(Expr, Expr),
    Mod(Expr, Expr),
    Min(Args),
    Max(Args),
    Abs(Expr),
    Where(Expr, Expr, Expr),
    ToFloat(Expr),
    IntTrueDiv(Expr, Expr),
    FloatTrueDiv(Expr, Expr),
    FAdd(Expr, Expr),
    FMul(Expr, Expr),
    FNeg(Expr),
    TruncToInt(Expr),
    FloorToInt(Expr),
    CeilToInt(Expr),
    RoundToInt(Expr),
    Eq(Expr, Expr),
    Ne(Expr, Expr),
    Lt(Expr, Expr),
    Le(Expr, Expr),
    And(Args),
    Or(Args),
    Not(Expr),
}

/// Field by field, as `derive(Clone)` would, except that the operand lists are copied whole
/// (`from_slice`): a derived clone of a `SmallVec` pushes its items one by one.
impl Clone for Node {
    fn clone(&self) -> Self {
        match self {
            Node::Add(ts, c) => Node::Add(Terms::from_slice(ts), *c),
            Node::Mul(a) => Node::Mul(Args::from_slice(a)),
            Node::Min(a) => Node::Min(Args::from_slice(a)),
            Node::Max(a) => Node::Max(Args::from_slice(a)),
            Node::And(a) => Node::And(Args::from_slice(a)),
            Node::Or(a) => Node::Or(Args::from_slice(a)),
            Node::Int(v) => Node::Int(*v),
            Node::Float(v) => Node::Float(*v),
            Node::Bool(v) => Node::Bool(*v),
            Node::Sym(s) => Node::Sym(*s),
            Node::Pow(a, k) => Node::Pow(*a, *k),
            Node::FloorDiv(a, b) => Node::FloorDiv(*a, *b),
            Node::CeilDiv(a, b) => Node::CeilDiv(*a, *b),
            Node::Mod(a, b) => Node::Mod(*a, *b),
            Node::Abs(a) => Node::Abs(*a),
            Node::Where(c, a, b) => Node::Where(*c, *a, *b),
            Node::ToFloat(a) => Node::ToFloat(*a),
            Node::IntTrueDiv(a, b) => Node::IntTrueDiv(*a, *b),
            Node::FloatTrueDiv(a, b) => Node::FloatTrueDiv(*a, *b),
            Node::FAdd(a, b) => Node::FAdd(*a, *b),
            Node::FMul(a, b) => Node::FMul(*a, *b),
            Node::FNeg(a) => Node::FNeg(*a),
            Node::TruncToInt(a) => Node::TruncToInt(*a),
            Node::FloorToInt(a) => Node::FloorToInt(*a),
            Node::CeilToInt(a) => Node::CeilToInt(*a),
            Node::RoundToInt(a) => Node::RoundToInt(*a),
            Node::Eq(a, b) => Node::Eq(*a, *b),
            Node::Ne(a, b) => Node::Ne(*a, *b),
            Node::Lt(a, b) => Node::Lt(*a, *b),
            Node::Le(a, b) => Node::Le(*a, *b),
            Node::Not(a) => Node::Not(*a),
        }
    }
}

impl Node {
    /// Rank of the node kind in the structural order (symbols first, sums last).
    fn rank(&self) -> u8 {
        match self {
            Node::Int(_) => 0,
            Node::Float(_) => 1,
            Node::Bool(_) => 2,
            Node::Sym(_) => 3,
            Node::Pow(..) => 4,
            Node::Mul(_) => 5,
            Node::FloorDiv(..) => 6,
            Node::Mod(..) => 7,
            Node::Min(_) => 8,
            Node::Max(_) => 9,
            Node::Abs(_) => 10,
            Node::Where(..) => 11,
            Node::ToFloat(_) => 12,
            Node::IntTrueDiv(..) => 13,
            Node::FloatTrueDiv(..) => 14,
            Node::FAdd(..) => 15,
            Node::FMul(..) => 16,
            Node::FNeg(_) => 17,
            Node::TruncToInt(_) => 18,
            Node::FloorToInt(_) => 19,
            Node::CeilToInt(_) => 20,
            Node::RoundToInt(_) => 21,
            Node::Eq(..) => 22,
            Node::Ne(..) => 23,
            Node::Lt(..) => 24,
            Node::Le(..) => 25,
            Node::And(_) => 26,
            Node::Or(_) => 27,
            Node::Not(_) => 28,
            Node::CeilDiv(..) => 29,
            Node::Add(..) => 30,
        }
    }

    /// Whether the node is a leaf (a constant or a symbol: no operands).
    #[inline(always)]
    fn is_leaf(&self) -> bool {
        matches!(
            self,
            Node::Int(_) | Node::Float(_) | Node::Bool(_) | Node::Sym(_)
        )
    }

    /// Children in order (coefficients of sums are compared separately).
    /// The operands in the order the node's constructor takes them (the terms of a sum
    /// without their coefficients, the base of a power; none for a leaf), borrowed: for the
    /// walks that push each node's children on a stack. The one listing of a node's operands
    /// ([`Node::children`] copies it, [`crate::Context::children`] iterates it).
    pub(crate) fn kids(&self) -> Kids<'_> {
        match self {
            Node::Int(_) | Node::Float(_) | Node::Bool(_) | Node::Sym(_) => Kids::List(&[]),
            Node::Add(ts, _) => Kids::Terms(ts),
            Node::Mul(a) | Node::Min(a) | Node::Max(a) | Node::And(a) | Node::Or(a) => {
                Kids::List(a)
            }
            Node::Pow(a, _)
            | Node::Abs(a)
            | Node::ToFloat(a)
            | Node::FNeg(a)
            | Node::TruncToInt(a)
            | Node::FloorToInt(a)
            | Node::CeilToInt(a)
            | Node::RoundToInt(a)
            | Node::Not(a) => Kids::Few([*a, *a, *a], 1),
            Node::FloorDiv(a, b)
            | Node::CeilDiv(a, b)
            | Node::Mod(a, b)
            | Node::IntTrueDiv(a, b)
            | Node::FloatTrueDiv(a, b)
            | Node::FAdd(a, b)
            | Node::FMul(a, b)
            | Node::Eq(a, b)
            | Node::Ne(a, b)
            | Node::Lt(a, b)
            | Node::Le(a, b) => Kids::Few([*a, *b, *b], 2),
            Node::Where(c, a, b) => Kids::Few([*c, *a, *b], 3),
        }
    }

    /// The children as [`Node::kids`] lists them, copied.
    pub(crate) fn children(&self) -> Args {
        match self.kids() {
            Kids::List(xs) => xs.iter().copied().collect(),
            Kids::Terms(ts) => ts.iter().map(|t| t.0).collect(),
            Kids::Few(xs, n) => xs[..usize::from(n)].iter().copied().collect(),
        }
    }
}

/// A node's children as [`Node::kids`] lists them: borrowed, in order.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Kids<'a> {
    /// One to three operands: the first `n` (the other slots repeat one of them).
    Few([Expr; 3], u8),
    List(&'a [Expr]),
    Terms(&'a [(Expr, i64)]),
}

impl<'a> Kids<'a> {
    pub(crate) fn len(&self) -> usize {
        match self {
            Kids::Few(_, n) => usize::from(*n),
            Kids::List(xs) => xs.len(),
            Kids::Terms(ts) => ts.len(),
        }
    }

    /// Child `i` (`i < len()`).
    pub(crate) fn get(&self, i: usize) -> Expr {
        match self {
            Kids::Few(xs, _) => xs[i],
            Kids::List(xs) => xs[i],
            Kids::Terms(ts) => ts[i].0,
        }
    }

    /// The children in order (`.rev()` for the reverse).
    pub(crate) fn iter(self) -> Children<'a> {
        Children {
            kids: self,
            front: 0,
            back: self.len(),
        }
    }
}

/// The children of a node in order, without allocating: see [`crate::Context::children`].
#[derive(Clone, Debug)]
pub struct Children<'a> {
    kids: Kids<'a>,
    /// The next child from the front, and one past the next from the back.
    front: usize,
    back: usize,
}

impl Iterator for Children<'_> {
    type Item = Expr;
    fn next(&mut self) -> Option<Expr> {
        (self.front < self.back).then(|| {
            self.front += 1;
            self.kids.get(self.front - 1)
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.back - self.front;
        (n, Some(n))
    }
}

impl DoubleEndedIterator for Children<'_> {
    fn next_back(&mut self) -> Option<Expr> {
        (self.front < self.back).then(|| {
            self.back -= 1;
            self.kids.get(self.back)
        })
    }
}

impl ExactSizeIterator for Children<'_> {}

/// Natural order of names: `x2 < x10`, digits compared as numbers.
/// A name's order key, which [`key_cmp`] compares: `head` is the first (at most 24) bytes of
/// the name's non-digit part (the bytes before its first digit), packed big-endian and
/// zero-padded into three words; `tail` says what else the key knows:
/// - below [`KEY_HEAD_ONLY`] (an exact key): the name is that non-digit part of at most 24
///   bytes and an optional run of at most 18 digits without a leading zero (`s0`, `s53`,
///   `x`, `ks1`, `u0`, `_merge_tester1`, `evaluate_static_shape_0`); `tail` is 0 without
///   digits, else the number + 1, and [`KEY_LONG`] added for a head longer than 8 bytes (two
///   equal heads are both long or both not). Two exact keys order their names as
///   [`natural_cmp`] does (`head`, then `tail`).
/// - [`KEY_HEAD_ONLY`]: any other name whose first 24 bytes (or fewer, to its first digit)
///   are no byte below `0` (`x1_inner`, `s01`): only `head` is known, which orders it against
///   any keyed name with another `head`.
/// - [`KEY_NONE`]: a name with a byte below `0` (a NUL, `.`) before its first digit, within
///   its first 24 bytes (no identifier has one): `natural_cmp` itself.
///
/// Why the orders agree: two names whose heads differ differ at a byte of their non-digit
/// parts (both non-digits, compared as bytes, as the padded packing compares them), or one
/// part's first bytes are a proper prefix of the other's, and then the shorter name continues
/// with a digit or ends where the longer has a non-digit byte, no byte below `0` and so
/// larger than any digit (`natural_cmp` compares the bytes, or the lengths at the end):
/// smaller either way, as the zero padding makes it. With equal non-digit parts of at most 24
/// bytes, no digits comes first, then the numbers' order, which is `natural_cmp`'s digit-run
/// order for runs without leading zeros.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SymKey {
    pub(crate) head: [u64; 3],
    pub(crate) tail: u64,
}

/// How many bytes of a name's non-digit part its [`SymKey`] holds.
const KEY_BYTES: usize = 24;

/// The [`SymKey`] of `name`.
#[inline(always)]
pub(crate) fn sym_order_key(name: &str) -> SymKey {
    // One pass over the bytes of a name whose non-digit part fits in a word (every symbol
    // gets a key when it is made; inlined into the symbol's creation, the key is written in
    // place); a longer one out of line.
    let b = name.as_bytes();
    let mut packed = 0u64;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() {
            break;
        }
        if i == 8 {
            return long_sym_order_key(b);
        }
        // A byte below `0` (NUL, `.`) would not sort above the digits (no identifier has
        // one).
        if c < b'0' {
            return SymKey {
                head: [0; 3],
                tail: KEY_NONE,
            };
        }
        packed |= u64::from(c) << (56 - 8 * i);
        i += 1;
    }
    SymKey {
        head: [packed, 0, 0],
        tail: key_tail(&b[i..]),
    }
}

/// [`sym_order_key`] of a name whose non-digit part is longer than 8 bytes (its first 8 bytes
/// are no digit and no byte below `0`), a word at a time: in each word of 8 bytes, the first
/// byte below `:` (a digit, a byte below `0`, or the end of the name) ends the non-digit part.
#[cold]
#[inline(never)]
fn long_sym_order_key(b: &[u8]) -> SymKey {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let len = b.len();
    let mut head = [0u64; 3];
    for (k, word) in head.iter_mut().enumerate() {
        let from = 8 * k;
        if from == len {
            return SymKey {
                head,
                tail: KEY_LONG,
            };
        }
        // The 8 bytes from `from`, the first in the lowest byte; past the end, zeros (the
        // last 8 bytes of the name, shifted: a long name has more than 8).
        let le = if len >= from + 8 {
            u64::from_le_bytes(b[from..from + 8].try_into().expect("8 bytes"))
        } else {
            u64::from_le_bytes(b[len - 8..].try_into().expect("8 bytes")) >> (8 * (from + 8 - len))
        };
        // The bytes below `:` flagged (x - n*ONES & !x & 0x80..: the lowest flag is exact,
        // the borrows only reach the bytes after it; a byte from 0x80 is never flagged).
        let low = le.wrapping_sub(ONES * u64::from(b':')) & !le & (ONES << 7);
        if low == 0 {
            *word = le.swap_bytes();
            continue;
        }
        let p = (low.trailing_zeros() / 8) as usize;
        let at = from + p;
        if at < len && b[at] < b'0' {
            return SymKey {
                head: [0; 3],
                tail: KEY_NONE,
            };
        }
        // The word's first `p` bytes, big-endian, zero-padded.
        *word = if p == 0 {
            0
        } else {
            le.swap_bytes() & !(u64::MAX >> (8 * p))
        };
        let tail = if at < len { key_tail(&b[at..]) } else { 0 };
        return SymKey {
            head,
            tail: long_tail(tail),
        };
    }
    // 24 bytes of the non-digit part: it ends there (the name's end or a digit), or goes on.
    let tail = match b.get(KEY_BYTES) {
        None => 0,
        Some(c) if c.is_ascii_digit() => key_tail(&b[KEY_BYTES..]),
        Some(_) => KEY_HEAD_ONLY,
    };
    SymKey {
        head,
        tail: long_tail(tail),
    }
}

/// The tail of a key whose head is longer than 8 bytes: an exact tail marked [`KEY_LONG`].
#[inline(always)]
fn long_tail(tail: u64) -> u64 {
    if tail < KEY_HEAD_ONLY {
        tail | KEY_LONG
    } else {
        tail
    }
}

/// [`SymKey::tail`] of a name whose non-digit part (of at most [`KEY_BYTES`] bytes) is
/// followed by `digits` (starting with a digit, or empty).
#[inline(always)]
fn key_tail(digits: &[u8]) -> u64 {
    let Some(&first) = digits.first() else {
        return 0;
    };
    if digits.len() > 18 || (digits.len() > 1 && first == b'0') {
        return KEY_HEAD_ONLY;
    }
    let mut num = 0u64;
    for &d in digits {
        // A byte below `0` wraps above 9: not a digit either.
        let v = d.wrapping_sub(b'0');
        if v > 9 {
            return KEY_HEAD_ONLY;
        }
        num = num * 10 + u64::from(v);
    }
    num + 1
}

/// Added to [`SymKey::tail`] of an exact key whose head is longer than 8 bytes (above every
/// number's tail, below [`KEY_HEAD_ONLY`]): two keys of one word each compare as a pair.
pub(crate) const KEY_LONG: u64 = 1 << 61;
/// [`SymKey::tail`] of a name of which only the head is known (above every exact key's tail,
/// which is at most 10^18).
pub(crate) const KEY_HEAD_ONLY: u64 = 1 << 62;
/// [`SymKey::tail`] of a name that only [`natural_cmp`] orders.
pub(crate) const KEY_NONE: u64 = 1 << 63;

/// The order of two names given their [`SymKey`]s, when the keys decide it: [`natural_cmp`]'s
/// answer, or `None` (then `natural_cmp` decides). Heads that differ decide (unless a key is
/// [`KEY_NONE`]); equal heads, the tails of two exact keys (equal heads of a key that knows
/// only its head say nothing about the rest).
#[inline(always)]
pub(crate) fn key_cmp(x: &SymKey, y: &SymKey) -> Option<Ordering> {
    // Most names are exact keys of one word (`s0`, `ks1`): their heads' other words are 0,
    // and the pair (first word, tail) is the key's order.
    if (x.tail | y.tail) < KEY_LONG {
        return Some((x.head[0], x.tail).cmp(&(y.head[0], y.tail)));
    }
    key_cmp_long(x, y)
}

/// [`key_cmp`] of two keys of which one is long, knows only its head or nothing.
#[cold]
#[inline(never)]
fn key_cmp_long(x: &SymKey, y: &SymKey) -> Option<Ordering> {
    let m = x.tail | y.tail;
    if m >= KEY_NONE {
        return None;
    }
    if x.head != y.head {
        return Some(x.head.cmp(&y.head));
    }
    // Equal heads: of one length, so both long or both not, the tails alike marked.
    (m < KEY_HEAD_ONLY).then(|| x.tail.cmp(&y.tail))
}

/// Names in natural order: digit runs compare as numbers (`x2 < x10`), other bytes as bytes,
/// then the shorter rest first, then the bytes (`x01` and `x1` differ).
pub(crate) fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (ab, bb) = (a.as_bytes(), b.as_bytes());
    // Up to the first differing byte `n`, the walk below compares equal bytes and equal
    // digit runs; it decides at `n` (a name's end reads as `None`, below every byte).
    let n = common_prefix(ab, bb);
    let (x, y) = (ab.get(n).copied(), bb.get(n).copied());
    let digit = |c: Option<u8>| c.is_some_and(|c| c.is_ascii_digit());
    // No digit at `n`: a digit run before `n` ends there in both names (equal), and the walk
    // compares the two bytes, or the lengths where a name ends.
    if !digit(x) && !digit(y) {
        return x.cmp(&y);
    }
    // The digit run through `n` starts at `s` (the same bytes in both names before `n`).
    let mut s = n;
    while s > 0 && ab[s - 1].is_ascii_digit() {
        s -= 1;
    }
    // A run starting at `n` in one name only: the walk compares bytes (or lengths).
    if s == n && !(digit(x) && digit(y)) {
        return x.cmp(&y);
    }
    // Two runs from `s`, ending at `ea` and `eb`: without leading zeros the longer is the
    // larger number, and runs of one length differ first at `n`. Leading zeros (a run of two
    // or more digits from a `0`) are the walk's (it trims them); a run that is just `0` has
    // none (`evaluate_static_shape_0`): the number 0, shorter than or as long as the other
    // run, whose first digit, at `n`, is larger.
    let run = |v: &[u8]| n + v[n..].iter().take_while(|c| c.is_ascii_digit()).count();
    let (ea, eb) = (run(ab), run(bb));
    if (ab[s] == b'0' && ea - s > 1) || (bb[s] == b'0' && eb - s > 1) {
        return natural_cmp_walk(a, b);
    }
    ea.cmp(&eb).then(x.cmp(&y))
}

/// The length of the longest common prefix of `a` and `b`: eight bytes at a time, then byte
/// by byte (names such as `evaluate_static_shape_0` and `evaluate_static_shape_1` share 22
/// bytes, and a product of them compares them on every sort).
#[inline]
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let m = a.len().min(b.len());
    let mut i = 0;
    while i + 8 <= m {
        let word = |v: &[u8]| u64::from_le_bytes(v[i..i + 8].try_into().expect("8 bytes"));
        let d = word(a) ^ word(b);
        if d != 0 {
            // Little-endian: the lowest set bit is in the first differing byte.
            return i + (d.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < m && a[i] == b[i] {
        i += 1;
    }
    i
}

/// [`natural_cmp`] by walking both names.
fn natural_cmp_walk(a: &str, b: &str) -> Ordering {
    let (ab, bb) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < ab.len() && j < bb.len() {
        if ab[i].is_ascii_digit() && bb[j].is_ascii_digit() {
            let si = i;
            while i < ab.len() && ab[i].is_ascii_digit() {
                i += 1;
            }
            let sj = j;
            while j < bb.len() && bb[j].is_ascii_digit() {
                j += 1;
            }
            let (da, db) = (
                a[si..i].trim_start_matches('0'),
                b[sj..j].trim_start_matches('0'),
            );
            let o = da.len().cmp(&db.len()).then_with(|| da.cmp(db));
            if o != Ordering::Equal {
                return o;
            }
        } else {
            let o = ab[i].cmp(&bb[j]);
            if o != Ordering::Equal {
                return o;
            }
            i += 1;
            j += 1;
        }
    }
    (ab.len() - i).cmp(&(bb.len() - j)).then_with(|| a.cmp(b))
}

/// How many levels [`crate::Context::cmp_expr`] compares by recursion before it continues with
/// an explicit work list (a bound on its stack use).
const CMP_DEPTH: u32 = 24;

impl crate::Context {
    /// The structural total order used to sort sums, products and n-ary arguments.
    /// It depends only on structure and symbol names, never on interning order, so the same
    /// input prints the same way in every context. Safe on arbitrarily deep expressions: the
    /// comparison recurses a bounded number of levels, then continues with an explicit work list.
    ///
    /// `Ord` on [`Expr`] is the interning order (cheap, but it differs between contexts that
    /// made the same expressions in another order): sort with this function when the order is
    /// observable (`v.sort_by(|a, b| cx.cmp_expr(*a, *b))`). It is `Equal` exactly for equal
    /// handles.
    pub fn cmp_expr(&self, a: Expr, b: Expr) -> Ordering {
        if a == b {
            return Ordering::Equal;
        }
        // Inline for the comparisons that sorting terms makes most: different kinds, two
        // integers, two symbols (the first step of the order, `cmp_kind_and_leaf`, without
        // the leaves that sums and products never sort), two products of symbols; the
        // recursion takes the rest (through the helper, this costs 0.8% more instructions
        // on simplify requests).
        let (na, nb) = (self.node(a), self.node(b));
        let o = na.rank().cmp(&nb.rank());
        if o != Ordering::Equal {
            return o;
        }
        match (na, nb) {
            (Node::Int(p), Node::Int(q)) => p.cmp(q),
            (Node::Sym(p), Node::Sym(q)) => self.sym_cmp(*p, *q),
            // The recursion compares factors pairwise in order, then their counts; the same
            // here without its calls, while the factors are symbols.
            (Node::Mul(xs), Node::Mul(ys)) => {
                for (x, y) in xs.iter().zip(ys.iter()) {
                    if x == y {
                        continue;
                    }
                    match (self.node(*x), self.node(*y)) {
                        (Node::Sym(p), Node::Sym(q)) => return self.sym_cmp(*p, *q),
                        _ => return self.cmp_same_kind(a, b, na, nb, CMP_DEPTH),
                    }
                }
                xs.len().cmp(&ys.len())
            }
            // Two other leaves of one kind (floats, booleans): their values.
            _ if na.is_leaf() => self.cmp_kind_and_leaf(na, nb),
            _ => self.cmp_same_kind(a, b, na, nb, CMP_DEPTH),
        }
    }

    /// The first step of the order: the kinds, then two leaves' values (distinct symbols
    /// have distinct names, which `natural_cmp` orders). `Equal` for two nodes of one kind
    /// with operands, whose operands decide.
    #[inline(always)]
    fn cmp_kind_and_leaf(&self, nx: &Node, ny: &Node) -> Ordering {
        let o = nx.rank().cmp(&ny.rank());
        if o != Ordering::Equal {
            return o;
        }
        match (nx, ny) {
            (Node::Int(p), Node::Int(q)) => p.cmp(q),
            (Node::Float(p), Node::Float(q)) => f64::from_bits(*p).total_cmp(&f64::from_bits(*q)),
            (Node::Bool(p), Node::Bool(q)) => p.cmp(q),
            (Node::Sym(p), Node::Sym(q)) => self.sym_cmp(*p, *q),
            _ => Ordering::Equal,
        }
    }

    /// [`Context::cmp_expr`] by recursion, `depth` levels deep, then by
    /// [`Context::cmp_expr_walk`]. The same order as the walk: kind, then a leaf's value,
    /// then the operands pairwise in order (a power: base, then exponent; a sum: each term,
    /// then its coefficient), then their count (a sum: then its constant). It stops at the
    /// first pair that differs, where the walk queues every pair of a level before comparing
    /// the first (sorting the operands of a product of sums or calls spent most of its time
    /// there).
    ///
    /// Inline: two leaves (or two nodes of different kinds) are decided here without a call,
    /// which is most operand pairs of two calls of one kind (`FloorDiv(s0, 2)` against
    /// `FloorDiv(s1, 2)`); only two nodes of one kind with operands recurse, through
    /// [`Context::cmp_same_kind`].
    #[inline(always)]
    fn cmp_expr_rec(&self, x: Expr, y: Expr, depth: u32) -> Ordering {
        if x == y {
            return Ordering::Equal;
        }
        let (nx, ny) = (self.node(x), self.node(y));
        let o = self.cmp_kind_and_leaf(nx, ny);
        // Two leaves of one kind: their values decide (`cmp_same_kind` would find no operands
        // and answer `Equal`, as would the walk at depth 0: the same answer as `o`).
        if o != Ordering::Equal || nx.is_leaf() {
            return o;
        }
        self.cmp_same_kind(x, y, nx, ny, depth)
    }

    /// The rest of [`Context::cmp_expr_rec`] for two distinct nodes `nx`, `ny` (of `x`, `y`)
    /// of one kind with operands: the operands pairwise, then their count (past `depth`
    /// levels, the walk).
    fn cmp_same_kind(&self, x: Expr, y: Expr, nx: &Node, ny: &Node, depth: u32) -> Ordering {
        if depth == 0 {
            return self.cmp_expr_walk(x, y);
        }
        let d = depth - 1;
        match (nx, ny) {
            (Node::Pow(bx, ex), Node::Pow(by, ey)) => {
                self.cmp_expr_rec(*bx, *by, d).then_with(|| ex.cmp(ey))
            }
            (Node::Add(p, c), Node::Add(q, d0)) => {
                for (tp, tq) in p.iter().zip(q.iter()) {
                    let o = self
                        .cmp_expr_rec(tp.0, tq.0, d)
                        .then_with(|| tp.1.cmp(&tq.1));
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                p.len().cmp(&q.len()).then_with(|| c.cmp(d0))
            }
            // Two operands each (one kind: both have two): the first pair, then the second
            // (their counts are equal).
            (Node::FloorDiv(a, b), Node::FloorDiv(p, q))
            | (Node::Mod(a, b), Node::Mod(p, q))
            | (Node::CeilDiv(a, b), Node::CeilDiv(p, q)) => {
                let o = self.cmp_expr_rec(*a, *p, d);
                if o != Ordering::Equal {
                    return o;
                }
                self.cmp_expr_rec(*b, *q, d)
            }
            // Lists: pairwise, then the counts.
            (Node::Mul(xs), Node::Mul(ys))
            | (Node::Min(xs), Node::Min(ys))
            | (Node::Max(xs), Node::Max(ys)) => {
                for (a, b) in xs.iter().zip(ys.iter()) {
                    let o = self.cmp_expr_rec(*a, *b, d);
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                xs.len().cmp(&ys.len())
            }
            _ => {
                let (kx, ky) = (nx.kids(), ny.kids());
                for i in 0..kx.len().min(ky.len()) {
                    let o = self.cmp_expr_rec(kx.get(i), ky.get(i), d);
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                kx.len().cmp(&ky.len())
            }
        }
    }

    /// [`Context::cmp_expr`]'s general walk (an explicit stack: no recursion).
    fn cmp_expr_walk(&self, a: Expr, b: Expr) -> Ordering {
        enum Item {
            Pair(Expr, Expr),
            Fixed(Ordering),
        }
        let mut stack: SmallVec<[Item; 16]> = SmallVec::new();
        stack.push(Item::Pair(a, b));
        while let Some(item) = stack.pop() {
            let (x, y) = match item {
                Item::Fixed(Ordering::Equal) => continue,
                Item::Fixed(o) => return o,
                Item::Pair(x, y) if x == y => continue,
                Item::Pair(x, y) => (x, y),
            };
            let (nx, ny) = (self.node(x), self.node(y));
            let o = self.cmp_kind_and_leaf(nx, ny);
            if o != Ordering::Equal {
                return o;
            }
            match (nx, ny) {
                (Node::Pow(bx, ex), Node::Pow(by, ey)) => {
                    stack.push(Item::Fixed(ex.cmp(ey)));
                    stack.push(Item::Pair(*bx, *by));
                }
                (Node::Add(p, c), Node::Add(q, d)) => {
                    // Lexicographic over (term, coeff) pairs, then length, then the constant.
                    stack.push(Item::Fixed(c.cmp(d)));
                    stack.push(Item::Fixed(p.len().cmp(&q.len())));
                    for (tp, tq) in p.iter().zip(q.iter()).rev() {
                        stack.push(Item::Fixed(tp.1.cmp(&tq.1)));
                        stack.push(Item::Pair(tp.0, tq.0));
                    }
                }
                _ => {
                    let (cx, cy) = (nx.children(), ny.children());
                    stack.push(Item::Fixed(cx.len().cmp(&cy.len())));
                    for (p, q) in cx.iter().zip(cy.iter()).rev() {
                        stack.push(Item::Pair(*p, *q));
                    }
                }
            }
        }
        Ordering::Equal
    }
}

#[cfg(test)]
mod tests {
    use super::{
        KEY_HEAD_ONLY, KEY_LONG, KEY_NONE, SymKey, key_cmp, natural_cmp, natural_cmp_walk,
        sym_order_key,
    };
    use std::cmp::Ordering;

    /// `natural_cmp`'s shortcuts (the first differing byte and the digit runs through it) are the
    /// walk's answer on every pair of names of up to four bytes over `a b 0 1 2 _`.
    #[test]
    fn natural_cmp_shortcut_is_the_walk() {
        let alphabet = ["a", "b", "0", "1", "2", "_"];
        let mut names = vec![String::new()];
        let mut level = vec![String::new()];
        for _ in 0..4 {
            level = level
                .iter()
                .flat_map(|p| alphabet.iter().map(move |c| format!("{p}{c}")))
                .collect();
            names.extend(level.iter().cloned());
        }
        for a in &names {
            for b in &names {
                assert_eq!(natural_cmp(a, b), natural_cmp_walk(a, b), "{a:?} vs {b:?}");
            }
        }
    }

    /// Long names (the common prefix is found eight bytes at a time): every pair of a long
    /// shared stem (cut at every length, so that names differ at every offset of a word and
    /// across a word's end) followed by the short names above agrees with the walk.
    #[test]
    fn natural_cmp_of_long_names_is_the_walk() {
        let stem = "evaluate_static_shape_0123456789_x";
        let tails = ["", "a", "b", "0", "1", "10", "2", "01", "_", "a1", "b0"];
        let mut names = Vec::new();
        for cut in 0..=stem.len() {
            for t in tails {
                names.push(format!("{}{t}", &stem[..cut]));
            }
        }
        for a in &names {
            for b in &names {
                assert_eq!(natural_cmp(a, b), natural_cmp_walk(a, b), "{a:?} vs {b:?}");
            }
        }
        for (a, b, n) in [
            ("", "", 0),
            ("abcdefgh", "abcdefgh", 8),
            ("abcdefghi", "abcdefgx", 7),
        ] {
            assert_eq!(
                super::common_prefix(a.as_bytes(), b.as_bytes()),
                n,
                "{a} {b}"
            );
        }
    }

    /// `Node::kids` lists a node's operands in the order its constructors take them, for a
    /// node of every kind: rebuilding the node from them (`rebuild`, which lists the kinds
    /// on its own) gives the node back; reversed iteration and the public `children` walk
    /// agree with it.
    #[test]
    fn kids_rebuild_the_node() {
        let mut cx = crate::Context::new();
        cx.declare("f", crate::Ty::Float).unwrap();
        let texts = [
            "3",
            "2.5",
            "True",
            "x",
            "x + 2*y + 3",
            "x*y*z",
            "x**3",
            "FloorDiv(x, 3)",
            "CeilDiv(x, y)",
            "Mod(x, 7)",
            "Min(x, y, 3)",
            "Max(x, y)",
            "Abs(x)",
            "Where(Eq(x, 1), y, z)",
            "ToFloat(x)",
            "IntTrueDiv(x, y)",
            "FloatTrueDiv(f, 2.0)",
            "f + 1.5",
            "f*2.5",
            "-f",
            "TruncToInt(f)",
            "FloorToInt(f)",
            "CeilToInt(f)",
            "RoundToInt(f)",
            "Eq(x, y)",
            "Ne(x, y)",
            "x < y",
            "x <= y",
            "And(x < y, y < z)",
            "Or(x < y, y < z)",
            "Not(f < 2.0)",
            "FloorDiv(y, x)",
            "Mod(3, x)",
            "Where(x < y, z, y)",
            "Min(FloorDiv(x, 2), y)",
        ];
        let mut kinds = std::collections::BTreeSet::new();
        for t in texts {
            let mut stack = vec![cx.parse(t).unwrap()];
            while let Some(e) = stack.pop() {
                let n = cx.node(e);
                let dbg = format!("{n:?}");
                kinds.insert(dbg.split('(').next().unwrap_or_default().to_string());
                let kids: Vec<super::Expr> = n.kids().iter().collect();
                let back: Vec<super::Expr> = n.kids().iter().rev().collect();
                assert_eq!(n.kids().len(), kids.len());
                assert!(back.iter().rev().eq(kids.iter()), "{}", cx.display(e));
                assert!(cx.children(e).eq(kids.iter().copied()), "{}", cx.display(e));
                assert!(
                    cx.children(e).rev().eq(back.iter().copied()),
                    "{}",
                    cx.display(e)
                );
                assert_eq!(cx.children(e).len(), kids.len());
                assert_eq!(cx.rebuild(e, &kids), Some(e), "{}", cx.display(e));
                stack.extend(kids);
            }
        }
        // Every kind of node was seen (a new kind needs a case in this test).
        assert_eq!(kinds.len(), 31, "node kinds seen: {kinds:?}");
    }

    /// `cmp_expr`'s shortcut for two products agrees with the general walk on every pair of
    /// a set of products (symbols, powers, prefixes of each other, calls as factors).
    #[test]
    fn product_order_shortcut_agrees_with_the_walk() {
        let mut cx = crate::Context::new();
        let texts = [
            "s0*s1",
            "s0*s1*s2",
            "s1*s2",
            "s0*s10",
            "s0*s2",
            "s0**2*s1",
            "s0*s1**2",
            "x*y",
            "s0*FloorDiv(s1, 2)",
            "s0*FloorDiv(s1, 3)",
            "s0*s1*FloorDiv(s1, 2)",
            "s0**3",
            "s0*Mod(s1, 4)*s2",
            "a*b*c*d*e",
            "a*b*c*d*f",
            "a*b*c*d",
            "ks0*ks1",
            "ks0*ks10",
        ];
        let es: Vec<super::Expr> = texts.iter().map(|t| cx.parse(t).unwrap()).collect();
        for &a in &es {
            for &b in &es {
                assert_eq!(
                    cx.cmp_expr(a, b),
                    cx.cmp_expr_walk(a, b),
                    "{} vs {}",
                    cx.display(a),
                    cx.display(b)
                );
            }
        }
    }

    /// `cmp_expr`'s recursion agrees with the general walk on every pair of a set of
    /// expressions of every kind, including chains deeper than [`super::CMP_DEPTH`] that differ
    /// only at the bottom (where the recursion hands over to the walk), and is antisymmetric.
    #[test]
    fn recursive_order_agrees_with_the_walk() {
        let mut cx = crate::Context::new();
        cx.declare("f", crate::Ty::Float).unwrap();
        let mut texts: Vec<String> = [
            "x + 2*y + 3",
            "x + 2*y + 4",
            "x + 3*y + 3",
            "x + 2*y",
            "x + 2*y + z",
            "(x + 1)**2",
            "(x + 1)**3",
            "(x + 2)**2",
            "FloorDiv(x, 3)",
            "FloorDiv(x + 1, 3)",
            "FloorDiv(x, 4)",
            "Mod(x, 7)",
            "Mod(FloorDiv(x, 2), 7)",
            "CeilDiv(x, y)",
            "Min(x, y, 3)",
            "Min(x, y)",
            "Max(x, y)",
            "Max(x, FloorDiv(y, 2))",
            "Max(2, FloorDiv(y, 2))*Max(2, FloorDiv(y, 3))",
            "Max(2, FloorDiv(y, 2))**2*Max(2, FloorDiv(y, 3))",
            "Abs(x - 1)",
            "Where(Eq(x, 1), y, z)",
            "Where(Eq(x, 2), y, z)",
            "Eq(x, 1)",
            "Ne(x, 1)",
            "x <= y",
            "x < y + 1",
            "And(x <= y, Eq(z, 1))",
            "Or(x <= y, Eq(z, 1))",
            "Not(Eq(x, y))",
            "ToFloat(x)",
            "f + 1.5",
            "f + 2.5",
            "f*2.5",
            "-f",
            "TruncToInt(f)",
            "FloorToInt(f)",
            "IntTrueDiv(x, y)",
            "True",
            "2.5",
            "7",
            "x",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        // Chains around the recursion depth, differing only in their innermost operand.
        for depth in [
            super::CMP_DEPTH as usize - 1,
            super::CMP_DEPTH as usize + 1,
            60,
        ] {
            for leaf in ["x", "y", "x + 1"] {
                let mut t = leaf.to_string();
                for i in 0..depth {
                    t = if i % 2 == 0 {
                        format!("FloorDiv({t}, 2)")
                    } else {
                        format!("Max({t} + 1, 0)")
                    };
                }
                texts.push(t);
            }
        }
        let es: Vec<super::Expr> = texts.iter().map(|t| cx.parse(t).unwrap()).collect();
        for &a in &es {
            for &b in &es {
                let o = order_is_the_walks(&cx, a, b);
                assert_eq!(o, cx.cmp_expr(b, a).reverse());
                assert_eq!(o == std::cmp::Ordering::Equal, a == b);
            }
        }
    }

    /// `cmp_expr` of `a` and `b`, checked against the walk (`cmp_expr_walk`), the reference
    /// order of the comparison tests.
    fn order_is_the_walks(cx: &crate::Context, a: super::Expr, b: super::Expr) -> Ordering {
        let o = cx.cmp_expr(a, b);
        assert_eq!(
            o,
            cx.cmp_expr_walk(a, b),
            "{} vs {}",
            cx.display(a),
            cx.display(b)
        );
        o
    }

    /// The recursion as it was before two leaves were compared inline and the operands of
    /// `FloorDiv`/`Mod`/`CeilDiv`/`Mul`/`Min`/`Max` without `kids`: the reference for
    /// `random_pairs_order_as_the_old_recursion`.
    fn old_cmp_expr_rec(
        cx: &crate::Context,
        x: super::Expr,
        y: super::Expr,
        depth: u32,
    ) -> std::cmp::Ordering {
        use super::Node;
        use std::cmp::Ordering;
        if x == y {
            return Ordering::Equal;
        }
        let (nx, ny) = (cx.node(x), cx.node(y));
        let o = cx.cmp_kind_and_leaf(nx, ny);
        if o != Ordering::Equal {
            return o;
        }
        if depth == 0 {
            return cx.cmp_expr_walk(x, y);
        }
        match (nx, ny) {
            (Node::Pow(bx, ex), Node::Pow(by, ey)) => {
                old_cmp_expr_rec(cx, *bx, *by, depth - 1).then_with(|| ex.cmp(ey))
            }
            (Node::Add(p, c), Node::Add(q, d)) => {
                for (tp, tq) in p.iter().zip(q.iter()) {
                    let o =
                        old_cmp_expr_rec(cx, tp.0, tq.0, depth - 1).then_with(|| tp.1.cmp(&tq.1));
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                p.len().cmp(&q.len()).then_with(|| c.cmp(d))
            }
            _ => {
                let (kx, ky) = (nx.kids(), ny.kids());
                for i in 0..kx.len().min(ky.len()) {
                    let o = old_cmp_expr_rec(cx, kx.get(i), ky.get(i), depth - 1);
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                kx.len().cmp(&ky.len())
            }
        }
    }

    /// A random expression of type `ty` (0 int, 1 float, 2 bool), `depth` levels at most,
    /// over every kind of node, with small symbols and literals and the i64 limits.
    fn random_typed(next: &mut dyn FnMut(u64) -> u64, ty: u8, depth: u32) -> String {
        const INTS: [&str; 12] = [
            "x",
            "y",
            "s0",
            "s1",
            "s10",
            "0",
            "1",
            "2",
            "-3",
            "7",
            "9223372036854775807",
            "-9223372036854775808",
        ];
        const FLOATS: [&str; 5] = ["f", "g", "1.5", "2.5", "-0.5"];
        const BOOLS: [&str; 2] = ["True", "False"];
        let leaf = depth == 0 || next(5) == 0;
        let r = |t: u8, next: &mut dyn FnMut(u64) -> u64| random_typed(next, t, depth - 1);
        match ty {
            0 if leaf => INTS[next(INTS.len() as u64) as usize].to_string(),
            1 if leaf => FLOATS[next(FLOATS.len() as u64) as usize].to_string(),
            2 if leaf => BOOLS[next(2) as usize].to_string(),
            0 => match next(17) {
                0 => format!("({}) + ({})", r(0, next), r(0, next)),
                1 => format!("({})*({})", r(0, next), r(0, next)),
                2 => format!("{}*({}) + {}", next(5) as i64 - 2, r(0, next), r(0, next)),
                3 => format!("({})**{}", r(0, next), 2 + next(2)),
                4 => format!("FloorDiv({}, {})", r(0, next), r(0, next)),
                5 => format!("CeilDiv({}, {})", r(0, next), r(0, next)),
                6 => format!("Mod({}, {})", r(0, next), r(0, next)),
                7 => format!("Min({}, {})", r(0, next), r(0, next)),
                8 => format!("Max({}, {}, {})", r(0, next), r(0, next), r(0, next)),
                9 => format!("Max({}, {})", r(0, next), r(0, next)),
                10 => format!("Abs({})", r(0, next)),
                11 => format!("Where({}, {}, {})", r(2, next), r(0, next), r(0, next)),
                12 => format!("TruncToInt({})", r(1, next)),
                13 => format!("FloorToInt({})", r(1, next)),
                14 => format!("CeilToInt({})", r(1, next)),
                15 => format!("RoundToInt({})", r(1, next)),
                _ => format!("({})*({})*({})", r(0, next), r(0, next), r(0, next)),
            },
            1 => match next(7) {
                0 => format!("ToFloat({})", r(0, next)),
                1 => format!("IntTrueDiv({}, {})", r(0, next), r(0, next)),
                2 => format!("FloatTrueDiv({}, {})", r(1, next), r(1, next)),
                3 => format!("({}) + ({})", r(1, next), r(1, next)),
                4 => format!("({})*({})", r(1, next), r(1, next)),
                5 => format!("-({})", r(1, next)),
                _ => format!("Where({}, {}, {})", r(2, next), r(1, next), r(1, next)),
            },
            _ => match next(7) {
                0 => format!("Eq({}, {})", r(0, next), r(0, next)),
                1 => format!("Ne({}, {})", r(0, next), r(0, next)),
                2 => format!("({}) < ({})", r(0, next), r(0, next)),
                3 => format!("({}) <= ({})", r(0, next), r(0, next)),
                4 => format!("And({}, {})", r(2, next), r(2, next)),
                5 => format!("Or({}, {})", r(2, next), r(2, next)),
                _ => format!("Not({})", r(2, next)),
            },
        }
    }

    /// `cmp_expr` and the recursion (at every depth from 0, where it hands over to the walk)
    /// order random pairs of expressions of every kind, and their operands, exactly as the old
    /// recursion (and the walk) do; `Equal` exactly for equal handles.
    #[test]
    fn random_pairs_order_as_the_old_recursion() {
        let mut cx = crate::Context::new();
        cx.declare("f", crate::Ty::Float).unwrap();
        cx.declare("g", crate::Ty::Float).unwrap();
        let mut next = crate::test_rng::xorshift(0xC0FF_EE37);
        let mut es: Vec<super::Expr> = Vec::new();
        let mut kinds = std::collections::BTreeSet::new();
        for i in 0..700 {
            let text = random_typed(&mut next, (i % 5).min(2) as u8, 1 + (i % 4) as u32);
            let Ok(e) = cx.parse(&text) else { continue };
            // The expression and its operands (pairs of one kind with shared parts).
            let mut stack = vec![e];
            while let Some(e) = stack.pop() {
                let n = cx.node(e);
                kinds.insert(n.rank());
                stack.extend(n.kids().iter());
                es.push(e);
            }
        }
        es.sort();
        es.dedup();
        // Every kind of node took part.
        assert_eq!(kinds.len(), 31, "node kinds seen: {kinds:?}");
        let mut same_kind = 0usize;
        for (k, &a) in es.iter().enumerate() {
            // All pairs would be slow in debug builds: every 3rd partner plus the neighbours
            // in interning order (often of one kind).
            for &b in es
                .iter()
                .skip(k % 3)
                .step_by(3)
                .chain(es[k.saturating_sub(8)..].iter().take(16))
            {
                let o = order_is_the_walks(&cx, a, b);
                assert_eq!(
                    o,
                    old_cmp_expr_rec(&cx, a, b, super::CMP_DEPTH),
                    "{} vs {}",
                    cx.display(a),
                    cx.display(b)
                );
                assert_eq!(o == std::cmp::Ordering::Equal, a == b);
                let depth = next(4) as u32;
                assert_eq!(
                    cx.cmp_expr_rec(a, b, depth),
                    old_cmp_expr_rec(&cx, a, b, depth),
                    "depth {depth}: {} vs {}",
                    cx.display(a),
                    cx.display(b)
                );
                if cx.node(a).rank() == cx.node(b).rank() {
                    same_kind += 1;
                }
            }
        }
        assert!(same_kind > 10_000, "{same_kind} pairs of one kind");
    }

    /// The keys order names exactly as `natural_cmp` does, on every pair of a set of names of
    /// every shape (prefixes of each other, underscores, leading zeros, long digit runs,
    /// non-ASCII bytes, digits inside the name); names without a key fall back to it.
    #[test]
    fn order_keys_agree_with_natural_order() {
        let heads = [
            "",
            "s",
            "sx",
            "x",
            "ks",
            "_",
            "s_",
            "a_b",
            "Z",
            "abcdefgh",
            "abcdefghi",
            "é",
            "q",
            "_merge_tester",
            "evaluate_static_shape_",
            "evaluate_static_shape_ab",
            "evaluate_static_shape_abc",
            "s.",
        ];
        let tails = [
            "",
            "0",
            "1",
            "9",
            "10",
            "01",
            "00",
            "53",
            "100",
            "999999999999999999",
            "1000000000000000000",
            "18446744073709551615",
            "2a",
            "x1",
        ];
        let mut names: Vec<String> = Vec::new();
        for h in heads {
            for t in tails {
                let n = format!("{h}{t}");
                if !n.is_empty() {
                    names.push(n);
                }
            }
        }
        let (mut keyed, mut by_head) = (0, 0);
        for a in &names {
            for b in &names {
                let (x, y) = (sym_order_key(a), sym_order_key(b));
                if let Some(o) = key_cmp(&x, &y) {
                    keyed += 1;
                    by_head += usize::from(x.tail.max(y.tail) >= KEY_HEAD_ONLY);
                    assert_eq!(o, natural_cmp(a, b), "{a} vs {b}");
                }
            }
        }
        assert!(keyed > names.len() * names.len() / 3, "{keyed} keyed pairs");
        assert!(
            by_head > names.len() * names.len() / 10,
            "{by_head} by head"
        );
        assert_eq!(sym_order_key("s01").tail, KEY_HEAD_ONLY);
        assert_eq!(sym_order_key("abcdefghi").tail, KEY_LONG);
        assert_eq!(sym_order_key("abcdefghijklmnopqrstuvwx").tail, KEY_LONG);
        assert_eq!(
            sym_order_key("abcdefghijklmnopqrstuvwxy").tail,
            KEY_HEAD_ONLY
        );
        assert_eq!(sym_order_key("x1y").tail, KEY_HEAD_ONLY);
        assert_eq!(sym_order_key("a.1").tail, KEY_NONE);
    }

    /// `sym_order_key` on random names (letters, `_`, digits with and without leading zeros,
    /// NUL and non-ASCII bytes, up to 24 bytes) is the key its documentation defines, built
    /// here from the name's two parts, and orders keyed names as `natural_cmp` does.
    #[test]
    fn order_keys_of_random_names_are_the_documented_keys() {
        let mut next = crate::test_rng::xorshift(0x5EED_00E7);
        let pieces = [
            "s",
            "x",
            "_",
            "Z",
            "ks",
            "0",
            "1",
            "9",
            "07",
            "53",
            "\0",
            "é",
            "99999999",
            "a9",
            ".",
            "_merge_tester",
            "evaluate_static_shape_",
        ];
        let spec = |name: &str| -> SymKey {
            let b = name.as_bytes();
            let cut = b.iter().position(u8::is_ascii_digit).unwrap_or(b.len());
            let (head, digits) = b.split_at(cut);
            if head.iter().take(24).any(|&c| c < b'0') {
                return SymKey {
                    head: [0; 3],
                    tail: KEY_NONE,
                };
            }
            let mut padded = [0u8; 24];
            let h = head.len().min(24);
            padded[..h].copy_from_slice(&head[..h]);
            let word = |k: usize| u64::from_be_bytes(padded[8 * k..8 * k + 8].try_into().unwrap());
            let packed = [word(0), word(1), word(2)];
            if head.len() > 24
                || digits.len() > 18
                || !digits.iter().all(u8::is_ascii_digit)
                || (digits.len() > 1 && digits[0] == b'0')
            {
                return SymKey {
                    head: packed,
                    tail: KEY_HEAD_ONLY,
                };
            }
            let num = if digits.is_empty() {
                0
            } else {
                std::str::from_utf8(digits).unwrap().parse::<u64>().unwrap() + 1
            };
            SymKey {
                head: packed,
                tail: if head.len() > 8 { num | KEY_LONG } else { num },
            }
        };
        let mut names = Vec::new();
        for _ in 0..4000 {
            let mut n = String::new();
            for _ in 0..next(6) {
                n.push_str(pieces[next(pieces.len() as u64) as usize]);
            }
            assert_eq!(sym_order_key(&n), spec(&n), "{n:?}");
            names.push(n);
        }
        for w in names.windows(2) {
            if let Some(o) = key_cmp(&sym_order_key(&w[0]), &sym_order_key(&w[1])) {
                assert_eq!(o, natural_cmp(&w[0], &w[1]), "{:?} vs {:?}", w[0], w[1]);
            }
        }
        for edge in [
            "999999999999999999",
            "s999999999999999999",
            "abcdefgh1",
            "abcdefgh",
        ] {
            assert_eq!(sym_order_key(edge), spec(edge), "{edge}");
            assert!(sym_order_key(edge).tail < KEY_HEAD_ONLY, "{edge}");
        }
        // Non-digit parts of every length around the words' ends, then every kind of rest.
        let letters = "abcdefghijklmnopqrstuvwxyzABCDEFGH";
        for cut in 0..=letters.len() {
            for rest in ["", "0", "7", "10", "01", ".", ".1", "x", "9a", "\0", "é"] {
                let n = format!("{}{rest}", &letters[..cut]);
                assert_eq!(sym_order_key(&n), spec(&n), "{n:?}");
            }
        }
        assert_eq!(sym_order_key("s1000000000000000000").tail, KEY_HEAD_ONLY);
        assert_eq!(
            sym_order_key(""),
            SymKey {
                head: [0; 3],
                tail: 0
            }
        );
    }
}
