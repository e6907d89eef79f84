"""Matrix functions and decompositions (det, inv, solve, cholesky, qr, svd, eigh, ...): the
functions behind ``tinytorch.linalg`` and torch's older top-level names.

``__all__`` lists the functions exported as ``tinytorch.<name>`` and ``METHODS`` the Tensor
methods (name -> function taking the tensor first), which tensor.py adds to its method table.
"""

__all__ = []

METHODS = {}
