package io.tunetrail.batch.costs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import io.tunetrail.batch.testing.LocalSpark;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The CPU meter on a real local Spark session: a run gets its own tasks' CPU, not other threads' work. */
class SparkCpuMeterIT {
    private final SparkSession spark = LocalSpark.get();
    private final SparkCpuMeter meter = SparkCpuMeter.attach(spark);

    /** Work with a CPU cost that grows with {@code rows}. */
    private long crunch(long rows) {
        return spark.range(rows).repartition(4).select(col("id").multiply(col("id")).mod(7).as("x")).agg(sum("x"))
                .first().getLong(0);
    }

    @Test
    void aRunIsChargedItsOwnTasksAndItsDriverThread() {
        crunch(1_000); // warm up planning and code generation, so the runs below compare work rather than first-use costs
        SparkCpuMeter.Measurement small = meter.start("test/small");
        crunch(10_000);
        SparkCpuMeter.Cpu smallCpu = small.stop();
        SparkCpuMeter.Measurement big = meter.start("test/big");
        crunch(3_000_000);
        SparkCpuMeter.Cpu bigCpu = big.stop();

        assertThat(smallCpu.complete()).isTrue();
        assertThat(bigCpu.complete()).isTrue();
        assertThat(smallCpu.executorSeconds()).isPositive();
        assertThat(bigCpu.executorSeconds()).isGreaterThan(5 * smallCpu.executorSeconds());
        assertThat(bigCpu.driverSeconds()).isPositive();
    }

    @Test
    void aSessionHasOneMeterHoweverOftenARunAttachesOne() {
        // Each chain run and each drained request attaches: a listener per attach would pile up in a long-lived JVM.
        assertThat(SparkCpuMeter.attach(spark)).isSameAs(meter).isSameAs(SparkCpuMeter.attach(spark));
    }

    @Test
    void workOfAnotherThreadIsNotCharged() throws Exception {
        crunch(1_000);
        // Made before the run starts: a thread the run itself started would inherit its tag (Spark's local properties
        // are inherited), and rightly so, since its work would be the run's.
        ExecutorService other = Executors.newSingleThreadExecutor();
        other.submit(() -> { }).get();
        SparkCpuMeter.Measurement idle = meter.start("test/idle");
        // Another thread's heavy work (as a second job of a worker, under its own tag or none) while this run does nothing.
        other.submit(() -> crunch(3_000_000)).get(120, TimeUnit.SECONDS);
        other.shutdown();
        SparkCpuMeter.Cpu idleCpu = idle.stop();
        assertThat(idleCpu.executorSeconds()).isZero();

        SparkCpuMeter.Measurement busy = meter.start("test/busy");
        crunch(3_000_000);
        assertThat(busy.stop().executorSeconds()).isGreaterThan(0.05);
    }

    @Test
    void aRunInsideAnotherTakesItsTasksOutOfTheOuterOne() {
        SparkCpuMeter.Measurement outer = meter.start("test/outer");
        SparkCpuMeter.Measurement inner = meter.start("test/inner");
        crunch(3_000_000);
        SparkCpuMeter.Cpu innerCpu = inner.stop();
        SparkCpuMeter.Cpu outerCpu = outer.stop();
        assertThat(innerCpu.executorSeconds()).isPositive();
        assertThat(outerCpu.executorSeconds()).isLessThan(innerCpu.executorSeconds());
        assertThat(spark.sparkContext().getLocalProperty(SparkCpuMeter.TAG)).isNull();
        assertThatThrownBy(() -> {
            meter.start("test/twice");
            meter.start("test/twice");
        }).hasMessageContaining("test/twice");
    }
}
