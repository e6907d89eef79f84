"""Two concentric circles: a boundary no straight line can draw, learned by a small MLP.

    python examples/circles.py                 # picture in outputs/circles/
    python examples/circles.py --hidden 4 --epochs 20

The inner circle is class 1, the ring around it class 0.  A linear model cannot separate them;
with one hidden layer the network bends its boundary into a closed curve.  The training loop
is the one written out in moons.py (``_common.fit``).
"""
import time

from sklearn.datasets import make_circles

import tinytorch as torch
from tinytorch import nn
from tinytorch.utils.data import TensorDataset

from _common import (accuracy, evaluate, fit, parse_args, plot_decision_boundary, report_done,
                     split_train_test)


def main(argv=None):
    args = parse_args(argv, "Train an MLP on sklearn's two circles.", epochs=40, hidden=16,
                      lr=0.02, out="outputs/circles")
    start = time.perf_counter()
    torch.manual_seed(args.seed)

    X, y = make_circles(n_samples=1000, noise=0.08, factor=0.5, random_state=args.seed)
    data = TensorDataset(torch.tensor(X, dtype=torch.float32), torch.tensor(y))
    train_set, test_set, loader = split_train_test(data, args.seed)

    # tanh is smooth, so the boundary comes out round rather than a polygon of ReLU pieces
    model = nn.Sequential(nn.Linear(2, args.hidden), nn.Tanh(), nn.Linear(args.hidden, 2))
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

    loss, _ = fit(model, loader, loss_fn, optimizer, args.epochs)

    test_acc = accuracy(*evaluate(model, test_set))
    print(f"test accuracy: {test_acc:.4f} ({len(test_set)} held-out points)")
    files = []
    if not args.no_plots:
        files.append(plot_decision_boundary(
            model, X, y, args.out / "decision_boundary.png",
            f"circles: 2-{args.hidden}-2 tanh MLP, test accuracy {test_acc:.3f}"))
    seconds = report_done(start, files)
    return {"test_accuracy": test_acc, "train_loss": loss, "files": files, "seconds": seconds}


if __name__ == "__main__":
    main()
