"""Random numbers: a default generator seeded like torch's, and the creation functions."""
import numpy as np

from . import _dtype
from ._api import (check_no_kernel, check_normal_std, check_random_bounds, check_randperm,
                   shape_args, wrap)

_DEFAULT_SEED = 67280421310721  # torch's default seed: a fresh process is reproducible


class Generator:
    """An independent random stream (``torch.Generator``), e.g. for DataLoader shuffling."""

    def __init__(self, device="cpu"):
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


def rand(*size, generator=None, dtype=None, requires_grad=False):
    """Uniform on [0, 1)."""
    shape = shape_args(size, "rand", sizes=True)
    return wrap(_gen(generator).random(shape).astype(_float_dtype(dtype, "check_uniform_bounds")),
                requires_grad)


def randn(*size, generator=None, dtype=None, requires_grad=False):
    """Standard normal."""
    shape = shape_args(size, "randn", sizes=True)
    arr = _gen(generator).standard_normal(shape).astype(_float_dtype(dtype, "normal_kernel_cpu"))
    return wrap(arr, requires_grad)


def randint(*args, size=None, generator=None, dtype=None, requires_grad=False, low=None,
            high=None):
    """Integers in [low, high): ``randint(high, size)`` or ``randint(low, high, size)``.

    >>> tinytorch.randint(10, (3,)).shape
    tinytorch.Size([3])
    """
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


def randperm(n, generator=None, dtype=None):
    d = _dtype.int64 if dtype is None else _dtype.to_dtype(dtype)
    n = check_randperm(n, d.np)
    return wrap(_gen(generator).permutation(n).astype(d.np))


def normal(mean, std, size, generator=None):
    check_normal_std(std)
    return wrap(_gen(generator).normal(mean, std, shape_args((size,), "normal", sizes=True))
                .astype(_dtype.get_default_dtype().np))


def rand_like(t, dtype=None, requires_grad=False):
    return rand(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def randn_like(t, dtype=None, requires_grad=False):
    return randn(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def randint_like(t, low=0, high=None, dtype=None):
    if high is None:
        low, high = 0, low
    return randint(low, high, t.shape, dtype=dtype or t.dtype)
