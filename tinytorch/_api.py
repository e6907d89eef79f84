"""The internal API that tinytorch's own code outside the core (nn, optim, utils,
serialization, viz, random) uses to work on a tensor's memory directly.

The core (autograd/, tensor.py, creation.py and the private ``_*.py`` modules next to them)
owns a tensor's fields: the array, the version counter, the graph links.  Everything else
goes through the public Tensor API or through these few functions, so that the core can
change its layout without touching nn or optim:

``array(t)``
    the ndarray behind ``t``, no copy (for a hot path; elsewhere ``t.detach().numpy()``).
``wrap(arr, requires_grad=False)``
    a new leaf Tensor around ``arr``, no copy and no checks (``arr`` must have a dtype
    tinytorch supports).
``mark_modified(t)``
    after writing into ``array(t)`` directly: count it as an in-place change of ``t`` (as
    torch does for an in-place op under no_grad), so that a backward that saved ``t`` raises
    instead of silently using the new values.
``make_subclass(cls, t, requires_grad)``
    a fresh leaf of the Tensor subclass ``cls`` sharing ``t``'s memory and version counter
    (what ``Parameter(t)`` is; torch's ``Tensor._make_subclass``).
``inplace(t, compute, op)``
    run ``compute()`` (an out-of-place op on ``t``) and write its result into ``t`` the way
    a built-in in-place op does (recorded by autograd, views and versions kept right).
``promote(a, b, op)``, ``broadcast_error(op, shape_a, shape_b)``, ``shape_args(args, op)``
    torch's dtype promotion of two operands, its error for shapes that do not broadcast
    (None if they do), and its reading of ``f(2, 3)`` / ``f((2, 3))`` size arguments.
``linear_dtype_error(input_dtype, weight_dtype, bias)``, ``linear_bias_dtype_error(...)``
    torch's errors for a linear layer whose input (or bias) dtype is not its weight's, with
    a hint saying what to convert.
``check_no_kernel(np_dtype, kernel, kinds)``, ``check_random_bounds(low, high, np_dtype)``,
``check_randperm(n, np_dtype)``, ``check_normal_std(std)``
    the random functions' argument checks, with torch's errors.
"""
from operator import attrgetter

from ._checks import (broadcast_error, check_no_kernel, check_normal_std, check_random_bounds,
                      check_randperm, linear_bias_dtype_error, linear_dtype_error, shape_args)
from ._inplace import inplace
from ._promotion import promote
from .autograd.function import _make
from .autograd.views import bump_version as mark_modified
from .autograd.views import share_version
from .tensor import Tensor

__all__ = ["array", "wrap", "mark_modified", "make_subclass", "inplace", "promote",
           "broadcast_error", "linear_dtype_error", "linear_bias_dtype_error", "shape_args",
           "check_no_kernel", "check_random_bounds", "check_randperm", "check_normal_std"]

# a C-level getter: as cheap as reading the attribute, for the hot paths of nn and optim
array = attrgetter("_data")


def wrap(arr, requires_grad=False):
    """A new leaf Tensor around the ndarray ``arr`` (no copy)."""
    t = _make(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def make_subclass(cls, t, requires_grad=False):
    """A fresh leaf of ``cls`` (a Tensor subclass) that shares ``t``'s memory and version
    counter; whatever graph produced ``t`` is left behind."""
    out = object.__new__(cls)  # not cls.__new__: that may be the caller (Parameter)
    Tensor.__init__(out)  # a fresh leaf's fields, then t's memory and counter
    out._data = t._data
    share_version(out, t)
    if requires_grad:
        if t._data.dtype.kind != "f":
            raise RuntimeError("Only Tensors of floating point and complex dtype can "
                               f"require gradients (got dtype {t.dtype})")
        out.requires_grad_(True)
    return out
