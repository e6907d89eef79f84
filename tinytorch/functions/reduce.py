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
    return np.expand_dims(g, axes)


def _spread(g, shape):
    """g copied to every position of ``shape`` (a fresh array: cheaper than broadcast_to,
    and safe to hand on)."""
    out = np.empty(shape, g.dtype)
    out[...] = g
    return out


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
        return _spread(_restore(g, ctx.shape, ctx.axes, ctx.keepdim), ctx.shape), None, None


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
        return _spread(g, ctx.shape), None, None


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
        ctx.save_for_backward(x, out)
        ctx.axes = axes
        return out if keepdim else (out.reshape(()) if axes is None else out.squeeze(axes))

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        hit = x == out
        count = hit.sum(axis=ctx.axes, keepdims=True)
        return hit * (g.reshape(out.shape) / count), None, None


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
        gx = np.zeros(ctx.shape, g.dtype)
        np.put_along_axis(gx, idx, g, axis=ctx.dim)
        return gx, None, None


class MinDim(MaxDim):
    """z = x[argmin] along dim;  dz/dx = 1 at the selected index only"""

    backward_name = "MinBackward0"
    select = staticmethod(np.argmin)


class Var(Primitive):
    """z = Σ(x - x̄)² / (n - correction);  dz/dx = 2(x - x̄) / (n - correction)"""

    backward_name = "VarBackward0"

    @staticmethod
    def forward(ctx, x, axes, correction, keepdim):
        n = x.size if axes is None else math.prod([x.shape[a] for a in axes])
        if n - correction <= 0:
            name = "std" if isinstance(ctx, Std._Node) else "var"
            warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly "
                          "less than the reduction factor (input numel divided by output "
                          "numel).", UserWarning, stacklevel=4)
        # shift by one element of each reduced slice first: the variance does not change,
        # and a slice of equal values gives exactly 0 (as torch's Welford update does)
        first = tuple(slice(0, 1) if axes is None or i in axes else slice(None)
                      for i in range(x.ndim))
        with np.errstate(divide="ignore", invalid="ignore"):
            shifted = x - x[first] if x.size else x
            centered = shifted - np.mean(shifted, axis=axes, keepdims=True) if x.size else x
        ctx.save_for_backward(centered)
        ctx.axes, ctx.keepdim = axes, keepdim
        # 1/(n - correction), +inf when there are no degrees of freedom left (as torch)
        ctx.scale = 1.0 / (n - correction) if n - correction > 0 else float("inf")
        with np.errstate(divide="ignore", invalid="ignore"):
            sq = np.sum(centered * centered, axis=axes, keepdims=keepdim)
            out = sq / (n - correction) if n - correction > 0 else sq * ctx.scale
            return out.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        (centered,) = ctx.saved_tensors
        g = _restore(g, centered.shape, ctx.axes, ctx.keepdim)
        with np.errstate(invalid="ignore", over="ignore"):
            return g * (2 * ctx.scale) * centered, None, None, None


class Norm2(Primitive):
    """z = √(Σ x²);  dz/dx = x / z  (taken as 0 where z = 0, as torch does)"""

    backward_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        out = np.sqrt(np.sum(x * x, axis=axes, keepdims=True))
        ctx.save_for_backward(x, out)
        ctx.axes = axes
        return out if keepdim else (out.reshape(()) if axes is None else out.squeeze(axes))

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        g = g.reshape(out.shape)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(out == 0, 0, g / out)
        return x * scale, None, None


class Std(Var):
    """z = √var(x);  dz/dx = (x - x̄) / ((n - correction)·z)  (0 where z = 0, as torch)"""

    backward_name = "StdBackward0"

    @staticmethod
    def forward(ctx, x, axes, correction, keepdim):
        var = Var.forward(ctx, x, axes, correction, True)
        out = np.sqrt(var)
        ctx.out = out
        return out if keepdim else (out.reshape(()) if axes is None else out.squeeze(axes))

    @staticmethod
    def backward(ctx, g):
        (centered,) = ctx.saved_tensors
        g = g.reshape(ctx.out.shape)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            scale = np.where(ctx.out == 0, 0, g * ctx.scale / ctx.out)
        return centered * scale, None, None, None


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
        ctx.save_for_backward(x, out)
        return out if keepdim else np.squeeze(out, axis=axes)

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        return g.reshape(out.shape) * np.exp(x - out), None, None


class Softmax(Primitive):
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


class LogSoftmax(Primitive):
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
