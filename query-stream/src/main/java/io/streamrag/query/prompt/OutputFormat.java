package io.streamrag.query.prompt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The structured output a template asks for: its {@code outputFields}, each a name with an optional constraint in
 * parentheses, {@code 감정 (긍정적|중립적|부정적)} (one of the listed values) or {@code 강도 (1-5)} (a whole number
 * in range). An answer carries them as {@code name: value} lines; {@link #parse} extracts and validates them.
 */
public record OutputFormat(List<Field> fields) {

    private static final Pattern SPEC = Pattern.compile("\\s*([^()]+?)\\s*(?:\\((.*)\\))?\\s*");
    private static final Pattern RANGE = Pattern.compile("\\s*(-?\\d+)\\s*-\\s*(-?\\d+)\\s*");
    private static final Pattern FIRST_INT = Pattern.compile("-?\\d+");

    public OutputFormat {
        fields = List.copyOf(fields);
    }

    /** A field: its name and, when stated, the allowed values or the inclusive integer range. */
    public record Field(String name, List<String> allowed, Integer min, Integer max) {

        Optional<String> problem(String value) {
            if (value == null || value.isBlank()) {
                return Optional.of("field '" + name + "' is missing");
            }
            if (!allowed.isEmpty() && allowed.stream().noneMatch(a -> normalized(value).startsWith(normalized(a)))) {
                return Optional.of("field '" + name + "' is '" + value + "', expected one of " + allowed);
            }
            if (min != null) {
                Matcher m = FIRST_INT.matcher(value);
                if (!m.find()) {
                    return Optional.of("field '" + name + "' is '" + value + "', expected a whole number " + min + "-" + max);
                }
                int n = Integer.parseInt(m.group());
                if (n < min || n > max) {
                    return Optional.of("field '" + name + "' is " + n + ", expected " + min + "-" + max);
                }
            }
            return Optional.empty();
        }

        /** The canonical value: the matching allowed value, or the number, else the text. */
        String canonical(String value) {
            for (String a : allowed) {
                if (normalized(value).startsWith(normalized(a))) {
                    return a;
                }
            }
            if (min != null) {
                Matcher m = FIRST_INT.matcher(value);
                if (m.find()) {
                    return m.group();
                }
            }
            return value.strip();
        }
    }

    /** The result of parsing an answer: the fields found and every problem (empty: valid). */
    public record Parsed(Map<String, String> values, List<String> problems) {
        public boolean valid() {
            return problems.isEmpty();
        }
    }

    public static OutputFormat of(List<String> specs) {
        List<Field> fields = new ArrayList<>();
        for (String spec : specs) {
            Matcher m = SPEC.matcher(spec);
            if (!m.matches() || m.group(1).isBlank()) {
                throw new IllegalArgumentException("output field '" + spec + "' is not 'name' or 'name (constraint)'");
            }
            String constraint = m.group(2);
            if (constraint == null || constraint.isBlank()) {
                fields.add(new Field(m.group(1), List.of(), null, null));
                continue;
            }
            Matcher range = RANGE.matcher(constraint);
            if (range.matches()) {
                int lo = Integer.parseInt(range.group(1));
                int hi = Integer.parseInt(range.group(2));
                if (lo > hi) {
                    throw new IllegalArgumentException("output field '" + spec + "' has an empty range");
                }
                fields.add(new Field(m.group(1), List.of(), lo, hi));
            } else {
                fields.add(new Field(m.group(1), List.of(constraint.split("\\s*\\|\\s*")), null, null));
            }
        }
        return new OutputFormat(fields);
    }

    public boolean structured() {
        return !fields.isEmpty();
    }

    public List<String> names() {
        return fields.stream().map(Field::name).toList();
    }

    /**
     * Reads {@code name: value} lines (tolerating markdown bold, bullets and a full-width colon; the first line of a
     * field wins) and validates each field against its constraint.
     */
    public Parsed parse(String answer) {
        Map<String, String> raw = new LinkedHashMap<>();
        for (String line : (answer == null ? "" : answer).split("\\R")) {
            String cleaned = line.replace("**", "").replace("__", "").strip();
            cleaned = cleaned.replaceFirst("^[-*•]\\s*", "");
            int colon = indexOfColon(cleaned);
            if (colon <= 0) {
                continue;
            }
            String name = cleaned.substring(0, colon).strip();
            String value = cleaned.substring(colon + 1).strip();
            for (Field field : fields) {
                if (field.name().equalsIgnoreCase(name) && !raw.containsKey(field.name())) {
                    raw.put(field.name(), value);
                }
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Field field : fields) {
            String value = raw.get(field.name());
            Optional<String> problem = field.problem(value);
            if (problem.isPresent()) {
                problems.add(problem.get());
            } else {
                values.put(field.name(), field.canonical(value));
            }
        }
        return new Parsed(values, problems);
    }

    /** The lines the model must produce, e.g. {@code 감정: 긍정적|중립적|부정적}. */
    public String skeleton() {
        StringBuilder out = new StringBuilder();
        for (Field f : fields) {
            out.append(f.name()).append(": ");
            if (!f.allowed().isEmpty()) {
                out.append(String.join("|", f.allowed()));
            } else if (f.min() != null) {
                out.append(f.min()).append('-').append(f.max());
            } else {
                out.append("...");
            }
            out.append('\n');
        }
        return out.toString().strip();
    }

    private static int indexOfColon(String line) {
        int ascii = line.indexOf(':');
        int wide = line.indexOf('：');
        if (ascii < 0) {
            return wide;
        }
        return wide < 0 ? ascii : Math.min(ascii, wide);
    }

    private static String normalized(String s) {
        return s.strip().toLowerCase(Locale.ROOT);
    }
}
