"""BatchNorm1d/2d and LayerNorm: against PyTorch when importable (train and eval outputs, input
and parameter gradients, running statistics over several steps), and without it: the
definitions, running-statistics updates, float64 gradchecks, state dicts and errors."""
import numpy as np
import pytest

import tinytorch
import tinytorch.nn.functional as F
from tinytorch import nn
from tinytorch.autograd import gradcheck

RNG = np.random.default_rng(1)


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def _np(t):
    return t.detach().numpy()


def _leaf(a):
    return tinytorch.tensor(np.array(a), requires_grad=True)


def _randomise(m):
    """Non-trivial affine parameters (the defaults are ones and zeros)."""
    for p in m.parameters():
        p.data[...] = RNG.standard_normal(p.shape)
    return m


def _copy_to_torch(torch, m, t):
    assert list(m.state_dict()) == list(t.state_dict())
    t.load_state_dict({k: torch.tensor(v.numpy()) for k, v in m.state_dict().items()})


def _step_both(torch, m, t, x):
    """One forward/backward on both modules; compare outputs, gradients and buffers."""
    tx = torch.tensor(x, requires_grad=True)
    mx = tinytorch.tensor(x, requires_grad=True)
    to, mo = t(tx), m(mx)
    np.testing.assert_allclose(_np(mo), _np(to), rtol=1e-10, atol=1e-10)
    g = RNG.standard_normal(tuple(to.shape))
    to.backward(torch.tensor(g))
    mo.backward(tinytorch.tensor(g))
    np.testing.assert_allclose(_np(mx.grad), _np(tx.grad), rtol=1e-9, atol=1e-9)
    for (name, p), (tname, q) in zip(m.named_parameters(), t.named_parameters()):
        assert name == tname
        np.testing.assert_allclose(_np(p.grad), _np(q.grad), rtol=1e-9, atol=1e-9)
        p.grad = q.grad = None
    for (name, b), (tname, c) in zip(m.named_buffers(), t.named_buffers()):
        assert name == tname
        np.testing.assert_allclose(b.numpy(), _np(c), rtol=1e-10, atol=1e-12)
        assert b.dtype == (tinytorch.int64 if c.dtype == torch.int64 else tinytorch.float64)


BN_CASES = [
    ("BatchNorm1d", (8, 3), {}),
    ("BatchNorm1d", (6, 3, 4), dict(momentum=None)),
    ("BatchNorm1d", (8, 3), dict(affine=False)),
    ("BatchNorm2d", (4, 3, 5, 5), {}),
    ("BatchNorm2d", (4, 3, 5, 5), dict(momentum=0.3, eps=1e-3)),
    ("BatchNorm2d", (4, 3, 5, 5), dict(track_running_stats=False)),
    ("BatchNorm2d", (4, 3, 5, 5), dict(bias=False)),
]


@pytest.mark.parametrize("cls,shape,kw", BN_CASES)
def test_batchnorm_matches_torch_over_train_and_eval_steps(torch, cls, shape, kw):
    m = _randomise(getattr(nn, cls)(3, **kw).double())
    t = getattr(torch.nn, cls)(3, **kw).double()
    _copy_to_torch(torch, m, t)
    assert repr(m) == repr(t)
    for mode in ["train", "train", "train", "eval", "train", "eval"]:
        m.train(mode == "train")
        t.train(mode == "train")
        _step_both(torch, m, t, RNG.standard_normal(shape) * 3 + 1)


@pytest.mark.parametrize("shape,kw", [((4, 3, 5), dict(normalized_shape=5)),
                                      ((4, 3, 5), dict(normalized_shape=(3, 5))),
                                      ((2, 6), dict(normalized_shape=[6], eps=1e-3)),
                                      ((4, 3, 5), dict(normalized_shape=5, bias=False)),
                                      ((4, 3, 5), dict(normalized_shape=5,
                                                       elementwise_affine=False))])
def test_layernorm_matches_torch(torch, shape, kw):
    m = _randomise(nn.LayerNorm(**kw).double())
    t = torch.nn.LayerNorm(**kw).double()
    _copy_to_torch(torch, m, t)
    assert repr(m) == repr(t)
    for mode in ["train", "eval"]:
        m.train(mode == "train")
        t.train(mode == "train")
        _step_both(torch, m, t, RNG.standard_normal(shape) * 2 - 1)


def test_float32_batchnorm_and_layernorm_match_torch(torch):
    x = (RNG.standard_normal((16, 4, 6, 6)) * 5 + 3).astype(np.float32)
    for m, t in [(nn.BatchNorm2d(4), torch.nn.BatchNorm2d(4)),
                 (nn.LayerNorm((6, 6)), torch.nn.LayerNorm((6, 6)))]:
        out = m(tinytorch.tensor(x))
        assert out.dtype == tinytorch.float32
        np.testing.assert_allclose(_np(out), _np(t(torch.tensor(x))), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(m.weight.detach().numpy(), 1.0)


def test_load_torch_batchnorm_state_dict(torch):
    t = torch.nn.BatchNorm2d(3)
    for _ in range(3):
        t(torch.randn(4, 3, 2, 2) * 2 + 1)
    m = nn.BatchNorm2d(3)
    m.load_state_dict({k: tinytorch.tensor(v.numpy()) for k, v in t.state_dict().items()})
    assert int(m.num_batches_tracked) == 3
    x = RNG.standard_normal((2, 3, 2, 2)).astype(np.float32)
    m.eval()
    t.eval()
    np.testing.assert_allclose(_np(m(tinytorch.tensor(x))), _np(t(torch.tensor(x))),
                               rtol=1e-5, atol=1e-5)


# --- without torch --------------------------------------------------------------------------

def test_batchnorm_training_normalises_and_updates_running_stats():
    x = RNG.standard_normal((10, 3, 4, 4)) * np.array([1.0, 2.0, 5.0])[:, None, None] + 7
    bn = nn.BatchNorm2d(3, momentum=0.25).double()
    y = _np(bn(tinytorch.tensor(x)))
    np.testing.assert_allclose(y.mean(axis=(0, 2, 3)), 0, atol=1e-12)
    np.testing.assert_allclose(y.var(axis=(0, 2, 3)), 1, atol=1e-3)   # eps = 1e-5
    n = 10 * 4 * 4
    mean, var = x.mean(axis=(0, 2, 3)), x.var(axis=(0, 2, 3))
    # r ← (1 - momentum)·r + momentum·stat, with the unbiased variance for running_var
    np.testing.assert_allclose(bn.running_mean.numpy(), 0.75 * 0 + 0.25 * mean)
    np.testing.assert_allclose(bn.running_var.numpy(), 0.75 * 1 + 0.25 * var * n / (n - 1))
    assert int(bn.num_batches_tracked) == 1


def test_batchnorm_momentum_none_is_a_cumulative_average():
    bn = nn.BatchNorm1d(2, momentum=None).double()
    xs = [RNG.standard_normal((5, 2)) + k for k in range(3)]
    for x in xs:
        bn(tinytorch.tensor(x))
    np.testing.assert_allclose(bn.running_mean.numpy(), np.mean([x.mean(0) for x in xs], 0))
    assert int(bn.num_batches_tracked) == 3


def test_batchnorm_eval_uses_running_stats_and_its_gradient():
    bn = _randomise(nn.BatchNorm1d(3).double())
    bn.running_mean.data[...] = [1.0, -2.0, 0.5]
    bn.running_var.data[...] = [4.0, 0.25, 1.0]
    bn.eval()
    x = _leaf(RNG.standard_normal((4, 3)))
    y = bn(x)
    w, b = bn.weight.detach().numpy(), bn.bias.detach().numpy()
    scale = w / np.sqrt(bn.running_var.numpy() + bn.eps)
    expect = (x.detach().numpy() - bn.running_mean.numpy()) * scale + b
    np.testing.assert_allclose(y.detach().numpy(), expect)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.broadcast_to(scale, (4, 3)))
    assert int(bn.num_batches_tracked) == 0                 # eval leaves the buffers alone
    # one example is fine in eval mode, and independent of the rest of the batch
    np.testing.assert_allclose(bn(x[:1]).detach().numpy(), expect[:1])


def test_batchnorm_without_running_stats_uses_batch_stats_in_eval():
    bn = nn.BatchNorm1d(3, track_running_stats=False).double().eval()
    y = _np(bn(tinytorch.tensor(RNG.standard_normal((6, 3)) * 4)))
    np.testing.assert_allclose(y.mean(0), 0, atol=1e-12)
    assert bn.running_mean is None and list(bn.state_dict()) == ["weight", "bias"]


def test_layernorm_definition():
    x = RNG.standard_normal((3, 4, 5)) * 3 + 2
    ln = _randomise(nn.LayerNorm((4, 5)).double())
    mean = x.mean(axis=(1, 2), keepdims=True)
    var = x.var(axis=(1, 2), keepdims=True)
    expect = (x - mean) / np.sqrt(var + 1e-5) * ln.weight.detach().numpy() + \
        ln.bias.detach().numpy()
    np.testing.assert_allclose(ln(tinytorch.tensor(x)).detach().numpy(), expect, atol=1e-12)


def test_batch_norm_gradchecks():
    x = _leaf(RNG.standard_normal((4, 3, 2)))
    w, b = _leaf(RNG.standard_normal(3)), _leaf(RNG.standard_normal(3))
    assert gradcheck(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
                     (x, w, b))
    rm, rv = tinytorch.tensor(RNG.standard_normal(3)), tinytorch.tensor(RNG.random(3) + 0.5)
    assert gradcheck(lambda x, w, b: F.batch_norm(x, rm, rv, w, b, training=False),
                     (x, w, b))
    # without affine parameters, and through the module (which also updates buffers)
    assert gradcheck(lambda x: F.batch_norm(x, None, None, training=True), (x,))
    bn = nn.BatchNorm2d(2).double()
    x4 = _leaf(RNG.standard_normal((3, 2, 2, 2)))
    assert gradcheck(lambda x, w, b: F.batch_norm(x, None, None, w, b, True, 0.1, bn.eps),
                     (x4, bn.weight, bn.bias))


def test_layer_norm_gradchecks():
    x = _leaf(RNG.standard_normal((3, 2, 4)))
    w, b = _leaf(RNG.standard_normal((2, 4))), _leaf(RNG.standard_normal((2, 4)))
    assert gradcheck(lambda x, w, b: F.layer_norm(x, (2, 4), w, b), (x, w, b))
    assert gradcheck(lambda x: F.layer_norm(x, (4,)), (x,))
    b4 = _leaf(RNG.standard_normal(4))
    assert gradcheck(lambda x, b: F.layer_norm(x, (4,), None, b), (x, b4))


def test_state_dicts_buffers_and_dtype_conversion():
    bn = nn.BatchNorm2d(4)
    assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var",
                                     "num_batches_tracked"]
    assert [n for n, _ in bn.named_parameters()] == ["weight", "bias"]
    bn.double()
    assert bn.running_mean.dtype == tinytorch.float64
    assert bn.num_batches_tracked.dtype == tinytorch.int64
    assert list(nn.BatchNorm1d(2, affine=False).state_dict()) == \
        ["running_mean", "running_var", "num_batches_tracked"]
    assert list(nn.LayerNorm(3, bias=False).state_dict()) == ["weight"]
    assert nn.LayerNorm(3, elementwise_affine=False).weight is None
    bn.train()
    bn(tinytorch.randn(2, 4, 3, 3, dtype=tinytorch.float64))
    bn.reset_running_stats()
    assert int(bn.num_batches_tracked) == 0 and bn.running_var.numpy().tolist() == [1.0] * 4


def test_normalization_errors():
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D input\)"):
        nn.BatchNorm1d(3)(tinytorch.randn(4, 3, 2, 2))
    with pytest.raises(ValueError, match=r"expected 4D input \(got 3D input\)"):
        nn.BatchNorm2d(3)(tinytorch.randn(4, 3, 2))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        nn.BatchNorm1d(3)(tinytorch.randn(1, 3))
    with pytest.raises(RuntimeError, match="running_mean should contain 4 elements not 3"):
        nn.BatchNorm1d(3)(tinytorch.randn(5, 4))
    with pytest.raises(RuntimeError, match="running_mean must be defined in evaluation mode"):
        F.batch_norm(tinytorch.randn(4, 3), None, None, training=False)
    with pytest.raises(RuntimeError, match="mixed dtype"):
        nn.BatchNorm1d(3)(tinytorch.randn(4, 3, dtype=tinytorch.float64))
    with pytest.raises(RuntimeError, match=r"Given normalized_shape=\[4\], expected input with "
                       r"shape \[\*, 4\], but got input of size\[2, 3\]"):
        nn.LayerNorm(4)(tinytorch.randn(2, 3))
    with pytest.raises(RuntimeError, match="Expected weight to be of same shape"):
        F.layer_norm(tinytorch.randn(2, 4), (4,), tinytorch.ones(3))
    with pytest.raises(TypeError, match="normalized_shape"):
        F.layer_norm(tinytorch.randn(2, 4), 4)
    with pytest.raises(NotImplementedError, match="Long"):
        F.layer_norm(tinytorch.tensor([[1, 2]]), (2,))
