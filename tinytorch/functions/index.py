"""Indexing: reading (x[idx]) and writing (x[idx] = v) elements."""
import numpy as np

from ..autograd.function import Primitive


def is_basic(idx):
    """Basic indexing (ints, slices, None, ...) never repeats an element."""
    items = idx if isinstance(idx, tuple) else (idx,)
    return all(i is None or i is Ellipsis or isinstance(i, (int, slice, np.integer))
               for i in items)


class GetItem(Primitive):
    """z = x[idx];  dz/dx = g scattered back to where it was read (summed over repeats)"""

    backward_name = "IndexBackward0"

    @staticmethod
    def forward(ctx, x, idx):
        ctx.shape, ctx.idx = x.shape, idx
        return x[idx]

    @staticmethod
    def backward(ctx, g):
        gx = np.zeros(ctx.shape, g.dtype)
        if is_basic(ctx.idx):
            gx[ctx.idx] = g
        else:
            # an index array may name one element many times: np.add.at accumulates
            np.add.at(gx, ctx.idx, g)
        return gx, None


class SetItem(Primitive):
    """z = x with z[idx] = v;  dz/dx = g with the overwritten places zeroed, dz/dv = g[idx]"""

    backward_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, x, idx, v):
        ctx.idx = idx
        out = x.copy()
        out[idx] = v
        return out

    @staticmethod
    def backward(ctx, g):
        gx = None
        if ctx.needs_input_grad[0]:
            gx = g.copy()
            gx[ctx.idx] = 0
        gv = g[ctx.idx] if ctx.needs_input_grad[2] else None
        return gx, None, gv
