"""Tensor: the class and its method table.

A Tensor holds an ndarray (the private slot ``_data``; ``.data`` is a Tensor sharing it, as
in torch) and what autograd needs (``requires_grad``, ``grad``, ``grad_fn``; the slots are
``TensorBase``'s, in autograd/function.py).  Each method is short: it checks its arguments
(_checks.py), promotes its operands (_promotion.py) and calls one primitive Function
(functions/), or it is a short composite of other methods.  Longer composites and the free
functions with torch's names live in _ops.py, in-place ops and views in _inplace.py, and the
functions that create tensors in creation.py.
"""
import builtins

import numpy as np

from . import _dtype, _index, _numpy_protocol, _ops
from ._checks import (aliases, check_array_read, check_bool, check_float_kernel,
                      check_grad_assignment, check_index, check_invert, check_item,
                      check_mean_dtype, check_mT, check_neg,
                      check_not_bool_sub, check_numpy, check_repeat, check_requires_grad,
                      check_sized, check_t, correction_arg, dim_arg,
                      dims_arg, expand_sizes, infer_shape, not_implemented, permute_dims,
                      shape_args, warn_non_leaf_grad)
from . import (_compat, _decomp, _device, _indexing, _linalg, _math, _random_ops, _reductions,
               _shapes)
from ._dtype import FROM_NP
from ._inplace import copy_, inplace, random_fill, refresh_view, setitem, view_of
from ._ops import (bitwise_method, comparison_method, float_method, integer_division_method,
                   matmul, to_method, where)
from ._promotion import NUMBER, as_operand, binary, fitted
from .autograd import engine
from .autograd.function import TensorBase, _make
from .autograd.views import swap_storage
from .autograd.hooks import register_hook, retain_grad, retains_grad
from .autograd.grad_mode import STATE
from .creation import constructor_array, full, ones, tensor, zeros
from .functions import elementwise as E
from .functions import index as I
from .functions import random as RS
from .functions import reduce as R
from .functions import shape as S


class Size(tuple):
    """A tensor's shape: a tuple that prints like torch's."""

    __slots__ = ()

    def __repr__(self):
        return f"tinytorch.Size({list(self)})"

    # as torch's: slicing, concatenating and repeating a Size give a Size
    def __getitem__(self, i):
        out = tuple.__getitem__(self, i)
        return Size(out) if i.__class__ is slice else out

    def __add__(self, other):
        return Size(tuple.__add__(self, other))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))

    def __mul__(self, n):
        return Size(tuple.__mul__(self, n))

    __rmul__ = __mul__

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n


_add, _mul = E.Add.apply, E.Mul.apply


def is_tensor(x):
    return isinstance(x, Tensor)


class Tensor(TensorBase):
    """An n-dimensional array that can record the operations applied to it.

    >>> x = tinytorch.tensor([1.0, 2.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    tensor([2., 4.])
    """

    # the slots are TensorBase's: _data (the ndarray), _grad, _requires_grad, grad_fn,
    # _output_nr, _vc (the version counter, shared by a tensor and its views; see
    # autograd/views.py), _hooks and _view (for a view, a ViewInfo)
    __slots__ = ()

    def __init__(self, *args, requires_grad=False):
        self._data = constructor_array(args, Size)
        self._grad = None
        self._requires_grad = False
        self.grad_fn = None
        self._output_nr = 0
        self._vc = [0]
        self._hooks = None
        self._view = None
        if requires_grad:
            self.requires_grad_(True)

    # --- attributes ---------------------------------------------------------------
    @property
    def shape(self):
        return Size(self._data.shape)

    @property
    def ndim(self):
        return self._data.ndim

    def dim(self):
        return self._data.ndim

    @property
    def dtype(self):
        return FROM_NP[self._data.dtype]

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        check_requires_grad(self, flag, setter=True)
        self.requires_grad_(flag)

    @property
    def grad(self):
        """The gradient accumulated by backward (None until then); on a non-leaf only with
        ``retain_grad()`` (else a warning, as in torch)."""
        if self._grad is None and self.grad_fn is not None and not retains_grad(self):
            warn_non_leaf_grad()
        return self._grad

    @grad.setter
    def grad(self, value):
        check_grad_assignment(self, value)
        self._grad = value

    @property
    def _version(self):
        return self._vc[0]

    def is_floating_point(self):
        return self._data.dtype.kind == "f"

    def requires_grad_(self, requires_grad=True):
        check_requires_grad(self, requires_grad)
        if self.grad_fn is None:
            self._requires_grad = builtins.bool(requires_grad)
        return self

    def size(self, dim=None):
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[dim_arg(dim, self._data.ndim, "size")] if self._data.ndim \
            else 1

    def numel(self):
        return self._data.size

    nelement = numel

    def element_size(self):
        return self._data.itemsize

    def item(self):
        check_item(self)
        return self._data.item()

    def tolist(self):
        return self._data.tolist()

    def numpy(self, *, force=False):
        check_numpy(self, force)
        return self._data

    # numpy functions on Tensors run as tinytorch ops (see _numpy_protocol.py)
    __array_ufunc__ = _numpy_protocol.array_ufunc
    __array_function__ = _numpy_protocol.array_function

    def __array__(self, dtype=None, copy=None):
        check_array_read(self, STATE.graph_backward)
        return self._data if dtype is None else self._data.astype(dtype)

    @property
    def data(self):
        """A tensor sharing this one's memory that autograd does not track (as torch's
        ``.data``): in-place changes through it are not recorded, and it never requires grad.
        For the raw numpy array use ``.numpy()`` (``.detach().numpy()`` where grad is on)."""
        return _make(self._data)

    @data.setter
    def data(self, other):
        if not isinstance(other, Tensor):
            raise TypeError(f"data must be a Tensor, got {type(other).__name__}")
        if other._data is not self._data:
            swap_storage(self, other._data)

    def detach(self):
        t = _make(self._data)
        t._vc = self._vc
        return t

    def detach_(self):
        self.grad_fn = None
        self._requires_grad = False
        return self

    def retain_grad(self):
        retain_grad(self)

    retains_grad = property(retains_grad)
    register_hook = register_hook

    def clone(self):
        return E.Clone.apply(self)

    def contiguous(self, memory_format=None):
        """Self if its elements are already in row-major order, else a row-major copy (so
        that ``x.t().contiguous().view(-1)`` works, as in torch)."""
        return self if self._data.flags.c_contiguous else E.Clone.apply(self)

    def is_contiguous(self):
        return self._data.flags.c_contiguous

    def type_as(self, other):
        return self.to(other.dtype)

    float, double = to_method(_dtype.float32, "float"), to_method(_dtype.float64, "double")
    half, long = to_method(_dtype.float16, "half"), to_method(_dtype.int64, "long")
    int, bool = to_method(_dtype.int32, "int"), to_method(_dtype.bool, "bool")

    # --- Python protocol -----------------------------------------------------------
    def __len__(self):
        check_sized(self, "len() of")
        return self._data.shape[0]

    def __iter__(self):
        check_sized(self, "iteration over")
        return (self[i] for i in range(self._data.shape[0]))

    def __bool__(self):
        check_bool(self)
        return builtins.bool(self._data)

    def __float__(self):
        return builtins.float(self.item())

    def __int__(self):
        return builtins.int(self.item())

    def __index__(self):
        check_index(self)
        return builtins.int(self._data)

    __hash__ = object.__hash__

    def __repr__(self):
        from ._repr import tensor_repr
        return tensor_repr(self)

    def __format__(self, spec):
        if self._data.ndim == 0 and spec:
            return self.item().__format__(spec)
        return repr(self)

    # --- autograd --------------------------------------------------------------------
    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad``."""
        if gradient is None and inputs is None and not create_graph and self._requires_grad \
                and self._data.size == 1:
            # the usual loss.backward(): seed with 1 and run the engine directly (speed:
            # skips autograd.backward's argument handling; benchmarks/ops.py chain, ~1 µs)
            engine.run_backward([self], [np.ones(self._data.shape, self._data.dtype)],
                                retain_graph=builtins.bool(retain_graph))
            return
        from .autograd import backward
        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    # --- arithmetic -------------------------------------------------------------------
    def __add__(self, other):
        # speed: same-dtype tensors skip promotion (benchmarks/ops.py `+`: 2.9 -> 2.4 µs)
        if type(other) is Tensor and other._data.dtype is self._data.dtype:
            try:
                return _add(self, other)
            except ValueError:
                pass  # not broadcastable: binary() says so properly
        return binary(E.Add, self, other, "add")

    def __radd__(self, other):
        return binary(E.Add, self, other, "add", reverse=True)

    def __sub__(self, other):
        check_not_bool_sub(self, other, "sub")
        return binary(E.Sub, self, other, "sub")

    def __rsub__(self, other):
        check_not_bool_sub(self, other, "rsub")
        if isinstance(other, NUMBER):
            return binary(E.RSub, self, other, "rsub")
        return binary(E.Sub, self, other, "sub", reverse=True)

    def __mul__(self, other):
        # speed: as in __add__ (benchmarks/ops.py `*`: 2.8 -> 2.6 µs)
        if type(other) is Tensor and other._data.dtype is self._data.dtype:
            try:
                return _mul(self, other)
            except ValueError:
                pass  # not broadcastable: binary() says so properly
        return binary(E.Mul, self, other, "mul")

    def __rmul__(self, other):
        return binary(E.Mul, self, other, "mul", reverse=True)

    def __truediv__(self, other):
        return binary(E.Div, self, other, "div", true_div=True)

    def __rtruediv__(self, other):
        return binary(E.Div, self, other, "div", reverse=True, true_div=True)

    def __pow__(self, other):
        if self._data.dtype == np.bool_:
            return _ops.bool_pow(self, other)
        if isinstance(other, NUMBER):
            if self._data.dtype.kind in "iu" and isinstance(other, builtins.int) and other < 0:
                raise RuntimeError("pow: Integers to negative integer powers are not allowed.")
            return binary(E.PowScalar, self, other, "pow")
        return binary(E.Pow, self, other, "pow")

    def __rpow__(self, other):
        if self._data.dtype == np.bool_ and isinstance(other, (builtins.bool, np.bool_)):
            raise not_implemented("pow", np.bool_)
        if isinstance(other, NUMBER):
            return binary(E.RPowScalar, self, other, "pow")
        return binary(E.Pow, self, other, "pow", reverse=True)

    def __matmul__(self, other):
        return matmul(self, other)

    def __rmatmul__(self, other):
        return matmul(as_operand(other, "matmul"), self)

    def __neg__(self):
        check_neg(self)
        return E.Neg.apply(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return self.abs()

    __floordiv__ = integer_division_method(np.floor_divide, "floor_divide", "div_floor_cpu")
    __rfloordiv__ = integer_division_method(np.floor_divide, "floor_divide", "div_floor_cpu", True)
    def __mod__(self, other):
        return _math.remainder(self, other)

    def __rmod__(self, other):
        return _math.remainder(other, self)

    floor_divide = __floordiv__

    def __iadd__(self, other):
        return self.add_(other)

    def __isub__(self, other):
        return self.sub_(other)

    def __imul__(self, other):
        return self.mul_(other)

    def __itruediv__(self, other):
        return self.div_(other)

    __eq__, __ne__ = comparison_method(np.equal, "eq"), comparison_method(np.not_equal, "ne")
    __lt__, __le__ = comparison_method(np.less, "lt"), comparison_method(np.less_equal, "le")
    __gt__, __ge__ = comparison_method(np.greater, "gt"), comparison_method(np.greater_equal, "ge")
    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__

    __and__, __or__ = bitwise_method(np.bitwise_and, "and"), bitwise_method(np.bitwise_or, "or")
    __xor__ = bitwise_method(np.bitwise_xor, "xor")

    __rand__, __ror__, __rxor__ = __and__, __or__, __xor__

    def __invert__(self):
        check_invert(self)
        return _make(np.invert(self._data))

    def logical_not(self):
        return _make(np.logical_not(self._data))

    def add(self, other, alpha=1):
        return _ops.add(self, other, alpha)

    def sub(self, other, alpha=1):
        return _ops.sub(self, other, alpha)

    def mul(self, other):
        return self * other

    def div(self, other):
        return self / other

    def pow(self, exponent):
        return self ** exponent

    def neg(self):
        return -self

    multiply, divide, subtract, true_divide = mul, div, sub, div

    def maximum(self, other):
        return binary(E.Maximum, self, other, "maximum")

    def minimum(self, other):
        return binary(E.Minimum, self, other, "minimum")

    def where(self, condition, other):
        return where(condition, self, other)

    def masked_fill(self, mask, value):
        return _ops.masked_fill(self, mask, value)

    def clamp(self, min=None, max=None):
        return _ops.clamp(self, min, max)

    clip = clamp

    # --- math ------------------------------------------------------------------------
    exp, log = float_method(E.Exp, "exp"), float_method(E.Log, "log")
    log1p, sqrt = float_method(E.Log1p, "log1p"), float_method(E.Sqrt, "sqrt")
    rsqrt = float_method(E.Rsqrt, "rsqrt")
    sin, cos = float_method(E.Sin, "sin"), float_method(E.Cos, "cos")
    tanh, sigmoid = float_method(E.TanhFunction, "tanh"), float_method(E.SigmoidFunction, "sigmoid")

    def abs(self):
        if self._data.dtype == np.bool_:
            raise not_implemented("abs_cpu", np.bool_)
        return E.Abs.apply(self)

    def sign(self):
        if self._data.dtype == np.bool_:
            return _make(self._data.copy())
        return E.Sign.apply(self)

    def relu(self):
        if self._data.dtype.kind == "b":
            raise RuntimeError("relu: Boolean inputs not supported for relu")
        return E.ReluFunction.apply(self)

    def square(self):
        return self ** 2

    # --- reductions -----------------------------------------------------------------
    def sum(self, dim=None, keepdim=False, dtype=None, *, axis=None, keepdims=None):
        dim, keepdim = aliases(dim, keepdim, axis, keepdims, "sum")
        x = self if dtype is None else self.to(dtype)
        if dim is None and not keepdim:
            return R.SumAll.apply(x, None, False)
        return R.Sum.apply(x, dims_arg(dim, self._data.ndim, "sum"), keepdim)

    def mean(self, dim=None, keepdim=False, dtype=None, *, axis=None, keepdims=None):
        dim, keepdim = aliases(dim, keepdim, axis, keepdims, "mean")
        x = self if dtype is None else self.to(dtype)
        check_mean_dtype(x)
        if dim is None and not keepdim:
            return R.MeanAll.apply(x, None, False)
        return R.Mean.apply(x, dims_arg(dim, self._data.ndim, "mean"), keepdim)

    def max(self, dim=None, keepdim=False, other=None, *, axis=None, keepdims=None):
        dim, keepdim = aliases(dim, keepdim, axis, keepdims, "max")
        return _ops.extremum(self, dim, keepdim, other, "max")

    def min(self, dim=None, keepdim=False, other=None, *, axis=None, keepdims=None):
        dim, keepdim = aliases(dim, keepdim, axis, keepdims, "min")
        return _ops.extremum(self, dim, keepdim, other, "min")

    # amax amin argmax argmin logsumexp norm all any: _reductions.METHODS

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None,
            keepdims=None):
        """Variance: Σ(x - x̄)² / (n - correction); ``correction=1`` (unbiased) by default."""
        if isinstance(dim, builtins.bool):  # torch's var(unbiased) overload
            dim, unbiased = None, dim
        dim, keepdim = aliases(dim, keepdim, axis, keepdims, "var")
        correction = correction_arg(unbiased, correction, self, "var")
        return R.Var.apply(self, dims_arg(dim, self._data.ndim, "var"), correction, keepdim)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None,
            keepdims=None):
        """Standard deviation: √var (same arguments as ``var``)."""
        if isinstance(dim, builtins.bool):
            dim, unbiased = None, dim
        dim, keepdim = aliases(dim, keepdim, axis, keepdims, "std")
        correction = correction_arg(unbiased, correction, self, "std")
        return R.Std.apply(self, dims_arg(dim, self._data.ndim, "std"), correction, keepdim)

    def softmax(self, dim, dtype=None):
        x = self if dtype is None else self.to(dtype)
        check_float_kernel(x, "softmax_lastdim_kernel_impl")
        return R.SoftmaxFunction.apply(x, dim_arg(dim, self._data.ndim, "softmax"))

    def log_softmax(self, dim, dtype=None):
        x = self if dtype is None else self.to(dtype)
        check_float_kernel(x, "log_softmax_lastdim_kernel_impl")
        return R.LogSoftmaxFunction.apply(x, dim_arg(dim, self._data.ndim, "log_softmax"))

    # --- matmul --------------------------------------------------------------------------
    def matmul(self, other):
        return matmul(self, other)

    def mm(self, mat2):
        return _ops.mm(self, mat2)

    def bmm(self, mat2):
        return _ops.bmm(self, mat2)

    def mv(self, vec):
        return _ops.mv(self, vec)

    def dot(self, tensor):
        return _ops.dot(self, tensor)

    # --- shape: views of self (see _inplace.view_of) -------------------------------------
    def reshape(self, *shape):
        shape = infer_shape(shape_args(shape, "reshape"), self._data.size)
        return view_of(self, S.Reshape.apply(self, shape), lambda a: a.reshape(shape),
                       check=True)

    # view (shapes and dtypes) is in _shapes.py's table

    def view_as(self, other):
        return self.view(other._data.shape)

    def reshape_as(self, other):
        return self.reshape(other._data.shape)

    def permute(self, *dims):
        dims = permute_dims(shape_args(dims, "permute"), self._data.ndim)
        return view_of(self, S.Permute.apply(self, dims), lambda a: a.transpose(dims))

    def transpose(self, dim0, dim1):
        return _ops.transpose(self, dim0, dim1)

    swapaxes = swapdims = transpose

    def t(self):
        check_t(self)
        perm = tuple(range(self._data.ndim))[::-1]
        return view_of(self, S.T.apply(self, perm), lambda a: a.transpose(perm))

    @property
    def T(self):
        n = self._data.ndim
        return self.permute(tuple(range(n - 1, -1, -1))) if n >= 2 else self.transpose(0, -1)

    @property
    def mT(self):
        check_mT(self)
        return self.transpose(-2, -1)

    def squeeze(self, dim=None):
        return _ops.squeeze(self, dim)

    def unsqueeze(self, dim):
        d = dim_arg(dim, self._data.ndim + 1, "unsqueeze")
        new = self._data.shape[:d] + (1,) + self._data.shape[d:]
        return view_of(self, S.Unsqueeze.apply(self, new), lambda a: a.reshape(new))

    def flatten(self, start_dim=0, end_dim=-1):
        return _ops.flatten(self, start_dim, end_dim)

    def unflatten(self, dim, sizes):
        d = dim_arg(dim, self._data.ndim, "unflatten")
        shape = self._data.shape
        return self.reshape(shape[:d] + infer_shape(tuple(sizes), shape[d]) + shape[d + 1:])

    def expand(self, *sizes):
        if not sizes:
            raise TypeError('expand() missing 1 required positional arguments: "size"')
        target = expand_sizes(shape_args(sizes, "expand"), self._data.shape)
        return view_of(self, S.Expand.apply(self, target))

    def expand_as(self, other):
        return self.expand(other._data.shape)

    def repeat(self, *sizes):
        sizes = shape_args(sizes, "repeat")
        check_repeat(sizes, self._data.ndim)
        return S.Repeat.apply(self, sizes)

    def split(self, split_size_or_sections, dim=0):
        return _ops.split(self, split_size_or_sections, dim)

    def chunk(self, chunks, dim=0):
        return _ops.chunk(self, chunks, dim)

    def unbind(self, dim=0):
        return _ops.unbind(self, dim)

    # --- indexing --------------------------------------------------------------------
    def __getitem__(self, idx):
        if isinstance(idx, Tensor) and idx._data.ndim == 1 and idx._data.dtype == np.int64 \
                and self._data.ndim:
            # fast path for the commonest pattern: rows picked by an index tensor
            # (mini-batches, embeddings); benchmarks/mlp.py: 8.4 -> 5.4 µs per batch index
            try:
                return I.GetItem.apply(self, idx._data)
            except IndexError:
                pass  # torch's checks below say why
        shape = self._data.shape
        key = _index.key(idx, shape)
        try:
            out = I.getitem_function(key).apply(self, key)
        except IndexError:  # numpy refused: torch's own reading gives its error (or a key)
            key = _index.key(idx, shape, strict=True)
            out = I.getitem_function(key).apply(self, key)
        if I.is_basic(key):
            view_of(self, out, lambda a: a[key])
        return out

    def __setitem__(self, idx, value):
        setitem(self, idx, value)

    # --- in place (see _inplace.py) ----------------------------------------------------
    _inplace = inplace  # self._inplace(compute, op)
    _refresh_view = refresh_view  # called by Function.apply on a view whose memory changed

    def add_(self, other, alpha=1):
        return inplace(self, lambda: self.add(other, alpha), "add_")

    def sub_(self, other, alpha=1):
        return inplace(self, lambda: self.sub(other, alpha), "sub_")

    def mul_(self, other):
        return inplace(self, lambda: self * other, "mul_")

    def div_(self, other):
        return inplace(self, lambda: self / other, "div_")

    def pow_(self, exponent):
        return inplace(self, lambda: self ** exponent, "pow_")

    def clamp_(self, min=None, max=None):
        return inplace(self, lambda: self.clamp(min, max), "clamp_")

    clip_ = clamp_

    def masked_fill_(self, mask, value):
        return inplace(self, lambda: self.masked_fill(mask, value), "masked_fill_")

    def fill_(self, value):
        value = as_operand(value, "fill_")
        if not isinstance(value, Tensor):
            value = fitted(value, self._data.dtype)  # it must fit the dtype, as in torch
        return inplace(self, lambda: E.Fill.apply(self, value), "fill_")

    def zero_(self):
        return self.fill_(0)

    copy_ = copy_

    def uniform_(self, a=0.0, b=1.0, generator=None):
        return random_fill(self, "uniform", (a, b), generator, "check_uniform_bounds",
                           "uniform_", RS.Uniform)

    def normal_(self, mean=0.0, std=1.0, generator=None):
        return random_fill(self, "normal", (mean, std), generator, "normal_kernel_cpu",
                           "normal_", RS.Normal)

    # --- new tensors like this one ------------------------------------------------------
    def new_tensor(self, data, dtype=None, requires_grad=False):
        return tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_zeros(self, *size, dtype=None):
        return zeros(*size, dtype=dtype or self.dtype)

    def new_ones(self, *size, dtype=None):
        return ones(*size, dtype=dtype or self.dtype)

    def new_full(self, size, fill_value, dtype=None):
        return full(size, fill_value, dtype=dtype or self.dtype)


# the op families kept in modules of their own list their Tensor methods in a table
def _add_methods(*families):
    for family in families:
        for name, fn in family.METHODS.items():
            setattr(Tensor, name, fn)


_add_methods(_math, _reductions, _shapes, _indexing, _linalg, _decomp, _random_ops, _device,
             _compat)
