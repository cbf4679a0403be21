package io.tunetrail.cli.demo;

import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.cli.stack.LocalStack;
import io.tunetrail.store.Database;

/** Starts Kafka, PostgreSQL and Redis on loopback (or finds them running), and brings the schema up to date. */
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
        // A stack left running by an older checkout has an older schema, and starting it again does not migrate
        // (LocalStack.start only prepares what it starts); the later stages need this code's schema.
        try (HikariDataSource ds = Database.connect(context.config(), 2)) {
            int applied = Database.migrate(ds, context.config());
            if (applied > 0) {
                context.out().println("      " + applied + " newer migration(s) applied to the running database");
            }
        }
    }
}
