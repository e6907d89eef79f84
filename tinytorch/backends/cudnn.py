"""``tinytorch.backends.cudnn``: cuDNN's flags, settable; cuDNN itself is not available.

``benchmark``, ``deterministic``, ``enabled``, ``allow_tf32`` and ``benchmark_limit`` start
at torch's values and can be set (``torch.backends.cudnn.benchmark = True``); tinytorch has
no cuDNN, so they change nothing.
"""
import contextlib

__all__ = ["is_available", "version", "is_acceptable", "flags"]

enabled = True
benchmark = False
benchmark_limit = None  # what torch built without CUDA reports
deterministic = False
allow_tf32 = True


def is_available():
    """False: tinytorch has no cuDNN."""
    return False


def version():
    """None: no cuDNN version (as in torch built without it)."""
    return None


def is_acceptable(tensor):
    """False: cuDNN takes no tensor here."""
    return False


@contextlib.contextmanager
def flags(enabled=False, benchmark=False, benchmark_limit=10, deterministic=False,
          allow_tf32=True, fp32_precision="none", depthwise_kernel="auto"):
    """Set the flags for the ``with`` block and restore them after it (as torch's
    ``cudnn.flags``; ``fp32_precision`` and ``depthwise_kernel`` are accepted)."""
    names = ("enabled", "benchmark", "benchmark_limit", "deterministic", "allow_tf32")
    values = (enabled, benchmark, benchmark_limit, deterministic, allow_tf32)
    module = globals()
    saved = {name: module[name] for name in names}
    module.update(zip(names, values))
    try:
        yield
    finally:
        module.update(saved)
