"""``tinytorch.nn.modules.module``, as torch's path: ``Module``, the same class as
``tinytorch.nn.Module``."""
from ..module import Module

__all__ = ["Module"]
