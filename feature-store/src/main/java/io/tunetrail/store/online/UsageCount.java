package io.tunetrail.store.online;

/** Units of one resource an org used in the current UTC day and month (0 when nothing was counted). */
public record UsageCount(String resource, long day, long month) {}
