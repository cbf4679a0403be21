package io.tunetrail.api;

import io.javalin.Javalin;
import io.tunetrail.api.auth.Authenticator;
import io.tunetrail.api.http.ApiRoute;
import io.tunetrail.api.service.AccountService;
import io.tunetrail.api.service.UsageService;
import io.tunetrail.model.PlatformConfig;
import java.time.Clock;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Something served on the API's own server beside the API (the web console), installed by whoever composes the
 * server. It gets the app's own services and route table, so it acts through the API's code and checks the API's
 * gates rather than copies of them. The API knows no extension by name: {@link ApiServer} installs those a
 * {@link Provider} on the classpath announces ({@code META-INF/services}), tests pass them to {@link ServingApp}.
 */
@FunctionalInterface
public interface ServingExtension {

    /**
     * What the app built that an extension may use. {@code routes} are the API's routes with their gates;
     * {@code metrics} is the registry {@code /metrics} renders, for the extension's own meters.
     */
    record Parts(ApiStores stores, Clock clock, ApiSettings settings, Authenticator authenticator, AccountService accounts,
            UsageService usage, List<ApiRoute> routes, io.tunetrail.api.ops.ApiMetrics metrics) {}

    /** Adds routes (and their own error handling) to {@code app}, before it starts. */
    void install(Javalin app, Parts parts);

    /**
     * Body limits of the extension's own paths (exact request paths, as {@code BodyLimits} matches them) where the API's
     * default {@code api.max-body-bytes} does not fit, such as an upload form; by default none.
     */
    default java.util.Map<String, Long> bodyLimits(ApiSettings settings) {
        return java.util.Map.of();
    }

    /**
     * Paths among {@link #bodyLimits} whose handlers answer a declared body over the limit themselves (a form page with
     * the field marked) rather than the API's 413 problem; see {@code BodyLimits#answeringInHandler}. By default none.
     */
    default java.util.Set<String> oversizedBodiesAnsweredByHandler() {
        return java.util.Set.of();
    }

    /** Makes an extension from the platform's configuration; listed in {@code META-INF/services} of its jar. */
    interface Provider {
        ServingExtension create(PlatformConfig config);
    }

    /** The extensions of every provider on the classpath. */
    static List<ServingExtension> discovered(PlatformConfig config) {
        return ServiceLoader.load(Provider.class).stream().map(p -> p.get().create(config)).toList();
    }
}
