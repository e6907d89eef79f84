"""The backward engine: an iterative walk of the graph in reverse topological order.

1. Count, for every node reachable from the roots, how many edges point into it.
2. Start from the roots; a node runs only when every consumer has delivered its gradient
   (its count fell to zero), so each node runs once with the sum of all contributions.
3. Each gradient a backward returns is checked against the input it belongs to: a broadcast
   gradient is summed back to the input's shape here (``sum_to``, the one place that does it),
   cast to the input's dtype, and anything else is an error naming the Function.

No recursion anywhere, so a chain of 100,000 ops is fine.
"""
import numpy as np

from .._dtype import FROM_NP
from .function import BackwardNode as Node
from .function import TensorBase, _make
from .grad_mode import STATE, switch
from .hooks import check_hook_result


def sum_to(grad, shape):
    """Reduce a broadcast gradient to ``shape``: sum over the dims broadcasting added/expanded.

    If y = broadcast(x), every element of x fed several elements of y, so dL/dx is the sum of
    their gradients.  Works on arrays and on Tensors (both take ``sum(axis=, keepdims=)``).
    Returns None if ``grad`` cannot come from broadcasting ``shape``.
    """
    gshape = tuple(grad.shape)
    if gshape == shape:
        return grad
    lead = len(gshape) - len(shape)
    if lead < 0:
        return None
    axes = list(range(lead))
    for i, n in enumerate(shape):
        g = gshape[lead + i]
        if n == 1 and g != 1:
            axes.append(lead + i)
        elif n != g:
            return None
    if not axes:
        return grad.reshape(shape)
    if type(grad) is np.ndarray and grad.dtype == np.float16:  # accumulate in float32, as torch
        return grad.sum(axis=tuple(axes), keepdims=True, dtype=np.float32).astype(
            np.float16).reshape(shape)
    return grad.sum(axis=tuple(axes), keepdims=True).reshape(shape)


def _fit(node, i, grad, meta, create_graph):
    """Make the i-th input gradient of ``node`` match the input's shape and dtype: an array,
    or with ``create_graph`` a Tensor (a constant one if backward returned an array)."""
    shape, dtype = meta
    if create_graph:
        if not isinstance(grad, TensorBase):
            grad = _make(np.asarray(grad))
        arr = grad._data
    else:
        if isinstance(grad, TensorBase):
            grad = grad._data
        elif type(grad) is not np.ndarray:
            grad = np.asarray(grad)
        arr = grad
    if arr.shape != shape:
        fitted = sum_to(grad, shape)
        if fitted is None:
            raise RuntimeError(
                f"Function {type(node).__name__} returned an invalid gradient at index {i} - "
                f"got {list(arr.shape)} but expected shape compatible with {list(shape)}")
        grad = fitted
    if arr.dtype != dtype:
        grad = grad.to(FROM_NP[dtype]) if create_graph else grad.astype(dtype)
    return grad


def _zeros_for_missing(node, grads, create_graph):
    if not node._materialize:
        return grads
    return [(_make(np.zeros(m[0], m[1])) if create_graph else np.zeros(m[0], m[1]))
            if g is None else g for g, m in zip(grads, node._out_meta)]


def _check_anomaly(node, grads):
    for i, g in enumerate(grads):
        if isinstance(g, TensorBase):
            g = g._data
        if g is not None and g.dtype.kind == "f" and not np.all(np.isfinite(g)):
            where = node._trace or "(forward was called outside detect_anomaly)\n"
            kind = "nan" if np.isnan(g).any() else "inf"
            raise RuntimeError(f"Function '{type(node).__name__}' returned {kind} values in its "
                               f"{i}th output.\nIts forward was called at:\n{where}")


def _accumulate_leaf(t, g, owned=False):
    """Add ``g`` (an array, or a Tensor with history under create_graph) into ``t.grad``."""
    if isinstance(g, TensorBase):
        t._grad = g if t._grad is None else t._grad + g
        return
    if type(g) is not np.ndarray:  # a sum of 0-d arrays is a numpy scalar
        g, owned = np.asarray(g), True
    if t._grad is None:
        # unless the engine made g just for this leaf, copy it: a backward may hand the
        # same array to several places
        t._grad = _make(g if owned else g.copy())
    else:
        t._grad = _make(np.asarray(t._grad._data + g))


def run_backward(roots, grads, retain_graph=False, inputs=None, accumulate=True, tracer=None,
                 create_graph=False):
    """Backpropagate ``grads`` from ``roots`` (tensors).

    ``grads`` are ndarrays, or with ``create_graph`` Tensors: then every backward runs on
    Tensors with grad mode on, so the gradients it returns carry their own graph.
    With ``inputs``, gradients w.r.t. those tensors are returned (autograd.grad) and, unless
    ``accumulate``, no ``.grad`` is touched.  ``tracer(node, grads_in, grads_out)`` is called
    for every node in visiting order (see tinytorch.viz).
    """
    # as torch: backward records only with create_graph
    prev_mode = switch("enabled", create_graph) if STATE.enabled != create_graph else None
    if create_graph:
        switch("graph_backward", STATE.graph_backward + 1)
    try:
        # inf - inf and the like give nan silently, as in torch (one errstate per backward)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return _run(roots, grads, retain_graph, inputs, accumulate,
                        STATE.tracer if tracer is None else tracer, create_graph)
    finally:
        if prev_mode is not None:
            switch("enabled", prev_mode)
        if create_graph:
            switch("graph_backward", STATE.graph_backward - 1)


def _run(roots, grads, retain_graph, inputs, accumulate, tracer, create_graph):
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
            out_grads = _run_hooks(node, out_grads, create_graph)
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
            if len(node._out_meta) > 1:  # several outputs: some may have had no grad
                out_grads = _zeros_for_missing(node, out_grads, create_graph)
            in_grads = node._run_backward(out_grads, create_graph)
            if anomaly:
                _check_anomaly(node, in_grads)
            if not retain_graph and node._saved is not None:
                node._release()
        if tracer is not None:
            tracer(node, out_grads, in_grads)
        for i, edge in enumerate(node.next_functions):
            if edge is None:
                continue
            nxt, nr = edge
            g = in_grads[i] if in_grads is not None else None
            if g is not None:
                # the gradient must match what it flows into: output nr of the node that made
                # this input, or the leaf itself
                m = nxt._out_meta[nr] if isinstance(nxt, Node) else \
                    (nxt._data.shape, nxt._data.dtype)
                if create_graph or type(g) is not np.ndarray or g.shape != m[0] \
                        or g.dtype != m[1]:
                    g = _fit(node, i, g, m, create_graph)
            if isinstance(nxt, Node):
                if g is not None:
                    buf = buffers.get(nxt)
                    if buf is None:
                        n_out = len(nxt._out_meta)
                        buffers[nxt] = [g] if n_out == 1 else \
                            [g if k == nr else None for k in range(n_out)]
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
                    leaves[id(nxt)] = [nxt, g, node._raw and _fresh(g, in_grads, out_grads)]
                else:
                    entry[1] = entry[1] + g
                    entry[2] = True  # a fresh array, nobody else holds it
    for t, g, owned in leaves.values():
        _deliver_leaf(t, g, capture, results, accumulate, owned)
    return results


def _fresh(g, in_grads, out_grads):
    """Speed shortcut (benchmarks/mlp.py: about 2 % of a moons step, counted in CPU
    instructions, is the copy this saves for each parameter): a gradient array that a
    built-in's backward has just made can become a leaf's ``.grad`` without a copy.  It must
    own its memory and be handed to this input only: not a view, not the node's incoming
    gradient passed through (Add, Clone), not one array returned for two inputs."""
    if type(g) is not np.ndarray or g.base is not None:
        return False
    uses = 0
    for x in in_grads:
        if x is g:
            uses += 1
    for x in out_grads:
        if x is g:
            return False
    return uses == 1


def _n_outputs(node):
    return len(node._out_meta)


def _deliver_leaf(t, g, capture, results, accumulate, owned=False):
    if capture is not None:
        ks = capture.get(id(t))
        if ks is not None:
            for k in ks:
                results[k] = g if results[k] is None else results[k] + g
    if accumulate:
        for hook in t._hooks or ():
            out = hook(g if isinstance(g, TensorBase) else _make(g))
            if out is not None:
                check_hook_result(hook, g, out)
                g = out if isinstance(g, TensorBase) else out._data
                owned = False
        _accumulate_leaf(t, g, owned)


def _run_hooks(node, out_grads, create_graph):
    out_grads = list(out_grads)
    for nr, hooks in node._hooks.items():
        for hook in hooks:
            if out_grads[nr] is None:
                break
            g = out_grads[nr]
            res = hook(g if create_graph else _make(g))
            if res is not None:
                check_hook_result(hook, g, res)
                out_grads[nr] = res if create_graph else res._data
    return out_grads
