package io.tunetrail.streaming.usage;

import io.tunetrail.streaming.common.Metered;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** The window functions of the usage-counters job: sums of units and events, stamped with the window. */
public final class UsageWindows {
    private UsageWindows() {}

    /** Sums metered events: accumulator {units, events}. */
    public static final class SumMetered implements AggregateFunction<Metered, long[], long[]> {
        @Override
        public long[] createAccumulator() {
            return new long[2];
        }

        @Override
        public long[] add(Metered m, long[] acc) {
            acc[0] += m.units();
            acc[1]++;
            return acc;
        }

        @Override
        public long[] getResult(long[] acc) {
            return acc;
        }

        @Override
        public long[] merge(long[] a, long[] b) {
            return new long[] {a[0] + b[0], a[1] + b[1]};
        }
    }

    /** Sums the totals of smaller windows (minutes into hours, hours into days). */
    public static final class SumTotals implements AggregateFunction<UsageTotal, long[], long[]> {
        @Override
        public long[] createAccumulator() {
            return new long[2];
        }

        @Override
        public long[] add(UsageTotal t, long[] acc) {
            acc[0] += t.units();
            acc[1] += t.events();
            return acc;
        }

        @Override
        public long[] getResult(long[] acc) {
            return acc;
        }

        @Override
        public long[] merge(long[] a, long[] b) {
            return new long[] {a[0] + b[0], a[1] + b[1]};
        }
    }

    /** Turns a window's sums into a {@link UsageTotal}; the key is org|apiKey|resource. */
    public static final class Stamp extends ProcessWindowFunction<long[], UsageTotal, String, TimeWindow> {
        @Override
        public void process(String key, Context ctx, Iterable<long[]> sums, Collector<UsageTotal> out) {
            long[] s = sums.iterator().next();
            String[] parts = key.split("\\|", -1);
            out.collect(new UsageTotal(parts[0], parts[1], parts[2], ctx.window().getStart(), ctx.window().getEnd(), s[0], s[1]));
        }
    }
}
