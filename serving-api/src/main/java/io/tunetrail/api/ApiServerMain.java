package io.tunetrail.api;

import io.tunetrail.model.PlatformConfig;
import java.util.concurrent.CountDownLatch;

/**
 * The serving API's process: reads the configuration (defaults, file, {@code TUNETRAIL_*} environment), starts the
 * server and runs until SIGTERM/SIGINT, then stops gracefully. {@code ./tunetrail serve} runs the same server in the
 * foreground; the demo starts this class in the background.
 */
public final class ApiServerMain {
    private ApiServerMain() {}

    public static void main(String[] args) throws Exception {
        ApiServer server = ApiServer.start(PlatformConfig.load());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                System.err.println("error while stopping the API: " + e);
            } finally {
                stopped.countDown();
            }
        }, "api-shutdown"));
        stopped.await();
    }
}
