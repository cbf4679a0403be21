package io.tunetrail.api.probe;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * What the {@link CrossOrgProbe} knows about each kind of object a route's path can name: how to create one in the
 * victim org through the API, where the victim reads it back (to see that nothing changed), and a valid request body
 * for each request schema a route with a path parameter takes (so a refusal is the lookup's 404, not a 400 from
 * validating the body first).
 *
 * <p>A route whose path parameter has no kind here, or whose body schema has no sample, makes the probe fail with a
 * message naming it: a new route is covered the day it is added, or the suite says what to add here.
 */
final class ProbeObjects {

    /**
     * One kind of object: the path parameter naming it, how to create one (given the ids made so far; kinds are made in
     * declaration order, so a kind may use an earlier one's id), and the victim's read of it ({@code {param}} filled in).
     * {@code callerNamed}: the caller picks the name within their own org (a PUT creates the caller's own object of
     * that name), so a 2xx of PUT is no leak as long as the victim's object is unchanged.
     */
    record Kind(String param, BiFunction<ProbeHttp, Map<String, String>, String> create, String readPath, boolean callerNamed) {}

    static final List<Kind> KINDS = List.of(
            new Kind("team_id", (http, ids) -> http.create("POST", "/api/v1/teams", "{\"name\":\"probe team " + http.nonce() + "\"}")
                    .path("team_id").asText(), "/api/v1/teams/{team_id}", false),
            new Kind("member_id", (http, ids) -> http.create("POST", "/api/v1/teams/" + ids.get("team_id") + "/members",
                    "{\"email\":\"probe-" + http.nonce() + "@probe.example\",\"role\":\"member\"}").path("member_id").asText(),
                    "/api/v1/teams/{team_id}/members", false),
            new Kind("key_id", (http, ids) -> http.create("POST", "/api/v1/api-keys", "{\"name\":\"probe key\",\"scopes\":[\"read\"]}")
                    .path("key").path("key_id").asText(), "/api/v1/api-keys/{key_id}", false),
            new Kind("genre_id", (http, ids) -> http.create("POST", "/api/v1/genres",
                    "{\"genre_id\":\"probe-genre-" + http.nonce() + "\",\"name\":\"Probe genre\"}").path("genre_id").asText(),
                    "/api/v1/genres/{genre_id}", false),
            new Kind("artist_id", (http, ids) -> http.create("POST", "/api/v1/artists",
                    "{\"artist_id\":\"probe-artist-" + http.nonce() + "\",\"name\":\"Probe artist\"}").path("artist_id").asText(),
                    "/api/v1/artists/{artist_id}", false),
            new Kind("track_id", (http, ids) -> http.create("POST", "/api/v1/tracks", "{\"track_id\":\"probe-track-" + http.nonce() + "\",\"title\":\"Probe track\",\"artist_id\":\""
                    + ids.get("artist_id") + "\",\"genre_ids\":[\"" + ids.get("genre_id") + "\"]}").path("track_id").asText(),
                    "/api/v1/tracks/{track_id}", false),
            new Kind("analysis_id", (http, ids) -> http.upload("/api/v1/audio/analyze?track_id=" + ids.get("track_id"), toneWav(), "audio/wav")
                    .path("analysis_id").asText(), "/api/v1/audio/analyses/{analysis_id}", false),
            new Kind("job_id", ProbeObjects::audioJob, "/api/v1/audio/jobs/{job_id}", false),
            new Kind("request_id", (http, ids) -> http.create("POST", "/api/v1/models/train", "{\"algorithm\":\"als\"}").path("request_id").asText(),
                    "/api/v1/models/train/{request_id}", false),
            new Kind("webhook_id", (http, ids) -> http.create("POST", "/api/v1/webhooks",
                    "{\"url\":\"" + CrossOrgProbe.WEBHOOK_URL + "\",\"events\":[\"plan.changed\",\"webhook.test\"]}").path("webhook").path("webhook_id").asText(),
                    "/api/v1/webhooks", false),
            new Kind("delivery_id", ProbeObjects::delivery, "/api/v1/webhooks/{webhook_id}/deliveries", false),
            new Kind("experiment_id", (http, ids) -> http.create("POST", "/api/v1/experiments", "{\"name\":\"probe\",\"arms\":["
                    + "{\"name\":\"a\",\"model_version\":\"probe-a\"},{\"name\":\"b\",\"model_version\":\"probe-b\"}]}").path("experiment_id").asText(),
                    "/api/v1/experiments/{experiment_id}", false),
            new Kind("alert_id", ProbeObjects::alert, "/api/v1/alerts", false),
            new Kind("flag_key", (http, ids) -> {
                String key = "probe-flag-" + http.nonce();
                http.create("PUT", "/api/v1/feature-flags/" + key, "{\"description\":\"probe\",\"enabled\":true,\"rollout_percent\":50}");
                return key;
            }, "/api/v1/feature-flags", true));

    /** Valid bodies of the request schemas that routes with a path parameter take, by schema name. */
    static final Map<String, String> SAMPLE_BODIES = Map.of(
            "TrackRequest", "{\"title\":\"Replaced by the probe\"}",
            "AddMemberRequest", "{\"email\":\"intruder@probe.example\",\"role\":\"member\"}",
            "FlagRequest", "{\"description\":\"the probe's\",\"enabled\":false}",
            "ChangeRoleRequest", "{\"role\":\"admin\"}",
            "RenameTeamRequest", "{\"name\":\"Renamed by the probe\"}");

    /** Values for query parameters a route needs before it looks anything up. */
    static final Map<String, String> SAMPLE_QUERY = Map.of("user_id", "probe-user", "limit", "5", "days", "7");

    private ProbeObjects() {}

    static Kind kind(String param) {
        return KINDS.stream().filter(k -> k.param().equals(param)).findFirst().orElse(null);
    }

    /** Creates one object of every kind in the victim's org; returns the ids by path parameter. */
    static Map<String, String> createAll(ProbeHttp victim) {
        Map<String, String> ids = new LinkedHashMap<>();
        for (Kind k : KINDS) {
            String id = k.create().apply(victim, ids);
            if (id == null || id.isEmpty()) {
                throw new IllegalStateException("the probe could not create a " + k.param() + " in the victim org");
            }
            ids.put(k.param(), id);
        }
        return ids;
    }

    /** The victim's view of each of its objects, to compare before and after the attempts. */
    static Map<String, JsonNode> snapshot(ProbeHttp victim, Map<String, String> ids) {
        Map<String, JsonNode> views = new LinkedHashMap<>();
        for (Kind k : KINDS) {
            views.put(k.param(), victim.read(fill(k.readPath(), ids)));
        }
        return views;
    }

    static String fill(String path, Map<String, String> ids) {
        String out = path;
        for (Map.Entry<String, String> e : ids.entrySet()) {
            out = out.replace("{" + e.getKey() + "}", e.getValue());
        }
        return out;
    }

    /** A delivery of the victim: the webhook's test event, queued. */
    private static String delivery(ProbeHttp http, Map<String, String> ids) {
        String webhook = ids.get("webhook_id");
        http.create("POST", "/api/v1/webhooks/" + webhook + "/test", "{}");
        return http.read("/api/v1/webhooks/" + webhook + "/deliveries").path("deliveries").path(0).path("delivery_id").asText();
    }

    /**
     * An alert of the victim, made the way alerts happen: training requests until the month's model_training quota
     * (enterprise: 20) passes its first threshold (50%), then waiting for the alert to be recorded (off the request thread).
     */
    private static String alert(ProbeHttp http, Map<String, String> ids) {
        for (int i = 0; i < 20; i++) {
            JsonNode alerts = http.read("/api/v1/alerts?limit=1").path("alerts");
            if (!alerts.isEmpty()) {
                return alerts.get(0).path("alert_id").asText();
            }
            if (i < 10) {
                http.create("POST", "/api/v1/models/train", "{\"algorithm\":\"als\"}");
            } else {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the victim's alert", e);
                }
            }
        }
        throw new IllegalStateException("the victim org has no alert after 10 training requests: is its plan's model_training quota "
                + "per month at most 20 (enterprise), with alerts at 50%?");
    }

    /**
     * A batch analysis job of the victim, waited for until it completed (its one key names no object of the org, so it
     * is refused at once): a job still running would change the victim's view while the probe compares it.
     */
    private static String audioJob(ProbeHttp http, Map<String, String> ids) {
        String jobId = http.create("POST", "/api/v1/audio/batch-analyze", "{\"files\":[{\"key\":\"probe-no-such-object.wav\"}]}")
                .path("job_id").asText();
        for (int i = 0; i < 300; i++) {
            if ("completed".equals(http.read("/api/v1/audio/jobs/" + jobId).path("status").asText())) {
                return jobId;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the victim's audio job", e);
            }
        }
        throw new IllegalStateException("the victim's audio job " + jobId + " did not complete within 30 s");
    }

    /** One second of a 440 Hz tone as 16-bit mono WAV at 22,050 Hz: the smallest upload the analyser takes as music. */
    static byte[] toneWav() {
        int rate = 22_050;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(44 + 2 * rate).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(36 + 2 * rate)
                .put("WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(rate).putInt(2 * rate).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(2 * rate);
        for (int i = 0; i < rate; i++) {
            b.putShort((short) (0.5 * Short.MAX_VALUE * Math.sin(2 * Math.PI * 440 * i / rate)));
        }
        return b.array();
    }
}
