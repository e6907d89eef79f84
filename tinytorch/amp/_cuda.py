"""``tinytorch.cuda.amp``: torch's deprecated CUDA spellings of ``autocast`` and
``GradScaler``.  Both warn as torch does on a machine without CUDA and then do nothing:
autocast is disabled and the scaler passes everything through.  Importing this module
registers it as ``tinytorch.cuda.amp`` (tinytorch/cuda.py imports it), so that
``from tinytorch.cuda.amp import GradScaler`` works."""
import sys
import warnings

from .. import _dtype
from .._compat import autocast as _autocast
from .grad_scaler import GradScaler as _GradScaler

__all__ = ["autocast", "GradScaler"]


class autocast(_autocast):
    """``tinytorch.cuda.amp.autocast(enabled=True, dtype=float16, cache_enabled=True)``:
    ``tinytorch.amp.autocast("cuda", ...)``, which warns and disables itself (no CUDA)."""

    def __init__(self, enabled=True, dtype=_dtype.float16, cache_enabled=True):
        warnings.warn("`torch.cuda.amp.autocast(args...)` is deprecated. Please use "
                      "`torch.amp.autocast('cuda', args...)` instead.", FutureWarning,
                      stacklevel=2)
        super().__init__("cuda", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)


class GradScaler(_GradScaler):
    """``tinytorch.cuda.amp.GradScaler(init_scale=2.**16, growth_factor=2.0,
    backoff_factor=0.5, growth_interval=2000, enabled=True)``: ``tinytorch.amp.GradScaler(
    "cuda", ...)``, which warns and disables itself (no CUDA): a pass-through."""

    def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000, enabled=True):
        warnings.warn("`torch.cuda.amp.GradScaler(args...)` is deprecated. Please use "
                      "`torch.amp.GradScaler('cuda', args...)` instead.", FutureWarning,
                      stacklevel=2)
        super().__init__("cuda", init_scale=init_scale, growth_factor=growth_factor,
                         backoff_factor=backoff_factor, growth_interval=growth_interval,
                         enabled=enabled)


sys.modules.setdefault("tinytorch.cuda.amp", sys.modules[__name__])
