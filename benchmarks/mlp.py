"""MLP training time per epoch: hand-written numpy, tinytorch, and PyTorch when importable.

    python benchmarks/mlp.py [--runs 5] [--epochs 20]

Two workloads: moons (hidden 64, batch 32, 1024 samples: 32 steps/epoch) and digits (hidden
128, batch 64, 1797 samples: 29 steps/epoch).  Each implementation trains the same network
(2 hidden ReLU layers, softmax cross-entropy, plain SGD lr 0.1) from the same initial weights
on the same batch order; the final losses must agree before any time is reported.  Prints the
median time per epoch over ``--runs`` runs (implementations interleaved) and the ratios.
"""
import argparse
import statistics
import time

import numpy as np
from _util import torch  # PyTorch or None; puts this checkout first on sys.path, one thread

import tinytorch

LR = 0.1


def load(workload):
    from sklearn.datasets import load_digits, make_moons
    if workload == "moons":
        X, y = make_moons(1024, noise=0.2, random_state=0)
        return X.astype(np.float32), y.astype(np.int64), 64, 32, 2
    X, y = load_digits(return_X_y=True)
    return (X / 16.0).astype(np.float32), y.astype(np.int64), 128, 64, 10


def init_weights(n_in, hidden, n_out, seed=0):
    """torch-style uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)) weights, (out, in) layout."""
    rng = np.random.default_rng(seed)
    sizes = [(hidden, n_in), (hidden, hidden), (n_out, hidden)]
    ws = []
    for out_f, in_f in sizes:
        bound = 1 / np.sqrt(in_f)
        ws.append(rng.uniform(-bound, bound, (out_f, in_f)).astype(np.float32))
        ws.append(rng.uniform(-bound, bound, out_f).astype(np.float32))
    return ws


def batches(n, batch, epochs, seed=1):
    rng = np.random.default_rng(seed)
    order = []
    for _ in range(epochs):
        perm = rng.permutation(n)
        order.append([perm[i:i + batch] for i in range(0, n, batch)])
    return order


# --- implementations: each returns (seconds per epoch, final loss) ----------------------

def run_numpy(X, y, weights, order):
    W1, b1, W2, b2, W3, b3 = [w.copy() for w in weights]
    t0 = time.perf_counter()
    for epoch in order:
        for idx in epoch:
            xb, yb = X[idx], y[idx]
            n = len(idx)
            h1 = xb @ W1.T + b1
            a1 = np.maximum(h1, 0)
            h2 = a1 @ W2.T + b2
            a2 = np.maximum(h2, 0)
            z = a2 @ W3.T + b3
            z = z - z.max(axis=1, keepdims=True)
            e = np.exp(z)
            s = e.sum(axis=1, keepdims=True)
            loss = np.log(s[:, 0]).mean() - z[np.arange(n), yb].mean()
            dz = e / s
            dz[np.arange(n), yb] -= 1
            dz /= n
            dW3, db3 = dz.T @ a2, dz.sum(0)
            d2 = (dz @ W3) * (h2 > 0)
            dW2, db2 = d2.T @ a1, d2.sum(0)
            d1 = (d2 @ W2) * (h1 > 0)
            dW1, db1 = d1.T @ xb, d1.sum(0)
            for p, g in ((W1, dW1), (b1, db1), (W2, dW2), (b2, db2), (W3, dW3), (b3, db3)):
                p -= LR * g
    return (time.perf_counter() - t0) / len(order), float(loss)


def _run_lib(lib, X, y, weights, order):
    nn, F = lib.nn, lib.nn.functional
    n_in, hidden, n_out = X.shape[1], weights[0].shape[0], weights[4].shape[0]
    model = nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, hidden),
                          nn.ReLU(), nn.Linear(hidden, n_out))
    with lib.no_grad():
        for p, w in zip(model.parameters(), weights):
            p.copy_(lib.from_numpy(w))
    opt = lib.optim.SGD(model.parameters(), lr=LR)
    Xt, yt = lib.from_numpy(X), lib.from_numpy(y)
    idx_t = [[lib.from_numpy(i) for i in epoch] for epoch in order]
    t0 = time.perf_counter()
    for epoch in idx_t:
        for idx in epoch:
            loss = F.cross_entropy(model(Xt[idx]), yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return (time.perf_counter() - t0) / len(order), float(loss.item())


def run_tinytorch(X, y, weights, order):
    return _run_lib(tinytorch, X, y, weights, order)


def run_torch(X, y, weights, order):
    return _run_lib(torch, X, y, weights, order)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=20)
    args = ap.parse_args()
    impls = {"numpy": run_numpy, "tinytorch": run_tinytorch}
    if torch is not None:
        impls["torch"] = run_torch
    for workload in ("moons", "digits"):
        X, y, hidden, batch, n_out = load(workload)
        weights = init_weights(X.shape[1], hidden, n_out)
        order = batches(len(X), batch, args.epochs)
        times = {k: [] for k in impls}
        losses = {}
        for name, fn in impls.items():  # warm-up, and the loss check
            losses[name] = fn(X, y, weights, order[:2])[1]
        ref = losses["numpy"]
        for name, loss in losses.items():
            if not np.isclose(loss, ref, rtol=1e-3, atol=1e-4):
                raise SystemExit(f"{workload}: {name} final loss {loss} != numpy's {ref}")
        for _ in range(args.runs):
            for name, fn in impls.items():
                t, loss = fn(X, y, weights, order)
                times[name].append(t)
                losses[name] = loss
        med = {k: statistics.median(v) for k, v in times.items()}
        steps = len(order[0])
        print(f"\n{workload}: hidden {hidden}, batch {batch}, {steps} steps/epoch, "
              f"{args.epochs} epochs x {args.runs} runs; final losses "
              + ", ".join(f"{k} {v:.5f}" for k, v in losses.items()))
        for name in impls:
            row = (f"  {name:<10} {med[name] * 1e3:8.2f} ms/epoch   "
                   f"{med[name] / med['numpy']:5.2f}x numpy")
            if torch is not None:
                row += f"   {med[name] / med['torch']:5.2f}x torch"
            print(row)


if __name__ == "__main__":
    main()
