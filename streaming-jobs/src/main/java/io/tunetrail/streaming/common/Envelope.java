package io.tunetrail.streaming.common;

/**
 * One Kafka record as the jobs' sources emit it: where it came from and either the accepted event or why it was
 * refused. Decoding happens in the source ({@link EventDecoder}) so the watermark only ever sees event times of
 * accepted events: a malformed or far-future record must not move event time.
 *
 * <p>Exactly one of {@code listen}, {@code metered} and {@code rejectCode} is set. The original bytes are kept only for
 * refused records (they go to the dead-letter topic unchanged); an accepted event that turns out late is re-read from
 * {@code value} too, so accepted envelopes keep theirs until the router has decided.
 */
public class Envelope {
    public String topic;
    public int partition;
    public long offset;
    public byte[] key;
    public byte[] value;
    /** Event time of an accepted event; {@link Long#MIN_VALUE} for a refused record (never moves the watermark). */
    public long eventTimeMs = Long.MIN_VALUE;
    public Listen listen;
    public Metered metered;
    public String rejectCode;
    public String rejectReason;

    public Envelope() {}

    public boolean accepted() {
        return rejectCode == null;
    }

    /** topic/partition: the unit in which Kafka keeps order, and the unit of the lateness rule. */
    public String topicPartition() {
        return topic + "/" + partition;
    }
}
