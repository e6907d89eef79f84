"""Fused primitives behind tinytorch.nn.functional: linear, activations, dropout, losses.

Each class is one node in the graph, like the single kernel torch runs for the same op:
its forward works on numpy arrays, its backward on arrays or, for higher-order gradients, on
Tensors (see autograd/function.py: Primitive), and the derivative it implements is written
in its docstring.  A backward reads only what forward saved -- inputs, outputs, masks,
indices, numbers -- and recomputes anything else (a softmax, x - y) from them, so that with
``create_graph=True`` it is recorded as a function of the inputs and differentiates again.
Input checks live in nn/functional.py; by the time these run, shapes and dtypes are known to
be valid.  A class whose name would match an nn Module's (``nn.Linear``) carries a
``Function`` suffix (``LinearFunction``).
"""
import math

import numpy as np

from ..autograd.function import Primitive
from .elementwise import SigmoidFunction, Sign, sigmoid_array
from .reduce import SoftmaxFunction, accumulator, widened

# --- erfc, for the exact GELU ------------------------------------------------------------
# numpy has no erf.  For x >= 0 we write erfc(x) = t·exp(-x² + P(t)) with t = 1/(1 + x/2):
# as x -> ∞, erfc(x)·e^(x²) ~ 1/(x√π), so log(erfc(x)/t) + x² is a smooth function of t on
# [0, 1] and a polynomial fits it well.  P below is the degree-20 least-squares Chebyshev fit
# of that function (computed once with high-precision arithmetic, then converted to powers
# of t); its relative error on erfc is below 2e-13 for every x.
_ERFC_P = (
    -1.26551212348475, 1.000000000090822, 0.3749999869503112, 0.08333407451296759,
    -0.08595964971884855, -0.14334823938974917, -0.09660530593080348, 0.06958682274688485,
    -0.10626550367830259, 1.166990050788584, -3.377548002337631, 7.542375127469057,
    -12.434266057527331, 10.943804293494287, 1.4952906897205938, -16.569787747636934,
    21.60458661028889, -15.331731654738626, 6.556237161661615, -1.5983047574924467,
    0.17212422421151438,
)


def erfc_array(x):
    """erfc(x) = 1 - erf(x), elementwise, computed in float64 (relative error < 2e-13)."""
    x = np.asarray(x, dtype=np.float64)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.5 * a)
    p = np.full_like(t, _ERFC_P[-1])
    for c in _ERFC_P[-2::-1]:       # Horner's rule
        p *= t
        p += c
    a *= a
    np.subtract(p, a, out=p)
    out = t * np.exp(p)
    # erfc(-x) = 2 - erfc(x)
    return np.where(x < 0, 2.0 - out, out)


def cached(ctx, x):
    """For a speed shortcut: what forward computed from the input x and kept in
    ``ctx.cache``, handed out once to a first-order backward and then dropped (as saved
    tensors are).  None where x is a Tensor (create_graph: a value from forward would be a
    constant there, so backward recomputes it from x) and on a second backward."""
    c = ctx.__dict__.pop("cache", None)
    return c if type(x) is np.ndarray else None


# --- linear -----------------------------------------------------------------------------

class LinearFunction(Primitive):
    """y = x Wᵀ + b over the last dim of x;
    dL/dx = G W,  dL/dW = Gᵀ x (batch dims flattened),  dL/db = Σ_batch G"""

    backward_name = "AddmmBackward0"

    @staticmethod
    def forward(ctx, x, w, b):
        need = ctx.needs_input_grad
        if need:
            ctx.save_for_backward(w if need[0] else None, x if need[1] else None)
        if x.ndim > 2:
            # one 2-D matmul over the flattened batch dims (a batched matmul of many small
            # matrices is far slower)
            out = np.matmul(x.reshape(-1, x.shape[-1]), w.T).reshape(*x.shape[:-1], -1)
        else:
            out = np.matmul(x, w.T)
        if b is not None:
            out += b
        return out

    @staticmethod
    def backward(ctx, g):
        w, x = ctx.saved_tensors
        need = ctx.needs_input_grad
        g2 = g.reshape(-1, g.shape[-1]) if g.ndim != 2 else g
        gx = None
        if need[0]:
            gx = np.matmul(g2, w).reshape(*g.shape[:-1], w.shape[1]) if g.ndim > 2 \
                else np.matmul(g, w)
        gw = gb = None
        if need[1]:
            x2 = x.reshape(-1, x.shape[-1]) if x.ndim != 2 else x
            gw = np.matmul(g2.T, x2)
        if len(need) > 2 and need[2]:
            gb = g2.sum(axis=0)
        return gx, gw, gb


# --- activations --------------------------------------------------------------------------

class LeakyReluFunction(Primitive):
    """y = x if x > 0 else s·x;  dy/dx = 1 if x > 0 else s"""

    backward_name = "LeakyReluBackward0"

    @staticmethod
    def forward(ctx, x, slope):
        pos = x > 0
        ctx.save_for_backward(pos)
        ctx.slope = slope
        return np.where(pos, x, x * slope).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        (pos,) = ctx.saved_tensors
        # (the engine casts the gradient to x's dtype if a numpy-scalar slope promoted it)
        return np.where(pos, g, g * ctx.slope), None


_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


class GeluFunction(Primitive):
    """Exact: y = x·Φ(x), Φ(x) = erfc(-x/√2)/2;  dy/dx = Φ(x) + x·φ(x),
           φ(x) = e^(-x²/2)/√(2π)

    tanh: y = x/2·(1 + tanh u), u = √(2/π)(x + 0.044715x³);
          dy/dx = (1 + tanh u)/2 + x/2·(1 - tanh² u)·√(2/π)(1 + 3·0.044715x²)

    Backward recomputes Φ(x) (through GeluBackward: numpy has no erf to differentiate) or
    tanh u from x."""

    backward_name = "GeluBackward0"

    @staticmethod
    def forward(ctx, x, approximate):
        ctx.approximate = approximate
        ctx.save_for_backward(x)
        with np.errstate(invalid="ignore", over="ignore"):  # -inf·0 is NaN (as torch)
            if approximate == "tanh":
                th = np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))
                return (0.5 * x * (1.0 + th)).astype(x.dtype, copy=False)
            cdf = 0.5 * erfc_array(x * -_SQRT_HALF)          # Φ(x), float64
            return (x * cdf).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        if ctx.approximate != "tanh":
            return GeluBackward.call(g, x), None
        with np.errstate(invalid="ignore", over="ignore"):  # ±inf: inf·0 is NaN (as torch)
            th = np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))
            d = 0.5 * (1.0 + th) + 0.5 * x * (1.0 - th * th) * _SQRT_2_OVER_PI * \
                (1.0 + 3 * 0.044715 * x * x)
            return g * d, None


class GeluBackward(Primitive):
    """z = g·(Φ(x) + x·φ(x)), exact GELU's backward;
    dz/dg = Φ(x) + x·φ(x) (this op again),  dz/dx = g·φ(x)·(2 - x²)"""

    backward_name = "GeluBackwardBackward0"

    @staticmethod
    def forward(ctx, g, x):
        ctx.save_for_backward(g, x)
        xf = x.astype(np.float64, copy=False)            # Φ and φ in float64, as forward
        with np.errstate(invalid="ignore", over="ignore"):  # ±inf: inf·0 is NaN (as torch)
            d = 0.5 * erfc_array(x * -_SQRT_HALF) + xf * _INV_SQRT_2PI * np.exp(-0.5 * xf * xf)
            return (g * d).astype(g.dtype, copy=False)

    @staticmethod
    def backward(ctx, gg):
        g, x = ctx.saved_tensors
        need = ctx.needs_input_grad
        gg_g = GeluBackward.call(gg, x) if need[0] else None
        gx = None
        if need[1]:
            with np.errstate(invalid="ignore", over="ignore"):
                gx = gg * g * (_INV_SQRT_2PI * np.exp(-0.5 * x * x) * (2.0 - x * x))
        return gg_g, gx


class SiluFunction(Primitive):
    """y = x·σ(x);  dy/dx = σ(x)·(1 + x·(1 - σ(x)))"""

    backward_name = "SiluBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(invalid="ignore"):  # -inf·0 is NaN (as torch)
            return x * sigmoid_array(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        s = SigmoidFunction.call(x)
        with np.errstate(invalid="ignore"):  # ±inf: inf·0 is NaN (as torch)
            return g * (s * (1 + x * (1 - s)))


class SoftplusFunction(Primitive):
    """y = log(1 + e^(βx))/β, or x where βx > threshold;  dy/dx = σ(βx) (1 past threshold)"""

    backward_name = "SoftplusBackward0"

    @staticmethod
    def forward(ctx, x, beta, threshold):
        bx = x * beta
        ctx.save_for_backward(x)
        ctx.beta, ctx.threshold = beta, threshold
        # log(1 + e^z) = logaddexp(0, z): never overflows (and is NaN at NaN, silently)
        with np.errstate(invalid="ignore"):
            soft = np.logaddexp(0, bx) / beta
        return np.where(bx > threshold, x, soft).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        bx = x * ctx.beta
        with np.errstate(invalid="ignore"):  # ±inf: inf·0 is NaN (as torch)
            return g * np.where(bx > ctx.threshold, 1, SigmoidFunction.call(bx)), None, None


class EluFunction(Primitive):
    """y = α(e^x - 1) if x <= 0 else x;  dy/dx = α·e^x = y + α if x <= 0 else 1  (1 at NaN,
    as torch)"""

    backward_name = "EluBackward0"

    @staticmethod
    def forward(ctx, x, alpha):
        neg = x <= 0
        out = np.where(neg, alpha * np.expm1(np.minimum(x, 0)), x).astype(x.dtype, copy=False)
        ctx.save_for_backward(neg, out)
        ctx.alpha = alpha
        return out

    @staticmethod
    def backward(ctx, g):
        neg, out = ctx.saved_tensors
        with np.errstate(invalid="ignore"):  # at x = -inf: g·0, NaN for an infinite g
            return np.where(neg, g * (out + ctx.alpha), g), None


class DropoutFunction(Primitive):
    """y = x·m/(1-p) with m ~ Bernoulli(1-p) drawn once;  dy/dx = m/(1-p)"""

    backward_name = "MulBackward0"

    @staticmethod
    def forward(ctx, x, p, rng):
        if p >= 1:
            scale = np.zeros(x.shape, x.dtype)
        else:
            keep = rng.random(x.shape, dtype=np.float32) >= np.float32(p)
            scale = keep.astype(x.dtype) * x.dtype.type(1.0 / (1.0 - p))
        # m/(1-p) is drawn, not computed from x: a constant to every derivative, so it may
        # live on ctx (save_for_backward keeps inputs and outputs)
        ctx.scale = scale
        return x * scale

    @staticmethod
    def backward(ctx, g):
        return g * ctx.scale, None, None


# --- losses -----------------------------------------------------------------------------
# Reduction 'mean' divides by a count (or a sum of weights) n: the upstream gradient of
# every element is then g/n; 'sum' passes g to every element; 'none' passes g elementwise.

def _reduce(ctx, loss, reduction, denom=None):
    ctx.reduction = reduction
    if reduction == "none":
        return loss
    total = loss.sum(dtype=accumulator(loss.dtype))     # float16 summed in float32
    if reduction == "sum":
        return np.asarray(total, dtype=loss.dtype)
    n = loss.size if denom is None else denom
    ctx.denom = n
    if n:
        return np.asarray(total / n, dtype=loss.dtype)
    with np.errstate(divide="ignore", invalid="ignore"):  # a mean over nothing is nan
        return np.asarray(total / n, dtype=loss.dtype)


def _upstream(ctx, g):
    """Gradient reaching each unreduced loss element."""
    if ctx.reduction == "mean":
        if ctx.denom:
            return g / np.asarray(ctx.denom, g.dtype)
        with np.errstate(divide="ignore", invalid="ignore"):
            return g / np.asarray(ctx.denom, g.dtype)
    return g


class MseLossFunction(Primitive):
    """l = (x - y)²;  dl/dx = 2(x - y),  dl/dy = -2(x - y)"""

    backward_name = "MseLossBackward0"

    @staticmethod
    def forward(ctx, x, y, reduction):
        ctx.save_for_backward(x, y)
        with np.errstate(invalid="ignore", over="ignore"):  # inf - inf is NaN (as torch)
            d = x - y
            return _reduce(ctx, d * d, reduction)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        with np.errstate(invalid="ignore", over="ignore"):
            gx = (2 * _upstream(ctx, g)) * (x - y)
        return gx, (-gx if ctx.needs_input_grad[1] else None), None


class L1LossFunction(Primitive):
    """l = |x - y|;  dl/dx = sign(x - y),  dl/dy = -sign(x - y)  (0 where x - y is 0 or
    NaN: torch's sign)"""

    backward_name = "L1LossBackward0"

    @staticmethod
    def forward(ctx, x, y, reduction):
        ctx.save_for_backward(x, y)
        with np.errstate(invalid="ignore"):  # inf - inf is NaN, silently (as torch)
            return _reduce(ctx, np.abs(x - y), reduction)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        with np.errstate(invalid="ignore"):  # inf - inf
            gx = _upstream(ctx, g) * Sign.call(x - y)
        return gx, (-gx if ctx.needs_input_grad[1] else None), None


class SmoothL1LossFunction(Primitive):
    """d = x - y;  l = d²/(2β) if |d| < β else |d| - β/2;
    dl/dx = d/β if |d| < β else sign(d),  dl/dy = -dl/dx  (β = 0 is the L1 loss)

    At NaN dl/dx is NaN, as torch's -1 / 1 / d/β branches give; for β = 0 it is 0 (the L1
    loss's sign(NaN) = 0)."""

    backward_name = "SmoothL1LossBackward0"

    @staticmethod
    def forward(ctx, x, y, reduction, beta):
        ctx.save_for_backward(x, y)
        ctx.beta = beta
        with np.errstate(invalid="ignore", over="ignore"):  # inf - inf is NaN (as torch)
            d = x - y
            a = np.abs(d)
            if beta == 0:
                loss = a
            else:
                loss = np.where(a < beta, (0.5 / beta) * d * d, a - 0.5 * beta)
            return _reduce(ctx, loss.astype(d.dtype, copy=False), reduction)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        beta = ctx.beta
        with np.errstate(invalid="ignore"):  # inf - inf
            d = x - y
            if beta == 0:
                dd = Sign.call(d)
            else:
                dd = np.where(d <= -beta, -1, np.where(d >= beta, 1, d / beta))
            gx = _upstream(ctx, g) * dd
        return gx, (-gx if ctx.needs_input_grad[1] else None), None, None


class HuberLossFunction(Primitive):
    """d = x - y;  l = d²/2 if |d| < δ else δ(|d| - δ/2);
    dl/dx = clamp(d, -δ, δ),  dl/dy = -dl/dx"""

    backward_name = "HuberLossBackward0"

    @staticmethod
    def forward(ctx, x, y, reduction, delta):
        ctx.save_for_backward(x, y)
        ctx.delta = delta
        with np.errstate(invalid="ignore", over="ignore"):  # inf - inf is NaN (as torch)
            d = x - y
            a = np.abs(d)
            loss = np.where(a < delta, 0.5 * d * d, delta * (a - 0.5 * delta))
            return _reduce(ctx, loss.astype(d.dtype, copy=False), reduction)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        with np.errstate(invalid="ignore"):  # inf - inf
            gx = _upstream(ctx, g) * np.clip(x - y, -ctx.delta, ctx.delta)
        return gx, (-gx if ctx.needs_input_grad[1] else None), None, None


# torch's floor under x(1 - x) in binary_cross_entropy's gradient: 1e-12 as a float32
# constant (9.99999996e-13), cast to the input's dtype (0 in float16)
_BCE_EPSILON = float(np.float32(1e-12))


class BinaryCrossEntropy(Primitive):
    """l = -w·(y·log x + (1 - y)·log(1 - x)), each log clamped at -100 (as torch);
    dl/dx = w·(x - y)/max(x(1 - x), ε) (ε = _BCE_EPSILON),  dl/dy = w·(log(1 - x) - log x)
    (the logs unclamped, as torch: ±inf at x = 0 or 1)"""

    backward_name = "BinaryCrossEntropyBackward0"

    @staticmethod
    def forward(ctx, x, y, w, reduction):
        log_x, log_1mx = _clamped_logs(x)
        loss = -(y * (log_x - log_1mx) + log_1mx)
        if w is not None:
            loss = loss * w
        ctx.save_for_backward(x, y, w)
        with np.errstate(invalid="ignore"):  # an infinite weight: inf - inf
            return _reduce(ctx, loss.astype(x.dtype, copy=False), reduction)

    @staticmethod
    def backward(ctx, g):
        x, y, w = ctx.saved_tensors
        up = _upstream(ctx, g)
        if w is not None:
            up = up * w
        gx = gy = None
        if ctx.needs_input_grad[0]:
            with np.errstate(divide="ignore", invalid="ignore"):  # float16: ε is 0
                gx = up * (x - y) / np.maximum(x * (1 - x), np.asarray(_BCE_EPSILON, x.dtype))
        if ctx.needs_input_grad[1]:
            with np.errstate(divide="ignore", invalid="ignore"):  # log 0; inf - inf
                gy = up * (np.log1p(-x) - np.log(x))
        return gx, gy, None, None


def _clamped_logs(x):
    """(log x, log(1 - x)), each clamped at -100 as torch's binary_cross_entropy."""
    with np.errstate(divide="ignore"):
        return np.maximum(np.log(x), -100), np.maximum(np.log1p(-x), -100)


def _softplus_neg(x):
    """softplus(-x) = log(1 + e^-x), as max(-x, 0) + log1p(e^-|x|): never overflows."""
    return np.maximum(-x, 0) + np.log1p(np.exp(-np.abs(x)))


class BinaryCrossEntropyWithLogits(Primitive):
    """With lw = 1 + (pw - 1)·y (lw = 1 without pos_weight) and softplus(z) = log(1 + e^z):
    l = w·((1 - y)·x + lw·softplus(-x)), computed as max(-x, 0) + log1p(e^-|x|) so it never
    overflows;  dl/dx = w·(lw·σ(x) - pw·y),  dl/dy = w·((pw - 1)·softplus(-x) - x)"""

    backward_name = "BinaryCrossEntropyWithLogitsBackward0"

    @staticmethod
    def forward(ctx, x, y, w, pw, reduction):
        ctx.save_for_backward(x, y, w, pw)
        with np.errstate(invalid="ignore", over="ignore"):  # ±inf: inf - inf is NaN (torch)
            sp = _softplus_neg(x)
            if pw is None:
                loss = (1 - y) * x + sp
            else:
                loss = (1 - y) * x + (1 + (pw - 1) * y) * sp
            if w is not None:
                loss = loss * w
            return _reduce(ctx, loss.astype(x.dtype, copy=False), reduction)

    @staticmethod
    def backward(ctx, g):
        x, y, w, pw = ctx.saved_tensors
        up = _upstream(ctx, g)
        if w is not None:
            up = up * w
        gx = gy = None
        if ctx.needs_input_grad[0]:
            s = SigmoidFunction.call(x)
            with np.errstate(invalid="ignore"):  # an infinite y: inf - inf is NaN (as torch)
                gx = up * (s - y if pw is None else (1 + (pw - 1) * y) * s - pw * y)
        if ctx.needs_input_grad[1]:
            with np.errstate(invalid="ignore"):  # x = ±inf: inf - inf is NaN (as torch)
                gy = up * (-x if pw is None else (pw - 1) * _softplus_neg(x) - x)
        return gx, gy, None, None, None


class CrossEntropy(Primitive):
    """Softmax cross-entropy on logits x, class dim 1, through log-sum-exp:
    log p_c = x_c - lse(x), lse(x) = m + log Σ e^(x - m) with m = max x (exact for any x).

    Every variant is l = -Σ_c q_c·log p_c for a per-element target vector q:
      class indices:  q = (1-ε)·w_y·onehot(y) + (ε/C)·w  (zero where y = ignore_index)
      probabilities:  q = w ⊙ ((1-ε)·t + ε/C)
    so dl/dx = p·Σ_c q_c - q  (p = softmax x)  and  dl/dt = -(1-ε)·w ⊙ log p.
    Backward recomputes p (and log p) from x, through Softmax (``_log_softmax``): a p saved from
    forward would be a constant to the second derivative (a first-order backward with class
    indices reuses forward's p: see ``cached``).

    Arguments (checked by nn.functional.cross_entropy): ``y`` the int64 classes with ignored
    entries set to 0, or with ``probs`` the target probabilities shaped like x; ``w`` the
    class weights or None; ``wy`` each entry's weight w_y, zero where ignored (None: all 1);
    ``keep`` the mask of entries not ignored (None: all); ``denom`` the divisor of 'mean'.
    The weights are constants (torch does not differentiate them either).
    """

    backward_name = "NllLossBackward0"

    @staticmethod
    def forward(ctx, x, y, w, wy, keep, eps, probs, reduction, denom):
        ctx.save_for_backward(x, y)
        C = x.shape[1]
        wb = None if w is None else w.reshape((1, C) + (1,) * (x.ndim - 2))
        ctx.probs, ctx.eps, ctx.keep, ctx.wb, ctx.wy = probs, eps, keep, wb, wy
        # a row holding ±inf gives NaN or inf, silently, as in torch (there is no finite
        # answer); float16 is computed in float32 (see reduce.widened)
        with np.errstate(invalid="ignore", over="ignore"):
            xw = widened(x)
            m = xw.max(axis=1, keepdims=True)
            e = xw - m
            np.exp(e, out=e)
            s = e.sum(axis=1, keepdims=True)
            lse = m + np.log(s)
            if probs:
                q = y if eps == 0 else y * (1 - eps) + eps / C
                if wb is not None:
                    q = q * wb
                loss = -(q * (xw - lse)).sum(axis=1)
            else:
                loss = lse[:, 0] - _gather(xw, y)     # -log p_y
                if wy is not None:
                    loss = loss * wy
                if eps:
                    # the smoothing term Σ_c w_c·(-log p_c), weighted ε/C
                    if wb is None:
                        smooth = C * lse[:, 0] - xw.sum(axis=1)
                    else:
                        smooth = (wb * (lse - xw)).sum(axis=1)
                    loss = (1 - eps) * loss + (eps / C) * smooth
                if keep is not None:
                    # ignored entries add nothing, even where -log p is infinite
                    loss = np.where(keep, loss, 0)
                if ctx.needs_input_grad:
                    e /= s                           # softmax, reusing the exp buffer
                    ctx.cache = e.astype(x.dtype, copy=False)
            return _reduce(ctx, loss.astype(x.dtype, copy=False), reduction, denom)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        up = _class_upstream(ctx, g)             # per element: shape (N, d...) or ()
        eps, wb = ctx.eps, ctx.wb
        if ctx.probs:
            return _cross_entropy_probs_backward(ctx, x, y, up) + (None,) * 7
        wy, keep = ctx.wy, ctx.keep
        C = x.shape[1]
        a = up if wy is None else up * wy        # weight of the one-hot part of q
        p = cached(ctx, x)      # forward's softmax: benchmarks/mlp.py, epochs 5-10% faster
        if p is None:
            p = SoftmaxFunction.call(x, 1)
        if eps:
            a = a * (1 - eps)
            smooth = (eps / C) * up              # weight of the uniform part of q
            if keep is not None:
                smooth = smooth * keep
            wsum = C if wb is None else wb.sum()
            qsum = a + smooth * wsum             # Σ_c q_c
            gx = p * _col(qsum) - _col(smooth) * (1 if wb is None else wb)
        else:
            gx = p * _col(a)
        # minus a at each element's class: a where on the one-hot mask, not a scatter
        gx = np.where(_one_hot(y, C), gx - _col(a), gx)
        return gx, None, None, None, None, None, None, None, None


def _cross_entropy_probs_backward(ctx, x, t, up):
    """CrossEntropy's gradients (dl/dx, dl/dt) with probability targets t."""
    eps, wb = ctx.eps, ctx.wb
    upb = _col(up)
    gx = gt = None
    with np.errstate(invalid="ignore"):  # infinite logits or targets: NaN, as in torch
        if ctx.needs_input_grad[0]:
            q = t if eps == 0 else t * (1 - eps) + eps / x.shape[1]
            if wb is not None:
                q = q * wb
            gx = (SoftmaxFunction.call(x, 1) * q.sum(axis=1, keepdims=True) - q) * upb
        if ctx.needs_input_grad[1]:
            gt = -(1 - eps) * _log_softmax(x) * upb
            if wb is not None:
                gt = gt * wb
    return gx, gt


def _log_softmax(x):
    """log p = x - lse(x) over dim 1, in forward's arithmetic (nan for a row holding +inf, as
    torch); on Tensors the max is recorded too (its derivative cancels)."""
    m = np.amax(x, axis=1, keepdims=True)
    return x - (m + np.log(np.sum(np.exp(x - m), axis=1, keepdims=True)))


def _gather(x, y):
    """x[n, y[n], d...] for every n (and d...): the entry of each element's class."""
    if x.ndim == 2:
        return x[np.arange(x.shape[0]), y]
    return np.take_along_axis(x, y[:, None], axis=1)[:, 0]


def _one_hot(y, C):
    """The mask of each element's class (y is an int array): [n, c, d...] is y[n, d...] == c."""
    if y.ndim == 1:
        return y[:, None] == np.arange(C)
    return y[:, None] == np.arange(C).reshape((C,) + (1,) * (y.ndim - 1))


def _col(v):
    """Per-element values (N, d...) -> (N, 1, d...) to broadcast over the class dim."""
    return v[:, None] if getattr(v, "ndim", 0) else v


def _class_upstream(ctx, g):
    # a 'mean' over zero total weight (every target ignored) is nan; its gradient is zero,
    # as in torch (no entry contributes)
    if ctx.reduction == "mean" and not ctx.probs and ctx.denom == 0:
        return np.zeros_like(g)
    return _upstream(ctx, g)


class NllLossFunction(Primitive):
    """l = -w_y·x_y (x holds log-probabilities, class dim 1; zero where y = ignore_index);
    dl/dx_c = -w_y where c = y, else 0.  Arguments as for CrossEntropy."""

    backward_name = "NllLossBackward0"

    @staticmethod
    def forward(ctx, x, y, wy, reduction, denom):
        loss = -_gather(x, y)
        if wy is not None:
            loss = loss * wy
        ctx.save_for_backward(y)
        ctx.wy, ctx.shape, ctx.probs = wy, x.shape, False
        return _reduce(ctx, loss.astype(x.dtype, copy=False), reduction, denom)

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        wy = ctx.wy
        up = _class_upstream(ctx, g)
        a = _col(up if wy is None else up * wy)
        return np.where(_one_hot(y, ctx.shape[1]), -a, np.zeros((), g.dtype)), \
            None, None, None, None
