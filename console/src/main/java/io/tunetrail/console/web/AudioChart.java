package io.tunetrail.console.web;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An analysis drawn as SVG shapes ({@link Views.Svg}) on the server: the sections as bands, the waveform as each
 * segment's peak loudness (dB, floor -60) mirrored around the middle, the beats as ticks along the top.
 */
final class AudioChart {
    static final int WIDTH = 900;
    static final int HEIGHT = 180;
    private static final int TICKS = 10;
    private static final double FLOOR_DB = -60;
    private static final String[] SECTION_FILLS = {"#ebf4ff", "#f0fff4"};

    private AudioChart() {}

    static Views.Svg of(JsonNode doc) {
        double duration = doc.path("track").path("duration").asDouble(0);
        for (JsonNode s : AudioController.items(doc, "segments")) {
            duration = Math.max(duration, s.path("start").asDouble() + s.path("duration").asDouble());
        }
        if (duration <= 0) {
            return null;
        }
        double scale = WIDTH / duration;
        List<Views.SvgRect> rects = new ArrayList<>();
        List<Views.SvgLine> lines = new ArrayList<>();
        int k = 0;
        for (JsonNode s : AudioController.items(doc, "sections")) {
            double start = s.path("start").asDouble();
            double length = s.path("duration").asDouble();
            k++;
            rects.add(new Views.SvgRect(round(start * scale), TICKS, round(Math.max(1, length * scale)), HEIGHT - TICKS, SECTION_FILLS[k % 2],
                    String.format(Locale.ROOT, "section %d: %.1f–%.1f s, %.0f BPM, key %d, %.1f dB", k, start, start + length,
                            s.path("tempo").asDouble(), s.path("key").asInt(), s.path("loudness").asDouble())));
        }
        double middle = TICKS + (HEIGHT - TICKS) / 2.0;
        double half = (HEIGHT - TICKS) / 2.0 - 2;
        for (JsonNode s : AudioController.items(doc, "segments")) {
            double loudness = s.path("loudness_max").asDouble(FLOOR_DB);
            double h = Math.max(1, half * (Math.max(FLOOR_DB, Math.min(0, loudness)) - FLOOR_DB) / -FLOOR_DB);
            double start = s.path("start").asDouble();
            rects.add(new Views.SvgRect(round(start * scale), round(middle - h), round(Math.max(1, s.path("duration").asDouble() * scale - 0.5)),
                    round(2 * h), "#4a5568", String.format(Locale.ROOT, "segment at %.2f s: peak %.1f dB", start, loudness)));
        }
        for (JsonNode b : AudioController.items(doc, "beats")) {
            double x = round(b.path("start").asDouble() * scale);
            lines.add(new Views.SvgLine(x, 0, x, TICKS - 2, "#c53030"));
        }
        return new Views.Svg("audio-waveform", WIDTH, HEIGHT, String.format(Locale.ROOT, "Waveform of %.1f s with %d beats and %d sections",
                duration, AudioController.items(doc, "beats").size(), k), rects, lines, List.of());
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
