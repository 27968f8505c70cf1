# Greenmark: greenmarkd and the greenmark CLI with the default model, on Debian 12.
#   docker build -t greenmark .
#   docker run -p 8080:8080 -v greenmark:/var/lib/greenmark greenmark                # the daemon
#   docker run --rm -v greenmark:/var/lib/greenmark --entrypoint greenmark greenmark keys init
# The build stage runs the same scripts/bootstrap.sh as the README and CI (its runtime profile:
# no browser, no test-only Python packages, no evaluation corpus). scripts/runtime-libs.sh checks
# with ldd that RUNTIME_PACKAGES below cover every shared library the binaries link; the test
# suite runs it (DockerfileTests), so this list cannot drift from the code.

# ---- build ------------------------------------------------------------------------------------
FROM swift:6.3-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-pip ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY scripts/bootstrap.sh scripts/bootstrap.sh
RUN GREENMARK_BOOTSTRAP_PROFILE=runtime PIP_BREAK_SYSTEM_PACKAGES=1 bash scripts/bootstrap.sh
COPY . .
RUN swift build -c release --product greenmarkd && swift build -c release --product greenmark \
    && bash scripts/runtime-libs.sh .build/release/greenmarkd .build/release/greenmark

# ---- runtime ----------------------------------------------------------------------------------
FROM swift:6.3-bookworm-slim
# Libraries the binaries link beyond the base image (checked by scripts/runtime-libs.sh), and curl for the health check.
ARG RUNTIME_PACKAGES="libssl3 libsqlite3-0 libpq5"
# Packages the slim Swift image already has (libc, the C++ runtime the Swift runtime needs, zlib for the
# .docx/.odt reader, which dpkg itself needs).
ARG BASE_PACKAGES="libc6 libgcc-s1 libstdc++6 zlib1g"
# poppler-utils: pdftotext, which reads PDFs in a child process (GreenmarkDocuments); without it a PDF is
# refused with input.extractor_unavailable.
RUN apt-get update && apt-get install -y --no-install-recommends $RUNTIME_PACKAGES poppler-utils curl ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/greenmark --shell /usr/sbin/nologin greenmark \
    && mkdir -p /var/lib/greenmark && chown greenmark:greenmark /var/lib/greenmark && chmod 0700 /var/lib/greenmark
COPY --from=build /usr/local/share/greenmark/models /usr/local/share/greenmark/models
COPY --from=build /src/.build/release/greenmarkd /src/.build/release/greenmark /usr/local/bin/
COPY --from=build /src/.build/release/GRDB_GRDB.resources /usr/local/bin/GRDB_GRDB.resources
# greenmarkd's web pages (the essay page's files and certs/verify.html), read from beside the binary.
COPY --from=build /src/.build/release/greenmark_GreenmarkServer.resources /usr/local/bin/greenmark_GreenmarkServer.resources
USER greenmark
# Configuration by environment (docs/daemon.md lists every GREENMARK_* key).
ENV GREENMARK_HOME=/var/lib/greenmark \
    GREENMARK_HOST=0.0.0.0 \
    GREENMARK_PORT=8080
VOLUME /var/lib/greenmark
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${GREENMARK_PORT}/readyz" >/dev/null || exit 1
ENTRYPOINT ["greenmarkd"]
CMD ["serve"]
