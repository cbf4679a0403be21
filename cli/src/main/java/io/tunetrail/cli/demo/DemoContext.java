package io.tunetrail.cli.demo;

import io.tunetrail.cli.data.DataOptions;
import io.tunetrail.cli.data.LoadSummary;
import io.tunetrail.model.PlatformConfig;
import java.io.PrintStream;
import io.tunetrail.cli.jobs.JobLauncher;
import java.nio.file.Path;

/** What the demo's stages share: the configuration, the options, where to print, and what earlier stages produced. */
public final class DemoContext {
    private final PlatformConfig config;
    private final Path repositoryRoot;
    private final String dataset;
    private final Path dataDir;
    private final DataOptions data;
    private final boolean reload;
    private final boolean cluster;
    private final PrintStream out;
    private LoadSummary loaded;

    DemoContext(PlatformConfig config, Path repositoryRoot, String dataset, Path dataDir, DataOptions data, boolean reload,
            boolean cluster, PrintStream out) {
        this.config = config;
        this.repositoryRoot = repositoryRoot;
        this.dataset = dataset;
        this.dataDir = dataDir;
        this.data = data;
        this.reload = reload;
        this.cluster = cluster;
        this.out = out;
    }

    public PlatformConfig config() {
        return config;
    }

    /** The repository to build from, or null when the CLI was not started by {@code ./tunetrail}. */
    public Path repositoryRoot() {
        return repositoryRoot;
    }

    /** {@code synthetic} or the name of a public data set. */
    public String dataset() {
        return dataset;
    }

    public Path dataDir() {
        return dataDir;
    }

    public DataOptions data() {
        return data;
    }

    /** Whether to publish again data an earlier demo run already loaded. */
    public boolean reload() {
        return reload;
    }

    /** Whether the jobs go to the local clusters ({@code demo --cluster}) instead of Spark local and a Flink MiniCluster. */
    public boolean cluster() {
        return cluster;
    }

    /** Where the stages' jobs run: the local clusters with {@code --cluster}, else a JVM of their own. */
    public JobLauncher jobs() {
        return JobLauncher.of(config, repositoryRoot, cluster);
    }

    public PrintStream out() {
        return out;
    }

    /** What the data stage loaded in this run; null when it found the data loaded already. */
    public LoadSummary loaded() {
        return loaded;
    }

    void loaded(LoadSummary summary) {
        this.loaded = summary;
    }
}
