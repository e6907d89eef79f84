"""Devices on a CPU-only library: ``tinytorch.device``, ``device=`` arguments, ``Tensor.to``.

Every tensor lives on the CPU.  A device is parsed and checked as torch does, so scripts that
name one run unchanged (``device = "cuda" if torch.cuda.is_available() else "cpu"``); asking
for data anywhere else (``"cuda"``, ``"mps"``, an accelerator index such as ``0``) raises one
error, :class:`DeviceUnavailableError`, which says that tinytorch runs on the CPU only.

``__all__`` lists the functions exported as ``tinytorch.<name>`` and ``METHODS`` the Tensor
methods (name -> function taking the tensor first), which tensor.py adds to its method table.
"""
import threading

from . import _dtype
from .autograd.function import TensorBase

__all__ = ["device", "get_default_device", "set_default_device"]

# the device types torch's parser knows, in its order (its error message lists them)
DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve",
                "fpga", "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia",
                "privateuseone")


class DeviceUnavailableError(RuntimeError, AssertionError):
    """Data asked for on a device other than the CPU.  A RuntimeError, and also an
    AssertionError, the type torch built without CUDA raises for ``"cuda"``, so an ``except``
    written for either catches it."""


def unavailable(dev=None):
    """The one error for data on a device tinytorch lacks (``dev``: a device, an accelerator
    index, or None for the accelerator itself)."""
    if dev is None:
        said = "Cannot access accelerator device when none is available"
    elif isinstance(dev, int):
        said = (f"Cannot access accelerator device when none is available (device index "
                f"{dev} was asked for)")
    elif dev.type == "cuda":
        said = f"Torch not compiled with CUDA enabled (device '{dev}' was asked for)"
    else:
        said = f"no {dev.type} backend here (device '{dev}' was asked for)"
    return DeviceUnavailableError(f"{said}: tinytorch runs on the CPU only; use device='cpu' "
                                  "(tinytorch.cuda.is_available() is False)")


def _parse(s):
    """``"type"`` or ``"type:index"`` -> (type, index or None), with torch's errors."""
    if not s:
        raise RuntimeError("Device string must not be empty")
    kind, colon, index = s.partition(":")
    well_formed = kind.isascii() and kind.replace("_", "a").isalpha() and (
        not colon or index.isascii() and index.isdigit() and (index == "0" or index[0] != "0"))
    if not well_formed:
        raise RuntimeError(f"Invalid device string: '{s}'")
    if kind not in DEVICE_TYPES:
        raise RuntimeError(f"Expected one of {', '.join(DEVICE_TYPES)} device type at start of "
                           f"device string: {kind}")
    return kind, int(index) if colon else None


class device:
    """Where a tensor's data lives: ``device(type, index=None)``, ``device("cuda:0")`` or
    ``device(other_device)``, as ``torch.device``.

    Any device torch names can be described (``device("cuda", 1)`` is fine, as in torch),
    but tinytorch keeps data on the CPU only: creating a tensor on another device raises
    :class:`DeviceUnavailableError`.  An int alone means an accelerator index, which a
    CPU-only library lacks (torch's error too).  ``with device("cpu"):`` makes it the
    default device of the creation functions in the block.  Devices compare equal when type
    and index do; a device never equals a string (as in torch: compare ``d.type == "cpu"``).
    """

    __slots__ = ("_type", "_index")

    def __init__(self, type=None, index=None):
        if isinstance(type, device) and index is None:
            self._type, self._index = type._type, type._index
            return
        if isinstance(type, int) and not isinstance(type, bool) and index is None:
            if type < 0:
                raise RuntimeError("Device index must not be negative")
            raise unavailable(type)
        if isinstance(type, bytes):
            type = type.decode()
        if not isinstance(type, str):
            got = "()" if type is None else f"({_name(type)})"
            raise TypeError(f"device() received an invalid combination of arguments - got "
                            f"{got}, but expected one of:\n * (torch.device device)\n"
                            " * (str type, int index = -1)\n")
        kind, parsed = _parse(type)
        if index is not None:
            if not isinstance(index, int) or isinstance(index, bool):
                raise TypeError(f"device(): argument 'index' (position 2) must be int, not "
                                f"{_name(index)}")
            if parsed is not None:
                raise RuntimeError("type (string) must not include an index because index was "
                                   f"passed explicitly: {type}")
            if index < 0:
                raise RuntimeError("Device index must not be negative")
            parsed = index
        self._type, self._index = kind, parsed

    @property
    def type(self):
        return self._type

    @property
    def index(self):
        return self._index

    def __str__(self):
        return self._type if self._index is None else f"{self._type}:{self._index}"

    def __repr__(self):
        if self._index is None:
            return f"device(type='{self._type}')"
        return f"device(type='{self._type}', index={self._index})"

    def __eq__(self, other):
        if not isinstance(other, device):
            return NotImplemented
        return self._type == other._type and self._index == other._index

    def __hash__(self):
        return hash((self._type, self._index))

    def __reduce__(self):
        return (device, (self._type, self._index))

    def __enter__(self):
        """Make this the default device of the creation functions until the block ends."""
        stack = _LOCAL.__dict__.setdefault("stack", [])
        stack.append(_LOCAL.default)
        _set_default(self)
        return self

    def __exit__(self, *exc):
        _LOCAL.default = _LOCAL.stack.pop()


def _name(x):
    return "torch.device" if isinstance(x, device) else type(x).__name__


_Device = device  # for the functions whose argument is named device
CPU = device("cpu")


class _Local(threading.local):
    default = None  # the default device when it is not the CPU (per thread, as torch)


_LOCAL = _Local()
# whether any thread has ever set a default device other than the CPU: until then the
# creation functions skip the (slower) thread-local lookup
_ELSEWHERE = [False]


def get_default_device():
    """The device the creation functions use when not given one: the CPU unless
    ``set_default_device`` or a ``with device(...)`` block changed it."""
    return _LOCAL.default or CPU


def set_default_device(device):
    """Set the default device of the creation functions (``None``: back to the CPU).  Only
    the CPU can hold data: another device makes the creation functions raise."""
    _set_default(None if device is None else _as_device(device, "set_default_device"))


def _set_default(d):
    if d is None or d == CPU:
        _LOCAL.default = None
    else:
        _ELSEWHERE[0] = True
        _LOCAL.default = d


def _as_device(d, op):
    """``d`` (a device, a string or an accelerator index) as a device object."""
    if isinstance(d, device):
        return d
    if isinstance(d, str):
        return device(d)
    if isinstance(d, int) and not isinstance(d, bool):
        return device(d)  # raises: an index names an accelerator
    raise TypeError(f"{op}(): argument 'device' must be torch.device, not {_name(d)}")


def check_device(d, op, default=True):
    """The ``device=`` argument of a creation function ``op``: None (the default device; with
    ``default=False``, as for the ``*_like`` functions, the input's: the CPU), "cpu", a CPU
    device object or a string naming one; anything else raises torch's error for it."""
    if d is None:
        d = _LOCAL.default if default and _ELSEWHERE[0] else None
        if d is None:
            return
    elif d.__class__ is str and d == "cpu":
        return
    if _as_device(d, op)._type != "cpu":
        raise unavailable(_as_device(d, op))


# torch's other keyword arguments of the creation functions, with the values that mean
# something here: the strided layout and row-major memory (numpy's), no out= tensor;
# pin_memory is accepted and has nothing to do (see the pin_memory method)
_ACCEPTED = {"layout": (None, "strided", "torch.strided", "tinytorch.strided"),
             "memory_format": None, "pin_memory": None, "out": (None,)}


def check_creation(device, kwargs, op, default=True):
    """A creation function's ``device`` (the CPU: see check_device; with
    ``default=False`` None means the input's, for the ``*_like`` ones) and the other keyword
    arguments torch takes (``layout``, ``memory_format``, ``pin_memory``, ``out``)."""
    if device is None and not kwargs and (not default or not _ELSEWHERE[0]):
        return  # the common call: nothing to check
    check_device(device, op, default)
    for k, v in kwargs.items():
        if k not in _ACCEPTED:
            raise TypeError(f"{op}() got an unexpected keyword argument '{k}'")
        ok = _ACCEPTED[k]
        if ok is not None and v is not None and str(v) not in ok:
            what = "an out= tensor" if k == "out" else f"{k}={v}"
            raise RuntimeError(f"{op}(): {what} is not supported by tinytorch")


# --- Tensor methods -------------------------------------------------------------------------

_TO_SIGNATURES = (" * (torch.device device = None, torch.dtype dtype = None, bool non_blocking "
                  "= False, bool copy = False, *, torch.memory_format memory_format = None)\n"
                  " * (torch.dtype dtype, bool non_blocking = False, bool copy = False, *, "
                  "torch.memory_format memory_format = None)\n"
                  " * (Tensor tensor, bool non_blocking = False, bool copy = False, *, "
                  "torch.memory_format memory_format = None)\n")
_TO_KEYWORDS = ("device", "dtype", "non_blocking", "copy", "memory_format")


def _is_dtype(a):
    return isinstance(a, _dtype.dtype) or a in (float, int, bool)


def _bad_to(args, kwargs, name="to"):
    got = [("Tensor" if isinstance(a, TensorBase) else "torch.dtype" if _is_dtype(a)
            else _name(a)) for a in args]
    got += [f"{k}={_name(v)}" for k, v in kwargs.items()]
    return TypeError(f"{name}() received an invalid combination of arguments - got "
                     f"({', '.join(got)}{', ' if kwargs else ''}), but expected one of:\n"
                     + _TO_SIGNATURES)


def parse_to(args, kwargs, name="to"):
    """``to``'s arguments, read as torch reads them: ``(device=None, dtype=None,
    non_blocking=False, copy=False)``, ``(dtype, non_blocking=False, copy=False)`` or
    ``(tensor, non_blocking=False, copy=False)``, ``memory_format`` by keyword.  Returns
    ``(dtype or None, copy, indexed)`` after checking that the device (if any) is the CPU;
    ``indexed``: it was named with an index (``"cpu:0"``), for which torch copies."""
    if len(args) > 4:
        raise TypeError(f"{name}() takes from 0 to 4 positional arguments but {len(args)} "
                        "were given")
    if any(k not in _TO_KEYWORDS for k in kwargs):
        raise _bad_to(args, kwargs, name)
    dev, dt = kwargs.get("device"), kwargs.get("dtype")
    flags = args
    if args:
        first = args[0]
        if isinstance(first, TensorBase):
            if "device" in kwargs or "dtype" in kwargs:
                raise _bad_to(args, kwargs, name)
            dt, flags = first.dtype, args[1:]
        elif _is_dtype(first):
            if "dtype" in kwargs or "device" in kwargs:
                raise _bad_to(args, kwargs, name)
            dt, flags = first, args[1:]
        elif first is None or isinstance(first, (str, device, int)) and first is not True \
                and first is not False:
            if "device" in kwargs:
                raise _bad_to(args, kwargs, name)
            dev, flags = first, args[1:]
            if flags and (flags[0] is None or _is_dtype(flags[0])):
                if "dtype" in kwargs:
                    raise _bad_to(args, kwargs, name)
                dt, flags = flags[0], flags[1:]
        else:
            raise _bad_to(args, kwargs, name)
    if len(flags) > 2 or not all(isinstance(f, bool) for f in flags):
        raise _bad_to(args, kwargs, name)
    copy = flags[1] if len(flags) > 1 else kwargs.get("copy", False)
    indexed = False
    if dev is not None:
        if isinstance(dev, TensorBase) or dev.__class__ is bool:
            raise _bad_to(args, kwargs, name)
        check_device(dev, name)
        indexed = dev.__class__ is not str and dev._index is not None or (
            dev.__class__ is str and ":" in dev)
    if dt is not None and not isinstance(dt, _dtype.dtype):
        if not _is_dtype(dt):
            raise _bad_to(args, kwargs, name)
        dt = _dtype.to_dtype(dt)
    return dt, copy, indexed


def to(self, *args, **kwargs):
    """``self`` converted to a dtype and/or device: ``to(dtype)``, ``to(device)``,
    ``to(device, dtype)``, ``to(other_tensor)`` (its dtype and device), with
    ``non_blocking`` (nothing to wait for on the CPU), ``copy`` and ``memory_format`` (numpy
    has one layout).  Returns ``self`` when nothing changes, unless ``copy=True`` or the
    device is named with an index (``"cpu:0"``: torch copies then too); the conversion is
    recorded by autograd.  The only device is the CPU."""
    a = args[0] if len(args) == 1 and not kwargs else None
    if a.__class__ is _dtype.dtype:
        dt, copy = a, False  # the common x.to(dtype) / x.float()
    elif a.__class__ is str and a == "cpu" or a is CPU:
        return self  # the common x.to(device)
    else:
        dt, copy, indexed = parse_to(args, kwargs)
        copy = copy or indexed
    if dt is not None and dt.np != self._data.dtype:
        return _lazy.cast(self, dt.np)
    if copy:
        return _lazy.Clone.apply(self)
    return self


class _Lazy:
    """What ``to`` needs from modules that import this one (a module-level import would be a
    cycle), looked up on first use."""

    def __getattr__(self, name):
        from ._promotion import cast
        from .functions.elementwise import Clone
        self.cast, self.Clone = cast, Clone
        return getattr(self, name)


_lazy = _Lazy()


def cpu(self, memory_format=None):
    """``self``: tensors are on the CPU already (torch returns the tensor itself too)."""
    return self


def cuda(self, device=None, non_blocking=False, memory_format=None):
    """Always raises: tinytorch runs on the CPU only."""
    d = _Device("cuda") if device is None else _as_device(device, "cuda")
    if d._type != "cuda":
        raise RuntimeError("Invalid device, must be cuda device")
    raise unavailable(d)


def pin_memory(self, device=None):
    """``self``: pinned (page-locked) memory only speeds up copies to a GPU, which tinytorch
    does not have, so there is nothing to pin (torch built without an accelerator raises
    here instead; a data pipeline written for a GPU runs unchanged)."""
    return self


def is_pinned(self, device=None):
    """False: tinytorch never pins memory."""
    return False


def get_device(self):
    """-1: the index torch gives a CPU tensor."""
    return -1


METHODS = {
    "device": property(lambda self: CPU, doc="The tensor's device: always ``device('cpu')``."),
    "is_cuda": property(lambda self: False, doc="False: tinytorch runs on the CPU only."),
    "is_cpu": property(lambda self: True, doc="True: every tensor is on the CPU."),
    "is_mps": property(lambda self: False, doc="False: tinytorch runs on the CPU only."),
    "is_meta": property(lambda self: False, doc="False: tinytorch has no meta tensors."),
    "to": to, "cpu": cpu, "cuda": cuda, "pin_memory": pin_memory, "is_pinned": is_pinned,
    "get_device": get_device,
}
