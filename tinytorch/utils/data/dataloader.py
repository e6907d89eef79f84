"""The loader (``torch.utils.data.dataloader``): ``DataLoader`` and its epoch iterator; it
also re-exports ``default_collate``, ``default_convert`` and ``get_worker_info``, as torch's
module does."""
import itertools

import numpy as np

from ..._api import array, wrap
from ... import _torch_stream as TS
from ...random import _stream
from ...tensor import Tensor
from ._utils import _is_int
from ._utils.collate import default_collate, default_convert
from .dataset import IterableDataset, Subset, TensorDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler

__all__ = ["DataLoader", "get_worker_info", "default_collate", "default_convert"]


def get_worker_info():
    """Always ``None``: tinytorch loads data in the main process."""
    return None


# --- the fast path -----------------------------------------------------------------------

def _tensor_columns(dataset):
    """``(tensors, index_map)`` when ``dataset`` is a plain TensorDataset, possibly inside
    plain Subsets (``index_map`` maps loader indices to rows, or is None); else None."""
    index_map = None
    while True:
        cls = type(dataset)
        if (isinstance(dataset, Subset) and cls.__getitem__ is Subset.__getitem__
                and cls.__getitems__ is Subset.__getitems__):
            try:
                idx = np.asarray(array(dataset.indices) if isinstance(dataset.indices, Tensor)
                                 else dataset.indices)
            except Exception:
                return None
            if idx.ndim != 1 or (idx.size and idx.dtype.kind not in "iu"):
                return None
            idx = idx.astype(np.intp, copy=False)
            index_map = idx if index_map is None else idx[index_map]
            dataset = dataset.dataset
            continue
        if (isinstance(dataset, TensorDataset) and dataset.tensors
                and cls.__getitem__ is TensorDataset.__getitem__
                and getattr(cls, "__getitems__", None) is None):
            return dataset.tensors, index_map
        return None


def _gather(tensors, index_map, idx):
    """One batch of a TensorDataset: each tensor indexed by the whole index array at once
    (``t[idx]`` equals ``stack([t[i] for i in idx])``)."""
    rows = np.asarray(idx, dtype=np.intp)
    if index_map is not None:
        rows = index_map[rows]
    return [t[wrap(rows)] if t.requires_grad else wrap(array(t)[rows]) for t in tensors]

# --- DataLoader --------------------------------------------------------------------------

class DataLoader:
    """Iterate over ``dataset`` in batches.

    ``DataLoader(dataset, batch_size=1, shuffle=False, sampler=None, batch_sampler=None,
    num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
    worker_init_fn=None, multiprocessing_context=None, generator=None, *,
    prefetch_factor=None, persistent_workers=False, pin_memory_device='', in_order=True)``

    * ``shuffle=True`` draws a new permutation every epoch from ``generator`` (or the default
      generator, so ``tinytorch.manual_seed`` makes runs repeat);
    * ``len(loader)`` is ``ceil(len(dataset) / batch_size)``, or the floor with
      ``drop_last=True``;
    * ``batch_size=None`` turns batching off: each sample is yielded on its own (numpy data
      converted to Tensors).

    Worker/pinning options are accepted for compatibility; data is loaded in this process.
    """

    _FROZEN = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset",
               "persistent_workers")

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="",
                 in_order=True):
        if not _is_int(num_workers) or num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to "
                             "disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in "
                             "multiprocessing.let num_workers > 0 to enable multiprocessing, "
                             "otherwise set prefetch_factor to None.")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")

        iterable = isinstance(dataset, IterableDataset)
        if iterable:
            if shuffle not in (False, None):
                raise ValueError("DataLoader with IterableDataset: expected unspecified shuffle "
                                 f"option, but got shuffle={shuffle}")
            if sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified sampler "
                                 f"option, but got sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified "
                                 f"batch_sampler option, but got batch_sampler={batch_sampler}")
        else:
            shuffle = bool(shuffle)
            if sampler is not None and shuffle:
                raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                                 "shuffle, sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")
        if batch_size is not None and (not _is_int(batch_size) or batch_size <= 0):
            raise ValueError(f"batch_size should be a positive integer value, but got "
                             f"batch_size={batch_size}")

        if sampler is None and not iterable:
            sampler = (RandomSampler(dataset, generator=generator) if shuffle
                       else SequentialSampler(dataset))
        if batch_size is not None and batch_sampler is None and not iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = num_workers
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.generator = generator
        self.prefetch_factor = prefetch_factor
        self.persistent_workers = persistent_workers
        self.in_order = in_order
        self._iterable = iterable
        self._auto_collation = batch_sampler is not None or (iterable and batch_size is not None)
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.__initialized = True

    def __setattr__(self, name, value):
        if name in self._FROZEN and getattr(self, "_DataLoader__initialized", False):
            raise ValueError(f"{name} attribute should not be set after "
                             f"{type(self).__name__} is initialized")
        object.__setattr__(self, name, value)

    @property
    def _index_sampler(self):
        return self.batch_sampler if self.batch_sampler is not None else self.sampler

    def __iter__(self):
        return _DataLoaderIter(self)

    def __len__(self):
        if self._iterable:
            n = len(self.dataset)
            if self.batch_size is not None:
                n = n // self.batch_size if self.drop_last else -(-n // self.batch_size)
            return n
        return len(self._index_sampler)

    def __repr__(self):
        shuffle = isinstance(self.sampler, RandomSampler)
        return (f"DataLoader(dataset={self.dataset!r}, batch_size={self.batch_size}, "
                f"shuffle={shuffle}, drop_last={self.drop_last})")


class _DataLoaderIter:
    """One epoch over a DataLoader."""

    def __init__(self, loader):
        self._loader = loader
        self._dataset = loader.dataset
        self._collate = loader.collate_fn
        self._auto = loader._auto_collation
        self._columns = None
        # torch draws a base seed for worker processes at the start of every epoch (an int64
        # ``random_()`` of the loader's generator); draw it too so the loader consumes the
        # random stream the way torch's does
        TS.int64_seed(_stream(loader.generator))
        if loader._iterable:
            self._it = iter(self._dataset)
            self._ended = False
            return
        bs = loader.batch_sampler
        if self._auto and self._collate is default_collate:
            self._columns = _tensor_columns(self._dataset)
        if self._columns is not None and type(bs).__iter__ is BatchSampler.__iter__:
            self._batches = bs._index_batches()
        else:
            self._batches = iter(loader._index_sampler)

    def __iter__(self):
        return self

    def __len__(self):
        return len(self._loader)

    def __next__(self):
        if self._loader._iterable:
            return self._next_iterable()
        idx = next(self._batches)
        if not self._auto:
            return self._collate(self._dataset[idx])
        if self._columns is not None and len(idx):
            try:
                return _gather(*self._columns, idx)
            except (IndexError, TypeError, ValueError):
                pass  # bad indices: let the dataset itself raise its own clear error
        if isinstance(idx, np.ndarray):
            idx = idx.tolist()
        getitems = getattr(self._dataset, "__getitems__", None)
        data = getitems(idx) if callable(getitems) else [self._dataset[i] for i in idx]
        return self._collate(data)

    def _next_iterable(self):
        if self._ended:
            raise StopIteration
        if not self._auto:
            return self._collate(next(self._it))
        bs = self._loader.batch_size
        batch = list(itertools.islice(self._it, bs))
        if len(batch) < bs:
            self._ended = True
        if not batch or (self._loader.drop_last and len(batch) < bs):
            raise StopIteration
        return self._collate(batch)

    def __repr__(self):
        return f"<DataLoader iterator: {len(self._loader)} batches>"
