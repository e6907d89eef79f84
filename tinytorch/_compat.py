"""The everyday surface scripts use around their math: threads, finfo/iinfo, legacy
constructors, ``compile``, ``autocast``, ``Tensor.type`` and ``Tensor.new_*``.

``__all__`` lists the functions exported as ``tinytorch.<name>`` and ``METHODS`` the Tensor
methods (name -> function taking the tensor first), which tensor.py adds to its method table.
"""
import builtins
import functools
import os
import warnings

import numpy as np

from . import _dtype
from ._checks import _CPP_TYPE
from ._device import check_device
from ._dtype import TORCH_TYPE, bfloat16, finfo, iinfo
from .autograd.function import TensorBase, _make
from .autograd.views import share_version
from .creation import empty, full, ones, tensor, zeros

__all__ = ["set_num_threads", "get_num_threads", "set_num_interop_threads",
           "get_num_interop_threads", "finfo", "iinfo", "bfloat16", "compile", "autocast",
           "is_autocast_enabled",
           "FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor",
           "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor"]


# --- threads --------------------------------------------------------------------------

def _check_threads(n, fn):
    if not isinstance(n, builtins.int):
        raise RuntimeError(f"{fn} expects an int, but got {type(n).__name__}")
    if n <= 0:
        raise RuntimeError(f"{fn} expects a positive integer")


def set_num_threads(int):
    """Set the number of threads numpy's BLAS (matmul, linalg) uses, through threadpoolctl:
    tinytorch's only intra-op parallelism.  Elementwise numpy ops run on one thread anyway."""
    _check_threads(int, "set_num_threads")
    from threadpoolctl import threadpool_limits  # lazily: `import tinytorch` stays quick
    threadpool_limits(limits=int, user_api="blas")  # kept until changed again


def get_num_threads():
    """The number of threads numpy's BLAS uses (the CPU count if no BLAS reports one)."""
    from threadpoolctl import threadpool_info
    counts = [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]
    return max(counts) if counts else os.cpu_count() or 1


_INTEROP = [None]


def set_num_interop_threads(int):
    """Accepted and remembered (``get_num_interop_threads`` returns it): tinytorch runs no
    inter-op thread pool."""
    _check_threads(int, "set_num_interop_threads")
    _INTEROP[0] = int


def get_num_interop_threads():
    """What ``set_num_interop_threads`` set, else the CPU count (torch's default pool size)."""
    return _INTEROP[0] or os.cpu_count() or 1


# --- compile, autocast ----------------------------------------------------------------

def compile(model=None, **kwargs):
    """A no-op: returns ``model`` (a function or Module) unchanged, as tinytorch has no
    compiler.  torch's keywords (``fullgraph``, ``dynamic``, ``backend``, ``mode``,
    ``options``, ``disable``, ...) are accepted and ignored.  Without ``model`` it returns a
    decorator, so ``@tinytorch.compile`` and ``@tinytorch.compile(mode=...)`` both work."""
    if model is None:
        return lambda model: compile(model, **kwargs)
    if not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is "
                             "provided.")
    return model


_AUTOCAST_DEVICES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip",
                     "ve", "fpga", "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia",
                     "privateuseone")


class autocast:
    """``autocast(device_type, dtype=None, enabled=True, cache_enabled=None)``, a context
    manager and decorator.  A no-op in tinytorch: inside it, ops compute and return in their
    inputs' dtypes (as torch with autocast disabled), since numpy has no bfloat16 and float16
    matmuls would only be slower and less exact on the CPU.  The arguments are checked as
    torch checks them, with its warnings for a device or dtype it would not autocast."""

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: "
                             f"`{type(device_type)}`")
        if device_type.split(":")[0] not in _AUTOCAST_DEVICES:
            raise RuntimeError(f"Expected one of {', '.join(_AUTOCAST_DEVICES)} device type at "
                               f"start of device string: {device_type}")
        self.device = device_type
        self.fast_dtype = dtype if dtype is not None else (
            bfloat16 if device_type == "cpu" else _dtype.float16)
        self._enabled = builtins.bool(enabled)
        self._cache_enabled = cache_enabled
        if not self._enabled:
            return
        if device_type == "cuda":
            warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast.",
                          UserWarning, stacklevel=2)
            self._enabled = False
        elif device_type == "cpu" and self.fast_dtype not in (bfloat16, _dtype.float16):
            warnings.warn("In CPU autocast, but the target dtype is not supported. Disabling "
                          "autocast.\nCPU Autocast only supports dtypes of torch.bfloat16, "
                          "torch.float16 currently.", UserWarning, stacklevel=2)
            self._enabled = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def decorated(*args, **kwargs):
            with self:
                return func(*args, **kwargs)
        return decorated


def is_autocast_enabled(device_type=None):
    """False: tinytorch's autocast is a no-op, so no op ever runs autocast."""
    return False


# --- legacy constructors: FloatTensor, LongTensor, ... ------------------------------------

class _LegacyType(type):
    """The type of ``FloatTensor`` & co.: ``isinstance(t, FloatTensor)`` asks whether ``t``
    is a float32 tensor, as in torch (they are not subclasses of Tensor, in torch either)."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, TensorBase) and obj._data.dtype == cls.dtype.np

    def __repr__(cls):
        return f"<class 'tinytorch.{cls.__name__}'>"


def _legacy_new(cls, *args, device=None, **kwargs):
    check_device(device, cls.__name__)
    if kwargs:
        raise TypeError(f"new() received an invalid combination of arguments - got "
                        f"({', '.join(f'{k}=...' for k in kwargs)}), but expected one of: "
                        "(*, device), (Tensor other), (tuple of ints size, *, device), "
                        "(object data, *, device)")
    dt = cls.dtype
    if not args:
        return zeros(0, dtype=dt)
    if builtins.all(isinstance(a, (builtins.int, np.integer)) and not isinstance(a, (
            builtins.bool, np.bool_)) for a in args):
        return _sized(args, dt)
    if len(args) == 1:
        (a,) = args
        if isinstance(a, TensorBase):
            if a._data.dtype != dt.np:
                raise TypeError(f"expected {_options(dt)} (got {_options(a.dtype)})")
            out = _make(a._data)  # an alias, as torch's
            share_version(out, a)
            return out
        from .tensor import Size  # (tensor.py imports this module)
        if isinstance(a, Size):
            return _sized(a, dt)
        if isinstance(a, (builtins.float, builtins.bool, builtins.complex, np.generic)) or (
                isinstance(a, np.ndarray) and a.ndim == 0):
            raise TypeError(f"new(): data must be a sequence (got {type(a).__name__})")
        return tensor(a, dtype=dt)
    raise TypeError(f"new(): argument 'size' must be tuple of ints, but found element of type "
                    f"{next(type(a).__name__ for a in args if not isinstance(a, builtins.int))}")


def _options(dt):
    return (f"TensorOptions(dtype={_CPP_TYPE[dt.name]}, device=cpu, layout=Strided, "
            "requires_grad=false (default), pinned_memory=false (default), "
            "memory_format=(nullopt))")


def _sized(shape, dt):
    shape = [builtins.int(s) for s in shape]
    for s in shape:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {shape}")
    return zeros(*shape, dtype=dt)  # uninitialised in torch: zeros here


def _legacy(name, dt):
    doc = (f"``tinytorch.{name}(*sizes)`` (an uninitialised {dt.name} tensor: zeros here), "
           f"``{name}(data)`` (data converted to {dt.name}) or ``{name}()`` (empty): torch's "
           f"legacy constructor; ``isinstance(t, {name})`` checks for a {dt.name} tensor.")
    return _LegacyType(name, (), {"__new__": _legacy_new, "dtype": dt, "__doc__": doc,
                                  "__module__": "tinytorch"})


FloatTensor = _legacy("FloatTensor", _dtype.float32)
DoubleTensor = _legacy("DoubleTensor", _dtype.float64)
HalfTensor = _legacy("HalfTensor", _dtype.float16)
LongTensor = _legacy("LongTensor", _dtype.int64)
IntTensor = _legacy("IntTensor", _dtype.int32)
ShortTensor = _legacy("ShortTensor", _dtype.int16)
CharTensor = _legacy("CharTensor", _dtype.int8)
ByteTensor = _legacy("ByteTensor", _dtype.uint8)
BoolTensor = _legacy("BoolTensor", _dtype.bool)
_LEGACY = {c.__name__: c for c in (FloatTensor, DoubleTensor, HalfTensor, LongTensor,
                                   IntTensor, ShortTensor, CharTensor, ByteTensor, BoolTensor)}


# --- Tensor.type and Tensor.new_* -------------------------------------------------------

def type_(self, dtype=None, non_blocking=False, **kwargs):
    """Without ``dtype``: the legacy type name, ``'torch.FloatTensor'`` for float32 (torch's
    string, so that scripts comparing with it keep working).  With a dtype, a legacy type
    (``tinytorch.DoubleTensor``) or its name (``'torch.DoubleTensor'``): this tensor
    converted to it (itself if it already has it)."""
    if dtype is None:
        return f"torch.{TORCH_TYPE[self._data.dtype.name]}Tensor"
    if isinstance(dtype, str):
        module, _, name = dtype.rpartition(".")
        if module in ("torch.cuda", "tinytorch.cuda"):
            check_device("cuda", "type")
        if module not in ("torch", "tinytorch") or name not in _LEGACY:
            raise ValueError(f"invalid type: '{dtype}'")
        dtype = _LEGACY[name]
    if isinstance(dtype, _LegacyType):
        dtype = dtype.dtype
    return self.to(dtype)


def _new_args(self, dtype, device):
    check_device(device, "new", default=False)
    return self.dtype if dtype is None else dtype


def _size_arg(sizes, size):
    """The shape of ``new_zeros(2, 3)``, ``new_zeros((2, 3))`` or ``new_zeros(size=(2, 3))``."""
    if size is not None:
        if sizes:
            raise TypeError("got multiple values for argument 'size'")
        return (size,)
    return sizes


def new_empty(self, *sizes, size=None, dtype=None, device=None, requires_grad=False,
              layout=None, pin_memory=False):
    """A tensor of ``size`` with this one's dtype (or ``dtype``), uninitialised in torch
    (zeros here)."""
    return empty(*_size_arg(sizes, size), dtype=_new_args(self, dtype, device),
                 requires_grad=requires_grad)


def new_zeros(self, *sizes, size=None, dtype=None, device=None, requires_grad=False,
              layout=None, pin_memory=False):
    """A tensor of zeros of ``size`` with this one's dtype (or ``dtype``)."""
    return zeros(*_size_arg(sizes, size), dtype=_new_args(self, dtype, device),
                 requires_grad=requires_grad)


def new_ones(self, *sizes, size=None, dtype=None, device=None, requires_grad=False,
             layout=None, pin_memory=False):
    """A tensor of ones of ``size`` with this one's dtype (or ``dtype``)."""
    return ones(*_size_arg(sizes, size), dtype=_new_args(self, dtype, device),
                requires_grad=requires_grad)


def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False,
             layout=None, pin_memory=False):
    """A tensor of ``size`` (a tuple) filled with ``fill_value``, with this one's dtype (or
    ``dtype``)."""
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"new_full(): argument 'size' (position 1) must be tuple of ints, not "
                        f"{type(size).__name__}")
    return full(tuple(size), fill_value, dtype=_new_args(self, dtype, device),
                requires_grad=requires_grad)


def new_tensor(self, data, dtype=None, device=None, requires_grad=False, layout=None,
               pin_memory=False):
    """A new tensor (a copy) of ``data`` with this one's dtype (or ``dtype``); from a tensor,
    a detached copy (torch warns to use ``detach().clone()`` instead, and so does this)."""
    if isinstance(data, TensorBase):
        warnings.warn("To copy construct from a tensor, it is recommended to use "
                      "sourceTensor.detach().clone() or sourceTensor.detach().clone()"
                      ".requires_grad_(True), rather than tensor.new_tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
    return tensor(data, dtype=_new_args(self, dtype, device), requires_grad=requires_grad)


def bfloat16_(self, memory_format=None):
    """Refused with a clear TypeError: tinytorch has no bfloat16 tensors (numpy has no
    bfloat16 type)."""
    return self.to(bfloat16)


type_.__name__, bfloat16_.__name__ = "type", "bfloat16"
METHODS = {"type": type_, "new_empty": new_empty, "new_zeros": new_zeros,
           "new_ones": new_ones, "new_full": new_full, "new_tensor": new_tensor,
           "bfloat16": bfloat16_}
