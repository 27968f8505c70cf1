"""Arithmetic consistency of detection attestations (docs/certificate-format.md, "Arithmetic
consistency (`statement.inconsistent`)") and the exact binomial tail it needs.

    cd python && python3 -m unittest discover -s tests
"""

from __future__ import annotations

import json
import math
import random
import time
import unittest
from fractions import Fraction
from pathlib import Path

import world as w
from world import certificate, statement
from test_verifier import SUCCESS, Base, run

from greenmark_verify import consistency
from greenmark_verify.consistency import (Inconsistent, check, gamma_threshold, ln_pmf, log10_upper_tail,
                                          z_from_counts)

EXTERNAL = Path(__file__).resolve().parents[3] / "shared/external-vectors/kgw-detection/binomial_tail_cases.json"


def exact_tail(T: int, g: int, gamma: str | float) -> Fraction:
    """P[Bin(T, gamma) >= g] as an exact rational (small T only), gamma the binary64 value (a
    decimal string is parsed to the nearest double first, as the format says)."""
    num, den = float(gamma).as_integer_ratio()
    rest = den - num
    total = sum(math.comb(T, i) * num ** i * rest ** (T - i) for i in range(max(g, 0), T + 1))
    return Fraction(total, den ** T)


def log10_fraction(value: Fraction) -> float:
    """log10 of a positive rational, to a few ulps: far below the double range without converting
    it to a float, and near 1 through log1p (no cancellation)."""
    if Fraction(1, 2) <= value <= 2:
        return math.log1p(value - 1) / math.log(10)     # value - 1 is exact, then rounded once
    def log10_int(n: int) -> float:
        shift = max(n.bit_length() - 60, 0)
        return math.log10(n >> shift) + shift * math.log10(2)
    return log10_int(value.numerator) - log10_int(value.denominator)


def predicate(T=140, g=81, gamma="0.25", k=1, m=50, z_threshold="4.0000", p_threshold="3.167e-05",
              search_spans=False, verdict=None, **extra) -> dict:
    """A detection predicate whose numbers follow from (T, g, gamma, k) as an issuer computes them:
    z from the counts, p = min(1, k * exact tail) as %.3e, its log10 as %.4f, the decision rule."""
    tail = exact_tail(T, g, gamma)
    corrected = min(Fraction(1), k * tail)
    log10_p = min(0.0, log10_fraction(tail) + math.log10(k)) if tail else -400.0
    gamma_f = float(gamma)
    z = (g - gamma_f * T) / math.sqrt(T * gamma_f * (1 - gamma_f)) if T else 0.0
    p_text = "%.3e" % float(corrected) if float(corrected) > 0 else "0.000e+00"
    if verdict is None:
        if T < m:
            verdict = "too_short"
        else:
            watermarked = z >= float(z_threshold) and (p_threshold is None or Fraction(p_text) <= Fraction(p_threshold))
            verdict = "watermarked" if watermarked else "no_watermark"
    value = w.detection_predicate(tokens_scored=T, green_tokens=g, keys_tried=k, min_tokens=m,
                                  z_score="%.4f" % z, p_value=p_text, log10_p_value="%.4f" % log10_p,
                                  z_threshold=z_threshold, verdict=verdict, search_spans=search_spans,
                                  p_threshold=p_threshold)
    value["scheme"] = dict(value["scheme"], gamma=gamma, gamma_threshold=math.floor(float(gamma) * 2 ** 32))
    value.update(extra)
    return value


def stated(T: int, g: int, gamma: str, z_score: str, **extra) -> dict:
    """A predicate for rules 1 to 5 only (no tail, no verdict rule: search_spans and p_threshold
    absent), for counts too large for exact_tail."""
    value = w.detection_predicate(tokens_scored=T, green_tokens=g, z_score=z_score, p_value="1.000e-05",
                                  log10_p_value="-5.0000", search_spans=None, p_threshold=None)
    value["scheme"] = dict(value["scheme"], gamma=gamma, gamma_threshold=math.floor(float(gamma) * 2 ** 32))
    value.update(extra)
    return value


class Rules(unittest.TestCase):
    def holds(self, value: dict) -> None:
        try:
            check(value)
        except Inconsistent as error:
            self.fail(f"{error}: {value}")

    def fails(self, value: dict, rule: int) -> None:
        with self.assertRaises(Inconsistent, msg=str(value)) as raised:
            check(value)
        self.assertTrue(str(raised.exception).startswith(f"rule {rule}:"), str(raised.exception))

    def test_consistent_predicates_hold(self):
        for T, g, gamma, k, m in [(140, 81, "0.25", 1, 50), (140, 30, "0.25", 1, 50), (200, 60, "0.25", 3, 50),
                                  (10, 10, "0.25", 1, 50), (0, 0, "0.25", 1, 50), (300, 300, "0.5", 1000, 50),
                                  (1000, 320, "0.25", 7, 200), (50, 0, "0.1", 1, 50), (60, 60, "0.9", 1, 50)]:
            for search_spans in [False, None]:
                with self.subTest(T=T, g=g, gamma=gamma, k=k, spans=search_spans):
                    self.holds(predicate(T, g, gamma, k, m, search_spans=search_spans))
        self.holds(predicate(search_spans=True, p_value="1.000e-10", log10_p_value="-10.0000"))
        self.holds(predicate(p_threshold=None))
        self.holds(predicate(scheme=None, z_score="1.0000"))  # no scheme: z and the tail are not recomputed

    def test_rule1_counts_and_too_short(self):
        self.fails(predicate(green_tokens=141), 1)
        self.fails(predicate(green_tokens=-1), 1)
        self.fails(predicate(keys_tried=0), 1)
        self.fails(predicate(min_tokens=0), 1)
        self.fails(predicate(verdict="maybe"), 1)
        self.fails(predicate(verdict="too_short"), 1)            # 140 >= 50
        self.fails(predicate(min_tokens=141), 1)                 # 140 < 141 but watermarked
        self.holds(predicate(min_tokens=141, verdict="too_short"))
        self.holds(predicate(min_tokens=140))                    # T = m is long enough
        self.fails(predicate(tokens_scored=-1, green_tokens=0), 1)

    def test_rule2_forms(self):
        for name, bad in [("z_score", "8.98"), ("z_score", "8.97830"), ("z_score", "+8.9783"), ("z_score", "８.9783"),
                          ("z_score", "8.9783 "), ("z_score", ".9783"), ("z_threshold", "4"), ("z_threshold", "4.0000\n"),
                          ("log10_p_value", "-15.80"), ("log10_p_value", "-1.5797e1"), ("p_value", "1.6e-16"),
                          ("p_value", "1.598E-16"), ("p_value", "1.598e-6"), ("p_value", "15.98e-17"), ("p_value", "1.598e-1600"),
                          ("p_value", "٣.598e-16"), ("p_threshold", "3.2e-05"), ("p_threshold", "0.00003167")]:
            with self.subTest(name=name, value=bad):
                self.fails(predicate(**{name: bad}), 2)
        self.fails(predicate(p_value="1.001e+00", log10_p_value="0.0004", verdict="no_watermark", search_spans=None), 2)
        self.fails(predicate(p_threshold="1.001e+00"), 2)
        self.fails(predicate(log10_p_value="0.0001", p_value="1.000e+00", search_spans=None, verdict="no_watermark"), 2)
        # At most 1 and at most 0 include the bounds; a three-digit exponent and a 0 mantissa match.
        self.holds(predicate(T=140, g=20, p_threshold="1.000e+00"))
        self.holds(predicate(p_value="1.000e+00", log10_p_value="0.0000", search_spans=None, verdict="no_watermark",
                             p_threshold=None))
        self.holds(predicate(p_value="1.000e+00", log10_p_value="-0.0000", search_spans=None, verdict="no_watermark",
                             p_threshold=None))
        self.holds(predicate(p_value="1.000e-305", log10_p_value="-305.0000", search_spans=None))
        self.holds(predicate(p_value="0.000e+00", log10_p_value="-400.0000", search_spans=None))

    def test_rule3_p_and_log10_agree(self):
        base = dict(search_spans=None, p_threshold=None)   # rules 6 and 7 off: only the agreement matters
        self.holds(predicate(p_value="1.000e-05", log10_p_value="-5.0002", **base))
        self.holds(predicate(p_value="1.000e-05", log10_p_value="-4.9998", **base))
        self.fails(predicate(p_value="1.000e-05", log10_p_value="-5.0004", **base), 3)
        self.fails(predicate(p_value="1.598e-16", log10_p_value="-10.0000", **base), 3)
        self.holds(predicate(p_value="1.000e-300", log10_p_value="-300.0002", **base))  # 1e-300 is in the first case
        self.fails(predicate(p_value="1.000e-300", log10_p_value="-301.0000", **base), 3)
        self.holds(predicate(p_value="9.999e-301", log10_p_value="-299.0001", **base))  # below 1e-300: only < -299
        self.holds(predicate(p_value="9.999e-301", log10_p_value="-999.0000", **base))
        self.fails(predicate(p_value="9.999e-301", log10_p_value="-299.0000", **base), 3)
        self.holds(predicate(p_value="0.000e+00", log10_p_value="-307.0000", **base))
        self.holds(predicate(p_value="0.000e-05", log10_p_value="-350.0000", **base))
        self.fails(predicate(p_value="0.000e+00", log10_p_value="-306.9999", **base), 3)
        self.holds(predicate(p_value="0.159e-15", log10_p_value="-15.7986", **base))   # mantissa below 1

    def test_rule3_is_binary64(self):
        """The format's own example: p_value 1.000e-05 with log10_p_value -5.0003 is 0.0003 apart in
        decimals, but in binary64 log10(1e-05) is -5.0 and -5.0003 parses to -5.000300000000000189...,
        a distance 1.89e-16 above the double 0.0003 (itself 2.6e-20 below 3e-4): rejected."""
        base = dict(search_spans=None, p_threshold=None)
        self.assertEqual(math.log10(float("1.000e-05")), -5.0)
        self.assertGreater(abs(math.log10(float("1.000e-05")) - float("-5.0003")), 0.0003)
        self.fails(predicate(p_value="1.000e-05", log10_p_value="-5.0003", **base), 3)
        self.fails(predicate(p_value="1.000e-05", log10_p_value="-4.9997", **base), 3)
        # Exactly at the tolerance in binary64 too: log10(1e-300) is -300.0 (as a double) and -300.0003
        # is another double; whatever the decimals say, the double distance decides.
        distance = abs(math.log10(1e-300) - float("-300.0003"))
        if distance <= 0.0003:
            self.holds(predicate(p_value="1.000e-300", log10_p_value="-300.0003", **base))
        else:
            self.fails(predicate(p_value="1.000e-300", log10_p_value="-300.0003", **base), 3)
        # A p_value below the smallest double is 0 in binary64: log10_p_value must then be <= -307
        # (exact decimals would call it positive and ask only < -299).
        self.assertEqual(float("9.999e-325"), 0.0)
        self.fails(predicate(p_value="9.999e-325", log10_p_value="-300.0000", **base), 3)
        self.holds(predicate(p_value="9.999e-325", log10_p_value="-324.0000", **base))
        # A subnormal p is still positive.
        self.holds(predicate(p_value="1.000e-310", log10_p_value="-300.0000", **base))

    def test_rule4_p_threshold(self):
        self.fails(predicate(search_spans=True, p_value="1.000e-02", log10_p_value="-2.0000"), 4)
        self.holds(predicate(search_spans=True, p_value="3.167e-05", log10_p_value="-4.4993"))  # equal is allowed
        self.holds(predicate(search_spans=True, p_value="1.000e-02", log10_p_value="-2.0000", verdict="no_watermark"))
        self.holds(predicate(search_spans=True, p_value="1.000e-02", log10_p_value="-2.0000", p_threshold=None))

    def test_rule5_gamma_and_z(self):
        for gamma in ["1/4", "0.", "0", ".25", "0.25 ", "1.0", "0.0", "0.000", "0,25", "0.2５", "-0.25", "0.25e0"]:
            with self.subTest(gamma=gamma):
                self.fails(predicate(scheme=dict(w.WATERMARK["scheme"], gamma=gamma)), 5)
        self.fails(predicate(z_score="7.2500"), 5)
        # z of 81 green of 140 at 0.25 is 8.978281...: 8.9783 is 0.000019 away, 8.9782 0.000081, 8.9784 0.000119.
        self.assertAlmostEqual((81 - 35) / math.sqrt(140 * 0.25 * 0.75), 8.978281, places=6)
        self.holds(predicate(z_score="8.9783"))
        self.fails(predicate(z_score="8.9782"), 5)
        self.fails(predicate(z_score="8.9784"), 5)
        self.fails(predicate(z_score="-8.9783"), 5)
        # T = 100, gamma 0.5: z = (g - 50) / 5 exactly, so 70 green give z = 4: 4.0000 holds, 4.0001 does not.
        self.holds(predicate(T=100, g=70, gamma="0.5"))
        self.fails(predicate(T=100, g=70, gamma="0.5", z_score="4.0001"), 5)
        self.fails(predicate(T=100, g=70, gamma="0.5", z_score="3.9999"), 5)
        # T = 0: z is not checked.
        self.holds(predicate(T=0, g=0, m=1, z_score="0.0000", verdict="too_short"))
        self.holds(predicate(T=0, g=0, m=1, z_score="123.0000", verdict="too_short"))

    def test_rule5_gamma_is_binary64(self):
        # gamma is the nearest double: 0 < gamma < 1 is decided on it.
        for gamma in ["0." + "0" * 330 + "1", "0." + "9" * 17, "0." + "9" * 400]:   # 0.0 and 1.0 as doubles
            with self.subTest(gamma=gamma[:30]):
                value = predicate()
                value["scheme"] = dict(value["scheme"], gamma=gamma, gamma_threshold=0)
                self.fails(value, 5)
        self.holds(stated(140, 81, "0.25", "8.9783"))
        # A subnormal gamma is above 0: z is huge but finite, and the stated z is its exact %.4f.
        tiny = "0." + "0" * 320 + "1"
        z = z_from_counts(10, 3, float(tiny))
        self.assertTrue(1e159 < z < 1e161)
        self.holds(stated(10, 3, tiny, "%.4f" % z, verdict="too_short"))
        self.fails(stated(10, 3, tiny, "%.4f" % (z * (1 + 2 ** -52)), verdict="too_short"), 5)

    def test_rule5_gamma_threshold(self):
        """gamma_threshold = floor(gamma * 2^32), the binary64 product (docs/prf.md)."""
        self.assertEqual([gamma_threshold(float(g)) for g in ["0.1", "0.25", "0.5"]], [429496729, 1073741824, 2147483648])
        self.assertEqual(gamma_threshold(float("0.9999999999")), 4294967295)
        self.assertEqual(gamma_threshold(float("0.00000000001")), 0)
        value = predicate()
        self.assertEqual(value["scheme"]["gamma_threshold"], 2 ** 30)
        self.holds(value)
        for wrong in [2 ** 30 + 1, 2 ** 30 - 1, 0, 2 ** 32 - 1]:
            with self.subTest(gamma_threshold=wrong):
                self.fails(predicate(scheme=dict(value["scheme"], gamma_threshold=wrong)), 5)
        # The decimal gamma 0.1 is 0.1000000000000000055... as a double; 2^32 times it is
        # 429496729.6000000024: the floor is 429496729 either way, but the double decides.
        self.holds(predicate(T=140, g=30, gamma="0.1"))
        self.assertEqual(predicate(T=140, g=30, gamma="0.1")["scheme"]["gamma_threshold"], 429496729)
        self.fails(predicate(T=140, g=30, gamma="0.1", scheme=dict(w.WATERMARK["scheme"], gamma="0.1", gamma_threshold=429496730)), 5)
        # Many digits: the threshold of the double, and quickly.
        long_gamma = "0.25" + "0" * 150_000 + "1"
        started = time.monotonic()
        self.holds(stated(140, 81, long_gamma, "8.9783"))
        self.fails(stated(140, 81, long_gamma, "8.9783", scheme=dict(w.WATERMARK["scheme"], gamma=long_gamma,
                                                                     gamma_threshold=2 ** 30 + 1)), 5)
        self.assertLess(time.monotonic() - started, 1.0)

    def test_rule5_z_boundary_is_binary64(self):
        """T = 10^10, gamma 0.5, g = 5000200003: z = 200003 / 50000 = 4.00006 exactly in decimals,
        so a stated 4.0000 is exactly 0.00006 away (exact arithmetic would accept it). In binary64
        every step is exact but the last division: z is the double 4.0000600000000003930..., and
        its distance to 4.0 (exact, by Sterbenz) exceeds the double 0.00006 (6.0000000000000000152e-05):
        rejected. 4.0001 is 0.00004 away: accepted."""
        T, g = 10 ** 10, 5_000_200_003
        z = z_from_counts(T, g, 0.5)
        self.assertEqual(z, 200003 / 50000)
        self.assertGreater(z - 4.0, 0.00006)
        self.fails(stated(T, g, "0.5", "4.0000"), 5)
        self.holds(stated(T, g, "0.5", "4.0001"))
        self.fails(stated(T, T - g, "0.5", "-4.0000"), 5)      # the mirror image
        self.holds(stated(T, T - g, "0.5", "-4.0001"))
        # The operations are the ones written: (g - gamma T) / sqrt(T gamma (1 - gamma)), left to right.
        t, gamma = float(T), 0.5
        self.assertEqual(z, (g - gamma * t) / math.sqrt(t * gamma * (1 - gamma)))

    def test_rule7_z_at_the_threshold(self):
        # z exactly 4.0 in binary64 (T = 100, gamma 0.5, g = 70) reaches z_threshold 4.0000.
        self.assertEqual(z_from_counts(100, 70, 0.5), 4.0)
        self.holds(predicate(T=100, g=70, gamma="0.5", p_threshold="1.000e-02"))
        self.assertEqual(predicate(T=100, g=70, gamma="0.5", p_threshold="1.000e-02")["verdict"], "watermarked")

    def test_rule6_exact_tail(self):
        self.fails(predicate(p_value="2.100e-13", log10_p_value="-12.6778"), 6)
        self.holds(predicate(p_value="2.100e-13", log10_p_value="-12.6778", search_spans=True))
        self.holds(predicate(p_value="2.100e-13", log10_p_value="-12.6778", search_spans=None))
        # keys_tried multiplies (Bonferroni), capped at p = 1.
        self.fails(predicate(k=1000, p_value="1.598e-16", log10_p_value="-15.7965"), 6)
        self.holds(predicate(k=1000))
        self.holds(predicate(T=140, g=30, k=5))    # k * tail above 1: L = 0
        # Tolerance 0.001 on log10_p_value (with p_value moved along so rule 3 holds).
        exact = log10_fraction(exact_tail(140, 81, "0.25"))          # -15.79648...
        for offset, ok in [(0.0009, True), (-0.0009, True), (0.0012, False), (-0.0012, False)]:
            stated = "%.4f" % (exact + offset)
            p = "%.3e" % (10 ** float(stated))
            with self.subTest(offset=offset):
                value = predicate(log10_p_value=stated, p_value=p)
                if ok:
                    self.holds(value)
                else:
                    self.fails(value, 6)

    def test_rule7_verdict(self):
        self.fails(predicate(verdict="no_watermark"), 7)
        self.holds(predicate(T=140, g=30))                               # no_watermark, z < 4
        self.fails(predicate(T=140, g=30, verdict="watermarked", p_threshold="1.000e+00"), 7)
        # z exactly at z_threshold counts as reaching it.
        self.holds(predicate(T=100, g=70, gamma="0.5", p_threshold="1.000e-02"))
        self.assertEqual(predicate(T=100, g=70, gamma="0.5", p_threshold="1.000e-02")["verdict"], "watermarked")
        self.fails(predicate(T=100, g=70, gamma="0.5", p_threshold="1.000e-02", verdict="no_watermark"), 7)
        # p above p_threshold: no_watermark even with a large z.
        self.holds(predicate(p_threshold="1.000e-20"))
        self.assertEqual(predicate(p_threshold="1.000e-20")["verdict"], "no_watermark")
        # Without p_threshold, with span search, or too short, the rule is skipped.
        self.holds(predicate(verdict="no_watermark", p_threshold=None))
        self.holds(predicate(verdict="no_watermark", search_spans=True))
        self.holds(predicate(verdict="no_watermark", search_spans=None))


class Tail(unittest.TestCase):
    """The tail to a relative accuracy of 1e-9 in its log10 (the format's requirement)."""

    def assertRelative(self, value: float, exact: float, tolerance: float, msg=None) -> None:
        self.assertLessEqual(abs(value - exact), tolerance * abs(exact), (value, exact, msg))

    def test_external_vectors(self):
        if not EXTERNAL.exists():
            self.skipTest("external vectors not present")
        cases = json.loads(EXTERNAL.read_text("utf-8"))["cases"]
        checked = 0
        for case in cases:
            T, g, gamma = case["scored"], case["green"], float(case["gamma"])
            exact = Fraction(case["p_value_exact_fraction"])
            if g > T:
                continue  # impossible counts never reach the tail (rule 1 refuses them)
            self.assertEqual(exact, exact_tail(T, g, gamma), case)
            self.assertRelative(log10_upper_tail(T, g, gamma), log10_fraction(exact), 1e-9, case)
            checked += 1
        self.assertGreaterEqual(checked, 4)

    def test_small_t_is_exact(self):
        rng = random.Random(7)
        for _ in range(200):
            T = rng.choice([1, 2, 3, 7, 20, 140, 333, 1000] if _ < 20 else [1, 2, 3, 7, 20, 140, 333])
            g = rng.randint(0, T)
            gamma = float(rng.choice(["0.25", "0.5", "0.1", "0.9", "0.01", "0.333", "0.75", "0.999"]))
            with self.subTest(T=T, g=g, gamma=gamma):
                exact = exact_tail(T, g, gamma)
                self.assertRelative(log10_upper_tail(T, g, gamma), log10_fraction(exact), 1e-9)

    def test_strided_sum_matches_the_term_by_term_sum(self):
        saved = consistency._DIRECT_SIGMA
        self.addCleanup(setattr, consistency, "_DIRECT_SIGMA", saved)
        for T in [10 ** 5, 10 ** 6]:
            for gamma in [0.25, 0.5, 0.02, 0.9]:
                mean, sd = T * gamma, math.sqrt(T * gamma * (1 - gamma))
                for z in [-20, -5, -2, -1, -0.3, -0.05, 0, 0.05, 0.3, 1, 4, 10, 40, 150]:
                    g = int(round(mean + z * sd))
                    if not 0 <= g <= T:
                        continue
                    consistency._DIRECT_SIGMA = 1e18
                    direct = log10_upper_tail(T, g, gamma)
                    consistency._DIRECT_SIGMA = 5.0
                    strided = log10_upper_tail(T, g, gamma)
                    self.assertRelative(strided, direct, 1e-10, (T, g, gamma))

    def test_fast_and_finite_up_to_2_53(self):
        huge = 2 ** 53 - 1
        started = time.monotonic()
        for T, g, gamma in [(10 ** 6, 250_000, 0.25), (10 ** 6, 252_000, 0.25), (10 ** 6, 248_000, 0.25),
                            (10 ** 9, 250_000_000, 0.25), (huge, huge // 4, 0.25), (huge, huge // 4 + 10 ** 9, 0.25),
                            (huge, huge, 0.25), (huge, 1, 0.25), (huge, huge // 2, 0.5), (3_600_000_000, 900_000_000, 0.25),
                            (huge, 5, 5e-324), (huge, huge - 1, 1 - 2 ** -53), (huge, 1, 1e-300)]:
            value = log10_upper_tail(T, g, gamma)
            self.assertTrue(math.isfinite(value) and value <= 0, (T, g, gamma, value))
        self.assertLess(time.monotonic() - started, 5.0)
        # Near the mean of a huge T the tail is about one half.
        self.assertAlmostEqual(log10_upper_tail(huge, huge // 2 + 1, 0.5), math.log10(0.5), places=6)
        self.assertAlmostEqual(log10_upper_tail(10 ** 6, 10 ** 6, 0.999999), 1e6 * math.log10(0.999999), places=6)
        # Closed forms at the ends: P[X >= T] = gamma^T, P[X >= 1] = 1 - (1 - gamma)^T.
        self.assertRelative(log10_upper_tail(huge, huge, 0.25), huge * math.log10(0.25), 1e-12)
        self.assertRelative(log10_upper_tail(huge, 1, 1e-300), math.log10(-math.expm1(huge * math.log1p(-1e-300))), 1e-12)

    def test_near_the_mean_of_a_huge_t(self):
        """Beyond sigma 30,000 (strided sums): P[Bin(2T', 1/2) >= T'+1] = (1 - P[X = T'])/2 exactly
        for the even count 2T', and P[X = T'] is C(2T', T')/4^T', about 1/sqrt(pi T')."""
        for n in [4 * 10 ** 9, 2 * 10 ** 12, 2 ** 52]:
            half = n // 2
            ln_center = ln_pmf(n, half, 0.5)
            exact = math.log10((1 - math.exp(ln_center)) / 2)
            self.assertRelative(log10_upper_tail(n, half + 1, 0.5), exact, 1e-9, n)
            # and P[X >= T'] = (1 + P[X = T'])/2
            self.assertRelative(log10_upper_tail(n, half, 0.5), math.log10((1 + math.exp(ln_center)) / 2), 1e-9, n)
            # Stirling for the central term: C(2m, m)/4^m = 1/sqrt(pi m) (1 - 1/(8m) + ...)
            self.assertAlmostEqual(ln_center, -0.5 * math.log(math.pi * half) - 1 / (8 * half), places=12)

    def test_pmf_is_accurate_for_large_n(self):
        for n, x, gamma in [(10 ** 6, 250_000, 0.25), (10 ** 6, 260_000, 0.25), (1000, 1, 0.3), (40, 20, 0.5)]:
            direct = (math.lgamma(n + 1) - math.lgamma(x + 1) - math.lgamma(n - x + 1)
                      + x * math.log(gamma) + (n - x) * math.log1p(-gamma))
            self.assertAlmostEqual(ln_pmf(n, x, gamma), direct, places=7)


class Verification(Base):
    """statement.inconsistent in the verifier: after key.id_mismatch, detection attestations only."""

    def cert(self, value: dict) -> bytes:
        return certificate(statement(value))

    def test_stage_and_code(self):
        self.assertValid(run(cert=self.cert(predicate())))
        self.assertFails(run(cert=self.cert(predicate(z_score="7.2500"))), "statement.inconsistent")
        self.assertFails(run(cert=self.cert(predicate(green_tokens=141))), "statement.inconsistent")
        # key.id_mismatch comes first, statement.invalid before both.
        self.assertFails(run(cert=self.cert(predicate(z_score="7.2500", issuer_key_id=w.ISSUER2.kid))), "key.id_mismatch")
        self.assertFails(run(cert=self.cert(predicate(z_score=7.25))), "statement.invalid")
        # Generation receipts have no consistency rules.
        self.assertValid(run(cert=certificate(statement(w.generation_predicate(), kind=w.GENERATION))))

    def test_new_members_are_typed_and_null_is_absent(self):
        self.assertFails(run(cert=self.cert(predicate(search_spans="false"))), "statement.invalid")
        self.assertFails(run(cert=self.cert(predicate(search_spans=0))), "statement.invalid")
        self.assertFails(run(cert=self.cert(predicate(p_threshold=3.167e-05))), "statement.invalid")
        # null search_spans: absent, so the stated (wrong) tail is not recomputed.
        self.assertValid(run(cert=self.cert(predicate(search_spans=None, p_value="2.100e-13", log10_p_value="-12.6778"))))
        self.assertFails(run(cert=self.cert(predicate(p_value="2.100e-13", log10_p_value="-12.6778"))), "statement.inconsistent")
        # null p_threshold: absent, rule 4 and 7 skipped.
        self.assertValid(run(cert=self.cert(predicate(p_threshold=None, verdict="no_watermark"))))
        # null scheme: rules 5 to 7 skipped.
        self.assertValid(run(cert=self.cert(predicate(scheme=None, z_score="1.0000"))))
        self.assertFails(run(cert=self.cert(predicate(z_score="1.0000"))), "statement.inconsistent")

    def test_long_numbers_are_fast(self):
        """Stated decimals are parsed to doubles first: 150,000 digits cost a linear scan, not
        big-number arithmetic (the certificate limit of 256 KiB allows about 190,000)."""
        digits = 150_000
        scheme = dict(w.WATERMARK["scheme"])
        cases = [
            (predicate(scheme=scheme | {"gamma": "0.25" + "0" * digits}), None),
            (predicate(scheme=scheme | {"gamma": "0.25" + "0" * 20 + "7" * digits}), None),   # 0.25 as a double
            (predicate(scheme=scheme | {"gamma": "0." + "3" * digits}), "statement.inconsistent"),
            (predicate(z_score="0" * digits + "8.9783"), None),
            (predicate(z_score="9" * digits + ".0000"), "statement.inconsistent"),      # +inf
            (predicate(log10_p_value="-" + "0" * digits + "15.7965"), None),
            (predicate(log10_p_value="-" + "9" * digits + ".0000", search_spans=None), "statement.inconsistent"),
            (predicate(z_threshold="-" + "9" * digits + ".0000", verdict="watermarked"), None),   # -inf: always reached
        ]
        for value, code in cases:
            started = time.monotonic()
            report = run(cert=self.cert(value))
            self.assertLess(time.monotonic() - started, 1.0)
            if code is None:
                self.assertValid(report)
            else:
                self.assertFails(report, code)

    def test_hostile_numbers_never_crash(self):
        rng = random.Random(3)
        strings = ["", "0", "-0.0000", "1e999", "9.999e-999", "0.000e+00", "nan", "inf", "-inf", "1" * 5000,
                   "0." + "0" * 5000 + "1", "0." + "9" * 3000, "9.999e+99", "-99999999999999999999.0000"]
        integers = [0, 1, -1, 2 ** 53 - 1, -(2 ** 53 - 1), 140, 81, 50]
        for _ in range(150):
            value = predicate()
            for name in ["z_score", "p_value", "log10_p_value", "z_threshold", "p_threshold"]:
                if rng.random() < 0.3:
                    value[name] = rng.choice(strings)
            for name in ["tokens_scored", "green_tokens", "keys_tried", "min_tokens"]:
                if rng.random() < 0.3:
                    value[name] = rng.choice(integers)
            if rng.random() < 0.3:
                value["scheme"] = dict(value["scheme"], gamma=rng.choice(strings + ["0.5", "0.25"]))
            report = run(cert=self.cert(value))
            self.assertIn(report.codes[-1], ("statement.inconsistent", "key.valid", "text.digest.match"), report.codes)
            self.assertEqual(report.codes[:5], SUCCESS[:5])


if __name__ == "__main__":
    unittest.main()
