"""End to end: ``python examples/moons.py --no-plots``, with tinytorch and with PyTorch.

    python benchmarks/e2e.py [--runs 5]

The same script runs in a fresh process per round: once as written, and with ``tinytorch``
(and its submodules) resolving to ``torch``, with torch's default threads and with one.
Wall time includes starting Python and every import.  Prints the median over ``--runs``
rounds and the ratios.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "examples" / "moons.py"

# run moons.py with `import tinytorch as torch` meaning PyTorch (viz is unused with --no-plots)
AS_TORCH = r"""
import runpy, sys, types
import torch, torch.nn, torch.utils, torch.utils.data
if sys.argv[3] == "1":
    torch.set_num_threads(1)
viz = types.ModuleType("tinytorch.viz")
viz.make_dot = viz.render = None
sys.modules.update({"tinytorch": torch, "tinytorch.nn": torch.nn,
                    "tinytorch.utils": torch.utils, "tinytorch.utils.data": torch.utils.data,
                    "tinytorch.viz": viz})
sys.path.insert(0, sys.argv[1])
sys.argv = [sys.argv[2], "--no-plots"]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def run(cmd):
    t0 = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p))
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
    wall = time.perf_counter() - t0
    if out.returncode != 0:
        raise SystemExit(f"{cmd[:3]} failed:\n{out.stderr[-2000:]}")
    acc = [line for line in out.stdout.splitlines() if "accuracy" in line]
    return wall, (acc[-1].strip() if acc else "")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    cmds = {"tinytorch": [sys.executable, str(SCRIPT), "--no-plots"]}
    try:
        import torch  # noqa: F401
        base = [sys.executable, "-c", AS_TORCH, str(SCRIPT.parent), str(SCRIPT)]
        cmds["torch"] = base + ["default"]
        cmds["torch-1thr"] = base + ["1"]
    except ImportError:
        print("(torch is not importable: timing tinytorch alone)")
    times = {k: [] for k in cmds}
    results = {}
    for _ in range(args.runs):
        for name, cmd in cmds.items():
            wall, acc = run(cmd)
            times[name].append(wall)
            results[name] = acc
    med = {k: statistics.median(v) for k, v in times.items()}
    for name in cmds:
        print(f"{name:<11} {med[name]:6.2f} s wall (median of {args.runs})   {results[name]}")
    for name in ("torch", "torch-1thr"):
        if name in med:
            print(f"ratio tinytorch / {name}: {med['tinytorch'] / med[name]:.2f}")


if __name__ == "__main__":
    main()
