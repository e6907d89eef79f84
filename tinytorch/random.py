"""Random numbers: a default generator seeded like torch's, and the creation functions
(``rand randn randint randperm normal`` and the ``*_like`` ones).  The sampling ops on tensors
(multinomial, bernoulli, poisson, the in-place fills, normal with tensor mean/std) are in
_random_ops.py."""
import contextlib

import numpy as np

from . import _dtype, _random_ops
from . import _torch_stream as TS
from ._torch_stream import TorchStream
from ._device import CPU, check_creation, check_device
from ._api import check_no_kernel, check_random_bounds, check_randperm, shape_args, wrap
from .tensor import Tensor

_DEFAULT_SEED = 67280421310721  # torch's default seed: a fresh process is reproducible


class Generator:
    """An independent random stream (``torch.Generator``): torch's CPU generator (MT19937),
    so a seed gives torch's numbers (docs/random.md)."""

    def __init__(self, device="cpu"):
        check_device(device, "Generator", default=False)
        self._stream = TorchStream(_DEFAULT_SEED)

    def manual_seed(self, seed):
        """Seed the stream (as a uint64: negative seeds wrap) and return the generator."""
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            name = "Tensor" if isinstance(seed, Tensor) else type(seed).__name__
            raise RuntimeError(f"manual_seed expected a long, but got {name}")
        if not -2 ** 63 <= seed < 2 ** 64:
            raise ValueError("Overflow when unpacking long long")
        self._stream.manual_seed(seed)
        return self

    def seed(self):
        """Seed from the operating system's entropy; returns the new seed."""
        import os
        s = int.from_bytes(os.urandom(8), "little") & (2 ** 63 - 1)
        self._stream.manual_seed(s)
        return s

    def initial_seed(self):
        """The seed last set (``manual_seed``/``seed``), as torch reports it."""
        return self._stream.seed

    @property
    def device(self):
        """The generator's device: the CPU."""
        return CPU

    def get_state(self):
        """The state as torch's uint8 tensor of 5056 bytes (``torch.get_rng_state()``)."""
        return wrap(self._stream.torch_state())

    def set_state(self, new_state):
        """Restore a state from ``get_state`` (a uint8 tensor in torch's layout)."""
        if not isinstance(new_state, Tensor):
            raise TypeError(f"expected a torch.ByteTensor, but got "
                            f"{type(new_state).__name__}")
        if new_state.dtype != _dtype.uint8:
            raise TypeError(f"expected a torch.ByteTensor, but got a tensor of "
                            f"{new_state.dtype}")
        self._stream.set_torch_state(new_state.numpy())
        return self

    def clone_state(self):
        """Another generator with this one's state."""
        g = Generator()
        g._stream.set_state(self._stream.get_state())
        return g

    @property
    def rng(self):
        """A numpy Generator seeded from this stream (two words drawn), for the samplers
        that do not follow torch's stream (poisson)."""
        return np.random.default_rng(int(self._stream.random64(1)[0]))

    def __repr__(self):
        return f"<tinytorch.Generator object at {id(self):#x}>"


default_generator = Generator()


def manual_seed(seed):
    """Seed the default stream: the same seed gives torch's numbers (``int(seed)`` first, as
    torch does)."""
    return default_generator.manual_seed(int(seed))


def seed():
    """Seed the default stream from the operating system's entropy; returns the seed."""
    return default_generator.seed()


def initial_seed():
    """The default stream's seed."""
    return default_generator.initial_seed()


def get_rng_state():
    """The default stream's state: torch's uint8 tensor of 5056 bytes."""
    return default_generator.get_state()


def set_rng_state(new_state):
    """Restore the default stream's state from ``get_rng_state``."""
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices",
             device_type="cuda"):
    """Run the ``with`` body and restore the CPU random state afterwards (there are no
    accelerator states to fork on a CPU-only library)."""
    if not enabled:
        yield
        return
    state = default_generator._stream.get_state()
    try:
        yield
    finally:
        default_generator._stream.set_state(state)


def _stream(generator):
    """The torch stream of ``generator`` (or of the default generator)."""
    return (generator or default_generator)._stream


def _gen(generator):
    """A numpy Generator seeded from the stream of ``generator`` (see ``Generator.rng``)."""
    return (generator or default_generator).rng


def _float_dtype(dtype, kernel):
    d = _dtype.get_default_dtype() if dtype is None else _dtype.to_dtype(dtype)
    check_no_kernel(d.np, kernel, "f")  # torch's kernels draw floats only
    return d.np


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False, **kwargs):
    """Uniform on [0, 1)."""
    check_creation(device, kwargs, "rand")
    shape = shape_args(size, "rand", sizes=True)
    npd = _float_dtype(dtype, "check_uniform_bounds")
    return wrap(_draw(TS.uniform, generator, shape, npd, "rand"), requires_grad)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False, **kwargs):
    """Standard normal."""
    check_creation(device, kwargs, "randn")
    shape = shape_args(size, "randn", sizes=True)
    npd = _float_dtype(dtype, "normal_kernel_cpu")
    return wrap(_draw(TS.normal, generator, shape, npd, "randn"), requires_grad)


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
    g = _random_ops._stream(generator, "randint")
    n = int(np.prod(shape, dtype=np.int64))
    return wrap(TS.randint(g, low, high, n, d.np).reshape(shape), requires_grad)


def randperm(n, generator=None, dtype=None, *, device=None, **kwargs):
    check_creation(device, kwargs, "randperm")
    d = _dtype.int64 if dtype is None else _dtype.to_dtype(dtype)
    n = check_randperm(n, d.np)
    return wrap(TS.randperm(_random_ops._stream(generator, "randperm"), n, d.np))


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
    g = _random_ops._stream(generator, "normal")
    npd = _float_dtype(dtype, "normal_kernel_cpu")
    n = int(np.prod(shape, dtype=np.int64))
    return wrap(TS.normal(g, n, npd, mean, std).reshape(shape), requires_grad)


def _draw(sampler, generator, shape, npd, op):
    """``sampler``'s draws for a new contiguous tensor of ``shape`` and numpy dtype ``npd``."""
    g = _random_ops._stream(generator, op)
    n = int(np.prod(shape, dtype=np.int64))
    return sampler(g, n, npd).reshape(shape)


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
