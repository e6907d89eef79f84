"""Switching gradient recording on and off: no_grad, enable_grad, set_grad_enabled."""
import functools


class _State:
    __slots__ = ("enabled", "anomaly", "tracer", "graph_backward")

    def __init__(self):
        self.enabled = True
        self.anomaly = False
        self.tracer = None
        self.graph_backward = 0  # > 0 while a create_graph backward runs


STATE = _State()


def is_grad_enabled():
    return STATE.enabled


class _GradModeContext:
    """Base: sets the mode on enter, restores the previous one on exit (so nesting works)."""

    mode = True

    def __enter__(self):
        self._prev = STATE.enabled
        STATE.enabled = self.mode

    def __exit__(self, *exc):
        STATE.enabled = self._prev
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return fn(*args, **kwargs)
        return wrapper

    def __repr__(self):
        return f"{type(self).__name__}()"


class no_grad(_GradModeContext):
    """Context manager and decorator: ops inside record no graph.

    >>> x = tinytorch.ones(2, requires_grad=True)
    >>> with tinytorch.no_grad():
    ...     y = x * 2
    >>> y.requires_grad
    False
    """

    mode = False


class enable_grad(_GradModeContext):
    """Context manager and decorator that turns recording back on inside ``no_grad``."""

    mode = True


class set_grad_enabled(_GradModeContext):
    """``set_grad_enabled(False)`` works as a call, a context manager or a decorator."""

    def __init__(self, mode):
        self._prev = STATE.enabled
        self.mode = bool(mode)
        STATE.enabled = self.mode

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        STATE.enabled = self._prev
        return False

    def __call__(self, fn):
        STATE.enabled = self._prev
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)
        return wrapper

    def __repr__(self):
        return f"set_grad_enabled(mode={self.mode})"
