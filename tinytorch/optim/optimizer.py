"""Optimizer: the bookkeeping every optimizer shares (parameter groups, per-parameter state,
zero_grad, state_dict / load_state_dict).  The update rules live in the subclasses.

An optimizer holds ``param_groups``: a list of dicts, each with a ``"params"`` list and that
group's options (``lr``, ``weight_decay``, ...); options a group does not name come from the
optimizer's ``defaults``.  ``state`` maps each parameter Tensor to a dict of its running
buffers (momentum, moment estimates, step count), created lazily on the first step that sees
a gradient for it.

>>> w = tinytorch.tensor([1.0, 2.0], requires_grad=True)
>>> opt = tinytorch.optim.SGD([w], lr=0.1)
>>> (w * w).sum().backward()
>>> opt.step()          # w <- w - 0.1 * 2w
>>> w
tensor([0.8000, 1.6000], requires_grad=True)

Steps never touch autograd: they update each parameter's array in place (``_api.array``) and
then count that as an in-place change of the parameter (``_api.mark_modified``), as an in-place
op under ``no_grad`` would, so that a backward that saved the old values raises.

Options that only change speed in torch (``foreach``, ``fused``, ``capturable``) are accepted
and ignored: there is one implementation, a loop of numpy operations.  ``differentiable=True``
(a step recorded by autograd) is refused.
"""
import warnings
from collections import defaultdict
from copy import deepcopy
from itertools import chain

import numpy as np

from .. import _dtype
from ..autograd.grad_mode import enable_grad
from .._api import array, mark_modified, wrap
from ..tensor import Tensor

__all__ = ["Optimizer", "required"]


class _RequiredParameter:
    """Marks a default that every parameter group must give itself (e.g. a mandatory lr)."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


def _typename(obj):
    """``torch.typename``: ``tinytorch.FloatTensor`` for tensors, else the class's name."""
    if isinstance(obj, Tensor):
        return obj.type()
    cls = obj if isinstance(obj, type) else type(obj)
    module = cls.__module__
    return cls.__qualname__ if module in ("builtins", "", None) else \
        f"{module}.{cls.__qualname__}"


def _scalar(x):
    """A hyper-parameter as a Python number (a 1-element Tensor lr is allowed, as in torch; a
    numpy scalar must not turn float32 state into float64)."""
    return x.item() if isinstance(x, (Tensor, np.generic)) else x


def _check_lr(lr):
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")


def _check_nonneg(value, what):
    """torch's ``Invalid <what> value: v`` for a hyper-parameter that must be >= 0."""
    if not 0.0 <= value:
        raise ValueError(f"Invalid {what} value: {value}")


def _check_hparams(lr, **nonneg):
    """Validate ``lr`` and then each ``name=value`` that must be >= 0, in the order given
    (so the first bad one is the one reported, as in torch)."""
    _check_lr(lr)
    for what, value in nonneg.items():
        _check_nonneg(value, what)


def _check_speed_options(name, options):
    """``foreach``/``fused``/``capturable`` only choose among torch's implementations of the
    same step, so they are accepted and ignored here; ``differentiable=True`` asks for a step
    that autograd records, which tinytorch does not do, so it is refused rather than ignored.
    """
    if options.get("differentiable"):
        # NotImplementedError is a RuntimeError, the class torch raises for what it refuses
        raise NotImplementedError(f"{name}: differentiable=True (a step recorded by autograd, "
                                  "so that gradients flow through the update) is not "
                                  "supported: tinytorch optimizers update parameters in "
                                  "place, outside the graph")
    if options.get("fused") and options.get("foreach"):
        raise RuntimeError("`fused` and `foreach` cannot be `True` together.")


def _grad(p, maximize, weight_decay):
    """The gradient a step uses: ``p.grad`` itself, or a new array when it is negated
    (maximize) or has L2 decay added (g + λθ).  ``p.grad`` is never written to."""
    g = array(p.grad)
    if maximize:
        g = np.negative(g)
    if weight_decay != 0:
        g = _add_scaled(g, array(p), weight_decay)
    return g


def _count_step(state):
    """t <- t + 1 in the state's step counter (in place); returns t as a float."""
    step_t = array(state["step"])
    step_t += 1
    return float(step_t)


def _new_step():
    """A fresh step counter: a 0-d float tensor as in torch (float64 only when that is the
    default dtype)."""
    dt = np.float64 if _dtype.get_default_dtype().np == np.float64 else np.float32
    return wrap(np.zeros((), dtype=dt))


def _zeros_like(p):
    return wrap(np.zeros_like(array(p)))


def _lerp_(a, b, w):
    """a <- a + w (b - a), in place, computed the way torch's lerp is (from the nearer end):
    a + w (b - a) when w < 0.5, else b - (b - a)(1 - w)."""
    diff = np.subtract(b, a)
    if abs(w) < 0.5:
        diff *= w
        a += diff
    else:
        diff *= 1 - w
        np.subtract(b, diff, out=a)


def _addcmul_(a, t1, t2, value):
    """a <- a + value * t1 * t2 (torch's addcmul_, same operation order)."""
    tmp = np.multiply(t1, value)
    tmp *= t2
    a += tmp


def _add_scaled(a, b, alpha):
    """a + alpha * b as a new array (torch's ``a.add(b, alpha=alpha)``)."""
    out = np.multiply(b, alpha)
    out += a
    return out


class Optimizer:
    """Base class of all optimizers.

    ``params`` is an iterable of Tensors, of ``(name, Tensor)`` pairs, or of dicts that each
    define a parameter group (``{"params": [...], "lr": 0.1}``); ``defaults`` holds the options
    a group does not set itself.  Subclasses implement ``step(closure=None)``.
    """

    def __init__(self, params, defaults):
        _check_speed_options(type(self).__name__, defaults)
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            "Tensors or dicts, but got " + _typename(params))
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    # --- pickling / copying: only what defines the optimizer ------------------------------
    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state,
                "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.defaults.setdefault("differentiable", False)
        for group in self.param_groups:
            # groups saved by an older version may lack newer options: fill them in
            for name, default in self.defaults.items():
                if default is not required:
                    group.setdefault(name, default)
        for s in self.state.values():
            if isinstance(s, dict) and "step" in s and not isinstance(s["step"], Tensor):
                step = _new_step()
                array(step)[()] = float(s["step"])
                s["step"] = step

    def __repr__(self):
        lines = [self.__class__.__name__ + " ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {group[k]}" for k in sorted(group) if k != "params"]
        return "\n".join(lines) + "\n)"

    # --- groups ---------------------------------------------------------------------------
    def add_param_group(self, param_group):
        """Add a group of parameters with its own options (e.g. a layer unfrozen mid-training).

        >>> opt.add_param_group({"params": [head_weight], "lr": 1e-2})
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        if "params" not in param_group:
            raise KeyError("param_group must have a 'params' entry holding its parameters")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, "
                            "but the ordering of tensors in sets will change between runs. "
                            "Please use a list instead.")
        else:
            params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        params = [p[1] if isinstance(p, tuple) else p for p in params]
        param_group["params"] = params
        if names:
            if len(names) != len(params):
                raise ValueError("all optimizer params should be with/without names. Some "
                                 "param names are missing")
            param_group["param_names"] = names

        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                + _typename(p))
            if not self.defaults.get("differentiable", None) and not (p.is_leaf
                                                                      or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")

        _check_speed_options(type(self).__name__, param_group)
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError("parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            param_group.setdefault(name, default)

        if len(params) != len(set(params)):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in "
                          "future, this will cause an error; see "
                          "github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        seen = set()
        for group in self.param_groups:
            seen.update(group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {which} to the optimizer")
        if not seen.isdisjoint(params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # --- gradients --------------------------------------------------------------------------
    def zero_grad(self, set_to_none=True):
        """Forget every parameter's gradient: ``grad = None`` (default), or zero it in place."""
        for group in self.param_groups:
            for p in group["params"]:
                g = p.grad
                if g is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    if g.grad_fn is not None:
                        g.detach_()
                    else:
                        g.requires_grad_(False)
                    array(g).fill(0)
                    mark_modified(g)

    def step(self, closure=None):
        """Update the parameters once; ``closure`` (optional) re-evaluates and returns the
        loss, which step returns."""
        raise NotImplementedError

    @staticmethod
    def _run_closure(closure):
        if closure is None:
            return None
        with enable_grad():
            return closure()

    # --- checkpoints ------------------------------------------------------------------------
    def state_dict(self):
        """``{'state': {index: {...}}, 'param_groups': [{..., 'params': [index, ...]}]}``.

        Parameters are replaced by their position counted across all groups, so the dict can
        be loaded into a fresh optimizer over the same parameters.  As in torch, the state
        tensors are the live buffers (deep-copy the dict to snapshot it).
        """
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {(index[id(k)] if isinstance(k, Tensor) else k): v
                 for k, v in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore ``state_dict()``'s output.  Tensors are copied (never aliased) and, except
        the step counters, cast to their parameter's dtype; group options are restored."""
        if not isinstance(state_dict, dict) or "param_groups" not in state_dict \
                or "state" not in state_dict:
            raise ValueError("optimizer state dict must be a dict with 'state' and "
                             "'param_groups' entries")
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't "
                             "match the size of optimizer's group")
        id_map = dict(zip(chain.from_iterable(s["params"] for s in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))

        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                param = id_map[k]
                state[param] = _cast_state(param, v, k)
            else:
                state[k] = v
        for group, saved in zip(groups, saved_groups):
            saved["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                saved["param_names"] = group["param_names"]
        self.__setstate__({"state": state, "param_groups": saved_groups})


def _cast_state(param, value, index, key=None):
    """A deep copy of one parameter's saved state; tensors other than 'step' take the
    parameter's floating dtype, and a buffer whose shape differs from the parameter's is
    refused (it would only fail later, inside step)."""
    if isinstance(value, (Tensor, np.ndarray)):
        arr = array(value) if isinstance(value, Tensor) else value
        pd = array(param)
        if key != "step" and pd.dtype.kind == "f" and arr.dtype.kind == "f":
            arr = arr.astype(pd.dtype, copy=True)
        else:
            arr = np.array(arr, copy=True)
        if key != "step" and arr.ndim and arr.shape != pd.shape:
            raise ValueError(f"loaded state dict has state '{key}' of shape {list(arr.shape)} "
                             f"for parameter {index} of shape {list(pd.shape)}")
        return wrap(arr)
    if isinstance(value, dict):
        return {k: _cast_state(param, v, index, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast_state(param, v, index) for v in value)
    return value
