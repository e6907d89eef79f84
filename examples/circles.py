"""Two concentric circles: a boundary no straight line can draw, learned by a small MLP.

    python examples/circles.py                 # picture in outputs/circles/
    python examples/circles.py --hidden 4 --epochs 20

The inner circle is class 1, the ring around it class 0.  A linear model cannot separate them;
with one hidden layer the network bends its boundary into a closed curve.  The training loop
is the one written out in moons.py (``_common.train_epoch``).
"""
import time

from sklearn.datasets import make_circles
from tqdm import tqdm

import tinytorch as torch
from tinytorch import nn
from tinytorch.utils.data import DataLoader, TensorDataset, random_split

from _common import accuracy, evaluate, parse_args, plot_decision_boundary, train_epoch


def main(argv=None):
    args = parse_args(argv, "Train an MLP on sklearn's two circles.", epochs=40, hidden=16,
                      lr=0.02, out="outputs/circles")
    start = time.perf_counter()
    torch.manual_seed(args.seed)

    X, y = make_circles(n_samples=1000, noise=0.08, factor=0.5, random_state=args.seed)
    data = TensorDataset(torch.tensor(X, dtype=torch.float32), torch.tensor(y))
    train_set, test_set = random_split(data, [0.8, 0.2],
                                       generator=torch.Generator().manual_seed(args.seed))
    loader = DataLoader(train_set, batch_size=32, shuffle=True)

    # tanh is smooth, so the boundary comes out round rather than a polygon of ReLU pieces
    model = nn.Sequential(nn.Linear(2, args.hidden), nn.Tanh(), nn.Linear(args.hidden, 2))
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

    bar = tqdm(range(1, args.epochs + 1), desc="training", unit="epoch")
    for epoch in bar:
        loss, acc = train_epoch(model, loader, loss_fn, optimizer)
        bar.set_postfix(epoch=epoch, loss=f"{loss:.4f}", acc=f"{acc:.3f}")
    bar.close()

    test_acc = accuracy(*evaluate(model, test_set))
    print(f"test accuracy: {test_acc:.4f} ({len(test_set)} held-out points)")
    files = []
    if not args.no_plots:
        files.append(plot_decision_boundary(
            model, X, y, args.out / "decision_boundary.png",
            f"circles: 2-{args.hidden}-2 tanh MLP, test accuracy {test_acc:.3f}"))
    for f in files:
        print(f"wrote {f}")
    seconds = time.perf_counter() - start
    print(f"done in {seconds:.1f} s")
    return {"test_accuracy": test_acc, "train_loss": loss, "files": files, "seconds": seconds}


if __name__ == "__main__":
    main()
