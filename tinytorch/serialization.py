"""tinytorch.save / tinytorch.load: checkpoints that cannot run code, written atomically.

>>> tinytorch.save({"step": 3, "w": tinytorch.ones(2, 2)}, "ckpt.tt")
>>> tinytorch.load("ckpt.tt")["step"]
3

Why not pickle (what ``torch.save`` uses)?  Unpickling calls whatever functions the file
names, so loading a downloaded checkpoint can run arbitrary code.  Here the file holds JSON
(structure, dtypes, shapes) and raw array bytes, and ``load`` only ever builds lists, tuples,
dicts, numbers, strings and arrays from them.

Storages and views.  As in torch, tensors that share memory (``x`` and ``x[2:4]``, ``x.t()``,
``x.expand(3, -1)``, ``x.data``, two slices of one tensor) share it in the same way after
loading, and the memory is written once.  ``save`` sees sharing as numpy does: arrays cut
from one allocation (the same owner at the end of their chains of ``.base`` arrays), or
whose bytes overlap, make up one *storage*: the bytes from the lowest to the highest
address that any of them uses (torch writes a view's whole storage, tinytorch only the part
that the saved arrays use).  Each array is a *view* of its storage: a dtype, a shape, and a
byte offset and byte strides, as numpy lays arrays out.

File layout, version 2 (integers little-endian)::

    offset 0    14 bytes  magic b"\\x89tinytorch\\r\\n\\x1a\\n" (the non-ASCII first byte and the
                          CR LF / LF pair expose text-mode or newline-mangling copies, as in PNG)
    offset 14   uint16    format version
    offset 16   uint64    M = manifest length in bytes
    offset 24   uint64    P = payload length in bytes
    offset 32   M bytes   manifest: UTF-8 JSON, see below
                zeros     padding, so the payload starts at a multiple of 64 bytes
                P bytes   payload: the storages' bytes, in order, each at the next multiple of
                          64 bytes from the payload start (zeros in between); the payload ends
                          where the last storage ends
    last        32 bytes  SHA-256 of every byte before it

For example, ``{"x": x, "v": x[2:4]}`` with 100000 float32 numbers in ``x`` has the
manifest::

    {"format": "tinytorch.checkpoint", "version": 2, "writer": "tinytorch 0.1.0",
     "storages": [{"offset": 0, "nbytes": 400000}],
     "views": [{"storage": 0, "dtype": "float32", "shape": [100000], "strides": [4],
                "offset": 0},
               {"storage": 0, "dtype": "float32", "shape": [2], "strides": [4], "offset": 8}],
     "nodes": ["x", {"type": "tensor", "view": 0}, "v", {"type": "tensor", "view": 1},
               {"type": "dict", "keys": [0, 2], "values": [1, 3]}]}

A storage is ``nbytes`` bytes of the payload from ``offset`` on.  A view is an array of
``dtype`` (stored little-endian) and ``shape`` whose first element lies ``offset`` bytes into
storage number ``storage`` and whose index along dimension ``d`` steps ``strides[d]`` bytes
(negative after a flip, 0 along an expanded dimension).  A storage's views together reach
exactly from its first byte to its last; an empty view sits alone in an empty storage.

``nodes`` is the object, flattened so that the JSON nests no deeper however deeply the
object does: a container names its items by their positions in the table, always earlier
ones, and the last node is the object itself.  An object that appears several times (a
tensor, array, list, tuple or dict) is one node named several times, so it loads as one
object.  A node is a JSON null / bool / int / string / finite float standing for itself, or
an object tagged by ``"type"``::

    tensor, ndarray    {"view": v}: a tensor (a numpy array) over view v
    numpy_scalar       {"view": v}: the value in the 0-d view v, e.g. numpy.float32(2.5)
    list, tuple, Size  {"items": [node, ...]}
    dict, OrderedDict  {"keys": [node, ...], "values": [node, ...]}, in order (keys are
                       nodes too, so 1, 1.5, None and (1, "a") stay what they were)
    float              {"value": "nan" | "inf" | "-inf"}
    int                {"hex": "-0x1f..."}: an int of more than 8192 bits (longer than
                       Python reads from JSON)
    bytes              {"base64": "..."}
    dtype              {"name": "float32"}

Version 1 files (no views: one C-contiguous array per entry of ``"arrays"``, and the object
as one nested JSON value) still load.

``load`` checks, before decoding anything: the magic (a pickle or a torch zip checkpoint is
named as such and refused), the version, that the file is exactly as long as its header says
(truncation) and the SHA-256 (flipped bits, edits); then the whole manifest, field by field:
types, dtype names, shapes, the storages' layout, each view inside its storage, each node's
type and fields, each reference to an earlier node, and so on.  Whatever a real save cannot
write is refused.  Each failure raises ``CheckpointError`` (a ``RuntimeError``) naming the
file and the problem.  The checksum catches accidents, not forgers (anyone can recompute
it), but a forged file can at worst hold wrong numbers: nothing in it is ever executed.
Each storage is copied out of the file's buffer into memory of its own, so a loaded tensor
keeps its storage alive, never the whole file.

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
import reprlib
import secrets
import socket
import stat
import struct
from typing import NamedTuple

import numpy as np

from . import _api, _dtype
from .tensor import Size, Tensor

__all__ = ["save", "load", "CheckpointError"]

MAGIC = b"\x89tinytorch\r\n\x1a\n"
VERSION = 2
FORMAT = "tinytorch.checkpoint"
_HEAD = struct.Struct("<14sHQQ")  # magic, version, manifest length, payload length
_ALIGN = 64
_DIGEST = 32
_DTYPES = {d.name: np.dtype(d.np).newbyteorder("<") for d in _dtype._ALL}
_MAX_NDIM = 64              # numpy's limit
_MAX_BYTES = 2 ** 63        # numpy's sizes, offsets and strides are 64-bit
_MAX_KEY_DEPTH = 100        # tuples in tuples in a dict key (hashing a deep enough one crashes)
_MAX_JSON_INT_BITS = 8192   # a longer int is written in hex (Python reads 4300 digits at most)
_KEY_TYPES = (type(None), bool, int, float, str, bytes, np.generic, _dtype.dtype, tuple)


class CheckpointError(RuntimeError):
    """``tinytorch.load`` refused a file: not a tinytorch checkpoint (e.g. a pickle),
    truncated, corrupted or malformed.  ``source`` names the file, ``reason`` the problem."""

    def __init__(self, source, reason):
        self.source = source
        self.reason = reason
        super().__init__(f"tinytorch.load: {source}: {reason}")


class _Malformed(ValueError):
    """A manifest that no save writes; ``load`` raises it as a CheckpointError."""


class _Storage(NamedTuple):
    """``nbytes`` bytes of the payload, from ``offset`` on."""
    offset: int
    nbytes: int


class _View(NamedTuple):
    """An array over a storage, laid out as numpy lays arrays out: its first element lies
    ``offset`` bytes into storage number ``storage``, and its index along dimension ``d``
    steps ``strides[d]`` bytes."""
    storage: int
    dtype: str      # a name in _DTYPES
    shape: list
    strides: list
    offset: int


class _Span(NamedTuple):
    """Bytes from ``lo`` up to, not including, ``hi`` (addresses, or offsets in a storage)."""
    lo: int
    hi: int


def _align(n):
    """``n`` rounded up to a multiple of _ALIGN."""
    return -(-n // _ALIGN) * _ALIGN


def _reach(shape, strides, itemsize):
    """The bytes that the elements of a non-empty array use, relative to its first element."""
    down = sum((n - 1) * s for n, s in zip(shape, strides) if s < 0)
    up = sum((n - 1) * s for n, s in zip(shape, strides) if s > 0)
    return _Span(down, up + itemsize)


def _overlaps_itself(shape, strides, itemsize):
    """Whether two elements of an array of this layout may share bytes, as along a dimension
    expanded with stride 0.  Taken from the smallest stride up, each dimension must step
    past all that the smaller ones reach.  (An empty array has no elements to share.)"""
    if 0 in shape:
        return False
    reach = itemsize
    for stride, n in sorted((abs(s), n) for n, s in zip(shape, strides) if n > 1):
        if stride < reach:
            return True
        reach += stride * (n - 1)
    return False


# --- which arrays share memory -----------------------------------------------------------

def _address(arr):
    """The address of ``arr``'s first element (from numpy's array interface)."""
    return arr.__array_interface__["data"][0]


def _span(arr):
    """The addresses of the bytes that ``arr``'s elements use (none if it is empty)."""
    start = _address(arr)
    if arr.size == 0:
        return _Span(start, start)
    reach = _reach(arr.shape, arr.strides, arr.itemsize)
    return _Span(start + reach.lo, start + reach.hi)


def _owner(arr):
    """The object that owns ``arr``'s memory: the end of its chain of ``.base`` arrays (an
    array that allocated its memory itself, or a buffer such as ``bytes`` that numpy wraps)."""
    while isinstance(arr.base, np.ndarray):
        arr = arr.base
    return arr if arr.base is None else arr.base


def _group_by_storage(arrays, spans):
    """Sort ``arrays`` into storages: lists of their positions, both in order of appearance.

    Two arrays share a storage when they have one owner (two slices of one tensor, even
    apart) or when their bytes overlap (whatever numpy knows of their owners).  An empty
    array uses no memory and gets an (empty) storage of its own."""
    leader = list(range(len(arrays)))  # union-find: follow leader[i] up to i's group's first

    def find(i):
        while leader[i] != i:
            leader[i] = leader[leader[i]]
            i = leader[i]
        return i

    def join(i, j):
        i, j = find(i), find(j)
        leader[max(i, j)] = min(i, j)

    used = [i for i, a in enumerate(arrays) if a.size]
    first_of_owner = {}
    for i in used:
        join(i, first_of_owner.setdefault(id(_owner(arrays[i])), i))
    highest = None  # of the arrays met so far, by address, the one that reaches highest
    for i in sorted(used, key=lambda i: spans[i].lo):
        if highest is not None and spans[i].lo < spans[highest].hi:
            join(i, highest)
        if highest is None or spans[i].hi > spans[highest].hi:
            highest = i
    groups = {}
    for i in range(len(arrays)):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


class _Memory:
    """``nbytes`` bytes at ``address``, read-only, described by numpy's array interface, so
    that ``np.asarray`` views them; ``owners`` keeps the memory alive."""

    def __init__(self, address, nbytes, owners):
        self.__array_interface__ = {"version": 3, "typestr": "|u1", "shape": (nbytes,),
                                    "data": (address, True)}
        self.owners = owners


class _Layout(NamedTuple):
    """Where the arrays go in the payload."""
    storages: list  # _Storage records
    memory: list    # per storage, its bytes: a uint8 array over the saved arrays' memory
    views: list     # per array, its _View
    size: int       # the payload's length


def _lay_out(arrays):
    spans = [_span(a) for a in arrays]
    storages, memory, views, size = [], [], [None] * len(arrays), 0
    for group in _group_by_storage(arrays, spans):
        # the bytes between the arrays of a group lie in one allocation: theirs, or, for
        # overlapping arrays, the union of theirs, so the whole span can be read
        lo = min(spans[i].lo for i in group)
        hi = max(spans[i].hi for i in group)
        storages.append(_Storage(_align(size), hi - lo))
        memory.append(np.asarray(_Memory(lo, hi - lo, [arrays[i] for i in group])))
        for i in group:
            a = arrays[i]
            views[i] = _View(len(storages) - 1, _dtype.FROM_NP[a.dtype.newbyteorder("=")].name,
                             list(a.shape), list(a.strides), _address(a) - lo)
        size = storages[-1].offset + storages[-1].nbytes
    return _Layout(storages, memory, views, size)


# --- encoding ----------------------------------------------------------------------------

class _Path(NamedTuple):
    """Where an object sits in the one being saved, for error messages."""
    parent: object  # the container's _Path (None: the container is the object itself)
    key: object     # the index or dict key under which the container holds it


def _path_str(path):
    keys = []
    while path is not None:
        keys.append(path.key)
        path = path.parent
    return "".join(f"[{k!r}]" for k in reversed(keys)) or "the object itself"


class _Visit(NamedTuple):
    """A task for the encoder: encode ``obj``."""
    obj: object
    path: object    # a _Path, for error messages
    key_level: int  # 0: not part of a dict key; k: a dict key (1) or in k - 1 tuples of one


class _Finish(NamedTuple):
    """A task for the encoder: the ``count`` items of the container ``obj`` are encoded
    (their nodes are the last ``count`` results); add obj's node."""
    obj: object
    count: int
    shared: bool    # whether later meetings of obj refer to its node


class _Encoder:
    """Flattens an object into a table of JSON-ready nodes, children before parents (see
    the module docstring), and collects the arrays to store.  An explicit stack of tasks
    stands in for recursion, so no object nests too deeply to save."""

    def __init__(self):
        self.nodes = []
        self.arrays = []    # the distinct arrays to store (little-endian), in order
        self.array_of = {}  # id(array) -> its position in self.arrays
        self.node_of = {}   # id(object) -> its node, for objects that may appear again
        self.keep = []      # the objects behind those ids, alive so that no id is reused

    def encode(self, obj):
        """Add the nodes of ``obj`` and of all in it; obj's node is the last one."""
        results = []     # the nodes of the objects encoded so far, in order
        open_ids = set()  # the containers whose items are being encoded
        todo = [_Visit(obj, None, 0)]
        while todo:
            task = todo.pop()
            if type(task) is _Finish:
                items = results[len(results) - task.count:]
                del results[len(results) - task.count:]
                open_ids.discard(id(task.obj))
                results.append(self._add(self._container(task.obj, items),
                                         task.obj if task.shared else None))
            elif not task.key_level and id(task.obj) in self.node_of:
                results.append(self.node_of[id(task.obj)])
            elif isinstance(task.obj, (list, tuple, dict)):
                items = self._open(task, open_ids)
                todo.append(_Finish(task.obj, len(items), not task.key_level))
                todo.extend(reversed(items))
            else:
                results.append(self._leaf(task))

    def _add(self, node, obj=None):
        """Append ``node``; given ``obj``, later meetings of obj refer to it."""
        self.nodes.append(node)
        if obj is not None:
            self.node_of[id(obj)] = len(self.nodes) - 1
            self.keep.append(obj)
        return len(self.nodes) - 1

    @staticmethod
    def _open(task, open_ids):
        """Check that the container ``task.obj`` can be saved; the visits of its items."""
        obj, path, level = task
        if level and not isinstance(obj, tuple):
            raise _key_error(obj, path)
        if level > _MAX_KEY_DEPTH:
            raise ValueError(f"tinytorch.save: a dict key at {_path_str(path)} nests tuples "
                             f"more than {_MAX_KEY_DEPTH} deep")
        if id(obj) in open_ids:
            raise ValueError(f"tinytorch.save: the object contains itself at "
                             f"{_path_str(path)}; self-referencing structures cannot be "
                             "saved")
        open_ids.add(id(obj))
        if isinstance(obj, dict):
            visits = []
            for k, v in obj.items():
                visits += [_Visit(k, path, 1), _Visit(v, _Path(path, k), 0)]
            return visits
        if level:  # in a dict key: errors name the dict
            return [_Visit(v, path, level + 1) for v in obj]
        return [_Visit(v, _Path(path, i), 0) for i, v in enumerate(obj)]

    @staticmethod
    def _container(obj, items):
        if isinstance(obj, dict):
            kind = "OrderedDict" if isinstance(obj, collections.OrderedDict) else "dict"
            return {"type": kind, "keys": items[0::2], "values": items[1::2]}
        if isinstance(obj, list):
            return {"type": "list", "items": items}
        return {"type": "Size" if isinstance(obj, Size) else "tuple", "items": items}

    def _leaf(self, task):
        """Add the node of ``task.obj``, which is not a list, tuple or dict."""
        obj, path, level = task
        if level and not isinstance(obj, _KEY_TYPES):
            raise _key_error(obj, path)
        if obj is None or isinstance(obj, bool):
            return self._add(obj)
        if isinstance(obj, str):
            return self._add(str(obj))
        if isinstance(obj, Tensor):
            return self._add({"type": "tensor", "view": self._array(_api.array(obj), path)},
                             obj)
        if isinstance(obj, np.ndarray):
            return self._add({"type": "ndarray", "view": self._array(obj, path)}, obj)
        if isinstance(obj, np.generic):
            view = self._array(np.asarray(obj), path)
            return self._add({"type": "numpy_scalar", "view": view})
        if isinstance(obj, int):
            if abs(obj).bit_length() > _MAX_JSON_INT_BITS:
                return self._add({"type": "int", "hex": hex(obj)})
            return self._add(int(obj))
        if isinstance(obj, float):
            if math.isfinite(obj):
                return self._add(float(obj))
            return self._add({"type": "float", "value": repr(float(obj))})
        if isinstance(obj, bytes):
            return self._add({"type": "bytes", "base64": base64.b64encode(obj).decode("ascii")})
        if isinstance(obj, _dtype.dtype):
            return self._add({"type": "dtype", "name": obj.name})
        hint = "; save its state_dict() instead" if hasattr(obj, "state_dict") else ""
        raise TypeError(f"tinytorch.save: cannot save an object of type {type(obj).__name__} "
                        f"at {_path_str(path)}: only tensors, numpy arrays, numbers, strings, "
                        f"bytes, bools, None and lists/tuples/dicts of them can be saved{hint}")

    def _array(self, arr, path):
        """The position of ``arr`` among the arrays to store (each distinct array once)."""
        if id(arr) in self.array_of:
            return self.array_of[id(arr)]
        if arr.dtype.hasobject or arr.dtype.newbyteorder("=") not in _dtype.FROM_NP:
            raise TypeError(f"tinytorch.save: cannot save an array of dtype {arr.dtype} at "
                            f"{_path_str(path)} (supported: {', '.join(_DTYPES)})")
        little = arr.dtype.newbyteorder("<")
        stored = arr if arr.dtype == little else arr.astype(little)  # a big-endian copy
        self.array_of[id(arr)] = len(self.arrays)
        self.arrays.append(stored)
        self.keep.append(arr)
        return len(self.arrays) - 1


def _key_error(key, path):
    return TypeError(f"tinytorch.save: cannot save a dict key of type {type(key).__name__} "
                     f"({reprlib.repr(key)}) at {_path_str(path)}: keys must be str, int, "
                     "float, bool, bytes, None, numpy scalars, dtypes or tuples of them")


def _serialize(obj):
    """The checkpoint as a list of byte chunks (header, manifest, padding, storages)."""
    encoder = _Encoder()
    encoder.encode(obj)
    layout = _lay_out(encoder.arrays)
    from . import __version__
    manifest = json.dumps({"format": FORMAT, "version": VERSION,
                           "writer": f"tinytorch {__version__}",
                           "storages": [s._asdict() for s in layout.storages],
                           "views": [v._asdict() for v in layout.views],
                           "nodes": encoder.nodes}, allow_nan=False, separators=(",", ":"),
                          ).encode()
    chunks = [_HEAD.pack(MAGIC, VERSION, len(manifest), layout.size), manifest,
              bytes(-(_HEAD.size + len(manifest)) % _ALIGN)]
    end = 0
    for storage, memory in zip(layout.storages, layout.memory):
        if storage.offset > end:
            chunks.append(bytes(storage.offset - end))
        if storage.nbytes:
            chunks.append(memoryview(memory))
        end = storage.offset + storage.nbytes
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
        except OSError as e:  # name the user's path, not the hidden temporary file
            raise OSError(e.errno, f"tinytorch.save: cannot create a file in the directory "
                                   f"{directory!r} ({e.strerror})", path) from None
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
    saved as data (``requires_grad`` is not kept, a Parameter loads as a plain tensor).  A
    tensor, array, list, tuple or dict that appears several times is stored once and loads
    as one object; tensors that share memory (views, ``.data``, ``.t()``, ``expand``) load
    sharing it in the same way, and the memory is written once.  As in torch, a view saves
    all the memory it spans: ``x[::1000].clone()`` saves a thousandth of ``x``,
    ``x[::1000]`` nearly all of it (but, unlike torch, ``x[:2]`` only its 2 elements).
    Objects may nest as deeply as memory allows; one that contains itself raises ValueError.
    ``pickle_module`` and ``pickle_protocol`` are accepted for torch compatibility and
    ignored: nothing is ever pickled.

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


# --- reading -----------------------------------------------------------------------------

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
    if version not in (1, VERSION):
        raise CheckpointError(source, f"format version {version}, but this tinytorch reads "
                                      f"versions 1 to {VERSION} (written by a newer "
                                      "tinytorch?)")
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
    with memoryview(buf) as view:
        if hashlib.sha256(view[:total - _DIGEST]).digest() != view[total - _DIGEST:]:
            raise CheckpointError(source, "checksum mismatch: the file is corrupted (e.g. a "
                                          "flipped bit or a partial copy) or was modified "
                                          "after it was saved")
    start = _HEAD.size + m_len + pad  # of the payload
    if any(buf[_HEAD.size + m_len:start]):
        raise CheckpointError(source, "the padding after the manifest is not zeros")
    try:
        manifest = _parse_json(buf[_HEAD.size:_HEAD.size + m_len])
        contents = _check_manifest(manifest, version, p_len)
        end = 0
        for k, storage in enumerate(contents.storages):
            if any(buf[start + end:start + storage.offset]):
                raise CheckpointError(source, f"the padding before storage {k} is not zeros")
            end = storage.offset + storage.nbytes
        arrays = _arrays(buf, start, contents)
        return _Builder(arrays).build(contents.nodes)
    except _Malformed as e:
        raise CheckpointError(source, f"malformed manifest: {e}") from None
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError,
            OverflowError, MemoryError) as e:  # should a check above have missed something
        raise CheckpointError(source, f"malformed manifest ({type(e).__name__}: {e})") from None


def _no_constant(name):
    raise _Malformed(f"it holds the non-standard JSON constant {name}")


def _unique_keys(pairs):
    """A JSON object as a dict, refusing a key given twice (no save writes that)."""
    out = dict(pairs)
    if len(out) != len(pairs):
        twice = [k for k, n in collections.Counter(k for k, _ in pairs).items() if n > 1]
        raise _Malformed(f"a JSON object in the manifest has the key {twice[0]!r} twice")
    return out


def _parse_json(raw):
    try:
        text = bytes(raw).decode("utf-8")
    except UnicodeDecodeError as e:
        raise _Malformed(f"it is not UTF-8 ({e})") from None
    try:
        return json.loads(text, parse_constant=_no_constant, object_pairs_hook=_unique_keys)
    except RecursionError:
        raise _Malformed("its JSON nests too deeply to parse (a version 2 manifest nests 4 "
                         "levels deep, however deep the saved object)") from None
    except _Malformed:
        raise
    except ValueError as e:
        raise _Malformed(f"it is not valid JSON ({e})") from None


# --- checking the manifest ---------------------------------------------------------------

class _Contents(NamedTuple):
    """A manifest, checked up to its nodes (which _Builder checks as it builds them)."""
    storages: list  # _Storage records
    views: list     # _View records
    nodes: list     # JSON values


def _fields(value, names, what):
    """``value``, which must be a JSON object with exactly the fields ``names``."""
    if type(value) is not dict:
        raise _Malformed(f"{what} is {_json_kind(value)}, not a JSON object")
    missing = [n for n in names if n not in value]
    if missing:
        raise _Malformed(f"{what} lacks the field {missing[0]!r}")
    extra = [n for n in value if n not in names]
    if extra:
        raise _Malformed(f"{what} has the unknown field {reprlib.repr(extra[0])}")
    return value


def _json_kind(value):
    kinds = {type(None): "null", bool: "a bool", int: "a number", float: "a number",
             str: "a string", list: "a list", dict: "an object"}
    return kinds.get(type(value), type(value).__name__)


def _int(value, what, low=0, high=_MAX_BYTES):
    if type(value) is not int or not low <= value < high:
        raise _Malformed(f"{what} is {reprlib.repr(value)}, not an int from {low} to "
                         f"{high - 1}")
    return value


def _list(value, what):
    if type(value) is not list:
        raise _Malformed(f"{what} is {_json_kind(value)}, not a list")
    return value


def _dtype_name(value, what):
    if type(value) is not str or value not in _DTYPES:
        raise _Malformed(f"{what} has the dtype {reprlib.repr(value)}, not one of "
                         f"{', '.join(_DTYPES)}")
    return value


def _shape(value, what):
    shape = _list(value, f"{what}'s shape")
    if len(shape) > _MAX_NDIM:
        raise _Malformed(f"{what} has {len(shape)} dimensions, more than numpy's {_MAX_NDIM}")
    for d, n in enumerate(shape):
        _int(n, f"{what}'s shape[{d}]")
    return shape


def _check_manifest(manifest, version, p_len):
    if version == 1:
        manifest = _from_version_1(manifest)
    _fields(manifest, ("format", "version", "writer", "storages", "views", "nodes"),
            "the manifest")
    if manifest["format"] != FORMAT:
        raise _Malformed(f"its format is {reprlib.repr(manifest['format'])}, not {FORMAT!r}")
    if type(manifest["version"]) is not int or manifest["version"] != VERSION:
        raise _Malformed(f"it says version {reprlib.repr(manifest['version'])}, the file's "
                         f"header {version}")
    if type(manifest["writer"]) is not str:
        raise _Malformed(f"its writer is {_json_kind(manifest['writer'])}, not a string")
    storages = _check_storages(manifest["storages"], p_len)
    views = _check_views(manifest["views"], storages)
    return _Contents(storages, views, _list(manifest["nodes"], "'nodes'"))


def _check_storages(records, p_len):
    """The storages, which must lie in order, each at the next multiple of 64 bytes, and end
    where the payload ends: so they are in range, aligned and apart."""
    storages, end = [], 0
    for k, record in enumerate(_list(records, "'storages'")):
        s = _Storage(**_fields(record, _Storage._fields, f"storage {k}"))
        _int(s.offset, f"storage {k}'s offset")
        _int(s.nbytes, f"storage {k}'s nbytes")
        if s.offset != _align(end):
            raise _Malformed(f"storage {k} starts at payload byte {s.offset}, but a save puts "
                             f"it at {_align(end)} (storages lie in order, each at the next "
                             f"multiple of {_ALIGN} bytes)")
        end = s.offset + s.nbytes
        storages.append(s)
    if end != p_len:
        raise _Malformed(f"the storages end at payload byte {end}, but the payload has "
                         f"{p_len} bytes")
    return storages


def _check_views(records, storages):
    """The views, which must each lie inside its storage, and reach together exactly from a
    storage's first byte to its last, as a save writes them."""
    views = []
    viewed = [False] * len(storages)
    reached = [None] * len(storages)  # per storage: the _Span its non-empty views use
    for i, record in enumerate(_list(records, "'views'")):
        what = f"view {i}"
        v = _View(**_fields(record, _View._fields, what))
        _int(v.storage, f"{what}'s storage", 0, len(storages))
        itemsize = _DTYPES[_dtype_name(v.dtype, what)].itemsize
        _shape(v.shape, what)
        if len(_list(v.strides, f"{what}'s strides")) != len(v.shape):
            raise _Malformed(f"{what} has {len(v.strides)} strides for {len(v.shape)} "
                             "dimensions")
        for d, s in enumerate(v.strides):
            _int(s, f"{what}'s strides[{d}]", -_MAX_BYTES + 1)
        _int(v.offset, f"{what}'s offset")
        if math.prod(v.shape) * itemsize >= _MAX_BYTES:
            raise _Malformed(f"{what} of shape {v.shape} is larger than numpy allows")
        nbytes = storages[v.storage].nbytes
        viewed[v.storage] = True
        if math.prod(v.shape) == 0:
            if nbytes or v.offset:
                raise _Malformed(f"{what} is empty, at offset {v.offset} in storage "
                                 f"{v.storage} of {nbytes} bytes; a save puts an empty array "
                                 "at offset 0 in an empty storage of its own")
        else:
            reach = _reach(v.shape, v.strides, itemsize)
            span = _Span(v.offset + reach.lo, v.offset + reach.hi)
            if span.lo < 0 or span.hi > nbytes:
                raise _Malformed(f"{what} uses bytes {span.lo} to {span.hi} of storage "
                                 f"{v.storage}, which has {nbytes} bytes")
            seen = reached[v.storage] or span
            reached[v.storage] = _Span(min(seen.lo, span.lo), max(seen.hi, span.hi))
        views.append(v)
    for k, storage in enumerate(storages):
        if not viewed[k]:
            raise _Malformed(f"storage {k} belongs to no view")
        span = reached[k]
        if span is not None and span != (0, storage.nbytes):
            raise _Malformed(f"storage {k} has {storage.nbytes} bytes, but its views use "
                             f"bytes {span.lo} to {span.hi}; a save writes just the bytes "
                             "its views use")
    return views


# --- version 1 ---------------------------------------------------------------------------

def _from_version_1(manifest):
    """A version-1 manifest as version 2 writes it: each array a storage of its own with one
    C-contiguous view (view i is array i), and the nested object flattened into nodes."""
    if type(manifest) is not dict:
        raise _Malformed(f"the manifest is {_json_kind(manifest)}, not a JSON object")
    _fields(manifest, ("format", "version", "writer", "arrays", "object")
            if "writer" in manifest else ("format", "version", "arrays", "object"),
            "the manifest")
    if type(manifest["version"]) is not int or manifest["version"] != 1:
        raise _Malformed(f"it says version {reprlib.repr(manifest['version'])}, the file's "
                         "header 1")
    storages, views = [], []
    for i, record in enumerate(_list(manifest["arrays"], "'arrays'")):
        what = f"array {i}"
        a = _fields(record, ("dtype", "shape", "offset", "nbytes"), what)
        strides, step = [], _DTYPES[_dtype_name(a["dtype"], what)].itemsize
        for n in reversed(_shape(a["shape"], what)):
            strides.insert(0, step)
            step *= max(n, 1)
        storages.append({"offset": a["offset"], "nbytes": a["nbytes"]})
        views.append({"storage": i, "dtype": a["dtype"], "shape": a["shape"],
                      "strides": strides, "offset": 0})
    return {"format": manifest["format"], "version": VERSION,
            "writer": manifest.get("writer", "tinytorch"), "storages": storages,
            "views": views, "nodes": _flatten_version_1(manifest["object"])}


def _flatten_version_1(root):
    """Version 1's object, one nested JSON value, as a table of version-2 nodes (children
    first), without recursion.  Version 1 loaded one tensor per array: so here."""
    nodes, results = [], []
    node_of_array = {}  # (node type, array index) -> node
    todo = [root]
    while todo:
        item = todo.pop()
        if type(item) is _Finish:
            items = results[len(results) - item.count:]
            del results[len(results) - item.count:]
            nodes.append(_version_1_container(item.obj, items))
            results.append(len(nodes) - 1)
            continue
        children = _version_1_items(item)
        if children is not None:
            todo.append(_Finish(item, len(children), False))
            todo.extend(reversed(children))
        elif type(item) is dict and item.get("type") in ("tensor", "ndarray", "numpy_scalar") \
                and "array" in item:
            kind, index = item["type"], item["array"]
            shared = kind != "numpy_scalar" and type(index) is int
            if shared and (kind, index) in node_of_array:
                results.append(node_of_array[kind, index])
                continue
            nodes.append({"type": kind, "view": index})
            results.append(len(nodes) - 1)
            if shared:
                node_of_array[kind, index] = len(nodes) - 1
        elif type(item) is dict and item.get("type") not in ("float", "bytes", "dtype"):
            raise _Malformed(f"the version-1 node {reprlib.repr(item)} is not one that a "
                             "save writes")
        else:  # a value, or a float, bytes or dtype node: the same in version 2
            nodes.append(item)
            results.append(len(nodes) - 1)
    return nodes


def _version_1_items(item):
    """The nested values of a version-1 container node, keys and values taking turns in a
    dict; None for any other node."""
    if type(item) is list:
        return item
    if type(item) is not dict or type(item.get("items")) is not list:
        return None
    if item.get("type") in ("tuple", "Size"):
        return item["items"]
    if item.get("type") in ("dict", "OrderedDict"):
        pairs = item["items"]
        if any(type(p) is not list or len(p) != 2 for p in pairs):
            raise _Malformed("a version-1 dict item is not a [key, value] pair")
        return [x for pair in pairs for x in pair]
    return None


def _version_1_container(item, items):
    if type(item) is list:
        return {"type": "list", "items": items}
    if item["type"] in ("tuple", "Size"):
        return {"type": item["type"], "items": items}
    return {"type": item["type"], "keys": items[0::2], "values": items[1::2]}


# --- building the object -----------------------------------------------------------------

def _arrays(buf, start, contents):
    """The views as numpy arrays, over copies of their storages' bytes: each storage is an
    array of its own, so that nothing loaded keeps the file's buffer alive."""
    with memoryview(buf) as mem:
        memory = [np.array(mem[start + s.offset:start + s.offset + s.nbytes], np.uint8)
                  for s in contents.storages]
    bools = {}  # storage -> the _Span that its bool views use
    arrays = []
    for v in contents.views:
        dt = _DTYPES[v.dtype]
        arr = np.ndarray(tuple(v.shape), dt, buffer=memory[v.storage], offset=v.offset,
                         strides=tuple(v.strides))
        if dt.kind == "b" and arr.size:
            reach = _reach(v.shape, v.strides, 1)
            seen = bools.get(v.storage, _Span(math.inf, -math.inf))
            bools[v.storage] = _Span(min(seen.lo, v.offset + reach.lo),
                                     max(seen.hi, v.offset + reach.hi))
        if not dt.isnative:  # a big-endian machine: a native copy (that shares no memory)
            arr = arr.astype(dt.newbyteorder("="))
        if _overlaps_itself(v.shape, v.strides, dt.itemsize):
            arr.flags.writeable = False  # as numpy's broadcast_to: tinytorch's expand()
        arrays.append(arr)
    for k, span in bools.items():
        if np.any(memory[k][span.lo:span.hi] > 1):
            raise _Malformed(f"storage {k} holds bools with bytes other than 0 and 1")
    return arrays


_NODE_FIELDS = {"tensor": ("view",), "ndarray": ("view",), "numpy_scalar": ("view",),
                "list": ("items",), "tuple": ("items",), "Size": ("items",),
                "dict": ("keys", "values"), "OrderedDict": ("keys", "values"),
                "float": ("value",), "int": ("hex",), "bytes": ("base64",), "dtype": ("name",)}


class _Builder:
    """Builds the saved object from its nodes, in order.  A node names earlier nodes only,
    so each is built once, from objects already built, by a loop instead of recursion:
    however deep the object, and however often a part of it is shared."""

    def __init__(self, arrays):
        self.arrays = arrays
        self.objects = []    # per node built so far: its object
        self.key_depth = []  # per node: how deep it nests tuples as a dict key (None: no key)
        self.named = []      # per node: whether a later node names it
        self.viewed = [False] * len(arrays)

    def build(self, nodes):
        if not nodes:
            raise _Malformed("'nodes' is empty")
        for i, node in enumerate(nodes):
            obj, depth = self._node(i, node)
            self.objects.append(obj)
            self.key_depth.append(depth)
            self.named.append(False)
        if not all(self.named[:-1]):
            raise _Malformed(f"node {self.named.index(False)} is not part of the object")
        if not all(self.viewed):
            raise _Malformed(f"view {self.viewed.index(False)} belongs to no node")
        return self.objects[-1]

    def _node(self, i, node):
        """Node ``i``'s object, and how deep it nests tuples as a dict key (None: it cannot
        be a key)."""
        if node is None or type(node) in (bool, int, str):
            return node, 0
        if type(node) is float:
            if not math.isfinite(node):
                raise _Malformed(f"node {i} is the JSON number {node}; a save writes "
                                 "non-finite floats as float nodes")
            return node, 0
        if type(node) is not dict:
            raise _Malformed(f"node {i} is {_json_kind(node)}, not a value or a tagged object")
        kind = node.get("type")
        if type(kind) is not str or kind not in _NODE_FIELDS:
            raise _Malformed(f"node {i} has the unknown type {reprlib.repr(kind)}")
        _fields(node, ("type",) + _NODE_FIELDS[kind], f"node {i} ({kind})")
        if kind in ("tensor", "ndarray", "numpy_scalar"):
            return self._array_node(i, kind, node["view"])
        if kind in ("list", "tuple", "Size"):
            return self._sequence(i, kind, self._names(i, node["items"], "items"))
        if kind in ("dict", "OrderedDict"):
            return self._mapping(i, kind, self._names(i, node["keys"], "keys"),
                                 self._names(i, node["values"], "values"))
        return self._special(i, kind, node[_NODE_FIELDS[kind][0]]), 0

    def _names(self, i, names, field):
        """The nodes that node ``i`` names in ``field``: earlier nodes only."""
        for n in _list(names, f"node {i}'s {field}"):
            if type(n) is not int or not 0 <= n < i:
                raise _Malformed(f"node {i}'s {field} name {reprlib.repr(n)}, not an earlier "
                                 f"node (0 to {i - 1})")
            self.named[n] = True
        return names

    def _array_node(self, i, kind, v):
        _int(v, f"node {i}'s view", 0, len(self.arrays))
        self.viewed[v] = True
        arr = self.arrays[v]
        if kind == "tensor":
            return _api.wrap(arr), None
        if kind == "ndarray":
            return arr, None
        if arr.ndim:
            raise _Malformed(f"node {i} is a numpy_scalar over view {v} of shape "
                             f"{list(arr.shape)}; a save gives a scalar a 0-d view")
        return arr[()], 0

    def _sequence(self, i, kind, items):
        objects = [self.objects[n] for n in items]
        if kind == "list":
            return objects, None
        depths = [self.key_depth[n] for n in items]
        depth = None if None in depths else 1 + max(depths, default=0)
        if kind == "tuple":
            return tuple(objects), depth
        if not all(type(x) is int for x in objects):
            raise _Malformed(f"node {i} is a Size of other things than ints")
        return Size(objects), depth

    def _mapping(self, i, kind, keys, values):
        if len(keys) != len(values):
            raise _Malformed(f"node {i} has {len(keys)} keys but {len(values)} values")
        out = collections.OrderedDict() if kind == "OrderedDict" else {}
        for k, v in zip(keys, values):
            depth = self.key_depth[k]
            if depth is None:
                raise _Malformed(f"node {i}'s key, node {k}, is a "
                                 f"{type(self.objects[k]).__name__}, which cannot be a key")
            if depth > _MAX_KEY_DEPTH:
                raise _Malformed(f"node {i}'s key, node {k}, nests tuples {depth} deep, more "
                                 f"than a save writes ({_MAX_KEY_DEPTH})")
            key = self.objects[k]
            if key in out:
                raise _Malformed(f"node {i} has the key {reprlib.repr(key)} twice")
            out[key] = self.objects[v]
        return out, None

    @staticmethod
    def _special(i, kind, value):
        """The object of a float, int, bytes or dtype node whose one field is ``value``."""
        if type(value) is not str:
            raise _Malformed(f"node {i} ({kind}) holds {_json_kind(value)}, not a string")
        if kind == "float":
            if value not in ("nan", "inf", "-inf"):
                raise _Malformed(f"node {i} is the float {reprlib.repr(value)}, not nan, inf "
                                 "or -inf")
            return float(value)
        if kind == "int":
            if not re.fullmatch(r"-?0x[1-9a-f][0-9a-f]*", value) \
                    or int(value, 16).bit_length() <= _MAX_JSON_INT_BITS:
                raise _Malformed(f"node {i} is the int {reprlib.repr(value)}; a save writes "
                                 f"in hex only ints of more than {_MAX_JSON_INT_BITS} bits")
            return int(value, 16)
        if kind == "bytes":
            try:
                return base64.b64decode(value, validate=True)
            except ValueError:
                raise _Malformed(f"node {i} holds bytes that are not base64") from None
        if value not in _dtype._NAMES:
            raise _Malformed(f"node {i} is the dtype {reprlib.repr(value)}, not one of "
                             f"{', '.join(_dtype._NAMES)}")
        return _dtype._NAMES[value]


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

    Tensors come back as plain tensors (``requires_grad=False``), sharing memory as they
    did when saved; each owns only its storage, not the file's buffer.  The file is verified
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
