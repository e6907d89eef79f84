"""Every differentiable op against central finite differences (float64), plus the kinks
where a derivative is a convention (relu'(0), |x|'(0), ties in max/min) and dtype rules
for gradients."""
import warnings

import numpy as np
import pytest

import tinytorch
from tinytorch.autograd import gradcheck
from op_cases import CASES


def _leaves(arrays, dtype=tinytorch.float64):
    return [tinytorch.tensor(a, dtype=dtype, requires_grad=True) for a in arrays]


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_gradcheck(case):
    """Full Jacobian by one-hot backward passes vs finite differences, plus a random
    upstream gradient (gradcheck checks that vector-Jacobian product too)."""
    inputs = _leaves(case.arrays())
    assert gradcheck(lambda *xs: case.fn(tinytorch, *xs), inputs, eps=1e-6, atol=1e-5,
                     rtol=1e-3)


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_float32_stays_float32_with_random_upstream_grad(case):
    """float32 inputs give a float32 output and float32 leaf grads of the leaves' shapes
    (Python scalars in the op must not promote to float64)."""
    arrays = case.arrays()
    inputs = _leaves(arrays, tinytorch.float32)
    out = case.fn(tinytorch, *inputs)
    assert out.dtype == tinytorch.float32
    rng = np.random.default_rng(0)
    upstream = rng.standard_normal(out.shape).astype(np.float32)
    out.backward(tinytorch.tensor(upstream))
    for x in inputs:
        if x.grad is None:  # an input the output does not depend on (none in the table)
            continue
        assert x.grad.dtype == tinytorch.float32
        assert x.grad.shape == x.shape
        assert x.grad.is_leaf and not x.grad.requires_grad
    # the float32 gradient agrees with the float64 one
    inputs64 = _leaves(arrays)
    out64 = case.fn(tinytorch, *inputs64)
    out64.backward(tinytorch.tensor(upstream.astype(np.float64)))
    np.testing.assert_allclose(out.data, out64.data, rtol=1e-4, atol=1e-4)
    for x32, x64 in zip(inputs, inputs64):
        if x64.grad is not None:
            np.testing.assert_allclose(x32.grad.data, x64.grad.data, rtol=1e-3, atol=1e-3)


def _grad(fn, values, dtype=tinytorch.float64):
    x = tinytorch.tensor(values, dtype=dtype, requires_grad=True)
    fn(x).sum().backward()
    return x.grad.data


# --- kinks: the derivative torch picks where there is none ----------------------------

def test_relu_grad_at_zero_is_zero():
    np.testing.assert_array_equal(_grad(lambda x: x.relu(), [-1.0, 0.0, 2.0]), [0, 0, 1])


def test_abs_grad_at_zero_is_zero():
    np.testing.assert_array_equal(_grad(lambda x: x.abs(), [-1.0, 0.0, 2.0]), [-1, 0, 1])


def test_sign_grad_is_zero():
    np.testing.assert_array_equal(_grad(lambda x: x.sign(), [-1.0, 0.0, 2.0]), [0, 0, 0])


def test_clamp_grad_is_one_on_the_boundaries():
    g = _grad(lambda x: x.clamp(-1, 1), [-2.0, -1.0, 0.0, 1.0, 2.0])
    np.testing.assert_array_equal(g, [0, 1, 1, 1, 0])


def test_max_dim_ties_send_the_gradient_to_the_returned_index():
    x = tinytorch.tensor([[3.0, 1.0, 3.0], [0.0, 5.0, 5.0]], requires_grad=True)
    values, indices = x.max(1)
    values.sum().backward()
    expected = np.zeros((2, 3))
    expected[np.arange(2), indices.data] = 1
    np.testing.assert_array_equal(x.grad.data, expected)
    assert x.grad.data.sum() == 2  # one index per row, not shared


def test_min_dim_ties_pick_one_index():
    x = tinytorch.tensor([1.0, 0.0, 0.0], requires_grad=True)
    values, indices = x.min(0)
    values.backward()
    assert x.grad.data.sum() == 1 and x.grad.data[indices.item()] == 1


@pytest.mark.parametrize("op", ["max", "amax", "min", "amin"])
def test_full_reduction_ties_share_the_gradient_evenly(op):
    vals = [1.0, 3.0, 3.0, 2.0] if op in ("max", "amax") else [2.0, 1.0, 1.0, 3.0]
    g = _grad(lambda x: getattr(x, op)(), vals)
    np.testing.assert_allclose(g, [0, 0.5, 0.5, 0])


def test_amax_over_dim_shares_ties_per_slice():
    x = tinytorch.tensor([[3.0, 3.0, 3.0], [1.0, 5.0, 5.0]], requires_grad=True)
    x.amax(1).sum().backward()
    np.testing.assert_allclose(x.grad.data, [[1 / 3] * 3, [0, 0.5, 0.5]])


def test_maximum_minimum_ties_split_the_gradient():
    a = tinytorch.tensor([1.0, 2.0], requires_grad=True)
    b = tinytorch.tensor([1.0, 3.0], requires_grad=True)
    tinytorch.maximum(a, b).sum().backward()
    np.testing.assert_allclose(a.grad.data, [0.5, 0.0])
    np.testing.assert_allclose(b.grad.data, [0.5, 1.0])
    a.grad = b.grad = None
    tinytorch.minimum(a, b).sum().backward()
    np.testing.assert_allclose(a.grad.data, [0.5, 1.0])
    np.testing.assert_allclose(b.grad.data, [0.5, 0.0])


def test_pow_zero_exponent_and_zero_base_conventions():
    # d/dx x**0 = 0 everywhere, also at 0; d/dx x**x at 0 is taken as 0 (torch)
    np.testing.assert_array_equal(_grad(lambda x: x ** 0, [0.0, 2.0]), [0, 0])
    np.testing.assert_array_equal(_grad(lambda x: x ** x, [0.0])[0], 0)
    # d/dx 0**x = 0 for x >= 0
    np.testing.assert_array_equal(_grad(lambda x: 0 ** x, [0.0, 1.0]), [0, 0])


def test_norm_and_std_at_zero_have_zero_grad():
    np.testing.assert_array_equal(_grad(lambda x: x.norm(), [0.0, 0.0]), [0, 0])
    np.testing.assert_array_equal(_grad(lambda x: x.std(), [1.0, 1.0]), [0, 0])


# --- structure: broadcasting, repeats, reuse -----------------------------------------

def test_repeated_indices_accumulate():
    w = tinytorch.tensor(np.arange(6.0).reshape(3, 2), requires_grad=True)
    idx = tinytorch.tensor([2, 0, 2, 2])
    w[idx].sum().backward()
    np.testing.assert_array_equal(w.grad.data, [[1, 1], [0, 0], [3, 3]])


def test_broadcast_grad_is_summed_to_input_shape():
    a = tinytorch.ones(2, 1, 3, requires_grad=True)
    b = tinytorch.ones(4, 1, requires_grad=True)
    (a * b).sum().backward()
    assert a.grad.shape == (2, 1, 3) and b.grad.shape == (4, 1)
    np.testing.assert_array_equal(a.grad.data, np.full((2, 1, 3), 4.0))
    np.testing.assert_array_equal(b.grad.data, np.full((4, 1), 6.0))


def test_zero_dim_with_n_dim():
    s = tinytorch.tensor(2.0, requires_grad=True)
    x = tinytorch.ones(3, 4, requires_grad=True)
    (s * x).sum().backward()
    assert s.grad.shape == () and s.grad.item() == 12.0
    np.testing.assert_array_equal(x.grad.data, np.full((3, 4), 2.0))


def test_reused_node_gets_every_contribution():
    x = tinytorch.tensor(1.0, requires_grad=True)
    y = 3 * x
    (y * 2 + y * 5).backward()
    assert x.grad.item() == 21.0


def test_unused_split_pieces_get_zero_grad():
    x = tinytorch.ones(4, 2, requires_grad=True)
    a, b = x.split(2)
    (a * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[3, 3], [3, 3], [0, 0], [0, 0]])


def test_integer_tensor_through_float_op_is_a_constant():
    w = tinytorch.tensor([1.0, 2.0], requires_grad=True)
    k = tinytorch.tensor([3, 4])
    (w * k).sum().backward()
    np.testing.assert_array_equal(w.grad.data, [3, 4])
    assert w.grad.dtype == tinytorch.float32


# --- numerical stability: large logits, saturated sigmoid ------------------------------

STABLE = {
    "log_softmax": lambda x: x.log_softmax(1),
    "softmax": lambda x: x.softmax(1),
    "logsumexp": lambda x: x.logsumexp(1),
    "logsumexp dim 0": lambda x: x.logsumexp(0),
    "softmax dim 0": lambda x: x.softmax(0),
}


@pytest.mark.parametrize("dtype", [tinytorch.float32, tinytorch.float64])
@pytest.mark.parametrize("name", sorted(STABLE))
def test_softmax_family_is_stable_at_plus_minus_1e4(name, dtype):
    x = tinytorch.tensor([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [1e4, 1e4, 1e4],
                          [1e4, 1e4 - 1, -1e4]], dtype=dtype, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any overflow/invalid warning fails the test
        y = STABLE[name](x)
        y.backward(tinytorch.tensor(np.random.default_rng(0).standard_normal(y.shape),
                                    dtype=dtype))
    assert np.isfinite(y.data).all() and np.isfinite(x.grad.data).all()
    assert y.dtype == dtype and x.grad.dtype == dtype
    # the exact answers: a row [a, a-1, -inf-ish] is a 2-way softmax of [0, -1]
    if name == "log_softmax":
        np.testing.assert_allclose(y.data[0], [0, -2e4, -1e4], rtol=1e-6)
        np.testing.assert_allclose(y.data[3, :2], [-np.log1p(np.exp(-1)),
                                                   -1 - np.log1p(np.exp(-1))], rtol=1e-5)
    if name == "logsumexp":
        np.testing.assert_allclose(y.data, [1e4, -1e4 + np.log(3), 1e4 + np.log(3),
                                            1e4 + np.log1p(np.exp(-1))], rtol=1e-6)


@pytest.mark.parametrize("dtype", [tinytorch.float32, tinytorch.float64])
def test_sigmoid_is_stable_at_plus_minus_1000(dtype):
    x = tinytorch.tensor([-1000.0, -50.0, 0.0, 50.0, 1000.0], dtype=dtype,
                         requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = x.sigmoid()
        y.sum().backward()
    assert np.isfinite(y.data).all() and np.isfinite(x.grad.data).all()
    np.testing.assert_allclose(y.data[[0, 2, 4]], [0, 0.5, 1])
    np.testing.assert_allclose(x.grad.data[[0, 2, 4]], [0, 0.25, 0])
    assert y.dtype == dtype and x.grad.dtype == dtype


def test_exp_overflow_and_division_by_zero_do_not_warn():
    # torch gives inf quietly: so does tinytorch
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isinf(tinytorch.tensor([1000.0]).exp().data).all()
        assert np.isinf((tinytorch.tensor([1.0]) / 0).data).all()
        assert np.isnan((tinytorch.tensor([0.0]) / 0).data).all()
        x = tinytorch.tensor([0.0], requires_grad=True)
        x.sqrt().sum().backward()
        assert np.isinf(x.grad.data).all()
