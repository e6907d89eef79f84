"""Reductions.  ``axes`` is a tuple of non-negative dims (already checked) or None for all."""
import math
import warnings

import numpy as np

from ..autograd.function import Primitive


def _restore(g, shape, axes, keepdim):
    """Put back the reduced dims (as size 1) so ``g`` broadcasts against the input."""
    if keepdim or axes is None and g.ndim == len(shape):
        return g
    if axes is None:
        return g.reshape((1,) * len(shape))
    # a reshape: cheaper than np.expand_dims, and Tensors take it as well
    return g.reshape(tuple(1 if i in axes else n for i, n in enumerate(shape)))


class Spread(Primitive):
    """z = x broadcast to ``shape``;  dz/dx = g summed back to x's shape (by the engine)

    The backward of Sum and Mean; its own backward is a sum, so they differentiate to any
    order.  Forward copies into a fresh array: cheaper than broadcast_to, safe to hand on."""

    backward_name = "ExpandBackward0"

    @staticmethod
    def forward(ctx, x, shape):
        out = np.empty(shape, x.dtype)
        out[...] = x
        return out

    @staticmethod
    def backward(ctx, g):
        return g, None


class Sum(Primitive):
    """z = Σ x;  dz/dx = 1 for every summed element"""

    backward_name = "SumBackward1"

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.shape, ctx.axes, ctx.keepdim = x.shape, axes, keepdim
        if x.dtype.kind in "biu":
            return x.sum(axis=axes, keepdims=keepdim, dtype=np.int64)
        return x.sum(axis=axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx, g):
        return Spread.call(_restore(g, ctx.shape, ctx.axes, ctx.keepdim), ctx.shape), None, None


class SumAll(Sum):
    """z = Σ over every element (``x.sum()``);  dz/dx = 1"""

    backward_name = "SumBackward0"


class Mean(Primitive):
    """z = Σ x / n;  dz/dx = 1/n"""

    backward_name = "MeanBackward1"

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.shape, ctx.axes, ctx.keepdim = x.shape, axes, keepdim
        n = x.size if axes is None else math.prod([x.shape[a] for a in axes])
        ctx.n = n
        if n == 0:  # the mean of nothing is 0/0 = nan (as torch), without numpy's warning
            with np.errstate(invalid="ignore"):
                return np.sum(x, axis=axes, keepdims=keepdim) / n
        return x.mean(axis=axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx, g):
        g = _restore(g, ctx.shape, ctx.axes, ctx.keepdim) / ctx.n
        return Spread.call(g, ctx.shape), None, None


class MeanAll(Mean):
    """z = mean of every element (``x.mean()``);  dz/dx = 1/n"""

    backward_name = "MeanBackward0"


class AMax(Primitive):
    """z = max over dims;  dz/dx = 1/k at each of the k elements equal to the max, else 0"""

    backward_name = "AmaxBackward0"
    reduce = staticmethod(np.amax)

    @classmethod
    def forward(cls, ctx, x, axes, keepdim):
        out = cls.reduce(x, axis=axes, keepdims=True)
        ctx.axes, ctx.kept = axes, out.shape
        out = _drop(out, axes, keepdim)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        hit = x == out.reshape(ctx.kept)
        count = hit.sum(axis=ctx.axes, keepdims=True)
        return hit * (g.reshape(ctx.kept) / count), None, None


class AMin(AMax):
    """z = min over dims;  dz/dx = 1/k at each of the k elements equal to the min, else 0"""

    backward_name = "AminBackward0"
    reduce = staticmethod(np.amin)


class MaxAll(AMax):
    """z = max of every element (``x.max()``);  ties share the gradient evenly, as in torch"""

    backward_name = "MaxBackward1"

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        hit = x == out
        # only the hits are written (torch fills them in), so the rest stay exactly 0
        return np.where(hit, g / hit.sum(), np.zeros((), g.dtype)), None, None


class MinAll(AMin):
    """z = min of every element (``x.min()``);  ties share the gradient evenly, as in torch"""

    backward_name = "MinBackward1"
    backward = MaxAll.backward


class MaxDim(Primitive):
    """z = x[argmax] along dim;  dz/dx = 1 at the selected index only"""

    backward_name = "MaxBackward0"
    select = staticmethod(np.argmax)

    @classmethod
    def forward(cls, ctx, x, dim, keepdim):
        idx = np.expand_dims(cls.select(x, axis=dim), dim)
        ctx.save_for_backward(idx)
        ctx.shape, ctx.dim, ctx.keepdim = x.shape, dim, keepdim
        out = np.take_along_axis(x, idx, axis=dim)
        indices = idx if keepdim else idx.squeeze(dim)
        ctx.mark_non_differentiable(indices)
        return (out if keepdim else out.squeeze(dim)), indices

    @staticmethod
    def backward(ctx, g, _):
        (idx,) = ctx.saved_tensors
        if not ctx.keepdim:
            g = np.expand_dims(g, ctx.dim)
        return PutAlongDim.call(g, idx, ctx.shape, ctx.dim), None, None


class MinDim(MaxDim):
    """z = x[argmin] along dim;  dz/dx = 1 at the selected index only"""

    backward_name = "MinBackward0"
    select = staticmethod(np.argmin)


class PutAlongDim(Primitive):
    """z = zeros(shape) with x put at idx along dim;  dz/dx = g taken at idx (TakeAlongDim)

    MaxDim's and MinDim's backward; with TakeAlongDim as its backward (and the other way
    round) they differentiate to any order."""

    backward_name = "ScatterBackward0"

    @staticmethod
    def forward(ctx, x, idx, shape, dim):
        ctx.idx, ctx.dim = idx, dim
        out = np.zeros(shape, x.dtype)
        np.put_along_axis(out, idx, x, axis=dim)
        return out

    @staticmethod
    def backward(ctx, g):
        return TakeAlongDim.call(g, ctx.idx, ctx.dim), None, None, None


class TakeAlongDim(Primitive):
    """z = x taken at idx along dim;  dz/dx = g put back at idx (PutAlongDim)"""

    backward_name = "GatherBackward0"

    @staticmethod
    def forward(ctx, x, idx, dim):
        ctx.idx, ctx.dim, ctx.shape = idx, dim, x.shape
        return np.take_along_axis(x, idx, axis=dim)

    @staticmethod
    def backward(ctx, g):
        return PutAlongDim.call(g, ctx.idx, ctx.shape, ctx.dim), None, None


def _centered(x, first, axes):
    """x - x̄ over ``axes``, as (x - s) - mean(x - s) with s = x[first], the first element of
    each reduced slice: the same thing (x̄ shifts along), but a slice of equal values gives
    exactly 0 (as torch's Welford update does).  Forward and backward both call it."""
    if 0 in x.shape:
        return x
    shifted = x - x[first]
    return shifted - np.mean(shifted, axis=axes, keepdims=True)


def _drop(out, axes, keepdim):
    """A reduction computed with keepdims=True, with the reduced dims dropped unless keepdim."""
    return out if keepdim else (out.reshape(()) if axes is None else out.squeeze(axes))


def _variance(ctx, x, axes, correction):
    """Var's forward: the variance, with the reduced dims kept."""
    n = x.size if axes is None else math.prod([x.shape[a] for a in axes])
    if n - correction <= 0:
        name = "std" if isinstance(ctx, Std._Node) else "var"
        warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly "
                      "less than the reduction factor (input numel divided by output "
                      "numel).", UserWarning, stacklevel=5)
    ctx.axes = axes
    ctx.first = tuple(slice(0, 1) if axes is None or i in axes else slice(None)
                      for i in range(x.ndim))
    # 1/(n - correction), +inf when there are no degrees of freedom left (as torch)
    ctx.scale = 1.0 / (n - correction) if n - correction > 0 else float("inf")
    with np.errstate(divide="ignore", invalid="ignore"):
        centered = _centered(x, ctx.first, axes)
        sq = np.sum(centered * centered, axis=axes, keepdims=True)
        out = sq / (n - correction) if n - correction > 0 else sq * ctx.scale
    ctx.kept = out.shape  # the output's shape with the reduced dims kept, for backward
    return out.astype(x.dtype, copy=False)


class Var(Primitive):
    """z = Σ(x - x̄)² / (n - correction);  dz/dx = 2(x - x̄) / (n - correction)

    Backward recomputes x - x̄ from the saved input: saved from forward, it would be a
    constant to a second derivative."""

    backward_name = "VarBackward0"

    @staticmethod
    def forward(ctx, x, axes, correction, keepdim):
        out = _variance(ctx, x, axes, correction)
        ctx.save_for_backward(x)
        return _drop(out, axes, keepdim)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        g = g.reshape(ctx.kept)
        with np.errstate(invalid="ignore", over="ignore"):
            return g * (2 * ctx.scale) * _centered(x, ctx.first, ctx.axes), None, None, None


class Norm2(Primitive):
    """z = √(Σ x²);  dz/dx = x / z  (taken as 0 where z = 0, as torch does)"""

    backward_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        out = np.sqrt(np.sum(x * x, axis=axes, keepdims=True))
        ctx.kept = out.shape
        out = _drop(out, axes, keepdim)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        g, out = g.reshape(ctx.kept), out.reshape(ctx.kept)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(out == 0, 0, g / out)
        return x * scale, None, None


class Std(Var):
    """z = √var(x);  dz/dx = (x - x̄) / ((n - correction)·z)  (0 where z = 0, as torch)"""

    backward_name = "StdBackward0"

    @staticmethod
    def forward(ctx, x, axes, correction, keepdim):
        out = _drop(np.sqrt(_variance(ctx, x, axes, correction)), axes, keepdim)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        g, out = g.reshape(ctx.kept), out.reshape(ctx.kept)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            scale = np.where(out == 0, 0, g * ctx.scale / out)
            return _centered(x, ctx.first, ctx.axes) * scale, None, None, None


def logsumexp_array(x, axis, keepdims):
    """log Σ e^x computed as m + log Σ e^(x - m), m = max x, so nothing overflows."""
    m = np.amax(x, axis=axis, keepdims=True, initial=-np.inf)
    m = np.where(np.isfinite(m), m, 0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


class LogSumExp(Primitive):
    """z = log Σ e^x;  dz/dx = e^(x - z) = softmax(x)"""

    backward_name = "LogsumexpBackward0"

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        out = logsumexp_array(x, axes, True)
        ctx.kept = out.shape
        out = _drop(out, axes, keepdim)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        return g.reshape(ctx.kept) * np.exp(x - out.reshape(ctx.kept)), None, None


class SoftmaxFunction(Primitive):
    """y = e^x / Σ e^x;  dL/dx = y ⊙ (g - Σ g·y)"""

    backward_name = "SoftmaxBackward0"

    @staticmethod
    def forward(ctx, x, dim):
        with np.errstate(invalid="ignore"):  # a +inf input gives nan (inf - inf), as torch
            e = np.exp(x - np.amax(x, axis=dim, keepdims=True, initial=-np.inf))
            out = e / np.sum(e, axis=dim, keepdims=True)
        ctx.save_for_backward(out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return y * (g - np.sum(g * y, axis=ctx.dim, keepdims=True)), None


class LogSoftmaxFunction(Primitive):
    """y = x - log Σ e^x;  dL/dx = g - e^y · Σ g"""

    backward_name = "LogSoftmaxBackward0"

    @staticmethod
    def forward(ctx, x, dim):
        with np.errstate(invalid="ignore", divide="ignore"):  # +inf / all -inf: nan, as torch
            shifted = x - np.amax(x, axis=dim, keepdims=True, initial=-np.inf)
            out = shifted - np.log(np.sum(np.exp(shifted), axis=dim, keepdims=True))
        ctx.save_for_backward(out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g - np.exp(y) * np.sum(g, axis=ctx.dim, keepdims=True), None
