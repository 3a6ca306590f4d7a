fn main() {
    let mut cx = sym::Context::new();
    cx.set_range_str("e0", "1", "").unwrap();
    let e = cx.parse("0 < (((e0 + 1)//4))").unwrap();
    println!("{}", cx.display(e));
    for v in [1i64, 2, 1025, 3] {
        println!("{v} {:?}", cx.eval(e, &[("e0", sym::Value::Int(v))]));
    }
    println!("{:?}", cx.bound(e));
}
