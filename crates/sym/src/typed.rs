//! The public builders: typed constructors that never make an ill-typed node.
//!
//! Every builder checks the types of its operands (docs/language.md §1-3: integer arithmetic on
//! `Int`, float arithmetic on `Float` (an `Int` operand is converted with `ToFloat`), logic on
//! `Bool`, `Min`/`Max`/`Abs`/`Where` on one numeric type) and returns `None` when they do not
//! fit. The integer builders also return `None` when folding constants would overflow `i64`
//! (`add`, `sub`, `neg`, `scale`, `add_const`, `mul`, `pow`, `ceildiv`): nothing is wrapped.
//! So `None` means exactly one of two things: an operand of the wrong type, or an `i64`
//! overflow of a constant fold.
//!
//! Inside the crate the `*_raw` constructors (in `build.rs`) skip the type checks: their
//! callers build from operands of known types.

use crate::Context;
use crate::build::{CmpOp, RoundOp};
use crate::expr::{Expr, Ty};

impl Context {
    fn all_ty(&self, args: &[Expr], ty: Ty) -> bool {
        args.iter().all(|a| self.ty(*a) == ty)
    }

    /// One numeric type (`Int` or `Float`) shared by every argument, at least one argument.
    fn numeric_ty(&self, args: &[Expr]) -> Option<Ty> {
        let ty = self.ty(*args.first()?);
        (ty != Ty::Bool && self.all_ty(args, ty)).then_some(ty)
    }

    /// `FloorDiv(a, b)` (integers; constants folded, `FloorDiv(a, 1) = a`). `None` when an
    /// operand is not an integer.
    pub fn floordiv(&mut self, a: Expr, b: Expr) -> Option<Expr> {
        self.all_ty(&[a, b], Ty::Int)
            .then(|| self.floordiv_raw(a, b))
    }

    /// `Mod(a, b)`, floor modulo (integers; constants folded). `None` when an operand is not
    /// an integer.
    pub fn modulo(&mut self, a: Expr, b: Expr) -> Option<Expr> {
        self.all_ty(&[a, b], Ty::Int).then(|| self.modulo_raw(a, b))
    }

    /// `ModularIndexing(a, b, m)` = `Mod(FloorDiv(a, b), m)` (integers).
    pub fn modular_indexing(&mut self, a: Expr, b: Expr, m: Expr) -> Option<Expr> {
        self.all_ty(&[a, b, m], Ty::Int)
            .then(|| self.modular_indexing_raw(a, b, m))
    }

    /// `CeilDiv(a, b)` = `-FloorDiv(-a, b)`, correct for every sign (integers; `None` also on
    /// overflow).
    pub fn ceildiv(&mut self, a: Expr, b: Expr) -> Option<Expr> {
        if !self.all_ty(&[a, b], Ty::Int) {
            return None;
        }
        self.ceildiv_raw(a, b)
    }

    /// `Min(args...)`: at least one argument, all `Int` or all `Float`.
    pub fn min(&mut self, args: &[Expr]) -> Option<Expr> {
        self.numeric_ty(args)?;
        Some(self.minmax(false, args))
    }

    /// `Max(args...)`: at least one argument, all `Int` or all `Float`.
    pub fn max(&mut self, args: &[Expr]) -> Option<Expr> {
        self.numeric_ty(args)?;
        Some(self.minmax(true, args))
    }

    /// `Abs(a)` of an `Int` or a `Float` (constants folded).
    pub fn abs(&mut self, a: Expr) -> Option<Expr> {
        self.numeric_ty(&[a])?;
        Some(self.abs_raw(a))
    }

    /// `Where(c, a, b)`: `c` a `Bool`, `a` and `b` of one type.
    pub fn where_(&mut self, c: Expr, a: Expr, b: Expr) -> Option<Expr> {
        (self.ty(c) == Ty::Bool && self.ty(a) == self.ty(b)).then(|| self.where_raw(c, a, b))
    }

    /// Comparison `Eq`, `Ne`, `Lt`, `Le` of two operands of one type (`Lt`/`Le` on numbers
    /// only); `Gt`/`Ge` are built by swapping the operands.
    pub fn compare(&mut self, op: CmpOp, a: Expr, b: Expr) -> Option<Expr> {
        let ty = self.ty(a);
        let ordered = matches!(op, CmpOp::Lt | CmpOp::Le);
        (ty == self.ty(b) && !(ordered && ty == Ty::Bool)).then(|| self.compare_raw(op, a, b))
    }

    /// `And(args...)` of booleans (an empty list is `True`).
    pub fn and(&mut self, args: &[Expr]) -> Option<Expr> {
        self.all_ty(args, Ty::Bool).then(|| self.and_raw(args))
    }

    /// `Or(args...)` of booleans (an empty list is `False`).
    pub fn or(&mut self, args: &[Expr]) -> Option<Expr> {
        self.all_ty(args, Ty::Bool).then(|| self.or_raw(args))
    }

    /// `Not(p)` of a boolean, pushed into comparisons (`Not(a < b)` is `b <= a`).
    pub fn not(&mut self, p: Expr) -> Option<Expr> {
        (self.ty(p) == Ty::Bool).then(|| self.not_raw(p))
    }

    /// `ToFloat(a)` of an integer (a float is returned as it is).
    pub fn to_float(&mut self, a: Expr) -> Option<Expr> {
        (self.ty(a) != Ty::Bool).then(|| self.to_float_raw(a))
    }

    /// Float `a + b` (an integer operand is converted with `ToFloat`).
    pub fn fadd(&mut self, a: Expr, b: Expr) -> Option<Expr> {
        self.numbers(&[a, b]).then(|| self.fadd_raw(a, b))
    }

    /// Float `a * b` (an integer operand is converted with `ToFloat`).
    pub fn fmul(&mut self, a: Expr, b: Expr) -> Option<Expr> {
        self.numbers(&[a, b]).then(|| self.fmul_raw(a, b))
    }

    /// Float `-a` (an integer operand is converted with `ToFloat`).
    pub fn fneg(&mut self, a: Expr) -> Option<Expr> {
        self.numbers(&[a]).then(|| self.fneg_raw(a))
    }

    /// Float `a / b` (an integer operand is converted with `ToFloat`).
    pub fn float_truediv(&mut self, a: Expr, b: Expr) -> Option<Expr> {
        self.numbers(&[a, b]).then(|| self.float_truediv_raw(a, b))
    }

    /// `IntTrueDiv(a, b)`: integer / integer correctly rounded to a double.
    pub fn int_truediv(&mut self, a: Expr, b: Expr) -> Option<Expr> {
        self.all_ty(&[a, b], Ty::Int)
            .then(|| self.int_truediv_raw(a, b))
    }

    /// `TruncToInt(x)`, `FloorToInt(x)`, ... of a float (an integer is returned as it is).
    pub fn float_to_int(&mut self, op: RoundOp, a: Expr) -> Option<Expr> {
        (self.ty(a) != Ty::Bool).then(|| self.float_to_int_raw(op, a))
    }

    fn numbers(&self, args: &[Expr]) -> bool {
        args.iter().all(|a| self.ty(*a) != Ty::Bool)
    }
}
