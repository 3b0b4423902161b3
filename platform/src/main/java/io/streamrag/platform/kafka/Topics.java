package io.streamrag.platform.kafka;

import io.streamrag.platform.config.ConfigKey;
import io.streamrag.platform.config.ConfigReader;

import java.util.List;
import java.util.Map;

/**
 * The topic catalogue, built from configuration: every topic name the streams read or write, and how each is
 * created (partitions, compaction).
 */
public record Topics(
        String documentSubmitted,
        String chunkEmbedded,
        String documentIngested,
        String ingestDeadLetters,
        String promptTemplate,
        String queryRequested,
        String answerGenerated,
        String queryDeadLetters,
        String telemetry,
        String metrics,
        String alerts,
        int partitions,
        short replicationFactor) {

    public static final List<ConfigKey> KEYS = List.of(
            ConfigKey.of("topic.document.submitted", "rag.document.submitted", "Documents to ingest (key '<tenant>/<docId>')."),
            ConfigKey.of("topic.chunk.embedded", "rag.chunk.embedded", "Every chunk with its vector (compacted; system of record)."),
            ConfigKey.of("topic.document.ingested", "rag.document.ingested", "Outcome of each document version."),
            ConfigKey.of("topic.ingest.dlq", "rag.ingest.dlq", "Dead letters of the ingest stream."),
            ConfigKey.of("topic.prompt.template", "rag.prompt.template", "Versioned prompt templates (compacted)."),
            ConfigKey.of("topic.query.requested", "rag.query.requested", "Questions (key: request id)."),
            ConfigKey.of("topic.answer.generated", "rag.answer.generated", "One final answer per request."),
            ConfigKey.of("topic.query.dlq", "rag.query.dlq", "Dead letters of the query stream."),
            ConfigKey.of("topic.telemetry", "llmops.telemetry", "One event per request and per ingested document."),
            ConfigKey.of("topic.metrics", "llmops.metrics", "Final windowed metrics."),
            ConfigKey.of("topic.alerts", "llmops.alerts", "Alert raise and clear events."),
            ConfigKey.of("topic.partitions", "3", "Partitions of topics the platform creates."),
            ConfigKey.of("topic.replication.factor", "1", "Replication factor of topics the platform creates."));

    private static final Map<String, String> COMPACTED = Map.of("cleanup.policy", "compact");

    public static Topics from(ConfigReader config) {
        return new Topics(
                config.string("topic.document.submitted"),
                config.string("topic.chunk.embedded"),
                config.string("topic.document.ingested"),
                config.string("topic.ingest.dlq"),
                config.string("topic.prompt.template"),
                config.string("topic.query.requested"),
                config.string("topic.answer.generated"),
                config.string("topic.query.dlq"),
                config.string("topic.telemetry"),
                config.string("topic.metrics"),
                config.string("topic.alerts"),
                config.integer("topic.partitions", 1, 10_000),
                (short) config.integer("topic.replication.factor", 1, 32));
    }

    /** The defaults, for tests and tools. */
    public static Topics defaults() {
        return from(new ConfigReader(io.streamrag.platform.config.Settings.of(KEYS, Map.of())));
    }

    /** Every topic with how to create it. Chunks and templates are compacted: the latest value per key is the truth. */
    public List<TopicSpec> specs() {
        return List.of(
                spec(documentSubmitted, Map.of()),
                spec(chunkEmbedded, COMPACTED),
                spec(documentIngested, Map.of()),
                spec(ingestDeadLetters, Map.of()),
                new TopicSpec(promptTemplate, 1, replicationFactor, COMPACTED),
                spec(queryRequested, Map.of()),
                spec(answerGenerated, Map.of()),
                spec(queryDeadLetters, Map.of()),
                spec(telemetry, Map.of()),
                spec(metrics, Map.of()),
                spec(alerts, Map.of()));
    }

    private TopicSpec spec(String name, Map<String, String> configs) {
        return new TopicSpec(name, partitions, replicationFactor, configs);
    }
}
