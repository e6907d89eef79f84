"""Random sampling primitives (called from tinytorch/random.py and tinytorch/_random_ops.py).

A sample is drawn before the primitive runs and handed to it as ``values``; the tensors the
distribution depends on (normal's mean and std, bernoulli's probabilities, the tensor an
in-place fill overwrites) are its inputs.  As in torch, a sample is not differentiated
through: every input gets a zero gradient (torch's NormalBackward*, BernoulliBackward0, ...).
"""
import numpy as np

from ..autograd.function import Primitive


class Sample(Primitive):
    """z = values drawn from a distribution with parameters x1, x2, ...;  dz/dxi = 0"""

    backward_name = "SampleBackward0"

    @staticmethod
    def forward(ctx, values, *params):
        return values

    @staticmethod
    def backward(ctx, g):
        zero = np.zeros_like(g)
        return (None,) + tuple(zero if need else None for need in ctx.needs_input_grad[1:])


def _named(name):
    return type(name, (Sample,), {"backward_name": name, "__doc__": Sample.__doc__})


# torch's node names: out-of-place normal(mean, std) overloads, then the in-place fills
Uniform = _named("UniformBackward0")
Normal = _named("NormalBackward0")
NormalTensorFloat = _named("NormalBackward1")
NormalFloatTensor = _named("NormalBackward2")
NormalTensorTensor = _named("NormalBackward3")
Bernoulli = _named("BernoulliBackward0")
BernoulliInplaceTensor = _named("BernoulliBackward1")
BernoulliInplaceFloat = _named("BernoulliBackward2")
Poisson = _named("PoissonBackward0")
RandomFromTo = _named("RandomBackward0")
RandomTo = _named("RandomBackward1")
Random = _named("RandomBackward2")
Exponential = _named("ExponentialBackward0")
Geometric = _named("GeometricBackward0")
Cauchy = _named("CauchyBackward0")
LogNormal = _named("LogNormalBackward0")


class BernoulliScalar(Primitive):
    """z = bernoulli(x, p) for a number p (its values do not depend on x);  dz/dx: torch has
    no derivative for this overload, so backward raises as torch does"""

    backward_name = "NotImplemented"

    @staticmethod
    def forward(ctx, values, x):
        return values

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("derivative for aten::bernoulli is not implemented")
