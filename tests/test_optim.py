"""tinytorch.optim: update rules (against PyTorch when importable, and against a direct
transcription of the documented algorithms otherwise), state_dict round trips, and the
Optimizer base class's bookkeeping and errors."""
import copy
import warnings

import numpy as np
import pytest

import tinytorch
from tinytorch import optim

# --- a small non-trivial problem: a 2-layer tanh net with a scalar output gain -----------
_rng = np.random.default_rng(0)
INIT = [_rng.normal(size=(4, 3)), _rng.normal(size=4), _rng.normal(size=(2, 4)),
        np.array(0.7)]
X = _rng.normal(size=(6, 3))
Y = _rng.normal(size=(6, 2))


def _loss(lib, ps, sign=1.0):
    """mean((s · tanh(X W1ᵀ + b1) W2ᵀ − Y)²), times ``sign`` (−1 for maximize runs, so the
    maximised objective stays bounded)."""
    dt = ps[0].dtype
    x, y = lib.tensor(X, dtype=dt), lib.tensor(Y, dtype=dt)
    h = (x @ ps[0].T + ps[1]).tanh()
    return ((h @ ps[2].T) * ps[3] - y).pow(2).mean() * sign


def _params(lib, dtype):
    return [lib.tensor(a, dtype=getattr(lib, dtype), requires_grad=True) for a in INIT]


def _make_opt(lib, name, kw, ps, grouped=False):
    cls = getattr(lib.optim, name)
    if not grouped:
        return cls(ps, **kw)
    # two groups: the first overrides lr (and weight_decay), the second uses the defaults
    first = {"params": ps[:2], "lr": kw["lr"] * 0.5, "weight_decay": 0.05}
    return cls([first, {"params": ps[2:]}], **kw)


def _trajectory(lib, name, kw, dtype="float64", steps=25, grouped=False, start=None,
                use_closure=False):
    ps = _params(lib, dtype)
    opt = _make_opt(lib, name, kw, ps, grouped)
    if start is not None:
        start(opt)
    sign = -1.0 if kw.get("maximize") else 1.0
    out = []
    for _ in range(steps):
        def closure():
            opt.zero_grad()
            loss = _loss(lib, ps, sign)
            loss.backward()
            return loss
        if use_closure:
            opt.step(closure)
        else:
            closure()
            opt.step()
        out.append(np.concatenate([p.detach().numpy().ravel() for p in ps]).astype(np.float64))
    return np.array(out), opt, ps


CONFIGS = [
    pytest.param("SGD", dict(lr=0.1), id="sgd"),
    pytest.param("SGD", dict(lr=0.1, momentum=0.9), id="sgd-momentum"),
    pytest.param("SGD", dict(lr=0.1, momentum=0.9, dampening=0.3), id="sgd-dampening"),
    pytest.param("SGD", dict(lr=0.1, momentum=0.8, nesterov=True), id="sgd-nesterov"),
    pytest.param("SGD", dict(lr=0.1, weight_decay=0.1), id="sgd-wd"),
    pytest.param("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.1,
                             maximize=True), id="sgd-nesterov-wd-maximize"),
    pytest.param("Adam", dict(lr=0.05), id="adam"),
    pytest.param("Adam", dict(lr=0.05, amsgrad=True), id="adam-amsgrad"),
    pytest.param("Adam", dict(lr=0.05, weight_decay=0.1), id="adam-wd"),
    pytest.param("Adam", dict(lr=0.05, betas=(0.8, 0.9), eps=1e-6, weight_decay=0.1,
                              amsgrad=True, maximize=True), id="adam-all"),
    pytest.param("AdamW", dict(lr=0.05), id="adamw"),
    pytest.param("AdamW", dict(lr=0.05, weight_decay=0.3, amsgrad=True), id="adamw-amsgrad"),
    pytest.param("RMSprop", dict(lr=0.01), id="rmsprop"),
    pytest.param("RMSprop", dict(lr=0.01, centered=True), id="rmsprop-centered"),
    pytest.param("RMSprop", dict(lr=0.01, momentum=0.9), id="rmsprop-momentum"),
    pytest.param("RMSprop", dict(lr=0.01, weight_decay=0.1), id="rmsprop-wd"),
    pytest.param("RMSprop", dict(lr=0.01, alpha=0.9, weight_decay=0.1, momentum=0.5,
                                 centered=True), id="rmsprop-all"),
    pytest.param("Adagrad", dict(lr=0.1), id="adagrad"),
    pytest.param("Adagrad", dict(lr=0.1, lr_decay=0.05), id="adagrad-lr-decay"),
    pytest.param("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.1,
                                 initial_accumulator_value=0.1, eps=1e-8), id="adagrad-all"),
]


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


# --- against PyTorch ------------------------------------------------------------------------
@pytest.mark.parametrize("name,kw", CONFIGS)
def test_trajectory_matches_torch_float64(torch, name, kw):
    ours, _, _ = _trajectory(tinytorch, name, kw)
    ref, _, _ = _trajectory(torch, name, kw)
    assert np.all(np.isfinite(ref)) and np.abs(ref[-1] - ref[0]).max() > 1e-3  # it moved
    # observed: ~1e-14 (only rounding differences such as torch's fused multiply-adds)
    assert np.abs(ours - ref).max() < 1e-9


@pytest.mark.parametrize("name,kw", CONFIGS)
def test_trajectory_matches_torch_float32(torch, name, kw):
    ours, _, ps = _trajectory(tinytorch, name, kw, dtype="float32")
    ref, _, _ = _trajectory(torch, name, kw, dtype="float32")
    assert ps[0].dtype == tinytorch.float32
    np.testing.assert_allclose(ours, ref, rtol=1e-4, atol=5e-5)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"])
def test_per_group_options_match_torch(torch, name):
    kw = dict(lr=0.05, momentum=0.9) if name in ("SGD", "RMSprop") else dict(lr=0.05)
    ours, opt, _ = _trajectory(tinytorch, name, kw, grouped=True)
    ref, topt, _ = _trajectory(torch, name, kw, grouped=True)
    assert np.abs(ours - ref).max() < 1e-9
    assert opt.param_groups[0]["lr"] == topt.param_groups[0]["lr"] == 0.025


@pytest.mark.parametrize("name,kw", CONFIGS)
def test_state_dict_format_matches_torch(torch, name, kw):
    _, opt, _ = _trajectory(tinytorch, name, kw, steps=3)
    _, topt, _ = _trajectory(torch, name, kw, steps=3)
    sd, tsd = opt.state_dict(), topt.state_dict()
    assert sd["param_groups"] == tsd["param_groups"]  # same keys, values and param indices
    assert list(sd["state"]) == list(tsd["state"])
    for i, st in sd["state"].items():
        tst = tsd["state"][i]
        assert list(st) == list(tst)
        for k, v in st.items():
            assert isinstance(v, tinytorch.Tensor)
            tv = tst[k]
            assert str(v.dtype).split(".")[-1] == str(tv.dtype).split(".")[-1]
            assert tuple(v.shape) == tuple(tv.shape)
            np.testing.assert_allclose(v.numpy(), tv.numpy(), rtol=1e-9, atol=1e-12)


def _continue(lib, opt, ps, kw, steps=15):
    sign = -1.0 if kw.get("maximize") else 1.0
    out = []
    for _ in range(steps):
        opt.zero_grad()
        _loss(lib, ps, sign).backward()
        opt.step()
        out.append(np.concatenate([p.detach().numpy().ravel() for p in ps]))
    return np.array(out)


@pytest.mark.parametrize("name,kw", CONFIGS[1::3])
def test_resume_from_torch_state_dict(torch, name, kw):
    """Halfway through a torch run, move weights and optimizer state (tensor by tensor,
    through numpy) into tinytorch: the rest of the run still follows torch's."""
    _, topt, tps = _trajectory(torch, name, kw, steps=10)
    ps = [tinytorch.tensor(p.detach().numpy().copy(), requires_grad=True) for p in tps]

    def convert(v):
        if isinstance(v, torch.Tensor):
            return tinytorch.from_numpy(v.detach().numpy().copy())
        if isinstance(v, dict):
            return {k: convert(x) for k, x in v.items()}
        return v
    opt = _make_opt(tinytorch, name, kw, ps)
    opt.load_state_dict(convert(topt.state_dict()))
    ours = _continue(tinytorch, opt, ps, kw)
    ref = _continue(torch, topt, tps, kw)
    assert np.abs(ours - ref).max() < 1e-9


def test_adam_cycled_beta1_matches_torch(torch):
    """OneCycleLR rewrites Adam's betas every step; the optimizer must read them each time."""
    def run(lib):
        ps = _params(lib, "float64")
        opt = lib.optim.Adam(ps, lr=0.01)
        sched = lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=25)
        out = []
        for _ in range(25):
            opt.zero_grad()
            _loss(lib, ps).backward()
            opt.step()
            sched.step()
            out.append(np.concatenate([p.detach().numpy().ravel() for p in ps]))
        return np.array(out)
    assert np.abs(run(tinytorch) - run(torch)).max() < 1e-9


# --- against the documented algorithms (no torch needed) ------------------------------------
def _reference(name, kw, steps=25):
    """The update rules transcribed from PyTorch's documentation, on float64 numpy arrays,
    with gradients from tinytorch's autograd."""
    ps = _params(tinytorch, "float64")
    theta = [p.detach().numpy().copy() for p in ps]
    lr, wd = kw["lr"], kw.get("weight_decay", 0)
    maximize = kw.get("maximize", False)
    st = [dict() for _ in ps]
    out = []
    for t in range(1, steps + 1):
        cur = [tinytorch.tensor(a, requires_grad=True) for a in theta]
        _loss(tinytorch, cur, -1.0 if maximize else 1.0).backward()
        for i, p in enumerate(cur):
            g, th, s = p.grad.numpy().copy(), theta[i], st[i]
            if maximize:
                g = -g
            if name == "SGD":
                mu, tau = kw.get("momentum", 0), kw.get("dampening", 0)
                g = g + wd * th
                if mu:
                    s["b"] = g.copy() if t == 1 else mu * s["b"] + (1 - tau) * g
                    g = g + mu * s["b"] if kw.get("nesterov") else s["b"]
                th = th - lr * g
            elif name in ("Adam", "AdamW"):
                b1, b2 = kw.get("betas", (0.9, 0.999))
                eps = kw.get("eps", 1e-8)
                if name == "AdamW":
                    th = th * (1 - lr * kw.get("weight_decay", 1e-2))
                else:
                    g = g + wd * th
                s["m"] = b1 * s.get("m", 0) + (1 - b1) * g
                s["v"] = b2 * s.get("v", 0) + (1 - b2) * g * g
                vhat = s["v"]
                if kw.get("amsgrad"):
                    s["vmax"] = vhat = np.maximum(s.get("vmax", 0), s["v"])
                mhat, vhat = s["m"] / (1 - b1 ** t), vhat / (1 - b2 ** t)
                th = th - lr * mhat / (np.sqrt(vhat) + eps)
            elif name == "RMSprop":
                alpha, eps, mu = kw.get("alpha", 0.99), kw.get("eps", 1e-8), kw.get("momentum", 0)
                g = g + wd * th
                s["v"] = alpha * s.get("v", 0) + (1 - alpha) * g * g
                v = s["v"]
                if kw.get("centered"):
                    s["gbar"] = alpha * s.get("gbar", 0) + (1 - alpha) * g
                    v = v - s["gbar"] ** 2
                if mu > 0:
                    s["b"] = mu * s.get("b", 0) + g / (np.sqrt(v) + eps)
                    th = th - lr * s["b"]
                else:
                    th = th - lr * g / (np.sqrt(v) + eps)
            elif name == "Adagrad":
                eta = kw.get("lr_decay", 0)
                eps = kw.get("eps", 1e-10)
                clr = lr / (1 + (t - 1) * eta)
                g = g + wd * th
                s["sum"] = s.get("sum", kw.get("initial_accumulator_value", 0)) + g * g
                th = th - clr * g / (np.sqrt(s["sum"]) + eps)
            theta[i] = th
        out.append(np.concatenate([a.ravel() for a in theta]))
    return np.array(out)


@pytest.mark.parametrize("name,kw", CONFIGS)
def test_trajectory_matches_documented_algorithm(name, kw):
    ours, _, _ = _trajectory(tinytorch, name, kw)
    ref = _reference(name, kw)
    assert np.abs(ref[-1] - ref[0]).max() > 1e-3
    assert np.abs(ours - ref).max() < 1e-9


@pytest.mark.parametrize("name,kw", CONFIGS)
def test_closure_gives_same_trajectory(name, kw):
    a = _trajectory(tinytorch, name, kw, steps=5)[0]
    b = _trajectory(tinytorch, name, kw, steps=5, use_closure=True)[0]
    np.testing.assert_array_equal(a, b)


# --- state_dict round trip --------------------------------------------------------------
@pytest.mark.parametrize("name,kw", CONFIGS)
def test_state_dict_round_trip_resumes_identically(name, kw):
    full, _, _ = _trajectory(tinytorch, name, kw, steps=25, grouped=True)
    _, opt, ps = _trajectory(tinytorch, name, kw, steps=10, grouped=True)
    saved = copy.deepcopy(opt.state_dict())
    ps2 = [tinytorch.tensor(p.detach().numpy().copy(), requires_grad=True) for p in ps]
    opt2 = _make_opt(tinytorch, name, dict(kw, lr=123.0), ps2, grouped=True)
    opt2.load_state_dict(saved)
    assert [g["lr"] for g in opt2.param_groups] == [g["lr"] for g in opt.param_groups]
    rest = _continue(tinytorch, opt2, ps2, kw)
    np.testing.assert_array_equal(rest, full[10:])
    # loading copied the buffers: the saved dict was not advanced by opt2's steps
    for i, st in saved["state"].items():
        for k, v in st.items():
            assert not np.shares_memory(v.numpy(), opt2.state[ps2[i]][k].numpy())


def test_load_state_dict_casts_buffers_to_param_dtype():
    w = tinytorch.tensor([1.0, 2.0], dtype=tinytorch.float64, requires_grad=True)
    opt = optim.Adam([w])
    sd = {"state": {0: {"step": tinytorch.tensor(3.0),
                        "exp_avg": tinytorch.tensor([0.1, 0.2]),
                        "exp_avg_sq": tinytorch.tensor([0.01, 0.02])}},
          "param_groups": copy.deepcopy(opt.state_dict()["param_groups"])}
    opt.load_state_dict(sd)
    st = opt.state[w]
    assert st["exp_avg"].dtype == tinytorch.float64
    assert st["step"].dtype == tinytorch.float32  # step counters keep their dtype
    assert st["step"].item() == 3.0
    w.grad = tinytorch.ones(2, dtype=tinytorch.float64)
    opt.step()
    assert st["step"].item() == 4.0


def test_load_state_dict_errors():
    a = tinytorch.zeros(2, requires_grad=True)
    b = tinytorch.zeros(3, requires_grad=True)
    opt = optim.SGD([a, b], lr=0.1, momentum=0.9)
    a.grad, b.grad = tinytorch.ones(2), tinytorch.ones(3)
    opt.step()
    sd = opt.state_dict()
    with pytest.raises(ValueError, match="different number of parameter groups"):
        optim.SGD([{"params": [a]}, {"params": [b]}], lr=0.1).load_state_dict(sd)
    with pytest.raises(ValueError, match="doesn't match the size"):
        optim.SGD([a], lr=0.1).load_state_dict(sd)
    with pytest.raises(ValueError, match=r"'momentum_buffer' of shape \[2\].*shape \[3\]"):
        optim.SGD([b, a], lr=0.1).load_state_dict(sd)
    with pytest.raises(ValueError, match="'state' and 'param_groups'"):
        opt.load_state_dict({"state": {}})


def test_state_dict_indices_span_groups_and_step_is_a_tensor():
    ps = [tinytorch.zeros(2, requires_grad=True) for _ in range(3)]
    opt = optim.Adam([{"params": ps[:1]}, {"params": ps[1:], "lr": 0.1}])
    for p in ps[1:]:
        p.grad = tinytorch.ones(2)
    opt.step()
    sd = opt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [[0], [1, 2]]
    assert sorted(sd["state"]) == [1, 2]  # the param without a grad has no state yet
    assert isinstance(sd["state"][1]["step"], tinytorch.Tensor)
    assert sd["state"][1]["step"].shape == ()
    assert sd["state"][1]["step"].item() == 1.0


def test_load_old_style_numeric_step():
    w = tinytorch.tensor([1.0], requires_grad=True)
    opt = optim.Adam([w], lr=0.1)
    w.grad = tinytorch.tensor([1.0])
    opt.step()
    sd = copy.deepcopy(opt.state_dict())
    sd["state"][0]["step"] = 1  # an int, as older checkpoints stored it
    opt2 = optim.Adam([tinytorch.tensor([1.0], requires_grad=True)], lr=0.1)
    opt2.load_state_dict(sd)
    step = opt2.state[opt2.param_groups[0]["params"][0]]["step"]
    assert isinstance(step, tinytorch.Tensor) and step.item() == 1.0


# --- Optimizer base semantics ------------------------------------------------------------
OPTIMIZERS = [optim.SGD, optim.Adam, optim.AdamW, optim.RMSprop, optim.Adagrad]


@pytest.mark.parametrize("cls", OPTIMIZERS)
def test_params_without_grad_are_skipped(cls):
    a = tinytorch.tensor([1.0, -2.0], requires_grad=True)
    b = tinytorch.tensor([3.0, 4.0], requires_grad=True)
    opt = cls([a, b], lr=0.1)
    a.grad = tinytorch.tensor([0.5, 0.5])
    opt.step()
    assert b.tolist() == [3.0, 4.0]
    assert a.tolist() != [1.0, -2.0]
    if cls is optim.Adagrad:  # Adagrad creates its state up front, but b's step never ran
        assert opt.state[b]["step"].item() == 0.0
    else:
        assert len(opt.state.get(b, {})) == 0


@pytest.mark.parametrize("cls", OPTIMIZERS)
def test_step_bumps_version_so_stale_graphs_fail(cls):
    w = tinytorch.tensor([1.0, 2.0], requires_grad=True)
    opt = cls([w], lr=0.1)
    loss = (w * w).sum()
    w.grad = tinytorch.ones(2)
    v = w._version
    opt.step()
    assert w._version == v + 1
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


def test_step_does_not_build_a_graph():
    w = tinytorch.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.1, momentum=0.9)
    (w * w).sum().backward()
    opt.step()
    assert w.is_leaf and w.grad_fn is None and w.requires_grad
    assert not opt.state[w]["momentum_buffer"].requires_grad


def test_sgd_per_group_update_by_hand():
    a = tinytorch.tensor([1.0, 2.0], requires_grad=True)
    b = tinytorch.tensor([3.0], requires_grad=True)
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1, momentum=0.0)
    assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[1]["lr"] == 0.5
    assert opt.param_groups[1]["momentum"] == 0.0 and opt.param_groups[1]["nesterov"] is False
    ((a * a).sum() + (b * b).sum()).backward()
    opt.step()
    np.testing.assert_allclose(a.detach().numpy(), [1.0 - 0.1 * 2.0, 2.0 - 0.1 * 4.0])
    np.testing.assert_allclose(b.detach().numpy(), [3.0 - 0.5 * 6.0])


def test_add_param_group():
    a = tinytorch.tensor([1.0], requires_grad=True)
    b = tinytorch.tensor([1.0], requires_grad=True)
    opt = optim.SGD([a], lr=0.1, momentum=0.9)
    opt.add_param_group({"params": b, "lr": 0.01})  # a lone Tensor is accepted
    g = opt.param_groups[1]
    assert len(g["params"]) == 1 and g["params"][0] is b
    assert g["lr"] == 0.01 and g["momentum"] == 0.9 and g["dampening"] == 0
    b.grad = tinytorch.tensor([1.0])
    opt.step()
    np.testing.assert_allclose(b.detach().numpy(), [1.0 - 0.01])
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [a]})
    with pytest.raises(TypeError, match="must be a dict"):
        opt.add_param_group([a])
    with pytest.raises(TypeError, match="ordered collections"):
        opt.add_param_group({"params": {tinytorch.zeros(1, requires_grad=True)}})


def test_required_option():
    class Plain(optim.Optimizer):
        def __init__(self, params, lr=optim.optimizer.required):
            super().__init__(params, dict(lr=lr))
    w = tinytorch.zeros(1, requires_grad=True)
    with pytest.raises(ValueError, match="didn't specify a value of required optimization "
                                         "parameter lr"):
        Plain([w])
    assert Plain([{"params": [w], "lr": 0.3}]).param_groups[0]["lr"] == 0.3


def test_zero_grad():
    a = tinytorch.tensor([1.0, 2.0], requires_grad=True)
    b = tinytorch.tensor([1.0], requires_grad=True)
    opt = optim.SGD([a, b], lr=0.1)
    (a * a).sum().backward()
    g = a.grad
    opt.zero_grad(set_to_none=False)
    assert a.grad is g and a.grad.tolist() == [0.0, 0.0] and b.grad is None
    opt.zero_grad()
    assert a.grad is None and b.grad is None


def test_closure_returns_loss_and_runs_with_grad_enabled():
    w = tinytorch.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    seen = []

    def closure():
        seen.append(tinytorch.is_grad_enabled())
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss
    with tinytorch.no_grad():
        loss = opt.step(closure)
    assert seen == [True]
    assert loss.item() == 5.0
    np.testing.assert_allclose(w.detach().numpy(), [0.8, 1.6])
    assert opt.step() is None


def test_named_parameters_are_accepted():
    w = tinytorch.zeros(2, requires_grad=True)
    opt = optim.SGD([("w", w)], lr=0.1)
    assert opt.param_groups[0]["params"][0] is w
    assert opt.param_groups[0]["param_names"] == ["w"]
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["w"]


def test_constructor_errors():
    w = tinytorch.zeros(2, requires_grad=True)
    with pytest.raises(TypeError, match="iterable of Tensors or dicts, but got "
                                        "torch.FloatTensor"):
        optim.SGD(w, lr=0.1)
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        optim.Adam([])
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        optim.SGD([w * 2], lr=0.1)
    with pytest.raises(TypeError, match="optimizer can only optimize Tensors, but one of the "
                                        "params is int"):
        optim.SGD([3], lr=0.1)
    with pytest.raises(ValueError, match="some parameters appear in more than one"):
        optim.SGD([{"params": [w]}, {"params": [w]}], lr=0.1)
    with pytest.warns(UserWarning, match="duplicate parameters"):
        optim.SGD([w, w], lr=0.1)


def test_differentiable_steps_are_refused():
    with pytest.raises(NotImplementedError, match="differentiable=True"):
        optim.Adam([tinytorch.zeros(1, requires_grad=True)], differentiable=True)


def test_non_leaf_that_retains_grad_is_accepted():
    w = tinytorch.zeros(2, requires_grad=True)
    h = w * 2
    h.retain_grad()
    assert optim.SGD([h], lr=0.1).param_groups[0]["params"][0] is h


@pytest.mark.parametrize("make,msg", [
    (lambda p: optim.SGD(p, lr=-0.1), "Invalid learning rate: -0.1"),
    (lambda p: optim.SGD(p, momentum=-0.5), "Invalid momentum value: -0.5"),
    (lambda p: optim.SGD(p, weight_decay=-1), "Invalid weight_decay value: -1"),
    (lambda p: optim.SGD(p, nesterov=True), "Nesterov momentum requires a momentum and zero "
                                            "dampening"),
    (lambda p: optim.SGD(p, momentum=0.9, dampening=0.1, nesterov=True), "Nesterov"),
    (lambda p: optim.Adam(p, lr=-1.0), "Invalid learning rate: -1.0"),
    (lambda p: optim.Adam(p, eps=-1e-8), "Invalid epsilon value: -1e-08"),
    (lambda p: optim.Adam(p, betas=(1.0, 0.999)), "Invalid beta parameter at index 0: 1.0"),
    (lambda p: optim.Adam(p, betas=(0.9, -0.1)), "Invalid beta parameter at index 1: -0.1"),
    (lambda p: optim.Adam(p, betas=(0, 0.9)), "betas must be either both floats or both "
                                              "Tensors"),
    (lambda p: optim.Adam(p, weight_decay=-0.1), "Invalid weight_decay value: -0.1"),
    (lambda p: optim.AdamW(p, betas=(0.9, 1.5)), "Invalid beta parameter at index 1: 1.5"),
    (lambda p: optim.RMSprop(p, alpha=-0.1), "Invalid alpha value: -0.1"),
    (lambda p: optim.RMSprop(p, momentum=-0.1), "Invalid momentum value: -0.1"),
    (lambda p: optim.RMSprop(p, eps=-1.0), "Invalid epsilon value: -1.0"),
    (lambda p: optim.Adagrad(p, lr_decay=-0.1), "Invalid lr_decay value: -0.1"),
    (lambda p: optim.Adagrad(p, initial_accumulator_value=-1.0),
     "Invalid initial_accumulator_value value: -1.0"),
])
def test_invalid_hyperparameters(make, msg):
    with pytest.raises(ValueError) as e:
        make([tinytorch.zeros(2, requires_grad=True)])
    assert msg in str(e.value)


@pytest.mark.parametrize("cls,lr", [(optim.SGD, 1e-3), (optim.Adam, 1e-3), (optim.AdamW, 1e-3),
                                    (optim.RMSprop, 1e-2), (optim.Adagrad, 1e-2)])
def test_defaults(cls, lr):
    opt = cls([tinytorch.zeros(1, requires_grad=True)])
    assert opt.defaults["lr"] == lr
    if cls is optim.AdamW:
        assert opt.defaults["weight_decay"] == 1e-2
        assert opt.defaults["decoupled_weight_decay"] is True


def test_defaults_match_torch(torch):
    for cls in OPTIMIZERS:
        ours = cls([tinytorch.zeros(1, requires_grad=True)]).defaults
        theirs = getattr(torch.optim, cls.__name__)([torch.zeros(1, requires_grad=True)])
        assert ours == theirs.defaults


def test_repr():
    opt = optim.SGD([tinytorch.zeros(1, requires_grad=True)], lr=0.1)
    r = repr(opt)
    assert r.startswith("SGD (\nParameter Group 0\n") and r.endswith(")")
    assert "    lr: 0.1\n" in r and "    momentum: 0\n" in r and "params" not in r


def test_repr_matches_torch(torch):
    ours = optim.Adam([tinytorch.zeros(1, requires_grad=True)], lr=0.1, amsgrad=True)
    theirs = torch.optim.Adam([torch.zeros(1, requires_grad=True)], lr=0.1, amsgrad=True)
    assert repr(ours) == repr(theirs)


def test_tensor_lr_is_read_as_a_number():
    w = tinytorch.tensor([1.0], requires_grad=True)
    opt = optim.SGD([w], lr=tinytorch.tensor(0.5))
    w.grad = tinytorch.tensor([2.0])
    opt.step()
    np.testing.assert_allclose(w.detach().numpy(), [0.0])


def test_deepcopy_optimizer_keeps_state():
    w = tinytorch.tensor([1.0], requires_grad=True)
    opt = optim.Adam([w], lr=0.1)
    w.grad = tinytorch.tensor([1.0])
    opt.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clone = copy.deepcopy(opt)
    (p,) = clone.param_groups[0]["params"]
    assert clone.state[p]["step"].item() == 1.0 and p is not w


def test_checkpoint_through_save_and_load_resumes_identically(tmp_path):
    """Optimizer and scheduler state written with tinytorch.save and read back with
    tinytorch.load continue the run exactly."""
    kw = dict(lr=0.05, amsgrad=True)

    def setup():
        ps = _params(tinytorch, "float64")
        opt = optim.Adam(ps, **kw)
        sched = optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=25)
        return ps, opt, sched

    def run(ps, opt, sched, steps):
        out = []
        for _ in range(steps):
            opt.zero_grad()
            _loss(tinytorch, ps).backward()
            opt.step()
            sched.step()
            out.append(np.concatenate([p.detach().numpy().ravel() for p in ps]))
        return np.array(out)
    full = run(*setup(), 25)
    ps, opt, sched = setup()
    run(ps, opt, sched, 10)
    path = tmp_path / "ckpt.tt"
    tinytorch.save({"params": [p.detach() for p in ps], "opt": opt.state_dict(),
                    "sched": sched.state_dict()}, path)
    ck = tinytorch.load(path)
    ps2, opt2, sched2 = setup()
    for p, v in zip(ps2, ck["params"]):
        p.data[...] = v.numpy()
    opt2.load_state_dict(ck["opt"])
    sched2.load_state_dict(ck["sched"])
    np.testing.assert_array_equal(run(ps2, opt2, sched2, 15), full[10:])
