package io.streamrag.ingest;

import io.streamrag.platform.config.ConfigException;
import io.streamrag.platform.config.ConfigKey;
import io.streamrag.platform.config.Settings;
import io.streamrag.platform.kafka.Topics;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IngestConfigTest {

    @Test
    void shouldUseDocumentedDefaults() {
        // when
        IngestConfig config = IngestConfig.load(Settings.of(IngestConfig.KEYS, Map.of()));

        // then
        assertThat(config.applicationId()).isEqualTo("streamrag-ingest");
        assertThat(config.processingGuarantee()).isEqualTo(IngestConfig.Guarantee.EXACTLY_ONCE_V2);
        assertThat(config.settings()).isEqualTo(IngestSettings.defaults());
        assertThat(config.settings().maxDocumentBytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(config.topics()).isEqualTo(Topics.defaults());
        assertThat(config.kafka()).containsEntry("bootstrap.servers", "localhost:9092");
        assertThat(IngestConfig.KEYS).extracting(ConfigKey::name).doesNotHaveDuplicates()
                .contains("ingest.application.id", "ingest.max.document.bytes", "ingest.state.dir", "topic.document.submitted",
                        "embedding.provider");
    }

    @Test
    void shouldRunOneStreamThreadPerPartition_unlessThreadsAreGiven() {
        // when
        IngestConfig byDefault = IngestConfig.load(Settings.of(IngestConfig.KEYS, Map.of("topic.partitions", "4")));
        IngestConfig given = IngestConfig.load(Settings.of(IngestConfig.KEYS, Map.of("topic.partitions", "4", "ingest.stream.threads", "2")));

        // then
        assertThat(byDefault.streamThreads()).isEqualTo(4);
        assertThat(IngestApp.streamsProperties(byDefault)).containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 4);
        assertThat(given.streamThreads()).isEqualTo(2);
    }

    @Test
    void shouldTakeValuesFromTheEnvironment_andPassKafkaKeysThrough() {
        // given
        Map<String, String> env = Map.of(
                "INGEST_APPLICATION_ID", "ingest-blue",
                "INGEST_MAX_DOCUMENT_BYTES", "2048",
                "INGEST_CHUNK_MAX_TOKENS", "120",
                "INGEST_CHUNK_OVERLAP_TOKENS", "10",
                "INGEST_PROCESSING_GUARANTEE", "at-least-once",
                "INGEST_STATE_DIR", "/var/lib/ingest",
                "KAFKA_BOOTSTRAP_SERVERS", "broker:9092",
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "TOPIC_DOCUMENT_SUBMITTED", "docs.in");

        // when
        IngestConfig config = IngestConfig.load(Settings.load(IngestConfig.KEYS, null, env, Map.of()));
        Properties streams = IngestApp.streamsProperties(config);

        // then
        assertThat(config.settings()).isEqualTo(new IngestSettings(2048, 120, 10, true));
        assertThat(config.topics().documentSubmitted()).isEqualTo("docs.in");
        assertThat(streams).containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "ingest-blue")
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "at_least_once")
                .containsEntry(StreamsConfig.STATE_DIR_CONFIG, Path.of("/var/lib/ingest").toString())
                .containsEntry("bootstrap.servers", "broker:9092")
                .containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void shouldReportEveryBadKeyAtOnce() {
        // given
        Map<String, String> values = Map.of(
                "ingest.max.document.bytes", "lots",
                "ingest.chunk.max.tokens", "100",
                "ingest.chunk.overlap.tokens", "100",
                "ingest.processing.guarantee", "maybe");

        // when / then
        assertThatThrownBy(() -> IngestConfig.load(Settings.of(IngestConfig.KEYS, values)))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(3)
                        .anySatisfy(p -> assertThat(p).contains("ingest.max.document.bytes").contains("'lots'"))
                        .anySatisfy(p -> assertThat(p).contains("ingest.chunk.overlap.tokens (100) must be below"))
                        .anySatisfy(p -> assertThat(p).contains("ingest.processing.guarantee").contains("'maybe'")));
    }

    @Test
    void shouldMaskSecretKafkaSettings_inToString() {
        // given
        Map<String, String> values = Map.of("kafka.sasl.jaas.config", "org.apache...PlainLoginModule required password=\"hunter2\";");

        // when
        String printed = IngestConfig.load(Settings.of(IngestConfig.KEYS, values)).toString();

        // then
        assertThat(printed).contains("sasl.jaas.config=****").doesNotContain("hunter2");
    }
}
