"""The everyday surface scripts use around their math: threads, finfo/iinfo, legacy
constructors, ``compile``, ...

``__all__`` lists the functions exported as ``tinytorch.<name>`` and ``METHODS`` the Tensor
methods (name -> function taking the tensor first), which tensor.py adds to its method table.
"""

__all__ = []

METHODS = {}
