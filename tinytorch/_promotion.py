"""What an op does to its operands before it calls a Function: torch's dtype promotion
(``promote``, ``binary``, ``compare``, ``common_dtype``, ``floating``), Python numbers, lists
and arrays as operands (``as_operand``)."""
import builtins

import numpy as np

from . import _dtype
from ._checks import broadcast_error, check_fill_value
from ._dtype import result_type
from .autograd.function import TensorBase, _make
from .autograd.grad_mode import STATE
from .creation import tensor
from .functions import elementwise as E

# A Python number, or a numpy scalar: torch reads ``np.float64(2)`` or ``np.sqrt(4)`` as the
# Python number it holds (a "wrapped number" in promotion), so ``x / np.sqrt(d)`` keeps a
# float32 ``x`` float32.  Ops take either (``as_operand`` turns the numpy one into Python's).
PYTHON_NUMBER = (builtins.int, builtins.float, builtins.bool)
NUMBER = PYTHON_NUMBER + (np.integer, np.floating, np.bool_)
_EXACT_PYTHON_NUMBER = frozenset(PYTHON_NUMBER)  # speed: as_operand's first test (`t * 2`)


def cast(t, np_dtype):
    """``t`` converted to ``np_dtype`` (recorded when it needs a gradient: a conversion to an
    integer or bool dtype has none, as in torch, so ``x.long()`` is a plain new tensor)."""
    if t._requires_grad and STATE.enabled and np.dtype(np_dtype).kind == "f":
        return E.ToDtype.apply(t, np_dtype)
    return _make(t._data.astype(np_dtype))


def floating(t):
    """Integer inputs of float functions (exp, log, ...) compute in the default float dtype."""
    if t._data.dtype.kind == "f":
        return t
    return _make(t._data.astype(_dtype.get_default_dtype().np))


def as_operand(x, op):
    """A Tensor or Python number for a binary op.

    A numpy scalar becomes the Python number it holds, as in torch: ``np.float64(2)`` then
    promotes like ``2.0``, never upcasting a float32 tensor (numpy's own rules would make
    ``float32 array * np.float64(2)`` float64).  A list or an ndarray (0-d included) becomes
    a tensor of its dtype, as ``as_tensor`` makes it."""
    if type(x) in _EXACT_PYTHON_NUMBER or isinstance(x, TensorBase):
        return x
    if isinstance(x, np.generic):  # before the next test: np.float64 is a Python float too
        x = x.item()
    if isinstance(x, PYTHON_NUMBER):
        return x
    if isinstance(x, builtins.complex) or (isinstance(x, np.ndarray) and x.dtype.kind == "c"):
        raise TypeError(f"{op}: tinytorch has no complex dtypes (got the complex operand "
                        f"{x!r})")
    if isinstance(x, (np.ndarray, list, tuple)):
        return tensor(x)
    raise TypeError(f"{op}: unsupported operand type {type(x).__name__}")


def fitted(value, np_dtype):
    """The Python number ``value`` as written into a tensor of ``np_dtype`` (masked_fill's
    value, clamp's bounds).  It must fit (torch's rule: _checks.check_fill_value); for an
    integer dtype it becomes a scalar of that dtype, a float truncated toward zero and a
    negative int wrapped into an unsigned dtype (-1 is 255 in uint8), as torch casts it."""
    check_fill_value(value, np_dtype)
    if np_dtype.kind in "iu" and not isinstance(value, builtins.bool):
        return np.asarray(builtins.int(value), np.int64).astype(np_dtype)[()]
    return value


def promote(a, b, op, true_div=False):
    """Apply torch's promotion rules: cast the operands to the result dtype."""
    b = as_operand(b, op)
    ad = a._data
    if isinstance(b, TensorBase):
        bd = b._data
        if ad.dtype == bd.dtype and (not true_div or ad.dtype.kind == "f"):
            return a, b
        dt = result_type(ad, bd)
    else:
        if ad.dtype.kind == "f" and not true_div:
            return a, b
        dt = result_type(ad, b)
    if true_div and dt.kind != "f":
        dt = _dtype.get_default_dtype().np
    if dt.kind in "iu" and isinstance(b, builtins.int) and dt != np.int64:
        # torch wraps a Python int into a small integer dtype (uint8 - 3 is uint8 - 253)
        b = np.asarray(b, np.int64).astype(dt)[()]
    if ad.dtype != dt:
        a = cast(a, dt)
    if isinstance(b, TensorBase) and b._data.dtype != dt:
        b = cast(b, dt)
    return a, b


def binary(fn, a, b, op, reverse=False, true_div=False):
    """``fn.apply(a, b)`` (``(b, a)`` with ``reverse``) after promotion, with torch's error
    when the shapes do not broadcast."""
    ad = a._data.dtype
    if isinstance(b, TensorBase):
        if b._data.dtype is not ad or (true_div and ad.kind != "f"):
            a, b = promote(a, b, op, true_div)
    elif type(b) is not builtins.float or ad.kind != "f":
        a, b = promote(a, b, op, true_div)
    try:
        return fn.apply(b, a) if reverse else fn.apply(a, b)
    except ValueError as e:
        if isinstance(b, TensorBase):
            err = broadcast_error(op, a._data.shape, b._data.shape)
            if err is not None:
                raise err from None
        raise RuntimeError(f"{op}: {e}") from None


def compare(a, b, ufunc, op):
    """A comparison (or bitwise op): a bool (or integer) tensor, never recorded."""
    if b is None or (op in ("eq", "ne") and isinstance(b, (str, bytes, dict, set))):
        # torch: `t == "a"` is simply False (and `t != "a"` True)
        return op == "ne"
    a, b = promote(a, b, op)
    bd = b._data if isinstance(b, TensorBase) else b
    try:
        return _make(np.asarray(ufunc(a._data, bd)))
    except ValueError:
        err = broadcast_error(op, a._data.shape, np.shape(bd))
        if err is not None:
            raise err from None
        raise


def common_dtype(tensors):
    """cat/stack promote their inputs to one dtype, with torch's rules."""
    dt = tensors[0]._data
    for t in tensors[1:]:
        if t._data.dtype != dt.dtype:
            dt = np.empty((1,), result_type(dt, t._data))
    return [t if t._data.dtype == dt.dtype else cast(t, dt.dtype) for t in tensors]
