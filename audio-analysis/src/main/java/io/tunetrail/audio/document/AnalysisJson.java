package io.tunetrail.audio.document;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The JSON form of the analyser's records: snake_case, and numbers that strict parsers accept. */
public final class AnalysisJson {
    /** Plain settings: the records themselves guarantee finite numbers (see {@code Finite}). */
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private AnalysisJson() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("analysis records always serialise: " + e.getMessage(), e);
        }
    }
}
