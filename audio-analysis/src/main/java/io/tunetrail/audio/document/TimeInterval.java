package io.tunetrail.audio.document;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** A bar, beat or tatum: start and duration in seconds, confidence 0..1. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TimeInterval(double start, double duration, double confidence) {
    public TimeInterval {
        start = Finite.of(start);
        duration = Finite.of(duration);
        confidence = Finite.of(confidence);
    }
}
