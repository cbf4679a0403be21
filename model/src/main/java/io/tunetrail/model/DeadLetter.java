package io.tunetrail.model;

import java.time.Instant;

/**
 * A refused record on its way to the dead-letter topic: the original bytes, unchanged, plus where they came from and
 * why they were refused. The Kafka form (value = original bytes, reason in headers) is described in
 * {@code schemas/dead-letter.md}; the header names are the constants here.
 */
public record DeadLetter(
        String sourceTopic,
        Integer sourcePartition,
        Long sourceOffset,
        byte[] originalKey,
        byte[] originalValue,
        RejectReason code,
        String reason,
        Instant failedAt,
        String stage) {

    public static final String HEADER_SOURCE_TOPIC = "tt.source.topic";
    public static final String HEADER_SOURCE_PARTITION = "tt.source.partition";
    public static final String HEADER_SOURCE_OFFSET = "tt.source.offset";
    public static final String HEADER_REASON_CODE = "tt.reason.code";
    public static final String HEADER_REASON = "tt.reason";
    public static final String HEADER_FAILED_AT = "tt.failed.at";
    public static final String HEADER_STAGE = "tt.stage";
}
