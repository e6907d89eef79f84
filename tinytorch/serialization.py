"""tinytorch.save / tinytorch.load: checkpoints that cannot run code, written atomically.

>>> tinytorch.save({"step": 3, "w": tinytorch.ones(2, 2)}, "ckpt.tt")
>>> tinytorch.load("ckpt.tt")["step"]
3

Why not pickle (what ``torch.save`` uses)?  Unpickling calls whatever functions the file
names, so loading a downloaded checkpoint can run arbitrary code.  Here the file holds JSON
(structure, dtypes, shapes) and raw array bytes, and ``load`` only ever builds lists, tuples,
dicts, numbers, strings and arrays from them.

File layout, version 1 (integers little-endian)::

    offset 0    14 bytes  magic b"\\x89tinytorch\\r\\n\\x1a\\n" (the non-ASCII first byte and the
                          CR LF / LF pair expose text-mode or newline-mangling copies, as in PNG)
    offset 14   uint16    format version
    offset 16   uint64    M = manifest length in bytes
    offset 24   uint64    P = payload length in bytes
    offset 32   M bytes   manifest: UTF-8 JSON, see below
                zeros     padding, so the payload starts at a multiple of 64 bytes
                P bytes   payload: every array's raw bytes (C order, little-endian), each at a
                          multiple of 64 bytes from the payload start
    last        32 bytes  SHA-256 of every byte before it

The manifest is ``{"format": "tinytorch.checkpoint", "version": 1, "arrays": [...],
"object": node}``; each array entry is ``{"dtype", "shape", "offset", "nbytes"}``.  A node is
a JSON null / bool / int / string / finite float standing for itself, a JSON list for a Python
list, or an object tagged by ``"type"``: ``tensor`` / ``ndarray`` / ``numpy_scalar``
(``"array": i``), ``tuple`` / ``Size`` (``"items"``), ``dict`` / ``OrderedDict`` (``"items"``:
``[key, value]`` pairs, so int keys stay ints and order is kept), ``float`` (``"nan"``,
``"inf"``, ``"-inf"``), ``bytes`` (base64) or ``dtype`` (a name).

``load`` checks, before decoding anything: the magic (a pickle or a torch zip checkpoint is
named as such and refused), the version, that the file is exactly as long as its header says
(truncation) and the SHA-256 (flipped bits, edits); then that the manifest is well formed.
Each failure raises ``CheckpointError`` (a ``RuntimeError``) naming the file and the problem.
The checksum catches accidents, not forgers (anyone can recompute it), but a forged file can
at worst hold wrong numbers: nothing in it is ever executed.

``save`` to a path writes a temporary file in the same directory, flushes and fsyncs it, then
renames it over the target with ``os.replace`` (atomic) and fsyncs the directory, so a crash
at any moment leaves either the old or the new checkpoint, never a mix.  Temporary files left
by killed processes are removed by the next save to the same path.
"""
import base64
import collections
import errno
import hashlib
import json
import math
import os
import re
import secrets
import socket
import stat
import struct

import numpy as np

from . import _api, _dtype
from .tensor import Size, Tensor

__all__ = ["save", "load", "CheckpointError"]

MAGIC = b"\x89tinytorch\r\n\x1a\n"
VERSION = 1
FORMAT = "tinytorch.checkpoint"
_HEAD = struct.Struct("<14sHQQ")  # magic, version, manifest length, payload length
_ALIGN = 64
_DIGEST = 32
_DTYPES = {d.name: np.dtype(d.np).newbyteorder("<") for d in _dtype._ALL}
_MAX_NDIM = 64


class CheckpointError(RuntimeError):
    """``tinytorch.load`` refused a file: not a tinytorch checkpoint (e.g. a pickle),
    truncated, corrupted or malformed.  ``source`` names the file, ``reason`` the problem."""

    def __init__(self, source, reason):
        self.source = source
        self.reason = reason
        super().__init__(f"tinytorch.load: {source}: {reason}")


# --- encoding ----------------------------------------------------------------------------

def _path_str(path):
    return "".join(f"[{k!r}]" for k in path) or "the object itself"


class _Encoder:
    """Turns an object tree into a JSON-ready node tree plus a table of arrays."""

    def __init__(self):
        self.arrays = []    # contiguous little-endian arrays, in payload order
        self.entries = []   # their manifest entries
        self.index = {}     # id(original ndarray) -> table index (shared arrays stored once)
        self.keep = []      # keeps originals alive so their ids stay unique
        self.size = 0       # payload bytes so far
        self.active = set()

    def array(self, arr, path):
        key = id(arr)
        if key in self.index:
            return self.index[key]
        name = _dtype.FROM_NP.get(arr.dtype)
        if name is None or arr.dtype.hasobject:
            raise TypeError(f"tinytorch.save: cannot save an array of dtype {arr.dtype} at "
                            f"{_path_str(path)} (supported: {', '.join(_DTYPES)})")
        a = arr if arr.flags.c_contiguous else arr.copy(order="C")  # (keeps 0-d arrays 0-d)
        if a.dtype.byteorder == ">":
            a = a.astype(a.dtype.newbyteorder("<"))
        offset = -(-self.size // _ALIGN) * _ALIGN
        self.entries.append({"dtype": name.name, "shape": list(a.shape), "offset": offset,
                             "nbytes": a.nbytes})
        self.arrays.append(a)
        self.keep.append(arr)
        self.size = offset + a.nbytes
        self.index[key] = len(self.arrays) - 1
        return self.index[key]

    def node(self, obj, path=()):
        if obj is None or isinstance(obj, (bool, str)):
            return obj
        if isinstance(obj, Tensor):
            return {"type": "tensor", "array": self.array(_api.array(obj), path)}
        if isinstance(obj, np.ndarray):
            return {"type": "ndarray", "array": self.array(obj, path)}
        if isinstance(obj, np.generic):
            return {"type": "numpy_scalar", "array": self.array(np.asarray(obj), path)}
        if isinstance(obj, int):
            return int(obj)
        if isinstance(obj, float):
            if math.isfinite(obj):
                return float(obj)
            return {"type": "float", "value": repr(float(obj))}
        if isinstance(obj, bytes):
            return {"type": "bytes", "base64": base64.b64encode(obj).decode("ascii")}
        if isinstance(obj, _dtype.dtype):
            return {"type": "dtype", "name": obj.name}
        if isinstance(obj, (list, tuple, dict)):
            if id(obj) in self.active:
                raise ValueError(f"tinytorch.save: the object contains itself at "
                                 f"{_path_str(path)}; self-referencing structures cannot be "
                                 "saved")
            self.active.add(id(obj))
            try:
                if isinstance(obj, list):
                    return [self.node(v, path + (i,)) for i, v in enumerate(obj)]
                if isinstance(obj, tuple):
                    kind = "Size" if isinstance(obj, Size) else "tuple"
                    return {"type": kind,
                            "items": [self.node(v, path + (i,)) for i, v in enumerate(obj)]}
                kind = "OrderedDict" if isinstance(obj, collections.OrderedDict) else "dict"
                return {"type": kind, "items": [[self.key(k, path), self.node(v, path + (k,))]
                                                for k, v in obj.items()]}
            finally:
                self.active.discard(id(obj))
        hint = ""
        if hasattr(obj, "state_dict"):
            hint = "; save its state_dict() instead"
        raise TypeError(f"tinytorch.save: cannot save an object of type {type(obj).__name__} "
                        f"at {_path_str(path)}: only tensors, numpy arrays, numbers, strings, "
                        f"bytes, bools, None and lists/tuples/dicts of them can be saved{hint}")

    def key(self, k, path):
        if k is None or isinstance(k, (bool, int, float, str, bytes, np.generic)):
            return self.node(k, path)
        if isinstance(k, tuple):
            return {"type": "tuple", "items": [self.key(v, path) for v in k]}
        raise TypeError(f"tinytorch.save: cannot save a dict key of type {type(k).__name__} "
                        f"({k!r}) at {_path_str(path)}: keys must be str, int, float, bool, "
                        "bytes, None, numpy scalars or tuples of them")


def _serialize(obj):
    """The checkpoint as a list of byte chunks (header, manifest, padding, arrays)."""
    enc = _Encoder()
    root = enc.node(obj)
    from . import __version__
    manifest = json.dumps({"format": FORMAT, "version": VERSION,
                           "writer": f"tinytorch {__version__}", "arrays": enc.entries,
                           "object": root}, allow_nan=False, separators=(",", ":")).encode()
    chunks = [_HEAD.pack(MAGIC, VERSION, len(manifest), enc.size), manifest,
              bytes(-(_HEAD.size + len(manifest)) % _ALIGN)]
    pos = 0
    for a, e in zip(enc.arrays, enc.entries):
        if e["offset"] > pos:
            chunks.append(bytes(e["offset"] - pos))
        if a.nbytes:
            chunks.append(memoryview(a.reshape(-1).view(np.uint8)))
        pos = e["offset"] + a.nbytes
    return chunks


def _write_chunks(fh, chunks):
    h = hashlib.sha256()
    for c in chunks:
        h.update(c)
        fh.write(c)
    fh.write(h.digest())


# --- atomic file replacement -------------------------------------------------------------

def _host_tag():
    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:32] or "host"


def _temp_pattern(base):
    return re.compile(rf"^\.{re.escape(base)}\.{re.escape(_host_tag())}\.(\d+)\.[0-9a-f]{{8}}"
                      r"\.tmp$")


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _remove_stale_temps(directory, base):
    """Delete temporaries of earlier saves to this path whose writer (a process on this host)
    has died, e.g. by SIGKILL in the middle of a save."""
    if os.name != "posix":
        return
    pat = _temp_pattern(base)
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        m = pat.match(name)
        if m and int(m.group(1)) != os.getpid() and not _pid_alive(int(m.group(1))):
            try:
                os.unlink(os.path.join(directory, name))
            except OSError:
                pass


def _fsync_dir(directory):
    if os.name != "posix":
        return
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _save_to_path(chunks, path):
    if os.path.islink(path):
        path = os.path.realpath(path)  # replace the file the link points at, not the link
    if os.path.isdir(path):
        raise IsADirectoryError(errno.EISDIR, "tinytorch.save: is a directory", path)
    directory, base = os.path.split(os.path.abspath(path))
    _remove_stale_temps(directory, base)
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mode = None
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = os.path.join(directory, f".{base}.{_host_tag()}.{os.getpid()}."
                                      f"{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(tmp, flags, 0o666)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(fd, "wb") as fh:
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(fh.fileno(), mode)  # keep the old checkpoint's permissions
            _write_chunks(fh, chunks)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(directory)


def save(obj, f, pickle_module=None, pickle_protocol=None,
         _use_new_zipfile_serialization=True, _disable_byteorder_record=False):
    """Save ``obj`` (nested dicts / lists / tuples of tensors, numpy arrays, numbers, strings,
    bytes, bools and None: e.g. ``model.state_dict()``, ``optimizer.state_dict()``) to ``f``,
    a path or a binary file object.

    Saving to a path is atomic: a crash mid-save leaves the previous file intact.  Tensors are
    saved as data (``requires_grad`` is not kept); a tensor or array that appears several
    times is stored once and loads as one object.  ``pickle_module`` and ``pickle_protocol``
    are accepted for torch compatibility and ignored: nothing is ever pickled.

    >>> tinytorch.save(model.state_dict(), "model.tt")
    >>> model.load_state_dict(tinytorch.load("model.tt"))
    """
    chunks = _serialize(obj)  # any TypeError happens before the file is touched
    if isinstance(f, (str, bytes, os.PathLike)):
        _save_to_path(chunks, os.fsdecode(os.fspath(f)))
        return
    if not hasattr(f, "write"):
        raise TypeError(f"tinytorch.save: f must be a path or a binary file object, got "
                        f"{type(f).__name__}")
    try:
        _write_chunks(f, chunks)
    except TypeError:
        raise TypeError("tinytorch.save: f must be opened in binary mode ('wb')") from None
    if hasattr(f, "flush"):
        f.flush()


# --- decoding ----------------------------------------------------------------------------

def _sniff(head):
    """Name a foreign file format from its first bytes."""
    refuse = ("tinytorch never unpickles, because unpickling can run arbitrary code. To move "
              "PyTorch weights over, load them in PyTorch (torch.load(..., weights_only=True)) "
              "and re-save with tinytorch.save({k: tinytorch.from_numpy(v.numpy()) for k, v in "
              "sd.items()}, path)")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        if b".pkl" in head:
            return ("this is a PyTorch checkpoint (a torch.save zip archive whose structure is a "
                    "pickle, data.pkl), not a tinytorch checkpoint; " + refuse)
        return "this is a zip archive (e.g. a numpy .npz file), not a tinytorch checkpoint"
    if len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5:
        return (f"this is a Python pickle (protocol {head[1]}, as written by pickle.dump or "
                "an old-style torch.save), not a tinytorch checkpoint; " + refuse)
    if head.startswith(b"\x93NUMPY"):
        return ("this is a numpy .npy file, not a tinytorch checkpoint; read it with "
                "numpy.load(f, allow_pickle=False) and wrap it with tinytorch.from_numpy")
    if len(head) >= 10 and head[8:10] == b'{"':
        return ("this looks like a safetensors file, not a tinytorch checkpoint")
    return f"not a tinytorch checkpoint (it starts with {bytes(head[:16])!r}, expected {MAGIC!r})"


def _fill(fh, view):
    """Read into ``view`` until it is full or the file ends; return the bytes read."""
    got, n = 0, len(view)
    readinto = getattr(fh, "readinto", None)
    while got < n:
        if readinto is not None:
            k = readinto(view[got:])
        else:
            piece = fh.read(n - got)
            if isinstance(piece, str):
                raise TypeError("tinytorch.load: f must be opened in binary mode ('rb')")
            k = len(piece)
            view[got:got + k] = piece
        if not k:
            break
        got += k
    return got


def _read_exact(fh, n):
    """Up to n bytes (fewer only at end of file)."""
    buf = bytearray(n)
    with memoryview(buf) as view:
        got = _fill(fh, view)
    del buf[got:]
    return buf


def _read(fh, source, size, whole_file):
    """Read and verify one checkpoint from ``fh``; ``size`` is the number of bytes left in
    the file when known; ``whole_file``: the checkpoint must end where the file ends."""
    head = _read_exact(fh, _HEAD.size)
    if not head:
        raise CheckpointError(source, "the file is empty (0 bytes)")
    if head[:len(MAGIC)] != MAGIC:
        if MAGIC.startswith(bytes(head)):
            raise CheckpointError(source, f"truncated: only {len(head)} bytes, not even a "
                                          "whole header")
        more = head + _read_exact(fh, 4096)
        raise CheckpointError(source, _sniff(bytes(more)))
    if len(head) < _HEAD.size:
        raise CheckpointError(source, f"truncated: only {len(head)} bytes, not even a whole "
                                      "header")
    _, version, m_len, p_len = _HEAD.unpack(bytes(head))
    if version != VERSION:
        raise CheckpointError(source, f"format version {version}, but this tinytorch reads "
                                      f"version {VERSION} (written by a newer tinytorch?)")
    pad = -(_HEAD.size + m_len) % _ALIGN
    total = _HEAD.size + m_len + pad + p_len + _DIGEST
    if size is not None and size < total:
        raise CheckpointError(source, f"truncated: the header promises {total} bytes but the "
                                      f"file holds {size} (an interrupted copy or download?)")
    if size is not None and size > total and whole_file:
        raise CheckpointError(source, f"{size - total} unexpected bytes after the end of the "
                                      "checkpoint (the file was modified)")
    if size is None:  # a stream: grow chunk by chunk, never trusting the header's size
        buf = head
        while len(buf) < total:
            piece = _read_exact(fh, min(total - len(buf), 1 << 24))
            if not piece:
                break
            buf += piece
        got = len(buf)
    else:             # the size is known to be right: read straight into one buffer
        buf = bytearray(total)
        buf[:_HEAD.size] = head
        with memoryview(buf) as view:
            got = _HEAD.size + _fill(fh, view[_HEAD.size:])
    if got < total:
        raise CheckpointError(source, f"truncated: the header promises {total} bytes but the "
                                      f"file holds {got}")
    view = memoryview(buf)
    if hashlib.sha256(view[:total - _DIGEST]).digest() != view[total - _DIGEST:]:
        raise CheckpointError(source, "checksum mismatch: the file is corrupted (e.g. a "
                                      "flipped bit or a partial copy) or was modified after "
                                      "it was saved")
    del view
    try:
        manifest = json.loads(bytes(buf[_HEAD.size:_HEAD.size + m_len]).decode("utf-8"),
                              parse_constant=_no_constant)
        return _Decoder(buf, _HEAD.size + m_len + pad, p_len, manifest).root()
    except CheckpointError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError,
            OverflowError, UnicodeDecodeError, MemoryError) as e:
        raise CheckpointError(source, f"malformed manifest ({type(e).__name__}: {e})") from None


def _no_constant(name):
    raise ValueError(f"non-standard JSON constant {name}")


class _Decoder:
    def __init__(self, buf, start, p_len, manifest):
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise ValueError("not a tinytorch checkpoint manifest")
        if manifest.get("version") != VERSION:
            raise ValueError(f"manifest version {manifest.get('version')!r}")
        self.buf, self.start, self.p_len = buf, start, p_len
        self.entries = manifest["arrays"]
        if not isinstance(self.entries, list):
            raise ValueError("'arrays' is not a list")
        self.root_node = manifest["object"]
        self.cache = {}    # array index -> ndarray
        self.tensors = {}  # array index -> Tensor (an array saved once loads as one tensor)

    def root(self):
        return self.node(self.root_node)

    def array(self, i):
        if type(i) is not int or not 0 <= i < len(self.entries):
            raise ValueError(f"array index {i!r} out of range")
        if i in self.cache:
            return self.cache[i]
        e = self.entries[i]
        dt = _DTYPES[e["dtype"]]
        shape, offset, nbytes = e["shape"], e["offset"], e["nbytes"]
        if (not isinstance(shape, list) or len(shape) > _MAX_NDIM
                or any(type(s) is not int or s < 0 for s in shape)):
            raise ValueError(f"array {i}: bad shape {shape!r}")
        count = math.prod(shape)
        if type(offset) is not int or type(nbytes) is not int or nbytes != count * dt.itemsize \
                or offset < 0 or offset % _ALIGN or offset + nbytes > self.p_len:
            raise ValueError(f"array {i}: offset {offset!r} / nbytes {nbytes!r} do not fit "
                             f"shape {shape} of {e['dtype']} in a {self.p_len}-byte payload")
        if count == 0:
            arr = np.empty(tuple(shape), dt.newbyteorder("="))
        else:
            arr = np.frombuffer(self.buf, dt, count, self.start + offset).reshape(tuple(shape))
            if not dt.isnative:
                arr = arr.astype(dt.newbyteorder("="))
            if dt.kind == "b" and np.any(arr.view(np.uint8) > 1):
                raise ValueError(f"array {i}: bool bytes other than 0 and 1")
        self.cache[i] = arr
        return arr

    def node(self, n):
        if n is None or type(n) in (bool, int, float, str):
            return n
        if type(n) is list:
            return [self.node(v) for v in n]
        if type(n) is not dict:
            raise ValueError(f"unexpected node {n!r}")
        kind = n["type"]
        if kind == "tensor":
            i = n["array"]
            if i not in self.tensors:
                self.tensors[i] = _api.wrap(self.array(i))
            return self.tensors[i]
        if kind == "ndarray":
            return self.array(n["array"])
        if kind == "numpy_scalar":
            return self.array(n["array"])[()]
        if kind == "tuple":
            return tuple(self.node(v) for v in self._list(n["items"]))
        if kind == "Size":
            return Size(self.node(v) for v in self._list(n["items"]))
        if kind in ("dict", "OrderedDict"):
            out = collections.OrderedDict() if kind == "OrderedDict" else {}
            for pair in self._list(n["items"]):
                if type(pair) is not list or len(pair) != 2:
                    raise ValueError("dict item is not a [key, value] pair")
                key = self.node(pair[0])
                hash(key)
                out[key] = self.node(pair[1])
            return out
        if kind == "float":
            v = n["value"]
            if v not in ("nan", "inf", "-inf"):
                raise ValueError(f"bad float {v!r}")
            return float(v)
        if kind == "bytes":
            return base64.b64decode(n["base64"], validate=True)
        if kind == "dtype":
            return _dtype._NAMES[n["name"]]
        raise ValueError(f"unknown node type {kind!r}")

    @staticmethod
    def _list(items):
        if type(items) is not list:
            raise ValueError("'items' is not a list")
        return items


def _check_map_location(map_location):
    if map_location is None or callable(map_location):
        return
    locs = map_location.values() if isinstance(map_location, dict) else [map_location]
    for loc in locs:
        name = str(loc)
        if not name.startswith("cpu"):
            raise RuntimeError(f"tinytorch.load: map_location={map_location!r}: tinytorch "
                               "runs on the CPU only")


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None,
         **pickle_load_args):
    """Load an object saved by ``tinytorch.save`` from a path or a binary file object.

    Tensors come back as plain tensors (``requires_grad=False``).  The file is verified
    (format, length, SHA-256) before anything is decoded; a pickle, a torch checkpoint, a
    truncated, corrupted or malformed file raises ``CheckpointError`` and nothing in it runs.
    ``map_location`` (CPU only), ``weights_only`` and ``mmap`` are accepted for torch
    compatibility: every tinytorch checkpoint is weights-only by construction.
    """
    _check_map_location(map_location)
    if pickle_module is not None:
        raise TypeError("tinytorch.load: pickle_module is not supported (tinytorch never "
                        "unpickles)")
    if isinstance(f, (str, bytes, os.PathLike)):
        path = os.fsdecode(os.fspath(f))
        with open(path, "rb") as fh:
            return _read(fh, path, os.fstat(fh.fileno()).st_size, True)
    if not hasattr(f, "read"):
        raise TypeError(f"tinytorch.load: f must be a path or a binary file object, got "
                        f"{type(f).__name__}")
    name = getattr(f, "name", None)
    source = f"<file {name!r}>" if isinstance(name, str) else f"<{type(f).__name__}>"
    size = None
    try:
        if f.seekable():
            pos = f.tell()
            size = f.seek(0, os.SEEK_END) - pos
            f.seek(pos)
    except (AttributeError, OSError, ValueError):
        size = None
    return _read(f, source, size, False)
