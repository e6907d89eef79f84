"""tinytorch.utils.data: datasets, samplers, collation and DataLoader semantics."""
import collections
import math

import numpy as np
import pytest

import tinytorch
from tinytorch.utils.data import (BatchSampler, ChainDataset, ConcatDataset, DataLoader, Dataset,
                                  IterableDataset, RandomSampler, SequentialSampler, Subset,
                                  SubsetRandomSampler, TensorDataset, WeightedRandomSampler,
                                  default_collate, default_convert, random_split)


def _ids(loader):
    """The sample ids of one epoch, batch by batch (the 2nd tensor of a TensorDataset)."""
    return [b[1].tolist() for b in loader]


def _ds(n, d=3):
    x = tinytorch.tensor(np.arange(n * d, dtype=np.float32).reshape(n, d))
    return TensorDataset(x, tinytorch.arange(n))


class Records(Dataset):
    """A map-style dataset whose samples mix every kind default_collate handles."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return {"x": np.full((2,), i, np.float32), "y": i, "w": i / 2, "flag": i % 2 == 0,
                "name": f"s{i}", "pair": (np.int16(i), [i, float(i) + 0.5])}


class Stream(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        return self.n


# --- batching ----------------------------------------------------------------------------

@pytest.mark.parametrize("n,bs", [(10, 4), (8, 4), (3, 5), (1, 1)])
def test_sequential_batches_and_last_partial_batch(n, bs):
    ds = _ds(n)
    batches = list(DataLoader(ds, batch_size=bs))
    assert len(batches) == math.ceil(n / bs)
    for k, (xb, yb) in enumerate(batches):
        rows = np.arange(k * bs, min(n, (k + 1) * bs))
        np.testing.assert_array_equal(xb.numpy(), ds.tensors[0].numpy()[rows])
        np.testing.assert_array_equal(yb.numpy(), rows)
        assert xb.dtype == tinytorch.float32 and yb.dtype == tinytorch.int64
        assert not xb.requires_grad
    assert isinstance(batches[0], list)  # torch collates a tuple sample into a list


@pytest.mark.parametrize("n,bs,drop_last", [(10, 4, False), (10, 4, True), (8, 4, True),
                                            (3, 5, True), (3, 5, False), (0, 2, False)])
def test_len_and_drop_last(n, bs, drop_last):
    loader = DataLoader(_ds(n), batch_size=bs, drop_last=drop_last)
    expected = n // bs if drop_last else math.ceil(n / bs)
    assert len(loader) == expected
    batches = _ids(loader)
    assert len(batches) == expected
    assert all(len(b) == bs for b in batches[:n // bs])
    if drop_last:
        assert sum(len(b) for b in batches) == (n // bs) * bs
    it = iter(loader)
    assert len(it) == expected


def test_empty_dataset_like_torch():
    loader = DataLoader(_ds(0), batch_size=3)
    assert len(loader) == 0 and list(loader) == []
    assert list(DataLoader([], batch_size=None)) == []
    with pytest.raises(ValueError, match="num_samples should be a positive integer"):
        DataLoader(_ds(0), batch_size=3, shuffle=True)


def test_batch_size_none_yields_converted_samples():
    data = [np.arange(3), 1.5, (np.zeros(2, np.float32), "a")]
    out = list(DataLoader(data, batch_size=None))
    assert isinstance(out[0], tinytorch.Tensor) and out[0].tolist() == [0, 1, 2]
    assert out[1] == 1.5 and isinstance(out[1], float)
    assert isinstance(out[2], list) and out[2][1] == "a"
    assert out[2][0].dtype == tinytorch.float32
    assert len(DataLoader(data, batch_size=None)) == 3


def test_default_map_dataset_and_plain_sequence():
    out = list(DataLoader(range(5), batch_size=2))
    assert [b.tolist() for b in out] == [[0, 1], [2, 3], [4]]
    assert out[0].dtype == tinytorch.int64


# --- shuffling ---------------------------------------------------------------------------

def test_shuffle_is_a_new_permutation_every_epoch_and_reproducible():
    n = 50
    loader = DataLoader(_ds(n), batch_size=8, shuffle=True)
    tinytorch.manual_seed(0)
    epochs = [_ids(loader) for _ in range(4)]
    for e in epochs:
        flat = [i for b in e for i in b]
        assert sorted(flat) == list(range(n))
        assert [len(b) for b in e] == [8] * 6 + [2]
    orders = [tuple(i for b in e for i in b) for e in epochs]
    assert len(set(orders)) == 4
    assert orders[0] != tuple(range(n))
    tinytorch.manual_seed(0)
    assert [_ids(loader) for _ in range(4)] == epochs
    # the same default stream gives the same order to a fresh loader too
    tinytorch.manual_seed(0)
    assert _ids(DataLoader(_ds(n), batch_size=8, shuffle=True)) == epochs[0]


def test_shuffle_with_generator_is_reproducible_and_leaves_default_stream_alone():
    def run(seed):
        g = tinytorch.Generator().manual_seed(seed)
        loader = DataLoader(_ds(30), batch_size=7, shuffle=True, generator=g)
        return [_ids(loader) for _ in range(3)]

    tinytorch.manual_seed(5)
    before = tinytorch.rand(3).tolist()
    tinytorch.manual_seed(5)
    a = run(1)
    assert tinytorch.rand(3).tolist() == before
    assert run(1) == a
    assert run(2) != a


def test_fast_path_matches_per_sample_collation():
    base = _ds(37, 4)
    for ds in (base, Subset(base, list(range(36, -1, -2)))):
        for shuffle, drop_last in [(False, False), (True, False), (True, True)]:
            fast = DataLoader(ds, batch_size=5, shuffle=shuffle, drop_last=drop_last)
            slow = DataLoader(ds, batch_size=5, shuffle=shuffle, drop_last=drop_last,
                              collate_fn=lambda b: default_collate(b))
            tinytorch.manual_seed(3)
            fb = list(fast)
            tinytorch.manual_seed(3)
            sb = list(slow)
            assert len(fb) == len(sb) == len(fast)
            for f, s in zip(fb, sb):
                assert type(f) is type(s) is list
                for a, b in zip(f, s):
                    assert a.dtype == b.dtype and a.shape == b.shape
                    np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_fast_path_does_not_index_samples_one_by_one(monkeypatch):
    calls = []
    orig = TensorDataset.__getitem__

    def spy(self, i):
        calls.append(i)
        return orig(self, i)

    monkeypatch.setattr(TensorDataset, "__getitem__", spy)
    out = list(DataLoader(_ds(20), batch_size=6, shuffle=True))
    assert calls == [] and sum(len(b[1]) for b in out) == 20
    # a custom collate_fn gets the per-sample path
    list(DataLoader(_ds(20), batch_size=6, collate_fn=lambda b: b))
    assert len(calls) == 20


def test_fast_path_batches_are_copies_and_keep_autograd():
    x = tinytorch.randn(6, 2, requires_grad=True)
    ds = TensorDataset(x, tinytorch.arange(6))
    xb, _ = next(iter(DataLoader(ds, batch_size=4)))
    (xb * tinytorch.arange(4).float().unsqueeze(1)).sum().backward()
    expected = np.zeros((6, 2), np.float32)
    expected[:4] = np.arange(4)[:, None]
    np.testing.assert_array_equal(x.grad.numpy(), expected)
    y = tinytorch.zeros(4, 2)
    yb, = next(iter(DataLoader(TensorDataset(y), batch_size=4)))
    yb.data[...] = 7
    assert y.numpy().max() == 0


def test_out_of_range_subset_index_raises_index_error():
    ds = Subset(_ds(5), [0, 1, 9])
    with pytest.raises(IndexError):
        list(DataLoader(ds, batch_size=3))


# --- collation ---------------------------------------------------------------------------

def test_default_collate_numbers_arrays_and_structure():
    assert default_collate([1.0, 2.0]).dtype == tinytorch.float64
    assert default_collate([1, 2]).dtype == tinytorch.int64
    assert default_collate([True, False]).dtype == tinytorch.bool
    assert default_collate([1, 2.5]).dtype == tinytorch.float32  # tensor([1, 2.5]) rules
    assert default_collate([np.float32(1), np.float32(2)]).dtype == tinytorch.float32
    assert default_collate([np.int32(1), np.int32(2)]).dtype == tinytorch.int32
    assert default_collate([np.float64(1)]).dtype == tinytorch.float64
    arr = default_collate([np.ones((2, 3), np.float32), np.zeros((2, 3), np.float32)])
    assert arr.shape == (2, 2, 3) and arr.dtype == tinytorch.float32
    assert default_collate([np.array(1.0), np.array(2.0)]).tolist() == [1.0, 2.0]
    assert default_collate(["a", "b"]) == ["a", "b"]
    assert default_collate([b"a", b"b"]) == [b"a", b"b"]

    batch = default_collate([Records(4)[i] for i in range(3)])
    assert set(batch) == {"x", "y", "w", "flag", "name", "pair"}
    assert batch["x"].shape == (3, 2) and batch["x"].dtype == tinytorch.float32
    assert batch["y"].tolist() == [0, 1, 2] and batch["w"].dtype == tinytorch.float64
    assert batch["flag"].tolist() == [True, False, True]
    assert batch["name"] == ["s0", "s1", "s2"]
    assert isinstance(batch["pair"], list) and batch["pair"][0].dtype == tinytorch.int16
    assert isinstance(batch["pair"][1], list)
    assert batch["pair"][1][1].tolist() == [0.5, 1.5, 2.5]

    P = collections.namedtuple("P", "a b")
    p = default_collate([P(1, 2.0), P(3, 4.0)])
    assert isinstance(p, P) and p.a.tolist() == [1, 3] and p.b.dtype == tinytorch.float64
    od = default_collate([collections.OrderedDict(b=1, a=2)] * 2)
    assert isinstance(od, collections.OrderedDict) and list(od) == ["b", "a"]

    t = default_collate([tinytorch.ones(2, dtype=tinytorch.int64), tinytorch.ones(2)])
    assert t.dtype == tinytorch.float32  # stack promotes like cat


def test_default_collate_errors():
    with pytest.raises(TypeError, match="found <class 'NoneType'>"):
        default_collate([None, None])
    with pytest.raises(TypeError, match="default_collate"):
        default_collate([np.array(["a"]), np.array(["b"])])
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal"):
        default_collate([[1, 2], [1]])
    with pytest.raises(RuntimeError, match="stack expects each tensor to be equal size"):
        default_collate([tinytorch.zeros(2), tinytorch.zeros(3)])
    with pytest.raises(TypeError, match="expected Tensor as element 1"):
        default_collate([tinytorch.zeros(2), 3])
    with pytest.raises(IndexError):
        default_collate([])


def test_default_convert():
    out = default_convert({"a": np.zeros(2), "b": (np.int64(3), "s"), "c": 1.0})
    assert isinstance(out["a"], tinytorch.Tensor) and out["a"].dtype == tinytorch.float64
    assert out["b"][0].dtype == tinytorch.int64 and out["b"][0].shape == ()
    assert out["b"][1] == "s" and out["c"] == 1.0


# --- datasets ----------------------------------------------------------------------------

def test_tensor_dataset_indexing_and_errors():
    ds = _ds(5)
    x, y = ds[2]
    assert x.tolist() == [6.0, 7.0, 8.0] and y.item() == 2 and len(ds) == 5
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        TensorDataset(tinytorch.zeros(3), tinytorch.zeros(4))
    with pytest.raises(TypeError, match="expected Tensors"):
        TensorDataset(np.zeros(3))
    with pytest.raises(IndexError, match="0-d"):
        TensorDataset(tinytorch.tensor(1.0))
    assert "TensorDataset" in repr(ds)


def test_subset_and_concat():
    base = _ds(6)
    sub = Subset(base, [4, 0, 2])
    assert len(sub) == 3 and sub[0][1].item() == 4 and sub[-1][1].item() == 2
    assert [b[1].tolist() for b in DataLoader(sub, batch_size=2)] == [[4, 0], [2]]
    cat = base + _ds(3)
    assert isinstance(cat, ConcatDataset) and len(cat) == 9
    assert cat[6][1].item() == 0 and cat[-1][1].item() == 2 and cat[5][1].item() == 5
    with pytest.raises(ValueError):
        cat[-10]
    with pytest.raises(IndexError):
        cat[9]
    with pytest.raises(NotImplementedError):
        Dataset()[0]


def test_random_split_sizes_disjoint_and_reproducible():
    ds = range(100)
    parts = random_split(ds, [60, 30, 10], generator=tinytorch.Generator().manual_seed(0))
    assert [len(p) for p in parts] == [60, 30, 10]
    seen = [ds[i] for p in parts for i in p.indices]
    assert sorted(seen) == list(range(100))
    again = random_split(ds, [60, 30, 10], generator=tinytorch.Generator().manual_seed(0))
    assert [p.indices for p in again] == [p.indices for p in parts]
    other = random_split(ds, [60, 30, 10], generator=tinytorch.Generator().manual_seed(1))
    assert [p.indices for p in other] != [p.indices for p in parts]
    tinytorch.manual_seed(4)
    a = random_split(ds, [50, 50])
    tinytorch.manual_seed(4)
    assert [p.indices for p in random_split(ds, [50, 50])] == [p.indices for p in a]


@pytest.mark.parametrize("n,fracs", [(10, [0.33, 0.33, 0.34]), (5, [0.5, 0.5]),
                                     (7, [0.8, 0.2]), (100, [0.7, 0.2, 0.1])])
def test_random_split_fractions(n, fracs):
    parts = random_split(range(n), fracs, generator=tinytorch.Generator())
    sizes = [int(math.floor(n * f)) for f in fracs]
    for i in range(n - sum(sizes)):  # the remainder is dealt round-robin from the start
        sizes[i % len(sizes)] += 1
    assert [len(p) for p in parts] == sizes
    assert sorted(i for p in parts for i in p.indices) == list(range(n))


def test_random_split_errors():
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
        random_split(range(10), [3, 3])
    with pytest.raises(ValueError, match="Fraction at index 1 is not between 0 and 1"):
        random_split(range(10), [0.5, 1.5, -1.0])
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        random_split(range(2), [0.9, 0.1])


def test_iterable_dataset():
    assert [b.tolist() for b in DataLoader(Stream(7), batch_size=3)] == [[0, 1, 2], [3, 4, 5],
                                                                         [6]]
    assert [b.tolist() for b in DataLoader(Stream(7), batch_size=3, drop_last=True)] == [
        [0, 1, 2], [3, 4, 5]]
    assert len(DataLoader(Stream(7), batch_size=3)) == 3
    assert len(DataLoader(Stream(7), batch_size=3, drop_last=True)) == 2
    assert list(DataLoader(Stream(3), batch_size=None)) == [0, 1, 2]
    assert list(ChainDataset([Stream(2), Stream(1)])) == [0, 1, 0]
    with pytest.raises(ValueError, match="expected unspecified shuffle option"):
        DataLoader(Stream(3), shuffle=True)


# --- samplers ----------------------------------------------------------------------------

def test_samplers():
    assert list(SequentialSampler(range(4))) == [0, 1, 2, 3]
    g = tinytorch.Generator().manual_seed(0)
    rs = RandomSampler(range(5), generator=g)
    assert sorted(rs) == [0, 1, 2, 3, 4] and len(rs) == 5
    r2 = list(RandomSampler(range(5), num_samples=12, generator=g))
    assert len(r2) == 12 and sorted(r2[:10]) == sorted(list(range(5)) * 2)
    r3 = list(RandomSampler(range(3), replacement=True, num_samples=50, generator=g))
    assert len(r3) == 50 and set(r3) <= {0, 1, 2}
    assert sorted(SubsetRandomSampler([7, 3, 5], generator=g)) == [3, 5, 7]
    w = list(WeightedRandomSampler([0.0, 1.0, 0.0, 3.0], 200, generator=g))
    assert set(w) == {1, 3} and 100 < w.count(3) < 200
    assert sorted(WeightedRandomSampler([1, 1, 0, 1], 3, replacement=False, generator=g)) == [
        0, 1, 3]
    bs = BatchSampler(SequentialSampler(range(5)), 2, drop_last=False)
    assert list(bs) == [[0, 1], [2, 3], [4]] and len(bs) == 3
    assert list(BatchSampler(range(5), 2, drop_last=True)) == [[0, 1], [2, 3]]
    loader = DataLoader(_ds(6), batch_sampler=[[5, 0], [3]])
    assert _ids(loader) == [[5, 0], [3]]
    loader = DataLoader(_ds(6), sampler=[4, 4, 1], batch_size=2)
    assert _ids(loader) == [[4, 4], [1]]


def test_argument_errors():
    ds = _ds(4)
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        DataLoader(ds, sampler=[0, 1], shuffle=True)
    with pytest.raises(ValueError, match="batch_sampler option is mutually exclusive"):
        DataLoader(ds, batch_sampler=[[0]], batch_size=2)
    with pytest.raises(ValueError, match="batch_size should be a positive integer"):
        DataLoader(ds, batch_size=0)
    with pytest.raises(ValueError, match="mutually exclusive with drop_last"):
        DataLoader(ds, batch_size=None, drop_last=True)
    with pytest.raises(ValueError, match="num_workers option should be non-negative"):
        DataLoader(ds, num_workers=-1)
    with pytest.raises(ValueError, match="drop_last should be a boolean"):
        BatchSampler(range(3), 2, drop_last=1)
    with pytest.raises(ValueError, match="num_samples should be a positive integer"):
        RandomSampler(range(3), num_samples=0)
    loader = DataLoader(ds, batch_size=2, num_workers=2, pin_memory=True)
    assert len(list(loader)) == 2
    with pytest.raises(ValueError, match="batch_size attribute should not be set"):
        loader.batch_size = 3


# --- against torch -----------------------------------------------------------------------

def _same(ours, theirs, torch):
    """Structure, dtypes and values of a tinytorch batch equal torch's."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, tinytorch.Tensor)
        assert ours.dtype.name == str(theirs.dtype).replace("torch.", "")
        assert tuple(ours.shape) == tuple(theirs.shape)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    elif isinstance(theirs, dict):
        assert type(ours) is type(theirs) and list(ours) == list(theirs)
        for k in theirs:
            _same(ours[k], theirs[k], torch)
    elif isinstance(theirs, (list, tuple)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _same(a, b, torch)
    else:
        assert ours == theirs and type(ours) is type(theirs)


def test_batches_match_torch():
    torch = pytest.importorskip("torch")
    from torch.utils import data as tdata
    recs = Records(7)
    for bs, drop_last in [(3, False), (3, True), (None, False), (7, False)]:
        ours = list(DataLoader(recs, batch_size=bs, drop_last=drop_last))
        theirs = list(tdata.DataLoader(recs, batch_size=bs, drop_last=drop_last))
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _same(a, b, torch)
    x = np.random.default_rng(0).standard_normal((9, 2)).astype(np.float32)
    ours = list(DataLoader(TensorDataset(tinytorch.from_numpy(x), tinytorch.arange(9)),
                           batch_size=4))
    theirs = list(tdata.DataLoader(tdata.TensorDataset(torch.from_numpy(x), torch.arange(9)),
                                   batch_size=4))
    for a, b in zip(ours, theirs):
        _same(a, b, torch)
    samples = [(1, 2.0, True, np.float32(3)), (4, 5.0, False, np.float32(6))]
    _same(default_collate(samples), tdata.default_collate(samples), torch)


def test_lengths_and_splits_match_torch():
    torch = pytest.importorskip("torch")
    from torch.utils import data as tdata
    for n in (0, 1, 9, 10, 11):
        for bs in (1, 3, 10):
            for drop_last in (False, True):
                assert len(DataLoader(range(n), batch_size=bs, drop_last=drop_last)) == len(
                    tdata.DataLoader(range(n), batch_size=bs, drop_last=drop_last))
    for n, fracs in [(10, [0.33, 0.33, 0.34]), (11, [0.5, 0.25, 0.25]), (3, [0.1, 0.9])]:
        ours = random_split(range(n), fracs, generator=tinytorch.Generator())
        theirs = tdata.random_split(range(n), fracs, generator=torch.Generator())
        assert [len(p) for p in ours] == [len(p) for p in theirs]
