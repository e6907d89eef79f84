"""Autograd's contracts at its entry points, as torch enforces them.

* grad mode (no_grad, set_grad_enabled, inference_mode) and anomaly mode are per thread;
* a gradient is checked where it enters: a hook's result, an assignment to ``.grad``, what a
  custom Function's backward returns -- the error names the culprit at the point of the
  mistake, in torch's words;
* hooks run with grad mode off (unless create_graph), so a backward inside one raises.
"""
import sys
import threading

import numpy as np
import pytest

import tinytorch
from tinytorch.autograd import Function


# --- thread-local modes --------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["no_grad", "inference_mode", "set_grad_enabled"])
def test_a_thread_under_no_grad_does_not_stop_another_threads_graphs(mode):
    """One thread trains (each step must record its graph) while another evaluates under
    ``mode``; the interpreter switches threads as often as it can."""
    steps = 3000
    w = tinytorch.ones(4, requires_grad=True)
    x = tinytorch.ones(4)
    stop = threading.Event()
    eval_recorded = []

    def evaluate():
        while not stop.is_set():
            if mode == "set_grad_enabled":
                tinytorch.set_grad_enabled(False)
                y = w * x
                tinytorch.set_grad_enabled(True)
                tinytorch.set_grad_enabled(False)
            else:
                with getattr(tinytorch, mode)():
                    y = w * x
            eval_recorded.append(y.requires_grad)

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    other = threading.Thread(target=evaluate)
    other.start()
    lost = 0
    try:
        for _ in range(steps):
            loss = (w * x).sum()
            lost += loss.grad_fn is None
    finally:
        stop.set()
        other.join()
        sys.setswitchinterval(old)
    assert lost == 0
    assert eval_recorded and not any(eval_recorded)  # and the evaluating thread recorded none
    assert tinytorch.is_grad_enabled()


def test_each_thread_starts_with_the_default_modes():
    seen = {}

    def probe():
        seen["grad"] = tinytorch.is_grad_enabled()
        seen["inference"] = tinytorch.is_inference_mode_enabled()
        seen["anomaly"] = tinytorch.is_anomaly_enabled() \
            if hasattr(tinytorch, "is_anomaly_enabled") else \
            tinytorch.autograd.grad_mode.STATE.anomaly

    with tinytorch.no_grad(), tinytorch.inference_mode(), \
            tinytorch.autograd.detect_anomaly():
        t = threading.Thread(target=probe)
        t.start()
        t.join()
    assert seen == {"grad": True, "inference": False, "anomaly": False}


def test_inference_mode_as_context_decorator_and_off_switch():
    w = tinytorch.ones(2, requires_grad=True)
    with tinytorch.inference_mode():
        assert not tinytorch.is_grad_enabled() and tinytorch.is_inference_mode_enabled()
        assert not (w * 2).requires_grad
    assert tinytorch.is_grad_enabled() and not tinytorch.is_inference_mode_enabled()
    with tinytorch.inference_mode(False):
        assert (w * 2).requires_grad

    @tinytorch.inference_mode()
    def f():
        return w * 2
    assert not f().requires_grad
    assert (w * 2).requires_grad


# --- hooks -----------------------------------------------------------------------------------
HOOK_CASES = {  # what the hook returns -> (error type, message start)
    "wrong size": (lambda g, L: L.ones(5), RuntimeError, "hook 'hook' has changed the size"),
    "size 1": (lambda g, L: L.ones(1), RuntimeError, "hook 'hook' has changed the size"),
    "double": (lambda g, L: g.double(), RuntimeError,
               "hook 'hook' has changed the type of value (was torch.FloatTensor got "
               "torch.DoubleTensor)"),
    "long": (lambda g, L: g.long(), RuntimeError, "hook 'hook' has changed the type"),
    "float": (lambda g, L: 2.0, TypeError, "expected Variable, but hook returned 'float'"),
    "ndarray": (lambda g, L: np.ones(3, np.float32), TypeError,
                "expected Variable, but hook returned 'numpy.ndarray'"),
}


def _run_hook(L, make, leaf):
    x = L.ones(3, requires_grad=True)
    t = x if leaf else x * 1

    def hook(g):
        return make(g, L)
    t.register_hook(hook)
    (t * 2).sum().backward()
    return x


@pytest.mark.parametrize("leaf", [True, False], ids=["leaf", "non-leaf"])
@pytest.mark.parametrize("case", list(HOOK_CASES))
def test_a_hook_that_changes_the_gradient_is_blamed(case, leaf):
    make, err, msg = HOOK_CASES[case]
    with pytest.raises(err) as info:
        _run_hook(tinytorch, make, leaf)
    assert str(info.value).startswith(msg)
    assert "MulBackward0" not in str(info.value)  # the hook is named, not the next op


@pytest.mark.parametrize("leaf", [True, False], ids=["leaf", "non-leaf"])
@pytest.mark.parametrize("case", list(HOOK_CASES))
def test_hook_errors_match_torch(case, leaf):
    torch = pytest.importorskip("torch")
    make, err, msg = HOOK_CASES[case]
    with pytest.raises(Exception) as theirs:
        _run_hook(torch, make, leaf)
    with pytest.raises(Exception) as ours:
        _run_hook(tinytorch, make, leaf)
    assert type(ours.value) is type(theirs.value)
    assert str(ours.value).split("(")[0] == str(theirs.value).split("(")[0]


def test_a_hook_returning_a_good_replacement_is_used():
    x = _run_hook(tinytorch, lambda g, L: g * 10, leaf=True)
    np.testing.assert_array_equal(x.grad.numpy(), [20, 20, 20])
    x = _run_hook(tinytorch, lambda g, L: g * 10, leaf=False)
    np.testing.assert_array_equal(x.grad.numpy(), [20, 20, 20])


@pytest.mark.parametrize("leaf", [True, False], ids=["leaf", "non-leaf"])
def test_hooks_run_with_grad_mode_off_so_backward_inside_raises(leaf):
    seen = []

    def hook(g):
        seen.append(tinytorch.is_grad_enabled())
        y = tinytorch.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError, match="does not require grad"):
            (y * 2).sum().backward()

    x = tinytorch.ones(3, requires_grad=True)
    t = x if leaf else x * 1
    t.register_hook(hook)
    (t * 2).sum().backward()
    assert seen == [False]


def test_hooks_run_with_grad_mode_on_under_create_graph():
    seen = []
    x = tinytorch.ones(3, requires_grad=True)
    (x * 1).register_hook(lambda g: seen.append(tinytorch.is_grad_enabled()))
    y = x * 1
    y.register_hook(lambda g: seen.append(tinytorch.is_grad_enabled()))
    (y * y).sum().backward(create_graph=True)
    assert seen == [True]


# --- .grad assignment ------------------------------------------------------------------------
GRAD_CASES = {  # value assigned to the .grad of a float32 tensor of shape (3,)
    "size 1": (lambda L: L.ones(1), RuntimeError,
               "attempting to assign a gradient of size '[1]' to a tensor of size '[3]'"),
    "size 2x3": (lambda L: L.ones(2, 3), RuntimeError,
                 "attempting to assign a gradient of size '[2, 3]'"),
    "double": (lambda L: L.ones(3, dtype=L.float64), RuntimeError,
               "attempting to assign a gradient with dtype 'double' to a tensor with "
               "grad_dtype 'Float'"),
    "long": (lambda L: L.ones(3, dtype=L.int64), RuntimeError,
             "attempting to assign a gradient with dtype 'long int'"),
    "half": (lambda L: L.ones(3, dtype=L.float16), RuntimeError,
             "attempting to assign a gradient with dtype 'c10::Half'"),
    "ndarray": (lambda L: np.ones(3, np.float32), TypeError,
                "assigned grad expected to be a Tensor or None but got grad of type "
                "numpy.ndarray"),
    "float": (lambda L: 1.0, TypeError,
              "assigned grad expected to be a Tensor or None but got grad of type float"),
    "list": (lambda L: [1.0, 1.0, 1.0], TypeError, "assigned grad expected to be a Tensor"),
}


def _assign(L, make):
    p = L.nn.Parameter(L.ones(3))
    p.grad = make(L)
    return p


@pytest.mark.parametrize("case", list(GRAD_CASES))
def test_assigning_a_wrong_grad_raises_at_the_assignment(case):
    make, err, msg = GRAD_CASES[case]
    with pytest.raises(err) as info:
        _assign(tinytorch, make)
    assert str(info.value).startswith(msg)


@pytest.mark.parametrize("case", list(GRAD_CASES))
def test_grad_assignment_errors_match_torch(case):
    torch = pytest.importorskip("torch")
    make = GRAD_CASES[case][0]
    with pytest.raises(Exception) as theirs:
        _assign(torch, make)
    with pytest.raises(Exception) as ours:
        _assign(tinytorch, make)
    assert type(ours.value) is type(theirs.value)
    assert str(theirs.value).startswith(str(ours.value).split(". ")[0])


def test_assigning_a_tensor_as_its_own_grad_raises():
    p = tinytorch.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="can't assign Variable as its own grad"):
        p.grad = p


def test_a_wrong_grad_never_reaches_the_optimizer():
    p = tinytorch.nn.Parameter(tinytorch.ones(3))
    opt = tinytorch.optim.Adam([p])
    with pytest.raises(RuntimeError, match="size"):
        p.grad = tinytorch.ones(1)
    assert p.grad is None
    opt.step()  # nothing to do: no gradient
    np.testing.assert_array_equal(p.detach().numpy(), [1, 1, 1])


def test_good_grad_assignments_are_kept():
    p = tinytorch.ones(3, requires_grad=True)
    g = tinytorch.full((3,), 2.0)
    p.grad = g
    assert p.grad is g
    p.grad = None
    assert p.grad is None
    q = tinytorch.ones(3, dtype=tinytorch.int64)  # torch allows a grad on an int tensor
    q.grad = tinytorch.ones(3, dtype=tinytorch.int64)
    assert q.grad.dtype == tinytorch.int64


# --- what a custom Function's backward returns ---------------------------------------------
def _custom(L, backward, second=2.0):
    class F(L.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return backward(g, L)

    x = L.ones(3, requires_grad=True)
    F.apply(x, second).sum().backward()
    return x


CUSTOM_CASES = {
    "gradient for a number input": (lambda g, L: (g, g), 2.0,
                                    "function FBackward returned a gradient different than "
                                    "None at position 2, but the corresponding forward input "
                                    "was not a Variable"),
    "a float": (lambda g, L: (1.0, None), 2.0, "expected Variable or None (got float)"),
    "an ndarray": (lambda g, L: (np.ones(3, np.float32), None), 2.0,
                   "expected Variable or None (got numpy.ndarray)"),
    "too few": (lambda g, L: (g,) if False else g, 2.0,
                "function FBackward returned an incorrect number of gradients (expected 2, "
                "got 1)"),
}


@pytest.mark.parametrize("case", list(CUSTOM_CASES))
def test_custom_function_backward_results_are_checked(case):
    backward, second, msg = CUSTOM_CASES[case]
    with pytest.raises(RuntimeError) as info:
        _custom(tinytorch, backward, second)
    assert str(info.value) == msg


@pytest.mark.parametrize("case", list(CUSTOM_CASES))
def test_custom_function_backward_errors_match_torch(case):
    torch = pytest.importorskip("torch")
    backward, second, _ = CUSTOM_CASES[case]
    with pytest.raises(Exception) as theirs:
        _custom(torch, backward, second)
    with pytest.raises(Exception) as ours:
        _custom(tinytorch, backward, second)
    assert type(ours.value) is type(theirs.value)
    assert str(ours.value) == str(theirs.value)


def test_custom_function_may_return_grads_for_tensors_that_need_none():
    x = _custom(tinytorch, lambda g, L: (g, L.ones(3)), second=tinytorch.ones(3))
    np.testing.assert_array_equal(x.grad.numpy(), [1, 1, 1])
    x = _custom(tinytorch, lambda g, L: (g, None, None), second=2.0)  # trailing Nones are fine
    np.testing.assert_array_equal(x.grad.numpy(), [1, 1, 1])


@pytest.mark.parametrize("name, records", [("no_grad", False), ("enable_grad", True),
                                           ("inference_mode", False)])
def test_grad_modes_decorate_bare_as_in_torch(name, records):
    """``@torch.no_grad`` (no parentheses) works in torch 2.x; so it does here."""
    w = tinytorch.ones(2, requires_grad=True)

    @getattr(tinytorch, name)
    def f():
        return w * 2
    assert f.__name__ == "f"
    with tinytorch.no_grad():
        assert f().requires_grad is records
    assert tinytorch.is_grad_enabled()


def test_switch_count_returns_to_zero():
    # Function.apply skips the thread-local read while no switch is away from its default
    # (a thread that ended with a switch on stays counted: only the fast path is lost)
    from tinytorch.autograd.grad_mode import SWITCHED
    base = len(SWITCHED)
    x = tinytorch.ones(2, requires_grad=True)
    with tinytorch.no_grad(), tinytorch.autograd.detect_anomaly():
        assert len(SWITCHED) == base + 2 and not (x * 2).requires_grad
    try:
        with tinytorch.inference_mode():
            raise ValueError
    except ValueError:
        pass
    tinytorch.set_grad_enabled(False)
    tinytorch.set_grad_enabled(True)
    g, = tinytorch.autograd.grad((x ** 3).sum(), x, create_graph=True)
    g.sum().backward()
    done = []
    thread = threading.Thread(target=lambda: done.append((x * 2).requires_grad))
    with tinytorch.no_grad():
        thread.start()
        thread.join()
    assert len(SWITCHED) == base and done == [True] and (x * 2).requires_grad
