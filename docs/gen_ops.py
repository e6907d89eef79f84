#!/usr/bin/env python
"""Write docs/ops.md: every public tinytorch function and Tensor method, grouped, each with what
autograd does with it, found by running it (so the page cannot drift from the code).

    python docs/gen_ops.py           # rewrite docs/ops.md
    python docs/gen_ops.py --check   # exit 1 if docs/ops.md is stale (tests/test_ops_doc.py)

Names come from introspection: ``dir(tinytorch)``, ``tinytorch.linalg``,
``tinytorch.nn.functional.__all__`` and the public attributes of ``Tensor``.  Groups come from
the module an op is defined in (the op-family modules tinytorch/_*.py with ``__all__`` and
``METHODS``, nn/functional.py's neighbours), refined by the small name table ``NAME_GROUP``.

Each op is probed: called on small float64 leaves with ``requires_grad=True`` using the argument
patterns of ``PATTERNS[name]`` if it has some, else each of ``DEFAULT_PATTERNS`` in order.  The
first call whose result requires grad decides the class:

* **twice**: ``autograd.grad(..., create_graph=True)`` gives gradients that are themselves
  recorded (or are constant zero), and differentiating them again succeeds;
* **once**: the first gradient works but is not recorded, or the second one fails;
* **no**: every call that worked returned tensors without grad (integer, bool or index results,
  comparisons, random draws, constructors);
* **n/a**: every call that worked returned no tensor at all (Python values, sizes, handles).

An op none of whose patterns runs (or whose result requires grad but cannot be backpropagated
through) is "unclassified": it must get a pattern in ``PATTERNS`` or a line in ``NOT_PROBED``
(with the reason), or its backward fixed; tests/test_ops_doc.py fails otherwise.
``python docs/gen_ops.py --why torch.svd`` prints each pattern's error for one op.
"""
import argparse
import contextlib
import difflib
import importlib
import inspect
import io
import pathlib
import pkgutil
import sys
import textwrap
import types
import warnings

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import tinytorch as tt  # noqa: E402
import tinytorch.nn.functional as F  # noqa: E402

PAGE = ROOT / "docs" / "ops.md"
CLASSES = ("twice", "once", "no", "n/a")
BUCKETS = CLASSES + ("not probed", "unclassified")

# ---------------------------------------------------------------- probe inputs and patterns


def x(*shape, lo=0.1, hi=0.9, seed=0):
    """A float64 leaf with requires_grad, values in (lo, hi), (2, 3) by default."""
    shape = shape or (2, 3)
    arr = np.random.default_rng(seed + len(shape)).uniform(lo, hi, shape)
    return tt.tensor(arr, dtype=tt.float64, requires_grad=True)


def spd(n=3):
    """A symmetric positive-definite float64 leaf (for inv, cholesky, solve, eigh, ...)."""
    m = np.random.default_rng(5).uniform(-1, 1, (n, n))
    return tt.tensor(m @ m.T + n * np.eye(n), dtype=tt.float64, requires_grad=True)


def i(*shape, hi=2):
    """An int64 tensor with values in [0, hi)."""
    shape = shape or (2, 3)
    return tt.tensor(np.random.default_rng(1).integers(0, hi, shape), dtype=tt.int64)


def b(*shape):
    """A bool tensor."""
    shape = shape or (2, 3)
    return tt.tensor(np.random.default_rng(2).integers(0, 2, shape).astype(bool))


def idx(*values):
    """An int64 index tensor."""
    return tt.tensor(list(values), dtype=tt.int64)


def kw(*args, **kwargs):
    """A pattern with keyword arguments."""
    return args, kwargs


# tried in order for an op without its own patterns
DEFAULT_PATTERNS = [
    lambda: (x(),),
    lambda: (x(), x(seed=1)),
    lambda: (x(), 1),
    lambda: (x(), x(seed=1), x(seed=2)),
    lambda: ([x(), x(seed=1)],),
    lambda: (spd(),),
    lambda: (x(2, 3), x(3, 2)),
    lambda: (x(4),),
    lambda: (x(4), x(4, seed=1)),
    lambda: (x(2, 3, 4),),
    lambda: (x(), 0.5),
    lambda: (x(), 0, 1),
    lambda: (x(), (1, 0)),
    lambda: (x(), (3, 2)),
    lambda: (x(1, 3), (2, 3)),
    lambda: (2, 3),
    lambda: ((2, 3),),
    lambda: (i(),),
    lambda: (i(), i()),
    lambda: (b(),),
    lambda: (b(), b()),
    lambda: (),
]

# ops the defaults cannot call, or would call in a form that is not the op's main use
PATTERNS = {
    "interpolate": [lambda: (x(1, 2, 3, 3), 5)],
    "upsample": [lambda: (x(1, 2, 3, 3), 5)],
    "upsample_nearest": [lambda: (x(1, 2, 3, 3), 5)],
    "upsample_bilinear": [lambda: (x(1, 2, 3, 3), 5)],
    "F.unfold": [lambda: (x(1, 2, 3, 3), 2)],  # Tensor.unfold's arguments differ
    "fold": [lambda: (x(1, 8, 4), (3, 3), 2)],
    "pixel_shuffle": [lambda: (x(1, 4, 2, 2), 2)],
    "pixel_unshuffle": [lambda: (x(1, 1, 4, 4), 2)],
    "where": [lambda: (b(), x(), x(seed=1))],
    "masked_fill": [lambda: (x(), b(), 0.5)],
    "masked_select": [lambda: (x(), b())],
    "gather": [lambda: (x(), 1, i())],
    "scatter": [lambda: (x(), 1, i(), x(seed=1))],
    "scatter_reduce": [lambda: (x(), 1, i(), x(seed=1), "sum")],
    "index_add": [lambda: (x(), 1, idx(0, 2), x(2, 2, seed=1))],
    "index_copy": [lambda: (x(), 1, idx(0, 2), x(2, 2, seed=1))],
    "index_fill": [lambda: (x(), 1, idx(0, 2), 0.5)],
    "masked_scatter": [lambda: (x(), b(), x(seed=1))],
    "addmm": [lambda: (x(2, 2), x(2, 3, seed=1), x(3, 2, seed=2))],
    "addmv": [lambda: (x(2), x(2, 3, seed=1), x(3, seed=2))],
    "addr": [lambda: (x(2, 3), x(2, seed=1), x(3, seed=2))],
    "addbmm": [lambda: (x(2, 2), x(2, 2, 3, seed=1), x(2, 3, 2, seed=2))],
    "baddbmm": [lambda: (x(2, 2, 2), x(2, 2, 3, seed=1), x(2, 3, 2, seed=2))],
    "solve": [lambda: (spd(), x(3, 2))],
    "take": [lambda: (x(), idx(0, 5))],
    "take_along_dim": [lambda: (x(), i(), 1)],
    "scatter_add": [lambda: (x(), 1, i(), x(seed=1))],
    "index_select": [lambda: (x(), 1, i(2))],
    "searchsorted": [lambda: (x(4).sort()[0], x())],
    "bucketize": [lambda: (x(), x(4).sort()[0])],
    "lerp": [lambda: (x(), x(seed=1), x(seed=2))],
    "clamp": [lambda: (x(), 0.3, 0.7)],
    "clip": [lambda: (x(), 0.3, 0.7)],
    "narrow": [lambda: (x(), 1, 0, 2)],
    "where_method": [lambda: (x(), b(), x(seed=1))],
    "bmm": [lambda: (x(2, 3, 4), x(2, 4, 2, seed=1))],
    "mv": [lambda: (x(2, 3), x(3, seed=1))],
    "matrix_power": [lambda: (spd(), 2)],
    "unflatten": [lambda: (x(2, 6), 1, (2, 3))],
    "unfold": [lambda: (x(2, 6), 1, 2, 2)],
    "item": [lambda: (x(1),)],
    "from_numpy": [lambda: (np.ones((2, 3)),)],
    "linspace": [lambda: (0.0, 1.0, 5)],
    "normal": [lambda: (x(), x(seed=1)), lambda: (0.0, 1.0, (2, 3))],
    "normal__method": [lambda: (x(), 0.0, 1.0)],  # Tensor.normal_(mean, std): numbers
    "randint": [lambda: (0, 3, (2, 3))],
    "randperm": [lambda: (4,)],
    "manual_seed": [lambda: (0,)],
    "set_rng_state": [lambda: (tt.get_rng_state(),)],
    "set_default_dtype": [lambda: (tt.float32,)],
    "set_default_device": [lambda: ("cpu",)],
    "set_num_threads": [lambda: (tt.get_num_threads(),)],
    "set_num_interop_threads": [lambda: (tt.get_num_interop_threads(),)],
    "threshold": [lambda: (x(), 0.5, 0.0)],
    "register_hook": [lambda: (x(), lambda g: g)],
    "new_tensor": [lambda: (x(), [1.0, 2.0])],
    "new_full": [lambda: (x(), (2, 3), 0.5)],
    "type_as": [lambda: (x(), x(seed=1))],
    # nn.functional
    "linear": [lambda: (x(), x(4, 3, seed=1), x(4, seed=2))],
    "prelu": [lambda: (x(), x(1, seed=1))],
    "glu": [lambda: (x(2, 4),)],
    "one_hot": [lambda: (i(),)],
    "embedding": [lambda: (i(), x(4, 3))],
    "cross_entropy": [lambda: (x(), i(2, hi=3))],
    "nll_loss": [lambda: (x(), i(2, hi=3))],
    "binary_cross_entropy": [lambda: (x(), x(seed=1))],
    "conv2d": [lambda: (x(1, 2, 5, 5), x(3, 2, 3, 3, seed=1), x(3, seed=2))],
    "max_pool2d": [lambda: (x(1, 2, 4, 4), 2)],
    "max_pool2d_with_indices": [lambda: (x(1, 2, 4, 4), 2)],
    "avg_pool2d": [lambda: (x(1, 2, 4, 4), 2)],
    "adaptive_avg_pool2d": [lambda: (x(1, 2, 4, 4), 2)],
    "batch_norm": [lambda: kw(x(), None, None, x(3, seed=1), x(3, seed=2), training=True)],
    "layer_norm": [lambda: (x(), (3,), x(3, seed=1), x(3, seed=2))],
    "scaled_dot_product_attention": [lambda: (x(1, 2, 3), x(1, 2, 3, seed=1),
                                              x(1, 2, 3, seed=2))],
}

# public callables that are not probed, with the reason (shown on the page)
NOT_PROBED = {
    "save": "writes a file",
    "load": "reads a file",
    "cuda": "Tensor.cuda always raises: tinytorch runs on the CPU only",
    "bfloat16": "Tensor.bfloat16 always raises: tinytorch has no bfloat16 tensors",
}

# ---------------------------------------------------------------- groups

GROUP_TITLES = {
    "creation": "Creation and conversion",
    "random": "Random sampling",
    "math": "Math (pointwise)",
    "comparison": "Comparisons and predicates",
    "bitwise": "Bitwise and logical",
    "reduction": "Reductions",
    "cumulative": "Cumulative",
    "sorting": "Sorting and selection",
    "indexing": "Indexing",
    "shape": "Shape and views",
    "linalg": "Linear algebra",
    "torch.linalg": "torch.linalg",
    "F.activation": "nn.functional: activations",
    "F.loss": "nn.functional: losses",
    "F.layer": "nn.functional: convolution, pooling, normalization, attention",
    "F.spatial": "nn.functional: padding, resampling, distances",
    "F.other": "nn.functional: other",
    "utility": "Utilities (state, dtypes, autograd switches, I/O)",
    "tensor-only": "Tensor-only methods and properties",
    "inplace": "In-place Tensor methods (`x.op_()`)",
    "other": "Other",
}

# the module an op is defined in -> its group (names in NAME_GROUP override)
MODULE_GROUP = {
    "tinytorch.creation": "creation",
    "tinytorch.random": "random",
    "tinytorch._random_ops": "random",
    "tinytorch._math": "math",
    "tinytorch._reductions": "reduction",
    "tinytorch._shapes": "shape",
    "tinytorch._indexing": "indexing",
    "tinytorch._linalg": "linalg",
    "tinytorch._decomp": "linalg",
    "tinytorch.nn.functional": "F.activation",
    "tinytorch.nn.conv": "F.layer",
    "tinytorch.nn.pooling": "F.layer",
    "tinytorch.nn.normalization": "F.layer",
    "tinytorch.nn.attention": "F.layer",
    "tinytorch.nn.sparse": "F.other",
    "tinytorch.nn._spatial": "F.spatial",
    "tinytorch.serialization": "utility",
    "tinytorch.autograd.grad_mode": "utility",
}


def _names(**groups):
    return {name: group.replace("_", ".") if group.startswith("F_") else group
            for group, names in groups.items() for name in names.split()}


NAME_GROUP = _names(
    comparison="eq ne lt le gt ge equal isclose allclose isnan isinf isposinf isneginf "
               "isfinite isreal maximum minimum fmax fmin greater less greater_equal less_equal "
               "not_equal is_floating_point is_tensor",
    cumulative="cumsum cumprod cummax cummin logcumsumexp",
    sorting="sort argsort msort topk unique unique_consecutive searchsorted bucketize",
    reduction="sum mean max min amax amin argmax argmin var std logsumexp norm all any",
    math="add sub mul pow div neg exp log log1p sqrt rsqrt abs sign sin cos tanh sigmoid relu "
         "clamp clip square multiply divide subtract true_divide softmax log_softmax",
    shape="cat concat concatenate stack reshape transpose permute t squeeze unsqueeze flatten "
          "split chunk unbind swapaxes broadcast_shapes numel",
    linalg="matmul mm bmm mv dot",
    indexing="where masked_fill",
    creation="clone detach",
    random="manual_seed seed initial_seed get_rng_state set_rng_state",
    utility="get_default_dtype set_default_dtype is_grad_enabled is_inference_mode_enabled",
)

# nn.functional names whose module does not say their group (losses are found by name)
F_NAME_GROUP = _names(
    F_other="linear dropout one_hot flatten identity embedding",
    F_layer="scaled_dot_product_attention",
    F_spatial="normalize cosine_similarity pairwise_distance pad interpolate unfold fold "
              "pixel_shuffle pixel_unshuffle",
)


def _origin(name, fn, families):
    for mod in families:
        if name in getattr(mod, "__all__", ()):
            return mod.__name__
    return getattr(fn, "__module__", None) or ""


def _f_group(name, fn):
    if "loss" in name or "entropy" in name:
        return "F.loss"
    if name in F_NAME_GROUP:
        return F_NAME_GROUP[name]
    return MODULE_GROUP.get(getattr(fn, "__module__", ""), "F.activation")


def _group(name, module):
    if name in NAME_GROUP:
        return NAME_GROUP[name]
    if name.startswith(("bitwise_", "logical_")):
        return "bitwise"
    return MODULE_GROUP.get(module, "other")


# ---------------------------------------------------------------- discovery


def op_families():
    """tinytorch/_*.py modules with ``__all__`` and ``METHODS`` (plus _ops.py's __all__)."""
    mods = []
    for info in sorted(pkgutil.iter_modules(tt.__path__), key=lambda m: m.name):
        if info.name.startswith("_") and not info.ispkg:
            mod = importlib.import_module(f"tinytorch.{info.name}")
            if hasattr(mod, "__all__") and (hasattr(mod, "METHODS") or info.name == "_ops"):
                mods.append(mod)
    return mods


def _is_function(value):
    return (callable(value) and not isinstance(value, (type, types.ModuleType, tt.dtype)))


def discover():
    """Entries: dicts with key, name, qual (how it is called), kind, group, call."""
    families = op_families()
    entries, classes = [], []
    tensor_attrs = {n for n in dir(tt.Tensor) if not n.startswith("_")}
    for name in sorted(n for n in dir(tt) if not n.startswith("_")):
        value = getattr(tt, name)
        if isinstance(value, type):
            classes.append(name)
        if not _is_function(value):
            continue
        entries.append(dict(key=f"torch.{name}", name=name, qual=f"torch.{name}", kind="fn",
                            group=_group(name, _origin(name, value, families)), call=value))
    for name in sorted(n for n in dir(tt.linalg) if not n.startswith("_")):
        value = getattr(tt.linalg, name)
        if _is_function(value):
            entries.append(dict(key=f"linalg.{name}", name=name, qual=f"torch.linalg.{name}",
                                kind="fn", group="torch.linalg", call=value))
    for name in F.__all__:
        value = getattr(F, name)
        if _is_function(value):
            entries.append(dict(key=f"F.{name}", name=name, qual=f"F.{name}", kind="fn",
                                group=_f_group(name, value), call=value))
    fn_names = {e["name"] for e in entries if e["key"].startswith("torch.")}
    for name in sorted(tensor_attrs):
        static = inspect.getattr_static(tt.Tensor, name)
        kind = "property" if isinstance(static, property) else "method"
        if kind == "method" and not callable(getattr(tt.Tensor, name)):
            kind = "property"  # a plain class attribute
        group = ("inplace" if name.endswith("_") and kind == "method" else
                 None if name in fn_names else "tensor-only")
        entries.append(dict(key=f"Tensor.{name}", name=name, qual=f"Tensor.{name}", kind=kind,
                            group=group, call=name))
    return entries, classes


# ---------------------------------------------------------------- probing


class _Fail(Exception):
    pass


def _tensors(obj):
    if isinstance(obj, tt.Tensor):
        return [obj]
    if isinstance(obj, (tuple, list)):
        return [t for o in obj for t in _tensors(o)]
    return []


def _classify(out, leaves):
    outs = _tensors(out)
    if not outs:
        return "n/a"
    ids = {id(t) for t in leaves}
    # a fresh leaf (``zeros_like(x, requires_grad=True)``) is not a path for gradients
    diff = [t for t in outs if t.requires_grad and (t.grad_fn is not None or id(t) in ids)]
    if not diff:
        return "no"
    rng = np.random.default_rng(3)
    vs = [tt.tensor(rng.standard_normal(tuple(t.shape)), dtype=t.dtype, requires_grad=True)
          for t in diff]
    try:
        gs = tt.autograd.grad(diff, leaves, vs, create_graph=True, allow_unused=True)
    except RuntimeError as exc:
        if "is not implemented" in str(exc) and str(exc).startswith("derivative for"):
            return "no"  # recorded, but has no derivative: backward raises, as in torch
        raise _Fail(f"backward failed: {exc!r}") from None
    except Exception as exc:  # differentiable-looking but backward fails: not a usable probe
        raise _Fail(f"backward failed: {exc!r}") from None
    gs = [g for g in gs if g is not None]
    if not gs:
        return "no"  # the result does not depend on the inputs
    live = [g for g in gs if g.requires_grad]
    dead = [g for g in gs if not g.requires_grad and np.any(g.detach().numpy() != 0)]
    if dead:
        return "once"
    if not live:
        return "twice"  # a constant zero gradient (floor, sign, ...): every order is zero
    total = sum((g * tt.tensor(rng.standard_normal(tuple(g.shape)), dtype=g.dtype)).sum()
                for g in live)
    try:
        tt.autograd.grad(total, leaves + vs, allow_unused=True)
    except Exception:
        return "once"
    return "twice"


@contextlib.contextmanager
def _sandbox():
    """Quiet, deterministic, and leaves global state (RNG, default dtype, grad mode) as found."""
    state, dtype = tt.get_rng_state(), tt.get_default_dtype()
    tt.set_default_dtype(tt.float32)
    tt.manual_seed(0)
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), \
            np.errstate(all="ignore"), tt.enable_grad():
        warnings.simplefilter("ignore")
        try:
            yield
        finally:
            tt.set_default_dtype(dtype)
            tt.set_rng_state(state)


def _call(entry, pattern):
    made = pattern()
    args, kwargs = made if (len(made) == 2 and isinstance(made[1], dict)
                            and isinstance(made[0], tuple)) else (made, {})
    leaves = [t for t in _tensors(list(args) + list(kwargs.values())) if t.requires_grad]
    call, name = entry["call"], entry["name"]
    inplace = name.endswith("_") and not name.endswith("__")
    if entry["kind"] in ("method", "property"):
        if not args or not isinstance(args[0], tt.Tensor):
            raise TypeError("a method needs a tensor to be called on")
        self = args[0].clone() if inplace else args[0]
        attr = getattr(self, call)
        out = attr if entry["kind"] == "property" else attr(*args[1:], **kwargs)
    else:
        if inplace and args and isinstance(args[0], tt.Tensor):
            args = (args[0].clone(),) + tuple(args[1:])
        out = call(*args, **kwargs)
    return _classify(out, leaves)


def patterns_for(entry):
    name = entry["name"]
    if entry["kind"] == "property":
        return [lambda: (x(),)]
    base = name[:-1] if name.endswith("_") and not name.endswith("__") else name
    if entry["kind"] == "method" and f"{name}_method" in PATTERNS:
        return PATTERNS[f"{name}_method"]  # the method's arguments differ from the function's
    if entry["key"] in PATTERNS:
        return PATTERNS[entry["key"]]  # e.g. "F.unfold": not the tensor op of that name
    return PATTERNS.get(name) or PATTERNS.get(base) or DEFAULT_PATTERNS


def probe(entry, why=None):
    """The entry's class, or None when no pattern could call it (``why``: a list that gets
    each failed pattern's error)."""
    found, broken = None, False
    for pattern in patterns_for(entry):
        with _sandbox():
            try:
                cls = _call(entry, pattern)
            except Exception as exc:
                broken = broken or isinstance(exc, _Fail)
                if why is not None:
                    why.append(repr(exc))
                continue
        if cls in ("twice", "once"):
            return cls
        if found is None or (found == "n/a" and cls == "no"):
            found = cls
    return None if broken else found  # a result that requires grad but cannot backward


# ---------------------------------------------------------------- the page


def classify_all():
    """(entries with 'cls' set, class names, names that are neither probed nor excused)."""
    entries, classes = discover()
    unclassified = []
    for e in entries:
        if e["name"] in NOT_PROBED and e["kind"] in ("fn", "method"):
            e["cls"] = "not probed"
            continue
        why = []
        e["cls"] = probe(e, why)
        if e["cls"] is None:
            broken = [w for w in why if w.startswith("_Fail")]
            unclassified.append(e["key"] + (f" ({broken[0]})" if broken else ""))
    return entries, classes, unclassified


def _cell(e):
    if e["cls"] == "not probed":
        return f"not probed: {NOT_PROBED[e['name']]}"
    return e["cls"] or "**unclassified**"


def render(entries, classes):
    methods = {e["name"]: e for e in entries if e["key"].startswith("Tensor.")}
    rows = {g: [] for g in GROUP_TITLES}
    counts = {g: dict.fromkeys(BUCKETS, 0) for g in GROUP_TITLES}
    for e in entries:
        if e["group"] is None:
            continue  # a method documented on its function's row
        forms = [f"`{e['qual']}`"]
        cell = _cell(e)
        if e["key"].startswith("torch."):
            m = methods.get(e["name"])
            if m is not None:
                forms.append(f"`Tensor.{e['name']}`")
                if m["cls"] != e["cls"]:
                    cell += f" (method: {_cell(m)})"
            if e["name"] + "_" in methods:
                forms.append(f"`Tensor.{e['name']}_`")
        elif e["kind"] == "property":
            forms[0] += " (property)"
        rows[e["group"]].append(f"| {', '.join(forms)} | {cell} |")
        counts[e["group"]][e["cls"] or "unclassified"] += 1
    out = [
        "# Op coverage",
        "",
        "<!-- generated by docs/gen_ops.py: do not edit by hand -->",
        "",
        "Generated by `python docs/gen_ops.py` from the code: it lists every public function of",
        "`tinytorch`, `tinytorch.linalg` and `tinytorch.nn.functional` and every public",
        "`Tensor` method and property, and finds each one's class by calling it on small float64",
        "tensors with `requires_grad=True` and differentiating the result twice.  Regenerate it",
        "after adding, removing or changing an op; `tests/test_ops_doc.py` (and",
        "`python docs/gen_ops.py --check`) fails while it is stale.",
        "",
        "- **twice**: differentiable, and its gradient is differentiable again (double backward;",
        "  a constant zero gradient, as for `floor`, counts);",
        "- **once**: differentiable, but the gradient is not recorded for a second derivative;",
        "- **no**: returns tensors that do not require grad (integer, bool or index results,",
        "  comparisons, random sampling, constructors), or that an op torch has no derivative",
        "  for records (its backward raises, as `floor_divide`'s does);",
        "- **n/a**: returns no tensor (Python values, sizes, handles, state).",
        "",
        "A function that is also a `Tensor` method (and has an in-place `_` form) is listed once;",
        "the method was probed too and is noted only where it differs.",
        *textwrap.wrap("Classes in the `tinytorch` namespace are not listed: "
                       + ", ".join(f"`{c}`" for c in classes) + ".", 92),
        "",
        "## Summary",
        "",
        "| group | entries | " + " | ".join(BUCKETS) + " |",
        "|---|---:|" + "---:|" * len(BUCKETS),
    ]
    total = dict.fromkeys(BUCKETS, 0)
    for g, title in GROUP_TITLES.items():
        if rows[g]:
            c = counts[g]
            out.append(f"| {title} | {len(rows[g])} | "
                       + " | ".join(str(c[k]) for k in total) + " |")
            for k in total:
                total[k] += c[k]
    out.append(f"| **all** | {sum(total.values())} | "
               + " | ".join(str(v) for v in total.values()) + " |")
    for g, title in GROUP_TITLES.items():
        if rows[g]:
            out += ["", f"## {title} ({len(rows[g])})", "", "| op | autograd |", "|---|---|"]
            out += rows[g]
    return "\n".join(out) + "\n"


def generate():
    """(page text, unclassified names)."""
    entries, classes, unclassified = classify_all()
    return render(entries, classes), unclassified


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if docs/ops.md is not what this script writes")
    parser.add_argument("--why", metavar="KEY",
                        help="print why each pattern fails for one op (e.g. torch.svd)")
    args = parser.parse_args(argv)
    if args.why:
        entry = {e["key"]: e for e in discover()[0]}[args.why]
        why = []
        print(f"{args.why}: {probe(entry, why)}", *why, sep="\n  ")
        return 0
    text, unclassified = generate()
    status = 0
    if unclassified:
        print("no probe pattern could call these ops (or their backward failed); add a pattern"
              " to PATTERNS or a reason to NOT_PROBED in docs/gen_ops.py:\n  "
              + "\n  ".join(unclassified), file=sys.stderr)
        status = 1
    if args.check:
        old = PAGE.read_text() if PAGE.exists() else ""
        if old != text:
            diff = difflib.unified_diff(old.splitlines(), text.splitlines(), "docs/ops.md",
                                        "generated", lineterm="", n=0)
            print("\n".join(list(diff)[:40]), file=sys.stderr)
            print("docs/ops.md is stale: run `python docs/gen_ops.py`", file=sys.stderr)
            return 1
        return status
    PAGE.write_text(text)
    print(f"wrote {PAGE.relative_to(ROOT)}")
    return status


if __name__ == "__main__":
    sys.exit(main())
