"""A catalogue of bad and edge inputs across the API, each with its exact expected outcome.

Every row runs the same code on a module ``M``: tinytorch here, and torch as well when it is
importable, which checks that the expected outcome is torch's.  An outcome is either

* ``Raises(type, parts)``: tinytorch raises ``type`` with a message containing every part
  (naming the op and the offending shapes, dtypes or values), the innermost frame of the
  traceback is tinytorch's own code (not numpy's), and torch raises the same type; with
  ``torchs=True`` the first part is torch's own words, and torch's message has it too.
  ``differs="why"`` marks a deliberate difference: torch does not raise, the row is not run
  against torch.  ``pending="what"`` marks a row waiting for an edit elsewhere: it is an
  expected failure until it passes, and then fails to say the mark must go; or
* ``Gives(check)``: the call returns, ``check(out)`` holds (computed expectations, not
  hard-coded numbers), no numpy warning escapes, and the result equals torch's (values,
  NaNs included, shapes and dtypes).

Each call runs under an alarm: a hang fails the test instead of blocking the suite.
"""
import math
import os
import signal
import traceback
import warnings

import numpy as np
import pytest

import tinytorch

PACKAGE_DIR = os.path.dirname(os.path.abspath(tinytorch.__file__))
NUMPY_DIR = os.path.dirname(os.path.abspath(np.__file__))
# phrases of numpy's own messages: none of them may reach a tinytorch user
NUMPY_WORDS = ("operands could not be broadcast", "axis ", "ufunc", "ndarray", "numpy",
               "along dimension", "zero-size array", "input operand", "signature")
TIMEOUT_S = 5


class Raises:
    def __init__(self, exc, *parts, torchs=False, differs=None, pending=None):
        self.exc, self.parts = exc, parts
        self.torchs, self.differs, self.pending = torchs, differs, pending

    def __repr__(self):
        return f"Raises({self.exc.__name__})"


class Gives:
    def __init__(self, check=None, warns=None):
        self.check, self.warns = check, warns

    def __repr__(self):
        return "Gives"


# --- helpers the rows share (each takes the module M: tinytorch or torch) ----------------

def _t(M, *shape, dtype=None, grad=False):
    """A deterministic float tensor (no random numbers: both modules see the same data)."""
    n = int(np.prod(shape)) if shape else 1
    data = (np.arange(n, dtype=np.float64).reshape(shape) % 7 - 3) / 4
    return M.tensor(data, dtype=dtype or M.float32, requires_grad=grad)


def _backward_twice(M):
    x = _t(M, 3, grad=True)
    y = (x * x).sum()
    y.backward()
    y.backward()


def _wrong_grad_shape(M):
    x = _t(M, 3, grad=True)
    (x * 2).backward(M.ones(2))


def _grad_of_unused(M):
    x, y = _t(M, 2, grad=True), _t(M, 2, grad=True)
    return M.autograd.grad((x * 2).sum(), [x, y])


def _modified_saved_tensor(M):
    x = _t(M, 3, grad=True)
    y = x * 1
    z = (y * y).sum()   # saves y
    y.mul_(2)
    z.backward()


def _backward_no_grad_graph(M):
    x = _t(M, 3, grad=True)
    with M.no_grad():
        y = (x * 2).sum()
    y.backward()


def _non_leaf_grad_is_none(M):
    x = _t(M, 3, grad=True)
    y = x * 2
    y.sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # both warn here (test_autograd.py checks it)
        return y.grad


def _hook_returning(make, leaf=True):
    """backward through a tensor whose hook returns ``make(M, g)``"""
    def call(M):
        x = _t(M, 3, grad=True)
        t = x if leaf else x * 1
        t.register_hook(lambda g: make(M, g))
        (t * 2).sum().backward()
    return call


def _assign_grad(make):
    def call(M):
        p = _t(M, 3, grad=True)
        p.grad = make(M, p)
    return call


def _custom_backward_returning(make):
    """a custom Function f(x, k=2.0) whose backward returns ``make(M, g)``"""
    def call(M):
        class F(M.autograd.Function):
            @staticmethod
            def forward(ctx, x, k):
                return x * k

            @staticmethod
            def backward(ctx, g):
                return make(M, g)
        F.apply(_t(M, 3, grad=True), 2.0).sum().backward()
    return call


def _empty_sum_backward(M):
    x = M.zeros(0, 3, requires_grad=True)
    x.sum().backward()
    return x.grad


def _nan_grad(M):
    x = M.tensor([0.0, 1.0], requires_grad=True)
    x.sqrt().sum().backward()
    return x.grad


def _state_dict_with(M, **changes):
    M.manual_seed(0)
    lin = M.nn.Linear(2, 3)
    sd = {k: v.clone() for k, v in lin.state_dict().items()}
    for k, v in changes.items():
        if v is None:
            del sd[k]
        else:
            sd[k] = v
    return lin, sd


def _load(M, strict=True, **changes):
    lin, sd = _state_dict_with(M, **changes)
    return lin.load_state_dict(sd, strict=strict)


def _load_missing_unexpected(M):
    lin, sd = _state_dict_with(M, bias=None, extra=M.zeros(1))
    res = lin.load_state_dict(sd, strict=False)
    return sorted(res.missing_keys), sorted(res.unexpected_keys)


def _loader(M, n, **kw):
    ds = M.utils.data.TensorDataset(M.zeros(n, 2), M.zeros(n))
    return M.utils.data.DataLoader(ds, batch_size=4, **kw)


def _iterate_empty_loader(M):
    dl = _loader(M, 0)
    return len(dl), [b for b in dl]


def _optimizer(M, params, **kw):
    return M.optim.SGD(params, lr=kw.pop("lr", 0.1), **kw)


def _duplicate_params(M):
    p = M.nn.Parameter(M.ones(2))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        opt = _optimizer(M, [p, p])
    return len(opt.param_groups[0]["params"]), any("duplicate" in str(x.message) for x in w)


def _duplicate_step(M):
    """torch keeps a duplicated parameter twice, so one step updates it twice."""
    p = M.nn.Parameter(M.ones(2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        opt = _optimizer(M, [p, p])
    p.grad = M.ones(2)
    opt.step()
    return p.detach()


def _param_in_two_groups(M):
    p = M.nn.Parameter(M.ones(2))
    return _optimizer(M, [{"params": [p]}, {"params": [p]}])


def _ce(M, x, y, **kw):
    return M.nn.functional.cross_entropy(x, y, **kw)


def _F(M):
    return M.nn.functional


def _long(M, values):
    return M.tensor(values, dtype=M.int64)


def _is_nan(out):
    return bool(np.isnan(out.item()))


def _values(out):
    return out.detach().numpy()


def _read_only_in_place(M):
    a = np.arange(3.0)
    a.flags.writeable = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # both warn that the array is not writable
        t = M.from_numpy(a)
    t.add_(1)


def _iadd_numpy_scalar(M):
    x = _t(M, 3)
    x += np.float64(2)
    return x


def _mul_numpy_scalar_in_place(M):
    return _t(M, 3).mul_(np.float32(3))


# (id, call, outcome)
CASES = [
    # --- shape mismatches: every binary op, and matmul ----------------------------------
    ("add", lambda M: _t(M, 2, 3) + _t(M, 3, 2), Raises(
        RuntimeError, "add", "size of tensor a (3) must match the size of tensor b (2)",
        "dimension 1", "[2, 3]", "[3, 2]")),
    ("sub", lambda M: _t(M, 4, 3) - _t(M, 2, 3), Raises(RuntimeError, "sub", "(4)", "(2)",
                                                        "dimension 0")),
    ("mul", lambda M: _t(M, 2, 3) * _t(M, 4), Raises(RuntimeError, "mul", "(3)", "(4)")),
    ("div", lambda M: _t(M, 2) / _t(M, 3), Raises(RuntimeError, "div", "(2)", "(3)")),
    ("pow", lambda M: _t(M, 2) ** _t(M, 3), Raises(RuntimeError, "pow", "(2)", "(3)")),
    ("maximum", lambda M: M.maximum(_t(M, 2, 3), _t(M, 3)[:2]),
     Raises(RuntimeError, "maximum", "(3)", "(2)")),
    ("minimum", lambda M: M.minimum(_t(M, 5), _t(M, 2, 4)),
     Raises(RuntimeError, "minimum", "(5)", "(4)")),
    ("eq", lambda M: _t(M, 2, 3) == _t(M, 3, 2), Raises(RuntimeError, "eq", "dimension 1")),
    ("lt", lambda M: _t(M, 3) < _t(M, 4), Raises(RuntimeError, "lt", "(3)", "(4)")),
    ("where", lambda M: M.where(_t(M, 2, 3) > 0, _t(M, 3, 2), _t(M, 1)),
     Raises(RuntimeError, "where", "dimension 1")),
    ("masked_fill", lambda M: _t(M, 2, 3).masked_fill(_t(M, 4) > 0, 1.0),
     Raises(RuntimeError, "masked_fill", "(4)", "(3)")),
    ("add_ in place", lambda M: _t(M, 3).add_(_t(M, 2, 3)),
     Raises(RuntimeError, "add_", "[3]", "[2, 3]")),
    ("matmul 2d", lambda M: _t(M, 2, 3) @ _t(M, 4, 5),
     Raises(RuntimeError, "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)")),
    ("matmul 1d", lambda M: M.matmul(_t(M, 3), _t(M, 4)),
     Raises(RuntimeError, "[3]", "[4]")),
    ("matmul batch", lambda M: _t(M, 2, 3, 4) @ _t(M, 3, 4, 2),
     Raises(RuntimeError, "size of tensor a (2)", "tensor b (3)", "dimension 0")),
    ("matmul 0-d", lambda M: _t(M) @ _t(M, 2),
     Raises(RuntimeError, "both arguments to matmul need to be at least 1D", "0D")),
    ("matmul dtypes", lambda M: _t(M, 2, 2) @ _t(M, 2, 2, dtype=M.float64),
     Raises(RuntimeError, "expected m1 and m2 to have the same dtype, but got: float != double",
            "Hint", ".double() on the first or .float() on the second")),
    ("matmul int @ float", lambda M: _long(M, [[1, 2]]) @ _t(M, 2, 2),
     Raises(RuntimeError, "expected m1 and m2 to have the same dtype, but got: long int != "
            "float")),
    ("linear dtypes", lambda M: M.nn.Linear(2, 3)(_long(M, [[1, 2]])),
     Raises(RuntimeError, "mat1 and mat2 must have the same dtype, but got Long and Float",
            "input.float()")),
    ("linear features", lambda M: M.nn.Linear(2, 3)(_t(M, 4, 5)),
     Raises(RuntimeError, "mat1 and mat2 shapes cannot be multiplied (4x5 and 2x3)")),
    ("cat sizes", lambda M: M.cat([_t(M, 2, 3), _t(M, 3, 4)], 1),
     Raises(RuntimeError, "Sizes of tensors must match except in dimension 1",
            "Expected size 2 but got size 3")),
    ("stack sizes", lambda M: M.stack([_t(M, 2), _t(M, 3)]),
     Raises(RuntimeError, "stack expects each tensor to be equal size", "[2]", "[3]")),
    ("reshape numel", lambda M: _t(M, 6).reshape(4, -1),
     Raises(RuntimeError, "shape '[4, -1]' is invalid for input of size 6")),
    ("expand size", lambda M: _t(M, 3, 2).expand(3, 4),
     Raises(RuntimeError, "expanded size of the tensor (4) must match the existing size (2)")),
    ("expand no sizes", lambda M: _t(M).expand(),
     Raises(TypeError, "expand() missing 1 required positional arguments")),
    # --- wrong dims for reductions -------------------------------------------------------
    ("sum dim", lambda M: _t(M, 2, 3).sum(2), Raises(
        IndexError, "sum", "Dimension out of range (expected to be in range of [-2, 1], "
        "but got 2)")),
    ("mean dim", lambda M: _t(M, 2, 3).mean(-3), Raises(IndexError, "mean", "got -3")),
    ("max dim", lambda M: _t(M, 2, 3).max(dim=5), Raises(IndexError, "max", "got 5")),
    ("amax dims", lambda M: _t(M, 2, 3).amax((0, 3)), Raises(IndexError, "amax", "got 3")),
    ("softmax dim", lambda M: _t(M, 4).softmax(1), Raises(IndexError, "softmax", "[-1, 0]")),
    ("var repeated dim", lambda M: _t(M, 2, 3).var((1, 1)),
     Raises(RuntimeError, "dim", "multiple times")),
    ("logsumexp dim", lambda M: _t(M, 2, 3).logsumexp(-4),
     Raises(IndexError, "logsumexp", "got -4")),
    ("sum float dim", lambda M: _t(M, 2, 3).sum(1.0), Raises(TypeError, "sum", "float")),
    # --- indices -------------------------------------------------------------------------
    ("index past end", lambda M: _t(M, 3)[3],
     Raises(IndexError, "index 3 is out of bounds for dimension 0 with size 3")),
    ("index before start", lambda M: _t(M, 3)[-4], Raises(IndexError, "index -4", "size 3")),
    ("index dim 1", lambda M: _t(M, 2, 3)[:, 3],
     Raises(IndexError, "index 3", "dimension 1", "size 3")),
    ("index array", lambda M: _t(M, 3)[[0, 5]], Raises(IndexError, "index 5", "size 3")),
    ("index long tensor", lambda M: _t(M, 3)[_long(M, [-4])],
     Raises(IndexError, "index -4", "size 3")),
    ("index float", lambda M: _t(M, 3)[1.0], Raises(IndexError, "only integers", "float")),
    ("index float tensor", lambda M: _t(M, 3)[M.tensor([0.0])],
     Raises(IndexError, "tensors used as indices must be long, int, byte or bool",
            "float32")),
    ("index too many", lambda M: _t(M, 3)[0, 0],
     Raises(IndexError, "too many indices", "1-dimensional")),
    ("bool mask shape", lambda M: _t(M, 3)[M.tensor([True, False])],
     Raises(IndexError, "The shape of the mask [2] at index 0 does not match the shape of the "
            "indexed tensor [3] at index 0")),
    ("setitem past end", lambda M: _t(M, 3).__setitem__(_long(M, [3]), 1.0),
     Raises(IndexError, "index 3", "size 3")),
    ("select dim", lambda M: _t(M, 2, 3).unbind(2), Raises(IndexError, "unbind", "got 2")),
    # --- empty tensors and zero-size dims ------------------------------------------------
    ("sum of empty", lambda M: M.zeros(0).sum(), Gives(lambda o: o.item() == 0)),
    ("mean of empty", lambda M: M.zeros(0).mean(), Gives(_is_nan)),
    ("std of empty", lambda M: M.zeros(0).std(), Gives(_is_nan)),
    ("sum over zero dim", lambda M: M.zeros(0, 3).sum(0),
     Gives(lambda o: o.shape == (3,) and not _values(o).any())),
    ("max of empty", lambda M: M.zeros(0).max(), Raises(RuntimeError, "max", "numel() == 0")),
    ("amax zero dim", lambda M: M.zeros(0, 3).amax(0),
     Raises(IndexError, "amax", "non-zero size")),
    ("max over other dim", lambda M: M.zeros(0, 3).max(1).values,
     Gives(lambda o: o.shape == (0,))),
    ("argmax of empty", lambda M: M.zeros(0).argmax(), Raises(IndexError, "argmax")),
    ("matmul inner 0", lambda M: M.ones(2, 0) @ M.ones(0, 3),
     Gives(lambda o: o.shape == (2, 3) and not _values(o).any())),
    ("softmax of empty", lambda M: M.zeros(2, 0).softmax(1), Gives(lambda o: o.shape == (2, 0))),
    ("cat with empty", lambda M: M.cat([M.zeros(0), _t(M, 2)]),
     Gives(lambda o: o.shape == (2,))),
    ("reshape empty", lambda M: M.zeros(0, 3).reshape(-1, 0),
     Raises(RuntimeError, "cannot reshape tensor of 0 elements into shape [-1, 0]",
            "ambiguous")),
    ("empty backward", _empty_sum_backward, Gives(lambda g: g.shape == (0, 3))),
    ("item of empty", lambda M: M.zeros(0).item(),
     Raises(RuntimeError, "a Tensor with 0 elements cannot be converted to Scalar")),
    # --- NaN and inf ---------------------------------------------------------------------
    ("max propagates nan", lambda M: M.tensor([1.0, math.nan, 2.0]).max(), Gives(_is_nan)),
    ("amax propagates nan", lambda M: M.tensor([[1.0, math.nan]]).amax(1),
     Gives(lambda o: bool(np.isnan(_values(o)[0])))),
    ("argmax picks nan", lambda M: M.tensor([1.0, math.nan, 2.0]).argmax(),
     Gives(lambda o: o.item() == 1)),
    ("relu nan", lambda M: M.tensor([math.nan, -1.0]).relu(),
     Gives(lambda o: np.isnan(_values(o)[0]) and _values(o)[1] == 0)),
    ("clamp nan", lambda M: M.tensor([math.nan, 5.0]).clamp(0, 1),
     Gives(lambda o: np.isnan(_values(o)[0]) and _values(o)[1] == 1)),
    ("log of negative", lambda M: M.tensor([-1.0, 0.0]).log(),
     Gives(lambda o: np.isnan(_values(o)[0]) and _values(o)[1] == -np.inf)),
    ("sqrt of negative", lambda M: M.tensor([-1.0]).sqrt(), Gives(_is_nan)),
    ("divide by zero", lambda M: M.tensor([1.0, -1.0, 0.0]) / 0,
     Gives(lambda o: _values(o)[0] == np.inf and _values(o)[1] == -np.inf
           and np.isnan(_values(o)[2]))),
    ("exp overflow", lambda M: M.tensor([1000.0]).exp(), Gives(lambda o: o.item() == np.inf)),
    ("sigmoid of huge", lambda M: M.tensor([-1000.0, 1000.0]).sigmoid(),
     Gives(lambda o: _values(o).tolist() == [0.0, 1.0])),
    ("softmax with inf", lambda M: M.tensor([math.inf, 1.0]).softmax(0),
     Gives(lambda o: bool(np.isnan(_values(o)).any()))),
    ("log_softmax with -inf", lambda M: M.tensor([-math.inf, 0.0]).log_softmax(0),
     Gives(lambda o: _values(o).tolist() == [-np.inf, 0.0])),
    ("logsumexp all -inf", lambda M: M.tensor([-math.inf, -math.inf]).logsumexp(0),
     Gives(lambda o: o.item() == -np.inf)),
    ("sqrt grad at 0", _nan_grad, Gives(lambda g: _values(g)[0] == np.inf)),
    ("cross_entropy huge logits", lambda M: _ce(M, M.tensor([[1000.0, 0.0]]), _long(M, [1])),
     Gives(lambda o: o.item() == 1000.0)),
    # --- integer tensors where floats are needed -----------------------------------------
    ("int requires grad", lambda M: M.tensor([1, 2], requires_grad=True),
     Raises(RuntimeError, "only floating point tensors can require gradients")),
    ("int mean", lambda M: _long(M, [1, 2]).mean(),
     Raises(RuntimeError, "mean", "floating point", "int64")),
    ("int var", lambda M: _long(M, [1, 2]).var(), Raises(RuntimeError, "var", "floating")),
    ("int softmax", lambda M: _long(M, [1, 2]).softmax(0),
     Raises(RuntimeError, "softmax", "Long")),
    ("int exp is float", lambda M: _long(M, [0, 1]).exp(),
     Gives(lambda o: o.dtype == tinytorch.float32 and _values(o)[0] == 1)),
    ("int true division", lambda M: _long(M, [1, 2]) / _long(M, [2, 2]),
     Gives(lambda o: o.dtype == tinytorch.float32 and _values(o).tolist() == [0.5, 1.0])),
    ("int norm", lambda M: _long(M, [3, 4]).norm(),
     Raises(RuntimeError, "vector_norm", "floating point", "Long")),
    ("int normal_", lambda M: M.zeros(2, dtype=M.int64).normal_(),
     Raises(NotImplementedError, "normal_kernel_cpu", "Long")),
    ("int uniform_", lambda M: M.zeros(2, dtype=M.int64).uniform_(),
     Raises(NotImplementedError, "Long")),
    ("randn int dtype", lambda M: M.randn(2, dtype=M.int64),
     Raises(NotImplementedError, '"normal_kernel_cpu" not implemented for \'Long\'', torchs=True)),
    ("int floor_divide by 0", lambda M: _long(M, [3, 4]) // _long(M, [1, 0]),
     Raises(RuntimeError, "ZeroDivisionError")),
    ("int remainder by 0", lambda M: _long(M, [3]) % 0,
     Raises(RuntimeError, "ZeroDivisionError")),
    ("float floor_divide by 0", lambda M: M.tensor([3.0, -3.0]) // 0,
     Gives(lambda o: _values(o).tolist() == [np.inf, -np.inf])),
    ("int in place float", lambda M: _long(M, [1, 2]).mul_(1.5),
     Raises(RuntimeError, "mul_", "result type", "float32", "can't be cast to the desired "
            "output type", "int64")),
    # --- losses: target dtype, shape and range -------------------------------------------
    ("ce target float shape", lambda M: _ce(M, _t(M, 3, 5), M.tensor([1.0, 2.0, 0.0])),
     Raises(RuntimeError, "expected target dtype to be Long", "Float")),
    ("ce target int32", lambda M: _ce(M, _t(M, 3, 5), M.tensor([1, 2, 0], dtype=M.int32)),
     Raises(RuntimeError, "Long", "Int")),
    ("ce target out of range", lambda M: _ce(M, _t(M, 3, 5), _long(M, [1, 5, 0])),
     Raises(IndexError, "Target 5 is out of bounds")),
    ("ce negative target", lambda M: _ce(M, _t(M, 3, 5), _long(M, [1, -1, 0])),
     Raises(IndexError, "Target -1 is out of bounds")),
    ("ce batch size", lambda M: _ce(M, _t(M, 3, 5), _long(M, [1, 2])),
     Raises(ValueError, "Expected input batch_size (3) to match target batch_size (2)")),
    ("ce int logits", lambda M: _ce(M, _long(M, [[1, 2]]), _long(M, [0])),
     Raises(RuntimeError, "Long")),
    ("ce weight size", lambda M: _ce(M, _t(M, 3, 5), _long(M, [1, 2, 0]), weight=M.ones(4)),
     Raises(RuntimeError, "weight tensor should be defined either for all 5 classes")),
    ("ce label smoothing", lambda M: _ce(M, _t(M, 3, 5), _long(M, [1, 2, 0]),
                                         label_smoothing=1.5),
     Raises(RuntimeError, "label_smoothing must be between 0.0 and 1.0")),
    ("ce all ignored", lambda M: _ce(M, _t(M, 2, 3), _long(M, [-100, -100])),
     Gives(_is_nan)),
    ("ce empty batch", lambda M: _ce(M, M.zeros(0, 3), _long(M, [])), Gives(_is_nan)),
    ("nll 0-d input", lambda M: _F(M).nll_loss(_t(M), _long(M, 0)),
     Raises(ValueError, "Expected 1 or more dimensions (got 0)")),
    ("nll target out of range", lambda M: _F(M).nll_loss(_t(M, 2, 3), _long(M, [3, 0])),
     Raises(IndexError, "Target 3 is out of bounds")),
    ("nll target float", lambda M: _F(M).nll_loss(_t(M, 2, 3), M.tensor([1.0, 0.0])),
     Raises(RuntimeError, "expected target dtype to be Long", "Float")),
    ("nll target 2-d", lambda M: _F(M).nll_loss(_t(M, 2, 3), _long(M, [[0], [1]])),
     Raises(RuntimeError, "0D or 1D target tensor expected, multi-target not supported")),
    ("mse shapes", lambda M: _F(M).mse_loss(_t(M, 2, 3), _t(M, 2, 4)),
     Raises(RuntimeError, "mse_loss", "(3)", "(4)")),
    ("mse broadcast warns", lambda M: _F(M).mse_loss(_t(M, 2, 3), _t(M, 3)),
     Gives(lambda o: o.shape == (), warns="Using a target size")),
    ("mse of ints", lambda M: _F(M).mse_loss(_long(M, [1, 2]), _long(M, [1, 3])),
     Raises(NotImplementedError, "mse_loss", "not implemented for 'Long'")),
    ("l1 of bools", lambda M: _F(M).l1_loss(M.tensor([True]), M.tensor([False])),
     Raises(RuntimeError, "l1_loss", "Bool")),
    ("huber of ints", lambda M: _F(M).huber_loss(_long(M, [1, 2]), _long(M, [1, 3])),
     Raises(NotImplementedError, "huber_loss", "Long")),
    ("smooth_l1 shapes", lambda M: _F(M).smooth_l1_loss(_t(M, 2), _t(M, 3)),
     Raises(RuntimeError, "smooth_l1_loss", "(2)", "(3)")),
    ("smooth_l1 beta", lambda M: _F(M).smooth_l1_loss(_t(M, 2), _t(M, 2), beta=-1.0),
     Raises(RuntimeError, "smooth_l1_loss does not support negative values for beta")),
    ("mse int target", lambda M: _F(M).mse_loss(_t(M, 2), _long(M, [1, 3])),
     Gives(lambda o: o.dtype == tinytorch.float32)),
    ("mse reduction", lambda M: _F(M).mse_loss(_t(M, 2), _t(M, 2), reduction="avg"),
     Raises(ValueError, "avg is not a valid value for reduction")),
    ("bce out of range", lambda M: _F(M).binary_cross_entropy(M.tensor([0.5, 1.5]),
                                                              M.tensor([0.0, 1.0])),
     Raises(RuntimeError, "all elements of input should be between 0 and 1")),
    ("bce target shape", lambda M: _F(M).binary_cross_entropy(M.tensor([0.5, 0.5]),
                                                              M.tensor([[0.0, 1.0]])),
     Raises(ValueError, "Using a target size", "different to the input size")),
    ("bce target dtype", lambda M: _F(M).binary_cross_entropy(M.tensor([0.5, 0.5]),
                                                              _long(M, [0, 1])),
     Raises(RuntimeError, "Found dtype Long but expected Float")),
    ("bce of 0 and 1", lambda M: _F(M).binary_cross_entropy(M.tensor([0.0, 1.0]),
                                                            M.tensor([1.0, 0.0])),
     Gives(lambda o: o.item() == 100.0)),
    ("bce logits shape", lambda M: _F(M).binary_cross_entropy_with_logits(
        _t(M, 3), _t(M, 2)), Raises(ValueError, "Target size", "must be the same as input "
                                    "size")),
    ("bce logits int target", lambda M: _F(M).binary_cross_entropy_with_logits(
        _t(M, 2), _long(M, [1, 0])), Raises(RuntimeError, "binary_cross_entropy_with_logits",
                                            "Long")),
    ("bce logits int input", lambda M: _F(M).binary_cross_entropy_with_logits(
        _long(M, [1, 0]), _t(M, 2)), Raises(NotImplementedError, "Long")),
    ("bce logits pos_weight", lambda M: _F(M).binary_cross_entropy_with_logits(
        _t(M, 2), _t(M, 2), pos_weight=M.ones(3)), Raises(RuntimeError, "[3]", "[2]")),
    ("bce int input", lambda M: _F(M).binary_cross_entropy(_long(M, [1, 0]), _long(M, [1, 0])),
     Raises(NotImplementedError, "binary_cross_entropy", "Long")),
    ("ce target bool", lambda M: _ce(M, _t(M, 1, 2), M.tensor([True])),
     Raises(RuntimeError, "expected target dtype to be Long or Byte, but got Bool")),
    ("ce probabilities int", lambda M: _ce(M, _t(M, 1, 2), _long(M, [[1, 0]])),
     Raises(RuntimeError, "Expected floating point type for target with class "
            "probabilities, got Long")),
    ("ce weight dtype", lambda M: _ce(M, _t(M, 1, 2, dtype=M.float64), _long(M, [0]),
                                      weight=M.ones(2)),
     Raises(RuntimeError, "expected scalar type Double but found Float")),
    ("ce nan logits", lambda M: _ce(M, M.tensor([[1.0, math.nan]]), _long(M, [0])),
     Gives(_is_nan)),
    ("one_hot out of range", lambda M: _F(M).one_hot(_long(M, [0, 3]), 3),
     Raises(RuntimeError, "Class values must be smaller than num_classes")),
    ("dropout p", lambda M: _F(M).dropout(_t(M, 2), p=1.5),
     Raises(ValueError, "dropout probability has to be between 0 and 1, but got 1.5")),
    ("bce logits huge", lambda M: _F(M).binary_cross_entropy_with_logits(
        M.tensor([1000.0, -1000.0]), M.tensor([0.0, 1.0])),
     Gives(lambda o: o.item() == 1000.0)),
    # --- load_state_dict -----------------------------------------------------------------
    ("state_dict missing key", lambda M: _load(M, bias=None),
     Raises(RuntimeError, "Missing key(s) in state_dict", '"bias"')),
    ("state_dict unexpected key", lambda M: _load(M, extra=M.zeros(1)),
     Raises(RuntimeError, "Unexpected key(s) in state_dict", '"extra"')),
    ("state_dict shape", lambda M: _load(M, weight=M.zeros(3, 3)),
     Raises(RuntimeError, "size mismatch for weight", "[3, 3]", "[3, 2]")),
    ("state_dict shape not strict", lambda M: _load(M, strict=False, weight=M.zeros(3, 3)),
     Raises(RuntimeError, "size mismatch for weight")),
    ("state_dict not strict", _load_missing_unexpected,
     Gives(lambda o: o == (["bias"], ["extra"]))),
    ("state_dict nested keys", lambda M: M.nn.Sequential(M.nn.Linear(2, 3)).load_state_dict(
        {"weight": M.zeros(3, 2), "bias": M.zeros(3)}),
     Raises(RuntimeError, "Error(s) in loading state_dict for Sequential",
            'Missing key(s) in state_dict: "0.weight", "0.bias"',
            'Unexpected key(s) in state_dict: "weight", "bias"')),
    ("state_dict not a tensor", lambda M: _load(M, bias=[0.0, 0.0, 0.0]),
     Raises(RuntimeError, 'While copying the parameter named "bias"')),
    ("state_dict not a dict", lambda M: M.nn.Linear(2, 3).load_state_dict([1, 2]),
     Raises(TypeError, "Expected state_dict to be dict-like")),
    # --- DataLoader on an empty dataset ----------------------------------------------------
    ("empty loader", _iterate_empty_loader, Gives(lambda o: o == (0, []))),
    ("empty loader shuffle", lambda M: _loader(M, 0, shuffle=True),
     Raises(ValueError, "num_samples should be a positive integer value, but got "
            "num_samples=0")),
    ("loader batch_size 0", lambda M: M.utils.data.DataLoader(
        M.utils.data.TensorDataset(M.zeros(3)), batch_size=0),
     Raises(ValueError, "batch_size should be a positive integer value")),
    ("random_split lengths", lambda M: M.utils.data.random_split(
        M.utils.data.TensorDataset(M.zeros(3)), [2, 2]),
     Raises(ValueError, "Sum of input lengths does not equal the length of the input "
            "dataset")),
    ("dataset sizes", lambda M: M.utils.data.TensorDataset(M.zeros(3), M.zeros(2)),
     Raises(AssertionError, "Size mismatch between tensors")),
    # --- optimizers --------------------------------------------------------------------
    ("optimizer non-leaf", lambda M: _optimizer(M, [_t(M, 2, grad=True) * 2]),
     Raises(ValueError, "can't optimize a non-leaf Tensor")),
    ("optimizer duplicates", _duplicate_params, Gives(lambda o: o == (2, True))),
    ("optimizer duplicates step", _duplicate_step,
     Gives(lambda p: np.allclose(_values(p), 1 - 2 * 0.1))),
    ("optimizer two groups", _param_in_two_groups,
     Raises(ValueError, "some parameters appear in more than one parameter group")),
    ("optimizer empty", lambda M: _optimizer(M, []),
     Raises(ValueError, "optimizer got an empty parameter list")),
    ("optimizer tensor", lambda M: _optimizer(M, M.nn.Parameter(M.ones(2))),
     Raises(TypeError, "params argument given to the optimizer should be an iterable")),
    ("optimizer lr", lambda M: _optimizer(M, [M.nn.Parameter(M.ones(2))], lr=-1.0),
     Raises(ValueError, "Invalid learning rate: -1.0")),
    ("adam betas", lambda M: M.optim.Adam([M.nn.Parameter(M.ones(1))], betas=(1.0, 0.9)),
     Raises(ValueError, "Invalid beta parameter at index 0: 1.0")),
    ("sgd momentum", lambda M: _optimizer(M, [M.nn.Parameter(M.ones(1))], momentum=-1),
     Raises(ValueError, "Invalid momentum value: -1")),
    ("optimizer not a tensor", lambda M: _optimizer(M, [1.0]),
     Raises(TypeError, "optimizer can only optimize Tensors")),
    # --- backward misuse ---------------------------------------------------------------
    ("backward non-scalar", lambda M: (_t(M, 3, grad=True) * 2).backward(),
     Raises(RuntimeError, "grad can be implicitly created only for scalar outputs")),
    ("backward twice", _backward_twice,
     Raises(RuntimeError, "Trying to backward through the graph a second time")),
    ("backward without grad", lambda M: _t(M, 3).sum().backward(),
     Raises(RuntimeError, "element 0 of tensors does not require grad and does not have "
            "a grad_fn")),
    ("backward under no_grad graph", _backward_no_grad_graph,
     Raises(RuntimeError, "does not require grad")),
    ("backward wrong grad shape", _wrong_grad_shape,
     Raises(RuntimeError, "Mismatch in shape", "[2]", "[3]")),
    ("grad of unused input", _grad_of_unused,
     Raises(RuntimeError, "One of the differentiated Tensors appears to not have been used "
            "in the graph")),
    ("grad of no-grad input", lambda M: M.autograd.grad((_t(M, 2, grad=True) * 2).sum(),
                                                        [_t(M, 2)]),
     Raises(RuntimeError, "does not require grad")),
    ("saved tensor modified", _modified_saved_tensor,
     Raises(RuntimeError, "modified by an inplace operation", "version 1", "version 0")),
    ("leaf in place", lambda M: _t(M, 3, grad=True).add_(1),
     Raises(RuntimeError, "a leaf Variable that requires grad is being used in an in-place "
            "operation")),
    ("non-leaf .grad", _non_leaf_grad_is_none, Gives(lambda o: o is None)),
    ("hook changes size", _hook_returning(lambda M, g: M.ones(5)),
     Raises(RuntimeError, "hook '<lambda>' has changed the size of value", torchs=True)),
    ("non-leaf hook changes size", _hook_returning(lambda M, g: M.ones(1), leaf=False),
     Raises(RuntimeError, "hook '<lambda>' has changed the size of value", torchs=True)),
    ("hook changes dtype", _hook_returning(lambda M, g: g.double()),
     Raises(RuntimeError, "hook '<lambda>' has changed the type of value (was "
            "torch.FloatTensor got torch.DoubleTensor)", torchs=True)),
    ("hook returns float", _hook_returning(lambda M, g: 1.0),
     Raises(TypeError, "expected Variable, but hook returned 'float'", torchs=True)),
    (".grad = wrong size", _assign_grad(lambda M, p: M.ones(1)),
     Raises(RuntimeError, "attempting to assign a gradient of size '[1]' to a tensor of "
            "size '[3]'", torchs=True)),
    (".grad = wrong dtype", _assign_grad(lambda M, p: M.ones(3, dtype=M.float64)),
     Raises(RuntimeError, "attempting to assign a gradient with dtype 'double' to a tensor "
            "with grad_dtype 'Float'", torchs=True)),
    (".grad = ndarray", _assign_grad(lambda M, p: np.ones(3, np.float32)),
     Raises(TypeError, "assigned grad expected to be a Tensor or None but got grad of type "
            "numpy.ndarray", torchs=True)),
    (".grad = itself", _assign_grad(lambda M, p: p),
     Raises(RuntimeError, "can't assign Variable as its own grad", torchs=True)),
    ("Function grad for a number", _custom_backward_returning(lambda M, g: (g, g)),
     Raises(RuntimeError, "function FBackward returned a gradient different than None at "
            "position 2, but the corresponding forward input was not a Variable",
            torchs=True)),
    ("Function grad is a float", _custom_backward_returning(lambda M, g: (1.0, None)),
     Raises(RuntimeError, "expected Variable or None (got float)", torchs=True)),
    ("Function too few grads", _custom_backward_returning(lambda M, g: g),
     Raises(RuntimeError, "function FBackward returned an incorrect number of gradients "
            "(expected 2, got 1)", torchs=True)),
    # --- numpy scalars promote like Python numbers (see test_promotion.py) ---------------
    ("float32 / np.sqrt", lambda M: _t(M, 3) / np.sqrt(4),
     Gives(lambda o: o.dtype == tinytorch.float32)),
    ("np.float64 * float32", lambda M: np.float64(2) * _t(M, 3),
     Gives(lambda o: o.dtype == tinytorch.float32)),
    ("float32 ** np.float64", lambda M: _t(M, 3) ** np.float64(2),
     Gives(lambda o: o.dtype == tinytorch.float32)),
    ("where np.float64", lambda M: M.where(_t(M, 3) > 0, _t(M, 3), np.float64(0)),
     Gives(lambda o: o.dtype == tinytorch.float32)),
    ("int64 * np.float64", lambda M: _long(M, [1, 2]) * np.float64(2.5),
     Gives(lambda o: o.dtype == tinytorch.float32)),
    ("int32 + np.int64", lambda M: M.tensor([1, 2], dtype=M.int32) + np.int64(2),
     Gives(lambda o: o.dtype == tinytorch.int32)),
    ("float16 * np.float32", lambda M: _t(M, 3, dtype=M.float16) * np.float32(2),
     Gives(lambda o: o.dtype == tinytorch.float16)),
    ("+= np.float64", _iadd_numpy_scalar, Gives(lambda o: o.dtype == tinytorch.float32)),
    ("mul_ np.float32", _mul_numpy_scalar_in_place,
     Gives(lambda o: o.dtype == tinytorch.float32)),
    ("np.float64 // float32", lambda M: np.float64(3) // (_t(M, 3) + 4),
     Gives(lambda o: o.dtype == tinytorch.float32)),
    ("clamp np.float64", lambda M: _t(M, 3).clamp(np.float64(0), np.float64(0.5)),
     Gives(lambda o: o.dtype == tinytorch.float32)),
    ("full np.float64", lambda M: M.full((2,), np.float64(2.5)),
     Gives(lambda o: o.dtype == tinytorch.float32)),
    ("pow number first", lambda M: M.pow(2, _t(M, 3)),
     Gives(lambda o: o.dtype == tinytorch.float32)),
    ("pow of two numbers", lambda M: M.pow(2, 3), Raises(TypeError, "pow()", "int")),
    ("add alpha float for ints", lambda M: M.add(_long(M, [1, 2]), 1, alpha=2.5),
     Raises(RuntimeError, "For integral input tensors, argument alpha must not be a floating "
            "point number.")),
    ("add alpha bool for floats", lambda M: M.add(_t(M, 2), 1, alpha=True),
     Raises(RuntimeError, "Boolean alpha only supported for Boolean results.")),
    ("sub alpha of a bool", lambda M: M.sub(_t(M, 2), True, alpha=2),
     Raises(RuntimeError, "Subtraction, the `-` operator, with a bool tensor is not "
            "supported")),
    ("clamp bound overflows", lambda M: M.ones(2, dtype=M.int8).clamp(0, 300),
     Raises(RuntimeError, "value cannot be converted to type int8_t without overflow",
            torchs=True)),
    ("clamp -1 wraps into uint8", lambda M: M.tensor([1, 200], dtype=M.uint8).clamp(-1),
     Gives(lambda o: _values(o).tolist() == [255, 255])),
    ("masked_fill overflows", lambda M: M.ones(2, dtype=M.uint8).masked_fill(
        M.tensor([True, False]), 300),
     Raises(RuntimeError, "value cannot be converted to type uint8_t without overflow",
            torchs=True)),
    ("masked_fill nan into int", lambda M: _long(M, [1, 2]).masked_fill(
        M.tensor([True, False]), math.nan),
     Raises(RuntimeError, "value cannot be converted to type int64_t without overflow",
            torchs=True)),
    ("masked_fill truncates", lambda M: _long(M, [1, 2]).masked_fill(
        M.tensor([True, False]), -2.7), Gives(lambda o: _values(o).tolist() == [-2, 2])),
    ("clamp bool", lambda M: M.tensor([True, False]).clamp(min=True),
     Raises(NotImplementedError, '"clamp_min_scalar_cpu" not implemented for \'Bool\'',
            torchs=True)),
    # --- cat / stack ---------------------------------------------------------------------
    ("cat 0-d", lambda M: M.cat([M.tensor(1.0), M.tensor(2.0)]),
     Raises(RuntimeError, "zero-dimensional tensor (at position 0) cannot be concatenated",
            torchs=True)),
    ("cat 0-d second", lambda M: M.cat([_t(M, 2), M.tensor(2.0)], 3),
     Raises(RuntimeError, "zero-dimensional tensor (at position 1) cannot be concatenated",
            torchs=True)),
    ("cat 0-d after empty", lambda M: M.cat([M.zeros(0), M.tensor(2.0)]),
     Raises(RuntimeError, "zero-dimensional tensor (at position 1)", torchs=True)),
    ("cat a tensor", lambda M: M.cat(_t(M, 2, 3)),
     Raises(TypeError, "must be tuple of Tensors, not Tensor", torchs=True)),
    ("cat a number", lambda M: M.cat([_t(M, 2), 1.0]),
     Raises(TypeError, "expected Tensor as element 1 in argument 0, but got float",
            torchs=True)),
    ("stack a tensor", lambda M: M.stack(_t(M, 2, 3)),
     Raises(TypeError, "must be tuple of Tensors, not Tensor", torchs=True)),
    ("stack None", lambda M: M.stack([_t(M, 2), None]),
     Raises(TypeError, "expected Tensor as element 1 in argument 0, but got NoneType",
            torchs=True)),
    # --- shapes of shape ops ---------------------------------------------------------------
    ("reshape negative size", lambda M: _t(M, 6).reshape(2, -2),
     Raises(RuntimeError, "invalid shape dimension -2 at index 1 of shape [2, -2]",
            torchs=True)),
    ("expand leading -1", lambda M: _t(M, 2, 3).expand(-1, 2, 3),
     Raises(RuntimeError, "The expanded size of the tensor (-1) isn't allowed in a leading, "
            "non-existing dimension 0", torchs=True)),
    ("repeat negative", lambda M: _t(M, 2, 3).repeat(-1, 2),
     Raises(RuntimeError, "Trying to create tensor with negative dimension", torchs=True)),
    ("permute too many dims", lambda M: _t(M, 2, 3).permute(0, 1, 2),
     Raises(RuntimeError, "input.dim() = 2 is not equal to len(dims) = 3")),
    ("view non-contiguous", lambda M: _t(M, 2, 3).t().view(-1),
     Raises(RuntimeError, "view size is not compatible with input tensor's size and stride",
            torchs=True)),
    # --- the matmul family: torch's first sentence, each kernel its own --------------------
    ("matmul vector dtypes", lambda M: _t(M, 3) @ _t(M, 3, dtype=M.float64),
     Raises(RuntimeError, "dot : expected both vectors to have same dtype, but found Float "
            "and Double", torchs=True)),
    ("matmul matrix-vector dtypes", lambda M: _t(M, 2, 3) @ _t(M, 3, dtype=M.float64),
     Raises(RuntimeError, "addmv input tensors must have the same dtype, but got Double, "
            "Float, and Double", torchs=True)),
    ("matmul batch dtypes", lambda M: _t(M, 2, 2, 2) @ _t(M, 2, 2, 2, dtype=M.float64),
     Raises(RuntimeError, "expected scalar type Float but found Double", torchs=True)),
    ("matmul folded dtypes", lambda M: _t(M, 3, 2, 2) @ _t(M, 2, 2, dtype=M.float64),
     Raises(RuntimeError, "expected m1 and m2 to have the same dtype, but got: float != "
            "double", torchs=True)),
    ("matmul matrix-vector sizes", lambda M: _t(M, 2, 3) @ _t(M, 2),
     Raises(RuntimeError, "size mismatch, got input (2), mat (2x3), vec (2)", "[2, 3]",
            torchs=True)),
    ("matmul vector sizes", lambda M: _t(M, 3) @ _t(M, 2),
     Raises(RuntimeError, "inconsistent tensor size, expected tensor [3] and src [2]",
            torchs=True)),
    ("matmul folded sizes", lambda M: _t(M, 5, 2, 3) @ _t(M, 2, 2),
     Raises(RuntimeError, "mat1 and mat2 shapes cannot be multiplied (10x3 and 2x2)",
            torchs=True)),
    ("matmul batch sizes", lambda M: _t(M, 2, 3) @ _t(M, 5, 2, 3),
     Raises(RuntimeError, "Expected size for first two dimensions of batch2 tensor to be: "
            "[5, 3] but got: [5, 2].", torchs=True)),
    ("matmul bool", lambda M: M.ones(2, 2, dtype=M.bool) @ M.ones(2, 2, dtype=M.bool),
     Raises(NotImplementedError, '"addmm_impl_cpu_" not implemented for \'Bool\'',
            torchs=True)),
    ("matmul bool vectors", lambda M: M.ones(2, dtype=M.bool) @ M.ones(2, dtype=M.bool),
     Raises(NotImplementedError, '"dot" not implemented for \'Bool\'', torchs=True)),
    ("mm a vector", lambda M: M.mm(_t(M, 3), _t(M, 3, 2)),
     Raises(RuntimeError, "self must be a matrix", torchs=True)),
    ("bmm a matrix", lambda M: M.bmm(_t(M, 2, 3), _t(M, 1, 3, 3)),
     Raises(RuntimeError, "batch1 must be a 3D tensor", torchs=True)),
    ("bmm batch sizes", lambda M: M.bmm(_t(M, 1, 2, 3), _t(M, 2, 3, 3)),
     Raises(RuntimeError, "Expected size for first two dimensions of batch2 tensor to be: "
            "[1, 3] but got: [2, 3].", torchs=True)),
    ("bmm dtypes", lambda M: M.bmm(_t(M, 1, 2, 3), _t(M, 1, 3, 3, dtype=M.float64)),
     Raises(RuntimeError, "expected scalar type Float but found Double", torchs=True)),
    ("bmm bool", lambda M: M.bmm(M.ones(1, 2, 2, dtype=M.bool), M.ones(1, 2, 2, dtype=M.bool)),
     Raises(NotImplementedError, '"bmm" not implemented for \'Bool\'', torchs=True)),
    ("mv vectors", lambda M: M.mv(_t(M, 3), _t(M, 3)),
     Raises(RuntimeError, "vector + matrix @ vector expected, got 1, 1, 1", torchs=True)),
    ("dot matrices", lambda M: M.dot(_t(M, 3), _t(M, 3, 1)),
     Raises(RuntimeError, "1D tensors expected, but got 1D and 2D tensors", torchs=True)),
    ("linear float64 input", lambda M: M.nn.Linear(2, 3)(_t(M, 4, 2, dtype=M.float64)),
     Raises(RuntimeError, "mat1 and mat2 must have the same dtype, but got Double and Float",
            "input.float()", "model.double()", torchs=True)),
    ("linear no bias dtypes", lambda M: M.nn.Linear(2, 3, bias=False)(
        _t(M, 4, 2, dtype=M.float64)),
     Raises(RuntimeError, "expected m1 and m2 to have the same dtype, but got: double != "
            "float", "input.float()", torchs=True)),
    ("linear bias dtype", lambda M: _F(M).linear(_t(M, 4, 2), _t(M, 3, 2),
                                                 _t(M, 3, dtype=M.float64)),
     Raises(RuntimeError, "self and mat2 must have the same dtype, but got Double and Float",
            "bias.float()", torchs=True)),
    # --- creation: dtypes the kernels lack, values that do not fit ------------------------
    ("linspace bool", lambda M: M.linspace(0, 1, 5, dtype=M.bool),
     Raises(NotImplementedError, '"linspace_cpu" not implemented for \'Bool\'', torchs=True)),
    ("linspace negative steps", lambda M: M.linspace(0, 1, -1),
     Raises(RuntimeError, "number of steps must be non-negative", torchs=True)),
    ("linspace float steps", lambda M: M.linspace(0, 1, 2.5),
     Raises(TypeError, "linspace()", "'steps'", "float")),
    ("linspace end overflows", lambda M: M.linspace(0, 300, 4, dtype=M.uint8),
     Raises(RuntimeError, "value cannot be converted to type uint8_t without overflow",
            torchs=True)),
    ("linspace int", lambda M: M.linspace(-1, 1, 5, dtype=M.int64),
     Gives(lambda o: o.dtype == tinytorch.int64)),
    ("arange bool", lambda M: M.arange(5, dtype=M.bool),
     Raises(NotImplementedError, '"arange_cpu" not implemented for \'Bool\'', torchs=True)),
    ("arange inf", lambda M: M.arange(float("inf")),
     Raises(RuntimeError, "unsupported range: 0 -> inf", torchs=True)),
    ("arange nan", lambda M: M.arange(0, float("nan")),
     Raises(RuntimeError, "unsupported range: 0 -> nan", torchs=True)),
    ("arange str", lambda M: M.arange("a"),
     Raises(TypeError, "arange(): argument 'end' (position 1) must be Number, not str",
            torchs=True)),
    ("full overflows", lambda M: M.full((2,), 300, dtype=M.uint8),
     Raises(RuntimeError, "value cannot be converted to type uint8_t without overflow",
            torchs=True)),
    ("full nan into int", lambda M: M.full((2,), math.nan, dtype=M.int64),
     Raises(RuntimeError, "value cannot be converted to type int64_t without overflow",
            torchs=True)),
    ("full float into float16", lambda M: M.full((2,), 1e10, dtype=M.float16),
     Raises(RuntimeError, "value cannot be converted to type c10::Half without overflow",
            torchs=True)),
    ("full -1 wraps into uint8", lambda M: M.full((2,), -1, dtype=M.uint8),
     Gives(lambda o: _values(o).tolist() == [255, 255])),
    ("full str", lambda M: M.full((2,), "a"),
     Raises(TypeError, "full(): argument 'fill_value' (position 2) must be Number, not str",
            torchs=True)),
    ("full a vector", lambda M: M.full((2,), _t(M, 2)),
     Raises(TypeError, "must be Number, not Tensor", torchs=True)),
    ("eye negative", lambda M: M.eye(-1),
     Raises(RuntimeError, "n must be greater or equal to 0, got -1", torchs=True)),
    ("eye negative m", lambda M: M.eye(2, -1),
     Raises(RuntimeError, "m must be greater or equal to 0, got -1", torchs=True)),
    ("eye float", lambda M: M.eye(2.5),
     Raises(TypeError, "eye(): argument 'n' (position 1) must be int, not float",
            torchs=True)),
    ("tensor overflows uint8", lambda M: M.tensor([300], dtype=M.uint8),
     Raises(RuntimeError, "value cannot be converted to type uint8 without overflow",
            torchs=True)),
    ("tensor nan into int", lambda M: M.tensor([1.0, math.nan], dtype=M.int64),
     Raises(RuntimeError, "value cannot be converted to type int64 without overflow",
            torchs=True)),
    ("tensor -1 wraps into uint8", lambda M: M.tensor([-1, 2], dtype=M.uint8),
     Gives(lambda o: _values(o).tolist() == [255, 2])),
    ("tensor int beyond int64", lambda M: M.tensor([2 ** 63]),
     Raises(ValueError, "Overflow when unpacking long long", torchs=True)),
    ("tensor ragged", lambda M: M.tensor([[1, 2], [3, 4, 5]]),
     Raises(ValueError, "expected sequence of length 2 at dim 1 (got 3)", torchs=True)),
    ("tensor ragged deeper", lambda M: M.tensor([[[1], [2]], [[3], [4, 5]]]),
     Raises(ValueError, "expected sequence of length 1 at dim 2 (got 2)", torchs=True)),
    ("tensor None", lambda M: M.tensor(None),
     Raises(RuntimeError, "Could not infer dtype of NoneType", torchs=True)),
    ("ones_like a list", lambda M: M.ones_like([1, 2]),
     Raises(TypeError, "ones_like(): argument 'input' (position 1) must be Tensor, not list",
            torchs=True)),
    ("rand int dtype", lambda M: M.rand(2, dtype=M.int64),
     Raises(NotImplementedError, '"check_uniform_bounds" not implemented for \'Long\'',
            torchs=True)),
    ("randint beyond uint8", lambda M: M.randint(0, 300, (2,), dtype=M.uint8),
     Raises(RuntimeError, "to - 1 is out of bounds for unsigned char", torchs=True)),
    ("randint negative for uint8", lambda M: M.randint(-5, 3, (2,), dtype=M.uint8),
     Raises(RuntimeError, "from is out of bounds for unsigned char", torchs=True)),
    ("randint beyond bool", lambda M: M.randint(0, 10, (2,), dtype=M.bool),
     Raises(RuntimeError, "to - 1 is out of bounds for bool", torchs=True)),
    ("randperm bool", lambda M: M.randperm(5, dtype=M.bool),
     Raises(NotImplementedError, '"randperm" not implemented for \'Bool\'', torchs=True)),
    ("randperm negative", lambda M: M.randperm(-1),
     Raises(RuntimeError, "Trying to create tensor with negative dimension -1: [-1]",
            torchs=True)),
    ("randperm overflows uint8", lambda M: M.randperm(300, dtype=M.uint8),
     Raises(RuntimeError, "value cannot be converted to type uint8_t without overflow",
            torchs=True)),
    ("randperm float", lambda M: M.randperm(2.5),
     Raises(TypeError, "randperm(): argument 'n' (position 1) must be int, not float",
            torchs=True)),
    ("normal negative std", lambda M: M.normal(0.0, -1.0, (2,)),
     Raises(RuntimeError, "normal expects std >= 0.0, but found std -1")),
    # --- checks tensor.py's methods and setitem call --------------------------------------
    ("Tensor.add alpha float for ints", lambda M: _long(M, [1, 2]).add(1, alpha=2.5),
     Raises(RuntimeError, "For integral input tensors, argument alpha must not be a floating "
            "point number.", torchs=True)),
    ("Tensor.sub alpha of a bool", lambda M: _t(M, 2).sub(True, alpha=2),
     Raises(RuntimeError, "Subtraction, the `-` operator, with a bool tensor",
            torchs=True)),
    ("Tensor.dot dtypes", lambda M: _t(M, 3).dot(_t(M, 3, dtype=M.float64)),
     Raises(RuntimeError, "dot : expected both vectors to have same dtype, but found Float "
            "and Double", torchs=True)),
    ("Tensor.mv sizes", lambda M: _t(M, 2, 3).mv(_t(M, 2)),
     Raises(RuntimeError, "size mismatch, got input (2), mat (2x3), vec (2)", torchs=True)),
    ("Tensor.bmm batch sizes", lambda M: _t(M, 1, 2, 3).bmm(_t(M, 2, 3, 3)),
     Raises(RuntimeError, "Expected size for first two dimensions of batch2 tensor to be: "
            "[1, 3] but got: [2, 3].", torchs=True)),
    ("uniform_ reversed bounds", lambda M: _t(M, 2).uniform_(1.0, 0.0),
     Raises(RuntimeError, "uniform_ expects to return a [from, to) range, but found from=1",
            torchs=True)),
    ("uniform_ infinite bound", lambda M: _t(M, 2).uniform_(0.0, math.inf),
     Raises(RuntimeError, "to is out of bounds for float", torchs=True)),
    ("fill_ overflows", lambda M: M.ones(2, dtype=M.uint8).fill_(300),
     Raises(RuntimeError, "value cannot be converted to type uint8_t without overflow",
            torchs=True)),
    ("setitem overflows", lambda M: M.ones(2, dtype=M.uint8).__setitem__(0, 300),
     Raises(RuntimeError, "value cannot be converted to type uint8_t without overflow",
            torchs=True)),
    ("normal_ negative std", lambda M: _t(M, 2).normal_(0.0, -1.0),
     Raises(RuntimeError, "normal expects std >= 0.0, but found std -1", torchs=True)),
    # --- in place on memory that cannot be written -----------------------------------------
    ("in place on read-only memory", _read_only_in_place,
     Raises(RuntimeError, "add_", "read-only", "clone()",
            differs="torch writes into the read-only array (undefined behaviour)")),
    ("in place on an expanded tensor", lambda M: _t(M, 1, 2).expand(2, 2).mul_(2),
     Raises(RuntimeError, "unsupported operation: more than one element of the written-to "
            "tensor refers to a single memory location")),
]

IDS = [c[0] for c in CASES]
assert len(set(IDS)) == len(IDS)


class _Hang(Exception):
    pass


def _run(call, M):
    """Run ``call(M)`` under an alarm (a hang is a failure, not a stuck suite)."""
    def on_alarm(signum, frame):
        raise _Hang(f"no result after {TIMEOUT_S} s")
    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(TIMEOUT_S)
    try:
        return call(M)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _same(a, b, path="out"):
    """tinytorch result ``a`` equals torch result ``b`` (values with NaNs, shape, dtype)."""
    if isinstance(a, tinytorch.Tensor):
        assert type(b).__name__ == "Tensor", f"{path}: torch gave {type(b).__name__}"
        assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1], \
            f"{path}: dtype {a.dtype} vs torch {b.dtype}"
        assert tuple(a.shape) == tuple(b.shape), f"{path}: shape {a.shape} vs {b.shape}"
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6,
                                   atol=1e-7, equal_nan=True, err_msg=path)
    elif isinstance(a, (tuple, list)):
        assert len(a) == len(b), f"{path}: {len(a)} items vs {len(b)}"
        for k, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{path}[{k}]")
    else:
        assert a == b, f"{path}: {a!r} vs torch {b!r}"


@pytest.mark.parametrize("call,outcome", [c[1:] for c in CASES], ids=IDS)
def test_outcome(call, outcome):
    if isinstance(outcome, Raises) and outcome.pending:
        try:
            _check_raises(call, outcome)
        except (AssertionError, pytest.fail.Exception):  # (pytest.raises: "DID NOT RAISE")
            pytest.xfail(f"pending: {outcome.pending}")
        pytest.fail(f"the row passes now: remove its pending= ({outcome.pending})")
    if isinstance(outcome, Raises):
        _check_raises(call, outcome)
        return
    _check_gives(call, outcome)


def _check_raises(call, outcome):
    with pytest.raises(Exception) as info, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _run(call, tinytorch)
    err = info.value
    assert isinstance(err, outcome.exc), f"{type(err).__name__}: {err}"
    msg = str(err)
    for part in outcome.parts:
        assert part in msg, f"{part!r} not in {msg!r}"
    # tinytorch's own error, not numpy's: innermost frame, type, cause, wording
    innermost = os.path.abspath(traceback.extract_tb(err.__traceback__)[-1].filename)
    assert innermost.startswith(PACKAGE_DIR), innermost
    assert not type(err).__module__.startswith("numpy")
    assert err.__cause__ is None or not type(err.__cause__).__module__.startswith("numpy")
    # (unless the expected words themselves name numpy: the user passed an ndarray)
    assert not any(w in msg and not any(w in p for p in outcome.parts) for w in NUMPY_WORDS), msg


def _check_gives(call, outcome):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = _run(call, tinytorch)
    numpy_warnings = [w for w in caught if os.path.abspath(w.filename).startswith(NUMPY_DIR)
                      or issubclass(w.category, RuntimeWarning)]
    assert not numpy_warnings, [str(w.message) for w in numpy_warnings]
    if outcome.warns is not None:
        assert any(outcome.warns in str(w.message) for w in caught), \
            [str(w.message) for w in caught]
    if outcome.check is not None:
        assert outcome.check(out), out


@pytest.mark.parametrize("call,outcome", [c[1:] for c in CASES], ids=IDS)
def test_outcome_is_torchs(call, outcome):
    """The same call in torch: the same exception type, or the same result."""
    torch = pytest.importorskip("torch")
    if isinstance(outcome, Raises) and outcome.differs:
        pytest.skip(f"deliberately not torch's behaviour: {outcome.differs}")
    if isinstance(outcome, Raises):
        with pytest.raises(Exception) as info:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                _run(call, torch)
        assert isinstance(info.value, outcome.exc), \
            f"torch raised {type(info.value).__name__}: {info.value}"
        if outcome.torchs:
            assert outcome.parts[0] in str(info.value), \
                f"{outcome.parts[0]!r} not in torch's {str(info.value)!r}"
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = _run(call, torch)
        out = _run(call, tinytorch)
    _same(out, ref)


def test_catalogue_is_large_and_covers_every_area():
    assert len(CASES) >= 40
    raises = sum(isinstance(c[2], Raises) for c in CASES)
    assert raises >= 40 and len(CASES) - raises >= 20
