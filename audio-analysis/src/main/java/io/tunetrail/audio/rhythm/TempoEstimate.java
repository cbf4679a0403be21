package io.tunetrail.audio.rhythm;

/**
 * A global tempo.
 *
 * @param bpm         beats per minute
 * @param confidence  0..1: how far the winning autocorrelation peak stands above the average periodicity of the signal
 *                    (0 for silence and noise, near 1 for a click track)
 * @param periodFrames the beat period in onset frames (fractional)
 */
public record TempoEstimate(double bpm, double confidence, double periodFrames) {}
