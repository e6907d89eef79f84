"""torch-like printing: ``tensor([1., 2.], requires_grad=True)``."""
import numpy as np

_PLAIN = (np.dtype(np.float32), np.dtype(np.int64), np.dtype(np.bool_))


def _float_formatter(data):
    finite = np.abs(data[np.isfinite(data)]).astype(np.float64)
    nonzero = finite[finite != 0]
    if nonzero.size == 0:
        return lambda v: _special(v) or "0."
    lo, hi = nonzero.min(), nonzero.max()
    if np.all(finite == np.round(finite)):
        if hi > 1e8:
            return lambda v: _special(v) or f"{v:.4e}"
        return lambda v: _special(v) or f"{v:.0f}."
    if hi / lo > 1000 or hi > 1e8 or lo < 1e-4:
        return lambda v: _special(v) or f"{v:.4e}"
    return lambda v: _special(v) or f"{v:.4f}"


def _special(v):
    if np.isnan(v):
        return "nan"
    if np.isinf(v):
        return "inf" if v > 0 else "-inf"
    return None


def _body(data):
    kind = data.dtype.kind
    if data.size == 0:
        return "[]"
    if kind == "f":
        fmt = _float_formatter(data)
        formatter = {"float_kind": fmt}
    elif kind == "b":
        formatter = {"bool": lambda v: "True" if v else "False"}
    else:
        formatter = {"int": str}
    if data.ndim == 0:
        return (fmt(data.item()) if kind == "f" else str(data.item()))
    inner = next(iter(formatter.values()))
    sample = data.reshape(-1) if data.size <= 1000 else np.concatenate(
        [data.reshape(-1)[:500], data.reshape(-1)[-500:]])
    width = max(len(inner(v)) for v in sample.tolist())
    formatter = {k: (lambda v, f=f: f(v).rjust(width)) for k, f in formatter.items()}
    return np.array2string(data, separator=", ", prefix="tensor(", formatter=formatter,
                           threshold=1000, edgeitems=3, max_line_width=80)


def tensor_repr(t, name="tensor"):
    data = t.data
    parts = [_body(data)]
    if data.size == 0 and data.shape != (0,):
        parts.append(f"size={tuple(data.shape)}")
    if data.dtype not in _PLAIN:
        from ._dtype import FROM_NP
        parts.append(f"dtype={FROM_NP[data.dtype]!r}")
    if t.grad_fn is not None:
        parts.append(f"grad_fn=<{type(t.grad_fn).__name__}>")
    elif t._requires_grad:
        parts.append("requires_grad=True")
    return f"{name}(" + ", ".join(parts) + ")"
