"""The fused nn primitives one at a time: forward + backward, tinytorch next to PyTorch.

    python benchmarks/nn_ops.py [--repeat 7] [--only conv2d batch_norm ...]

Each case runs nn.functional's op on float32 inputs shaped like a small CNN's or MLP's
activations, then ``backward`` of the sum of its output (every input requires grad).  Prints
the median over ``--repeat`` runs of the time per call; libraries are interleaved run by run
so drift hits both alike.
"""
import argparse
import statistics
import time

import numpy as np
from _util import torch  # PyTorch or None; puts this checkout first on sys.path, one thread

import tinytorch

_Y = np.random.default_rng(1).integers(0, 10, 64)
_IDX = np.random.default_rng(2).integers(0, 1000, (32, 16))


def _bn(L, x, w, b):
    return L.nn.functional.batch_norm(x, L.zeros(x.shape[1]), L.ones(x.shape[1]), w, b,
                                      training=True)


# name -> (fn(L, *inputs), input shapes, calls per run)
CASES = {
    "linear 64x512 -> 10": (lambda L, x, w, b: L.nn.functional.linear(x, w, b),
                            [(64, 512), (10, 512), (10,)], 200),
    "cross_entropy (64, 10)": (lambda L, x: L.nn.functional.cross_entropy(x, L.tensor(_Y)),
                               [(64, 10)], 400),
    "conv2d 16->32 3x3 pad 1 (64,16,8,8)": (
        lambda L, x, w, b: L.nn.functional.conv2d(x, w, b, padding=1),
        [(64, 16, 8, 8), (32, 16, 3, 3), (32,)], 10),
    "batch_norm train (64,32,8,8)": (_bn, [(64, 32, 8, 8), (32,), (32,)], 20),
    "layer_norm (64,32,8,8) over (8, 8)": (
        lambda L, x: L.nn.functional.layer_norm(x, (8, 8)), [(64, 32, 8, 8)], 20),
    "max_pool2d 2 (64,32,8,8)": (lambda L, x: L.nn.functional.max_pool2d(x, 2),
                                 [(64, 32, 8, 8)], 20),
    "avg_pool2d 2 (64,32,8,8)": (lambda L, x: L.nn.functional.avg_pool2d(x, 2),
                                 [(64, 32, 8, 8)], 20),
    "embedding 1000x64, (32, 16)": (
        lambda L, w: L.nn.functional.embedding(L.tensor(_IDX), w), [(1000, 64)], 50),
    "gelu (256, 512)": (lambda L, x: L.nn.functional.gelu(x), [(256, 512)], 10),
    "silu (256, 512)": (lambda L, x: L.nn.functional.silu(x), [(256, 512)], 20),
    "mse_loss (256, 512)": (lambda L, x, y: L.nn.functional.mse_loss(x, y),
                            [(256, 512), (256, 512)], 50),
}


def make(L, shapes):
    rng = np.random.default_rng(0)
    return [L.tensor(rng.standard_normal(s).astype(np.float32), requires_grad=True)
            for s in shapes]


def run(L, fn, inputs, number):
    t0 = time.perf_counter()
    for _ in range(number):
        out = fn(L, *inputs)
        out.sum().backward()
    return (time.perf_counter() - t0) / number * 1e6


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--only", nargs="*", default=None, help="case names starting with these")
    args = ap.parse_args()
    libs = {"tinytorch": tinytorch}
    if torch is not None:
        libs["torch"] = torch
    header = f"{'op (forward + backward)':<38}" + "".join(f"{k + ' us':>14}" for k in libs)
    print(header + (f"{'ratio':>8}" if torch is not None else ""))
    for name, (fn, shapes, number) in CASES.items():
        if args.only and not any(name.startswith(o) for o in args.only):
            continue
        inputs = {k: make(L, shapes) for k, L in libs.items()}
        for k, L in libs.items():  # warm-up
            run(L, fn, inputs[k], max(number // 5, 1))
        times = {k: [] for k in libs}
        for _ in range(args.repeat):
            for k, L in libs.items():
                times[k].append(run(L, fn, inputs[k], number))
        med = {k: statistics.median(v) for k, v in times.items()}
        row = f"{name:<38}" + "".join(f"{med[k]:14.1f}" for k in libs)
        if torch is not None:
            row += f"{med['tinytorch'] / med['torch']:8.2f}"
        print(row)


if __name__ == "__main__":
    main()
