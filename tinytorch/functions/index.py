"""Indexing: reading (x[idx]) and writing (x[idx] = v) elements."""
import numpy as np

from ..autograd.function import Primitive

_INT = (int, np.integer)


def is_basic(idx):
    """Basic indexing (ints, slices, None, ...) never repeats an element."""
    if isinstance(idx, Steps):
        return False
    items = idx if isinstance(idx, tuple) else (idx,)
    return all(i is None or i is Ellipsis or isinstance(i, (int, slice, np.integer))
               for i in items)


class Steps(tuple):
    """An index applied in two steps: integers (and slices) first, then index arrays."""

    __slots__ = ()


def split_selects(idx):
    """torch applies integer indices first, as selects, and then the index arrays.

    numpy treats an int next to an index array as one more index array, which moves the
    result's dims when they are not adjacent: for x of shape (2, 3, 4), numpy's
    x[0, :, [1, 2]] has shape (2, 3) but torch's has shape (3, 2).  So when ints and
    arrays are mixed, the index becomes two steps: x[ints and slices][arrays].
    """
    has_int = has_arr = False
    for i in idx:
        if isinstance(i, _INT) and not isinstance(i, (bool, np.bool_)):
            has_int = True
        elif isinstance(i, np.ndarray):
            has_arr = True
    if not (has_int and has_arr):
        return idx
    first, second = [], []
    for i in idx:
        if isinstance(i, np.ndarray):
            # the dims this array indexes stay whole in the first step
            first.extend([slice(None)] * (i.ndim if i.dtype == np.bool_ else 1))
            second.append(i)
        elif isinstance(i, _INT) and not isinstance(i, (bool, np.bool_)):
            first.append(i)  # the dim disappears: nothing for it in the second step
        elif i is None:
            first.append(None)
            second.append(slice(None))
        elif i is Ellipsis:
            first.append(i)
            second.append(i)
        else:
            first.append(i)
            second.append(slice(None))
    return Steps((tuple(first), tuple(second)))


def take(x, idx):
    """x[idx] for a plain or a two-step index."""
    if isinstance(idx, Steps):
        return x[idx[0]][idx[1]]
    return x[idx]


def _target(x, idx):
    """(a view of x, the index left to apply to it): writing there writes into x."""
    if isinstance(idx, Steps):
        return x[idx[0]], idx[1]
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
    """z = x with z[idx] = v;  dz/dx = g with the overwritten places zeroed, dz/dv = g[idx]"""

    backward_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, x, idx, v):
        ctx.idx = idx
        out = x.copy()
        view, last = _target(out, idx)
        view[last] = v
        return out

    @staticmethod
    def backward(ctx, g):
        # g with the overwritten places zeroed is this op again, writing 0 (its own backward)
        gx = SetItem.call(g, ctx.idx, 0) if ctx.needs_input_grad[0] else None
        gv = GetItem.call(g, ctx.idx) if ctx.needs_input_grad[2] else None
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
