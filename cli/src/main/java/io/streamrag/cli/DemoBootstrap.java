package io.streamrag.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the running demo's broker listens: {@code streamrag demo} writes its bootstrap address to
 * {@code <data-dir>/bootstrap}, so the other commands find it without {@code --bootstrap}.
 */
final class DemoBootstrap {

    static final Path DEFAULT_DATA_DIR = Path.of(System.getProperty("user.home"), ".streamrag", "demo");
    static final String FALLBACK = "localhost:9092";
    private static final String FILE = "bootstrap";

    private DemoBootstrap() {
    }

    static void write(Path dataDir, String bootstrapServers) {
        try {
            Files.createDirectories(dataDir);
            Files.writeString(dataDir.resolve(FILE), bootstrapServers + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dataDir.resolve(FILE), e);
        }
    }

    static void forget(Path dataDir) {
        try {
            Files.deleteIfExists(dataDir.resolve(FILE));
        } catch (IOException e) {
            // a stale file only makes later commands try an address where nothing listens; they say so
        }
    }

    /** The explicit address if given, else the demo's recorded one, else localhost:9092. */
    static String resolve(String explicit, Path dataDir) {
        if (explicit != null && !explicit.isBlank()) {
            return explicit;
        }
        Path file = dataDir.resolve(FILE);
        try {
            if (Files.isRegularFile(file)) {
                String recorded = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!recorded.isEmpty()) {
                    return recorded;
                }
            }
        } catch (IOException e) {
            // unreadable: fall back like an absent file
        }
        return FALLBACK;
    }
}
