package io.tunetrail.store.registry;

import io.tunetrail.store.StoreException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model version number, {@code MAJOR.MINOR}. A retrain of the same algorithm with the same parameters on newer
 * data is a new minor version; changed parameters make a new major version. The {@code allow_minor} model policy
 * (pro plan) promotes only minor versions automatically, so a customer never gets a differently configured model
 * without opting in.
 */
public record VersionNumber(int major, int minor) implements Comparable<VersionNumber> {
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,6})\\.(\\d{1,6})");

    public static final VersionNumber FIRST = new VersionNumber(1, 0);

    public VersionNumber {
        if (major < 1 || minor < 0) {
            throw new IllegalArgumentException("a version is MAJOR.MINOR with MAJOR >= 1 and MINOR >= 0, got " + major + "." + minor);
        }
    }

    public static VersionNumber parse(String text) {
        Matcher m = FORMAT.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw StoreException.invalid("model version '" + text + "' is not of the form MAJOR.MINOR",
                    "Give a version as the registry lists it, e.g. 3.14");
        }
        return new VersionNumber(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    public VersionNumber nextMinor() {
        return new VersionNumber(major, minor + 1);
    }

    public VersionNumber nextMajor() {
        return new VersionNumber(major + 1, 0);
    }

    @Override
    public int compareTo(VersionNumber o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
