"""Normalisation layers: BatchNorm (statistics over the batch) and LayerNorm (over features).

Both compute  y = (x - μ)/√(σ² + eps) · γ + β  and differ in what μ and σ² average over:

* BatchNorm: per channel, over the batch and every spatial position.  Training uses the batch's
  statistics and keeps exponential moving averages of them (``running_mean``,
  ``running_var``); ``eval()`` normalises with those averages instead, so a single example gives
  the same answer whatever batch it comes in.
* LayerNorm: per example, over the last dims (``normalized_shape``); no running statistics,
  the same in training and evaluation.

>>> bn = BatchNorm2d(8)
>>> y = bn(tinytorch.randn(16, 8, 5, 5))       # normalised with this batch's statistics
>>> bn.running_mean.shape, int(bn.num_batches_tracked)
(tinytorch.Size([8]), 1)
"""
import numbers

import numpy as np

from .._device import check_device
from .. import _dtype
from ..functions import conv as P
from ..functions.reduce import widened
from .._api import array, mark_modified
from ..creation import ones, tensor, zeros
from ..tensor import Tensor
from . import init
from .conv import _word
from .module import Module
from .parameter import Parameter

__all__ = ["batch_norm", "layer_norm", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d",
           "LayerNorm"]


def _quiet():
    return np.errstate(divide="ignore", invalid="ignore", over="ignore")


def _check_param(t, name, n, x, op):
    """weight/bias/running stats must be vectors of n elements with the input's dtype."""
    if t is None:
        return
    if not isinstance(t, Tensor):
        raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type(t).__name__}")
    if t.numel() != n:
        raise RuntimeError(f"{name} should contain {n} elements not {t.numel()}")
    if array(t).dtype != x.dtype:
        raise RuntimeError(f"mixed dtype (CPU): all inputs must share same datatype. ({op}: "
                           f"input is {_word(x)}, {name} is {_word(array(t))})")


def _float_input(input, op, kernel=None):
    """The input's array; floating types only (``kernel``: the name torch's error gives)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    x = array(input)
    if x.dtype.kind != "f":
        raise NotImplementedError(f"\"{kernel or op}\" not implemented for '{_word(x)}'")
    return x


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Normalise each channel (dim 1) of ``input`` (N, C, ...) to zero mean and unit variance,
    then scale by ``weight`` and shift by ``bias`` (both (C,), optional).

    training=True: use the batch's statistics (biased variance) and, when given, update
    ``running_mean``/``running_var`` in place:  r ← (1 - momentum)·r + momentum·batch_stat,
    with the unbiased variance (× n/(n-1), n values per channel) for ``running_var``.
    training=False: normalise with ``running_mean`` and ``running_var``.
    """
    op = "batch_norm"
    x = _float_input(input, op)
    if x.ndim < 2:
        raise ValueError(f"{op}: expected an input of shape (N, C, ...) with at least 2 "
                         f"dims, got {list(x.shape)}")
    c = x.shape[1]
    for t, name in ((running_mean, "running_mean"), (running_var, "running_var"),
                    (weight, "weight"), (bias, "bias")):
        _check_param(t, name, c, x, op)
    axes = (0,) + tuple(range(2, x.ndim))
    pshape = (1, c) + (1,) * (x.ndim - 2)
    if training:
        n = x.size // c if c else 0
        if n == 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got "
                             f"input size tinytorch.Size({list(x.shape)})")
        xs = widened(x)     # float16 statistics in float32, as torch
        with _quiet():      # an inf in a channel: inf - inf, silently NaN (as torch)
            mean = xs.mean(axis=axes, keepdims=True)
            var = np.square(xs - mean).mean(axis=axes, keepdims=True)   # biased: divide by n
            m = float(momentum)
            # r ← m·stat + (1 - m)·r in one expression (float16 rounded once, as torch)
            if running_mean is not None:
                rm = array(running_mean)
                rm[...] = m * mean.reshape(rm.shape) + (1 - m) * widened(rm)
                mark_modified(running_mean)
            if running_var is not None:
                rv = array(running_var)
                unbiased = var.reshape(rv.shape) * (n / max(n - 1, 1))    # divide by n - 1
                rv[...] = m * unbiased + (1 - m) * widened(rv)
                mark_modified(running_var)
            rstd = 1.0 / np.sqrt(var + eps)
        # torch keeps the batch statistics in the input's dtype (float16 rounded), and
        # computes with them in float32
        mean = widened(mean.astype(x.dtype, copy=False))
        rstd = widened(rstd.astype(x.dtype, copy=False))
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError("running_mean must be defined in evaluation mode")
        mean = widened(array(running_mean).reshape(pshape))
        with _quiet():      # a negative running variance: NaN (as torch)
            rstd = 1.0 / np.sqrt(widened(array(running_var).reshape(pshape)) + eps)
    return P.Normalize.apply(input, weight, bias, mean, rstd, axes, axes, pshape,
                             eps if training else None)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalise over the last ``len(normalized_shape)`` dims of ``input`` (which must end
    with ``normalized_shape``), then scale by ``weight`` and shift by ``bias`` (both of shape
    ``normalized_shape``, optional).

    >>> y = layer_norm(tinytorch.randn(2, 5, 8), (8,))
    >>> y.mean(-1).abs().max() < 1e-6
    tensor(True)
    """
    op = "layer_norm"
    x = _float_input(input, op, "LayerNormKernelImpl")
    if not isinstance(normalized_shape, (tuple, list)):
        raise TypeError(f"layer_norm(): argument 'normalized_shape' (position 2) must be tuple "
                        f"of ints, not {type(normalized_shape).__name__}")
    shape = tuple(int(s) for s in normalized_shape)
    k = len(shape)
    if k == 0:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., "
                           "containing at least one element, but got normalized_shape = []")
    for t, name in ((weight, "weight"), (bias, "bias")):
        if t is not None and (not isinstance(t, Tensor) or t.shape != shape):
            got = list(t.shape) if isinstance(t, Tensor) else type(t).__name__
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but "
                               f"got {name} of shape {got} and normalized_shape = "
                               f"{list(shape)}")
        if t is not None and array(t).dtype != x.dtype:
            raise RuntimeError(f"mixed dtype (CPU): all inputs must share same datatype. "
                               f"(layer_norm: input is {_word(x)}, {name} is {_word(array(t))})")
    if x.ndim < k or x.shape[x.ndim - k:] != shape:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape "
                           f"[*, {', '.join(map(str, shape))}], but got input of size"
                           f"{list(x.shape)}")
    axes = tuple(range(x.ndim - k, x.ndim))
    xs = widened(x)         # float16 statistics in float32, as torch
    with _quiet():          # an inf in a row: inf - inf, silently NaN (as torch)
        mean = xs.mean(axis=axes, keepdims=True)
        var = np.square(xs - mean).mean(axis=axes, keepdims=True)
        rstd = 1.0 / np.sqrt(var + eps)
    return P.LayerNormFunction.apply(input, weight, bias, mean, rstd, axes,
                                     tuple(range(x.ndim - k)), shape, eps)


# --- modules ------------------------------------------------------------------------------

class _BatchNorm(Module):
    """Shared by BatchNorm1d/2d/3d: parameters ``weight`` (γ, ones) and ``bias`` (β, zeros)
    when ``affine``; buffers ``running_mean`` (zeros), ``running_var`` (ones) and
    ``num_batches_tracked`` when ``track_running_stats``.

    ``momentum=None`` makes the running statistics a plain cumulative average (factor
    1/num_batches_tracked) instead of an exponential one.
    """

    _dims = ()

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, device=None, dtype=None, *, bias=True):
        check_device(device, "_BatchNorm", default=False)  # the CPU only
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        dt = _dtype.get_default_dtype() if dtype is None else _dtype.to_dtype(dtype)
        if affine:
            self.weight = Parameter(ones(num_features, dtype=dt))
            if bias:
                self.bias = Parameter(zeros(num_features, dtype=dt))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", zeros(num_features, dtype=dt))
            self.register_buffer("running_var", ones(num_features, dtype=dt))
            self.register_buffer("num_batches_tracked", tensor(0, dtype=_dtype.int64))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self):
        if self.track_running_stats:
            init.zeros_(self.running_mean)
            init.ones_(self.running_var)
            init.zeros_(self.num_batches_tracked)

    def reset_parameters(self):
        self.reset_running_stats()
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def _check_input_dim(self, input):
        if not isinstance(input, Tensor):
            raise TypeError(f"{type(self).__name__}: expected a Tensor input, got "
                            f"{type(input).__name__}")
        d = input.ndim
        if d not in self._dims:
            want = " or ".join(f"{k}D" for k in self._dims)
            raise ValueError(f"expected {want} input (got {d}D input)")

    def forward(self, input):
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            count = array(self.num_batches_tracked)
            count += 1
            mark_modified(self.num_batches_tracked)
            if self.momentum is None:
                factor = 1.0 / float(count)
        # batch statistics in training, and in eval when there are no running statistics
        use_batch = self.training or (self.running_mean is None and self.running_var is None)
        # the running statistics are passed only where they are used or updated
        pass_stats = not self.training or self.track_running_stats
        return batch_norm(input, self.running_mean if pass_stats else None,
                          self.running_var if pass_stats else None, self.weight, self.bias,
                          use_batch, factor, self.eps)

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) inputs, per feature/channel C.

    >>> bn = BatchNorm1d(3)
    >>> y = bn(tinytorch.randn(32, 3) * 5 + 2)
    >>> bn.eval()(tinytorch.randn(4, 3)).shape       # eval: uses running statistics
    tinytorch.Size([4, 3])
    """

    _dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) images, per channel C (statistics over N, H, W)."""

    _dims = (4,)


class BatchNorm3d(_BatchNorm):
    """Batch normalisation of (N, C, D, H, W) volumes, per channel C."""

    _dims = (5,)


class LayerNorm(Module):
    """Layer normalisation over the last dims (``normalized_shape``, an int or a tuple), with
    an elementwise ``weight`` (ones) and ``bias`` (zeros) of that shape when
    ``elementwise_affine``.

    >>> ln = LayerNorm(8)
    >>> ln(tinytorch.randn(2, 5, 8)).shape
    tinytorch.Size([2, 5, 8])
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True,
                 device=None, dtype=None):
        check_device(device, "LayerNorm", default=False)  # the CPU only
        super().__init__()
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(int(s) for s in normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        dt = _dtype.get_default_dtype() if dtype is None else _dtype.to_dtype(dtype)
        if elementwise_affine:
            self.weight = Parameter(ones(self.normalized_shape, dtype=dt))
            if bias:
                self.bias = Parameter(zeros(self.normalized_shape, dtype=dt))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def reset_parameters(self):
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, input):
        return layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")
