#!/usr/bin/env bash
# Installs what the tests need (idempotent), then runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
swift test "$@"
