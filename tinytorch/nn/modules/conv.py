"""``tinytorch.nn.modules.conv``, as torch's path: the convolution layers, the same classes as
``tinytorch.nn``'s."""
from ..conv import Conv2d

__all__ = ["Conv2d"]
