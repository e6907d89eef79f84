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
