"""Tensor creation, dtypes and promotion, attributes and helpers, printing, comparisons
and random streams (no PyTorch needed; test_torch_compare.py checks the same against it)."""
import numpy as np
import pytest

import tinytorch
from tinytorch import Tensor


# --- creation -----------------------------------------------------------------------

def test_tensor_infers_torch_default_dtypes():
    assert tinytorch.tensor([1.0, 2.0]).dtype == tinytorch.float32  # Python floats
    assert tinytorch.tensor([1, 2]).dtype == tinytorch.int64  # Python ints
    assert tinytorch.tensor([True, False]).dtype == tinytorch.bool
    assert tinytorch.tensor([1, 2.5]).dtype == tinytorch.float32  # mixed -> float
    assert tinytorch.tensor(3.0).dtype == tinytorch.float32
    assert tinytorch.tensor(3).shape == ()


def test_ndarray_keeps_its_dtype():
    assert tinytorch.tensor(np.array([1.0, 2.0])).dtype == tinytorch.float64
    assert tinytorch.tensor(np.array([1, 2], dtype=np.int32)).dtype == tinytorch.int32
    assert tinytorch.tensor(np.float64(1.5)).dtype == tinytorch.float64
    assert tinytorch.from_numpy(np.zeros(3)).dtype == tinytorch.float64


def test_tensor_copies_but_from_numpy_shares_memory():
    a = np.zeros(3)
    t = tinytorch.tensor(a)
    s = tinytorch.from_numpy(a)
    a[0] = 5
    assert t.data[0] == 0 and s.data[0] == 5
    assert s.numpy() is a


def test_tensor_with_dtype_and_requires_grad():
    t = tinytorch.tensor([1, 2], dtype=tinytorch.float64, requires_grad=True)
    assert t.dtype == tinytorch.float64 and t.requires_grad and t.is_leaf
    assert tinytorch.tensor([1.5], dtype="float64").dtype == tinytorch.float64


def test_tensor_class_constructor_is_float32():
    assert Tensor([1, 2]).dtype == tinytorch.float32
    assert Tensor(2, 3).shape == (2, 3)
    assert Tensor(np.array([1.0])).dtype == tinytorch.float32
    assert Tensor([1.0], requires_grad=True).requires_grad
    assert Tensor().shape == (0,)


@pytest.mark.parametrize("fn", [tinytorch.zeros, tinytorch.ones, tinytorch.empty])
def test_filled_creation_accepts_torch_size_forms(fn):
    for args in [(2, 3), ((2, 3),), ([2, 3],), (tinytorch.Size([2, 3]),)]:
        t = fn(*args)
        assert t.shape == (2, 3) and t.dtype == tinytorch.float32
    assert fn(2, dtype=tinytorch.int64).dtype == tinytorch.int64
    assert fn(2, requires_grad=True).requires_grad
    assert fn(()).shape == ()


def test_zeros_ones_full_eye_values():
    np.testing.assert_array_equal(tinytorch.zeros(2, 2).data, np.zeros((2, 2)))
    np.testing.assert_array_equal(tinytorch.ones(3).data, np.ones(3))
    f = tinytorch.full((2, 2), 7)
    assert f.dtype == tinytorch.int64 and (f.data == 7).all()
    assert tinytorch.full((2,), 1.5).dtype == tinytorch.float32
    assert tinytorch.full((2,), True).dtype == tinytorch.bool
    np.testing.assert_array_equal(tinytorch.eye(3).data, np.eye(3))
    np.testing.assert_array_equal(tinytorch.eye(2, 3).data, np.eye(2, 3))


def test_arange_and_linspace():
    a = tinytorch.arange(5)
    assert a.dtype == tinytorch.int64 and a.tolist() == [0, 1, 2, 3, 4]
    assert tinytorch.arange(1, 7, 2).tolist() == [1, 3, 5]
    assert tinytorch.arange(10, 0, -3).tolist() == [10, 7, 4, 1]
    f = tinytorch.arange(0, 1, 0.1)
    # the length is ceil((end - start) / step), values start + i * step, float32
    assert f.dtype == tinytorch.float32 and f.shape == (10,)
    np.testing.assert_allclose(f.data, np.arange(10) * 0.1, rtol=1e-6)
    assert tinytorch.arange(1, 1).shape == (0,)
    assert tinytorch.arange(0.5, 5).tolist() == [0.5, 1.5, 2.5, 3.5, 4.5]
    lin = tinytorch.linspace(0, 1, 5)
    assert lin.dtype == tinytorch.float32
    np.testing.assert_allclose(lin.data, [0, 0.25, 0.5, 0.75, 1])
    assert tinytorch.linspace(2, 3, 1).tolist() == [2.0]


def test_like_functions_keep_shape_and_dtype():
    base = tinytorch.ones(2, 3, dtype=tinytorch.float64)
    for fn in (tinytorch.zeros_like, tinytorch.ones_like, tinytorch.empty_like,
               tinytorch.rand_like, tinytorch.randn_like):
        t = fn(base)
        assert t.shape == (2, 3) and t.dtype == tinytorch.float64
    assert tinytorch.full_like(base, 4).data.sum() == 24
    assert tinytorch.zeros_like(base, dtype=tinytorch.int64).dtype == tinytorch.int64
    assert tinytorch.ones_like(base, requires_grad=True).requires_grad


def test_default_dtype_can_be_changed():
    tinytorch.set_default_dtype(tinytorch.float64)
    try:
        assert tinytorch.tensor([1.0]).dtype == tinytorch.float64
        assert tinytorch.zeros(2).dtype == tinytorch.float64
        assert (tinytorch.tensor([1, 2]) / 2).dtype == tinytorch.float64
    finally:
        tinytorch.set_default_dtype(tinytorch.float32)
    assert tinytorch.get_default_dtype() == tinytorch.float32
    with pytest.raises(TypeError, match="floating"):
        tinytorch.set_default_dtype(tinytorch.int64)


# --- dtypes and promotion -------------------------------------------------------------

def _t(dtype, ndim=1):
    return tinytorch.ones((2,) if ndim else (), dtype=dtype)


def test_python_scalars_do_not_promote_within_their_category():
    x = _t(tinytorch.float32)
    for y in (x + 2, x * 2.5, 2.5 - x, x / 3, x ** 2, 2 ** x, x ** 0.5, 1 / x, -x):
        assert y.dtype == tinytorch.float32
    i = _t(tinytorch.int32)
    assert (i + 2).dtype == tinytorch.int32
    assert (_t(tinytorch.uint8) * 3).dtype == tinytorch.uint8


def test_float_scalar_makes_integer_tensor_default_float():
    assert (_t(tinytorch.int64) * 2.5).dtype == tinytorch.float32
    assert (_t(tinytorch.int32) + 0.5).dtype == tinytorch.float32
    assert (_t(tinytorch.bool) * 1.5).dtype == tinytorch.float32
    assert (_t(tinytorch.bool) + 1).dtype == tinytorch.int64


def test_int_division_is_true_division():
    x = tinytorch.tensor([5, 6]) / tinytorch.tensor([2, 4])
    assert x.dtype == tinytorch.float32
    np.testing.assert_allclose(x.data, [2.5, 1.5])
    assert (tinytorch.tensor(5) / 2).dtype == tinytorch.float32
    assert (tinytorch.tensor([-5]) // 2).tolist() == [-3]  # floor, like torch
    assert (tinytorch.tensor([-5]) % 3).tolist() == [1]


def test_float32_with_float64_promotes():
    assert (_t(tinytorch.float32) + _t(tinytorch.float64)).dtype == tinytorch.float64
    assert (_t(tinytorch.float64) * _t(tinytorch.float32)).dtype == tinytorch.float64


def test_zero_dim_tensor_does_not_promote_a_dimensioned_one_of_its_category():
    assert (_t(tinytorch.float32) + _t(tinytorch.float64, 0)).dtype == tinytorch.float32
    assert (_t(tinytorch.float64, 0) * _t(tinytorch.float32)).dtype == tinytorch.float32
    assert (_t(tinytorch.int32) + _t(tinytorch.int64, 0)).dtype == tinytorch.int32
    # ... but a higher category still wins, even from a 0-d tensor
    assert (_t(tinytorch.int64) + _t(tinytorch.float64, 0)).dtype == tinytorch.float64
    assert (_t(tinytorch.int32) * _t(tinytorch.float16, 0)).dtype == tinytorch.float16
    # two 0-d tensors promote normally
    assert (_t(tinytorch.float32, 0) + _t(tinytorch.float64, 0)).dtype == tinytorch.float64


def test_int_with_float_tensor_gives_the_float_dtype():
    assert (_t(tinytorch.int64) + _t(tinytorch.float32)).dtype == tinytorch.float32
    assert (_t(tinytorch.int64) * _t(tinytorch.float16)).dtype == tinytorch.float16
    assert (_t(tinytorch.uint8) + _t(tinytorch.int8)).dtype == tinytorch.int16


def test_bool_arithmetic_follows_torch():
    b = tinytorch.tensor([True, False])
    assert (b + b).dtype == tinytorch.bool and (b + b).tolist() == [True, False]
    assert (b * 3).dtype == tinytorch.int64
    assert b.sum().dtype == tinytorch.int64 and b.sum().item() == 1
    assert (~b).tolist() == [False, True]
    assert (b & tinytorch.tensor([True, True])).tolist() == [True, False]
    assert (b | tinytorch.tensor([False, True])).tolist() == [True, True]
    with pytest.raises(RuntimeError, match="Subtraction"):
        b - b
    with pytest.raises(RuntimeError, match="Negation"):
        -b


def test_cat_promotes_like_binary_ops():
    assert tinytorch.cat([_t(tinytorch.float32), _t(tinytorch.float64)]).dtype == \
        tinytorch.float64
    assert tinytorch.cat([_t(tinytorch.int64), _t(tinytorch.float32)]).dtype == \
        tinytorch.float32
    assert tinytorch.stack([_t(tinytorch.bool), _t(tinytorch.int32)]).dtype == tinytorch.int32


def test_float_functions_of_int_tensors_give_default_float():
    i = tinytorch.tensor([1, 4])
    for y in (i.exp(), i.sqrt(), i.sigmoid(), i.log(), i.tanh()):
        assert y.dtype == tinytorch.float32
    assert i.sum().dtype == tinytorch.int64
    assert i.abs().dtype == tinytorch.int64
    assert i.clamp(0.5).dtype == tinytorch.float32


def test_dtype_objects():
    assert tinytorch.float32 is tinytorch.float and tinytorch.int64 is tinytorch.long
    assert repr(tinytorch.float32) == "tinytorch.float32"
    assert tinytorch.float32.is_floating_point and not tinytorch.int64.is_floating_point
    assert tinytorch.float64.itemsize == 8


# --- attributes and helpers ---------------------------------------------------------

def test_shape_attributes():
    t = tinytorch.zeros(2, 3, 4)
    assert t.shape == (2, 3, 4) and isinstance(t.shape, tuple)
    assert repr(t.shape) == "tinytorch.Size([2, 3, 4])"
    assert t.ndim == 3 and t.dim() == 3
    assert t.size() == (2, 3, 4) and t.size(1) == 3 and t.size(-1) == 4
    assert t.numel() == 24 and tinytorch.numel(t) == 24
    assert len(t) == 2
    assert isinstance(t.numpy(), np.ndarray) and t.numpy().shape == (2, 3, 4)
    assert type(t.data) is tinytorch.Tensor and t.data.shape == (2, 3, 4)


def test_item_tolist_numpy():
    t = tinytorch.tensor([[1.5, 2.0]])
    assert t.tolist() == [[1.5, 2.0]]
    assert tinytorch.tensor([2.5]).item() == 2.5 and isinstance(t[0, 0].item(), float)
    assert isinstance(tinytorch.tensor(3).item(), int)
    arr = t.numpy()                     # the tensor's own memory, not a copy
    assert isinstance(arr, np.ndarray) and np.shares_memory(arr, t.data.numpy())
    arr[0, 1] = 4.0
    assert t.tolist() == [[1.5, 4.0]]
    assert float(tinytorch.tensor(2.5)) == 2.5 and int(tinytorch.tensor(7)) == 7


def test_iteration_yields_rows():
    t = tinytorch.arange(6).reshape(3, 2)
    rows = list(t)
    assert len(rows) == 3 and all(r.shape == (2,) for r in rows)
    assert [r.tolist() for r in rows] == t.tolist()


def test_conversions():
    t = tinytorch.tensor([1.7, -1.7, 0.0])
    assert t.double().dtype == tinytorch.float64
    assert t.long().tolist() == [1, -1, 0] and t.long().dtype == tinytorch.int64
    assert t.int().dtype == tinytorch.int32
    assert t.bool().tolist() == [True, True, False]
    assert t.long().float().dtype == tinytorch.float32
    assert t.to(tinytorch.float64).dtype == tinytorch.float64
    assert t.to("cpu") is t
    assert t.to(tinytorch.float32) is t
    assert t.type_as(tinytorch.tensor([1])).dtype == tinytorch.int64
    assert t.to(dtype=tinytorch.float16).dtype == tinytorch.float16


def test_conversion_is_differentiable_and_grad_keeps_leaf_dtype():
    x = tinytorch.tensor([1.0, 2.0], requires_grad=True)
    y = x.double()
    assert y.grad_fn is not None and y.dtype == tinytorch.float64
    (y * y).sum().backward()
    assert x.grad.dtype == tinytorch.float32
    np.testing.assert_allclose(x.grad.data, [2, 4])


def test_requires_grad_and_leaf_flags():
    x = tinytorch.ones(2)
    assert not x.requires_grad and x.is_leaf and x.grad is None and x.grad_fn is None
    assert x.requires_grad_() is x and x.requires_grad
    y = x * 2
    assert y.requires_grad and not y.is_leaf and type(y.grad_fn).__name__ == "MulBackward0"
    x.requires_grad = False
    assert not (x * 2).requires_grad


def test_detach_shares_data_and_drops_the_graph():
    x = tinytorch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    d = y.detach()
    assert not d.requires_grad and d.grad_fn is None and d.is_leaf
    assert np.shares_memory(d.numpy(), y.detach().numpy())


def test_clone_copies_and_keeps_the_graph():
    x = tinytorch.tensor([1.0, 2.0], requires_grad=True)
    c = x.clone()
    assert not np.shares_memory(c.detach().numpy(), x.detach().numpy())
    assert type(c.grad_fn).__name__ == "CloneBackward0"
    (c * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3, 3])


# --- comparisons ---------------------------------------------------------------------

@pytest.mark.parametrize("op,expected", [("__eq__", [False, True, False]),
                                         ("__ne__", [True, False, True]),
                                         ("__lt__", [True, False, False]),
                                         ("__le__", [True, True, False]),
                                         ("__gt__", [False, False, True]),
                                         ("__ge__", [False, True, True])])
def test_comparisons_give_bool_without_grad(op, expected):
    x = tinytorch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = tinytorch.tensor([2.0, 2.0, 2.0])
    for other in (y, 2, 2.0):
        r = getattr(x, op)(other)
        assert r.dtype == tinytorch.bool and not r.requires_grad and r.grad_fn is None
        assert r.tolist() == expected
    np.testing.assert_array_equal(getattr(x, op)(y).data,
                                  getattr(np.array([1, 2, 3.]), op)(2.0))


def test_comparison_broadcasts_and_accepts_mixed_dtypes():
    r = tinytorch.tensor([1, 2]) == tinytorch.tensor([[1.0], [2.0]])
    assert r.shape == (2, 2) and r.tolist() == [[True, False], [False, True]]
    assert (tinytorch.tensor([1.0]) == None) is False  # noqa: E711 - torch's behaviour
    assert (tinytorch.tensor([1.0]) != None) is True  # noqa: E711


def test_tensor_is_hashable_by_identity():
    a, b = tinytorch.ones(1), tinytorch.ones(1)
    assert len({a, b}) == 2


# --- printing ------------------------------------------------------------------------

@pytest.mark.parametrize("make,text", [
    (lambda: tinytorch.tensor([1.0, 2.0]), "tensor([1., 2.])"),
    (lambda: tinytorch.tensor([1.0, 2.0], requires_grad=True),
     "tensor([1., 2.], requires_grad=True)"),
    (lambda: tinytorch.tensor([1.5, 2.0], requires_grad=True) * 2,
     "tensor([3., 4.], grad_fn=<MulBackward0>)"),
    (lambda: tinytorch.tensor([1.5, 2.25]), "tensor([1.5000, 2.2500])"),
    (lambda: tinytorch.tensor(3.5), "tensor(3.5000)"),
    (lambda: tinytorch.tensor([1, 2]), "tensor([1, 2])"),
    (lambda: tinytorch.tensor([True, False]), "tensor([ True, False])"),
    (lambda: tinytorch.tensor([1.0, 2.0], dtype=tinytorch.float64),
     "tensor([1., 2.], dtype=tinytorch.float64)"),
    (lambda: tinytorch.tensor([1, 2], dtype=tinytorch.int32),
     "tensor([1, 2], dtype=tinytorch.int32)"),
    (lambda: tinytorch.tensor([1e-5, 1.0]), "tensor([1.0000e-05, 1.0000e+00])"),
    (lambda: tinytorch.tensor([[1.0, -2.0], [3.0, 4.0]]),
     "tensor([[ 1., -2.],\n        [ 3.,  4.]])"),
    (lambda: tinytorch.zeros(0), "tensor([])"),
    (lambda: tinytorch.zeros(2, 0), "tensor([], size=(2, 0))"),
    (lambda: tinytorch.zeros(0, dtype=tinytorch.int64), "tensor([], dtype=tinytorch.int64)"),
    (lambda: tinytorch.tensor([float("nan"), 1.0, float("inf")]), "tensor([nan, 1., inf])"),
    (lambda: tinytorch.arange(2000.0),
     "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n"
     "        1.9990e+03])"),
])
def test_repr_like_torch(make, text):
    assert repr(make()) == text


def test_repr_wraps_long_rows_at_80_columns():
    lines = repr(tinytorch.arange(100.0) / 3).split("\n")
    assert len(lines) > 1 and all(len(line) <= 80 for line in lines)
    assert lines[1].startswith("        ")  # aligned under the first element


def test_str_and_format():
    assert str(tinytorch.tensor([1.0])) == "tensor([1.])"
    assert f"{tinytorch.tensor(2.5):.2f}" == "2.50"


# --- random ------------------------------------------------------------------------

def test_manual_seed_makes_streams_reproducible():
    tinytorch.manual_seed(123)
    a = [tinytorch.rand(3), tinytorch.randn(2, 2), tinytorch.randint(0, 10, (5,)),
         tinytorch.randperm(6)]
    tinytorch.manual_seed(123)
    b = [tinytorch.rand(3), tinytorch.randn(2, 2), tinytorch.randint(0, 10, (5,)),
         tinytorch.randperm(6)]
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x.data, y.data)
    tinytorch.manual_seed(124)
    assert not np.array_equal(tinytorch.rand(3).data, a[0].data)


def test_generator_is_independent_of_the_default_stream():
    g1 = tinytorch.Generator().manual_seed(7)
    g2 = tinytorch.Generator().manual_seed(7)
    tinytorch.manual_seed(0)
    x = tinytorch.randn(4, generator=g1)
    tinytorch.rand(10)  # the default stream moves, g2 does not
    y = tinytorch.randn(4, generator=g2)
    np.testing.assert_array_equal(x.data, y.data)
    assert g1.initial_seed() == 7


def test_rng_state_round_trip():
    state = tinytorch.get_rng_state()
    a = tinytorch.rand(3)
    tinytorch.set_rng_state(state)
    np.testing.assert_array_equal(tinytorch.rand(3).data, a.data)


def test_random_creation_ranges_and_dtypes():
    tinytorch.manual_seed(0)
    r = tinytorch.rand(1000)
    assert r.dtype == tinytorch.float32 and 0 <= r.data.min() and r.data.max() < 1
    n = tinytorch.randn(20000, dtype=tinytorch.float64)
    assert n.dtype == tinytorch.float64
    assert abs(n.data.mean()) < 0.05 and abs(n.data.std() - 1) < 0.05
    i = tinytorch.randint(3, 7, (1000,))
    assert i.dtype == tinytorch.int64 and set(np.unique(i.data)) == {3, 4, 5, 6}
    assert tinytorch.randint(5, (2, 3)).shape == (2, 3)
    assert tinytorch.randint(5, size=(4,)).data.max() < 5
    assert tinytorch.randint(low=1, high=3, size=(4,)).data.min() >= 1
    assert tinytorch.randint(2, (3,), dtype=tinytorch.float32).dtype == tinytorch.float32
    assert sorted(tinytorch.randperm(5).tolist()) == [0, 1, 2, 3, 4]
    assert tinytorch.rand(2, requires_grad=True).requires_grad


def test_randint_signature_errors():
    with pytest.raises(TypeError):
        tinytorch.randint(3, 5)  # the size must be a tuple
    with pytest.raises(RuntimeError, match="from=3 >= to=1"):
        tinytorch.randint(3, 1, (2,))
    with pytest.raises(TypeError):
        tinytorch.randint(2.5, (2,))


def test_in_place_random_fills_respect_the_generator():
    g = tinytorch.Generator().manual_seed(3)
    a = tinytorch.empty(5).uniform_(-1, 1, generator=g)
    assert a.data.min() >= -1 and a.data.max() < 1 and a.dtype == tinytorch.float32
    g.manual_seed(3)
    b = tinytorch.empty(5).uniform_(-1, 1, generator=g)
    np.testing.assert_array_equal(a.data, b.data)
    c = tinytorch.zeros(1000, dtype=tinytorch.float64).normal_(2.0, 0.5)
    assert abs(c.data.mean() - 2) < 0.1 and c.dtype == tinytorch.float64


def test_argmax_argmin_and_indices_carry_no_grad():
    x = tinytorch.tensor([[1.0, 3.0, 2.0], [4.0, 0.0, 5.0]], requires_grad=True)
    for idx in (x.argmax(), x.argmin(1), x.argmax(dim=0, keepdim=True), x.max(1).indices,
                tinytorch.argmin(x)):
        assert idx.dtype == tinytorch.int64 and not idx.requires_grad and idx.grad_fn is None
    assert x.argmax().item() == 5 and x.argmin(1).tolist() == [0, 1]
    assert x.argmax(0, keepdim=True).shape == (1, 3)
    values, indices = x.min(dim=1, keepdim=True)
    assert values.shape == indices.shape == (2, 1)
    assert repr(x.max(0)).startswith("tinytorch.return_types.max(")
