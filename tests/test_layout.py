"""The shape of the package: dependencies point one way (autograd <- functions <- tensor <- nn
<- optim), no module-level import cycles, every Function in functions/ or autograd/, a thin
tensor.py, and no reach-ins to version counters or private constructors from outside the
core."""
import ast
import importlib
import pathlib
import pkgutil
import re

import pytest

import tinytorch

ROOT = pathlib.Path(tinytorch.__file__).parent
# the core: where version counters, the raw array and the private constructor may be used
CORE = ("autograd/", "tensor.py", "creation.py", "_")


def _modules():
    """{dotted name: path} for every module of the package."""
    out = {}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT.parent).with_suffix("")
        name = ".".join(rel.parts)
        out[name[: -len(".__init__")] if name.endswith(".__init__") else name] = path
    return out


MODULES = _modules()


def _top_level_imports(tree):
    """Import statements run at import time (module body, incl. if/try blocks)."""
    found = []

    def walk(body):
        for node in body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                found.append(node)
            elif isinstance(node, (ast.If, ast.Try, ast.With)):
                for field in ("body", "orelse", "finalbody"):
                    walk(getattr(node, field, None) or [])
                for handler in getattr(node, "handlers", []):
                    walk(handler.body)
    walk(tree.body)
    return found


def _import_graph():
    graph = {}
    for name, path in MODULES.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        deps = set()
        for node in _top_level_imports(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                deps |= {a.name for a in node.names if a.name in MODULES}
                continue
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(parts + ([node.module] if node.module else []))
            else:
                target = node.module
            for alias in node.names:  # `from pkg import sub` depends on the submodule
                sub = f"{target}.{alias.name}"
                deps.add(sub if sub in MODULES else target)
        graph[name] = {d for d in deps if d in MODULES and d != name}
    return graph


def test_no_module_level_import_cycles():
    graph = _import_graph()
    state = {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycle = path[path.index(nxt):] + [nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])


@pytest.mark.parametrize("lower, higher", [
    ("tinytorch.autograd", ("tinytorch.functions", "tinytorch.tensor", "tinytorch.nn",
                            "tinytorch.optim")),
    ("tinytorch.functions", ("tinytorch.tensor", "tinytorch.nn", "tinytorch.optim")),
    ("tinytorch.nn", ("tinytorch.optim",)),
])
def test_dependencies_point_one_way(lower, higher):
    graph = _import_graph()
    for name, deps in graph.items():
        if name == lower or name.startswith(lower + "."):
            bad = [d for d in deps if d.startswith(higher)]
            assert not bad, f"{name} imports {bad} at module level"


def test_every_function_lives_in_functions_or_autograd():
    for info in pkgutil.walk_packages([str(ROOT)], "tinytorch."):
        importlib.import_module(info.name)
    todo, seen = [tinytorch.autograd.Function], []
    while todo:
        cls = todo.pop()
        seen.append(cls)
        todo.extend(cls.__subclasses__())
    for cls in seen:
        if cls.__module__.startswith("tinytorch."):
            assert cls.__module__.startswith(("tinytorch.functions", "tinytorch.autograd")), \
                f"{cls.__qualname__} is defined in {cls.__module__}"


def test_tensor_py_is_a_thin_hub():
    lines = (ROOT / "tensor.py").read_text().count("\n")
    assert lines <= 720, f"tensor.py has {lines} lines"
    for name in ["tensor", "zeros", "ones", "empty", "full", "eye", "arange", "linspace",
                 "zeros_like", "ones_like", "full_like", "from_numpy", "as_tensor"]:
        assert getattr(tinytorch, name).__module__ != "tinytorch.tensor", name


def _outside_core():
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if not rel.startswith(CORE):
            yield rel, path.read_text()


@pytest.mark.parametrize("pattern, what", [
    (r"\._vc\b", "a version counter"),
    (r"\b_make\b", "the private constructor"),
    (r"\bTensorBase\b", "the tensor's slot layout"),
])
def test_no_reach_ins_outside_the_core(pattern, what):
    for rel, text in _outside_core():
        hits = [i + 1 for i, line in enumerate(text.splitlines()) if re.search(pattern, line)]
        assert not hits, f"{rel} uses {what} on lines {hits}"


def test_primitives_and_modules_have_names_that_tell_them_apart():
    import inspect

    import tinytorch.nn as nn
    modules = {name.lower() for name, obj in vars(nn).items() if inspect.isclass(obj)}
    for info in pkgutil.walk_packages([str(ROOT / "functions")], "tinytorch.functions."):
        for name, obj in vars(importlib.import_module(info.name)).items():
            if inspect.isclass(obj) and issubclass(obj, tinytorch.autograd.Function):
                assert name.lower() not in modules, f"{info.name}.{name} reads as nn.{name}"
