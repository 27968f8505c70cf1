"""Trust stage of docs/certificate-format.md ("Trusted root and rotation"): read the pin and the
trusted-root documents, refuse conflicting histories, find the start, follow the chain, apply the
floor and the freshness rule. The result is the one trusted root the certificate is checked against."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .encoding import (DecodeError, b64url_decode, ed25519_verify, format_time, is_arr, is_int,
                       is_obj, is_str, key_id, parse_json, parse_time)

MAX_TRUST_BYTES = 4 * 1024 * 1024
ROOT_KEY_TYPE = "greenmark-root-key/v1"
TRUSTED_ROOT_TYPE = "greenmark-trusted-root/v1"
TRUSTED_ROOT_TYP = "application/vnd.greenmark.trusted-root+jws"
ISSUING_STATUSES = ("active", "retired", "revoked")
WATERMARK_STATES = ("primary", "enabled", "disabled", "destroyed")


class TrustFailure(Exception):
    def __init__(self, code: str, detail: str):
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class IssuingKey:
    key_id: str
    public_key: bytes
    not_before: datetime
    not_after: datetime | None
    status: str
    compromised_since: datetime | None


@dataclass
class TrustedRoot:
    version: int
    payload: str
    issued_at: datetime
    expires: datetime | None
    threshold: int
    root_keys: dict[str, bytes]
    issuing_keys: dict[str, IssuingKey]
    signatures: list[tuple[str, str]] = field(default_factory=list)


def _optional(body: dict, name: str) -> object:
    """An optional member: absent and null are the same."""
    return body.get(name)


def _public_key(value: object, prefix: str, kid: object, what: str) -> bytes:
    if not is_str(kid):
        raise DecodeError(f"{what}: key_id is not a string")
    try:
        raw = b64url_decode(value)
    except DecodeError as error:
        raise DecodeError(f"{what} {kid}: public_key: {error}") from None
    if len(raw) != 32:
        raise DecodeError(f"{what} {kid}: public_key is {len(raw)} bytes, not 32")
    if key_id(prefix, raw) != kid:
        raise DecodeError(f"{what} {kid}: key_id is not {key_id(prefix, raw)}, the id derived from its key")
    return raw


def read_trusted_root(data: bytes, name: str) -> TrustedRoot:
    """One trusted-root document, fully checked for well-formedness (DecodeError otherwise)."""
    if len(data) > MAX_TRUST_BYTES:
        raise DecodeError(f"{name} is over 4 MiB")
    try:
        document = parse_json(data)
    except DecodeError as error:
        raise DecodeError(f"{name}: {error}") from None
    return _trusted_root_from(document, name)


def _trusted_root_from(document: dict, name: str) -> TrustedRoot:
    if set(document) != {"payload", "signatures"}:
        raise DecodeError(f"{name}: a trusted root has exactly the members payload and signatures")
    payload = document["payload"]
    signatures = document["signatures"]
    if not is_str(payload) or not is_arr(signatures):
        raise DecodeError(f"{name}: payload must be a string and signatures an array")
    entries: list[tuple[str, str]] = []
    for entry in signatures:
        if not is_obj(entry) or set(entry) != {"protected", "signature"} \
                or not is_str(entry["protected"]) or not is_str(entry["signature"]):
            raise DecodeError(f"{name}: a signature entry is an object with exactly the string members protected and signature")
        entries.append((entry["protected"], entry["signature"]))
    try:
        body = parse_json(b64url_decode(payload))
    except DecodeError as error:
        raise DecodeError(f"{name}: payload: {error}") from None

    if body.get("_type") != TRUSTED_ROOT_TYPE or not is_str(body.get("_type")):
        raise DecodeError(f"{name}: _type is not {TRUSTED_ROOT_TYPE}")
    version = body.get("version")
    if not is_int(version) or version < 1:
        raise DecodeError(f"{name}: version is not an integer >= 1")
    where = f"{name} (version {version})"
    try:
        issued_at = parse_time(body.get("issued_at"))
        expires_value = _optional(body, "expires")
        expires = None if expires_value is None else parse_time(expires_value)
    except DecodeError as error:
        raise DecodeError(f"{where}: {error}") from None
    root_list = body.get("root_keys")
    if not is_arr(root_list) or not root_list:
        raise DecodeError(f"{where}: root_keys is not a non-empty array")
    if not is_arr(body.get("issuing_keys")) or not is_arr(body.get("watermark_keys")):
        raise DecodeError(f"{where}: issuing_keys and watermark_keys must be arrays")
    threshold = body.get("threshold")
    if not is_int(threshold) or not 1 <= threshold <= len(root_list):
        raise DecodeError(f"{where}: threshold is not an integer from 1 to the number of root keys")

    root_keys: dict[str, bytes] = {}
    for entry in root_list:
        if not is_obj(entry):
            raise DecodeError(f"{where}: a root key entry is not an object")
        kid = entry.get("key_id")
        raw = _public_key(entry.get("public_key"), "grk-", kid, f"{where}: root key")
        if kid in root_keys:
            raise DecodeError(f"{where}: root key {kid} listed twice")
        root_keys[kid] = raw

    issuing: dict[str, IssuingKey] = {}
    for entry in body["issuing_keys"]:
        if not is_obj(entry):
            raise DecodeError(f"{where}: an issuing key entry is not an object")
        kid = entry.get("key_id")
        raw = _public_key(entry.get("public_key"), "gik-", kid, f"{where}: issuing key")
        status = entry.get("status")
        if not is_str(status) or status not in ISSUING_STATUSES:
            raise DecodeError(f"{where}: issuing key {kid}: status is not active, retired or revoked")
        try:
            not_before = parse_time(entry.get("not_before"))
            not_after_value = _optional(entry, "not_after")
            not_after = None if not_after_value is None else parse_time(not_after_value)
            since_value = _optional(entry, "compromised_since")
            since = None if since_value is None else parse_time(since_value)
        except DecodeError as error:
            raise DecodeError(f"{where}: issuing key {kid}: {error}") from None
        if status == "retired" and not_after is None:
            raise DecodeError(f"{where}: issuing key {kid} is retired without not_after")
        if since is not None and status != "revoked":
            raise DecodeError(f"{where}: issuing key {kid} has compromised_since but is not revoked")
        if kid in issuing:
            raise DecodeError(f"{where}: issuing key {kid} listed twice")
        issuing[kid] = IssuingKey(kid, raw, not_before, not_after, status, since)

    for entry in body["watermark_keys"]:
        if not is_obj(entry) or not is_str(entry.get("key_id")):
            raise DecodeError(f"{where}: a watermark key entry is not an object with a string key_id")
        state = entry.get("state")
        if not is_str(state) or state not in WATERMARK_STATES:
            raise DecodeError(f"{where}: watermark key {entry['key_id']}: state is not one of {', '.join(WATERMARK_STATES)}")
        scheme = entry.get("scheme")
        if not is_obj(scheme) or not is_str(scheme.get("prf")) or not is_str(scheme.get("gamma")) \
                or not is_int(scheme.get("gamma_threshold")) or not 0 <= scheme["gamma_threshold"] <= 2**32 - 1 \
                or not is_int(scheme.get("h")):
            raise DecodeError(f"{where}: watermark key {entry['key_id']}: scheme needs strings prf, gamma and integers gamma_threshold (0...2^32-1), h")

    return TrustedRoot(version, payload, issued_at, expires, threshold, root_keys, issuing, entries)


def read_pin(data: bytes) -> tuple[str, bytes] | TrustedRoot:
    """The pinned file: a JSON object with a payload or a signatures member is a trusted root (one
    version); anything else must be a root key file (returns (key_id, raw key))."""
    if len(data) > MAX_TRUST_BYTES:
        raise DecodeError("the pinned file is over 4 MiB")
    try:
        document = parse_json(data)
    except DecodeError as error:
        raise DecodeError(f"the pinned file: {error}") from None
    if "payload" in document or "signatures" in document:
        return _trusted_root_from(document, "the pinned trusted root")
    if set(document) != {"_type", "key_id", "public_key"}:
        raise DecodeError("the pinned file is a root key file with members other than exactly _type, key_id, public_key")
    if not is_str(document["_type"]) or document["_type"] != ROOT_KEY_TYPE:
        raise DecodeError(f"the pinned root key file's _type is not {ROOT_KEY_TYPE}")
    kid = document["key_id"]
    return kid, _public_key(document["public_key"], "grk-", kid, "the pinned root key")


def counting_keys(root: TrustedRoot, keys: dict[str, bytes]) -> set[str]:
    """The distinct key ids of `keys` with a signature entry of `root` that counts."""
    counted: set[str] = set()
    for protected, signature in root.signatures:
        try:
            header = parse_json(b64url_decode(protected))
            raw_signature = b64url_decode(signature)
        except DecodeError:
            continue
        if set(header) != {"alg", "kid", "typ"} or header["alg"] != "EdDSA" or not is_str(header["alg"]) \
                or header["typ"] != TRUSTED_ROOT_TYP or not is_str(header["typ"]) or not is_str(header["kid"]):
            continue
        kid = header["kid"]
        if kid not in keys or kid in counted:
            continue
        # The JWS signing input, UTF-8(protected || "." || payload); both are base64url here (the
        # header was just decoded, the payload decoded to the body), so it is their ASCII bytes.
        if ed25519_verify(keys[kid], raw_signature, (protected + "." + root.payload).encode("utf-8")):
            counted.add(kid)
    return counted


def _reaches(root: TrustedRoot, keys: dict[str, bytes], threshold: int) -> bool:
    return len(counting_keys(root, keys)) >= threshold


def establish(pinned: bytes, updates: list[bytes], min_version: int | None, at: datetime) -> tuple[TrustedRoot, str]:
    """Steps 1-7. Returns the trusted root and a detail for trust.valid; raises TrustFailure."""
    # 1. Read.
    try:
        pin = read_pin(pinned)
        documents = [read_trusted_root(data, f"trust update {i + 1}") for i, data in enumerate(updates)]
    except DecodeError as error:
        raise TrustFailure("trust.unreadable", str(error)) from None
    if isinstance(pin, TrustedRoot):
        documents.insert(0, pin)

    # 2. Conflict. Documents of one version with the same payload are one document whose signature
    #    entries are all of theirs (pooled), so the order of the files never matters.
    by_version: dict[int, TrustedRoot] = {}
    for document in documents:
        seen = by_version.get(document.version)
        if seen is None:
            by_version[document.version] = TrustedRoot(document.version, document.payload, document.issued_at,
                                                       document.expires, document.threshold, document.root_keys,
                                                       document.issuing_keys, list(document.signatures))
        elif seen.payload != document.payload:
            raise TrustFailure("trust.conflict", f"two different trusted roots with version {document.version}")
        else:
            seen.signatures.extend(document.signatures)

    # 3. Start. A pinned trusted root: the pooled signatures of its version must reach its threshold.
    if isinstance(pin, TrustedRoot):
        start = by_version[pin.version]
        if not _reaches(start, start.root_keys, start.threshold):
            raise TrustFailure("trust.signature.invalid",
                               f"the pinned trusted root v{start.version} is not signed by {start.threshold} of its own root keys")
    else:
        pin_kid, pin_raw = pin
        start = None
        for version in sorted(by_version):
            candidate = by_version[version]
            if candidate.root_keys.get(pin_kid) != pin_raw:
                continue
            counted = counting_keys(candidate, candidate.root_keys)
            if pin_kid in counted and len(counted) >= candidate.threshold:
                start = candidate
                break
        if start is None:
            raise TrustFailure("trust.incomplete",
                               f"no trusted root signed by the pinned root key {pin_kid} was given (a bare root key is not enough)")

    # 4. Follow.
    highest = max(by_version)
    current = start
    version = start.version + 1
    while version <= highest:
        following = by_version.get(version)
        if following is None:
            raise TrustFailure("trust.version_gap", f"trusted root v{version} is missing (v{highest} was given)")
        if not _reaches(following, current.root_keys, current.threshold):
            raise TrustFailure("trust.threshold_not_met",
                               f"trusted root v{version} is not signed by {current.threshold} root keys of v{current.version}")
        if not _reaches(following, following.root_keys, following.threshold):
            raise TrustFailure("trust.threshold_not_met",
                               f"trusted root v{version} is not signed by {following.threshold} of its own root keys")
        current = following
        version += 1

    # 5. Floor.
    if min_version is not None and current.version < min_version:
        minimum = str(min_version) if min_version < 10 ** 60 else f"(a number of {min_version.bit_length()} bits)"
        raise TrustFailure("trust.rollback", f"newest trusted root v{current.version} is below the minimum v{minimum}")

    # 6. Freshness.
    if current.expires is None:
        raise TrustFailure("trust.stale", f"newest trusted root v{current.version} states no expires")
    if not at < current.expires:
        raise TrustFailure("trust.stale",
                           f"newest trusted root v{current.version} expired at {format_time(current.expires)} (verification time {format_time(at)})")

    # 7. Valid.
    return current, f"trusted root v{current.version} (from v{start.version}), fresh until {format_time(current.expires)}"
