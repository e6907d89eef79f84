"""gradcheck: compare analytic gradients with central finite differences, in float64."""
import numpy as np

from .function import TensorBase as Tensor
from .function import _make


class GradcheckError(RuntimeError):
    """Raised by gradcheck when analytic and numeric gradients disagree."""


def _outputs(fn, inputs):
    out = fn(*inputs)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    return [o for o in outs if isinstance(o, Tensor) and o._data.dtype.kind == "f"]


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, seed=0):
    """Check ``fn``'s gradients w.r.t. every input that requires grad.

    Inputs are converted to float64.  For each output o and input x, the full Jacobian
    d o / d x is built twice: numerically, column by column, with (f(x+eps) - f(x-eps)) / 2eps,
    and analytically, row by row, by backward passes with one-hot upstream gradients.  A
    vector-Jacobian product with a random upstream gradient is checked as well.

    >>> x = tinytorch.randn(3, dtype=tinytorch.float64, requires_grad=True)
    >>> gradcheck(lambda t: (t * t).sum(), (x,))
    True
    """
    from . import engine

    if isinstance(inputs, Tensor):
        inputs = (inputs,)
    inputs = list(inputs)
    work = []
    for x in inputs:
        if isinstance(x, Tensor) and x.requires_grad:
            leaf = _make(x._data.astype(np.float64))
            leaf.requires_grad_(True)
            work.append(leaf)
        else:
            work.append(x)
    diff_idx = [i for i, x in enumerate(work) if isinstance(x, Tensor) and x.requires_grad]
    if not diff_idx:
        raise ValueError("gradcheck expects at least one input tensor to require gradient")

    outs = _outputs(fn, work)
    rng = np.random.default_rng(seed)

    def fail(msg):
        if raise_exception:
            raise GradcheckError(msg)
        return False

    for k, out in enumerate(outs):
        if not out.requires_grad:
            for i in diff_idx:
                num = _numerical(fn, work, i, k, eps)
                if np.any(np.abs(num) > atol):
                    return fail(f"output {k} does not require grad, but its numerical "
                                f"gradient w.r.t. input {i} is not zero")
            continue
        n_out = out._data.size
        for i in diff_idx:
            x = work[i]
            num = _numerical(fn, work, i, k, eps)  # (n_out, n_in)
            ana = np.zeros_like(num)
            for j in range(n_out):
                seed_g = np.zeros(out._data.shape)
                seed_g.flat[j] = 1.0
                (g,) = engine.run_backward([out], [seed_g], retain_graph=True, inputs=[x],
                                           accumulate=False)
                if g is not None:
                    ana[j] = np.asarray(g, dtype=np.float64).reshape(-1)
            bad = ~np.isclose(ana, num, rtol=rtol, atol=atol, equal_nan=True)
            if bad.any():
                j, e = map(int, np.argwhere(bad)[0])
                elem = tuple(int(d) for d in np.unravel_index(e, x._data.shape))
                return fail(f"Jacobian mismatch for output {k} with respect to input {i} "
                            f"(shape {list(x._data.shape)}), input element {elem}, "
                            f"output element {j}:\nanalytical: {float(ana[j, e])!r}\n"
                            f"numerical:  {float(num[j, e])!r}\ninput value: "
                            f"{float(x._data.reshape(-1)[e])!r}")
            v = rng.standard_normal(out._data.shape)
            (g,) = engine.run_backward([out], [v], retain_graph=True, inputs=[x],
                                       accumulate=False)
            g = np.zeros(x._data.size) if g is None else np.asarray(g).reshape(-1)
            expect = v.reshape(-1) @ num
            if not np.allclose(g, expect, rtol=rtol, atol=atol * max(1, n_out)):
                e = int(np.argmax(np.abs(g - expect)))
                return fail(f"vector-Jacobian product mismatch for output {k} w.r.t. input "
                            f"{i}, element {e}, with a random upstream gradient:\n"
                            f"analytical: {float(g[e])!r}\nnumerical:  {float(expect[e])!r}")
    return True


def _numerical(fn, work, i, k, eps):
    from .grad_mode import set_grad_enabled
    x = work[i]
    flat = x._data.reshape(-1)
    base_out = None
    cols = []
    # fn may itself differentiate (gradgradcheck): then it needs grad mode
    with set_grad_enabled(getattr(fn, "_needs_grad_mode", False)):
        for e in range(flat.size):
            orig = flat[e]
            flat[e] = orig + eps
            plus = _outputs(fn, work)[k]._data.astype(np.float64)
            flat[e] = orig - eps
            minus = _outputs(fn, work)[k]._data.astype(np.float64)
            flat[e] = orig
            cols.append(((plus - minus) / (2 * eps)).reshape(-1))
            base_out = plus
    if not cols:
        n_out = _outputs(fn, work)[k]._data.size if base_out is None else base_out.size
        return np.zeros((n_out, 0))
    return np.stack(cols, axis=1)


def gradgradcheck(fn, inputs, grad_outputs=None, eps=1e-6, atol=1e-5, rtol=1e-3,
                  raise_exception=True, seed=0):
    """Check second derivatives: gradcheck of the function that maps (inputs, upstream
    gradients) to the gradients ``autograd.grad(fn(inputs), inputs, upstream,
    create_graph=True)``, so the backward of every backward is compared with finite
    differences of the first gradient, with a random upstream gradient (or ``grad_outputs``).

    >>> x = tinytorch.randn(3, dtype=tinytorch.float64, requires_grad=True)
    >>> gradgradcheck(lambda t: (t ** 3).sum(), (x,))
    True
    """
    from . import grad as autograd_grad

    if isinstance(inputs, Tensor):
        inputs = (inputs,)
    inputs = [_make(x._data.astype(np.float64)).requires_grad_(True)
              if isinstance(x, Tensor) and x.requires_grad else x for x in inputs]
    diff = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    outs = _outputs(fn, inputs)
    outs = [o for o in outs if o.requires_grad]
    rng = np.random.default_rng(seed)
    if grad_outputs is None:
        vs = [_make(rng.standard_normal(o._data.shape)).requires_grad_(True) for o in outs]
    else:
        grad_outputs = [grad_outputs] if isinstance(grad_outputs, Tensor) else grad_outputs
        vs = [_make(g._data.astype(np.float64)).requires_grad_(True) for g in grad_outputs]
    n = len(inputs)

    def first_gradients(*args):
        xs, v = list(args[:n]), list(args[n:])
        ys = [o for o in _outputs(fn, xs) if o.requires_grad]
        return autograd_grad(ys, [xs[i] for i in diff], v, create_graph=True,
                             allow_unused=True, materialize_grads=True)

    first_gradients._needs_grad_mode = True
    return gradcheck(first_gradients, inputs + vs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, seed=seed)
