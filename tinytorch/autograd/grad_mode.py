"""Switching gradient recording on and off: no_grad, enable_grad, set_grad_enabled,
inference_mode.

Every switch is per thread, as in torch: a thread evaluating under ``no_grad`` does not stop
another thread's training loop from recording its graph.
"""
import functools
import threading


# One entry per switch, over all threads, that is away from its default right now (appended
# by the thread that moves it away, popped when it moves back: both atomic).  While the list
# is empty every thread has the defaults, so the per-op path (Function.apply) skips the
# thread-local lookup, which costs about 8x an ordinary attribute read (benchmarks/ops.py
# chain: about 2,000 of 30,000 CPU instructions per op in forward).  Only a thread's own
# writes move its switches, so a thread always sees a list that covers its own state.
SWITCHED = []


class _State(threading.local):
    """The autograd switches of the current thread (``threading.local``: each thread sees
    its own copy, which ``__init__`` fills with the defaults on the thread's first use).
    ``enabled``, ``inference``, ``anomaly`` and ``graph_backward`` are set through ``switch``,
    which keeps SWITCHED up to date (``tracer`` is always read directly)."""

    def __init__(self):
        for name, value in _DEFAULTS.items():
            setattr(self, name, value)


# each switch's default: recording on, not inside inference_mode(), anomaly mode off, no
# tracer, no create_graph backward running (graph_backward counts them)
_DEFAULTS = {"enabled": True, "inference": False, "anomaly": False, "tracer": None,
             "graph_backward": 0}


def switch(name, value):
    """Set this thread's switch ``name`` to ``value``; return the value it had."""
    old = getattr(STATE, name)
    default = _DEFAULTS[name]
    if value != default and old == default:
        SWITCHED.append(name)  # counted before it takes effect...
    setattr(STATE, name, value)
    if value == default and old != default:
        SWITCHED.pop()  # ...and uncounted after
    return old


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
        self._prev = switch("enabled", self.mode)

    def __exit__(self, *exc):
        switch("enabled", self._prev)
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
        self.mode = bool(mode)
        self._prev = switch("enabled", self.mode)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        switch("enabled", self._prev)
        return False

    def __call__(self, fn):
        switch("enabled", self._prev)
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
            switch("enabled", False)
            switch("inference", True)

    def __exit__(self, *exc):
        switch("enabled", self._prev[0])
        switch("inference", self._prev[1])
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
