package io.tunetrail.audio.rhythm;

/**
 * A global tempo.
 *
 * @param bpm         beats per minute
 * @param confidence  0..1: the autocorrelation at the beat period of the onset envelope with its local mean removed
 *                    (near 1 for a click track, 0.2–0.5 for most music, near 0 for noise), times whether there are
 *                    attacks at all (0 for silence and steady tones)
 * @param periodFrames the beat period in onset frames (fractional)
 */
public record TempoEstimate(double bpm, double confidence, double periodFrames) {}
