"""Matrix functions and decompositions: inv, det, slogdet, solve, cholesky, eigh, svd, qr and
the vector norm, on numpy arrays with leading batch dims.

Each backward is torch's formula (torch/csrc/autograd/FunctionsManual.cpp), written with
matmul, transposes, elementwise ops and the primitives of this file, so that it runs on arrays
(first order) and on Tensors (create_graph=True) alike.
"""
import numpy as np

from ..autograd.function import Primitive


class LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: a matrix is singular, not positive-definite, or an algorithm
    did not converge."""


# --- helpers that work on arrays and on Tensors ------------------------------------------

def mT(x):
    """The matrix transpose of a batch of matrices."""
    return np.swapaxes(x, -1, -2)


def _is_array(x):
    """An array (a first-order backward), not a Tensor (a create_graph one)."""
    return isinstance(x, np.ndarray)


def _values(x):
    """The numbers of an array or a Tensor, as an array (for a test, not to compute with)."""
    return x if _is_array(x) else x.detach().numpy()


def _eye(n, x):
    return np.eye(n, dtype=x.dtype if _is_array(x) else x.dtype.np)


def _tril(x, k=0):
    return np.tril(x, k) if _is_array(x) else x.tril(k)


def _diag_embed(v):
    """A batch of diagonal matrices with the vectors ``v`` on their diagonals."""
    return v[..., None, :] * _eye(v.shape[-1], v)


def _sgn(x):
    """torch's sign: 0 at 0 and at NaN."""
    if not _is_array(x):
        return x.sign()
    return (x > 0).astype(x.dtype) - (x < 0)


def _batch_prefix(shape, index):
    """torch's "(Batch element k): " for the k-th matrix of a batch, nothing for one."""
    if len(shape) <= 2:
        return ""
    return f"(Batch element {int(np.ravel_multi_index(index, shape[:-2]))}): "


def _first_zero_pivot(a):
    """The 1-based index of the first zero diagonal element of U in a = PLU (LAPACK getrf's
    info), or 0."""
    u = np.array(a, dtype=np.float64)
    n = u.shape[0]
    info = 0
    for j in range(n):
        p = j + int(np.argmax(np.abs(u[j:, j])))
        if u[p, j] == 0:
            info = info or j + 1
            continue
        u[[j, p]] = u[[p, j]]
        u[j + 1:, j:] -= np.outer(u[j + 1:, j] / u[j, j], u[j, j:])
    return info


def singular_error(name, a):
    """torch's error for a singular matrix in the batch ``a`` (inv, solve)."""
    for index in np.ndindex(*a.shape[:-2]):
        info = _first_zero_pivot(a[index])
        if info:
            return LinAlgError(
                f"{name}: {_batch_prefix(a.shape, index)}The diagonal element {info} is zero, "
                "the inversion could not be completed because the input matrix is singular.")
    return LinAlgError(f"{name}: The input matrix is singular.")


def _inv(a, name="linalg.inv"):
    with np.errstate(all="ignore"):
        try:
            return np.linalg.inv(a)
        except np.linalg.LinAlgError:
            raise singular_error(name, a) from None


def _solve(a, b, name="linalg.solve"):
    with np.errstate(all="ignore"):
        try:
            return np.linalg.solve(a, b)
        except np.linalg.LinAlgError:
            raise LinAlgError(f"torch.{name}: The solver failed because the input matrix is "
                              "singular.") from None


# --- primitives --------------------------------------------------------------------------

class Inv(Primitive):
    """Y = A⁻¹;  dL/dA = -Yᵀ G Yᵀ"""

    backward_name = "LinalgInvExBackward0"

    @staticmethod
    def forward(ctx, a):
        y = _inv(a)
        if ctx.needs_input_grad:
            ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        yt = mT(y)
        return -(yt @ g @ yt)


class Solve(Primitive):
    """X = A⁻¹ B (B a batch of matrices);  dL/dB = A⁻ᵀ G,  dL/dA = -(dL/dB) Xᵀ"""

    backward_name = "LinalgSolveExBackward0"

    @staticmethod
    def forward(ctx, a, b):
        x = _solve(a, b)
        if ctx.needs_input_grad:
            ctx.save_for_backward(a, x if ctx.needs_input_grad[0] else None)
        return x

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        gb = Solve.call(mT(a), g)
        ga = -(gb @ mT(x)) if ctx.needs_input_grad[0] else None
        return ga, (gb if ctx.needs_input_grad[1] else None)


class Det(Primitive):
    """d = det A;  dL/dA = g·d·A⁻ᵀ"""

    backward_name = "LinalgDetBackward0"

    @staticmethod
    def forward(ctx, a):
        with np.errstate(all="ignore"):
            d = np.linalg.det(a)
        d = np.asarray(d, dtype=a.dtype)
        if ctx.needs_input_grad:
            ctx.save_for_backward(a, d)
        return d

    @staticmethod
    def backward(ctx, g):
        a, d = ctx.saved_tensors
        singular = _values(d) == 0
        if not singular.any():
            return (g * d)[..., None, None] * mT(Inv.call(a))
        # as torch: first order, g·d·A⁻ᵀ with d = 0, that is 0 (A replaced by I to invert it);
        # differentiable (create_graph), the cofactors through the SVD
        eye = _eye(a.shape[-1], a)
        mask = singular[..., None, None]
        safe = np.where(mask, eye, a)
        grad = (g * d)[..., None, None] * mT(Inv.call(safe))
        if _is_array(g):
            return grad
        return np.where(mask, _det_cofactors(a, g), grad)


def _prod_others(s):
    """Π_{j≠i} s_j for each i along the last dim (no division: zeros are fine)."""
    k = s.shape[-1]
    cols = []
    for i in range(k):
        p = np.ones_like(s[..., 0])
        for j in range(k):
            if j != i:
                p = p * s[..., j]
        cols.append(p)
    return np.stack(cols, axis=-1)


def _det_cofactors(a, g):
    """g times the cofactor matrix of A, from A = U diag(S) Vh: U diag(α·Π_{j≠i} S_j) Vh
    with α = det U · det Vh (±1)."""
    u, s, vh = Svd.apply(a, False)
    alpha = np.linalg.det(_values(u)) * np.linalg.det(_values(vh))
    dsv = np.multiply(g, alpha)[..., None] * _prod_others(s)
    return (u * dsv[..., None, :]) @ vh


class Slogdet(Primitive):
    """(sign, log|det A|);  dL/dA = g·A⁻ᵀ (the sign has no gradient)"""

    backward_name = "LinalgSlogdetBackward0"

    @staticmethod
    def forward(ctx, a):
        with np.errstate(all="ignore"):
            sign, logabs = np.linalg.slogdet(a)
        sign = np.asarray(sign, dtype=a.dtype)
        if ctx.needs_input_grad:
            ctx.save_for_backward(a)
            ctx.mark_non_differentiable(sign)
        return sign, np.asarray(logabs, dtype=a.dtype)

    @staticmethod
    def backward(ctx, gsign, g):
        (a,) = ctx.saved_tensors
        return g[..., None, None] * mT(Inv.call(a))


def _not_pd_error(a):
    for index in np.ndindex(*a.shape[:-2]):
        m = a[index]
        for k in range(1, m.shape[-1] + 1):
            try:
                np.linalg.cholesky(m[:k, :k])
            except np.linalg.LinAlgError:
                return LinAlgError(
                    f"linalg.cholesky: {_batch_prefix(a.shape, index)}The factorization could "
                    "not be completed because the input is not positive-definite (the leading "
                    f"minor of order {k} is not positive-definite).")
    return LinAlgError("linalg.cholesky: The input is not positive-definite.")


class Cholesky(Primitive):
    """A = L Lᵀ (L lower, from A's lower triangle);  dL/dA = L⁻ᵀ Φ L⁻¹ with
    Φ = ½(tril(Lᵀ G) + tril(Lᵀ G, -1)ᵀ) (symmetric)"""

    backward_name = "LinalgCholeskyExBackward0"

    @staticmethod
    def forward(ctx, a):
        with np.errstate(all="ignore"):
            try:
                low = np.linalg.cholesky(a)
            except np.linalg.LinAlgError:
                raise _not_pd_error(a) from None
        if ctx.needs_input_grad:
            ctx.save_for_backward(low)
        return low

    @staticmethod
    def backward(ctx, g):
        (low,) = ctx.saved_tensors
        phi = _tril(mT(low) @ g)
        phi = 0.5 * (phi + mT(_tril(phi, -1)))
        x = Solve.call(mT(low), phi)             # L⁻ᵀ Φ
        return mT(Solve.call(mT(low), mT(x)))   # (L⁻ᵀ Φ) L⁻¹


def _converge_error(name, a):
    return LinAlgError(f"{name}: The algorithm failed to converge because the input matrix is "
                       "ill-conditioned or has too many repeated eigenvalues.")


class Eigh(Primitive):
    """A = V diag(λ) Vᵀ (A's lower or upper triangle);  dL/dA = V (diag(gλ) + skew(Vᵀ gV)/E) Vᵀ
    with skew(X) = ½(X - Xᵀ) and E_ij = λ_j - λ_i (torch's formula, not symmetrized)"""

    backward_name = "LinalgEighBackward0"

    @staticmethod
    def forward(ctx, a, uplo):
        with np.errstate(all="ignore"):
            try:
                w, v = np.linalg.eigh(a, UPLO=uplo)
            except np.linalg.LinAlgError:
                raise _converge_error("linalg.eigh", a) from None
        if ctx.needs_input_grad:
            ctx.save_for_backward(w, v)
            ctx.set_materialize_grads(False)
        return w, v

    @staticmethod
    def backward(ctx, gw, gv):
        w, v = ctx.saved_tensors
        if gv is None:
            if gw is None:
                return None, None
            return (v * gw[..., None, :]) @ mT(v), None
        vgv = mT(v) @ gv
        vgv = 0.5 * (vgv - mT(vgv))
        e = w[..., None, :] - w[..., :, None] + _eye(w.shape[-1], w)
        inner = vgv / e
        if gw is not None:
            inner = inner + _diag_embed(gw)
        return v @ inner @ mT(v), None


def _svd(a, full_matrices):
    """np.linalg.svd with torch's (LAPACK gesdd's) answer to non-finite input: an error for
    a NaN, all-NaN factors for a matrix holding ±inf."""
    nan = np.isnan(a)
    if nan.any():
        index = np.unravel_index(int(np.argmax(nan.reshape(-1))), a.shape)[:-2]
        raise LinAlgError(f"linalg.svd: {_batch_prefix(a.shape, index)}The algorithm failed to "
                          "converge because the input matrix contained non-finite values.")
    bad = np.isinf(a).any(axis=(-2, -1))
    with np.errstate(all="ignore"):
        u, s, vh = np.linalg.svd(np.where(bad[..., None, None], 0, a),
                                 full_matrices=full_matrices)
    if bad.any():
        for x in (u, s, vh):
            x[bad] = np.nan
    return u, s, vh


class Svd(Primitive):
    """A = U diag(S) Vh (reduced);  torch's svd_backward: with E_ij = S_j² - S_i²,
    dL/dA = U [(skew(Uᵀ gU) S + S skew(Vh gVhᵀ)) / E + diag(gS)] Vh, plus the terms for the
    columns of U (m > n) or rows of Vh (m < n) outside the square part"""

    backward_name = "LinalgSvdBackward0"

    @staticmethod
    def forward(ctx, a, full_matrices):
        u, s, vh = _svd(a, full_matrices)
        if ctx.needs_input_grad:
            ctx.save_for_backward(u, s, vh)
            ctx.set_materialize_grads(False)
        return u, s, vh

    @staticmethod
    def backward(ctx, gu, gs, gvh):
        return _svd_grad(ctx, gu, gs, gvh), None


def _svd_grad(ctx, gu, gs, gvh):
    """Svd's gradient (see its docstring)."""
    u, s, vh = ctx.saved_tensors
    k = s.shape[-1]
    m, n = u.shape[-2], vh.shape[-1]
    if u.shape[-1] != k:  # full_matrices: only the first k vectors carry the gradient
        u = u[..., :k]
        gu = None if gu is None else gu[..., :k]
    if vh.shape[-2] != k:
        vh = vh[..., :k, :]
        gvh = None if gvh is None else gvh[..., :k, :]
    if gu is None and gvh is None:
        if gs is None:
            return None
        if m >= n:
            return u @ (gs[..., :, None] * vh)
        return (u * gs[..., None, :]) @ vh
    s2 = s * s
    e = s2[..., None, :] - s2[..., :, None] + _eye(k, s)
    if gu is not None and gvh is not None:
        uhgu = mT(u) @ gu
        vhgv = vh @ mT(gvh)
        ga = ((uhgu - mT(uhgu)) * s[..., None, :] + s[..., :, None] * (vhgv - mT(vhgv))) / e
    elif gu is None:
        vhgv = vh @ mT(gvh)
        ga = s[..., :, None] * ((vhgv - mT(vhgv)) / e)
    else:
        uhgu = mT(u) @ gu
        ga = ((uhgu - mT(uhgu)) / e) * s[..., None, :]
    if gs is not None:
        ga = ga + _diag_embed(gs)
    if m > n and gu is not None:
        ga = u @ ga
        gusinv = gu / s[..., None, :]
        ga = ga + gusinv - u @ (mT(u) @ gusinv)
        return ga @ vh
    if m < n and gvh is not None:
        ga = ga @ vh
        sinvgvh = gvh / s[..., :, None]
        ga = ga + sinvgvh - (sinvgvh @ mT(vh)) @ vh
        return u @ ga
    return u @ (ga @ vh) if m >= n else (u @ ga) @ vh


class VectorNorm(Primitive):
    """‖x‖_p over ``dims``;  dL/dx = g·sgn(x)|x|^(p-1)/‖x‖^(p-1) (0 where ‖x‖ = 0), g·x/‖x‖
    for p = 2, g·sgn(x) for p = 1, 0 for p = 0, and for p = ±inf g·sgn(x) shared among the
    elements with |x| = ‖x‖ (or NaN)"""

    backward_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, x, p, dims, keepdim):
        a = np.abs(x)
        with np.errstate(all="ignore"):
            if p == float("inf"):
                out = np.amax(a, axis=dims, keepdims=True)
            elif p == -float("inf"):
                out = np.amin(a, axis=dims, keepdims=True)
            elif p == 0:
                out = np.sum(a != 0, axis=dims, keepdims=True).astype(x.dtype)
            elif p == 1:
                out = np.sum(a, axis=dims, keepdims=True)
            elif p == 2:
                out = np.sqrt(np.sum(a * a, axis=dims, keepdims=True))
            else:
                out = np.sum(a ** p, axis=dims, keepdims=True) ** (1.0 / p)
        out = np.asarray(out).astype(x.dtype, copy=False)
        if not keepdim:
            out = np.squeeze(out, dims)
        if ctx.needs_input_grad:
            ctx.save_for_backward(x, out)
            ctx.p, ctx.dims, ctx.keepdim = p, dims, keepdim
        return out

    @staticmethod
    def backward(ctx, g):
        return _vector_norm_grad(ctx, g), None, None, None


def _vector_norm_grad(ctx, g):
    """VectorNorm's gradient (see its docstring)."""
    x, out = ctx.saved_tensors
    p, dims = ctx.p, ctx.dims
    if not ctx.keepdim:
        g = np.expand_dims(g, dims)
        out = np.expand_dims(out, dims)
    if p == 0:
        return np.zeros_like(x)
    if p == 1:
        return _sgn(x) * g
    zero = out == 0
    safe = np.where(zero, np.ones_like(out), out)  # no 0/0 in the gradient of x/out
    if p == 2:
        return g * np.where(zero, 0, x / safe)
    if p in (float("inf"), -float("inf")):
        a = np.abs(x)
        mask = (a == out) | (a != a)
        mask = np.where(mask, np.ones_like(x), np.zeros_like(x))
        return _sgn(x) * ((g / np.sum(mask, axis=dims, keepdims=True)) * mask)
    if p < 1:
        scaled = _sgn(x) * np.where(x == 0, 0, np.abs(x) ** (p - 1))
        return scaled * g * out ** (1 - p)
    if p < 2:
        return _sgn(x) * np.abs(x) ** (p - 1) * np.where(zero, 0, g / safe ** (p - 1))
    return x * np.abs(x) ** (p - 2) * np.where(zero, 0, g / safe ** (p - 1))


def _copyltu(m):
    """The symmetric matrix with m's lower triangle (diagonal included)."""
    return _tril(m) + mT(_tril(m, -1))


def _qr_square_backward(q, r, gq, gr):
    """dL/dA of A = QR for m >= n: (gQ + Q copyltu(M)) R⁻ᵀ with M = R gRᵀ - gQᵀ Q."""
    x = gq + q @ _copyltu(r @ mT(gr) - mT(gq) @ q)
    return mT(Solve.call(r, mT(x)))


class Qr(Primitive):
    """A = QR (Householder, as LAPACK);  m >= n: dL/dA = (gQ + Q copyltu(M)) R⁻ᵀ with
    M = R gRᵀ - gQᵀ Q;  m < n: that formula for A's first m columns (with gQ + A₂ gR₂ᵀ) and
    Q gR₂ for the rest"""

    backward_name = "LinalgQrBackward0"

    @staticmethod
    def forward(ctx, a, mode):
        with np.errstate(all="ignore"):
            if mode == "r":
                q, r = np.zeros((0,), a.dtype), np.linalg.qr(a + 0.0, mode="r")
            else:
                # + 0.0 turns -0.0 into 0.0: LAPACK's Householder sign of a -0.0 pivot is
                # the implementation's (Fortran's SIGN), torch's makes it +0.0's
                q, r = np.linalg.qr(a + 0.0, mode=mode)
        if ctx.needs_input_grad:
            ctx.save_for_backward(a, q, r)
            ctx.mode = mode
        return q, r

    @staticmethod
    def backward(ctx, gq, gr):
        a, q, r = ctx.saved_tensors
        m, n = a.shape[-2:]
        if ctx.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not "
                               "computed when mode='r'. Please use linalg.qr(A, "
                               "mode='reduced') if you are going to differentiate through "
                               "linalg.qr.")
        if ctx.mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when "
                               "mode='complete' and nrows > ncols.")
        if m >= n:
            return _qr_square_backward(q, r, gq, gr), None
        gr1, gr2 = gr[..., :, :m], gr[..., :, m:]
        gx = _qr_square_backward(q, r[..., :, :m], gq + a[..., :, m:] @ mT(gr2), gr1)
        return np.concatenate([gx, q @ gr2], axis=-1), None


def _expm(a):
    """exp(A) by scaling and squaring: A/2ˢ with norm <= 1/2, its Taylor series to the 18th
    power (error below 1e-22 of the result), then s squarings."""
    with np.errstate(all="ignore"):
        norm = np.abs(a).sum(-1).max(-1, initial=0.0) if a.size else np.zeros(())
        top = float(np.max(norm, initial=0.0)) if np.isfinite(norm).all() else 0.0
        s = max(0, int(np.ceil(np.log2(top / 0.5)))) if top > 0.5 else 0
        x = a / a.dtype.type(2.0 ** s)
        eye = np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape)
        result, term = eye.copy(), eye
        for k in range(1, 19):
            term = (term @ x) / a.dtype.type(k)
            result = result + term
        for _ in range(s):
            result = result @ result
    return result


class MatrixExp(Primitive):
    """Y = exp(A);  dL/dA = exp([[Aᵀ, G], [0, Aᵀ]]) top-right block (torch's formula for an
    analytic function of a matrix)"""

    backward_name = "LinalgMatrixExpBackward0"

    @staticmethod
    def forward(ctx, a):
        if ctx.needs_input_grad:
            ctx.save_for_backward(a)
        return _expm(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        n = a.shape[-1]
        at = mT(a)
        g = np.broadcast_to(g, a.shape) if isinstance(g, np.ndarray) else g
        block = np.concatenate([np.concatenate([at, g], axis=-1),
                                np.concatenate([np.zeros_like(at), at], axis=-1)], axis=-2)
        return MatrixExp.call(block)[..., :n, n:]
