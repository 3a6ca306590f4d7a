//! A terse way to build expressions: operators on handles bound to a context.
//!
//! ```
//! use sym::Context;
//! let mut cx = Context::new();
//! let e = cx.build(|b| (b.sym("n") * 2 + 1).floordiv(b.sym("s0"))).unwrap();
//! assert_eq!(cx.display(e), "FloorDiv(2*n + 1, s0)");
//! ```
//!
//! # The convention for fallible builders
//!
//! There are two layers, each uniform:
//! - [`Context`]'s builders (`add`, `sub`, `mul`, `neg`, `scale`, `add_const`, `pow`, `floordiv`,
//!   `ceildiv`, `modulo`, `min`, `max`, `abs`, `compare`, `and`, `or`, `not`, `where_`, the float
//!   operators, `substitute`) return `Option<Expr>`. `None` means exactly one of two things: an
//!   operand of the wrong type (docs/language.md §1-3), or an `i64` overflow while folding
//!   constants (only `add`, `sub`, `neg`, `scale`, `add_const`, `mul`, `pow`, `ceildiv` and
//!   `substitute` fold in a way that can overflow). Nothing is wrapped, no ill-typed node is made.
//!   The leaves (`int`, `float`, `boolean`, `sym`) cannot fail.
//! - This module's [`Builder`] returns `Result<Expr, BuildError>`, the cause typed
//!   ([`BuildError::Type`], [`BuildError::Overflow`], [`BuildError::Symbol`],
//!   [`BuildError::Limit`]). An operation on a
//!   failed operand fails with the operand's error (the first cause is kept), so a whole
//!   expression is checked once, at [`BExpr::expr`].

use crate::Context;
use crate::build::CmpOp;
use crate::error::Error;
use crate::expr::{Expr, Symbol, Ty};
use std::cell::RefCell;

/// Why a [`Builder`] could not build an expression.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// An operand of the wrong type (docs/language.md §1-3).
    #[error("type error: {op} expects {expected}, got {found:?}")]
    Type {
        /// The operator (`+`, `FloorDiv`, `Lt`, ...).
        op: &'static str,
        /// The operand types it accepts.
        expected: &'static str,
        /// The operand types it was given.
        found: Vec<Ty>,
    },
    /// Folding constants would overflow `i64` (nothing is wrapped).
    #[error("integer overflow: {op} folds constants beyond the 64-bit range")]
    Overflow {
        /// The operator.
        op: &'static str,
    },
    /// A symbol name that is not an identifier, a reserved word, or declared with another type.
    #[error("{0}")]
    Symbol(Error),
    /// The builder made more than the context's `input_nodes` handles, or the context holds
    /// more than its `context_nodes` ([`crate::Limits`]): an [`Error::Limit`].
    #[error("{0}")]
    Limit(Error),
}

/// A context borrowed for building: see [`Context::builder`] and [`Context::build`].
///
/// Every handle it gives out ([`BExpr`]) is bound to it, so operators can intern nodes; the
/// context is usable again once the builder is dropped.
pub struct Builder<'cx> {
    cx: RefCell<&'cx mut Context>,
    errors: RefCell<Vec<BuildError>>,
    /// Handles given out so far, the context's `input_nodes` limit, and whether it has a
    /// `context_nodes` or `context_operands` limit to check.
    made: std::cell::Cell<usize>,
    max_made: usize,
    capped: bool,
}

/// An expression under construction, bound to a [`Builder`]: `+`, `-`, `*` (with other handles
/// or `i64`), unary `-`, and methods for the other operators. Copy it freely.
///
/// Integer operands give integer arithmetic; when one operand is a float, `+`, `-`, `*` and
/// unary `-` are float arithmetic (the integer converted, docs/language.md §3).
#[derive(Copy, Clone)]
pub struct BExpr<'b, 'cx> {
    b: &'b Builder<'cx>,
    /// The expression, or the index of its failure in the builder's error list.
    r: Result<Expr, u32>,
}

impl std::fmt::Debug for Builder<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Builder")
            .field("errors", &self.errors.borrow())
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for BExpr<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.r {
            Ok(e) => write!(f, "BExpr({})", self.b.cx.borrow().display(e)),
            Err(i) => write!(f, "BExpr(error: {})", self.b.errors.borrow()[i as usize]),
        }
    }
}

/// What an operator accepts as an operand: a [`BExpr`], an [`Expr`] of the same context, or
/// an `i64` constant.
pub trait Operand<'b, 'cx>: Copy {
    #[doc(hidden)]
    fn into_bexpr(self, b: &'b Builder<'cx>) -> BExpr<'b, 'cx>;
}

impl<'b, 'cx> Operand<'b, 'cx> for BExpr<'b, 'cx> {
    fn into_bexpr(self, _b: &'b Builder<'cx>) -> BExpr<'b, 'cx> {
        self
    }
}

impl<'b, 'cx> Operand<'b, 'cx> for i64 {
    fn into_bexpr(self, b: &'b Builder<'cx>) -> BExpr<'b, 'cx> {
        b.int(self)
    }
}

impl<'b, 'cx> Operand<'b, 'cx> for Expr {
    fn into_bexpr(self, b: &'b Builder<'cx>) -> BExpr<'b, 'cx> {
        b.expr(self)
    }
}

/// The operand types an operator accepts.
#[derive(Copy, Clone)]
enum Want {
    /// Every operand `Int`.
    Int,
    /// Numbers (`Int` or `Float`), all of one type, at least one.
    SameNumber,
    /// Numbers of any mix (float arithmetic converts integers).
    Numbers,
    /// Every operand `Bool`.
    Bool,
    /// Two operands of one type.
    SameType,
    /// Two numbers of one type.
    SameOrdered,
    /// A `Bool`, then two operands of one type.
    Where,
}

impl Want {
    fn text(self) -> &'static str {
        match self {
            Want::Int => "Int operands",
            Want::SameNumber => "Int or Float operands of one type",
            Want::Numbers => "Int or Float operands",
            Want::Bool => "Bool operands",
            Want::SameType => "two operands of one type",
            Want::SameOrdered => "two Int or two Float operands",
            Want::Where => "a Bool condition and two branches of one type",
        }
    }

    fn accepts(self, tys: &[Ty]) -> bool {
        let num = |t: &Ty| *t != Ty::Bool;
        match self {
            Want::Int => tys.iter().all(|t| *t == Ty::Int),
            Want::SameNumber => !tys.is_empty() && tys.iter().all(|t| num(t) && *t == tys[0]),
            Want::Numbers => tys.iter().all(num),
            Want::Bool => tys.iter().all(|t| *t == Ty::Bool),
            Want::SameType => tys.len() == 2 && tys[0] == tys[1],
            Want::SameOrdered => tys.len() == 2 && tys[0] == tys[1] && num(&tys[0]),
            Want::Where => tys.len() == 3 && tys[0] == Ty::Bool && tys[1] == tys[2],
        }
    }
}

impl<'cx> Builder<'cx> {
    fn new(cx: &'cx mut Context) -> Self {
        let (max_made, capped) = (cx.limits.input_nodes, cx.limits.caps_context());
        Builder {
            cx: RefCell::new(cx),
            errors: RefCell::new(Vec::new()),
            made: std::cell::Cell::new(0),
            max_made,
            capped,
        }
    }

    fn ok<'b>(&'b self, e: Expr) -> BExpr<'b, 'cx> {
        let made = self.made.get() + 1;
        self.made.set(made);
        if made > self.max_made {
            return self.fail(BuildError::Limit(Error::Limit {
                name: "input_nodes",
                msg: format!(
                    "the builder made more than {} handles, the limit",
                    self.max_made
                ),
            }));
        }
        if self.capped {
            let over = self.cx.borrow().check_cap();
            if let Err(e) = over {
                return self.fail(BuildError::Limit(e));
            }
        }
        BExpr { b: self, r: Ok(e) }
    }

    fn fail<'b>(&'b self, err: BuildError) -> BExpr<'b, 'cx> {
        let mut errs = self.errors.borrow_mut();
        errs.push(err);
        BExpr {
            b: self,
            r: Err(errs.len() as u32 - 1),
        }
    }

    /// Applies a [`Context`] builder to resolved operands: a failed operand passes its error
    /// on; operands of the wrong types are a [`BuildError::Type`]; a `None` from `f` on
    /// well-typed operands is an overflow (the builders' only other failure).
    fn apply<'b>(
        &'b self,
        op: &'static str,
        want: Want,
        args: &[BExpr<'b, 'cx>],
        f: impl FnOnce(&mut Context, &[Expr]) -> Option<Expr>,
    ) -> BExpr<'b, 'cx> {
        let mut es: smallvec::SmallVec<[Expr; 4]> = smallvec::SmallVec::new();
        for a in args {
            match a.r {
                Ok(e) => es.push(e),
                Err(i) => return BExpr { b: self, r: Err(i) },
            }
        }
        let tys: Vec<Ty> = {
            let cx = self.cx.borrow();
            es.iter().map(|e| cx.ty(*e)).collect()
        };
        if !want.accepts(&tys) {
            return self.fail(BuildError::Type {
                op,
                expected: want.text(),
                found: tys,
            });
        }
        let r = f(&mut self.cx.borrow_mut(), &es);
        match r {
            Some(e) => self.ok(e),
            None => self.fail(BuildError::Overflow { op }),
        }
    }

    /// The integer constant `v`.
    pub fn int<'b>(&'b self, v: i64) -> BExpr<'b, 'cx> {
        let e = self.cx.borrow_mut().int(v);
        self.ok(e)
    }

    /// The float constant `v`.
    pub fn float<'b>(&'b self, v: f64) -> BExpr<'b, 'cx> {
        let e = self.cx.borrow_mut().float(v);
        self.ok(e)
    }

    /// The boolean constant `v`.
    pub fn boolean<'b>(&'b self, v: bool) -> BExpr<'b, 'cx> {
        let e = self.cx.borrow_mut().boolean(v);
        self.ok(e)
    }

    /// The symbol called `name`, created as an `Int` symbol if the context does not have it yet
    /// (as [`Context::symbol`]; use [`Builder::var`] with [`Context::get`] to refuse unknown
    /// names). An invalid name is a [`BuildError::Symbol`].
    pub fn sym<'b>(&'b self, name: &str) -> BExpr<'b, 'cx> {
        let r = self.cx.borrow_mut().symbol(name);
        match r {
            Ok(s) => self.var(s),
            Err(e) => self.fail(BuildError::Symbol(e)),
        }
    }

    /// The bare symbol `s`.
    pub fn var<'b>(&'b self, s: Symbol) -> BExpr<'b, 'cx> {
        let e = self.cx.borrow().sym(s);
        self.ok(e)
    }

    /// An existing expression of the context.
    pub fn expr<'b>(&'b self, e: Expr) -> BExpr<'b, 'cx> {
        assert!(
            self.cx.borrow().owns(e),
            "sym: an Expr of another Context was given to this builder"
        );
        self.ok(e)
    }

    /// Integer or float `a + b`.
    pub fn add<'b>(&'b self, a: impl Operand<'b, 'cx>, b: impl Operand<'b, 'cx>) -> BExpr<'b, 'cx> {
        self.arith(ArithOp::Add, a.into_bexpr(self), b.into_bexpr(self))
    }

    /// Integer or float `a - b`.
    pub fn sub<'b>(&'b self, a: impl Operand<'b, 'cx>, b: impl Operand<'b, 'cx>) -> BExpr<'b, 'cx> {
        self.arith(ArithOp::Sub, a.into_bexpr(self), b.into_bexpr(self))
    }

    /// Integer or float `a * b`.
    pub fn mul<'b>(&'b self, a: impl Operand<'b, 'cx>, b: impl Operand<'b, 'cx>) -> BExpr<'b, 'cx> {
        self.arith(ArithOp::Mul, a.into_bexpr(self), b.into_bexpr(self))
    }

    /// Integer or float `-a`.
    pub fn neg<'b>(&'b self, a: impl Operand<'b, 'cx>) -> BExpr<'b, 'cx> {
        let a = a.into_bexpr(self);
        if self.is_float(&[a]) {
            return self.apply("-", Want::Numbers, &[a], |cx, e| cx.fneg(e[0]));
        }
        self.apply("-", Want::Int, &[a], |cx, e| cx.neg(e[0]))
    }

    fn is_float(&self, args: &[BExpr<'_, 'cx>]) -> bool {
        let cx = self.cx.borrow();
        args.iter()
            .any(|a| matches!(a.r, Ok(e) if cx.ty(e) == Ty::Float))
    }

    fn arith<'b>(&'b self, op: ArithOp, a: BExpr<'b, 'cx>, b: BExpr<'b, 'cx>) -> BExpr<'b, 'cx> {
        let name = op.name();
        if self.is_float(&[a, b]) {
            return self.apply(name, Want::Numbers, &[a, b], |cx, e| match op {
                ArithOp::Add => cx.fadd(e[0], e[1]),
                ArithOp::Sub => {
                    let nb = cx.fneg(e[1])?;
                    cx.fadd(e[0], nb)
                }
                ArithOp::Mul => cx.fmul(e[0], e[1]),
            });
        }
        self.apply(name, Want::Int, &[a, b], |cx, e| match op {
            ArithOp::Add => cx.add(e[0], e[1]),
            ArithOp::Sub => cx.sub(e[0], e[1]),
            ArithOp::Mul => cx.mul(e[0], e[1]),
        })
    }

    /// `a ** k` of an integer.
    pub fn pow<'b>(&'b self, a: impl Operand<'b, 'cx>, k: u32) -> BExpr<'b, 'cx> {
        self.apply("**", Want::Int, &[a.into_bexpr(self)], |cx, e| {
            cx.pow(e[0], k)
        })
    }

    /// `FloorDiv(a, b)` of integers.
    pub fn floordiv<'b>(
        &'b self,
        a: impl Operand<'b, 'cx>,
        b: impl Operand<'b, 'cx>,
    ) -> BExpr<'b, 'cx> {
        let args = [a.into_bexpr(self), b.into_bexpr(self)];
        self.apply("FloorDiv", Want::Int, &args, |cx, e| {
            cx.floordiv(e[0], e[1])
        })
    }

    /// `CeilDiv(a, b)` of integers.
    pub fn ceildiv<'b>(
        &'b self,
        a: impl Operand<'b, 'cx>,
        b: impl Operand<'b, 'cx>,
    ) -> BExpr<'b, 'cx> {
        let args = [a.into_bexpr(self), b.into_bexpr(self)];
        self.apply("CeilDiv", Want::Int, &args, |cx, e| cx.ceildiv(e[0], e[1]))
    }

    /// `Mod(a, b)` (floor modulo) of integers.
    pub fn modulo<'b>(
        &'b self,
        a: impl Operand<'b, 'cx>,
        b: impl Operand<'b, 'cx>,
    ) -> BExpr<'b, 'cx> {
        let args = [a.into_bexpr(self), b.into_bexpr(self)];
        self.apply("Mod", Want::Int, &args, |cx, e| cx.modulo(e[0], e[1]))
    }

    /// `Min(args...)`: at least one argument, all `Int` or all `Float`.
    pub fn min<'b>(&'b self, args: &[BExpr<'b, 'cx>]) -> BExpr<'b, 'cx> {
        self.apply("Min", Want::SameNumber, args, |cx, e| cx.min(e))
    }

    /// `Max(args...)`: at least one argument, all `Int` or all `Float`.
    pub fn max<'b>(&'b self, args: &[BExpr<'b, 'cx>]) -> BExpr<'b, 'cx> {
        self.apply("Max", Want::SameNumber, args, |cx, e| cx.max(e))
    }

    /// `Abs(a)` of a number.
    pub fn abs<'b>(&'b self, a: impl Operand<'b, 'cx>) -> BExpr<'b, 'cx> {
        self.apply("Abs", Want::SameNumber, &[a.into_bexpr(self)], |cx, e| {
            cx.abs(e[0])
        })
    }

    fn cmp<'b>(
        &'b self,
        name: &'static str,
        op: CmpOp,
        swap: bool,
        a: impl Operand<'b, 'cx>,
        b: impl Operand<'b, 'cx>,
    ) -> BExpr<'b, 'cx> {
        let (a, b) = (a.into_bexpr(self), b.into_bexpr(self));
        let (a, b) = if swap { (b, a) } else { (a, b) };
        let want = if matches!(op, CmpOp::Eq | CmpOp::Ne) {
            Want::SameType
        } else {
            Want::SameOrdered
        };
        self.apply(name, want, &[a, b], |cx, e| cx.compare(op, e[0], e[1]))
    }

    /// `Eq(a, b)`.
    pub fn eq<'b>(&'b self, a: impl Operand<'b, 'cx>, b: impl Operand<'b, 'cx>) -> BExpr<'b, 'cx> {
        self.cmp("Eq", CmpOp::Eq, false, a, b)
    }

    /// `Ne(a, b)`.
    pub fn ne<'b>(&'b self, a: impl Operand<'b, 'cx>, b: impl Operand<'b, 'cx>) -> BExpr<'b, 'cx> {
        self.cmp("Ne", CmpOp::Ne, false, a, b)
    }

    /// `a < b`.
    pub fn lt<'b>(&'b self, a: impl Operand<'b, 'cx>, b: impl Operand<'b, 'cx>) -> BExpr<'b, 'cx> {
        self.cmp("Lt", CmpOp::Lt, false, a, b)
    }

    /// `a <= b`.
    pub fn le<'b>(&'b self, a: impl Operand<'b, 'cx>, b: impl Operand<'b, 'cx>) -> BExpr<'b, 'cx> {
        self.cmp("Le", CmpOp::Le, false, a, b)
    }

    /// `a > b` (built as `b < a`).
    pub fn gt<'b>(&'b self, a: impl Operand<'b, 'cx>, b: impl Operand<'b, 'cx>) -> BExpr<'b, 'cx> {
        self.cmp("Gt", CmpOp::Lt, true, a, b)
    }

    /// `a >= b` (built as `b <= a`).
    pub fn ge<'b>(&'b self, a: impl Operand<'b, 'cx>, b: impl Operand<'b, 'cx>) -> BExpr<'b, 'cx> {
        self.cmp("Ge", CmpOp::Le, true, a, b)
    }

    /// `And(args...)` of booleans (empty: `True`).
    pub fn and<'b>(&'b self, args: &[BExpr<'b, 'cx>]) -> BExpr<'b, 'cx> {
        self.apply("And", Want::Bool, args, |cx, e| cx.and(e))
    }

    /// `Or(args...)` of booleans (empty: `False`).
    pub fn or<'b>(&'b self, args: &[BExpr<'b, 'cx>]) -> BExpr<'b, 'cx> {
        self.apply("Or", Want::Bool, args, |cx, e| cx.or(e))
    }

    /// `Not(p)` of a boolean.
    pub fn not<'b>(&'b self, p: BExpr<'b, 'cx>) -> BExpr<'b, 'cx> {
        self.apply("Not", Want::Bool, &[p], |cx, e| cx.not(e[0]))
    }

    /// `Where(c, a, b)`: `c` a boolean, `a` and `b` of one type.
    pub fn where_<'b>(
        &'b self,
        c: BExpr<'b, 'cx>,
        a: impl Operand<'b, 'cx>,
        b: impl Operand<'b, 'cx>,
    ) -> BExpr<'b, 'cx> {
        let args = [c, a.into_bexpr(self), b.into_bexpr(self)];
        self.apply("Where", Want::Where, &args, |cx, e| {
            cx.where_(e[0], e[1], e[2])
        })
    }
}

#[derive(Copy, Clone)]
enum ArithOp {
    Add,
    Sub,
    Mul,
}

impl ArithOp {
    fn name(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
        }
    }
}

impl<'b, 'cx> BExpr<'b, 'cx> {
    /// The built expression, or the first reason it could not be built.
    pub fn expr(self) -> Result<Expr, BuildError> {
        self.r
            .map_err(|i| self.b.errors.borrow()[i as usize].clone())
    }

    /// `FloorDiv(self, d)`.
    pub fn floordiv(self, d: impl Operand<'b, 'cx>) -> Self {
        self.b.floordiv(self, d)
    }

    /// `CeilDiv(self, d)`.
    pub fn ceildiv(self, d: impl Operand<'b, 'cx>) -> Self {
        self.b.ceildiv(self, d)
    }

    /// `Mod(self, m)` (floor modulo).
    pub fn modulo(self, m: impl Operand<'b, 'cx>) -> Self {
        self.b.modulo(self, m)
    }

    /// `self ** k`.
    pub fn pow(self, k: u32) -> Self {
        self.b.pow(self, k)
    }

    /// `self < o`.
    pub fn lt(self, o: impl Operand<'b, 'cx>) -> Self {
        self.b.lt(self, o)
    }

    /// `self <= o`.
    pub fn le(self, o: impl Operand<'b, 'cx>) -> Self {
        self.b.le(self, o)
    }

    /// `self > o`.
    pub fn gt(self, o: impl Operand<'b, 'cx>) -> Self {
        self.b.gt(self, o)
    }

    /// `self >= o`.
    pub fn ge(self, o: impl Operand<'b, 'cx>) -> Self {
        self.b.ge(self, o)
    }

    /// `Eq(self, o)`.
    pub fn equals(self, o: impl Operand<'b, 'cx>) -> Self {
        self.b.eq(self, o)
    }
}

macro_rules! binop {
    ($tr:ident, $m:ident, $op:expr) => {
        impl<'b, 'cx, R: Operand<'b, 'cx>> std::ops::$tr<R> for BExpr<'b, 'cx> {
            type Output = BExpr<'b, 'cx>;
            fn $m(self, r: R) -> Self::Output {
                let r = r.into_bexpr(self.b);
                self.b.arith($op, self, r)
            }
        }
        impl<'b, 'cx> std::ops::$tr<BExpr<'b, 'cx>> for i64 {
            type Output = BExpr<'b, 'cx>;
            fn $m(self, r: BExpr<'b, 'cx>) -> Self::Output {
                let l = r.b.int(self);
                r.b.arith($op, l, r)
            }
        }
    };
}

binop!(Add, add, ArithOp::Add);
binop!(Sub, sub, ArithOp::Sub);
binop!(Mul, mul, ArithOp::Mul);

impl<'b, 'cx> std::ops::Neg for BExpr<'b, 'cx> {
    type Output = BExpr<'b, 'cx>;
    fn neg(self) -> Self::Output {
        self.b.neg(self)
    }
}

impl Context {
    /// A [`Builder`] bound to this context, for building with operators; the context is
    /// usable again when it is dropped. See the module docs for the error convention.
    pub fn builder(&mut self) -> Builder<'_> {
        Builder::new(self)
    }

    /// Builds one expression with a [`Builder`]:
    /// `cx.build(|b| (b.sym("n") * 2 + 1).floordiv(b.sym("s0")))`.
    pub fn build<'cx>(
        &'cx mut self,
        f: impl for<'b> FnOnce(&'b Builder<'cx>) -> BExpr<'b, 'cx>,
    ) -> Result<Expr, BuildError> {
        let b = Builder::new(self);
        f(&b).expr()
    }
}
