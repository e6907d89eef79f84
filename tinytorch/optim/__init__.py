"""tinytorch.optim: optimizers and learning-rate schedulers."""
