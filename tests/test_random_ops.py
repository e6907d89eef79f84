"""Random ops (tinytorch/_random_ops.py, tinytorch/random.py): multinomial, bernoulli(_),
normal's overloads, poisson, the in-place fills (random_, exponential_, geometric_, cauchy_,
log_normal_) and rand_like/randn_like/randint_like.

The numbers come from tinytorch's own stream, so against torch we compare what does not
depend on the stream: shapes, dtypes, requires_grad, grad_fn names, gradients (zero) and
errors.  The distributions are checked by moments and chi-square with fixed seeds and
generous tolerances, without torch.
"""
import warnings

import numpy as np
import pytest

import tinytorch

# --- against torch: shapes, dtypes, autograd fields, errors --------------------------------

P = [0.2, 0.3, 0.5]

CASES = [
    # multinomial
    "L.multinomial(L.tensor(P), 2)",
    "L.multinomial(L.tensor(P), 3)",
    "L.multinomial(L.tensor(P), 4)",
    "L.multinomial(L.tensor(P), 4, True)",
    "L.multinomial(L.tensor(P), 1, replacement=True)",
    "L.multinomial(L.tensor(P), num_samples=2, replacement=True)",
    "L.tensor(P).multinomial(2)",
    "L.tensor(P).multinomial(5, True, generator=L.Generator())",
    "L.multinomial(L.ones(2, 3), 2)",
    "L.multinomial(L.ones(2, 3, dtype=L.float64), 7, True)",
    "L.multinomial(L.ones(3, dtype=L.float16), 2)",
    "L.multinomial(L.ones(0, 3), 2)",
    "L.multinomial(L.ones(2, 0), 2)",
    "L.multinomial(L.ones(3, dtype=L.float64, requires_grad=True), 2)",
    "L.multinomial(L.tensor([0., 1., 0.]), 2)",
    "L.multinomial(L.tensor([1., 0., 0.]), 3)",
    "L.multinomial(L.tensor(P), 0)",
    "L.multinomial(L.tensor(P), -1)",
    "L.multinomial(L.tensor(P), 2.0)",
    "L.multinomial(L.tensor(P), True)",
    "L.multinomial(L.tensor(P), 2, 1)",
    "L.multinomial([0.5, 0.5], 1)",
    "L.multinomial(L.tensor([1, 2]), 1)",
    "L.multinomial(L.ones(3, dtype=L.int64), 0)",
    "L.multinomial(L.tensor(1.), 1)",
    "L.multinomial(L.ones(2, 2, 2), 1)",
    "L.multinomial(L.ones(2, 2, 2), 0)",
    "L.multinomial(L.tensor([-1., 0.]), 5)",
    "L.multinomial(L.tensor([-1., 1.]), 1)",
    "L.multinomial(L.tensor([float('inf'), 1.]), 1)",
    "L.multinomial(L.tensor([float('nan'), 1.]), 2)",
    "L.multinomial(L.tensor([0., 0.]), 1)",
    "L.multinomial(L.tensor([[1., 1.], [0., 0.]]), 1)",
    "L.multinomial(L.tensor([-1., 1.]), 2, True)",
    "L.multinomial(L.tensor([float('inf'), 1.]), 2, True)",
    "L.multinomial(L.tensor([float('nan'), 1.]), 2, True)",
    "L.multinomial(L.tensor([0., 0.]), 2, True)",
    "L.multinomial(L.tensor([[1., 1.], [-1., 2.]]), 2, True)",
    "L.multinomial(L.tensor(P), 1, generator=1)",
    # bernoulli
    "L.bernoulli(L.tensor(P))",
    "L.bernoulli(L.tensor(P), 0.3)",
    "L.bernoulli(L.tensor(P), p=1)",
    "L.bernoulli(L.tensor(P), L.tensor(0.5))",
    "L.bernoulli(L.tensor(P), generator=L.Generator())",
    "L.bernoulli(L.tensor([1, 0]), 0.5)",
    "L.bernoulli(L.tensor([True, False]), 0.5)",
    "L.bernoulli(L.tensor(0.5))",
    "L.bernoulli(L.tensor([]))",
    "L.bernoulli(L.ones(3, dtype=L.float16))",
    "L.bernoulli(L.ones(2, 3, dtype=L.float64))",
    "L.bernoulli(L.ones(3, requires_grad=True))",
    "L.bernoulli(L.ones(3, requires_grad=True), 0.5)",
    "L.bernoulli(L.tensor([1, 0]))",
    "L.bernoulli(L.tensor([True]))",
    "L.bernoulli(L.tensor([1.5]))",
    "L.bernoulli(L.tensor([-0.5]))",
    "L.bernoulli(L.tensor([float('nan')]))",
    "L.bernoulli(L.tensor(P), 1.5)",
    "L.bernoulli(L.tensor(P), -0.1)",
    "L.bernoulli([0.5])",
    "L.tensor(P).bernoulli()",
    "L.tensor(P).bernoulli(0.5)",
    "L.zeros(3).bernoulli_(0.5)",
    "L.zeros(3).bernoulli_()",
    "L.zeros(3).bernoulli_(p=0.25, generator=L.Generator())",
    "L.zeros(3, dtype=L.int64).bernoulli_(0.5)",
    "L.zeros(3, dtype=L.bool).bernoulli_(0.5)",
    "L.zeros(3, dtype=L.int64).bernoulli_(L.tensor([1., 0., 0.]))",
    "L.zeros(3).bernoulli_(L.tensor(P, dtype=L.float64))",
    "L.zeros(2, 3).bernoulli_(L.tensor(P))",
    "L.zeros(3).bernoulli_(L.tensor([0.5]))",
    "L.zeros(3).bernoulli_(True)",
    "L.zeros(3).bernoulli_(L.ones(2))",
    "L.zeros(3).bernoulli_(L.ones(2, 3))",
    "L.zeros(3).bernoulli_(1.5)",
    "L.zeros(3).bernoulli_(L.tensor([1.5, 0., 0.]))",
    "L.zeros(3).bernoulli_(L.tensor([1, 0, 0]))",
    "L.ones(3, requires_grad=True).bernoulli_(0.5)",
    "L.ones(3, requires_grad=True).clone().bernoulli_(0.5)",
    "L.ones(3, requires_grad=True).clone().bernoulli_(L.tensor(P))",
    # normal's overloads
    "L.normal(L.zeros(3), L.ones(3))",
    "L.normal(L.zeros(3), 1.)",
    "L.normal(L.ones(2), 2)",
    "L.normal(0., L.ones(3))",
    "L.normal(1, L.ones(2))",
    "L.normal(0., 1., (2, 3))",
    "L.normal(0, 1, [2])",
    "L.normal(0., 1., L.Size([2]))",
    "L.normal(0., 1., size=(2, 3), generator=L.Generator())",
    "L.normal(0., 1., (2, 3), dtype=L.float64)",
    "L.normal(0., 1., (2, 3), requires_grad=True)",
    "L.normal(0., 1., (2, 3), dtype=L.int64)",
    "L.normal(0., 1., (-1,))",
    "L.normal(0., -1., (2, 3))",
    "L.normal(L.zeros(3), -1.)",
    "L.normal(0., -L.ones(3))",
    "L.normal(L.zeros(3), -L.ones(3))",
    "L.normal(L.zeros(3), L.tensor([1., float('nan'), 1.]))",
    "L.normal(L.tensor([1.]), std=L.tensor([-1.]))",
    "L.normal(L.zeros(2, 1), L.ones(3))",
    "L.normal(L.zeros(2, 1), L.ones(3), generator=L.Generator())",
    "L.normal(L.zeros(2), L.ones(3))",
    "L.normal(L.zeros(6), L.ones(2, 3))",
    "L.normal(L.zeros(3, dtype=L.float64), L.ones(3))",
    "L.normal(L.zeros(3), L.ones(3, dtype=L.float64))",
    "L.normal(L.zeros(3), L.ones(3, dtype=L.int64))",
    "L.normal(L.zeros(3, dtype=L.float16), L.ones(3))",
    "L.normal(L.zeros(3, dtype=L.int64), L.ones(3))",
    "L.normal(L.zeros(3, dtype=L.int64), 1.)",
    "L.normal(0., L.ones(3, dtype=L.int64))",
    "L.normal(L.zeros(3, dtype=L.float16), 1.)",
    "L.normal(L.zeros(3, requires_grad=True), 1.)",
    "L.normal(0., L.ones(3, requires_grad=True))",
    "L.normal(L.zeros(2, 1, requires_grad=True), L.ones(3, requires_grad=True))",
    "L.normal(L.zeros(3))",
    "L.normal(mean=L.zeros(3))",
    "L.normal(mean=L.zeros(3), std=2.)",
    "L.normal(mean=0., std=L.ones(3))",
    "L.normal(L.zeros(0), L.ones(0))",
    "L.normal(L.tensor(0.), L.tensor(1.))",
    "L.normal(L.tensor(0.), L.ones(2))",
    "L.normal(L.zeros(3), 1., (3,))",
    "L.normal(0., 1.)",
    "L.normal(0., 1., 3)",
    # poisson
    "L.poisson(L.ones(3))",
    "L.poisson(L.ones(2, 3, dtype=L.float64))",
    "L.poisson(L.ones(3, dtype=L.float16))",
    "L.poisson(L.tensor(2.))",
    "L.poisson(L.tensor([]))",
    "L.poisson(L.tensor([0., 1e10]))",
    "L.poisson(L.ones(3), generator=L.Generator())",
    "L.poisson(L.ones(3, requires_grad=True))",
    "L.poisson(L.ones(3, dtype=L.int64))",
    "L.poisson(-L.ones(3))",
    "L.poisson(L.tensor([float('nan')]))",
    "L.poisson(L.ones(3), 1.)",
    # random_
    "L.empty(3).random_()",
    "L.empty(3).random_(5)",
    "L.empty(3).random_(2, 5)",
    "L.empty(3).random_(to=5)",
    "L.empty(3).random_(2, None)",
    "L.empty(3).random_(**{'from': 2, 'to': 5})",
    "L.empty(3).random_(generator=L.Generator())",
    "L.empty(3, dtype=L.int64).random_(-5, None)",
    "L.empty(3, dtype=L.int8).random_(-5, None)",
    "L.empty(3, dtype=L.int8).random_(-128, None)",
    "L.empty(3, dtype=L.int8).random_(127, None)",
    "L.empty(3, dtype=L.int8).random_(128)",
    "L.empty(3, dtype=L.bool).random_(2)",
    "L.empty(3, dtype=L.bool).random_()",
    "L.empty(3, dtype=L.float16).random_(2 ** 11 + 1)",
    "L.empty(3).random_(from_=2, to=5)",
    "L.empty(3).random_(5, 2)",
    "L.empty(3).random_(0)",
    "L.empty(3).random_(-1)",
    "L.empty(3).random_(2.5)",
    "L.empty(3).random_(True)",
    "L.empty(3, dtype=L.uint8).random_(-1, 5)",
    "L.empty(3, dtype=L.uint8).random_(300)",
    "L.empty(3, dtype=L.int8).random_(129)",
    "L.empty(3, dtype=L.int8).random_(-200, None)",
    "L.empty(3, dtype=L.int8).random_(-200, 5)",
    "L.empty(3, dtype=L.int8).random_(500, 3)",
    "L.empty(3, dtype=L.bool).random_(3)",
    "L.empty(3, dtype=L.float16).random_(70000)",
    "L.empty(3, dtype=L.float16).random_(-70000, 5)",
    "L.empty(3, dtype=L.float16).random_(3000, None)",
    "L.empty(3).random_(2 ** 24 + 10, None)",
    "L.empty(3, dtype=L.int32).random_(-2 ** 40, 5)",
    "L.empty(3).random_(-2 ** 70, 5)",
    "L.empty(3, requires_grad=True).random_()",
    "L.ones(3, requires_grad=True).clone().random_()",
    "L.ones(3, requires_grad=True).clone().random_(5)",
    "L.ones(3, requires_grad=True).clone().random_(1, 5)",
    # exponential_, geometric_, cauchy_, log_normal_
    "L.empty(3).exponential_()",
    "L.empty(3).exponential_(2.)",
    "L.empty(3).exponential_(lambd=2.)",
    "L.empty(3, dtype=L.float16).exponential_()",
    "L.empty(3).exponential_(generator=L.Generator())",
    "L.empty(3).exponential_(0.)",
    "L.empty(3).exponential_(-1.)",
    "L.empty(3, dtype=L.int64).exponential_()",
    "L.empty(3, dtype=L.uint8).exponential_()",
    "L.empty(3, dtype=L.bool).exponential_()",
    "L.empty(3, dtype=L.bool).exponential_(0.)",
    "L.empty(3).geometric_(0.5)",
    "L.empty(3).geometric_(p=0.5)",
    "L.empty(3, dtype=L.int64).geometric_(0.5)",
    "L.empty(3, dtype=L.uint8).geometric_(0.5)",
    "L.empty(3).geometric_()",
    "L.empty(3).geometric_(0.)",
    "L.empty(3).geometric_(1.)",
    "L.empty(3).geometric_(1.5)",
    "L.empty(3, dtype=L.bool).geometric_(0.5)",
    "L.empty(3, dtype=L.bool).geometric_(0.)",
    "L.empty(3).cauchy_()",
    "L.empty(3).cauchy_(1., 2.)",
    "L.empty(3).cauchy_(median=1., sigma=2.)",
    "L.empty(3).cauchy_(0., 0.)",
    "L.empty(3).cauchy_(0., -1.)",
    "L.empty(3, dtype=L.int64).cauchy_()",
    "L.empty(3, dtype=L.int32).cauchy_()",
    "L.empty(3, dtype=L.bool).cauchy_()",
    "L.empty(3).log_normal_()",
    "L.empty(3).log_normal_(1., 2.)",
    "L.empty(3).log_normal_(mean=1., std=2.)",
    "L.empty(3, dtype=L.float64).log_normal_()",
    "L.empty(3).log_normal_(0., 0.)",
    "L.empty(3).log_normal_(0., -1.)",
    "L.empty(3, dtype=L.int64).log_normal_()",
    "L.empty(3, dtype=L.uint8).log_normal_()",
    "L.ones(3, requires_grad=True).exponential_()",
    "L.ones(3, requires_grad=True).clone().exponential_()",
    "L.ones(3, requires_grad=True).clone().geometric_(0.5)",
    "L.ones(3, requires_grad=True).clone().cauchy_()",
    "L.ones(3, requires_grad=True).clone().log_normal_()",
    # rand_like, randn_like, randint_like
    "L.rand_like(L.ones(2, 3))",
    "L.rand_like(L.ones(2, 3), generator=L.Generator())",
    "L.rand_like(L.ones(2, 3), dtype=L.float64)",
    "L.rand_like(L.ones(2, 3), requires_grad=True)",
    "L.rand_like(L.ones(2, 3, requires_grad=True))",
    "L.rand_like(input=L.ones(2, 3))",
    "L.rand_like(L.ones(2, 3, dtype=L.int64))",
    "L.rand_like(L.ones(2, 3), dtype=L.int64)",
    "L.rand_like(L.ones(2, 3), L.float64)",
    "L.rand_like([1., 2.])",
    "L.randn_like(L.ones(2, 3, dtype=L.float16))",
    "L.randn_like(L.ones(2, 3), generator=L.Generator(), dtype=L.float64, "
    "requires_grad=True)",
    "L.randn_like(L.ones(2, 3, dtype=L.int64))",
    "L.randint_like(L.ones(2, 3), 5)",
    "L.randint_like(L.ones(2, 3), 2, 5)",
    "L.randint_like(L.ones(2, 3), high=5)",
    "L.randint_like(L.ones(2, 3), low=2, high=5)",
    "L.randint_like(L.ones(2, 3), 5, dtype=L.int64)",
    "L.randint_like(L.ones(2, 3, dtype=L.int32), 5)",
    "L.randint_like(L.ones(2, 3, dtype=L.bool), 2)",
    "L.randint_like(L.ones(2, 3), 5, requires_grad=True)",
    "L.randint_like(L.ones(2, 3), 5, generator=L.Generator())",
    "L.randint_like(L.ones(2, 3), L.tensor(5))",
    "L.randint_like(L.ones(2, 3, dtype=L.uint8), 300)",
    "L.randint_like(L.ones(2, 3), 5, 2)",
    "L.randint_like(L.ones(2, 3), 0)",
    "L.randint_like(L.ones(2, 3), 2.5)",
    "L.randint_like(L.ones(2, 3))",
    "L.randint_like(L.ones(2, 3, dtype=L.int64), 5, requires_grad=True)",
]


def _run(L, expr):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return eval(expr, {"L": L, "P": P})  # noqa: S307  (test expressions above)
        except Exception as e:  # noqa: BLE001  (the exception is what we compare)
            return e


def _first(message):
    """The part of torch's error message that ours must contain: its first sentence (up to
    the list of overloads, for a wrong combination of arguments)."""
    return message.split("\n")[0].split(". ")[0].split(" - got")[0].split(", but expected")[0]


@pytest.mark.parametrize("expr", CASES)
def test_matches_torch(expr):
    torch = pytest.importorskip("torch")
    mine, ref = _run(tinytorch, expr), _run(torch, expr)
    if isinstance(ref, Exception):
        assert type(mine) is type(ref), (mine, ref)
        assert _first(str(ref)) in str(mine), (str(mine), str(ref))
        return
    assert not isinstance(mine, Exception), mine
    assert tuple(mine.shape) == tuple(ref.shape)
    assert str(mine.dtype).split(".")[-1] == str(ref.dtype).split(".")[-1]
    assert mine.requires_grad == ref.requires_grad
    name = None if ref.grad_fn is None else type(ref.grad_fn).__name__
    assert (None if mine.grad_fn is None else type(mine.grad_fn).__name__) == name


GRAD_CASES = [
    "L.normal(x, 1.)", "L.normal(0., x.abs() + 1)", "L.normal(x, x.abs() + 1)",
    "L.normal(x.reshape(3, 1), L.ones(3))", "L.bernoulli(x.sigmoid())", "L.poisson(x.abs())",
    "x.clone().exponential_()", "x.clone().random_(3)", "x.clone().bernoulli_(0.5)",
    "x.clone().cauchy_()", "x.clone().log_normal_()", "x.clone().geometric_(0.5)",
    "x.clone().bernoulli_(L.tensor([0.5, 0.5, 0.5]))",
]


@pytest.mark.parametrize("expr", GRAD_CASES)
def test_gradient_is_zero_like_torch(expr):
    torch = pytest.importorskip("torch")
    grads = []
    for L in (tinytorch, torch):
        x = L.tensor([0.5, -1.0, 2.0], dtype=L.float64, requires_grad=True)
        out = eval(expr, {"L": L, "x": x})  # noqa: S307
        (g,) = L.autograd.grad(out.sum(), x)
        grads.append(g.detach().numpy())
    np.testing.assert_array_equal(grads[0], grads[1])
    np.testing.assert_array_equal(grads[0], 0)


def test_bernoulli_with_number_p_has_no_derivative():
    x = tinytorch.ones(3, requires_grad=True) * 0.5
    y = tinytorch.bernoulli(x, 0.5)
    with pytest.raises(RuntimeError, match="derivative for aten::bernoulli is not implemented"):
        y.sum().backward()


def test_float_random_beyond_mantissa_warns_like_torch():
    with pytest.warns(UserWarning, match=r"to - 1 is out of bounds \[-\(2\^24\), 2\^24\]"):
        tinytorch.empty(3).random_(2 ** 25)


# --- distributions (no torch needed) --------------------------------------------------------

def _chi2_ok(counts, probs, slack=4.0):
    """Pearson's statistic within ``slack`` standard deviations of its mean (df)."""
    counts = np.asarray(counts, float)
    expected = counts.sum() * np.asarray(probs, float)
    keep = expected > 0
    assert counts[~keep].sum() == 0
    stat = ((counts[keep] - expected[keep]) ** 2 / expected[keep]).sum()
    df = keep.sum() - 1
    return stat < df + slack * np.sqrt(2 * df)


def test_multinomial_with_replacement_frequencies():
    g = tinytorch.Generator().manual_seed(0)
    w = tinytorch.tensor([1.0, 0.0, 2.0, 3.0, 4.0])  # weights: normalised by their sum
    s = tinytorch.multinomial(w, 20000, replacement=True, generator=g).numpy()
    assert _chi2_ok(np.bincount(s, minlength=5), w.numpy() / 10)


def test_multinomial_rows_are_independent_and_2d():
    g = tinytorch.Generator().manual_seed(1)
    w = tinytorch.tensor([[0.0, 1.0, 0.0], [0.5, 0.0, 0.5]])
    s = tinytorch.multinomial(w, 4000, True, generator=g).numpy()
    assert s.shape == (2, 4000) and s.dtype == np.int64
    assert (s[0] == 1).all() and set(np.unique(s[1])) == {0, 2}
    assert abs((s[1] == 0).mean() - 0.5) < 0.03


def test_multinomial_without_replacement():
    g = tinytorch.Generator().manual_seed(2)
    w = tinytorch.tensor([1.0, 2.0, 3.0, 4.0])
    rows = tinytorch.multinomial(w.expand(20000, 4).contiguous(), 4, generator=g).numpy()
    assert (np.sort(rows, 1) == np.arange(4)).all()  # each category at most once
    assert _chi2_ok(np.bincount(rows[:, 0], minlength=4), w.numpy() / 10)  # first draw ~ w
    # the second draw, given the first: P(j | i) = w_j / (10 - w_i)
    first, second = rows[:, 0], rows[:, 1]
    sel = first == 3
    probs = np.array([1.0, 2.0, 3.0, 0.0]) / 6
    assert _chi2_ok(np.bincount(second[sel], minlength=4), probs)
    # zero weights are drawn last
    z = tinytorch.multinomial(tinytorch.tensor([0.0, 1.0, 0.0, 1.0]), 4, generator=g).numpy()
    assert set(z[:2]) == {1, 3} and set(z[2:]) == {0, 2}


def test_bernoulli_frequencies():
    g = tinytorch.Generator().manual_seed(3)
    p = tinytorch.tensor([0.0, 0.1, 0.5, 0.9, 1.0]).expand(20000, 5)
    s = tinytorch.bernoulli(p, generator=g).numpy()
    np.testing.assert_allclose(s.mean(0), [0.0, 0.1, 0.5, 0.9, 1.0], atol=0.015)
    s = tinytorch.bernoulli(tinytorch.zeros(20000), 0.3, generator=g).numpy()
    assert abs(s.mean() - 0.3) < 0.015
    t = tinytorch.zeros(20000, 2, dtype=tinytorch.int64).bernoulli_(
        tinytorch.tensor([0.2, 0.7]), generator=g).numpy()
    assert set(np.unique(t)) == {0, 1}
    np.testing.assert_allclose(t.mean(0), [0.2, 0.7], atol=0.015)
    assert abs(tinytorch.zeros(20000).bernoulli_().numpy().mean() - 0.5) < 0.015


def test_normal_overloads_moments():
    g = tinytorch.Generator().manual_seed(4)
    n = 40000
    mean = tinytorch.tensor([[-3.0], [5.0]])
    std = tinytorch.tensor([0.5, 2.0, 0.0])
    s = tinytorch.stack([tinytorch.normal(mean, std, generator=g) for _ in range(4)]).numpy()
    s = np.concatenate([tinytorch.normal(mean, std, generator=g).numpy()[None]
                        for _ in range(n // 4)] + [s])
    np.testing.assert_allclose(s.mean(0), [[-3] * 3, [5] * 3], atol=0.05)
    np.testing.assert_allclose(s.std(0), [[0.5, 2, 0], [0.5, 2, 0]], atol=0.05)
    a = tinytorch.normal(tinytorch.full((n,), 2.0), 3.0, generator=g).numpy()
    assert abs(a.mean() - 2) < 0.06 and abs(a.std() - 3) < 0.06
    b = tinytorch.normal(-1.0, tinytorch.full((n,), 0.5), generator=g).numpy()
    assert abs(b.mean() + 1) < 0.02 and abs(b.std() - 0.5) < 0.02
    c = tinytorch.normal(1.0, 2.0, (n,), generator=g).numpy()
    assert abs(c.mean() - 1) < 0.05 and abs(c.std() - 2) < 0.05


def test_poisson_moments():
    g = tinytorch.Generator().manual_seed(5)
    rates = tinytorch.tensor([0.0, 0.5, 4.0, 100.0, 1e18], dtype=tinytorch.float64)
    s = tinytorch.poisson(rates.expand(20000, 5).contiguous(), generator=g).numpy()
    assert (s[:, 0] == 0).all() and (s == np.round(s)).all()
    np.testing.assert_allclose(s[:, 1:4].mean(0), [0.5, 4, 100], rtol=0.03)
    np.testing.assert_allclose(s[:, 1:4].var(0), [0.5, 4, 100], rtol=0.06)
    assert abs(s[:, 4].mean() / 1e18 - 1) < 1e-6


@pytest.mark.parametrize("dtype,top", [("float16", 2 ** 11), ("float32", 2 ** 24),
                                       ("float64", 2 ** 53), ("int8", 127), ("uint8", 255),
                                       ("int16", 2 ** 15 - 1), ("int32", 2 ** 31 - 1),
                                       ("int64", 2 ** 63 - 1), ("bool", 1)])
def test_random_default_range(dtype, top):
    g = tinytorch.Generator().manual_seed(6)
    t = tinytorch.empty(20000, dtype=getattr(tinytorch, dtype)).random_(generator=g)
    s = t.numpy().astype(np.float64)
    assert s.min() >= 0 and s.max() <= top and (s == np.round(s)).all()
    assert s.max() > top * 0.99 and s.min() < top * 0.01 + 1


def test_random_ranges_are_uniform():
    g = tinytorch.Generator().manual_seed(7)
    s = tinytorch.empty(30000).random_(-2, 4, generator=g).numpy().astype(int)
    assert s.min() == -2 and s.max() == 3
    assert _chi2_ok(np.bincount(s + 2), [1 / 6] * 6)
    s = tinytorch.empty(30000, dtype=tinytorch.int8).random_(120, None, generator=g).numpy()
    assert _chi2_ok(np.bincount(s.astype(int) - 120), [1 / 8] * 8)
    s = tinytorch.empty(30000, dtype=tinytorch.int64).random_(5, generator=g).numpy()
    assert _chi2_ok(np.bincount(s), [0.2] * 5)


def test_continuous_fills_moments():
    g = tinytorch.Generator().manual_seed(8)
    n = 60000
    e = tinytorch.empty(n, dtype=tinytorch.float64).exponential_(4.0, generator=g).numpy()
    assert e.min() >= 0 and abs(e.mean() - 0.25) < 0.006 and abs(e.std() - 0.25) < 0.006
    geo = tinytorch.empty(n, dtype=tinytorch.int64).geometric_(0.25, generator=g).numpy()
    assert geo.min() == 1 and abs(geo.mean() - 4) < 0.06  # trials up to the first success
    assert abs((geo == 1).mean() - 0.25) < 0.01
    c = tinytorch.empty(n, dtype=tinytorch.float64).cauchy_(2.0, 3.0, generator=g).numpy()
    q = np.quantile(c, [0.25, 0.5, 0.75])  # quartiles: median -+ sigma
    np.testing.assert_allclose(q, [-1, 2, 5], atol=0.15)
    ln = tinytorch.empty(n, dtype=tinytorch.float64).log_normal_(0.5, 0.25, generator=g)
    logs = np.log(ln.numpy())
    assert abs(logs.mean() - 0.5) < 0.006 and abs(logs.std() - 0.25) < 0.006
    default = np.log(tinytorch.empty(n).log_normal_(generator=g).numpy().astype(np.float64))
    assert abs(default.mean() - 1) < 0.03 and abs(default.std() - 2) < 0.03  # mean 1, std 2


def test_like_functions_accept_memory_format():
    x = tinytorch.ones(2, 3)
    for fn in (tinytorch.rand_like, tinytorch.randn_like):
        assert fn(x, memory_format=None).shape == (2, 3)
    assert tinytorch.randint_like(x, 3, memory_format=None).shape == (2, 3)


def test_like_functions_values():
    g = tinytorch.Generator().manual_seed(9)
    x = tinytorch.ones(20000, dtype=tinytorch.float64)
    u = tinytorch.rand_like(x, generator=g).numpy()
    assert u.min() >= 0 and u.max() < 1 and abs(u.mean() - 0.5) < 0.01
    z = tinytorch.randn_like(x, generator=g).numpy()
    assert abs(z.mean()) < 0.03 and abs(z.std() - 1) < 0.03
    r = tinytorch.randint_like(x, 3, 7, generator=g).numpy()
    assert set(np.unique(r)) == {3, 4, 5, 6} and r.dtype == np.float64
    r = tinytorch.randint_like(x, 4, dtype=tinytorch.int8, generator=g).numpy()
    assert set(np.unique(r)) == {0, 1, 2, 3} and r.dtype == np.int8


# --- generator= reproducibility, and the default stream -------------------------------------

DRAWS = {
    "multinomial": lambda g: tinytorch.multinomial(tinytorch.ones(2, 6), 3, generator=g),
    "multinomial_r": lambda g: tinytorch.multinomial(tinytorch.ones(6), 9, True, generator=g),
    "bernoulli": lambda g: tinytorch.bernoulli(tinytorch.full((9,), 0.5), generator=g),
    "bernoulli_p": lambda g: tinytorch.bernoulli(tinytorch.zeros(9), 0.5, generator=g),
    "bernoulli_": lambda g: tinytorch.zeros(9).bernoulli_(0.5, generator=g),
    "normal_tt": lambda g: tinytorch.normal(tinytorch.zeros(5), tinytorch.ones(5), generator=g),
    "normal_tf": lambda g: tinytorch.normal(tinytorch.zeros(5), 2.0, generator=g),
    "normal_ft": lambda g: tinytorch.normal(0.0, tinytorch.ones(5), generator=g),
    "normal_ff": lambda g: tinytorch.normal(0.0, 1.0, (5,), generator=g),
    "poisson": lambda g: tinytorch.poisson(tinytorch.full((9,), 3.0), generator=g),
    "random_": lambda g: tinytorch.empty(9).random_(generator=g),
    "random_to": lambda g: tinytorch.empty(9).random_(100, generator=g),
    "exponential_": lambda g: tinytorch.empty(9).exponential_(generator=g),
    "geometric_": lambda g: tinytorch.empty(9).geometric_(0.3, generator=g),
    "cauchy_": lambda g: tinytorch.empty(9).cauchy_(generator=g),
    "log_normal_": lambda g: tinytorch.empty(9).log_normal_(generator=g),
    "rand_like": lambda g: tinytorch.rand_like(tinytorch.ones(9), generator=g),
    "randn_like": lambda g: tinytorch.randn_like(tinytorch.ones(9), generator=g),
    "randint_like": lambda g: tinytorch.randint_like(tinytorch.ones(9), 100, generator=g),
}


@pytest.mark.parametrize("name", sorted(DRAWS))
def test_generator_reproducible_and_independent(name):
    draw = DRAWS[name]
    a = draw(tinytorch.Generator().manual_seed(11)).numpy()
    tinytorch.manual_seed(0)
    b = draw(tinytorch.Generator().manual_seed(11)).numpy()
    np.testing.assert_array_equal(a, b)
    g = tinytorch.Generator().manual_seed(11)
    first, second = draw(g).numpy(), draw(g).numpy()  # the stream moves on
    np.testing.assert_array_equal(first, a)
    assert not np.array_equal(first, second) or name == "multinomial"
    # the default stream: manual_seed makes it reproducible, and a generator leaves it alone
    tinytorch.manual_seed(5)
    c = draw(None).numpy()
    tinytorch.manual_seed(5)
    draw(tinytorch.Generator().manual_seed(1))
    np.testing.assert_array_equal(draw(None).numpy(), c)


def test_inplace_fills_keep_tensor_and_bump_version():
    t = tinytorch.zeros(2, 3)
    base = t._version
    for fill in (lambda x: x.random_(4), lambda x: x.exponential_(), lambda x: x.geometric_(0.5),
                 lambda x: x.cauchy_(), lambda x: x.log_normal_(), lambda x: x.bernoulli_()):
        assert fill(t) is t
    assert t._version == base + 6
    v = tinytorch.zeros(4)
    v[1:3].exponential_()  # a view writes through to its base
    assert (v.numpy()[[0, 3]] == 0).all() and (v.numpy()[1:3] > 0).all()


def test_bernoulli_tensor_p_gets_zero_gradient_like_torch():
    torch = pytest.importorskip("torch")
    grads = []
    for L in (tinytorch, torch):
        x = L.ones(2, 3, requires_grad=True)
        p = L.full((3,), 0.5, dtype=L.float64, requires_grad=True)
        y = x.clone().bernoulli_(p)
        grads.append([g.numpy() for g in L.autograd.grad(y.sum(), [x, p])])
    for a, b in zip(*grads):
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("fill", ["normal_", "uniform_"])
def test_fill_of_a_non_leaf_gives_its_old_values_a_zero_gradient(fill):
    # torch: NormalBackward0 / UniformBackward0 send zeros to what was overwritten
    x = tinytorch.ones(3, requires_grad=True)
    y = x * 2
    getattr(y, fill)()
    assert y.grad_fn.name() == {"normal_": "NormalBackward0", "uniform_": "UniformBackward0"}[fill]
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]
