"""Stochastic gradient descent, with optional (Nesterov) momentum and L2 weight decay."""
import numpy as np

from .._api import array, mark_modified, wrap
from .optimizer import Optimizer, _add_scaled, _check_hparams, _scalar

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""SGD, updating each parameter θ with gradient g as PyTorch documents:

        g ← g + λ θ                          (weight_decay λ)
        b ← g                on the first step, then
        b ← μ b + (1 − τ) g  (momentum μ, dampening τ)
        g ← g + μ b  if nesterov,  else  g ← b
        θ ← θ − lr g         (θ + lr g with maximize)

    >>> opt = tinytorch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    >>> opt.zero_grad(); loss_fn(model(x), y).backward(); opt.step()
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, *, maximize=False, foreach=None, differentiable=False,
                 fused=None):
        _check_hparams(lr, momentum=momentum, weight_decay=weight_decay)
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize,
                        foreach=foreach, differentiable=differentiable, fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = self._run_closure(closure)
        for group in self.param_groups:
            lr = _scalar(group["lr"])
            momentum, dampening = group["momentum"], group["dampening"]
            weight_decay, nesterov = _scalar(group["weight_decay"]), group["nesterov"]
            maximize = group["maximize"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                # inline rather than optimizer._grad: plain SGD is the cheapest step there is
                d = array(p.grad)
                fresh = False  # is d a temporary we may overwrite?
                if maximize:
                    d, fresh = np.negative(d), True
                if weight_decay != 0:
                    d, fresh = _add_scaled(d, array(p), weight_decay), True  # g + λθ
                if momentum != 0:
                    state = self.state[p]
                    buf = state.get("momentum_buffer")
                    if buf is None:
                        buf = state["momentum_buffer"] = wrap(np.array(d, copy=True))
                    else:
                        b = array(buf)
                        b *= momentum
                        b += d if dampening == 0 else d * (1 - dampening)
                    if nesterov:
                        d, fresh = _add_scaled(d, array(buf), momentum), True  # g + μb
                    else:
                        d, fresh = array(buf), False
                # θ <- θ + (-lr) d  (in the temporary when d is one)
                if fresh:
                    d *= -lr
                else:
                    d = np.multiply(d, -lr)
                theta = array(p)
                theta += d
                mark_modified(p)
        return loss
