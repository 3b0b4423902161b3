package io.streamrag.query;

import io.streamrag.platform.config.ConfigException;
import io.streamrag.platform.config.ConfigReader;
import io.streamrag.platform.config.Settings;
import io.streamrag.query.llm.LlmConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueryConfigTest {

    private static final String KEY = java.util.Base64.getEncoder().encodeToString("0123456789abcdef0123".getBytes());

    /** The values plus one tenant key, which production (auth.mode=required by default) insists on. */
    private static QueryConfig load(Map<String, String> values) {
        Map<String, String> all = new java.util.HashMap<>(Map.of("auth.tenant.keys", "acme:" + KEY));
        all.putAll(values);
        return loadExactly(all);
    }

    private static QueryConfig loadExactly(Map<String, String> values) {
        ConfigReader reader = new ConfigReader(Settings.of(QueryConfig.KEYS, values));
        QueryConfig config = QueryConfig.from(reader);
        reader.validate();
        return config;
    }

    @Test
    void shouldRetryARefusedTransactionalCommitAfterMilliseconds_unlessTheUserChoseOtherwise() {
        // given: CONCURRENT_TRANSACTIONS on a commit is retried after retry.backoff.ms with the stream thread waiting
        QueryConfig defaults = load(Map.of());
        QueryConfig chosen = load(Map.of("kafka.producer.retry.backoff.ms", "50"));
        QueryConfig atLeastOnce = load(Map.of("query.processing.guarantee", "at_least_once"));

        // when
        java.util.Properties props = QueryApp.properties(defaults);

        // then
        assertThat(props.get("producer.retry.backoff.ms")).isEqualTo(5);
        assertThat(props.get("producer.linger.ms")).isEqualTo(10L);
        assertThat(QueryApp.properties(chosen).get("producer.retry.backoff.ms")).isEqualTo("50");
        assertThat(QueryApp.properties(atLeastOnce).get("producer.retry.backoff.ms")).isNull();
    }

    @Test
    void shouldUseTheDocumentedDefaults_andTheOfflineAnswererWithoutAKey() {
        // when
        QueryConfig config = load(Map.of());

        // then
        assertThat(config.settings().maxInFlight()).isEqualTo(256);
        assertThat(config.settings().defaultTemplate()).isEqualTo("rag-qa");
        assertThat(config.settings().defaultTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.settings().tenantFairness()).isTrue();
        assertThat(config.processingGuarantee()).isEqualTo("exactly_once_v2");
        assertThat(config.llm().provider()).isEqualTo(LlmConfig.Provider.OFFLINE);
        assertThat(config.topics().queryRequested()).isEqualTo("rag.query.requested");
        assertThat(config.governance().authRequired()).isTrue();
        assertThat(config.governance().tenantKeys().keyOf("acme")).isPresent();
        assertThat(config.settings().requestsPerMinute()).isEqualTo(600);
        assertThat(config.settings().dailyTokens()).isEqualTo(2_000_000L);
    }

    @Test
    void shouldRefuseToStart_whenProofsAreRequiredButNoTenantKeyIsConfigured() {
        assertThatThrownBy(() -> loadExactly(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("auth.mode is required but no tenant keys are configured");
        assertThat(loadExactly(Map.of("auth.mode", "off")).governance().authRequired()).isFalse();
    }

    @Test
    void shouldReadTenantKeysFromAFile_andNeverPrintThem(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        // given
        java.nio.file.Path file = dir.resolve("keys");
        java.nio.file.Files.writeString(file, "acme:" + KEY + "\nglobex:" + KEY + "\n");

        // when
        QueryConfig config = loadExactly(Map.of("auth.tenant.keys.file", file.toString()));

        // then
        assertThat(config.governance().tenantKeys().keyOf("globex")).isPresent();
        assertThat(config.toString()).doesNotContain(KEY);
        assertThat(load(Map.of()).toString()).doesNotContain(KEY);
    }

    @Test
    void shouldReportEveryBadKeyAtOnce() {
        assertThatThrownBy(() -> load(Map.of("query.max.in.flight", "0", "query.retrieval.k", "many",
                "query.processing.guarantee", "maybe")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("query.max.in.flight").hasMessageContaining("query.retrieval.k")
                .hasMessageContaining("query.processing.guarantee");
    }

    @Test
    void shouldNeverPrintTheApiKey() {
        QueryConfig config = load(Map.of("mistral.api.key", "sk-very-secret", "llm.provider", "mistral"));
        assertThat(config.toString()).doesNotContain("sk-very-secret");
    }

    @Test
    void shouldDeriveEveryTenantsKeyFromTheDemoSecret_whenTheDemoSecretFileIsSet(@org.junit.jupiter.api.io.TempDir java.nio.file.Path home) {
        // given
        java.nio.file.Path file = home.resolve(".streamrag/demo/secret");
        byte[] secret = io.streamrag.platform.auth.DemoSecret.loadOrCreate(file);

        // when
        QueryConfig config = loadExactly(Map.of("auth.demo.secret.file", file.toString()));

        // then: any tenant name has the key the CLI derives from the same file
        assertThat(config.governance().tenantKeys().keyOf("any-tenant-name").orElseThrow())
                .isEqualTo(io.streamrag.platform.auth.TenantKeys.derived(secret).keyOf("any-tenant-name").orElseThrow());
        assertThatThrownBy(() -> loadExactly(Map.of("auth.demo.secret.file", home.resolve("missing").toString())))
                .hasMessageContaining("does not exist");
    }
}
