package io.tunetrail.batch.nightly;

import io.tunetrail.store.registry.ModelVersion;

/**
 * The {@code model_version} a version's rows carry in Delta and in Redis ({@link ModelVersion#label}, which the API's
 * rollback and pin flip to as well): {@code 1.3} for an org's own version,
 * {@code global-1.3} for the global (community edition) model, whose rows are written under each community org's
 * partition and keys. The prefix keeps the two lineages apart: both number from {@code 1.0}, and an org's pointer must
 * say which one it serves. The label stays inside the alphabet of Redis version segments ({@code [A-Za-z0-9._-]}).
 */
public final class ModelLabel {
    public static final String GLOBAL_PREFIX = ModelVersion.GLOBAL_LABEL_PREFIX;

    private ModelLabel() {}

    public static String of(ModelVersion version) {
        return version.label();
    }
}
