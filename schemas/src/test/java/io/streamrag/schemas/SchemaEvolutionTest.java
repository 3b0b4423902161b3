package io.streamrag.schemas;

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
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The build fails when a topic schema changes in a way that cannot read what older producers wrote,
 * or when a changed schema was not recorded as a new released version.
 */
class SchemaEvolutionTest {

    @ParameterizedTest
    @ValueSource(classes = {DocumentSubmitted.class, ChunkEmbedded.class, DocumentIngested.class, DeadLetter.class,
            QueryRequested.class, PromptTemplate.class, QueryAnswered.class, Telemetry.class, MetricWindow.class,
            Alert.class})
    void currentSchemaShouldReadEveryReleasedVersion(Class<?> type) {
        Schema current = SpecificData.get().getSchema(type);
        var released = SchemaHistory.versionsOf(current.getFullName());

        assertThat(released).as("released versions of %s", current.getFullName()).isNotEmpty();
        for (Schema old : released) {
            var result = SchemaCompatibility.checkReaderWriterCompatibility(current, old);
            assertThat(result.getType())
                    .as("%s cannot read a released version: %s", current.getFullName(), result.getDescription())
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @ParameterizedTest
    @ValueSource(classes = {DocumentSubmitted.class, ChunkEmbedded.class, DocumentIngested.class, DeadLetter.class,
            QueryRequested.class, PromptTemplate.class, QueryAnswered.class, Telemetry.class, MetricWindow.class,
            Alert.class})
    void currentSchemaShouldBeRecordedInTheHistory(Class<?> type) {
        Schema current = SpecificData.get().getSchema(type);
        long fingerprint = SchemaNormalization.parsingFingerprint64(current);

        assertThat(SchemaHistory.versionsOf(current.getFullName()))
                .as("%s changed: add it as the next vN.avsc under schemas/src/main/resources/schema-history/%s/"
                        + " and list it in index.txt", current.getFullName(), current.getFullName())
                .anyMatch(s -> SchemaNormalization.parsingFingerprint64(s) == fingerprint);
    }
}
