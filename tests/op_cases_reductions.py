"""Op-table cases for tinytorch/_reductions.py's ops (issue 12); op_cases.CASES includes them.

Written as op_cases.py's cases are: Case(name, fn(L, *inputs), *makers).
"""
from op_cases import D, P, U, Case  # noqa: F401

s3 = (2, 3, 4)

CASES = [
    # torch's numpy-style aliases
    Case("sum axis keepdims", lambda L, x: x.sum(axis=1, keepdims=True), U(*s3)),
    Case("mean axis", lambda L, x: L.mean(x, axis=(0, 2)), U(*s3)),
    Case("amax axis", lambda L, x: x.amax(axis=-1, keepdims=True), D(*s3)),
    Case("max axis", lambda L, x: x.max(axis=1).values, D(*s3)),
    Case("var axis", lambda L, x: x.var(axis=2, keepdims=True), U(*s3)),
    Case("logsumexp axis", lambda L, x: x.logsumexp(axis=0), U(*s3)),
    Case("norm keepdim", lambda L, x: x.norm(dim=1, keepdim=True), U(3, 4)),
    # prod
    Case("prod", lambda L, x: x.prod(), U(3, 4)),
    Case("prod dim", lambda L, x: x.prod(1), U(*s3)),
    Case("prod -1 keepdim", lambda L, x: L.prod(x, -1, keepdim=True), U(*s3)),
    Case("prod 0-d", lambda L, x: x.prod(), U()),
    Case("prod 0-d dim", lambda L, x: x.prod(0), U()),
    # cumulative
    Case("cumsum", lambda L, x: x.cumsum(1), U(*s3)),
    Case("cumsum -1", lambda L, x: L.cumsum(x, dim=-1), U(*s3)),
    Case("cumsum 0-d", lambda L, x: x.cumsum(0), U()),
    Case("cumprod", lambda L, x: x.cumprod(1), U(*s3)),
    Case("cumprod 0", lambda L, x: L.cumprod(x, 0), U(5)),
    Case("logcumsumexp", lambda L, x: x.logcumsumexp(2), U(*s3)),
    Case("L.logcumsumexp", lambda L, x: L.logcumsumexp(x, 0), U(4, 3)),
    Case("cummax", lambda L, x: x.cummax(1).values, U(*s3)),
    Case("cummin", lambda L, x: L.cummin(x, -1)[0], U(*s3)),
    # sorting and selection
    Case("sort", lambda L, x: x.sort().values, U(*s3)),
    Case("sort dim 0 descending", lambda L, x: L.sort(x, 0, descending=True)[0], U(*s3)),
    Case("sort stable", lambda L, x: x.sort(dim=1, stable=True).values, U(*s3)),
    Case("sort 0-d", lambda L, x: x.sort().values, U()),
    Case("msort", lambda L, x: L.msort(x), U(4, 3)),
    Case("topk", lambda L, x: x.topk(2).values, U(*s3)),
    Case("topk smallest", lambda L, x: L.topk(x, 2, dim=1, largest=False)[0], U(*s3)),
    Case("kthvalue", lambda L, x: x.kthvalue(2, 1).values, U(*s3)),
    Case("kthvalue keepdim", lambda L, x: L.kthvalue(x, 3, -1, keepdim=True)[0], U(*s3)),
    Case("median", lambda L, x: x.median(), U(3, 4)),
    Case("median odd", lambda L, x: L.median(x), U(5)),
    Case("median dim", lambda L, x: x.median(1).values, U(*s3)),
    Case("median dim keepdim", lambda L, x: L.median(x, -1, keepdim=True)[0], U(*s3)),
    # mean/variance pairs and friends
    Case("var_mean", lambda L, x: L.var_mean(x, 1)[0] + L.var_mean(x, 1)[1], U(*s3)),
    Case("std_mean", lambda L, x: L.std_mean(x, dim=(0, 2), correction=0)[0]
         * L.std_mean(x)[1], U(*s3)),
    Case("aminmax", lambda L, x: L.aminmax(x).min + L.aminmax(x, dim=1).max.sum(), D(*s3)),
    Case("nansum", lambda L, x: L.nansum(x, 1), U(*s3)),
    Case("nansum all", lambda L, x: x.nansum(), U(3, 4)),
    Case("nanmean", lambda L, x: x.nanmean(dim=-1, keepdim=True), U(*s3)),
]

CASES += [
    Case("sort descending stable", lambda L, x: x.sort(dim=-1, descending=True,
                                                       stable=True).values, U(*s3)),
    Case("argsort gather", lambda L, x: x * x.argsort(1).to(x.dtype), U(*s3)),
    Case("topk unsorted", lambda L, x: x.topk(3, dim=0, sorted=False).values.sum(0), U(4, 3)),
    Case("topk 0-d", lambda L, x: x.topk(1).values, U()),
    Case("kthvalue 0-d", lambda L, x: x.kthvalue(1).values, U()),
    Case("median 0-d dim", lambda L, x: x.median(0).values, U()),
    Case("mode", lambda L, x: x.mode(1).values, U(*s3)),
    Case("mode keepdim", lambda L, x: L.mode(x, 0, keepdim=True).values, U(3, 4)),
    Case("cummax dim 0", lambda L, x: x.cummax(0).values, U(*s3)),
    Case("cummin 0-d", lambda L, x: x.cummin(0).values, U()),
    Case("logcumsumexp 0-d", lambda L, x: x.logcumsumexp(0), U()),
    Case("cumprod 0-d", lambda L, x: x.cumprod(-1), U()),
    Case("cumprod of cumsum", lambda L, x: x.cumsum(0).cumprod(1), U(3, 4)),
    Case("prod dim 0 of 1-d", lambda L, x: x.prod(0), U(6)),
    Case("nanmean all", lambda L, x: L.nanmean(x), U(3, 4)),
    Case("var_mean keepdim", lambda L, x: L.var_mean(x, -1, keepdim=True)[0], U(*s3)),
    Case("aminmax keepdim", lambda L, x: L.aminmax(x, dim=-1, keepdim=True).min, D(*s3)),
    Case("nansum dims", lambda L, x: x.nansum((0, 2)), U(*s3)),
]
