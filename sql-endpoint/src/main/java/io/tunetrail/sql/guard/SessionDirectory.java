package io.tunetrail.sql.guard;

import org.apache.spark.sql.SparkSession;

/** Tells the engine's rules who a Spark session belongs to; the endpoint's server provides the one implementation. */
public interface SessionDirectory {
    SessionAccount accountOf(SparkSession session);

    /** The row and time limits of analysts' queries (0: none). */
    long maxRows();
}
