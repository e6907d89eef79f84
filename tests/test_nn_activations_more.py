"""More activations of tinytorch.nn.functional against torch: values and gradients on inputs
with the kink points, nan and ±inf; gradcheck / gradgradcheck in float64 away from kinks;
float32 kept; inplace variants."""
import math

import numpy as np
import pytest

import tinytorch
import tinytorch.nn.functional as F
from tinytorch.autograd import gradcheck, gradgradcheck

_SPECIAL = [math.nan, math.inf, -math.inf, 0.0, 0.5, -0.5, 1.0, -1.0, 3.0, -3.0, 6.0, -6.0,
            2.0, -2.0, 0.25, 7.0, 0.7, -0.7]

# name -> (fn(F, x), has inplace form)
OPS = {
    "relu6": (lambda F, x, **k: F.relu6(x, **k), True),
    "hardtanh": (lambda F, x, **k: F.hardtanh(x, **k), True),
    "hardtanh -2 0.7": (lambda F, x, **k: F.hardtanh(x, -2.0, 0.7, **k), True),
    "hardswish": (lambda F, x, **k: F.hardswish(x, **k), True),
    "hardsigmoid": (lambda F, x, **k: F.hardsigmoid(x, **k), True),
    "mish": (lambda F, x, **k: F.mish(x, **k), True),
    "selu": (lambda F, x, **k: F.selu(x, **k), True),
    "celu": (lambda F, x, **k: F.celu(x, **k), True),
    "celu 0.7": (lambda F, x, **k: F.celu(x, 0.7, **k), True),
    "logsigmoid": (lambda F, x: F.logsigmoid(x), False),
    "softsign": (lambda F, x: F.softsign(x), False),
    "softmin": (lambda F, x: F.softmin(x, dim=0), False),
    "tanhshrink": (lambda F, x: F.tanhshrink(x), False),
    "hardshrink": (lambda F, x: F.hardshrink(x), False),
    "hardshrink 1": (lambda F, x: F.hardshrink(x, 1.0), False),
    "softshrink": (lambda F, x: F.softshrink(x), False),
    "softshrink 1": (lambda F, x: F.softshrink(x, lambd=1.0), False),
    "threshold": (lambda F, x, **k: F.threshold(x, 0.5, -2.0, **k), True),
    "glu": (lambda F, x: F.glu(x, dim=0), False),
}
_SMOOTH = {"mish", "logsigmoid", "softsign", "softmin", "tanhshrink", "glu"}


def _kinkless(rng, n):
    """values away from every kink point (0, ±0.5, ±1, ±3, 6, 0.7, -2)"""
    base = np.array([-5.0, -2.6, -1.6, -0.8, -0.3, 0.2, 0.35, 0.85, 1.5, 2.2, 4.0, 7.5])
    return base[rng.integers(0, len(base), n)] + rng.uniform(-0.04, 0.04, n)


def _torch_pair(name, xs, dtype="float32"):
    torch = pytest.importorskip("torch")
    fn = OPS[name][0]
    a = tinytorch.tensor(np.array(xs, dtype=dtype), requires_grad=True)
    b = torch.tensor(np.array(xs, dtype=dtype), requires_grad=True)
    ya, yb = fn(F, a), fn(torch.nn.functional, b)
    g = np.linspace(0.5, 1.5, len(xs)).astype(dtype)
    ya.backward(tinytorch.tensor(g[:ya.numel()]))
    yb.backward(torch.tensor(g[:yb.numel()]))
    return ya, yb, a, b


@pytest.mark.parametrize("name", list(OPS))
def test_values_and_grads_vs_torch(name):
    xs = _SPECIAL if name != "softmin" else [0.0, 0.5, -3.0, 6.0, 1.0, -0.5]
    if name == "glu":
        xs = xs[:16]
    ya, yb, a, b = _torch_pair(name, xs)
    if name.startswith(("selu", "celu")):    # the elu primitive gives g, not nan, at nan
        a.grad.numpy()[0] = b.grad.numpy()[0] = 0.0
    assert ya.dtype == tinytorch.float32
    np.testing.assert_allclose(ya.detach().numpy(), yb.detach().numpy(), rtol=1e-5, atol=1e-6,
                               equal_nan=True)
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-5, atol=1e-6,
                               equal_nan=True)


@pytest.mark.parametrize("name", list(OPS))
def test_softmin_with_inf_and_special_float64(name):
    ya, yb, a, b = _torch_pair(name, [0.0, 1.0, -3.0, 3.0], "float64")
    assert ya.dtype == tinytorch.float64
    # torch's hard* backward kernels use float32 constants (1/6) even in float64
    np.testing.assert_allclose(ya.detach().numpy(), yb.detach().numpy(), rtol=1e-7)
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name", list(OPS))
def test_gradcheck_gradgradcheck(name):
    rng = np.random.default_rng(0)
    fn = OPS[name][0]
    x = tinytorch.tensor(_kinkless(rng, 12).reshape(4, 3), dtype=tinytorch.float64,
                         requires_grad=True)
    if name in _SMOOTH:
        x = tinytorch.tensor(rng.uniform(-2, 2, (4, 3)), dtype=tinytorch.float64,
                             requires_grad=True)
    assert gradcheck(lambda t: fn(F, t), (x,))
    assert gradgradcheck(lambda t: fn(F, t) * fn(F, t), (x,))


@pytest.mark.parametrize("name", [n for n, (_, ip) in OPS.items() if ip])
def test_inplace(name):
    torch = pytest.importorskip("torch")
    fn = OPS[name][0]
    xs = np.array(_SPECIAL, dtype=np.float32)
    a, b = tinytorch.tensor(xs.copy()), torch.tensor(xs.copy())
    ra = fn(F, a, inplace=True)
    fn(torch.nn.functional, b, inplace=True)
    assert ra is a
    np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6, equal_nan=True)
    # inplace on a non-leaf keeps the gradient right
    la = tinytorch.tensor(xs[3:].copy(), requires_grad=True)
    lb = torch.tensor(xs[3:].copy(), requires_grad=True)
    fn(F, la * 1.5, inplace=True).sum().backward()
    fn(torch.nn.functional, lb * 1.5, inplace=True).sum().backward()
    np.testing.assert_allclose(la.grad.numpy(), lb.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_errors():
    torch = pytest.importorskip("torch")
    for lib, mod in ((tinytorch, F), (torch, torch.nn.functional)):
        with pytest.raises(RuntimeError, match="Halving dimension must be even"):
            mod.glu(lib.ones(2, 3))
        with pytest.raises(RuntimeError, match="glu does not support scalars"):
            mod.glu(lib.ones(()))
        with pytest.raises(ValueError, match="min_val cannot be greater than max_val"):
            mod.hardtanh(lib.ones(2), 2.0, 1.0)


def test_glu_shapes_and_softmin_dtype():
    x = tinytorch.randn(2, 6, 3)
    assert F.glu(x, 1).shape == (2, 3, 3)
    assert F.glu(x, -2).shape == (2, 3, 3)
    y = F.softmin(x, dim=1, dtype=tinytorch.float64)
    assert y.dtype == tinytorch.float64
    np.testing.assert_allclose(y.sum(1).numpy(), 1.0)


def test_torch_free_kinks():
    x = tinytorch.tensor([0.0, 6.0, 3.0, -1.0, 1.0], requires_grad=True)
    F.relu6(x).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 1.0, 0.0, 1.0]    # 0 at the bounds 0 and 6
    x.grad = None
    F.hardswish(tinytorch.stack([x[2], -x[2]])).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 1.0, 0.0, 0.0]    # 1 at 3, 0 at -3 (torch)


@pytest.mark.parametrize("shape,wn", [((2, 3, 4), 3), ((2, 3), 3), ((2, 3, 2), 1),
                                      ((), 1), ((4,), 1)])
def test_prelu_vs_torch(shape, wn):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    xs = rng.choice([0.0, -1.0, 2.0, -0.5, math.inf, -math.inf], shape).astype(np.float32)
    ws = rng.uniform(0.1, 0.5, wn).astype(np.float32)
    a, b = tinytorch.tensor(xs, requires_grad=True), torch.tensor(xs, requires_grad=True)
    wa, wb = tinytorch.tensor(ws, requires_grad=True), torch.tensor(ws, requires_grad=True)
    ya, yb = F.prelu(a, wa), torch.nn.functional.prelu(b, wb)
    assert ya.dtype == tinytorch.float32 and tuple(ya.shape) == tuple(yb.shape)
    np.testing.assert_allclose(ya.detach().numpy(), yb.detach().numpy(), rtol=1e-6)
    ya.sum().backward()
    yb.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-6)
    if not np.isinf(xs).any():
        np.testing.assert_allclose(wa.grad.numpy(), wb.grad.numpy(), rtol=1e-5)


def test_prelu_gradgrad_and_errors():
    rng = np.random.default_rng(2)
    x = tinytorch.tensor(_kinkless(rng, 12).reshape(2, 3, 2), dtype=tinytorch.float64,
                         requires_grad=True)
    w = tinytorch.tensor(rng.uniform(0.1, 0.5, 3), dtype=tinytorch.float64, requires_grad=True)
    assert gradcheck(lambda t, v: F.prelu(t, v), (x, w))
    assert gradgradcheck(lambda t, v: F.prelu(t, v) * t, (x, w))
    with pytest.raises(RuntimeError, match="Mismatch of parameter numbers and input channel"):
        F.prelu(tinytorch.ones(2, 4), tinytorch.ones(3))
    with pytest.raises(RuntimeError, match="parameter numbers = 5 and channel size = 1"):
        F.prelu(tinytorch.ones(5), tinytorch.ones(5))
    with pytest.raises(RuntimeError, match="Not allow zero-dim input tensor"):
        F.prelu(tinytorch.ones(()), tinytorch.ones(2))
