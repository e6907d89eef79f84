"""The table of differentiable ops the test suite checks, shared by test_ops_grad.py
(finite differences) and test_torch_compare.py (values and gradients against PyTorch).

Each case is ``fn(L, *inputs)`` written against the common tinytorch/torch API, where ``L``
is the module (``tinytorch`` or ``torch``), and a list of input makers, each drawing one
float64 array from a numpy Generator.  Inputs are drawn so that finite differences do not
straddle a kink (distinct values for max/min, positive values for log/sqrt, ...).
"""
import zlib

import numpy as np


def U(*shape, lo=-2.0, hi=2.0):
    """uniform values"""
    return lambda rng: rng.uniform(lo, hi, shape)


def P(*shape):
    """positive values, away from 0"""
    return U(*shape, lo=0.5, hi=2.0)


def D(*shape):
    """distinct values at least 0.1 apart (for max/min/sort-like ops: no ties)"""
    def make(rng):
        n = int(np.prod(shape))
        return (rng.permutation(n) * 0.37 - n * 0.15).reshape(shape) + rng.uniform(0, .05)
    return make


class Case:
    def __init__(self, name, fn, *makers, f32_rtol=1e-5):
        self.name, self.fn, self.makers = name, fn, makers
        self.f32_rtol = f32_rtol

    def arrays(self):
        rng = np.random.default_rng(zlib.crc32(self.name.encode()))
        return [m(rng) for m in self.makers]

    def __repr__(self):
        return self.name


BROADCAST_SHAPES = [((3, 4), (4,)), ((2, 1, 3), (4, 1)), ((), (3, 4)), ((3, 4), ()),
                    ((2, 3), (2, 3)), ((1,), (5,)), ((4, 1), (1, 3))]

_MASK = np.array([[True, False, True, False], [False, False, True, True],
                  [True, True, False, False]])
_COND = np.array([True, False, False, True])


def _binary_cases():
    out = []
    for sa, sb in BROADCAST_SHAPES:
        tag = f"{sa}x{sb}"
        out += [
            Case(f"add {tag}", lambda L, a, b: a + b, U(*sa), U(*sb)),
            Case(f"sub {tag}", lambda L, a, b: a - b, U(*sa), U(*sb)),
            Case(f"mul {tag}", lambda L, a, b: a * b, U(*sa), U(*sb)),
            Case(f"div {tag}", lambda L, a, b: a / b, U(*sa), P(*sb)),
            Case(f"pow {tag}", lambda L, a, b: a ** b, P(*sa), U(*sb)),
            Case(f"maximum {tag}", lambda L, a, b: L.maximum(a, b), U(*sa), U(*sb)),
            Case(f"minimum {tag}", lambda L, a, b: L.minimum(a, b), U(*sa), U(*sb)),
            Case(f"where {tag}", lambda L, a, b: L.where(a > 0, a, b), U(*sa), U(*sb)),
        ]
    return out


def _scalar_cases():
    s = (3, 4)
    return [
        Case("x + 2", lambda L, x: x + 2, U(*s)),
        Case("2.5 + x", lambda L, x: 2.5 + x, U(*s)),
        Case("x - 2", lambda L, x: x - 2, U(*s)),
        Case("2 - x", lambda L, x: 2 - x, U(*s)),
        Case("x * 3", lambda L, x: x * 3, U(*s)),
        Case("-1.5 * x", lambda L, x: -1.5 * x, U(*s)),
        Case("x / 3", lambda L, x: x / 3, U(*s)),
        Case("3 / x", lambda L, x: 3 / x, P(*s)),
        Case("x ** 2", lambda L, x: x ** 2, U(*s)),
        Case("x ** 3", lambda L, x: x ** 3, U(*s)),
        Case("x ** 0.5", lambda L, x: x ** 0.5, P(*s)),
        Case("x ** -1.5", lambda L, x: x ** -1.5, P(*s)),
        Case("x ** 0", lambda L, x: x ** 0, U(*s)),
        Case("2 ** x", lambda L, x: 2 ** x, U(*s)),
        Case("0.5 ** x", lambda L, x: 0.5 ** x, U(*s)),
        Case("neg", lambda L, x: -x, U(*s)),
        Case("neg()", lambda L, x: x.neg(), U(*s)),
        Case("square", lambda L, x: x.square(), U(*s)),
        Case("add alpha", lambda L, x, y: x.add(y, alpha=2), U(*s), U(4)),
        Case("sub alpha", lambda L, x, y: x.sub(y, alpha=0.5), U(*s), U(4)),
        Case("where scalar", lambda L, x: L.where(x > 0, x, 0.0), U(*s)),
        Case("where scalar first", lambda L, x: L.where(x > 0, 1.0, x), U(*s)),
    ]


def _unary_cases():
    s = (3, 4)
    mask = _MASK
    return [
        Case("exp", lambda L, x: x.exp(), U(*s)),
        Case("log", lambda L, x: x.log(), P(*s)),
        Case("log1p", lambda L, x: x.log1p(), P(*s)),
        Case("sqrt", lambda L, x: x.sqrt(), P(*s)),
        Case("rsqrt", lambda L, x: x.rsqrt(), P(*s)),
        Case("abs", lambda L, x: x.abs(), U(*s)),
        Case("sign", lambda L, x: x.sign() * x, U(*s)),
        Case("sin", lambda L, x: x.sin(), U(*s)),
        Case("cos", lambda L, x: x.cos(), U(*s)),
        Case("tanh", lambda L, x: x.tanh(), U(*s)),
        Case("sigmoid", lambda L, x: x.sigmoid(), U(*s)),
        Case("relu", lambda L, x: x.relu(), U(*s)),
        Case("L.exp", lambda L, x: L.exp(x) + L.tanh(x) + L.sigmoid(x) + L.relu(x), U(*s)),
        Case("clamp both", lambda L, x: x.clamp(-0.5, 0.7), U(*s)),
        Case("clamp min", lambda L, x: x.clamp(min=0.1), U(*s)),
        Case("clamp max", lambda L, x: x.clamp(max=-0.2), U(*s)),
        Case("clip", lambda L, x: x.clip(-1, 1), U(*s)),
        Case("L.clamp", lambda L, x: L.clamp(x, min=-1.0), U(*s)),
        Case("clamp tensor bounds", lambda L, x, lo, hi: x.clamp(lo, hi),
             U(*s), U(4, lo=-2, hi=-0.5), U(3, 1, lo=0.5, hi=2)),
        Case("masked_fill", lambda L, x: x.masked_fill(L.tensor(mask), 2.5), U(*s)),
        Case("masked_fill broadcast mask",
             lambda L, x: x.masked_fill(L.tensor(_COND), -1.0), U(*s)),
        Case("masked_fill tensor value",
             lambda L, x, v: x.masked_fill(L.tensor(mask), v), U(*s), U()),
    ]


def _reduction_cases():
    s3 = (2, 3, 4)
    return [
        Case("sum", lambda L, x: x.sum(), U(3, 4)),
        Case("sum dim", lambda L, x: x.sum(1), U(*s3)),
        Case("sum -1 keepdim", lambda L, x: x.sum(-1, keepdim=True), U(*s3)),
        Case("sum dims", lambda L, x: x.sum((0, 2)), U(*s3)),
        Case("sum 0-d", lambda L, x: x.sum(), U()),
        Case("L.sum", lambda L, x: L.sum(x, dim=0), U(3, 4)),
        Case("mean", lambda L, x: x.mean(), U(3, 4)),
        Case("mean dim", lambda L, x: x.mean(0), U(*s3)),
        Case("mean dims keepdim", lambda L, x: x.mean((1, 2), keepdim=True), U(*s3)),
        Case("max all", lambda L, x: x.max(), D(3, 4)),
        Case("min all", lambda L, x: x.min(), D(3, 4)),
        Case("max dim", lambda L, x: x.max(1)[0], D(*s3)),
        Case("max dim values", lambda L, x: x.max(dim=0, keepdim=True).values, D(*s3)),
        Case("min dim", lambda L, x: x.min(-1)[0], D(*s3)),
        Case("amax", lambda L, x: x.amax(), D(3, 4)),
        Case("amax dims", lambda L, x: x.amax((0, 2)), D(*s3)),
        Case("amin dim keepdim", lambda L, x: x.amin(1, keepdim=True), D(*s3)),
        Case("var", lambda L, x: x.var(), U(3, 4)),
        Case("var dim", lambda L, x: x.var(1), U(*s3)),
        Case("var unbiased False", lambda L, x: x.var(1, unbiased=False), U(*s3)),
        Case("var correction 0", lambda L, x: x.var(dim=1, correction=0), U(*s3)),
        Case("var correction 2 keepdim", lambda L, x: x.var((0, 2), correction=2,
                                                            keepdim=True), U(*s3)),
        Case("std", lambda L, x: x.std(), U(3, 4)),
        Case("std dim", lambda L, x: x.std(0, keepdim=True), U(*s3)),
        Case("std correction 0", lambda L, x: x.std(dim=-1, correction=0), U(*s3)),
        Case("logsumexp", lambda L, x: x.logsumexp(1), U(*s3)),
        Case("logsumexp dims", lambda L, x: x.logsumexp((0, 2), keepdim=True), U(*s3)),
        Case("L.logsumexp", lambda L, x: L.logsumexp(x, 0), U(3, 4)),
        Case("softmax", lambda L, x: x.softmax(-1), U(*s3)),
        Case("softmax dim 0", lambda L, x: x.softmax(0), U(3, 4)),
        Case("log_softmax", lambda L, x: x.log_softmax(1), U(*s3)),
        Case("L.softmax", lambda L, x: L.softmax(x, 1) + L.log_softmax(x, 0), U(3, 4)),
        Case("norm", lambda L, x: x.norm(), U(3, 4)),
        Case("norm dim", lambda L, x: x.norm(dim=1), U(3, 4)),
    ]


def _matmul_cases():
    return [
        Case("matmul 2d", lambda L, a, b: a @ b, U(3, 4), U(4, 5)),
        Case("matmul 1d 1d", lambda L, a, b: a @ b, U(4), U(4)),
        Case("matmul 1d 2d", lambda L, a, b: a @ b, U(4), U(4, 3)),
        Case("matmul 2d 1d", lambda L, a, b: a @ b, U(3, 4), U(4)),
        Case("matmul batched broadcast", lambda L, a, b: a @ b, U(5, 1, 3, 4), U(2, 4, 2)),
        Case("matmul 3d 1d", lambda L, a, b: a @ b, U(2, 3, 4), U(4)),
        Case("matmul 1d 3d", lambda L, a, b: a @ b, U(4), U(2, 4, 3)),
        Case("matmul 3d 2d", lambda L, a, b: L.matmul(a, b), U(2, 3, 4), U(4, 2)),
        Case("mm", lambda L, a, b: a.mm(b), U(2, 3), U(3, 2)),
        Case("matmul same input", lambda L, a: a @ a.t(), U(3, 4)),
    ]


_RAMP = np.arange(24, dtype=np.float32).reshape(4, 6)


def _shape_cases():
    s3 = (2, 3, 4)
    return [
        Case("reshape", lambda L, x: x.reshape(4, 6) * L.tensor(_RAMP), U(*s3)),
        Case("reshape -1", lambda L, x: x.reshape(-1, 2), U(*s3)),
        Case("view", lambda L, x: x.view(6, 4), U(*s3)),
        Case("view tuple", lambda L, x: x.view((3, 8)), U(*s3)),
        Case("transpose", lambda L, x: x.transpose(0, 2), U(*s3)),
        Case("transpose 1-d", lambda L, x: x.transpose(0, -1), U(4)),
        Case("permute", lambda L, x: x.permute(2, 0, 1), U(*s3)),
        Case("permute tuple", lambda L, x: x.permute((1, 2, 0)), U(*s3)),
        Case("t", lambda L, x: x.t(), U(3, 4)),
        Case("t 1-d", lambda L, x: x.t() * 2, U(4)),
        Case("T", lambda L, x: x.T, U(3, 4)),
        Case("squeeze", lambda L, x: x.squeeze(), U(3, 1, 4, 1)),
        Case("squeeze dim", lambda L, x: x.squeeze(1), U(3, 1, 4, 1)),
        Case("unsqueeze", lambda L, x: x.unsqueeze(0), U(3, 4)),
        Case("unsqueeze -1", lambda L, x: x.unsqueeze(-1), U(3, 4)),
        Case("flatten", lambda L, x: x.flatten(), U(*s3)),
        Case("flatten 1", lambda L, x: x.flatten(1), U(*s3)),
        Case("flatten 0 1", lambda L, x: x.flatten(0, 1), U(*s3)),
        Case("expand", lambda L, x: x.expand(2, 3, 4), U(3, 1)),
        Case("expand -1", lambda L, x: x.expand(-1, 5), U(3, 1)),
        Case("expand_as", lambda L, x, y: x.expand_as(y) * y, U(1, 4), U(3, 4)),
        Case("repeat", lambda L, x: x.repeat(2, 1, 3), U(3, 2)),
        Case("repeat same ndim", lambda L, x: x.repeat(2, 2), U(2, 3)),
        Case("cat", lambda L, a, b: L.cat([a, b], 1), U(2, 3), U(2, 2)),
        Case("cat 3 dim 0", lambda L, a, b, c: L.cat([a, b, c]), U(1, 3), U(2, 3), U(3, 3)),
        Case("cat -1", lambda L, a, b: L.cat((a, b), dim=-1), U(2, 2), U(2, 1)),
        Case("stack", lambda L, a, b: L.stack([a, b], 1), U(2, 3), U(2, 3)),
        Case("stack -1", lambda L, a, b, c: L.stack([a, b, c], dim=-1), U(3), U(3), U(3)),
        Case("split int", lambda L, x: L.cat([p * (i + 1) for i, p in enumerate(x.split(2, 1))],
                                             1), U(3, 5)),
        Case("split sizes", lambda L, x: L.cat([p * (i + 1) for i, p in
                                                enumerate(x.split([1, 3], 1))], 1), U(3, 4)),
        Case("split one piece used", lambda L, x: x.split(2)[1], U(5, 2)),
        Case("chunk", lambda L, x: L.cat([p * (i + 1) for i, p in enumerate(x.chunk(3, 0))]),
             U(5, 2)),
        Case("unbind", lambda L, x: L.stack([p * (i + 1) for i, p in enumerate(x.unbind(1))]),
             U(3, 4)),
        Case("L.transpose", lambda L, x: L.transpose(x, 0, 1) + L.t(x), U(3, 3)),
        Case("L.reshape", lambda L, x: L.reshape(x, (2, 6)) + L.flatten(x).reshape(2, 6),
             U(3, 4)),
        Case("L.squeeze unsqueeze", lambda L, x: L.unsqueeze(L.squeeze(x, 0), 1), U(1, 3)),
        Case("contiguous clone", lambda L, x: x.t().contiguous().clone() * 2, U(3, 4)),
    ]


_IDX = np.array([0, 2, 0, 0, 1])
_IDX2D = np.array([[0, 1], [1, 1]])


def _index_cases():
    s = (3, 4)
    return [
        Case("index int", lambda L, x: x[1], U(*s)),
        Case("index negative int", lambda L, x: x[-1], U(*s)),
        Case("index 2 ints", lambda L, x: x[1, -2], U(*s)),
        Case("index slice", lambda L, x: x[1:3], U(*s)),
        Case("index step", lambda L, x: x[::2, 1::2], U(*s)),
        Case("index None ellipsis", lambda L, x: x[None, ..., 1], U(2, 3, 4)),
        Case("index ellipsis none end", lambda L, x: x[..., None], U(*s)),
        Case("index repeated list", lambda L, x: x[[0, 0, 2]], U(*s)),
        Case("index two lists", lambda L, x: x[[0, 2, 2], [1, 1, 3]], U(*s)),
        Case("index tensor repeats", lambda L, x: x[L.tensor(_IDX)], U(*s)),
        Case("index 2-d tensor", lambda L, x: x[L.tensor(_IDX2D)], U(*s)),
        Case("index bool mask", lambda L, x: x[L.tensor(_MASK)], U(*s)),
        Case("index bool rows", lambda L, x: x[L.tensor(np.array([True, False, True]))], U(*s)),
        Case("index tuple of tensors",
             lambda L, x: x[(L.tensor(_IDX), L.tensor(_IDX[::-1].copy()))], U(*s)),
        Case("index int then list", lambda L, x: x[0, :, [1, 2, 1]], U(2, 3, 4)),
        Case("index list then slice", lambda L, x: x[[1, 0, 1], 1:], U(2, 3, 4)),
        Case("index ellipsis list", lambda L, x: x[..., [0, 0]], U(2, 3, 4)),
        Case("index list slice list", lambda L, x: x[[0, 1], :, [1, 3]], U(2, 3, 4)),
        Case("embedding", lambda L, w: w[L.tensor(np.array([[1, 4, 1], [0, 1, 1]]))],
             U(5, 3)),
        Case("setitem slice", _set(lambda L, y, v: y.__setitem__(slice(1, 3), v)),
             U(*s), U(4)),
        Case("setitem int", _set(lambda L, y, v: y.__setitem__(0, v)), U(*s), U(4)),
        Case("setitem mask", _set(lambda L, y, v: y.__setitem__(L.tensor(_MASK), v)),
             U(*s), U()),
        Case("setitem list", _set(lambda L, y, v: y.__setitem__(([0, 2], [1, 3]), v)),
             U(*s), U(2)),
        Case("setitem int then list",
             _set(lambda L, y, v: y.__setitem__((0, slice(None), [1, 2]), v)),
             U(2, 3, 4), U(3, 2)),
    ]


def _set(assign):
    """y = x * 1; y[idx] = v (assign(L, y, v)); gradients flow to both x and v."""
    def fn(L, x, v):
        y = x * 1
        assign(L, y, v)
        return y * 2
    return fn


def _graph_cases():
    return [
        Case("reused node", lambda L, x: (lambda y: y * y + y)(x * x), U(3, 4)),
        Case("3x then 2y + 5y", lambda L, x: (lambda y: y * 2 + y * 5)(3 * x), U(3)),
        Case("same input twice", lambda L, x: x * x + x / (x * x + 1), U(3, 4)),
        Case("diamond", lambda L, x: (lambda a: a.exp() * a.sin())(x * 0.5), U(3, 4)),
        Case("in-place chain", _inplace_chain, U(3, 4), U(4)),
        Case("copy_ broadcast", lambda L, x, v: (x * 1).copy_(v) * x, U(3, 4), U(4)),
        Case("fill_ tensor", lambda L, x, v: (x * 1).fill_(v) * x, U(3, 4), U()),
        Case("zero_ then add", lambda L, x, v: (x * 1).zero_() + v * x, U(3, 4), U(4)),
        Case("masked_fill_", lambda L, x: (x * 1).masked_fill_(L.tensor(_MASK), 0.5) * x,
             U(3, 4)),
        Case("mlp", lambda L, x, w, b: ((x @ w + b).tanh() @ w.t()).sigmoid().sum(1),
             U(5, 3), U(3, 4), U(4)),
    ]


def _inplace_chain(L, x, v):
    y = x * 1
    y.add_(v)
    y.mul_(2)
    y.sub_(v, alpha=0.5)
    y.div_(3)
    y.clamp_(-0.5, 0.5)
    return y * v


CASES = (_binary_cases() + _scalar_cases() + _unary_cases() + _reduction_cases()
         + _matmul_cases() + _shape_cases() + _index_cases() + _graph_cases())


def _family_cases():
    """The cases of the op families in modules of their own (tests/op_cases_*.py)."""
    import op_cases_math
    import op_cases_reductions
    import op_cases_indexing
    import op_cases_shapes
    import op_cases_linalg
    import op_cases_decomp
    import op_cases_nn_more
    return (op_cases_math.CASES + op_cases_reductions.CASES + op_cases_shapes.CASES
            + op_cases_indexing.CASES + op_cases_linalg.CASES + op_cases_decomp.CASES
            + op_cases_nn_more.CASES)


CASES = CASES + _family_cases()
