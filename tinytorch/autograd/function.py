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

Built-in primitives set ``_raw = True``: their forward/backward take and return numpy arrays
instead of Tensors, which saves wrapping every intermediate.  Apart from that they go through
exactly the same ``apply``, ``ctx`` and engine as a user's Function.
"""
import traceback

import numpy as np

from .grad_mode import STATE

Tensor = None  # filled in by tinytorch.tensor (import cycle)
_make = None


def _saved_meta(t):
    """What is needed to tell, at backward time, that a saved tensor was modified in place:
    its version counter, the version it had, and who made it (for the message)."""
    fn = t.grad_fn
    return (t._vc, t._vc[0], None if fn is None else type(fn), t._output_nr)


def _check_version(meta, arr):
    vc, version, producer, nr = meta
    if vc[0] != version:
        from .._dtype import FROM_NP
        who = "a leaf" if producer is None else f"output {nr} of {producer.__name__}"
        raise RuntimeError(
            "one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: [tensor of shape {list(arr.shape)}, "
            f"dtype={FROM_NP.get(arr.dtype, arr.dtype)}], which is {who}, is at version "
            f"{vc[0]}; expected version {version} instead. Hint: clone() the tensor before "
            "modifying it in place, or use the out-of-place op.")


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
    needs_input_grad = ()
    next_functions = ()
    _in_meta = ()
    _out_meta = None
    _retained = None
    _hooks = None
    _trace = None

    # --- the ctx API, as in torch ----------------------------------------------------
    def save_for_backward(self, *tensors):
        self._to_save = tensors

    @property
    def saved_tensors(self):
        if self._saved is None:
            if self._freed:
                raise RuntimeError(_FREED_MSG)
            return ()
        saved = self._saved
        for meta in self._saved_meta:
            if meta is not None and meta[0][0] != meta[1]:
                _check_version(meta, saved[self._saved_meta.index(meta)])
        if self._raw:
            return saved
        return tuple(None if s is None else _make(s) for s in self._saved)

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
        saved, metas = [], []
        for x in self._to_save:
            meta = None
            if isinstance(x, Tensor):
                meta, x = _saved_meta(x), x.data
            elif type(x) is np.ndarray:
                for t in args:
                    if isinstance(t, Tensor) and t.data is x:
                        meta = _saved_meta(t)
                        break
                else:
                    for t in outs:
                        if t.data is x:
                            meta = _saved_meta(t)
                            break
            saved.append(x)
            metas.append(meta)
        self._to_save = ()
        self._saved = tuple(saved)
        self._saved_meta = tuple(metas)

    def _store_raw(self, args, out):
        """_store_saved for a built-in: everything saved is an array (or a number / None);
        an array that is an input's or the output's data gets its version remembered."""
        saved = self._to_save
        tensors = None
        metas = []
        for x in saved:
            m = None
            if type(x) is np.ndarray:
                if out.data is x:
                    m = (out._vc, 0, type(self), 0)
                else:
                    if tensors is None:
                        tensors = [t for t in args if isinstance(t, Tensor)]
                    for t in tensors:
                        if t.data is x:
                            m = _saved_meta(t)
                            break
            metas.append(m)
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

    def _run_backward(self, grads):
        """Call the Function's backward with one gradient per output; return one per input."""
        fn = self._fn
        if self._raw:
            out = fn.backward(self, *grads)
        else:
            from .grad_mode import no_grad
            with no_grad():
                out = fn.backward(self, *(None if g is None else _make(g) for g in grads))
        if not isinstance(out, tuple):
            out = (out,)
        if len(out) != len(self.next_functions):
            out = self._check_count(out)
        if not self._raw:
            out = tuple(g.data if isinstance(g, Tensor) else g for g in out)
        return out


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
        if cls._raw:
            # built-in: one pass over the inputs unwraps them to arrays and notes, for each,
            # whether it needs grad, the edge backward follows and the shape/dtype the
            # engine will check its gradient against
            node = cls._Node()
            arrays, needs, edges, metas = [], [], [], []
            track = False
            for a in args:
                if isinstance(a, Tensor):
                    d = a.data
                    if a._requires_grad:
                        if a._view is not None and a._view[2] != a._vc[0]:
                            a._refresh_view()  # its memory changed in place: new history
                            d = a.data
                        track = True
                        fn = a.grad_fn
                        needs.append(True)
                        edges.append((fn, a._output_nr) if fn is not None else (a, 0))
                        metas.append((d.shape, d.dtype))
                        arrays.append(d)
                        continue
                    arrays.append(d)
                else:
                    arrays.append(a)
                needs.append(False)
                edges.append(None)
                metas.append(None)
            if track and STATE.enabled:
                node.needs_input_grad = tuple(needs)
                out = cls.forward(node, *arrays)
                node.next_functions = tuple(edges)
                node._in_meta = tuple(metas)
                if type(out) is np.ndarray and node._non_diff is None:
                    if out.dtype.kind not in "fc":
                        _not_float(cls, out)
                    t = _make(out)
                    t._requires_grad = True
                    t.grad_fn = node
                    if node._to_save:
                        node._store_raw(args, t)
                    if STATE.anomaly:
                        node._trace = "".join(traceback.format_stack()[:-1])
                    return t
                return _wrap_outputs(cls, node, args, out, True)
            out = cls.forward(node, *arrays)
            if type(out) is np.ndarray:
                return _make(out)
            return _wrap_outputs(cls, node, args, out, False)
        track = STATE.enabled and any(isinstance(a, Tensor) and a._requires_grad
                                      for a in args)
        node = cls._Node()
        node.needs_input_grad = tuple(track and isinstance(a, Tensor) and a._requires_grad
                                      for a in args)
        from .grad_mode import no_grad
        with no_grad():
            out = cls.forward(node, *args)
        return _wrap_outputs(cls, node, args, out, track)


def _link_inputs(node, args, needs):
    """Record, for each input, the edge the engine follows and the shape/dtype it expects."""
    nf, meta = [], []
    for a, need in zip(args, needs):
        if need:
            if a._view is not None and a._view[2] != a._vc[0]:
                a._refresh_view()  # its memory changed in place: rebuild its history
            fn = a.grad_fn
            nf.append((fn, a._output_nr) if fn is not None else (a, 0))
            d = a.data
            meta.append((d.shape, d.dtype))
        else:
            nf.append(None)
            meta.append(None)
    node.next_functions = tuple(nf)
    node._in_meta = tuple(meta)


def _not_float(cls, out):
    raise RuntimeError(f"{cls.__name__}: only floating point tensors can require gradients, "
                       f"but the output has dtype {out.dtype}")


def _to_array(o, cls):
    if isinstance(o, Tensor):
        return o.data
    if isinstance(o, np.ndarray):
        return o
    if isinstance(o, (np.generic, float, int, bool)):
        return np.asarray(o)
    raise TypeError(f"{cls.__name__}.forward must return tensors, got {type(o).__name__}")


def _wrap_outputs(cls, node, args, out, track):
    multi = isinstance(out, tuple)
    if multi:
        arrays = [_to_array(o, cls) for o in out]
    else:
        arrays = [out if type(out) is np.ndarray else _to_array(out, cls)]
    non_diff = node._non_diff
    if non_diff:
        non_diff = {id(o.data if isinstance(o, Tensor) else o) for o in non_diff}
    outs = []
    for i, a in enumerate(arrays):
        t = _make(a)
        if track and not (non_diff and id(a) in non_diff):
            if a.dtype.kind not in "fc":
                raise RuntimeError(f"{cls.__name__}: only floating point tensors can "
                                   f"require gradients, but the output has dtype {a.dtype}")
            t._requires_grad = True
            t.grad_fn = node
            t._output_nr = i
        outs.append(t)
    if track:
        if not node._raw:  # a built-in's apply has linked its inputs already
            _link_inputs(node, args, node.needs_input_grad)
        if multi:
            node._out_meta = tuple((a.shape, a.dtype) for a in arrays)
        if node._to_save:
            node._store_saved(args, outs)
        if STATE.anomaly:
            node._trace = "".join(traceback.format_stack()[:-3])
    return tuple(outs) if multi else outs[0]


class Primitive(Function):
    """Base of the built-in ops: forward and backward work on numpy arrays."""

    _raw = True


class once_differentiable:
    """Decorator kept for torch compatibility: backward here is never differentiated."""

    def __new__(cls, fn):
        return fn
