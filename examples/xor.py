"""XOR with the smallest network that can learn it: 2 inputs, 2 hidden units, 1 output.

    python examples/xor.py
    python examples/xor.py --seed 3 --epochs 2000

XOR is the classic function no single linear layer can compute (no straight line separates
{01, 10} from {00, 11}); one hidden layer of two units is enough.  The network is small enough
to print everything: every weight, every gradient, and each step the autograd engine takes
during the first ``backward()`` (``tinytorch.viz.print_backward``).

A 2-2-1 network sometimes gets stuck (both hidden units learn the same thing and the loss
stops near 0.35 or 0.48); if a seed of your own does that, try another ``--seed``.
"""
import argparse
from pathlib import Path

import numpy as np

import tinytorch as torch
from tinytorch import nn
from tinytorch.viz import make_dot, print_backward, render


def show_parameters(model, title):
    """Print every parameter of the model next to its gradient."""
    print(title)
    for name, p in model.named_parameters():
        value = np.array2string(p.detach().numpy(), precision=4, suppress_small=True)
        grad = "None" if p.grad is None else \
            np.array2string(p.grad.numpy(), precision=4, suppress_small=True)
        print(f"  {name:<9} value {value.replace(chr(10), ' ')}")
        print(f"  {'':<9} grad  {grad.replace(chr(10), ' ')}")


def main(argv=None):
    p = argparse.ArgumentParser(description="A 2-2-1 network learns XOR.")
    p.add_argument("--epochs", type=int, default=1000, help="full-batch gradient steps")
    p.add_argument("--lr", type=float, default=0.5, help="learning rate")
    p.add_argument("--seed", type=int, default=0, help="seed for the initial weights")
    p.add_argument("--out", type=Path, default=Path("outputs/xor"), help="folder for pictures")
    p.add_argument("--no-plots", action="store_true", help="skip the graph picture")
    args = p.parse_args(argv)
    torch.manual_seed(args.seed)

    # All four cases of XOR are the whole data set: one batch.
    X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = torch.tensor([[0.0], [1.0], [1.0], [0.0]])

    model = nn.Sequential(nn.Linear(2, 2), nn.Sigmoid(), nn.Linear(2, 1))
    # The last layer outputs a logit z; BCEWithLogitsLoss applies the sigmoid itself, in a
    # numerically stable way:  loss = -[y log σ(z) + (1 - y) log(1 - σ(z))], averaged.
    loss_fn = nn.BCEWithLogitsLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
    params = dict(model.named_parameters())

    # --- the first step, in slow motion ---------------------------------------------------
    loss = loss_fn(model(X), y)
    print(f"initial loss {loss.item():.4f}\n")
    print("backward, in the order the engine visits each Function:")
    print_backward(loss, params)        # runs loss.backward() and narrates it
    print()
    show_parameters(model, "parameters and their gradients after the first backward:")
    files = []
    if not args.no_plots:     # the same step as a picture: values and gradients in the boxes
        dot = make_dot(loss, params=params, show_data=True, show_grad=True)
        files.append(render(dot, args.out / "graph.png"))
    optimizer.step()

    # --- the remaining steps -----------------------------------------------------------------
    for step in range(2, args.epochs + 1):
        loss = loss_fn(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % max(1, args.epochs // 5) == 0:
            print(f"step {step:>5}  loss {loss.item():.5f}")
    print()
    show_parameters(model, "parameters after training (gradients from the last step):")

    with torch.no_grad():
        prob = torch.sigmoid(model(X))
    accuracy = ((prob > 0.5).float() == y).float().mean().item()
    print("\n x1 x2 | target | p(1)")
    for (a, b), t, q in zip(X.tolist(), y.tolist(), prob.tolist()):
        print(f" {a:2.0f} {b:2.0f} | {t[0]:6.0f} | {q[0]:.4f}")
    print(f"accuracy {accuracy:.2f}, final loss {loss.item():.5f}")
    for f in files:
        print(f"wrote {f}")
    return {"accuracy": accuracy, "loss": loss.item(), "probabilities": prob.tolist(),
            "files": files}


if __name__ == "__main__":
    main()
