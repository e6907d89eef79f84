"""``tinytorch.cuda``: no CUDA here (tinytorch runs on the CPU).

What a script asks before choosing a device answers as torch built without CUDA answers:
``is_available()`` is False, ``device_count()`` is 0, and the calls that are safe in torch
without a GPU (seeding, ``empty_cache``, the memory counters) do nothing.  The calls that need
a GPU (``current_device``, ``get_device_name``, ``synchronize``, ...) raise the one
CPU-only error (a RuntimeError, also an AssertionError like torch's "Torch not compiled
with CUDA enabled").
"""
from ._device import unavailable
from ._device import device as _device
# torch's deprecated CUDA spellings of autocast and GradScaler (no-ops here); importing the
# module registers it as tinytorch.cuda.amp, so `from tinytorch.cuda.amp import ...` works
from .amp import _cuda as amp

__all__ = ["amp", "is_available", "device_count", "is_initialized", "manual_seed", "manual_seed_all",
           "seed", "seed_all", "synchronize", "empty_cache", "current_device",
           "get_device_name", "get_device_properties", "get_device_capability", "set_device",
           "init", "initial_seed", "memory_allocated", "max_memory_allocated",
           "memory_reserved", "max_memory_reserved", "reset_peak_memory_stats",
           "is_bf16_supported", "get_arch_list"]


def _no_cuda():
    return unavailable(_device("cuda"))


def is_available():
    """False: tinytorch has no CUDA."""
    return False


def device_count():
    """0: no CUDA devices."""
    return 0


def is_initialized():
    """False: CUDA is never initialised here."""
    return False


def manual_seed(seed):
    """Seed the random numbers of the current GPU: with no GPU, ignored (as torch ignores it
    without CUDA); ``seed`` must still be a number."""
    int(seed)


def manual_seed_all(seed):
    """Seed the random numbers of every GPU: with none, ignored (as in torch)."""
    int(seed)


def seed():
    """Seed the current GPU randomly: with no GPU, ignored."""


def seed_all():
    """Seed every GPU randomly: with none, ignored."""


def empty_cache():
    """Release the cached GPU memory: there is none, so nothing to do (as in torch)."""


def memory_allocated(device=None):
    """0 bytes: no GPU memory is ever allocated."""
    return 0


def max_memory_allocated(device=None):
    """0 bytes: no GPU memory is ever allocated."""
    return 0


def memory_reserved(device=None):
    """0 bytes: no GPU memory is ever reserved."""
    return 0


def max_memory_reserved(device=None):
    """0 bytes: no GPU memory is ever reserved."""
    return 0


def reset_peak_memory_stats(device=None):
    """Nothing to reset: there are no GPU memory counters."""


def is_bf16_supported(including_emulation=True):
    """False: no CUDA device."""
    return False


def get_arch_list():
    """[]: tinytorch is built for no CUDA architecture."""
    return []


def synchronize(device=None):
    """Wait for a GPU: there is none, so this raises (as in torch without CUDA)."""
    raise _no_cuda()


def current_device():
    """The index of the current GPU: there is none, so this raises."""
    raise _no_cuda()


def get_device_name(device=None):
    """The name of a GPU: there is none, so this raises."""
    raise _no_cuda()


def get_device_properties(device=None):
    """The properties of a GPU: there is none, so this raises."""
    raise _no_cuda()


def get_device_capability(device=None):
    """The compute capability of a GPU: there is none, so this raises."""
    raise _no_cuda()


def set_device(device):
    """Select a GPU: there is none, so this raises."""
    raise _no_cuda()


def init():
    """Initialise CUDA: there is none, so this raises."""
    raise _no_cuda()


def initial_seed():
    """The seed of the current GPU's generator: there is none, so this raises."""
    raise _no_cuda()
