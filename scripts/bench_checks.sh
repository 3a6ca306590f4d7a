#!/usr/bin/env bash
# Runtime benchmark of the generated checks against PyTorch's own generated checks, on the real
# torch wheel's headers and libtorch (docs/signature.md, "Cost at run time"): for every AOTI graph
# of ../shared/corpus/real/wrappers, one binary with both `__check_inputs_outputs` (PyTorch's cut
# out of the graph's wrapper, symshape's generated from its meta), g++ -O2, run on the same real
# tensors with AOTI_RUNTIME_CHECK_INPUTS=1. Prints the table (ns per call, medians).
#   scripts/bench_checks.sh [--graphs a,b] [--iters N] [--runs N] [--procs N] [--opt -O2] [--work DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${SYMSHAPE_TORCH_DIR:-}" ]; then
  SYMSHAPE_TORCH_DIR="$(scripts/setup-torch.sh | tail -n 1)"
  export SYMSHAPE_TORCH_DIR
fi
export AOTI_RUNTIME_CHECK_INPUTS=1
cargo run -q --locked --example bench_checks -- "$@"
