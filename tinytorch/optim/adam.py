"""Adam and AdamW: adaptive moment estimation, with L2 or decoupled weight decay."""
import numpy as np

from .._api import array, mark_modified
from ..tensor import Tensor
from .optimizer import (Optimizer, _addcmul_, _check_hparams, _check_nonneg, _count_step,
                        _grad, _lerp_, _new_step, _scalar, _zeros_like)

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    r"""Adam, as PyTorch documents it.  With gradient g at step t:

        g ← g + λ θ                  (weight_decay λ; AdamW instead does θ ← θ (1 − lr λ))
        m ← β₁ m + (1 − β₁) g        (first moment, ``exp_avg``)
        v ← β₂ v + (1 − β₂) g²       (second moment, ``exp_avg_sq``)
        v̂ ← max(v̂, v) if amsgrad    (``max_exp_avg_sq``), else v̂ = v
        θ ← θ − lr / (1 − β₁ᵗ) · m / (√v̂ / √(1 − β₂ᵗ) + eps)

    The two ``1 − βᵗ`` factors undo the bias of m and v towards their zero start.

    >>> opt = tinytorch.optim.Adam(model.parameters(), lr=1e-3)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False):
        _check_hparams(lr, epsilon=eps)
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        _check_nonneg(weight_decay, "weight_decay")
        if not (all(isinstance(b, float) for b in betas)
                or all(isinstance(b, Tensor) for b in betas)):
            raise ValueError("betas must be either both floats or both Tensors")
        betas = tuple(_scalar(b) for b in betas)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = self._run_closure(closure)
        for group in self.param_groups:
            lr = _scalar(group["lr"])
            beta1, beta2 = (_scalar(b) for b in group["betas"])
            eps, weight_decay = group["eps"], _scalar(group["weight_decay"])
            amsgrad, maximize = group["amsgrad"], group["maximize"]
            decoupled = group["decoupled_weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _new_step()
                    state["exp_avg"] = _zeros_like(p)
                    state["exp_avg_sq"] = _zeros_like(p)
                    if amsgrad:
                        state["max_exp_avg_sq"] = _zeros_like(p)
                step = _count_step(state)
                theta = array(p)
                if decoupled:  # AdamW: θ ← θ (1 − lr λ), and g is left without decay
                    g = _grad(p, maximize, 0)
                    if weight_decay != 0:
                        theta *= 1 - lr * weight_decay
                else:
                    g = _grad(p, maximize, weight_decay)
                m, v = array(state["exp_avg"]), array(state["exp_avg_sq"])
                _lerp_(m, g, 1 - beta1)
                v *= beta2
                _addcmul_(v, g, g, 1 - beta2)
                step_size = lr / (1 - beta1 ** step)
                bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
                if amsgrad:
                    vmax = array(state["max_exp_avg_sq"])
                    np.maximum(vmax, v, out=vmax)
                    denom = np.sqrt(vmax)
                else:
                    denom = np.sqrt(v)
                denom /= bias_correction2_sqrt
                denom += eps
                # θ <- θ - step_size * m / denom
                upd = np.multiply(m, -step_size)
                upd /= denom
                theta += upd
                mark_modified(p)
        return loss


class AdamW(Adam):
    r"""Adam with decoupled weight decay (Loshchilov & Hutter): the decay shrinks θ directly,
    θ ← θ (1 − lr λ), instead of entering the gradient and the moment estimates.
    Default ``weight_decay=1e-2``.

    >>> opt = tinytorch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False, foreach=None, capturable=False,
                 differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach,
                         maximize=maximize, capturable=capturable,
                         differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
