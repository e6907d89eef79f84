"""Batches of variable-length sequences (``torch.nn.utils.rnn``): ``pad_sequence``.

``PackedSequence`` and ``pack_padded_sequence``/``pad_packed_sequence`` are not here yet
(tinytorch has no recurrent layers to consume them)."""
import collections.abc

import numpy as np

from ..._ops import cat, stack
from ...creation import full
from ...tensor import Tensor

__all__ = ["pad_sequence"]


def _fit(seq, target):
    """``seq`` broadcast to ``target`` (its row of the output), as torch's copy into the
    padded output broadcasts; torch's errors where it cannot."""
    shape = tuple(seq.shape)
    try:
        out = np.broadcast_shapes(target, shape)
    except ValueError:
        n = max(len(target), len(shape))
        a, b = (1,) * (n - len(target)) + target, (1,) * (n - len(shape)) + shape
        d = next(k for k in range(n - 1, -1, -1) if a[k] != b[k] and 1 not in (a[k], b[k]))
        raise RuntimeError(f"The size of tensor a ({a[d]}) must match the size of tensor b "
                           f"({b[d]}) at non-singleton dimension {d}") from None
    if out != target:
        raise RuntimeError(f"output with shape {list(target)} doesn't match the broadcast "
                           f"shape {list(out)}")
    return seq if shape == target else seq.expand(*target)


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Pad a list of variable-length tensors (each ``L_i x *``) with ``padding_value`` to the
    longest length ``T`` and stack them: ``T x B x *``, or ``B x T x *`` with
    ``batch_first=True``.  ``padding_side='left'`` puts the padding first.  The result has
    the first sequence's dtype and trailing shape, and is differentiable in the sequences.

    >>> pad_sequence([tinytorch.ones(3), tinytorch.ones(1)], batch_first=True)
    tensor([[1., 1., 1.],
            [1., 0., 0.]])
    """
    if not isinstance(sequences, collections.abc.Iterable):
        raise RuntimeError("pad_sequence: Expected iterable for input sequences, but got arg "
                           f"of type: {type(sequences)}")
    sequences = tuple(sequences)
    if not isinstance(batch_first, bool):
        raise TypeError("pad_sequence(): argument 'batch_first' (position 2) must be bool, "
                        f"not {type(batch_first).__name__}")
    if isinstance(padding_value, Tensor) and padding_value.dim() == 0:
        padding_value = padding_value.item()
    if not isinstance(padding_value, (int, float, np.integer, np.floating, np.bool_)):
        raise TypeError("pad_sequence(): argument 'padding_value' (position 3) must be "
                        f"float, not {type(padding_value).__name__}")
    for i, s in enumerate(sequences):
        if not isinstance(s, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{type(s).__name__}")
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got "
                           f"{padding_side}.")
    for i, s in enumerate(sequences):
        if s.dim() == 0:
            raise RuntimeError(f"pad_sequence: element {i} is a 0-d tensor; every sequence "
                               "needs a first (length) dimension")
    first = sequences[0]
    dtype, trailing = first.dtype, tuple(first.shape[1:])
    full((), float(padding_value), dtype=dtype)   # torch's error for a value the dtype can't hold
    length = max(s.shape[0] for s in sequences)
    rows = []
    for i, s in enumerate(sequences):
        n = s.shape[0]
        s = _fit(s if s.dtype == dtype else s.to(dtype), (n,) + trailing)
        if n < length:
            pad = full((length - n,) + trailing, float(padding_value), dtype=dtype)
            s = cat([s, pad] if padding_side == "right" else [pad, s])
        rows.append(s)
    return stack(rows, dim=0 if batch_first else 1)
