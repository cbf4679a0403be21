package io.tunetrail.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.testing.TestStack;
import io.tunetrail.store.testing.FreshDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The demo's background API: started as a process of the stack's home, answering, and stopped by the stack's stop. */
class ApiServiceIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    @Test
    void startsInTheBackgroundAndStackStopStopsIt(@TempDir Path home) throws Exception {
        int port = StackTestSupport.freePort();
        PlatformConfig config = TestStack.config(Map.of(PlatformConfig.HOME.name(), home.toString(),
                PlatformConfig.POSTGRES_DATABASE.name(), DB.name(), PlatformConfig.API_PORT.name(), String.valueOf(port)));
        List<String> out = new ArrayList<>();
        LocalStack stack = new LocalStack(config, out::add, System.getProperty("java.class.path"));
        try {
            String base = stack.startApi();
            assertThat(base).isEqualTo("http://127.0.0.1:" + port);
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            // The console jar is on the CLI's classpath, so the API process serves the console (ServingExtension.Provider).
            HttpResponse<String> console = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/console/sign-in")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(console.statusCode()).isEqualTo(200);
            assertThat(console.body()).contains("id=\"sign-in-form\"");
            assertThat(console.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp).contains("frame-ancestors 'none'"));
            assertThat(stack.startApi()).as("a second start finds it running").isEqualTo(base);
            assertThat(out).anyMatch(l -> l.contains("already running"));
        } finally {
            assertThat(stack.stop(Set.of("api"))).isTrue();
        }
        assertThat(stack.stop(Set.of("api"))).as("nothing left to stop").isFalse();
        assertThat(new ApiService(StackLayout.of(config), l -> { }, "").running()).isEmpty();
    }
}
