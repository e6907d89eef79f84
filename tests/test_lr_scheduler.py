"""tinytorch.optim.lr_scheduler: lr sequences against PyTorch (when importable) and against
the closed forms each scheduler documents, state_dict round trips, warnings and errors."""
import copy
import math
import warnings

import pytest

import tinytorch
from tinytorch import optim
from tinytorch.optim import lr_scheduler as S

STEPS = 30


def _optimizer(lib, kind="SGD"):
    """Two groups with different lrs, so per-group handling is exercised."""
    a = lib.zeros(2, requires_grad=True)
    b = lib.zeros(3, requires_grad=True)
    groups = [{"params": [a]}, {"params": [b], "lr": 0.05}]
    if kind == "SGD":
        return lib.optim.SGD(groups, lr=0.1, momentum=0.9)
    return lib.optim.Adam(groups, lr=0.1)


def _momenta(opt):
    return [g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups]


def _sequence(lib, name, kw, kind="SGD", steps=STEPS, metrics=None, opt=None):
    """[(last_lr, group lrs, momenta)] after construction and after every step."""
    opt = opt or _optimizer(lib, kind)
    sched = getattr(lib.optim.lr_scheduler, name)(opt, **kw)
    out = [(list(sched.get_last_lr()), [g["lr"] for g in opt.param_groups], _momenta(opt))]
    for i in range(steps):
        opt.step()
        sched.step(metrics[i]) if metrics is not None else sched.step()
        out.append((list(sched.get_last_lr()), [g["lr"] for g in opt.param_groups],
                    _momenta(opt)))
    return out, sched, opt


def _inv_sqrt(epoch):
    return 1.0 / math.sqrt(epoch + 1)


CASES = [
    pytest.param("StepLR", dict(step_size=4, gamma=0.5), id="step"),
    pytest.param("StepLR", dict(step_size=1), id="step-every"),
    pytest.param("MultiStepLR", dict(milestones=[3, 7, 7, 20], gamma=0.3), id="multistep"),
    pytest.param("ExponentialLR", dict(gamma=0.9), id="exponential"),
    pytest.param("CosineAnnealingLR", dict(T_max=10), id="cosine"),
    pytest.param("CosineAnnealingLR", dict(T_max=7, eta_min=0.001), id="cosine-restart"),
    pytest.param("LambdaLR", dict(lr_lambda=_inv_sqrt), id="lambda"),
    pytest.param("LambdaLR", dict(lr_lambda=[_inv_sqrt, lambda e: 0.9 ** e]), id="lambda-2"),
    pytest.param("LinearLR", dict(), id="linear-default"),
    pytest.param("LinearLR", dict(start_factor=0.2, end_factor=0.9, total_iters=8),
                 id="linear"),
    pytest.param("LinearLR", dict(start_factor=1.0, end_factor=0.1, total_iters=12),
                 id="linear-decay"),
    pytest.param("OneCycleLR", dict(max_lr=1.0, total_steps=STEPS), id="onecycle"),
    pytest.param("OneCycleLR", dict(max_lr=[1.0, 0.5], epochs=3, steps_per_epoch=10,
                                    pct_start=0.25, anneal_strategy="linear"),
                 id="onecycle-linear"),
    pytest.param("OneCycleLR", dict(max_lr=0.8, total_steps=STEPS + 1, three_phase=True,
                                    div_factor=10.0, final_div_factor=100.0,
                                    base_momentum=0.8, max_momentum=0.9), id="onecycle-3"),
    pytest.param("OneCycleLR", dict(max_lr=0.8, total_steps=STEPS, cycle_momentum=False),
                 id="onecycle-no-momentum"),
    pytest.param("ConstantLR", dict(factor=0.5, total_iters=4), id="constant"),
    pytest.param("PolynomialLR", dict(total_iters=20, power=2.0), id="polynomial"),
    pytest.param("MultiplicativeLR", dict(lr_lambda=lambda e: 0.95), id="multiplicative"),
]

METRICS = [1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.8, 0.8, 0.79999, 0.8, 0.8, 0.8, 0.7, 0.71, 0.72,
           0.65, 0.65, 0.65, 0.65, 0.64, 0.66, 0.66, 0.66, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
PLATEAU_CASES = [
    pytest.param(dict(patience=2), id="default"),
    pytest.param(dict(patience=1, cooldown=2, factor=0.5, min_lr=[0.01, 0.02]),
                 id="cooldown-minlr"),
    pytest.param(dict(patience=0, threshold=0.05, threshold_mode="abs"), id="abs"),
    pytest.param(dict(mode="max", patience=1, factor=0.5), id="max"),
    pytest.param(dict(mode="max", threshold_mode="abs", threshold=0.0, patience=3,
                      eps=0.02), id="max-abs-eps"),
]


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


# --- against PyTorch ------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["SGD", "Adam"])
@pytest.mark.parametrize("name,kw", CASES)
def test_sequence_matches_torch(torch, name, kw, kind):
    ours = _sequence(tinytorch, name, kw, kind)[0]
    theirs = _sequence(torch, name, kw, kind)[0]
    assert ours == theirs  # same formulas in the same order: bit-identical floats
    assert len({tuple(lrs) for lrs, _, _ in ours}) > 1  # the schedule did something


@pytest.mark.parametrize("kw", PLATEAU_CASES)
def test_plateau_matches_torch(torch, kw):
    ours, sched, _ = _sequence(tinytorch, "ReduceLROnPlateau", kw, metrics=METRICS)
    theirs, tsched, _ = _sequence(torch, "ReduceLROnPlateau", kw, metrics=METRICS)
    assert ours == theirs
    assert ours[-1][0] != ours[0][0]  # the lr was reduced at least once
    for k in ("best", "num_bad_epochs", "cooldown_counter", "last_epoch", "mode_worse"):
        assert getattr(sched, k) == getattr(tsched, k)


def test_plateau_accepts_tensor_metric(torch):
    seq = [tinytorch.tensor(m) for m in METRICS]
    tseq = [torch.tensor(m) for m in METRICS]
    assert _sequence(tinytorch, "ReduceLROnPlateau", {}, metrics=seq)[0] == \
        _sequence(torch, "ReduceLROnPlateau", {}, metrics=tseq)[0]


def test_chained_schedulers_match_torch(torch):
    """Two chainable schedulers on one optimizer: their factors multiply."""
    def run(lib):
        opt = _optimizer(lib)
        a = lib.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
        b = lib.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=8)
        out = []
        for _ in range(STEPS):
            opt.step()
            a.step()
            b.step()
            out.append([g["lr"] for g in opt.param_groups])
        return out
    assert run(tinytorch) == run(torch)


def test_sequential_and_chained_scheduler_match_torch(torch):
    def run(lib):
        L = lib.optim.lr_scheduler
        opt = _optimizer(lib)
        warm = L.LinearLR(opt, start_factor=0.1, total_iters=5)
        cos = L.CosineAnnealingLR(opt, T_max=20)
        seq = L.SequentialLR(opt, [warm, cos], milestones=[5])
        out = [seq.get_last_lr()]
        for _ in range(STEPS):
            opt.step()
            seq.step()
            out.append(seq.get_last_lr())
        opt2 = _optimizer(lib)
        chain = L.ChainedScheduler([L.ConstantLR(opt2, factor=0.5, total_iters=3),
                                    L.ExponentialLR(opt2, gamma=0.8)])
        for _ in range(10):
            opt2.step()
            chain.step()
            out.append(chain.get_last_lr())
        return out
    assert run(tinytorch) == run(torch)


@pytest.mark.parametrize("name,kw", [
    ("StepLR", dict(step_size=3, gamma=0.5)), ("MultiStepLR", dict(milestones=[2, 5])),
    ("ExponentialLR", dict(gamma=0.9)), ("CosineAnnealingLR", dict(T_max=6)),
    ("LinearLR", dict(start_factor=0.25, total_iters=4)),
    ("PolynomialLR", dict(total_iters=8)), ("ConstantLR", dict(total_iters=3))])
def test_step_with_epoch_uses_closed_form_like_torch(torch, name, kw):
    def run(lib):
        opt = _optimizer(lib)
        sched = getattr(lib.optim.lr_scheduler, name)(opt, **kw)
        out = []
        for epoch in [1, 2, 5, 3, 9, 0, 7]:
            opt.step()
            sched.step(epoch)
            out.append(sched.get_last_lr())
        return out
    assert run(tinytorch) == run(torch)


def test_resume_with_last_epoch_matches_torch(torch):
    """Constructing with last_epoch >= 0 (resuming) uses the closed form once for cosine."""
    def run(lib):
        opt = _optimizer(lib)
        for g in opt.param_groups:
            g["initial_lr"] = g["lr"]
        sched = lib.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10, last_epoch=4)
        out = [sched.get_last_lr()]
        for _ in range(8):
            opt.step()
            sched.step()
            out.append(sched.get_last_lr())
        return out
    assert run(tinytorch) == run(torch)


# --- closed forms (no torch needed) -----------------------------------------------------------
def _closed(name, kw, base, t):
    """The lr each scheduler's documentation gives for epoch t."""
    if name == "StepLR":
        return base * kw.get("gamma", 0.1) ** (t // kw["step_size"])
    if name == "MultiStepLR":
        return base * kw.get("gamma", 0.1) ** sum(m <= t for m in kw["milestones"])
    if name == "ExponentialLR":
        return base * kw["gamma"] ** t
    if name == "CosineAnnealingLR":
        lo = kw.get("eta_min", 0.0)
        return lo + (base - lo) * (1 + math.cos(math.pi * t / kw["T_max"])) / 2
    if name == "LambdaLR":
        return base * kw["lr_lambda"](t)
    if name == "LinearLR":
        s, e, n = kw.get("start_factor", 1 / 3), kw.get("end_factor", 1.0), kw.get(
            "total_iters", 5)
        return base * (s + (e - s) * min(t, n) / n)
    if name == "ConstantLR":
        return base * (kw.get("factor", 1 / 3) if t < kw.get("total_iters", 5) else 1.0)
    if name == "PolynomialLR":
        n = kw.get("total_iters", 5)
        return base * (1 - min(t, n) / n) ** kw.get("power", 1.0)
    raise AssertionError(name)


@pytest.mark.parametrize("name,kw", [c for c in CASES if c.values[0] not in
                                     ("OneCycleLR", "MultiplicativeLR")
                                     and c.id != "lambda-2"])
def test_sequence_matches_closed_form(name, kw):
    seq = _sequence(tinytorch, name, kw)[0]
    for t, (last, lrs, _) in enumerate(seq):
        assert last == lrs
        for base, lr in zip([0.1, 0.05], lrs):
            assert lr == pytest.approx(_closed(name, kw, base, t), rel=1e-9, abs=1e-15)


def test_multiplicative_closed_form():
    seq = _sequence(tinytorch, "MultiplicativeLR", dict(lr_lambda=lambda e: 0.95))[0]
    for t, (last, _, _) in enumerate(seq):
        assert last == pytest.approx([0.1 * 0.95 ** t, 0.05 * 0.95 ** t], rel=1e-12)


def test_onecycle_shape():
    kw = dict(max_lr=1.0, total_steps=STEPS)
    seq = _sequence(tinytorch, "OneCycleLR", kw, steps=STEPS - 1)[0]
    lrs = [s[0][0] for s in seq]
    moms = [s[2][0] for s in seq]
    peak = lrs.index(max(lrs))
    assert lrs[0] == pytest.approx(1.0 / 25) and max(lrs) == pytest.approx(1.0)
    assert peak == round(0.3 * STEPS) - 1  # the warm-up phase ends at pct_start·total - 1
    assert all(x < y for x, y in zip(lrs[:peak], lrs[1:peak + 1]))
    assert all(x > y for x, y in zip(lrs[peak:], lrs[peak + 1:]))
    assert lrs[-1] == pytest.approx(1.0 / 25 / 1e4)
    assert moms[0] == pytest.approx(0.95) and moms[peak] == pytest.approx(0.85)
    assert moms[-1] == pytest.approx(0.95)
    adam = _sequence(tinytorch, "OneCycleLR", kw, kind="Adam", steps=5)[2]
    assert adam.param_groups[0]["betas"][1] == 0.999  # only beta1 cycles


def test_onecycle_overrun_and_errors():
    opt = _optimizer(tinytorch)
    sched = S.OneCycleLR(opt, max_lr=0.1, total_steps=3)
    for _ in range(2):
        sched.step()
    sched.step()  # step index 3 == total_steps is still allowed, as in torch
    with pytest.raises(ValueError, match="Tried to step 4 times. The specified number of "
                                         "total steps is 3"):
        sched.step()
    with pytest.raises(ValueError, match="You must define either total_steps OR"):
        S.OneCycleLR(_optimizer(tinytorch), max_lr=0.1)
    with pytest.raises(ValueError, match="Expected positive integer total_steps, but got 0"):
        S.OneCycleLR(_optimizer(tinytorch), max_lr=0.1, total_steps=0)
    with pytest.raises(ValueError, match="Expected positive integer epochs"):
        S.OneCycleLR(_optimizer(tinytorch), max_lr=0.1, epochs=-1, steps_per_epoch=2)
    with pytest.raises(ValueError, match="Expected float between 0 and 1 pct_start"):
        S.OneCycleLR(_optimizer(tinytorch), max_lr=0.1, total_steps=5, pct_start=1.5)
    with pytest.raises(ValueError, match="anneal_strategy must be one of 'cos' or 'linear'"):
        S.OneCycleLR(_optimizer(tinytorch), max_lr=0.1, total_steps=5, anneal_strategy="exp")
    with pytest.raises(ValueError, match="max_lr must have the same length"):
        S.OneCycleLR(_optimizer(tinytorch), max_lr=[0.1], total_steps=5)
    w = tinytorch.zeros(1, requires_grad=True)
    with pytest.raises(ValueError, match="optimizer must support momentum or beta1"):
        S.OneCycleLR(optim.Adagrad([w]), max_lr=0.1, total_steps=5)
    S.OneCycleLR(optim.Adagrad([w]), max_lr=0.1, total_steps=5, cycle_momentum=False)


def test_plateau_semantics_by_hand():
    opt = _optimizer(tinytorch)
    sched = S.ReduceLROnPlateau(opt, patience=1, factor=0.5, cooldown=1, min_lr=0.02)
    lrs = []
    for m in [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5]:
        sched.step(m)
        lrs.append(sched.get_last_lr()[0])
    # 2 bad epochs (> patience 1) reduce; the cooldown epoch after a reduction does not count
    assert lrs == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.02])
    assert sched.best == 0.5
    assert sched.get_last_lr()[1] == 0.02  # the second group hit min_lr too


def test_plateau_errors():
    with pytest.raises(ValueError, match="Factor should be < 1.0."):
        S.ReduceLROnPlateau(_optimizer(tinytorch), factor=1.0)
    with pytest.raises(ValueError, match="mode avg is unknown!"):
        S.ReduceLROnPlateau(_optimizer(tinytorch), mode="avg")
    with pytest.raises(ValueError, match="threshold mode pct is unknown!"):
        S.ReduceLROnPlateau(_optimizer(tinytorch), threshold_mode="pct")
    with pytest.raises(ValueError, match="expected 2 min_lrs, got 1"):
        S.ReduceLROnPlateau(_optimizer(tinytorch), min_lr=[0.1])
    with pytest.raises(TypeError, match="list is not an Optimizer"):
        S.ReduceLROnPlateau([])
    opt = _optimizer(tinytorch)
    sched = S.ReduceLROnPlateau(opt, patience=0, min_lr=[0.0, 0.0])
    opt.add_param_group({"params": [tinytorch.zeros(1, requires_grad=True)]})
    sched.step(1.0)
    with pytest.raises(RuntimeError, match="The number of param groups in the `optimizer` "
                                           r"\(3\) differs"):
        sched.step(2.0)


# --- state_dict round trips -----------------------------------------------------------------
class _Halving:
    """A callable object: LambdaLR saves its __dict__ (plain functions are not saved)."""

    def __init__(self):
        self.rate = 0.5

    def __call__(self, epoch):
        return self.rate ** epoch


@pytest.mark.parametrize("name,kw", CASES + [
    pytest.param("LambdaLR", dict(lr_lambda=_Halving()), id="lambda-object")])
def test_state_dict_round_trip(name, kw):
    full = _sequence(tinytorch, name, kw)[0]
    _, sched, opt = _sequence(tinytorch, name, kw, steps=12)
    sd = copy.deepcopy(sched.state_dict())
    osd = copy.deepcopy(opt.state_dict())
    assert "optimizer" not in sd
    opt2 = _optimizer(tinytorch)
    kw2 = dict(kw, lr_lambda=_Halving()) if name == "LambdaLR" and \
        isinstance(kw["lr_lambda"], _Halving) else kw
    sched2 = getattr(S, name)(opt2, **kw2)  # construct first, then load both (torch's order)
    if isinstance(kw2.get("lr_lambda"), _Halving):
        kw2["lr_lambda"].rate = 0.9  # overwritten by the load
    opt2.load_state_dict(osd)
    sched2.load_state_dict(sd)
    rest = []
    for _ in range(STEPS - 12):
        opt2.step()
        sched2.step()
        rest.append((list(sched2.get_last_lr()), [g["lr"] for g in opt2.param_groups],
                     _momenta(opt2)))
    assert rest == full[13:]


def test_plateau_state_dict_round_trip():
    full = _sequence(tinytorch, "ReduceLROnPlateau", dict(patience=1), metrics=METRICS)[0]
    _, sched, opt = _sequence(tinytorch, "ReduceLROnPlateau", dict(patience=1),
                              metrics=METRICS, steps=10)
    sd, osd = copy.deepcopy(sched.state_dict()), copy.deepcopy(opt.state_dict())
    opt2 = _optimizer(tinytorch)
    sched2 = S.ReduceLROnPlateau(opt2, mode="max")  # mode comes back from the state dict
    opt2.load_state_dict(osd)
    sched2.load_state_dict(sd)
    assert sched2.mode == "min" and sched2.mode_worse == math.inf
    rest = []
    for m in METRICS[10:]:
        sched2.step(m)
        rest.append(sched2.get_last_lr())
    assert rest == [s[0] for s in full[11:]]


# --- base-class behaviour ---------------------------------------------------------------------
def test_warns_when_scheduler_steps_before_optimizer():
    opt = _optimizer(tinytorch)
    sched = S.StepLR(opt, step_size=2)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        sched.step()
    assert any("before `optimizer.step()`" in str(x.message) for x in w)
    opt = _optimizer(tinytorch)
    sched = S.StepLR(opt, step_size=2)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        opt.step()
        sched.step()
    assert not w


def test_get_lr_outside_step_warns():
    sched = S.ExponentialLR(_optimizer(tinytorch), gamma=0.5)
    with pytest.warns(UserWarning, match="please use `get_last_lr\\(\\)`"):
        sched.get_lr()


def test_initial_lr_and_base_lrs():
    opt = _optimizer(tinytorch)
    sched = S.StepLR(opt, step_size=1, gamma=0.5)
    assert sched.base_lrs == [0.1, 0.05]
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.05]
    assert sched.last_epoch == 0 and sched.get_last_lr() == [0.1, 0.05]
    with pytest.raises(KeyError, match="param 'initial_lr' is not specified in "
                                       r"param_groups\[0\]"):
        S.StepLR(_optimizer(tinytorch), step_size=1, last_epoch=3)
    with pytest.raises(TypeError, match="int is not an Optimizer"):
        S.StepLR(3, step_size=1)


def test_lambda_errors_and_linear_errors():
    with pytest.raises(ValueError, match="Expected 2 lr_lambdas, but got 1"):
        S.LambdaLR(_optimizer(tinytorch), lr_lambda=[_inv_sqrt])
    with pytest.raises(ValueError, match="Starting multiplicative factor expected to be "
                                         "greater than 0"):
        S.LinearLR(_optimizer(tinytorch), start_factor=0)
    with pytest.raises(ValueError, match="Ending multiplicative factor expected to be "
                                         "between 0 and 1."):
        S.LinearLR(_optimizer(tinytorch), end_factor=1.5)
    with pytest.raises(ValueError, match="Constant multiplicative factor"):
        S.ConstantLR(_optimizer(tinytorch), factor=2.0)
    with pytest.raises(TypeError, match="lr_lambda should be a function, but got float"):
        S.MultiplicativeLR(_optimizer(tinytorch), lr_lambda=0.5)


def test_sequential_errors():
    opt = _optimizer(tinytorch)
    a = S.StepLR(opt, step_size=2)
    with pytest.raises(ValueError, match="expects number of schedulers provided to be one "
                                         "more than the number of milestone points"):
        S.SequentialLR(opt, [a], milestones=[3])
    with pytest.raises(ValueError, match="same optimizer"):
        S.SequentialLR(opt, [a, S.StepLR(_optimizer(tinytorch), step_size=1)], milestones=[2])
    with pytest.raises(ValueError, match="does not support `ReduceLROnPlateau`"):
        S.ChainedScheduler([a, S.ReduceLROnPlateau(opt)])


def test_tensor_lr_is_filled_in_place():
    w = tinytorch.zeros(1, requires_grad=True)
    lr = tinytorch.tensor(0.1)
    opt = optim.SGD([w], lr=lr)
    sched = S.ExponentialLR(opt, gamma=0.5)
    opt.step()
    sched.step()
    assert opt.param_groups[0]["lr"] is lr and lr.item() == pytest.approx(0.05)
    last = sched.get_last_lr()[0]
    assert last is not lr and last.item() == pytest.approx(0.05)


def test_repr():
    sched = S.StepLR(_optimizer(tinytorch), step_size=2)
    assert repr(sched) == "StepLR(last_epoch=0, last_lr=[0.1, 0.05])"
