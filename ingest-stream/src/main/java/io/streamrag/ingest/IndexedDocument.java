package io.streamrag.ingest;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import java.nio.ByteBuffer;

/**
 * What the ingest stream remembers per document key: the version indexed and how many chunks it has, so a
 * redelivery is recognised and a shorter new version knows which old chunk ids to remove.
 */
record IndexedDocument(long version, int chunks) {

    private static final byte FORMAT = 1;

    static Serde<IndexedDocument> serde() {
        return Serdes.serdeFrom(
                (topic, value) -> value == null ? null
                        : ByteBuffer.allocate(13).put(FORMAT).putLong(value.version).putInt(value.chunks).array(),
                (topic, bytes) -> {
                    if (bytes == null) {
                        return null;
                    }
                    if (bytes.length != 13 || bytes[0] != FORMAT) {
                        throw new SerializationException("unknown ingest document state format");
                    }
                    ByteBuffer in = ByteBuffer.wrap(bytes, 1, 12);
                    return new IndexedDocument(in.getLong(), in.getInt());
                });
    }
}
