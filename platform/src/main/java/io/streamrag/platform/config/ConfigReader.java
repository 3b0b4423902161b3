package io.streamrag.platform.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads typed values from {@link Settings} and collects every problem, so that start-up reports all missing or
 * bad keys at once ({@link #validate()}) instead of the first one.
 */
public final class ConfigReader {

    private final Settings settings;
    private final List<String> problems = new ArrayList<>();

    public ConfigReader(Settings settings) {
        this.settings = settings;
        problems.addAll(settings.problems());
    }

    public Settings settings() {
        return settings;
    }

    public String string(String key) {
        Optional<String> value = settings.get(key);
        if (value.isEmpty()) {
            problems.add(key + " (" + ConfigKey.envName(key) + ") is required");
            return "";
        }
        return value.get();
    }

    public Optional<String> optional(String key) {
        return settings.get(key);
    }

    public int integer(String key, int min, int max) {
        return parse(key, Integer::parseInt, v -> v >= min && v <= max, "a whole number from " + min + " to " + max, 0);
    }

    public long longValue(String key, long min, long max) {
        return parse(key, Long::parseLong, v -> v >= min && v <= max, "a whole number from " + min + " to " + max, 0L);
    }

    public double decimal(String key, double min, double max) {
        return parse(key, Double::parseDouble, v -> v >= min && v <= max, "a number from " + min + " to " + max, 0.0);
    }

    public boolean bool(String key) {
        return parse(key, v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException();
        }, v -> true, "true or false", false);
    }

    public <E extends Enum<E>> E choice(String key, Class<E> type) {
        String raw = string(key);
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(raw.replace('-', '_'))) {
                return constant;
            }
        }
        if (!raw.isEmpty()) {
            problems.add(key + " (" + ConfigKey.envName(key) + ") must be one of "
                    + Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList()
                    + ", not " + shown(key, raw));
        }
        return type.getEnumConstants()[0];
    }

    public Path path(String key) {
        String raw = string(key);
        return Path.of(raw.startsWith("~/") ? System.getProperty("user.home") + raw.substring(1) : raw.isEmpty() ? "." : raw);
    }

    public Optional<URI> optionalUri(String key) {
        return settings.get(key).flatMap(raw -> {
            try {
                URI uri = URI.create(raw);
                if (uri.getScheme() == null || uri.getHost() == null) {
                    throw new IllegalArgumentException();
                }
                return Optional.of(uri);
            } catch (IllegalArgumentException e) {
                problems.add(key + " (" + ConfigKey.envName(key) + ") must be an absolute URL, not " + shown(key, raw));
                return Optional.empty();
            }
        });
    }

    public List<String> list(String key) {
        return settings.get(key).map(v -> Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
    }

    /** Records a problem found by cross-checking several keys. */
    public void problem(String message) {
        problems.add(message);
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** Throws one {@link ConfigException} listing every problem found so far. */
    public void validate() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    private <T> T parse(String key, Function<String, T> parser, java.util.function.Predicate<T> valid, String expected, T fallback) {
        String raw = string(key);
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            T value = parser.apply(raw);
            if (valid.test(value)) {
                return value;
            }
        } catch (RuntimeException ignored) {
            // reported below
        }
        problems.add(key + " (" + ConfigKey.envName(key) + ") must be " + expected + ", not " + shown(key, raw));
        return fallback;
    }

    /** A bad value as a problem message may show it: quoted, or masked when the key is a secret. */
    private String shown(String key, String raw) {
        return settings.isSecret(key) ? "the value given (a secret, not shown)" : "'" + raw + "'";
    }
}
