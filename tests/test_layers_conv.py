"""Conv2d and pooling: against PyTorch when importable (values, input and parameter gradients),
finite-difference gradchecks in float64, default init, reprs and error messages."""
import math

import numpy as np
import pytest

import tinytorch
import tinytorch.nn.functional as F
from tinytorch import nn
from tinytorch.autograd import gradcheck

RNG = np.random.default_rng(0)

# torch notes that it copies the input for padding='same' with even kernels: not our concern
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same':UserWarning")


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def _leaf(a, lib=tinytorch):
    return lib.tensor(np.array(a), requires_grad=True)


def _close(a, b, tol=1e-10):
    a = a.detach().numpy() if hasattr(a, "detach") and not isinstance(a, tinytorch.Tensor) \
        else np.asarray(a.data if isinstance(a, tinytorch.Tensor) else a)
    b = b.data if isinstance(b, tinytorch.Tensor) else np.asarray(b)
    assert a.shape == b.shape, (a.shape, b.shape)
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def _compare_fn(torch, t_fn, m_fn, arrays, grads=True):
    """Run the same function on torch and tinytorch leaves (float64); compare the output and,
    with a random upstream gradient, the gradient of every input."""
    ts = [torch.tensor(a, requires_grad=grads) for a in arrays]
    ms = [tinytorch.tensor(a, requires_grad=grads) for a in arrays]
    to, mo = t_fn(*ts), m_fn(*ms)
    _close(to, mo)
    if grads:
        g = RNG.standard_normal(tuple(to.shape))
        to.backward(torch.tensor(g))
        mo.backward(tinytorch.tensor(g))
        for t, m in zip(ts, ms):
            _close(t.grad, m.grad)
    return to, mo


# --- conv2d against torch -------------------------------------------------------------------

CONV_CASES = [
    # (input shape, weight shape, kwargs)
    ((2, 3, 7, 6), (4, 3, 3, 3), {}),
    ((2, 3, 7, 6), (4, 3, 3, 3), dict(padding=1)),
    ((2, 3, 9, 8), (5, 3, 3, 2), dict(stride=(2, 1), padding=(1, 2))),        # rectangular
    ((2, 2, 9, 9), (3, 2, 3, 3), dict(stride=2, padding=2, dilation=2)),
    ((1, 3, 8, 7), (2, 3, 2, 3), dict(dilation=(2, 1), stride=(1, 3))),
    ((2, 3, 5, 4), (6, 3, 1, 1), {}),                                          # 1x1
    ((2, 3, 5, 4), (6, 3, 1, 1), dict(stride=2, padding=1)),
    ((2, 4, 6, 6), (6, 2, 3, 3), dict(groups=2, padding=1)),                  # groups
    ((2, 4, 6, 5), (4, 1, 3, 3), dict(groups=4)),                             # depthwise
    ((2, 3, 6, 5), (4, 3, 2, 3), dict(padding="same", dilation=(1, 2))),
    ((2, 3, 6, 5), (4, 3, 3, 3), dict(padding="valid")),
    ((3, 6, 5), (4, 3, 3, 2), dict(padding=1)),                               # unbatched
]


@pytest.mark.parametrize("xs,ws,kw", CONV_CASES)
@pytest.mark.parametrize("bias", [True, False])
def test_conv2d_matches_torch(torch, xs, ws, kw, bias):
    arrays = [RNG.standard_normal(xs), RNG.standard_normal(ws)]
    if bias:
        arrays.append(RNG.standard_normal(ws[0]))
    _compare_fn(torch, lambda *a: torch.nn.functional.conv2d(*a, **kw),
                lambda *a: F.conv2d(*a, **kw), arrays)


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
def test_conv2d_module_matches_torch_with_copied_weights(torch, mode):
    kw = dict(kernel_size=(3, 2), stride=(1, 2), padding=(2, 1), padding_mode=mode)
    m = nn.Conv2d(3, 4, **kw).double()
    t = torch.nn.Conv2d(3, 4, **kw).double()
    assert list(m.state_dict()) == list(t.state_dict()) == ["weight", "bias"]
    t.load_state_dict({k: torch.tensor(v.numpy()) for k, v in m.state_dict().items()})
    x = RNG.standard_normal((2, 3, 6, 7))
    tx, mx = _leaf(x, torch), _leaf(x)
    to, mo = t(tx), m(mx)
    _close(to, mo)
    g = RNG.standard_normal(tuple(to.shape))
    to.backward(torch.tensor(g))
    mo.backward(tinytorch.tensor(g))
    _close(tx.grad, mx.grad)
    _close(t.weight.grad, m.weight.grad)
    _close(t.bias.grad, m.bias.grad)
    assert repr(m) == repr(t)


def test_conv2d_reprs_match_torch(torch):
    for args, kw in [((1, 8, 3), dict(padding=1)), ((3, 8, (3, 2)), dict(stride=2, bias=False)),
                     ((4, 8, 3), dict(padding="same", dilation=2, groups=2)),
                     ((2, 2, 1), dict(padding_mode="reflect", padding=1))]:
        assert repr(nn.Conv2d(*args, **kw)) == repr(torch.nn.Conv2d(*args, **kw))


def test_conv2d_float32_forward_matches_torch(torch):
    x = RNG.standard_normal((4, 3, 10, 10)).astype(np.float32)
    w = RNG.standard_normal((8, 3, 3, 3)).astype(np.float32)
    out = F.conv2d(tinytorch.tensor(x), tinytorch.tensor(w), padding=1)
    assert out.dtype == tinytorch.float32
    ref = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), padding=1)
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-5, atol=1e-5)


# --- conv2d without torch -------------------------------------------------------------------

def _direct_conv(x, w, b, stride, pad, dil):
    """Textbook definition, one output pixel at a time (tiny shapes only)."""
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
    ho = (h + 2 * pad[0] - dil[0] * (kh - 1) - 1) // stride[0] + 1
    wo = (wd + 2 * pad[1] - dil[1] * (kw - 1) - 1) // stride[1] + 1
    out = np.zeros((n, o, ho, wo))
    for i in range(ho):
        for j in range(wo):
            patch = xp[:, :, i * stride[0]:i * stride[0] + dil[0] * (kh - 1) + 1:dil[0],
                       j * stride[1]:j * stride[1] + dil[1] * (kw - 1) + 1:dil[1]]
            out[:, :, i, j] = np.einsum("nchw,ochw->no", patch, w) + b
    return out


def test_conv2d_matches_the_definition():
    x, w, b = RNG.standard_normal((2, 3, 7, 6)), RNG.standard_normal((4, 3, 3, 2)), \
        RNG.standard_normal(4)
    out = F.conv2d(tinytorch.tensor(x), tinytorch.tensor(w), tinytorch.tensor(b), stride=(2, 1),
                   padding=(1, 2), dilation=(1, 2))
    np.testing.assert_allclose(out.numpy(), _direct_conv(x, w, b, (2, 1), (1, 2), (1, 2)),
                               atol=1e-12)


@pytest.mark.parametrize("kw", [dict(stride=2, padding=1), dict(dilation=2, padding=(2, 1)),
                                dict(groups=2), dict(padding="same")])
def test_conv2d_gradcheck(kw):
    groups = kw.get("groups", 1)
    x = _leaf(RNG.standard_normal((2, 4, 5, 4)))
    w = _leaf(RNG.standard_normal((4, 4 // groups, 3, 2)))
    b = _leaf(RNG.standard_normal(4))
    assert gradcheck(lambda x, w, b: F.conv2d(x, w, b, **kw), (x, w, b))


def test_conv2d_module_gradcheck_through_parameters():
    m = nn.Conv2d(2, 3, (2, 3), stride=(2, 1), padding=1).double()
    x = _leaf(RNG.standard_normal((2, 2, 4, 4)))
    assert gradcheck(lambda x, w, b: F.conv2d(x, w, b, m.stride, m.padding), (x, m.weight,
                                                                               m.bias))
    m.zero_grad()
    m(x).sum().backward()
    assert m.weight.grad.shape == m.weight.shape and m.bias.grad.shape == (3,)
    assert x.grad is not None and x.grad.shape == x.shape


def test_conv2d_default_init_bounds():
    tinytorch.manual_seed(0)
    m = nn.Conv2d(8, 64, (3, 5), groups=2)
    fan_in = 4 * 3 * 5
    bound = 1 / math.sqrt(fan_in)
    w, b = m.weight.detach().numpy(), m.bias.detach().numpy()
    assert m.weight.shape == (64, 4, 3, 5) and m.weight.dtype == tinytorch.float32
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    # U(-bound, bound) has standard deviation bound/√3
    assert abs(w.std() - bound / math.sqrt(3)) < 0.05 * bound
    assert nn.Conv2d(2, 2, 3, bias=False).bias is None


def test_conv2d_no_grad_builds_no_graph_and_keeps_dtype():
    m = nn.Conv2d(1, 2, 3)
    with tinytorch.no_grad():
        y = m(tinytorch.randn(1, 1, 5, 5))
    assert y.grad_fn is None and not y.requires_grad and y.dtype == tinytorch.float32
    y = m(tinytorch.randn(1, 1, 5, 5))
    assert type(y.grad_fn).__name__ == "ConvolutionBackward0"


def test_conv2d_errors():
    x, w = tinytorch.randn(2, 1, 8, 8), tinytorch.randn(8, 3, 3, 3)
    with pytest.raises(RuntimeError, match=r"Given groups=1, weight of size \[8, 3, 3, 3\], "
                       r"expected input\[2, 1, 8, 8\] to have 3 channels, but got 1 channels "
                       r"instead"):
        F.conv2d(x, w)
    with pytest.raises(RuntimeError, match="Expected 3D \\(unbatched\\) or 4D"):
        F.conv2d(tinytorch.randn(2, 3), w)
    with pytest.raises(RuntimeError, match=r"Calculated padded input size per channel: "
                       r"\(2 x 2\). Kernel size: \(3 x 3\)"):
        F.conv2d(tinytorch.randn(1, 3, 2, 2), w)
    with pytest.raises(RuntimeError, match="expected bias to be 1-dimensional with 8"):
        F.conv2d(tinytorch.randn(1, 3, 5, 5), w, tinytorch.randn(4))
    with pytest.raises(RuntimeError, match="non-positive stride"):
        F.conv2d(tinytorch.randn(1, 3, 5, 5), w, stride=0)
    with pytest.raises(RuntimeError, match="negative padding"):
        F.conv2d(tinytorch.randn(1, 3, 5, 5), w, padding=-1)
    with pytest.raises(RuntimeError, match="list of 2 values"):
        F.conv2d(tinytorch.randn(1, 3, 5, 5), w, stride=(1, 2, 3))
    with pytest.raises(RuntimeError, match="strided convolutions"):
        F.conv2d(tinytorch.randn(1, 3, 5, 5), w, padding="same", stride=2)
    with pytest.raises(RuntimeError, match="Invalid padding string"):
        F.conv2d(tinytorch.randn(1, 3, 5, 5), w, padding="full")
    with pytest.raises(RuntimeError, match="expected scalar type Double but found Float"):
        F.conv2d(tinytorch.randn(1, 3, 5, 5, dtype=tinytorch.float64), w)
    with pytest.raises(RuntimeError, match="Given groups=2, expected weight to be divisible"):
        F.conv2d(tinytorch.randn(1, 4, 5, 5), tinytorch.randn(3, 2, 3, 3), groups=2)
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="padding_mode must be one of"):
        nn.Conv2d(3, 4, 3, padding_mode="mirror")
    with pytest.raises(TypeError, match="Tensor"):
        F.conv2d(np.zeros((1, 3, 5, 5)), w)


# --- pooling --------------------------------------------------------------------------------

MAX_CASES = [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1),
             dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 1), dilation=(1, 2)),
             dict(kernel_size=3, stride=2, ceil_mode=True),
             dict(kernel_size=2, stride=2, padding=1, ceil_mode=True)]
AVG_CASES = [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1),
             dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
             dict(kernel_size=3, stride=2, ceil_mode=True),
             dict(kernel_size=2, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
             dict(kernel_size=(3, 2), stride=1, divisor_override=5)]


@pytest.mark.parametrize("kw", MAX_CASES)
def test_max_pool2d_matches_torch_with_indices(torch, kw):
    x = RNG.standard_normal((2, 3, 7, 8))
    tx, mx = _leaf(x, torch), _leaf(x)
    (to, ti), (mo, mi) = (torch.nn.functional.max_pool2d(tx, return_indices=True, **kw),
                          F.max_pool2d(mx, return_indices=True, **kw))
    _close(to, mo)
    assert mi.dtype == tinytorch.int64 and np.array_equal(ti.numpy(), mi.numpy())
    g = RNG.standard_normal(tuple(to.shape))
    to.backward(torch.tensor(g))
    mo.backward(tinytorch.tensor(g))
    _close(tx.grad, mx.grad)


@pytest.mark.parametrize("kw", AVG_CASES)
def test_avg_pool2d_matches_torch(torch, kw):
    _compare_fn(torch, lambda x: torch.nn.functional.avg_pool2d(x, **kw),
                lambda x: F.avg_pool2d(x, **kw), [RNG.standard_normal((2, 3, 7, 8))])


@pytest.mark.parametrize("size", [1, (2, 3), (3, None), (7, 8), (4, 6), (5, 3)])
def test_adaptive_avg_pool2d_matches_torch(torch, size):
    _compare_fn(torch, lambda x: torch.nn.functional.adaptive_avg_pool2d(x, size),
                lambda x: F.adaptive_avg_pool2d(x, size), [RNG.standard_normal((2, 3, 7, 8))])


def test_pool_modules_match_torch_reprs_and_unbatched(torch):
    pairs = [(nn.MaxPool2d(2), torch.nn.MaxPool2d(2)),
             (nn.MaxPool2d((2, 3), stride=1, padding=1), torch.nn.MaxPool2d((2, 3), 1, 1)),
             (nn.AvgPool2d(3, 2, 1), torch.nn.AvgPool2d(3, 2, 1)),
             (nn.AdaptiveAvgPool2d((1, None)), torch.nn.AdaptiveAvgPool2d((1, None)))]
    x = RNG.standard_normal((3, 6, 7))
    for m, t in pairs:
        assert repr(m) == repr(t)
        _close(t(torch.tensor(x)), m(tinytorch.tensor(x)))


def test_integer_pooling_matches_torch(torch):
    x = RNG.integers(-9, 9, (2, 2, 5, 5))
    for fn in ("max_pool2d", "avg_pool2d"):
        out = getattr(F, fn)(tinytorch.tensor(x), 3, 2, 1)
        ref = getattr(torch.nn.functional, fn)(torch.tensor(x), 3, 2, 1)
        assert out.dtype == tinytorch.int64
        np.testing.assert_array_equal(out.numpy(), ref.numpy())


def _distinct(shape):
    """Well separated values: finite differences never cross a tie of the max."""
    return RNG.permutation(int(np.prod(shape))).reshape(shape) * 0.1


@pytest.mark.parametrize("kw", MAX_CASES)
def test_max_pool2d_gradcheck(kw):
    x = _leaf(_distinct((1, 2, 7, 8)))
    assert gradcheck(lambda x: F.max_pool2d(x, **kw), (x,))


@pytest.mark.parametrize("kw", AVG_CASES)
def test_avg_pool2d_gradcheck(kw):
    x = _leaf(RNG.standard_normal((1, 2, 7, 8)))
    assert gradcheck(lambda x: F.avg_pool2d(x, **kw), (x,))


@pytest.mark.parametrize("size", [1, (2, 3), (4, None)])
def test_adaptive_avg_pool2d_gradcheck(size):
    x = _leaf(RNG.standard_normal((1, 2, 5, 6)))
    assert gradcheck(lambda x: F.adaptive_avg_pool2d(x, size), (x,))


def test_pooling_values_without_torch():
    x = tinytorch.arange(16.0).reshape(1, 1, 4, 4)
    np.testing.assert_array_equal(F.max_pool2d(x, 2).numpy()[0, 0], [[5, 7], [13, 15]])
    np.testing.assert_array_equal(F.avg_pool2d(x, 2).numpy()[0, 0], [[2.5, 4.5], [10.5, 12.5]])
    # every window of ones averages to 1 when padding is not counted
    ones = F.avg_pool2d(tinytorch.ones(1, 1, 4, 4), 3, 2, 1, count_include_pad=False)
    np.testing.assert_allclose(ones.numpy(), 1.0)
    np.testing.assert_allclose(F.adaptive_avg_pool2d(x, 1).numpy().ravel(), [7.5])
    # overlapping windows that share one max send it the sum of their gradients
    y = tinytorch.zeros(1, 1, 3, 3, requires_grad=True)
    z = y + tinytorch.tensor([[0, 0, 0], [0, 9.0, 0], [0, 0, 0]])
    F.max_pool2d(z, 2, stride=1).sum().backward()
    assert y.grad.numpy()[0, 0, 1, 1] == 4 and y.grad.numpy().sum() == 4


def test_pooling_errors():
    x = tinytorch.randn(2, 3, 5, 5)
    with pytest.raises(RuntimeError, match="pad should be at most half of effective kernel"):
        F.max_pool2d(x, 3, padding=2)
    with pytest.raises(RuntimeError, match="Output size is too small"):
        F.max_pool2d(tinytorch.randn(2, 3, 1, 1), 3)
    with pytest.raises(RuntimeError, match="3D or 4D"):
        F.max_pool2d(tinytorch.randn(5, 5), 2)
    with pytest.raises(RuntimeError, match="stride should not be zero"):
        F.avg_pool2d(x, 2, stride=0)
    with pytest.raises(RuntimeError, match="pad should be smaller than or equal to half"):
        F.avg_pool2d(x, 3, padding=2)
    with pytest.raises(RuntimeError, match="divisor must be not zero"):
        F.avg_pool2d(x, 2, divisor_override=0)
    with pytest.raises(RuntimeError, match="Expected 3D or 4D tensor"):
        F.adaptive_avg_pool2d(tinytorch.randn(5, 5), 2)
    with pytest.raises(RuntimeError, match="output_size must be 2"):
        F.adaptive_avg_pool2d(x, (1, 2, 3))
