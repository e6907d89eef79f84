"""``tinytorch.nn.modules.flatten``, as torch's path: Flatten and Unflatten, the same classes as
``tinytorch.nn``'s."""
from ..flatten import Flatten, Unflatten

__all__ = ["Flatten", "Unflatten"]
