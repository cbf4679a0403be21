package io.tunetrail.model;

/** A customer organisation. {@code planId} names an entry of the plan catalog ({@link PlanCatalog}). */
public record Org(String orgId, String name, String planId) {}
