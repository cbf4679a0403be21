package io.tunetrail.audio;

import io.tunetrail.audio.document.AnalysisDocument;
import io.tunetrail.audio.document.AudioFeatures;
import io.tunetrail.audio.embedding.SignalEmbedding;

/**
 * What the analyser returns for one file: Spotify's audio features, the full analysis document and the signal
 * embedding, all computed by analyser {@code analyserVersion} (stored beside results so that a newer analyser knows
 * what to recompute).
 */
public record AudioAnalysis(String analyserVersion, AudioFeatures features, AnalysisDocument document,
        SignalEmbedding embedding) {}
