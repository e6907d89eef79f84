"""Random streams that reproduce PyTorch's CPU generator bit for bit (pure numpy, vectorised).

How torch's CPU generator works and how its samplers use it (PyTorch 2.x ATen, checked
against torch 2.13):

* Engine: MT19937.  ``manual_seed(s)`` keeps ``s`` as a uint64 (negative seeds wrap modulo
  2**64), runs the classic ``init_genrand`` on ``s & 0xffffffff`` and drops the cached
  normals.  ``random()`` is one tempered 32-bit output; ``random64()`` takes two outputs
  ``a, b`` and returns ``(a << 32) | b``.  numpy's ``MT19937`` bit generator has the same
  recurrence and tempering, so its ``random_raw`` gives the same words once its key is the
  torch state (numpy ``pos = 624`` is torch's "twist before the next output").
* Arithmetic depends on the kernels torch runs (``torch.backends.cpu.get_cpu_capability()``):
  the AVX2 and AVX-512 kernels are compiled with FMA and the compiler fuses each multiply
  whose only use is an add (in source order), so ``a * b + c`` below is one rounding there
  and two in the DEFAULT kernels.  ``configure`` selects this; the import guesses it.
* uniform on [a, b): float32 (and float16, computed in float32) takes one ``random()`` per
  element, ``x = (r & (2**24-1)) * 2**-24``; float64 one ``random64()``,
  ``x = (r & (2**53-1)) * 2**-53``; the value is ``x * (b - a) + a`` (``b - a`` rounded
  first), rounded to the dtype, and a value equal to ``b`` becomes ``a``.
* normal, per element (numel < 16, or not contiguous: then at any size, in memory order;
  every dtype): float64 Box-Muller from two float64 uniforms ``u1, u2``:
  ``r = sqrt(-2 log1p(-u2))``, ``t = 2 pi u1``; the element
  is ``r cos t`` and ``r sin t`` is cached in the generator, where the next per-element
  normal draw (also log_normal_) takes it before drawing new uniforms; the result is
  ``z * std + mean`` in float64, rounded to the dtype.
* normal, vectorised (numel >= 16 and contiguous): ``n`` uniforms of the dtype fill the
  output; each whole block of 16 ``d[0:16]`` becomes, for j < 8, ``u1 = 1 - d[j]``,
  ``u2 = d[j+8]``, ``r = sqrt(-2 log u1)``, ``t = 2 pi u2``, ``d[j] = fma(r cos t, std,
  mean)``, ``d[j+8] = fma(r sin t, std, mean)``.  When ``n % 16 != 0`` the last 16 elements
  are refilled with 16 new uniforms and transformed again as one block.  float64 uses libm's
  ``log``/``cos``/``sin``; float32 in the AVX2 kernels uses the Cephes-style polynomials
  ``log256_ps``/``sincos256_ps`` of avx_mathfun in float32, elsewhere libm's ``logf``/
  ``cosf``/``sinf`` (not correctly rounded, so they are called through ctypes) with
  ``t = (float)(2 pi (double)u2)``.  float16 draws 16 float32 uniforms per block, so its
  stream differs from float32's when ``n % 16 != 0``.
* randint / random_(low, high): ``range = high - low``; ``random64()`` per element when
  ``range >= 2**32`` (int64/float64/float32 outputs), else ``random()``; the value is
  ``r % range + low`` (no rejection).  random_(): ``r % (max + 1)`` for integer dtypes
  (``random64()`` for int64), ``r % (2**digits + 1)`` for floats (``random64()`` for
  float64), the lowest bit for bool.
* randperm(n) (n < (2**32-1) / 20): from ``0..n-1``, for ``i`` in ``0..n-2`` swap elements
  ``i`` and ``i + random() % (n - i)``.  Larger n: "inside-out" with ``random64() % (i+1)``.
* bernoulli(p tensor): one uniform per element (float32 uniform for float p, float64 for
  double p), ``u < p``.  ``bernoulli_(p float)`` (dropout's mask: ``bernoulli_(1 - p)``
  then ``/ (1 - p)``): float64 uniforms, ``u < p`` (release builds leave MKL's stream off).
* exponential_(l): ``-1/l * log1p(-u)``; cauchy_(m, s): ``m + s tan(pi (u - 1/2))``;
  geometric_(p): ``ceil(log u / log1p(-p))``; log_normal_: ``exp`` of the per-element normal;
  all from float64 uniforms, computed in float64, rounded to the dtype (``to_dtype``: float16
  goes through float32, as c10::Half converts from float).
* multinomial with replacement (n > 1): per row, running sums of the probabilities in the
  dtype divided by the total, the last set to 1; each sample draws one float64 uniform and
  takes the first bin whose value is >= it.  Without replacement, or one sample:
  ``q = exponential_(1)`` over all elements, then argmax / top-k of ``p / q``.
* get_rng_state(): 5056 bytes, see ``TorchStream.torch_state``.
"""
import math
import struct

import numpy as np

__all__ = []
METHODS = {}

_DEFAULT_SEED = 67280421310721
_M64 = (1 << 64) - 1

# How the torch build computes, by the CPU kernels it runs (torch.backends.cpu.
# get_cpu_capability()): "AVX2" kernels fuse multiply-adds and use avx_mathfun for float32
# normals (verified); "DEFAULT" kernels do not fuse and call libm (verified with
# ATEN_CPU_CAPABILITY=default); "AVX512" kernels fuse and call libm (inferred, not verified).
FUSED_MADD = True
FLOAT32_NORMAL_MATH = "avx2"


def configure(capability):
    """Follow the arithmetic of torch's ``capability`` kernels: AVX2, AVX512 or DEFAULT."""
    global FUSED_MADD, FLOAT32_NORMAL_MATH
    capability = capability.upper()
    if capability not in ("AVX2", "AVX512", "DEFAULT"):
        raise ValueError(f"unknown CPU capability {capability!r}")
    FUSED_MADD = capability != "DEFAULT"
    FLOAT32_NORMAL_MATH = "avx2" if capability == "AVX2" else "libm"


def guess_capability():
    """The kernels torch picks on this CPU, by its rule: ``ATEN_CPU_CAPABILITY`` if set, else
    AVX512 with AVX-512 VL/BW/DQ and FMA, AVX2 with AVX2 and FMA, else DEFAULT (CPU
    features as numpy detects them; ARM builds are not verified)."""
    import os
    env = os.environ.get("ATEN_CPU_CAPABILITY", "").upper()
    if env in ("AVX2", "AVX512", "DEFAULT"):
        return env
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as feat
    except ImportError:  # numpy < 2
        from numpy.core._multiarray_umath import __cpu_features__ as feat
    if not feat.get("FMA3"):
        return "DEFAULT"
    if all(feat.get(f) for f in ("AVX512VL", "AVX512BW", "AVX512DQ")):
        return "AVX512"
    return "AVX2" if feat.get("AVX2") else "DEFAULT"


configure(guess_capability())


def _init_key(seed32):
    """MT19937 ``init_genrand``: the 624-word state for a 32-bit seed."""
    key = [0] * 624
    key[0] = prev = seed32 & 0xFFFFFFFF
    for j in range(1, 624):
        prev = (1812433253 * (prev ^ (prev >> 30)) + j) & 0xFFFFFFFF
        key[j] = prev
    return np.array(key, dtype=np.uint32)


class TorchStream:
    """The state of torch's CPU generator: MT19937 words plus the two cached normals."""

    def __init__(self, seed=_DEFAULT_SEED):
        self._bg = np.random.MT19937(0)
        self.manual_seed(seed)

    def manual_seed(self, seed):
        """Seed as ``torch.manual_seed``: uint64 seed, MT19937 on its low 32 bits."""
        seed = int(seed) & _M64
        self.seed = seed
        self._bg.state = {"bit_generator": "MT19937",
                          "state": {"key": _init_key(seed), "pos": 624}}
        self.next_double_normal = None
        self.next_float_normal = None  # torch keeps one; no CPU sampler reads it
        self._fresh = True  # seeded, nothing drawn yet (torch's next = 0 rather than 624)
        return self

    def get_state(self):
        """A snapshot (seed, MT19937 words, position, cached normals) for ``set_state``."""
        st = self._bg.state["state"]
        return (self.seed, st["key"].copy(), int(st["pos"]), self.next_double_normal,
                self.next_float_normal)

    def set_state(self, state):
        """Restore a ``get_state`` snapshot."""
        seed, key, pos, nd, nf = state
        self.seed = seed
        self._bg.state = {"bit_generator": "MT19937",
                          "state": {"key": np.asarray(key, np.uint32).copy(), "pos": int(pos)}}
        self.next_double_normal, self.next_float_normal = nd, nf
        self._fresh = False

    def torch_state(self):
        """The 5056-byte state ``torch.get_rng_state()`` returns for this stream: seed (u64),
        left, seeded (i32), next (u64), the 624 words (as u64), normal_x, normal_y (the cached
        double normal), normal_rho (f64), normal_is_valid (i32, padded), then the cached float
        normal (f32) and its valid flag (bool, padded)."""
        st = self._bg.state["state"]
        pos = int(st["pos"])
        left, nxt = (1, 624) if pos >= 624 else (625 - pos, pos)
        if pos >= 624 and self._fresh:
            nxt = 0
        buf = bytearray(5056)
        struct.pack_into("<QiiQ", buf, 0, self.seed, left, 1, nxt)
        buf[24:24 + 624 * 8] = np.asarray(st["key"], np.uint64).tobytes()
        nd = self.next_double_normal
        struct.pack_into("<dddi", buf, 5016, 0.0, 0.0 if nd is None else nd, 0.0, nd is not None)
        nf = self.next_float_normal
        struct.pack_into("<f?", buf, 5048, 0.0 if nf is None else nf, nf is not None)
        return np.frombuffer(bytes(buf), np.uint8).copy()

    def set_torch_state(self, state):
        """Load a state in ``torch.get_rng_state()``'s byte layout (see ``torch_state``)."""
        buf = np.asarray(state, np.uint8).tobytes()
        if len(buf) != 5056:
            raise RuntimeError("Expected a CPUGeneratorImplState of size 5056 but found the "
                               f"input RNG state size to be {len(buf)}")
        seed, left, _, nxt = struct.unpack_from("<QiiQ", buf, 0)
        if not (0 < left <= 624 and nxt <= 624):
            raise RuntimeError("Invalid mt19937 state")
        key = np.frombuffer(buf[24:24 + 624 * 8], np.uint64).astype(np.uint32)
        self.seed = seed
        self._bg.state = {"bit_generator": "MT19937",
                          "state": {"key": key, "pos": 624 if left == 1 else nxt}}
        self._fresh = left == 1 and nxt == 0
        _, ny, _, valid = struct.unpack_from("<dddi", buf, 5016)
        self.next_double_normal = ny if valid else None
        nf, fvalid = struct.unpack_from("<f?", buf, 5048)
        self.next_float_normal = nf if fvalid else None

    def random(self, n):
        """``n`` consecutive ``random()`` words (uint32)."""
        if n <= 0:
            return np.zeros(0, np.uint32)
        self._fresh = False
        return self._bg.random_raw(int(n)).astype(np.uint32)

    def random64(self, n):
        """``n`` consecutive ``random64()`` values: (first word << 32) | second word."""
        if n <= 0:
            return np.zeros(0, np.uint64)
        self._fresh = False
        w = self._bg.random_raw(2 * int(n))  # 32-bit words held in uint64
        return (w[0::2] << np.uint64(32)) | w[1::2]


# ---------------------------------------------------------------------------------- uniform

def _unit(g, n, dtype):
    """``n`` draws of torch's [0, 1) uniform in ``dtype`` (float32 or float64)."""
    if np.dtype(dtype) == np.float64:
        return (g.random64(n) & np.uint64((1 << 53) - 1)).astype(np.float64) * 2.0 ** -53
    return ((g.random(n) & np.uint32((1 << 24) - 1)).astype(np.float32)
            * np.float32(2.0 ** -24))


def uniform(g, n, dtype=np.float32, low=0.0, high=1.0):
    """``torch.empty(n, dtype=dtype).uniform_(low, high)`` (also ``torch.rand`` for 0, 1)."""
    dtype = np.dtype(dtype)
    op = np.float64 if dtype == np.float64 else np.float32
    x = _unit(g, n, op)
    lo, hi = op(low), op(high)
    if lo == 0 and hi == 1:
        out = x.astype(dtype)
    elif FUSED_MADD:  # the compiled kernel fuses x * (hi - lo) + lo
        out = (_fma64 if op is np.float64 else _fma32)(x, hi - lo, lo).astype(dtype)
    else:
        out = (x * (hi - lo) + lo).astype(dtype)
    lo_d, hi_d = dtype.type(low), dtype.type(high)
    out[out == hi_d] = lo_d
    return out


# ----------------------------------------------------------------------------------- normal

def _normal_scalar(g, n, mean, std):
    """The per-element float64 Box-Muller with the generator's cached second value."""
    out = np.empty(n, np.float64)
    i = 0
    if n and g.next_double_normal is not None:
        out[0] = g.next_double_normal
        g.next_double_normal = None
        i = 1
    m = n - i
    if m > 0:
        pairs = (m + 1) // 2
        u = _unit(g, 2 * pairs, np.float64)
        u1, u2 = u[0::2], u[1::2]
        r = np.sqrt(-2.0 * np.log1p(-u2))
        t = 2.0 * math.pi * u1
        z = np.empty(2 * pairs, np.float64)
        z[0::2] = r * np.cos(t)
        z[1::2] = r * np.sin(t)
        out[i:] = z[:m]
        if m % 2:
            g.next_double_normal = float(z[-1])
    if FUSED_MADD:  # the compiled kernel fuses z * std + mean
        return _fma64(out, std, mean)
    return out * float(std) + float(mean)


def _two_sum(x, y):
    """``x + y = s + t`` exactly (Knuth)."""
    s = x + y
    bb = s - x
    return s, (x - (s - bb)) + (y - bb)


def _add_odd(x, y):
    """float64 ``x + y`` rounded to odd (inexact results get an odd last bit), so that one
    more rounding to a narrower precision, or after adding a much larger value, is exact."""
    s, t = _two_sum(x, y)
    fix = (t != 0) & ((s.view(np.uint64) & np.uint64(1)) == 0) & np.isfinite(s)
    if fix.any():
        s[fix] = np.nextafter(s[fix], np.where(t[fix] > 0, np.inf, -np.inf))
    return s


def _fma64(a, b, c):
    """float64 ``a * b + c`` with one rounding, as ``std::fma`` (Boldo-Melquiond: exact
    product by Veltkamp splitting, exact sum, the low parts added rounded to odd)."""
    a = np.array(a, np.float64, ndmin=1)
    b, c = np.float64(b), np.float64(c)
    if b == 1.0 and c == 0.0:
        return a
    p = a * b
    split = 134217729.0  # 2**27 + 1
    ah = a * split
    ah = ah - (ah - a)
    al = a - ah
    bh = b * split
    bh = bh - (bh - b)
    bl = b - bh
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    th, tl = _two_sum(np.full_like(p, c), p)
    return th + _add_odd(tl, e)


_HALFWAY32 = np.uint64(1 << 28)  # the 29 bits float64 has beyond float32: a halfway point
_LOW29 = np.uint64((1 << 29) - 1)


def _fma32(a, b, c):
    """float32 ``a * b + c`` with one rounding.  The float64 product is exact and the float64
    sum then rounds to float32 correctly unless it landed exactly on a float32 halfway point
    (or is tiny); those few are redone with the sum rounded to odd, which is always exact."""
    p = np.multiply(a, b if b.__class__ is np.float32 else np.float32(b), dtype=np.float64)
    if c.__class__ is not np.float32 and not (c.__class__ is np.ndarray and c.dtype == _F):
        c = np.asarray(c, np.float32)
    s = np.add(p, c)
    redo = (s.view(np.uint64) & _LOW29) == _HALFWAY32
    redo |= np.abs(s) < 2.0 ** -125
    if redo.any():
        c = np.broadcast_to(c, p.shape).astype(np.float64)
        s[redo] = _add_odd(p[redo], c[redo])
    return s.astype(np.float32)


_F = np.float32


_LOG_P = [_F(v) for v in (7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1,
                          -1.2420140846E-1, 1.4249322787E-1, -1.6668057665E-1,
                          2.0000714765E-1, -2.4999993993E-1, 3.3333331174E-1)]
_LOG_Q1, _LOG_Q2 = _F(-2.12194440e-4), _F(0.693359375)
_SQRTHF = _F(0.707106781186547524)
_DP = [_F(v) for v in (-0.78515625, -2.4187564849853515625e-4, -3.77489497744594108e-8)]
_SIN_P = [_F(v) for v in (-1.9515295891E-4, 8.3321608736E-3, -1.6666654611E-1)]
_COS_P = [_F(v) for v in (2.443315711809948E-005, -1.388731625493765E-003,
                          4.166664568298827E-002)]
_FOPI = _F(1.27323954473516)
_HALF, _ONE = _F(0.5), _F(1.0)

# torch's AVX2 kernels are built with FMA enabled and the compiler contracts a multiply whose
# only use is an add into one fused multiply-add, taking the multiplies in source order (so
# in ``y * z + e * q1`` the first product is fused and the second rounded).  The _fma32 calls
# below sit exactly where that happens; plain products and sums round as usual.


def _log256(x):
    """float32 natural log of x > 0 as avx_mathfun's ``log256_ps`` (Cephes logf: mantissa in
    [sqrt(1/2), sqrt(2)), a degree-9 polynomial, and the exponent times ln 2 in two parts)."""
    x = np.maximum(x.astype(_F), np.array(1.1754944e-38, _F))
    bits = x.view(np.uint32)
    e = ((bits >> np.uint32(23)).astype(np.int32) - 127).astype(_F) + _ONE
    x = ((bits & np.uint32(0x807FFFFF)) | np.float32(0.5).view(np.uint32)).view(_F)
    mask = x < _SQRTHF
    tmp = np.where(mask, x, _F(0))
    x = x - _ONE
    e = e - np.where(mask, _ONE, _F(0))
    x = x + tmp
    z = x * x
    y = np.full_like(x, _LOG_P[0])
    for p in _LOG_P[1:]:
        y = _fma32(y, x, p)
    y = y * x
    y = _fma32(y, z, e * _LOG_Q1)
    y = _fma32(z, -_HALF, y)
    x = x + y
    return _fma32(e, _LOG_Q2, x)


def _sincos256(x):
    """float32 (sin x, cos x) for x >= 0 as avx_mathfun's ``sincos256_ps`` (Cephes sinf/cosf:
    octant j from x * 4/pi, x - j pi/4 in three parts, and the sine or cosine polynomial)."""
    x = np.abs(x.astype(_F))
    j = np.trunc(x * _FOPI).astype(np.int32)
    j = (j + 1) & ~1
    y = j.astype(_F)
    sin_neg = (j & 4) != 0
    poly = (j & 2) == 0
    for d in _DP:
        x = _fma32(y, d, x)
    cos_neg = (~(j - 2) & 4) != 0
    z = x * x
    c = np.full_like(x, _COS_P[0])
    c = _fma32(c, z, _COS_P[1])
    c = _fma32(c, z, _COS_P[2])
    c = c * z
    c = _fma32(c, z, -(z * _HALF))
    c = c + _ONE
    s = np.full_like(x, _SIN_P[0])
    s = _fma32(s, z, _SIN_P[1])
    s = _fma32(s, z, _SIN_P[2])
    s = s * z
    s = _fma32(s, x, x)
    ysin2 = np.where(poly, s, _F(0))
    ysin1 = np.where(poly, _F(0), c)
    s2 = s - ysin2
    c2 = c - ysin1
    sin = ysin1 + ysin2
    cos = c2 + s2
    return np.where(sin_neg, -sin, sin), np.where(cos_neg, -cos, cos)


_TWO_PI_F = _F(2.0 * math.pi)
_LIBM = {}


def _libm_f32(name, x):
    """The C library's float function ``name`` (logf, cosf, sinf) on every element: these are
    not correctly rounded, so only calling them gives torch's values (slow: one call each)."""
    if name not in _LIBM:
        import ctypes
        import ctypes.util
        fn = None
        for lib in (ctypes.util.find_library("m"), ctypes.util.find_library("c"), "ucrtbase"):
            try:
                fn = getattr(ctypes.CDLL(lib), name)
                break
            except (OSError, AttributeError, TypeError):
                continue
        if fn is None:
            raise RuntimeError(f"no C math library with {name} found")
        fn.restype, fn.argtypes = ctypes.c_float, [ctypes.c_float]
        _LIBM[name] = np.frompyfunc(fn, 1, 1)
    return _LIBM[name](x).astype(_F)


def _fill16(d, mean, std, dtype):
    """Box-Muller on blocks: ``d`` has shape (k, 16) of uniforms; returns the normals."""
    rows = 16384  # work in slices that stay in cache
    if len(d) > rows:
        return np.concatenate([_fill16(d[i:i + rows], mean, std, dtype)
                               for i in range(0, len(d), rows)])
    u1 = 1 - d[:, :8]
    u2 = d[:, 8:]
    out = np.empty_like(d)
    if dtype == np.float64:
        r = np.sqrt(-2 * np.log(u1))
        t = 2.0 * math.pi * u2
        out[:, :8] = _fma64(r * np.cos(t), std, mean)
        out[:, 8:] = _fma64(r * np.sin(t), std, mean)
        return out
    if FLOAT32_NORMAL_MATH == "libm":  # scalar float code: libm's logf, cosf, sinf
        r = np.sqrt(_F(-2) * _libm_f32("logf", u1))
        t = (2.0 * math.pi * u2.astype(np.float64)).astype(_F)
        cos, sin = _libm_f32("cosf", t), _libm_f32("sinf", t)
        out[:, :8] = _fma32(r * cos, std, mean)
        out[:, 8:] = _fma32(r * sin, std, mean)
        return out
    r = np.sqrt(_F(-2) * _log256(u1))
    sin, cos = _sincos256(_TWO_PI_F * u2)
    out[:, :8] = _fma32(r * cos, std, mean)
    out[:, 8:] = _fma32(r * sin, std, mean)
    return out


def to_dtype(values, dtype):
    """Round float64 sampler values to ``dtype`` as torch's ``static_cast`` does: float16 goes
    through float32 (c10::Half converts from float), so it is rounded twice."""
    dtype = np.dtype(dtype)
    if dtype == np.float16:
        return values.astype(np.float32).astype(np.float16)
    return values.astype(dtype)


def normal(g, n, dtype=np.float32, mean=0.0, std=1.0, contiguous=True):
    """``torch.empty(n, dtype=dtype).normal_(mean, std)`` (``torch.randn`` for 0, 1)."""
    dtype = np.dtype(dtype)
    if n < 16 or not contiguous:
        return to_dtype(_normal_scalar(g, n, mean, std), dtype)
    op = np.float64 if dtype == np.float64 else np.float32
    k = n // 16
    if dtype in (np.float32, np.float64):
        d = _unit(g, n, op)
        out = np.empty(n, op)
        out[:16 * k] = _fill16(d[:16 * k].reshape(k, 16), mean, std, op).ravel()
        if n % 16:
            out[n - 16:] = _fill16(_unit(g, 16, op).reshape(1, 16), mean, std, op).ravel()
        return out
    # reduced precision: 16 float32 uniforms per block, computed in float32
    d = _unit(g, 16 * k, op)
    out = np.empty(n, op)
    out[:16 * k] = _fill16(d.reshape(k, 16), mean, std, op).ravel()
    if n % 16:
        out[n - 16:] = _fill16(_unit(g, 16, op).reshape(1, 16), mean, std, op).ravel()
    return out.astype(dtype)


# --------------------------------------------------------------------------------- integers

def randint(g, low, high, n, dtype=np.int64):
    """``torch.randint(low, high, (n,))``: ``r % (high - low) + low`` per element."""
    rng = int(high) - int(low)
    if rng >= 1 << 32 and np.dtype(dtype) in (np.int64, np.float64, np.float32):
        r = g.random64(n)
    else:
        r = g.random(n).astype(np.uint64)
    v = (r % np.uint64(rng)).astype(np.int64) + np.int64(low)
    return v.astype(dtype)


def _swap_result(j):
    """The array ``0..n-1`` after swapping, for i = 0, 1, ..., n-1 in turn, the elements at
    ``i`` and ``j[i]`` (every ``j[i] >= i``), without a loop over i.

    Position i is final after step i, and holds what position j[i] held just before: the
    original j[i] if no earlier step wrote there, else what the last earlier step k with
    j[k] = j[i] moved there, which is ``f(k)``, the value at position k just before step k.
    ``f(t)`` is in turn t, or f of the last step k < t with j[k] = t: a forest of pointers
    to smaller indices whose roots are found by pointer doubling."""
    n = j.size
    idx = np.arange(n)
    order = np.argsort(j, kind="stable")  # groups of equal targets, steps ascending
    js = j[order]
    same = np.zeros(n, bool)
    same[1:] = js[1:] == js[:-1]
    prev = np.full(n, -1)  # the previous step with the same target
    prev[order[1:][same[1:]]] = order[:-1][same[1:]]
    last = np.full(n, -1)  # the last step targeting each position
    ends = np.ones(n, bool)
    ends[:-1] = ~same[1:]
    last[js[ends]] = order[ends]
    q = np.where(last == idx, prev, last)  # the last step k < t with j[k] = t
    f = np.where(q >= 0, q, idx)
    while True:
        nxt = f[f]
        if np.array_equal(nxt, f):
            break
        f = nxt
    return np.where(j == idx, f, np.where(prev >= 0, f[np.maximum(prev, 0)], j))


def randperm(g, n, dtype=np.int64):
    """``torch.randperm(n)``: Fisher-Yates, swapping element i with element
    ``i + random() % (n - i)`` for i = 0..n-2."""
    n = int(n)
    if n >= (2 ** 32 - 1) // 20:
        # torch's "inside-out" shuffle with random64() for huge n
        z = (g.random64(n) % np.arange(1, n + 1, dtype=np.uint64)).tolist()
        perm = [0] * n
        for i, j in enumerate(z):
            perm[i] = perm[j]
            perm[j] = i
        return np.array(perm, dtype=dtype)
    if n <= 1:
        return np.arange(n, dtype=dtype)
    j = np.arange(n, dtype=np.int64)
    j[:-1] += g.random(n - 1).astype(np.int64) % np.arange(n, 1, -1, dtype=np.int64)
    return _swap_result(j).astype(dtype)


# -------------------------------------------------------------------------- discrete draws

def bernoulli(g, p, double=None):
    """``torch.bernoulli(p)`` for an array ``p``: 1.0 where a uniform < p (float64 uniforms
    for a float64 ``p``, else float32).  Returns float64 0/1 values."""
    p = np.asarray(p)
    double = p.dtype == np.float64 if double is None else double
    if double:
        u = _unit(g, p.size, np.float64).reshape(p.shape)
        return (u < p.astype(np.float64)).astype(np.float64)
    u = _unit(g, p.size, np.float32).reshape(p.shape)
    return (u < p.astype(np.float32)).astype(np.float64)


def bernoulli_scalar(g, n, p):
    """``torch.empty(n).bernoulli_(p)`` in torch's generic kernel (float64 uniforms)."""
    return (_unit(g, n, np.float64) < float(p)).astype(np.float64)


def exponential(g, n, lambd=1.0):
    """``exponential_(lambd)`` values in float64: ``-1 / lambd * log1p(-u)``."""
    return (-1.0 / float(lambd)) * np.log1p(-_unit(g, n, np.float64))


def multinomial(g, probs, num_samples, replacement=False):
    """``torch.multinomial(probs, num_samples, replacement)`` for a float32/float64 array of
    shape (k,) or (rows, k); returns int64 indices of shape (num_samples,) or (rows, n)."""
    probs = np.asarray(probs)
    rows = probs.reshape(-1, probs.shape[-1])
    if not replacement or num_samples == 1:
        # q ~ Exp(1) over all elements in order, then the top-k of p / q
        q = exponential(g, rows.size).astype(rows.dtype).reshape(rows.shape)
        q = rows / q
        if num_samples == 1:
            out = np.argmax(q, axis=-1)[:, None]
        else:
            out = np.argsort(-q, axis=-1, kind="stable")[:, :num_samples]
    else:
        # cumulative sums in the dtype, divided by the total, the last set to 1; each
        # sample is the first bin whose value is >= a float64 uniform
        u = _unit(g, rows.shape[0] * num_samples, np.float64).reshape(rows.shape[0], -1)
        out = np.empty((rows.shape[0], num_samples), np.int64)
        for i, row in enumerate(rows):
            cum = np.cumsum(row, dtype=row.dtype)
            cum = cum / cum[-1]
            cum[-1] = 1
            out[i] = np.searchsorted(cum.astype(np.float64), u[i], side="left")
    out = out.astype(np.int64)
    return out.reshape(num_samples) if probs.ndim == 1 else out


def dropout_mask(g, n, p, dtype=np.float32):
    """The scaled keep mask of ``F.dropout(x, p, training=True)`` on the CPU: torch fills
    ``bernoulli_(1 - p)`` and divides by ``1 - p`` in the input's dtype; the output is
    ``x * mask``."""
    keep = bernoulli_scalar(g, n, 1.0 - p).astype(dtype)
    return keep / np.asarray(1.0 - p, dtype)


def random_full(g, n, dtype=np.int64):
    """``torch.empty(n, dtype=dtype).random_()``: integers on [0, max] (floats: [0, 2**digits])
    as ``r % (max + 1)``, with ``random64()`` for int64/float64 and ``random()`` otherwise
    (bool: the lowest bit)."""
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return (g.random(n) & np.uint32(1)).astype(bool)
    if dtype in (np.int64, np.float64):
        r = g.random64(n)
    else:
        r = g.random(n).astype(np.uint64)
    if dtype.kind == "f":
        mod = (1 << np.finfo(dtype).nmant + 1) + 1
    else:
        mod = int(np.iinfo(dtype).max) + 1
    return (r % np.uint64(mod)).astype(dtype)


def cauchy(g, n, median=0.0, sigma=1.0):
    """``cauchy_(median, sigma)`` values in float64: ``median + sigma * tan(pi (u - 1/2))``
    (fused multiply-add where the kernels fuse)."""
    t = np.tan(math.pi * (_unit(g, n, np.float64) - 0.5))
    if FUSED_MADD:
        return _fma64(t, float(sigma), float(median))
    return float(median) + float(sigma) * t


def log_normal(g, n, mean=1.0, std=2.0):
    """``log_normal_(mean, std)`` values in float64: exp of the per-element normal draw (the
    same Box-Muller with the cached second value)."""
    return np.exp(_normal_scalar(g, n, mean, std))


def geometric(g, n, p):
    """``geometric_(p)`` values in float64: ``ceil(log(u) / log1p(-p))``."""
    return np.ceil(np.log(_unit(g, n, np.float64)) / math.log1p(-float(p)))


def int64_seed(g):
    """``torch.empty((), dtype=torch.int64).random_().item()``: how torch derives a seed from
    a generator (DataLoader iterators' base seed, RandomSampler's generator seed)."""
    return int(random_full(g, 1, np.int64)[0])
