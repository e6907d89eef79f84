"""Second derivatives of every op in the table: gradgradcheck (float64, finite differences of
the first gradient, random upstream gradients), and against torch where it is importable."""
import pytest

import tinytorch
from tinytorch.autograd import gradgradcheck
from op_cases import CASES
from second_order import assert_same_second_derivatives, leaves, second_derivatives


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_gradgradcheck(case):
    inputs = leaves(case.arrays(), tinytorch)
    assert gradgradcheck(lambda *xs: case.fn(tinytorch, *xs), inputs, eps=1e-6, atol=1e-5,
                         rtol=1e-3)


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_second_derivatives_match_torch(case):
    torch = pytest.importorskip("torch")
    assert_same_second_derivatives(second_derivatives(tinytorch, case.fn, case.arrays()),
                                   second_derivatives(torch, case.fn, case.arrays()), 1e-7)
