package io.tunetrail.batch.nightly;

import io.tunetrail.batch.als.AlsJob;
import io.tunetrail.batch.eval.EvaluateJob;
import io.tunetrail.batch.materialise.MaterialiseJob;
import io.tunetrail.batch.similarity.TrackSimilarityJob;
import io.tunetrail.batch.similarity.UserSimilarityJob;
import io.tunetrail.batch.costs.SparkCpuMeter;
import io.tunetrail.model.CostCatalog;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.Database;
import io.tunetrail.store.StoreException;
import io.tunetrail.store.alerts.CostCapAlerts;
import io.tunetrail.store.registry.TrainingParams;
import io.tunetrail.store.registry.TrainingQueue;
import io.tunetrail.store.registry.TrainingRequest;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/**
 * Runs the custom training requests of the queue ({@code training_requests}), most urgent first (the plan's training
 * priority, then age): each is the model chain — als, track-similarity, user-similarity, evaluate, materialise — on
 * that org's data only, with the request's params overriding the configured ones, so the org gets its own version
 * (new params: a new major version), promoted under its plan policy like a nightly one.
 *
 * <p>Params are the ALS hyperparameters by short name: {@code rank}, {@code iterations}, {@code regularization},
 * {@code alpha}, {@code seed}, {@code top_n}, {@code confidence_weights}, {@code log_scale}, {@code exclude_heard}, and
 * the family the lists come from with its hyperparameters, {@code family} and {@code family_params} (instead of the
 * nightly choice; a family outside the org's plan ladder is not applied).
 * Unknown names, values out of {@link TrainingParams}' bounds and unsupported algorithms fail the request with a
 * reason the customer sees; a failing request never stops the queue.
 *
 * <p>Each claim is leased to this run ({@code batch.training.lease-seconds}) and renewed every third of the lease
 * while the chain runs, so a second worker never takes a request that is still running, and takes over one whose
 * worker died once its lease has expired.
 *
 * <p>Each attempt records its measured CPU time and cost for the org as the standing worker's do ({@link TrainingCosts}),
 * so the cost cap and its alerts count it.
 */
public final class TrainingRequests {
    static final Map<String, PlatformConfig.Key> PARAMS = Map.ofEntries(
            Map.entry("rank", PlatformConfig.ALS_RANK),
            Map.entry("iterations", PlatformConfig.ALS_ITERATIONS),
            Map.entry("regularization", PlatformConfig.ALS_REGULARIZATION),
            Map.entry("alpha", PlatformConfig.ALS_ALPHA),
            Map.entry("seed", PlatformConfig.ALS_SEED),
            Map.entry("top_n", PlatformConfig.ALS_TOP_N),
            Map.entry("confidence_weights", PlatformConfig.ALS_CONFIDENCE_WEIGHTS),
            Map.entry("log_scale", PlatformConfig.ALS_LOG_SCALE),
            Map.entry("exclude_heard", PlatformConfig.ALS_EXCLUDE_HEARD),
            Map.entry("family", PlatformConfig.BEST_OF_FAMILY),
            Map.entry("family_params", PlatformConfig.BEST_OF_FAMILY_PARAMS));
    static final List<NightlyJob> CHAIN = List.of(new AlsJob(), new TrackSimilarityJob(), new UserSimilarityJob(),
            new EvaluateJob(), new MaterialiseJob());

    private final SparkSession spark;
    private final PlatformConfig config;
    private final Consumer<String> out;

    public TrainingRequests(SparkSession spark, PlatformConfig config, Consumer<String> out) {
        this.spark = spark;
        this.config = config;
        this.out = out;
    }

    /** Claims and runs requests until the queue is empty; returns one entry per request for the JSON line. */
    public Map<String, Object> runQueued() {
        List<Map<String, Object>> done = new ArrayList<>();
        Duration lease = Duration.ofSeconds(config.getInt(PlatformConfig.TRAINING_LEASE_SECONDS));
        String worker = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
        ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tunetrail-training-lease");
            t.setDaemon(true);
            return t;
        });
        try (HikariDataSource db = Database.connect(config, 3)) {
            PlanCatalog plans = PlanCatalog.load();
            TrainingQueue queue = new TrainingQueue(db, plans, worker, lease);
            TrainingCosts costs = new TrainingCosts(SparkCpuMeter.attach(spark),
                    CostCapAlerts.alertingMeter(db, plans, CostCatalog.load(), Clock.systemUTC()));
            for (Optional<TrainingRequest> next = queue.claimNext(); next.isPresent(); next = queue.claimNext()) {
                TrainingRequest request = next.get();
                long every = Math.max(1, lease.toMillis() / 3);
                ScheduledFuture<?> renewing = renewals.scheduleAtFixedRate(() -> renew(queue, request), every, every, TimeUnit.MILLISECONDS);
                try {
                    done.add(run(queue, db, costs, request));
                } finally {
                    renewing.cancel(false);
                }
            }
        } finally {
            renewals.shutdownNow();
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("job", "requests");
        result.put("requests", done);
        return result;
    }

    private void renew(TrainingQueue queue, TrainingRequest request) {
        try {
            if (!queue.renewLease(request.orgId(), request.requestId())) {
                out.accept("request " + request.requestId() + " of " + request.orgId() + ": lease lost; another worker has it");
            }
        } catch (RuntimeException e) {
            // The next renewal tries again; if all fail, the lease expires and another worker takes the request over.
            out.accept("request " + request.requestId() + ": renewing its lease failed: " + e.getMessage());
        }
    }

    private Map<String, Object> run(TrainingQueue queue, HikariDataSource db, TrainingCosts costs, TrainingRequest request) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("org_id", request.orgId());
        entry.put("request_id", request.requestId());
        try {
            Trained trained = costs.metered(request.orgId(), request.requestId(), request.attempts(),
                    () -> train(db, request, ChainProgress.silent()));
            queue.succeeded(request.orgId(), request.requestId(), trained.modelVersionId());
            entry.put("status", "succeeded");
            entry.put("model_version", trained.modelVersion());
            entry.put("model_version_id", trained.modelVersionId());
            NightlyChain.Result result = trained.chain();
            out.accept("request " + request.requestId() + " of " + request.orgId() + ": model version "
                    + entry.get("model_version") + " (" + result.durationMs() / 1000.0 + " s)");
        } catch (RuntimeException e) {
            String reason = e.getMessage() == null ? e.getClass().getName() : e.getMessage().lines().findFirst().orElse("");
            try {
                queue.failed(request.orgId(), request.requestId(), reason);
            } catch (StoreException lost) {
                // The lease expired and another worker took the request: its outcome is that worker's to record.
                entry.put("status", "lease_lost");
                entry.put("error", lost.getMessage());
                return entry;
            }
            entry.put("status", "failed");
            entry.put("error", reason);
            out.accept("request " + request.requestId() + " of " + request.orgId() + " failed: " + reason);
        }
        return entry;
    }

    /** What training a request produced: the org's new ALS version and the chain's results. */
    public record Trained(long modelVersionId, String modelVersion, NightlyChain.Result chain) {}

    /**
     * Trains one request (the model chain on its org's data with its params) without touching its queue row: the
     * caller holds the lease and records the outcome. {@code progress} hears each step of the chain (job and org).
     * Fails with {@link IllegalArgumentException} for a request that can never succeed (bad params, a community org).
     */
    public Trained train(javax.sql.DataSource db, TrainingRequest request, ChainProgress progress) {
        PlatformConfig own = PlatformConfig.load(config.asEnv(), overrides(request));
        try (NightlyContext ctx = NightlyContext.builder(spark, own).org(request.orgId()).dataSource(db).progress(progress).build()) {
            if (ctx.servedByGlobalModel(request.orgId())) {
                throw new IllegalArgumentException("org " + request.orgId() + " is community edition, served by the global "
                        + "model; custom training trains an org's own model, which the cloud plans have");
            }
            NightlyChain.Result result = new NightlyChain(CHAIN).run(ctx);
            return new Trained(ctx.newestVersion(request.orgId(), AlsJob.NAME).id(),
                    result.job(AlsJob.NAME).modelVersions().get(request.orgId()), result);
        }
    }

    /** The request's params as configuration overrides; fails naming a param that is not one of {@link #PARAMS}. */
    static Map<String, String> overrides(TrainingRequest request) {
        if (!request.algorithm().equals(AlsJob.NAME)) {
            throw new IllegalArgumentException("algorithm '" + request.algorithm() + "' cannot be trained on request; "
                    + "supported: als");
        }
        TrainingParams.problem(request.algorithm(), request.params()).ifPresent(p -> {
            throw new IllegalArgumentException(p.detail());
        });
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<String, Object> p : request.params().entrySet()) {
            PlatformConfig.Key key = PARAMS.get(p.getKey());
            if (key == null) {
                throw new IllegalArgumentException("unknown training param '" + p.getKey() + "'; known: "
                        + String.join(", ", PARAMS.keySet().stream().sorted().toList()));
            }
            out.put(key.name(), String.valueOf(p.getValue()));
        }
        return out;
    }
}
