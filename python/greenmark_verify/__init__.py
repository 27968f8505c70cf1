"""Independent reference verifier for Greenmark certificates, written from
docs/certificate-format.md alone (Python standard library + `cryptography`)."""

from .verifier import Check, Report, verify

__all__ = ["Check", "Report", "verify"]
__version__ = "1.0.0"
