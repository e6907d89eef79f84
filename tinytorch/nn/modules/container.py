"""``tinytorch.nn.modules.container``, as torch's path: the containers, the same classes as
``tinytorch.nn``'s."""
from ..container import ModuleDict, ModuleList, Sequential

__all__ = ["ModuleDict", "ModuleList", "Sequential"]
