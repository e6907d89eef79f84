"""The ops with torch's free-function names (``matmul``, ``where``, ``cat``, ``stack``,
``maximum``, ...) and the composites behind Tensor methods that take more than a line or two
(``clamp``, ``masked_fill``, ``norm``, ``split``, max/min over a dim, ...).  Each checks its
arguments (_checks.py), promotes its operands (_promotion.py) and calls Functions
(functions/).  At the end, the makers of the Tensor methods that form families (exp, log, ...;
the comparisons; float(), long(), ...), which tensor.py lists in its method table."""
import builtins

import numpy as np

from . import _dtype
from ._checks import (TORCH_TYPE, bool_mask, broadcast_error, check_alpha, check_clamp_dtype,
                      check_extremum_dims, check_joinable, check_masked_fill, check_matmul,
                      check_matmul_args, check_not_bool_sub, check_not_zero_dim,
                      check_stackable, dim_arg, dims_arg, not_implemented, raw, split_sizes,
                      tensor_list)
from ._dtype import FROM_NP, result_type
from ._inplace import view_of
from ._promotion import as_operand, cast, common_dtype, compare, fitted, floating, promote
from .autograd.function import TensorBase, _make
from .autograd.grad_mode import STATE
from .creation import tensor, zeros
from .functions import elementwise as E
from .functions import linalg as L
from .functions import reduce as R
from .functions import shape as S
from .return_types import max as _Max
from .return_types import min as _Min

_BOOL = np.dtype(np.bool_)  # (a dtype compared by identity: matmul's fast check)

__all__ = ["matmul", "mm", "bmm", "mv", "dot", "where", "maximum", "minimum", "cat", "concat",
           "concatenate", "stack", "add", "sub", "mul", "pow"]


def matmul(a, b):
    """Matrix product with torch's rules (1-D operands, broadcast batch dims)."""
    if not (isinstance(a, TensorBase) and isinstance(b, TensorBase)):
        check_matmul(a, b)  # raises torch's error
    x, y = a._data, b._data
    if not (x.ndim and y.ndim and x.dtype == y.dtype and x.dtype is not _BOOL
            and x.shape[-1] == y.shape[0 if y.ndim == 1 else -2]):
        check_matmul(a, b)  # raises torch's error
    fn = L.Matmul
    if y.ndim == 1 and x.ndim <= 2:
        fn = L.Dot if x.ndim == 1 else L.Mv
    try:
        return fn.apply(a, b)
    except ValueError:
        raise broadcast_error("matmul (batch dims)", x.shape[:-2], y.shape[:-2]) from None


def mm(input, mat2):
    """Matrix @ matrix (no broadcasting, no vectors)."""
    check_matmul_args(input, mat2, "mm", ("self", "mat2"), (2, 2))
    return matmul(input, mat2)


def bmm(input, mat2):
    """Batch of matrices @ batch of matrices, of one batch size (no broadcasting)."""
    check_matmul_args(input, mat2, "bmm", ("batch1", "batch2"), (3, 3))
    (b1, _, k1), (b2, k2, _) = input._data.shape, mat2._data.shape
    if (b1, k1) != (b2, k2):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{b1}, {k1}] but got: [{b2}, {k2}].")
    return matmul(input, mat2)


def mv(input, vec):
    """Matrix @ vector."""
    check_matmul_args(input, vec, "mv", ("self", "vec"), (2, 1))
    return matmul(input, vec)


def dot(input, tensor):
    """Vector · vector."""
    check_matmul_args(input, tensor, "dot", ("input", "tensor"), (1, 1))
    return matmul(input, tensor)


def where(condition, input=None, other=None):
    """``where(cond, a, b)``: a where cond is True, else b (one of a, b may be a number)."""
    if input is None and other is None:
        return tuple(_make(i) for i in np.nonzero(raw(condition)))
    cond = condition._data if isinstance(condition, TensorBase) else np.asarray(condition)
    if cond.dtype != np.bool_:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a "
                           f"tensor with dtype {FROM_NP.get(cond.dtype, cond.dtype)}")
    a, b = as_operand(input, "where"), as_operand(other, "where")
    if isinstance(a, TensorBase):
        a, b = promote(a, b, "where")
    elif isinstance(b, TensorBase):
        b, a = promote(b, a, "where")
    else:
        a = tensor(a)
        a, b = promote(a, b, "where")
    try:
        return E.Where.apply(cond, a, b)
    except ValueError:
        sb = np.shape(raw(b))
        err = broadcast_error("where", np.broadcast_shapes(cond.shape, sb)
                              if broadcast_error("", cond.shape, sb) is None else cond.shape,
                              np.shape(raw(a)))
        raise (err or broadcast_error("where", cond.shape, sb)) from None


def _first_operand(input, other, op):
    """``input`` of ``torch.add(input, other)`` and the like as a Tensor or a Python number:
    a number may come first if a tensor comes second (``torch.pow(2, t)``)."""
    input = as_operand(input, op)
    if not isinstance(input, TensorBase) and not isinstance(other, TensorBase):
        raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    return input


def add(input, other, alpha=1):
    """``input + alpha * other``."""
    if not isinstance(input, TensorBase):
        input = _first_operand(input, other, "add")
        if not isinstance(input, TensorBase):  # a number plus a tensor
            return (other if alpha == 1 else other * alpha).__radd__(input)
    return scaled_sum(input, other, alpha, "add")


def sub(input, other, alpha=1):
    """``input - alpha * other``."""
    if not isinstance(input, TensorBase):
        input = _first_operand(input, other, "sub")
        if not isinstance(input, TensorBase):
            return (other if alpha == 1 else other * alpha).__rsub__(input)
    return scaled_sum(input, other, alpha, "sub")


def mul(input, other):
    input = _first_operand(input, other, "mul")
    return input * other if isinstance(input, TensorBase) else other.__rmul__(input)


def pow(input, exponent):
    """``input ** exponent``; ``input`` may be a number (``pow(2, t)``)."""
    input = _first_operand(input, exponent, "pow")
    return input ** exponent if isinstance(input, TensorBase) else exponent.__rpow__(input)


def scaled_sum(t, other, alpha, op):
    """``t + alpha * other`` (op "add") or ``t - alpha * other`` (op "sub").

    As in torch the result has the dtype of ``t + other``: ``alpha`` must fit it
    (check_alpha) and ``other`` is cast to it before it is scaled, so that the scaling cannot
    promote further (a bool result is ``t or (other and alpha)``)."""
    subtract = op == "sub"
    if subtract:
        check_not_bool_sub(t, other, op)
    if type(alpha) is builtins.int and alpha == 1:  # the usual case: no scaling
        return t - other if subtract else t + other
    if isinstance(alpha, np.generic):
        alpha = alpha.item()
    other = as_operand(other, op)
    result = result_type(t._data, raw(other))
    check_alpha(alpha, result, op)
    if result.kind == "b":
        scaled = other if alpha else False
    elif isinstance(other, TensorBase):
        scaled = (other if other._data.dtype == result else cast(other, result)) * alpha
    else:
        scaled = other * alpha
    return t - scaled if subtract else t + scaled


def maximum(a, b):
    return a.maximum(b)


def minimum(a, b):
    return a.minimum(b)


def cat(tensors, dim=0):
    """Join tensors along an existing dim."""
    tensors = tensor_list(tensors, "cat")
    if not tensors:
        raise ValueError("cat(): expected a non-empty list of Tensors")
    check_not_zero_dim(tensors)
    ref = tensors[0]
    # torch lets 1-D empty tensors join anything
    tensors = [t for t in tensors if not (t._data.ndim == 1 and t._data.size == 0)] or [ref]
    d = dim_arg(dim, tensors[0]._data.ndim, "cat")
    check_joinable(tensors, d)
    return S.Cat.apply(d, *common_dtype(tensors))


concat = concatenate = cat


def stack(tensors, dim=0):
    """Join same-shaped tensors along a new dim."""
    tensors = tensor_list(tensors, "stack")
    check_stackable(tensors)
    d = dim_arg(dim, tensors[0]._data.ndim + 1, "stack")
    return S.Stack.apply(d, *common_dtype(tensors))


# --- composites behind Tensor methods ---------------------------------------------------

def clamp(t, min=None, max=None):
    if min is None and max is None:
        raise RuntimeError("clamp: At least one of 'min' or 'max' must not be None")
    # numpy scalars as Python numbers (np.float64 bounds must not upcast a float32 tensor)
    min, max = (None if b is None else as_operand(b, "clamp") for b in (min, max))
    if isinstance(min, TensorBase) or isinstance(max, TensorBase):
        for bound in (min, max):
            if isinstance(bound, TensorBase):
                err = broadcast_error("clamp", t._data.shape, bound._data.shape)
                if err is not None:
                    raise err
        x = t
        for bound in (min, max):
            if bound is not None:
                x, _ = promote(x, bound, "clamp")
        return E.ClampTensor.apply(x, min, max)
    x = t
    for bound in (min, max):
        if bound is not None:
            dt = result_type(x._data, bound)  # clamp(int tensor, 0.5) is float
            if dt != x._data.dtype:
                x = cast(x, dt)
    check_clamp_dtype(x._data.dtype, min, max)
    dt = x._data.dtype
    min, max = (None if b is None else fitted(b, dt) for b in (min, max))
    return E.Clamp.apply(x, min, max)


def masked_fill(t, mask, value):
    mask = bool_mask(mask, "masked_fill")
    check_masked_fill(t, mask, value)
    if isinstance(value, TensorBase):
        return E.MaskedFillTensor.apply(t, mask, value.to(t.dtype))
    value = as_operand(value, "masked_fill")
    if isinstance(value, TensorBase):  # an array: masked_fill takes a number or a 0-d tensor
        raise TypeError("masked_fill(): argument 'value' must be Number or a 0-d Tensor, not "
                        "an array")
    return E.MaskedFill.apply(t, mask, fitted(value, t._data.dtype))  # t keeps its dtype


def integer_division(t, other, ufunc, op, kernel, reverse=False):
    """floor_divide / remainder: no gradient, numpy's floor semantics (as torch's)."""
    a, b = promote(t, other, op)
    if a._data.dtype == np.bool_:
        raise not_implemented(kernel, np.bool_)
    x, y = (raw(b), a._data) if reverse else (a._data, raw(b))
    if a._data.dtype.kind in "iu" and not np.all(y):
        # numpy quietly gives 0 for an integer division by zero; torch raises
        raise RuntimeError(f"ZeroDivisionError ({op}: integer division by zero)")
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.asarray(ufunc(x, y)).astype(a._data.dtype, copy=False)
    if op == "floor_divide" and (STATE.enabled and (t._requires_grad or getattr(
            other, "_requires_grad", False))):
        # torch records it, with no derivative: backward raises instead of a silent zero
        return E.NoDerivative.apply(out, t, other, op)
    return _make(out)


def bitwise(t, other, ufunc, op):
    """&, |, ^ on bool and integer tensors."""
    a, b = promote(t, other, op)
    if a._data.dtype.kind not in "biu":
        raise not_implemented(f"{op}_cpu", a._data.dtype)
    return compare(a, b, ufunc, op)


def bool_pow(t, other):
    a, b = promote(t, other, "pow")
    if a._data.dtype != np.bool_:
        return a ** b
    if isinstance(b, TensorBase):
        raise not_implemented("pow", np.bool_)
    # x ** True = x and x ** False = 1 (True) for booleans
    return _make(t._data.copy() if b else np.ones_like(t._data))


_EXTREMUM = {"max": (R.MaxDim, R.MaxAll, maximum, _Max),
             "min": (R.MinDim, R.MinAll, minimum, _Min)}


def extremum(t, dim, keepdim, other, name):
    """max/min: over everything, over a dim ((values, indices)), or elementwise."""
    dim_fn, all_fn, pair_fn, result = _EXTREMUM[name]
    if isinstance(dim, TensorBase):
        return pair_fn(t, dim)
    if other is not None:
        return pair_fn(t, other)
    if dim is None:
        check_extremum_dims(t, None, name)
        return all_fn.apply(t, None, False)
    d = dim_arg(dim, t._data.ndim, name)
    if t._data.ndim == 0:
        return result(t.clone(), zeros((), dtype=_dtype.int64))
    check_extremum_dims(t, (d,), name)
    values, indices = dim_fn.apply(t, d, keepdim)
    return result(values, indices)


def arg_extremum(t, dim, keepdim, fn, op):
    """argmax/argmin (``fn`` is np.argmax/np.argmin): int64 indices, no gradient."""
    if t._data.dtype == np.bool_:
        raise RuntimeError(f"{op}(): does not support bool input")
    if t._data.size == 0 and dim is None:
        raise IndexError(f"{op}(): Expected reduction dim to be specified for "
                         "input.numel() == 0.")
    if dim is None:
        out = np.asarray(fn(t._data), dtype=np.int64)
        return _make(out.reshape((1,) * t._data.ndim) if keepdim else out)
    d = dim_arg(dim, t._data.ndim, op)
    if t._data.ndim == 0:
        return _make(np.zeros((), np.int64))
    check_extremum_dims(t, (d,), op)
    out = fn(t._data, axis=d, keepdims=keepdim)
    return _make(np.asarray(out, dtype=np.int64))


def norm(t, p, dim, keepdim, dims):
    """The vector p-norm; ``dims`` is ``dim`` normalised (for the p=2 primitive)."""
    if t._data.dtype.kind != "f":
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex "
                           "tensor as input. Got "
                           f"{TORCH_TYPE.get(t._data.dtype.name, t.dtype)}")
    if isinstance(p, str):
        if p != "fro":
            raise NotImplementedError(f"norm: p={p!r} is not implemented in tinytorch (p can "
                                      "be a number, inf, -inf or 'fro')")
        p = 2  # the Frobenius norm is the 2-norm of the elements
    if p == 2:
        return R.Norm2.apply(t, dims, keepdim)
    if p == 1:
        return t.abs().sum(dim, keepdim)
    if p == float("inf"):
        return t.abs().amax(() if dim is None else dim, keepdim)
    if p == -float("inf"):
        return t.abs().amin(() if dim is None else dim, keepdim)
    if p == 0:  # the number of nonzero elements (no gradient)
        return (t != 0).to(t.dtype).sum(dim, keepdim)
    return (t.abs() ** p).sum(dim, keepdim) ** (1.0 / p)


def split(t, split_size_or_sections, dim=0):
    """Pieces of ``t`` along ``dim``: views of it, of the given size(s)."""
    d = dim_arg(dim, t._data.ndim, "split")
    sizes = split_sizes(split_size_or_sections, t._data.shape[d], d)
    fn = S.SplitEqual if isinstance(split_size_or_sections, (builtins.int, np.integer)) \
        else S.Split
    outs = fn.apply(t, tuple(sizes), d)
    start = 0
    for o, n in zip(outs, sizes):
        piece = (slice(None),) * d + (slice(start, start + n), Ellipsis)
        view_of(t, o, lambda a, piece=piece: a[piece], multi=True)
        start += n
    return outs


def unbind(t, dim=0):
    d = dim_arg(dim, t._data.ndim, "unbind")
    outs = S.Unbind.apply(t, d)
    for k, o in enumerate(outs):
        piece = (slice(None),) * d + (k, Ellipsis)
        view_of(t, o, lambda a, piece=piece: a[piece], multi=True)
    return outs


def chunk(t, chunks, dim=0):
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    n = t._data.shape[dim_arg(dim, t._data.ndim, "chunk")]
    if n == 0:
        return t.split([0] * chunks, dim)  # torch hands back `chunks` empty pieces
    return t.split(-(-n // chunks), dim)  # pieces of ceil(n / chunks)


def transpose(t, dim0, dim1):
    """A view of ``t`` with two dims swapped."""
    n = t._data.ndim
    d0, d1 = dim_arg(dim0, n, "transpose"), dim_arg(dim1, n, "transpose")
    perm = list(range(n))
    if n >= 2:
        perm[d0], perm[d1] = perm[d1], perm[d0]
    perm = tuple(perm)
    return view_of(t, S.Transpose.apply(t, perm), lambda a: a.transpose(perm))


def squeeze(t, dim=None):
    """A view of ``t`` without its size-1 dims (only those among ``dim`` if given)."""
    shape = t._data.shape
    if dim is None:
        new = tuple(s for s in shape if s != 1)
    else:
        dims = dims_arg(dim, t._data.ndim, "squeeze") or ()
        new = tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))
    return view_of(t, S.Squeeze.apply(t, new), lambda a: a.reshape(new))


def flatten(t, start_dim=0, end_dim=-1):
    """``t`` with dims start_dim..end_dim merged into one (a view where possible)."""
    n = t._data.ndim
    if n == 0:
        return t.reshape(1)
    s, e = dim_arg(start_dim, n, "flatten"), dim_arg(end_dim, n, "flatten")
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return t  # nothing to flatten: torch hands back the tensor itself
    shape = t._data.shape
    if t._data.size:
        return t.reshape(shape[:s] + (-1,) + shape[e + 1:])
    return t.reshape(shape[:s] + (builtins.int(np.prod(shape[s:e + 1])),) + shape[e + 1:])


# --- makers of Tensor methods that differ only in the Function or ufunc they call -------
def _method(fn, name, doc):
    fn.__name__, fn.__qualname__ = name, f"Tensor.{name}"
    fn.__doc__ = doc
    return fn


def to_method(dt, name):
    return _method(lambda self: self.to(dt), name, f"``self.to(tinytorch.{dt.name})``")


def float_method(fn, name):
    """``fn`` on a float tensor; integer inputs compute in the default float dtype."""
    return _method(lambda self: fn.apply(floating(self)), name, f"{name}, elementwise")


def comparison_method(ufunc, op):
    return _method(lambda self, other: compare(self, other, ufunc, op), f"__{op}__",
                   f"``{op}``: a bool tensor, never recorded")


def bitwise_method(ufunc, op):
    return _method(lambda self, other: bitwise(self, other, ufunc, f"bitwise_{op}"),
                   f"__{op}__", f"``bitwise_{op}`` of bool or integer tensors")


def integer_division_method(ufunc, op, kernel, reverse=False):
    name = f"__{'r' if reverse else ''}{'floordiv' if ufunc is np.floor_divide else 'mod'}__"
    return _method(lambda self, other: integer_division(self, other, ufunc, op, kernel,
                                                        reverse),
                   name, f"``{op}`` with numpy's floor semantics (as torch's); no gradient")
