"""Linear-algebra products with torch's names: addmm, outer, einsum, tensordot, kron, ...

``__all__`` lists the functions exported as ``tinytorch.<name>`` and ``METHODS`` the Tensor
methods (name -> function taking the tensor first), which tensor.py adds to its method table.

Every op here is a composite of existing differentiable primitives (matmul, mul, sum,
permute, reshape, expand, diagonal, roll, where), so each is differentiable twice; only
cdist has a primitive of its own (functions/linalg.py).
"""
import builtins
import math
import warnings

import numpy as np

from ._checks import TORCH_TYPE, dim_arg, is_int, not_implemented
from ._inplace import inplace
from ._ops import matmul
from ._promotion import promote
from .autograd.function import TensorBase, type_name
from .functions import elementwise as E
from .functions import linalg as L
from .functions import reduce as R

__all__ = ["addmm", "addmv", "addmv_", "addbmm", "baddbmm", "addr", "outer", "ger", "cross",
           "einsum", "tensordot", "kron", "trace", "cdist"]

_FALSE = np.zeros((), np.bool_)


def _torch_type(t):
    """torch's scalar-type name of a tensor's dtype: Float, Double, Long, ..."""
    return TORCH_TYPE.get(t._data.dtype.name, str(t.dtype))


def _tensor_arg(x, op, name, position):
    if not isinstance(x, TensorBase):
        raise TypeError(f"{op}(): argument '{name}' (position {position}) must be Tensor, not "
                        f"{type_name(x)}")
    return x


def _scalar_arg(v, name, op):
    """beta / alpha: a Python number (a one-element tensor is not a Number for torch)."""
    if isinstance(v, (builtins.bool, builtins.int, builtins.float, np.number, np.bool_)):
        return v
    raise TypeError(f"{op}(): argument '{name}' must be Number, not {type_name(v)}")


def _same_dtype(*tensors):
    """The first tensor whose dtype differs from the first one's, or None."""
    for t in tensors[1:]:
        if t._data.dtype != tensors[0]._data.dtype:
            return t
    return None


def _expanded(input, shape):
    """``input`` expanded to ``shape``, with torch's errors."""
    if tuple(input._data.shape) == tuple(shape):
        return input
    if input._data.ndim > len(shape):
        raise RuntimeError(f"expand(torch.{_torch_type(input)}Tensor"
                           f"{{{list(input._data.shape)}}}, size={list(shape)}): the number of "
                           f"sizes provided ({len(shape)}) must be greater or equal to the "
                           f"number of dimensions in the tensor ({input._data.ndim})")
    return input.expand(*shape)


def _scaled_sum(input, product, beta, alpha, shape):
    """``beta * input + alpha * product``, input expanded to ``shape`` (torch's expand errors).

    beta = 0 ignores input's values (a NaN there does not reach the result), as torch does;
    input still gets a gradient, of zeros."""
    inp, product = promote(_expanded(input, shape), product, "add")  # addr's may differ
    if product._data.dtype.kind in "iu":  # torch converts the scalars to the integer type
        beta, alpha = builtins.int(beta), builtins.int(alpha)
    if alpha != 1:
        product = product * alpha
    if beta == 0:
        return E.Where.apply(_FALSE, inp, product)
    if beta != 1:
        inp = inp * beta
    return inp + product


def _check_mm_dtypes(input, mat1, mat2):
    if input._data.dtype != mat2._data.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got "
                           f"{_torch_type(input)} and {_torch_type(mat2)}")
    if mat1._data.dtype != mat2._data.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got "
                           f"{_torch_type(mat1)} and {_torch_type(mat2)}")


def _check_bool_kernel(t, kernel):
    if t._data.dtype == np.bool_:
        raise not_implemented(kernel, t._data.dtype)


# --- addmm and friends ------------------------------------------------------------------

def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """``beta * input + alpha * (mat1 @ mat2)``; input broadcasts to the product's shape."""
    _tensor_arg(input, "addmm", "input", 1)
    _tensor_arg(mat1, "addmm", "mat1", 2)
    _tensor_arg(mat2, "addmm", "mat2", 3)
    beta, alpha = _scalar_arg(beta, "beta", "addmm"), _scalar_arg(alpha, "alpha", "addmm")
    for name, m in (("mat1", mat1), ("mat2", mat2)):
        if m._data.ndim != 2:
            raise RuntimeError(f"{name} must be a matrix, got {m._data.ndim}-D tensor")
    _check_mm_dtypes(input, mat1, mat2)
    (n, k1), (k2, p) = mat1._data.shape, mat2._data.shape
    if k1 != k2:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({n}x{k1} and "
                           f"{k2}x{p})")
    _check_bool_kernel(mat1, "addmm_impl_cpu_")
    return _scaled_sum(input, matmul(mat1, mat2), beta, alpha, (n, p))


def addmv(input, mat, vec, *, beta=1, alpha=1):
    """``beta * input + alpha * (mat @ vec)``; input broadcasts to the product's shape."""
    _tensor_arg(input, "addmv", "input", 1)
    _tensor_arg(mat, "addmv", "mat", 2)
    _tensor_arg(vec, "addmv", "vec", 3)
    beta, alpha = _scalar_arg(beta, "beta", "addmv"), _scalar_arg(alpha, "alpha", "addmv")
    ni, nm, nv = input._data.ndim, mat._data.ndim, vec._data.ndim
    if nm != 2 or nv != 1 or ni > 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {ni}, {nm}, {nv}")
    if _same_dtype(input, mat, vec) is not None:
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got "
                           f"{_torch_type(input)}, {_torch_type(mat)}, and {_torch_type(vec)}")
    (n, k), kv = mat._data.shape, vec._data.shape[0]
    if k != kv or input._data.shape not in ((), (1,), (n,)):
        shape = "x".join(str(s) for s in input._data.shape)
        raise RuntimeError(f"size mismatch, got input ({shape}), mat ({n}x{k}), vec ({kv})")
    _check_bool_kernel(mat, "addmv_impl_cpu")
    return _scaled_sum(input, matmul(mat, vec), beta, alpha, (n,))


def _check_3d(batch1, batch2):
    for name, b in (("batch1", batch1), ("batch2", batch2)):
        if b._data.ndim != 3:
            raise RuntimeError(f"{name} must be a 3D tensor")
    return batch1._data.shape, batch2._data.shape


def _check_batch_dtypes(input, batch1, batch2):
    if _same_dtype(input, batch1, batch2) is not None:
        names = [t._data.dtype.name.replace("float64", "double").replace("float32", "float")
                 .replace("float16", "half") for t in (input, batch1, batch2)]
        raise RuntimeError(f"Input dtypes must be the same, got: input {names[0]}, batch1: "
                           f"{names[1]}, batch2: {names[2]}")


def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """``beta * input + alpha * Σ_b batch1[b] @ batch2[b]``; input broadcasts to (n, p)."""
    _tensor_arg(input, "addbmm", "input", 1)
    _tensor_arg(batch1, "addbmm", "batch1", 2)
    _tensor_arg(batch2, "addbmm", "batch2", 3)
    beta, alpha = _scalar_arg(beta, "beta", "addbmm"), _scalar_arg(alpha, "alpha", "addbmm")
    _check_mm_dtypes(input, batch1, batch2)
    (b1, n, k1), (b2, k2, p) = _check_3d(batch1, batch2)
    _expanded(input, (n, p))  # torch checks input's shape first
    if b1 != b2:
        raise RuntimeError(f"batch1 and batch2 must have same number of batches, got {b1} "
                           f"and {b2}")
    if k1 != k2:
        raise RuntimeError(f"Incompatible matrix sizes for bmm ({n}x{k1} and {k2}x{p})")
    _check_bool_kernel(batch1, "addmm_impl_cpu_")
    return _scaled_sum(input, matmul(batch1, batch2).sum(0), beta, alpha, (n, p))


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """``beta * input + alpha * (batch1 @ batch2)``; input broadcasts to (b, n, p)."""
    _tensor_arg(input, "baddbmm", "input", 1)
    _tensor_arg(batch1, "baddbmm", "batch1", 2)
    _tensor_arg(batch2, "baddbmm", "batch2", 3)
    beta, alpha = _scalar_arg(beta, "beta", "baddbmm"), _scalar_arg(alpha, "alpha", "baddbmm")
    _check_batch_dtypes(input, batch1, batch2)
    (b, n, k1), (b2, k2, p) = _check_3d(batch1, batch2)
    _expanded(input, (b, n, p))  # torch checks input's shape first
    if (b, k1) != (b2, k2):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{b}, {k1}] but got: [{b2}, {k2}].")
    _check_bool_kernel(batch1, "baddbmm")
    return _scaled_sum(input, matmul(batch1, batch2), beta, alpha, (b, n, p))


def _check_vector(t, op, name):
    if t._data.ndim != 1:
        raise RuntimeError(f"{op}: Expected 1-D argument {name}, but got {t._data.ndim}-D")


def outer(input, vec2):
    """The outer product ``input[i] * vec2[j]`` of two vectors (dtypes promote)."""
    _tensor_arg(input, "outer", "input", 1)
    _tensor_arg(vec2, "outer", "vec2", 2)
    _check_vector(input, "outer", "self")
    _check_vector(vec2, "outer", "vec2")
    return input.unsqueeze(1) * vec2


ger = outer


def addr(input, vec1, vec2, *, beta=1, alpha=1):
    """``beta * input + alpha * outer(vec1, vec2)`` (dtypes promote; for bools: or / and)."""
    _tensor_arg(input, "addr", "input", 1)
    _tensor_arg(vec1, "addr", "vec1", 2)
    _tensor_arg(vec2, "addr", "vec2", 3)
    _check_vector(vec1, "addr", "vec1")
    _check_vector(vec2, "addr", "vec2")
    beta, alpha = _scalar_arg(beta, "beta", "addr"), _scalar_arg(alpha, "alpha", "addr")
    prod = vec1.unsqueeze(1) * vec2
    kind = np.result_type(input._data.dtype, prod._data.dtype).kind
    for name, v in (("beta", beta), ("alpha", alpha)):
        if isinstance(v, (builtins.bool, np.bool_)) and kind != "b":
            raise RuntimeError(f"Boolean {name} only supported for Boolean results.")
        if isinstance(v, (builtins.float, np.floating)) and kind in "biu":
            raise RuntimeError(f"For integral input tensors, argument {name} must not be a "
                               "floating point number.")
    shape = prod._data.shape
    if kind == "b":
        inp = input.expand(*shape) if input._data.shape != shape else input
        prod = prod if alpha else prod & False
        return (inp & builtins.bool(beta)) | prod
    return _scaled_sum(input, prod, beta, alpha, shape)


def _inplace_method(fn, name):
    def compute(self, args, kwargs):
        out = fn(self, *args, **kwargs)
        if out._data.shape != self._data.shape:
            raise RuntimeError(f"Bad in-place call: input tensor size {list(self._data.shape)} "
                               f"and output tensor size {list(out._data.shape)} should match")
        return out

    def method(self, *args, **kwargs):
        return inplace(self, lambda: compute(self, args, kwargs), name)
    method.__name__ = name
    method.__doc__ = f"In-place ``{fn.__name__}``: the result is written into ``self``."
    return method


addmv_ = _inplace_method(addmv, "addmv_")


# --- cross, kron, trace ----------------------------------------------------------------

def cross(input, other, dim=None):
    """The cross product along ``dim`` (of size 3); the other dims broadcast.  Without dim,
    the first dim of ``input`` that has size 3 (deprecated in torch, with a warning)."""
    _tensor_arg(input, "cross", "input", 1)
    _tensor_arg(other, "cross", "other", 2)
    sa, sb = input._data.shape, other._data.shape
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\n"
                      "Please either pass the dim explicitly or simply use torch.linalg.cross."
                      "\nThe default value of dim will change to agree with that of "
                      "linalg.cross in a future release.", UserWarning, stacklevel=2)
        dim = next((i for i, s in enumerate(sa) if s == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    if len(sa) != len(sb):
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    d = dim_arg(dim, len(sa), "cross")
    if sa[d] != 3 or sb[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{sa[d]} and {sb[d]}")
    if input._data.dtype != other._data.dtype:
        raise RuntimeError(f"expected scalar type {_torch_type(input)} but found "
                           f"{_torch_type(other)}")
    for i, (x, y) in enumerate(zip(sa, sb)):
        if x != y and x != 1 and y != 1:
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b "
                               f"({y}) at non-singleton dimension {i}")
    # component k is a[k+1] b[k+2] - a[k+2] b[k+1] (indices mod 3): rolls along dim
    a1, a2 = input.roll(-1, d), input.roll(-2, d)
    b1, b2 = other.roll(-1, d), other.roll(-2, d)
    return a1 * b2 - a2 * b1


def kron(input, other):
    """The Kronecker product: blocks ``input[i] * other``, for any number of dims."""
    _tensor_arg(input, "kron", "input", 1)
    _tensor_arg(other, "kron", "other", 2)
    sa, sb = input._data.shape, other._data.shape
    n = max(len(sa), len(sb))
    sa, sb = (1,) * (n - len(sa)) + sa, (1,) * (n - len(sb)) + sb
    # a as (a0, 1, a1, 1, ...) times b as (1, b0, 1, b1, ...), then each pair merged
    a = input.reshape(tuple(x for s in sa for x in (s, 1)))
    b = other.reshape(tuple(x for s in sb for x in (1, s)))
    return (a * b).reshape(tuple(x * y for x, y in zip(sa, sb)))


def trace(input):
    """The sum of a matrix's main diagonal (integers sum to int64, as sum does)."""
    _tensor_arg(input, "trace", "input", 1)
    if input._data.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim "
                           f"{input._data.ndim}")
    _check_bool_kernel(input, "trace")
    return input.diagonal().sum()


# --- tensordot ---------------------------------------------------------------------------

def _dims_list(d, which):
    if isinstance(d, TensorBase):
        d = d.tolist()
    if is_int(d):
        raise TypeError(f"tensordot(): argument '{which}' (position 3) must be tuple of ints, "
                        f"not {type(d).__name__}")
    return [builtins.int(x) for x in d]


def tensordot(a, b, dims=2, out=None):
    """Sum of products over dims ``dims[0]`` of a and ``dims[1]`` of b (an int n: a's last
    n dims with b's first n); the result has a's free dims, then b's."""
    _tensor_arg(a, "tensordot", "a", 1)
    _tensor_arg(b, "tensordot", "b", 2)
    if out is not None:
        raise NotImplementedError("tensordot: out= is not supported by tinytorch")
    na, nb = a._data.ndim, b._data.ndim
    if isinstance(dims, TensorBase) and dims._data.ndim == 0:
        dims = dims.item()
    if is_int(dims):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > na or dims > nb:
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got "
                               f"dims={dims}")
        da, db = list(range(na - dims, na)), list(range(dims))
        shown = list(range(-dims, 0))
    elif isinstance(dims, (list, tuple, TensorBase)) and len(dims) == 2:
        da, db = _dims_list(dims[0], "dims_self"), _dims_list(dims[1], "dims_other")
        shown = da
    else:
        raise RuntimeError(f"tensordot expects dims to be int or tuple[list[int], list[int]] or "
                           f"list[list[int]] containing two lists, but got dims={dims}")
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError("both inputs should have same dtype")
    da = [dim_arg(d, na, "tensordot") for d in da]
    db = [dim_arg(d, nb, "tensordot") for d in db]
    for dims_ in (da, db):
        for k, d in enumerate(dims_):
            if d in dims_[:k]:
                raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    sa, sb = a._data.shape, b._data.shape
    for x, y, shown_x in zip(da, db, shown):
        if sa[x] != sb[y]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size "
                               f"{sa[x]} in dim {shown_x} and second has size {sb[y]} in dim {y}")
    free_a = [d for d in range(na) if d not in da]
    free_b = [d for d in range(nb) if d not in db]
    k = math.prod(sa[d] for d in da)
    left = a.permute(*free_a, *da).reshape(math.prod(sa[d] for d in free_a), k)
    right = b.permute(*db, *free_b).reshape(k, math.prod(sb[d] for d in free_b))
    return matmul(left, right).reshape(tuple(sa[d] for d in free_a)
                                       + tuple(sb[d] for d in free_b))


# --- einsum ------------------------------------------------------------------------------

def _sublist_label(n):
    if n is Ellipsis:
        return "..."
    if is_int(n) and 0 <= n < 26:
        return chr(ord("A") + n)
    if is_int(n) and 26 <= n < 52:
        return chr(ord("a") + n - 26)
    raise ValueError("einsum(): subscript in subscript list is not within the valid range "
                     "[0, 52)")


def _einsum_args(args):
    """(equation, operands) from einsum's two calling forms: (equation, *operands) or
    (equation, [operands]), and the sublist form (op0, sub0, op1, sub1, ..., [out])."""
    if len(args) < 2:
        raise ValueError("einsum(): must specify the equation string and at least one "
                         "operand, or at least one operand and its subscripts list")
    if isinstance(args[0], str):
        equation, operands = args[0], list(args[1:])
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = list(operands[0])
    else:
        operands = list(args[0::2][:len(args) // 2])
        subs = [args[i] for i in range(1, len(args), 2)]
        equation = ",".join("".join(_sublist_label(n) for n in s) for s in subs)
        if len(args) % 2:
            equation += "->" + "".join(_sublist_label(n) for n in args[-1])
    for k, t in enumerate(operands):
        if not isinstance(t, TensorBase):
            raise TypeError(f"expected Tensor as element {k} in argument 1, but got "
                            f"{type(t).__name__}")
    return equation, operands


def _parse_einsum(equation, operands):
    """Each operand's labels (letters; None for its ellipsis) and the output's (or None in
    implicit mode), with torch's errors."""
    arrow = equation.find("->")
    lhs = equation if arrow < 0 else equation[:arrow]
    num_ops = len(operands)
    labels, found_ell, i = [[]], False, 0
    while i < len(lhs):
        c = lhs[i]
        if c == ".":
            cur = len(labels) - 1
            if found_ell:
                raise RuntimeError(f"einsum(): found '.' for operand {cur} for which an "
                                   "ellipsis was already found")
            if not lhs.startswith("...", i):
                raise RuntimeError(f"einsum(): found '.' for operand {cur} that is not part "
                                   "of any ellipsis")
            labels[-1].append(None)
            found_ell, i = True, i + 2
        elif c == ",":
            if len(labels) >= num_ops:
                raise RuntimeError("einsum(): fewer operands were provided than specified in "
                                   "the equation")
            labels.append([])
            found_ell = False
        elif c != " ":
            if not c.isascii() or not c.isalpha():
                raise RuntimeError(f"einsum(): invalid subscript given at index {i} in the "
                                   "equation string, subscripts must be in [a-zA-Z]")
            labels[-1].append(c)
        i += 1
    if len(labels) != num_ops:
        raise RuntimeError("einsum(): more operands were provided than specified in the "
                           "equation")
    if arrow < 0:
        return labels, None
    counts = {c for ls in labels for c in ls if c is not None}
    out, found_ell, rhs, i = [], False, equation[arrow + 2:], 0
    while i < len(rhs):
        c = rhs[i]
        if c == ".":
            if found_ell:
                raise RuntimeError("einsum(): found '.' for output but an ellipsis (...) was "
                                   "already found")
            if not rhs.startswith("...", i):
                raise RuntimeError("einsum(): found '.' for output that is not part of any "
                                   "ellipsis (...)")
            out.append(None)
            found_ell, i = True, i + 2
        elif c != " ":
            if not c.isascii() or not c.isalpha():
                raise RuntimeError(f"einsum(): invalid subscript given at index "
                                   f"{arrow + 2 + i} in the equation string, subscripts must "
                                   "be in [a-zA-Z]")
            if c not in counts:
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the "
                                   "equation for any input operand")
            if c in out:
                raise RuntimeError(f"einsum(): output subscript {c} appears more than once in "
                                   "the output")
            out.append(c)
        i += 1
    return labels, out


def _expand_labels(labels, operands):
    """Labels per dim of each operand, the ellipsis replaced by ints 0..E-1 (right-aligned
    over the widest ellipsis, so that they broadcast), E, and every label's size."""
    widths = []
    for k, (ls, t) in enumerate(zip(labels, operands)):
        n, named = t._data.ndim, len([c for c in ls if c is not None])
        if None in ls:
            if named > n:
                raise RuntimeError(f"einsum(): the number of subscripts in the equation "
                                   f"({named}) is more than the number of dimensions ({n}) "
                                   f"for operand {k}")
        elif named != n:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({named}) "
                               f"does not match the number of dimensions ({n}) for operand "
                               f"{k} and no ellipsis was given")
        widths.append(n - named)
    ell = max(widths, default=0)
    expanded, sizes = [], {}
    for k, (ls, t, w) in enumerate(zip(labels, operands, widths)):
        full = []
        for c in ls:
            full += list(range(ell - w, ell)) if c is None else [c]
        shape = t._data.shape
        mine = {}
        for d, (c, s) in enumerate(zip(full, shape)):
            if c in mine:
                if mine[c] != s:
                    raise RuntimeError(f"einsum(): subscript {c} is repeated for operand {k} "
                                       f"but the sizes don't match, {s} != {mine[c]}")
                continue
            mine[c] = s
            seen = sizes.get(c, 1)
            if s != seen and s != 1 and seen != 1:
                if isinstance(c, str):
                    raise RuntimeError(f"einsum(): subscript {c} has size {s} for operand {k} "
                                       f"which does not broadcast with previously seen size "
                                       f"{seen}")
                raise RuntimeError(f"einsum(): dimension {d} covered by ellipsis in operand "
                                   f"{k}has size {s} which does not broadcast with previously "
                                   f"seen ellipsis with size {seen} for the respective "
                                   "dimension")
            sizes[c] = s if seen == 1 else seen
        expanded.append(full)
    return expanded, ell, sizes


def _take_diagonals(t, ls):
    """Operand t with each label repeated in ls reduced to its diagonal (as torch does)."""
    while len(set(ls)) != len(ls):
        c = next(c for c in ls if ls.count(c) > 1)
        p1 = ls.index(c)
        p2 = ls.index(c, p1 + 1)
        t = t.diagonal(0, p1, p2)
        ls = [x for i, x in enumerate(ls) if i not in (p1, p2)] + [c]
    return t, ls


def _sum_out(t, ls, keep):
    """Sum t over the dims whose labels are not in ``keep``."""
    dims = [i for i, c in enumerate(ls) if c not in keep]
    if not dims:
        return t, ls
    return t.sum(tuple(dims)), [c for c in ls if c in keep]


def _contract(a, la, b, lb, keep):
    """Product of a and b summed over their shared labels not in ``keep``, as torch does it:
    a label of size 1 in one operand is summed out of the other first; the rest by one
    matmul, a as (batch..., left, k) and b as (batch..., k, right), batch dims broadcast."""
    a, la = _sum_out(a, la, set(lb) | keep)
    b, lb = _sum_out(b, lb, set(la) | keep)
    for c in [c for c in la if c in lb and c not in keep]:
        ia, ib = la.index(c), lb.index(c)
        if a._data.shape[ia] == 1:
            a, b = a.squeeze(ia), b.sum(ib)
        elif b._data.shape[ib] == 1:
            a, b = a.sum(ia), b.squeeze(ib)
        else:
            continue
        la, lb = la[:ia] + la[ia + 1:], lb[:ib] + lb[ib + 1:]
    batch = [c for c in la if c in lb and c in keep]
    summed = [c for c in la if c in lb and c not in keep]
    left = [c for c in la if c not in lb]
    right = [c for c in lb if c not in la]
    a = a.permute(*[la.index(c) for c in batch + left + summed])
    b = b.permute(*[lb.index(c) for c in batch + summed + right])
    sa, sb = a._data.shape, b._data.shape
    nb, nl, ns = len(batch), len(left), len(summed)
    k = math.prod(sa[nb + nl:])
    a = a.reshape(*sa[:nb], math.prod(sa[nb:nb + nl]), k)
    b = b.reshape(*sb[:nb], k, math.prod(sb[nb + ns:]))
    out = matmul(a, b)
    shape = out._data.shape[:nb] + sa[nb:nb + nl] + sb[nb + ns:]
    return out.reshape(*shape), batch + left + right


def einsum(*args):
    """Sums of products over the subscripts in Einstein notation, torch's grammar: letters,
    one ``...`` per operand (broadcast), repeated letters in an operand (its diagonal),
    ``->`` with the output's subscripts or, without it, the ellipsis then the letters seen
    once, in alphabetical order.  Operands come as arguments or as one list; also the
    sublist form ``einsum(op0, [0, 1], op1, [1, 2], [0, 2])``.

    As torch does: repeated labels become diagonals, labels of one operand only (not in
    the output) are summed out first, then the operands are contracted left to right, two
    at a time, with one matmul each."""
    equation, operands = _einsum_args(args)
    labels, out = _parse_einsum(equation, operands)
    first = operands[0]
    for t in operands[1:]:
        if t._data.dtype != first._data.dtype:
            raise RuntimeError(f"expected scalar type {_torch_type(first)} but found "
                               f"{_torch_type(t)}")
    expanded, ell, sizes = _expand_labels(labels, operands)
    if out is None:
        counts = {}
        for ls in labels:
            for c in ls:
                counts[c] = counts.get(c, 0) + 1
        out = list(range(ell)) + sorted(c for c in counts if c is not None and counts[c] == 1)
    else:
        at = out.index(None) if None in out else None
        out = out if at is None else out[:at] + list(range(ell)) + out[at + 1:]
    if len(operands) > 1:
        _check_bool_kernel(first, "bmm")
    terms = [_take_diagonals(t, ls) for t, ls in zip(operands, expanded)]
    keep = set(out)
    later = [set(ls) for _, ls in terms]
    # labels of one operand only, not in the output, are summed out before any product
    terms = [_sum_out(t, ls, keep.union(*(later[:k] + later[k + 1:])))
             for k, (t, ls) in enumerate(terms)]
    t, ls = terms[0]
    for k in range(1, len(terms)):
        needed = keep.union(*(set(l) for _, l in terms[k + 1:]))
        t, ls = _contract(t, ls, *terms[k], needed)
    t, ls = _sum_out(t, ls, keep)
    shape = tuple(sizes[c] for c in out)
    if ls != out:
        t = t.permute(*[ls.index(c) for c in out])
    if t._data.shape != shape:  # a size-1 output dim from broadcasting operands
        t = t.expand(*shape)
    return t


# --- cdist -------------------------------------------------------------------------------

_COMPUTE_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
                  "donot_use_mm_for_euclid_dist")


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """The p-norm distance between each row of x1 (…, P, M) and each of x2 (…, R, M), as
    (…, P, R); batch dims broadcast.  The gradient at a zero distance is 0, as in torch;
    ``compute_mode`` is accepted and every mode computes the differences directly."""
    _tensor_arg(x1, "cdist", "x1", 1)
    _tensor_arg(x2, "cdist", "x2", 2)
    if isinstance(p, builtins.bool) or not isinstance(p, (builtins.int, builtins.float,
                                                          np.integer, np.floating)):
        raise TypeError(f"cdist(): argument 'p' (position 3) must be float, not "
                        f"{type(p).__name__}")
    if compute_mode not in _COMPUTE_MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    for name, x in (("X1", x1), ("X2", x2)):
        if x._data.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: "
                               f"{x._data.ndim}D")
    for name, x in (("X1", x1), ("X2", x2)):
        if x._data.dtype.kind != "f":
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: "
                               f"{_torch_type(x)}")
    if x1._data.dtype != x2._data.dtype:
        raise RuntimeError(f"expected scalar type {_torch_type(x1)} but found "
                           f"{_torch_type(x2)}")
    if x1._data.dtype == np.float16:
        raise not_implemented("cdist", x1._data.dtype)
    s1, s2 = x1._data.shape, x2._data.shape
    if s1[-1] != s2[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {s1[-1]} X2: "
                           f"{s2[-1]}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    b1, b2 = s1[:-2], s2[:-2]
    n = max(len(b1), len(b2))
    pa, pb = (1,) * (n - len(b1)) + b1, (1,) * (n - len(b2)) + b2
    for i, (x, y) in enumerate(zip(pa, pb)):
        if x != y and x != 1 and y != 1:
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b "
                               f"({y}) at non-singleton dimension {i}")
    p = builtins.float(p)
    if p == 2:
        diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)
        return R.Norm2.apply(diff, (diff._data.ndim - 1,), False)
    return L.Cdist.apply(x1, x2, p)


METHODS = {
    "addmm": addmm, "addmm_": _inplace_method(addmm, "addmm_"),
    "addmv": addmv, "addmv_": addmv_,
    "addbmm": addbmm, "addbmm_": _inplace_method(addbmm, "addbmm_"),
    "baddbmm": baddbmm, "baddbmm_": _inplace_method(baddbmm, "baddbmm_"),
    "addr": addr, "addr_": _inplace_method(addr, "addr_"),
    "outer": outer, "ger": ger, "cross": cross, "kron": kron, "trace": trace,
}
