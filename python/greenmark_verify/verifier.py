"""The certificate stages of docs/certificate-format.md ("Verification"), in order; the first rule
that fails ends verification. A signed field is read only after the signature covering it checks
out (the protected header is read first because it names the key, as the spec orders)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from .consistency import Inconsistent, check as check_consistency, is_gumbel
from .encoding import (DecodeError, b64url_decode, ed25519_verify, format_time, is_arr, is_int,
                       is_obj, is_str, parse_json, parse_time)
from .text import canonical, first_unassigned
from .trust import TrustFailure, TrustedRoot, establish

MAX_CERTIFICATE_BYTES = 262_144
MAX_TEXT_BYTES = 64 * 1024 * 1024
CLOCK_SKEW = timedelta(seconds=300)
CERTIFICATE_TYP = "application/vnd.greenmark.certificate+jws"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
DETECTION = "https://greenmark.dev/attestation/detection/v1"
GENERATION = "https://greenmark.dev/attestation/generation/v1"
_HEX64 = re.compile(r"[0-9a-f]{64}", re.ASCII)


@dataclass(frozen=True)
class Check:
    code: str
    passed: bool
    detail: str

    def to_json(self) -> dict:
        return {"code": self.code, "passed": self.passed, "detail": self.detail}


@dataclass
class Report:
    status: str  # "valid" or "invalid"
    checks: list[Check] = field(default_factory=list)
    statement: dict | None = None  # the signed statement, only when valid

    @property
    def valid(self) -> bool:
        return self.status == "valid"

    @property
    def codes(self) -> list[str]:
        return [c.code for c in self.checks]

    @property
    def failure(self) -> str | None:
        return next((c.code for c in self.checks if not c.passed), None)

    def to_json(self) -> dict:
        return {"status": self.status, "checks": [c.to_json() for c in self.checks]}

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=True, separators=(",", ":"))  # safe for any detail


class _Stop(Exception):
    def __init__(self, code: str, detail: str):
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


def verification_time(at: datetime | str | None) -> datetime:
    """`at` as an aware UTC datetime: None is now, a string must be YYYY-MM-DDTHH:MM:SSZ, a datetime
    must carry a time zone. Raises ValueError otherwise (a usage error)."""
    if at is None:
        return datetime.now(timezone.utc)
    if isinstance(at, str):
        return parse_time(at)
    if isinstance(at, datetime):
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError("the verification time must carry a time zone")
        return at.astimezone(timezone.utc)
    raise ValueError("the verification time must be a datetime, a string or None")


def verify(certificate: bytes, text: bytes | None, trust: bytes, updates: list[bytes] | None = None,
           min_trust_version: int | None = None, at: datetime | str | None = None) -> Report:
    """Verifies a certificate offline. `text` None skips the text stage. Raises ValueError only for
    usage errors (a malformed `at` or `min_trust_version`); everything else is in the Report."""
    moment = verification_time(at)
    if min_trust_version is not None and (not is_int(min_trust_version) or min_trust_version < 1):
        raise ValueError("min_trust_version must be an integer of at least 1")
    checks: list[Check] = []

    def passed(code: str, detail: str) -> None:
        checks.append(Check(code, True, detail))

    try:
        # 1. Trust.
        try:
            root, detail = establish(bytes(trust), [bytes(u) for u in (updates or [])], min_trust_version, moment)
        except TrustFailure as failure:
            raise _Stop(failure.code, failure.detail) from None
        passed("trust.valid", detail)

        # 2. Format.
        certificate = bytes(certificate)
        if len(certificate) > MAX_CERTIFICATE_BYTES:
            raise _Stop("format.too_large", f"{len(certificate)} bytes, more than {MAX_CERTIFICATE_BYTES}")
        try:
            outer = parse_json(certificate)
        except DecodeError as error:
            raise _Stop("format.invalid", str(error)) from None
        _check_shape(outer)
        passed("format.valid", "flattened JWS with exactly protected, payload, signature and header.endorsement")

        # 3. Header.
        kid = _check_header(outer["protected"])
        passed("header.valid", f"EdDSA, certificate type, kid {kid}")

        # 4. Issuing key.
        key = root.issuing_keys.get(kid)
        if key is None:
            raise _Stop("key.unknown", f"{kid} is not listed in trusted root v{root.version}")
        passed("key.trusted", f"{kid} is listed in trusted root v{root.version} ({key.status})")

        # 5. Signature.
        try:
            signature = b64url_decode(outer["signature"])
        except DecodeError as error:
            raise _Stop("signature.invalid", f"signature: {error}") from None
        if len(signature) != 64:
            raise _Stop("signature.invalid", f"signature is {len(signature)} bytes, not 64")
        # The JWS signing input is UTF-8(protected || "." || payload): ASCII when both are base64url;
        # a payload with other characters is signed over its UTF-8 bytes and fails where it is
        # decoded (the statement stage) if the signature holds. The JSON profile refuses lone
        # surrogates, so every string here encodes.
        signing_input = (outer["protected"] + "." + outer["payload"]).encode("utf-8")
        if not ed25519_verify(key.public_key, signature, signing_input):
            raise _Stop("signature.invalid", f"the Ed25519 signature does not verify under {kid}")
        passed("signature.valid", f"Ed25519 signature by {kid}")

        # 6. Statement (decoded only now).
        statement = _check_statement(outer["payload"])
        predicate = statement["predicate"]
        if predicate["issuer_key_id"] != kid:
            raise _Stop("key.id_mismatch", f"issuer_key_id {predicate['issuer_key_id']} is not the header's kid {kid}")
        summary = ""
        if statement["predicateType"] == DETECTION:
            try:
                summary = "; " + check_consistency(predicate)
            except Inconsistent as error:
                raise _Stop("statement.inconsistent", str(error)) from None
        passed("statement.valid", f"{statement['predicateType'].rsplit('/', 2)[-2]} statement {predicate['certificate_id']}{summary}")

        # 7. Time.
        issued = parse_time(predicate["issued_at"])  # checked in _check_statement
        if issued - moment > CLOCK_SKEW:
            raise _Stop("time.future", f"issued_at {predicate['issued_at']} is more than 300 s after the verification time {format_time(moment)}")
        if issued < key.not_before:
            raise _Stop("key.not_yet_valid", f"issued_at {predicate['issued_at']} is before {kid}'s not_before {format_time(key.not_before)}")
        if key.not_after is not None and issued > key.not_after:
            raise _Stop("key.expired", f"issued_at {predicate['issued_at']} is after {kid}'s not_after {format_time(key.not_after)}")
        if key.status == "revoked" and (key.compromised_since is None or issued >= key.compromised_since):
            since = "for all time" if key.compromised_since is None else f"compromised since {format_time(key.compromised_since)}"
            raise _Stop("key.revoked", f"{kid} is revoked ({since}); issued_at {predicate['issued_at']}")
        passed("key.valid", f"issued_at {predicate['issued_at']} is inside {kid}'s window")

        # 8. Text.
        if text is not None:
            _check_text(bytes(text), statement["subject"][0]["digest"]["sha256"])
            passed("text.digest.match", "the canonical text's SHA-256 is the subject digest")
    except _Stop as stop:
        checks.append(Check(stop.code, False, stop.detail))
        return Report("invalid", checks)
    return Report("valid", checks, statement)


def _check_shape(outer: dict) -> None:
    if set(outer) != {"protected", "payload", "signature", "header"}:
        raise _Stop("format.invalid", "the certificate has members other than protected, payload, signature, header (or lacks one)")
    if not (is_str(outer["protected"]) and is_str(outer["payload"]) and is_str(outer["signature"])):
        raise _Stop("format.invalid", "protected, payload and signature must be strings")
    header = outer["header"]
    if not is_obj(header) or set(header) != {"endorsement"}:
        raise _Stop("format.invalid", "header must be an object with exactly the member endorsement")
    endorsement = header["endorsement"]
    if not is_obj(endorsement) or set(endorsement) != {"protected", "payload", "signature"} \
            or not all(is_str(v) for v in endorsement.values()):
        raise _Stop("format.invalid", "the endorsement must be an object with exactly the string members protected, payload, signature")


def _check_header(protected: str) -> str:
    try:
        header = parse_json(b64url_decode(protected))
    except DecodeError as error:
        raise _Stop("header.invalid", f"protected header: {error}") from None
    if "alg" not in header or not is_str(header["alg"]) or header["alg"] != "EdDSA":
        raise _Stop("header.algorithm_unsupported", f"alg {header.get('alg')!r} is not EdDSA")
    if "crit" in header or "b64" in header:
        raise _Stop("header.critical_unsupported", "crit or b64 in the protected header")
    if not is_str(header.get("typ")) or header["typ"] != CERTIFICATE_TYP:
        raise _Stop("header.type_mismatch", f"typ {header.get('typ')!r} is not {CERTIFICATE_TYP}")
    if not is_str(header.get("kid")):
        raise _Stop("header.invalid", "kid is absent or not a string")
    extra = set(header) - {"alg", "kid", "typ"}
    if extra:
        raise _Stop("header.invalid", f"protected header members other than alg, kid, typ: {', '.join(sorted(extra))}")
    return header["kid"]


# Predicate members: name -> (required, check). Members not listed are ignored; an optional member
# written as null is the same as an absent one.
def _string(v): return is_str(v)
def _integer(v): return is_int(v)
def _boolean(v): return type(v) is bool
def _uint32(v): return is_int(v) and 0 <= v <= 2**32 - 1
def _time(v):
    if not is_str(v):
        return False
    try:
        parse_time(v)
    except DecodeError:
        return False
    return True
def _object(spec):
    def check(v):
        return is_obj(v) and _first_bad_member(v, spec) is None
    return check


_SCHEME = {"prf": (True, _string), "gamma": (True, _string), "gamma_threshold": (True, _uint32), "h": (True, _integer)}
_COMMON = {
    "certificate_id": (True, _string),
    "issued_at": (True, _time),
    "issuer_key_id": (True, _string),
    "watermark_key_id": (False, _string),
    "watermark_key_commitment": (False, _string),
    "scheme": (False, _object(_SCHEME)),
    "text_canonicalization": (True, lambda v: is_str(v) and v == "greenmark-text-v1"),
}
_DETECTION = {
    "tokenizer": (True, _object({"name": (True, _string), "vocabulary": (True, _string)})),
    "tokens_scored": (True, _integer), "green_tokens": (True, _integer),
    "min_tokens": (True, _integer), "keys_tried": (True, _integer),
    "z_score": (True, _string), "p_value": (True, _string), "log10_p_value": (True, _string),
    "z_threshold": (True, _string), "verdict": (True, _string),
    "search_spans": (False, _boolean), "p_threshold": (False, _string),
}
# A gumbel-v1 attestation (scheme.prf "gumbel-v1") carries the score instead of green-list counts;
# p_threshold and search_spans are required (green_tokens, z_score, z_threshold are not listed: ignored).
_GUMBEL_DETECTION = {
    "tokenizer": _DETECTION["tokenizer"],
    "tokens_scored": (True, _integer), "score": (True, _string),
    "min_tokens": (True, _integer), "keys_tried": (True, _integer),
    "p_value": (True, _string), "log10_p_value": (True, _string), "verdict": (True, _string),
    "search_spans": (True, _boolean), "p_threshold": (True, _string),
}
_GENERATION = {
    "model": (True, _object({"name": (True, _string), "sha256": (True, _string)})),
    "prompt_sha256": (True, _string), "tokens": (True, _integer), "delta": (True, _string),
    "sampling": (True, _object({"temperature": (True, _string), "top_p": (True, _string),
                                "top_k": (True, _integer), "seed": (False, _string)})),
    "finish_reason": (True, _string), "generated_at": (True, _string),
}


def _first_bad_member(value: dict, spec: dict) -> str | None:
    """The first member of `spec` that is missing (required) or of the wrong type, else None. A
    member written as null is absent."""
    for name, (required, check) in spec.items():
        member = value.get(name)
        if member is None:
            if required:
                return f"{name} is missing"
            continue
        if not check(member):
            return f"{name} is not of its type or form"
    return None


def _check_statement(payload: str) -> dict:
    try:
        statement = parse_json(b64url_decode(payload))
    except DecodeError as error:
        raise _Stop("statement.invalid", f"payload: {error}") from None
    if set(statement) != {"_type", "subject", "predicateType", "predicate"}:
        raise _Stop("statement.invalid", "the statement has members other than _type, subject, predicateType, predicate (or lacks one)")
    if not is_str(statement["_type"]) or statement["_type"] != STATEMENT_TYPE:
        raise _Stop("statement.invalid", f"_type is not {STATEMENT_TYPE}")
    subject = statement["subject"]
    if not is_arr(subject) or len(subject) != 1:
        raise _Stop("statement.invalid", "subject is not an array of exactly one object")
    item = subject[0]
    if not is_obj(item) or set(item) != {"name", "digest"} or not is_str(item["name"]) or item["name"] != "text":
        raise _Stop("statement.invalid", "the subject must have exactly name \"text\" and digest")
    digest = item["digest"]
    if not is_obj(digest) or set(digest) != {"sha256"} or not is_str(digest["sha256"]) \
            or _HEX64.fullmatch(digest["sha256"]) is None:
        raise _Stop("statement.invalid", "the subject digest must be exactly {\"sha256\": 64 lowercase hex digits}")
    kind = statement["predicateType"]
    if not is_str(kind) or kind not in (DETECTION, GENERATION):
        raise _Stop("statement.invalid", f"unknown predicateType {kind!r}")
    predicate = statement["predicate"]
    if not is_obj(predicate):
        raise _Stop("statement.invalid", "predicate is not an object")
    spec = _GENERATION
    if kind == DETECTION:
        spec = _GUMBEL_DETECTION if is_gumbel(predicate) else _DETECTION
    bad = _first_bad_member(predicate, _COMMON) or _first_bad_member(predicate, spec)
    if bad is not None:
        raise _Stop("statement.invalid", f"{kind.rsplit('/', 2)[-2]} predicate: {bad}")
    return statement


def _check_text(text: bytes, expected: str) -> None:
    if len(text) > MAX_TEXT_BYTES:
        raise _Stop("text.too_large", f"the text is over 64 MiB ({MAX_TEXT_BYTES} bytes); it is not truncated")
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _Stop("text.encoding_invalid", f"the text is not valid UTF-8 (byte {error.start})") from None
    index = first_unassigned(decoded)
    if index is not None:
        raise _Stop("text.unassigned", f"code point U+{ord(decoded[index]):04X} (character {index}) is not assigned in Unicode 14.0")
    digest = hashlib.sha256(canonical(decoded)).hexdigest()
    if digest != expected:
        raise _Stop("text.digest.mismatch", f"canonical text SHA-256 {digest} is not the subject digest {expected}")
