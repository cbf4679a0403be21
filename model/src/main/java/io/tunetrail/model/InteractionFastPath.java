package io.tunetrail.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Decodes the common, well-formed interaction event straight from its bytes into the record: one pass over Jackson's
 * token stream, the schema's rules ({@code schemas/interaction.schema.json}) checked field by field as they arrive, no
 * tree, no regex. It only ever vouches for an event it has checked completely: anything unusual (a float where an
 * integer goes, a duplicate field, a null, an unknown field, a timestamp in a rarer RFC 3339 form, trailing bytes, an
 * invalid value) returns {@code null}, and {@link EventCodec} decides by the schema validator as before, which also
 * words the rejection. So validation is exactly as strict as the schema's; {@code EventCodecTest} checks the two paths
 * agree on a large set of mutated events. The rules below must change with the schema file.
 */
final class InteractionFastPath {
    private static final int MAX_ID_LENGTH = 128;
    private static final long MAX_MS = 86_400_000L;
    private static final long MAX_COUNT = 1_000_000L;

    // One bit per field, to see duplicates and the required set.
    private static final int ORG = 1;
    private static final int USER = 1 << 1;
    private static final int TRACK = 1 << 2;
    private static final int TYPE = 1 << 3;
    private static final int PLAYED = 1 << 4;
    private static final int DURATION = 1 << 5;
    private static final int TIME = 1 << 6;
    private static final int CONTEXT = 1 << 7;
    private static final int CLIENT_ID = 1 << 8;
    private static final int COUNT = 1 << 9;
    private static final int REQUIRED = ORG | USER | TRACK | TYPE | TIME | CLIENT_ID;

    private final JsonFactory factory;

    InteractionFastPath(JsonFactory factory) {
        this.factory = factory;
    }

    /** The event, or {@code null} when this path cannot vouch for it (then the schema validator decides). */
    InteractionEvent tryDecode(byte[] bytes) {
        try (JsonParser p = factory.createParser(bytes)) {
            return read(p);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static InteractionEvent read(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        int seen = 0;
        String org = null;
        String user = null;
        String track = null;
        EventType type = null;
        long played = 0;
        long duration = 0;
        Instant time = null;
        InteractionContext context = null;
        String clientId = null;
        int count = 0;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            // A value that does not pass ends this path at once: the validator then words why.
            int bit;
            switch (name) {
                case "org_id" -> {
                    bit = ORG;
                    org = id(p, value);
                    if (org == null) {
                        return null;
                    }
                }
                case "user_id" -> {
                    bit = USER;
                    user = id(p, value);
                    if (user == null) {
                        return null;
                    }
                }
                case "track_id" -> {
                    bit = TRACK;
                    track = id(p, value);
                    if (track == null) {
                        return null;
                    }
                }
                case "client_event_id" -> {
                    bit = CLIENT_ID;
                    clientId = id(p, value);
                    if (clientId == null) {
                        return null;
                    }
                }
                case "event_type" -> {
                    bit = TYPE;
                    type = value == JsonToken.VALUE_STRING ? EventType.byWireName(p.getText()) : null;
                    if (type == null) {
                        return null;
                    }
                }
                case "played_ms" -> {
                    bit = PLAYED;
                    played = integer(p, value, 0, MAX_MS);
                    if (played < 0) {
                        return null;
                    }
                }
                case "track_duration_ms" -> {
                    bit = DURATION;
                    duration = integer(p, value, 0, MAX_MS);
                    if (duration < 0) {
                        return null;
                    }
                }
                case "count" -> {
                    bit = COUNT;
                    long c = integer(p, value, 1, MAX_COUNT);
                    if (c < 0) {
                        return null;
                    }
                    count = (int) c;
                }
                case "event_time" -> {
                    bit = TIME;
                    time = value == JsonToken.VALUE_STRING ? dateTime(p.getText()) : null;
                    if (time == null) {
                        return null;
                    }
                }
                case "context" -> {
                    bit = CONTEXT;
                    context = value == JsonToken.START_OBJECT ? context(p) : null;
                    if (context == null) {
                        return null;
                    }
                }
                default -> {
                    return null;
                }
            }
            if ((seen & bit) != 0) {
                return null;
            }
            seen |= bit;
        }
        if (t != JsonToken.END_OBJECT || (seen & REQUIRED) != REQUIRED || p.nextToken() != null) {
            return null;
        }
        return new InteractionEvent(org, user, track, type, played, duration, time, context, clientId, count);
    }

    /** The schema's id: a string of 1..128 characters matching {@code ^[A-Za-z0-9][A-Za-z0-9._:@/-]*$}. */
    private static String id(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            return null;
        }
        String s = p.getText();
        int n = s.length();
        if (n == 0 || n > MAX_ID_LENGTH || !alphanumeric(s.charAt(0))) {
            return null;
        }
        for (int i = 1; i < n; i++) {
            char c = s.charAt(i);
            if (!alphanumeric(c) && c != '.' && c != '_' && c != ':' && c != '@' && c != '/' && c != '-') {
                return null;
            }
        }
        return s;
    }

    private static boolean alphanumeric(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    /** A JSON integer token (never a float, even 1.0) in [min, max]; -1 otherwise. */
    private static long integer(JsonParser p, JsonToken value, long min, long max) throws IOException {
        if (value != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            return -1;
        }
        long v = p.getLongValue();
        return v < min || v > max ? -1 : v;
    }

    private static InteractionContext context(JsonParser p) throws IOException {
        Device device = null;
        Activity activity = null;
        boolean sawDevice = false;
        boolean sawActivity = false;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (value != JsonToken.VALUE_STRING) {
                return null;
            }
            String s = p.getText();
            if (name.equals("device") && !sawDevice) {
                sawDevice = true;
                device = Device.byWireName(s);
                if (device == null) {
                    return null;
                }
            } else if (name.equals("activity") && !sawActivity) {
                sawActivity = true;
                activity = Activity.byWireName(s);
                if (activity == null) {
                    return null;
                }
            } else {
                return null;
            }
        }
        return t == JsonToken.END_OBJECT ? new InteractionContext(device, activity) : null;
    }

    /**
     * The common RFC 3339 form only: {@code yyyy-MM-ddTHH:mm:ss[.fraction](Z|+hh:mm|-hh:mm)} with an upper-case T and Z
     * and seconds below 60. Other forms the validator may admit (lower-case letters, leap seconds) take the slow path.
     */
    static Instant dateTime(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':' || s.charAt(16) != ':'
                || !digits(s, 0, 4) || !digits(s, 5, 7) || !digits(s, 8, 10) || !digits(s, 11, 13) || !digits(s, 14, 16) || !digits(s, 17, 19)
                || s.charAt(17) > '5') {
            return null;
        }
        int i = 19;
        if (s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
            }
            if (i == start || i - start > 9) {
                return null;
            }
        }
        boolean zulu = i == n - 1 && s.charAt(i) == 'Z';
        boolean offset = i == n - 6 && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':'
                && digits(s, i + 1, i + 3) && digits(s, i + 4, i + 6);
        // -00:00 (RFC 3339's "offset unknown") is refused by the validator: left to it.
        if (!zulu && !offset || offset && s.startsWith("-00:00", i)) {
            return null;
        }
        // The fields are checked digits by now: read them directly rather than through a DateTimeFormatter, which
        // was the largest cost of this path. LocalDateTime.of and ZoneOffset refuse what is out of range.
        int nanos = 0;
        if (s.charAt(19) == '.') {
            int fractionEnd = zulu ? n - 1 : n - 6;
            nanos = number(s, 20, fractionEnd);
            for (int k = fractionEnd - 20; k < 9; k++) {
                nanos *= 10;
            }
        }
        try {
            LocalDateTime local = LocalDateTime.of(number(s, 0, 4), number(s, 5, 7), number(s, 8, 10), number(s, 11, 13),
                    number(s, 14, 16), number(s, 17, 19), nanos);
            ZoneOffset zone = ZoneOffset.UTC;
            if (offset) {
                int sign = s.charAt(i) == '-' ? -1 : 1;
                zone = ZoneOffset.ofHoursMinutes(sign * number(s, i + 1, i + 3), sign * number(s, i + 4, i + 6));
            }
            return Instant.ofEpochSecond(local.toEpochSecond(zone), nanos);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** The decimal value of s[from, to), which holds digits only (checked by the caller). */
    private static int number(String s, int from, int to) {
        int v = 0;
        for (int k = from; k < to; k++) {
            v = v * 10 + (s.charAt(k) - '0');
        }
        return v;
    }

    private static boolean digits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
