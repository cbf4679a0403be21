package io.tunetrail.ingestion.synthetic;

import io.tunetrail.model.AudioFeatures;
import io.tunetrail.model.Catalog;
import io.tunetrail.model.EventType;
import io.tunetrail.model.InteractionEvent;
import io.tunetrail.model.Track;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One generated sample (catalog, ground truth, all events) with lookups; cached per scale so test classes share it. */
final class GeneratedData {
    static final Instant END = Instant.parse("2025-06-02T00:00:00Z");

    private static final Map<Double, GeneratedData> CACHE = new ConcurrentHashMap<>();

    final GeneratorSettings settings;
    final Catalog catalog;
    final GroundTruth truth;
    final List<InteractionEvent> events;
    private final Map<String, Track> tracks = new HashMap<>();
    private final Map<String, AudioFeatures> features = new HashMap<>();

    private GeneratedData(GeneratorSettings settings) {
        this.settings = settings;
        SyntheticGenerator generator = new SyntheticGenerator(settings);
        this.catalog = generator.catalog();
        this.truth = generator.groundTruth();
        List<InteractionEvent> all = new ArrayList<>();
        generator.interactions(all::add);
        this.events = Collections.unmodifiableList(all);
        catalog.tracks().forEach(t -> tracks.put(t.orgId() + "/" + t.trackId(), t));
        catalog.audioFeatures().forEach(f -> features.put(f.orgId() + "/" + f.trackId(), f));
    }

    static GeneratedData atScale(double scale) {
        return CACHE.computeIfAbsent(scale, s -> new GeneratedData(GeneratorSettings.defaults(END).withScale(s)));
    }

    Track track(InteractionEvent e) {
        return tracks.get(e.orgId() + "/" + e.trackId());
    }

    AudioFeatures features(InteractionEvent e) {
        return features.get(e.orgId() + "/" + e.trackId());
    }

    /** The track's top-level genre (the first of its genre ids). */
    String genre(InteractionEvent e) {
        return track(e).genreIds().get(0);
    }

    static boolean isPlay(InteractionEvent e) {
        return e.eventType() == EventType.PLAY || e.eventType() == EventType.SKIP || e.eventType() == EventType.COMPLETE;
    }

    static String userKey(InteractionEvent e) {
        return e.orgId() + "/" + e.userId();
    }
}
