package io.streamrag.query;

import io.streamrag.events.QueryRequested;
import io.streamrag.schemas.AvroSerde;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The in-flight store's value: when the stream read the request (8 bytes, big-endian millis) followed by the
 * request itself in single-object Avro, enough to re-issue it after a restart with its original deadline.
 */
final class InFlightCodec {

    private static final AvroSerde<QueryRequested> REQUESTS = AvroSerde.of(QueryRequested.class);

    private InFlightCodec() {
    }

    record Entry(long receivedAtMs, QueryRequested request) {
    }

    static byte[] encode(long receivedAtMs, QueryRequested request) {
        byte[] body = REQUESTS.encode(request);
        return ByteBuffer.allocate(8 + body.length).putLong(receivedAtMs).put(body).array();
    }

    static Entry decode(byte[] bytes) {
        long receivedAt = ByteBuffer.wrap(bytes, 0, 8).getLong();
        return new Entry(receivedAt, REQUESTS.decode(Arrays.copyOfRange(bytes, 8, bytes.length)));
    }
}
