"""Gradient clipping (``torch.nn.utils.clip_grad``): by the joint norm of all gradients
(``clip_grad_norm_``, built from ``get_total_norm`` and ``clip_grads_with_norm_``) or
element by element (``clip_grad_value_``)."""
import math
import warnings

import numpy as np

from ...autograd.grad_mode import no_grad
from ..._api import array, mark_modified, wrap
from ...tensor import Tensor

__all__ = ["clip_grad_norm", "clip_grad_norm_", "clip_grad_value_", "get_total_norm",
           "clip_grads_with_norm_"]


def _as_list(tensors):
    if isinstance(tensors, Tensor):
        return [tensors]
    return list(tensors)


def _vector_norm(a, p):
    """‖a‖_p of the flattened array, in a's dtype."""
    a = a.reshape(-1)
    if p == math.inf:
        return np.max(np.abs(a)) if a.size else a.dtype.type(0)
    if p == -math.inf:
        return np.min(np.abs(a)) if a.size else a.dtype.type(math.inf)
    if p == 2:
        return np.sqrt(np.dot(a, a))
    if p == 1:
        return np.sum(np.abs(a))
    if p == 0:
        return a.dtype.type(np.count_nonzero(a))
    return np.sum(np.abs(a) ** p) ** (1.0 / p)


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """‖(‖t_1‖, ..., ‖t_k‖)‖_p, which equals the p-norm of all elements taken together."""
    tensors = _as_list(tensors)
    p = float(norm_type)
    if not tensors:
        return wrap(np.zeros((), np.float32))
    dt = array(tensors[0]).dtype
    norms = np.array([_vector_norm(array(t), p) for t in tensors], dtype=dt)
    total = np.asarray(_vector_norm(norms, p), dtype=dt)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(f"The total norm of order {p} for gradients from `parameters` is "
                           "non-finite, so it cannot be clipped. To disable this error and "
                           "scale the gradients by the non-finite norm anyway, set "
                           "`error_if_nonfinite=False`")
    return wrap(total)


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Scale every gradient by min(1, max_norm/(total_norm + 1e-6)), in place."""
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    if not grads:
        return
    total = array(total_norm) if isinstance(total_norm, Tensor) else np.asarray(total_norm)
    # computed in the norm's dtype, as torch does
    coef = np.asarray(max_norm, total.dtype) / (total + np.asarray(1e-6, total.dtype))
    coef = np.minimum(coef, np.asarray(1.0, total.dtype))
    with no_grad(), np.errstate(invalid="ignore"):   # a non-finite norm gives nan, as torch
        for g in grads:
            a = array(g)
            np.multiply(a, coef.astype(a.dtype), out=a)
            mark_modified(g)


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                    foreach=None):
    """Rescale the gradients so their joint ``norm_type``-norm is at most ``max_norm``.

    Returns the total norm before clipping (a 0-d tensor).  Gradients that are None are
    skipped."""
    params = _as_list(parameters)
    grads = [p.grad for p in params if p.grad is not None]
    total = get_total_norm(grads, norm_type, error_if_nonfinite)
    clip_grads_with_norm_(params, float(max_norm), total)
    return total


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                   foreach=None):
    """Deprecated spelling of :func:`clip_grad_norm_` (warns, as torch does)."""
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of "
                  "`torch.nn.utils.clip_grad_norm_`.", FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient element into [-clip_value, clip_value], in place."""
    c = float(clip_value)
    with no_grad():
        for p in _as_list(parameters):
            if p.grad is not None:
                g = array(p.grad)
                np.clip(g, -c, c, out=g)
                mark_modified(p.grad)
