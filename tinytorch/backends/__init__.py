"""``tinytorch.backends``: the flags scripts set (cudnn, mps, cuda.matmul), on the CPU."""
