"""torch-like printing: ``tensor([1., 2.], requires_grad=True)``.

The layout follows torch's printer: one width for every element, chosen from the nonzero
finite values; floats print as integers (``1.``), fixed point (``1.5000``) or scientific
(``1.0000e+08``); lines wrap at 80 characters; more than 1000 elements are summarised with
``...`` keeping 3 items at each edge of every dim.
"""
import math

import numpy as np

from . import _dtype

LINEWIDTH = 80
PRECISION = 4
THRESHOLD = 1000
EDGEITEMS = 3


class _Formatter:
    """Chooses one format for all the elements of an array (as torch's printer does)."""

    def __init__(self, data):
        self.floating = data.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = data.reshape(-1)
        if not self.floating:
            for v in flat.tolist():
                self.max_width = max(self.max_width, len(f"{v}"))
            return
        vals = flat[np.isfinite(flat) & (flat != 0)].astype(np.float64)
        if vals.size == 0:
            return
        mags = np.abs(vals)
        lo, hi = mags.min(), mags.max()
        self.int_mode = bool(np.all(vals == np.ceil(vals)))
        if self.int_mode:
            if hi / lo > 1000.0 or hi > 1.0e8:
                self.sci_mode = True
                width = max(len(f"{v:.{PRECISION}e}") for v in vals.tolist())
            else:
                width = max(len(f"{v:.0f}") + 1 for v in vals.tolist())
        elif hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4:
            self.sci_mode = True
            width = max(len(f"{v:.{PRECISION}e}") for v in vals.tolist())
        else:
            width = max(len(f"{v:.{PRECISION}f}") for v in vals.tolist())
        self.max_width = max(self.max_width, width)

    def format(self, v):
        if self.floating:
            if self.sci_mode:
                s = f"{v:{self.max_width}.{PRECISION}e}"
            elif self.int_mode:
                s = f"{v:.0f}"
                if not (math.isinf(v) or math.isnan(v)):
                    s += "."
            else:
                s = f"{v:.{PRECISION}f}"
        else:
            s = f"{v}"
        return s.rjust(self.max_width)


def _summarized(data):
    """The elements that will actually be printed (edges of every dim), for the formatter."""
    if data.ndim == 0:
        return data
    if data.ndim == 1:
        if data.shape[0] > 2 * EDGEITEMS:
            return np.concatenate([data[:EDGEITEMS], data[-EDGEITEMS:]])
        return data
    rows = list(range(data.shape[0]))
    if data.shape[0] > 2 * EDGEITEMS:
        rows = rows[:EDGEITEMS] + rows[-EDGEITEMS:]
    return np.stack([_summarized(data[i]) for i in rows])


def _vector(data, indent, summarize, fmt):
    per_line = max(1, (LINEWIDTH - indent) // (fmt.max_width + 2))
    if summarize and data.shape[0] > 2 * EDGEITEMS:
        items = ([fmt.format(v) for v in data[:EDGEITEMS].tolist()] + [" ..."]
                 + [fmt.format(v) for v in data[-EDGEITEMS:].tolist()])
    else:
        items = [fmt.format(v) for v in data.tolist()]
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested(data, indent, summarize, fmt):
    if data.ndim == 0:
        return fmt.format(data.item())
    if data.ndim == 1:
        return _vector(data, indent, summarize, fmt)
    n = data.shape[0]
    if summarize and n > 2 * EDGEITEMS:
        parts = ([_nested(data[i], indent + 1, summarize, fmt) for i in range(EDGEITEMS)]
                 + ["..."]
                 + [_nested(data[i], indent + 1, summarize, fmt) for i in range(n - EDGEITEMS, n)])
    else:
        parts = [_nested(data[i], indent + 1, summarize, fmt) for i in range(n)]
    sep = "," + "\n" * (data.ndim - 1) + " " * (indent + 1)
    return "[" + sep.join(parts) + "]"


def array_str(data, indent):
    """The bracketed body of a tensor's repr, ``indent`` columns in."""
    if data.size == 0:
        return "[]"
    if data.dtype == np.float16:
        data = data.astype(np.float32)
    summarize = data.size > THRESHOLD
    fmt = _Formatter(_summarized(data) if summarize else data)
    return _nested(data, indent, summarize, fmt)


def tensor_repr(t, name="tensor"):
    data = t._data
    prefix = name + "("
    default = _dtype.get_default_dtype().np
    suffixes = []
    body = array_str(data, len(prefix))
    if data.size == 0:
        if data.ndim != 1:
            suffixes.append(f"size={tuple(data.shape)}")
        show_dtype = data.dtype != default
    else:
        show_dtype = data.dtype not in (default, np.dtype(np.int64), np.dtype(np.bool_))
    if show_dtype:
        suffixes.append(f"dtype={_dtype.FROM_NP[data.dtype]!r}")
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{type(t.grad_fn).__name__}>")
    elif t._requires_grad:
        suffixes.append("requires_grad=True")
    return prefix + ", ".join([body] + suffixes) + ")"
