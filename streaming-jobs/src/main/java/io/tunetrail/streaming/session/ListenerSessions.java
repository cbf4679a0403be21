package io.tunetrail.streaming.session;

import io.tunetrail.streaming.common.Listen;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Event-time sessions per listener (key org|user) with the semantics of Flink's {@code EventTimeSessionWindows} and
 * its event-time trigger, kept as one small list of open sessions per listener instead of Flink's merging-window set.
 *
 * <p>Why not the window operator: it keeps a window-to-state-window mapping in list state and an aggregating state per
 * window namespace, and reads and rewrites the mapping for every event; in a JFR profile of {@code bench streaming}
 * that operator's thread took about 45% of the job's samples, the mapping the largest item there. Here an event costs one state read, an in-place fold and one
 * state write, and a timer only when the session's end moves.
 *
 * <p>The semantics, as the window operator's: an event at {@code t} opens the window {@code [t, t + gap)}; windows
 * that touch or overlap (Flink's {@code TimeWindow.intersects}, inclusive) merge into their cover, and so do their
 * accumulators ({@link SessionAccumulator#merge}, whose result does not depend on the order). A window whose last
 * millisecond ({@code end - 1}) the watermark has already passed, and that merges with no open session, is late: the
 * event goes to the {@code late} output. A session is emitted when the watermark passes its last millisecond, with
 * that millisecond as the record's timestamp, and leaves no state or timer behind. Since a session is
 * {@code [first event, last event + gap)}, its accumulator alone describes it.
 */
public final class ListenerSessions extends KeyedProcessFunction<String, Listen, SessionSummary> {
    private final long gapMs;
    private final int recentLimit;
    private final OutputTag<Listen> late;
    /** The listener's open sessions, pairwise apart (no two touch); nearly always one. */
    private transient ValueState<List<SessionAccumulator>> open;

    public ListenerSessions(long gapMs, int recentLimit, OutputTag<Listen> late) {
        if (gapMs <= 0) {
            throw new IllegalArgumentException("the session gap must be positive, not " + gapMs + " ms");
        }
        this.gapMs = gapMs;
        this.recentLimit = recentLimit;
        this.late = late;
    }

    @Override
    public void open(Configuration parameters) {
        open = getRuntimeContext().getState(new ValueStateDescriptor<>("open-sessions",
                Types.LIST(TypeInformation.of(SessionAccumulator.class))));
    }

    @Override
    public void processElement(Listen e, Context ctx, Collector<SessionSummary> out) throws Exception {
        long t = e.eventTimeMs();
        List<SessionAccumulator> sessions = open.value();
        if (sessions != null && sessions.size() == 1) {
            // Nearly every event: the listener's one open session, which this event falls into or extends.
            SessionAccumulator s = sessions.get(0);
            long sessionEnd = s.lastMs + gapMs;
            if (touches(s, t, t + gapMs)) {
                s.add(e, recentLimit);
                if (s.lastMs + gapMs != sessionEnd) {
                    ctx.timerService().deleteEventTimeTimer(sessionEnd - 1);
                    ctx.timerService().registerEventTimeTimer(s.lastMs + gapMs - 1);
                }
                open.update(sessions);
                return;
            }
        }
        long start = t;
        long end = t + gapMs;
        SessionAccumulator into = null;
        List<SessionAccumulator> kept = new ArrayList<>(sessions == null ? 1 : sessions.size() + 1);
        if (sessions != null) {
            // Merge every open session the growing cover touches. The sessions are apart (no two touch), so one pass in
            // start order finds them all, as Flink's sorted sweep does.
            sessions.sort((a, b) -> Long.compare(a.firstMs, b.firstMs));
            for (SessionAccumulator s : sessions) {
                long sessionEnd = s.lastMs + gapMs;
                if (touches(s, start, end)) {
                    ctx.timerService().deleteEventTimeTimer(sessionEnd - 1);
                    into = into == null ? s : into.merge(s, recentLimit);
                    start = Math.min(start, s.firstMs);
                    end = Math.max(end, sessionEnd);
                } else {
                    kept.add(s);
                }
            }
        }
        if (into == null && end - 1 <= ctx.timerService().currentWatermark()) {
            ctx.output(late, e);
            return;
        }
        if (into == null) {
            into = new SessionAccumulator();
        }
        into.add(e, recentLimit);
        kept.add(into);
        open.update(kept);
        ctx.timerService().registerEventTimeTimer(into.lastMs + gapMs - 1);
    }

    /** Flink's {@code TimeWindow.intersects}, inclusive at both ends: a session and {@code [start, end)} touch or overlap. */
    private boolean touches(SessionAccumulator s, long start, long end) {
        return s.firstMs <= end && s.lastMs + gapMs >= start;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SessionSummary> out) throws Exception {
        List<SessionAccumulator> sessions = open.value();
        if (sessions == null) {
            return;
        }
        List<SessionAccumulator> left = new ArrayList<>(sessions.size());
        for (SessionAccumulator s : sessions) {
            if (s.lastMs + gapMs - 1 == timestamp) {
                out.collect(s.summary(ctx.getCurrentKey(), recentLimit));
            } else {
                left.add(s);
            }
        }
        if (left.isEmpty()) {
            open.clear();
        } else {
            open.update(left);
        }
    }
}
