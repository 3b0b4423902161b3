package io.streamrag.query;

import io.streamrag.events.QueryRequested;
import io.streamrag.schemas.AvroSerde;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A screened request on its way from the intake through the tenant admission to the LLM stage (the value of the
 * query stream's repartition topics when tenant limits are on): when the stream read it, the guard's flags and the
 * request as the guard passed it (single-object Avro). Encoded as: 8 bytes read time (big-endian millis), 4 bytes
 * flag count, each flag as 4 bytes length + UTF-8, then the request.
 */
record HandOff(long receivedAtMs, List<String> flags, QueryRequested request) {

    private static final AvroSerde<QueryRequested> REQUESTS = AvroSerde.of(QueryRequested.class);

    HandOff {
        flags = List.copyOf(flags);
    }

    byte[] encode() {
        List<byte[]> encodedFlags = flags.stream().map(f -> f.getBytes(StandardCharsets.UTF_8)).toList();
        byte[] body = REQUESTS.encode(request);
        int size = 8 + 4 + encodedFlags.stream().mapToInt(f -> 4 + f.length).sum() + body.length;
        ByteBuffer buffer = ByteBuffer.allocate(size).putLong(receivedAtMs).putInt(encodedFlags.size());
        encodedFlags.forEach(f -> buffer.putInt(f.length).put(f));
        return buffer.put(body).array();
    }

    static HandOff decode(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        long receivedAt = buffer.getLong();
        int count = buffer.getInt();
        List<String> flags = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] flag = new byte[buffer.getInt()];
            buffer.get(flag);
            flags.add(new String(flag, StandardCharsets.UTF_8));
        }
        return new HandOff(receivedAt, flags, REQUESTS.decode(Arrays.copyOfRange(bytes, buffer.position(), bytes.length)));
    }

    /** The request as a {@link Pending} with the guard's flags, read at {@link #receivedAtMs}. */
    Pending pending(long deadlineMs) {
        Pending p = new Pending(request, receivedAtMs, deadlineMs);
        p.flags.addAll(flags);
        return p;
    }
}
