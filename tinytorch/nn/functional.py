"""tinytorch.nn.functional: stateless layers, activations and losses (torch's signatures).

Most functions check their inputs here and then run one fused primitive from
tinytorch/functions/nn.py, as torch runs one kernel: ``linear`` is one node (x Wᵀ + b),
``cross_entropy`` is one node computed through log-sum-exp.

The image and embedding ops (conv2d, pooling, batch_norm/layer_norm, embedding) are defined
next to their layers in conv.py, pooling.py, normalization.py and sparse.py and re-exported
here.  Imports point one way.  The layers built on this module (linear.py, activation.py,
dropout.py, loss.py, attention.py) import it, and it never imports them; the four files above
sit below it (it imports their functions), so they must not import it.

>>> import tinytorch.nn.functional as F
>>> logits = tinytorch.tensor([[1000.0, 0.0]])
>>> F.cross_entropy(logits, tinytorch.tensor([1]))      # exact, no overflow
tensor(1000.)
"""
import math
import warnings

import numpy as np

from .. import _dtype
from ..functions import nn as P
from .. import _torch_stream as TS
from ..random import _stream
from .._api import (array, broadcast_error, inplace, linear_bias_dtype_error, linear_dtype_error,
                    promote, wrap)
from ..tensor import Tensor
from .conv import conv2d
from ._spatial import (cosine_similarity, fold, interpolate, normalize, pad, pairwise_distance,
                       pixel_shuffle, pixel_unshuffle, unfold, upsample, upsample_bilinear,
                       upsample_nearest)
from .normalization import batch_norm, layer_norm
from .pooling import adaptive_avg_pool2d, avg_pool2d, max_pool2d, max_pool2d_with_indices
from .sparse import embedding

__all__ = [
    "linear", "relu", "relu_", "leaky_relu", "gelu", "silu", "softplus", "elu", "sigmoid",
    "tanh", "softmax", "log_softmax", "dropout", "one_hot", "flatten", "identity",
    "cross_entropy", "nll_loss", "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss",
    "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "conv2d", "max_pool2d", "max_pool2d_with_indices", "avg_pool2d", "adaptive_avg_pool2d",
    "batch_norm", "layer_norm", "embedding", "scaled_dot_product_attention",
]

_TORCH_TYPE = {"float16": "Half", "float32": "Float", "float64": "Double", "uint8": "Byte",
               "int8": "Char", "int16": "Short", "int32": "Int", "int64": "Long",
               "bool": "Bool"}


def _type_word(arr):
    """torch's word for a dtype in messages ('Float', 'Long', ...)."""
    return _TORCH_TYPE.get(arr.dtype.name, arr.dtype.name)


def _tensor(x, op, what="input"):
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument '{what}' must be Tensor, not {type(x).__name__}")
    return x


def _float_input(x, op):
    _tensor(x, op)
    if array(x).dtype.kind != "f":
        raise NotImplementedError(f"{op}: not implemented for '{_type_word(array(x))}' "
                                  f"(expected a floating point input, got {x.dtype})")
    return x


def _inplace(input, op, fn):
    """Run ``fn(input)`` and write the result into ``input`` (the ``inplace=True`` form)."""
    return inplace(input, lambda: fn(input), op)


# --- linear -----------------------------------------------------------------------------

def linear(input, weight, bias=None):
    """y = x Wᵀ + b, with W of shape (out_features, in_features), over x's last dim."""
    if isinstance(input, Tensor) and isinstance(weight, Tensor):
        x, w = array(input), array(weight)
        if w.ndim == 2 and x.ndim >= 1 and x.dtype == w.dtype and x.shape[-1] == w.shape[1]:
            if bias is None:
                return P.LinearFunction.apply(input, weight, None)
            b = array(bias) if isinstance(bias, Tensor) else None
            if b is not None and b.dtype == x.dtype and b.shape == (w.shape[0],):
                return P.LinearFunction.apply(input, weight, bias)
    return _linear_checked(input, weight, bias)


def _linear_checked(input, weight, bias):
    """linear's slow path: the error messages, and the rare shapes (1-D weight, a bias
    that broadcasts without being a vector)."""
    _tensor(input, "linear")
    _tensor(weight, "linear", "weight")
    x, w = array(input), array(weight)
    if x.ndim == 0 or w.ndim == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are "
                           f"{x.ndim}D and {w.ndim}D")
    if x.dtype != w.dtype:
        raise linear_dtype_error(x.dtype, w.dtype, bias is not None)
    if w.ndim > 2:
        raise RuntimeError(f"linear: weight must be 1-D or 2-D, got shape {list(w.shape)}")
    if x.shape[-1] != w.shape[-1]:
        rows = int(np.prod(x.shape[:-1])) if x.ndim > 1 else 1
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{x.shape[-1]} "
                           f"and {w.shape[-1]}x{w.shape[0] if w.ndim == 2 else 1})")
    out = input.matmul(weight) if w.ndim == 1 else P.LinearFunction.apply(input, weight, None)
    if bias is None:
        return out
    _tensor(bias, "linear", "bias")
    if array(bias).dtype != x.dtype:
        raise linear_bias_dtype_error(array(bias).dtype, w.dtype)
    if broadcast_error("linear", bias.shape, out.shape) is not None or \
            np.broadcast_shapes(bias.shape, out.shape) != out.shape:
        raise RuntimeError(f"linear: bias of shape {list(bias.shape)} cannot be added to "
                           f"the output of shape {list(out.shape)} (expected shape "
                           f"[{w.shape[0] if w.ndim == 2 else ''}])")
    return out + bias


def identity(input):
    return input


def flatten(input, start_dim=0, end_dim=-1):
    return input.flatten(start_dim, end_dim)


# --- activations ------------------------------------------------------------------------

def relu(input, inplace=False):
    """max(x, 0)"""
    if inplace:
        return _inplace(input, "relu_", Tensor.relu)
    return input.relu()


def relu_(input):
    return relu(input, inplace=True)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """x if x > 0 else negative_slope·x"""
    _float_input(input, "leaky_relu")
    if inplace:
        return _inplace(input, "leaky_relu_",
                        lambda t: P.LeakyReluFunction.apply(t, negative_slope))
    return P.LeakyReluFunction.apply(input, negative_slope)


def gelu(input, approximate="none"):
    """x·Φ(x) (Φ the standard normal CDF, through erf), or its tanh approximation."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    _float_input(input, "gelu")
    return P.GeluFunction.apply(input, approximate)


def silu(input, inplace=False):
    """x·σ(x) (a.k.a. swish)"""
    _float_input(input, "silu")
    if inplace:
        return _inplace(input, "silu_", P.SiluFunction.apply)
    return P.SiluFunction.apply(input)


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + e^(βx))/β, linear (x) where βx > threshold"""
    _float_input(input, "softplus")
    return P.SoftplusFunction.apply(input, beta, threshold)


def elu(input, alpha=1.0, inplace=False):
    """x if x > 0 else α(e^x - 1)"""
    _float_input(input, "elu")
    if inplace:
        return _inplace(input, "elu_", lambda t: P.EluFunction.apply(t, alpha))
    return P.EluFunction.apply(input, alpha)


def sigmoid(input):
    return input.sigmoid()


def tanh(input):
    return input.tanh()


def _softmax_dim(name, ndim, stacklevel):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call "
                  "to include dim=X as an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """e^x / Σ e^x along ``dim``."""
    if dim is None:
        dim = _softmax_dim("softmax", input.dim(), _stacklevel)
    return input.softmax(dim, dtype=dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """x - log Σ e^x along ``dim`` (computed stably)."""
    if dim is None:
        dim = _softmax_dim("log_softmax", input.dim(), _stacklevel)
    return input.log_softmax(dim, dtype=dtype)


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability p and scale the rest by 1/(1-p) (training only)."""
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training:
        return input
    _float_input(input, "dropout")
    x = array(input)
    if p == 0 or x.size == 0:  # torch returns the input and draws nothing
        return input
    if p == 1:
        mask = np.zeros((), x.dtype)
    else:
        # torch's mask: empty_like(input).bernoulli_(1 - p) (float64 uniforms, one per
        # element), then div_(1 - p) with the divisor rounded to float32 (float64 inputs:
        # float64); the output is input * mask, whose gradient is grad * mask
        op = np.float64 if x.dtype == np.float64 else np.float32
        mask = TS.dropout_mask(_stream(None), x.size, p, op).astype(x.dtype).reshape(x.shape)

    def f(t):
        return t * wrap(mask)
    if inplace:
        return _inplace(input, "dropout_", f)
    return f(input)


def one_hot(tensor, num_classes=-1):
    """Class indices (int64) -> one-hot rows: shape ``tensor.shape + (num_classes,)``, int64.

    >>> one_hot(tinytorch.tensor([0, 2]))
    tensor([[1, 0, 0],
            [0, 0, 1]])
    """
    _tensor(tensor, "one_hot", "tensor")
    y = array(tensor)
    if y.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor "
                           f"(got {tensor.dtype}).")
    if num_classes == -1:
        if y.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(y.max()) + 1
    if y.size:
        if y.min() < 0:
            raise RuntimeError("Class values must be non-negative.")
        if y.max() >= num_classes:
            raise RuntimeError(f"Class values must be smaller than num_classes "
                               f"(got {int(y.max())} with num_classes={num_classes}).")
    out = np.zeros(y.shape + (num_classes,), np.int64)
    np.put_along_axis(out, y[..., None], 1, axis=-1)
    return wrap(out)


# --- losses: shared checks ------------------------------------------------------------------

_REDUCTIONS = ("none", "mean", "sum")


def _legacy_reduction(size_average, reduce):
    """torch's mapping of the deprecated size_average/reduce flags to ``reduction``."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    ret = "mean" if size_average and reduce else ("sum" if reduce else "none")
    warnings.warn(f"size_average and reduce args will be deprecated, please use "
                  f"reduction='{ret}' instead.", stacklevel=3)
    return ret


def _reduction(size_average, reduce, reduction):
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _warn_size(input, target):
    if array(target).shape != array(input).shape:
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input "
                      f"size ({input.shape}). This will likely lead to incorrect results due "
                      "to broadcasting. Please ensure they have the same size.", stacklevel=3)


def _pair(input, target, op):
    """Check a pointwise loss's operands and give them a common floating dtype."""
    _tensor(input, op)
    _tensor(target, op, "target")
    _warn_size(input, target)
    err = broadcast_error(op, array(input).shape, array(target).shape)
    if err is not None:
        raise err
    x, y = promote(input, target, op)
    if array(x).dtype.kind != "f":
        # torch has no integer kernel: an integer regression loss is almost always a
        # forgotten .float() on both operands
        raise NotImplementedError(f'"{op}" not implemented for \'{_type_word(array(x))}\' '
                                  f"(input {input.dtype}, target {target.dtype}; expected "
                                  "a floating point input or target)")
    return x, y


def _weighted(loss_none, weight, reduction, op, mean_by_weight):
    """loss·weight reduced; 'mean' divides by Σ weight (mse, l1) or by the count (huber)."""
    _tensor(weight, op, "weight")
    if array(weight).shape != array(loss_none).shape:
        raise ValueError("Weights and input must have the same size.")
    out = loss_none * weight
    if reduction == "none":
        return out
    if reduction == "sum":
        return out.sum()
    return out.sum() / weight.sum() if mean_by_weight else out.mean()


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """(x - y)², reduced."""
    reduction = _reduction(size_average, reduce, reduction)
    x, y = _pair(input, target, "mse_loss")
    if weight is not None:
        return _weighted(P.MseLossFunction.apply(x, y, "none"), weight, reduction, "mse_loss", True)
    return P.MseLossFunction.apply(x, y, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """|x - y|, reduced."""
    reduction = _reduction(size_average, reduce, reduction)
    x, y = _pair(input, target, "l1_loss")
    if weight is not None:
        return _weighted(P.L1LossFunction.apply(x, y, "none"), weight, reduction, "l1_loss", True)
    return P.L1LossFunction.apply(x, y, reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean",
                   beta=1.0):
    """d²/(2β) where |d| < β, else |d| - β/2 (d = x - y), reduced."""
    reduction = _reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError(f"smooth_l1_loss does not support negative values for beta "
                           f"(got beta={beta}).")
    x, y = _pair(input, target, "smooth_l1_loss")
    return P.SmoothL1LossFunction.apply(x, y, reduction, float(beta))


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """d²/2 where |d| < δ, else δ(|d| - δ/2) (d = x - y), reduced."""
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if delta <= 0:
        raise RuntimeError(f"huber_loss does not support non-positive values for delta "
                           f"(got delta={delta}).")
    x, y = _pair(input, target, "huber_loss")
    if weight is not None:
        return _weighted(P.HuberLossFunction.apply(x, y, "none", float(delta)), weight, reduction,
                         "huber_loss", False)
    return P.HuberLossFunction.apply(x, y, reduction, float(delta))


def _broadcast_weight(w, shape, dtype, op, what="weight"):
    if w is None:
        return None
    _tensor(w, op, what)
    try:
        np.broadcast_shapes(array(w).shape, shape)
    except ValueError:
        raise RuntimeError(f"{op}: {what} of shape {list(array(w).shape)} cannot be broadcast "
                           f"to the input's shape {list(shape)}") from None
    return wrap(array(w).astype(dtype, copy=False))


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """-w·(y·log x + (1-y)·log(1-x)) for probabilities x in [0, 1] (logs clamped at -100)."""
    reduction = _reduction(size_average, reduce, reduction)
    _tensor(input, "binary_cross_entropy")
    _tensor(target, "binary_cross_entropy", "target")
    if array(target).shape != array(input).shape:
        raise ValueError(f"Using a target size ({target.shape}) that is different to the "
                         f"input size ({input.shape}) is deprecated. Please ensure they have "
                         "the same size.")
    x = array(input)
    if x.dtype.kind != "f":
        raise NotImplementedError(f"binary_cross_entropy: not implemented for "
                                  f"'{_type_word(x)}' (expected a floating point input)")
    if array(target).dtype != x.dtype:
        raise RuntimeError(f"Found dtype {_type_word(array(target))} but expected "
                           f"{_type_word(x)} (binary_cross_entropy: target and input must "
                           "have the same dtype)")
    if x.size and not np.all((x >= 0) & (x <= 1)):      # NaN is not a probability either
        raise RuntimeError("all elements of input should be between 0 and 1 "
                           "(binary_cross_entropy expects probabilities; for logits use "
                           "binary_cross_entropy_with_logits)")
    t = array(target)
    if t.size and not np.all((t >= 0) & (t <= 1)):
        raise RuntimeError("all elements of target should be between 0 and 1 "
                           "(binary_cross_entropy: the target is a probability)")
    w = _broadcast_weight(weight, x.shape, x.dtype, "binary_cross_entropy")
    return P.BinaryCrossEntropy.apply(input, target, w, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,
                                     reduce=None, reduction="mean", pos_weight=None):
    """BCE on σ(x), computed stably as max(x, 0) - x·y + log(1 + e^-|x|); ``pos_weight``
    (broadcast along the last, class, dim) multiplies the positive term."""
    reduction = _reduction(size_average, reduce, reduction)
    op = "binary_cross_entropy_with_logits"
    _tensor(input, op)
    _tensor(target, op, "target")
    if array(target).shape != array(input).shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size "
                         f"({input.shape})")
    if array(input).dtype.kind != "f":
        raise NotImplementedError(f"{op}: not implemented for '{_type_word(array(input))}' "
                                  "(expected floating point logits)")
    if array(target).dtype.kind != "f":
        raise RuntimeError(f"{op}: result type Float can't be cast to the desired output type "
                           f"{_type_word(array(target))} (the target must be floating point, "
                           f"got {target.dtype})")
    x, y = promote(input, target, op)
    dt = array(x).dtype
    w = _broadcast_weight(weight, array(x).shape, dt, op)
    pw = _broadcast_weight(pos_weight, array(x).shape, dt, op, "pos_weight")
    return P.BinaryCrossEntropyWithLogits.apply(x, y, w, pw, reduction)


def _class_weight(weight, C, op):
    """Check a per-class weight: a tensor of shape (C,)."""
    _tensor(weight, op, "weight")
    if array(weight).shape != (C,):
        raise RuntimeError(f"weight tensor should be defined either for all {C} classes "
                           f"or no classes but got weight tensor of shape: "
                           f"{list(array(weight).shape)}")


def _class_target(input, target, weight, ignore_index, op):
    """Check class-index targets for nll_loss / cross_entropy (class dim 1).

    Returns (x, y, w, wy, keep, denom, unbatched): ``y`` int64 with ignored entries set to 0,
    ``keep`` the mask of counted entries (None when none is ignored), ``wy`` the weight of
    each entry (None when all are 1) and ``denom`` the divisor of 'mean'."""
    x = input
    xd = array(x)
    t = array(target)
    if t.dtype not in (np.int64, np.uint8):
        hint = ""
        if t.dtype.kind == "f":
            hint = (f" ({op}: class-probability targets must have the input's shape "
                    f"{list(xd.shape)}, got {list(t.shape)})")
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got "
                           f"{_type_word(t)}{hint}")
    unbatched = xd.ndim == 1
    if unbatched:
        if t.ndim > 1 or (t.ndim == 1 and t.shape[0] != 1):
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target "
                             f"size: {t.shape[0] if t.ndim else 0}")
        x = x.reshape(1, xd.shape[0])
        xd = array(x)
        t = t.reshape(1)
    else:
        n = xd.shape[0]
        tn = t.shape[0] if t.ndim else 0
        if t.ndim == 0 or tn != n:
            raise ValueError(f"Expected input batch_size ({n}) to match target batch_size "
                             f"({tn}).")
        if xd.ndim == 2 and t.ndim != 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported "
                               f"({op}: input {list(xd.shape)}, target {list(t.shape)})")
        expect = (n,) + xd.shape[2:]
        if t.shape != expect:
            raise RuntimeError(f"Expected target size {list(expect)}, got {list(t.shape)}")
    C = xd.shape[1]
    w = None
    if weight is not None:
        _class_weight(weight, C, op)
        if array(weight).dtype != xd.dtype:
            raise RuntimeError(f"expected scalar type {_type_word(xd)} but found "
                               f"{_type_word(array(weight))} ({op}: weight and input must "
                               "have the same dtype)")
        w = array(weight)
    y = t.astype(np.int64, copy=False)
    keep = None
    if y.size:
        lo, hi = y.min(), y.max()
        # a negative ignore_index (the default -100) can only occur if some y < 0
        if lo <= ignore_index <= hi:
            ign = y == ignore_index
            if ign.any():
                keep = ~ign
                y = np.where(ign, 0, y)
                lo, hi = y.min(), y.max()
        if lo < 0 or hi >= C:
            bad = y[(y < 0) | (y >= C)][0]
            raise IndexError(f"Target {bad} is out of bounds. ({op}: the input has {C} "
                             f"classes, so targets must be in [0, {C - 1}] or equal "
                             f"ignore_index={ignore_index})")
    wy = None
    if w is not None:
        wy = w[y]
        if keep is not None:
            wy = wy * keep
        denom = wy.sum()
    elif keep is not None:
        wy = keep.astype(xd.dtype)
        denom = int(keep.sum())
    else:
        denom = y.size
    return x, y, w, wy, keep, denom, unbatched


def _finish(out, reduction, unbatched):
    if unbatched and reduction == "none":
        return out.reshape(())
    return out


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """-w_y·x_y for log-probabilities x (class dim 1) and class indices y; 'mean' divides
    by Σ w_y over the counted (not ignored) entries."""
    reduction = _reduction(size_average, reduce, reduction)
    _tensor(input, "nll_loss")
    _tensor(target, "nll_loss", "target")
    if array(input).ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {array(input).ndim})")
    _float_input(input, "nll_loss")
    x, y, w, wy, keep, denom, unbatched = _class_target(input, target, weight, ignore_index,
                                                        "nll_loss")
    out = P.NllLossFunction.apply(x, y, wy, reduction, denom)
    return _finish(out, reduction, unbatched)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
                  reduce=None, reduction="mean", label_smoothing=0.0):
    """Softmax cross-entropy of logits ``input`` (class dim 1: (C,), (N, C) or
    (N, C, d1, ...)) against class indices or class probabilities (same shape as input).

    One fused op: log-softmax through log-sum-exp, so large logits give exact losses, and
    the gradient is softmax - target (weighted and scaled by the reduction).
    """
    if weight is None and ignore_index == -100 and not label_smoothing and \
            reduction == "mean" and size_average is None and reduce is None and \
            isinstance(input, Tensor) and isinstance(target, Tensor):
        # the everyday case: (N, C) float logits, (N,) int64 classes all in range
        xd, t = array(input), array(target)
        if xd.ndim == 2 and t.ndim == 1 and t.dtype == np.int64 and xd.dtype.kind == "f" \
                and t.shape[0] == xd.shape[0] > 0 and 0 <= t.min() and t.max() < xd.shape[1]:
            return P.CrossEntropy.apply(input, t, None, None, None, 0.0, False, "mean",
                                        t.shape[0])
    reduction = _reduction(size_average, reduce, reduction)
    _tensor(input, "cross_entropy")
    _tensor(target, "cross_entropy", "target")
    xd = array(input)
    if xd.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {xd.ndim})")
    _float_input(input, "cross_entropy")
    eps = float(label_smoothing)
    if not 0.0 <= eps <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {eps}")
    if array(target).shape == xd.shape:
        return _cross_entropy_probs(input, target, weight, ignore_index, reduction, eps)
    x, y, w, wy, keep, denom, unbatched = _class_target(input, target, weight, ignore_index,
                                                        "cross_entropy")
    out = P.CrossEntropy.apply(x, y, w, wy, keep, eps, False, reduction, denom)
    return _finish(out, reduction, unbatched)


def _cross_entropy_probs(input, target, weight, ignore_index, reduction, eps):
    t = array(target)
    if t.dtype.kind != "f":
        raise RuntimeError(f"Expected floating point type for target with class "
                           f"probabilities, got {_type_word(t)}")
    if ignore_index != -100:
        raise RuntimeError("ignore_index is not supported for floating point target")
    x, y = input, target
    if t.dtype != array(input).dtype:
        x, y = promote(input, target, "cross_entropy")
    unbatched = array(x).ndim == 1
    if unbatched:
        x, y = x.reshape(1, -1), y.reshape(1, -1)
    C = array(x).shape[1]
    w = None
    if weight is not None:
        _class_weight(weight, C, "cross_entropy")
        # torch multiplies by the weight in the promoted dtype: float16 logits with a float64
        # weight give a float64 loss
        xp, _ = promote(x, weight, "cross_entropy")
        if array(xp).dtype != array(x).dtype:
            x, y = xp, y.to(xp.dtype)
        w = array(weight).astype(array(x).dtype, copy=False)
    denom = array(x).size // C if C else 0
    out = P.CrossEntropy.apply(x, y, w, None, None, eps, True, reduction, denom)
    return _finish(out, reduction, unbatched)


# --- attention ----------------------------------------------------------------------------
# (attention.py explains the maths and holds the MultiheadAttention layer built on this)

def _check_qkv(query, key, value):
    for name, t in (("query", query), ("key", key), ("value", value)):
        if not isinstance(t, Tensor):
            raise TypeError(f"scaled_dot_product_attention(): argument '{name}' must be "
                            f"Tensor, not {type(t).__name__}")
    q, k, v = array(query), array(key), array(value)
    if not q.dtype == k.dtype == v.dtype:
        raise RuntimeError(f"Expected query, key, and value to have the same dtype, but got "
                           f"query.dtype: {_type_word(q)} key.dtype: {_type_word(k)} and "
                           f"value.dtype: {_type_word(v)} instead.")
    if q.dtype.kind != "f":
        raise NotImplementedError(f"scaled_dot_product_attention: not implemented for "
                                  f"'{_type_word(q)}' (expected floating point query/key/value)")
    if min(q.ndim, k.ndim, v.ndim) < 2:
        raise RuntimeError(f"scaled_dot_product_attention: query, key and value must be at "
                           f"least 2-D (..., length, dim), got {list(q.shape)}, "
                           f"{list(k.shape)} and {list(v.shape)}")
    if k.shape[-1] != q.shape[-1]:
        raise RuntimeError(f"scaled_dot_product_attention: query and key must have the same "
                           f"last dim (embedding size), got query {list(q.shape)} and key "
                           f"{list(k.shape)}")
    if v.shape[-2] != k.shape[-2]:
        raise RuntimeError(f"scaled_dot_product_attention: key and value must have the same "
                           f"length (dim -2), got key {list(k.shape)} and value "
                           f"{list(v.shape)}")


def _repeat_heads(t, rep):
    """(..., Hk, S, E) -> (..., Hk·rep, S, E), each head repeated rep times in a row (as
    repeat_interleave along dim -3)."""
    shape = array(t).shape
    t = t.unsqueeze(-3).expand(*shape[:-2], rep, *shape[-2:])
    return t.reshape(*shape[:-3], shape[-3] * rep, *shape[-2:])


def _mask_bias(attn_mask, dtype, op):
    """A bool mask (True = may attend) or a float mask (added to the scores) -> the additive
    float mask (a Tensor) and the numpy array of its entries, to find fully masked rows."""
    if not isinstance(attn_mask, Tensor):
        raise TypeError(f"{op}: attn_mask must be a Tensor, not {type(attn_mask).__name__}")
    m = array(attn_mask)
    if m.dtype == np.bool_:
        bias = np.where(m, 0.0, -np.inf).astype(dtype)
        return wrap(bias), bias
    if m.dtype.kind != "f":
        raise RuntimeError(f"Expected attn_mask dtype to be bool or float or to match query "
                           f"dtype, but got attn_mask.dtype: {_type_word(m)} and  query.dtype: "
                           f"{_type_word(np.empty(0, dtype))} instead.")
    if m.dtype != dtype:
        attn_mask = attn_mask.to(_dtype.FROM_NP[np.dtype(dtype)])
    return attn_mask, m


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, scale=None, enable_gqa=False):
    """softmax(Q Kᵀ · scale + mask) V over the last two dims of query (..., L, E), key
    (..., S, E) and value (..., S, Ev); leading dims broadcast.

    ``attn_mask``: bool (True = may attend) or float (added to the scores), broadcastable to
    (..., L, S).  ``is_causal``: query i sees keys 0..i only (no attn_mask then).  A query
    that may attend to nothing gets an all-zero output row (as torch).  ``dropout_p`` drops
    attention weights (always, like torch's function: pass 0.0 in eval).  ``enable_gqa``: key
    and value may have fewer heads (dim -3) than query, each shared by a group of query heads.
    """
    op = "scaled_dot_product_attention"
    _check_qkv(query, key, value)
    q = array(query)
    L, S, E = q.shape[-2], array(key).shape[-2], q.shape[-1]
    if enable_gqa and q.ndim >= 3 and array(key).ndim >= 3:
        hq, hk, hv = q.shape[-3], array(key).shape[-3], array(value).shape[-3]
        if hq % hk or hq % hv:
            raise RuntimeError(f"{op}: with enable_gqa the number of query heads ({hq}) must "
                               f"be a multiple of the key ({hk}) and value ({hv}) heads")
        key = _repeat_heads(key, hq // hk) if hk != hq else key
        value = _repeat_heads(value, hq // hv) if hv != hq else value
    scale = 1.0 / math.sqrt(E) if scale is None else scale
    # scores[..., i, j] = q_i · k_j · scale
    scores = query.matmul(key.transpose(-2, -1)) * scale
    dead = None
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not "
                               "be set when is_causal=True")
        # query i may see keys j <= i (lower triangle, aligned at the top left)
        bias = np.where(np.tri(L, S, dtype=bool), 0.0, -np.inf).astype(q.dtype)
        scores = scores + wrap(bias)        # every row sees key 0: none fully masked
    elif attn_mask is not None:
        bias_t, bias = _mask_bias(attn_mask, q.dtype, op)
        try:
            np.broadcast_shapes(bias.shape, array(scores).shape)
        except ValueError:
            raise RuntimeError(f"{op}: attn_mask of shape {list(bias.shape)} cannot be "
                               f"broadcast to the attention scores' shape "
                               f"{list(array(scores).shape)} (..., L={L}, S={S})") from None
        scores = scores + bias_t
        if bias.dtype == np.bool_:
            dead = ~bias.any(axis=-1)
        else:
            dead = np.all(bias == -np.inf, axis=-1)
        dead = dead[..., None] if dead.any() else None
    if dead is not None:
        # rows that may attend to nothing: softmax would give 0/0; make them 0 instead,
        # with a zero gradient (fill before the softmax so no NaN appears at all)
        dead_t = wrap(dead)
        scores = scores.masked_fill(dead_t, 0.0)
        weights = scores.softmax(-1).masked_fill(dead_t, 0.0)
    else:
        weights = scores.softmax(-1)
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p, True)
    return weights.matmul(value)


# --- more activations (exact composites of twice-differentiable ops) --------------------
# Kinks follow torch's backward formulas: the condition picked for ``where`` decides which
# side a boundary point takes its gradient from.

def _where(cond, a, b):
    from .. import where
    return where(cond, a, b)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """min_val if x <= min_val, max_val if x >= max_val, else x (gradient 0 at the bounds)"""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    _float_input(input, "hardtanh")

    def f(x):
        # outside (min_val, max_val), nan included, the gradient is 0 as in torch
        return _where((x > min_val) & (x < max_val), x, x.detach().clamp(min_val, max_val))
    if inplace:
        return _inplace(input, "hardtanh_", f)
    return f(input)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input, inplace=False):
    """min(max(x, 0), 6) (hardtanh(x, 0, 6))"""
    return hardtanh(input, 0.0, 6.0, inplace)


def hardsigmoid(input, inplace=False):
    """relu6(x + 3) / 6 (gradient 1/6 strictly inside (-3, 3), else 0)"""
    _float_input(input, "hardsigmoid")

    def f(x):
        # outside (-3, 3), nan included, the gradient is 0 as in torch
        return _where((x > -3.0) & (x < 3.0), x / 6.0 + 0.5,
                      (x.detach() / 6.0 + 0.5).clamp(0.0, 1.0))
    if inplace:
        return _inplace(input, "hardsigmoid_", f)
    return f(input)


def hardswish(input, inplace=False):
    """x·relu6(x + 3)/6 (gradient x/3 + 1/2 on [-3, 3], 0 below, 1 above)"""
    _float_input(input, "hardswish")

    def f(x):
        mid = ~(x <= -3.0) & ~(x >= 3.0)              # nan included, as torch
        xm = _where(mid, x, 0.0)                      # no inf·0 in the unused branch
        y = _where(mid, xm * (xm + 3.0) / 6.0, _where(x <= -3.0, 0.0, x))
        return _where(x == -math.inf, math.nan, y)      # torch: -inf·0 = nan
    if inplace:
        return _inplace(input, "hardswish_", f)
    return f(input)


def mish(input, inplace=False):
    """x·tanh(softplus(x))"""
    _float_input(input, "mish")

    def f(x):
        x = x.clone()         # the graph saves the clone, so inplace=True can overwrite x
        with np.errstate(invalid="ignore"):  # -inf * tanh(0) is nan, silently as in torch
            return x * softplus(x).tanh()
    if inplace:
        return _inplace(input, "mish_", f)
    return f(input)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input, inplace=False):
    """scale·elu(x, alpha) with torch's fixed scale and alpha"""
    _float_input(input, "selu")

    def f(x):
        return P.EluFunction.apply(x, _SELU_ALPHA) * _SELU_SCALE
    if inplace:
        return _inplace(input, "selu_", f)
    return f(input)


def celu(input, alpha=1.0, inplace=False):
    """x if x > 0 else α(e^(x/α) - 1), i.e. α·elu(x/α, 1)"""
    _float_input(input, "celu")

    def f(x):
        return P.EluFunction.apply(x / alpha, 1.0) * alpha
    if inplace:
        return _inplace(input, "celu_", f)
    return f(input)


def logsigmoid(input):
    """log σ(x) = -softplus(-x)"""
    _float_input(input, "log_sigmoid_forward")
    return -softplus(-input)


def softsign(input):
    """x / (1 + |x|)"""
    return input / (input.abs() + 1)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """softmax(-x) along ``dim``."""
    if dim is None:
        dim = _softmax_dim("softmin", input.dim(), _stacklevel)
    return (-input).softmax(dim, dtype=dtype)


def tanhshrink(input):
    """x - tanh(x)"""
    return input - input.tanh()


def hardshrink(input, lambd=0.5):
    """x if |x| > λ else 0 (gradient 0 on [-λ, λ])"""
    _float_input(input, "hardshrink")
    x = input
    inside = (x >= -lambd) & (x <= lambd)
    # the gradient is g only where |x| > λ (0 at nan, as torch)
    return _where((x > lambd) | (x < -lambd), x, _where(inside, 0.0, x.detach()))


def softshrink(input, lambd=0.5):
    """x - λ·sign(x) if |x| > λ else 0 (gradient 0 on [-λ, λ])"""
    if lambd < 0:
        raise RuntimeError(f"lambda must be greater or equal to 0, but found to be {lambd}.")
    _float_input(input, "softshrink")
    x = input
    inside = (x >= -lambd) & (x <= lambd)
    # the gradient is g only where |x| > λ (0 at nan, as torch)
    return _where((x > lambd) | (x < -lambd), x - x.sign() * lambd,
                  _where(inside, 0.0, x.detach()))


def threshold(input, threshold, value, inplace=False):
    """value if x <= threshold else x"""
    _float_input(input, "threshold")

    def f(x):
        return _where(x <= threshold, float(value), x)
    if inplace:
        return _inplace(input, "threshold_", f)
    return f(input)


def threshold_(input, threshold, value):
    return globals()["threshold"](input, threshold, value, inplace=True)


def glu(input, dim=-1):
    """a·σ(b) where a, b are the two halves of ``input`` along ``dim``."""
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = dim + input.dim() if dim < 0 else dim
    n = input.shape[d]
    if n % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {n}")
    a = input.narrow(d, 0, n // 2)
    b = input.narrow(d, n // 2, n // 2)
    return a * b.sigmoid()


__all__ += ["hardtanh", "hardtanh_", "relu6", "hardsigmoid", "hardswish", "mish", "selu",
            "celu", "logsigmoid", "softsign", "softmin", "tanhshrink", "hardshrink",
            "softshrink", "threshold", "threshold_", "glu"]


def prelu(input, weight):
    """x if x > 0 else a·x, one slope a per channel (dim 1) or one for all"""
    _float_input(input, "prelu")
    n = weight.numel()
    if n != 1:
        if input.dim() == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        c = input.shape[1] if input.dim() >= 2 else 1         # torch: 1-d input is 1 channel
        if n != c:
            raise RuntimeError("Mismatch of parameter numbers and input channel size. Found "
                               f"parameter numbers = {n} and channel size = {c}.")
        if input.dim() >= 2:
            weight = weight.reshape((n,) + (1,) * (input.dim() - 2))
    elif input.dim() == 0 or weight.dim() > input.dim():
        weight = weight.reshape(())
    return _where(input > 0, input, weight * input)


__all__ += ["prelu"]


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """x if x > 0 else a·x: in training a drawn from U(lower, upper) for each element (from
    tinytorch's generator), else a = (lower + upper) / 2 (leaky_relu)."""
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    _tensor(input, "rrelu")
    x = array(input)
    if not training:
        if x.dtype.kind != "f":
            raise NotImplementedError(f"\"leaky_relu_cpu\" not implemented for "
                                      f"'{_type_word(x)}'")
        slope = (lower + upper) / 2
        if inplace:
            return _inplace(input, "rrelu_", lambda t: P.LeakyReluFunction.apply(t, slope))
        return P.LeakyReluFunction.apply(input, slope)
    if x.dtype.kind != "f":
        raise NotImplementedError(f"\"rrelu_with_noise_out_cpu\" not implemented for "
                                  f"'{_type_word(x)}'")
    # the slope of each element (1 where x > 0): the output's gradient, as torch's noise;
    # torch draws, in order, one float64 uniform on [lower, upper) (bounds rounded to the
    # dtype's compute type) per element <= 0, computed without a fused multiply-add
    op = np.float64 if x.dtype == np.float64 else np.float32
    lo, hi = float(op(lower)), float(op(upper))
    neg = x <= 0
    noise = np.ones(x.shape, op)
    with np.errstate(invalid="ignore"):
        noise[neg] = (TS._unit(_stream(None), int(neg.sum()), np.float64) * (hi - lo) + lo)
    noise = noise.astype(x.dtype)

    def f(t):
        return t * wrap(noise)
    if inplace:
        return _inplace(input, "rrelu_", f)
    return f(input)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    return rrelu(input, lower, upper, training, inplace=True)


__all__ += ["rrelu", "rrelu_", "pad", "interpolate", "upsample", "upsample_nearest",
            "upsample_bilinear", "unfold", "fold", "pixel_shuffle", "pixel_unshuffle",
            "normalize", "cosine_similarity", "pairwise_distance"]
