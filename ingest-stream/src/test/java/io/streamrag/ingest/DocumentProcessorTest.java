package io.streamrag.ingest;

import io.streamrag.events.DocumentSubmitted;
import io.streamrag.platform.embedding.Embedder;
import io.streamrag.platform.embedding.Embedders;
import io.streamrag.platform.text.Tokens;
import io.streamrag.platform.vector.StoredChunk;
import io.streamrag.platform.vector.Vectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class DocumentProcessorTest {

    private static Embedder embedder;
    private static DocumentProcessor processor;

    @BeforeAll
    static void loadModel() {
        embedder = Embedders.miniLm(16, 2);
        processor = new DocumentProcessor(IngestSettings.defaults(), embedder);
    }

    @AfterAll
    static void closeModel() {
        embedder.close();
    }

    private static void assertRejected(String key, DocumentSubmitted doc, IngestStage stage, String reason) {
        assertThatThrownBy(() -> processor.process(key, doc))
                .isInstanceOfSatisfying(IngestRejection.class, e -> {
                    assertThat(e.stage()).isEqualTo(stage);
                    assertThat(e.reason()).contains(reason);
                });
    }

    @Test
    void shouldChunkAndEmbedADocument_withDeterministicChunkIdsAndUnitVectors() {
        // given
        String text = IntStream.range(0, 40)
                .mapToObj(i -> "Kafka Streams processes record " + i + " of the document exactly once.")
                .collect(Collectors.joining(" "));
        DocumentSubmitted doc = Documents.text("acme", "guide", 3, "Streams guide", text)
                .setAclGroups(List.of("eng")).setMetadata(java.util.Map.of("source", "wiki")).build();

        // when
        ProcessedDocument first = processor.process("acme/guide", doc);
        ProcessedDocument again = processor.process(doc);

        // then
        List<StoredChunk> chunks = first.chunks();
        assertThat(chunks).hasSizeGreaterThan(1);
        assertThat(chunks).extracting(StoredChunk::chunkId)
                .containsExactlyElementsOf(IntStream.range(0, chunks.size()).mapToObj(i -> "acme/guide#" + i).toList());
        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk.tenant()).isEqualTo("acme");
            assertThat(chunk.docVersion()).isEqualTo(3);
            assertThat(chunk.title()).isEqualTo("Streams guide");
            assertThat(chunk.text()).startsWith("Streams guide\nKafka Streams processes record");
            assertThat(chunk.aclGroups()).containsExactly("eng");
            assertThat(chunk.metadata()).containsEntry("source", "wiki");
            assertThat(chunk.vector()).hasSize(384);
            assertThat(Vectors.dot(chunk.vector(), chunk.vector())).isCloseTo(1.0, within(1e-3));
        });
        assertThat(first.tokens()).isEqualTo(chunks.stream().mapToLong(c -> Tokens.estimate(c.text())).sum());
        assertThat(first.embeddingModel()).isEqualTo(Embedders.MINILM_NAME);
        assertThat(again.chunks()).extracting(StoredChunk::text).containsExactlyElementsOf(chunks.stream().map(StoredChunk::text).toList());
        assertThat(Arrays.equals(again.chunks().getFirst().vector(), chunks.getFirst().vector())).isTrue();
    }

    @Test
    void shouldTakeTheTitleFromTheContent_whenTheDocumentHasNone() {
        // given
        byte[] html = "<html><head><title>벡터 검색</title></head><body><p>하이브리드 검색은 키워드와 벡터를 함께 씁니다.</p></body></html>"
                .getBytes(StandardCharsets.UTF_8);

        // when
        ProcessedDocument processed = processor.process(Documents.bytes("acme", "vec", "text/html", html).build());

        // then
        assertThat(processed.chunks()).extracting(StoredChunk::text).containsExactly("벡터 검색\n하이브리드 검색은 키워드와 벡터를 함께 씁니다.");
        assertThat(processed.source().language()).isEqualTo("ko");
    }

    @Test
    void shouldRejectADocumentWithoutTenant() {
        assertRejected(null, Documents.text(null, "d", 1, null, "text").build(), IngestStage.VALIDATE, "tenant is missing");
        assertRejected(null, Documents.text(" ", "d", 1, null, "text").build(), IngestStage.VALIDATE, "tenant is missing");
    }

    @Test
    void shouldRejectATenantContainingASlash() {
        assertRejected(null, Documents.text("a/b", "d", 1, null, "text").build(), IngestStage.VALIDATE, "must not contain '/'");
    }

    @Test
    void shouldRejectADocumentWithoutDocId() {
        assertRejected(null, Documents.text("acme", "", 1, null, "text").build(), IngestStage.VALIDATE, "docId is missing");
    }

    @Test
    void shouldRejectARecordKeyThatNamesAnotherDocument_andAcceptTheDocumentKeyOrTheDocId() {
        DocumentSubmitted doc = Documents.text("acme", "d1", 1, null, "Some text.").build();
        assertRejected("acme/d2", doc, IngestStage.VALIDATE, "record key 'acme/d2' does not match the document 'acme/d1'");
        assertRejected("other/d1", doc, IngestStage.VALIDATE, "does not match");
        assertThat(processor.prepare("acme/d1", doc).documentKey()).isEqualTo("acme/d1");
        assertThat(processor.prepare("d1", doc).documentKey()).isEqualTo("acme/d1");
    }

    @Test
    void shouldRejectAVersionBelowOne() {
        assertRejected(null, Documents.text("acme", "d", 0, null, "text").build(), IngestStage.VALIDATE, "version must be 1 or more");
    }

    @Test
    void shouldRejectADocumentOverTheSizeLimit_beforeExtractingOrChunkingIt() {
        // given a 50 MB document whose bytes are not even UTF-8: extraction would fail, so only the size check can answer
        byte[] fifty = new byte[50 * 1024 * 1024];
        Arrays.fill(fifty, (byte) 0xFF);

        // when / then
        assertRejected(null, Documents.bytes("acme", "big", "text/plain", fifty).build(), IngestStage.VALIDATE,
                "document is 52428800 bytes, over the limit of 10485760 bytes (ingest.max.document.bytes)");
    }

    @Test
    void shouldApplyAConfiguredSizeLimitToTextToo() {
        DocumentProcessor small = new DocumentProcessor(IngestSettings.defaults().withMaxDocumentBytes(10), embedder);
        assertThatThrownBy(() -> small.process(Documents.text("acme", "d", 1, null, "가나다라").build()))
                .isInstanceOfSatisfying(IngestRejection.class, e -> assertThat(e.reason()).startsWith("document is 12 bytes"));
    }

    @Test
    void shouldRejectEmptyAndMissingContent() {
        assertRejected(null, Documents.text("acme", "d", 1, null, "   \n ").build(), IngestStage.EXTRACT, "the document is empty");
        assertRejected(null, Documents.bytes("acme", "d", "text/html", "<html><script>x()</script></html>".getBytes(StandardCharsets.UTF_8)).build(),
                IngestStage.EXTRACT, "no text left after extracting text/html");
        assertRejected(null, Documents.text("acme", "d", 1, null, null).build(), IngestStage.VALIDATE, "has no content");
        assertRejected(null, Documents.text("acme", "d", 1, null, "x").setContent(java.nio.ByteBuffer.wrap(new byte[]{'x'})).build(),
                IngestStage.VALIDATE, "both 'text' and 'content' are set");
    }

    @Test
    void shouldRejectInvalidUtf8AndUnsupportedContentTypes() {
        assertRejected(null, Documents.bytes("acme", "d", "text/plain", new byte[]{'o', 'k', (byte) 0xFE}).build(),
                IngestStage.EXTRACT, "not valid UTF-8");
        assertRejected(null, Documents.bytes("acme", "d", "application/pdf", new byte[]{'%', 'P'}).build(),
                IngestStage.VALIDATE, "content type 'application/pdf' is not supported");
    }
}
