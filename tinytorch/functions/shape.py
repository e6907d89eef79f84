"""Shape primitives: they move elements around, so backward moves gradients back."""
from itertools import accumulate

import numpy as np

from ..autograd.engine import sum_to
from ..autograd.function import Primitive


class Reshape(Primitive):
    """z = x with a new shape (same elements, same order);  dz/dx = g reshaped back"""

    backward_name = "ViewBackward0"

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.shape), None


class Permute(Primitive):
    """z = x with dims reordered;  dz/dx = g with the inverse order"""

    backward_name = "PermuteBackward0"

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return np.transpose(x, dims)

    @staticmethod
    def backward(ctx, g):
        return np.transpose(g, np.argsort(ctx.dims)), None


class Squeeze(Reshape):
    """z = x without some size-1 dims;  dz/dx = g reshaped back"""

    backward_name = "SqueezeBackward0"


class Unsqueeze(Reshape):
    """z = x with a new size-1 dim;  dz/dx = g reshaped back"""

    backward_name = "UnsqueezeBackward0"


class Transpose(Permute):
    """z = x with two dims swapped;  dz/dx = g with them swapped back"""

    backward_name = "TransposeBackward0"


class T(Permute):
    """z = xᵀ (``x.t()``);  dz/dx = gᵀ"""

    backward_name = "TBackward0"


class Expand(Primitive):
    """z = x broadcast to a larger shape;  dz/dx = g summed over the broadcast dims"""

    backward_name = "ExpandBackward0"

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return np.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, g):
        return sum_to(g, ctx.shape), None


class Repeat(Primitive):
    """z = x tiled reps[i] times along dim i;  dz/dx = the sum of g over all the tiles"""

    backward_name = "RepeatBackward0"

    @staticmethod
    def forward(ctx, x, reps):
        shape = (1,) * (len(reps) - x.ndim) + x.shape
        ctx.shape, ctx.reps, ctx.in_shape = shape, reps, x.shape
        return np.tile(x.reshape(shape), reps)

    @staticmethod
    def backward(ctx, g):
        split = []
        for r, n in zip(ctx.reps, ctx.shape):
            split += [r, n]
        g = g.reshape(split).sum(axis=tuple(range(0, len(split), 2)))
        return g.reshape(ctx.in_shape), None


class Cat(Primitive):
    """z = [x0, x1, ...] joined along dim;  dz/dxi = the slice of g where xi landed"""

    backward_name = "CatBackward0"

    @staticmethod
    def forward(ctx, dim, *xs):
        ctx.dim = dim
        ctx.sizes = [x.shape[dim] for x in xs]
        return np.concatenate(xs, axis=dim)

    @staticmethod
    def backward(ctx, g):
        return (None, *Split.call(g, ctx.sizes, ctx.dim))


class Stack(Primitive):
    """z = [x0, x1, ...] along a new dim;  dz/dxi = the i-th slice of g along that dim"""

    backward_name = "StackBackward0"

    @staticmethod
    def forward(ctx, dim, *xs):
        ctx.dim = dim
        return np.stack(xs, axis=dim)

    @staticmethod
    def backward(ctx, g):
        return (None, *Unbind.call(g, ctx.dim))


class Unbind(Primitive):
    """zi = x[..., i, ...] along dim (all of them);  dz/dx = the gi stacked back"""

    backward_name = "UnbindBackward0"

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        return tuple(np.moveaxis(x, dim, 0))

    @staticmethod
    def backward(ctx, *gs):
        return Stack.call(ctx.dim, *gs), None


class Split(Primitive):
    """zi = consecutive pieces of x along dim;  dz/dx = the pieces of g put back together"""

    backward_name = "SplitWithSizesBackward0"

    @staticmethod
    def forward(ctx, x, sizes, dim):
        ctx.dim = dim
        return tuple(np.split(x, list(accumulate(sizes[:-1])), axis=dim))

    @staticmethod
    def backward(ctx, *gs):
        return Cat.call(ctx.dim, *gs), None, None


class SplitEqual(Split):
    """zi = equal pieces of x (``split(int)``, the last may be smaller);  dz/dx = the gs joined"""

    backward_name = "SplitBackward0"


# --- issue 12: triangles, flips, rolls, diagonals, sliding windows ----------------------

class Tril(Primitive):
    """z = x with the elements above diagonal k zeroed;  dz/dx = g with the same zeros"""

    backward_name = "TrilBackward0"

    @staticmethod
    def forward(ctx, x, k):
        ctx.k = k
        return np.tril(x, k)

    @staticmethod
    def backward(ctx, g):
        return Tril.call(g, ctx.k), None


class Triu(Primitive):
    """z = x with the elements below diagonal k zeroed;  dz/dx = g with the same zeros"""

    backward_name = "TriuBackward0"

    @staticmethod
    def forward(ctx, x, k):
        ctx.k = k
        return np.triu(x, k)

    @staticmethod
    def backward(ctx, g):
        return Triu.call(g, ctx.k), None


class Flip(Primitive):
    """z = x reversed along dims (a copy);  dz/dx = g reversed along them back"""

    backward_name = "FlipBackward0"

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return np.flip(x, dims).copy() if x.ndim else x.copy()

    @staticmethod
    def backward(ctx, g):
        return Flip.call(g, ctx.dims), None


class Roll(Primitive):
    """z = x rolled by shifts along dims (dims None: flattened);  dz/dx = g rolled back"""

    backward_name = "RollBackward0"

    @staticmethod
    def forward(ctx, x, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        if x.ndim == 0:
            return x.copy()
        return np.roll(x, shifts, dims)

    @staticmethod
    def backward(ctx, g):
        back = -ctx.shifts if ctx.dims is None else tuple(-s for s in ctx.shifts)
        return Roll.call(g, back, ctx.dims), None, None


def diagonal_view(a, offset, d1, d2):
    """A writable view of a's diagonal ``offset`` between dims d1 and d2 (torch's layout:
    the other dims in order, then the diagonal); numpy's own np.diagonal is read-only."""
    n1, n2 = a.shape[d1], a.shape[d2]
    start = (0, offset) if offset >= 0 else (-offset, 0)
    length = max(0, min(n1 - start[0], n2 - start[1]))
    key = [slice(None)] * a.ndim
    key[d1], key[d2] = slice(min(start[0], n1), None), slice(min(start[1], n2), None)
    base = a[tuple(key)]
    rest = [i for i in range(a.ndim) if i not in (d1, d2)]
    shape = tuple(a.shape[i] for i in rest) + (length,)
    strides = tuple(a.strides[i] for i in rest) + (a.strides[d1] + a.strides[d2],)
    return np.lib.stride_tricks.as_strided(base, shape, strides,
                                           writeable=base.flags.writeable)


class Diagonal(Primitive):
    """z = the diagonal ``offset`` of x between dims d1, d2;  dz/dx = zeros with g on it"""

    backward_name = "DiagonalBackward0"

    @staticmethod
    def forward(ctx, x, offset, d1, d2):
        ctx.shape, ctx.args = x.shape, (offset, d1, d2)
        return diagonal_view(x, offset, d1, d2)

    @staticmethod
    def backward(ctx, g):
        return DiagonalScatter.call(g, ctx.shape, *ctx.args), None, None, None


class DiagonalScatter(Primitive):
    """z = zeros(shape) with x on its diagonal ``offset`` between dims d1, d2 (diag_embed);
    dz/dx = the diagonal of g (Diagonal)"""

    backward_name = "DiagEmbedBackward0"

    @staticmethod
    def forward(ctx, x, shape, offset, d1, d2):
        ctx.args = (offset, d1, d2)
        out = np.zeros(shape, x.dtype)
        diagonal_view(out, offset, d1, d2)[...] = x
        return out

    @staticmethod
    def backward(ctx, g):
        return Diagonal.call(g, *ctx.args), None, None, None, None


def _windows(x, dim, size, step):
    """The windows of x along dim as torch's unfold lays them out (a read-only view)."""
    w = np.lib.stride_tricks.sliding_window_view(x, size, axis=dim)
    key = (slice(None),) * dim + (slice(None, None, step),)
    return w[key]


class Unfold(Primitive):
    """z = the windows of x along dim (size, step), a new last dim;  dz/dx = the sum of g
    over the windows each element lies in (UnfoldBackward)"""

    backward_name = "UnfoldBackward0"

    @staticmethod
    def forward(ctx, x, dim, size, step):
        ctx.shape, ctx.args = x.shape, (dim, size, step)
        return _windows(x, dim, size, step).copy()

    @staticmethod
    def backward(ctx, g):
        return UnfoldBackward.call(g, ctx.shape, *ctx.args), None, None, None


class UnfoldBackward(Primitive):
    """z = zeros(shape) with every window of x added at its place;  dz/dx = the windows of g
    (Unfold)"""

    backward_name = "UnfoldBackwardBackward0"

    @staticmethod
    def forward(ctx, x, shape, dim, size, step):
        ctx.args = (dim, size, step)
        out = np.zeros(shape, x.dtype)
        n = x.shape[dim]
        for j in range(size):  # window element j of window i sits at i * step + j
            key = (slice(None),) * dim + (slice(j, j + (n - 1) * step + 1, step),)
            out[key] += x[..., j]
        return out

    @staticmethod
    def backward(ctx, g):
        return Unfold.call(g, *ctx.args), None, None, None, None
