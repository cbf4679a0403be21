package io.tunetrail.model;

/** A genre (or subgenre, when {@code parentGenreId} is set) in an org's catalog. */
public record Genre(String orgId, String genreId, String name, String parentGenreId) {}
