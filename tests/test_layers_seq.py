"""Embedding, scaled_dot_product_attention and MultiheadAttention: against PyTorch when
importable (outputs, input and parameter gradients, masks, state_dict keys), and without it:
definitions, float64 gradchecks, initialisation and errors."""
import math

import numpy as np
import pytest

import tinytorch
import tinytorch.nn.functional as F
from tinytorch import nn
from tinytorch.autograd import gradcheck

RNG = np.random.default_rng(2)


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def _np(t):
    return t.detach().numpy()


def _leaf(a):
    return tinytorch.tensor(np.array(a), requires_grad=True)


def _close(a, b, tol=1e-10):
    a, b = _np(a), _np(b)
    assert a.shape == b.shape, (a.shape, b.shape)
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def _copy_to_torch(torch, m, t):
    assert list(m.state_dict()) == list(t.state_dict())
    t.load_state_dict({k: torch.tensor(v.numpy()) for k, v in m.state_dict().items()})


def _module_gradcheck(m, inputs, out_index=None):
    """gradcheck a module w.r.t. its inputs and every parameter: gradcheck hands fn float64
    leaves, which are put in the parameters' places for the call."""
    names = [n for n, _ in m.named_parameters()]
    params = [p.detach().clone().requires_grad_() for p in m.parameters()]

    def fn(*args):
        for name, p in zip(names, args[len(inputs):]):
            path, _, leaf = name.rpartition(".")
            m.get_submodule(path)._parameters[leaf] = p
        out = m(*args[:len(inputs)])
        return out if out_index is None else out[out_index]
    return gradcheck(fn, list(inputs) + params)


# --- Embedding ------------------------------------------------------------------------------

EMB_CASES = [dict(), dict(padding_idx=2), dict(padding_idx=-1), dict(scale_grad_by_freq=True),
             dict(max_norm=1.5), dict(max_norm=1.0, norm_type=1.0, padding_idx=0)]


@pytest.mark.parametrize("kw", EMB_CASES)
def test_embedding_matches_torch(torch, kw):
    m = nn.Embedding(7, 4, **kw).double()
    t = torch.nn.Embedding(7, 4, **kw).double()
    _copy_to_torch(torch, m, t)
    assert repr(m) == repr(t)
    idx = np.array([[0, 2, 2, 6], [2, 1, 0, 2]])               # repeats and the padding row
    to, mo = t(torch.tensor(idx)), m(tinytorch.tensor(idx))
    _close(to, mo)
    _close(t.weight, m.weight)                                  # max_norm renormalises in place
    g = RNG.standard_normal(tuple(to.shape))
    to.backward(torch.tensor(g))
    mo.backward(tinytorch.tensor(g))
    _close(t.weight.grad, m.weight.grad)


def test_embedding_functional_matches_torch(torch):
    w = RNG.standard_normal((5, 3))
    idx = np.array([4, 0, 4, 4])
    tw, mw = torch.tensor(w, requires_grad=True), _leaf(w)
    to = torch.nn.functional.embedding(torch.tensor(idx), tw, padding_idx=4)
    mo = F.embedding(tinytorch.tensor(idx), mw, padding_idx=4)
    _close(to, mo)
    (to * to).sum().backward()
    (mo * mo).sum().backward()
    _close(tw.grad, mw.grad)


def test_embedding_lookup_and_accumulating_gradient():
    emb = nn.Embedding(5, 3)
    idx = tinytorch.tensor([[1, 3, 1], [1, 0, 4]])
    out = emb(idx)
    assert out.shape == (2, 3, 3) and type(out.grad_fn).__name__ == "EmbeddingBackward0"
    np.testing.assert_array_equal(_np(out), emb.weight.detach().numpy()[idx.numpy()])
    out.sum().backward()
    # each row's gradient is the number of times it was looked up
    counts = np.bincount(idx.numpy().ravel(), minlength=5)
    np.testing.assert_array_equal(emb.weight.grad.numpy(), np.repeat(counts[:, None], 3, 1))


def test_embedding_padding_row_is_zero_and_gets_no_gradient():
    tinytorch.manual_seed(0)
    emb = nn.Embedding(6, 4, padding_idx=3)
    w = emb.weight.detach().numpy()
    assert np.all(w[3] == 0) and np.all(w[[0, 1, 2, 4, 5]] != 0)
    emb(tinytorch.tensor([3, 3, 1])).sum().backward()
    g = emb.weight.grad.numpy()
    assert np.all(g[3] == 0) and np.all(g[1] == 1)
    assert nn.Embedding(6, 4, padding_idx=-2).padding_idx == 4


def test_embedding_init_and_from_pretrained():
    tinytorch.manual_seed(0)
    w = nn.Embedding(400, 50).weight.detach().numpy()          # N(0, 1)
    assert abs(w.mean()) < 0.02 and abs(w.std() - 1) < 0.02
    pre = tinytorch.arange(6.0).reshape(3, 2)
    emb = nn.Embedding.from_pretrained(pre)
    assert not emb.weight.requires_grad
    np.testing.assert_array_equal(_np(emb(tinytorch.tensor([2]))), [[4.0, 5.0]])
    assert nn.Embedding.from_pretrained(pre, freeze=False).weight.requires_grad


def test_embedding_gradcheck():
    w = _leaf(RNG.standard_normal((5, 3)))
    idx = tinytorch.tensor([[0, 4, 4], [2, 0, 1]])
    assert gradcheck(lambda w: F.embedding(idx, w), (w,))
    # padding_idx and scale_grad_by_freq change the gradient on purpose (not the derivative):
    # they are checked against torch above
    assert gradcheck(lambda w: F.embedding(tinytorch.tensor([3, 3, 3]), w).sum(0), (w,))


def test_embedding_errors():
    emb = nn.Embedding(5, 2)
    with pytest.raises(IndexError, match="index out of range in self"):
        emb(tinytorch.tensor([1, 5]))
    with pytest.raises(IndexError, match="index out of range in self"):
        emb(tinytorch.tensor([-1]))
    with pytest.raises(RuntimeError, match="'indices' to have one of the following scalar "
                       "types: Long, Int"):
        emb(tinytorch.tensor([1.0]))
    with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
        nn.Embedding(5, 2, padding_idx=5)
    with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
        nn.Embedding(5, 2, padding_idx=-6)


# --- scaled_dot_product_attention -----------------------------------------------------------

def _sdpa_case(torch, qs, ks, vs, mask=None, **kw):
    arrays = [RNG.standard_normal(s) for s in (qs, ks, vs)]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    ms = [_leaf(a) for a in arrays]
    tmask = None if mask is None else torch.tensor(mask)
    mmask = None if mask is None else tinytorch.tensor(mask)
    to = torch.nn.functional.scaled_dot_product_attention(*ts, attn_mask=tmask, **kw)
    mo = F.scaled_dot_product_attention(*ms, attn_mask=mmask, **kw)
    _close(to, mo)
    g = RNG.standard_normal(tuple(to.shape))
    to.backward(torch.tensor(g))
    mo.backward(tinytorch.tensor(g))
    for t, m in zip(ts, ms):
        _close(t.grad, m.grad)


def test_sdpa_matches_torch(torch):
    base = ((2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 7))
    _sdpa_case(torch, *base)
    _sdpa_case(torch, *base, scale=0.3)
    _sdpa_case(torch, *base, is_causal=True)                   # L < S
    _sdpa_case(torch, (2, 3, 6, 5), (2, 3, 4, 5), (2, 3, 4, 7), is_causal=True)   # L > S
    _sdpa_case(torch, (4, 5), (6, 5), (6, 7))                  # no batch dims
    _sdpa_case(torch, (2, 6, 4, 5), (2, 3, 6, 5), (2, 3, 6, 7), enable_gqa=True)


def test_sdpa_masks_match_torch(torch):
    base = ((2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 7))
    bool_mask = RNG.random((4, 6)) > 0.4
    bool_mask[:, 0] = True
    _sdpa_case(torch, *base, mask=bool_mask)
    _sdpa_case(torch, *base, mask=RNG.standard_normal((3, 1, 6)))      # float, broadcast
    # a query that may attend to nothing gets zeros (and zero gradients), not NaN
    dead = bool_mask.copy()
    dead[1] = False
    _sdpa_case(torch, *base, mask=dead)
    inf_mask = RNG.standard_normal((2, 1, 4, 6))
    inf_mask[0, 0, 2] = -np.inf
    _sdpa_case(torch, *base, mask=inf_mask)


def test_sdpa_definition_and_causality():
    q, k, v = (RNG.standard_normal((2, 5, 4)) for _ in range(3))
    out = F.scaled_dot_product_attention(*(tinytorch.tensor(a) for a in (q, k, v)),
                                         is_causal=True)
    s = q @ k.transpose(0, 2, 1) / math.sqrt(4)
    s = np.where(np.tri(5, dtype=bool), s, -np.inf)
    a = np.exp(s - s.max(-1, keepdims=True))
    a /= a.sum(-1, keepdims=True)
    np.testing.assert_allclose(out.numpy(), a @ v, atol=1e-12)
    # changing a later position never changes an earlier output
    v2 = v.copy()
    v2[:, 3:] += 10
    out2 = F.scaled_dot_product_attention(*(tinytorch.tensor(a) for a in (q, k, v2)),
                                          is_causal=True)
    np.testing.assert_allclose(out2.numpy()[:, :3], out.numpy()[:, :3], atol=1e-12)


def test_sdpa_gradcheck():
    q, k, v = (_leaf(RNG.standard_normal(s)) for s in ((1, 2, 3, 4), (1, 2, 5, 4),
                                                       (1, 2, 5, 3)))
    assert gradcheck(F.scaled_dot_product_attention, (q, k, v))
    mask = tinytorch.tensor(RNG.random((3, 5)) > 0.3)
    mask.data[:, 0] = True
    mask.data[1] = False                                       # a fully masked row
    assert gradcheck(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, mask), (q, k, v))
    fmask = _leaf(RNG.standard_normal((3, 5)))                  # a learned additive bias
    assert gradcheck(lambda q, k, v, m: F.scaled_dot_product_attention(q, k, v, m),
                     (q, k, v, fmask))
    qc = _leaf(RNG.standard_normal((1, 2, 5, 4)))
    assert gradcheck(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True),
                     (qc, k, v))


def test_sdpa_dropout_and_errors():
    q = k = v = tinytorch.randn(2, 3, 4)
    assert np.all(F.scaled_dot_product_attention(q, k, v, dropout_p=1.0).numpy() == 0)
    with pytest.raises(RuntimeError, match="Explicit attn_mask should not be set when "
                       "is_causal=True"):
        F.scaled_dot_product_attention(q, k, v, tinytorch.ones(3, 3, dtype=tinytorch.bool),
                                       is_causal=True)
    with pytest.raises(RuntimeError, match="same dtype"):
        F.scaled_dot_product_attention(q.double(), k, v)
    with pytest.raises(RuntimeError, match="last dim"):
        F.scaled_dot_product_attention(q, tinytorch.randn(2, 3, 5), v)
    with pytest.raises(RuntimeError, match="attn_mask dtype to be bool or float"):
        F.scaled_dot_product_attention(q, k, v, tinytorch.ones(3, 3, dtype=tinytorch.int64))
    with pytest.raises(RuntimeError, match="cannot be broadcast"):
        F.scaled_dot_product_attention(q, k, v, tinytorch.ones(4, 3))


# --- MultiheadAttention ---------------------------------------------------------------------

def _mha_case(torch, init_kw, call_kw=None, L=4, S=6, N=2, E=8, H=2, self_attn=False,
              masks=None, train=True):
    call_kw = call_kw or {}
    kdim, vdim = init_kw.get("kdim"), init_kw.get("vdim")
    m = nn.MultiheadAttention(E, H, **init_kw).double().train(train)
    t = torch.nn.MultiheadAttention(E, H, **init_kw).double().train(train)
    _copy_to_torch(torch, m, t)
    assert repr(m) == repr(t)
    bf = init_kw.get("batch_first", False)

    def shape(n, length, d):
        return (n, length, d) if bf else (length, n, d)
    q = RNG.standard_normal(shape(N, L, E))
    k = q if self_attn else RNG.standard_normal(shape(N, S, kdim or E))
    v = q if self_attn else RNG.standard_normal(shape(N, S, vdim or E))
    tq, mq = torch.tensor(q, requires_grad=True), _leaf(q)
    tk, mk = (tq, mq) if self_attn else (torch.tensor(k, requires_grad=True), _leaf(k))
    tv, mv = (tq, mq) if self_attn else (torch.tensor(v, requires_grad=True), _leaf(v))
    tmasks = {n: torch.tensor(a) for n, a in (masks or {}).items()}
    mmasks = {n: tinytorch.tensor(a) for n, a in (masks or {}).items()}
    to, tw = t(tq, tk, tv, **call_kw, **tmasks)
    mo, mw = m(mq, mk, mv, **call_kw, **mmasks)
    _close(to, mo)
    if tw is None:
        assert mw is None
    else:
        _close(tw, mw)
    g = RNG.standard_normal(tuple(to.shape))
    to.backward(torch.tensor(g))
    mo.backward(tinytorch.tensor(g))
    for a, b in ([(tq, mq)] + ([] if self_attn else [(tk, mk), (tv, mv)])):
        _close(a.grad, b.grad)
    for (name, p), (tname, pt) in zip(m.named_parameters(), t.named_parameters()):
        assert name == tname
        _close(pt.grad, p.grad)


MHA_CASES = [
    (dict(), dict()),
    (dict(batch_first=True), dict(average_attn_weights=False)),
    (dict(), dict(need_weights=False)),
    (dict(bias=False), dict()),
    (dict(add_bias_kv=True, add_zero_attn=True), dict()),
    (dict(kdim=5, vdim=3), dict()),
    (dict(dropout=0.5), dict()),                                # eval below: no dropout
]


@pytest.mark.parametrize("init_kw,call_kw", MHA_CASES)
def test_multihead_attention_matches_torch(torch, init_kw, call_kw):
    _mha_case(torch, init_kw, call_kw, train="dropout" not in init_kw)


def test_multihead_self_attention_and_masks_match_torch(torch):
    causal = ~np.tri(4, dtype=bool)                             # True = not allowed
    _mha_case(torch, dict(batch_first=True), dict(need_weights=False, is_causal=True), S=4,
              self_attn=True, masks=dict(attn_mask=causal))
    _mha_case(torch, dict(batch_first=True), dict(is_causal=True), S=4, self_attn=True,
              masks=dict(attn_mask=causal))
    kpm = RNG.random((2, 6)) > 0.6
    kpm[:, 0] = False
    _mha_case(torch, dict(), dict(), masks=dict(key_padding_mask=kpm,
                                                attn_mask=RNG.random((4, 6)) > 0.7))
    # a bool key_padding_mask with a float attn_mask: both libraries warn, same numbers
    with pytest.warns(UserWarning, match="mismatched key_padding_mask and attn_mask"):
        _mha_case(torch, dict(add_bias_kv=True), dict(need_weights=False),
                  masks=dict(key_padding_mask=kpm, attn_mask=RNG.standard_normal((4, 4, 6))))


def test_multihead_attention_unbatched_matches_torch(torch):
    m = nn.MultiheadAttention(6, 3).double()
    t = torch.nn.MultiheadAttention(6, 3).double()
    _copy_to_torch(torch, m, t)
    x = RNG.standard_normal((5, 6))
    (to, tw), (mo, mw) = t(*[torch.tensor(x)] * 3), m(*[tinytorch.tensor(x)] * 3)
    _close(to, mo)
    _close(tw, mw)


def test_multihead_attention_parameters_and_init():
    tinytorch.manual_seed(0)
    m = nn.MultiheadAttention(16, 4)
    assert list(m.state_dict()) == ["in_proj_weight", "in_proj_bias", "out_proj.weight",
                                    "out_proj.bias"]
    assert type(m.out_proj).__name__ == "NonDynamicallyQuantizableLinear"
    assert isinstance(m.out_proj, nn.Linear) and m.head_dim == 4
    # Glorot uniform: bound √(6/(fan_in + fan_out)) with the (48, 16) packed weight
    bound = math.sqrt(6 / (16 + 48))
    w = m.in_proj_weight.detach().numpy()
    assert np.abs(w).max() <= bound and w.std() > 0.5 * bound / math.sqrt(3)
    assert np.all(m.in_proj_bias.detach().numpy() == 0)
    assert np.all(m.out_proj.bias.detach().numpy() == 0)
    sep = nn.MultiheadAttention(8, 2, kdim=3, vdim=5, bias=False, add_bias_kv=True)
    assert list(sep.state_dict()) == ["q_proj_weight", "k_proj_weight", "v_proj_weight",
                                      "bias_k", "bias_v", "out_proj.weight"]
    assert sep.in_proj_weight is None and sep.k_proj_weight.shape == (8, 3)


def test_multihead_attention_weights_and_eval_mode():
    m = nn.MultiheadAttention(8, 2, dropout=0.5, batch_first=True).eval()
    x = tinytorch.randn(3, 5, 8)
    out1, w = m(x, x, x)
    out2, _ = m(x, x, x)
    np.testing.assert_array_equal(out1.detach().numpy(), out2.detach().numpy())  # no dropout
    assert w.shape == (3, 5, 5)
    np.testing.assert_allclose(_np(w).sum(-1), 1, atol=1e-6)   # rows of attention weights
    _, wh = m(x, x, x, average_attn_weights=False)
    assert wh.shape == (3, 2, 5, 5)
    np.testing.assert_allclose(_np(wh).mean(1), _np(w), atol=1e-6)
    # padded keys get exactly zero weight
    kpm = tinytorch.tensor([[False, False, False, True, True]] * 3)
    _, wp = m(x, x, x, key_padding_mask=kpm)
    assert np.all(_np(wp)[..., 3:] == 0)
    with pytest.warns(UserWarning, match="mismatched key_padding_mask and attn_mask"):
        m(x, x, x, key_padding_mask=kpm, attn_mask=tinytorch.zeros(5, 5))


def test_multihead_attention_gradcheck():
    m = nn.MultiheadAttention(4, 2, batch_first=True).double()
    for p in m.parameters():                                   # non-zero biases too
        p.data[...] = RNG.standard_normal(p.shape) * 0.5
    q, kv = _leaf(RNG.standard_normal((1, 3, 4))), _leaf(RNG.standard_normal((1, 2, 4)))
    assert _module_gradcheck(m, (q, kv, kv), out_index=0)
    m2 = nn.MultiheadAttention(4, 2, add_bias_kv=True, kdim=3, vdim=2).double()
    k, v = _leaf(RNG.standard_normal((2, 1, 3))), _leaf(RNG.standard_normal((2, 1, 2)))
    q1 = _leaf(RNG.standard_normal((3, 1, 4)))
    assert _module_gradcheck(m2, (q1, k, v), out_index=0)


def test_multihead_attention_errors():
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        nn.MultiheadAttention(6, 4)
    with pytest.raises(ValueError, match="must be greater than 0"):
        nn.MultiheadAttention(0, 1)
    m = nn.MultiheadAttention(8, 2)
    x = tinytorch.randn(4, 2, 8)
    with pytest.raises(AssertionError, match="was expecting embedding dimension of 8"):
        m(tinytorch.randn(4, 2, 6), x, x)
    with pytest.raises(RuntimeError, match=r"The shape of the 2D attn_mask is \[3, 4\]"):
        m(x, x, x, attn_mask=tinytorch.zeros(3, 4))
    with pytest.raises(RuntimeError, match="Need attn_mask if specifying the is_causal hint"):
        m(x, x, x, is_causal=True)
    with pytest.raises(AssertionError, match="expecting key_padding_mask shape"):
        m(x, x, x, key_padding_mask=tinytorch.zeros(2, 3, dtype=tinytorch.bool))
