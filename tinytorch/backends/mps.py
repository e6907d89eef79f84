"""``tinytorch.backends.mps``: Apple's Metal (MPS) backend, which tinytorch lacks."""

__all__ = ["is_available", "is_built"]


def is_available():
    """False: tinytorch runs on the CPU only."""
    return False


def is_built():
    """False: tinytorch is not built with MPS support."""
    return False
