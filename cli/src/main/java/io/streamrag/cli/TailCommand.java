package io.streamrag.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrag.schemas.AvroJson;
import io.streamrag.schemas.AvroSerde;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code streamrag tail TOPIC}: prints a topic's records as JSON lines, decoded with the topic's Avro type. A
 * value that cannot be decoded is printed with an {@code error} field and its bytes in base64; tail never stops
 * on a bad record. Reads all partitions without a consumer group, so it leaves no trace on the broker.
 */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = "Print a topic's records as JSON lines (values decoded with the topic's Avro type).")
final class TailCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "TOPIC", description = "e.g. rag.answer.generated, llmops.telemetry.")
    String topic;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "Broker (default: the running demo's, else " + KafkaCli.FALLBACK_BOOTSTRAP + ").")
    String bootstrap;

    @Option(names = "--from-beginning", description = "Start at the oldest record instead of new records only.")
    boolean fromBeginning;

    @Option(names = "--max", paramLabel = "N", description = "Stop after N records (default: follow until Ctrl-C).")
    long max = Long.MAX_VALUE;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS",
            description = "Stop after this long without a new record (default: 0, never).")
    double idleTimeoutSeconds;

    PrintStream out = System.out;

    @Override
    public Integer call() {
        TopicTypes types = new TopicTypes(KafkaCli.topics());
        Map<String, Object> props = KafkaCli.clientProperties(KafkaCli.bootstrap(bootstrap));
        props.put("enable.auto.commit", "false");
        props.put("client.id", "streamrag-tail");
        props.put("allow.auto.create.topics", "false");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(15));
            if (partitions == null || partitions.isEmpty()) {
                System.err.println("streamrag tail: topic '" + topic + "' does not exist");
                return 2;
            }
            List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(assigned);
            if (fromBeginning) {
                consumer.seekToBeginning(assigned);
            } else {
                consumer.seekToEnd(assigned);
            }
            long printed = 0;
            long idleSince = System.nanoTime();
            while (printed < max) {
                var records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    out.println(line(record, types));
                    if (++printed >= max) {
                        break;
                    }
                }
                if (!records.isEmpty()) {
                    idleSince = System.nanoTime();
                } else if (idleTimeoutSeconds > 0 && System.nanoTime() - idleSince > idleTimeoutSeconds * 1e9) {
                    break;
                }
                out.flush();
            }
            return 0;
        }
    }

    /** UTF-8 text, or "base64:..." for bytes that are not text. */
    private static String text(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return "base64:" + Base64.getEncoder().encodeToString(bytes);
        }
    }

    /** One record as a JSON object: where it is, its key and headers, and its decoded value or why not. */
    static ObjectNode line(ConsumerRecord<byte[], byte[]> record, TopicTypes types) {
        ObjectNode line = JsonNodeFactory.instance.objectNode();
        line.put("topic", record.topic()).put("partition", record.partition()).put("offset", record.offset())
                .put("timestamp", Instant.ofEpochMilli(record.timestamp()).toString());
        line.put("key", record.key() == null ? null : text(record.key()));
        if (record.headers().toArray().length > 0) {
            ObjectNode headers = line.putObject("headers");
            for (Header header : record.headers()) {
                headers.put(header.key(), header.value() == null ? null : text(header.value()));
            }
        }
        if (record.value() == null) {
            line.putNull("type");
            line.putNull("value");
            return line;
        }
        String firstError = null;
        for (AvroSerde<? extends SpecificRecord> serde : types.candidates(record.topic())) {
            try {
                SpecificRecord value = serde.decode(record.value());
                line.put("type", serde.type().getSimpleName());
                line.set("value", AvroJson.toJsonNode(value));
                return line;
            } catch (RuntimeException e) {
                if (firstError == null) {
                    firstError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                }
            }
        }
        line.put("error", "cannot decode the value as "
                + types.typeOf(record.topic()).map(Class::getSimpleName).orElse("any platform event") + ": " + firstError);
        line.put("valueBase64", Base64.getEncoder().encodeToString(record.value()));
        return line;
    }
}
