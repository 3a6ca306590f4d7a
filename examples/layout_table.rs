//! Prints the table of view chains and their simplified index expressions in docs/layout.md.
use layout::{DType, Device, Layout, Reshaped};
use sym::{Context, Expr};

fn e(cx: &mut Context, xs: &[&str]) -> Vec<Expr> {
    xs.iter().map(|t| cx.parse(t).unwrap()).collect()
}

fn main() {
    let mut cx = Context::new();
    for (n, lo, hi) in [
        ("s0", "1", ""),
        ("s1", "1", ""),
        ("x", "0", "64*s0 - 1"),
        ("i", "0", "s0 - 1"),
        ("j", "0", "63"),
        ("k", "0", "s1 - 1"),
    ] {
        cx.set_range_str(n, lo, hi).unwrap();
    }
    let cpu = Device::cpu;
    let base = e(&mut cx, &["s0", "64"]);
    let l = Layout::contiguous(&mut cx, cpu(), DType::Float32, &base);
    let ij = e(&mut cx, &["i", "j"]);
    let mut rows: Vec<(String, String)> = Vec::new();
    let idx = l.index(&mut cx, &ij).unwrap();
    rows.push(("contiguous (s0, 64) at (i, j)".into(), cx.display(idx)));
    // Flatten then unflatten a contiguous layout: the identity.
    let flat = e(&mut cx, &["-1"]);
    let Reshaped::View(f) = l.reshape(&mut cx, &flat).unwrap() else {
        panic!()
    };
    let Reshaped::View(back) = f.reshape(&mut cx, &base).unwrap() else {
        panic!()
    };
    let idx = back.index(&mut cx, &ij).unwrap();
    rows.push((
        "reshape (s0, 64) -> (-1) -> (s0, 64) at (i, j)".into(),
        cx.display(idx),
    ));
    // Transposed then flattened: an index mapping.
    let t = l.transpose(0, 1).unwrap();
    let Reshaped::Indexed(iv) = t.reshape(&mut cx, &flat).unwrap() else {
        panic!()
    };
    let x = e(&mut cx, &["x"]);
    let idx = iv.index(&mut cx, &x).unwrap();
    rows.push((
        "transpose(0, 1) then reshape(-1) at x".into(),
        cx.display(idx),
    ));
    // Flatten of the contiguous layout read back through an index mapping by hand.
    let iv2 = layout::IndexedView {
        base: l.clone(),
        sizes: e(&mut cx, &["64*s0"]),
    };
    let idx = iv2.index(&mut cx, &x).unwrap();
    rows.push((
        "index mapping (s0, 64) -> (64*s0) at x".into(),
        cx.display(idx),
    ));
    let s = l.slice(&mut cx, 1, Some(1), None, 2).unwrap();
    let ij2 = e(&mut cx, &["i", "k"]);
    let idx = s.index(&mut cx, &ij2).unwrap();
    rows.push((
        "slice(1, 1::2) at (i, k)".into(),
        format!(
            "{}   (sizes [{}])",
            cx.display(idx),
            s.sizes
                .iter()
                .map(|z| cx.display(*z))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    ));
    let sel = l.select(&mut cx, 1, -1).unwrap();
    let i1 = e(&mut cx, &["i"]);
    let idx = sel.index(&mut cx, &i1).unwrap();
    rows.push(("select(1, -1) at (i)".into(), cx.display(idx)));
    let u = l.unsqueeze(&mut cx, 1).unwrap();
    let want = e(&mut cx, &["-1", "s1", "-1"]);
    let ex = u.expand(&mut cx, &want).unwrap();
    let ikj = e(&mut cx, &["i", "k", "j"]);
    let idx = ex.index(&mut cx, &ikj).unwrap();
    rows.push((
        "unsqueeze(1).expand(-1, s1, -1) at (i, k, j)".into(),
        cx.display(idx),
    ));
    let nchw = e(&mut cx, &["s0", "3", "s1", "5"]);
    let cl = Layout::channels_last(&mut cx, cpu(), DType::Float16, &nchw).unwrap();
    let n = e(&mut cx, &["i", "c", "k", "w"]);
    let idx = cl.index(&mut cx, &n).unwrap();
    rows.push((
        "channels_last (s0, 3, s1, 5) at (i, c, k, w)".into(),
        cx.display(idx),
    ));
    let v = l.view_dtype(&mut cx, DType::Float16).unwrap();
    let idx = v.index(&mut cx, &ij).unwrap();
    rows.push((
        "view(float16) of float32 (s0, 64) at (i, j)".into(),
        format!(
            "{}   (sizes [{}])",
            cx.display(idx),
            v.sizes
                .iter()
                .map(|z| cx.display(*z))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    ));
    println!("| chain | simplified index |\n|---|---|");
    for (a, b) in rows {
        println!("| `{a}` | `{b}` |");
    }
}
