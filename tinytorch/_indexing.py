"""Indexing ops with torch's names: gather, scatter, index_select, masked_select, nonzero, ...

The module's functions call primitives from ``functions/``; ``__all__`` lists those exported
as ``tinytorch.<name>`` and ``METHODS`` the Tensor methods (name -> function taking the
tensor first), which tensor.py adds to its method table.

A 0-d input or index counts as 1-d of size 1 for gather and scatter_add, as in torch.
"""
import numpy as np

from ._checks import broadcast_error, dim_arg
from ._inplace import inplace
from .autograd.function import TensorBase, _make
from .functions import index as I
from .functions import reduce as R

__all__ = ["gather", "take_along_dim", "scatter_add", "index_select", "masked_select",
           "nonzero", "argwhere"]

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


def scatter_add(input, dim, index, src):
    """``input`` with ``src``'s values added at ``index`` along ``dim`` (repeats add up):
    out[index[i][j]][j] += src[i][j] (dim 0).  ``src`` may be larger than ``index``."""
    _tensor_arg(input, "scatter_add", "input", 1)
    _tensor_arg(src, "scatter_add", "src", 4)
    idx = _index_array(index, "scatter_add", "scatter(): Expected dtype int32/int64 for index")
    d = dim_arg(dim, input.ndim, "scatter_add")
    if src._data.dtype != input._data.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    if idx.size == 0:  # torch checks no shapes then
        return input.clone()
    x, s = _as_1d(input), _as_1d(src)
    i = idx.reshape(-1) if idx.ndim == 0 else idx
    if i.ndim != x.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    if i.ndim != s.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    if any((k != d and n > m) or n > sn for k, (n, m, sn) in
           enumerate(zip(i.shape, x.shape, s.shape))):
        raise RuntimeError(f"Expected index {list(idx.shape)} to be no larger than self "
                           f"{list(input.shape)} apart from dimension {d} and to be no larger "
                           f"size than src {list(src.shape)}")
    _check_bounds(i, x.shape[d], d)
    out = I.ScatterAdd.apply(x, _fit(s, i.shape, -1), i, d)
    return out.reshape(()) if input.ndim == 0 else out


def _scatter_add_(t, dim, index, src):
    return inplace(t, lambda: scatter_add(t, dim, index, src), "scatter_add_")


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
}
