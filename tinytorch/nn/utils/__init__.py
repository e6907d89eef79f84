"""tinytorch.nn.utils: gradient clipping, flat parameter vectors and padding of sequences,
in submodules named as torch's (``clip_grad``, ``convert_parameters``, ``rnn``).

>>> loss.backward()
>>> total = clip_grad_norm_(model.parameters(), max_norm=1.0)   # norm before clipping
"""
from . import clip_grad, convert_parameters, rnn
from .clip_grad import (clip_grad_norm, clip_grad_norm_, clip_grad_value_,
                        clip_grads_with_norm_, get_total_norm)
from .convert_parameters import parameters_to_vector, vector_to_parameters

__all__ = ["clip_grad_norm", "clip_grad_norm_", "clip_grad_value_", "get_total_norm",
           "clip_grads_with_norm_", "parameters_to_vector", "vector_to_parameters", "rnn"]
