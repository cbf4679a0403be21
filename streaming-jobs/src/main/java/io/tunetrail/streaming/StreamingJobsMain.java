package io.tunetrail.streaming;

public final class StreamingJobsMain {
    public static void main(String[] args) {
        System.err.println("placeholder");
        System.exit(2);
    }
}
