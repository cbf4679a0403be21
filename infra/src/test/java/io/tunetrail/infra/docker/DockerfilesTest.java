package io.tunetrail.infra.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.cli.pkg.Artefacts;
import io.tunetrail.cli.pkg.PackageCommand;
import io.tunetrail.infra.k8s.Kustomize;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Dockerfiles copy exactly what {@code ./tunetrail package} builds (its {@link Artefacts}), from pinned base images,
 * run as a non-root user, carry a HEALTHCHECK, and put the job jars where the Kubernetes resources look for them.
 */
class DockerfilesTest {

    @ParameterizedTest
    @ValueSource(strings = {"api", "streaming", "batch"})
    void copiesOnlyWhatPackageBuildsFromPinnedImagesAsNonRootWithAHealthcheck(String image) throws Exception {
        Dockerfile file = Dockerfile.read(image);
        Artefacts artefacts = new Artefacts(PackageCommand.projectVersion());

        assertThat(file.args()).containsEntry("VERSION", artefacts.version());
        List<String> sources = file.contextCopySources();
        assertThat(sources).as("COPY sources from the build context").isNotEmpty()
                .allSatisfy(s -> assertThat(s).startsWith("target/package/"))
                .allSatisfy(s -> assertThat(artefacts.all()).contains(s.substring("target/package/".length())));
        assertThat(file.froms()).as("multi-stage").hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(f -> assertThat(f).matches("[a-z0-9./_-]+:[0-9][A-Za-z0-9._-]*(@sha256:[0-9a-f]{64})?( AS \\w+)?"));
        assertThat(file.last("USER")).as("runs as").isNotNull().doesNotStartWith("root").doesNotStartWith("0");
        assertThat(file.last("HEALTHCHECK")).isNotNull().doesNotStartWith("NONE");
    }

    @ParameterizedTest
    @CsvSource({"streaming, FlinkDeployment, tunetrail-usage-counters, /spec/job/jarURI",
            "batch, ScheduledSparkApplication, tunetrail-nightly, /spec/template/mainApplicationFile"})
    void theJobJarLandsWhereTheKubernetesResourceRunsIt(String image, String kind, String name, String pointer) throws Exception {
        String uri = Kustomize.find(Kustomize.render(Kustomize.overlay("saas")), kind, name).at(pointer).asText();
        assertThat(uri).startsWith("local://");
        assertThat(Dockerfile.read(image).copyDestinations()).contains(uri.substring("local://".length()));
    }

    /** The instructions of one Dockerfile (line continuations joined), with its ARG defaults substituted. */
    record Dockerfile(List<String[]> instructions, Map<String, String> args) {
        static Dockerfile read(String image) throws Exception {
            Path path = Kustomize.infraDir().resolve("docker/" + image + ".Dockerfile");
            String text = Files.readString(path).replaceAll("\\\\\\n", " ");
            List<String[]> instructions = new ArrayList<>();
            Map<String, String> args = new LinkedHashMap<>();
            for (String line : text.lines().map(String::strip).toList()) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\\s+", 2);
                String rest = parts.length > 1 ? parts[1] : "";
                if (parts[0].equals("ARG") && rest.contains("=")) {
                    args.put(rest.substring(0, rest.indexOf('=')), rest.substring(rest.indexOf('=') + 1));
                }
                for (Map.Entry<String, String> arg : args.entrySet()) {
                    rest = rest.replace("${" + arg.getKey() + "}", arg.getValue());
                }
                instructions.add(new String[] {parts[0], rest});
            }
            return new Dockerfile(instructions, args);
        }

        List<String> froms() {
            return instructions.stream().filter(i -> i[0].equals("FROM")).map(i -> i[1]).toList();
        }

        String last(String instruction) {
            String last = null;
            for (String[] i : instructions) {
                if (i[0].equals(instruction)) {
                    last = i[1];
                }
            }
            return last;
        }

        /** Sources of COPY/ADD from the build context (not {@code --from} a stage). */
        List<String> contextCopySources() {
            List<String> out = new ArrayList<>();
            for (String[] i : instructions) {
                if ((i[0].equals("COPY") || i[0].equals("ADD")) && !i[1].contains("--from=")) {
                    List<String> words = new ArrayList<>(List.of(i[1].split("\\s+")));
                    words.removeIf(w -> w.startsWith("--"));
                    out.addAll(words.subList(0, words.size() - 1));
                }
            }
            return out;
        }

        List<String> copyDestinations() {
            return instructions.stream().filter(i -> i[0].equals("COPY"))
                    .map(i -> i[1].substring(i[1].lastIndexOf(' ') + 1)).toList();
        }
    }
}
