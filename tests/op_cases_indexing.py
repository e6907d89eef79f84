"""Op-table cases for tinytorch/_indexing.py's ops (issue 12); op_cases.CASES includes them.

Written as op_cases.py's cases are: ``Case(name, fn(L, *inputs), *makers)``.
"""
from op_cases import D, P, U, Case  # noqa: F401

_I2 = [[0, 3, 3], [2, 2, 1]]          # repeats along dim 1 of a (3, 4)
_I0 = [[2, 0, 1, 0], [0, 0, 2, 1]]    # along dim 0 of a (3, 4)


def _idx(L, rows):
    return L.tensor(rows, dtype=L.int64)


CASES = [
    Case("gather dim1", lambda L, x: L.gather(x, 1, _idx(L, _I2)), U(3, 4)),
    Case("gather dim0", lambda L, x: x.gather(0, _idx(L, _I0)), U(3, 4)),
    Case("gather dim-1", lambda L, x: x.gather(-1, _idx(L, [[1, 1, 0, 3]] * 3)), U(3, 4)),
    Case("gather smaller index", lambda L, x: x.gather(1, _idx(L, [[0], [3]])), U(3, 4)),
    Case("gather 3d", lambda L, x: x.gather(1, _idx(L, [[[0, 1], [2, 2]], [[1, 0], [0, 1]]])),
         U(2, 3, 2)),
    Case("gather 0-d", lambda L, x: x.gather(0, _idx(L, 0)), U()),
    Case("gather 0-d 1-d index", lambda L, x: x.gather(0, _idx(L, [0, 0])), U()),
    Case("gather empty", lambda L, x: x.gather(0, L.zeros(0, 4, dtype=L.int64)), U(3, 4)),
    Case("take_along_dim",
         lambda L, x: L.take_along_dim(x, _idx(L, [[0, 3], [2, 2], [1, 1]]), 1), U(3, 4)),
    Case("take_along_dim bcast", lambda L, x: x.take_along_dim(_idx(L, [[0], [1], [0]]), 1),
         U(1, 4)),
    Case("take_along_dim bcast idx", lambda L, x: x.take_along_dim(_idx(L, [[1, 0, 0]]), -2),
         U(2, 3)),
    Case("take_along_dim flat", lambda L, x: x.take_along_dim(_idx(L, [[0, 11], [5, 5]])),
         U(3, 4)),
    Case("scatter_add dim1", lambda L, x, s: L.scatter_add(x, 1, _idx(L, _I2), s),
         U(3, 4), U(2, 3)),
    Case("scatter_add dim0", lambda L, x, s: x.scatter_add(0, _idx(L, _I0), s),
         U(3, 4), U(2, 4)),
    Case("scatter_add smaller index", lambda L, x, s: x.scatter_add(-1, _idx(L, [[0], [3]]), s),
         U(3, 4), U(2, 1)),
    Case("scatter_add 0-d", lambda L, x, s: x.scatter_add(0, _idx(L, 0), s), U(), U()),
    Case("scatter_add_", lambda L, x, s: (x * 1).scatter_add_(1, _idx(L, _I2), s),
         U(3, 4), U(2, 3)),
    Case("index_select", lambda L, x: L.index_select(x, 1, _idx(L, [0, 3, 3, 1])), U(3, 4)),
    Case("index_select dim0", lambda L, x: x.index_select(0, _idx(L, [2, 2])), U(3, 4)),
    Case("index_select dim-1 0-d index", lambda L, x: x.index_select(-1, _idx(L, 2)), U(3, 4)),
    Case("index_select empty", lambda L, x: x.index_select(0, _idx(L, [])), U(3, 4)),
    Case("index_select 0-d", lambda L, x: x.index_select(0, _idx(L, [0])), U()),
    Case("masked_select", lambda L, x: L.masked_select(x, x > 0), U(3, 4)),
    Case("masked_select bcast mask",
         lambda L, x: x.masked_select(L.tensor([True, False, True, True])), U(3, 4)),
    Case("masked_select bcast input",
         lambda L, x: x.masked_select(L.tensor([[True, False], [True, True]])), U(2)),
    Case("masked_select none", lambda L, x: x.masked_select(x > 5), U(3, 4)),
    Case("masked_select 0-d", lambda L, x: x.masked_select(L.tensor(True)), U()),
]
