"""``tinytorch.nn.modules.pooling``, as torch's path: the pooling layers, the same classes as
``tinytorch.nn``'s."""
from ..pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d

__all__ = ["AdaptiveAvgPool2d", "AvgPool2d", "MaxPool2d"]
