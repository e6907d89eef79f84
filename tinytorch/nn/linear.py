"""Linear and Identity layers."""
from .._device import check_device
from .. import _dtype
from ..creation import empty
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter


class Identity(Module):
    """Returns its input unchanged (any constructor arguments are ignored)."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


class Linear(Module):
    """y = x Wᵀ + b, over the last dim of x.

    ``weight`` has shape (out_features, in_features) and ``bias`` (out_features,); both start
    uniform in ±1/√in_features (torch's default: kaiming_uniform_ with a = √5).

    >>> layer = Linear(3, 8)
    >>> layer(tinytorch.randn(4, 3)).shape
    tinytorch.Size([4, 8])
    """

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        check_device(device, "Linear", default=False)  # the CPU only
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        dt = _dtype.get_default_dtype() if dtype is None else _dtype.to_dtype(dtype)
        self.weight = Parameter(empty((out_features, in_features), dtype=dt))
        if bias:
            self.bias = Parameter(empty(out_features, dtype=dt))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        # weight and bias uniform in ±1/√in_features (kaiming_uniform_ with a = √5)
        init._reset_weight_and_bias_(self.weight, self.bias, zero_bias_without_inputs=True)

    def forward(self, input):
        params = self._parameters  # (direct: skips Module.__getattr__ on the hot path)
        return F.linear(input, params["weight"], params["bias"])

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")
