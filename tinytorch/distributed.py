"""``tinytorch.distributed``: not available (one process)."""
