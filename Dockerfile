# Greenmark on Debian 12 with Swift. Build: docker build -t greenmark .
FROM swift:6.1-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-pip ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY scripts/bootstrap.sh scripts/bootstrap.sh
RUN bash scripts/bootstrap.sh
COPY . .
RUN swift build -c release --product greenmark

FROM swift:6.1-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libssl3 && rm -rf /var/lib/apt/lists/*
COPY --from=build /usr/local/share/greenmark /usr/local/share/greenmark
COPY --from=build /src/.build/release/greenmark /usr/local/bin/greenmark
ENV GREENMARK_HOME=/var/lib/greenmark
VOLUME /var/lib/greenmark
ENTRYPOINT ["greenmark"]
