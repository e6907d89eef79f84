"""The PyTorch-comparison tier: values, gradients, dtypes, printing and error types against
torch itself.  Skipped when torch is not importable."""
import itertools
import operator
import warnings

import numpy as np
import pytest

import tinytorch
from op_cases import CASES

torch = pytest.importorskip("torch")


def _dt(lib, name):
    return getattr(lib, name)


def _name(dtype):
    return str(dtype).split(".")[-1]


TOL = {"float64": dict(rtol=1e-9, atol=1e-11), "float32": dict(rtol=2e-5, atol=2e-6)}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", CASES, ids=repr)
def test_values_and_gradients_match_torch(case, dtype):
    arrays = case.arrays()
    ours = [tinytorch.tensor(a, dtype=_dt(tinytorch, dtype), requires_grad=True)
            for a in arrays]
    theirs = [torch.tensor(a, dtype=_dt(torch, dtype), requires_grad=True) for a in arrays]
    out, ref = case.fn(tinytorch, *ours), case.fn(torch, *theirs)
    assert tuple(out.shape) == tuple(ref.shape)
    assert _name(out.dtype) == _name(ref.dtype)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), **TOL[dtype])
    g = np.random.default_rng(1).standard_normal(tuple(ref.shape)).astype(dtype)
    out.backward(tinytorch.tensor(g))
    ref.backward(torch.tensor(g))
    for x, y in zip(ours, theirs):
        assert (x.grad is None) == (y.grad is None)
        if y.grad is not None:
            assert tuple(x.grad.shape) == tuple(y.grad.shape)
            assert _name(x.grad.dtype) == _name(y.grad.dtype)
            np.testing.assert_allclose(x.grad.data, y.grad.numpy(), **TOL[dtype])


def _grad_fn_name(t):
    return None if t.grad_fn is None else type(t.grad_fn).__name__


GRAD_FN_CASES = [
    "x * 2", "x + 1", "x - 1", "1 - x", "x / 2", "x ** 2", "2 ** x", "x ** x", "-x",
    "x.exp()", "x.log()", "x.sum()", "x.sum(0)", "x.mean()", "x.mean(0)", "x.max()",
    "x.max(0)[0]", "x.min()", "x.amax()", "x[0]", "x[1:]", "x[None]", "x[[0]]",
    "x.reshape(2, 1)", "x.view(2, 1)", "x.unsqueeze(0)", "x.reshape(1, 2).squeeze()",
    "x.t()", "x.reshape(1, 2).transpose(0, 1)", "x.reshape(1, 2).permute(1, 0)",
    "x.expand(2, 2)", "x.relu()", "x.sigmoid()", "x.tanh()", "x.clamp(0, 1)", "x.abs()",
    "x.var()", "x.std()", "x.softmax(0)", "x.log_softmax(0)", "x.logsumexp(0)", "x @ x",
    "x.reshape(1, 2) @ x.reshape(2, 1)", "x.reshape(1, 2).t() @ x.reshape(1, 2)", "L.cat([x, x])",
    "L.stack([x, x])", "x.split(1)[0]", "x.split([1, 1])[0]", "x.unbind()[0]",
    "x.repeat(2)", "x.double()", "x.clone()", "L.where(x > 0, x, 0.)", "L.maximum(x, x)",
    "x.masked_fill(x > 1, 0)", "x.sqrt()", "x.rsqrt()", "x.sin()", "x.cos()", "x.sign()",
    "x.log1p()", "x.square()", "x.norm()", "x.flatten()",
]


@pytest.mark.parametrize("expr", GRAD_FN_CASES)
def test_grad_fn_names_match_torch(expr):
    got = [_grad_fn_name(eval(expr, {"x": L.tensor([1.0, 2.0], requires_grad=True), "L": L}))
           for L in (tinytorch, torch)]
    assert got[0] == got[1]


# --- dtypes and promotion ---------------------------------------------------------------

DTYPES = ["float32", "float64", "int64", "int32", "uint8", "bool", "float16"]
BINOPS = {"add": operator.add, "sub": operator.sub, "mul": operator.mul,
          "truediv": operator.truediv, "pow": operator.pow, "floordiv": operator.floordiv,
          "mod": operator.mod, "eq": operator.eq, "lt": operator.lt, "ge": operator.ge,
          "and": operator.and_, "or": operator.or_, "xor": operator.xor,
          "maximum": lambda a, b: a.maximum(b), "minimum": lambda a, b: a.minimum(b)}


def _outcome(fn, *args):
    """The result's dtype and shape, or the exception type torch/tinytorch raises."""
    try:
        r = fn(*args)
    except Exception as e:  # noqa: BLE001 - the type is what is compared
        return type(e).__name__
    return _name(r.dtype), tuple(r.shape)


def _make(lib, dtype, ndim):
    return lib.ones((2,) if ndim else (), dtype=_dt(lib, dtype))


@pytest.mark.parametrize("op", sorted(BINOPS))
def test_tensor_tensor_promotion_matches_torch(op):
    """Category beats size (int + float -> float), dimensioned beats 0-d within a
    category, bool - bool is refused, and so on: the whole table against torch."""
    fn = BINOPS[op]
    for da, db in itertools.product(DTYPES, DTYPES):
        for na, nb in [(1, 1), (0, 1), (1, 0), (0, 0)]:
            got = _outcome(fn, _make(tinytorch, da, na), _make(tinytorch, db, nb))
            want = _outcome(fn, _make(torch, da, na), _make(torch, db, nb))
            assert got == want, (op, da, na, db, nb)


@pytest.mark.parametrize("op", sorted(set(BINOPS) - {"maximum", "minimum"}))
def test_tensor_scalar_promotion_matches_torch(op):
    """Python scalars do not promote within their category (float32 * 2.5 is float32),
    but a float scalar makes an integer tensor float (default dtype)."""
    fn = BINOPS[op]
    for dtype, scalar, ndim, reverse in itertools.product(DTYPES, [2, 2.5, True, -3],
                                                          [0, 1], [False, True]):
        f = (lambda a, b: fn(b, a)) if reverse else fn
        got = _outcome(f, _make(tinytorch, dtype, ndim), scalar)
        want = _outcome(f, _make(torch, dtype, ndim), scalar)
        assert got == want, (op, dtype, scalar, ndim, reverse)


UNARY_DTYPE_CASES = ["exp", "log", "sqrt", "sigmoid", "tanh", "sin", "abs", "neg", "relu",
                     "sign", "sum", "mean", "softmax", "logsumexp", "argmax", "float",
                     "double", "long", "int", "bool", "square", "var"]


@pytest.mark.parametrize("op", UNARY_DTYPE_CASES)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "bool"])
def test_unary_result_dtypes_match_torch(op, dtype):
    def call(t):
        if op in ("softmax", "logsumexp"):
            return getattr(t, op)(0)
        return getattr(t, op)()
    got = _outcome(call, _make(tinytorch, dtype, 1))
    want = _outcome(call, _make(torch, dtype, 1))
    assert got == want


# --- creation ----------------------------------------------------------------------

CREATION = [
    "L.tensor([1., 2.])", "L.tensor([1, 2])", "L.tensor([True, False])", "L.tensor(3.5)",
    "L.tensor(3)", "L.tensor([1, 2.5])", "L.tensor(np.array([1., 2.]))",
    "L.tensor(np.array([1, 2], dtype=np.int32))", "L.tensor(np.float64(2.0))",
    "L.tensor([[1, 2], [3, 4]], dtype=L.float64)", "L.Tensor([1, 2])", "L.Tensor(2, 3).shape",
    "L.from_numpy(np.arange(3.))", "L.zeros(2, 3)", "L.zeros((2, 3))", "L.zeros([2])",
    "L.ones(2, dtype=L.int64)", "L.full((2, 2), 7)", "L.full((2,), 1.5)",
    "L.full((2,), True)", "L.full((2,), 3, dtype=L.float64)", "L.eye(3)", "L.eye(2, 3)",
    "L.arange(5)", "L.arange(1, 4)", "L.arange(0, 1, 0.1)", "L.arange(1, 2.5, 0.5)",
    "L.arange(0., 0.3, 0.1)", "L.arange(-1., 1., 0.3)", "L.arange(10, 0, -3)",
    "L.arange(0.5, 5)", "L.arange(5, dtype=L.float64)", "L.arange(1, 1)",
    "L.linspace(0, 1, 5)", "L.linspace(-1, 1, 1)", "L.linspace(0, 10, 4, dtype=L.int64)",
    "L.zeros_like(L.ones(2, dtype=L.int64))", "L.ones_like(L.ones(2, 3))",
    "L.full_like(L.ones(2), 7)", "L.full_like(L.ones(2, dtype=L.int64), 7.5)",
    "L.empty(2, 3).shape", "L.zeros(0)", "L.zeros(2, 0)",
]


@pytest.mark.parametrize("expr", CREATION)
def test_creation_matches_torch(expr):
    ours = eval(expr, {"L": tinytorch, "np": np})
    ref = eval(expr, {"L": torch, "np": np})
    if isinstance(ref, torch.Size):
        assert tuple(ours) == tuple(ref)
        return
    assert tuple(ours.shape) == tuple(ref.shape)
    assert _name(ours.dtype) == _name(ref.dtype)
    np.testing.assert_allclose(ours.data, ref.numpy(), rtol=1e-6)


SHAPE_EXPRS = [
    "L.arange(10).chunk(3)", "L.arange(10).chunk(4)", "L.arange(6).chunk(4)",
    "L.arange(5).chunk(4)", "L.arange(0).chunk(3)", "L.arange(10).split(3)",
    "L.arange(10).split([2, 8])", "L.arange(10).split(20)", "L.arange(0).split(2)",
    "L.arange(0).split(0)", "L.arange(12).reshape(3, 4).unbind(1)",
    "L.arange(12).reshape(3, 4).chunk(2, 1)",
    "L.cat([L.ones(2), L.ones(2, dtype=L.float64)])",
    "L.cat([L.ones(2, dtype=L.int64), L.ones(2)])",
    "L.cat([L.ones(2, dtype=L.bool), L.ones(2, dtype=L.int32)])",
    "L.cat([L.ones(2, 3), L.zeros(0)])", "L.stack([L.ones(2), L.zeros(2, dtype=L.int64)])",
    "L.arange(3.).transpose(0, 0)", "L.arange(3.).t()", "L.tensor(2.).t()",
    "L.zeros(1, 3, 1).squeeze((0, 2))", "L.zeros(2, 3, 4).flatten(1)",
    "L.zeros(3, 1).expand(2, 3, 4)", "L.arange(3).repeat(2, 2)",
    "L.arange(24).reshape(2, 3, 4)[0, :, [1, 2]]",
    "L.arange(24).reshape(2, 3, 4)[L.tensor(0), :, [1, 2]]",
    "L.arange(24).reshape(2, 3, 4)[[0, 1], :, 0]", "L.arange(24).reshape(2, 3, 4)[:, 1, [0, 3]]",
    "L.arange(24).reshape(2, 3, 4)[[1, 0], 0, ..., [1, 2]]",
    "L.arange(24).reshape(2, 3, 4)[0, None, :, [1, 2]]",
    "L.arange(24).reshape(2, 3, 4)[0, [True, False, True]]",
    "L.arange(24).reshape(2, 3, 4)[[0, 1], :, [1, 3]]",
    "L.arange(12).reshape(3, 4)[L.arange(12).reshape(3, 4) > 5]",
    "L.arange(12).reshape(3, 4)[..., [0, 0]]",
    "L.tensor([[3., 1., 3.], [0., 5., 5.]]).max(1)",
    "L.tensor([[3., 1., 3.], [0., 5., 5.]]).min(1)",
    "L.tensor([[3., 1., 3.], [0., 5., 5.]]).argmax(1)",
    "L.tensor([3., 1., 3.]).argmax()", "L.tensor([3., 1., 1.]).argmin()",
    "L.tensor([[3., 1.], [0., 5.]]).argmax(1, keepdim=True)",
    "L.tensor([1., 2., 4., 8.]).var()", "L.tensor([1., 2., 4., 8.]).var(unbiased=False)",
    "L.tensor([1., 2., 4., 8.]).var(False)", "L.tensor([1., 2., 4., 8.]).var(0, correction=2)",
    "L.tensor([1., 2., 4., 8.]).std(0, keepdim=True)",
    "L.tensor([[1., 2.], [4., 8.]]).var(dim=(0, 1))",
    "L.tensor([[1., 2.], [4., 8.]]).std(1, unbiased=True)",
    "L.tensor(5) / L.tensor(2)", "L.tensor([-5]) // 2", "L.tensor([-5.]) // 2",
    "L.tensor([-5]) % 3", "7 % L.tensor([3, -4])", "L.tensor([True, False]).sum()",
    "L.tensor([True, False]) + L.tensor([True, True])", "~L.tensor([True, False])",
    "L.tensor([1, 2]).masked_fill(L.tensor([True, False]), 5.5)",
    "L.tensor([[1., 2.]]).masked_fill(L.tensor([[True], [False]]), 5)",
    "L.where(L.tensor([True, False]), 1, 0)", "L.where(L.tensor([True, False]), 1., 0)",
    "L.where(L.tensor([True, False]), L.tensor([1, 2]), 0.5)",
    "L.tensor([1., 2.]) == L.tensor([1., 3.])", "L.tensor([1, 2]) < 1.5",
    "L.zeros(0, 3).max(1)", "L.zeros(0, 3).logsumexp(0)", "L.zeros(0, 3).softmax(0)",
    "L.zeros(0, 3).argmax(1)", "L.zeros(2, 0).sum(1)",
]


def _flatten(r):
    if isinstance(r, (tuple, list)):
        return [x for item in r for x in _flatten(item)]
    return [r]


@pytest.mark.parametrize("expr", SHAPE_EXPRS)
def test_shape_and_value_semantics_match_torch(expr):
    ours = _flatten(eval(expr, {"L": tinytorch}))
    ref = _flatten(eval(expr, {"L": torch}))
    assert len(ours) == len(ref)
    for a, b in zip(ours, ref):
        assert tuple(a.shape) == tuple(b.shape)
        assert _name(a.dtype) == _name(b.dtype)
        np.testing.assert_allclose(a.data, b.numpy(), rtol=1e-6)


# --- errors: the exception type is torch's --------------------------------------------

BAD = [
    "L.ones(2, 3) + L.ones(3, 2)", "L.ones(4, 3) @ L.ones(4, 5)", "L.ones(3) @ L.ones(4)",
    "L.ones(2, 3) @ L.ones(4)", "L.ones(2, 3, 4) @ L.ones(5, 4, 2)", "L.ones(3) @ L.tensor(1.)",
    "L.ones(2, 2) @ L.ones(2, 2, dtype=L.float64)", "L.ones(2, 2).mm(L.ones(2))",
    "L.tensor([1, 2], requires_grad=True)", "L.zeros(2, dtype=L.int64).requires_grad_()",
    "L.ones(2, 3).sum(2)", "L.ones(2, 3).sum(-3)", "L.ones(2, 3).mean((0, 0))",
    "L.ones(2, 3).softmax(2)", "L.zeros(3).unsqueeze(2)", "L.zeros(2, 3).size(2)",
    "L.ones(2, 3).transpose(0, 2)", "L.ones(2, 3).permute(0)", "L.ones(2, 3).permute(0, 0)",
    "L.arange(6).reshape(4, -1)", "L.arange(6).reshape(-1, -1)", "L.arange(6).view(4, 2)",
    "L.arange(6).reshape(2, 3).t().view(6)", "L.zeros(3, 2).expand(3, 4)",
    "L.zeros(3, 1).expand(4)", "L.zeros(2, 3).flatten(1, 0)",
    "L.cat([L.ones(2, 3), L.ones(3, 4)], 1)", "L.cat([L.ones(2, 3), L.ones(2)])",
    "L.cat([])", "L.stack([L.ones(2), L.zeros(3)])", "L.stack([L.ones(2)], 2)",
    "L.arange(10).split(0)", "L.arange(10).split([2, 7])", "L.arange(10).split(-1)",
    "L.arange(10).chunk(0)", "L.arange(12).reshape(3, 4)[3]",
    "L.arange(12).reshape(3, 4)[:, 4]", "L.arange(12).reshape(3, 4)[L.tensor([1.0])]",
    "L.arange(12).reshape(3, 4)[1.0]", "L.arange(12).reshape(3, 4)[[5]]",
    "L.arange(12).reshape(3, 4)[1, 2, 3]", "L.arange(12).reshape(3, 4)[::-1]",
    "L.tensor([1., 2.]).masked_fill(L.tensor([1, 0]), 5)",
    "L.tensor([1., 2.]).masked_fill(L.tensor([True, False, True]), 5)",
    "L.where(L.tensor([1, 0]), 1., 0.)", "L.tensor([1, 2]).mean()",
    "L.tensor([1, 2]).var()", "L.tensor([1, 2]).softmax(0)", "L.tensor([1., 2.]).item()",
    "L.zeros(0).max()", "L.zeros(0).amax()", "L.zeros(2, 0).amax(1)", "L.zeros(0).argmax()",
    "L.zeros(0, 3).max(0)", "bool(L.tensor([1., 2.]))", "len(L.tensor(1.))",
    "iter(L.tensor(1.))", "L.zeros(-1)", "L.zeros(2.5)", "L.ones(2) & L.ones(2)",
    "~L.ones(2)", "-L.tensor([True])", "L.tensor([True]) - L.tensor([True])",
    "L.tensor([True]) ** L.tensor([True])", "L.tensor([True]) // True",
    "L.tensor([2]) ** -1", "L.tensor('a')", "L.tensor([[1], [2, 3]])",
    "L.randint(3, 1, (2,))", "L.randint(2.5, (2,))", "L.arange(1, 5, 0)", "L.arange(5, 1)",
    "L.tensor([1., 2.]).clamp()", "L.ones(2).numpy() if False else "
    "L.ones(2, requires_grad=True).numpy()", "L.from_numpy([1, 2])",
    "L.ones(2) < 'a'", "L.tensor([True]).abs()",
    "(L.ones(4, requires_grad=True) * 1).split(2)[1].mul_(2)",
    "(L.ones(4, requires_grad=True) * 1).unbind()[1].zero_()",
    "(L.ones(4, requires_grad=True) * 1).chunk(2)[0].add_(1)", "L.tensor([True]).relu()",
    "L.tensor([True]).argmax()",
]


@pytest.mark.parametrize("expr", BAD)
def test_error_types_match_torch(expr):
    def kind(L):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                eval(expr, {"L": L, "np": np})
            except Exception as e:  # noqa: BLE001 - the type is what is compared
                return type(e)
        return None
    want = kind(torch)
    got = kind(tinytorch)
    assert want is not None, "torch accepts this; the case list is wrong"
    assert got is not None, f"tinytorch accepted {expr}"
    # the same type, or a subclass of it (e.g. a GradcheckError is a RuntimeError)
    assert issubclass(got, want), (got, want)


# --- printing ------------------------------------------------------------------------

REPRS = [
    "tensor([1., 2.])", "tensor([1., 2.], requires_grad=True)", "tensor(3.5)", "tensor(3)",
    "tensor([1, 2, 3])", "tensor([True, False])", "tensor([1.5, 2.25, -3.125])",
    "tensor([[1., 2.], [3., 4.]])", "tensor([1e-5, 1.0])", "tensor([1e10, 1.0])",
    "tensor([0.1, 100.0])", "tensor([0.1, 1000.0])",
    "tensor([float('nan'), 1.0, float('inf')])", "tensor([1., 2.], dtype=L.float64)",
    "tensor([1, 2], dtype=L.int32)", "zeros(0)", "zeros(2, 0)",
    "tensor([[1.5, 2.], [3., -4.]], requires_grad=True) * 2",
    "tensor(2.0, requires_grad=True) * 3", "arange(12.).reshape(3, 4)", "arange(2000.)",
    "tensor([0.0, -0.0])", "tensor(-0.5)", "tensor([123456.789])", "tensor([1e8, 1.])",
    "tensor([1e9, 1.])", "ones(3, dtype=L.float16) / 3", "tensor(1e20)",
    "arange(30).reshape(5, 6) * 1000000", "tensor(True)", "zeros(2, 3, dtype=L.bool)",
    "tensor([0.0001, 1.])", "arange(2000).reshape(40, 50)", "arange(24.).reshape(2, 3, 4)",
    "arange(100.) / 3", "zeros(0, dtype=L.int64)", "zeros(0, 3, requires_grad=True)",
    "tensor([float('nan'), 0.])", "arange(1001.)", "arange(10**6, 10**6 + 30)",
    "arange(5000.).reshape(10, 5, 100)", "arange(64.).reshape(2, 2, 2, 2, 2, 2)",
    "tensor([1.0, 2.0], requires_grad=True).sum()",
]


@pytest.mark.parametrize("expr", REPRS)
def test_repr_matches_torch(expr):
    ours = repr(eval("L." + expr, {"L": tinytorch}))
    ref = repr(eval("L." + expr, {"L": torch})).replace("torch.", "tinytorch.")
    assert ours == ref


def test_repr_with_float64_default_dtype_matches_torch():
    exprs = ["ones(2)", "ones(2, dtype=L.float32)", "zeros(0)", "tensor([1.5])"]
    tinytorch.set_default_dtype(tinytorch.float64)
    torch.set_default_dtype(torch.float64)
    try:
        for e in exprs:
            ours = repr(eval("L." + e, {"L": tinytorch}))
            ref = repr(eval("L." + e, {"L": torch})).replace("torch.", "tinytorch.")
            assert ours == ref
    finally:
        tinytorch.set_default_dtype(tinytorch.float32)
        torch.set_default_dtype(torch.float32)


# --- autograd behaviour against torch ---------------------------------------------------

def test_second_backward_behaviour_matches_torch():
    """Which graphs can be walked twice: those whose nodes saved nothing (add, sum) can,
    those that saved an input (even a Python scalar, as in q * 2) cannot."""
    exprs = ["(q * 2).sum()", "(q + q).sum()", "q.sum()", "(q * q).sum()", "q.exp().sum()",
             "(q ** 2).sum()", "q.mean()", "(q - 1).sum()", "q.relu().sum()"]
    for e in exprs:
        outcomes = []
        for L in (tinytorch, torch):
            q = L.ones(3, requires_grad=True)
            y = eval(e, {"q": q})
            y.backward()
            try:
                y.backward()
                outcomes.append(("ok", q.grad.tolist()))
            except RuntimeError as err:
                assert "retain_graph=True" in str(err)
                outcomes.append("raised")
        assert outcomes[0] == outcomes[1], e


def test_in_place_version_errors_match_torch():
    def scenarios(L):
        x = L.tensor([1.0, 2.0], requires_grad=True)
        out = []

        def run(f):
            try:
                f()
                out.append("ok")
            except RuntimeError:
                out.append("raised")

        def saved_output_modified():
            y = x.exp()
            z = y.sum()
            y.add_(1)
            z.backward()

        def unsaved_modified():
            a = x * 1
            b = a + a
            a.mul_(2)
            b.sum().backward()

        def view_modified():
            a = x * 1
            c = a[0] * a[0]
            a.mul_(2)
            c.backward()

        def leaf_in_place():
            x.add_(1)

        def leaf_in_place_no_grad():
            with L.no_grad():
                x.add_(1)
        for f in (saved_output_modified, unsaved_modified, view_modified, leaf_in_place,
                  leaf_in_place_no_grad):
            run(f)
        return out
    assert scenarios(tinytorch) == scenarios(torch)


VIEW_SCENARIOS = [
    "a = x * 1; a[0].mul_(3); out = a",
    "a = x * 1; a[1:].add_(x[:3]); out = a",
    "a = x * 1; r = a.view(2, 2); r.t()[0].add_(10); out = a * L.arange(4.)",
    "a = x * 1; r = a.view(2, 2); a.mul_(2); out = r.reshape(4) * L.arange(4.)",
    "a = x * 1; p, q = a.detach().split(2); q.mul_(p); out = a * a.detach()",
    "b = L.zeros(5); b[1:].copy_(x * 2); out = b * L.arange(5.)",
    "a = x.view(2, 2) * 1; a[:, 0] = x[:2]; out = a",
    "a = x * 1; a[L.tensor([0, 2])] = 0.; out = a * a",
    "a = x.reshape(2, 2) * 1; a.t()[1].clamp_(0, 2.5); out = a.sum(0)",
]


@pytest.mark.parametrize("code", VIEW_SCENARIOS)
def test_in_place_on_views_matches_torch(code):
    results = []
    for L in (tinytorch, torch):
        x = L.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
        scope = {"L": L, "x": x}
        exec(code, scope)
        out = scope["out"]
        out.sum().backward()
        results.append((out.detach().numpy().copy(), x.grad.numpy()))
    np.testing.assert_allclose(results[0][0], results[1][0])
    np.testing.assert_allclose(results[0][1], results[1][1])


# --- random programs: chains of ops, in place ops on views, reuse ---------------------

def _random_step(L, x, y, r):
    """One op drawn by ``r`` that is valid for x's shape (y has x's original shape)."""
    nd = x.dim()
    same = tuple(y.shape) == tuple(x.shape)
    choices = [
        lambda: getattr(x, r.choice(["exp", "tanh", "sigmoid", "relu", "abs", "sin",
                                     "square"]))(),
        lambda: x * r.choice([2, -1.5]) + r.choice([1, -0.5]),
        lambda: x / (y.abs() + 1) if same else x / 3,
        lambda: (x.abs() + 0.5) ** r.choice([2, 0.5, -1]),
        lambda: 2 ** x,
        lambda: x.sigmoid() * y.tanh() if same else x.sigmoid(),
        lambda: L.where(x > 0, x, x * 0.1),
        lambda: x.masked_fill(x > 0.5, 0.5),
        lambda: x.clamp(-0.5, 0.5),
        lambda: L.maximum(x, x * 0.5),
        lambda: (x * x + 1).log(),
        lambda: x.reshape(-1),
        lambda: x.unsqueeze(0),
    ]
    if nd:
        d = r.randrange(nd)
        choices += [
            lambda: x.sum(d, keepdim=r.random() < 0.5),
            lambda: x.mean(d, keepdim=True),
            lambda: x.softmax(d),
            lambda: x.log_softmax(-1),
            lambda: x.logsumexp(d),
            lambda: x.max(d)[0],
            lambda: x.amax(-1),
            lambda: x[0],
            lambda: x[L.tensor([0, 0, 0])],
            lambda: x.expand(2, *x.shape),
            lambda: x.repeat(*([2] + [1] * (nd - 1))),
            lambda: L.cat([x, x * 2], d),
            lambda: L.stack([x, x.exp()], d),
            lambda: L.cat([p * (i + 1) for i, p in enumerate(x.split(1, nd - 1))], nd - 1),
            lambda: L.stack([p.exp() for p in x.unbind(0)], 0),
            lambda: x.chunk(2, 0)[0],
            lambda: _set_first(x, lambda z: z[0].mul_(2)),
            lambda: _set_first(x, lambda z: z.__setitem__(0, z[0] * 3)),
            lambda: _set_first(x, lambda z: z.__setitem__(L.tensor([0, 0]), 3.0)),
        ]
    if nd >= 2:
        choices += [
            lambda: x.transpose(0, nd - 1),
            lambda: x.permute(*reversed(range(nd))),
            lambda: x @ x.transpose(-1, -2).exp(),
            lambda: _set_first(x, lambda z: z.transpose(0, 1)[0].add_(1)),
        ]
    return r.choice(choices)()


def _set_first(x, modify):
    z = x * 1
    modify(z)
    return z


@pytest.mark.parametrize("start", range(0, 400, 50))
def test_random_op_chains_match_torch(start):
    import random
    for seed in range(start, start + 50):
        rng = np.random.default_rng(seed)
        shape = tuple(int(v) for v in rng.integers(1, 4, rng.integers(0, 4)))
        a, b = rng.uniform(-1, 1, shape), rng.uniform(-1, 1, shape)
        got = []
        for L in (tinytorch, torch):
            r = random.Random(seed)
            x = L.tensor(a, dtype=L.float64, requires_grad=True)
            y = L.tensor(b, dtype=L.float64, requires_grad=True)
            h = x
            for _ in range(6):
                h = _random_step(L, h, y, r)
            g = np.random.default_rng(1).standard_normal(tuple(h.shape))
            h.backward(L.tensor(g))
            as_np = (lambda t: None if t is None else t.detach().numpy())
            got.append([as_np(h), as_np(x.grad), as_np(y.grad)])
        for ours, ref in zip(*got):
            assert (ours is None) == (ref is None), seed
            if ref is not None:
                assert np.shape(ours) == np.shape(ref), seed
                np.testing.assert_allclose(ours, ref, rtol=1e-8, atol=1e-10,
                                           err_msg=f"seed {seed}")
