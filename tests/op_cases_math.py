"""Op-table cases for tinytorch/_math.py's ops (issue 12); op_cases.CASES includes them.

Written as op_cases.py's cases are: Case(name, fn(L, *inputs), *makers).
"""
import numpy as np

from op_cases import BROADCAST_SHAPES, D, P, U, Case  # noqa: F401

S = (3, 4)


def _unary_cases():
    return [
        Case("tan", lambda L, x: x.tan(), U(*S, lo=-1.2, hi=1.2)),
        Case("asin", lambda L, x: x.asin(), U(*S, lo=-0.9, hi=0.9)),
        Case("acos", lambda L, x: L.acos(x), U(*S, lo=-0.9, hi=0.9)),
        Case("atan", lambda L, x: x.atan() + L.arctan(x), U(*S)),
        Case("sinh", lambda L, x: x.sinh(), U(*S)),
        Case("cosh", lambda L, x: L.cosh(x), U(*S)),
        Case("asinh", lambda L, x: x.asinh(), U(*S)),
        Case("acosh", lambda L, x: x.acosh(), U(*S, lo=1.2, hi=3.0)),
        Case("atanh", lambda L, x: L.atanh(x), U(*S, lo=-0.9, hi=0.9)),
        Case("exp2", lambda L, x: x.exp2(), U(*S)),
        Case("expm1", lambda L, x: L.expm1(x), U(*S)),
        Case("log2", lambda L, x: x.log2(), P(*S)),
        Case("log10", lambda L, x: L.log10(x), P(*S)),
        Case("erf", lambda L, x: x.erf(), U(*S, lo=-3, hi=3)),
        Case("erfc", lambda L, x: L.erfc(x), U(*S, lo=-3, hi=3)),
        Case("erfinv", lambda L, x: x.erfinv(), U(*S, lo=-0.95, hi=0.95)),
        Case("reciprocal", lambda L, x: x.reciprocal(), P(*S)),
        Case("sinc", lambda L, x: L.sinc(x), U(*S)),
        Case("deg2rad rad2deg", lambda L, x: x.deg2rad() + L.rad2deg(x), U(*S)),
        Case("frac", lambda L, x: x.frac() * x, U(*S)),
        Case("floor ceil trunc", lambda L, x: (x.floor() + L.ceil(x) + x.trunc()) * x, U(*S)),
        Case("round", lambda L, x: x.round() * x, U(*S)),
        Case("round decimals", lambda L, x: L.round(x, decimals=1) * x, U(*S)),
        Case("sgn", lambda L, x: x.sgn() * x, U(*S)),
        Case("nan_to_num", lambda L, x: L.nan_to_num(x, nan=1.5, posinf=2.0), U(*S)),
        Case("nan_to_num default", lambda L, x: x.nan_to_num(), U(*S)),
        Case("clamp_min clamp_max", lambda L, x: x.clamp_min(-0.5) + L.clamp_max(x, 0.7),
             U(*S)),
        Case("erf 0-d", lambda L, x: L.erf(x), U()),
    ]


def _binary_cases():
    out = []
    for sa, sb in BROADCAST_SHAPES:
        tag = f"{sa}x{sb}"
        out += [
            Case(f"atan2 {tag}", lambda L, a, b: L.atan2(a, b), U(*sa), U(*sb)),
            Case(f"hypot {tag}", lambda L, a, b: L.hypot(a, b), U(*sa), U(*sb)),
            Case(f"logaddexp {tag}", lambda L, a, b: L.logaddexp(a, b), U(*sa), U(*sb)),
            Case(f"xlogy {tag}", lambda L, a, b: L.xlogy(a, b), U(*sa), P(*sb)),
            Case(f"fmax {tag}", lambda L, a, b: L.fmax(a, b), D(*sa), D(*sb)),
        ]
    return out + [
        Case("copysign", lambda L, a, b: a.copysign(b), U(*S), U(4)),
        Case("logaddexp2", lambda L, a, b: a.logaddexp2(b), U(*S), U(3, 1)),
        Case("fmin", lambda L, a, b: a.fmin(b), D(*S), D(4)),
        Case("fmod", lambda L, a, b: L.fmod(a, b), U(*S, lo=-5, hi=5), P(4)),
        Case("fmod scalar", lambda L, a: a.fmod(1.5), U(*S, lo=-5, hi=5)),
        Case("remainder", lambda L, a, b: L.remainder(a, b), U(*S, lo=-5, hi=5), P(4)),
        Case("remainder negative", lambda L, a, b: a.remainder(-b), U(*S, lo=-5, hi=5), P(4)),
        Case("lerp scalar", lambda L, a, b: a.lerp(b, 0.3), U(*S), U(4)),
        Case("lerp scalar 0.8", lambda L, a, b: L.lerp(a, b, 0.8), U(*S), U(*S)),
        Case("lerp tensor", lambda L, a, b, w: L.lerp(a, b, w), U(*S), U(4), U(3, 1)),
        Case("float_power", lambda L, a, b: L.float_power(a, b).to(a.dtype), P(*S), U(4)),
        Case("float_power scalar", lambda L, a: a.float_power(2.5).to(a.dtype), P(*S)),
        Case("div trunc floor", lambda L, a, b: (a.div(b, rounding_mode="trunc")
                                                 + L.div(a, b, rounding_mode="floor")) * a,
             U(*S, lo=-5, hi=5), P(4)),
        Case("div None", lambda L, a, b: L.div(a, b, rounding_mode=None), U(*S), P(4)),
        Case("xlogy scalar", lambda L, a: L.xlogy(a, 2.5), U(*S)),
        Case("atan2 0-d", lambda L, a, b: L.atan2(a, b), U(), U()),
    ]


def _inplace_cases():
    return [
        Case("tan_ chain", lambda L, x: (x * 1).sinh_().atan_().erf_() * x,
             U(*S, lo=-1, hi=1)),
        Case("atan2_ lerp_", lambda L, x, y: (x * 1).atan2_(y).lerp_(y, 0.25) * x,
             U(*S), U(4)),
        Case("floor_ frac_", lambda L, x: ((x * 1).frac_() + (x * 2).floor_()) * x, U(*S)),
    ]


CASES = _unary_cases() + _binary_cases() + _inplace_cases()

CASES += [
    Case("addcmul bcast", lambda L, x, a, b: L.addcmul(x, a, b, value=0.5),
         U(3, 4), U(4), U(3, 1)),
    Case("addcmul_", lambda L, x, a, b: (x * 1).addcmul_(a, b), U(3, 4), U(3, 4), U(4)),
    Case("addcdiv bcast", lambda L, x, a, b: L.addcdiv(x, a, b, value=-2),
         U(3, 4), U(4), P(3, 1)),
    Case("addcdiv 0-d", lambda L, x, a, b: x.addcdiv(a, b), U(), U(), P()),
]
