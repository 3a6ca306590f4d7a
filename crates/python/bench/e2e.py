#!/usr/bin/env python3
"""End to end: models compiled by Inductor with ``symshape.torch.install()`` active.

Each model is compiled with ``torch.compile(dynamic=True)`` (plain and with ``cpp_wrapper``) and
through AOTInductor (``torch.export`` with dynamic dims, ``aoti_compile_and_package``, loaded
and run); its outputs on two shapes are compared with eager. The whole run is done twice, in
fresh processes with fresh Inductor caches: with ``install()`` and without, to compare compile
times. Prints one line per model and mode, then the totals (calls routed, fallbacks).

Usage: python crates/python/bench/e2e.py [--modes compile,cpp_wrapper,aoti] [--only NAME,...]
       [--order off,on|on,off] [--reps N] [--profile PREFIX]
(``--reps`` alternates the order from one repetition to the next; ``--profile`` writes each
worker's cProfile stats to PREFIX.on / PREFIX.off.)
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time


def models():
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = nn.Linear(16, 32), nn.Linear(32, 8)

        def forward(self, x):
            return self.b(F.relu(self.a(x)))

    class ConvPool(nn.Module):
        def __init__(self):
            super().__init__()
            self.c = nn.Conv2d(3, 8, 3, stride=2, padding=1)

        def forward(self, x):
            y = F.max_pool2d(F.relu(self.c(x)), 2)
            return F.adaptive_avg_pool2d(y, 1).flatten(1).sum(1) + y.mean((1, 2, 3))

    class Attention(nn.Module):
        def __init__(self):
            super().__init__()
            self.qkv = nn.Linear(32, 96)

        def forward(self, x):
            b, t, _ = x.shape
            q, k, v = self.qkv(x).view(b, t, 3, 4, 8).permute(2, 0, 3, 1, 4)
            return F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).reshape(b, t, 32)

    class Norm(nn.Module):
        def __init__(self):
            super().__init__()
            self.n = nn.LayerNorm(24)

        def forward(self, x):
            return F.gelu(self.n(x)) * 2

    class Strided(nn.Module):
        def forward(self, x):
            return x[:, ::2] * 2 + x[:, 1::2].sum(1, keepdim=True) + x[:, 1:-1:3].mean()

    class CatSplit(nn.Module):
        def forward(self, x, y):
            z = torch.cat([x, y, x], dim=1)
            a, b = torch.split(z, [x.shape[1], z.shape[1] - x.shape[1]], dim=1)
            return a.sum(1) - b.sum(1)

    class Interp(nn.Module):
        def forward(self, x):
            return F.interpolate(x, scale_factor=2, mode="nearest") + F.interpolate(
                x, scale_factor=2, mode="bilinear", align_corners=False)

    class Shuffle(nn.Module):
        def forward(self, x):
            return F.pixel_shuffle(F.pixel_unshuffle(x, 2) * 3, 2) - x

    class Pad(nn.Module):
        def forward(self, x):
            return F.pad(x, (1, 2), mode="reflect") [..., ::2] + 1

    class Gather(nn.Module):
        def forward(self, x):
            n = x.shape[1]
            idx = (torch.arange(n, device=x.device) * 3 + 1) % n
            return x[:, idx] + torch.flip(x, [1])

    class Derived(nn.Module):
        def forward(self, x, y):  # y has twice x's length (a derived dim)
            return y[:, ::2] + x, y.view(y.shape[0], -1, 2).sum(-1) * x

    def r(*s):
        return torch.randn(*s)

    # name: (module, inputs for shape A, inputs for shape B, dynamic dims for export)
    from torch.export import Dim
    b, t, h = Dim("b", min=2, max=64), Dim("t", min=3, max=128), Dim("h", min=4, max=64)
    return {
        "mlp": (MLP(), (r(3, 16),), (r(9, 16),), ({0: b},)),
        "conv_pool": (ConvPool(), (r(2, 3, 17, 20),), (r(3, 3, 33, 24),), ({0: b, 2: Dim("H", min=8, max=128), 3: Dim("W", min=8, max=128)},)),
        "attention": (Attention(), (r(2, 5, 32),), (r(3, 11, 32),), ({0: b, 1: t},)),
        "layer_norm": (Norm(), (r(4, 7, 24),), (r(5, 13, 24),), ({0: b, 1: t},)),
        "strided_slicing": (Strided(), (r(3, 10),), (r(5, 17),), ({0: b, 1: Dim("t6", min=6, max=128)},)),
        "cat_split": (CatSplit(), (r(2, 5), r(2, 3)), (r(4, 9), r(4, 6)), ({0: b, 1: t}, {0: b, 1: Dim("u", min=2, max=64)})),
        "interpolate": (Interp(), (r(2, 2, 5, 6),), (r(2, 2, 9, 7),), ({0: b, 2: h, 3: Dim("w", min=4, max=64)},)),
        "pixel_shuffle": (Shuffle(), (r(2, 3, 8, 12),), (r(3, 3, 16, 10),), ({0: b, 2: 2 * Dim("hh", min=2, max=32), 3: 2 * Dim("ww", min=2, max=32)},)),
        "reflect_pad": (Pad(), (r(2, 3, 9),), (r(3, 3, 14),), ({0: b, 2: Dim("l", min=4, max=128)},)),
        "gather_index": (Gather(), (r(2, 7),), (r(3, 12),), ({0: b, 1: t},)),
        "export_derived": (Derived(), (r(2, 6), r(2, 12)), (r(3, 9), r(3, 18)), ({0: b, 1: h}, {0: b, 1: 2 * h})),
    }


def time_pytorch_functions():
    """Without install(): wraps PyTorch's own functions (the ones install() routes) with
    timers, so that their time can be compared with symshape's."""
    import functools

    import torch._inductor.sizevars as SV
    from torch.utils._sympy import solve as S
    from torch.utils._sympy import value_ranges as VR

    stats = {}

    def timed(name, f):
        @functools.wraps(f)
        def w(*a, **k):
            t0 = time.perf_counter()
            try:
                return f(*a, **k)
            finally:
                s = stats.setdefault(name, {"calls": 0, "fallbacks": 0, "time_s": 0.0})
                s["calls"] += 1
                s["time_s"] += time.perf_counter() - t0
        return w

    for mod in list(sys.modules.values()):
        d = getattr(mod, "__dict__", None)
        if not d or not getattr(mod, "__name__", "").startswith("torch"):
            continue
        if d.get("bound_sympy") is VR.bound_sympy and mod is not VR:
            setattr(mod, "bound_sympy", None)  # placeholder, set below
        if d.get("try_solve") is S.try_solve and mod is not S:
            setattr(mod, "try_solve", None)
    tb, tt = timed("bound_sympy", VR.bound_sympy), timed("try_solve", S.try_solve)
    for mod in list(sys.modules.values()):
        d = getattr(mod, "__dict__", None)
        if not d or not getattr(mod, "__name__", "").startswith("torch"):
            continue
        if "bound_sympy" in d and d["bound_sympy"] is None:
            mod.bound_sympy = tb
        if "try_solve" in d and d["try_solve"] is None:
            mod.try_solve = tt
    VR.bound_sympy, S.try_solve = tb, tt
    SV.SizeVarAllocator.simplify = timed("SizeVarAllocator.simplify", SV.SizeVarAllocator.simplify)
    SV.SizeVarAllocator._simplify_with_ranges = timed(
        "SizeVarAllocator._simplify_with_ranges", SV.SizeVarAllocator._simplify_with_ranges)
    return stats


def worker(install, modes, only, profile=None):
    if profile:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
        try:
            _worker(install, modes, only)
        finally:
            prof.disable()
            prof.dump_stats(profile)
        return
    _worker(install, modes, only)


def _worker(install, modes, only):
    import torch

    torch._inductor.config.fx_graph_cache = False
    import symshape.torch as st

    if install:
        st.install()
    else:
        import torch._inductor.sizevars  # noqa: F401
        import torch.utils._sympy.solve  # noqa: F401

        pt_stats = time_pytorch_functions()
    out = []
    for name, (m, xa, xb, dyn) in models().items():
        if only and name not in only:
            continue
        m.eval()
        for mode in modes:
            torch._dynamo.reset()
            rec = {"model": name, "mode": mode, "install": install}
            try:
                t0 = time.perf_counter()
                if mode == "aoti":
                    ep = torch.export.export(m, xa, dynamic_shapes=dyn)
                    d = tempfile.mkdtemp()
                    pkg = torch._inductor.aoti_compile_and_package(ep, package_path=os.path.join(d, "m.pt2"))
                    f = torch._inductor.aoti_load_package(pkg)
                else:
                    torch._inductor.config.cpp_wrapper = mode == "cpp_wrapper"
                    f = torch.compile(m, dynamic=True)
                ok = True
                with torch.no_grad():
                    for xs in (xa, xb):
                        got, want = f(*xs), m(*xs)
                        torch.testing.assert_close(got, want, rtol=1e-4, atol=1e-4)
                rec["seconds"] = time.perf_counter() - t0
            except Exception as e:  # noqa: BLE001
                ok = False
                rec["error"] = f"{type(e).__name__}: {str(e)[:300]}"
            rec["ok"] = ok
            out.append(rec)
            print(json.dumps(rec), flush=True)
    torch._inductor.config.cpp_wrapper = False
    print(json.dumps({"stats": st.stats() if install else pt_stats}), flush=True)


def run_worker(install, a):
    """One worker process with a fresh Inductor cache: its JSON records and the CPU seconds
    (user + system) of the worker and the children it waited for (the C++ compiler): less
    sensitive to the load of a shared machine than the wall-clock seconds of the records."""
    env = dict(os.environ, TORCHINDUCTOR_CACHE_DIR=tempfile.mkdtemp(prefix="e2e-inductor-"))
    cmd = [sys.executable, "-W", "ignore", __file__, "--worker", str(install), "--modes", a.modes,
           "--only", a.only]
    if a.profile:
        cmd += ["--profile", f"{a.profile}.{'on' if install else 'off'}"]
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    out = []
    for line in p.stdout.splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    if p.returncode != 0:
        print(p.stderr[-2000:])
    return out, cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--modes", default="compile,cpp_wrapper,aoti")
    ap.add_argument("--only", default="")
    ap.add_argument("--order", default="off,on",
                    help="the order of the two configurations in each repetition: off,on or on,off")
    ap.add_argument("--reps", type=int, default=1,
                    help="repetitions of the pair; the order alternates from one to the next")
    ap.add_argument("--profile", default="",
                    help="cProfile each worker into PREFIX.on / PREFIX.off (pstats files)")
    ap.add_argument("--worker", type=int)
    a = ap.parse_args()
    modes = a.modes.split(",")
    only = set(filter(None, a.only.split(",")))
    if a.worker is not None:
        worker(bool(a.worker), modes, only, a.profile or None)
        return
    order = [{"off": 0, "on": 1}[o] for o in a.order.split(",")]
    tsum = lambda rs: sum(o.get("seconds", 0) for o in rs if "model" in o)  # noqa: E731
    results = {0: [], 1: []}
    pairs = []
    for rep in range(a.reps):
        seq = order if rep % 2 == 0 else order[::-1]
        totals, cpus = {}, {}
        for install in seq:
            rs, cpus[install] = run_worker(install, a)
            results[install] = rs  # the last run of each configuration is reported in detail
            totals[install] = tsum(rs)
        pairs.append((seq, totals, cpus))
        print(f"rep {rep + 1} ({','.join('on' if i else 'off' for i in seq)}): with install() "
              f"{totals[1]:.1f} s, without {totals[0]:.1f} s; CPU time of the whole worker: with "
              f"{cpus[1]:.1f} s, without {cpus[0]:.1f} s", flush=True)
    on = {(o["model"], o["mode"]): o for o in results.get(1, []) if "model" in o}
    off = {(o["model"], o["mode"]): o for o in results.get(0, []) if "model" in o}
    for k, o in on.items():
        t_off = off.get(k, {}).get("seconds")
        print(f"{k[0]:16s} {k[1]:12s} install: {'same as eager' if o['ok'] else 'FAILED ' + o.get('error', '')}"
              f" {o.get('seconds', float('nan')):6.1f} s; without: {'ok' if off.get(k, {}).get('ok') else 'FAILED'}"
              f" {t_off if t_off is not None else float('nan'):6.1f} s")
    stats = next((o["stats"] for o in results.get(1, []) if "stats" in o), {})
    pt = next((o["stats"] for o in results.get(0, []) if "stats" in o), {})
    calls = sum(v["calls"] for v in stats.values())
    fbs = sum(v["fallbacks"] for v in stats.values())
    for k, v in sorted(stats.items()):
        p = pt.get(k, {"calls": 0, "time_s": 0.0})
        print(f"  {k:40s} symshape {v['calls']:6d} calls ({v['fallbacks']} fallbacks) {v['time_s']:7.3f} s;"
              f" PyTorch's own, without install(): {p['calls']:6d} calls {p['time_s']:7.3f} s")
    print(f"passed with install(): {sum(o['ok'] for o in on.values())}/{len(on)}; "
          f"without: {sum(o['ok'] for o in off.values())}/{len(off)}")
    print(f"routed calls {calls}, fallbacks {fbs}; per function: {json.dumps(stats)}")
    on_t = [t[1] for _, t, _ in pairs]
    off_t = [t[0] for _, t, _ in pairs]
    print(f"total compile+run time: with install() {' '.join(f'{t:.1f}' for t in on_t)} s, "
          f"without {' '.join(f'{t:.1f}' for t in off_t)} s (per repetition); CPU time of the "
          f"workers: with {' '.join(f'{c[1]:.1f}' for _, _, c in pairs)} s, without "
          f"{' '.join(f'{c[0]:.1f}' for _, _, c in pairs)} s")


if __name__ == "__main__":
    main()
