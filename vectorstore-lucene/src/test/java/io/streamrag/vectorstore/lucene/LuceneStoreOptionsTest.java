package io.streamrag.vectorstore.lucene;

import io.streamrag.platform.config.ConfigException;
import io.streamrag.platform.config.ConfigReader;
import io.streamrag.platform.config.Settings;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LuceneStoreOptionsTest {

    @Test
    void shouldEqualTheDefaults_whenNothingIsConfigured() {
        // when
        ConfigReader config = new ConfigReader(Settings.of(LuceneVectorStore.Options.KEYS, Map.of()));
        LuceneVectorStore.Options options = LuceneVectorStore.Options.from(config);
        config.validate();

        // then
        assertThat(options).isEqualTo(LuceneVectorStore.Options.defaults());
    }

    @Test
    void shouldReadEveryKey_whenConfigured() {
        // given
        ConfigReader config = new ConfigReader(Settings.of(LuceneVectorStore.Options.KEYS, Map.of(
                "vectorstore.lucene.fusion", "reciprocal-rank", "vectorstore.lucene.hybrid.alpha", "0.3",
                "vectorstore.lucene.rrf.k", "20", "vectorstore.lucene.candidates", "100",
                "vectorstore.lucene.ram.buffer.mb", "256")));

        // when
        LuceneVectorStore.Options options = LuceneVectorStore.Options.from(config);
        config.validate();

        // then
        assertThat(options).isEqualTo(new LuceneVectorStore.Options(LuceneVectorStore.Fusion.RECIPROCAL_RANK, 0.3, 20, 100, 256));
    }

    @Test
    void shouldReportEveryBadKeyAtOnce_whenValuesAreInvalid() {
        // given
        ConfigReader config = new ConfigReader(Settings.of(LuceneVectorStore.Options.KEYS, Map.of(
                "vectorstore.lucene.fusion", "average", "vectorstore.lucene.hybrid.alpha", "1.5")));

        // when
        LuceneVectorStore.Options.from(config);

        // then
        assertThatThrownBy(config::validate).isInstanceOf(ConfigException.class)
                .hasMessageContaining("vectorstore.lucene.fusion").hasMessageContaining("vectorstore.lucene.hybrid.alpha");
    }

    @Test
    void shouldReadTheKoreanKeys_whenConfigured() {
        // given
        ConfigReader config = new ConfigReader(Settings.of(LuceneVectorStore.Options.KEYS, Map.of(
                "vectorstore.lucene.hybrid.alpha.ko", "0.3", "vectorstore.lucene.hangul.bigram.weight", "0",
                "vectorstore.lucene.nori.decompound", "mixed")));

        // when
        LuceneVectorStore.Options options = LuceneVectorStore.Options.from(config);
        config.validate();

        // then
        assertThat(options.alphaKorean()).isEqualTo(0.3);
        assertThat(options.hangulBigramWeight()).isZero();
        assertThat(options.decompound()).isEqualTo(LuceneVectorStore.Decompound.MIXED);
        assertThat(options.alphaFor("통근버스 신청은 언제까지 하나요?")).isEqualTo(0.3);
        assertThat(options.alphaFor("When do I book the shuttle bus?")).isEqualTo(options.alpha());
    }

    @Test
    void shouldReportTheKoreanKeys_whenValuesAreInvalid() {
        // given
        ConfigReader config = new ConfigReader(Settings.of(LuceneVectorStore.Options.KEYS, Map.of(
                "vectorstore.lucene.hybrid.alpha.ko", "-0.1", "vectorstore.lucene.hangul.bigram.weight", "heavy",
                "vectorstore.lucene.nori.decompound", "split")));

        // when
        LuceneVectorStore.Options.from(config);

        // then
        assertThatThrownBy(config::validate).isInstanceOf(ConfigException.class)
                .hasMessageContaining("vectorstore.lucene.hybrid.alpha.ko")
                .hasMessageContaining("vectorstore.lucene.hangul.bigram.weight")
                .hasMessageContaining("vectorstore.lucene.nori.decompound");
    }
}
