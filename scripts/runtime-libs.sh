#!/usr/bin/env bash
# Checks that the Dockerfile's runtime stage provides every shared library the given binaries
# link: each library `ldd` resolves must come from a Debian package named in the Dockerfile's
# RUNTIME_PACKAGES or one of their (recursive) Depends, which apt installs with them, from the base
# image's packages (BASE_PACKAGES), or from the Swift runtime the slim Swift base image ships. Prints one line per library; exits 1 if one is not covered.
#   bash scripts/runtime-libs.sh .build/release/greenmarkd .build/release/greenmark
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || { echo "usage: scripts/runtime-libs.sh BINARY..." >&2; exit 2; }
dockerfile=${DOCKERFILE:-Dockerfile}
runtime=$(sed -n 's/^ARG RUNTIME_PACKAGES="\(.*\)"/\1/p' "$dockerfile")
base=$(sed -n 's/^ARG BASE_PACKAGES="\(.*\)"/\1/p' "$dockerfile")
[ -n "$runtime" ] && [ -n "$base" ] || { echo "Dockerfile lacks ARG RUNTIME_PACKAGES or ARG BASE_PACKAGES" >&2; exit 2; }
# What apt installs along with the runtime packages: their Depends/Pre-Depends, recursively.
closure=" $(apt-cache depends --recurse --important $runtime 2>/dev/null | grep -v '^ ' | tr -d '<>' | sed 's/:.*//' | sort -u | tr '\n' ' ') "
missing=0
for lib in $(ldd "$@" | awk '/=>/ {print $3}' | sort -u); do
  case "$lib" in
    */lib/swift/linux/*) echo "swift runtime      $lib"; continue ;;
  esac
  real=$(readlink -f "$lib")
  pkg=$(dpkg -S "$real" 2>/dev/null | head -1 | cut -d: -f1 || true)
  [ -n "$pkg" ] || pkg=$(dpkg -S "$lib" 2>/dev/null | head -1 | cut -d: -f1 || true)
  if [ -z "$pkg" ]; then
    echo "UNKNOWN            $lib (no Debian package owns it)"; missing=1
  elif [[ " $runtime " == *" $pkg "* ]]; then
    echo "runtime package    $lib ($pkg)"
  elif [[ " $base " == *" $pkg "* ]]; then
    echo "base image         $lib ($pkg)"
  elif [[ "$closure" == *" $pkg "* ]]; then
    echo "runtime dependency $lib ($pkg, installed with the runtime packages)"
  else
    echo "NOT IN DOCKERFILE  $lib ($pkg)"; missing=1
  fi
done
exit $missing
