"""``tinytorch.amp``: automatic mixed precision, accepted on the CPU.

``autocast`` is a documented no-op (ops keep their inputs' dtypes; see its docstring), and
``GradScaler`` works as torch's: on the CPU it scales the loss, unscales the gradients, skips
steps whose gradients are not finite and adapts the scale; for ``"cuda"`` (its default device)
it warns and disables itself as torch does without CUDA, and a disabled scaler passes
everything through (``scale(loss)`` is ``loss``, ``step(opt)`` is ``opt.step()``).
"""
from . import autocast_mode, grad_scaler
from .autocast_mode import autocast
from .grad_scaler import GradScaler, OptState

__all__ = ["autocast", "GradScaler", "OptState", "autocast_mode", "grad_scaler"]
