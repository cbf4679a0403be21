package io.tunetrail.audio.document;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A large-scale part of the track (verse, chorus, bridge…), bounded by novelty peaks on the self-similarity matrix.
 * Loudness is the section's mean frame level in dB; tempo comes from the beats inside it; key from its chroma.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Section(double start, double duration, double confidence, double loudness, double tempo,
        double tempoConfidence, int key, double keyConfidence, int mode, double modeConfidence, int timeSignature,
        double timeSignatureConfidence) {
    public Section {
        start = Finite.of(start);
        duration = Finite.of(duration);
        confidence = Finite.of(confidence);
        loudness = Finite.of(loudness);
        tempo = Finite.of(tempo);
        tempoConfidence = Finite.of(tempoConfidence);
        keyConfidence = Finite.of(keyConfidence);
        modeConfidence = Finite.of(modeConfidence);
        timeSignatureConfidence = Finite.of(timeSignatureConfidence);
    }
}
