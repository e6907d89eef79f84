"""Save a training run, load it into a fresh model, and resume exactly where it stopped.

    python examples/checkpoint.py                 # writes outputs/checkpoint/checkpoint.tt

A checkpoint is a dict of everything the run needs to continue:

* ``model.state_dict()``: the parameters (an ordered dict name -> tensor),
* ``optimizer.state_dict()``: Adam's running averages and step counts,
* the epoch counter and the random-number state (so the data is shuffled the same way).

``tinytorch.save`` writes it (atomically, with a checksum; nothing is pickled) and
``tinytorch.load`` reads it back.  We check two things: the loaded model predicts exactly what
the saved one did, and training resumed from the file ends bit-for-bit where an uninterrupted
run ends.
"""
import time
from pathlib import Path

import numpy as np
from sklearn.datasets import make_moons

import tinytorch as torch
from tinytorch import nn
from tinytorch.utils.data import DataLoader, TensorDataset

from _common import accuracy, evaluate, parse_args, train_epoch


def make_model(hidden):
    return nn.Sequential(nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, 2))


def main(argv=None):
    args = parse_args(argv, "Train, save, load, resume.", epochs=10, hidden=16, lr=0.01,
                      extra=lambda p: p.add_argument(
                          "--out", type=Path, default=Path("outputs/checkpoint"),
                          help="folder for the checkpoint file"))
    start = time.perf_counter()
    torch.manual_seed(args.seed)
    X, y = make_moons(n_samples=600, noise=0.1, random_state=args.seed)
    data = TensorDataset(torch.tensor(X, dtype=torch.float32), torch.tensor(y))
    loader = DataLoader(data, batch_size=32, shuffle=True)
    X_test, y_test = make_moons(n_samples=200, noise=0.1, random_state=args.seed + 1)
    test_set = TensorDataset(torch.tensor(X_test, dtype=torch.float32), torch.tensor(y_test))
    test_x = test_set.tensors[0]

    # --- train for a while, then save -------------------------------------------------------
    model = make_model(args.hidden)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()
    half = args.epochs // 2
    for epoch in range(half):
        train_epoch(model, loader, loss_fn, optimizer)
    path = args.out / "checkpoint.tt"
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"epoch": half,
                "model": model.state_dict(),
                "optimizer": optimizer.state_dict(),
                "rng": torch.get_rng_state()}, path)
    print(f"saved epoch {half} to {path} ({path.stat().st_size} bytes)")
    model.eval()
    with torch.no_grad():
        saved_pred = model(test_x)

    # --- the "uninterrupted" run: keep training the original model ------------------------
    for epoch in range(half, args.epochs):
        train_epoch(model, loader, loss_fn, optimizer)

    # --- a new process would start here: fresh objects, different random weights --------
    torch.manual_seed(args.seed + 1234)
    restored = make_model(args.hidden)
    restored_opt = torch.optim.Adam(restored.parameters(), lr=args.lr)
    ckpt = torch.load(path)
    restored.load_state_dict(ckpt["model"])
    restored_opt.load_state_dict(ckpt["optimizer"])
    torch.set_rng_state(ckpt["rng"])
    restored.eval()
    with torch.no_grad():
        loaded_pred = restored(test_x)
    same_pred = np.array_equal(saved_pred.numpy(), loaded_pred.numpy())
    print(f"loaded model predicts identically to the saved one: {same_pred}")

    # --- resume: the remaining epochs, from the file --------------------------------------
    for epoch in range(ckpt["epoch"], args.epochs):
        train_epoch(restored, loader, loss_fn, optimizer=restored_opt)
    max_diff = max(np.abs(a.numpy() - b.numpy()).max() for a, b in
                   zip(model.state_dict().values(), restored.state_dict().values()))
    print(f"after resuming to epoch {args.epochs}: largest parameter difference to the "
          f"uninterrupted run {max_diff:.1e}")
    test_acc = accuracy(*evaluate(restored, test_set))
    print(f"test accuracy of the resumed model: {test_acc:.4f}")
    seconds = time.perf_counter() - start
    print(f"done in {seconds:.1f} s")
    return {"identical_predictions": same_pred, "resume_max_diff": float(max_diff),
            "test_accuracy": test_acc, "path": path, "seconds": seconds}


if __name__ == "__main__":
    main()
