"""Argument checks and torch's error messages, for the ops in tensor.py, _ops.py and
creation.py.

Two kinds of helper: those that check (and normalise) an argument the way torch does
(``dim_arg``, ``shape_args``, ``expand_sizes``, ...) and raise torch's error when it is wrong;
and those that turn what numpy says when an op fails into what torch would say
(``broadcast_error``).  None of them computes anything a Function could.
"""
import builtins

import numpy as np

from ._dtype import FROM_NP, TORCH_TYPE
from .autograd.function import TensorBase, _make, type_name


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
    for i, s in enumerate(shape):
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape "
                                   f"{list(shape)}")
            known *= s
    if -1 in shape:
        if known == 0 and numel == 0:
            raise RuntimeError(f"cannot reshape tensor of 0 elements into shape {list(shape)} "
                               "because the unspecified dimension size -1 can be any value "
                               "and is ambiguous")
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
                raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a "
                                   f"leading, non-existing dimension {i}")
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


def tensor_list(tensors, op):
    """cat/stack's ``tensors``: a list or tuple of Tensors (torch's errors otherwise: a single
    Tensor is not joined row by row)."""
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{op}(): argument 'tensors' (position 1) must be tuple of Tensors, "
                        f"not {type(tensors).__name__}")
    for k, t in enumerate(tensors):
        if not isinstance(t, TensorBase):
            raise TypeError(f"expected Tensor as element {k} in argument 0, but got "
                            f"{type(t).__name__}")
    return list(tensors)


def check_not_zero_dim(tensors):
    """cat joins along an existing dim: a 0-d tensor has none."""
    for k, t in enumerate(tensors):
        if t._data.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {k}) cannot be "
                               "concatenated")


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


# torch's C++ names of the dtypes, which mm's dtype message uses ("float != double")
C_TYPE = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
          "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
          "bool": "bool"}
# the Tensor methods that convert to a dtype (``x.float()``), for the hints
_TO_METHOD = {"float32": "float()", "float64": "double()", "float16": "half()",
              "int64": "long()", "int32": "int()", "bool": "bool()"}


def _to(npd):
    """The call that converts a tensor to ``npd``: ``float()``, ``to(tinytorch.int8)``."""
    name = np.dtype(npd).name
    return _TO_METHOD.get(name, f"to(tinytorch.{name})")


def _torch_type(npd):
    name = np.dtype(npd).name
    return TORCH_TYPE.get(name, name)


def _sentences(first, *more):
    """torch's message (``first``, as torch words it) and tinytorch's sentences after it."""
    return " ".join((first if first.endswith(".") else first + ".",) + more)


# where a stray float64 usually comes from
_FLOAT64_SOURCE = "float64 usually comes from an array: tinytorch.tensor(array) keeps its dtype"


def _operand_dtype_hint(da, db):
    hint = (f"Hint: convert one operand to the other's dtype, e.g. with .{_to(db)} on the "
            f"first or .{_to(da)} on the second")
    if np.float64 in (da, db) and np.float32 in (da, db):
        hint += f" ({_FLOAT64_SOURCE})"
    return hint + "."


class MatmulKind:
    """Which of torch's kernels a matmul of an ``nd_a``-D and an ``nd_b``-D tensor runs on;
    its checks and messages are that kernel's:

    ``dot``  vector · vector;  ``mv``  (batch of) matrix @ vector;
    ``mm``   vector, matrix or batch @ matrix (the first operand's leading dims are folded
             into rows);  ``bmm``  anything @ a batch of matrices.
    """

    DOT, MV, MM, BMM = "dot", "mv", "mm", "bmm"

    @staticmethod
    def of(nd_a, nd_b):
        if nd_b == 1:
            return MatmulKind.DOT if nd_a == 1 else MatmulKind.MV
        return MatmulKind.MM if nd_b == 2 else MatmulKind.BMM


def _rows(shape):
    return builtins.int(np.prod(shape[:-1])) if len(shape) > 1 else 1


def _matmul_shape_error(kind, sa, sb):
    """torch's message for inner sizes that do not match, then tinytorch's plain words."""
    ka, kb = sa[-1], sb[0] if len(sb) == 1 else sb[-2]
    if kind == MatmulKind.DOT:
        first = (f"inconsistent tensor size, expected tensor [{ka}] and src [{kb}] to have "
                 f"the same number of elements, but got {ka} and {kb} elements respectively")
    elif kind == MatmulKind.MV:
        rows = _rows(sa)
        first = f"size mismatch, got input ({rows}), mat ({rows}x{ka}), vec ({kb})"
    elif kind == MatmulKind.MM:
        first = f"mat1 and mat2 shapes cannot be multiplied ({_rows(sa)}x{ka} and {kb}x{sb[-1]})"
    else:
        batch = builtins.int(np.prod(np.broadcast_shapes(sa[:-2], sb[:-2])))
        first = (f"Expected size for first two dimensions of batch2 tensor to be: "
                 f"[{batch}, {ka}] but got: [{batch}, {kb}].")
    if len(sa) == 2 and len(sb) == 2:
        return RuntimeError(first)  # torch's words say it all
    which = "only" if len(sb) == 1 else "second-to-last"
    return RuntimeError(_sentences(
        first, f"The shapes {list(sa)} and {list(sb)} cannot be multiplied: size {ka} of the "
        f"last dim of the first does not match size {kb} of the {which} dim of the second."))


def _matmul_dtype_error(kind, da, db):
    """torch's message for operands of two dtypes (each kernel words it its own way)."""
    if kind == MatmulKind.DOT:
        first = (f"dot : expected both vectors to have same dtype, but found "
                 f"{_torch_type(da)} and {_torch_type(db)}")
    elif kind == MatmulKind.MV:
        first = (f"addmv input tensors must have the same dtype, but got {_torch_type(db)}, "
                 f"{_torch_type(da)}, and {_torch_type(db)}")
    elif kind == MatmulKind.MM:
        first = (f"expected m1 and m2 to have the same dtype, but got: {C_TYPE[da.name]} != "
                 f"{C_TYPE[db.name]}")
    else:
        first = f"expected scalar type {_torch_type(da)} but found {_torch_type(db)}"
    return RuntimeError(_sentences(first, _operand_dtype_hint(da, db)))


_BOOL_KERNEL = {MatmulKind.DOT: "dot", MatmulKind.MV: "addmv_impl_cpu",
                MatmulKind.MM: "addmm_impl_cpu_", MatmulKind.BMM: "bmm"}


def check_matmul(a, b, op="matmul"):
    """matmul's operands: Tensors, at least 1-D, matching sizes, one dtype, not bool; the
    checks in torch's order, with its messages (those of the kernel the shapes lead to)."""
    if not isinstance(a, TensorBase) or not isinstance(b, TensorBase):
        raise TypeError(f"{op}: expected Tensor arguments, got {type(a).__name__} and "
                        f"{type(b).__name__}")
    x, y = a._data, b._data
    sa, sb = x.shape, y.shape
    if x.ndim == 0 or y.ndim == 0:
        raise RuntimeError(f"both arguments to {op} need to be at least 1D, but they are "
                           f"{x.ndim}D and {y.ndim}D")
    kind = MatmulKind.of(x.ndim, y.ndim)
    if kind == MatmulKind.BMM:
        err = broadcast_error(f"{op} (batch dims)", sa[:-2], sb[:-2])
        if err is not None:
            raise err
    if kind == MatmulKind.DOT and x.dtype != y.dtype:
        raise _matmul_dtype_error(kind, x.dtype, y.dtype)  # dot checks the dtype first
    if sa[-1] != (sb[0] if y.ndim == 1 else sb[-2]):
        raise _matmul_shape_error(kind, sa, sb)
    if x.dtype != y.dtype:
        raise _matmul_dtype_error(kind, x.dtype, y.dtype)
    if x.dtype == np.bool_:
        raise not_implemented(_BOOL_KERNEL[kind], np.bool_)


def check_matmul_args(a, b, op, names, ndims):
    """mm / bmm / mv / dot: Tensor arguments of the given numbers of dims (torch's words)."""
    for k, (t, name) in enumerate(zip((a, b), names)):
        if not isinstance(t, TensorBase):
            raise TypeError(f"{op}(): argument '{name}' (position {k + 1}) must be Tensor, "
                            f"not {type(t).__name__}")
    na, nb = a._data.ndim, b._data.ndim
    if (na, nb) == ndims:
        return
    if op == "dot":
        raise RuntimeError(f"1D tensors expected, but got {na}D and {nb}D tensors")
    if op == "mv":
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {na}, {nb}")
    bad = names[0] if na != ndims[0] else names[1]
    if op == "bmm":
        raise RuntimeError(f"{bad} must be a 3D tensor")
    raise RuntimeError(f"{op}: {bad} must be a matrix, got "
                       f"{na if bad == names[0] else nb}-D")


def linear_dtype_error(input_dtype, weight_dtype, bias):
    """linear's error for an input whose dtype is not the weight's: torch's words (those of
    addmm when there is a ``bias``, of mm when not), then what to convert."""
    x, w = np.dtype(input_dtype), np.dtype(weight_dtype)
    if bias:
        first = (f"mat1 and mat2 must have the same dtype, but got {_torch_type(x)} and "
                 f"{_torch_type(w)}")
    else:
        first = (f"expected m1 and m2 to have the same dtype, but got: {C_TYPE[x.name]} != "
                 f"{C_TYPE[w.name]}")
    hint = (f"Hint: the input is {x.name} but the layer's weight is {w.name}: convert the "
            f"input with input.{_to(w)}")
    if x.kind == "f":
        hint += f", or the model with model.{_to(x)}"
    if x == np.float64:
        hint += f" ({_FLOAT64_SOURCE})"
    return RuntimeError(_sentences(first, hint + "."))


def linear_bias_dtype_error(bias_dtype, weight_dtype):
    """linear's error for a bias whose dtype is not the weight's (torch's words, a hint)."""
    b, w = np.dtype(bias_dtype), np.dtype(weight_dtype)
    return RuntimeError(_sentences(
        f"self and mat2 must have the same dtype, but got {_torch_type(b)} and {_torch_type(w)}",
        f"Hint: the bias is {b.name} but the weight is {w.name}: convert the bias with "
        f"bias.{_to(w)}."))


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


# --- creation ----------------------------------------------------------------------------

# the C++ types torch names when a fill value does not fit ("... to type uint8_t ...")
FILL_TYPE = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int",
             "int64": "int64_t", "float16": "c10::Half", "float32": "float",
             "float64": "double", "bool": "bool"}


def overflows(value, npd):
    """Whether the Python number ``value`` does not fit the dtype ``npd``, by torch's rule
    (c10::overflows): an integer must lie in the dtype's range, except that a negative one
    may wrap into an unsigned dtype (uint8 takes -255..255, as ``a - b`` is ``a + 255 * b``);
    a float must too, and NaN and inf fit only a float dtype; anything fits bool."""
    npd = np.dtype(npd)
    if npd == np.bool_ or isinstance(value, (builtins.bool, np.bool_)):
        return False
    info = np.finfo(npd) if npd.kind == "f" else np.iinfo(npd)
    if isinstance(value, (builtins.int, np.integer)):
        value = builtins.int(value)
        if npd.kind == "u" and value < 0:
            return -value > info.max
        return bool(value < info.min or value > info.max)
    if not np.isfinite(value):
        return npd.kind != "f"
    # as Python floats: comparing 1e39 with a float32 bound would cast it (numpy warns)
    return bool(value < float(info.min) or value > float(info.max))


def check_fill_value(value, npd):
    """A number written into every element (full, fill_, linspace's ends) must fit."""
    if overflows(value, npd):
        raise RuntimeError(f"value cannot be converted to type {FILL_TYPE[np.dtype(npd).name]} "
                           "without overflow")


def check_data_fits(arr, npd):
    """tensor(data, dtype=...): the numbers of Python ``data`` (read by numpy into ``arr``)
    must fit an integer dtype (torch checks each, as ``overflows``; it lets floats overflow
    a float dtype to inf)."""
    npd = np.dtype(npd)
    if npd.kind not in "iu" or arr.dtype.kind not in "iuf" or arr.size == 0:
        return
    info = np.iinfo(npd)
    with np.errstate(invalid="ignore"):
        if arr.dtype.kind == "f":
            bad = ~np.isfinite(arr) | (arr < info.min) | (arr > info.max)
        elif npd.kind == "u":
            bad = (arr > info.max) | (arr < -builtins.int(info.max))
        else:
            bad = (arr < info.min) | (arr > info.max)
    if bad.any():
        raise RuntimeError(f"value cannot be converted to type {npd.name} without overflow")


def ragged_error(data):
    """tensor()'s error for nested sequences that do not form a grid, in torch's words
    ("expected sequence of length 2 at dim 1 (got 3)")."""
    sizes, x = [], data
    while _is_sequence(x):  # the grid the first elements promise
        sizes.append(len(x))
        x = x[0] if len(x) else None

    def walk(x, d):
        if d == len(sizes):
            if _is_sequence(x):
                return TypeError(f"tensor(): a sequence at dim {d} where the first elements "
                                 f"have numbers (got {type(x).__name__} of length {len(x)})")
            return None
        if not _is_sequence(x):
            return TypeError(f"tensor(): expected a sequence at dim {d}, got "
                             f"{type(x).__name__} (not a sequence)")
        if len(x) != sizes[d]:
            return ValueError(f"expected sequence of length {sizes[d]} at dim {d} "
                              f"(got {len(x)})")
        return next((e for e in (walk(item, d + 1) for item in x) if e is not None), None)

    return walk(data, 0) or ValueError("tensor(): the nested sequences do not form a grid")


def _is_sequence(x):
    if isinstance(x, TensorBase):
        return x._data.ndim > 0
    if isinstance(x, np.ndarray):
        return x.ndim > 0
    return isinstance(x, (list, tuple))


def check_steps(steps, op):
    if not is_int(steps):
        raise TypeError(f"{op}(): argument 'steps' must be int, not {type(steps).__name__}")
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")


def check_number(v, name, position, op):
    """An argument that must be a (Python or numpy) number, not a tensor, string, ..."""
    if not isinstance(v, (builtins.int, builtins.float, np.number, np.bool_)):
        raise TypeError(f"{op}(): argument '{name}' (position {position}) must be Number, not "
                        f"{type(v).__name__}")


def check_size_arg(n, name, position, op):
    """eye's n and m, randperm's n: non-negative ints."""
    if not is_int(n):
        raise TypeError(f"{op}(): argument '{name}' (position {position}) must be int, not "
                        f"{type(n).__name__}")
    if n < 0:
        if op == "eye":
            raise RuntimeError(f"{name} must be greater or equal to 0, got {n}")
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")


def check_tensor_arg(t, op, name="input", position=1):
    if not isinstance(t, TensorBase):
        raise TypeError(f"{op}(): argument '{name}' (position {position}) must be Tensor, not "
                        f"{type(t).__name__}")


def check_no_kernel(npd, kernel, kinds):
    """torch has ``kernel`` only for dtypes of the given numpy kinds ("f", "iuf", ...)."""
    if np.dtype(npd).kind not in kinds:
        raise not_implemented(kernel, npd)


def check_randperm(n, npd):
    """randperm's ``n`` (an int, or a one-element tensor) for a dtype that can hold n - 1."""
    if isinstance(n, TensorBase):
        n = n.item()
    check_size_arg(n, "n", 1, "randperm")
    check_no_kernel(npd, "randperm", "iuf")
    if n > 0:
        check_fill_value(n - 1, npd)
    return builtins.int(n)


def check_random_bounds(low, high, npd):
    """randint's [low, high) must fit the dtype (torch: low and high - 1)."""
    npd = np.dtype(npd)
    lo, hi = (0, 1) if npd == np.bool_ else (
        (np.finfo if npd.kind == "f" else np.iinfo)(npd).min,
        (np.finfo if npd.kind == "f" else np.iinfo)(npd).max)
    if low < lo:
        raise RuntimeError(f"from is out of bounds for {C_TYPE[npd.name]}")
    if high - 1 > hi:
        raise RuntimeError(f"to - 1 is out of bounds for {C_TYPE[npd.name]}")


def check_normal_std(std):
    if not std >= 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")


def check_uniform_bounds(low, high, npd):
    """uniform_'s [from, to): in order, and finite in the tensor's dtype."""
    info = np.finfo(npd)
    for name, v in (("from", low), ("to", high)):
        if not np.isfinite(v) or v < info.min or v > info.max:
            raise RuntimeError(f"{name} is out of bounds for {C_TYPE[np.dtype(npd).name]}")
    if low > high:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found "
                           f"from={low} > to={high}")


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


def _is_bool(x):
    """A bool operand: a bool tensor or array, a Python bool or np.bool_."""
    x = raw(x)
    return x.dtype == np.bool_ if isinstance(x, (np.ndarray, np.generic)) \
        else isinstance(x, builtins.bool)


def check_not_bool_sub(a, b, op):
    """torch refuses ``-`` on bools: it would read as 'invert the mask'."""
    if a._data.dtype == np.bool_ or _is_bool(b):
        raise RuntimeError(f"{op}: Subtraction, the `-` operator, with a bool tensor is not "
                           "supported. If you are trying to invert a mask, use the `~` or "
                           "`logical_not()` operator instead.")


def check_alpha(alpha, result_dtype, op):
    """add/sub's ``alpha`` (a Python number) must fit the result: no float alpha for an integer
    result, no bool alpha for a non-bool one (torch's rules and words)."""
    if not isinstance(alpha, (builtins.int, builtins.float)):
        raise TypeError(f"{op}(): argument 'alpha' must be Number, not {type(alpha).__name__}")
    kind = result_dtype.kind
    if isinstance(alpha, builtins.bool) and kind != "b":
        raise RuntimeError(f"{op}: Boolean alpha only supported for Boolean results.")
    if isinstance(alpha, builtins.float) and kind in "biu":
        raise RuntimeError(f"{op}: For integral input tensors, argument alpha must not be a "
                           "floating point number.")


def check_clamp_dtype(result_dtype, min, max):
    """torch has no clamp kernel for bool results (bool bounds on a bool tensor)."""
    if result_dtype.kind == "b":
        kernel = ("clamp_scalar_cpu" if min is not None and max is not None else
                  "clamp_min_scalar_cpu" if min is not None else "clamp_max_scalar_cpu")
        raise not_implemented(kernel, np.bool_)


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


# --- preconditions of Tensor methods ------------------------------------------------------

def read_only_error(arr, op):
    """The error for an in-place op on a tensor whose memory numpy marks read-only: an
    expanded tensor (a dim of stride 0: many elements share one memory location), or a tensor
    sharing a read-only array (``from_numpy`` / ``as_tensor`` of one, ``np.frombuffer``, ...),
    where torch would write into memory it was told not to."""
    if any(st == 0 and n > 1 for st, n in zip(arr.strides, arr.shape)):
        return RuntimeError(f"{op}: unsupported operation: more than one element of the "
                            "written-to tensor refers to a single memory location (an expanded "
                            "tensor). Please clone() the tensor before performing the "
                            "operation.")
    return RuntimeError(f"{op}: the tensor's memory is read-only: it shares the memory of an "
                        "array that is not writable (or it is a view of an expanded tensor). "
                        "Please clone() the tensor, or make it from a writable copy of the "
                        "array, before performing the operation.")


READ_ONLY_WARNING = ("The given NumPy array is not writable: the tensor shares its read-only "
                     "memory, so in-place operations on the tensor will raise. Copy the array "
                     "first (tinytorch.tensor copies) if the tensor is to change in place.")


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
    """repeat's sizes: at least one per dim, none negative."""
    if len(sizes) < ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than "
                           "number of dimensions of tensor")
    negative = [s for s in sizes if s < 0]
    if negative:
        raise RuntimeError(f"repeat: Trying to create tensor with negative dimension (the "
                           f"repeats {list(sizes)} include {negative[0]})")


# C++'s names of the dtypes, which torch's .grad assignment message uses
_CPP_TYPE = {"float32": "float", "float64": "double", "float16": "c10::Half",
             "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
             "uint8": "unsigned char", "bool": "bool"}


def check_grad_assignment(t, value):
    """``t.grad = value`` as torch checks it: a Tensor (or None) of ``t``'s dtype and size,
    not ``t`` itself -- so a wrong gradient fails here, not later inside an optimizer."""
    if value is None:
        return
    if not isinstance(value, TensorBase):
        raise TypeError("assigned grad expected to be a Tensor or None but got grad of type "
                        f"{type_name(value)}")
    if value is t:
        raise RuntimeError("can't assign Variable as its own grad")
    have, want = value._data.dtype, t._data.dtype
    if have != want:
        raise RuntimeError(
            f"attempting to assign a gradient with dtype '{_CPP_TYPE.get(have.name, have)}' "
            f"to a tensor with grad_dtype '{TORCH_TYPE.get(want.name, want)}'. The gradient "
            "must match the tensor's grad_dtype (defaults to the tensor's dtype).")
    if value._data.shape != t._data.shape:
        raise RuntimeError(
            f"attempting to assign a gradient of size '{list(value._data.shape)}' to a tensor "
            f"of size '{list(t._data.shape)}'. Please ensure that the gradient and the tensor "
            "are the same size")


def warn_non_leaf_grad():
    import warnings
    warnings.warn(
        "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
        "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
        "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf "
        "Tensor. If you access the non-leaf Tensor by mistake, make sure you access the leaf "
        "Tensor instead.", UserWarning, stacklevel=3)
