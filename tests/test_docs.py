"""docs/backprop.md runs and quotes real code: every Python snippet executes, the numbers it
promises in ``# comments`` come out, and every file and class it points to exists."""
import contextlib
import io
import pathlib
import re

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent
TUTORIAL = (REPO / "docs" / "backprop.md").read_text()


def _snippets():
    return re.findall(r"```python\n(.*?)```", TUTORIAL, flags=re.S)


def test_every_snippet_runs_and_prints_what_it_says(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace = {}
    exec("import tinytorch as torch", namespace)
    checked = 0
    for code in _snippets():
        if code.startswith("  "):
            continue  # an excerpt of examples/moons.py (checked below), not a program
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, "backprop.md", "exec"), namespace)
        printed = out.getvalue().splitlines()
        promised = [m.group(1) for m in (re.match(r"print\(.*\)\s+# (\S+)", line.strip())
                                         for line in code.splitlines()) if m]
        for word in promised:
            if re.fullmatch(r"tensor\([-\d.]+\)|[-\d.]+", word):
                assert any(word in line for line in printed), (word, printed)
                checked += 1
    assert checked >= 4


def test_the_training_step_it_shows_is_the_one_moons_py_runs():
    moons = (REPO / "examples" / "moons.py").read_text()
    excerpts = [c for c in _snippets() if c.startswith("  ")]
    assert excerpts
    for code in excerpts:
        for line in code.splitlines():
            statement = line.split("#")[0].strip()
            if statement:
                assert statement in moons, statement


def test_every_file_and_class_it_points_to_exists():
    paths = set(re.findall(r"`((?:tinytorch|examples|tests)/[\w/]+\.py)`", TUTORIAL))
    assert len(paths) >= 8
    for p in paths:
        assert (REPO / p).exists(), p
    # "`class X` in `path`" and "find `class X`" after a path: the class is in that file
    for cls, path in re.findall(r"`class (\w+)`[^`]*`((?:tinytorch)/[\w/]+\.py)`", TUTORIAL):
        assert re.search(rf"^class {cls}\b", (REPO / path).read_text(), re.M), (cls, path)
    for path, cls in re.findall(r"`((?:tinytorch)/[\w/]+\.py)`[^`]*find `class (\w+)`",
                                TUTORIAL):
        assert re.search(rf"^class {cls}\b", (REPO / path).read_text(), re.M), (cls, path)


@pytest.mark.parametrize("name", ["BackwardNode._run_backward", "Function.apply"])
def test_named_functions_exist(name):
    import tinytorch.autograd.function as f
    obj = f
    for part in name.split("."):
        obj = getattr(obj, part)
    assert callable(obj)
