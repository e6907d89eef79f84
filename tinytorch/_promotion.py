"""What an op does to its operands before it calls a Function: torch's dtype promotion
(``promote``, ``binary``, ``compare``, ``common_dtype``, ``floating``), Python numbers, lists
and arrays as operands (``as_operand``), and a torch index turned into a numpy one
(``index_key``)."""
import builtins

import numpy as np

from . import _dtype
from ._checks import broadcast_error
from ._dtype import FROM_NP, result_type
from .autograd.function import TensorBase, _make
from .autograd.grad_mode import STATE
from .creation import tensor
from .functions import elementwise as E
from .functions import index as I

NUMBER = (builtins.int, builtins.float, builtins.bool)


def cast(t, np_dtype):
    """``t`` converted to ``np_dtype`` (recorded when it needs a gradient)."""
    if t._requires_grad and STATE.enabled:
        return E.ToDtype.apply(t, np_dtype)
    return _make(t._data.astype(np_dtype))


def floating(t):
    """Integer inputs of float functions (exp, log, ...) compute in the default float dtype."""
    if t._data.dtype.kind == "f":
        return t
    return _make(t._data.astype(_dtype.get_default_dtype().np))


def as_operand(x, op):
    """A Tensor or Python number for a binary op; lists/ndarrays become tensors."""
    if isinstance(x, TensorBase):
        return x
    if isinstance(x, NUMBER):
        return x
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, (np.ndarray, list, tuple)):
        return tensor(x)
    raise TypeError(f"{op}: unsupported operand type {type(x).__name__}")


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


def index_key(idx):
    """Turn a torch index into a numpy one (or a two-step one, see index.split_selects).

    A basic index gets a trailing ``...``: numpy then returns a view even when every dim
    is indexed by an int (x[0] of a vector is a 0-d view, not a detached scalar)."""
    idx = tuple(_index_item(i) for i in idx) if isinstance(idx, tuple) else \
        (_index_item(idx),)
    if I.is_basic(idx):
        return idx if Ellipsis in idx else idx + (Ellipsis,)
    return I.split_selects(idx) if len(idx) > 1 else idx[0]


def _index_item(i):
    if isinstance(i, TensorBase):
        i = i._data
        if i.ndim == 0 and i.dtype.kind in "iu":
            return builtins.int(i)  # a 0-d integer tensor indexes like an int
    elif isinstance(i, list):
        i = np.asarray(i)
        if i.size == 0:
            i = i.astype(np.int64)
    elif isinstance(i, builtins.float):
        raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or "
                         f"byte Variables are valid indices (got float {i})")
    elif isinstance(i, slice) and i.step is not None and i.step <= 0:
        raise ValueError("step must be greater than zero")
    if isinstance(i, np.ndarray) and i.dtype.kind not in "biu":
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors, "
                         f"got dtype {FROM_NP.get(i.dtype, i.dtype)}")
    return i
