#!/usr/bin/env bash
# Installs what the tests need (idempotent), then runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
# Formatting: every Swift file follows .swift-format (swift-format ships with the toolchain); any
# finding fails the run. Fix with: swift format -i -r --parallel Sources Tests Plugins Package.swift Fuzz
swift format lint --strict --recursive --parallel Sources Tests Plugins Package.swift Fuzz
swift test "$@"
