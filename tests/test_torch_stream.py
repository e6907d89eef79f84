"""tinytorch/_torch_stream.py: torch's CPU random streams reproduced bit for bit.

The torch tier compares the bytes of every draw with torch after the same manual_seed, over
many seeds and sizes and across consecutive calls (the generator state carries over).  The
torch-free checks test determinism, ranges, distributions and the exact-arithmetic helpers."""
from fractions import Fraction

import numpy as np
import pytest

from tinytorch import _torch_stream as ts

SEEDS = [0, 1, 42, 2 ** 31, 2 ** 40 + 7, -1, 2 ** 63 + 5]
SIZES = [1, 3, 15, 16, 17, 100, 1000, 4099]


def _torch():
    torch = pytest.importorskip("torch")
    capability = torch.backends.cpu.get_cpu_capability()
    if capability in ("AVX2", "AVX512", "DEFAULT"):
        ts.configure(capability)  # follow the kernels this torch runs
    return torch


def _same(ours, theirs):
    theirs = theirs.numpy()
    ours = np.asarray(ours)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    assert ours.tobytes() == theirs.tobytes(), np.flatnonzero(ours != theirs)[:10]


# ------------------------------------------------------------------------------ torch tier

def _cases(torch):
    f16, f32, f64 = np.float16, np.float32, np.float64
    t16, t64 = torch.float16, torch.float64
    return {
        "rand32": (lambda g, n: ts.uniform(g, n), lambda n: torch.rand(n)),
        "rand64": (lambda g, n: ts.uniform(g, n, f64), lambda n: torch.rand(n, dtype=t64)),
        "rand16": (lambda g, n: ts.uniform(g, n, f16), lambda n: torch.rand(n, dtype=t16)),
        "randn32": (lambda g, n: ts.normal(g, n), lambda n: torch.randn(n)),
        "randn64": (lambda g, n: ts.normal(g, n, f64), lambda n: torch.randn(n, dtype=t64)),
        "randn16": (lambda g, n: ts.normal(g, n, f16), lambda n: torch.randn(n, dtype=t16)),
        "uniform32": (lambda g, n: ts.uniform(g, n, f32, -2.5, 0.3),
                      lambda n: torch.empty(n).uniform_(-2.5, 0.3)),
        "uniform64": (lambda g, n: ts.uniform(g, n, f64, 1e-3, 1e3),
                      lambda n: torch.empty(n, dtype=t64).uniform_(1e-3, 1e3)),
        "uniform16": (lambda g, n: ts.uniform(g, n, f16, -1, 1),
                      lambda n: torch.empty(n, dtype=t16).uniform_(-1, 1)),
        "normal32": (lambda g, n: ts.normal(g, n, f32, 0.7, 0.02),
                     lambda n: torch.empty(n).normal_(0.7, 0.02)),
        "normal64": (lambda g, n: ts.normal(g, n, f64, -3.1, 7.3),
                     lambda n: torch.empty(n, dtype=t64).normal_(-3.1, 7.3)),
        "randint": (lambda g, n: ts.randint(g, -5, 1000, n),
                    lambda n: torch.randint(-5, 1000, (n,))),
        "randint_big": (lambda g, n: ts.randint(g, -2 ** 35, 2 ** 35, n),
                        lambda n: torch.randint(-2 ** 35, 2 ** 35, (n,))),
        "randperm": (lambda g, n: ts.randperm(g, n), lambda n: torch.randperm(n)),
        "bernoulli32": (lambda g, n: ts.bernoulli(g, np.linspace(0, 1, n, dtype=f32)).astype(f32),
                        lambda n: torch.bernoulli(torch.linspace(0, 1, n))),
        "bernoulli64": (lambda g, n: ts.bernoulli(g, np.linspace(0, 1, n)),
                        lambda n: torch.bernoulli(torch.linspace(0, 1, n, dtype=t64))),
        "bernoulli_": (lambda g, n: ts.bernoulli_scalar(g, n, 0.3).astype(f32),
                       lambda n: torch.empty(n).bernoulli_(0.3)),
        "exponential_": (lambda g, n: ts.exponential(g, n, 1.5).astype(f32),
                         lambda n: torch.empty(n).exponential_(1.5)),
    }


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", ["rand32", "rand64", "randn32", "randn64", "randint",
                                  "randint_big", "randperm", "uniform32", "uniform64",
                                  "normal32", "normal64", "rand16", "randn16", "uniform16"])
def test_matches_torch_each_size(name, seed):
    torch = _torch()
    ours, theirs = _cases(torch)[name]
    torch.manual_seed(seed)
    g = ts.TorchStream(seed)
    for n in SIZES:  # consecutive calls: the state carries over
        _same(ours(g, n), theirs(n))


@pytest.mark.parametrize("seed", [0, 7, 2 ** 40 + 7])
def test_matches_torch_mixed_sequence(seed):
    """Random interleavings of every sampler, including the cached Box-Muller value of the
    per-element normal path surviving other draws in between."""
    torch = _torch()
    cases = _cases(torch)
    names = sorted(cases)
    pick = np.random.default_rng(seed)
    sizes = [1, 2, 3, 7, 15, 16, 17, 31, 33, 100, 1000]
    torch.manual_seed(seed)
    g = ts.TorchStream(seed)
    for _ in range(120):
        name = names[pick.integers(len(names))]
        n = sizes[pick.integers(len(sizes))]
        ours, theirs = cases[name]
        _same(ours(g, n), theirs(n))


@pytest.mark.parametrize("seed", [0, 42, 2 ** 40 + 7])
def test_other_samplers_match_torch(seed):
    """random_() for every dtype, random_(from, to), cauchy_, log_normal_, geometric_."""
    torch = _torch()
    dtypes = [(np.int64, torch.int64), (np.int32, torch.int32), (np.int16, torch.int16),
              (np.int8, torch.int8), (np.uint8, torch.uint8), (np.bool_, torch.bool),
              (np.float32, torch.float32), (np.float64, torch.float64),
              (np.float16, torch.float16)]
    torch.manual_seed(seed)
    g = ts.TorchStream(seed)
    for n in (1, 3, 16, 17, 1000):
        for dt, tdt in dtypes:
            _same(ts.random_full(g, n, dt), torch.empty(n, dtype=tdt).random_())
        for dt, tdt, high in [(np.int64, torch.int64, 2 ** 33), (np.int32, torch.int32, 1000),
                              (np.float32, torch.float32, 1000),
                              (np.float64, torch.float64, 2 ** 33)]:
            _same(ts.randint(g, -7, high, n, dt), torch.empty(n, dtype=tdt).random_(-7, high))
        for dt, tdt in [(np.float32, torch.float32), (np.float64, torch.float64)]:
            _same(ts.cauchy(g, n, 0.5, 2.0).astype(dt),
                  torch.empty(n, dtype=tdt).cauchy_(0.5, 2.0))
            _same(ts.log_normal(g, n, 0.3, 0.7).astype(dt),
                  torch.empty(n, dtype=tdt).log_normal_(0.3, 0.7))
            _same(ts.geometric(g, n, 0.3).astype(dt), torch.empty(n, dtype=tdt).geometric_(0.3))


def test_non_contiguous_normal_and_fresh_generator():
    """normal_ on a non-contiguous tensor takes the per-element path at any size, visiting
    elements in memory order; a fresh torch.Generator() has torch's default seed."""
    torch = _torch()
    for shape in [(5, 3), (40, 30)]:
        torch.manual_seed(0)
        base = torch.zeros(shape)
        base.t().normal_()
        g = ts.TorchStream(0)
        _same(ts.normal(g, base.numel(), contiguous=False).reshape(shape), base)
    torch.manual_seed(1)
    strided = torch.zeros(40)
    strided[::2].normal_(2.0, 3.0)
    _same(ts.normal(ts.TorchStream(1), 20, np.float32, 2.0, 3.0, contiguous=False),
          strided[::2])
    gen = torch.Generator()
    assert gen.initial_seed() == ts.TorchStream().seed
    _same(ts.uniform(ts.TorchStream(), 50), torch.rand(50, generator=gen))


def test_float16_rounds_through_float32():
    """The per-element path casts its float64 value to half through float (two roundings)."""
    torch = _torch()
    x = 1 + 2 ** -11 + 2 ** -40  # rounds up directly, to 1.0 through float32
    assert ts.to_dtype(np.array([x]), np.float16)[0] == 1.0
    for n in (1, 20):
        _same(ts.normal(ts.TorchStream(0), n, np.float16, x, 0.0),
              torch.empty(n, dtype=torch.float16).normal_(x, 0.0))


@pytest.mark.parametrize("seed", [0, 1, 2 ** 31])
def test_multinomial_matches_torch(seed):
    torch = _torch()
    torch.manual_seed(seed)
    g = ts.TorchStream(seed)
    for shape in [(5,), (3, 7), (2, 100)]:
        for dtype in (torch.float32, torch.float64):
            for n, replacement in [(1, False), (1, True), (3, False), (4, True), (50, True)]:
                if not replacement and n > shape[-1]:
                    continue
                w = torch.rand(shape, dtype=dtype) + 0.01
                ts.uniform(g, w.numel(), np.float64 if dtype == torch.float64 else np.float32)
                _same(ts.multinomial(g, w.numpy(), n, replacement),
                      torch.multinomial(w, n, replacement))


@pytest.mark.parametrize("seed", [0, 42])
def test_dropout_matches_torch(seed):
    torch = _torch()
    torch.manual_seed(seed)
    g = ts.TorchStream(seed)
    for n in (1, 10, 1000):
        for p in (0.1, 0.5):
            x = torch.randn(n)
            ours = ts.normal(g, n) * ts.dropout_mask(g, n, p)
            _same(ours, torch.nn.functional.dropout(x, p))


@pytest.mark.parametrize("explicit", [False, True])
def test_dataloader_shuffle_order_matches_torch(explicit):
    """Each epoch's iterator draws an int64 base seed from the loader's generator (the
    default one when none is given); RandomSampler then seeds a fresh generator from the
    default one, or uses the given generator, and calls randperm(n) once more at the end."""
    torch = _torch()
    from torch.utils.data import DataLoader, TensorDataset
    for bs in (4, 5):
        torch.manual_seed(3)
        gen = torch.Generator().manual_seed(5) if explicit else None
        loader = DataLoader(TensorDataset(torch.arange(10)), batch_size=bs, shuffle=True,
                            generator=gen)
        theirs = [[b[0].tolist() for b in loader] for _ in range(3)]
        g = ts.TorchStream(5 if explicit else 3)
        ours = []
        for _ in range(3):
            ts.int64_seed(g)  # the iterator's base seed
            if explicit:
                perm = ts.randperm(g, 10).tolist()
                ts.randperm(g, 10)
            else:
                perm = ts.randperm(ts.TorchStream(ts.int64_seed(g)), 10).tolist()
            ours.append([perm[i:i + bs] for i in range(0, 10, bs)])
        assert ours == theirs
        state = (gen if explicit else torch.default_generator).get_state().numpy()
        assert g.torch_state().tobytes() == state.tobytes()


@pytest.mark.parametrize("seed", [0, 42])
def test_default_layer_init_matches_torch(seed):
    """Linear/Conv: weight uniform_(+-sqrt(3) * gain / sqrt(fan_in)) with leaky_relu's gain for
    a = sqrt(5), then bias uniform_(+-1 / sqrt(fan_in)); Embedding: normal_(0, 1)."""
    import math
    torch = _torch()
    torch.manual_seed(seed)
    layers = [torch.nn.Linear(20, 7), torch.nn.Embedding(11, 5), torch.nn.Conv2d(3, 4, 3),
              torch.nn.Linear(3, 2)]
    g = ts.TorchStream(seed)

    def kaiming(shape, fan_in):
        a = math.sqrt(5)
        bound = math.sqrt(3.0) * (math.sqrt(2.0 / (1 + a ** 2)) / math.sqrt(fan_in))
        return ts.uniform(g, int(np.prod(shape)), np.float32, -bound, bound).reshape(shape)

    def bias(n, fan_in):
        return ts.uniform(g, n, np.float32, -1 / math.sqrt(fan_in), 1 / math.sqrt(fan_in))

    ours = [kaiming((7, 20), 20), bias(7, 20), ts.normal(g, 55).reshape(11, 5),
            kaiming((4, 3, 3, 3), 27), bias(4, 27), kaiming((2, 3), 3), bias(2, 3)]
    theirs = [p for layer in layers for p in layer.parameters()]
    for a, b in zip(ours, theirs, strict=True):
        _same(a, b.detach())


def test_state_bytes_match_torch():
    torch = _torch()
    for seed in (0, 2 ** 40 + 7):
        torch.manual_seed(seed)
        g = ts.TorchStream(seed)
        for k, n in enumerate([1, 3, 17, 100, 313, 624, 1000] * 3):
            assert g.torch_state().tobytes() == torch.get_rng_state().numpy().tobytes()
            if k % 2:
                ts.normal(g, n, np.float64), torch.randn(n, dtype=torch.float64)
            else:
                ts.uniform(g, n), torch.rand(n)
        other = ts.TorchStream(5)
        other.set_torch_state(torch.get_rng_state().numpy())
        _same(ts.normal(other, 5), torch.randn(5))
        torch.set_rng_state(torch.from_numpy(other.torch_state()))
        _same(ts.uniform(other, 7), torch.rand(7))


# ------------------------------------------------------------------------------ torch-free

def test_seeding_is_numpy_init_genrand():
    for seed in (0, 1, 42, 2 ** 32 - 1):
        ref = np.random.MT19937(0)
        ref._legacy_seeding(seed)
        g = ts.TorchStream(seed)
        ref_words = ref.random_raw(700).astype(np.uint32)
        assert np.array_equal(g.random(700), ref_words)
    # torch keeps the 64-bit seed and uses its low 32 bits
    assert np.array_equal(ts.TorchStream(2 ** 40 + 7).random(5), ts.TorchStream(7).random(5))
    assert ts.TorchStream(-1).seed == 2 ** 64 - 1


def test_determinism_and_state():
    a, b = ts.TorchStream(3), ts.TorchStream(3)
    for f in (lambda g: ts.normal(g, 5), lambda g: ts.normal(g, 40),
              lambda g: ts.uniform(g, 9, np.float64), lambda g: ts.randperm(g, 30)):
        assert f(a).tobytes() == f(b).tobytes()
    saved = a.get_state()
    x = ts.normal(a, 7)
    a.set_state(saved)
    assert ts.normal(a, 7).tobytes() == x.tobytes()
    c = ts.TorchStream(0)
    c.set_torch_state(a.torch_state())
    assert ts.normal(c, 3).tobytes() == ts.normal(a, 3).tobytes()
    assert not np.array_equal(ts.uniform(ts.TorchStream(1), 50), ts.uniform(ts.TorchStream(2), 50))
    with pytest.raises(RuntimeError, match="RNG state size to be 10"):
        c.set_torch_state(np.zeros(10, np.uint8))
    bad = a.torch_state()
    bad[8:12] = 0  # left = 0
    with pytest.raises(RuntimeError, match="Invalid mt19937 state"):
        c.set_torch_state(bad)


def test_normal_cache_pairs():
    """The per-element path draws a pair and keeps the second value for the next draw."""
    g = ts.TorchStream(11)
    both = ts.normal(g, 2, np.float64)
    g.manual_seed(11)
    first = ts.normal(g, 1, np.float64)
    assert g.next_double_normal is not None
    ts.uniform(g, 10)  # other draws do not disturb the cached value
    second = ts.normal(g, 1, np.float64)
    assert g.next_double_normal is None
    assert first[0] == both[0] and second[0] == both[1]
    g.manual_seed(11)
    ts.normal(g, 1)
    g.manual_seed(11)
    assert g.next_double_normal is None


def test_ranges_and_distributions():
    g = ts.TorchStream(0)
    for dtype in (np.float16, np.float32, np.float64):
        u = ts.uniform(g, 20000, dtype)
        assert u.dtype == dtype and u.min() >= 0 and u.max() < 1
        assert abs(u.mean() - 0.5) < 0.01
        v = ts.uniform(g, 20000, dtype, -3, 2)
        assert v.min() >= -3 and v.max() < 2
    for dtype in (np.float32, np.float64):
        for n in (7, 20000, 20003):
            z = ts.normal(g, n, dtype, 2.0, 3.0)
            assert z.dtype == dtype and z.shape == (n,) and np.isfinite(z).all()
        assert abs(z.mean() - 2) < 0.1 and abs(z.std() - 3) < 0.1
    r = ts.randint(g, -4, 9, 5000)
    assert r.dtype == np.int64 and r.min() == -4 and r.max() == 8
    assert ts.randint(g, 0, 2 ** 40, 100).max() >= 2 ** 32
    for n in (0, 1, 2, 5, 1000):
        assert sorted(ts.randperm(g, n).tolist()) == list(range(n))
    b = ts.bernoulli(g, np.full(20000, 0.25, np.float32))
    assert set(np.unique(b)) <= {0.0, 1.0} and abs(b.mean() - 0.25) < 0.02
    m = ts.multinomial(g, np.array([0.0, 1.0, 3.0], np.float32), 4000, True)
    assert m.min() == 1 and abs((m == 2).mean() - 0.75) < 0.03
    assert sorted(ts.multinomial(g, np.ones((2, 6)), 6).tolist()[0]) == list(range(6))
    for dtype in (np.int64, np.int8, np.uint8, np.float32, np.float16):
        v = ts.random_full(g, 4000, dtype)
        kind = np.dtype(dtype).kind
        top = np.iinfo(dtype).max if kind in "iu" else 2 ** (np.finfo(dtype).nmant + 1)
        assert v.dtype == dtype and v.min() >= 0 and v.max() <= top and v.max() > top / 2
    assert set(ts.random_full(g, 100, np.bool_).tolist()) == {False, True}
    assert ts.int64_seed(g) >= 0
    e = ts.exponential(g, 20000, 2.0)
    assert e.min() >= 0 and abs(e.mean() - 0.5) < 0.02
    k = ts.geometric(g, 20000, 0.25)
    assert k.min() >= 1 and abs(k.mean() - 4) < 0.15
    assert abs(np.median(ts.cauchy(g, 20001, 3.0, 1.0)) - 3) < 0.05
    assert abs(np.median(ts.log_normal(g, 20001, 0.0, 1.0)) - 1) < 0.05


def test_swap_result_is_sequential_fisher_yates():
    rng = np.random.default_rng(0)
    for n in (1, 2, 3, 5, 17, 300):
        for _ in range(50):
            j = np.arange(n) + rng.integers(0, 2 ** 31, n) % np.arange(n, 0, -1)
            perm = list(range(n))
            for i, k in enumerate(j.tolist()):
                perm[i], perm[k] = perm[k], perm[i]
            assert ts._swap_result(j).tolist() == perm


def _round32(v):
    """Fraction -> nearest float32, ties to even."""
    f = np.float32(float(v))
    cands = [np.nextafter(f, np.float32(-np.inf)), f, np.nextafter(f, np.float32(np.inf))]
    return min(cands, key=lambda x: (abs(Fraction(float(x)) - v), int(x.view(np.uint32)) & 1))


def test_fused_multiply_add_is_exact():
    rng = np.random.default_rng(1)
    for k in range(3000):
        a, b, c = (rng.standard_normal(3) * np.exp2(rng.integers(-10, 10, 3))).astype(np.float32)
        if k % 3 == 1:
            c = np.float32(-(np.float64(a) * np.float64(b)))  # cancellation
        if k % 3 == 2:  # short mantissas: products that land on float32 halfway points
            a, b, c = (np.round(np.array([a, b, c]) * 64) / 64).astype(np.float32)
        exact = Fraction(float(a)) * Fraction(float(b)) + Fraction(float(c))
        assert ts._fma32(np.array([a]), b, np.array([c]))[0] == _round32(exact)
        a, b, c = rng.standard_normal(3) * np.exp2(rng.integers(-30, 30, 3))
        exact = Fraction(a) * Fraction(b) + Fraction(c)
        assert ts._fma64(np.array([a]), b, c)[0] == float(exact)


def test_vector_math_is_accurate():
    x = np.linspace(2 ** -24, 1, 100001, dtype=np.float32)
    log = ts._log256(x).astype(np.float64)
    assert np.max(np.abs(log - np.log(x.astype(np.float64))) / np.abs(np.log(x) - 1)) < 1e-6
    t = np.linspace(0, 2 * np.pi, 100001, dtype=np.float32)
    sin, cos = ts._sincos256(t)
    assert np.max(np.abs(sin - np.sin(t.astype(np.float64)))) < 1e-6
    assert np.max(np.abs(cos - np.cos(t.astype(np.float64)))) < 1e-6


_DEFAULT_SCRIPT = r"""
import numpy as np, torch
from tinytorch import _torch_stream as ts
assert torch.backends.cpu.get_cpu_capability() == "DEFAULT"
assert (ts.FUSED_MADD, ts.FLOAT32_NORMAL_MATH) == (False, "libm")
for seed in (0, 42, 2 ** 40 + 7):
    torch.manual_seed(seed)
    g = ts.TorchStream(seed)
    for n in (1, 3, 15, 16, 17, 100, 1000):
        pairs = [(ts.uniform(g, n), torch.rand(n)),
                 (ts.uniform(g, n, np.float32, -2.5, 0.3), torch.empty(n).uniform_(-2.5, 0.3)),
                 (ts.uniform(g, n, np.float64, 1e-3, 1e3),
                  torch.empty(n, dtype=torch.float64).uniform_(1e-3, 1e3)),
                 (ts.normal(g, n), torch.randn(n)),
                 (ts.normal(g, n, np.float32, 0.7, 0.02), torch.empty(n).normal_(0.7, 0.02)),
                 (ts.normal(g, n, np.float64, -3.1, 7.3),
                  torch.empty(n, dtype=torch.float64).normal_(-3.1, 7.3))]
        for ours, theirs in pairs:
            assert ours.tobytes() == theirs.numpy().tobytes(), (seed, n)
print("ok")
"""


def test_matches_torch_default_kernels():
    """torch's non-vectorised (DEFAULT capability) kernels: no fused multiply-adds, and
    float32 normals from libm's logf/cosf/sinf."""
    _torch()
    import os
    import subprocess
    import sys
    env = dict(os.environ, ATEN_CPU_CAPABILITY="default")
    out = subprocess.run([sys.executable, "-c", _DEFAULT_SCRIPT], env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0 and "ok" in out.stdout, out.stderr[-2000:]


def test_configure():
    saved = ts.FUSED_MADD, ts.FLOAT32_NORMAL_MATH
    try:
        for cap, want in [("AVX2", (True, "avx2")), ("avx512", (True, "libm")),
                          ("DEFAULT", (False, "libm"))]:
            ts.configure(cap)
            assert (ts.FUSED_MADD, ts.FLOAT32_NORMAL_MATH) == want
            z = ts.normal(ts.TorchStream(0), 1000, np.float32, 1.0, 2.0)
            assert abs(z.mean() - 1) < 0.3 and abs(z.std() - 2) < 0.3
            u = ts.uniform(ts.TorchStream(0), 1000, np.float32, -1, 1)
            assert u.min() >= -1 and u.max() < 1
        with pytest.raises(ValueError, match="unknown CPU capability"):
            ts.configure("neon")
        assert ts.guess_capability() in ("AVX2", "AVX512", "DEFAULT")
    finally:
        ts.FUSED_MADD, ts.FLOAT32_NORMAL_MATH = saved
