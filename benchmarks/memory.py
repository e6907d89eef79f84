"""Memory: resident set size over 20,000 training steps, and peak RSS, per library.

    python benchmarks/memory.py [--steps 20000]

Each library runs in its own fresh process (so one's allocations don't count against the
other): a moons MLP (hidden 64, batch 32, SGD) trains for ``--steps`` steps; RSS is sampled
every 1,000 steps.  Reports growth after warm-up (the graph must be freed every step) and the
process's peak RSS.
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, resource, sys
sys.path.insert(0, {root!r})
import numpy as np
lib_name, steps = sys.argv[1], int(sys.argv[2])
if lib_name == "torch":
    import torch as lib
    lib.set_num_threads(1)
else:
    import tinytorch as lib
from sklearn.datasets import make_moons

def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20

X, y = make_moons(1024, noise=0.2, random_state=0)
X, y = lib.from_numpy(X.astype(np.float32)), lib.from_numpy(y.astype(np.int64))
nn = lib.nn
lib.manual_seed(0)
model = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(),
                      nn.Linear(64, 2))
opt = lib.optim.SGD(model.parameters(), lr=0.1)
rng = np.random.default_rng(0)
samples = []
for step in range(steps):
    idx = lib.from_numpy(rng.integers(0, 1024, 32))
    loss = nn.functional.cross_entropy(model(X[idx]), y[idx])
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 1000 == 0:
        samples.append(rss_mb())
samples.append(rss_mb())
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(dict(samples=samples, peak=peak, loss=float(loss.item()))))
"""


def measure(lib, steps):
    code = CHILD.format(root=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code, lib, str(steps)], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=20000)
    args = ap.parse_args()
    libs = ["tinytorch"]
    try:
        import torch  # noqa: F401
        libs.append("torch")
    except ImportError:
        pass
    for lib in libs:
        r = measure(lib, args.steps)
        s = r["samples"]
        warm = s[min(2, len(s) - 1)]
        growth = max(s[min(2, len(s) - 1):]) - warm
        print(f"{lib:<10} RSS after warm-up {warm:7.1f} MB, growth over {args.steps} steps "
              f"{growth:+6.2f} MB, peak RSS {r['peak']:7.1f} MB, final loss {r['loss']:.4f}")


if __name__ == "__main__":
    main()
