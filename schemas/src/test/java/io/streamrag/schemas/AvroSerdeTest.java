package io.streamrag.schemas;

import io.streamrag.events.DocumentSubmitted;
import io.streamrag.events.QueryRequested;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AvroSerdeTest {

    private final AvroSerde<DocumentSubmitted> serde = AvroSerde.of(DocumentSubmitted.class);

    private static DocumentSubmitted document() {
        return DocumentSubmitted.newBuilder()
                .setHeader(Events.header("corr-1"))
                .setTenant("acme")
                .setDocId("handbook")
                .setVersion(3)
                .setTitle("Handbook")
                .setContentType("text/markdown")
                .setText("# 안녕하세요\nHello.")
                .setAclGroups(List.of("staff"))
                .setMetadata(Map.of("source", "wiki"))
                .build();
    }

    @Test
    void shouldRoundTripInSingleObjectEncoding() {
        DocumentSubmitted document = document();
        byte[] bytes = serde.encode(document);

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(serde.decode(bytes)).isEqualTo(document);
    }

    @Test
    void shouldLeaveNothingOfThePreviousRecord_whenDecodingIntoAReusedOne() {
        // given: a first record with list and map entries, decoded into the object to reuse
        DocumentSubmitted first = document();
        DocumentSubmitted second = DocumentSubmitted.newBuilder(document())
                .setHeader(Events.header("corr-2")).setDocId("faq").setTitle(null)
                .setAclGroups(List.of()).setMetadata(Map.of("lang", "ko")).build();
        DocumentSubmitted reused = serde.decode(serde.encode(first));

        // when
        DocumentSubmitted decoded = serde.decode(serde.encode(second), reused);

        // then
        assertThat(decoded).isEqualTo(second);
        assertThat(decoded.getMetadata()).doesNotContainKey("source");
        assertThat(serde.decode(serde.encode(first), decoded)).isEqualTo(first);
    }

    @Test
    void shouldRejectBytesThatAreNotAvro_withAReason() {
        byte[] json = "{\"docId\":\"x\"}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> serde.decode(json))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("not Avro single-object encoded");
    }

    @Test
    void shouldRejectAnotherRecordType_asAnUnknownSchema() {
        QueryRequested query = QueryRequested.newBuilder()
                .setHeader(Events.header("c")).setRequestId("r").setTenant("t").setQuestion("q").build();
        byte[] bytes = AvroSerde.of(QueryRequested.class).encode(query);

        assertThatThrownBy(() -> serde.decode(bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("unknown schema fingerprint");
    }

    @Test
    void shouldRejectATruncatedBody() {
        byte[] bytes = serde.encode(document());
        byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length / 2);

        assertThatThrownBy(() -> serde.decode(truncated))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("corrupt");
    }
}
