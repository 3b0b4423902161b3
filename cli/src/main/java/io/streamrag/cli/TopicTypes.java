package io.streamrag.cli;

import io.streamrag.events.Alert;
import io.streamrag.events.ChunkEmbedded;
import io.streamrag.events.DeadLetter;
import io.streamrag.events.DocumentIngested;
import io.streamrag.events.DocumentSubmitted;
import io.streamrag.events.MetricWindow;
import io.streamrag.events.PromptTemplate;
import io.streamrag.events.QueryAnswered;
import io.streamrag.events.QueryRequested;
import io.streamrag.events.Telemetry;
import io.streamrag.platform.kafka.Topics;
import io.streamrag.schemas.AvroSerde;
import org.apache.avro.specific.SpecificRecord;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Which Avro type each platform topic carries, from the topic catalogue. */
final class TopicTypes {

    static final List<Class<? extends SpecificRecord>> ALL = List.of(DocumentSubmitted.class, ChunkEmbedded.class,
            DocumentIngested.class, DeadLetter.class, PromptTemplate.class, QueryRequested.class, QueryAnswered.class,
            Telemetry.class, MetricWindow.class, Alert.class);

    private final Map<String, Class<? extends SpecificRecord>> byTopic = new LinkedHashMap<>();

    TopicTypes(Topics topics) {
        byTopic.put(topics.documentSubmitted(), DocumentSubmitted.class);
        byTopic.put(topics.chunkEmbedded(), ChunkEmbedded.class);
        byTopic.put(topics.documentIngested(), DocumentIngested.class);
        byTopic.put(topics.ingestDeadLetters(), DeadLetter.class);
        byTopic.put(topics.promptTemplate(), PromptTemplate.class);
        byTopic.put(topics.queryRequested(), QueryRequested.class);
        byTopic.put(topics.answerGenerated(), QueryAnswered.class);
        byTopic.put(topics.queryDeadLetters(), DeadLetter.class);
        byTopic.put(topics.telemetry(), Telemetry.class);
        byTopic.put(topics.metrics(), MetricWindow.class);
        byTopic.put(topics.alerts(), Alert.class);
    }

    Optional<Class<? extends SpecificRecord>> typeOf(String topic) {
        return Optional.ofNullable(byTopic.get(topic));
    }

    /** The topic's serde first, then every other platform type (single-object encoding names its schema). */
    List<AvroSerde<? extends SpecificRecord>> candidates(String topic) {
        Optional<Class<? extends SpecificRecord>> expected = typeOf(topic);
        return java.util.stream.Stream.concat(expected.stream(), ALL.stream().filter(t -> expected.map(e -> !e.equals(t)).orElse(true)))
                .<AvroSerde<? extends SpecificRecord>>map(AvroSerde::of)
                .toList();
    }
}
