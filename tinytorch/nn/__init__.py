"""tinytorch.nn: modules, layers, losses (PyTorch names and semantics).

>>> from tinytorch import nn
>>> model = nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Linear(8, 2))
>>> loss = nn.CrossEntropyLoss()(model(tinytorch.randn(4, 3)), tinytorch.tensor([0, 1, 1, 0]))
>>> loss.backward()
"""
from . import functional, init, utils
from .activation import (ELU, GELU, LeakyReLU, LogSoftmax, ReLU, SiLU, Sigmoid, Softmax,
                         Softplus, Tanh)
from .container import ModuleDict, ModuleList, Sequential
from .dropout import Dropout
from .flatten import Flatten, Unflatten
from .linear import Identity, Linear
from .loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, L1Loss, MSELoss,
                   NLLLoss, SmoothL1Loss)
from .module import Module
from .parameter import Parameter

__all__ = ["Module", "Parameter", "Sequential", "ModuleList", "ModuleDict", "Linear",
           "Identity", "Flatten", "Unflatten", "Dropout", "ReLU", "LeakyReLU", "Tanh",
           "Sigmoid", "GELU", "SiLU", "Softplus", "ELU", "Softmax", "LogSoftmax",
           "CrossEntropyLoss", "NLLLoss", "MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss",
           "BCELoss", "BCEWithLogitsLoss", "functional", "init", "utils"]

# layers for images and sequences
from .attention import MultiheadAttention  # noqa: E402
from .conv import Conv2d  # noqa: E402
from .normalization import BatchNorm1d, BatchNorm2d, BatchNorm3d, LayerNorm  # noqa: E402
from .pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d  # noqa: E402
from .sparse import Embedding  # noqa: E402
from .parallel import DataParallel  # noqa: E402  (and the module nn.parallel)

__all__ += ["Conv2d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "BatchNorm1d",
            "BatchNorm2d", "BatchNorm3d", "LayerNorm", "Embedding", "MultiheadAttention"]
