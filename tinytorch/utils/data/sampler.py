"""Samplers (``torch.utils.data.sampler``): what yields the dataset indices of an epoch, and
``BatchSampler``, which groups them into batches."""
import numpy as np

from ... import _dtype
from ..._api import array
from ...creation import as_tensor
from ... import _torch_stream as TS
from ...random import _stream
from ._utils import _is_int

__all__ = ["BatchSampler", "RandomSampler", "Sampler", "SequentialSampler",
           "SubsetRandomSampler", "WeightedRandomSampler"]


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

    Drawn as torch draws it, so a seed gives torch's order: without a ``generator`` each
    epoch seeds a private generator from one int64 draw of the default generator
    (``empty((), dtype=int64).random_()``); then ``randperm(n)`` per whole pass over the data
    and one more for the remainder (with replacement: ``randint(0, n)`` draws).
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
            g = TS.TorchStream(TS.int64_seed(_stream(None)))
        else:
            g = _stream(self.generator)
        ns = self.num_samples
        if n == 0:
            raise ValueError(f"RandomSampler: cannot draw {ns} samples from an empty dataset")
        if self.replacement:  # torch's randint calls in chunks of 32 draw the same words
            return TS.randint(g, 0, n, ns)
        # whole permutations first, then a prefix of one more
        parts = [TS.randperm(g, n) for _ in range(ns // n)]
        parts.append(TS.randperm(g, n)[:ns % n])
        return np.concatenate(parts)

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices in a new random order each epoch."""

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator

    def __iter__(self):
        for i in TS.randperm(_stream(self.generator), len(self.indices)).tolist():
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
        # torch: multinomial(weights (float64), num_samples, replacement)
        idx = TS.multinomial(_stream(self.generator), w, self.num_samples, self.replacement)
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
