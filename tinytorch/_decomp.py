"""Matrix functions and decompositions (det, inv, solve, cholesky, qr, svd, eigh, ...): the
functions behind ``tinytorch.linalg`` and torch's older top-level names.

``__all__`` lists the functions exported as ``tinytorch.<name>`` and ``METHODS`` the Tensor
methods (name -> function taking the tensor first), which tensor.py adds to its method table.
"""
import builtins
import collections

import numpy as np

from . import _dtype, return_types
from ._checks import TORCH_TYPE, dim_arg, is_int
from ._promotion import cast
from .autograd.function import TensorBase, _make, type_name
from .functions import decomp as DC
from .functions.decomp import LinAlgError

__all__ = ["det", "logdet", "slogdet", "inverse", "pinverse", "cholesky", "qr", "svd",
           "matrix_power", "matrix_exp"]

_INF = float("inf")


def _named(name, *fields):
    """A torch.return_types named tuple (tinytorch.return_types.<name>)."""
    base = collections.namedtuple(name, fields)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"tinytorch.return_types.{name}(\n{body})"

    cls = type(name, (base,), {"__slots__": (), "__repr__": __repr__,
                               "__module__": "tinytorch.return_types"})
    setattr(return_types, name, cls)
    return cls


_SLOGDET = _named("slogdet", "sign", "logabsdet")
_LINALG_SLOGDET = _named("linalg_slogdet", "sign", "logabsdet")
_QR = _named("qr", "Q", "R")
_LINALG_QR = _named("linalg_qr", "Q", "R")
_SVD = _named("svd", "U", "S", "V")
_LINALG_SVD = _named("linalg_svd", "U", "S", "Vh")
_EIGH = _named("linalg_eigh", "eigenvalues", "eigenvectors")
_LSTSQ = _named("linalg_lstsq", "solution", "residuals", "rank", "singular_values")
_INV_EX = _named("linalg_inv_ex", "inverse", "info")
_CHOLESKY_EX = _named("linalg_cholesky_ex", "L", "info")


# --- argument checks ------------------------------------------------------------------------

def _tensor(x, op, what="A"):
    if not isinstance(x, TensorBase):
        raise TypeError(f"{op}(): argument '{what}' (position 1) must be Tensor, not "
                        f"{type_name(x)}")
    return x


def _float(t, op):
    """torch's dtype check of the linalg functions: float32/float64 only."""
    dt = t._data.dtype
    if dt.kind != "f":
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as input. Got "
                           f"{TORCH_TYPE.get(dt.name, t.dtype)}")
    if dt == np.float16:
        raise RuntimeError(f"{op}: Low precision dtypes not supported. Got Half")


def _matrix(t, op, square=True, what="A"):
    """A batch of (square) float matrices, as torch's linalg functions check it."""
    _tensor(t, op, what)
    if t._data.ndim < 2:
        raise RuntimeError(f"{op}: The input tensor {what} must have at least 2 dimensions.")
    _float(t, op)
    m, n = t._data.shape[-2:]
    if square and m != n:
        raise RuntimeError(f"{op}: {what} must be batches of square matrices, but they are "
                           f"{m} by {n} matrices")
    return t


def _mT(t):
    return t.transpose(-2, -1)


# --- norms -----------------------------------------------------------------------------------

def _dims(dim, ndim, op):
    if dim is None:
        return tuple(range(ndim))
    if is_int(dim):
        dim = (dim,)
    axes = tuple(dim_arg(d, ndim, op) for d in dim)
    if len(set(axes)) != len(axes):
        raise RuntimeError(f"{op}: dim {tuple(dim)} appears multiple times in the list of dims")
    return tuple(sorted(axes)) if ndim else ()


def _with_dtype(x, dtype, op):
    if dtype is not None:
        x = cast(x, _dtype.to_dtype(dtype).np)
    if x._data.dtype.kind != "f":
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as input. Got "
                           f"{TORCH_TYPE.get(x._data.dtype.name, x.dtype)}")
    return x


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    """The vector ord-norm of ``x`` over ``dim`` (all elements when None)."""
    op = "linalg.vector_norm"
    _tensor(x, "linalg_vector_norm", "input")
    if isinstance(ord, (str, bool)) or not isinstance(ord, (int, float, np.number)):
        raise TypeError(f"linalg_vector_norm(): argument 'ord' (position 2) must be Number, "
                        f"not {type(ord).__name__}")
    x = _with_dtype(x, dtype, op)
    ord = float(ord)
    dims = _dims(dim, x._data.ndim, op)
    if ord < 0 or ord == _INF:
        if any(x._data.shape[d] == 0 for d in dims) or (not dims and x._data.size == 0):
            kind = "inf" if ord == _INF else "negative"
            raise RuntimeError(f"{op} cannot compute the {ord if ord < 0 else kind} norm on "
                               "an empty tensor because the operation does not have an "
                               "identity")
    if x._data.dtype == np.float16:  # torch accumulates half in float32
        return cast(DC.VectorNorm.apply(cast(x, np.float32), ord, dims, bool(keepdim)),
                    np.float16)
    return DC.VectorNorm.apply(x, ord, dims, builtins.bool(keepdim))


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    """The matrix norm of the matrices in dims ``dim`` of ``A``: 'fro', 'nuc', ±inf, ±1, ±2."""
    op = "linalg.matrix_norm"
    _tensor(A, op)
    if A._data.ndim < 2:
        raise RuntimeError(f"{op}: The input tensor A must have at least 2 dimensions.")
    A = _with_dtype(A, dtype, op)
    if len(dim) != 2:
        raise RuntimeError(f"{op}: dim must be a 2-tuple. Got {' '.join(map(str, dim))}")
    d0, d1 = (dim_arg(d, A._data.ndim, op) for d in dim)
    if d0 == d1:
        raise RuntimeError(f"{op}: dims must be different. Got ({dim[0]}, {dim[1]})")
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim)
    if ord not in ("nuc", 1, -1, 2, -2, _INF, -_INF) or isinstance(ord, bool):
        raise RuntimeError(f"{op}: Order {ord} not supported.")
    if ord in ("nuc", 2, -2):
        _float(A, op)
        x = A.movedim((d0, d1), (-2, -1))
        s = svdvals(x)
        r = s.sum(-1) if ord == "nuc" else (s.amax(-1) if ord == 2 else s.amin(-1))
    else:
        # ±1: max/min column sum of |A|; ±inf: the same of row sums
        red, other = (d0, d1) if abs(ord) == 1 else (d1, d0)
        a = A.abs().sum(red, keepdim=True)
        r = a.amax(other, keepdim=True) if ord > 0 else a.amin(other, keepdim=True)
        return r if keepdim else r.squeeze((d0, d1))
    if keepdim:
        r = r.unsqueeze(min(d0, d1)).unsqueeze(max(d0, d1))
    return r


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    """torch.linalg.norm: a vector norm for one dim (or a flattened input when ord and dim
    are None), a matrix norm for a 2-tuple dim or a 2-D input."""
    op = "linalg.norm"
    _tensor(A, op)
    if dim is not None and is_int(dim):
        dim = (dim,)
    if dim is not None and len(dim) == 2 or dim is None and ord is not None and (
            A._data.ndim == 2 or isinstance(ord, str)):
        if dim is None and A._data.ndim != 2:
            raise RuntimeError(f"{op}: If dim is not specified but ord is, the input must be "
                               f"1D or 2D. Got {A._data.ndim}D.")
        return matrix_norm(A, "fro" if ord is None else ord, (-2, -1) if dim is None else dim,
                           keepdim, dtype=dtype)
    if dim is None and ord is not None and A._data.ndim != 1:
        raise RuntimeError(f"{op}: If dim is not specified but ord is, the input must be 1D "
                           f"or 2D. Got {A._data.ndim}D.")
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)


# --- determinants and inverses -------------------------------------------------------------

def linalg_det(A, *, out=None):
    return DC.Det.apply(_matrix(A, "linalg.det"))


def linalg_slogdet(A, *, out=None):
    return _LINALG_SLOGDET(*DC.Slogdet.apply(_matrix(A, "linalg.slogdet")))


def det(input):
    return linalg_det(input)


def slogdet(input):
    return _SLOGDET(*DC.Slogdet.apply(_matrix(input, "linalg.slogdet")))


def logdet(input):
    """log det: NaN for a negative determinant, -inf for a zero one."""
    sign, logabs = DC.Slogdet.apply(_matrix(input, "linalg.slogdet"))
    s = sign._data
    if (s > 0).all():
        return logabs
    from ._ops import where
    fill = np.where(s < 0, np.nan, -np.inf).astype(s.dtype)
    return where(_make(s > 0), logabs, _make(fill))


def inv(A, *, out=None):
    return DC.Inv.apply(_matrix(A, "linalg.inv"))


def inverse(input):
    return inv(input)


def inv_ex(A, *, check_errors=False, out=None):
    """(inverse, info): info 0 or the index of the first zero pivot; no error unless
    check_errors."""
    _matrix(A, "linalg.inv_ex")
    a = A._data
    infos = np.zeros(a.shape[:-2], np.int32)
    for index in np.ndindex(*a.shape[:-2]):
        infos[index] = DC._first_zero_pivot(a[index])
    if infos.any():
        if check_errors:
            raise DC.singular_error("linalg.inv_ex", a)
        with np.errstate(all="ignore"):
            return _INV_EX(_make(np.full(a.shape, np.nan, a.dtype)), _make(infos))
    return _INV_EX(inv(A), _make(infos))


def solve(A, B, *, left=True, out=None):
    """X with A X = B (left) or X A = B; B a matrix or a batch of vectors (B.ndim == 1, or
    B's shape is A's without its last dim)."""
    op = "linalg.solve"
    _matrix(A, op)
    _tensor(B, op, "B")
    if B._data.dtype != A._data.dtype:
        raise RuntimeError(f"{op}: Expected A and B to have the same dtype, but found A of "
                           f"type {TORCH_TYPE[A._data.dtype.name]} and B of type "
                           f"{TORCH_TYPE.get(B._data.dtype.name, B.dtype)} instead")
    n = A._data.shape[-1]
    vector = left and (B._data.ndim == 1 or (B._data.ndim == A._data.ndim - 1
                                              and B._data.shape == A._data.shape[:-1]))
    b = B.unsqueeze(-1) if vector else B
    if b._data.ndim < 2:
        raise RuntimeError(f"{op}: The input tensor B must have at least 2 dimensions.")
    rows = b._data.shape[-2] if left else b._data.shape[-1]
    if rows != n:
        shape = b._data.shape[-2:]
        raise RuntimeError(f"{op}: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({n}x{n} and "
                           f"{shape[0]}x{shape[1]})")
    if left:
        x = DC.Solve.apply(A, b)
    else:
        x = _mT(DC.Solve.apply(_mT(A), _mT(b)))
    return x.squeeze(-1) if vector else x


# --- factorizations --------------------------------------------------------------------------

def linalg_cholesky(A, *, upper=False, out=None):
    low = DC.Cholesky.apply(_matrix(A, "linalg.cholesky"))
    return _mT(low) if upper else low


def cholesky(input, upper=False):
    return linalg_cholesky(input, upper=upper)


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    try:
        low = linalg_cholesky(A, upper=upper)
    except LinAlgError:
        if check_errors:
            raise
        a = A._data
        info = np.zeros(a.shape[:-2], np.int32)
        for index in np.ndindex(*a.shape[:-2]):
            for k in range(1, a.shape[-1] + 1):
                try:
                    np.linalg.cholesky(a[index][:k, :k])
                except np.linalg.LinAlgError:
                    info[index] = k
                    break
        with np.errstate(all="ignore"):
            return _CHOLESKY_EX(_make(np.full(a.shape, np.nan, a.dtype)), _make(info))
    return _CHOLESKY_EX(low, _make(np.zeros(A._data.shape[:-2], np.int32)))


def eigh(A, UPLO="L", *, out=None):
    """Eigenvalues (ascending) and orthonormal eigenvectors of symmetric matrices, read from
    the lower (UPLO='L') or upper triangle."""
    _matrix(A, "linalg.eigh")
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return _EIGH(*DC.Eigh.apply(A, UPLO))


def eigvalsh(A, UPLO="L", *, out=None):
    return eigh(A, UPLO)[0]


def linalg_svd(A, full_matrices=True, *, driver=None, out=None):
    """A = U diag(S) Vh, singular values descending."""
    _matrix(A, "linalg.svd", square=False)
    return _LINALG_SVD(*DC.Svd.apply(A, builtins.bool(full_matrices)))


def svdvals(A, *, driver=None, out=None):
    _matrix(A, "linalg.svdvals", square=False)
    return DC.Svd.apply(A, False)[1]


def svd(input, some=True, compute_uv=True, *, out=None):
    """torch.svd: (U, S, V) with V, not Vh; ``some`` for the reduced factors."""
    _matrix(input, "linalg.svd", square=False)
    if not compute_uv:
        s = svdvals(input)
        m, n = input._data.shape[-2:]
        zeros = _make(np.zeros(input._data.shape[:-2] + (m, m if not some else min(m, n)),
                               input._data.dtype))
        zv = _make(np.zeros(input._data.shape[:-2] + (n, n if not some else min(m, n)),
                            input._data.dtype))
        return _SVD(zeros, s, zv)
    u, s, vh = DC.Svd.apply(input, not some)
    return _SVD(u, s, _mT(vh))


def _pinv_tol(s, atol, rtol, m, n):
    """torch's cutoff (an array): max(atol, rtol·σ_max), rtol defaulting to eps·max(m, n)
    when neither is given and to 0 when only atol is; ``s`` the singular values (array)."""
    eps = np.finfo(s.dtype).eps
    if rtol is None:
        rtol = eps * max(m, n) if atol is None else 0.0
    atol = 0.0 if atol is None else atol
    atol, rtol = (np.asarray(x._data if isinstance(x, TensorBase) else x, s.dtype)[..., None]
                  for x in (atol, rtol))
    smax = s.max(-1, keepdims=True) if s.shape[-1] else np.zeros(s.shape[:-1] + (1,), s.dtype)
    return np.maximum(atol, rtol * smax)


def pinv(A, *, atol=None, rtol=None, hermitian=False, out=None):
    """The Moore-Penrose pseudo-inverse, through the SVD (or eigh for hermitian=True);
    singular values at or below max(atol, rtol·σ_max) count as zero."""
    op = "linalg.pinv"
    _tensor(A, op, "input")
    if A._data.ndim < 2 or A._data.dtype not in (np.float32, np.float64):
        raise RuntimeError(f"{op}({TORCH_TYPE.get(A._data.dtype.name, A.dtype)}"
                           f"{{{list(A._data.shape)}}}): expected a tensor with 2 or more "
                           "dimensions of float, double, cfloat or cdouble types")
    m, n = A._data.shape[-2:]
    if hermitian:
        w, v = eigh(A)
        tol = _pinv_tol(np.abs(w._data), atol, rtol, m, n)
        keep = _make(np.abs(w._data) > tol)
        from ._ops import where
        winv = where(keep, 1 / w, _make(np.zeros((), w._data.dtype)))
        return (v * winv.unsqueeze(-2)) @ _mT(v)
    u, s, vh = DC.Svd.apply(A, False)
    tol = _pinv_tol(s._data, atol, rtol, m, n)
    from ._ops import where
    sinv = where(_make(s._data > tol), 1 / s, _make(np.zeros((), s._data.dtype)))
    return (_mT(vh) * sinv.unsqueeze(-2)) @ _mT(u)


def pinverse(input, rcond=1e-15):
    return pinv(input, rtol=rcond)


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, out=None):
    """The number of singular values above max(atol, rtol·σ_max) (int64)."""
    op = "linalg.matrix_rank"
    _matrix(A, op, square=False)
    m, n = A._data.shape[-2:]
    with np.errstate(all="ignore"):
        if hermitian:
            s = np.abs(np.linalg.eigvalsh(A._data))
        else:
            s = np.linalg.svd(A._data, compute_uv=False)
    tol = _pinv_tol(s, atol, rtol, m, n)
    return _make(np.sum(s > tol, axis=-1).astype(np.int64))


def lstsq(A, B, rcond=None, *, driver=None):
    """The least-squares solution of A X = B, as torch computes it on the CPU with its default
    driver 'gelsy': (solution, residuals (empty), rank, singular_values (empty)).  The
    solution is pinv(A) @ B, with the gradient of that expression (torch's)."""
    op = "torch.linalg.lstsq"
    _matrix(A, op, square=False)
    _tensor(B, op, "B")
    if driver not in (None, "gelsy", "gelsd", "gelss", "gels"):
        raise RuntimeError(f"{op}: parameter `driver` should be one of (gels, gelsy, gelsd, "
                           f"gelss)")
    if B._data.dtype != A._data.dtype:
        raise RuntimeError(f"{op}: Expected input and other to have the same dtype, but got "
                           f"input's dtype {TORCH_TYPE[A._data.dtype.name]} and other's dtype "
                           f"{TORCH_TYPE.get(B._data.dtype.name, B.dtype)}")
    vector = B._data.ndim == A._data.ndim - 1
    b = B.unsqueeze(-1) if vector else B
    m, n = A._data.shape[-2:]
    if b._data.shape[-2] != m:
        raise RuntimeError(f"{op}: input.size(-2) should match other.size(-2)")
    eps = np.finfo(A._data.dtype).eps
    r = eps * max(m, n) if rcond is None else rcond
    x = pinv(A, rtol=r) @ b
    rank = matrix_rank(A, rtol=r)
    empty = _make(np.zeros((0,), A._data.dtype))
    return _LSTSQ(x.squeeze(-1) if vector else x, empty, rank, empty)


def matrix_power(input, n):
    """A ** n by repeated squaring (n < 0: of the inverse); n = 0 gives the identity."""
    op = "linalg.matrix_power"
    _tensor(input, op)
    if input._data.ndim < 2 or input._data.shape[-1] != input._data.shape[-2]:
        raise RuntimeError(f"{op}: A must be batches of square matrices, but they are "
                           f"{input._data.shape[-2] if input._data.ndim > 1 else 1} by "
                           f"{input._data.shape[-1] if input._data.ndim else 1} matrices")
    if not is_int(n):
        raise TypeError(f"matrix_power(): argument 'n' (position 2) must be int, not "
                        f"{type(n).__name__}")
    if n == 0:
        eye = np.broadcast_to(np.eye(input._data.shape[-1], dtype=input._data.dtype),
                              input._data.shape)
        return _make(eye.copy())
    a = inv(input) if n < 0 else input
    n = abs(n)
    result = None
    while n:
        if n & 1:
            result = a if result is None else result @ a
        n >>= 1
        if n:
            a = a @ a
    return result


def qr(input, some=True, *, out=None):
    return _QR(*linalg_qr(input, "reduced" if some else "complete"))


def linalg_qr(A, mode="reduced", *, out=None):
    """A = QR with Q orthonormal columns and R upper triangular; mode 'reduced', 'complete'
    or 'r' (Q empty)."""
    op = "linalg.qr"
    _matrix(A, op, square=False)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           "'reduced' (default), 'r', or 'complete'")
    q, r = DC.Qr.apply(A, mode)
    return _LINALG_QR(q, r)


def matrix_exp(A):
    """The matrix exponential Σ Aᵏ/k! of each matrix of a batch."""
    op = "linalg.matrix_exp"
    if isinstance(A, TensorBase) and A._data.dtype == np.float16:  # computed in float32
        return cast(matrix_exp(cast(A, np.float32)), np.float16)
    return DC.MatrixExp.apply(_matrix(A, op))


METHODS = {"det": det, "logdet": logdet, "slogdet": slogdet, "inverse": inverse,
           "pinverse": pinverse, "cholesky": cholesky, "qr": qr, "svd": svd,
           "matrix_power": matrix_power, "matrix_exp": matrix_exp}
