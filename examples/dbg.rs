fn main() {
    let mut cx = sym::Context::new();
    cx.set_range_str("s0", "1", "").unwrap();
    cx.set_range_str("x0", "0", "s0 - 1").unwrap();
    let p = cx.parse("Eq(FloorDiv(x0, s0), 0)").unwrap();
    println!("{}", cx.display(p));
    println!("{:?}", cx.prove(p));
    let q = cx.simplify(p);
    println!("{}", cx.display(q));
}
