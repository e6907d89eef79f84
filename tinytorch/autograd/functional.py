"""tinytorch.autograd.functional: Jacobians, Hessians and their products for a whole function.

The same six functions as ``torch.autograd.functional`` (names, signatures, defaults, return
structure, errors), all composed from :func:`tinytorch.autograd.grad`:

* ``vjp(func, inputs, v)``: v^T J, one backward pass.
* ``jvp(func, inputs, v)``: J v, by the double-backward trick (the backward is linear in the
  upstream gradient u, so differentiating ``u -> u^T J`` with respect to u gives J v).
* ``jacobian(func, inputs)``: J, one backward pass per output element.
* ``hessian(func, inputs)``: the Jacobian of the gradient.
* ``vhp(func, inputs, v)`` / ``hvp(func, inputs, v)``: v^T H and H v (equal when H is symmetric).

Structure of the results, as in torch: a Tensor ``inputs`` (or output) gives a Tensor, a tuple
gives a tuple; ``jacobian`` of a tuple-output, tuple-input function is ``J[i][j]`` of shape
``outputs[i].shape + inputs[j].shape``.  The given input Tensors are never modified: the
function runs on fresh leaves (or, with ``create_graph=True``, on differentiable views, so the
results can be differentiated back to the caller's tensors).

tinytorch has reverse-mode AD only: ``strategy="forward-mode"`` raises NotImplementedError, and
``vectorize=True`` (a speed knob in torch, which then batches the backward passes with vmap)
is accepted and computes the same result the plain way.
"""
import numpy as np

from .function import TensorBase, _make
from .grad_mode import enable_grad, is_grad_enabled, set_grad_enabled

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]

_STRATEGIES = ("forward-mode", "reverse-mode")


# --- helpers (the same steps, and the same messages, as torch's) --------------------------

def _as_tuple(x, arg_name, fn_name):
    """(was it a tuple, a tuple of Tensors); TypeError for anything else (lists included)."""
    is_tuple = isinstance(x, tuple)
    xs = x if is_tuple else (x,)
    for i, el in enumerate(xs):
        if not isinstance(el, TensorBase):
            where = f"the value at index {i}" if is_tuple else f"the given {arg_name}"
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a "
                            f"tuple of Tensors but {where} has type {type(el)}.")
    return is_tuple, xs


def _zeros_like(t):
    return _make(np.zeros_like(t._data))


def _unpack(res, to_unpack):
    """Undo _as_tuple on a result: ``to_unpack`` is one flag, or (outer, inner) flags."""
    if isinstance(to_unpack, tuple):
        if not to_unpack[1]:
            res = tuple(el[0] for el in res)
        if not to_unpack[0]:
            res = res[0]
    elif not to_unpack:
        res = res[0]
    return res


def _preprocess(tensors, create_graph, need_graph):
    """Fresh Tensors for ``func`` to run on: a differentiable view of a tensor that requires
    grad when ``create_graph`` (so results stay connected to it), else a detached leaf."""
    out = []
    for t in tensors:
        if create_graph and t.requires_grad:
            out.append(t.view_as(t))
        else:
            out.append(t.detach().requires_grad_(need_graph))
    return tuple(out)


def _postprocess(res, create_graph):
    """Detach results (nested tuples too) unless the caller asked for a graph."""
    if create_graph:
        return res
    return tuple(_postprocess(r, False) if isinstance(r, tuple) else r.detach() for r in res)


def _validate_v(v, other, is_other_tuple):
    if len(other) != len(v):
        if is_other_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(other)} but "
                               f"got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (el_v, el_other) in enumerate(zip(v, other)):
        if el_v.size() != el_other.size():
            prefix = f"Entry {i} in " if is_other_tuple else ""
            raise RuntimeError(f"{prefix}v has invalid size: should be {el_other.size()} but "
                               f"got {el_v.size()}.")


def _check_requires_grad(tensors, kind, strict):
    """strict mode: every output must depend on the inputs (and, for Hessians, every
    gradient too); else RuntimeError, with torch's messages."""
    if not strict:
        return
    for i, t in enumerate(tensors):
        if t is None:
            raise RuntimeError(f"The output of the user-provided function is independent of "
                               f"input {i}. This is not allowed in strict mode.")
        if t.requires_grad:
            continue
        if kind == "hessian":
            raise RuntimeError(
                f"The hessian of the user-provided function with respect to input {i} is "
                "independent of the input. This is not allowed in strict mode. You should "
                "ensure that your function is thrice differentiable and that the hessian "
                "depends on the inputs.")
        if kind == "jacobian":
            raise RuntimeError(
                "While computing the hessian, found that the jacobian of the user-provided "
                f"function with respect to input {i} is independent of the input. This is not "
                "allowed in strict mode. You should ensure that your function is twice "
                "differentiable and that the jacobian depends on the inputs (this would be "
                "violated by a linear function for example).")
        if kind == "grad_inputs":
            raise RuntimeError(
                f"The gradient with respect to input {i} is independent of the inputs of the "
                "user-provided function. This is not allowed in strict mode.")
        raise RuntimeError(
            f"Output {i} of the user-provided function does not require gradients. The "
            "outputs must be computed in a differentiable manner from the input when running "
            "in strict mode.")


def _grad(outputs, inputs, grad_outputs=None, create_graph=False, retain_graph=None):
    """autograd.grad that skips outputs with no graph (None, or not requiring grad) and
    answers None for every input when none is left; unused inputs give None."""
    from . import grad
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    outs, seeds = zip(*pairs)
    res = grad(list(outs), list(inputs), list(seeds), retain_graph=retain_graph,
               create_graph=create_graph, allow_unused=True)
    # a constant gradient may come back as a bare array under create_graph: wrap it (a
    # Tensor without history, as torch returns there)
    return tuple(g if g is None or isinstance(g, TensorBase) else _make(np.asarray(g))
                 for g in res)


_ZERO_MSG = {
    "back": "The output of the user-provided function is independent of input {i}. This is "
            "not allowed in strict mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the "
                  "grad_outputs when using the double backward trick to compute forward mode "
                  "gradients. This is not allowed in strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. "
                   "This is not allowed in strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry "
                         "{i} in the grad_jacobian. This is not allowed in strict mode as it "
                         "prevents from using the double backward trick to replace forward "
                         "mode AD.",
}


def _fill_in_zeros(grads, refs, strict, create_graph, stage):
    """None (no path from input to output) becomes zeros shaped like ``refs[i]``, the
    mathematically right value; strict mode raises instead."""
    res = []
    for i, g in enumerate(grads):
        if g is None:
            if strict:
                raise RuntimeError(_ZERO_MSG[stage].format(i=i))
            g = _zeros_like(refs[i])
        elif strict and create_graph and not g.requires_grad:
            what = "hessian" if "double" in stage else "jacobian"
            raise RuntimeError(f"The {what} of the user-provided function is independent of "
                               f"input {i}. This is not allowed in strict mode when "
                               "create_graph=True.")
        res.append(g)
    return tuple(res)


def _v_or_default(v, inputs, is_inputs_tuple, create_graph, fn_name, msg):
    if v is not None:
        _, v = _as_tuple(v, "v", fn_name)
        v = _preprocess(v, create_graph, need_graph=False)
        _validate_v(v, inputs, is_inputs_tuple)
        return v
    if len(inputs) != 1 or inputs[0].nelement() != 1:
        raise RuntimeError(msg)
    return None


_V_INPUT_MSG = ("The vector v can only be None if the input to the user-provided function is a "
                "single Tensor with a single element.")


def _scalar_output(func, inputs, strict, fn_name):
    outputs = func(*inputs)
    is_tuple, outputs = _as_tuple(outputs, "outputs of the user-provided function", fn_name)
    _check_requires_grad(outputs, "outputs", strict)
    if is_tuple:
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if outputs[0].nelement() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should "
                           "contain a single element")
    return outputs


# --- the public functions -----------------------------------------------------------------

def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """Vector-Jacobian product: ``(func(inputs), v^T J)``, with v shaped like the output(s)
    (optional when the output has one element) and the result shaped like the input(s).

    ``create_graph=True`` makes both results differentiable (with history back to
    ``inputs``); ``strict=True`` raises when an output does not depend on an input, where the
    default answers zeros.

    >>> x = tinytorch.tensor([1.0, 2.0])
    >>> vjp(lambda t: t ** 2, x, tinytorch.ones(2))
    (tensor([1., 4.]), tensor([2., 4.]))
    """
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _preprocess(inputs, create_graph, need_graph=True)
        outputs = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(outputs, "outputs of the user-provided function",
                                              "vjp")
        _check_requires_grad(outputs, "outputs", strict)
        if v is not None:
            _, v = _as_tuple(v, "v", "vjp")
            v = _preprocess(v, create_graph, need_graph=False)
            _validate_v(v, outputs, is_outputs_tuple)
        elif len(outputs) != 1 or outputs[0].nelement() != 1:
            raise RuntimeError("The vector v can only be None if the user-provided function "
                               "returns a single Tensor with a single element.")
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        res = _grad(outputs, inputs, v, create_graph=create_graph)
        res = _fill_in_zeros(res, inputs, strict, create_graph, "back")
    return (_unpack(_postprocess(outputs, create_graph), is_outputs_tuple),
            _unpack(_postprocess(res, create_graph), is_inputs_tuple))


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """Jacobian-vector product: ``(func(inputs), J v)``, with v shaped like the input(s)
    (optional when the input has one element) and the result shaped like the output(s).

    Computed with two reverse passes (the double-backward trick): ``g(u) = u^T J`` is linear
    in the upstream gradient u, and its vjp with v is J v.  So it needs every op in ``func``
    to be twice differentiable, and costs about three backward passes.

    >>> x = tinytorch.tensor([1.0, 2.0])
    >>> jvp(lambda t: t ** 2, x, tinytorch.tensor([1.0, 0.0]))
    (tensor([1., 4.]), tensor([2., 0.]))
    """
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _preprocess(inputs, create_graph, need_graph=True)
        v = _v_or_default(v, inputs, is_inputs_tuple, create_graph, "jvp",
                          "The vector v can only be None if the input to the user-provided "
                          "function is a single Tensor with a single element.")
        outputs = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(outputs, "outputs of the user-provided function",
                                              "jvp")
        _check_requires_grad(outputs, "outputs", strict)
        # the backward is linear in these, so their value (zero) never shows in the result
        dummies = tuple(_zeros_like(o).requires_grad_(True) for o in outputs)
        grad_inputs = _grad(outputs, inputs, dummies, create_graph=True)
        _check_requires_grad(grad_inputs, "grad_inputs", strict)
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        res = _grad(grad_inputs, dummies, v, create_graph=create_graph)
        res = _fill_in_zeros(res, outputs, strict, create_graph, "back_trick")
    return (_unpack(_postprocess(outputs, create_graph), is_outputs_tuple),
            _unpack(_postprocess(res, create_graph), is_outputs_tuple))


def _check_strategy(strategy, create_graph, strict):
    if strategy not in _STRATEGIES:
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode". '
                             'Hint: If your function has more outputs than inputs, '
                             '"forward-mode" tends to be more performant. Otherwise, prefer '
                             'to use "reverse-mode".')
    if strategy == "reverse-mode":
        return
    if create_graph:
        raise NotImplementedError(
            "tinytorch.autograd.functional.jacobian: `create_graph=True` and "
            '`strategy="forward-mode"` are not supported together (yet). Please either set '
            '`create_graph=False` or `strategy="reverse-mode"`.')
    if strict:
        raise RuntimeError(
            "tinytorch.autograd.functional.jacobian: `strict=True` and "
            '`strategy="forward-mode"` are not supported together (yet). Please either set '
            '`strict=False` or `strategy="reverse-mode"`.')
    raise NotImplementedError(
        'tinytorch.autograd.functional: strategy="forward-mode" needs forward-mode AD, '
        'which tinytorch does not have. Use strategy="reverse-mode" (the default): the '
        "result is the same, one backward pass per output element.")


def _jacobian_block(out, i, inputs, create_graph, strict):
    """d out / d inputs[j] for every j, shaped ``out.shape + inputs[j].shape``: one backward
    pass per element of ``out``, each seeded with a one-hot upstream gradient."""
    from .. import stack
    n = out.nelement()
    rows = [[] for _ in inputs]
    for k in range(n if out.requires_grad else 0):
        seed = np.zeros(out._data.shape, out._data.dtype)
        seed.flat[k] = 1
        seed = _make(seed)
        grads = _grad((out,), inputs, (seed,), create_graph=create_graph, retain_graph=True)
        for j, g in enumerate(grads):
            if g is None:
                if strict:
                    raise RuntimeError(f"Output {i} of the user-provided function is "
                                       f"independent of input {j}. This is not allowed in "
                                       "strict mode.")
            elif strict and create_graph and not g.requires_grad:
                raise RuntimeError("The jacobian of the user-provided function is independent "
                                   f"of input {i}. This is not allowed in strict mode when "
                                   "create_graph=True.")
            rows[j].append(g)
    block = []
    for x, xs in zip(inputs, rows):
        shape = tuple(out.shape) + tuple(x.shape)
        if not any(g is not None for g in xs):          # no path (or no rows): zeros
            block.append(_make(np.zeros(shape, x._data.dtype)))
        elif not create_graph:                          # plain numbers: assemble in numpy
            arr = np.zeros((n,) + tuple(x.shape), x._data.dtype)
            for k, g in enumerate(xs):
                if g is not None:
                    arr[k] = g._data
            block.append(_make(arr.reshape(shape)))
        else:                                           # keep every row's graph
            xs = [_zeros_like(x) if g is None else g for g in xs]
            block.append((xs[0] if n == 1 else stack(xs)).reshape(shape))
    return tuple(block)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    """The Jacobian of ``func`` at ``inputs``.

    One Tensor input and output: a Tensor of shape ``output.shape + input.shape``.  A tuple of
    inputs (or outputs) gives a tuple over them; both tuples give ``J[i][j]`` for output i,
    input j.  Each block has its input's dtype.  An output independent of an input gives
    zeros (``strict=True`` raises instead).  ``create_graph=True`` makes the Jacobian
    differentiable (``hessian`` is built on that).

    ``vectorize=True`` is accepted for compatibility (torch batches the backward passes with
    vmap then; here the result is computed the same way as without it, one backward pass per
    output element).  As in torch it cannot be combined with ``strict=True``.
    ``strategy="forward-mode"`` raises NotImplementedError: tinytorch is reverse-mode only.

    >>> x = tinytorch.tensor([1.0, 2.0])
    >>> jacobian(lambda t: t ** 2, x)
    tensor([[2., 0.],
            [0., 4.]])
    """
    _check_strategy(strategy, create_graph, strict)
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _preprocess(inputs, create_graph, need_graph=True)
        outputs = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(outputs, "outputs of the user-provided function",
                                              "jacobian")
        _check_requires_grad(outputs, "outputs", strict)
        if vectorize and strict:
            raise RuntimeError("tinytorch.autograd.functional.jacobian: `strict=True` and "
                               "`vectorized=True` are not supported together. Please either "
                               "set `strict=False` or `vectorize=False`.")
        jac = tuple(_jacobian_block(out, i, inputs, create_graph, strict)
                    for i, out in enumerate(outputs))
    jac = _postprocess(jac, create_graph)
    return _unpack(jac, (is_outputs_tuple, is_inputs_tuple))


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a scalar function (a Tensor with one element) at ``inputs``.

    One Tensor input: a Tensor of shape ``input.shape + input.shape``.  A tuple of inputs: a
    tuple of tuples, ``H[i][j]`` of shape ``inputs[i].shape + inputs[j].shape``.  It is the
    Jacobian of the gradient, so every op in ``func`` must be twice differentiable.
    ``create_graph``, ``strict`` and ``vectorize`` as in :func:`jacobian`;
    ``outer_jacobian_strategy="forward-mode"`` raises NotImplementedError.

    >>> x = tinytorch.tensor([1.0, 2.0])
    >>> hessian(lambda t: (t ** 3).sum(), x)
    tensor([[ 6.,  0.],
            [ 0., 12.]])
    """
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in _STRATEGIES:
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def scalar_func(*inp):
        out = func(*inp)
        is_tuple, outs = _as_tuple(out, "outputs of the user-provided function", "hessian")
        _check_requires_grad(outs, "outputs", strict)
        if is_tuple:
            raise RuntimeError("The function given to hessian should return a single Tensor")
        if out.nelement() != 1:
            raise RuntimeError("The Tensor returned by the function given to hessian should "
                               "contain a single element")
        return out.squeeze()

    def jac_func(*inp):
        jac = jacobian(scalar_func, inp, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        return jac

    res = jacobian(jac_func, inputs, create_graph=create_graph, strict=strict,
                   vectorize=vectorize, strategy=outer_jacobian_strategy)
    return _unpack(res, (is_inputs_tuple, is_inputs_tuple))


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """Vector-Hessian product of a scalar function: ``(func(inputs), v^T H)``, with v and
    the result shaped like the input(s).  Two backward passes.

    >>> x = tinytorch.tensor([1.0, 2.0])
    >>> vhp(lambda t: (t ** 3).sum(), x, tinytorch.ones(2))
    (tensor(9.), tensor([ 6., 12.]))
    """
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vhp")
        inputs = _preprocess(inputs, create_graph, need_graph=True)
        v = _v_or_default(v, inputs, is_inputs_tuple, create_graph, "vhp", _V_INPUT_MSG)
        outputs = _scalar_output(func, inputs, strict, "vhp")
        jac = _grad(outputs, inputs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        res = _grad(jac, inputs, v, create_graph=create_graph)
        res = _fill_in_zeros(res, inputs, strict, create_graph, "double_back")
    return (_unpack(_postprocess(outputs, create_graph), False),
            _unpack(_postprocess(res, create_graph), is_inputs_tuple))


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """Hessian-vector product of a scalar function: ``(func(inputs), H v)``, with v and the
    result shaped like the input(s).

    Like torch, this computes H v as written, with the double-backward trick on top of the
    gradient (three backward passes); when the Hessian is symmetric (f twice continuously
    differentiable), :func:`vhp` gives the same numbers with two.

    >>> x = tinytorch.tensor([1.0, 2.0])
    >>> hvp(lambda t: (t ** 3).sum(), x, tinytorch.tensor([1.0, 0.0]))
    (tensor(9.), tensor([6., 0.]))
    """
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hvp")
        inputs = _preprocess(inputs, create_graph, need_graph=True)
        v = _v_or_default(v, inputs, is_inputs_tuple, create_graph, "hvp", _V_INPUT_MSG)
        outputs = _scalar_output(func, inputs, strict, "hvp")
        jac = _grad(outputs, inputs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        dummies = tuple(_zeros_like(x).requires_grad_(True) for x in inputs)
        double_back = _grad(jac, inputs, dummies, create_graph=True)
        _check_requires_grad(jac, "hessian", strict)
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        res = _grad(double_back, dummies, v, create_graph=create_graph)
        res = _fill_in_zeros(res, inputs, strict, create_graph, "double_back_trick")
    return (_unpack(_postprocess(outputs, create_graph), False),
            _unpack(_postprocess(res, create_graph), is_inputs_tuple))
