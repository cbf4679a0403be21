package io.tunetrail.model;

/** Why a record was refused; the machine-readable code on dead letters, reject files and API errors. */
public enum RejectReason {
    /** The bytes are not JSON, or not the JSON object we expect (truncated, wrong encoding). */
    MALFORMED_JSON,
    /** Valid JSON that breaks the schema: a missing field, a wrong type, an unknown value or field. */
    SCHEMA_VIOLATION,
    /** Event time older than the stream's allowed lateness. */
    LATE_EVENT,
    /** Event time further in the future than clocks can plausibly drift. */
    FUTURE_EVENT,
    /** The org the record names does not exist. */
    UNKNOWN_ORG,
    /** A row of an imported file that cannot be read (wrong column count, bad number, unknown reference). */
    BAD_ROW
}
