#!/usr/bin/env python3
"""Reference values of P[Bin(n, p) >= k] computed with mpmath at 60 digits (independent of the
Swift code). Regenerate: python3 Tests/GreenmarkCoreTests/Fixtures/make_binomial_tail.py"""
import json, os
import mpmath as mp

mp.mp.dps = 60


def upper_tail(k, n, p):
    if k <= 0:
        return mp.mpf(1)
    if k > n:
        return mp.mpf(0)
    p = mp.mpf(p)
    q = 1 - p
    mean = n * p
    def term(j):
        return mp.exp(mp.loggamma(n + 1) - mp.loggamma(j + 1) - mp.loggamma(n - j + 1) + j * mp.log(p) + (n - j) * mp.log(q))
    if k > mean:
        total, j = mp.mpf(0), k
        while j <= n:
            t = term(j)
            total += t
            if t < total * mp.mpf(10) ** -40:
                break
            j += 1
        return total
    total, j = mp.mpf(0), k - 1
    while j >= 0:
        t = term(j)
        total += t
        if t < total * mp.mpf(10) ** -40:
            break
        j -= 1
    return 1 - total


cases = [
    (0, 10, 0.25), (1, 10, 0.25), (3, 10, 0.25), (10, 10, 0.25), (11, 10, 0.25),
    (5, 20, 0.1), (15, 50, 0.25), (25, 50, 0.25), (30, 50, 0.5), (50, 50, 0.5),
    (12, 100, 0.25), (25, 100, 0.25), (45, 100, 0.25), (100, 200, 0.25), (150, 200, 0.25),
    (200, 200, 0.25), (90, 400, 0.25), (110, 400, 0.25), (250, 1000, 0.25), (320, 1000, 0.25),
    (2600, 10000, 0.25), (25000, 100000, 0.25), (25300, 100000, 0.25), (250000, 1000000, 0.25),
    (251500, 1000000, 0.25), (252000, 1000000, 0.25), (260000, 1000000, 0.25),
    (400000, 1000000, 0.25), (1000000, 1000000, 0.25), (100500, 1000000, 0.1), (500900, 1000000, 0.5),
]
out = []
for k, n, p in cases:
    v = upper_tail(k, n, p)
    out.append({
        "successes": k, "trials": n, "p": p,
        "tail": float(v) if v > mp.mpf(10) ** -300 else 0.0,
        "log10_tail": float(mp.log10(v)) if v > 0 else None,
    })
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "binomial-tail.json"), "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print(len(out), "cases")
