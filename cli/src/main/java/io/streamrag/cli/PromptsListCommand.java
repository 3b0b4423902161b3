package io.streamrag.cli;

import io.streamrag.events.PromptTemplate;
import io.streamrag.platform.kafka.Topics;
import io.streamrag.query.prompt.BundledTemplates;
import io.streamrag.query.prompt.TemplateJson;
import io.streamrag.schemas.AvroSerde;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code streamrag prompts list}: the latest value of every template version on the topic, and the bundled ones. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the template versions on the template topic (and the bundled fallbacks).")
final class PromptsListCommand implements Callable<Integer> {

    @Option(names = "--bootstrap", defaultValue = "localhost:9092", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(names = "--topic", description = "Template topic (default: the platform's).")
    String topic;

    @Option(names = "--json", description = "Print each template as JSON.")
    boolean json;

    @Override
    public Integer call() {
        String source = topic == null ? Topics.defaults().promptTemplate() : topic;
        Map<String, PromptTemplate> latest = new TreeMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(source, Duration.ofSeconds(15)).stream()
                    .map(p -> new TopicPartition(source, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.value() == null) {
                        latest.remove(r.key());
                        return;
                    }
                    try {
                        latest.put(r.key(), AvroSerde.of(PromptTemplate.class).decode(r.value()));
                    } catch (RuntimeException e) {
                        System.err.println("streamrag prompts list: skipping " + r.key() + ": " + e.getMessage());
                    }
                });
            }
        }
        for (PromptTemplate t : latest.values()) {
            print("topic", t);
        }
        for (PromptTemplate t : BundledTemplates.all()) {
            if (!latest.containsKey(TemplateJson.key(t))) {
                print("bundled", t);
            }
        }
        return 0;
    }

    private void print(String origin, PromptTemplate t) {
        if (json) {
            System.out.println(TemplateJson.write(t).replace("\n", " "));
        } else {
            System.out.printf("%-24s %-8s share %.2f  fields %s%n", TemplateJson.key(t), origin, t.getTrafficShare(), t.getOutputFields());
        }
    }
}
