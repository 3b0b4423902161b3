package io.streamrag.cli;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The benchmarks' broker in a JVM of its own: a real broker that clients use, whose CPU is counted, and that ends on close. */
class BenchBrokerTest {

    @Test
    void shouldServeProducersAndConsumers_andEndOnClose_whenRunApart() throws Exception {
        String bootstrap;
        // given: a broker in its own JVM
        try (BenchBroker broker = BenchBroker.childProcess()) {
            bootstrap = broker.bootstrapServers();

            // when: a topic is created, a record produced and read back
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic("apart", 1, (short) 1))).all().get();
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                    new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("apart", "k", "v")).get();
            }
            String read = null;
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG, "apart-reader", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                    new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of("apart"));
                long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (read == null && System.nanoTime() < end) {
                    ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                    if (!records.isEmpty()) {
                        read = records.iterator().next().value();
                    }
                }
            }

            // then: the record comes back, and the broker's CPU is its own process's
            assertThat(read).isEqualTo("v");
            assertThat(broker.cpuNanos().getAsLong()).isPositive();
        }
        // and: closing it stopped the broker
        String[] hostPort = bootstrap.split(":");
        assertThatThrownBy(() -> new Socket(hostPort[0], Integer.parseInt(hostPort[1])).close())
                .isInstanceOf(java.net.ConnectException.class);
    }
}
