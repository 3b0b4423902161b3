package io.streamrag.platform.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingsSecretsTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"query\" password=\"s3cr3t-Jaas-pw\";";
    private static final List<ConfigKey> KEYS = List.of(
            ConfigKey.secret("llm.api.key", "an API key"),
            ConfigKey.of("auth.tenant.keys.file", null, "a key whose own name ends in .file"),
            ConfigKey.of("query.retries", "3", "a number"),
            ConfigKey.secret("query.pin", "a secret number"));

    @TempDir
    Path dir;

    @Test
    void shouldReadAKeysValueFromTheFileItsFileVariableNames_withoutTheTrailingLineBreak() throws Exception {
        // given: Docker secrets end with a line break
        Path secret = Files.writeString(dir.resolve("llm-key"), "sk-from-file-123\n");

        // when
        Settings settings = Settings.load(KEYS, null, Map.of("LLM_API_KEY_FILE", secret.toString()), Map.of());

        // then
        assertThat(settings.get("llm.api.key")).contains("sk-from-file-123");
        assertThat(settings.problems()).isEmpty();
    }

    @Test
    void shouldPassAKafkaSettingReadFromAFileToTheClients_andMaskItInTheDump() throws Exception {
        // given
        Path jaas = Files.writeString(dir.resolve("jaas"), JAAS + "\n");
        Path other = Files.writeString(dir.resolve("other"), "other-secret-pw\r\n");

        // when
        Settings settings = Settings.load(KEYS, null, Map.of(
                "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_SASL_JAAS_CONFIG_FILE", jaas.toString(),
                "KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE", other.toString()), Map.of());

        // then
        assertThat(settings.kafkaProperties()).containsEntry("sasl.jaas.config", JAAS)
                .containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.password", "other-secret-pw")
                .doesNotContainKey("sasl.jaas.config.file");
        assertThat(settings.toString()).contains("kafka.security.protocol=SASL_PLAINTEXT")
                .contains("kafka.sasl.jaas.config=****")
                .doesNotContain("s3cr3t-Jaas-pw").doesNotContain("other-secret-pw");
    }

    @Test
    void shouldKeepAVariableWhoseOwnNameIsAKey_asThatKey() {
        // when
        Settings settings = Settings.load(KEYS, null, Map.of("AUTH_TENANT_KEYS_FILE", "/etc/streamrag/tenant-keys"), Map.of());

        // then
        assertThat(settings.get("auth.tenant.keys.file")).contains("/etc/streamrag/tenant-keys");
        assertThat(settings.problems()).isEmpty();
    }

    @Test
    void shouldReportAnUnreadableFileAndAValueGivenTwice_whenValidating() throws Exception {
        // given
        Path key = Files.writeString(dir.resolve("key"), "sk-twice-456");
        Settings settings = Settings.load(KEYS, null, Map.of(
                "LLM_API_KEY", "sk-twice-456", "LLM_API_KEY_FILE", key.toString(),
                "KAFKA_SASL_JAAS_CONFIG_FILE", dir.resolve("missing").toString()), Map.of());

        // when / then
        assertThatThrownBy(() -> new ConfigReader(settings).validate())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("LLM_API_KEY and LLM_API_KEY_FILE are both set")
                .hasMessageContaining("KAFKA_SASL_JAAS_CONFIG_FILE: cannot read the file")
                .hasMessageNotContaining("sk-twice-456");
    }

    @Test
    void shouldNeverPutASecretValueIntoAConfigException() {
        // given: a secret with a value that is not what the key wants
        Settings settings = Settings.load(KEYS, null, Map.of("QUERY_PIN", "pin-4711-secret", "QUERY_RETRIES", "many"), Map.of());
        ConfigReader reader = new ConfigReader(settings);

        // when
        reader.integer("query.pin", 0, 10);
        reader.integer("query.retries", 0, 10);

        // then: the plain value is quoted, the secret one is not
        assertThatThrownBy(reader::validate).isInstanceOf(ConfigException.class)
                .hasMessageContaining("query.retries (QUERY_RETRIES) must be a whole number from 0 to 10, not 'many'")
                .hasMessageContaining("query.pin (QUERY_PIN) must be a whole number from 0 to 10, not the value given (a secret, not shown)")
                .hasMessageNotContaining("pin-4711-secret");
        assertThat(settings.toString()).doesNotContain("pin-4711-secret");
    }

    @Test
    void shouldMaskKafkaPasswordsPassedThroughTheEnvironment_evenWhenUndeclared() {
        // when
        Settings settings = Settings.load(KEYS, null, Map.of(
                "KAFKA_SSL_KEYSTORE_KEY", "pem-key-body", "KAFKA_SASL_OAUTHBEARER_CLIENT_CREDENTIALS_CLIENT_SECRET", "oauth-pw"), Map.of());

        // then
        assertThat(settings.kafkaProperties()).containsEntry("ssl.keystore.key", "pem-key-body");
        assertThat(settings.toString()).doesNotContain("pem-key-body").doesNotContain("oauth-pw");
    }
}
