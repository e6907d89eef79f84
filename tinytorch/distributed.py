"""``tinytorch.distributed``: not available.  tinytorch trains in one process, so
``is_available()`` and ``is_initialized()`` are False (scripts guarded by them take their
single-process path), and making a process group raises."""

__all__ = ["is_available", "is_initialized", "init_process_group", "get_rank",
           "get_world_size"]

_NOT_INITIALIZED = ("Default process group has not been initialized, please make sure to call "
                    "init_process_group.")


def is_available():
    """False: tinytorch has no distributed backend."""
    return False


def is_initialized():
    """False: no process group can exist."""
    return False


def init_process_group(*args, **kwargs):
    """Raises: tinytorch has no distributed backend (it trains in one process)."""
    raise RuntimeError("torch.distributed is not available in tinytorch: it trains in a single "
                       "process (check tinytorch.distributed.is_available() first)")


def get_rank(group=None):
    """Raises torch's error for a missing default process group (there is none)."""
    raise ValueError(_NOT_INITIALIZED)


def get_world_size(group=None):
    """Raises torch's error for a missing default process group (there is none)."""
    raise ValueError(_NOT_INITIALIZED)
