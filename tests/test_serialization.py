"""tinytorch.save / tinytorch.load: round trips, refusal of pickles and damaged files, atomic
and crash-safe writes, and moving weights to PyTorch."""
import collections
import hashlib
import io
import json
import math
import os
import pathlib
import pickle
import random
import signal
import struct
import subprocess
import sys
import time

import numpy as np
import pytest

import tinytorch
from tinytorch import serialization as ser
from tinytorch.serialization import CheckpointError

ALL_DTYPES = [tinytorch.float16, tinytorch.float32, tinytorch.float64, tinytorch.uint8,
              tinytorch.int8, tinytorch.int16, tinytorch.int32, tinytorch.int64, tinytorch.bool]


def _array(dtype, shape, seed):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape) * 100
    if dtype == tinytorch.bool:
        return np.asarray(a > 0)
    return np.asarray(a.astype(dtype.np))


def _assert_same(a, b):
    """Equal in value, type and structure (tensors/arrays: dtype, shape and bits)."""
    assert type(a) is type(b), (type(a), type(b))
    if isinstance(a, tinytorch.Tensor):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    elif isinstance(a, np.ndarray) or isinstance(a, np.generic):
        assert a.dtype == b.dtype and np.shape(a) == np.shape(b)
        np.testing.assert_array_equal(a, b)
    elif isinstance(a, dict):
        assert list(a.keys()) == list(b.keys())
        assert [type(k) for k in a] == [type(k) for k in b]
        for k in a:
            _assert_same(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _assert_same(x, y)
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b)
    else:
        assert a == b


def _nested():
    tensors = collections.OrderedDict()
    for k, d in enumerate(ALL_DTYPES):
        tensors[f"t_{d.name}"] = tinytorch.from_numpy(_array(d, (3, 4), k))
        tensors[f"scalar_{d.name}"] = tinytorch.from_numpy(_array(d, (), k))
        tensors[f"empty_{d.name}"] = tinytorch.from_numpy(_array(d, (0, 5), k))
    tensors["transposed"] = tinytorch.from_numpy(_array(tinytorch.float32, (4, 3), 9)).t()
    return {
        "model": tensors,
        "optimizer": {"state": {0: {"step": 7, "exp_avg": tinytorch.ones(3)},
                                2: {"momentum_buffer": None}},
                      "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8,
                                        "amsgrad": False, "params": [0, 1, 2]}]},
        "numbers": [0, -1, 2 ** 80, 0.1, -0.0, float("inf"), float("-inf"), float("nan"),
                    True, False, None],
        "strings": ["", "héllo", "\ud800 lone surrogate", "$type"],
        "bytes": b"\x00\xff",
        "numpy": [np.arange(6).reshape(2, 3), np.float32(2.5), np.int16(-3), np.bool_(True)],
        "keys": {1: "int", 1.5: "float", None: "none", (1, "a"): "tuple", True: "bool",
                 "1": "str", np.int64(7): "numpy", b"k": "bytes"},
        "tuple_in_list": [(1, (2, [3])), []],
        "size": tinytorch.Size([2, 3]),
        "dtype": tinytorch.float64,
    }


def _roundtrip(obj):
    buf = io.BytesIO()
    tinytorch.save(obj, buf)
    buf.seek(0)
    return tinytorch.load(buf)


def _write(path, obj):
    tinytorch.save(obj, path)
    return pathlib.Path(path).read_bytes()


# --- round trips -------------------------------------------------------------------------

def test_round_trip_nested_structures_all_dtypes(tmp_path):
    obj = _nested()
    path = tmp_path / "ckpt.tt"
    tinytorch.save(obj, path)
    for loaded in (tinytorch.load(path), tinytorch.load(str(path)), _roundtrip(obj)):
        _assert_same(loaded, obj)
        assert isinstance(loaded["model"], collections.OrderedDict)
        assert type(loaded["optimizer"]["param_groups"][0]["betas"]) is tuple
        assert list(loaded["optimizer"]["state"]) == [0, 2]
        assert loaded["model"]["scalar_float32"].shape == ()
        for t in loaded["model"].values():
            assert not t.requires_grad and t.numpy().flags.writeable
    loaded = tinytorch.load(path)
    loaded["model"]["t_float32"].data[...] = 0  # loaded tensors are independent copies
    assert obj["model"]["t_float32"].numpy().any()


def test_parameters_and_grad_tensors_load_as_plain_tensors():
    w = tinytorch.randn(2, 3, requires_grad=True)
    (w * 2).sum().backward()
    out = _roundtrip({"w": w, "y": w * 3})
    assert not out["w"].requires_grad and out["w"].grad is None and out["w"].is_leaf
    np.testing.assert_array_equal(out["w"].numpy(), w.detach().numpy())
    np.testing.assert_array_equal(out["y"].numpy(), (w * 3).detach().numpy())


def test_shared_tensor_is_stored_once_and_loads_as_one_object():
    big = tinytorch.zeros(1000)
    one = io.BytesIO()
    tinytorch.save({"a": big}, one)
    two = io.BytesIO()
    tinytorch.save({"a": big, "b": big}, two)
    assert len(two.getvalue()) - len(one.getvalue()) < 100
    two.seek(0)
    out = tinytorch.load(two)
    assert out["a"] is out["b"]


def test_file_objects_and_back_to_back_checkpoints():
    buf = io.BytesIO()
    tinytorch.save({"first": tinytorch.arange(3)}, buf)
    tinytorch.save([tinytorch.ones(2), "second"], buf)
    buf.seek(0)
    assert tinytorch.load(buf)["first"].tolist() == [0, 1, 2]
    second = tinytorch.load(buf)
    assert second[1] == "second" and second[0].tolist() == [1.0, 1.0]


class _Stream:
    """A read-only, non-seekable byte stream (like a pipe or a socket)."""

    def __init__(self, data):
        self._buf = io.BytesIO(data)

    def read(self, n=-1):
        return self._buf.read(min(n, 5) if n > 0 else n)  # short reads, as pipes give


def test_non_seekable_streams():
    buf = io.BytesIO()
    tinytorch.save(_small_checkpoint(), buf)
    _assert_same(tinytorch.load(_Stream(buf.getvalue())), _small_checkpoint())
    with pytest.raises(CheckpointError, match="truncated"):
        tinytorch.load(_Stream(buf.getvalue()[:-3]))


def test_torch_compatible_arguments(tmp_path):
    p = tmp_path / "c.tt"
    tinytorch.save({"a": tinytorch.ones(1)}, p)
    assert tinytorch.load(p, map_location="cpu", weights_only=True)["a"].tolist() == [1.0]
    assert tinytorch.load(p, map_location=None, weights_only=False)["a"].tolist() == [1.0]
    with pytest.raises(RuntimeError, match="CPU only"):
        tinytorch.load(p, map_location="cuda:0")


def test_unsupported_objects_raise_before_touching_the_file(tmp_path):
    p = tmp_path / "c.tt"
    with pytest.raises(TypeError, match=r"cannot save an object of type object at \['x'\]\[1\]"):
        tinytorch.save({"x": [1, object()]}, p)
    assert not p.exists()

    class Model:
        def state_dict(self):
            return {}

    tinytorch.save({"ok": 1}, p)
    before = p.read_bytes()
    with pytest.raises(TypeError, match=r"save its state_dict\(\) instead"):
        tinytorch.save(Model(), p)
    with pytest.raises(TypeError, match="dict key"):
        tinytorch.save({frozenset(): 1}, p)
    with pytest.raises(TypeError, match="dtype"):
        tinytorch.save(np.array([1 + 2j]), p)
    loop = []
    loop.append(loop)
    with pytest.raises(ValueError, match="contains itself"):
        tinytorch.save(loop, p)
    assert p.read_bytes() == before
    assert os.listdir(tmp_path) == ["c.tt"]


def test_text_mode_files_are_rejected(tmp_path):
    p = tmp_path / "c.tt"
    with open(p, "w") as fh, pytest.raises(TypeError, match="binary mode"):
        tinytorch.save({"a": 1}, fh)
    tinytorch.save({"a": 1}, p)
    with open(p, "r", encoding="latin-1") as fh, pytest.raises(TypeError, match="binary mode"):
        tinytorch.load(fh)


# --- refusing pickles and damaged files --------------------------------------------------

class _Evil:
    """Unpickling this calls builtins.open(marker, 'w'): it creates the marker file."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        import builtins
        return (builtins.open, (self.marker, "w"))


@pytest.mark.parametrize("protocol", [0, 2, pickle.HIGHEST_PROTOCOL])
def test_pickle_is_refused_and_never_run(tmp_path, protocol):
    marker = tmp_path / "pwned"
    p = tmp_path / "evil.pt"
    p.write_bytes(pickle.dumps({"state_dict": _Evil(marker)}, protocol=protocol))
    # the file is a working exploit: plain unpickling creates the marker
    pickle.loads(p.read_bytes()).get("state_dict").close()
    assert marker.exists()
    marker.unlink()
    with pytest.raises(CheckpointError) as info:
        tinytorch.load(p)
    assert not marker.exists()
    assert isinstance(info.value, RuntimeError) and str(p) in str(info.value)
    if protocol >= 2:
        assert "pickle" in str(info.value)
    with pytest.raises(CheckpointError):
        tinytorch.load(io.BytesIO(p.read_bytes()))
    assert not marker.exists()


def test_torch_checkpoint_is_refused_and_never_run(tmp_path):
    torch = pytest.importorskip("torch")
    marker = tmp_path / "pwned"
    p = tmp_path / "evil.pt"
    torch.save({"w": torch.ones(2), "x": _Evil(marker)}, p)
    with pytest.raises(CheckpointError, match="PyTorch checkpoint"):
        tinytorch.load(p)
    assert not marker.exists()


def test_other_formats_are_named(tmp_path):
    p = tmp_path / "a.npy"
    np.save(p, np.zeros(3))
    with pytest.raises(CheckpointError, match=r"numpy \.npy"):
        tinytorch.load(p)
    p.write_bytes(b"")
    with pytest.raises(CheckpointError, match="empty"):
        tinytorch.load(p)
    p.write_text("hello, this is text")
    with pytest.raises(CheckpointError, match="not a tinytorch checkpoint"):
        tinytorch.load(p)


def _small_checkpoint():
    return {"w": tinytorch.tensor([[1.0, 2.0], [3.0, 4.0]]), "b": tinytorch.zeros(2),
            "step": 3, "name": "lin"}


def test_truncated_files_are_detected(tmp_path):
    good = _write(tmp_path / "good.tt", _small_checkpoint())
    p = tmp_path / "cut.tt"
    for n in sorted(set(range(0, len(good), 7)) | {1, 13, 14, 31, 32, len(good) - 1}):
        p.write_bytes(good[:n])
        with pytest.raises(CheckpointError, match="truncated|empty"):
            tinytorch.load(p)
        with pytest.raises(CheckpointError, match="truncated|empty"):
            tinytorch.load(io.BytesIO(good[:n]))
    p.write_bytes(good + b"\x00")
    with pytest.raises(CheckpointError, match="unexpected bytes"):
        tinytorch.load(p)


def test_every_single_bit_flip_is_detected(tmp_path):
    good = _write(tmp_path / "good.tt", _small_checkpoint())
    rng = random.Random(0)
    for pos in range(len(good)):  # one flipped bit at every byte position
        bad = bytearray(good)
        bad[pos] ^= 1 << rng.randrange(8)
        with pytest.raises(CheckpointError):
            tinytorch.load(io.BytesIO(bytes(bad)))
    _assert_same(tinytorch.load(io.BytesIO(good)), _small_checkpoint())


def test_flipped_payload_bit_names_the_checksum(tmp_path):
    good = _write(tmp_path / "good.tt", _small_checkpoint())
    bad = bytearray(good)
    bad[-40] ^= 0x10  # inside the payload
    (tmp_path / "bad.tt").write_bytes(bytes(bad))
    with pytest.raises(CheckpointError, match="checksum mismatch") as info:
        tinytorch.load(tmp_path / "bad.tt")
    assert str(tmp_path / "bad.tt") in str(info.value)


def _forge(raw, edit):
    """Rewrite a checkpoint's manifest with ``edit`` and fix up lengths and checksum, as a
    deliberate forger would."""
    magic, version, m_len, p_len = struct.unpack("<14sHQQ", raw[:32])
    manifest = json.loads(raw[32:32 + m_len])
    start = 32 + m_len + (-(32 + m_len) % 64)
    payload = raw[start:start + p_len]
    edit(manifest)
    m = json.dumps(manifest, separators=(",", ":")).encode()
    body = struct.pack("<14sHQQ", magic, version, len(m), len(payload)) + m
    body += bytes(-len(body) % 64) + payload
    return body + hashlib.sha256(body).digest()


@pytest.mark.parametrize("edit", [
    lambda m: m["views"][0].update(dtype="object"),
    lambda m: m["views"][0].update(shape=[10 ** 12]),
    lambda m: m["storages"][0].update(offset=10 ** 9),
    lambda m: m["views"][0].update(shape=[-1]),
    lambda m: m["nodes"][-1].update(type="__import__"),
    lambda m: m["nodes"].__setitem__(0, {"type": "list", "items": []}),  # an unhashable key
    lambda m: m["nodes"].__setitem__(1, {"type": "tensor", "view": 99}),
    lambda m: m.update(format="pickle"),
])
def test_forged_manifests_are_rejected(edit):
    raw = io.BytesIO()
    tinytorch.save(_small_checkpoint(), raw)
    forged = _forge(raw.getvalue(), edit)
    assert _forge(raw.getvalue(), lambda m: None) == raw.getvalue()  # the forger is exact
    with pytest.raises(CheckpointError, match="malformed manifest"):
        tinytorch.load(io.BytesIO(forged))


# --- atomic writes -----------------------------------------------------------------------

def _temps(directory):
    return [n for n in os.listdir(directory) if n.endswith(".tmp")]


@pytest.mark.parametrize("where", ["replace", "fsync", "write"])
def test_failed_save_keeps_the_old_checkpoint(tmp_path, monkeypatch, where):
    p = tmp_path / "ckpt.tt"
    old = _small_checkpoint()
    tinytorch.save(old, p)

    def boom(*args, **kwargs):
        raise OSError("disk on fire")

    if where == "write":
        real = ser._write_chunks

        def half_then_boom(fh, chunks):
            real(fh, chunks[:2])  # header and manifest reach the temp file, then a crash
            raise OSError("disk on fire")

        monkeypatch.setattr(ser, "_write_chunks", half_then_boom)
    else:
        monkeypatch.setattr(os, where, boom)
    with pytest.raises(OSError, match="disk on fire"):
        tinytorch.save({"new": tinytorch.ones(100)}, p)
    monkeypatch.undo()
    _assert_same(tinytorch.load(p), old)
    assert _temps(tmp_path) == []


def test_save_keeps_permissions_and_follows_symlinks(tmp_path):
    if os.name != "posix":
        pytest.skip("POSIX permissions and symlinks")
    real = tmp_path / "real.tt"
    tinytorch.save({"v": 1}, real)
    os.chmod(real, 0o600)
    link = tmp_path / "link.tt"
    link.symlink_to(real)
    tinytorch.save({"v": 2}, link)
    assert link.is_symlink() and tinytorch.load(real) == {"v": 2}
    assert (real.stat().st_mode & 0o777) == 0o600


_SAVER = r"""
import os, sys
sys.path.insert(0, sys.argv[2])
import tinytorch

path = sys.argv[1]
save = tinytorch.save  # loads tinytorch.serialization now, not in the forked children


def state(step):
    # ~1.5 MB: big enough that SIGKILL usually lands in the middle of a write
    return {"step": step, "w": tinytorch.full((320, 1024), float(step)),
            "b": tinytorch.full((1024,), float(-step)), "note": "step %d" % step}


for line in sys.stdin:
    cmd, arg = line.split()
    if cmd == "go":   # fork a child that saves over the same path until it is killed
        pid = os.fork()
        if pid == 0:
            step = int(arg)
            while True:
                save(state(step), path)
                step += 1
        print(pid, flush=True)
    else:             # reap the killed child
        os.waitpid(int(arg), 0)
        print("ok", flush=True)
"""


@pytest.mark.skipif(not hasattr(os, "fork") or not hasattr(signal, "SIGKILL"),
                    reason="needs fork and SIGKILL")
def test_sigkill_during_save_never_breaks_the_checkpoint(tmp_path):
    """Kill a process saving over an existing checkpoint, many times at random moments: the
    file on disk always loads, as the old or the new state, never a mix."""
    path = tmp_path / "ckpt.tt"
    t0 = time.monotonic()
    tinytorch.save({"step": 0, "w": tinytorch.zeros(320, 1024), "b": tinytorch.zeros(1024),
                    "note": "step 0"}, path)
    # kill within the first ~3 saves of each writer, however fast this disk is
    window = min(3 * (time.monotonic() - t0) + 0.005, 0.25)
    script = tmp_path / "saver.py"
    script.write_text(_SAVER)
    root = os.path.dirname(os.path.dirname(os.path.abspath(tinytorch.__file__)))
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    proc = subprocess.Popen([sys.executable, str(script), str(path), root],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    rng = random.Random(7)
    last, mid_write, moved = 0, 0, 0
    start = time.monotonic()
    try:
        for rnd in range(1, 31):
            base = rnd * 1_000_000
            proc.stdin.write(f"go {base}\n")
            proc.stdin.flush()
            pid = int(proc.stdout.readline())
            time.sleep(rng.uniform(0.0, window))
            os.kill(pid, signal.SIGKILL)
            proc.stdin.write(f"reap {pid}\n")
            proc.stdin.flush()
            assert proc.stdout.readline().strip() == "ok"
            mid_write += any(f".{pid}." in n for n in _temps(tmp_path))
            state = tinytorch.load(path)
            step = state["step"]
            assert step == last or base <= step < base + 1_000_000, (last, step)
            moved += step != last
            assert (state["w"].numpy() == step).all() and (state["b"].numpy() == -step).all()
            assert state["note"] == f"step {step}"
            last = step
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)
    assert time.monotonic() - start < 10
    assert mid_write >= 3, "too few kills landed in the middle of a write to test anything"
    assert moved >= 3
    # the next save removes the temporaries that the killed writers left behind
    tinytorch.save({"step": -1}, path)
    assert _temps(tmp_path) == [] and tinytorch.load(path) == {"step": -1}


# --- to PyTorch --------------------------------------------------------------------------

def test_weights_move_to_torch(tmp_path):
    torch = pytest.importorskip("torch")
    tinytorch.manual_seed(0)
    if hasattr(tinytorch.nn, "Linear"):
        model = tinytorch.nn.Linear(4, 3)
        sd = model.state_dict()

        def ours(x):
            return model(x)
    else:  # the state dict a Linear(4, 3) has: weight (out, in) and bias (out,)
        sd = collections.OrderedDict(weight=tinytorch.randn(3, 4), bias=tinytorch.randn(3))

        def ours(x):
            return x @ sd["weight"].t() + sd["bias"]

    tinytorch.save(sd, tmp_path / "linear.tt")
    loaded = tinytorch.load(tmp_path / "linear.tt")
    assert list(loaded) == ["weight", "bias"]
    tmodel = torch.nn.Linear(4, 3)
    missing, unexpected = tmodel.load_state_dict(
        {k: torch.from_numpy(v.numpy()) for k, v in loaded.items()})
    assert missing == [] and unexpected == []
    x = np.random.default_rng(1).standard_normal((5, 4)).astype(np.float32)
    with torch.no_grad():
        expected = tmodel(torch.from_numpy(x)).numpy()
    with tinytorch.no_grad():
        got = ours(tinytorch.from_numpy(x)).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)
