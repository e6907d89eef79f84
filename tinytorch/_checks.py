"""Argument checks and torch's error messages, for the ops in tensor.py, _ops.py and
creation.py.

Two kinds of helper: those that check (and normalise) an argument the way torch does
(``dim_arg``, ``shape_args``, ``expand_sizes``, ...) and raise torch's error when it is wrong;
and those that turn what numpy says when an op fails into what torch would say
(``broadcast_error``, ``index_error``).  None of them computes anything a Function could.
"""
import builtins
import re

import numpy as np

from ._dtype import FROM_NP
from .autograd.function import TensorBase, _make
from .functions.index import Steps

# torch's names of the dtypes in its messages ("Float", "Long", ...)
TORCH_TYPE = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
              "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
              "bool": "Bool"}


def raw(x):
    """The array behind ``x`` if it is a Tensor, else ``x`` itself."""
    return x._data if isinstance(x, TensorBase) else x


def is_int(x):
    """A Python or numpy integer, not a bool."""
    return isinstance(x, (builtins.int, np.integer)) and not isinstance(x, builtins.bool)


# --- dims and shapes -------------------------------------------------------------------

def dim_arg(d, ndim, op="dim"):
    """Check one dim against ndim and make it non-negative (0-d tensors accept -1 and 0)."""
    n = max(ndim, 1)
    if not is_int(d):
        raise TypeError(f"{op}: dim must be an int, got {type(d).__name__}")
    if d < -n or d >= n:
        raise IndexError(f"{op}: Dimension out of range (expected to be in range of "
                         f"[{-n}, {n - 1}], but got {d})")
    return builtins.int(d % n)


def dims_arg(dim, ndim, op):
    """Normalise ``dim`` (None, int or sequence) to None or a sorted tuple of axes."""
    if dim is None:
        return None
    if isinstance(dim, (tuple, list)):
        if len(dim) == 0:
            return None
        axes = tuple(sorted(dim_arg(d, ndim, op) for d in dim))
        if len(set(axes)) != len(axes):
            raise RuntimeError(f"{op}: dim {tuple(dim)} appears multiple times in the list "
                               "of dims")
    else:
        axes = (dim_arg(dim, ndim, op),)
    if ndim == 0:
        return None
    return axes


def aliases(dim, keepdim, axis, keepdims, op):
    """numpy's ``axis``/``keepdims``, which torch accepts as aliases of ``dim``/``keepdim``."""
    if axis is not None:
        if dim is not None:
            raise TypeError(f"{op}() got multiple values for argument 'dim' (as 'axis')")
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    return dim, keepdim


def shape_args(args, op, sizes=False):
    """Accept f(2, 3), f((2, 3)), f([2, 3]) or f(Size) like torch.

    With ``sizes`` the numbers are sizes of a new tensor and must be >= 0 (reshape and
    expand accept -1)."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    out = []
    for a in args:
        if isinstance(a, TensorBase):
            a = a.item()
        if not is_int(a):
            raise TypeError(f"{op}: sizes must be ints, got {type(a).__name__} ({a!r})")
        if sizes and a < 0:
            raise RuntimeError(f"{op}: Dimension size must be non-negative, got size "
                               f"{list(args)}")
        out.append(builtins.int(a))
    return tuple(out)


def infer_shape(shape, numel):
    """``shape`` with its one -1 (if any) replaced so that it holds ``numel`` elements."""
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


def check_view(arr, shape):
    """view() needs a shape numpy can give without copying ``arr``."""
    try:
        np.reshape(arr, shape, copy=False)
    except ValueError:
        raise RuntimeError("view size is not compatible with input tensor's size and "
                           "stride (at least one dimension spans across two contiguous "
                           "subspaces). Use .reshape(...) instead.") from None


def permute_dims(dims, n):
    """permute's ``dims``: a permutation of range(n), made non-negative."""
    if len(dims) != n:
        raise RuntimeError(f"permute(): number of dimensions in the tensor input does "
                           f"not match the length of the desired ordering of dimensions "
                           f"i.e. input.dim() = {n} is not equal to len(dims) = {len(dims)}")
    dims = tuple(dim_arg(d, n, "permute") for d in dims)
    if len(set(dims)) != n:
        raise RuntimeError(f"permute(): duplicate dims are not allowed (got {dims})")
    return dims


def expand_sizes(sizes, shape):
    """expand's target shape: ``sizes`` with each -1 replaced by the existing size."""
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
                raise RuntimeError("expand: -1 is not allowed in a leading, non-existing "
                                   "dimension")
            s = old
        elif old is not None and old != 1 and old != s:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the "
                               f"existing size ({old}) at non-singleton dimension {i}.  "
                               f"Target sizes: {list(sizes)}.  Tensor sizes: {list(shape)}")
        target.append(s)
    return tuple(target)


def split_sizes(split_size_or_sections, n, d):
    """The sizes of split's pieces of a dim of size ``n`` (dim ``d``)."""
    if isinstance(split_size_or_sections, (builtins.int, np.integer)):
        step = builtins.int(split_size_or_sections)
        if step < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got "
                               f"split_size={step}")
        if step == 0 and n != 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got "
                               f"dimension size of {n}")
        if n == 0:
            return [0]
        return [step] * (n // step) + ([n % step] if n % step else [])
    sizes = [builtins.int(s) for s in split_size_or_sections]
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative "
                           f"entries, but got split_sizes={sizes}")
    if sum(sizes) != n:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} "
                           f"(input tensor's size at dimension {d}), but got "
                           f"split_sizes={sizes}")
    return sizes


def check_joinable(tensors, d):
    """cat: same number of dims and the same sizes except in dim ``d``."""
    ref = tensors[0]._data
    for k, t in enumerate(tensors):
        if t._data.ndim != ref.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got "
                               f"{ref.ndim} and {t._data.ndim}")
        for i, (s0, s1) in enumerate(zip(ref.shape, t._data.shape)):
            if i != d and s0 != s1:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. "
                                   f"Expected size {s0} but got size {s1} for tensor number "
                                   f"{k} in the list.")


def check_stackable(tensors):
    """stack: a non-empty list of tensors of one shape."""
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    shape = tensors[0]._data.shape
    for k, t in enumerate(tensors):
        if t._data.shape != shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                               f"{list(shape)} at entry 0 and {list(t._data.shape)} at entry "
                               f"{k}")


def check_matmul(a, b):
    """matmul's operands: Tensors, at least 1-D, one dtype, matching inner sizes."""
    if not isinstance(a, TensorBase) or not isinstance(b, TensorBase):
        raise TypeError(f"matmul: expected Tensor arguments, got {type(a).__name__} and "
                        f"{type(b).__name__}")
    x, y = a._data, b._data
    sa, sb = x.shape, y.shape
    if x.ndim == 0 or y.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{x.ndim}D and {y.ndim}D")
    if x.dtype != y.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{a.dtype} != {b.dtype}")
    ka = sa[-1]
    kb = sb[0] if y.ndim == 1 else sb[-2]
    if ka != kb:
        if x.ndim == 2 and y.ndim == 2:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied "
                               f"({sa[0]}x{sa[1]} and {sb[0]}x{sb[1]})")
        raise RuntimeError(f"matmul: shapes {list(sa)} and {list(sb)} cannot be multiplied "
                           f"(size {ka} of the last dim of the first does not match size "
                           f"{kb} of the {'only' if y.ndim == 1 else 'second-to-last'} "
                           f"dim of the second)")


def check_matrix(t, name, op):
    if not isinstance(t, TensorBase) or t._data.ndim != 2:
        raise RuntimeError(f"{op}: {name} must be a matrix, got "
                           f"{getattr(t, 'ndim', type(t).__name__)}-D")


def bool_mask(mask, op):
    """A mask argument as a bool tensor (torch refuses other dtypes)."""
    m = mask._data if isinstance(mask, TensorBase) else np.asarray(mask)
    if m.dtype != np.bool_:
        raise RuntimeError(f"{op}: expected a mask of dtype bool, but got {FROM_NP.get(m.dtype)}")
    return _make(m)


def check_masked_fill(t, mask, value):
    if isinstance(value, TensorBase) and value._data.ndim != 0:
        raise RuntimeError("masked_fill only supports a 0-dimensional value tensor, but "
                           f"got tensor with {value._data.ndim} dimension(s).")
    try:
        np.broadcast_shapes(mask._data.shape, t._data.shape)
    except ValueError:
        raise broadcast_error("masked_fill", mask._data.shape, t._data.shape) from None


# --- reductions --------------------------------------------------------------------------

def correction_arg(unbiased, correction, t, op):
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


def check_extremum_dims(t, axes, op):
    """max/min/amax/amin/argmax have no value to give for an empty reduction."""
    if t._data.size == 0:
        if axes is None:
            raise RuntimeError(f"{op}(): Expected reduction dim to be specified for "
                               "input.numel() == 0. Specify the reduction dim with the 'dim' "
                               "argument.")
        for a in axes:
            if t._data.shape[a] == 0:
                raise IndexError(f"{op}(): Expected reduction dim {a} to have non-zero size.")


# --- torch's errors ----------------------------------------------------------------------

def not_implemented(kernel, npd):
    """torch's error for an op that has no kernel for a dtype (a RuntimeError subclass)."""
    return NotImplementedError(f'"{kernel}" not implemented for '
                               f"'{TORCH_TYPE.get(np.dtype(npd).name, npd)}'")


def check_not_bool_sub(a, b, op):
    """torch refuses ``-`` on bools: it would read as 'invert the mask'."""
    if a._data.dtype == np.bool_ or (b._data.dtype == np.bool_ if isinstance(b, TensorBase)
                                    else isinstance(b, (builtins.bool, np.bool_))):
        raise RuntimeError(f"{op}: Subtraction, the `-` operator, with a bool tensor is not "
                           "supported. If you are trying to invert a mask, use the `~` or "
                           "`logical_not()` operator instead.")


def broadcast_error(op, sa, sb):
    """torch's error for shapes ``sa`` and ``sb`` that do not broadcast (None if they do)."""
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


def index_error(e, shape=None, idx=None):
    """numpy's IndexError ``e`` for indexing an array of ``shape`` with ``idx``, in torch's
    words."""
    msg = str(e)
    m = re.search(r"along axis (\d+); size of axis is (\d+) but size of corresponding "
                  r"boolean axis is (\d+)", msg)
    if m is not None and shape is not None:
        # numpy's words for a bool mask of the wrong shape -> torch's
        items = idx if isinstance(idx, tuple) else (idx,)
        if isinstance(idx, Steps):  # the mask indexes what the first step selected
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


# --- preconditions of Tensor methods ------------------------------------------------------

def check_item(t):
    if t._data.size != 1:
        raise RuntimeError(f"a Tensor with {t._data.size} elements cannot be converted to "
                           "Scalar")


def check_bool(t):
    if t._data.size != 1:
        raise RuntimeError(f"Boolean value of Tensor with more than one value is ambiguous "
                           f"(shape {list(t._data.shape)})")


def check_index(t):
    if t._data.dtype.kind not in "iu" or t._data.size != 1:
        raise TypeError("only integer tensors of a single element can be converted to an "
                        "index")


def check_sized(t, op):
    """len() and iteration need at least one dim."""
    if t._data.ndim == 0:
        raise TypeError(f"{op} a 0-d tensor")


def check_requires_grad(t, flag, setter=False):
    """Only floating tensors can require grad, and only a leaf can stop requiring it."""
    if flag and t._data.dtype.kind != "f":
        raise RuntimeError("only floating point tensors can require gradients "
                           f"(this tensor has dtype {t.dtype})")
    if t.grad_fn is not None and not flag:
        raise RuntimeError("you can only change requires_grad flags of leaf variables." + (
            " If you want to use a computed variable in a subgraph that doesn't require "
            "differentiation use var_no_grad = var.detach()." if setter else ""))


def check_numpy(t, force):
    if t._requires_grad and not force:
        raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                           "tensor.detach().numpy() instead.")


def check_array_read(t, graph_backward):
    """Inside a create_graph backward a tensor with history must not become an array."""
    if graph_backward and t._requires_grad:
        raise TypeError("a Tensor with history was read as a numpy array inside a "
                        "create_graph backward: that would cut the graph (a backward "
                        "formula must use operators and numpy functions that Tensors "
                        "support, see _numpy_protocol.py)")


def check_neg(t):
    if t._data.dtype == np.bool_:
        raise RuntimeError("neg: Negation, the `-` operator, on a bool tensor is not "
                           "supported. If you are trying to invert a mask, use the `~` or "
                           "`logical_not()` operator instead.")


def check_invert(t):
    if t._data.dtype.kind not in "biu":
        raise TypeError("~ (operator.invert) is only implemented on integer and "
                        f"Boolean-type tensors, not {t.dtype}")


def check_mean_dtype(t):
    if t._data.dtype.kind != "f":
        raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either "
                           f"a floating point or complex dtype. Got: {t.dtype}")


def check_float_kernel(t, kernel):
    """softmax / log_softmax have float kernels only."""
    if t._data.dtype.kind != "f":
        raise not_implemented(kernel, t._data.dtype)


def check_t(t):
    if t._data.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                           f"{t._data.ndim}D")


def check_mT(t):
    if t._data.ndim < 2:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of "
                           f"matrices. Got {t._data.ndim}-D tensor.")


def check_repeat(sizes, ndim):
    if len(sizes) < ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than "
                           "number of dimensions of tensor")


def to_dtype_arg(args, kwargs):
    """The dtype asked for by ``t.to(...)`` (None if only a device was given)."""
    dt = kwargs.get("dtype")
    for a in args:
        if isinstance(a, TensorBase):
            dt = a.dtype
        elif isinstance(a, str) and a.startswith("cpu"):
            continue
        elif a is not None:
            dt = a
    return dt
