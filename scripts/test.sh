#!/usr/bin/env bash
# Installs what the tests need (idempotent), then runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
# Formatting: every Swift file follows .swift-format (swift-format ships with the toolchain); any
# finding fails the run. Fix with: swift format -i -r --parallel Sources Tests Plugins Package.swift Fuzz
swift format lint --strict --recursive --parallel Sources Tests Plugins Package.swift Fuzz
# The test binary blocks pool threads on child processes and the model; a wider thread pool
# behind Swift concurrency keeps the in-process servers of other tests answering (the shim acts
# only inside *PackageTests.xctest; scripts/testpool/pool_width.c says why).
mkdir -p .build
gcc -shared -fPIC -O2 scripts/testpool/pool_width.c -o .build/libgreenmark-test-pool.so -ldl
GREENMARK_TEST_POOL_WIDTH=8 LD_PRELOAD="$PWD/.build/libgreenmark-test-pool.so" swift test "$@"
