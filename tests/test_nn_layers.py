"""Layers, activations, containers, nn.init and nn.utils (no torch needed)."""
import math
import warnings
from collections import OrderedDict

import numpy as np
import pytest

import tinytorch
import tinytorch.nn.functional as F
from tinytorch import nn
from tinytorch.autograd import gradcheck
from tinytorch.functions.nn import erfc_array

F64 = tinytorch.float64


def rand64(*shape, seed=0, scale=1.0, grad=True):
    arr = np.random.default_rng(seed).standard_normal(shape) * scale
    return tinytorch.tensor(arr, requires_grad=grad)


# --- Linear ------------------------------------------------------------------------------

def test_linear_shapes_values_and_gradcheck():
    lin = nn.Linear(3, 5)
    assert lin.weight.shape == (5, 3) and lin.bias.shape == (5,)
    assert lin.weight.dtype == tinytorch.float32
    x = tinytorch.randn(2, 4, 3)
    out = lin(x)
    assert out.shape == (2, 4, 5)
    np.testing.assert_allclose(out.data, x.data @ lin.weight.data.T + lin.bias.data,
                               rtol=1e-5, atol=1e-6)
    assert lin(tinytorch.randn(3)).shape == (5,)
    w, b = rand64(5, 3, seed=1), rand64(5, seed=2)
    for xs in [(4, 3), (2, 2, 3), (3,)]:
        assert gradcheck(F.linear, (rand64(*xs, seed=3), w, b))
    assert gradcheck(lambda x, w: F.linear(x, w), (rand64(4, 3), w))
    assert not nn.Linear(3, 2, bias=False).state_dict().keys() - {"weight"}


def test_linear_default_init_bounds_and_dtype():
    tinytorch.manual_seed(0)
    lin = nn.Linear(50, 400, dtype=F64)
    assert lin.weight.dtype == F64 and lin.bias.dtype == F64
    bound = 1 / math.sqrt(50)
    for p in (lin.weight, lin.bias):
        assert np.abs(p.data).max() <= bound
    # uniform on ±bound: variance bound²/3
    assert abs(lin.weight.data.var() - bound ** 2 / 3) < 0.05 * bound ** 2 / 3
    tinytorch.manual_seed(0)
    again = nn.Linear(50, 400, dtype=F64)
    np.testing.assert_array_equal(again.weight.data, lin.weight.data)


def test_linear_errors():
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied "
                                           r"\(4x5 and 3x8\)"):
        F.linear(tinytorch.randn(4, 5), tinytorch.randn(8, 3))
    with pytest.raises(RuntimeError, match="same dtype"):
        F.linear(tinytorch.randn(4, 3, dtype=F64), tinytorch.randn(8, 3))
    with pytest.raises(RuntimeError, match="0D"):
        F.linear(tinytorch.tensor(1.0), tinytorch.randn(8, 3))
    with pytest.raises(RuntimeError, match="bias"):
        F.linear(tinytorch.randn(4, 3), tinytorch.randn(8, 3), tinytorch.randn(7))


def test_identity_flatten_unflatten():
    x = tinytorch.randn(2, 3, 4)
    assert nn.Identity(54, unused=1)(x) is x
    assert nn.Flatten()(x).shape == (2, 12)
    assert nn.Flatten(0, 1)(x).shape == (6, 4)
    assert nn.Unflatten(1, (3, 1))(x).shape == (2, 3, 1, 4)
    assert repr(nn.Flatten()) == "Flatten(start_dim=1, end_dim=-1)"


# --- Dropout -------------------------------------------------------------------------------

def test_dropout_scales_in_training_and_is_identity_in_eval():
    tinytorch.manual_seed(0)
    drop = nn.Dropout(0.25)
    x = tinytorch.ones(200, 50, requires_grad=True)
    out = drop(x)
    vals = np.unique(out.detach().numpy())
    np.testing.assert_allclose(vals, [0.0, 1 / 0.75], rtol=1e-6)
    frac = (out.detach().numpy() == 0).mean()
    assert abs(frac - 0.25) < 0.02
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), out.detach().numpy())  # same mask and scale
    drop.eval()
    assert drop(x) is x
    assert F.dropout(x, 0.5, training=False) is x
    assert not F.dropout(tinytorch.ones(10), 1.0).numpy().any()
    np.testing.assert_array_equal(F.dropout(tinytorch.ones(10), 0.0).numpy(), np.ones(10))


def test_dropout_reproducible_under_manual_seed_and_errors():
    tinytorch.manual_seed(3)
    a = F.dropout(tinytorch.ones(100))
    tinytorch.manual_seed(3)
    b = F.dropout(tinytorch.ones(100))
    np.testing.assert_array_equal(a.data, b.data)
    for p in (-0.1, 1.5):
        with pytest.raises(ValueError, match="between 0 and 1"):
            nn.Dropout(p)
        with pytest.raises(ValueError, match="between 0 and 1"):
            F.dropout(tinytorch.ones(2), p)


# --- activations -----------------------------------------------------------------------------

def _np_erf(x):
    return np.vectorize(math.erf)(x)


ACTIVATIONS = {
    "relu": (nn.ReLU(), lambda x: np.maximum(x, 0)),
    "leaky_relu": (nn.LeakyReLU(0.2), lambda x: np.where(x > 0, x, 0.2 * x)),
    "tanh": (nn.Tanh(), np.tanh),
    "sigmoid": (nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
    "gelu": (nn.GELU(), lambda x: 0.5 * x * (1 + _np_erf(x / math.sqrt(2)))),
    "gelu_tanh": (nn.GELU("tanh"), lambda x: 0.5 * x * (1 + np.tanh(
        math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))),
    "silu": (nn.SiLU(), lambda x: x / (1 + np.exp(-x))),
    "softplus": (nn.Softplus(), lambda x: np.log1p(np.exp(x))),
    "softplus_b2": (nn.Softplus(beta=2, threshold=3), lambda x: np.where(
        2 * x > 3, x, np.log1p(np.exp(2 * x)) / 2)),
    "elu": (nn.ELU(0.7), lambda x: np.where(x > 0, x, 0.7 * np.expm1(x))),
}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_values_and_gradcheck(name):
    module, ref = ACTIVATIONS[name]
    x = rand64(3, 5, seed=4, scale=2.0)
    x.data[0, 0] = 0.3       # keep clear of kinks at 0 (finite differences)
    np.testing.assert_allclose(module(x).data, ref(x.data), rtol=1e-12, atol=1e-12)
    assert gradcheck(module, (x,))
    out32 = module(x.detach().float())
    assert out32.dtype == tinytorch.float32
    np.testing.assert_allclose(out32.data, ref(x.data), rtol=1e-5, atol=1e-6)


def test_erf_accuracy_over_the_whole_range():
    x = np.concatenate([np.linspace(-8, 8, 4001), [0.0, 1e-8, -1e-300, 30.0, -30.0]])
    erfc = erfc_array(x)
    ref = np.array([math.erfc(v) for v in x])
    np.testing.assert_allclose(erfc, ref, rtol=1e-12, atol=0)
    assert erfc_array(np.array([40.0, -40.0])).tolist() == [0.0, 2.0]


def test_activation_repr_like_torch():
    assert [repr(m) for m in (nn.ReLU(), nn.ReLU(inplace=True), nn.LeakyReLU(),
                              nn.LeakyReLU(0.2, True), nn.GELU(), nn.GELU("tanh"), nn.SiLU(),
                              nn.Softplus(), nn.ELU(), nn.ELU(0.5, True), nn.Softmax(dim=1),
                              nn.LogSoftmax(-1), nn.Tanh(), nn.Sigmoid(), nn.Dropout())] == [
        "ReLU()", "ReLU(inplace=True)", "LeakyReLU(negative_slope=0.01)",
        "LeakyReLU(negative_slope=0.2, inplace=True)", "GELU(approximate='none')",
        "GELU(approximate='tanh')", "SiLU()", "Softplus(beta=1.0, threshold=20.0)",
        "ELU(alpha=1.0)", "ELU(alpha=0.5, inplace=True)", "Softmax(dim=1)",
        "LogSoftmax(dim=-1)", "Tanh()", "Sigmoid()", "Dropout(p=0.5, inplace=False)"]


def test_softplus_and_elu_do_not_overflow():
    x = tinytorch.tensor([-1000.0, 1000.0], dtype=F64, requires_grad=True)
    out = F.softplus(x, threshold=1e9)
    np.testing.assert_allclose(out.data, [0.0, 1000.0])
    out.sum().backward()
    np.testing.assert_allclose(x.grad.data, [0.0, 1.0])
    assert np.all(np.isfinite(F.elu(x).data)) and np.all(np.isfinite(F.silu(x).data))


def test_inplace_activations():
    x = tinytorch.tensor([-1.0, 2.0])
    assert nn.ReLU(inplace=True)(x) is x
    np.testing.assert_array_equal(x.data, [0.0, 2.0])
    y = tinytorch.tensor([-1.0, 2.0])
    F.leaky_relu(y, 0.5, inplace=True)
    np.testing.assert_array_equal(y.data, [-0.5, 2.0])
    leaf = tinytorch.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="in-place"):
        F.relu(leaf, inplace=True)
    # in place on a non-leaf keeps gradients right
    a = tinytorch.tensor([-1.0, 2.0], dtype=F64, requires_grad=True)
    h = a * 3
    F.elu(h, inplace=True)
    h.sum().backward()
    np.testing.assert_allclose(a.grad.data, [3 * math.exp(-3), 3.0])


def test_activation_errors():
    with pytest.raises(RuntimeError, match="approximate"):
        F.gelu(tinytorch.ones(2), approximate="fast")
    with pytest.raises(NotImplementedError, match="Long"):
        F.gelu(tinytorch.tensor([1, 2]))
    assert F.relu(tinytorch.tensor([1, -2])).data.tolist() == [1, 0]


def test_softmax_modules_and_implicit_dim():
    x = rand64(2, 3, 4)
    out = nn.Softmax(dim=1)(x)
    np.testing.assert_allclose(out.detach().numpy().sum(axis=1), np.ones((2, 4)))
    np.testing.assert_allclose(nn.LogSoftmax(dim=-1)(x).detach().numpy(),
                               np.log(F.softmax(x, dim=-1).detach().numpy()), atol=1e-12)
    with pytest.warns(UserWarning, match="Implicit dimension"):
        implicit = nn.Softmax()(x)
    np.testing.assert_allclose(implicit.detach().numpy(),
                               F.softmax(x, dim=0).detach().numpy())                # 3-D: dim 0
    with pytest.warns(UserWarning):
        assert np.allclose(F.softmax(x[0]).detach().numpy().sum(axis=1), 1)  # 2-D: dim 1
    assert gradcheck(lambda t: F.log_softmax(t, 1), (rand64(2, 3),))


def test_one_hot():
    out = F.one_hot(tinytorch.tensor([0, 2, 1]))
    assert out.dtype == tinytorch.int64 and out.data.tolist() == [[1, 0, 0], [0, 0, 1],
                                                                    [0, 1, 0]]
    assert F.one_hot(tinytorch.tensor([[1], [0]]), 4).shape == (2, 1, 4)
    assert F.one_hot(tinytorch.tensor([], dtype=tinytorch.int64), 3).shape == (0, 3)
    for bad, msg in [((tinytorch.tensor([0, 2]), 2), "smaller than num_classes"),
                     ((tinytorch.tensor([0, -1]), 3), "non-negative"),
                     ((tinytorch.tensor([0.0, 1.0]), 3), "LongTensor"),
                     ((tinytorch.tensor([], dtype=tinytorch.int64),), "empty")]:
        with pytest.raises(RuntimeError, match=msg):
            F.one_hot(*bad)


# --- containers -------------------------------------------------------------------------------

def test_sequential_indexing_slicing_and_mutation():
    a, b, c = nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)
    seq = nn.Sequential(a, b, c)
    assert len(seq) == 3 and list(seq) == [a, b, c]
    assert seq[0] is a and seq[-1] is c
    sub = seq[1:]
    assert isinstance(sub, nn.Sequential) and list(sub._modules) == ["1", "2"]
    with pytest.raises(IndexError, match="index 3 is out of range"):
        seq[3]
    with pytest.raises(IndexError, match="index -4 is out of range"):
        seq[-4]
    x = tinytorch.randn(4, 2)
    np.testing.assert_allclose(seq(x).data, c(b(a(x))).data)
    d = nn.Tanh()
    assert seq.append(d) is seq and seq[3] is d and len(seq) == 4
    del seq[1]
    assert list(seq._modules) == ["0", "1", "2"] and seq[1] is c
    seq[0] = nn.Identity()
    assert isinstance(seq[0], nn.Identity)
    seq.insert(0, b)
    assert seq[0] is b and len(seq) == 4
    assert seq.pop(0) is b and len(seq) == 3
    named = nn.Sequential(OrderedDict([("enc", a), ("act", b)]))
    assert [n for n, _ in named.named_parameters()] == ["enc.weight", "enc.bias"]
    assert named.enc is a
    assert len(nn.Sequential(a) + nn.Sequential(b, c)) == 3


def test_module_list_and_dict():
    layers = nn.ModuleList(nn.Linear(2, 2) for _ in range(3))
    assert len(layers) == 3 and len(list(layers.parameters())) == 6
    assert isinstance(layers[1:], nn.ModuleList) and len(layers[1:]) == 2
    assert [n for n, _ in layers[1:].named_children()] == ["0", "1"]
    layers.append(nn.ReLU())
    layers.extend([nn.Tanh()])
    layers.insert(0, nn.Sigmoid())
    assert [type(m).__name__ for m in layers] == ["Sigmoid", "Linear", "Linear", "Linear",
                                                  "ReLU", "Tanh"]
    del layers[0]
    assert list(layers._modules) == [str(i) for i in range(5)]
    with pytest.raises(IndexError):
        layers[9]
    with pytest.raises(TypeError, match="iterable"):
        layers.extend(3)
    md = nn.ModuleDict({"a": nn.Linear(1, 1), "b": nn.ReLU()})
    md["c"] = nn.Tanh()
    assert list(md) == ["a", "b", "c"] and "b" in md and len(md) == 3
    assert list(md.keys()) == ["a", "b", "c"]
    assert md.pop("b").__class__ is nn.ReLU and "b" not in md
    md.update([("d", nn.Identity())])
    assert [n for n, _ in md.named_parameters()] == ["a.weight", "a.bias"]
    with pytest.raises(KeyError):
        md["zzz"]


# --- nn.init -------------------------------------------------------------------------------

def test_calculate_gain():
    assert nn.init.calculate_gain("linear") == 1 and nn.init.calculate_gain("sigmoid") == 1
    assert nn.init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert nn.init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert nn.init.calculate_gain("leaky_relu") == pytest.approx(math.sqrt(2 / (1 + 1e-4)))
    assert nn.init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    assert nn.init.calculate_gain("selu") == 0.75
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        nn.init.calculate_gain("swish")
    with pytest.raises(ValueError, match="not a valid number"):
        nn.init.calculate_gain("leaky_relu", "x")


def _std(t):
    return float(t.numpy().std())


def test_init_fan_rules_bounds_and_stats():
    tinytorch.manual_seed(0)
    w = tinytorch.empty(200, 100, 3)          # fan_in = 300, fan_out = 600
    fan_in, fan_out = 300, 600
    nn.init.xavier_uniform_(w, gain=2.0)
    b = 2.0 * math.sqrt(6 / (fan_in + fan_out))
    assert np.abs(w.numpy()).max() <= b and np.abs(w.numpy()).max() > 0.99 * b
    nn.init.xavier_normal_(w)
    assert _std(w) == pytest.approx(math.sqrt(2 / (fan_in + fan_out)), rel=0.02)
    nn.init.kaiming_uniform_(w, a=math.sqrt(5))
    assert np.abs(w.numpy()).max() <= 1 / math.sqrt(fan_in)
    nn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu")
    assert _std(w) == pytest.approx(math.sqrt(2 / fan_out), rel=0.02)
    nn.init.kaiming_uniform_(w, nonlinearity="tanh")
    assert _std(w) == pytest.approx(5 / 3 / math.sqrt(fan_in), rel=0.02)
    nn.init.uniform_(w, -2, 3)
    assert w.numpy().min() >= -2 and w.numpy().max() <= 3
    nn.init.normal_(w, 1.0, 0.5)
    assert float(w.numpy().mean()) == pytest.approx(1.0, abs=0.01)
    nn.init.trunc_normal_(w, std=1.0, a=-0.5, b=0.5)
    assert np.abs(w.numpy()).max() <= 0.5
    nn.init.constant_(w, 0.25)
    assert np.all(w.numpy() == 0.25)
    assert nn.init.zeros_(w) is w and not w.numpy().any()
    nn.init.ones_(w)
    assert np.all(w.numpy() == 1)
    e = nn.init.eye_(tinytorch.empty(3, 4))
    np.testing.assert_array_equal(e.numpy(), np.eye(3, 4))
    q = nn.init.orthogonal_(tinytorch.empty(4, 6, dtype=F64))
    np.testing.assert_allclose(q.numpy() @ q.numpy().T, np.eye(4), atol=1e-12)


def test_init_in_place_on_parameters_without_graph_and_errors():
    p = nn.Parameter(tinytorch.zeros(3, 4))
    v = p._version
    out = nn.init.normal_(p)
    assert out is p and p.grad_fn is None and p.requires_grad and p._version == v + 1
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        nn.init.xavier_uniform_(tinytorch.empty(3))
    with pytest.raises(ValueError, match="Mode foo not supported"):
        nn.init.kaiming_uniform_(tinytorch.empty(3, 2), mode="foo")
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        nn.init.kaiming_uniform_(tinytorch.empty(0, 2))
    assert "zero-element" in str(rec[0].message)


def test_init_generator_is_reproducible():
    g = tinytorch.Generator().manual_seed(5)
    a = nn.init.uniform_(tinytorch.empty(10), generator=g).numpy().copy()
    g.manual_seed(5)
    b = nn.init.uniform_(tinytorch.empty(10), generator=g).numpy()
    np.testing.assert_array_equal(a, b)


# --- nn.utils --------------------------------------------------------------------------------

def _params_with_grads(seed=0):
    rng = np.random.default_rng(seed)
    ps = []
    for shape in [(3, 4), (4,), (2, 2)]:
        p = nn.Parameter(tinytorch.zeros(*shape))
        p.grad = tinytorch.tensor(rng.standard_normal(shape).astype(np.float32))
        ps.append(p)
    ps.append(nn.Parameter(tinytorch.zeros(2)))        # grad None: skipped
    return ps


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
def test_clip_grad_norm_matches_the_definition(norm_type):
    ps = _params_with_grads()
    flat = np.concatenate([p.grad.numpy().ravel() for p in ps if p.grad is not None])
    expect = np.linalg.norm(flat.astype(np.float64), ord=norm_type)
    before = [p.grad.numpy().copy() for p in ps[:3]]
    total = nn.utils.clip_grad_norm_(ps, max_norm=0.5, norm_type=norm_type)
    assert isinstance(total, tinytorch.Tensor) and total.dim() == 0
    assert float(total) == pytest.approx(expect, rel=1e-5)
    coef = 0.5 / (expect + 1e-6)
    for p, g in zip(ps, before):
        np.testing.assert_allclose(p.grad.numpy(), g * coef, rtol=1e-5)
    new = np.concatenate([p.grad.numpy().ravel() for p in ps[:3]])
    assert np.linalg.norm(new, ord=norm_type) == pytest.approx(0.5, rel=1e-4)
    # under the limit: untouched
    again = [p.grad.numpy().copy() for p in ps[:3]]
    nn.utils.clip_grad_norm_(ps, max_norm=100.0, norm_type=norm_type)
    for p, g in zip(ps, again):
        np.testing.assert_allclose(p.grad.numpy(), g, rtol=1e-6)


def test_clip_grad_norm_edge_cases():
    assert float(nn.utils.clip_grad_norm_([], 1.0)) == 0.0
    p = nn.Parameter(tinytorch.ones(3))
    p.grad = tinytorch.tensor([3.0, 4.0, 0.0])
    assert float(nn.utils.clip_grad_norm_(p, 1.0)) == pytest.approx(5.0)   # a lone tensor
    assert float(nn.utils.clip_grad_norm_(p, 1.0, norm_type="inf")) == pytest.approx(0.8,
                                                                                    rel=1e-5)
    p.grad = tinytorch.tensor([1.0, float("inf"), 1.0])
    with pytest.raises(RuntimeError, match="non-finite"):
        nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
    assert math.isinf(float(nn.utils.clip_grad_norm_([p], 1.0)))


def test_clip_grad_value_and_parameter_vectors():
    ps = _params_with_grads(1)
    before = [p.grad.numpy().copy() for p in ps[:3]]
    assert nn.utils.clip_grad_value_(ps, 0.3) is None
    for p, g in zip(ps, before):
        np.testing.assert_array_equal(p.grad.numpy(), np.clip(g, -0.3, 0.3))
    lin = nn.Linear(3, 2)
    vec = nn.utils.parameters_to_vector(lin.parameters())
    assert vec.shape == (8,)
    np.testing.assert_array_equal(vec.detach().numpy()[:6], lin.weight.detach().numpy().ravel())
    nn.utils.vector_to_parameters(vec * 2, lin.parameters())
    np.testing.assert_allclose(lin.bias.detach().numpy(), vec.detach().numpy()[6:] * 2)
    with pytest.raises(RuntimeError, match="8 elements"):
        nn.utils.vector_to_parameters(tinytorch.zeros(5), lin.parameters())
