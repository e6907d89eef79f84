"""Fit sin(x) on [-pi, pi] with y = a + b * P3(c + d * x), where P3 is the Legendre polynomial
of degree 3 written as a custom autograd Function, and update the weights by hand inside
torch.no_grad()."""
import math

import torch


class Legendre3(torch.autograd.Function):
    """P3(t) = (5 t^3 - 3 t) / 2, with its derivative dP3/dt = (15 t^2 - 3) / 2."""

    @staticmethod
    def forward(ctx, t):
        ctx.save_for_backward(t)
        return 0.5 * (5 * t ** 3 - 3 * t)

    @staticmethod
    def backward(ctx, grad_output):
        (t,) = ctx.saved_tensors
        return grad_output * 1.5 * (5 * t ** 2 - 1)


def main():
    torch.manual_seed(0)
    dtype = torch.float32
    x = torch.linspace(-math.pi, math.pi, 1000, dtype=dtype)
    y = torch.sin(x)
    a = torch.full((), 0.0, dtype=dtype, requires_grad=True)
    b = torch.full((), -1.0, dtype=dtype, requires_grad=True)
    c = torch.full((), 0.0, dtype=dtype, requires_grad=True)
    d = torch.full((), 0.3, dtype=dtype, requires_grad=True)
    # a random nudge of the starting point, so the seeded stream matters too
    with torch.no_grad():
        for w in (a, b, c, d):
            w.add_(0.01 * torch.randn((), dtype=dtype))
    lr = 5e-6
    p3 = Legendre3.apply
    for step in range(300):
        y_pred = a + b * p3(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        if step % 50 == 49:
            print(f"step {step} loss {loss.item():.4f}")
        loss.backward()
        with torch.no_grad():
            for w in (a, b, c, d):
                w -= lr * w.grad
                w.grad = None
    print(f"y = {a.item():.4f} + {b.item():.4f} * P3({c.item():.4f} + {d.item():.4f} x)")


if __name__ == "__main__":
    main()
