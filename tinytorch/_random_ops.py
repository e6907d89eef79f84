"""Random sampling ops with torch's names: multinomial, bernoulli, poisson, and the in-place
fills (random_, exponential_, geometric_, cauchy_, log_normal_, bernoulli_).

``__all__`` lists the functions exported as ``tinytorch.<name>`` and ``METHODS`` the Tensor
methods (name -> function taking the tensor first), which tensor.py adds to its method table.

The numbers are torch's: every sampler here draws from the generator's torch stream
(_torch_stream.py) as torch's CPU kernels do, except poisson, whose numbers come from a numpy
Generator seeded from that stream (docs/random.md).  The argument checks and dtypes are
torch's.  A sample is not differentiated through: a result made from a tensor that requires
grad records a node whose gradient is zero (functions/random.py), as torch does.
"""
import builtins
import warnings

import numpy as np

from ._checks import broadcast_error, check_tensor_arg, is_int, not_implemented
from ._dtype import TORCH_TYPE
from ._inplace import inplace
from .autograd.function import TensorBase, _make, type_name
from .functions import random as R
from . import _torch_stream as TS

__all__ = ["multinomial", "bernoulli", "poisson"]


def _rng(generator, op, position=None):
    """A numpy Generator seeded from the torch stream of ``generator`` (or of the default
    generator), for poisson; ``position`` where torch's message names one."""
    from .random import _gen
    _stream(generator, op, position)
    return _gen(generator)


def _stream(generator, op, position=None):
    """The torch stream (_torch_stream.TorchStream) of ``generator`` (or of the default
    generator); ``position`` where torch's message names one (a positional argument)."""
    if generator is None:
        return _DEFAULT[0]._stream if _DEFAULT else _default()._stream
    from .random import Generator
    if not isinstance(generator, Generator):
        where = "" if position is None else f" (position {position})"
        raise TypeError(f"{op}(): argument 'generator'{where} must be torch.Generator, not "
                        f"{type_name(generator)}")
    return generator._stream


_DEFAULT = []  # the default generator, looked up once (random.py imports this module)


def _default():
    from .random import default_generator
    _DEFAULT.append(default_generator)
    return default_generator


def _num(x):
    """A number as torch's messages print it (C++ ostream: 0, -1, 1.5, 1e-07)."""
    return f"{x:g}" if isinstance(x, (float, np.floating)) else str(x)


def _number(x, op, name, position):
    """A Python number argument (a one-element tensor is read as its value, as torch does)."""
    if isinstance(x, TensorBase) and x._data.size == 1:
        return x.item()
    if isinstance(x, (builtins.int, builtins.float, np.integer, np.floating, builtins.bool)):
        return x
    raise TypeError(f"{op}(): argument '{name}' (position {position}) must be float, not "
                    f"{type_name(x)}")


def _sampled(prim, values, *params):
    """``values`` as a tensor; recorded as a zero-gradient node if a parameter needs grad."""
    if any(isinstance(p, TensorBase) and p._requires_grad for p in params):
        return prim.apply(values, *params)
    return _make(values)


# --- multinomial ---------------------------------------------------------------------------

def _check_rows_with_replacement(p):
    """torch's with-replacement kernel checks each row in turn: entries, then the sum."""
    for row in p:
        bad = ~(row >= 0) | ~np.isfinite(row)
        if bad.any():
            first = row[np.argmax(bad)]
            if not first >= 0:
                raise RuntimeError("invalid multinomial distribution (encountering probability "
                                   "entry < 0)")
            raise RuntimeError("invalid multinomial distribution (encountering probability "
                               "entry = infinity or NaN)")
        if not row.sum() > 0:
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")


def multinomial(input, num_samples, replacement=False, *, generator=None):
    """Indices drawn from the categories of each row of ``input`` (weights, not necessarily
    normalised): int64 of shape ``(num_samples,)`` or ``(rows, num_samples)``.  Without
    replacement a category is drawn at most once (zero-weight ones come last)."""
    check_tensor_arg(input, "multinomial")
    if not is_int(num_samples):
        raise TypeError(f"multinomial(): argument 'num_samples' (position 2) must be int, not "
                        f"{type_name(num_samples)}")
    if not isinstance(replacement, (builtins.bool, np.bool_)):
        raise TypeError(f"multinomial(): argument 'replacement' (position 3) must be bool, not "
                        f"{type_name(replacement)}")
    a = input._data
    if a.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if a.dtype.kind != "f":
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{TORCH_TYPE[a.dtype.name]}")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    n_cat = a.shape[-1]
    if not replacement and num_samples > n_cat:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           "replacement")
    if n_cat > 2 ** 24:
        raise RuntimeError("number of categories cannot exceed 2^24")
    g = _stream(generator, "multinomial")
    p = a.reshape(-1, n_cat).astype(np.float64)
    if p.shape[0] == 0:
        return _make(np.zeros(a.shape[:-1] + (num_samples,), np.int64))
    if not replacement or num_samples == 1:
        if not (p.max() < np.inf and p.min() >= 0):
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
        if (p.sum(1) == 0).any():
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    else:
        _check_rows_with_replacement(p)
    # torch's kernels: the exponential race p / Exp(1) (argmax / top-k), or with replacement
    # a float64 uniform per sample searched in the normalised cumulative sums
    rows = a.reshape(-1, n_cat)
    if rows.dtype not in (np.float32, np.float64):
        rows = rows.astype(np.float32)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = TS.multinomial(g, rows, num_samples, replacement)
    return _make(out.reshape(a.shape[:-1] + (num_samples,)).astype(np.int64))


# --- bernoulli -----------------------------------------------------------------------------

_P_IN_RANGE = ("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
               "message be improved?  If so, please report an enhancement request to "
               "PyTorch.)")


def _check_p_scalar(p):
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_num(p)}")


def _check_p_tensor(p):
    d = p._data
    if d.dtype.kind != "f":
        raise not_implemented("bernoulli_tensor_cpu_p_", d.dtype)
    if not ((d >= 0) & (d <= 1)).all():
        raise RuntimeError(_P_IN_RANGE)


def bernoulli(input, p=None, *, generator=None):
    """0/1 draws: ``bernoulli(probs)`` (each element is 1 with probability probs[i], in its
    dtype) or ``bernoulli(input, p)`` (a tensor like ``input``, each element 1 with
    probability ``p``)."""
    check_tensor_arg(input, "bernoulli")
    g = _stream(generator, "bernoulli")
    a = input._data
    if p is None:
        _check_p_tensor(input)
        values = TS.bernoulli(g, a).astype(a.dtype)
        return _sampled(R.Bernoulli, values, input)
    p = _number(p, "bernoulli", "p", 2)
    _check_p_scalar(p)
    values = TS.bernoulli_scalar(g, a.size, p).reshape(a.shape).astype(a.dtype)
    return _sampled(R.BernoulliScalar, values, input)


def bernoulli_(self, p=0.5, *, generator=None):
    """Fill in place with 0/1, each 1 with probability ``p`` (a number, or a tensor that
    broadcasts to this one's shape)."""
    g = _stream(generator, "bernoulli_")
    shape, dtype = self._data.shape, self._data.dtype
    if isinstance(p, TensorBase):
        _check_p_tensor(p)
        try:
            probs = np.broadcast_to(p._data, shape) if p._data.ndim <= len(shape) else None
        except ValueError:
            probs = None
        if probs is None:
            raise RuntimeError(_expand_error(p._data.shape, shape))
        values = TS.bernoulli(g, probs).astype(dtype)
        return inplace(self, lambda: _sampled(R.BernoulliInplaceTensor, values, self, p),
                       "bernoulli_")
    p = _number(p, "bernoulli_", "p", 1)
    _check_p_scalar(p)
    values = TS.bernoulli_scalar(g, self._data.size, p).reshape(shape).astype(dtype)
    return inplace(self, lambda: _sampled(R.BernoulliInplaceFloat, values, self), "bernoulli_")


def _expand_error(src, shape):
    """torch's expand error for a tensor of shape ``src`` expanded to ``shape``."""
    if len(src) > len(shape):
        return (f"expand(torch.FloatTensor{{{list(src)}}}, size={list(shape)}): the number of "
                f"sizes provided ({len(shape)}) must be greater or equal to the number of "
                f"dimensions in the tensor ({len(src)})")
    for i in range(1, len(src) + 1):
        if src[-i] != 1 and src[-i] != shape[-i]:
            return (f"The expanded size of the tensor ({shape[-i]}) must match the existing "
                    f"size ({src[-i]}) at non-singleton dimension {len(shape) - i}.  Target "
                    f"sizes: {list(shape)}.  Tensor sizes: {list(src)}")
    return broadcast_error("bernoulli_", src, shape)


# --- normal with tensor mean and/or std (tinytorch.normal's other overloads: random.py) ----

def _normal_kernel(t):
    if t._data.dtype.kind != "f":
        raise not_implemented("normal_kernel_cpu", t._data.dtype)


def _check_std_tensor(std):
    if not (std._data >= 0).all():
        raise RuntimeError("normal expects all elements of std >= 0.0")


def _std_normal(g, shape, dtype, std=1.0):
    """torch's first step: a new tensor of ``shape`` filled with ``normal_(0, std)``; the
    caller then scales and shifts it in ``dtype`` (``mul_(std).add_(mean)``) as torch does."""
    n = int(np.prod(shape, dtype=np.int64))
    return TS.normal(g, n, dtype, 0.0, std).reshape(shape)


def normal_tensors(mean, std, generator):
    """normal(Tensor, Tensor) (broadcast; mean's dtype), normal(Tensor, float) (mean's
    dtype) and normal(float, Tensor) (std's dtype)."""
    g = _stream(generator, "normal")
    if isinstance(mean, TensorBase) and isinstance(std, TensorBase):
        _normal_kernel(mean)
        _check_std_tensor(std)
        err = broadcast_error("normal", mean._data.shape, std._data.shape)
        if err is not None:
            raise RuntimeError(err)
        shape = np.broadcast_shapes(mean._data.shape, std._data.shape)
        values = _std_normal(g, shape, mean._data.dtype) * std._data + mean._data
        return _sampled(R.NormalTensorTensor, values.astype(mean._data.dtype), mean, std)
    if isinstance(mean, TensorBase):
        std = 1.0 if std is None else std
        if not std >= 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {_num(std)}")
        _normal_kernel(mean)
        values = _std_normal(g, mean._data.shape, mean._data.dtype, std) + mean._data
        return _sampled(R.NormalTensorFloat, values.astype(mean._data.dtype), mean)
    _normal_kernel(std)
    _check_std_tensor(std)
    dtype = std._data.dtype
    values = _std_normal(g, std._data.shape, dtype) * std._data + dtype.type(mean)
    return _sampled(R.NormalFloatTensor, values.astype(std._data.dtype), std)


# --- poisson -------------------------------------------------------------------------------

def poisson(input, generator=None):
    """Poisson counts with rates ``input`` (a float tensor; counts in its dtype)."""
    check_tensor_arg(input, "poisson")
    rng = _rng(generator, "poisson", 2)
    a = input._data
    if a.dtype.kind != "f":
        raise not_implemented("poisson_cpu", a.dtype)
    if not (a >= 0).all():
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    lam = a.astype(np.float64)
    big = lam > 1e15  # beyond numpy's sampler: the normal limit, exact to its rounding
    if big.any():
        counts = np.empty(lam.shape)
        counts[~big] = rng.poisson(lam[~big])
        with np.errstate(invalid="ignore"):
            counts[big] = np.round(rng.normal(lam[big], np.sqrt(lam[big])))
    else:
        counts = np.asarray(rng.poisson(lam), np.float64)
    return _sampled(R.Poisson, counts.astype(a.dtype), input)


# --- in-place fills ------------------------------------------------------------------------

_MANTISSA = {"float16": 11, "float32": 24, "float64": 53}
_C_NAME = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
           "int32": "int", "int16": "short int", "int8": "signed char",
           "uint8": "unsigned char", "bool": "bool"}


def _rounded(values, self):
    """float64 sampler values rounded to this tensor's dtype as torch casts them, shaped."""
    with np.errstate(over="ignore", invalid="ignore"):
        if self._data.dtype.kind == "f":
            values = TS.to_dtype(values, self._data.dtype)
        return values.reshape(self._data.shape)


def _fill(self, prim, values, op):
    return inplace(self, lambda: _sampled(prim, values.astype(self._data.dtype), self), op)


def _check_long(v):
    if not -2 ** 63 <= v < 2 ** 63:
        raise ValueError("Overflow when unpacking long long")


def _top(dtype):
    """The largest value random_ draws by default: 2^mantissa for floats, else the max."""
    if dtype.kind == "f":
        return 2 ** _MANTISSA[dtype.name]
    if dtype.kind == "b":
        return 1
    return builtins.int(np.iinfo(dtype).max)


def _check_bounds(low, high_inc, dtype):
    """random_'s range [low, high_inc] must fit the dtype (torch: from, to - 1)."""
    name = _C_NAME[dtype.name]
    if dtype.kind == "b":
        lo, hi = 0, 1
    elif dtype.kind == "f":
        lo, hi = np.finfo(dtype).min, np.finfo(dtype).max
    else:
        lo, hi = np.iinfo(dtype).min, np.iinfo(dtype).max
    if not lo <= low <= hi:
        raise RuntimeError(f"from is out of bounds for {name}")
    if not lo <= high_inc <= hi:
        raise RuntimeError(f"to - 1 is out of bounds for {name}")
    if dtype.kind == "f":
        top = 2 ** _MANTISSA[dtype.name]
        if low < -top or high_inc > top:
            which = "from" if low < -top else "to - 1"
            kind = {"float16": "half", "float32": "float", "float64": "double"}[dtype.name]
            warnings.warn(f"{which} is out of bounds [-(2^{_MANTISSA[dtype.name]}), "
                          f"2^{_MANTISSA[dtype.name]}]. Due to precision limitations {kind} "
                          f"can support discrete uniform distribution only within this range. "
                          f"This warning will become an error in version 1.7 release, please "
                          f"fix the code in advance", UserWarning, stacklevel=4)


def _random_args(args, kwargs):
    """random_'s overloads: (), (to), (from, to), (from, None); ``to=`` by keyword (and
    ``from`` by keyword through a dict, as in torch)."""
    kwargs = dict(kwargs)
    args = list(args)
    if "from" in kwargs:
        args.insert(0, kwargs.pop("from"))
        if "to" not in kwargs and len(args) == 1:
            kwargs["to"] = None
    if "to" in kwargs:
        args.append(kwargs.pop("to"))
    if kwargs or len(args) > 2 or any(
            not is_int(a) for a in args if a is not None) or (len(args) == 1 and args[0] is None):
        got = ", ".join(type_name(a) for a in args)
        raise TypeError(f"random_() received an invalid combination of arguments - got "
                        f"({got}), but expected one of:")
    return args


def random_(self, *args, generator=None, **kwargs):
    """Fill in place with integers: uniform on [0, to) for ``random_(to)``, on [from, to) for
    ``random_(from, to)``, on [from, top] for ``random_(from, None)`` and on [0, top] for
    ``random_()``, where top is the dtype's largest integer (2^mantissa for floats)."""
    args = _random_args(args, kwargs)
    g = _stream(generator, "random_")
    dtype = self._data.dtype
    for a in args:
        if a is not None:
            _check_long(a)
    if not args:
        low, high_inc, prim = 0, _top(dtype), R.Random
    elif len(args) == 2 and args[1] is None:
        low, high_inc, prim = args[0], _top(dtype), R.RandomFromTo
        if dtype.kind == "f" and not low < high_inc:
            raise RuntimeError(f"random_ expects 'from' casted to dtype to be less than or "
                               f"equal to 'to_inc' casted to dtype, but got from={low} > "
                               f"to_inc={high_inc}")
        _check_bounds(low, high_inc, dtype)
    else:
        low, to = (0, args[0]) if len(args) == 1 else args
        prim = R.RandomTo if len(args) == 1 else R.RandomFromTo
        if not low < to:
            raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got "
                               f"from={low} >= to={to}")
        high_inc = to - 1
        _check_bounds(low, high_inc, dtype)
    n, shape = self._data.size, self._data.shape
    if not args:  # torch's random_(): r % (max + 1) with the dtype's own word size
        values = TS.random_full(g, n, dtype)
    elif high_inc - low + 1 >= 2 ** 64:  # the full int64 range: random64() as is
        values = g.random64(n).view(np.int64)
    else:
        values = TS.randint(g, low, high_inc + 1, n, np.int64 if dtype.kind == "b" else dtype)
    return _fill(self, prim, values.reshape(shape), "random_")


def _continuous_only(self, dist):
    dtype = self._data.dtype
    if dtype.kind != "f":
        kind = TORCH_TYPE[dtype.name] if dist == "Exponential" else _C_NAME[dtype.name]
        raise RuntimeError(f"{dist} distribution is a continuous probability distribution. "
                           f"dtype must be a floating point but you specified {kind}")


def exponential_(self, lambd=1.0, *, generator=None):
    """Fill in place with exponential draws of rate ``lambd`` (mean 1 / lambd)."""
    lambd = _number(lambd, "exponential_", "lambd", 1)
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={_num(lambd)}")
    _continuous_only(self, "Exponential")
    g = _stream(generator, "exponential_")
    values = _rounded(TS.exponential(g, self._data.size, lambd), self)
    return _fill(self, R.Exponential, values, "exponential_")


def geometric_(self, p=None, *, generator=None):
    """Fill in place with geometric draws: the number of Bernoulli(p) trials up to and
    including the first success (1, 2, ...)."""
    if p is None:
        raise TypeError('geometric_() missing 1 required positional arguments: "p"')
    p = _number(p, "geometric_", "p", 1)
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={_num(p)}")
    if self._data.dtype.kind == "b":
        raise not_implemented("geometric_cpu", self._data.dtype)
    g = _stream(generator, "geometric_")
    values = _rounded(TS.geometric(g, self._data.size, p), self)
    return _fill(self, R.Geometric, values, "geometric_")


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    """Fill in place with Cauchy draws centred on ``median`` with scale ``sigma``."""
    median = _number(median, "cauchy_", "median", 1)
    sigma = _number(sigma, "cauchy_", "sigma", 2)
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={_num(sigma)}")
    _continuous_only(self, "Cauchy")
    g = _stream(generator, "cauchy_")
    values = _rounded(TS.cauchy(g, self._data.size, median, sigma), self)
    return _fill(self, R.Cauchy, values, "cauchy_")


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    """Fill in place with exp(N(mean, std²)) draws."""
    mean = _number(mean, "log_normal_", "mean", 1)
    std = _number(std, "log_normal_", "std", 2)
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={_num(std)}")
    if self._data.dtype.kind != "f":
        raise not_implemented("log_normal_cpu", self._data.dtype)
    g = _stream(generator, "log_normal_")
    with np.errstate(over="ignore"):
        values = _rounded(TS.log_normal(g, self._data.size, mean, std), self)
    return _fill(self, R.LogNormal, values, "log_normal_")


METHODS = {"multinomial": multinomial, "bernoulli": bernoulli, "bernoulli_": bernoulli_,
           "random_": random_, "exponential_": exponential_, "geometric_": geometric_,
           "cauchy_": cauchy_, "log_normal_": log_normal_}
