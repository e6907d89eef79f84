"""``tinytorch.nn.modules.activation``, as torch's path: the activation layers (and
MultiheadAttention, which torch keeps here), the same classes as ``tinytorch.nn``'s."""
from ..activation import (ELU, GELU, LeakyReLU, LogSoftmax, ReLU, SiLU, Sigmoid, Softmax,
                          Softplus, Tanh)
from ..attention import MultiheadAttention

__all__ = ["ELU", "GELU", "LeakyReLU", "LogSoftmax", "ReLU", "SiLU", "Sigmoid", "Softmax",
           "Softplus", "Tanh", "MultiheadAttention"]
