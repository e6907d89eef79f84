"""tinytorch: a small neural-network toolkit with its own autograd, shaped like PyTorch.

>>> import tinytorch as torch
>>> x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
>>> (x ** 2).sum().backward()
>>> x.grad
tensor([2., 4., 6.])
"""
from . import autograd
from ._dtype import (bool, double, dtype, float, float16, float32, float64, get_default_dtype,
                     half, int, int8, int16, int32, int64, long, set_default_dtype, short,
                     uint8)
from .autograd import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled,
                       no_grad, set_grad_enabled)
from .random import (Generator, default_generator, get_rng_state, initial_seed, manual_seed,
                     normal, rand, rand_like, randint, randint_like, randn, randn_like,
                     randperm, seed, set_rng_state)
from . import return_types
from ._ops import (add, bmm, cat, concat, concatenate, dot, matmul, maximum, minimum, mm, mul,
                   mv, pow, stack, sub, where)
from .creation import (arange, as_tensor, empty, empty_like, eye, from_numpy, full, full_like,
                       linspace, ones, ones_like, tensor, zeros, zeros_like)
from .tensor import Size, Tensor, is_tensor
from ._math import *  # noqa: F401,F403
from ._reductions import *  # noqa: F401,F403
from ._shapes import *  # noqa: F401,F403
from ._indexing import *  # noqa: F401,F403
from ._linalg import *  # noqa: F401,F403
from ._decomp import *  # noqa: F401,F403
from ._random_ops import *  # noqa: F401,F403
from ._device import *  # noqa: F401,F403
from ._compat import *  # noqa: F401,F403
from . import linalg

__version__ = "0.1.0"


def _method(name):
    def fn(input, *args, **kwargs):
        return getattr(input, name)(*args, **kwargs)
    fn.__name__ = name
    fn.__doc__ = f"``tinytorch.{name}(t, ...)`` is ``t.{name}(...)``."
    return fn


for _name in ("div neg exp log log1p sqrt rsqrt abs sign sin cos tanh sigmoid "
              "relu clamp clip masked_fill sum mean max min amax amin argmax argmin var std "
              "logsumexp softmax log_softmax reshape transpose permute t squeeze unsqueeze "
              "flatten split chunk unbind square norm numel clone detach swapaxes "
              "multiply divide subtract true_divide eq ne lt le gt ge all any "
              "logical_not").split():
    if _name not in globals():  # the op-family modules export their own
        globals()[_name] = _method(_name)
del _name


def _tensor_input(t, op):
    if not isinstance(t, Tensor):
        raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(t).__name__}")
    return t


def is_floating_point(t):
    return _tensor_input(t, "is_floating_point").is_floating_point()


def broadcast_shapes(*shapes):
    import numpy as np
    return Size(np.broadcast_shapes(*shapes))


def numel(t):
    return _tensor_input(t, "numel").numel()


# nn, optim, utils and save/load load on first use (PEP 562), so `import tinytorch` stays
# quick for scripts that only need tensors and autograd
_LAZY = {"nn": "nn", "optim": "optim", "utils": "utils", "viz": "viz",
         "save": "serialization", "load": "serialization", "serialization": "serialization",
         "cuda": "cuda", "backends": "backends", "accelerator": "accelerator", "amp": "amp",
         "distributed": "distributed", "testing": "testing"}


def __getattr__(name):
    if name in _LAZY:
        import importlib
        mod = importlib.import_module(f".{_LAZY[name]}", __name__)
        value = mod if _LAZY[name] == name else getattr(mod, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'tinytorch' has no attribute '{name}'")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
