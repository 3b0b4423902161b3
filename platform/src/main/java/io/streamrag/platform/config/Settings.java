package io.streamrag.platform.config;

import io.streamrag.platform.kafka.KafkaSecurity;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The merged flat configuration of one process. Precedence, last wins: key defaults, the properties file,
 * the environment, the command line. From the environment only variables that name a known key are taken,
 * plus {@code KAFKA_*}, which pass through to the Kafka clients ({@code KAFKA_SECURITY_PROTOCOL} is
 * {@code kafka.security.protocol}). Any of them may instead be given as {@code <NAME>_FILE=/path}: the value is the
 * file's content without its trailing line break (the Docker secrets convention), so a secret need not sit in the
 * environment. The Kafka client security keys ({@link KafkaSecurity#KEYS}) are always known. Secrets are masked in
 * {@link #toString()}; problems found while loading (an unreadable file) are reported by {@link ConfigReader}.
 */
public final class Settings {

    public static final String KAFKA_PREFIX = "kafka.";
    /** Suffix of an environment variable that names a file holding the value of the variable without it. */
    public static final String FILE_SUFFIX = "_FILE";

    private final Map<String, String> values;
    private final Map<String, ConfigKey> known;
    private final List<String> problems;

    private Settings(Map<String, String> values, Map<String, ConfigKey> known, List<String> problems) {
        this.values = Map.copyOf(values);
        this.known = Map.copyOf(known);
        this.problems = List.copyOf(problems);
    }

    public static Settings load(Collection<ConfigKey> keys, Path file, Map<String, String> env,
                                Map<String, String> overrides) {
        Map<String, ConfigKey> known = new LinkedHashMap<>();
        keys.forEach(k -> known.put(k.name(), k));
        KafkaSecurity.KEYS.forEach(k -> known.putIfAbsent(k.name(), k));
        Map<String, String> values = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        known.values().stream().filter(k -> k.defaultValue() != null)
                .forEach(k -> values.put(k.name(), k.defaultValue()));
        if (file != null) {
            values.putAll(readProperties(file));
        }
        for (ConfigKey key : known.values()) {
            fromEnvironment(key.envName(), env, known, problems).ifPresent(v -> values.put(key.name(), v));
        }
        env.keySet().stream().filter(name -> name.startsWith("KAFKA_")).sorted().forEach(name -> {
            String base = isFileReference(name, known) ? name.substring(0, name.length() - FILE_SUFFIX.length()) : name;
            if (!known.containsKey(toKey(base)) && (base.equals(name) || !env.containsKey(base))) {
                fromEnvironment(base, env, known, problems).ifPresent(v -> values.put(toKey(base), v));
            }
        });
        values.putAll(overrides);
        return new Settings(values, known, problems);
    }

    /** The value of environment variable {@code name}, or of the file {@code <name>_FILE} names; not both. */
    private static Optional<String> fromEnvironment(String name, Map<String, String> env, Map<String, ConfigKey> known,
                                                    List<String> problems) {
        String direct = env.get(name);
        String fileName = name + FILE_SUFFIX;
        String file = isFileReference(fileName, known) ? env.get(fileName) : null;
        if (file == null) {
            return Optional.ofNullable(direct);
        }
        if (direct != null) {
            problems.add(name + " and " + fileName + " are both set: set only one");
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(Path.of(file.strip()), StandardCharsets.UTF_8).replaceFirst("[\\r\\n]+$", ""));
        } catch (IOException | RuntimeException e) {
            problems.add(fileName + ": cannot read the file '" + file.strip() + "' (" + e.getClass().getSimpleName() + ")");
            return Optional.empty();
        }
    }

    /**
     * Whether environment variable {@code name} points at a file holding another variable's value: it ends in
     * {@code _FILE} and is not itself a key ({@code AUTH_TENANT_KEYS_FILE} is the key {@code auth.tenant.keys.file})
     * or a Kafka client setting whose name ends in {@code .file}.
     */
    private static boolean isFileReference(String name, Map<String, ConfigKey> known) {
        if (!name.endsWith(FILE_SUFFIX) || name.length() == FILE_SUFFIX.length() || known.containsKey(toKey(name))) {
            return false;
        }
        return !(name.startsWith("KAFKA_") && KAFKA_CLIENT_CONFIGS.contains(toKey(name).substring(KAFKA_PREFIX.length())));
    }

    private static final Set<String> KAFKA_CLIENT_CONFIGS = kafkaClientConfigs();

    private static Set<String> kafkaClientConfigs() {
        Set<String> names = new HashSet<>(ProducerConfig.configNames());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        return Set.copyOf(names);
    }

    /** Settings from defaults and explicit values only (tests, embedded runs). */
    public static Settings of(Collection<ConfigKey> keys, Map<String, String> values) {
        return load(keys, null, Map.of(), values);
    }

    public Settings with(Map<String, String> overrides) {
        Map<String, String> merged = new TreeMap<>(values);
        merged.putAll(overrides);
        return new Settings(merged, known, problems);
    }

    /** What went wrong while loading (a secret file that cannot be read, a value given twice); empty when nothing. */
    public List<String> problems() {
        return problems;
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

    /** Whether the value of {@code key} must never be shown: declared secret, or named like a secret. */
    public boolean isSecret(String key) {
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
