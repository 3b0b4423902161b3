package io.streamrag.cli;

import io.streamrag.platform.config.ConfigReader;
import io.streamrag.platform.config.Settings;
import io.streamrag.platform.kafka.Topics;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** What the client commands (ask, tail) share: where the broker is, the topic names, the client properties. */
final class KafkaCli {

    static final String FALLBACK_BOOTSTRAP = "localhost:9092";

    private KafkaCli() {
    }

    /** The file {@code streamrag demo} writes with its broker address. */
    static Path demoBootstrapFile() {
        return Path.of(System.getProperty("user.home"), ".streamrag", "demo", "bootstrap");
    }

    /** {@code --bootstrap} when given, else the running demo's address, else localhost:9092. */
    static String bootstrap(String explicit) {
        if (explicit != null && !explicit.isBlank()) {
            return explicit.strip();
        }
        Path file = demoBootstrapFile();
        if (Files.isRegularFile(file)) {
            try {
                String written = Files.readString(file).strip();
                if (!written.isEmpty()) {
                    return written;
                }
            } catch (IOException ignored) {
                // fall through to the default
            }
        }
        return FALLBACK_BOOTSTRAP;
    }

    /** Topic names from the environment (TOPIC_QUERY_REQUESTED, ...) or the defaults. */
    static Topics topics() {
        ConfigReader reader = new ConfigReader(Settings.load(Topics.KEYS, null, System.getenv(), Map.of()));
        Topics topics = Topics.from(reader);
        reader.validate();
        return topics;
    }

    /** Kafka client properties: KAFKA_* environment pass-through (security, ...) plus the bootstrap servers. */
    static Map<String, Object> clientProperties(String bootstrap) {
        return clientProperties(bootstrap, null);
    }

    /**
     * The same, plus the client properties of {@code commandConfig} when given (security.protocol, sasl.mechanism,
     * sasl.jaas.config, ...: the {@code --command-config} file of Kafka's own tools), which win over the environment.
     */
    static Map<String, Object> clientProperties(String bootstrap, Path commandConfig) {
        Settings settings = Settings.load(Topics.KEYS, null, System.getenv(), Map.of());
        if (!settings.problems().isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", settings.problems()));
        }
        Map<String, Object> props = new HashMap<>(settings.kafkaProperties());
        if (commandConfig != null) {
            Properties file = new Properties();
            try (Reader reader = Files.newBufferedReader(commandConfig, StandardCharsets.UTF_8)) {
                file.load(reader);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + commandConfig + ": " + e.getMessage(), e);
            }
            file.forEach((k, v) -> props.put(k.toString(), v.toString().strip()));
        }
        props.put("bootstrap.servers", bootstrap);
        return props;
    }
}
