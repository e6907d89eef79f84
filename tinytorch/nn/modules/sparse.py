"""``tinytorch.nn.modules.sparse``, as torch's path: ``Embedding``, the same class as
``tinytorch.nn.Embedding``."""
from ..sparse import Embedding

__all__ = ["Embedding"]
