"""gumbel-v1 attestations (docs/certificate-format.md, "gumbel-v1 attestations"): rules G1 to G5
and the exact Gamma tail Q(T, S) they need, checked against the 24 cases of
docs/test-vectors/gumbel-v1.json (mpmath, 60 digits) and against the integer-T identity summed
with exact rationals.

    cd python && python3 -m unittest discover -s tests
"""

from __future__ import annotations

import json
import math
import time
import unittest
from fractions import Fraction
from pathlib import Path

from greenmark_verify.consistency import Inconsistent, check, is_gumbel, log10_gamma_upper

VECTORS = Path(__file__).resolve().parents[2] / "docs/test-vectors/gumbel-v1.json"


def predicate(**changes) -> dict:
    """A consistent gumbel-v1 predicate (score 260.3125 over 140 tokens, one key), with changes."""
    p = {
        "scheme": {"prf": "gumbel-v1", "gamma": "0", "gamma_threshold": 0, "h": 4},
        "tokens_scored": 140, "score": "260.3125", "min_tokens": 50, "keys_tried": 1,
        "p_value": "1.112e-16", "log10_p_value": "-15.9538", "p_threshold": "3.167e-05",
        "verdict": "watermarked", "search_spans": False,
    }
    p.update(changes)
    return p


class Tail(unittest.TestCase):
    def test_reference_vectors(self):
        cases = json.loads(VECTORS.read_text())["gamma_tail"]
        self.assertGreaterEqual(len(cases), 20)
        for c in cases:
            expected = float(c["log10_p"])
            got = log10_gamma_upper(c["T"], c["S"])
            self.assertLessEqual(abs(got - expected), 1e-12 * max(1.0, abs(expected)), c)

    def test_exact_for_small_integer_inputs(self):
        # Q(T, S) = e^-S * sum_{k<T} S^k / k!; for S = 1/2 every term but e^-S is rational.
        for T in (1, 2, 7, 30):
            for S in (0.5, 3.0, 40.0):
                frac = Fraction(S)
                series = sum(frac ** k / math.factorial(k) for k in range(T))
                expected = (-S + math.log(series.numerator) - math.log(series.denominator)) / math.log(10)
                self.assertAlmostEqual(log10_gamma_upper(T, S), expected, delta=1e-12 * max(1, abs(expected)))

    def test_zero_score_and_bounds(self):
        self.assertEqual(log10_gamma_upper(5, 0.0), 0.0)
        self.assertTrue(math.isfinite(log10_gamma_upper(1, 1e6)))
        with self.assertRaises(ValueError):
            log10_gamma_upper(0, 1.0)

    def test_largest_t_is_fast(self):
        start = time.process_time()
        T = 2 ** 32 - 1
        self.assertAlmostEqual(log10_gamma_upper(T, float(T)), math.log10(0.5), delta=1e-4)
        self.assertLess(time.process_time() - start, 5.0)


class Rules(unittest.TestCase):
    def test_consistent(self):
        self.assertTrue(is_gumbel(predicate()))
        check(predicate())
        check(predicate(keys_tried=3, p_value="3.337e-16", log10_p_value="-15.4767"))
        check(predicate(search_spans=True, p_value="1.000e-10", log10_p_value="-10.0000"))
        check(predicate(tokens_scored=30, score="80.5000", verdict="too_short", p_value="3.551e-11", log10_p_value="-10.4496"))
        check(predicate(tokens_scored=0, score="0.0000", verdict="too_short", p_value="1.000e+00", log10_p_value="0.0000"))

    def rejects(self, rule: str, **changes):
        with self.assertRaises(Inconsistent) as caught:
            check(predicate(**changes))
        self.assertIn(f"rule {rule}", str(caught.exception))

    def test_rules(self):
        self.rejects("G1", tokens_scored=2 ** 32, search_spans=True)
        self.rejects("G1", tokens_scored=30, verdict="watermarked")
        self.rejects("G1", keys_tried=0)
        self.rejects("G2", score="-1.0000")
        self.rejects("G2", score="260.31")
        self.rejects("G2", score="5321.0000", search_spans=True)
        self.rejects("G2", tokens_scored=0, score="0.0001", verdict="too_short", search_spans=True)
        self.rejects("G2", scheme={"prf": "gumbel-v1", "gamma": "0.25", "gamma_threshold": 1073741824, "h": 4})
        self.rejects("G3", log10_p_value="-17.0000")
        self.rejects("G4", score="250.0000")
        self.rejects("G4", p_value="1.000e-12", log10_p_value="-12.0000")
        self.rejects("G5", verdict="no_watermark")
        self.rejects("G5", search_spans=True, p_value="1.000e-02", log10_p_value="-2.0000")
        self.rejects("G5", search_spans=True, p_value="3.166e-05", log10_p_value="-4.4995", verdict="no_watermark")
        # Equal stated values admit either verdict: both are rounded.
        check(predicate(search_spans=True, p_value="3.167e-05", log10_p_value="-4.4994", verdict="no_watermark"))
        check(predicate(search_spans=True, p_value="3.167e-05", log10_p_value="-4.4994", verdict="watermarked"))


if __name__ == "__main__":
    unittest.main()
