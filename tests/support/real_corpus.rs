//! The real AOTInductor graphs of `../shared/corpus/real/wrappers` as signatures: each graph's
//! meta (sizes, strides, ranges, `shape_env.guards`, `var_to_val`) turned into the signature JSON
//! of docs/signature.md, and concrete tensors at given symbol values. Shared by
//! `tests/codegen_real.rs` and the runtime benchmark (`tests/support/bench_checks.rs`,
//! `examples/bench_checks.rs`).
#![allow(dead_code)]

use serde_json::{Value as J, json};
use std::path::{Path, PathBuf};
use sym::{Context, Value};

pub const CORPUS: &str = "../shared/corpus/real/wrappers";

pub struct Real {
    pub name: String,
    /// (symbol, lo, hi)
    pub syms: Vec<(String, i64, Option<i64>)>,
    /// var_to_val, in `syms` order.
    pub vals: Vec<i64>,
    /// (c10 dtype code, sizes, strides) as expression texts.
    pub inputs: Vec<(i32, Vec<String>, Vec<String>)>,
    /// Guards kept (over bound symbols, checkable).
    pub guards: Vec<String>,
    /// Guards the generated code checks (the others are implied by the ranges).
    pub checked: Vec<String>,
    /// Guards refused by the generator, with its message.
    pub refused: Vec<(String, String)>,
    pub json: String,
    /// The graph's directory (meta and PyTorch's wrapper).
    pub dir: PathBuf,
}

pub fn corpus_dir() -> Option<PathBuf> {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join(CORPUS);
    if d.is_dir() {
        Some(d)
    } else {
        eprintln!("skipped: {} is absent", d.display());
        None
    }
}

pub fn texts(v: &J) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| p[0].as_str().unwrap().to_string())
        .collect()
}

pub fn generate(json: &str, prefix: &str) -> Result<String, codegen_cpp::CodegenError> {
    let sig = codegen_cpp::Signature::from_json(json)?;
    codegen_cpp::generate_prefixed(
        sig,
        &codegen_cpp::Options {
            flavor: codegen_cpp::Flavor::Aoti,
            emit: codegen_cpp::Emit::Checks,
            always_check: true,
        },
        prefix,
    )
}

pub fn load(dir: &Path) -> Real {
    let meta_path = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with("_meta.json"))
        .unwrap();
    let m: J = serde_json::from_str(&std::fs::read_to_string(&meta_path).unwrap()).unwrap();
    let mut cx = Context::new();
    let mut inputs = Vec::new();
    let mut ins_json = Vec::new();
    let mut used: Vec<String> = Vec::new();
    for (name, t) in m["graph_inputs"].as_object().unwrap() {
        assert_eq!(t["kind"], "TensorBox", "{name}");
        let sizes = texts(&t["size"]);
        let strides = texts(&t["stride"]);
        for e in sizes.iter().chain(&strides) {
            let x = cx.parse(e).unwrap();
            for s in cx.free_symbols(x) {
                let n = cx.sym_name(s).to_string();
                if !used.contains(&n) {
                    used.push(n);
                }
            }
        }
        let dtype = t["dtype"].as_str().unwrap().trim_start_matches("torch.");
        let code = layout::DType::parse(dtype).unwrap().scalar_type_code();
        ins_json.push(json!({"name": name, "kind": "tensor", "dtype": dtype,
            "device": t["device"], "sizes": sizes, "strides": strides}));
        inputs.push((code, sizes, strides));
    }
    let se = &m["shape_env"];
    let mut syms = Vec::new();
    let mut vals = Vec::new();
    let mut sj = serde_json::Map::new();
    for n in &used {
        let r = &se["var_to_range"][n];
        let lo: i64 = r["lower"].as_str().unwrap().parse().unwrap();
        let hi: Option<i64> = r["upper"].as_str().unwrap().parse().ok();
        sj.insert(n.clone(), json!({"range": [lo, hi]}));
        syms.push((n.clone(), lo, hi));
        vals.push(se["var_to_val"][n].as_str().unwrap().parse().unwrap());
    }
    let base = json!({"mode": "aot", "symbols": sj, "inputs": ins_json});
    let mut guards = Vec::new();
    let mut refused = Vec::new();
    let mut checked = Vec::new();
    for g in se["guards"].as_array().unwrap() {
        let text = g[0].as_str().unwrap().to_string();
        let mut one = base.clone();
        one["guards"] = json!([text]);
        match generate(&one.to_string(), "symshape") {
            Ok(cpp) => {
                if !cpp.contains("is implied by the declared ranges (proved)") {
                    checked.push(text.clone());
                }
                guards.push(text)
            }
            Err(e) => refused.push((text, e.to_string())),
        }
    }
    let mut full = base.clone();
    full["guards"] = json!(guards);
    Real {
        name: dir.file_name().unwrap().to_string_lossy().into(),
        syms,
        vals,
        inputs,
        guards,
        checked,
        refused,
        json: full.to_string(),
        dir: dir.to_path_buf(),
    }
}

pub fn eval(cx: &mut Context, env: &[(&str, Value)], t: &str) -> Option<Value> {
    let e = cx.parse(t).ok()?;
    cx.eval(e, env).ok()
}

/// One tensor: c10 dtype code, sizes, strides.
pub type Tensor = (i32, Vec<i64>, Vec<i64>);

/// The values `vals` of the graph's symbols, for `eval`.
pub fn env<'r>(r: &'r Real, vals: &[i64]) -> Vec<(&'r str, Value)> {
    r.syms
        .iter()
        .zip(vals)
        .map(|((n, _, _), v)| (n.as_str(), Value::Int(*v)))
        .collect()
}

pub fn concrete(r: &Real, vals: &[i64]) -> Option<Vec<Tensor>> {
    let mut cx = Context::new();
    let env = env(r, vals);
    let mut out = Vec::new();
    for (code, sizes, strides) in &r.inputs {
        let mut ev = |t: &String| match eval(&mut cx, &env, t) {
            Some(Value::Int(v)) => Some(v),
            _ => None,
        };
        let s: Vec<i64> = sizes.iter().map(&mut ev).collect::<Option<_>>()?;
        let st: Vec<i64> = strides.iter().map(&mut ev).collect::<Option<_>>()?;
        out.push((*code, s, st));
    }
    Some(out)
}
