package io.tunetrail.cli.chaos;

import io.javalin.Javalin;
import io.tunetrail.api.ApiSettings;
import io.tunetrail.api.webhook.HostResolver;
import io.tunetrail.api.ApiStores;
import io.tunetrail.api.ServingApp;
import io.tunetrail.api.auth.ApiKeySecrets;
import io.tunetrail.api.auth.ApiKeyStore;
import io.tunetrail.api.probe.CrossOrgProbe;
import io.tunetrail.api.store.OrgStore;
import io.tunetrail.api.store.Sql;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.Database;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Scenario 8: another org's key on every route with an id, with every method ({@link CrossOrgProbe} over the API's own
 * route list), against the stack {@code config} points at. It serves the API in-process on a free loopback port over
 * that stack (webhook dispatch off, so it sends nothing of anyone's), makes a victim and an intruder org on the
 * enterprise plan with keys that expire within the hour, and removes both orgs and their Redis keys afterwards.
 */
public final class CrossOrgScenario implements ChaosScenario {

    @Override
    public String name() {
        return "cross-org";
    }

    @Override
    public String description() {
        return "another org's key on every route with an id, every method: 0 successes, victim's objects unchanged";
    }

    @Override
    public Outcome run(PlatformConfig config, Consumer<String> progress) throws Exception {
        PlanCatalog plans = PlanCatalog.load();
        try (ApiStores stores = ApiStores.open(config)) {
            Database.migrate(stores.dataSource(), config);
            Sql sql = new Sql(stores.dataSource());
            String victim = ApiKeySecrets.newId("chaos-victim").replace('_', '-');
            String intruder = ApiKeySecrets.newId("chaos-intruder").replace('_', '-');
            // The victim's webhook names a host of the probe's own; it resolves to loopback here and is never called
            // (dispatch is off), so the probe needs no DNS and no address beyond this machine.
            ApiSettings base = ApiSettings.from(withoutDispatch(config), plans);
            HostResolver probeHost = host -> {
                if (!host.equals(CrossOrgProbe.WEBHOOK_HOST)) {
                    throw new java.net.UnknownHostException(host);
                }
                return List.of(java.net.InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}));
            };
            ApiSettings settings = base.withWebhooks(base.webhooks().withResolver(probeHost).withLoopback(true, List.of()));
            Javalin app = ServingApp.create(stores, Clock.systemUTC(), settings);
            try {
                String victimKey = org(sql, victim);
                String intruderKey = org(sql, intruder);
                app.start("127.0.0.1", 0);
                List<io.tunetrail.api.http.ApiRoute> routes = ServingApp.routes(app);
                progress.accept("probing " + CrossOrgProbe.paths(routes).size() + " paths with an id, 5 methods each, with org " + intruder
                        + "'s key on org " + victim + "'s objects");
                CrossOrgProbe.Report report = new CrossOrgProbe(URI.create("http://127.0.0.1:" + app.port()), victimKey, intruderKey).run(routes);
                report.findings().forEach(f -> progress.accept("FINDING: " + f));
                String measured = String.format(java.util.Locale.ROOT, "%d attempts on %d paths: %d successes, %d findings",
                        report.attempts().size(), CrossOrgProbe.paths(routes).size(), report.successes(), report.findings().size());
                return new Outcome(report.clean() && report.successes() == 0,
                        "every route with an id answers another org's key 404 (402/403 where the gate refuses first); nothing changes", measured);
            } finally {
                app.stop();
                for (String org : List.of(victim, intruder)) {
                    remove(sql, stores, org);
                }
            }
        }
    }

    /** The same configuration with webhook dispatch off: this API must not send anyone's due deliveries. */
    private static PlatformConfig withoutDispatch(PlatformConfig config) {
        java.util.Map<String, String> values = new java.util.HashMap<>(config.asMap());
        values.put(PlatformConfig.API_WEBHOOK_DISPATCH_MS.name(), "0");
        return PlatformConfig.load(java.util.Map.of(), values);
    }

    /** A new enterprise org with an org-wide key of every scope, valid for an hour; returns the key's secret. */
    private static String org(Sql sql, String orgId) {
        new OrgStore(sql).create(orgId, "Chaos " + orgId, "enterprise", "cloud");
        return new ApiKeyStore(sql).create(orgId, null, "chaos cross-org", List.of("read", "write", "admin"),
                java.time.Instant.now().plus(Duration.ofHours(1))).secret();
    }

    private static void remove(Sql sql, ApiStores stores, String orgId) {
        sql.update("removing chaos org " + orgId, "DELETE FROM organisations WHERE org_id = ?", ps -> ps.setString(1, orgId));
        io.tunetrail.store.OrgDeletion.deleteOnlineKeys(stores.jedis(), orgId);
    }
}
