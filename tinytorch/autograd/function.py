"""Function: one differentiable operation, with its forward and backward side by side.

Every built-in op is a Function subclass, and so is a learner's own op::

    class Square(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return 2 * x * grad          # d/dx x² = 2x

    y = Square.apply(x)

``Function.apply`` runs ``forward`` and, when some input requires grad, records a node (the
``ctx``, which is also the output's ``grad_fn``) linking the output to its inputs.  The engine
(``engine.py``) later calls ``backward`` on these nodes in reverse topological order.

Built-in primitives (``Primitive``) differ in one thing only: their forward takes and returns
numpy arrays instead of Tensors, which saves wrapping every intermediate.  Their backward is
written once, with operators and numpy functions that work on arrays *and* on Tensors (numpy
hands a call such as ``np.exp(t)`` to the Tensor, see ``tinytorch/_numpy_protocol.py``): for
a first-order gradient it runs on arrays; with ``create_graph=True`` it runs on Tensors and is
recorded like any other computation, which is how gradients of gradients work.  Both kinds go
through the same ``apply``, ``ctx`` and engine.
"""
import traceback
from collections import namedtuple

import numpy as np

from .grad_mode import STATE, SWITCHED, no_grad


class TensorBase:
    """The part of a tensor that autograd reads: the array and the graph fields.

    ``tinytorch.tensor.Tensor`` is its one direct subclass (it adds the methods); autograd
    builds its outputs through ``_make`` without importing that module.
    """

    __slots__ = ("_data", "_grad", "_requires_grad", "grad_fn", "_output_nr", "_vc", "_hooks",
                 "_view", "__weakref__")
    _concrete = None  # the Tensor class, set when it is defined

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if TensorBase in cls.__bases__:
            TensorBase._concrete = cls


def type_name(obj):
    """The type of ``obj`` as torch's messages name it: ``float``, ``numpy.ndarray``."""
    kind = type(obj)
    if kind.__module__ == "builtins":
        return kind.__qualname__
    return f"{kind.__module__}.{kind.__qualname__}"


def _make(data):
    """Wrap an ndarray in a Tensor without checks or copies (the engine's and ops' builder)."""
    t = object.__new__(TensorBase._concrete)
    t._data = data
    t._grad = None
    t._requires_grad = False
    t.grad_fn = None
    t._output_nr = 0
    t._vc = [0]
    t._hooks = None
    t._view = None
    return t


# What a node remembers of a saved array that belongs to a tensor: the tensor's version
# counter and the version it had (an in-place change since is an error at backward), and where
# the tensor came from, to rebuild it for a differentiable backward: ``producer`` is its
# grad_fn, the leaf tensor itself, SELF (an output of this very node) or None (no grad).
SavedVersion = namedtuple("SavedVersion", "counter version producer output_nr")
SELF = "self"
_record = tuple.__new__  # SavedVersion from a tuple, without namedtuple's keyword handling


def _input_ref(t):
    """The SavedVersion of a saved input ``t``: its history is its grad_fn, or itself for a
    leaf that requires grad."""
    fn = t.grad_fn
    producer = fn if fn is not None else (t if t._requires_grad else None)
    return _record(SavedVersion, (t._vc, t._vc[0], producer, t._output_nr))


def _output_ref(x, outs):
    """The SavedVersion of ``x`` if it is (the array of) output k of this node, else None."""
    for k, o in enumerate(outs):
        if o is x or o._data is x:
            return _record(SavedVersion, (o._vc, o._vc[0], SELF, k))
    return None


def _changed_since_saved(node, ref, arr, saved):
    """A saved tensor's version moved on.  A leaf whose storage was swapped (``x.data = y``)
    is read as it is now, as in torch: ``saved`` comes back with the new array.  A tensor
    modified in place is an error."""
    p = ref.producer
    if isinstance(p, TensorBase) and p._data is not arr:
        return tuple(p._data if s is arr else s for s in saved)
    from .._dtype import FROM_NP
    if p is SELF:
        who = f"output {ref.output_nr} of {type(node).__name__}"
    elif isinstance(p, BackwardNode):
        who = f"output {ref.output_nr} of {type(p).__name__}"
    else:
        who = "a leaf"
    raise RuntimeError(
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: [tensor of shape {list(arr.shape)}, "
        f"dtype={FROM_NP.get(arr.dtype, arr.dtype)}], which is {who}, is at version "
        f"{ref.counter[0]}; expected version {ref.version} instead. Hint: clone() the tensor "
        "before modifying it in place, or use the out-of-place op.")


_FREED_MSG = ("Trying to backward through the graph a second time (or directly access saved "
              "tensors after they have already been freed). Saved intermediate values of the "
              "graph are freed when you call .backward() or autograd.grad(). Specify "
              "retain_graph=True if you need to backward through the graph a second time or if "
              "you need to access saved tensors after calling backward.")


class BackwardNode:
    """A recorded op in the graph: the ``ctx`` of its Function and the output's ``grad_fn``.

    ``next_functions[i]`` is ``(node, output_nr)`` for an input made by another op,
    ``(leaf_tensor, 0)`` for a leaf that requires grad, or ``None``.
    """

    _fn = None
    _raw = False

    # defaults live on the class: creating a node costs nothing until something is set
    _to_save = ()
    _saved = None
    _saved_meta = None
    _freed = False
    _non_diff = None
    _materialize = True
    _tensor_mode = False  # set by the engine while a create_graph backward runs
    needs_input_grad = ()
    next_functions = ()
    _out_meta = ()  # (shape, dtype) of each output: what its gradient must match
    _retained = None
    _hooks = None
    _trace = None

    # --- the ctx API, as in torch ----------------------------------------------------
    def save_for_backward(self, *tensors):
        self._to_save = tensors

    @property
    def saved_tensors(self):
        """What forward saved: arrays for a built-in's first-order backward, Tensors
        otherwise; in a create_graph backward, the tensors themselves, with their history."""
        saved = self._saved
        if saved is None:
            if self._freed:
                raise RuntimeError(_FREED_MSG)
            return ()
        metas = self._saved_meta
        for s, ref in zip(saved, metas):
            if ref is not None and ref.counter[0] != ref.version:
                saved = _changed_since_saved(self, ref, s, saved)
        if self._tensor_mode:
            return tuple(self._unpack(s, ref) for s, ref in zip(saved, metas))
        if self._raw:
            return saved
        return tuple(None if s is None else _make(s) for s in saved)

    def _unpack(self, arr, ref):
        """A saved array as a Tensor connected to the graph (for a create_graph backward)."""
        if ref is None and self._raw and type(arr) is np.ndarray and arr.dtype.kind in "fc":
            # neither an input nor an output: a value computed from them in forward, whose
            # own dependence on the inputs would be missed -- refuse rather than be wrong
            raise RuntimeError(
                f"{type(self).__name__}: its backward uses a float array saved in forward that "
                "is neither an input nor an output, so it cannot be differentiated again "
                "(create_graph=True); save the input or output and recompute it in backward")
        if ref is None or ref.producer is None:
            # no history: a built-in keeps working on the array, a user Function gets a Tensor
            return arr if self._raw or arr is None else _make(arr)
        p = ref.producer
        if isinstance(p, TensorBase):
            return p  # a leaf
        t = _make(arr)
        t._vc = ref.counter
        t._requires_grad = True
        t.grad_fn = self if p is SELF else p
        t._output_nr = ref.output_nr
        return t

    def mark_non_differentiable(self, *outputs):
        self._non_diff = outputs

    def set_materialize_grads(self, value):
        self._materialize = bool(value)

    def name(self):
        return type(self).__name__

    def __repr__(self):
        return f"<{type(self).__name__}>"

    # --- used by Function.apply and the engine ---------------------------------------
    def _store_saved(self, args, outs):
        """Keep what forward saved, and for each array that belongs to an input or an
        output, the version it had and where it came from (see SavedVersion)."""
        saved = self._to_save
        metas = []
        if self._raw:  # a built-in saves arrays (or None): an input's, or an output's
            for x in saved:
                for t in args:
                    if isinstance(t, TensorBase) and t._data is x:
                        metas.append(_input_ref(t))
                        break
                else:
                    metas.append(None if x is None else _output_ref(x, outs))
        else:  # a user Function saves tensors
            for x in saved:
                metas.append(_output_ref(x, outs) or _input_ref(x)
                             if isinstance(x, TensorBase) else None)
            saved = tuple(x._data if isinstance(x, TensorBase) else x for x in saved)
        self._to_save = ()
        self._saved = saved
        self._saved_meta = tuple(metas)

    def _release(self):
        if self._saved is not None:
            self._saved = None
            self._saved_meta = None
            self._freed = True

    def _check_count(self, out):
        """Extra trailing Nones are allowed (as in torch); anything else is an error."""
        n = len(self.next_functions)
        if len(out) < n or any(g is not None for g in out[n:]):
            raise RuntimeError(f"function {type(self).__name__} returned an incorrect "
                               f"number of gradients (expected {n}, got {len(out)})")
        return out[:n]

    def _run_backward(self, grads, create_graph=False):
        """Call the Function's backward with one gradient per output; return one per input.

        First order: a built-in gets and returns arrays; a user Function gets Tensors (its
        results are unwrapped).  With ``create_graph`` both get Tensors, the saved values come
        back as Tensors with their history, and what backward computes is recorded."""
        fn = self._fn
        if self._raw and not create_graph:
            out = fn.backward(self, *grads)
        elif create_graph:
            self._tensor_mode = True
            try:
                out = fn.backward(self, *grads)
            finally:
                self._tensor_mode = False
        else:
            out = fn.backward(self, *(None if g is None else _make(g) for g in grads))
        if type(out) is not tuple:
            out = tuple(out) if isinstance(out, list) else (out,)
        if len(out) != len(self.next_functions):
            out = self._check_count(out)
        if not self._raw:
            self._check_user_grads(out)
            if not create_graph:
                out = tuple(None if g is None else g._data for g in out)
        return out

    def _check_user_grads(self, out):
        """A user Function's backward returns a Tensor or None per input, and None for an
        input that was not a Tensor (torch's checks and words)."""
        for i, (g, was_tensor) in enumerate(zip(out, self._tensor_args)):
            if g is None:
                continue
            if not isinstance(g, TensorBase):
                raise RuntimeError(f"expected Variable or None (got {type_name(g)})")
            if not was_tensor:
                raise RuntimeError(
                    f"function {type(self).__name__} returned a gradient different than None "
                    f"at position {i + 1}, but the corresponding forward input was not a "
                    "Variable")


class Function:
    """Base class of differentiable operations (torch.autograd.Function's API)."""

    _raw = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("backward_name") or f"{cls.__name__}Backward"
        attrs = {"_fn": cls, "_raw": cls._raw,
                 "__module__": cls.__module__, "__qualname__": name}
        cls._Node = type(name, (BackwardNode,), attrs)

    def __init__(self, *args, **kwargs):
        raise RuntimeError(f"{type(self).__name__}: use {type(self).__name__}.apply(...), "
                           "Functions are not instantiated")

    @staticmethod
    def forward(ctx, *args):
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def backward(ctx, *grads):
        raise NotImplementedError("You must implement the backward function for custom "
                                  "autograd.Function.")

    @classmethod
    def apply(cls, *args):
        """Run forward; if an input requires grad (and grad mode is on), record the node."""
        node = cls._Node()
        inputs, track = _link_inputs(node, args, cls._raw)
        if cls._raw:
            out = cls.forward(node, *inputs)
        else:
            if track:  # for the checks of what backward returns
                node._tensor_args = tuple(isinstance(a, TensorBase) for a in args)
            with no_grad():
                out = cls.forward(node, *inputs)
        return _wrap_outputs(cls, node, args, out, track)


def _link_inputs(node, args, raw):
    """One pass over the inputs: what forward receives (arrays for a built-in) and, when the
    graph is recorded, for each input the edge backward follows and whether it needs a
    gradient."""
    inputs, edges = [], []
    untracked = 0
    record = STATE.enabled if SWITCHED else True
    for a in args:
        if isinstance(a, TensorBase):
            if record and a._requires_grad:
                if a._view is not None and a._view.version != a._vc[0]:
                    a._refresh_view()  # its memory changed in place: rebuild its history
                fn = a.grad_fn
                edges.append((fn, a._output_nr) if fn is not None else (a, 0))
                inputs.append(a._data if raw else a)
                continue
            inputs.append(a._data if raw else a)
        else:
            inputs.append(a)
        edges.append(None)
        untracked += 1
    n = len(edges)
    if untracked == n:
        return inputs, False
    node.next_functions = tuple(edges)
    node.needs_input_grad = (_ALL_NEED[n] if n < 4 and not untracked
                             else tuple(e is not None for e in edges))
    return inputs, True


_ALL_NEED = [(True,) * n for n in range(4)]  # needs_input_grad when every input needs one


def _not_float(cls, dtype):
    raise RuntimeError(f"{cls.__name__}: only floating point tensors can require gradients, "
                       f"but the output has dtype {dtype}")


def _to_array(o, cls):
    if isinstance(o, TensorBase):
        return o._data
    if isinstance(o, np.ndarray):
        return o
    if isinstance(o, (np.generic, float, int, bool)):
        return np.asarray(o)
    raise TypeError(f"{cls.__name__}.forward must return tensors, got {type(o).__name__}")


def _wrap_outputs(cls, node, args, out, track):
    """Wrap forward's result(s) in Tensors; if tracked, they take ``node`` as grad_fn."""
    if type(out) is not np.ndarray and isinstance(out, np.generic):
        out = np.asarray(out)  # a reduction over every element gives a numpy scalar
    if type(out) is np.ndarray and (not track or node._non_diff is None):
        # the usual case: one array out
        t = _make(out)
        if track:
            if out.dtype.kind not in "fc":
                _not_float(cls, out.dtype)
            t._requires_grad = True
            t.grad_fn = node
            node._out_meta = ((out.shape, out.dtype),)
            if node._to_save:
                node._store_saved(args, (t,))
            if SWITCHED and STATE.anomaly:
                node._trace = "".join(traceback.format_stack()[:-2])
        return t
    multi = isinstance(out, tuple)
    arrays = [_to_array(o, cls) for o in out] if multi else [_to_array(out, cls)]
    non_diff = node._non_diff
    if non_diff:
        non_diff = {id(o._data if isinstance(o, TensorBase) else o) for o in non_diff}
    outs = []
    for i, a in enumerate(arrays):
        t = _make(a)
        if track and not (non_diff and id(a) in non_diff):
            if a.dtype.kind not in "fc":
                _not_float(cls, a.dtype)
            t._requires_grad = True
            t.grad_fn = node
            t._output_nr = i
        outs.append(t)
    if track:
        node._out_meta = tuple([(a.shape, a.dtype) for a in arrays])
        if node._to_save:
            node._store_saved(args, outs)
        if SWITCHED and STATE.anomaly:
            node._trace = "".join(traceback.format_stack()[:-2])
    return tuple(outs) if multi else outs[0]


class Primitive(Function):
    """Base of the built-in ops: forward works on numpy arrays, backward on arrays or (for
    higher-order gradients) on Tensors."""

    _raw = True

    @classmethod
    def call(cls, *args):
        """The op on arrays (an array back, nothing recorded) or, if an argument is a Tensor,
        ``apply``: so a backward can use another primitive (GetItem's backward scatters with
        IndexAdd) in one line that serves first- and higher-order gradients alike."""
        for a in args:
            if isinstance(a, TensorBase):
                return cls.apply(*args)
        ctx = cls._Node()
        ctx.needs_input_grad = (False,) * len(args)
        return cls.forward(ctx, *args)


def once_differentiable(fn):
    """Decorator for a custom Function's backward that is not itself differentiable: with
    ``create_graph=True`` it runs without recording and its results have no history (as in
    torch, differentiating them again then fails loudly)."""
    import functools

    @functools.wraps(fn)
    def wrapper(ctx, *grads):
        with no_grad():
            return fn(ctx, *grads)
    return wrapper
