#!/usr/bin/env python3
"""The bound operation beside the peers, from a run of the side-by-side harness.

`../shared/peers/bench_peers.py` times every peer's bound (symshape's `t_op_ns` of a `bound`
request, TVM's `Analyzer.const_int_bound` through its Python binding, Halide's bounds in its
native driver) but prints only simplify times. Run it with `--json FILE`, then:

    python3 scripts/peer_bound.py FILE

prints, per peer, the median and p90 over the expressions of the per-expression median bound
time, and for TVM also the same minus its measured FFI floor (a trivial `const_int_bound` call
from Python, timed by the harness in the same run), since TVM's C++ work is the time above it.
"""
import json
import statistics
import sys


def main():
    data = json.load(open(sys.argv[1]))
    res = data["results"]
    ours = [r.get("t_bound_us", -1) if r else -1 for r in res.get("symshape", [])]
    for peer, rows in res.items():
        ts = [r["t_bound_us"] for r in rows if r and r.get("t_bound_us", -1) >= 0]
        if not ts:
            continue
        ts_sorted = sorted(ts)
        line = (f"{peer:<10} {len(ts):>3} expressions  bound median {statistics.median(ts):6.2f} us"
                f"  p90 {ts_sorted[int(len(ts) * 0.9)]:6.2f} us")
        floors = [r.get("t_ffi_floor_us") for r in rows if r and r.get("t_ffi_floor_us") is not None]
        if floors:
            net = [max(r["t_bound_us"] - r["t_ffi_floor_us"], 0.0) for r in rows
                   if r and r.get("t_bound_us", -1) >= 0 and r.get("t_ffi_floor_us") is not None]
            line += (f"  (FFI floor median {statistics.median(floors):.2f} us;"
                     f" minus the floor: median {statistics.median(net):.2f} us)")
        if peer != "symshape" and len(ours) == len(rows):
            pairs = [(o, r["t_bound_us"]) for o, r in zip(ours, rows)
                     if o >= 0 and r and r.get("t_bound_us", -1) >= 0]
            at_or_below = sum(1 for o, t in pairs if o <= t)
            line += f"  symshape at or below it on {at_or_below}/{len(pairs)}"
        print(line)


if __name__ == "__main__":
    main()
