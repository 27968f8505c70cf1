"""greenmark-verify CERT|BUNDLE [--text FILE] --trust PIN [--trust-update FILE...]... [--min-trust-version N]
[--at TIME] [--log-key FILE] [--json]: exit 0 valid, 1 invalid, 2 usage error. --trust-update takes one or
more files and may be repeated (so `--trust-update trusted-root-v*.json` works); their order does not
matter. A file whose top-level JSON object has a media_type member is a provenance bundle."""

from __future__ import annotations

import argparse
import re
import sys

from .bundle import MAX_BUNDLE_BYTES, is_bundle, verify_bundle
from .consistency import is_gumbel
from .encoding import DecodeError, parse_time
from .trust import MAX_TRUST_BYTES
from .verifier import MAX_CERTIFICATE_BYTES, MAX_TEXT_BYTES, verify

USAGE_ERROR = 2


class _Usage(Exception):
    pass


def _read(path: str, limit: int) -> bytes:
    """The whole file, or its first limit+1 bytes when it is larger (enough to refuse it: nothing is
    ever truncated to the limit). Unreadable: a usage error."""
    try:
        with open(path, "rb") as handle:
            return handle.read(limit + 1)
    except OSError as error:
        raise _Usage(f"cannot read {path}: {error.strerror or error}") from None


def _printable(value: object) -> str:
    """ASCII for the terminal: details can quote signed or unsigned input (a kid with a newline, a
    lone surrogate), which must neither forge report lines nor make printing fail."""
    return "".join(c if c.isascii() and c.isprintable() else c.encode("unicode_escape", "backslashreplace").decode("ascii")
                   for c in str(value))


def min_trust_version(value: str) -> int:
    """--min-trust-version: ASCII decimal digits (leading zeros allowed) with a value from 1 to
    2^53 - 1; anything else ("+3", "-1", "0", "", " 3", "3.0", other scripts' digits, 2^53) is a
    usage error. Leading zeros are stripped before conversion, so any length is safe."""
    if re.fullmatch(r"[0-9]+", value, re.ASCII) is None:
        raise argparse.ArgumentTypeError(f"not decimal digits: {value!r}")
    digits = value.lstrip("0")
    if not digits:
        raise argparse.ArgumentTypeError(f"not at least 1: {value!r}")
    if len(digits) > 16 or int(digits, 10) >= 2 ** 53:
        raise argparse.ArgumentTypeError(f"above 2^53 - 1: {value[:40]!r}")
    return int(digits, 10)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="greenmark-verify", allow_abbrev=False,
        description="Verify a Greenmark certificate offline (docs/certificate-format.md).")
    parser.add_argument("certificate", metavar="CERT", help="the certificate (JWS JSON) or a provenance bundle")
    parser.add_argument("--text", metavar="FILE", help="the certified text (checked against the subject digest)")
    parser.add_argument("--trust", metavar="PIN", required=True,
                        help="the pinned trust file: root-key.json or one trusted-root version")
    parser.add_argument("--trust-update", metavar="FILE", nargs="+", action="extend", default=[],
                        help="further trusted-root documents: one or more files, repeatable, any order")
    parser.add_argument("--min-trust-version", metavar="N", type=min_trust_version,
                        help="the lowest trusted-root version accepted")
    parser.add_argument("--at", metavar="TIME", help="verification time, YYYY-MM-DDTHH:MM:SSZ (default: now)")
    parser.add_argument("--bundle", action="store_true",
                        help="read the file as a provenance bundle even when it does not look like one (bundle.invalid then)")
    parser.add_argument("--log-key", metavar="FILE",
                        help="bundles: the transparency log's key (JSON of /v1/log/key); the bundle's inclusion proof is then required")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)  # exits 2 on a usage error
    try:
        at = None
        if args.at is not None:
            try:
                at = parse_time(args.at)
            except DecodeError as error:
                raise _Usage(f"--at: {error}") from None
        certificate = _read(args.certificate, max(MAX_CERTIFICATE_BYTES, MAX_BUNDLE_BYTES))
        bundle = args.bundle or is_bundle(certificate)
        if not bundle and len(certificate) > MAX_CERTIFICATE_BYTES + 1:
            certificate = certificate[:MAX_CERTIFICATE_BYTES + 1]  # enough to refuse it (format.too_large)
        if not bundle and args.log_key is not None:
            raise _Usage("--log-key is for bundles (a bundle carries its inclusion proof)")
        text = None if args.text is None else _read(args.text, MAX_TEXT_BYTES)
        trust = _read(args.trust, MAX_TRUST_BYTES)
        updates = [_read(path, MAX_TRUST_BYTES) for path in args.trust_update]
        log_key = None if args.log_key is None else _read(args.log_key, 1 << 16)
    except _Usage as error:
        print(f"greenmark-verify: error: {error}", file=sys.stderr)
        return USAGE_ERROR
    if bundle:
        report = verify_bundle(certificate, text, trust, updates, args.min_trust_version, at, log_key)
    else:
        report = verify(certificate, text, trust, updates, args.min_trust_version, at)
    if args.json:
        print(report.dumps())
    else:
        print("VALID" if report.valid else "INVALID")
        for check in report.checks:
            print(f"  {'ok  ' if check.passed else 'FAIL'} {check.code}: {_printable(check.detail)}")
        if report.statement is not None:
            predicate = report.statement["predicate"]
            kind = report.statement["predicateType"].rsplit("/", 2)[-2]
            print(_printable(f"  {kind} {predicate['certificate_id']}, issued {predicate['issued_at']}"))
            if "verdict" in predicate:
                statistic = f"score {predicate['score']}" if is_gumbel(predicate) else f"z {predicate['z_score']}"
                print(_printable(f"  verdict {predicate['verdict']}, {statistic}, p {predicate['p_value']}, "
                                 f"{predicate['tokens_scored']} tokens, watermark key {predicate.get('watermark_key_id') or '-'}"))
    return 0 if report.valid else 1
