"""Datasets (``torch.utils.data.dataset``): map-style ``Dataset`` and ``TensorDataset``,
stream-like ``IterableDataset``, and the combinators ``ConcatDataset``, ``ChainDataset``,
``Subset`` and ``random_split``."""
import bisect
import itertools
import math
import warnings

from ... import _torch_stream as TS
from ...random import _stream
from ...tensor import Tensor
from ._utils import _is_int

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "StackDataset", "ConcatDataset",
           "ChainDataset", "Subset", "random_split"]


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


class StackDataset(Dataset):
    """Several datasets of one length side by side: sample ``i`` is the tuple of their
    samples ``i`` (datasets given positionally) or a dict of them (given by keyword).

    >>> ds = StackDataset(images=TensorDataset(x), labels=TensorDataset(y))
    >>> ds[0].keys()
    dict_keys(['images', 'labels'])
    """

    def __init__(self, *args, **kwargs):
        if args and kwargs:
            raise ValueError("Supported either ``tuple``- (via ``args``) or``dict``- (via "
                             "``kwargs``) like input/output, but both types are given.")
        if not args and not kwargs:
            raise ValueError("At least one dataset should be passed")
        parts = args or list(kwargs.values())
        self._length = len(parts[0])
        if any(self._length != len(d) for d in parts):
            raise ValueError("Size mismatch between datasets")
        self.datasets = args or kwargs

    def __getitem__(self, index):
        if isinstance(self.datasets, dict):
            return {k: d[index] for k, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __getitems__(self, indices):
        """One batch: each inner dataset read with its own ``__getitems__`` where it has
        one."""
        named = isinstance(self.datasets, dict)
        items = self.datasets.items() if named else enumerate(self.datasets)
        columns = {}
        for k, d in items:
            getitems = getattr(d, "__getitems__", None)
            if callable(getitems):
                col = getitems(indices)
                if len(col) != len(indices):
                    raise ValueError("Nested dataset's output size mismatch. Expected "
                                     f"{len(indices)}, got {len(col)}")
            else:
                col = [d[i] for i in indices]
            columns[k] = col
        rows = range(len(indices))
        if named:
            return [{k: col[r] for k, col in columns.items()} for r in rows]
        return [tuple(col[r] for col in columns.values()) for r in rows]

    def __len__(self):
        return self._length


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
    perm = TS.randperm(_stream(generator), n).tolist()  # torch: randperm(n, generator)
    out, start = [], 0
    for length in lengths:
        out.append(Subset(dataset, perm[start:start + int(length)]))
        start += int(length)
    return out
