"""A small world of test keys, trusted roots and certificates, built from the spec with
`cryptography` (deterministic keys from fixed seeds; test material only)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from greenmark_verify.encoding import b64url_encode, key_id
from greenmark_verify.text import canonical

CERT_TYP = "application/vnd.greenmark.certificate+jws"
ROOT_TYP = "application/vnd.greenmark.trusted-root+jws"
ENDORSEMENT_TYP = "application/vnd.greenmark.endorsement+jws"
DETECTION = "https://greenmark.dev/attestation/detection/v1"
GENERATION = "https://greenmark.dev/attestation/generation/v1"

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
TEXT = "The river bends\r\nthrough the valley.  \n"


def ts(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def compact(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def b64json(value) -> str:
    return b64url_encode(compact(value))


class Key:
    def __init__(self, seed: str, prefix: str):
        self.private = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(seed.encode()).digest())
        self.raw = self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.public = b64url_encode(self.raw)
        self.kid = key_id(prefix, self.raw)

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)

    def root_entry(self) -> dict:
        return {"key_id": self.kid, "public_key": self.public}

    def root_key_file(self) -> bytes:
        return compact({"_type": "greenmark-root-key/v1", "key_id": self.kid, "public_key": self.public})


ROOT1 = Key("test root 1", "grk-")
ROOT2 = Key("test root 2", "grk-")
ROOT3 = Key("test root 3", "grk-")
ISSUER1 = Key("test issuer 1", "gik-")
ISSUER2 = Key("test issuer 2", "gik-")


def issuing_entry(key: Key, not_before=T0, not_after=None, status="active", compromised_since=None) -> dict:
    entry = {"key_id": key.kid, "public_key": key.public, "not_before": ts(not_before), "status": status}
    if not_after is not None:
        entry["not_after"] = ts(not_after)
    if compromised_since is not None:
        entry["compromised_since"] = ts(compromised_since)
    return entry


WATERMARK = {"key_id": "wk-0123456789abcdef", "state": "primary",
             "scheme": {"prf": "lefthash-v1", "gamma": "0.25", "gamma_threshold": 1073741824, "h": 1}}


def body(version: int, roots=(ROOT1,), issuing=None, threshold=1, expires=T0 + timedelta(days=400),
         issued_at=T0, **extra) -> dict:
    value = {"_type": "greenmark-trusted-root/v1", "version": version, "issued_at": ts(issued_at),
             "threshold": threshold, "root_keys": [k.root_entry() for k in roots],
             "issuing_keys": issuing if issuing is not None else [issuing_entry(ISSUER1)],
             "watermark_keys": [WATERMARK]}
    if expires is not None:
        value["expires"] = ts(expires)
    value.update(extra)
    return value


def sign_root(body_value, signers, payload: str | None = None) -> dict:
    payload = payload if payload is not None else (body_value if isinstance(body_value, str) else b64json(body_value))
    signatures = []
    for key in signers:
        protected = b64json({"alg": "EdDSA", "kid": key.kid, "typ": ROOT_TYP})
        signatures.append({"protected": protected,
                           "signature": b64url_encode(key.sign((protected + "." + payload).encode("ascii")))})
    return {"payload": payload, "signatures": signatures}


def trusted_root(version: int, signers=(ROOT1,), **kwargs) -> bytes:
    return compact(sign_root(body(version, **kwargs), signers))


def digest(text: str = TEXT) -> str:
    return hashlib.sha256(canonical(text)).hexdigest()


def detection_predicate(issuer: Key = ISSUER1, issued_at=T0 + timedelta(days=1), **extra) -> dict:
    value = {"certificate_id": "gmc-" + "0" * 32, "issued_at": ts(issued_at) if isinstance(issued_at, datetime) else issued_at,
             "issuer_key_id": issuer.kid, "watermark_key_id": "wk-0123456789abcdef",
             "scheme": dict(WATERMARK["scheme"]), "text_canonicalization": "greenmark-text-v1",
             "tokenizer": {"name": "SmolLM2", "vocabulary": "49152"},
             "tokens_scored": 140, "green_tokens": 81, "min_tokens": 50, "keys_tried": 1,
             "z_score": "8.9783", "p_value": "1.598e-16", "log10_p_value": "-15.7965", "z_threshold": "4.0000",
             "verdict": "watermarked", "search_spans": False, "p_threshold": "3.167e-05"}
    value.update(extra)
    return value


def generation_predicate(issuer: Key = ISSUER1, issued_at=T0 + timedelta(days=1)) -> dict:
    return {"certificate_id": "gmc-" + "1" * 32, "issued_at": ts(issued_at), "issuer_key_id": issuer.kid,
            "text_canonicalization": "greenmark-text-v1",
            "model": {"name": "SmolLM2-135M-Instruct", "sha256": "ab" * 32}, "prompt_sha256": "cd" * 32,
            "tokens": 120, "delta": "2.0",
            "sampling": {"temperature": "0.8", "top_p": "0.95", "top_k": 40, "seed": "18446744073709551615"},
            "finish_reason": "length", "generated_at": ts(issued_at)}


def statement(predicate=None, kind=DETECTION, text=TEXT) -> dict:
    return {"_type": "https://in-toto.io/Statement/v1",
            "subject": [{"name": "text", "digest": {"sha256": digest(text)}}],
            "predicateType": kind, "predicate": predicate if predicate is not None else detection_predicate()}


def endorsement(issuer: Key = ISSUER1, root: Key = ROOT1) -> dict:
    protected = b64json({"alg": "EdDSA", "kid": root.kid, "typ": ENDORSEMENT_TYP})
    payload = b64json({"_type": "greenmark-endorsement/v1", "issuer_key_id": issuer.kid,
                       "public_key": issuer.public, "not_before": ts(T0)})
    return {"protected": protected, "payload": payload,
            "signature": b64url_encode(root.sign((protected + "." + payload).encode("ascii")))}


def certificate_object(statement_value=None, issuer: Key = ISSUER1, header=None, payload: str | None = None,
                       signer: Key | None = None) -> dict:
    protected = b64json(header if header is not None else {"alg": "EdDSA", "kid": issuer.kid, "typ": CERT_TYP})
    if payload is None:
        payload = b64json(statement_value if statement_value is not None else statement())
    signature = (signer or issuer).sign((protected + "." + payload).encode("utf-8"))
    return {"protected": protected, "payload": payload, "signature": b64url_encode(signature),
            "header": {"endorsement": endorsement(issuer)}}


def certificate(statement_value=None, **kwargs) -> bytes:
    return compact(certificate_object(statement_value, **kwargs))


AT = ts(T0 + timedelta(days=2))
