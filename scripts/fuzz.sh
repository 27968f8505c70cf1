#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ (a separate package: the main build never sees them) and
# runs one or all of them. Usage:
#
#   bash scripts/fuzz.sh                       # every target, 100,000 runs each
#   bash scripts/fuzz.sh detect 10000000       # one target, ten million runs
#   FUZZ_TIME=600 bash scripts/fuzz.sh keyring # one target for 600 s instead of a run count
#   FUZZ_SKIP_BUILD=1 ...                      # reuse the built binaries (two runs in parallel)
#   FUZZ_INPUT_TIMEOUT=30 ...                  # seconds (wall clock) one input may take before it
#                                              # counts as a hang (default 10); raise it when the
#                                              # fuzzer runs at low priority beside builds
#   FUZZ_SKIP_BUILD=1 FUZZ_WORKER=2 bash scripts/fuzz.sh certificate-text 4000000
#                                              # a second process on a target already running:
#                                              # same corpus, log <target>.2.log
#
# Targets: certificate, certificate-text, trust-anchor, keyring, detect, documents. Seeds are in
# Fuzz/Corpus/<target>/ (committed, small); new inputs go to .build-fuzz/corpus/<target>/ (not in
# git); crashes to .build-fuzz/crashes/<target>/. Each run's libFuzzer log is
# .build-fuzz/logs/<target>.log and ends with libFuzzer's own counters (-print_final_stats=1).
#
# Build flags (docs/reliability.md): `--sanitize fuzzer` makes SwiftPM link libFuzzer's main
# instead of aliasing `main` to the module's entry point; `-Xswiftc -sanitize=fuzzer,address`
# instruments every Swift module with coverage and ASan (a second `--sanitize address` would add a
# separate `-sanitize=address` flag, and the last `-sanitize=` the frontend sees wins, dropping
# the coverage instrumentation).
set -euo pipefail
cd "$(dirname "$0")/.."

target="${1:-all}"
runs="${2:-100000}"
jobs_dir=.build-fuzz
export SWIFT_BACKTRACE=enable=no   # let libFuzzer's signal handler save the crashing input

if [[ -z "${FUZZ_SKIP_BUILD:-}" ]]; then   # FUZZ_SKIP_BUILD=1: reuse the binaries (parallel runs)
    swift build -c release --package-path Fuzz --scratch-path Fuzz/.build \
        --sanitize fuzzer -Xswiftc -sanitize=fuzzer,address
fi

binary() {
    case "$1" in
        certificate) echo FuzzCertificate ;;
        certificate-text) echo FuzzCertificateText ;;
        trust-anchor) echo FuzzTrustAnchor ;;
        keyring) echo FuzzKeyring ;;
        detect) echo FuzzDetect ;;
        documents) echo FuzzDocuments ;;
        *) echo "unknown target $1 (certificate, certificate-text, trust-anchor, keyring, detect, documents)" >&2; exit 2 ;;
    esac
}

run() {
    local name="$1" bin
    bin="$(binary "$name")"
    mkdir -p "$jobs_dir/corpus/$name" "$jobs_dir/crashes/$name" "$jobs_dir/logs"
    local limit=(-runs="$runs")
    if [[ -n "${FUZZ_TIME:-}" ]]; then limit=(-max_total_time="$FUZZ_TIME"); fi
    # FUZZ_WORKER=N: a further process on the same target and corpus (libFuzzer reloads the corpus
    # directory, so parallel workers share their finds), with its own log.
    local log="$jobs_dir/logs/$name${FUZZ_WORKER:+.$FUZZ_WORKER}.log"
    echo "== $name: ${limit[*]} (log: $log)"
    # -rss_limit_mb: ASan's shadow memory counts; -timeout: a single input taking 10 s is a hang.
    "Fuzz/.build/release/$bin" "${limit[@]}" -dict=Fuzz/greenmark.dict -max_len=8192 -timeout="${FUZZ_INPUT_TIMEOUT:-10}" \
        -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$jobs_dir/crashes/$name/" \
        "$jobs_dir/corpus/$name" "Fuzz/Corpus/$name" 2>&1 | tee "$log" | grep -E "^(INFO: Loaded|#[0-9]+[[:space:]]+(INITED|DONE|pulse))|ERROR|SUMMARY|stat::|Fatal error" || true
    # The keyring target writes its inputs to /dev/shm/gm-fuzz-keyring-PID/ (one per fuzzer process).
    if [[ "$name" == keyring ]]; then rm -rf /dev/shm/gm-fuzz-keyring-*; fi
    grep -q -E "^Done [0-9]+ runs|^INFO: fuzzing was interrupted|stat::number_of_executed_units" "$log" || { echo "$name did not finish cleanly" >&2; return 1; }
    ! grep -q -E "ERROR: libFuzzer|ERROR: AddressSanitizer|ERROR: LeakSanitizer|Fatal error" "$log"
}

if [[ "$target" == all ]]; then
    for t in certificate certificate-text trust-anchor keyring detect documents; do run "$t"; done
else
    run "$target"
fi
