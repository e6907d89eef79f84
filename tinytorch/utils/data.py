"""Datasets, samplers and the DataLoader, with ``torch.utils.data``'s names and behaviour.

A training loop reads mini-batches like this:

>>> x, y = tinytorch.randn(100, 3), tinytorch.randint(0, 2, (100,))
>>> loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True)
>>> len(loader)                       # ceil(100 / 32): the last batch holds 4 samples
4
>>> for xb, yb in loader:             # a fresh permutation every epoch
...     pass

The pipeline has four small parts:

* a *sampler* yields dataset indices: ``0, 1, 2, ...`` or a new random permutation per epoch;
* a *batch sampler* groups them into lists of ``batch_size`` indices;
* the *dataset* maps an index to a sample (``dataset[i]``);
* ``collate_fn`` merges a list of samples into batched tensors (``default_collate`` stacks
  tensors, arrays and numbers along a new first dim and keeps tuple/list/dict structure).

For a ``TensorDataset`` with the default collate the loader skips the per-sample work and
gathers each batch with one fancy-indexing copy per tensor: the same batches, much faster.
Everything runs in the main process; ``num_workers`` and the other multiprocessing options are
accepted for compatibility and change nothing.
"""
import bisect
import collections.abc
import copy
import itertools
import math
import warnings

import numpy as np

from .. import _dtype
from ..random import _gen
from .._api import array, wrap
from .._ops import stack
from ..creation import as_tensor, tensor
from ..tensor import Tensor

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "ConcatDataset", "ChainDataset",
           "Subset", "random_split", "Sampler", "SequentialSampler", "RandomSampler",
           "SubsetRandomSampler", "WeightedRandomSampler", "BatchSampler", "DataLoader",
           "default_collate", "default_convert", "get_worker_info"]


def _is_int(x):
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))


# --- datasets ----------------------------------------------------------------------------

class Dataset:
    """A map-style dataset: subclasses define ``__getitem__(i)`` and usually ``__len__``.

    >>> class Squares(Dataset):
    ...     def __len__(self): return 10
    ...     def __getitem__(self, i): return float(i), float(i * i)
    """

    def __getitem__(self, index):
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other):
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """A dataset that is a stream: subclasses define ``__iter__`` (no indexing, no sampler)."""

    def __iter__(self):
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def __add__(self, other):
        return ChainDataset([self, other])


class TensorDataset(Dataset):
    """Samples are rows: ``dataset[i] == (t[i] for t in tensors)``; all share ``size(0)``.

    >>> ds = TensorDataset(tinytorch.zeros(5, 2), tinytorch.arange(5))
    >>> len(ds), ds[1][1]
    (5, tensor(1))
    """

    def __init__(self, *tensors):
        for k, t in enumerate(tensors):
            if not isinstance(t, Tensor):
                raise TypeError(f"TensorDataset: expected Tensors, got {type(t).__name__} "
                                f"as argument {k}")
            if t.ndim == 0:
                raise IndexError(f"TensorDataset: tensor {k} is 0-d; every tensor needs a "
                                 "first (sample) dimension")
        sizes = [t.shape[0] for t in tensors]
        if len(set(sizes)) > 1:
            # torch raises AssertionError with this message
            raise AssertionError(f"Size mismatch between tensors: sizes along dim 0 are {sizes}")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        if not self.tensors:
            raise TypeError("TensorDataset with no tensors has no length")
        return self.tensors[0].shape[0]

    def __repr__(self):
        parts = ", ".join(f"{list(t.shape)} {t.dtype.name}" for t in self.tensors)
        return f"TensorDataset(tensors=[{parts}])"


class ConcatDataset(Dataset):
    """Datasets end to end: indices ``0..len(a)-1`` read ``a``, the next ones read ``b``."""

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if not self.datasets:
            raise AssertionError("datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise AssertionError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = list(itertools.accumulate(len(d) for d in self.datasets))

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        n = len(self)
        if idx < 0:
            if -idx > n:
                raise ValueError("absolute value of index should not exceed dataset length")
            idx += n
        k = bisect.bisect_right(self.cumulative_sizes, idx)
        if k == len(self.datasets):
            raise IndexError(f"ConcatDataset: index {idx} is out of range for length {n}")
        start = self.cumulative_sizes[k - 1] if k else 0
        return self.datasets[k][idx - start]

    def __repr__(self):
        return f"ConcatDataset(sizes={[len(d) for d in self.datasets]})"


class ChainDataset(IterableDataset):
    """Iterable datasets one after another."""

    def __init__(self, datasets):
        self.datasets = datasets

    def __iter__(self):
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            yield from d

    def __len__(self):
        return sum(len(d) for d in self.datasets)

    def __repr__(self):
        return f"ChainDataset(n_datasets={len(self.datasets)})"


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order: ``Subset(d, idx)[i] ==
    d[idx[i]]``."""

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices):
        inner = getattr(self.dataset, "__getitems__", None)
        if callable(inner):
            return inner([self.indices[i] for i in indices])
        return [self.dataset[self.indices[i]] for i in indices]

    def __len__(self):
        return len(self.indices)

    def __repr__(self):
        return f"Subset(len={len(self.indices)}, dataset={self.dataset!r})"


def random_split(dataset, lengths, generator=None):
    """Split ``dataset`` into non-overlapping random ``Subset``s of the given lengths.

    ``lengths`` are counts summing to ``len(dataset)``, or fractions summing to 1: then each
    gets ``floor(frac * n)`` and the remainder is dealt one by one from the first split on.

    >>> train, val = random_split(range(10), [0.8, 0.2], generator=tinytorch.Generator())
    >>> len(train), len(val)
    (8, 2)
    """
    lengths = list(lengths)
    n = len(dataset)
    total = sum(lengths)
    if lengths and math.isclose(total, 1) and total <= 1:
        counts = []
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            counts.append(int(math.floor(n * frac)))
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        for i, c in enumerate(counts):
            if c == 0:
                warnings.warn(f"Length of split at index {i} is 0. This might result in an "
                              "empty dataset.")
        lengths = counts
    for i, length in enumerate(lengths):
        if not _is_int(length) or length < 0:
            raise ValueError(f"random_split: length at index {i} must be a non-negative int "
                             f"(or all lengths fractions summing to 1), got {length!r}")
    if sum(lengths) != n:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!"
                         f" (lengths {lengths} sum to {sum(lengths)}, dataset has {n})")
    perm = _gen(generator).permutation(n).tolist()
    out, start = [], 0
    for length in lengths:
        out.append(Subset(dataset, perm[start:start + int(length)]))
        start += int(length)
    return out


# --- samplers ----------------------------------------------------------------------------

class Sampler:
    """Yields dataset indices; ``DataLoader`` asks for a new iterator every epoch."""

    def __init__(self, data_source=None):
        pass

    def __iter__(self):
        raise NotImplementedError

    def __repr__(self):
        try:
            return f"{type(self).__name__}(num_samples={len(self)})"
        except TypeError:
            return f"{type(self).__name__}()"


class _OrderSampler(Sampler):
    """A sampler whose whole epoch is one index array (``_order()``); the loader's fast path
    reads that array directly instead of going through Python ints."""

    def _order(self):
        raise NotImplementedError

    def __iter__(self):
        yield from self._order().tolist()


class SequentialSampler(_OrderSampler):
    """``0, 1, ..., len(data_source) - 1``."""

    def __init__(self, data_source):
        self.data_source = data_source

    def _order(self):
        return np.arange(len(self.data_source))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(_OrderSampler):
    """A new random permutation each epoch (or ``num_samples`` draws with replacement).

    Without a ``generator`` each epoch seeds a private stream from one draw of the default
    generator, so ``tinytorch.manual_seed`` makes the order reproducible.
    """

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(replacement, bool):
            raise TypeError("replacement should be a boolean value, but got "
                            f"replacement={replacement}")
        ns = self.num_samples
        if not _is_int(ns) or ns <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got "
                             f"num_samples={ns}")

    @property
    def num_samples(self):
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def _order(self):
        n = len(self.data_source)
        if self.generator is None:
            rng = np.random.default_rng(int(_gen(None).integers(0, 2 ** 63)))
        else:
            rng = _gen(self.generator)
        ns = self.num_samples
        if n == 0:
            raise ValueError(f"RandomSampler: cannot draw {ns} samples from an empty dataset")
        if self.replacement:
            return rng.integers(0, n, ns)
        # whole permutations first, then a prefix of one more
        parts = [rng.permutation(n) for _ in range(ns // n)]
        parts.append(rng.permutation(n)[:ns % n])
        return np.concatenate(parts)

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices in a new random order each epoch."""

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator

    def __iter__(self):
        for i in _gen(self.generator).permutation(len(self.indices)).tolist():
            yield self.indices[i]

    def __len__(self):
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """``num_samples`` indices drawn with probability proportional to ``weights``."""

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        if not _is_int(num_samples) or num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got "
                             f"num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError(f"replacement should be a boolean value, but got "
                             f"replacement={replacement}")
        w = as_tensor(weights, dtype=_dtype.float64)
        if w.ndim != 1:
            raise ValueError("weights should be a 1d sequence but given weights have shape "
                             f"{tuple(w.shape)}")
        self.weights = w
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self):
        w = array(self.weights)
        if w.size == 0 or not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
            raise RuntimeError("WeightedRandomSampler: weights must be finite, non-negative "
                               "and have a positive sum")
        if not self.replacement and self.num_samples > np.count_nonzero(w):
            raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                               f"replacement (n_sample={self.num_samples}, "
                               f"{np.count_nonzero(w)} non-zero weights)")
        idx = _gen(self.generator).choice(w.size, self.num_samples, replace=self.replacement,
                                          p=w / w.sum())
        yield from idx.tolist()

    def __len__(self):
        return self.num_samples


class BatchSampler(Sampler):
    """Groups a sampler's indices into lists of ``batch_size``; with ``drop_last`` a short
    final batch is dropped.

    >>> list(BatchSampler(SequentialSampler(range(5)), batch_size=2, drop_last=False))
    [[0, 1], [2, 3], [4]]
    """

    def __init__(self, sampler, batch_size, drop_last):
        if not _is_int(batch_size) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got "
                             f"batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got "
                             f"drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = int(batch_size)
        self.drop_last = drop_last

    def __iter__(self):
        for idx in self._index_batches():
            yield idx.tolist() if isinstance(idx, np.ndarray) else idx

    def _index_batches(self):
        """Batches as index arrays when the sampler can hand over a whole epoch at once,
        else as lists."""
        bs = self.batch_size
        if type(self.sampler).__iter__ is _OrderSampler.__iter__:
            order = self.sampler._order()
            stop = len(order) - len(order) % bs if self.drop_last else len(order)
            for start in range(0, stop, bs):
                yield order[start:start + bs]
            return
        batch = []
        for i in self.sampler:
            batch.append(i)
            if len(batch) == bs:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self):
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __repr__(self):
        return (f"BatchSampler(sampler={self.sampler!r}, batch_size={self.batch_size}, "
                f"drop_last={self.drop_last})")


# --- collation ---------------------------------------------------------------------------

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
        # torch draws a base seed for worker processes at the start of every epoch; draw it
        # too so the loader consumes the random stream the way torch's does
        _gen(loader.generator).integers(0, 2 ** 63)
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
