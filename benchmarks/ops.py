"""Per-op overhead: microseconds per call on small tensors, tinytorch next to PyTorch.

    python benchmarks/ops.py [--repeat 7] [--number 2000]

For each op on (4, 4) float32 tensors, with and without requires_grad, and for a chain of
100 ops (forward, and forward+backward), prints the median over ``--repeat`` runs of the
time per call.  Implementations are interleaved run by run so drift hits both alike.
"""
import argparse
import statistics
import time

import numpy as np
from _util import torch  # PyTorch or None; puts this checkout first on sys.path, one thread

import tinytorch

OPS = {
    "+": lambda a, b: a + b,
    "*": lambda a, b: a * b,
    "@": lambda a, b: a @ b,
    "relu": lambda a, b: a.relu(),
    "sum": lambda a, b: a.sum(),
}
CHAIN = 100


def chain_forward(a, b):
    x = a
    for i in range(CHAIN // 2):
        x = x * b
        x = x + a
    return x


def chain_backward(a, b):
    chain_forward(a, b).sum().backward()


def make(lib, requires_grad):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((4, 4)).astype(np.float32) * 0.5
    b = rng.standard_normal((4, 4)).astype(np.float32) * 0.5
    if lib == "tinytorch":
        mk = tinytorch.tensor
    else:
        mk = torch.tensor
    return mk(a, requires_grad=requires_grad), mk(b, requires_grad=requires_grad)


def time_call(fn, args, number):
    t0 = time.perf_counter()
    for _ in range(number):
        fn(*args)
    return (time.perf_counter() - t0) / number * 1e6


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--number", type=int, default=2000)
    args = ap.parse_args()
    libs = ["tinytorch"] + (["torch"] if torch is not None else [])
    cases = []
    for rg in (False, True):
        for name, fn in OPS.items():
            cases.append((f"{name} (requires_grad={rg})", fn, rg, args.number))
    cases.append((f"{CHAIN}-op chain forward", chain_forward, True, args.number // 20))
    cases.append((f"{CHAIN}-op chain forward+backward", chain_backward, True,
                  args.number // 20))

    header = f"{'op':<38}" + "".join(f"{lib + ' us':>14}" for lib in libs)
    if torch is not None:
        header += f"{'ratio':>8}"
    print(header)
    for label, fn, rg, number in cases:
        times = {lib: [] for lib in libs}
        inputs = {lib: make(lib, rg) for lib in libs}
        for lib in libs:  # warm-up
            time_call(fn, inputs[lib], max(number // 10, 1))
        for _ in range(args.repeat):
            for lib in libs:
                times[lib].append(time_call(fn, inputs[lib], number))
        med = {lib: statistics.median(times[lib]) for lib in libs}
        if "chain" in label:
            med = {lib: v / CHAIN for lib, v in med.items()}
            label += " (per op)"
        row = f"{label:<38}" + "".join(f"{med[lib]:>14.2f}" for lib in libs)
        if torch is not None:
            row += f"{med['tinytorch'] / med['torch']:>8.2f}"
        print(row)


if __name__ == "__main__":
    main()
