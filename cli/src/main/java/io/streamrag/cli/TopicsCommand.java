package io.streamrag.cli;

import io.streamrag.platform.config.ConfigKey;
import io.streamrag.platform.config.ConfigReader;
import io.streamrag.platform.config.Settings;
import io.streamrag.platform.kafka.TopicAdmin;
import io.streamrag.platform.kafka.TopicSpec;
import io.streamrag.platform.kafka.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code streamrag topics ...}: the platform's topics on a Kafka cluster. */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Manage the platform's topics on a Kafka cluster.",
        subcommands = {TopicsCommand.Create.class})
final class TopicsCommand {

    /** The keys {@code topics create} reads: the topic catalogue and where the cluster is. */
    static final List<ConfigKey> KEYS = ConfigKey.union(
            List.of(ConfigKey.of("kafka.bootstrap.servers", "localhost:9092", "Kafka bootstrap servers.")), Topics.KEYS);

    /**
     * {@code streamrag topics create}: creates every topic of the catalogue that is missing, with the configured
     * partitions, replication and compaction; topics that exist are left as they are, so it can run on every
     * deployment (the compose file's one-shot topic service).
     */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create every missing platform topic (partitions: topic.partitions, replication: topic.replication.factor); existing topics are kept.")
    static final class Create implements Callable<Integer> {

        @Option(names = "--config", description = "A properties file of configuration keys.")
        Path configFile;

        @Option(names = "--set", description = "key=value, overriding file and environment (repeatable), e.g. --set topic.partitions=6.")
        Map<String, String> overrides = new LinkedHashMap<>();

        @Override
        public Integer call() {
            ConfigReader reader = new ConfigReader(Settings.load(KEYS, configFile, System.getenv(), overrides));
            try {
                Topics topics = Topics.from(reader);
                reader.validate();
                List<TopicSpec> specs = topics.specs();
                List<String> created = TopicAdmin.ensure(reader.settings().kafkaProperties(), specs);
                for (TopicSpec spec : specs) {
                    System.out.printf("%-24s partitions=%d replication=%d%s %s%n", spec.name(), spec.partitions(),
                            spec.replicationFactor(), spec.configs().isEmpty() ? "" : " " + spec.configs(),
                            created.contains(spec.name()) ? "created" : "exists");
                }
                return 0;
            } catch (RuntimeException e) {
                System.err.println("streamrag topics create: " + e.getMessage());
                return 1;
            }
        }
    }
}
