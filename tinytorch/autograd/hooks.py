"""Tensor hooks and retained gradients: what ``register_hook`` and ``retain_grad`` record.

A leaf keeps its hooks itself (``t._hooks``, a list); a non-leaf's hooks and its retained
``.grad`` live on its grad_fn, keyed by the tensor's output number (``node._hooks``,
``node._retained``), since the tensor may be gone by the time the engine reaches the node.
The engine (engine.py) calls the hooks and fills the retained gradients.
"""
import weakref

from .._dtype import TORCH_TYPE
from .function import TensorBase, type_name


class HookHandle:
    """What register_hook returns: ``remove()`` unregisters the hook."""

    __slots__ = ("hooks", "hook")

    def __init__(self, hooks, hook):
        self.hooks, self.hook = hooks, hook

    def remove(self):
        if self.hook in self.hooks:
            self.hooks.remove(self.hook)


def register_hook(t, hook):
    """Call ``hook(grad)`` when ``t``'s gradient is computed; it may return a replacement
    gradient."""
    if not t._requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    node = t.grad_fn
    if node is None:
        if t._hooks is None:
            t._hooks = []
        hooks = t._hooks
    else:
        if node._hooks is None:
            node._hooks = {}
        hooks = node._hooks.setdefault(t._output_nr, [])
    hooks.append(hook)
    return HookHandle(hooks, hook)


def retain_grad(t):
    """Keep the gradient of the non-leaf ``t`` in ``t.grad`` (a leaf keeps it anyway)."""
    if not t._requires_grad:
        raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
    node = t.grad_fn
    if node is None:
        return
    if node._retained is None:
        node._retained = {}
    node._retained[t._output_nr] = weakref.ref(t)


def retains_grad(t):
    node = t.grad_fn
    return node is not None and node._retained is not None and t._output_nr in node._retained


def check_hook_result(hook, grad, result):
    """A hook may replace a gradient only by a Tensor of the same dtype and shape (torch's
    checks and words); ``grad`` is what the hook received (an array or a Tensor)."""
    if not isinstance(result, TensorBase):
        raise TypeError(f"expected Variable, but hook returned '{type_name(result)}'")
    if isinstance(grad, TensorBase):
        grad = grad._data
    name = getattr(hook, "__name__", type(hook).__name__)
    have, want = result._data.dtype, grad.dtype
    if have != want:
        raise RuntimeError(f"hook '{name}' has changed the type of value (was "
                           f"torch.{TORCH_TYPE.get(want.name, want)}Tensor got "
                           f"torch.{TORCH_TYPE.get(have.name, have)}Tensor)")
    if result._data.shape != grad.shape:
        raise RuntimeError(f"hook '{name}' has changed the size of value")
