"""``tinytorch.backends``: the flags scripts set (cudnn, mps, cuda.matmul), on the CPU.

tinytorch computes with numpy on the CPU, so none of these flags changes a result; they hold
the values torch built without CUDA reports, and can be set as in torch (a script that turns
on ``cudnn.benchmark`` or TF32 matmuls runs unchanged).  ``mps.is_available()`` and
``cudnn.is_available()`` are False.
"""
from . import cuda, cudnn, mps

__all__ = ["cuda", "cudnn", "mps"]
