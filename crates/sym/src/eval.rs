//! Exact evaluation: integers are `i64` with every operation checked (overflow is an error, never
//! a wrapped value), floats are IEEE doubles computed exactly as C++ `double` would.

use crate::Context;
use crate::build::{CmpOp, RoundOp, floor_div, floor_mod};
use crate::error::EvalError;
use crate::expr::{Expr, Node, Symbol};
use rustc_hash::FxHashMap;

/// A runtime value.
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Value {
    /// An integer.
    Int(i64),
    /// A double.
    Float(f64),
    /// A boolean.
    Bool(bool),
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Int(v) => write!(f, "{v}"),
            Value::Float(v) => write!(f, "{}", crate::print::float_text(*v)),
            Value::Bool(true) => f.write_str("True"),
            Value::Bool(false) => f.write_str("False"),
        }
    }
}

/// `a / b` correctly rounded to the nearest double (ties to even), as Python's `int / int`.
/// `None` for a zero divisor.
pub(crate) fn int_true_div(a: i64, b: i64) -> Option<f64> {
    if b == 0 {
        return None;
    }
    const EXACT: u64 = 1 << 53;
    if a.unsigned_abs() <= EXACT && b.unsigned_abs() <= EXACT {
        return Some(a as f64 / b as f64);
    }
    let neg = (a < 0) != (b < 0);
    let (n, d) = (a.unsigned_abs() as u128, b.unsigned_abs() as u128);
    // Long division: collect a quotient with at least 55 significant bits, then round with a
    // sticky bit. q * 2^-shift approximates n / d.
    let mut q = n / d;
    let mut r = n % d;
    let mut shift: i32 = 0;
    while q < (1u128 << 55) {
        q <<= 1;
        r <<= 1;
        if r >= d {
            q |= 1;
            r -= d;
        }
        shift += 1;
        if q == 0 && shift > 200 {
            return Some(if neg { -0.0 } else { 0.0 });
        }
    }
    let sticky = r != 0;
    // Reduce q to 53 significant bits with round-half-even.
    let bits = 128 - q.leading_zeros() as i32;
    let drop = bits - 53;
    let mut m = q >> drop;
    let rem = q & ((1u128 << drop) - 1);
    let half = 1u128 << (drop - 1);
    if rem > half || (rem == half && (sticky || m & 1 == 1)) {
        m += 1;
    }
    let exp = drop - shift;
    let v = (m as f64) * 2f64.powi(exp);
    Some(if neg { -v } else { v })
}

/// Rounds a double to an integer with `op`; `None` if it is not finite or out of `i64` range.
pub(crate) fn round_to_i64(op: RoundOp, x: f64) -> Option<i64> {
    let r = match op {
        RoundOp::Trunc => x.trunc(),
        RoundOp::Floor => x.floor(),
        RoundOp::Ceil => x.ceil(),
        RoundOp::Round => x.round_ties_even(),
    };
    // 2^63 is exactly representable; the valid range is [-2^63, 2^63).
    if r.is_finite() && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&r) {
        Some(r as i64)
    } else {
        None
    }
}

fn int(v: Value) -> Result<i64, EvalError> {
    match v {
        Value::Int(i) => Ok(i),
        Value::Bool(b) => Ok(i64::from(b)),
        Value::Float(_) => Err(EvalError::Type("expected an integer, got a float".into())),
    }
}

fn flt(v: Value) -> Result<f64, EvalError> {
    match v {
        Value::Float(f) => Ok(f),
        Value::Int(i) => Ok(i as f64),
        Value::Bool(_) => Err(EvalError::Type("expected a float, got a boolean".into())),
    }
}

fn boolean(v: Value) -> Result<bool, EvalError> {
    match v {
        Value::Bool(b) => Ok(b),
        _ => Err(EvalError::Type("expected a boolean".into())),
    }
}

fn cmp(op: CmpOp, a: Value, b: Value) -> Result<bool, EvalError> {
    Ok(match (a, b) {
        (Value::Float(_), _) | (_, Value::Float(_)) => {
            let (x, y) = (flt(a)?, flt(b)?);
            match op {
                CmpOp::Eq => x == y,
                CmpOp::Ne => x != y,
                CmpOp::Lt => x < y,
                CmpOp::Le => x <= y,
            }
        }
        (Value::Bool(x), Value::Bool(y)) => match op {
            CmpOp::Eq => x == y,
            CmpOp::Ne => x != y,
            CmpOp::Lt => !x & y,
            CmpOp::Le => x <= y,
        },
        _ => {
            let (x, y) = (int(a)?, int(b)?);
            match op {
                CmpOp::Eq => x == y,
                CmpOp::Ne => x != y,
                CmpOp::Lt => x < y,
                CmpOp::Le => x <= y,
            }
        }
    })
}

impl Context {
    /// Evaluates `e` with symbol values from `values` (by name). See [`Context::eval_with`].
    pub fn eval(&self, e: Expr, values: &[(&str, Value)]) -> Result<Value, EvalError> {
        let mut map: FxHashMap<Symbol, Value> = FxHashMap::default();
        for (n, v) in values {
            if let Some(s) = self.lookup(n) {
                map.insert(s, *v);
            }
        }
        self.eval_with(e, &|s| map.get(&s).copied())
    }

    /// Evaluates `e` exactly. Division or modulo by zero and integer overflow are errors; a
    /// `Where` evaluates only the branch its condition picks.
    pub fn eval_with(
        &self,
        e: Expr,
        values: &dyn Fn(Symbol) -> Option<Value>,
    ) -> Result<Value, EvalError> {
        let mut memo: FxHashMap<Expr, Value> = FxHashMap::default();
        // (expr, state): state 0 = children not pushed, 1 = ready (or Where: condition done),
        // 2 = Where branch done.
        let mut stack: Vec<(Expr, u8)> = vec![(e, 0)];
        while let Some((x, state)) = stack.pop() {
            if memo.contains_key(&x) {
                continue;
            }
            let node = self.node(x);
            if let Node::Where(c, a, b) = node {
                match state {
                    0 => {
                        stack.push((x, 1));
                        stack.push((*c, 0));
                    }
                    1 => {
                        let br = if boolean(memo[c])? { *a } else { *b };
                        stack.push((x, 2));
                        stack.push((br, 0));
                    }
                    _ => {
                        let br = if boolean(memo[c])? { *a } else { *b };
                        memo.insert(x, memo[&br]);
                    }
                }
                continue;
            }
            if state == 0 {
                let kids = node.children();
                stack.push((x, 1));
                for k in kids.iter().rev() {
                    if !memo.contains_key(k) {
                        stack.push((*k, 0));
                    }
                }
                continue;
            }
            let v = self.eval_node(x, node, &memo, values)?;
            memo.insert(x, v);
        }
        Ok(memo[&e])
    }

    fn eval_node(
        &self,
        x: Expr,
        node: &Node,
        memo: &FxHashMap<Expr, Value>,
        values: &dyn Fn(Symbol) -> Option<Value>,
    ) -> Result<Value, EvalError> {
        let g = |e: &Expr| memo[e];
        let gi = |e: &Expr| int(memo[e]);
        let gf = |e: &Expr| flt(memo[e]);
        let ov = EvalError::Overflow;
        Ok(match node {
            Node::Int(v) => Value::Int(*v),
            Node::Float(b) => Value::Float(f64::from_bits(*b)),
            Node::Bool(b) => Value::Bool(*b),
            Node::Sym(s) => {
                let v = values(*s).ok_or_else(|| EvalError::Unbound(self.sym_name(*s).into()))?;
                match (self.sym_ty(*s), v) {
                    (crate::Ty::Int, Value::Int(_)) => v,
                    (crate::Ty::Float, Value::Float(_)) => v,
                    (crate::Ty::Float, Value::Int(i)) => Value::Float(i as f64),
                    _ => {
                        return Err(EvalError::Type(format!(
                            "value of '{}' does not match its type",
                            self.sym_name(*s)
                        )));
                    }
                }
            }
            // An n-ary sum or product is one node with one value (SEMANTICS.md §2): it
            // overflows when that value leaves i64, whatever order its terms come in, so the
            // normal form's order (constant first, terms sorted) computes nothing the text does
            // not. Terms are exact in i128 (|k*t| < 2^126); i128 overflow of the running sum
            // (five or more huge terms) is reported as an overflow, never wrapped.
            Node::Add(ts, c) => {
                let mut acc = i128::from(*c);
                for (t, k) in ts {
                    let term = i128::from(gi(t)?) * i128::from(*k);
                    acc = acc.checked_add(term).ok_or(ov.clone())?;
                }
                Value::Int(i64::try_from(acc).map_err(|_| ov.clone())?)
            }
            // A zero factor makes the product 0; otherwise every factor has magnitude >= 1,
            // so the running products only grow and one leaves i64 only if the product does.
            Node::Mul(fs) => {
                let mut vals: smallvec::SmallVec<[i64; 4]> = smallvec::SmallVec::new();
                for f in fs {
                    vals.push(gi(f)?);
                }
                if vals.contains(&0) {
                    Value::Int(0)
                } else {
                    let mut acc: i64 = 1;
                    for v in vals {
                        acc = acc.checked_mul(v).ok_or(ov.clone())?;
                    }
                    Value::Int(acc)
                }
            }
            Node::Pow(b, k) => Value::Int(gi(b)?.checked_pow(*k).ok_or(ov)?),
            Node::FloorDiv(a, b) => {
                let (a, b) = (gi(a)?, gi(b)?);
                if b == 0 {
                    return Err(EvalError::DivisionByZero);
                }
                Value::Int(floor_div(a, b).ok_or(ov)?)
            }
            Node::Mod(a, b) => {
                let (a, b) = (gi(a)?, gi(b)?);
                Value::Int(floor_mod(a, b).ok_or(EvalError::DivisionByZero)?)
            }
            Node::Min(xs) | Node::Max(xs) => {
                let is_max = matches!(node, Node::Max(_));
                if self.ty(x) == crate::Ty::Float {
                    let mut acc = gf(&xs[0])?;
                    for a in &xs[1..] {
                        let v = gf(a)?;
                        // Python/sympy semantics: NaN propagates.
                        acc = if acc.is_nan() || v.is_nan() {
                            f64::NAN
                        } else if is_max {
                            acc.max(v)
                        } else {
                            acc.min(v)
                        };
                    }
                    Value::Float(acc)
                } else {
                    let mut acc = gi(&xs[0])?;
                    for a in &xs[1..] {
                        let v = gi(a)?;
                        acc = if is_max { acc.max(v) } else { acc.min(v) };
                    }
                    Value::Int(acc)
                }
            }
            Node::Abs(a) => match g(a) {
                Value::Float(f) => Value::Float(f.abs()),
                v => Value::Int(int(v)?.checked_abs().ok_or(ov)?),
            },
            Node::Where(..) => unreachable!("handled by the caller"),
            Node::ToFloat(a) => Value::Float(gi(a)? as f64),
            Node::IntTrueDiv(a, b) => {
                Value::Float(int_true_div(gi(a)?, gi(b)?).ok_or(EvalError::DivisionByZero)?)
            }
            Node::FloatTrueDiv(a, b) => {
                let d = gf(b)?;
                if d == 0.0 {
                    return Err(EvalError::DivisionByZero);
                }
                Value::Float(gf(a)? / d)
            }
            Node::FAdd(a, b) => Value::Float(gf(a)? + gf(b)?),
            Node::FMul(a, b) => Value::Float(gf(a)? * gf(b)?),
            Node::FNeg(a) => Value::Float(-gf(a)?),
            Node::TruncToInt(a) => {
                Value::Int(round_to_i64(RoundOp::Trunc, gf(a)?).ok_or(EvalError::FloatToInt)?)
            }
            Node::FloorToInt(a) => {
                Value::Int(round_to_i64(RoundOp::Floor, gf(a)?).ok_or(EvalError::FloatToInt)?)
            }
            Node::CeilToInt(a) => {
                Value::Int(round_to_i64(RoundOp::Ceil, gf(a)?).ok_or(EvalError::FloatToInt)?)
            }
            Node::RoundToInt(a) => {
                Value::Int(round_to_i64(RoundOp::Round, gf(a)?).ok_or(EvalError::FloatToInt)?)
            }
            Node::Eq(a, b) => Value::Bool(cmp(CmpOp::Eq, g(a), g(b))?),
            Node::Ne(a, b) => Value::Bool(cmp(CmpOp::Ne, g(a), g(b))?),
            Node::Lt(a, b) => Value::Bool(cmp(CmpOp::Lt, g(a), g(b))?),
            Node::Le(a, b) => Value::Bool(cmp(CmpOp::Le, g(a), g(b))?),
            Node::And(xs) => {
                let mut acc = true;
                for a in xs {
                    acc &= boolean(g(a))?;
                }
                Value::Bool(acc)
            }
            Node::Or(xs) => {
                let mut acc = false;
                for a in xs {
                    acc |= boolean(g(a))?;
                }
                Value::Bool(acc)
            }
            Node::Not(a) => Value::Bool(!boolean(g(a))?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::int_true_div;

    #[test]
    fn true_div_is_correctly_rounded() {
        assert_eq!(int_true_div(1, 3), Some(1.0 / 3.0));
        assert_eq!(int_true_div(7, -2), Some(-3.5));
        assert_eq!(int_true_div(5, 0), None);
        // 2^53 + 1 is not representable; (2^53+1)/1 rounds to even: 2^53.
        assert_eq!(int_true_div((1 << 53) + 1, 1), Some(9007199254740992.0));
        // (2^53 + 3) / 1 rounds to 2^53 + 4 (tie to even).
        assert_eq!(int_true_div((1 << 53) + 3, 1), Some(9007199254740996.0));
        assert_eq!(int_true_div(i64::MAX, i64::MAX), Some(1.0));
        assert_eq!(int_true_div(i64::MIN, 2), Some(-4611686018427387904.0));
        // Python: (10**18 + 1) / 3 == 3.333333333333333e+17
        assert_eq!(
            int_true_div(1_000_000_000_000_000_001, 3),
            Some(3.333333333333333e17)
        );
    }
}
