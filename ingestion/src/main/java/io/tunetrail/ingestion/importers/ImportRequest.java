package io.tunetrail.ingestion.importers;

import io.tunetrail.model.Org;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * What to import and where to.
 *
 * @param dataDir the unpacked data set folder (e.g. {@code ../shared/datasets/hetrec2011-lastfm-2k})
 * @param org the org that receives the catalog and the events; it is also the catalog's only org entry
 * @param outputDir where reject files go, under {@code rejects/}; created when the first bad row is found
 * @param referenceTime the instant that synthesized event times are derived from, for formats without times
 *     (Last.fm play counts); a parameter rather than the clock so that an import is repeatable
 */
public record ImportRequest(Path dataDir, Org org, Path outputDir, Instant referenceTime) {

    public ImportRequest {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(outputDir, "outputDir");
        Objects.requireNonNull(referenceTime, "referenceTime");
        if (!Ids.isValid(org.orgId())) {
            throw ImportErrors.badOrgId(org.orgId());
        }
    }

    /** The directory reject files are written to. */
    public Path rejectDir() {
        return outputDir.resolve("rejects");
    }
}
