"""Parameter: a Tensor that a Module registers as one of its learnable weights."""
import copy

from .._api import array, make_subclass, wrap
from ..creation import empty
from ..tensor import Tensor


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

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = empty(0)
        elif not isinstance(data, Tensor):
            raise TypeError(f"Parameter: expected a Tensor as data, got {type(data).__name__}")
        # a fresh leaf sharing memory and version counter with ``data``
        return make_subclass(cls, data, requires_grad)

    def __init__(self, data=None, requires_grad=True):
        pass  # all done by __new__ (Tensor.__init__ would copy data into a new array)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        out = type(self)(self.detach().clone(), self.requires_grad)
        memo[id(self)] = out
        if self.grad is not None:
            out.grad = self.grad.detach().clone()
        out.__dict__.update(copy.deepcopy(self.__dict__, memo))
        return out

    def __reduce_ex__(self, protocol):
        # copy.copy(p): a Parameter again, sharing memory, with the same flag
        return (_rebuild_parameter, (array(self), self.requires_grad))


def _rebuild_parameter(data, requires_grad):
    return Parameter(wrap(data), requires_grad)
