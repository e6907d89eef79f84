"""Switching gradient recording on and off: no_grad, enable_grad, set_grad_enabled,
inference_mode.

Every switch is per thread, as in torch: a thread evaluating under ``no_grad`` does not stop
another thread's training loop from recording its graph.
"""
import functools
import threading


class _State(threading.local):
    """The autograd switches of the current thread (``threading.local``: each thread sees
    its own copy, which ``__init__`` fills with the defaults on the thread's first use)."""

    def __init__(self):
        self.enabled = True
        self.inference = False  # inside inference_mode()
        self.anomaly = False
        self.tracer = None
        self.graph_backward = 0  # > 0 while a create_graph backward runs


STATE = _State()


def is_grad_enabled():
    """Whether ops on this thread record the graph (torch.is_grad_enabled)."""
    return STATE.enabled


def is_inference_mode_enabled():
    """Whether this thread is inside ``inference_mode()``."""
    return STATE.inference


class _GradModeContext:
    """Base: sets the mode on enter, restores the previous one on exit (so nesting works)."""

    mode = True

    def __new__(cls, *args, **kwargs):
        if len(args) == 1 and not kwargs and callable(args[0]):
            return cls()(args[0])  # used bare, as ``@no_grad``: decorate at once
        return super().__new__(cls)

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


class inference_mode(_GradModeContext):
    """``no_grad`` for pure inference, as a context manager or decorator:
    ``inference_mode(False)`` leaves the mode as it is.

    >>> with tinytorch.inference_mode():
    ...     y = model(x)
    >>> y.requires_grad
    False

    torch also marks the tensors made inside as "inference tensors" (which autograd later
    refuses to save); tinytorch has no such tensors: what is made inside is an ordinary
    tensor without history, as under ``no_grad``.
    """

    def __init__(self, mode=True):
        self.mode_on = bool(mode)

    def __enter__(self):
        self._prev = STATE.enabled, STATE.inference
        if self.mode_on:
            STATE.enabled, STATE.inference = False, True

    def __exit__(self, *exc):
        STATE.enabled, STATE.inference = self._prev
        return False

    def __call__(self, fn):
        mode = self.mode_on

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with inference_mode(mode):
                return fn(*args, **kwargs)
        return wrapper

    def __repr__(self):
        return f"inference_mode(mode={self.mode_on})"
