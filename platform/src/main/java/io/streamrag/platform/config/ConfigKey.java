package io.streamrag.platform.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One configuration key: a dotted lowercase name, its default (null: no default), what it means, and whether
 * its value is a secret. The environment variable is derived mechanically: {@code vectorstore.weaviate.url}
 * is {@code VECTORSTORE_WEAVIATE_URL}.
 */
public record ConfigKey(String name, String defaultValue, String description, boolean secret) {

    public ConfigKey {
        if (!name.matches("[a-z][a-z0-9]*(\\.[a-z0-9]+)*")) {
            throw new IllegalArgumentException("config keys are dotted lowercase words: " + name);
        }
    }

    public static ConfigKey of(String name, String defaultValue, String description) {
        return new ConfigKey(name, defaultValue, description, false);
    }

    public static ConfigKey secret(String name, String description) {
        return new ConfigKey(name, null, description, true);
    }

    /**
     * The keys of several lists, each name once, in first-seen order: an application's key list is its own keys
     * plus those of the parts it is built from (topics, embeddings, ...), which overlap. A name declared twice
     * with different defaults is a programming error.
     */
    @SafeVarargs
    public static List<ConfigKey> union(List<ConfigKey>... lists) {
        Map<String, ConfigKey> byName = new LinkedHashMap<>();
        for (List<ConfigKey> list : lists) {
            for (ConfigKey key : list) {
                ConfigKey earlier = byName.putIfAbsent(key.name(), key);
                if (earlier != null && !java.util.Objects.equals(earlier.defaultValue(), key.defaultValue())) {
                    throw new IllegalStateException("config key " + key.name() + " is declared with two defaults: '"
                            + earlier.defaultValue() + "' and '" + key.defaultValue() + "'");
                }
            }
        }
        return List.copyOf(byName.values());
    }

    public String envName() {
        return envName(name);
    }

    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /**
     * Whether a key's value must never be printed: declared secret, or named like one. A process also holds keys it
     * does not declare (one properties file shared by every stream), so the name alone must give secrets away:
     * {@code auth.tenant.keys} read by the ingest process is masked too.
     */
    public static boolean looksSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.endsWith(".key") || k.endsWith(".keys") || k.contains("api.key")
                || k.contains("token") || k.contains("sasl.jaas.config") || k.contains("keystore")
                || k.contains("truststore.certificates");
    }
}
