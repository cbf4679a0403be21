package io.tunetrail.batch.land;

import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Which topics exist: the result topics appear only once a streaming job has run, and the lander must not wait for them. */
final class ResultTopics {
    private ResultTopics() {}

    static Set<String> existing(LanderSettings settings) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        try (Admin admin = Admin.create(p)) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot list the topics of Kafka " + settings.bootstrapServers() + ": " + e.getMessage()
                    + ". Is the broker running? (./tunetrail stack status)", e);
        }
    }
}
