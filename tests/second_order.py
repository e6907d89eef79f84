"""Helpers shared by the second-derivative tests (test_gradgrad.py, test_gradgrad_nn.py):
float64 leaves and one full second-order product, written against the common tinytorch/torch
API so the same call gives both libraries' numbers."""
import numpy as np


def leaves(arrays, L):
    return [L.tensor(a, dtype=L.float64, requires_grad=True) for a in arrays]


def second_derivatives(L, fn, arrays):
    """d/dx <grad f(x) · v, w> for fixed random v, w, per input (None where unused)."""
    xs = leaves(arrays, L)
    out = fn(L, *xs)
    rng = np.random.default_rng(1)
    v = L.tensor(rng.standard_normal(tuple(out.shape)), dtype=L.float64)
    gs = L.autograd.grad(out, xs, v, create_graph=True, allow_unused=True)
    total = 0
    for g in gs:
        if g is not None and g.requires_grad:
            w = L.tensor(rng.standard_normal(tuple(g.shape)), dtype=L.float64)
            total = total + (g * w).sum()
    if not isinstance(total, L.Tensor):
        return [None] * len(xs)
    hs = L.autograd.grad(total, xs, allow_unused=True)
    return [None if h is None else h.detach().numpy(force=True) for h in hs]


def assert_same_second_derivatives(mine, theirs, rtol):
    for a, b in zip(mine, theirs):
        if a is None or b is None:  # an unused input is None or zeros, either is right
            for h in (a, b):
                assert h is None or not np.any(h)
            continue
        np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-9)
