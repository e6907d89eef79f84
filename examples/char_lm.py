"""A tiny character-level transformer language model, trained on Shakespeare.

The model reads ``block`` characters and, at every position, predicts the next one:

    ids (B, T) -> token embedding + position embedding             (B, T, C)
               -> n_layer x [ x + attention(LayerNorm(x)),          each position looks back
                              x + MLP(LayerNorm(x)) ]               at the ones before it
               -> LayerNorm -> Linear C -> vocab                    (B, T, vocab) next-char scores

Attention is causal (``is_causal=True``): position t only sees positions 0..t, so predicting
character t+1 cannot peek at it.  The loss is the cross-entropy of the next character, in nats.

A model that ignores context can do no better than the *unigram entropy* of the text,
H = -Σ p(c) log p(c) over character frequencies (about 3 nats here); the script prints the
loss falling well below that line, then samples some new "sonnet".

    python examples/char_lm.py                  # 600 steps, about a minute
    python examples/char_lm.py --steps 200      # a quick look

Text: examples/data/shakespeare.txt: some of Shakespeare's sonnets (1609), speeches and songs
from the plays (all public domain).
Only the public API is used: with ``import torch`` instead of tinytorch the script runs on
PyTorch unchanged.
"""
import argparse
import math
import os
import time

from tqdm import tqdm

import tinytorch as torch
import tinytorch.nn.functional as F
from tinytorch import nn

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "shakespeare.txt")


class CausalSelfAttention(nn.Module):
    """Multi-head self-attention where position t attends to positions <= t only."""

    def __init__(self, dim, n_head):
        super().__init__()
        self.n_head = n_head
        self.qkv = nn.Linear(dim, 3 * dim)     # queries, keys and values in one matmul
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        # split the C channels into n_head heads: (B, T, C) -> (B, n_head, T, C / n_head);
        # each head attends independently with its own queries and keys
        q, k, v = (t.reshape(B, T, self.n_head, C // self.n_head).transpose(1, 2)
                   for t in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)   # softmax(QKᵀ/√d) V
        y = y.transpose(1, 2).reshape(B, T, C)                         # heads side by side
        return self.proj(y)


class Block(nn.Module):
    """Pre-norm transformer block: communicate (attention), then compute (MLP); both are
    residual, x + f(x), so gradients reach early layers unchanged."""

    def __init__(self, dim, n_head, dropout):
        super().__init__()
        self.ln1 = nn.LayerNorm(dim)
        self.attn = CausalSelfAttention(dim, n_head)
        self.ln2 = nn.LayerNorm(dim)
        # GELU with GPT-2's tanh approximation (cheaper than the exact erf form)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(approximate="tanh"),
                                 nn.Linear(4 * dim, dim))
        self.drop = nn.Dropout(dropout)     # a small text is easy to memorise: regularise

    def forward(self, x):
        x = x + self.drop(self.attn(self.ln1(x)))
        return x + self.drop(self.mlp(self.ln2(x)))


class CharTransformer(nn.Module):
    def __init__(self, vocab, block, dim=64, n_head=4, n_layer=2, dropout=0.1):
        super().__init__()
        self.block = block
        self.tok = nn.Embedding(vocab, dim)        # one learned vector per character
        self.pos = nn.Embedding(block, dim)        # one learned vector per position
        self.blocks = nn.Sequential(*[Block(dim, n_head, dropout) for _ in range(n_layer)])
        self.ln = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, vocab)

    def forward(self, idx):
        T = idx.shape[1]
        x = self.tok(idx) + self.pos(torch.arange(T))    # (B, T, dim) + (T, dim) broadcast
        return self.head(self.ln(self.blocks(x)))        # (B, T, vocab) logits


def unigram_entropy(data, vocab):
    """-Σ p log p of the character frequencies (nats): the best loss without context."""
    counts = F.one_hot(data, vocab).sum(dim=0).float()     # occurrences of each character
    p = counts[counts > 0] / len(data)
    return -(p * p.log()).sum().item()


def get_batch(data, block, batch_size):
    """batch_size random windows of the text; targets are the inputs shifted by one."""
    starts = torch.randint(0, len(data) - block - 1, (batch_size,))
    offsets = torch.arange(block)
    x = data[starts.unsqueeze(1) + offsets]            # (B, T) via advanced indexing
    y = data[starts.unsqueeze(1) + offsets + 1]
    return x, y


def evaluate(model, data, block, batches=8, batch_size=64):
    model.eval()
    with torch.no_grad():
        losses = []
        for _ in range(batches):
            x, y = get_batch(data, block, batch_size)
            logits = model(x)
            losses.append(F.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                          y.reshape(-1)).item())
    model.train()
    return sum(losses) / len(losses)


def sample(model, start_ids, n, temperature=0.8):
    """Generate n characters, one at a time, each drawn from softmax(logits / temperature)."""
    model.eval()
    ids = list(start_ids)
    with torch.no_grad():
        for _ in range(n):
            context = torch.tensor([ids[-model.block:]])
            logits = model(context)[0, -1] / temperature
            probs = logits.softmax(dim=-1).tolist()
            # inverse-CDF sampling: the first index where the running sum passes u ~ U(0, 1)
            u, total, choice = torch.rand(1).item(), 0.0, len(probs) - 1
            for i, p in enumerate(probs):
                total += p
                if u < total:
                    choice = i
                    break
            ids.append(choice)
    model.train()
    return ids


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--block", type=int, default=48, help="context length")
    parser.add_argument("--dim", type=int, default=64)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--dropout", type=float, default=0.1)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--sample-chars", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    torch.manual_seed(args.seed)

    with open(DATA, encoding="utf-8") as f:
        text = f.read()
    chars = sorted(set(text))
    stoi = {c: i for i, c in enumerate(chars)}
    data = torch.tensor([stoi[c] for c in text])            # int64 character ids
    n_val = len(data) // 10                                 # the last 10%: never trained on
    train, val = data[:-n_val], data[-n_val:]
    baseline = unigram_entropy(train, len(chars))
    print(f"{len(text)} characters, vocabulary {len(chars)}; unigram entropy {baseline:.3f} "
          f"nats (uniform guess: {math.log(len(chars)):.3f})")

    model = CharTransformer(len(chars), args.block, args.dim, args.heads, args.layers,
                            args.dropout)
    print(f"{sum(p.numel() for p in model.parameters())} parameters")
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.1)
    # short linear warm-up, then cosine decay to 0: steady early steps, fine last steps
    warmup = max(1, args.steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warmup) *
        0.5 * (1 + math.cos(math.pi * min(s, args.steps) / args.steps)))

    start = time.perf_counter()
    history, val_history = [], []
    report_every = max(1, args.steps // 5)
    bar = tqdm(range(args.steps), desc="training", disable=args.quiet)
    for step in bar:
        x, y = get_batch(train, args.block, args.batch_size)
        logits = model(x)                                   # (B, T, vocab)
        # every position predicts its next character: B·T classification problems
        loss = F.cross_entropy(logits.reshape(-1, len(chars)), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)  # tame the occasional big step
        opt.step()
        sched.step()
        history.append(loss.item())
        recent = sum(history[-50:]) / len(history[-50:])
        if step % 10 == 0:
            bar.set_postfix(loss=f"{recent:.3f}", unigram=f"{baseline:.3f}")
        if step % report_every == 0 or step == args.steps - 1:
            val_history.append(evaluate(model, val, args.block, batches=4))
            tqdm.write(f"step {step:5d}  train loss {recent:.3f}  validation loss "
                       f"{val_history[-1]:.3f}  (unigram baseline {baseline:.3f})")
    bar.close()
    seconds = time.perf_counter() - start

    train_loss = sum(history[-50:]) / len(history[-50:])
    val_loss = evaluate(model, val, args.block)
    print(f"final: train loss {train_loss:.3f}, validation loss {val_loss:.3f} nats/char, "
          f"unigram baseline {baseline:.3f}  ({seconds:.1f} s, {args.steps} steps)")
    ids = sample(model, [stoi[c] for c in "Shall I "], args.sample_chars)
    text_out = "".join(chars[i] for i in ids)
    print("--- sample ---")
    print(text_out)
    return {"baseline": baseline, "first_loss": history[0], "train_loss": train_loss,
            "val_loss": val_loss, "val_history": val_history, "sample": text_out,
            "seconds": seconds, "steps": args.steps}


if __name__ == "__main__":
    main()
