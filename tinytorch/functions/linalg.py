"""Matrix product, with numpy's / torch's rules for 1-D operands and broadcast batch dims."""
import numpy as np

from ..autograd.function import Primitive


class Matmul(Primitive):
    """Z = A @ B;  dL/dA = G @ Bᵀ,  dL/dB = Aᵀ @ G  (batch dims are summed by the engine)

    A 1-D A is treated as a row (1, k) and a 1-D B as a column (k, 1); the dim added for
    it is removed again from the result and from its gradient.
    """

    backward_name = "MmBackward0"

    @staticmethod
    def forward(ctx, a, b):
        if ctx.needs_input_grad:
            ctx.save_for_backward(b if ctx.needs_input_grad[0] else None,
                                  a if ctx.needs_input_grad[1] else None)
            ctx.a1, ctx.b1 = a.ndim == 1, b.ndim == 1
        return np.matmul(a, b)

    @staticmethod
    def backward(ctx, g):
        b, a = ctx.saved_tensors
        if ctx.a1 and ctx.b1:
            g = g.reshape(1, 1)
        elif ctx.a1:
            g = np.expand_dims(g, -2)
        elif ctx.b1:
            g = g[..., None]
        ga = gb = None
        if b is not None:
            ga = np.matmul(g, np.swapaxes(b[:, None] if ctx.b1 else b, -1, -2))
            if ctx.a1:
                ga = ga[..., 0, :]
        if a is not None:
            gb = np.matmul(np.swapaxes(a[None, :] if ctx.a1 else a, -1, -2), g)
            if ctx.b1:
                gb = gb[..., 0]
        return ga, gb


class Dot(Matmul):
    """z = a · b for two vectors;  dz/da = g·b, dz/db = g·a"""

    backward_name = "DotBackward0"


class Mv(Matmul):
    """z = A @ v (matrix times vector);  dL/dA = g vᵀ, dL/dv = Aᵀ g"""

    backward_name = "MvBackward0"
