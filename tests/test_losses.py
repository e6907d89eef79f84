"""Every loss: gradcheck in float64, reductions, options and errors (no torch needed).

Expected values come from straightforward numpy implementations of the definitions."""
import math
import warnings

import numpy as np
import pytest

import tinytorch
import tinytorch.nn.functional as F
from tinytorch import nn
from tinytorch.autograd import gradcheck

F64 = tinytorch.float64
REDUCTIONS = ["mean", "sum", "none"]


def t64(arr, grad=False):
    return tinytorch.tensor(np.asarray(arr, dtype=np.float64), requires_grad=grad)


def rng(seed=0):
    return np.random.default_rng(seed)


def reduce_np(loss, reduction, denom=None):
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.sum() / (loss.size if denom is None else denom)


# --- cross-entropy / nll reference ---------------------------------------------------------

def log_softmax_np(x, axis):
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


def ce_ref(x, y, weight=None, ignore_index=-100, label_smoothing=0.0, reduction="mean",
           logp=None):
    """torch's definition, on (N, C, d...) logits (or log-probs if ``logp`` is given)."""
    C = x.shape[1]
    lp = log_softmax_np(x, 1) if logp is None else logp
    lp = np.moveaxis(lp, 1, -1).reshape(-1, C)
    yf = y.reshape(-1)
    w = np.ones(C) if weight is None else weight
    keep = yf != ignore_index
    ys = np.where(keep, yf, 0)
    wy = w[ys] * keep
    nll = -wy * lp[np.arange(len(ys)), ys]
    smooth = -(lp * w).sum(axis=1) * keep
    denom = wy.sum()
    eps = label_smoothing
    if reduction == "none":
        return ((1 - eps) * nll + eps / C * smooth).reshape(y.shape)
    if reduction == "sum":
        return (1 - eps) * nll.sum() + eps / C * smooth.sum()
    return ((1 - eps) * nll.sum() + eps / C * smooth.sum()) / denom


def ce_prob_ref(x, p, weight=None, label_smoothing=0.0, reduction="mean"):
    C = x.shape[1]
    q = p * (1 - label_smoothing) + label_smoothing / C
    wb = 1 if weight is None else weight.reshape((1, C) + (1,) * (x.ndim - 2))
    loss = -(log_softmax_np(x, 1) * q * wb).sum(axis=1)
    return reduce_np(loss, reduction)


CE_CASES = [
    {},
    {"weight": [0.2, 1.0, 3.0, 0.5]},
    {"ignore_index": 2},
    {"label_smoothing": 0.25},
    {"weight": [0.2, 1.0, 3.0, 0.5], "ignore_index": 1, "label_smoothing": 0.1},
]


def _kw(case, as_tensor=True):
    kw = dict(case)
    if "weight" in kw:
        kw["weight"] = t64(kw["weight"]) if as_tensor else np.array(kw["weight"])
    return kw


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case", range(len(CE_CASES)))
def test_cross_entropy_class_targets_values_and_gradcheck(case, reduction):
    case = CE_CASES[case]
    x = rng(1).standard_normal((5, 4))
    y = np.array([0, 2, 3, 1, 2])
    out = F.cross_entropy(t64(x), tinytorch.tensor(y), reduction=reduction, **_kw(case))
    np.testing.assert_allclose(out.data, ce_ref(x, y, reduction=reduction, **_kw(case, False)),
                               rtol=1e-12, atol=1e-12)
    assert gradcheck(lambda a: F.cross_entropy(a, tinytorch.tensor(y), reduction=reduction,
                                               **_kw(case)), (t64(x, True),))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_spatial_inputs(reduction):
    x = rng(2).standard_normal((2, 3, 2, 2))
    y = rng(3).integers(0, 3, (2, 2, 2))
    y[0, 0, 0] = 1
    kw = {"weight": t64([1.0, 2.0, 0.5]), "ignore_index": 1, "label_smoothing": 0.2}
    out = F.cross_entropy(t64(x), tinytorch.tensor(y), reduction=reduction, **kw)
    assert out.shape == (() if reduction != "none" else (2, 2, 2))
    ref = ce_ref(x, y, np.array([1.0, 2.0, 0.5]), 1, 0.2, reduction)
    np.testing.assert_allclose(out.data, ref, rtol=1e-12, atol=1e-12)
    assert gradcheck(lambda a: F.cross_entropy(a, tinytorch.tensor(y), reduction=reduction,
                                               **kw), (t64(x, True),))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.3])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_probability_targets(reduction, smoothing, weighted):
    r = rng(4)
    x = r.standard_normal((3, 4))
    p = r.random((3, 4))
    p /= p.sum(axis=1, keepdims=True)
    w = np.array([0.5, 1.0, 2.0, 1.5]) if weighted else None
    kw = {"weight": None if w is None else t64(w), "label_smoothing": smoothing,
          "reduction": reduction}
    out = F.cross_entropy(t64(x), t64(p), **kw)
    np.testing.assert_allclose(out.data, ce_prob_ref(x, p, w, smoothing, reduction),
                               rtol=1e-12, atol=1e-12)
    # differentiable with respect to both the logits and the target distribution
    assert gradcheck(lambda a, b: F.cross_entropy(a, b, **kw), (t64(x, True), t64(p, True)))


def test_cross_entropy_probability_targets_spatial_and_unbatched():
    r = rng(5)
    x = r.standard_normal((2, 3, 4))
    p = r.random((2, 3, 4))
    out = F.cross_entropy(t64(x), t64(p), reduction="none")
    assert out.shape == (2, 4)
    np.testing.assert_allclose(out.data, ce_prob_ref(x, p, reduction="none"), rtol=1e-12)
    assert gradcheck(lambda a: F.cross_entropy(a, t64(p)), (t64(x, True),))
    v, q = r.standard_normal(4), r.random(4)
    out = F.cross_entropy(t64(v), t64(q), reduction="none")
    assert out.shape == ()
    np.testing.assert_allclose(out.data, ce_prob_ref(v[None], q[None], reduction="sum"))


def test_cross_entropy_unbatched_class_target():
    v = rng(6).standard_normal(5)
    for reduction in REDUCTIONS:
        out = F.cross_entropy(t64(v), tinytorch.tensor(3), reduction=reduction)
        assert out.shape == ()
        np.testing.assert_allclose(out.data, -log_softmax_np(v, 0)[3], rtol=1e-12)
    assert gradcheck(lambda a: F.cross_entropy(a, tinytorch.tensor(3)), (t64(v, True),))
    assert float(F.cross_entropy(t64(v), tinytorch.tensor([3]))) == pytest.approx(
        -log_softmax_np(v, 0)[3])


def test_cross_entropy_is_exact_for_huge_logits():
    for dt in (tinytorch.float32, F64):
        logits = tinytorch.tensor([[1000.0, 0.0], [0.0, 1000.0]], dtype=dt, requires_grad=True)
        loss = F.cross_entropy(logits, tinytorch.tensor([1, 1]))
        assert float(loss) == 500.0 and loss.dtype == dt
        loss.backward()
        # d/dx mean(-log p_y) = (softmax - onehot)/N
        np.testing.assert_array_equal(logits.grad.data, [[0.5, -0.5], [0.0, 0.0]])
        neg = F.cross_entropy(tinytorch.tensor([[-1000.0, 1000.0]], dtype=dt),
                              tinytorch.tensor([0]))
        assert float(neg) == 2000.0


def test_cross_entropy_equals_log_softmax_then_nll_and_is_one_node():
    x = t64(rng(7).standard_normal((4, 3)), True)
    y = tinytorch.tensor([0, 2, 1, 1])
    ce = F.cross_entropy(x, y)
    two = F.nll_loss(F.log_softmax(x, 1), y)
    np.testing.assert_allclose(ce.data, two.data, rtol=1e-14)
    # fused: the loss node feeds straight from the leaf
    assert ce.grad_fn.next_functions[0][0] is x


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case", [{}, {"weight": [0.5, 2.0, 1.0]}, {"ignore_index": 0},
                                  {"weight": [0.5, 2.0, 1.0], "ignore_index": 2}])
def test_nll_loss_values_and_gradcheck(case, reduction):
    lp = log_softmax_np(rng(8).standard_normal((6, 3)), 1)
    y = np.array([0, 1, 2, 2, 0, 1])
    kw = dict(case)
    if "weight" in kw:
        kw["weight"] = t64(kw["weight"])
    out = F.nll_loss(t64(lp), tinytorch.tensor(y), reduction=reduction, **kw)
    ref = ce_ref(lp, y, np.array(case["weight"]) if "weight" in case else None,
                 case.get("ignore_index", -100), 0.0, reduction, logp=lp)
    np.testing.assert_allclose(out.data, ref, rtol=1e-12, atol=1e-12)
    assert gradcheck(lambda a: F.nll_loss(a, tinytorch.tensor(y), reduction=reduction, **kw),
                     (t64(lp, True),))
    x3 = t64(rng(9).standard_normal((2, 3, 2)), True)
    y3 = tinytorch.tensor([[0, 1], [2, 0]])
    assert gradcheck(lambda a: F.nll_loss(a, y3, reduction=reduction, **kw), (x3,))


def test_all_targets_ignored_gives_nan_mean_and_zero_gradient():
    x = t64(rng(10).standard_normal((3, 4)), True)
    y = tinytorch.tensor([1, 1, 1])
    for fn in (F.cross_entropy, F.nll_loss):
        x.grad = None
        out = fn(x, y, ignore_index=1)
        assert math.isnan(float(out))
        out.backward()
        np.testing.assert_array_equal(x.grad.data, np.zeros((3, 4)))
        assert float(fn(x, y, ignore_index=1, reduction="sum")) == 0.0
    empty = F.cross_entropy(tinytorch.zeros(0, 3), tinytorch.zeros(0, dtype=tinytorch.int64))
    assert math.isnan(float(empty))


def test_uint8_targets_are_accepted():
    x = t64(rng(11).standard_normal((3, 4)))
    y = np.array([1, 0, 3])
    out = F.cross_entropy(x, tinytorch.tensor(y.astype(np.uint8)))
    assert float(out) == pytest.approx(float(F.cross_entropy(x, tinytorch.tensor(y))))


def test_cross_entropy_and_nll_errors():
    x = tinytorch.randn(3, 4)
    cases = [
        ((x, tinytorch.tensor([0.0, 1.0, 2.0])), RuntimeError, "Long or Byte"),
        ((x, tinytorch.tensor([0, 1, 1], dtype=tinytorch.int32)), RuntimeError, "but got Int"),
        ((x, tinytorch.tensor([0, 1, 4])), IndexError, "Target 4 is out of bounds"),
        ((x, tinytorch.tensor([0, -3, 1])), IndexError, "Target -3 is out of bounds"),
        ((x, tinytorch.tensor([0, 1])), ValueError,
         r"Expected input batch_size \(3\) to match target batch_size \(2\)"),
        ((x, tinytorch.zeros(3, 5, dtype=tinytorch.int64)), RuntimeError, "multi-target"),
        ((x, tinytorch.zeros(3, 4, dtype=tinytorch.int64)), RuntimeError,
         "Expected floating point type for target with class probabilities"),
        ((tinytorch.randn(2, 3, 4), tinytorch.zeros(2, 5, dtype=tinytorch.int64)),
         RuntimeError, r"Expected target size \[2, 4\], got \[2, 5\]"),
        ((tinytorch.randn(2, 3, 4), tinytorch.zeros(3, 4, dtype=tinytorch.int64)),
         ValueError, "batch_size"),
        ((tinytorch.randn(4), tinytorch.tensor([1, 2])), ValueError, "1D target"),
        ((tinytorch.tensor(1.0), tinytorch.tensor(0)), ValueError, "1 or more dimensions"),
    ]
    for args, exc, msg in cases:
        with pytest.raises(exc, match=msg):
            F.cross_entropy(*args)
    for args, exc, msg in cases[:5]:
        with pytest.raises(exc, match=msg):
            F.nll_loss(*args)
    with pytest.raises(RuntimeError, match="for all 4 classes"):
        F.cross_entropy(x, tinytorch.tensor([0, 1, 2]), weight=tinytorch.ones(3))
    with pytest.raises(RuntimeError, match="Double"):
        F.cross_entropy(x, tinytorch.tensor([0, 1, 2]), weight=tinytorch.ones(4, dtype=F64))
    with pytest.raises(RuntimeError, match="label_smoothing must be between"):
        F.cross_entropy(x, tinytorch.tensor([0, 1, 2]), label_smoothing=1.5)
    with pytest.raises(ValueError, match="avg is not a valid value for reduction"):
        F.cross_entropy(x, tinytorch.tensor([0, 1, 2]), reduction="avg")
    with pytest.raises(RuntimeError, match="ignore_index is not supported"):
        F.cross_entropy(x, tinytorch.rand(3, 4), ignore_index=1)
    with pytest.raises(NotImplementedError, match="floating point"):
        F.cross_entropy(tinytorch.tensor([[1, 2]]), tinytorch.tensor([0]))
    with pytest.raises(TypeError, match="Tensor"):
        F.cross_entropy(x, [0, 1, 2])


# --- regression losses --------------------------------------------------------------------

def _pointwise_ref(name, d, beta=1.0, delta=1.0):
    a = np.abs(d)
    if name == "mse_loss":
        return d * d
    if name == "l1_loss":
        return a
    if name == "smooth_l1_loss":
        return np.where(a < beta, 0.5 * d * d / beta, a - 0.5 * beta) if beta else a
    return np.where(a < delta, 0.5 * d * d, delta * (a - 0.5 * delta))


REGRESSION = [("mse_loss", {}), ("l1_loss", {}), ("smooth_l1_loss", {}),
              ("smooth_l1_loss", {"beta": 0.3}), ("smooth_l1_loss", {"beta": 0.0}),
              ("huber_loss", {}), ("huber_loss", {"delta": 0.4})]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("which", range(len(REGRESSION)))
def test_regression_losses_values_and_gradcheck(which, reduction):
    name, kw = REGRESSION[which]
    r = rng(12)
    x, y = r.standard_normal((3, 4)), r.standard_normal((3, 4))
    fn = getattr(F, name)
    out = fn(t64(x), t64(y), reduction=reduction, **kw)
    np.testing.assert_allclose(out.data, reduce_np(_pointwise_ref(name, x - y, **kw),
                                                   reduction), rtol=1e-12, atol=1e-14)
    # gradients with respect to input and target
    assert gradcheck(lambda a, b: fn(a, b, reduction=reduction, **kw),
                     (t64(x, True), t64(y, True)))


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "huber_loss"])
def test_regression_weight_argument(name):
    r = rng(13)
    x, y, w = r.standard_normal((3, 4)), r.standard_normal((3, 4)), r.random((3, 4))
    fn = getattr(F, name)
    base = _pointwise_ref(name, x - y) * w
    mean = base.sum() / w.sum() if name != "huber_loss" else base.mean()
    for reduction, ref in [("none", base), ("sum", base.sum()), ("mean", mean)]:
        out = fn(t64(x), t64(y), reduction=reduction, weight=t64(w))
        np.testing.assert_allclose(out.data, ref, rtol=1e-12)
    assert gradcheck(lambda a, b: fn(a, t64(y), weight=b), (t64(x, True), t64(w, True)))
    with pytest.raises(ValueError, match="same size"):
        fn(t64(x), t64(y), weight=t64(w[0]))


def test_regression_broadcast_warns_and_promotes():
    x = t64(rng(14).standard_normal((3, 4)), True)
    with pytest.warns(UserWarning, match="different to the input size"):
        out = F.mse_loss(x, t64(np.ones(4)))
    np.testing.assert_allclose(out.data, ((x.data - 1) ** 2).mean())
    out.backward()
    assert x.grad.shape == (3, 4)
    assert F.mse_loss(tinytorch.ones(2), tinytorch.ones(2, dtype=F64)).dtype == F64
    assert F.l1_loss(tinytorch.ones(2), tinytorch.tensor([1, 2])).dtype == tinytorch.float32
    with pytest.raises(RuntimeError, match="size of tensor a"), pytest.warns(UserWarning):
        F.mse_loss(tinytorch.ones(3), tinytorch.ones(4))
    with pytest.raises(RuntimeError, match="negative values for beta"):
        F.smooth_l1_loss(x, x, beta=-1)
    with pytest.raises(RuntimeError, match="non-positive values for delta"):
        F.huber_loss(x, x, delta=0)


def test_legacy_size_average_and_reduce():
    x, y = t64([1.0, 2.0, 4.0]), t64([0.0, 0.0, 0.0])
    with pytest.warns(UserWarning, match="reduction='sum'"):
        assert float(F.mse_loss(x, y, size_average=False)) == 21.0
    with pytest.warns(UserWarning, match="reduction='none'"):
        assert F.l1_loss(x, y, reduce=False).shape == (3,)
    with pytest.warns(UserWarning):
        assert nn.MSELoss(size_average=False).reduction == "sum"


# --- binary cross-entropy ---------------------------------------------------------------------

def bce_ref(p, y, w=None):
    with np.errstate(divide="ignore"):
        loss = -(y * np.maximum(np.log(p), -100) + (1 - y) * np.maximum(np.log1p(-p), -100))
    return loss if w is None else loss * w


def bce_logits_ref(x, y, w=None, pw=None):
    sp = np.logaddexp(0, -x)          # -log σ(x)
    lw = 1 if pw is None else 1 + (pw - 1) * y
    loss = (1 - y) * x + lw * sp
    return loss if w is None else loss * w


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_binary_cross_entropy(reduction, weighted):
    r = rng(15)
    p = r.uniform(0.05, 0.95, (3, 4))
    y = r.random((3, 4))
    w = r.random(4) if weighted else None
    wt = None if w is None else t64(w)
    out = F.binary_cross_entropy(t64(p), t64(y), weight=wt, reduction=reduction)
    np.testing.assert_allclose(out.data, reduce_np(bce_ref(p, y, w), reduction), rtol=1e-12)
    assert gradcheck(lambda a, b: F.binary_cross_entropy(a, b, weight=wt,
                                                         reduction=reduction),
                     (t64(p, True), t64(y, True)))


def test_binary_cross_entropy_clamps_log_at_minus_100():
    p = t64([0.0, 1.0, 0.0], True)
    y = t64([1.0, 0.0, 0.0])
    out = F.binary_cross_entropy(p, y, reduction="none")
    np.testing.assert_array_equal(out.data, bce_ref(p.data, y.data))
    assert out.data.tolist() == [100.0, 100.0, 0.0]
    out.sum().backward()
    assert np.all(np.isfinite(p.grad.data))
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        F.binary_cross_entropy(t64([0.5, 1.5]), t64([0.0, 1.0]))
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        F.binary_cross_entropy(t64([0.5, float("nan")]), t64([0.0, 1.0]))
    with pytest.raises(ValueError, match="different to the input size"):
        F.binary_cross_entropy(t64([0.5]), t64([0.0, 1.0]))
    with pytest.raises(RuntimeError, match="Found dtype Double but expected Float"):
        F.binary_cross_entropy(tinytorch.rand(3), tinytorch.rand(3, dtype=F64))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("opts", ["plain", "weight", "pos_weight", "both"])
def test_binary_cross_entropy_with_logits(reduction, opts):
    r = rng(16)
    x = r.standard_normal((3, 4)) * 3
    y = r.random((3, 4))
    w = r.random((3, 1)) if opts in ("weight", "both") else None
    pw = r.random(4) * 3 if opts in ("pos_weight", "both") else None
    kw = {"weight": None if w is None else t64(w),
          "pos_weight": None if pw is None else t64(pw), "reduction": reduction}
    out = F.binary_cross_entropy_with_logits(t64(x), t64(y), **kw)
    np.testing.assert_allclose(out.data, reduce_np(bce_logits_ref(x, y, w, pw), reduction),
                               rtol=1e-12)
    assert gradcheck(lambda a, b: F.binary_cross_entropy_with_logits(a, b, **kw),
                     (t64(x, True), t64(y, True)))


def test_bce_with_logits_is_stable_for_huge_logits_and_checks_sizes():
    x = t64([1000.0, -1000.0, 1000.0, -1000.0], True)
    y = t64([1.0, 0.0, 0.0, 1.0])
    out = F.binary_cross_entropy_with_logits(x, y, reduction="none")
    np.testing.assert_array_equal(out.data, [0.0, 0.0, 1000.0, 1000.0])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0, 1.0, -1.0])   # σ(x) - y
    with pytest.raises(ValueError, match="must be the same as input size"):
        F.binary_cross_entropy_with_logits(t64([1.0]), t64([1.0, 0.0]))
    with pytest.raises(RuntimeError, match="pos_weight"):
        F.binary_cross_entropy_with_logits(t64(np.ones((2, 3))), t64(np.ones((2, 3))),
                                           pos_weight=t64([1.0, 2.0]))
    with pytest.raises(RuntimeError, match="Long"):  # as torch: the target must be float
        F.binary_cross_entropy_with_logits(tinytorch.rand(3), tinytorch.tensor([0, 1, 1]))


# --- loss modules -----------------------------------------------------------------------------

def test_loss_modules_match_functional_and_register_weights():
    r = rng(17)
    x = t64(r.standard_normal((4, 3)))
    y = tinytorch.tensor([0, 2, 1, 2])
    w = t64([1.0, 0.5, 2.0])
    ce = nn.CrossEntropyLoss(weight=w, ignore_index=2, label_smoothing=0.1, reduction="sum")
    assert float(ce(x, y)) == float(F.cross_entropy(x, y, w, ignore_index=2,
                                                    label_smoothing=0.1, reduction="sum"))
    assert list(ce.state_dict()) == ["weight"] and repr(ce) == "CrossEntropyLoss()"
    assert list(nn.CrossEntropyLoss().state_dict()) == []
    lp = F.log_softmax(x, 1)
    assert float(nn.NLLLoss(weight=w)(lp, y)) == float(F.nll_loss(lp, y, w))
    p, q = t64(r.random((2, 3))), t64(r.random((2, 3)))
    for mod, fn in [(nn.MSELoss(), F.mse_loss), (nn.L1Loss(reduction="sum"), F.l1_loss),
                    (nn.SmoothL1Loss(beta=0.5), lambda a, b: F.smooth_l1_loss(a, b,
                                                                             beta=0.5)),
                    (nn.HuberLoss(delta=0.5), lambda a, b: F.huber_loss(a, b, delta=0.5)),
                    (nn.BCELoss(), F.binary_cross_entropy),
                    (nn.BCEWithLogitsLoss(pos_weight=t64([1.0, 2.0, 3.0])),
                     lambda a, b: F.binary_cross_entropy_with_logits(
                         a, b, pos_weight=t64([1.0, 2.0, 3.0])))]:
        if isinstance(mod, nn.L1Loss):
            fn = lambda a, b, f=fn: f(a, b, reduction="sum")  # noqa: E731
        assert float(mod(p, q)) == float(fn(p, q))
    assert list(nn.BCEWithLogitsLoss(pos_weight=t64([1.0])).state_dict()) == ["pos_weight"]


def test_loss_backward_through_a_model_reaches_every_parameter():
    tinytorch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 5), nn.GELU(), nn.Linear(5, 4))
    x = tinytorch.randn(6, 3)
    y = tinytorch.tensor([0, 1, 2, 3, 0, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.CrossEntropyLoss(label_smoothing=0.1)(model(x), y).backward()
    for name, p in model.named_parameters():
        assert p.grad is not None and p.grad.shape == p.shape, name
        assert np.all(np.isfinite(p.grad.data)) and p.grad.data.any(), name
