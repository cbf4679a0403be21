package io.tunetrail.ingestion.importers;

import io.tunetrail.model.InteractionEvent;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Reads one public data set format from a directory into one org of the platform.
 *
 * <p>The catalog (users, artists, genres, tracks, audio features) comes back in the {@link ImportResult}; interactions
 * are pushed to {@code events} one by one while the files are read, so a caller can publish them to Kafka without
 * the importer holding them all. Bad rows never stop an import: each is written to a reject file under
 * {@link ImportRequest#outputDir()} and counted in the {@link ImportSummary}. Only a wrong input fails an import, with
 * an {@link IllegalArgumentException} naming the file and the directory: a missing required file before anything is
 * read, a file without the expected header columns when that file is reached.
 *
 * <p>Imports are deterministic: the same files and request give the same catalog and the same events (ids and
 * times included), so re-running an import is idempotent downstream. Instances are stateless and thread-safe.
 */
public interface DatasetImporter {

    /** The name the CLI and {@link DatasetImporters#forName} know this importer by, e.g. {@code lastfm-2k}. */
    String name();

    /** One line for help texts: the data set and the files it reads. */
    String description();

    /**
     * Imports the data set in {@code request.dataDir()}.
     *
     * @param events receives every interaction, in file order; it runs on the calling thread
     * @throws IOException when a file cannot be read (not for bad rows, which are rejected and counted)
     */
    ImportResult importInto(ImportRequest request, Consumer<? super InteractionEvent> events) throws IOException;
}
