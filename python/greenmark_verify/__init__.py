"""Independent reference verifier for Greenmark certificates, written from
docs/certificate-format.md alone (Python standard library + `cryptography`)."""

from .bundle import verify_bundle
from .verifier import Check, Report, verify

__all__ = ["Check", "Report", "verify", "verify_bundle"]
__version__ = "1.0.0"
