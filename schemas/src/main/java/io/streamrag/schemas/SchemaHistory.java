package io.streamrag.schemas;

import org.apache.avro.Schema;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every released version of every topic schema, shipped in the jar under {@code schema-history/}
 * (listed by {@code schema-history/index.txt}, one {@code FullName/vN.avsc} path a line). Decoders use it to
 * read records written by older producers; the build checks that each current schema reads them all.
 */
public final class SchemaHistory {

    private static final String ROOT = "schema-history/";
    private static final Map<String, List<Schema>> VERSIONS = load();

    private SchemaHistory() {
    }

    /** Released versions of the record with this full name, oldest first; empty when none is released. */
    public static List<Schema> versionsOf(String fullName) {
        return VERSIONS.getOrDefault(fullName, List.of());
    }

    public static Map<String, List<Schema>> all() {
        return VERSIONS;
    }

    private static Map<String, List<Schema>> load() {
        Map<String, List<Schema>> versions = new TreeMap<>();
        try (InputStream index = resource("index.txt")) {
            if (index == null) {
                return Map.of();
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(index, StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                String path = line.strip();
                if (path.isEmpty() || path.startsWith("#")) {
                    continue;
                }
                try (InputStream in = resource(path)) {
                    if (in == null) {
                        throw new IllegalStateException("schema-history/index.txt names a missing file: " + path);
                    }
                    Schema schema = new Schema.Parser().parse(in);
                    versions.computeIfAbsent(schema.getFullName(), n -> new ArrayList<>()).add(schema);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the schema history", e);
        }
        versions.replaceAll((name, list) -> List.copyOf(list));
        return Map.copyOf(versions);
    }

    private static InputStream resource(String path) {
        return SchemaHistory.class.getClassLoader().getResourceAsStream(ROOT + path);
    }
}
