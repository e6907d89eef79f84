"""Indexing ops with torch's names: gather, scatter, index_select, masked_select, nonzero, ...

The module's functions call primitives from ``functions/``; ``__all__`` lists those exported
as ``tinytorch.<name>`` and ``METHODS`` the Tensor methods (name -> function taking the
tensor first), which tensor.py adds to its method table.

A 0-d input or index counts as 1-d of size 1 for gather and the scatter ops, as in torch.
"""
import warnings

import numpy as np

from ._checks import broadcast_error, dim_arg
from ._inplace import inplace
from ._promotion import NUMBER, cast, fitted
from .autograd.function import TensorBase, _make
from .functions import index as I
from .functions import reduce as R

__all__ = ["gather", "take_along_dim", "scatter_add", "index_select", "masked_select",
           "nonzero", "argwhere", "scatter", "scatter_reduce", "index_add", "index_copy",
           "index_fill", "masked_scatter", "take"]

_INDEX_KINDS = (np.dtype(np.int64), np.dtype(np.int32))
_TORCH_NAMES = {"int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
                "bool": "Bool", "float16": "Half", "float32": "Float", "float64": "Double",
                "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _tensor_arg(t, op, name, position):
    if not isinstance(t, TensorBase):
        raise TypeError(f"{op}(): argument '{name}' (position {position}) must be Tensor, "
                        f"not {type(t).__name__}")
    return t


def _index_array(index, op, kind_error, position=3, name="index"):
    """The int64 array of an index tensor (int32 or int64, else ``kind_error``)."""
    _tensor_arg(index, op, name, position)
    if index._data.dtype not in _INDEX_KINDS:
        raise RuntimeError(kind_error)
    return index._data.astype(np.int64, copy=False)


def _check_bounds(idx, size, dim):
    bad = (idx < 0) | (idx >= size)
    if bad.any():
        raise RuntimeError(f"index {idx[bad].flat[0]} is out of bounds for dimension {dim} "
                           f"with size {size}")


def _torch_name(t):
    kind = t._data.dtype
    return _TORCH_NAMES.get(kind.name, "Long" if kind == np.int64 else kind.name)


def _as_1d(t):
    return t.reshape(1) if t.ndim == 0 else t


def _fit(t, shape, dim):
    """t cut to ``shape`` in the dims other than ``dim`` (t is no smaller there)."""
    if all(n == m for d, (n, m) in enumerate(zip(t.shape, shape)) if d != dim):
        return t
    return t[tuple(slice(None) if d == dim else slice(0, n) for d, n in enumerate(shape))]


def gather(input, dim, index, *, sparse_grad=False):
    """Values of ``input`` along ``dim`` at ``index``: out[i][j] = input[index[i][j]][j] (dim 0).

    ``index`` may be smaller than ``input`` in the other dims; the result has its shape."""
    _tensor_arg(input, "gather", "input", 1)
    idx = _index_array(index, "gather", "gather(): Expected dtype int32/int64 for index")
    d = dim_arg(dim, input.ndim, "gather")
    if idx.size == 0:  # torch checks no shapes then
        return input.reshape(-1)[0:0].reshape(idx.shape)
    x, i = _as_1d(input), idx.reshape(-1) if idx.ndim == 0 else idx
    if i.ndim != x.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as input "
                           "tensor")
    for k, (n, m) in enumerate(zip(i.shape, x.shape)):
        if k != d and n > m:
            raise RuntimeError(f"Size does not match at dimension {k} expected index "
                               f"{list(idx.shape)} to be no larger than self "
                               f"{list(input.shape)} apart from dimension {d}")
    _check_bounds(i, x.shape[d], d)
    out = R.GatherAlongDim.apply(_fit(x, i.shape, d), i, d)
    return out.reshape(idx.shape) if idx.ndim == 0 else out


def take_along_dim(input, indices, dim=None):
    """``input`` at ``indices`` along ``dim`` (the two broadcast in the other dims); with no
    dim, the flattened ``input`` at the flattened ``indices``."""
    _tensor_arg(input, "take_along_dim", "input", 1)
    _tensor_arg(indices, "take_along_dim", "indices", 2)
    kind = indices._data.dtype
    if kind != np.int64:
        raise RuntimeError("torch.take_along_dim(): dtype of indices should be Long but got "
                           f"{_TORCH_NAMES.get(kind.name, kind.name)}")
    if dim is None:
        return gather(input.reshape(-1), 0, indices.reshape(-1))
    if input.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    if input.ndim != indices.ndim:
        raise RuntimeError("torch.take_along_dim(): input and indices should have the same "
                           f"number of dimensions, but got {input.ndim} dimensions for input, "
                           f"and {indices.ndim} dimensions for indices")
    d = dim_arg(dim, input.ndim, "take_along_dim")
    sa = [1 if k == d else n for k, n in enumerate(input.shape)]
    sb = [1 if k == d else n for k, n in enumerate(indices.shape)]
    err = broadcast_error("take_along_dim", sa, sb)
    if err is not None:
        raise err
    shape = list(np.broadcast_shapes(tuple(sa), tuple(sb)))
    x_shape = tuple(input.shape[d] if k == d else n for k, n in enumerate(shape))
    i_shape = tuple(indices.shape[d] if k == d else n for k, n in enumerate(shape))
    x = input if tuple(input.shape) == x_shape else input.expand(*x_shape)
    i = indices if tuple(indices.shape) == i_shape else indices.expand(*i_shape)
    return gather(x, d, i)


def _scatter_prep(op, input, dim, index, src):
    """Check scatter-like arguments as torch does: (input as 1-d if 0-d, src as 1-d if 0-d
    and cut to index's shape (or None), the int64 index, the dim), or None for an empty
    index (torch checks no shapes then)."""
    _tensor_arg(input, op, "input", 1)
    if src is not None:
        _tensor_arg(src, op, "src", 4)
    idx = _index_array(index, op, "scatter(): Expected dtype int32/int64 for index")
    d = dim_arg(dim, input.ndim, op)
    if src is not None and src._data.dtype != input._data.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    if idx.size == 0:
        return None
    x = _as_1d(input)
    i = idx.reshape(-1) if idx.ndim == 0 else idx
    if i.ndim != x.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    if src is None:
        if any(k != d and n > m for k, (n, m) in enumerate(zip(i.shape, x.shape))):
            raise RuntimeError(f"Expected index {list(idx.shape)} to be no larger than self "
                               f"{list(input.shape)} apart from dimension {d}")
        _check_bounds(i, x.shape[d], d)
        return x, None, i, d
    s = _as_1d(src)
    if i.ndim != s.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    if any((k != d and n > m) or n > sn for k, (n, m, sn) in
           enumerate(zip(i.shape, x.shape, s.shape))):
        raise RuntimeError(f"Expected index {list(idx.shape)} to be no larger than self "
                           f"{list(input.shape)} apart from dimension {d} and to be no larger "
                           f"size than src {list(src.shape)}")
    _check_bounds(i, x.shape[d], d)
    return x, _fit(s, i.shape, -1), i, d


def _back_to(out, input):
    return out.reshape(()) if input.ndim == 0 else out


def scatter_add(input, dim, index, src):
    """``input`` with ``src``'s values added at ``index`` along ``dim`` (repeats add up):
    out[index[i][j]][j] += src[i][j] (dim 0).  ``src`` may be larger than ``index``."""
    _tensor_arg(src, "scatter_add", "src", 4)
    prep = _scatter_prep("scatter_add", input, dim, index, src)
    if prep is None:
        return input.clone()
    x, s, i, d = prep
    return _back_to(I.ScatterAdd.apply(x, s, i, d), input)


def _scatter_add_(t, dim, index, src):
    return inplace(t, lambda: scatter_add(t, dim, index, src), "scatter_add_")


_OLD_REDUCE = {"add": False, "multiply": True}


def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    """``input`` with ``src``'s values (or the number ``value``) written at ``index`` along
    ``dim``: out[index[i][j]][j] = src[i][j] (dim 0).  With ``reduce='add'|'multiply'``
    (deprecated in torch, no gradient) they are added or multiplied in instead.

    Where ``index`` names a place twice, torch leaves open which value lands there; here it is
    the one numpy writes last, and only that one gets the gradient."""
    if src is not None and value is not None:
        raise TypeError("scatter() received an invalid combination of arguments - got both "
                        "src and value")
    if src is None and value is None:
        raise TypeError("scatter() missing 1 required positional argument: 'src' or 'value'")
    if src is not None and not isinstance(src, TensorBase):
        if isinstance(src, NUMBER):
            src, value = None, src
        else:
            _tensor_arg(src, "scatter", "src", 4)
    if value is not None and not isinstance(value, NUMBER):
        raise TypeError(f"scatter(): argument 'value' must be Number, not "
                        f"{type(value).__name__}")
    if reduce is not None and reduce not in _OLD_REDUCE:
        raise RuntimeError("reduce argument must be either add or multiply.")
    prep = _scatter_prep("scatter", input, dim, index, src)
    if prep is None:
        return input.clone()
    x, s, i, d = prep
    if s is None:
        s = fitted(value, x._data.dtype)
        if reduce is None:
            return _back_to(I.ScatterValue.apply(x, s, i, d), input)
    if reduce is not None:
        if src is not None:
            warnings.warn("The reduce argument of torch.scatter with Tensor src is deprecated "
                          "and will be removed in a future PyTorch release. Use "
                          "torch.scatter_reduce instead for more reduction options.",
                          UserWarning, stacklevel=2)
        # no derivative: the result needs a gradient only to fail at backward, as in torch
        return _back_to(I.ScatterOldReduce.apply(x, s, i, d, _OLD_REDUCE[reduce], "scatter"),
                        input)
    return _back_to(I.Scatter.apply(x, s, i, d), input)


def _scatter_(t, dim, index, src=None, *, value=None, reduce=None):
    return inplace(t, lambda: scatter(t, dim, index, src, value=value, reduce=reduce),
                   "scatter_")


_REDUCES = {"sum": "sum", "prod": "prod", "mean": "mean", "amax": "amax", "amin": "amin",
            "max": "amax", "min": "amin"}  # torch takes max and min too, undocumented


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """``input`` with ``src``'s values reduced into the places ``index`` names along ``dim``,
    by ``reduce`` (sum, prod, mean, amax, amin), ``input``'s own value included or not."""
    _tensor_arg(src, "scatter_reduce", "src", 4)
    if reduce not in _REDUCES:
        raise RuntimeError("reduce argument must be either sum, prod, mean, amax or amin, "
                           f"got {reduce}")
    prep = _scatter_prep("scatter_reduce", input, dim, index, src)
    if prep is None:
        return input.clone()
    x, s, i, d = prep
    kind = x._data.dtype
    if reduce == "mean" and kind == np.bool_:
        raise NotImplementedError('"scatter_gather_tensor_cpu_reduce_mean" not implemented '
                                  "for 'Bool'")
    out = I.ScatterReduce.apply(x, s, i, d, _REDUCES[reduce], bool(include_self))
    return _back_to(out, input)


def _scatter_reduce_(t, dim, index, src, reduce, *, include_self=True):
    return inplace(t, lambda: scatter_reduce(t, dim, index, src, reduce,
                                             include_self=include_self), "scatter_reduce_")


def _vector_index(index, op, position=3):
    _tensor_arg(index, op, "index", position)
    return index._data.astype(np.int64, copy=False).reshape(-1)


def index_add(input, dim, index, source, *, alpha=1):
    """``input`` with ``alpha * source``'s slices added at the slices ``index`` names along
    ``dim`` (repeated indices add up)."""
    op = "index_add_"
    _tensor_arg(input, "index_add", "input", 1)
    _tensor_arg(index, "index_add", "index", 3)
    _tensor_arg(source, "index_add", "source", 4)
    d = dim_arg(dim, input.ndim, "index_add")
    if index.ndim > 1:
        raise IndexError(f"{op}(): Index is supposed to be a vector, but got dim: "
                         f"{index.ndim} with type: {_torch_name(index)} and size: "
                         f"{list(index.shape)}")
    if index._data.dtype not in _INDEX_KINDS:
        raise RuntimeError(f"{op}(): Expected dtype int32/int64 for index but got: "
                           f"{_torch_name(index)}")
    if source._data.dtype != input._data.dtype:
        raise RuntimeError(f"{op}(): self ({_torch_name(input)}) and source "
                           f"({_torch_name(source)}) must have the same scalar type")
    if not (d == 0 or d < source.ndim):
        raise RuntimeError(f"{op}(): Indexing dim {d} is out of bounds of the source tensor "
                           f"with dim {source.ndim}")
    idx = _vector_index(index, "index_add")
    if idx.size != (1 if source.ndim == 0 else source.shape[d]):
        if source.ndim == 0:
            raise IndexError(f"Dimension specified as {d} but tensor has no dimensions")
        raise RuntimeError(f"{op}(): Number of indices ({idx.size}) should be equal to "
                           f"source.size(dim): ({source.shape[d]}), for dim: {d}")
    a, b = list(input.shape), list(source.shape)
    if a and b:
        del a[d], b[d]
    if a != b:
        raise RuntimeError("source tensor shape must match self tensor shape, excluding the "
                           f"specified dimension. Got self.shape = {list(input.shape)} "
                           f"source.shape = {list(source.shape)}")
    x, s = _as_1d(input), _as_1d(source)
    _check_bounds(idx, x.shape[d], d)
    if not isinstance(alpha, NUMBER):
        raise TypeError(f"index_add(): argument 'alpha' must be Number, not "
                        f"{type(alpha).__name__}")
    if x._data.dtype.kind in "biu":  # torch converts alpha to the tensor's type
        alpha = bool(alpha) if x._data.dtype.kind == "b" else int(alpha)
    key = (slice(None),) * d + (idx,)
    return _back_to(I.IndexAddDim.apply(x, s, key, alpha), input)


def _index_add_(t, dim, index, source, *, alpha=1):
    return inplace(t, lambda: index_add(t, dim, index, source, alpha=alpha), "index_add_")


def index_copy(input, dim, index, source):
    """``input`` with ``source``'s slices written at the slices ``index`` names along
    ``dim``."""
    op = "index_copy_"
    _tensor_arg(input, "index_copy", "input", 1)
    _tensor_arg(index, "index_copy", "index", 3)
    _tensor_arg(source, "index_copy", "source", 4)
    d = dim_arg(dim, input.ndim, "index_copy")
    if index.ndim > 1:
        raise IndexError(f"{op}(): Index should have dimension 1 or 0 (got {index.ndim})")
    if index._data.dtype != np.int64:
        raise RuntimeError(f"{op}(): Expected a long tensor for index, but got "
                           f"{_torch_name(index)}")
    if source._data.dtype != input._data.dtype:
        raise RuntimeError(f"{op}(): self and source expected to have the same dtype, but got "
                           f"(self) {_torch_name(input)} and (source) {_torch_name(source)}")
    idx = _vector_index(index, "index_copy")
    if input.ndim and source.ndim and input.ndim != source.ndim:
        raise IndexError(f"{op}(): When source and destination are not scalars, their "
                         f"dimensionality must match. Source dimensionality ({source.ndim}), "
                         f"destination dimensionality ({input.ndim})")
    x, s = _as_1d(input), _as_1d(source)
    for k, (n, m) in enumerate(zip(x.shape, s.shape)):
        if k != d and n != m:
            raise RuntimeError(f"{op}(): Source/destination tensor must have same slice "
                               f"shapes. Destination slice shape: {n} at dimension {k} and "
                               f"source slice shape: {m} at dimension {k}.")
    if idx.size != s.shape[d]:
        raise IndexError(f"{op}(): Number of indices ({idx.size}) should be equal to "
                         f"source.size(dim) ({s.shape[d]})")
    bad = (idx < 0) | (idx >= x.shape[d])
    if bad.any():
        raise IndexError(f"{op}(): index {idx[bad][0]} is out of bounds for dimension {d} "
                         f"with size {x.shape[d]}")
    key = (slice(None),) * d + (idx,)
    return _back_to(I.IndexCopy.apply(x, key, s), input)


def _index_copy_(t, dim, index, source):
    return inplace(t, lambda: index_copy(t, dim, index, source), "index_copy_")


def index_fill(input, dim, index, value):
    """``input`` with ``value`` (a number or a 0-d tensor) written in the slices ``index``
    names along ``dim``."""
    op = "index_fill_"
    _tensor_arg(input, "index_fill", "input", 1)
    _tensor_arg(index, "index_fill", "index", 3)
    if isinstance(value, TensorBase):
        if value.ndim != 0:
            raise RuntimeError(f"{op} only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value.ndim} dimension(s).")
    elif not isinstance(value, NUMBER):
        raise TypeError(f"index_fill(): argument 'value' must be Number or Tensor, not "
                        f"{type(value).__name__}")
    d = dim_arg(dim, input.ndim, "index_fill")
    if index._data.dtype != np.int64:
        raise IndexError(f"{op}(): Expected dtype int64 for index.")
    if index.ndim > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    idx = _vector_index(index, "index_fill")
    x = _as_1d(input)
    size = x.shape[d]
    bad = (idx < -size) | (idx >= size)
    if bad.any():
        raise IndexError(f"index {idx[bad][0]} is out of bounds for dimension {d} with size "
                         f"{size}")
    kind = x._data.dtype
    if isinstance(value, TensorBase):
        v = value if value._data.dtype == kind else cast(value, kind)
    else:
        v = fitted(value, kind)
    # each slice once: value's gradient sums g over the filled places
    key = (slice(None),) * d + (np.unique(idx % size) if size else idx,)
    fill = I.IndexFillTensor if isinstance(v, TensorBase) else I.IndexFill
    return _back_to(fill.apply(x, key, v), input)


def _index_fill_(t, dim, index, value):
    return inplace(t, lambda: index_fill(t, dim, index, value), "index_fill_")


def masked_scatter(input, mask, source):
    """``input`` (broadcast with ``mask``) with ``source``'s first values written, in order,
    where ``mask`` is True."""
    _tensor_arg(input, "masked_scatter", "input", 1)
    _tensor_arg(mask, "masked_scatter", "mask", 2)
    _tensor_arg(source, "masked_scatter", "source", 3)
    if mask._data.dtype != np.bool_:
        raise RuntimeError("masked_scatter_ only supports boolean masks, but got mask with "
                           f"dtype {_torch_name(mask)}")
    if source._data.dtype != input._data.dtype:
        raise RuntimeError("masked_scatter: expected self and source to have same dtypes but "
                           f"got{_torch_name(input)} and {_torch_name(source)}")
    err = broadcast_error("masked_scatter", mask.shape, input.shape)
    if err is not None:
        raise err
    shape = np.broadcast_shapes(tuple(input.shape), tuple(mask.shape))
    where = np.broadcast_to(mask._data, shape)
    n = int(np.count_nonzero(where))
    if n > source.numel():
        raise RuntimeError("Number of elements of source < number of ones in mask")
    x = input if tuple(input.shape) == shape else input.expand(*shape)
    return I.MaskedScatter.apply(x, where, source.reshape(-1)[:n])


def _masked_scatter_(t, mask, source):
    _tensor_arg(mask, "masked_scatter_", "mask", 1)
    mask.expand(*t.shape)  # the mask must broadcast to t's shape: expand's error if not
    return inplace(t, lambda: masked_scatter(t, mask, source), "masked_scatter_")


def take(input, index):
    """The flattened ``input`` at ``index`` (negative indices count from the end), in
    ``index``'s shape."""
    _tensor_arg(input, "take", "input", 1)
    _tensor_arg(index, "take", "index", 2)
    if index._data.dtype != np.int64:
        raise RuntimeError(f"take(): Expected a long tensor for index, but got "
                           f"{_torch_name(index)}")
    idx, n = index._data, input.numel()
    if n == 0 and idx.size:
        raise IndexError("take(): tried to take from an empty tensor")
    bad = (idx < -n) | (idx >= n)
    if bad.any():
        raise IndexError(f"out of range: tried to access index {idx[bad].flat[0]} on a tensor "
                         f"of {n} elements.")
    return I.Take.apply(input.reshape(-1), idx % n if n else idx)


def index_select(input, dim, index):
    """The slices of ``input`` along ``dim`` at the positions in ``index`` (a vector)."""
    _tensor_arg(input, "index_select", "input", 1)
    _tensor_arg(index, "index_select", "index", 3)
    if index._data.dtype not in _INDEX_KINDS:
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    idx = index._data.astype(np.int64, copy=False)
    if idx.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    d = dim_arg(dim, input.ndim, "index_select")
    if input.ndim == 0 and idx.size != 1:
        raise RuntimeError("index_select(): Index to scalar can have only 1 value, got "
                           f"{idx.size} value(s)")
    size = input.shape[d] if input.ndim else 1
    bad = (idx < 0) | (idx >= size)
    if bad.any():
        raise RuntimeError(f"INDICES element is out of DATA bounds, id={idx[bad].flat[0]} "
                           f"axis_dim={size}")
    if input.ndim == 0:
        return I.IndexSelect.apply(input, ())
    return I.IndexSelect.apply(input, (slice(None),) * d + (idx.reshape(-1),))


def masked_select(input, mask):
    """The values of ``input`` where ``mask`` (bool, broadcast with ``input``) is True, as a
    1-d tensor."""
    _tensor_arg(input, "masked_select", "input", 1)
    _tensor_arg(mask, "masked_select", "mask", 2)
    if mask._data.dtype != np.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    err = broadcast_error("masked_select", input.shape, mask.shape)
    if err is not None:
        raise err
    shape = np.broadcast_shapes(tuple(input.shape), tuple(mask.shape))
    x = input if tuple(input.shape) == shape else input.expand(*shape)
    where = np.flatnonzero(np.broadcast_to(mask._data, shape))
    return I.MaskedSelect.apply(x.reshape(-1), where)


def nonzero(input, *, out=None, as_tuple=False):
    """The indices of ``input``'s nonzero elements: an (n, ndim) int64 tensor, or with
    ``as_tuple`` one 1-d tensor per dim (a 0-d input counts as 1-d)."""
    _tensor_arg(input, "nonzero", "input", 1)
    if out is not None:
        raise TypeError("nonzero(): out= is not supported by tinytorch")
    data = input._data
    if as_tuple:
        return tuple(_make(np.ascontiguousarray(a, dtype=np.int64))
                     for a in np.nonzero(np.atleast_1d(data)))
    return _make(np.ascontiguousarray(np.argwhere(data), dtype=np.int64))


def argwhere(input):
    """The indices of ``input``'s nonzero elements as an (n, ndim) int64 tensor."""
    return nonzero(input)


METHODS = {
    "gather": gather,
    "take_along_dim": take_along_dim,
    "scatter_add": scatter_add,
    "scatter_add_": _scatter_add_,
    "index_select": index_select,
    "masked_select": masked_select,
    "nonzero": lambda self, *, as_tuple=False: nonzero(self, as_tuple=as_tuple),
    "argwhere": argwhere,
    "scatter": scatter,
    "scatter_": _scatter_,
    "scatter_reduce": scatter_reduce,
    "scatter_reduce_": _scatter_reduce_,
    "index_add": index_add,
    "index_add_": _index_add_,
    "index_copy": index_copy,
    "index_copy_": _index_copy_,
    "index_fill": index_fill,
    "index_fill_": _index_fill_,
    "masked_scatter": masked_scatter,
    "masked_scatter_": _masked_scatter_,
    "take": take,
}
