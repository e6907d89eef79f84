"""tinytorch.autograd: the engine's public face (backward, grad) and its tools."""
import numpy as np

from . import engine
from .anomaly import detect_anomaly, set_detect_anomaly
from .function import BackwardNode, Function, once_differentiable
from .gradcheck import GradcheckError, gradcheck
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .grad_mode import STATE as _STATE

__all__ = ["Function", "backward", "grad", "gradcheck", "GradcheckError", "detect_anomaly",
           "set_detect_anomaly", "no_grad", "enable_grad", "set_grad_enabled",
           "is_grad_enabled", "trace_backward", "once_differentiable", "BackwardNode"]


def _as_seq(x):
    from ..tensor import Tensor
    if isinstance(x, Tensor):
        return [x]
    return list(x)


def _seed_grads(outputs, grad_outputs, op):
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
            if t.data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs "
                                   f"(output {i} has shape {list(t.data.shape)}); pass a "
                                   "gradient of that shape")
            seeds.append(np.ones_like(t.data))
            continue
        g = g.data if isinstance(g, Tensor) else np.asarray(g, dtype=t.data.dtype)
        if g.shape != t.data.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of "
                               f"{list(g.shape)} and output[{i}] has a shape of "
                               f"{list(t.data.shape)}.")
        seeds.append(g.astype(t.data.dtype, copy=False))
    return seeds


def _no_create_graph(create_graph):
    if create_graph:
        raise RuntimeError("create_graph=True (higher-order gradients) is not supported by "
                           "tinytorch: backward functions work on plain arrays")


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate gradients of ``tensors`` into the ``.grad`` of the leaves (or of ``inputs``)."""
    _no_create_graph(create_graph)
    outputs = _as_seq(tensors)
    seeds = _seed_grads(outputs, grad_tensors, "backward")
    retain = bool(retain_graph)
    if inputs is None:
        engine.run_backward(outputs, seeds, retain_graph=retain)
        return
    inputs = _as_seq(inputs)
    grads = engine.run_backward(outputs, seeds, retain_graph=retain, inputs=inputs,
                                accumulate=False)
    for t, g in zip(inputs, grads):
        if g is not None:
            engine._accumulate_leaf(t, g)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=None, materialize_grads=False):
    """Return d(outputs)/d(inputs) without touching any ``.grad``.

    >>> x = tinytorch.tensor(3.0, requires_grad=True)
    >>> tinytorch.autograd.grad(x * x, x)
    (tensor(6.),)
    """
    from ..tensor import _make
    _no_create_graph(create_graph)
    outputs = _as_seq(outputs)
    inputs_seq = _as_seq(inputs)
    for t in inputs_seq:
        if not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    seeds = _seed_grads(outputs, grad_outputs, "grad")
    grads = engine.run_backward(outputs, seeds, retain_graph=bool(retain_graph),
                                inputs=inputs_seq, accumulate=False)
    result = []
    for t, g in zip(inputs_seq, grads):
        if g is None:
            if materialize_grads:
                result.append(_make(np.zeros_like(t.data)))
                continue
            if not allow_unused:
                raise RuntimeError("One of the differentiated Tensors appears to not have "
                                   "been used in the graph. Set allow_unused=True if this is "
                                   "the desired behavior.")
            result.append(None)
        else:
            result.append(_make(np.array(g, dtype=t.data.dtype)))
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
