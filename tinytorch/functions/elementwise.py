"""Elementwise primitives.  Each backward returns the gradient of the broadcast shape; the
engine sums it back to each input's shape (see autograd/engine.py: sum_to)."""
import numpy as np

from ..autograd.function import Primitive


# --- binary ---------------------------------------------------------------------------

class Add(Primitive):
    """z = a + b;  dz/da = 1, dz/db = 1"""

    backward_name = "AddBackward0"

    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, g):
        return g, g


class Sub(Primitive):
    """z = a - b;  dz/da = 1, dz/db = -1"""

    backward_name = "SubBackward0"

    @staticmethod
    def forward(ctx, a, b):
        return a - b

    @staticmethod
    def backward(ctx, g):
        return g, (-g if ctx.needs_input_grad[1] else None)


class RSub(Primitive):
    """z = b - a (a Python number minus a tensor);  dz/da = -1"""

    backward_name = "RsubBackward1"

    @staticmethod
    def forward(ctx, a, b):
        return b - a

    @staticmethod
    def backward(ctx, g):
        return -g, None


class Mul(Primitive):
    """z = a * b;  dz/da = b, dz/db = a"""

    backward_name = "MulBackward0"

    @staticmethod
    def forward(ctx, a, b):
        need = ctx.needs_input_grad
        if need:
            ctx.save_for_backward(b if need[0] else None, a if need[1] else None)
        return a * b

    @staticmethod
    def backward(ctx, g):
        b, a = ctx.saved_tensors
        return (g * b if b is not None else None), (g * a if a is not None else None)


class Div(Primitive):
    """z = a / b;  dz/da = 1/b, dz/db = -a/b²"""

    backward_name = "DivBackward0"

    @staticmethod
    def forward(ctx, a, b):
        if ctx.needs_input_grad:
            ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return a / b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            ga = g / b if ctx.needs_input_grad[0] else None
            gb = -g * a / (b * b) if ctx.needs_input_grad[1] else None
        return ga, gb


class Pow(Primitive):
    """z = a ** b (two tensors);  dz/da = b·a^(b-1), dz/db = a^b·ln(a)

    As in torch, dz/da is taken as 0 where b = 0 and dz/db as 0 where a = 0 and b >= 0.
    """

    backward_name = "PowBackward1"

    @staticmethod
    def forward(ctx, a, b):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            out = a ** b
        if ctx.needs_input_grad:
            ctx.save_for_backward(a, b, out if ctx.needs_input_grad[1] else None)
        return out

    @staticmethod
    def backward(ctx, g):
        a, b, out = ctx.saved_tensors
        ga = gb = None
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if ctx.needs_input_grad[0]:
                ga = g * np.where(b == 0, 0, b * a ** np.where(b == 0, 1, b - 1))
            if ctx.needs_input_grad[1]:
                gb = g * np.where((a == 0) & (b >= 0), 0, out * np.log(a))
        return ga, gb


class PowScalar(Primitive):
    """z = x ** p for a Python number p;  dz/dx = p·x^(p-1)  (0 when p = 0)"""

    backward_name = "PowBackward0"

    @staticmethod
    def forward(ctx, x, p):
        if ctx.needs_input_grad:
            ctx.save_for_backward(x)
            ctx.p = p
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return x ** p

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        p = ctx.p
        if p == 0:
            return np.zeros_like(g), None
        if p == 2:
            return g * 2 * x, None
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return g * (p * x ** (p - 1)), None


class RPowScalar(Primitive):
    """z = c ** x for a Python number c;  dz/dx = c^x·ln(c)  (0 where c = 0 and x >= 0)"""

    backward_name = "PowBackward2"

    @staticmethod
    def forward(ctx, x, c):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            out = np.power(np.asarray(c, x.dtype), x)
        if ctx.needs_input_grad:
            ctx.save_for_backward(x, out)
            ctx.c = c
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        c = ctx.c
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            gx = g * out * np.log(np.asarray(c, out.dtype))
        if c == 0:
            gx = np.where(x >= 0, np.zeros((), g.dtype), gx)
        return gx, None


def _split_ties(a, b, g, keep_a):
    """Gradient that maximum/minimum sends to ``a``: all of g where a wins, half on ties."""
    return np.where(a == b, g / 2, np.where(keep_a, g, 0))


class Maximum(Primitive):
    """z = max(a, b);  the larger input gets the gradient, ties split it evenly"""

    backward_name = "MaximumBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.maximum(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ga = _split_ties(a, b, g, a > b) if ctx.needs_input_grad[0] else None
        gb = _split_ties(a, b, g, b > a) if ctx.needs_input_grad[1] else None
        return ga, gb


class Minimum(Primitive):
    """z = min(a, b);  the smaller input gets the gradient, ties split it evenly"""

    backward_name = "MinimumBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.minimum(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ga = _split_ties(a, b, g, a < b) if ctx.needs_input_grad[0] else None
        gb = _split_ties(a, b, g, b < a) if ctx.needs_input_grad[1] else None
        return ga, gb


class Where(Primitive):
    """z = cond ? a : b;  dz/da = cond, dz/db = not cond"""

    backward_name = "WhereBackward0"

    @staticmethod
    def forward(ctx, cond, a, b):
        ctx.save_for_backward(cond)
        return np.where(cond, a, b)

    @staticmethod
    def backward(ctx, g):
        (cond,) = ctx.saved_tensors
        zero = np.zeros((), g.dtype)
        ga = np.where(cond, g, zero) if ctx.needs_input_grad[1] else None
        gb = np.where(cond, zero, g) if ctx.needs_input_grad[2] else None
        return None, ga, gb


class MaskedFill(Primitive):
    """z = value where mask else x;  dz/dx = g where not mask, dz/dvalue = Σ g where mask"""

    backward_name = "MaskedFillBackward0"

    @staticmethod
    def forward(ctx, x, mask, value):
        ctx.save_for_backward(mask)
        out = np.where(mask, np.asarray(value, x.dtype), x)
        return out

    @staticmethod
    def backward(ctx, g):
        (mask,) = ctx.saved_tensors
        zero = np.zeros((), g.dtype)
        gx = np.where(mask, zero, g) if ctx.needs_input_grad[0] else None
        gv = np.where(mask, g, zero).sum() if ctx.needs_input_grad[2] else None
        return gx, None, gv


class MaskedFillTensor(MaskedFill):
    """z = mask ? v : x (v a 0-d tensor);  dz/dx = g where not mask, dz/dv = Σ g where mask"""

    backward_name = "MaskedFillBackward1"


# --- unary ----------------------------------------------------------------------------

class Neg(Primitive):
    """z = -x;  dz/dx = -1"""

    backward_name = "NegBackward0"

    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def backward(ctx, g):
        return -g


class Exp(Primitive):
    """z = e^x;  dz/dx = e^x = z"""

    backward_name = "ExpBackward0"

    @staticmethod
    def forward(ctx, x):
        with np.errstate(over="ignore"):
            out = np.exp(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * out


class Log(Primitive):
    """z = ln x;  dz/dx = 1/x"""

    backward_name = "LogBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            return g / x


class Log1p(Primitive):
    """z = ln(1 + x);  dz/dx = 1/(1 + x)"""

    backward_name = "Log1PBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log1p(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            return g / (1 + x)


class Sqrt(Primitive):
    """z = √x;  dz/dx = 1/(2√x) = 1/(2z)"""

    backward_name = "SqrtBackward0"

    @staticmethod
    def forward(ctx, x):
        with np.errstate(invalid="ignore"):
            out = np.sqrt(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            return g / (2 * out)


class Rsqrt(Primitive):
    """z = 1/√x;  dz/dx = -1/(2·x^(3/2)) = -z³/2"""

    backward_name = "RsqrtBackward0"

    @staticmethod
    def forward(ctx, x):
        with np.errstate(divide="ignore", invalid="ignore"):
            out = 1 / np.sqrt(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        with np.errstate(over="ignore", invalid="ignore"):
            return g * (-0.5 * out ** 3)


class Abs(Primitive):
    """z = |x|;  dz/dx = sign(x)  (0 at x = 0)"""

    backward_name = "AbsBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.abs(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * np.sign(x)


class Sign(Primitive):
    """z = sign(x);  dz/dx = 0 everywhere it exists"""

    backward_name = "SignBackward0"

    @staticmethod
    def forward(ctx, x):
        return np.sign(x)

    @staticmethod
    def backward(ctx, g):
        return np.zeros_like(g)


class Sin(Primitive):
    """z = sin x;  dz/dx = cos x"""

    backward_name = "SinBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sin(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * np.cos(x)


class Cos(Primitive):
    """z = cos x;  dz/dx = -sin x"""

    backward_name = "CosBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.cos(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return -g * np.sin(x)


class TanhFunction(Primitive):
    """z = tanh x;  dz/dx = 1 - tanh² x = 1 - z²"""

    backward_name = "TanhBackward0"

    @staticmethod
    def forward(ctx, x):
        out = np.tanh(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * (1 - out * out)


def sigmoid_array(x):
    """σ(x) = 1/(1 + e^-x), evaluated through e^-|x| so it never overflows."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


class SigmoidFunction(Primitive):
    """z = σ(x) = 1/(1 + e^-x);  dz/dx = σ(x)(1 - σ(x)) = z(1 - z)"""

    backward_name = "SigmoidBackward0"

    @staticmethod
    def forward(ctx, x):
        out = sigmoid_array(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * out * (1 - out)


class ReluFunction(Primitive):
    """z = max(x, 0);  dz/dx = 1 if x > 0 else 0  (0 at x = 0, as torch)"""

    backward_name = "ReluBackward0"

    @staticmethod
    def forward(ctx, x):
        out = np.maximum(x, 0)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        # a mask, not a product: where relu is off, even a nan/inf gradient becomes 0
        return np.where(out > 0, g, np.zeros((), g.dtype))


class Clamp(Primitive):
    """z = min(max(x, lo), hi);  dz/dx = 1 where lo <= x <= hi, else 0"""

    backward_name = "ClampBackward1"

    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.save_for_backward(x)
        ctx.lo, ctx.hi = lo, hi
        out = x
        if lo is not None:
            out = np.maximum(out, lo)
        if hi is not None:
            out = np.minimum(out, hi)
        return out.astype(x.dtype, copy=False) if out is not x else x.copy()

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        lo, hi = ctx.lo, ctx.hi  # at least one is set (clamp checks)
        if lo is None:
            mask = x <= hi
        elif hi is None:
            mask = x >= lo
        else:
            mask = (x >= lo) & (x <= hi)
        return np.where(mask, g, np.zeros((), g.dtype)), None, None


class ToDtype(Primitive):
    """z = x converted to another dtype;  dz/dx = 1 (the engine casts the gradient back)"""

    backward_name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, x, np_dtype):
        return x.astype(np_dtype)

    @staticmethod
    def backward(ctx, g):
        return g, None


class Clone(Primitive):
    """z = a copy of x;  dz/dx = 1"""

    backward_name = "CloneBackward0"

    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, g):
        return g


class Fill(Primitive):
    """z = value everywhere (x.fill_);  dz/dx = 0, dz/dvalue = sum of the upstream gradient"""

    backward_name = "FillBackward1"

    @staticmethod
    def forward(ctx, x, value):
        return np.full_like(x, value)

    @staticmethod
    def backward(ctx, g):
        gv = g.sum() if ctx.needs_input_grad[1] else None
        return np.zeros_like(g), gv


class CopyFrom(Primitive):
    """z = src broadcast into x's shape (x.copy_(src));  dz/dx = 0, dz/dsrc = 1"""

    backward_name = "CopyBackwards"

    @staticmethod
    def forward(ctx, x, src):
        return np.array(np.broadcast_to(src, x.shape), dtype=x.dtype)

    @staticmethod
    def backward(ctx, g):
        return np.zeros_like(g), g
