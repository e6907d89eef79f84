"""Weight initialisation, in place, with torch's fan and gain rules.

For a weight of shape (out, in, *k) the receptive field is r = prod(k) (1 for Linear):
fan_in = in·r and fan_out = out·r.  Keeping activations at unit variance through a layer
with n inputs asks for Var(w) = gain²/n, hence

* xavier (Glorot):  std = gain·√(2/(fan_in + fan_out))
* kaiming (He):     std = gain/√fan,  gain = calculate_gain(nonlinearity, a)

and a uniform U(-b, b) with the same variance has b = √3·std.  Draws come from tinytorch's
default generator unless a ``generator`` is given, through the tensor's own ``uniform_`` /
``normal_`` with torch's bounds computed as torch computes them, so a seed gives torch's
weights bit for bit (trunc_normal_ and orthogonal_: torch's draws, then erfinv / QR whose last
bits may differ; docs/random.md).

>>> w = tinytorch.empty(8, 3)
>>> kaiming_uniform_(w, a=math.sqrt(5))      # Linear's default: bound = 1/√fan_in
"""
import math
import warnings

import numpy as np

from .._api import array, mark_modified
from ..autograd.grad_mode import no_grad
from .._ops import where
from ..creation import empty_like
from ..tensor import Tensor

_LINEAR_LIKE = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                "conv_transpose2d", "conv_transpose3d", "sigmoid")


def calculate_gain(nonlinearity, param=None):
    """The factor that keeps the activations' variance stable through ``nonlinearity``:
    1 for linear layers and sigmoid, 5/3 for tanh, √2 for relu, √(2/(1 + a²)) for leaky_relu
    with slope a (0.01 by default), 3/4 for selu."""
    if nonlinearity in _LINEAR_LIKE:
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, (int, float)):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor):
    if tensor.dim() < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 "
                         f"dimensions (got shape {list(tensor.shape)})")
    shape = tensor.shape
    receptive = 1
    for s in shape[2:]:
        receptive *= s
    return shape[1] * receptive, shape[0] * receptive


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of ['fan_in', 'fan_out']")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _check(tensor, op):
    if not isinstance(tensor, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(tensor).__name__}")


def _fill(tensor, values):
    """Write ``values`` into ``tensor`` in place (no graph), bumping its version."""
    with no_grad():
        np.copyto(array(tensor), values, casting="unsafe")
        mark_modified(tensor)
    return tensor


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill with U(a, b)."""
    _check(tensor, "uniform_")
    with no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill with N(mean, std²)."""
    _check(tensor, "normal_")
    with no_grad():
        return tensor.normal_(mean, std, generator=generator)


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Fill with N(mean, std²) restricted to [a, b], drawn as torch 2.13 draws it: when
    the bounds hold more than 0.3 of the mass, normal_ draws with the values outside [a, b]
    redrawn (a whole new tensor per round); otherwise uniform candidates on [a, b] accepted
    by a second uniform against the density (rejection sampling)."""
    _check(tensor, "trunc_normal_")

    def norm_cdf(x):
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
                      "The distribution of values may be incorrect.", stacklevel=2)
    with no_grad():
        p = norm_cdf((b - mean) / std) - norm_cdf((a - mean) / std)
        if p > 0.3:
            lo = tensor.new_tensor(a).item()
            hi = tensor.new_tensor(b).item()
            result = tensor.normal_(mean, std, generator=generator)
            while True:
                mask = (result < lo) | (result > hi)
                if not mask.any():
                    break
                fresh = empty_like(result).normal_(mean, std, generator=generator)
                result = where(mask, fresh, result)
            if tensor is not result:
                tensor.copy_(result)
            return tensor
        mode = max(a, min(mean, b))
        log_peak = -0.5 * ((mode - mean) / std) ** 2
        candidates = empty_like(tensor)
        accept_buf = empty_like(tensor)
        tensor.uniform_(a, b, generator=generator)
        candidates.copy_(tensor)
        candidates.sub_(mean).div_(std).pow_(2).mul_(-0.5).sub_(log_peak)
        pending = accept_buf.uniform_(generator=generator).log().gt(candidates)
        if pending.any():
            result = tensor
            while True:
                candidates.uniform_(a, b, generator=generator)
                result = where(pending, candidates, result)
                candidates.sub_(mean).div_(std).pow_(2).mul_(-0.5).sub_(log_peak)
                accept = accept_buf.uniform_(generator=generator).log().gt(candidates)
                pending = where(pending, accept, pending)
                if not pending.any():
                    break
            tensor.copy_(result)
    return tensor


def constant_(tensor, val):
    _check(tensor, "constant_")
    return _fill(tensor, val)


def ones_(tensor):
    return constant_(tensor, 1.0)


def zeros_(tensor):
    return constant_(tensor, 0.0)


def eye_(tensor):
    """Fill a 2-D tensor with the identity matrix."""
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    return _fill(tensor, np.eye(*tensor.shape))


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """U(-b, b) with b = gain·√(6/(fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """N(0, std²) with std = gain·√(2/(fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def _kaiming_std(tensor, a, mode, nonlinearity):
    fan = _calculate_correct_fan(tensor, mode)
    gain = calculate_gain(nonlinearity, a)
    return gain / math.sqrt(fan)


def _empty(tensor):
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op")
        return True
    return False


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """U(-b, b) with b = √3·gain/√fan (He initialisation)."""
    _check(tensor, "kaiming_uniform_")
    if _empty(tensor):
        return tensor
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound, generator)


def _reset_weight_and_bias_(weight, bias, zero_bias_without_inputs=False):
    """torch's default initialisation of a Linear or Conv layer (its ``reset_parameters``).

    kaiming_uniform_ with a = √5 has gain² = 2/(1 + 5), so its bound √3·gain/√fan_in is
    1/√fan_in; the bias (if any) is uniform in the same ±1/√fan_in.  With fan_in = 0 (a layer
    without inputs) the bias is zeroed if ``zero_bias_without_inputs`` (Linear) and otherwise
    left as it is (Conv), as torch does.
    """
    kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is None:
        return
    fan_in, _ = _calculate_fan_in_and_fan_out(weight)
    if fan_in > 0:
        bound = 1 / math.sqrt(fan_in)
        uniform_(bias, -bound, bound)
    elif zero_bias_without_inputs:
        uniform_(bias, 0, 0)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """N(0, std²) with std = gain/√fan (He initialisation)."""
    _check(tensor, "kaiming_normal_")
    if _empty(tensor):
        return tensor
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity), generator)


def orthogonal_(tensor, gain=1, generator=None):
    """A (semi-)orthogonal matrix (rows or columns orthonormal), times ``gain``: the Q of the
    QR decomposition of a Gaussian matrix, with signs fixed so it is uniformly distributed."""
    if tensor.dim() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    with no_grad():  # torch: new_empty((rows, cols)).normal_(0, 1), in the tensor's dtype
        flat = array(tensor.new_empty((rows, cols)).normal_(0, 1, generator=generator))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return _fill(tensor, gain * q.reshape(tensor.shape))

