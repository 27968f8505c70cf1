"""Arithmetic consistency of a detection attestation (docs/certificate-format.md, "Arithmetic
consistency (`statement.inconsistent`)"): the seven rules, in order, and the exact binomial upper
tail they need.

The arithmetic is IEEE 754 binary64, as the format says, so that verifiers agree at the edges:
every stated decimal string is parsed to the nearest binary64 value (Python's `float`, correctly
rounded); log10, the square root and the binomial tail are computed in binary64 (the tail in log
space, to a relative accuracy well inside 1e-9 of its log10); each tolerance is the binary64
constant written (0.0003, 0.00006, 0.001), and a check passes when the binary64 distance is at
most it. (Exact decimals would accept crafted inputs such as p_value 1.000e-05 with
log10_p_value -5.0003, which binary64 rejects.) Parsing to a float first also keeps hostile
inputs cheap: a string of 150,000 digits costs one linear scan. Every check is an explicit `if`
(no `assert`: correct under -O)."""

from __future__ import annotations

import math
import re

VERDICTS = ("watermarked", "no_watermark", "too_short")
_FIXED4 = re.compile(r"-?[0-9]+\.[0-9]{4}", re.ASCII)
_SCI3 = re.compile(r"[0-9]\.[0-9]{3}e[+-][0-9]{2,3}", re.ASCII)
_GAMMA = re.compile(r"0\.[0-9]+", re.ASCII)
# The binary64 constants of the rules.
_P_FLOOR = 1e-300                # rule 3
_LOG10_TOLERANCE = 0.0003        # rule 3
_Z_TOLERANCE = 0.00006           # rule 5
_TAIL_TOLERANCE = 0.001          # rule 6
_TWO_32 = 4294967296.0           # rule 5: 2^32, exact


GUMBEL_PRF = "gumbel-v1"
_SCORE = re.compile(r"[0-9]+\.[0-9]{4}", re.ASCII)
MAX_GUMBEL_TOKENS = 2 ** 32 - 1  # rule G1
_MAX_SCORE_PER_TOKEN = 38.0      # rule G2: each position adds at most 54 ln 2 = 37.43


class Inconsistent(Exception):
    """A rule failed: the attestation's numbers do not follow from each other (the detail says which)."""


def _double(text: str) -> float:
    """A stated decimal string (already matched against its form: ASCII digits, a point, maybe an
    exponent) as the nearest binary64 value; beyond the range it is +-inf or 0, as IEEE 754 rounds."""
    return float(text)


def z_from_counts(T: int, g: int, gamma: float) -> float:
    """z = (g - gamma T) / sqrt(T gamma (1 - gamma)) in binary64, each operation rounded in the
    order written (T > 0, 0 < gamma < 1; T and g are exact as doubles, being below 2^53)."""
    t = float(T)
    return (float(g) - gamma * t) / math.sqrt(t * gamma * (1.0 - gamma))


def gamma_threshold(gamma: float) -> int:
    """floor(gamma * 2^32), the product in binary64 (exact: a power-of-two scaling), docs/prf.md."""
    return math.floor(gamma * _TWO_32)


def is_gumbel(predicate: dict) -> bool:
    """Whether a detection predicate is a gumbel-v1 attestation: its scheme's prf is gumbel-v1 (then
    it carries `score` instead of green-list counts)."""
    scheme = predicate.get("scheme")
    return isinstance(scheme, dict) and scheme.get("prf") == GUMBEL_PRF


def check(predicate: dict) -> str:
    """Applies rules 1 to 7 (green-list counts) or G1 to G5 (gumbel-v1) to a detection predicate
    whose members have already been type-checked (integers are ints, strings are strs,
    search_spans a bool, absent or None). Returns a short summary when they all hold; raises
    Inconsistent at the first rule that fails."""
    if is_gumbel(predicate):
        return check_gumbel(predicate)
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

    # 1. Counts and the too_short rule (integers: exact).
    if not 0 <= g <= T:
        raise Inconsistent(f"rule 1: green_tokens {g} is not between 0 and tokens_scored {T}")
    _check_counts("1", T, k, m, verdict)

    # 2. Forms (the patterns on the strings; the bounds on their binary64 values).
    for name, text in (("z_score", z_text), ("z_threshold", z_threshold_text), ("log10_p_value", log10_text)):
        if _FIXED4.fullmatch(text) is None:
            raise Inconsistent(f"rule 2: {name} {_short(text)!r} is not written as -?[0-9]+.[0-9]{{4}}")
    for name, text in (("p_value", p_text), ("p_threshold", p_threshold_text)):
        if text is None:
            continue
        if _SCI3.fullmatch(text) is None:
            raise Inconsistent(f"rule 2: {name} {_short(text)!r} is not written as [0-9].[0-9]{{3}}e[+-][0-9]{{2,3}}")
        if not _double(text) <= 1.0:
            raise Inconsistent(f"rule 2: {name} {text} is above 1")
    log10_stated = _double(log10_text)
    if not log10_stated <= 0.0:
        raise Inconsistent(f"rule 2: log10_p_value {_short(log10_text)} is above 0")
    p = _double(p_text)
    p_threshold = None if p_threshold_text is None else _double(p_threshold_text)

    # 3. p and its logarithm agree.
    if p >= _P_FLOOR:
        if not abs(math.log10(p) - log10_stated) <= _LOG10_TOLERANCE:
            raise Inconsistent(f"rule 3: log10({p_text}) = {math.log10(p)!r} differs from log10_p_value "
                               f"{_short(log10_text)} by more than 0.0003 (binary64)")
    elif p > 0.0:
        if not log10_stated < -299.0:
            raise Inconsistent(f"rule 3: p_value {p_text} is below 1e-300 but log10_p_value {_short(log10_text)} is not below -299")
    elif not log10_stated <= -307.0:
        raise Inconsistent(f"rule 3: p_value {p_text} is 0 in binary64 but log10_p_value {_short(log10_text)} is not at most -307")

    # 4. A watermarked verdict is within p_threshold.
    if p_threshold is not None and verdict == "watermarked" and not p <= p_threshold:
        raise Inconsistent(f"rule 4: verdict watermarked with p_value {p_text} above p_threshold {p_threshold_text}")

    # Rules 5 to 7 need a scheme.
    if scheme is None:
        return "counts, forms, p/log10 agreement and thresholds consistent (no scheme: z and the tail not recomputed)"

    # 5. gamma, its threshold, and z from the counts.
    gamma_text = scheme["gamma"]
    if _GAMMA.fullmatch(gamma_text) is None:
        raise Inconsistent(f"rule 5: scheme gamma {_short(gamma_text)!r} is not written as 0.[0-9]+")
    gamma = _double(gamma_text)
    if not 0.0 < gamma < 1.0:
        raise Inconsistent(f"rule 5: scheme gamma {_short(gamma_text)} is {gamma!r} in binary64, not strictly between 0 and 1")
    threshold = gamma_threshold(gamma)
    if scheme["gamma_threshold"] != threshold:
        raise Inconsistent(f"rule 5: scheme gamma_threshold {scheme['gamma_threshold']} is not floor(gamma * 2^32) = "
                           f"{threshold} for gamma {_short(gamma_text)}")
    z = None
    if T > 0:
        z = z_from_counts(T, g, gamma)
        if not abs(_double(z_text) - z) <= _Z_TOLERANCE:
            raise Inconsistent(f"rule 5: z_score {_short(z_text)} is not within 0.00006 of z = {z!r} "
                               f"computed from {g} green of {T} at gamma {_short(gamma_text)} (binary64)")

    # 6. The exact tail, without span search.
    if search_spans is False:
        tail = log10_upper_tail(T, g, gamma)
        expected = min(0.0, tail + math.log10(k))
        if not abs(log10_stated - expected) <= _TAIL_TOLERANCE:
            raise Inconsistent(f"rule 6: log10_p_value {_short(log10_text)} is not within 0.001 of {expected:.6f}, "
                               f"log10 of the exact binomial tail P[Bin({T}, {_short(gamma_text)}) >= {g}] times keys_tried {k}")

    # 7. The verdict follows the decision rule (T >= m >= 1, so z was computed).
    if search_spans is False and p_threshold is not None and T >= m:
        z_reaches = z >= _double(z_threshold_text)
        p_reaches = p <= p_threshold
        decided = "watermarked" if z_reaches and p_reaches else "no_watermark"
        if verdict != decided:
            raise Inconsistent(f"rule 7: verdict {verdict}, but z {z!r} {'>=' if z_reaches else '<'} z_threshold "
                               f"{_short(z_threshold_text)} and p_value {'<=' if p_reaches else '>'} p_threshold "
                               f"{p_threshold_text} give {decided}")
    spans = "span search: p not recomputed" if search_spans is True else \
        "exact tail checked" if search_spans is False else "search_spans absent: tail not recomputed"
    return f"counts, forms, p/log10, gamma_threshold, z consistent ({spans})"


def check_gumbel(predicate: dict) -> str:
    """Rules G1 to G5 of a gumbel-v1 attestation (docs/certificate-format.md, "gumbel-v1
    attestations"), in order; binary64 as rules 1 to 7."""
    T = predicate["tokens_scored"]
    k = predicate["keys_tried"]
    m = predicate["min_tokens"]
    verdict = predicate["verdict"]
    score_text = predicate["score"]
    p_text = predicate["p_value"]
    log10_text = predicate["log10_p_value"]
    p_threshold_text = predicate["p_threshold"]
    scheme = predicate["scheme"]

    # G1. Counts and the too_short rule.
    if not 0 <= T <= MAX_GUMBEL_TOKENS:
        raise Inconsistent(f"rule G1: tokens_scored {T} is not between 0 and 2^32 - 1")
    _check_counts("G1", T, k, m, verdict)

    # G2. Forms, the score's bound, the scheme without a green list.
    if _SCORE.fullmatch(score_text) is None:
        raise Inconsistent(f"rule G2: score {_short(score_text)!r} is not written as [0-9]+.[0-9]{{4}}")
    S = _double(score_text)
    if not S <= _MAX_SCORE_PER_TOKEN * T:
        raise Inconsistent(f"rule G2: score {_short(score_text)} is above 38 per scored token ({T} scored)")
    if _FIXED4.fullmatch(log10_text) is None:
        raise Inconsistent(f"rule G2: log10_p_value {_short(log10_text)!r} is not written as -?[0-9]+.[0-9]{{4}}")
    for name, text in (("p_value", p_text), ("p_threshold", p_threshold_text)):
        if _SCI3.fullmatch(text) is None:
            raise Inconsistent(f"rule G2: {name} {_short(text)!r} is not written as [0-9].[0-9]{{3}}e[+-][0-9]{{2,3}}")
        if not _double(text) <= 1.0:
            raise Inconsistent(f"rule G2: {name} {text} is above 1")
    log10_stated = _double(log10_text)
    if not log10_stated <= 0.0:
        raise Inconsistent(f"rule G2: log10_p_value {_short(log10_text)} is above 0")
    if scheme["gamma"] != "0" or scheme["gamma_threshold"] != 0:
        raise Inconsistent(f"rule G2: gumbel-v1 has no green list: scheme gamma must be \"0\" and gamma_threshold 0 "
                           f"(got {_short(scheme['gamma'])!r}, {scheme['gamma_threshold']})")
    if not 1 <= scheme["h"] <= 64:
        raise Inconsistent(f"rule G2: scheme h {scheme['h']} is not a context width in 1...64")
    p = _double(p_text)
    p_threshold = _double(p_threshold_text)

    # G3. p and its logarithm agree (as rule 3).
    if p >= _P_FLOOR:
        if not abs(math.log10(p) - log10_stated) <= _LOG10_TOLERANCE:
            raise Inconsistent(f"rule G3: log10({p_text}) = {math.log10(p)!r} differs from log10_p_value "
                               f"{_short(log10_text)} by more than 0.0003 (binary64)")
    elif p > 0.0:
        if not log10_stated < -299.0:
            raise Inconsistent(f"rule G3: p_value {p_text} is below 1e-300 but log10_p_value {_short(log10_text)} is not below -299")
    elif not log10_stated <= -307.0:
        raise Inconsistent(f"rule G3: p_value {p_text} is 0 in binary64 but log10_p_value {_short(log10_text)} is not at most -307")

    # G4. The exact Gamma tail, without span search.
    if predicate["search_spans"] is False:
        tail = 0.0 if T == 0 else log10_gamma_upper(T, S)
        expected = min(0.0, tail + math.log10(k))
        if not abs(log10_stated - expected) <= _TAIL_TOLERANCE:
            raise Inconsistent(f"rule G4: log10_p_value {_short(log10_text)} is not within 0.001 of {expected:.6f}, "
                               f"log10 Q({T}, {_short(score_text)}) (the Gamma(T, 1) tail) times keys_tried {k}")

    # G5. The decision rule. p_value and p_threshold are both rounded (%.3e), so equal stated values
    # admit either verdict (the issuer compared the unrounded ones).
    if T >= m:
        decided = "watermarked" if p <= p_threshold else "no_watermark"
        if verdict != decided and not (p == p_threshold and verdict == "no_watermark"):
            raise Inconsistent(f"rule G5: verdict {verdict}, but p_value {p_text} {'<=' if p <= p_threshold else '>'} "
                               f"p_threshold {p_threshold_text} over {T} >= min_tokens {m} tokens gives {decided}")
    spans = "span search: p not recomputed" if predicate["search_spans"] else "exact Gamma tail checked"
    return f"gumbel-v1 counts, forms, p/log10 and verdict consistent ({spans})"


def _short(text: str) -> str:
    """A stated string for a message: long hostile strings are cut (the report stays small)."""
    return text if len(text) <= 40 else f"{text[:20]}...({len(text)} characters)"


# ---- the exact binomial upper tail ------------------------------------------------------------------

_LN_2PI = math.log(2 * math.pi)
_DIRECT_SIGMA = 30_000.0   # up to this standard deviation terms are summed one by one
_NEGLIGIBLE = 1e-18        # a term this much smaller than the running sum ends the sum
_STRIDE_PER_SIGMA = 64.0   # beyond _DIRECT_SIGMA the stride is at most sigma / 64 ...
_STRIDE_DECAY = 0.025      # ... and at most 0.025 / (the decay rate of ln pmf at the boundary)


def log10_upper_tail(T: int, g: int, gamma: float) -> float:
    """log10 P[Bin(T, gamma) >= g] for integers 0 <= g <= T < 2^53 and gamma a binary64 value in
    (0, 1) (the exact binomial distribution of that double)."""
    return ln_upper_tail(T, g, gamma) / math.log(10)


class _Binomial:
    """Bin(n, gamma) for a binary64 gamma: ln gamma, ln(1 - gamma), and gamma as an exact ratio
    num/den (den a power of two), so that x - n gamma is computed with one rounding."""

    def __init__(self, n: int, gamma: float):
        gamma = float(gamma)
        if not (0.0 < gamma < 1.0 and 0 <= n < 2 ** 53):
            raise ValueError("the binomial tail needs 0 < gamma < 1 and 0 <= n < 2^53")
        self.n = n
        self.ln_p = math.log(gamma)
        self.ln_q = math.log1p(-gamma)
        self.num, self.den = gamma.as_integer_ratio()
        self.ln_n = math.log(n) if n > 0 else -math.inf

    def above_mean(self, x: int) -> bool:
        """x > n gamma, exactly."""
        return x * self.den > self.n * self.num

    def ln_pmf(self, x: int) -> float:
        """ln P[X = x] by Loader's saddle-point form (as R's dbinom_raw: Stirling remainders and the
        deviance bd0), with x - n gamma rounded once: accurate to a few ulps of the terms for any n
        below 2^53, no difference of huge lgamma values."""
        n = self.n
        if x == 0:
            return n * self.ln_q
        if x == n:
            return n * self.ln_p
        # d = x - n gamma, correctly rounded (int / int is); (n - x) - n(1 - gamma) is -d exactly.
        d = (x * self.den - n * self.num) / self.den
        core = (_stirlerr(n) - _stirlerr(x) - _stirlerr(n - x)
                - _bd0(x, d, self.ln_n + self.ln_p) - _bd0(n - x, -d, self.ln_n + self.ln_q))
        return core - 0.5 * (_LN_2PI + math.log(x) + math.log1p(-x / n))

    def shape(self, b: int, direction: int) -> tuple[float, float]:
        """phi'(b) along the direction (the central difference (ln r+ - ln r-)/2 of the log pmf)
        and phi''(b) (the second difference), 1 <= b <= n - 1, from exact integer ratios: near the
        mean both are tiny differences of logarithms of size ln n, which floats would cancel."""
        n, num, rest = self.n, self.num, self.den - self.num
        # ln r+ - ln r- = ln[(n-b)(n-b+1) p^2 / (b(b+1) q^2)], p/q = num/rest.
        slope = 0.5 * _ln_ratio_of((n - b) * (n - b + 1) * num * num, b * (b + 1) * rest * rest)
        # ln r+ + ln r- = ln[b(n-b) / ((b+1)(n-b+1))] = ln(1 - (n+1)/((b+1)(n-b+1))).
        curvature = math.log1p(-(n + 1) / ((b + 1) * (n - b + 1)))
        return direction * slope, curvature

    def ln_ratio(self, i: int, direction: int) -> float:
        """ln(pmf(i + direction) / pmf(i))."""
        n = self.n
        if direction > 0:
            return math.log(n - i) - math.log(i + 1) + self.ln_p - self.ln_q
        return math.log(i) - math.log(n - i + 1) + self.ln_q - self.ln_p


def ln_upper_tail(T: int, g: int, gamma: float) -> float:
    """Natural log of P[Bin(T, gamma) >= g]: terms are summed in log space from the boundary away
    from the mode (so they only decrease), over the upper tail when g is above the mean T*gamma and
    as 1 - P[X <= g - 1] otherwise (then P[X <= g - 1] < 1/2, no cancellation). Terms are summed one
    by one up to a standard deviation of 30,000 (about 10^6 steps at most); beyond that, with a
    stride and the Euler-Maclaurin endpoint correction."""
    if g <= 0:
        return 0.0
    if g > T:
        return -math.inf
    law = _Binomial(T, gamma)
    if law.above_mean(g):
        return _ln_tail_sum(law, g, +1)
    lower = _ln_tail_sum(law, g - 1, -1)
    return math.log1p(-math.exp(lower))


def _exp(x: float) -> float:
    return math.exp(min(x, 700.0))


def _ln_tail_sum(law: _Binomial, b: int, direction: int) -> float:
    """ln of the sum of pmf(i) for i from b outwards (direction +1: up to n, -1: down to 0); b is on
    the tail side of the mode, so the terms decrease."""
    T = law.n
    end = T if direction > 0 else 0
    first = law.ln_pmf(b)
    sigma = math.sqrt(T * _exp(law.ln_p + law.ln_q))
    stride = 1
    if sigma > _DIRECT_SIGMA and b != end and b - direction not in (-1, T + 1):
        decay = -law.ln_ratio(b, direction)   # >= 0: how fast the terms fall at b
        limit = sigma / _STRIDE_PER_SIGMA if decay <= 0 else min(sigma / _STRIDE_PER_SIGMA, _STRIDE_DECAY / decay)
        stride = max(1, int(limit))
    if stride == 1:
        ratio = _exp(law.ln_p - law.ln_q) if direction > 0 else _exp(law.ln_q - law.ln_p)
        term, total, i = 1.0, 1.0, b
        while i != end:
            term *= ((T - i) / (i + 1)) * ratio if direction > 0 else (i / (T - i + 1)) * ratio
            i += direction
            total += term
            if term < _NEGLIGIBLE * total:
                break
        return first + math.log(total)
    # Trapezoid with step h = `stride` over the smooth extension F = exp(phi) of the pmf, scaled so
    # that F(b) = 1, corrected to the unit-step sum by Euler-Maclaurin at b (the far end is
    # negligible): S_1 = h * sum_{j>=0} F(b + jh) - (h - 1)/2 F(b) + (h^2 - 1)/12 F'(b)
    # - (h^4 - 1)/720 F'''(b), with F' = phi' and F''' = phi'^3 + 3 phi' phi'' (+ phi''', which is
    # negligible) at b. The next term is of relative size (h/sigma)^6/30240 or (h decay)^6/30240.
    total = 0.5
    j = 1
    while True:
        x = b + direction * j * stride
        if x < 0 or x > T:
            break
        term = _exp(law.ln_pmf(x) - first)
        total += term
        if term < _NEGLIGIBLE * total:
            break
        j += 1
    slope, curvature = law.shape(b, direction)
    third = slope ** 3 + 3 * slope * curvature
    h = float(stride)
    unit_sum = h * total + 0.5 + (h * h - 1) / 12 * slope - (h ** 4 - 1) / 720 * third
    return first + math.log(unit_sum)


def ln_pmf(n: int, x: int, gamma: float) -> float:
    """ln P[Bin(n, gamma) = x] for a binary64 gamma in (0, 1)."""
    return _Binomial(n, gamma).ln_pmf(x)


def _ln_ratio_of(a: int, b: int) -> float:
    """ln(a / b) for positive integers of any size, accurate when a / b is near 1."""
    if b <= 2 * a and a <= 2 * b:
        return math.log1p((a - b) / b)
    return math.log(a) - math.log(b)


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


def _bd0(x: int, d: float, ln_mean: float) -> float:
    """x ln(x / M) + M - x for x >= 1 and the mean M = x - d = exp(ln_mean), without cancellation
    when x is near M (the series in v = d / (x + M)) and without overflow when M is tiny."""
    mean = x - d
    if abs(d) < 0.1 * (x + mean):
        v = d / (x + mean)
        s = d * v
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
    return x * (math.log(x) - ln_mean) - d


# ---- the exact Gamma tail (gumbel-v1) ----------------------------------------------------------


def log10_gamma_upper(T: int, S: float) -> float:
    """log10 Q(T, S), the regularized upper incomplete gamma function for an integer T >= 1 and a
    binary64 S >= 0: the probability that a Gamma(T, 1) variable is at least S. For integer T,
    Q(T, S) = P[Poisson(S) <= T - 1], so this sums Poisson terms by Loader's saddle-point pmf (as
    R's dpois_raw: Stirling remainder and the deviance bd0) in log space, from the boundary T - 1
    away from the mode, so the terms only decrease: finite and accurate where Q underflows."""
    return ln_gamma_upper(T, S) / math.log(10)


def ln_gamma_upper(T: int, S: float) -> float:
    """Natural log of Q(T, S) (see log10_gamma_upper)."""
    if T < 1 or not S >= 0.0:
        raise ValueError("the Gamma tail needs T >= 1 and S >= 0")
    if S == 0.0:
        return 0.0
    if S == math.inf:
        return -math.inf
    if T - 1 < S:
        # Below the mean: P[X <= T - 1], terms falling from k = T - 1 down to 0 (ratio k / S).
        return _ln_poisson_sum(T - 1, S, -1)
    # At or above the mean + 1: 1 - P[X >= T] (at most about 1/2), terms falling upwards (ratio S / (k + 1)).
    return math.log1p(-math.exp(_ln_poisson_sum(T, S, +1)))


def _ln_poisson_pmf(k: int, mean: float) -> float:
    """ln P[Poisson(mean) = k] for k >= 0 and mean > 0."""
    if k == 0:
        return -mean
    return -_stirlerr(k) - _bd0(k, k - mean, math.log(mean)) - 0.5 * (_LN_2PI + math.log(k))


def _ln_poisson_sum(b: int, mean: float, direction: int) -> float:
    """ln of the sum of the Poisson pmf from b outwards (direction -1: down to 0; +1: upwards)."""
    term, total, k = 1.0, 1.0, b
    while True:
        if direction < 0:
            if k == 0:
                break
            term *= k / mean
            k -= 1
        else:
            k += 1
            term *= mean / k
        total += term
        if term < _NEGLIGIBLE * total:
            break
    return _ln_poisson_pmf(b, mean) + math.log(total)


def _check_counts(rule, T, k, m, verdict):
    """The count checks rule 1 and rule G1 share: keys_tried and min_tokens at least 1, a known
    verdict, and too_short exactly when tokens_scored < min_tokens."""
    if k < 1:
        raise Inconsistent(f"rule {rule}: keys_tried {k} is below 1")
    if m < 1:
        raise Inconsistent(f"rule {rule}: min_tokens {m} is below 1")
    if verdict not in VERDICTS:
        raise Inconsistent(f"rule {rule}: verdict {verdict!r} is not one of {', '.join(VERDICTS)}")
    if (verdict == "too_short") != (T < m):
        raise Inconsistent(f"rule {rule}: verdict {verdict} with {T} tokens scored and min_tokens {m} "
                           f"(too_short exactly when tokens_scored < min_tokens)")
