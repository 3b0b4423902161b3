package io.streamrag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamrag.ingest.IngestApp;
import io.streamrag.ingest.IngestConfig;
import io.streamrag.platform.config.Settings;
import io.streamrag.platform.embedding.Embedder;
import io.streamrag.platform.embedding.Embedders;
import io.streamrag.platform.vector.ScoredChunk;
import io.streamrag.platform.vector.SearchMode;
import io.streamrag.platform.vector.SearchRequest;
import io.streamrag.testkit.TestKafka;
import io.streamrag.vectorstore.lucene.LuceneVectorStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code streamrag ingest} against a real broker and a running ingest stream. */
class IngestCommandTest {

    @TempDir
    static Path dir;

    private static Embedder embedder;
    private static LuceneVectorStore store;
    private static IngestApp app;
    private static String bootstrap;

    @BeforeAll
    static void startStream() {
        bootstrap = TestKafka.shared().bootstrapServers();
        embedder = Embedders.miniLm(32, 2);
        store = LuceneVectorStore.open(dir.resolve("index"));
        IngestConfig config = IngestConfig.load(Settings.of(IngestConfig.KEYS, Map.of(
                "kafka.bootstrap.servers", bootstrap,
                "ingest.application.id", "ingest-command-test-" + UUID.randomUUID(),
                "ingest.state.dir", dir.resolve("streams").toString())));
        app = IngestApp.start(config, embedder, store);
        assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
    }

    @AfterAll
    static void stopStream() {
        app.close();
        store.close();
        embedder.close();
    }

    @Test
    void shouldIndexReplaceAndDeleteDocuments_whenFilesAreIngestedEditedAndDeleted() throws IOException {
        // given: a folder with an English and a Korean document and a file type the stream cannot read
        String tenant = "t" + UUID.randomUUID().toString().substring(0, 8);
        Path docs = Files.createDirectories(dir.resolve(tenant));
        Path guide = docs.resolve("install-guide.md");
        Files.writeString(guide, "# Install guide\n\nRun the installer and accept the licence. The wizard asks for a folder.");
        Files.writeString(Files.createDirectories(docs.resolve("ko")).resolve("휴가.txt"), "휴가 안내\n\n연차 휴가는 인사 시스템에서 신청합니다.");
        Files.writeString(docs.resolve("scan.pdf"), "%PDF-1.7");

        // when
        Run first = ingest("--tenant", tenant, "--json", docs.toString());

        // then: one INDEXED line per readable file, doc id = file name without extension
        assertThat(first.exit).isZero();
        assertThat(first.lines).extracting(l -> l.get("doc_id").asText()).containsExactlyInAnyOrder("install-guide", "휴가");
        assertThat(first.lines).allSatisfy(l -> {
            assertThat(l.get("status").asText()).isEqualTo("INDEXED");
            assertThat(l.get("chunks").asInt()).isPositive();
        });
        assertThat(keywordHits(tenant, "wizard")).containsExactly("install-guide");
        assertThat(keywordHits(tenant, "연차 휴가")).containsExactly("휴가");

        // when: the file is edited (a later modification time) and sent again
        Files.writeString(guide, "# Install guide\n\nThe new installer runs without questions and needs no folder.");
        Files.setLastModifiedTime(guide, FileTime.fromMillis(Files.getLastModifiedTime(guide).toMillis() + 60_000));
        Run edited = ingest("--tenant", tenant, "--json", guide.toString());

        // then: the new version replaced the old text
        assertThat(edited.lines).singleElement().satisfies(l -> {
            assertThat(l.get("status").asText()).isEqualTo("INDEXED");
            assertThat(l.get("version").asLong()).isEqualTo(Files.getLastModifiedTime(guide).toMillis());
        });
        assertThat(keywordHits(tenant, "wizard")).isEmpty();
        assertThat(keywordHits(tenant, "questions")).containsExactly("install-guide");

        // when: the document is deleted
        Run deleted = ingest("--tenant", tenant, "--delete", "--json", "install-guide");

        // then
        assertThat(deleted.exit).isZero();
        assertThat(deleted.lines).singleElement().satisfies(l -> assertThat(l.get("status").asText()).isEqualTo("DELETED"));
        assertThat(keywordHits(tenant, "installer")).isEmpty();
        assertThat(keywordHits(tenant, "연차 휴가")).containsExactly("휴가");
    }

    @Test
    void shouldPrintTheDeadLetterReasonAndFail_whenDocumentIsEmpty() throws IOException {
        // given
        String tenant = "t" + UUID.randomUUID().toString().substring(0, 8);
        Path empty = Files.writeString(Files.createDirectories(dir.resolve(tenant)).resolve("empty.txt"), "   \n");

        // when
        Run run = ingest("--tenant", tenant, "--doc-id", "blank", empty.toString());

        // then: a non-zero exit and a line naming the document and why it was refused
        assertThat(run.exit).isEqualTo(1);
        assertThat(run.out).startsWith("DEAD_LETTER").contains(tenant + "/blank").containsIgnoringCase("empty");
        assertThat(store.count(tenant)).isZero();
    }

    private static List<String> keywordHits(String tenant, String text) {
        return store.search(new SearchRequest(tenant, Set.of(), text, null, 10, SearchMode.KEYWORD)).stream()
                .map(ScoredChunk::chunk).map(c -> c.docId()).distinct().toList();
    }

    private record Run(int exit, String out, List<JsonNode> lines) {
    }

    private static Run ingest(String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("ingest", "--bootstrap", bootstrap, "--timeout", "60"));
        all.addAll(List.of(args));
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            exit = new CommandLine(new StreamRag()).execute(all.toArray(String[]::new));
        } finally {
            System.setOut(original);
        }
        String out = buffer.toString(StandardCharsets.UTF_8);
        List<JsonNode> lines = new ArrayList<>();
        if (all.contains("--json")) {
            for (String line : out.split("\\R")) {
                if (!line.isBlank()) {
                    lines.add(Json.MAPPER.readTree(line));
                }
            }
        }
        return new Run(exit, out, lines);
    }
}
