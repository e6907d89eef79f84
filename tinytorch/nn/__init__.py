"""tinytorch.nn: modules, layers, losses (PyTorch names and semantics)."""
