"""tinytorch.autograd: the engine's public face (backward, grad) and its tools."""
import numpy as np

from . import engine, functional
from .anomaly import detect_anomaly, set_detect_anomaly
from .function import BackwardNode, Function, _make, once_differentiable
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled,
                        no_grad, set_grad_enabled)
from .grad_mode import STATE as _STATE

__all__ = ["Function", "backward", "grad", "gradcheck", "gradgradcheck", "GradcheckError",
           "detect_anomaly",
           "set_detect_anomaly", "no_grad", "enable_grad", "set_grad_enabled",
           "is_grad_enabled", "inference_mode", "is_inference_mode_enabled", "trace_backward", "once_differentiable", "BackwardNode",
           "functional"]


def _as_seq(x):
    from ..tensor import Tensor
    if isinstance(x, Tensor):
        return [x]
    return list(x)


def _seed_grads(outputs, grad_outputs, op, create_graph):
    """One starting gradient per output: arrays, or Tensors (keeping their history) for a
    create_graph backward."""
    from ..tensor import Tensor
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    else:
        grad_outputs = _as_seq(grad_outputs) if not isinstance(grad_outputs, Tensor) \
            else [grad_outputs]
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(f"{op}: got {len(grad_outputs)} gradients for {len(outputs)} "
                           "outputs")
    seeds = []
    for i, (t, g) in enumerate(zip(outputs, grad_outputs)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: expected Tensors as outputs, got {type(t).__name__}")
        if not t.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not "
                               "have a grad_fn")
        if g is None:
            if t._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs "
                                   f"(output {i} has shape {list(t._data.shape)}); pass a "
                                   "gradient of that shape")
            seed = np.ones_like(t._data)
            seeds.append(_make(seed) if create_graph else seed)
            continue
        arr = g._data if isinstance(g, Tensor) else np.asarray(g, dtype=t._data.dtype)
        if arr.shape != t._data.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of "
                               f"{list(arr.shape)} and output[{i}] has a shape of "
                               f"{list(t._data.shape)}.")
        if create_graph:
            g = g if isinstance(g, Tensor) else _make(arr)
            seeds.append(g if arr.dtype == t._data.dtype else g.to(t.dtype))
        else:
            seeds.append(arr.astype(t._data.dtype, copy=False))
    return seeds


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate gradients of ``tensors`` into the ``.grad`` of the leaves (or of ``inputs``).

    With ``create_graph=True`` the gradients are themselves recorded, so they can be
    differentiated again (``retain_graph`` then defaults to True, as in torch)."""
    outputs = _as_seq(tensors)
    seeds = _seed_grads(outputs, grad_tensors, "backward", create_graph)
    retain = create_graph if retain_graph is None else bool(retain_graph)
    if inputs is None:
        engine.run_backward(outputs, seeds, retain_graph=retain, create_graph=create_graph)
        return
    inputs = _as_seq(inputs)
    grads = engine.run_backward(outputs, seeds, retain_graph=retain, inputs=inputs,
                                accumulate=False, create_graph=create_graph)
    for t, g in zip(inputs, grads):
        if g is not None:
            engine._accumulate_leaf(t, g)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=None, materialize_grads=False):
    """Return d(outputs)/d(inputs) without touching any ``.grad``.

    With ``create_graph=True`` the results carry their own graph and can be differentiated
    again (a Hessian-vector product is ``grad(grad(f, x, create_graph=True)[0] @ v, x)``).

    >>> x = tinytorch.tensor(3.0, requires_grad=True)
    >>> tinytorch.autograd.grad(x * x, x)
    (tensor(6.),)
    """
    outputs = _as_seq(outputs)
    inputs_seq = _as_seq(inputs)
    for t in inputs_seq:
        if not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    seeds = _seed_grads(outputs, grad_outputs, "grad", create_graph)
    retain = create_graph if retain_graph is None else bool(retain_graph)
    grads = engine.run_backward(outputs, seeds, retain_graph=retain, inputs=inputs_seq,
                                accumulate=False, create_graph=create_graph)
    result = []
    for t, g in zip(inputs_seq, grads):
        if g is None:
            if materialize_grads:
                result.append(_make(np.zeros_like(t._data)))
                continue
            if not allow_unused:
                raise RuntimeError("One of the differentiated Tensors appears to not have "
                                   "been used in the graph. Set allow_unused=True if this is "
                                   "the desired behavior.")
            result.append(None)
        elif create_graph:
            result.append(g)
        else:
            result.append(_make(np.array(g, dtype=t._data.dtype)))
    return tuple(result)


class trace_backward:
    """Context manager: call ``fn(node, grads_in, grads_out)`` for every Function the engine
    visits, in visiting order (tinytorch.viz uses it for the step-by-step view)."""

    def __init__(self, fn):
        self.fn = fn

    def __enter__(self):
        self._prev = _STATE.tracer
        _STATE.tracer = self.fn
        return self

    def __exit__(self, *exc):
        _STATE.tracer = self._prev
        return False
