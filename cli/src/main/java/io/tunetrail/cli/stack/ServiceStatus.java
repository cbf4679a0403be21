package io.tunetrail.cli.stack;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * What {@link LocalStack#status()} found for one service of the local stack.
 *
 * @param service {@code kafka}, {@code postgres} or {@code redis}
 * @param address the loopback address it listens on, {@code host:port}
 * @param pid     the process id of our server process, when it is alive
 * @param state   see {@link State}
 * @param logFile where the service writes its log
 */
public record ServiceStatus(String service, String address, OptionalLong pid, State state, Path logFile) {

    /** The state of one service. */
    public enum State {
        /** Our process is alive and answers (Kafka: describeCluster, PostgreSQL: select 1, Redis: PING). */
        RUNNING("running"),
        /** Our process is alive but does not answer (starting, stopping or stuck: see the log file). */
        NOT_RESPONDING("not responding"),
        /** Not running, and its port is free. */
        STOPPED("stopped"),
        /** Not running, and something else listens on its port: start would fail. */
        PORT_TAKEN("stopped, port taken by another process");

        private final String label;

        State(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public boolean isRunning() {
        return state == State.RUNNING;
    }
}
