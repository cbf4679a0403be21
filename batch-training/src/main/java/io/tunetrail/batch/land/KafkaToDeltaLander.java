package io.tunetrail.batch.land;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.delta.tables.DeltaTable;
import io.tunetrail.model.OfflineStoreLayout;
import io.tunetrail.store.usage.UsageLedgerStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lands the raw topics (interactions, usage, dead letters) into their Delta tables, exactly once.
 *
 * <p>Each table is one Structured Streaming query with {@code Trigger.AvailableNow()} and its own checkpoint under
 * {@code <root>/_checkpoints/<table>}: a run lands everything that arrived since the previous run and stops. Every
 * micro-batch is written with Delta's idempotent writes ({@code txnAppId} = the query id, {@code txnVersion} = the
 * batch id), so a batch replayed after a crash between the Delta commit and the checkpoint commit is skipped rather
 * than written twice. Records of the event topics that break their schema are not dropped: they go to
 * {@code dead_letters} with stage {@code lander} in the same micro-batch.
 *
 * <p>The streaming jobs' result topics ({@code usage-hourly}, {@code usage-daily}, {@code sessions}) land the same way
 * but are upserted on their natural key ({@link ResultFormat}): Flink writes them with transactions, read here with
 * {@code isolation.level=read_committed}, so an aborted Flink transaction never reaches Delta. A result topic that does
 * not exist yet (no streaming job ran) lands nothing; its table is still created empty. The months whose daily usage
 * changed are then summed into the billing ledger in PostgreSQL ({@link UsageLedgerPublisher}); they are marked in
 * PostgreSQL before their days are upserted, so a run that dies before the ledger leaves them to the next run.
 *
 * <p>Runs must not overlap (two runs would share checkpoints). Landed and refused counts are those of this run;
 * a batch replayed after a crash is counted again although Delta skips it.
 */
public final class KafkaToDeltaLander {
    /** Columns of a Kafka source row, as Spark's Kafka source yields them ({@code headers} only when asked). */
    public static final StructType KAFKA_SCHEMA = new StructType()
            .add("key", DataTypes.BinaryType).add("value", DataTypes.BinaryType)
            .add("topic", DataTypes.StringType).add("partition", DataTypes.IntegerType)
            .add("offset", DataTypes.LongType).add("timestamp", DataTypes.TimestampType)
            .add("timestampType", DataTypes.IntegerType);

    private static final Logger LOG = LoggerFactory.getLogger(KafkaToDeltaLander.class);
    // Set by Spark on the thread that runs a streaming query's micro-batches (StreamExecution.QUERY_ID_KEY).
    private static final String QUERY_ID_PROPERTY = "sql.streaming.queryId";

    private final SparkSession spark;
    private final LanderSettings settings;
    private final UsageLedgerPublisher ledger;
    private final Runnable beforeLedger;
    private final OfflineStoreLayout layout = OfflineStoreLayout.load();

    public KafkaToDeltaLander(SparkSession spark, LanderSettings settings, UsageLedgerPublisher ledger) {
        this(spark, settings, ledger, () -> { });
    }

    /**
     * {@code beforeLedger} runs after every table has landed and before the ledger is written: the fault suite's hook
     * to stop the lander exactly between the two (issue 11).
     */
    public KafkaToDeltaLander(SparkSession spark, LanderSettings settings, UsageLedgerPublisher ledger, Runnable beforeLedger) {
        this.spark = spark;
        this.settings = settings;
        this.ledger = ledger;
        this.beforeLedger = beforeLedger;
    }

    /** Lands every table; returns what each got. Throws {@link IllegalStateException} naming the failing table. */
    public LandResult landAll() {
        long start = System.nanoTime();
        for (String table : List.of("interactions", "usage", "dead_letters", "usage_hourly", "usage_daily", "sessions")) {
            ensureTable(table);
        }
        List<LandResult.TableLanding> results = new ArrayList<>();
        results.add(landEvents(EventFormat.INTERACTIONS, "interactions", settings.interactionsTopic()));
        results.add(landEvents(EventFormat.USAGE, "usage", settings.usageTopic()));
        results.add(landDeadLetters());
        Set<String> existing = ResultTopics.existing(settings);
        results.add(landResults(ResultFormat.USAGE_HOURLY, settings.usageHourlyTopic(), existing, rows -> { }));
        results.add(landResults(ResultFormat.USAGE_DAILY, settings.usageDailyTopic(), existing,
                rows -> ledger.markChanged(location("usage_daily"), rows)));
        results.add(landResults(ResultFormat.SESSIONS, settings.sessionsTopic(), existing, rows -> { }));
        beforeLedger.run();
        // After the days have landed: a month's ledger rows are recomputed from all of its days in Delta.
        UsageLedgerStore.Written billed = ledger.publishPending(location("usage_daily"));
        return new LandResult(results, billed, (System.nanoTime() - start) / 1_000_000);
    }

    private LandResult.TableLanding landEvents(EventFormat format, String table, String topic) {
        AtomicLong landed = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        run(table, topic, false, (batch, batchId) -> {
            long t0 = System.nanoTime();
            Dataset<Row> classified = format.classify(batch).persist(StorageLevel.MEMORY_AND_DISK());
            try {
                Row counts = classified.agg(
                        sum(lit(1L)), sum(when(col(EventFormat.REFUSAL_CODE).isNotNull(), 1L).otherwise(0L))).first();
                long total = counts.isNullAt(0) ? 0 : counts.getLong(0);
                long bad = counts.isNullAt(1) ? 0 : counts.getLong(1);
                long t1 = System.nanoTime();
                String appId = appId(table);
                if (total - bad > 0) {
                    append(format.landedRows(classified), table, appId, batchId);
                }
                if (bad > 0) {
                    append(DeadLetterRows.refusedRows(classified), "dead_letters", appId, batchId);
                }
                landed.addAndGet(total - bad);
                refused.addAndGet(bad);
                LOG.info("{} batch {}: {} landed, {} refused (read and check {} ms, write {} ms)", table, batchId,
                        total - bad, bad, (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
            } finally {
                classified.unpersist();
            }
        });
        return new LandResult.TableLanding(table, topic, landed.get(), refused.get(), version(table));
    }

    /**
     * Lands the dead-letter topic. A letter that names where its record came from (source topic, partition and offset)
     * lands once per stage however often it was sent: a bounded streaming run ({@code stream --until-idle}) reads its
     * topics from the start each time and refuses the same bad records again. Letters without a source position
     * (a file import's) are appended as they come.
     */
    private LandResult.TableLanding landDeadLetters() {
        String table = "dead_letters";
        AtomicLong landed = new AtomicLong();
        run(table, settings.deadLetterTopic(), true, (batch, batchId) -> {
            Dataset<Row> rows = DeadLetterRows.fromDeadLetterTopic(batch).persist(StorageLevel.MEMORY_AND_DISK());
            try {
                Column positioned = col("source_topic").isNotNull().and(col("source_partition").isNotNull())
                        .and(col("source_offset").isNotNull());
                Dataset<Row> unpositioned = rows.filter(functions.not(positioned));
                long appended = unpositioned.count();
                if (appended > 0) {
                    append(unpositioned, table, appId(table), batchId);
                }
                Dataset<Row> letters = rows.filter(positioned).dropDuplicates(DeadLetterRows.IDENTITY.toArray(new String[0]));
                long inserted = 0;
                if (!letters.isEmpty()) {
                    DeltaTable target = DeltaTable.forPath(spark, location(table));
                    // Insert-if-absent is idempotent, so a replayed micro-batch needs no transaction id here.
                    target.as("t").merge(letters.as("s"), String.join(" AND ",
                                    DeadLetterRows.IDENTITY.stream().map(c -> "t." + c + " = s." + c).toList()))
                            .whenNotMatched().insertAll()
                            .execute();
                    inserted = Long.parseLong(target.history(1).select("operationMetrics").first()
                            .<String, String>getJavaMap(0).getOrDefault("numTargetRowsInserted", "0"));
                }
                long repeated = rows.count() - appended - inserted;
                if (repeated > 0) {
                    LOG.info("dead_letters batch {}: {} letters already landed (sent again by a re-run), not landed twice",
                            batchId, repeated);
                }
                landed.addAndGet(appended + inserted);
            } finally {
                rows.unpersist();
            }
        });
        return new LandResult.TableLanding(table, settings.deadLetterTopic(), landed.get(), 0, version(table));
    }

    /**
     * Upserts a result topic's records into its table (see {@link ResultFormat}); refused records go to dead_letters.
     * {@code beforeUpsert} sees each micro-batch's rows before they are upserted.
     */
    private LandResult.TableLanding landResults(ResultFormat format, String topic, Set<String> existing,
            Consumer<Dataset<Row>> beforeUpsert) {
        String table = format.table();
        if (!existing.contains(topic)) {
            return new LandResult.TableLanding(table, topic, 0, 0, version(table));
        }
        AtomicLong landed = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        run(table, topic, false, (batch, batchId) -> {
            Dataset<Row> classified = format.classify(batch).persist(StorageLevel.MEMORY_AND_DISK());
            try {
                Dataset<Row> rows = format.landedRows(classified).persist(StorageLevel.MEMORY_AND_DISK());
                try {
                    long n = rows.count();
                    if (n > 0) {
                        beforeUpsert.accept(rows);
                        // MERGE is idempotent on its own: a replayed batch upserts the same rows again.
                        DeltaTable.forPath(spark, location(table)).as("t")
                                .merge(rows.as("s"), format.mergeCondition())
                                .whenMatched().updateAll()
                                .whenNotMatched().insertAll()
                                .execute();
                    }
                    landed.addAndGet(n);
                } finally {
                    rows.unpersist();
                }
                Dataset<Row> bad = DeadLetterRows.refusedRows(classified);
                long b = bad.count();
                if (b > 0) {
                    append(bad, "dead_letters", appId(table), batchId);
                }
                refused.addAndGet(b);
            } finally {
                classified.unpersist();
            }
        });
        return new LandResult.TableLanding(table, topic, landed.get(), refused.get(), version(table));
    }

    /** Runs one AvailableNow query from {@code topic} through {@code perBatch} and waits until it has caught up. */
    private void run(String table, String topic, boolean headers, BiConsumer<Dataset<Row>, Long> perBatch) {
        Dataset<Row> source = spark.readStream().format("kafka")
                .option("kafka.bootstrap.servers", settings.bootstrapServers())
                .option("subscribe", topic)
                .option("startingOffsets", "earliest")
                .option("maxOffsetsPerTrigger", settings.maxRecordsPerBatch())
                .option("includeHeaders", headers)
                // The streaming jobs write their results in Kafka transactions: never land an aborted one.
                .option("kafka.isolation.level", "read_committed")
                // An unreachable broker should fail the run within a minute, not hang it.
                .option("kafka.default.api.timeout.ms", "30000")
                .option("kafka.request.timeout.ms", "15000")
                .load();
        String checkpoint = settings.checkpointLocation(table);
        try {
            StreamingQuery query = source.writeStream()
                    .queryName("land-" + table)
                    .option("checkpointLocation", checkpoint)
                    .trigger(Trigger.AvailableNow())
                    .foreachBatch((VoidFunction2<Dataset<Row>, Long>) perBatch::accept)
                    .start();
            query.awaitTermination();
        } catch (StreamingQueryException | TimeoutException e) {
            Throwable cause = e instanceof StreamingQueryException sqe && sqe.cause() != null ? sqe.cause() : e;
            throw new IllegalStateException("landing topic '" + topic + "' (Kafka " + settings.bootstrapServers()
                    + ") into table " + table + " failed: "
                    + firstLine(cause) + ". The failed micro-batch was not committed; fix the cause and run again, "
                    + "the lander resumes from " + checkpoint, e);
        }
    }

    private void append(Dataset<Row> rows, String table, String appId, long batchId) {
        OfflineStoreLayout.Table t = layout.table(table);
        Column[] partitions = t.partitionBy().stream().map(c -> col(c)).toArray(Column[]::new);
        // One writer per partition value: files per partition instead of files per Kafka partition x table partition.
        rows.repartition(partitions).write().format("delta").mode(SaveMode.Append)
                .option("txnAppId", appId)
                .option("txnVersion", batchId)
                .partitionBy(t.partitionBy().toArray(new String[0]))
                .save(location(table));
    }

    /** Creates an empty table with its schema and partitioning, so readers find every raw table from the first run. */
    private void ensureTable(String table) {
        String location = location(table);
        if (DeltaTable.isDeltaTable(spark, location)) {
            return;
        }
        Dataset<Row> emptyKafka = spark.createDataFrame(List.of(), KAFKA_SCHEMA);
        Dataset<Row> empty = switch (table) {
            case "interactions" -> EventFormat.INTERACTIONS.landedRows(EventFormat.INTERACTIONS.classify(emptyKafka));
            case "usage" -> EventFormat.USAGE.landedRows(EventFormat.USAGE.classify(emptyKafka));
            case "usage_hourly" -> ResultFormat.USAGE_HOURLY.landedRows(ResultFormat.USAGE_HOURLY.classify(emptyKafka));
            case "usage_daily" -> ResultFormat.USAGE_DAILY.landedRows(ResultFormat.USAGE_DAILY.classify(emptyKafka));
            case "sessions" -> ResultFormat.SESSIONS.landedRows(ResultFormat.SESSIONS.classify(emptyKafka));
            default -> DeadLetterRows.refusedRows(EventFormat.INTERACTIONS.classify(emptyKafka));
        };
        empty.write().format("delta").mode(SaveMode.Append)
                .partitionBy(layout.table(table).partitionBy().toArray(new String[0]))
                .save(location);
    }

    private String location(String table) {
        return layout.table(table).location(settings.storeRoot());
    }

    private long version(String table) {
        return DeltaTable.forPath(spark, location(table)).history(1).select("version").first().getLong(0);
    }

    /**
     * The Delta transaction id of a query's writes: its query id, which lives in the checkpoint. A deleted checkpoint
     * means a new id, so a deliberate re-land is written rather than mistaken for batches already committed.
     */
    private String appId(String table) {
        String queryId = spark.sparkContext().getLocalProperty(QUERY_ID_PROPERTY);
        return queryId == null ? "tunetrail-lander-" + table : queryId;
    }

    private static String firstLine(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getName() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
