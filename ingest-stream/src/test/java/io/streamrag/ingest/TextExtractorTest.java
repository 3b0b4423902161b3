package io.streamrag.ingest;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextExtractorTest {

    @Test
    void shouldKeepPlainTextAsIs_exceptLineEndingsAndByteOrderMark() {
        // given
        byte[] content = "\uFEFFFirst line.\r\nSecond   line.\r\n\r\n\r\nNext paragraph.".getBytes(StandardCharsets.UTF_8);

        // when
        TextExtractor.Extracted extracted = TextExtractor.extract("text/plain; charset=UTF-8", content);

        // then
        assertThat(extracted.text()).isEqualTo("First line.\nSecond line.\n\nNext paragraph.");
        assertThat(extracted.title()).isEmpty();
    }

    @Test
    void shouldDropMarkdownMarkup_andKeepHeadingsAndListItemsAsTheirOwnParagraphs() {
        // given
        String markdown = """
                ---
                author: someone
                ---
                # Kafka **Streams** guide

                Read the [official docs](https://kafka.apache.org) and `KafkaStreams#start`.
                ![diagram](img.png)

                ## Setup
                - Install the *JDK*
                - [x] Start the broker
                1. Create topics

                > Quoted _advice_ here.

                ```java
                var streams = new KafkaStreams(topology, props);
                ```

                | key | meaning |
                |-----|---------|
                | a   | alpha   |

                [ref]: https://example.com
                """;

        // when
        TextExtractor.Extracted extracted = TextExtractor.extract("text/markdown", markdown);

        // then
        assertThat(extracted.text()).isEqualTo("""
                Kafka Streams guide

                Read the official docs and KafkaStreams#start. diagram

                Setup

                Install the JDK

                Start the broker

                Create topics

                Quoted advice here.

                var streams = new KafkaStreams(topology, props);

                key, meaning

                a, alpha""");
        assertThat(extracted.title()).contains("Kafka Streams guide");
    }

    @Test
    void shouldKeepOnlyVisibleHtmlText_withBlocksSeparated() {
        // given
        String html = """
                <html><head><title>Vector search</title><style>p { color: red }</style>
                <script>alert('hidden')</script></head>
                <body><h1>HNSW&nbsp;graphs</h1><p>Graphs give <b>fast</b> approximate search.<br>Second line.</p>
                <div hidden>not shown</div><p style="display: none">also not shown</p>
                <ul><li>recall</li><li>latency</li></ul><noscript>enable js</noscript>
                <table><tr><td>k</td><td>10</td></tr></table></body></html>
                """;

        // when
        TextExtractor.Extracted extracted = TextExtractor.extract("text/html", html.getBytes(StandardCharsets.UTF_8));

        // then
        assertThat(extracted.text()).isEqualTo("""
                HNSW graphs

                Graphs give fast approximate search.
                Second line.

                recall

                latency

                k 10""");
        assertThat(extracted.title()).contains("Vector search");
    }

    @Test
    void shouldExtractKoreanText() {
        // given
        String html = "<p>카프카는 분산 이벤트 스트리밍 플랫폼입니다.</p><p>벡터 검색을 지원합니다.</p>";

        // when
        TextExtractor.Extracted extracted = TextExtractor.extract("text/html", html.getBytes(StandardCharsets.UTF_8));

        // then
        assertThat(extracted.text()).isEqualTo("카프카는 분산 이벤트 스트리밍 플랫폼입니다.\n\n벡터 검색을 지원합니다.");
    }

    @Test
    void shouldRejectInvalidUtf8_withTheOffsetOfTheBadByte() {
        // given
        byte[] content = {'a', 'b', (byte) 0xC3, (byte) 0x28, 'c'};

        // when / then
        assertThatThrownBy(() -> TextExtractor.extract("text/plain", content))
                .isInstanceOfSatisfying(IngestRejection.class, e -> {
                    assertThat(e.stage()).isEqualTo(IngestStage.EXTRACT);
                    assertThat(e.reason()).isEqualTo("content is not valid UTF-8 (malformed byte sequence at byte offset 2)");
                });
    }

    @Test
    void shouldRejectUnsupportedContentTypesAndCharsets() {
        assertThatThrownBy(() -> TextExtractor.formatOf("application/pdf"))
                .isInstanceOfSatisfying(IngestRejection.class, e -> {
                    assertThat(e.stage()).isEqualTo(IngestStage.VALIDATE);
                    assertThat(e.reason()).contains("application/pdf").contains("text/plain, text/markdown, text/html");
                });
        assertThatThrownBy(() -> TextExtractor.formatOf("text/plain; charset=ISO-8859-1"))
                .isInstanceOfSatisfying(IngestRejection.class, e -> assertThat(e.reason()).contains("iso-8859-1").contains("UTF-8"));
        assertThat(TextExtractor.formatOf(null)).isEqualTo(TextExtractor.Format.PLAIN);
        assertThat(TextExtractor.formatOf("Text/Markdown")).isEqualTo(TextExtractor.Format.MARKDOWN);
    }

    @Test
    void shouldRejectBinaryContent_thatHappensToBeValidUtf8() {
        assertThatThrownBy(() -> TextExtractor.extract("text/plain", new byte[]{'P', 'K', 3, 4, 0, 0, 'x'}))
                .isInstanceOfSatisfying(IngestRejection.class, e -> assertThat(e.reason()).contains("binary"));
    }
}
