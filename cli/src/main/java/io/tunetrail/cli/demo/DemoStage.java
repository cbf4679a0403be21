package io.tunetrail.cli.demo;

/**
 * One stage of {@code ./tunetrail demo}. Stages run in order and share a {@link DemoContext}; a stage that throws
 * stops the demo, which then names the stage and the reason. Later parts of the platform (streaming, training,
 * serving) join the demo by adding a stage to {@link DemoCommand#stages(boolean)}.
 */
public interface DemoStage {
    /** A short name shown in the demo's output, e.g. {@code "stack"}. */
    String name();

    /** One line on what the stage does. */
    String description();

    void run(DemoContext context) throws Exception;
}
