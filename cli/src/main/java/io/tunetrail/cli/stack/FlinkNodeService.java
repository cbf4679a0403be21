package io.tunetrail.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunetrail.model.PlatformConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** The Flink session's JobManager or one of its TaskManagers, each a JVM of its own reading {@link FlinkHome#conf()}. */
final class FlinkNodeService extends ClusterJvmService {
    static final String JOB_MANAGER_CLASS = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    static final String TASK_MANAGER_CLASS = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";

    private final FlinkHome flink;
    /** 0 for the JobManager, 1.. for the TaskManagers. */
    private final int taskManager;

    FlinkNodeService(StackLayout layout, Consumer<String> progress, FlinkHome flink, int taskManager) {
        super(layout, progress, flink.classpath(), taskManager == 0 ? "flink-jobmanager" : "flink-taskmanager-" + taskManager);
        this.flink = flink;
        this.taskManager = taskManager;
    }

    @Override
    String mainClass() {
        return taskManager == 0 ? JOB_MANAGER_CLASS : TASK_MANAGER_CLASS;
    }

    /** The TaskManager's resource id, so the JobManager's REST API names it. */
    String resourceId() {
        return "tunetrail-tm-" + taskManager;
    }

    @Override
    Endpoint endpoint() {
        return new Endpoint("127.0.0.1", layout.config().getInt(PlatformConfig.CLUSTER_FLINK_REST_PORT), PlatformConfig.CLUSTER_FLINK_REST_PORT);
    }

    @Override
    List<Endpoint> endpoints() {
        // TaskManagers bind free ports; only the JobManager has fixed ones.
        return taskManager > 0 ? List.of() : List.of(endpoint(), new Endpoint("127.0.0.1",
                layout.config().getInt(PlatformConfig.CLUSTER_FLINK_RPC_PORT), PlatformConfig.CLUSTER_FLINK_RPC_PORT));
    }

    @Override
    void start(Duration timeout) throws Exception {
        List<String> jvm = new ArrayList<>(taskManager == 0 ? FlinkHome.JOB_MANAGER_JVM : FlinkHome.TASK_MANAGER_JVM);
        jvm.addAll(FlinkHome.JAVA_17_FLAGS);
        jvm.addAll(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.log.org.apache.flink.runtime.checkpoint=warn",
                // At DEBUG it logs every flink.hadoop.* value of config.yaml, the checkpoint bucket's secret key among them.
                "-Dorg.slf4j.simpleLogger.log.org.apache.flink.runtime.util.HadoopUtils=info",
                "-Dlog.file=" + logFile()));
        List<String> args = new ArrayList<>(List.of("--configDir", flink.conf().toString()));
        if (taskManager > 0) {
            args.add("-Dtaskmanager.resource-id=" + resourceId());
        }
        launchNode(jvm, args, Map.of("FLINK_CONF_DIR", flink.conf().toString()), timeout);
    }

    /**
     * The JobManager answers its REST overview; a TaskManager, when the JobManager lists it with its slots. The listing
     * shows a TaskManager as soon as it registers, with 0 slots until its first slot report arrives a moment later: a
     * TaskManager without slots cannot run anything yet, so it is not up.
     */
    @Override
    boolean answers() {
        String rest = FlinkHome.restUrl(layout.config());
        if (taskManager == 0) {
            return ClusterHttp.get(rest + "/overview").isPresent();
        }
        Optional<JsonNode> tms = ClusterHttp.get(rest + "/taskmanagers");
        if (tms.isEmpty()) {
            return false;
        }
        for (JsonNode tm : tms.get().path("taskmanagers")) {
            if (resourceId().equals(tm.path("id").asText())) {
                return tm.path("slotsNumber").asInt() > 0;
            }
        }
        return false;
    }
}
