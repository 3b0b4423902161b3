package io.streamrag.cli;

import io.streamrag.ingest.IngestConfig;
import io.streamrag.monitor.MonitorConfig;
import io.streamrag.platform.config.ConfigKey;
import io.streamrag.platform.embedding.EmbeddingConfig;
import io.streamrag.platform.kafka.Topics;
import io.streamrag.platform.ops.LogContext;
import io.streamrag.query.QueryConfig;
import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code streamrag config}: every configuration key of every application, as the Markdown table of
 * docs/configuration.md (key | environment variable | default | meaning), generated from the key lists the
 * applications read, so the documentation cannot drift from the code.
 */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Print every configuration key as a Markdown table (key | environment variable | default | meaning).")
final class ConfigCommand implements Runnable {

    /** Sections of the table: shared keys first, then each application's own. */
    static Map<String, List<ConfigKey>> sections() {
        Map<String, List<ConfigKey>> sections = new LinkedHashMap<>();
        List<ConfigKey> shared = new ArrayList<>(Topics.KEYS);
        shared.addAll(EmbeddingConfig.KEYS);
        shared.addAll(LogContext.KEYS);
        sections.put("Shared by every stream: Kafka, topics, embeddings, logs", withKafka(shared));
        sections.put("Vector store (ingest and query)", VectorStores.KEYS);
        sections.put("ingest-stream", own(IngestConfig.KEYS, shared));
        sections.put("query-stream (with the LLM and the answer checks)", own(QueryConfig.KEYS, shared));
        sections.put("monitor-stream", own(MonitorConfig.KEYS, shared));
        return sections;
    }

    static String markdown() {
        StringBuilder out = new StringBuilder();
        sections().forEach((title, keys) -> {
            out.append("### ").append(title).append("\n\n")
                    .append("| key | environment variable | default | meaning |\n|---|---|---|---|\n");
            for (ConfigKey key : keys) {
                String value = key.secret() ? "(secret, none)" : key.defaultValue() == null || key.defaultValue().isEmpty()
                        ? "" : "`" + key.defaultValue() + "`";
                out.append("| `").append(key.name()).append("` | `").append(key.envName()).append("` | ")
                        .append(value).append(" | ").append(key.description().replace("|", "\\|")).append(" |\n");
            }
            out.append('\n');
        });
        return out.toString();
    }

    private static List<ConfigKey> withKafka(List<ConfigKey> shared) {
        List<ConfigKey> keys = new ArrayList<>();
        keys.add(ConfigKey.of("kafka.bootstrap.servers", "localhost:9092",
                "Kafka bootstrap servers. Every kafka.* key (env KAFKA_*) goes to the Kafka clients with the prefix removed."));
        keys.addAll(shared);
        return keys;
    }

    private static List<ConfigKey> own(List<ConfigKey> all, List<ConfigKey> shared) {
        var sharedNames = shared.stream().map(ConfigKey::name).toList();
        Map<String, ConfigKey> byName = new LinkedHashMap<>();
        all.stream().filter(k -> !sharedNames.contains(k.name()) && !k.name().equals("kafka.bootstrap.servers"))
                .forEach(k -> byName.putIfAbsent(k.name(), k));
        return List.copyOf(byName.values());
    }

    @Override
    public void run() {
        System.out.print(markdown());
    }
}
