"""``tinytorch.testing``: ``assert_close``, torch's comparison of tensors, numbers and
containers of them, with its tolerances, checks and messages.

>>> tinytorch.testing.assert_close(tinytorch.tensor([1.0, 2.0]), tinytorch.tensor([1.0, 2.0]))
>>> tinytorch.testing.assert_close(tinytorch.tensor([1.0, 2.0]), tinytorch.tensor([1.0, 3.0]))
Traceback (most recent call last):
AssertionError: Tensor-likes are not close!
<BLANKLINE>
Mismatched elements: 1 / 2 (50.0%)
Greatest absolute difference: 1.0 at index (1,) (up to 1e-05 allowed)
Greatest relative difference: 0.3333333432674408 at index (1,) (up to 1.3e-06 allowed)
"""
import cmath
import collections.abc
import contextlib
import warnings

import numpy as np

from . import _dtype
from .creation import as_tensor
from .tensor import Tensor

__all__ = ["assert_close", "assert_allclose"]

# (rtol, atol) per dtype; every other dtype (integers, bool) compares exactly
_DTYPE_PRECISIONS = {
    "float16": (0.001, 1e-5),
    "bfloat16": (0.016, 1e-5),
    "float32": (1.3e-6, 1e-5),
    "float64": (1e-7, 1e-7),
    "complex32": (0.001, 1e-5),
    "complex64": (1.3e-6, 1e-5),
    "complex128": (1e-7, 1e-7),
}
# the dtype each kind of Python number stands for
_NUMBER_DTYPES = {int: "int64", float: "float64", complex: "complex128"}


class _Mismatch(Exception):
    """A failed check: the exception type and message to raise, and where in the nested
    inputs it happened (``id``: the keys and indices leading there)."""

    def __init__(self, type, msg, id=()):
        super().__init__(msg)
        self.type, self.msg, self.id = type, msg, id

    def to_error(self, msg=None):
        if not isinstance(msg, str):
            text = self.msg
            if self.id:
                text += ("\n\nThe failure occurred for item "
                         + "".join(str([item]) for item in self.id))
            msg = msg(text) if callable(msg) else text
        return self.type(msg)


class _Unsupported(Exception):
    """This kind of pair does not handle the inputs: try the next."""


def _tolerances(names, rtol, atol, id):
    if (rtol is None) ^ (atol is None):
        raise _Mismatch(ValueError, "Both 'rtol' and 'atol' must be either specified or "
                        f"omitted, but got no {'rtol' if rtol is None else 'atol'}.", id)
    if rtol is not None:
        return rtol, atol
    rtols, atols = zip(*[_DTYPE_PRECISIONS.get(n, (0.0, 0.0)) for n in names])
    return max(rtols), max(atols)


def _mismatch_msg(identifier, extra, abs_diff, abs_idx, atol, rel_diff, rel_idx, rtol):
    equality = rtol == 0 and atol == 0

    def diff_msg(kind, diff, idx, tol):
        text = (f"{kind.title()} difference: {diff}" if idx is None
                else f"Greatest {kind} difference: {diff} at index {idx}")
        return text + ("" if equality else f" (up to {tol} allowed)") + "\n"

    msg = f"{identifier} are not {'equal' if equality else 'close'}!\n\n"
    if extra:
        msg += f"{extra.strip()}\n"
    msg += diff_msg("absolute", abs_diff, abs_idx, atol)
    msg += diff_msg("relative", rel_diff, rel_idx, rtol)
    return msg.strip()


def _scalar_mismatch_msg(actual, expected, rtol, atol):
    abs_diff = abs(actual - expected)
    rel_diff = float("inf") if expected == 0 else abs_diff / abs(expected)
    return _mismatch_msg("Scalars", f"Expected {expected} but got {actual}.", abs_diff, None,
                         atol, rel_diff, None, rtol)


def _none_pair(actual, expected, id, **options):
    if not (actual is None or expected is None):
        raise _Unsupported
    if not (actual is None and expected is None):
        raise _Mismatch(AssertionError, f"None mismatch: {actual} is not {expected}", id)


def _bool_pair(actual, expected, id, **options):
    if not all(isinstance(x, (bool, np.bool_)) for x in (actual, expected)):
        raise _Unsupported
    actual, expected = bool(actual), bool(expected)
    if actual is not expected:
        raise _Mismatch(AssertionError, f"Booleans mismatch: {actual} is not {expected}", id)


def _number_pair(actual, expected, id, rtol, atol, equal_nan, check_dtype, **options):
    if not all(isinstance(x, (int, float, complex, np.number)) for x in (actual, expected)):
        raise _Unsupported
    actual, expected = (x.item() if isinstance(x, np.number) else x
                        for x in (actual, expected))
    rtol, atol = _tolerances([_NUMBER_DTYPES.get(type(x), "int64") for x in (actual, expected)],
                             rtol, atol, id)
    if check_dtype and type(actual) is not type(expected):
        raise _Mismatch(AssertionError, "The (d)types do not match: "
                        f"{type(actual)} != {type(expected)}.", id)
    if actual == expected:
        return
    if equal_nan and cmath.isnan(actual) and cmath.isnan(expected):
        return
    abs_diff = abs(actual - expected)
    if cmath.isfinite(abs_diff) and abs_diff <= atol + rtol * abs(expected):
        return
    raise _Mismatch(AssertionError, _scalar_mismatch_msg(actual, expected, rtol, atol), id)


def _as_tensor(x):
    if isinstance(x, Tensor):
        return x
    try:
        return as_tensor(x)
    except Exception:
        raise _Unsupported from None


def _promoted(da, db):
    """torch.promote_types for two numpy dtypes: the higher kind (bool < int < float) wins;
    within a kind, numpy's promotion (which agrees with torch's there)."""
    rank = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}
    ra, rb = rank.get(da.kind, 2), rank.get(db.kind, 2)
    if ra != rb:
        return da if ra > rb else db
    return np.promote_types(da, db)


def _isclose(a, e, rtol, atol, equal_nan):
    """torch.isclose on two arrays of one dtype: integers compare in the default float dtype
    when there is a tolerance, floats in their own dtype."""
    close = a == e
    if equal_nan and a.dtype.kind in "fc":
        close |= np.isnan(a) & np.isnan(e)
    if rtol == 0 and atol == 0:
        return close
    if a.dtype.kind not in "fc":
        a = a.astype(_dtype.get_default_dtype().np)
        e = e.astype(a.dtype)
    with np.errstate(invalid="ignore", over="ignore"):
        allowed = atol + np.abs(rtol * e)
        err = np.abs(a - e)
        close |= np.isfinite(err) & (err <= allowed)
    return close


def _unravel(i, shape):
    return tuple(int(k) for k in np.unravel_index(i, shape)) if shape else ()


def _tensor_mismatch_msg(a, e, matches, rtol, atol):
    n = matches.size
    bad = n - int(np.count_nonzero(matches))
    extra = f"Mismatched elements: {bad} / {n} ({bad / n:.1%})"
    a, e, m = a.reshape(-1), e.reshape(-1), matches.reshape(-1)
    if a.dtype.kind not in "fc":
        a, e = a.astype(np.int64), e.astype(np.int64)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        abs_diff = np.abs(a - e)
        abs_diff[m] = 0
        # integers divide in the default float dtype, as torch's true division does
        num, den = abs_diff, np.abs(e)
        if num.dtype.kind not in "fc":
            fd = _dtype.get_default_dtype().np
            num, den = num.astype(fd), den.astype(fd)
        rel_diff = num / den
        rel_diff[m] = 0
    ia, ir = int(np.argmax(abs_diff)), int(np.argmax(rel_diff))
    return _mismatch_msg("Tensor-likes", extra, abs_diff[ia].item(),
                         _unravel(ia, matches.shape), atol, rel_diff[ir].item(),
                         _unravel(ir, matches.shape), rtol)


def _tensor_pair(actual, expected, id, allow_subclasses, rtol, atol, equal_nan, check_device,
                 check_dtype, check_layout, check_stride, **options):
    if not (isinstance(actual, type(expected)) or isinstance(expected, type(actual))):
        raise _Unsupported
    if not allow_subclasses and type(actual) is not type(expected):
        raise _Unsupported
    actual, expected = _as_tensor(actual), _as_tensor(expected)
    rtol, atol = _tolerances([str(t.dtype).rpartition(".")[2] for t in (actual, expected)],
                             rtol, atol, id)

    def fail(name, x, y):
        raise _Mismatch(AssertionError,
                        f"The values for attribute '{name}' do not match: {x} != {y}.", id)

    a, e = actual.detach().numpy(), expected.detach().numpy()
    if actual.shape != expected.shape:
        fail("shape", actual.shape, expected.shape)
    if check_stride:
        sa, se = (tuple(s // x.itemsize for s in x.strides) for x in (a, e))
        if sa != se:
            fail("stride()", sa, se)
    da, de = actual.device, expected.device
    if check_device and da != de:
        fail("device", da, de)
    if check_dtype and actual.dtype != expected.dtype:
        fail("dtype", actual.dtype, expected.dtype)
    if a.dtype != e.dtype:
        common = _promoted(a.dtype, e.dtype)
        a, e = a.astype(common), e.astype(common)
    if a.dtype.kind not in "biufc":   # ml_dtypes' bfloat16 (kind 'V'): float32 holds it
        a, e = a.astype(np.float32), e.astype(np.float32)
    if rtol < 0:
        raise _Mismatch(RuntimeError, "rtol must be greater than or equal to zero, but got "
                        f"{rtol}", id)
    if atol < 0:
        raise _Mismatch(RuntimeError, "atol must be greater than or equal to zero, but got "
                        f"{atol}", id)
    matches = _isclose(a, e, rtol, atol, equal_nan)
    if matches.all():
        return
    if a.ndim == 0:
        msg = _scalar_mismatch_msg(a.item(), e.item(), rtol, atol)
    else:
        msg = _tensor_mismatch_msg(a, e, matches, rtol, atol)
    raise _Mismatch(AssertionError, msg, id)


_PAIRS = (_none_pair, _bool_pair, _number_pair, _tensor_pair)


def _children(actual, expected, id):
    """The items of two sequences or two mappings, paired, with their ids (None for
    anything else); a length or key mismatch raises."""
    seq = collections.abc.Sequence
    if (isinstance(actual, seq) and not isinstance(actual, str)
            and isinstance(expected, seq) and not isinstance(expected, str)):
        if len(actual) != len(expected):
            raise _Mismatch(AssertionError, "The length of the sequences mismatch: "
                            f"{len(actual)} != {len(expected)}", id)
        return [(actual[i], expected[i], (*id, i)) for i in range(len(actual))]
    mapping = collections.abc.Mapping
    if isinstance(actual, mapping) and isinstance(expected, mapping):
        ka, ke = set(actual.keys()), set(expected.keys())
        if ka != ke:
            raise _Mismatch(AssertionError,
                            "The keys of the mappings do not match:\n"
                            f"Missing keys in the actual mapping: {sorted(ke - ka)}\n"
                            f"Additional keys in the actual mapping: {sorted(ka - ke)}", id)
        keys = ka
        with contextlib.suppress(Exception):
            keys = sorted(keys)
        return [(actual[k], expected[k], (*id, k)) for k in keys]
    return None


def _originate(actual, expected, id):
    """The leaves of the nested inputs, paired: the whole structure is checked before any
    value, as in torch."""
    children = _children(actual, expected, id)
    if children is not None:
        out = []
        for a, e, cid in children:
            out.extend(_originate(a, e, cid))
        return out
    return [(actual, expected, id)]


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None,
                 equal_nan=False, check_device=True, check_dtype=True, check_layout=True,
                 check_stride=False, msg=None):
    """Assert that ``actual`` and ``expected`` are close: ``|actual - expected| <= atol +
    rtol * |expected|`` elementwise, with infinities close only to themselves and NaNs only
    to NaNs when ``equal_nan=True``.

    Inputs are Tensors, tensor-likes of directly related types (numpy arrays), Python or
    numpy numbers, ``None``, or sequences / mappings of these, compared item by item.  For
    tensors the shapes must match, and the dtypes too unless ``check_dtype=False`` (then both
    are promoted to a common dtype).  Without ``rtol``/``atol`` (give both or neither) the
    tolerances come from the dtype: float16 (1e-3, 1e-5), float32 (1.3e-6, 1e-5), float64
    (1e-7, 1e-7), exact for integers and bool; with two dtypes the looser.

    Raises AssertionError with torch's message ("Tensor-likes are not close!" and the
    mismatch summary); ``msg`` (a string, or a callable given the generated message)
    replaces it.  ``check_layout`` is accepted (every tinytorch tensor is strided).
    """
    __tracebackhide__ = True
    options = dict(allow_subclasses=allow_subclasses, rtol=rtol, atol=atol,
                   equal_nan=equal_nan, check_device=check_device, check_dtype=check_dtype,
                   check_layout=check_layout, check_stride=check_stride)
    try:
        leaves = _originate(actual, expected, ())
    except _Mismatch as m:
        raise m.to_error() from None
    first = None
    for a, e, id in leaves:
        for pair in _PAIRS:
            try:
                pair(a, e, id=id, **options)
                break
            except _Unsupported:
                continue
            except _Mismatch as m:
                if m.type is not AssertionError:   # bad arguments: torch raises at once
                    raise m.to_error() from None
                first = first or m
                break
        else:
            raise TypeError("No comparison pair was able to handle inputs of type "
                            f"{type(a)} and {type(e)}."
                            + ("\n\nThe failure occurred for item "
                               + "".join(str([item]) for item in id) if id else ""))
    if first is not None:
        raise first.to_error(msg)


def assert_allclose(actual, expected, rtol=None, atol=None, equal_nan=True, msg=""):
    """Deprecated (as in torch): :func:`assert_close` with ``check_dtype=False``,
    ``equal_nan=True`` and looser default tolerances."""
    warnings.warn("`torch.testing.assert_allclose()` is deprecated since 1.12 and will be "
                  "removed in a future release. Please use `torch.testing.assert_close()` "
                  "instead. You can find detailed upgrade instructions in "
                  "https://github.com/pytorch/pytorch/issues/61844.", FutureWarning,
                  stacklevel=2)
    if not isinstance(actual, Tensor):
        actual = as_tensor(actual)
    if not isinstance(expected, Tensor):
        expected = as_tensor(expected, dtype=actual.dtype)
    if rtol is None and atol is None:
        loose = {"float16": (1e-3, 1e-3), "float32": (1e-4, 1e-5), "float64": (1e-5, 1e-8)}
        rtols, atols = zip(*[loose.get(str(t.dtype).rpartition(".")[2], (0.0, 0.0))
                             for t in (actual, expected)])
        rtol, atol = max(rtols), max(atols)
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan,
                 check_device=True, check_dtype=False, check_stride=False, msg=msg or None)
