"""issue 12's reductions, cumulative ops, sorting and selection (tinytorch/_reductions.py):
integer and bool results, dtypes, ties, NaN, empty and 0-d inputs and argument errors,
against torch; the differentiable cases are in op_cases_reductions.py."""
import numpy as np
import pytest

import tinytorch

NAN = float("nan")
FLOAT = np.array([[3.0, 1.0, NAN, 2.0], [1.0, 1.0, 0.0, -2.0], [2.0, 2.0, 2.0, NAN]])
INT = np.array([[3, 1, 0, 2], [1, 1, 0, -2], [2, 2, 2, 5]])
BOOL = np.array([[True, False, True], [False, False, True]])
TIES = np.array([[2.0, 1.0, 2.0, 1.0] * 6, [0.0, NAN, 0.0, 1.0] * 6])

# (name, fn(L, x), inputs): each compared with torch value by value, with dtypes and shapes
CALLS = [
    ("any dim", lambda L, x: x.any(1), [FLOAT, INT, BOOL]),
    ("all dim keepdim", lambda L, x: L.all(x, dim=0, keepdim=True), [FLOAT, INT, BOOL]),
    ("any dims", lambda L, x: x.any((0, 1)), [INT, BOOL]),
    ("all axis", lambda L, x: x.all(axis=-1, keepdims=True), [INT, BOOL]),
    ("any uint8", lambda L, x: x.to(L.uint8).any(0), [INT]),
    ("prod int", lambda L, x: x.prod(1), [INT, BOOL]),
    ("prod all", lambda L, x: L.prod(x), [FLOAT, INT, BOOL]),
    ("prod dtype", lambda L, x: x.prod(0, dtype=L.float64), [INT]),
    ("cumsum int", lambda L, x: x.cumsum(1), [INT, BOOL]),
    ("cumsum dtype", lambda L, x: L.cumsum(x, 0, dtype=L.float32), [INT, FLOAT]),
    ("cumprod int", lambda L, x: x.cumprod(-1), [INT, BOOL, FLOAT]),
    ("logcumsumexp", lambda L, x: x.logcumsumexp(1), [FLOAT]),
    ("cummax", lambda L, x: x.cummax(1), [FLOAT, INT, BOOL, TIES]),
    ("cummin", lambda L, x: L.cummin(x, 0), [FLOAT, INT, BOOL, TIES]),
    ("sort", lambda L, x: x.sort(), [FLOAT, INT, BOOL, TIES]),
    ("sort descending", lambda L, x: x.sort(1, descending=True), [FLOAT, INT, BOOL, TIES]),
    ("sort stable", lambda L, x: L.sort(x, dim=1, stable=True, descending=True),
     [FLOAT, INT, TIES]),
    ("sort dim 0", lambda L, x: x.sort(0), [FLOAT, INT, BOOL, TIES]),
    ("argsort", lambda L, x: x.argsort(1, descending=True), [FLOAT, INT, TIES]),
    ("L.argsort", lambda L, x: L.argsort(x), [FLOAT, INT, TIES]),
    ("msort", lambda L, x: L.msort(x), [FLOAT, INT, TIES]),
    ("topk", lambda L, x: x.topk(3), [FLOAT, INT, TIES]),
    ("topk smallest unsorted", lambda L, x: L.topk(x, 3, largest=False, sorted=False),
     [FLOAT, INT, TIES]),
    ("topk unsorted", lambda L, x: x.topk(2, dim=0, sorted=False), [FLOAT, INT, TIES]),
    ("kthvalue", lambda L, x: x.kthvalue(2), [FLOAT, INT, TIES]),
    ("kthvalue dim 0", lambda L, x: L.kthvalue(x, 1, 0, keepdim=True), [FLOAT, INT, TIES]),
    ("median", lambda L, x: x.median(), [FLOAT, INT, TIES]),
    ("median dim", lambda L, x: x.median(1), [FLOAT, INT, TIES]),
    ("median dim 0", lambda L, x: L.median(x, 0, keepdim=True), [FLOAT, INT, TIES]),
    ("mode", lambda L, x: x.mode(), [FLOAT, INT, BOOL, TIES]),
    ("mode dim 0", lambda L, x: L.mode(x, 0, keepdim=True), [FLOAT, INT, TIES]),
    ("aminmax", lambda L, x: L.aminmax(x), [INT, FLOAT]),
    ("aminmax dim", lambda L, x: x.aminmax(dim=1, keepdim=True), [INT, FLOAT, BOOL]),
    ("nansum", lambda L, x: L.nansum(x), [FLOAT, INT]),
    ("nansum dim", lambda L, x: x.nansum(1, keepdim=True), [FLOAT, INT]),
    ("nanmean", lambda L, x: L.nanmean(x, 1), [FLOAT, TIES]),
    ("count_nonzero", lambda L, x: L.count_nonzero(x), [FLOAT, INT, BOOL]),
    ("count_nonzero dims", lambda L, x: x.count_nonzero((0, 1)), [FLOAT, INT]),
    ("count_nonzero dim", lambda L, x: x.count_nonzero(dim=-1), [FLOAT, INT, BOOL]),
    ("var_mean", lambda L, x: L.var_mean(x, 1), [FLOAT]),
    ("std_mean", lambda L, x: L.std_mean(x, False), [FLOAT]),
    ("unique", lambda L, x: L.unique(x), [FLOAT, INT, BOOL, TIES]),
    ("unique inverse counts", lambda L, x: L.unique(x, return_inverse=True,
                                                     return_counts=True), [FLOAT, INT, TIES]),
    ("unique unsorted", lambda L, x: x.unique(sorted=False, return_counts=True), [INT]),
    ("unique dim", lambda L, x: L.unique(x, dim=1, return_inverse=True), [INT]),
    ("argmax axis", lambda L, x: x.argmax(axis=1, keepdims=True), [INT, FLOAT]),
    ("argmin axis", lambda L, x: L.argmin(x, axis=0), [INT, FLOAT]),
    ("amin axis", lambda L, x: x.amin(axis=(0, 1), keepdims=True), [INT, FLOAT]),
    ("min axis", lambda L, x: x.min(axis=0, keepdims=True), [INT, FLOAT]),
    ("std axis", lambda L, x: x.std(axis=1, keepdims=True), [FLOAT]),
    ("sum 0-d", lambda L, x: x[0, 0].cumsum(0), [FLOAT, INT]),
    ("sort 0-d", lambda L, x: x[0, 0].sort(), [FLOAT, INT]),
    ("topk 0-d", lambda L, x: x[0, 0].topk(1), [FLOAT]),
    ("median 0-d", lambda L, x: x[0, 0].median(0), [FLOAT]),
    ("kthvalue 0-d", lambda L, x: x[0, 0].kthvalue(1), [FLOAT]),
    ("mode 0-d", lambda L, x: x[0, 0].mode(), [FLOAT]),
    ("prod 0-d", lambda L, x: x[0, 0].prod(0, keepdim=True), [FLOAT]),
    ("cummax 0-d", lambda L, x: x[0, 0].cummax(0), [FLOAT]),
    ("empty sort", lambda L, x: x[:, :0].sort(1), [FLOAT, INT]),
    ("empty cumsum", lambda L, x: x[:0].cumsum(0), [FLOAT, INT]),
    ("empty prod", lambda L, x: x[:, :0].prod(1), [FLOAT, INT]),
    ("empty prod all", lambda L, x: x[:0].prod(), [FLOAT]),
    ("empty topk", lambda L, x: x.topk(0), [FLOAT]),
    ("empty any", lambda L, x: x[:0].any(0), [FLOAT, BOOL]),
    ("empty median", lambda L, x: x[:0].median(), [FLOAT]),
    ("empty cummax", lambda L, x: x[:, :0].cummax(1), [FLOAT]),
    ("empty unique", lambda L, x: x[:0].unique(return_counts=True), [FLOAT]),
    ("empty count_nonzero", lambda L, x: x[:0].count_nonzero(0), [FLOAT]),
]


def _flat(out):
    return list(out) if isinstance(out, tuple) else [out]


def _check_same(out, ref):
    outs, refs = _flat(out), _flat(ref)
    assert len(outs) == len(refs)
    assert type(out).__name__ == type(ref).__name__
    for o, r in zip(outs, refs):
        assert str(o.dtype).split(".")[-1] == str(r.dtype).split(".")[-1]
        assert tuple(o.shape) == tuple(r.shape)
        np.testing.assert_allclose(o.detach().numpy().astype(np.float64),
                                   r.detach().numpy().astype(np.float64), rtol=1e-6,
                                   equal_nan=True)


@pytest.mark.parametrize("name,fn,inputs", CALLS, ids=[c[0] for c in CALLS])
def test_matches_torch(name, fn, inputs):
    torch = pytest.importorskip("torch")
    for a in inputs:
        _check_same(fn(tinytorch, tinytorch.tensor(a)), fn(torch, torch.tensor(a)))


@pytest.mark.parametrize("n", [5, 17, 40, 300])
def test_ties_land_where_torchs_do(n):
    """sort (stable or not), topk, kthvalue, median and mode give torch's indices among
    equal values and NaNs, in long slices too (std::sort, nth_element, partial_sort)."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(n)
    a = rng.integers(0, 4, (3, n)).astype(np.float64)
    a[rng.random(a.shape) < 0.1] = NAN
    calls = [lambda L, x: x.sort(1), lambda L, x: x.sort(1, descending=True),
             lambda L, x: x.sort(dim=1, stable=True), lambda L, x: x.topk(max(1, n // 3)),
             lambda L, x: x.topk(1), lambda L, x: x.topk(n // 2 + 1, largest=False),
             lambda L, x: x.topk(3, sorted=False), lambda L, x: x.kthvalue(n // 2 + 1),
             lambda L, x: x.median(1), lambda L, x: x.mode(1), lambda L, x: x.cummax(1)]
    for dt in ("float64", "float32", "int64"):
        b = a if dt != "int64" else np.nan_to_num(a, nan=7)
        for fn in calls:
            _check_same(fn(tinytorch, tinytorch.tensor(b, dtype=getattr(tinytorch, dt))),
                        fn(torch, torch.tensor(b, dtype=getattr(torch, dt))))


def test_searchsorted_and_bucketize_match_torch():
    torch = pytest.importorskip("torch")
    seq = np.array([1.0, 2.0, 2.0, 3.0, NAN])
    vals = np.array([[2.0, NAN, 0.0, 5.0, 2.5], [1.0, 3.0, 2.0, -1.0, 3.5]])
    seq2 = np.array([[1, 3, 5], [2, 4, 6]])
    calls = [
        lambda L: L.searchsorted(L.tensor(seq), L.tensor(vals)),
        lambda L: L.searchsorted(L.tensor(seq), L.tensor(vals), right=True),
        lambda L: L.searchsorted(L.tensor(seq), L.tensor(vals), side="right"),
        lambda L: L.searchsorted(L.tensor(seq), 2.0),
        lambda L: L.searchsorted(L.tensor(seq), L.tensor(2.0)),
        lambda L: L.searchsorted(L.tensor(seq2), L.tensor([[3], [3]]), out_int32=True),
        lambda L: L.searchsorted(L.tensor(seq2), L.tensor([[0, 7], [4, 4]]), right=True),
        lambda L: L.searchsorted(L.tensor([3, 1, 2]), L.tensor([2, 0]),
                                 sorter=L.tensor([1, 2, 0])),
        lambda L: L.searchsorted(L.tensor(seq[:0]), L.tensor(vals)),
        lambda L: L.bucketize(L.tensor(vals), L.tensor(seq)),
        lambda L: L.bucketize(L.tensor(vals), L.tensor(seq), right=True, out_int32=True),
        lambda L: L.bucketize(L.tensor([[1, 5], [3, 3]]), L.tensor([1, 3, 5])),
    ]
    for fn in calls:
        _check_same(fn(tinytorch), fn(torch))


ERRORS = [
    ("prod dims", lambda L, x: x.prod((0, 1))),
    ("prod dim range", lambda L, x: x.prod(2)),
    ("cumsum no dim", lambda L, x: x.cumsum()),
    ("sort dim", lambda L, x: x.sort(3)),
    ("topk k", lambda L, x: x.topk(5)),
    ("topk negative k", lambda L, x: x.topk(-1)),
    ("kthvalue k", lambda L, x: x.kthvalue(5)),
    ("kthvalue 0", lambda L, x: x.kthvalue(0)),
    ("median empty dim", lambda L, x: x[:, :0].median(1)),
    ("mode empty dim", lambda L, x: x[:, :0].mode(1)),
    ("kthvalue empty dim", lambda L, x: x[:, :0].kthvalue(1, 1)),
    ("sum axis and dim", lambda L, x: x.sum(0, axis=1)),
    ("nanmean int", lambda L, x: x.argsort().nanmean()),
    ("searchsorted side", lambda L, x: L.searchsorted(x[0], x, side="middle")),
    ("searchsorted sides", lambda L, x: L.searchsorted(x[0], x, side="left", right=True)),
    ("searchsorted dims", lambda L, x: L.searchsorted(x, x[:2, :1].t())),
    ("bucketize 2-d", lambda L, x: L.bucketize(x, x)),
    ("aminmax empty", lambda L, x: L.aminmax(x[:0])),
    ("norm axis", lambda L, x: x.norm(axis=0)),
    ("logcumsumexp int", lambda L, x: x.argsort().logcumsumexp(0)),
    ("logcumsumexp bool", lambda L, x: (x > 0).logcumsumexp(0)),
]


@pytest.mark.parametrize("name,fn", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_match_torch(name, fn):
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as theirs:
        fn(torch, torch.tensor(FLOAT))
    with pytest.raises(Exception) as ours:
        fn(tinytorch, tinytorch.tensor(FLOAT))
    assert issubclass(ours.type, theirs.type), (ours.value, theirs.value)
    if not issubclass(theirs.type, TypeError):  # the same first words (TypeErrors: Python's)
        assert str(theirs.value).splitlines()[0][:30] in str(ours.value)


# --- without torch --------------------------------------------------------------------

def test_return_types_have_names():
    x = tinytorch.tensor([[3.0, 1.0, 2.0]])
    s = x.sort()
    assert s.values.tolist() == [[1.0, 2.0, 3.0]] and s.indices.tolist() == [[1, 2, 0]]
    assert isinstance(s, tinytorch.return_types.sort)
    assert repr(s).startswith("tinytorch.return_types.sort(")
    mm = tinytorch.aminmax(x)
    assert (mm.min.item(), mm.max.item()) == (1.0, 3.0)
    assert "min=" in repr(mm)
    for r in (x.topk(1), x.kthvalue(1), x.median(1), x.mode(1), x.cummax(1), x.cummin(1)):
        values, indices = r
        assert r.values is values and r.indices is indices


def test_prod_gradient_with_zeros():
    """One zero: the gradient there is the product of the others, 0 elsewhere; two zeros:
    0 everywhere; second derivatives through the zero."""
    x = tinytorch.tensor([2.0, 0.0, 3.0], requires_grad=True)
    x.prod().backward()
    assert x.grad.tolist() == [0.0, 6.0, 0.0]
    y = tinytorch.tensor([[2.0, 0.0, 0.0], [1.0, 2.0, 3.0]], requires_grad=True)
    y.prod(1).sum().backward()
    assert y.grad.tolist() == [[0.0, 0.0, 0.0], [6.0, 3.0, 2.0]]
    z = tinytorch.tensor([2.0, 0.0, 3.0], requires_grad=True)
    (g,) = tinytorch.autograd.grad(z.prod(), z, create_graph=True)
    (h,) = tinytorch.autograd.grad(g[1], z)
    assert h.tolist() == [3.0, 0.0, 2.0]


def test_cumprod_gradient_with_zeros():
    x = tinytorch.tensor([2.0, 0.0, 3.0, 4.0], requires_grad=True)
    x.cumprod(0).sum().backward()
    # d/dx1 of (x0 + x0x1 + x0x1x2 + x0x1x2x3) at x1 = 0: x0 + x0x2 + x0x2x3
    assert x.grad.tolist() == [1.0, 2 + 6 + 24, 0.0, 0.0]


def test_inplace_cumulative():
    x = tinytorch.tensor([1.0, 2.0, 3.0])
    assert x.cumsum_(0) is x and x.tolist() == [1.0, 3.0, 6.0]
    assert x.cumprod_(0).tolist() == [1.0, 3.0, 18.0]


def test_aliases():
    x = tinytorch.tensor([[1.0, 5.0], [3.0, 2.0]])
    assert x.max(axis=1, keepdims=True).values.tolist() == [[5.0], [3.0]]
    assert x.amax(axis=0).tolist() == [3.0, 5.0]
    assert tinytorch.any(x > 4, axis=0).tolist() == [False, True]
    assert x.prod(axis=0).tolist() == [3.0, 10.0]
    with pytest.raises(TypeError):
        x.max(0, axis=1)


GRAD_FNS = ["x.sort(1)[0]", "x.topk(1)[0]", "x.kthvalue(1)[0]", "x.median(1)[0]", "x.mode(1)[0]",
            "x.cummax(1)[0]", "x.cummin(0)[0]", "x.prod()", "x.prod(0)", "x.cumsum(0)",
            "x.cumprod(0)", "x.logcumsumexp(0)", "x.median()", "x.msort()",
            "x.sort(0, descending=True)[0]", "x.cumsum(1).prod(1)"]


@pytest.mark.parametrize("expr", GRAD_FNS)
def test_grad_fn_names_match_torch(expr):
    torch = pytest.importorskip("torch")
    got = [type(eval(expr, {"x": L.tensor([[3.0, 1.0], [0.0, 5.0]], requires_grad=True)})
                .grad_fn).__name__ for L in (tinytorch, torch)]
    assert got[0] == got[1]
