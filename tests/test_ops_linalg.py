"""tinytorch/_linalg.py's ops (issue 12) beyond the op table: cdist (gradients once and
twice; torch cannot differentiate it twice, so it is not in the table), integer and bool
results, in-place variants, beta = 0, einsum's grammar, and argument errors (type and
message) against torch.  The differentiable cases are in op_cases_linalg.py."""
import math
import warnings

import numpy as np
import pytest

import tinytorch
from tinytorch.autograd import gradcheck, gradgradcheck

_RNG = np.random.default_rng(0)


def _t(L, *shape, dtype="float64", requires_grad=False, lo=-2.0, hi=2.0, seed=0):
    a = np.random.default_rng(seed + len(shape)).uniform(lo, hi, shape)
    return L.tensor(a, dtype=getattr(L, dtype), requires_grad=requires_grad)


# --- torch-free checks ------------------------------------------------------------------

def test_exports_and_methods():
    for name in ("addmm", "addmv", "addmv_", "addbmm", "baddbmm", "addr", "outer", "ger",
                 "cross", "einsum", "tensordot", "kron", "trace", "cdist"):
        assert callable(getattr(tinytorch, name)), name
    for name in ("addmm", "addmm_", "addmv", "addmv_", "addbmm", "addbmm_", "baddbmm",
                 "baddbmm_", "addr", "addr_", "outer", "ger", "cross", "kron", "trace"):
        assert callable(getattr(tinytorch.Tensor, name)), name


def test_addmm_values():
    m = tinytorch.tensor([[1.0, 2.0]])
    a = tinytorch.tensor([[1.0, 2.0, 3.0]])
    b = tinytorch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    assert tinytorch.addmm(m, a, b, beta=2, alpha=10).tolist() == [[42.0, 54.0]]


def test_beta_zero_ignores_nan_but_gives_a_zero_gradient():
    m = tinytorch.full((2, 3), float("nan"), requires_grad=True)
    a, b = tinytorch.ones(2, 4), tinytorch.ones(4, 3)
    out = tinytorch.addmm(m, a, b, beta=0)
    assert not out.isnan().any()
    out.sum().backward()
    assert m.grad.tolist() == [[0.0] * 3] * 2
    v = tinytorch.tensor([float("nan")] * 2)
    assert not tinytorch.addmv(v, a, tinytorch.ones(4), beta=0.0).isnan().any()
    assert not tinytorch.addr(m.detach(), tinytorch.ones(2), tinytorch.ones(3),
                              beta=0).isnan().any()


def test_in_place_variants_write_into_self():
    m = tinytorch.zeros(2, 3)
    assert m.addmm_(tinytorch.ones(2, 4), tinytorch.ones(4, 3)) is m
    assert m.tolist() == [[4.0] * 3] * 2
    v = tinytorch.ones(2)
    assert tinytorch.addmv_(v, tinytorch.ones(2, 4), tinytorch.ones(4), alpha=2) is v
    assert v.tolist() == [9.0, 9.0]
    m = tinytorch.ones(2, 3)
    m.addr_(tinytorch.ones(2), tinytorch.ones(3), beta=3)
    assert m.tolist() == [[4.0] * 3] * 2
    b = tinytorch.zeros(2, 2, 3)
    b.baddbmm_(tinytorch.ones(2, 2, 4), tinytorch.ones(2, 4, 3))
    assert b.tolist() == [[[4.0] * 3] * 2] * 2


def test_in_place_needs_the_result_shape():
    with pytest.raises(RuntimeError, match="Bad in-place call"):
        tinytorch.zeros(3).addmm_(tinytorch.ones(2, 4), tinytorch.ones(4, 3))


def test_einsum_against_numpy():
    a, b, c = _RNG.standard_normal((2, 3, 3)), _RNG.standard_normal((3, 4)), \
        _RNG.standard_normal((5, 1, 4))
    for eq, ops in [("bii->bi", [a]), ("bij,jk->bik", [a, b]), ("...ij,jk->...ik", [a, b]),
                    ("iij->j", [a.transpose(1, 2, 0)]), ("bij,jk,...k", [a, b, c]),
                    ("ij,ij->", [b, b])]:
        got = tinytorch.einsum(eq, *[tinytorch.tensor(x) for x in ops])
        np.testing.assert_allclose(got.numpy(), np.einsum(eq, *ops), rtol=1e-12)


def test_einsum_twice_differentiable_with_repeated_indices_and_ellipsis():
    x = tinytorch.tensor(_RNG.standard_normal((2, 3, 3)), requires_grad=True)
    w = tinytorch.tensor(_RNG.standard_normal((3, 3)), requires_grad=True)
    for eq in ("...ii,ij->...j", "bii,ij->", "b...i,ii->...b"):
        fn = lambda x, w, eq=eq: tinytorch.einsum(eq, x, w)  # noqa: E731
        assert gradcheck(fn, (x, w))
        assert gradgradcheck(fn, (x, w))


def test_integer_results():
    a = tinytorch.arange(6).reshape(2, 3)
    b = tinytorch.arange(12).reshape(3, 4)
    assert tinytorch.addmm(tinytorch.ones(2, 4, dtype=tinytorch.int64), a, b,
                           alpha=2).dtype == tinytorch.int64
    assert tinytorch.einsum("ij,jk", a, b).tolist() == (a.numpy() @ b.numpy()).tolist()
    assert tinytorch.trace(a.int()).dtype == tinytorch.int64
    assert tinytorch.kron(a, b).shape == (6, 12)
    assert tinytorch.tensordot(a, b, 1).tolist() == (a.numpy() @ b.numpy()).tolist()


# --- cdist: gradients once and twice (tinytorch only; torch has no double backward) ----

CDIST = [((3, 4), (5, 4), 2.0), ((2, 3, 4), (1, 5, 4), 2.0), ((3, 4), (2, 4), 1.0),
         ((2, 3, 2), (3, 2), 3.0), ((3, 2), (4, 2), 0.5), ((3, 2), (4, 2), math.inf),
         ((3, 2), (4, 2), 0.0), ((0, 2), (3, 2), 2.0), ((3, 0), (2, 0), 3.0)]


@pytest.mark.parametrize("s1,s2,p", CDIST, ids=repr)
def test_cdist_gradcheck_and_gradgradcheck(s1, s2, p):
    x1 = _t(tinytorch, *s1, requires_grad=True)
    x2 = _t(tinytorch, *s2, requires_grad=True, seed=7)
    fn = lambda a, b: tinytorch.cdist(a, b, p=p)  # noqa: E731
    assert gradcheck(fn, (x1, x2), eps=1e-6, atol=1e-5, rtol=1e-3)
    assert gradgradcheck(fn, (x1, x2), eps=1e-6, atol=1e-5, rtol=1e-3)


@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, 0.5, math.inf, 0.0])
def test_cdist_gradient_at_zero_distance_is_zero(p):
    x = tinytorch.tensor([[1.0, 2.0], [3.0, -1.0]], requires_grad=True)
    tinytorch.cdist(x, x.detach(), p=p).sum().backward()
    assert not x.grad.isnan().any()
    d = tinytorch.cdist(x, x.detach(), p=p)
    assert d[0, 0].item() == 0.0


# --- against torch ----------------------------------------------------------------------

def _torch():
    return pytest.importorskip("torch")


def _same(mine, theirs, rtol=1e-9):
    assert str(mine.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    assert tuple(mine.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(mine.detach().numpy().astype(np.float64),
                               theirs.detach().numpy().astype(np.float64), rtol=rtol,
                               atol=1e-12)


CDIST_TORCH = CDIST + [((3, 2), (4, 2), 2.0, "zeros"), ((30, 3), (28, 3), 2.0)]


@pytest.mark.parametrize("case", CDIST_TORCH, ids=repr)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_cdist_values_and_gradients_match_torch(case, dtype):
    torch = _torch()
    s1, s2, p = case[:3]
    out, grads = [], []
    for L in (tinytorch, torch):
        x1 = _t(L, *s1, dtype=dtype, requires_grad=True)
        x2 = _t(L, *s2, dtype=dtype, requires_grad=True, seed=7)
        if len(case) > 3:  # every row of x1 also in x2: zero distances
            x2 = L.cat([x1.detach(), x2.detach()]).requires_grad_()
        d = L.cdist(x1, x2, p=p, compute_mode="donot_use_mm_for_euclid_dist")
        g = np.random.default_rng(1).standard_normal(tuple(d.shape))
        d.backward(L.tensor(g, dtype=d.dtype))
        out.append(d)
        grads.append((x1.grad, x2.grad))
    rtol = 1e-9 if dtype == "float64" else 1e-4
    _same(out[0], out[1], rtol)
    for g, r in zip(grads[0], grads[1]):
        _same(g, r, rtol)


def test_cdist_inf_ties_each_take_the_whole_gradient_as_torch():
    torch = _torch()
    grads = []
    for L in (tinytorch, torch):
        x = L.tensor([[1.0, -1.0, 0.5]], dtype=L.float64, requires_grad=True)
        L.cdist(x, L.zeros(1, 3, dtype=L.float64), p=float("inf")).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(*grads)


def _bool_and_int_inputs(L):
    bm = L.tensor([[True, False, True], [False, False, True]])
    bv1, bv2 = L.tensor([True, False]), L.tensor([True, True, False])
    im = L.arange(6).reshape(2, 3)
    return bm, bv1, bv2, im


NON_FLOAT = [
    ("addr bool", lambda L: L.addr(*_bool_and_int_inputs(L)[:3])),
    ("addr bool beta False", lambda L: L.addr(*_bool_and_int_inputs(L)[:3], beta=False)),
    ("addr bool alpha 0", lambda L: L.addr(*_bool_and_int_inputs(L)[:3], alpha=0, beta=2)),
    ("addr int", lambda L: L.addr(L.arange(6).reshape(2, 3), L.arange(2), L.arange(3),
                                  beta=2, alpha=3)),
    ("addr promotes", lambda L: L.addr(L.ones(2, 3), L.ones(2, dtype=L.float64),
                                       L.arange(3))),
    ("addmm int", lambda L: L.addmm(L.arange(6).reshape(2, 3), L.arange(8).reshape(2, 4),
                                    L.arange(12).reshape(4, 3), beta=2, alpha=3)),
    ("addmm int float scalars", lambda L: L.addmm(L.arange(6).reshape(2, 3),
                                                  L.arange(8).reshape(2, 4),
                                                  L.arange(12).reshape(4, 3), beta=0.5,
                                                  alpha=2.5)),
    ("addmv int", lambda L: L.addmv(L.arange(2), L.arange(8).reshape(2, 4), L.arange(4))),
    ("baddbmm int", lambda L: L.baddbmm(L.arange(6).reshape(2, 3), L.ones(5, 2, 4).long(),
                                        L.ones(5, 4, 3).long())),
    ("addr int vectors float alpha", lambda L: L.addr(L.ones(2, 3), L.arange(2), L.arange(3),
                                                      alpha=0.5, beta=1.5)),
    ("addr promotes beta 0", lambda L: L.addr(L.ones(2, 3).long(), L.ones(2), L.arange(3.0),
                                              beta=0)),
    ("addr 0-d double input", lambda L: L.addr(L.tensor(2.0, dtype=L.float64), L.ones(2),
                                               L.ones(3))),
    ("outer int float", lambda L: L.outer(L.arange(3), L.ones(2))),
    ("outer bool", lambda L: L.outer(L.tensor([True, False]), L.tensor([True, True]))),
    ("ger int", lambda L: L.arange(3).ger(L.arange(2))),
    ("cross int", lambda L: L.cross(L.arange(6).reshape(2, 3), L.ones(2, 3).long(), dim=1)),
    ("kron int float", lambda L: L.kron(L.arange(4).reshape(2, 2), L.ones(2, 1))),
    ("kron bool", lambda L: L.kron(L.tensor([True, False]), L.tensor([[True], [True]]))),
    ("trace int32", lambda L: L.trace(L.arange(9, dtype=L.int32).reshape(3, 3))),
    ("trace float16", lambda L: L.trace(L.ones(3, 3, dtype=L.float16))),
    ("einsum int", lambda L: L.einsum("ij,jk->ik", L.arange(6).reshape(2, 3),
                                      L.arange(12).reshape(3, 4))),
    ("einsum int sum", lambda L: L.einsum("ij->i", L.arange(6, dtype=L.int32).reshape(2, 3))),
    ("einsum bool transpose", lambda L: L.einsum("ij->ji", L.ones(2, 3, dtype=L.bool))),
    ("einsum ellipsis of no dims", lambda L: L.einsum("ij->...", L.ones(2, 3))),
    ("einsum float16", lambda L: L.einsum("ij,j->i", L.ones(2, 3, dtype=L.float16),
                                          L.ones(3, dtype=L.float16))),
    ("tensordot int", lambda L: L.tensordot(L.arange(24).reshape(2, 3, 4),
                                            L.arange(12).reshape(3, 4), 2)),
    ("cdist float32", lambda L: L.cdist(L.ones(2, 3), L.zeros(4, 3))),
]


@pytest.mark.parametrize("name,fn", NON_FLOAT, ids=[n for n, _ in NON_FLOAT])
def test_values_and_dtypes_match_torch(name, fn):
    torch = _torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _same(fn(tinytorch), fn(torch))


def test_cross_without_dim_warns_and_uses_the_first_dim_of_size_3():
    torch = _torch()
    outs = []
    for L in (tinytorch, torch):
        a, b = _t(L, 2, 3, 3), _t(L, 2, 3, 3, seed=3)
        with pytest.warns(UserWarning, match="Using torch.cross without specifying the dim"):
            outs.append(L.cross(a, b))
    _same(*outs)


M, A, B = (2, 3), (2, 4), (4, 3)
ERRORS = [
    ("addmm input not tensor", lambda L: L.addmm(2.0, _t(L, *A), _t(L, *B))),
    ("addmm mat1 list", lambda L: L.addmm(_t(L, *M), [[1.0]], _t(L, *B))),
    ("addmm beta str", lambda L: L.addmm(_t(L, *M), _t(L, *A), _t(L, *B), beta="a")),
    ("addmm input 3-d", lambda L: L.addmm(_t(L, 1, 3, 1), _t(L, *A), _t(L, *B))),
    ("addmm input shape", lambda L: L.addmm(_t(L, 4), _t(L, *A), _t(L, *B))),
    ("addmm mat1 1-d", lambda L: L.addmm(_t(L, *M), _t(L, 4), _t(L, *B))),
    ("addmm mat2 1-d", lambda L: L.addmm(_t(L, *M), _t(L, *A), _t(L, 4))),
    ("addmm shapes", lambda L: L.addmm(_t(L, *M), _t(L, *A), _t(L, 3, 3))),
    ("addmm dtype input", lambda L: L.addmm(_t(L, *M, dtype="float32"), _t(L, *A),
                                            _t(L, *B))),
    ("addmm dtype mat1", lambda L: L.addmm(_t(L, *M), _t(L, *A, dtype="float32"),
                                           _t(L, *B))),
    ("addmm dtype mat2", lambda L: L.addmm(_t(L, *M), _t(L, *A), _t(L, *B,
                                                                      dtype="float32"))),
    ("addmm bool", lambda L: L.addmm(_t(L, *M) > 0, _t(L, *A) > 0, _t(L, *B) > 0)),
    ("addmm_ shape", lambda L: _t(L, 3).addmm_(_t(L, *A), _t(L, *B))),
    ("addmv shapes", lambda L: L.addmv(_t(L, 3), _t(L, *A), _t(L, 4))),
    ("addmv vec", lambda L: L.addmv(_t(L, 2), _t(L, *A), _t(L, 5))),
    ("addmv vec 2-d", lambda L: L.addmv(_t(L, 2), _t(L, *A), _t(L, 4, 1))),
    ("addmv input 2-d", lambda L: L.addmv(_t(L, 2, 1), _t(L, *A), _t(L, 4))),
    ("addmv dtype", lambda L: L.addmv(_t(L, 2, dtype="float32"), _t(L, *A), _t(L, 4))),
    ("addbmm batches", lambda L: L.addbmm(_t(L, *M), _t(L, 5, 2, 4), _t(L, 4, 4, 3))),
    ("addbmm k", lambda L: L.addbmm(_t(L, *M), _t(L, 5, 2, 4), _t(L, 5, 3, 3))),
    ("addbmm input 3-d", lambda L: L.addbmm(_t(L, 5, 2, 3), _t(L, 5, 2, 4),
                                            _t(L, 5, 4, 3))),
    ("addbmm dtype", lambda L: L.addbmm(_t(L, *M, dtype="float32"), _t(L, 5, 2, 4),
                                        _t(L, 5, 4, 3))),
    ("baddbmm batches", lambda L: L.baddbmm(_t(L, 5, 2, 3), _t(L, 5, 2, 4),
                                            _t(L, 4, 4, 3))),
    ("baddbmm input", lambda L: L.baddbmm(_t(L, 2, 2, 3), _t(L, 5, 2, 4), _t(L, 5, 4, 3))),
    ("baddbmm dtype", lambda L: L.baddbmm(_t(L, 5, 2, 3, dtype="float32"), _t(L, 5, 2, 4),
                                          _t(L, 5, 4, 3))),
    ("baddbmm bool", lambda L: L.baddbmm(_t(L, 5, 2, 3) > 0, _t(L, 5, 2, 4) > 0,
                                         _t(L, 5, 4, 3) > 0)),
    ("addr vec 2-d", lambda L: L.addr(_t(L, *M), _t(L, 2, 1), _t(L, 3))),
    ("addr input shape", lambda L: L.addr(_t(L, *M), _t(L, 2), _t(L, 4))),
    ("addr int float alpha", lambda L: L.addr(L.ones(2, 3).long(), L.ones(2).long(),
                                              L.ones(3).long(), alpha=0.5)),
    ("addr float bool beta", lambda L: L.addr(_t(L, *M), _t(L, 2), _t(L, 3), beta=True)),
    ("outer 2-d", lambda L: L.outer(_t(L, 3, 1), _t(L, 2))),
    ("outer vec2 0-d", lambda L: L.outer(_t(L, 3), _t(L))),
    ("outer number", lambda L: L.outer(_t(L, 3), 2)),
    ("ger 0-d", lambda L: L.ger(_t(L), _t(L, 2))),
    ("cross no dim of size 3", lambda L: L.cross(_t(L, 4, 1), _t(L, 1, 3))),
    ("cross other size", lambda L: L.cross(_t(L, 3, 1), _t(L, 1, 3))),
    ("cross ndim", lambda L: L.cross(_t(L, 4, 3), _t(L, 3), dim=1)),
    ("cross broadcast", lambda L: L.cross(_t(L, 4, 3), _t(L, 2, 3), dim=1)),
    ("cross dim range", lambda L: L.cross(_t(L, 3, 3), _t(L, 3, 3), dim=5)),
    ("cross dtype", lambda L: L.cross(_t(L, 3), _t(L, 3, dtype="float32"), dim=0)),
    ("kron number", lambda L: L.kron(_t(L, 2, 3), 2)),
    ("trace 1-d", lambda L: L.trace(_t(L, 3))),
    ("trace 3-d", lambda L: L.trace(_t(L, 2, 2, 2))),
    ("trace bool", lambda L: L.trace(_t(L, 2, 2) > 0)),
    ("tensordot sizes", lambda L: L.tensordot(_t(L, 2, 3, 4), _t(L, 3, 4, 5), 1)),
    ("tensordot negative", lambda L: L.tensordot(_t(L, 2, 3), _t(L, 3, 4), -1)),
    ("tensordot too many", lambda L: L.tensordot(_t(L, 2, 3), _t(L, 3, 4), 3)),
    ("tensordot list lengths", lambda L: L.tensordot(_t(L, 2, 3), _t(L, 3, 4), ([1], [0, 1]))),
    ("tensordot repeated dim", lambda L: L.tensordot(_t(L, 3, 3), _t(L, 3, 3),
                                                     ([1, 1], [0, 0]))),
    ("tensordot dim range", lambda L: L.tensordot(_t(L, 2, 3), _t(L, 3, 4), ([5], [0]))),
    ("tensordot float dims", lambda L: L.tensordot(_t(L, 2, 3), _t(L, 3, 4), 1.5)),
    ("tensordot pair of ints", lambda L: L.tensordot(_t(L, 2, 3), _t(L, 3, 4), (1, 0))),
    ("tensordot dtype", lambda L: L.tensordot(_t(L, 2, 3), _t(L, 3, 4, dtype="float32"), 1)),
    ("cdist 1-d", lambda L: L.cdist(_t(L, 4), _t(L, 5, 4))),
    ("cdist columns", lambda L: L.cdist(_t(L, 3, 4), _t(L, 5, 3))),
    ("cdist batch", lambda L: L.cdist(_t(L, 2, 3, 4), _t(L, 3, 5, 4))),
    ("cdist negative p", lambda L: L.cdist(_t(L, 3, 4), _t(L, 5, 4), p=-1)),
    ("cdist p str", lambda L: L.cdist(_t(L, 3, 4), _t(L, 5, 4), p="a")),
    ("cdist dtype", lambda L: L.cdist(_t(L, 3, 4), _t(L, 5, 4, dtype="float32"))),
    ("cdist long", lambda L: L.cdist(_t(L, 3, 4).long(), _t(L, 5, 4).long())),
    ("cdist half", lambda L: L.cdist(_t(L, 3, 4).half(), _t(L, 5, 4).half())),
    ("cdist compute_mode", lambda L: L.cdist(_t(L, 3, 4), _t(L, 5, 4), compute_mode="x")),
]

EINSUM_ERRORS = [("ij,jk->ik", 1), ("ij->ik", 1), ("ij->ii", 1), ("ijk->", 1), ("i->", 1),
                 ("i1->", 1), ("ii->i", 1), ("ij,ij->ij", 2), ("ij", 2),
                 ("ij...k,jk->...", 1), ("i..j->", 1), ("i...j...->", 1), ("ij->.", 1),
                 ("ij-", 1), ("ij,jk->ij->k", 2)]
ERRORS += [(f"einsum {eq!r}", lambda L, eq=eq, n=n: L.einsum(eq, *[_t(L, 2, 3),
                                                                   _t(L, 3, 4)][:n]))
           for eq, n in EINSUM_ERRORS]
ERRORS += [
    ("einsum ellipsis sizes", lambda L: L.einsum("...ij,...jk", _t(L, 2, 2, 3),
                                                 _t(L, 5, 3, 4))),
    ("einsum sublist ellipsis sizes", lambda L: L.einsum(_t(L, 2, 3), [..., 1], _t(L, 3, 4),
                                                         [1, ...])),
    ("einsum sublist range", lambda L: L.einsum(_t(L, 2, 3), [0, 52])),
    ("einsum no operands", lambda L: L.einsum("ij")),
    ("einsum nothing", lambda L: L.einsum()),
    ("einsum not a tensor", lambda L: L.einsum("ij", 3)),
    ("einsum dtype", lambda L: L.einsum("ij,jk", _t(L, 2, 3), _t(L, 3, 4, dtype="float32"))),
    ("einsum bool product", lambda L: L.einsum("ij,jk", _t(L, 2, 3) > 0, _t(L, 3, 4) > 0)),
]


def _message(e):
    return str(e).split("\n")[0]


@pytest.mark.parametrize("name,fn", ERRORS, ids=[n for n, _ in ERRORS])
def test_errors_match_torch(name, fn):
    """torch's exception type; its message too, where tinytorch's does not differ on
    purpose (dim errors name the op; a few shape errors of torch's come from its
    internal expand, tinytorch names the argument instead)."""
    torch = _torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as theirs:
            fn(torch)
        with pytest.raises(Exception) as mine:
            fn(tinytorch)
    assert mine.type is theirs.type, (mine.value, theirs.value)
    assert _message(theirs.value).split("(")[0] in _message(mine.value) or \
        name.startswith(("addmm mat1 list", "addmm beta str", "cross dim range",
                         "tensordot dim range", "cdist p str")), (mine.value, theirs.value)


def test_einsum_equation_errors_name_the_position():
    with pytest.raises(RuntimeError, match="invalid subscript given at index 1"):
        tinytorch.einsum("i1", tinytorch.ones(2, 2))
