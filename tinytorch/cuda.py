"""``tinytorch.cuda``: no CUDA here (tinytorch runs on the CPU)."""
