"""Devices on a CPU-only library (issue 13, item 1): ``tinytorch.device``, ``device=`` on the
creation functions, ``Tensor.to/cpu/cuda``, ``Module.to/cpu/cuda``, and the ``cuda``,
``backends`` and ``accelerator`` namespaces.  Torch-free checks first, then the same calls
compared with torch (built without CUDA) where torch is the reference."""
import copy
import pickle
import threading

import pytest

import tinytorch
from tinytorch import nn

CPU_ONLY = "tinytorch runs on the CPU only"


def _raises_cpu_only(fn, *args, **kwargs):
    """``fn`` raises the one CPU-only error: a RuntimeError (never an AttributeError)."""
    with pytest.raises(RuntimeError, match=CPU_ONLY) as info:
        fn(*args, **kwargs)
    assert isinstance(info.value, AssertionError)  # torch's type for CUDA, caught either way
    return info.value


# --- tinytorch.device ----------------------------------------------------------------------

def test_device_construction_and_fields():
    d = tinytorch.device("cpu")
    assert (d.type, d.index, str(d), repr(d)) == ("cpu", None, "cpu", "device(type='cpu')")
    d = tinytorch.device("cpu", 0)
    assert (d.type, d.index, str(d), repr(d)) == ("cpu", 0, "cpu:0",
                                                  "device(type='cpu', index=0)")
    d = tinytorch.device("cuda:1")  # described, as torch allows; holding data is the error
    assert (d.type, d.index, str(d)) == ("cuda", 1, "cuda:1")
    assert tinytorch.device(type="cuda", index=2) == tinytorch.device("cuda:2")
    assert tinytorch.device(tinytorch.device("mps")) == tinytorch.device("mps")
    assert tinytorch.device("cpu", None).index is None
    assert tinytorch.device(b"cpu") == tinytorch.device("cpu")
    assert tinytorch.device("meta").type == "meta"


def test_device_equality_and_hash():
    cpu = tinytorch.device("cpu")
    assert cpu == tinytorch.device("cpu") and cpu != tinytorch.device("cpu", 0)
    assert tinytorch.device("cuda", 0) == tinytorch.device("cuda:0")
    # as in torch, a device never equals a string: compare d.type == "cpu"
    assert cpu != "cpu" and not (cpu == "cpu") and cpu.type == "cpu"
    assert len({cpu, tinytorch.device("cpu"), tinytorch.device("cpu", 0)}) == 2
    assert {cpu: 1}[tinytorch.device("cpu")] == 1
    assert pickle.loads(pickle.dumps(tinytorch.device("cuda", 1))) == tinytorch.device("cuda:1")
    assert copy.deepcopy(cpu) == cpu
    assert isinstance(tinytorch.zeros(1).device, tinytorch.device)


@pytest.mark.parametrize("args, exc, words", [
    (("foo",), RuntimeError, "Expected one of cpu, cuda"),
    (("CPU",), RuntimeError, "device string: CPU"),
    (("",), RuntimeError, "must not be empty"),
    (("cuda:x",), RuntimeError, "Invalid device string: 'cuda:x'"),
    (("cpu:00",), RuntimeError, "Invalid device string"),
    (("cpu:-1",), RuntimeError, "Invalid device string"),
    ((" cpu",), RuntimeError, "Invalid device string"),
    (("cpu", -1), RuntimeError, "must not be negative"),
    ((-1,), RuntimeError, "must not be negative"),
    (("cuda:0", 1), RuntimeError, "must not include an index"),
    (("cpu", 1.0), TypeError, "must be int, not float"),
    (("cpu", True), TypeError, "must be int, not bool"),
    ((1.0,), TypeError, "invalid combination of arguments"),
    ((), TypeError, "invalid combination of arguments"),
])
def test_device_bad_arguments(args, exc, words):
    with pytest.raises(exc, match=words):
        tinytorch.device(*args)


def test_device_index_alone_is_an_accelerator():
    _raises_cpu_only(tinytorch.device, 0)


def test_device_context_manager_and_default_device():
    assert tinytorch.get_default_device() == tinytorch.device("cpu")
    with tinytorch.device("cpu") as d:
        assert d == tinytorch.device("cpu")
        assert tinytorch.zeros(2).device == tinytorch.device("cpu")
    x = tinytorch.ones(1)
    with tinytorch.device("cuda"):
        assert tinytorch.get_default_device() == tinytorch.device("cuda")
        _raises_cpu_only(tinytorch.zeros, 2)
        _raises_cpu_only(tinytorch.randn, 2)
        assert tinytorch.zeros(2, device="cpu").tolist() == [0.0, 0.0]
        assert tinytorch.zeros_like(x).tolist() == [0.0]  # the input's device
        assert tinytorch.rand_like(x).shape == (1,) and x.to("cpu") is x
        with tinytorch.device("cpu"):
            assert tinytorch.ones(1).tolist() == [1.0]
        _raises_cpu_only(tinytorch.arange, 3)
    assert tinytorch.get_default_device() == tinytorch.device("cpu")
    assert tinytorch.ones(2).tolist() == [1.0, 1.0]
    with pytest.raises(ZeroDivisionError):
        with tinytorch.device("mps"):
            1 / 0
    assert tinytorch.get_default_device() == tinytorch.device("cpu")  # restored after errors
    tinytorch.set_default_device("cuda")
    try:
        _raises_cpu_only(tinytorch.empty, 1)
    finally:
        tinytorch.set_default_device(None)
    tinytorch.set_default_device("cpu")
    assert tinytorch.get_default_device() == tinytorch.device("cpu")
    assert tinytorch.empty(1).shape == (1,)


def test_default_device_is_per_thread():
    seen = []
    with tinytorch.device("cuda"):
        t = threading.Thread(target=lambda: seen.append(tinytorch.zeros(1).tolist()))
        t.start()
        t.join()
    assert seen == [[0.0]]


# --- device= on the creation functions -----------------------------------------------------

def _t():
    return tinytorch.ones(2, 3)


CREATORS = {
    "tensor": lambda **kw: tinytorch.tensor([1.0, 2.0], **kw),
    "as_tensor": lambda **kw: tinytorch.as_tensor([1.0, 2.0], **kw),
    "zeros": lambda **kw: tinytorch.zeros(2, 3, **kw),
    "ones": lambda **kw: tinytorch.ones((2, 3), **kw),
    "empty": lambda **kw: tinytorch.empty(2, **kw),
    "full": lambda **kw: tinytorch.full((2,), 1.5, **kw),
    "eye": lambda **kw: tinytorch.eye(3, **kw),
    "arange": lambda **kw: tinytorch.arange(0, 5, 2, **kw),
    "linspace": lambda **kw: tinytorch.linspace(0, 1, 5, **kw),
    "zeros_like": lambda **kw: tinytorch.zeros_like(_t(), **kw),
    "ones_like": lambda **kw: tinytorch.ones_like(_t(), **kw),
    "empty_like": lambda **kw: tinytorch.empty_like(_t(), **kw),
    "full_like": lambda **kw: tinytorch.full_like(_t(), 7, **kw),
    "rand": lambda **kw: tinytorch.rand(2, 3, **kw),
    "randn": lambda **kw: tinytorch.randn(4, **kw),
    "randint": lambda **kw: tinytorch.randint(0, 5, (3,), **kw),
    "randperm": lambda **kw: tinytorch.randperm(4, **kw),
    "normal": lambda **kw: tinytorch.normal(0.0, 1.0, (3,), **kw),
    "rand_like": lambda **kw: tinytorch.rand_like(_t(), **kw),
    "randn_like": lambda **kw: tinytorch.randn_like(_t(), **kw),
    "randint_like": lambda **kw: tinytorch.randint_like(_t(), 5, **kw),
}


@pytest.mark.parametrize("name", sorted(CREATORS))
@pytest.mark.parametrize("device", ["cpu", "cpu:0", tinytorch.device("cpu"),
                                    tinytorch.device("cpu", 0), None])
def test_creation_on_the_cpu(name, device):
    t = CREATORS[name](device=device)
    assert t.device == tinytorch.device("cpu") and not t.is_cuda


@pytest.mark.parametrize("name", sorted(CREATORS))
@pytest.mark.parametrize("device", ["cuda", "cuda:0", "mps", 0, tinytorch.device("cuda", 1),
                                    "meta"])
def test_creation_elsewhere_is_the_one_error(name, device):
    _raises_cpu_only(CREATORS[name], device=device)


@pytest.mark.parametrize("name", sorted(CREATORS))
def test_creation_bad_device(name):
    with pytest.raises(TypeError, match="argument 'device' must be torch.device, not float"):
        CREATORS[name](device=1.5)
    with pytest.raises(RuntimeError, match="Expected one of cpu"):
        CREATORS[name](device="gpu")


def test_creation_other_keywords():
    assert tinytorch.zeros(2, layout=None, pin_memory=False).tolist() == [0.0, 0.0]
    assert tinytorch.arange(3, out=None, device="cpu").tolist() == [0, 1, 2]
    with pytest.raises(RuntimeError, match="out= tensor is not supported"):
        tinytorch.ones(2, out=tinytorch.zeros(2))
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        tinytorch.zeros(2, colour="red")
    # nothing to pin without a GPU: accepted (torch built without one raises)
    assert tinytorch.tensor([1.0], pin_memory=True).is_pinned() is False
    assert tinytorch.ones(2, pin_memory=True).tolist() == [1.0, 1.0]


def test_as_tensor_keeps_a_tensor_on_the_cpu():
    t = tinytorch.ones(2)
    assert tinytorch.as_tensor(t, device="cpu") is t
    assert tinytorch.as_tensor(t, tinytorch.float32, "cpu") is t


def test_generator_device():
    assert tinytorch.Generator().device == tinytorch.device("cpu")
    assert tinytorch.Generator(device="cpu:0").device == tinytorch.device("cpu")
    _raises_cpu_only(tinytorch.Generator, "cuda")


# --- Tensor.device, to, cpu, cuda ----------------------------------------------------------

def test_tensor_device_attributes():
    t = tinytorch.tensor([1.0, 2.0])
    assert t.device == tinytorch.device("cpu") and t.device.type == "cpu"
    assert t.device.index is None and str(t.device) == "cpu"
    assert (t.is_cuda, t.is_cpu, t.is_mps, t.is_meta) == (False, True, False, False)
    assert t.get_device() == -1
    assert t.cpu() is t and t.cpu(memory_format=None) is t
    assert t.is_pinned() is False and t.pin_memory() is t and not t.pin_memory().is_pinned()
    _raises_cpu_only(t.cuda)
    _raises_cpu_only(t.cuda, 0)
    with pytest.raises(RuntimeError, match="must be cuda device"):
        t.cuda("cpu")


def test_tensor_to_returns_self_when_nothing_changes():
    t = tinytorch.tensor([1.0, 2.0])
    for args, kwargs in [((), {}), (("cpu",), {}), ((tinytorch.device("cpu"),), {}),
                         ((None,), {}), ((tinytorch.float32,), {}),
                         (("cpu", tinytorch.float32), {}), ((tinytorch.ones(1),), {}),
                         ((), {"device": "cpu", "non_blocking": True}),
                         ((), {"dtype": tinytorch.float32, "memory_format": None}),
                         (("cpu", None, True, False), {}), ((tinytorch.float32, True), {})]:
        assert t.to(*args, **kwargs) is t, (args, kwargs)


def test_tensor_to_converts_and_copies():
    t = tinytorch.tensor([1.0, 2.5], requires_grad=True)
    d = t.to("cpu", tinytorch.float64)
    assert d.dtype == tinytorch.float64 and d.tolist() == [1.0, 2.5]
    assert t.to(tinytorch.tensor([1], dtype=tinytorch.int8)).dtype == tinytorch.int8
    assert t.to(device="cpu", dtype=tinytorch.float16).dtype == tinytorch.float16
    assert t.to(float).dtype == tinytorch.float64 and t.to(int).dtype == tinytorch.int64
    assert t.to(bool).dtype == tinytorch.bool
    c = t.to("cpu", copy=True)
    assert c is not t and c.tolist() == t.tolist() and c.grad_fn is not None
    c2 = t.to(tinytorch.float32, False, True)
    assert c2 is not t and c2.dtype == tinytorch.float32
    (c * 2 + d.float()).sum().backward()
    assert t.grad.tolist() == [3.0, 3.0]
    x = tinytorch.zeros(2)
    y = x.to(copy=True)
    y.add_(1)
    assert x.tolist() == [0.0, 0.0]  # a copy, not a view


@pytest.mark.parametrize("args, kwargs", [
    (("cpu", "cpu"), {}), ((tinytorch.float32, tinytorch.float64), {}),
    ((tinytorch.float64, "cpu"), {}), ((tinytorch.float64, False, False, False), {}),
    ((), {"foo": 1}), ((tinytorch.float64,), {"dtype": tinytorch.float32}),
    (("cpu",), {"device": "cpu"}), ((True,), {}),
])
def test_tensor_to_bad_arguments(args, kwargs):
    with pytest.raises(TypeError, match="to()"):
        tinytorch.ones(1).to(*args, **kwargs)


def test_tensor_to_other_devices_is_the_one_error():
    t = tinytorch.ones(1)
    for d in ("cuda", "cuda:0", "mps", 0, tinytorch.device("cuda")):
        _raises_cpu_only(t.to, d)
        _raises_cpu_only(t.to, device=d)
    _raises_cpu_only(t.to, "cuda", tinytorch.float64)
    with pytest.raises(RuntimeError, match="Expected one of cpu"):
        t.to("float")


def test_float_and_friends_still_use_to():
    t = tinytorch.tensor([1.5])
    assert t.float() is t and t.double().dtype == tinytorch.float64
    assert t.long().tolist() == [1] and t.type_as(tinytorch.tensor([1])).dtype == tinytorch.int64


# --- Module.to, cpu, cuda ------------------------------------------------------------------

def test_module_to():
    m = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    params = list(m.parameters())
    assert m.cpu() is m and m.to("cpu") is m and m.to(tinytorch.device("cpu")) is m
    assert m.to(device="cpu", non_blocking=True) is m and m.to(memory_format=None) is m
    assert m.to("cpu", tinytorch.float64, True) is m
    assert all(p.dtype == tinytorch.float64 for p in m.parameters())
    assert m[1].num_batches_tracked.dtype == tinytorch.int64  # integer buffers stay
    assert m.to(tinytorch.zeros(1)) is m and m[0].weight.dtype == tinytorch.float32
    assert m.to(float) is m and m[0].bias.dtype == tinytorch.float64
    assert list(m.parameters()) == params and all(a is b for a, b in zip(m.parameters(), params))
    _raises_cpu_only(m.cuda)
    _raises_cpu_only(m.to, "cuda")
    _raises_cpu_only(m.to, 0)
    _raises_cpu_only(m.to, "mps")
    with pytest.raises(RuntimeError, match="does not accept copy argument"):
        m.to(copy=True)
    with pytest.raises(TypeError, match="floating point"):
        m.to(tinytorch.int64)
    with pytest.raises(TypeError, match="invalid combination"):
        m.to("cpu", "cpu")


# --- tinytorch.cuda, backends, accelerator --------------------------------------------------

def test_cuda_namespace():
    cuda = tinytorch.cuda
    assert cuda.is_available() is False and cuda.device_count() == 0
    assert cuda.is_initialized() is False and cuda.is_bf16_supported() is False
    assert cuda.manual_seed(0) is None and cuda.manual_seed_all(123) is None
    assert cuda.seed() is None and cuda.seed_all() is None and cuda.empty_cache() is None
    assert cuda.memory_allocated() == cuda.max_memory_allocated() == cuda.memory_reserved() == 0
    assert cuda.get_arch_list() == []
    with pytest.raises(ValueError):
        cuda.manual_seed("not a number")
    for fn in (cuda.current_device, cuda.get_device_name, cuda.synchronize, cuda.init,
               cuda.get_device_properties, cuda.get_device_capability, cuda.initial_seed):
        _raises_cpu_only(fn)
    _raises_cpu_only(cuda.set_device, 0)
    err = _raises_cpu_only(cuda.current_device)
    assert "Torch not compiled with CUDA enabled" in str(err)


def test_cuda_amp_is_importable():
    from tinytorch.cuda.amp import GradScaler, autocast
    assert tinytorch.cuda.amp.GradScaler is GradScaler and tinytorch.cuda.amp.autocast is autocast


def test_backends():
    import tinytorch.backends.cudnn as cudnn
    backends = tinytorch.backends
    assert backends.cudnn is cudnn
    assert backends.mps.is_available() is False and backends.mps.is_built() is False
    assert cudnn.is_available() is False and cudnn.version() is None
    assert (cudnn.benchmark, cudnn.deterministic, cudnn.enabled, cudnn.allow_tf32) == (
        False, False, True, True)
    try:
        cudnn.benchmark, cudnn.deterministic = True, True
        assert backends.cudnn.benchmark and backends.cudnn.deterministic
        with cudnn.flags(enabled=False, deterministic=False):
            assert cudnn.enabled is False and cudnn.deterministic is False
        assert cudnn.enabled is True and cudnn.deterministic is True
    finally:
        cudnn.benchmark, cudnn.deterministic = False, False
    matmul = backends.cuda.matmul
    assert matmul.allow_tf32 is False and backends.cuda.is_built() is False
    matmul.allow_tf32 = True
    try:
        assert backends.cuda.matmul.allow_tf32 is True
    finally:
        matmul.allow_tf32 = False
    with pytest.raises(AttributeError, match="Unknown attribute allow_tf33"):
        matmul.allow_tf33 = True
    assert backends.cuda.flash_sdp_enabled() is True
    backends.cuda.enable_flash_sdp(False)
    assert backends.cuda.flash_sdp_enabled() is False
    backends.cuda.enable_flash_sdp(True)


def test_accelerator():
    acc = tinytorch.accelerator
    assert acc.is_available() is False and acc.current_accelerator() is None
    assert acc.current_accelerator(check_available=True) is None and acc.device_count() == 0
    for fn in (acc.current_device_index, acc.synchronize):
        _raises_cpu_only(fn)
    _raises_cpu_only(acc.set_device_index, 0)


def test_the_device_selection_idiom():
    """What scripts write first, run as written."""
    torch = tinytorch
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if torch.backends.mps.is_available():
        device = torch.device("mps")
    if torch.accelerator.is_available():
        device = torch.accelerator.current_accelerator()
    torch.backends.cudnn.benchmark = False
    torch.cuda.manual_seed_all(0)
    model = nn.Linear(3, 1).to(device)
    x = torch.arange(6, dtype=torch.float32, device=device).reshape(2, 3)
    x = x.to(device, non_blocking=True)
    y = model(x).cpu().detach()
    assert y.shape == (2, 1) and y.device.type == "cpu" and device == torch.device("cpu")


# --- compared with torch --------------------------------------------------------------------

def _outcome(fn):
    try:
        r = fn()
    except Exception as e:  # noqa: BLE001 (the outcome is compared)
        return type(e).__name__, str(e).split("\n")[0]
    return "ok", repr(r).replace("tinytorch", "torch")


DEVICE_CALLS = ["device('cpu')", "device('cpu', 0)", "device('cuda:1')", "device('cuda', 2)",
                "device('mps')", "device('meta')", "device('cpu', None)", "device(type='cpu')",
                "device('cpu', index=3)", "str(device('cuda', 3))", "repr(device('xpu:2'))",
                "device('foo')", "device('CPU')", "device('')", "device('cuda:x')",
                "device('cpu:00')", "device('cpu:')", "device('cuda:1:2')", "device(' cpu')",
                "device('cpu', -1)", "device(-1)", "device('cuda:0', 1)",
                "device('cpu', True)", "device('cpu', '1')", "device('cpu', 1.0)",
                "device('cpu') == 'cpu'", "device('cpu') != 'cpu'", "'cpu' == device('cpu')",
                "device('cpu') == device('cpu', 0)", "device('cuda', 0) == device('cuda:0')",
                "hash(device('cpu')) == hash(device('cpu'))", "device(device('cuda', 1))",
                "device(b'cpu')", "device('cpu').type", "device('cuda:4').index"]


@pytest.mark.parametrize("call", DEVICE_CALLS)
def test_device_as_torch(call):
    torch = pytest.importorskip("torch")
    ours = _outcome(lambda: eval(call, {"device": tinytorch.device}))
    theirs = _outcome(lambda: eval(call, {"device": torch.device}))
    assert ours == theirs


TENSOR_CALLS = ["t.device", "t.is_cuda", "t.is_cpu", "t.get_device()", "t.is_pinned()",
                "t.to('cpu') is t", "t.to(lib.float64).dtype", "t.to('cpu', lib.float16).dtype",
                "t.to(lib.zeros(1, dtype=lib.int8)).dtype", "t.to(copy=True) is t",
                "t.to('cpu', copy=True).tolist()", "t.to(lib.float32, True, True) is t",
                "t.to(float).dtype", "t.to(int).dtype", "t.to(None) is t", "t.to() is t",
                "t.to('cpu:1') is t", "t.cpu() is t", "t.to('float')",
                "t.to(dtype=lib.float64, device='cpu', copy=True, non_blocking=False).dtype",
                "lib.zeros(2, device='cpu:1').device", "lib.zeros(2, device=1.5)",
                "lib.zeros(2, device=True)", "lib.arange(3, device='cpu').tolist()",
                "lib.eye(2, device=lib.device('cpu', 0)).device",
                "lib.tensor([1.], device='cpu').device"]


@pytest.mark.parametrize("call", TENSOR_CALLS)
def test_tensor_devices_as_torch(call):
    torch = pytest.importorskip("torch")
    outcomes = []
    for lib in (tinytorch, torch):
        env = {"lib": lib, "t": lib.tensor([1.0, 2.0])}
        outcomes.append(_outcome(lambda: eval(call, env)))
    assert outcomes[0] == outcomes[1]


NAMESPACE_CALLS = ["cuda.is_available()", "cuda.device_count()", "cuda.manual_seed(3)",
                   "cuda.manual_seed_all(3)", "cuda.manual_seed(1.5)", "cuda.empty_cache()",
                   "cuda.is_initialized()", "cuda.memory_allocated()", "cuda.get_arch_list()",
                   "cuda.is_bf16_supported()", "backends.mps.is_available()",
                   "backends.mps.is_built()", "backends.cudnn.is_available()",
                   "backends.cudnn.benchmark", "backends.cudnn.deterministic",
                   "backends.cudnn.enabled", "backends.cudnn.allow_tf32",
                   "backends.cudnn.version()", "backends.cudnn.benchmark_limit",
                   "backends.cuda.matmul.allow_tf32", "backends.cuda.is_built()",
                   "backends.cuda.matmul.allow_fp16_reduced_precision_reduction",
                   "backends.cuda.matmul.fp32_precision", "backends.cuda.flash_sdp_enabled()",
                   "backends.cuda.math_sdp_enabled()", "accelerator.is_available()",
                   "accelerator.current_accelerator()", "accelerator.device_count()",
                   "get_default_device()"]


@pytest.mark.parametrize("call", NAMESPACE_CALLS)
def test_namespaces_as_torch(call):
    torch = pytest.importorskip("torch")
    assert _outcome(lambda: eval(call, vars(tinytorch) | {
        "cuda": tinytorch.cuda, "backends": tinytorch.backends,
        "accelerator": tinytorch.accelerator})) == _outcome(lambda: eval(call, vars(torch)))


ERROR_TYPES_AS_TORCH = ["lib.zeros(2, device='cuda')", "lib.ones(2, device=lib.device('cuda'))",
                        "lib.tensor([1.]).to('cuda')", "lib.tensor([1.]).cuda()",
                        "lib.cuda.current_device()", "lib.cuda.synchronize()",
                        "lib.nn.Linear(2, 2).cuda()", "lib.zeros(2, device=0)",
                        "lib.tensor([1.]).to(0)", "lib.accelerator.synchronize()"]


@pytest.mark.parametrize("call", ERROR_TYPES_AS_TORCH)
def test_cpu_only_errors_catchable_as_torch(call):
    """Where torch (built without CUDA) raises, tinytorch raises too, an error of torch's type
    (AssertionError or RuntimeError; tinytorch's is both), saying it runs on the CPU only."""
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as theirs:
        eval(call, {"lib": torch})
    with pytest.raises(type(theirs.value), match=CPU_ONLY):
        eval(call, {"lib": tinytorch})


def test_module_to_as_torch():
    torch = pytest.importorskip("torch")
    results = []
    for lib in (tinytorch, torch):
        m = lib.nn.Linear(2, 2)
        row = [m.to("cpu") is m, m.cpu() is m, m.to("cpu", lib.float64, True).weight.dtype,
               m.to(lib.zeros(1, dtype=lib.float16)).bias.dtype, m.to(float).weight.dtype]
        for call in (lambda: m.to(copy=True), lambda: m.to(lib.int64),
                     lambda: m.to("cpu", "cpu"), lambda: m.to("float")):
            row.append(_outcome(call)[0])
        results.append([str(v).replace("tinytorch", "torch") for v in row])
    assert results[0] == results[1]


@pytest.mark.parametrize("make", [
    lambda d: tinytorch.nn.Linear(2, 3, device=d),
    lambda d: tinytorch.nn.Conv2d(1, 2, 3, device=d),
    lambda d: tinytorch.nn.LayerNorm(3, device=d),
    lambda d: tinytorch.nn.BatchNorm1d(3, device=d),
    lambda d: tinytorch.nn.Embedding(3, 2, device=d),
    lambda d: tinytorch.nn.MultiheadAttention(4, 2, device=d),
    lambda d: tinytorch.tril_indices(3, 3, device=d),
    lambda d: tinytorch.triu_indices(3, 3, device=d),
])
def test_layers_and_index_makers_take_cpu_and_refuse_cuda(make):
    make("cpu")
    with pytest.raises(RuntimeError, match="CPU only"):
        make("cuda")
