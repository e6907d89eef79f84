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

Those adds (col2im, a max-pool's scatter, an embedding's row sums, an adaptive pool's
overlapping windows) write into arrays, which a recorded backward cannot do; so each is a
primitive of its own (Col2Im, MaxPoolScatter, EmbeddingDenseBackward,
AdaptiveAvgPool2dBackward) whose backward is the matching read (Im2Col, MaxPoolGather, the
row lookup, the adaptive average) and the other way round: every op here differentiates to
any order.

Special values and float16 follow torch's CPU kernels: which element a max pool picks at
NaN, ties and -inf; x·α + β for batch norm; float16 summed and scaled in float32 and rounded
once, or added in float16 one by one where torch does that (max pool, average pool and
embedding backward).  Forward passes silence numpy's warnings (inf - inf is NaN silently, as
in torch).
"""
import functools
import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..autograd.function import Primitive
from .nn import cached


# --- shared helpers -------------------------------------------------------------------------

def _wide(a):
    """float16 arrays as float32 (torch sums and scales half in float32 and rounds once);
    anything else, Tensors included (create_graph), as it is."""
    return a.astype(np.float32) if type(a) is np.ndarray and a.dtype == np.float16 else a


def _narrow(a, dtype):
    """Back to ``dtype`` after _wide: arrays only (a Tensor keeps its dtype)."""
    return a.astype(dtype, copy=False) if type(a) is np.ndarray else a


# inf - inf, 0·inf, x/0 give NaN or inf silently, as in torch (forward passes: backward passes
# run under the engine's errstate).  The ops here take hundreds of µs and more (benchmarks/
# nn_ops.py), so the ~2 µs of np.errstate does not show.
def _quiet():
    return np.errstate(divide="ignore", invalid="ignore", over="ignore")


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


def _col2im(dcols, padded_shape, kernel, stride, dilation, out_hw, dtype, reverse=False):
    """Adjoint of im2col: dcols (N, C, kh, kw, Ho, Wo) summed back into the padded image.

    A pixel used by several windows gets the sum of their gradients: one strided add per
    kernel offset, in the dtype, in torch's order (what float16 rounding sees): kernel offsets
    in row-major order (its col2im, for conv), or with ``reverse`` the other way round, which
    adds each pixel's windows in output row-major order (its avg_pool2d backward)."""
    gp = np.zeros(padded_shape, dtype)
    offsets = [(i, j) for i in range(kernel[0]) for j in range(kernel[1])]
    for i, j in reversed(offsets) if reverse else offsets:
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
    (h, w) (padding dropped);  dL/dcols = im2col(G) (Im2Col), its adjoint

    ``reverse`` only changes the order of the adds (see _col2im)."""

    backward_name = "Col2ImBackward0"

    @staticmethod
    def forward(ctx, cols, xshape, kernel, stride, pads, dilation, out_hw, reverse=False):
        ctx.geom = (kernel, stride, pads, dilation, out_hw)
        gp = _col2im(cols, _padded(xshape, pads), kernel, stride, dilation, out_hw,
                     cols.dtype, reverse)
        return _crop(gp, pads, xshape[2:])

    @staticmethod
    def backward(ctx, g):
        return Im2Col.call(g, *ctx.geom), None, None, None, None, None, None, None


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
    computation.  ``pads`` is (top, bottom, left, right).  float16 products are summed in
    float32 and rounded once (dL/dcols too, before col2im adds it up in float16), as torch.
    """

    backward_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, w, b, stride, pads, dilation, groups):
        n, c, h, wd = x.shape
        o, cg, kh, kw = w.shape
        ho = (h + pads[0] + pads[1] - dilation[0] * (kh - 1) - 1) // stride[0] + 1
        wo = (wd + pads[2] + pads[3] - dilation[1] * (kw - 1) - 1) // stride[1] + 1
        # float16 in float32 (numpy's half matmul has no BLAS; torch sums in float32 and
        # rounds once), everything else as it is
        cols = _im2col(_wide(x), (kh, kw), stride, pads, dilation, (ho, wo))
        ws = _wide(w)
        k = cg * kh * kw
        with _quiet():
            if groups == 1:
                # (O, K) @ (N, K, L) -> (N, O, L): already NCHW, no transpose of the output
                out = np.matmul(ws.reshape(o, k), cols.reshape(n, k, ho * wo))
            else:
                og = o // groups
                out = np.matmul(ws.reshape(groups, og, k), cols.reshape(n, groups, k, ho * wo))
            out = out.reshape(n, o, ho, wo)
            if b is not None:
                out += _wide(b).reshape(o, 1, 1)
            out = _narrow(out, x.dtype)     # (float16: overflows to inf silently)
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
        dtype = g.dtype
        n, o = g.shape[0], g.shape[1]
        cg = w.shape[1] if w is not None else xshape[1] // groups
        k, og, L = cg * kernel[0] * kernel[1], o // groups, out_hw[0] * out_hw[1]
        gm = _wide(g).reshape(n, groups, og, L)
        gx = gw = gb = None
        if need[0]:
            # dL/dcols = Wᵀ G per group: (G, K, Og) @ (N, G, Og, L) -> (N, G, K, L), rounded
            # to float16 before col2im adds it up (as torch's half columns buffer)
            wt = _wide(w).reshape(groups, og, k).swapaxes(1, 2)
            dcols = np.matmul(wt, gm).reshape(n, xshape[1], kernel[0], kernel[1], *out_hw)
            gx = Col2Im.call(_narrow(dcols, dtype), xshape, kernel, stride, pads, dilation,
                             out_hw)
        if need[1]:
            cols = cached(ctx, x)   # forward's im2col: benchmarks/cnn.py, steps 20% faster
            if cols is None:
                cols = _wide(Im2Col.call(x, kernel, stride, pads, dilation, out_hw))
            c4 = cols.reshape(n, groups, k, L)
            if groups == 1 and n * o * k > _BATCHED_WGRAD_LIMIT:
                # one (O, N·L) @ (N·L, K) product, as np.tensordot would do it
                gw = np.matmul(np.transpose(gm, (1, 2, 0, 3)).reshape(o, n * L),
                               np.transpose(c4, (0, 3, 1, 2)).reshape(n * L, k))
            else:
                # Σ_n G[n] cols[n]ᵀ: (N, G, Og, L) @ (N, G, L, K) summed over n
                gw = np.matmul(gm, c4.swapaxes(2, 3)).sum(axis=0)
            gw = _narrow(gw.reshape(o, cg, kernel[0], kernel[1]), dtype)
        if len(need) > 2 and need[2]:
            gb = _narrow(gm.sum(axis=(0, 3)).reshape(o), dtype)
        return gx, gw, gb, None, None, None, None


# --- pooling --------------------------------------------------------------------------------

class MaxPool2dFunction(Primitive):
    """y = max over each window;  dL/dx gets dL/dy at the window's argmax and 0 elsewhere,
    summed when windows overlap (MaxPoolScatter).

    The argmax is torch's (a row-major scan that keeps the first strict maximum but takes
    every NaN it meets): the first maximum on ties, the last NaN of a window holding NaN, and
    never the padding: it is -inf, and a window whose real pixels are all -inf picks its
    first real pixel.  ``pads`` is (top, bottom, left, right), the bottom/right including
    ceil_mode's extra rows.  Returns (y, indices): indices are flat positions h·W + w in the
    unpadded input, as torch's return_indices.
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
        if x.dtype.kind == "f":
            a = _torch_argmax(flat, a, out, kernel, stride, pads, dilation)
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


def _torch_argmax(flat, a, out, kernel, stride, pads, dilation):
    """numpy's argmax ``a`` of each window (flat: (..., Ho, Wo, kh·kw), out its max) turned
    into torch's where they differ: a window holding NaN (out NaN) takes its last NaN, not
    its first; an all -inf window (out -inf) its first real pixel, not the -inf padding
    before it (only top/left padding comes before a real pixel in row-major order).  One
    check of the output each when neither occurs."""
    nan = np.isnan(out)
    if nan.any():
        last = np.isnan(flat[nan][:, ::-1]).argmax(axis=1)
        a[nan] = flat.shape[-1] - 1 - last
    if pads[0] or pads[2]:
        low = out == -np.inf
        if low.any():
            ho, wo = out.shape[-2:]
            # first kernel row i with y·sh + i·dh >= top padding, and likewise for columns
            i0 = np.clip(-((np.arange(ho) * stride[0] - pads[0]) // dilation[0]), 0,
                         kernel[0] - 1)
            j0 = np.clip(-((np.arange(wo) * stride[1] - pads[2]) // dilation[1]), 0,
                         kernel[1] - 1)
            a = np.where(low, i0[:, None] * kernel[1] + j0, a)
    return a


class MaxPoolScatter(Primitive):
    """z = zeros(x's shape) with each g[n, c, y, x] added at its window's argmax pixel
    (``pidx``: flat positions in the padded plane; padding dropped);
    dz/dg = the upstream gradient read at those pixels (MaxPoolGather)

    The adds run one at a time in output row-major order, in the dtype: torch's order and
    rounding (float16 included, which torch accumulates in float16)."""

    backward_name = "MaxPool2DWithIndicesBackwardBackward0"

    @staticmethod
    def forward(ctx, g, pidx, xshape, pads):
        ctx.save_for_backward(pidx)
        ctx.pads = pads
        n, c = xshape[0], xshape[1]
        hp, wp = _padded(xshape, pads)[2:]
        base = (np.arange(n * c) * (hp * wp)).reshape(n, c, 1, 1)
        gp = np.zeros(n * c * hp * wp, g.dtype)
        # (np.add.at: unbuffered, in index order; faster than a float64 bincount too)
        np.add.at(gp, (base + pidx).ravel(), g.ravel())
        return _crop(gp.reshape(n, c, hp, wp), pads, xshape[2:])

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
    kernel (Col2Im).

    As torch: float16 windows are summed and divided in float32 and rounded once; backward
    rounds G/d to the dtype and adds each pixel's windows in output order (Col2Im reverse)."""

    backward_name = "AvgPool2DBackward0"

    @staticmethod
    def forward(ctx, x, kernel, stride, pads, out_hw, divisor):
        xp = _pad(x, pads)
        win = _windows(xp, kernel, stride, (1, 1), out_hw)
        with _quiet():      # inf + -inf in a window; a float16 sum out of range
            out = win.sum(axis=(-2, -1), dtype=np.float32 if x.dtype == np.float16 else None)
            out /= divisor
            out = out.astype(x.dtype, copy=False)
        ctx.geom = (x.shape, kernel, stride, pads, out_hw, divisor)
        return out

    @staticmethod
    def backward(ctx, g):
        xshape, kernel, stride, pads, out_hw, divisor = ctx.geom
        n, c = g.shape[0], g.shape[1]
        # every kernel entry of a window gets G/d: a broadcast view, not a copy
        dcols = np.broadcast_to(np.expand_dims(g / divisor, (2, 3)),
                                (n, c) + tuple(kernel) + tuple(out_hw))
        return Col2Im.call(dcols, xshape, kernel, stride, pads, (1, 1), out_hw, True), \
            None, None, None, None, None


@functools.lru_cache(maxsize=64)
def _adaptive_windows(n, out):
    """An adaptive pool along one dim of length n: output o averages [s_o, e_o) with
    s_o = ⌊o·n/out⌋, e_o = ⌈(o+1)·n/out⌉.  Returns (the lengths e - s, the windows as runs
    (see _runs), and the runs of the adjoint: for each input i, the outputs whose window
    holds it, o_lo(i)..o_hi(i))."""
    o = np.arange(out)
    start = (o * n) // out
    end = -((-(o + 1) * n) // out)
    i = np.arange(n)
    lo = np.searchsorted(end, i, side="right")
    hi = np.searchsorted(start, i, side="right")
    return end - start, _runs(start, end, n), _runs(lo, hi, out)


def _runs(start, end, n):
    """The runs [start[r], end[r]) (none empty) of an axis of length n, as one (sel, src)
    per offset k: the runs at least k + 1 long (sel; None for all of them) read element
    src = start[sel] + k.  None for the identity (every run one element, the r-th)."""
    if len(start) == n and (start == np.arange(n)).all() and (end == start + 1).all():
        return None
    steps = []
    for k in range(int((end - start).max())):
        sel = np.flatnonzero(end - start > k)
        steps.append((None, start + k) if len(sel) == len(start) else (sel, start[sel] + k))
    return steps


def _run_sum(x, axis, runs):
    """Σ over each run of x along ``axis`` (2 or 3 of an NCHW array): one gathered add per
    offset in the run, in order (torch's order of adds along a window), so a NaN or inf
    reaches only the runs that hold it."""
    if runs is None:
        return x
    at = (slice(None),) * axis
    s = x[at + (runs[0][1],)]                  # (a copy: fancy indexing)
    for sel, src in runs[1:]:
        if sel is None:
            s += x[at + (src,)]
        else:
            s[at + (sel,)] += x[at + (src,)]
    return s


class AdaptiveAvgPool2dFunction(Primitive):
    """y[o, p] = Σ x over rows [s_o, e_o) and columns [s_p, e_p) / (e_o - s_o) / (e_p - s_p)
    (see _adaptive_windows);  dL/dx[i, j] = Σ over the windows holding (i, j) of
    G[o, p] / (e_o - s_o) / (e_p - s_p) (AdaptiveAvgPool2dBackward).

    Separable: rows first, then columns, each window summed by gathered adds (_run_sum; not
    a product with an averaging matrix, whose zeros would spread a NaN or inf over the
    plane).  float16 in float32, rounded once."""

    backward_name = "AdaptiveAvgPool2DBackward0"

    @staticmethod
    def forward(ctx, x, out_hw):
        ctx.xshape = x.shape
        if 0 in out_hw or x.size == 0:
            return np.zeros(x.shape[:2] + tuple(out_hw), x.dtype)
        (kh, rows, _), (kw, cols, _) = (_adaptive_windows(x.shape[2], out_hw[0]),
                                        _adaptive_windows(x.shape[3], out_hw[1]))
        s = _wide(x)
        with _quiet():      # inf + -inf in a window
            s = _run_sum(_run_sum(s, 2, rows), 3, cols)
            out = s / kh.astype(s.dtype)[:, None] / kw.astype(s.dtype)
        return out.astype(x.dtype, copy=False)      # (float16 from float32: in range)

    @staticmethod
    def backward(ctx, g):
        return AdaptiveAvgPool2dBackward.call(g, ctx.xshape), None


class AdaptiveAvgPool2dBackward(Primitive):
    """z[i, j] = Σ over the adaptive windows (o, p) holding (i, j) of
    g[o, p] / (e_o - s_o) / (e_p - s_p);  dL/dg = the adaptive average of G
    (AdaptiveAvgPool2dFunction), its adjoint"""

    backward_name = "AdaptiveAvgPool2DBackwardBackward0"

    @staticmethod
    def forward(ctx, g, xshape):
        ctx.out_hw = g.shape[2:]
        if g.size == 0:
            return np.zeros(xshape, g.dtype)
        (kh, _, rows), (kw, _, cols) = (_adaptive_windows(xshape[2], g.shape[2]),
                                        _adaptive_windows(xshape[3], g.shape[3]))
        gd = g / kh.astype(g.dtype)[:, None] / kw.astype(g.dtype)
        s = _wide(gd)
        return _run_sum(_run_sum(s, 2, rows), 3, cols).astype(g.dtype, copy=False)

    @staticmethod
    def backward(ctx, gg):
        return AdaptiveAvgPool2dFunction.call(gg, ctx.out_hw), None


# --- normalisation ----------------------------------------------------------------------

class Normalize(Primitive):
    """batch_norm: y = (x - μ)·r·w + b, r = 1/√(σ² + eps), computed as torch does it, as
    y = x·α + β with α = r·w and β = b - μ·α (so a NaN or inf lands where torch's does);

        dL/dx = (G - ΣG/M - (x - μ)·k)·r·w,  k = Σ(G·(x - μ))·r²/M      (batch statistics)
        dL/dx = G·r·w                                                    (running statistics)
        dL/dw = Σ(G·(x - μ))·r,  dL/db = ΣG

    (sums over ``axes``, M elements per statistic).  ``param_axes`` are the dims w and b are
    summed over in their gradients; ``pshape`` is the shape w and b broadcast as.  With
    batch statistics (training BatchNorm: ``eps`` given) μ and r depend on x: backward
    recomputes them from x with create_graph (``_batch_stats``, the same arithmetic), so that
    they are functions of x there; with fixed (running) statistics (``eps`` None) they are
    constants.  ``mean`` and ``rstd`` are what the caller computed, in float32 for float16
    input, where all the arithmetic is float32, rounded once, as torch.
    """

    backward_name = "NativeBatchNormBackward0"

    @staticmethod
    def forward(ctx, x, w, b, mean, rstd, axes, param_axes, pshape, eps):
        with _quiet():      # inf·0, inf - inf; float16 overflow
            alpha = rstd if w is None else rstd * _wide(w).reshape(pshape)
            beta = (0.0 if b is None else _wide(b).reshape(pshape)) - mean * alpha
            out = _wide(x) * alpha
            out += beta
            out = out.astype(x.dtype, copy=False)
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
        dtype = g.dtype
        if type(x) is not np.ndarray:
            # create_graph: batch statistics as functions of x (on arrays forward's are the
            # same numbers: benchmarks/nn_ops.py, batch_norm and layer_norm 15-20% faster);
            # running ones as constants of x's dtype
            mean, rstd = (_batch_stats(x, axes, eps) if eps is not None else
                          (mean.astype(x._data.dtype), rstd.astype(x._data.dtype)))
        g, x, w = _wide(g), _wide(x), _wide(w)
        xc = x - mean
        s = g.sum(axis=axes, keepdims=True)
        dotp = (xc * g).sum(axis=axes, keepdims=True)
        gx = gw = gb = None
        if need[0]:
            if eps is not None:
                m = math.prod(x.shape[a] for a in axes)
                gx = (g - s / m - xc * (dotp * rstd * rstd / m)) * rstd
            else:
                gx = g * rstd
            if w is not None:
                gx = gx * w.reshape(pshape)
            gx = _narrow(gx, dtype)
        if need[1]:
            gw = _narrow((dotp * rstd).reshape(-1), dtype)
        if need[2]:
            gb = _narrow(s.reshape(-1), dtype)
        return gx, gw, gb, None, None, None, None, None, None


def _batch_stats(x, axes, eps):
    """(μ, 1/√(σ² + eps)) over ``axes`` (kept as size 1), σ² the biased variance: the
    arithmetic of nn/normalization.py, so on arrays it gives forward's values exactly."""
    mean = x.mean(axis=axes, keepdims=True)
    d = x - mean
    return mean, 1.0 / np.sqrt((d * d).mean(axis=axes, keepdims=True) + eps)


class LayerNormFunction(Primitive):
    """y = (x - μ)·r·w + b over the last dims (r = 1/√(σ² + eps)), computed as torch does it,
    as y = (x·r - r·μ)·w + b;  with A = G·w, N elements per row and sums over the row,

        dL/dx = r·A + (Σ A·μ - Σ A·x)·r³/N · x - (that)·μ - Σ A·r/N
              = r/N · (N·A - ΣA - x̂·Σ(A·x̂))  (x̂ = (x - μ)·r)
        dL/dw = Σ_rows G·(r·x - r·μ),  dL/db = Σ_rows G

    the first line in torch's order of operations (so a NaN or inf lands where torch's does).
    ``axes`` are the normalised dims, ``param_axes`` the others, ``pshape`` the shape of w
    and b.  μ and r depend on x: recomputed from x with create_graph (``_batch_stats``).
    float16 runs in float32 from float32 statistics, rounded once, as torch.
    """

    backward_name = "NativeLayerNormBackward0"

    @staticmethod
    def forward(ctx, x, w, b, mean, rstd, axes, param_axes, pshape, eps):
        with _quiet():      # inf·0, inf - inf; float16 overflow
            out = _wide(x) * rstd
            out += -rstd * mean
            if w is not None:
                out *= _wide(w)
            if b is not None:
                out += _wide(b)
            out = out.astype(x.dtype, copy=False)
        if ctx.needs_input_grad:
            ctx.save_for_backward(x, w)
            ctx.stats = (mean, rstd, axes, param_axes, eps)
        return out

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        mean, rstd, axes, param_axes, eps = ctx.stats
        need = ctx.needs_input_grad
        dtype = g.dtype
        if type(x) is not np.ndarray:
            mean, rstd = _batch_stats(x, axes, eps)     # functions of x (see Normalize)
        g, x, w = _wide(g), _wide(x), _wide(w)
        gx = gw = gb = None
        if need[0]:
            gw_ = g if w is None else g * w
            ds = (g * x if w is None else g * x * w).sum(axis=axes, keepdims=True)
            db = gw_.sum(axis=axes, keepdims=True)
            scale = 1.0 / math.prod(x.shape[a] for a in axes)
            bb = (db * mean - ds) * rstd * rstd * rstd * scale
            c = -bb * mean - db * rstd * scale
            gx = _narrow(rstd * g * w + bb * x + c if w is not None else
                         rstd * g + bb * x + c, dtype)
        if need[1]:
            gw = _narrow((g * (rstd * x + -rstd * mean)).sum(axis=param_axes), dtype)
        if need[2]:
            gb = _narrow(g.sum(axis=param_axes), dtype)
        return gx, gw, gb, None, None, None, None, None, None


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
    dz/dg[p] = c[p] · the upstream gradient's row idx[p] (a row lookup)

    The rows are added in index order in the dtype, float16 included, as torch does."""

    backward_name = "EmbeddingDenseBackwardBackward0"

    @staticmethod
    def forward(ctx, g, idx, wshape, padding_idx, by_freq):
        ctx.save_for_backward(idx)
        ctx.opts = (wshape, padding_idx, by_freq)
        flat = idx.reshape(-1)
        g2 = g.reshape(flat.size, wshape[1])
        half = g.dtype == np.float16
        if by_freq:
            # torch: g·(1/count), in float32 for float16
            counts = np.bincount(flat, minlength=wshape[0])
            g2 = (g2.astype(np.float32) if half else g2) * \
                (1.0 / counts[flat]).astype(np.float32 if half else g.dtype).reshape(-1, 1)
        gw = np.zeros(wshape, g.dtype)
        if half:
            # torch adds the rows one at a time in float16 (a row of 5000 ones sums to
            # 2048): np.add.at does the same, in index order
            np.add.at(gw, flat, g2)
        elif flat.size:
            # sum the rows of g2 that share an index: sort by index (stably: the order of
            # torch's adds), then one segmented sum
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
