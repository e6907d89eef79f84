"""Parameter: a Tensor that a Module registers as one of its learnable weights."""
import copy

import numpy as np

from .._dtype import get_default_dtype
from ..autograd.function import TensorBase
from ..tensor import Tensor, _make


class Parameter(Tensor):
    """A leaf tensor that requires grad by default and that Modules collect automatically.

    ``Parameter(t)`` shares ``t``'s memory (no copy) but is a fresh leaf: any graph that
    produced ``t`` is left behind.

    >>> w = Parameter(tinytorch.ones(2))
    >>> w
    Parameter containing:
    tensor([1., 1.], requires_grad=True)
    """

    # Tensor uses __slots__; a Parameter also gets a __dict__, so code may tag it with
    # attributes (``p.my_flag = True``) as it can in torch.

    def __init__(self, data=None, requires_grad=True):
        if data is None:
            arr = np.empty((0,), dtype=get_default_dtype().np)
            vc = [0]
        elif isinstance(data, Tensor):
            arr, vc = data._data, data._vc
        else:
            raise TypeError(f"Parameter: expected a Tensor as data, got {type(data).__name__}")
        # start from a fresh leaf's fields (whatever slots Tensor has), then share memory
        # and version counter with ``data``
        fresh = _make(arr)
        for name in _SLOTS:
            setattr(self, name, getattr(fresh, name))
        self._vc = vc
        if requires_grad:
            if arr.dtype.kind != "f":
                raise RuntimeError("Only Tensors of floating point and complex dtype can "
                                   f"require gradients (got dtype {data.dtype})")
            self._requires_grad = True

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        out = type(self)(_make(self._data.copy()), self._requires_grad)
        memo[id(self)] = out
        if self.grad is not None:
            out.grad = _make(self.grad._data.copy())
        out.__dict__.update(copy.deepcopy(self.__dict__, memo))
        return out

    def __reduce_ex__(self, protocol):
        # copy.copy(p): a Parameter again, sharing memory, with the same flag
        return (_rebuild_parameter, (self._data, self._requires_grad))


_SLOTS = [n for n in TensorBase.__slots__ if n != "__weakref__"]


def _rebuild_parameter(data, requires_grad):
    return Parameter(_make(data), requires_grad)
