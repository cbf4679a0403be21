package io.tunetrail.cli.stack;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * An app the CLI keeps in the background for one home (the serving API, the SQL endpoint): its files under
 * {@code <home>/<name>}, and a marker naming the home on its command line, because two homes may each run the same app
 * on other ports and {@link #isOurs} must never take the other's process for this one.
 */
abstract class HomeAppService extends JvmService {
    private final String name;

    HomeAppService(StackLayout layout, Consumer<String> progress, String classpath, String name) {
        super(layout, progress, classpath);
        this.name = name;
    }

    @Override
    final String name() {
        return name;
    }

    final Path dir() {
        return layout.home().resolve(name);
    }

    @Override
    final Path pidFile() {
        return dir().resolve(name + ".pid");
    }

    final String marker() {
        return "-Dtunetrail." + name + ".home=" + layout.home();
    }

    @Override
    final boolean isOurs(ProcessHandle p) {
        // The trailing spaces keep home /x/a from matching a process of home /x/ab.
        String cmd = commandLine(p) + " ";
        return cmd.contains(mainClass() + " ") && cmd.contains(marker() + " ");
    }
}
