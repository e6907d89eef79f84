"""tinytorch.viz: graph pictures (make_dot, render) and the step-by-step backward printout."""
import io
import re
import shutil
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import tinytorch as torch
from tinytorch import nn, viz
from tinytorch.autograd import BackwardNode

pytest.importorskip("graphviz")

NODE = re.compile(r"^\t(\S+) \[label=(.*) fillcolor=(\S+) ", re.S)
EDGE = re.compile(r"^\t(\S+) -> (\S+)\s*$")


def parse(dot):
    """(nodes: id -> (label, fillcolor) in order of definition, with a count of definitions;
    edges: Counter of (src, dst))."""
    nodes, defined, edges = {}, Counter(), Counter()
    for stmt in dot.body:
        m = EDGE.match(stmt)
        if m:
            edges[m.groups()] += 1
            continue
        m = NODE.match(stmt)
        if m:
            key, label, color = m.groups()
            nodes[key] = (label.strip('"'), color)
            defined[key] += 1
    return nodes, defined, edges


def graph_of(root):
    """Every op node and leaf reachable from ``root``, and the edge multiset, found
    independently of viz (recursive walk over next_functions)."""
    ops, leaves, edges = {}, {}, Counter()

    def visit(node):
        if id(node) in ops:
            return
        ops[id(node)] = node
        for e in node.next_functions:
            if e is None:
                continue
            src = e[0]
            edges[(str(id(src)), str(id(node)))] += 1
            if isinstance(src, BackwardNode):
                visit(src)
            else:
                leaves[id(src)] = src

    visit(root.grad_fn)
    return ops, leaves, edges


def diamond():
    """y = a * b is reached by two paths: z = sum(y + exp(y))."""
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor([3.0, -1.0], requires_grad=True)
    y = a * b
    z = (y + y.exp()).sum()
    return a, b, y, z


def test_make_dot_each_node_and_edge_once():
    a, b, y, z = diamond()
    dot = viz.make_dot(z)
    nodes, defined, edges = parse(dot)
    ops, leaves, expected_edges = graph_of(z)
    assert all(n == 1 for n in defined.values()), defined
    # one node per op, per leaf, plus the output
    assert set(nodes) == {str(k) for k in ops} | {str(k) for k in leaves} | {"output0"}
    for k, node in ops.items():
        assert nodes[str(k)][0] == type(node).__name__
    # y's MulBackward0 feeds both AddBackward0 and ExpBackward0: two edges, each drawn once
    expected_edges[(str(id(z.grad_fn)), "output0")] += 1
    assert edges == expected_edges
    assert max(edges.values()) == 1


def test_make_dot_repeated_input_keeps_both_edges():
    # x * x uses x twice: two inputs of one op, so two edges (as torchviz draws it)
    x = torch.tensor([1.5, -2.0], requires_grad=True)
    z = (x * x).sum()
    nodes, defined, edges = parse(viz.make_dot(z))
    assert defined[str(id(x))] == 1
    assert edges[(str(id(x)), str(id(z.grad_fn.next_functions[0][0])))] == 2


def test_make_dot_param_names_and_styles():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    x = torch.randn(5, 3, requires_grad=True)        # a leaf that is not a parameter
    loss = model(x).pow(2).mean()
    params = dict(model.named_parameters())
    nodes, defined, _ = parse(viz.make_dot(loss, params=params))
    for name, p in params.items():
        label, color = nodes[str(id(p))]
        assert label.splitlines()[0] == name
        shape = "(" + ", ".join(map(str, p.shape)) + ")"
        assert label.splitlines()[1] == f"{shape} float32"
        assert color == viz._STYLE["param"]["fillcolor"]
    label, color = nodes[str(id(x))]
    assert label.splitlines()[0] == "(5, 3) float32"
    assert color == viz._STYLE["leaf"]["fillcolor"]
    assert nodes["output0"][1] == viz._STYLE["output"]["fillcolor"]
    op_colors = {c for k, (lbl, c) in nodes.items() if lbl.endswith("Backward0")}
    assert op_colors == {viz._STYLE["op"]["fillcolor"]}
    # four visibly different kinds
    assert len({viz._STYLE[k]["fillcolor"] for k in ("op", "leaf", "param", "output")}) == 4


def test_make_dot_list_of_outputs():
    a, b, y, z = diamond()
    w = (a * 2).sum()
    nodes, defined, edges = parse(viz.make_dot([z, w]))
    assert {"output0", "output1"} <= set(nodes)
    assert defined[str(id(a))] == 1                  # shared leaf drawn once
    assert edges[(str(id(w.grad_fn)), "output1")] == 1


def numbers(text):
    """'[1., 2.5]' -> array([1., 2.5])"""
    return np.array([float(v) for v in text.strip("[] ").split(",")])


def test_make_dot_show_data_and_grad():
    a, b, y, z = diamond()
    nodes, _, _ = parse(viz.make_dot(z, params={"a": a}))
    assert not any("data" in lbl or "grad" in lbl for lbl, _ in nodes.values())

    z.backward(retain_graph=True)
    nodes, _, _ = parse(viz.make_dot(z, params={"a": a}, show_data=True, show_grad=True))
    lines = nodes[str(id(a))][0].splitlines()
    data_line = next(s for s in lines if s.startswith("data "))
    grad_line = next(s for s in lines if s.startswith("grad "))
    # small tensors show their values
    assert np.allclose(numbers(data_line[5:]), a.detach().numpy())
    assert np.allclose(numbers(grad_line[5:]), a.grad.numpy(), rtol=1e-3)
    out_lines = nodes["output0"][0].splitlines()
    value = numbers(next(s for s in out_lines if s.startswith("data "))[5:])
    assert value == pytest.approx([z.item()], rel=1e-4)

    # large tensors: a statistics summary instead of every value
    big = torch.randn(10, 10, requires_grad=True)
    s = (big * 3).sum()
    s.backward()
    lbl = parse(viz.make_dot(s, show_data=True, show_grad=True))[0][str(id(big))][0]
    grad_line = next(x for x in lbl.splitlines() if x.startswith("grad "))
    assert "mean 3" in grad_line and "std 0" in grad_line
    data_line = next(x for x in lbl.splitlines() if x.startswith("data "))
    assert f"{big.detach().numpy().mean():.4g}" in data_line


def test_render_fallback_writes_dot_and_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(viz, "find_dot", lambda: None)
    a, b, y, z = diamond()
    dot = viz.make_dot(z)
    out = viz.render(dot, tmp_path / "sub" / "graph.svg")
    assert out == tmp_path / "sub" / "graph.dot"
    assert out.read_text() == dot.source
    assert not (tmp_path / "sub" / "graph.svg").exists()
    msg = capsys.readouterr().out.strip()
    assert len(msg.splitlines()) == 1
    assert "graph.dot" in msg and "graphviz-pure" in msg

    viz.render(dot, tmp_path / "quiet.png", quiet=True)
    assert capsys.readouterr().out == ""
    assert (tmp_path / "quiet.dot").exists()


def test_render_failing_program_falls_back(tmp_path, monkeypatch, capsys):
    false = shutil.which("false")
    if false is None:
        pytest.skip("no 'false' program")
    monkeypatch.setattr(viz, "find_dot", lambda: false)
    out = viz.render(viz.make_dot(diamond()[3]), tmp_path / "g.svg")
    assert out.suffix == ".dot" and out.exists()
    assert "failed" in capsys.readouterr().out


def _graphviz_pure():
    here = Path(sys.executable).parent / "graphviz-pure"
    return shutil.which("graphviz-pure") or (str(here) if here.exists() else None)


@pytest.mark.parametrize("fmt, magic", [("svg", b"<svg"), ("png", b"\x89PNG\r\n\x1a\n")])
def test_render_with_graphviz_pure(tmp_path, monkeypatch, fmt, magic):
    exe = _graphviz_pure()
    if exe is None:
        pytest.skip("graphviz-pure is not installed")
    monkeypatch.setattr(viz, "find_dot", lambda: exe)
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 2))
    loss = nn.CrossEntropyLoss()(model(torch.randn(4, 2)), torch.tensor([0, 1, 1, 0]))
    loss.backward(retain_graph=True)
    dot = viz.make_dot(loss, params=dict(model.named_parameters()), show_grad=True)
    out = viz.render(dot, tmp_path / f"graph.{fmt}")
    assert out == tmp_path / f"graph.{fmt}"
    head = out.read_bytes()[:2000]
    assert magic in head
    if fmt == "svg":
        text = out.read_text()
        for name in ("0.weight", "0.bias", "2.weight", "2.bias", "AddmmBackward0"):
            assert name in text


def test_find_dot_prefers_system_dot(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: f"/opt/{name}" if name == "dot" else None)
    assert viz.find_dot() == "/opt/dot"
    monkeypatch.setattr(shutil, "which",
                        lambda name: "/opt/gp" if name == "graphviz-pure" else None)
    assert viz.find_dot() == "/opt/gp"


def _mlp_loss():
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    x, y = torch.randn(6, 3), torch.randn(6, 1)
    return model, nn.MSELoss()(model(x), y)


def test_print_backward_order_shapes_and_norms():
    model, loss = _mlp_loss()
    params = dict(model.named_parameters())
    # the chain of ops from the loss down to the input, found by following next_functions
    chain, node = [], loss.grad_fn
    while node is not None:
        chain.append(type(node).__name__)
        node = next((e[0] for e in node.next_functions
                     if e is not None and isinstance(e[0], BackwardNode)), None)
    buf = io.StringIO()
    viz.print_backward(loss, params=params, file=buf)
    text = buf.getvalue()
    steps = re.findall(r"^step\s+(\d+)\s+(\S+)", text, re.M)
    assert [int(k) for k, _ in steps] == list(range(1, len(chain) + 1))
    assert [name for _, name in steps] == chain      # output first, input layer last
    # backward really ran: every parameter has its gradient, and the printout shows it
    for name, p in params.items():
        assert p.grad is not None
        shape = "(" + ", ".join(map(str, p.shape)) + ")"
        line = next(s for s in text.splitlines() if f"(leaf {name})" in s)
        norm = float(line.split("|g|=")[1])
        assert shape in line
        assert norm == pytest.approx(np.linalg.norm(p.grad.numpy()), rel=1e-3)
    # parameters of the last layer receive gradient before those of the first
    assert text.index("leaf 2.weight") < text.index("leaf 0.weight")
    assert "grad in: () |g|=1" in text.splitlines()[0]


def test_print_backward_without_norms_and_names():
    model, loss = _mlp_loss()
    buf = io.StringIO()
    viz.print_backward(loss, norms=False, file=buf)
    text = buf.getvalue()
    assert "|g|" not in text
    assert "leaf (4, 3)" in text                         # unnamed leaves show their shape


def test_print_backward_to_stdout(capsys):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    viz.print_backward((x * x).sum())
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[2] == "SumBackward0"
    assert x.grad.tolist() == [2.0, 4.0]
