"""Indexing: reading (x[idx]) and writing (x[idx] = v) elements with a numpy key.

``tinytorch/_index.py`` reads torch's index into that key: a basic one (ints, slices, None,
...: a view), an advanced one, or Steps (two numpy steps, as torch applies its ints before its
index tensors).
"""
from typing import NamedTuple

import numpy as np

from ..autograd.function import Primitive

_BASIC = {int, slice, type(None), type(Ellipsis)}  # what numpy's basic indexing takes


class Steps(NamedTuple):
    """An index applied in two numpy steps, x[basic][arrays]: the ints, slices and Nones
    first (a view), then the index arrays, with full slices for the other dims."""

    basic: tuple
    arrays: tuple


def is_basic(idx):
    """Basic indexing (ints, slices, None, ...) makes a view and never repeats an element."""
    if type(idx) is not tuple:
        return type(idx) in _BASIC  # a Steps is no plain tuple
    return all(type(i) in _BASIC for i in idx)


def take(x, idx):
    """x[idx] for a plain or a two-step index."""
    if isinstance(idx, Steps):
        return x[idx.basic][idx.arrays]
    return x[idx]


def _target(x, idx):
    """(a view of x, the index left to apply to it): writing there writes into x."""
    if isinstance(idx, Steps):
        return x[idx.basic], idx.arrays
    return x, idx


class GetItem(Primitive):
    """z = x[idx];  dz/dx = g scattered back to where it was read (summed over repeats)"""

    backward_name = "IndexBackward0"

    @staticmethod
    def forward(ctx, x, idx):
        ctx.shape, ctx.idx = x.shape, idx
        out = take(x, idx)
        if not out.flags.c_contiguous and not is_basic(idx):
            # advanced indexing makes a new array: torch's is row-major, numpy's may not be
            # (x[:, [0, 1]]), and .view() on it must work as it does in torch
            out = np.ascontiguousarray(out)
        return out

    @staticmethod
    def backward(ctx, g):
        return IndexAdd.call(g, ctx.shape, ctx.idx), None


class IndexAdd(Primitive):
    """z = zeros(shape) with x added at idx (repeats accumulate);  dz/dx = g[idx]

    GetItem's backward; its own backward is GetItem, so indexing differentiates to any
    order."""

    backward_name = "IndexPutImplBackward0"

    @staticmethod
    def forward(ctx, x, shape, idx):
        ctx.idx = idx
        out = np.zeros(shape, x.dtype)
        view, last = _target(out, idx)
        if is_basic(last):
            view[last] = x
        else:
            # an index array may name one element many times: np.add.at accumulates
            np.add.at(view, last, x)
        return out

    @staticmethod
    def backward(ctx, g):
        return GetItem.call(g, ctx.idx), None, None


class Select(GetItem):
    """z = x[i] with an int;  dz/dx = g put back at position i, zeros elsewhere"""

    backward_name = "SelectBackward0"


class Slice(GetItem):
    """z = x[a:b:c];  dz/dx = g put back where the slice was read, zeros elsewhere"""

    backward_name = "SliceBackward0"


class AddDim(GetItem):
    """z = x[None] (a new size-1 dim);  dz/dx = g without that dim"""

    backward_name = "UnsqueezeBackward0"


def getitem_function(idx):
    """The Function recording x[idx], named as torch names it (after the last step taken)."""
    if not is_basic(idx):
        return GetItem
    items = idx if isinstance(idx, tuple) else (idx,)
    for i in reversed(items):
        if i is Ellipsis or (isinstance(i, slice) and i == slice(None)):
            continue
        if i is None:
            return AddDim
        return Slice if isinstance(i, slice) else Select
    return Slice


class SetItem(Primitive):
    """z = x with z[idx] = v;  dz/dx = g with the overwritten places zeroed, dz/dv = g[idx]

    (v broadcasts to x[idx]: the engine sums dz/dv back to v's shape.)"""

    backward_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, x, idx, v):
        ctx.idx, ctx.v_ndim = idx, v.ndim if type(v) is np.ndarray else 0
        if ctx.v_ndim and v.shape[0] == 1:
            # torch drops a value's leading dims of size 1 (and numpy's write by mask must)
            v = v.reshape(v.shape[next(i for i, n in enumerate(v.shape + (0,)) if n != 1):])
        out = x.copy()
        view, last = _target(out, idx)
        view[last] = v
        return out

    @staticmethod
    def backward(ctx, g):
        # g with the overwritten places zeroed is this op again, writing 0 (its own backward)
        gx = SetItem.call(g, ctx.idx, 0) if ctx.needs_input_grad[0] else None
        gv = None
        if ctx.needs_input_grad[2]:
            gv = GetItem.call(g, ctx.idx)
            extra = ctx.v_ndim - len(gv.shape)
            if extra > 0:  # v had leading dims of size 1, which the write dropped
                gv = gv.reshape((1,) * extra + tuple(gv.shape))
        return gx, None, gv


class CopySlices(Primitive):
    """z = x with view_fn(x) replaced by v;  dz/dx = g with that region zeroed, dz/dv = g's region

    An in-place op on a view, seen from the view's root tensor.  The forward writes into x's
    memory (that is what the in-place op does); the caller bumps the version counter, so any
    node that saved x notices."""

    backward_name = "CopySlices"

    @staticmethod
    def forward(ctx, x, v, view_fn):
        ctx.fn = view_fn
        view_fn(x)[...] = v
        return x

    @staticmethod
    def backward(ctx, g):
        gx = ViewZero.call(g, ctx.fn) if ctx.needs_input_grad[0] else None
        gv = AsView.call(g, ctx.fn) if ctx.needs_input_grad[1] else None
        return gx, gv, None


class ViewZero(Primitive):
    """z = x with the region view_fn(x) zeroed;  dz/dx = g with that region zeroed (itself)

    CopySlices' backward to the root; torch records this step as a CopySlices too."""

    backward_name = "CopySlices"

    @staticmethod
    def forward(ctx, x, view_fn):
        ctx.fn = view_fn
        out = x.copy()
        view_fn(out)[...] = 0
        return out

    @staticmethod
    def backward(ctx, g):
        return ViewZero.call(g, ctx.fn), None


class AsView(Primitive):
    """z = view_fn(x);  dz/dx = g put back into the viewed region (zeros elsewhere)

    A view of x rebuilt after x changed in place."""

    backward_name = "AsStridedBackward0"

    @staticmethod
    def forward(ctx, x, view_fn):
        ctx.shape, ctx.fn = x.shape, view_fn
        return view_fn(x)

    @staticmethod
    def backward(ctx, g):
        return ViewScatter.call(g, ctx.shape, ctx.fn), None


class ViewScatter(Primitive):
    """z = zeros(shape) with x written at the region view_fn(z);  dz/dx = view_fn(g) (AsView)

    AsView's backward, and AsView is its backward, so they differentiate to any order."""

    backward_name = "AsStridedScatterBackward0"

    @staticmethod
    def forward(ctx, x, shape, view_fn):
        ctx.fn = view_fn
        out = np.zeros(shape, x.dtype)
        view_fn(out)[...] = x
        return out

    @staticmethod
    def backward(ctx, g):
        return AsView.call(g, ctx.fn), None, None


class IndexSelect(GetItem):
    """z = x.index_select(dim, idx);  dz/dx = g added back at idx along dim (repeats add up)"""

    backward_name = "IndexSelectBackward0"


class MaskedSelect(GetItem):
    """z = x (flattened) at the mask's True places;  dz/dx = g put back there, zeros elsewhere"""

    backward_name = "MaskedSelectBackward0"


class ScatterAdd(Primitive):
    """z = x with src added at idx along dim (repeats add up);  dz/dx = g,
    dz/dsrc = g taken at idx along dim (GatherAlongDim)

    (src has idx's shape: the caller slices it.)"""

    backward_name = "ScatterAddBackward0"

    @staticmethod
    def forward(ctx, x, src, idx, dim):
        ctx.idx, ctx.dim = idx, dim
        # g cut to idx's shape in the other dims (where gathering back can read it)
        ctx.cut = None if idx.shape == x.shape else tuple(
            slice(None) if d == dim else slice(0, n) for d, n in enumerate(idx.shape))
        out = x.copy()
        full = list(np.indices(idx.shape, sparse=True))
        full[dim] = idx
        with np.errstate(invalid="ignore", over="ignore"):  # inf + -inf is nan, as in torch
            np.add.at(out, tuple(full), src)
        return out

    @staticmethod
    def backward(ctx, g):
        from .reduce import GatherAlongDim
        gs = None
        if ctx.needs_input_grad[1]:
            gs = GatherAlongDim.call(g if ctx.cut is None else g[ctx.cut], ctx.idx, ctx.dim)
        return g, gs, None, None


# --- scatter, scatter_reduce, index_add, ... (tinytorch/_indexing.py) ---------------------

def _along(idx, dim):
    """The numpy index that names, for each element of idx, its place along dim."""
    full = list(np.indices(idx.shape, sparse=True))
    full[dim] = idx
    return tuple(full)


def _cut(shape, idx_shape, dim):
    """The slice of an array of ``shape`` to idx's shape in the dims other than dim (None if
    there is nothing to cut): where gathering at idx can read it."""
    if all(n == m for d, (n, m) in enumerate(zip(shape, idx_shape)) if d != dim):
        return None
    return tuple(slice(None) if d == dim else slice(0, n) for d, n in enumerate(idx_shape))


def _written(shape, idx, dim):
    """The places of an array of ``shape`` that idx names along dim (a bool mask)."""
    out = np.zeros(shape, np.bool_)
    out[_along(idx, dim)] = True
    return out


def _array(t):
    return t._data if hasattr(t, "_data") else t


def _np_dtype(g):
    return _array(g).dtype


def _gather(g, idx, dim, cut):
    from .reduce import GatherAlongDim
    return GatherAlongDim.call(g if cut is None else g[cut], idx, dim)


class Scatter(Primitive):
    """z = x with src written at idx along dim;  dz/dx = g with the written places zeroed,
    dz/dsrc = g taken at idx (GatherAlongDim), where src's value is the one written

    (src has idx's shape: the caller slices it.  Where idx names a place more than once, the
    value written is the last one numpy writes, and only that src element gets the
    gradient.)"""

    backward_name = "ScatterBackward0"

    @staticmethod
    def forward(ctx, x, src, idx, dim):
        ctx.idx, ctx.dim, ctx.shape = idx, dim, x.shape
        out = x.copy()
        out[_along(idx, dim)] = src
        return out

    @staticmethod
    def backward(ctx, g):
        idx, dim, shape = ctx.idx, ctx.dim, ctx.shape
        zero = np.zeros((), _np_dtype(g))
        from .elementwise import Where
        gx = gs = None
        if ctx.needs_input_grad[0]:
            gx = Where.call(_written(shape, idx, dim), zero, g)
        if ctx.needs_input_grad[1]:
            cut = _cut(shape, idx.shape, dim)
            gs = _gather(g, idx, dim, cut)
            # which src element's value each place holds: write every element's number the
            # way forward wrote the values, and read them back
            ids = np.full(shape, -1, np.int64)
            numbers = np.arange(idx.size, dtype=np.int64).reshape(idx.shape)
            ids[_along(idx, dim)] = numbers
            won = np.take_along_axis(ids if cut is None else ids[cut], idx, dim) == numbers
            if not won.all():
                gs = Where.call(won, gs, zero)
        return gx, gs, None, None


class ScatterValue(Scatter):
    """z = x with a number written at idx along dim;  dz/dx = g with the written places zeroed"""

    backward_name = "ScatterBackward1"


class ScatterOldReduce(Primitive):
    """z = x with src added to (or multiplied into) the places idx names along dim: torch's
    deprecated ``scatter(..., reduce=)``, which has no derivative (backward raises)"""

    backward_name = "NotImplemented"

    @staticmethod
    def forward(ctx, x, src, idx, dim, multiply, op):
        ctx.op = op
        out = x.copy()
        with np.errstate(invalid="ignore", over="ignore"):
            (np.multiply if multiply else np.add).at(out, _along(idx, dim), src)
        return out

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError(f"derivative for aten::{ctx.op} is not implemented")


_REDUCE_UFUNC = {"sum": np.add, "mean": np.add, "prod": np.multiply, "amax": np.maximum,
                 "amin": np.minimum}


def _start(dtype, reduce):
    """What a place starts from when include_self=False: the reduction's identity."""
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if dtype.kind == "f":
        return -np.inf if reduce == "amax" else np.inf
    if dtype.kind == "b":
        return reduce == "amin"
    info = np.iinfo(dtype)
    return info.min if reduce == "amax" else info.max


def _counts(shape, idx, dim, include_self, dtype):
    """How many values each place's mean is over (1 where there are none)."""
    n = np.full(shape, 1 if include_self else 0, dtype)
    np.add.at(n, _along(idx, dim), 1)
    n[n == 0] = 1
    return n


class ScatterReduce(Primitive):
    """z = x with src reduced into the places idx names along dim (sum, prod, mean, amax,
    amin; with or without x's own value);  as torch: sum: dz/dx = g, dz/dsrc = g at idx;
    mean: both divided by the place's count; prod: dz/dx = g·z/x, dz/dsrc = g·z/src at idx
    (computed without dividing by a zero); amax/amin: g split evenly among the values equal
    to the result.  Without x's own value, dz/dx is 0 at the places written.

    (src has idx's shape: the caller slices it.)"""

    backward_name = "ScatterReduceBackward0"

    @staticmethod
    def forward(ctx, x, src, idx, dim, reduce, include_self):
        ctx.idx, ctx.dim, ctx.reduce, ctx.include_self = idx, dim, reduce, include_self
        ctx.shape = x.shape
        out = x.copy()
        where = _along(idx, dim)
        if not include_self:
            out[where] = _start(x.dtype, reduce)
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            _REDUCE_UFUNC[reduce].at(out, where, src)
            if reduce == "mean":
                n = _counts(x.shape, idx, dim, include_self, x.dtype)
                out = out // n if x.dtype.kind in "iu" else (out / n).astype(x.dtype)
        if reduce in ("prod", "amax", "amin"):
            ctx.save_for_backward(x, src, out)
        return out

    @staticmethod
    def backward(ctx, g):
        from .elementwise import Where
        idx, dim, shape, reduce = ctx.idx, ctx.dim, ctx.shape, ctx.reduce
        cut = _cut(shape, idx.shape, dim)
        dt = _np_dtype(g)
        zero, one = np.zeros((), dt), np.ones((), dt)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            if reduce == "sum":
                gx, gs = g, (_gather(g, idx, dim, cut) if ctx.needs_input_grad[1] else None)
            elif reduce == "mean":
                n = _counts(shape, idx, dim, ctx.include_self, dt)
                gx = g / n
                gs = None
                if ctx.needs_input_grad[1]:
                    n_src = np.take_along_axis(n if cut is None else n[cut], idx, dim)
                    gs = _gather(g, idx, dim, cut) / n_src
            elif reduce == "prod":
                gx, gs = _prod_grads(ctx, g, zero, one, cut)
            else:
                x, src, out = ctx.saved_tensors
                xa, sa, oa = _array(x), _array(src), _array(out)
                self_is = (xa == oa).astype(dt)
                src_is = (sa == np.take_along_axis(oa if cut is None else oa[cut], idx,
                                                   dim)).astype(dt)
                n = self_is.copy()
                np.add.at(n, _along(idx, dim), src_is)
                share = g / n
                gx = self_is * share
                gs = src_is * _gather(share, idx, dim, cut) if ctx.needs_input_grad[1] else None
        if not ctx.needs_input_grad[0]:
            gx = None
        elif not ctx.include_self:
            gx = Where.call(_written(shape, idx, dim), zero, gx)
        return gx, gs, None, None, None, None


def _prod_grads(ctx, g, zero, one, cut):
    """ScatterReduce's prod gradients, torch's way: a zero in x or a single zero among a
    place's src values gets the product of the others (recomputed with the zero made 1)."""
    from .elementwise import Where
    idx, dim, include_self = ctx.idx, ctx.dim, ctx.include_self
    x, src, out = ctx.saved_tensors
    xa, sa = _array(x), _array(src)
    gx = gs = None
    if ctx.needs_input_grad[0]:
        x_zero = xa == 0
        x_one = Where.call(x_zero, one, x)
        gx = g * ScatterReduce.call(x_one, src, idx, dim, "prod", include_self) / x_one
    if ctx.needs_input_grad[1]:
        s_zero = sa == 0
        zeros_at = np.zeros(xa.shape, np.int64)
        np.add.at(zeros_at, _along(idx, dim), s_zero)
        zeros_at = np.take_along_axis(zeros_at if cut is None else zeros_at[cut], idx, dim)
        single = s_zero & (zeros_at == 1)
        others = _gather(g * out, idx, dim, cut) / Where.call(s_zero, one, src)
        if single.any():
            s_one = Where.call(single, one, src)
            without = _gather(g * ScatterReduce.call(x, s_one, idx, dim, "prod", include_self),
                              idx, dim, cut)
            gs = Where.call(single, without, others)
        else:
            gs = others
    return gx, gs


class IndexAddDim(Primitive):
    """z = x with alpha·src added at the slices idx names along dim (repeats add up);
    dz/dx = g, dz/dsrc = alpha · g.index_select(dim, idx)

    (``key`` is the numpy index of those slices: full slices, then idx.)"""

    backward_name = "IndexAddBackward0"

    @staticmethod
    def forward(ctx, x, src, key, alpha):
        ctx.key, ctx.alpha = key, alpha
        out = x.copy()
        with np.errstate(invalid="ignore", over="ignore"):
            np.add.at(out, key, src if alpha == 1 else src * np.asarray(alpha, x.dtype))
        return out

    @staticmethod
    def backward(ctx, g):
        gs = None
        if ctx.needs_input_grad[1]:
            gs = GetItem.call(g, ctx.key)
            if ctx.alpha != 1:
                gs = gs * np.asarray(ctx.alpha, _np_dtype(g))
        return g, gs, None, None


class IndexCopy(SetItem):
    """z = x with src's slices written at idx along dim;  dz/dx = g with those slices zeroed,
    dz/dsrc = g.index_select(dim, idx)"""

    backward_name = "IndexCopyBackward0"


class IndexFill(SetItem):
    """z = x with value written in the slices idx names along dim;  dz/dx = g with those
    slices zeroed, dz/dvalue = Σ g over them"""

    backward_name = "IndexFillBackward0"


class IndexFillTensor(IndexFill):
    """z = x with v (a 0-d tensor) written in the slices idx names along dim;
    dz/dx = g with those slices zeroed, dz/dv = Σ g over them"""

    backward_name = "IndexFillBackward1"


class MaskedScatter(SetItem):
    """z = x with src's first values written, in order, where the mask is True;
    dz/dx = g where the mask is False, dz/dsrc = g at the mask's True places"""

    backward_name = "MaskedScatterBackward0"


class Take(GetItem):
    """z = x (flattened) at idx;  dz/dx = g added back at idx (repeats add up)"""

    backward_name = "TakeBackward0"
