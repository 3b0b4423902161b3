package io.streamrag.schemas;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kafka serde for a generated Avro record in single-object encoding: {@code C3 01}, the 8-byte
 * CRC-64-AVRO fingerprint of the writer schema, then the binary body. No registry is needed: the decoder
 * knows the current schema and every released version recorded in {@link SchemaHistory}, so records written
 * by older producers still decode, and a record that is not ours fails with a reason.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    private static final ConcurrentHashMap<Class<?>, AvroSerde<?>> CACHE = new ConcurrentHashMap<>();
    /** One reusable binary decoder per thread: decoding reads straight from the byte array, without a stream. */
    private static final ThreadLocal<BinaryDecoder> DECODERS = new ThreadLocal<>();

    private final Class<T> type;
    private final BinaryMessageEncoder<T> encoder;
    /** Writer schema fingerprint -> a reader resolving that version to the current schema (thread-safe). */
    private final Map<Long, SpecificDatumReader<T>> readers;

    private AvroSerde(Class<T> type) {
        this.type = type;
        Schema schema = SpecificData.get().getSchema(type);
        this.encoder = new BinaryMessageEncoder<>(SpecificData.get(), schema);
        Map<Long, SpecificDatumReader<T>> byFingerprint = new java.util.HashMap<>();
        for (Schema writer : SchemaHistory.versionsOf(schema.getFullName())) {
            byFingerprint.put(SchemaNormalization.parsingFingerprint64(writer), new SpecificDatumReader<>(writer, schema, SpecificData.get()));
        }
        byFingerprint.put(SchemaNormalization.parsingFingerprint64(schema), new SpecificDatumReader<>(schema, schema, SpecificData.get()));
        this.readers = Map.copyOf(byFingerprint);
    }

    /** The (cached, thread-safe) serde of a generated record class. */
    @SuppressWarnings("unchecked")
    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
        return (AvroSerde<T>) CACHE.computeIfAbsent(type, t -> new AvroSerde<>(type));
    }

    public Class<T> type() {
        return type;
    }

    public byte[] encode(T record) {
        try {
            ByteBuffer buffer = encoder.encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException | AvroRuntimeException | NullPointerException | ClassCastException e) {
            throw new SerializationException("cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Decodes one value; throws {@link SerializationException} whose message says what is wrong
     * (not single-object encoded, an unknown schema fingerprint, a corrupt body).
     */
    public T decode(byte[] bytes) {
        return decode(bytes, null);
    }

    /**
     * Like {@link #decode(byte[])}, filling {@code reuse} (when not null) instead of a new record: for a hot loop
     * that is done with the previous record before it decodes the next one.
     */
    public T decode(byte[] bytes, T reuse) {
        if (bytes == null) {
            return null;
        }
        if (bytes.length < 10 || bytes[0] != (byte) 0xC3 || bytes[1] != (byte) 0x01) {
            throw new SerializationException("not Avro single-object encoded " + type.getSimpleName()
                    + " (expected marker C3 01 and an 8-byte schema fingerprint)");
        }
        SpecificDatumReader<T> reader = readers.get(ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong());
        if (reader == null) {
            throw new SerializationException("unknown schema fingerprint for " + type.getSimpleName()
                    + ": the writer used a schema this version does not know");
        }
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, 10, bytes.length - 10, DECODERS.get());
            DECODERS.set(decoder);
            return reader.read(reuse, decoder);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("corrupt " + type.getSimpleName() + " body: " + e.getMessage(), e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, data) -> data == null ? null : encode(data);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, data) -> decode(data);
    }
}
