"""Pooling: summarise each window of an image by its max or its mean.

``max_pool2d`` keeps the strongest response in each kh×kw window (gradient flows only to that
pixel); ``avg_pool2d`` averages the window; ``adaptive_avg_pool2d`` picks the windows itself so
that the output has a requested size (1×1: global average pooling).

>>> pool = MaxPool2d(2)
>>> pool(tinytorch.randn(4, 8, 28, 28)).shape
tinytorch.Size([4, 8, 14, 14])
"""
import numpy as np

from ..functions import conv as P
from .._api import array, wrap
from ..tensor import Tensor
from .conv import _is_int, _word
from .module import Module

__all__ = ["max_pool2d", "max_pool2d_with_indices", "avg_pool2d", "adaptive_avg_pool2d",
           "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d"]


def _pool_pair(value, name, op):
    if _is_int(value):
        return (int(value),) * 2
    if isinstance(value, (tuple, list)) and len(value) in (1, 2) and \
            all(_is_int(v) for v in value):
        return (int(value[0]), int(value[-1]))
    raise RuntimeError(f"{op}: {name} must either be a single int, or a tuple of two ints "
                       f"(got {value!r})")


def _pool_input(input, op):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    x = array(input)
    if x.ndim not in (3, 4) or any(s == 0 for s in x.shape[-3:]):
        raise RuntimeError(f"{op}: non-empty 3D or 4D (batch mode) tensor expected for input, "
                           f"but got input of size {list(x.shape)}")
    return input.unsqueeze(0) if x.ndim == 3 else input, x.ndim == 3


def _out_size(n, k, s, p, d, ceil_mode):
    """torch's pooling output length: ⌊(n + 2p - d(k-1) - 1 [+ s-1 with ceil]) / s⌋ + 1, one
    less if ceil_mode would start the last window past the input and left padding."""
    num = n + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)
    out = num // s + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1
    return out


def _pool_geometry(xshape, kernel, stride, padding, dilation, ceil_mode, op, avg=False):
    """Check the pooling arguments; return (stride, pads, out_hw)."""
    kernel = _pool_pair(kernel, "kernel_size", op)
    stride = kernel if stride is None or (isinstance(stride, (tuple, list)) and
                                          len(stride) == 0) else _pool_pair(stride, "stride", op)
    padding = _pool_pair(padding, "padding", op)
    if any(k <= 0 for k in kernel):
        raise RuntimeError(f"{op}: kernel size should be greater than zero, but got kH: "
                           f"{kernel[0]} kW: {kernel[1]}")
    if any(s <= 0 for s in stride):
        raise RuntimeError("stride should not be zero")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"dilation should be greater than zero, but got dilationH: "
                           f"{dilation[0]} dilationW: {dilation[1]}")
    if any(p < 0 for p in padding):
        raise RuntimeError(f"pad must be non-negative, but got pad: {min(padding)}")
    for p, k, d in zip(padding, kernel, dilation):
        if not avg and p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={p}, kernel_size={k} and dilation={d}")
    # then, for max pooling too, half of the kernel itself, whatever the dilation (as torch)
    if any(p > k // 2 for p, k in zip(padding, kernel)):
        raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, "
                           f"but got padW = {padding[1]}, padH = {padding[0]}, kW = "
                           f"{kernel[1]}, kH = {kernel[0]}")
    c, h, w = xshape[-3:]
    ho = _out_size(h, kernel[0], stride[0], padding[0], dilation[0], ceil_mode)
    wo = _out_size(w, kernel[1], stride[1], padding[1], dilation[1], ceil_mode)
    if ho < 1 or wo < 1:
        raise RuntimeError(f"Given input size: ({c}x{h}x{w}). Calculated output size: "
                           f"({c}x{max(ho, 0)}x{max(wo, 0)}). Output size is too small")
    # bottom/right padding: the symmetric one, plus what ceil_mode's last window needs
    need_h = (ho - 1) * stride[0] + dilation[0] * (kernel[0] - 1) + 1
    need_w = (wo - 1) * stride[1] + dilation[1] * (kernel[1] - 1) + 1
    pads = (padding[0], max(padding[0], need_h - h - padding[0]),
            padding[1], max(padding[1], need_w - w - padding[1]))
    return kernel, stride, padding, pads, (ho, wo)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=True):
    """max_pool2d returning (output, indices); indices are flat h·W + w positions in each
    input plane, as torch's."""
    op = "max_pool2d"
    input, unbatched = _pool_input(input, op)
    if array(input).dtype == np.bool_:
        raise NotImplementedError("\"max_pool2d\" not implemented for 'Bool'")
    dilation = _pool_pair(dilation, "dilation", op)
    kernel, stride, _, pads, out_hw = _pool_geometry(input.shape, kernel_size, stride,
                                                     padding, dilation, ceil_mode, op)
    x = array(input)
    if x.dtype.kind != "f" and any(pads):
        # integers have no -inf: pad with the smallest value instead
        input = wrap(x.astype(np.float64))
        out, idx = P.MaxPool2dFunction.apply(input, kernel, stride, pads, dilation, out_hw)
        out = wrap(array(out).astype(x.dtype))
    else:
        out, idx = P.MaxPool2dFunction.apply(input, kernel, stride, pads, dilation, out_hw)
    if unbatched:
        out, idx = out.squeeze(0), idx.squeeze(0)
    return out, idx


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """The max of each kh×kw window (padding counts as -inf): input (N, C, H, W) or
    (C, H, W).  With ``return_indices`` also the position of each max (flat h·W + w).

    >>> max_pool2d(tinytorch.arange(16.).reshape(1, 1, 4, 4), 2)
    tensor([[[[ 5.,  7.],
              [13., 15.]]]])
    """
    out, idx = max_pool2d_with_indices(input, kernel_size, stride, padding, dilation,
                                       ceil_mode)
    return (out, idx) if return_indices else out


def _avg_divisors(n, k, s, p, out, count_include_pad):
    """Per output position along one dim: the window length counted by the divisor.

    The window [o·s - p, o·s - p + k) is first clipped to the padded input (n + p on the
    right): that length counts with count_include_pad; clipped to the input itself otherwise."""
    start = np.arange(out) * s - p
    end = np.minimum(start + k, n + p)
    if count_include_pad:
        return end - start
    return np.minimum(end, n) - np.maximum(start, 0)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """The mean of each kh×kw window: input (N, C, H, W) or (C, H, W).  Padding is zeros;
    with ``count_include_pad=False`` the padded pixels are not counted in the divisor, and
    ``divisor_override`` replaces the divisor altogether.

    >>> avg_pool2d(tinytorch.ones(1, 1, 4, 4), 2, padding=1, count_include_pad=False)
    tensor([[[[1., 1., 1.],
              [1., 1., 1.],
              [1., 1., 1.]]]])
    """
    op = "avg_pool2d"
    input, unbatched = _pool_input(input, op)
    x = array(input)
    if x.dtype.kind != "f" and x.dtype != np.int64:
        # torch's CPU kernel: floating types and int64 only
        raise NotImplementedError(f"\"avg_pool2d\" not implemented for '{_word(x)}'")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    kernel, stride, padding, pads, out_hw = _pool_geometry(x.shape, kernel_size, stride,
                                                           padding, (1, 1), ceil_mode, op,
                                                           avg=True)
    if divisor_override is not None:
        divisor = float(divisor_override)
    else:
        dh = _avg_divisors(x.shape[2], kernel[0], stride[0], padding[0], out_hw[0],
                           count_include_pad)
        dw = _avg_divisors(x.shape[3], kernel[1], stride[1], padding[1], out_hw[1],
                           count_include_pad)
        divisor = np.outer(dh, dw)
    if x.dtype.kind == "f":
        divisor = np.asarray(divisor, dtype=x.dtype)
        out = P.AvgPool2dFunction.apply(input, kernel, stride, pads, out_hw, divisor)
    else:
        # integer pooling (no gradient): the sum divided with truncation, as torch does
        s = P.AvgPool2dFunction.apply(wrap(x.astype(np.float64)), kernel, stride, pads,
                                      out_hw, 1.0)
        out = wrap(np.trunc(array(s) / divisor).astype(x.dtype))
    return out.squeeze(0) if unbatched else out


def _adaptive_sizes(output_size, hw, op):
    if _is_int(output_size) or output_size is None:
        output_size = (output_size, output_size)
    if not isinstance(output_size, (tuple, list)) or len(output_size) != 2:
        raise RuntimeError(f"{op}: output_size must be 2")
    out = []
    for o, n in zip(output_size, hw):
        if o is None:
            o = n
        if not _is_int(o) or o < 0:
            raise RuntimeError(f"{op}: elements of output_size must be greater than or equal "
                               f"to 0 but received {output_size}")
        out.append(int(o))
    return tuple(out)


def adaptive_avg_pool2d(input, output_size):
    """Average pooling to a fixed output size (Oh, Ow) whatever the input size: output row o
    averages input rows ⌊o·H/Oh⌋ to ⌈(o+1)·H/Oh⌉ - 1, and likewise for columns.

    Each window is summed where it lies, rows then columns (AdaptiveAvgPool2dFunction), so a
    NaN or inf reaches only the outputs whose window holds it; output size 1 is simply the
    mean over H, W (as in torch).

    >>> adaptive_avg_pool2d(tinytorch.randn(2, 8, 5, 7), 1).shape
    tinytorch.Size([2, 8, 1, 1])
    """
    op = "adaptive_avg_pool2d"
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    x = array(input)
    if x.ndim not in (3, 4):
        raise RuntimeError(f"{op}(): Expected 3D or 4D tensor, but got {list(x.shape)}")
    for d in range(x.ndim - 3 + 1, x.ndim):
        if x.shape[d] == 0:
            raise RuntimeError(f"{op}(): Expected input to have non-zero size for non-batch "
                               f"dimensions, but input has sizes {list(x.shape)} with "
                               f"dimension {d} being empty")
    if x.dtype.kind != "f":
        raise NotImplementedError(f"\"{op}\" not implemented for '{_word(x)}'")
    h, w = x.shape[-2:]
    oh, ow = _adaptive_sizes(output_size, (h, w), op)
    if (oh, ow) == (1, 1):
        return input.mean(dim=(-2, -1), keepdim=True)
    if x.ndim == 3:
        return P.AdaptiveAvgPool2dFunction.apply(input.unsqueeze(0), (oh, ow)).squeeze(0)
    return P.AdaptiveAvgPool2dFunction.apply(input, (oh, ow))


# --- modules ------------------------------------------------------------------------------

class MaxPool2d(Module):
    """Max over each ``kernel_size`` window, moving by ``stride`` (default: kernel_size).

    >>> MaxPool2d(3, stride=2, padding=1)(tinytorch.randn(1, 4, 8, 8)).shape
    tinytorch.Size([1, 4, 4, 4])
    """

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, input):
        return max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                          ceil_mode=self.ceil_mode, return_indices=self.return_indices)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, dilation={self.dilation}, "
                f"ceil_mode={self.ceil_mode}")


class AvgPool2d(Module):
    """Mean over each ``kernel_size`` window, moving by ``stride`` (default: kernel_size)."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True, divisor_override=None):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input):
        return avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad, self.divisor_override)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed ``output_size`` (an int, or (h, w) where None keeps the
    input's size); ``AdaptiveAvgPool2d(1)`` is global average pooling.

    >>> AdaptiveAvgPool2d((2, None))(tinytorch.randn(1, 3, 7, 5)).shape
    tinytorch.Size([1, 3, 2, 5])
    """

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, input):
        return adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self):
        return f"output_size={self.output_size}"
