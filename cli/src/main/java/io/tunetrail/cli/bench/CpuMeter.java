package io.tunetrail.cli.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time spent by a fixed set of processes (this JVM and the local stack's servers) between two samples.
 *
 * <p>On a shared machine throughput swings by a third from one run to the next with what the neighbours do, while the
 * CPU a request costs barely moves: CPU time is charged only while a process runs, not while it waits for a core. So
 * the benchmark reports both, and the cost per request is the figure to compare changes by.
 */
final class CpuMeter {
    private final Map<String, ProcessHandle> processes;

    /** {@code processes}: a name (shown in the report) per process to measure, in report order. */
    CpuMeter(Map<String, ProcessHandle> processes) {
        this.processes = processes;
    }

    /** CPU nanoseconds used so far, per process (absent when the OS does not tell: another user's process). */
    Map<String, Long> sample() {
        Map<String, Long> out = new LinkedHashMap<>();
        processes.forEach((name, p) -> p.info().totalCpuDuration().map(Duration::toNanos).ifPresent(ns -> out.put(name, ns)));
        return out;
    }

    /** Microseconds of CPU per request between two samples, per process, plus their sum under {@code "total"}. */
    static Map<String, Double> perRequest(Map<String, Long> before, Map<String, Long> after, long requests) {
        Map<String, Double> out = new LinkedHashMap<>();
        double total = 0;
        for (Map.Entry<String, Long> e : after.entrySet()) {
            Long start = before.get(e.getKey());
            if (start != null) {
                double micros = (e.getValue() - start) / 1e3 / Math.max(1, requests);
                out.put(e.getKey(), micros);
                total += micros;
            }
        }
        out.put("total", total);
        return out;
    }
}
