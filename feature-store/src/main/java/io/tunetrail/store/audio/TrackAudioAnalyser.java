package io.tunetrail.store.audio;

import io.tunetrail.audio.AudioAnalyser;
import io.tunetrail.audio.AudioAnalysis;
import io.tunetrail.audio.AudioInputException;
import io.tunetrail.audio.AudioLimits;
import io.tunetrail.audio.document.AnalysisJson;
import io.tunetrail.audio.document.AudioFeatures;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Analyses one catalog track's audio into what {@link AudioAnalysisWriter} stores: the one place where the CLI's
 * {@code analyze --dir} and the nightly audio-analysis job turn bytes into an analysis row, so both store the same
 * thing. A file the analyser refuses is an {@link Outcome} with a reason, not an exception: batch callers count and
 * report refusals and carry on.
 */
public final class TrackAudioAnalyser {
    /**
     * The analysis ({@code analysis}, {@code features} set), or why there is none ({@code refusal}: the analyser's
     * reason in lower case, e.g. {@code undecodable}, and its {@code message}).
     */
    public record Outcome(AudioAnalysisWriter.TrackAnalysis analysis, AudioFeatures features, String refusal, String message) {
        public boolean analysed() {
            return analysis != null;
        }
    }

    private final AudioAnalyser analyser;
    private final AudioLimits limits;

    public TrackAudioAnalyser(AudioAnalyser analyser, AudioLimits limits) {
        this.analyser = analyser;
        this.limits = limits;
    }

    /** The analyser's version, as stored in {@code audio_analyses.analyser_version}. */
    public static String version() {
        return AudioAnalyser.VERSION;
    }

    public Outcome analyse(String orgId, String trackId, String objectKey, byte[] audio) {
        String sha = sha256(audio);
        AudioAnalysis a;
        try {
            a = analyser.analyse(audio, limits);
        } catch (AudioInputException e) {
            return new Outcome(null, null, e.reason().name().toLowerCase(Locale.ROOT), e.getMessage());
        }
        AudioAnalysisWriter.TrackAnalysis row = new AudioAnalysisWriter.TrackAnalysis(orgId, AudioAnalysisWriter.newAnalysisId(), trackId,
                a.analyserVersion(), AnalysisJson.write(a.features()), AnalysisJson.write(a.document()), a.features().durationMs(),
                objectKey, sha, a.embedding().vector(), a.embedding().model());
        return new Outcome(row, a.features(), null, null);
    }

    /** Hex SHA-256 of the bytes, as {@code track_audio.sha256} and {@code audio_analyses.sha256} hold it. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
