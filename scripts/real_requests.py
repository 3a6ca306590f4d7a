#!/usr/bin/env python3
"""Writes the real records' requests as ../shared/tools/realcheck.py builds them, one JSON
Lines file per kind (core, ranges, bound, solve), into OUT_DIR.

Usage: scripts/real_requests.py TOOLS_DIR OUT_DIR [--repeat N] [--compact]
  TOOLS_DIR  ../shared/tools (its symcheck.py builds the requests from ../shared/corpus/real)
  --repeat N the requests' `repeat` (0: none, the default; no times in the answers)
  --compact  the compact form beside each ranges request, as realcheck.py sends it
Used by scripts/pgo-train (training) and scripts/check-release-answers."""
import argparse
import json
import os
import sys


def main():
    ap = argparse.ArgumentParser(description="the real records' requests, one file per kind")
    ap.add_argument("tools", help="../shared/tools")
    ap.add_argument("out", help="the directory to write core.jsonl, ranges.jsonl, ... into")
    ap.add_argument("--repeat", type=int, default=0, help="the requests' repeat (0: none)")
    ap.add_argument("--compact", action="store_true", help="compact requests beside ranges ones")
    a = ap.parse_args()
    tools, out, repeat, compact = a.tools, a.out, a.repeat, a.compact
    sys.path.insert(0, tools)
    import symcheck as S

    for kind, build in [("core", S.core_requests), ("ranges", S.ranges_requests),
                        ("bound", S.bound_requests), ("solve", S.solve_requests)]:
        with open(os.path.join(out, kind + ".jsonl"), "w") as f:
            for q, _ in build(repeat=max(repeat, 1)):
                if repeat == 0:
                    q.pop("repeat", None)
                f.write(json.dumps(q) + "\n")
                if compact and kind == "ranges":
                    c = {k: v for k, v in q.items() if k != "repeat"}
                    c.update(id="compact:" + q["id"], form="compact")
                    f.write(json.dumps(c) + "\n")


if __name__ == "__main__":
    main()
