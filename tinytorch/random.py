"""Random numbers: a default generator seeded like torch's, and the creation functions
(``rand randn randint randperm normal`` and the ``*_like`` ones).  The sampling ops on tensors
(multinomial, bernoulli, poisson, the in-place fills, normal with tensor mean/std) are in
_random_ops.py."""
import numpy as np

from . import _dtype, _random_ops
from ._device import CPU, check_creation, check_device
from ._api import check_no_kernel, check_random_bounds, check_randperm, shape_args, wrap
from .tensor import Tensor

_DEFAULT_SEED = 67280421310721  # torch's default seed: a fresh process is reproducible


class Generator:
    """An independent random stream (``torch.Generator``), e.g. for DataLoader shuffling."""

    def __init__(self, device="cpu"):
        check_device(device, "Generator", default=False)
        self._seed = _DEFAULT_SEED
        self.rng = np.random.default_rng(self._seed)

    def manual_seed(self, seed):
        self._seed = int(seed)
        self.rng = np.random.default_rng(self._seed)
        return self

    def seed(self):
        return self.manual_seed(np.random.SeedSequence().entropy % (2 ** 63)).initial_seed()

    def initial_seed(self):
        return self._seed

    @property
    def device(self):
        """The generator's device: the CPU."""
        return CPU

    def get_state(self):
        return self.rng.bit_generator.state

    def set_state(self, state):
        self.rng.bit_generator.state = state

    def __repr__(self):
        return f"<tinytorch.Generator seed={self._seed}>"


default_generator = Generator()


def manual_seed(seed):
    """Seed the default stream: the same seed gives the same numbers."""
    return default_generator.manual_seed(seed)


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(state):
    default_generator.set_state(state)


def _gen(generator):
    return (generator or default_generator).rng


def _float_dtype(dtype, kernel):
    d = _dtype.get_default_dtype() if dtype is None else _dtype.to_dtype(dtype)
    check_no_kernel(d.np, kernel, "f")  # torch's kernels draw floats only
    return d.np


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False, **kwargs):
    """Uniform on [0, 1)."""
    check_creation(device, kwargs, "rand")
    shape = shape_args(size, "rand", sizes=True)
    return wrap(_gen(generator).random(shape).astype(_float_dtype(dtype, "check_uniform_bounds")),
                requires_grad)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False, **kwargs):
    """Standard normal."""
    check_creation(device, kwargs, "randn")
    shape = shape_args(size, "randn", sizes=True)
    arr = _gen(generator).standard_normal(shape).astype(_float_dtype(dtype, "normal_kernel_cpu"))
    return wrap(arr, requires_grad)


def randint(*args, size=None, generator=None, dtype=None, requires_grad=False, low=None,
            high=None, device=None, **kwargs):
    """Integers in [low, high): ``randint(high, size)`` or ``randint(low, high, size)``.

    >>> tinytorch.randint(10, (3,)).shape
    tinytorch.Size([3])
    """
    check_creation(device, kwargs, "randint")
    args = list(args)
    if size is None and args and isinstance(args[-1], (tuple, list)):
        size = args.pop()
    if size is None:
        raise TypeError("randint() missing required argument 'size' (a tuple of ints)")
    if low is not None:
        args.insert(0, low)
    if high is not None:
        args.append(high)
    if len(args) == 1:
        low, high = 0, args[0]
    elif len(args) == 2:
        low, high = args
    else:
        raise TypeError(f"randint() takes (high, size) or (low, high, size), got "
                        f"{len(args)} bounds {tuple(args)}")
    for name, v in (("low", low), ("high", high)):
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool):
            raise TypeError(f"randint(): argument '{name}' must be int, not "
                            f"{type(v).__name__}")
    if high <= low:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got "
                           f"from={low} >= to={high}")
    shape = shape_args((size,), "randint", sizes=True)
    d = _dtype.int64 if dtype is None else _dtype.to_dtype(dtype)
    check_random_bounds(low, high, d.np)
    return wrap(_gen(generator).integers(low, high, shape).astype(d.np), requires_grad)


def randperm(n, generator=None, dtype=None, *, device=None, **kwargs):
    check_creation(device, kwargs, "randperm")
    d = _dtype.int64 if dtype is None else _dtype.to_dtype(dtype)
    n = check_randperm(n, d.np)
    return wrap(_gen(generator).permutation(n).astype(d.np))


def normal(mean=None, std=None, size=None, *, generator=None, dtype=None, requires_grad=False,
           out=None, device=None, **kwargs):
    """Normal draws, in torch's four overloads: ``normal(mean_tensor, std_tensor)`` (shapes
    broadcast, mean's dtype), ``normal(mean_tensor, std=1.0)``, ``normal(mean, std_tensor)``
    and ``normal(mean, std, size)`` (numbers; ``dtype=``/``requires_grad=`` apply).  The
    result records a zero gradient for a mean or std that requires grad, as in torch."""
    mean_t, std_t = isinstance(mean, Tensor), isinstance(std, Tensor)
    if out is not None:
        raise TypeError("normal(): out= is not supported")
    check_device(device, "normal", default=not (mean_t or std_t))
    if mean_t or std_t:
        bad = size is not None or dtype is not None or requires_grad or kwargs
        if bad or (not mean_t and not _is_number(mean)) or (not std_t and std is not None
                                                             and not _is_number(std)):
            raise TypeError(_bad_normal(mean, std, size))
        return _random_ops.normal_tensors(mean, std, generator)
    if size is None or kwargs or not _is_number(mean) or not _is_number(std) or not isinstance(
            size, (tuple, list)):
        raise TypeError(_bad_normal(mean, std, size))
    if not std >= 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_random_ops._num(std)}")
    shape = shape_args((size,), "normal")
    for s in shape:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: "
                               f"{list(shape)}")
    rng = _random_ops._rng(generator, "normal")
    npd = _float_dtype(dtype, "normal_kernel_cpu")
    return wrap(rng.normal(mean, std, shape).astype(npd), requires_grad)


def _is_number(x):
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool)


def _bad_normal(*args):
    got = ", ".join("Tensor" if isinstance(a, Tensor) else type(a).__name__
                    for a in args if a is not None)
    return (f"normal() received an invalid combination of arguments - got ({got}), but "
            f"expected one of: (Tensor mean, Tensor std), (Tensor mean, float std), "
            f"(float mean, Tensor std), (float mean, float std, tuple of ints size)")


def _like_args(input, op, dtype, layout, device, extra):
    """The *_like functions' common arguments (``memory_format`` is accepted and, with
    numpy's one layout, ignored); ``extra``: positional arguments torch does not take."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    if extra:
        got = ", ".join(["Tensor"] + [type(a).__name__ for a in extra])
        raise TypeError(f"{op}() received an invalid combination of arguments - got ({got}), "
                        f"but expected one of: (Tensor input, *, torch.memory_format "
                        f"memory_format, torch.dtype dtype, ...)")
    if layout not in (None, "strided") and str(layout) != "torch.strided":
        raise RuntimeError(f"{op}(): only strided tensors are supported")
    check_device(device, op, default=False)
    return input.dtype if dtype is None else dtype


def rand_like(input, *args, generator=None, dtype=None, layout=None, device=None,
              requires_grad=False, memory_format=None, pin_memory=False):
    """Uniform on [0, 1), shaped like ``input`` (its dtype unless ``dtype`` is given)."""
    dtype = _like_args(input, "rand_like", dtype, layout, device, args)
    return rand(input.shape, generator=generator, dtype=dtype, requires_grad=requires_grad,
                device="cpu")


def randn_like(input, *args, generator=None, dtype=None, layout=None, device=None,
               requires_grad=False, memory_format=None, pin_memory=False):
    """Standard normal, shaped like ``input`` (its dtype unless ``dtype`` is given)."""
    dtype = _like_args(input, "randn_like", dtype, layout, device, args)
    return randn(input.shape, generator=generator, dtype=dtype, requires_grad=requires_grad,
                 device="cpu")


def randint_like(input, low=None, high=None, *args, generator=None, dtype=None, layout=None,
                 device=None, requires_grad=False, memory_format=None, pin_memory=False):
    """Integers in [low, high) shaped like ``input``, in its dtype unless ``dtype`` is given:
    ``randint_like(input, high)`` or ``randint_like(input, low, high)``."""
    dtype = _like_args(input, "randint_like", dtype, layout, device, args)
    if high is None:
        low, high = 0, low
    if low is None:
        low = 0
    bounds = []
    for v in (low, high):
        if isinstance(v, Tensor) and v.numel() == 1:
            v = v.item()
        bounds.append(v)
    low, high = bounds
    if high is None or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                               for v in (low, high)):
        got = ", ".join(["Tensor"] + [type(v).__name__ for v in (low, high) if v is not None])
        raise TypeError(f"randint_like() received an invalid combination of arguments - got "
                        f"({got}), but expected one of: (Tensor input, int high), "
                        f"(Tensor input, int low, int high)")
    d = _dtype.to_dtype(dtype)
    if requires_grad and d.np.kind != "f":
        raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                           "gradients")
    return randint(low, high, input.shape, generator=generator, dtype=dtype,
                   requires_grad=requires_grad, device="cpu")
