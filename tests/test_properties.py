"""Property-based tests (hypothesis): random broadcastable shapes, random reduction dims,
random indices -- values checked against numpy, gradients against finite differences."""
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinytorch
from tinytorch.autograd import gradcheck


def _leaf(arr):
    return tinytorch.tensor(arr, dtype=tinytorch.float64, requires_grad=True)


def _array(draw, shape, lo=-2.0, hi=2.0):
    return draw(hnp.arrays(np.float64, shape,
                           elements=st.floats(lo, hi, allow_nan=False, width=64)))


BINARY = {
    "add": (lambda a, b: a + b, np.add),
    "sub": (lambda a, b: a - b, np.subtract),
    "mul": (lambda a, b: a * b, np.multiply),
    "div": (lambda a, b: a / b, np.divide),
    "maximum": (tinytorch.maximum, np.maximum),
    "minimum": (tinytorch.minimum, np.minimum),
}


@st.composite
def broadcast_pair(draw):
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3,
                                                    max_side=3))
    a, b = shapes.input_shapes
    return _array(draw, a), _array(draw, b, 0.5, 2.0)  # b positive: safe to divide by


@pytest.mark.parametrize("op", sorted(BINARY))
@given(pair=broadcast_pair())
def test_binary_ops_broadcast_like_numpy_and_pass_gradcheck(op, pair):
    ours, ref = BINARY[op]
    a, b = pair
    if op in ("maximum", "minimum"):
        # keep finite differences away from the tie a == b (a kink)
        assume(np.all(np.abs(np.subtract(*np.broadcast_arrays(a, b))) > 1e-3))
    out = ours(_leaf(a), _leaf(b))
    np.testing.assert_allclose(out.data, ref(a, b), rtol=1e-12)
    assert out.shape == np.broadcast_shapes(a.shape, b.shape)
    assert gradcheck(ours, (_leaf(a), _leaf(b)))


@given(pair=broadcast_pair())
def test_broadcast_grad_is_numpy_sum_over_broadcast_dims(pair):
    a, b = pair
    ta, tb = _leaf(a), _leaf(b)
    out = ta * tb
    g = np.arange(out.numel(), dtype=np.float64).reshape(out.shape)
    out.backward(tinytorch.tensor(g))
    full_a = np.broadcast_to(b, out.shape) * g  # d(a*b)/da = b, before reduction
    lead = out.ndim - a.ndim
    expect = full_a.sum(axis=tuple(range(lead))) if lead else full_a
    expect = expect.sum(axis=tuple(i for i, n in enumerate(a.shape) if n == 1),
                        keepdims=True).reshape(a.shape)
    np.testing.assert_allclose(ta.grad.data, expect, rtol=1e-12, atol=1e-12)
    assert ta.grad.shape == a.shape and tb.grad.shape == b.shape


@st.composite
def reduction_args(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    ndim = len(shape)
    dims = draw(st.one_of(
        st.none(),
        st.integers(-ndim, ndim - 1),
        st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True)
        .map(tuple)))
    keepdim = draw(st.booleans())
    # distinct values: max/min/amax have no ties, so finite differences are valid
    x = np.array(draw(st.permutations(range(int(np.prod(shape))))), dtype=np.float64)
    return (x * 0.37 - 1.0).reshape(shape), dims, keepdim


def _np_axes(dims, ndim):
    if dims is None:
        return None
    return tuple(d % ndim for d in dims) if isinstance(dims, tuple) else dims % ndim


REDUCTIONS = {
    "sum": (lambda t, d, k: t.sum(d, keepdim=k), lambda a, ax, k: a.sum(ax, keepdims=k)),
    "mean": (lambda t, d, k: t.mean(d, keepdim=k), lambda a, ax, k: a.mean(ax, keepdims=k)),
    "amax": (lambda t, d, k: t.amax(() if d is None else d, keepdim=k),
             lambda a, ax, k: a.max(ax, keepdims=k)),
    "amin": (lambda t, d, k: t.amin(() if d is None else d, keepdim=k),
             lambda a, ax, k: a.min(ax, keepdims=k)),
    "var": (lambda t, d, k: t.var(d, keepdim=k, correction=0),
            lambda a, ax, k: a.var(ax, keepdims=k)),
    "std": (lambda t, d, k: t.std(d, keepdim=k, correction=0),
            lambda a, ax, k: a.std(ax, keepdims=k)),
    "logsumexp": (lambda t, d, k: t.logsumexp(tuple(range(t.ndim)) if d is None else d,
                                              keepdim=k),
                  lambda a, ax, k: np.log(np.exp(a).sum(ax, keepdims=k))),
}


@pytest.mark.parametrize("op", sorted(REDUCTIONS))
@given(args=reduction_args())
def test_reductions_over_random_dims(op, args):
    x, dims, keepdim = args
    ours, ref = REDUCTIONS[op]
    out = ours(_leaf(x), dims, keepdim)
    expect = ref(x, _np_axes(dims, x.ndim), keepdim)
    assert out.shape == np.shape(expect)
    np.testing.assert_allclose(out.data, expect, rtol=1e-10, atol=1e-12)
    assert gradcheck(lambda t: ours(t, dims, keepdim), (_leaf(x),))


@given(args=reduction_args())
def test_max_min_with_a_dim_return_values_and_indices(args):
    x, dims, keepdim = args
    d = dims if isinstance(dims, int) else 0
    for name in ("max", "min"):
        values, indices = getattr(_leaf(x), name)(d, keepdim=keepdim)
        arg = getattr(np, "arg" + name)(x, axis=d)
        expect_idx = np.expand_dims(arg, d) if keepdim else arg
        np.testing.assert_array_equal(indices.data, expect_idx)
        assert indices.dtype == tinytorch.int64 and not indices.requires_grad
        np.testing.assert_array_equal(values.data, getattr(x, name)(axis=d, keepdims=keepdim))
        assert gradcheck(lambda t: getattr(t, name)(d, keepdim=keepdim)[0], (_leaf(x),))


@given(args=reduction_args())
def test_softmax_family_along_a_random_dim(args):
    x, dims, _ = args
    d = dims if isinstance(dims, int) else -1
    sm = _leaf(x).softmax(d)
    e = np.exp(x - x.max(d, keepdims=True))
    np.testing.assert_allclose(sm.data, e / e.sum(d, keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(sm.data.sum(d), 1.0)
    np.testing.assert_allclose(_leaf(x).log_softmax(d).data, np.log(sm.data), atol=1e-12)
    assert gradcheck(lambda t: t.softmax(d), (_leaf(x),))
    assert gradcheck(lambda t: t.log_softmax(d), (_leaf(x),))


@st.composite
def matmul_pair(draw):
    n, k, m = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    batch = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=2,
                                                   max_side=2))
    ba, bb = batch.input_shapes
    a_shape = (k,) if draw(st.booleans()) and not ba else ba + (n, k)
    b_shape = (k,) if draw(st.booleans()) and not bb else bb + (k, m)
    return _array(draw, a_shape), _array(draw, b_shape)


@given(pair=matmul_pair())
def test_matmul_with_random_batch_and_vector_shapes(pair):
    a, b = pair
    out = _leaf(a) @ _leaf(b)
    np.testing.assert_allclose(out.data, np.matmul(a, b), rtol=1e-12, atol=1e-12)
    assert gradcheck(lambda u, v: u @ v, (_leaf(a), _leaf(b)))


@given(data=st.data())
def test_index_arrays_with_repeats_accumulate_like_add_at(data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
    x = _array(data.draw, shape)
    idx = np.array(data.draw(st.lists(st.integers(-shape[0], shape[0] - 1), min_size=1,
                                      max_size=6)))
    t = _leaf(x)
    out = t[tinytorch.tensor(idx)]
    np.testing.assert_array_equal(out.data, x[idx])
    g = np.random.default_rng(0).standard_normal(out.shape)
    out.backward(tinytorch.tensor(g))
    expect = np.zeros_like(x)
    np.add.at(expect, idx, g)
    np.testing.assert_allclose(t.grad.data, expect, rtol=1e-12)


@given(data=st.data())
def test_permute_reshape_round_trip(data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=4, max_side=3))
    perm = data.draw(st.permutations(range(len(shape))))
    x = _array(data.draw, shape)
    t = _leaf(x).permute(*perm)
    np.testing.assert_array_equal(t.data, np.transpose(x, perm))
    flat = t.reshape(-1)
    assert flat.shape == (x.size,)
    weights = tinytorch.tensor(np.arange(x.size, dtype=np.float64))  # a different d/d each
    assert gradcheck(lambda u: u.permute(*perm).reshape(-1) * weights, (_leaf(x),))


@given(data=st.data())
def test_float32_never_silently_becomes_float64(data):
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3,
                                                         max_side=3)).input_shapes
    scalar = data.draw(st.one_of(st.integers(-3, 3), st.floats(-3, 3, allow_nan=False)))
    a = tinytorch.tensor(_array(data.draw, shapes[0]), dtype=tinytorch.float32,
                         requires_grad=True)
    b = tinytorch.tensor(_array(data.draw, shapes[1], 0.5, 2), dtype=tinytorch.float32)
    out = ((a * scalar + b) / b - scalar).tanh() ** 2
    assert out.dtype == tinytorch.float32
    out.sum().backward()
    assert a.grad.dtype == tinytorch.float32 and a.grad.shape == a.shape
