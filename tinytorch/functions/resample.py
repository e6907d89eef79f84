"""Primitives for padding and resampling (F.pad, F.interpolate): linear maps along one dim.

Every mode of F.interpolate and every non-constant mode of F.pad reads, along one dim at a
time, a few input positions per output position and weighs them:

    z[..., o, ...] = Σ_k w[k, o] · x[..., idx[k, o], ...]          (Resample)

(nearest and the padding modes: one tap, no weight; linear: two taps; cubic: four;
antialiasing: as many as the widest window, an index of -1 marking a missing tap).  That is a
linear map, so its gradient is its adjoint, the scatter-add of w·g back to idx
(ResampleAdjoint), and the adjoint's gradient is Resample again: both differentiate to any
order.  ConstantPad pads (or, with negative pads, crops) with a constant; its adjoint is the
crop (or the zero padding) that undoes it, i.e. ConstantPad with the pads negated.  The
arguments are checked and the index/weight tables built in nn/_spatial.py.
"""
import numpy as np

from ..autograd.function import Primitive


def _front(a, dim):
    return np.moveaxis(a, dim, 0)


class Resample(Primitive):
    """z[.., o, ..] = Σ_k w[k, o]·x[.., idx[k, o], ..] along ``dim`` (w None: one tap, weight
    1);  dL/dx = Σ_k scatter-add of w[k]·G to idx[k] (ResampleAdjoint)"""

    backward_name = "UpsampleBackward0"

    @staticmethod
    def forward(ctx, x, dim, idx, w):
        ctx.args = (dim, idx, w, x.shape[dim])
        xf = _front(x, dim)
        if w is None:
            out = xf[idx[0]]
        else:
            w = w.astype(x.dtype, copy=False)
            bshape = (w.shape[1],) + (1,) * (x.ndim - 1)
            holes = idx.min() < 0
            with np.errstate(invalid="ignore", over="ignore"):   # inf·0 is NaN, as torch
                for k in range(len(idx)):
                    term = xf[np.maximum(idx[k], 0)] * w[k].reshape(bshape)
                    if holes:       # an index of -1 is no tap at all (not x·0)
                        term = np.where((idx[k] >= 0).reshape(bshape), term, 0)
                    if k == 0:
                        out = term
                    else:
                        out += term
        return np.ascontiguousarray(np.moveaxis(out, 0, dim))

    @staticmethod
    def backward(ctx, g):
        return ResampleAdjoint.call(g, *ctx.args), None, None, None


class ResampleAdjoint(Primitive):
    """z = zeros with w[k, o]·g[.., o, ..] added at position idx[k, o] along ``dim``
    (Resample's adjoint);  dL/dg = Resample(G) with the same idx and w"""

    backward_name = "UpsampleBackwardBackward0"

    @staticmethod
    def forward(ctx, g, dim, idx, w, n):
        ctx.args = (dim, idx, w)
        gf = _front(g, dim)
        out = np.zeros((n,) + gf.shape[1:], g.dtype)
        bshape = (gf.shape[0],) + (1,) * (g.ndim - 1)
        with np.errstate(invalid="ignore", over="ignore"):
            for k in range(len(idx)):
                part = gf if w is None else gf * w[k].astype(g.dtype).reshape(bshape)
                keep = idx[k] >= 0                                  # -1: no tap
                if keep.all():
                    np.add.at(out, idx[k], part)
                else:
                    np.add.at(out, idx[k][keep], part[keep])
        return np.ascontiguousarray(np.moveaxis(out, 0, dim))

    @staticmethod
    def backward(ctx, g):
        return Resample.call(g, *ctx.args), None, None, None, None


def _constant_pad(x, pads, value):
    """x padded by pads ((before, after) per dim, negative: crop) with ``value``."""
    shape = tuple(n + a + b for n, (a, b) in zip(x.shape, pads))
    src = tuple(slice(max(-a, 0), n - max(-b, 0)) for n, (a, b) in zip(x.shape, pads))
    dst = tuple(slice(max(a, 0), m - max(b, 0)) for m, (a, b) in zip(shape, pads))
    out = np.full(shape, value, x.dtype)
    out[dst] = x[src]
    return out


class ConstantPad(Primitive):
    """z = x padded by ``pads`` ((before, after) per dim; negative crops) with ``value``;
    dL/dx = G with the pads undone (ConstantPad with -pads)"""

    backward_name = "ConstantPadNdBackward0"

    @staticmethod
    def forward(ctx, x, pads, value):
        ctx.pads = pads
        return _constant_pad(x, pads, value)

    @staticmethod
    def backward(ctx, g):
        return ConstantPad.call(g, tuple((-a, -b) for a, b in ctx.pads), 0), None, None


class ClampMinKeepGrad(Primitive):
    """z = max(x, lo);  dz/dx = 1 everywhere (torch clamps the norms of normalize-like ops
    in place under no_grad, so the gradient flows as if there were no clamp)"""

    backward_name = "CloneBackward0"

    @staticmethod
    def forward(ctx, x, lo):
        return np.maximum(x, np.asarray(lo, x.dtype))

    @staticmethod
    def backward(ctx, g):
        return g, None
