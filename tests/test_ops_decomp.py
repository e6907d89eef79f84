"""torch.linalg (tinytorch/_decomp.py): the factorizations' cases (op_cases_decomp.DECOMP_CASES)
through the op table's checks, and what the table cannot hold: named tuples, integer
results, argument and singular-matrix errors, against torch where it is importable."""
import warnings

import numpy as np
import pytest

import tinytorch
import op_cases  # noqa: F401 (first: it imports op_cases_decomp itself)
from op_cases_decomp import DECOMP_CASES
from second_order import assert_same_second_derivatives, leaves, second_derivatives
from tinytorch.autograd import gradcheck, gradgradcheck

inf = float("inf")


def _leaves(arrays, dtype=tinytorch.float64):
    return [tinytorch.tensor(a, dtype=dtype, requires_grad=True) for a in arrays]


# --- the factorizations through the op table's checks ---------------------------------------

@pytest.mark.parametrize("case", DECOMP_CASES, ids=repr)
def test_gradcheck(case):
    assert gradcheck(lambda *xs: case.fn(tinytorch, *xs), _leaves(case.arrays()), eps=1e-6,
                     atol=1e-5, rtol=1e-3)


@pytest.mark.parametrize("case", DECOMP_CASES, ids=repr)
def test_gradgradcheck(case):
    assert gradgradcheck(lambda *xs: case.fn(tinytorch, *xs), leaves(case.arrays(), tinytorch),
                         eps=1e-6, atol=1e-5, rtol=1e-3)


@pytest.mark.parametrize("case", DECOMP_CASES, ids=repr)
def test_float32_stays_float32(case):
    arrays = case.arrays()
    xs = _leaves(arrays, tinytorch.float32)
    out = case.fn(tinytorch, *xs)
    assert out.dtype == tinytorch.float32
    out.backward(tinytorch.ones_like(out))
    for x in xs:
        assert x.grad.dtype == tinytorch.float32 and x.grad.shape == x.shape


TOL = {"float64": dict(rtol=1e-9, atol=1e-11), "float32": dict(rtol=2e-5, atol=2e-6)}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", DECOMP_CASES, ids=repr)
def test_values_and_gradients_match_torch(case, dtype):
    torch = pytest.importorskip("torch")
    arrays = case.arrays()
    ours = [tinytorch.tensor(a, dtype=getattr(tinytorch, dtype), requires_grad=True)
            for a in arrays]
    theirs = [torch.tensor(a, dtype=getattr(torch, dtype), requires_grad=True) for a in arrays]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch.cholesky/qr/svd are deprecated
        out, ref = case.fn(tinytorch, *ours), case.fn(torch, *theirs)
    assert tuple(out.shape) == tuple(ref.shape)
    assert str(out.dtype).split(".")[-1] == str(ref.dtype).split(".")[-1]
    np.testing.assert_allclose(out.data, ref.detach().numpy(), **TOL[dtype])
    g = np.random.default_rng(1).standard_normal(tuple(ref.shape)).astype(dtype)
    out.backward(tinytorch.tensor(g))
    ref.backward(torch.tensor(g))
    for x, y in zip(ours, theirs):
        assert x.grad.shape == tuple(y.grad.shape)
        np.testing.assert_allclose(x.grad.data, y.grad.numpy(), **TOL[dtype])


@pytest.mark.parametrize("case", DECOMP_CASES, ids=repr)
def test_second_derivatives_match_torch(case):
    torch = pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        assert_same_second_derivatives(second_derivatives(tinytorch, case.fn, case.arrays()),
                                       second_derivatives(torch, case.fn, case.arrays()), 1e-7)


@pytest.mark.parametrize("case", DECOMP_CASES, ids=repr)
def test_finite_special_values_and_float16_match_torch(case):
    """test_special_values.py's variants but ±inf and NaN: zeros, ties, values on a grid (no
    numpy warning may leak), and float16, which torch's CPU linalg mostly refuses."""
    pytest.importorskip("torch")
    from test_special_values import Variant, check_variant
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for kind in ("zero", "ties", "grid"):
            check_variant(case, Variant(kind, "float64"))
        # torch runs no kernel, so no dtype check, on an empty batch; its half matrix_exp
        # overflows to inf/NaN where tinytorch's (computed in float32) does not
        if "empty" not in case.name and "matrix_exp" not in case.name:
            check_variant(case, Variant("plain", "float16"))


# --- named tuples, integer results -----------------------------------------------------------

def _m(values, dtype=tinytorch.float64):
    return tinytorch.tensor(values, dtype=dtype)


A = [[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]]


@pytest.mark.parametrize("expr,name,fields", [
    ("L.linalg.slogdet(a)", "linalg_slogdet", ("sign", "logabsdet")),
    ("L.slogdet(a)", "slogdet", ("sign", "logabsdet")),
    ("L.linalg.qr(a)", "linalg_qr", ("Q", "R")),
    ("L.qr(a)", "qr", ("Q", "R")),
    ("L.linalg.svd(a)", "linalg_svd", ("U", "S", "Vh")),
    ("L.svd(a)", "svd", ("U", "S", "V")),
    ("L.linalg.eigh(a)", "linalg_eigh", ("eigenvalues", "eigenvectors")),
    ("L.linalg.lstsq(a, a)", "linalg_lstsq", ("solution", "residuals", "rank",
                                              "singular_values")),
    ("L.linalg.inv_ex(a)", "linalg_inv_ex", ("inverse", "info")),
    ("L.linalg.cholesky_ex(a)", "linalg_cholesky_ex", ("L", "info")),
])
def test_named_tuples(expr, name, fields):
    r = eval(expr, {"L": tinytorch, "a": _m(A)})
    assert type(r).__name__ == name and r._fields == fields
    assert getattr(tinytorch.return_types, name) is type(r)
    assert repr(r).startswith(f"tinytorch.return_types.{name}(\n{fields[0]}=")
    for i, f in enumerate(fields):
        assert getattr(r, f) is r[i]


def test_values_without_torch():
    a = _m(A)
    np.testing.assert_allclose(tinytorch.linalg.det(a).item(), np.linalg.det(A))
    np.testing.assert_allclose((tinytorch.linalg.inv(a) @ a).numpy(), np.eye(3), atol=1e-14)
    low = tinytorch.linalg.cholesky(a)
    np.testing.assert_allclose((low @ low.mT).numpy(), A, atol=1e-14)
    w, v = tinytorch.linalg.eigh(a)
    np.testing.assert_allclose((v * w.unsqueeze(-2) @ v.mT).numpy(), A, atol=1e-14)
    u, s, vh = tinytorch.linalg.svd(a)
    np.testing.assert_allclose((u * s.unsqueeze(-2) @ vh).numpy(), A, atol=1e-14)
    q, r = tinytorch.linalg.qr(a)
    np.testing.assert_allclose((q @ r).numpy(), A, atol=1e-14)
    x = tinytorch.linalg.solve(a, _m([1.0, 2.0, 3.0]))
    np.testing.assert_allclose((a @ x).numpy(), [1, 2, 3], atol=1e-14)
    assert tinytorch.linalg.norm(_m([3.0, 4.0])).item() == 5.0
    assert tinytorch.linalg.vector_norm(_m([3.0, -4.0]), inf).item() == 4.0
    assert tinytorch.linalg.vector_norm(_m([3.0, 0.0]), 0).item() == 1.0
    assert tinytorch.linalg.matrix_power(a, 0).tolist() == np.eye(3).tolist()
    assert tinytorch.linalg.det(tinytorch.zeros(2, 0, 0)).tolist() == [1.0, 1.0]


def test_matrix_rank_and_lstsq_rank_are_int64():
    a = _m([[1.0, 2.0], [2.0, 4.0], [0.0, 0.0]])
    r = tinytorch.linalg.matrix_rank(a)
    assert r.dtype == tinytorch.int64 and r.item() == 1
    assert tinytorch.linalg.matrix_rank(_m(A), hermitian=True).item() == 3
    assert tinytorch.linalg.matrix_rank(_m(A), atol=3.0).item() == 1
    res = tinytorch.linalg.lstsq(_m(A), _m(A))
    assert res.rank.dtype == tinytorch.int64 and res.rank.item() == 3
    assert res.residuals.shape == (0,) and res.singular_values.shape == (0,)


def test_info_of_the_ex_functions():
    sing = _m([[[1.0, 2.0], [2.0, 4.0]], [[1.0, 0.0], [0.0, 1.0]]])
    assert tinytorch.linalg.inv_ex(sing).info.tolist() == [2, 0]
    assert tinytorch.linalg.inv_ex(sing).info.dtype == tinytorch.int32
    notpd = _m([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 2.0], [2.0, 1.0]]])
    assert tinytorch.linalg.cholesky_ex(notpd).info.tolist() == [0, 2]
    with pytest.raises(tinytorch.linalg.LinAlgError):
        tinytorch.linalg.cholesky_ex(notpd, check_errors=True)


# --- errors against torch --------------------------------------------------------------------

ERRORS = [
    "L.linalg.inv(L.tensor([[1., 2.], [2., 4.]]))",
    "L.linalg.inv(L.zeros(2, 3, 3))",
    "L.linalg.inv(L.zeros(2, 3))",
    "L.linalg.inv(L.zeros(3))",
    "L.linalg.inv(L.zeros(3, 3, dtype=L.int64))",
    "L.linalg.inv(L.eye(3, dtype=L.float16))",
    "L.linalg.det(L.zeros(3))",
    "L.linalg.det(L.eye(3, dtype=L.int64))",
    "L.linalg.cholesky(L.tensor([[1., 2.], [2., 1.]]))",
    "L.linalg.cholesky(L.tensor([[[1., 0.], [0., 1.]], [[1., 2.], [2., 1.]]]))",
    "L.linalg.cholesky(L.zeros(2, 3))",
    "L.linalg.eigh(L.zeros(2, 3))",
    "L.linalg.eigh(L.eye(3), UPLO='X')",
    "L.linalg.svd(L.zeros(3))",
    "L.linalg.svd(L.tensor([[1., float('nan')], [0., 1.]]))",
    "L.linalg.qr(L.eye(3), mode='X')",
    "L.linalg.solve(L.eye(3), L.ones(2))",
    "L.linalg.solve(L.eye(3), L.eye(3, dtype=L.float64))",
    "L.linalg.solve(L.zeros(3, 3), L.eye(3))",
    "L.linalg.matrix_norm(L.zeros(3))",
    "L.linalg.matrix_norm(L.zeros(3, 3), 'abc')",
    "L.linalg.matrix_norm(L.zeros(3, 3), 3)",
    "L.linalg.vector_norm(L.zeros(3, 3), 'fro')",
    "L.linalg.vector_norm(L.zeros(0), float('inf'))",
    "L.linalg.vector_norm(L.tensor([1, 2]))",
    "L.linalg.vector_norm(L.zeros(2, 3), dim=2)",
    "L.linalg.norm(L.ones(2, 3, 4), 2)",
    "L.linalg.pinv(L.zeros(3))",
]


@pytest.mark.parametrize("expr", ERRORS)
def test_errors_match_torch(expr):
    torch = pytest.importorskip("torch")
    caught = []
    for L in (tinytorch, torch):
        with pytest.raises(Exception) as info:
            eval(expr, {"L": L})
        caught.append(info.value)
    mine, theirs = caught
    assert isinstance(mine, type(theirs).__mro__[1] if type(theirs).__name__ in (
        "_LinAlgError", "NotImplementedError") else type(theirs)), (mine, theirs)
    if type(theirs).__name__ == "_LinAlgError":
        assert isinstance(mine, tinytorch.linalg.LinAlgError)
    assert str(theirs).split(". ")[0] in str(mine)


def test_backward_of_qr_mode_r_and_complete_tall_is_refused():
    x = tinytorch.ones(3, 2, dtype=tinytorch.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match="mode='r'"):
        tinytorch.linalg.qr(x + tinytorch.eye(3, 2, dtype=x.dtype), mode="r").R.sum().backward()
    with pytest.raises(RuntimeError, match="not differentiable when mode='complete'"):
        tinytorch.linalg.qr(x + tinytorch.eye(3, 2, dtype=x.dtype), "complete").Q.sum().backward()


@pytest.mark.parametrize("expr", [
    "L.linalg.matrix_rank(a)", "L.linalg.matrix_rank(a, hermitian=True)",
    "L.linalg.matrix_rank(a, rtol=0.3)", "L.linalg.lstsq(a, b).rank",
    "L.linalg.inv_ex(a).info", "L.linalg.cholesky_ex(a).info",
    "L.linalg.slogdet(-a).sign", "L.linalg.lstsq(a[:, :2], b)",
    "L.linalg.svd(a, full_matrices=False)[1]", "L.svd(a, compute_uv=False)",
    "L.linalg.matrix_power(a, -3)", "L.pinverse(a, rcond=0.3)",
    "L.linalg.pinv(a, atol=0.5)", "L.linalg.pinv(a, rtol=0.3, hermitian=True)",
])
def test_other_results_match_torch(expr):
    torch = pytest.importorskip("torch")
    res = []
    for L in (tinytorch, torch):
        a = L.tensor(A, dtype=L.float64)
        b = L.tensor([[1.0], [2.0], [3.0]], dtype=L.float64)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            r = eval(expr, {"L": L, "a": a, "b": b})
        res.append(r if isinstance(r, tuple) else (r,))
    for x, y in zip(*res):
        assert str(x.dtype).split(".")[-1] == str(y.dtype).split(".")[-1]
        assert tuple(x.shape) == tuple(y.shape)
        np.testing.assert_allclose(x.numpy().astype(float), y.numpy().astype(float),
                                   rtol=1e-9, atol=1e-12)


def test_det_gradient_at_a_singular_matrix_is_torchs():
    """First order: g·det·A⁻ᵀ with det = 0, so 0 (torch's LU shortcut); with create_graph the
    cofactor matrix through the SVD, differentiable again."""
    a = _m([[1.0, 2.0], [2.0, 4.0]]).requires_grad_()
    tinytorch.linalg.det(a).backward()
    assert a.grad.tolist() == [[0.0, 0.0], [0.0, 0.0]]
    (g,) = tinytorch.autograd.grad(tinytorch.linalg.det(a), a, create_graph=True)
    np.testing.assert_allclose(g.detach().numpy(), [[4, -2], [-2, 1]], atol=1e-12)
    (h,) = tinytorch.autograd.grad(g[0, 0] + 3 * g[1, 0], a)
    np.testing.assert_allclose(h.numpy(), [[0, -3], [0, 1]], atol=1e-12)


def test_logdet_of_negative_and_zero_determinants():
    r = tinytorch.logdet(_m([[[0.0, 1.0], [1.0, 0.0]], [[1.0, 1.0], [1.0, 1.0]],
                             [[2.0, 0.0], [0.0, 1.0]]]))
    assert np.isnan(r[0].item()) and r[1].item() == -inf
    np.testing.assert_allclose(r[2].item(), np.log(2))


def test_names_exist_where_torch_has_them():
    for name in ("det", "logdet", "slogdet", "inverse", "pinverse", "cholesky", "qr", "svd",
                 "matrix_power"):
        assert callable(getattr(tinytorch, name)) and callable(getattr(tinytorch.Tensor, name))
    for name in tinytorch.linalg.__all__:
        assert hasattr(tinytorch.linalg, name)
    assert issubclass(tinytorch.linalg.LinAlgError, RuntimeError)
