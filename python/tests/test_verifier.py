"""Unit tests of greenmark_verify against docs/certificate-format.md, on keys made here.

    cd python && python3 -m unittest discover -s tests
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import tempfile
import unittest
from datetime import datetime, timedelta, timezone
from pathlib import Path

import world as w
from world import (AT, ISSUER1, ISSUER2, ROOT1, ROOT2, ROOT3, T0, TEXT, b64json, body, certificate,
                   certificate_object, compact, issuing_entry, sign_root, statement, trusted_root, ts)

from greenmark_verify import verify
from greenmark_verify.encoding import DecodeError, b64url_decode, parse_json, parse_time
from greenmark_verify.text import canonical, first_unassigned, table_bytes

PACKAGE = Path(__file__).resolve().parent.parent / "greenmark_verify"
REPO = Path(__file__).resolve().parent.parent.parent
SUCCESS = ["trust.valid", "format.valid", "header.valid", "key.trusted", "signature.valid",
           "statement.valid", "key.valid", "text.digest.match"]


def run(cert=None, text=TEXT.encode(), trust=None, updates=None, min_version=None, at=AT):
    return verify(cert if cert is not None else certificate(), text,
                  trust if trust is not None else ROOT1.root_key_file(),
                  updates if updates is not None else [trusted_root(1)], min_version, at)


class Base(unittest.TestCase):
    def assertFails(self, report, code):
        codes = report.codes
        self.assertEqual(report.status, "invalid", codes)
        self.assertEqual(codes[-1], code, [str(c) for c in report.checks])
        self.assertEqual(codes[:-1], SUCCESS[:len(codes) - 1], codes)
        self.assertTrue(all(c.passed for c in report.checks[:-1]))
        self.assertFalse(report.checks[-1].passed)

    def assertValid(self, report, with_text=True):
        self.assertEqual(report.status, "valid", [str(c) for c in report.checks])
        self.assertEqual(report.codes, SUCCESS if with_text else SUCCESS[:-1])


class Decoders(Base):
    def test_base64url_canonical(self):
        self.assertEqual(b64url_decode("AQ"), b"\x01")
        self.assertEqual(b64url_decode(""), b"")
        for bad in ["AQ==", "AR", "A", "A+B_", "A/", "AQ\n", "ＡＱ", " AQ"]:
            with self.assertRaises(DecodeError, msg=bad):
                b64url_decode(bad)

    def test_json_profile(self):
        self.assertEqual(parse_json(b' {"a": -0, "b": 9007199254740991} '), {"a": 0, "b": 2**53 - 1})
        for bad in [b'\xef\xbb\xbf{}', b'{"a":1.0}', b'{"a":1e0}', b'{"a":9007199254740992}',
                    b'{"a":-9007199254740992}', b'{"a":NaN}', b'{"a":Infinity}', b'[]', b'"x"',
                    b'{"a":1,"\\u0061":2}', b'{"a":"\x01"}', b'{\x0c}', b'{"a":01}', b'{} {}',
                    '{"a":1}'.encode("utf-16-le"), b'{"a":"\xff"}', b'[' * 100000 + b']' * 100000]:
            with self.assertRaises(DecodeError, msg=bad[:40]):
                parse_json(bad)

    def test_nesting_limit(self):
        # At most 32 deep, the top-level object being depth 1: {"a": 31 arrays} is depth 32.
        self.assertIn("a", parse_json(b'{"a":' + b"[" * 31 + b"]" * 31 + b"}"))
        self.assertIn("a", parse_json(b'{"a":' + b'{"b":' * 31 + b"1" + b"}" * 31 + b"}"))
        self.assertIn("a", parse_json(b'{"a":"' + b"[{" * 100 + b'\\"[["}'))  # brackets inside strings
        for n in [32, 33, 512, 1000, 100000]:
            with self.assertRaises(DecodeError, msg=n):
                parse_json(b'{"a":' + b"[" * n + b"]" * n + b"}")
        with self.assertRaises(DecodeError):
            parse_json(b'{"a":' + b'{"b":' * 32 + b"1" + b"}" * 32 + b"}")

    def test_lone_surrogates(self):
        self.assertEqual(parse_json(b'{"a":"\\ud83d\\ude42"}'), {"a": "\U0001F642"})  # a pair is one character
        self.assertEqual(parse_json(b'{"\\ud83d\\ude42":["\\uD83D\\uDE42"]}'), {"\U0001F642": ["\U0001F642"]})
        for bad in [b'{"a":"\\ud800"}', b'{"a":"\\udc00"}', b'{"a":"x\\ud83d"}', b'{"a":"\\ude42\\ud83d"}',
                    b'{"a":"\\ud83d\\u0041"}', b'{"a":"\\ud83d\\ud83d"}', b'{"\\ud800":1}', b'{"a":[["\\udfff"]]}',
                    b'{"a":{"b":"\\ud800"}}']:
            with self.assertRaises(DecodeError, msg=bad):
                parse_json(bad)

    def test_time_form(self):
        self.assertEqual(parse_time("2024-02-29T23:59:59Z"), datetime(2024, 2, 29, 23, 59, 59, tzinfo=timezone.utc))
        self.assertEqual(parse_time("0001-01-01T00:00:00Z").year, 1)
        for bad in ["2026-02-30T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T00:00:60Z",
                    "0000-01-01T00:00:00Z", "2026-01-01T00:00:00", "2026-01-01 00:00:00Z",
                    "2026-01-01T00:00:00.0Z", "2026-01-01T00:00:00+00:00", "２026-01-01T00:00:00Z",
                    "٢٠٢٦-01-01T00:00:00Z", "2026-1-01T00:00:00Z", "2026-01-01t00:00:00z", 20260101]:
            with self.assertRaises(DecodeError, msg=bad):
                parse_time(bad)


class Text(Base):
    def test_table_is_the_spec_table(self):
        spec = REPO / "docs/test-vectors/unicode-14.0-assigned.txt"
        if not spec.exists():
            self.skipTest("not inside the Greenmark repository")
        self.assertEqual(table_bytes(), spec.read_bytes())

    def test_canonical_vectors(self):
        vectors = REPO / "docs/test-vectors/canonical-text-v1.json"
        if not vectors.exists():
            self.skipTest("not inside the Greenmark repository")
        for vector in json.loads(vectors.read_text("utf-8")):
            self.assertIsNone(first_unassigned(vector["text"]), vector)
            self.assertEqual(canonical(vector["text"]).hex(), vector["canonical_utf8_hex"], vector)

    def test_unassigned(self):
        for char in ["\u0378", "\U0001F6DC", "\uFFFE", "\U0010FFFF", "\U000E0080", "\u2FFF"]:
            self.assertIsNotNone(first_unassigned("ok " + char), hex(ord(char)))
        for char in ["a", "\uE000", "\U000F0000", "\U0001F6D7", "\u00A0", "\uFEFF", "\x00", "\U0010FFFD"]:
            self.assertIsNone(first_unassigned(char), hex(ord(char)))

    def test_text_stage(self):
        self.assertFails(run(text=b"The river bends\xff"), "text.encoding_invalid")
        self.assertFails(run(text=b"\xed\xa0\x80"), "text.encoding_invalid")  # an encoded surrogate
        self.assertFails(run(text=("river \U0001F6DC").encode()), "text.unassigned")
        self.assertFails(run(text=b"The river bends through the valley, later."), "text.digest.mismatch")
        self.assertValid(run(text=b"\xef\xbb\xbfThe river bends  \r\nthrough the valley.\r\n\r\n"))
        self.assertValid(run(text=None), with_text=False)

    def test_text_over_limit_is_refused_not_truncated(self):
        limit = 64 * 1024 * 1024
        padded = canonical(TEXT) + b"\n" * (limit - len(canonical(TEXT)))
        self.assertEqual(len(padded), limit)
        self.assertValid(run(text=padded))
        self.assertFails(run(text=padded + b"X"), "text.too_large")


class Trust(Base):
    def test_bare_root_key_is_not_enough(self):
        self.assertFails(run(updates=[]), "trust.incomplete")
        other = trusted_root(1, roots=(ROOT2,), signers=(ROOT2,))
        self.assertFails(run(updates=[other]), "trust.incomplete")
        # Listed but signed only by another root key (threshold 1 reached without the pin).
        self.assertFails(run(updates=[trusted_root(1, roots=(ROOT1, ROOT2), signers=(ROOT2,))]), "trust.incomplete")

    def test_pinned_trusted_root(self):
        self.assertValid(run(trust=trusted_root(1), updates=[]))
        self.assertFails(run(trust=trusted_root(1, signers=(ROOT2,)), updates=[]), "trust.signature.invalid")
        self.assertFails(run(trust=trusted_root(1, roots=(ROOT1, ROOT2), threshold=2), updates=[]),
                         "trust.signature.invalid")
        self.assertValid(run(trust=trusted_root(1, roots=(ROOT1, ROOT2), threshold=2, signers=(ROOT2, ROOT1)), updates=[]))
        # Copies of one version pool their signatures, the pinned one included: an unsigned pinned
        # copy with a signed copy among the updates is signed.
        unsigned = compact({"payload": json.loads(trusted_root(1))["payload"], "signatures": []})
        self.assertValid(run(trust=unsigned, updates=[trusted_root(1)]))
        self.assertValid(run(trust=trusted_root(1), updates=[unsigned]))
        self.assertFails(run(trust=unsigned, updates=[unsigned]), "trust.signature.invalid")

    def test_threshold_counts_distinct_keys(self):
        doubled = trusted_root(1, roots=(ROOT1, ROOT2), threshold=2, signers=(ROOT1, ROOT1))
        self.assertFails(run(trust=doubled, updates=[]), "trust.signature.invalid")

    def test_unreadable(self):
        v1 = json.loads(trusted_root(1))
        cases = {
            "extra member": compact({**v1, "x": 1}),
            "float in the body": compact(sign_root(body(1) | {"note": 1.5}, (ROOT1,))),
            "extra member beside payload": trusted_root(1).replace(b'{"payload"', b'{"n":1,"payload"'),
            "version 0": trusted_root(0),
            "threshold 2 of 1": trusted_root(1, threshold=2),
            "no root keys": compact(sign_root(body(1, roots=()), (ROOT1,))),
            "bad time": compact(sign_root(body(1, issued_at=T0) | {"issued_at": "2026-02-30T00:00:00Z"}, (ROOT1,))),
            "retired without not_after": trusted_root(1, issuing=[issuing_entry(ISSUER1, status="retired")]),
            "compromised but active": trusted_root(1, issuing=[issuing_entry(ISSUER1, compromised_since=T0)]),
            "unknown status": trusted_root(1, issuing=[issuing_entry(ISSUER1, status="suspended")]),
            "duplicate issuing key": trusted_root(1, issuing=[issuing_entry(ISSUER1), issuing_entry(ISSUER1)]),
            "duplicate root key": compact(sign_root(body(1, roots=(ROOT1, ROOT1)), (ROOT1,))),
            "wrong key id": compact(sign_root(body(1) | {"root_keys": [{"key_id": "grk-0000000000000000", "public_key": ROOT1.public}]}, (ROOT1,))),
            "signature entry not strings": compact({"payload": v1["payload"], "signatures": [{"protected": 1, "signature": "AA"}]}),
            "over 4 MiB": trusted_root(1) + b" " * (4 * 1024 * 1024),
            "watermark state": compact(sign_root(body(1) | {"watermark_keys": [dict(w.WATERMARK, state="gone")]}, (ROOT1,))),
            "root key file as update": ROOT1.root_key_file(),
        }
        for name, document in cases.items():
            with self.subTest(name):
                self.assertFails(run(updates=[document]), "trust.unreadable")
        self.assertFails(run(trust=b'{"_type":"greenmark-root-key/v1","key_id":"' + ROOT1.kid.encode() + b'"}'),
                         "trust.unreadable")
        self.assertFails(run(trust=ROOT1.root_key_file().replace(b"}", b',"x":1}')), "trust.unreadable")
        self.assertFails(run(trust=b"{}"), "trust.unreadable")
        # Exactly 4 MiB is readable.
        document = trusted_root(1)
        self.assertValid(run(updates=[document + b" " * (4 * 1024 * 1024 - len(document))]))

    def test_bad_signature_entries_are_ignored(self):
        v1 = json.loads(trusted_root(1))
        junk = [{"protected": "!!", "signature": "AA"},
                {"protected": b64json({"alg": "ES256", "kid": ROOT1.kid, "typ": w.ROOT_TYP}), "signature": v1["signatures"][0]["signature"]},
                {"protected": v1["signatures"][0]["protected"], "signature": "A" * 86}]
        self.assertValid(run(updates=[compact({"payload": v1["payload"], "signatures": junk + v1["signatures"]})]))
        self.assertFails(run(updates=[compact({"payload": v1["payload"], "signatures": junk})]), "trust.incomplete")

    def test_conflict(self):
        a = trusted_root(1)
        b = trusted_root(1, expires=T0 + timedelta(days=500))
        self.assertFails(run(updates=[a, b]), "trust.conflict")
        self.assertFails(run(trust=a, updates=[b]), "trust.conflict")
        self.assertValid(run(updates=[a, a]))

    def test_rotation_chain_any_order(self):
        v1 = trusted_root(1, expires=T0)  # an expired old version does not matter
        v2 = trusted_root(2, issuing=[issuing_entry(ISSUER1, not_after=T0 + timedelta(days=1, hours=1), status="retired"),
                                      issuing_entry(ISSUER2)])
        v3 = trusted_root(3, roots=(ROOT2,), signers=(ROOT1, ROOT2),
                          issuing=[issuing_entry(ISSUER1, not_after=T0 + timedelta(days=1, hours=1), status="retired"),
                                   issuing_entry(ISSUER2)])
        self.assertValid(run(updates=[v3, v1, v2]))
        self.assertValid(run(trust=v2, updates=[v3, v1]))
        self.assertValid(run(trust=ROOT2.root_key_file(), updates=[v3]))  # new root pinned, starts at v3
        self.assertFails(run(updates=[v3, v1]), "trust.version_gap")
        self.assertFails(run(updates=[v1, v2, v3], min_version=4), "trust.rollback")
        self.assertValid(run(updates=[v1, v2, v3], min_version=3))
        # v3 signed by the new root only: the old root does not pass it on.
        bad = trusted_root(3, roots=(ROOT2,), signers=(ROOT2,))
        self.assertFails(run(updates=[v1, v2, bad]), "trust.threshold_not_met")
        # v3 signed by the old root only: its own root keys do not sign it.
        bad = trusted_root(3, roots=(ROOT2,), signers=(ROOT1,))
        self.assertFails(run(updates=[v1, v2, bad]), "trust.threshold_not_met")
        # After the rotation the old root alone cannot sign the next version.
        v4 = trusted_root(4, roots=(ROOT2,), signers=(ROOT1,))
        self.assertFails(run(updates=[v1, v2, v3, v4]), "trust.threshold_not_met")
        # Key unknown in the newest version, whatever older versions said.
        v2_without = trusted_root(2, issuing=[issuing_entry(ISSUER2)])
        self.assertFails(run(updates=[v1, v2_without]), "key.unknown")

    def test_threshold_two(self):
        v1 = trusted_root(1, roots=(ROOT1, ROOT2, ROOT3), threshold=2, signers=(ROOT1, ROOT3))
        v2 = trusted_root(2, roots=(ROOT1, ROOT2, ROOT3), threshold=2, signers=(ROOT2,))
        self.assertValid(run(updates=[v1]))
        self.assertFails(run(updates=[v1, v2]), "trust.threshold_not_met")
        v2 = trusted_root(2, roots=(ROOT1, ROOT2, ROOT3), threshold=2, signers=(ROOT2, ROOT3))
        self.assertValid(run(updates=[v1, v2]))
        # Pinned ROOT2 never signed v1 but signed v2: the start is v2.
        self.assertValid(run(trust=ROOT2.root_key_file(), updates=[v1, v2]))

    def test_freshness(self):
        expires = T0 + timedelta(days=2)
        self.assertFails(run(updates=[trusted_root(1, expires=expires)], at=ts(expires)), "trust.stale")
        self.assertValid(run(updates=[trusted_root(1, expires=expires)], at=ts(expires - timedelta(seconds=1))))
        self.assertFails(run(updates=[trusted_root(1, expires=None)]), "trust.stale")
        self.assertFails(run(updates=[compact(sign_root(body(1, expires=None) | {"expires": None}, (ROOT1,)))]), "trust.stale")

    def test_verification_time_forms(self):
        self.assertValid(run(at=T0 + timedelta(days=2)))
        with self.assertRaises(ValueError):
            run(at="2026-01-03T00:00:00")
        with self.assertRaises(ValueError):
            run(at=datetime(2026, 1, 3))


class Certificate(Base):
    def test_valid_kinds(self):
        self.assertValid(run())
        generation = statement(w.generation_predicate(), kind=w.GENERATION)
        self.assertValid(run(cert=certificate(generation)))
        self.assertValid(run(cert=json.dumps(json.loads(certificate()), indent=3).encode()))  # outer whitespace

    def test_format(self):
        obj = certificate_object()
        self.assertFails(run(cert=b"{" + b" " * 262_144 + b"}"), "format.too_large")
        padded = compact(obj)
        self.assertValid(run(cert=padded[:-1] + b" " * (262_144 - len(padded)) + b"}"))
        bad = {
            "signatures array": obj | {"signatures": []},
            "unprotected kid": obj | {"header": {"endorsement": obj["header"]["endorsement"], "kid": ISSUER1.kid}},
            "no header": {k: v for k, v in obj.items() if k != "header"},
            "endorsement extra": obj | {"header": {"endorsement": obj["header"]["endorsement"] | {"x": "y"}}},
            "endorsement not strings": obj | {"header": {"endorsement": obj["header"]["endorsement"] | {"payload": 1}}},
            "payload not string": obj | {"payload": None},
        }
        for name, value in bad.items():
            with self.subTest(name):
                self.assertFails(run(cert=compact(value)), "format.invalid")
        raw = compact(obj)
        for name, data in {"bom": b"\xef\xbb\xbf" + raw, "utf-16": raw.decode().encode("utf-16-le"),
                           "repeated": raw[:-1] + b',"payload":"x"}', "array": b"[" + raw + b"]",
                           "number": raw[:-1] + b',"n":1.0}'}.items():
            with self.subTest(name):
                self.assertFails(run(cert=data), "format.invalid")

    def test_header(self):
        base = {"alg": "EdDSA", "kid": ISSUER1.kid, "typ": w.CERT_TYP}
        cases = {
            "header.algorithm_unsupported": [base | {"alg": "none"}, base | {"alg": "ES256"},
                                             {k: v for k, v in base.items() if k != "alg"}, base | {"alg": ["EdDSA"]},
                                             base | {"alg": "none", "crit": ["b64"], "typ": "x"}],
            "header.critical_unsupported": [base | {"crit": ["b64"]}, base | {"b64": False}, base | {"b64": True, "typ": "JWT"}],
            "header.type_mismatch": [base | {"typ": "JWT"}, {k: v for k, v in base.items() if k != "typ"},
                                     base | {"typ": "JWT", "kid": 3}],
            "header.invalid": [base | {"kid": 7}, {k: v for k, v in base.items() if k != "kid"}, base | {"jku": "x"}],
        }
        for code, headers in cases.items():
            for header in headers:
                with self.subTest(header=header):
                    self.assertFails(run(cert=certificate(header=header)), code)
        obj = certificate_object()
        for protected in ["e30=", b64json(["x"]), w.b64url_encode(b'{"alg":"EdDSA","alg":"EdDSA"}'), obj["protected"] + "A"]:
            self.assertFails(run(cert=compact(obj | {"protected": protected})), "header.invalid")

    def test_key_and_signature(self):
        self.assertFails(run(cert=certificate(issuer=ISSUER2)), "key.unknown")
        obj = certificate_object()
        self.assertFails(run(cert=certificate(signer=ISSUER2)), "signature.invalid")
        self.assertFails(run(cert=compact(obj | {"signature": obj["signature"] + "A"})), "signature.invalid")
        self.assertFails(run(cert=compact(obj | {"signature": obj["signature"][:-1] + "B"})), "signature.invalid")
        self.assertFails(run(cert=compact(obj | {"signature": obj["signature"][:-4]})), "signature.invalid")
        self.assertFails(run(cert=compact(obj | {"payload": obj["payload"] + "é"})), "signature.invalid")
        tampered = statement(w.detection_predicate(verdict="no_watermark"))
        self.assertFails(run(cert=compact(obj | {"payload": b64json(tampered)})), "signature.invalid")

    def test_statement(self):
        good = statement()
        bad = [
            good | {"extra": 1},
            good | {"_type": "https://in-toto.io/Statement/v0.1"},
            good | {"subject": good["subject"] * 2},
            good | {"subject": []},
            good | {"subject": [{"name": "essay", "digest": good["subject"][0]["digest"]}]},
            good | {"subject": [{"name": "text", "digest": {"sha256": w.digest().upper()}}]},
            good | {"subject": [{"name": "text", "digest": {"sha256": w.digest(), "sha512": "00"}}]},
            good | {"predicateType": "https://greenmark.dev/attestation/other/v1"},
            good | {"predicate": w.detection_predicate(text_canonicalization="greenmark-text-v2")},
            good | {"predicate": w.detection_predicate(issued_at="2026-02-30T00:00:00Z")},
            good | {"predicate": w.detection_predicate(tokens_scored="140")},
            good | {"predicate": w.detection_predicate(keys_tried=True)},
            good | {"predicate": w.detection_predicate(z_score=None)},
            good | {"predicate": w.detection_predicate(scheme={"prf": "lefthash-v1"})},
            good | {"predicate": {k: v for k, v in w.detection_predicate().items() if k != "certificate_id"}},
            statement(w.detection_predicate(), kind=w.GENERATION),
        ]
        for value in bad:
            with self.subTest(value=value):
                self.assertFails(run(cert=certificate(value)), "statement.invalid")
        for payload in ["", "e30", b64json(good) + "=", w.b64url_encode(compact(good) + b" 1")]:
            self.assertFails(run(cert=certificate(payload=payload)), "statement.invalid")
        # Optional members may be null; unknown predicate members are ignored.
        self.assertValid(run(cert=certificate(statement(w.detection_predicate(watermark_key_id=None, scheme=None, note="x")))))
        self.assertFails(run(cert=certificate(statement(w.detection_predicate(issuer_key_id=ISSUER2.kid)))), "key.id_mismatch")

    def test_time(self):
        retired = T0 + timedelta(days=1)
        v1 = trusted_root(1, issuing=[issuing_entry(ISSUER1, not_before=T0 + timedelta(hours=1), not_after=retired, status="retired")])
        cert = lambda t: certificate(statement(w.detection_predicate(issued_at=t)))
        self.assertValid(run(cert=cert(retired), updates=[v1]))  # t = not_after is inside
        self.assertFails(run(cert=cert(retired + timedelta(seconds=1)), updates=[v1]), "key.expired")
        self.assertValid(run(cert=cert(T0 + timedelta(hours=1)), updates=[v1]))
        self.assertFails(run(cert=cert(T0 + timedelta(minutes=59, seconds=59)), updates=[v1]), "key.not_yet_valid")
        at = T0 + timedelta(days=1)
        self.assertValid(run(cert=cert(at + timedelta(seconds=300)), at=at))
        self.assertFails(run(cert=cert(at + timedelta(seconds=301)), at=at), "time.future")
        # time.future comes before the key's window.
        self.assertFails(run(cert=cert(at + timedelta(days=9)), updates=[v1], at=at), "time.future")
        since = T0 + timedelta(hours=12)
        revoked = trusted_root(1, issuing=[issuing_entry(ISSUER1, status="revoked", compromised_since=since)])
        self.assertValid(run(cert=cert(since - timedelta(seconds=1)), updates=[revoked]))
        self.assertFails(run(cert=cert(since), updates=[revoked]), "key.revoked")
        forever = trusted_root(1, issuing=[issuing_entry(ISSUER1, status="revoked")])
        self.assertFails(run(cert=cert(T0), updates=[forever]), "key.revoked")
        # Revoked after retirement: the window still applies first.
        both = trusted_root(1, issuing=[issuing_entry(ISSUER1, not_after=retired, status="revoked", compromised_since=since)])
        self.assertFails(run(cert=cert(retired + timedelta(seconds=1)), updates=[both]), "key.expired")
        self.assertFails(run(cert=cert(since), updates=[both]), "key.revoked")


class Revision(Base):
    """Rules settled by the revised spec: pooled copies, order independence, the first failing step,
    the pinned-file form, UTF-8 signing input, null = absent, the gamma_threshold range."""

    def test_copies_pool_signatures_in_any_order(self):
        import itertools
        payload = b64json(body(1, roots=(ROOT1, ROOT2), threshold=2))
        by_root1 = compact(sign_root(payload, (ROOT1,)))
        by_root2 = compact(sign_root(payload, (ROOT2,)))
        unsigned = compact(sign_root(payload, ()))
        # Neither copy reaches threshold 2 alone; together they do, whatever the order or the pin.
        self.assertFails(run(updates=[by_root1]), "trust.incomplete")
        for order in itertools.permutations([by_root1, by_root2, unsigned]):
            self.assertValid(run(updates=list(order)))
        self.assertValid(run(trust=by_root1, updates=[by_root2]))
        self.assertValid(run(trust=unsigned, updates=[by_root2, by_root1]))
        self.assertFails(run(trust=by_root1, updates=[unsigned]), "trust.signature.invalid")
        # Pooled copies also pass a rotation on: v2 signed by ROOT1 in one copy and ROOT2 in another.
        v1 = trusted_root(1)
        v2_payload = b64json(body(2, roots=(ROOT2,)))
        v2a, v2b = compact(sign_root(v2_payload, (ROOT1,))), compact(sign_root(v2_payload, (ROOT2,)))
        for order in itertools.permutations([v1, v2a, v2b]):
            self.assertValid(run(updates=list(order)))
        self.assertFails(run(updates=[v1, v2a]), "trust.threshold_not_met")

    def test_first_failing_step_decides(self):
        v1, v3 = trusted_root(1), trusted_root(3)
        other_v1 = trusted_root(1, expires=w.T0 + timedelta(days=500))
        garbage = b"not json"
        for order in [[garbage, v1, other_v1], [v1, other_v1, garbage]]:
            self.assertFails(run(updates=order), "trust.unreadable")           # read before conflict
        self.assertFails(run(updates=[v3, v1, other_v1]), "trust.conflict")     # conflict before gap
        self.assertFails(run(updates=[v1, v3], min_version=9), "trust.version_gap")  # gap before rollback
        stale = trusted_root(1, expires=w.T0)
        self.assertFails(run(updates=[stale], min_version=2), "trust.rollback")     # rollback before stale
        # A conflict among versions older than a pinned trusted root still counts (step 2 before 3).
        v2 = trusted_root(2)
        self.assertFails(run(trust=v2, updates=[v1, other_v1]), "trust.conflict")
        # Step 4: the lowest failing version decides (v2 missing before v4's bad signature).
        bad_v4 = trusted_root(4, signers=(ROOT2,))
        self.assertFails(run(updates=[v1, v3, bad_v4]), "trust.version_gap")

    def test_pinned_file_form(self):
        key = json.loads(ROOT1.root_key_file())
        # An object with payload or signatures is a trusted root (and then must be a well-formed one).
        for document in [key | {"payload": json.loads(trusted_root(1))["payload"]}, key | {"signatures": []},
                         {"payload": json.loads(trusted_root(1))["payload"]}, {"signatures": []}]:
            with self.subTest(document=sorted(document)):
                self.assertFails(run(trust=compact(document)), "trust.unreadable")
        for document in [key | {"_type": "greenmark-root-key/v2"}, key | {"_type": None}, key | {"key_id": None},
                         {k: v for k, v in key.items() if k != "_type"}, key | {"expires": None}]:
            with self.subTest(document=document):
                self.assertFails(run(trust=compact(document)), "trust.unreadable")
        # A root key file (or any non trusted root) among the updates is unreadable.
        self.assertFails(run(updates=[trusted_root(1), ROOT1.root_key_file()]), "trust.unreadable")
        self.assertFails(run(trust=trusted_root(1), updates=[ROOT1.root_key_file()]), "trust.unreadable")

    def test_trust_null_is_absent(self):
        self.assertValid(run(updates=[trusted_root(1, issuing=[issuing_entry(ISSUER1) | {"not_after": None, "compromised_since": None}])]))
        self.assertFails(run(updates=[trusted_root(1, issuing=[issuing_entry(ISSUER1, status="retired") | {"not_after": None}])]),
                         "trust.unreadable")
        self.assertFails(run(updates=[trusted_root(1, issuing=[issuing_entry(ISSUER1) | {"not_before": None}])]), "trust.unreadable")
        self.assertFails(run(updates=[compact(sign_root(body(1) | {"threshold": None}, (ROOT1,)))]), "trust.unreadable")

    def test_trust_json_profile(self):
        deep = body(1) | {"note": json.loads("[" * 31 + "]" * 31)}        # body 1 + 31 arrays = depth 32
        self.assertValid(run(updates=[compact(sign_root(deep, (ROOT1,)))]))
        deeper = body(1) | {"note": json.loads("[" * 32 + "]" * 32)}
        self.assertFails(run(updates=[compact(sign_root(deeper, (ROOT1,)))]), "trust.unreadable")
        lone = w.b64url_encode(compact(body(1))[:-1] + b',"note":"\\ud800"}')
        self.assertFails(run(updates=[compact(sign_root(lone, (ROOT1,)))]), "trust.unreadable")
        self.assertFails(run(trust=ROOT1.root_key_file()[:-1] + b',"x":"\\udfff"}'), "trust.unreadable")

    def test_signing_input_is_utf8(self):
        obj = certificate_object()
        # A payload with a non-ASCII character, validly signed over its UTF-8 bytes: the signature
        # holds and the payload fails where it is decoded.
        payload = obj["payload"] + "\u00e9"
        signed = compact(certificate_object(payload=payload))
        self.assertFails(run(cert=signed), "statement.invalid")
        self.assertFails(run(cert=compact(obj | {"payload": obj["payload"] + "\U0001F642"})), "signature.invalid")
        for payload in ["\u2028", "\U0001F642" * 3, "é.é"]:
            self.assertFails(run(cert=compact(certificate_object(payload=payload))), "statement.invalid")
        # A lone surrogate never reaches the signature: the certificate file is not the JSON profile.
        raw = compact(obj)
        self.assertFails(run(cert=raw.replace(b'"payload":"', b'"payload":"\\ud800')), "format.invalid")

    def test_certificate_json_profile(self):
        obj = certificate_object()
        endorsement = obj["header"]["endorsement"]
        self.assertFails(run(cert=compact(obj).replace(b'"header":{', b'"header":' + b"[" * 31 + b"{")
                             .replace(b"}}", b"}" + b"]" * 31 + b"}", 1)), "format.invalid")
        header = {"alg": "EdDSA", "kid": ISSUER1.kid, "typ": w.CERT_TYP}
        protected = w.b64url_encode(json.dumps(header).encode()[:-1] + b', "x5u": "\\udc00"}')
        self.assertFails(run(cert=compact(obj | {"protected": protected})), "header.invalid")
        self.assertTrue(endorsement)

    def test_statement_null_and_ranges(self):
        predicate = w.detection_predicate
        scheme = dict(w.WATERMARK["scheme"])
        # The type and range first (statement.invalid); in range, it must be floor(gamma * 2^32)
        # (statement.inconsistent, rule 5).
        for value, code in [(2**30, None), (0, "statement.inconsistent"), (2**32 - 1, "statement.inconsistent"),
                            (2**32, "statement.invalid"), (-1, "statement.invalid"), (2**40, "statement.invalid"),
                            ("1", "statement.invalid"), (True, "statement.invalid")]:
            with self.subTest(gamma_threshold=value):
                report = run(cert=certificate(statement(predicate(scheme=scheme | {"gamma_threshold": value}))))
                if code is None:
                    self.assertValid(report)
                else:
                    self.assertFails(report, code)
        # Optional members written as null are absent; required ones are missing.
        self.assertValid(run(cert=certificate(statement(predicate(watermark_key_commitment=None, search_spans=None,
                                                                  p_threshold=None, watermark_key_id=None)))))
        generation = w.generation_predicate()
        generation["sampling"] = dict(generation["sampling"], seed=None)
        self.assertValid(run(cert=certificate(statement(generation, kind=w.GENERATION))))
        for name in ["verdict", "z_score", "tokens_scored", "issued_at", "tokenizer"]:
            with self.subTest(required=name):
                self.assertFails(run(cert=certificate(statement(predicate(**{name: None})))), "statement.invalid")
        self.assertFails(run(cert=certificate(statement(predicate(scheme=scheme | {"h": None})))), "statement.invalid")
        # Nesting: depth 32 (a predicate member nested to the limit) is fine, 33 is not.
        nested = json.loads('{"_type":0}')
        for _ in range(29):
            nested = {"n": nested}
        self.assertValid(run(cert=certificate(statement(predicate(note=nested)))))  # statement 1 + predicate 1 + 30 = 32
        self.assertFails(run(cert=certificate(statement(predicate(note={"n": nested})))), "statement.invalid")


class Binary64Revision(Base):
    """Rules settled by the revision of 9c2332c: binary64 arithmetic (test_consistency), the
    gamma_threshold rule, disallowed members refused even when null, trusted-root signatures over
    UTF-8, --min-trust-version as decimal digits >= 1 (CommandLine)."""

    def test_gamma_threshold_must_follow_gamma(self):
        scheme = dict(w.WATERMARK["scheme"])
        self.assertValid(run(cert=certificate(statement(w.detection_predicate(scheme=scheme)))))
        report = run(cert=certificate(statement(w.detection_predicate(scheme=scheme | {"gamma_threshold": 2**30 + 1}))))
        self.assertFails(report, "statement.inconsistent")
        self.assertIn("gamma_threshold", report.checks[-1].detail)
        # Without a scheme there is nothing to check; a generation receipt has no consistency rules.
        self.assertValid(run(cert=certificate(statement(w.detection_predicate(scheme=None)))))
        generation = w.generation_predicate() | {"scheme": scheme | {"gamma_threshold": 7}}
        self.assertValid(run(cert=certificate(statement(generation, kind=w.GENERATION))))

    def test_disallowed_members_are_refused_even_when_null(self):
        base = {"alg": "EdDSA", "kid": ISSUER1.kid, "typ": w.CERT_TYP}
        for header, code in [(base | {"crit": None}, "header.critical_unsupported"),
                             (base | {"b64": None}, "header.critical_unsupported"),
                             (base | {"x5u": None}, "header.invalid"), (base | {"jwk": None}, "header.invalid"),
                             (base | {"alg": None}, "header.algorithm_unsupported"),
                             (base | {"typ": None}, "header.type_mismatch"), (base | {"kid": None}, "header.invalid")]:
            with self.subTest(header=header):
                self.assertFails(run(cert=compact(certificate_object(header=header))), code)
        obj = certificate_object()
        endorsement = obj["header"]["endorsement"]
        for value in [obj | {"extra": None}, obj | {"signatures": None}, obj | {"header": {"endorsement": endorsement, "kid": None}},
                      obj | {"header": {"endorsement": endorsement | {"header": None}}}]:
            with self.subTest(certificate=sorted(value)):
                self.assertFails(run(cert=compact(value)), "format.invalid")
        good = statement()
        for value in [good | {"extra": None}, good | {"subject": [good["subject"][0] | {"uri": None}]},
                      good | {"subject": [{"name": "text", "digest": {"sha256": good["subject"][0]["digest"]["sha256"], "sha512": None}}]}]:
            with self.subTest(statement=value):
                self.assertFails(run(cert=certificate(value)), "statement.invalid")
        # Trust documents: exact member sets there too.
        v1 = json.loads(trusted_root(1))
        for document in [v1 | {"extra": None}, v1 | {"signatures": [v1["signatures"][0] | {"header": None}]}]:
            with self.subTest(trust=document):
                self.assertFails(run(updates=[compact(document)]), "trust.unreadable")
                self.assertFails(run(trust=compact(document), updates=[]), "trust.unreadable")
        key = json.loads(ROOT1.root_key_file())
        self.assertFails(run(trust=compact(key | {"payload": None})), "trust.unreadable")   # payload present: a trusted root
        self.assertFails(run(trust=compact(key | {"comment": None})), "trust.unreadable")
        # A trusted-root signature header with "crit": null does not count (exactly alg, kid, typ).
        payload = v1["payload"]
        protected = b64json({"alg": "EdDSA", "kid": ROOT1.kid, "typ": w.ROOT_TYP, "crit": None})
        entry = {"protected": protected, "signature": w.b64url_encode(ROOT1.sign((protected + "." + payload).encode("ascii")))}
        self.assertFails(run(updates=[compact({"payload": payload, "signatures": [entry]})]), "trust.incomplete")
        self.assertValid(run(updates=[compact({"payload": payload, "signatures": [entry] + v1["signatures"]})]))
        # Optional members written as null stay absent (the other half of the rule).
        self.assertValid(run(cert=certificate(statement(w.detection_predicate(watermark_key_id=None, search_spans=None)))))

    def test_trusted_root_signing_input_is_utf8(self):
        v1 = json.loads(trusted_root(1))
        payload = v1["payload"]
        # A signature entry whose protected header is not base64url (a non-ASCII character) is
        # ignored, never fatal; its signature over the UTF-8 bytes does not make it count.
        protected = b64json({"alg": "EdDSA", "kid": ROOT1.kid, "typ": w.ROOT_TYP}) + "\u00e9"
        entry = {"protected": protected, "signature": w.b64url_encode(ROOT1.sign((protected + "." + payload).encode("utf-8")))}
        self.assertValid(run(updates=[compact({"payload": payload, "signatures": [entry] + v1["signatures"]})]))
        self.assertFails(run(updates=[compact({"payload": payload, "signatures": [entry]})]), "trust.incomplete")
        # A non-ASCII payload, even validly signed over its UTF-8 bytes, is unreadable (not base64url).
        odd = payload + "\u00e9"
        header = v1["signatures"][0]["protected"]
        signed = {"protected": header, "signature": w.b64url_encode(ROOT1.sign((header + "." + odd).encode("utf-8")))}
        self.assertFails(run(updates=[compact({"payload": odd, "signatures": [signed]})]), "trust.unreadable")
        # The signing input is the bytes of protected "." payload: the ordinary entry counts.
        self.assertValid(run(updates=[trusted_root(1)]))

    def test_min_trust_version_in_the_library(self):
        self.assertValid(run(min_version=1))
        self.assertFails(run(min_version=2), "trust.rollback")
        self.assertFails(run(min_version=10 ** 5000), "trust.rollback")      # any size; the detail stays small
        for bad in [0, -1, True, "3", 3.0]:
            with self.subTest(bad=bad), self.assertRaises(ValueError):
                run(min_version=bad)


class CommandLine(Base):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)
        files = {"cert.json": certificate(), "text.txt": TEXT.encode(), "root-key.json": ROOT1.root_key_file(),
                 "v1.json": trusted_root(1), "wrong.txt": b"another text"}
        for name, data in files.items():
            (Path(self.dir.name) / name).write_bytes(data)

    def cli(self, *args, optimize=False):
        env = dict(os.environ, PYTHONPATH=str(PACKAGE.parent))
        command = [sys.executable] + (["-O"] if optimize else []) + ["-m", "greenmark_verify"]
        return subprocess.run(command + list(args), cwd=self.dir.name, env=env, capture_output=True, text=True)

    def test_exit_codes_and_output(self):
        common = ["cert.json", "--trust", "root-key.json", "--trust-update", "v1.json", "--at", AT]
        done = self.cli(*common, "--text", "text.txt")
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertTrue(done.stdout.startswith("VALID\n"))
        self.assertIn("  ok   text.digest.match: ", done.stdout)
        done = self.cli(*common, "--text", "wrong.txt", "--json")
        self.assertEqual(done.returncode, 1)
        report = json.loads(done.stdout)
        self.assertEqual(report["status"], "invalid")
        self.assertEqual([c["code"] for c in report["checks"]], SUCCESS[:-1] + ["text.digest.mismatch"])
        self.assertEqual(set(report["checks"][0]), {"code", "passed", "detail"})
        for bad in [["--at", "2026-01-03"], ["--at", "2026-02-30T00:00:00Z"], ["--text", "missing.txt"],
                    ["--text", "."], ["--min-trust-version", "٣"], ["--min-trust-version", "-1"], ["--tru", "x"],
                    ["--min-trust-version", "+3"], ["--min-trust-version", "0"], ["--min-trust-version", "000"],
                    ["--min-trust-version", ""], ["--min-trust-version=+1"], ["--min-trust-version", " 1"],
                    ["--min-trust-version", "1 "], ["--min-trust-version", "1.0"], ["--min-trust-version", "1e0"],
                    ["--min-trust-version", "３"], ["--min-trust-version", "0x1"], ["--min-trust-version", "1_0"],
                    ["--min-trust-version"]]:
            with self.subTest(bad):
                done = self.cli(*common, *bad)
                self.assertEqual(done.returncode, 2, done.stdout + done.stderr)
        self.assertEqual(self.cli("cert.json").returncode, 2)  # --trust is required

    def test_min_trust_version_is_decimal_digits(self):
        common = ["cert.json", "--trust", "root-key.json", "--trust-update", "v1.json", "--at", AT, "--json"]
        def codes(value):
            done = self.cli(*common, "--min-trust-version", value)
            self.assertIn(done.returncode, (0, 1), done.stdout + done.stderr)
            return [c["code"] for c in json.loads(done.stdout)["checks"]]
        for value in ["1", "01", "0001", "0" * 5000 + "1"]:        # leading zeros allowed, any number of them
            with self.subTest(value=value[:12]):
                self.assertEqual(codes(value), SUCCESS[:-1])
        for value in ["2", "002", "9007199254740991"]:  # above v1, up to 2^53 - 1: a rollback, not a usage error
            with self.subTest(value=value[:12]):
                self.assertEqual(codes(value), ["trust.rollback"])
        for value in ["9007199254740992", "9" * 5000]:  # 2^53 and above: a usage error (the spec's range)
            with self.subTest(value=value[:12]):
                self.assertEqual(self.cli(*common, "--min-trust-version", value).returncode, 2)

    def test_trust_update_takes_several_files(self):
        base = Path(self.dir.name)
        v1 = trusted_root(1)
        v2 = trusted_root(2, roots=(ROOT2,), signers=(ROOT1, ROOT2))
        (base / "trusted-root-v1.json").write_bytes(v1)
        (base / "trusted-root-v2.json").write_bytes(v2)
        (base / "trusted-root-v3.json").write_bytes(trusted_root(3, roots=(ROOT2,), signers=(ROOT2,)))
        common = ["cert.json", "--text", "text.txt", "--trust", "root-key.json", "--at", AT, "--json"]
        def codes(*args):
            done = self.cli(*args)
            self.assertIn(done.returncode, (0, 1), done.stderr)
            return json.loads(done.stdout)["checks"]
        for update_args in [["--trust-update", "trusted-root-v1.json", "trusted-root-v2.json", "trusted-root-v3.json"],
                            ["--trust-update", "trusted-root-v3.json", "trusted-root-v1.json", "--trust-update", "trusted-root-v2.json"],
                            ["--trust-update", "trusted-root-v2.json", "--trust-update", "trusted-root-v3.json", "--trust-update", "trusted-root-v1.json"]]:
            with self.subTest(update_args):
                checks = codes(*common, *update_args)
                self.assertEqual([c["code"] for c in checks], SUCCESS, checks)
                self.assertIn("trusted root v3", checks[0]["detail"])
        # Without the flag's files the pinned key alone is not enough.
        self.assertEqual([c["code"] for c in codes(*common)], ["trust.incomplete"])
        # A shell glob expands into one flag with several files.
        done = subprocess.run(["sh", "-c", f'"{sys.executable}" -m greenmark_verify cert.json --trust root-key.json '
                               f'--trust-update trusted-root-v*.json --at {AT}'], cwd=self.dir.name, capture_output=True,
                              text=True, env=dict(os.environ, PYTHONPATH=str(PACKAGE.parent)))
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        # The flag needs at least one file; a missing one is a usage error.
        self.assertEqual(self.cli(*common, "--trust-update").returncode, 2)
        self.assertEqual(self.cli(*common, "--trust-update", "trusted-root-v1.json", "missing.json").returncode, 2)
        self.assertEqual(self.cli("missing.json", "--trust", "root-key.json").returncode, 2)

    def test_hostile_details_print_safely(self):
        header = {"alg": "EdDSA", "kid": "gik-x\n  ok   text.digest.match: \u202e\x1b[2J\u2028", "typ": w.CERT_TYP}
        protected = w.b64url_encode(json.dumps(header).encode("ascii"))  # escaped controls and bidi marks
        (Path(self.dir.name) / "hostile.json").write_bytes(compact(certificate_object() | {"protected": protected}))
        for extra in [[], ["--json"]]:
            done = self.cli("hostile.json", "--trust", "root-key.json", "--trust-update", "v1.json", "--at", AT, *extra)
            self.assertEqual(done.returncode, 1, done.stderr)
            self.assertEqual(done.stderr, "")
            self.assertTrue(done.stdout.isascii())
            if extra:
                self.assertEqual(json.loads(done.stdout)["checks"][-1]["code"], "key.unknown")
            else:
                self.assertEqual(len(done.stdout.splitlines()), 5, done.stdout)

    def test_optimized_python_still_checks(self):
        done = self.cli("cert.json", "--text", "wrong.txt", "--trust", "root-key.json", "--trust-update", "v1.json",
                        "--at", AT, optimize=True)
        self.assertEqual(done.returncode, 1, done.stdout)
        self.assertIn("FAIL text.digest.mismatch", done.stdout)

    def test_no_assert_statements(self):
        for path in sorted(PACKAGE.glob("*.py")):
            tree = ast.parse(path.read_text("utf-8"))
            self.assertFalse([n.lineno for n in ast.walk(tree) if isinstance(n, ast.Assert)], path.name)


if __name__ == "__main__":
    unittest.main()
