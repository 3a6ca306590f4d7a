//! Views: permute, transpose, slice, select, narrow, expand, squeeze/unsqueeze, as_strided,
//! dtype reinterpretation, and reshape (a re-stride when it is provably a view, otherwise an
//! index mapping), with PyTorch eager semantics.

use crate::layout::{ov, truth};
use crate::{DType, Layout, LayoutError};
use sym::{Context, Expr, Truth};

fn bad(msg: impl Into<String>) -> LayoutError {
    LayoutError::InvalidView(msg.into())
}

fn norm_dim(dim: i64, rank: usize, what: &str) -> Result<usize, LayoutError> {
    let r = rank as i64;
    let d = if dim < 0 { dim + r } else { dim };
    if d < 0 || d >= r {
        return Err(bad(format!(
            "{what}: dimension {dim} out of range for rank {rank}"
        )));
    }
    Ok(d as usize)
}

/// The result of a reshape.
///
/// Exhaustive on purpose: a reshape is a view or it is not.
#[derive(Clone, Debug, PartialEq)]
pub enum Reshaped {
    /// Provably a view: new strides over the same storage.
    View(Layout),
    /// Not (provably) a view: element `idx` of the new shape is element `unflatten(flatten(idx))`
    /// of the old layout (PyTorch's flatten-then-unflatten indexer).
    Indexed(IndexedView),
}

/// A reshape that is not a pure re-stride.
#[derive(Clone, Debug, PartialEq)]
pub struct IndexedView {
    /// The layout being read.
    pub base: Layout,
    /// The new sizes.
    pub sizes: Vec<Expr>,
}

impl IndexedView {
    /// Storage index of element `idx` of the new shape, simplified.
    pub fn index(&self, cx: &mut Context, idx: &[Expr]) -> Result<Expr, LayoutError> {
        let strides = Layout::contiguous_strides(cx, &self.sizes);
        let mut flat = cx.int(0);
        for (i, s) in idx.iter().zip(&strides) {
            let t = ov(cx.mul(*i, *s))?;
            flat = ov(cx.add(flat, t))?;
        }
        let old = Layout::unflatten(cx, flat, &self.base.sizes)?;
        self.base.index(cx, &old)
    }
}

/// A view of a named buffer with its own layout (Inductor's `ReinterpretView`).
#[derive(Clone, Debug, PartialEq)]
pub struct ReinterpretView {
    /// The underlying buffer.
    pub buffer: String,
    /// The layout of the view over the buffer's storage.
    pub layout: Layout,
}

impl ReinterpretView {
    /// A view of `buffer`.
    pub fn new(buffer: impl Into<String>, layout: Layout) -> Self {
        ReinterpretView {
            buffer: buffer.into(),
            layout,
        }
    }

    /// A view of this view is a view of the same buffer: nested views unwrap to the buffer.
    pub fn reinterpret(&self, layout: Layout) -> ReinterpretView {
        ReinterpretView {
            buffer: self.buffer.clone(),
            layout,
        }
    }

    /// Whether the view needs a dtype reinterpretation of the buffer's elements.
    pub fn is_dtype_view(&self, buffer_dtype: DType) -> bool {
        self.layout.dtype != buffer_dtype
    }
}

impl Layout {
    fn with(&self, sizes: Vec<Expr>, strides: Vec<Expr>, offset: Expr) -> Layout {
        Layout {
            device: self.device.clone(),
            dtype: self.dtype,
            sizes,
            strides,
            offset,
        }
    }

    /// Reorders dims: dim i of the result is dim `dims[i]` of this layout.
    pub fn permute(&self, dims: &[i64]) -> Result<Layout, LayoutError> {
        if dims.len() != self.rank() {
            return Err(bad(format!(
                "permute: {} dims given for rank {}",
                dims.len(),
                self.rank()
            )));
        }
        let mut seen = vec![false; self.rank()];
        let mut sizes = Vec::new();
        let mut strides = Vec::new();
        for &d in dims {
            let d = norm_dim(d, self.rank(), "permute")?;
            if seen[d] {
                return Err(bad(format!("permute: dimension {d} repeated")));
            }
            seen[d] = true;
            sizes.push(self.sizes[d]);
            strides.push(self.strides[d]);
        }
        Ok(self.with(sizes, strides, self.offset))
    }

    /// Swaps two dims.
    pub fn transpose(&self, a: i64, b: i64) -> Result<Layout, LayoutError> {
        let (a, b) = (
            norm_dim(a, self.rank(), "transpose")?,
            norm_dim(b, self.rank(), "transpose")?,
        );
        let mut l = self.clone();
        l.sizes.swap(a, b);
        l.strides.swap(a, b);
        Ok(l)
    }

    /// `x[..., start:end:step, ...]` with Python's negative indices and clamping.
    pub fn slice(
        &self,
        cx: &mut Context,
        dim: i64,
        start: Option<i64>,
        end: Option<i64>,
        step: i64,
    ) -> Result<Layout, LayoutError> {
        let d = norm_dim(dim, self.rank(), "slice")?;
        if step <= 0 {
            return Err(bad(format!("slice: step must be positive, got {step}")));
        }
        let size = self.sizes[d];
        let zero = cx.int(0);
        // start: negative counts from the end, then clamp to [0, size].
        let s0 = start.unwrap_or(0);
        let s_e = if s0 < 0 {
            ov(cx.add_const(size, s0))?
        } else {
            cx.int(s0)
        };
        let s_lo = ov(cx.max(&[s_e, zero]))?;
        let s_c = ov(cx.min(&[s_lo, size]))?;
        let s_c = cx.simplify(s_c);
        // end: negative counts from the end, then clamp to [start, size].
        let e_c = match end {
            None => size,
            Some(e) => {
                let e_e = if e < 0 {
                    ov(cx.add_const(size, e))?
                } else {
                    cx.int(e)
                };
                let e_lo = ov(cx.max(&[e_e, s_c]))?;
                let e_c = ov(cx.min(&[e_lo, size]))?;
                cx.simplify(e_c)
            }
        };
        // new size = ceil((end - start) / step) = FloorDiv(end - start + step - 1, step).
        let len = ov(cx.sub(e_c, s_c))?;
        let len = ov(cx.add_const(len, step - 1))?;
        let st = cx.int(step);
        let len = ov(cx.floordiv(len, st))?;
        let len = cx.simplify(len);
        let mut l = self.clone();
        let off = ov(cx.mul(s_c, self.strides[d]))?;
        l.offset = ov(cx.add(self.offset, off))?;
        l.offset = cx.simplify(l.offset);
        l.sizes[d] = len;
        l.strides[d] = ov(cx.scale(self.strides[d], step))?;
        Ok(l)
    }

    /// `x.narrow(dim, start, length)`: start may be negative (from the end); the range must fit.
    pub fn narrow(
        &self,
        cx: &mut Context,
        dim: i64,
        start: i64,
        length: i64,
    ) -> Result<Layout, LayoutError> {
        let d = norm_dim(dim, self.rank(), "narrow")?;
        if length < 0 {
            return Err(bad(format!("narrow: negative length {length}")));
        }
        let size = self.sizes[d];
        let s = if start < 0 {
            ov(cx.add_const(size, start))?
        } else {
            cx.int(start)
        };
        let zero = cx.int(0);
        let end = ov(cx.add_const(s, length))?;
        if truth(cx, "Lt", s, zero) == Truth::True || truth(cx, "Gt", end, size) == Truth::True {
            return Err(bad(format!(
                "narrow: start {start} + length {length} exceeds the size {} of dimension {d}",
                cx.display(size)
            )));
        }
        let mut l = self.clone();
        let off = ov(cx.mul(s, self.strides[d]))?;
        l.offset = ov(cx.add(self.offset, off))?;
        l.offset = cx.simplify(l.offset);
        l.sizes[d] = cx.int(length);
        Ok(l)
    }

    /// `x.select(dim, index)`: drops the dim; negative indices count from the end.
    pub fn select(&self, cx: &mut Context, dim: i64, index: i64) -> Result<Layout, LayoutError> {
        let d = norm_dim(dim, self.rank(), "select")?;
        let size = self.sizes[d];
        let i = if index < 0 {
            ov(cx.add_const(size, index))?
        } else {
            cx.int(index)
        };
        let zero = cx.int(0);
        if truth(cx, "Lt", i, zero) == Truth::True || truth(cx, "Ge", i, size) == Truth::True {
            return Err(bad(format!(
                "select: index {index} out of range for dimension {d} of size {}",
                cx.display(size)
            )));
        }
        let mut l = self.clone();
        let off = ov(cx.mul(i, self.strides[d]))?;
        l.offset = ov(cx.add(self.offset, off))?;
        l.offset = cx.simplify(l.offset);
        l.sizes.remove(d);
        l.strides.remove(d);
        Ok(l)
    }

    /// `x.expand(sizes)`: `-1` keeps a size; new leading dims and expanded size-1 dims get stride 0.
    pub fn expand(&self, cx: &mut Context, sizes: &[Expr]) -> Result<Layout, LayoutError> {
        let (n, r) = (sizes.len(), self.rank());
        if n < r {
            return Err(bad(format!("expand: {n} sizes for a tensor of rank {r}")));
        }
        let minus1 = cx.int(-1);
        let one = cx.int(1);
        let zero = cx.int(0);
        let mut out_s = Vec::with_capacity(n);
        let mut out_t = Vec::with_capacity(n);
        for (i, &want) in sizes.iter().enumerate() {
            if i < n - r {
                if want == minus1 || truth(cx, "Lt", want, zero) == Truth::True {
                    return Err(bad(format!(
                        "expand: size {} for a new leading dimension {i}",
                        cx.display(want)
                    )));
                }
                out_s.push(want);
                out_t.push(zero);
                continue;
            }
            let d = i - (n - r);
            let (have, st) = (self.sizes[d], self.strides[d]);
            if want == minus1 || want == have || truth(cx, "Eq", want, have) == Truth::True {
                out_s.push(have);
                out_t.push(st);
            } else if truth(cx, "Eq", have, one) == Truth::True {
                out_s.push(want);
                out_t.push(zero);
            } else {
                return Err(bad(format!(
                    "expand: dimension {d} of size {} cannot be expanded to {}",
                    cx.display(have),
                    cx.display(want)
                )));
            }
        }
        Ok(self.with(out_s, out_t, self.offset))
    }

    /// `x.squeeze(dim)` (or every size-1 dim with `None`): a dim is dropped only when its size is
    /// provably 1, as PyTorch's `guard_or_false` does; otherwise it stays (a no-op).
    pub fn squeeze(&self, cx: &mut Context, dim: Option<i64>) -> Result<Layout, LayoutError> {
        let one = cx.int(1);
        let dims: Vec<usize> = match dim {
            Some(d) => vec![norm_dim(d, self.rank().max(1), "squeeze")?],
            None => (0..self.rank()).collect(),
        };
        let mut l = self.clone();
        for d in dims.into_iter().rev() {
            if d < l.rank() && truth(cx, "Eq", l.sizes[d], one) == Truth::True {
                l.sizes.remove(d);
                l.strides.remove(d);
            }
        }
        Ok(l)
    }

    /// `x.unsqueeze(dim)`: a size-1 dim with stride `size[dim]*stride[dim]` (1 at the end).
    pub fn unsqueeze(&self, cx: &mut Context, dim: i64) -> Result<Layout, LayoutError> {
        let d = norm_dim(dim, self.rank() + 1, "unsqueeze")?;
        let st = if d < self.rank() {
            let p = ov(cx.mul(self.sizes[d], self.strides[d]))?;
            cx.simplify(p)
        } else {
            cx.int(1)
        };
        let mut l = self.clone();
        l.sizes.insert(d, cx.int(1));
        l.strides.insert(d, st);
        Ok(l)
    }

    /// `x.as_strided(sizes, strides, offset)` over the same storage.
    pub fn as_strided(
        &self,
        sizes: Vec<Expr>,
        strides: Vec<Expr>,
        offset: Expr,
    ) -> Result<Layout, LayoutError> {
        Layout::new(self.device.clone(), self.dtype, sizes, strides, offset)
    }

    /// `x.view(dtype)`: same item size keeps the layout; otherwise the last dim must have
    /// stride 1 and sizes, strides and offset are rescaled by the item-size ratio, which must
    /// divide them exactly (PyTorch's rules).
    pub fn view_dtype(&self, cx: &mut Context, dtype: DType) -> Result<Layout, LayoutError> {
        let (old, new) = (
            i64::from(self.dtype.itemsize()),
            i64::from(dtype.itemsize()),
        );
        let mut l = self.clone();
        l.dtype = dtype;
        if old == new {
            return Ok(l);
        }
        if self.rank() == 0 {
            return Err(bad("view(dtype): a 0-d tensor cannot change item size"));
        }
        let last = self.rank() - 1;
        let one = cx.int(1);
        if truth(cx, "Eq", self.strides[last], one) != Truth::True {
            return Err(bad(
                "view(dtype): the last dimension must have stride 1 to change item size",
            ));
        }
        let divides = |cx: &mut Context, e: Expr, k: i64| -> Truth {
            let kk = cx.int(k);
            let Some(m) = cx.modulo(e, kk) else {
                return Truth::Unknown;
            };
            let zero = cx.int(0);
            truth(cx, "Eq", m, zero)
        };
        if new > old {
            let ratio = new / old;
            for (what, e) in [
                ("the last size", self.sizes[last]),
                ("the offset", self.offset),
            ] {
                if divides(cx, e, ratio) != Truth::True {
                    return Err(bad(format!(
                        "view(dtype): {what} {} is not provably a multiple of {ratio}",
                        cx.display(e)
                    )));
                }
            }
            for d in 0..last {
                if divides(cx, self.strides[d], ratio) != Truth::True {
                    return Err(bad(format!(
                        "view(dtype): stride {} of dimension {d} is not provably a multiple of {ratio}",
                        cx.display(self.strides[d])
                    )));
                }
            }
            let r = cx.int(ratio);
            let q = |cx: &mut Context, e: Expr| -> Result<Expr, LayoutError> {
                let f = ov(cx.floordiv(e, r))?;
                Ok(cx.simplify(f))
            };
            l.sizes[last] = q(cx, self.sizes[last])?;
            l.offset = q(cx, self.offset)?;
            for d in 0..last {
                l.strides[d] = q(cx, self.strides[d])?;
            }
        } else {
            let ratio = old / new;
            let sc = |cx: &mut Context, e: Expr| -> Result<Expr, LayoutError> {
                let p = ov(cx.scale(e, ratio))?;
                Ok(cx.simplify(p))
            };
            l.sizes[last] = sc(cx, self.sizes[last])?;
            l.offset = sc(cx, self.offset)?;
            for d in 0..last {
                l.strides[d] = sc(cx, self.strides[d])?;
            }
        }
        Ok(l)
    }

    /// `x.reshape(sizes)` / `x.view(sizes)`: at most one `-1`, which is inferred.
    pub fn reshape(&self, cx: &mut Context, sizes: &[Expr]) -> Result<Reshaped, LayoutError> {
        let minus1 = cx.int(-1);
        let numel = self.numel(cx)?;
        let infer: Vec<usize> = (0..sizes.len()).filter(|&i| sizes[i] == minus1).collect();
        if infer.len() > 1 {
            return Err(bad("reshape: only one dimension can be -1"));
        }
        let mut new = sizes.to_vec();
        let mut known = cx.int(1);
        for (i, s) in sizes.iter().enumerate() {
            if !infer.contains(&i) {
                known = ov(cx.mul(known, *s))?;
            }
        }
        let known = cx.simplify(known);
        let zero = cx.int(0);
        if let [i] = infer[..] {
            if truth(cx, "Eq", known, zero) == Truth::True {
                return Err(bad(
                    "reshape: cannot infer -1 when the other sizes multiply to 0",
                ));
            }
            let m = ov(cx.modulo(numel, known))?;
            if truth(cx, "Eq", m, zero) == Truth::False {
                return Err(bad(format!(
                    "reshape: {} elements do not divide into {}",
                    cx.display(numel),
                    cx.display(known)
                )));
            }
            let q = ov(cx.floordiv(numel, known))?;
            new[i] = cx.simplify(q);
        } else if truth(cx, "Eq", numel, known) == Truth::False {
            return Err(bad(format!(
                "reshape: {} elements cannot be viewed as {}",
                cx.display(numel),
                cx.display(known)
            )));
        }
        if self.is_contiguous(cx) == Truth::True {
            let strides = Layout::contiguous_strides(cx, &new);
            return Ok(Reshaped::View(self.with(new, strides, self.offset)));
        }
        if let Some(strides) = self.compute_stride(cx, &new) {
            return Ok(Reshaped::View(self.with(new, strides, self.offset)));
        }
        Ok(Reshaped::Indexed(IndexedView {
            base: self.clone(),
            sizes: new,
        }))
    }

    /// ATen's `computeStride`: strides for `new` over this layout's storage when every chunk of
    /// old dims that must stay together is proven to; `None` when not (provably) a view.
    fn compute_stride(&self, cx: &mut Context, new: &[Expr]) -> Option<Vec<Expr>> {
        let one = cx.int(1);
        if self.rank() == 0 {
            return Some(vec![one; new.len()]);
        }
        let known = |t: Truth| match t {
            Truth::True => Some(true),
            Truth::False => Some(false),
            Truth::Unknown => None,
        };
        let mut newstride = vec![one; new.len()];
        let mut view_d = new.len() as i64 - 1;
        let mut chunk_base = *self.strides.last()?;
        let mut tensor_numel = one;
        let mut view_numel = one;
        for td in (0..self.rank()).rev() {
            tensor_numel = cx
                .mul(tensor_numel, self.sizes[td])
                .map(|e| cx.simplify(e))?;
            let boundary = if td == 0 {
                true
            } else {
                let not_one = !known(truth(cx, "Eq", self.sizes[td - 1], one))?;
                let expect = cx.mul(tensor_numel, chunk_base).map(|e| cx.simplify(e))?;
                not_one && !known(truth(cx, "Eq", self.strides[td - 1], expect))?
            };
            if boundary {
                while view_d >= 0 {
                    let vd = view_d as usize;
                    let lt = known(truth(cx, "Lt", view_numel, tensor_numel))?;
                    let is1 = known(truth(cx, "Eq", new[vd], one))?;
                    if !(lt || is1) {
                        break;
                    }
                    newstride[vd] = cx.mul(view_numel, chunk_base).map(|e| cx.simplify(e))?;
                    view_numel = cx.mul(view_numel, new[vd]).map(|e| cx.simplify(e))?;
                    view_d -= 1;
                }
                if !known(truth(cx, "Eq", view_numel, tensor_numel))? {
                    return None;
                }
                if td > 0 {
                    chunk_base = self.strides[td - 1];
                    tensor_numel = one;
                    view_numel = one;
                }
            }
        }
        (view_d == -1).then_some(newstride)
    }
}
