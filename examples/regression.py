"""Regression with mean squared error: disease progression from 10 measurements.

    python examples/regression.py
    python examples/regression.py --hidden 0          # a plain linear model

``sklearn.datasets.load_diabetes`` (bundled, no download): 442 patients, 10 features (age,
BMI, blood pressure, six blood serum values) and a number measuring how the disease progressed
a year later.  We report R² on held-out patients:

    R² = 1 - Σ (y - ŷ)² / Σ (y - ȳ)²        (ȳ: the mean of the held-out targets)

R² = 1 is perfect; predicting one constant for everybody scores at most 0.  The data is noisy:
even the best straight-line fit, solved exactly, reaches only about 0.35-0.5 depending on
which patients are held out.  We print that number too, as a reference.
"""
import time

import numpy as np
from sklearn.datasets import load_diabetes
from tqdm import tqdm

import tinytorch as torch
from tinytorch import nn
from tinytorch.utils.data import DataLoader, TensorDataset

from _common import evaluate, parse_args, report_done, train_epoch


def r2_score(pred, target):
    """1 - (squared error of the predictions) / (squared error of predicting target.mean())."""
    return 1.0 - ((target - pred) ** 2).sum().item() / ((target - target.mean()) ** 2).sum().item()


def main(argv=None):
    args = parse_args(argv, "MSE regression on sklearn's diabetes data.", epochs=100,
                      hidden=16, lr=3e-3)
    start = time.perf_counter()
    torch.manual_seed(args.seed)

    X, y = load_diabetes(return_X_y=True)
    X = torch.tensor(X, dtype=torch.float32)                     # (442, 10)
    y = torch.tensor(y, dtype=torch.float32).unsqueeze(1)        # (442, 1): one output
    perm = torch.randperm(len(X), generator=torch.Generator().manual_seed(args.seed))
    train, test = perm[:354], perm[354:]                          # 80% / 20% of patients

    # Inputs and targets of spread ~1 around 0 make the learning rate easy to choose.  The
    # statistics come from the training patients only: the test set stays unseen.
    x_mean, x_std = X[train].mean(dim=0), X[train].std(dim=0)
    y_mean, y_std = y[train].mean(), y[train].std()
    X = (X - x_mean) / x_std
    y_scaled = (y - y_mean) / y_std
    train_set = TensorDataset(X[train], y_scaled[train])
    test_set = TensorDataset(X[test], y[test])                   # kept in original units
    loader = DataLoader(train_set, batch_size=32, shuffle=True)

    if args.hidden > 0:
        model = nn.Sequential(nn.Linear(10, args.hidden), nn.ReLU(), nn.Linear(args.hidden, 1))
    else:
        model = nn.Linear(10, 1)
    loss_fn = nn.MSELoss()              # mean of (ŷ - y)²;  d/dŷ = 2(ŷ - y) / n
    # weight_decay pulls every weight a little towards 0 each step: with 354 patients an
    # unconstrained network would start memorizing them instead of learning the trend
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.05)

    bar = tqdm(range(1, args.epochs + 1), desc="training", unit="epoch")
    for epoch in bar:
        loss, _ = train_epoch(model, loader, loss_fn, optimizer)
        bar.set_postfix(epoch=epoch, mse=f"{loss:.4f}")
    bar.close()

    pred, target = evaluate(model, test_set)
    pred = pred * y_std + y_mean                                  # back to the original units
    r2 = r2_score(pred, target)
    r2_mean = r2_score(y_mean.expand(target.shape), target)       # always predict train mean
    # reference: the exact least-squares straight line (numpy), on the same split
    A = np.c_[X[train].numpy(), np.ones(len(train))]
    w = np.linalg.lstsq(A, y[train].numpy(), rcond=None)[0]
    r2_linear = r2_score(torch.tensor(np.c_[X[test].numpy(), np.ones(len(test))] @ w), target)
    rmse = ((pred - target) ** 2).mean().sqrt().item()
    print(f"held-out RMSE {rmse:.1f} (spread of the targets: {target.std().item():.1f})")
    print(f"held-out R²: model {r2:.3f} | always the training mean {r2_mean:.3f} | "
          f"exact least-squares line {r2_linear:.3f}")
    seconds = report_done(start)
    return {"r2": r2, "r2_mean_baseline": r2_mean, "r2_least_squares": r2_linear,
            "rmse": rmse, "seconds": seconds}


if __name__ == "__main__":
    main()
