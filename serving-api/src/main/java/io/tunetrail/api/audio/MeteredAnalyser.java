package io.tunetrail.api.audio;

import io.tunetrail.audio.AudioAnalysis;
import io.tunetrail.audio.AudioInputException;
import io.tunetrail.store.costs.CostMeter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's analyser with its cost meter: each analysis (an upload, a track's stored audio, a search clip, a batch
 * file) records the CPU time of the thread that ran it ({@link ThreadMXBean#getCurrentThreadCpuTime}: decoding and
 * every feature, on one pool thread) for its org in {@code usage_costs} as kind {@code audio_analysis}, priced by
 * {@code config/costs.yaml}, whether the audio was analysed or refused (the CPU was spent either way; the row's
 * {@code details.outcome} says which). A cost that cannot be recorded is logged and never fails the analysis.
 */
public final class MeteredAnalyser {
    private static final Logger LOG = LoggerFactory.getLogger(MeteredAnalyser.class);
    static final String KIND = "audio_analysis";

    private final AudioSettings settings;
    private final CostMeter costs;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    public MeteredAnalyser(AudioSettings settings, CostMeter costs) {
        this.settings = settings;
        this.costs = costs;
    }

    /**
     * Analyses {@code audio} on this thread with the configured analyser and limits, and records its CPU time for
     * {@code orgId} under {@code jobId} (an analysis id, or a batch's id and file position), {@code source} naming the
     * route that asked.
     */
    public AudioAnalysis analyse(String orgId, String jobId, String source, byte[] audio) throws AudioInputException {
        long start = cpuNanos();
        String outcome = "failed";
        try {
            AudioAnalysis a = settings.analyser().analyse(audio, settings.limits());
            outcome = "analysed";
            return a;
        } catch (AudioInputException e) {
            outcome = "refused";
            throw e;
        } finally {
            record(orgId, jobId, source, outcome, audio.length, start);
        }
    }

    private void record(String orgId, String jobId, String source, String outcome, int bytes, long startNanos) {
        long end = cpuNanos();
        if (startNanos < 0 || end < 0) {
            return; // this JVM cannot measure thread CPU time: nothing measured is nothing to record
        }
        try {
            costs.record(new CostMeter.Run(orgId, KIND, jobId, 1, 0, (end - startNanos) / 1e9,
                    Map.of("source", source, "outcome", outcome, "audio_bytes", bytes, "measured", "analysis thread CPU time")));
        } catch (RuntimeException e) {
            LOG.warn("the CPU time of audio analysis {} of org {} was not recorded: {}", jobId, orgId, e.toString());
        }
    }

    private long cpuNanos() {
        return threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : -1;
    }
}
