"""Linear regression trained by writing the parameters through ``.data``, written for a
GPU if there is one: torch.device, .to(device), torch.cuda.is_available()."""
import torch
import torch.nn as nn
import torch.nn.functional as F


def main():
    torch.manual_seed(0)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    true_w = torch.tensor([[1.5], [-2.0], [0.5]], device=device)
    x = torch.randn(256, 3, device=device)
    y = x @ true_w + 0.3 + 0.1 * torch.randn(256, 1).to(device)
    steps = torch.arange(0, 60, device=device)

    model = nn.Linear(3, 1).to(device)
    for p in model.parameters():
        p.data.normal_(0.0, 0.1)
    best = [p.data.clone() for p in model.parameters()]
    best_loss = float("inf")
    lr = 0.05
    for step in steps.tolist():
        loss = F.mse_loss(model(x), y)
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data.add_(p.grad.data, alpha=-lr)
        if loss.item() < best_loss:
            best_loss = loss.item()
            for b, p in zip(best, model.parameters()):
                b.copy_(p.data)
        if step % 10 == 0:
            print(f"step {step} loss {loss.item():.4f}")
    for b, p in zip(best, model.parameters()):
        p.data.copy_(b)
    with torch.no_grad():
        final = F.mse_loss(model(x), y).item()
    print(f"final loss {final:.4f} on {x.device.type}")
    print("weight", " ".join(f"{v:.4f}" for v in model.weight.view(-1).tolist()))
    print(f"bias {model.bias.item():.4f}")


if __name__ == "__main__":
    main()
