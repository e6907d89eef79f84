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


def power(x, p):
    """x ** p for a Python number p, as torch computes it.  float32 and float64 take
    p = 0.5, -0.5, -1, 3 and -2 through √x, 1/√x, 1/x, x·x·x and 1/(x·x), so (-inf)^0.5 is
    NaN and (-0)^-0.5 is -inf (numpy's ``**`` does the same for 0.5 and -1, but for -0.5 C's
    pow gives 0 and +inf there);
    float16 takes C's pow for every p, so (-inf)^0.5 is inf."""
    if np.dtype(x.dtype) == np.float16:
        return np.power(x, p)
    if p == -0.5:
        return 1 / np.sqrt(x)
    if p == 3:  # torch multiplies out these two (C's pow can differ in the last bit)
        return x * x * x
    if p == -2:
        return 1 / (x * x)
    return x ** p


class PowScalar(Primitive):
    """z = x ** p for a Python number p;  dz/dx = p·x^(p-1)  (0 when p = 0)"""

    backward_name = "PowBackward0"

    @staticmethod
    def forward(ctx, x, p):
        if ctx.needs_input_grad:
            ctx.save_for_backward(x)
            ctx.p = p
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return power(x, p)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        p = ctx.p
        if p == 0:
            return np.zeros_like(g), None
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if p == 2:
                return g * 2 * x, None
            return g * (p * power(x, p - 1)), None


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


def _split_ties(a, b, g, beaten):
    """The gradient maximum/minimum sends to one input: g, halved where a = b, 0 where
    ``beaten``.  A NaN on either side is neither a tie nor beaten, so both inputs get all of g
    (as torch: the NaN result depends on each)."""
    return np.where(a == b, g / 2, np.where(beaten, 0, g))


class Maximum(Primitive):
    """z = max(a, b);  dz/da = 1 where a > b, 1/2 where a = b, 0 where a < b (and the same
    for b);  where a or b is NaN, z is NaN and both derivatives are 1"""

    backward_name = "MaximumBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.maximum(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ga = _split_ties(a, b, g, a < b) if ctx.needs_input_grad[0] else None
        gb = _split_ties(a, b, g, b < a) if ctx.needs_input_grad[1] else None
        return ga, gb


class Minimum(Primitive):
    """z = min(a, b);  dz/da = 1 where a < b, 1/2 where a = b, 0 where a > b (and the same
    for b);  where a or b is NaN, z is NaN and both derivatives are 1"""

    backward_name = "MinimumBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.minimum(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ga = _split_ties(a, b, g, a > b) if ctx.needs_input_grad[0] else None
        gb = _split_ties(a, b, g, b > a) if ctx.needs_input_grad[1] else None
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
        with np.errstate(invalid="ignore"):  # inf + -inf
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
    """z = |x|;  dz/dx = sign(x)  (0 at x = 0 and, as torch's sign, at NaN)"""

    backward_name = "AbsBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.abs(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * Sign.call(x)


class Sign(Primitive):
    """z = sign(x): -1, 0 or 1, and 0 at NaN (torch's (x > 0) - (x < 0));  dz/dx = 0
    everywhere it exists"""

    backward_name = "SignBackward0"

    @staticmethod
    def forward(ctx, x):
        out = np.sign(x)
        if out.dtype.kind == "f":  # numpy's sign(NaN) is NaN
            out = np.where(np.isnan(out), np.zeros((), out.dtype), out)
        return out

    @staticmethod
    def backward(ctx, g):
        return np.zeros_like(g)


class Sin(Primitive):
    """z = sin x;  dz/dx = cos x"""

    backward_name = "SinBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(invalid="ignore"):  # sin(±inf) is NaN, silently (as torch)
            return np.sin(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        with np.errstate(invalid="ignore"):
            return g * np.cos(x)


class Cos(Primitive):
    """z = cos x;  dz/dx = -sin x"""

    backward_name = "CosBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(invalid="ignore"):  # cos(±inf) is NaN, silently (as torch)
            return np.cos(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        with np.errstate(invalid="ignore"):
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
    """z = max(x, 0);  dz/dx = 0 if x <= 0 else 1  (0 at x = 0, 1 at NaN, as torch)"""

    backward_name = "ReluBackward0"

    @staticmethod
    def forward(ctx, x):
        out = np.maximum(x, 0)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        # a mask, not a product: where relu is off, even a nan/inf gradient becomes 0;
        # z = NaN is not <= 0, so the gradient passes there (torch's threshold_backward)
        return np.where(out <= 0, np.zeros((), g.dtype), g)


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


class ClampTensor(Primitive):
    """z = min(max(x, lo), hi) with tensor bounds (one may be None), NaN where any is NaN;
    dz/dx = 1 where lo <= x <= hi,  dz/dlo = 1 where x < lo < hi,  dz/dhi = 1 where x > hi or
    hi < lo, else 0  (torch's rules: where lo > hi, z = hi, and hi alone gets the gradient;
    where lo = hi > x, neither does)"""

    backward_name = "ClampBackward0"

    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.save_for_backward(x, lo, hi)
        out = x
        if lo is not None:
            out = np.maximum(out, lo)
        if hi is not None:
            out = np.minimum(out, hi)
        return out.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x, lo, hi = ctx.saved_tensors
        need = ctx.needs_input_grad
        zero = np.zeros((), g.dtype)
        gx = glo = ghi = None
        if need[0]:
            if lo is None:
                inside = x <= hi
            elif hi is None:
                inside = x >= lo
            else:
                inside = (x >= lo) & (x <= hi)
            gx = np.where(inside, g, zero)
        if need[1]:
            below = x < lo if hi is None else (x < lo) & (lo < hi)
            glo = np.where(below, g, zero)
        if need[2]:
            above = x > hi if lo is None else (x > hi) | (hi < lo)
            ghi = np.where(above, g, zero)
        return gx, glo, ghi


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
        with np.errstate(invalid="ignore"):  # inf + -inf
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


# --- issue 12: more math (called from tinytorch/_math.py) ------------------------------

_LN2, _LN10 = 0.6931471805599453, 2.302585092994046
_SQRT_PI = 1.7724538509055159
_TWO_OVER_SQRT_PI = 1.1283791670955126
_PI = 3.141592653589793

# W. J. Cody's rational approximations of erf and erfc (SPECFUN's CALERF), float64
_ERF_A = (3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
          3.20937758913846947e03, 1.85777706184603153e-1)
_ERF_B = (2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
          2.84423683343917062e03)
_ERF_C = (5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
          2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03,
          2.05107837782607147e03, 1.23033935479799725e03, 2.15311535474403846e-8)
_ERF_D = (1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
          1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03,
          3.43936767414372164e03, 1.23033935480374942e03)
_ERF_P = (3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
          1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2)
_ERF_Q = (2.56852019228982242e00, 1.87295284992346725e00, 5.27905102951428412e-1,
          6.05183413124413191e-2, 2.33520497626869185e-3)


def _erfc_tail(y):
    """erfc(y) for y > 0.5 (float64; y <= 4 and y > 4 by two rational approximations)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        xnum, xden = _ERF_C[8] * y, y
        for i in range(7):
            xnum, xden = (xnum + _ERF_C[i]) * y, (xden + _ERF_D[i]) * y
        mid = (xnum + _ERF_C[7]) / (xden + _ERF_D[7])
        ysq = 1 / (y * y)
        xnum, xden = _ERF_P[5] * ysq, ysq
        for i in range(4):
            xnum, xden = (xnum + _ERF_P[i]) * ysq, (xden + _ERF_Q[i]) * ysq
        far = (0.5641895835477563 - ysq * (xnum + _ERF_P[4]) / (xden + _ERF_Q[4])) / y
        r = np.where(y <= 4, mid, far)
        ysq = np.trunc(y * 16) / 16  # exp(-y²) in two factors: exact for the large part
        r = np.exp(-ysq * ysq) * np.exp(-(y - ysq) * (y + ysq)) * r
    return np.where(y >= 27.3, 0.0, r)  # below the smallest subnormal (and inf - inf)


def _erf_small(x):
    """erf(x) for |x| <= 0.5."""
    ysq = x * x
    xnum, xden = _ERF_A[4] * ysq, ysq
    for i in range(3):
        xnum, xden = (xnum + _ERF_A[i]) * ysq, (xden + _ERF_B[i]) * ysq
    return x * (xnum + _ERF_A[3]) / (xden + _ERF_B[3])


def erf_array(x):
    """erf(x), accurate to about 1e-16 relative in float64 (computed in float64)."""
    x64 = np.asarray(x, np.float64)
    y = np.abs(x64)
    with np.errstate(invalid="ignore", over="ignore"):
        big = 1 - _erfc_tail(np.maximum(y, 0.5))
        out = np.where(y <= 0.5, _erf_small(np.where(y <= 0.5, x64, 0.0)),
                       np.copysign(big, x64))
    return out.astype(x.dtype, copy=False)


def erfc_array(x):
    """erfc(x) = 1 - erf(x), without cancellation for large x (computed in float64)."""
    x64 = np.asarray(x, np.float64)
    y = np.abs(x64)
    with np.errstate(invalid="ignore", over="ignore"):
        tail = _erfc_tail(np.maximum(y, 0.5))
        out = np.where(y <= 0.5, 1 - _erf_small(np.where(y <= 0.5, x64, 0.0)),
                       np.where(x64 < 0, 2 - tail, tail))
    return out.astype(x.dtype, copy=False)


def erfinv_array(y):
    """erfinv(y): M. Giles' single-precision approximation, then Newton steps on erf (on
    log erfc for |y| > 0.5, where 1 - |y| is exact) to float64 accuracy."""
    y64 = np.asarray(y, np.float64)
    a = np.abs(y64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        w = -np.log((1 - a) * (1 + a))
        w1 = w - 2.5
        p1 = 2.81022636e-08
        for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                  -0.00125372503, -0.00417768164, 0.246640727, 1.50140941):
            p1 = c + p1 * w1
        w2 = np.sqrt(w) - 3
        p2 = -0.000200214257
        for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
                  -0.0076224613, 0.00943887047, 1.00167406, 2.83297682):
            p2 = c + p2 * w2
        x = np.where(w < 5, p1, p2) * a
        tail = a > 0.5
        for _ in range(4):
            d = _TWO_OVER_SQRT_PI * np.exp(-x * x)  # erf'(x)
            # on erf near 0; on log erfc in the tail, where erfc falls too fast for Newton
            ec = erfc_array(x)
            step = np.where(tail, (np.log(1 - a) - np.log(ec)) * ec, erf_array(x) - a) / d
            x = np.where(np.isfinite(step), x - step, x)
        x = np.where(a == 1, np.inf, np.where(a > 1, np.nan, x))
        out = np.copysign(x, y64)
    return out.astype(y.dtype, copy=False)


def _zero_grad(g):
    return np.zeros_like(g)


class Tan(Primitive):
    """z = tan x;  dz/dx = 1 + tan² x = 1 + z²"""

    backward_name = "TanBackward0"

    @staticmethod
    def forward(ctx, x):
        with np.errstate(invalid="ignore"):
            out = np.tan(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * (1 + out * out)


class Asin(Primitive):
    """z = asin x;  dz/dx = 1/√(1 - x²)"""

    backward_name = "AsinBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(invalid="ignore"):
            return np.arcsin(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * Rsqrt.call(1 - x * x)


class Acos(Primitive):
    """z = acos x;  dz/dx = -1/√(1 - x²)"""

    backward_name = "AcosBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(invalid="ignore"):
            return np.arccos(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * -Rsqrt.call(1 - x * x)


class Atan(Primitive):
    """z = atan x;  dz/dx = 1/(1 + x²)"""

    backward_name = "AtanBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arctan(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / (x * x + 1)


class Sinh(Primitive):
    """z = sinh x;  dz/dx = cosh x"""

    backward_name = "SinhBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(over="ignore"):
            return np.sinh(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * Cosh.call(x)


class Cosh(Primitive):
    """z = cosh x;  dz/dx = sinh x"""

    backward_name = "CoshBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(over="ignore"):
            return np.cosh(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * Sinh.call(x)


class Asinh(Primitive):
    """z = asinh x;  dz/dx = 1/√(x² + 1)"""

    backward_name = "AsinhBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arcsinh(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * Rsqrt.call(x * x + 1)


class Acosh(Primitive):
    """z = acosh x;  dz/dx = 1/√(x² - 1)"""

    backward_name = "AcoshBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(invalid="ignore"):
            return np.arccosh(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * Rsqrt.call(x * x - 1)


class Atanh(Primitive):
    """z = atanh x;  dz/dx = 1/(1 - x²)"""

    backward_name = "AtanhBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.arctanh(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * (1 / (1 - x * x))


class Exp2(Primitive):
    """z = 2^x;  dz/dx = 2^x·ln 2 = z·ln 2"""

    backward_name = "Exp2Backward0"

    @staticmethod
    def forward(ctx, x):
        with np.errstate(over="ignore"):
            out = np.exp2(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * out * _LN2


class Expm1(Primitive):
    """z = e^x - 1;  dz/dx = e^x = z + 1"""

    backward_name = "Expm1Backward0"

    @staticmethod
    def forward(ctx, x):
        with np.errstate(over="ignore"):
            out = np.expm1(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * (out + 1)


class Log2(Primitive):
    """z = log₂ x;  dz/dx = 1/(x·ln 2)"""

    backward_name = "Log2Backward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log2(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / (x * _LN2)


class Log10(Primitive):
    """z = log₁₀ x;  dz/dx = 1/(x·ln 10)"""

    backward_name = "Log10Backward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log10(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / (x * _LN10)


class Erf(Primitive):
    """z = erf x;  dz/dx = 2/√π·e^(-x²)"""

    backward_name = "ErfBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return erf_array(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return _TWO_OVER_SQRT_PI * np.exp(-(x * x)) * g


class Erfc(Primitive):
    """z = erfc x = 1 - erf x;  dz/dx = -2/√π·e^(-x²)"""

    backward_name = "ErfcBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return erfc_array(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return -_TWO_OVER_SQRT_PI * np.exp(-(x * x)) * g


class Erfinv(Primitive):
    """z = erfinv x;  dz/dx = √π/2·e^(z²)"""

    backward_name = "ErfinvBackward0"

    @staticmethod
    def forward(ctx, x):
        out = erfinv_array(x)
        ctx.save_for_backward(x)
        return out

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        # erfinv recomputed from x (not the saved output): its own history is x's
        z = Erfinv.call(x)
        return 0.5 * _SQRT_PI * np.exp(z * z) * g


class Reciprocal(Primitive):
    """z = 1/x;  dz/dx = -1/x² = -z²"""

    backward_name = "ReciprocalBackward0"

    @staticmethod
    def forward(ctx, x):
        with np.errstate(divide="ignore"):
            out = np.reciprocal(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return -g * (out * out)


class Scale(Primitive):
    """z = c·x for a constant c (deg2rad, rad2deg);  dz/dx = c"""

    backward_name = "MulBackward1"

    @staticmethod
    def forward(ctx, x, c):
        ctx.c = c
        with np.errstate(over="ignore"):
            return x * np.asarray(c, x.dtype)

    @staticmethod
    def backward(ctx, g):
        return g * np.asarray(ctx.c, g.dtype), None


class Sinc(Primitive):
    """z = sin(πx)/(πx), 1 at 0;  dz/dx = (πx·cos(πx) - sin(πx))/(πx²), 0 at 0"""

    backward_name = "SincBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            px = x * np.asarray(_PI, x.dtype)
            out = np.sin(px) / px
        return np.where(x == 0, np.ones((), x.dtype), out)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        px = x * _PI
        pxx = x * x * _PI
        out = g * (px * np.cos(px) - np.sin(px)) / pxx
        return np.where(pxx == 0, np.zeros((), out.dtype), out)


class Rounding(Primitive):
    """z = floor/ceil/trunc/round/sign of x (``fn``, an array function);  dz/dx = 0"""

    backward_name = "RoundBackward0"

    @staticmethod
    def forward(ctx, x, fn):
        return fn(x)

    @staticmethod
    def backward(ctx, g):
        return np.zeros_like(g), None


class Frac(Primitive):
    """z = x - trunc(x);  dz/dx = 1"""

    backward_name = "FracBackward0"

    @staticmethod
    def forward(ctx, x):
        with np.errstate(invalid="ignore"):
            return x - np.trunc(x)

    @staticmethod
    def backward(ctx, g):
        return g


class NanToNum(Primitive):
    """z = x with NaN, +inf, -inf replaced by numbers;  dz/dx = 1 where x is finite, else 0"""

    backward_name = "NanToNumBackward0"

    @staticmethod
    def forward(ctx, x, nan, posinf, neginf):
        ctx.save_for_backward(x)
        return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return np.where(np.isfinite(x), g, np.zeros((), g.dtype)), None, None, None


class Atan2(Primitive):
    """z = atan2(a, b);  dz/da = b/(a² + b²), dz/db = -a/(a² + b²)  (both 0 at a = b = 0,
    as torch)"""

    backward_name = "Atan2Backward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.arctan2(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        r2 = a * a + b * b
        recip = np.where(r2 == 0, np.zeros((), r2.dtype), 1 / r2)
        ga = g * b * recip if ctx.needs_input_grad[0] else None
        gb = g * -a * recip if ctx.needs_input_grad[1] else None
        return ga, gb


class Copysign(Primitive):
    """z = |a| with the sign of b;  dz/da = z/a (0 at a = 0), dz/db = 0"""

    backward_name = "CopysignBackward0"

    @staticmethod
    def forward(ctx, a, b):
        out = np.copysign(a, b)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors
        ratio = np.where(a == 0, np.zeros((), g.dtype), out / a)
        ga = g * ratio if ctx.needs_input_grad[0] else None
        gb = np.zeros_like(g) if ctx.needs_input_grad[1] else None
        return ga, gb


class LogAddExp(Primitive):
    """z = ln(e^a + e^b);  dz/da = 1/(1 + e^(b-a)), dz/db = 1/(1 + e^(a-b))"""

    backward_name = "LogaddexpBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        with np.errstate(invalid="ignore"):
            return np.logaddexp(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ga = g / (1 + np.exp(b - a)) if ctx.needs_input_grad[0] else None
        gb = g / (1 + np.exp(a - b)) if ctx.needs_input_grad[1] else None
        return ga, gb


class LogAddExp2(Primitive):
    """z = log₂(2^a + 2^b);  dz/da = 1/(1 + 2^(b-a)), dz/db = 1/(1 + 2^(a-b))"""

    backward_name = "Logaddexp2Backward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        with np.errstate(invalid="ignore"):
            return np.logaddexp2(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ga = g / (1 + Exp2.call(b - a)) if ctx.needs_input_grad[0] else None
        gb = g / (1 + Exp2.call(a - b)) if ctx.needs_input_grad[1] else None
        return ga, gb


class Hypot(Primitive):
    """z = √(a² + b²);  dz/da = a/z, dz/db = b/z"""

    backward_name = "HypotBackward0"

    @staticmethod
    def forward(ctx, a, b):
        out = np.hypot(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, b, out = ctx.saved_tensors
        ga = g * a / out if ctx.needs_input_grad[0] else None
        gb = g * b / out if ctx.needs_input_grad[1] else None
        return ga, gb


class Xlogy(Primitive):
    """z = a·ln b (0 where a = 0, unless b is NaN);  dz/da = ln b (0 where a = 0 and b <= 0),
    dz/db = a/b"""

    backward_name = "XlogyBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = a * np.log(b)
        return np.where((a == 0) & ~np.isnan(b), np.zeros((), out.dtype), out)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        zero = np.zeros((), g.dtype)
        ga = gb = None
        if ctx.needs_input_grad[0]:
            ga = np.where((a == 0) & (b <= 0), zero, Xlogy.call(g, b))
        if ctx.needs_input_grad[1]:
            gb = g * a / b
        return ga, gb


class Lerp(Primitive):
    """z = a + w·(b - a);  dz/da = 1 - w, dz/db = w, dz/dw = b - a"""

    backward_name = "LerpBackward1"

    @staticmethod
    def forward(ctx, a, b, w):
        ctx.save_for_backward(a, b, w)
        with np.errstate(invalid="ignore", over="ignore"):
            # torch's formula: from the nearer end, so lerp(a, b, 1) is exactly b
            return np.where(np.abs(w) < 0.5, a + w * (b - a), b - (b - a) * (1 - w))

    @staticmethod
    def backward(ctx, g):
        a, b, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        ga = g * (1 - w) if need[0] else None
        gb = g * w if need[1] else None
        gw = g * (b - a) if need[2] else None
        return ga, gb, gw


class LerpScalar(Primitive):
    """z = a + w·(b - a) for a number w;  dz/da = 1 - w, dz/db = w"""

    backward_name = "LerpBackward0"

    @staticmethod
    def forward(ctx, a, b, w):
        ctx.w = w
        with np.errstate(invalid="ignore", over="ignore"):
            if abs(w) < 0.5:
                return a + np.asarray(w, a.dtype) * (b - a)
            return b - (b - a) * np.asarray(1 - w, a.dtype)

    @staticmethod
    def backward(ctx, g):
        w = ctx.w
        return (g * (1 - w) if ctx.needs_input_grad[0] else None,
                g * w if ctx.needs_input_grad[1] else None, None)


class Fmod(Primitive):
    """z = a - trunc(a/b)·b (the sign of a);  dz/da = 1, dz/db = -trunc(a/b)"""

    backward_name = "FmodBackward1"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.fmod(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        gb = None
        if ctx.needs_input_grad[1]:
            gb = -g * DivRounding.call(a, b, "trunc")
        return g, gb


def remainder_array(a, b):
    """torch's remainder: fmod, moved into b's sign unless it is 0 (which keeps a's sign,
    where numpy's remainder gives a zero b's sign)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        mod = np.fmod(a, b)
        return np.where((mod != 0) & ((b < 0) != (mod < 0)), mod + b, mod)


class Remainder(Primitive):
    """z = a - floor(a/b)·b (the sign of b);  dz/da = 1, dz/db = -floor(a/b)"""

    backward_name = "RemainderBackward1"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return remainder_array(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        gb = None
        if ctx.needs_input_grad[1]:
            gb = -g * DivRounding.call(a, b, "floor")
        return g, gb


class NoDerivative(Primitive):
    """z = a value computed from a and b by an op torch has no derivative for (floor_divide);
    dz/da, dz/db: none -- backward raises, as torch does"""

    backward_name = "NotImplemented"

    @staticmethod
    def forward(ctx, value, a, b, op):
        ctx.op = op
        return value

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError(f"derivative for aten::{ctx.op} is not implemented")


class DivRounding(Primitive):
    """z = a / b rounded ("trunc" or "floor");  dz/da = dz/db = 0"""

    backward_name = "DivBackward2"

    @staticmethod
    def forward(ctx, a, b, mode):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if mode == "floor":
                return np.floor_divide(a, b)  # torch's algorithm (C's fmod, then floor)
            return np.trunc(a / b)

    @staticmethod
    def backward(ctx, g):
        return np.zeros_like(g), np.zeros_like(g), None


def fmax_array(a, b):
    """max(a, b) ignoring a NaN; a where a = b (so fmax(0, -0) is 0, as torch)."""
    return np.where((a >= b) | (b != b), a, b)


def fmin_array(a, b):
    """min(a, b) ignoring a NaN; a where a = b."""
    return np.where((a <= b) | (b != b), a, b)


class FMax(Primitive):
    """z = max(a, b), ignoring a NaN;  dz/da = 1 where a >= b or b is NaN, dz/db = the rest"""

    backward_name = "FmaxBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        with np.errstate(invalid="ignore"):
            return fmax_array(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        first = (a >= b) | (b != b)
        zero = np.zeros((), g.dtype)
        ga = np.where(first, g, zero) if ctx.needs_input_grad[0] else None
        gb = np.where(first, zero, g) if ctx.needs_input_grad[1] else None
        return ga, gb


class FMin(Primitive):
    """z = min(a, b), ignoring a NaN;  dz/da = 1 where a <= b or b is NaN, dz/db = the rest"""

    backward_name = "FminBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        with np.errstate(invalid="ignore"):
            return fmin_array(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        first = (a <= b) | (b != b)
        zero = np.zeros((), g.dtype)
        ga = np.where(first, g, zero) if ctx.needs_input_grad[0] else None
        gb = np.where(first, zero, g) if ctx.needs_input_grad[1] else None
        return ga, gb


class Floor(Rounding):
    """z = floor x;  dz/dx = 0"""

    backward_name = "FloorBackward0"


class Ceil(Rounding):
    """z = ceil x;  dz/dx = 0"""

    backward_name = "CeilBackward0"


class Trunc(Rounding):
    """z = trunc x;  dz/dx = 0"""

    backward_name = "TruncBackward0"
