# syntax=docker/dockerfile:1
# The serving API. Build context: the repository root, after ./tunetrail package:
#   docker build -f infra/docker/api.Dockerfile -t tunetrail/api:0.1.0-SNAPSHOT .
# It only copies what package built (a test checks every COPY source against package's list).
# Base images pinned by exact tag; pin digests (@sha256:...) where the build can resolve them.
ARG VERSION=0.1.0-SNAPSHOT

FROM eclipse-temurin:17.0.13_11-jre-jammy AS unpack
ARG VERSION
COPY target/package/tunetrail-api-${VERSION}.tar.gz /tmp/
RUN mkdir /opt/tunetrail-api \
 && tar -xzf /tmp/tunetrail-api-${VERSION}.tar.gz -C /opt/tunetrail-api --strip-components=1

FROM eclipse-temurin:17.0.13_11-jre-jammy
RUN groupadd --system --gid 10001 tunetrail \
 && useradd --system --uid 10001 --gid tunetrail --home-dir /opt/tunetrail-api --shell /usr/sbin/nologin tunetrail
COPY --from=unpack --chown=root:root /opt/tunetrail-api /opt/tunetrail-api
# Every interface inside the container; api.webhook.secret-keys must then be set (the API refuses a non-loopback
# address with the public local-only key).
ENV TUNETRAIL_API_HOST=0.0.0.0 \
    TUNETRAIL_API_PORT=8080 \
    TUNETRAIL_HOME=/tmp/tunetrail
USER 10001:10001
EXPOSE 8080
# /health answers while the process runs; bash's /dev/tcp needs no curl in the image.
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${TUNETRAIL_API_PORT} && printf 'GET /health HTTP/1.0\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["/opt/tunetrail-api/bin/tunetrail-api"]
