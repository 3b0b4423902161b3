package io.streamrag.cli;

import io.streamrag.events.PromptTemplate;
import io.streamrag.platform.kafka.TopicAdmin;
import io.streamrag.platform.kafka.Topics;
import io.streamrag.query.prompt.BundledTemplates;
import io.streamrag.query.prompt.TemplateJson;
import io.streamrag.schemas.AvroSerde;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code streamrag prompts push FILE...}: validates JSON templates and publishes each under
 * {@code templateId@version}; {@code --bundled} publishes the templates shipped in the jar.
 */
@Command(name = "push", mixinStandardHelpOptions = true,
        description = "Validate JSON prompt templates and publish them to the template topic (key templateId@version).")
final class PromptsPushCommand implements Callable<Integer> {

    @Option(names = "--bootstrap", defaultValue = "localhost:9092", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(names = "--topic", description = "Template topic (default: the platform's).")
    String topic;

    @Option(names = "--bundled", description = "Also push the bundled templates (rag-qa, sentiment-ko).")
    boolean bundled;

    @Parameters(arity = "0..*", paramLabel = "FILE", description = "Template files (JSON, one template each).")
    List<Path> files = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        List<PromptTemplate> templates = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            try {
                templates.add(TemplateJson.parse(Files.readString(file, StandardCharsets.UTF_8)));
            } catch (IllegalArgumentException | java.io.IOException e) {
                problems.add(file + ": " + e.getMessage());
            }
        }
        if (bundled) {
            templates.addAll(BundledTemplates.all());
        }
        if (!problems.isEmpty()) {
            problems.forEach(p -> System.err.println("streamrag prompts push: " + p));
            return 2;
        }
        if (templates.isEmpty()) {
            System.err.println("streamrag prompts push: give template files or --bundled");
            return 2;
        }
        Topics topics = Topics.defaults();
        String target = topic == null ? topics.promptTemplate() : topic;
        TopicAdmin.ensure(Map.of("bootstrap.servers", bootstrap), topics.specs().stream()
                .filter(s -> s.name().equals(topics.promptTemplate()))
                .map(s -> new io.streamrag.platform.kafka.TopicSpec(target, s.partitions(), s.replicationFactor(), s.configs()))
                .toList());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            for (PromptTemplate template : templates) {
                producer.send(new ProducerRecord<>(target, TemplateJson.key(template),
                        AvroSerde.of(PromptTemplate.class).encode(template))).get(30, TimeUnit.SECONDS);
                System.out.printf("pushed %s (traffic share %.2f) to %s%n", TemplateJson.key(template), template.getTrafficShare(), target);
            }
        }
        return 0;
    }
}
