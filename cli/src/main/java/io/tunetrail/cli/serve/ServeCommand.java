package io.tunetrail.cli.serve;

import io.tunetrail.api.ApiServer;
import io.tunetrail.cli.TunetrailCli;
import io.tunetrail.model.PlatformConfig;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./tunetrail serve}: the serving API in the foreground on the local stack, until Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the serving API in the foreground on the local stack (Ctrl-C stops it).",
            "Keys: ./tunetrail admin key create --org ORG. Docs: http://HOST:PORT/api/docs/ui"})
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--port", description = "Port (default: api.port, 18080).")
    Integer port;

    @Option(names = "--host", description = "Address to bind (default: api.host, 127.0.0.1).")
    String host;

    @Override
    public Integer call() throws Exception {
        PlatformConfig config = TunetrailCli.config();
        ApiServer server = ApiServer.start(config, host != null ? host : config.get(PlatformConfig.API_HOST),
                port != null ? port : config.getInt(PlatformConfig.API_PORT));
        System.out.println("TuneTrail API on http://" + (host != null ? host : config.get(PlatformConfig.API_HOST)) + ":" + server.port()
                + " (docs: /api/docs/ui). Ctrl-C stops it.");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                System.err.println("error while stopping the API: " + e);
            }
            stopped.countDown();
        }, "serve-shutdown"));
        stopped.await();
        return 0;
    }
}
