"""Module paths as scripts import them (``from torch.utils.data.dataloader import DataLoader``,
``from torch.nn.modules.linear import Linear``, ...): every path imports, re-exports the very
objects of the short paths (no copies), and names what torch's path names.  Plus the pieces
that came with the paths: DistributedSampler, StackDataset, nn.utils (clip_grad_value_,
parameter vectors, rnn.pad_sequence) and testing.assert_close, compared with torch."""
import importlib
import math
import warnings

import numpy as np
import pytest

import tinytorch
import tinytorch.nn as nn
import tinytorch.utils.data as data

# path -> {name: the object it must be}
LAYERS = {
    "module": ["Module"], "linear": ["Identity", "Linear"], "conv": ["Conv2d"],
    "activation": ["ELU", "GELU", "LeakyReLU", "LogSoftmax", "ReLU", "SiLU", "Sigmoid",
                   "Softmax", "Softplus", "Tanh", "MultiheadAttention"],
    "loss": ["BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "HuberLoss", "L1Loss",
             "MSELoss", "NLLLoss", "SmoothL1Loss"],
    "container": ["ModuleDict", "ModuleList", "Sequential"], "dropout": ["Dropout"],
    "normalization": ["LayerNorm"], "batchnorm": ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d"],
    "pooling": ["AdaptiveAvgPool2d", "AvgPool2d", "MaxPool2d"], "sparse": ["Embedding"],
    "flatten": ["Flatten", "Unflatten"],
}


def _paths():
    out = {}
    for sub, names in LAYERS.items():
        out[f"nn.modules.{sub}"] = {n: getattr(nn, n) for n in names}
        out.setdefault("nn.modules", {}).update({n: getattr(nn, n) for n in names})
    out["nn.parameter"] = {"Parameter": nn.Parameter}
    out["nn.utils"] = {n: getattr(nn.utils, n) for n in (
        "clip_grad_norm_", "clip_grad_norm", "clip_grad_value_", "parameters_to_vector",
        "vector_to_parameters", "get_total_norm", "clip_grads_with_norm_")}
    out["nn.utils.clip_grad"] = {n: getattr(nn.utils, n) for n in (
        "clip_grad_norm_", "clip_grad_norm", "clip_grad_value_")}
    out["nn.utils.convert_parameters"] = {n: getattr(nn.utils, n) for n in (
        "parameters_to_vector", "vector_to_parameters")}
    out["nn.utils.rnn"] = {"pad_sequence": nn.utils.rnn.pad_sequence}
    d = {n: getattr(data, n) for n in data.__all__}
    out["utils.data"] = d
    out["utils.data.dataloader"] = {n: d[n] for n in ("DataLoader", "get_worker_info",
                                                      "default_collate", "default_convert")}
    out["utils.data.dataset"] = {n: d[n] for n in (
        "Dataset", "IterableDataset", "TensorDataset", "StackDataset", "ConcatDataset",
        "ChainDataset", "Subset", "random_split")}
    out["utils.data.sampler"] = {n: d[n] for n in (
        "BatchSampler", "RandomSampler", "Sampler", "SequentialSampler",
        "SubsetRandomSampler", "WeightedRandomSampler")}
    out["utils.data.distributed"] = {"DistributedSampler": d["DistributedSampler"]}
    out["utils.data._utils.collate"] = {n: d[n] for n in ("default_collate",
                                                          "default_convert")}
    optim = tinytorch.optim
    out["optim.optimizer"] = {"Optimizer": optim.Optimizer}
    out["optim.lr_scheduler"] = {n: getattr(optim.lr_scheduler, n) for n in (
        "LRScheduler", "LambdaLR", "StepLR", "MultiStepLR", "ExponentialLR",
        "CosineAnnealingLR", "OneCycleLR", "ReduceLROnPlateau", "LinearLR", "SequentialLR")}
    ag = tinytorch.autograd
    out["autograd.function"] = {"Function": ag.Function,
                                "once_differentiable": ag.once_differentiable}
    out["autograd.grad_mode"] = {n: getattr(ag, n) for n in (
        "no_grad", "enable_grad", "set_grad_enabled", "inference_mode")}
    out["autograd.functional"] = {n: getattr(ag.functional, n) for n in (
        "jacobian", "hessian", "vjp", "jvp", "hvp", "vhp")}
    out["serialization"] = {"save": tinytorch.save, "load": tinytorch.load}
    out["testing"] = {"assert_close": tinytorch.testing.assert_close}
    out["random"] = {n: getattr(tinytorch, n) for n in (
        "manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state")}
    return out


PATHS = _paths()


@pytest.mark.parametrize("path", sorted(PATHS))
def test_the_path_imports_and_re_exports_the_same_objects(path):
    mod = importlib.import_module(f"tinytorch.{path}")
    for name, obj in PATHS[path].items():
        assert getattr(mod, name) is obj, f"tinytorch.{path}.{name}"
    # and `from ... import` spelling works too
    ns = {}
    exec(f"from tinytorch.{path} import {', '.join(PATHS[path])}", ns)
    assert all(ns[n] is obj for n, obj in PATHS[path].items())


@pytest.mark.parametrize("path", sorted(PATHS))
def test_torch_has_the_same_names_at_the_same_path(path):
    pytest.importorskip("torch")
    mod = importlib.import_module(f"torch.{path}")
    missing = [n for n in PATHS[path] if not hasattr(mod, n)]
    assert not missing, f"torch.{path} lacks {missing}"


def test_every_tinytorch_layer_is_under_torchs_nn_modules_path():
    """A layer class tinytorch.nn has is importable from the nn.modules submodule where torch
    defines it (a new layer added to tinytorch.nn must be added to tinytorch/nn/modules/)."""
    torch = pytest.importorskip("torch")
    import tinytorch.nn.modules as tm
    for name, obj in vars(nn).items():
        if not (isinstance(obj, type) and issubclass(obj, nn.Module)):
            continue
        ref = getattr(torch.nn, name, None)
        if ref is None or not ref.__module__.startswith("torch.nn.modules."):
            continue
        sub = ref.__module__.rpartition(".")[2]
        tiny_sub = importlib.import_module(f"tinytorch.nn.modules.{sub}")
        assert getattr(tiny_sub, name, None) is obj, f"tinytorch.nn.modules.{sub}.{name}"
        assert getattr(tm, name) is obj


def test_private_bases_scripts_subclass_are_where_torch_keeps_them():
    from tinytorch.nn.modules.batchnorm import _BatchNorm
    from tinytorch.nn.modules.loss import _Loss, _WeightedLoss
    assert issubclass(nn.MSELoss, _Loss) and issubclass(nn.NLLLoss, _WeightedLoss)
    assert issubclass(nn.BatchNorm2d, _BatchNorm)


def test_nn_modules_utils_matches_torch():
    torch = pytest.importorskip("torch")
    import tinytorch.nn.modules.utils as mine
    ref = torch.nn.modules.utils
    for name in ("_single", "_pair", "_triple", "_quadruple"):
        for x in (3, (1, 2), [4, 5, 6]):
            assert getattr(mine, name)(x) == getattr(ref, name)(x)
    assert mine._reverse_repeat_tuple((1, 2), 2) == ref._reverse_repeat_tuple((1, 2), 2)
    model = nn.Linear(2, 1)
    sd = {f"module.{k}": v for k, v in model.state_dict().items()}
    sd["other"] = 1
    mine.consume_prefix_in_state_dict_if_present(sd, "module.")
    assert sorted(sd) == ["bias", "other", "weight"]
    model.load_state_dict({k: v for k, v in sd.items() if k != "other"})


def test_the_data_classes_have_torchs_module_names():
    assert data.DataLoader.__module__ == "tinytorch.utils.data.dataloader"
    assert data.TensorDataset.__module__ == "tinytorch.utils.data.dataset"
    assert data.RandomSampler.__module__ == "tinytorch.utils.data.sampler"
    assert data.DistributedSampler.__module__ == "tinytorch.utils.data.distributed"
    assert issubclass(data.DistributedSampler, data.Sampler)


# --- DistributedSampler ----------------------------------------------------------------------

def test_distributed_sampler_defaults_to_one_process():
    ds = data.TensorDataset(tinytorch.arange(10))
    s = data.DistributedSampler(ds, shuffle=False)
    assert (s.num_replicas, s.rank, s.epoch, s.seed, len(s)) == (1, 0, 0, 0, 10)
    assert list(s) == list(range(10))
    s = data.DistributedSampler(ds)                     # shuffle=True by default
    first = list(s)
    assert sorted(first) == list(range(10)) and list(s) == first   # same epoch, same order
    s.set_epoch(1)
    assert s.epoch == 1 and sorted(list(s)) == list(range(10)) and list(s) != first
    s2 = data.DistributedSampler(ds, seed=0)
    s2.set_epoch(1)
    assert list(s2) == list(s)                          # seed + epoch decide the order
    loader = data.DataLoader(ds, batch_size=4, sampler=data.DistributedSampler(ds, seed=3))
    got = sorted(int(v) for (b,) in loader for v in b)
    assert got == list(range(10)) and len(loader) == 3
    with pytest.raises(ValueError, match=r"Invalid rank 2, rank should be in the interval "
                                         r"\[0, 1\]"):
        data.DistributedSampler(ds, num_replicas=2, rank=2)
    with pytest.raises(ValueError, match="Invalid rank -1"):
        data.DistributedSampler(ds, rank=-1)


@pytest.mark.parametrize("n, replicas, drop_last", [(10, 1, False), (10, 3, False),
                                                    (10, 3, True), (3, 5, False),
                                                    (7, 2, True), (8, 4, False)])
def test_distributed_sampler_splits_like_torch(n, replicas, drop_last):
    torch = pytest.importorskip("torch")
    for rank in range(replicas):
        mine = data.DistributedSampler(list(range(n)), num_replicas=replicas, rank=rank,
                                       shuffle=False, drop_last=drop_last)
        ref = torch.utils.data.DistributedSampler(list(range(n)), num_replicas=replicas,
                                                  rank=rank, shuffle=False,
                                                  drop_last=drop_last)
        assert (len(mine), mine.total_size) == (len(ref), ref.total_size)
        assert list(mine) == list(ref)


def test_distributed_sampler_shuffles_like_torch_when_randperm_does():
    torch = pytest.importorskip("torch")
    g = tinytorch.Generator().manual_seed(5)
    if tinytorch.randperm(50, generator=g).tolist() != torch.randperm(
            50, generator=torch.Generator().manual_seed(5)).tolist():
        pytest.skip("tinytorch's randperm stream is not torch's yet")
    for epoch in range(3):
        mine = data.DistributedSampler(list(range(50)), seed=5)
        ref = torch.utils.data.DistributedSampler(list(range(50)), num_replicas=1, rank=0,
                                                  seed=5)
        mine.set_epoch(epoch)
        ref.set_epoch(epoch)
        assert list(mine) == list(ref)


# --- StackDataset ----------------------------------------------------------------------------

def test_stack_dataset_matches_torch():
    torch = pytest.importorskip("torch")

    def run(M):
        x, y = M.arange(10.).reshape(5, 2), M.arange(5)
        out = []
        for ds in (M.utils.data.StackDataset(M.utils.data.TensorDataset(x), y),
                   M.utils.data.StackDataset(a=x, b=M.utils.data.TensorDataset(y))):
            out.append(str(len(ds)))
            out.append(repr(ds[1]))
            out.extend(repr(b) for b in M.utils.data.DataLoader(ds, batch_size=2))
        return [s.replace("tinytorch", "torch") for s in out]

    assert run(tinytorch) == run(torch)
    for args, kwargs, match in [((), {}, "At least one dataset"),
                                (([1, 2], [1]), {}, "Size mismatch between datasets"),
                                (([1],), {"b": [1]}, "but both types are given")]:
        with pytest.raises(ValueError, match=match):
            data.StackDataset(*args, **kwargs)


# --- nn.utils --------------------------------------------------------------------------------

def _linear_pair(torch):
    mine = nn.Linear(3, 2)
    ref = torch.nn.Linear(3, 2)
    with torch.no_grad():
        ref.weight.copy_(torch.from_numpy(mine.weight.detach().numpy()))
        ref.bias.copy_(torch.from_numpy(mine.bias.detach().numpy()))
    return mine, ref


def test_parameter_vectors_match_torch():
    torch = pytest.importorskip("torch")
    mine, ref = _linear_pair(torch)
    v_m = nn.utils.parameters_to_vector(mine.parameters())
    v_r = torch.nn.utils.parameters_to_vector(ref.parameters())
    np.testing.assert_array_equal(v_m.detach().numpy(), v_r.detach().numpy())
    v_m.sum().backward()                                 # differentiable, as torch's
    np.testing.assert_array_equal(mine.weight.grad.numpy(), np.ones((2, 3), np.float32))
    # the parameters become views of the vector (its memory and dtype), as in torch
    vec = tinytorch.arange(10, dtype=tinytorch.float64)
    nn.utils.vector_to_parameters(vec, mine.parameters())     # two extra elements: ignored
    torch.nn.utils.vector_to_parameters(torch.arange(10, dtype=torch.float64),
                                        ref.parameters())
    assert mine.bias.dtype == tinytorch.float64 and ref.bias.dtype == torch.float64
    np.testing.assert_array_equal(mine.bias.detach().numpy(), ref.bias.detach().numpy())
    assert isinstance(mine.weight, nn.Parameter) and mine.weight.requires_grad
    vec[0] = 100.0
    assert float(mine.weight[0, 0]) == 100.0
    with pytest.raises(RuntimeError, match=r"shape '\[2, 3\]' is invalid for input of size 5"):
        nn.utils.vector_to_parameters(tinytorch.zeros(5), mine.parameters())
    with pytest.raises(TypeError, match="expected torch.Tensor, but got: list"):
        nn.utils.vector_to_parameters([1.0], mine.parameters())


def test_clip_grad_value_and_the_deprecated_clip_grad_norm_match_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal(s).astype(np.float32) for s in [(3, 4), (5,)]]
    mine = [nn.Parameter(tinytorch.zeros(*g.shape)) for g in grads]
    ref = [torch.nn.Parameter(torch.zeros(*g.shape)) for g in grads]
    for pm, pr, g in zip(mine, ref, grads):
        pm.grad, pr.grad = tinytorch.tensor(g), torch.tensor(g)
    assert nn.utils.clip_grad_value_(mine, 0.5) is None
    torch.nn.utils.clip_grad_value_(ref, 0.5)
    for pm, pr in zip(mine, ref):
        np.testing.assert_array_equal(pm.grad.numpy(), pr.grad.numpy())
    nn.utils.clip_grad_value_(mine[0], 0.1)           # a lone tensor
    torch.nn.utils.clip_grad_value_(ref[0], 0.1)
    np.testing.assert_array_equal(mine[0].grad.numpy(), ref[0].grad.numpy())
    with pytest.warns(FutureWarning, match="clip_grad_norm` is now deprecated"):
        total = nn.utils.clip_grad_norm(mine, 0.05)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        total_r = torch.nn.utils.clip_grad_norm(ref, 0.05)
    assert math.isclose(float(total), float(total_r), rel_tol=1e-6)
    for pm, pr in zip(mine, ref):
        np.testing.assert_allclose(pm.grad.numpy(), pr.grad.numpy(), rtol=1e-6)


# --- nn.utils.rnn.pad_sequence ---------------------------------------------------------------

@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("side", ["right", "left"])
def test_pad_sequence_matches_torch_values_and_grads(batch_first, side):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal((n, 2, 3)).astype(np.float32) for n in (4, 1, 3)]
    mine = [tinytorch.tensor(a, requires_grad=True) for a in arrays]
    ref = [torch.tensor(a, requires_grad=True) for a in arrays]
    out_m = nn.utils.rnn.pad_sequence(mine, batch_first=batch_first, padding_value=-1.5,
                                      padding_side=side)
    out_r = torch.nn.utils.rnn.pad_sequence(ref, batch_first=batch_first, padding_value=-1.5,
                                            padding_side=side)
    assert tuple(out_m.shape) == tuple(out_r.shape)
    np.testing.assert_array_equal(out_m.detach().numpy(), out_r.detach().numpy())
    w = rng.standard_normal(tuple(out_r.shape)).astype(np.float32)
    (out_m * tinytorch.tensor(w)).sum().backward()
    (out_r * torch.tensor(w)).sum().backward()
    for a, b in zip(mine, ref):
        np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())


def test_pad_sequence_dtypes_broadcasting_and_errors_match_torch():
    torch = pytest.importorskip("torch")

    def run(M, f):
        try:
            r = f(M, M.nn.utils.rnn.pad_sequence)
            return str(r.dtype).split(".")[-1], r.tolist()
        except Exception as e:
            return type(e).__name__, str(e).split("\n")[0]

    cases = [
        lambda M, p: p([M.ones(2, dtype=M.int64), M.ones(3)], padding_value=0.7),
        lambda M, p: p([M.ones(2), M.ones(3, dtype=M.int64)], padding_value=0.7),
        lambda M, p: p([M.ones(2, dtype=M.int64), M.ones(3)], padding_value=True),
        lambda M, p: p((M.ones(2, 3), M.zeros(1, 1))),              # broadcast into the row
        lambda M, p: p([M.ones(2), M.ones(3)], padding_value=M.tensor(3.0)),
        lambda M, p: p([M.ones(0, 2), M.ones(0, 2)]),
        lambda M, p: p(M.ones(2, 3)),                                 # a tensor: its rows
        lambda M, p: p([]),
        lambda M, p: p(5),
        lambda M, p: p([M.ones(2, 3), M.ones(3, 2)]),
        lambda M, p: p([M.ones(2, 3), M.ones(3, 3, 1)]),
        lambda M, p: p([M.ones(2, 1), M.ones(3, 2)]),
        lambda M, p: p([M.ones(2), M.ones(3)], padding_side="up"),
        lambda M, p: p([M.ones(2, dtype=M.int64), M.ones(3)], padding_value=float("nan")),
        lambda M, p: p([[1, 2], [3]]),
        lambda M, p: p([M.ones(2), M.ones(3)], 1),
        lambda M, p: p([M.ones(2), M.ones(3)], padding_value="a"),
    ]
    for i, f in enumerate(cases):
        assert run(tinytorch, f) == run(torch, f), i
    with pytest.raises(RuntimeError, match="0-d"):
        nn.utils.rnn.pad_sequence([tinytorch.tensor(1.0), tinytorch.ones(2)])


# --- testing.assert_close --------------------------------------------------------------------

def _close_cases():
    nan, inf = float("nan"), float("inf")
    return {
        "equal": lambda M: M.testing.assert_close(M.tensor([1., 2.]), M.tensor([1., 2.])),
        "not close": lambda M: M.testing.assert_close(M.tensor([1., 2., 3.]),
                                                      M.tensor([1., 2.5, 5.])),
        "2-d": lambda M: M.testing.assert_close(M.tensor([[1., 2.], [3., 4.]]),
                                                M.tensor([[1., 2.5], [3., 4.0001]])),
        "within float32 tolerance": lambda M: M.testing.assert_close(
            M.tensor([1., 2.]), M.tensor([1., 2.000001])),
        "float64": lambda M: M.testing.assert_close(M.tensor([1., 2.], dtype=M.float64),
                                                    M.tensor([1., 2.000001], dtype=M.float64)),
        "float16": lambda M: M.testing.assert_close(M.tensor([1., 2.], dtype=M.float16),
                                                    M.tensor([1., 2.5], dtype=M.float16)),
        "int": lambda M: M.testing.assert_close(M.tensor([1, 2, 3]), M.tensor([1, 2, 4])),
        "negative int": lambda M: M.testing.assert_close(M.tensor([-1, 2]), M.tensor([1, 2])),
        "int with tolerance": lambda M: M.testing.assert_close(
            M.tensor([1, 2, 3]), M.tensor([1, 2, 7]), rtol=0.1, atol=0.5),
        "uint8": lambda M: M.testing.assert_close(M.tensor([1, 2, 3], dtype=M.uint8),
                                                  M.tensor([1, 9, 3], dtype=M.uint8)),
        "bool": lambda M: M.testing.assert_close(M.tensor([True, False]),
                                                 M.tensor([True, True])),
        "dtype": lambda M: M.testing.assert_close(M.tensor([1., 2.]),
                                                  M.tensor([1., 2.], dtype=M.float64)),
        "no dtype check": lambda M: M.testing.assert_close(
            M.tensor([1., 2.]), M.tensor([1., 2.0000001], dtype=M.float64), check_dtype=False),
        "int vs float": lambda M: M.testing.assert_close(M.tensor([1, 2]), M.tensor([1., 2.5]),
                                                         check_dtype=False),
        "shape": lambda M: M.testing.assert_close(M.tensor([1., 2.]), M.tensor([1., 2., 3.])),
        "nan": lambda M: M.testing.assert_close(M.tensor([1., nan]), M.tensor([1., nan])),
        "equal_nan": lambda M: M.testing.assert_close(M.tensor([1., nan]), M.tensor([1., nan]),
                                                      equal_nan=True),
        "nan vs number": lambda M: M.testing.assert_close(M.tensor([1., nan, 3.]),
                                                          M.tensor([2., 1., 3.])),
        "inf": lambda M: M.testing.assert_close(M.tensor([inf]), M.tensor([inf])),
        "inf vs -inf": lambda M: M.testing.assert_close(M.tensor([inf, 0.]),
                                                        M.tensor([-inf, 0.])),
        "expected 0": lambda M: M.testing.assert_close(M.tensor([1., 1e-3]), M.tensor([1., 0.])),
        "0-d": lambda M: M.testing.assert_close(M.tensor(1.), M.tensor(1.5)),
        "0-d int": lambda M: M.testing.assert_close(M.tensor(1), M.tensor(3)),
        "numbers": lambda M: M.testing.assert_close(1.0, 1.0 + 1e-9),
        "numbers apart": lambda M: M.testing.assert_close(1.0, 1.1),
        "int and float": lambda M: M.testing.assert_close(1, 1.0),
        "int and float unchecked": lambda M: M.testing.assert_close(1, 1.0, check_dtype=False),
        "python nan": lambda M: M.testing.assert_close(nan, nan),
        "booleans": lambda M: M.testing.assert_close(True, False),
        "None": lambda M: M.testing.assert_close(None, 1),
        "numpy": lambda M: M.testing.assert_close(np.array([1., 2.]), np.array([1., 3.])),
        "numpy scalar": lambda M: M.testing.assert_close(np.float32(1.0), np.float32(1.5)),
        "numpy vs tensor": lambda M: M.testing.assert_close(np.array([1.]), M.tensor([1.])),
        "tensor vs float": lambda M: M.testing.assert_close(M.tensor(1.), 1.0),
        "list": lambda M: M.testing.assert_close([M.tensor([1.]), M.tensor([2.])],
                                                 [M.tensor([1.]), M.tensor([2.5])]),
        "list length": lambda M: M.testing.assert_close([1, 2], [1, 2, 3]),
        "tuple and list": lambda M: M.testing.assert_close((1, 2), [1, 2]),
        "dict": lambda M: M.testing.assert_close({"a": M.tensor([1.]), "b": [1, 2]},
                                                 {"a": M.tensor([1.]), "b": [1, 3]}),
        "dict keys": lambda M: M.testing.assert_close({"a": 1, "c": 2}, {"a": 1, "b": 2}),
        "type error after a mismatch": lambda M: M.testing.assert_close(
            [M.tensor([1.]), 1.0], [M.tensor([2.]), M.tensor(1.)]),
        "rtol only": lambda M: M.testing.assert_close(M.tensor([1.]), M.tensor([1.]), rtol=1e-3),
        "atol only": lambda M: M.testing.assert_close(M.tensor([1.]), M.tensor([1.]), atol=1e-3),
        "atol": lambda M: M.testing.assert_close(M.tensor([1., 2.]), M.tensor([1.05, 2.]),
                                                 rtol=0, atol=0.1),
        "zero tolerance": lambda M: M.testing.assert_close(M.tensor([1., 2.]),
                                                           M.tensor([1.05, 2.]), rtol=0, atol=0),
        "msg": lambda M: M.testing.assert_close(M.tensor([1.]), M.tensor([2.]), msg="custom"),
        "msg callable": lambda M: M.testing.assert_close(M.tensor([1.]), M.tensor([2.]),
                                                         msg=lambda m: f"Header\n{m}\nFooter"),
        "msg callable, nested": lambda M: M.testing.assert_close(
            [M.tensor([1.])], [M.tensor([2.])], msg=lambda m: "H\n" + m),
        "Parameter": lambda M: M.testing.assert_close(M.nn.Parameter(M.ones(2)), M.ones(2)),
        "Parameter, no subclasses": lambda M: M.testing.assert_close(
            M.nn.Parameter(M.ones(2)), M.ones(2), allow_subclasses=False),
        "requires grad": lambda M: M.testing.assert_close(M.ones(2, requires_grad=True) * 2,
                                                          M.full((2,), 2.)),
        "many": lambda M: M.testing.assert_close(M.arange(100.).reshape(10, 10),
                                                 M.arange(100.).reshape(10, 10) * 1.001),
        "strings": lambda M: M.testing.assert_close("a", "b"),
        "empty": lambda M: M.testing.assert_close(M.tensor([]), M.tensor([])),
        "assert_allclose": lambda M: M.testing.assert_allclose(M.tensor([1., 2.]),
                                                               [1., 2.00001]),
        "assert_allclose fails": lambda M: M.testing.assert_allclose(M.tensor([1., 2.]),
                                                                     [1., 2.1]),
    }


def _outcome(M, f):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        try:
            f(M)
            return "passes"
        except Exception as e:
            text = f"{type(e).__name__}: {e}"
    for a, b in [("<class 'tinytorch.tensor.Tensor'>", "<class 'torch.Tensor'>"),
                 ("<class 'tinytorch.nn.parameter.Parameter'>",
                  "<class 'torch.nn.parameter.Parameter'>"), ("tinytorch.", "torch.")]:
        text = text.replace(a, b)
    return text


@pytest.mark.parametrize("case", sorted(_close_cases()))
def test_assert_close_passes_and_fails_with_torchs_messages(case):
    torch = pytest.importorskip("torch")
    f = _close_cases()[case]
    assert _outcome(tinytorch, f) == _outcome(torch, f)


def test_assert_close_without_torch():
    ac = tinytorch.testing.assert_close
    ac(tinytorch.tensor([1.0, 2.0]), tinytorch.tensor([1.0, 2.0 + 1e-6]))
    with pytest.raises(AssertionError) as e:
        ac(tinytorch.tensor([1.0, 2.0]), tinytorch.tensor([1.0, 3.0]))
    assert str(e.value).splitlines() == [
        "Tensor-likes are not close!", "", "Mismatched elements: 1 / 2 (50.0%)",
        "Greatest absolute difference: 1.0 at index (1,) (up to 1e-05 allowed)",
        "Greatest relative difference: 0.3333333432674408 at index (1,) (up to 1.3e-06 "
        "allowed)"]
    with pytest.raises(AssertionError, match="'dtype' do not match"):
        ac(tinytorch.ones(2), tinytorch.ones(2, dtype=tinytorch.float64))
    ac(tinytorch.ones(2), tinytorch.ones(2, dtype=tinytorch.float64), check_dtype=False)
    with pytest.raises(ValueError, match="Both 'rtol' and 'atol'"):
        ac(tinytorch.ones(1), tinytorch.ones(1), rtol=0.1)
    with pytest.raises(AssertionError, match=r"The failure occurred for item \['w'\]\[1\]"):
        ac({"w": [tinytorch.ones(1), tinytorch.ones(1)]},
           {"w": [tinytorch.ones(1), tinytorch.zeros(1)]})
    ac(tinytorch.tensor([float("nan")]), tinytorch.tensor([float("nan")]), equal_nan=True)
