package io.streamrag.platform.kafka;

import io.streamrag.events.DeadLetter;
import io.streamrag.schemas.Events;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

/**
 * Builds dead-letter records: the reason, stage, source topic, partition and offset go in the
 * {@link DeadLetter} value and again in headers ({@code dlq.reason}, ...), so tools that read only headers see them.
 */
public final class DeadLetters {

    /** Larger payloads are truncated in the dead letter; its size is kept. */
    public static final int MAX_PAYLOAD_BYTES = 1 << 20;

    public static final String HEADER_REASON = "dlq.reason";
    public static final String HEADER_STAGE = "dlq.stage";
    public static final String HEADER_SOURCE_TOPIC = "dlq.source.topic";
    public static final String HEADER_SOURCE_PARTITION = "dlq.source.partition";
    public static final String HEADER_SOURCE_OFFSET = "dlq.source.offset";

    private DeadLetters() {
    }

    /** Where a failed record came from. */
    public record Origin(String topic, int partition, long offset) {
        public static Origin unknown() {
            return new Origin("unknown", -1, -1L);
        }
    }

    public static DeadLetter of(Origin origin, String stage, String reason, Throwable error, byte[] key, byte[] payload) {
        byte[] kept = payload == null ? null : payload.length > MAX_PAYLOAD_BYTES ? Arrays.copyOf(payload, MAX_PAYLOAD_BYTES) : payload;
        String correlation = key == null ? UUID.randomUUID().toString() : new String(key, StandardCharsets.UTF_8);
        return DeadLetter.newBuilder()
                .setHeader(Events.header(correlation))
                .setSourceTopic(origin.topic())
                .setPartition(origin.partition())
                .setOffset(origin.offset())
                .setStage(stage)
                .setReason(reason)
                .setErrorClass(error == null ? null : error.getClass().getName())
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setPayload(kept == null ? null : ByteBuffer.wrap(kept))
                .setPayloadSize(payload == null ? 0 : payload.length)
                .build();
    }

    public static Headers headers(DeadLetter letter) {
        Headers headers = new RecordHeaders();
        headers.add(HEADER_REASON, utf8(letter.getReason()));
        headers.add(HEADER_STAGE, utf8(letter.getStage()));
        headers.add(HEADER_SOURCE_TOPIC, utf8(letter.getSourceTopic()));
        headers.add(HEADER_SOURCE_PARTITION, utf8(Integer.toString(letter.getPartition())));
        headers.add(HEADER_SOURCE_OFFSET, utf8(Long.toString(letter.getOffset())));
        return headers;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
