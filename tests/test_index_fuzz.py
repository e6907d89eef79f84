"""Indexing fuzzed against torch: random index expressions (ints, slices, None, ..., True and
False, lists, nested tuples, bool masks, index tensors of several dtypes, 0-d tensors, in any
position and mix), read and written, must give torch's shape, values and gradients, or
torch's error type (and, for an IndexError, its message).

The draws are derandomized, so CI runs the same cases every time.  A few fixed regressions
(issue 11) come first; they need no torch.
"""
import math
import warnings
from typing import NamedTuple

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tinytorch as L

# the ci profile runs the same cases every time; a longer one (HYPOTHESIS_PROFILE=long) runs
# ten times as many, new ones each run
LONG = settings.default.max_examples > 40
FUZZ = settings(derandomize=not LONG, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _examples(n):
    return 10 * n if LONG else n


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


# --- fixed regressions (issue 11) ------------------------------------------------------------

def _x():
    return L.arange(12.0).reshape(3, 4)


def test_a_tuple_inside_the_index_is_an_index_list():
    assert _x()[(2, 1), ].tolist() == [[8.0, 9.0, 10.0, 11.0], [4.0, 5.0, 6.0, 7.0]]
    assert L.arange(3.0)[((0,),)].shape == (1,)
    assert _x()[((0, 1), (1, 2))].tolist() == [1.0, 6.0]


def test_index_dims_go_in_front_only_when_the_index_tensors_are_apart():
    z = L.arange(24.0).reshape(2, 3, 4)
    assert z[0, None, (1, 0), (2, 3)].shape == (1, 2)        # an int selects first: adjacent
    assert z[0, :, [0, 1]].shape == (3, 2)
    assert z[[0, 1], None, [1, 0]].shape == (2, 1, 4)        # None between them: in front
    assert z[:, [0, 1], None, [0, 1]].shape == (2, 2, 1)
    assert z[[0, 1], True].shape == (2, 3, 4)                # True is an index tensor [0]


def test_a_list_holding_a_slice_reads_as_a_tuple_with_torchs_warning():
    with pytest.warns(UserWarning, match="non-tuple sequence"):
        assert _x()[[0, slice(None)]].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert _x()[[1, 2.0]].shape == (2, 4)                    # a plain list: an index list


def test_out_of_range_errors_name_the_dimension_and_its_size():
    with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 0 with size 3"):
        _x()[5]
    with pytest.raises(IndexError, match="index 9 is out of bounds for dimension 2 with size 4"):
        _x()[None, :, 9]                                    # torch counts the None
    with pytest.raises(IndexError, match="index 7 is out of bounds for dimension 1 with size 4"):
        _x()[[0, 5], [7, 0]]                                 # the first bad pair, 7 before 5
    with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 0 with size 3"):
        _x()[[0, 5]] = 1.0
    assert _x()[0:0, [9]].shape == (0, 1)                     # an empty result reads no index


def test_a_value_with_leading_ones_gets_its_gradient_in_its_own_shape():
    x = L.zeros(3, 4, requires_grad=True)
    v = L.ones(1, 1, 4, requires_grad=True)
    y = x * 1
    y[[0, 1]] = v
    (y * L.arange(12.0).reshape(3, 4)).sum().backward()
    assert v.grad.tolist() == [[[4.0, 6.0, 8.0, 10.0]]]
    assert x.grad[2].tolist() == [8.0, 9.0, 10.0, 11.0] and x.grad[:2].abs().sum().item() == 0


# --- the fuzzer ------------------------------------------------------------------------------

class Item(NamedTuple):
    """One item of an index, the same for both libraries: ``make`` builds it for one."""

    kind: str      # int, slice, none, ellipsis, bool, list, tuple, tensor, array, other, built
    value: object = None
    dtype: str = ""      # a tensor's or array's dtype

    def make(self, M):
        if self.kind == "built":  # value(M) builds it
            return self.value(M)
        if self.kind == "tensor":
            return M.tensor(self.value, dtype=getattr(M, self.dtype))
        if self.kind == "array":
            return np.array(self.value, dtype=self.dtype)
        if self.kind == "tuple":
            return _as_tuples(self.value)
        return self.value


def _as_tuples(data):
    return tuple(_as_tuples(d) for d in data) if isinstance(data, list) else data


class Case(NamedTuple):
    """A tensor shape and an index into it: ``form`` says whether the items go in a tuple, a
    list (torch reads a list holding a sequence, slice or None as a tuple) or alone."""

    shape: tuple
    items: tuple
    form: str
    seed: int

    def index(self, M):
        made = [i.make(M) for i in self.items]
        if self.form == "alone":
            return made[0]
        return made if self.form == "list" else tuple(made)


def _position(n):
    """A position in a dim of size n (out of range for an empty dim)."""
    return st.integers(-n, n - 1) if n else st.integers(-1, 0)


def _positions(draw, n, length, low=None, high=None):
    within = _position(n) if low is None else st.integers(low, high)
    return draw(st.lists(within, min_size=length, max_size=length))


def _index_list(draw, n, broken):
    """Positions into a dim of size n: a list, maybe nested two deep, some maybe out of
    range."""
    shape = draw(st.sampled_from([(0,), (1,), (2,), (3,), (1, 2), (2, 1), (2, 2)]))
    flat = _positions(draw, n, math.prod(shape), *((-n - 2, n + 1) if broken else ()))
    return np.array(flat, dtype=np.int64).reshape(shape).tolist()


def _consumer(draw, sizes, broken):
    """An item that indexes the dims of ``sizes`` (one dim, or two for a 2-d mask)."""
    n = sizes[0]
    kinds = ["int", "slice", "full", "list", "tuple", "long", "int32", "scalar", "bools",
             "mask", "array"]
    if len(sizes) == 2:
        kinds = ["mask2"]
    if broken:
        kinds += ["oob", "step", "float", "float_tensor", "int8", "bad_mask", "string"]
    kind = draw(st.sampled_from(kinds))
    if kind == "int":
        return Item("int", draw(_position(n)))
    if kind == "oob":
        return Item("int", draw(st.sampled_from([n, n + 3, -n - 1])))
    if kind in ("slice", "step"):
        bound = st.none() | st.integers(-n - 2, n + 2)
        step = st.sampled_from([-1, 0]) if kind == "step" else st.sampled_from([None, 1, 2, 3])
        return Item("slice", slice(draw(bound), draw(bound), draw(step)))
    if kind == "full":
        return Item("slice", slice(None))
    if kind in ("list", "tuple"):
        return Item(kind, _index_list(draw, n, broken))
    if kind in ("long", "int32", "array"):
        data = _index_list(draw, n, broken)
        if kind == "array":
            return Item("array", data, "int64")
        return Item("tensor", data, "int64" if kind == "long" else "int32")
    if kind == "scalar":
        return Item("tensor", draw(_position(n)), "int64")
    if kind == "bools":
        return Item("list", draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    if kind in ("mask", "mask2", "bad_mask"):
        shape = tuple(sizes) if kind != "bad_mask" else (n + 1,)
        flat = draw(st.lists(st.booleans(), min_size=math.prod(shape),
                             max_size=math.prod(shape)))
        dtype = draw(st.sampled_from(["bool", "bool", "uint8"]))
        return Item("tensor", np.array(flat).reshape(shape).astype(dtype).tolist(), dtype)
    if kind == "float":
        return Item("other", 1.0)
    if kind == "float_tensor":
        return Item("tensor", [0.0], "float32")
    if kind == "int8":
        return Item("tensor", [0], "int8")
    return Item("other", "a")


def _extra(draw):
    """An item that indexes no dim of x: None, True, False or a 0-d bool tensor."""
    kind = draw(st.sampled_from(["none", "none", "true", "false", "bool_tensor"]))
    if kind == "none":
        return Item("none", None)
    if kind == "bool_tensor":
        return Item("tensor", draw(st.booleans()), "bool")
    return Item("bool", kind == "true")


def _sometimes(n):
    """True one time in n (hypothesis would pick the simplest value, False, most often)."""
    return st.sampled_from([False] * (n - 1) + [True])


@st.composite
def cases(draw, broken=False):
    """A shape and an index into it.  The items name ``named`` dims of x; a ``...`` (if any)
    stands for the dims in between; Nones and bools go anywhere."""
    ndim = draw(st.sampled_from([2, 3, 1, 4, 0]))
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=ndim, max_size=ndim)))
    if ndim and draw(_sometimes(10)):
        shape = shape[:-1] + (0,)   # an empty dim
    named = ndim - draw(st.sampled_from(range(ndim + 1)))
    split = draw(st.sampled_from([None] * 5 + list(range(named + 1))))
    dims = list(range(named)) if split is None else \
        list(range(split)) + list(range(ndim - (named - split), ndim))
    items, at, ellipsis_at = [], 0, None
    while at < len(dims):
        if at == split:
            ellipsis_at = len(items)
        width = 1
        if at + 1 < len(dims) and dims[at + 1] == dims[at] + 1 and draw(_sometimes(6)):
            width = 2
        items.append(_consumer(draw, [shape[d] for d in dims[at:at + width]], broken))
        at += width
    if split is not None:
        items.insert(len(items) if ellipsis_at is None else ellipsis_at, Item("ellipsis", ...))
    for _ in range(draw(st.sampled_from([0, 0, 1, 2]))):
        items.insert(draw(st.integers(0, len(items))), _extra(draw))
    if broken:
        trouble = draw(st.sampled_from(["none", "too_many", "apart"]))
        if trouble == "too_many":
            items.append(Item("int", 0))
        elif trouble == "apart":  # two index lists that do not broadcast
            items[:0] = [Item("list", [0, 0]), Item("list", [0, 0, 0])]
    if not items:
        items = [Item("ellipsis", ...)]
    form = "tuple"
    if len(items) == 1 and draw(st.booleans()):
        form = "alone"
    elif draw(_sometimes(8)):
        form = "list"
    return Case(shape, tuple(items), form, draw(st.integers(0, 2**16)))


# --- running a case in both libraries --------------------------------------------------------

class Outcome(NamedTuple):
    """What one library did: an error, or the result and the gradients."""

    error: BaseException = None
    value: np.ndarray = None
    grads: tuple = ()


def _run(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return fn()
        except Exception as e:  # noqa: BLE001 -- the error is the outcome being compared
            return Outcome(error=e)


def _same(case, got, want, message=True):
    """tinytorch's outcome ``got`` is torch's ``want``: the same error type (and for an
    IndexError, with ``message``, the same message), or the same values and gradients."""
    where = f"{case}"
    if want.error is not None or got.error is not None:
        assert got.error is not None, f"{where}: torch raised {want.error!r}, tinytorch not"
        assert want.error is not None, f"{where}: tinytorch raised {got.error!r}, torch not"
        assert type(got.error) is type(want.error), \
            f"{where}: {type(got.error).__name__} ({got.error}) where torch raises " \
            f"{type(want.error).__name__} ({want.error})"
        if message and isinstance(want.error, IndexError):
            expect = str(want.error).split("\n")[0]
            assert str(got.error).startswith(expect), f"{where}: '{got.error}' not '{expect}'"
        return
    assert got.value.shape == want.value.shape, \
        f"{where}: shape {got.value.shape}, torch's {want.value.shape}"
    np.testing.assert_array_equal(got.value, want.value, err_msg=where)
    for g, w in zip(got.grads, want.grads):
        assert (g is None) == (w is None), f"{where}: gradient {g} where torch has {w}"
        if w is not None:
            np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12, err_msg=where)


def _grad(t):
    return None if t.grad is None else t.grad.detach().numpy().copy()


def _read(M, case, base, weights):
    x = M.tensor(base, requires_grad=True)
    out = x[case.index(M)]
    (out * M.tensor(weights(out.shape))).sum().backward()
    return Outcome(value=out.detach().numpy().copy(), grads=(_grad(x),))


def _weights(rng):
    return lambda shape: rng.standard_normal(tuple(shape))


class Value(NamedTuple):
    """The value of a write: a number, or a tensor of ``shape`` (and ``dtype``)."""

    number: float = None
    shape: tuple = ()
    dtype: str = "float64"

    def make(self, M, data):
        if self.number is not None:
            return self.number
        if self.dtype == "int64":
            return M.tensor((data * 3).astype(np.int64))
        return M.tensor(data, dtype=getattr(M, self.dtype), requires_grad=True)


@st.composite
def values(draw, target, broken):
    """A value for x[idx] = v, where x[idx] has shape ``target``: a number or a tensor that
    broadcasts to it (leading dims dropped or of size 1, some dims 1)."""
    kind = draw(st.sampled_from(["number", "int", "same", "same", "broadcast", "ones_first",
                                 "scalar", "float32", "int64"] + (["wrong"] if broken else [])))
    if kind == "number":
        return Value(number=draw(st.sampled_from([1.5, -2.0, 0.25])))
    if kind == "int":
        return Value(number=3)
    shape = list(target)
    if kind == "broadcast":
        shape = shape[draw(st.integers(0, len(shape))):]
        shape = [1 if draw(st.booleans()) else n for n in shape]
    elif kind == "ones_first":
        shape = [1] * draw(st.integers(1, 2)) + shape
    elif kind == "scalar":
        shape = []
    elif kind == "wrong":
        shape = shape + [2] if not shape or draw(st.booleans()) else shape[:-1] + [shape[-1] + 2]
    return Value(shape=tuple(shape), dtype=kind if kind in ("float32", "int64") else "float64")


def _write(M, case, base, value, data, through_view, weights):
    x = M.tensor(base, requires_grad=True)
    y = x * 1
    v = value.make(M, data)
    (y[...] if through_view else y)[case.index(M)] = v
    (y * M.tensor(weights(y.shape))).sum().backward()
    gv = _grad(v) if value.number is None and value.dtype[0] == "f" else None
    return Outcome(value=y.detach().numpy().copy(), grads=(_grad(x), gv))


def _both(case, fn, *args):
    """fn run with torch and with tinytorch, on the same random numbers."""
    import torch
    outcomes = []
    for M in (torch, L):
        rng = np.random.default_rng(case.seed)
        base = rng.standard_normal(case.shape)
        outcomes.append(_run(lambda: fn(M, case, base, *args, _weights(rng))))
    return outcomes


READS = 400
WRITES = 300
BROKEN = 250


@settings(FUZZ, max_examples=_examples(READS))
@given(case=cases())
def test_reads_match_torch(torch, case):
    want, got = _both(case, _read)
    _same(case, got, want)


def _target_shape(torch, case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return tuple(torch.zeros(case.shape)[case.index(torch)].shape)
        except Exception:  # noqa: BLE001 -- a bad index: the write must fail the same way
            return ()


def _check_write(torch, data, case, broken, read=None):
    """x[idx] = v for a value v drawn to fit x[idx] (or not, when ``broken``), maybe through
    a view of x.  With two things wrong torch's write may name another than its read
    (``read``, torch's outcome): then only the error types must agree."""
    target = _target_shape(torch, case)
    value = data.draw(values(target, broken))
    through_view = data.draw(_sometimes(4))
    v = np.random.default_rng(case.seed + 1).standard_normal(value.shape)
    want, got = _both(case, _write, value, v, through_view)
    message = read is None or str(read.error) == str(want.error)
    _same(case._replace(form=f"{case.form}, value {value}, view {through_view}"), got, want,
          message)


@settings(FUZZ, max_examples=_examples(WRITES))
@given(case=cases(), data=st.data())
def test_writes_match_torch(torch, case, data):
    _check_write(torch, data, case, broken=False)


@settings(FUZZ, max_examples=_examples(BROKEN))
@given(case=cases(broken=True), data=st.data())
def test_bad_indices_and_values_fail_as_in_torch(torch, case, data):
    want, got = _both(case, _read)
    _same(case, got, want)
    _check_write(torch, data, case, broken=True, read=want)


# --- corners the fuzzer does not draw --------------------------------------------------------

# (shape, index for library M): odd indices torch still reads
CORNERS = [
    ((3, 4), lambda M: (..., ...)),                         # torch takes several ...
    ((3, 4), lambda M: (0, ..., ...)),
    ((3, 4), lambda M: (..., None, ...)),
    ((3, 4), lambda M: (..., 0, ...)),
    ((3, 4), lambda M: ((M.tensor(0), M.tensor(2)),)),      # tensors in a list: their numbers
    ((3, 4), lambda M: ([[M.tensor(0)], [M.tensor(2)]],)),
    ((3, 4), lambda M: ([M.tensor(True), True, False],)),   # all bools: a mask
    ((3, 4), lambda M: ([M.tensor(True), 1],)),             # bools and ints: positions
    ((3, 4), lambda M: ((M.tensor([0, 1]), M.tensor([2, 1])),)),
    ((3, 4), lambda M: ((M.tensor(1.5), M.tensor(2)),)),
    ((3, 4), lambda M: ([1.5, -1.5],)),                     # floats in a list: truncated
    ((3, 4), lambda M: [0, [1, 2]]),                        # a list holding a list: a tuple
    ((3, 4), lambda M: [M.tensor(0), 1]),
    ((3, 4), lambda M: [0] * 31 + [slice(None)]),           # 32 items: no longer a tuple
    ((3, 4), lambda M: np.array([[0, 1], [1, 2]])),
    ((3, 4), lambda M: np.array([1.0, 2.7])),
    ((3, 4), lambda M: (np.array(True), 0)),
    ((3, 4), lambda M: M.tensor(1, dtype=M.uint8)),
    ((3, 4), lambda M: (M.tensor([True, False, True]), M.tensor(1, dtype=M.int8))),
    ((3, 4), lambda M: (slice(M.tensor(0), M.tensor(3), M.tensor(2)), 1)),
    ((3, 4), lambda M: (slice(None, None, -1),)),
    ((3, 4), lambda M: (slice(None, None, 0),)),
    ((3, 4), lambda M: slice(1.0, None)),
    ((3, 4), lambda M: b"a"),
    ((3, 4), lambda M: ((1 + 2j,),)),
    ((3, 4), lambda M: ([0, None],)),
    ((3, 4), lambda M: {0: 1}),
    ((3, 4), lambda M: np.float64(1.0)),
    ((3, 4), lambda M: np.bool_(True)),
    ((), lambda M: 0),
    ((), lambda M: 5),
    ((), lambda M: slice(None)),
    ((), lambda M: (None, False)),
    ((), lambda M: M.tensor(0)),
    ((0, 3), lambda M: [0]),
    ((3, 0), lambda M: (slice(None), [5])),
    ((3, 0), lambda M: [5]),
    ((3, 4), lambda M: (slice(2, 2), [9])),
]


@pytest.mark.parametrize("shape, index", CORNERS)
def test_odd_indices_read_as_in_torch(torch, shape, index):
    case = Case(shape, (Item("built", index),), "alone", 0)
    want, got = _both(case, _read)
    _same(case, got, want)


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int32", "int64", "float16", "float32",
                                   "bool"])
@pytest.mark.parametrize("number", [255, 256, -1, -255, -256, 1.7, -1.5, 300.0, 2**31, 1e39,
                                    float("inf"), float("nan"), True])
def test_a_number_written_must_fit_the_dtype_as_in_torch(torch, dtype, number):
    if dtype == "float16" and number in (2**31, 1e39):
        pytest.xfail("torch writes inf into float16; _checks.overflows refuses the number")
    outcomes = []
    for M in (torch, L):
        x = M.zeros(3, dtype=getattr(M, dtype))
        try:
            x[[0, 2]] = number
            x[1] = number
            outcomes.append(Outcome(value=x.numpy().astype(np.float64)))
        except Exception as e:  # noqa: BLE001 -- the error is the outcome being compared
            outcomes.append(Outcome(error=e))
    want, got = outcomes
    if want.value is not None and got.value is not None:
        np.testing.assert_array_equal(got.value, want.value)
    else:
        _same(number, got, want)
