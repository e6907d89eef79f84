"""Embedding: a learnable lookup table from integer ids (tokens, characters) to vectors.

``Embedding(V, D)`` holds a (V, D) weight; ``emb(idx)`` replaces every id in ``idx`` by its
row, so the output has shape ``idx.shape + (D,)``.  It equals one_hot(idx) @ W, but never builds
the one-hot matrix; backward adds each output gradient into the row it came from (an id used
several times gets the sum).

>>> emb = Embedding(10, 3, padding_idx=0)
>>> emb(tinytorch.tensor([[0, 2, 2]])).shape
tinytorch.Size([1, 3, 3])
"""
import numpy as np

from .._device import check_device
from .. import _dtype
from ..autograd.grad_mode import no_grad
from ..functions import conv as P
from .._api import array, mark_modified
from ..creation import empty
from ..tensor import Tensor
from . import init
from .module import Module
from .parameter import Parameter

__all__ = ["embedding", "Embedding"]


def _padding_idx(padding_idx, n):
    """torch's rule: -n <= padding_idx < n, negative counted from the end."""
    if padding_idx is None:
        return None
    if padding_idx > 0 and padding_idx >= n:
        raise AssertionError(f"Padding_idx must be within num_embeddings (got padding_idx="
                             f"{padding_idx} for {n} embeddings)")
    if padding_idx < 0:
        if padding_idx < -n:
            raise AssertionError(f"Padding_idx must be within num_embeddings (got "
                                 f"padding_idx={padding_idx} for {n} embeddings)")
        padding_idx += n
    return int(padding_idx)


def _renorm_(weight, idx, max_norm, norm_type):
    """Rescale, in place and outside autograd, the rows used by idx whose norm exceeds
    max_norm to norm max_norm (torch's embedding_renorm_)."""
    rows = np.unique(idx)
    w = array(weight)
    norms = np.linalg.norm(w[rows].astype(np.float64), ord=norm_type, axis=1)
    big = norms > max_norm
    if big.any():
        with no_grad():
            scale = max_norm / (norms[big] + 1e-7)
            w[rows[big]] *= scale[:, None].astype(w.dtype)
            mark_modified(weight)


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """Rows of ``weight`` (V, D) picked by the integer ids in ``input``: output shape
    ``input.shape + (D,)``.

    The ``padding_idx`` row gets no gradient; with ``max_norm`` the rows used are first
    renormalised in place; ``scale_grad_by_freq`` divides each row's gradient by how often its
    id occurs in ``input``.  (``sparse=True`` is accepted, but gradients are dense arrays.)

    >>> w = tinytorch.arange(6.).reshape(3, 2)
    >>> embedding(tinytorch.tensor([2, 0, 2]), w)
    tensor([[4., 5.],
            [0., 1.],
            [4., 5.]])
    """
    if not isinstance(input, Tensor) or not isinstance(weight, Tensor):
        bad = input if not isinstance(input, Tensor) else weight
        raise TypeError(f"embedding(): argument '{'input' if bad is input else 'weight'}' must "
                        f"be Tensor, not {type(bad).__name__}")
    idx, w = array(input), array(weight)
    if idx.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the "
                           f"following scalar types: Long, Int; but got {input.type()} instead "
                           f"(while checking arguments for embedding)")
    if w.ndim != 2:
        raise RuntimeError(f"'weight' must be 2-D (got weight of size {list(w.shape)})")
    n = w.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        bad = idx[(idx < 0) | (idx >= n)].flat[0]
        raise IndexError(f"index out of range in self (embedding: index {bad} with "
                         f"{n} embeddings)")
    padding_idx = _padding_idx(padding_idx, n)
    if max_norm is not None:
        _renorm_(weight, idx, max_norm, norm_type)
    return P.EmbeddingFunction.apply(weight, idx, padding_idx, bool(scale_grad_by_freq))


class Embedding(Module):
    """A lookup table of ``num_embeddings`` vectors of size ``embedding_dim``; ``weight``
    starts N(0, 1), with the ``padding_idx`` row (if any) zero and excluded from gradients.

    >>> emb = Embedding(65, 16)
    >>> emb(tinytorch.randint(0, 65, (4, 32))).shape
    tinytorch.Size([4, 32, 16])
    """

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, max_norm=None,
                 norm_type=2.0, scale_grad_by_freq=False, sparse=False, _weight=None,
                 _freeze=False, device=None, dtype=None):
        check_device(device, "Embedding", default=False)  # the CPU only
        super().__init__()
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.padding_idx = _padding_idx(padding_idx, num_embeddings)
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        self.sparse = sparse
        if _weight is None:
            dt = _dtype.get_default_dtype() if dtype is None else _dtype.to_dtype(dtype)
            self.weight = Parameter(empty((num_embeddings, embedding_dim), dtype=dt),
                                    requires_grad=not _freeze)
            self.reset_parameters()
        else:
            if tuple(_weight.shape) != (num_embeddings, embedding_dim):
                raise AssertionError("Shape of weight does not match num_embeddings and "
                                     f"embedding_dim (got {list(_weight.shape)}, expected "
                                     f"[{num_embeddings}, {embedding_dim}])")
            self.weight = Parameter(_weight, requires_grad=not _freeze)

    def reset_parameters(self):
        init.normal_(self.weight)
        self._fill_padding_idx_with_zero()

    def _fill_padding_idx_with_zero(self):
        if self.padding_idx is not None:
            with no_grad():
                self.weight[self.padding_idx] = 0

    def forward(self, input):
        return embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type,
                         self.scale_grad_by_freq, self.sparse)

    def extra_repr(self):
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq:
            s += f", scale_grad_by_freq={self.scale_grad_by_freq}"
        if self.sparse:
            s += ", sparse=True"
        return s

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, padding_idx=None, max_norm=None,
                        norm_type=2.0, scale_grad_by_freq=False, sparse=False):
        """An Embedding whose weight is ``embeddings`` (2-D, rows = vectors), frozen (no
        gradient) unless ``freeze=False``."""
        if not isinstance(embeddings, Tensor) or embeddings.dim() != 2:
            raise AssertionError("Embeddings parameter is expected to be 2-dimensional")
        rows, cols = embeddings.shape
        return cls(rows, cols, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse,
                   _weight=embeddings, _freeze=freeze)
