package io.tunetrail.streaming.common;

import io.tunetrail.store.StoreSpec;
import io.tunetrail.store.online.RedisOnlineStore;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;

/**
 * A sink that writes batches to the online store (Redis). Elements are buffered and written when the buffer is full
 * and at every checkpoint ({@link SinkWriter#flush}), so a completed checkpoint means everything before it is in Redis.
 * Writes must be idempotent (absolute values under deterministic keys): after a restore the job replays from its
 * last checkpoint and writes some values again, which then overwrite themselves. That gives exactly-once results
 * without Redis transactions spanning checkpoints.
 */
public final class RedisSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final int BATCH = 1000;

    /** Writes one batch; must be idempotent. */
    public interface BatchWrite<T> extends Serializable {
        void write(RedisOnlineStore store, List<T> batch);
    }

    private final StoreSpec stores;
    private final BatchWrite<T> write;

    public RedisSink(StoreSpec stores, BatchWrite<T> write) {
        this.stores = stores;
        this.write = write;
    }

    @Override
    @SuppressWarnings("deprecation")
    public SinkWriter<T> createWriter(InitContext context) {
        RedisOnlineStore store = stores.openOnlineStore();
        return new SinkWriter<>() {
            private final List<T> buffer = new ArrayList<>();

            @Override
            public void write(T element, Context ctx) {
                buffer.add(element);
                if (buffer.size() >= BATCH) {
                    flush(false);
                }
            }

            @Override
            public void flush(boolean endOfInput) {
                if (!buffer.isEmpty()) {
                    write.write(store, buffer);
                    buffer.clear();
                }
            }

            @Override
            public void close() throws IOException {
                store.close();
            }
        };
    }
}
