"""torch's index read into a numpy key (``key``), with torch's errors for a bad index.

torch reads an index from left to right (``applySlicing`` in python_variable_indexing.cpp):

* an int selects (its dim goes away), a slice slices, None adds a dim of size 1, and ``...``
  stands for as many full slices as the other items leave over;
* an index tensor, or a list or tuple inside the index (made into one), is set aside with the
  dim it indexes; a bool mask indexes as many dims as it has, and True or False (or a 0-d
  bool tensor) adds a dim of size 1 that it indexes with [0] or [];
* then the index tensors set aside are applied together (``at::index``): their broadcast
  shape takes the place of the dims they index when those dims are next to each other, and
  goes in front otherwise.

numpy agrees but for one point: an int among index arrays counts as one more index array
(for x of shape (2, 3, 4), numpy's x[0, :, [1, 2]] has shape (2, 3), torch's (3, 2)).  So
``key`` writes a torch index as one or two numpy steps, x[basic][arrays]: the ints, slices
and Nones first (a view), then the index arrays with full slices for the other dims.
"""
import operator
import warnings
from typing import NamedTuple

import numpy as np

from .autograd.function import TensorBase
from .functions.index import Steps, take

_ALL = slice(None)
_INT = (int, np.integer)
_SEQUENCE = (list, tuple, range, str, bytes)
_MASK = (np.bool_, np.uint8)  # index tensors of these dtypes are masks
_INDEX_DTYPES = (np.int64, np.int32, np.bool_)

_LIST_AS_TUPLE = (
    "Using a non-tuple sequence for multidimensional indexing is deprecated and will be "
    "changed in pytorch 2.9; use x[tuple(seq)] instead of x[seq]. In pytorch 2.9 this will be "
    "interpreted as tensor index, x[torch.tensor(seq)], which will result either in an error "
    "or a different result")


class IndexArray(NamedTuple):
    """An index array set aside while an index is read, and the first dim of x[basic] that
    it indexes (a bool mask indexes mask.ndim dims from there)."""

    dim: int
    array: np.ndarray

    @property
    def width(self):
        return self.array.ndim if self.array.dtype == np.bool_ else 1


def is_one_mask(idx):
    """The index holds one index array, a bool mask (torch then writes with masked_fill_)."""
    arrays = idx.arrays if isinstance(idx, Steps) else idx
    arrays = [arrays] if isinstance(arrays, np.ndarray) else \
        [a for a in arrays if isinstance(a, np.ndarray)]
    return len(arrays) == 1 and arrays[0].dtype == np.bool_


def has_byte_mask(idx):
    """The index holds a uint8 tensor (a mask, deprecated in torch)."""
    if isinstance(idx, TensorBase):
        return idx._data.dtype == np.uint8 and idx._data.ndim > 0
    return isinstance(idx, (tuple, list)) and any(has_byte_mask(i) for i in idx
                                                  if isinstance(i, TensorBase))


def key(idx, shape, strict=False):
    """torch's index ``idx`` into a tensor of ``shape`` as a numpy key: a basic one (a view),
    an advanced one, or Steps; torch's error if the index is bad.

    The common indices go to numpy as they are (``_as_numpy_reads_it``): numpy refuses the
    same ones as torch, and when it refuses, the caller asks again with ``strict`` for
    torch's own reading and error.  ``strict`` also makes torch's checks of the index arrays
    (out of range, not broadcastable), which numpy otherwise makes as it indexes.
    """
    if not strict:
        fast = _as_numpy_reads_it(idx, shape)
        if fast is not None:
            return fast
    return _plan(idx, shape, strict)


def _as_numpy_reads_it(idx, shape):
    """``idx`` for numpy, if numpy reads it as torch does (else None): ints, slices with
    steps above zero, None and ... (basic indexing), with int index tensors or lists of
    ints among them (in two steps if there are ints, which numpy would count as index
    arrays), or else a lone bool mask of the shape of x's first dims."""
    items = idx if type(idx) is tuple else (idx,)
    ints = arrays = False
    for i in items:
        kind = type(i)
        if kind is int:
            ints = True
        elif kind is slice:
            if i.step is not None and (type(i.step) is not int or i.step <= 0):
                return None
        elif i is None or i is Ellipsis:
            continue
        elif isinstance(i, TensorBase) and i._data.ndim and i._data.dtype in _INDEX_DTYPES:
            if i._data.dtype == np.bool_ and (i is not idx or  # numpy lets some bad masks by
                                              i._data.shape != shape[:i._data.ndim]):
                return None
            arrays = True
        elif kind is list and all(type(j) is int for j in i):
            arrays = True
        else:
            return None
    if not arrays:
        # the trailing ... makes numpy return a view even when every dim gets an int
        return items if Ellipsis in items else items + (Ellipsis,)
    if items is not idx:  # a lone index tensor or list
        return idx._data if isinstance(idx, TensorBase) else np.array(idx, np.int64)
    key = tuple(i._data if isinstance(i, TensorBase) else
                np.array(i, np.int64) if type(i) is list else i for i in items)
    if not ints:
        return key
    basic = tuple(_ALL if isinstance(i, np.ndarray) else i for i in key)
    then = tuple(i if isinstance(i, np.ndarray) or i is Ellipsis else _ALL
                 for i in key if type(i) is not int)
    return Steps(basic if Ellipsis in basic else basic + (Ellipsis,), then)


def result_shape(idx, shape):
    """The shape of x[idx] for x of ``shape``, with torch's errors for a bad index but for
    index arrays out of range (torch finds those last, as it reads them)."""
    return take(np.broadcast_to(np.empty((), np.int8), shape),
                _plan(idx, shape, strict=True, in_range=False)).shape


def _plan(idx, shape, strict, in_range=True):
    """The numpy key for torch's index ``idx`` into ``shape``, read as the module docstring
    tells.  Without ``in_range`` the index arrays are not read, only their shapes."""
    items = _items(idx)
    ndim = len(shape)
    if ndim == 0 and not isinstance(idx, (tuple, list)):
        _check_0d(idx)
    named = sum(_dims_named(i) for i in items)
    if named > ndim:
        raise _too_many(ndim, named)
    basic, arrays, sizes = [], [], []  # sizes: the shape of x[basic] so far
    src, overrun = 0, False  # the next dim of x to index; a second ... went past the last
    for pos, item in enumerate(items):
        item = _read(item)
        if overrun and item is not Ellipsis:
            raise _too_many(ndim, named)
        if item is None or isinstance(item, bool):
            if item is not None:  # True / False: a new dim, indexed by [0] / []
                arrays.append(IndexArray(len(sizes), np.zeros(int(item), np.int64)))
            basic.append(None)
            sizes.append(1)
            continue
        if item is Ellipsis:
            width = ndim - named
            if src + width > ndim:  # torch takes several ...; only one can cover dims
                width, overrun = ndim - src, True
        else:
            width = item.ndim if isinstance(item, np.ndarray) and item.dtype == np.bool_ else 1
            if src + width > ndim:
                raise _too_many(ndim, named)
        if isinstance(item, int):
            n = shape[src]
            if not -n <= item < n:
                raise IndexError(f"index {item} is out of bounds for dimension {pos} with "
                                 f"size {n}")
            basic.append(item)
        elif isinstance(item, slice):
            basic.append(item)
            sizes.append(len(range(*item.indices(shape[src]))))
        else:  # ... or an index array: full slices in the first step
            if item is not Ellipsis:
                arrays.append(IndexArray(len(sizes), item))
            basic.extend([_ALL] * width)
            sizes.extend(shape[src:src + width])
        src += width
    sizes.extend(shape[src:])
    for a in arrays:  # torch checks these once it has read every item
        if a.array.dtype not in _INDEX_DTYPES:
            raise IndexError("tensors used as indices must be long, int, byte or bool "
                             f"tensors, got dtype {a.array.dtype.name}")
    for a in arrays:
        if a.array.dtype == np.bool_:
            _check_mask(a, sizes)
    if strict and arrays:
        arrays = _checked(arrays, sizes, in_range)
    first = tuple(basic) + (Ellipsis,)
    if not arrays:
        return first
    then = _second_step(arrays)
    if all(type(b) is slice and b == _ALL for b in basic):
        return then
    return Steps(first, then)


def _too_many(ndim, named):
    return IndexError(f"too many indices for tensor of dimension {ndim} (the tensor is "
                      f"{ndim}-dimensional, but {named} were indexed)")


def _items(idx):
    """The items of an index.  A tuple lists them; so does a short list holding a sequence,
    a slice, a tensor, None or ... (torch still reads it so, with a warning); anything else
    is one item."""
    if isinstance(idx, tuple):
        return idx
    if isinstance(idx, list) and len(idx) < 32 and any(
            i is None or i is Ellipsis or isinstance(i, (slice, TensorBase, np.ndarray))
            or isinstance(i, _SEQUENCE) for i in idx):
        warnings.warn(_LIST_AS_TUPLE, UserWarning, stacklevel=5)
        return tuple(idx)
    return (idx,)


def _dims_named(item):
    """How many dims of x an item indexes, counted as torch counts them before it reads the
    items (``count_specified_dimensions``): a bool tensor as many as it has, a list one."""
    if item is None or item is Ellipsis or isinstance(item, bool):
        return 0
    if isinstance(item, TensorBase) and item._data.dtype in _MASK:
        return item._data.ndim
    return 1


def _read(item):
    """One item of an index as torch reads it: None, ..., a slice, an int, True or False, or
    an index array (int64 or int32 positions, or a bool mask)."""
    if item is None or item is Ellipsis or isinstance(item, bool):
        return item
    if isinstance(item, _INT):
        return int(item)
    if isinstance(item, slice):
        return _slice(item)
    if isinstance(item, TensorBase):
        return _index_tensor(item._data)
    if isinstance(item, (np.ndarray,) + _SEQUENCE):
        return _index_tensor(_from_data(item))
    raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                     f"Variables are valid indices (got {typename(item)})")


def _slice(s):
    """A slice with int bounds (a 0-d tensor gives its value); torch refuses a step below
    one."""
    try:
        start, stop, step = (v if v is None else operator.index(v)
                             for v in (s.start, s.stop, s.step))
    except TypeError:
        raise TypeError("slice indices must be integers or None or have an __index__ method") \
            from None
    if step is not None and step <= 0:
        raise ValueError("slice step cannot be zero" if step == 0 else
                         "step must be greater than zero")
    return slice(start, stop, step)


def _index_tensor(arr):
    """An index tensor's array as torch reads it: a 0-d integer one is an int (a 0-d bool
    one True or False), a uint8 one is a bool mask.  (Its dtype is checked later.)"""
    if arr.ndim == 0 and arr.dtype.kind in "biu":
        return bool(arr) if arr.dtype in _MASK else int(arr)
    if arr.dtype == np.uint8:
        warnings.warn("indexing with dtype torch.uint8 is now deprecated, please use a dtype "
                      "torch.bool instead.", UserWarning, stacklevel=6)
        return arr.astype(np.bool_)
    return arr


def _from_data(data):
    """A list, tuple or ndarray in an index as the tensor torch makes of it
    (``indexing_tensor_from_data``): bools (and uint8) stay, other numbers become int64,
    floats truncated toward zero."""
    if isinstance(data, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    try:
        arr = np.asarray(data if isinstance(data, np.ndarray) else _numbers(data))
    except ValueError as e:
        raise ValueError(f"index: the sequence {data!r:.60} does not make a tensor ({e})") \
            from None
    if arr.dtype in _MASK:
        return arr
    if arr.dtype.kind in "iuf":
        return arr.astype(np.int64)
    odd = _odd_item(data)
    if odd in ("str", "bytes"):
        raise TypeError(f"new(): invalid data type '{odd}'")
    if odd == "complex":
        raise TypeError("'complex' object cannot be interpreted as an integer")
    raise RuntimeError(f"Could not infer dtype of {odd}")


def _numbers(data):
    """A list in an index with each tensor in it replaced by the one number it holds."""
    out = []
    for i in data:
        if isinstance(i, TensorBase):
            if i._data.size != 1 or i._data.dtype.kind not in "biu":
                raise TypeError("only integer tensors of a single element can be converted to "
                                "an index")
            i = i._data.reshape(())[()]  # a numpy scalar: a bool or uint8 one stays a mask
        elif isinstance(i, (list, tuple)):
            i = _numbers(i)
        out.append(i)
    return out


def _odd_item(data):
    """The type name of the first item, however deep, of a list in an index that is not a
    number (None if there is none)."""
    for i in data:
        if isinstance(i, (list, tuple, np.ndarray)):
            odd = _odd_item(i)
            if odd is not None:
                return odd
        elif not isinstance(i, (int, float, np.number, np.bool_, TensorBase)):
            return typename(i)
    return None


def typename(obj):
    """How torch names a type in its errors: 'float', 'numpy.float64'."""
    kind = type(obj)
    return kind.__name__ if kind.__module__ == "builtins" else \
        f"{kind.__module__}.{kind.__name__}"


def _check_0d(idx):
    """torch's errors for a lone int or slice indexing a 0-d tensor."""
    if isinstance(idx, slice):
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    if isinstance(idx, _INT) and not isinstance(idx, bool):
        if idx == 0:
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                             "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
        raise IndexError(f"index {idx} is out of bounds for dimension 0 with size 0")


def _check_mask(a, sizes):
    """A bool mask has the shape of the dims it indexes."""
    for j, (m, n) in enumerate(zip(a.array.shape, sizes[a.dim:a.dim + a.width])):
        if m != n:
            raise IndexError(f"The shape of the mask {list(a.array.shape)} at index {j} does "
                             f"not match the shape of the indexed tensor {list(sizes)} at "
                             f"index {a.dim + j} (a boolean index of size {m} at dimension "
                             f"{a.dim + j}, where the tensor has size {n})")


def _checked(arrays, sizes, in_range=True):
    """The index arrays after torch's checks (``at::index``): they broadcast together and,
    when the result is not empty, index within their dims.  torch reads no index of an empty
    result, so there they become zeros, which numpy takes (as without ``in_range``)."""
    flat = []  # (positions, size of the dim) per indexed dim; a mask gives its nonzero()
    for a in arrays:
        if a.array.dtype == np.bool_:
            flat.extend(zip(np.nonzero(a.array), sizes[a.dim:]))
        else:
            flat.append((a.array, sizes[a.dim]))
    try:
        shape = np.broadcast_shapes(*(i.shape for i, _ in flat))
    except ValueError:
        shapes = ", ".join(str(list(i.shape)) for i, _ in flat)
        raise IndexError("shape mismatch: indexing tensors could not be broadcast together "
                         f"with shapes {shapes}") from None
    if 0 not in shape and 0 in (n for _, n in flat):
        raise IndexError("index is out of bounds for dimension with size 0")
    indexed = {d for a in arrays for d in range(a.dim, a.dim + a.width)}
    if not in_range or 0 in shape or 0 in (n for d, n in enumerate(sizes) if d not in indexed):
        return [a if a.array.dtype == np.bool_ else a._replace(array=np.zeros(shape, np.int64))
                for a in arrays]
    # the first bad position in the order torch reads them (row-major, then left to right)
    bad = np.stack([np.broadcast_to((i < -n) | (i >= n), shape) for i, n in flat], -1)
    bad = bad.reshape(-1, len(flat))
    rows = np.flatnonzero(bad.any(axis=1))
    if rows.size:
        j = int(np.argmax(bad[rows[0]]))
        i, n = flat[j]
        raise IndexError(f"index {np.broadcast_to(i, shape).flat[rows[0]]} is out of bounds "
                         f"for dimension {j} with size {n}")
    return arrays


def _second_step(arrays):
    """The numpy key that applies the index arrays to x[basic]: full slices elsewhere."""
    out, dim = [], 0
    for a in arrays:
        out.extend([_ALL] * (a.dim - dim))
        out.append(a.array)
        dim = a.dim + a.width
    return tuple(out)
