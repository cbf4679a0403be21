package io.tunetrail.ingestion.importers;

import io.tunetrail.model.Catalog;

/** The catalog an import built and the counts of what it read; the events went to the caller's consumer. */
public record ImportResult(Catalog catalog, ImportSummary summary) {}
