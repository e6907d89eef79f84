"""numpy functions called on Tensors become tinytorch ops (numpy's NEP 13 and NEP 18).

This is what lets each built-in backward be written once.  ``Exp.backward`` says
``g * out``; ``Sin.backward`` says ``g * np.cos(x)``.  For a first-order gradient ``g`` and
``x`` are arrays and numpy computes.  With ``create_graph=True`` they are Tensors: numpy
sees a Tensor argument, hands the call to ``Tensor.__array_ufunc__`` /
``Tensor.__array_function__``, and the tables below turn it into the same tinytorch op, so it
is recorded and can be differentiated again.

A numpy function missing from the tables works on Tensors as before (they are read as
arrays, the result is an array), except inside a create_graph backward, where that would
silently cut the graph: there it raises, naming the function.
"""
import numpy as np

from .autograd.function import TensorBase, _make
from .autograd.grad_mode import STATE


def _tt():
    import tinytorch
    return tinytorch


def _is_tensor(x):
    return isinstance(x, TensorBase)


def _operand(x):
    """A ufunc input as a tinytorch operand: Tensors and Python numbers as they are, arrays as
    constant Tensors."""
    if _is_tensor(x):
        return x
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return _make(x)
    return x


def _first_tensor(a, b):
    """(tensor, other, swapped): binary ops are called on a Tensor."""
    a, b = _operand(a), _operand(b)
    if _is_tensor(a):
        return a, b, False
    return b, a, True


def _binary(method, rmethod=None):
    def op(a, b):
        t, other, swapped = _first_tensor(a, b)
        if not swapped:
            return getattr(t, method)(other)
        if rmethod is None:  # commutative
            return getattr(t, method)(other)
        return getattr(t, rmethod)(other)
    return op


def _truth(x):
    """An operand of a logical ufunc as a bool tensor (or a Python bool)."""
    x = _operand(x)
    if not _is_tensor(x):
        return bool(x)
    return x if x._data.dtype == np.bool_ else x != 0


def _logical(method):
    """logical_and / _or / _xor: the bitwise op on the operands' truth values."""
    return lambda a, b: getattr(_truth(a), method)(_truth(b))


def _unary(method):
    return lambda x: getattr(_operand(x), method)()


def _compare(method, swapped_method):
    def op(a, b):
        t, other, swapped = _first_tensor(a, b)
        return getattr(t, swapped_method if swapped else method)(other)
    return op


UFUNCS = {
    np.add: _binary("__add__"),
    np.subtract: _binary("__sub__", "__rsub__"),
    np.multiply: _binary("__mul__"),
    np.true_divide: _binary("__truediv__", "__rtruediv__"),
    np.power: _binary("__pow__", "__rpow__"),
    np.floor_divide: _binary("__floordiv__", "__rfloordiv__"),
    np.remainder: _binary("__mod__", "__rmod__"),
    np.matmul: _binary("__matmul__", "__rmatmul__"),
    np.maximum: _binary("maximum"),
    np.minimum: _binary("minimum"),
    np.equal: _compare("__eq__", "__eq__"),
    np.not_equal: _compare("__ne__", "__ne__"),
    np.less: _compare("__lt__", "__gt__"),
    np.less_equal: _compare("__le__", "__ge__"),
    np.greater: _compare("__gt__", "__lt__"),
    np.greater_equal: _compare("__ge__", "__le__"),
    np.logical_and: _logical("__and__"),
    np.logical_or: _logical("__or__"),
    np.logical_xor: _logical("__xor__"),
    np.bitwise_and: _binary("__and__"),
    np.bitwise_or: _binary("__or__"),
    np.bitwise_xor: _binary("__xor__"),
    np.negative: _unary("__neg__"),
    np.logical_not: _unary("logical_not"),
    np.exp: _unary("exp"),
    np.log: _unary("log"),
    np.log1p: _unary("log1p"),
    np.sqrt: _unary("sqrt"),
    np.sin: _unary("sin"),
    np.cos: _unary("cos"),
    np.tanh: _unary("tanh"),
    np.absolute: _unary("abs"),
    np.sign: _unary("sign"),
    np.square: lambda x: _operand(x) * _operand(x),
    np.reciprocal: lambda x: 1 / _operand(x),
}


def _axis_kw(axis):
    return () if axis is None else (tuple(axis) if isinstance(axis, (tuple, list)) else axis)


def _sum(x, axis=None, dtype=None, out=None, keepdims=False, **_):
    x = _operand(x)
    if axis is None and not keepdims:
        return x.sum()
    return x.sum(dim=axis if axis is not None else tuple(range(x.ndim)), keepdim=keepdims)


def _mean(x, axis=None, dtype=None, out=None, keepdims=False, **_):
    x = _operand(x)
    if axis is None and not keepdims:
        return x.mean()
    return x.mean(dim=axis if axis is not None else tuple(range(x.ndim)), keepdim=keepdims)


def _amax(x, axis=None, out=None, keepdims=False, **_):
    return _operand(x).amax(_axis_kw(axis), keepdims)


def _amin(x, axis=None, out=None, keepdims=False, **_):
    return _operand(x).amin(_axis_kw(axis), keepdims)


def _expand_dims(x, axis):
    x = _operand(x)
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    n = x.ndim + len(axes)
    for a in sorted(a % n for a in axes):
        x = x.unsqueeze(a)
    return x


def _squeeze(x, axis=None):
    x = _operand(x)
    return x.squeeze() if axis is None else x.squeeze(axis)


def _transpose(x, axes=None):
    x = _operand(x)
    return x.permute(tuple(range(x.ndim))[::-1] if axes is None else tuple(axes))


def _where(cond, a=None, b=None):
    tt = _tt()
    if a is None and b is None:
        return tt.where(_operand(cond))
    c = _operand(cond)
    return tt.where(c if _is_tensor(c) else tt.tensor(c), _operand(a), _operand(b))


def _like(fill):
    def like(x, dtype=None, order=None, subok=None, shape=None, **_):
        tt = _tt()
        x = _operand(x)
        dt = x.dtype if dtype is None else tt._dtype.to_dtype(dtype)
        return tt.full(x.shape if shape is None else shape, fill, dtype=dt)
    return like


def _full_like(x, fill_value, dtype=None, **kw):
    return _like(fill_value)(x, dtype=dtype, **kw)


FUNCTIONS = {
    np.sum: _sum,
    np.mean: _mean,
    np.amax: _amax,
    np.max: _amax,
    np.amin: _amin,
    np.min: _amin,
    np.expand_dims: _expand_dims,
    np.squeeze: _squeeze,
    np.reshape: lambda x, shape, **_: _operand(x).reshape(shape),
    np.transpose: _transpose,
    np.swapaxes: lambda x, a, b: _operand(x).transpose(a, b),
    np.broadcast_to: lambda x, shape, **_: _operand(x).expand(shape),
    np.where: _where,
    np.zeros_like: _like(0),
    np.ones_like: _like(1),
    np.full_like: _full_like,
    np.concatenate: lambda xs, axis=0, **_: _tt().cat([_operand(x) for x in xs], axis),
    np.stack: lambda xs, axis=0, **_: _tt().stack([_operand(x) for x in xs], axis),
    np.clip: lambda x, lo=None, hi=None, **_: _operand(x).clamp(lo, hi),
}


# functions whose result says something about the values but never carries a gradient
_NO_GRADIENT = {np.shape, np.ndim, np.size, np.result_type, np.isclose, np.allclose,
                np.array_equal, np.count_nonzero, np.any, np.all, np.argmax, np.argmin,
                np.nonzero, np.argwhere, np.flatnonzero}


def _as_arrays(obj):
    if _is_tensor(obj):
        return obj._data
    if isinstance(obj, (list, tuple)):
        return type(obj)(_as_arrays(o) for o in obj)
    return obj


def _fallback(name, args, kwargs, boolean=False):
    """Read Tensors as arrays; refused in a create_graph backward unless the result cannot
    carry a gradient anyway (``boolean``: isfinite, isnan, ...)."""
    if STATE.graph_backward and not boolean:
        raise TypeError(f"numpy.{name} has no tinytorch equivalent: a backward that calls it "
                        "on Tensors cannot be differentiated (create_graph=True)")
    return _as_arrays(args), {k: _as_arrays(v) for k, v in kwargs.items()}


def array_ufunc(self, ufunc, method, *inputs, **kwargs):
    """Tensor.__array_ufunc__: ``np.exp(t)``, ``ndarray * t``, ... as tinytorch ops."""
    fn = UFUNCS.get(ufunc)
    if fn is not None and method == "__call__" and not kwargs:
        return fn(*inputs)
    if kwargs.get("out") is not None:
        return NotImplemented  # numpy cannot write into a Tensor
    boolean = all(t[-1] == "?" for t in ufunc.types)
    inputs, kwargs = _fallback(ufunc.__name__, inputs, kwargs, boolean)
    return getattr(ufunc, method)(*inputs, **kwargs)


def array_function(self, func, types, args, kwargs):
    """Tensor.__array_function__: ``np.where(m, t, 0)``, ``np.sum(t, axis)``, ... likewise."""
    fn = FUNCTIONS.get(func)
    if fn is not None:
        return fn(*args, **kwargs)
    args, kwargs = _fallback(func.__name__, args, kwargs, func in _NO_GRADIENT)
    return func(*args, **kwargs)
