"""Attention: every position looks at every (allowed) position and takes a weighted average.

For queries Q (L, E), keys K (S, E) and values V (S, Ev):

    A = softmax(Q Kᵀ · scale + mask)      (L, S): row i says how much query i attends to each key
    out = A V                             (L, Ev)

``scale`` defaults to 1/√E, which keeps the scores' variance near 1 so the softmax does not
saturate.  A causal mask (-inf above the diagonal) stops position i from seeing positions > i,
which is what a language model needs.  Everything here is composed from existing tensor ops,
so autograd differentiates it with no extra code.

The function ``scaled_dot_product_attention`` is defined in functional.py (and re-exported
here); this file holds the ``MultiheadAttention`` layer built on it.

>>> q = k = v = tinytorch.randn(2, 4, 10, 16)         # (batch, heads, length, head_dim)
>>> scaled_dot_product_attention(q, k, v, is_causal=True).shape
tinytorch.Size([2, 4, 10, 16])
"""
import math
import warnings

import numpy as np

from .._device import check_device
from .. import _dtype
from .._api import array, wrap
from .._ops import cat
from ..creation import empty, zeros
from ..tensor import Tensor
from . import init
from .functional import dropout, linear, scaled_dot_product_attention
from .linear import Linear
from .module import Module
from .parameter import Parameter

__all__ = ["scaled_dot_product_attention", "MultiheadAttention"]


# --- MultiheadAttention ---------------------------------------------------------------------

class NonDynamicallyQuantizableLinear(Linear):
    """A Linear layer (torch gives MultiheadAttention's output projection this name)."""


def _float_mask(mask, dtype, name):
    """A bool mask (True = do NOT attend, MultiheadAttention's convention) or a float mask
    -> an additive float Tensor (-inf where True)."""
    if mask is None:
        return None
    if not isinstance(mask, Tensor):
        raise TypeError(f"MultiheadAttention: {name} must be a Tensor, not "
                        f"{type(mask).__name__}")
    m = array(mask)
    if m.dtype == np.bool_:
        return wrap(np.where(m, -np.inf, 0.0).astype(dtype))
    if m.dtype.kind != "f":
        raise AssertionError(f"only bool and floating types of {name} are supported")
    return mask if m.dtype == dtype else mask.to(_dtype.FROM_NP[np.dtype(dtype)])


def _pad_last(mask):
    """Append one zero (= may attend) column to an additive mask."""
    if mask is None:
        return None
    shape = mask.shape[:-1] + (1,)
    return cat([mask, wrap(np.zeros(shape, array(mask).dtype))], dim=-1)


class MultiheadAttention(Module):
    """Multi-head attention (torch's module, parameter names and state_dict keys).

    Queries, keys and values are projected by ``in_proj_weight`` (3E, E) and ``in_proj_bias``
    (or by ``q_proj_weight``/``k_proj_weight``/``v_proj_weight`` when kdim/vdim differ from
    E), split into ``num_heads`` heads of E/num_heads dims, attended separately
    (softmax(Q Kᵀ/√d) V), concatenated and projected by ``out_proj``.

    Inputs are (L, N, E) (or (N, L, E) with ``batch_first``, or unbatched (L, E)).
    ``forward`` returns ``(output, weights)``: weights (N, L, S) averaged over heads (or
    (N, H, L, S)) when ``need_weights``, else None.  Masks: ``key_padding_mask`` (N, S) and
    ``attn_mask`` (L, S) or (N·H, L, S); bool masks are True where attention is NOT allowed,
    float masks are added to the scores.

    >>> mha = MultiheadAttention(16, 4, batch_first=True)
    >>> x = tinytorch.randn(2, 5, 16)
    >>> out, w = mha(x, x, x)
    >>> out.shape, w.shape
    (tinytorch.Size([2, 5, 16]), tinytorch.Size([2, 5, 5]))
    """

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False,
                 add_zero_attn=False, kdim=None, vdim=None, batch_first=False, device=None,
                 dtype=None):
        check_device(device, "MultiheadAttention", default=False)  # the CPU only
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be greater than 0, got "
                             f"embed_dim={embed_dim} and num_heads={num_heads} instead")
        super().__init__()
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")
        dt = _dtype.get_default_dtype() if dtype is None else _dtype.to_dtype(dtype)
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(empty((3 * embed_dim, embed_dim), dtype=dt))
            self.register_parameter("q_proj_weight", None)
            self.register_parameter("k_proj_weight", None)
            self.register_parameter("v_proj_weight", None)
        else:
            self.q_proj_weight = Parameter(empty((embed_dim, embed_dim), dtype=dt))
            self.k_proj_weight = Parameter(empty((embed_dim, self.kdim), dtype=dt))
            self.v_proj_weight = Parameter(empty((embed_dim, self.vdim), dtype=dt))
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(empty(3 * embed_dim, dtype=dt))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias,
                                                        dtype=dt)
        if add_bias_kv:
            self.bias_k = Parameter(empty((1, 1, embed_dim), dtype=dt))
            self.bias_v = Parameter(empty((1, 1, embed_dim), dtype=dt))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self):
        # torch's init: Glorot-uniform projections, zero biases, Glorot-normal bias_k/v
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            init.xavier_normal_(self.bias_v)

    # --- forward ------------------------------------------------------------------------
    def _project(self, query, key, value):
        """q, k, v = the three input projections (one matmul for self-attention)."""
        E = self.embed_dim
        b = self.in_proj_bias
        bq, bk, bv = (None, None, None) if b is None else (b[:E], b[E:2 * E], b[2 * E:])
        if self._qkv_same_embed_dim:
            w = self.in_proj_weight
            if query is key and key is value:
                return linear(query, w, b).chunk(3, dim=-1)
            return (linear(query, w[:E], bq), linear(key, w[E:2 * E], bk),
                    linear(value, w[2 * E:], bv))
        return (linear(query, self.q_proj_weight, bq), linear(key, self.k_proj_weight, bk),
                linear(value, self.v_proj_weight, bv))

    def _check_shapes(self, query, key, value):
        for name, t in (("query", query), ("key", key), ("value", value)):
            if not isinstance(t, Tensor):
                raise TypeError(f"MultiheadAttention: {name} must be a Tensor, not "
                                f"{type(t).__name__}")
        q, k, v = array(query), array(key), array(value)
        if q.ndim not in (2, 3) or k.ndim != q.ndim or v.ndim != q.ndim:
            raise AssertionError(f"query, key and value should all be 3-D (batched) or 2-D "
                                 f"(unbatched), but got {q.ndim}-D, {k.ndim}-D and {v.ndim}-D")
        if q.shape[-1] != self.embed_dim:
            raise AssertionError(f"was expecting embedding dimension of {self.embed_dim}, but "
                                 f"got {q.shape[-1]}")
        if k.shape[-1] != self.kdim or v.shape[-1] != self.vdim:
            raise AssertionError(f"MultiheadAttention: expected key dim {self.kdim} and value "
                                 f"dim {self.vdim}, got key {list(k.shape)} and value "
                                 f"{list(v.shape)}")
        if k.shape[:-1] != v.shape[:-1]:
            raise AssertionError(f"key shape {list(k.shape)} does not match value shape "
                                 f"{list(v.shape)}")

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True,
                attn_mask=None, average_attn_weights=True, is_causal=False):
        self._check_shapes(query, key, value)
        batched = query.ndim == 3
        same_kv = key is value
        same_qkv = query is key and same_kv
        # work batch-first: (N, L, E)
        if not batched:
            query, key, value = query.unsqueeze(0), key.unsqueeze(0), value.unsqueeze(0)
            if key_padding_mask is not None:
                key_padding_mask = key_padding_mask.unsqueeze(0)
        elif not self.batch_first:
            query, key, value = (query.transpose(0, 1), key.transpose(0, 1),
                                 value.transpose(0, 1))
        if same_qkv:
            key = value = query
        elif same_kv:
            value = key
        N, L, E = query.shape
        S = key.shape[1]
        H, hd = self.num_heads, self.head_dim
        dt = array(query).dtype

        if is_causal and attn_mask is None:
            raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use "
                               "the Transformer module method `generate_square_subsequent_mask`"
                               " to create this mask.")
        use_causal = is_causal and key_padding_mask is None and not need_weights
        if key_padding_mask is not None and attn_mask is not None and \
                (key_padding_mask.dtype == _dtype.bool) != (attn_mask.dtype == _dtype.bool):
            warnings.warn("Support for mismatched key_padding_mask and attn_mask is deprecated. "
                          "Use same type for both instead.", stacklevel=2)
        kpm = _float_mask(key_padding_mask, dt, "key_padding_mask")
        if kpm is not None and kpm.shape != (N, S):
            raise AssertionError(f"expecting key_padding_mask shape of {(N, S)}, but got "
                                 f"{tuple(kpm.shape)}")
        mask = None if use_causal else _float_mask(attn_mask, dt, "attn_mask")
        if mask is not None:
            if mask.ndim == 2:
                if mask.shape != (L, S):
                    raise RuntimeError(f"The shape of the 2D attn_mask is "
                                       f"{list(mask.shape)}, but should be {(L, S)}.")
                mask = mask.reshape(1, 1, L, S)
            elif mask.ndim == 3:
                if mask.shape != (N * H, L, S):
                    raise RuntimeError(f"The shape of the 3D attn_mask is "
                                       f"{list(mask.shape)}, but should be "
                                       f"{(N * H, L, S)}.")
                mask = mask.reshape(N, H, L, S)
            else:
                raise RuntimeError(f"attn_mask's dimension {mask.ndim} is not supported")

        q, k, v = self._project(query, key, value)                  # (N, L|S, E)
        if self.bias_k is not None:
            # one extra learned key/value that every query may attend to
            k = cat([k, self.bias_k.expand(N, 1, E)], dim=1)
            v = cat([v, self.bias_v.expand(N, 1, E)], dim=1)
            mask, kpm = _pad_last(mask), _pad_last(kpm)
        # split E into H heads of hd dims: (N, len, E) -> (N, H, len, hd)
        q = q.reshape(N, L, H, hd).transpose(1, 2)
        k = k.reshape(N, k.shape[1], H, hd).transpose(1, 2)
        v = v.reshape(N, v.shape[1], H, hd).transpose(1, 2)
        if self.add_zero_attn:
            # one extra all-zero key/value
            k = cat([k, zeros(N, H, 1, hd, dtype=k.dtype)], dim=2)
            v = cat([v, zeros(N, H, 1, hd, dtype=v.dtype)], dim=2)
            mask, kpm = _pad_last(mask), _pad_last(kpm)
        if kpm is not None:
            # padded keys are hidden from every head and every query
            kpm = kpm.reshape(N, 1, 1, kpm.shape[-1])
            mask = kpm if mask is None else mask + kpm
        p = self.dropout if self.training else 0.0

        if need_weights:
            scores = (q * (1.0 / math.sqrt(hd))).matmul(k.transpose(-2, -1))
            if mask is not None:
                scores = scores + mask
            weights = scores.softmax(-1)
            if p > 0.0:
                weights = dropout(weights, p, True)
            heads = weights.matmul(v)                               # (N, H, L, hd)
        else:
            weights = None
            heads = scaled_dot_product_attention(q, k, v, mask, p, use_causal)
        # concatenate the heads back: (N, H, L, hd) -> (N, L, E), then project
        out = self.out_proj(heads.transpose(1, 2).reshape(N, L, E))
        if not batched:
            out = out.squeeze(0)
        elif not self.batch_first:
            out = out.transpose(0, 1)
        if weights is not None:
            if average_attn_weights:
                weights = weights.mean(dim=1)
            if not batched:
                weights = weights.squeeze(0)
        return out, weights
