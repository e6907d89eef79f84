"""The functions that build new tensors: from data (``tensor``, ``as_tensor``,
``from_numpy``), filled with a value (``zeros``, ``ones``, ``empty``, ``full``, ``eye``, and
the ``*_like`` forms) or with a range (``arange``, ``linspace``).  Random ones are in
random.py.  None of them records a graph: a new tensor is a leaf."""
import builtins
import warnings

import numpy as np

from . import _dtype
from ._checks import (READ_ONLY_WARNING, check_data_fits, check_fill_value, check_no_kernel,
                      check_number, check_size_arg, check_steps, check_tensor_arg, ragged_error,
                      shape_args)
from ._device import check_creation, check_device
from ._dtype import FROM_NP
from .autograd.function import TensorBase, _make


def tensor(data, dtype=None, requires_grad=False, *, device=None, pin_memory=False):
    """Build a tensor from Python data or an ndarray (always a copy).

    Python floats give float32, ints give int64, bools give bool; an ndarray keeps its dtype.
    With ``dtype``, Python numbers must fit it (``tensor([300], dtype=uint8)`` raises, as in
    torch; an ndarray is converted as numpy converts it).  ``device``: the CPU (see _device.py);
    ``pin_memory`` has nothing to do there.
    """
    check_device(device, "tensor")
    if isinstance(data, TensorBase):
        arr = data._data.copy()
    elif isinstance(data, (list, tuple)) and any(isinstance(x, TensorBase) for x in data):
        try:
            arr = np.array([x._data if isinstance(x, TensorBase) else x for x in data])
        except ValueError:
            raise ragged_error(data) from None
        if dtype is None and arr.dtype == np.float64 and not any(
                isinstance(x, TensorBase) and x._data.dtype == np.float64 for x in data):
            arr = arr.astype(_dtype.get_default_dtype().np)
    else:
        arr = _read(data, dtype)
    if dtype is not None:
        arr = arr.astype(_dtype.to_dtype(dtype).np, copy=False)
    if arr.dtype not in FROM_NP:
        raise TypeError(f"tensor: unsupported dtype {arr.dtype}")
    t = _make(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _read(data, dtype):
    """The array of ``tensor(data)`` for an ndarray or Python data: numpy reads it, torch's
    rules give the dtype (and check that Python numbers fit the ``dtype`` asked for)."""
    if isinstance(data, (np.ndarray, np.generic)):
        return np.array(data, dtype=_dtype.np_dtype_of(data))
    try:
        arr = np.array(data)
    except ValueError:
        raise ragged_error(data) from None
    if dtype is None:
        return arr.astype(_dtype.python_data_dtype(arr), copy=False)
    npd = _dtype.to_dtype(dtype).np
    if arr.dtype.kind in "uO":
        try:
            _dtype.python_data_dtype(arr)  # None, a dict, ...: torch's error
        except ValueError:
            if npd.kind != "f":  # ints beyond int64 only fit a float dtype
                raise
    check_data_fits(arr, npd)
    return arr


def as_tensor(data, dtype=None, device=None):
    """``data`` as a tensor without a copy where it can be: a tensor of the dtype asked for
    is returned as it is, an ndarray is shared (as ``from_numpy``); anything else is copied."""
    check_device(device, "as_tensor", default=not isinstance(data, TensorBase))
    if isinstance(data, TensorBase) and (dtype is None or data.dtype == _dtype.to_dtype(dtype)):
        return data
    if isinstance(data, np.ndarray) and dtype is None and data.dtype in FROM_NP:
        return _shared(data)
    return tensor(data, dtype=dtype)


def from_numpy(arr):
    """A tensor sharing memory with ``arr`` (changes to one show in the other).

    A read-only ``arr`` gives a tensor that in-place ops refuse to write (torch writes into
    it regardless: "undefined behavior"), with a warning here, as torch warns (as_tensor of a
    read-only array too)."""
    if not isinstance(arr, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(arr).__name__})")
    if arr.dtype not in FROM_NP:
        raise TypeError(f"can't convert np.ndarray of type {arr.dtype}. The only supported "
                        "types are: float64, float32, float16, int64, int32, int16, int8, "
                        "uint8, and bool.")
    return _shared(arr)


def _shared(arr):
    if not arr.flags.writeable:
        warnings.warn(READ_ONLY_WARNING, UserWarning, stacklevel=3)
    return _make(arr)


def _size_of(args, op):
    return shape_args(args, op, sizes=True)


def _creation(shape, fill, dtype, requires_grad):
    dt = (_dtype.get_default_dtype() if dtype is None else _dtype.to_dtype(dtype)).np
    t = _make(np.full(shape, fill, dtype=dt) if fill is not None else np.zeros(shape, dt))
    if requires_grad:
        t.requires_grad_(True)
    return t


def zeros(*size, dtype=None, device=None, requires_grad=False, **kwargs):
    check_creation(device, kwargs, "zeros")
    return _creation(_size_of(size, "zeros"), None, dtype, requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False, **kwargs):
    check_creation(device, kwargs, "ones")
    return _creation(_size_of(size, "ones"), 1, dtype, requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False, **kwargs):
    check_creation(device, kwargs, "empty")
    return _creation(_size_of(size, "empty"), None, dtype, requires_grad)


def full(size, fill_value, dtype=None, requires_grad=False, *, device=None, **kwargs):
    """A tensor of ``size`` filled with ``fill_value``, a number (or a 0-d tensor);
    without ``dtype``, the dtype a Python number gets (a numpy scalar counts as the number it
    holds: float32 for np.float64(2)).  The number must fit the dtype (torch's rule: see
    _checks.overflows), a negative int wraps into an unsigned one."""
    check_creation(device, kwargs, "full")
    if isinstance(fill_value, TensorBase) and fill_value._data.ndim == 0:
        fill_value = fill_value.item()
    if isinstance(fill_value, np.generic):
        fill_value = fill_value.item()
    check_number(fill_value, "fill_value", 2, "full")
    if dtype is None:
        dtype = FROM_NP[_dtype.python_data_dtype(np.asarray(fill_value))]
    dt = _dtype.to_dtype(dtype).np
    check_fill_value(fill_value, dt)
    if isinstance(fill_value, builtins.int) and dt.kind in "iu":
        fill_value = np.asarray(fill_value, np.int64).astype(dt)  # -1 wraps to 255 in uint8
    return _creation(_size_of((size,), "full"), fill_value, dt, requires_grad)


def eye(n, m=None, dtype=None, requires_grad=False, *, device=None, **kwargs):
    """The ``n`` x ``m`` identity matrix (ones on the diagonal)."""
    check_creation(device, kwargs, "eye")
    n, m = (x.item() if isinstance(x, TensorBase) else x for x in (n, m))
    check_size_arg(n, "n", 1, "eye")
    if m is not None:
        check_size_arg(m, "m", 2, "eye")
    dt = (_dtype.get_default_dtype() if dtype is None else _dtype.to_dtype(dtype)).np
    t = _make(np.eye(n, n if m is None else m, dtype=dt))
    return t.requires_grad_(True) if requires_grad else t


def arange(start, end=None, step=1, dtype=None, requires_grad=False, *, device=None,
           **kwargs):
    """``ceil((end - start) / step)`` values ``start + i * step``, like torch.

    >>> tinytorch.arange(0, 1, 0.25)
    tensor([0.0000, 0.2500, 0.5000, 0.7500])
    """
    check_creation(device, kwargs, "arange")
    names = (("end", 1),) if end is None else (("start", 1), ("end", 2), ("step", 3))
    if end is None:
        start, end = 0, start
    start, end, step = (v.item() if isinstance(v, TensorBase) else v for v in (start, end, step))
    values = (end,) if len(names) == 1 else (start, end, step)
    for (name, position), v in zip(names, values):
        check_number(v, name, position, "arange")
    if dtype is not None:
        check_no_kernel(_dtype.to_dtype(dtype).np, "arange_cpu", "iuf")
    if not (np.isfinite(start) and np.isfinite(end)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if step == 0:
        raise RuntimeError("arange: step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError(f"arange: upper bound and lower bound inconsistent with step sign "
                           f"(start={start}, end={end}, step={step})")
    if dtype is None:
        floats = any(isinstance(v, (builtins.float, np.floating)) for v in (start, end, step))
        dtype = _dtype.get_default_dtype() if floats else _dtype.int64
    dt = _dtype.to_dtype(dtype).np
    if dt.kind == "f":
        n = builtins.int(np.ceil((end - start) / step))
        # start + i·step in double, then rounded to the dtype (torch agrees to the last bit
        # or one ulp, depending on its vectorised kernel)
        data = (start + np.arange(n, dtype=np.float64) * step).astype(dt)
    else:
        # an integer arange computes with start and step truncated to integers (as torch:
        # for int64 the end too, for the smaller types the length uses the exact values)
        istart, istep = builtins.int(start), builtins.int(step)
        if dt == np.int64:
            if istep == 0:
                raise ValueError(f"arange: step must be nonzero (step={step} truncates to 0 "
                                 "for tinytorch.int64)")
            n = builtins.int(-(-(builtins.int(end) - istart) // istep))
        else:
            n = builtins.int(np.ceil((end - start) / step))
        data = (istart + np.arange(max(n, 0), dtype=np.int64) * istep).astype(dt)
    t = _make(data)
    return t.requires_grad_(True) if requires_grad else t


def linspace(start, end, steps, dtype=None, requires_grad=False, *, device=None, **kwargs):
    """``steps`` evenly spaced values from ``start`` to ``end`` (both included)."""
    check_creation(device, kwargs, "linspace")
    check_steps(steps, "linspace")
    dt = (_dtype.get_default_dtype() if dtype is None else _dtype.to_dtype(dtype)).np
    check_no_kernel(dt, "linspace_cpu", "iuf")
    start, end = (v.item() if isinstance(v, TensorBase) else v for v in (start, end))
    for name, position, v in (("start", 1, start), ("end", 2, end)):
        check_number(v, name, position, "linspace")
        check_fill_value(v, dt)
    t = _make(np.linspace(start, end, steps).astype(dt))
    return t.requires_grad_(True) if requires_grad else t


def zeros_like(t, dtype=None, requires_grad=False, *, device=None, **kwargs):
    check_tensor_arg(t, "zeros_like")
    check_creation(device, kwargs, "zeros_like", default=False)
    return zeros(t._data.shape, dtype=dtype or t.dtype, device="cpu",
                requires_grad=requires_grad)


def ones_like(t, dtype=None, requires_grad=False, *, device=None, **kwargs):
    check_tensor_arg(t, "ones_like")
    check_creation(device, kwargs, "ones_like", default=False)
    return ones(t._data.shape, dtype=dtype or t.dtype, device="cpu",
               requires_grad=requires_grad)


def empty_like(t, dtype=None, requires_grad=False, *, device=None, **kwargs):
    check_tensor_arg(t, "empty_like")
    check_creation(device, kwargs, "empty_like", default=False)
    return empty(t._data.shape, dtype=dtype or t.dtype, device="cpu",
                requires_grad=requires_grad)


def full_like(t, fill_value, dtype=None, requires_grad=False, *, device=None, **kwargs):
    check_tensor_arg(t, "full_like")
    check_creation(device, kwargs, "full_like", default=False)
    return full(t._data.shape, fill_value, dtype=dtype or t.dtype, requires_grad=requires_grad,
                device="cpu")


def constructor_array(args, size_type):
    """The array of ``tinytorch.Tensor(*args)``: as torch.Tensor, ``Tensor(data)`` is always
    of the default dtype (float32), and ``Tensor(2, 3)`` or ``Tensor(size)`` (a
    ``size_type``, tinytorch.Size) an uninitialised tensor of that shape (zeros here)."""
    data = args[0] if len(args) == 1 else []
    if len(args) > 1 or isinstance(data, size_type) or (
            isinstance(data, (builtins.int, np.integer)) and not isinstance(data, bool)):
        data = np.zeros(shape_args(args, "Tensor", sizes=True))
    elif isinstance(data, TensorBase):
        data = data._data
    return np.array(data, dtype=_dtype.get_default_dtype().np)
