"""Random sampling ops with torch's names: multinomial, bernoulli, poisson, and the in-place
fills (random_, exponential_, geometric_, cauchy_, log_normal_).

``__all__`` lists the functions exported as ``tinytorch.<name>`` and ``METHODS`` the Tensor
methods (name -> function taking the tensor first), which tensor.py adds to its method table.
"""

__all__ = []

METHODS = {}
