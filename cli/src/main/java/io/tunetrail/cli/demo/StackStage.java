package io.tunetrail.cli.demo;

import io.tunetrail.cli.stack.LocalStack;

/** Starts Kafka, PostgreSQL and Redis on loopback (or finds them running). */
final class StackStage implements DemoStage {
    @Override
    public String name() {
        return "stack";
    }

    @Override
    public String description() {
        return "start Kafka (KRaft), PostgreSQL 15 + pgvector and Redis on loopback";
    }

    @Override
    public void run(DemoContext context) {
        new LocalStack(context.config(), line -> context.out().println("      " + line)).start();
    }
}
