"""``tinytorch.linalg``: torch.linalg's functions (the code is in tinytorch/_decomp.py).

>>> import tinytorch as torch
>>> torch.linalg.det(torch.eye(2))
tensor(1.)
"""
from ._decomp import (cholesky_ex, eigh, eigvalsh, inv, inv_ex, lstsq,  # noqa: F401
                      matrix_exp, matrix_norm, matrix_power, matrix_rank, norm, pinv, solve,
                      svdvals, vector_norm)
from ._decomp import linalg_cholesky as cholesky  # noqa: F401
from ._decomp import linalg_det as det  # noqa: F401
from ._decomp import linalg_qr as qr  # noqa: F401
from ._decomp import linalg_slogdet as slogdet  # noqa: F401
from ._decomp import linalg_svd as svd  # noqa: F401
from .functions.decomp import LinAlgError  # noqa: F401

__all__ = ["LinAlgError", "cholesky", "cholesky_ex", "det", "eigh", "eigvalsh", "inv", "inv_ex",
           "lstsq", "matrix_exp", "matrix_norm", "matrix_power", "matrix_rank", "norm", "pinv",
           "qr", "slogdet", "solve", "svd", "svdvals", "vector_norm"]
