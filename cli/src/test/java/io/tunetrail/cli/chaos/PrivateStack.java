package io.tunetrail.cli.chaos;

import io.tunetrail.cli.FileTrees;
import io.tunetrail.cli.stack.LocalStack;
import io.tunetrail.cli.stack.StackTestSupport;
import io.tunetrail.model.PlatformConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A stack of the fault tests' own (home under {@code target/}, free ports), so the brokers and servers they kill and
 * restart are never the shared stack's. Started once for every fault test class of the run (a stack's start and stop
 * cost seconds each) and stopped when the last test of the run is done; each scenario leaves it running.
 */
final class PrivateStack implements BeforeAllCallback {
    private volatile Running running;

    /** The stack's configuration; only inside a test of a class that registered this extension. */
    PlatformConfig config() {
        return running.config();
    }

    LocalStack stack() {
        return running.stack();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        running = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(PrivateStack.class, k -> Running.start(), Running.class);
    }

    private record Running(Path home, PlatformConfig config, LocalStack stack) implements ExtensionContext.Store.CloseableResource {
        static Running start() {
            try {
                Path target = Files.createDirectories(Path.of("target").toAbsolutePath());
                // Traversable by the postgres OS user, which runs the cluster when the tests run as root.
                Path home = Files.createTempDirectory(target, "chaos-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
                PlatformConfig config = StackTestSupport.config(home);
                LocalStack stack = new LocalStack(config, line -> System.out.println("[chaos stack] " + line));
                stack.start();
                return new Running(home, config, stack);
            } catch (Exception e) {
                throw new IllegalStateException("the fault tests' private stack did not start: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() throws Exception {
            stack.stop();
            FileTrees.deleteRecursively(home);
        }
    }
}
