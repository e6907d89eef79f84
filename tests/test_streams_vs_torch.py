"""After ``manual_seed(s)`` tinytorch draws torch's numbers bit for bit (docs/random.md): the
creation functions, in-place fills, sampling ops, dropout/rrelu, nn.init, default layer
initialisation and the data utilities' orders, consecutive calls included.  Torch-free
checks: determinism, generator independence, state round trips, fork_rng."""
import math

import numpy as np
import pytest

import tinytorch as tt
import tinytorch.nn.functional as F
from tinytorch.utils import data as tdata

SEEDS = [0, 1, 42, 2 ** 40 + 7]
FLOATS = ["float32", "float64"]


def _torch():
    return pytest.importorskip("torch")


def _same(theirs, ours, what=""):
    a = theirs.detach().numpy() if hasattr(theirs, "detach") else np.asarray(theirs)
    b = ours.detach().numpy() if isinstance(ours, tt.Tensor) else np.asarray(ours)
    assert a.dtype == b.dtype and a.shape == b.shape, (what, a.dtype, b.dtype, a.shape, b.shape)
    assert np.array_equal(a, b, equal_nan=True), (what, a.ravel()[:6], b.ravel()[:6])


def _seed(torch, s):
    torch.manual_seed(s)
    tt.manual_seed(s)


def _state_equal(torch):
    _same(torch.get_rng_state(), tt.get_rng_state(), "state")


# ------------------------------------------------------------------ creation functions

@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dt", FLOATS)
def test_rand_randn_normal(seed, dt):
    torch = _torch()
    _seed(torch, seed)
    td, od = getattr(torch, dt), getattr(tt, dt)
    for shape in [(1,), (3,), (5, 3), (16,), (17,), (4, 8), (100,), (3, 7, 5)]:
        _same(torch.rand(*shape, dtype=td), tt.rand(*shape, dtype=od), ("rand", shape))
        _same(torch.randn(*shape, dtype=td), tt.randn(*shape, dtype=od), ("randn", shape))
        _same(torch.normal(2.0, 3.0, shape, dtype=td), tt.normal(2.0, 3.0, shape, dtype=od),
              ("normal", shape))
        a, b = torch.empty(shape, dtype=td), tt.empty(shape, dtype=od)
        _same(torch.rand_like(a), tt.rand_like(b), "rand_like")
        _same(torch.randn_like(a), tt.randn_like(b), "randn_like")
    _state_equal(torch)


@pytest.mark.parametrize("seed", SEEDS)
def test_float16_and_default_dtype(seed):
    torch = _torch()
    _seed(torch, seed)
    for n in (5, 16, 33):
        _same(torch.rand(n, dtype=torch.float16), tt.rand(n, dtype=tt.float16))
        _same(torch.randn(n, dtype=torch.float16), tt.randn(n, dtype=tt.float16))
    _same(torch.randn(2, 9), tt.randn(2, 9))
    _state_equal(torch)


@pytest.mark.parametrize("seed", SEEDS)
def test_randint_randperm(seed):
    torch = _torch()
    _seed(torch, seed)
    _same(torch.randint(10, (50,)), tt.randint(10, (50,)))
    _same(torch.randint(-5, 100, (3, 4)), tt.randint(-5, 100, (3, 4)))
    _same(torch.randint(0, 2 ** 40, (9,)), tt.randint(0, 2 ** 40, (9,)), "random64 range")
    _same(torch.randint(0, 7, (6,), dtype=torch.int32), tt.randint(0, 7, (6,), dtype=tt.int32))
    _same(torch.randint(0, 7, (6,), dtype=torch.float32),
          tt.randint(0, 7, (6,), dtype=tt.float32))
    x, y = torch.zeros(2, 3), tt.zeros(2, 3)
    _same(torch.randint_like(x, 3, 9), tt.randint_like(y, 3, 9))
    for n in (0, 1, 2, 10, 100, 1000):
        _same(torch.randperm(n), tt.randperm(n), ("randperm", n))
    _same(torch.randperm(20, dtype=torch.int32), tt.randperm(20, dtype=tt.int32))
    _state_equal(torch)


@pytest.mark.parametrize("seed", SEEDS)
def test_generators(seed):
    torch = _torch()
    g1, g2 = torch.Generator().manual_seed(seed), tt.Generator().manual_seed(seed)
    torch.manual_seed(seed + 1)
    tt.manual_seed(seed + 1)
    assert g2.initial_seed() == g1.initial_seed()
    _same(torch.rand(20, generator=g1), tt.rand(20, generator=g2))
    _same(torch.randn(40, generator=g1), tt.randn(40, generator=g2))
    _same(torch.randperm(50, generator=g1), tt.randperm(50, generator=g2))
    _same(torch.randint(3, (7,), generator=g1), tt.randint(3, (7,), generator=g2))
    _same(torch.empty(5).normal_(generator=g1), tt.empty(5).normal_(generator=g2))
    _same(g1.get_state(), g2.get_state(), "generator state")
    _state_equal(torch)  # the default stream untouched by the generator's draws
    _same(torch.rand(3), tt.rand(3))


def test_state_round_trip_matches_torch():
    torch = _torch()
    _seed(torch, 7)
    torch.randn(3)
    tt.randn(3)  # leaves a cached normal in both
    _state_equal(torch)
    state_t, state_o = torch.get_rng_state(), tt.get_rng_state()
    a = torch.randn(5)
    b = tt.randn(5)
    _same(a, b)
    torch.set_rng_state(state_t)
    tt.set_rng_state(tt.tensor(state_t.numpy()))  # torch's bytes load into tinytorch
    _same(torch.randn(5), tt.randn(5))
    tt.set_rng_state(state_o)
    _same(a, tt.randn(5))


# ------------------------------------------------------------------- in-place fills

@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dt", FLOATS)
def test_inplace_fills(seed, dt):
    torch = _torch()
    _seed(torch, seed)
    td, od = getattr(torch, dt), getattr(tt, dt)
    for shape in [(5,), (3, 7), (40,), (4, 8)]:
        a, b = torch.empty(shape, dtype=td), tt.empty(shape, dtype=od)
        for name, args in [("uniform_", (-2, 3)), ("normal_", (1, 2)), ("uniform_", ()),
                           ("normal_", ()), ("exponential_", (1.5,)), ("cauchy_", (1, 2)),
                           ("log_normal_", (0.5, 0.3)), ("geometric_", (0.3,)),
                           ("random_", ()), ("random_", (3, 10)), ("random_", (10,)),
                           ("bernoulli_", (0.3,))]:
            _same(getattr(a, name)(*args), getattr(b, name)(*args), (name, shape))
        if len(shape) == 2:  # transposed views: drawn in memory order
            _same(a.t().normal_(), b.t().normal_(), "t().normal_")
            _same(a.t().uniform_(), b.t().uniform_(), "t().uniform_")
    _state_equal(torch)


@pytest.mark.parametrize("seed", SEEDS)
def test_integer_random_(seed):
    torch = _torch()
    _seed(torch, seed)
    for dt in ("int64", "int32", "int16", "uint8", "bool"):
        a, b = torch.empty(20, dtype=getattr(torch, dt)), tt.empty(20, dtype=getattr(tt, dt))
        _same(a.random_(), b.random_(), dt)
        if dt != "bool":
            _same(a.random_(2, 9), b.random_(2, 9), dt)
    a, b = torch.empty(7, dtype=torch.int64), tt.empty(7, dtype=tt.int64)
    _same(a.random_(-2 ** 63, None), b.random_(-2 ** 63, None), "full int64 range")
    _state_equal(torch)


# ------------------------------------------------------------------ sampling ops

@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dt", FLOATS)
def test_sampling_ops(seed, dt):
    torch = _torch()
    _seed(torch, seed)
    td, od = getattr(torch, dt), getattr(tt, dt)
    for shape in [(5,), (3, 7), (40,)]:
        pa, pb = torch.rand(*shape, dtype=td), tt.rand(*shape, dtype=od)
        _same(torch.bernoulli(pa), tt.bernoulli(pb), "bernoulli")
        _same(torch.bernoulli(pa, 0.4), tt.bernoulli(pb, 0.4), "bernoulli p")
        _same(torch.empty(shape, dtype=td).bernoulli_(pa),
              tt.empty(shape, dtype=od).bernoulli_(pb), "bernoulli_ tensor")
        _same(torch.normal(pa, pa), tt.normal(pb, pb), "normal(T, T)")
        _same(torch.normal(pa, 2.0), tt.normal(pb, 2.0), "normal(T, f)")
        _same(torch.normal(1.5, pa), tt.normal(1.5, pb), "normal(f, T)")
        flat_a, flat_b = pa.reshape(-1), pb.reshape(-1)
        _same(torch.multinomial(flat_a, 3), tt.multinomial(flat_b, 3), "multinomial")
        _same(torch.multinomial(flat_a, 1), tt.multinomial(flat_b, 1), "multinomial 1")
        _same(torch.multinomial(flat_a, 8, True), tt.multinomial(flat_b, 8, True),
              "multinomial replacement")
    rows_a, rows_b = torch.rand(4, 6, dtype=td), tt.rand(4, 6, dtype=od)
    _same(torch.multinomial(rows_a, 2), tt.multinomial(rows_b, 2), "multinomial rows")
    _same(torch.multinomial(rows_a, 5, True), tt.multinomial(rows_b, 5, True))
    _state_equal(torch)


# ------------------------------------------------------------------- dropout, rrelu

@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dt", FLOATS)
def test_dropout_and_rrelu(seed, dt):
    torch = _torch()
    _seed(torch, seed)
    td, od = getattr(torch, dt), getattr(tt, dt)
    for n in (1, 10, 100):
        for p in (0.1, 0.5, 0.3, 0.0, 1.0):
            a, b = torch.randn(n, 3, dtype=td), tt.randn(n, 3, dtype=od)
            _same(torch.nn.functional.dropout(a, p), F.dropout(b, p), ("dropout", n, p))
            _same(torch.nn.Dropout(p)(a), tt.nn.Dropout(p)(b), ("Dropout", n, p))
        _same(torch.nn.functional.rrelu(a, training=True), F.rrelu(b, training=True), "rrelu")
    _state_equal(torch)


def test_dropout_gradient_and_inplace_match_torch():
    torch = _torch()
    _seed(torch, 3)
    a = torch.randn(6, 5, requires_grad=True)
    b = tt.randn(6, 5, requires_grad=True)
    _same(a, b)
    ya, yb = torch.nn.functional.dropout(a, 0.4), F.dropout(b, 0.4)
    _same(ya, yb)
    ya.sum().backward()
    yb.sum().backward()
    _same(a.grad, b.grad, "gradient = mask")
    xa, xb = torch.randn(8), tt.randn(8)
    _same(torch.nn.functional.dropout(xa, 0.5, inplace=True),
          F.dropout(xb, 0.5, inplace=True), "inplace")
    _same(xa, xb)


# --------------------------------------------------------------------------- nn.init

INITS = [("uniform_", {"a": -1, "b": 2}), ("normal_", {"mean": 1, "std": 0.2}),
         ("kaiming_uniform_", {}), ("kaiming_uniform_", {"a": math.sqrt(5)}),
         ("kaiming_normal_", {}), ("kaiming_normal_", {"mode": "fan_out",
                                                        "nonlinearity": "relu"}),
         ("xavier_uniform_", {}), ("xavier_normal_", {"gain": 2.0}),
         ("trunc_normal_", {"std": 0.02}), ("trunc_normal_", {}),
         ("trunc_normal_", {"a": -0.5, "b": 0.5}), ("trunc_normal_", {"a": 1.0, "b": 3.0})]


@pytest.mark.parametrize("seed", SEEDS)
def test_init_functions(seed):
    torch = _torch()
    _seed(torch, seed)
    for shape in [(7, 5), (4, 3, 3, 3), (20, 40)]:
        for name, kwargs in INITS:
            a, b = torch.empty(shape), tt.empty(shape)
            _same(getattr(torch.nn.init, name)(a, **kwargs),
                  getattr(tt.nn.init, name)(b, **kwargs), (name, kwargs, shape))
        # orthogonal_: torch's draws, then a QR whose last bits may differ (docs/random.md)
        a, b = torch.empty(shape), tt.empty(shape)
        torch.nn.init.orthogonal_(a)
        tt.nn.init.orthogonal_(b)
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-4, atol=1e-5)
        _state_equal(torch)
    g1, g2 = torch.Generator().manual_seed(seed), tt.Generator().manual_seed(seed)
    _same(torch.nn.init.kaiming_uniform_(torch.empty(3, 4), generator=g1),
          tt.nn.init.kaiming_uniform_(tt.empty(3, 4), generator=g2))


@pytest.mark.parametrize("seed", SEEDS)
def test_default_layer_initialisation(seed):
    torch = _torch()
    _seed(torch, seed)
    layers = [("Linear", (20, 7)), ("Linear", (3, 2, False)), ("Conv2d", (3, 4, 3)),
              ("Conv2d", (2, 6, (3, 5), 1, 0, 1, 2)), ("Embedding", (11, 5)),
              ("Embedding", (10, 4, 2)), ("LayerNorm", (8,)), ("MultiheadAttention", (16, 4)),
              ("BatchNorm1d", (4,))]
    for name, args in layers:
        a, b = getattr(torch.nn, name)(*args), getattr(tt.nn, name)(*args)
        pa, pb = dict(a.named_parameters()), dict(b.named_parameters())
        assert list(pa) == list(pb)
        for k in pa:
            _same(pa[k], pb[k], (name, k))
        _state_equal(torch)
    _same(torch.rand(3), tt.rand(3), "after the layers")


# --------------------------------------------------------------------------- data

@pytest.mark.parametrize("seed", SEEDS[:3])
@pytest.mark.parametrize("explicit", [False, True])
def test_data_orders(seed, explicit):
    torch = _torch()
    from torch.utils import data as D
    _seed(torch, seed)
    ga = torch.Generator().manual_seed(seed + 1) if explicit else None
    gb = tt.Generator().manual_seed(seed + 1) if explicit else None
    for n, bs in ((23, 5), (10, 4)):
        la = D.DataLoader(D.TensorDataset(torch.arange(n)), batch_size=bs, shuffle=True,
                          generator=ga)
        lb = tdata.DataLoader(tdata.TensorDataset(tt.arange(n)), batch_size=bs, shuffle=True,
                              generator=gb)
        for _ in range(3):  # consecutive epochs
            assert [x[0].tolist() for x in la] == [x[0].tolist() for x in lb]
    assert (list(D.RandomSampler(range(10), True, 70, generator=ga))
            == list(tdata.RandomSampler(range(10), True, 70, generator=gb)))
    assert (list(D.RandomSampler(range(10), num_samples=25, generator=ga))
            == list(tdata.RandomSampler(range(10), num_samples=25, generator=gb)))
    idx = [5, 6, 7, 8, 9, 10]
    assert (list(D.SubsetRandomSampler(idx, generator=ga))
            == list(tdata.SubsetRandomSampler(idx, generator=gb)))
    w = [0.1, 2, 3, 0.5, 1]
    assert (list(D.WeightedRandomSampler(w, 12, generator=ga))
            == list(tdata.WeightedRandomSampler(w, 12, generator=gb)))
    assert (list(D.WeightedRandomSampler(w, 4, replacement=False, generator=ga))
            == list(tdata.WeightedRandomSampler(w, 4, replacement=False, generator=gb)))
    for lengths in ([0.7, 0.3], [15, 5]):
        sa = D.random_split(range(20), lengths, generator=ga or torch.default_generator)
        sb = tdata.random_split(range(20), lengths, generator=gb)
        assert [list(s.indices) for s in sa] == [list(s.indices) for s in sb]
    _state_equal(torch)
    if explicit:
        _same(ga.get_state(), gb.get_state())


def test_distributed_sampler_order():
    torch = _torch()
    from torch.utils.data.distributed import DistributedSampler as TDS
    from tinytorch.utils.data.distributed import DistributedSampler as ODS
    for epoch in (0, 3):
        a = TDS(range(17), num_replicas=1, rank=0, seed=5)
        b = ODS(range(17), num_replicas=1, rank=0, seed=5)
        a.set_epoch(epoch)
        b.set_epoch(epoch)
        assert list(a) == list(b)


# ------------------------------------------------------------------ torch-free checks

def test_determinism_and_consecutive_draws():
    tt.manual_seed(11)
    first = [tt.rand(5), tt.randn(20), tt.randint(9, (4,)), tt.randperm(7)]
    tt.manual_seed(11)
    again = [tt.rand(5), tt.randn(20), tt.randint(9, (4,)), tt.randperm(7)]
    for a, b in zip(first, again):
        assert tt.equal(a, b)
    assert not tt.equal(tt.rand(5), first[0])  # the stream moves on


def test_generators_are_independent():
    g = tt.Generator().manual_seed(3)
    a = tt.rand(6, generator=g)
    tt.manual_seed(3)
    state = tt.get_rng_state()
    g2 = tt.Generator().manual_seed(3)
    tt.randn(100)  # draws on the default stream do not move g2
    assert tt.equal(tt.rand(6, generator=g2), a)
    tt.set_rng_state(state)
    assert tt.equal(tt.rand(6), a)  # the default stream seeded 3 gives the same numbers
    assert g.device == tt.device("cpu")
    assert g.initial_seed() == 3


def test_state_tensor_and_errors():
    state = tt.get_rng_state()
    assert state.dtype == tt.uint8 and tuple(state.shape) == (5056,)
    with pytest.raises(RuntimeError):
        tt.set_rng_state(tt.zeros(10, dtype=tt.uint8))
    with pytest.raises(TypeError):
        tt.set_rng_state(np.zeros(5056, np.uint8))
    s = tt.seed()
    assert tt.initial_seed() == s
    tt.manual_seed(-1)  # negative seeds wrap modulo 2**64, as torch
    assert tt.initial_seed() == 2 ** 64 - 1


def test_fork_rng_restores_state():
    tt.manual_seed(5)
    with tt.random.fork_rng():
        inside = tt.rand(4)
    assert tt.equal(tt.rand(4), inside)
    with tt.random.fork_rng(enabled=False):
        tt.rand(4)
    after = tt.rand(4)
    tt.manual_seed(5)
    tt.rand(4)
    tt.rand(4)
    assert tt.equal(tt.rand(4), after)  # enabled=False: the body's draws stay drawn
    tt.manual_seed(5)
    with tt.random.fork_rng(devices=[], device_type="cpu"):
        tt.randn(30)
    assert tt.equal(tt.rand(4), inside)


def test_poisson_is_seeded():
    rates = tt.full((10,), 3.0)
    tt.manual_seed(2)
    a = tt.poisson(rates)
    tt.manual_seed(2)
    assert tt.equal(tt.poisson(rates), a)


def test_manual_seed_arguments_as_torch():
    torch = _torch()
    for v in [1.5, "3", 2 ** 64, -2 ** 63 - 1, True, 7]:
        for mk in (lambda lib: lib.manual_seed, lambda lib: lib.Generator().manual_seed):
            try:
                want = mk(torch)(v).initial_seed()
            except Exception as exc:  # noqa: BLE001 - the same type and words are expected
                with pytest.raises(type(exc), match=str(exc)):
                    mk(tt)(v)
            else:
                assert mk(tt)(v).initial_seed() == want


def test_fills_of_strided_views_in_memory_order():
    torch = _torch()
    _seed(torch, 4)
    a, b = torch.zeros(4, 6, 5), tt.zeros(4, 6, 5)
    for p in [(2, 0, 1), (1, 0, 2), (0, 2, 1), (2, 1, 0), (0, 1, 2)]:
        a.permute(*p).normal_()
        b.permute(*p).normal_()
        a.permute(*p).uniform_(-1, 1)
        b.permute(*p).uniform_(-1, 1)
        _same(a, b, p)
    c, d = torch.zeros(4, 6), tt.zeros(4, 6)
    c[:, ::2].t().uniform_()
    d[:, ::2].t().uniform_()
    c[:, ::2].normal_()
    d[:, ::2].normal_()
    _same(c, d, "slices")
    _state_equal(torch)
