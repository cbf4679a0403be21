package io.tunetrail.audio.document;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Spotify's audio-features object, computed from the audio. The 0..1 perceptual values are defined in
 * {@code io.tunetrail.audio.perceptual.PerceptualModel}; key, mode, tempo, time signature and loudness are the
 * analysis document's track values.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AudioFeatures(double danceability, double energy, int key, double loudness, int mode,
        double speechiness, double acousticness, double instrumentalness, double liveness, double valence,
        double tempo, int timeSignature, long durationMs) {
    public AudioFeatures {
        danceability = Finite.of(danceability);
        energy = Finite.of(energy);
        loudness = Finite.of(loudness);
        speechiness = Finite.of(speechiness);
        acousticness = Finite.of(acousticness);
        instrumentalness = Finite.of(instrumentalness);
        liveness = Finite.of(liveness);
        valence = Finite.of(valence);
        tempo = Finite.of(tempo);
    }
}
