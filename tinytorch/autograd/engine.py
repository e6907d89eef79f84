"""The backward engine: an iterative walk of the graph in reverse topological order.

1. Count, for every node reachable from the roots, how many edges point into it.
2. Start from the roots; a node runs only when every consumer has delivered its gradient
   (its count fell to zero), so each node runs once with the sum of all contributions.
3. Each gradient a backward returns is checked against the input it belongs to: a broadcast
   gradient is summed back to the input's shape here (``sum_to``, the one place that does it),
   cast to the input's dtype, and anything else is an error naming the Function.

No recursion anywhere, so a chain of 100,000 ops is fine.
"""
import sys

import numpy as np

from . import function as _function
from .function import BackwardNode as Node
from .grad_mode import STATE


def sum_to(grad, shape):
    """Reduce a broadcast gradient to ``shape``: sum over the dims broadcasting added/expanded.

    If y = broadcast(x), every element of x fed several elements of y, so dL/dx is the sum of
    their gradients.  Returns None if ``grad`` cannot come from broadcasting ``shape``.
    """
    if grad.shape == shape:
        return grad
    lead = grad.ndim - len(shape)
    if lead < 0:
        return None
    axes = list(range(lead))
    for i, n in enumerate(shape):
        g = grad.shape[lead + i]
        if n == 1 and g != 1:
            axes.append(lead + i)
        elif n != g:
            return None
    out = grad.sum(axis=tuple(axes), keepdims=True) if axes else grad
    return out.reshape(shape)


def _fit(node, i, grad, meta):
    """Make the i-th input gradient of ``node`` match the input's shape and dtype."""
    shape, dtype = meta
    if type(grad) is not np.ndarray:
        grad = np.asarray(grad)
    if grad.shape != shape:
        fitted = sum_to(grad, shape)
        if fitted is None:
            raise RuntimeError(
                f"Function {type(node).__name__} returned an invalid gradient at index {i} - "
                f"got {list(grad.shape)} but expected shape compatible with {list(shape)}")
        grad = fitted
    if grad.dtype != dtype:
        grad = grad.astype(dtype)
    return grad


def _zeros_for_missing(node, grads):
    if not node._materialize:
        return grads
    return [np.zeros(m[0], m[1]) if g is None else g for g, m in zip(grads, node._out_meta)]


def _check_anomaly(node, grads):
    for i, g in enumerate(grads):
        if g is not None and g.dtype.kind == "f" and not np.all(np.isfinite(g)):
            where = node._trace or "(forward was called outside detect_anomaly)\n"
            kind = "nan" if np.isnan(g).any() else "inf"
            raise RuntimeError(f"Function '{type(node).__name__}' returned {kind} values in its "
                               f"{i}th output.\nIts forward was called at:\n{where}")


def _accumulate_leaf(t, g, owned=False):
    if t.grad is None:
        # unless the engine made g just for this leaf, copy it: a backward may hand the
        # same array to several places
        t.grad = _function._make(g if owned else g.copy())
    else:
        t.grad = _function._make(t.grad.data + g)


def run_backward(roots, grads, retain_graph=False, inputs=None, accumulate=True, tracer=None):
    """Backpropagate ``grads`` (ndarrays) from ``roots`` (tensors).

    With ``inputs``, gradients w.r.t. those tensors are returned (autograd.grad) and, unless
    ``accumulate``, no ``.grad`` is touched.  ``tracer(node, grads_in, grads_out)`` is called
    for every node in visiting order (see tinytorch.viz).
    """
    if tracer is None:
        tracer = STATE.tracer
    capture = None
    if inputs is not None:
        capture = {}
        for k, t in enumerate(inputs):
            key = (id(t.grad_fn), t._output_nr) if t.grad_fn is not None else id(t)
            capture.setdefault(key, []).append(k)
    results = [None] * (len(inputs) if inputs is not None else 0)

    buffers = {}
    leaves = {}
    deps = {}
    start = []
    for t, g in zip(roots, grads):
        node = t.grad_fn
        if node is None:
            _deliver_leaf(t, g, capture, results, accumulate)
            continue
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * _n_outputs(node)
            start.append(node)
        nr = t._output_nr
        buf[nr] = g if buf[nr] is None else buf[nr] + g

    # 1. dependency counts, iteratively
    seen = set(start)
    stack = list(start)
    while stack:
        node = stack.pop()
        for edge in node.next_functions:
            if edge is None:
                continue
            nxt = edge[0]
            if isinstance(nxt, Node):
                deps[nxt] = deps.get(nxt, 0) + 1
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)

    # 2. run nodes whose consumers are all done
    ready = [n for n in start if deps.get(n, 0) == 0]
    anomaly = STATE.anomaly
    while ready:
        node = ready.pop()
        out_grads = buffers.pop(node, None)
        if out_grads is not None and node._hooks is not None:
            out_grads = _run_hooks(node, out_grads)
        if out_grads is not None and node._retained is not None:
            for nr, ref in node._retained.items():
                t = ref()
                if t is not None and out_grads[nr] is not None:
                    _accumulate_leaf(t, out_grads[nr])
        if capture is not None and out_grads is not None:
            for nr, g in enumerate(out_grads):
                ks = capture.get((id(node), nr))
                if ks is not None and g is not None:
                    for k in ks:
                        results[k] = g
        in_grads = None
        if out_grads is not None and (out_grads[0] is not None or len(out_grads) > 1
                                      and any(g is not None for g in out_grads)):
            if node._out_meta is not None:  # several outputs: some may have had no grad
                out_grads = _zeros_for_missing(node, out_grads)
            if node._raw and node._fn is not None:
                in_grads = node._fn.backward(node, *out_grads)
                if type(in_grads) is not tuple:
                    in_grads = (in_grads,)
                if len(in_grads) != len(node.next_functions):
                    in_grads = node._check_count(in_grads)
            else:
                in_grads = node._run_backward(out_grads)
            if anomaly:
                _check_anomaly(node, in_grads)
            if not retain_graph and node._saved is not None:
                node._saved = node._saved_meta = None
                node._freed = True
        if tracer is not None:
            tracer(node, out_grads, in_grads)
        metas = node._in_meta
        for i, edge in enumerate(node.next_functions):
            if edge is None:
                continue
            nxt, nr = edge
            g = in_grads[i] if in_grads is not None else None
            if g is not None:
                m = metas[i]
                if type(g) is not np.ndarray or g.shape != m[0] or g.dtype != m[1]:
                    g = _fit(node, i, g, m)
            if isinstance(nxt, Node):
                if g is not None:
                    buf = buffers.get(nxt)
                    if buf is None:
                        buffers[nxt] = [g] if nxt._out_meta is None else \
                            [g if k == nr else None for k in range(len(nxt._out_meta))]
                    else:
                        buf[nr] = g if buf[nr] is None else buf[nr] + g
                d = deps[nxt] - 1
                deps[nxt] = d
                if d == 0:
                    ready.append(nxt)
            elif g is not None:
                # a leaf: sum its contributions here and deliver once, at the end (its
                # hooks then see the total gradient, as torch's AccumulateGrad does)
                entry = leaves.get(id(nxt))
                if entry is None:
                    leaves[id(nxt)] = [nxt, g, False]
                else:
                    entry[1] = entry[1] + g
                    entry[2] = True  # a fresh array, nobody else holds it
    for t, g, owned in leaves.values():
        if not owned and _SOLE is not None and g.base is None and sys.getrefcount(g) == _SOLE:
            owned = True  # nothing else holds this array: the leaf can keep it uncopied
        _deliver_leaf(t, g, capture, results, accumulate, owned)
    return results


def _sole_refcount():
    """What sys.getrefcount reports, in the loop above, for an array that only the leaves
    entry holds (the number differs between CPython versions, so it is measured)."""
    leaves = {0: [None, np.empty(1), False]}
    for t, g, owned in leaves.values():
        return sys.getrefcount(g)


_SOLE = _sole_refcount() if sys.implementation.name == "cpython" else None


def _n_outputs(node):
    return len(node._out_meta) if node._out_meta is not None else 1


def _deliver_leaf(t, g, capture, results, accumulate, owned=False):
    if capture is not None:
        ks = capture.get(id(t))
        if ks is not None:
            for k in ks:
                results[k] = g if results[k] is None else results[k] + g
    if accumulate:
        for hook in t._hooks or ():
            out = hook(_function._make(g))
            if out is not None:
                g = out.data
                owned = False
        _accumulate_leaf(t, g, owned)


def _run_hooks(node, out_grads):
    out_grads = list(out_grads)
    for nr, hooks in node._hooks.items():
        for hook in hooks:
            if out_grads[nr] is None:
                break
            res = hook(_function._make(out_grads[nr]))
            if res is not None:
                out_grads[nr] = res.data
    return out_grads
