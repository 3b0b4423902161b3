package io.streamrag.monitor;

import io.streamrag.events.Telemetry;
import io.streamrag.events.TelemetryKind;
import io.streamrag.schemas.AvroSerde;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest answered requests with their flags, for the dashboard's table: a group-less consumer that reads
 * the tail of every telemetry partition, so every instance shows the same table without asking the others.
 */
final class LatestAnswers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LatestAnswers.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final int capacity;
    private final Deque<Telemetry> latest = new ArrayDeque<>();
    private final Thread thread;
    private volatile boolean running = true;

    LatestAnswers(Map<String, Object> kafka, String topic, int capacity) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.remove("application.id");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.capacity = capacity;
        this.thread = Thread.ofPlatform().daemon().name("monitor-latest-answers").start(this::run);
    }

    synchronized List<Telemetry> latest() {
        return new ArrayList<>(latest);
    }

    private void run() {
        AvroSerde<Telemetry> serde = AvroSerde.of(Telemetry.class);
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            while (running && partitions.isEmpty()) {
                for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(5))) {
                    partitions.add(new TopicPartition(topic, p.partition()));
                }
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            ends.forEach((tp, end) -> consumer.seek(tp, Math.max(0, end - capacity)));
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        Telemetry t = serde.decode(record.value());
                        if (t != null && t.getKind() == TelemetryKind.QUERY) {
                            add(t);
                        }
                    } catch (SerializationException e) {
                        // counted by the topology; the table just leaves it out
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (running) {
                LOG.warn("latest answers stopped: {}", e.toString());
            }
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    private synchronized void add(Telemetry t) {
        latest.addFirst(t);
        while (latest.size() > capacity) {
            latest.removeLast();
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
