"""Collation (``torch.utils.data._utils.collate``): ``default_collate`` merges samples into a
batch, ``default_convert`` turns one sample's numpy data into Tensors."""
import collections.abc
import copy

import numpy as np

from .... import _dtype
from ...._api import array, wrap
from ...._ops import stack
from ....creation import as_tensor, tensor
from ....tensor import Tensor

__all__ = ["default_collate", "default_convert"]


_COLLATE_ERR = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or "
                "lists; found {}")


def _bad_np_dtype(dt):
    return dt.kind in "SaUO"


def _stack_tensors(batch):
    """``tinytorch.stack(batch)``, done in one numpy call when no graph is needed."""
    first = array(batch[0])
    plain = True
    for k, t in enumerate(batch):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {k} in argument 0, but got "
                            f"{type(t).__name__}")
        d = array(t)
        if t.requires_grad or d.shape != first.shape or d.dtype != first.dtype:
            plain = False
    if plain:
        return wrap(np.stack([array(t) for t in batch]))
    return stack(batch)  # records the graph / promotes dtypes / raises torch's shape error


def default_collate(batch):
    """Merge a list of samples into a batch, recursively:

    * Tensors -> ``stack`` along a new dim 0; numpy arrays -> the same, as Tensors;
    * Python floats -> float64 tensor, ints -> int64, bools -> bool, numpy scalars keep
      their dtype;
    * str / bytes -> the list unchanged;
    * dict -> dict of collated values; namedtuple -> namedtuple; tuple/list -> list of
      collated columns (torch returns tuples as lists too).

    >>> default_collate([(1, 2.0), (3, 4.0)])
    [tensor([1, 3]), tensor([2., 4.], dtype=tinytorch.float64)]
    """
    if len(batch) == 0:
        raise IndexError("default_collate: got an empty batch")
    elem = batch[0]
    if isinstance(elem, Tensor):
        return _stack_tensors(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, np.ndarray):
        if _bad_np_dtype(elem.dtype):
            raise TypeError(_COLLATE_ERR.format(elem.dtype))
        return _stack_tensors([as_tensor(b) for b in batch])
    if isinstance(elem, np.generic):
        if _bad_np_dtype(elem.dtype):
            raise TypeError(_COLLATE_ERR.format(elem.dtype))
        return as_tensor(np.array(batch))
    if isinstance(elem, float):
        return tensor(batch, dtype=_dtype.float64)
    if isinstance(elem, int):
        return tensor(batch)
    if isinstance(elem, collections.abc.Mapping):
        cols = {key: default_collate([d[key] for d in batch]) for key in elem}
        if isinstance(elem, collections.abc.MutableMapping):
            try:
                clone = copy.copy(elem)
                clone.update(cols)
                return clone
            except TypeError:
                return cols
        try:
            return type(elem)(cols)
        except TypeError:
            return cols
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return type(elem)(*(default_collate(list(col)) for col in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(s) != size for s in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        cols = [default_collate(list(col)) for col in zip(*batch)]
        if isinstance(elem, tuple):
            return cols
        if isinstance(elem, collections.abc.MutableSequence):
            try:
                clone = copy.copy(elem)
                for i, c in enumerate(cols):
                    clone[i] = c
                return clone
            except TypeError:
                return cols
        try:
            return type(elem)(cols)
        except TypeError:
            return cols
    raise TypeError(_COLLATE_ERR.format(type(elem)))


def default_convert(data):
    """What the loader applies to each sample when batching is off (``batch_size=None``):
    numpy arrays and scalars become Tensors, containers are converted recursively, everything
    else is returned as is."""
    if isinstance(data, Tensor) or isinstance(data, (str, bytes)):
        return data
    if isinstance(data, np.ndarray):
        return data if _bad_np_dtype(data.dtype) else as_tensor(data)
    if isinstance(data, np.generic):
        return data if _bad_np_dtype(data.dtype) else as_tensor(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        cols = {key: default_convert(data[key]) for key in data}
        try:
            if isinstance(data, collections.abc.MutableMapping):
                clone = copy.copy(data)
                clone.update(cols)
                return clone
            return type(data)(cols)
        except TypeError:
            return cols
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence):
        items = [default_convert(d) for d in data]
        try:
            if isinstance(data, collections.abc.MutableSequence):
                clone = copy.copy(data)
                for i, d in enumerate(items):
                    clone[i] = d
                return clone
            return type(data)(items)
        except TypeError:
            return items
    return data
