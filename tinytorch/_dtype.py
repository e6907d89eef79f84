"""dtypes with torch's names and torch's type-promotion rules, on top of numpy dtypes."""
import builtins

import numpy as np


class dtype:
    """A tensor element type, e.g. ``tinytorch.float32``; wraps a numpy dtype."""

    __slots__ = ("name", "np", "is_floating_point", "is_signed", "itemsize")

    def __init__(self, name, np_dtype):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = self.np.kind == "f"
        self.is_signed = self.np.kind in "fi"
        self.itemsize = self.np.itemsize

    @property
    def dtype(self):
        """The numpy dtype: lets numpy take a tinytorch dtype (``np.zeros(2, float32)``), so
        a backward formula can write ``np.zeros(shape, g.dtype)`` for arrays and Tensors."""
        return self.np

    def __repr__(self):
        return f"tinytorch.{self.name}"

    def __reduce__(self):
        return (_by_name, (self.name,))


float16 = half = dtype("float16", np.float16)
float32 = float = dtype("float32", np.float32)
float64 = double = dtype("float64", np.float64)
uint8 = dtype("uint8", np.uint8)
int8 = dtype("int8", np.int8)
int16 = short = dtype("int16", np.int16)
int32 = int = dtype("int32", np.int32)
int64 = long = dtype("int64", np.int64)
bool = dtype("bool", np.bool_)



class _NoArrays(dtype):
    """A dtype torch has and numpy does not (``bfloat16``): a name scripts can pass around and
    ``finfo`` can describe, refused with a clear error once it is used to make or convert a
    tensor (every such path reads ``.np``)."""

    __slots__ = ()

    def __init__(self, name, itemsize):
        self.name = name
        self.is_floating_point = True
        self.is_signed = True
        self.itemsize = itemsize

    @property
    def np(self):
        raise TypeError(f"tinytorch has no {self.name} tensors: numpy, which holds their data, "
                        f"has no {self.name} type; use tinytorch.float32 (or float16) instead")


bfloat16 = _NoArrays("bfloat16", 2)

_ALL = (float16, float32, float64, uint8, int8, int16, int32, int64, bool)
FROM_NP = {d.np: d for d in _ALL}
_NAMES = {d.name: d for d in _ALL}
_NAMES["bfloat16"] = bfloat16  # so that it pickles, and names it in the error above

_default_float = float32


def _by_name(name):
    return _NAMES[name]


def get_default_dtype():
    """The floating-point dtype of tensors made from Python floats (float32 unless
    ``set_default_dtype`` changed it)."""
    return _default_float


def set_default_dtype(d):
    """Set the default floating-point dtype (float32 or float64; float16 is accepted too)."""
    global _default_float
    if not isinstance(d, dtype):
        raise TypeError("invalid dtype object: only floating-point types are supported as "
                        "the default type")
    if not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    d.np  # noqa: B018 -- refuses bfloat16 here rather than at the next tensor
    _default_float = d


def to_dtype(d):
    """Accept a tinytorch dtype, a numpy dtype/type or a name; return the tinytorch dtype."""
    if isinstance(d, dtype):
        return d
    if isinstance(d, str):
        if d in _NAMES:
            return _NAMES[d]
    try:
        return FROM_NP[np.dtype(d)]
    except (TypeError, KeyError):
        raise TypeError(f"unsupported dtype: {d!r}") from None


def np_dtype_of(data):
    """The dtype tinytorch.tensor() infers for ``data``: an ndarray or numpy scalar keeps its
    own; Python data follows torch's rules (floats: the default float dtype, ints: int64)."""
    arr = np.asarray(data)
    if isinstance(data, (np.ndarray, np.generic)) and arr.dtype.kind in "biuf":
        return arr.dtype  # (tensor() names it if tinytorch does not support it)
    return python_data_dtype(arr)


def python_data_dtype(arr):
    """The dtype torch gives Python data that numpy has read into ``arr``."""
    k = arr.dtype.kind
    if k == "f":
        return _default_float.np
    if k == "i":
        return np.dtype(np.int64)
    if k == "b":
        return np.dtype(np.bool_)
    if k == "u" or (k == "O" and all(isinstance(x, builtins.int) for x in arr.flat)):
        raise ValueError("Overflow when unpacking long long")  # ints beyond int64
    if k == "O":
        odd = next(x for x in arr.flat if not isinstance(x, (builtins.int, builtins.float)))
        raise RuntimeError(f"Could not infer dtype of {type(odd).__name__}")
    if k == "c":
        raise TypeError("tinytorch.tensor: tinytorch has no complex dtypes (got complex data)")
    raise TypeError(f"tinytorch.tensor: could not infer a dtype from data of numpy kind "
                    f"{arr.dtype}")


# --- finfo / iinfo -------------------------------------------------------------------

_PY_TYPES = {builtins.float: "float64", builtins.int: "int64", builtins.bool: "bool"}


def _info_dtype(type, fn):
    if type is None and fn == "finfo":
        return _default_float
    if isinstance(type, dtype):
        return type
    if isinstance(type, builtins.type) and type in _PY_TYPES:
        return _NAMES[_PY_TYPES[type]]
    raise TypeError(f"{fn}(): argument 'type' (position 1) must be torch.dtype, not "
                    f"{builtins.type(type).__name__}")


class finfo:
    """The numerical properties of a floating-point dtype (the default dtype if none is
    given): ``bits``, ``eps`` (the gap between 1 and the next number), ``max``, ``min``,
    ``tiny`` = ``smallest_normal`` (the smallest positive normal number), ``resolution``
    (10 ** -decimal digits) and ``dtype`` (its name), all Python numbers, as torch's."""

    _cache = {}

    def __new__(cls, type=None):
        d = _info_dtype(type, "finfo")
        if not d.is_floating_point:
            raise TypeError("torch.finfo() requires a floating point input type. Use "
                            "torch.iinfo to handle 'torch.finfo'")
        if d.name not in cls._cache:
            self = cls._cache[d.name] = object.__new__(cls)
            if d is bfloat16:  # 8 exponent bits as float32, 7 mantissa bits
                self.bits, self.eps, self.resolution = 16, 2.0 ** -7, 0.01
                self.max, self.tiny = (2 - 2.0 ** -7) * 2.0 ** 127, 2.0 ** -126
            else:
                fi = np.finfo(d.np)
                self.bits, self.eps, self.resolution = fi.bits, builtins.float(fi.eps), \
                    builtins.float(10.0 ** -fi.precision)
                self.max, self.tiny = builtins.float(fi.max), builtins.float(fi.tiny)
            self.min, self.smallest_normal, self.dtype = -self.max, self.tiny, d.name
        return cls._cache[d.name]

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, "
                f"tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """The numerical properties of an integer dtype: ``bits``, ``max``, ``min`` and ``dtype``
    (its name), as torch's."""

    _cache = {}

    def __new__(cls, type):
        d = _info_dtype(type, "iinfo")
        if d is bool:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if d.is_floating_point:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo "
                            "to handle 'torch.iinfo'")
        if d.name not in cls._cache:
            self = cls._cache[d.name] = object.__new__(cls)
            ii = np.iinfo(d.np)
            self.bits, self.max, self.min = ii.bits, builtins.int(ii.max), builtins.int(ii.min)
            self.dtype = d.name
        return cls._cache[d.name]

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"


# --- promotion -----------------------------------------------------------------------
# torch ranks operands in categories: bool < integer < floating.  Within the highest
# category present, dimensioned tensors win over 0-d tensors, which win over Python
# scalars ("wrapped numbers").  A Python float meeting an integer tensor gives the
# default float dtype.

def _category(npd):
    k = npd.kind
    return 2 if k == "f" else (1 if k in "iu" else 0)


def _scalar_category(x):
    if isinstance(x, (builtins.bool, np.bool_)):
        return 0
    if isinstance(x, (builtins.int, np.integer)):
        return 1
    return 2


def result_type(a, b):
    """Result numpy dtype of a binary op on ndarrays / Python scalars, as torch computes it."""
    a_arr = isinstance(a, np.ndarray)
    b_arr = isinstance(b, np.ndarray)
    if a_arr and b_arr:
        da, db = a.dtype, b.dtype
        if da == db:
            return da
        ca, cb = _category(da), _category(db)
        if ca != cb:
            return da if ca > cb else db
        if a.ndim == 0 and b.ndim != 0:
            return db
        if b.ndim == 0 and a.ndim != 0:
            return da
        return np.promote_types(da, db)
    if not a_arr and not b_arr:
        return np.result_type(_default_float.np if _scalar_category(a) == 2 else np.int64,
                              _default_float.np if _scalar_category(b) == 2 else np.int64)
    arr, sc = (a, b) if a_arr else (b, a)
    ca, cs = _category(arr.dtype), _scalar_category(sc)
    if cs <= ca:
        return arr.dtype
    return _default_float.np if cs == 2 else np.dtype(np.int64)

# torch's names of the dtypes in its messages ("Float", "Long", ...)
TORCH_TYPE = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
              "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
              "bool": "Bool"}
