"""``tinytorch.nn.modules.linear``, as torch's path: Identity and Linear, the same classes as
``tinytorch.nn``'s."""
from ..linear import Identity, Linear

__all__ = ["Identity", "Linear"]
