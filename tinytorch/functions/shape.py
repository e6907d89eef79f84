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
