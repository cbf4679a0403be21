package io.tunetrail.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerMainTest {
    @TempDir
    Path data;

    @Test
    void propertiesAreAValidSingleNodeKraftConfig() {
        Properties p = KafkaBrokerMain.brokerProperties(data, "127.0.0.1", 31092, 31093, 4);
        // Kafka's own validation: throws on a combination a broker would refuse at start.
        KafkaConfig config = KafkaConfig.fromProps(p, false);
        assertThat(config.nodeId()).isEqualTo(1);
        assertThat(config.processRoles().size()).isEqualTo(2);
        assertThat(p.getProperty("controller.quorum.voters")).isEqualTo("1@127.0.0.1:31093");
        assertThat(p.getProperty("listeners")).isEqualTo("PLAINTEXT://127.0.0.1:31092,CONTROLLER://127.0.0.1:31093");
        assertThat(p.getProperty("advertised.listeners")).isEqualTo("PLAINTEXT://127.0.0.1:31092");
        assertThat(config.logDirs().head()).isEqualTo(data.toString());
        assertThat(config.numPartitions()).isEqualTo(4);
    }

    @Test
    void everyInternalTopicFitsOneBroker() {
        Properties p = KafkaBrokerMain.brokerProperties(data, "localhost", 1, 2, 1);
        for (String key : new String[] {"offsets.topic.replication.factor", "transaction.state.log.replication.factor",
                "transaction.state.log.min.isr", "min.insync.replicas", "default.replication.factor"}) {
            assertThat(p.getProperty(key)).as(key).isEqualTo("1");
        }
        assertThat(p.getProperty("group.initial.rebalance.delay.ms")).isEqualTo("0");
    }
}
