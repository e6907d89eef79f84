"""Short programs in the style of the official PyTorch examples (tests/programs/), run twice:
with the real torch, and with tinytorch standing in for it (``import torch`` and
``import torch.<sub>`` resolve to tinytorch, see tests/programs/_launch.py).  Same seed, no
weight copying: the printed losses (and the GPT's sampled text) must be identical, line for
line.  The random streams are torch's bit for bit (docs/random.md); the arithmetic is not:
torch's float32 matmul/conv (its own BLAS kernels) and exp/log/sin/tanh (its vectorised maths
library) round differently from numpy's in the last bit, so a loss can differ by one or two
units in the 7th significant digit.  The programs print 4 decimals, as many of the official
examples do, and at that precision the outputs are identical.

Each library runs all programs in one subprocess (one ``import torch``), the two subprocesses
side by side, each on one thread, so the whole file takes about the time torch needs
(10-20 s on two cores, most of it importing torch).
"""
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROGRAMS_DIR = ROOT / "tests" / "programs"
LAUNCHER = PROGRAMS_DIR / "_launch.py"
PROGRAMS = ["digits_cnn.py", "vae.py", "legendre_fit.py", "param_data_regression.py",
            "char_gpt.py", "readme_loop.py"]
TIMEOUT = 240

pytest.importorskip("sklearn")


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    # one thread per library: the two runs share the machine, and spinning OpenMP/BLAS
    # threads of both would triple the wall time (the printed numbers are the same with 1 or
    # 2 threads for both libraries on these sizes)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = "1"
    return env


def _start(mode):
    return subprocess.Popen([sys.executable, str(LAUNCHER), mode, *PROGRAMS], cwd=ROOT,
                            env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _finish(proc):
    try:
        out, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        err += f"\n(killed after {TIMEOUT} s)"
    sections, name = {}, None
    for line in out.splitlines():
        if line.startswith("=== ") and line.endswith(" ===") and line[4:-4] in PROGRAMS:
            name = line[4:-4]
            sections[name] = []
        elif name is not None:
            sections[name].append(line)
    return sections, err


@pytest.fixture(scope="module")
def outputs():
    """{'torch': ..., 'tinytorch': ...}: each {program: (printed lines, stderr of the run)};
    'torch' is None when torch is not installed."""
    have_torch = importlib.util.find_spec("torch") is not None   # without importing it
    procs = {"tinytorch": _start("tinytorch")}
    if have_torch:
        procs["torch"] = _start("torch")
    result = {"torch": None}
    for mode, proc in procs.items():
        sections, err = _finish(proc)
        result[mode] = {p: (sections.get(p), err) for p in PROGRAMS}
    return result


def _ran(lines, err, lib, prog):
    assert lines is not None, f"{prog} never started under {lib}:\n{err[-3000:]}"
    assert lines and lines[-1] == f"--- ran with {lib}", (
        f"{prog} failed under {lib}:\n" + "\n".join(lines[-5:]) + "\n" + err[-3000:])
    return lines[:-1]


@pytest.mark.parametrize("prog", PROGRAMS)
def test_program_runs_under_tinytorch(outputs, prog):
    lines = _ran(*outputs["tinytorch"][prog], "tinytorch", prog)
    assert any("loss" in line for line in lines)


@pytest.mark.parametrize("prog", PROGRAMS)
def test_program_prints_what_torch_prints(outputs, prog):
    pytest.importorskip("torch")
    want = _ran(*outputs["torch"][prog], "torch", prog)
    got = _ran(*outputs["tinytorch"][prog], "tinytorch", prog)
    for i, (w, g) in enumerate(zip(want, got)):
        assert g == w, f"{prog}: first difference at printed line {i + 1}:\n" \
                       f"  torch:     {w}\n  tinytorch: {g}"
    assert len(got) == len(want), f"{prog}: {len(got)} lines printed, torch printed {len(want)}"


def test_launcher_gives_tinytorch_for_every_torch_import():
    """The stand-in is complete: ``torch`` and its submodules are tinytorch's, and a submodule
    tinytorch lacks is a ModuleNotFoundError instead of a silent import of the real torch."""
    code = (
        "import sys; sys.path.insert(0, %r); import _launch; _launch.install()\n"
        "import tinytorch, tinytorch.nn.functional, tinytorch.utils.data\n"
        "import torch, torch.nn as nn, torch.nn.functional as F\n"
        "from torch.utils.data import DataLoader\n"
        "assert torch is tinytorch and sys.modules['torch'] is tinytorch\n"
        "assert F is tinytorch.nn.functional and nn is tinytorch.nn\n"
        "assert DataLoader is tinytorch.utils.data.DataLoader\n"
        "try:\n"
        "    import torch._no_such_module_here\n"
        "except ModuleNotFoundError as e:\n"
        "    assert e.name == 'torch._no_such_module_here', e.name\n"
        "else:\n"
        "    raise AssertionError('imported a module tinytorch does not have')\n"
        "assert not any(getattr(m, '__file__', None) and 'tinytorch' not in m.__file__\n"
        "               for n, m in sys.modules.items() if n.split('.')[0] == 'torch')\n"
        "print('ok')\n" % str(PROGRAMS_DIR))
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_env(),
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr


def test_readme_shows_what_its_loop_prints(outputs):
    """README.md quotes the output of its training loop; it must be what the loop prints."""
    import re
    section = (ROOT / "README.md").read_text().split("## A training loop", 1)[1]
    shown = re.search(r"It prints:\n\n```\n(.*?)```", section, re.S).group(1).splitlines()
    assert _ran(*outputs["tinytorch"]["readme_loop.py"], "tinytorch", "readme_loop.py") == shown
