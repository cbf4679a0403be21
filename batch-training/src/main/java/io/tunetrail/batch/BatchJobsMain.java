package io.tunetrail.batch;

public final class BatchJobsMain {
    public static void main(String[] args) {
        System.err.println("placeholder");
        System.exit(2);
    }
}
