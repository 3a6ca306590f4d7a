#!/usr/bin/env bash
# The codegen target's slower oracle: every signature in fuzz/corpus/codegen that symshape
# accepts generates C++ that compiles (g++ -fsyntax-only, C++17, -Wall -Wextra -Werror), in the
# dlpack flavor (DLPack's header) and the aoti flavor's checks (tests/support/aoti_shim).
# Prints how many signatures were accepted and compiled; exit 1 on the first that does not
# (with KEEP_GOING=1: on each failure its name and first error, then exit 1 at the end).
#   fuzz/compile-corpus.sh [MAX_FILES]
set -euo pipefail
cd "$(dirname "$0")/.."
max="${1:-200}"
cargo build -q --release -p symshape
bin=target/release/symshape
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
accepted=0
compiled=0
failed=0
for f in $(ls fuzz/corpus/codegen | head -n "$max"); do
  sig="fuzz/corpus/codegen/$f"
  for flavor in dlpack aoti; do
    if "$bin" codegen "$sig" --flavor "$flavor" --emit checks -o "$tmp/g.cpp" 2>/dev/null; then
      accepted=$((accepted + 1))
      if ! g++ -std=c++17 -fsyntax-only -Wall -Wextra -Werror -Itests/support/aoti_shim \
        "$tmp/g.cpp" 2>"$tmp/err"; then
        echo "does not compile ($flavor): $sig" >&2
        head -20 "$tmp/err" >&2
        if [ "${KEEP_GOING:-0}" != 1 ]; then
          exit 1
        fi
        failed=$((failed + 1))
        continue
      fi
      compiled=$((compiled + 1))
    fi
  done
done
echo "codegen corpus: $accepted generated, $compiled compiled, $failed failed"
[ "$failed" = 0 ]
