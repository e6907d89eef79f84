"""2-D convolution: ``F.conv2d`` and the ``Conv2d`` layer (torch's signatures and checks).

A convolution slides a small weight tensor over the image.  Output channel o at position (y, x)
is the dot product of W[o] (shape (C, kh, kw)) with the input patch under it:

    y[n, o, y, x] = b[o] + Σ_{c,i,j} W[o, c, i, j] · xp[n, c, y·sh + i·dh, x·sw + j·dw]

(xp the zero-padded input, s the stride, d the dilation).  Copying every patch into a column
("im2col") turns the whole layer into one matrix product; see Conv2dFunction in
tinytorch/functions/conv.py.

>>> conv = Conv2d(1, 8, kernel_size=3, padding=1)
>>> conv(tinytorch.randn(4, 1, 28, 28)).shape
tinytorch.Size([4, 8, 28, 28])
"""
import numbers

import numpy as np

from .._device import check_device
from .. import _dtype
from ..functions import conv as P
from .._api import array, wrap
from ..creation import empty
from ..tensor import Tensor
from . import init
from .module import Module
from .parameter import Parameter

__all__ = ["conv2d", "Conv2d"]

_TYPE_WORD = {"float16": "Half", "float32": "Float", "float64": "Double", "int64": "Long",
              "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def _word(arr):
    return _TYPE_WORD.get(arr.dtype.name, arr.dtype.name)


def _is_int(v):
    return isinstance(v, (numbers.Integral, np.integer)) and not isinstance(v, bool)


def _pair(value, name, op, n=2):
    """An int or a sequence of 1 or n ints -> a tuple of n ints (torch expands singletons)."""
    if _is_int(value):
        return (int(value),) * n
    if isinstance(value, (tuple, list)) and all(_is_int(v) for v in value):
        if len(value) == n:
            return tuple(int(v) for v in value)
        if len(value) == 1:
            return (int(value[0]),) * n
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} "
                           f"values to match the convolution dimensions, but got "
                           f"{name}={list(value)}")
    raise TypeError(f"{op}(): argument '{name}' must be an int or a tuple of {n} ints, "
                    f"not {type(value).__name__}")


def _same_pads(kernel, dilation):
    """'same' padding: total d·(k-1) per dim, the odd extra pixel on the bottom/right."""
    pads = []
    for k, d in zip(kernel, dilation):
        total = d * (k - 1)
        pads += [total // 2, total - total // 2]
    return tuple(pads)


def _check_conv_args(stride, pads, dilation):
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(p < 0 for p in pads):
        raise RuntimeError("negative padding is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")


def _tensor_arg(t, op, name):
    if not isinstance(t, Tensor):
        raise TypeError(f"{op}(): argument '{name}' (position {'1' if name == 'input' else '2'})"
                        f" must be Tensor, not {type(t).__name__}")


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D cross-correlation of ``input`` (N, C, H, W) or (C, H, W) with ``weight``
    (O, C/groups, kh, kw), plus ``bias`` (O,).

    ``stride``, ``padding`` (zeros) and ``dilation`` are ints or (h, w) pairs; ``padding`` may
    also be 'valid' (none) or 'same' (output as large as the input, stride 1 only).

    >>> x = tinytorch.randn(2, 3, 8, 8)
    >>> conv2d(x, tinytorch.randn(4, 3, 3, 3), stride=2, padding=1).shape
    tinytorch.Size([2, 4, 4, 4])
    """
    _tensor_arg(input, "conv2d", "input")
    _tensor_arg(weight, "conv2d", "weight")
    x, w = array(input), array(weight)
    stride = _pair(stride, "stride", "conv2d")
    dilation = _pair(dilation, "dilation", "conv2d")
    if not _is_int(groups) or groups <= 0:
        raise RuntimeError(f"non-positive groups is not supported (got groups={groups})")
    if x.ndim not in (3, 4):
        raise RuntimeError("Expected 3D (unbatched) or 4D (batched) input to conv2d, but got "
                           f"input of size: {list(x.shape)}")
    if w.ndim != 4:
        raise RuntimeError(f"conv2d: expected a 4-D weight (out_channels, in_channels/groups, "
                           f"kH, kW), but got weight of size {list(w.shape)}")
    kernel = w.shape[2:]
    if isinstance(padding, str):
        if padding == "valid":
            pads = (0, 0, 0, 0)
        elif padding == "same":
            if stride != (1, 1):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            pads = _same_pads(kernel, dilation)
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        ph, pw = _pair(padding, "padding", "conv2d")
        pads = (ph, ph, pw, pw)
    _check_conv_args(stride, pads, dilation)
    unbatched = x.ndim == 3
    if unbatched:
        input = input.unsqueeze(0)
        x = array(input)
    o, cg = w.shape[0], w.shape[1]
    if o % groups != 0:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} "
                           f"at dimension 0, but got weight of size {list(w.shape)} instead")
    if x.shape[1] != cg * groups:
        shown = list(x.shape[1:]) if unbatched else list(x.shape)
        raise RuntimeError(f"Given groups={groups}, weight of size {list(w.shape)}, expected "
                           f"input{shown} to have {cg * groups} channels, but got "
                           f"{x.shape[1]} channels instead")
    if x.dtype != w.dtype:
        raise RuntimeError(f"expected scalar type {_word(x)} but found {_word(w)} (conv2d: "
                           f"input is {_word(x)}, weight is {_word(w)})")
    if x.dtype == np.bool_ or x.dtype.kind not in "fiu":
        raise NotImplementedError(f"conv2d: not implemented for '{_word(x)}'")
    if bias is not None:
        _tensor_arg(bias, "conv2d", "bias")
        if bias.shape != (o,):
            raise RuntimeError(f"Given weight of size {list(w.shape)}, expected bias to be "
                               f"1-dimensional with {o} elements, but got bias of size "
                               f"{list(bias.shape)} instead")
        if array(bias).dtype != x.dtype:
            raise RuntimeError(f"Input type ({_word(x).lower()}) and bias type "
                               f"({_word(array(bias)).lower()}) should be the same")
    hp, wp = x.shape[2] + pads[0] + pads[1], x.shape[3] + pads[2] + pads[3]
    ekh, ekw = dilation[0] * (kernel[0] - 1) + 1, dilation[1] * (kernel[1] - 1) + 1
    if hp < ekh or wp < ekw:
        raise RuntimeError(f"Calculated padded input size per channel: ({hp} x {wp}). "
                           f"Kernel size: ({ekh} x {ekw}). Kernel size can't be greater than "
                           "actual input size")
    out = P.Conv2dFunction.apply(input, weight, bias, stride, pads, dilation, groups)
    return out.squeeze(0) if unbatched else out


# --- non-zero padding modes -----------------------------------------------------------------

def _pad_index(n, before, after, mode):
    """Source index of every padded position along one dim of length n."""
    i = np.arange(-before, n + after)
    if mode == "replicate":
        return np.clip(i, 0, n - 1)
    if mode == "circular":
        return i % n
    # reflect: mirror about the edge pixels (without repeating them), period 2(n - 1)
    period = 2 * (n - 1)
    i = np.abs(i) % period if period else np.zeros_like(i)
    return np.where(i >= n, period - i, i)


def _mode_pad(input, pads, mode):
    """Pad the last two dims of input by (top, bottom, left, right) in ``mode``: a gather,
    so its gradient (a scatter-add back to the source pixels) comes from indexing."""
    h, w = input.shape[-2], input.shape[-1]
    if mode == "reflect" and (max(pads[:2]) >= h or max(pads[2:]) >= w):
        raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding "
                           f"input dimension, but got: padding ({pads[2]}, {pads[3]}) at "
                           f"dimension 3 of input {list(input.shape)}")
    if mode == "circular" and (max(pads[:2]) > h or max(pads[2:]) > w):
        raise RuntimeError("Padding value causes wrapping around more than once.")
    rows = wrap(_pad_index(h, pads[0], pads[1], mode).reshape(-1, 1))
    cols = wrap(_pad_index(w, pads[2], pads[3], mode).reshape(1, -1))
    return input[..., rows, cols]


# --- the layer ------------------------------------------------------------------------------

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class Conv2d(Module):
    """2-D convolution layer: ``weight`` (out_channels, in_channels/groups, kh, kw) and
    ``bias`` (out_channels,), both starting uniform in ±1/√fan_in with
    fan_in = in_channels/groups·kh·kw (torch's default init).

    Input (N, C_in, H, W) -> output (N, C_out, H_out, W_out) with
    H_out = ⌊(H + pad_top + pad_bottom - dilation·(kh - 1) - 1)/stride⌋ + 1 (same for W).

    >>> conv = Conv2d(3, 16, kernel_size=(3, 5), stride=2, padding=1)
    >>> conv(tinytorch.randn(8, 3, 32, 32)).shape
    tinytorch.Size([8, 16, 16, 15])
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, groups=1, bias=True, padding_mode="zeros", device=None,
                 dtype=None):
        check_device(device, "Conv2d", default=False)  # the CPU only
        super().__init__()
        if not _is_int(groups) or groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {set(_PADDING_MODES)}, but got "
                             f"padding_mode='{padding_mode}'")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = _pair(kernel_size, "kernel_size", "Conv2d")
        self.stride = _pair(stride, "stride", "Conv2d")
        self.dilation = _pair(dilation, "dilation", "Conv2d")
        if isinstance(padding, str):
            if padding not in ("valid", "same"):
                raise ValueError(f"Invalid padding string '{padding}', should be one of "
                                 "{'valid', 'same'}")
            if padding == "same" and self.stride != (1, 1):
                raise ValueError("padding='same' is not supported for strided convolutions")
            self.padding = padding
        else:
            self.padding = _pair(padding, "padding", "Conv2d")
        self.groups = groups
        self.padding_mode = padding_mode
        self.transposed = False
        self.output_padding = (0, 0)
        dt = _dtype.get_default_dtype() if dtype is None else _dtype.to_dtype(dtype)
        shape = (out_channels, in_channels // groups) + self.kernel_size
        self.weight = Parameter(empty(shape, dtype=dt))
        if bias:
            self.bias = Parameter(empty(out_channels, dtype=dt))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        # weight and bias uniform in ±1/√fan_in (kaiming_uniform_ with a = √5)
        init._reset_weight_and_bias_(self.weight, self.bias)

    def _pads(self):
        if self.padding == "valid":
            return (0, 0, 0, 0)
        if self.padding == "same":
            return _same_pads(self.kernel_size, self.dilation)
        ph, pw = self.padding
        return (ph, ph, pw, pw)

    def forward(self, input):
        if self.padding_mode != "zeros":
            pads = self._pads()
            if any(pads):
                input = _mode_pad(input, pads, self.padding_mode)
            return conv2d(input, self.weight, self.bias, self.stride, 0, self.dilation,
                          self.groups)
        return conv2d(input, self.weight, self.bias, self.stride, self.padding, self.dilation,
                      self.groups)

    def extra_repr(self):
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if self.padding != (0, 0):
            s += f", padding={self.padding}"
        if self.dilation != (1, 1):
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s
