"""Reductions.  ``axes`` is a tuple of non-negative dims (already checked) or None for all."""
import math
import warnings

import numpy as np

from ..autograd.function import Primitive


def accumulator(dtype):
    """The dtype torch reduces ``dtype`` values in: float32 for float16, the dtype itself
    otherwise.  torch accumulates half in float32 and rounds the result once (a float16
    running sum of 2049 ones stops at 2048, and 300² + 400² overflows float16)."""
    return np.dtype(np.float32) if dtype == np.float16 else dtype


def widened(x):
    """x in its accumulator dtype: a float32 copy of a float16 array, any other array as it
    is.  The caller casts the result back to x's dtype."""
    return x.astype(np.float32) if x.dtype == np.float16 else x


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
        if x.dtype == np.float16:  # accumulated in float32 (see accumulator)
            return x.sum(axis=axes, keepdims=keepdim, dtype=np.float32).astype(np.float16)
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
        # a NaN max equals no element: k = 0 and the slice's gradient is NaN, as in torch
        with np.errstate(divide="ignore", invalid="ignore"):
            return hit * (g.reshape(ctx.kept) / count), None, None


class AMin(AMax):
    """z = min over dims;  dz/dx = 1/k at each of the k elements equal to the min, else 0"""

    backward_name = "AminBackward0"
    reduce = staticmethod(np.amin)


class MaxAll(AMax):
    """z = max of every element (``x.max()``);  dz/dx = 1/k at each of the k elements equal
    to z, or at each of the k NaNs if z is NaN (as torch)"""

    backward_name = "MaxBackward1"

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        hit = np.isnan(x) if np.isnan(out) else x == out
        # only the hits are written (torch fills them in), so the rest stay exactly 0
        return np.where(hit, g / hit.sum(), np.zeros((), g.dtype)), None, None


class MinAll(AMin):
    """z = min of every element (``x.min()``);  dz/dx = 1/k at each of the k elements equal
    to z, or at each of the k NaNs if z is NaN (as torch)"""

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
        return ScatterAddAlongDim.call(g, idx, ctx.shape, ctx.dim), None, None


class MinDim(MaxDim):
    """z = x[argmin] along dim;  dz/dx = 1 at the selected index only"""

    backward_name = "MinBackward0"
    select = staticmethod(np.argmin)


def _centered(x, first, axes):
    """x - x̄ over ``axes``, as (x - s) - mean(x - s) with s = x[first], the first element of
    each reduced slice: the same thing (x̄ shifts along), but a slice of equal values gives
    exactly 0 (as torch's Welford update does).  An infinite s would turn the whole slice
    into NaN (inf - inf), so there s = 0: x - x̄ is then NaN or ±inf element by element, as
    in torch.  Forward and backward both call it."""
    if 0 in x.shape:
        return x
    s = x[first]
    finite = np.isfinite(s)
    if not finite.all():
        s = np.where(finite, s, 0)
    shifted = x - s
    return shifted - np.mean(shifted, axis=axes, keepdims=True)


def _drop(out, axes, keepdim):
    """A reduction computed with keepdims=True, with the reduced dims dropped unless keepdim."""
    return out if keepdim else (out.reshape(()) if axes is None else out.squeeze(axes))


def _variance(ctx, x, axes, correction):
    """Var's forward: the variance, with the reduced dims kept; float16 is computed and
    returned in float32 (see widened: its std may be finite where its variance is not)."""
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
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        centered = _centered(widened(x), ctx.first, axes)
        sq = np.sum(centered * centered, axis=axes, keepdims=True)
        out = sq / (n - correction) if n - correction > 0 else sq * ctx.scale
    ctx.kept = out.shape  # the output's shape with the reduced dims kept, for backward
    return out


class Var(Primitive):
    """z = Σ(x - x̄)² / (n - correction);  dz/dx = 2(x - x̄) / (n - correction)

    Backward recomputes x - x̄ from the saved input: saved from forward, it would be a
    constant to a second derivative."""

    backward_name = "VarBackward0"

    @staticmethod
    def forward(ctx, x, axes, correction, keepdim):
        out = _variance(ctx, x, axes, correction).astype(x.dtype, copy=False)
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
        xw = widened(x)
        with np.errstate(over="ignore"):
            out = np.sqrt(np.sum(xw * xw, axis=axes, keepdims=True)).astype(x.dtype, copy=False)
        out = np.asarray(out)  # a 0-d x sums to a numpy scalar: the output must be an array
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
            return x * scale, None, None  # inf·0 at an infinite x: NaN, as torch


class Std(Var):
    """z = √var(x);  dz/dx = (x - x̄) / ((n - correction)·z)  (0 where z = 0, as torch)"""

    backward_name = "StdBackward0"

    @staticmethod
    def forward(ctx, x, axes, correction, keepdim):
        out = np.sqrt(_variance(ctx, x, axes, correction)).astype(x.dtype, copy=False)
        out = _drop(out, axes, keepdim)
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
    """log Σ e^x computed as m + log Σ e^(x - m), m = max x, so nothing overflows (float16
    in float32, see widened).  An infinite m is taken as 0: all -inf gives -inf, a +inf
    gives +inf (or NaN next to another +inf), as torch."""
    xw = widened(x)
    m = np.amax(xw, axis=axis, keepdims=True, initial=-np.inf)
    m = np.where(np.isfinite(m), m, 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.log(np.sum(np.exp(xw - m), axis=axis, keepdims=True)) + m
    out = out.astype(x.dtype, copy=False)
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
        with np.errstate(invalid="ignore"):  # x = z = ±inf: NaN, as torch
            return g.reshape(ctx.kept) * np.exp(x - out.reshape(ctx.kept)), None, None


class SoftmaxFunction(Primitive):
    """y = e^x / Σ e^x;  dL/dx = y ⊙ (g - Σ g·y)"""

    backward_name = "SoftmaxBackward0"

    @staticmethod
    def forward(ctx, x, dim):
        xw = widened(x)
        with np.errstate(invalid="ignore"):  # a +inf input gives nan (inf - inf), as torch
            e = np.exp(xw - np.amax(xw, axis=dim, keepdims=True, initial=-np.inf))
            out = (e / np.sum(e, axis=dim, keepdims=True)).astype(x.dtype, copy=False)
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
        xw = widened(x)
        with np.errstate(invalid="ignore", divide="ignore"):  # +inf / all -inf: nan, as torch
            shifted = xw - np.amax(xw, axis=dim, keepdims=True, initial=-np.inf)
            out = shifted - np.log(np.sum(np.exp(shifted), axis=dim, keepdims=True))
        out = out.astype(x.dtype, copy=False)
        ctx.save_for_backward(out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g - np.exp(y) * np.sum(g, axis=ctx.dim, keepdims=True), None


# --- issue 12: products, cumulative ops, selections ---------------------------------------

def _along(dim, n, piece):
    """An index that takes ``piece`` (a slice) along ``dim`` of an n-d array."""
    return (slice(None),) * dim + (piece,) + (slice(None),) * (n - dim - 1)


def _exclusive_cumprod(x, dim, reverse):
    """Π of the elements strictly before (after, if reverse) each one along dim, as a
    cumprod of x shifted by one with a 1 put in: differentiable (arrays and Tensors)."""
    n = x.ndim
    one = np.ones_like(x[_along(dim, n, slice(0, 1))])
    if reverse:
        shifted = np.concatenate([x[_along(dim, n, slice(1, None))], one], axis=dim)
    else:
        shifted = np.concatenate([one, x[_along(dim, n, slice(0, -1))]], axis=dim)
    return CumProd.call(shifted, dim, reverse)


class Prod(Primitive):
    """z = Π x along dim (all of x if dim is None);  dz/dx_k = Π of the others
    (= z / x_k without zeros; with zeros, the exclusive products before and after k)"""

    backward_name = "ProdBackward1"

    @staticmethod
    def forward(ctx, x, dim, keepdim):
        ctx.shape, ctx.dim, ctx.keepdim = x.shape, dim, keepdim
        dt = np.int64 if x.dtype.kind in "biu" else accumulator(x.dtype)
        with np.errstate(over="ignore", invalid="ignore"):
            out = np.asarray(np.prod(x, axis=dim, keepdims=keepdim, dtype=dt)).astype(
                np.int64 if x.dtype.kind in "biu" else x.dtype, copy=False)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        if x.ndim == 0:
            return g, None, None
        dim = ctx.dim
        if dim is None:
            g, out = g.reshape((1,) * x.ndim), out.reshape((1,) * x.ndim)
        elif not ctx.keepdim:
            g, out = np.expand_dims(g, dim), np.expand_dims(out, dim)
        zeros = int(np.count_nonzero(np.asarray(x._data if hasattr(x, "_data") else x) == 0))
        with np.errstate(divide="ignore", invalid="ignore"):
            if zeros == 0:
                return g * (out / x), None, None
        if dim is None and zeros > 1 and isinstance(g, np.ndarray):
            return np.zeros(x.shape, x.dtype), None, None
        flat = x.reshape(-1) if dim is None else x
        d = 0 if dim is None else dim
        with np.errstate(invalid="ignore", over="ignore"):
            others = _exclusive_cumprod(flat, d, False) * _exclusive_cumprod(flat, d, True)
            return g * others.reshape(x.shape), None, None


class ProdAll(Prod):
    """z = Π of every element (``x.prod()``);  dz/dx_k = Π of the others"""

    backward_name = "ProdBackward0"


class CumSum(Primitive):
    """z_i = Σ_{j≤i} x_j along dim (j ≥ i if reverse);  dz/dx = the reverse cumsum of g"""

    backward_name = "CumsumBackward0"

    @staticmethod
    def forward(ctx, x, dim, reverse):
        ctx.dim, ctx.reverse = dim, reverse
        dt = np.int64 if x.dtype.kind in "biu" else accumulator(x.dtype)
        with np.errstate(over="ignore", invalid="ignore"):
            if reverse:
                x = np.flip(x, dim)
            out = np.cumsum(x, axis=dim, dtype=dt)
            out = np.flip(out, dim) if reverse else out
        return np.ascontiguousarray(out.astype(np.int64 if x.dtype.kind in "biu" else x.dtype,
                                               copy=False))

    @staticmethod
    def backward(ctx, g):
        return CumSum.call(g, ctx.dim, not ctx.reverse), None, None


class CumProd(Primitive):
    """z_i = Π_{j≤i} x_j (j ≥ i if reverse);  dz/dx_k = Σ_{i≥k} g_i Π_{j≤i, j≠k} x_j

    Without zeros that is the reverse cumsum of g·z, over x_k; with zeros, torch's O(n²) sum
    of the products that leave x_k out (differentiable again)."""

    backward_name = "CumprodBackward0"

    @staticmethod
    def forward(ctx, x, dim, reverse):
        ctx.dim, ctx.reverse = dim, reverse
        dt = np.int64 if x.dtype.kind in "biu" else accumulator(x.dtype)
        with np.errstate(over="ignore", invalid="ignore"):
            src = np.flip(x, dim) if reverse else x
            out = np.cumprod(src, axis=dim, dtype=dt)
            out = np.flip(out, dim) if reverse else out
        out = np.ascontiguousarray(out.astype(np.int64 if x.dtype.kind in "biu" else x.dtype,
                                              copy=False))
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        dim, rev = ctx.dim, ctx.reverse
        if x.ndim == 0 or x.shape[dim] <= 1:
            return g, None, None
        raw_x = np.asarray(x._data if hasattr(x, "_data") else x)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if not (raw_x == 0).any():
                return CumSum.call(out * g, dim, not rev) / x, None, None
            n, nd = x.shape[dim], x.ndim
            cols = []
            for k in range(n):  # torch's O(n²) sum, exact with zeros and differentiable
                idx = n - 1 - k if rev else k
                before = slice(idx + 1, None) if rev else slice(0, idx)
                after = slice(0, idx) if rev else slice(idx + 1, None)
                until = Prod.call(x[_along(dim, nd, before)], dim, True) if k else None
                parts = []
                if k < n - 1:
                    tail = CumProd.call(x[_along(dim, nd, after)], dim, rev)
                    if until is not None:
                        tail = until * tail
                    parts = [tail]
                head = np.ones_like(x[_along(dim, nd, slice(idx, idx + 1))]) if until is None \
                    else until
                omitted = np.concatenate(parts + [head] if rev else [head] + parts, axis=dim)
                gk = g[_along(dim, nd, slice(0, idx + 1) if rev else slice(idx, None))]
                cols.append(np.sum(gk * omitted, axis=dim, keepdims=True))
            return np.concatenate(cols[::-1] if rev else cols, axis=dim), None, None


class ScatterAddAlongDim(Primitive):
    """z = zeros(shape) with x added at idx along dim (repeated indices add up);
    dz/dx = g taken at idx (GatherAlongDim)

    The backward of MaxDim, MinDim, cummax, ... ; with GatherAlongDim as its backward (and
    the other way round) they differentiate to any order."""

    backward_name = "ScatterAddBackward0"

    @staticmethod
    def forward(ctx, x, idx, shape, dim):
        ctx.idx, ctx.dim = idx, dim
        out = np.zeros(shape, x.dtype)
        full = list(np.indices(idx.shape, sparse=True))
        full[dim] = idx
        np.add.at(out, tuple(full), x)
        return out

    @staticmethod
    def backward(ctx, g):
        return GatherAlongDim.call(g, ctx.idx, ctx.dim), None, None, None


class GatherAlongDim(Primitive):
    """z = x taken at idx along dim (indices may repeat);  dz/dx = g added back at idx"""

    backward_name = "GatherBackward0"

    @staticmethod
    def forward(ctx, x, idx, dim):
        ctx.idx, ctx.dim, ctx.shape = idx, dim, x.shape
        return np.take_along_axis(x, idx, axis=dim)

    @staticmethod
    def backward(ctx, g):
        return ScatterAddAlongDim.call(g, ctx.idx, ctx.shape, ctx.dim), None, None


class LogCumSumExp(Primitive):
    """z_i = log Σ_{j≤i} e^{x_j} (j ≥ i if reverse);  dz/dx_k = Σ_{i≥k} g_i e^{x_k - z_i},
    summed as torch does: in log space, the positive and the negative g apart, with the
    reverse logcumsumexp (a 0-d x: z = x, dz/dx = g)"""

    backward_name = "LogcumsumexpBackward0"

    @staticmethod
    def forward(ctx, x, dim, reverse):
        ctx.dim, ctx.reverse = dim, reverse
        if x.ndim == 0:
            return x.copy()
        xw = widened(x)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            src = np.flip(xw, dim) if reverse else xw
            out = np.logaddexp.accumulate(src, axis=dim)
            out = np.flip(out, dim) if reverse else out
        out = np.ascontiguousarray(out.astype(x.dtype, copy=False))
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        if g.ndim == 0 or g.size == 0:
            return g, None, None
        x, out = ctx.saved_tensors
        dim, rev = ctx.dim, not ctx.reverse
        lowest = np.finfo(x.dtype).min
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            log_abs = np.log(np.abs(g))
            pos = np.where(g > 0, log_abs, lowest)
            neg = np.where(g < 0, log_abs, lowest)
            return (np.exp(LogCumSumExp.call(pos - out, dim, rev) + x)
                    - np.exp(LogCumSumExp.call(neg - out, dim, rev) + x)), None, None


class MedianAll(Primitive):
    """z = the lower median of every element;  dz/dx = 1/k at each of the k elements equal to
    z (or at each NaN if z is NaN), as torch"""

    backward_name = "MedianBackward0"

    @staticmethod
    def forward(ctx, x, flat_index):
        out = np.array(x.reshape(-1)[flat_index])
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        return MaxAll.backward(ctx, g)[0], None


class Select(Primitive):
    """z = x taken at idx along dim (distinct indices; the dim dropped unless keepdim), the
    values of sort, topk, kthvalue, median and mode;  dz/dx = g put back at idx"""

    backward_name = "SortBackward0"

    @staticmethod
    def forward(ctx, x, idx, dim, keepdim):
        ctx.idx, ctx.dim, ctx.shape, ctx.keepdim = idx, dim, x.shape, keepdim
        out = np.take_along_axis(x, idx, axis=dim)
        return out if keepdim else out.squeeze(dim)

    @staticmethod
    def backward(ctx, g):
        if not ctx.keepdim:
            g = np.expand_dims(g, ctx.dim)
        return ScatterAddAlongDim.call(g, ctx.idx, ctx.shape, ctx.dim), None, None, None


def _named(base, name):
    return type(name.replace("Backward0", "").replace("Backward1", "") + base.__name__,
                (base,), {"backward_name": name, "__doc__": base.__doc__})


SELECT = {op: _named(Select, name) for op, name in [
    ("sort", "SortBackward0"), ("topk", "TopkBackward0"), ("kthvalue", "KthvalueBackward0"),
    ("median", "MedianBackward1"), ("mode", "ModeBackward0")]}
CUM_EXTREMUM = {op: _named(GatherAlongDim, name) for op, name in [
    ("cummax", "CummaxBackward0"), ("cummin", "CumminBackward0")]}
