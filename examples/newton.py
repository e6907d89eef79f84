"""Newton's method: fit a logistic regression with the Hessian from autograd.

    python examples/newton.py                  # 8 Newton steps, a fraction of a second
    python examples/newton.py --l2 1e-3 --steps 30

Gradient descent moves against the gradient g with a step size we have to pick.  Newton's
method also uses the second derivatives, the Hessian H (here 31 x 31), and jumps straight to
the minimum of the local quadratic model of the loss:

    theta  <-  theta - H^-1 g

Near the minimum the number of correct digits doubles at every step ("quadratic
convergence"): watch the |grad| column.  ``autograd.functional.hessian`` gets H by
differentiating the gradient once more, so there is no formula to derive by hand; we still
compare it with the known one for logistic regression, X^T diag(p (1 - p)) X / n + l2 I.

The data is sklearn's breast cancer set (bundled, no download): 569 tumours, 30 measurements,
label 1 for benign.  With ``import torch`` in place of ``import tinytorch as torch`` this runs
the same way.
"""
import argparse
import time

import numpy as np
from sklearn.datasets import load_breast_cancer

import tinytorch as torch

from _common import report_done


def parse_args(argv):
    p = argparse.ArgumentParser(description="Newton's method with autograd's Hessian.")
    p.add_argument("--steps", type=int, default=20, help="most Newton steps")
    p.add_argument("--l2", type=float, default=1e-2, help="weight of the L2 penalty")
    p.add_argument("--tol", type=float, default=1e-10, help="stop when |grad| is below this")
    p.add_argument("--gd-lr", type=float, default=1.0,
                   help="step size of the gradient-descent run we compare with")
    p.add_argument("--seed", type=int, default=0, help="seed for the train/test split")
    return p.parse_args(argv)


def make_loss(X, y, l2):
    """Mean logistic loss of the scores z = X theta, plus (l2 / 2) |theta|^2.

    log(1 + e^z) - y z is -log p(y | x) with p = sigmoid(z); float64 keeps e^z finite for
    |z| < 700, far beyond what this data reaches."""
    def loss(theta):
        z = X @ theta
        return (z.exp().log1p() - y * z).mean() + l2 / 2 * (theta * theta).sum()
    return loss


def gradient(loss, theta):
    theta = theta.detach().requires_grad_(True)
    value = loss(theta)
    (g,) = torch.autograd.grad(value, theta)
    return value.item(), g


def main(argv=None):
    args = parse_args(argv)
    start = time.perf_counter()

    # --- data: standardized features and a column of ones (so theta[-1] is the bias) -------
    X, y = load_breast_cancer(return_X_y=True)
    order = np.random.default_rng(args.seed).permutation(len(X))
    train, test = order[:455], order[455:]                  # 80% / 20%
    mean, std = X[train].mean(axis=0), X[train].std(axis=0)
    X = np.hstack([(X - mean) / std, np.ones((len(X), 1))])
    X_train, y_train = torch.tensor(X[train]), torch.tensor(y[train], dtype=torch.float64)
    loss = make_loss(X_train, y_train, args.l2)

    # --- Newton's method ------------------------------------------------------------------------
    theta = torch.zeros(X.shape[1], dtype=torch.float64)
    print(" step        loss        |grad|")
    steps, history = 0, []
    for steps in range(args.steps + 1):
        value, g = gradient(loss, theta)
        grad_norm = g.norm().item()
        history.append((value, grad_norm))
        print(f"{steps:5d}  {value:.10f}  {grad_norm:.3e}")
        if grad_norm < args.tol or steps == args.steps:
            break
        H = torch.autograd.functional.hessian(loss, theta)         # (31, 31)
        step = np.linalg.solve(H.numpy(), g.numpy())               # H^-1 g, without H^-1
        theta = theta - torch.tensor(step)

    # --- the Hessian autograd found, against the textbook formula --------------------------------
    Xn, th = X[train], theta.numpy()
    p = 1 / (1 + np.exp(-Xn @ th))
    H_formula = Xn.T @ (Xn * (p * (1 - p))[:, None]) / len(Xn) + args.l2 * np.eye(len(th))
    H_diff = np.abs(torch.autograd.functional.hessian(loss, theta).numpy() - H_formula).max()
    print(f"Hessian vs X^T diag(p(1-p)) X / n + l2 I: largest difference {H_diff:.1e}")

    # --- gradient descent with the same number of steps, for comparison ---------------------------
    w = torch.zeros(X.shape[1], dtype=torch.float64)
    for _ in range(steps):
        w = w - args.gd_lr * gradient(loss, w)[1]
    gd_loss, gd_grad = gradient(loss, w)
    print(f"gradient descent (lr {args.gd_lr}), {steps} steps: loss {gd_loss:.10f}, "
          f"|grad| {gd_grad.norm().item():.3e}")

    # --- held-out tumours ---------------------------------------------------------------------
    pred = (torch.tensor(X[test]) @ theta > 0).numpy()
    test_acc = float((pred == y[test]).mean())
    print(f"Newton: |grad| {history[-1][1]:.1e} after {steps} steps, loss {history[-1][0]:.10f}")
    print(f"test accuracy: {test_acc:.4f} ({len(test)} held-out tumours)")
    seconds = report_done(start)
    return {"test_accuracy": test_acc, "steps": steps, "loss": history[-1][0],
            "grad_norm": history[-1][1], "history": history, "hessian_error": float(H_diff),
            "gd_loss": gd_loss, "seconds": seconds}


if __name__ == "__main__":
    main()
