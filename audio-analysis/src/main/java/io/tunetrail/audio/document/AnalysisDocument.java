package io.tunetrail.audio.document;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** The audio-analysis document, shaped like Spotify's: track, bars, beats, tatums, sections and segments. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AnalysisDocument(String analyserVersion, TrackSummary track, List<TimeInterval> bars,
        List<TimeInterval> beats, List<TimeInterval> tatums, List<Section> sections, List<Segment> segments) {
    public AnalysisDocument {
        bars = List.copyOf(bars);
        beats = List.copyOf(beats);
        tatums = List.copyOf(tatums);
        sections = List.copyOf(sections);
        segments = List.copyOf(segments);
    }
}
