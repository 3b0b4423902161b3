package io.streamrag.platform.config;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The merged flat configuration of one process. Precedence, last wins: key defaults, the properties file,
 * the environment, the command line. From the environment only variables that name a known key are taken,
 * plus {@code KAFKA_*}, which pass through to the Kafka clients ({@code KAFKA_SECURITY_PROTOCOL} is
 * {@code kafka.security.protocol}). Secrets are masked in {@link #toString()}.
 */
public final class Settings {

    public static final String KAFKA_PREFIX = "kafka.";

    private final Map<String, String> values;
    private final Map<String, ConfigKey> known;

    private Settings(Map<String, String> values, Map<String, ConfigKey> known) {
        this.values = Map.copyOf(values);
        this.known = Map.copyOf(known);
    }

    public static Settings load(Collection<ConfigKey> keys, Path file, Map<String, String> env,
                                Map<String, String> overrides) {
        Map<String, ConfigKey> known = new LinkedHashMap<>();
        keys.forEach(k -> known.put(k.name(), k));
        Map<String, String> values = new TreeMap<>();
        known.values().stream().filter(k -> k.defaultValue() != null)
                .forEach(k -> values.put(k.name(), k.defaultValue()));
        if (file != null) {
            values.putAll(readProperties(file));
        }
        for (ConfigKey key : known.values()) {
            String fromEnv = env.get(key.envName());
            if (fromEnv != null) {
                values.put(key.name(), fromEnv);
            }
        }
        env.forEach((name, value) -> {
            if (name.startsWith("KAFKA_") && !known.containsKey(toKey(name))) {
                values.put(toKey(name), value);
            }
        });
        values.putAll(overrides);
        return new Settings(values, known);
    }

    /** Settings from defaults and explicit values only (tests, embedded runs). */
    public static Settings of(Collection<ConfigKey> keys, Map<String, String> values) {
        return load(keys, null, Map.of(), values);
    }

    public Settings with(Map<String, String> overrides) {
        Map<String, String> merged = new TreeMap<>(values);
        merged.putAll(overrides);
        return new Settings(merged, known);
    }

    public Optional<String> get(String key) {
        String value = values.get(key);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    public Map<String, String> asMap() {
        return values;
    }

    /** Everything under {@code kafka.}, with the prefix removed: client properties. */
    public Map<String, Object> kafkaProperties() {
        Map<String, Object> props = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(KAFKA_PREFIX) && v != null && !v.isBlank()) {
                props.put(k.substring(KAFKA_PREFIX.length()), v);
            }
        });
        return props;
    }

    private boolean isSecret(String key) {
        ConfigKey declared = known.get(key);
        return (declared != null && declared.secret()) || ConfigKey.looksSecret(key);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("Settings{");
        String separator = "";
        for (var e : values.entrySet()) {
            out.append(separator).append(e.getKey()).append('=')
                    .append(isSecret(e.getKey()) && e.getValue() != null && !e.getValue().isEmpty() ? "****" : e.getValue());
            separator = ", ";
        }
        return out.append('}').toString();
    }

    private static String toKey(String envName) {
        return envName.toLowerCase(java.util.Locale.ROOT).replace('_', '.');
    }

    private static Map<String, String> readProperties(Path file) {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read config file " + file, e);
        }
        Map<String, String> values = new TreeMap<>();
        props.forEach((k, v) -> values.put(k.toString().strip(), v.toString().strip()));
        return values;
    }
}
