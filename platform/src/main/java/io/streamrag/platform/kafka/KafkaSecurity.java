package io.streamrag.platform.kafka;

import io.streamrag.platform.config.ConfigKey;

import java.util.List;

/**
 * The Kafka client security settings every process may need, declared so that they are documented and the secret
 * ones are masked wherever configuration is shown. They pass to the Kafka clients like any other {@code kafka.*}
 * key; each may also be read from a file with {@code <ENV_NAME>_FILE} (e.g. {@code KAFKA_SASL_JAAS_CONFIG_FILE}).
 */
public final class KafkaSecurity {

    public static final List<ConfigKey> KEYS = List.of(
            ConfigKey.of("kafka.security.protocol", null, "PLAINTEXT (default), SASL_PLAINTEXT, SASL_SSL or SSL."),
            ConfigKey.of("kafka.sasl.mechanism", null, "SASL mechanism, e.g. SCRAM-SHA-512."),
            ConfigKey.secret("kafka.sasl.jaas.config", "JAAS line with the principal's credentials, e.g. "
                    + "'org.apache.kafka.common.security.scram.ScramLoginModule required username=\"query\" password=\"...\";'."),
            ConfigKey.of("kafka.ssl.truststore.location", null, "Trust store of the brokers' CA (SSL, SASL_SSL)."),
            ConfigKey.secret("kafka.ssl.truststore.password", "Password of the trust store."),
            ConfigKey.of("kafka.ssl.keystore.location", null, "Key store with the client certificate (mTLS)."),
            ConfigKey.secret("kafka.ssl.keystore.password", "Password of the key store."),
            ConfigKey.secret("kafka.ssl.key.password", "Password of the private key in the key store."));

    private KafkaSecurity() {
    }
}
