"""The everyday surface around the math (issue 13, item 3): threads, finfo/iinfo, legacy
constructors, Tensor.type and new_*, compile, autocast, GradScaler, bfloat16, distributed and
nn.parallel -- torch-free checks, then the same calls compared with torch."""
import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest

import tinytorch
from tinytorch import nn

DTYPES = ["float16", "float32", "float64", "uint8", "int8", "int16", "int32", "int64", "bool"]
FLOATS = ["float16", "float32", "float64"]
INTS = ["uint8", "int8", "int16", "int32", "int64"]


def _outcome(fn):
    """(kind, value) of calling fn: a result made comparable across the libraries, or the
    exception type and message."""
    try:
        r = fn()
    except Exception as e:  # noqa: BLE001 -- compared with torch's
        return "raise", type(e).__name__, str(e).replace("tinytorch.", "torch.")
    if type(r).__name__ == "dtype":
        return "dtype", str(r).split(".")[-1]
    if hasattr(r, "detach"):
        return ("tensor", str(r.dtype).split(".")[-1], tuple(r.shape),
                r.detach().numpy().tolist(), r.requires_grad)
    return "value", r


# --- torch-free ---------------------------------------------------------------------------

def test_import_stays_free_of_threadpoolctl_and_amp():
    code = "import sys, tinytorch; print('threadpoolctl' in sys.modules, " \
           "'tinytorch.amp' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False"]


def test_num_threads_sets_numpys_blas_threads():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    before = tinytorch.get_num_threads()
    try:
        tinytorch.set_num_threads(1)
        assert tinytorch.get_num_threads() == 1
        blas = [lib for lib in threadpoolctl.threadpool_info() if lib["user_api"] == "blas"]
        assert all(lib["num_threads"] == 1 for lib in blas)
        a = tinytorch.randn(64, 64)
        assert np.allclose((a @ a).numpy(), a.numpy() @ a.numpy(), atol=1e-4)
    finally:
        tinytorch.set_num_threads(before)
    assert tinytorch.get_num_threads() == before


def test_interop_threads_are_accepted():
    tinytorch.set_num_interop_threads(3)
    assert tinytorch.get_num_interop_threads() == 3
    with pytest.raises(RuntimeError, match="positive integer"):
        tinytorch.set_num_interop_threads(0)


def test_finfo_follows_the_default_dtype():
    assert tinytorch.finfo().dtype == "float32"
    tinytorch.set_default_dtype(tinytorch.float64)
    try:
        assert tinytorch.finfo().dtype == "float64"
        assert tinytorch.finfo().eps == np.finfo(np.float64).eps
    finally:
        tinytorch.set_default_dtype(tinytorch.float32)
    assert tinytorch.finfo(tinytorch.float32) is tinytorch.finfo(tinytorch.float32)


def test_bfloat16_is_a_named_dtype_refused_for_tensors():
    bf = tinytorch.bfloat16
    assert repr(bf) == "tinytorch.bfloat16" and bf.is_floating_point and bf.itemsize == 2
    assert pickle.loads(pickle.dumps(bf)) is bf
    assert tinytorch.finfo(bf).bits == 16 and tinytorch.finfo(bf).eps == 2.0 ** -7
    x = tinytorch.ones(2)
    for make in [lambda: tinytorch.tensor([1.0], dtype=bf), lambda: tinytorch.zeros(2, dtype=bf),
                 lambda: tinytorch.randn(2, dtype=bf), lambda: x.to(bf),
                 lambda: x.to(dtype=bf), lambda: x.type(bf), lambda: x.bfloat16(),
                 lambda: nn.Linear(2, 2).to(bf), lambda: tinytorch.set_default_dtype(bf)]:
        with pytest.raises(TypeError, match="tinytorch has no bfloat16 tensors"):
            make()
    assert tinytorch.get_default_dtype() is tinytorch.float32


def test_legacy_constructors_torch_free():
    t = tinytorch.FloatTensor(2, 3)
    assert t.shape == (2, 3) and t.dtype is tinytorch.float32
    assert isinstance(t, tinytorch.FloatTensor) and not isinstance(t, tinytorch.DoubleTensor)
    assert not issubclass(tinytorch.FloatTensor, tinytorch.Tensor)
    assert not isinstance(np.ones(2), tinytorch.FloatTensor)
    assert tinytorch.LongTensor.dtype is tinytorch.int64
    alias = tinytorch.FloatTensor(t)  # same dtype: shares memory, as torch
    alias[0, 0] = 5.0
    assert t[0, 0].item() == 5.0
    assert tinytorch.FloatTensor([1, 2], device="cpu").tolist() == [1.0, 2.0]


def test_type_names_and_conversions():
    x = tinytorch.ones(2)
    assert x.type() == "torch.FloatTensor"
    assert x.type(tinytorch.float32) is x
    for target in [tinytorch.float64, tinytorch.DoubleTensor, "torch.DoubleTensor",
                   "tinytorch.DoubleTensor"]:
        assert x.type(target).dtype is tinytorch.float64
    with pytest.raises(ValueError, match="invalid type"):
        x.type("float64")


def test_new_methods_keep_the_dtype_and_take_device_and_grad():
    x = tinytorch.tensor([1, 2], dtype=tinytorch.int32)
    for t in [x.new_empty(2, 3), x.new_zeros((2, 3)), x.new_ones(size=(2, 3)),
              x.new_full((2, 3), 7), x.new_tensor([[1, 2, 3]] * 2)]:
        assert t.dtype is tinytorch.int32 and t.shape == (2, 3)
    f = tinytorch.ones(1).new_zeros(2, device="cpu", requires_grad=True)
    assert f.requires_grad and f.is_leaf


def test_compile_returns_what_it_gets():
    model = nn.Linear(2, 2)

    def fn(a):
        return a + 1
    assert tinytorch.compile(model) is model
    assert tinytorch.compile(fn, mode="max-autotune", fullgraph=True) is fn
    assert tinytorch.compile()(fn) is fn

    @tinytorch.compile
    def g(a):
        return a * 2

    @tinytorch.compile(dynamic=True)
    def h(a):
        return a * 3
    assert g(2) == 4 and h(2) == 6


def test_autocast_is_a_no_op_context_and_decorator():
    a = tinytorch.ones(2, 2)
    with tinytorch.autocast("cpu"):
        assert (a @ a).dtype is tinytorch.float32
    with tinytorch.amp.autocast(device_type="cpu", dtype=tinytorch.bfloat16,
                                cache_enabled=False):
        assert (a @ a).dtype is tinytorch.float32
    assert tinytorch.amp.autocast is tinytorch.autocast
    assert not tinytorch.is_autocast_enabled()

    @tinytorch.autocast("cpu", enabled=False)
    def f(t):
        return t.sum()
    assert f(a).item() == 4.0 and f.__name__ == "f"


def _sgd_model():
    tinytorch.manual_seed(0)
    w = nn.Parameter(tinytorch.tensor([1.0, -2.0, 0.5]))
    return w, tinytorch.optim.SGD([w], lr=0.1)


def test_disabled_grad_scaler_passes_through():
    with pytest.warns(UserWarning, match="CUDA is not available"):
        default = tinytorch.amp.GradScaler()  # "cuda": absent, so disabled, as torch
    for scaler in (default, tinytorch.amp.GradScaler("cpu", enabled=False)):
        w, opt = _sgd_model()
        loss = (w ** 2).sum()
        assert scaler.scale(loss) is loss
        loss.backward()
        scaler.unscale_(opt)
        scaler.step(opt)
        scaler.update()
        assert w.tolist() == pytest.approx([0.8, -1.6, 0.4])
        assert not scaler.is_enabled() and scaler.get_scale() == 1.0
        assert scaler.state_dict() == {}


def test_cuda_amp_spellings():
    from tinytorch.amp import _cuda
    with pytest.warns(FutureWarning, match="deprecated"), \
            pytest.warns(UserWarning, match="CUDA is not available"):
        scaler = _cuda.GradScaler()
    assert not scaler.is_enabled()
    with pytest.warns(FutureWarning), pytest.warns(UserWarning, match="Disabling autocast"):
        _cuda.autocast()
    assert sys.modules["tinytorch.cuda.amp"] is _cuda


def test_distributed_is_not_available():
    dist = tinytorch.distributed
    assert dist.is_available() is False and dist.is_initialized() is False
    with pytest.raises(RuntimeError, match="not available"):
        dist.init_process_group("gloo")


def test_data_parallel_wraps_and_forwards():
    m = nn.Linear(2, 3)
    dp = nn.DataParallel(m, device_ids=[0])
    assert nn.parallel.DataParallel is nn.DataParallel
    assert dp.module is m and dp.device_ids == []
    assert list(dp.state_dict()) == ["module.weight", "module.bias"]
    x = tinytorch.randn(4, 2)
    assert np.array_equal(dp(x).detach().numpy(), m(x).detach().numpy())
    assert nn.parallel.data_parallel(m, x).shape == (4, 3)
    with pytest.raises(ValueError, match="process group"):
        nn.parallel.DistributedDataParallel(m)


# --- compared with torch -------------------------------------------------------------------

@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def _td(lib, name):
    return getattr(lib, name)


@pytest.mark.parametrize("name", FLOATS + ["bfloat16"])
def test_finfo_matches_torch(torch, name):
    ours, theirs = tinytorch.finfo(_td(tinytorch, name)), torch.finfo(_td(torch, name))
    for attr in ["bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"]:
        assert getattr(ours, attr) == getattr(theirs, attr), attr
        assert type(getattr(ours, attr)) is type(getattr(theirs, attr)), attr
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("name", INTS)
def test_iinfo_matches_torch(torch, name):
    ours, theirs = tinytorch.iinfo(_td(tinytorch, name)), torch.iinfo(_td(torch, name))
    for attr in ["bits", "max", "min", "dtype"]:
        assert getattr(ours, attr) == getattr(theirs, attr), attr
        assert type(getattr(ours, attr)) is type(getattr(theirs, attr)), attr
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("call", [
    lambda lib: lib.finfo(lib.int32), lambda lib: lib.finfo(lib.bool),
    lambda lib: lib.iinfo(lib.float32), lambda lib: lib.iinfo(lib.bool),
    lambda lib: lib.finfo("float32"), lambda lib: lib.finfo(float).dtype,
    lambda lib: lib.iinfo(int).max,
    lambda lib: lib.set_num_threads(0), lambda lib: lib.set_num_threads(-2),
    lambda lib: lib.set_num_threads(2.0), lambda lib: lib.set_num_interop_threads(-1),
    lambda lib: lib.set_default_dtype(lib.int64), lambda lib: lib.set_default_dtype("float32"),
    lambda lib: lib.set_default_dtype(np.float64),
])
def test_errors_and_values_match_torch(torch, call):
    assert _outcome(lambda: call(tinytorch)) == _outcome(lambda: call(torch))


LEGACY = [
    lambda lib: lib.FloatTensor(2, 3).shape, lambda lib: lib.FloatTensor([1, 2]),
    lambda lib: lib.FloatTensor(), lambda lib: lib.FloatTensor(lib.Size([2, 3])).shape,
    lambda lib: lib.FloatTensor((1, 2)), lambda lib: lib.FloatTensor(np.ones(2)),
    lambda lib: lib.LongTensor([1.5, 2]), lambda lib: lib.LongTensor([[1, 2], [3, 4]]),
    lambda lib: lib.LongTensor([2 ** 40 + 1]), lambda lib: lib.BoolTensor([1, 0]),
    lambda lib: lib.ByteTensor(3).shape, lambda lib: lib.HalfTensor([1]),
    lambda lib: lib.DoubleTensor([0.1]), lambda lib: lib.IntTensor(np.int64(2)).shape,
    lambda lib: lib.ShortTensor([1]), lambda lib: lib.CharTensor([-1]),
    lambda lib: lib.FloatTensor(0).shape, lambda lib: lib.FloatTensor([1], device="cpu"),
    lambda lib: lib.FloatTensor(-1), lambda lib: lib.FloatTensor(2.5),
    lambda lib: type(lib.FloatTensor(2, dtype=lib.float64)),
    lambda lib: type(lib.FloatTensor([1], requires_grad=True)),
    lambda lib: lib.FloatTensor(lib.ones(2)),
    lambda lib: type(lib.FloatTensor(lib.ones(2, dtype=lib.float64))),
    lambda lib: isinstance(lib.ones(2), lib.FloatTensor),
    lambda lib: isinstance(lib.ones(2, dtype=lib.int64), lib.LongTensor),
    lambda lib: isinstance(lib.ones(2), lib.DoubleTensor),
    lambda lib: issubclass(lib.FloatTensor, lib.Tensor),
    lambda lib: str(lib.FloatTensor.dtype).split(".")[-1],
]


@pytest.mark.parametrize("call", LEGACY)
def test_legacy_constructors_match_torch(torch, call):
    ours, theirs = _outcome(lambda: call(tinytorch)), _outcome(lambda: call(torch))
    if theirs[:2] == ("raise", "TypeError") and "new() received" in theirs[2]:
        assert ours[:2] == theirs[:2]  # torch's message lists its overloads: type only
    else:
        assert ours == theirs


@pytest.mark.parametrize("name", DTYPES)
def test_type_strings_match_torch(torch, name):
    assert tinytorch.ones(2, dtype=_td(tinytorch, name)).type() == \
        torch.ones(2, dtype=_td(torch, name)).type()


NEW = [
    lambda lib, x: x.type("torch.DoubleTensor"), lambda lib, x: x.type(lib.LongTensor),
    lambda lib, x: x.type(lib.int32), lambda lib, x: x.type("torch.float64"),
    lambda lib, x: x.type("float64"), lambda lib, x: x.type(lib.float32, non_blocking=True),
    lambda lib, x: x.new_empty(2, 3).shape, lambda lib, x: x.new_empty((2, 3)).dtype,
    lambda lib, x: x.new_empty(size=(2,), dtype=lib.int64).dtype,
    lambda lib, x: x.new_zeros(2, requires_grad=True), lambda lib, x: x.new_zeros([2, 3]),
    lambda lib, x: x.new_zeros(lib.Size([2])), lambda lib, x: x.new_ones(()),
    lambda lib, x: x.new_ones(2, 3, dtype=lib.int32), lambda lib, x: x.new_full((2,), 3),
    lambda lib, x: x.new_full(2, 3), lambda lib, x: x.new_full([2], 2.5, dtype=lib.int64),
    lambda lib, x: x.new_tensor([1, 2]), lambda lib, x: x.new_tensor([[1.5]], dtype=lib.int64),
    lambda lib, x: x.new_tensor(x, requires_grad=True), lambda lib, x: x.new_zeros(2,
                                                                                 device="cpu"),
    lambda lib, x: x.int().new_full((2,), 2.5), lambda lib, x: x.int().new_tensor([1.7]),
    lambda lib, x: x.double().new_ones(1), lambda lib, x: x.new_empty(2).requires_grad,
]


@pytest.mark.parametrize("call", NEW)
def test_type_and_new_methods_match_torch(torch, call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = _outcome(lambda: call(tinytorch, tinytorch.tensor([1.0, 2.0])))
        theirs = _outcome(lambda: call(torch, torch.tensor([1.0, 2.0])))
    assert ours == theirs


def test_new_tensor_warns_as_torch(torch):
    for lib in (tinytorch, torch):
        x = lib.ones(2)
        with pytest.warns(UserWarning, match="sourceTensor.detach"):
            x.new_tensor(x)


def test_compile_keywords_match_torch(torch):
    with pytest.raises(AssertionError, match="A callable function is expected"):
        torch.compile(1)
    with pytest.raises(AssertionError, match="A callable function is expected"):
        tinytorch.compile(1)


@pytest.mark.parametrize("args, kwargs", [
    (("cpu",), {}), (("cpu",), {"dtype": "float16"}), (("cpu",), {"dtype": "bfloat16"}),
    (("cpu",), {"dtype": "float64"}), (("cuda",), {}), (("cpu",), {"enabled": False}),
    (("cuda",), {"enabled": False}), ((1,), {}), (("foo",), {}),
])
def test_autocast_checks_and_warnings_match_torch(torch, args, kwargs):
    def run(lib):
        kw = {k: (_td(lib, v) if k == "dtype" else v) for k, v in kwargs.items()}
        def enter_and_exit():
            with lib.autocast(*args, **kw):
                pass
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = _outcome(enter_and_exit)
        return out, sorted(str(w.message).replace("tinytorch", "torch") for w in caught
                           if "autocast" in str(w.message).lower())
    ours, theirs = run(tinytorch), run(torch)
    assert ours == theirs


def _scaler_run(lib, steps, inf_at, **scaler_kw):
    """A short float32 training loop under GradScaler("cpu"), with an inf gradient at
    ``inf_at``; returns everything a script could observe."""
    w = lib.nn.Parameter(lib.tensor([1.0, -2.0, 0.5]))
    opt = lib.optim.SGD([w], lr=0.1)  # (tinytorch's momentum is 1 ulp off torch's)
    scaler = lib.amp.GradScaler("cpu", **scaler_kw)
    seen = [scaler.get_scale(), scaler.state_dict()]
    for i in range(steps):
        opt.zero_grad()
        loss = (w ** 2).sum() * (float("inf") if i in inf_at else 1.0)
        scaled = scaler.scale(loss)
        seen.append(scaled.item())
        scaled.backward()
        if i % 2:
            scaler.unscale_(opt)
            seen.append(w.grad.tolist())
        seen.append(scaler.step(opt))
        scaler.update()
        seen += [w.tolist(), scaler.get_scale(), scaler.state_dict()]
    return seen


@pytest.mark.parametrize("kw", [{}, {"growth_interval": 2, "init_scale": 1024.0},
                                {"growth_interval": 1, "growth_factor": 3.0,
                                 "backoff_factor": 0.25}])
def test_grad_scaler_on_cpu_matches_torch(torch, kw):
    ours = _scaler_run(tinytorch, 7, {2, 3}, **kw)
    theirs = _scaler_run(torch, 7, {2, 3}, **kw)
    assert repr(ours) == repr(theirs)


def _lib(t):
    return tinytorch if isinstance(t, tinytorch.Tensor) else sys.modules["torch"]


@pytest.mark.parametrize("misuse", [
    lambda s, opt, loss: s.step(opt),
    lambda s, opt, loss: s.update(),
    lambda s, opt, loss: (s.scale(loss), s.update()),
    lambda s, opt, loss: (s.scale(loss).backward(), s.unscale_(opt), s.unscale_(opt)),
    lambda s, opt, loss: (s.scale(loss).backward(), s.step(opt), s.unscale_(opt)),
    lambda s, opt, loss: (s.scale(loss).backward(), s.step(opt), s.step(opt)),
    lambda s, opt, loss: (s.scale(loss), s.step(opt, closure=None)),
    lambda s, opt, loss: s.load_state_dict({}),
    lambda s, opt, loss: s.scale([loss, (loss,)])[1][0].item(),
    lambda s, opt, loss: [type(v).__name__ for v in s.scale({"a": loss})],
    lambda s, opt, loss: (s.scale(loss), s.update(512.0), s.get_scale())[2],
    lambda s, opt, loss: (s.scale(loss), s.update(_lib(loss).tensor(8.0)), s.get_scale())[2],
    lambda s, opt, loss: type(s)("cpu", growth_factor=0.5),
    lambda s, opt, loss: type(s)("cpu", backoff_factor=1.5),
])
def test_grad_scaler_misuse_matches_torch(torch, misuse):
    def run(lib):
        w = lib.nn.Parameter(lib.tensor([1.0, 2.0]))
        opt = lib.optim.SGD([w], lr=0.1)
        return _outcome(lambda: misuse(lib.amp.GradScaler("cpu"), opt, (w ** 2).sum()))
    assert run(tinytorch) == run(torch)


def test_grad_scaler_state_dict_round_trip_matches_torch(torch):
    def run(lib):
        src = lib.amp.GradScaler("cpu", init_scale=8.0, growth_interval=3)
        src.scale(lib.ones(1))
        dst = lib.amp.GradScaler("cpu")
        dst.load_state_dict(src.state_dict())
        dst.scale(lib.ones(1))
        return dst.state_dict(), dst.get_scale(), dst.get_growth_interval()
    assert run(tinytorch) == run(torch)


def test_data_parallel_matches_torch(torch):
    tm, ours = torch.nn.Linear(2, 3), nn.Linear(2, 3)
    ours.load_state_dict({k: tinytorch.tensor(v.detach().numpy())
                          for k, v in tm.state_dict().items()})
    tdp, odp = torch.nn.DataParallel(tm), nn.DataParallel(ours)
    assert list(tdp.state_dict()) == list(odp.state_dict())
    assert repr(tdp) == repr(odp)
    x = np.random.default_rng(0).standard_normal((4, 2)).astype(np.float32)
    assert np.allclose(tdp(torch.tensor(x)).detach().numpy(),
                       odp(tinytorch.tensor(x)).detach().numpy(), rtol=1e-6, atol=1e-7)
    assert type(_outcome(lambda: torch.nn.parallel.DistributedDataParallel(tm))[1]) is \
        type(_outcome(lambda: nn.parallel.DistributedDataParallel(ours))[1])


def test_size_arithmetic_and_slices_stay_sizes():
    s = tinytorch.Size([2, 3])
    for got in (s + (4,), (4,) + s, s[1:], s * 2, 2 * s):
        assert type(got) is tinytorch.Size
    assert s[1:] == (3,) and s + (4,) == (2, 3, 4) and s[0] == 2 and type(s[0]) is int


@pytest.mark.parametrize("name, arg", [("is_floating_point", 1), ("numel", [1])])
def test_tensor_functions_refuse_non_tensors(name, arg):
    with pytest.raises(TypeError, match=f"{name}\\(\\): argument 'input' \\(position 1\\) must "
                                        "be Tensor"):
        getattr(tinytorch, name)(arg)
