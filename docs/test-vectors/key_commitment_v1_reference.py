#!/usr/bin/env python3
"""Reference for Greenmark key commitments (docs/key-disclosure.md), standard library only.

    commitment = lowercase hex SHA-256("greenmark/key-commitment/v1" || 0x00 || K)

Writes docs/test-vectors/key-commitment-v1.json: python3 docs/test-vectors/key_commitment_v1_reference.py
"""
import hashlib
import hmac
import json
import os

keys = [bytes(32), bytes(range(32)), bytes([0xFF] * 32), hashlib.sha256(b"greenmark test key 3").digest()]
vectors = [{
    "key_hex": k.hex(),
    "key_id": "wk-" + hmac.new(k, b"greenmark/key-id/v1", hashlib.sha256).digest()[:8].hex(),
    "commitment": hashlib.sha256(b"greenmark/key-commitment/v1\x00" + k).hexdigest(),
} for k in keys]
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "key-commitment-v1.json"), "w") as f:
    json.dump(vectors, f, indent=2)
    f.write("\n")
print(f"wrote {len(vectors)} key commitment vectors")
