package io.tunetrail.model;

/** An artist in an org's catalog. */
public record Artist(String orgId, String artistId, String name) {}
