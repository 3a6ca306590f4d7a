#!/usr/bin/env python
"""A second capture of real PyTorch Inductor calls, from 26 models the real corpus does not
have (../shared/corpus/real/README.md lists its own): the corpus's own instrumentation
(`capture.py` there, imported, nothing of it copied) driving these workloads instead of its
list, in the same record format. Records no one tuned against, for checking that the engine
generalizes: `REALCHECK_CORPUS=OUT ../shared/tools/realcheck.py`, `scripts/tvm_answers.py OUT`
(TVM's answers for the compact form's check), `crates/python/bench/corpus.py` with the same
variable. The forty-fifth session's run (torch 2.15, about 6 minutes) gave 5,260 simplify,
3,051 simplify_with_ranges, 1,896 bound and 332 solve records, all but a few dozen new.

Run in the torch venv of scripts/test:
    CORPUS_OUT=/tmp/capture-more/out CORPUS_WORK=/tmp/capture-more/work \
        ~/.cache/symshape-torch-venv/bin/python scripts/capture_more.py [name-substrings...]
(CORPUS_WORK is deleted and made again; SYMSHAPE_SHARED points at ../shared elsewhere.)
"""
import os
import sys

os.environ.setdefault("CORPUS_OUT", "/tmp/capture-more/out")
os.environ.setdefault("CORPUS_WORK", "/tmp/capture-more/work")
_SHARED = os.environ.get("SYMSHAPE_SHARED") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared")
sys.path.insert(0, os.path.join(_SHARED, "corpus", "real"))
import capture as C  # noqa: E402  (instruments torch at import; recreates CORPUS_WORK)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch.export import Dim  # noqa: E402

D, W = C.D, C.W


# ----------------------------------------------------------------------------------------
# models
# ----------------------------------------------------------------------------------------
class AvgPool2dCeilPad(nn.Module):
    def forward(self, x):
        return (F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=True),
                F.avg_pool2d(x, (2, 3), stride=(2, 2), padding=(1, 1), ceil_mode=True, count_include_pad=False),
                F.avg_pool2d(x, 3, stride=3, ceil_mode=True, divisor_override=4))


class AdaptivePoolOdd(nn.Module):
    def forward(self, x):
        return (F.adaptive_avg_pool2d(x, (3, 5)), F.adaptive_max_pool2d(x, 7),
                F.adaptive_avg_pool1d(x.flatten(2), 11))


class StridedSliceNeg(nn.Module):
    def forward(self, x, y):
        a = x[:, 1::3] * 2
        b = x[:, -5:] + 1
        c = x[:, -7:-2:2].sum(1)
        d = x[:, 2:-3].mean(1)
        e = y[..., ::2].sum(-1) - y[..., 1::2].sum(-1) + y[:, 1::2, -4:].mean((1, 2)).unsqueeze(-1)
        return a, b, c + d, e


class NarrowUnfold(nn.Module):
    def forward(self, x, y):
        n = x.shape[1]
        win = x.unfold(1, 5, 3)               # (b, (n-5)//3+1, 5)
        mid = x.narrow(1, 2, n - 4)
        half = torch.narrow(x, 1, 1, n // 2)
        patches = y.unfold(2, 4, 2).unfold(3, 3, 3)  # (b, c, (h-4)//2+1, (w-3)//3+1, 4, 3)
        return win.amax(-1), mid * 2, half.sum(1), patches.mean((-1, -2))


class FlipRoll(nn.Module):
    def forward(self, x, s):
        return (torch.flip(x, [2, 3]) - x, torch.roll(x, (1, -2), (2, 3)),
                torch.roll(s, 5, 1), torch.roll(s, -3), s.flip(0, 1)[:, 1:])


class TrilTriuMask(nn.Module):
    def forward(self, x, q):
        t = q.shape[1]
        causal = torch.ones(t, t, dtype=torch.bool, device=q.device).tril()
        att = (q @ q.transpose(1, 2)).masked_fill(~causal, float("-inf")).softmax(-1)
        return torch.tril(x), torch.triu(x, 2), torch.tril(x, -1) + torch.triu(x, 1).transpose(-1, -2)[..., :x.shape[-1]].sum(), att


class EmbeddingBagModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(50, 16, padding_idx=0)
        self.bag = nn.EmbeddingBag(50, 16, mode="mean")
        self.bag_max = nn.EmbeddingBag(50, 8, mode="max")
        self.pos = nn.Embedding(512, 16)

    def forward(self, tok):
        b, t = tok.shape
        pos = torch.arange(t, device=tok.device)
        e = self.emb(tok) + self.pos(pos)[None]
        return e, self.bag(tok), self.bag_max(tok.flip(1)), self.emb(tok[:, ::2]).sum(1)


class Conv1dDilatedSame(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv1d(8, 8, 5, dilation=3, padding="same")
        self.b = nn.Conv1d(8, 8, 4, padding="same")
        self.c = nn.Conv1d(8, 8, 3, dilation=2)
        self.d = nn.Conv1d(8, 8, 3, padding=1, padding_mode="reflect")

    def forward(self, x):
        y = F.relu(self.a(x))
        z = self.b(y)
        causal = self.c(F.pad(x, (4, 0)))
        return z + causal, self.d(x)


class DepthwiseStride3(nn.Module):
    def __init__(self):
        super().__init__()
        self.dw = nn.Conv2d(12, 12, 5, stride=3, padding=2, groups=12)
        self.dw2 = nn.Conv2d(12, 24, (3, 1), stride=(3, 1), groups=12)
        self.pw = nn.Conv2d(12, 16, 1)

    def forward(self, x):
        y = F.hardswish(self.dw(x))
        return self.pw(y), self.dw2(x).mean(-1)


class ConvTranspose1dModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.ConvTranspose1d(8, 4, 5, stride=3, padding=2, output_padding=1)
        self.b = nn.ConvTranspose1d(8, 4, 3, stride=2, padding=1, dilation=2, output_padding=1)
        self.c = nn.ConvTranspose1d(8, 4, 4, stride=4, groups=2)

    def forward(self, x):
        return self.a(x), F.gelu(self.b(x)), self.c(x)


class InterpLinearTrilinear(nn.Module):
    def forward(self, x, v):
        return (F.interpolate(x, scale_factor=1.7, mode="linear", align_corners=False),
                F.interpolate(x, size=2 * x.shape[-1] - 1, mode="linear", align_corners=True),
                F.interpolate(v, scale_factor=(0.5, 2.0, 1.5), mode="trilinear", align_corners=False),
                F.interpolate(v, scale_factor=2.0, mode="nearest"))


class PixelShuffle3(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 18, 3, padding=1)

    def forward(self, x):
        y = F.pixel_shuffle(self.conv(x), 3)      # (n, 2, 3h, 3w)
        z = F.pixel_unshuffle(y * 2, 3)           # (n, 18, h, w)
        return y, z.sum(1), F.pixel_shuffle(z[:, :9], 3)[:, :, 1::3]


class ReshapeGrid(nn.Module):
    def forward(self, x):
        b, c, t = x.shape
        g = x.view(b, -1, 4, t // 4)
        r = x.reshape(b, c, t // 4, 4).transpose(-1, -2).reshape(b, c * 4, t // 4)
        u = x.unflatten(-1, (-1, 2)).permute(0, 3, 1, 2).flatten(1, 2)
        return g.sum(2), r, u * 2


class ChunkSplitUneven(nn.Module):
    def forward(self, x, y):
        n = x.shape[1]
        a, b, c = torch.tensor_split(x, 3, dim=1)
        p, q = torch.split(x, [n // 3, n - n // 3], dim=1)
        h1, h2 = x.chunk(2, dim=1)
        s = y.chunk(5, dim=-1)  # static 12 -> 3,3,3,3 (4 chunks)
        return (a.sum(1) + b.sum(1) + c.sum(1), p.mean(1) - q.mean(1), h1.amax(1), h2.amin(1),
                torch.stack([t.sum(-1) for t in s], -1))


class CatThree(nn.Module):
    def forward(self, x, y, z):
        n1, n2 = x.shape[1], y.shape[1]
        c = torch.cat([x, y, z], dim=1)
        mid = c[:, n1:n1 + n2]
        tail = c[:, n1 + n2:]
        c2 = torch.cat([x.transpose(1, 2), z.transpose(1, 2) * 2, y.transpose(1, 2)], dim=2)
        return c * 2, mid.sum(1), tail.mean(1), c2[..., ::2]


class CumsumTopkSort(nn.Module):
    def forward(self, x):
        cs = x.cumsum(1)
        v, i = x.topk(3, dim=1)
        s, si = x.sort(dim=1, descending=True)
        a = x.argsort(dim=0)
        cm = x.cummax(1)[0]
        return cs, v, i, s[:, 1:] - s[:, :-1], si, a, cm, cs[:, -1:] / x.shape[1]


class ScatterAddIndexSelect(nn.Module):
    def forward(self, x):
        b, n = x.shape
        ar = torch.arange(n, device=x.device)
        buckets = torch.zeros(b, (n + 1) // 2, device=x.device, dtype=x.dtype)
        buckets = buckets.scatter_add(1, (ar // 2).expand(b, n), x)
        every3 = torch.index_select(x, 1, torch.arange(0, n, 3, device=x.device))
        perm = torch.index_select(x, 1, (ar * 2 + 1) % n)
        hist = torch.zeros(b, 4, device=x.device, dtype=x.dtype).scatter_add(1, (ar % 4).expand(b, n), x)
        return buckets, every3 * 2, perm, hist


class BmmTransposes(nn.Module):
    def forward(self, a, b, c):
        x = torch.bmm(a, b.transpose(1, 2))        # (B, m, n)
        g = a.mT @ a                               # (B, 8, 8)
        y = torch.baddbmm(c, a, b.transpose(1, 2), beta=0.5, alpha=2.0)
        z = torch.matmul(a.permute(1, 0, 2), b.permute(1, 2, 0)[:1])   # (m, B, 8) @ (1, 8, B)
        return x, g, y, z


class TransformerEncoderKPM(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = nn.TransformerEncoderLayer(d_model=32, nhead=4, dim_feedforward=64, dropout=0.0,
                                                batch_first=True, norm_first=True)

    def forward(self, x, lengths):
        t = x.shape[1]
        pad = torch.arange(t, device=x.device)[None, :] >= lengths[:, None]
        y = self.layer(x, src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).to(y.dtype)
        return (y * keep).sum(1) / keep.sum(1).clamp(min=1)


class GroupInstanceNorm(nn.Module):
    def __init__(self):
        super().__init__()
        self.gn = nn.GroupNorm(4, 16)
        self.inorm = nn.InstanceNorm2d(16, affine=True)
        self.inorm1 = nn.InstanceNorm1d(16)

    def forward(self, x):
        return (self.gn(x), self.inorm(x), self.inorm1(x.flatten(2)),
                F.layer_norm(x, x.shape[-2:]))


class UNet1dOdd(nn.Module):
    def __init__(self):
        super().__init__()
        self.e1 = nn.Conv1d(4, 8, 3, padding=1)
        self.d1 = nn.Conv1d(8, 16, 3, stride=2, padding=1)
        self.d2 = nn.Conv1d(16, 16, 3, stride=2, padding=1)
        self.u2 = nn.ConvTranspose1d(16, 16, 2, stride=2)
        self.u1 = nn.ConvTranspose1d(32, 8, 2, stride=2)
        self.out = nn.Conv1d(16, 4, 1)

    def forward(self, x):
        s1 = F.relu(self.e1(x))                     # L
        s2 = F.relu(self.d1(s1))                    # (L+1)//2
        b = F.relu(self.d2(s2))                     # ((L+1)//2+1)//2
        u2 = self.u2(b)[..., :s2.shape[-1]]          # crop to the skip
        u1 = self.u1(torch.cat([u2, s2], 1))[..., :s1.shape[-1]]
        up = F.interpolate(b, size=s1.shape[-1], mode="linear", align_corners=False)
        return self.out(torch.cat([u1, s1], 1)), up.mean(1)


class PadNegativeCrop(nn.Module):
    def forward(self, x, y):
        return (F.pad(x, (-1, -2)), F.pad(y, (-2, 1, 3, -1)), F.pad(y, (1, 1, -2, -2), value=0.5),
                F.pad(x, (2, -3), value=-1.0).sum(-1))


class StftFraming(nn.Module):
    def __init__(self, n_fft=64, hop=16, n_bins=17):
        super().__init__()
        self.n_fft, self.hop = n_fft, hop
        self.register_buffer("win", torch.hann_window(n_fft))
        k = torch.arange(n_bins).float()[:, None]
        nn_ = torch.arange(n_fft).float()[None, :]
        ang = 2 * torch.pi * k * nn_ / n_fft
        self.register_buffer("cos", ang.cos())
        self.register_buffer("sin", ang.sin())

    def forward(self, wav):
        b, L = wav.shape
        padded = F.pad(wav.unsqueeze(1), (self.n_fft // 2, self.n_fft // 2), mode="reflect").squeeze(1)
        fr = padded.unfold(-1, self.n_fft, self.hop) * self.win        # (b, F, n_fft)
        re, im = fr @ self.cos.T, fr @ self.sin.T
        mag = (re * re + im * im).sqrt()
        nfr = (L - self.n_fft) // self.hop + 1
        st = wav.contiguous().as_strided((b, nfr, self.n_fft), (L, self.hop, 1))
        return mag.transpose(1, 2), st.pow(2).mean(-1)


class MaxPool2dDilationIdx(nn.Module):
    def forward(self, x):
        v, i = F.max_pool2d(x, 3, stride=2, padding=1, dilation=2, return_indices=True)
        v2, i2 = F.max_pool2d(x, 2, stride=2, return_indices=True)
        un = F.max_unpool2d(v2, i2, 2, stride=2, output_size=x.shape[-2:])
        return v, i, un


class PairwiseCdist(nn.Module):
    def forward(self, a, b):
        d1 = torch.cdist(a, b, compute_mode="use_mm_for_euclid_dist")
        d2 = ((a[:, :, None] - b[:, None]) ** 2).sum(-1).sqrt()
        an, bn = F.normalize(a, dim=-1), F.normalize(b, dim=-1)
        cos = an @ bn.transpose(1, 2)
        return d1, d2, cos, d2.argmin(-1)


class EinsumModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(8))

    def forward(self, x, q, k):
        y = torch.einsum("bij,bjk->bik", x, x.transpose(1, 2))
        s = torch.einsum("bhqd,bhkd->bhqk", q, k)
        o = torch.einsum("bhqk,bhkd->bqhd", s.softmax(-1), k).flatten(2)
        p = torch.einsum("bi,bj->bij", x[:, :, 0], x[:, 0, :])
        r = torch.einsum("bnd,d->bn", x, self.w)
        return y, o, p, r


# ----------------------------------------------------------------------------------------
# argument builders
# ----------------------------------------------------------------------------------------
def r(*s):
    return torch.randn(*s)


def _tfm_args(b=3, t=9):
    g = torch.Generator().manual_seed(t)
    return (torch.randn(b, t, 32), torch.randint(1, t + 1, (b,), generator=g))


def _emb_args(b=3, t=11):
    g = torch.Generator().manual_seed(t)
    return (torch.randint(0, 50, (b, t), generator=g),)


WORKLOADS = [
    W("avg_pool2d_ceil_pad", AvgPool2dCeilPad, lambda n=2, h=11, w=14: (r(n, 3, h, w),),
      "pool6", dict(n=3, h=17, w=20), [dict(h=16)]),
    W("adaptive_pool_odd", AdaptivePoolOdd, lambda n=2, h=19, w=23: (r(n, 4, h, w),),
      ({0: D("n"), 2: D("h", min=8, max=128), 3: D("w", min=8, max=128)},), dict(n=3, h=14, w=30)),
    W("strided_slice_neg", StridedSliceNeg, lambda b=2, n=17, c=5, L=12: (r(b, n), r(b, c, L)),
      ({0: D("b"), 1: D("n", min=8, max=1024)}, {0: D("b"), 1: D("c", min=4, max=64), 2: D("L", min=4, max=64)}),
      dict(b=3, n=23, c=7, L=8), [dict(n=7)]),
    W("narrow_unfold_step", NarrowUnfold, lambda b=2, n=17, c=3, h=11, w=13: (r(b, n), r(b, c, h, w)),
      "narrow_odd", dict(b=3, n=27, c=3, h=8, w=9), [dict(n=16)]),
    W("flip_roll", FlipRoll, lambda n=2, h=7, w=9, b=3, t=11: (r(n, 3, h, w), r(b, t)),
      ({0: D("n"), 2: D("h", min=2, max=256), 3: D("w", min=3, max=256)}, {0: D("b", min=2), 1: D("t", min=3)}),
      dict(n=3, h=5, w=12, b=4, t=6)),
    W("tril_triu_mask", TrilTriuMask, lambda b=2, n=6, m=9, t=7: (r(b, n, m), r(b, t, 8)),
      ({0: D("b"), 1: D("n", min=3, max=255), 2: D("m", min=4, max=256)}, {0: D("b"), 1: D("t", min=2, max=512)}),
      dict(b=3, n=10, m=4, t=13)),
    W("embedding_bag", EmbeddingBagModel, _emb_args, ({0: D("b"), 1: D("t", min=3, max=512)},),
      dict(b=4, t=7), [dict(t=513)], dtype=None),
    W("conv1d_dilated_same", Conv1dDilatedSame, lambda n=2, L=37: (r(n, 8, L),),
      ({0: D("n"), 2: D("L", min=4, max=4096)},), dict(n=3, L=50), [dict(L=3)]),
    W("depthwise_stride3", DepthwiseStride3, lambda n=2, h=20, w=17: (r(n, 12, h, w),),
      ({0: D("n"), 2: D("h", min=6, max=512), 3: D("w", min=6, max=512)},), dict(n=3, h=31, w=12)),
    W("conv_transpose1d", ConvTranspose1dModel, lambda n=2, L=13: (r(n, 8, L),),
      ({0: D("n"), 2: D("L", min=2, max=2048)},), dict(n=3, L=21)),
    W("interp_linear_trilinear", InterpLinearTrilinear,
      lambda n=2, L=11, d=4, h=6, w=5: (r(n, 3, L), r(n, 2, d, h, w)),
      ({0: D("n"), 2: D("L", min=2, max=1024)}, {0: D("n"), 2: D("d", min=4, max=32), 3: D("h", min=2, max=32),
                                                  4: D("w", min=2, max=32)}),
      dict(n=3, L=16, d=6, h=5, w=7)),
    W("pixel_shuffle3", PixelShuffle3, lambda n=2, h=5, w=7: (r(n, 2, h, w),),
      ({0: D("n"), 2: D("h", min=2, max=128), 3: D("w", min=2, max=128)},), dict(n=3, h=8, w=4)),
    W("reshape_grid", ReshapeGrid, lambda b=2, c=3, t=12: (r(b, c, t),),
      "grid4", dict(b=3, c=5, t=20), [dict(t=14)]),
    W("chunk_split_uneven", ChunkSplitUneven, lambda b=2, n=11: (r(b, n), r(b, 12)),
      None, dict(b=3, n=16), modes=["compile"]),  # export specialises n (tensor_split / chunk guards)
    W("cat_three", CatThree, lambda b=2, n1=3, n2=5, n3=4: (r(b, n1, 6), r(b, n2, 6), r(b, n3, 6)),
      ({0: D("b"), 1: D("n1", min=2, max=64)}, {0: D("b"), 1: D("n2", min=2, max=64)},
       {0: D("b"), 1: D("n3", min=2, max=64)}),
      dict(b=3, n1=7, n2=2, n3=9)),
    W("cumsum_topk_sort", CumsumTopkSort, lambda b=3, n=10: (r(b, n),),
      ({0: D("b", min=2), 1: D("n", min=4, max=4096)},), dict(b=5, n=17)),
    W("scatter_add_index_select", ScatterAddIndexSelect, lambda b=2, n=11: (r(b, n),),
      ({0: D("b"), 1: D("n", min=4, max=4096)},), dict(b=3, n=16)),
    W("bmm_transposes", BmmTransposes, lambda B=2, m=5, n=7: (r(B, m, 8), r(B, n, 8), r(B, m, n)),
      ({0: D("B", min=2), 1: D("m", min=2)}, {0: D("B", min=2), 1: D("n", min=2)},
       {0: D("B", min=2), 1: D("m", min=2), 2: D("n", min=2)}),
      dict(B=3, m=9, n=4)),
    W("transformer_encoder_kpm", TransformerEncoderKPM, _tfm_args, ({0: D("b"), 1: D("t", min=2, max=512)}, {0: D("b")}),
      dict(b=4, t=13)),
    W("group_instance_norm", GroupInstanceNorm, lambda n=2, h=7, w=9: (r(n, 16, h, w),),
      ({0: D("n"), 2: D("h", min=2, max=256), 3: D("w", min=2, max=256)},), dict(n=3, h=12, w=5)),
    W("unet1d_odd", UNet1dOdd, lambda n=2, L=37: (r(n, 4, L),),
      "unet1d", dict(n=3, L=49), [dict(L=50)]),
    W("pad_negative_crop", PadNegativeCrop, lambda n=2, L=9, h=8, w=7: (r(n, 3, L), r(n, 2, h, w)),
      ({0: D("n"), 2: D("L", min=5, max=1024)}, {0: D("n"), 2: D("h", min=6, max=256), 3: D("w", min=3, max=256)}),
      dict(n=3, L=14, h=9, w=5)),
    W("stft_framing", StftFraming, lambda b=2, L=400: (r(b, L),),
      ({0: D("b"), 1: D("L", min=80, max=160000)},), dict(b=3, L=1001), [dict(L=79)]),
    W("max_pool2d_dilation_indices", MaxPool2dDilationIdx, lambda n=2, h=13, w=10: (r(n, 3, h, w),),
      "mp2", dict(n=3, h=17, w=12), [dict(h=16)]),
    W("pairwise_cdist", PairwiseCdist, lambda B=2, n=5, m=7: (r(B, n, 8), r(B, m, 8)),
      ({0: D("B"), 1: D("n", min=2, max=512)}, {0: D("B"), 1: D("m", min=2, max=512)}), dict(B=3, n=9, m=4)),
    W("einsum_attention", EinsumModel, lambda b=2, n=6, h=2, t=5: (r(b, n, 8), r(b, h, t, 8), r(b, h, t, 8)),
      ({0: D("b"), 1: D("n", min=2, max=256)}, {0: D("b"), 2: D("t", min=2, max=256)},
       {0: D("b"), 2: D("t", min=2, max=256)}),
      dict(b=3, n=9, h=2, t=11)),
]

_orig_eds = C.export_dynamic_shapes


def export_dynamic_shapes(w):
    if w["ds"] == "grid4":  # view(b, -1, 4, t//4) needs t divisible by 4
        return ({0: Dim("b"), 1: Dim("c", min=2, max=64), 2: 4 * Dim("k", min=2, max=256)},)
    if w["ds"] == "pool6":  # export's suggested fix for the ceil_mode guards
        _h, _w = Dim("_h", min=1, max=42), Dim("_w", min=2, max=43)
        return ({0: Dim("n"), 2: 6 * _h - 1, 3: 6 * _w - 4},)
    if w["ds"] == "narrow_odd":  # export's suggested fix: n = 2*_n - 1; h, w >= 6 (size-1 guards)
        b = Dim("b")
        return ({0: b, 1: 2 * Dim("_n", min=4, max=512) - 1},
                {0: b, 2: Dim("h", min=6, max=128), 3: Dim("w", min=6, max=128)})
    if w["ds"] == "unet1d":  # export's suggested fix: L = 4*_L - 3
        return ({0: Dim("n"), 2: 4 * Dim("_L", min=3, max=1024) - 3},)
    if w["ds"] == "mp2":  # export's suggested fix: odd h, even w
        return ({0: Dim("n"), 2: 2 * Dim("_h", min=4, max=128) - 1, 3: 2 * Dim("_w", min=3, max=128)},)
    return _orig_eds(w)


C.export_dynamic_shapes = export_dynamic_shapes
C.WORKLOADS = WORKLOADS

if __name__ == "__main__":
    C.main()
