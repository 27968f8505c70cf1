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
from greenmark_verify.consistency import Inconsistent, check, ln_pmf, log10_upper_tail

EXTERNAL = Path(__file__).resolve().parents[3] / "shared/external-vectors/kgw-detection/binomial_tail_cases.json"


def exact_tail(T: int, g: int, gamma: str) -> Fraction:
    """P[Bin(T, gamma) >= g] as an exact rational (small T only)."""
    p = Fraction(gamma)
    q = 1 - p
    return sum((math.comb(T, i) * p ** i * q ** (T - i) for i in range(max(g, 0), T + 1)), Fraction(0))


def log10_fraction(value: Fraction) -> float:
    """log10 of a positive rational far below the double range, without converting it to a float."""
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
    value["scheme"] = dict(value["scheme"], gamma=gamma)
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
        self.holds(predicate(p_value="1.000e-05", log10_p_value="-5.0003", **base))   # exactly 0.0003 apart
        self.holds(predicate(p_value="1.000e-05", log10_p_value="-4.9997", **base))
        self.fails(predicate(p_value="1.000e-05", log10_p_value="-5.0004", **base), 3)
        self.fails(predicate(p_value="1.598e-16", log10_p_value="-10.0000", **base), 3)
        self.holds(predicate(p_value="1.000e-300", log10_p_value="-300.0003", **base))  # 1e-300 is in the first case
        self.fails(predicate(p_value="1.000e-300", log10_p_value="-301.0000", **base), 3)
        self.holds(predicate(p_value="9.999e-301", log10_p_value="-299.0001", **base))  # below 1e-300: only < -299
        self.holds(predicate(p_value="9.999e-301", log10_p_value="-999.0000", **base))
        self.fails(predicate(p_value="9.999e-301", log10_p_value="-299.0000", **base), 3)
        self.holds(predicate(p_value="0.000e+00", log10_p_value="-307.0000", **base))
        self.holds(predicate(p_value="0.000e-05", log10_p_value="-350.0000", **base))
        self.fails(predicate(p_value="0.000e+00", log10_p_value="-306.9999", **base), 3)
        self.holds(predicate(p_value="0.159e-15", log10_p_value="-15.7986", **base))   # mantissa below 1

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
    def test_external_vectors(self):
        if not EXTERNAL.exists():
            self.skipTest("external vectors not present")
        cases = json.loads(EXTERNAL.read_text("utf-8"))["cases"]
        checked = 0
        for case in cases:
            T, g, gamma = case["scored"], case["green"], repr(case["gamma"])
            exact = Fraction(case["p_value_exact_fraction"])
            if g > T:
                continue  # impossible counts never reach the tail (rule 1 refuses them)
            self.assertEqual(exact, exact_tail(T, g, gamma), case)
            self.assertLess(abs(log10_upper_tail(T, g, gamma) - log10_fraction(exact)), 1e-9, case)
            checked += 1
        self.assertGreaterEqual(checked, 4)

    def test_small_t_is_exact(self):
        rng = random.Random(7)
        for _ in range(200):
            T = rng.choice([1, 2, 3, 7, 20, 140, 333, 1000] if _ < 20 else [1, 2, 3, 7, 20, 140, 333])
            g = rng.randint(0, T)
            gamma = rng.choice(["0.25", "0.5", "0.1", "0.9", "0.01", "0.333", "0.75", "0.999"])
            with self.subTest(T=T, g=g, gamma=gamma):
                self.assertLess(abs(log10_upper_tail(T, g, gamma) - log10_fraction(exact_tail(T, g, gamma))), 1e-9)

    def test_strided_sum_matches_the_term_by_term_sum(self):
        saved = consistency._DIRECT_SIGMA
        self.addCleanup(setattr, consistency, "_DIRECT_SIGMA", saved)
        for T in [10 ** 5, 10 ** 6]:
            for gamma in ["0.25", "0.5", "0.02"]:
                mean, sd = T * float(gamma), math.sqrt(T * float(gamma) * (1 - float(gamma)))
                for z in [-20, -2, -0.2, 0, 0.3, 1, 4, 10, 40, 150]:
                    g = int(round(mean + z * sd))
                    if not 0 <= g <= T:
                        continue
                    consistency._DIRECT_SIGMA = 1e18
                    direct = log10_upper_tail(T, g, gamma)
                    consistency._DIRECT_SIGMA = 5.0
                    strided = log10_upper_tail(T, g, gamma)
                    self.assertLess(abs(direct - strided), 1e-6, (T, g, gamma, direct, strided))

    def test_fast_and_finite_up_to_2_53(self):
        huge = 2 ** 53 - 1
        started = time.monotonic()
        for T, g, gamma in [(10 ** 6, 250_000, "0.25"), (10 ** 6, 252_000, "0.25"), (10 ** 6, 248_000, "0.25"),
                            (10 ** 9, 250_000_000, "0.25"), (huge, huge // 4, "0.25"), (huge, huge // 4 + 10 ** 9, "0.25"),
                            (huge, huge, "0.25"), (huge, 1, "0.25"), (huge, huge // 2, "0.5"),
                            (huge, 5, "0." + "0" * 600 + "1"), (huge, huge - 1, "0." + "9" * 600)]:
            value = log10_upper_tail(T, g, gamma)
            self.assertTrue(math.isfinite(value) and value <= 0, (T, g, gamma, value))
        self.assertLess(time.monotonic() - started, 5.0)
        # Near the mean of a huge T the tail is about one half.
        self.assertAlmostEqual(log10_upper_tail(huge, huge // 2 + 1, "0.5"), math.log10(0.5), places=6)
        self.assertAlmostEqual(log10_upper_tail(10 ** 6, 10 ** 6, "0.999999"), 1e6 * math.log10(0.999999), places=6)

    def test_pmf_is_accurate_for_large_n(self):
        for n, x, gamma in [(10 ** 6, 250_000, 0.25), (10 ** 6, 260_000, 0.25), (1000, 1, 0.3), (40, 20, 0.5)]:
            direct = (math.lgamma(n + 1) - math.lgamma(x + 1) - math.lgamma(n - x + 1)
                      + x * math.log(gamma) + (n - x) * math.log1p(-gamma))
            self.assertAlmostEqual(ln_pmf(n, x, math.log(gamma), math.log1p(-gamma)), direct, places=7)


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
