"""Op-table cases for tinytorch/_decomp.py's ops (torch.linalg) (issue 12); op_cases.CASES
includes them.

Written as op_cases.py's cases are: ``Case(name, fn(L, *inputs), *makers)``.  The table holds
the norms; the factorizations (det, inv, solve, cholesky, qr, svd, eigh, pinv, lstsq) are in
``DECOMP_CASES``, run by tests/test_ops_decomp.py through the same checks but for the special
values ±inf and NaN, whose propagation through LAPACK's pivoting and iterations is the
library's own (numpy's LAPACK is not torch's).

Matrices are built inside ``fn`` so that finite differences keep them well-conditioned:
``_well`` adds n·I to entries in [-1, 1] (strictly diagonally dominant, so invertible),
``_spd`` makes x xᵀ + n·I (symmetric positive-definite), ``_sym`` x + xᵀ (symmetric; eigh
reads one triangle).  Decompositions whose factors are unique only up to signs (svd, eigh)
are checked through sign-invariant results (U Vh, V∘V, singular values).
"""
from op_cases import Case, U

W = dict(lo=-1.0, hi=1.0)


def _eye(L, x):
    n = x.shape[-1]
    return L.eye(n, dtype=x.dtype) * n


def _well(L, x):
    return x + _eye(L, x)


def _spd(L, x):
    return x @ x.mT + _eye(L, x)


def _sym(L, x):
    return x + x.mT


def _norm_cases():
    s3 = (2, 3, 4)
    vn = "linalg.vector_norm"
    return [
        Case(vn, lambda L, x: L.linalg.vector_norm(x), U(3, 4)),
        Case(f"{vn} ord 1 dim", lambda L, x: L.linalg.vector_norm(x, 1, dim=1), U(*s3)),
        Case(f"{vn} ord 3 dims keepdim",
             lambda L, x: L.linalg.vector_norm(x, 3, dim=(0, -1), keepdim=True), U(*s3)),
        Case(f"{vn} ord 0.5", lambda L, x: L.linalg.vector_norm(x, 0.5, dim=-1), U(*s3)),
        Case(f"{vn} ord 1.5", lambda L, x: L.linalg.vector_norm(x, 1.5, dim=(1, 2)), U(*s3)),
        Case(f"{vn} ord -1", lambda L, x: L.linalg.vector_norm(x, -1, dim=0), U(*s3)),
        Case(f"{vn} ord inf", lambda L, x: L.linalg.vector_norm(x, float("inf"), dim=-2),
             U(*s3)),
        Case(f"{vn} ord -inf", lambda L, x: L.linalg.vector_norm(x, -float("inf")), U(*s3)),
        Case(f"{vn} ord 0", lambda L, x: L.linalg.vector_norm(x, 0, dim=1) * x.sum(), U(3, 4)),
        Case(f"{vn} 0-d", lambda L, x: L.linalg.vector_norm(x), U()),
        Case(f"{vn} empty", lambda L, x: L.linalg.vector_norm(x, dim=0), U(0, 3)),
        Case(f"{vn} keepdim all", lambda L, x: L.linalg.vector_norm(x, keepdim=True), U(*s3)),
        Case("linalg.norm", lambda L, x: L.linalg.norm(x), U(*s3)),
        Case("linalg.norm ord 1 dim", lambda L, x: L.linalg.norm(x, 1, dim=-1), U(*s3)),
        Case("linalg.norm 2-D ord inf", lambda L, x: L.linalg.norm(x, float("inf")), U(3, 4)),
        Case("linalg.norm 1-D ord 3", lambda L, x: L.linalg.norm(x, 3), U(5)),
        Case("linalg.norm fro dims", lambda L, x: L.linalg.norm(x, "fro", dim=(0, 2)), U(*s3)),
        Case("linalg.matrix_norm", lambda L, x: L.linalg.matrix_norm(x), U(*s3)),
        Case("linalg.matrix_norm 1", lambda L, x: L.linalg.matrix_norm(x, 1), U(*s3)),
        Case("linalg.matrix_norm -1", lambda L, x: L.linalg.matrix_norm(x, -1), U(*s3)),
        Case("linalg.matrix_norm inf dims", lambda L, x: L.linalg.matrix_norm(
            x, float("inf"), dim=(0, 2)), U(*s3)),
        Case("linalg.matrix_norm -inf keepdim", lambda L, x: L.linalg.matrix_norm(
            x, -float("inf"), keepdim=True), U(*s3)),
    ]


CASES = _norm_cases()


def _det_inv_cases():
    s3 = (2, 3, 4)
    return [
        Case("linalg.norm nuc", lambda L, x: L.linalg.norm(x, "nuc"), U(4, 3)),
        Case("linalg.matrix_norm nuc", lambda L, x: L.linalg.matrix_norm(x, "nuc"), U(*s3)),
        Case("linalg.matrix_norm 2", lambda L, x: L.linalg.matrix_norm(x, 2), U(*s3)),
        Case("linalg.matrix_norm -2 keepdim",
             lambda L, x: L.linalg.matrix_norm(x, -2, keepdim=True), U(*s3)),
        Case("linalg.det", lambda L, x: L.linalg.det(_well(L, x)), U(3, 3, **W)),
        Case("linalg.det batched", lambda L, x: L.linalg.det(_well(L, x)), U(2, 3, 3, **W)),
        Case("linalg.det 2x2", lambda L, x: L.linalg.det(x), U(2, 2)),
        Case("linalg.det empty batch", lambda L, x: L.linalg.det(_well(L, x)), U(0, 3, 3)),
        Case("det", lambda L, x: L.det(_well(L, x)) + _well(L, x).det(), U(2, 3, 3, **W)),
        Case("linalg.slogdet", lambda L, x: L.linalg.slogdet(_well(L, x)).logabsdet,
             U(2, 3, 3, **W)),
        Case("linalg.slogdet negative", lambda L, x: L.linalg.slogdet(-_well(L, x))[1],
             U(3, 3, **W)),
        Case("slogdet", lambda L, x: L.slogdet(_well(L, x))[1] + (-_well(L, x)).slogdet()[1],
             U(2, 2, **W)),
        Case("logdet", lambda L, x: _spd(L, x).logdet() + L.logdet(_spd(L, x)), U(2, 3, 3)),
        Case("linalg.inv", lambda L, x: L.linalg.inv(_well(L, x)), U(3, 3, **W)),
        Case("linalg.inv batched", lambda L, x: L.linalg.inv(_well(L, x)), U(2, 1, 3, 3, **W)),
        Case("inverse", lambda L, x: _well(L, x).inverse() + L.inverse(x + 5), U(2, 2, **W)),
        Case("linalg.inv_ex", lambda L, x: L.linalg.inv_ex(_well(L, x)).inverse,
             U(3, 3, **W)),
        Case("linalg.solve", lambda L, a, b: L.linalg.solve(_well(L, a), b),
             U(3, 3, **W), U(3, 2)),
        Case("linalg.solve broadcast", lambda L, a, b: L.linalg.solve(_well(L, a), b),
             U(2, 3, 3, **W), U(3, 4)),
        Case("linalg.solve broadcast A", lambda L, a, b: L.linalg.solve(_well(L, a), b),
             U(3, 3, **W), U(2, 1, 3, 2)),
        Case("linalg.solve vector", lambda L, a, b: L.linalg.solve(_well(L, a), b),
             U(3, 3, **W), U(3)),
        Case("linalg.solve batch of vectors", lambda L, a, b: L.linalg.solve(_well(L, a), b),
             U(2, 3, 3, **W), U(2, 3)),
        Case("linalg.solve left=False",
             lambda L, a, b: L.linalg.solve(_well(L, a), b, left=False),
             U(3, 3, **W), U(2, 3)),
        Case("linalg.matrix_exp", lambda L, x: L.linalg.matrix_exp(x), U(3, 3)),
        Case("linalg.matrix_exp batched", lambda L, x: L.linalg.matrix_exp(x * 3), U(2, 2, 2)),
        Case("matrix_exp", lambda L, x: x.matrix_exp() + L.matrix_exp(x.mT), U(4, 4, **W)),
        Case("linalg.matrix_power 3", lambda L, x: L.linalg.matrix_power(x, 3), U(2, 3, 3)),
        Case("matrix_power -2", lambda L, x: _well(L, x).matrix_power(-2)
             + L.matrix_power(x, 1), U(3, 3, **W)),
    ]


def _factor_cases():
    chol = "linalg.cholesky"
    return [
        Case(chol, lambda L, x: L.linalg.cholesky(_spd(L, x)), U(3, 3)),
        Case(f"{chol} batched", lambda L, x: L.linalg.cholesky(_spd(L, x)), U(2, 4, 4)),
        Case(f"{chol} upper", lambda L, x: L.linalg.cholesky(_spd(L, x), upper=True),
             U(3, 3)),
        Case("cholesky", lambda L, x: L.cholesky(_spd(L, x)) + _spd(L, x).cholesky(upper=True),
             U(3, 3)),
        Case("linalg.cholesky_ex", lambda L, x: L.linalg.cholesky_ex(_spd(L, x)).L, U(3, 3)),
        Case("linalg.qr Q", lambda L, x: L.linalg.qr(x).Q, U(4, 3)),
        Case("linalg.qr R", lambda L, x: L.linalg.qr(x)[1], U(2, 4, 3)),
        Case("linalg.qr square", lambda L, x: L.linalg.qr(_well(L, x)).Q, U(3, 3, **W)),
        Case("linalg.qr wide Q", lambda L, x: L.linalg.qr(x).Q, U(3, 5)),
        Case("linalg.qr wide R", lambda L, x: L.linalg.qr(x).R, U(3, 5)),
        Case("linalg.qr complete square",
             lambda L, x: L.linalg.qr(x, mode="complete").R, U(3, 3)),
        Case("qr", lambda L, x: L.qr(x)[0] + x.qr().R.sum(), U(4, 3)),
        Case("linalg.eigh values", lambda L, x: L.linalg.eigh(_sym(L, x)).eigenvalues,
             U(2, 4, 4)),
        Case("linalg.eigh vectors", lambda L, x: L.linalg.eigh(_sym(L, x))[1] ** 2,
             U(2, 4, 4)),
        Case("linalg.eigh both", lambda L, x: (lambda r: r[1] ** 2 * r[0].unsqueeze(-2))(
            L.linalg.eigh(_sym(L, x), UPLO="U")), U(3, 3)),
        Case("linalg.eigvalsh", lambda L, x: L.linalg.eigvalsh(_sym(L, x)), U(4, 4)),
        Case("linalg.svd S", lambda L, x: L.linalg.svd(x)[1], U(4, 3)),
        Case("linalg.svd U Vh tall", lambda L, x: (lambda r: r.U @ r.Vh)(
            L.linalg.svd(x, full_matrices=False)), U(4, 3)),
        Case("linalg.svd U Vh wide", lambda L, x: (lambda r: r.U @ r.Vh)(
            L.linalg.svd(x, full_matrices=False)), U(2, 3, 5)),
        Case("linalg.svd full_matrices", lambda L, x: (lambda r: r.U[..., :3] @ r.Vh)(
            L.linalg.svd(x)), U(4, 3)),
        Case("linalg.svd U S", lambda L, x: (lambda r: r.U ** 2 * r.S.unsqueeze(-2))(
            L.linalg.svd(x, full_matrices=False)), U(3, 3)),
        Case("linalg.svd Vh only", lambda L, x: L.linalg.svd(x, full_matrices=False)[2] ** 2,
             U(3, 4)),
        Case("linalg.svdvals", lambda L, x: L.linalg.svdvals(x), U(2, 3, 4)),
        Case("svd", lambda L, x: (lambda r: r[0] @ r[2].mT * r[1].sum())(L.svd(x)), U(4, 3)),
        Case("svd method", lambda L, x: (lambda r: r.U @ r.V.mT)(x.svd()), U(3, 4)),
        Case("linalg.pinv", lambda L, x: L.linalg.pinv(x), U(4, 3)),
        Case("linalg.pinv wide batched", lambda L, x: L.linalg.pinv(x), U(2, 3, 4)),
        Case("linalg.pinv hermitian", lambda L, x: L.linalg.pinv(_spd(L, x), hermitian=True),
             U(3, 3)),
        Case("pinverse", lambda L, x: x.pinverse() + L.pinverse(x), U(3, 2)),
        Case("linalg.lstsq", lambda L, a, b: L.linalg.lstsq(a, b).solution, U(5, 3), U(5, 2)),
        Case("linalg.lstsq batched", lambda L, a, b: L.linalg.lstsq(a, b)[0],
             U(2, 4, 3), U(2, 4, 2)),
    ]


DECOMP_CASES = _det_inv_cases() + _factor_cases()
