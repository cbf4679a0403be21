package io.tunetrail.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Encodes events to their JSON wire form and decodes bytes back, validating against the schema in {@code schemas/}.
 *
 * <p>Decoding never throws for bad input: it returns {@link Decoded#rejected} with a reason that names the field, so
 * every caller can route the original bytes to the dead-letter topic. Instances are thread-safe; they are not
 * serialisable, so a Flink operator creates its own in {@code open()}.
 */
public final class EventCodec<T> {
    private static final ObjectMapper MAPPER = newMapper();
    private static final int MAX_REPORTED_ERRORS = 3;

    private final Class<T> type;
    private final JsonSchema schema;
    private final Function<byte[], T> fastPath;

    private EventCodec(Class<T> type, String schemaFile, Function<byte[], T> fastPath) {
        this.type = type;
        this.schema = loadSchema(schemaFile);
        this.fastPath = fastPath;
    }

    public static EventCodec<InteractionEvent> interactions() {
        return new EventCodec<>(InteractionEvent.class, "interaction.schema.json", new InteractionFastPath(MAPPER.getFactory())::tryDecode);
    }

    /** Interactions by the schema validator alone, never the fast path: the reference the fast path is tested against. */
    static EventCodec<InteractionEvent> interactionsByValidatorOnly() {
        return new EventCodec<>(InteractionEvent.class, "interaction.schema.json", bytes -> null);
    }

    public static EventCodec<UsageEvent> usage() {
        return new EventCodec<>(UsageEvent.class, "usage.schema.json", bytes -> null);
    }

    /** The Jackson mapper for our wire format (snake_case, ISO 8601 instants); shared, do not reconfigure. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public byte[] encode(T event) {
        try {
            return MAPPER.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    public Decoded<T> decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return Decoded.rejected(RejectReason.MALFORMED_JSON, "empty record");
        }
        // Most records are well-formed: decoded in one pass without a tree. Whatever that pass cannot vouch for goes
        // through the schema validator below, which also words every rejection.
        T fast = fastPath.apply(bytes);
        if (fast != null) {
            return Decoded.accepted(fast);
        }
        JsonNode tree;
        try {
            tree = MAPPER.readTree(bytes);
        } catch (IOException e) {
            return Decoded.rejected(RejectReason.MALFORMED_JSON, "not valid JSON: " + firstLine(e.getMessage()));
        }
        if (tree == null || !tree.isObject()) {
            return Decoded.rejected(RejectReason.MALFORMED_JSON, "expected a JSON object");
        }
        return decode(tree);
    }

    /** Validates an already parsed JSON object (the API parses request bodies itself). */
    public Decoded<T> decode(JsonNode tree) {
        Set<ValidationMessage> errors = schema.validate(tree);
        if (!errors.isEmpty()) {
            String reason = errors.stream()
                    .limit(MAX_REPORTED_ERRORS)
                    .map(ValidationMessage::getMessage)
                    .sorted()
                    .collect(Collectors.joining("; "));
            if (errors.size() > MAX_REPORTED_ERRORS) {
                reason += "; and " + (errors.size() - MAX_REPORTED_ERRORS) + " more";
            }
            return Decoded.rejected(RejectReason.SCHEMA_VIOLATION, reason);
        }
        try {
            return Decoded.accepted(MAPPER.treeToValue(tree, type));
        } catch (JsonProcessingException e) {
            // The schema admits it but Java cannot hold it (e.g. an instant out of range): still the sender's fault.
            return Decoded.rejected(RejectReason.SCHEMA_VIOLATION, firstLine(e.getOriginalMessage()));
        }
    }

    private static JsonSchema loadSchema(String file) {
        String resource = "tunetrail/schemas/" + file;
        try (InputStream in = EventCodec.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema " + resource + " is missing from the classpath; rebuild tunetrail-model");
            }
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema " + resource, e);
        }
    }

    private static ObjectMapper newMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable input";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
