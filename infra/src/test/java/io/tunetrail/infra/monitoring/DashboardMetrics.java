package io.tunetrail.infra.monitoring;

import java.io.IOException;
import java.util.Set;

/** The metric names a dashboard of infra/monitoring/dashboards queries, for tests outside this package. */
public final class DashboardMetrics {
    private DashboardMetrics() {}

    public static Set<String> queriedBy(String dashboard) throws IOException {
        return Dashboards.metricNames(Dashboards.file(dashboard));
    }
}
