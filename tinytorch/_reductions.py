"""Reductions, cumulative ops, sorting and selection with torch's names.

The module's functions call primitives from functions/; __all__ lists those exported
as tinytorch.<name> and METHODS the Tensor methods (name -> function taking the
tensor first), which tensor.py adds to its method table.
"""
import builtins

import numpy as np

from . import _ops, return_types
from ._checks import (TORCH_TYPE, aliases, check_extremum_dims, dim_arg, dims_arg,
                      not_implemented)
from ._inplace import inplace
from ._promotion import floating
from .autograd.function import TensorBase, _make
from .functions import reduce as R
from .functions import sort as SO

__all__ = ["prod", "cumsum", "cumprod", "logcumsumexp", "cummax", "cummin", "sort", "argsort",
           "msort", "topk", "kthvalue", "median", "std_mean", "var_mean", "aminmax", "nansum",
           "nanmean", "count_nonzero", "mode", "unique", "searchsorted", "bucketize"]


def _pair(name, first="values", second="indices"):
    """A torch.return_types named pair (tinytorch.return_types.<name>)."""
    def item(k):
        return property(lambda self: self[k])
    cls = type(name, (return_types._MinMax,), {"__slots__": (), "_name": name,
                                               first: item(0), second: item(1)})
    if first != "values":
        cls.__repr__ = lambda self: (f"tinytorch.return_types.{name}(\n{first}={self[0]!r},"
                                     f"\n{second}={self[1]!r})")
    setattr(return_types, name, cls)
    return cls


_SORT, _TOPK, _KTH, _MEDIAN = _pair("sort"), _pair("topk"), _pair("kthvalue"), _pair("median")
_CUMMAX, _CUMMIN, _MODE = _pair("cummax"), _pair("cummin"), _pair("mode")
_AMINMAX = _pair("aminmax", "min", "max")


def _dtype_arg(t, dtype):
    return t if dtype is None else t.to(dtype)


def _check_tensor(t, op):
    if not isinstance(t, TensorBase):
        raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(t).__name__}")


# --- any / all with a dim ------------------------------------------------------------------

def _logical(t, dim, keepdim, fn, op, axis=None, keepdims=None):
    dim, keepdim = aliases(dim, keepdim, axis, keepdims, op)
    axes = dims_arg(dim, t._data.ndim, op)
    out = np.asarray(fn(t._data, axis=axes, keepdims=builtins.bool(keepdim)))
    return _make(out.astype(np.uint8) if t._data.dtype == np.uint8 else out)


def all(input, dim=None, keepdim=False, *, axis=None, keepdims=None):  # noqa: A001
    return _logical(input, dim, keepdim, np.all, "all", axis, keepdims)


def any(input, dim=None, keepdim=False, *, axis=None, keepdims=None):  # noqa: A001
    return _logical(input, dim, keepdim, np.any, "any", axis, keepdims)


# --- the reductions kept here, with torch's axis/keepdims aliases --------------------------

def amax(input, dim=(), keepdim=False, *, axis=None, keepdims=None):
    dim, keepdim = aliases(None if dim == () else dim, keepdim, axis, keepdims, "amax")
    axes = dims_arg(() if dim is None else dim, input._data.ndim, "amax")
    check_extremum_dims(input, axes, "amax")
    return R.AMax.apply(input, axes, keepdim)


def amin(input, dim=(), keepdim=False, *, axis=None, keepdims=None):
    dim, keepdim = aliases(None if dim == () else dim, keepdim, axis, keepdims, "amin")
    axes = dims_arg(() if dim is None else dim, input._data.ndim, "amin")
    check_extremum_dims(input, axes, "amin")
    return R.AMin.apply(input, axes, keepdim)


def argmax(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    dim, keepdim = aliases(dim, keepdim, axis, keepdims, "argmax")
    return _ops.arg_extremum(input, dim, keepdim, np.argmax, "argmax")


def argmin(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    dim, keepdim = aliases(dim, keepdim, axis, keepdims, "argmin")
    return _ops.arg_extremum(input, dim, keepdim, np.argmin, "argmin")


def logsumexp(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    dim, keepdim = aliases(dim, keepdim, axis, keepdims, "logsumexp")
    if dim is None:
        raise TypeError("logsumexp() missing 1 required positional arguments: \"dim\"")
    return R.LogSumExp.apply(floating(input), dims_arg(dim, input._data.ndim, "logsumexp"),
                             keepdim)


def norm(input, p=2, dim=None, keepdim=False):
    """The vector p-norm (torch's Tensor.norm takes no axis/keepdims aliases)."""
    return _ops.norm(input, p, dim, keepdim, dims_arg(dim, input._data.ndim, "norm"))


# --- products and cumulative ops -------------------------------------------------------

def prod(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    """Π of the elements (along one dim)."""
    dim, keepdim = aliases(dim, keepdim, axis, keepdims, "prod")
    x = _dtype_arg(input, dtype)
    d = None if dim is None else dim_arg(dim, x._data.ndim, "prod")
    if x._data.ndim == 0:
        d = None
    if dim is None:
        return R.ProdAll.apply(x, None, False)
    return R.Prod.apply(x, d, builtins.bool(keepdim))


def _cumulative(fn, op):
    def run(input, dim=None, *, dtype=None, axis=None):
        dim, _ = aliases(dim, False, axis, None, op)
        if dim is None:
            raise TypeError(f'{op}() missing 1 required positional arguments: "dim"')
        x = _dtype_arg(input, dtype)
        d = dim_arg(dim, x._data.ndim, op)
        if x._data.ndim == 0:
            return fn.apply(x.reshape(1), 0, False).reshape(())
        return fn.apply(x, d, False)
    run.__name__ = op
    run.__doc__ = f"``{op}`` along ``dim``"
    return run


cumsum = _cumulative(R.CumSum, "cumsum")
cumprod = _cumulative(R.CumProd, "cumprod")


def _cumulative_(op):
    def run(self, dim, *, dtype=None):
        return inplace(self, lambda: globals()[op](self, dim, dtype=dtype), op + "_")
    run.__name__ = op + "_"
    return run


def logcumsumexp(input, dim):
    """log Σ_{j≤i} e^{x_j} along dim."""
    d = dim_arg(dim, input._data.ndim, "logcumsumexp")
    if input._data.dtype.kind != "f":
        raise not_implemented("logcumsumexp_out_cpu", input._data.dtype)
    return R.LogCumSumExp.apply(input, d, False)


def _cum_extremum(input, dim, op):
    d = dim_arg(dim, input._data.ndim, op)
    x = input if input._data.ndim else input.reshape(1)
    a = x._data
    if a.dtype == np.bool_:
        a = a.astype(np.uint8)
    acc = (np.maximum if op == "cummax" else np.minimum).accumulate
    with np.errstate(invalid="ignore"):
        vals = acc(a, axis=d) if a.size else a
        hit = (a == vals) | (np.isnan(vals) & np.isnan(a) if a.dtype.kind == "f" else False)
    shape = [1] * a.ndim
    if a.ndim:
        shape[d] = a.shape[d]
    pos = np.arange(a.shape[d] if a.ndim else 1).reshape(shape)
    idx = np.maximum.accumulate(np.where(hit, pos, 0), axis=d) if a.size else \
        np.zeros(a.shape, np.int64)
    idx = idx.astype(np.int64)
    values = R.CUM_EXTREMUM[op].apply(x, idx, d)
    if input._data.ndim == 0:
        values, idx = values.reshape(()), idx.reshape(())
    return (_CUMMAX if op == "cummax" else _CUMMIN)(values, _make(idx))


def cummax(input, dim):
    return _cum_extremum(input, dim, "cummax")


def cummin(input, dim):
    return _cum_extremum(input, dim, "cummin")


# --- sorting and selection -------------------------------------------------------------

def _take(x, idx, d, op, keepdim=True):
    """The values at idx along d (recorded as op's backward) and the indices."""
    values = R.SELECT[op].apply(x, idx, d, keepdim)
    if not keepdim:
        idx = idx.squeeze(d)
    return values, _make(np.ascontiguousarray(idx))


def _as_1d(input, dim, op):
    """input (1-d if 0-d) and dim checked and made non-negative."""
    d = dim_arg(dim, input._data.ndim, op)
    return (input if input._data.ndim else input.reshape(1)), d


def sort(input, dim=-1, descending=False, *, stable=False):
    """(values, indices) sorted along dim; ties keep their order, NaN sorts largest."""
    x, d = _as_1d(input, dim, "sort")
    idx = SO.sort_order(x._data, d, descending, stable).astype(np.int64)
    values, indices = _take(x, idx, d, "sort")
    if input._data.ndim == 0:
        values, indices = values.reshape(()), indices.reshape(())
    return _SORT(values, indices)


def argsort(input, dim=-1, descending=False, *, stable=False):
    return sort(input, dim, descending, stable=stable)[1]


def msort(input):
    return sort(input, 0)[0]


def topk(input, k, dim=-1, largest=True, sorted=True):
    """The k largest (smallest) elements along dim and their indices."""
    x, d = _as_1d(input, dim, "topk")
    n = x._data.shape[d]
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")
    idx = SO.topk_order(x._data, k, d, largest, sorted)
    values, indices = _take(x, idx, d, "topk")
    if input._data.ndim == 0:
        values, indices = values.reshape(()), indices.reshape(())
    return _TOPK(values, indices)


def _kth(input, k, dim, keepdim, op, result):
    """The k-th smallest (1-based) element along dim; a slice with a NaN gives its NaN when
    ``nan_first`` (median)."""
    x, d = _as_1d(input, dim, op)
    n = x._data.shape[d]
    if not 1 <= k <= builtins.max(n, 1) or n == 0:
        raise IndexError(f"{op}(): Expected reduction dim {d} to have non-zero size.") \
            if n == 0 else RuntimeError(f"{op}(): selected number k out of range for "
                                        f"dimension {d}")
    if op == "median":
        order = SO.stable_order(x._data, d, False)
        idx = order[R._along(d, order.ndim, slice(k - 1, k))].astype(np.int64)
    else:
        idx = SO.kth_order(x._data, k, d)
    if op == "median" and x._data.dtype.kind == "f":
        nan = np.isnan(x._data)
        first_nan = np.argmax(nan, axis=d, keepdims=True)
        idx = np.where(nan.any(axis=d, keepdims=True), first_nan, idx).astype(np.int64)
    values, indices = _take(x, idx, d, op, keepdim or input._data.ndim == 0)
    if input._data.ndim == 0:
        values, indices = values.reshape(()), indices.reshape(())
    return result(values, indices)


def kthvalue(input, k, dim=-1, keepdim=False):
    return _kth(input, k, dim, keepdim, "kthvalue", _KTH)


def median(input, dim=None, keepdim=False):
    """The lower median (along dim: with its index); NaN if the slice holds a NaN."""
    if dim is None:
        flat = input.reshape(-1)
        if flat._data.size == 0:
            return _make(np.full((), np.nan, input._data.dtype))
        n = flat._data.size
        at = _kth(flat, (n + 1) // 2, 0, False, "median", _MEDIAN)[1].item()
        return R.MedianAll.apply(input, at)
    d = dim_arg(dim, input._data.ndim, "median")
    n = input._data.shape[d] if input._data.ndim else 1
    return _kth(input, (n + 1) // 2, dim, keepdim, "median", _MEDIAN)


def mode(input, dim=-1, keepdim=False):
    """The most frequent value along dim (the smallest of equally frequent ones), with the
    index torch's kernel gives it."""
    x, d = _as_1d(input, dim, "mode")
    if x._data.shape[d] == 0:
        raise IndexError(f"mode(): Expected reduction dim {d} to have non-zero size.")
    values, indices = _take(x, SO.mode_order(x._data, d), d, "mode",
                            keepdim or not input._data.ndim)
    if input._data.ndim == 0:
        values, indices = values.reshape(()), indices.reshape(())
    return _MODE(values, indices)


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct elements, in ascending order (each NaN counts as distinct, as in torch);
    with ``dim``, the distinct slices along it.  No gradient."""
    a = input._data
    if dim is None:
        out, inverse, counts = np.unique(a.reshape(-1), return_inverse=True,
                                         return_counts=True, equal_nan=False)
        inverse = inverse.reshape(a.shape)
    else:
        d = dim_arg(dim, a.ndim, "unique")
        if a.shape[d] == 0 and a.size == 0 and a.ndim > 1 and 0 not in a.shape[:d] + \
                a.shape[d + 1:]:
            raise RuntimeError("Number of zero sized dimensions is more than one, so unique "
                               "cannot be applied")
        out, inverse, counts = np.unique(a, return_inverse=True, return_counts=True, axis=d)
        inverse = inverse.reshape(-1)
    result = (_make(np.ascontiguousarray(out)),)
    if return_inverse:
        result += (_make(inverse.astype(np.int64)),)
    if return_counts:
        result += (_make(counts.astype(np.int64)),)
    return result[0] if len(result) == 1 else result


def _search_side(right, side):
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError("torch.searchsorted(): side can only be 'left' or 'right' but "
                               f"got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to "
                               "opposites, got side of left while right was True")
        return side == "right"
    return builtins.bool(right)


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None,
                 sorter=None):
    """For each value, the index in the innermost dim of ``sorted_sequence`` where it
    would be inserted to keep it sorted (after equal elements if right)."""
    _check_tensor(sorted_sequence, "searchsorted")
    seq = sorted_sequence._data
    scalar = not isinstance(input, TensorBase)
    vals = np.asarray(input) if scalar else input._data
    if seq.ndim == 0:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should have positive "
                           "dimension, but got 0 dimension")
    if seq.ndim > 1 and (vals.ndim != seq.ndim or vals.shape[:-1] != seq.shape[:-1]):
        raise RuntimeError("torch.searchsorted(): boundaries tensor should be 1 dimension or "
                           "the first N-1 dimensions of boundaries tensor and input value "
                           "tensor must match, but we got boundaries tensor "
                           f"{list(seq.shape)} and input value tensor {list(vals.shape)}")
    if sorter is not None:
        seq = np.take_along_axis(seq, sorter._data, axis=-1)
    out = SO.search(seq, vals, _search_side(right, side))
    return _make(np.asarray(out, np.int32 if out_int32 else np.int64))


def bucketize(input, boundaries, *, out_int32=False, right=False):
    """The bucket of each value among the 1-d ``boundaries`` (searchsorted's index)."""
    _check_tensor(boundaries, "bucketize")
    if boundaries._data.ndim != 1:
        raise RuntimeError("boundaries tensor must be 1 dimension, but got dim("
                           f"{boundaries._data.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


# --- mean/variance pairs and friends -----------------------------------------------------

def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    if isinstance(dim, builtins.bool):
        dim, unbiased = None, dim
    return (input.var(dim, unbiased, keepdim, correction=correction),
            input.mean(dim, keepdim))


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    if isinstance(dim, builtins.bool):
        dim, unbiased = None, dim
    return (input.std(dim, unbiased, keepdim, correction=correction),
            input.mean(dim, keepdim))


def aminmax(input, *, dim=None, keepdim=False):
    a = input._data
    if a.size == 0 and (dim is None or a.shape[dim_arg(dim, a.ndim, "aminmax")] == 0):
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the "
                           "operation has no identity.")
    d = () if dim is None else dim
    return _AMINMAX(input.amin(d, keepdim), input.amax(d, keepdim))


def nansum(input, dim=None, keepdim=False, *, dtype=None):
    x = _dtype_arg(input, dtype)
    if x._data.dtype.kind == "f":
        x = x.masked_fill(_make(np.isnan(x._data)), 0)
    return x.sum(dim, keepdim)


def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    x = _dtype_arg(input, dtype)
    if x._data.dtype.kind != "f":
        raise RuntimeError("nanmean(): expected input to have floating point or complex "
                           f"dtype but got {TORCH_TYPE[x._data.dtype.name]}")
    count = (~_make(np.isnan(x._data))).sum(dim, keepdim)
    return nansum(x, dim, keepdim) / count


def count_nonzero(input, dim=None):
    axes = dims_arg(dim, input._data.ndim, "count_nonzero")
    return _make(np.asarray(np.count_nonzero(input._data, axis=axes), dtype=np.int64))


METHODS = {
    "amax": amax, "amin": amin, "argmax": argmax, "argmin": argmin, "logsumexp": logsumexp,
    "norm": norm,
    "all": all, "any": any, "prod": prod, "cumsum": cumsum, "cumprod": cumprod,
    "cumsum_": _cumulative_("cumsum"), "cumprod_": _cumulative_("cumprod"),
    "logcumsumexp": logcumsumexp, "cummax": cummax, "cummin": cummin, "sort": sort,
    "argsort": argsort, "msort": msort, "topk": topk, "kthvalue": kthvalue, "median": median,
    "aminmax": aminmax, "nansum": nansum, "nanmean": nanmean, "count_nonzero": count_nonzero,
    "mode": mode, "unique": unique,
}
