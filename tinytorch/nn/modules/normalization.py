"""``tinytorch.nn.modules.normalization``, as torch's path: ``LayerNorm``, the same class as
``tinytorch.nn.LayerNorm``."""
from ..normalization import LayerNorm

__all__ = ["LayerNorm"]
