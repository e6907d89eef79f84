"""Train a small neural network to separate two interleaving half-moons.

    python examples/moons.py                   # a few seconds; pictures in outputs/moons/
    python examples/moons.py --hidden 8 --epochs 40 --no-plots

The whole recipe of supervised learning in one file: make data, split it into a training and a
test set, define a model, a loss and an optimizer, loop over mini-batches (forward, backward,
step), then measure accuracy on points the model never saw.  Apart from the graph picture
(``tinytorch.viz``), this is PyTorch code: with ``import torch`` in place of
``import tinytorch as torch`` it trains the same way.
"""
import time

from sklearn.datasets import make_moons
from tqdm import tqdm

import tinytorch as torch
from tinytorch import nn
from tinytorch.utils.data import DataLoader, TensorDataset, random_split
from tinytorch.viz import make_dot, render

from _common import accuracy, parse_args, plot_decision_boundary, report_done


def make_model(hidden):
    # 2 inputs (x, y) -> two hidden ReLU layers -> 2 outputs: one score ("logit") per class
    return nn.Sequential(
        nn.Linear(2, hidden), nn.ReLU(),
        nn.Linear(hidden, hidden), nn.ReLU(),
        nn.Linear(hidden, 2),
    )


def main(argv=None):
    args = parse_args(argv, "Train an MLP on sklearn's two moons.", epochs=60, hidden=16,
                      lr=0.01, out="outputs/moons")
    start = time.perf_counter()
    torch.manual_seed(args.seed)        # same initial weights and same batches every run

    # --- data: 1000 points, label 0 (upper moon) or 1 (lower moon) ----------------------
    X, y = make_moons(n_samples=1000, noise=0.1, random_state=args.seed)
    data = TensorDataset(torch.tensor(X, dtype=torch.float32), torch.tensor(y))
    split_rng = torch.Generator().manual_seed(args.seed)
    train_set, test_set = random_split(data, [0.8, 0.2], generator=split_rng)
    loader = DataLoader(train_set, batch_size=32, shuffle=True)   # new order every epoch

    # --- model, loss, optimizer ----------------------------------------------------------
    model = make_model(args.hidden)
    loss_fn = nn.CrossEntropyLoss()     # softmax over the 2 logits, then -log p(true class)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

    # --- one training step, drawn: what the loop below repeats ---------------------------
    files = []
    if not args.no_plots:
        xb, yb = train_set[[0, 1, 2, 3]]            # 4 points are enough to see the shapes
        loss = loss_fn(model(xb), yb)
        loss.backward()                             # fills .grad: shown in the orange boxes
        dot = make_dot(loss, params=dict(model.named_parameters()), show_grad=True)
        files.append(render(dot, args.out / "graph.png"))
        optimizer.zero_grad()                       # this step was only for the picture

    # --- training loop ---------------------------------------------------------------------
    bar = tqdm(range(1, args.epochs + 1), desc="training", unit="epoch")
    for epoch in bar:
        model.train()
        loss_sum, correct, seen = 0.0, 0, 0
        for xb, yb in loader:
            logits = model(xb)              # forward: records the graph of this batch
            loss = loss_fn(logits, yb)
            optimizer.zero_grad()           # .grad accumulates, so clear last step's
            loss.backward()                 # backward: d loss / d every parameter
            optimizer.step()                # move each parameter a little against its grad
            loss_sum += loss.item() * len(yb)
            correct += (logits.argmax(dim=1) == yb).sum().item()
            seen += len(yb)
        bar.set_postfix(epoch=epoch, loss=f"{loss_sum / seen:.4f}", acc=f"{correct / seen:.3f}")
    bar.close()

    # --- evaluation on held-out points -------------------------------------------------------
    x_test, y_test = next(iter(DataLoader(test_set, batch_size=len(test_set))))
    model.eval()
    with torch.no_grad():                   # no graph needed: we will not call backward
        test_acc = accuracy(model(x_test), y_test)
    print(f"test accuracy: {test_acc:.4f} ({len(test_set)} held-out points)")

    if not args.no_plots:
        files.append(plot_decision_boundary(
            model, X, y, args.out / "decision_boundary.png",
            f"tinytorch MLP 2-{args.hidden}-{args.hidden}-2, test accuracy {test_acc:.3f}"))
    seconds = report_done(start, files)
    return {"test_accuracy": test_acc, "train_loss": loss_sum / seen, "files": files,
            "seconds": seconds}


if __name__ == "__main__":
    main()
