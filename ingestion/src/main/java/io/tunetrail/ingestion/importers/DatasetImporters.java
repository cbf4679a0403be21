package io.tunetrail.ingestion.importers;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The importers by name, for the CLI: {@code lastfm-2k}, {@code spotify}, {@code movielens}. */
public final class DatasetImporters {
    private static final Map<String, Supplier<DatasetImporter>> BY_NAME = Map.of(
            LastFmImporter.NAME, LastFmImporter::new,
            SpotifySongsImporter.NAME, SpotifySongsImporter::new,
            MovieLensImporter.NAME, MovieLensImporter::new);

    private DatasetImporters() {}

    /** The known names, in the order help texts list them. */
    public static List<String> names() {
        return List.of(LastFmImporter.NAME, SpotifySongsImporter.NAME, MovieLensImporter.NAME);
    }

    /**
     * The importer called {@code name}.
     *
     * @throws IllegalArgumentException naming the known importers when there is none by that name
     */
    public static DatasetImporter forName(String name) {
        Supplier<DatasetImporter> importer = name == null ? null : BY_NAME.get(name);
        if (importer == null) {
            throw ImportErrors.unknownDataset(name, names());
        }
        return importer.get();
    }
}
