"""Fused primitives for images and sequences: convolution, pooling, normalisation, embedding.

Like the ones in nn.py, each class is one node in the graph; forward takes and returns numpy
arrays, backward arrays or (for higher-order gradients) Tensors, and the derivative is written
in the docstring.  The checks and argument parsing live in nn/conv.py, nn/pooling.py,
nn/normalization.py and nn/sparse.py.  A class whose name would match an nn Module's
(``nn.Conv2d``) carries a ``Function`` suffix.

Images are (N, C, H, W).  Every 2-D op here is built on the same picture: for kernel offset
(i, j) the input pixels that meet that kernel entry form one strided slice of the (padded)
input,

    xp[:, :, i·dh : i·dh + sh·(Ho - 1) + 1 : sh,  j·dw : j·dw + sw·(Wo - 1) + 1 : sw]

an (N, C, Ho, Wo) array.  Forward passes read all of these slices at once, through one
strided view of the input (``_windows``, the view sliding_window_view gives); backward passes
add gradients into them, one kernel offset at a time (kh·kw vectorised adds, never a Python
loop over pixels or over the batch).

Those adds (col2im, a max-pool's scatter, an embedding's row sums) write into arrays, which a
recorded backward cannot do; so each is a primitive of its own (Col2Im, MaxPoolScatter,
EmbeddingDenseBackward) whose backward is the matching read (Im2Col, MaxPoolGather, the row
lookup) and the other way round: every op here differentiates to any order.
"""
import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..autograd.function import Primitive
from .nn import cached


# --- shared helpers -------------------------------------------------------------------------

def _pad(x, pads, value=0.0):
    """Pad the last two dims of x by (top, bottom, left, right); no copy when all are 0."""
    t, b, l, r = pads
    if t == b == l == r == 0:
        return x
    n, c, h, w = x.shape
    xp = np.empty((n, c, h + t + b, w + l + r), x.dtype)    # (np.pad is much slower)
    xp[:, :, :t] = value
    xp[:, :, h + t:] = value
    xp[:, :, t:h + t, :l] = value
    xp[:, :, t:h + t, w + l:] = value
    xp[:, :, t:h + t, l:w + l] = x
    return xp


def _windows(xp, kernel, stride, dilation, out_hw):
    """View of xp as (N, C, Ho, Wo, kh, kw): entry [n, c, y, x, i, j] is the pixel that kernel
    entry (i, j) meets at output position (y, x), xp[n, c, y·sh + i·dh, x·sw + j·dw].

    This is sliding_window_view(xp, (dh(kh-1)+1, dw(kw-1)+1), axis=(2, 3)) sliced by
    [:, :, ::sh, ::sw, ::dh, ::dw]; built directly with as_strided (same strides, no copy,
    read-only) because sliding_window_view's argument checks cost more than the copy."""
    (kh, kw), (sh, sw), (dh, dw), (ho, wo) = kernel, stride, dilation, out_hw
    sn, sc, sy, sx = xp.strides
    return as_strided(xp, (xp.shape[0], xp.shape[1], ho, wo, kh, kw),
                      (sn, sc, sy * sh, sx * sw, sy * dh, sx * dw), writeable=False)


def _offset_slice(i, j, stride, dilation, out_hw):
    """The (rows, cols) slices of the padded input that kernel offset (i, j) touches."""
    (sh, sw), (dh, dw), (ho, wo) = stride, dilation, out_hw
    r0, c0 = i * dh, j * dw
    return (slice(r0, r0 + sh * (ho - 1) + 1, sh), slice(c0, c0 + sw * (wo - 1) + 1, sw))


def _crop(gp, pads, hw):
    """Inverse of _pad (plus any extra bottom/right rows): the gradient of the real pixels."""
    t, l = pads[0], pads[2]
    return gp[:, :, t:t + hw[0], l:l + hw[1]]


def _col2im(dcols, padded_shape, kernel, stride, dilation, out_hw, dtype):
    """Adjoint of im2col: dcols (N, C, kh, kw, Ho, Wo) summed back into the padded image.

    A pixel used by several windows gets the sum of their gradients: one strided add per
    kernel offset."""
    gp = np.zeros(padded_shape, dtype)
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            rs, cs = _offset_slice(i, j, stride, dilation, out_hw)
            gp[:, :, rs, cs] += dcols[:, :, i, j]
    return gp


def _im2col(x, kernel, stride, pads, dilation, out_hw):
    """cols (N, C, kh, kw, Ho, Wo): cols[n, c, i, j, y, x] = xp[n, c, y·sh + i·dh, x·sw + j·dw]
    for xp = x zero-padded by ``pads`` (a view of x for a 1x1 kernel, stride 1, no padding)."""
    xp = _pad(x, pads)
    if kernel == (1, 1) and stride == (1, 1) and xp is x:
        return x.reshape(x.shape[0], x.shape[1], 1, 1, out_hw[0], out_hw[1])
    win = _windows(xp, kernel, stride, dilation, out_hw)
    # (N, C, Ho, Wo, kh, kw) -> (N, C, kh, kw, Ho, Wo): one copy
    return np.ascontiguousarray(win.transpose(0, 1, 4, 5, 2, 3))


def _padded(shape, pads):
    return shape[:2] + (shape[2] + pads[0] + pads[1], shape[3] + pads[2] + pads[3])


class Im2Col(Primitive):
    """cols[n, c, i, j, y, x] = xp[n, c, y·sh + i·dh, x·sw + j·dw] (xp: x zero-padded by
    ``pads``);  dL/dx = col2im(G), each pixel summing the entries that read it (Col2Im)"""

    backward_name = "Im2ColBackward0"

    @staticmethod
    def forward(ctx, x, kernel, stride, pads, dilation, out_hw):
        ctx.geom = (x.shape, kernel, stride, pads, dilation, out_hw)
        return _im2col(x, kernel, stride, pads, dilation, out_hw)

    @staticmethod
    def backward(ctx, g):
        return Col2Im.call(g, *ctx.geom), None, None, None, None, None


class Col2Im(Primitive):
    """z = col2im(cols): z[n, c, h, w] = Σ of the cols entries that Im2Col reads from pixel
    (h, w) (padding dropped);  dL/dcols = im2col(G) (Im2Col), its adjoint"""

    backward_name = "Col2ImBackward0"

    @staticmethod
    def forward(ctx, cols, xshape, kernel, stride, pads, dilation, out_hw):
        ctx.geom = (kernel, stride, pads, dilation, out_hw)
        gp = _col2im(cols, _padded(xshape, pads), kernel, stride, dilation, out_hw,
                     cols.dtype)
        return _crop(gp, pads, xshape[2:])

    @staticmethod
    def backward(ctx, g):
        return Im2Col.call(g, *ctx.geom), None, None, None, None, None, None


# --- convolution ----------------------------------------------------------------------------

# below this many elements, dL/dW is one batched matmul and a sum over the batch (a few small
# BLAS calls); above it, one big matmul over (n, y, x) (no (N, O, K) temporary)
_BATCHED_WGRAD_LIMIT = 1 << 21


class Conv2dFunction(Primitive):
    """Cross-correlation, as torch's conv2d: with G groups and K = C/G·kh·kw,

        cols[n, (c, i, j), (y, x)] = xp[n, c, y·sh + i·dh, x·sw + j·dw]      (im2col)
        y[n, o] = W[o] · cols[n] + b[o]     (W as an (O, K) matrix per group)

    so that, with G = dL/dy as (N, O, Ho·Wo):

        dL/dW = Σ_n G[n] cols[n]ᵀ,    dL/db = Σ_{n,y,x} G,
        dL/dcols = Wᵀ G[n]  and dL/dx = col2im(dL/dcols)  (each pixel sums over its windows)

    Backward rebuilds cols from x (Im2Col; a first-order backward reuses forward's, see
    nn.cached) and writes col2im as Col2Im, so with create_graph it is recorded like any
    computation.  ``pads`` is (top, bottom, left, right).
    """

    backward_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, w, b, stride, pads, dilation, groups):
        n, c, h, wd = x.shape
        o, cg, kh, kw = w.shape
        ho = (h + pads[0] + pads[1] - dilation[0] * (kh - 1) - 1) // stride[0] + 1
        wo = (wd + pads[2] + pads[3] - dilation[1] * (kw - 1) - 1) // stride[1] + 1
        cols = _im2col(x, (kh, kw), stride, pads, dilation, (ho, wo))
        k = cg * kh * kw
        if groups == 1:
            # (O, K) @ (N, K, L) -> (N, O, L): already NCHW, no transpose of the output
            out = np.matmul(w.reshape(o, k), cols.reshape(n, k, ho * wo))
        else:
            og = o // groups
            out = np.matmul(w.reshape(groups, og, k), cols.reshape(n, groups, k, ho * wo))
        out = out.reshape(n, o, ho, wo)
        if b is not None:
            out += b.reshape(o, 1, 1)
        need = ctx.needs_input_grad
        if need:
            ctx.save_for_backward(w if need[0] else None, x if need[1] else None)
            ctx.geom = (x.shape, (kh, kw), stride, pads, dilation, (ho, wo), groups)
            if need[1]:
                ctx.cache = cols
        return out

    @staticmethod
    def backward(ctx, g):
        w, x = ctx.saved_tensors
        xshape, kernel, stride, pads, dilation, out_hw, groups = ctx.geom
        need = ctx.needs_input_grad
        n, o = g.shape[0], g.shape[1]
        cg = w.shape[1] if w is not None else xshape[1] // groups
        k, og, L = cg * kernel[0] * kernel[1], o // groups, out_hw[0] * out_hw[1]
        gm = g.reshape(n, groups, og, L)
        gx = gw = gb = None
        if need[0]:
            # dL/dcols = Wᵀ G per group: (G, K, Og) @ (N, G, Og, L) -> (N, G, K, L)
            wt = w.reshape(groups, og, k).swapaxes(1, 2)
            dcols = np.matmul(wt, gm).reshape(n, xshape[1], kernel[0], kernel[1], *out_hw)
            gx = Col2Im.call(dcols, xshape, kernel, stride, pads, dilation, out_hw)
        if need[1]:
            cols = cached(ctx, x)   # forward's im2col: benchmarks/cnn.py, steps 20% faster
            if cols is None:
                cols = Im2Col.call(x, kernel, stride, pads, dilation, out_hw)
            c4 = cols.reshape(n, groups, k, L)
            if groups == 1 and n * o * k > _BATCHED_WGRAD_LIMIT:
                # one (O, N·L) @ (N·L, K) product, as np.tensordot would do it
                gw = np.matmul(np.transpose(gm, (1, 2, 0, 3)).reshape(o, n * L),
                               np.transpose(c4, (0, 3, 1, 2)).reshape(n * L, k))
            else:
                # Σ_n G[n] cols[n]ᵀ: (N, G, Og, L) @ (N, G, L, K) summed over n
                gw = np.matmul(gm, c4.swapaxes(2, 3)).sum(axis=0)
            gw = gw.reshape(o, cg, kernel[0], kernel[1])
        if len(need) > 2 and need[2]:
            gb = g.sum(axis=(0, 2, 3))
        return gx, gw, gb, None, None, None, None


# --- pooling --------------------------------------------------------------------------------

class MaxPool2dFunction(Primitive):
    """y = max over each window;  dL/dx gets dL/dy at the window's argmax (first one on
    ties) and 0 elsewhere, summed when windows overlap (MaxPoolScatter).

    Padding is -inf, so it is never the max.  ``pads`` is (top, bottom, left, right), the
    bottom/right including ceil_mode's extra rows.  Returns (y, indices): indices are flat
    positions h·W + w in the unpadded input, as torch's return_indices.
    """

    backward_name = "MaxPool2DWithIndicesBackward0"

    @staticmethod
    def forward(ctx, x, kernel, stride, pads, dilation, out_hw):
        n, c, h, w = x.shape
        kh, kw = kernel
        xp = _pad(x, pads, -np.inf)
        wp = xp.shape[3]
        win = _windows(xp, kernel, stride, dilation, out_hw)
        flat = win.reshape(n, c, out_hw[0], out_hw[1], kh * kw)       # one copy
        a = flat.argmax(axis=-1)
        out = np.take_along_axis(flat, a[..., None], axis=-1)[..., 0]
        # kernel entry a = (i, j) at output (y, x) sits at padded pixel
        # (y·sh + i·dh, x·sw + j·dw)
        rows = np.arange(out_hw[0]).reshape(-1, 1) * stride[0] + (a // kw) * dilation[0]
        cols = np.arange(out_hw[1]) * stride[1] + (a % kw) * dilation[1]
        idx = (rows - pads[0]) * w + (cols - pads[2])
        ctx.mark_non_differentiable(idx)
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(rows * wp + cols)
        ctx.geom = (x.shape, pads)
        return out, idx

    @staticmethod
    def backward(ctx, g, _gidx):
        (pidx,) = ctx.saved_tensors
        return MaxPoolScatter.call(g, pidx, *ctx.geom), None, None, None, None, None


class MaxPoolScatter(Primitive):
    """z = zeros(x's shape) with each g[n, c, y, x] added at its window's argmax pixel
    (``pidx``: flat positions in the padded plane; padding dropped);
    dz/dg = the upstream gradient read at those pixels (MaxPoolGather)"""

    backward_name = "MaxPool2DWithIndicesBackwardBackward0"

    @staticmethod
    def forward(ctx, g, pidx, xshape, pads):
        ctx.save_for_backward(pidx)
        ctx.pads = pads
        n, c = xshape[0], xshape[1]
        hp, wp = _padded(xshape, pads)[2:]
        # one bincount over (image, channel, pixel) bins sums the overlapping windows
        base = (np.arange(n * c) * (hp * wp)).reshape(n, c, 1, 1)
        gp = np.bincount((base + pidx).ravel(), weights=g.ravel(), minlength=n * c * hp * wp)
        gp = gp.reshape(n, c, hp, wp).astype(g.dtype, copy=False)
        return _crop(gp, pads, xshape[2:])

    @staticmethod
    def backward(ctx, gg):
        (pidx,) = ctx.saved_tensors
        return MaxPoolGather.call(gg, pidx, ctx.pads), None, None, None


class MaxPoolGather(Primitive):
    """z[n, c, y, x] = v at the argmax pixel of window (y, x) (v zero-padded by ``pads``);
    dz/dv = the upstream gradient added back at those pixels (MaxPoolScatter)"""

    backward_name = "GatherBackward0"

    @staticmethod
    def forward(ctx, v, pidx, pads):
        ctx.save_for_backward(pidx)
        ctx.geom = (v.shape, pads)
        vp = _pad(v, pads)
        flat = vp.reshape(vp.shape[0], vp.shape[1], -1)
        n, c, ho, wo = pidx.shape
        return np.take_along_axis(flat, pidx.reshape(n, c, ho * wo), axis=2).reshape(pidx.shape)

    @staticmethod
    def backward(ctx, g):
        (pidx,) = ctx.saved_tensors
        return MaxPoolScatter.call(g, pidx, *ctx.geom), None, None


class AvgPool2dFunction(Primitive):
    """y = (Σ window) / d, d the divisor of each output position (kh·kw, or fewer where the
    window hangs over the padding or the ceil_mode edge: see nn/pooling.py);
    dL/dx = Σ over the windows containing x of dL/dy / d: col2im of G/d repeated over the
    kernel (Col2Im)."""

    backward_name = "AvgPool2DBackward0"

    @staticmethod
    def forward(ctx, x, kernel, stride, pads, out_hw, divisor):
        xp = _pad(x, pads)
        win = _windows(xp, kernel, stride, (1, 1), out_hw)
        out = win.sum(axis=(-2, -1))
        out /= divisor
        ctx.geom = (x.shape, kernel, stride, pads, out_hw, divisor)
        return out.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        xshape, kernel, stride, pads, out_hw, divisor = ctx.geom
        n, c = g.shape[0], g.shape[1]
        # every kernel entry of a window gets G/d: a broadcast view, not a copy
        dcols = np.broadcast_to(np.expand_dims(g / divisor, (2, 3)),
                                (n, c) + tuple(kernel) + tuple(out_hw))
        return Col2Im.call(dcols, xshape, kernel, stride, pads, (1, 1), out_hw), \
            None, None, None, None, None


# --- normalisation ----------------------------------------------------------------------

class Normalize(Primitive):
    """y = x̂·w + b with x̂ = (x - μ)·r, r = 1/√(σ² + eps): batch_norm and layer_norm.

    ``axes`` are the dims the statistics reduce over (M elements per statistic);
    ``param_axes`` the dims w and b are summed over in their gradients; ``pshape`` is the
    shape w and b broadcast as.  With batch statistics (training BatchNorm, LayerNorm: ``eps``
    given) μ and σ² depend on x, and with ĝ = dL/dx̂ = G·w:

        dL/dx = r/M · (M·ĝ - Σĝ - x̂·Σ(ĝ·x̂))      (sums over ``axes``)

    With fixed (running) statistics (``eps`` None) dL/dx = G·w·r.  Always dL/dw = Σ G·x̂,
    dL/db = Σ G.  ``mean`` and ``rstd`` are what the caller computed; backward recomputes x̂
    from x, and with create_graph the batch statistics too (``_batch_stats``, the same
    arithmetic), so that they are functions of x.
    """

    backward_name = "NativeBatchNormBackward0"

    @staticmethod
    def forward(ctx, x, w, b, mean, rstd, axes, param_axes, pshape, eps):
        xhat = x - mean
        xhat *= rstd
        if w is not None:
            out = xhat * w.reshape(pshape)
            if b is not None:
                out += b.reshape(pshape)
        elif b is not None:
            out = xhat + b.reshape(pshape)
        else:
            out = xhat.copy()
        if ctx.needs_input_grad:
            ctx.save_for_backward(x, w)
            # (copied: a running mean may change in place before backward)
            ctx.stats = (mean.copy() if eps is None else mean, rstd, axes, param_axes,
                         pshape, eps)
        return out

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        mean, rstd, axes, param_axes, pshape, eps = ctx.stats
        need = ctx.needs_input_grad
        if eps is not None and type(x) is not np.ndarray:
            # batch statistics as functions of x; on arrays forward's are the same numbers
            # (benchmarks/nn_ops.py: batch_norm and layer_norm 15-20% faster)
            mean, rstd = _batch_stats(x, axes, eps)
        xhat = (x - mean) * rstd
        gx = gw = gb = None
        if need[0]:
            gh = g * w.reshape(pshape) if w is not None else g
            if eps is not None:
                m = math.prod(x.shape[a] for a in axes)
                s1 = gh.sum(axis=axes, keepdims=True)
                s2 = (gh * xhat).sum(axis=axes, keepdims=True)
                gx = (gh * m - s1 - xhat * s2) * (rstd / m)
            else:
                gx = gh * rstd
        if need[1]:
            gw = (g * xhat).sum(axis=param_axes)
        if need[2]:
            gb = g.sum(axis=param_axes)
        return gx, gw, gb, None, None, None, None, None, None


def _batch_stats(x, axes, eps):
    """(μ, 1/√(σ² + eps)) over ``axes`` (kept as size 1), σ² the biased variance: the
    arithmetic of nn/normalization.py, so on arrays it gives forward's values exactly."""
    mean = x.mean(axis=axes, keepdims=True)
    d = x - mean
    return mean, 1.0 / np.sqrt((d * d).mean(axis=axes, keepdims=True) + eps)


class LayerNormFunction(Normalize):
    """y = (x - μ)/σ over the last dims;  dx = (N·dx̂ - Σdx̂ - x̂·Σ(dx̂·x̂)) / (N·σ)"""

    backward_name = "NativeLayerNormBackward0"


# --- embedding ------------------------------------------------------------------------------

class EmbeddingFunction(Primitive):
    """y[..., :] = W[idx[...], :]  (a row lookup);
    dL/dW[r] = Σ over the positions p with idx[p] = r of dL/dy[p]  (repeats accumulate),
    row ``padding_idx`` excluded; with scale_grad_by_freq each row's sum is divided by the
    number of times it occurs in idx (EmbeddingDenseBackward)."""

    backward_name = "EmbeddingBackward0"

    @staticmethod
    def forward(ctx, w, idx, padding_idx, scale_grad_by_freq):
        if ctx.needs_input_grad:
            ctx.save_for_backward(idx)
            ctx.opts = (w.shape, padding_idx, scale_grad_by_freq)
        return w[idx]

    @staticmethod
    def backward(ctx, g):
        (idx,) = ctx.saved_tensors
        return EmbeddingDenseBackward.call(g, idx, *ctx.opts), None, None, None


class EmbeddingDenseBackward(Primitive):
    """z[r] = Σ over the positions p with idx[p] = r of g[p] · c[p], where c[p] is 0 if
    idx[p] = padding_idx, else 1 (or 1/count of idx[p] with scale_grad_by_freq);
    dz/dg[p] = c[p] · the upstream gradient's row idx[p] (a row lookup)"""

    backward_name = "EmbeddingDenseBackwardBackward0"

    @staticmethod
    def forward(ctx, g, idx, wshape, padding_idx, by_freq):
        ctx.save_for_backward(idx)
        ctx.opts = (wshape, padding_idx, by_freq)
        flat = idx.reshape(-1)
        g2 = g.reshape(flat.size, wshape[1])
        if by_freq:
            counts = np.bincount(flat, minlength=wshape[0])
            g2 = g2 / counts[flat].reshape(-1, 1).astype(g.dtype)
        # sum the rows of g2 that share an index: sort by index, then one segmented sum
        gw = np.zeros(wshape, g.dtype)
        if flat.size:
            order = np.argsort(flat, kind="stable")
            s = flat[order]
            start = np.flatnonzero(np.concatenate(([True], s[1:] != s[:-1])))
            gw[s[start]] = np.add.reduceat(g2[order], start, axis=0)
        if padding_idx is not None:
            gw[padding_idx] = 0
        return gw

    @staticmethod
    def backward(ctx, gg):
        (idx,) = ctx.saved_tensors
        wshape, padding_idx, by_freq = ctx.opts
        rows = EmbeddingFunction.call(gg, idx, None, False)
        if padding_idx is None and not by_freq:
            return rows, None, None, None, None
        c = np.ones(idx.shape, rows.dtype)
        if by_freq:
            c /= np.bincount(idx.reshape(-1), minlength=wshape[0])[idx]
        if padding_idx is not None:
            c[idx == padding_idx] = 0
        return rows * np.expand_dims(c, -1), None, None, None, None
