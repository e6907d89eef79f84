"""``tinytorch.accelerator``: no accelerator here (tinytorch runs on the CPU).

``is_available()`` is False, ``current_accelerator()`` None and ``device_count()`` 0, as in
torch without one; the calls that need an accelerator raise the one CPU-only error.
"""
from ._device import unavailable

__all__ = ["is_available", "current_accelerator", "device_count", "current_device_index",
           "set_device_index", "synchronize"]


def is_available():
    """False: no accelerator."""
    return False


def current_accelerator(check_available=False):
    """None: there is no accelerator."""
    return None


def device_count():
    """0: no accelerator devices."""
    return 0


def current_device_index():
    """The index of the current accelerator: there is none, so this raises."""
    raise unavailable()


def set_device_index(device, /):
    """Select an accelerator: there is none, so this raises."""
    raise unavailable()


def synchronize(device=None, /):
    """Wait for an accelerator: there is none, so this raises."""
    raise unavailable()
