package io.streamrag.query;

import io.streamrag.platform.config.ConfigKey;
import io.streamrag.platform.config.ConfigReader;
import io.streamrag.platform.embedding.EmbeddingConfig;
import io.streamrag.platform.kafka.Topics;
import io.streamrag.platform.ops.OpsEndpoints;
import io.streamrag.query.check.ChecksConfig;
import io.streamrag.query.governance.GovernanceConfig;
import io.streamrag.query.llm.LlmConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The query stream's one typed configuration: Kafka Streams identity and tuning, the LLM stage's limits, retrieval,
 * prompts, plus the topic catalogue, the embedding model, the LLM (provider, retries, prices), the answer checks and
 * the governance controls (identity, per-tenant limits). Keys under {@code kafka.} pass to the Kafka clients.
 */
public record QueryConfig(
        String applicationId,
        Path stateDir,
        String processingGuarantee,
        int streamThreads,
        Duration commitInterval,
        Duration pollInterval,
        QuerySettings settings,
        Topics topics,
        EmbeddingConfig embedding,
        LlmConfig llm,
        ChecksConfig checks,
        GovernanceConfig governance,
        int httpPort,
        Map<String, Object> kafka) {

    public static final List<ConfigKey> QUERY_KEYS = List.of(
            ConfigKey.of("query.application.id", "streamrag-query", "Kafka Streams application id (consumer group, state and changelog prefix)."),
            ConfigKey.of("query.state.dir", "~/.streamrag/query-state", "Local state (in-flight and answered stores)."),
            ConfigKey.of("query.processing.guarantee", "exactly_once_v2", "exactly_once_v2 (an answer and its state change commit together) or at_least_once."),
            ConfigKey.of("query.stream.threads", "1", "Stream threads; LLM calls do not occupy them."),
            ConfigKey.of("query.commit.interval.ms", "10", "Commit interval; under exactly-once an answer is visible after its commit, so this adds to latency."),
            ConfigKey.of("query.poll.ms", "5", "Longest an idle stream thread waits in poll before running the completion punctuator."),
            ConfigKey.of("query.max.in.flight", "256", "LLM calls in flight per instance."),
            ConfigKey.of("query.max.waiting", "10000", "Requests waiting for an LLM slot per task; when full the stream stops reading (backpressure)."),
            ConfigKey.of("query.retrieval.k", "5", "Passages retrieved per question (hybrid, tenant- and ACL-scoped)."),
            ConfigKey.of("query.default.template", "rag-qa", "Template of requests that name none."),
            ConfigKey.of("query.max.question.chars", "4000", "Longer questions are answered FAILED."),
            ConfigKey.of("query.default.timeout.ms", "30000", "Deadline of a request that states none, from when it is read."),
            ConfigKey.of("query.tenant.fairness", "true", "Serve waiting requests round-robin across tenants (false: first come, first served)."),
            ConfigKey.of("query.completion.interval.ms", "5", "How often completed LLM calls are turned into answers on the stream thread."),
            ConfigKey.of("query.dedupe.retention.ms", Long.toString(Duration.ofDays(7).toMillis()), "How long answered request ids are remembered to drop redeliveries."),
            OpsEndpoints.portKey("query", 8092),
            ConfigKey.of("kafka.bootstrap.servers", "localhost:9092", "Kafka bootstrap servers."));

    public static final List<ConfigKey> KEYS = ConfigKey.union(QUERY_KEYS, Topics.KEYS, EmbeddingConfig.KEYS, LlmConfig.KEYS,
            ChecksConfig.KEYS, GovernanceConfig.KEYS);

    /** Reads and validates every key, reporting all problems at once. */
    public static QueryConfig load(java.util.Map<String, String> overrides) {
        ConfigReader reader = new ConfigReader(io.streamrag.platform.config.Settings.load(KEYS, null, System.getenv(), overrides));
        QueryConfig config = from(reader);
        reader.validate();
        return config;
    }

    public static QueryConfig from(ConfigReader config) {
        String guarantee = config.string("query.processing.guarantee");
        if (!guarantee.equals("exactly_once_v2") && !guarantee.equals("at_least_once")) {
            config.problem("query.processing.guarantee (QUERY_PROCESSING_GUARANTEE) must be exactly_once_v2 or at_least_once, not '" + guarantee + "'");
        }
        LlmConfig llm = LlmConfig.from(config);
        GovernanceConfig governance = GovernanceConfig.from(config);
        // Bad values are reported by validate(); Math.max keeps the record constructible meanwhile.
        QuerySettings settings = new QuerySettings(
                Math.max(1, config.integer("query.max.in.flight", 1, 100_000)),
                Math.max(1, config.integer("query.max.waiting", 1, 10_000_000)),
                Math.max(1, config.integer("query.retrieval.k", 1, 100)),
                config.string("query.default.template"),
                Math.max(1, config.integer("query.max.question.chars", 1, 1_000_000)),
                Duration.ofMillis(config.longValue("query.default.timeout.ms", 1, Duration.ofHours(1).toMillis())),
                config.bool("query.tenant.fairness"),
                llm.maxOutputTokens(),
                llm.temperature(),
                Duration.ofMillis(config.integer("query.completion.interval.ms", 1, 10_000)),
                Duration.ofMillis(config.longValue("query.dedupe.retention.ms", 60_000, Long.MAX_VALUE / 2)),
                governance.requestsPerMinute(),
                governance.dailyTokens(),
                QuerySettings.LlmMode.ASYNC);
        return new QueryConfig(
                config.string("query.application.id"),
                config.path("query.state.dir"),
                guarantee,
                config.integer("query.stream.threads", 1, 64),
                Duration.ofMillis(config.integer("query.commit.interval.ms", 1, 600_000)),
                Duration.ofMillis(config.integer("query.poll.ms", 1, 10_000)),
                settings,
                Topics.from(config),
                EmbeddingConfig.from(config),
                llm,
                ChecksConfig.from(config),
                governance,
                config.integer("query.http.port", 0, 65535),
                config.settings().kafkaProperties());
    }

    /** The same configuration with other stream settings (benchmarks compare stage variants this way). */
    public QueryConfig withSettings(QuerySettings other) {
        return new QueryConfig(applicationId, stateDir, processingGuarantee, streamThreads, commitInterval, pollInterval,
                other, topics, embedding, llm, checks, governance, httpPort, kafka);
    }


    @Override
    public String toString() {
        return "QueryConfig[applicationId=" + applicationId + ", stateDir=" + stateDir + ", processingGuarantee="
                + processingGuarantee + ", streamThreads=" + streamThreads + ", settings=" + settings + ", topics=" + topics
                + ", embedding=" + embedding + ", llm=" + llm + ", checks=" + checks + ", governance=" + governance + ", httpPort=" + httpPort + ", kafka=" + kafka.keySet() + "]";
    }
}
