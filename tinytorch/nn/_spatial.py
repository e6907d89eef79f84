"""nn.functional's padding, resampling and distance ops: pad, interpolate, unfold/fold,
pixel_shuffle/pixel_unshuffle, normalize, cosine_similarity, pairwise_distance.

Each checks its arguments as torch does and then composes primitives: pad's constant mode is
one ConstantPad; its other modes and every interpolate mode are one Resample per dim (a
gather of 1, 2 or 4 input positions per output position, weighted), with the index and
weight tables built here by torch's formulas (functions/resample.py); unfold/fold are the
Im2Col/Col2Im pair that conv2d uses; the rest are composites of tensor ops.

>>> pad(tinytorch.arange(3.).reshape(1, 3), (2, 1), mode="reflect")
tensor([[2., 1., 0., 1., 2., 1.]])
"""
import math
import numbers
import warnings

import numpy as np

from .. import _dtype
from ..functions import conv as C
from ..functions import resample as R
from .._api import array
from ..tensor import Tensor
from .pooling import adaptive_avg_pool2d

__all__ = ["pad", "interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "unfold",
           "fold", "pixel_shuffle", "pixel_unshuffle", "normalize", "cosine_similarity",
           "pairwise_distance"]

_TYPE_WORD = {"float16": "Half", "float32": "Float", "float64": "Double", "uint8": "Byte",
              "int8": "Char", "int16": "Short", "int32": "Int", "int64": "Long", "bool": "Bool"}


def _is_int(v):
    return isinstance(v, (numbers.Integral, np.integer)) and not isinstance(v, bool)


def _tensor(x, op, what="input"):
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument '{what}' (position 1) must be Tensor, not "
                        f"{type(x).__name__}")
    return x


def _word(arr):
    return _TYPE_WORD.get(arr.dtype.name, arr.dtype.name)


# --- pad --------------------------------------------------------------------------------

_NONCONST = ("Supported combinations for non-constant padding:\n"
             "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
             "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
             "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")


def _pad_index(n, a, b, mode):
    """Source positions along a dim of length n padded by (a, b) (negative: cropped)."""
    j = np.arange(-a, n + b)
    if mode == "reflect":
        j = np.abs(j)
        return np.where(j >= n, 2 * (n - 1) - j, j)
    if mode == "replicate":
        return np.clip(j, 0, n - 1)
    # circular, as torch: crop first, then wrap the cropped part around
    c0 = max(-a, 0)
    m = n - c0 - max(-b, 0)
    if n + a + b == 0:
        return np.zeros(0, np.int64)
    return c0 + np.arange(-max(a, 0), m + max(b, 0)) % m


def _check_nonconst(shape, pads, mode):
    k = len(pads)
    dims = shape[-k:]
    rest = shape[1:] if len(shape) == k + 2 else shape          # a batch may be empty
    if mode != "circular" and 0 in rest:
        raise RuntimeError(f"Expected {k + 1}D or {k + 2}D (batch mode) tensor with possibly 0 "
                           f"batch size and other non-zero dimensions for input, but got: "
                           f"{list(shape)}")
    outs = [n + a + b for n, (a, b) in zip(dims, pads)]
    if mode == "reflect":
        for i, (n, (a, b)) in enumerate(zip(dims, pads)):
            if a >= n or b >= n:
                raise RuntimeError(f"Argument #{2 + 2 * k}: Padding size should be less than "
                                   f"the corresponding input dimension, but got: padding ({a}, "
                                   f"{b}) at dimension {len(shape) - k + i} of input "
                                   f"{list(shape)}")
    if mode == "circular":
        for n, (a, b), o in zip(dims, pads, outs):
            m = n - max(-a, 0) - max(-b, 0)                  # what is left after cropping
            if a > n or b > n or (o > 0 and (max(a, 0) > m or max(b, 0) > m)):
                raise RuntimeError("Padding value causes wrapping around more than once.")
            if o < 0 or (o > 0 and m <= 0):
                raise RuntimeError("Negative padding value is resulting in an empty dimension")
    elif any(o < (1 if k == 1 else 0) for o in outs):   # torch lets 2-D/3-D pads reach 0
        if k > 1:
            raise RuntimeError(f"Trying to create tensor with negative dimension {min(outs)}")
        raise RuntimeError(f"input (W: {dims[0]}) is too small. Calculated output W: "
                           f"{outs[0]}")


def pad(input, pad, mode="constant", value=None):
    """Pad (negative: crop) the last len(pad)/2 dims: ``pad`` is (left, right) of the last
    dim, then of the one before, ...  Modes: constant (with ``value``, any number of dims),
    reflect, replicate and circular (1 to 3 dims, of a batched or unbatched input)."""
    _tensor(input, "pad")
    if not isinstance(pad, (tuple, list)) or not all(_is_int(p) for p in pad):
        raise TypeError(f"pad(): argument 'pad' (position 2) must be tuple of ints, not "
                        f"{type(pad).__name__}")
    shape = tuple(input.shape)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    k = len(pad) // 2
    if k > len(shape):
        raise RuntimeError(f"Padding length should be less than or equal to two times the "
                           f"input dimension but got padding length {len(pad)} and input of "
                           f"dimension {len(shape)}")
    # (before, after) for each padded dim, first dim first
    pairs = [(int(pad[2 * i]), int(pad[2 * i + 1])) for i in range(k)][::-1]
    if mode == "constant":
        full = [(0, 0)] * (len(shape) - k) + pairs
        for d, (n, (a, b)) in enumerate(zip(shape, full)):
            if n - max(-a, 0) - max(-b, 0) < 0:              # cropped past the end
                raise RuntimeError("narrow(): length must be non-negative.")
        return R.ConstantPad.apply(input, tuple(full), 0 if value is None else value)
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise RuntimeError(f"Padding mode \"{mode}\" doesn't take in value argument")
    if k > 3 or len(shape) not in (k + 1, k + 2):
        raise NotImplementedError(f"Padding size {len(pad)} is not supported for "
                                  f"{len(shape)}D input tensor.\n{_NONCONST}")
    _check_nonconst(shape, pairs, mode)
    out = input
    for i, (a, b) in enumerate(pairs):
        d = len(shape) - k + i
        idx = _pad_index(shape[d], a, b, mode)
        out = R.Resample.apply(out, d, idx[None], None)
    return out


# --- interpolate ------------------------------------------------------------------------
# Index and weight tables along one dim, by the formulas of torch's CPU kernels
# (aten/src/ATen/native/UpSample.h): positions and weights in float32 for float32/float16
# inputs (torch's opmath type), float64 for float64; nearest's always in float32.


_SPATIAL = {"linear": 3, "bilinear": 4, "bicubic": 4, "trilinear": 5}   # the input's ndim


def _inv_scale(n_in, n_out, scale, ft):
    """compute_scales_value: 1/scale_factor when one was given (and > 0), else in/out."""
    if scale is not None and scale > 0:
        return ft(1.0 / scale)
    return ft(n_in) / ft(n_out)


def _nearest_table(n_in, n_out, scale, exact, shortcut):
    """nearest_idx: exact copies for out = in and out = 2·in (torch's 2-D kernel takes these
    shortcuts whatever the scale factor; its 1-D and 3-D ones only for a given size)."""
    o = np.arange(n_out)
    if not exact and (scale is None or shortcut) and n_out == n_in:
        return o[None]
    if not exact and (scale is None or shortcut) and n_out == 2 * n_in:
        return (o >> 1)[None]
    s = _inv_scale(n_in, n_out, scale, np.float32)
    if exact:   # floorf((dst + 0.5)·scale): the product in double, rounded to float
        src = np.floor(((o + 0.5) * np.float64(s)).astype(np.float32))
    else:
        src = np.floor(o.astype(np.float32) * s)
    return np.minimum(src.astype(np.int64), n_in - 1)[None]


def _source_index(n_in, n_out, align_corners, scale, ft, cubic):
    """area_pixel_compute_scale + area_pixel_compute_source_index, in type ft."""
    o = np.arange(n_out).astype(ft)
    if align_corners:
        s = ft(n_in - 1) / ft(n_out - 1) if n_out > 1 else ft(0)
        return s * o
    s = _inv_scale(n_in, n_out, scale, ft)
    src = s * (o + ft(0.5)) - ft(0.5)
    return src if cubic else np.maximum(src, ft(0))


def _guard(real, n_in):
    """guard_index_and_lambda: the index (floorf of the position) and the fraction in [0, 1]."""
    i = np.minimum(np.floor(real.astype(np.float32)).astype(np.int64), n_in - 1)
    return i, np.clip(real - i, 0, 1).astype(real.dtype)


def _linear_table(n_in, n_out, align_corners, scale, ft, dtype):
    if n_in == n_out:                   # torch copies: weights 1 and 0 on the same index
        i0 = np.arange(n_out)
        lam = np.zeros(n_out, dtype)
        return np.stack([i0, i0]), np.stack([1 - lam, lam])
    i0, lam = _guard(_source_index(n_in, n_out, align_corners, scale, ft, False), n_in)
    i1 = i0 + (i0 < n_in - 1)
    lam = lam.astype(dtype)
    return np.stack([i0, i1]), np.stack([np.asarray(1, dtype) - lam, lam])


def _cubic_table(n_in, n_out, align_corners, scale, ft, dtype):
    i, t = _guard(_source_index(n_in, n_out, align_corners, scale, ft, True), n_in)
    a = ft(-0.75)

    def conv1(x):               # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def conv2(x):               # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    w = np.stack([conv2(t + 1), conv1(t), conv1(1 - t), conv2(2 - t)]).astype(dtype)
    idx = np.stack([np.clip(i - 1 + j, 0, n_in - 1) for j in range(4)])
    return idx, w


def _aa_table(n_in, n_out, align_corners, scale, cubic, dtype):
    """antialias=True: each output averages its window of the input, the window widened by
    the scale when shrinking (triangle filter for bilinear, Keys cubic a = -0.5 for bicubic),
    weights normalised to sum 1; index -1 pads the shorter windows."""
    if align_corners:
        s = (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    else:
        s = 1.0 / scale if scale is not None and scale > 0 else n_in / n_out
    support = (2.0 if cubic else 1.0) * (s if s >= 1.0 else 1.0)
    inv = 1.0 / s if s >= 1.0 else 1.0
    center = s * (np.arange(n_out) + 0.5)
    lo = np.maximum((center - support + 0.5).astype(np.int64), 0)
    hi = np.minimum((center + support + 0.5).astype(np.int64), n_in)
    pos = lo[:, None] + np.arange(max(int((hi - lo).max()), 1))
    valid = pos < hi[:, None]
    x = np.abs((pos - center[:, None] + 0.5) * inv)
    if cubic:
        a = -0.5
        w = np.where(x < 1, ((a + 2) * x - (a + 3)) * x * x + 1,
                     np.where(x < 2, ((a * x - 5 * a) * x + 8 * a) * x - 4 * a, 0.0))
    else:
        w = np.maximum(0.0, 1.0 - x)
    w = np.where(valid, w, 0.0)
    total = w.sum(1, keepdims=True)
    w = np.where(total != 0, w / np.where(total != 0, total, 1), w)
    return np.where(valid, pos, -1).T, w.T.astype(dtype)


def _is_seq(v):
    return isinstance(v, (tuple, list))


def _interp_sizes(input, size, scale_factor, recompute_scale_factor, dim):
    """(output sizes, the scale factors the kernel sees: None or one per dim)."""
    spatial = list(input.shape[2:])
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if _is_seq(size):
            if len(size) != dim:
                raise ValueError(
                    "Input and output must have the same number of spatial dimensions, but "
                    f"got input with spatial dimensions of {spatial} and output size of "
                    f"{size}. Please provide input tensor in (N, C, d1, d2, ...,dK) format "
                    "and output size in (o1, o2, ...,oK) format.")
            if not all(_is_int(s) for s in size):
                raise TypeError("expected size to be one of int or Tuple[int] or Tuple[int, "
                                "int] or Tuple[int, int, int], but got size with types "
                                f"{[type(s) for s in size]}")
            out = [int(s) for s in size]
        else:
            if not _is_int(size):
                raise TypeError(f"interpolate(): argument 'size' must be tuple of ints, but "
                                f"found element of type {type(size).__name__}")
            out = [int(size)] * dim
        if recompute_scale_factor:
            raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
        return out, None
    if scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    if _is_seq(scale_factor):
        if len(scale_factor) != dim:
            raise ValueError(
                "Input and scale_factor must have the same number of spatial dimensions, but "
                f"got input with spatial dimensions of {spatial} and scale_factor of shape "
                f"{scale_factor}. Please provide input tensor in (N, C, d1, d2, ...,dK) "
                "format and scale_factor in (s1, s2, ...,sK) format.")
        scales = [float(s) for s in scale_factor]
    else:
        scales = [float(scale_factor)] * dim
    out = [math.floor(n * s) for n, s in zip(spatial, scales)]
    if recompute_scale_factor:
        return [int(n * s) for n, s in zip(spatial, scales)], None
    return out, scales


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize the spatial dims (all after the first two) to ``size`` or by ``scale_factor``:
    nearest and nearest-exact (3-D to 5-D input), linear (3-D), bilinear and bicubic (4-D),
    trilinear (5-D), with torch's source positions and weights; area (3-D, 4-D) is adaptive
    average pooling.  ``antialias`` (bilinear, bicubic) averages over the whole footprint of
    each output pixel when shrinking, as torch and PIL do."""
    _tensor(input, "interpolate")
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating "
                             "modes: linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    ndim = input.dim()
    dim = ndim - 2
    out_sizes, scales = _interp_sizes(input, size, scale_factor, recompute_scale_factor, dim)
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and ndim == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos "
                         "modes and requires a 4-D tensor as input")
    if mode == "area" and ndim in (3, 4):       # torch: adaptive average pooling
        if scales is not None:                  # (which recomputes the scale factor)
            out_sizes = [int(n * f) for n, f in zip(input.shape[2:], scales)]
        if ndim == 4:
            return adaptive_avg_pool2d(input, out_sizes)
        return adaptive_avg_pool2d(input.unsqueeze(-2), (1, out_sizes[0])).squeeze(-2)
    want = _SPATIAL.get(mode)
    if mode not in ("nearest", "nearest-exact") + tuple(_SPATIAL) or ndim not in (3, 4, 5) \
            or (want is not None and ndim != want):
        if mode in _SPATIAL and ndim in (3, 4, 5):
            need = {3: "3D", 4: "4D", 5: "5D"}[want]
            raise NotImplementedError(f"Got {ndim}D input, but {mode} mode needs {need} input")
        if mode in ("area", "lanczos") and ndim in (3, 4, 5):
            raise NotImplementedError(f"interpolate: mode={mode!r} is not implemented in "
                                      "tinytorch")
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {ndim}D) for the "
            "modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | "
            f"nearest-exact (got {mode})")
    x = array(input)
    names = "DHW"[-dim:]
    spatial = x.shape[2:]
    if any(n <= 0 for n in spatial) or any(o <= 0 for o in out_sizes):
        ins = ", ".join(f"{c}: {n}" for c, n in zip(names, spatial))
        outs = ", ".join(f"{c}: {o}" for c, o in zip(names, out_sizes))
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input "
                           f"({ins}) and output ({outs})")
    if x.shape[1] == 0:
        raise RuntimeError(f"Non-empty {ndim}D data tensor expected but got a tensor with "
                           f"sizes {list(x.shape)}")
    if mode.startswith("nearest"):
        kernel = "compute_indices_weights_nearest"
        ok = x.dtype.kind == "f" or x.dtype == np.uint8
    else:
        kernel = "compute_indices_weights_" + ("cubic" if mode == "bicubic" else "linear")
        ok = x.dtype.kind == "f"
    if antialias and x.dtype == np.float16:
        raise NotImplementedError("\"compute_index_ranges_weights\" not implemented for 'Half'")
    if not ok and x.dtype == np.uint8 and mode in ("bilinear", "bicubic"):
        # torch has a fixed-point uint8 kernel for these, rounding after each pass
        raise NotImplementedError(f"interpolate: uint8 input with mode={mode!r} is not "
                                  "implemented in tinytorch")
    if not ok:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_word(x)}'")
    ft = np.float64 if x.dtype == np.float64 else np.float32
    out = input
    # the outer dims first, as torch nests its taps (H's weights multiply W's sums)
    for i in reversed(range(dim)):
        n_in, n_out = spatial[i], out_sizes[i]
        s = None if scales is None else scales[i]
        if antialias and n_in == n_out:         # torch skips that pass
            continue
        if antialias:
            idx, w = _aa_table(n_in, n_out, align_corners, s, mode == "bicubic", x.dtype)
        elif mode.startswith("nearest"):
            idx, w = _nearest_table(n_in, n_out, s, mode == "nearest-exact", ndim == 4), None
        elif mode == "bicubic":
            idx, w = _cubic_table(n_in, n_out, align_corners, s, ft, x.dtype)
        else:
            idx, w = _linear_table(n_in, n_out, align_corners, s, ft, x.dtype)
        out = R.Resample.apply(out, 2 + i, idx, w)
    return out


def _deprecated(name):
    warnings.warn(f"`nn.functional.{name}` is deprecated. Use `nn.functional.interpolate` "
                  "instead.", stacklevel=3)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """interpolate, under its deprecated name (warns, as torch)."""
    _deprecated("upsample")
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """interpolate(mode='nearest'), deprecated (warns, as torch)."""
    _deprecated("upsample_nearest")
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """interpolate(mode='bilinear', align_corners=True), deprecated (warns, as torch)."""
    _deprecated("upsample_bilinear")
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# --- unfold / fold ----------------------------------------------------------------------

def _ints2(value, name, op):
    if _is_int(value):
        return (int(value),) * 2
    if _is_seq(value) and all(_is_int(v) for v in value) and len(value) in (1, 2):
        return (int(value[0]), int(value[-1]))
    raise TypeError(f"{op}(): argument '{name}' must be tuple of ints, but got "
                    f"{type(value).__name__}")


def _blocks(hw, kernel, dilation, padding, stride, op):
    for name, v, low in (("kernel", kernel, 1), ("dilation", dilation, 1),
                         ("stride", stride, 1), ("padding", padding, 0)):
        if min(v) < low:
            what = "non-negative" if low == 0 else "greater than zero"
            raise RuntimeError(f"{name} should be {what}, but got {name}_height: {v[0]} "
                               f"{name}_width: {v[1]}")
    return tuple((n + 2 * p - (d * (k - 1) + 1)) // s + 1
                 for n, k, d, p, s in zip(hw, kernel, dilation, padding, stride))


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """im2col: the kh×kw sliding blocks of a (N, C, H, W) or (C, H, W) input as columns,
    shape (N, C·kh·kw, L) with L the number of blocks."""
    op = "unfold"
    _tensor(input, op)
    k, d = _ints2(kernel_size, "kernel_size", op), _ints2(dilation, "dilation", op)
    p, s = _ints2(padding, "padding", op), _ints2(stride, "stride", op)
    x = array(input)
    if x.ndim == 0:
        raise IndexError("Dimension specified as 1 but tensor has no dimensions")
    if x.ndim < 3:                         # torch reads the size of dim ndim - 2 first
        raise IndexError(f"Dimension out of range (expected to be in range of [{-x.ndim}, "
                         f"{x.ndim - 1}], but got {x.ndim})")
    if x.ndim > 4 or 0 in x.shape[1:]:
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with possibly 0 batch size "
                           f"and other non-zero dimensions for input, but got: {list(x.shape)}")
    if x.dtype.kind != "f":
        raise NotImplementedError(f"\"im2col_out_cpu\" not implemented for '{_word(x)}'")
    batched = input if x.ndim == 4 else input.unsqueeze(0)
    hw = batched.shape[2:]
    out_hw = _blocks(hw, k, d, p, s, op)
    if min(out_hw) < 1:
        raise RuntimeError(f"Given input with spatial size {tuple(hw)}, kernel_size={k}, "
                           f"dilation={d}, padding={p}, calculated shape of the array of "
                           f"sliding blocks as {out_hw}, but its components must be at least "
                           "one.")
    n, c = batched.shape[:2]
    cols = C.Im2Col.apply(batched, k, s, (p[0], p[0], p[1], p[1]), d, out_hw)
    cols = cols.reshape(n, c * k[0] * k[1], out_hw[0] * out_hw[1])
    return cols if x.ndim == 4 else cols.squeeze(0)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """col2im, unfold's adjoint: sum the columns of (N, C·kh·kw, L) or (C·kh·kw, L) back
    into an image of ``output_size`` (overlapping blocks add up)."""
    op = "fold"
    _tensor(input, op)
    size = _ints2(output_size, "output_size", op)
    k, d = _ints2(kernel_size, "kernel_size", op), _ints2(dilation, "dilation", op)
    p, s = _ints2(padding, "padding", op), _ints2(stride, "stride", op)
    x = array(input)
    if x.ndim not in (2, 3) or (x.ndim == 3 and 0 in x.shape[1:]) or \
            (x.ndim == 2 and 0 in x.shape):
        raise RuntimeError(f"Expected 2D or 3D (batch mode) tensor for input with possibly 0 "
                           f"batch size and non-zero dimensions for input, but got: "
                           f"{list(x.shape)}")
    if x.dtype.kind != "f":
        raise NotImplementedError(f"\"col2im_out_cpu\" not implemented for '{_word(x)}'")
    batched = input if x.ndim == 3 else input.unsqueeze(0)
    n, ckk, L = batched.shape
    if ckk % (k[0] * k[1]):
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the "
                           f"product of kernel_size, but got input.size(1)={ckk} and "
                           f"kernel_size={k}.")
    out_hw = _blocks(size, k, d, p, s, op)
    if L != out_hw[0] * out_hw[1]:
        raise RuntimeError(f"Given output_size={size}, kernel_size={k}, dilation={d}, "
                           f"padding={p}, stride={s}, expected size of input's dimension 2 to "
                           f"match the calculated number of sliding blocks {out_hw[0]} * "
                           f"{out_hw[1]} = {out_hw[0] * out_hw[1]}, but got input.size(2)={L}.")
    c = ckk // (k[0] * k[1])
    cols = batched.reshape(n, c, k[0], k[1], out_hw[0], out_hw[1])
    with np.errstate(invalid="ignore", over="ignore"):      # inf + -inf is NaN, as in torch
        out = C.Col2Im.apply(cols, (n, c) + size, k, s, (p[0], p[0], p[1], p[1]), d, out_hw)
    return out if x.ndim == 3 else out.squeeze(0)


# --- pixel_shuffle ----------------------------------------------------------------------

def _factor(r, op, what):
    if not _is_int(r):
        raise TypeError(f"{op}(): argument '{what}' (position 2) must be int, not "
                        f"{type(r).__name__}")
    if r <= 0:
        raise RuntimeError(f"{op} expects a positive {what}, but got {r}")
    return int(r)


def pixel_shuffle(input, upscale_factor):
    """(*, C·r², H, W) -> (*, C, H·r, W·r): each group of r² channels becomes an r×r block."""
    op = "pixel_shuffle"
    _tensor(input, op)
    r = _factor(upscale_factor, op, "upscale_factor")
    if input.dim() < 3:
        raise RuntimeError(f"{op} expects input to have at least 3 dimensions, but got input "
                           f"with {input.dim()} dimension(s)")
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(f"{op} expects its input's 'channel' dimension to be divisible by "
                           f"the square of upscale_factor, but input.size(-3)={c} is not "
                           f"divisible by {r * r}")
    b = len(lead)
    t = input.reshape(*lead, c // (r * r), r, r, h, w)
    t = t.permute(*range(b), b, b + 3, b + 1, b + 4, b + 2)
    return t.reshape(*lead, c // (r * r), h * r, w * r)


def pixel_unshuffle(input, downscale_factor):
    """(*, C, H·r, W·r) -> (*, C·r², H, W): pixel_shuffle's inverse."""
    op = "pixel_unshuffle"
    _tensor(input, op)
    r = _factor(downscale_factor, op, "downscale_factor")
    if input.dim() < 3:
        raise RuntimeError(f"{op} expects input to have at least 3 dimensions, but got input "
                           f"with {input.dim()} dimension(s)")
    *lead, c, h, w = input.shape
    for name, n, d in (("height", h, -2), ("width", w, -1)):
        if n % r:
            raise RuntimeError(f"{op} expects {name} to be divisible by downscale_factor, but "
                               f"input.size({d})={n} is not divisible by {r}")
    b = len(lead)
    t = input.reshape(*lead, c, h // r, r, w // r, r)
    t = t.permute(*range(b), b, b + 2, b + 4, b + 1, b + 3)
    return t.reshape(*lead, c * r * r, h // r, w // r)


# --- norms and distances ----------------------------------------------------------------

def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """x / max(‖x‖_p, eps), the norm taken along ``dim`` (int or tuple)."""
    _tensor(input, "normalize")
    if out is not None:
        raise NotImplementedError("normalize: out= is not supported in tinytorch")
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps)
    return input / denom.expand_as(input)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Σ (x1 / max(‖x1‖, eps))·(x2 / max(‖x2‖, eps)) along ``dim``, x1 and x2 broadcast
    together.  As in torch, the gradient flows through the unclamped norms."""
    _tensor(x1, "cosine_similarity", "x1")
    _tensor(x2, "cosine_similarity", "x2")
    from .. import broadcast_tensors
    common = _dtype.result_type(array(x1), array(x2))
    if common.kind != "f":
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is "
                           f"{_TYPE_WORD.get(common.name, common.name)}")
    common = _dtype.FROM_NP[common]
    a, b = broadcast_tensors(x1.to(common), x2.to(common))
    na = R.ClampMinKeepGrad.apply(a.norm(2, dim, keepdim=True), eps)
    nb = R.ClampMinKeepGrad.apply(b.norm(2, dim, keepdim=True), eps)
    return ((a / na) * (b / nb)).sum(dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """‖x1 - x2 + eps‖_p along the last dim (along dim 0 when both inputs are 1-D at most
    and one is 1-D)."""
    _tensor(x1, "pairwise_distance", "x1")
    _tensor(x2, "pairwise_distance", "x2")
    out_dim = max(x1.dim(), x2.dim())
    return (x1 - x2 + eps).norm(p, 0 if out_dim == 1 else -1, keepdim)
