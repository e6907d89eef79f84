"""In-place ops and views, as torch records them.

An in-place op (``x.add_(y)``, ``x[i] = v``, ``x.zero_()``) is computed out of place and
written back (``inplace``): autograd sees the out-of-place op, ``x`` takes over its grad_fn
and its memory's version counter goes up, so that a backward which saved the old values
raises instead of using the new ones.

A view (``x[1:]``, ``x.t()``, ``x.view(...)``) shares memory and the version counter with
the tensor it was cut from and remembers where it lives in its root (``view_of``, see
autograd/views.py).  An in-place op on a view rewrites its root's history as well (the
CopySlices primitive), and a view whose memory changed through its root or a sibling gets a
fresh history before it is used (``refresh_view``, the AsView primitive).
"""
import numpy as np

from . import _index
from ._checks import (FILL_TYPE, TORCH_TYPE, check_normal_std, check_uniform_bounds,
                      not_implemented, raw, read_only_error)
from ._dtype import FROM_NP
from ._promotion import NUMBER, as_operand, cast, fitted
from .autograd.function import TensorBase, _make
from .autograd.grad_mode import STATE
from .autograd.views import (bump_version, mark_view_current, new_counter, record_view,
                             view_is_current)
from .functions import elementwise as E
from .functions import index as I


def view_of(base, out, fn=None, check=False, multi=False):
    """``out`` shares ``base``'s memory: it shares the version counter and remembers, as
    ``fn`` (root array -> this view's array), where it lives in its root tensor, so that an
    in-place op on it rewrites the root's history too (torch's CopySlices).

    With ``check`` (reshape), ``out`` is only a view if numpy did not have to copy.
    ``multi`` marks the outputs of split/chunk/unbind, which torch does not let autograd
    modify in place."""
    if check and not np.may_share_memory(out._data, base._data):
        return out
    outer = base._view
    if fn is None or outer is None:
        record_view(out, base, base, fn, multi)
    else:
        prev = outer.fn
        record_view(out, base, outer.root, lambda a: fn(prev(a)), multi)
    return out


def refresh_view(t):
    """A view whose memory changed in place since its grad_fn was recorded (through its
    root or a sibling view) gets a new grad_fn: a view of the root as it is now."""
    if view_is_current(t):
        return
    root = t._view.root
    if not root._requires_grad:
        mark_view_current(t)
    elif STATE.enabled:
        fresh = I.AsView.apply(root, t._view.fn)
        t.grad_fn, t._output_nr, t._requires_grad = fresh.grad_fn, 0, True
        mark_view_current(t)


def _check_target(t, op):
    """Autograd cannot let a leaf that requires grad (or a view of one, or one of several
    views made at once) change in place."""
    if t._requires_grad and t.grad_fn is None:
        raise RuntimeError(f"{op}: a leaf Variable that requires grad is being used in an "
                           "in-place operation.")
    view = t._view
    if view is None:
        return
    root = view.root
    if root._requires_grad and root.grad_fn is None:
        raise RuntimeError(f"{op}: a view of a leaf Variable that requires grad is being "
                           "used in an in-place operation.")
    if view.multi_output and t._requires_grad:
        raise RuntimeError(f"{op}: Output {t._output_nr} of {type(t.grad_fn).__name__} is a "
                           "view and is being modified inplace. This view is the output of a "
                           "function that returns multiple views. Such functions do not "
                           "allow the output views to be modified inplace. You should "
                           "replace the inplace operation by an out-of-place one.")


def _check_result(arr, data, op):
    """The new values must fit the tensor: same shape, a castable dtype, writable memory."""
    if data.shape != arr.shape:
        raise RuntimeError(f"{op}: output with shape {list(arr.shape)} doesn't match the "
                           f"broadcast shape {list(data.shape)}")
    if data.dtype != arr.dtype and not np.can_cast(data.dtype, arr.dtype, "same_kind"):
        raise RuntimeError(f"{op}: result type {FROM_NP[data.dtype]} can't be cast to the "
                           f"desired output type {FROM_NP[arr.dtype]}")
    if arr.flags.writeable is False:
        raise read_only_error(arr, op)


def _keep_saved_self(node, arr):
    """What ``node`` saved of ``arr`` must survive ``arr`` being overwritten: a copy, which
    keeps the version and history it had (with a counter of its own)."""
    node._saved_meta = tuple(m._replace(counter=new_counter(m.version)) if s is arr and m
                             else m for s, m in zip(node._saved, node._saved_meta))
    node._saved = tuple(s.copy() if s is arr else s for s in node._saved)


def inplace(t, compute, op):
    """Run ``compute`` (an out-of-place op on ``t``) and write its result into ``t``.

    Autograd sees the out-of-place op and ``t`` takes over its grad_fn, as in torch.  If
    ``t`` is a view, its root tensor's history is rewritten too (CopySlices), so that
    gradients through the root see the change."""
    grad_mode = STATE.enabled
    view = t._view
    if grad_mode and (t._requires_grad or view is not None):
        _check_target(t, op)
    if view is not None:
        refresh_view(t)
    out = compute()
    data, arr = out._data, t._data
    if data.shape != arr.shape or data.dtype is not arr.dtype or not arr.flags.writeable:
        _check_result(arr, data, op)
    node = out.grad_fn
    if node is not None and node._saved is not None:
        _keep_saved_self(node, arr)
    if view is not None and grad_mode and (out._requires_grad or view.root._requires_grad):
        # the root becomes "root with this region replaced by out", which writes the new
        # values; then t is a fresh view of that root
        root = view.root
        if data.dtype != arr.dtype:
            out = cast(out, arr.dtype)
        new_root = I.CopySlices.apply(root, out, view.fn)
        bump_version(t)
        root.grad_fn, root._output_nr = new_root.grad_fn, 0
        root._requires_grad = True
        refresh_view(t)
        return t
    np.copyto(arr, data, casting="unsafe")
    bump_version(t)
    if node is not None:
        t.grad_fn = node
        t._output_nr = out._output_nr
        t._requires_grad = True
    if view is not None:
        mark_view_current(t)
    return t


def setitem(t, idx, value):
    """``t[idx] = value``.  torch copies into the view t[idx] (casting the value) when the index
    has no index tensors, and otherwise writes with index_put_, which takes a value of t's
    dtype only (or one number under a single bool mask: masked_fill_)."""
    if idx is False or idx is True:  # torch's shortcuts: x[False] = v does nothing at all
        if idx is False:
            return
        idx = None
    shape = t._data.shape
    key = _index.key(idx, shape)
    if not isinstance(value, TensorBase):
        value = _setitem_value(t, value)
    basic = I.is_basic(key)
    one_number = not isinstance(value, TensorBase) or value._data.size == 1
    masked_fill = not basic and one_number and _index.is_one_mask(key)
    if masked_fill and _index.has_byte_mask(idx):
        raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with dtype "
                           "unsigned char")
    if isinstance(value, TensorBase) and value._data.dtype != t._data.dtype:
        if not (basic or masked_fill):
            _refuse_dtype(t, idx, value)
        value = value.to(t.dtype)

    def compute():
        try:
            return I.SetItem.apply(t, key, value)
        except IndexError:  # numpy refused: torch's own reading gives its error (or a key)
            return _index_put(t, idx, _index.key(idx, shape, strict=True), value)
        except ValueError as e:
            raise _value_shape_error(t, idx, value, f" ({e})") from None
    inplace(t, compute, "index_put_")


def _setitem_value(t, value):
    """A value that is no tensor: a number, which must fit t's dtype (a negative int wraps
    into uint8, as in torch), or (unlike torch, which refuses them) a list or an ndarray,
    taken as a tensor of t's dtype."""
    npd = t._data.dtype
    if isinstance(value, NUMBER):
        value = as_operand(value, "index_put_")
        if npd.kind == "u" or not -127 <= value <= 127:  # a small number fits any other dtype
            value = fitted(value, npd)
        return value
    if isinstance(value, (complex, np.complexfloating)):
        raise RuntimeError(f"value cannot be converted to type {FILL_TYPE[npd.name]} without "
                           "overflow")
    if isinstance(value, (list, tuple, np.ndarray)):
        return as_operand(value, "index_put_").to(t.dtype)
    raise TypeError(f"can't assign a {_index.typename(value)} to a {t.type()}")


def _index_put(t, idx, key, value):
    """SetItem, with torch's error for a value that does not broadcast to t[idx]."""
    try:
        return I.SetItem.apply(t, key, value)
    except ValueError as e:
        raise _value_shape_error(t, idx, value, f" ({e})") from None


def _value_shape_error(t, idx, value, detail=""):
    """index_put_'s error for a value that does not broadcast to t[idx]."""
    target = _index.result_shape(idx, t._data.shape)
    return RuntimeError(f"index_put_: shape mismatch: value tensor of shape "
                        f"{list(np.shape(raw(value)))} cannot be broadcast to indexing result "
                        f"of shape {list(target)}{detail}")


def _refuse_dtype(t, idx, value):
    """index_put_'s error for a value of another dtype, after its checks of the index and of
    the value's shape."""
    vshape = value._data.shape
    target = _index.result_shape(idx, t._data.shape)
    while vshape[:1] == (1,):
        vshape = vshape[1:]  # torch drops a value's leading dims of size 1
    try:
        fits = np.broadcast_shapes(vshape, target) == target
    except ValueError:
        fits = False
    if not fits:
        raise _value_shape_error(t, idx, value)
    raise RuntimeError("Index put requires the source and destination dtypes match, got "
                       f"{TORCH_TYPE[t._data.dtype.name]} for the destination and "
                       f"{TORCH_TYPE[value._data.dtype.name]} for the source.")


def copy_(t, src):
    """``t.copy_(src)``: src's values (broadcast, cast to t's dtype) written into t."""
    src = as_operand(src, "copy_")

    def compute():
        try:
            return E.CopyFrom.apply(t, src)
        except ValueError:
            raise RuntimeError(f"copy_: the source of shape {list(np.shape(raw(src)))} "
                               f"cannot be broadcast to {list(t._data.shape)}") from None
    return inplace(t, compute, "copy_")


def _float_param(v, op, name, position):
    """A float argument of uniform_/normal_ (a one-element tensor is read as its value)."""
    if isinstance(v, TensorBase) and v._data.size == 1:
        return v.item()
    if isinstance(v, (int, float, np.integer, np.floating)):
        return v
    raise TypeError(f"{op}(): argument '{name}' (position {position}) must be float, not "
                    f"{type(v).__name__}")


def random_fill(t, sampler, params, generator, kernel, op, prim):
    """uniform_ / normal_: ``t`` filled in place with torch's draws (``sampler`` "uniform" or
    "normal" of _torch_stream.py with ``params`` (a, b) or (mean, std)), written in memory
    order (by decreasing stride, as torch's iterator); the old values get a zero
    gradient (``prim``, a sampling node of functions/random.py), as in torch."""
    from . import _torch_stream as TS
    from ._random_ops import _stream
    a = t._data
    g = _stream(generator, op)
    names = ("from", "to") if sampler == "uniform" else ("mean", "std")
    params = [_float_param(v, op, name, i + 1) for i, (v, name) in enumerate(zip(params, names))]
    if a.dtype.kind != "f":  # numpy would truncate the draws to integers
        raise not_implemented(kernel, a.dtype)
    if sampler == "uniform":
        check_uniform_bounds(*params, a.dtype)
    else:
        check_normal_std(params[1])
    if sampler == "uniform":
        flat = TS.uniform(g, a.size, a.dtype, *params)
    else:  # torch's vectorised normal runs on contiguous tensors only
        flat = TS.normal(g, a.size, a.dtype, *params, contiguous=a.flags.c_contiguous)
    # torch fills in memory order: the axes by decreasing stride
    axes = sorted(range(a.ndim), key=lambda d: -abs(a.strides[d]))
    shape = [a.shape[d] for d in axes]
    values = flat.reshape(shape).transpose(np.argsort(axes)).astype(a.dtype, copy=False)
    if t._requires_grad:
        return inplace(t, lambda: prim.apply(values, t), op)
    return inplace(t, lambda: _make(values), op)
