"""Bad input raises torch's exception type with a message naming the op and the shapes,
dtypes or values involved -- never a raw numpy error."""
import os
import traceback

import numpy as np
import pytest

import tinytorch as L

PACKAGE_DIR = os.path.dirname(os.path.abspath(L.__file__))


def _x():
    return L.ones(3)


# (call, exception type, substrings the message must contain)
ERRORS = [
    # shapes: matmul names both shapes, elementwise ops the dimension that does not broadcast
    (lambda: L.ones(4, 3) @ L.ones(4, 5), RuntimeError,
     ["mat1 and mat2 shapes cannot be multiplied (4x3 and 4x5)"]),
    (lambda: L.ones(4, 3).mm(L.ones(4, 5)), RuntimeError, ["(4x3 and 4x5)"]),
    (lambda: L.matmul(L.ones(3), L.ones(4)), RuntimeError, ["[3]", "[4]"]),
    (lambda: L.ones(2, 3) @ L.ones(4), RuntimeError, ["[2, 3]", "[4]"]),
    (lambda: L.ones(3) @ L.ones(4, 2), RuntimeError, ["[3]", "[4, 2]"]),
    (lambda: L.ones(2, 3, 4) @ L.ones(5, 4, 2), RuntimeError,
     ["size of tensor a (2)", "tensor b (5)", "dimension 0"]),
    (lambda: L.tensor(1.0) @ L.ones(2), RuntimeError, ["at least 1D", "0D"]),
    (lambda: L.ones(2, 2) @ L.ones(2, 2, dtype=L.float64), RuntimeError,
     ["expected m1 and m2 to have the same dtype, but got: float != double", "Hint"]),
    (lambda: L.ones(2, 2).mm(L.ones(2)), RuntimeError, ["mat2 must be a matrix"]),
    (lambda: L.ones(2, 3) + L.ones(3, 2), RuntimeError,
     ["add", "The size of tensor a (3) must match the size of tensor b (2) at "
      "non-singleton dimension 1", "[2, 3]", "[3, 2]"]),
    (lambda: L.ones(2, 3) * L.ones(4), RuntimeError, ["mul", "dimension 1", "(3)", "(4)"]),
    (lambda: L.ones(5, 3) - L.ones(4, 3), RuntimeError, ["sub", "dimension 0"]),
    (lambda: L.ones(2) / L.ones(3), RuntimeError, ["div", "dimension 0"]),
    (lambda: L.ones(2) ** L.ones(3), RuntimeError, ["pow", "dimension 0"]),
    (lambda: L.maximum(L.ones(2, 3), L.ones(3, 2)), RuntimeError, ["maximum", "dimension 1"]),
    (lambda: L.ones(2, 3) < L.ones(3, 2), RuntimeError, ["lt", "dimension 1"]),
    (lambda: L.where(L.ones(2, 3) > 0, L.ones(3, 2), 0.0), RuntimeError,
     ["where", "dimension 1"]),
    (lambda: L.ones(2, 3).masked_fill(L.ones(3, 2) > 0, 0.0), RuntimeError,
     ["masked_fill", "dimension 1"]),
    (lambda: L.ones(2).clamp(min=L.ones(3)), RuntimeError, ["clamp", "dimension 0"]),
    (lambda: L.zeros(3).copy_(L.ones(2)), RuntimeError, ["copy_", "[2]", "[3]"]),
    (lambda: L.ones(3).add_(L.ones(2, 3)), RuntimeError, ["add_", "[3]", "[2, 3]"]),
    # dtypes
    (lambda: L.tensor([1, 2], requires_grad=True), RuntimeError,
     ["only floating point tensors can require gradients", "int64"]),
    (lambda: L.tensor([True]).requires_grad_(), RuntimeError,
     ["only floating point tensors can require gradients"]),
    (lambda: L.tensor([1, 2]).mean(), RuntimeError, ["mean", "floating point", "int64"]),
    (lambda: L.tensor([1, 2]).var(), RuntimeError, ["var", "floating point"]),
    (lambda: L.tensor([1, 2]).softmax(0), NotImplementedError, ["softmax", "Long"]),
    (lambda: L.ones(2).masked_fill(L.tensor([1, 0]), 5), RuntimeError,
     ["masked_fill", "bool", "int64"]),
    (lambda: L.where(L.tensor([1, 0]), 1.0, 0.0), RuntimeError, ["where", "bool", "int64"]),
    (lambda: L.tensor([1, 2]).mul_(1.5), RuntimeError, ["mul_", "float32", "int64"]),
    (lambda: L.ones(2) & L.ones(2), NotImplementedError, ["bitwise_and", "Float"]),
    (lambda: ~L.ones(2), TypeError, ["integer", "float32"]),
    (lambda: L.tensor([True]) - L.tensor([True]), RuntimeError, ["Subtraction", "bool"]),
    (lambda: L.tensor([2]) ** -1, RuntimeError, ["negative"]),
    (lambda: L.ones(2) + "a", TypeError, ["add", "str"]),
    (lambda: L.tensor("a"), TypeError, ["dtype"]),
    (lambda: L.from_numpy([1, 2]), TypeError, ["np.ndarray", "list"]),
    (lambda: L.from_numpy(np.array(["a"])), TypeError, ["<U1"]),
    # dims
    (lambda: L.ones(2, 3).sum(2), IndexError,
     ["sum", "Dimension out of range (expected to be in range of [-2, 1], but got 2)"]),
    (lambda: L.ones(2, 3).mean(-3), IndexError, ["mean", "[-2, 1]", "got -3"]),
    (lambda: L.ones(2, 3).max(2), IndexError, ["max", "got 2"]),
    (lambda: L.ones(2, 3).amax((0, 3)), IndexError, ["amax", "got 3"]),
    (lambda: L.ones(2).softmax(1), IndexError, ["softmax", "[-1, 0]", "got 1"]),
    (lambda: L.ones(2, 3).log_softmax(5), IndexError, ["log_softmax", "got 5"]),
    (lambda: L.ones(2, 3).logsumexp(2), IndexError, ["logsumexp", "got 2"]),
    (lambda: L.ones(2, 3).var(2), IndexError, ["var", "got 2"]),
    (lambda: L.ones(2, 3).argmax(2), IndexError, ["argmax", "got 2"]),
    (lambda: L.ones(2, 3).transpose(0, 2), IndexError, ["transpose", "got 2"]),
    (lambda: L.ones(3).unsqueeze(2), IndexError, ["unsqueeze", "[-2, 1]", "got 2"]),
    (lambda: L.ones(3, 2).squeeze(2), IndexError, ["squeeze", "got 2"]),
    (lambda: L.ones(2, 3).flatten(0, 5), IndexError, ["flatten", "got 5"]),
    (lambda: L.ones(2, 3).size(2), IndexError, ["size", "got 2"]),
    (lambda: L.cat([L.ones(2), L.ones(2)], 1), IndexError, ["cat", "got 1"]),
    (lambda: L.stack([L.ones(2), L.ones(2)], 3), IndexError, ["stack", "got 3"]),
    (lambda: L.ones(2, 3).split(1, 2), IndexError, ["split", "got 2"]),
    (lambda: L.ones(2, 3).sum((0, 0)), RuntimeError, ["dim", "multiple times"]),
    (lambda: L.ones(2, 3).permute(0), RuntimeError, ["permute", "input.dim() = 2",
                                                     "len(dims) = 1"]),
    (lambda: L.ones(2, 3).permute(0, 0), RuntimeError, ["permute", "duplicate"]),
    (lambda: L.ones(2, 3).flatten(1, 0), RuntimeError, ["flatten", "start_dim"]),
    (lambda: L.ones(2, 3).sum(1.5), TypeError, ["sum", "dim", "float"]),
    # shapes of shape ops
    (lambda: L.arange(6).reshape(4, -1), RuntimeError,
     ["shape '[4, -1]' is invalid for input of size 6"]),
    (lambda: L.arange(6).view(4, 2), RuntimeError, ["[4, 2]", "size 6"]),
    (lambda: L.arange(6).reshape(-1, -1), RuntimeError, ["only one dimension can be inferred"]),
    (lambda: L.arange(6).reshape(2, 3).t().view(6), RuntimeError,
     ["view size is not compatible", "reshape"]),
    (lambda: L.zeros(3, 2).expand(3, 4), RuntimeError,
     ["expanded size of the tensor (4) must match the existing size (2)", "dimension 1"]),
    (lambda: L.zeros(3, 1).expand(4), RuntimeError, ["expand", "(1)", "(2)"]),
    (lambda: L.ones(2, 3).repeat(2), RuntimeError, ["repeat", "dimensions"]),
    (lambda: L.cat([L.ones(2, 3), L.ones(3, 4)], 1), RuntimeError,
     ["Sizes of tensors must match except in dimension 1", "Expected size 2 but got size 3",
      "tensor number 1"]),
    (lambda: L.cat([L.ones(2, 3), L.ones(2)]), RuntimeError, ["same number of dimensions",
                                                              "2 and 1"]),
    (lambda: L.cat([]), ValueError, ["cat", "non-empty"]),
    (lambda: L.stack([L.ones(2), L.zeros(3)]), RuntimeError,
     ["stack expects each tensor to be equal size", "[2]", "[3]", "entry 1"]),
    (lambda: L.stack([]), RuntimeError, ["stack", "non-empty"]),
    (lambda: L.arange(10).split([2, 7]), RuntimeError, ["sum exactly to 10", "[2, 7]"]),
    (lambda: L.arange(10).split(0), RuntimeError, ["split_size", "10"]),
    (lambda: L.arange(10).split(-1), RuntimeError, ["non-negative", "-1"]),
    (lambda: L.arange(10).chunk(0), RuntimeError, ["chunk", "greater than 0", "0"]),
    (lambda: L.ones(1, 2).expand(2, 2).add_(1), RuntimeError,
     ["add_", "single memory location", "clone()"]),
    # indexing
    (lambda: _x()[L.tensor([0.5])], IndexError,
     ["tensors used as indices must be long, int, byte or bool tensors", "float32"]),
    (lambda: _x()[1.0], IndexError, ["only integers, slices", "float"]),
    (lambda: _x()[5], IndexError, ["index 5 is out of bounds for dimension 0 with size 3"]),
    (lambda: L.ones(2, 3)[:, 4], IndexError, ["index 4", "dimension 1", "size 3"]),
    (lambda: _x()[[0, 5]], IndexError, ["index 5", "size 3"]),
    (lambda: _x()[0, 0], IndexError, ["too many indices", "1-dimensional", "2"]),
    (lambda: _x()[L.tensor([True, False])], IndexError, ["boolean index", "3", "2"]),
    (lambda: _x()[::-1], ValueError, ["step must be greater than zero"]),
    (lambda: _x().__setitem__(L.tensor([0, 5]), 1.0), IndexError, ["index 5", "size 3"]),
    (lambda: _x().__setitem__(slice(None), L.ones(2)), RuntimeError,
     ["index_put_", "[2]", "(3,)"]),
    # values
    (lambda: L.tensor([1.0, 2.0]).item(), RuntimeError,
     ["a Tensor with 2 elements cannot be converted to Scalar"]),
    (lambda: bool(L.tensor([1.0, 2.0])), RuntimeError, ["Boolean value of Tensor", "ambiguous"]),
    (lambda: len(L.tensor(1.0)), TypeError, ["len() of a 0-d tensor"]),
    (lambda: L.zeros(0).max(), RuntimeError, ["max", "numel() == 0"]),
    (lambda: L.zeros(0, 3).amax(0), IndexError, ["amax", "dim 0", "non-zero size"]),
    (lambda: L.zeros(0).argmax(), IndexError, ["argmax", "numel() == 0"]),
    (lambda: L.ones(2).clamp(), RuntimeError, ["clamp", "min", "max"]),
    (lambda: L.zeros(-1), RuntimeError, ["zeros", "non-negative", "-1"]),
    (lambda: L.zeros(2.5), TypeError, ["zeros", "float", "2.5"]),
    (lambda: L.arange(1, 5, 0), RuntimeError, ["step", "nonzero"]),
    (lambda: L.arange(5, 1), RuntimeError, ["arange", "step sign"]),
    (lambda: L.randint(3, 1, (2,)), RuntimeError, ["from=3 >= to=1"]),
    (lambda: L.tensor([[1], [2, 3]]), ValueError,
     ["expected sequence of length 1 at dim 1 (got 2)"]),
    (lambda: L.ones(2, requires_grad=True).numpy(), RuntimeError, ["numpy()", "detach"]),
    (lambda: L.ones(2, requires_grad=True).add_(1), RuntimeError,
     ["add_", "leaf Variable that requires grad", "in-place"]),
    (lambda: (L.ones(2, requires_grad=True) * 2).backward(), RuntimeError,
     ["grad can be implicitly created only for scalar outputs"]),
    (lambda: L.ones(2).sum().backward(), RuntimeError, ["does not require grad"]),
]


IDS = [f"{i}-{exc.__name__}-{parts[0][:30]}" for i, (_, exc, parts) in enumerate(ERRORS)]


@pytest.mark.parametrize("call,exc,parts", ERRORS, ids=IDS)
def test_error_type_and_message(call, exc, parts):
    with pytest.raises(Exception) as info:
        call()
    assert type(info.value) is exc or isinstance(info.value, exc), \
        f"{type(info.value).__name__}: {info.value}"
    msg = str(info.value)
    for part in parts:
        assert part in msg, f"{part!r} not in {msg!r}"


@pytest.mark.parametrize("call,exc,parts", ERRORS, ids=IDS)
def test_errors_are_raised_by_tinytorch_not_numpy(call, exc, parts):
    """The innermost frame of the traceback is tinytorch's own code, and the exception is
    not a numpy class (no raw numpy traceback reaches the user)."""
    with pytest.raises(Exception) as info:
        call()
    assert not type(info.value).__module__.startswith("numpy")
    innermost = traceback.extract_tb(info.value.__traceback__)[-1].filename
    assert os.path.abspath(innermost).startswith(PACKAGE_DIR), innermost
    assert info.value.__cause__ is None or not type(info.value.__cause__).__module__. \
        startswith("numpy")


def test_broadcast_error_names_the_right_dimension_for_each_operand_order():
    with pytest.raises(RuntimeError, match="non-singleton dimension 0"):
        L.ones(5, 1, 3) + L.ones(4, 1, 3)
    with pytest.raises(RuntimeError, match=r"tensor a \(2\).*tensor b \(3\).*dimension 2"):
        L.ones(4, 1, 2) * L.ones(3)
