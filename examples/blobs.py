"""Five clusters, five classes: multi-class classification with a softmax output.

    python examples/blobs.py                   # picture in outputs/blobs/
    python examples/blobs.py --classes 3

The network outputs one score (logit) per class.  Softmax turns the scores into probabilities,
p_k = e^(z_k) / Σ_j e^(z_j), and the loss is -log p_(true class).  ``nn.CrossEntropyLoss`` does
both in one numerically stable step; below we check it equals ``LogSoftmax`` then ``NLLLoss``.
"""
import math
import time

import numpy as np
from sklearn.datasets import make_blobs

import tinytorch as torch
from tinytorch import nn
from tinytorch.utils.data import TensorDataset

from _common import (accuracy, evaluate, fit, parse_args, plot_decision_boundary, report_done,
                     split_train_test)


def main(argv=None):
    args = parse_args(argv, "Multi-class softmax classifier on sklearn blobs.", epochs=30,
                      hidden=16, lr=0.01, out="outputs/blobs",
                      extra=lambda p: p.add_argument("--classes", type=int, default=5,
                                                     help="number of clusters / classes"))
    k = args.classes
    start = time.perf_counter()
    torch.manual_seed(args.seed)

    # cluster centres evenly spaced on a circle of radius 4, so every class has neighbours
    angles = 2 * math.pi * np.arange(k) / k
    centers = 4 * np.column_stack([np.cos(angles), np.sin(angles)])
    X, y = make_blobs(n_samples=200 * k, centers=centers, cluster_std=0.8,
                      random_state=args.seed)
    data = TensorDataset(torch.tensor(X, dtype=torch.float32), torch.tensor(y))
    train_set, test_set, loader = split_train_test(data, args.seed)

    model = nn.Sequential(nn.Linear(2, args.hidden), nn.ReLU(), nn.Linear(args.hidden, k))
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

    fit(model, loader, loss_fn, optimizer, args.epochs)

    logits, y_test = evaluate(model, test_set)
    test_acc = accuracy(logits, y_test)
    # cross-entropy is log-softmax followed by the negative log-likelihood of the true class
    ce = loss_fn(logits, y_test).item()
    nll = nn.NLLLoss()(nn.LogSoftmax(dim=1)(logits), y_test).item()
    print(f"test loss: CrossEntropyLoss {ce:.6f} = NLLLoss(LogSoftmax) {nll:.6f}")
    probs = torch.softmax(logits, dim=1)        # each row: probabilities summing to 1
    unsure = np.argsort(probs.max(dim=1).values.numpy())[:3]
    print("the 3 test points the model is least sure about:")
    for i in unsure:
        p = np.array2string(probs[i].numpy(), precision=3, suppress_small=True)
        print(f"  true class {y_test[i].item()}: p = {p}")
    print(f"test accuracy: {test_acc:.4f} ({len(test_set)} held-out points, {k} classes)")

    files = []
    if not args.no_plots:
        files.append(plot_decision_boundary(
            model, X, y, args.out / "decision_boundary.png",
            f"blobs: {k} classes, softmax MLP, test accuracy {test_acc:.3f}"))
    seconds = report_done(start, files)
    return {"test_accuracy": test_acc, "cross_entropy": ce, "nll_of_log_softmax": nll,
            "files": files, "seconds": seconds}


if __name__ == "__main__":
    main()
