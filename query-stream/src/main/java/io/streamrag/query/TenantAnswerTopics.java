package io.streamrag.query;

import io.streamrag.events.QueryAnswered;
import io.streamrag.platform.kafka.Acls;
import io.streamrag.platform.kafka.TopicSpec;
import io.streamrag.platform.kafka.Topics;
import org.apache.kafka.streams.processor.RecordContext;
import org.apache.kafka.streams.processor.TopicNameExtractor;

import java.util.List;
import java.util.Set;

/**
 * Where an answer goes when each tenant has its own answer topic ({@code query.answers.per.tenant}): to
 * {@code <answer topic>.<tenant>} when the request proved its tenant and that tenant is one of the listed ones whose
 * topic was created at start; everything else (missing or forged proof, unknown tenant, requests refused before
 * their proof was checked) to the shared answer topic. A topic name is never built from a name a request merely
 * claims, so no request can make the stream write to a topic nobody created.
 */
final class TenantAnswerTopics implements TopicNameExtractor<String, QueryAnswered> {

    /** The flag the governance guard puts on every request whose proof verified. */
    static final String VERIFIED = "auth.verified";
    /** Requests re-issued after a restart were admitted by the guard before they were stored as in flight. */
    static final String REISSUED = "reissued";

    private final Topics topics;
    private final Set<String> tenants;

    TenantAnswerTopics(Topics topics, Set<String> tenants) {
        this.topics = topics;
        this.tenants = Set.copyOf(tenants);
    }

    /** The per-tenant topics to create before the stream starts. */
    static List<TopicSpec> specs(Topics topics, Set<String> tenants) {
        return tenants.stream().sorted()
                .map(t -> new TopicSpec(Acls.tenantAnswerTopic(topics, t), topics.partitions(), topics.replicationFactor(), java.util.Map.of()))
                .toList();
    }

    String topicOf(QueryAnswered answer) {
        boolean proven = answer.getFlags().contains(VERIFIED) || answer.getFlags().contains(REISSUED);
        return proven && tenants.contains(answer.getTenant()) ? Acls.tenantAnswerTopic(topics, answer.getTenant()) : topics.answerGenerated();
    }

    @Override
    public String extract(String key, QueryAnswered answer, RecordContext context) {
        return topicOf(answer);
    }
}
