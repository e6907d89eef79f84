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


class Cdist(Primitive):
    """z_pr = (Σ_m |d_prm|^p)^(1/p) with d_prm = x1_pm - x2_rm (p = ∞: max_m |d_prm|);
    dz/dx1_pm = Σ_r sign(d)·|d|^(p-1) / z^(p-1)  (p = ∞: sign(d) where |d| = z, every tie
    taking the whole gradient; p = 0: 0), 0 where d = 0 or z = 0, as torch;
    dz/dx2_rm = -Σ_p of the same.  p = 2 is Norm2 of the differences (_linalg.cdist)."""

    backward_name = "CdistBackward0"

    @staticmethod
    def forward(ctx, x1, x2, p):
        d = np.abs(x1[..., :, None, :] - x2[..., None, :, :])
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if p == np.inf:
                out = d.max(-1, initial=0) if d.shape[-1] else d.sum(-1)
            elif p == 0:
                out = (d != 0).sum(-1).astype(d.dtype)
            elif p == 1:
                out = d.sum(-1)
            else:
                out = (d ** p).sum(-1) ** (1 / p)
        ctx.p = p
        ctx.save_for_backward(x1, x2, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x1, x2, out = ctx.saved_tensors
        p = ctx.p
        diff = x1[..., :, None, :] - x2[..., None, :, :]
        g, out = g[..., None], out[..., None]
        zero = np.zeros((), diff.dtype)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if p == 0:
                gd = np.where(np.zeros((), np.bool_), diff, zero)
            elif p == 1:
                gd = g * np.sign(diff)
            elif p == np.inf:
                gd = np.where(np.abs(diff) == out, g * np.sign(diff), zero)
            else:
                gd = np.where((diff == 0) | (out == 0), zero,
                              g * np.sign(diff) * np.abs(diff) ** (p - 1) / out ** (p - 1))
        return gd.sum(-2), -gd.sum(-3), None
