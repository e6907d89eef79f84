"""tinytorch/_math.py's ops (issue 12) beyond the op table (tests/op_cases_math.py): integer
and bool inputs, predicates, comparisons and bitwise ops (no gradient), in-place variants,
empty tensors and argument errors, against torch where it is importable, plus torch-free
checks of erf, erfc and erfinv."""
import math
import warnings

import numpy as np
import pytest

import tinytorch

nan, inf = float("nan"), float("inf")

_F = [0.0, -0.0, 0.3, -1.7, 2.5, -2.5, 3.5, 1e-300, 40.0, inf, -inf, nan]
_I = [0, 3, -7, 12, -1, 5]
_B = [True, False, True, False]


def _f(L, dtype="float64", data=_F):
    return L.tensor(data, dtype=getattr(L, dtype))


def _i(L, dtype="int64", data=_I):
    return L.tensor(data, dtype=getattr(L, dtype))


def _b(L):
    return L.tensor(_B)


# Each expression is evaluated with L = tinytorch and L = torch (f, i, b make float, integer
# and bool tensors); values (NaN positions and signs of zeros included) and dtypes must agree.
EXPRS = [
    # unary float ops on every special value, and integer/bool inputs promoted to float
    *[f"L.{op}(f(L))" for op in
      "tan asin acos atan sinh cosh asinh acosh atanh exp2 expm1 log2 log10 erf erfc erfinv "
      "reciprocal sinc deg2rad rad2deg floor ceil trunc round frac sign sgn "
      "isnan isinf isposinf isneginf isfinite nan_to_num fix".split()],
    *[f"L.{op}(i(L))" for op in
      "tan atan sinh exp2 expm1 log2 log10 erf erfc erfinv reciprocal sinc deg2rad floor ceil "
      "trunc round sign sgn isnan isinf isfinite isposinf nan_to_num".split()],
    *[f"L.{op}(b(L))" for op in "erf exp2 sign sgn isnan isfinite nan_to_num".split()],
    *[f"L.{op}(f(L, 'float32'))" for op in "erf erfc erfinv tan sinc exp2 log10".split()],
    *[f"L.{op}(f(L, 'float16'))" for op in "erf erfinv atan sinh floor".split()],
    "L.erfinv(f(L, data=[-1, 1, 0.999999, -0.5, 1e-20, 0.9999999999999999]))",
    "L.round(f(L), decimals=2)", "L.round(f(L), decimals=-1)", "f(L).round(decimals=3)",
    "L.round(f(L, data=[0.5, 1.5, 2.5, -0.5, 0.125, 0.375]), decimals=2)",
    "L.nan_to_num(f(L), nan=1.0, posinf=5.0, neginf=-5.0)",
    "L.nan_to_num(f(L, 'float32'))", "L.nan_to_num(f(L, 'float16'))",
    # binary ops with specials on both sides, promotion, numbers
    *[f"L.{op}(f(L).reshape(12, 1), f(L))" for op in
      "atan2 copysign logaddexp logaddexp2 hypot xlogy fmod remainder fmax fmin "
      "float_power".split()],
    *[f"L.{op}(i(L), i(L, data=[2, -3, 5, 7, -1, 4]))" for op in
      "atan2 copysign xlogy fmod remainder fmax fmin float_power".split()],
    "L.fmod(i(L), 3)", "L.remainder(i(L), -3)", "L.fmod(f(L), 2)", "L.remainder(f(L), 2.5)",
    "L.fmod(i(L, 'int32'), 2.5)", "L.fmax(i(L, 'int32'), f(L, 'float32', _F[:6]))",
    "L.xlogy(2, f(L))", "L.xlogy(f(L), 3)", "L.copysign(f(L), -1.0)",
    "L.float_power(f(L, 'float32'), 2)", "L.float_power(2, f(L, 'float32'))",
    "f(L).float_power(i(L, data=[1] * 12))",
    "L.lerp(f(L), f(L).flip(0), 0.3)", "L.lerp(f(L), f(L).flip(0), f(L, data=[0.5] * 12))",
    "L.lerp(f(L, 'float32'), f(L, 'float32'), 2.0)",
    "L.clamp_min(f(L), 0.5)", "L.clamp_max(i(L), 2)", "i(L).clamp_min(-2)",
    *[f"L.div(f(L).reshape(12, 1), f(L), rounding_mode={m!r})" for m in
      (None, "trunc", "floor")],
    *[f"L.div(i(L), i(L, data=[2, -3, 5, 7, -1, 4]), rounding_mode={m!r})" for m in
      (None, "trunc", "floor")],
    "L.div(i(L, 'int8'), 3, rounding_mode='trunc')", "L.div(i(L), 2.5, rounding_mode='floor')",
    "L.divide(f(L), 2, rounding_mode='floor')", "i(L).div(-2, rounding_mode='trunc')",
    "L.floor_divide(i(L), 4)", "L.true_divide(i(L), 4)",
    # comparisons and predicates
    "L.isclose(f(L), f(L))", "L.isclose(f(L), f(L), equal_nan=True)",
    "L.isclose(f(L), f(L) + 1e-6)", "L.isclose(f(L), f(L) + 1e-6, rtol=0, atol=0)",
    "L.isclose(i(L), i(L) + 1, atol=1)", "L.isclose(b(L), b(L))",
    "L.isclose(f(L, 'float32', [1.0, 1.00001, 2.0]), f(L, 'float32', [1.0, 1.0, 2.1]))",
    "L.allclose(f(L, data=[1.0, 2.0]), f(L, data=[1.0, 2.0 + 1e-9]))",
    "L.allclose(f(L), f(L))", "L.allclose(f(L), f(L), equal_nan=True)",
    "L.equal(i(L), i(L))", "L.equal(f(L), f(L))", "L.equal(i(L), i(L)[:3])",
    "L.equal(i(L), i(L, data=_I[::-1]))", "f(L).isnan()", "i(L).isclose(i(L))",
    *[f"L.logical_{op}(f(L), i(L, data=[0, 1] * 6))" for op in ("and", "or", "xor")],
    "L.logical_and(b(L), b(L).flip(0))", "L.logical_not(f(L))", "f(L).logical_or(b(L)[:1])",
    # bitwise
    *[f"L.bitwise_{op}(i(L), i(L, data=[6, 5, -3, 1, 0, 255]))" for op in
      ("and", "or", "xor")],
    *[f"L.bitwise_{op}(b(L), b(L).flip(0))" for op in ("and", "or", "xor")],
    "L.bitwise_not(i(L))", "L.bitwise_not(b(L))", "L.bitwise_not(i(L, 'uint8', [0, 3, 255]))",
    "L.bitwise_and(i(L), 6)", "L.bitwise_or(5, i(L))", "L.bitwise_xor(i(L, 'int8'), -1)",
    "L.bitwise_left_shift(i(L), 2)", "L.bitwise_right_shift(i(L), i(L, data=[0, 1, 2, 3, 4, 5]))",
    "i(L) << 3", "i(L) >> 1", "1 << i(L, data=[0, 1, 2, 3])", "100 >> i(L, data=[0, 1, 2, 3])",
    "i(L, 'uint8', [1, 128, 255]) << 1", "i(L, 'int8', [-128, 64, -1]) >> 2",
    "i(L, 'int32') << i(L, data=[1, 2, 3, 4, 5, 6])",
    "i(L) & i(L).flip(0)", "i(L) | 8", "i(L) ^ 3", "~i(L)", "~b(L)",
]


def _eval(L, expr):
    return eval(expr, {"L": L, "f": _f, "i": _i, "b": _b, "_F": _F, "_I": _I, "_B": _B,
                       "nan": nan, "inf": inf})


def _same(mine, theirs, tol):
    if isinstance(theirs, bool):
        assert mine is theirs
        return
    assert str(mine.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    assert tuple(mine.shape) == tuple(theirs.shape)
    a = mine.detach().numpy()
    b = theirs.detach().numpy()
    if a.dtype.kind == "f":
        np.testing.assert_allclose(a.astype(np.float64), b.astype(np.float64), equal_nan=True,
                                   rtol=tol, atol=0)
        finite0 = (b == 0)
        assert np.array_equal(np.signbit(a[finite0]), np.signbit(b[finite0])), "sign of 0"
    else:
        np.testing.assert_array_equal(a, b)


_TOL = {"float16": 2e-3, "float32": 1e-6, "float64": 1e-12}


@pytest.mark.parametrize("expr", EXPRS)
def test_values_and_dtypes_match_torch(expr):
    torch = pytest.importorskip("torch")
    with warnings.catch_warnings():  # tinytorch must not warn where torch is silent
        warnings.simplefilter("error", RuntimeWarning)
        mine = _eval(tinytorch, expr)
    theirs = _eval(torch, expr)
    tol = _TOL.get(str(getattr(theirs, "dtype", "float64")).split(".")[-1], 0)
    _same(mine, theirs, tol)


# In-place variants: x.op_(...) writes into x and returns it, as torch does.
INPLACE = [
    *[("f(L)", f"{op}_()") for op in
      "tan asin acos atan sinh cosh asinh acosh atanh exp2 expm1 log2 log10 erf erfc erfinv "
      "reciprocal sinc deg2rad rad2deg floor ceil trunc round frac sign sgn nan_to_num fix "
      "log1p rsqrt square arcsin arctanh".split()],
    *[("f(L).reshape(12, 1)", f"{op}_(f(L).reshape(12, 1).flip(0))") for op in
      "atan2 copysign hypot xlogy fmod remainder true_divide arctan2".split()],
    ("f(L)", "lerp_(f(L).flip(0), 0.25)"), ("f(L)", "clamp_min_(0.5)"),
    ("f(L)", "clamp_max_(-0.5)"), ("f(L)", "div_(2.0, rounding_mode='floor')"),
    ("i(L)", "div_(3, rounding_mode='trunc')"), ("i(L)", "floor_divide_(2)"),
    ("f(L)", "round_(decimals=1)"), ("f(L)", "float_power_(2)"),
    ("f(L)", "logical_and_(i(L, data=[0, 1] * 6))"), ("i(L)", "logical_or_(i(L).flip(0))"),
    ("f(L)", "logical_not_()"), ("b(L)", "logical_xor_(b(L).flip(0))"),
    ("i(L)", "bitwise_and_(6)"), ("i(L)", "bitwise_or_(i(L).flip(0))"),
    ("i(L)", "bitwise_xor_(3)"), ("i(L)", "bitwise_left_shift_(2)"),
    ("i(L)", "bitwise_right_shift_(1)"), ("i(L)", "bitwise_not_()"), ("i(L)", "fmod_(4)"),
    ("i(L)", "remainder_(-4)"),
]


def _inplace(L, target, call):
    """(result, target): the in-place call's result and the tensor it was called on."""
    x = _eval(L, target)
    out = eval(f"x.{call}", {"x": x, "L": L, "f": _f, "i": _i, "b": _b})
    return out, x


@pytest.mark.parametrize("target,call", INPLACE)
def test_in_place_variants_match_torch(target, call):
    torch = pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        out, x = _inplace(tinytorch, target, call)
    ref, _ = _inplace(torch, target, call)
    assert out is x
    tol = _TOL.get(str(ref.dtype).split(".")[-1], 0)
    _same(x, ref, tol)


def _operator_inplace(L, op):
    x = _i(L)
    ns = {"x": x}
    exec(f"x {op}= 3", {}, ns)
    return ns["x"], x


@pytest.mark.parametrize("op", ["&", "|", "^", "<<", ">>"])
def test_augmented_bitwise_operators_are_in_place(op):
    torch = pytest.importorskip("torch")
    mine, orig = _operator_inplace(tinytorch, op)
    theirs, _ = _operator_inplace(torch, op)
    assert mine is orig
    _same(mine, theirs, 0)


# Argument errors: torch's exception types.
ERRORS = [
    "L.frac(i(L))", "L.round(i(L), decimals=1)", "i(L).tan_()", "i(L).erf_()",
    "L.floor(b(L))", "L.round(b(L))", "L.hypot(i(L), i(L))", "L.logaddexp(i(L), i(L))",
    "i(L).atan2_(i(L))", "L.atan2(f(L), f(L)[:3])", "L.hypot(f(L), f(L)[:5])",
    "L.fmod(i(L), 0)", "L.remainder(i(L), i(L, data=[1, 0, 1, 1, 1, 1]))",
    "L.div(i(L), 0, rounding_mode='floor')", "L.div(f(L), 2, rounding_mode='round')",
    "L.fmod(b(L), b(L))", "L.bitwise_and(f(L), f(L))", "L.bitwise_not(f(L))",
    "f(L) << 1", "i(L) & 1.5",
    "L.isclose(f(L), f(L, 'float32'))", "L.isclose(f(L), f(L), rtol=-1)",
    "L.lerp(f(L), f(L, 'float32'), 0.5)", "L.lerp(f(L), f(L), f(L, 'float32'))",
    "f(L, 'float32').float_power_(2)", "L.tan([1.0])", "L.atan2(1.0, 2.0)",
    "L.logical_and(f(L), f(L)[:2])", "L.equal(f(L), [1.0])",
    "L.bitwise_and(i(L), i(L)[:2])", "L.fmax(f(L), f(L)[:2])",
]


@pytest.mark.parametrize("expr", ERRORS)
def test_errors_match_torch(expr):
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as theirs:
        _eval(torch, expr)
    with pytest.raises(Exception) as mine:
        _eval(tinytorch, expr)
    assert isinstance(mine.value, type(theirs.value)) or \
        type(theirs.value).__name__ == type(mine.value).__name__, \
        (type(mine.value), type(theirs.value), str(mine.value))


# Empty tensors, 0-d tensors and broadcasting of the non-differentiable ops.
SHAPES = [
    "L.tan(L.zeros(0, 3))", "L.erfinv(L.zeros(2, 0))", "L.atan2(L.zeros(0, 1), L.ones(3))",
    "L.hypot(L.zeros(0, 4), L.ones(4))", "L.isclose(L.zeros(0), L.zeros(0))",
    "L.bitwise_and(L.zeros(0, dtype=L.int64), L.ones(3, 0, dtype=L.int64))",
    "L.isnan(L.tensor(nan))", "L.erf(L.tensor(0.5))", "L.fmax(L.tensor(nan), L.ones(2, 1))",
    "L.logical_xor(L.ones(2, 1), L.zeros(3))", "L.lerp(L.zeros(2, 1), L.ones(3), 0.5)",
    "L.copysign(L.ones(2, 3), L.tensor(-1.0))", "L.equal(L.zeros(0), L.zeros(0))",
    "L.remainder(L.zeros(0, dtype=L.int64), 3)", "L.round(L.zeros(0), decimals=2)",
]


@pytest.mark.parametrize("expr", SHAPES)
def test_shapes_match_torch(expr):
    torch = pytest.importorskip("torch")
    _same(_eval(tinytorch, expr), _eval(torch, expr), 1e-12)


def test_grad_fn_names_match_torch():
    torch = pytest.importorskip("torch")
    exprs = ["x.tan()", "x.erf()", "x.erfinv()", "x.floor()", "x.round()", "x.frac()",
             "x.atan2(x)", "x.hypot(x)", "x.lerp(x, 0.5)", "x.lerp(x, x)", "x.fmax(x)",
             "x.div(x, rounding_mode='floor')", "x.remainder(x)", "x.fmod(x)", "x.xlogy(x)",
             "x.logaddexp(x)", "x.copysign(x)", "x.sinc()", "x.nan_to_num()", "x.exp2()"]
    for expr in exprs:
        names = []
        for L in (tinytorch, torch):
            x = L.tensor([0.5, 0.25], requires_grad=True)
            names.append(type(eval(expr, {"x": x})).__name__ and
                         type(eval(expr, {"x": x}).grad_fn).__name__)
        assert names[0] == names[1], expr


# --- torch-free checks -------------------------------------------------------------------

def test_erf_erfc_match_math_to_float64_accuracy():
    x = np.concatenate([np.linspace(-27, 27, 20001), np.geomspace(1e-300, 1, 200),
                        -np.geomspace(1e-300, 1, 200)])
    erf = tinytorch.erf(tinytorch.tensor(x)).numpy()
    erfc = tinytorch.erfc(tinytorch.tensor(x)).numpy()
    ref = np.array([math.erf(v) for v in x])
    refc = np.array([math.erfc(v) for v in x])
    np.testing.assert_allclose(erf, ref, rtol=2e-15, atol=0)
    normal = refc > 1e-300  # subnormal results lose relative precision in any algorithm
    np.testing.assert_allclose(erfc[normal], refc[normal], rtol=2e-15, atol=0)
    special = tinytorch.tensor([inf, -inf, nan, -0.0])
    assert tinytorch.erf(special).tolist()[:2] == [1.0, -1.0]
    assert math.isnan(tinytorch.erf(special)[2].item())
    assert math.copysign(1, tinytorch.erf(special)[3].item()) == -1
    assert tinytorch.erfc(special).tolist()[:2] == [0.0, 2.0]


def test_erfinv_inverts_erf():
    y = np.concatenate([np.linspace(-0.999, 0.999, 2001), 1 - np.geomspace(1e-16, 1e-2, 50),
                        np.geomspace(1e-300, 1e-2, 50)])
    x = tinytorch.erfinv(tinytorch.tensor(y)).numpy()
    back = np.array([math.erf(v) for v in x])
    np.testing.assert_allclose(back, y, rtol=1e-14, atol=0)
    assert tinytorch.erfinv(tinytorch.tensor([1.0, -1.0])).tolist() == [inf, -inf]
    assert all(math.isnan(v) for v in tinytorch.erfinv(tinytorch.tensor([1.5, -2.0, nan]))
               .tolist())


def test_erf_and_erfinv_derivatives():
    x = tinytorch.tensor([-1.5, 0.0, 0.3, 2.0], dtype=tinytorch.float64, requires_grad=True)
    tinytorch.erf(x).sum().backward()
    expected = 2 / math.sqrt(math.pi) * np.exp(-x.detach().numpy() ** 2)
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-15)
    y = tinytorch.tensor([-0.9, 0.0, 0.5], dtype=tinytorch.float64, requires_grad=True)
    z = tinytorch.erfinv(y)
    z.sum().backward()
    expected = math.sqrt(math.pi) / 2 * np.exp(z.detach().numpy() ** 2)
    np.testing.assert_allclose(y.grad.numpy(), expected, rtol=1e-15)
    assert tinytorch.autograd.gradgradcheck(tinytorch.erfinv, (y,))


def test_float_ops_promote_integers_to_the_default_dtype():
    i = tinytorch.tensor([1, 2, 3])
    for op in ("tan", "erf", "exp2", "log10", "sinc", "deg2rad", "reciprocal"):
        assert getattr(tinytorch, op)(i).dtype == tinytorch.float32, op
    tinytorch.set_default_dtype(tinytorch.float64)
    try:
        assert tinytorch.erf(i).dtype == tinytorch.float64
        assert tinytorch.atan2(i, i).dtype == tinytorch.float64
    finally:
        tinytorch.set_default_dtype(tinytorch.float32)
    assert tinytorch.floor(i).dtype == tinytorch.int64
    assert tinytorch.fmod(i, 2).dtype == tinytorch.int64
    assert tinytorch.float_power(i, 2).dtype == tinytorch.float64


def test_functions_methods_and_in_place_variants_exist():
    unary = ("tan asin acos atan sinh cosh asinh acosh atanh exp2 expm1 log2 log10 log1p erf "
             "erfc erfinv sign sgn reciprocal rsqrt square frac trunc floor ceil round "
             "nan_to_num sinc deg2rad rad2deg bitwise_not logical_not").split()
    binary = ("atan2 copysign logaddexp logaddexp2 hypot fmod remainder xlogy lerp "
              "clamp_min clamp_max float_power true_divide floor_divide div logical_and "
              "logical_or logical_xor bitwise_and bitwise_or bitwise_xor bitwise_left_shift "
              "bitwise_right_shift").split()
    for name in unary + binary:
        assert callable(getattr(tinytorch, name)), name
        assert callable(getattr(tinytorch.Tensor, name)), name
        if not name.startswith("logaddexp"):  # torch has no logaddexp_
            assert callable(getattr(tinytorch.Tensor, name + "_")), name + "_"
    for name in ("isnan isinf isposinf isneginf isfinite isclose allclose equal fmax "
                 "fmin").split():
        assert callable(getattr(tinytorch, name)), name
        assert callable(getattr(tinytorch.Tensor, name)), name


def test_in_place_math_keeps_autograd_right():
    x = tinytorch.tensor([0.2, -0.4, 0.6], dtype=tinytorch.float64, requires_grad=True)
    y = x * 1
    y.tan_().atan_()  # atan(tan(x)) = x on (-π/2, π/2)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1, 1, 1], rtol=1e-12)
    with pytest.raises(RuntimeError):
        x.erf_()  # a leaf that requires grad


def test_rounding_ops_have_zero_gradients():
    x = tinytorch.tensor([0.5, -1.5, 2.7], requires_grad=True)
    (x.floor() + x.ceil() + x.trunc() + x.round() + x.sign() + x.sgn()
     + x.div(2.0, rounding_mode="floor") + x.round(decimals=1)).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]


def test_floor_divide_is_recorded_without_a_derivative():
    # torch records floor_divide on a tensor that requires grad; its backward raises
    x = tinytorch.ones(3, requires_grad=True)
    z = tinytorch.floor_divide(x, 2.0)
    assert z.requires_grad
    with pytest.raises(RuntimeError, match="derivative for aten::floor_divide is not"):
        z.sum().backward()
    y = x.clone()
    y.floor_divide_(tinytorch.full((3,), 2.0))  # in place: no silent pass-through of x's grad
    with pytest.raises(RuntimeError, match="is not implemented"):
        y.sum().backward()
    with tinytorch.no_grad():
        assert not (x // 2).requires_grad
