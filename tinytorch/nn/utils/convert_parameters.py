"""All parameters as one flat vector and back (``torch.nn.utils.convert_parameters``)."""
from ..._ops import cat
from ...tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def _typename(obj):
    cls = type(obj)
    return cls.__qualname__ if cls.__module__ == "builtins" else \
        f"{cls.__module__}.{cls.__qualname__}"


def parameters_to_vector(parameters):
    """All parameters flattened and joined into one vector (differentiable).

    >>> parameters_to_vector(nn.Linear(3, 2).parameters()).shape
    tinytorch.Size([8])
    """
    return cat([p.view(-1) for p in parameters])


def vector_to_parameters(vec, parameters):
    """Make the parameters consecutive slices of ``vec``, in order: as in torch, each
    parameter's ``.data`` becomes a view of ``vec`` (sharing its memory and dtype); elements
    past the last parameter are ignored."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {_typename(vec)}")
    params = list(parameters)
    k = 0
    for p in params:
        m = p.numel()
        piece = vec[k:k + m]
        if piece.numel() != m:
            need = sum(q.numel() for q in params)
            raise RuntimeError(f"shape '{list(p.shape)}' is invalid for input of size "
                               f"{piece.numel()} (the parameters need {need} elements, the "
                               f"vector has {vec.numel()})")
        p.data = piece.view_as(p).data
        k += m
