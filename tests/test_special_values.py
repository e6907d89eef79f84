"""Special values against PyTorch: every op in the table (op_cases.CASES, and the
nn.functional table of test_gradgrad_nn.py) with NaN, ±inf, zeros and ties put into its
inputs, and in float16.  Values, gradients and dtypes must be torch's, NaN and inf positions
included, and no numpy RuntimeWarning (divide by zero, invalid value, overflow) may leak out
of tinytorch where torch silently returns inf or NaN.

Each variant changes the case's own inputs:

* ``nan``, ``inf``, ``-inf``, ``zero``: a seeded quarter of each input's elements (at least
  one) set to that value;  ``mixed``: the same positions, each given one of the four.
* ``ties``: every value rounded to a multiple of 0.5, so max/min/maximum/clamp see equal
  values, within an input and across inputs, and relu/abs/sign see exact zeros.
* ``grid``: every value rounded to a multiple of 0.1, which puts values on the bounds the
  table's clamps and losses use (0.7, 0.1, -0.2, ±1, β = 0.5, ...).

float16 runs the plain inputs, ``mixed`` and ``ties``: torch reduces half in float32 and
rounds once, so the results must agree within a few float16 ulps.

Nothing is excluded for being undefined: everything tested here is deterministic in torch on
the CPU (max/min along a dim return the first maximal index, a NaN counting as the maximum:
documented).  Only dropout is left out, whose mask torch draws from its own generator.  One
test per case runs all its variants (2,600 pytest items would cost more than the checks).
"""
import os
import sys
import warnings
import zlib
from collections import namedtuple

import numpy as np
import pytest

import tinytorch
from op_cases import CASES, Case
from test_gradgrad_nn import CASES as NN_CASES
from tinytorch.functions import elementwise as E
from tinytorch.functions import linalg as LA
from tinytorch.functions import nn as N
from tinytorch.functions import reduce as R

torch = pytest.importorskip("torch")

Variant = namedtuple("Variant", "kind dtype")
Tolerance = namedtuple("Tolerance", "rtol atol")

VARIANTS = ([Variant(k, "float64") for k in
             ("nan", "inf", "-inf", "zero", "mixed", "ties", "grid")]
            + [Variant(k, "float16") for k in ("plain", "mixed", "ties")])

# float16: both libraries round every elementwise step to half, but torch's fused kernels
# and its float32 accumulation round fewer times than a composite does
TOL = {"float64": Tolerance(rtol=1e-9, atol=1e-11), "float16": Tolerance(rtol=1e-2, atol=2e-3)}

def _u(*shape):
    return lambda rng: rng.uniform(-2.0, 2.0, shape)


def _F(L):
    return L.nn.functional


# nn.functional uses the tables above leave out: adaptive pooling (its own windows, not an
# averaging matrix whose zeros would spread a NaN), overlapping average pooling (float16 adds
# in torch's order), batch norm in eval without affine, layer norm with a weight only
EXTRA_CASES = [
    Case("F.adaptive_avg_pool2d 6x7 -> 4x3",
         lambda L, x: _F(L).adaptive_avg_pool2d(x, (4, 3)), _u(2, 2, 6, 7)),
    Case("F.adaptive_avg_pool2d 5x5 -> 7x2 unbatched",
         lambda L, x: _F(L).adaptive_avg_pool2d(x, (7, 2)), _u(2, 5, 5)),
    Case("F.avg_pool2d 3 stride 1 padding 1",
         lambda L, x: _F(L).avg_pool2d(x, 3, stride=1, padding=1), _u(1, 2, 5, 6)),
    Case("F.max_pool2d 3 stride 2 padding 1 dilation 2", lambda L, x: _F(L).max_pool2d(
        x, 3, stride=2, padding=1, dilation=2), _u(1, 2, 6, 7)),
    Case("F.batch_norm eval no affine", lambda L, x: _F(L).batch_norm(
        x, L.tensor([0.3, -0.2], dtype=x.dtype), L.tensor([1.5, 0.7], dtype=x.dtype)),
        _u(3, 2, 2)),
    Case("F.layer_norm weight only", lambda L, x, w: _F(L).layer_norm(x, (4,), w),
         _u(3, 4), _u(4)),
]

ALL_CASES = CASES + [Case(f"F.{name}", fn, *makers) for name, (fn, makers) in NN_CASES.items()
                     if name != "dropout"] + EXTRA_CASES

# Differences left, each reported to its owner.  Each must still fail: a fixed one is
# reported, to be taken off this list.
KNOWN = {}

# Where numpy may still warn.  The hottest primitives (add, sub, mul, sum, mean, linear,
# matmul) run without np.errstate, which costs about 1.5-2 µs, as much as the whole op on
# small inputs (a 4x4 matmul's forward takes 7 µs): with inf - inf or 0·inf they warn as
# plain numpy does.  Backward passes run under the engine's own errstate (engine.py, another
# area).
HOT = {E.Add.forward.__code__, E.Sub.forward.__code__, E.RSub.forward.__code__,
       E.Mul.forward.__code__, E.Mul.backward.__code__, R.Sum.forward.__code__,
       R.Mean.forward.__code__, N.LinearFunction.forward.__code__,
       N.LinearFunction.backward.__code__, LA.Matmul.forward.__code__}
_PACKAGE = os.path.dirname(tinytorch.__file__) + os.sep
OTHER_AREAS = {os.path.join(_PACKAGE, *path) for path in [("autograd", "engine.py")]}

_FILL = {"nan": np.nan, "inf": np.inf, "-inf": -np.inf, "zero": 0.0}
_MIXED = np.array([np.nan, np.inf, -np.inf, 0.0])


def special_inputs(case, kind):
    """The case's inputs (float64 arrays) with ``kind`` put in (see the module docstring)."""
    rng = np.random.default_rng(zlib.crc32(f"{case.name}/{kind}".encode()))
    out = []
    for a in case.arrays():
        a = np.array(a, dtype=np.float64)
        if kind == "ties":
            a = np.round(a * 2) / 2
        elif kind == "grid":
            a = np.round(a, 1)
        elif kind != "plain" and a.size:
            where = rng.choice(a.size, max(1, a.size // 4), replace=False)
            flat = a.reshape(-1)
            flat[where] = _FILL[kind] if kind in _FILL else rng.choice(_MIXED, where.size)
        out.append(a)
    return out


def _run(L, case, arrays, dtype):
    """Value and input gradients (None where unused) of the case in library L, for a fixed
    random upstream gradient."""
    xs = [L.tensor(a, dtype=getattr(L, dtype), requires_grad=True) for a in arrays]
    out = case.fn(L, *xs)
    upstream = np.random.default_rng(1).standard_normal(tuple(out.shape))
    out.backward(L.tensor(upstream, dtype=out.dtype))
    return out, [x.grad for x in xs]


def _leaked_warnings(fn):
    """Run fn(); return its result and the numpy RuntimeWarnings it raised, each named by
    the innermost tinytorch function it came from, but those allowed above."""
    leaked = []

    def show(message, category, filename, lineno, file=None, line=None):
        if not issubclass(category, RuntimeWarning):
            return
        frame = sys._getframe(1)
        while frame is not None and not frame.f_code.co_filename.startswith(_PACKAGE):
            frame = frame.f_back
        if frame is None:
            leaked.append(f"{message} (outside tinytorch)")
            return
        code = frame.f_code
        if code in HOT or code.co_filename in OTHER_AREAS:
            return
        leaked.append(f"{message} at {os.path.basename(code.co_filename)}:{frame.f_lineno} "
                      f"({code.co_name})")

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = show
        result = fn()
    return result, leaked


def _dtype_name(t):
    return str(t.dtype).split(".")[-1]


def _same(mine, theirs, tol, what):
    assert _dtype_name(mine) == _dtype_name(theirs), f"{what}: dtype"
    assert tuple(mine.shape) == tuple(theirs.shape), f"{what}: shape"
    np.testing.assert_allclose(mine.detach().numpy().astype(np.float64),
                               theirs.detach().numpy().astype(np.float64),
                               rtol=tol.rtol, atol=tol.atol, equal_nan=True, err_msg=what)


def check_variant(case, variant):
    """Assert that tinytorch gives torch's values, gradients and dtypes (or refuses the
    inputs as torch does) without leaking a numpy warning."""
    arrays = special_inputs(case, variant.kind)
    try:
        ref, ref_grads = _run(torch, case, arrays, variant.dtype)
    except RuntimeError:
        # torch refuses these inputs (a probability outside [0, 1], a float64 class weight
        # for float16 logits): so must tinytorch
        with pytest.raises(RuntimeError), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _run(tinytorch, case, arrays, variant.dtype)
        return
    (out, grads), leaked = _leaked_warnings(lambda: _run(tinytorch, case, arrays,
                                                         variant.dtype))
    assert not leaked, "numpy warnings"
    tol = TOL[variant.dtype]
    _same(out, ref, tol, "value")
    for i, (g, r) in enumerate(zip(grads, ref_grads)):
        assert (g is None) == (r is None), f"gradient {i}: None in one library only"
        if r is not None:
            _same(g, r, tol, f"gradient {i}")


@pytest.mark.parametrize("case", ALL_CASES, ids=repr)
def test_special_values_match_torch(case):
    problems = []
    for variant in VARIANTS:
        tag = f"{variant.dtype}-{variant.kind}"
        known = KNOWN.get((case.name, tag))
        try:
            check_variant(case, variant)
        except AssertionError as e:
            if not known:
                problems.append(f"[{tag}] {e}")
        else:
            if known:
                problems.append(f"[{tag}] passes now: take it off KNOWN ({known})")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case", ALL_CASES, ids=repr)
def test_create_graph_gradients_match_at_special_values(case):
    """The same backward, run on Tensors (create_graph=True), gives the same first-order
    gradients at special values as on arrays."""
    for kind in ("mixed", "ties"):
        arrays = special_inputs(case, kind)
        try:
            _, ref_grads = _run(torch, case, arrays, "float64")
        except RuntimeError:
            continue
        xs = [tinytorch.tensor(a, requires_grad=True) for a in arrays]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            out = case.fn(tinytorch, *xs)
            upstream = np.random.default_rng(1).standard_normal(tuple(out.shape))
            grads = tinytorch.autograd.grad(out, xs, tinytorch.tensor(upstream),
                                            create_graph=True, allow_unused=True)
        for i, (g, r) in enumerate(zip(grads, ref_grads)):
            if r is not None:
                _same(g, r, TOL["float64"], f"[{kind}] gradient {i}")


# --- the cases of the issue, spelled out --------------------------------------------------

nan, inf = float("nan"), float("inf")


def _grad(fn, *values, dtype=tinytorch.float64):
    xs = [tinytorch.tensor(v, dtype=dtype, requires_grad=True) for v in values]
    out = fn(*xs)
    out.backward(tinytorch.ones_like(out))
    return out, [x.grad for x in xs]


def _close(t, expected):
    np.testing.assert_allclose(t.detach().numpy().astype(np.float64), expected, rtol=1e-3,
                               equal_nan=True)


@pytest.mark.parametrize("fn,values,grads", [
    # full max/min: split evenly among the elements equal to the result, NaN equal to NaN
    (lambda x: x.max(), [[nan, 0, 1]], [[1, 0, 0]]),
    (lambda x: x.min(), [[1, nan, nan]], [[0, .5, .5]]),
    (lambda x: x.max(), [[1, 3, 3]], [[0, .5, .5]]),
    # along a dim: all to the index returned, the first NaN or the first maximum
    (lambda x: x.max(1).values, [[[1, nan, nan], [2, 2, 1]]], [[[0, 1, 0], [1, 0, 0]]]),
    # amax: a NaN max equals nothing, so the slice's gradient is NaN (as torch)
    (lambda x: x.amax(1), [[[nan, 0, nan], [1, 2, 2]]], [[[nan, nan, nan], [0, .5, .5]]]),
    # maximum/minimum: ties split, a NaN on either side passes the gradient to both
    (lambda a, b: a.maximum(b), [[1, nan, 1], [0, 0, 1]], [[1, 1, .5], [0, 1, .5]]),
    (lambda a, b: a.minimum(b), [[1, nan, 1], [0, 0, 1]], [[0, 1, .5], [1, 1, .5]]),
    # relu: 0 at 0, 1 at NaN; abs and sign: sign(0) = sign(NaN) = 0
    (lambda x: x.relu(), [[nan, 0, -1, 1]], [[1, 0, 0, 1]]),
    (lambda x: x.abs(), [[nan, 0, -inf, 1]], [[0, 0, -1, 1]]),
    (lambda x: x.sign(), [[nan, 0, -2, 3]], [[0, 0, 0, 0]]),
    (lambda x: tinytorch.nn.functional.l1_loss(x, tinytorch.zeros(3, dtype=x.dtype),
                                               reduction="sum"), [[nan, 0, -2]], [[0, 0, -1]]),
    (lambda x: tinytorch.nn.functional.elu(x), [[nan, 0, -inf]], [[1, 1, 0]]),
    (lambda x: tinytorch.nn.functional.leaky_relu(x, 0.1), [[nan, 0, 2]], [[.1, .1, 1]]),
    # clamp: 1 on the bounds, 0 at NaN
    (lambda x: x.clamp(0, 1), [[nan, 0, 1, 2]], [[0, 1, 1, 0]]),
    # var: x - x̄ taken element by element, so inf - inf is NaN and 1 - inf is -inf
    (lambda x: x.var(), [[inf, inf, 1]], [[nan, nan, -inf]]),
    # torch's x ** -0.5 is 1/√x: (-0) ** -0.5 = -inf
    (lambda x: x ** 0.5, [[-0.0, 4]], [[-inf, .25]]),
])
def test_issue_cases(fn, values, grads):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        _, got = _grad(fn, *values)
    for g, expected in zip(got, grads):
        _close(g, expected)


def test_argmax_argmin_and_indices_pick_the_first_tie_and_the_first_nan():
    """Deterministic in torch on the CPU: the first of equal values, and a NaN beats any
    number (it is the max and the min)."""
    data = [[1, 3, 3], [nan, 2, nan], [2, 2, 1], [0, -0.0, 0], [inf, nan, inf]]
    for op in ("argmax", "argmin"):
        for args in ((1,), ()):
            got, want = (getattr(L.tensor(data), op)(*args).tolist() for L in (tinytorch, torch))
            assert got == want, (op, args)
    for op in ("max", "min"):
        got, want = (getattr(L.tensor(data), op)(1).indices.tolist() for L in (tinytorch, torch))
        assert got == want, op


def test_sign_of_nan_is_zero():
    _close(tinytorch.tensor([nan, -0.0, 2.0]).sign(), [0, 0, 1])


@pytest.mark.parametrize("fn,values", [
    (lambda L, x: x.norm(), [300, 400]),                  # 300² overflows float16
    (lambda L, x: x.std(), [0, 1000]),                    # the variance overflows float16
    (lambda L, x: x.var(0) / 1000, [[0, 200], [100, 0]]),
    (lambda L, x: x.softmax(0)[0], [10, 11, 12]),
    (lambda L, x: x.log_softmax(0)[0], [10, 11, 12]),
    (lambda L, x: x.logsumexp(0), [300, 310, 320]),
    (lambda L, x: L.nn.functional.layer_norm(x, (4,))[-1], [0, 1000, 2000, 3000]),
    (lambda L, x: L.nn.functional.batch_norm(x[:, None], None, None, training=True)[-1, 0],
     [0, 1000, 2000, 3000]),
    (lambda L, x: L.nn.functional.cross_entropy(x[None], L.tensor([1])), [10, 11, 12]),
    (lambda L, x: L.nn.functional.mse_loss(x, x * 0), [250, 250, 250]),   # Σ overflows
])
def test_float16_reductions_accumulate_in_float32(fn, values):
    """torch's result (float16, computed in float32): 500 and [0.6, 0.8] for the norm of
    [300, 400], where float16 arithmetic gives inf and [0, 0]."""
    (out, grads), (ref, ref_grads) = [_run(L, Case("", fn), [np.array(values, float)],
                                           "float16") for L in (tinytorch, torch)]
    _same(out, ref, TOL["float16"], "value")
    _same(grads[0], ref_grads[0], TOL["float16"], "gradient")
    assert np.isfinite(out.detach().numpy()).all()


def test_float16_sum_along_a_dim_does_not_stop_at_2048():
    ones = tinytorch.ones(5000, 2, dtype=tinytorch.float16)
    assert ones.sum(0).tolist() == [5000, 5000]
    assert tinytorch.nn.functional.mse_loss(ones, ones * 0, reduction="sum").item() == 10000


def test_the_table_is_large():
    """The counts the suite reports: cases x variants."""
    assert len(ALL_CASES) >= 250 and len(VARIANTS) == 10


# --- pooling: which element gets the gradient -------------------------------------------

@pytest.mark.parametrize("values,args", [
    # NaN counts as the max: the last NaN of a window (torch's scan takes every NaN it meets)
    ([[nan, 1, nan], [2, nan, 0], [0, 0, 0]], dict(kernel_size=3, stride=1, padding=1)),
    # ties: the first maximum
    ([[1, 1, 0], [1, 1, 0], [0, 0, 0]], dict(kernel_size=2, stride=1)),
    # all -inf: the window's first real pixel, never the (-inf) padding
    ([[-inf] * 3] * 3, dict(kernel_size=3, stride=1, padding=1)),
    ([[-inf, -inf, 1], [-inf, -inf, 2], [0, -inf, -inf]],
     dict(kernel_size=2, stride=2, padding=1, ceil_mode=True)),
    ([[-inf] * 5] * 4, dict(kernel_size=2, stride=1, padding=1, dilation=2)),
])
@pytest.mark.parametrize("dtype", ["float64", "float32", "float16"])
def test_max_pool2d_indices_and_gradient_at_nan_ties_and_minus_inf(values, args, dtype):
    res = []
    for L in (tinytorch, torch):
        x = L.tensor([[values]], dtype=getattr(L, dtype), requires_grad=True)
        out, idx = L.nn.functional.max_pool2d(x, return_indices=True, **args)
        out.backward(L.ones_like(out))
        res.append((out, idx.tolist(), x.grad))
    (out, idx, grad), (ref, ref_idx, ref_grad) = res
    assert idx == ref_idx
    _same(out, ref, TOL[dtype] if dtype != "float32" else TOL["float16"], "value")
    _same(grad, ref_grad, TOL[dtype] if dtype != "float32" else TOL["float16"], "gradient")


def test_adaptive_avg_pool2d_keeps_a_nan_or_inf_in_its_own_windows():
    """Not A·x·Bᵀ with averaging matrices: their zeros times inf would be NaN everywhere."""
    a = np.arange(2 * 4 * 6, dtype=float).reshape(2, 1, 4, 6)
    a[0, 0, 0, 0], a[1, 0, 3, 5] = inf, nan
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        out = tinytorch.nn.functional.adaptive_avg_pool2d(tinytorch.tensor(a), (2, 3))
    assert int(np.isfinite(out.numpy()).sum()) == 10
    _same(out, torch.nn.functional.adaptive_avg_pool2d(torch.tensor(a), (2, 3)),
          TOL["float64"], "value")


# --- float16: torch's rounding, sum by sum ------------------------------------------------

def _half_grad(L, fn, x, g):
    x = L.tensor(x, dtype=L.float16, requires_grad=True)
    y = fn(L, x)
    y.backward(L.tensor(g, dtype=L.float16))
    return x.grad.tolist()


@pytest.mark.parametrize("fn,x,g", [
    # max_pool2d: one pixel the max of three windows; torch adds 1000 + 0.1 - 1000 in
    # float16, in output order: 0
    (lambda L, x: L.nn.functional.max_pool2d(x, (1, 3), stride=1, padding=(0, 1)),
     [[[[0, 0, 5, 0, 0]]]], [[[[0, 1000, 0.1, -1000, 0]]]]),
    # avg_pool2d: the same adds in output order, G/d rounded first
    (lambda L, x: L.nn.functional.avg_pool2d(x, (1, 3), stride=1, padding=(0, 1)),
     [[[[0, 0, 0, 0, 0]]]], [[[[3000, -3000, 0.3, 0, 0]]]]),
    # embedding: rows added one at a time in float16 (5000 ones make 2048)
    (lambda L, w: L.nn.functional.embedding(L.tensor([1] * 5000), w),
     [[0.0], [0.0]], [[1.0]] * 5000),
    (lambda L, w: L.nn.functional.embedding(L.tensor([1, 1, 1]), w),
     [[0.0], [0.0]], [[1000], [0.1], [-1000]]),
])
def test_float16_backward_adds_as_torch(fn, x, g):
    assert _half_grad(tinytorch, fn, x, g) == _half_grad(torch, fn, x, g)


def test_float16_conv2d_and_norms_compute_in_float32_and_round_once():
    """conv2d's products summed in float32 (1000 + 0.1 - 1000 = 0.1, not 0), batch_norm and
    layer_norm from float32 arithmetic; values out of float16's range become inf silently."""
    for L in (tinytorch, torch):
        x = L.tensor([[[[1000.0, 0.1, -1000.0]]]], dtype=L.float16)
        w = L.ones(1, 1, 1, 3, dtype=L.float16)
        assert L.nn.functional.conv2d(x, w).item() == pytest.approx(0.1, rel=1e-3)
    x = np.array([[60000.0, 60000.0, 1.0]]).T
    for fn in (lambda L, x: L.nn.functional.conv2d(x[None, None], L.full((1, 1, 2, 1), 2.0,
                                                                        dtype=x.dtype)),
               lambda L, x: L.nn.functional.batch_norm(
                   x, L.zeros(1, dtype=x.dtype), L.ones(1, dtype=x.dtype),
                   L.full((1,), 4.0, dtype=x.dtype), eps=0.0)):
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            got = fn(tinytorch, tinytorch.tensor(x, dtype=tinytorch.float16))
        _same(got, fn(torch, torch.tensor(x, dtype=torch.float16)), TOL["float16"], "value")
