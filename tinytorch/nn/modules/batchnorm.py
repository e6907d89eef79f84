"""``tinytorch.nn.modules.batchnorm``, as torch's path: the batch-norm layers and their base
``_BatchNorm``, the same classes as ``tinytorch.nn``'s."""
from ..normalization import BatchNorm1d, BatchNorm2d, BatchNorm3d, _BatchNorm  # noqa: F401

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d"]
