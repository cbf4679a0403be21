package io.tunetrail.audio.rhythm;

import java.util.List;

/**
 * The rhythmic grid of a recording, times in seconds.
 *
 * @param tempo                   BPM: the least-squares slope of the tracked beats when they are regular, else the
 *                                tempogram's estimate
 * @param tempoConfidence         0..1 (see {@link TempoEstimate#confidence()})
 * @param timeSignature           beats per bar, 3..7
 * @param timeSignatureConfidence 0..1: how clearly one beat in {@code timeSignature} is accented over the others
 * @param beats                   beat onsets
 * @param bars                    bar onsets (every {@code timeSignature}-th beat from the accented phase)
 * @param tatums                  the beat grid halved (Spotify's tatums are mostly two per beat)
 */
public record Rhythm(double tempo, double tempoConfidence, int timeSignature, double timeSignatureConfidence,
        List<Pulse> beats, List<Pulse> bars, List<Pulse> tatums) {
    /** One event of a grid: start and duration in seconds, confidence 0..1. */
    public record Pulse(double start, double duration, double confidence) {}
}
