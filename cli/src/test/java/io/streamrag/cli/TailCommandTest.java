package io.streamrag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrag.events.AnswerStatus;
import io.streamrag.events.QueryAnswered;
import io.streamrag.platform.kafka.TopicAdmin;
import io.streamrag.platform.kafka.TopicSpec;
import io.streamrag.platform.kafka.Topics;
import io.streamrag.schemas.AvroSerde;
import io.streamrag.schemas.Events;
import io.streamrag.testkit.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class TailCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Topics topics = Topics.defaults();
    private final TopicTypes types = new TopicTypes(topics);

    private static QueryAnswered answer(String requestId) {
        return QueryAnswered.newBuilder().setHeader(Events.header(requestId)).setRequestId(requestId).setTenant("acme")
                .setStatus(AnswerStatus.OK).setAnswer("Refunds within 14 days.").build();
    }

    @Test
    void shouldPrintDecodedValue_whenRecordIsTheTopicsType() throws Exception {
        // given
        byte[] value = AvroSerde.of(QueryAnswered.class).encode(answer("r1"));
        var record = new ConsumerRecord<>(topics.answerGenerated(), 2, 41L, "r1".getBytes(StandardCharsets.UTF_8), value);

        // when
        JsonNode line = JSON.readTree(TailCommand.line(record, types).toString());

        // then
        assertThat(line.path("type").asText()).isEqualTo("QueryAnswered");
        assertThat(line.path("partition").asInt()).isEqualTo(2);
        assertThat(line.path("offset").asLong()).isEqualTo(41);
        assertThat(line.path("key").asText()).isEqualTo("r1");
        assertThat(line.at("/value/status").asText()).isEqualTo("OK");
        assertThat(line.at("/value/answer").asText()).isEqualTo("Refunds within 14 days.");
        assertThat(line.has("error")).isFalse();
    }

    @Test
    void shouldPrintErrorWithBase64Bytes_whenValueIsNotAvro() throws Exception {
        // given
        byte[] garbage = "{not avro}".getBytes(StandardCharsets.UTF_8);
        var record = new ConsumerRecord<byte[], byte[]>(topics.telemetry(), 0, 3L, null, garbage);

        // when
        JsonNode line = JSON.readTree(TailCommand.line(record, types).toString());

        // then
        assertThat(line.path("error").asText()).contains("Telemetry");
        assertThat(Base64.getDecoder().decode(line.path("valueBase64").asText())).isEqualTo(garbage);
        assertThat(line.path("key").isNull()).isTrue();
    }

    @Test
    void shouldPrintEveryRecordAsJsonLine_whenTailingABrokerTopic() throws Exception {
        // given: a topic outside the catalogue holding one event and one bad record
        String bootstrap = TestKafka.shared().bootstrapServers();
        String topic = "tail-test-" + UUID.randomUUID();
        TopicAdmin.ensure(Map.of("bootstrap.servers", bootstrap), List.of(new TopicSpec(topic, 1, (short) 1, Map.of())));
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "r2".getBytes(StandardCharsets.UTF_8), AvroSerde.of(QueryAnswered.class).encode(answer("r2")))).get();
            producer.send(new ProducerRecord<>(topic, null, new byte[]{1, 2, 3})).get();
        }
        TailCommand tail = new TailCommand();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        tail.out = new PrintStream(printed, true, StandardCharsets.UTF_8);

        // when
        int exit = new CommandLine(tail).execute(topic, "--bootstrap", bootstrap, "--from-beginning", "--max", "2", "--idle-timeout", "20");

        // then
        List<JsonNode> lines = printed.toString(StandardCharsets.UTF_8).lines().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + l, e);
            }
        }).toList();
        assertThat(exit).isZero();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).path("type").asText()).isEqualTo("QueryAnswered");
        assertThat(lines.get(0).at("/value/requestId").asText()).isEqualTo("r2");
        assertThat(lines.get(1).path("error").asText()).contains("any platform event");
    }

    @Test
    void shouldFailWithMessage_whenTopicDoesNotExist() {
        // given
        TailCommand tail = new TailCommand();

        // when
        int exit = new CommandLine(tail).execute("no-such-topic-" + UUID.randomUUID(), "--bootstrap",
                TestKafka.shared().bootstrapServers(), "--max", "1");

        // then
        assertThat(exit).isEqualTo(2);
    }
}
