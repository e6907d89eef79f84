"""nn.functional's padding, resampling and distance ops (issue 12) beyond the op table:
known values without torch, then sweeps of pad and interpolate against torch (values and
errors), integer inputs, argument errors and rrelu's random slopes.  The differentiable
cases (gradients, double backward, special values) are in op_cases_nn_more.py."""
import warnings

import numpy as np
import pytest

import tinytorch
import tinytorch.nn.functional as F
from tinytorch.autograd import gradcheck, gradgradcheck


def T(a, **kw):
    return tinytorch.tensor(a, **kw)


# --- torch-free checks ------------------------------------------------------------------

def test_pad_modes_known_values():
    x = tinytorch.arange(4.).reshape(1, 4)
    assert F.pad(x, (2, 1), mode="reflect").tolist() == [[2., 1., 0., 1., 2., 3., 2.]]
    assert F.pad(x, (2, 1), mode="replicate").tolist() == [[0., 0., 0., 1., 2., 3., 3.]]
    assert F.pad(x, (2, 1), mode="circular").tolist() == [[2., 3., 0., 1., 2., 3., 0.]]
    assert F.pad(x, (1, -2), value=9.).tolist() == [[9., 0., 1.]]
    assert F.pad(x, (-1, -1)).tolist() == [[1., 2.]]


def test_pad_keeps_integer_and_bool_dtypes():
    out = F.pad(tinytorch.ones(2, 2, dtype=tinytorch.int64), (1, 0), value=1.7)
    assert out.dtype == tinytorch.int64 and out.tolist() == [[1, 1, 1], [1, 1, 1]]
    out = F.pad(tinytorch.zeros(1, 2, dtype=tinytorch.bool), (1, 1), value=2.0)
    assert out.dtype == tinytorch.bool and out.tolist() == [[True, False, False, True]]


def test_interpolate_known_values():
    x = T([[[0., 1., 2.]]])
    assert F.interpolate(x, size=6).tolist() == [[[0., 0., 1., 1., 2., 2.]]]
    lin = F.interpolate(x, size=5, mode="linear", align_corners=True)
    assert np.allclose(lin.numpy(), [[[0., .5, 1., 1.5, 2.]]])
    lin = F.interpolate(x, scale_factor=2, mode="linear")
    assert np.allclose(lin.numpy(), [[[0., .25, .75, 1.25, 1.75, 2.]]])


def test_interpolate_is_linear_so_its_gradient_is_its_adjoint():
    rng = np.random.default_rng(0)
    for mode, shape, size in [("bilinear", (1, 2, 3, 4), (5, 2)), ("bicubic", (1, 1, 3, 4),
                                                                      (6, 7)),
                              ("nearest", (1, 2, 5), 3), ("trilinear", (1, 1, 2, 2, 3),
                                                          (3, 3, 2))]:
        x = T(rng.standard_normal(shape), requires_grad=True)
        align = None if mode == "nearest" else False
        y = F.interpolate(x, size=size, mode=mode, align_corners=align)
        g = T(rng.standard_normal(tuple(y.shape)))
        (gx,) = tinytorch.autograd.grad(y, x, g)
        # <A x, g> = <x, Aᵀ g>
        assert np.isclose(float((y * g).sum()), float((x * gx).sum()))


def test_fold_of_unfold_counts_the_windows_of_each_pixel():
    x = tinytorch.ones(1, 1, 3, 3)
    out = F.fold(F.unfold(x, 2), (3, 3), 2)
    assert out.tolist() == [[[[1., 2., 1.], [2., 4., 2.], [1., 2., 1.]]]]


def test_pixel_unshuffle_inverts_pixel_shuffle():
    x = tinytorch.randn(2, 8, 3, 5)
    assert tinytorch.equal(F.pixel_unshuffle(F.pixel_shuffle(x, 2), 2), x)


def test_normalize_rows_have_unit_norm():
    y = F.normalize(tinytorch.randn(4, 5), dim=1)
    assert np.allclose(y.norm(dim=1).numpy(), 1.0)


def test_resample_double_backward_on_uint8_free_paths():
    x = T(np.random.default_rng(1).standard_normal((1, 1, 3, 4)), requires_grad=True)
    assert gradcheck(lambda t: F.pad(t, (1, 2, 2, 1), mode="reflect"), (x,))
    assert gradgradcheck(lambda t: F.interpolate(t, scale_factor=1.5, mode="bicubic"), (x,))


def test_rrelu_eval_is_leaky_relu_with_the_mean_slope():
    x = T([-2.0, 0.5])
    assert np.allclose(F.rrelu(x, 0.1, 0.3).numpy(), [-0.4, 0.5])


def test_rrelu_training_draws_slopes_from_tinytorchs_generator():
    x = tinytorch.full((1000,), -1.0, requires_grad=True)
    tinytorch.manual_seed(0)
    a = F.rrelu(x, 0.2, 0.4, training=True)
    tinytorch.manual_seed(0)
    b = F.rrelu(x, 0.2, 0.4, training=True)
    assert tinytorch.equal(a, b)
    slopes = -a.detach().numpy()
    assert slopes.min() >= 0.2 and slopes.max() <= 0.4 and abs(slopes.mean() - 0.3) < 0.01
    a.sum().backward()
    assert np.allclose(x.grad.numpy(), slopes)         # the gradient is each element's slope
    pos = F.rrelu(tinytorch.ones(5), training=True)
    assert pos.tolist() == [1.0] * 5


def test_rrelu_inplace():
    x = T([-1.0, 2.0])
    out = F.rrelu_(x, 0.2, 0.2, training=True)
    assert out is x and np.allclose(x.numpy(), [-0.2, 2.0])
    y = T([-1.0, 2.0])
    F.rrelu(y, inplace=True)
    assert np.allclose(y.numpy(), [-(1 / 8 + 1 / 3) / 2, 2.0])


# --- against torch ----------------------------------------------------------------------

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _both(fn_name, x, *args, **kw):
    """(torch's result or exception, ours) for F.<fn_name>(x, ...)."""
    out = []
    for lib, F_ in ((torch, TF), (tinytorch, F)):
        xs = lib.tensor(x) if isinstance(x, np.ndarray) else x
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out.append(getattr(F_, fn_name)(xs, *args, **kw))
        except Exception as e:          # noqa: BLE001 - the type is what is compared
            out.append(e)
    return out


def _same(ref, got, exact=True, tol=1e-6):
    if isinstance(ref, Exception) or isinstance(got, Exception):
        assert type(got) is type(ref), (ref, got)
        return
    assert tuple(got.shape) == tuple(ref.shape)
    assert str(got.dtype).split(".")[-1] == str(ref.dtype).split(".")[-1]
    if exact:
        np.testing.assert_array_equal(got.numpy(), ref.numpy())
    else:
        np.testing.assert_allclose(got.numpy(), ref.numpy(), rtol=tol, atol=tol)


def _circular_undefined(shape, pads):
    """torch reads past the cropped part (uninitialised memory) when a circular pad wraps
    more than the part that negative pads leave: tinytorch raises instead."""
    k = len(pads) // 2
    for i in range(min(k, len(shape))):
        a, b = pads[2 * i], pads[2 * i + 1]
        n = shape[-1 - i]
        m = n - max(-a, 0) - max(-b, 0)
        if n + a + b > 0 and (max(a, 0) > m or max(b, 0) > m):
            return True
    return False


@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
def test_pad_sweep_matches_torch(mode):
    rng = np.random.default_rng(7)
    shapes = [(1, 3), (2, 4), (2, 3, 4), (1, 2, 3, 4), (2, 1, 3, 4, 5), (3, 4, 5), (0, 3, 4),
              (2, 0, 4), (1, 1, 1, 1, 1, 2), (5,)]
    for shape in shapes:
        for k in (1, 2, 3, 4):
            for _ in range(8):
                pads = tuple(int(v) for v in rng.integers(-3, 4, 2 * k))
                if mode == "circular" and _circular_undefined(shape, pads):
                    continue
                ref, got = _both("pad", rng.standard_normal(shape), pads, mode=mode)
                _same(ref, got)


@pytest.mark.parametrize("args, kw", [
    ((2, 3), dict(mode="reflect", value=1.0)), ((2, 3), dict(mode="wrap")),
    ((1, 1, 1), {}), ((1, 1, 1, 1, 1, 1), {}), ((1.5, 1), {}), ((1, 1), dict(mode="reflect")),
])
def test_pad_argument_errors_match_torch(args, kw):
    x = np.ones((2, 3)) if len(args) != 2 or kw.get("mode") != "reflect" else np.ones(3)
    ref, got = _both("pad", x, args, **kw)
    assert isinstance(ref, Exception)
    _same(ref, got)


_INTERP = [(m, nd) for m, nd in [("nearest", 3), ("nearest", 4), ("nearest", 5),
                                  ("nearest-exact", 3), ("nearest-exact", 4), ("linear", 3),
                                  ("bilinear", 4), ("bicubic", 4), ("trilinear", 5)]]


@pytest.mark.parametrize("mode, nd", _INTERP)
def test_interpolate_sweep_matches_torch(mode, nd):
    """Size and scale-factor paths (torch computes positions differently for each), up and
    down, align_corners both ways, float64 and float32."""
    rng = np.random.default_rng(3)
    specs = [("size", s) for s in (1, 2, 3, 4, 6, 11)]
    specs += [("scale_factor", s) for s in (0.5, 1.5, 2.0, 3.0, 0.7, 1.3, 1.15, 2.05, 1 / 3)]
    sizes = (1, 2, 3, 5, 10) if nd < 5 else (1, 2, 3)
    for n_in in sizes:
        for key, v in specs:
            for ac in ([None] if mode.startswith("nearest") else [False, True]):
                for dt in (np.float64, np.float32):
                    x = rng.standard_normal((2, 2) + (n_in,) * (nd - 2)).astype(dt)
                    ref, got = _both("interpolate", x, mode=mode, align_corners=ac,
                                     **{key: v})
                    _same(ref, got, exact=False, tol=1e-12 if dt == np.float64 else 1e-5)


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
def test_interpolate_antialias_sweep_matches_torch(mode):
    rng = np.random.default_rng(5)
    for h, w in [(1, 9), (5, 9), (8, 3)]:
        for kw in (dict(size=(3, 4)), dict(size=(12, 2)), dict(scale_factor=0.4),
                   dict(scale_factor=(0.3, 1.7)), dict(size=(1, 1))):
            if (h, w) == (8, 3) and kw == dict(scale_factor=0.4):
                continue        # torch 2.13 repeats its first row there (3x1 output)
            for ac in (False, True):
                for dt in (np.float64, np.float32):
                    x = rng.standard_normal((2, 1, h, w)).astype(dt)
                    ref, got = _both("interpolate", x, mode=mode, antialias=True,
                                     align_corners=ac, **kw)
                    _same(ref, got, exact=False, tol=1e-12 if dt == np.float64 else 1e-5)


def test_interpolate_area_matches_torch():
    x = np.random.default_rng(0).standard_normal((2, 3, 5, 7))
    for kw in (dict(size=(2, 3)), dict(scale_factor=(0.7, 1.6)), dict(size=1)):
        _same(*_both("interpolate", x, mode="area", **kw), exact=False, tol=1e-12)
    _same(*_both("interpolate", x[0], mode="area", size=4), exact=False, tol=1e-12)


def test_interpolate_uint8_nearest_matches_torch():
    x = np.random.default_rng(0).integers(0, 256, (1, 2, 5, 7)).astype(np.uint8)
    for mode in ("nearest", "nearest-exact"):
        for kw in (dict(size=(3, 11)), dict(scale_factor=1.7)):
            ref, got = _both("interpolate", x, mode=mode, **kw)
            _same(ref, got)


def test_interpolate_float16_keeps_its_dtype():
    x = np.random.default_rng(0).standard_normal((1, 1, 3, 4)).astype(np.float16)
    ref, got = _both("interpolate", x, size=(5, 6), mode="bilinear")
    _same(ref, got, exact=False, tol=2e-3)


@pytest.mark.parametrize("x, kw", [
    (np.ones((1, 1, 3)), dict(size=4, mode="nearest", align_corners=True)),
    (np.ones((1, 1, 3)), dict(size=4, scale_factor=2)),
    (np.ones((1, 1, 3)), {}),
    (np.ones((1, 1, 3)), dict(size=(4, 4))),
    (np.ones((1, 1, 3)), dict(scale_factor=(2, 2))),
    (np.ones((1, 1, 3)), dict(size=4, recompute_scale_factor=True)),
    (np.ones((1, 1, 3)), dict(size=4, mode="bilinear")),
    (np.ones((1, 1, 3, 3)), dict(size=4, mode="linear")),
    (np.ones((1, 1, 3, 3)), dict(size=4, mode="trilinear")),
    (np.ones((1, 1, 3)), dict(size=4, mode="bicubic")),
    (np.ones((1, 1, 3)), dict(size=4, mode="cubic")),
    (np.ones(3), dict(size=4)),
    (np.ones((1, 1, 3)), dict(size=4, mode="linear", antialias=True)),
    (np.ones((1, 1, 3, 3)), dict(size=4, mode="nearest", antialias=True)),
    (np.ones((1, 1, 3)), dict(size=0)),
    (np.ones((1, 1, 3)), dict(scale_factor=0.2)),
    (np.ones((1, 0, 3)), dict(size=4)),
    (np.ones((1, 1, 0)), dict(size=4)),
    (np.ones((1, 1, 3), np.int64), dict(size=4)),
    (np.ones((1, 1, 3), np.uint8), dict(size=4, mode="linear")),
    (np.ones((1, 1, 3), np.bool_), dict(size=4)),
])
def test_interpolate_errors_match_torch(x, kw):
    ref, got = _both("interpolate", x, **kw)
    assert isinstance(ref, Exception)
    _same(ref, got)


def test_interpolate_empty_batch():
    ref, got = _both("interpolate", np.ones((0, 2, 3)), size=5, mode="linear")
    _same(ref, got)


@pytest.mark.parametrize("name, x, args, kw", [
    ("unfold", np.ones((1, 1, 2, 2)), (3,), {}),
    ("unfold", np.ones((2, 2)), (1,), {}),
    ("unfold", np.ones((1, 1, 1, 2, 2)), (1,), {}),
    ("unfold", np.ones((1, 0, 2, 2)), (1,), {}),
    ("unfold", np.ones((1, 1, 3, 3), np.int64), (2,), {}),
    ("fold", np.ones((1, 5, 9)), (4, 2), {}),
    ("fold", np.ones((1, 4, 8)), (4, 2), {}),
    ("fold", np.ones((1, 1, 4, 9)), (4, 2), {}),
    ("pixel_shuffle", np.ones((2, 3)), (2,), {}),
    ("pixel_shuffle", np.ones((5, 2, 3)), (2,), {}),
    ("pixel_shuffle", np.ones((4, 2, 3)), (0,), {}),
    ("pixel_unshuffle", np.ones((1, 5, 2)), (2,), {}),
    ("pixel_unshuffle", np.ones((1, 4, 5)), (2,), {}),
    ("normalize", np.ones(4), (), {}),
    ("normalize", np.ones((2, 4), np.int64), (), {}),
])
def test_argument_errors_match_torch(name, x, args, kw):
    ref, got = _both(name, x, *args, **kw)
    assert isinstance(ref, Exception)
    _same(ref, got)


def test_unfold_fold_pixel_shuffle_values_match_torch():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 5, 6))
    kw = dict(kernel_size=(2, 3), dilation=(2, 1), padding=(1, 0), stride=2)
    ref, got = _both("unfold", x, **kw)
    _same(ref, got)
    ref2, got2 = _both("fold", ref.numpy(), (5, 6), **kw)
    _same(ref2, got2, exact=False, tol=1e-12)
    ref, got = _both("pixel_shuffle", rng.standard_normal((4, 2, 3)).astype(np.int64), 2)
    _same(ref, got)


def _pair(name, a, b, *args, **kw):
    out = []
    for lib, F_ in ((torch, TF), (tinytorch, F)):
        try:
            out.append(getattr(F_, name)(lib.tensor(a), lib.tensor(b), *args, **kw))
        except Exception as e:          # noqa: BLE001
            out.append(e)
    return out


@pytest.mark.parametrize("name, a, b, args, kw", [
    ("cosine_similarity", np.ones((3, 4)), np.ones((2, 4)), (), {}),
    ("cosine_similarity", np.ones(4), np.ones(4), (), {}),
    ("cosine_similarity", np.ones(4, np.int64), np.ones(4, np.int64), (0,), {}),
    ("cosine_similarity", np.ones(4, np.int64), np.ones(4, np.float32), (0,), {}),
    ("cosine_similarity", np.array(2.), np.array(-3.), (0,), {}),
    ("cosine_similarity", np.ones((3, 0)), np.ones((3, 0)), (), {}),
    ("cosine_similarity", np.ones(4, np.float16), np.ones(4, np.float32), (0,), {}),
    ("pairwise_distance", np.ones((2, 4)), np.zeros((3, 4)), (), {}),
    ("pairwise_distance", np.ones((2, 4), np.int64), np.zeros(4, np.int64), (), {}),
    ("pairwise_distance", np.array(1.), np.array(2.5), (), dict(keepdim=True)),
    ("pairwise_distance", np.arange(8.).reshape(2, 4), np.zeros((2, 4)), (0,), {}),
    ("pairwise_distance", np.arange(8.).reshape(2, 4), np.ones((2, 4)), (float("inf"),), {}),
    ("pairwise_distance", np.arange(8.).reshape(2, 4), np.ones((2, 4)), (-1,), {}),
    ("pairwise_distance", np.ones((2, 0)), np.ones((2, 0)), (), {}),
])
def test_distances_match_torch(name, a, b, args, kw):
    ref, got = _pair(name, a, b, *args, **kw)
    _same(ref, got, exact=False)


def test_cosine_similarity_gradient_flows_through_the_unclamped_norm_as_torchs():
    a = np.array([[1e-9, 2e-9], [1.0, 2.0]])
    b = np.array([[3.0, 1.0], [0.5, -1.0]])
    grads = []
    for lib, F_ in ((torch, TF), (tinytorch, F)):
        x, y = lib.tensor(a, requires_grad=True), lib.tensor(b, requires_grad=True)
        F_.cosine_similarity(x, y).sum().backward()
        grads.append((x.grad.numpy(), y.grad.numpy()))
    for r, g in zip(*grads):
        np.testing.assert_allclose(g, r, rtol=1e-10)


@pytest.mark.parametrize("x", [np.array(3.0), np.array(-2.0)])
def test_zero_dim_norms_match_torch(x):
    _same(*_both("normalize", x, dim=0), exact=False)
    _same(*_pair("pairwise_distance", x, np.array(0.5)), exact=False)
    _same(*_pair("cosine_similarity", x, np.array(0.5), 0), exact=False)


def test_rrelu_errors_match_torch():
    for x, kw in [(np.ones(3), dict(lower=0.5, upper=0.2)),
                  (np.ones(3, np.int64), dict(training=True)), (np.ones(3, np.int64), {})]:
        ref, got = _both("rrelu", x, **kw)
        assert isinstance(ref, Exception)
        _same(ref, got)


def test_deprecated_upsample_names_warn_as_torch():
    for fn, kw in [("upsample", dict(size=4)), ("upsample_nearest", dict(size=4)),
                   ("upsample_bilinear", dict(size=4))]:
        x = np.ones((1, 1, 2, 2))
        with pytest.warns(UserWarning, match="deprecated"):
            got = getattr(F, fn)(T(x), **kw)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = getattr(TF, fn)(torch.tensor(x), **kw)
        _same(ref, got, exact=False)
