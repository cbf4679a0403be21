package io.tunetrail.cli.pkg;

import io.tunetrail.cli.CliError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * The serving API as a tarball that runs wherever a Java 17 runtime is: {@code bin/tunetrail-api} (a POSIX shell
 * script using only shell built-ins and {@code java}), {@code lib/} (the console jar and its runtime dependencies, the
 * serving-api jar among them, copied by the console's build to {@code target/dist-lib}: the API it starts serves the
 * web console at {@code /console}) and {@code config/} (the sample configuration and the plan catalog, for reference:
 * the jars carry their own copies).
 */
public final class ApiDistribution {
    static final String LAUNCHER = "tunetrail/package/tunetrail-api";

    private ApiDistribution() {}

    /** Writes {@code artefacts.apiTarball()} into {@code outDir} from the built console module under {@code root}. */
    public static Path build(Path root, Artefacts artefacts, Path outDir) throws IOException {
        Path target = root.resolve("console").resolve("target");
        Path jar = target.resolve("tunetrail-console-" + artefacts.version() + ".jar");
        Path lib = target.resolve("dist-lib");
        if (!Files.isRegularFile(jar) || !Files.isDirectory(lib)) {
            throw CliError.environment("the serving API and its console are not built", jar + " or " + lib + " is missing",
                    "Run ./tunetrail package without --skip-build, or ./mvnw -DskipTests package -pl console -am");
        }
        Files.createDirectories(outDir);
        Path launcher = Files.createTempFile("tunetrail-api", ".sh");
        try (InputStream in = ApiDistribution.class.getClassLoader().getResourceAsStream(LAUNCHER)) {
            if (in == null) {
                throw new IllegalStateException(LAUNCHER + " is missing from the CLI jar; rebuild the cli module");
            }
            Files.copy(in, launcher, StandardCopyOption.REPLACE_EXISTING);
        }
        Path tarball = outDir.resolve(artefacts.apiTarball());
        String folder = artefacts.apiFolder() + "/";
        try (TarGz tar = new TarGz(tarball); Stream<Path> deps = Files.list(lib)) {
            tar.add(folder + "bin/tunetrail-api", launcher, 0755);
            tar.add(folder + "lib/" + jar.getFileName(), jar, 0644);
            for (Path dep : deps.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                tar.add(folder + "lib/" + dep.getFileName(), dep, 0644);
            }
            for (String config : List.of("tunetrail.sample.properties", "plans.yaml")) {
                tar.add(folder + "config/" + config, root.resolve("config").resolve(config), 0644);
            }
        } finally {
            Files.deleteIfExists(launcher);
        }
        return tarball;
    }
}
