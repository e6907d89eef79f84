"""Fused primitives for images and sequences: convolution, pooling, normalisation, embedding.

Like the ones in nn.py, each class is one node in the graph; forward and backward take and
return numpy arrays, and the derivative is written in the docstring.  The checks and argument
parsing live in nn/conv.py, nn/pooling.py, nn/normalization.py and nn/sparse.py.  A class whose
name would match an nn Module's (``nn.Conv2d``) carries a ``Function`` suffix.

Images are (N, C, H, W).  Every 2-D op here is built on the same picture: for kernel offset
(i, j) the input pixels that meet that kernel entry form one strided slice of the (padded)
input,

    xp[:, :, i·dh : i·dh + sh·(Ho - 1) + 1 : sh,  j·dw : j·dw + sw·(Wo - 1) + 1 : sw]

an (N, C, Ho, Wo) array.  Forward passes read all of these slices at once, through one
strided view of the input (``_windows``, the view sliding_window_view gives); backward passes
add gradients into them, one kernel offset at a time (kh·kw vectorised adds, never a Python
loop over pixels or over the batch).
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..autograd.function import Primitive


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


# --- convolution ----------------------------------------------------------------------------

# below this many elements, dL/dW is one batched matmul and a sum over the batch (a few small
# BLAS calls); above it, one big matmul through tensordot (no (N, O, K) temporary)
_BATCHED_WGRAD_LIMIT = 1 << 21


class Conv2dFunction(Primitive):
    """Cross-correlation, as torch's conv2d: with G groups and K = C/G·kh·kw,

        cols[n, (c, i, j), (y, x)] = xp[n, c, y·sh + i·dh, x·sw + j·dw]      (im2col)
        y[n, o] = W[o] · cols[n] + b[o]     (W as an (O, K) matrix per group)

    so that, with G = dL/dy as (N, O, Ho·Wo):

        dL/dW = Σ_n G[n] cols[n]ᵀ,    dL/db = Σ_{n,y,x} G,
        dL/dcols = Wᵀ G[n]  and dL/dx = col2im(dL/dcols)  (each pixel sums over its windows)

    ``pads`` is (top, bottom, left, right).
    """

    backward_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, w, b, stride, pads, dilation, groups):
        n, c, h, wd = x.shape
        o, cg, kh, kw = w.shape
        xp = _pad(x, pads)
        hp, wp = xp.shape[2], xp.shape[3]
        ho = (hp - dilation[0] * (kh - 1) - 1) // stride[0] + 1
        wo = (wp - dilation[1] * (kw - 1) - 1) // stride[1] + 1
        if kh == kw == 1 and stride == (1, 1) and xp is x:
            cols = x.reshape(n, c, 1, 1, h * wd)                  # 1x1: im2col is a view
        else:
            win = _windows(xp, (kh, kw), stride, dilation, (ho, wo))
            # (N, C, Ho, Wo, kh, kw) -> (N, C, kh, kw, Ho, Wo): one copy, rows = (c, i, j)
            cols = np.ascontiguousarray(win.transpose(0, 1, 4, 5, 2, 3))
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
            ctx.save_for_backward(w if need[0] else None, cols if need[1] else None)
            ctx.geom = (x.shape, xp.shape, w.shape, stride, pads, dilation, groups, (ho, wo))
        return out

    @staticmethod
    def backward(ctx, g):
        w, cols = ctx.saved_tensors
        xshape, pshape, wshape, stride, pads, dilation, groups, out_hw = ctx.geom
        need = ctx.needs_input_grad
        n, o = g.shape[0], g.shape[1]
        _, cg, kh, kw = wshape
        k, og, L = cg * kh * kw, o // groups, out_hw[0] * out_hw[1]
        gm = g.reshape(n, groups, og, L)
        gx = gw = gb = None
        if need[0]:
            # dL/dcols = Wᵀ G per group: (G, K, Og) @ (N, G, Og, L) -> (N, G, K, L)
            wt = w.reshape(groups, og, k).transpose(0, 2, 1)
            dcols = np.matmul(wt, gm).reshape(n, xshape[1], kh, kw, out_hw[0], out_hw[1])
            gp = _col2im(dcols, pshape, (kh, kw), stride, dilation, out_hw, g.dtype)
            gx = _crop(gp, pads, xshape[2:])
        if need[1]:
            c4 = cols.reshape(n, groups, k, L)
            if groups == 1 and n * o * k > _BATCHED_WGRAD_LIMIT:
                gw = np.tensordot(gm[:, 0], c4[:, 0], axes=([0, 2], [0, 2]))
            else:
                # Σ_n G[n] cols[n]ᵀ: (N, G, Og, L) @ (N, G, L, K) summed over n
                gw = np.matmul(gm, c4.transpose(0, 1, 3, 2)).sum(axis=0)
            gw = gw.reshape(o, cg, kh, kw)
        if len(need) > 2 and need[2]:
            gb = g.sum(axis=(0, 2, 3))
        return gx, gw, gb, None, None, None, None


# --- pooling --------------------------------------------------------------------------------

class MaxPool2dFunction(Primitive):
    """y = max over each window;  dL/dx gets dL/dy at the window's argmax (first one on
    ties) and 0 elsewhere, summed when windows overlap.

    Padding is -inf, so it is never the max.  ``pads`` is (top, bottom, left, right), the
    bottom/right including ceil_mode's extra rows.  Returns (y, indices): indices are flat
    positions h·W + w in the unpadded input, as torch's return_indices.
    """

    backward_name = "MaxPool2DWithIndicesBackward0"
    _multi = True

    @staticmethod
    def forward(ctx, x, kernel, stride, pads, dilation, out_hw):
        n, c, h, w = x.shape
        kh, kw = kernel
        xp = _pad(x, pads, -np.inf)
        hp, wp = xp.shape[2], xp.shape[3]
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
        ctx.geom = (x.shape, (hp, wp), pads)
        return out, idx

    @staticmethod
    def backward(ctx, g, _gidx):
        (pidx,) = ctx.saved_tensors
        xshape, (hp, wp), pads = ctx.geom
        n, c = xshape[0], xshape[1]
        # scatter-add every output's gradient into its argmax pixel: one bincount over
        # (image, channel, pixel) bins sums the overlapping windows
        base = (np.arange(n * c) * (hp * wp)).reshape(n, c, 1, 1)
        gp = np.bincount((base + pidx).ravel(), weights=g.ravel(), minlength=n * c * hp * wp)
        gp = gp.reshape(n, c, hp, wp).astype(g.dtype, copy=False)
        return _crop(gp, pads, xshape[2:]), None, None, None, None, None


class AvgPool2dFunction(Primitive):
    """y = (Σ window) / d, d the divisor of each output position (kh·kw, or fewer where the
    window hangs over the padding or the ceil_mode edge: see nn/pooling.py);
    dL/dx = Σ over the windows containing x of dL/dy / d."""

    backward_name = "AvgPool2DBackward0"

    @staticmethod
    def forward(ctx, x, kernel, stride, pads, out_hw, divisor):
        xp = _pad(x, pads)
        win = _windows(xp, kernel, stride, (1, 1), out_hw)
        out = win.sum(axis=(-2, -1))
        out /= divisor
        ctx.geom = (x.shape, xp.shape, kernel, stride, pads, out_hw, divisor)
        return out.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        xshape, pshape, kernel, stride, pads, out_hw, divisor = ctx.geom
        gd = g / divisor
        gp = np.zeros(pshape, g.dtype)
        for i in range(kernel[0]):
            for j in range(kernel[1]):
                rs, cs = _offset_slice(i, j, stride, (1, 1), out_hw)
                gp[:, :, rs, cs] += gd
        return _crop(gp, pads, xshape[2:]), None, None, None, None, None


# --- normalisation ----------------------------------------------------------------------

class Normalize(Primitive):
    """y = x̂·w + b with x̂ = (x - μ)·r, r = 1/√(σ² + eps): batch_norm and layer_norm.

    ``axes`` are the dims the statistics reduce over (M elements per statistic);
    ``param_axes`` the dims w and b are summed over in their gradients; ``pshape`` is the
    shape w and b broadcast as.  With batch statistics (training BatchNorm, LayerNorm) μ and
    σ² depend on x, and with ĝ = dL/dx̂ = G·w:

        dL/dx = r/M · (M·ĝ - Σĝ - x̂·Σ(ĝ·x̂))      (sums over ``axes``)

    With fixed (running) statistics dL/dx = G·w·r.  Always dL/dw = Σ G·x̂, dL/db = Σ G.
    """

    backward_name = "NativeBatchNormBackward0"

    @staticmethod
    def forward(ctx, x, w, b, mean, rstd, axes, param_axes, pshape, batch_stats):
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
            ctx.save_for_backward(xhat, w)
            ctx.stats = (rstd, axes, param_axes, pshape, batch_stats)
        return out

    @staticmethod
    def backward(ctx, g):
        xhat, w = ctx.saved_tensors
        rstd, axes, param_axes, pshape, batch_stats = ctx.stats
        need = ctx.needs_input_grad
        gx = gw = gb = None
        if need[0]:
            gh = g * w.reshape(pshape) if w is not None else g
            if batch_stats:
                m = xhat.size // rstd.size
                s1 = gh.sum(axis=axes, keepdims=True)
                s2 = (gh * xhat).sum(axis=axes, keepdims=True)
                gx = gh * m
                gx -= s1
                gx -= xhat * s2
                gx *= rstd / m
            else:
                gx = gh * rstd
            gx = gx.astype(g.dtype, copy=False)
        if need[1]:
            gw = (g * xhat).sum(axis=param_axes)
        if need[2]:
            gb = g.sum(axis=param_axes)
        return gx, gw, gb, None, None, None, None, None, None


class LayerNormFunction(Normalize):
    """y = (x - μ)/σ over the last dims;  dx = (N·dx̂ - Σdx̂ - x̂·Σ(dx̂·x̂)) / (N·σ)"""

    backward_name = "NativeLayerNormBackward0"


# --- embedding ------------------------------------------------------------------------------

class EmbeddingFunction(Primitive):
    """y[..., :] = W[idx[...], :]  (a row lookup);
    dL/dW[r] = Σ over the positions p with idx[p] = r of dL/dy[p]  (repeats accumulate),
    row ``padding_idx`` excluded; with scale_grad_by_freq each row's sum is divided by the
    number of times it occurs in idx."""

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
        wshape, padding_idx, by_freq = ctx.opts
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
        return gw, None, None, None
