"""``tinytorch.amp.autocast_mode``: where torch keeps ``autocast`` (a no-op here)."""
from .._compat import autocast

__all__ = ["autocast"]
