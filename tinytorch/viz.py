"""Pictures of the computation graph, and a step-by-step printout of backward.

    from tinytorch.viz import make_dot, render, print_backward
    dot = make_dot(loss, params=dict(model.named_parameters()))
    render(dot, "graph.svg")          # uses dot, else graphviz-pure, else writes graph.dot
    print_backward(loss, params=dict(model.named_parameters()))

``make_dot`` returns a ``graphviz.Digraph`` (the Python package ``graphviz``): one box per
recorded op (named by its ``grad_fn``, e.g. ``MulBackward0``) and one node per tensor that
enters the graph from outside (leaves: shape, dtype, the parameter's name when ``params``
names it).  Edges run in the forward direction, input -> op -> ... -> output.
"""
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

from .autograd import trace_backward
from .autograd.function import BackwardNode
from .tensor import Tensor

# "Courier": a font name every dot knows the metrics of (graphviz-pure has none for the
# generic "monospace", so labels would overflow their boxes); SVG viewers fall back to monospace
_STYLE = {
    "op": dict(shape="box", style="filled", fillcolor="lightgray", fontname="Courier"),
    "leaf": dict(shape="oval", style="filled", fillcolor="lightblue", fontname="Courier"),
    "param": dict(shape="oval", style="filled", fillcolor="orange", fontname="Courier"),
    "output": dict(shape="oval", style="filled", fillcolor="darkolivegreen1",
                   fontname="Courier"),
}


def _summary(arr):
    """A short, micrograd-style view of values: all of them if few, else statistics."""
    a = np.asarray(arr, dtype=np.float64)
    if a.size <= 4:
        return np.array2string(a.reshape(-1), precision=4, separator=", ")
    return f"mean {a.mean():.4g}, std {a.std():.4g}, |max| {np.abs(a).max():.4g}"


def _shape(x):
    """A tensor's or array's shape as ``(2, 3)``."""
    return "(" + ", ".join(str(s) for s in x.shape) + ")"


def _tensor_label(t, name, show_data, show_grad):
    lines = [name] if name else []
    lines.append(f"{_shape(t)} {t.dtype.name}")
    if show_data:
        lines.append("data " + _summary(t.detach().numpy()))
    if show_grad and (t.is_leaf or t.retains_grad) and t.grad is not None:
        lines.append("grad " + _summary(t.grad.detach().numpy()))
    return "\n".join(lines)


def walk(roots):
    """Every op node and leaf tensor reachable from ``roots``, each once, with the edges
    (source, target) in forward direction; iterative, so deep graphs are fine."""
    nodes, leaves, edges = [], [], []
    seen = set()
    stack = [t.grad_fn for t in roots if t.grad_fn is not None]
    for n in stack:
        seen.add(id(n))
    while stack:
        node = stack.pop()
        nodes.append(node)
        for edge in node.next_functions:
            if edge is None:
                continue
            src = edge[0]
            edges.append((src, node))
            if id(src) in seen:
                continue
            seen.add(id(src))
            if isinstance(src, BackwardNode):
                stack.append(src)
            else:
                leaves.append(src)
    return nodes, leaves, edges


def make_dot(var, params=None, show_data=False, show_grad=False):
    """Build a ``graphviz.Digraph`` of the graph that produced ``var`` (a tensor or a list).

    ``params`` maps names to tensors (``dict(model.named_parameters())``): those leaves are
    drawn as parameters with their names.
    """
    try:
        import graphviz
    except ImportError:
        raise ImportError("make_dot needs the Python package 'graphviz': "
                          "pip install graphviz") from None
    roots = [var] if isinstance(var, Tensor) else list(var)
    names = {id(t): n for n, t in (params or {}).items()}
    dot = graphviz.Digraph("tinytorch", graph_attr=dict(rankdir="TB", fontsize="10"),
                           node_attr=dict(fontsize="10", height="0.3"))
    nodes, leaves, edges = walk(roots)
    for node in nodes:
        dot.node(str(id(node)), type(node).__name__, **_STYLE["op"])
    for t in leaves:
        kind = "param" if id(t) in names else "leaf"
        label = _tensor_label(t, names.get(id(t), ""), show_data, show_grad)
        dot.node(str(id(t)), label, **_STYLE[kind])
    for src, dst in edges:
        dot.edge(str(id(src)), str(id(dst)))
    for k, t in enumerate(roots):
        key = f"output{k}"
        label = _tensor_label(t, names.get(id(t), "output"), show_data, show_grad)
        dot.node(key, label, **_STYLE["output"])
        if t.grad_fn is not None:
            dot.edge(str(id(t.grad_fn)), key)
    return dot


def find_dot():
    """The layout program to use: system Graphviz ``dot``, else ``graphviz-pure`` (a PyPI
    package shipping a dot-compatible binary), looked up on PATH and beside this Python."""
    here = Path(sys.executable).parent
    for name in ("dot", "graphviz-pure"):
        exe = shutil.which(name) or (str(here / name) if (here / name).exists() else None)
        if exe:
            return exe
    return None


def render(dot, path, quiet=False):
    """Write ``dot`` to ``path`` (.svg or .png, by suffix).  Returns the path written.

    Without any layout program, writes the ``.dot`` source instead and says how to get
    pictures; never raises because Graphviz is missing.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fmt = path.suffix.lstrip(".") or "svg"
    source = dot.source if hasattr(dot, "source") else str(dot)
    exe = find_dot()
    if exe is not None:
        proc = subprocess.run([exe, f"-T{fmt}", "-o", str(path)], input=source.encode(),
                              capture_output=True, timeout=120)
        if proc.returncode == 0 and path.exists():
            return path
        err = proc.stderr.decode(errors="replace").strip().splitlines()
        reason = f"{Path(exe).name} failed: {err[-1] if err else proc.returncode}"
    else:
        reason = "no Graphviz 'dot' program found"
    dot_path = path.with_suffix(".dot")
    dot_path.write_text(source)
    if not quiet:
        print(f"{reason}; wrote {dot_path} instead (pip install graphviz-pure, or install "
              "Graphviz, to get pictures)")
    return dot_path


def print_backward(loss, params=None, norms=True, file=None):
    """Run ``loss.backward()`` and print what the engine does, step by step.

    Each line is one Function in the order the engine visits it, with the shapes (and norms)
    of the gradient flowing in (w.r.t. its output) and out (w.r.t. each input), and which
    leaves receive gradient.
    """
    out = file or sys.stdout
    names = {id(t): n for n, t in (params or {}).items()}
    step = [0]

    def fmt(g):
        if g is None:
            return "-"
        s = _shape(g)
        return f"{s} |g|={np.linalg.norm(g):.4g}" if norms else s

    def tracer(node, grads_in, grads_out):
        step[0] += 1
        gin = ", ".join(fmt(g) for g in (grads_in or ()))
        print(f"step {step[0]:>3}  {type(node).__name__:<22} grad in: {gin}", file=out)
        for i, edge in enumerate(node.next_functions):
            if edge is None or grads_out is None:
                continue
            src = edge[0]
            where = type(src).__name__ if isinstance(src, BackwardNode) else \
                "leaf " + names.get(id(src), _shape(src))
            print(f"{'':>10}-> input {i} ({where}): {fmt(grads_out[i])}", file=out)

    with trace_backward(tracer):
        loss.backward()
