package io.tunetrail.audio.document;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A short sound of roughly uniform timbre and harmony, from one detected onset to the next. Loudness values are frame
 * levels in dB (full scale); {@code loudnessMaxTime} is the offset of the loudest frame within the segment;
 * {@code pitches} is the mean chroma (C first) scaled so its largest class is 1; {@code timbre} is the mean of MFCCs
 * 0–11 (the first tracks overall level, the second brightness, then finer spectral shape).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Segment(double start, double duration, double confidence, double loudnessStart, double loudnessMax,
        double loudnessMaxTime, double loudnessEnd, double[] pitches, double[] timbre) {
    public Segment {
        start = Finite.of(start);
        duration = Finite.of(duration);
        confidence = Finite.of(confidence);
        loudnessStart = Finite.of(loudnessStart);
        loudnessMax = Finite.of(loudnessMax);
        loudnessMaxTime = Finite.of(loudnessMaxTime);
        loudnessEnd = Finite.of(loudnessEnd);
        pitches = Finite.of(pitches);
        timbre = Finite.of(timbre);
    }
}
