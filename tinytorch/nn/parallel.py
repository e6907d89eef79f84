"""``tinytorch.nn.parallel``: the wrappers scripts put around a model for several devices or
processes, on a library with one CPU and one process.

``DataParallel`` does what torch's does without GPUs: it keeps the module as ``.module`` and
forwards every call to it (so its parameters and ``state_dict`` keys gain a ``module.``
prefix, as in torch).  ``DistributedDataParallel`` needs a process group, which tinytorch
cannot make (``tinytorch.distributed.is_available()`` is False): constructing one raises.
"""
from .module import Module

__all__ = ["DataParallel", "DistributedDataParallel", "data_parallel"]


class DataParallel(Module):
    """``DataParallel(module, device_ids=None, output_device=None, dim=0)``: on the CPU, a
    wrapper that calls ``module`` (``device_ids`` is ``[]``: there are no GPUs to split the
    batch over)."""

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        self.module = module
        self.device_ids = []

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)


def data_parallel(module, inputs, device_ids=None, output_device=None, dim=0,
                  module_kwargs=None):
    """``module(*inputs, **module_kwargs)``: the functional DataParallel, on the CPU."""
    if not isinstance(inputs, tuple):
        inputs = (inputs,) if inputs is not None else ()
    return module(*inputs, **(module_kwargs or {}))


class DistributedDataParallel(Module):
    """Raises when constructed: it needs a process group (``init_process_group``), and
    tinytorch trains in one process.  Use the model itself instead."""

    def __init__(self, module, *args, **kwargs):
        raise ValueError("Default process group has not been initialized, please make sure "
                         "to call init_process_group. (tinytorch trains in a single process: "
                         "torch.distributed is not available, use the module itself)")
