# syntax=docker/dockerfile:1
# The streaming jobs on Flink 1.20: the FlinkDeployments of infra/k8s (jarURI local:///opt/flink/usrlib/...) and
# compose.yaml's standalone job cluster run this image. Build context: the repository root, after ./tunetrail package:
#   docker build -f infra/docker/streaming.Dockerfile -t tunetrail/streaming:0.1.0-SNAPSHOT .
ARG VERSION=0.1.0-SNAPSHOT

FROM flink:1.20.3-scala_2.12-java17 AS jar
ARG VERSION
COPY target/package/tunetrail-streaming-jobs-${VERSION}.jar /staging/tunetrail-streaming-jobs.jar

FROM flink:1.20.3-scala_2.12-java17
# The image's flink user (9999) runs the JobManager and TaskManagers; the jar is read-only to it.
COPY --from=jar --chown=root:root /staging/tunetrail-streaming-jobs.jar /opt/flink/usrlib/tunetrail-streaming-jobs.jar
USER 9999:9999
# The JobManager's REST endpoint answers while the cluster runs (TaskManagers: the Prometheus reporter's port).
HEALTHCHECK --interval=30s --timeout=3s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8081 || exec 3<>/dev/tcp/127.0.0.1/9249"]
