//! The `Layout` type: sizes, strides and offset as `sym` expressions, and its predicates.

use crate::{DType, Device, LayoutError};
use sym::{CmpOp, Context, Expr, Truth};

/// A strided layout: element `idx` lives at `offset + Σ idx_i * strides_i` (in elements).
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// Device.
    pub device: Device,
    /// Element type.
    pub dtype: DType,
    /// Sizes, one per dimension.
    pub sizes: Vec<Expr>,
    /// Strides in elements.
    pub strides: Vec<Expr>,
    /// Offset in elements.
    pub offset: Expr,
}

pub(crate) fn ov<T>(x: Option<T>) -> Result<T, LayoutError> {
    x.ok_or(LayoutError::Overflow)
}

/// Truth of `op(a, b)` under the context's facts (`op`: Eq, Ne, Lt, Le, Gt, Ge).
pub(crate) fn truth(cx: &mut Context, op: &str, a: Expr, b: Expr) -> Truth {
    let p = match op {
        "Eq" => cx.compare(CmpOp::Eq, a, b),
        "Ne" => cx.compare(CmpOp::Ne, a, b),
        "Lt" => cx.compare(CmpOp::Lt, a, b),
        "Le" => cx.compare(CmpOp::Le, a, b),
        "Gt" => cx.compare(CmpOp::Lt, b, a),
        _ => cx.compare(CmpOp::Le, b, a),
    };
    // Operands of different types compare to nothing provable.
    p.map_or(Truth::Unknown, |p| cx.prove(p).unwrap_or(Truth::Unknown))
}

/// Three-valued conjunction.
pub(crate) fn and3(a: Truth, b: Truth) -> Truth {
    match (a, b) {
        (Truth::False, _) | (_, Truth::False) => Truth::False,
        (Truth::True, Truth::True) => Truth::True,
        _ => Truth::Unknown,
    }
}

/// `max(size, 1)` as PyTorch eager uses for contiguous strides (zero-size dims).
fn max1(cx: &mut Context, s: Expr) -> Expr {
    let one = cx.int(1);
    if truth(cx, "Ge", s, one) == Truth::True {
        s
    } else {
        match cx.max(&[s, one]) {
            Some(m) => cx.simplify(m),
            None => s,
        }
    }
}

/// `align(n)`: the next multiple of 64 (Inductor's ALIGN_BYTES), `64*FloorDiv(n + 63, 64)`.
pub fn align(cx: &mut Context, n: Expr) -> Result<Expr, LayoutError> {
    let a = ov(cx.add_const(n, 63))?;
    let c = cx.int(64);
    let q = ov(cx.floordiv(a, c))?;
    let r = ov(cx.scale(q, 64))?;
    Ok(cx.simplify(r))
}

impl Layout {
    /// A layout with explicit strides and offset; ranks must agree.
    pub fn new(
        device: Device,
        dtype: DType,
        sizes: Vec<Expr>,
        strides: Vec<Expr>,
        offset: Expr,
    ) -> Result<Layout, LayoutError> {
        if sizes.len() != strides.len() {
            return Err(LayoutError::InvalidView(format!(
                "{} sizes but {} strides",
                sizes.len(),
                strides.len()
            )));
        }
        Ok(Layout {
            device,
            dtype,
            sizes,
            strides,
            offset,
        })
    }

    /// Rank.
    pub fn rank(&self) -> usize {
        self.sizes.len()
    }

    /// Row-major strides with PyTorch eager's `max(size, 1)` for zero-size dims.
    pub fn contiguous_strides(cx: &mut Context, sizes: &[Expr]) -> Vec<Expr> {
        let order: Vec<usize> = (0..sizes.len()).rev().collect();
        Self::fill_ordered(cx, sizes, &order)
    }

    /// Strides that fill dims in `fill_order` (innermost first): `fill_order[0]` gets stride 1.
    pub fn fill_ordered(cx: &mut Context, sizes: &[Expr], fill_order: &[usize]) -> Vec<Expr> {
        let mut strides = vec![cx.int(1); sizes.len()];
        let mut next = cx.int(1);
        for &d in fill_order {
            strides[d] = next;
            let m = max1(cx, sizes[d]);
            next = cx.mul(next, m).map(|e| cx.simplify(e)).unwrap_or(next);
        }
        strides
    }

    /// Strides with the given stride order: `order[d]` is the rank of dim d's stride (0 = smallest).
    pub fn stride_ordered(cx: &mut Context, sizes: &[Expr], order: &[usize]) -> Vec<Expr> {
        let mut fill: Vec<usize> = (0..order.len()).collect();
        fill.sort_by_key(|&d| order[d]);
        Self::fill_ordered(cx, sizes, &fill)
    }

    /// A contiguous (row-major) layout with offset 0.
    pub fn contiguous(cx: &mut Context, device: Device, dtype: DType, sizes: &[Expr]) -> Layout {
        let strides = Self::contiguous_strides(cx, sizes);
        let offset = cx.int(0);
        Layout {
            device,
            dtype,
            sizes: sizes.to_vec(),
            strides,
            offset,
        }
    }

    /// Channels-last (NHWC) for rank 4, channels-last-3d (NDHWC) for rank 5.
    pub fn channels_last(
        cx: &mut Context,
        device: Device,
        dtype: DType,
        sizes: &[Expr],
    ) -> Result<Layout, LayoutError> {
        let order: &[usize] = match sizes.len() {
            4 => &[3, 0, 2, 1],
            5 => &[4, 0, 3, 2, 1],
            n => {
                return Err(LayoutError::InvalidView(format!(
                    "channels-last needs rank 4 or 5, got {n}"
                )));
            }
        };
        let strides = Self::stride_ordered(cx, sizes, order);
        let offset = cx.int(0);
        Ok(Layout {
            device,
            dtype,
            sizes: sizes.to_vec(),
            strides,
            offset,
        })
    }

    /// Number of elements.
    pub fn numel(&self, cx: &mut Context) -> Result<Expr, LayoutError> {
        let mut n = cx.int(1);
        for s in &self.sizes {
            n = ov(cx.mul(n, *s))?;
        }
        Ok(cx.simplify(n))
    }

    /// Elements of storage needed: 0 when there are no elements, else
    /// `1 + offset + Σ (size_i - 1) * stride_i` (PyTorch's `compute_required_storage_length`).
    pub fn storage_size(&self, cx: &mut Context) -> Result<Expr, LayoutError> {
        let mut terms = vec![(self.offset, 1)];
        for (s, st) in self.sizes.iter().zip(&self.strides) {
            let sm1 = ov(cx.add_const(*s, -1))?;
            terms.push((ov(cx.mul(sm1, *st))?, 1));
        }
        let mut acc = cx.int(1);
        for (t, _) in terms {
            acc = ov(cx.add(acc, t))?;
        }
        let numel = self.numel(cx)?;
        let zero = cx.int(0);
        Ok(match truth(cx, "Eq", numel, zero) {
            Truth::True => zero,
            Truth::False => cx.simplify(acc),
            Truth::Unknown => {
                let c = ov(cx.compare(CmpOp::Eq, numel, zero))?;
                let w = ov(cx.where_(c, zero, acc))?;
                cx.simplify(w)
            }
        })
    }

    /// `offset + Σ idx_i * stride_i`, skipping dims whose size is provably 1 (as Inductor does).
    pub fn index(&self, cx: &mut Context, idx: &[Expr]) -> Result<Expr, LayoutError> {
        if idx.len() != self.rank() {
            return Err(LayoutError::InvalidView(format!(
                "index of rank {} for a layout of rank {}",
                idx.len(),
                self.rank()
            )));
        }
        let mut acc = self.offset;
        let one = cx.int(1);
        for ((i, s), st) in idx.iter().zip(&self.sizes).zip(&self.strides) {
            if *s == one || truth(cx, "Eq", *s, one) == Truth::True {
                continue;
            }
            let t = ov(cx.mul(*i, *st))?;
            acc = ov(cx.add(acc, t))?;
        }
        Ok(cx.simplify(acc))
    }

    /// Multi-index of a row-major flat position: `FloorDiv` and `ModularIndexing` per dim.
    pub fn unflatten(
        cx: &mut Context,
        flat: Expr,
        sizes: &[Expr],
    ) -> Result<Vec<Expr>, LayoutError> {
        let mut out = vec![cx.int(0); sizes.len()];
        let mut div = cx.int(1);
        for d in (0..sizes.len()).rev() {
            let q = ov(cx.floordiv(flat, div))?;
            out[d] = if d == 0 {
                q
            } else {
                ov(cx.modulo(q, sizes[d]))?
            };
            out[d] = cx.simplify(out[d]);
            div = ov(cx.mul(div, sizes[d]))?;
        }
        Ok(out)
    }

    fn walk_contiguous(
        &self,
        cx: &mut Context,
        dims: &[usize],
        expected_of: &dyn Fn(&mut Context, usize) -> Expr,
    ) -> Truth {
        let one = cx.int(1);
        let mut acc = Truth::True;
        for &d in dims {
            let size_one = truth(cx, "Eq", self.sizes[d], one);
            if size_one == Truth::True {
                continue;
            }
            let want = expected_of(cx, d);
            let eq = truth(cx, "Eq", self.strides[d], want);
            acc = and3(
                acc,
                if size_one == Truth::Unknown && eq != Truth::True {
                    Truth::Unknown
                } else {
                    eq
                },
            );
            if acc == Truth::False {
                break;
            }
        }
        acc
    }

    fn numel_zero(&self, cx: &mut Context) -> Truth {
        let zero = cx.int(0);
        let mut any = Truth::False;
        for s in self.sizes.clone() {
            match truth(cx, "Eq", s, zero) {
                Truth::True => return Truth::True,
                Truth::Unknown => any = Truth::Unknown,
                Truth::False => {}
            }
        }
        any
    }

    /// Combines a stride check with PyTorch's rule that empty tensors are contiguous.
    fn or_empty(&self, cx: &mut Context, t: Truth) -> Truth {
        match (t, self.numel_zero(cx)) {
            (Truth::True, _) | (_, Truth::True) => Truth::True,
            (Truth::False, Truth::False) => Truth::False,
            _ => Truth::Unknown,
        }
    }

    /// Row-major contiguity (dims of size 1 may have any stride; empty tensors are contiguous).
    pub fn is_contiguous(&self, cx: &mut Context) -> Truth {
        let dims: Vec<usize> = (0..self.rank()).rev().collect();
        let expected = Self::contiguous_strides(cx, &self.sizes);
        let t = self.walk_contiguous(cx, &dims, &|_, d| expected[d]);
        self.or_empty(cx, t)
    }

    /// Channels-last contiguity (rank 4 or 5; size-1 dims may have any stride).
    pub fn is_channels_last_contiguous(&self, cx: &mut Context) -> Truth {
        let Ok(cl) = Layout::channels_last(cx, self.device.clone(), self.dtype, &self.sizes) else {
            return Truth::False;
        };
        let dims: Vec<usize> = (0..self.rank()).collect();
        let t = self.walk_contiguous(cx, &dims, &|_, d| cl.strides[d]);
        self.or_empty(cx, t)
    }

    /// Whether strides are non-decreasing in the given order (`order[d]` = rank of dim d), ignoring
    /// dims of size 1.
    pub fn is_stride_ordered(&self, cx: &mut Context, order: &[usize]) -> Truth {
        if order.len() != self.rank() {
            return Truth::False;
        }
        let one = cx.int(1);
        let mut dims: Vec<usize> = (0..self.rank()).collect();
        dims.sort_by_key(|&d| order[d]);
        let mut acc = Truth::True;
        let mut prev: Option<usize> = None;
        for d in dims {
            match truth(cx, "Eq", self.sizes[d], one) {
                Truth::True => continue,
                Truth::Unknown => acc = and3(acc, Truth::Unknown),
                Truth::False => {}
            }
            if let Some(p) = prev {
                acc = and3(acc, truth(cx, "Le", self.strides[p], self.strides[d]));
            }
            prev = Some(d);
        }
        acc
    }

    /// c10's `compute_non_overlapping_and_dense`, three-valued.
    pub fn is_non_overlapping_and_dense(&self, cx: &mut Context) -> Truth {
        let n = self.rank();
        let one = cx.int(1);
        let two = cx.int(2);
        if n == 1 {
            let a = truth(cx, "Lt", self.sizes[0], two);
            let b = truth(cx, "Eq", self.strides[0], one);
            return match (a, b) {
                (Truth::True, _) | (_, Truth::True) => Truth::True,
                (Truth::False, Truth::False) => Truth::False,
                _ => Truth::Unknown,
            };
        }
        // Dims of size < 2 sort last and end the walk; the others by increasing stride.
        let mut small = Vec::new();
        let mut big = Vec::new();
        for d in 0..n {
            match truth(cx, "Lt", self.sizes[d], two) {
                Truth::True => small.push(d),
                Truth::False => big.push(d),
                Truth::Unknown => return Truth::Unknown,
            }
        }
        // Insertion sort by proven stride order.
        let mut perm: Vec<usize> = Vec::new();
        for d in big {
            let mut pos = perm.len();
            for (i, &p) in perm.iter().enumerate() {
                match truth(cx, "Lt", self.strides[d], self.strides[p]) {
                    Truth::True => {
                        pos = i;
                        break;
                    }
                    Truth::False => {}
                    Truth::Unknown => return Truth::Unknown,
                }
            }
            perm.insert(pos, d);
        }
        let _ = small;
        let mut require = one;
        for d in perm {
            match truth(cx, "Eq", self.strides[d], require) {
                Truth::True => {}
                t => return t,
            }
            require = match cx.mul(require, self.sizes[d]) {
                Some(r) => cx.simplify(r),
                None => return Truth::Unknown,
            };
        }
        Truth::True
    }

    /// Whether `offset * itemsize` is a multiple of `bytes`.
    pub fn is_offset_aligned(&self, cx: &mut Context, bytes: i64) -> Truth {
        let b = cx.int(i64::from(self.dtype.itemsize()));
        let Some(o) = cx.mul(self.offset, b) else {
            return Truth::Unknown;
        };
        let m = cx.int(bytes);
        let Some(r) = cx.modulo(o, m) else {
            return Truth::Unknown;
        };
        let zero = cx.int(0);
        truth(cx, "Eq", r, zero)
    }
}
