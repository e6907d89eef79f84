"""A small convolutional network on scikit-learn's 8x8 handwritten digits.

The 1797 images (8x8 pixels, 16 grey levels, digits 0-9) are split 80/20 into train and test.
The network looks at each image through learned 3x3 filters:

    image (1, 8, 8)
      -> Conv2d 1->16, 3x3, padding 1   -> BatchNorm2d -> ReLU      (16, 8, 8)
      -> Conv2d 16->32, 3x3, padding 1  -> BatchNorm2d -> ReLU      (32, 8, 8)
      -> MaxPool2d 2                                                (32, 4, 4)
      -> Flatten -> Dropout -> Linear 512->10                       class scores

Padding 1 keeps the 8x8 size through each conv; max pooling halves it.  It reaches about
98-99% test accuracy in well under a minute on two CPU cores.

    python examples/digits_cnn.py                 # full run
    python examples/digits_cnn.py --epochs 3      # quicker

Only the public API is used: replace ``import tinytorch as torch`` by ``import torch`` and the
script runs unchanged on PyTorch.
"""
import argparse
import time

import numpy as np
from sklearn.datasets import load_digits
from tqdm import tqdm

import tinytorch as torch
import tinytorch.nn.functional as F
from tinytorch import nn
from tinytorch.utils.data import DataLoader, TensorDataset


def make_model():
    return nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3, padding=1),   # 16 learned 3x3 edge/stroke detectors
        nn.BatchNorm2d(16),                            # keeps each channel ~N(0, 1): faster
        nn.ReLU(),                                     # training at a larger learning rate
        nn.Conv2d(16, 32, kernel_size=3, padding=1),   # combinations of strokes
        nn.BatchNorm2d(32),
        nn.ReLU(),
        nn.MaxPool2d(2),                               # keep the strongest response per 2x2
        nn.Flatten(),
        nn.Dropout(0.25),                              # regularise the (small) data set
        nn.Linear(32 * 4 * 4, 10),
    )


def load_data(seed):
    """Images as float tensors (N, 1, 8, 8) scaled to [0, 1], labels as int64; 80/20 split."""
    digits = load_digits()
    x = torch.tensor(digits.images.astype(np.float32) / 16.0).unsqueeze(1)
    y = torch.tensor(digits.target.astype(np.int64))
    g = torch.Generator().manual_seed(seed)
    perm = torch.randperm(len(y), generator=g)
    n_test = len(y) // 5
    test, train = perm[:n_test], perm[n_test:]
    return x[train], y[train], x[test], y[test]


def accuracy(model, x, y):
    model.eval()                   # BatchNorm uses its running statistics, Dropout is off
    with torch.no_grad():
        pred = model(x).argmax(dim=1)
    model.train()
    return (pred == y).float().mean().item()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)

    torch.manual_seed(args.seed)
    x_train, y_train, x_test, y_test = load_data(args.seed)
    loader = DataLoader(TensorDataset(x_train, y_train), batch_size=args.batch_size,
                        shuffle=True)
    model = make_model()
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    # decay the learning rate smoothly to ~0 over the run (cosine schedule)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs * len(loader))

    start = time.perf_counter()
    bar = tqdm(range(args.epochs), desc="epochs", disable=args.quiet)
    for epoch in bar:
        total, count = 0.0, 0
        for xb, yb in loader:
            loss = F.cross_entropy(model(xb), yb)   # softmax + negative log-likelihood
            opt.zero_grad()
            loss.backward()                         # gradients of every conv/BN/linear weight
            opt.step()
            sched.step()
            total += loss.item() * len(yb)
            count += len(yb)
        bar.set_postfix(loss=f"{total / count:.4f}",
                        test_acc=f"{accuracy(model, x_test, y_test):.4f}")
    bar.close()
    seconds = time.perf_counter() - start

    result = {"train_loss": total / count, "train_acc": accuracy(model, x_train, y_train),
              "test_acc": accuracy(model, x_test, y_test), "seconds": seconds,
              "epochs": args.epochs}
    print(f"train loss {result['train_loss']:.4f}  train acc {result['train_acc']:.4f}  "
          f"test acc {result['test_acc']:.4f}  ({seconds:.1f} s)")
    return result


if __name__ == "__main__":
    main()
