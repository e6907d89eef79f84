"""Math, predicates, comparisons and bitwise ops with torch's names (issue 12: elementwise).

The module's functions call primitives from functions/; __all__ lists those exported
as tinytorch.<name> and METHODS the Tensor methods (name -> function taking the
tensor first), which tensor.py adds to its method table.
"""
import builtins
import math

import numpy as np

from . import _dtype
from ._checks import broadcast_error, check_tensor_arg, not_implemented
from ._inplace import inplace
from ._promotion import NUMBER, as_operand, cast, floating, promote
from .autograd.function import TensorBase, _make
from .functions import elementwise as E

__all__ = []

METHODS = {}


def _export(name, fn, method=True, in_place=True):
    """``fn`` as ``tinytorch.<name>``, and (``method``) as ``Tensor.<name>`` with
    (``in_place``) ``Tensor.<name>_``, which writes ``fn``'s result back into the tensor."""
    fn.__name__ = name
    __all__.append(name)
    if method:
        METHODS[name] = fn
    if in_place:
        def fn_(self, *args, **kwargs):
            return inplace(self, lambda: fn(self, *args, **kwargs), f"{name}_")
        fn_.__name__ = f"{name}_"
        fn_.__doc__ = f"``{name}`` in place."
        METHODS[f"{name}_"] = fn_


def _alias(alias, name):
    """``alias`` names the same function, method and in-place method as ``name``."""
    __all__.append(alias)
    for suffix in ("", "_"):
        if name + suffix in METHODS:
            METHODS[alias + suffix] = METHODS[name + suffix]


def _in_place_only(name, fn):
    """``Tensor.<name>_`` for an op whose function and method exist already."""
    def fn_(self, *args, **kwargs):
        return inplace(self, lambda: fn(self, *args, **kwargs), f"{name}_")
    fn_.__name__ = f"{name}_"
    METHODS[f"{name}_"] = fn_


# --- unary float ops: integer and bool inputs compute in the default float dtype ----------

def _float_unary(fn, name):
    def op(input):
        check_tensor_arg(input, name)
        return fn.apply(floating(input))
    op.__doc__ = f"``{name}``, elementwise (integer inputs give the default float dtype)."
    return op


_UNARY = {"tan": E.Tan, "asin": E.Asin, "acos": E.Acos, "atan": E.Atan, "sinh": E.Sinh,
          "cosh": E.Cosh, "asinh": E.Asinh, "acosh": E.Acosh, "atanh": E.Atanh,
          "exp2": E.Exp2, "expm1": E.Expm1, "log2": E.Log2, "log10": E.Log10, "erf": E.Erf,
          "erfc": E.Erfc, "erfinv": E.Erfinv, "reciprocal": E.Reciprocal, "sinc": E.Sinc}
for _name, _fn in _UNARY.items():
    _export(_name, _float_unary(_fn, _name))
for _name in ("asin", "acos", "atan", "asinh", "acosh", "atanh"):
    _alias(f"arc{_name[1:]}", _name)


def _scaled(c, name):
    def op(input):
        check_tensor_arg(input, name)
        return E.Scale.apply(floating(input), c)
    op.__doc__ = f"``{name}``: the input times {c!r}."
    return op


_export("deg2rad", _scaled(math.pi / 180, "deg2rad"))
_export("rad2deg", _scaled(180 / math.pi, "rad2deg"))


# --- rounding: integer inputs come back as they are; the gradient is 0 ---------------------

def _rounding(fn, ufunc, name):
    def op(input):
        check_tensor_arg(input, name)
        dt = input._data.dtype
        if dt.kind == "b":
            raise not_implemented(f"{name}_vml_cpu", dt)
        if dt.kind in "iu":
            return _make(input._data.copy())
        return fn.apply(input, ufunc)
    op.__doc__ = f"``{name}``, elementwise; its gradient is 0."
    return op


for _name, _fn, _ufunc in (("floor", E.Floor, np.floor), ("ceil", E.Ceil, np.ceil),
                           ("trunc", E.Trunc, np.trunc)):
    _export(_name, _rounding(_fn, _ufunc, _name))
_alias("fix", "trunc")


def _round_to(decimals):
    """torch's round(decimals=d): rint(x·10^d)/10^d, or rint(x/10^-d)·10^-d for d < 0."""
    def fn(x):
        ten = np.asarray(10.0 ** abs(decimals), x.dtype)
        with np.errstate(over="ignore", invalid="ignore"):
            if decimals >= 0:
                return np.rint(x * ten) / ten
            return np.rint(x / ten) * ten
    return fn


def round(input, *, decimals=0):
    """Round half to even, to ``decimals`` decimal places; its gradient is 0."""
    check_tensor_arg(input, "round")
    if input._data.dtype.kind == "b":
        raise not_implemented("round_vml_cpu", input._data.dtype)
    if input._data.dtype.kind in "iu":
        if decimals:
            raise not_implemented("round_cpu", input._data.dtype)
        return _make(input._data.copy())
    return E.Rounding.apply(input, np.rint if decimals == 0 else _round_to(decimals))


_export("round", round)


def sgn(input):
    """sign for real tensors (bool stays bool)."""
    check_tensor_arg(input, "sgn")
    return input.sign()


_export("sgn", sgn)
_in_place_only("sign", lambda self: self.sign())


def frac(input):
    """x - trunc(x), with the sign of x."""
    check_tensor_arg(input, "frac")
    if input._data.dtype.kind != "f":
        raise not_implemented("frac_cpu", input._data.dtype)
    return E.Frac.apply(input)


_export("frac", frac)

for _name in ("log1p", "rsqrt"):
    _in_place_only(_name, lambda self, _name=_name: getattr(self, _name)())
_in_place_only("square", lambda self: self.square())


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    """NaN, +inf and -inf replaced by ``nan``, ``posinf`` and ``neginf`` (by default 0 and
    the dtype's largest and lowest finite values)."""
    check_tensor_arg(input, "nan_to_num")
    dt = input._data.dtype
    if dt.kind != "f":
        return _make(input._data.copy())
    info = np.finfo(dt)
    posinf = info.max if posinf is None else posinf
    neginf = info.min if neginf is None else neginf
    return E.NanToNum.apply(input, nan, posinf, neginf)


_export("nan_to_num", nan_to_num)


# --- binary ops ---------------------------------------------------------------------------

def _pair(input, other, op, to_float=False):
    """The two operands of a binary op as tensors of one dtype (torch's promotion; with
    ``to_float`` an integer result becomes the default float dtype)."""
    input, other = as_operand(input, op), as_operand(other, op)
    if isinstance(input, TensorBase):
        a, b = promote(input, other, op)
    elif isinstance(other, TensorBase):
        b, a = promote(other, input, op)
    else:
        raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    dt = a._data.dtype if isinstance(a, TensorBase) else b._data.dtype
    if to_float and dt.kind != "f":
        dt = _dtype.get_default_dtype().np
    a, b = (_as_tensor(x, dt) for x in (a, b))
    err = broadcast_error(op, a._data.shape, b._data.shape)
    if err is not None:
        raise err
    return a, b


def _as_tensor(x, dt):
    if isinstance(x, TensorBase):
        return x if x._data.dtype == dt else cast(x, dt)
    return _make(np.asarray(x, dt))


def _float_binary(fn, name, to_float=True):
    """A float op of two operands; integer operands give the default float dtype
    (``to_float``) or, as torch has no kernel for them, an error."""
    def op(input, other):
        a, b = _pair(input, other, name, to_float)
        if not to_float and a._data.dtype.kind != "f":
            raise not_implemented(f"{name}_cpu", a._data.dtype)
        if a._data.dtype.kind != "f":
            with np.errstate(all="ignore"):
                return _make(np.asarray(fn.forward(fn._Node(), a._data, b._data)))
        return fn.apply(a, b)
    op.__doc__ = f"``{name}`` of two tensors (or a tensor and a number), broadcast."
    return op


for _name, _fn in (("atan2", E.Atan2), ("copysign", E.Copysign), ("xlogy", E.Xlogy)):
    _export(_name, _float_binary(_fn, _name))
for _name, _fn in (("logaddexp", E.LogAddExp), ("logaddexp2", E.LogAddExp2),
                   ("hypot", E.Hypot)):
    _export(_name, _float_binary(_fn, _name, to_float=False),
            in_place=_name == "hypot")  # torch has no logaddexp_
_alias("arctan2", "atan2")


def _integer_or_float_binary(fn, ufunc, name):
    """fmod / remainder / fmax / fmin: integer operands stay integer (no gradient)."""
    def op(input, other):
        a, b = _pair(input, other, name)
        dt = a._data.dtype
        if dt.kind == "f":
            return fn.apply(a, b)
        if dt.kind == "b" and name in ("fmod", "remainder"):
            raise not_implemented(f"{name}_cpu", dt)
        if name in ("fmod", "remainder") and not np.all(b._data):
            raise RuntimeError(f"ZeroDivisionError ({name}: integer division by zero)")
        return _make(np.asarray(ufunc(a._data, b._data)))
    op.__doc__ = f"``{name}``, elementwise with broadcasting."
    return op


for _name, _fn, _ufunc in (("fmod", E.Fmod, np.fmod), ("remainder", E.Remainder, E.remainder_array),
                           ("fmax", E.FMax, E.fmax_array),
                           ("fmin", E.FMin, E.fmin_array)):
    _export(_name, _integer_or_float_binary(_fn, _ufunc, _name),
            in_place=_name not in ("fmax", "fmin"))


def div(input, other, *, rounding_mode=None):
    """input / other: true division, or rounded toward zero ("trunc") or down ("floor")."""
    if rounding_mode is None:
        return input / other if isinstance(input, TensorBase) else other.__rtruediv__(input)
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError("div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                         f"but found '{rounding_mode}'")
    a, b = _pair(input, other, "div")
    dt = a._data.dtype
    if dt.kind == "f":
        return E.DivRounding.apply(a, b, rounding_mode)
    if not np.all(b._data):
        raise RuntimeError("ZeroDivisionError")
    x, y = a._data, b._data
    if dt.kind == "b":
        x, y = x.astype(np.int64), y.astype(np.int64)
    q = np.floor_divide(x, y)
    if rounding_mode == "trunc":
        q = q + ((np.remainder(x, y) != 0) & ((x < 0) != (y < 0)))
    return _make(np.asarray(q).astype(x.dtype, copy=False))


_export("div", div)
_alias("divide", "div")


def floor_divide(input, other):
    """input // other (rounded down, as torch's floor_divide); no gradient."""
    return input // other if isinstance(input, TensorBase) else other.__rfloordiv__(input)


_export("floor_divide", floor_divide, method=False)
_in_place_only("floor_divide", floor_divide)
_in_place_only("true_divide", lambda self, other: self / other)


def clamp_min(input, min):
    """max(input, min) (clamp with a lower bound only)."""
    return input.clamp(min=min)


def clamp_max(input, max):
    """min(input, max) (clamp with an upper bound only)."""
    return input.clamp(max=max)


_export("clamp_min", clamp_min)
_export("clamp_max", clamp_max)


def lerp(input, end, weight):
    """input + weight·(end - input); ``weight`` a number or a tensor."""
    check_tensor_arg(input, "lerp")
    check_tensor_arg(end, "lerp", "end", 2)
    if input._data.dtype != end._data.dtype:
        raise RuntimeError(f"expected dtype {input.dtype} for `end` but got dtype {end.dtype}")
    if isinstance(weight, NUMBER):
        a, b = _pair(input, end, "lerp")
        return E.LerpScalar.apply(a, b, builtins.float(weight))
    check_tensor_arg(weight, "lerp", "weight", 3)
    if weight._data.dtype != input._data.dtype:
        raise RuntimeError(f"expected dtype {input.dtype} for `weight` but got dtype "
                           f"{weight.dtype}")
    for x in (end, weight):
        err = broadcast_error("lerp", input._data.shape, x._data.shape)
        if err is not None:
            raise err
    return E.Lerp.apply(input, end, weight)


_export("lerp", lerp)


def _addc(input, tensor1, tensor2, value, op, combine):
    check_tensor_arg(input, op)
    check_tensor_arg(tensor1, op, "tensor1", 2)
    check_tensor_arg(tensor2, op, "tensor2", 3)
    both = combine(tensor1, tensor2)
    if value != 1:  # torch casts value to an integer result's type
        both = both * (builtins.int(value) if both._data.dtype.kind in "biu" else value)
    return input + both


def addcmul(input, tensor1, tensor2, *, value=1):
    """input + value · tensor1 · tensor2 (all three broadcast; torch's promotion)."""
    return _addc(input, tensor1, tensor2, value, "addcmul", lambda a, b: a * b)


def addcdiv(input, tensor1, tensor2, *, value=1):
    """input + value · tensor1 / tensor2 (floating tensor1/tensor2: integer ones are an
    error, as in torch)."""
    for t in (tensor1, tensor2):
        check_tensor_arg(t, "addcdiv")
    if tensor1._data.dtype.kind in "biu" and tensor2._data.dtype.kind in "biu":
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release "
            "addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv "
            "behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2))"
            ".to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) "
            "for float inputs. The future addcdiv behavior is just the latter implementation: "
            "(input + value * tensor1 / tensor2), for all dtypes.")
    return _addc(input, tensor1, tensor2, value, "addcdiv", lambda a, b: a / b)


_export("addcmul", addcmul)
_export("addcdiv", addcdiv)


def float_power(input, exponent):
    """input ** exponent computed in float64."""
    f64 = np.dtype(np.float64)
    if isinstance(input, TensorBase):
        base = _as_tensor(input, f64)
        exp = _as_tensor(exponent, f64) if isinstance(exponent, TensorBase) else exponent
        return base ** exp
    return _as_tensor(exponent, f64).__rpow__(input)


def _float_power_(self, exponent):
    if self._data.dtype != np.float64:
        raise RuntimeError("the base given to float_power_ has dtype "
                           f"{self.dtype.__repr__().split('.')[-1].capitalize()} but the "
                           "operation's result requires dtype Double")
    return inplace(self, lambda: float_power(self, exponent), "float_power_")


_export("float_power", float_power, in_place=False)
METHODS["float_power_"] = _float_power_


# --- predicates and comparisons: bool results, never recorded -------------------------------

def _predicate(fn, name):
    def op(input):
        check_tensor_arg(input, name)
        return _make(np.asarray(fn(input._data)))
    op.__doc__ = f"``{name}``: a bool tensor."
    return op


def _float_only(test, other):
    return lambda x: test(x) if x.dtype.kind == "f" else np.full(x.shape, other)


_export("isnan", _predicate(_float_only(np.isnan, False), "isnan"), in_place=False)
_export("isinf", _predicate(_float_only(np.isinf, False), "isinf"), in_place=False)
_export("isposinf", _predicate(_float_only(np.isposinf, False), "isposinf"), in_place=False)
_export("isneginf", _predicate(_float_only(np.isneginf, False), "isneginf"), in_place=False)
_export("isfinite", _predicate(_float_only(np.isfinite, True), "isfinite"), in_place=False)
_export("isreal", _predicate(lambda x: np.ones(x.shape, bool), "isreal"), in_place=False)


def _same_dtype(input, other, op):
    check_tensor_arg(input, op)
    check_tensor_arg(other, op, "other", 2)
    if input._data.dtype != other._data.dtype:
        raise RuntimeError(f"{input.dtype.__repr__().split('.')[-1].capitalize()} did not "
                           f"match {other.dtype.__repr__().split('.')[-1].capitalize()}")


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|input - other| <= atol + rtol·|other|, elementwise (a bool tensor)."""
    _same_dtype(input, other, "isclose")
    if rtol < 0 or atol < 0:
        which = "rtol" if rtol < 0 else "atol"
        raise RuntimeError(f"{which} must be greater than or equal to zero, but got "
                           f"{rtol if rtol < 0 else atol}")
    err = broadcast_error("isclose", input._data.shape, other._data.shape)
    if err is not None:
        raise err
    a, b = input._data, other._data
    close = a == b  # torch's steps, in its order
    if equal_nan and a.dtype.kind == "f":
        close = close | (np.isnan(a) & np.isnan(b))
    if (rtol == 0 and atol == 0) or a.dtype.kind == "b":
        return _make(np.asarray(close))
    if a.dtype.kind != "f":
        dt = _dtype.get_default_dtype().np
        a, b = a.astype(dt), b.astype(dt)
    with np.errstate(all="ignore"):
        allowed = atol + np.abs(rtol * b)
        actual = np.abs(a - b)
        close = close | (np.isfinite(actual) & (actual <= allowed))
    return _make(np.asarray(close))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True if every element is close (isclose)."""
    return builtins.bool(np.all(isclose(input, other, rtol, atol, equal_nan)._data))


def equal(input, other):
    """True if the tensors have the same shape and elements."""
    check_tensor_arg(input, "equal")
    check_tensor_arg(other, "equal", "other", 2)
    a, b = input._data, other._data
    return a.shape == b.shape and builtins.bool(np.all(a == b))


_export("isclose", isclose, in_place=False)
_export("allclose", allclose, in_place=False)
_export("equal", equal, in_place=False)


def _logical(ufunc, name):
    def op(input, other):
        check_tensor_arg(input, name)
        check_tensor_arg(other, name, "other", 2)
        err = broadcast_error(name, input._data.shape, other._data.shape)
        if err is not None:
            raise err
        return _make(np.asarray(ufunc(input._data, other._data)))
    op.__doc__ = f"``{name}`` of the operands' truth values: a bool tensor."
    return op


def _logical_(ufunc, name):
    def op_(self, other):
        fn = METHODS[name]
        return inplace(self, lambda: _make(fn(self, other)._data.astype(self._data.dtype)),
                       f"{name}_")
    return op_


for _name, _ufunc in (("logical_and", np.logical_and), ("logical_or", np.logical_or),
                      ("logical_xor", np.logical_xor)):
    _export(_name, _logical(_ufunc, _name), in_place=False)
    METHODS[f"{_name}_"] = _logical_(_ufunc, _name)
METHODS["logical_not_"] = lambda self: inplace(
    self, lambda: _make(np.logical_not(self._data).astype(self._data.dtype)), "logical_not_")


# --- bitwise ----------------------------------------------------------------------------

def _bitwise(ufunc, name, kernel):
    def op(input, other):
        input, other = as_operand(input, name), as_operand(other, name)
        if not isinstance(input, TensorBase):
            if not isinstance(other, TensorBase):
                raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, "
                                f"not {type(input).__name__}")
            b, a = promote(other, input, name)
        else:
            a, b = promote(input, other, name)
        dt = (a if isinstance(a, TensorBase) else b)._data.dtype
        if dt.kind not in ("iu" if "shift" in kernel else "biu"):
            raise not_implemented(kernel, dt)
        x, y = (_as_tensor(v, dt)._data for v in (a, b))
        err = broadcast_error(name, x.shape, y.shape)
        if err is not None:
            raise err
        if "shift" in kernel:
            return _make(np.asarray(_shift(ufunc, x, y)))
        return _make(np.asarray(ufunc(x, y)))
    op.__doc__ = f"``{name}`` of integer (or bool) tensors."
    return op


def _shift(ufunc, x, y):
    """torch's shifts: by a negative amount or by the bit width or more, a left shift gives
    0 and a right shift the sign (0 or -1)."""
    bits = x.dtype.itemsize * 8
    out = ufunc(x, np.clip(y, 0, bits - 1).astype(x.dtype))
    big = (y < 0) | (y >= bits)
    if not np.any(big):
        return out
    fill = np.zeros((), x.dtype) if ufunc is np.left_shift else \
        np.where(x < 0, -1, 0).astype(x.dtype)
    return np.where(big, fill, out)


for _name, _ufunc, _kernel in (
        ("bitwise_and", np.bitwise_and, "bitwise_and_cpu"),
        ("bitwise_or", np.bitwise_or, "bitwise_or_cpu"),
        ("bitwise_xor", np.bitwise_xor, "bitwise_xor_cpu"),
        ("bitwise_left_shift", np.left_shift, "lshift_cpu"),
        ("bitwise_right_shift", np.right_shift, "rshift_cpu")):
    _export(_name, _bitwise(_ufunc, _name, _kernel))
METHODS["__lshift__"] = METHODS["bitwise_left_shift"]
METHODS["__rshift__"] = METHODS["bitwise_right_shift"]
METHODS["__rlshift__"] = lambda self, other: globals()["bitwise_left_shift"](other, self)
METHODS["__rrshift__"] = lambda self, other: globals()["bitwise_right_shift"](other, self)
for _op, _name in (("and", "bitwise_and"), ("or", "bitwise_or"), ("xor", "bitwise_xor"),
                   ("lshift", "bitwise_left_shift"), ("rshift", "bitwise_right_shift")):
    METHODS[f"__i{_op}__"] = METHODS[f"{_name}_"]


def bitwise_not(input):
    """~input for integer and bool tensors."""
    check_tensor_arg(input, "bitwise_not")
    if input._data.dtype.kind not in "biu":
        raise not_implemented("bitwise_not_cpu", input._data.dtype)
    return ~input


_export("bitwise_not", bitwise_not)

bitwise_and = METHODS["bitwise_and"]
bitwise_or, bitwise_xor = METHODS["bitwise_or"], METHODS["bitwise_xor"]
bitwise_left_shift = METHODS["bitwise_left_shift"]
bitwise_right_shift = METHODS["bitwise_right_shift"]
for _name in __all__:
    if _name not in globals():
        globals()[_name] = METHODS[_name]
del _name
