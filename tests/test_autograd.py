"""The engine and the autograd API: graph walking, accumulation, retain_grad, backward
errors, custom Functions, autograd.grad, grad modes, gradcheck, detect_anomaly and the
in-place/version-counter guards."""
import sys

import numpy as np
import pytest

import tinytorch
from tinytorch.autograd import Function, gradcheck


def leaf(values, dtype=tinytorch.float32):
    return tinytorch.tensor(values, dtype=dtype, requires_grad=True)


# --- the engine ------------------------------------------------------------------------

def test_long_chain_has_no_recursion_error():
    n = 100_000
    assert n > 10 * sys.getrecursionlimit()
    x = leaf(1.0)
    y = x
    for _ in range(n):
        y = y * 1.0  # n nodes in a single chain
    y.backward()
    assert x.grad.item() == 1.0
    del y  # tearing the chain down must not recurse either


def test_node_reached_by_several_paths_gets_every_contribution():
    x = leaf(2.0)
    y = 3 * x
    z = y * 2 + y * 5
    z.backward()
    assert x.grad.item() == 21.0


def test_gradients_accumulate_across_backward_calls():
    x = leaf([1.0, 2.0])
    (x * x).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 * np.array([1.0, 2.0]) + 3)
    x.grad = None
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad.data, [3, 3])


def test_leaf_grad_has_leaf_shape_and_dtype():
    for dtype in (tinytorch.float32, tinytorch.float64):
        w = tinytorch.ones(3, 1, dtype=dtype, requires_grad=True)
        b = tinytorch.ones((), dtype=dtype, requires_grad=True)
        (w * tinytorch.ones(2, 3, 4, dtype=dtype) + b).sum().backward()
        assert w.grad.shape == (3, 1) and w.grad.dtype == dtype
        assert b.grad.shape == () and b.grad.dtype == dtype
        assert w.grad.is_leaf and not w.grad.requires_grad


def test_leaf_grad_keeps_dtype_when_graph_promotes():
    w = leaf([1.0, 2.0])  # float32
    (w * tinytorch.tensor([1.0, 1.0], dtype=tinytorch.float64)).sum().backward()
    assert w.grad.dtype == tinytorch.float32


def test_non_leaf_grad_is_none_unless_retained():
    x = leaf([1.0, 2.0])
    y = x * 2
    z = y * y
    z.retain_grad()
    assert z.retains_grad and not y.retains_grad
    z.sum().backward()
    with pytest.warns(UserWarning, match="not a leaf Tensor is being accessed"):
        assert y.grad is None  # as torch, reading it warns
    np.testing.assert_allclose(z.grad.data, [1, 1])
    np.testing.assert_allclose(x.grad.data, 8 * np.array([1.0, 2.0]))


def test_retain_grad_on_leaf_is_a_no_op_and_on_no_grad_tensor_raises():
    x = leaf([1.0])
    x.retain_grad()
    (x * 2).sum().backward()
    assert x.grad.item() == 2
    with pytest.raises(RuntimeError, match="requires_grad=False"):
        tinytorch.ones(1).retain_grad()


def test_backward_with_explicit_gradient():
    x = leaf([1.0, 2.0, 3.0])
    y = x * x
    y.backward(tinytorch.tensor([1.0, 0.0, 2.0]))
    np.testing.assert_allclose(x.grad.data, [2, 0, 12])


def test_backward_on_a_leaf():
    x = leaf([1.0, 2.0])
    x.backward(tinytorch.tensor([3.0, 4.0]))
    np.testing.assert_allclose(x.grad.data, [3, 4])


def test_backward_with_inputs_only_fills_those():
    a, b = leaf(1.0), leaf(2.0)
    (a * b).backward(inputs=[a])
    assert a.grad.item() == 2.0 and b.grad is None


def test_requires_grad_false_parts_get_no_grad_and_skip_work():
    x = leaf([1.0, 2.0])
    c = tinytorch.tensor([3.0, 4.0])
    y = x * c
    assert y.grad_fn.needs_input_grad == (True, False)
    y.sum().backward()
    assert c.grad is None


def test_hooks_see_and_can_replace_gradients():
    x = leaf([1.0, 2.0])
    seen = []
    y = x * 2
    y.register_hook(lambda g: seen.append(g.tolist()))
    x.register_hook(lambda g: g * 10)
    y.sum().backward()
    assert seen == [[1.0, 1.0]]
    np.testing.assert_allclose(x.grad.data, [20, 20])


def test_trace_backward_visits_every_node_once_in_order():
    x = leaf([1.0, 2.0])
    y = (x * 2).exp().sum()
    names = []
    with tinytorch.autograd.trace_backward(lambda node, gin, gout: names.append(node.name())):
        y.backward()
    assert names == ["SumBackward0", "ExpBackward0", "MulBackward0"]


# --- backward errors ---------------------------------------------------------------------

def test_non_scalar_backward_needs_a_gradient():
    y = leaf([1.0, 2.0]) * 2
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar "
                                           "outputs"):
        y.backward()


def test_gradient_of_wrong_shape_is_refused():
    y = leaf([1.0, 2.0]) * 2
    with pytest.raises(RuntimeError, match=r"Mismatch in shape.*\[3\].*\[2\]"):
        y.backward(tinytorch.ones(3))


def test_second_backward_through_freed_graph_mentions_retain_graph():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match=r"retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.data, [4, 8])


def test_scalar_saved_graph_is_freed_too():
    # (q * 2) saves the Python scalar 2 for its backward: freed like torch frees it
    q = leaf([1.0, 1.0])
    y = (q * 2).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_graph_without_saved_values_can_be_walked_twice():
    q = leaf([1.0, 1.0])
    y = (q + q).sum()
    y.backward()
    y.backward()
    np.testing.assert_allclose(q.grad.data, [4, 4])


def test_backward_on_tensor_that_needs_no_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        tinytorch.ones(2).sum().backward()
    with pytest.raises(RuntimeError, match="does not require grad"):
        with tinytorch.no_grad():
            y = leaf([1.0]) * 2
        y.sum().backward()


def test_integer_tensors_cannot_require_grad():
    for make in (lambda: tinytorch.tensor([1, 2], requires_grad=True),
                 lambda: tinytorch.tensor([1, 2]).requires_grad_(),
                 lambda: tinytorch.zeros(2, dtype=tinytorch.int64, requires_grad=True),
                 lambda: tinytorch.tensor([True], requires_grad=True)):
        with pytest.raises(RuntimeError, match="only floating point tensors can require "
                                               "gradients"):
            make()


def test_requires_grad_of_a_non_leaf_cannot_be_turned_off():
    y = leaf([1.0]) * 2
    with pytest.raises(RuntimeError, match="leaf"):
        y.requires_grad = False


def test_numpy_of_a_tensor_that_requires_grad_raises():
    with pytest.raises(RuntimeError, match="detach"):
        leaf([1.0]).numpy()


# --- custom Functions ---------------------------------------------------------------------

class Cube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3 * x ** 2  # d/dx x³ = 3x²


class MulAdd(Function):
    """Two outputs, a non-tensor argument and a record of needs_input_grad."""

    seen = []

    @staticmethod
    def forward(ctx, a, b, k):
        MulAdd.seen.append(ctx.needs_input_grad)
        ctx.save_for_backward(a, b)
        ctx.k = k
        return a * b, a + b * k

    @staticmethod
    def backward(ctx, g_prod, g_sum):
        a, b = ctx.saved_tensors
        ga = g_prod * b + g_sum if ctx.needs_input_grad[0] else None
        gb = g_prod * a + g_sum * ctx.k if ctx.needs_input_grad[1] else None
        return ga, gb, None


def test_custom_function_forward_backward_and_node_name():
    x = leaf([1.0, -2.0], tinytorch.float64)
    y = Cube.apply(x)
    assert type(y.grad_fn).__name__ == "CubeBackward" and not y.is_leaf
    np.testing.assert_allclose(y.data, [1, -8])
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, [3, 12])
    assert gradcheck(Cube.apply, (leaf([0.5, -1.5], tinytorch.float64),))


def test_custom_function_multiple_outputs_and_needs_input_grad():
    MulAdd.seen.clear()
    a = leaf([1.0, 4.0], tinytorch.float64)
    b = tinytorch.tensor([2.0, 3.0], dtype=tinytorch.float64)
    p, s = MulAdd.apply(a, b, 3.0)
    assert MulAdd.seen == [(True, False, False)]
    assert p.grad_fn is s.grad_fn
    p.sum().backward()  # s gets no gradient: backward receives zeros for it
    np.testing.assert_allclose(a.grad.data, b.data)
    b.requires_grad_()
    assert gradcheck(lambda u, v: MulAdd.apply(u, v, 3.0), (a, b))


def test_custom_function_inside_no_grad_records_nothing():
    x = leaf([1.0])
    with tinytorch.no_grad():
        y = Cube.apply(x)
    assert y.grad_fn is None and not y.requires_grad


def test_custom_function_returning_wrong_shape_is_named():
    class Bad(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return tinytorch.ones(3)

    with pytest.raises(RuntimeError, match=r"BadBackward.*invalid gradient.*\[3\].*\[2\]"):
        Bad.apply(leaf([1.0, 2.0])).sum().backward()


def test_custom_function_returning_wrong_number_of_grads():
    class Few(Function):
        @staticmethod
        def forward(ctx, a, b):
            return a * b

        @staticmethod
        def backward(ctx, g):
            return g

    with pytest.raises(RuntimeError, match=r"FewBackward.*incorrect number of gradients "
                                           r"\(expected 2, got 1\)"):
        Few.apply(leaf([1.0]), leaf([2.0])).sum().backward()


def test_custom_function_broadcast_gradient_is_reduced_by_the_engine():
    class AddBias(Function):
        @staticmethod
        def forward(ctx, x, b):
            return x + b

        @staticmethod
        def backward(ctx, g):
            return g, g  # g has x's shape; the engine sums it to b's shape

    x, b = leaf(np.ones((3, 2))), leaf([1.0, 2.0])
    AddBias.apply(x, b).sum().backward()
    np.testing.assert_allclose(b.grad.data, [3, 3])


def test_mark_non_differentiable_and_materialize_grads():
    class SortLike(Function):
        @staticmethod
        def forward(ctx, x):
            idx = tinytorch.tensor(np.argsort(x.data))
            ctx.mark_non_differentiable(idx)
            ctx.set_materialize_grads(False)
            ctx.save_for_backward(idx)
            return x[idx], idx

        @staticmethod
        def backward(ctx, g, g_idx):
            assert g_idx is None  # not materialised as zeros
            (idx,) = ctx.saved_tensors
            out = tinytorch.zeros(g.shape, dtype=g.dtype)
            out[idx] = g
            return out

    x = leaf([3.0, 1.0, 2.0])
    values, idx = SortLike.apply(x)
    assert not idx.requires_grad and values.requires_grad
    (values * tinytorch.tensor([1.0, 2.0, 3.0])).sum().backward()
    np.testing.assert_allclose(x.grad.data, [3, 1, 2])


def test_functions_are_not_instantiated():
    with pytest.raises(RuntimeError, match="apply"):
        Cube()


# --- autograd.grad ---------------------------------------------------------------------

def test_autograd_grad_returns_without_touching_dot_grad():
    x, y = leaf(3.0), leaf(4.0)
    z = x * x * y
    gx, gy = tinytorch.autograd.grad(z, [x, y])
    assert gx.item() == 24.0 and gy.item() == 9.0
    assert x.grad is None and y.grad is None
    (g,) = tinytorch.autograd.grad(x * x, x)
    assert g.item() == 6.0


def test_autograd_grad_with_grad_outputs_and_retain_graph():
    x = leaf([1.0, 2.0])
    y = x * x
    (g,) = tinytorch.autograd.grad(y, x, grad_outputs=tinytorch.tensor([1.0, 10.0]),
                                   retain_graph=True)
    np.testing.assert_allclose(g.data, [2, 40])
    (g,) = tinytorch.autograd.grad(y.sum(), x)
    np.testing.assert_allclose(g.data, [2, 4])
    with pytest.raises(RuntimeError, match="retain_graph"):
        tinytorch.autograd.grad(y.sum(), x)


def test_autograd_grad_allow_unused():
    x, unused = leaf(1.0), leaf(2.0)
    y = x * 2
    with pytest.raises(RuntimeError, match="allow_unused=True"):
        tinytorch.autograd.grad(y, [x, unused], retain_graph=True)
    gx, gu = tinytorch.autograd.grad(y, [x, unused], allow_unused=True, retain_graph=True)
    assert gx.item() == 2.0 and gu is None
    gx, gu = tinytorch.autograd.grad(y, [x, unused], materialize_grads=True)
    assert gu.item() == 0.0


def test_autograd_grad_on_intermediate_and_errors():
    x = leaf([1.0, 2.0])
    h = x * 3
    y = (h * h).sum()
    (gh,) = tinytorch.autograd.grad(y, h)
    np.testing.assert_allclose(gh.data, 2 * h.data)
    with pytest.raises(RuntimeError, match="does not require grad"):
        tinytorch.autograd.grad(y, tinytorch.ones(2))
    with pytest.raises(RuntimeError, match="scalar outputs"):
        tinytorch.autograd.grad(x * 2, x)


def test_autograd_backward_function():
    x = leaf([1.0, 2.0])
    tinytorch.autograd.backward([(x * 2).sum(), (x * x).sum()])
    np.testing.assert_allclose(x.grad.data, [4, 6])


# --- grad modes --------------------------------------------------------------------------

def test_no_grad_records_nothing_and_is_reentrant():
    x = leaf([1.0])
    assert tinytorch.is_grad_enabled()
    with tinytorch.no_grad():
        assert not tinytorch.is_grad_enabled()
        with tinytorch.no_grad():
            pass
        assert not tinytorch.is_grad_enabled()  # leaving the inner block keeps it off
        y = x * 2
        with tinytorch.enable_grad():
            assert tinytorch.is_grad_enabled()
            z = x * 2
        assert not tinytorch.is_grad_enabled()
    assert tinytorch.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad and z.grad_fn is not None


def test_no_grad_restores_mode_after_an_exception():
    with pytest.raises(ValueError):
        with tinytorch.no_grad():
            raise ValueError
    assert tinytorch.is_grad_enabled()


def test_no_grad_and_enable_grad_as_decorators():
    x = leaf([1.0])

    @tinytorch.no_grad()
    def f():
        return x * 2

    @tinytorch.enable_grad()
    def g():
        return x * 2

    assert not f().requires_grad
    assert tinytorch.is_grad_enabled()
    with tinytorch.no_grad():
        assert g().requires_grad
        assert not tinytorch.is_grad_enabled()


def test_set_grad_enabled_as_call_context_and_decorator():
    x = leaf([1.0])
    with tinytorch.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert tinytorch.is_grad_enabled()
    tinytorch.set_grad_enabled(False)
    try:
        assert not tinytorch.is_grad_enabled()
    finally:
        tinytorch.set_grad_enabled(True)
    assert tinytorch.is_grad_enabled()

    @tinytorch.set_grad_enabled(False)
    def f():
        return x * 2
    assert tinytorch.is_grad_enabled()  # decorating does not switch the mode
    assert not f().requires_grad
    assert tinytorch.is_grad_enabled()


# --- gradcheck -------------------------------------------------------------------------

def test_gradcheck_passes_and_checks_float64():
    x = leaf(np.random.default_rng(0).standard_normal((2, 3)))  # float32 input is upcast
    assert gradcheck(lambda t: (t * t).sum(1), (x,))


def test_gradcheck_failure_names_input_element_and_both_values():
    class Wrong(Function):
        @staticmethod
        def forward(ctx, x):
            return x * x

        @staticmethod
        def backward(ctx, g):
            return g * 3  # wrong: should be 2x

    x = leaf([1.0, 2.0], tinytorch.float64)
    with pytest.raises(RuntimeError) as info:
        gradcheck(Wrong.apply, (x,))
    msg = str(info.value)
    assert "input 0" in msg and "element (0,)" in msg
    assert "analytical: 3.0" in msg and "numerical:" in msg and "2.0000" in msg
    assert gradcheck(Wrong.apply, (x,), raise_exception=False) is False


def test_gradcheck_needs_an_input_that_requires_grad():
    with pytest.raises(ValueError, match="require"):
        gradcheck(lambda t: t * 2, (tinytorch.ones(2, dtype=tinytorch.float64),))


# --- detect_anomaly ------------------------------------------------------------------------

def test_detect_anomaly_names_the_op_and_where_its_forward_ran():
    x = leaf([1.0, 4.0])
    with tinytorch.autograd.detect_anomaly():
        y = (x - 1).sqrt()  # the forward line the message must point to
        with pytest.raises(RuntimeError) as info:
            y.sum().backward()
    msg = str(info.value)
    assert "SqrtBackward0" in msg and ("inf" in msg or "nan" in msg)
    assert __file__ in msg and "(x - 1).sqrt()" in msg


def test_without_detect_anomaly_nan_gradients_pass_silently():
    x = leaf([0.0])
    x.sqrt().sum().backward()
    assert np.isinf(x.grad.data).all()


def test_detect_anomaly_as_decorator():
    x = leaf([0.0])  # d/dx log x = 1/x is inf at 0

    @tinytorch.autograd.detect_anomaly()
    def run():
        x.log().sum().backward()

    with pytest.raises(RuntimeError, match="LogBackward0"):
        run()


# --- in-place operations and version counters -------------------------------------------

def test_in_place_on_a_leaf_that_requires_grad_raises():
    for op in (lambda x: x.add_(1), lambda x: x.mul_(2), lambda x: x.sub_(1),
               lambda x: x.div_(2), lambda x: x.zero_(), lambda x: x.fill_(1),
               lambda x: x.copy_(tinytorch.ones(2)), lambda x: x.clamp_(0, 1),
               lambda x: x.__setitem__(0, 5.0)):
        x = leaf([1.0, 2.0])
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            op(x)


def test_in_place_on_a_leaf_is_fine_under_no_grad():
    x = leaf([1.0, 2.0])
    v = x._version
    with tinytorch.no_grad():
        x.add_(1)
        x.mul_(2)
        x[0] = 0.0
    np.testing.assert_allclose(x.data, [0, 6])
    assert x._version == v + 3 and x.is_leaf and x.requires_grad


def test_in_place_ops_compute_the_right_values():
    t = tinytorch.tensor([1.0, -2.0, 3.0])
    t.add_(1).mul_(2).sub_(tinytorch.tensor([1.0, 1.0, 1.0]), alpha=2).div_(2)
    np.testing.assert_allclose(t.data, [1, -2, 3])
    t.clamp_(-1, 2)
    np.testing.assert_allclose(t.data, [1, -1, 2])
    t.copy_(tinytorch.tensor(7.0))
    np.testing.assert_allclose(t.data, [7, 7, 7])
    t.zero_()
    assert t.data.sum() == 0
    i = tinytorch.tensor([1, 2])
    i += 1
    assert i.tolist() == [2, 3] and i.dtype == tinytorch.int64


def test_in_place_result_that_cannot_be_cast_raises():
    i = tinytorch.tensor([1, 2])
    with pytest.raises(RuntimeError, match="can't be cast"):
        i.mul_(1.5)
    with pytest.raises(RuntimeError, match="shape"):
        tinytorch.ones(2).add_(tinytorch.ones(3, 2))


def test_version_counter_counts_in_place_changes_and_is_shared_by_views():
    x = tinytorch.ones(4)
    v = x.view(2, 2)
    assert x._version == 0
    x.add_(1)
    v.mul_(2)
    assert x._version == 2 and v._version == 2
    np.testing.assert_allclose(x.data, [4, 4, 4, 4])


def test_modifying_a_saved_tensor_raises_at_backward_naming_it():
    x = leaf([1.0, 2.0])
    y = x.exp()  # saves its output
    z = y.sum()
    y.add_(1)
    with pytest.raises(RuntimeError) as info:
        z.backward()
    msg = str(info.value)
    assert "modified by an inplace operation" in msg
    assert "[2]" in msg and "ExpBackward0" in msg and "version 1" in msg


def test_modifying_a_saved_input_through_a_view_raises():
    x = leaf([1.0, 2.0])
    a = x * 1
    c = a[0] * a[0]
    a.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        c.backward()


def test_in_place_on_unsaved_tensor_keeps_correct_gradients():
    x = leaf([1.0, 2.0])
    a = x * 1
    b = a + a  # add saves nothing
    a.mul_(3)  # a = 3x now, and its graph says so
    (a * b).sum().backward()
    np.testing.assert_allclose(x.grad.data, 12 * x.data)  # d/dx (3x · 2x) = 12x


def test_in_place_op_takes_over_the_grad_fn():
    x = leaf([1.0, 2.0])
    a = x * 1
    a.add_(x)
    assert type(a.grad_fn).__name__ == "AddBackward0" and a._version == 1
    a.sum().backward()
    np.testing.assert_allclose(x.grad.data, [2, 2])


def test_setitem_gradients():
    w = leaf([1.0, 2.0, 3.0])
    v = leaf(5.0)
    a = tinytorch.zeros(3)
    a[1:] = w[:2] * 2
    a[0] = v
    assert type(a.grad_fn).__name__ == "IndexPutBackward0"
    (a * tinytorch.tensor([1.0, 2.0, 3.0])).sum().backward()
    np.testing.assert_allclose(w.grad.data, [4, 6, 0])
    assert v.grad.item() == 1.0


def test_setitem_overwritten_values_get_no_gradient():
    x = leaf([1.0, 2.0, 3.0])
    y = x * 2
    y[tinytorch.tensor([True, False, True])] = 0.0
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, [0, 2, 0])


def test_setitem_with_index_tensor_and_broadcast_value():
    x = tinytorch.zeros(3, 2)
    x[tinytorch.tensor([0, 2])] = tinytorch.tensor([1.0, 2.0])
    np.testing.assert_allclose(x.data, [[1, 2], [0, 0], [1, 2]])
    x[1] = 7
    np.testing.assert_allclose(x.data[1], [7, 7])


# --- in-place operations on views ----------------------------------------------------------

def test_views_share_memory_with_their_base():
    t = tinytorch.zeros(2, 3)
    t[0].fill_(5.0)  # an int index gives a view, also of a single element
    t[1, 2].add_(1.0)
    t.t()[0].sub_(1.0)
    t.view(6)[4].mul_(0.0)
    np.testing.assert_array_equal(t.data, [[4, 5, 5], [-1, 0, 1]])
    a, b = t.split(1)
    b.zero_()
    assert t.data[1].sum() == 0 and t._version == 5


def test_in_place_on_a_view_rewrites_the_base_history():
    x = leaf([1.0, 2.0])
    a = x * 1
    a[0].mul_(3)  # a = [3 x0, x1]
    assert type(a.grad_fn).__name__ == "CopySlices"
    a.sum().backward()
    np.testing.assert_allclose(x.grad.data, [3, 1])


def test_in_place_on_a_view_of_a_no_grad_tensor_connects_it_to_the_graph():
    w = leaf([1.0, 2.0])
    b = tinytorch.zeros(3)
    b[1:].copy_(w * 2)
    assert b.requires_grad and not b.is_leaf
    (b * tinytorch.tensor([1.0, 2.0, 3.0])).sum().backward()
    np.testing.assert_allclose(w.grad.data, [4, 6])


def test_views_see_in_place_changes_of_their_base_and_siblings():
    x = leaf([1.0, 2.0, 3.0, 4.0])
    a = x * 1
    r = a.view(2, 2)
    r.t()[0].add_(10)  # through a sibling view
    a.mul_(2)  # through the base
    np.testing.assert_allclose(r.data, [[22, 4], [26, 8]])
    (r * tinytorch.arange(4.0).view(2, 2)).sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 * np.arange(4.0))


def test_in_place_on_a_view_of_a_leaf_raises_outside_no_grad():
    for op in (lambda x: x[0].add_(1), lambda x: x.view(2).mul_(2),
               lambda x: x[:1].__setitem__(0, 3.0), lambda x: x.unbind()[1].zero_()):
        x = leaf([1.0, 2.0])
        with pytest.raises(RuntimeError, match="view of a leaf Variable that requires grad"):
            op(x)
    x = leaf([1.0, 2.0])
    with tinytorch.no_grad():
        x[0].add_(1)
    np.testing.assert_allclose(x.data, [2, 2])


def test_reshape_that_copies_is_not_a_view():
    t = tinytorch.arange(6.0).reshape(2, 3).t()
    flat = t.reshape(6)  # t is not contiguous: this is a copy
    flat.zero_()
    assert t.data.sum() == 15
