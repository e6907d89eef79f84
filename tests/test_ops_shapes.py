"""tinytorch/_shapes.py's ops (issue 12) beyond the op table: integer and bool results,
index makers, views and memory sharing, in-place variants, view(dtype), and argument errors
(type and first sentence of the message) against torch.  The differentiable cases are in
op_cases_shapes.py."""
import warnings

import numpy as np
import pytest

import tinytorch

_A = np.arange(24).reshape(2, 3, 4)
_F = np.random.default_rng(0).standard_normal((4, 4))


# --- torch-free checks ------------------------------------------------------------------

def test_views_share_memory_and_version():
    x = tinytorch.zeros(3, 4)
    for view in (x.diagonal(), x.narrow(1, 1, 2), x.movedim(0, 1), x.moveaxis(1, 0),
                 tinytorch.broadcast_to(x, (2, 3, 4)), tinytorch.atleast_3d(x),
                 tinytorch.broadcast_tensors(x, tinytorch.zeros(2, 1, 1))[0],
                 x.tensor_split(2, 1)[1], x.view(tinytorch.int32)):
        assert np.shares_memory(view.numpy(), x.numpy())
        v = x._version
        x.add_(1)
        assert view._version == v + 1


def test_copies_do_not_share_memory():
    x = tinytorch.zeros(3, 4)
    for out in (x.flip(0), x.roll(1), x.tril(), x.triu(), x.diag(), x.unfold(1, 2, 1),
                x.rot90(2), x.repeat_interleave(2), x.tile(2)):
        assert not np.shares_memory(out.numpy(), x.numpy())


def test_diagonal_is_writable_in_place():
    x = tinytorch.ones(3, 4)
    x.diagonal(1).fill_(0)
    assert x.tolist() == [[1, 0, 1, 1], [1, 1, 0, 1], [1, 1, 1, 0]]


def test_in_place_through_diagonal_reaches_the_gradient():
    w = tinytorch.ones(3, 3, requires_grad=True)
    y = w * 2
    y.diagonal().mul_(3)
    y.sum().backward()
    assert w.grad.tolist() == [[6, 2, 2], [2, 6, 2], [2, 2, 6]]


def test_tril_in_place():
    x = tinytorch.ones(3, 3)
    assert x.tril_(-1) is x
    assert x.tolist() == [[0, 0, 0], [1, 0, 0], [1, 1, 0]]
    x = tinytorch.ones(2, 3)
    x.triu_(1)
    assert x.tolist() == [[0, 1, 1], [0, 0, 1]]
    leaf = tinytorch.ones(2, 2, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        leaf.tril_()


def test_view_dtype_is_not_differentiable():
    x = tinytorch.ones(2, 2, requires_grad=True)
    y = x.view(tinytorch.int32)
    assert not y.requires_grad and y.grad_fn is None


def test_unfold_gradient_sums_overlapping_windows():
    x = tinytorch.ones(5, requires_grad=True)
    x.unfold(0, 3, 1).sum().backward()
    assert x.grad.tolist() == [1, 2, 3, 2, 1]


def test_meshgrid_warns_without_indexing():
    a = tinytorch.arange(2)
    with pytest.warns(UserWarning, match="indexing argument"):
        tinytorch.meshgrid(a, a)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tinytorch.meshgrid(a, a, indexing="xy")


# --- against torch ----------------------------------------------------------------------

def _torch():
    return pytest.importorskip("torch")


def _same(mine, theirs):
    if isinstance(theirs, (tuple, list)):
        assert isinstance(mine, tuple) == isinstance(theirs, tuple)
        assert len(mine) == len(theirs)
        for m, t in zip(mine, theirs):
            _same(m, t)
        return
    assert str(mine.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    assert tuple(mine.shape) == tuple(theirs.shape)
    np.testing.assert_array_equal(mine.numpy(), theirs.numpy())


VALUE_CASES = {
    "tril int": lambda L: L.tril(L.tensor(_A), 1),
    "triu bool": lambda L: L.tensor(_A > 5).triu(-1),
    "tril_indices": lambda L: L.tril_indices(3, 4, 1),
    "tril_indices neg": lambda L: L.tril_indices(4, 3, -1, dtype=L.int32),
    "triu_indices": lambda L: L.triu_indices(3, 3),
    "triu_indices 0": lambda L: L.triu_indices(0, 3),
    "flip int": lambda L: L.tensor(_A).flip(0, -1),
    "roll int": lambda L: L.roll(L.tensor(_A), -7),
    "rot90 int": lambda L: L.tensor(_A).rot90(-3, (2, 0)),
    "rot90 0": lambda L: L.tensor(_A).rot90(0),
    "repeat_interleave indices": lambda L: L.repeat_interleave(L.tensor([2, 0, 3])),
    "repeat_interleave bool": lambda L: L.tensor([True, False]).repeat_interleave(2),
    "repeat_interleave one repeat tensor": lambda L: L.tensor(_A).repeat_interleave(
        L.tensor([2]), dim=1),
    "unfold int": lambda L: L.tensor(_A).unfold(2, 2, 2),
    "unfold size 0": lambda L: L.tensor(_A).unfold(1, 0, 1),
    "diagonal int": lambda L: L.tensor(_A).diagonal(-1, 2, 1),
    "diag_embed int": lambda L: L.diag_embed(L.tensor(_A), 2),
    "diag int": lambda L: L.diag(L.tensor([1, 2]), -2),
    "diagflat": lambda L: L.diagflat(L.tensor(_A[0]), 1),
    "meshgrid int": lambda L: L.meshgrid(L.arange(3), L.arange(2), L.arange(4),
                                         indexing="xy"),
    "meshgrid one": lambda L: L.meshgrid([L.arange(3)], indexing="ij"),
    "narrow tensor start": lambda L: L.tensor(_A).narrow(-1, L.tensor(1), 2),
    "narrow at the end": lambda L: L.tensor(_A).narrow(0, 2, 0),
    "movedim": lambda L: L.tensor(_A).movedim((2, 0), (0, 1)),
    "movedim 0-d": lambda L: L.tensor(3).movedim(0, -1),
    "tile": lambda L: L.tensor(_A).tile((2, 1, 1, 2)),
    "tile empty dims": lambda L: L.tile(L.tensor(_A), ()),
    "broadcast_tensors": lambda L: L.broadcast_tensors(L.tensor(_A), L.tensor([[1], [2], [3]])),
    "atleast_2d single": lambda L: L.atleast_2d(L.tensor(3)),
    "atleast_1d tuple": lambda L: L.atleast_1d((L.tensor(3), L.tensor([1, 2]))),
    "atleast_3d many": lambda L: L.atleast_3d(L.tensor(3), L.tensor([1, 2]),
                                              L.tensor([[1, 2]]), L.tensor(_A)),
    "hstack 0-d": lambda L: L.hstack([L.tensor(1), L.tensor([2, 3])]),
    "hstack promotes": lambda L: L.hstack([L.tensor([1]), L.tensor([2.5])]),
    "vstack": lambda L: L.vstack([L.tensor(_A[0]), L.tensor(_A[1])]),
    "dstack": lambda L: L.dstack([L.tensor(_A[0]), L.tensor(_A[1])]),
    "column_stack": lambda L: L.column_stack([L.tensor(1), L.tensor(2)]),
    "tensor_split sections": lambda L: L.tensor(_A).tensor_split(5, dim=-1),
    "tensor_split indices": lambda L: L.tensor_split(L.tensor(_A), (1, -1, 9), 2),
    "tensor_split tensor sections": lambda L: L.tensor(_A).tensor_split(L.tensor(2)),
    "tensor_split tensor indices": lambda L: L.tensor(_A).tensor_split(L.tensor([1, 2]), 1),
    "unflatten": lambda L: L.unflatten(L.tensor(_A), -1, (2, 2)),
    "view int16": lambda L: L.tensor(_A).view(L.int16),
    "view float16 as float32": lambda L: L.tensor(_F, dtype=L.float16).view(L.float32),
    "view float64 as uint8": lambda L: L.tensor(_F).view(L.uint8),
    "view same size": lambda L: L.tensor(_F, dtype=L.float32).view(L.int32),
    "view keyword": lambda L: L.tensor(_F).view(dtype=L.int64),
    "view slices": lambda L: L.tensor(_F, dtype=L.float16)[1:, :2].view(L.float32),
    "view empty": lambda L: L.zeros(0, 4).view(L.float64),
    "view shape": lambda L: L.tensor(_A).view(4, -1),
}


@pytest.mark.parametrize("name", list(VALUE_CASES))
def test_values_match_torch(name):
    torch = _torch()
    fn = VALUE_CASES[name]
    _same(fn(tinytorch), fn(torch))


ERROR_CASES = {
    "tril 1-d": lambda L: L.tril(L.ones(3)),
    "triu 0-d": lambda L: L.ones(()).triu(),
    "tril_indices float": lambda L: L.tril_indices(3, 3, dtype=L.float32),
    "triu_indices negative": lambda L: L.triu_indices(-1, 3),
    "flip repeated dim": lambda L: L.ones(3, 4).flip(0, -2),
    "flip dim out of range": lambda L: L.ones(3, 4).flip(2),
    "fliplr 1-d": lambda L: L.fliplr(L.ones(3)),
    "flipud 0-d": lambda L: L.flipud(L.ones(())),
    "roll shifts dims": lambda L: L.ones(3, 4).roll((1, 2), 0),
    "roll no dims": lambda L: L.ones(3, 4).roll((1, 2)),
    "roll dim out of range": lambda L: L.ones(3, 4).roll(1, 3),
    "rot90 1-d": lambda L: L.ones(3).rot90(),
    "rot90 same dims": lambda L: L.ones(3, 4).rot90(1, (0, -2)),
    "rot90 three dims": lambda L: L.ones(3, 4, 2).rot90(1, (0, 1, 2)),
    "repeat_interleave negative": lambda L: L.ones(3).repeat_interleave(-1),
    "repeat_interleave negative tensor": lambda L: L.ones(3).repeat_interleave(
        L.tensor([1, -1, 1])),
    "repeat_interleave sizes": lambda L: L.ones(3).repeat_interleave(L.tensor([1, 2])),
    "repeat_interleave 2-d repeats": lambda L: L.repeat_interleave(L.tensor([[1, 2]])),
    "unfold too big": lambda L: L.ones(5).unfold(0, 6, 1),
    "unfold step 0": lambda L: L.ones(5).unfold(0, 2, 0),
    "unfold bad dim": lambda L: L.ones(5).unfold(1, 2, 1),
    "diagonal same dims": lambda L: L.ones(3, 3).diagonal(0, 1, -1),
    "diagonal 1-d": lambda L: L.ones(3).diagonal(),
    "diag_embed same dims": lambda L: L.ones(2, 3).diag_embed(0, 1, 1),
    "diag 3-d": lambda L: L.diag(L.ones(2, 2, 2)),
    "diag 0-d": lambda L: L.diag(L.ones(())),
    "meshgrid empty": lambda L: L.meshgrid(indexing="ij"),
    "meshgrid 2-d": lambda L: L.meshgrid(L.ones(2, 2), indexing="ij"),
    "meshgrid indexing": lambda L: L.meshgrid(L.ones(2), indexing="foo"),
    "meshgrid dtypes": lambda L: L.meshgrid(L.ones(2), L.arange(2), indexing="ij"),
    "narrow past the end": lambda L: L.ones(3).narrow(0, 2, 2),
    "narrow start out of range": lambda L: L.ones(3).narrow(0, 5, 0),
    "narrow negative length": lambda L: L.ones(3).narrow(0, 1, -1),
    "narrow 0-d": lambda L: L.ones(()).narrow(0, 0, 1),
    "movedim lengths": lambda L: L.ones(3, 4).movedim((0, 1), (1,)),
    "movedim repeated source": lambda L: L.ones(3, 4).movedim((0, 0), (1, 0)),
    "movedim repeated destination": lambda L: L.ones(3, 4).movedim((0, 1), (1, -1)),
    "movedim out of range": lambda L: L.ones(3, 4).movedim(2, 0),
    "broadcast_to": lambda L: L.broadcast_to(L.ones(3), (2, 2)),
    "broadcast_tensors": lambda L: L.broadcast_tensors(L.ones(3), L.ones(2)),
    "hstack empty": lambda L: L.hstack([]),
    "vstack empty": lambda L: L.vstack(()),
    "dstack empty": lambda L: L.dstack([]),
    "column_stack empty": lambda L: L.column_stack([]),
    "tensor_split 0 sections": lambda L: L.ones(3).tensor_split(0),
    "tensor_split 0-d": lambda L: L.ones(()).tensor_split(2),
    "tensor_split float tensor": lambda L: L.ones(3).tensor_split(L.tensor(2.0)),
    "tensor_split int32 tensor": lambda L: L.ones(3).tensor_split(L.tensor([1], dtype=L.int32)),
    "tensor_split 2-d tensor": lambda L: L.ones(3).tensor_split(L.tensor([[1]])),
    "view dtype 0-d": lambda L: L.ones(()).view(L.float16),
    "view dtype last dim": lambda L: L.ones(3, 5, dtype=L.float16).view(L.float32),
    "view dtype stride": lambda L: L.ones(4, 4, dtype=L.float16).t().view(L.float32),
    "view dtype offset": lambda L: L.ones(4, 4, dtype=L.float16)[:, 1:3].view(L.float32),
    "view dtype other stride": lambda L: L.ones(3, 6, dtype=L.float16)[:, :4].view(L.float64),
}


@pytest.mark.parametrize("name", list(ERROR_CASES))
def test_errors_match_torch(name):
    torch = _torch()
    fn = ERROR_CASES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as theirs:
            fn(torch)
        with pytest.raises(Exception) as mine:
            fn(tinytorch)
    assert isinstance(mine.value, type(theirs.value)), (mine.value, theirs.value)
    first = str(theirs.value).split("\n")[0].split(". ")[0]
    first = first.split(" list but got:")[0]  # meshgrid prints the tensor its own way
    assert first in str(mine.value), (str(mine.value), first)
