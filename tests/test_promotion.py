"""Type promotion with numpy scalars and numpy arrays as operands, against torch.

torch reads a numpy scalar (``np.float64(2)``, ``np.sqrt(4)``, ``np.int32(3)``) as the
Python number it holds: a "wrapped number", which decides the category of the result (bool <
integer < floating) but never the dtype within it.  So ``x / np.sqrt(d)`` keeps a float32
``x`` float32, ``int64 tensor * np.float64(2.5)`` is float32 (the default dtype, as with
``2.5``) and ``float16 tensor * np.float32(2)`` stays float16.  tinytorch does the same, with
the scalar on either side (``np.float64(2) * x`` goes through numpy, which hands it to
``Tensor.__array_ufunc__``).

A numpy *array*, a 0-d one included, is a tensor: what ``as_tensor`` makes of it, with its
dtype, promoted by torch's rules for tensors (a 0-d tensor decides the category only when
it outranks the other operand).

Where tinytorch differs from torch 2.13 on purpose, the torch side of a row gets the
operand tinytorch means (``TWIN``):

* ``np.bool_``: torch reads it as a float (``bool tensor + np.bool_(True)`` is float32
  ``[2., 2.]``, ``bool tensor & np.bool_(True)`` raises "not implemented for 'Float'");
  tinytorch reads it as the Python bool it holds.  Its twin is ``True``.
* ndarrays: torch computes ``t * arr`` through numpy's ``__array_wrap__`` (float64 for a
  float32 ``t`` and a 0-d float64 array; an error if ``t`` requires grad) and refuses
  ``arr * t``; tinytorch treats the array as a tensor on both sides.  Its twin is
  ``torch.from_numpy(arr)``.
* complex scalars: tinytorch has no complex dtypes, so they raise a TypeError (torch makes a
  complex tensor).  Checked without torch.

The tables run every (tensor dtype x operand x op x side); each op is one test that reports
all its mismatches at once.  The torch-free tier at the end checks the common idioms.
"""
import operator
from typing import Callable, NamedTuple

import numpy as np
import pytest

import tinytorch

DTYPES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"]


class Operand(NamedTuple):
    """A non-tensor operand: ``make()`` gives a fresh value, ``twin(torch)`` what the torch
    side of a row gets in its place."""
    name: str
    make: Callable
    twin: Callable = None


def _same_value(make):
    return lambda torch: make()


def _scalar(value):
    return Operand(repr(value), lambda: value,
                   _same_value(lambda: value))


def _array(value, dtype):
    def make():
        return np.array(value, dtype)
    return Operand(f"array({value!r}, {np.dtype(dtype).name})", make,
                   lambda torch: torch.from_numpy(make()))


OPERANDS = [
    _scalar(2.5), _scalar(3), _scalar(True),  # Python numbers: the reference behaviour
    *(_scalar(t(2.5)) for t in (np.float16, np.float32, np.float64)),
    *(_scalar(t(3)) for t in (np.int8, np.int16, np.int32, np.int64, np.uint8)),
    Operand("bool_(True)", lambda: np.bool_(True), lambda torch: True),
    _array(2.5, np.float64), _array(2.5, np.float32), _array(3, np.int64),
    _array(3, np.uint8), _array(True, np.bool_), _array([2.5, 0.5, 1.5], np.float64),
]


def _tensor(M, dtype):
    data = [True, False, True] if dtype == "bool" else [1, 2, 3]
    return M.tensor(data, dtype=getattr(M, dtype))


def _mask(M):
    return M.tensor([True, False, False])


def _flip(fn):
    return lambda a, b: fn(b, a)


# --- the ops -------------------------------------------------------------------------
class Op(NamedTuple):
    """``call(M, t, s)``: the op on the tensor ``t`` and the other operand ``s``."""
    name: str
    call: Callable


OPERATORS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
             "//": operator.floordiv, "%": operator.mod, "**": operator.pow,
             "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
             ">": operator.gt, ">=": operator.ge, "&": operator.and_, "|": operator.or_,
             "^": operator.xor}

IN_PLACE = {"+=": operator.iadd, "-=": operator.isub, "*=": operator.imul,
            "/=": operator.itruediv}

BINARY_OPS = [Op(f"t {sym} s", lambda M, t, s, f=f: f(t, s)) for sym, f in OPERATORS.items()]
REVERSED_OPS = [Op(f"s {sym} t", lambda M, t, s, f=f: f(s, t)) for sym, f in OPERATORS.items()]
OTHER_OPS = [
    Op("where(c, t, s)", lambda M, t, s: M.where(_mask(M), t, s)),
    Op("where(c, s, t)", lambda M, t, s: M.where(_mask(M), s, t)),
    Op("add(t, s, alpha=2)", lambda M, t, s: M.add(t, s, alpha=2)),
    Op("sub(t, s, alpha=2)", lambda M, t, s: M.sub(t, s, alpha=2)),
    Op("add(s, t)", lambda M, t, s: M.add(s, t)),
    Op("mul(s, t)", lambda M, t, s: M.mul(s, t)),
    Op("t.mul(s)", lambda M, t, s: t.mul(s)),
    Op("t.div(s)", lambda M, t, s: t.div(s)),
    Op("t.pow(s)", lambda M, t, s: t.pow(s)),
    Op("pow(s, t)", lambda M, t, s: M.pow(s, t)),
    Op("t.eq(s)", lambda M, t, s: t.eq(s)),
    Op("t.lt(s)", lambda M, t, s: t.lt(s)),
    Op("t.remainder(s)", lambda M, t, s: t.remainder(s)),
    Op("t.floor_divide(s)", lambda M, t, s: t.floor_divide(s)),
    *(Op(f"t {sym} s", lambda M, t, s, f=f: f(t, s)) for sym, f in IN_PLACE.items()),
    Op("t.mul_(s)", lambda M, t, s: t.mul_(s)),
    Op("t.add_(s)", lambda M, t, s: t.add_(s)),
    Op("t.div_(s)", lambda M, t, s: t.div_(s)),
    Op("t.pow_(s)", lambda M, t, s: t.pow_(s)),
]
# ops that torch gives numbers only (not arrays or 0-d tensors)
SCALAR_OPS = [
    Op("t.clamp(min=s)", lambda M, t, s: t.clamp(min=s)),
    Op("t.clamp(max=s)", lambda M, t, s: t.clamp(max=s)),
    Op("t.clamp_(min=s)", lambda M, t, s: t.clamp_(min=s)),
    Op("t.masked_fill(c, s)", lambda M, t, s: t.masked_fill(_mask(M), s)),
    Op("t.masked_fill_(c, s)", lambda M, t, s: t.masked_fill_(_mask(M), s)),
    Op("t.fill_(s)", lambda M, t, s: t.fill_(s)),
    Op("add(t, 1, alpha=s)", lambda M, t, s: M.add(t, 1, alpha=s)),
    Op("full((3,), s)", lambda M, t, s: M.full((3,), s)),
    Op("full((3,), s, dtype)", lambda M, t, s: M.full((3,), s, dtype=t.dtype)),
]
ALL_OPS = BINARY_OPS + REVERSED_OPS + OTHER_OPS + SCALAR_OPS


class Outcome(NamedTuple):
    """What a call did: the exception's type name, or the result's dtype name and values."""
    error: str = None
    dtype: str = None
    values: np.ndarray = None


def _builtin_name(exc):
    return next(c for c in type(exc).__mro__ if c.__module__ == "builtins").__name__


def _outcome(fn):
    try:
        with np.errstate(all="ignore"):
            out = fn()
    except Exception as e:  # noqa: BLE001 -- the type is what the row compares
        return Outcome(error=_builtin_name(e))
    if type(out).__name__ != "Tensor":
        return Outcome(error=f"a {type(out).__name__}, not a Tensor")
    return Outcome(dtype=str(out.dtype).split(".")[-1],
                   values=np.asarray(out.detach().numpy(), dtype=np.float64))


def _agree(ours, theirs):
    if theirs.error or ours.error:
        return ours.error == theirs.error
    return ours.dtype == theirs.dtype and np.allclose(ours.values, theirs.values, rtol=1e-3,
                                                      equal_nan=True)


def _mismatches(op, operands):
    torch = pytest.importorskip("torch")
    bad = []
    for dtype in DTYPES:
        for operand in operands:
            ours = _outcome(lambda: op.call(tinytorch, _tensor(tinytorch, dtype),
                                            operand.make()))
            theirs = _outcome(lambda: op.call(torch, _tensor(torch, dtype),
                                              operand.twin(torch)))
            if not _agree(ours, theirs):
                bad.append(f"{dtype} tensor, {operand.name}: {ours} vs torch {theirs}")
    return bad


NUMBERS = [o for o in OPERANDS if not o.name.startswith("array")]


# the methods with alpha
ALPHA_METHODS = [Op(name, call)
                 for name, call in [("t.add(s, alpha=2)", lambda M, t, s: t.add(s, alpha=2)),
                                    ("t.sub_(s, alpha=2)", lambda M, t, s: t.sub_(s, alpha=2))]]


@pytest.mark.parametrize("op", BINARY_OPS + REVERSED_OPS + OTHER_OPS + ALPHA_METHODS,
                         ids=lambda o: o.name)
def test_numpy_operands_promote_like_torch(op):
    bad = _mismatches(op, OPERANDS)
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("op", SCALAR_OPS, ids=lambda o: o.name)
def test_numpy_scalars_promote_like_torch(op):
    bad = _mismatches(op, NUMBERS)
    assert not bad, "\n".join(bad)


def test_the_table_is_large():
    cases = len(DTYPES) * (len(OPERANDS) * (len(ALL_OPS) - len(SCALAR_OPS))
                           + len(NUMBERS) * len(SCALAR_OPS))
    assert cases > 5000


# --- without torch: the idioms that matter ----------------------------------------------
def _x(dtype=tinytorch.float32, **kw):
    return tinytorch.tensor([1.0, 2.0, 4.0], dtype=dtype, **kw)


@pytest.mark.parametrize("expr", [
    "x / np.sqrt(4)", "x * np.float64(2)", "np.float64(2) * x", "x ** np.float64(2)",
    "np.float64(2) ** x", "x - np.float64(1)", "np.float64(1) - x", "np.sqrt(4) / x",
    "x // np.float64(2)", "np.float64(3) // x", "x % np.float64(3)", "np.float64(3) % x",
    "tinytorch.where(x > 1, x, np.float64(0))", "tinytorch.where(x > 1, np.float64(0), x)",
    "x.clamp(np.float64(0), np.float64(3))", "x.masked_fill(x > 1, np.float64(0))",
    "tinytorch.maximum(x, np.float64(2))", "np.maximum(x, np.float64(2))",
    "x.add(x, alpha=np.float64(2))", "x * np.array(2.0)", "np.array(2.0) * x",
    "x.pow(np.float64(0.5))", "x.mean() / np.float64(3)",
])
def test_float32_stays_float32(expr):
    x = _x()
    out = eval(expr)
    assert isinstance(out, tinytorch.Tensor), type(out)
    assert out.dtype == tinytorch.float32


def test_x_over_sqrt_d_keeps_a_model_in_float32():
    tinytorch.manual_seed(0)
    d = 4
    q, k = tinytorch.randn(2, d), tinytorch.randn(3, d)
    scores = q @ k.t() / np.sqrt(d)
    out = tinytorch.nn.Linear(3, 2)(scores)  # a float64 `scores` would not even run
    assert scores.dtype == out.dtype == tinytorch.float32


def test_gradients_stay_float32():
    x = _x(requires_grad=True)
    (x / np.sqrt(2) * np.float64(3) + np.float32(1)).sum().backward()
    assert x.grad.dtype == tinytorch.float32
    np.testing.assert_allclose(x.grad.numpy(), 3 / np.sqrt(2), rtol=1e-6)


@pytest.mark.parametrize("expr,dtype,values", [
    ("_x(tinytorch.int64) * np.float64(2.5)", "float32", [2.5, 5, 10]),
    ("np.float64(2.5) * _x(tinytorch.int64)", "float32", [2.5, 5, 10]),
    ("_x(tinytorch.int64) + np.int64(2)", "int64", [3, 4, 6]),
    ("_x(tinytorch.int32) + np.int64(2)", "int32", [3, 4, 6]),
    ("np.int64(2) + _x(tinytorch.int32)", "int32", [3, 4, 6]),
    ("_x(tinytorch.uint8) + np.int64(300)", "uint8", [45, 46, 48]),  # wraps, as torch
    ("_x(tinytorch.int8) * np.float16(2)", "float32", [2, 4, 8]),
    ("_x(tinytorch.float16) * np.float32(2)", "float16", [2, 4, 8]),
    ("_x(tinytorch.float16) / np.float64(2)", "float16", [0.5, 1, 2]),
    ("tinytorch.tensor([True, False]) + np.bool_(True)", "bool", [1, 1]),
    ("tinytorch.tensor([True, False]) & np.bool_(False)", "bool", [0, 0]),
    ("tinytorch.tensor([True, False]) * np.int8(3)", "int64", [3, 0]),
    ("_x(tinytorch.int64) * np.array(2.5)", "float64", [2.5, 5, 10]),  # a 0-d tensor
    ("np.array(2.5) * _x(tinytorch.int64)", "float64", [2.5, 5, 10]),
    ("_x(tinytorch.int32) * np.array(2)", "int32", [2, 4, 8]),
    ("_x() * np.array([2.0, 2.0, 2.0])", "float64", [2, 4, 8]),  # a 1-d one: a tensor
    ("tinytorch.full((3,), np.float64(2.5))", "float32", [2.5] * 3),
    ("tinytorch.full((3,), np.int32(2))", "int64", [2] * 3),
    ("tinytorch.tensor(np.float64(2.5))", "float64", 2.5),  # data keeps its dtype
])
def test_result_dtype(expr, dtype, values):
    out = eval(expr)
    assert out.dtype == getattr(tinytorch, dtype)
    np.testing.assert_array_equal(out.numpy(), values)


def test_comparison_happens_in_the_tensors_dtype():
    # 0.1 rounded to float32 equals the float32 0.1 (in float64 it would not)
    assert (tinytorch.tensor([0.1]) == np.float64(0.1)).item()
    assert (np.float64(0.1) == tinytorch.tensor([0.1])).item()
    assert not (tinytorch.tensor([0.1]) < np.float64(0.1)).item()


@pytest.mark.parametrize("stmt", ["x += np.float64(2)", "x -= np.float64(2)",
                                  "x *= np.float64(2)", "x /= np.float64(2)",
                                  "x.mul_(np.float32(3))", "x.add_(np.float64(1), alpha=2)",
                                  "x.pow_(np.float64(2))", "x.clamp_(np.float64(0))",
                                  "x.fill_(np.float64(1))", "x[0] = np.float64(7)"])
def test_in_place_ops_keep_the_dtype(stmt):
    x = _x()
    scope = {"x": x, "np": np}
    exec(stmt, scope)
    assert scope["x"] is x and x.dtype == tinytorch.float32


def test_integer_tensor_in_place_refuses_a_numpy_float():
    x = _x(tinytorch.int64)
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type"):
        x *= np.float64(2.5)


def test_numpy_scalar_on_the_left_gives_a_tensor():
    x = _x()
    for out in (np.float64(3) // x, np.float64(3) % x, np.float64(3) - x,
                np.float64(3) ** x, np.float64(3) > x, np.bool_(True) ^ (x > 1)):
        assert isinstance(out, tinytorch.Tensor), type(out)


@pytest.mark.parametrize("expr", ["_x() * np.complex128(1j)", "np.complex128(1j) * _x()",
                                  "_x() + 1j", "_x() * np.array([1j])",
                                  "tinytorch.where(_x() > 1, _x(), 1j)"])
def test_complex_operands_are_refused(expr):
    with pytest.raises(TypeError, match="complex"):
        eval(expr)
