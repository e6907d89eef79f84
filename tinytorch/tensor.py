"""Tensor: an ndarray (``data``) plus what autograd needs (``requires_grad``, ``grad``,
``grad_fn``).  Every differentiable method below calls one primitive Function
(tinytorch/functions/) or is a short composite of them."""
import builtins
import re
import weakref

import numpy as np

from . import _dtype, _numpy_protocol
from ._dtype import FROM_NP, result_type
from .autograd import engine
from .autograd.function import TensorBase, _make
from .autograd.views import ViewInfo
from .autograd.grad_mode import STATE
from .functions import elementwise as E
from .functions import index as I
from .functions import linalg as L
from .functions import reduce as R
from .functions import shape as S

_NUMBER = (builtins.int, builtins.float, builtins.bool)


class Size(tuple):
    """A tensor's shape: a tuple that prints like torch's."""

    __slots__ = ()

    def __repr__(self):
        return f"tinytorch.Size({list(self)})"

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n


def _dim(d, ndim, op="dim"):
    """Check one dim against ndim and make it non-negative (0-d tensors accept -1 and 0)."""
    n = max(ndim, 1)
    if not isinstance(d, (builtins.int, np.integer)) or isinstance(d, builtins.bool):
        raise TypeError(f"{op}: dim must be an int, got {type(d).__name__}")
    if d < -n or d >= n:
        raise IndexError(f"{op}: Dimension out of range (expected to be in range of "
                         f"[{-n}, {n - 1}], but got {d})")
    return builtins.int(d % n)


def _aliases(dim, keepdim, axis, keepdims, op):
    """numpy's ``axis``/``keepdims``, which torch accepts as aliases of ``dim``/``keepdim``."""
    if axis is not None:
        if dim is not None:
            raise TypeError(f"{op}() got multiple values for argument 'dim' (as 'axis')")
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    return dim, keepdim


def _dims(dim, ndim, op):
    """Normalise ``dim`` (None, int or sequence) to None or a sorted tuple of axes."""
    if dim is None:
        return None
    if isinstance(dim, (tuple, list)):
        if len(dim) == 0:
            return None
        axes = tuple(sorted(_dim(d, ndim, op) for d in dim))
        if len(set(axes)) != len(axes):
            raise RuntimeError(f"{op}: dim {tuple(dim)} appears multiple times in the list "
                               "of dims")
    else:
        axes = (_dim(dim, ndim, op),)
    if ndim == 0:
        return None
    return axes


def _shape_args(args, op, sizes=False):
    """Accept f(2, 3), f((2, 3)), f([2, 3]) or f(Size) like torch.

    With ``sizes`` the numbers are sizes of a new tensor and must be >= 0 (reshape and
    expand accept -1)."""
    if len(args) == 1 and isinstance(args[0], (tuple, list, Size)):
        args = tuple(args[0])
    out = []
    for a in args:
        if isinstance(a, Tensor):
            a = a.item()
        if not isinstance(a, (builtins.int, np.integer)) or isinstance(a, builtins.bool):
            raise TypeError(f"{op}: sizes must be ints, got {type(a).__name__} ({a!r})")
        if sizes and a < 0:
            raise RuntimeError(f"{op}: Dimension size must be non-negative, got size "
                               f"{list(args)}")
        out.append(builtins.int(a))
    return tuple(out)


_TORCH_TYPE = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
               "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def _not_implemented(kernel, npd):
    """torch's error for an op that has no kernel for a dtype (a RuntimeError subclass)."""
    return NotImplementedError(f'"{kernel}" not implemented for '
                               f"'{_TORCH_TYPE.get(np.dtype(npd).name, npd)}'")


def _check_not_bool_sub(a, b, op):
    """torch refuses ``-`` on bools: it would read as 'invert the mask'."""
    if a._data.dtype == np.bool_ or (b._data.dtype == np.bool_ if isinstance(b, Tensor)
                                    else isinstance(b, (builtins.bool, np.bool_))):
        raise RuntimeError(f"{op}: Subtraction, the `-` operator, with a bool tensor is not "
                           "supported. If you are trying to invert a mask, use the `~` or "
                           "`logical_not()` operator instead.")


def _broadcast_error(op, sa, sb):
    a, b = list(sa), list(sb)
    n = max(len(a), len(b))
    a = [1] * (n - len(a)) + a
    b = [1] * (n - len(b)) + b
    for i in range(n - 1, -1, -1):
        if a[i] != b[i] and a[i] != 1 and b[i] != 1:
            return RuntimeError(f"{op}: The size of tensor a ({a[i]}) must match the size of "
                                f"tensor b ({b[i]}) at non-singleton dimension {i} "
                                f"(shapes {list(sa)} and {list(sb)})")
    return None


def _cast(t, np_dtype):
    if t._requires_grad and STATE.enabled:
        return E.ToDtype.apply(t, np_dtype)
    return _make(t._data.astype(np_dtype))


def _as_operand(x, op):
    """A Tensor or Python number for a binary op; lists/ndarrays become tensors."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, _NUMBER):
        return x
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, (np.ndarray, list, tuple)):
        return tensor(x)
    raise TypeError(f"{op}: unsupported operand type {type(x).__name__}")


def _promote(a, b, op, true_div=False):
    """Apply torch's promotion rules: cast the operands to the result dtype."""
    b = _as_operand(b, op)
    ad = a._data
    if isinstance(b, Tensor):
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
        a = _cast(a, dt)
    if isinstance(b, Tensor) and b._data.dtype != dt:
        b = _cast(b, dt)
    return a, b


def _binary(fn, a, b, op, reverse=False, true_div=False):
    ad = a._data.dtype
    if isinstance(b, Tensor):
        if b._data.dtype is not ad or (true_div and ad.kind != "f"):
            a, b = _promote(a, b, op, true_div)
    elif type(b) is not builtins.float or ad.kind != "f":
        a, b = _promote(a, b, op, true_div)
    try:
        return fn.apply(b, a) if reverse else fn.apply(a, b)
    except ValueError as e:
        if isinstance(b, Tensor):
            err = _broadcast_error(op, a._data.shape, b._data.shape)
            if err is not None:
                raise err from None
        raise RuntimeError(f"{op}: {e}") from None


def _compare(a, b, ufunc, op):
    if b is None or (op in ("eq", "ne") and isinstance(b, (str, bytes, dict, set))):
        # torch: `t == "a"` is simply False (and `t != "a"` True)
        return op == "ne"
    a, b = _promote(a, b, op)
    bd = b._data if isinstance(b, Tensor) else b
    try:
        return _make(np.asarray(ufunc(a._data, bd)))
    except ValueError:
        err = _broadcast_error(op, a._data.shape, np.shape(bd))
        if err is not None:
            raise err from None
        raise


def _index(idx):
    """Turn a torch index into a numpy one (or a two-step one, see index.split_selects).

    A basic index gets a trailing ``...``: numpy then returns a view even when every dim
    is indexed by an int (x[0] of a vector is a 0-d view, not a detached scalar)."""
    idx = tuple(_index_item(i) for i in idx) if isinstance(idx, tuple) else \
        (_index_item(idx),)
    if I.is_basic(idx):
        return idx if Ellipsis in idx else idx + (Ellipsis,)
    return I.split_selects(idx) if len(idx) > 1 else idx[0]


def _index_item(i):
    if isinstance(i, Tensor):
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


def _index_error(e, shape=None, idx=None):
    msg = str(e)
    m = re.search(r"along axis (\d+); size of axis is (\d+) but size of corresponding "
                  r"boolean axis is (\d+)", msg)
    if m is not None and shape is not None:
        # numpy's words for a bool mask of the wrong shape -> torch's
        items = idx if isinstance(idx, tuple) else (idx,)
        if isinstance(idx, I.Steps):  # the mask indexes what the first step selected
            items, shape = idx[1], np.broadcast_to(0, shape)[idx[0]].shape
        mask = next((i for i in items if isinstance(i, np.ndarray) and i.dtype == np.bool_),
                    None)
        mshape = list(mask.shape) if mask is not None else "?"
        d, n, k = m.groups()
        return IndexError(f"index: The shape of the mask {mshape} does not match the shape "
                          f"of the indexed tensor {list(shape)} (a boolean index of size {k} "
                          f"at dimension {d}, where the tensor has size {n})")
    msg = msg.replace("axis", "dimension").replace("array", "tensor")
    return IndexError(f"index: {msg}")


_add, _mul = E.Add.apply, E.Mul.apply


class Tensor(TensorBase):
    """An n-dimensional array that can record the operations applied to it.

    >>> x = tinytorch.tensor([1.0, 2.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    tensor([2., 4.])
    """

    # _vc: the version counter, one list shared by a tensor and all its views;
    # _view: for a view, a ViewInfo (autograd/views.py); the slots are TensorBase's
    __slots__ = ()
    __array_priority__ = 1000  # ndarray (op) Tensor defers to Tensor's reflected op

    def __init__(self, *args, requires_grad=False):
        # torch.Tensor(data) always builds a default-dtype (float32) tensor, and
        # torch.Tensor(2, 3) an uninitialised one of that shape (zeros here)
        data = args[0] if len(args) == 1 else []
        if len(args) > 1 or isinstance(data, Size) or (
                isinstance(data, (builtins.int, np.integer)) and not isinstance(data, bool)):
            data = np.zeros(_shape_args(args, "Tensor", sizes=True))
        elif isinstance(data, Tensor):
            data = data._data
        self._data = np.array(data, dtype=_dtype.get_default_dtype().np)
        self.grad = None
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
    def device(self):
        return "cpu"

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        if self.grad_fn is not None and not flag:
            raise RuntimeError("you can only change requires_grad flags of leaf variables. If "
                               "you want to use a computed variable in a subgraph that doesn't "
                               "require differentiation use var_no_grad = var.detach().")
        self.requires_grad_(flag)

    @property
    def _version(self):
        return self._vc[0]

    def is_floating_point(self):
        return self._data.dtype.kind == "f"

    def requires_grad_(self, requires_grad=True):
        if requires_grad and self._data.dtype.kind != "f":
            raise RuntimeError("only floating point tensors can require gradients "
                               f"(this tensor has dtype {self.dtype})")
        if self.grad_fn is not None:
            if not requires_grad:
                raise RuntimeError("you can only change requires_grad flags of leaf "
                                   "variables.")
            return self
        self._requires_grad = builtins.bool(requires_grad)
        return self

    def size(self, dim=None):
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_dim(dim, self._data.ndim, "size")] if self._data.ndim else 1

    def numel(self):
        return self._data.size

    nelement = numel

    def element_size(self):
        return self._data.itemsize

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted "
                               "to Scalar")
        return self._data.item()

    def tolist(self):
        return self._data.tolist()

    def numpy(self, *, force=False):
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        return self._data

    # numpy functions on Tensors run as tinytorch ops (see _numpy_protocol.py)
    __array_ufunc__ = _numpy_protocol.array_ufunc
    __array_function__ = _numpy_protocol.array_function

    def __array__(self, dtype=None, copy=None):
        if STATE.graph_backward and self._requires_grad:
            raise TypeError("a Tensor with history was read as a numpy array inside a "
                            "create_graph backward: that would cut the graph (a backward "
                            "formula must use operators and numpy functions that Tensors "
                            "support, see _numpy_protocol.py)")
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
        self._data = other._data

    def detach(self):
        t = _make(self._data)
        t._vc = self._vc
        return t

    def detach_(self):
        self.grad_fn = None
        self._requires_grad = False
        return self

    def retain_grad(self):
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None:
            return
        node = self.grad_fn
        if node._retained is None:
            node._retained = {}
        node._retained[self._output_nr] = weakref.ref(self)

    @property
    def retains_grad(self):
        node = self.grad_fn
        return node is not None and node._retained is not None \
            and self._output_nr in node._retained

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is computed; it may return a
        replacement gradient."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require "
                               "gradient")
        if self.grad_fn is None:
            if self._hooks is None:
                self._hooks = []
            self._hooks.append(hook)
            return _HookHandle(self._hooks, hook)
        node = self.grad_fn
        if node._hooks is None:
            node._hooks = {}
        hooks = node._hooks.setdefault(self._output_nr, [])
        hooks.append(hook)
        return _HookHandle(hooks, hook)

    def clone(self):
        return E.Clone.apply(self)

    def contiguous(self, memory_format=None):
        """Self if its elements are already in row-major order, else a row-major copy (so
        that ``x.t().contiguous().view(-1)`` works, as in torch)."""
        if self._data.flags.c_contiguous:
            return self
        return E.Clone.apply(self)  # ndarray.copy() is row-major

    def is_contiguous(self):
        return self._data.flags.c_contiguous

    def cpu(self):
        return self

    def to(self, *args, **kwargs):
        """``to(dtype)``; a device of "cpu" is accepted and ignored."""
        dt = kwargs.get("dtype")
        for a in args:
            if isinstance(a, Tensor):
                dt = a.dtype
            elif isinstance(a, str) and a.startswith("cpu"):
                continue
            elif a is not None:
                dt = a
        if dt is None:
            return self
        dt = _dtype.to_dtype(dt)
        if dt.np == self._data.dtype:
            return self
        return _cast(self, dt.np)

    def type(self, dtype=None):
        if dtype is None:
            return f"tinytorch.{_TYPE_NAMES.get(self._data.dtype, 'Tensor')}"
        return self.to(dtype)

    def type_as(self, other):
        return self.to(other.dtype)

    def float(self):
        return self.to(_dtype.float32)

    def double(self):
        return self.to(_dtype.float64)

    def half(self):
        return self.to(_dtype.float16)

    def long(self):
        return self.to(_dtype.int64)

    def int(self):
        return self.to(_dtype.int32)

    def bool(self):
        return self.to(_dtype.bool)

    # --- Python protocol -----------------------------------------------------------
    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with more than one value is "
                               f"ambiguous (shape {list(self._data.shape)})")
        return builtins.bool(self._data)

    def __float__(self):
        return builtins.float(self.item())

    def __int__(self):
        return builtins.int(self.item())

    def __index__(self):
        if self._data.dtype.kind not in "iu" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
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
            # the usual loss.backward(): seed with 1 and run the engine directly
            engine.run_backward([self], [np.ones(self._data.shape, self._data.dtype)],
                                retain_graph=builtins.bool(retain_graph))
            return
        from .autograd import backward
        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    # --- arithmetic -------------------------------------------------------------------
    def __add__(self, other):
        if type(other) is Tensor and other._data.dtype is self._data.dtype:
            try:
                return _add(self, other)
            except ValueError:
                pass  # not broadcastable: _binary says so properly
        return _binary(E.Add, self, other, "add")

    def __radd__(self, other):
        return _binary(E.Add, self, other, "add", reverse=True)

    def __sub__(self, other):
        _check_not_bool_sub(self, other, "sub")
        return _binary(E.Sub, self, other, "sub")

    def __rsub__(self, other):
        _check_not_bool_sub(self, other, "rsub")
        if isinstance(other, _NUMBER):
            return _binary(E.RSub, self, other, "rsub")
        return _binary(E.Sub, self, other, "sub", reverse=True)

    def __mul__(self, other):
        if type(other) is Tensor and other._data.dtype is self._data.dtype:
            try:
                return _mul(self, other)
            except ValueError:
                pass  # not broadcastable: _binary says so properly
        return _binary(E.Mul, self, other, "mul")

    def __rmul__(self, other):
        return _binary(E.Mul, self, other, "mul", reverse=True)

    def __truediv__(self, other):
        return _binary(E.Div, self, other, "div", true_div=True)

    def __rtruediv__(self, other):
        return _binary(E.Div, self, other, "div", reverse=True, true_div=True)

    def __pow__(self, other):
        if self._data.dtype == np.bool_:
            return self._bool_pow(other)
        if isinstance(other, _NUMBER):
            if self._data.dtype.kind in "iu" and isinstance(other, builtins.int) and other < 0:
                raise RuntimeError("pow: Integers to negative integer powers are not allowed.")
            return _binary(E.PowScalar, self, other, "pow")
        return _binary(E.Pow, self, other, "pow")

    def __rpow__(self, other):
        if self._data.dtype == np.bool_ and isinstance(other, (builtins.bool, np.bool_)):
            raise _not_implemented("pow", np.bool_)
        if isinstance(other, _NUMBER):
            return _binary(E.RPowScalar, self, other, "pow")
        return _binary(E.Pow, self, other, "pow", reverse=True)

    def _bool_pow(self, other):
        a, b = _promote(self, other, "pow")
        if a._data.dtype != np.bool_:
            return a ** b
        if isinstance(b, Tensor):
            raise _not_implemented("pow", np.bool_)
        # x ** True = x and x ** False = 1 (True) for booleans
        return _make(self._data.copy() if b else np.ones_like(self._data))

    def __matmul__(self, other):
        return matmul(self, other)

    def __rmatmul__(self, other):
        return matmul(_as_operand(other, "matmul"), self)

    def __neg__(self):
        if self._data.dtype == np.bool_:
            raise RuntimeError("neg: Negation, the `-` operator, on a bool tensor is not "
                               "supported. If you are trying to invert a mask, use the `~` or "
                               "`logical_not()` operator instead.")
        return E.Neg.apply(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return self.abs()

    def _integer_op(self, other, ufunc, op, kernel, reverse=False):
        """floor_divide / remainder: no gradient, numpy's floor semantics (as torch's)."""
        a, b = _promote(self, other, op)
        if a._data.dtype == np.bool_:
            raise _not_implemented(kernel, np.bool_)
        x, y = (_raw(b), a._data) if reverse else (a._data, _raw(b))
        if a._data.dtype.kind in "iu" and not np.all(y):
            # numpy quietly gives 0 for an integer division by zero; torch raises
            raise RuntimeError(f"ZeroDivisionError ({op}: integer division by zero)")
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.asarray(ufunc(x, y))
        return _make(out.astype(a._data.dtype, copy=False))

    def __floordiv__(self, other):
        return self._integer_op(other, np.floor_divide, "floor_divide", "div_floor_cpu")

    def __rfloordiv__(self, other):
        return self._integer_op(other, np.floor_divide, "floor_divide", "div_floor_cpu",
                                reverse=True)

    def __mod__(self, other):
        return self._integer_op(other, np.mod, "remainder", "remainder_cpu")

    def __rmod__(self, other):
        return self._integer_op(other, np.mod, "remainder", "remainder_cpu", reverse=True)

    floor_divide, remainder = __floordiv__, __mod__

    def __iadd__(self, other):
        return self.add_(other)

    def __isub__(self, other):
        return self.sub_(other)

    def __imul__(self, other):
        return self.mul_(other)

    def __itruediv__(self, other):
        return self.div_(other)

    def __eq__(self, other):
        return _compare(self, other, np.equal, "eq")

    def __ne__(self, other):
        return _compare(self, other, np.not_equal, "ne")

    def __lt__(self, other):
        return _compare(self, other, np.less, "lt")

    def __le__(self, other):
        return _compare(self, other, np.less_equal, "le")

    def __gt__(self, other):
        return _compare(self, other, np.greater, "gt")

    def __ge__(self, other):
        return _compare(self, other, np.greater_equal, "ge")

    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__

    def _logical(self, other, ufunc, op):
        a, b = _promote(self, other, op)
        if a._data.dtype.kind not in "biu":
            raise _not_implemented(f"{op}_cpu", a._data.dtype)
        return _compare(a, b, ufunc, op)

    def __and__(self, other):
        return self._logical(other, np.bitwise_and, "bitwise_and")

    def __or__(self, other):
        return self._logical(other, np.bitwise_or, "bitwise_or")

    def __xor__(self, other):
        return self._logical(other, np.bitwise_xor, "bitwise_xor")

    __rand__, __ror__, __rxor__ = __and__, __or__, __xor__

    def __invert__(self):
        if self._data.dtype.kind not in "biu":
            raise TypeError("~ (operator.invert) is only implemented on integer and "
                            f"Boolean-type tensors, not {self.dtype}")
        return _make(np.invert(self._data))

    def logical_not(self):
        return _make(np.logical_not(self._data))

    def add(self, other, alpha=1):
        if alpha != 1:
            other = other * alpha
        return self + other

    def sub(self, other, alpha=1):
        if alpha != 1:
            other = other * alpha
        return self - other

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
        return _binary(E.Maximum, self, other, "maximum")

    def minimum(self, other):
        return _binary(E.Minimum, self, other, "minimum")

    def where(self, condition, other):
        return where(condition, self, other)

    def masked_fill(self, mask, value):
        mask = _bool_mask(mask, "masked_fill")
        if isinstance(value, Tensor) and value._data.ndim != 0:
            raise RuntimeError("masked_fill only supports a 0-dimensional value tensor, but "
                               f"got tensor with {value._data.ndim} dimension(s).")
        try:
            np.broadcast_shapes(mask._data.shape, self._data.shape)
        except ValueError:
            raise _broadcast_error("masked_fill", mask._data.shape, self._data.shape) from None
        if isinstance(value, Tensor):
            return E.MaskedFillTensor.apply(self, mask, value.to(self.dtype))
        value = _as_operand(value, "masked_fill")
        if self._data.dtype.kind in "biu" and isinstance(value, builtins.float):
            value = builtins.int(value)  # the tensor keeps its dtype: the value is cast
        return E.MaskedFill.apply(self, mask, value)

    def clamp(self, min=None, max=None):
        if min is None and max is None:
            raise RuntimeError("clamp: At least one of 'min' or 'max' must not be None")
        if isinstance(min, Tensor) or isinstance(max, Tensor):
            for bound in (min, max):
                if isinstance(bound, Tensor):
                    err = _broadcast_error("clamp", self._data.shape, bound._data.shape)
                    if err is not None:
                        raise err
            out = self
            if min is not None:
                out = where(out < min, min, out)
            if max is not None:
                out = where(out > max, max, out)
            return out
        x = self
        for bound in (min, max):
            if bound is not None:
                dt = result_type(x._data, bound)  # clamp(int tensor, 0.5) is float
                if dt != x._data.dtype:
                    x = _cast(x, dt)
        return E.Clamp.apply(x, min, max)

    clip = clamp

    # --- math ------------------------------------------------------------------------
    def exp(self):
        return E.Exp.apply(_floating(self))

    def log(self):
        return E.Log.apply(_floating(self))

    def log1p(self):
        return E.Log1p.apply(_floating(self))

    def sqrt(self):
        return E.Sqrt.apply(_floating(self))

    def rsqrt(self):
        return E.Rsqrt.apply(_floating(self))

    def abs(self):
        if self._data.dtype == np.bool_:
            raise _not_implemented("abs_cpu", np.bool_)
        return E.Abs.apply(self)

    def sign(self):
        if self._data.dtype == np.bool_:
            return _make(self._data.copy())
        return E.Sign.apply(self)

    def sin(self):
        return E.Sin.apply(_floating(self))

    def cos(self):
        return E.Cos.apply(_floating(self))

    def tanh(self):
        return E.Tanh.apply(_floating(self))

    def sigmoid(self):
        return E.Sigmoid.apply(_floating(self))

    def relu(self):
        if self._data.dtype.kind == "b":
            raise RuntimeError("relu: Boolean inputs not supported for relu")
        return E.Relu.apply(self)

    def square(self):
        return self ** 2

    # --- reductions -----------------------------------------------------------------
    def sum(self, dim=None, keepdim=False, dtype=None, *, axis=None, keepdims=None):
        dim, keepdim = _aliases(dim, keepdim, axis, keepdims, "sum")
        x = self if dtype is None else self.to(dtype)
        if dim is None and not keepdim:
            return R.SumAll.apply(x, None, False)
        return R.Sum.apply(x, _dims(dim, self._data.ndim, "sum"), keepdim)

    def mean(self, dim=None, keepdim=False, dtype=None, *, axis=None, keepdims=None):
        dim, keepdim = _aliases(dim, keepdim, axis, keepdims, "mean")
        x = self if dtype is None else self.to(dtype)
        if x._data.dtype.kind != "f":
            raise RuntimeError("mean(): could not infer output dtype. Input dtype must be "
                               f"either a floating point or complex dtype. Got: {x.dtype}")
        if dim is None and not keepdim:
            return R.MeanAll.apply(x, None, False)
        return R.Mean.apply(x, _dims(dim, self._data.ndim, "mean"), keepdim)

    def _extremum(self, dim, keepdim, other, name, dim_fn, all_fn, pair_fn):
        if isinstance(dim, Tensor):
            return pair_fn(self, dim)
        if other is not None:
            return pair_fn(self, other)
        if dim is None:
            _check_extremum_dims(self, None, name)
            return all_fn.apply(self, None, False)
        d = _dim(dim, self._data.ndim, name)
        if self._data.ndim == 0:
            return _ReturnTypes[name](self.clone(), zeros((), dtype=_dtype.int64))
        _check_extremum_dims(self, (d,), name)
        values, indices = dim_fn.apply(self, d, keepdim)
        return _ReturnTypes[name](values, indices)

    def max(self, dim=None, keepdim=False, other=None):
        return self._extremum(dim, keepdim, other, "max", R.MaxDim, R.MaxAll, maximum)

    def min(self, dim=None, keepdim=False, other=None):
        return self._extremum(dim, keepdim, other, "min", R.MinDim, R.MinAll, minimum)

    def amax(self, dim=(), keepdim=False):
        axes = _dims(dim, self._data.ndim, "amax")
        _check_extremum_dims(self, axes, "amax")
        return R.AMax.apply(self, axes, keepdim)

    def amin(self, dim=(), keepdim=False):
        axes = _dims(dim, self._data.ndim, "amin")
        _check_extremum_dims(self, axes, "amin")
        return R.AMin.apply(self, axes, keepdim)

    def argmax(self, dim=None, keepdim=False):
        return _arg_extremum(self, dim, keepdim, np.argmax, "argmax")

    def argmin(self, dim=None, keepdim=False):
        return _arg_extremum(self, dim, keepdim, np.argmin, "argmin")

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        """Variance: Σ(x - x̄)² / (n - correction); ``correction=1`` (unbiased) by default."""
        if isinstance(dim, builtins.bool):  # torch's var(unbiased) overload
            dim, unbiased = None, dim
        correction = _correction(unbiased, correction, self, "var")
        return R.Var.apply(self, _dims(dim, self._data.ndim, "var"), correction, keepdim)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        """Standard deviation: √var (same arguments as ``var``)."""
        if isinstance(dim, builtins.bool):
            dim, unbiased = None, dim
        correction = _correction(unbiased, correction, self, "std")
        return R.Std.apply(self, _dims(dim, self._data.ndim, "std"), correction, keepdim)

    def logsumexp(self, dim, keepdim=False):
        return R.LogSumExp.apply(_floating(self), _dims(dim, self._data.ndim, "logsumexp"),
                                 keepdim)

    def softmax(self, dim, dtype=None):
        x = self if dtype is None else self.to(dtype)
        if x._data.dtype.kind != "f":
            raise _not_implemented("softmax_lastdim_kernel_impl", x._data.dtype)
        return R.Softmax.apply(x, _dim(dim, self._data.ndim, "softmax"))

    def log_softmax(self, dim, dtype=None):
        x = self if dtype is None else self.to(dtype)
        if x._data.dtype.kind != "f":
            raise _not_implemented("log_softmax_lastdim_kernel_impl", x._data.dtype)
        return R.LogSoftmax.apply(x, _dim(dim, self._data.ndim, "log_softmax"))

    def norm(self, p=2, dim=None, keepdim=False):
        if self._data.dtype.kind != "f":
            raise RuntimeError("linalg.vector_norm: Expected a floating point or complex "
                               "tensor as input. Got "
                               f"{_TORCH_TYPE.get(self._data.dtype.name, self.dtype)}")
        if p == 2:
            return R.Norm2.apply(_floating(self), _dims(dim, self._data.ndim, "norm"), keepdim)
        if p == 1:
            return self.abs().sum(dim, keepdim)
        if p == float("inf"):
            return self.abs().amax(() if dim is None else dim, keepdim)
        return (self.abs() ** p).sum(dim, keepdim) ** (1.0 / p)

    def all(self):
        return _make(np.asarray(np.all(self._data)))

    def any(self):
        return _make(np.asarray(np.any(self._data)))

    # --- matmul --------------------------------------------------------------------------
    def matmul(self, other):
        return matmul(self, other)

    def mm(self, mat2):
        for name, t in (("self", self), ("mat2", mat2)):
            if not isinstance(t, Tensor) or t._data.ndim != 2:
                raise RuntimeError(f"mm: {name} must be a matrix, got "
                                   f"{getattr(t, 'ndim', type(t).__name__)}-D")
        return matmul(self, mat2)

    # --- shape -------------------------------------------------------------------------
    def reshape(self, *shape):
        shape = _shape_args(shape, "reshape")
        shape = _infer_shape(shape, self._data.size)
        return _view_of(self, S.Reshape.apply(self, shape), lambda a: a.reshape(shape),
                        check=True)

    def view(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], _dtype.dtype):
            raise RuntimeError("view(dtype) is not supported; use .to(dtype)")
        shape = _infer_shape(_shape_args(shape, "view"), self._data.size)
        try:
            np.reshape(self._data, shape, copy=False)
        except ValueError:
            raise RuntimeError("view size is not compatible with input tensor's size and "
                               "stride (at least one dimension spans across two contiguous "
                               "subspaces). Use .reshape(...) instead.") from None
        return _view_of(self, S.Reshape.apply(self, shape), lambda a: a.reshape(shape))

    def view_as(self, other):
        return self.view(other._data.shape)

    def reshape_as(self, other):
        return self.reshape(other._data.shape)

    def permute(self, *dims):
        dims = _shape_args(dims, "permute")
        n = self._data.ndim
        if len(dims) != n:
            raise RuntimeError(f"permute(): number of dimensions in the tensor input does "
                               f"not match the length of the desired ordering of dimensions "
                               f"i.e. input.dim() = {n} is not equal to len(dims) = "
                               f"{len(dims)}")
        dims = tuple(_dim(d, n, "permute") for d in dims)
        if len(set(dims)) != n:
            raise RuntimeError(f"permute(): duplicate dims are not allowed (got {dims})")
        return _view_of(self, S.Permute.apply(self, dims), lambda a: a.transpose(dims))

    def transpose(self, dim0, dim1):
        n = self._data.ndim
        d0, d1 = _dim(dim0, n, "transpose"), _dim(dim1, n, "transpose")
        perm = list(range(n))
        if n >= 2:
            perm[d0], perm[d1] = perm[d1], perm[d0]
        perm = tuple(perm)
        return _view_of(self, S.Transpose.apply(self, perm), lambda a: a.transpose(perm))

    swapaxes = swapdims = transpose

    def t(self):
        if self._data.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                               f"{self._data.ndim}D")
        perm = tuple(range(self._data.ndim))[::-1]
        return _view_of(self, S.T.apply(self, perm), lambda a: a.transpose(perm))

    @property
    def T(self):
        n = self._data.ndim
        return self.permute(tuple(range(n - 1, -1, -1))) if n >= 2 else self.transpose(0, -1)

    @property
    def mT(self):
        if self._data.ndim < 2:
            raise RuntimeError("tensor.mT is only supported on matrices or batches of "
                               f"matrices. Got {self._data.ndim}-D tensor.")
        return self.transpose(-2, -1)

    def squeeze(self, dim=None):
        shape = self._data.shape
        if dim is None:
            new = tuple(s for s in shape if s != 1)
        else:
            dims = _dims(dim, self._data.ndim, "squeeze") or ()
            new = tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))
        return _view_of(self, S.Squeeze.apply(self, new), lambda a: a.reshape(new))

    def unsqueeze(self, dim):
        d = _dim(dim, self._data.ndim + 1, "unsqueeze")
        shape = self._data.shape
        new = shape[:d] + (1,) + shape[d:]
        return _view_of(self, S.Unsqueeze.apply(self, new), lambda a: a.reshape(new))

    def flatten(self, start_dim=0, end_dim=-1):
        n = self._data.ndim
        if n == 0:
            return self.reshape(1)
        s, e = _dim(start_dim, n, "flatten"), _dim(end_dim, n, "flatten")
        if s > e:
            raise RuntimeError("flatten() has invalid args: start_dim cannot come after "
                               "end_dim")
        if s == e:
            return self  # nothing to flatten: torch hands back the tensor itself
        shape = self._data.shape
        return self.reshape(shape[:s] + (-1,) + shape[e + 1:]) if self._data.size else \
            self.reshape(shape[:s] + (builtins.int(np.prod(shape[s:e + 1])),) + shape[e + 1:])

    def unflatten(self, dim, sizes):
        d = _dim(dim, self._data.ndim, "unflatten")
        shape = self._data.shape
        inner = _infer_shape(tuple(sizes), shape[d])
        return self.reshape(shape[:d] + inner + shape[d + 1:])

    def expand(self, *sizes):
        if not sizes:
            raise TypeError('expand() missing 1 required positional arguments: "size"')
        sizes = _shape_args(sizes, "expand")
        shape = self._data.shape
        if len(sizes) < len(shape):
            raise RuntimeError(f"expand: the number of sizes provided ({len(sizes)}) must be "
                               f"greater or equal to the number of dimensions in the tensor "
                               f"({len(shape)})")
        lead = len(sizes) - len(shape)
        target = []
        for i, s in enumerate(sizes):
            old = shape[i - lead] if i >= lead else None
            if s == -1:
                if old is None:
                    raise RuntimeError("expand: -1 is not allowed in a leading, "
                                       "non-existing dimension")
                s = old
            elif old is not None and old != 1 and old != s:
                raise RuntimeError(f"The expanded size of the tensor ({s}) must match the "
                                   f"existing size ({old}) at non-singleton dimension {i}.  "
                                   f"Target sizes: {list(sizes)}.  Tensor sizes: "
                                   f"{list(shape)}")
            target.append(s)
        return _view_of(self, S.Expand.apply(self, tuple(target)))

    def expand_as(self, other):
        return self.expand(other._data.shape)

    def repeat(self, *sizes):
        sizes = _shape_args(sizes, "repeat")
        if len(sizes) < self._data.ndim:
            raise RuntimeError("Number of dimensions of repeat dims can not be smaller than "
                               "number of dimensions of tensor")
        return S.Repeat.apply(self, sizes)

    def split(self, split_size_or_sections, dim=0):
        d = _dim(dim, self._data.ndim, "split")
        n = self._data.shape[d]
        if isinstance(split_size_or_sections, (builtins.int, np.integer)):
            step = builtins.int(split_size_or_sections)
            if step < 0:
                raise RuntimeError(f"split expects split_size be non-negative, but got "
                                   f"split_size={step}")
            if step == 0 and n != 0:
                raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got "
                                   f"dimension size of {n}")
            if n == 0:
                sizes = [0]
            else:
                sizes = [step] * (n // step) + ([n % step] if n % step else [])
        else:
            sizes = [builtins.int(s) for s in split_size_or_sections]
            if any(s < 0 for s in sizes):
                raise RuntimeError(f"split_with_sizes expects split_sizes have only "
                                   f"non-negative entries, but got split_sizes={sizes}")
            if sum(sizes) != n:
                raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to "
                                   f"{n} (input tensor's size at dimension {d}), but got "
                                   f"split_sizes={sizes}")
        fn = S.SplitEqual if isinstance(split_size_or_sections, (builtins.int, np.integer)) \
            else S.Split
        outs = fn.apply(self, tuple(sizes), d)
        start = 0
        for o, n in zip(outs, sizes):
            piece = (slice(None),) * d + (slice(start, start + n), Ellipsis)
            _view_of(self, o, lambda a, piece=piece: a[piece], multi=True)
            start += n
        return outs

    def chunk(self, chunks, dim=0):
        if chunks <= 0:
            raise RuntimeError("chunk expects `chunks` to be greater than 0, got: "
                               f"{chunks}")
        n = self._data.shape[_dim(dim, self._data.ndim, "chunk")]
        if n == 0:
            # torch hands back `chunks` empty pieces
            return self.split([0] * chunks, dim)
        return self.split(-(-n // chunks), dim)  # pieces of ceil(n / chunks)

    def unbind(self, dim=0):
        d = _dim(dim, self._data.ndim, "unbind")
        outs = S.Unbind.apply(self, d)
        for k, o in enumerate(outs):
            piece = (slice(None),) * d + (k, Ellipsis)
            _view_of(self, o, lambda a, piece=piece: a[piece], multi=True)
        return outs

    # --- indexing --------------------------------------------------------------------
    def __getitem__(self, idx):
        if isinstance(idx, Tensor) and idx._data.ndim == 1 and idx._data.dtype == np.int64 \
                and self._data.ndim:
            # fast path for the commonest pattern: rows picked by an index tensor
            # (mini-batches, embeddings)
            try:
                return I.GetItem.apply(self, idx._data)
            except IndexError as e:
                raise _index_error(e) from None
        idx = _index(idx)
        try:
            out = I.getitem_function(idx).apply(self, idx)
        except IndexError as e:
            raise _index_error(e, self._data.shape, idx) from None
        if I.is_basic(idx):
            _view_of(self, out, lambda a: a[idx])
        return out

    def __setitem__(self, idx, value):
        idx = _index(idx)
        if not isinstance(value, Tensor):
            value = _as_operand(value, "index_put_")
        if isinstance(value, Tensor) and value._data.dtype != self._data.dtype:
            value = value.to(self.dtype)

        def compute():
            try:
                return I.SetItem.apply(self, idx, value)
            except IndexError as e:
                raise _index_error(e) from None
            except ValueError as e:
                raise RuntimeError(f"index_put_: cannot assign a value of shape "
                                   f"{list(np.shape(_raw(value)))} to the selected elements: "
                                   f"{e}") from None
        self._inplace(compute, "index_put_")

    # --- in place --------------------------------------------------------------------
    def _inplace(self, compute, op):
        """Run ``compute`` (an out-of-place op on self) and write its result into self.

        Autograd sees the out-of-place op and self takes over its grad_fn, as in torch.  If
        self is a view, its root tensor's history is rewritten too (CopySlices), so that
        gradients through the root see the change."""
        grad_mode = STATE.enabled
        if grad_mode and self._requires_grad and self.grad_fn is None:
            raise RuntimeError(f"{op}: a leaf Variable that requires grad is being used in an "
                               "in-place operation.")
        view = self._view
        if view is not None:
            root = view.root
            if grad_mode and root._requires_grad and root.grad_fn is None:
                raise RuntimeError(f"{op}: a view of a leaf Variable that requires grad is "
                                   "being used in an in-place operation.")
            if grad_mode and view.multi_output and self._requires_grad:
                raise RuntimeError(f"{op}: Output {self._output_nr} of "
                                   f"{type(self.grad_fn).__name__} is a view and is being "
                                   "modified inplace. This view is the output of a function "
                                   "that returns multiple views. Such functions do not allow "
                                   "the output views to be modified inplace. You should "
                                   "replace the inplace operation by an out-of-place one.")
            self._refresh_view()
        out = compute()
        data = out._data
        if data.shape != self._data.shape:
            raise RuntimeError(f"{op}: output with shape {list(self._data.shape)} doesn't "
                               f"match the broadcast shape {list(data.shape)}")
        if data.dtype != self._data.dtype and not np.can_cast(data.dtype, self._data.dtype,
                                                             "same_kind"):
            raise RuntimeError(f"{op}: result type {FROM_NP[data.dtype]} can't be cast to the "
                               f"desired output type {self.dtype}")
        if self._data.flags.writeable is False:
            raise RuntimeError(f"{op}: unsupported operation: more than one element of the "
                               "written-to tensor refers to a single memory location (an "
                               "expanded tensor). Please clone() the tensor before performing "
                               "the operation.")
        node = out.grad_fn
        if node is not None and node._saved is not None:
            # what this op saved of self must survive self being overwritten: a copy, which
            # keeps the version and history self had (with a counter of its own)
            mine = self._data
            node._saved_meta = tuple(m._replace(counter=[m.version]) if s is mine and m
                                     else m for s, m in zip(node._saved, node._saved_meta))
            node._saved = tuple(s.copy() if s is mine else s for s in node._saved)
        if view is not None and grad_mode and (out._requires_grad or root._requires_grad):
            # the root becomes "root with this region replaced by out", which writes the
            # new values; then self is a fresh view of that root
            if data.dtype != self._data.dtype:
                out = _cast(out, self._data.dtype)
            new_root = I.CopySlices.apply(root, out, view.fn)
            self._vc[0] += 1
            root.grad_fn, root._output_nr = new_root.grad_fn, 0
            root._requires_grad = True
            self._refresh_view()
            return self
        np.copyto(self._data, data, casting="unsafe")
        self._vc[0] += 1
        if node is not None:
            self.grad_fn = node
            self._output_nr = out._output_nr
            self._requires_grad = True
        if view is not None:
            view.version = self._vc[0]
        return self

    def _refresh_view(self):
        """A view whose memory changed in place since its grad_fn was recorded (through
        its root or a sibling view) gets a new grad_fn: a view of the root as it is now."""
        view = self._view
        if view.version == self._vc[0]:
            return
        root = view.root
        if not root._requires_grad:
            view.version = self._vc[0]
        elif STATE.enabled:
            fresh = I.AsView.apply(root, view.fn)
            self.grad_fn, self._output_nr, self._requires_grad = fresh.grad_fn, 0, True
            view.version = self._vc[0]

    def add_(self, other, alpha=1):
        return self._inplace(lambda: self.add(other, alpha), "add_")

    def sub_(self, other, alpha=1):
        return self._inplace(lambda: self.sub(other, alpha), "sub_")

    def mul_(self, other):
        return self._inplace(lambda: self * other, "mul_")

    def div_(self, other):
        return self._inplace(lambda: self / other, "div_")

    def pow_(self, exponent):
        return self._inplace(lambda: self ** exponent, "pow_")

    def clamp_(self, min=None, max=None):
        return self._inplace(lambda: self.clamp(min, max), "clamp_")

    clip_ = clamp_

    def masked_fill_(self, mask, value):
        return self._inplace(lambda: self.masked_fill(mask, value), "masked_fill_")

    def fill_(self, value):
        return self._inplace(lambda: E.Fill.apply(self, value), "fill_")

    def zero_(self):
        return self.fill_(0)

    def copy_(self, src):
        src = _as_operand(src, "copy_")

        def compute():
            try:
                return E.CopyFrom.apply(self, src)
            except ValueError:
                raise RuntimeError(f"copy_: the source of shape {list(np.shape(_raw(src)))} "
                                   f"cannot be broadcast to {list(self._data.shape)}") from None
        return self._inplace(compute, "copy_")

    def uniform_(self, a=0.0, b=1.0, generator=None):
        from .random import _gen
        if self._data.dtype.kind != "f":  # numpy would truncate the draws to integers
            raise _not_implemented("check_uniform_bounds", self._data.dtype)
        return self._fill_random(_gen(generator).uniform(a, b, self._data.shape), "uniform_")

    def normal_(self, mean=0.0, std=1.0, generator=None):
        from .random import _gen
        if self._data.dtype.kind != "f":
            raise _not_implemented("normal_kernel_cpu", self._data.dtype)
        return self._fill_random(_gen(generator).normal(mean, std, self._data.shape),
                                 "normal_")

    def _fill_random(self, values, op):
        return self._inplace(lambda: _make(values.astype(self._data.dtype)), op)

    # --- misc ------------------------------------------------------------------------
    def new_tensor(self, data, dtype=None, requires_grad=False):
        return tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_zeros(self, *size, dtype=None):
        return zeros(*size, dtype=dtype or self.dtype)

    def new_ones(self, *size, dtype=None):
        return ones(*size, dtype=dtype or self.dtype)

    def new_full(self, size, fill_value, dtype=None):
        return full(size, fill_value, dtype=dtype or self.dtype)


class _HookHandle:
    __slots__ = ("hooks", "hook")

    def __init__(self, hooks, hook):
        self.hooks, self.hook = hooks, hook

    def remove(self):
        if self.hook in self.hooks:
            self.hooks.remove(self.hook)


_TYPE_NAMES = {np.dtype(np.float32): "FloatTensor", np.dtype(np.float64): "DoubleTensor",
               np.dtype(np.int64): "LongTensor", np.dtype(np.int32): "IntTensor",
               np.dtype(np.bool_): "BoolTensor", np.dtype(np.float16): "HalfTensor",
               np.dtype(np.uint8): "ByteTensor"}


def _raw(x):
    return x._data if isinstance(x, Tensor) else x


def _floating(t):
    """Integer inputs of float functions (exp, log, ...) compute in the default float dtype."""
    if t._data.dtype.kind == "f":
        return t
    return _make(t._data.astype(_dtype.get_default_dtype().np))


def _view_of(base, out, fn=None, check=False, multi=False):
    """``out`` shares ``base``'s memory: it shares the version counter and remembers, as
    ``fn`` (root array -> this view's array), where it lives in its root tensor, so that an
    in-place op on it rewrites the root's history too (torch's CopySlices).

    With ``check`` (reshape), ``out`` is only a view if numpy did not have to copy.
    ``multi`` marks the outputs of split/chunk/unbind, which torch does not let autograd
    modify in place."""
    if check and not np.may_share_memory(out._data, base._data):
        return out
    out._vc = base._vc
    if fn is not None:
        root = base._view
        if root is None:
            out._view = ViewInfo(base, fn, out._vc[0], multi)
        else:
            prev = root.fn
            out._view = ViewInfo(root.root, lambda a: fn(prev(a)), out._vc[0], multi)
    return out


def _infer_shape(shape, numel):
    shape = tuple(shape)
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s}")
            known *= s
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def _bool_mask(mask, op):
    m = mask._data if isinstance(mask, Tensor) else np.asarray(mask)
    if m.dtype != np.bool_:
        raise RuntimeError(f"{op}: expected a mask of dtype bool, but got {FROM_NP.get(m.dtype)}")
    return _make(m)


def _correction(unbiased, correction, t, op):
    """torch's var/std arguments: ``unbiased`` (bool) or ``correction`` (a number)."""
    if unbiased is not None and not isinstance(unbiased, (builtins.bool, np.bool_)):
        raise TypeError(f"{op}(): argument 'unbiased' must be bool, not "
                        f"{type(unbiased).__name__}")
    if unbiased is not None and correction is not None:
        raise RuntimeError(f"{op}(): can't pass both 'unbiased' and 'correction'")
    if t._data.dtype.kind != "f":
        raise RuntimeError(f"{op}(): std and var only support floating point and complex "
                           f"dtypes, got {t.dtype}")
    if correction is None:
        return 0 if unbiased is False else 1
    return correction


def _check_extremum_dims(t, axes, op):
    """max/min/amax/amin/argmax have no value to give for an empty reduction."""
    if t._data.size == 0:
        if axes is None:
            raise RuntimeError(f"{op}(): Expected reduction dim to be specified for "
                               "input.numel() == 0. Specify the reduction dim with the 'dim' "
                               "argument.")
        for a in axes:
            if t._data.shape[a] == 0:
                raise IndexError(f"{op}(): Expected reduction dim {a} to have non-zero size.")


def _arg_extremum(t, dim, keepdim, fn, op):
    if t._data.dtype == np.bool_:
        raise RuntimeError(f"{op}(): does not support bool input")
    if t._data.size == 0 and dim is None:
        raise IndexError(f"{op}(): Expected reduction dim to be specified for "
                         "input.numel() == 0.")
    if dim is None:
        out = np.asarray(fn(t._data), dtype=np.int64)
        return _make(out.reshape((1,) * t._data.ndim) if keepdim else out)
    d = _dim(dim, t._data.ndim, op)
    if t._data.ndim == 0:
        return _make(np.zeros((), np.int64))
    _check_extremum_dims(t, (d,), op)
    out = fn(t._data, axis=d, keepdims=keepdim)
    return _make(np.asarray(out, dtype=np.int64))


class _MinMax(tuple):
    """torch.return_types.max / min: a (values, indices) pair with names."""

    __slots__ = ()
    _name = "max"

    def __new__(cls, values, indices):
        return tuple.__new__(cls, (values, indices))

    @property
    def values(self):
        return self[0]

    @property
    def indices(self):
        return self[1]

    def __repr__(self):
        return (f"tinytorch.return_types.{self._name}(\nvalues={self[0]!r},\n"
                f"indices={self[1]!r})")


class _Max(_MinMax):
    __slots__ = ()
    _name = "max"


class _Min(_MinMax):
    __slots__ = ()
    _name = "min"


_ReturnTypes = {"max": _Max, "min": _Min}


# --- free functions with torch's names -----------------------------------------------

def tensor(data, dtype=None, requires_grad=False):
    """Build a tensor from Python data or an ndarray (always a copy).

    Python floats give float32, ints give int64, bools give bool; an ndarray keeps its dtype.
    """
    if isinstance(data, Tensor):
        arr = data._data.copy()
    elif isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in data):
        arr = np.array([x._data if isinstance(x, Tensor) else x for x in data])
        if dtype is None and arr.dtype == np.float64 and not any(
                isinstance(x, Tensor) and x._data.dtype == np.float64 for x in data):
            arr = arr.astype(_dtype.get_default_dtype().np)
    else:
        try:
            npd = _dtype.np_dtype_of(data) if dtype is None else None
            arr = np.array(data, dtype=npd)
        except ValueError as e:
            raise ValueError(f"tensor: could not build a tensor from the data ({e})") from None
    if dtype is not None:
        arr = arr.astype(_dtype.to_dtype(dtype).np, copy=False)
    if arr.dtype not in FROM_NP:
        raise TypeError(f"tensor: unsupported dtype {arr.dtype}")
    t = _make(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def as_tensor(data, dtype=None):
    if isinstance(data, Tensor) and (dtype is None or data.dtype == _dtype.to_dtype(dtype)):
        return data
    if isinstance(data, np.ndarray) and dtype is None and data.dtype in FROM_NP:
        return _make(data)
    return tensor(data, dtype=dtype)


def from_numpy(arr):
    """A tensor sharing memory with ``arr`` (changes to one show in the other)."""
    if not isinstance(arr, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(arr).__name__})")
    if arr.dtype not in FROM_NP:
        raise TypeError(f"can't convert np.ndarray of type {arr.dtype}. The only supported "
                        "types are: float64, float32, float16, int64, int32, int16, int8, "
                        "uint8, and bool.")
    return _make(arr)


def is_tensor(x):
    return isinstance(x, Tensor)


def matmul(a, b):
    """Matrix product with torch's rules (1-D operands, broadcast batch dims)."""
    if not isinstance(a, Tensor) or not isinstance(b, Tensor):
        raise TypeError(f"matmul: expected Tensor arguments, got {type(a).__name__} and "
                        f"{type(b).__name__}")
    sa, sb = a._data.shape, b._data.shape
    if a._data.ndim == 0 or b._data.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{a._data.ndim}D and {b._data.ndim}D")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{a.dtype} != {b.dtype}")
    ka = sa[-1]
    kb = sb[0] if b._data.ndim == 1 else sb[-2]
    if ka != kb:
        if a._data.ndim == 2 and b._data.ndim == 2:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied "
                               f"({sa[0]}x{sa[1]} and {sb[0]}x{sb[1]})")
        raise RuntimeError(f"matmul: shapes {list(sa)} and {list(sb)} cannot be multiplied "
                           f"(size {ka} of the last dim of the first does not match size "
                           f"{kb} of the {'only' if b._data.ndim == 1 else 'second-to-last'} "
                           f"dim of the second)")
    fn = L.Matmul
    if b._data.ndim == 1 and a._data.ndim <= 2:
        fn = L.Dot if a._data.ndim == 1 else L.Mv
    try:
        return fn.apply(a, b)
    except ValueError:
        raise _broadcast_error("matmul (batch dims)", sa[:-2], sb[:-2]) from None


def where(condition, input=None, other=None):
    """``where(cond, a, b)``: a where cond is True, else b (one of a, b may be a number)."""
    if input is None and other is None:
        return tuple(_make(i) for i in np.nonzero(_raw(condition)))
    cond = condition._data if isinstance(condition, Tensor) else np.asarray(condition)
    if cond.dtype != np.bool_:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a "
                           f"tensor with dtype {FROM_NP.get(cond.dtype, cond.dtype)}")
    a, b = _as_operand(input, "where"), _as_operand(other, "where")
    if isinstance(a, Tensor):
        a, b = _promote(a, b, "where")
    elif isinstance(b, Tensor):
        b, a = _promote(b, a, "where")
    else:
        a = tensor(a)
        a, b = _promote(a, b, "where")
    try:
        return E.Where.apply(cond, a, b)
    except ValueError:
        sb = np.shape(_raw(b))
        err = _broadcast_error("where", np.broadcast_shapes(cond.shape, sb)
                               if _broadcast_error("", cond.shape, sb) is None else cond.shape,
                               np.shape(_raw(a)))
        raise (err or _broadcast_error("where", cond.shape, sb)) from None


def maximum(a, b):
    return a.maximum(b)


def minimum(a, b):
    return a.minimum(b)


def cat(tensors, dim=0):
    """Join tensors along an existing dim."""
    tensors = list(tensors)
    if not tensors:
        raise ValueError("cat(): expected a non-empty list of Tensors")
    ref = tensors[0]
    # torch lets 1-D empty tensors join anything
    tensors = [t for t in tensors if not (t._data.ndim == 1 and t._data.size == 0)] or [ref]
    ref = tensors[0]
    d = _dim(dim, ref._data.ndim, "cat")
    for k, t in enumerate(tensors):
        if t._data.ndim != ref._data.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got "
                               f"{ref._data.ndim} and {t._data.ndim}")
        for i, (s0, s1) in enumerate(zip(ref._data.shape, t._data.shape)):
            if i != d and s0 != s1:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. "
                                   f"Expected size {s0} but got size {s1} for tensor number "
                                   f"{k} in the list.")
    return S.Cat.apply(d, *_common_dtype(tensors))


def _common_dtype(tensors):
    """cat/stack promote their inputs to one dtype, with torch's rules."""
    dt = tensors[0]._data
    for t in tensors[1:]:
        if t._data.dtype != dt.dtype:
            dt = np.empty((1,), result_type(dt, t._data))
    return [t if t._data.dtype == dt.dtype else _cast(t, dt.dtype) for t in tensors]


concat = concatenate = cat


def stack(tensors, dim=0):
    """Join same-shaped tensors along a new dim."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    shape = tensors[0]._data.shape
    for k, t in enumerate(tensors):
        if t._data.shape != shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                               f"{list(shape)} at entry 0 and {list(t._data.shape)} at entry "
                               f"{k}")
    d = _dim(dim, len(shape) + 1, "stack")
    return S.Stack.apply(d, *_common_dtype(tensors))


def _size_of(args, op):
    return _shape_args(args, op, sizes=True)


def _creation(shape, fill, dtype, requires_grad):
    dt = (_dtype.get_default_dtype() if dtype is None else _dtype.to_dtype(dtype)).np
    t = _make(np.full(shape, fill, dtype=dt) if fill is not None else np.zeros(shape, dt))
    if requires_grad:
        t.requires_grad_(True)
    return t


def zeros(*size, dtype=None, requires_grad=False):
    return _creation(_size_of(size, "zeros"), None, dtype, requires_grad)


def ones(*size, dtype=None, requires_grad=False):
    return _creation(_size_of(size, "ones"), 1, dtype, requires_grad)


def empty(*size, dtype=None, requires_grad=False):
    return _creation(_size_of(size, "empty"), None, dtype, requires_grad)


def full(size, fill_value, dtype=None, requires_grad=False):
    if dtype is None:
        dtype = FROM_NP[_dtype.np_dtype_of(_raw(fill_value))]
    return _creation(_size_of((size,), "full"), _raw(fill_value), dtype, requires_grad)


def eye(n, m=None, dtype=None, requires_grad=False):
    dt = (_dtype.get_default_dtype() if dtype is None else _dtype.to_dtype(dtype)).np
    t = _make(np.eye(n, n if m is None else m, dtype=dt))
    return t.requires_grad_(True) if requires_grad else t


def arange(start, end=None, step=1, dtype=None, requires_grad=False):
    """``ceil((end - start) / step)`` values ``start + i * step``, like torch.

    >>> tinytorch.arange(0, 1, 0.25)
    tensor([0.0000, 0.2500, 0.5000, 0.7500])
    """
    if end is None:
        start, end = 0, start
    start, end, step = (v.item() if isinstance(v, Tensor) else v for v in (start, end, step))
    if step == 0:
        raise RuntimeError("arange: step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError(f"arange: upper bound and lower bound inconsistent with step sign "
                           f"(start={start}, end={end}, step={step})")
    if dtype is None:
        floats = any(isinstance(v, (builtins.float, np.floating)) for v in (start, end, step))
        dtype = _dtype.get_default_dtype() if floats else _dtype.int64
    dt = _dtype.to_dtype(dtype).np
    if dt.kind == "f":
        n = builtins.int(np.ceil((end - start) / step))
        # start + i·step in double, then rounded to the dtype (torch agrees to the last bit
        # or one ulp, depending on its vectorised kernel)
        data = (start + np.arange(n, dtype=np.float64) * step).astype(dt)
    else:
        # an integer arange computes with start and step truncated to integers (as torch:
        # for int64 the end too, for the smaller types the length uses the exact values)
        istart, istep = builtins.int(start), builtins.int(step)
        if dt == np.int64:
            if istep == 0:
                raise ValueError(f"arange: step must be nonzero (step={step} truncates to 0 "
                                 "for tinytorch.int64)")
            n = builtins.int(-(-(builtins.int(end) - istart) // istep))
        else:
            n = builtins.int(np.ceil((end - start) / step))
        data = (istart + np.arange(max(n, 0), dtype=np.int64) * istep).astype(dt)
    t = _make(data)
    return t.requires_grad_(True) if requires_grad else t


def linspace(start, end, steps, dtype=None, requires_grad=False):
    dt = (_dtype.get_default_dtype() if dtype is None else _dtype.to_dtype(dtype)).np
    t = _make(np.linspace(_raw(start), _raw(end), steps).astype(dt))
    return t.requires_grad_(True) if requires_grad else t


def zeros_like(t, dtype=None, requires_grad=False):
    return zeros(t._data.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def ones_like(t, dtype=None, requires_grad=False):
    return ones(t._data.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def empty_like(t, dtype=None, requires_grad=False):
    return empty(t._data.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def full_like(t, fill_value, dtype=None, requires_grad=False):
    return full(t._data.shape, fill_value, dtype=dtype or t.dtype, requires_grad=requires_grad)

