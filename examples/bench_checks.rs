//! Runtime benchmark of the generated checks against PyTorch's own, on real libtorch
//! (tests/support/bench_checks.rs says what it measures). Run by `scripts/bench_checks.sh`:
//!
//! ```sh
//! SYMSHAPE_TORCH_DIR=... cargo run --example bench_checks -- [--graphs a,b] [--iters N] [--runs N] [--procs N] [--opt -O2] [--work DIR]
//! ```
#[path = "../tests/support/bench_checks.rs"]
mod bench_checks;
#[path = "../tests/support/real_corpus.rs"]
mod real_corpus;

use std::path::PathBuf;

fn main() {
    let Ok(torch) = std::env::var("SYMSHAPE_TORCH_DIR") else {
        eprintln!(
            "SYMSHAPE_TORCH_DIR must name the torch package directory (scripts/setup-torch.sh prints it)"
        );
        std::process::exit(2);
    };
    let mut o = bench_checks::Opts {
        torch: PathBuf::from(torch),
        graphs: Vec::new(),
        iters: 100_000,
        runs: 7,
        procs: 5,
        opt: "-O2".into(),
        work: bench_checks::default_work(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || {
            args.next().unwrap_or_else(|| {
                eprintln!("{a} needs a value");
                std::process::exit(2)
            })
        };
        let num = |v: String| -> u64 {
            v.parse().unwrap_or_else(|_| {
                eprintln!("expected a number, got '{v}'");
                std::process::exit(2)
            })
        };
        match a.as_str() {
            "--graphs" => o.graphs = val().split(',').map(str::to_string).collect(),
            "--iters" => o.iters = num(val()),
            "--runs" => o.runs = num(val()) as u32,
            "--procs" => o.procs = num(val()) as u32,
            "--opt" => o.opt = val(),
            "--work" => o.work = PathBuf::from(val()),
            _ => {
                eprintln!(
                    "usage: bench_checks [--graphs a,b] [--iters N] [--runs N] [--procs N] [--opt -O2] [--work DIR]"
                );
                std::process::exit(2);
            }
        }
    }
    match bench_checks::run(&o) {
        Ok(r) => print!("{}", r.table),
        Err(e) => {
            eprintln!("bench_checks: {e}");
            std::process::exit(1);
        }
    }
}
