"""Second derivatives of every op in the table: gradgradcheck (float64, finite differences of
the first gradient, random upstream gradients), and against torch where it is importable."""
import numpy as np
import pytest

import tinytorch
from tinytorch.autograd import gradgradcheck
from op_cases import CASES


def _leaves(arrays, L=tinytorch):
    return [L.tensor(a, dtype=L.float64, requires_grad=True) for a in arrays]


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_gradgradcheck(case):
    inputs = _leaves(case.arrays())
    assert gradgradcheck(lambda *xs: case.fn(tinytorch, *xs), inputs, eps=1e-6, atol=1e-5,
                         rtol=1e-3)


def _second(L, case):
    """d/dx <grad f(x) . v, w> for fixed random v, w: one full second-order product."""
    xs = _leaves(case.arrays(), L)
    out = case.fn(L, *xs)
    rng = np.random.default_rng(1)
    v = L.tensor(rng.standard_normal(tuple(out.shape)), dtype=L.float64)
    gs = L.autograd.grad(out, xs, v, create_graph=True, allow_unused=True)
    total = 0
    for g in gs:
        if g is not None and g.requires_grad:
            w = L.tensor(rng.standard_normal(tuple(g.shape)), dtype=L.float64)
            total = total + (g * w).sum()
    if not isinstance(total, (L.Tensor,)):
        return [None] * len(xs)
    hs = L.autograd.grad(total, xs, allow_unused=True)
    return [None if h is None else h.detach().numpy(force=True) for h in hs]


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_second_derivatives_match_torch(case):
    torch = pytest.importorskip("torch")
    mine, theirs = _second(tinytorch, case), _second(torch, case)
    for a, b in zip(mine, theirs):
        if a is None or b is None:  # an unused input is None or zeros, either is right
            for h in (a, b):
                assert h is None or not np.any(h)
            continue
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-9)
