package io.tunetrail.streaming.usage;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.Map;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The usage ledger per org and resource (key org|resource): folds each closed minute into the total of its UTC day
 * and its month to date, and emits both totals, absolute, after each minute. A day's entry is dropped when the
 * watermark passes the day's end, a month's when it passes the month's end (event-time timers), so the state holds
 * at most the open day(s) and month(s) of each key.
 *
 * <p>Every minute arrives exactly once (the minute windows fire once, see {@code EventRouter}, and the state is
 * checkpointed with the source offsets), so the totals are exact; the Redis sink writes them with SET, so a replay
 * after a restore rewrites the same values.
 */
public final class LedgerFunction extends KeyedProcessFunction<String, UsageTotal, LedgerTotal> {
    private transient MapState<Long, Long> days;
    private transient MapState<Long, Long> months;

    @Override
    public void open(Configuration parameters) {
        days = getRuntimeContext().getMapState(new MapStateDescriptor<>("ledger-days", Types.LONG, Types.LONG));
        months = getRuntimeContext().getMapState(new MapStateDescriptor<>("ledger-months", Types.LONG, Types.LONG));
    }

    @Override
    public void processElement(UsageTotal minute, Context ctx, Collector<LedgerTotal> out) throws Exception {
        LocalDate day = minute.day();
        LocalDate month = day.withDayOfMonth(1);
        long dayTotal = add(days, day.toEpochDay(), minute.units());
        long monthTotal = add(months, month.toEpochDay(), minute.units());
        out.collect(new LedgerTotal(minute.orgId(), minute.resource(), LedgerTotal.DAY, day.toEpochDay(), dayTotal));
        out.collect(new LedgerTotal(minute.orgId(), minute.resource(), LedgerTotal.MONTH, month.toEpochDay(), monthTotal));
        ctx.timerService().registerEventTimeTimer(startMs(day.plusDays(1)));
        ctx.timerService().registerEventTimeTimer(startMs(month.plusMonths(1)));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<LedgerTotal> out) throws Exception {
        evictEndedBy(days, timestamp, false);
        evictEndedBy(months, timestamp, true);
    }

    private static long add(MapState<Long, Long> state, long period, long units) throws Exception {
        Long before = state.get(period);
        long total = (before == null ? 0 : before) + units;
        state.put(period, total);
        return total;
    }

    private static void evictEndedBy(MapState<Long, Long> state, long timestamp, boolean month) throws Exception {
        Iterator<Map.Entry<Long, Long>> it = state.iterator();
        while (it.hasNext()) {
            LocalDate start = LocalDate.ofEpochDay(it.next().getKey());
            if (startMs(month ? start.plusMonths(1) : start.plusDays(1)) <= timestamp) {
                it.remove();
            }
        }
        if (state.isEmpty()) {
            // An empty map still occupies a state entry for the key; clear it so nothing of the key remains.
            state.clear();
        }
    }

    private static long startMs(LocalDate day) {
        return day.atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
    }
}
