"""Handwritten digits (8x8 pixels, classes 0-9) with an MLP; prints a confusion matrix.

    python examples/digits.py
    python examples/digits.py --hidden 32 --epochs 10

``sklearn.datasets.load_digits`` ships 1797 small images with the library (no download).
Each image is flattened to 64 numbers and scaled from 0..16 to 0..1: inputs of similar size
keep the first layer's pre-activations in a range where learning is quick.
"""
import time

import numpy as np
from sklearn.datasets import load_digits

import tinytorch as torch
from tinytorch import nn
from tinytorch.utils.data import TensorDataset

from _common import accuracy, evaluate, fit, parse_args, report_done, split_train_test


def confusion_matrix(pred, target, n):
    """m[i, j] = how many images of digit i were predicted as j; the diagonal is correct."""
    m = np.zeros((n, n), dtype=np.int64)
    np.add.at(m, (target, pred), 1)
    return m


def main(argv=None):
    args = parse_args(argv, "MLP on sklearn's 8x8 digits.", epochs=30, hidden=128, lr=2e-3)
    start = time.perf_counter()
    torch.manual_seed(args.seed)

    digits = load_digits()
    X = torch.tensor(digits.data / 16.0, dtype=torch.float32)     # (1797, 64) in [0, 1]
    y = torch.tensor(digits.target)                                # (1797,) int64 labels
    train_set, test_set, loader = split_train_test(TensorDataset(X, y), args.seed)

    model = nn.Sequential(nn.Linear(64, args.hidden), nn.ReLU(), nn.Linear(args.hidden, 10))
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

    loss, _ = fit(model, loader, loss_fn, optimizer, args.epochs)

    logits, y_test = evaluate(model, test_set)
    test_acc = accuracy(logits, y_test)
    cm = confusion_matrix(logits.argmax(dim=1).numpy(), y_test.numpy(), 10)
    print("confusion matrix (rows: true digit, columns: predicted digit)")
    print("      " + " ".join(f"{j:>3}" for j in range(10)))
    for i, row in enumerate(cm):
        print(f"  {i:>2}  " + " ".join(f"{v:>3}" if v else "  ." for v in row))
    print(f"test accuracy: {test_acc:.4f} ({len(test_set)} held-out images)")
    seconds = report_done(start)
    return {"test_accuracy": test_acc, "train_loss": loss, "confusion_matrix": cm,
            "seconds": seconds}


if __name__ == "__main__":
    main()
