# syntax=docker/dockerfile:1
# The nightly batch jobs on Spark 3.5: the ScheduledSparkApplications of infra/k8s (mainApplicationFile
# local:///opt/tunetrail/tunetrail-batch-training.jar) and Airflow's spark-submit run this image. Build context: the
# repository root, after ./tunetrail package:
#   docker build -f infra/docker/batch.Dockerfile -t tunetrail/batch:0.1.0-SNAPSHOT .
# An s3a:// offline store also needs hadoop-aws 3.3.4 and its AWS SDK bundle on Spark's classpath (infra/README.md).
ARG VERSION=0.1.0-SNAPSHOT

FROM apache/spark:3.5.7-scala2.12-java17-ubuntu AS jar
ARG VERSION
COPY target/package/tunetrail-batch-training-${VERSION}.jar /staging/tunetrail-batch-training.jar

FROM apache/spark:3.5.7-scala2.12-java17-ubuntu
COPY --from=jar --chown=root:root /staging/tunetrail-batch-training.jar /opt/tunetrail/tunetrail-batch-training.jar
# The image's spark user.
USER 185:185
# A batch container is healthy while its driver's UI answers (Spark serves it on 4040 for the job's lifetime).
HEALTHCHECK --interval=30s --timeout=3s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/4040"]
