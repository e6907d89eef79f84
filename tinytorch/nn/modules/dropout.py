"""``tinytorch.nn.modules.dropout``, as torch's path: ``Dropout``, the same class as
``tinytorch.nn.Dropout``."""
from ..dropout import Dropout

__all__ = ["Dropout"]
