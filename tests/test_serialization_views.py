"""tinytorch.save / tinytorch.load, version 2: tensors that share memory load sharing it in
the same way and are stored once; a loaded tensor keeps only its own storage alive; every
field of a manifest is checked; objects nest as deeply as memory allows; version-1 files
still load."""
import base64
import collections
import gc
import hashlib
import io
import json
import math
import struct
import sys
import tracemalloc

import numpy as np
import pytest

import tinytorch
from tinytorch import serialization as ser
from tinytorch.serialization import CheckpointError


def _roundtrip(obj):
    buf = io.BytesIO()
    tinytorch.save(obj, buf)
    buf.seek(0)
    return tinytorch.load(buf)


def _saved(obj):
    buf = io.BytesIO()
    tinytorch.save(obj, buf)
    return buf.getvalue()


def _payload_len(raw):
    return struct.unpack("<14sHQQ", raw[:32])[3]


def _np(x):
    return x.detach().numpy() if isinstance(x, tinytorch.Tensor) else x


def _owner(arr):
    """The array at the end of ``arr``'s chain of bases: where its memory comes from."""
    while isinstance(arr.base, np.ndarray):
        arr = arr.base
    return arr


def _address(arr):
    return arr.__array_interface__["data"][0]


def _assert_same_sharing(saved, loaded):
    """``loaded`` (a list of tensors / arrays) holds what ``saved`` does, laid out alike:
    the same values, dtypes, shapes and strides; the same pairs share memory, and arrays cut
    from one allocation come from one storage at the same distances apart."""
    a, b = [_np(x) for x in saved], [_np(x) for x in loaded]
    for x, y in zip(a, b):
        assert (x.dtype, x.shape, x.strides) == (y.dtype, y.shape, y.strides)
        np.testing.assert_array_equal(x, y)
    for i in range(len(a)):
        for j in range(i):
            assert np.shares_memory(a[i], a[j]) == np.shares_memory(b[i], b[j]), (i, j)
            if a[i].size and a[j].size:
                same = _owner(a[i]) is _owner(a[j])
                assert same == (_owner(b[i]) is _owner(b[j])), (i, j)
                if same:
                    assert _address(a[i]) - _address(a[j]) == _address(b[i]) - _address(b[j])


def _spans_bytes(arrays):
    """The bytes a save must write for ``arrays``: per allocation, from the lowest to the
    highest byte that the arrays cut from it use."""
    spans = collections.defaultdict(list)
    for arr in map(_np, arrays):
        if arr.size:
            lo = _address(arr) + sum((n - 1) * s for n, s in zip(arr.shape, arr.strides)
                                     if s < 0)
            hi = _address(arr) + sum((n - 1) * s for n, s in zip(arr.shape, arr.strides)
                                     if s > 0) + arr.itemsize
            spans[id(_owner(arr))].append((lo, hi))
    return [max(h for _, h in s) - min(lo for lo, _ in s) for s in spans.values()]


# --- memory shared as saved, stored once ------------------------------------------------

def test_a_view_and_its_base_share_memory_and_are_stored_once():
    x = tinytorch.randn(100_000)
    raw = _saved({"x": x, "v": x[2:4]})
    assert _payload_len(raw) == 400_000 and len(raw) < 400_000 + 1024
    out = tinytorch.load(io.BytesIO(raw))
    assert np.shares_memory(out["x"].numpy(), out["v"].numpy())
    out["x"].data[2] = 42.0
    assert out["v"].tolist()[0] == 42.0
    out["v"].add_(1)
    assert out["x"][3].item() == (x[3] + 1).item()
    # the same with a transpose and with the view first
    y = x.view(1000, 100)
    raw = _saved([y.t(), y])
    assert _payload_len(raw) == 400_000
    t, yy = tinytorch.load(io.BytesIO(raw))
    assert t.numpy().strides == (4, 400) and np.shares_memory(t.numpy(), yy.numpy())


def _cases():
    """name -> a list of tensors and arrays, some sharing memory."""
    x = tinytorch.arange(20.0)
    m = x.view(4, 5)
    a = np.arange(12, dtype=np.float32)
    p = tinytorch.nn.Parameter(tinytorch.randn(3, 4))
    ints = tinytorch.arange(10)
    return {
        "tensor, .data, .detach()": [x, x.data, x.detach()],
        "transposes": [m, m.t(), m.t().t()[1:]],
        "expanded": [x[:5], x[:5].expand(3, 5), x[2:3].expand(4, 6)],
        "an expanded view alone": [x[:5].expand(3, 5)],
        "strided views": [m[:, ::2], m[1::2, 1:], x[::3]],
        "overlapping views of an unsaved base": [x[0:12], x[8:20], x[10:11]],
        "distant views of an unsaved base": [x[0:2], x[18:20]],
        "negative strides": [tinytorch.from_numpy(a[::-1]), tinytorch.from_numpy(a),
                             tinytorch.from_numpy(a.reshape(3, 4)[::-1, ::-2])],
        "empty tensors": [x[5:5], x, tinytorch.zeros(0, 3), m[:, 2:2],
                          tinytorch.from_numpy(np.zeros((0, 5), np.float16))],
        "bool, int, float16, uint8 views": [
            ints, ints[::2], ints.view(2, 5).t(), ints > 4, (ints > 4)[1:],
            tinytorch.ones(6, dtype=tinytorch.float16)[1::2],
            tinytorch.arange(8).to(tinytorch.uint8)[2:]],
        "a Parameter and views of it": [p, p.data, p.detach()[0], p.t()],
        "numpy arrays": [a, a[3:], a.reshape(3, 4).T, a.view(np.int32), x.numpy(), x],
        "0-d tensors and views": [x[3], x, tinytorch.tensor(5.0), m[1, 2]],
    }


@pytest.mark.parametrize("case", list(_cases()))
def test_sharing_round_trips_exactly(case):
    saved = _cases()[case]
    raw = _saved(saved)
    loaded = tinytorch.load(io.BytesIO(raw))
    assert [type(t) for t in loaded] == [tinytorch.Tensor if isinstance(t, tinytorch.Tensor)
                                         else np.ndarray for t in saved]
    _assert_same_sharing(saved, loaded)
    needed = _spans_bytes(saved)  # each storage written once, and no more of it than used
    assert sum(needed) <= _payload_len(raw) <= sum(needed) + 64 * len(needed)
    for t, s in zip(loaded, saved):  # expanded views come back read-only, as expand makes them
        assert _np(t).flags.writeable == _np(s).flags.writeable


def test_loaded_expanded_tensors_refuse_in_place_changes_as_before():
    x = tinytorch.arange(3.0)
    e = _roundtrip(x.expand(2, 3))
    with pytest.raises(RuntimeError, match="more than one element"):
        e.add_(1)
    with pytest.raises(RuntimeError, match="more than one element"):
        x.expand(2, 3).add_(1)


def test_disjoint_views_share_one_storage_as_in_torch():
    x = tinytorch.arange(1000.0)
    raw = _saved([x[:2], x[-2:]])
    assert _payload_len(raw) == 1000 * 4  # torch writes the whole storage too
    a, b = tinytorch.load(io.BytesIO(raw))
    assert _owner(a.numpy()) is _owner(b.numpy())
    assert not np.shares_memory(a.numpy(), b.numpy())
    small = _saved([x[10:12]])  # a view alone: just its bytes (torch writes all 4000)
    assert _payload_len(small) == 8


def test_one_tensor_twice_is_one_object_and_aliases_stay_distinct():
    x = tinytorch.ones(3)
    out = _roundtrip({"a": x, "b": x, "data": x.data})
    assert out["a"] is out["b"] and out["data"] is not out["a"]
    assert out["data"].numpy() is out["a"].numpy()  # as x.data shares x's array


def test_big_endian_arrays_are_stored_little_endian():
    a = np.arange(6, dtype=">f4")
    out = _roundtrip([a, a[2:]])
    assert out[0].dtype == np.float32 and out[0].dtype.isnative
    np.testing.assert_array_equal(out[0], a)
    np.testing.assert_array_equal(out[1], a[2:])


def test_model_and_optimizer_state_share_memory_as_saved():
    tinytorch.manual_seed(0)
    model = tinytorch.nn.Linear(3, 2)
    opt = tinytorch.optim.Adam(model.parameters(), lr=0.1)
    model(tinytorch.randn(4, 3)).sum().backward()
    opt.step()
    params = list(model.parameters())
    ckpt = {"model": model.state_dict(), "params": params, "optim": opt.state_dict(),
            "weight_t": params[0].t()}
    out = _roundtrip(ckpt)
    _assert_same_sharing([*ckpt["model"].values(), *params, ckpt["weight_t"]],
                         [*out["model"].values(), *out["params"], out["weight_t"]])
    assert out["optim"]["param_groups"] == ckpt["optim"]["param_groups"]
    fresh = tinytorch.nn.Linear(3, 2)
    fresh.load_state_dict(out["model"])
    fresh_opt = tinytorch.optim.Adam(fresh.parameters(), lr=0.1)
    fresh_opt.load_state_dict(out["optim"])
    for p, q in zip(fresh.parameters(), model.parameters()):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())


def test_shared_containers_load_shared_and_cycles_are_refused():
    inner = [1, 2]
    t = (inner, "x")
    out = _roundtrip({"a": inner, "b": inner, "t": t, "u": t})
    assert out["a"] is out["b"] and out["t"] is out["u"] and out["t"][0] is out["a"]
    loop = {"k": [1]}
    loop["k"].append(loop)
    with pytest.raises(ValueError, match=r"contains itself at \['k'\]\[1\]"):
        tinytorch.save(loop, io.BytesIO())
    holder = []
    cyclic_tuple = (holder,)
    holder.append(cyclic_tuple)
    with pytest.raises(ValueError, match=r"contains itself at \[0\]\[0\]"):
        tinytorch.save(cyclic_tuple, io.BytesIO())


def test_saving_is_deterministic():
    x = tinytorch.arange(10.0)
    obj = {"x": x, "v": x[2:], 1: [x.t(), (2.5, None)]}
    assert _saved(obj) == _saved(obj)


# --- compared with torch -----------------------------------------------------------------

def _same_structures(lib):
    """The same tensors, built by torch or by tinytorch."""
    x = lib.arange(100_000, dtype=lib.float32)
    m = x.view(1000, 100)
    return [x, x[2:4], m.t(), m[:, ::2], x[:10].expand(5, 10), x.data, x.detach(), x[-5:],
            lib.ones(3), lib.zeros(0)]


def test_sharing_and_file_size_match_torch(tmp_path):
    torch = pytest.importorskip("torch")
    mine, theirs = _same_structures(tinytorch), _same_structures(torch)
    tinytorch.save(mine, tmp_path / "mine.tt")
    torch.save(theirs, tmp_path / "theirs.pt")
    mine, theirs = tinytorch.load(tmp_path / "mine.tt"), torch.load(tmp_path / "theirs.pt")
    for i in range(len(mine)):
        for j in range(i):
            if mine[i].numel() and mine[j].numel():
                torch_shares = (theirs[i].untyped_storage().data_ptr()
                                == theirs[j].untyped_storage().data_ptr())
                assert (_owner(mine[i].numpy()) is _owner(mine[j].numpy())) == torch_shares
                if torch_shares:
                    assert (_address(mine[i].numpy()) - _address(mine[j].numpy())
                            == theirs[i].data_ptr() - theirs[j].data_ptr())
        assert mine[i].tolist() == theirs[i].tolist()
    size_mine = (tmp_path / "mine.tt").stat().st_size
    size_theirs = (tmp_path / "theirs.pt").stat().st_size
    assert 400_000 < size_mine < size_theirs + 1024, (size_mine, size_theirs)


def test_shared_lists_load_shared_as_in_torch(tmp_path):
    torch = pytest.importorskip("torch")
    inner = [1, 2]
    torch.save({"a": inner, "b": inner}, tmp_path / "t.pt")
    theirs = torch.load(tmp_path / "t.pt")
    mine = _roundtrip({"a": inner, "b": inner})
    assert (theirs["a"] is theirs["b"]) == (mine["a"] is mine["b"]) is True


# --- a loaded tensor owns only its bytes --------------------------------------------------

def test_a_small_loaded_tensor_does_not_keep_the_file_alive(tmp_path):
    path = tmp_path / "big.tt"
    tinytorch.save({"small": tinytorch.ones(2), "big": tinytorch.zeros(5_000_000)}, path)
    assert path.stat().st_size > 20_000_000
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        small = tinytorch.load(path)["small"]
        gc.collect()
        pinned = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert pinned < 64 * 1024, pinned  # was the whole 20 MB buffer
    owner = _owner(small.numpy())
    assert owner.nbytes == 8 and owner.base is None
    view = tinytorch.load(path)["big"][10:12]
    assert _owner(view.numpy()).nbytes == 20_000_000  # a view keeps its storage, as saved


# --- deep nesting ------------------------------------------------------------------------

def _nest(kind, depth, leaf):
    obj = leaf
    for _ in range(depth):
        obj = {"dict": lambda o: {"k": o}, "OrderedDict": lambda o: collections.OrderedDict(k=o),
               "list": lambda o: [o, 1], "tuple": lambda o: (o, "t"),
               "mixed": lambda o: {"k": [(o,)]}}[kind](obj)
    return obj


def _unnest(obj):
    """The innermost object and the kinds of the containers around it (no recursion)."""
    kinds = []
    while isinstance(obj, (dict, list, tuple)):
        kinds.append(type(obj))
        obj = obj["k"] if isinstance(obj, dict) else obj[0]
    return obj, kinds


@pytest.mark.parametrize("kind", ["dict", "OrderedDict", "list", "tuple", "mixed"])
@pytest.mark.parametrize("depth", [1000, 10_000])
def test_deeply_nested_objects_round_trip(kind, depth):
    obj = _nest(kind, depth, tinytorch.arange(3))
    raw = _saved(obj)
    inner, kinds = _unnest(tinytorch.load(io.BytesIO(raw)))
    assert kinds == _unnest(obj)[1] and inner.tolist() == [0, 1, 2]
    m_len = struct.unpack("<14sHQQ", raw[:32])[2]
    json.loads(raw[32:32 + m_len])  # the manifest nests shallowly: json's recursion copes


def test_deeper_than_torch_and_than_the_recursion_limit(tmp_path):
    depth = 3 * sys.getrecursionlimit()
    obj = _nest("dict", depth, 7)
    tinytorch.save(obj, tmp_path / "deep.tt")
    assert _unnest(tinytorch.load(tmp_path / "deep.tt")) == (7, [dict] * depth)


# --- dict keys and numbers ---------------------------------------------------------------

def test_dict_keys_of_every_kind_round_trip():
    keys = [0, -3, 2 ** 70, 1.5, -2.5, float("inf"), None, True, "s", b"b", (1, ("a", None)),
            np.int64(7), np.float32(0.5), tinytorch.float16, tinytorch.Size([2, 3]), ()]
    obj = {k: i for i, k in enumerate(keys)}
    out = _roundtrip(obj)
    assert list(out.items()) == list(obj.items())
    assert [type(k) for k in out] == [type(k) for k in obj]


def test_dict_keys_that_cannot_be_saved():
    deep = ()
    for _ in range(ser._MAX_KEY_DEPTH - 1):
        deep = (deep,)  # 100 tuples in all
    assert list(_roundtrip({deep: 1}).values()) == [1]
    with pytest.raises(ValueError, match=r"dict key at \['a'\] nests tuples more than 100"):
        tinytorch.save({"a": {(deep,): 1}}, io.BytesIO())
    for key in [frozenset(), tinytorch.ones(1), object()]:
        with pytest.raises(TypeError, match="dict key of type"):
            tinytorch.save({key: 1}, io.BytesIO())
    with pytest.raises(TypeError, match=r"dict key of type Tensor"):
        tinytorch.save({(1, tinytorch.ones(1)): 1}, io.BytesIO())


def test_huge_ints_round_trip():
    values = [2 ** 10_000, -(3 ** 7000), 2 ** 8192 - 1, 10 ** 2400]
    assert _roundtrip(values) == values


# --- saving into a missing directory -----------------------------------------------------

def test_save_into_a_missing_directory_names_the_path(tmp_path):
    path = tmp_path / "missing" / "ckpt.tt"
    with pytest.raises(FileNotFoundError) as info:
        tinytorch.save({"a": 1}, path)
    message = str(info.value)
    assert str(path) in message and ".tmp" not in message, message
    assert str(tmp_path / "missing") in message and info.value.filename == str(path)


# --- version 1 files ---------------------------------------------------------------------

# written by tinytorch 0.1.0 (format version 1) from
# {"w": w, "w_again": w, "wt": w.t(), "b": tensor([True, False]), "h": float16 [0.5, -2.0],
#  "od": OrderedDict([(1, "one"), ((2, "t"), None)]),
#  "misc": [nan, -inf, b"\x00\xff", int64, (1, 2), Size([2, 3]), np.arange(3, dtype=int32),
#           np.float32(2.5)]} with w = [[1.0, 2.0], [3.0, 4.0]]
VERSION_1_FILE = base64.b64decode(
    "iXRpbnl0b3JjaA0KGgoBANYDAAAAAAAARAEAAAAAAAB7ImZvcm1hdCI6InRpbnl0b3JjaC5jaGVja3BvaW50IiwidmVy"
    "c2lvbiI6MSwid3JpdGVyIjoidGlueXRvcmNoIDAuMS4wIiwiYXJyYXlzIjpbeyJkdHlwZSI6ImZsb2F0MzIiLCJzaGFw"
    "ZSI6WzIsMl0sIm9mZnNldCI6MCwibmJ5dGVzIjoxNn0seyJkdHlwZSI6ImZsb2F0MzIiLCJzaGFwZSI6WzIsMl0sIm9m"
    "ZnNldCI6NjQsIm5ieXRlcyI6MTZ9LHsiZHR5cGUiOiJib29sIiwic2hhcGUiOlsyXSwib2Zmc2V0IjoxMjgsIm5ieXRl"
    "cyI6Mn0seyJkdHlwZSI6ImZsb2F0MTYiLCJzaGFwZSI6WzJdLCJvZmZzZXQiOjE5MiwibmJ5dGVzIjo0fSx7ImR0eXBl"
    "IjoiaW50MzIiLCJzaGFwZSI6WzNdLCJvZmZzZXQiOjI1NiwibmJ5dGVzIjoxMn0seyJkdHlwZSI6ImZsb2F0MzIiLCJz"
    "aGFwZSI6W10sIm9mZnNldCI6MzIwLCJuYnl0ZXMiOjR9XSwib2JqZWN0Ijp7InR5cGUiOiJkaWN0IiwiaXRlbXMiOltb"
    "InciLHsidHlwZSI6InRlbnNvciIsImFycmF5IjowfV0sWyJ3X2FnYWluIix7InR5cGUiOiJ0ZW5zb3IiLCJhcnJheSI6"
    "MH1dLFsid3QiLHsidHlwZSI6InRlbnNvciIsImFycmF5IjoxfV0sWyJiIix7InR5cGUiOiJ0ZW5zb3IiLCJhcnJheSI6"
    "Mn1dLFsiaCIseyJ0eXBlIjoidGVuc29yIiwiYXJyYXkiOjN9XSxbIm9kIix7InR5cGUiOiJPcmRlcmVkRGljdCIsIml0"
    "ZW1zIjpbWzEsIm9uZSJdLFt7InR5cGUiOiJ0dXBsZSIsIml0ZW1zIjpbMiwidCJdfSxudWxsXV19XSxbIm1pc2MiLFt7"
    "InR5cGUiOiJmbG9hdCIsInZhbHVlIjoibmFuIn0seyJ0eXBlIjoiZmxvYXQiLCJ2YWx1ZSI6Ii1pbmYifSx7InR5cGUi"
    "OiJieXRlcyIsImJhc2U2NCI6IkFQOD0ifSx7InR5cGUiOiJkdHlwZSIsIm5hbWUiOiJpbnQ2NCJ9LHsidHlwZSI6InR1"
    "cGxlIiwiaXRlbXMiOlsxLDJdfSx7InR5cGUiOiJTaXplIiwiaXRlbXMiOlsyLDNdfSx7InR5cGUiOiJuZGFycmF5Iiwi"
    "YXJyYXkiOjR9LHsidHlwZSI6Im51bXB5X3NjYWxhciIsImFycmF5Ijo1fV1dXX19AAAAAAAAAAAAAAAAgD8AAABAAABA"
    "QAAAgEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIA/AABAQAAAAEAAAIBA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA4AMAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgQGcm7IdUoBwLoRa8NsUEX339qGJ8Vw0Zhs+XD80jjTgk"
)


def test_version_1_files_still_load():
    assert struct.unpack("<14sH", VERSION_1_FILE[:16])[1] == 1
    out = tinytorch.load(io.BytesIO(VERSION_1_FILE))
    assert out["w"] is out["w_again"] and out["w"].tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert out["wt"].tolist() == [[1.0, 3.0], [2.0, 4.0]]
    assert out["b"].tolist() == [True, False] and out["h"].dtype == tinytorch.float16
    assert out["od"] == collections.OrderedDict([(1, "one"), ((2, "t"), None)])
    assert isinstance(out["od"], collections.OrderedDict)
    nan, inf, raw, dt, tup, size, arr, scalar = out["misc"]
    assert math.isnan(nan) and inf == -math.inf and raw == b"\x00\xff"
    assert dt is tinytorch.int64 and tup == (1, 2) and type(size) is tinytorch.Size
    assert arr.dtype == np.int32 and arr.tolist() == [0, 1, 2]
    assert type(scalar) is np.float32 and scalar == 2.5


def _file(manifest, payload=b"", version=2):
    """A checkpoint around any manifest (an object, or JSON text) and payload, with right
    lengths and checksum: what a forger writes."""
    text = manifest if isinstance(manifest, str) else json.dumps(manifest,
                                                                separators=(",", ":"))
    m = text.encode()
    body = struct.pack("<14sHQQ", ser.MAGIC, version, len(m), len(payload)) + m
    body += bytes(-len(body) % 64) + payload
    return body + hashlib.sha256(body).digest()


def test_a_too_deeply_nested_version_1_manifest_is_refused_clearly():
    nested = "[" * 100_000 + "]" * 100_000
    text = ('{"format":"tinytorch.checkpoint","version":1,"arrays":[],"object":' + nested
            + "}")
    with pytest.raises(CheckpointError, match="nests too deeply to parse"):
        tinytorch.load(io.BytesIO(_file(text, version=1)))
    ok = json.dumps({"format": "tinytorch.checkpoint", "version": 1, "arrays": [],
                     "object": _nest("list", 300, "leaf")})
    assert _unnest(tinytorch.load(io.BytesIO(_file(ok, version=1))))[0] == "leaf"


# --- forged manifests --------------------------------------------------------------------

def _base():
    """A small checkpoint, as its manifest (to edit) and its payload."""
    w = tinytorch.tensor([[1.0, 2.0], [3.0, 4.0]])
    raw = _saved({"w": w, "wt": w.t(), "b": tinytorch.tensor([True, False]),
                  "s": np.float32(1.5), "n": [1, "x"]})
    _, _, m_len, p_len = struct.unpack("<14sHQQ", raw[:32])
    start = 32 + m_len + (-(32 + m_len) % 64)
    return json.loads(raw[32:32 + m_len]), raw[start:start + p_len]


def test_the_base_checkpoint_is_as_expected():
    manifest, payload = _base()
    assert manifest["nodes"] == [
        "w", {"type": "tensor", "view": 0}, "wt", {"type": "tensor", "view": 1},
        "b", {"type": "tensor", "view": 2}, "s", {"type": "numpy_scalar", "view": 3},
        "n", 1, "x", {"type": "list", "items": [9, 10]},
        {"type": "dict", "keys": [0, 2, 4, 6, 8], "values": [1, 3, 5, 7, 11]}]
    assert [s["offset"] for s in manifest["storages"]] == [0, 64, 128]
    assert len(payload) == 132
    assert tinytorch.load(io.BytesIO(_file(manifest, payload)))["s"] == 1.5


def _set(path, value):
    """An edit of the manifest: set manifest[path[0]][path[1]]... to value."""
    def edit(m):
        for key in path[:-1]:
            m = m[key]
        m[path[-1]] = value
    return edit


FORGERIES = {
    "overlapping storages": (_set(["storages", 1, "offset"], 0), "storage 1 starts at payload"
                                                                   " byte 0"),
    "unaligned storage": (_set(["storages", 1, "offset"], 16), "next multiple of 64"),
    "storage beyond the payload": (_set(["storages", 2, "nbytes"], 64), "storages end at"),
    "negative nbytes": (_set(["storages", 0, "nbytes"], -16), "nbytes is -16"),
    "float offset": (_set(["storages", 0, "offset"], 0.0), "offset is 0.0"),
    "unknown storage field": (_set(["storages", 0, "owner"], "me"), "unknown field 'owner'"),
    "missing view field": (lambda m: m["views"][0].pop("strides"), "lacks the field 'strides'"),
    "view past its storage": (_set(["views", 0, "offset"], 8), "uses bytes 8 to 24"),
    "view before its storage": (_set(["views", 1, "strides"], [-4, 8]), "uses bytes -4"),
    "storage not covered": (_set(["views", 2, "shape"], [1]), "a save writes just"),
    "strides of the wrong length": (_set(["views", 0, "strides"], [8]), "1 strides for 2"),
    "bool shape": (_set(["views", 0, "shape"], [True, 2]), "shape[0] is True"),
    "float stride": (_set(["views", 0, "strides"], [8.0, 4]), "strides[0] is 8.0"),
    "huge stride": (_set(["views", 0, "strides"], [2 ** 64, 4]), "strides[0] is"),
    "too many dimensions": (_set(["views", 0, "shape"], [1] * 65), "65 dimensions"),
    "too large": (_set(["views", 0, "shape"], [2 ** 40, 2 ** 30]), "larger than numpy"),
    "unknown dtype": (_set(["views", 0, "dtype"], "complex64"), "dtype 'complex64'"),
    "dtype not a string": (_set(["views", 0, "dtype"], 5), "dtype 5"),
    "view of a missing storage": (_set(["views", 0, "storage"], 7), "storage is 7"),
    "storage without a view": (_set(["views", 2, "storage"], 0), "storage 1 belongs to no"),
    "empty view inside a storage": (_set(["views", 2, "shape"], [0]), "is empty, at offset"),
    "bool bytes": (None, "bytes other than 0 and 1"),
    "scalar over a 4-element array": (_set(["nodes", 7, "view"], 0),
                                      "numpy_scalar over view 0 of shape"),
    "node names itself": (_set(["nodes", 11, "items"], [9, 11]), "name 11, not an earlier"),
    "node names a later node": (_set(["nodes", 11, "items"], [12]), "not an earlier node"),
    "node names a bool": (_set(["nodes", 11, "items"], [True]), "name True"),
    "orphan node": (_set(["nodes", 12, "values", 4], 9), "node 11 is not part"),
    "unused view": (_set(["nodes", 3, "view"], 0), "view 1 belongs to no node"),
    "unknown node type": (_set(["nodes", 12, "type"], "__import__"), "unknown type"),
    "unknown node field": (_set(["nodes", 1, "requires_grad"], True), "unknown field"),
    "node is a list": (_set(["nodes", 9], [1]), "node 9 is a list"),
    "unhashable key": (_set(["nodes", 12, "keys", 0], 11), "is a list, which cannot be a key"),
    "duplicate key": (_set(["nodes", 12, "keys", 1], 0), "the key 'w' twice"),
    "keys and values differ": (_set(["nodes", 12, "values"], [1, 3, 5, 7]), "5 keys but 4"),
    "Size of strings": (_set(["nodes", 11, "type"], "Size"), "Size of other things"),
    "bad float": (_set(["nodes", 9], {"type": "float", "value": "1.5"}), "not nan, inf"),
    "short hex int": (_set(["nodes", 9], {"type": "int", "hex": "0x10"}), "only ints of more"),
    "bad base64": (_set(["nodes", 9], {"type": "bytes", "base64": "!!"}), "not base64"),
    "unknown dtype node": (_set(["nodes", 9], {"type": "dtype", "name": "os"}), "dtype 'os'"),
    "non-finite number": (_set(["nodes", 9], float("inf")), "non-standard JSON constant"),
    "empty nodes": (_set(["nodes"], []), "'nodes' is empty"),
    "wrong version": (_set(["version"], 1), "it says version 1, the file's header 2"),
    "extra top-level field": (_set(["pickle"], "x"), "unknown field 'pickle'"),
    "missing writer": (lambda m: m.pop("writer"), "lacks the field 'writer'"),
    "format": (_set(["format"], "pickle"), "format is 'pickle'"),
}


@pytest.mark.parametrize("name", list(FORGERIES))
def test_forged_manifests_are_refused_naming_the_problem(name):
    edit, problem = FORGERIES[name]
    manifest, payload = _base()
    if name == "bool bytes":
        payload = payload[:64] + b"\x02" + payload[65:]
    else:
        edit(manifest)
    with pytest.raises(CheckpointError, match="malformed manifest") as info:
        tinytorch.load(io.BytesIO(_file(manifest, payload)))
    assert problem in str(info.value), str(info.value)


def test_forged_json_and_padding_are_refused():
    manifest, payload = _base()
    text = json.dumps(manifest, separators=(",", ":"))
    twice = text.replace('"offset":0,', '"offset":0,"offset":0,', 1)
    with pytest.raises(CheckpointError, match="has the key 'offset' twice"):
        tinytorch.load(io.BytesIO(_file(twice, payload)))
    big_number = text.replace('"n",1,', '"n",1e999,', 1)
    with pytest.raises(CheckpointError, match="node 9 is the JSON number inf"):
        tinytorch.load(io.BytesIO(_file(big_number, payload)))
    gap = payload[:20] + b"\x01" + payload[21:]
    with pytest.raises(CheckpointError, match="padding before storage 1 is not zeros"):
        tinytorch.load(io.BytesIO(_file(manifest, gap)))
    good = bytearray(_file(manifest, payload))
    m_len = struct.unpack("<14sHQQ", bytes(good[:32]))[2]
    good[32 + m_len] = 1  # in the padding after the manifest
    body = bytes(good[:-32])
    with pytest.raises(CheckpointError, match="padding after the manifest"):
        tinytorch.load(io.BytesIO(body + hashlib.sha256(body).digest()))


def test_a_forged_deep_tuple_key_is_refused_not_hashed():
    """Hashing a tuple nested a million deep crashes Python: load refuses deep keys before
    it hashes them."""
    depth = 1000
    nodes = [{"type": "tuple", "items": []}]
    nodes += [{"type": "tuple", "items": [i]} for i in range(depth)]
    nodes += [1, {"type": "dict", "keys": [depth], "values": [depth + 1]}]
    manifest = {"format": "tinytorch.checkpoint", "version": 2, "writer": "forger",
                "storages": [], "views": [], "nodes": nodes}
    with pytest.raises(CheckpointError, match="nests tuples 1001 deep"):
        tinytorch.load(io.BytesIO(_file(manifest)))
