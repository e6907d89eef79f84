"""Small helpers shared by the examples: command-line flags, the train/test split, the
training loop of moons.py with a progress bar, accuracy, decision-boundary plots.

Only the public tinytorch API is used here, exactly as a user's own script would use it.
matplotlib is imported inside ``plot_decision_boundary`` so ``--no-plots`` never pays for it.
"""
import argparse
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

import tinytorch as torch
from tinytorch.utils.data import DataLoader, random_split


def parse_args(argv, description, epochs, hidden, lr, out=None, seed=0, extra=None):
    """The flags every training example shares, with that example's defaults; ``extra(p)``
    may add more to the parser ``p``."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--epochs", type=int, default=epochs, help="passes over the training set")
    p.add_argument("--hidden", type=int, default=hidden, help="units per hidden layer")
    p.add_argument("--lr", type=float, default=lr, help="learning rate")
    p.add_argument("--seed", type=int, default=seed, help="seed for data, init and shuffling")
    if out is not None:                 # examples that draw pictures
        p.add_argument("--out", type=Path, default=Path(out), help="folder for the pictures")
        p.add_argument("--no-plots", action="store_true", help="skip writing pictures")
    if extra is not None:
        extra(p)
    return p.parse_args(argv)


def split_train_test(dataset, seed, batch_size=32):
    """A random 80% / 20% split into training and test set (the same for the same seed), and
    a loader that deals the training set out in shuffled mini-batches, as in moons.py.
    Returns (train_set, test_set, loader)."""
    train_set, test_set = random_split(dataset, [0.8, 0.2],
                                       generator=torch.Generator().manual_seed(seed))
    return train_set, test_set, DataLoader(train_set, batch_size=batch_size, shuffle=True)


def train_epoch(model, loader, loss_fn, optimizer):
    """One pass over ``loader``: the loop written out in moons.py.  Returns (loss, accuracy)
    averaged over the epoch (accuracy only when the targets are class indices)."""
    model.train()
    loss_sum, correct, seen = 0.0, 0, 0
    for xb, yb in loader:
        out = model(xb)
        loss = loss_fn(out, yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        loss_sum += loss.item() * len(yb)
        if yb.dtype == torch.int64:
            correct += (out.argmax(dim=1) == yb).sum().item()
        seen += len(yb)
    return loss_sum / seen, correct / seen


def fit(model, loader, loss_fn, optimizer, epochs):
    """``epochs`` calls of ``train_epoch`` (a classifier's), with a progress bar showing each
    epoch's loss and training accuracy.  Returns the last epoch's (loss, accuracy)."""
    bar = tqdm(range(1, epochs + 1), desc="training", unit="epoch")
    for epoch in bar:
        loss, acc = train_epoch(model, loader, loss_fn, optimizer)
        bar.set_postfix(epoch=epoch, loss=f"{loss:.4f}", acc=f"{acc:.3f}")
    bar.close()
    return loss, acc


def evaluate(model, dataset):
    """The model's outputs on a whole dataset in one batch, and the targets (no graph)."""
    x, y = next(iter(DataLoader(dataset, batch_size=len(dataset))))
    model.eval()
    with torch.no_grad():
        return model(x), y


def accuracy(logits, y):
    """Fraction of rows whose largest logit is at the true class."""
    return (logits.argmax(dim=1) == y).float().mean().item()


def report_done(start, files=()):
    """Print the files written and the seconds since ``start`` (a ``time.perf_counter()``
    reading); returns the seconds."""
    for f in files:
        print(f"wrote {f}")
    seconds = time.perf_counter() - start
    print(f"done in {seconds:.1f} s")
    return seconds


def predict_classes(model, x):
    """Class predictions for a numpy array of points: no graph is recorded (no_grad)."""
    was_training = model.training
    model.eval()
    with torch.no_grad():
        logits = model(torch.tensor(x, dtype=torch.float32))
    model.train(was_training)
    return logits.argmax(dim=1).numpy()


def plot_decision_boundary(model, X, y, path, title):
    """Colour the plane by the model's predicted class and draw the points on top (PNG)."""
    import matplotlib
    matplotlib.use("Agg")            # draw to files only: works on machines with no display
    import matplotlib.pyplot as plt

    pad = 0.5
    (x0, y0), (x1, y1) = X.min(axis=0) - pad, X.max(axis=0) + pad
    gx, gy = np.meshgrid(np.linspace(x0, x1, 300), np.linspace(y0, y1, 300))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    zz = predict_classes(model, grid).reshape(gx.shape)

    n_classes = int(max(y.max(), zz.max())) + 1
    cmap = plt.get_cmap("coolwarm" if n_classes == 2 else "viridis", n_classes)
    fig, ax = plt.subplots(figsize=(5, 4), dpi=100)
    ax.contourf(gx, gy, zz, levels=np.arange(n_classes + 1) - 0.5, cmap=cmap, alpha=0.35)
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap=cmap, vmin=-0.5, vmax=n_classes - 0.5, s=12,
               edgecolors="k", linewidths=0.3)
    ax.set_title(title, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
