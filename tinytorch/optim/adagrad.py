"""Adagrad: per-coordinate step sizes that shrink with the accumulated squared gradients."""
import numpy as np

from .._api import array, mark_modified, wrap
from .optimizer import Optimizer, _addcmul_, _check_hparams, _count_step, _grad, _new_step, _scalar

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""Adagrad, as PyTorch documents it.  At step t with gradient g:

        g ← g + λ θ                          (weight_decay λ)
        lr_t = lr / (1 + (t − 1) · lr_decay)
        s ← s + g²                           (``sum``, starts at initial_accumulator_value)
        θ ← θ − lr_t g / (√s + eps)

    Coordinates that keep receiving large gradients get ever smaller steps.

    >>> opt = tinytorch.optim.Adagrad(model.parameters(), lr=1e-2)
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False, differentiable=False, fused=None):
        _check_hparams(lr, lr_decay=lr_decay, weight_decay=weight_decay,
                       initial_accumulator_value=initial_accumulator_value, epsilon=eps)
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        # unlike the other optimizers, torch's Adagrad creates its state up front
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, group)

    def _init_state(self, p, group):
        state = self.state[p]
        state["step"] = _new_step()
        state["sum"] = wrap(np.full_like(array(p), group["initial_accumulator_value"]))
        return state

    def step(self, closure=None):
        loss = self._run_closure(closure)
        for group in self.param_groups:
            lr = _scalar(group["lr"])
            lr_decay, eps = group["lr_decay"], group["eps"]
            weight_decay, maximize = _scalar(group["weight_decay"]), group["maximize"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state = self._init_state(p, group)
                step = _count_step(state)
                theta, g = array(p), _grad(p, maximize, weight_decay)
                clr = lr / (1 + (step - 1) * lr_decay)
                s = array(state["sum"])
                _addcmul_(s, g, g, 1)
                std = np.sqrt(s)
                std += eps
                upd = np.multiply(g, -clr)
                upd /= std
                theta += upd
                mark_modified(p)
        return loss
