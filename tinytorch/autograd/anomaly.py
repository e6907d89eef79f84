"""detect_anomaly: find the first backward that produces NaN or inf, and where its forward
was called."""
from .grad_mode import STATE, switch


class detect_anomaly:
    """Context manager (and decorator): inside it, each recorded op remembers the stack of
    its forward call, and a backward returning NaN/inf raises, naming the op and that stack.

    >>> with tinytorch.autograd.detect_anomaly():
    ...     y = x.sqrt() ...
    """

    def __init__(self, check_nan=True):
        self.check_nan = check_nan

    def __enter__(self):
        self._prev = switch("anomaly", self.check_nan)
        return self

    def __exit__(self, *exc):
        switch("anomaly", self._prev)
        return False

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with detect_anomaly(self.check_nan):
                return fn(*args, **kwargs)
        return wrapper


class set_detect_anomaly:
    """``set_detect_anomaly(True)`` as a call or a context manager."""

    def __init__(self, mode, check_nan=True):
        self._prev = switch("anomaly", bool(mode) and check_nan)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        switch("anomaly", self._prev)
        return False


def is_anomaly_enabled():
    return STATE.anomaly
