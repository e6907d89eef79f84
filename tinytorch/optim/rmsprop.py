"""RMSprop: divide the gradient by a running root-mean-square of recent gradients."""
import numpy as np

from .._api import array, mark_modified
from .optimizer import (Optimizer, _addcmul_, _check_hparams, _count_step, _grad, _lerp_,
                        _new_step, _scalar, _zeros_like)

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop, as PyTorch documents it.  With gradient g:

        g ← g + λ θ                       (weight_decay λ)
        v ← α v + (1 − α) g²              (``square_avg``)
        centered:  ḡ ← α ḡ + (1 − α) g   (``grad_avg``),  v' = v − ḡ²,  else v' = v
        momentum μ > 0:  b ← μ b + g / (√v' + eps),  θ ← θ − lr b
        otherwise:       θ ← θ − lr g / (√v' + eps)

    Centering divides by an estimate of the gradient's variance instead of its raw second
    moment.

    >>> opt = tinytorch.optim.RMSprop(model.parameters(), lr=1e-2, alpha=0.99)
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        _check_hparams(lr, epsilon=eps, momentum=momentum, weight_decay=weight_decay,
                       alpha=alpha)
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                        maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = self._run_closure(closure)
        for group in self.param_groups:
            lr = _scalar(group["lr"])
            alpha, eps = group["alpha"], group["eps"]
            weight_decay, momentum = _scalar(group["weight_decay"]), group["momentum"]
            centered, maximize = group["centered"], group["maximize"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _new_step()
                    state["square_avg"] = _zeros_like(p)
                    if momentum > 0:
                        state["momentum_buffer"] = _zeros_like(p)
                    if centered:
                        state["grad_avg"] = _zeros_like(p)
                _count_step(state)
                theta, g = array(p), _grad(p, maximize, weight_decay)
                v = array(state["square_avg"])
                v *= alpha
                _addcmul_(v, g, g, 1 - alpha)
                if centered:
                    gbar = array(state["grad_avg"])
                    _lerp_(gbar, g, 1 - alpha)
                    avg = np.multiply(gbar, -1)  # v - ḡ²
                    avg *= gbar
                    avg += v
                    avg = np.sqrt(avg)
                else:
                    avg = np.sqrt(v)
                avg += eps
                if momentum > 0:
                    buf = array(state["momentum_buffer"])
                    buf *= momentum
                    buf += g / avg
                    upd = np.multiply(buf, -lr)
                else:
                    upd = np.multiply(g, -lr)
                    upd /= avg
                theta += upd
                mark_modified(p)
        return loss
