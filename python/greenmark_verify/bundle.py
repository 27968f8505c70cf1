"""Provenance bundles (docs/certificate-format.md, "Provenance bundles"): one JSON file with the
certificate, its text or the text's canonical digest, trusted roots and optionally a log proof,
each embedded file as a string holding its exact text. The verifier's own pin, updates, floor, time
and log key decide; the certificate stages are those of `verifier.verify`."""

from __future__ import annotations

import re
from datetime import datetime

from .encoding import DecodeError, parse_json
from .log import verify_log
from .verifier import Check, Report, verify

MEDIA_TYPE = "application/vnd.greenmark.bundle.v1+json"
MAX_BUNDLE_BYTES = 80 * 1024 * 1024
_MEMBERS = {"media_type", "certificate", "text", "text_sha256", "trusted_roots", "log_proof"}
_HEX64 = re.compile(r"[0-9a-f]{64}", re.ASCII)


def is_bundle(data: bytes) -> bool:
    """A file is a bundle when its top-level JSON object has a media_type member."""
    import json
    try:
        value = json.loads(bytes(data).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False
    return type(value) is dict and "media_type" in value


class _Refused(Exception):
    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code = code
        self.detail = detail


def read_bundle(data: bytes) -> dict:
    """The bundle's members (null optional members dropped), or _Refused with the bundle.* code."""
    data = bytes(data)
    if len(data) > MAX_BUNDLE_BYTES:
        raise _Refused("bundle.too_large", f"{len(data)} bytes or more, more than {MAX_BUNDLE_BYTES}")
    try:
        obj = parse_json(data)
    except DecodeError as error:
        raise _Refused("bundle.invalid", f"not a bundle: {error}") from None
    media = obj.get("media_type")
    if type(media) is not str:
        raise _Refused("bundle.invalid", "not a bundle: media_type must be a string")
    if media != MEDIA_TYPE:
        raise _Refused("bundle.media_type_unsupported", f"media_type {media!r} is not {MEDIA_TYPE}")
    extra = set(obj) - _MEMBERS
    if extra:
        raise _Refused("bundle.invalid", f"members the format does not allow: {', '.join(sorted(extra))}")
    present = {k: v for k, v in obj.items() if v is not None}
    roots = present.get("trusted_roots")
    if type(present.get("certificate")) is not str or type(roots) is not list or not all(type(r) is str for r in roots):
        raise _Refused("bundle.invalid", "certificate must be a string and trusted_roots an array of strings")
    text, digest = present.get("text"), present.get("text_sha256")
    if not ((type(text) is str and digest is None) or (text is None and type(digest) is str and _HEX64.fullmatch(digest))):
        raise _Refused("bundle.invalid", "exactly one of text (a string) and text_sha256 (64 lowercase hex digits) is required")
    if "log_proof" in present and type(present["log_proof"]) is not str:
        raise _Refused("bundle.invalid", "log_proof must be a string")
    return present


def verify_bundle(bundle: bytes, text: bytes | None, trust: bytes, updates: list[bytes] | None = None,
                  min_trust_version: int | None = None, at: datetime | str | None = None,
                  log_key: bytes | None = None) -> Report:
    """Verifies a bundle offline. `text` (optional) replaces the bundle's text; `log_key` (the JSON of
    /v1/log/key) makes the log proof required and checked. Raises ValueError only for usage errors."""
    try:
        b = read_bundle(bundle)
    except _Refused as refused:
        return Report("invalid", [Check(refused.code, False, refused.detail)])
    checks = [Check("bundle.valid", True, f"a v1 bundle with {len(b['trusted_roots'])} trusted root(s)")]
    certificate = b["certificate"].encode("utf-8")
    all_updates = [bytes(u) for u in (updates or [])] + [r.encode("utf-8") for r in b["trusted_roots"]]

    def run(checked_text: bytes | None) -> Report:
        return verify(certificate, checked_text, trust, all_updates, min_trust_version, at)

    def stop(more: list[Check]) -> Report:
        return Report("invalid", checks + more)

    if "text" in b:
        report = run(text if text is not None else b["text"].encode("utf-8"))
    else:
        report = run(None)
        if not report.valid:
            return stop(report.checks)
        subject = report.statement["subject"][0]["digest"]["sha256"]
        if subject != b["text_sha256"]:
            return stop(report.checks + [Check("text.digest.mismatch", False,
                                                f"the bundle's text_sha256 is {b['text_sha256']}, the certificate names {subject}")])
        if text is None:
            return stop(report.checks + [Check("bundle.text_missing", False,
                                                "the bundle holds only the text's digest: pass the text to check it")])
        report = run(text)
    checks += report.checks
    if not report.valid:
        return stop([])
    if log_key is not None:
        if "log_proof" not in b:
            return stop([Check("bundle.log_missing", False, "the bundle holds no transparency-log inclusion proof")])
        log = [Check(code, ok, detail) for code, ok, detail in verify_log(certificate, b["log_proof"].encode("utf-8"), bytes(log_key))]
        checks += log
        if not all(c.passed for c in log):
            return stop([])
    return Report("valid", checks, report.statement)
