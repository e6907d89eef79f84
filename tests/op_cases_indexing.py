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

# --- scatter, scatter_reduce, index_add/copy/fill, masked_scatter, take -----------------

_U1 = [[0, 3, 1], [2, 1, 0]]           # no repeats within a row: along dim 1 of a (3, 4)
_U0 = [[2, 0, 1, 0], [0, 1, 2, 1]]     # no repeats within a column: along dim 0 of a (3, 4)
_M = [[True, False, True, False], [False, False, True, True], [True, True, False, False]]


def _mask(L, rows=_M):
    return L.tensor(rows)


def _reduce_cases():
    out = []
    for red in ("sum", "prod", "mean", "amax", "amin"):
        mk = D if red in ("amax", "amin") else U  # no ties: amax/amin's kinks
        for incl in (True, False):
            tag = f"{red}{'' if incl else ' no self'}"
            out += [
                Case(f"scatter_reduce {tag} dim1", lambda L, x, s, r=red, i=incl:
                     L.scatter_reduce(x, 1, _idx(L, _I2), s, r, include_self=i),
                     mk(3, 4), mk(2, 3)),
                Case(f"scatter_reduce {tag} dim0", lambda L, x, s, r=red, i=incl:
                     x.scatter_reduce(0, _idx(L, _I0), s, r, include_self=i),
                     mk(3, 4), mk(2, 4)),
            ]
        out.append(Case(f"scatter_reduce {red} dim-1 0-d", lambda L, x, s, r=red:
                        x.scatter_reduce(-1, _idx(L, [0, 0]), s, r), U(), U(2)))
    return out


CASES += [
    Case("scatter dim1", lambda L, x, s: L.scatter(x, 1, _idx(L, _U1), s), U(3, 4), U(2, 3)),
    Case("scatter dim0", lambda L, x, s: x.scatter(0, _idx(L, _U0), s), U(3, 4), U(2, 4)),
    Case("scatter dim-1 smaller index", lambda L, x, s: x.scatter(-1, _idx(L, [[0], [3]]), s),
         U(3, 4), U(2, 1)),
    Case("scatter value", lambda L, x: x.scatter(1, _idx(L, _U1), 1.5), U(3, 4)),
    Case("scatter value kw", lambda L, x: L.scatter(x, 0, _idx(L, _U0), value=-2), U(3, 4)),
    Case("scatter 0-d", lambda L, x, s: x.scatter(0, _idx(L, 0), s), U(), U()),
    Case("scatter_", lambda L, x, s: (x * 1).scatter_(1, _idx(L, _U1), s), U(3, 4), U(2, 3)),
    Case("scatter_ value", lambda L, x: (x * 1).scatter_(0, _idx(L, _U0), value=0.5),
         U(3, 4)),
    *_reduce_cases(),
    Case("scatter_reduce_", lambda L, x, s: (x * 1).scatter_reduce_(1, _idx(L, _I2), s, "sum"),
         U(3, 4), U(2, 3)),
    Case("scatter_reduce_ amax no self", lambda L, x, s: (x * 1).scatter_reduce_(
        0, _idx(L, _I0), s, "amax", include_self=False), D(3, 4), D(2, 4)),
    Case("index_add dim0", lambda L, x, s: L.index_add(x, 0, _idx(L, [0, 2, 0]), s),
         U(3, 4), U(3, 4)),
    Case("index_add dim-1 alpha", lambda L, x, s: x.index_add(-1, _idx(L, [1, 1, 3]), s,
                                                               alpha=-1.5), U(3, 4), U(3, 3)),
    Case("index_add 3d", lambda L, x, s: x.index_add(1, _idx(L, [2, 0, 2, 2]), s),
         U(2, 3, 2), U(2, 4, 2)),
    Case("index_add 0-d", lambda L, x, s: x.index_add(0, _idx(L, [0]), s), U(), U()),
    Case("index_add empty index", lambda L, x, s: x.index_add(1, _idx(L, []), s),
         U(3, 4), U(3, 0)),
    Case("index_add_", lambda L, x, s: (x * 1).index_add_(0, _idx(L, [1, 1]), s, alpha=2),
         U(3, 4), U(2, 4)),
    Case("index_copy dim0", lambda L, x, s: L.index_copy(x, 0, _idx(L, [2, 0]), s),
         U(3, 4), U(2, 4)),
    Case("index_copy dim-1", lambda L, x, s: x.index_copy(-1, _idx(L, [3, 0, 1]), s),
         U(3, 4), U(3, 3)),
    Case("index_copy 0-d index", lambda L, x, s: x.index_copy(1, _idx(L, 2), s),
         U(3, 4), U(3, 1)),
    Case("index_copy 0-d", lambda L, x, s: x.index_copy(0, _idx(L, [0]), s), U(), U()),
    Case("index_copy_", lambda L, x, s: (x * 1).index_copy_(1, _idx(L, [1]), s),
         U(3, 4), U(3, 1)),
    Case("index_fill", lambda L, x: L.index_fill(x, 1, _idx(L, [0, 2, 2]), 1.5), U(3, 4)),
    Case("index_fill negative", lambda L, x: x.index_fill(0, _idx(L, [-1, 0]), -2), U(3, 4)),
    Case("index_fill tensor value", lambda L, x, v: x.index_fill(1, _idx(L, [3, 1, 3]), v),
         U(3, 4), U()),
    Case("index_fill 0-d", lambda L, x, v: x.index_fill(0, _idx(L, 0), v), U(), U()),
    Case("index_fill_", lambda L, x, v: (x * 1).index_fill_(-1, _idx(L, [0]), v),
         U(2, 3, 2), U()),
    Case("masked_scatter", lambda L, x, s: L.masked_scatter(x, _mask(L), s),
         U(3, 4), U(6)),
    Case("masked_scatter big src", lambda L, x, s: x.masked_scatter(_mask(L), s),
         U(3, 4), U(3, 5)),
    Case("masked_scatter bcast mask", lambda L, x, s: x.masked_scatter(
        L.tensor([True, False, False, True]), s), U(3, 4), U(7)),
    Case("masked_scatter bcast input", lambda L, x, s: x.masked_scatter(_mask(L), s),
         U(4), U(2, 3)),
    Case("masked_scatter 0-d", lambda L, x, s: x.masked_scatter(L.tensor(True), s), U(), U()),
    Case("masked_scatter none", lambda L, x, s: x.masked_scatter(L.zeros(3, 4).bool(), s),
         U(3, 4), U(2)),
    Case("masked_scatter_", lambda L, x, s: (x * 1).masked_scatter_(_mask(L), s),
         U(3, 4), U(6)),
    Case("take", lambda L, x: L.take(x, _idx(L, [[0, -1], [11, 5], [5, 5]])), U(3, 4)),
    Case("take 0-d", lambda L, x: x.take(_idx(L, -1)), U()),
    Case("take empty", lambda L, x: x.take(_idx(L, [])), U(3, 4)),
]
