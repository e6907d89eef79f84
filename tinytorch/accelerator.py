"""``tinytorch.accelerator``: no accelerator here (tinytorch runs on the CPU)."""
