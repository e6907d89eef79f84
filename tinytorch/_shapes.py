"""Shape ops with torch's names: triangles, flips, rolls, diagonals, stacks, splits, views.

The module's functions call primitives from functions/; __all__ lists those exported
as tinytorch.<name> and METHODS the Tensor methods (name -> function taking the
tensor first), which tensor.py adds to its method table.

Views: diagonal, narrow, movedim/moveaxis, broadcast_to, broadcast_tensors, meshgrid,
atleast_*d, tensor_split and view(dtype) share memory with their input (as in torch);
unfold returns a copy (torch: a view), since its windows overlap.
"""
import builtins
import warnings

import numpy as np

from . import _dtype
from ._device import check_device
from ._checks import (TORCH_TYPE, check_view, dim_arg, infer_shape, is_int, not_implemented,
                      shape_args, tensor_list)
from ._inplace import inplace, view_of
from ._ops import cat, transpose
from .autograd.function import TensorBase, _make
from .functions import shape as S

__all__ = ["tril", "triu", "tril_indices", "triu_indices", "flip", "fliplr", "flipud", "roll",
           "rot90", "repeat_interleave", "diag", "diagonal", "diag_embed", "diagflat",
           "meshgrid", "narrow", "movedim", "moveaxis", "swapdims", "tile", "broadcast_to",
           "broadcast_tensors", "atleast_1d", "atleast_2d", "atleast_3d", "hstack", "vstack",
           "dstack", "column_stack", "tensor_split", "unflatten"]


def _int(x, what="value"):
    """An int argument that may come as a 0-d / one-element tensor."""
    if isinstance(x, TensorBase):
        x = x.item()
    if not is_int(x):
        raise TypeError(f"{what} must be an int, got {type(x).__name__}")
    return builtins.int(x)


def _int_list(x, what="dims"):
    """An int or a sequence of ints, as a tuple."""
    if isinstance(x, (tuple, list)):
        return tuple(_int(v, what) for v in x)
    return (_int(x, what),)


# --- triangles -----------------------------------------------------------------------

def _check_matrix_like(t, op):
    if t._data.ndim < 2:
        raise RuntimeError(f"{op}: input tensor must have at least 2 dimensions")


def tril(input, diagonal=0):
    """The lower triangle (on and below diagonal ``diagonal``) of the last two dims."""
    _check_matrix_like(input, "tril")
    return S.Tril.apply(input, _int(diagonal, "diagonal"))


def triu(input, diagonal=0):
    """The upper triangle (on and above diagonal ``diagonal``) of the last two dims."""
    _check_matrix_like(input, "triu")
    return S.Triu.apply(input, _int(diagonal, "diagonal"))


def tril_(self, diagonal=0):
    return inplace(self, lambda: tril(self, diagonal), "tril_")


def triu_(self, diagonal=0):
    return inplace(self, lambda: triu(self, diagonal), "triu_")


def _tri_indices(row, col, offset, dtype, np_fn, op):
    npd = _dtype.to_dtype(dtype).np
    if npd.kind not in "iu":
        raise not_implemented(op, npd)
    for name, v in (("row", row), ("col", col)):
        if v < 0:
            raise RuntimeError(f"{name} must be non-negative, got{v}")
    rows, cols = np_fn(row, offset, col)
    return _make(np.stack([rows, cols]).astype(npd).reshape(2, -1))


def tril_indices(row, col, offset=0, *, dtype=_dtype.int64, device=None, layout=None):
    """The (2, N) coordinates of the lower triangle of a row x col matrix."""
    check_device(device, "tril_indices")
    return _tri_indices(_int(row), _int(col), _int(offset), dtype, np.tril_indices,
                        "tril_indices")


def triu_indices(row, col, offset=0, *, dtype=_dtype.int64, device=None, layout=None):
    """The (2, N) coordinates of the upper triangle of a row x col matrix."""
    check_device(device, "triu_indices")
    return _tri_indices(_int(row), _int(col), _int(offset), dtype, np.triu_indices,
                        "triu_indices")


# --- flips and rolls -----------------------------------------------------------------

def _dims_unique(dims, ndim, op):
    out = tuple(dim_arg(d, ndim, op) for d in dims)
    for i, d in enumerate(out):
        if d in out[:i]:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return out


def flip(input, *dims):
    """``input`` reversed along ``dims`` (a copy, as in torch)."""
    if len(dims) == 1:
        dims = dims[0]
    dims = _dims_unique(_int_list(dims), input._data.ndim, "flip")
    if input._data.ndim == 0:
        dims = ()
    return S.Flip.apply(input, dims)


def fliplr(input):
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, 1)


def flipud(input):
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, 0)


def roll(input, shifts, dims=None):
    """``input`` rolled by ``shifts`` along ``dims``; without dims, rolled flattened."""
    shifts = _int_list(shifts, "shifts")
    n = input._data.ndim
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                               "dims:0")
        return S.Roll.apply(input, shifts[0], None)
    dims = _int_list(dims)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                           f"dims:{len(dims)}")
    dims = tuple(dim_arg(d, n, "roll") for d in dims)
    return S.Roll.apply(input, shifts, dims)


def rot90(input, k=1, dims=(0, 1)):
    """``input`` turned k quarter turns in the plane of ``dims`` (from dims[0] to dims[1])."""
    dims = _int_list(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    n = input._data.ndim
    if n < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {n}")
    d0, d1 = (dim_arg(d, n, "rot90") for d in dims)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = "
                           f"{dims[0]} and dim1 = {dims[1]}")
    k = _int(k, "k") % 4
    if k == 1:
        return transpose(flip(input, d1), d0, d1)
    if k == 2:
        return flip(input, (d0, d1))
    if k == 3:
        return transpose(flip(input, d0), d0, d1)
    return input.clone()


# --- repeats, windows, tiles ---------------------------------------------------------

def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Each element (each slice along ``dim``) repeated ``repeats`` times in a row; without
    ``dim`` the input is flattened first.  ``repeat_interleave(r)`` alone gives the indices
    0..len(r)-1, each repeated r[i] times."""
    if repeats is None:
        r = input._data
        if r.ndim > 1 or r.dtype.kind not in "iu":
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        if (r < 0).any():
            raise RuntimeError("repeats can not be negative")
        return _make(np.repeat(np.arange(r.size), r.reshape(-1)).astype(r.dtype))
    x = input
    if dim is None:
        x, d = input.flatten(), 0
    else:
        d = dim_arg(dim, input._data.ndim, "repeat_interleave")
        if x._data.ndim == 0:
            x = x.reshape(1)
    n = x._data.shape[d]
    if isinstance(repeats, TensorBase):
        r = repeats._data
        if r.ndim > 1 or r.dtype.kind not in "iu":
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        if r.size == 1:
            r = r.reshape(())
        elif r.size != n:
            raise RuntimeError("repeats must have the same size as input along dim, but got "
                               f"repeats.size(0) = {r.size} and input.size(0) = {n}")
        if (r < 0).any():
            raise RuntimeError("repeats can not be negative")
    else:
        r = _int(repeats, "repeats")
        if r < 0:
            raise RuntimeError("Repeats must be non-negative")
    idx = _make(np.repeat(np.arange(n, dtype=np.int64), r))
    return x[(slice(None),) * d + (idx,)]


def unfold(self, dimension, size, step):
    """The windows of ``size`` elements along ``dimension``, ``step`` apart, as a new last
    dim (a copy; torch returns a view)."""
    size, step = _int(size, "size"), _int(step, "step")
    x = self if self._data.ndim else self.reshape(1)
    d = dim_arg(dimension, self._data.ndim, "unfold")
    n = x._data.shape[d]
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is "
                           f"{size}")
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    out = S.Unfold.apply(x, d, size, step)
    return out if self._data.ndim else out.reshape(out._data.shape[1:])


def tile(input, *dims):
    """``input`` repeated ``dims[i]`` times along dim i (missing leading dims count as 1)."""
    dims = shape_args(dims, "tile")
    n = input._data.ndim
    if len(dims) < n:
        dims = (1,) * (n - len(dims)) + dims
    return input.repeat(dims)


# --- diagonals -----------------------------------------------------------------------

def diagonal(input, offset=0, dim1=0, dim2=1):
    """A view of the diagonal ``offset`` between dims dim1 and dim2, as a new last dim."""
    n = input._data.ndim
    d1, d2 = dim_arg(dim1, n, "diagonal"), dim_arg(dim2, n, "diagonal")
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    offset = _int(offset, "offset")
    return view_of(input, S.Diagonal.apply(input, offset, d1, d2),
                   lambda a: S.diagonal_view(a, offset, d1, d2))


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """A tensor with ``input``'s last dim on the diagonal ``offset`` of dims dim1, dim2
    (two new dims) and zeros elsewhere."""
    n = input._data.ndim + 1
    d1, d2 = dim_arg(dim1, n, "diag_embed"), dim_arg(dim2, n, "diag_embed")
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    offset = _int(offset, "offset")
    shape = input._data.shape
    size = (shape[-1] if shape else 1) + abs(offset)
    rest = iter(shape[:-1])
    out = tuple(size if i in (d1, d2) else next(rest) for i in range(n))
    x = input if shape else input.reshape(1)
    return S.DiagonalScatter.apply(x, out, offset, d1, d2)


def diag(input, diagonal=0):
    """1-D: the square matrix with ``input`` on diagonal ``diagonal``; 2-D: that diagonal
    (a copy)."""
    n = input._data.ndim
    diagonal = _int(diagonal, "diagonal")
    if n == 1:
        size = input._data.shape[0] + abs(diagonal)
        return S.DiagonalScatter.apply(input, (size, size), diagonal, 0, 1)
    if n == 2:
        return S.Diagonal.apply(input, diagonal, 0, 1).clone()
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {n}D")


def diagflat(input, offset=0):
    """The square matrix with ``input``'s elements (flattened) on diagonal ``offset``."""
    return diag(input.flatten(), offset)


# --- grids, broadcasting, moving dims -----------------------------------------------

def _tensor_args(tensors, op):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tensors[0]
    return tensor_list(tensors, op)


def meshgrid(*tensors, indexing=None):
    """Coordinate grids from 0-d/1-d tensors: views, each of the full grid's shape."""
    tensors = _tensor_args(tensors, "meshgrid")
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass "
                      "the indexing argument.", UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError('torch.meshgrid: indexing must be one of "xy" or "ij", but '
                           f"received: {indexing}")
    for t in tensors:
        if t._data.ndim > 1:
            raise RuntimeError("torch.meshgrid: Expected 0D or 1D tensor in the tensor list "
                               f"but got: {t}")
        if t._data.dtype != tensors[0]._data.dtype:
            raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    sizes = [t._data.size for t in tensors]
    pos = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) >= 2:
        pos[0], pos[1] = 1, 0
    shape = [0] * len(tensors)
    for p, s in zip(pos, sizes):
        shape[p] = s
    outs = []
    for t, p in zip(tensors, pos):
        one = [1] * len(tensors)
        one[p] = -1
        outs.append(t.reshape(one).expand(shape))
    return tuple(outs)


def broadcast_to(input, size):
    """A view of ``input`` broadcast to ``size`` (``expand``)."""
    return input.expand(size)


def broadcast_tensors(*tensors):
    """Views of the tensors, all broadcast to their common shape."""
    tensors = _tensor_args(tensors, "broadcast_tensors")
    shape = ()
    for t in tensors:
        b = t._data.shape
        n = max(len(shape), len(b))
        sa, sb = (1,) * (n - len(shape)) + shape, (1,) * (n - len(b)) + b
        for i in range(n - 1, -1, -1):
            if sa[i] != sb[i] and 1 not in (sa[i], sb[i]):
                raise RuntimeError(f"The size of tensor a ({sa[i]}) must match the size of "
                                   f"tensor b ({sb[i]}) at non-singleton dimension {i}")
        shape = tuple(np.broadcast_shapes(shape, b))
    return tuple(t.expand(shape) for t in tensors)


def _moved_perm(source, destination, n):
    src, dst = _int_list(source), _int_list(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source "
                           f"({list(src)} dims) should contain the same number of dims as "
                           f"destination ({list(dst)} dims)")
    s = [dim_arg(d, n, "movedim") for d in src]
    d = [dim_arg(v, n, "movedim") for v in dst]
    for name, given, norm in (("source", src, s), ("destination", dst, d)):
        if len(set(norm)) != len(norm):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({list(given)})")
    order = [i for i in range(n) if i not in s]
    for dest, orig in sorted(zip(d, s)):
        order.insert(dest, orig)
    return tuple(order)


def movedim(input, source, destination):
    """A view of ``input`` with dims ``source`` moved to ``destination``."""
    n = input._data.ndim
    if n == 0:
        _moved_perm(source, destination, 0)  # checks the dims
        return input.view(())
    return input.permute(_moved_perm(source, destination, n))


moveaxis = movedim


def swapdims(input, dim0, dim1):
    return transpose(input, dim0, dim1)


def unflatten(input, dim, sizes):
    return input.unflatten(dim, sizes)


def narrow(input, dim, start, length):
    """A view of ``input``: ``length`` elements from ``start`` along ``dim``."""
    n_dims = input._data.ndim
    if n_dims == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = dim_arg(dim, n_dims, "narrow")
    start, length = _int(start, "start"), _int(length, "length")
    n = input._data.shape[d]
    if not -n <= start <= n:
        raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but "
                         f"got {start})")
    if start < 0:
        start += n
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size "
                           f"({n}).")
    return input[(slice(None),) * d + (slice(start, start + length),)]


# --- at least n dims, stacking, splitting ---------------------------------------------

def _atleast(tensors, n, shape_of):
    single = len(tensors) == 1 and isinstance(tensors[0], TensorBase)
    tensors = _tensor_args(tensors, f"atleast_{n}d")
    outs = tuple(t if t._data.ndim >= n else t.reshape(shape_of(t._data.shape))
                 for t in tensors)
    return outs[0] if single else outs


def atleast_1d(*tensors):
    return _atleast(tensors, 1, lambda s: (1,))


def atleast_2d(*tensors):
    return _atleast(tensors, 2, lambda s: (1,) * (2 - len(s)) + s)


def atleast_3d(*tensors):
    return _atleast(tensors, 3, lambda s: {0: (1, 1, 1), 1: (1,) + s + (1,),
                                           2: s + (1,)}[len(s)])


def _nonempty(tensors, op):
    tensors = tensor_list(tensors, op)
    if not tensors:
        raise RuntimeError(f"{op} expects a non-empty TensorList")
    return tensors


def hstack(tensors):
    ts = atleast_1d(_nonempty(tensors, "hstack"))
    return cat(ts, 0 if ts[0]._data.ndim == 1 else 1)


def vstack(tensors):
    return cat(atleast_2d(_nonempty(tensors, "vstack")), 0)


def dstack(tensors):
    return cat(atleast_3d(_nonempty(tensors, "dstack")), 2)


def column_stack(tensors):
    ts = _nonempty(tensors, "column_stack")
    return cat([t.reshape(t._data.size, 1) if t._data.ndim <= 1 else t for t in ts], 1)


def tensor_split(input, indices_or_sections, dim=0):
    """Views of ``input`` split along ``dim`` into n nearly equal pieces (an int), or at the
    given indices (a sequence)."""
    if input._data.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a "
                           "tensor with 0 dims")
    d = dim_arg(dim, input._data.ndim, "tensor_split")
    n = input._data.shape[d]
    spec = indices_or_sections
    if isinstance(spec, TensorBase):
        if spec._data.dtype != np.int64:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to have "
                               f"dtype of long, but got {TORCH_TYPE[spec._data.dtype.name]}")
        if spec._data.ndim > 1:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to be a "
                               "zero-dimensional or one-dimensional tensor, but got a tensor "
                               f"with {spec._data.ndim} dims")
        spec = spec._data.item() if spec._data.ndim == 0 else spec._data.tolist()
    if isinstance(spec, (list, tuple)):
        bounds = [0] + [_int(i, "indices") for i in spec] + [n]
        bounds = [min(max(b + n if b < 0 else b, 0), n) for b in bounds]
    else:
        sections = _int(spec, "sections")
        if sections <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {sections}")
        q, r = divmod(n, sections)
        bounds = [0]
        for i in range(sections):
            bounds.append(bounds[-1] + q + (i < r))
    head = (slice(None),) * d
    return tuple(input[head + (slice(a, max(a, b)),)]
                 for a, b in zip(bounds, bounds[1:]))


# --- view(dtype) -------------------------------------------------------------------

def _storage_offset(a):
    """How many bytes into the memory it was cut from the array ``a`` starts."""
    root = a
    while isinstance(root.base, np.ndarray):
        root = root.base
    return a.__array_interface__["data"][0] - root.__array_interface__["data"][0]


def _view_as_dtype(self, dt):
    """``self``'s bytes read as ``dt`` (torch's rules when the element size changes: the last
    dim is scaled); never differentiable, shares memory and version counter."""
    a = self._data
    new = _dtype.to_dtype(dt)
    npd = new.np
    old, size = a.dtype.itemsize, npd.itemsize
    if old != size:
        names = f"{TORCH_TYPE[a.dtype.name]} as {TORCH_TYPE[npd.name]}"
        why = f"to view {names} (different element sizes)"
        if a.ndim == 0:
            raise RuntimeError(f"self.dim() cannot be 0 {why}")
        if a.size == 0:  # no memory to share; the last dim scales by the size ratio
            last = a.shape[-1] * old // size
            if last * size != a.shape[-1] * old:
                raise RuntimeError(f"self.size(-1) must be divisible by {size // old} {why}, "
                                   f"but got {a.shape[-1]}")
            return view_of(self, _make(np.empty(a.shape[:-1] + (last,), npd)))
        if a.shape[-1] != 1 and a.strides[-1] != old:
            raise RuntimeError(f"self.stride(-1) must be 1 {why}, but got "
                               f"{a.strides[-1] // old}")
        ratio = max(size, old) // min(size, old)
        if size > old:
            if a.shape[-1] % ratio:
                raise RuntimeError(f"self.size(-1) must be divisible by {ratio} {why}, but got "
                                   f"{a.shape[-1]}")
            offset = _storage_offset(a) // old
            if offset % ratio:
                raise RuntimeError(f"self.storage_offset() must be divisible by {ratio} {why},"
                                   f" but got {offset}")
            for k, st in enumerate(a.strides[:-1]):
                if (st // old) % ratio:
                    raise RuntimeError(f"self.stride({k}) must be divisible by {ratio} {why}, "
                                       f"but got {st // old}")
        if a.strides[-1] != old:  # a last dim of size 1: its stride means nothing
            a = np.lib.stride_tricks.as_strided(a, a.shape, a.strides[:-1] + (old,),
                                                writeable=a.flags.writeable)
    return view_of(self, _make(a.view(npd)))


def view(self, *shape, dtype=None):
    """``view(*shape)``: the same elements with a new shape, sharing memory;
    ``view(dtype)``: the same bytes read as another dtype."""
    if dtype is None and len(shape) == 1 and isinstance(shape[0], _dtype.dtype):
        dtype, shape = shape[0], ()
    if dtype is not None:
        if shape:
            raise TypeError("view() received an invalid combination of arguments")
        return _view_as_dtype(self, dtype)
    shape = infer_shape(shape_args(shape, "view"), self._data.size)
    check_view(self._data, shape)
    return view_of(self, S.Reshape.apply(self, shape), lambda a: a.reshape(shape))


METHODS = {
    "view": view,
    "tril": tril, "triu": triu, "tril_": tril_, "triu_": triu_, "flip": flip,
    "fliplr": fliplr, "flipud": flipud, "roll": roll, "rot90": rot90,
    "repeat_interleave": repeat_interleave, "unfold": unfold, "tile": tile,
    "diagonal": diagonal, "diag_embed": diag_embed, "diag": diag, "diagflat": diagflat,
    "broadcast_to": broadcast_to, "movedim": movedim, "moveaxis": moveaxis,
    "narrow": narrow, "tensor_split": tensor_split,
}
