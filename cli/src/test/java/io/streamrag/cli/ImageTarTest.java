package io.streamrag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image tars that {@code ./mvnw -Pimages package} writes (docker-archive format, for {@code docker load}):
 * each starts the right stream, carries the tag the compose file uses, and holds the runtime it starts with.
 * Skipped, saying so, when the tars have not been built.
 */
class ImageTarTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The image a stream is built as; the compose file names the same (DeploymentFilesTest checks it). */
    static String imageName(String stream) {
        return "streamrag-" + stream + ":" + System.getProperty("streamrag.version", "0.1.0-SNAPSHOT");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ingest", "query", "monitor"})
    void shouldStartTheStreamWithTheBundledRuntime_whenTheImageIsRun(String stream) throws IOException {
        // given
        Path tar = Path.of(System.getProperty("streamrag.images.dir", "target/images")).resolve("streamrag-" + stream + ".tar");
        if (!Files.isRegularFile(tar)) {
            String reason = "SKIPPED: image tar " + tar + " not built; build it with ./mvnw -DskipTests -Pimages package";
            System.err.println(reason);
            Assumptions.abort(reason);
        }

        // when
        Map<String, byte[]> files = new HashMap<>();
        readTar(Files.newInputStream(tar), (name, body) -> files.put(name, body.get()));
        JsonNode manifest = JSON.readTree(files.get("manifest.json")).get(0);
        JsonNode config = JSON.readTree(files.get(manifest.path("Config").asText())).path("config");
        Map<String, Integer> modes = new HashMap<>();
        for (JsonNode layer : manifest.path("Layers")) {
            InputStream layerStream = new ByteArrayInputStream(files.get(layer.asText()));
            readTar(new GZIPInputStream(layerStream), (name, body) -> modes.put(name, body.mode()));
        }

        // then
        assertThat(manifest.path("RepoTags").toString()).contains(imageName(stream));
        List<String> entrypoint = strings(config.path("Entrypoint"));
        assertThat(entrypoint.getFirst()).isEqualTo("/opt/java/bin/java");
        assertThat(entrypoint).contains("--enable-native-access=ALL-UNNAMED", "jdk.incubator.vector", "-XX:ReservedCodeCacheSize=512m",
                "-XX:+UseZGC");
        assertThat(entrypoint.getLast()).isEqualTo(StreamRag.class.getName());
        assertThat(strings(config.path("Cmd"))).containsExactly("run", stream);
        assertThat(config.path("User").asText()).isEqualTo("10001:10001");
        assertThat(modes).containsKeys("app/classes/io/streamrag/cli/HealthProbe.class", "etc/passwd",
                "lib/x86_64-linux-gnu/libc.so.6", "lib/x86_64-linux-gnu/libstdc++.so.6");
        assertThat(modes.get("opt/java/bin/java") & 0111).as("java is executable").isEqualTo(0111);
        assertThat(modes.get("lib64/ld-linux-x86-64.so.2") & 0111).as("the loader is executable").isEqualTo(0111);
        assertThat(modes.get("var/lib/streamrag") & 0777).as("state folder writable by the stream's user").isEqualTo(0777);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(node -> out.add(node.asText()));
        return out;
    }

    /** One tar entry: its mode, and its bytes read on demand. */
    private record Entry(int mode, Body body) {
        byte[] get() throws IOException {
            return body.read();
        }
    }

    private interface Body {
        byte[] read() throws IOException;
    }

    private interface EntryConsumer {
        void accept(String name, Entry entry) throws IOException;
    }

    /** A small ustar/pax reader: names (with pax paths and the ustar prefix) and modes; bodies read on demand. */
    private static void readTar(InputStream raw, EntryConsumer consumer) throws IOException {
        try (InputStream in = new BufferedInputStream(raw)) {
            String paxPath = null;
            while (true) {
                byte[] header = in.readNBytes(512);
                if (header.length < 512 || header[0] == 0) {
                    return;
                }
                String name = field(header, 0, 100);
                String prefix = field(header, 345, 155);
                int mode = (int) octal(header, 100, 8);
                long size = octal(header, 124, 12);
                char type = (char) header[156];
                byte[] body = in.readNBytes((int) size);
                in.skipNBytes((512 - size % 512) % 512);
                if (type == 'x') {
                    paxPath = paxValue(body, "path");
                    continue;
                }
                String path = paxPath != null ? paxPath : prefix.isEmpty() ? name : prefix + "/" + name;
                paxPath = null;
                path = path.startsWith("/") ? path.substring(1) : path.startsWith("./") ? path.substring(2) : path;
                path = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
                consumer.accept(path, new Entry(mode, () -> body));
            }
        }
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] header, int offset, int length) {
        String text = field(header, offset, length).trim();
        return text.isEmpty() ? 0 : Long.parseLong(text, 8);
    }

    private static String paxValue(byte[] records, String key) {
        for (String line : new String(records, StandardCharsets.UTF_8).split("\n")) {
            int space = line.indexOf(' ');
            if (space > 0 && line.startsWith(key + "=", space + 1)) {
                return line.substring(space + 2 + key.length());
            }
        }
        return null;
    }
}
