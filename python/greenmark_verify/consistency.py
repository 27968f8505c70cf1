"""Arithmetic consistency of a detection attestation (docs/certificate-format.md, "Arithmetic
consistency (`statement.inconsistent`)"): the seven rules, in order, and the exact binomial upper
tail they need.

Stated decimal strings are compared exactly (`Decimal`, `Fraction`): p-values, thresholds and the
z-score test |z_stated - z| <= 0.00006 are decided without rounding. Only the binomial tail is
computed in floating point (in log space, accurate far beyond the 1e-4 in log10 the rule asks for).
Every check is an explicit `if` (no `assert`: correct under -O)."""

from __future__ import annotations

import math
import re
from decimal import Decimal, localcontext
from fractions import Fraction

VERDICTS = ("watermarked", "no_watermark", "too_short")
_FIXED4 = re.compile(r"-?[0-9]+\.[0-9]{4}")
_SCI3 = re.compile(r"[0-9]\.[0-9]{3}e[+-][0-9]{2,3}")
_GAMMA = re.compile(r"0\.[0-9]+")
_P_FLOOR = Decimal("1e-300")
_LOG10_TOLERANCE = Decimal("0.0003")   # rule 3
_Z_TOLERANCE = Fraction(6, 100_000)     # rule 5
_TAIL_TOLERANCE = 0.001                 # rule 6
_PRECISION = 60                          # Decimal digits for logarithms of stated values


class Inconsistent(Exception):
    """A rule failed: the attestation's numbers do not follow from each other (the detail says which)."""


def check(predicate: dict) -> str:
    """Applies rules 1 to 7 to a detection predicate whose members have already been type-checked
    (integers are ints, strings are strs, search_spans a bool, absent or None). Returns a short
    summary when they all hold; raises Inconsistent at the first rule that fails."""
    T = predicate["tokens_scored"]
    g = predicate["green_tokens"]
    k = predicate["keys_tried"]
    m = predicate["min_tokens"]
    verdict = predicate["verdict"]
    z_text = predicate["z_score"]
    z_threshold_text = predicate["z_threshold"]
    p_text = predicate["p_value"]
    log10_text = predicate["log10_p_value"]
    p_threshold_text = predicate.get("p_threshold")   # an optional member: null is absent
    search_spans = predicate.get("search_spans")
    scheme = predicate.get("scheme")

    # 1. Counts and the too_short rule.
    if not 0 <= g <= T:
        raise Inconsistent(f"rule 1: green_tokens {g} is not between 0 and tokens_scored {T}")
    if k < 1:
        raise Inconsistent(f"rule 1: keys_tried {k} is below 1")
    if m < 1:
        raise Inconsistent(f"rule 1: min_tokens {m} is below 1")
    if verdict not in VERDICTS:
        raise Inconsistent(f"rule 1: verdict {verdict!r} is not one of {', '.join(VERDICTS)}")
    if (verdict == "too_short") != (T < m):
        raise Inconsistent(f"rule 1: verdict {verdict} with {T} tokens scored and min_tokens {m} "
                           f"(too_short exactly when tokens_scored < min_tokens)")

    # 2. Forms.
    for name, text in (("z_score", z_text), ("z_threshold", z_threshold_text), ("log10_p_value", log10_text)):
        if _FIXED4.fullmatch(text) is None:
            raise Inconsistent(f"rule 2: {name} {text!r} is not written as -?[0-9]+.[0-9]{{4}}")
    for name, text in (("p_value", p_text), ("p_threshold", p_threshold_text)):
        if text is None:
            continue
        if _SCI3.fullmatch(text) is None:
            raise Inconsistent(f"rule 2: {name} {text!r} is not written as [0-9].[0-9]{{3}}e[+-][0-9]{{2,3}}")
        if Decimal(text) > 1:
            raise Inconsistent(f"rule 2: {name} {text} is above 1")
    log10_stated = Decimal(log10_text)
    if log10_stated > 0:
        raise Inconsistent(f"rule 2: log10_p_value {log10_text} is above 0")
    p = Decimal(p_text)

    # 3. p and its logarithm agree.
    if p >= _P_FLOOR:
        with localcontext() as context:
            context.prec = _PRECISION
            difference = abs(p.log10() - log10_stated)
        if difference > _LOG10_TOLERANCE:
            raise Inconsistent(f"rule 3: log10({p_text}) differs from log10_p_value {log10_text} by more than 0.0003")
    elif p > 0:
        if not log10_stated < -299:
            raise Inconsistent(f"rule 3: p_value {p_text} is below 1e-300 but log10_p_value {log10_text} is not below -299")
    elif not log10_stated <= -307:
        raise Inconsistent(f"rule 3: p_value is 0 but log10_p_value {log10_text} is not at most -307")

    # 4. A watermarked verdict is within p_threshold.
    if p_threshold_text is not None and verdict == "watermarked" and not p <= Decimal(p_threshold_text):
        raise Inconsistent(f"rule 4: verdict watermarked with p_value {p_text} above p_threshold {p_threshold_text}")

    # Rules 5 to 7 need a scheme.
    if scheme is None:
        return "counts, forms, p/log10 agreement and thresholds consistent (no scheme: z and the tail not recomputed)"

    # 5. gamma, and z from the counts.
    gamma_text = scheme["gamma"]
    if _GAMMA.fullmatch(gamma_text) is None:
        raise Inconsistent(f"rule 5: scheme gamma {gamma_text!r} is not written as 0.[0-9]+")
    gamma = Fraction(Decimal(gamma_text))
    if not 0 < gamma < 1:
        raise Inconsistent(f"rule 5: scheme gamma {gamma_text} is not strictly between 0 and 1")
    numerator = g - gamma * T            # z = numerator / sqrt(variance)
    variance = T * gamma * (1 - gamma)
    z_stated = Fraction(Decimal(z_text))
    if T > 0:
        low_ok = _at_least(numerator, z_stated - _Z_TOLERANCE, variance)
        high_ok = _at_most(numerator, z_stated + _Z_TOLERANCE, variance)
        if not (low_ok and high_ok):
            raise Inconsistent(f"rule 5: z_score {z_text} is not within 0.00006 of z = "
                               f"{_z_float(numerator, variance):.6f} computed from {g} green of {T} at gamma {gamma_text}")

    # 6. The exact tail, without span search.
    if search_spans is False:
        tail = log10_upper_tail(T, g, gamma_text)
        expected = min(0.0, tail + math.log10(k))
        if not abs(float(log10_stated) - expected) <= _TAIL_TOLERANCE:
            raise Inconsistent(f"rule 6: log10_p_value {log10_text} is not within 0.001 of {expected:.4f}, "
                               f"log10 of the exact binomial tail P[Bin({T}, {gamma_text}) >= {g}] times keys_tried {k}")

    # 7. The verdict follows the decision rule.
    if search_spans is False and p_threshold_text is not None and T >= m:
        z_reaches = _at_least(numerator, Fraction(Decimal(z_threshold_text)), variance)
        p_reaches = p <= Decimal(p_threshold_text)
        decided = "watermarked" if z_reaches and p_reaches else "no_watermark"
        if verdict != decided:
            raise Inconsistent(f"rule 7: verdict {verdict}, but z {'>=' if z_reaches else '<'} z_threshold "
                               f"{z_threshold_text} and p_value {'<=' if p_reaches else '>'} p_threshold "
                               f"{p_threshold_text} give {decided}")
    spans = "span search: p not recomputed" if search_spans is True else \
        "exact tail checked" if search_spans is False else "search_spans absent: tail not recomputed"
    return f"counts, forms, p/log10, z consistent ({spans})"


# ---- exact comparisons with a square root ----------------------------------------------------------

def _at_least(n: Fraction, a: Fraction, v: Fraction) -> bool:
    """n >= a * sqrt(v), exactly (v > 0)."""
    if n >= 0 and a <= 0:
        return True
    if n < 0 and a >= 0:
        return False
    if n >= 0:               # both sides positive
        return n * n >= a * a * v
    return n * n <= a * a * v  # both negative


def _at_most(n: Fraction, a: Fraction, v: Fraction) -> bool:
    """n <= a * sqrt(v), exactly (v > 0)."""
    return _at_least(-n, -a, v)


def _z_float(numerator: Fraction, variance: Fraction) -> float:
    """z for messages only (decisions are exact): sign(n) * sqrt(n^2 / v), +-inf beyond the doubles."""
    sign = -1.0 if numerator < 0 else 1.0
    try:
        return sign * math.sqrt(float(numerator * numerator / variance))
    except OverflowError:
        return sign * math.inf


# ---- the exact binomial upper tail ------------------------------------------------------------------

_LN_2PI = math.log(2 * math.pi)
_DIRECT_SIGMA = 30_000.0   # up to this standard deviation terms are summed one by one
_NEGLIGIBLE = 1e-18        # a term this much smaller than the running sum ends the sum


def log10_upper_tail(T: int, g: int, gamma_text: str) -> float:
    """log10 P[Bin(T, gamma) >= g] for 0 <= g <= T and gamma the decimal string 0.[0-9]+ in (0, 1)."""
    return ln_upper_tail(T, g, gamma_text) / math.log(10)


def ln_upper_tail(T: int, g: int, gamma_text: str) -> float:
    """Natural log of P[Bin(T, gamma) >= g]: terms are summed in log space from the boundary away
    from the mode (so they only decrease), over the upper tail when g is above the mean T*gamma and
    as 1 - P[X <= g - 1] otherwise (then P[X <= g - 1] < 1/2, no cancellation). Terms are summed one
    by one up to a standard deviation of 30,000 (about 10^6 steps at most); beyond that, with a
    stride and the Euler-Maclaurin endpoint correction (relative error below 1e-8)."""
    if g <= 0:
        return 0.0
    if g > T:
        return -math.inf
    with localcontext() as context:
        context.prec = 40
        gamma = Decimal(gamma_text)
        ln_p = float(gamma.ln())
        ln_q = float((1 - gamma).ln())
    if Fraction(g) > T * Fraction(Decimal(gamma_text)):
        return _ln_tail_sum(T, g, +1, ln_p, ln_q)
    lower = _ln_tail_sum(T, g - 1, -1, ln_p, ln_q)
    return math.log1p(-math.exp(lower))


def _exp(x: float) -> float:
    return math.exp(min(x, 700.0))


def _ln_ratio(T: int, i: int, direction: int, ln_p: float, ln_q: float) -> float:
    """ln(pmf(i + direction) / pmf(i))."""
    if direction > 0:
        return math.log(T - i) - math.log(i + 1) + ln_p - ln_q
    return math.log(i) - math.log(T - i + 1) + ln_q - ln_p


def _ln_tail_sum(T: int, b: int, direction: int, ln_p: float, ln_q: float) -> float:
    """ln of the sum of pmf(i) for i from b outwards (direction +1: up to T, -1: down to 0); b is on
    the tail side of the mode, so the terms decrease."""
    end = T if direction > 0 else 0
    first = ln_pmf(T, b, ln_p, ln_q)
    sigma = math.sqrt(T * _exp(ln_p + ln_q))
    stride = 1
    if sigma > _DIRECT_SIGMA and b != end and b - direction not in (-1, T + 1):
        decay = -_ln_ratio(T, b, direction, ln_p, ln_q)   # >= 0: how fast the terms fall at b
        limit = sigma / 32 if decay <= 0 else min(sigma / 32, 0.05 / decay)
        stride = max(1, int(limit))
    if stride == 1:
        ratio = _exp(ln_p - ln_q) if direction > 0 else _exp(ln_q - ln_p)
        term, total, i = 1.0, 1.0, b
        while i != end:
            term *= ((T - i) / (i + 1)) * ratio if direction > 0 else (i / (T - i + 1)) * ratio
            i += direction
            total += term
            if term < _NEGLIGIBLE * total:
                break
        return first + math.log(total)
    # Trapezoid with step `stride` over the smooth extension F of the pmf (F(b) = 1), corrected to
    # the unit-step sum: S = S_stride + F(b)/2 + (stride^2 - 1)/12 * F'(b).
    total = 0.5
    j = 1
    while True:
        x = b + direction * j * stride
        if x < 0 or x > T:
            break
        term = _exp(ln_pmf(T, x, ln_p, ln_q) - first)
        total += term
        if term < _NEGLIGIBLE * total:
            break
        j += 1
    slope = (_ln_ratio(T, b, direction, ln_p, ln_q) - _ln_ratio(T, b, -direction, ln_p, ln_q)) / 2
    unit_sum = stride * total + 0.5 + (stride * stride - 1) / 12 * slope
    return first + math.log(unit_sum)


def ln_pmf(n: int, x: int, ln_p: float, ln_q: float) -> float:
    """ln P[Bin(n, p) = x] by Loader's saddle-point form (Stirling remainders and the deviance bd0),
    accurate to a few ulps for any n up to 2^53: no difference of huge lgamma values."""
    if x == 0:
        return n * ln_q
    if x == n:
        return n * ln_p
    ln_n = math.log(n)
    core = (_stirlerr(n) - _stirlerr(x) - _stirlerr(n - x)
            - _bd0(x, ln_n + ln_p) - _bd0(n - x, ln_n + ln_q))
    return core - 0.5 * (_LN_2PI + math.log(x) + math.log1p(-x / n))


def _stirlerr(n: int) -> float:
    """ln(n!) - ((n + 1/2) ln n - n + ln(2 pi)/2), n >= 1."""
    if n <= 15:
        return math.lgamma(n + 1) - (n + 0.5) * math.log(n) + n - 0.5 * _LN_2PI
    nn = float(n) * n
    s0, s1, s2, s3, s4 = 1 / 12, 1 / 360, 1 / 1260, 1 / 1680, 1 / 1188
    if n > 500:
        return (s0 - s1 / nn) / n
    if n > 80:
        return (s0 - (s1 - s2 / nn) / nn) / n
    if n > 35:
        return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n
    return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n


def _bd0(x: int, ln_mean: float) -> float:
    """x ln(x / M) + M - x for M = exp(ln_mean), without cancellation when x is near M."""
    mean = _exp(ln_mean)
    if abs(x - mean) < 0.1 * (x + mean):
        v = (x - mean) / (x + mean)
        s = (x - mean) * v
        ej = 2 * x * v
        j = 1
        while j < 1000:
            ej *= v * v
            s1 = s + ej / (2 * j + 1)
            if s1 == s:
                return s1
            s = s1
            j += 1
        return s
    return x * (math.log(x) - ln_mean) + mean - x
