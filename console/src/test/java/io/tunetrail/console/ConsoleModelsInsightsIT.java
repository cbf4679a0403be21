package io.tunetrail.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.api.audit.AuditLog;
import io.tunetrail.api.auth.Role;
import io.tunetrail.console.auth.ConsoleAccounts;
import io.tunetrail.console.testing.ConsoleClient;
import io.tunetrail.console.testing.ConsoleTestStack;
import io.tunetrail.console.testing.ModelData;
import io.tunetrail.store.registry.ModelVersion;
import io.tunetrail.store.registry.TrainingRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Models, Insights, Webhooks and Audio pages at the HTTP level, against the real API server on the local stack: each part decided by
 * the gate of the API route doing the same thing, actions through the API's model service (audited as the member),
 * another org's version not found, forged forms refused.
 */
class ConsoleModelsInsightsIT {
    @RegisterExtension
    static final ConsoleTestStack stack = new ConsoleTestStack();

    private ConsoleClient signedIn(ConsoleAccounts.CreatedUser user) {
        ConsoleClient c = new ConsoleClient(stack.base());
        assertThat(c.signIn(user.email(), user.password()).statusCode()).isEqualTo(303);
        return c;
    }

    private static String active(ModelData data, String org) {
        return data.registry().active(org, "als").map(v -> v.version().toString()).orElse("none");
    }

    @Test
    void anEnterpriseAdminSeesVersionsMetricsAndTrainingProgressAndPinsAVersion() {
        String org = stack.org("models", "enterprise");
        ModelData data = new ModelData(stack.sql());
        List<ModelVersion> versions = data.alsVersions(org, 3, 2);
        TrainingRequest training = data.runningTraining(org, "fitting", 40);
        ConsoleAccounts.CreatedUser admin = stack.user(org, "admin", Role.ADMIN);
        ConsoleClient c = signedIn(admin);

        HttpResponse<String> page = c.get("/console/models");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"active-version\">1.1<", "not pinned", "model policy says (pinned)", "No canary", "data-version-id=\"" + versions.get(2).id() + "\"",
                "ndcg_at_10 0.3000", "data-request-id=\"" + training.requestId() + "\"", "fitting", "40 %", "data-poll=\"true\"")
                .doesNotContain("versions-upgrade");
        String metrics = c.get("/console/api/model-metrics?algorithm=als").body();
        assertThat(metrics).contains("\"versions\":[\"1.0\",\"1.1\",\"1.2\"]", "\"metric\":\"ndcg_at_10\"", "\"metric\":\"precision_at_10\"");
        assertThat(c.get("/console/api/training-requests").body()).contains("\"request_id\":\"" + training.requestId() + "\"", "\"stage\":\"fitting\"",
                "\"percent\":40", "\"unfinished\":true");

        String csrf = ConsoleClient.csrfOf(page.body());
        HttpResponse<String> pin = c.post("/console/models/pin", "csrf", csrf, "version_id", Long.toString(versions.get(2).id()));
        assertThat(pin.statusCode()).isEqualTo(303);
        assertThat(pin.headers().firstValue("Location")).hasValue("/console/models?algorithm=als&done=pinned");
        assertThat(active(data, org)).isEqualTo("1.2");
        assertThat(data.registry().policy(org).pinnedVersionId()).isEqualTo(versions.get(2).id());
        assertThat(c.get("/console/models?done=pinned").body()).contains("id=\"pinned-version\">1.2<", "id=\"models-notice\"");
        assertThat(new AuditLog(stack.sql()).list(org, new AuditLog.Filter(null, "model.pinned", null, null), null, 10).items()).singleElement()
                .satisfies(e -> {
                    assertThat(e.actorType()).isEqualTo("console");
                    assertThat(e.actorMemberId()).isEqualTo(admin.memberId());
                    assertThat(e.targetId()).isEqualTo(Long.toString(versions.get(2).id()));
                });

        HttpResponse<String> bad = c.post("/console/models/pin", "csrf", csrf, "version_id", "latest");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("version_id").doesNotContain("Exception");
    }

    @Test
    void rollbackIsConfirmedFirstIsForEveryPlanAndARacingSecondRollbackChangesNothing() {
        String org = stack.org("rollback", "pro");
        ModelData data = new ModelData(stack.sql());
        data.alsVersions(org, 2, 2);
        ConsoleClient c = signedIn(stack.user(org, "admin", Role.ADMIN));

        String page = c.get("/console/models").body();
        // Pro lacks custom training: the versions part says what it needs, as the API's 402 body does; rollback stays.
        assertThat(page).contains("id=\"versions-upgrade\"", "data-current-plan=\"pro\"", "class=\"required-plans\">enterprise<", "class=\"upgrade-link\"",
                "id=\"rollback-start\"").doesNotContain("versions-table");
        HttpResponse<String> confirm = c.get("/console/models/rollback?algorithm=als&from_version=1.1");
        assertThat(confirm.statusCode()).isEqualTo(200);
        assertThat(confirm.body()).contains("Roll back als?", "name=\"from_version\" value=\"1.1\"");
        assertThat(active(data, org)).as("showing the confirmation changes nothing").isEqualTo("1.1");

        String csrf = ConsoleClient.csrfOf(confirm.body());
        HttpResponse<String> done = c.post("/console/models/rollback", "csrf", csrf, "algorithm", "als", "from_version", "1.1");
        assertThat(done.statusCode()).isEqualTo(303);
        assertThat(active(data, org)).isEqualTo("1.0");
        HttpResponse<String> again = c.post("/console/models/rollback", "csrf", csrf, "algorithm", "als", "from_version", "1.1");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("no longer active");
        assertThat(active(data, org)).isEqualTo("1.0");
    }

    @Test
    void theOwnerAbortsAndApprovesACanaryAnAdminAForgerAndAnotherOrgDecideNothing() {
        String org = stack.org("canary", "pro");
        String other = stack.org("canary-other", "pro");
        ModelData data = new ModelData(stack.sql());
        List<ModelVersion> mine = data.alsVersions(org, 2, 1);
        List<ModelVersion> theirs = data.alsVersions(other, 2, 1);
        long running = stack.canaries().promoteOrStart(mine.get(1).id()).canaryId();
        long theirCanary = stack.canaries().promoteOrStart(theirs.get(1).id()).canaryId();

        ConsoleClient admin = signedIn(stack.user(org, "admin", Role.ADMIN));
        String adminPage = admin.get("/console/models").body();
        assertThat(adminPage).contains("data-canary-id=\"" + running + "\"", "id=\"canary-state\">running<", "1.1 (served to 10 % of listeners)",
                "id=\"canary-refused\"", "owner role").doesNotContain("canary-approve-form");
        HttpResponse<String> byAdmin = admin.post("/console/models/canary/approve", "csrf", ConsoleClient.csrfOf(adminPage), "algorithm", "als",
                "canary_id", Long.toString(running));
        assertThat(byAdmin.statusCode()).isEqualTo(403);
        assertThat(byAdmin.body()).contains("Not allowed");

        ConsoleClient owner = signedIn(stack.user(org, "owner", Role.OWNER));
        String page = owner.get("/console/models").body();
        assertThat(page).contains("id=\"canary-approve-form\"", "id=\"canary-abort-form\"", "candidate: 1.1, 0 positive / 0 negative");
        String csrf = ConsoleClient.csrfOf(page);
        assertThat(owner.post("/console/models/canary/abort", "algorithm", "als", "canary_id", Long.toString(running)).statusCode())
                .as("no CSRF token").isEqualTo(403);
        HttpResponse<String> foreign = owner.post("/console/models/canary/abort", "csrf", csrf, "algorithm", "als", "canary_id",
                Long.toString(theirCanary));
        assertThat(foreign.statusCode()).isEqualTo(404);
        assertThat(stack.canaries().byId(other, theirCanary).orElseThrow().state()).isEqualTo(io.tunetrail.store.registry.ModelCanaries.State.RUNNING);
        HttpResponse<String> bad = owner.post("/console/models/canary/abort", "csrf", csrf, "algorithm", "als", "canary_id", "latest");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("canary_id").doesNotContain("Exception");
        assertThat(stack.canaries().byId(org, running).orElseThrow().state()).isEqualTo(io.tunetrail.store.registry.ModelCanaries.State.RUNNING);

        HttpResponse<String> abort = owner.post("/console/models/canary/abort", "csrf", csrf, "algorithm", "als", "canary_id", Long.toString(running));
        assertThat(abort.statusCode()).isEqualTo(303);
        assertThat(abort.headers().firstValue("Location")).hasValue("/console/models?algorithm=als&done=canary-aborted");
        assertThat(stack.canaries().byId(org, running).orElseThrow().state()).isEqualTo(io.tunetrail.store.registry.ModelCanaries.State.ABORTED);
        assertThat(active(data, org)).isEqualTo("1.0");
        assertThat(owner.get("/console/models?done=canary-aborted").body()).contains("id=\"canary-state\">aborted<", "Canary aborted",
                "id=\"canary-decided\"").doesNotContain("canary-abort-form");
        HttpResponse<String> again = owner.post("/console/models/canary/approve", "csrf", csrf, "algorithm", "als", "canary_id", Long.toString(running));
        assertThat(again.statusCode()).as("decided already").isEqualTo(409);
        assertThat(again.body()).contains("nothing to approve");

        ModelVersion next = data.registry().register(org, "als", java.util.Map.of("rank", 10), java.util.Map.of("days", 30));
        long second = stack.canaries().promoteOrStart(next.id()).canaryId();
        HttpResponse<String> approve = owner.post("/console/models/canary/approve", "csrf", csrf, "algorithm", "als", "canary_id",
                Long.toString(second));
        assertThat(approve.statusCode()).isEqualTo(303);
        assertThat(active(data, org)).isEqualTo(next.version().toString());
        assertThat(new AuditLog(stack.sql()).list(org, new AuditLog.Filter(null, "model.canary_promoted", null, null), null, 10).items()).singleElement()
                .satisfies(e -> {
                    assertThat(e.actorType()).isEqualTo("console");
                    assertThat(e.targetId()).isEqualTo(Long.toString(next.id()));
                });
        assertThat(active(data, other)).isEqualTo("1.0");
    }

    @Test
    void aMemberUploadsAudioSeesItDrawnAndBadUploadsOtherOrgsAndPlansCountNothing() throws Exception {
        String org = stack.org("audio", "starter");
        String other = stack.org("audio-other", "starter");
        ConsoleClient c = signedIn(stack.user(org, "member", Role.MEMBER));
        HttpResponse<String> empty = c.get("/console/audio");
        assertThat(empty.statusCode()).isEqualTo(200);
        assertThat(empty.body()).contains("id=\"audio-form\"", "id=\"audio-empty\"");
        String csrf = ConsoleClient.csrfOf(empty.body());
        byte[] wav = io.tunetrail.api.testing.AudioFixtures.clickTrackWav(120, 8);

        assertThat(c.upload("/console/audio", "clicks.wav", wav).statusCode()).as("no CSRF token").isEqualTo(403);
        HttpResponse<String> noFile = c.upload("/console/audio", "", new byte[0], "csrf", csrf);
        assertThat(noFile.statusCode()).isEqualTo(400);
        assertThat(noFile.body()).contains("id=\"error-file\"", "Choose an audio file");
        HttpResponse<String> noTrack = c.upload("/console/audio", "clicks.wav", wav, "csrf", csrf, "track_id", "missing-track");
        assertThat(noTrack.statusCode()).isEqualTo(404);
        assertThat(noTrack.body()).contains("id=\"error-track_id\"", "no track 'missing-track'");
        HttpResponse<String> notAudio = c.upload("/console/audio", "notes.txt", "just text, not audio".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "csrf", csrf);
        assertThat(notAudio.statusCode()).isBetween(400, 422);
        assertThat(notAudio.body()).contains("id=\"error-file\"").doesNotContain("Exception");
        assertThat(stack.audioUsedToday(org)).as("refusals count nothing").isZero();

        HttpResponse<String> done = c.upload("/console/audio", "clicks.wav", wav, "csrf", csrf);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(303);
        String location = done.headers().firstValue("Location").orElseThrow();
        assertThat(location).matches("/console/audio\\?analysis=aud_[0-9a-f]+");
        assertThat(stack.audioUsedToday(org)).isEqualTo(1);
        String analysisId = location.substring(location.indexOf('=') + 1);
        String page = c.get(location).body();
        assertThat(page).contains("<svg id=\"audio-waveform\"", "data-analysis-id=\"" + analysisId + "\"", "<th>tempo</th>", "<th>danceability</th>");
        String svg = page.substring(page.indexOf("<svg id=\"audio-waveform\""), page.indexOf("</svg>", page.indexOf("<svg id=\"audio-waveform\"")));
        // 8 s at 120 BPM: about 16 beats ticked along the top.
        assertThat(svg.split("<line ", -1).length - 1).isBetween(12, 18);
        assertThat(svg).contains("segment at ", "peak ");
        assertThat(page).contains("id=\"audio-recent\"", "8.0 s");

        ConsoleClient elsewhere = signedIn(stack.user(other, "member", Role.MEMBER));
        HttpResponse<String> foreign = elsewhere.get(location);
        assertThat(foreign.statusCode()).isEqualTo(404);
        assertThat(foreign.body()).contains("Not found").doesNotContain(analysisId);
        assertThat(elsewhere.get("/console/audio").body()).contains("id=\"audio-empty\"");

        // The day's quota used up: refused beside the field, nothing analysed or counted.
        stack.stores().jedis().set(io.tunetrail.store.online.RedisKeys.usageDay(org, "audio_analysis",
                java.time.LocalDate.ofInstant(stack.clock.instant(), java.time.ZoneOffset.UTC)), "100");
        HttpResponse<String> over = c.upload("/console/audio", "clicks.wav", wav, "csrf", csrf);
        assertThat(over.statusCode()).isEqualTo(429);
        assertThat(over.body()).contains("id=\"error-file\"", "daily audio_analysis quota of 100 is used up");
        assertThat(stack.audioUsedToday(org)).isEqualTo(100);

        // A declared body over the limit is refused before any of it is read: the page, its file field marked, the connection closed.
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", java.net.URI.create(stack.base()).getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("POST /console/audio HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                    + "Cookie: " + c.cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(java.util.stream.Collectors.joining("; "))
                    + "\r\nContent-Length: 999999999\r\n\r\n--x").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 413").containsIgnoringCase("Connection: close").contains("text/html", "id=\"error-file\"",
                    "over the limit of", "id=\"audio-form\"").doesNotContain("problem+json");
        }
        assertThat(stack.audioUsedToday(org)).as("nothing counted for it").isEqualTo(100);

        String free = stack.org("audio-free", "free");
        HttpResponse<String> gated = signedIn(stack.user(free, "owner", Role.OWNER)).get("/console/audio");
        assertThat(gated.statusCode()).as("the plan lacks it, as the API's 402").isEqualTo(402);
        assertThat(gated.body()).contains("Not allowed", "starter", "Upgrade");
    }

    @Test
    void anEnterpriseAdminRequestsTrainingCountedAsThroughTheApiAndBadInputOrOtherPlansQueueNothing() throws Exception {
        String org = stack.org("train", "enterprise");
        ConsoleClient c = signedIn(stack.user(org, "admin", Role.ADMIN));
        String page = c.get("/console/models").body();
        assertThat(page).contains("id=\"train-form\"", "id=\"training-empty\"");
        String csrf = ConsoleClient.csrfOf(page);

        HttpResponse<String> outOfBounds = c.post("/console/models/train", "csrf", csrf, "algorithm", "als", "params", "{\"rank\": 100000}");
        assertThat(outOfBounds.statusCode()).isEqualTo(400);
        assertThat(outOfBounds.body()).contains("id=\"error-params\"", "rank", "100000").doesNotContain("Exception");
        HttpResponse<String> notJson = c.post("/console/models/train", "csrf", csrf, "algorithm", "als", "params", "rank=64");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).contains("id=\"error-params\"", "JSON object", "rank=64");
        HttpResponse<String> badAlgorithm = c.post("/console/models/train", "csrf", csrf, "algorithm", "Not An Algorithm");
        assertThat(badAlgorithm.statusCode()).isEqualTo(400);
        assertThat(badAlgorithm.body()).contains("id=\"error-algorithm\"");
        assertThat(c.post("/console/models/train", "algorithm", "als").statusCode()).as("no CSRF token").isEqualTo(403);
        assertThat(trainingRequests(org)).as("nothing queued").isZero();
        assertThat(trainingUsedThisMonth(org)).as("nothing counted").isZero();

        // Nine of the month's 20 used already: this request takes the quota to half, which alerts as the API's would.
        stack.stores().jedis().set(io.tunetrail.store.online.RedisKeys.usageMonth(org, "model_training",
                java.time.YearMonth.from(stack.clock.instant().atZone(java.time.ZoneOffset.UTC))), "9");
        HttpResponse<String> queued = c.post("/console/models/train", "csrf", csrf, "algorithm", "als", "params", "{\"rank\": 64}");
        assertThat(queued.statusCode()).as(queued.body()).isEqualTo(303);
        assertThat(queued.headers().firstValue("Location")).hasValue("/console/models?algorithm=als&done=training-queued");
        assertThat(trainingRequests(org)).isEqualTo(1);
        assertThat(stack.sql().one("params", "SELECT params->>'rank' FROM training_requests WHERE org_id = ?", ps -> ps.setString(1, org),
                rs -> rs.getString(1))).hasValue("64");
        assertThat(trainingUsedThisMonth(org)).as("one unit of model_training, as the API's route counts").isEqualTo(10);
        stack.awaitAlerts();
        assertThat(stack.sql().list("alerts", "SELECT resource || ' ' || period || ' ' || threshold_percent FROM alerts WHERE org_id = ?",
                ps -> ps.setString(1, org), rs -> rs.getString(1))).containsExactly("model_training month 50");
        assertThat(c.get("/console/models?done=training-queued").body()).contains("Training queued", "class=\"status\">queued<");

        // The month's quota used up: refused beside the form, nothing queued, the counter as it was.
        stack.stores().jedis().set(io.tunetrail.store.online.RedisKeys.usageMonth(org, "model_training",
                java.time.YearMonth.from(stack.clock.instant().atZone(java.time.ZoneOffset.UTC))), "20");
        HttpResponse<String> over = c.post("/console/models/train", "csrf", csrf, "algorithm", "als");
        assertThat(over.statusCode()).isEqualTo(429);
        assertThat(over.body()).contains("id=\"error-algorithm\"", "monthly model_training quota of 20 is used up");
        assertThat(trainingRequests(org)).isEqualTo(1);
        assertThat(trainingUsedThisMonth(org)).isEqualTo(20);

        // Pro has no custom training: the page says which plan has it and links to billing; a POST is refused.
        String pro = stack.org("train-pro", "pro");
        ConsoleClient proAdmin = signedIn(stack.user(pro, "admin", Role.ADMIN));
        String proPage = proAdmin.get("/console/models").body();
        assertThat(proPage).contains("id=\"training-upgrade\"", "class=\"required-plans\">enterprise<", "href=\"/console/billing\"")
                .doesNotContain("train-form");
        HttpResponse<String> refused = proAdmin.post("/console/models/train", "csrf", ConsoleClient.csrfOf(proPage), "algorithm", "als");
        assertThat(refused.statusCode()).as("the plan lacks training, as the API's 402").isEqualTo(402);
        assertThat(refused.body()).contains("Not allowed", "enterprise", "/console/billing");
        assertThat(trainingRequests(pro)).isZero();
    }

    private static long trainingRequests(String org) {
        return stack.sql().one("requests", "SELECT count(*) FROM training_requests WHERE org_id = ?", ps -> ps.setString(1, org), rs -> rs.getLong(1))
                .orElseThrow();
    }

    private static long trainingUsedThisMonth(String org) {
        String v = stack.stores().jedis().get(io.tunetrail.store.online.RedisKeys.usageMonth(org, "model_training",
                java.time.YearMonth.from(stack.clock.instant().atZone(java.time.ZoneOffset.UTC))));
        return v == null ? 0 : Long.parseLong(v);
    }

    @Test
    void membersForgersAndOtherOrgsChangeNothing() {
        String org = stack.org("modelgate", "enterprise");
        String other = stack.org("modelgate-other", "enterprise");
        ModelData data = new ModelData(stack.sql());
        List<ModelVersion> mine = data.alsVersions(org, 2, 2);
        List<ModelVersion> theirs = data.alsVersions(other, 2, 2);

        ConsoleClient member = signedIn(stack.user(org, "member", Role.MEMBER));
        String page = member.get("/console/models").body();
        assertThat(page).contains("id=\"pin-refused\"", "admin role or higher", "id=\"rollback-refused\"").doesNotContain("pin-form");
        HttpResponse<String> pin = member.post("/console/models/pin", "csrf", ConsoleClient.csrfOf(page), "version_id", Long.toString(mine.get(0).id()));
        assertThat(pin.statusCode()).isEqualTo(403);
        assertThat(pin.body()).contains("Not allowed");
        assertThat(member.get("/console/models/rollback?algorithm=als").statusCode()).isEqualTo(403);
        assertThat(active(data, org)).isEqualTo("1.1");

        ConsoleClient admin = signedIn(stack.user(org, "admin", Role.ADMIN));
        String csrf = ConsoleClient.csrfOf(admin.get("/console/models").body());
        HttpResponse<String> foreign = admin.post("/console/models/pin", "csrf", csrf, "version_id", Long.toString(theirs.get(0).id()));
        assertThat(foreign.statusCode()).isEqualTo(404);
        assertThat(foreign.body()).contains("Not found");
        assertThat(active(data, other)).isEqualTo("1.1");
        assertThat(data.registry().policy(other).pinnedVersionId()).isNull();
        assertThat(admin.get("/console/models").body()).doesNotContain("data-version-id=\"" + theirs.get(0).id() + "\"");

        // The admin's own session cookie without the form's token: what another site's form would send.
        HttpResponse<String> forged = admin.post("/console/models/pin", "version_id", Long.toString(mine.get(0).id()));
        assertThat(forged.statusCode()).isEqualTo(403);
        HttpResponse<String> forgedRollback = admin.post("/console/models/rollback", "algorithm", "als");
        assertThat(forgedRollback.statusCode()).isEqualTo(403);
        assertThat(active(data, org)).isEqualTo("1.1");
        assertThat(data.registry().policy(org).pinnedVersionId()).isNull();
    }

    @Test
    void insightsDrawTheOrgsAnalyticsAndMarkBadFields() {
        String org = stack.org("insights", "pro");
        new ModelData(stack.sql()).analytics(org);
        ConsoleClient c = signedIn(stack.user(org, "member", Role.MEMBER));

        HttpResponse<String> page = c.get("/console/insights?year=2026");
        assertThat(page.statusCode()).isEqualTo(200);
        String body = page.body();
        assertThat(body).contains("<svg id=\"genre-heatmap\"", "rock × pop: NPMI 0.30", "<svg id=\"week-heatmap\"", "Fri 20:00 UTC: ",
                "<svg id=\"context-intervals\"", "workout, energy: effect 0.90 (95% CI 0.70 to 1.10", "<svg id=\"wrapped-months\"",
                "150 plays, 450 minutes", "rock (60 plays)", "Big hit", "Deep cut");
        assertThat(body.indexOf("Big hit")).as("most popular first").isLessThan(body.indexOf("Deep cut"));
        // 7 days × 24 hours of cells: the 12 hours without plays a day too.
        assertThat(body.substring(body.indexOf("<svg id=\"week-heatmap\""), body.indexOf("</svg>", body.indexOf("<svg id=\"week-heatmap\"")))
                .split("<rect ", -1)).hasSize(7 * 24 + 1);
        assertThat(body).contains("Fri 21:00 UTC: 0 plays");

        String taste = c.get("/console/insights?year=2026&user_id=u1").body();
        assertThat(taste).contains("id=\"taste-profile\"", "Fri 21:00 UTC", "Their 2026 Wrapped", "<td>65</td>", "<td>200</td>", "<td>March</td>",
                "1. hit (30 plays)", "1. rock (50 plays)");
        HttpResponse<String> unknown = c.get("/console/insights?year=2026&user_id=nobody");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("id=\"error-user_id\"", "No listening history", "<svg id=\"genre-heatmap\"");
        HttpResponse<String> badYear = c.get("/console/insights?year=nineteen");
        assertThat(badYear.statusCode()).isEqualTo(400);
        assertThat(badYear.body()).contains("id=\"error-year\"");
        HttpResponse<String> badScope = c.get("/console/insights?scope=planet");
        assertThat(badScope.statusCode()).isEqualTo(400);
        assertThat(badScope.body()).contains("id=\"error-scope\"");

        // Another org sees none of it: the same service, the member's own org.
        String empty = stack.org("insights-empty", "pro");
        String elsewhere = signedIn(stack.user(empty, "member", Role.MEMBER)).get("/console/insights").body();
        assertThat(elsewhere).contains("id=\"genres-empty\"", "id=\"week-empty\"", "id=\"context-empty\"").doesNotContain("Big hit", "rock");
    }

    @Test
    void plansWithoutTheFeatureSeeWhatTheyNeedAndTheUpgrade() {
        String community = stack.org("communityplan", "community");
        ConsoleClient c = signedIn(stack.user(community, "owner", Role.OWNER));
        HttpResponse<String> insights = c.get("/console/insights");
        assertThat(insights.statusCode()).isEqualTo(402);
        assertThat(insights.body()).contains("Not allowed", "pro, enterprise", "Upgrade");
        HttpResponse<String> models = c.get("/console/models");
        assertThat(models.statusCode()).isEqualTo(200);
        assertThat(models.body()).contains("id=\"versions-upgrade\"", "data-current-plan=\"community\"", "enterprise", "id=\"training-upgrade\"");
        assertThat(c.get("/console/api/model-metrics?algorithm=als").statusCode()).isEqualTo(402);
        assertThat(c.get("/console/api/training-requests").statusCode()).isEqualTo(402);
    }

    private void insert(String statement, Object... args) {
        stack.sql().update("seeding", statement, ps -> {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
        });
    }

    private String deliveryState(String org, String deliveryId) {
        return stack.sql().one("delivery", "SELECT status || '/' || attempts FROM webhook_deliveries WHERE org_id = ? AND delivery_id = ?", ps -> {
            ps.setString(1, org);
            ps.setString(2, deliveryId);
        }, rs -> rs.getString(1)).orElseThrow();
    }

    /** An endpoint with a delivered and a failed delivery; none pending, so the API's dispatcher never sends them. */
    private void webhookWithDeliveries(String org, String webhookId) {
        insert("INSERT INTO webhook_endpoints (org_id, webhook_id, url, secret, events, consecutive_failures) VALUES (?, ?, ?, "
                + "'whsec_abcdefghijklmnopqrstuvwx', ARRAY['plan.changed', 'training.queued'], 2)", org, webhookId,
                "https://hooks.example.com/" + webhookId);
        insert("INSERT INTO webhook_deliveries (org_id, delivery_id, webhook_id, event_type, payload, status, attempts, next_attempt_at, "
                + "last_status_code, created_at, delivered_at) VALUES (?, ?, ?, 'plan.changed', '{}'::jsonb, 'delivered', 1, now(), 200, "
                + "now() - interval '2 hours', now() - interval '2 hours')", org, "dlv_ok_" + webhookId, webhookId);
        insert("INSERT INTO webhook_deliveries (org_id, delivery_id, webhook_id, event_type, payload, status, attempts, next_attempt_at, "
                + "last_status_code, last_error, created_at) VALUES (?, ?, ?, 'training.queued', '{}'::jsonb, 'failed', 8, now(), 503, "
                + "'http_error', now() - interval '1 hour')", org, "dlv_bad_" + webhookId, webhookId);
    }

    @Test
    void anAdminSeesTheEndpointsAndTheirDeliveriesAndNothingOfAnotherOrg() {
        String org = stack.org("hooks", "pro");
        String other = stack.org("hooks-other", "pro");
        webhookWithDeliveries(org, "wh_mine");
        webhookWithDeliveries(other, "wh_theirs");

        ConsoleClient admin = signedIn(stack.user(org, "admin", Role.ADMIN));
        HttpResponse<String> page = admin.get("/console/webhooks");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("https://hooks.example.com/wh_mine", "plan.changed, training.queued", "closed (2 failures in a row)",
                "data-delivery-id=\"dlv_ok_wh_mine\"", "data-delivery-id=\"dlv_bad_wh_mine\"", "HTTP 503 (http_error)", ">failed<", ">delivered<")
                .doesNotContain("wh_theirs", "whsec_");
        assertThat(page.body().indexOf("dlv_bad_wh_mine")).as("newest first").isLessThan(page.body().indexOf("dlv_ok_wh_mine"));

        // Retry: only the failed delivery has the button; the form needs its token; another org's delivery is not found,
        // a delivered one a conflict; the failed one is queued again (the stack's dispatcher is off, so it stays pending).
        String retry = "/console/webhooks/wh_mine/deliveries/dlv_bad_wh_mine/retry";
        assertThat(page.body()).contains("action=\"" + retry + "\"").doesNotContain("dlv_ok_wh_mine/retry");
        String csrf = ConsoleClient.csrfOf(page.body());
        assertThat(admin.post(retry).statusCode()).as("no CSRF token").isEqualTo(403);
        assertThat(admin.post("/console/webhooks/wh_theirs/deliveries/dlv_bad_wh_theirs/retry", "csrf", csrf).statusCode()).isEqualTo(404);
        assertThat(admin.post("/console/webhooks/wh_mine/deliveries/dlv_ok_wh_mine/retry", "csrf", csrf).statusCode()).isEqualTo(409);
        assertThat(deliveryState(other, "dlv_bad_wh_theirs")).isEqualTo("failed/8");
        assertThat(deliveryState(org, "dlv_bad_wh_mine")).isEqualTo("failed/8");
        HttpResponse<String> retried = admin.post(retry, "csrf", csrf);
        assertThat(retried.statusCode()).isEqualTo(303);
        assertThat(retried.headers().firstValue("Location")).hasValue("/console/webhooks");
        assertThat(deliveryState(org, "dlv_bad_wh_mine")).isEqualTo("pending/8");
        assertThat(admin.get("/console/webhooks").body()).doesNotContain("dlv_bad_wh_mine/retry");

        ConsoleClient memberClient = signedIn(stack.user(org, "member", Role.MEMBER));
        HttpResponse<String> member = memberClient.get("/console/webhooks");
        assertThat(member.statusCode()).isEqualTo(403);
        assertThat(member.body()).contains("Not allowed", "admin role").doesNotContain("wh_mine");
        HttpResponse<String> memberRetry = memberClient.post(retry, "csrf", csrf);
        assertThat(memberRetry.statusCode()).as("a member's retry").isEqualTo(403);
        assertThat(memberRetry.body()).contains("Not allowed", "admin role");
        String starter = stack.org("hooks-starter", "starter");
        HttpResponse<String> plan = signedIn(stack.user(starter, "owner", Role.OWNER)).get("/console/webhooks");
        assertThat(plan.statusCode()).isEqualTo(402);
        assertThat(plan.body()).contains("Not allowed", "Upgrade");
    }
}
