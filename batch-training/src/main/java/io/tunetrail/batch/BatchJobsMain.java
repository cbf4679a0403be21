package io.tunetrail.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.batch.bench.BatchBenchmark;
import io.tunetrail.batch.costs.SparkCpuMeter;
import io.tunetrail.batch.eval.DatasetEvaluation;
import io.tunetrail.batch.eval.FamilyEvaluation;
import io.tunetrail.batch.eval.Interactions;
import io.tunetrail.batch.eval.RowSplit;
import io.tunetrail.batch.eval.family.Families;
import io.tunetrail.batch.eval.family.TruePreference;
import io.tunetrail.batch.als.Preferences;
import io.tunetrail.ingestion.synthetic.GeneratorSettings;
import io.tunetrail.batch.land.KafkaToDeltaLander;
import io.tunetrail.batch.land.LandResult;
import io.tunetrail.batch.land.LanderSettings;
import io.tunetrail.batch.land.OfflinePeek;
import io.tunetrail.batch.land.UsageLedgerPublisher;
import io.tunetrail.batch.nightly.ChainCosts;
import io.tunetrail.batch.nightly.ChainProgress;
import io.tunetrail.batch.nightly.JobResult;
import io.tunetrail.batch.nightly.NightlyChain;
import io.tunetrail.batch.nightly.NightlyContext;
import io.tunetrail.batch.nightly.NightlyJob;
import io.tunetrail.batch.nightly.NightlyJobs;
import io.tunetrail.batch.nightly.OfflineTables;
import io.tunetrail.batch.nightly.TrainingRequests;
import io.tunetrail.batch.quality.DataQuality;
import io.tunetrail.batch.quality.QualityCheck;
import io.tunetrail.batch.quality.QualityChecks;
import io.tunetrail.batch.quality.QualityContext;
import io.tunetrail.model.CostCatalog;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.Database;
import io.tunetrail.store.alerts.CostCapAlerts;
import io.tunetrail.store.usage.UsageLedgerStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * Entry point of the batch-training jar, for {@code ./tunetrail} (Spark local[*]) and {@code spark-submit}
 * (cluster).
 *
 * <p>Command lines:
 * <ul>
 *   <li>{@code --job land}: the raw topics into Delta ({@link KafkaToDeltaLander}).</li>
 *   <li>{@code --job NAME [--org ORG]}: one nightly job ({@link NightlyJobs} lists them).</li>
 *   <li>{@code --peek TABLE[,TABLE] [--org ORG] [--n N]}: the newest rows of offline-store tables ({@link OfflinePeek}).</li>
 *   <li>{@code --all [--org ORG]}: the whole nightly chain, in {@link NightlyJobs#ALL}'s order.</li>
 *   <li>{@code --as-of YYYY-MM-DD} with {@code --job NAME} or {@code --all}: read the inputs as they stood at the end of
 *       that UTC day (Delta time travel), to recompute a past day reproducibly ({@link NightlyContext#asOf()}).</li>
 *   <li>{@code --quality [--check NAME]}: the data quality checks ({@link QualityChecks}), recorded in
 *       {@code data_quality_results}; exit 1 naming the failed checks.</li>
 *   <li>{@code --requests}: the queued custom training requests, most urgent first ({@link TrainingRequests}).</li>
 *   <li>{@code --eval --dataset NAME --data-dir DIR [--k N] [--split stratified|time] [--ratio R] [--seed S]
 *       [--families a,b] [--tune-budget SECONDS]}: every model family, tuned on a validation split, beside the
 *       popularity baseline on a public data set ({@link FamilyEvaluation}). {@code --dataset synthetic [--scale X]}
 *       instead evaluates each of the generator's demo orgs beside an oracle of its listeners' true taste.</li>
 *   <li>{@code --bench [--data-dir DIR] [--rank N] [--iterations N] [--scales 1,4,16] [--skip-mllib]}: the batch
 *       benchmark ({@link BatchBenchmark}).</li>
 * </ul>
 *
 * <p>Output contract: a short human summary on stdout, then as the last stdout line one JSON object with the figures
 * (the CLI parses it). Exit status 0 on success, 1 with a one-line reason on stderr when the job fails, 2 for a
 * wrong command line. Spark's own logging goes to stderr.
 */
public final class BatchJobsMain {
    private static final String NAME = "tunetrail-batch-training";
    /** A system property for the fault suite: see {@link #haltBeforeLedger()}. */
    public static final String HALT_BEFORE_LEDGER = "tunetrail.lander.halt-before-ledger";
    /** The exit code of a lander halted by {@link #HALT_BEFORE_LEDGER}. */
    public static final int HALTED_EXIT_CODE = 86;
    // Used only when nothing else configures logging (the CLI's local runs): Spark's INFO chatter hides the summary.
    private static final String LOCAL_LOG_CONFIG = "tunetrail/batch-log4j2.properties";
    private static final String USAGE = "usage: --job land | --job <nightly job> [--org ORG] [--as-of DATE] | --all [--org ORG] [--as-of DATE] | --requests"
            + " | --eval --dataset NAME --data-dir DIR [--k N] [--split stratified|time] [--ratio R] [--seed S]"
            + " [--families a,b] [--tune-budget SECONDS] | --eval --dataset synthetic [--scale X] [same options]"
            + " | --bench [--data-dir DIR] [--rank N] [--iterations N] [--scales 1,4,16] [--skip-mllib]"
            + " | --peek TABLE[,TABLE] [--org ORG] [--n N] | --quality [--check NAME] | --orgs [--as-of DATE]"
            + " | --worker [--id NAME] [--max-jobs N] [--poll-ms MS] [--once]";
    /** The {@code --dataset} of the synthetic generator's demo orgs, evaluated beside an oracle of their true taste. */
    static final String SYNTHETIC = "synthetic";
    private static final Set<String> MODES = Set.of("--all", "--requests", "--eval", "--bench", "--quality", "--orgs", "--worker");
    private static final Set<String> VALUED = Set.of("--job", "--org", "--dataset", "--data-dir", "--k", "--split", "--ratio",
            "--seed", "--rank", "--iterations", "--scales", "--peek", "--n", "--as-of", "--check", "--id", "--max-jobs", "--poll-ms",
            "--families", "--tune-budget", "--scale");

    /** The synthetic evaluation's last generated day ends here: the same events every run. */
    private static final java.time.Instant SYNTHETIC_END = java.time.Instant.parse("2026-03-01T00:00:00Z");

    private BatchJobsMain() {}

    /** A parsed command line: the mode ({@code job}, {@code all}, {@code requests}, {@code eval}, {@code bench}) and options. */
    record Command(String mode, Map<String, String> options) {
        static Command parse(String[] args) {
            String mode = null;
            Map<String, String> options = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (MODES.contains(a) || a.equals("--job") || a.equals("--peek")) {
                    String m = a.substring(2);
                    if (mode != null) {
                        throw new IllegalArgumentException("give one of --job, --all, --requests, --eval, --bench, --peek, --quality, --orgs");
                    }
                    mode = m;
                }
                if (a.equals("--once") || a.equals("--skip-mllib")) {
                    options.put(a.substring(2), "true");
                } else if (VALUED.contains(a)) {
                    if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                        throw new IllegalArgumentException(a + " needs a value");
                    }
                    options.put(a.substring(2), args[++i]);
                } else if (!MODES.contains(a)) {
                    throw new IllegalArgumentException("unknown argument '" + a + "'");
                }
            }
            if (mode == null) {
                throw new IllegalArgumentException("say what to run");
            }
            if (options.containsKey("skip-mllib") && !mode.equals("bench")) {
                throw new IllegalArgumentException("--skip-mllib applies to --bench only");
            }
            if (mode.equals("job") && !options.get("job").equals("land")) {
                NightlyJobs.byName(options.get("job"));
            }
            if (options.containsKey("org") && !mode.equals("all") && !mode.equals("peek")
                    && !(mode.equals("job") && !options.get("job").equals("land"))) {
                throw new IllegalArgumentException("--org applies to nightly jobs only");
            }
            if (options.containsKey("as-of")) {
                if (!(mode.equals("all") || mode.equals("orgs") || mode.equals("job") && !options.get("job").equals("land"))) {
                    throw new IllegalArgumentException("--as-of applies to nightly jobs only (--job NAME, --all or --orgs)");
                }
                asOf(options);
            }
            if (options.containsKey("check")) {
                if (!mode.equals("quality")) {
                    throw new IllegalArgumentException("--check applies to --quality only");
                }
                QualityChecks.byName(options.get("check"));
            }
            if (!mode.equals("worker") && (options.containsKey("id") || options.containsKey("max-jobs")
                    || options.containsKey("poll-ms") || options.containsKey("once"))) {
                throw new IllegalArgumentException("--id, --max-jobs, --poll-ms and --once apply to --worker only");
            }
            if (mode.equals("worker")) {
                WorkerMode.options(options);
            }
            if (options.containsKey("n") && !options.get("n").matches("[1-9][0-9]{0,5}")) {
                throw new IllegalArgumentException("--n needs a whole number from 1, got '" + options.get("n") + "'");
            }
            boolean synthetic = SYNTHETIC.equals(options.get("dataset"));
            if (mode.equals("eval") && (!options.containsKey("dataset") || !synthetic && !options.containsKey("data-dir"))) {
                throw new IllegalArgumentException("--eval needs --dataset and --data-dir (none for --dataset synthetic)");
            }
            if (options.containsKey("scale") && !(mode.equals("eval") && synthetic)) {
                throw new IllegalArgumentException("--scale applies to --eval --dataset synthetic only");
            }
            if (options.containsKey("scale") && !options.get("scale").matches("(0|[1-9][0-9]?)(\\.[0-9]{1,3})?")
                    || "0".equals(options.get("scale"))) {
                throw new IllegalArgumentException("--scale needs a number above 0 and below 100, e.g. 0.5, got '"
                        + options.get("scale") + "'");
            }
            if ((options.containsKey("families") || options.containsKey("tune-budget")) && !mode.equals("eval")) {
                throw new IllegalArgumentException("--families and --tune-budget apply to --eval only");
            }
            if (options.containsKey("families")) {
                Families.parse(options.get("families"));
            }
            if (options.containsKey("tune-budget") && !options.get("tune-budget").matches("[0-9]{1,5}")) {
                throw new IllegalArgumentException("--tune-budget needs whole seconds from 0, got '" + options.get("tune-budget") + "'");
            }
            return new Command(mode, options);
        }

        /** The {@code --as-of} day, or null; fails on anything but an ISO date. */
        static LocalDate asOf(Map<String, String> options) {
            String day = options.get("as-of");
            if (day == null) {
                return null;
            }
            try {
                return LocalDate.parse(day);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("--as-of needs a date as YYYY-MM-DD, got '" + day + "'");
            }
        }

        String what() {
            return mode.equals("job") ? options.get("job") : mode.equals("peek") ? "peek " + options.get("peek") : mode;
        }
    }

    public static void main(String[] args) {
        Command command;
        try {
            command = Command.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(NAME + ": " + e.getMessage() + "; " + USAGE + "; nightly jobs: " + NightlyJobs.names());
            System.exit(2);
            return;
        }
        if (System.getProperty("spark.master") == null && System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", LOCAL_LOG_CONFIG);
        }
        int status;
        SparkSession spark = null;
        try {
            PlatformConfig config = PlatformConfig.load(System.getenv(), overrides(command));
            // The benchmark compares Spark on two cores with one thread, whatever the machine has.
            // The family evaluation is plain Java: no Spark session to start.
            spark = command.mode().equals("eval") ? null : command.mode().equals("bench")
                    ? SparkSessions.builder("tunetrail-bench", "local[2]").getOrCreate()
                    : SparkSessions.forJob("tunetrail-" + command.what().replace(' ', '-'), config);
            Map<String, Object> json = switch (command.mode()) {
                case "job" -> command.what().equals("land") ? land(spark, config) : nightly(spark, config, command);
                case "all" -> nightly(spark, config, command);
                case "requests" -> new TrainingRequests(spark, config, System.out::println).runQueued();
                case "worker" -> WorkerMode.run(spark, config, command.options());
                case "quality" -> quality(spark, config, command);
                case "orgs" -> orgs(spark, config, command);
                case "eval" -> eval(config, command);
                case "peek" -> new OfflinePeek(spark, LanderSettings.from(config).storeRoot()).peek(
                        List.of(command.options().get("peek").split(",")), command.options().get("org"),
                        Integer.parseInt(command.options().getOrDefault("n", "5")));
                case "bench" -> new BatchBenchmark(spark, config, System.out::println).run(
                        command.options().containsKey("data-dir") ? Path.of(command.options().get("data-dir")) : null,
                        Integer.parseInt(command.options().getOrDefault("rank", "64")),
                        Integer.parseInt(command.options().getOrDefault("iterations", "10")),
                        command.options().getOrDefault("scales", "1,4,16"), !command.options().containsKey("skip-mllib"));
                default -> throw new IllegalStateException(command.mode());
            };
            System.out.println(new ObjectMapper().writeValueAsString(json));
            status = 0;
        } catch (Exception | LinkageError e) {
            String m = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
            System.err.println(NAME + ": " + command.what() + " failed: " + m.lines().findFirst().orElse(m));
            status = e instanceof IllegalArgumentException ? 2 : 1;
        } finally {
            if (spark != null) {
                spark.stop();
            }
        }
        System.exit(status);
    }

    /** Command-line options that are configuration keys (evaluation and benchmark parameters). */
    private static Map<String, String> overrides(Command command) {
        if (command.mode().equals("bench")) {
            // --rank and --iterations are the ALS comparison's; the chain it measures runs with the configuration.
            return Map.of();
        }
        Map<String, String> keys = Map.of("k", PlatformConfig.EVAL_K.name(), "split", PlatformConfig.EVAL_SPLIT.name(),
                "ratio", PlatformConfig.EVAL_RATIO.name(), "seed", PlatformConfig.EVAL_SEED.name(),
                "rank", PlatformConfig.ALS_RANK.name(), "iterations", PlatformConfig.ALS_ITERATIONS.name());
        Map<String, String> out = new HashMap<>();
        command.options().forEach((k, v) -> {
            if (keys.containsKey(k)) {
                out.put(keys.get(k), v);
            }
        });
        return out;
    }

    private static Map<String, Object> land(SparkSession spark, PlatformConfig config) {
        try (HikariDataSource db = Database.connect(config, 2)) {
            LandResult result = new KafkaToDeltaLander(spark, LanderSettings.from(config),
                    new UsageLedgerPublisher(spark, db, CostCapAlerts.alertingMeter(db, PlanCatalog.load(), CostCatalog.load(), Clock.systemUTC())),
                    haltBeforeLedger()).landAll();
            result.tables().forEach(t -> System.out.println(t.summary()));
            System.out.println(result.ledgerSummary());
            return result.asMap();
        }
    }

    /**
     * With {@value #HALT_BEFORE_LEDGER} set, the lander's JVM dies (no shutdown hooks, like a kill) after landing and
     * before the ledger: how the fault suite crashes it at exactly that point.
     */
    private static Runnable haltBeforeLedger() {
        if (!Boolean.getBoolean(HALT_BEFORE_LEDGER)) {
            return () -> { };
        }
        return () -> {
            System.err.println(NAME + ": " + HALT_BEFORE_LEDGER + " is set: halting after landing, before the ledger");
            System.err.flush();
            Runtime.getRuntime().halt(HALTED_EXIT_CODE);
        };
    }

    private static Map<String, Object> nightly(SparkSession spark, PlatformConfig config, Command command) {
        List<NightlyJob> jobs = command.mode().equals("all") ? NightlyJobs.ALL : List.of(NightlyJobs.byName(command.what()));
        try (NightlyContext context = NightlyContext.builder(spark, config).org(command.options().get("org"))
                .asOf(Command.asOf(command.options())).progress(progressLines()).build()) {
            NightlyChain.Result result = new NightlyChain(jobs).metered(chainCosts(spark, context)).run(context);
            result.jobs().stream().map(JobResult::summary).forEach(System.out::println);
            return result.asMap();
        }
    }

    /** The nightly run's cost meter; the cost cap's thresholds it crosses are alerted from here (CostCapAlerts). */
    private static ChainCosts chainCosts(SparkSession spark, NightlyContext context) {
        return new ChainCosts(SparkCpuMeter.attach(spark), CostCapAlerts.alertingMeter(context.dataSource(), PlanCatalog.load(), CostCatalog.load(),
                Clock.systemUTC()), System.err::println);
    }

    /** Each step of the chain as a {@link ChainProgress#LINE_PREFIX} line on stdout, which the CLI draws. */
    private static ChainProgress progressLines() {
        ObjectMapper mapper = new ObjectMapper();
        return new ChainProgress(step -> {
            try {
                System.out.println(ChainProgress.LINE_PREFIX + mapper.writeValueAsString(step.asMap()));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("cannot write a progress line: " + e.getMessage(), e);
            }
        }, System::nanoTime);
    }

    private static Map<String, Object> quality(SparkSession spark, PlatformConfig config, Command command) {
        List<QualityCheck> checks = command.options().containsKey("check")
                ? List.of(QualityChecks.byName(command.options().get("check"))) : QualityChecks.ALL;
        try (HikariDataSource db = Database.connect(config, 2)) {
            QualityContext context = new QualityContext(spark, config,
                    new OfflineTables(spark, config.offlineStoreUri()), db, Clock.systemUTC());
            DataQuality.Report report = new DataQuality(context, System.out::println).run(checks);
            DataQuality.requirePassed(report);
            return report.asMap();
        }
    }

    /** The orgs a nightly run would train (every org with landed interactions), for a scheduler to map tasks over. */
    private static Map<String, Object> orgs(SparkSession spark, PlatformConfig config, Command command) {
        try (NightlyContext context = NightlyContext.builder(spark, config).asOf(Command.asOf(command.options())).build()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("orgs", context.orgs());
            json.put("interactions_delta_version", context.interactions().version());
            return json;
        }
    }

    private static Map<String, Object> eval(PlatformConfig config, Command command) {
        String dataset = command.options().get("dataset");
        long seed = config.getLong(PlatformConfig.EVAL_SEED);
        RowSplit split = new RowSplit(RowSplit.Kind.parse(config.get(PlatformConfig.EVAL_SPLIT)),
                config.getDouble(PlatformConfig.EVAL_RATIO), seed);
        Duration budget = Duration.ofSeconds(Long.parseLong(command.options().getOrDefault("tune-budget",
                config.get(PlatformConfig.EVAL_TUNE_BUDGET))));
        FamilyEvaluation evaluation = new FamilyEvaluation(split, seed, config.getInt(PlatformConfig.EVAL_K), budget,
                System.out::println);
        if (SYNTHETIC.equals(dataset)) {
            GeneratorSettings settings = GeneratorSettings.defaults(SYNTHETIC_END)
                    .withScale(Double.parseDouble(command.options().getOrDefault("scale", "1")));
            Map<String, Object> orgs = new LinkedHashMap<>();
            for (DatasetEvaluation.SyntheticOrg org : DatasetEvaluation.synthetic(settings,
                    Preferences.from(config).weights())) {
                Map<String, Object> figures = evaluation.run(dataset + "/" + org.orgId() + " (" + org.planId() + ")",
                        org.rows(), Families.parse(command.options().get("families")), new TruePreference(org.truth()));
                figures.put("plan", org.planId());
                orgs.put(org.orgId(), figures);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("dataset", dataset);
            out.put("scale", settings.scale());
            out.put("orgs", orgs);
            return out;
        }
        Interactions rows = DatasetEvaluation.interactions(dataset, Path.of(command.options().get("data-dir")), config.home());
        return evaluation.run(dataset, rows, Families.parse(command.options().get("families")));
    }
}
