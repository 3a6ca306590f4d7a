//! `layout` against a concrete strided-tensor model: random shapes (with 0 and 1 sizes) and
//! random chains of views; element addresses through the symbolic layout, evaluated at the
//! concrete sizes, must equal the model's, and invalid views must be refused by both.
//! Plus table tests of the predicates on PyTorch's own examples.

mod common;
use common::Rng;
use layout::{DType, Device, Layout, Reshaped};
use sym::{Context, Expr, Truth, Value};

#[derive(Clone, Debug)]
struct M {
    sizes: Vec<i64>,
    strides: Vec<i64>,
    offset: i64,
}

fn nd(d: i64, r: usize) -> Option<usize> {
    let d = if d < 0 { d + r as i64 } else { d };
    (d >= 0 && (d as usize) < r).then_some(d as usize)
}

impl M {
    fn contiguous(sizes: &[i64]) -> M {
        let mut strides = vec![1; sizes.len()];
        let mut acc = 1;
        for d in (0..sizes.len()).rev() {
            strides[d] = acc;
            acc *= sizes[d].max(1);
        }
        M {
            sizes: sizes.to_vec(),
            strides,
            offset: 0,
        }
    }
    fn numel(&self) -> i64 {
        self.sizes.iter().product()
    }
    fn addr(&self, idx: &[i64]) -> i64 {
        self.offset
            + idx
                .iter()
                .zip(&self.strides)
                .map(|(i, s)| i * s)
                .sum::<i64>()
    }
    fn slice(&self, d: i64, start: Option<i64>, end: Option<i64>, step: i64) -> Option<M> {
        let d = nd(d, self.sizes.len())?;
        let n = self.sizes[d];
        let mut s = start.unwrap_or(0);
        let mut e = end.unwrap_or(i64::MAX);
        if s < 0 {
            s += n;
        }
        if e < 0 {
            e += n;
        }
        s = s.clamp(0, n);
        e = e.max(s).min(n);
        let mut m = self.clone();
        m.offset += s * self.strides[d];
        m.sizes[d] = (e - s + step - 1) / step;
        m.strides[d] *= step;
        Some(m)
    }
    fn select(&self, d: i64, i: i64) -> Option<M> {
        let d = nd(d, self.sizes.len())?;
        let i = if i < 0 { i + self.sizes[d] } else { i };
        if i < 0 || i >= self.sizes[d] {
            return None;
        }
        let mut m = self.clone();
        m.offset += i * self.strides[d];
        m.sizes.remove(d);
        m.strides.remove(d);
        Some(m)
    }
    fn narrow(&self, d: i64, start: i64, len: i64) -> Option<M> {
        let d = nd(d, self.sizes.len())?;
        let s = if start < 0 {
            start + self.sizes[d]
        } else {
            start
        };
        if s < 0 || s + len > self.sizes[d] || len < 0 {
            return None;
        }
        let mut m = self.clone();
        m.offset += s * self.strides[d];
        m.sizes[d] = len;
        Some(m)
    }
    fn expand(&self, sizes: &[i64]) -> Option<M> {
        let (n, r) = (sizes.len(), self.sizes.len());
        if n < r {
            return None;
        }
        let mut m = M {
            sizes: vec![],
            strides: vec![],
            offset: self.offset,
        };
        for (i, &w) in sizes.iter().enumerate() {
            if i < n - r {
                if w < 0 {
                    return None;
                }
                m.sizes.push(w);
                m.strides.push(0);
                continue;
            }
            let d = i - (n - r);
            if w == -1 || w == self.sizes[d] {
                m.sizes.push(self.sizes[d]);
                m.strides.push(self.strides[d]);
            } else if self.sizes[d] == 1 {
                m.sizes.push(w);
                m.strides.push(0);
            } else {
                return None;
            }
        }
        Some(m)
    }
    fn unsqueeze(&self, d: i64) -> Option<M> {
        let d = nd(d, self.sizes.len() + 1)?;
        let st = if d < self.sizes.len() {
            self.sizes[d] * self.strides[d]
        } else {
            1
        };
        let mut m = self.clone();
        m.sizes.insert(d, 1);
        m.strides.insert(d, st);
        Some(m)
    }
    fn squeeze(&self, d: Option<i64>) -> Option<M> {
        let mut m = self.clone();
        let dims: Vec<usize> = match d {
            Some(d) => vec![nd(d, self.sizes.len().max(1))?],
            None => (0..self.sizes.len()).collect(),
        };
        for d in dims.into_iter().rev() {
            if d < m.sizes.len() && m.sizes[d] == 1 {
                m.sizes.remove(d);
                m.strides.remove(d);
            }
        }
        Some(m)
    }
}

/// Row-major multi-indices of a shape.
fn indices(sizes: &[i64]) -> Vec<Vec<i64>> {
    let mut out = vec![vec![]];
    for &s in sizes {
        let mut next = Vec::new();
        for p in &out {
            for i in 0..s {
                let mut q = p.clone();
                q.push(i);
                next.push(q);
            }
        }
        out = next;
    }
    out
}

enum Sym {
    L(Layout),
    /// A reshape that is not a view: (layout read, new sizes).
    I(layout::IndexedView),
}

#[test]
fn views_match_the_concrete_model() {
    let mut r = Rng(0x1A40_0000_0000_0005);
    let (mut cases, mut ops, mut refused, mut elements, mut indexed) = (0, 0, 0, 0u64, 0);
    for _ in 0..3000 {
        let rank = r.range(0, 4) as usize;
        let dims: Vec<i64> = (0..rank)
            .map(|_| [0, 1, 1, 2, 3, 4][r.below(6) as usize])
            .collect();
        let mut cx = Context::new();
        let names: Vec<String> = (0..rank).map(|i| format!("t{i}")).collect();
        let mut vals: Vec<(&str, Value)> = Vec::new();
        let mut sizes: Vec<Expr> = Vec::new();
        for (i, n) in names.iter().enumerate() {
            cx.set_range_str(n, &dims[i].to_string(), &dims[i].to_string())
                .unwrap();
            sizes.push(cx.parse(n).unwrap());
            vals.push((n.as_str(), Value::Int(dims[i])));
        }
        let mut m = M::contiguous(&dims);
        let mut s = Sym::L(Layout::contiguous(
            &mut cx,
            Device::cpu(),
            DType::Float32,
            &sizes,
        ));
        cases += 1;
        for _ in 0..r.range(1, 4) {
            let Sym::L(l) = &s else { break };
            let rk = m.sizes.len() as i64;
            // Mostly valid dims (unsqueeze also takes rk); sometimes out of range on purpose.
            let d = if r.chance(10) || rk == 0 {
                r.range(-rk - 1, rk)
            } else {
                r.range(-rk, rk - 1)
            };
            ops += 1;
            let (mm, ss): (Option<M>, Result<Sym, layout::LayoutError>) = match r.below(9) {
                0 => {
                    let mut p: Vec<i64> = (0..rk).collect();
                    for i in (1..p.len()).rev() {
                        p.swap(i, r.below(i as u64 + 1) as usize);
                    }
                    let mm = Some(M {
                        sizes: p.iter().map(|&i| m.sizes[i as usize]).collect(),
                        strides: p.iter().map(|&i| m.strides[i as usize]).collect(),
                        offset: m.offset,
                    });
                    (mm, l.permute(&p).map(Sym::L))
                }
                1 => {
                    let (st, en, step) = (
                        if r.chance(70) {
                            Some(r.range(-5, 5))
                        } else {
                            None
                        },
                        if r.chance(70) {
                            Some(r.range(-5, 6))
                        } else {
                            None
                        },
                        r.range(1, 3),
                    );
                    (
                        m.slice(d, st, en, step),
                        l.slice(&mut cx, d, st, en, step).map(Sym::L),
                    )
                }
                2 => {
                    let i = r.range(-4, 4);
                    (m.select(d, i), l.select(&mut cx, d, i).map(Sym::L))
                }
                3 => {
                    let (st, len) = (r.range(-3, 3), r.range(0, 4));
                    (
                        m.narrow(d, st, len),
                        l.narrow(&mut cx, d, st, len).map(Sym::L),
                    )
                }
                4 => {
                    let lead = r.range(0, 1) as usize;
                    let mut want: Vec<i64> = (0..lead).map(|_| r.range(1, 3)).collect();
                    for &sz in &m.sizes {
                        want.push(if sz == 1 {
                            r.range(1, 3)
                        } else if r.chance(30) {
                            -1
                        } else {
                            sz
                        });
                    }
                    let we: Vec<Expr> = want.iter().map(|v| cx.int(*v)).collect();
                    (m.expand(&want), l.expand(&mut cx, &we).map(Sym::L))
                }
                5 => (m.unsqueeze(d), l.unsqueeze(&mut cx, d).map(Sym::L)),
                6 => {
                    let dd = if r.chance(50) { None } else { Some(d) };
                    (m.squeeze(dd), l.squeeze(&mut cx, dd).map(Sym::L))
                }
                7 => {
                    let (a, b) = (
                        r.range(-rk.max(1), rk.max(1) - 1),
                        r.range(-rk.max(1), rk.max(1) - 1),
                    );
                    let mm = nd(a, m.sizes.len())
                        .zip(nd(b, m.sizes.len()))
                        .map(|(a, b)| {
                            let mut x = m.clone();
                            x.sizes.swap(a, b);
                            x.strides.swap(a, b);
                            x
                        });
                    (mm, l.transpose(a, b).map(Sym::L))
                }
                _ => {
                    // Reshape to a random factorization of numel (with -1 sometimes).
                    let n = m.numel();
                    let mut shape = Vec::new();
                    let mut rest = n;
                    for _ in 0..r.range(0, 2) {
                        let f = [1, 2, 3, 4][r.below(4) as usize];
                        if rest % f == 0 && rest > 0 {
                            shape.push(f);
                            rest /= f;
                        }
                    }
                    shape.push(if r.chance(40) { -1 } else { rest });
                    let se: Vec<Expr> = shape.iter().map(|v| cx.int(*v)).collect();
                    let inferred: Vec<i64> = shape
                        .iter()
                        .map(|&v| if v == -1 { rest } else { v })
                        .collect();
                    let mm = (inferred.iter().product::<i64>() == n).then(|| M {
                        sizes: inferred.clone(),
                        strides: vec![],
                        offset: 0,
                    });
                    let ss = l.reshape(&mut cx, &se).map(|x| match x {
                        Reshaped::View(v) => Sym::L(v),
                        Reshaped::Indexed(iv) => Sym::I(iv),
                    });
                    // Addresses of a reshape: element i (row-major) of the new shape is element i of the old.
                    if let (Some(new), Ok(_)) = (&mm, &ss) {
                        let olds = indices(&m.sizes);
                        let news = indices(&new.sizes);
                        assert_eq!(olds.len(), news.len());
                        let sym = ss.as_ref().unwrap();
                        for (o, nidx) in olds.iter().zip(&news) {
                            let want = m.addr(o);
                            let idx: Vec<Expr> = nidx.iter().map(|v| cx.int(*v)).collect();
                            let e = match sym {
                                Sym::L(l) => l.index(&mut cx, &idx).unwrap(),
                                Sym::I(iv) => iv.index(&mut cx, &idx).unwrap(),
                            };
                            assert_eq!(
                                cx.eval(e, &vals),
                                Ok(Value::Int(want)),
                                "reshape {:?} -> {shape:?}",
                                m.sizes
                            );
                            elements += 1;
                        }
                    }
                    if let Ok(Sym::I(_)) = &ss {
                        indexed += 1;
                    }
                    match (mm, ss) {
                        (Some(_), Ok(Sym::L(l2))) => {
                            // Continue from the view with the model re-derived from its strides.
                            let ev = |cx: &Context, e: Expr| match cx.eval(e, &vals) {
                                Ok(Value::Int(v)) => v,
                                other => panic!("{other:?}"),
                            };
                            let mm = M {
                                sizes: l2.sizes.iter().map(|e| ev(&cx, *e)).collect(),
                                strides: l2.strides.iter().map(|e| ev(&cx, *e)).collect(),
                                offset: ev(&cx, l2.offset),
                            };
                            m = mm;
                            s = Sym::L(l2);
                            continue;
                        }
                        (Some(_), Ok(other)) => {
                            s = other;
                            continue;
                        }
                        (None, Err(_)) => {
                            refused += 1;
                            break;
                        }
                        (a, b) => panic!(
                            "reshape validity differs: model {a:?}, symbolic {:?}",
                            b.err()
                        ),
                    }
                }
            };
            match (mm, ss) {
                (Some(mm), Ok(Sym::L(l2))) => {
                    let ev = |cx: &Context, e: Expr| cx.eval(e, &vals).unwrap();
                    let got: Vec<Value> = l2.sizes.iter().map(|e| ev(&cx, *e)).collect();
                    let want: Vec<Value> = mm.sizes.iter().map(|v| Value::Int(*v)).collect();
                    assert_eq!(got, want, "sizes after a view of {:?}", m.sizes);
                    for idx in indices(&mm.sizes) {
                        let ie: Vec<Expr> = idx.iter().map(|v| cx.int(*v)).collect();
                        let e = l2.index(&mut cx, &ie).unwrap();
                        assert_eq!(
                            cx.eval(e, &vals),
                            Ok(Value::Int(mm.addr(&idx))),
                            "address of {idx:?}"
                        );
                        elements += 1;
                    }
                    m = mm;
                    s = Sym::L(l2);
                }
                (None, Err(_)) => {
                    refused += 1;
                    break;
                }
                (a, b) => panic!("validity differs: model {a:?}, symbolic {:?}", b.err()),
            }
        }
    }
    eprintln!(
        "layout model: {cases} shapes, {ops} views, {refused} refused by both, {indexed} non-view reshapes, {elements} element addresses compared"
    );
}

fn exprs(cx: &mut Context, xs: &[&str]) -> Vec<Expr> {
    xs.iter().map(|t| cx.parse(t).unwrap()).collect()
}

#[test]
fn predicates_on_pytorch_examples() {
    let mut cx = Context::new();
    cx.set_range_str("s0", "2", "").unwrap();
    let sz = exprs(&mut cx, &["2", "3", "4", "5"]);
    let c = Layout::contiguous(&mut cx, Device::cpu(), DType::Float32, &sz);
    assert_eq!(c.is_contiguous(&mut cx), Truth::True);
    assert_eq!(c.is_channels_last_contiguous(&mut cx), Truth::False);
    assert_eq!(c.is_non_overlapping_and_dense(&mut cx), Truth::True);
    let cl = Layout::channels_last(&mut cx, Device::cpu(), DType::Float32, &sz).unwrap();
    let st: Vec<String> = cl.strides.iter().map(|e| cx.display(*e)).collect();
    assert_eq!(st, ["60", "1", "15", "3"]);
    assert_eq!(cl.is_contiguous(&mut cx), Truth::False);
    assert_eq!(cl.is_channels_last_contiguous(&mut cx), Truth::True);
    assert_eq!(cl.is_non_overlapping_and_dense(&mut cx), Truth::True);
    // Size-1 dims may have any stride.
    let one = exprs(&mut cx, &["3", "1", "4"]);
    let st = exprs(&mut cx, &["4", "777", "1"]);
    let z = cx.int(0);
    let l = Layout::new(Device::cpu(), DType::Float32, one, st, z).unwrap();
    assert_eq!(l.is_contiguous(&mut cx), Truth::True);
    // Zero-size tensors are contiguous; eager strides use max(size, 1).
    let zs = exprs(&mut cx, &["2", "0", "3"]);
    let zl = Layout::contiguous(&mut cx, Device::cpu(), DType::Float32, &zs);
    let st: Vec<String> = zl.strides.iter().map(|e| cx.display(*e)).collect();
    assert_eq!(st, ["3", "3", "1"]);
    assert_eq!(
        zl.storage_size(&mut cx).map(|e| cx.display(e)),
        Ok("0".to_string())
    );
    // Symbolic: contiguous strides of (s0, 3) and a transposed view.
    let ss = exprs(&mut cx, &["s0", "3"]);
    let sl = Layout::contiguous(&mut cx, Device::cpu(), DType::Float16, &ss);
    assert_eq!(sl.is_contiguous(&mut cx), Truth::True);
    let t = sl.transpose(0, 1).unwrap();
    assert_eq!(t.is_contiguous(&mut cx), Truth::False);
    assert_eq!(t.is_non_overlapping_and_dense(&mut cx), Truth::True);
    assert_eq!(t.is_stride_ordered(&mut cx, &[1, 0]), Truth::False);
    assert_eq!(t.is_stride_ordered(&mut cx, &[0, 1]), Truth::True);
    assert_eq!(
        sl.storage_size(&mut cx).map(|e| cx.display(e)),
        Ok("3*s0".to_string())
    );
    // Expanded (stride 0) tensors overlap.
    let e = exprs(&mut cx, &["4", "3"]);
    let ex = sl.expand(&mut cx, &e);
    assert!(ex.is_err(), "s0 >= 2 cannot be proven equal to 4");
    let u = sl.unsqueeze(&mut cx, 0).unwrap();
    let e3 = exprs(&mut cx, &["5", "s0", "3"]);
    let ex = u.expand(&mut cx, &e3).unwrap();
    assert_eq!(ex.is_non_overlapping_and_dense(&mut cx), Truth::False);
    // Alignment.
    let n = cx.parse("s0").unwrap();
    let a = layout::align(&mut cx, n).unwrap();
    assert_eq!(cx.display(a), "64*FloorDiv(s0 + 63, 64)");
    assert_eq!(sl.is_offset_aligned(&mut cx, 16), Truth::True);
}

#[test]
fn dtype_and_device_tables() {
    assert_eq!(DType::parse("float16").unwrap().scalar_type_code(), 5);
    assert_eq!(DType::parse("torch.float32").unwrap().scalar_type_code(), 6);
    assert_eq!(DType::Float16.aten(), "at::kHalf");
    assert_eq!(DType::Float16.aoti_accessor(), "aoti_torch_dtype_float16");
    assert_eq!(DType::BFloat16.dlpack(), (4, 16, 1));
    assert_eq!(DType::Complex128.itemsize(), 16);
    assert!(
        DType::parse("float7")
            .unwrap_err()
            .to_string()
            .contains("unknown dtype 'float7'")
    );
    for d in DType::ALL {
        assert_eq!(DType::parse(d.name()).unwrap(), *d);
    }
    assert_eq!(Device::parse("cuda:1").unwrap().type_code(), 1);
    assert_eq!(Device::parse("cpu").unwrap().type_code(), 0);
    assert!(Device::parse("gpu").is_err());
}

#[test]
fn reshape_of_contiguous_back_to_original_is_identity() {
    let mut cx = Context::new();
    cx.set_range_str("s0", "1", "").unwrap();
    cx.set_range_str("s1", "1", "").unwrap();
    let sz = exprs(&mut cx, &["s0", "s1", "4"]);
    let l = Layout::contiguous(&mut cx, Device::cpu(), DType::Float32, &sz);
    // Transposed (not contiguous) then reshaped: an index mapping that simplify reduces.
    let t = l.transpose(0, 1).unwrap();
    let flat = exprs(&mut cx, &["-1"]);
    let Reshaped::Indexed(iv) = t.reshape(&mut cx, &flat).unwrap() else {
        panic!("a transposed tensor does not flatten as a view")
    };
    cx.set_range_str("i", "0", "4*s0*s1 - 1").unwrap();
    let i = cx.parse("i").unwrap();
    let e = iv.index(&mut cx, &[i]).unwrap();
    let text = cx.display(e);
    assert!(
        text.contains("ModularIndexing") || text.contains("Mod"),
        "{text}"
    );
    // Contiguous: reshape to the same shape is a view with the same strides.
    let Reshaped::View(v) = l.reshape(&mut cx, &sz).unwrap() else {
        panic!()
    };
    assert_eq!(v.strides, l.strides);
    let idx = exprs(&mut cx, &["a", "b", "c"]);
    let e = v.index(&mut cx, &idx).unwrap();
    assert_eq!(cx.display(e), "4*b + c + 4*a*s1");
}
