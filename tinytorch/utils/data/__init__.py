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

The code lives in submodules named as in torch, so ``from tinytorch.utils.data.dataloader
import DataLoader`` works too: ``dataset`` (datasets, ``random_split``), ``sampler``,
``dataloader`` (``DataLoader``; ``_utils.collate`` holds the collate functions) and
``distributed`` (``DistributedSampler``).
"""
from . import dataloader, dataset, distributed, sampler
from ._utils.collate import default_collate, default_convert
from .dataloader import DataLoader, get_worker_info
from .dataset import (ChainDataset, ConcatDataset, Dataset, IterableDataset, StackDataset,
                      Subset, TensorDataset, random_split)
from .distributed import DistributedSampler
from .sampler import (BatchSampler, RandomSampler, Sampler, SequentialSampler,
                      SubsetRandomSampler, WeightedRandomSampler)

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "StackDataset", "ConcatDataset",
           "ChainDataset", "Subset", "random_split", "Sampler", "SequentialSampler",
           "RandomSampler", "SubsetRandomSampler", "WeightedRandomSampler", "BatchSampler",
           "DataLoader", "DistributedSampler", "default_collate", "default_convert",
           "get_worker_info"]
