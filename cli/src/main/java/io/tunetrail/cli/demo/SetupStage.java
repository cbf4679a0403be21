package io.tunetrail.cli.demo;

import io.tunetrail.cli.setup.Setup;

/** Installs what is missing and builds the modules; a no-op on a machine that is ready. */
final class SetupStage implements DemoStage {
    @Override
    public String name() {
        return "setup";
    }

    @Override
    public String description() {
        return "install missing system packages and pgvector, build the modules";
    }

    @Override
    public void run(DemoContext context) {
        new Setup(context.config(), context.repositoryRoot(), line -> context.out().println("      " + line)).run(true);
    }
}
