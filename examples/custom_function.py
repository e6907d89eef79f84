"""Write your own differentiable op with ``autograd.Function``, check it, then train with it.

    python examples/custom_function.py

A Function is a forward and a backward side by side.  ``forward`` computes the output and
saves what backward will need; ``backward`` receives dL/d(output) and returns dL/d(input) for
each input (``None`` for inputs that are not tensors).  Two examples:

* ``SoftClip``: y = c·tanh(x / c), a smooth clip to (-c, c) that is ≈ x near 0.  Its true
  derivative is dy/dx = 1 - tanh²(x / c) = 1 - (y / c)², so ``gradcheck`` (finite differences
  in float64) must agree with our backward.
* ``RoundSTE``: y = round(x) with a "straight-through" backward that pretends dy/dx = 1.  The
  true derivative is 0 almost everywhere, which would stop all learning; the lie is useful (it
  is how quantized networks are trained), and ``gradcheck`` duly reports it as wrong.

Then a small network whose hidden values are squashed by SoftClip and rounded to multiples
of 0.5 by RoundSTE (9 possible values) learns the two-circles data set.
"""
import time

import numpy as np
from sklearn.datasets import make_circles

import tinytorch as torch
from tinytorch import nn
from tinytorch.autograd import Function, gradcheck
from tinytorch.utils.data import DataLoader, TensorDataset, random_split

from _common import accuracy, evaluate, parse_args, train_epoch


class SoftClip(Function):
    """y = c·tanh(x / c);  dy/dx = 1 - (y / c)²."""

    @staticmethod
    def forward(ctx, x, c):
        y = c * torch.tanh(x / c)
        ctx.save_for_backward(y)        # the derivative is cheapest written with y
        ctx.c = c                       # plain Python values can be kept on ctx directly
        return y

    @staticmethod
    def backward(ctx, grad_y):
        (y,) = ctx.saved_tensors
        grad_x = grad_y * (1 - (y / ctx.c) ** 2)    # chain rule: dL/dx = dL/dy · dy/dx
        return grad_x, None                         # c is a number: no gradient for it


class RoundSTE(Function):
    """y = round(x);  backward passes the gradient straight through (dy/dx taken as 1)."""

    @staticmethod
    def forward(ctx, x):
        return torch.from_numpy(np.round(x.detach().numpy()))

    @staticmethod
    def backward(ctx, grad_y):
        return grad_y


class SoftClipRound(nn.Module):
    """Activation: squash to (-c, c), then round to a multiple of ``step`` (a few levels)."""

    def __init__(self, c=2.0, step=0.5):
        super().__init__()
        self.c, self.step = c, step

    def forward(self, x):
        return RoundSTE.apply(SoftClip.apply(x, self.c) / self.step) * self.step

    def extra_repr(self):
        return f"c={self.c}, step={self.step}"


def check_gradients():
    """gradcheck: our backward against (f(x + ε) - f(x - ε)) / 2ε, in float64."""
    x = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
    soft_ok = gradcheck(lambda t: SoftClip.apply(t, 1.5), (x,))
    # keep x away from .5, where round() jumps and finite differences mean nothing
    x = (torch.randint(-3, 3, (4, 3)) + 0.25).double().requires_grad_()
    ste_ok = gradcheck(RoundSTE.apply, (x,), raise_exception=False)
    print(f"gradcheck SoftClip: {soft_ok}")
    print(f"gradcheck RoundSTE: {ste_ok}  (expected: straight-through is not the true "
          "derivative)")
    return soft_ok, ste_ok


def main(argv=None):
    args = parse_args(argv, "A custom autograd.Function inside a model.", epochs=40,
                      hidden=32, lr=0.01)
    start = time.perf_counter()
    torch.manual_seed(args.seed)
    soft_ok, ste_ok = check_gradients()

    X, y = make_circles(n_samples=1000, noise=0.08, factor=0.5, random_state=args.seed)
    data = TensorDataset(torch.tensor(X, dtype=torch.float32), torch.tensor(y))
    train_set, test_set = random_split(data, [0.8, 0.2],
                                       generator=torch.Generator().manual_seed(args.seed))
    loader = DataLoader(train_set, batch_size=32, shuffle=True)

    model = nn.Sequential(nn.Linear(2, args.hidden), SoftClipRound(c=2.0, step=0.5),
                          nn.Linear(args.hidden, 2))
    print(model)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    for epoch in range(1, args.epochs + 1):
        loss, acc = train_epoch(model, loader, loss_fn, optimizer)
        if epoch % max(1, args.epochs // 4) == 0:
            print(f"epoch {epoch:>3}  loss {loss:.4f}  train accuracy {acc:.3f}")

    logits, y_test = evaluate(model, test_set)
    test_acc = accuracy(logits, y_test)
    with torch.no_grad():
        hidden = model[1](model[0](test_set[:][0]))     # the activations after SoftClipRound
    levels = np.unique(hidden.numpy()).tolist()
    print(f"hidden values seen on the test set: {levels}")
    print(f"test accuracy: {test_acc:.4f}")
    seconds = time.perf_counter() - start
    print(f"done in {seconds:.1f} s")
    return {"gradcheck_softclip": soft_ok, "gradcheck_round_ste": ste_ok,
            "test_accuracy": test_acc, "hidden_levels": levels, "seconds": seconds}


if __name__ == "__main__":
    main()
