"""A small variational autoencoder on the 8x8 digits: linear encoder and decoder, the
reparameterisation trick with torch.randn_like, binary cross-entropy plus the KL term."""
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset


class VAE(nn.Module):
    def __init__(self, n_in=64, hidden=32, latent=4):
        super().__init__()
        self.enc = nn.Linear(n_in, hidden)
        self.to_mu = nn.Linear(hidden, latent)
        self.to_logvar = nn.Linear(hidden, latent)
        self.dec1 = nn.Linear(latent, hidden)
        self.dec2 = nn.Linear(hidden, n_in)

    def encode(self, x):
        h = F.relu(self.enc(x))
        return self.to_mu(h), self.to_logvar(h)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)
        eps = torch.randn_like(std)
        return mu + eps * std

    def decode(self, z):
        return torch.sigmoid(self.dec2(F.relu(self.dec1(z))))

    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, 64))
        return self.decode(self.reparameterize(mu, logvar)), mu, logvar


def loss_function(recon, x, mu, logvar):
    bce = F.binary_cross_entropy(recon, x.view(-1, 64), reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce + kld


def main():
    torch.manual_seed(0)
    pixels = torch.tensor(load_digits().data / 16.0, dtype=torch.float32)
    loader = DataLoader(TensorDataset(pixels[:1024]), batch_size=128, shuffle=True)
    model = VAE()
    optimizer = optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(1, 4):
        model.train()
        epoch_loss = 0.0
        for i, (x,) in enumerate(loader):
            optimizer.zero_grad()
            recon, mu, logvar = model(x)
            loss = loss_function(recon, x, mu, logvar)
            loss.backward()
            epoch_loss += loss.item()
            optimizer.step()
            if i % 3 == 0:
                print(f"epoch {epoch} batch {i} loss {loss.item() / len(x):.4f}")
        print(f"epoch {epoch} average loss {epoch_loss / len(loader.dataset):.4f}")
    model.eval()
    with torch.no_grad():
        sample = model.decode(torch.randn(4, 4))
        print("sample sums", " ".join(f"{s:.4f}" for s in sample.sum(dim=1).tolist()))


if __name__ == "__main__":
    main()
