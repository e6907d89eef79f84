"""``DistributedSampler`` (``torch.utils.data.distributed``), for scripts written for several
processes.  tinytorch runs as one process, so ``num_replicas`` and ``rank`` default to a world
of size 1 (rank 0), where torch would ask the initialised process group; given explicitly,
they split the indices exactly as torch's sampler does."""
import math

from ...random import Generator, randperm
from .sampler import Sampler

__all__ = ["DistributedSampler"]


class DistributedSampler(Sampler):
    """The share of ``dataset``'s indices that belongs to process ``rank`` of
    ``num_replicas``.

    With ``shuffle=True`` (the default) every epoch's order is a permutation drawn from a
    generator seeded with ``seed + epoch``; call ``set_epoch(epoch)`` before each epoch to get
    a new order.  Without ``drop_last`` the indices are padded by repeating the first ones so
    every replica gets ``ceil(len(dataset) / num_replicas)``; with it the tail is dropped.

    >>> sampler = DistributedSampler(dataset, shuffle=True, seed=0)
    >>> loader = DataLoader(dataset, batch_size=32, sampler=sampler)
    >>> for epoch in range(3):
    ...     sampler.set_epoch(epoch)
    ...     for xb, yb in loader:
    ...         pass
    """

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0,
                 drop_last=False):
        if num_replicas is None:
            num_replicas = 1    # one process: the world tinytorch runs in
        if rank is None:
            rank = 0
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval "
                             f"[0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        if self.drop_last and len(self.dataset) % self.num_replicas != 0:
            self.num_samples = math.ceil((len(self.dataset) - self.num_replicas)
                                         / self.num_replicas)
        else:
            self.num_samples = math.ceil(len(self.dataset) / self.num_replicas)
        self.total_size = self.num_samples * self.num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self):
        n = len(self.dataset)
        if self.shuffle:
            g = Generator()
            g.manual_seed(self.seed + self.epoch)
            indices = randperm(n, generator=g).tolist()
        else:
            indices = list(range(n))
        if not self.drop_last:
            padding_size = self.total_size - len(indices)
            if padding_size <= len(indices):
                indices += indices[:padding_size]
            else:
                indices += (indices * math.ceil(padding_size / len(indices)))[:padding_size]
        else:
            indices = indices[:self.total_size]
        return iter(indices[self.rank:self.total_size:self.num_replicas])

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        """Set the epoch: with ``shuffle=True`` the next iteration uses a new order."""
        self.epoch = epoch
