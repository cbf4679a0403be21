package io.tunetrail.audio.document;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The whole-track part of the analysis document, Spotify's {@code track} object.
 *
 * @param duration           seconds
 * @param loudness           integrated loudness (ITU-R BS.1770, gated), LUFS ≈ dB; −60 for silence
 * @param endOfFadeIn        seconds until the level first comes within 20 dB of the track's loud level
 * @param startOfFadeOut     seconds after which the level stays more than 20 dB under the loud level
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TrackSummary(int numSamples, int analysisSampleRate, double duration, double loudness,
        double endOfFadeIn, double startOfFadeOut, double tempo, double tempoConfidence, int timeSignature,
        double timeSignatureConfidence, int key, double keyConfidence, int mode, double modeConfidence) {
    public TrackSummary {
        duration = Finite.of(duration);
        loudness = Finite.of(loudness);
        endOfFadeIn = Finite.of(endOfFadeIn);
        startOfFadeOut = Finite.of(startOfFadeOut);
        tempo = Finite.of(tempo);
        tempoConfidence = Finite.of(tempoConfidence);
        timeSignatureConfidence = Finite.of(timeSignatureConfidence);
        keyConfidence = Finite.of(keyConfidence);
        modeConfidence = Finite.of(modeConfidence);
    }
}
