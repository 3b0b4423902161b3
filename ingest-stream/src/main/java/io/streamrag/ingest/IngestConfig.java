package io.streamrag.ingest;

import io.streamrag.platform.config.ConfigKey;
import io.streamrag.platform.config.ConfigReader;
import io.streamrag.platform.config.Settings;
import io.streamrag.platform.embedding.EmbeddingConfig;
import io.streamrag.platform.kafka.Topics;
import io.streamrag.platform.ops.OpsEndpoints;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The one configuration of the ingest application: Kafka Streams settings, document processing, topics,
 * embedding, and every {@code kafka.*} key passed through to the Kafka clients.
 */
public record IngestConfig(
        String applicationId,
        IngestSettings settings,
        Path stateDir,
        Guarantee processingGuarantee,
        long commitIntervalMs,
        int streamThreads,
        boolean createTopics,
        Topics topics,
        EmbeddingConfig embedding,
        int httpPort,
        Map<String, Object> kafka) {

    public enum Guarantee {
        EXACTLY_ONCE_V2, AT_LEAST_ONCE;

        /** The Kafka Streams value: exactly_once_v2, at_least_once. */
        public String streamsValue() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final List<ConfigKey> OWN_KEYS = List.of(
            ConfigKey.of("kafka.bootstrap.servers", "localhost:9092", "Kafka bootstrap servers (every kafka.* key goes to the Kafka clients)."),
            ConfigKey.of("ingest.application.id", "streamrag-ingest", "Kafka Streams application id (consumer group, state and internal topic prefix)."),
            ConfigKey.of("ingest.max.document.bytes", Long.toString(IngestSettings.DEFAULT_MAX_DOCUMENT_BYTES),
                    "Largest document content in UTF-8 bytes; larger ones are dead-lettered unread."),
            ConfigKey.of("ingest.chunk.max.tokens", Integer.toString(IngestSettings.DEFAULT_CHUNK_MAX_TOKENS),
                    "Estimated tokens per chunk, title included (MiniLM reads at most 128 word pieces)."),
            ConfigKey.of("ingest.chunk.overlap.tokens", Integer.toString(IngestSettings.DEFAULT_CHUNK_OVERLAP_TOKENS),
                    "Trailing sentences of a chunk, up to this many tokens, repeated at the start of the next."),
            ConfigKey.of("ingest.chunk.title.prefix", "true", "Start every chunk with the document title (stored and embedded)."),
            ConfigKey.of("ingest.state.dir", "~/.streamrag/ingest-state",
                    "Kafka Streams state directory (the document version store lives here)."),
            ConfigKey.of("ingest.processing.guarantee", "exactly-once-v2", "exactly-once-v2 or at-least-once."),
            ConfigKey.of("ingest.commit.interval.ms", "100", "How often progress is committed (and results become visible)."),
            ConfigKey.of("ingest.stream.threads", "0",
                    "Kafka Streams threads, each embedding its own documents; 0 means one per partition (topic.partitions)."),
            ConfigKey.of("ingest.create.topics", "true", "Create missing topics (with partitions and compaction) at start."),
            OpsEndpoints.portKey("ingest", 8091));

    /** Every key the ingest application reads: its own, the topics and the embedding keys. */
    public static final List<ConfigKey> KEYS = ConfigKey.union(OWN_KEYS, Topics.KEYS, EmbeddingConfig.KEYS);

    /** Reads the configuration; problems are collected in the reader ({@link ConfigReader#validate()}). */
    public static IngestConfig from(ConfigReader config) {
        int maxTokens = config.integer("ingest.chunk.max.tokens", 16, 100_000);
        int overlap = config.integer("ingest.chunk.overlap.tokens", 0, 100_000);
        if (overlap >= maxTokens && maxTokens >= 16) {
            config.problem("ingest.chunk.overlap.tokens (" + overlap + ") must be below ingest.chunk.max.tokens (" + maxTokens + ")");
            overlap = 0;
        }
        long maxBytes = config.longValue("ingest.max.document.bytes", 1, Long.MAX_VALUE);
        IngestSettings settings = new IngestSettings(Math.max(1, maxBytes), Math.max(16, maxTokens), overlap,
                config.bool("ingest.chunk.title.prefix"));
        Topics topics = Topics.from(config);
        int threads = config.integer("ingest.stream.threads", 0, 64);
        return new IngestConfig(
                config.string("ingest.application.id"),
                settings,
                config.path("ingest.state.dir"),
                config.choice("ingest.processing.guarantee", Guarantee.class),
                config.longValue("ingest.commit.interval.ms", 0, 3_600_000),
                // a thread per partition: while one thread indexes, commits or waits on the broker, the others'
                // documents keep the embedding model busy (one thread leaves it idle for all of that time)
                threads == 0 ? Math.min(64, topics.partitions()) : threads,
                config.bool("ingest.create.topics"),
                topics,
                EmbeddingConfig.from(config),
                config.integer("ingest.http.port", 0, 65535),
                config.settings().kafkaProperties());
    }

    /** Reads and validates: throws one ConfigException listing every problem. */
    public static IngestConfig load(Settings settings) {
        ConfigReader reader = new ConfigReader(settings);
        IngestConfig config = from(reader);
        reader.validate();
        return config;
    }

    public IngestConfig {
        kafka = Collections.unmodifiableMap(new TreeMap<>(kafka));
    }

    public IngestConfig withApplicationId(String id) {
        return new IngestConfig(id, settings, stateDir, processingGuarantee, commitIntervalMs, streamThreads, createTopics,
                topics, embedding, httpPort, kafka);
    }

    public IngestConfig withStateDir(Path dir) {
        return new IngestConfig(applicationId, settings, dir, processingGuarantee, commitIntervalMs, streamThreads, createTopics,
                topics, embedding, httpPort, kafka);
    }

    public IngestConfig withTopics(Topics newTopics) {
        return new IngestConfig(applicationId, settings, stateDir, processingGuarantee, commitIntervalMs, streamThreads, createTopics,
                newTopics, embedding, httpPort, kafka);
    }

    public IngestConfig withSettings(IngestSettings newSettings) {
        return new IngestConfig(applicationId, newSettings, stateDir, processingGuarantee, commitIntervalMs, streamThreads,
                createTopics, topics, embedding, httpPort, kafka);
    }

    @Override
    public String toString() {
        String clients = kafka.entrySet().stream()
                .map(e -> e.getKey() + "=" + (ConfigKey.looksSecret(e.getKey()) ? "****" : e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
        return "IngestConfig[applicationId=" + applicationId + ", settings=" + settings + ", stateDir=" + stateDir
                + ", processingGuarantee=" + processingGuarantee + ", commitIntervalMs=" + commitIntervalMs
                + ", streamThreads=" + streamThreads + ", createTopics=" + createTopics + ", topics=" + topics
                + ", embedding=" + embedding + ", httpPort=" + httpPort + ", kafka=" + clients + "]";
    }

}
