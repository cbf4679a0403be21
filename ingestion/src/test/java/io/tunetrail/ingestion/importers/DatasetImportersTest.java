package io.tunetrail.ingestion.importers;

import static io.tunetrail.ingestion.importers.ImportTestSupport.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.model.Org;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetImportersTest {
    @TempDir
    Path dir;

    @Test
    void knownNamesGiveTheirImporter() {
        assertThat(DatasetImporters.forName("lastfm-2k")).isInstanceOf(LastFmImporter.class);
        assertThat(DatasetImporters.forName("spotify")).isInstanceOf(SpotifySongsImporter.class);
        assertThat(DatasetImporters.forName("movielens")).isInstanceOf(MovieLensImporter.class);
        for (String name : DatasetImporters.names()) {
            DatasetImporter importer = DatasetImporters.forName(name);
            assertThat(importer.name()).isEqualTo(name);
            assertThat(importer.description()).isNotBlank();
        }
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        assertThatThrownBy(() -> DatasetImporters.forName("lastfm"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'lastfm'")
                .hasMessageContaining("lastfm-2k, spotify, movielens");
        assertThatThrownBy(() -> DatasetImporters.forName(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMissingFileIsNamedWithTheDirectory() {
        assertThatThrownBy(() -> DatasetImporters.forName("spotify").importInto(request(dir, dir), e -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spotify_songs.csv")
                .hasMessageContaining(dir.toAbsolutePath().toString());
    }

    @Test
    void aDataDirectoryThatIsNotThereIsReportedAsSuch() {
        Path nowhere = dir.resolve("nowhere");
        assertThatThrownBy(() -> DatasetImporters.forName("lastfm-2k").importInto(request(nowhere, dir), e -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(nowhere.toAbsolutePath() + " is not a directory");
    }

    @Test
    void anOrgIdThatBreaksTheIdPatternIsRefused() {
        assertThatThrownBy(() -> new ImportRequest(dir, new Org("-bad org", "x", "community"), dir,
                ImportTestSupport.REFERENCE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'-bad org'");
    }
}
