"""Setup shared by the in-process benchmarks (``from _util import torch`` runs it once).

* tinytorch is imported from this checkout, not from an installed copy;
* ``torch`` is PyTorch when it is importable, else None (the benchmark then skips it);
* PyTorch and numpy's BLAS both use one thread: the workloads are small matmuls, which only
  lose from threading, and one thread each keeps the comparison fair.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

try:
    import torch
    torch.set_num_threads(1)
except ImportError:
    torch = None
try:
    from threadpoolctl import threadpool_limits
    threadpool_limits(1)
except ImportError:
    pass

__all__ = ["torch"]
