"""Higher-order gradients: tinytorch.autograd.functional (jacobian, hessian, vjp, jvp, hvp, vhp)
against torch.autograd.functional and closed forms, and the worked cases that need gradients of
gradients: a Hessian-vector product of an MLP, a physics-informed loss, a WGAN-GP gradient
penalty, a MAML step, a third derivative, ``backward(create_graph=True)``, ``retain_graph``'s
default and a custom Function differentiated twice.  All in float64.

Tests that compare with torch skip themselves when torch is not importable; the others need
numpy only."""
import numpy as np
import pytest

import tinytorch
from tinytorch.autograd import Function, functional as AF, gradgradcheck

TOL = 1e-10
FD_TOL = 1e-6       # central differences, float64, step 1e-5 or 1e-6


def arr(t):
    """The numbers of a tinytorch or torch Tensor as a numpy array."""
    return np.array(t.detach().numpy())


def tensors(L, arrays, requires_grad=False):
    return tuple(L.tensor(a, dtype=L.float64, requires_grad=requires_grad) for a in arrays)


def assert_same(mine, ref, tol=TOL, where="result", check_requires_grad=True):
    """Same nesting of tuples, same shapes, dtypes, requires_grad and numbers."""
    if isinstance(ref, tuple):
        assert isinstance(mine, tuple) and len(mine) == len(ref), (where, type(mine))
        for k, (a, b) in enumerate(zip(mine, ref)):
            assert_same(a, b, tol, f"{where}[{k}]", check_requires_grad)
        return
    assert isinstance(mine, tinytorch.Tensor), (where, type(mine))
    assert tuple(mine.shape) == tuple(ref.shape), (where, mine.shape, ref.shape)
    assert str(mine.dtype).split(".")[-1] == str(ref.dtype).split(".")[-1], where
    if check_requires_grad:
        assert mine.requires_grad == ref.requires_grad, where
    np.testing.assert_allclose(arr(mine), arr(ref), rtol=tol, atol=tol, err_msg=where)


def flat(res):
    """The tensors of a (nested) result, in order."""
    if isinstance(res, tuple):
        return [t for r in res for t in flat(r)]
    return [res]


def _rng_arrays(shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.uniform(-1.0, 1.0, s) for s in shapes]


# --- the functions the functional API is tested on (methods only: the same code runs on
# --- tinytorch and on torch Tensors) ------------------------------------------------------

JAC_CASES = {
    # name: (input shapes, function, pass a lone input as a Tensor rather than a 1-tuple)
    "elementwise": ([(3,)], lambda x: x.tanh() * x, True),
    "matrix to row sums": ([(2, 3)], lambda x: (x.exp() * x).sum(dim=1), True),
    "0-d in, 0-d out": ([()], lambda x: x * x.cos(), True),
    "1-tuple input": ([(3,)], lambda x: x.sigmoid() * 2.0, False),
    "two in, one out": ([(3,), (3,)], lambda x, y: x * y.sin(), True),
    "one in, two out": ([(2, 2)], lambda x: (x * x, (x ** 3).sum()), True),
    "two in, two out": ([(2,), (3,)], lambda x, y: (x.exp() * y.sum(), (y * y).sum() + x), True),
    "unused input": ([(2,), (2,)], lambda x, y: x * 2.0, True),
    "matmul": ([(2, 3), (3,)], lambda a, b: (a @ b).tanh(), True),
}

HESS_CASES = {
    "cube sum": ([(2, 2)], lambda x: (x ** 3).sum()),
    "0-d": ([()], lambda x: (x.sin() * x).sum()),
    "coupled pair": ([(2,), (3,)], lambda x, y: (x.exp() * y.sum()).sum() + (y ** 4).sum()),
    "linear in one input": ([(2,), (2,)], lambda x, y: (x * 2.0).sum() + (y.tanh() ** 2).sum()),
    "quadratic form": ([(3,), (3, 3)], lambda x, a: (x * (a @ x)).sum() + (a * a).sum()),
}


def _call_inputs(L, shapes, as_tensor, requires_grad=False, seed=0):
    xs = tensors(L, _rng_arrays(shapes, seed), requires_grad)
    return xs[0] if (len(xs) == 1 and as_tensor) else xs


def _shaped_like(L, res, seed):
    """Random Tensors shaped like ``res`` (a Tensor or a tuple of them), same structure."""
    if isinstance(res, tuple):
        return tuple(_shaped_like(L, r, seed + k) for k, r in enumerate(res))
    return L.tensor(_rng_arrays([tuple(res.shape)], seed)[0], dtype=L.float64)


def _torch_f():
    torch = pytest.importorskip("torch")
    return torch, torch.autograd.functional


# --- jacobian / hessian against torch ---------------------------------------------------------

@pytest.mark.parametrize("name", sorted(JAC_CASES))
@pytest.mark.parametrize("vectorize", [False, True])
def test_jacobian_matches_torch(name, vectorize):
    torch, TF = _torch_f()
    shapes, fn, as_tensor = JAC_CASES[name]
    mine = AF.jacobian(fn, _call_inputs(tinytorch, shapes, as_tensor), vectorize=vectorize)
    ref = TF.jacobian(fn, _call_inputs(torch, shapes, as_tensor), vectorize=vectorize)
    assert_same(mine, ref)


@pytest.mark.parametrize("name", sorted(HESS_CASES))
@pytest.mark.parametrize("as_tensor", [True, False])
def test_hessian_matches_torch(name, as_tensor):
    torch, TF = _torch_f()
    shapes, fn = HESS_CASES[name]
    mine = AF.hessian(fn, _call_inputs(tinytorch, shapes, as_tensor))
    ref = TF.hessian(fn, _call_inputs(torch, shapes, as_tensor))
    assert_same(mine, ref)


def _backprop_through(L, res, inputs, seed=5):
    """d <res, w> / d inputs for a fixed random w: checks a create_graph result's graph."""
    total = 0
    for k, t in enumerate(flat(res)):
        if t.requires_grad:
            total = total + (t * _shaped_like(L, t, seed + k)).sum()
    inputs = inputs if isinstance(inputs, tuple) else (inputs,)
    return L.autograd.grad(total, inputs, allow_unused=True, materialize_grads=True)


@pytest.mark.parametrize("name", ["elementwise", "two in, two out", "matmul", "unused input"])
def test_jacobian_create_graph_is_differentiable_like_torch(name):
    torch, TF = _torch_f()
    shapes, fn, as_tensor = JAC_CASES[name]
    xs_mine = _call_inputs(tinytorch, shapes, as_tensor, requires_grad=True)
    xs_ref = _call_inputs(torch, shapes, as_tensor, requires_grad=True)
    mine = AF.jacobian(fn, xs_mine, create_graph=True)
    ref = TF.jacobian(fn, xs_ref, create_graph=True)
    assert_same(mine, ref)
    if any(t.requires_grad for t in flat(ref)):
        assert_same(_backprop_through(tinytorch, mine, xs_mine),
                    _backprop_through(torch, ref, xs_ref), check_requires_grad=False)


@pytest.mark.parametrize("name", ["cube sum", "coupled pair", "quadratic form"])
def test_hessian_create_graph_is_differentiable_like_torch(name):
    torch, TF = _torch_f()
    shapes, fn = HESS_CASES[name]
    xs_mine = _call_inputs(tinytorch, shapes, False, requires_grad=True)
    xs_ref = _call_inputs(torch, shapes, False, requires_grad=True)
    mine = AF.hessian(fn, xs_mine, create_graph=True)
    ref = TF.hessian(fn, xs_ref, create_graph=True)
    assert_same(mine, ref)
    assert_same(_backprop_through(tinytorch, mine, xs_mine),
                _backprop_through(torch, ref, xs_ref), check_requires_grad=False)


# --- the products against torch ---------------------------------------------------------------

def _product_case(L, F, which, name, create_graph, v_seed=3):
    if which in ("vjp", "jvp"):
        shapes, fn, as_tensor = JAC_CASES[name]
    else:
        (shapes, fn), as_tensor = HESS_CASES[name], True
    xs = _call_inputs(L, shapes, as_tensor, requires_grad=create_graph)
    like = fn(*(xs if isinstance(xs, tuple) else (xs,))) if which == "vjp" else xs
    v = _shaped_like(L, like, v_seed)
    res = getattr(F, which)(fn, xs, v, create_graph=create_graph)
    return res, xs


PRODUCT_PARAMS = ([("vjp", n) for n in sorted(JAC_CASES)] + [("jvp", n) for n in sorted(JAC_CASES)]
                  + [(w, n) for w in ("vhp", "hvp") for n in sorted(HESS_CASES)])


@pytest.mark.parametrize("which,name", PRODUCT_PARAMS)
def test_products_match_torch(which, name):
    torch, TF = _torch_f()
    mine, _ = _product_case(tinytorch, AF, which, name, create_graph=False)
    ref, _ = _product_case(torch, TF, which, name, create_graph=False)
    assert isinstance(mine, tuple) and len(mine) == 2       # (func output, product)
    assert_same(mine, ref)


@pytest.mark.parametrize("which,name", [("vjp", "two in, two out"), ("vjp", "matmul"),
                                        ("jvp", "elementwise"), ("jvp", "two in, one out"),
                                        ("vhp", "coupled pair"), ("hvp", "cube sum"),
                                        ("hvp", "quadratic form")])
def test_products_create_graph_are_differentiable_like_torch(which, name):
    torch, TF = _torch_f()
    mine, xs_mine = _product_case(tinytorch, AF, which, name, create_graph=True)
    ref, xs_ref = _product_case(torch, TF, which, name, create_graph=True)
    assert_same(mine, ref)
    assert_same(_backprop_through(tinytorch, mine, xs_mine),
                _backprop_through(torch, ref, xs_ref), check_requires_grad=False)


def test_default_v_for_one_element_matches_torch():
    torch, TF = _torch_f()
    for L, F in ((tinytorch, AF), (torch, TF)):
        x = L.tensor([0.7], dtype=L.float64)
        got = [F.vjp(lambda t: (t ** 3).sum(), x), F.jvp(lambda t: t.exp() * t, x),
               F.vhp(lambda t: (t ** 4).sum(), x), F.hvp(lambda t: (t ** 4).sum(), x)]
        if L is tinytorch:
            mine = tuple(got)
        else:
            ref = tuple(got)
    assert_same(mine, ref)


# --- errors: the same exception as torch, for the same misuse -----------------------------------

def _x(L):
    return L.tensor([1.0, 2.0], dtype=L.float64)


ERROR_CASES = {
    # name: (call(F, L), exception type, compare the message with torch's)
    "list inputs": (lambda F, L: F.jacobian(lambda t: t * 2, [_x(L)]), TypeError, True),
    "int in tuple": (lambda F, L: F.vjp(lambda t, k: t * k, (_x(L), 3), _x(L)), TypeError, True),
    "func returns a number": (lambda F, L: F.jacobian(lambda t: 3.0, _x(L)), TypeError, True),
    "v wrong shape": (lambda F, L: F.vjp(lambda t: t * 2, _x(L), L.ones(3, dtype=L.float64)),
                      RuntimeError, False),     # torch.Size vs tinytorch Size in the text
    "v tuple wrong length": (lambda F, L: F.jvp(lambda a, b: a * b, (_x(L), _x(L)), (_x(L),)),
                             RuntimeError, True),
    "v missing, vector output": (lambda F, L: F.vjp(lambda t: t * 2, _x(L)), RuntimeError, True),
    "v missing, vector input": (lambda F, L: F.hvp(lambda t: (t * t).sum(), _x(L)),
                                RuntimeError, True),
    "hessian of a vector": (lambda F, L: F.hessian(lambda t: t * t, _x(L)), RuntimeError, True),
    "hessian of a tuple": (lambda F, L: F.hessian(lambda t: ((t * t).sum(),), _x(L)),
                           RuntimeError, True),
    "vhp of a vector": (lambda F, L: F.vhp(lambda t: t * t, _x(L), _x(L)), RuntimeError, True),
    "strict: output independent": (
        lambda F, L: F.jacobian(lambda a, b: a * 2, (_x(L), _x(L)), strict=True),
        RuntimeError, True),
    "strict: output without grad": (
        lambda F, L: F.jacobian(lambda a: L.ones(2, dtype=L.float64), _x(L), strict=True),
        RuntimeError, True),
    "strict: vjp unused input": (
        lambda F, L: F.vjp(lambda a, b: (a * a).sum(), (_x(L), _x(L)), strict=True),
        RuntimeError, True),
    "strict: jvp unused input": (
        lambda F, L: F.jvp(lambda a, b: a * a, (_x(L), _x(L)), (_x(L), _x(L)), strict=True),
        RuntimeError, True),
    "strict: hessian of a linear function": (
        lambda F, L: F.hessian(lambda a: (a * 3).sum(), _x(L), strict=True), RuntimeError, True),
    "strict: vhp of a linear function": (
        lambda F, L: F.vhp(lambda a: (a * 3).sum(), _x(L), _x(L), strict=True),
        RuntimeError, True),
    "strict: hvp unused input": (
        lambda F, L: F.hvp(lambda a, b: (a ** 3).sum(), (_x(L), _x(L)), (_x(L), _x(L)),
                           strict=True), RuntimeError, True),
    "strict with vectorize": (
        lambda F, L: F.jacobian(lambda a: a * a, _x(L), strict=True, vectorize=True),
        RuntimeError, True),
    "unknown strategy": (lambda F, L: F.jacobian(lambda a: a * a, _x(L), strategy="fwd"),
                         AssertionError, True),
    "forward-mode with create_graph": (
        lambda F, L: F.jacobian(lambda a: a * a, _x(L), create_graph=True,
                                strategy="forward-mode"), NotImplementedError, True),
    "forward-mode with strict": (
        lambda F, L: F.jacobian(lambda a: a * a, _x(L), strict=True, strategy="forward-mode"),
        RuntimeError, True),
    "forward-mode": (lambda F, L: F.jacobian(lambda a: a * a, _x(L), strategy="forward-mode"),
                     NotImplementedError, False),
    "hessian forward-mode": (
        lambda F, L: F.hessian(lambda a: (a ** 3).sum(), _x(L),
                               outer_jacobian_strategy="forward-mode"),
        NotImplementedError, False),
    "hessian unknown strategy": (
        lambda F, L: F.hessian(lambda a: (a ** 3).sum(), _x(L), outer_jacobian_strategy="x"),
        AssertionError, True),
}


@pytest.mark.parametrize("name", sorted(ERROR_CASES))
def test_errors(name):
    call, exc, _ = ERROR_CASES[name]
    with pytest.raises(exc):
        call(AF, tinytorch)


@pytest.mark.parametrize("name", sorted(ERROR_CASES))
def test_errors_match_torch(name):
    torch, TF = _torch_f()
    call, exc, same_text = ERROR_CASES[name]
    with pytest.raises(exc) as mine:
        call(AF, tinytorch)
    with pytest.raises(exc) as ref:
        call(TF, torch)
    if same_text:
        assert str(mine.value).replace("tinytorch", "torch") == str(ref.value)


def test_forward_mode_message_says_what_to_do():
    with pytest.raises(NotImplementedError, match='strategy="reverse-mode"'):
        AF.jacobian(lambda a: a * a, _x(tinytorch), strategy="forward-mode")


# --- closed forms and finite differences (no torch) -------------------------------------------

def test_jacobian_of_a_linear_map_is_its_matrix():
    a = np.arange(6.0).reshape(2, 3) - 2
    A = tinytorch.tensor(a, dtype=tinytorch.float64)
    x = tinytorch.tensor([0.5, -1.0, 2.0], dtype=tinytorch.float64)
    J = AF.jacobian(lambda t: A @ t, x)
    assert tuple(J.shape) == (2, 3) and not J.requires_grad
    np.testing.assert_array_equal(arr(J), a)


def test_jacobian_identity_and_structure():
    x = tinytorch.zeros(2, 3, dtype=tinytorch.float64)
    J = AF.jacobian(lambda t: t, x)
    np.testing.assert_array_equal(arr(J).reshape(6, 6), np.eye(6))
    J2 = AF.jacobian(lambda a, b: (a * b, a + b), (x, x))
    assert len(J2) == 2 and all(len(row) == 2 for row in J2)
    assert all(tuple(j.shape) == (2, 3, 2, 3) for row in J2 for j in row)
    one_in_two_out = AF.jacobian(lambda a: (a, a.sum()), x)
    assert [tuple(j.shape) for j in one_in_two_out] == [(2, 3, 2, 3), (2, 3)]


def _numerical_jacobian(fn, x, eps=1e-6):
    x = np.array(x, dtype=np.float64)
    cols = []
    for k in range(x.size):
        d = np.zeros_like(x)
        d.flat[k] = eps
        plus = arr(fn(tinytorch.tensor(x + d)))
        minus = arr(fn(tinytorch.tensor(x - d)))
        cols.append(((plus - minus) / (2 * eps)).reshape(-1))
    return np.stack(cols, axis=1)


def test_jacobian_matches_finite_differences():
    x0 = np.array([[0.3, -0.7], [1.1, 0.2]])

    def fn(t):
        return (t.tanh() @ t).exp() * t.sin()
    J = AF.jacobian(fn, tinytorch.tensor(x0))
    np.testing.assert_allclose(arr(J).reshape(4, 4), _numerical_jacobian(fn, x0),
                               rtol=FD_TOL, atol=FD_TOL)


def rosenbrock(p):
    x, y = p[0], p[1]
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def test_hessian_of_rosenbrock_closed_form():
    x, y = -1.2, 1.0
    p = tinytorch.tensor([x, y], dtype=tinytorch.float64)
    H = AF.hessian(rosenbrock, p)
    expect = [[2 - 400 * (y - x * x) + 800 * x * x, -400 * x], [-400 * x, 200]]
    np.testing.assert_allclose(arr(H), expect, rtol=1e-12)


def test_hessian_of_quadratic_form_is_symmetrised_matrix():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((4, 4))
    A = tinytorch.tensor(a)
    x = tinytorch.tensor(rng.standard_normal(4))
    H = AF.hessian(lambda t: (t * (A @ t)).sum(), x)
    np.testing.assert_allclose(arr(H), a + a.T, rtol=1e-12, atol=1e-12)
    # tuple inputs: blocks H[i][j], zeros where the function is linear
    Hxy = AF.hessian(lambda s, t: (s * s * t).sum() + (t * 3).sum(), (x, x))
    assert [[tuple(b.shape) for b in row] for row in Hxy] == [[(4, 4)] * 2] * 2
    xv = arr(x)
    np.testing.assert_allclose(arr(Hxy[0][0]), np.diag(2 * xv), atol=1e-12)
    np.testing.assert_allclose(arr(Hxy[0][1]), np.diag(2 * xv), atol=1e-12)
    np.testing.assert_allclose(arr(Hxy[1][1]), np.zeros((4, 4)))


def test_products_closed_forms():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((3, 3))
    A = tinytorch.tensor(a)
    xv, vv = rng.standard_normal(3), rng.standard_normal(3)
    x, v = tinytorch.tensor(xv), tinytorch.tensor(vv)

    out, g = AF.vjp(lambda t: A @ t, x, v)            # v^T A
    np.testing.assert_allclose(arr(out), a @ xv, rtol=1e-12)
    np.testing.assert_allclose(arr(g), vv @ a, rtol=1e-12)
    out, g = AF.jvp(lambda t: A @ t, x, v)            # A v
    np.testing.assert_allclose(arr(g), a @ vv, rtol=1e-12)
    out, g = AF.jvp(lambda t: t.exp(), x, v)          # diag(e^x) v
    np.testing.assert_allclose(arr(g), np.exp(xv) * vv, rtol=1e-12)

    def f(t):
        return (t * (A @ t)).sum()                    # H = A + A^T, not symmetric pieces
    out, hv = AF.hvp(f, x, v)
    np.testing.assert_allclose(arr(out), xv @ a @ xv, rtol=1e-12)
    np.testing.assert_allclose(arr(hv), (a + a.T) @ vv, rtol=1e-12)
    _, vh = AF.vhp(f, x, v)
    np.testing.assert_allclose(arr(vh), vv @ (a + a.T), rtol=1e-12)
    assert not hv.requires_grad and not vh.requires_grad and not out.requires_grad


def test_unused_input_gives_zeros_not_none():
    x = tinytorch.tensor([1.0, 2.0], dtype=tinytorch.float64)
    _, (ga, gb) = AF.vjp(lambda a, b: (a * a).sum(), (x, x))
    np.testing.assert_array_equal(arr(gb), [0.0, 0.0])
    np.testing.assert_array_equal(arr(ga), [2.0, 4.0])
    J = AF.jacobian(lambda a: tinytorch.ones(3, dtype=tinytorch.float64), x)
    assert tuple(J.shape) == (3, 2) and not np.any(arr(J))


def test_inputs_are_left_alone_and_create_graph_connects_to_them():
    x = tinytorch.tensor([0.5, -1.0], dtype=tinytorch.float64)
    AF.jacobian(lambda t: t * t, x)
    assert not x.requires_grad and x.grad is None and x.grad_fn is None
    w = tinytorch.tensor([0.5, -1.0], dtype=tinytorch.float64, requires_grad=True)
    J = AF.jacobian(lambda t: t ** 3, w)
    assert not J.requires_grad and w.grad is None
    J = AF.jacobian(lambda t: t ** 3, w, create_graph=True)      # diag(3 w^2)
    assert J.requires_grad
    (g,) = tinytorch.autograd.grad(J.sum(), w)                    # 6 w
    np.testing.assert_allclose(arr(g), [3.0, -6.0], rtol=1e-12)


def test_vectorize_is_only_a_speed_knob():
    x = tinytorch.tensor([[0.1, 0.2], [0.3, 0.4]], dtype=tinytorch.float64)
    for fn in (lambda t: t.exp() * t.sum(), lambda t: (t.sin(), (t * t).sum())):
        plain, vec = AF.jacobian(fn, x), AF.jacobian(fn, x, vectorize=True)
        for a, b in zip(flat(plain), flat(vec)):
            np.testing.assert_array_equal(arr(a), arr(b))
    h = AF.hessian(lambda t: (t ** 3).sum(), x, vectorize=True)
    np.testing.assert_allclose(arr(h).reshape(4, 4), np.diag(6 * arr(x).ravel()), rtol=1e-12)


def test_dtype_of_each_jacobian_block_is_its_input_dtype():
    x32 = tinytorch.tensor([1.0, 2.0], dtype=tinytorch.float32)
    x64 = tinytorch.tensor([1.0, 2.0], dtype=tinytorch.float64)
    J = AF.jacobian(lambda a, b: a * b, (x32, x64))
    assert J[0].dtype == tinytorch.float32
    assert J[1].dtype == tinytorch.float64


# --- worked case: Hessian-vector product of a small MLP ---------------------------------------

def mlp(L, sizes=(3, 5, 4, 1)):
    """Linear/tanh layers in float64, with tinytorch (L=tinytorch) or torch (L=torch)."""
    layers = []
    for k, (i, o) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(L.nn.Linear(i, o, dtype=L.float64))
        if k < len(sizes) - 2:
            layers.append(L.nn.Tanh())
    return L.nn.Sequential(*layers)


def copy_weights(src, dst):
    import torch
    dst.load_state_dict({k: torch.from_numpy(arr(v).copy()) for k, v in
                         src.state_dict().items()})


def _mlp_data(L, n=6, d_in=3, seed=4):
    rng = np.random.default_rng(seed)
    return (L.tensor(rng.standard_normal((n, d_in)), dtype=L.float64),
            L.tensor(rng.standard_normal((n, 1)), dtype=L.float64))


def _mlp_hvp(L, model, seed=7):
    """H v for the MSE loss w.r.t. all parameters, by differentiating <grad, v>."""
    X, Y = _mlp_data(L)
    params = list(model.parameters())
    loss = ((model(X) - Y) ** 2).mean()
    grads = L.autograd.grad(loss, params, create_graph=True)
    rng = np.random.default_rng(seed)
    vs = [L.tensor(rng.standard_normal(tuple(p.shape)), dtype=L.float64) for p in params]
    gv = sum((g * v).sum() for g, v in zip(grads, vs))
    return L.autograd.grad(gv, params), vs


def _mlp_as_function(X, Y):
    def loss(w1, b1, w2, b2, w3, b3):
        h = (X @ w1.T + b1).tanh()
        h = (h @ w2.T + b2).tanh()
        return (((h @ w3.T + b3) - Y) ** 2).mean()
    return loss


def test_mlp_hessian_vector_product_matches_torch():
    torch = pytest.importorskip("torch")
    tinytorch.manual_seed(0)
    mine_model, ref_model = mlp(tinytorch), mlp(torch)
    copy_weights(mine_model, ref_model)
    mine, _ = _mlp_hvp(tinytorch, mine_model)
    ref, _ = _mlp_hvp(torch, ref_model)
    for a, b in zip(mine, ref):
        np.testing.assert_allclose(arr(a), arr(b), rtol=1e-10, atol=1e-12)
    # the same product through autograd.functional, with the parameters as inputs
    params = tuple(p.detach() for p in mine_model.parameters())
    _, vs = _mlp_hvp(tinytorch, mine_model)
    _, hv = AF.hvp(_mlp_as_function(*_mlp_data(tinytorch)), params, tuple(vs))
    _, hv_ref = torch.autograd.functional.hvp(
        _mlp_as_function(*_mlp_data(torch)), tuple(p.detach() for p in ref_model.parameters()),
        tuple(torch.from_numpy(arr(v)) for v in vs))
    assert_same(hv, hv_ref)
    for a, b in zip(hv, ref):
        np.testing.assert_allclose(arr(a), arr(b), rtol=1e-10, atol=1e-12)


def test_mlp_hessian_vector_product_matches_finite_differences():
    tinytorch.manual_seed(0)
    model = mlp(tinytorch)
    hv, vs = _mlp_hvp(tinytorch, model)
    X, Y = _mlp_data(tinytorch)
    params = list(model.parameters())
    eps = 1e-5

    def grads_at(sign):
        with tinytorch.no_grad():
            for p, v in zip(params, vs):
                p += sign * eps * v
        loss = ((model(X) - Y) ** 2).mean()
        gs = [arr(g) for g in tinytorch.autograd.grad(loss, params)]
        with tinytorch.no_grad():
            for p, v in zip(params, vs):
                p -= sign * eps * v
        return gs
    plus, minus = grads_at(1.0), grads_at(-1.0)
    for h, gp, gm in zip(hv, plus, minus):
        np.testing.assert_allclose(arr(h), (gp - gm) / (2 * eps), rtol=1e-6, atol=1e-8)
    # vhp equals hvp here (the Hessian is symmetric)
    f = _mlp_as_function(X, Y)
    ps = tuple(p.detach() for p in params)
    _, vh = AF.vhp(f, ps, tuple(vs))
    for a, b in zip(vh, hv):
        np.testing.assert_allclose(arr(a), arr(b), rtol=1e-10, atol=1e-12)


# --- worked case: physics-informed loss (u'' + u)^2 -------------------------------------------

def pinn_loss(L, model, x):
    """Residual of u'' = -u at the points x, u a network: u'' by two create_graph grads."""
    u = model(x)
    (du,) = L.autograd.grad(u.sum(), x, create_graph=True)
    (d2u,) = L.autograd.grad(du.sum(), x, create_graph=True)
    return ((d2u + u) ** 2).mean(), u, du, d2u


def _pinn_points(L):
    return L.tensor(np.linspace(0.0, np.pi, 7).reshape(-1, 1), dtype=L.float64,
                    requires_grad=True)


def test_pinn_weight_gradients_match_torch():
    torch = pytest.importorskip("torch")
    tinytorch.manual_seed(1)
    mine_model, ref_model = mlp(tinytorch, (1, 6, 6, 1)), mlp(torch, (1, 6, 6, 1))
    copy_weights(mine_model, ref_model)
    got = {}
    for L, model in ((tinytorch, mine_model), (torch, ref_model)):
        loss, u, du, d2u = pinn_loss(L, model, _pinn_points(L))
        loss.backward()
        got[L.__name__] = [loss, u, du, d2u] + [p.grad for p in model.parameters()]
    for a, b in zip(got["tinytorch"], got["torch"]):
        np.testing.assert_allclose(arr(a), arr(b), rtol=1e-9, atol=1e-12)
    assert all(np.any(arr(p.grad)) for p in mine_model.parameters())


def test_pinn_second_derivative_and_weight_gradient_match_finite_differences():
    tinytorch.manual_seed(1)
    model = mlp(tinytorch, (1, 6, 6, 1))
    x = _pinn_points(tinytorch)
    loss, u, du, d2u = pinn_loss(tinytorch, model, x)
    h = 1e-4
    xv = arr(x)
    with tinytorch.no_grad():
        up, um = arr(model(tinytorch.tensor(xv + h))), arr(model(tinytorch.tensor(xv - h)))
    np.testing.assert_allclose(arr(du), (up - um) / (2 * h), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(arr(d2u), (up - 2 * arr(u) + um) / h ** 2, rtol=1e-4,
                               atol=1e-6)
    loss.backward()
    w = model[0].weight
    eps = 1e-6
    for idx in [(0, 0), (3, 0), (5, 0)]:
        vals = []
        for s in (1, -1):
            with tinytorch.no_grad():
                w[idx] += s * eps
            vals.append(pinn_loss(tinytorch, model, _pinn_points(tinytorch))[0].item())
            with tinytorch.no_grad():
                w[idx] -= s * eps
        np.testing.assert_allclose(arr(w.grad)[idx], (vals[0] - vals[1]) / (2 * eps),
                                   rtol=1e-5, atol=1e-8)


# --- worked case: WGAN-GP gradient penalty -----------------------------------------------------

def gradient_penalty(L, critic, real, fake, eps):
    x_hat = (eps * real + (1 - eps) * fake).requires_grad_(True)
    out = critic(x_hat)
    (g,) = L.autograd.grad(out, x_hat, grad_outputs=L.ones_like(out), create_graph=True)
    return ((g.norm(2, dim=1) - 1) ** 2).mean()


def _gp_data(L, seed=2):
    rng = np.random.default_rng(seed)
    real, fake = rng.standard_normal((5, 3)), rng.standard_normal((5, 3)) + 1
    eps = rng.uniform(size=(5, 1))
    return tuple(L.tensor(a, dtype=L.float64) for a in (real, fake, eps))


def test_wgan_gp_penalty_gradients_match_torch():
    torch = pytest.importorskip("torch")
    tinytorch.manual_seed(2)
    mine_model, ref_model = mlp(tinytorch, (3, 8, 8, 1)), mlp(torch, (3, 8, 8, 1))
    copy_weights(mine_model, ref_model)
    got = {}
    for L, critic in ((tinytorch, mine_model), (torch, ref_model)):
        gp = gradient_penalty(L, critic, *_gp_data(L))
        gp.backward()
        got[L.__name__] = [gp] + [p.grad for p in critic.parameters()]
    for a, b in zip(got["tinytorch"], got["torch"]):
        assert (a is None) == (b is None)       # the last bias does not enter the penalty
        if a is not None:
            np.testing.assert_allclose(arr(a), arr(b), rtol=1e-9, atol=1e-12)
    assert got["tinytorch"][0].item() > 0 and got["tinytorch"][-1] is None


def test_wgan_gp_penalty_gradient_matches_finite_differences():
    tinytorch.manual_seed(2)
    critic = mlp(tinytorch, (3, 8, 8, 1))
    gradient_penalty(tinytorch, critic, *_gp_data(tinytorch)).backward()
    b = critic[2].bias
    eps = 1e-6
    for i in range(3):
        vals = []
        for s in (1, -1):
            with tinytorch.no_grad():
                b[i] += s * eps
            vals.append(gradient_penalty(tinytorch, critic, *_gp_data(tinytorch)).item())
            with tinytorch.no_grad():
                b[i] -= s * eps
        np.testing.assert_allclose(arr(b.grad)[i], (vals[0] - vals[1]) / (2 * eps),
                                   rtol=1e-5, atol=1e-9)


# --- worked case: MAML, one differentiable SGD step -------------------------------------------

def _maml_data(L, seed=3):
    rng = np.random.default_rng(seed)
    arrays = (rng.standard_normal((6, 3)), rng.standard_normal(6), rng.standard_normal((5, 3)),
              rng.standard_normal(5), rng.standard_normal(3))
    return tuple(L.tensor(a, dtype=L.float64) for a in arrays)


def maml_linear(L, lr=0.1):
    X1, y1, X2, y2, w0 = _maml_data(L)
    w = w0.clone().requires_grad_(True)
    inner = ((X1 @ w - y1) ** 2).mean()
    (g,) = L.autograd.grad(inner, w, create_graph=True)
    w_fast = w - lr * g
    meta = ((X2 @ w_fast - y2) ** 2).mean()
    meta.backward()
    return meta, w.grad, g


def test_maml_step_linear_regression_closed_form():
    lr = 0.1
    meta, wgrad, g = maml_linear(tinytorch, lr)
    X1, y1, X2, y2, w0 = (arr(t) for t in _maml_data(tinytorch))
    g_inner = 2 / len(y1) * X1.T @ (X1 @ w0 - y1)
    H_inner = 2 / len(y1) * X1.T @ X1
    w_fast = w0 - lr * g_inner
    g_meta = 2 / len(y2) * X2.T @ (X2 @ w_fast - y2)
    np.testing.assert_allclose(arr(g), g_inner, rtol=1e-12)
    np.testing.assert_allclose(meta.item(), np.mean((X2 @ w_fast - y2) ** 2), rtol=1e-12)
    np.testing.assert_allclose(arr(wgrad), (np.eye(3) - lr * H_inner) @ g_meta, rtol=1e-10)
    # first-order MAML would give g_meta: the second-order term is really there
    assert not np.allclose(arr(wgrad), g_meta, rtol=1e-3)


def maml_mlp(L, model, lr=0.05):
    """One inner SGD step on the network's parameters (kept differentiable), then the
    query loss at the adapted parameters, backpropagated to the original ones."""
    rng = np.random.default_rng(6)
    X1, X2 = (L.tensor(rng.standard_normal((8, 2)), dtype=L.float64) for _ in range(2))
    y1, y2 = (L.tensor(rng.standard_normal((8, 1)), dtype=L.float64) for _ in range(2))
    w1, b1, w2, b2 = model.parameters()

    def forward(x, w1, b1, w2, b2):
        return (x @ w1.T + b1).tanh() @ w2.T + b2
    params = [w1, b1, w2, b2]
    inner = ((forward(X1, *params) - y1) ** 2).mean()
    grads = L.autograd.grad(inner, params, create_graph=True)
    fast = [p - lr * g for p, g in zip(params, grads)]
    meta = ((forward(X2, *fast) - y2) ** 2).mean()
    meta.backward()
    return [meta] + [p.grad for p in params]


def test_maml_step_mlp_matches_torch():
    torch = pytest.importorskip("torch")
    tinytorch.manual_seed(3)
    mine_model, ref_model = mlp(tinytorch, (2, 7, 1)), mlp(torch, (2, 7, 1))
    copy_weights(mine_model, ref_model)
    for a, b in zip(maml_mlp(tinytorch, mine_model), maml_mlp(torch, ref_model)):
        np.testing.assert_allclose(arr(a), arr(b), rtol=1e-9, atol=1e-12)


def test_maml_step_linear_matches_torch():
    torch = pytest.importorskip("torch")
    for a, b in zip(maml_linear(tinytorch), maml_linear(torch)):
        np.testing.assert_allclose(arr(a), arr(b), rtol=1e-10, atol=1e-12)


# --- worked case: third derivative of a polynomial ---------------------------------------------

def test_third_derivative_of_a_polynomial():
    xv = np.array([-1.5, 0.3, 2.0])
    x = tinytorch.tensor(xv, requires_grad=True)
    p = 3 * x ** 4 - 2 * x ** 3 + 5 * x ** 2 + x
    (d1,) = tinytorch.autograd.grad(p.sum(), x, create_graph=True)
    (d2,) = tinytorch.autograd.grad(d1.sum(), x, create_graph=True)
    (d3,) = tinytorch.autograd.grad(d2.sum(), x, create_graph=True)
    np.testing.assert_allclose(arr(d1), 12 * xv ** 3 - 6 * xv ** 2 + 10 * xv + 1, rtol=1e-12)
    np.testing.assert_allclose(arr(d2), 36 * xv ** 2 - 12 * xv + 10, rtol=1e-12)
    np.testing.assert_allclose(arr(d3), 72 * xv - 12, rtol=1e-12)
    assert d1.grad_fn is not None and d2.grad_fn is not None and d3.requires_grad
    (d4,) = tinytorch.autograd.grad(d3.sum(), x)
    np.testing.assert_allclose(arr(d4), [72.0, 72.0, 72.0])


def test_third_derivative_through_gradgradcheck_of_a_gradient():
    """gradgradcheck of x -> grad f(x) checks the third derivative numerically."""
    x = tinytorch.tensor([0.4, -0.8], dtype=tinytorch.float64, requires_grad=True)

    def grad_of_f(t):
        return tinytorch.autograd.grad((t.sin() * t ** 3).sum(), t, create_graph=True)[0]
    assert gradgradcheck(grad_of_f, (x,))


# --- worked case: backward(create_graph=True) and .grad ---------------------------------------

def test_backward_create_graph_fills_grad_with_history():
    x = tinytorch.tensor([1.0, 2.0], dtype=tinytorch.float64, requires_grad=True)
    y = (x ** 3).sum()
    y.backward(create_graph=True)
    assert x.grad.requires_grad and x.grad.grad_fn is not None
    np.testing.assert_allclose(arr(x.grad), [3.0, 12.0])
    (g2,) = tinytorch.autograd.grad(x.grad.sum(), x, retain_graph=True)   # d/dx sum(3x^2)
    np.testing.assert_allclose(arr(g2), [6.0, 12.0])
    x.grad.sum().backward()        # accumulates 6x into .grad (out of place), as torch does
    np.testing.assert_allclose(arr(x.grad), [9.0, 24.0])


@pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True")
def test_double_backprop_gradient_norm_penalty_matches_torch():
    """A gradient-norm regulariser: backward(create_graph=True), then backward of a function
    of the parameters' .grad."""
    torch = pytest.importorskip("torch")
    tinytorch.manual_seed(5)
    mine_model, ref_model = mlp(tinytorch), mlp(torch)
    copy_weights(mine_model, ref_model)
    got = {}
    for L, model in ((tinytorch, mine_model), (torch, ref_model)):
        X, Y = _mlp_data(L)
        ((model(X) - Y) ** 2).mean().backward(create_graph=True)
        first = [arr(p.grad) for p in model.parameters()]
        penalty = sum((p.grad ** 2).sum() for p in model.parameters())
        grads = L.autograd.grad(penalty, list(model.parameters()))
        got[L.__name__] = first + [arr(g) for g in grads]
    for a, b in zip(got["tinytorch"], got["torch"]):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


# --- retain_graph defaults to create_graph ----------------------------------------------------

def test_retain_graph_defaults_to_create_graph():
    x = tinytorch.tensor([1.0, -2.0], dtype=tinytorch.float64, requires_grad=True)
    y = (x.exp() * x).sum()
    tinytorch.autograd.grad(y, x, create_graph=True)
    (again,) = tinytorch.autograd.grad(y, x)                 # graph kept: no error
    np.testing.assert_allclose(arr(again), np.exp([1.0, -2.0]) * (1 + np.array([1.0, -2.0])))
    with pytest.raises(RuntimeError, match="second time"):   # the plain call freed it
        tinytorch.autograd.grad(y, x)

    z = (x ** 2).sum()
    z.backward(create_graph=True)
    z.backward()                                             # still there
    np.testing.assert_allclose(arr(x.grad), [4.0, -8.0])
    with pytest.raises(RuntimeError, match="second time"):
        z.backward()

    w = (x ** 2).sum()
    tinytorch.autograd.grad(w, x, create_graph=True, retain_graph=False)
    with pytest.raises(RuntimeError, match="second time"):   # explicit False wins
        tinytorch.autograd.grad(w, x)


# --- a custom Function whose backward uses Tensor ops is differentiable twice ------------------

def make_cube(L):
    class Cube(L.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x ** 2
    return Cube


def _cube_derivatives(L):
    x = L.tensor([0.5, -1.5, 2.0], dtype=L.float64, requires_grad=True)
    y = make_cube(L).apply(x)
    (d1,) = L.autograd.grad(y.sum(), x, create_graph=True)
    (d2,) = L.autograd.grad(d1.sum(), x, create_graph=True)
    (d3,) = L.autograd.grad(d2.sum(), x)
    return d1, d2, d3


def test_custom_function_differentiable_twice():
    d1, d2, d3 = _cube_derivatives(tinytorch)
    xv = np.array([0.5, -1.5, 2.0])
    np.testing.assert_allclose(arr(d1), 3 * xv ** 2)
    np.testing.assert_allclose(arr(d2), 6 * xv)
    np.testing.assert_allclose(arr(d3), [6.0, 6.0, 6.0])
    x = tinytorch.tensor([0.3, -0.7], dtype=tinytorch.float64, requires_grad=True)
    assert gradgradcheck(make_cube(tinytorch).apply, (x,))
    assert issubclass(make_cube(tinytorch), Function)


def test_custom_function_differentiable_twice_matches_torch():
    torch = pytest.importorskip("torch")
    for a, b in zip(_cube_derivatives(tinytorch), _cube_derivatives(torch)):
        np.testing.assert_allclose(arr(a), arr(b), rtol=1e-12)


def test_custom_function_hessian_through_functional():
    Cube = make_cube(tinytorch)
    x = tinytorch.tensor([0.5, -1.5], dtype=tinytorch.float64)
    H = AF.hessian(lambda t: Cube.apply(t).sum(), x)
    np.testing.assert_allclose(arr(H), np.diag([3.0, -9.0]))


# --- second derivatives through nn.functional (losses and activations of real models) --------

NN_CASES = {
    "softplus": lambda L, x: L.nn.functional.softplus(x),
    "silu": lambda L, x: L.nn.functional.silu(x),
    "gelu": lambda L, x: L.nn.functional.gelu(x),
    "elu": lambda L, x: L.nn.functional.elu(x),
    "leaky_relu": lambda L, x: L.nn.functional.leaky_relu(x, 0.1) * x,
    "mse_loss": lambda L, x: L.nn.functional.mse_loss(x * x, L.ones(6, dtype=L.float64)),
    "cross_entropy": lambda L, x: L.nn.functional.cross_entropy(x.reshape(2, 3),
                                                                 L.tensor([1, 2])),
    "bce_with_logits": lambda L, x: L.nn.functional.binary_cross_entropy_with_logits(
        x, L.tensor([1.0, 0.0, 1.0, 1.0, 0.0, 0.0], dtype=L.float64)),
    "layer_norm": lambda L, x: L.nn.functional.layer_norm(x.reshape(2, 3), (3,)) * x.reshape(2, 3),
    "log_softmax": lambda L, x: (L.nn.functional.log_softmax(x.reshape(2, 3), dim=1)
                                 * x.reshape(2, 3)),
}
_NN_X = [0.3, -0.8, 1.2, 0.05, -1.7, 0.6]


@pytest.mark.parametrize("name", sorted(NN_CASES))
def test_hessian_through_nn_functional_matches_finite_differences(name):
    fn = NN_CASES[name]
    x = tinytorch.tensor(_NN_X, dtype=tinytorch.float64)
    H = AF.hessian(lambda t: fn(tinytorch, t).sum(), x)

    def grad_at(xv):
        t = tinytorch.tensor(xv, requires_grad=True)
        return arr(tinytorch.autograd.grad(fn(tinytorch, t).sum(), t)[0])
    eps, xv = 1e-6, np.array(_NN_X)
    num = np.stack([(grad_at(xv + eps * e) - grad_at(xv - eps * e)) / (2 * eps)
                    for e in np.eye(len(xv))], axis=1)
    np.testing.assert_allclose(arr(H), num, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", sorted(NN_CASES))
def test_hessian_through_nn_functional_matches_torch(name):
    torch, TF = _torch_f()
    fn = NN_CASES[name]
    mine = AF.hessian(lambda t: fn(tinytorch, t).sum(),
                      tinytorch.tensor(_NN_X, dtype=tinytorch.float64))
    ref = TF.hessian(lambda t: fn(torch, t).sum(), torch.tensor(_NN_X, dtype=torch.float64))
    assert_same(mine, ref)


def test_norm_of_a_0d_tensor_twice():
    # the 0-d sum is a numpy scalar: the saved output must still be known as the output
    x = tinytorch.tensor(-1.5, dtype=tinytorch.float64, requires_grad=True)
    g, = tinytorch.autograd.grad(x.norm(), x, create_graph=True)
    g2, = tinytorch.autograd.grad(g, x)
    assert g.item() == -1.0 and g2.item() == 0.0
