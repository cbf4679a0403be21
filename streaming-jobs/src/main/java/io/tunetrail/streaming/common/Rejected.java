package io.tunetrail.streaming.common;

/**
 * A record a job refused, on its way to the dead-letter topic: the original key and bytes and the reason, in the
 * format of {@code schemas/dead-letter.md}. A plain POJO so Flink serialises it without Kryo.
 */
public class Rejected {
    public String sourceTopic;
    public int sourcePartition;
    public long sourceOffset;
    public byte[] key;
    public byte[] value;
    /** A {@link io.tunetrail.model.RejectReason} name. */
    public String code;
    public String reason;
    public long failedAtMs;
    public String stage;

    public Rejected() {}

    public Rejected(String sourceTopic, int sourcePartition, long sourceOffset, byte[] key, byte[] value, String code,
            String reason, long failedAtMs, String stage) {
        this.sourceTopic = sourceTopic;
        this.sourcePartition = sourcePartition;
        this.sourceOffset = sourceOffset;
        this.key = key;
        this.value = value;
        this.code = code;
        this.reason = reason;
        this.failedAtMs = failedAtMs;
        this.stage = stage;
    }
}
