"""``Tensor.data`` behaves as torch's: a tensor sharing the memory of its owner that autograd
does not track (requires_grad False, no grad_fn, a version counter of its own), whose in-place
changes are never recorded and never raise, and whose assignment (``t.data = other``) swaps
the owner's storage. Where torch is importable it is the reference; the tests that do not
need it run without it."""
import math

import numpy as np
import pytest

import tinytorch
from tinytorch import nn

A = np.array([[0.5, -1.25, 2.0], [1.5, 0.75, -0.3]])
B = np.array([[-0.2, 0.4, 1.1], [0.9, -1.7, 0.6]])


def _np(t):
    return t.detach().numpy()


def _leaf(L, arr=A):
    return L.tensor(np.array(arr, dtype=np.float64), requires_grad=True)


def _torch():
    return pytest.importorskip("torch")


def _same(ours, ref, what=""):
    """Equal structure; tensors and arrays equal in shape and (closely) in value."""
    if isinstance(ref, (list, tuple)):
        assert isinstance(ours, (list, tuple)) and len(ours) == len(ref), (what, ours, ref)
        for k, (a, b) in enumerate(zip(ours, ref)):
            _same(a, b, f"{what}[{k}]")
    elif hasattr(ref, "detach") or isinstance(ref, np.ndarray):
        a = _np(ours) if isinstance(ours, tinytorch.Tensor) else np.asarray(ours)
        b = ref.detach().numpy() if hasattr(ref, "detach") else ref
        assert a.shape == b.shape, (what, a.shape, b.shape)
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12, err_msg=what)
    elif isinstance(ref, float):
        assert ours == pytest.approx(ref, rel=1e-12, abs=1e-12), (what, ours, ref)
    else:
        assert ours == ref, (what, ours, ref)


# --- what .data is ------------------------------------------------------------------------

def test_data_is_an_untracked_tensor_sharing_memory():
    p = _leaf(tinytorch)
    d = p.data
    assert type(d) is tinytorch.Tensor
    assert d.requires_grad is False and d.grad_fn is None and d.is_leaf
    assert d.shape == p.shape and d.dtype == p.dtype
    assert np.shares_memory(d.numpy(), p.detach().numpy())
    np.testing.assert_array_equal(d.numpy(), A)
    assert p.requires_grad and p.is_leaf and p.grad_fn is None    # p is untouched


def test_writes_through_data_show_in_the_tensor_and_back():
    p = _leaf(tinytorch)
    d = p.data
    d[0, 1] = 9.0                               # a write through .data reaches p
    assert p[0, 1].item() == 9.0
    d[1].fill_(-4.0)                            # so does one through a view of .data
    np.testing.assert_array_equal(_np(p)[1], [-4.0, -4.0, -4.0])
    with tinytorch.no_grad():
        p.mul_(2)                               # a write to p shows in .data taken before
    np.testing.assert_array_equal(d.numpy(), _np(p))
    assert d[0, 1].item() == 18.0
    assert p.is_leaf and p.requires_grad and p.grad_fn is None


def test_data_numpy_works_where_numpy_refuses():
    p = _leaf(tinytorch)
    with pytest.raises(RuntimeError, match="requires grad"):
        p.numpy()
    arr = p.data.numpy()                        # the everyday idiom, no copy
    assert isinstance(arr, np.ndarray) and np.shares_memory(arr, p.detach().numpy())
    assert p.data.tolist() == A.tolist() and p.data[1, 2].item() == -0.3
    c = p.data.clone()                          # a clone of .data is independent
    c.zero_()
    np.testing.assert_array_equal(_np(p), A)


def test_logging_and_accuracy_idioms_through_data_match_torch():
    torch = _torch()
    got = []
    labels = np.array([2, 0])
    for L in (tinytorch, torch):
        out = _leaf(L) * 2
        y = L.tensor(labels)
        loss = (out * out).mean()
        pred = out.data.max(1)[1]
        correct = pred.eq(y.data).sum().item()
        _, pred2 = L.max(out.data, 1)
        arr = out.data.cpu().numpy()
        got.append([loss.data.item(), pred, correct, pred2, arr.copy(),
                    np.shares_memory(arr, _np(out)), out.requires_grad])
    _same(got[0], got[1])


def test_data_of_a_non_leaf_is_a_detached_alias():
    x = _leaf(tinytorch)
    y = x * 2
    d = y.data
    assert d.requires_grad is False and d.grad_fn is None and d.is_leaf
    assert np.shares_memory(d.numpy(), y.detach().numpy())
    node = y.grad_fn
    d.add_(1.0)
    assert y.grad_fn is node and not y.is_leaf and y.requires_grad
    np.testing.assert_allclose(_np(y), 2 * A + 1)
    y.sum().backward()                          # MulBackward needs nothing of y: grad 2
    np.testing.assert_array_equal(x.grad.numpy(), np.full(A.shape, 2.0))


def test_data_has_its_own_version_counter():
    p = _leaf(tinytorch)
    v = p._version
    d = p.data
    dv = d._version
    d.add_(1.0)
    d.mul_(2.0)
    assert d._version == dv + 2 and p._version == v     # p's counter never moved
    det = p.detach()
    det.add_(1.0)                                        # .detach() shares p's counter
    assert p._version == v + 1


# --- in-place changes through .data on a leaf that requires grad -------------------------

def _src(L):
    return L.tensor(np.array(B, dtype=np.float64))


INPLACE = {
    "add_": (lambda L, d: d.add_(1.5), lambda a: a + 1.5),
    "add_ tensor alpha": (lambda L, d: d.add_(_src(L), alpha=-0.5), lambda a: a - 0.5 * B),
    "sub_": (lambda L, d: d.sub_(_src(L)), lambda a: a - B),
    "mul_": (lambda L, d: d.mul_(3.0), lambda a: a * 3.0),
    "mul_ tensor": (lambda L, d: d.mul_(_src(L)), lambda a: a * B),
    "div_": (lambda L, d: d.div_(4.0), lambda a: a / 4.0),
    "copy_": (lambda L, d: d.copy_(_src(L)), lambda a: B.copy()),
    "copy_ broadcast": (lambda L, d: d.copy_(L.tensor([1.0, 2.0, 3.0], dtype=L.float64)),
                        lambda a: np.broadcast_to([1.0, 2.0, 3.0], a.shape).copy()),
    "zero_": (lambda L, d: d.zero_(), lambda a: np.zeros_like(a)),
    "fill_": (lambda L, d: d.fill_(0.25), lambda a: np.full_like(a, 0.25)),
    "clamp_": (lambda L, d: d.clamp_(-0.5, 1.0), lambda a: np.clip(a, -0.5, 1.0)),
    "clamp_ min=": (lambda L, d: d.clamp_(min=0.0), lambda a: np.maximum(a, 0.0)),
    "clamp_ max=": (lambda L, d: d.clamp_(max=0.6), lambda a: np.minimum(a, 0.6)),
    "iadd": (lambda L, d: d.__iadd__(2.0), lambda a: a + 2.0),
}


@pytest.mark.parametrize("name", list(INPLACE))
def test_in_place_through_data_changes_a_leaf_without_recording(name):
    run, expect = INPLACE[name]
    p = _leaf(tinytorch)
    d = p.data
    out = run(tinytorch, d)                    # no "leaf Variable ... in-place" error
    assert out is d
    np.testing.assert_allclose(_np(p), expect(A), rtol=1e-15)
    assert p.is_leaf and p.grad_fn is None and p.requires_grad
    assert d.grad_fn is None and not d.requires_grad
    (p * p).sum().backward()                   # a later graph sees the new values
    np.testing.assert_allclose(p.grad.numpy(), 2 * expect(A), rtol=1e-15)


@pytest.mark.parametrize("name", list(INPLACE))
def test_in_place_through_data_matches_torch(name):
    torch = _torch()
    run = INPLACE[name][0]
    got = []
    for L in (tinytorch, torch):
        p = _leaf(L)
        v = p._version
        d = p.data
        dv = d._version
        out = run(L, d)
        facts = [out is d, p.is_leaf, p.grad_fn is None, p.requires_grad, d.requires_grad,
                 d.grad_fn is None, p._version - v, d._version - dv]
        (p * p).sum().backward()
        got.append([facts, p, p.grad])
    _same(got[0], got[1], name)


def test_in_place_on_the_leaf_itself_raises_but_not_through_data():
    torch = _torch()
    for L in (tinytorch, torch):
        p = _leaf(L)
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
            p.add_(1.0)
        p.data.add_(1.0)                        # the sanctioned way around it
        np.testing.assert_allclose(_np(p), A + 1.0)


def test_normal_and_uniform_through_data_as_in_weight_init():
    p = tinytorch.zeros(400, 500, requires_grad=True)
    out = p.data.normal_(0, .02)
    assert type(out) is tinytorch.Tensor and not out.requires_grad
    w = _np(p)
    assert abs(w.mean()) < 1e-3 and w.std() == pytest.approx(0.02, rel=0.02)
    assert p.is_leaf and p.grad_fn is None and p.requires_grad
    a = 1 / math.sqrt(500)
    p.data.uniform_(-a, a)
    w = _np(p)
    assert w.min() >= -a and w.max() < a and w.std() == pytest.approx(a / math.sqrt(3),
                                                                      rel=0.02)
    tinytorch.manual_seed(7)                    # seeded: the same draws again
    first = p.data.normal_(0, .02).numpy().copy()
    tinytorch.manual_seed(7)
    np.testing.assert_array_equal(p.data.normal_(0, .02).numpy(), first)


def test_normal_and_uniform_through_data_match_torch_statistics():
    torch = _torch()
    a = 0.3
    stats = []
    for L in (tinytorch, torch):
        L.manual_seed(0)
        p = L.zeros(200, 300, dtype=L.float64, requires_grad=True)
        p.data.normal_(0, .02)
        n = _np(p).copy()
        p.data.uniform_(-a, a)
        u = _np(p).copy()
        stats.append((n.mean(), n.std(), u.min(), u.max(), u.mean(), u.std(),
                      p.is_leaf, p.grad_fn is None, p._version))
    (nm, ns, umin, umax, um, us, leaf, no_fn, ver), ref = stats
    assert abs(nm - ref[0]) < 3e-4 and ns == pytest.approx(ref[1], rel=0.01)
    assert -a <= umin and umax < a and umin == pytest.approx(ref[2], abs=1e-3)
    assert umax == pytest.approx(ref[3], abs=1e-3) and abs(um - ref[4]) < 5e-3
    assert us == pytest.approx(ref[5], rel=0.01)
    assert (leaf, no_fn, ver) == ref[6:]


# --- a later backward uses the values changed through .data ------------------------------

SAVED = {
    "x * x (saves x)": lambda x, w: x * x,
    "x * w (saves both)": lambda x, w: x * w,
    "exp (saves its output)": lambda x, w: x.exp(),
    "sigmoid (saves its output)": lambda x, w: x.sigmoid(),
    "tanh (saves its output)": lambda x, w: x.tanh(),
    "matmul": lambda x, w: x @ w.t(),
    "views of x": lambda x, w: x[0] * x[1],
    "transposed view": lambda x, w: x.t() @ w,
}


@pytest.mark.parametrize("name", list(SAVED))
@pytest.mark.parametrize("target", ["input", "output"])
def test_backward_after_changing_saved_values_through_data_matches_torch(name, target):
    """torch checks no version through .data: backward runs and uses whatever the saved
    tensors hold by then."""
    torch = _torch()
    got = []
    for L in (tinytorch, torch):
        x, w = _leaf(L, A), _leaf(L, B)
        y = SAVED[name](x, w)
        (x if target == "input" else y).data.mul_(-1.5)
        v = y._version
        y.backward(L.tensor(np.arange(y.numel(), dtype=np.float64).reshape(tuple(y.shape))))
        got.append([x.grad, w.grad if w.grad is not None else "none", y, v])
    _same(got[0], got[1], f"{name}, {target}")


@pytest.mark.parametrize("how", ["data", "detach"])
@pytest.mark.parametrize("op", ["sigmoid", "exp", "tanh"])
def test_data_and_detach_differ_as_documented_by_torch(how, op):
    """torch's docs: zeroing ``out.detach()`` makes backward raise (the saved output was
    modified by an in-place operation); zeroing ``out.data`` does not, and backward
    silently uses the zeros."""
    torch = _torch()
    got = []
    for L in (tinytorch, torch):
        a = L.tensor([1.0, 2.0, 3.0], dtype=L.float64, requires_grad=True)
        out = getattr(a, op)()
        v = out._version
        c = out.data if how == "data" else out.detach()
        c.zero_()
        bumped = out._version - v
        if how == "detach":
            with pytest.raises(RuntimeError, match="modified by an inplace operation"):
                out.sum().backward()
            got.append([bumped, _np(out)])
        else:
            out.sum().backward()
            got.append([bumped, _np(out), a.grad])
    _same(got[0], got[1], f"{op} {how}")


def test_sigmoid_example_from_the_torch_docs():
    a = tinytorch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    out = a.sigmoid()
    c = out.data
    c.zero_()
    out.sum().backward()                        # no error: the grad is out * (1 - out) = 0
    np.testing.assert_array_equal(a.grad.numpy(), [0.0, 0.0, 0.0])
    a = tinytorch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    out = a.sigmoid()
    out.detach().zero_()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.sum().backward()


def test_data_of_a_non_leaf_matches_torch():
    torch = _torch()
    got = []
    for L in (tinytorch, torch):
        x = _leaf(L)
        y = x * 2
        z = y * y                               # saves y
        d = y.data
        facts = [d.requires_grad, d.grad_fn is None, d.is_leaf, y.is_leaf]
        d.add_(1.0)
        facts += [y.is_leaf, y.grad_fn is not None, y._version]
        z.sum().backward()
        got.append([facts, y, z, x.grad])
    _same(got[0], got[1])


# --- p.data = other ----------------------------------------------------------------------

def test_assigning_data_swaps_the_storage():
    p = _leaf(tinytorch)
    other = tinytorch.tensor(np.array(B))
    p.data = other
    assert p.requires_grad and p.is_leaf and p.grad_fn is None
    np.testing.assert_array_equal(_np(p), B)
    assert np.shares_memory(_np(p), other.numpy())         # shared, not copied
    other.add_(1.0)
    np.testing.assert_array_equal(_np(p), B + 1.0)
    (p * 3).sum().backward()
    np.testing.assert_array_equal(p.grad.numpy(), np.full(B.shape, 3.0))


def test_an_alias_taken_before_the_swap_keeps_the_old_storage():
    p = _leaf(tinytorch)
    old = p.data
    p.data = tinytorch.tensor(np.array(B))
    old.add_(100.0)                             # the old storage no longer is p's
    np.testing.assert_array_equal(old.numpy(), A + 100.0)
    np.testing.assert_array_equal(_np(p), B)
    with tinytorch.no_grad():
        p.mul_(2.0)
    np.testing.assert_array_equal(old.numpy(), A + 100.0)


def test_assigning_data_of_another_shape():
    p = _leaf(tinytorch)
    p.data = tinytorch.arange(4.0, dtype=tinytorch.float64)
    assert p.shape == (4,) and p.data.shape == (4,) and p.numel() == 4
    assert p.requires_grad and p.is_leaf
    (p * p).sum().backward()
    np.testing.assert_array_equal(p.grad.numpy(), [0.0, 2.0, 4.0, 6.0])


def test_assigning_data_requires_a_tensor():
    p = _leaf(tinytorch)
    for bad in (3.0, [1.0, 2.0], np.zeros((2, 3))):
        with pytest.raises(TypeError):
            p.data = bad
    np.testing.assert_array_equal(_np(p), A)


def test_assigning_data_matches_torch():
    torch = _torch()
    got = []
    for L in (tinytorch, torch):
        p = _leaf(L)
        w = _leaf(L, B)
        other = L.tensor(np.arange(12.0).reshape(4, 3))
        v = p._version
        p.data = other                          # another shape
        facts = [tuple(p.shape), p.requires_grad, p.is_leaf, p.grad_fn is None,
                 p._version - v]
        other.mul_(0.5)                         # the storage is shared
        y = (p @ w.t()).tanh()
        y.sum().backward()
        got.append([facts, p, y, p.grad, w.grad])
        for bad in (3.0, [1.0, 2.0], np.zeros(3)):
            with pytest.raises(TypeError):
                p.data = bad
    _same(got[0], got[1])


def test_assigning_data_of_another_dtype_matches_torch():
    torch = _torch()
    got = []
    for L in (tinytorch, torch):
        p = L.zeros(3, requires_grad=True)      # float32
        p.data = L.tensor([1.0, 2.0, 3.0], dtype=L.float64)
        assert p.dtype == L.float64 and p.data.dtype == L.float64
        (p * p).sum().backward()
        assert p.grad.dtype == L.float64
        got.append([p, p.grad])
    _same(got[0], got[1])


def test_assigning_data_from_a_tensor_that_requires_grad_matches_torch():
    """p takes q's storage but keeps its own autograd identity: the two stay apart in
    the graph while their values are one."""
    torch = _torch()
    got = []
    for L in (tinytorch, torch):
        p = L.zeros(2, dtype=L.float64, requires_grad=True)
        q = L.tensor([1.0, 2.0], dtype=L.float64, requires_grad=True)
        p.data = q
        q.data.add_(1.0)
        (p * 2).sum().backward()
        got.append([p.is_leaf, p.grad_fn is None, q.grad is None, p, p.grad])
    _same(got[0], got[1])


def test_assigning_data_between_forward_and_backward_matches_torch():
    """A leaf saved for backward is saved as itself: swapping its storage before backward
    makes backward use the new values, as torch does."""
    torch = _torch()
    got = []
    for L in (tinytorch, torch):
        x = _leaf(L)
        y = x * x
        x.data = L.tensor(np.array(B))
        y.sum().backward()
        got.append([x.grad, y])
    _same(got[0], got[1])


def test_assigning_a_parameters_data_keeps_the_module_wiring():
    torch = _torch()
    got = []
    for L in (tinytorch, torch):
        lin = L.nn.Linear(3, 2).double()
        weight = lin.weight
        lin.weight.data = L.tensor(np.array(B))
        lin.bias.data = L.tensor([0.5, -0.5], dtype=L.float64)
        assert lin.weight is weight and isinstance(lin.weight, L.nn.Parameter)
        assert [q is weight for q in lin.parameters()] == [True, False]
        out = lin(L.tensor(np.array(A)))
        out.pow(2).sum().backward()
        got.append([out, lin.weight.grad, lin.bias.grad])
    _same(got[0], got[1])


# --- idioms from real code ---------------------------------------------------------------

def test_module_init_through_data():
    lin = nn.Linear(50, 40)
    lin.weight.data.normal_(0, .02)
    lin.bias.data.zero_()
    assert isinstance(lin.weight, nn.Parameter) and lin.weight.is_leaf
    assert lin.weight.requires_grad and lin.weight.grad_fn is None
    assert _np(lin.weight).std() == pytest.approx(0.02, rel=0.1)
    assert not _np(lin.bias).any()
    lin.bias.data.fill_(0.01)
    x = tinytorch.randn(5, 50)
    out = lin(x)
    np.testing.assert_allclose(_np(out), x.numpy() @ _np(lin.weight).T + 0.01, rtol=1e-5,
                               atol=1e-6)
    out.sum().backward()
    np.testing.assert_allclose(lin.bias.grad.numpy(), np.full(40, 5.0))


def test_grad_data_idioms():
    torch = _torch()
    got = []
    for L in (tinytorch, torch):
        p = _leaf(L)
        (p * p * p).sum().backward()
        g = p.grad
        p.grad.data.clamp_(-2.0, 2.0)           # hand-written gradient clipping
        clipped = _np(p.grad).copy()
        norm = p.grad.data.norm().item()
        p.grad.data.zero_()                     # the old zero_grad
        got.append([p.grad is g, clipped, norm, p.grad])
    _same(got[0], got[1])


def test_parameter_data_is_a_plain_tensor():
    p = nn.Parameter(tinytorch.zeros(2, 2))
    assert type(p.data) is tinytorch.Tensor and not p.data.requires_grad   # as in torch


def test_writes_through_data_of_views_and_masks_match_torch():
    """Pruning (``w.data[w.data.abs() < t] = 0``), and writes through ``.data`` of a view
    of a leaf and through a view of ``.data``."""
    torch = _torch()
    got = []
    for L in (tinytorch, torch):
        w = _leaf(L)
        w.data[w.data.abs() < 0.6] = 0.0
        w[1].data.fill_(7.0)                    # .data of a (non-leaf) view of w
        w.data[:, 0].mul_(-2.0)                 # a view of .data
        w.data[0, 2] = 5.0
        facts = [w.is_leaf, w.grad_fn is None, w.requires_grad]
        (w * w).sum().backward()
        got.append([facts, w, w.grad])
    _same(got[0], got[1])


def test_a_data_alias_made_to_require_grad_is_its_own_leaf():
    torch = _torch()
    got = []
    for L in (tinytorch, torch):
        x = _leaf(L)
        d = x.data.requires_grad_()
        (d * 2).sum().backward()
        got.append([d.is_leaf, d.grad, x.grad is None, np.shares_memory(_np(d), _np(x))])
    _same(got[0], got[1])


def test_target_network_soft_update_through_data_matches_torch():
    torch = _torch()
    got = []
    tau = 0.1
    for L in (tinytorch, torch):
        p, tp = _leaf(L, A), _leaf(L, B)
        for _ in range(3):
            tp.data.mul_(1 - tau).add_(p.data, alpha=tau)
        q, tq = _leaf(L, A), _leaf(L, B)
        for _ in range(3):
            tq.data.copy_(tau * q.data + (1 - tau) * tq.data)
        got.append([tp, tq, tp.is_leaf and tq.is_leaf, tp.grad_fn is None])
    _same(got[0], got[1])
    np.testing.assert_allclose(_np(got[0][0]), _np(got[0][1]), rtol=1e-12)


def _regression(L, idiom, steps=6, lr=0.1):
    """A two-layer net on a fixed batch, trained by hand through ``.data``."""
    rng = np.random.default_rng(0)
    x = L.tensor(rng.standard_normal((8, 3)))
    y = L.tensor(rng.standard_normal((8, 1)))
    w1 = L.tensor(rng.standard_normal((3, 4)) * 0.5, requires_grad=True)
    b1 = L.tensor(np.zeros(4), requires_grad=True)
    w2 = L.tensor(rng.standard_normal((4, 1)) * 0.5, requires_grad=True)
    params = [w1, b1, w2]
    losses = []
    for _ in range(steps):
        loss = (((x @ w1 + b1).tanh() @ w2 - y) ** 2).mean()
        for p in params:
            p.grad = None
        loss.backward()
        losses.append(loss.item())
        for p in params:
            if idiom == "sub_":
                p.data.sub_(lr * p.grad)
            elif idiom == "add_ alpha":
                p.data.add_(p.grad, alpha=-lr)
            elif idiom == "sub_ grad.data":
                p.data.sub_(lr * p.grad.data)
            elif idiom == "-=":
                p.data -= lr * p.grad
            elif idiom == "assign":
                p.data = p.data - lr * p.grad
    return losses, params


SGD_IDIOMS = ["sub_", "add_ alpha", "sub_ grad.data", "-=", "assign"]


@pytest.mark.parametrize("idiom", SGD_IDIOMS)
def test_hand_written_sgd_through_data_trains(idiom):
    losses, params = _regression(tinytorch, idiom, steps=20)
    assert losses[-1] < 0.7 * losses[0]
    assert all(p.is_leaf and p.requires_grad and p.grad_fn is None for p in params)


@pytest.mark.parametrize("idiom", SGD_IDIOMS)
def test_hand_written_sgd_through_data_matches_torch(idiom):
    torch = _torch()
    ours, ref = _regression(tinytorch, idiom), _regression(torch, idiom)
    np.testing.assert_allclose(ours[0], ref[0], rtol=1e-12)
    for a, b in zip(ours[1], ref[1]):
        assert a.is_leaf and a.grad_fn is None and a.requires_grad
        np.testing.assert_allclose(_np(a), b.detach().numpy(), rtol=1e-12, atol=1e-14)


def test_copy_from_a_tensor_that_requires_grad_matches_torch():
    """``p.data.copy_(q)``: p stays an untouched leaf; the alias itself joins q's graph."""
    torch = _torch()
    got = []
    for L in (tinytorch, torch):
        p, q = _leaf(L), _leaf(L, B)
        d = p.data
        d.copy_(q)
        got.append([p.is_leaf, p.grad_fn is None, p.requires_grad, d.requires_grad,
                    d.grad_fn is None, p])
    _same(got[0], got[1])
