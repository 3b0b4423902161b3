package io.streamrag.ingest;

import io.streamrag.platform.text.Sentences;
import io.streamrag.platform.text.Tokens;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class ChunkerTest {

    private static String englishText(int sentences) {
        return IntStream.range(0, sentences)
                .mapToObj(i -> "Sentence number " + i + " explains how the stream processes documents in order.")
                .collect(Collectors.joining(" "));
    }

    private static String koreanText(int sentences) {
        return IntStream.range(0, sentences)
                .mapToObj(i -> "스트림은 " + i + "번째 문서를 순서대로 처리하는 방법을 설명합니다.")
                .collect(Collectors.joining(" "));
    }

    @Test
    void shouldKeepAShortTextInOneChunk_withTheTitleOnTheFirstLine() {
        // given
        Chunker chunker = new Chunker(200, 30, true);

        // when
        List<String> chunks = chunker.chunk("Streams guide", "Kafka keeps logs. Streams read them.");

        // then
        assertThat(chunks).containsExactly("Streams guide\nKafka keeps logs. Streams read them.");
    }

    @Test
    void shouldCutEnglishTextIntoWholeSentenceChunksWithinTheTokenBudget() {
        // given
        Chunker chunker = new Chunker(60, 0, false);
        String text = englishText(12);

        // when
        List<String> chunks = chunker.chunk(null, text);

        // then every chunk is whole sentences, within budget, and together they are the text in order
        assertThat(chunks).hasSizeGreaterThan(1);
        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(Tokens.estimate(chunk)).isLessThanOrEqualTo(60);
            assertThat(chunk).startsWith("Sentence number").endsWith("in order.");
        });
        assertThat(String.join(" ", chunks)).isEqualTo(text);
    }

    @Test
    void shouldRepeatTheLastSentencesOfAChunkAtTheStartOfTheNext_whenOverlapIsSet() {
        // given
        Chunker chunker = new Chunker(60, 20, false);

        // when
        List<String> chunks = chunker.chunk(null, englishText(12));

        // then
        for (int i = 1; i < chunks.size(); i++) {
            List<String> previous = Sentences.split(chunks.get(i - 1));
            List<String> current = Sentences.split(chunks.get(i));
            assertThat(current.getFirst()).isEqualTo(previous.getLast());
            assertThat(current).hasSizeGreaterThan(1);
        }
        assertThat(chunks).allSatisfy(chunk -> assertThat(Tokens.estimate(chunk)).isLessThanOrEqualTo(60));
    }

    @Test
    void shouldCutKoreanTextOnSentenceEndings() {
        // given
        Chunker chunker = new Chunker(80, 0, true);
        String text = koreanText(10);

        // when
        List<String> chunks = chunker.chunk("스트림 안내", text);

        // then
        assertThat(chunks).hasSizeGreaterThan(1);
        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk).startsWith("스트림 안내\n").endsWith("설명합니다.");
            assertThat(Tokens.estimate(chunk)).isLessThanOrEqualTo(80);
        });
        assertThat(chunks.stream().map(c -> c.substring("스트림 안내\n".length())).collect(Collectors.joining(" "))).isEqualTo(text);
    }

    @Test
    void shouldSplitASentenceLongerThanAChunkOnWordBoundaries() {
        // given
        Chunker chunker = new Chunker(30, 5, false);
        String words = IntStream.range(0, 80).mapToObj(i -> "word" + i).collect(Collectors.joining(" "));

        // when
        List<String> chunks = chunker.chunk(null, words + ".");

        // then no word is cut, and nothing is lost
        assertThat(chunks).hasSizeGreaterThan(3);
        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(Tokens.estimate(chunk)).isLessThanOrEqualTo(30);
            assertThat(chunk).matches("(word\\d+ )*word\\d+\\.?");
        });
        assertThat(String.join(" ", chunks)).contains(words);
    }

    @Test
    void shouldSplitAnUnspacedRunOfCharacters_whenNoWordBoundaryExists() {
        // given
        Chunker chunker = new Chunker(20, 0, false);
        String run = "가".repeat(50);

        // when
        List<String> chunks = chunker.chunk(null, run);

        // then
        assertThat(chunks).containsExactly("가".repeat(20), "가".repeat(20), "가".repeat(10));
    }

    @Test
    void shouldClipALongTitleToAQuarterOfTheChunk_soTheTextStillFits() {
        // given
        Chunker chunker = new Chunker(40, 0, true);
        String title = "A very long title that goes on and on about many different things at once";

        // when
        List<String> chunks = chunker.chunk(title, "Short body.");

        // then
        assertThat(chunks).hasSize(1);
        String prefix = chunks.getFirst().substring(0, chunks.getFirst().indexOf('\n'));
        assertThat(title).startsWith(prefix);
        assertThat(Tokens.estimate(prefix)).isLessThanOrEqualTo(10);
        assertThat(chunks.getFirst()).endsWith("\nShort body.");
    }

    @Test
    void shouldReturnNoChunks_forTextWithoutWords() {
        assertThat(new Chunker(200, 30, true).chunk("Title", " \n\n ")).isEmpty();
    }
}
