"""tinytorch.nn against PyTorch: the same models and losses, weights copied, must give the
same values and the same gradient for every parameter (skipped when torch is absent)."""
import math

import numpy as np
import pytest

import tinytorch as tt
import tinytorch.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

DTYPES = {"float32": (tt.float32, torch.float32, 2e-5), "float64": (tt.float64, torch.float64,
                                                                  1e-11)}


def to_torch(t, requires_grad=False):
    out = torch.from_numpy(np.array(t.detach().numpy()))
    return out.requires_grad_(requires_grad) if requires_grad else out


def copy_weights(src_tt, dst_torch):
    """Load a tinytorch state dict into the torch model (torch's keys must be the same)."""
    sd = {k: torch.from_numpy(v.numpy().copy()) for k, v in src_tt.state_dict().items()}
    dst_torch.load_state_dict(sd)


def assert_close(a, b, tol, what=""):
    a = a.detach().numpy() if isinstance(a, torch.Tensor) else np.asarray(a)
    b = b.detach().numpy() if isinstance(b, tt.Tensor) else np.asarray(b)
    assert a.shape == b.shape, (what, a.shape, b.shape)
    np.testing.assert_allclose(b, a, rtol=tol, atol=tol, err_msg=what)


def build(nn, dtype):
    """The same model, written once for both libraries."""
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(6, 8, dtype=dtype), nn.ReLU(),
        nn.Linear(8, 8, dtype=dtype), nn.LeakyReLU(0.1),
        nn.Linear(8, 8, dtype=dtype), nn.GELU(),
        nn.Linear(8, 8, dtype=dtype), nn.GELU("tanh"),
        nn.Sequential(nn.Linear(8, 8, bias=False, dtype=dtype), nn.SiLU()),
        nn.Linear(8, 8, dtype=dtype), nn.Softplus(beta=2.0, threshold=1.0),
        nn.Linear(8, 8, dtype=dtype), nn.ELU(0.7),
        nn.Linear(8, 8, dtype=dtype), nn.Tanh(), nn.Dropout(0.3), nn.Identity(),
        nn.Linear(8, 8, dtype=dtype), nn.Sigmoid(),
        nn.Linear(8, 5, dtype=dtype),
    )


@pytest.mark.parametrize("dt", sorted(DTYPES))
def test_model_outputs_and_every_parameter_gradient_match(dt):
    ttd, thd, tol = DTYPES[dt]
    tt.manual_seed(0)
    mine = build(tt.nn, ttd).eval()
    ref = build(torch.nn, thd).eval()
    assert list(mine.state_dict()) == list(ref.state_dict())
    copy_weights(mine, ref)
    x = tt.randn(7, 2, 3, dtype=ttd)
    y = tt.tensor([0, 1, 2, 3, 4, 0, 1])
    out_mine = mine(x)
    out_ref = ref(to_torch(x))
    assert_close(out_ref, out_mine, tol, "output")
    F.cross_entropy(out_mine, y, label_smoothing=0.1).backward()
    TF.cross_entropy(out_ref, to_torch(y), label_smoothing=0.1).backward()
    ref_params = dict(ref.named_parameters())
    for name, p in mine.named_parameters():
        assert_close(ref_params[name].grad, p.grad, tol, name)


def test_state_dict_keys_and_shapes_match_torch_and_weights_move_both_ways():
    def make(nn):
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.enc = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 4))
                self.blocks = nn.ModuleList([nn.Linear(4, 4), nn.Linear(4, 4, bias=False)])
                self.heads = nn.ModuleDict({"cls": nn.Linear(4, 2), "reg": nn.Linear(4, 1)})
                self.register_buffer("running", tt.zeros(4) if nn is tt.nn else
                                     torch.zeros(4))
                self.register_buffer("tmp", tt.zeros(1) if nn is tt.nn else torch.zeros(1),
                                     persistent=False)
                self.gain = nn.Parameter(tt.ones(1) if nn is tt.nn else torch.ones(1))

            def forward(self, x):
                h = self.enc(x) + self.running
                for b in self.blocks:
                    h = b(h).tanh()
                return self.heads["cls"](h) * self.gain, self.heads["reg"](h)

        return Net()

    mine, ref = make(tt.nn), make(torch.nn)
    sd_mine, sd_ref = mine.state_dict(), ref.state_dict()
    assert list(sd_mine) == list(sd_ref)
    assert [tuple(v.shape) for v in sd_mine.values()] == [tuple(v.shape)
                                                          for v in sd_ref.values()]
    assert [n for n, _ in mine.named_parameters()] == [n for n, _ in ref.named_parameters()]
    assert [n for n, _ in mine.named_buffers()] == [n for n, _ in ref.named_buffers()]
    assert [n for n, _ in mine.named_modules()] == [n for n, _ in ref.named_modules()]
    assert repr(mine) == repr(ref)
    # tinytorch -> torch, as the README shows
    ref.load_state_dict({k: torch.from_numpy(v.numpy()) for k, v in sd_mine.items()})
    x = tt.randn(5, 3)
    for a, b in zip(ref(to_torch(x)), mine(x)):
        assert_close(a, b, 1e-6)
    # torch -> tinytorch
    with torch.no_grad():
        for p in ref.parameters():
            p.mul_(1.5)
    mine.load_state_dict({k: tt.tensor(v.numpy()) for k, v in ref.state_dict().items()})
    for a, b in zip(ref(to_torch(x)), mine(x)):
        assert_close(a, b, 1e-6)


def test_repr_matches_torch():
    def make(nn):
        return nn.Sequential(
            nn.Linear(3, 8), nn.ReLU(inplace=True), nn.LeakyReLU(0.2),
            nn.Sequential(nn.GELU(approximate="tanh"), nn.Dropout(0.1), nn.Flatten(0, 1)),
            nn.ModuleList([nn.Linear(2, 2)] * 3 + [nn.ELU(), nn.Linear(3, 3, bias=False)]),
            nn.ModuleDict({"sm": nn.Softmax(dim=1), "lsm": nn.LogSoftmax(dim=-1),
                           "sp": nn.Softplus(), "id": nn.Identity(), "silu": nn.SiLU()}),
            nn.CrossEntropyLoss(), nn.BCEWithLogitsLoss(), nn.Tanh(), nn.Sigmoid())

    assert repr(make(tt.nn)) == repr(make(torch.nn))
    assert repr(tt.nn.Parameter(tt.ones(2))) == repr(torch.nn.Parameter(torch.ones(2)))


# --- losses ----------------------------------------------------------------------------------

def _run(loss_mine, loss_ref, arrays, grads, tol):
    """Evaluate both losses on the same data, backprop the same random upstream gradient and
    compare the value and the gradient of every input that requires grad."""
    mine = [tt.tensor(a, requires_grad=g) for a, g in zip(arrays, grads)]
    ref = [torch.tensor(a, requires_grad=g) for a, g in zip(arrays, grads)]
    out_m, out_r = loss_mine(*mine), loss_ref(*ref)
    assert_close(out_r, out_m, tol, "loss")
    up = np.random.default_rng(0).standard_normal(tuple(out_r.shape)).astype(
        out_r.detach().numpy().dtype)
    out_m.backward(tt.tensor(up))
    out_r.backward(torch.from_numpy(up))
    for i, (a, b) in enumerate(zip(ref, mine)):
        if b.requires_grad:
            assert_close(a.grad, b.grad, tol, f"grad of argument {i}")


CLASS_OPTIONS = [{}, {"weight": True}, {"ignore_index": 1}, {"label_smoothing": 0.2},
                 {"weight": True, "ignore_index": 0, "label_smoothing": 0.3}]


@pytest.mark.parametrize("dt", sorted(DTYPES))
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("opt", range(len(CLASS_OPTIONS)))
@pytest.mark.parametrize("shape", [(6, 4), (3, 4, 2, 2), (4,)])
def test_cross_entropy_and_nll_match_torch(dt, reduction, opt, shape):
    ttd, thd, tol = DTYPES[dt]
    npd = np.dtype(dt)
    r = np.random.default_rng(1)
    x = (r.standard_normal(shape) * 3).astype(npd)
    tshape = () if len(shape) == 1 else (shape[0],) + shape[2:]
    y = r.integers(0, 4, tshape)
    y.reshape(-1)[0] = 1
    opts = dict(CLASS_OPTIONS[opt])
    w = r.random(4).astype(npd) + 0.1

    def kw(lib):
        k = dict(opts, reduction=reduction)
        if k.pop("weight", False):
            k["weight"] = lib.tensor(w)
        return k

    _run(lambda a: F.cross_entropy(a, tt.tensor(y), **kw(tt)),
         lambda a: TF.cross_entropy(a, torch.tensor(y), **kw(torch)), [x], [True], tol)
    if "label_smoothing" not in opts:
        _run(lambda a: F.nll_loss(F.log_softmax(a, 0 if len(shape) == 1 else 1),
                                  tt.tensor(y), **kw(tt)),
             lambda a: TF.nll_loss(TF.log_softmax(a, 0 if len(shape) == 1 else 1),
                                   torch.tensor(y), **kw(torch)), [x], [True], tol)


@pytest.mark.parametrize("dt", sorted(DTYPES))
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("shape", [(5, 3), (2, 3, 4), (3,)])
def test_cross_entropy_probability_targets_match_torch(dt, reduction, shape):
    ttd, thd, tol = DTYPES[dt]
    r = np.random.default_rng(2)
    x = r.standard_normal(shape).astype(dt)
    p = r.random(shape).astype(dt)
    w = (r.random(3) + 0.5).astype(dt)
    for extra in ({}, {"label_smoothing": 0.15, "weight": True}):
        def kw(lib, extra=extra):
            k = dict(extra, reduction=reduction)
            if k.pop("weight", False):
                k["weight"] = lib.tensor(w)
            return k
        _run(lambda a, b: F.cross_entropy(a, b, **kw(tt)),
             lambda a, b: TF.cross_entropy(a, b, **kw(torch)), [x, p], [True, True], tol)


def test_cross_entropy_huge_logits_match_torch():
    x = np.array([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 5.0]], np.float32)
    y = np.array([2, 1])
    _run(lambda a: F.cross_entropy(a, tt.tensor(y)),
         lambda a: TF.cross_entropy(a, torch.tensor(y)), [x], [True], 0)


POINTWISE = [
    ("mse_loss", {}), ("l1_loss", {}), ("smooth_l1_loss", {}), ("smooth_l1_loss",
                                                                  {"beta": 0.25}),
    ("huber_loss", {}), ("huber_loss", {"delta": 0.3}),
    ("binary_cross_entropy", {}), ("binary_cross_entropy", {"weight": "w"}),
    ("binary_cross_entropy_with_logits", {}),
    ("binary_cross_entropy_with_logits", {"weight": "w", "pos_weight": "pw"}),
    ("mse_loss", {"weight": "full"}), ("l1_loss", {"weight": "full"}),
    ("huber_loss", {"weight": "full"}),
]


@pytest.mark.parametrize("dt", sorted(DTYPES))
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("which", range(len(POINTWISE)))
def test_pointwise_losses_match_torch(dt, reduction, which):
    name, opts = POINTWISE[which]
    ttd, thd, tol = DTYPES[dt]
    r = np.random.default_rng(3)
    shape = (4, 3)
    if name == "binary_cross_entropy":
        x = r.uniform(0.02, 0.98, shape).astype(dt)
    else:
        x = (r.standard_normal(shape) * 2).astype(dt)
    y = r.random(shape).astype(dt)
    extra = {"w": (r.random(3) + 0.2).astype(dt), "pw": (r.random(3) * 3).astype(dt),
             "full": r.random(shape).astype(dt)}
    # torch does not differentiate binary_cross_entropy with respect to its target
    target_grad = name != "binary_cross_entropy"

    def kw(lib):
        return dict({k: lib.tensor(extra[v]) for k, v in opts.items() if isinstance(v, str)},
                    **{k: v for k, v in opts.items() if not isinstance(v, str)},
                    reduction=reduction)

    _run(lambda a, b: getattr(F, name)(a, b, **kw(tt)),
         lambda a, b: getattr(TF, name)(a, b, **kw(torch)), [x, y], [True, target_grad], tol)


def test_loss_modules_match_torch():
    r = np.random.default_rng(4)
    x = r.standard_normal((6, 4)).astype(np.float32)
    y = r.integers(0, 4, 6)
    w = (r.random(4) + 0.5).astype(np.float32)
    pairs = [
        (tt.nn.CrossEntropyLoss(tt.tensor(w), label_smoothing=0.1, ignore_index=2),
         torch.nn.CrossEntropyLoss(torch.tensor(w), label_smoothing=0.1, ignore_index=2), y),
        (tt.nn.NLLLoss(reduction="sum"), torch.nn.NLLLoss(reduction="sum"), y),
        (tt.nn.MSELoss(), torch.nn.MSELoss(), r.random((6, 4)).astype(np.float32)),
        (tt.nn.BCEWithLogitsLoss(pos_weight=tt.tensor(w)),
         torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(w)),
         r.random((6, 4)).astype(np.float32)),
    ]
    for mine, ref, target in pairs:
        assert list(mine.state_dict()) == list(ref.state_dict())
        _run(lambda a: mine(a, tt.tensor(target)), lambda a: ref(a, torch.tensor(target)),
             [x], [True], 2e-6)


def test_error_types_match_torch():
    x = np.random.default_rng(5).standard_normal((3, 4)).astype(np.float32)
    cases = [
        ("cross_entropy", (x, np.array([0.0, 1.0, 2.0], np.float32)), {}),
        ("cross_entropy", (x, np.array([0, 1, 4])), {}),
        ("cross_entropy", (x, np.array([0, 1])), {}),
        ("cross_entropy", (x, np.array([0, 1, 2])), {"reduction": "avg"}),
        ("cross_entropy", (x, np.array([0, 1, 2])), {"label_smoothing": 2.0}),
        ("nll_loss", (x, np.array([0, 1, 9])), {}),
        ("binary_cross_entropy", (x, x), {}),
        ("binary_cross_entropy", (np.full(3, 0.5, np.float32), np.zeros(4, np.float32)), {}),
        ("binary_cross_entropy_with_logits", (x[0], x[0, :3]), {}),
        ("smooth_l1_loss", (x, x), {"beta": -1.0}),
        ("huber_loss", (x, x), {"delta": -1.0}),
        ("one_hot", (np.array([0, 3]), 2), {}),
        ("dropout", (x, 1.5), {}),
    ]
    for name, args, kw in cases:
        def call(lib, fn):
            return fn(*[lib.tensor(a) if isinstance(a, np.ndarray) else a for a in args], **kw)
        with pytest.raises(Exception) as ref_err:
            call(torch, getattr(TF, name))
        with pytest.raises(Exception) as my_err:
            call(tt, getattr(F, name))
        assert type(my_err.value) is type(ref_err.value), (name, my_err.value, ref_err.value)


# --- init and utils ----------------------------------------------------------------------------

def test_calculate_gain_matches_torch():
    for name in ["linear", "conv2d", "sigmoid", "tanh", "relu", "leaky_relu", "selu"]:
        assert tt.nn.init.calculate_gain(name) == pytest.approx(
            torch.nn.init.calculate_gain(name), rel=1e-12)
    assert tt.nn.init.calculate_gain("leaky_relu", 0.3) == pytest.approx(
        torch.nn.init.calculate_gain("leaky_relu", 0.3), rel=1e-12)


INITS = [("uniform_", {"a": -0.5, "b": 2.0}), ("normal_", {"mean": 0.5, "std": 0.2}),
         ("xavier_uniform_", {"gain": 1.5}), ("xavier_normal_", {}),
         ("kaiming_uniform_", {"a": math.sqrt(5)}),
         ("kaiming_uniform_", {"mode": "fan_out", "nonlinearity": "relu"}),
         ("kaiming_normal_", {"nonlinearity": "tanh"}),
         ("kaiming_normal_", {"a": 0.2, "mode": "fan_out"}),
         ("trunc_normal_", {"std": 0.5, "a": -0.3, "b": 0.6})]


@pytest.mark.parametrize("which", range(len(INITS)))
def test_init_distributions_match_torch(which):
    name, kw = INITS[which]
    shape = (96, 64, 3)                       # fan_in 192, fan_out 288
    tt.manual_seed(0)
    torch.manual_seed(0)
    mine = getattr(tt.nn.init, name)(tt.empty(*shape, dtype=tt.float64), **kw).numpy()
    ref = getattr(torch.nn.init, name)(torch.empty(*shape, dtype=torch.float64),
                                       **kw).numpy()
    # same support, same moments (different random streams)
    assert mine.min() >= ref.min() - 0.05 * np.ptp(ref)
    assert mine.max() <= ref.max() + 0.05 * np.ptp(ref)
    assert mine.mean() == pytest.approx(ref.mean(), abs=0.02 * ref.std() + 1e-3)
    assert mine.std() == pytest.approx(ref.std(), rel=0.02)


def test_linear_default_init_matches_torch_bounds():
    tt.manual_seed(0)
    torch.manual_seed(0)
    mine, ref = tt.nn.Linear(40, 500), torch.nn.Linear(40, 500)
    for name in ("weight", "bias"):
        a, b = getattr(mine, name).detach().numpy(), getattr(ref, name).detach().numpy()
        assert np.abs(a).max() <= 1 / math.sqrt(40) and np.abs(b).max() <= 1 / math.sqrt(40)
        assert a.std() == pytest.approx(b.std(), rel=0.1 if name == "bias" else 0.03)
        assert a.dtype == b.dtype


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
def test_clip_grad_norm_matches_torch(norm_type):
    tt.manual_seed(0)
    mine = tt.nn.Sequential(tt.nn.Linear(5, 7), tt.nn.Tanh(), tt.nn.Linear(7, 3))
    ref = torch.nn.Sequential(torch.nn.Linear(5, 7), torch.nn.Tanh(), torch.nn.Linear(7, 3))
    copy_weights(mine, ref)
    x = tt.randn(8, 5)
    (mine(x) ** 2).sum().backward()
    (ref(to_torch(x)) ** 2).sum().backward()
    total_m = tt.nn.utils.clip_grad_norm_(mine.parameters(), 0.7, norm_type)
    total_r = torch.nn.utils.clip_grad_norm_(ref.parameters(), 0.7, norm_type)
    assert total_m.dtype == tt.float32
    assert float(total_m) == pytest.approx(float(total_r), rel=2e-6)
    for (name, a), b in zip(ref.named_parameters(), mine.parameters()):
        assert_close(a.grad, b.grad, 2e-6, name)
    tt.nn.utils.clip_grad_value_(mine.parameters(), 0.01)
    torch.nn.utils.clip_grad_value_(ref.parameters(), 0.01)
    for a, b in zip(ref.parameters(), mine.parameters()):
        assert_close(a.grad, b.grad, 2e-6)
