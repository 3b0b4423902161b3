package io.streamrag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrag.ingest.IngestConfig;
import io.streamrag.monitor.MonitorConfig;
import io.streamrag.platform.config.ConfigException;
import io.streamrag.platform.config.ConfigKey;
import io.streamrag.platform.config.ConfigReader;
import io.streamrag.platform.config.Settings;
import io.streamrag.platform.ops.LogContext;
import io.streamrag.query.QueryConfig;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code log.format=json}: what a log collector receives on stderr. */
class LogFormatTest {

    private static final Logger LOG = LoggerFactory.getLogger("io.streamrag.query.LogFormatTest");

    @Test
    void shouldWriteOneJsonObjectPerLine_withTheRequestIdsOnTheStreamAndOnAsyncThreads() throws Exception {
        // given
        ExecutorService pool = Executors.newSingleThreadExecutor();
        List<JsonNode> lines;
        try {
            // when: a line on this thread, one on a pooled stage thread, one with an exception, one about nothing
            lines = jsonLines(() -> {
                try (LogContext.Scope ids = LogContext.open("req-1", "corr-1", "acme")) {
                    LOG.info("answered \"quoted\"\nsecond line");
                    CompletableFuture.runAsync(() -> LOG.warn("checked"), LogContext.with(LogContext.of("req-2", "corr-2", "globex"), pool)).join();
                    LOG.error("failed", new IllegalStateException("boom"));
                }
                LOG.info("no request");
            });
        } finally {
            pool.shutdownNow();
        }

        // then
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0).path("message").asText()).isEqualTo("answered \"quoted\"\nsecond line");
        assertThat(lines.get(0).path("level").asText()).isEqualTo("INFO");
        assertThat(lines.get(0).path("request_id").asText()).isEqualTo("req-1");
        assertThat(lines.get(0).path("correlation_id").asText()).isEqualTo("corr-1");
        assertThat(lines.get(0).path("tenant").asText()).isEqualTo("acme");
        assertThat(lines.get(0).path("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(lines.get(1).path("request_id").asText()).isEqualTo("req-2");
        assertThat(lines.get(1).path("correlation_id").asText()).isEqualTo("corr-2");
        assertThat(lines.get(2).path("exception").asText()).contains("IllegalStateException: boom");
        assertThat(lines.get(3).has("request_id")).isFalse();
    }

    @Test
    void shouldNeverLogASecret_whenConfigurationsAndTheirProblemsAreLogged() throws Exception {
        // given: every key declared secret, and secret-looking Kafka client keys, set to one recognisable value
        String secret = "sk-never-logged-4711";
        Map<String, String> values = new HashMap<>();
        List<ConfigKey> every = new ArrayList<>();
        ConfigCommand.sections().values().forEach(every::addAll);
        every.stream().filter(ConfigKey::secret).forEach(k -> values.put(k.name(), secret));
        values.put("kafka.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required password=\"" + secret + "\";");
        values.put("kafka.ssl.keystore.password", secret);
        assertThat(values).containsKeys("mistral.api.key", "llm.openai.api.key", "auth.tenant.keys", "vectorstore.weaviate.api.key");
        ConfigReader query = new ConfigReader(Settings.of(ConfigKey.union(QueryConfig.KEYS, VectorStores.KEYS), values));
        ConfigReader ingest = new ConfigReader(Settings.of(ConfigKey.union(IngestConfig.KEYS, VectorStores.KEYS), values));
        ConfigReader monitor = new ConfigReader(Settings.of(MonitorConfig.KEYS, values));

        // when: what the processes log at start, and the problems they report (the tenant key is not base64)
        String logged = captured(() -> {
            LOG.info("query stream running ({}) with {}", QueryConfig.from(query), query.settings());
            LOG.info("ingest stream running ({}) with {}", IngestConfig.from(ingest), ingest.settings());
            LOG.info("monitor running ({}) with {}", MonitorConfig.from(monitor), monitor.settings());
            for (ConfigReader reader : List.of(query, ingest, monitor)) {
                try {
                    reader.validate();
                } catch (ConfigException e) {
                    LOG.error("bad configuration: {}", e.getMessage());
                }
            }
        });

        // then
        assertThat(logged).contains("query stream running", "ingest stream running", "monitor running").doesNotContain(secret);
    }

    @Test
    void shouldTreatOnlyJsonAsJson() {
        assertThat(LogFormat.of("JSON")).isEqualTo(LogFormat.JSON);
        assertThat(LogFormat.of(" json ")).isEqualTo(LogFormat.JSON);
        assertThat(LogFormat.of(null)).isEqualTo(LogFormat.TEXT);
        assertThat(LogFormat.of("text")).isEqualTo(LogFormat.TEXT);
    }

    private static List<JsonNode> jsonLines(Runnable logging) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : captured(logging).split("\n")) {
            lines.add(mapper.readTree(line));
        }
        return lines;
    }

    /** What the JSON format writes to stderr while {@code logging} runs; text format restored afterwards. */
    private static synchronized String captured(Runnable logging) {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            LogFormat.JSON.apply();
            logging.run();
        } finally {
            System.setErr(original);
            LogFormat.TEXT.apply();
        }
        return err.toString(StandardCharsets.UTF_8);
    }
}
