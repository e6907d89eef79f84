"""Op-table cases for nn.functional's padding, resampling and distance ops (issue 12);
op_cases.CASES includes them.

Written as op_cases.py's cases are: ``Case(name, fn(L, *inputs), *makers)``.
"""
import warnings

from op_cases import D, P, U, Case  # noqa: F401


def _F(L):
    return L.nn.functional


def _quiet(fn, *args):
    """fn(*args) without its deprecation warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return fn(*args)


def _pad_cases():
    out = []
    const = [((3, 4), (1, 2)), ((3, 4), (1, 2, 0, 1)), ((2, 3, 4), (1, 1, 2, 0, 1, 1)),
             ((3, 4), (-1, 2, 1, -2)), ((3, 4), (-2, -1)), ((2, 3), (0, 0)), ((4,), (2, 3)),
             ((0, 3), (1, 1, 1, 1)), ((1, 2, 1, 2, 3), (1, 0, 0, 1, 2, 2, 1, 1))]
    for shape, p in const:
        out.append(Case(f"F.pad constant {shape} {p}",
                        lambda L, x, p=p: _F(L).pad(x, p), U(*shape)))
    out.append(Case("F.pad constant value", lambda L, x: _F(L).pad(x, (1, 1, 2, 0), value=-1.5),
                    U(2, 3)))
    out.append(Case("F.pad constant value=0 mode", lambda L, x: _F(L).pad(x, (1, 1), "constant",
                                                                          0.5), U(2, 3)))
    modes = [((2, 5), (2, 3)), ((2, 3, 5), (1, 4)), ((2, 3, 5), (-1, 2)), ((2, 3, 5), (2, -2)),
             ((3, 4, 5), (1, 2, 3, 0)), ((2, 3, 4, 5), (2, 1, 1, 2)),
             ((2, 3, 4, 5), (-1, 2, 1, -1)), ((2, 3, 4, 5), (1, 2, 1, 0, 2, 1)),
             ((1, 2, 3, 4, 5), (1, 1, 0, 2, 2, 1)), ((0, 3, 5), (1, 2))]
    for mode in ("reflect", "replicate", "circular"):
        for shape, p in modes:
            if mode == "reflect" and p == (1, 4):
                p = (1, 2)
            if mode == "circular" and p == (2, -2):
                p = (-2, 1)
            out.append(Case(f"F.pad {mode} {shape} {p}",
                            lambda L, x, p=p, m=mode: _F(L).pad(x, p, mode=m), U(*shape)))
    return out


def _interp_cases():
    out = []
    specs = [
        ("nearest", (2, 3, 5), dict(size=8)), ("nearest", (2, 3, 5), dict(size=3)),
        ("nearest", (2, 3, 5), dict(scale_factor=1.7)),
        ("nearest", (2, 3, 5), dict(scale_factor=0.6)),
        ("nearest", (1, 2, 3, 4), dict(size=(5, 7))),
        ("nearest", (1, 2, 3, 4), dict(scale_factor=(2, 1.5))),
        ("nearest", (1, 2, 3, 4), dict(scale_factor=1.3)),
        ("nearest", (1, 1, 2, 3, 4), dict(size=(3, 5, 2))),
        ("nearest", (1, 1, 2, 3, 4), dict(scale_factor=1.5)),
        ("nearest-exact", (2, 3, 5), dict(size=7)),
        ("nearest-exact", (2, 3, 5), dict(scale_factor=0.7)),
        ("nearest-exact", (1, 2, 3, 4), dict(size=(4, 3))),
        ("nearest-exact", (1, 1, 2, 3, 2), dict(scale_factor=1.5)),
        ("linear", (2, 3, 5), dict(size=8)), ("linear", (2, 3, 5), dict(size=3)),
        ("linear", (2, 3, 5), dict(size=5)), ("linear", (2, 3, 1), dict(size=3)),
        ("linear", (2, 3, 5), dict(scale_factor=1.7)),
        ("linear", (2, 3, 5), dict(scale_factor=1.7, recompute_scale_factor=True)),
        ("linear", (2, 3, 5), dict(size=8, align_corners=True)),
        ("linear", (2, 3, 5), dict(size=1, align_corners=True)),
        ("linear", (2, 3, 5), dict(scale_factor=0.5, align_corners=True)),
        ("bilinear", (2, 3, 4, 5), dict(size=(6, 3))),
        ("bilinear", (2, 3, 4, 5), dict(scale_factor=2)),
        ("bilinear", (1, 2, 4, 5), dict(scale_factor=(1.5, 0.6))),
        ("bilinear", (1, 2, 4, 5), dict(size=(7, 8), align_corners=True)),
        ("bicubic", (1, 2, 4, 5), dict(size=(6, 7))),
        ("bicubic", (1, 2, 4, 5), dict(size=(3, 2))),
        ("bicubic", (1, 2, 4, 5), dict(scale_factor=1.5)),
        ("bicubic", (1, 2, 4, 5), dict(size=(6, 7), align_corners=True)),
        ("bicubic", (1, 1, 1, 3), dict(size=(2, 5))),
        ("bilinear", (1, 2, 6, 5), dict(size=(3, 5), antialias=True)),
        ("bilinear", (1, 2, 6, 5), dict(size=(2, 7), antialias=True, align_corners=True)),
        ("bicubic", (1, 2, 6, 7), dict(scale_factor=(0.4, 0.6), antialias=True)),
        ("bicubic", (1, 2, 3, 7), dict(size=(5, 2), antialias=True)),
        ("trilinear", (1, 2, 2, 3, 4), dict(size=(3, 4, 6))),
        ("trilinear", (1, 2, 2, 3, 4), dict(scale_factor=1.5, align_corners=True)),
        ("area", (2, 3, 7), dict(size=3)), ("area", (1, 2, 5, 7), dict(scale_factor=(0.7, 1.6))),
        ("nearest", (0, 2, 3), dict(size=5)), ("bilinear", (0, 2, 3, 3), dict(size=(2, 5))),
    ]
    for mode, shape, kw in specs:
        out.append(Case(f"F.interpolate {mode} {shape} {kw}",
                        lambda L, x, m=mode, kw=kw: _F(L).interpolate(x, mode=m, **kw),
                        U(*shape)))
    out.append(Case("F.upsample_bilinear", lambda L, x: _quiet(_F(L).upsample_bilinear, x,
                                                               (5, 6)), U(1, 2, 3, 4)))
    return out


def _fold_cases():
    out = []
    specs = [((2, 3, 5, 6), dict(kernel_size=2)),
             ((2, 3, 5, 6), dict(kernel_size=(2, 3), dilation=2, padding=1, stride=(1, 2))),
             ((3, 5, 6), dict(kernel_size=3, stride=2, padding=1)),
             ((0, 2, 4, 4), dict(kernel_size=2))]
    for shape, kw in specs:
        out.append(Case(f"F.unfold {shape} {kw}",
                        lambda L, x, kw=kw: _F(L).unfold(x, **kw), U(*shape)))
    fspecs = [((2, 12, 20), (5, 6), dict(kernel_size=2)),
              ((2, 18, 10), (5, 6), dict(kernel_size=(2, 3), dilation=2, padding=1,
                                         stride=(1, 2))),
              ((27, 9), (5, 6), dict(kernel_size=3, stride=2, padding=1)),
              ((1, 4, 4), (3, 3), dict(kernel_size=2, stride=2, padding=1))]
    for shape, size, kw in fspecs:
        out.append(Case(f"F.fold {shape} {size} {kw}",
                        lambda L, x, s=size, kw=kw: _F(L).fold(x, s, **kw), U(*shape)))
    out += [
        Case("F.pixel_shuffle", lambda L, x: _F(L).pixel_shuffle(x, 2), U(2, 8, 2, 3)),
        Case("F.pixel_shuffle unbatched", lambda L, x: _F(L).pixel_shuffle(x, 3), U(9, 2, 1)),
        Case("F.pixel_shuffle 5-d", lambda L, x: _F(L).pixel_shuffle(x, 2), U(2, 1, 4, 2, 2)),
        Case("F.pixel_unshuffle", lambda L, x: _F(L).pixel_unshuffle(x, 2), U(2, 2, 4, 6)),
        Case("F.pixel_unshuffle unbatched", lambda L, x: _F(L).pixel_unshuffle(x, 3),
             U(1, 3, 6)),
    ]
    return out


def _distance_cases():
    return [
        Case("F.normalize", lambda L, x: _F(L).normalize(x), U(3, 4)),
        Case("F.normalize p=1 dim=-1", lambda L, x: _F(L).normalize(x, 1, -1), U(2, 3, 4)),
        Case("F.normalize p=3 dims", lambda L, x: _F(L).normalize(x, 3, (0, 2)), U(2, 3, 4)),
        Case("F.normalize empty", lambda L, x: _F(L).normalize(x, dim=0), U(0, 3)),
        Case("F.normalize eps", lambda L, x: _F(L).normalize(x * 1e-3, eps=0.1), U(3, 4)),
        Case("F.cosine_similarity", lambda L, a, b: _F(L).cosine_similarity(a, b), U(3, 4),
             U(3, 4)),
        Case("F.cosine_similarity bcast", lambda L, a, b: _F(L).cosine_similarity(a, b, -1),
             U(2, 3, 4), U(3, 1)),
        Case("F.cosine_similarity dim=0", lambda L, a, b: _F(L).cosine_similarity(a, b, 0),
             U(4), U(4)),
        Case("F.cosine_similarity empty", lambda L, a, b: _F(L).cosine_similarity(a, b),
             U(0, 3), U(0, 3)),
        Case("F.pairwise_distance", lambda L, a, b: _F(L).pairwise_distance(a, b), U(3, 4),
             U(3, 4)),
        Case("F.pairwise_distance bcast p=1 keepdim", lambda L, a, b: _F(L).pairwise_distance(
            a, b, 1, keepdim=True), U(2, 3, 4), U(4)),
        Case("F.pairwise_distance p=3", lambda L, a, b: _F(L).pairwise_distance(a, b, 3),
             U(3, 4), U(3, 4)),
        Case("F.pairwise_distance 1-d", lambda L, a, b: _F(L).pairwise_distance(a, b), U(4),
             U(4)),
        Case("F.rrelu eval", lambda L, x: _F(L).rrelu(x), U(3, 4)),
        Case("F.rrelu eval bounds", lambda L, x: _F(L).rrelu(x, 0.1, 0.3, False), U(3, 4)),
    ]


CASES = _pad_cases() + _interp_cases() + _fold_cases() + _distance_cases()
