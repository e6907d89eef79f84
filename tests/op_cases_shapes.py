"""Op-table cases for tinytorch/_shapes.py's ops (issue 12); op_cases.CASES includes them.

Written as op_cases.py's cases are: Case(name, fn(L, *inputs), *makers).
"""
from op_cases import D, P, U, Case  # noqa: F401

_S3 = (2, 3, 4)

CASES = [
    Case("tril", lambda L, x: x.tril(), U(3, 4)),
    Case("tril -1 batched", lambda L, x: L.tril(x, -1), U(*_S3)),
    Case("triu 1", lambda L, x: x.triu(diagonal=1), U(4, 3)),
    # empty tensors are cut from non-empty inputs (the special-values table fills its inputs)
    Case("triu empty", lambda L, x: L.triu(x[:0]), U(2, 3)),
    Case("tril_ on a clone", lambda L, x: (x * 1).tril_(1), U(3, 4)),
    Case("triu_ on a view", lambda L, x: x * L.ones(1) + (x * 2)[:, :3].triu_().sum(), U(3, 4)),
    Case("flip", lambda L, x: x.flip(0, 2), U(*_S3)),
    Case("flip -1 tuple", lambda L, x: L.flip(x, (-1,)), U(*_S3)),
    Case("flip 0-d", lambda L, x: L.flip(x, [0]), U()),
    Case("fliplr flipud", lambda L, x: L.fliplr(x) + x.flipud() * 2, U(3, 3)),
    Case("roll flat", lambda L, x: x.roll(5), U(3, 4)),
    Case("roll dims", lambda L, x: L.roll(x, (1, -2), (0, -1)), U(*_S3)),
    Case("roll empty", lambda L, x: x[:0].roll(1, 0), U(2, 2)),
    Case("flip empty", lambda L, x: x[:, :0].flip(1).diagonal(), U(2, 2)),
    Case("rot90", lambda L, x: x.rot90(), U(3, 4)),
    Case("rot90 k dims", lambda L, x: L.rot90(x, 3, [1, -1]) + L.rot90(x, -1, (1, 2)), U(*_S3)),
    Case("rot90 2", lambda L, x: x.rot90(2, (0, 2)), U(*_S3)),
    Case("repeat_interleave int", lambda L, x: x.repeat_interleave(2), U(2, 3)),
    Case("repeat_interleave dim", lambda L, x: L.repeat_interleave(x, 3, dim=-1), U(2, 3)),
    Case("repeat_interleave tensor",
         lambda L, x: x.repeat_interleave(L.tensor([2, 0, 1]), dim=0), U(3, 2)),
    Case("repeat_interleave 0-d", lambda L, x: x.repeat_interleave(3), U()),
    Case("unfold", lambda L, x: x.unfold(1, 2, 1), U(2, 5)),
    Case("unfold step", lambda L, x: x.unfold(-1, 3, 2), U(*_S3[:2], 7)),
    Case("unfold gaps", lambda L, x: x.unfold(0, 1, 2), U(5, 2)),
    Case("unfold 0-d", lambda L, x: x.unfold(0, 1, 1), U()),
    Case("diagonal", lambda L, x: x.diagonal(), U(3, 4)),
    Case("diagonal offset dims", lambda L, x: L.diagonal(x, 1, -1, 0), U(*_S3)),
    Case("diagonal -offset", lambda L, x: x.diagonal(offset=-2, dim1=1, dim2=2), U(*_S3)),
    Case("diagonal past the end", lambda L, x: x.diagonal(5), U(3, 4)),
    Case("diag_embed", lambda L, x: x.diag_embed(), U(2, 3)),
    Case("diag_embed dims", lambda L, x: L.diag_embed(x, -1, 0, 2), U(2, 3)),
    Case("diag 1-d", lambda L, x: L.diag(x, 1), U(3)),
    Case("diag 2-d", lambda L, x: x.diag(-1), U(3, 4)),
    Case("diagflat", lambda L, x: L.diagflat(x) + x.diagflat().t(), U(2, 2)),
    Case("meshgrid ij", lambda L, a, b: sum(L.meshgrid(a, b, indexing="ij")) * 1, U(3), U(4)),
    Case("meshgrid xy", lambda L, a, b, c: L.meshgrid([a, b, c], indexing="xy")[2] * 2
         + L.meshgrid(a, b, c, indexing="xy")[0], U(2), U(3), U(4)),
    Case("meshgrid 0-d", lambda L, a, b: L.meshgrid(a, b, indexing="ij")[0] + 1, U(), U(2)),
    Case("narrow", lambda L, x: x.narrow(1, 1, 2), U(*_S3)),
    Case("narrow negative start", lambda L, x: L.narrow(x, -1, -3, 3), U(*_S3)),
    Case("movedim", lambda L, x: x.movedim(0, -1), U(*_S3)),
    Case("movedim tuple", lambda L, x: L.movedim(x, (0, 1), (2, 0)), U(*_S3)),
    Case("moveaxis", lambda L, x: L.moveaxis(x, -1, 0), U(*_S3)),
    Case("swapdims", lambda L, x: L.swapdims(x, 0, 2) + x.swapdims(0, 2), U(*_S3)),
    Case("tile", lambda L, x: x.tile(2), U(2, 3)),
    Case("tile more dims", lambda L, x: L.tile(x, (2, 1, 2)), U(2, 3)),
    Case("broadcast_to", lambda L, x: L.broadcast_to(x, (2, 3, 4)) * 1, U(3, 1)),
    Case("broadcast_tensors", lambda L, a, b: L.broadcast_tensors(a, b)[0]
         * L.broadcast_tensors(a, b)[1], U(3, 1), U(4)),
    # three 0-d inputs, each used once: the engine sums two 0-d gradients into a numpy scalar
    Case("atleast", lambda L, a, b, c: L.atleast_1d(a) + L.atleast_2d(b) + L.atleast_3d(c),
         U(), U(), U()),
    Case("atleast_3d 1-d 2-d", lambda L, a, b: L.atleast_3d(a, b)[0] * L.atleast_3d([a, b])[1],
         U(3), U(1, 3)),
    Case("hstack", lambda L, a, b: L.hstack([a, b]), U(2), U(3)),
    Case("hstack 2-d", lambda L, a, b: L.hstack((a, b)), U(2, 1), U(2, 3)),
    Case("vstack", lambda L, a, b: L.vstack([a, b]), U(3), U(2, 3)),
    Case("dstack", lambda L, a, b: L.dstack([a, b]), U(3), U(1, 3, 2)),
    Case("column_stack", lambda L, a, b, c: L.column_stack([a, b, c]), U(3), U(3, 2), U(3)),
    Case("tensor_split sections", lambda L, x: L.cat([p * (i + 1) for i, p in
                                                      enumerate(x.tensor_split(3, 1))], 1),
         U(2, 7)),
    Case("tensor_split indices", lambda L, x: L.cat([p * (i + 1) for i, p in
                                                     enumerate(L.tensor_split(x, [1, 4, 2]))]),
         U(5, 2)),
    Case("unflatten", lambda L, x: L.unflatten(x, 1, (2, -1)), U(3, 4)),
]
