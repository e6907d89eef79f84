"""``tinytorch.amp``: autocast and GradScaler, accepted on the CPU."""
