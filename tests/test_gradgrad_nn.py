"""Second (and third) derivatives of the fused nn primitives, through nn.functional.

gradgradcheck (float64, finite differences of the first gradient, random upstream gradients)
for every primitive in tinytorch/functions/nn.py and conv.py over its important options, a
few third-order checks (gradgradcheck of a gradient), and the second derivatives against
PyTorch where it is importable.  Shapes are tiny: every check builds full Jacobians.

Inputs stay away from kinks (|x| >= 0.2 for relu-like ops, |x - y| away from 0 and from β/δ,
distinct values for max pooling), so finite differences do not straddle one.
"""
import zlib

import numpy as np
import pytest

import tinytorch
from tinytorch.autograd import gradgradcheck

from second_order import assert_same_second_derivatives, leaves, second_derivatives


def U(*shape, lo=-2.0, hi=2.0):
    return lambda rng: rng.uniform(lo, hi, shape)


def A(*shape):
    """values with |x| in [0.2, 2]: no relu-like kink within reach of finite differences"""
    return lambda rng: rng.uniform(0.2, 2.0, shape) * rng.choice([-1.0, 1.0], shape)


def D(*shape):
    """distinct values at least 0.1 apart (max pooling: no ties)"""
    def make(rng):
        n = int(np.prod(shape))
        return (rng.permutation(n) * 0.37 - n * 0.15).reshape(shape) + rng.uniform(0, .05)
    return make


def F(L):
    return L.nn.functional


def C(L, a, dtype=None):
    """a constant (target, index, running statistic) in library L"""
    return L.tensor(np.asarray(a), dtype=dtype)


_Y4 = np.array([0, 2, 1, 2])
_YND = np.array([[[0, 2], [1, 1]], [[2, 0], [1, 2]]])        # (N=2, d1=2, d2=2), C = 3
_W3 = np.array([0.5, 1.5, 1.0])
_IDX = np.array([[0, 2, 0], [4, 2, 2]])


def _probs(rng, *shape):
    t = rng.uniform(0.1, 1.0, shape)
    return t / t.sum(axis=1, keepdims=True)


def _dropout(L, x):
    L.manual_seed(0)          # the same mask at every call of the check
    return F(L).dropout(x, 0.4) * x


# name -> (fn(L, *inputs), input makers); constants are built inside fn
CASES = {
    # --- linear and activations
    "linear": (lambda L, x, w, b: F(L).linear(x, w, b), [U(3, 4), U(2, 4), U(2)]),
    "linear 3d no bias": (lambda L, x, w: F(L).linear(x, w) ** 2, [U(2, 3, 4), U(2, 4)]),
    "leaky_relu": (lambda L, x: F(L).leaky_relu(x, 0.1) * x, [A(2, 5)]),
    "gelu": (lambda L, x: F(L).gelu(x), [U(2, 5)]),
    "gelu tanh": (lambda L, x: F(L).gelu(x, approximate="tanh"), [U(2, 5)]),
    "silu": (lambda L, x: F(L).silu(x), [U(2, 5)]),
    "softplus": (lambda L, x: F(L).softplus(x), [U(2, 5)]),
    "softplus beta threshold": (lambda L, x: F(L).softplus(x, beta=2.0, threshold=3.0) * x,
                                [U(2, 5)]),
    "elu": (lambda L, x: F(L).elu(x, alpha=0.7) * x, [A(2, 5)]),
    "dropout": (_dropout, [U(3, 4)]),
    # --- regression losses (x and target both differentiable)
    "mse_loss": (lambda L, x, y: F(L).mse_loss(x * x, y), [U(2, 3), U(2, 3)]),
    "mse_loss sum": (lambda L, x, y: F(L).mse_loss(x, y, reduction="sum") ** 2,
                     [U(2, 3), U(2, 3)]),
    "mse_loss none": (lambda L, x, y: F(L).mse_loss(x * y, y, reduction="none"),
                      [U(2, 3), U(2, 3)]),
    "l1_loss": (lambda L, x: F(L).l1_loss(x * x, C(L, np.full((2, 3), 1.0))),
                [U(2, 3, lo=1.2, hi=2.0)]),
    "smooth_l1_loss": (lambda L, x, y: F(L).smooth_l1_loss(x, y, beta=0.5, reduction="none")
                       * x, [U(2, 3, lo=-1.0, hi=1.0), U(2, 3, lo=-0.05, hi=0.05)]),
    "smooth_l1_loss beta 0": (lambda L, x, y: F(L).smooth_l1_loss(x * x, y, beta=0.0),
                              [U(2, 3, lo=1.2, hi=2.0), U(2, 3, lo=-0.5, hi=0.5)]),
    "huber_loss": (lambda L, x, y: F(L).huber_loss(x, y, delta=0.8, reduction="sum") * x.sum(),
                   [U(2, 3, lo=-1.5, hi=1.5), U(2, 3, lo=-0.05, hi=0.05)]),
    "binary_cross_entropy": (lambda L, x, y: F(L).binary_cross_entropy(
        x, y, weight=C(L, [[1.0, 0.5, 2.0]])), [U(2, 3, lo=0.1, hi=0.9), U(2, 3, lo=0, hi=1)]),
    "binary_cross_entropy none": (lambda L, x, y: F(L).binary_cross_entropy(
        x, y, reduction="none"), [U(2, 3, lo=0.1, hi=0.9), U(2, 3, lo=0, hi=1)]),
    "bce_with_logits": (lambda L, x, y: F(L).binary_cross_entropy_with_logits(x, y),
                        [U(2, 3), U(2, 3, lo=0, hi=1)]),
    "bce_with_logits weights": (lambda L, x, y: F(L).binary_cross_entropy_with_logits(
        x, y, weight=C(L, [[1.0, 0.5, 2.0]]), pos_weight=C(L, [2.0, 0.5, 1.5]),
        reduction="sum"), [U(2, 3), U(2, 3, lo=0, hi=1)]),
    # --- classification losses
    "cross_entropy": (lambda L, x: F(L).cross_entropy(x, C(L, _Y4)), [U(4, 3)]),
    "cross_entropy weight ignore smoothing": (lambda L, x: F(L).cross_entropy(
        x, C(L, _Y4), weight=C(L, _W3), ignore_index=1, label_smoothing=0.2), [U(4, 3)]),
    "cross_entropy smoothing sum": (lambda L, x: F(L).cross_entropy(
        x, C(L, _Y4), label_smoothing=0.3, reduction="sum"), [U(4, 3)]),
    "cross_entropy weight none": (lambda L, x: F(L).cross_entropy(
        x, C(L, _Y4), weight=C(L, _W3), reduction="none"), [U(4, 3)]),
    "cross_entropy nd ignore weight": (lambda L, x: F(L).cross_entropy(
        x, C(L, _YND), weight=C(L, _W3), ignore_index=2), [U(2, 3, 2, 2)]),
    "cross_entropy nd smoothing none": (lambda L, x: F(L).cross_entropy(
        x, C(L, _YND), label_smoothing=0.1, reduction="none"), [U(2, 3, 2, 2)]),
    "cross_entropy unbatched": (lambda L, x: F(L).cross_entropy(x, C(L, 1)), [U(3)]),
    "cross_entropy probs": (lambda L, x, t: F(L).cross_entropy(x, t),
                            [U(3, 4), lambda rng: _probs(rng, 3, 4)]),
    "cross_entropy probs weight smoothing sum": (lambda L, x, t: F(L).cross_entropy(
        x, t, weight=C(L, [0.5, 1.5, 1.0, 2.0]), label_smoothing=0.2, reduction="sum"),
        [U(3, 4), lambda rng: _probs(rng, 3, 4)]),
    "cross_entropy probs nd none": (lambda L, x, t: F(L).cross_entropy(x, t, reduction="none"),
                                    [U(2, 3, 2), lambda rng: _probs(rng, 2, 3, 2)]),
    "nll_loss": (lambda L, x: F(L).nll_loss(x, C(L, _Y4)) * x.sum(), [U(4, 3)]),
    "nll_loss weight ignore": (lambda L, x: F(L).nll_loss(
        x * x, C(L, _Y4), weight=C(L, _W3), ignore_index=0), [U(4, 3)]),
    "nll_loss nd sum": (lambda L, x: F(L).nll_loss(x * x, C(L, _YND), reduction="sum"),
                        [U(2, 3, 2, 2)]),
    # --- convolution and pooling
    "conv2d": (lambda L, x, w, b: F(L).conv2d(x, w, b), [U(1, 2, 4, 4), U(3, 2, 2, 2), U(3)]),
    "conv2d stride padding dilation": (lambda L, x, w: F(L).conv2d(
        x, w, stride=2, padding=1, dilation=2), [U(1, 2, 5, 5), U(2, 2, 2, 2)]),
    "conv2d groups": (lambda L, x, w, b: F(L).conv2d(x, w, b, padding=(1, 0), groups=2),
                      [U(1, 4, 3, 3), U(4, 2, 2, 2), U(4)]),
    "conv2d 1x1": (lambda L, x, w: F(L).conv2d(x, w), [U(2, 3, 2, 2), U(2, 3, 1, 1)]),
    "max_pool2d": (lambda L, x: F(L).max_pool2d(x, 2), [D(1, 2, 4, 4)]),
    "max_pool2d squared overlap padding": (lambda L, x: F(L).max_pool2d(
        x, 3, stride=1, padding=1) ** 2, [D(1, 2, 4, 4)]),
    "max_pool2d dilation ceil": (lambda L, x: F(L).max_pool2d(
        x, 2, stride=2, dilation=2, ceil_mode=True) ** 2, [D(1, 1, 6, 6)]),
    "avg_pool2d": (lambda L, x: F(L).avg_pool2d(x, 2) ** 2, [U(1, 2, 4, 4)]),
    "avg_pool2d padding exclude ceil": (lambda L, x: F(L).avg_pool2d(
        x, 3, stride=2, padding=1, count_include_pad=False, ceil_mode=True) ** 2,
        [U(1, 2, 4, 4)]),
    "avg_pool2d divisor_override": (lambda L, x: F(L).avg_pool2d(
        x, 2, stride=1, divisor_override=3) * F(L).avg_pool2d(x, 2, stride=1),
        [U(1, 1, 3, 3)]),
    # --- normalisation and embedding
    "batch_norm train": (lambda L, x, w, b: F(L).batch_norm(
        x, L.zeros(2, dtype=L.float64), L.ones(2, dtype=L.float64), w, b, training=True),
        [U(3, 2, 2), U(2), U(2)]),
    "batch_norm train no affine 4d": (lambda L, x: F(L).batch_norm(
        x, None, None, training=True) * x, [U(2, 2, 2, 2)]),
    "batch_norm eval": (lambda L, x, w, b: F(L).batch_norm(
        x, C(L, [0.3, -0.2]), C(L, [1.5, 0.7]), w, b, training=False) * x,
        [U(3, 2, 2), U(2), U(2)]),
    "layer_norm": (lambda L, x, w, b: F(L).layer_norm(x, (2, 3), w, b),
                   [U(2, 2, 3), U(2, 3), U(2, 3)]),
    "layer_norm no affine": (lambda L, x: F(L).layer_norm(x, (4,)) * x, [U(3, 4)]),
    "embedding": (lambda L, w: F(L).embedding(C(L, _IDX), w) ** 2, [U(5, 3)]),
    "embedding padding_idx": (lambda L, w: F(L).embedding(C(L, _IDX), w, padding_idx=2) ** 2,
                              [U(5, 3)]),
    # scale_grad_by_freq scales the gradient on purpose (it is not the derivative), so only
    # its linear use is checked: the derivative of the scaled gradient w.r.t. the upstream
    # gradient (torch's double backward drops the scaling: its own gradgradcheck fails here)
    "embedding scale_grad_by_freq": (lambda L, w: F(L).embedding(
        C(L, _IDX), w, padding_idx=0, scale_grad_by_freq=True) * C(L, np.arange(18.0).reshape(
            2, 3, 3)), [U(5, 3)]),
}
# dropout: torch draws another mask; l1_loss: torch's first double backward of it spends
# ~2 s setting up (its second derivative is 0 anyway: gradgradcheck covers it)
NO_TORCH = {"dropout", "l1_loss"}


def _arrays(name):
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    return [m(rng) for m in CASES[name][1]]


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradgradcheck(name):
    fn = CASES[name][0]
    assert gradgradcheck(lambda *xs: fn(tinytorch, *xs), leaves(_arrays(name), tinytorch))


# third derivatives: gradgradcheck of the map x -> dL/dx (with a fixed upstream gradient)
THIRD = ["gelu", "gelu tanh", "silu", "softplus beta threshold", "elu", "mse_loss",
         "binary_cross_entropy", "bce_with_logits weights",
         "cross_entropy weight ignore smoothing", "cross_entropy probs", "nll_loss",
         "conv2d groups", "max_pool2d squared overlap padding", "avg_pool2d", "batch_norm train",
         "layer_norm no affine", "embedding padding_idx"]


@pytest.mark.parametrize("name", THIRD)
def test_third_derivatives(name):
    fn = CASES[name][0]
    arrays = _arrays(name)

    def gradient(*xs):
        out = fn(tinytorch, *xs)
        v = tinytorch.tensor(np.random.default_rng(7).standard_normal(tuple(out.shape)))
        return tinytorch.autograd.grad(out, xs, v, create_graph=True)

    assert gradgradcheck(gradient, leaves(arrays, tinytorch))


def test_large_weight_gradient_path(monkeypatch):
    """Above _BATCHED_WGRAD_LIMIT conv's dL/dW is one big matmul: differentiable too."""
    from tinytorch.functions import conv
    monkeypatch.setattr(conv, "_BATCHED_WGRAD_LIMIT", 0)
    fn = CASES["conv2d"][0]
    assert gradgradcheck(lambda *xs: fn(tinytorch, *xs), leaves(_arrays("conv2d"), tinytorch))


@pytest.mark.parametrize("name", sorted(set(CASES) - NO_TORCH))
def test_second_derivatives_match_torch(name):
    torch = pytest.importorskip("torch")
    fn = CASES[name][0]
    arrays = _arrays(name)
    assert_same_second_derivatives(second_derivatives(tinytorch, fn, arrays),
                                   second_derivatives(torch, fn, arrays), 1e-6)


@pytest.mark.parametrize("name, node", [
    ("gelu", "GeluBackwardBackward0"),
    ("max_pool2d", "MaxPool2DWithIndicesBackwardBackward0"),
    ("embedding", "EmbeddingDenseBackwardBackward0"),
])
def test_double_backward_nodes_are_named_as_torch(name, node):
    fn = CASES[name][0]
    xs = leaves(_arrays(name), tinytorch)
    out = fn(tinytorch, *xs)
    v = tinytorch.ones(tuple(out.shape), dtype=tinytorch.float64, requires_grad=True)
    (g,) = tinytorch.autograd.grad(out, xs, v, create_graph=True)
    names = set()
    stack = [g.grad_fn]
    while stack:
        n = stack.pop()
        if n is not None and hasattr(n, "next_functions"):
            names.add(type(n).__name__)
            stack.extend(e[0] for e in n.next_functions if e is not None)
    assert node in names


def test_first_order_gradients_have_no_history():
    """Without create_graph nothing is recorded, even through the new backward primitives."""
    x = tinytorch.randn(1, 2, 4, 4, requires_grad=True)
    w = tinytorch.randn(3, 2, 2, 2, requires_grad=True)
    y = F(tinytorch).max_pool2d(F(tinytorch).conv2d(x, w), 2)
    gx, gw = tinytorch.autograd.grad(F(tinytorch).gelu(y).sum(), (x, w))
    assert gx.grad_fn is None and gw.grad_fn is None
    assert not gx.requires_grad and not gw.requires_grad


@pytest.mark.parametrize("name", ["conv2d groups", "batch_norm train", "layer_norm",
                                  "cross_entropy weight ignore smoothing"])
def test_a_second_backward_recomputes_what_the_first_reused(name):
    """A first-order backward reuses a value forward computed (cached on the node, dropped
    after use, as saved tensors are); a second backward (retain_graph) recomputes it from
    the saved input, to the same bits."""
    fn = CASES[name][0]
    xs = leaves(_arrays(name), tinytorch)
    out = fn(tinytorch, *xs)
    v = tinytorch.tensor(np.random.default_rng(3).standard_normal(tuple(out.shape)))
    first = [g.numpy().copy() for g in tinytorch.autograd.grad(out, xs, v, retain_graph=True)]
    assert "cache" not in vars(out.grad_fn)
    second = [g.numpy() for g in tinytorch.autograd.grad(out, xs, v)]
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
