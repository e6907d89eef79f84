"""Indexing ops (tinytorch/_indexing.py): integer results, argument errors and edge cases,
checked against torch where it is installed, and without it."""
import numpy as np
import pytest

import tinytorch

X = np.arange(12.0).reshape(3, 4)


def _both(fn):
    """fn(L) for tinytorch and torch: (result or exception type) for each."""
    torch = pytest.importorskip("torch")
    out = []
    for L in (tinytorch, torch):
        try:
            out.append(fn(L))
        except Exception as e:  # noqa: BLE001  (the exception's type is what we compare)
            out.append(e)
    return out


def _same(fn):
    mine, ref = _both(fn)
    if isinstance(ref, Exception):
        assert type(mine) is type(ref), (mine, ref)
        first = str(ref).split("\n")[0]
        assert first.split(" (")[0].split(":")[-1].strip()[:30] in str(mine), (mine, ref)
        return
    assert not isinstance(mine, Exception), mine
    mine = mine if isinstance(mine, tuple) else (mine,)
    ref = ref if isinstance(ref, tuple) else (ref,)
    assert len(mine) == len(ref)
    for a, b in zip(mine, ref):
        assert tuple(a.shape) == tuple(b.shape)
        assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def _t(L, a, dtype=None):
    return L.tensor(a, dtype=getattr(L, dtype) if dtype else None)


NONZERO = [
    lambda L: L.nonzero(_t(L, X) > 5),
    lambda L: L.nonzero(_t(L, X) > 5, as_tuple=True),
    lambda L: _t(L, X).nonzero(),
    lambda L: _t(L, [[0, 1], [2, 0]], "int32").nonzero(as_tuple=True),
    lambda L: L.nonzero(_t(L, 3.0)),
    lambda L: L.nonzero(_t(L, 0.0)),
    lambda L: L.nonzero(_t(L, 3.0), as_tuple=True),
    lambda L: L.nonzero(_t(L, 0.0), as_tuple=True),
    lambda L: L.nonzero(L.zeros(0, 3)),
    lambda L: L.nonzero(L.zeros(0, 3), as_tuple=True),
    lambda L: L.nonzero(_t(L, [float("nan"), 0.0, -0.0, float("inf")])),
    lambda L: L.argwhere(_t(L, X) % 3 == 0),
    lambda L: _t(L, [True, False, True]).argwhere(),
    lambda L: L.argwhere(_t(L, 3.0)),
]

VALUES = [
    lambda L: L.gather(_t(L, X), 1, _t(L, [[0, 1], [2, 3]], "int32")),
    lambda L: L.gather(_t(L, [[1, 2], [3, 4]], "int64"), 0, _t(L, [[1, 0]])),
    lambda L: L.gather(_t(L, 3.0), 0, _t(L, 0)),
    lambda L: L.take_along_dim(_t(L, X), _t(L, [0, 5, 11])),
    lambda L: L.take_along_dim(_t(L, 2.0), _t(L, 0)),
    lambda L: L.take_along_dim(L.zeros(1, 4), _t(L, [[0], [1], [0]]), dim=1),
    lambda L: L.scatter_add(L.zeros(3, 4), 1, _t(L, [[0, 0], [1, 3]]), L.ones(2, 3)),
    lambda L: L.scatter_add(L.zeros(3, 4), 1, L.zeros(4, 1, dtype=L.int64), L.ones(5, 3)),
    lambda L: L.scatter_add(L.zeros(3, 4, dtype=L.int64), 0, _t(L, [[2, 2, 2, 2]]),
                            L.ones(1, 4, dtype=L.int64)),
    lambda L: L.scatter_add(L.zeros(3, 4), 1, L.zeros(0, 4, dtype=L.int64), L.ones(2, 3)),
    lambda L: L.gather(_t(L, X), 1, L.zeros(5, 0, dtype=L.int64)),
    lambda L: L.gather(_t(L, X), 1, L.zeros(0, dtype=L.int64)),
    lambda L: L.scatter_add(L.zeros(3, 4), 1, L.zeros(0, dtype=L.int64), L.ones(2, 3)),
    lambda L: L.index_select(_t(L, X), 1, _t(L, [0, 1], "int32")),
    lambda L: L.index_select(_t(L, 2.0), 0, _t(L, 0)),
    lambda L: _t(L, [[True, False]]).index_select(0, _t(L, [0, 0])),
    lambda L: L.masked_select(_t(L, [[1, 2], [3, 4]]), _t(L, [True, False])),
    lambda L: L.masked_select(_t(L, 2.0), _t(L, True)),
    lambda L: L.masked_select(L.zeros(0, 2), _t(L, [True, False])),
]

ERRORS = [
    lambda L: L.gather(_t(L, X), 1, _t(L, [[0.0, 1.0]])),
    lambda L: L.gather(_t(L, X), 1, _t(L, [[0, 1]], "int16")),
    lambda L: L.gather(_t(L, X), 1, _t(L, [[0, 5]])),
    lambda L: L.gather(_t(L, X), 1, _t(L, [[0, -1]])),
    lambda L: L.gather(_t(L, X), 1, _t(L, [0, 1])),
    lambda L: L.gather(_t(L, X), 1, L.zeros(4, 2, dtype=L.int64)),
    lambda L: L.gather(_t(L, X), 2, L.zeros(3, 2, dtype=L.int64)),
    lambda L: L.gather(_t(L, X), 1, [[0, 1]]),
    lambda L: L.take_along_dim(_t(L, X), _t(L, [0, 13])),
    lambda L: L.take_along_dim(_t(L, X), _t(L, [[0, 1]]), dim=0),
    lambda L: L.take_along_dim(_t(L, X), _t(L, [[0, 1]], "int32"), dim=0),
    lambda L: L.take_along_dim(_t(L, X), _t(L, [[0, 1]]), dim=2),
    lambda L: L.take_along_dim(_t(L, X), _t(L, [0, 1]), dim=0),
    lambda L: L.take_along_dim(_t(L, 2.0), _t(L, 0), dim=0),
    lambda L: L.scatter_add(L.zeros(3, 4), 1, _t(L, [[0, 5], [1, 3]]), L.ones(2, 3)),
    lambda L: L.scatter_add(L.zeros(3, 4), 1, _t(L, [[0, -1]]), L.ones(2, 3)),
    lambda L: L.scatter_add(L.zeros(3, 4), 1, _t(L, [[0, 1], [1, 3]]), L.ones(2, 1)),
    lambda L: L.scatter_add(L.zeros(3, 4), 1, _t(L, [[0, 1]]), L.ones(2, 3, dtype=L.float64)),
    lambda L: L.scatter_add(L.zeros(3, 4), 1, _t(L, [[0.0, 1.0]]), L.ones(2, 3)),
    lambda L: L.scatter_add(L.zeros(3, 4), 1, _t(L, [0, 1]), L.ones(2, 3)),
    lambda L: L.scatter_add(L.zeros(3, 4), 1, _t(L, [[0, 1]]), 2.0),
    lambda L: L.index_select(_t(L, X), 1, _t(L, [0, 4])),
    lambda L: L.index_select(_t(L, X), 1, _t(L, [0, -1])),
    lambda L: L.index_select(_t(L, X), 1, _t(L, [[0, 1]])),
    lambda L: L.index_select(_t(L, X), 1, _t(L, [0.0, 1.0])),
    lambda L: L.index_select(_t(L, X), 1, [0, 1]),
    lambda L: L.index_select(_t(L, 2.0), 0, _t(L, [0, 0])),
    lambda L: L.masked_select(_t(L, X), _t(L, [1, 0, 1, 0])),
    lambda L: L.masked_select(_t(L, X), _t(L, [True, False, True])),
]


@pytest.mark.parametrize("i", range(len(NONZERO)))
def test_nonzero_matches_torch(i):
    _same(NONZERO[i])


@pytest.mark.parametrize("i", range(len(VALUES)))
def test_values_match_torch(i):
    _same(VALUES[i])


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors_match_torch(i):
    mine, ref = _both(ERRORS[i])
    assert isinstance(ref, Exception) and isinstance(mine, Exception), (mine, ref)
    assert type(mine) is type(ref), (mine, ref)


def test_scatter_add_inplace_matches_torch():
    def run(L):
        x = L.zeros(3, 4)
        y = x.scatter_add_(0, _t(L, [[0, 1, 2, 0], [0, 0, 0, 0]]), L.ones(2, 4))
        return x, y

    (x, y), (tx, ty) = _both(run)
    assert y is x
    np.testing.assert_array_equal(x.numpy(), tx.numpy())


def test_grad_fn_names_match_torch():
    def names(L):
        x = L.tensor(X, requires_grad=True)
        i = _t(L, [[0, 1]])
        outs = [x.gather(1, i), x.index_select(1, _t(L, [0])), x.masked_select(x > 2),
                x.scatter_add(1, i, x), x.take_along_dim(i, 1)]
        return [type(o.grad_fn).__name__ for o in outs]

    mine, ref = _both(names)
    assert mine == ref


# --- torch-free checks ------------------------------------------------------------------

def test_gather_repeated_indices_accumulate_gradient():
    x = tinytorch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x.gather(0, tinytorch.tensor([2, 2, 0])).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 0.0, 2.0])


def test_scatter_add_gradients():
    x = tinytorch.zeros(2, 3, requires_grad=True)
    s = tinytorch.tensor([[1.0, 2.0, 3.0, 4.0]], requires_grad=True)
    out = x.scatter_add(1, tinytorch.tensor([[2, 2, 0]]), s)
    np.testing.assert_array_equal(out.detach().numpy(), [[3.0, 0.0, 3.0], [0.0, 0.0, 0.0]])
    (out * tinytorch.tensor([[1.0, 10.0, 100.0], [0.0, 0.0, 0.0]])).sum().backward()
    np.testing.assert_array_equal(s.grad.numpy(), [[100.0, 100.0, 1.0, 0.0]])
    np.testing.assert_array_equal(x.grad.numpy(), [[1.0, 10.0, 100.0], [0.0, 0.0, 0.0]])


def test_masked_select_gradient_scatters_back():
    x = tinytorch.tensor([1.0, 2.0], requires_grad=True)
    out = x.masked_select(tinytorch.tensor([[True, False], [True, True]]))
    np.testing.assert_array_equal(out.detach().numpy(), [1.0, 1.0, 2.0])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 1.0])


def test_index_select_results_are_int_preserving_and_contiguous():
    x = tinytorch.tensor([[1, 2, 3], [4, 5, 6]])
    out = x.index_select(1, tinytorch.tensor([2, 0]))
    assert out.dtype == tinytorch.int64
    np.testing.assert_array_equal(out.numpy(), [[3, 1], [6, 4]])
    assert out.is_contiguous()


def test_nonzero_dtype_and_errors_without_torch():
    out = tinytorch.tensor([[0.0, 1.0], [2.0, 0.0]]).nonzero()
    assert out.dtype == tinytorch.int64
    np.testing.assert_array_equal(out.numpy(), [[0, 1], [1, 0]])
    with pytest.raises(RuntimeError, match="out of bounds for dimension 0 with size 3"):
        tinytorch.gather(tinytorch.zeros(3), 0, tinytorch.tensor([3]))
    with pytest.raises(RuntimeError, match="expected BoolTensor"):
        tinytorch.masked_select(tinytorch.zeros(3), tinytorch.zeros(3))
