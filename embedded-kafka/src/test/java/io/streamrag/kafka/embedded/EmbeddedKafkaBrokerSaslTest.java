package io.streamrag.kafka.embedded;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedKafkaBrokerSaslTest {

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.startSecured(new EmbeddedKafkaBroker.Scram("admin", "admin-pw-1", Map.of("alice", "alice-pw-1")));
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void shouldLetTheSuperUserProduce_andDenyAUserWithoutAcls() throws Exception {
        // given
        try (Admin admin = Admin.create(broker.adminProperties())) {
            admin.createTopics(List.of(new NewTopic("secured", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }

        // when / then: the super user writes
        try (var producer = producer(broker.adminProperties())) {
            assertThat(producer.send(new ProducerRecord<>("secured", "k", "v")).get(30, TimeUnit.SECONDS).offset()).isZero();
        }
        // alice authenticates, but no ACL grants her anything
        try (var producer = producer(broker.clientProperties("alice", "alice-pw-1"))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("secured", "k", "v")).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void shouldRefuseAClient_whenItsPasswordIsWrong() {
        // given
        Map<String, Object> props = new HashMap<>(broker.clientProperties("alice", "not-her-password"));
        props.put("default.api.timeout.ms", "10000");
        props.put("request.timeout.ms", "5000");

        // when / then
        try (Admin admin = Admin.create(props)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(15, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void shouldKeepPasswordsOutOfTheScramDescription() {
        assertThat(new EmbeddedKafkaBroker.Scram("admin", "admin-pw-1", Map.of("alice", "alice-pw-1")).toString())
                .contains("alice").doesNotContain("admin-pw-1").doesNotContain("alice-pw-1");
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> props) {
        Map<String, Object> p = new HashMap<>(props);
        p.put("max.block.ms", "15000");
        p.put("delivery.timeout.ms", "15000");
        p.put("request.timeout.ms", "10000");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }
}
