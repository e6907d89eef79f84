"""CNN training step time: examples/digits_cnn.py's network, tinytorch and PyTorch when importable.

    python benchmarks/cnn.py [--runs 5] [--steps 20]

Conv2d 1->16 -> BatchNorm2d -> ReLU -> Conv2d 16->32 -> BatchNorm2d -> ReLU -> MaxPool2d ->
Flatten -> Dropout -> Linear 512->10, softmax cross-entropy, SGD; batches of 64 8x8 images.
Both libraries start from the same weights and see the same batches (their dropout masks
differ, so their losses differ a little).  Prints the median over
``--runs`` runs (libraries interleaved) of the time per step (forward, backward, SGD update),
and the time of the forward alone.
"""
import argparse
import statistics
import time

import numpy as np
from _util import torch  # PyTorch or None; puts this checkout first on sys.path, one thread

import tinytorch

BATCH = 64


def make_model(lib):
    nn = lib.nn
    return nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
        nn.Conv2d(16, 32, kernel_size=3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
        nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.25), nn.Linear(32 * 4 * 4, 10))


def setup(lib, weights, batches):
    model = make_model(lib)
    with lib.no_grad():
        for p, w in zip(model.parameters(), weights):
            p.copy_(lib.from_numpy(w))
    opt = lib.optim.SGD(model.parameters(), lr=0.01)
    data = [(lib.from_numpy(x), lib.from_numpy(y)) for x, y in batches]
    return model, opt, data


def run(lib, weights, batches):
    """(seconds per training step, seconds per forward, final loss)"""
    F = lib.nn.functional
    model, opt, data = setup(lib, weights, batches)
    t0 = time.perf_counter()
    for x, y in data:
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    step = (time.perf_counter() - t0) / len(data)
    t0 = time.perf_counter()
    for x, _ in data:
        model(x)
    fwd = (time.perf_counter() - t0) / len(data)
    return step, fwd, float(loss.item())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--steps", type=int, default=20)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    weights = [p.detach().numpy().copy() for p in make_model(tinytorch).parameters()]
    batches = [(rng.random((BATCH, 1, 8, 8), dtype=np.float32), rng.integers(0, 10, BATCH))
               for _ in range(args.steps)]
    libs = {"tinytorch": tinytorch}
    if torch is not None:
        libs["torch"] = torch
    for lib in libs.values():   # warm-up
        run(lib, weights, batches[:2])
    steps = {k: [] for k in libs}
    fwds = {k: [] for k in libs}
    losses = {}
    for _ in range(args.runs):
        for name, lib in libs.items():
            lib.manual_seed(0)
            s, f, losses[name] = run(lib, weights, batches)
            steps[name].append(s)
            fwds[name].append(f)
    print(f"digits_cnn: batch {BATCH}, {args.steps} steps x {args.runs} runs; final losses "
          + ", ".join(f"{k} {v:.4f}" for k, v in losses.items()))
    for name in libs:
        s, f = statistics.median(steps[name]), statistics.median(fwds[name])
        row = f"  {name:<10} {s * 1e3:8.2f} ms/step   {f * 1e3:8.2f} ms/forward"
        if torch is not None:
            row += f"   {s / statistics.median(steps['torch']):5.2f}x torch (step)"
        print(row)


if __name__ == "__main__":
    main()
