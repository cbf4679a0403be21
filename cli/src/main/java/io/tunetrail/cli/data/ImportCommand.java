package io.tunetrail.cli.data;

import io.tunetrail.cli.TunetrailCli;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./tunetrail import}: a public data set into one org of the running stack. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Import a public data set into one org: catalog -> PostgreSQL, interactions -> Kafka.",
            "Bad rows are written with file and line to .tunetrail/rejects/ and counted; nothing is dropped silently.",
            "Data sets: lastfm-2k (HetRec 2011), spotify (songs CSV), movielens (ratings.csv or the 100K u.data)."})
public final class ImportCommand implements Callable<Integer> {
    @Option(names = "--dataset", required = true, description = "lastfm-2k, spotify or movielens.")
    String dataset;

    @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "Directory holding the data set's files.")
    Path dataDir;

    @Mixin
    DataOptions data = new DataOptions();

    @Override
    public Integer call() {
        DataOptions.requireDataset(dataset, dataDir);
        new PlatformLoader(TunetrailCli.config(), System.out)
                .loadDataset(dataset, dataDir, data.importOrg(dataset), data.endInstant())
                .print(System.out);
        return 0;
    }
}
