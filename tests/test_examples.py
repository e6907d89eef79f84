"""Every example runs (short settings where that keeps its result) and meets its own floor."""
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

pytest.importorskip("sklearn")
pytest.importorskip("tqdm")


def load(name, monkeypatch):
    """Import examples/<name>.py as a module (its ``from _common import ...`` included)."""
    monkeypatch.syspath_prepend(str(EXAMPLES))
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return env


def is_png(path):
    return Path(path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_moons_default_settings_writes_both_pictures(tmp_path, monkeypatch, capsys):
    pytest.importorskip("matplotlib")
    pytest.importorskip("graphviz")
    moons = load("moons", monkeypatch)
    res = moons.main(["--out", str(tmp_path)])
    assert res["test_accuracy"] >= 0.97
    assert is_png(tmp_path / "decision_boundary.png")
    # the graph is a PNG when a dot program (system or graphviz-pure) is there, else .dot
    graph = next(p for p in res["files"] if p.stem == "graph")
    assert graph.exists()
    if graph.suffix == ".png":
        assert is_png(graph)
    else:
        assert graph.suffix == ".dot" and "AddmmBackward0" in graph.read_text()
    out = capsys.readouterr().out
    assert f"test accuracy: {res['test_accuracy']:.4f}" in out
    for f in res["files"]:
        assert f"wrote {f}" in out


@pytest.mark.parametrize("seed", [1, 2])
def test_moons_other_seeds(seed, monkeypatch):
    moons = load("moons", monkeypatch)
    assert moons.main(["--seed", str(seed), "--no-plots"])["test_accuracy"] >= 0.97


def test_moons_command_line(tmp_path):
    """As a user runs it: a script, flags, tqdm on stderr, results on stdout, no files."""
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / "moons.py"), "--epochs", "25", "--hidden", "16",
         "--lr", "0.01", "--seed", "0", "--no-plots", "--out", str(tmp_path / "o")],
        cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    acc = float(re.search(r"test accuracy: ([0-9.]+)", proc.stdout).group(1))
    assert acc >= 0.97
    assert "25/25" in proc.stderr and "loss=" in proc.stderr and "acc=" in proc.stderr
    assert not (tmp_path / "o").exists()


def test_xor(tmp_path, monkeypatch, capsys):
    res = load("xor", monkeypatch).main(["--out", str(tmp_path)])
    assert res["accuracy"] == 1.0 and res["loss"] < 0.05
    probs = np.array(res["probabilities"]).ravel()
    assert np.all(np.abs(probs - np.array([0, 1, 1, 0])) < 0.1)
    out = capsys.readouterr().out
    assert "step   1" in out                        # the print_backward view
    for name in ("0.weight", "0.bias", "2.weight", "2.bias"):
        assert f"(leaf {name})" in out          # which leaves receive gradient
        assert out.count(f"  {name}") >= 2     # value and grad printed, before and after
    (graph,) = res["files"]
    assert graph.exists() and graph.stem == "graph"


def test_circles(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    res = load("circles", monkeypatch).main(["--epochs", "20", "--out", str(tmp_path)])
    assert res["test_accuracy"] >= 0.95
    assert is_png(tmp_path / "decision_boundary.png")


def test_blobs(monkeypatch):
    res = load("blobs", monkeypatch).main(["--epochs", "10", "--no-plots"])
    assert res["test_accuracy"] >= 0.95
    assert res["cross_entropy"] == pytest.approx(res["nll_of_log_softmax"], rel=1e-5)


def test_digits(monkeypatch, capsys):
    res = load("digits", monkeypatch).main([])
    assert res["test_accuracy"] >= 0.95
    cm = res["confusion_matrix"]
    assert cm.shape == (10, 10)
    assert np.trace(cm) / cm.sum() == pytest.approx(res["test_accuracy"], abs=1e-6)
    assert "confusion matrix" in capsys.readouterr().out


def test_regression_beats_the_mean(monkeypatch):
    res = load("regression", monkeypatch).main([])
    assert res["r2"] >= 0.25
    assert res["r2"] > res["r2_mean_baseline"] + 0.2
    assert res["r2_mean_baseline"] <= 1e-12        # a constant never beats the test mean


def test_custom_function(monkeypatch):
    res = load("custom_function", monkeypatch).main([])
    assert res["gradcheck_softclip"] is True
    assert res["gradcheck_round_ste"] is False     # straight-through is not the derivative
    assert res["test_accuracy"] >= 0.95
    levels = np.array(res["hidden_levels"])
    assert np.all(np.abs(levels) <= 2) and np.all(levels * 2 == np.round(levels * 2))


def test_checkpoint(tmp_path, monkeypatch):
    res = load("checkpoint", monkeypatch).main(["--out", str(tmp_path)])
    assert res["identical_predictions"] is True
    assert res["resume_max_diff"] == 0.0
    assert res["test_accuracy"] >= 0.9
    assert Path(res["path"]).exists()


def test_newton(monkeypatch, capsys):
    res = load("newton", monkeypatch).main([])
    assert res["steps"] <= 10 and res["grad_norm"] < 1e-10
    grads = [g for _, g in res["history"]]
    assert np.log10(grads[-1]) < 1.5 * np.log10(grads[-2])     # digits about double: quadratic
    assert res["hessian_error"] < 1e-12                    # autograd's Hessian = the formula
    assert res["gd_loss"] > res["loss"] + 1e-3             # beats as many gradient steps
    assert res["test_accuracy"] >= 0.95
    assert f"test accuracy: {res['test_accuracy']:.4f}" in capsys.readouterr().out


def test_import_tinytorch_stays_light():
    """Examples' dependencies are not imported by ``import tinytorch``."""
    code = ("import sys, tinytorch; import tinytorch.viz; "
            "print([m for m in ('sklearn', 'matplotlib', 'tqdm', 'graphviz', 'scipy') "
            "if m in sys.modules])")
    proc = subprocess.run([sys.executable, "-c", code], env=_env(), capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
