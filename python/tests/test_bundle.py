"""Provenance bundles: every bundle case of the conformance suite (Tests/GreenmarkCertificatesTests/
Fixtures/conformance/bundles) gives exactly its expected checks; bundles are told from certificates."""

import json
import os
import unittest

from greenmark_verify.bundle import MAX_BUNDLE_BYTES, is_bundle, verify_bundle

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "GreenmarkCertificatesTests", "Fixtures", "conformance")
BUNDLES = os.path.join(ROOT, "bundles")


def _read(directory, name):
    path = os.path.join(directory, name)
    if not os.path.exists(path):
        return None
    with open(path, "rb") as handle:
        return handle.read()


@unittest.skipUnless(os.path.isdir(BUNDLES), "the conformance suite is not beside this checkout")
class BundleConformance(unittest.TestCase):
    def test_every_case(self):
        names = sorted(n for n in os.listdir(BUNDLES) if os.path.isdir(os.path.join(BUNDLES, n)))
        self.assertGreaterEqual(len(names), 30)
        for name in names:
            d = os.path.join(BUNDLES, name)
            expected = json.loads(_read(d, "expected.json"))
            report = verify_bundle(_read(d, "bundle.json"), _read(d, "text.txt"), _read(d, "trust.json"), None,
                                   expected.get("min_trust_version"), expected["at"], _read(d, "log-key.json"))
            with self.subTest(name=name):
                self.assertEqual(report.codes, expected["checks"])
                self.assertEqual(report.status, expected["status"])

    def test_too_large_and_dispatch(self):
        report = verify_bundle(b" " * (MAX_BUNDLE_BYTES + 1), None, b"{}")
        self.assertEqual(report.codes, ["bundle.too_large"])
        self.assertTrue(is_bundle(_read(os.path.join(BUNDLES, "bundle-valid-root-key"), "bundle.json")))
        self.assertFalse(is_bundle(_read(os.path.join(ROOT, "valid-root-key"), "certificate.json")))
        self.assertFalse(is_bundle(b"not json"))


if __name__ == "__main__":
    unittest.main()
