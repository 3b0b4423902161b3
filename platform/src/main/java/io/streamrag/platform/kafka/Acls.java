package io.streamrag.platform.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The ACL model of the platform, as Kafka {@link AclBinding}s (ALLOW only; on a cluster with an authorizer and
 * {@code allow.everyone.if.no.acl.found=false} everything not listed is denied).
 * <ul>
 *   <li>A tenant's principal may write requests to the request topic, read its own answer topic
 *       ({@code <answer topic>.<tenant>}, see {@link #tenantAnswerTopic}) and use consumer groups named
 *       {@code <tenant>:...}; nothing else: no document, chunk, telemetry or other tenant's answer topic.</li>
 *   <li>A stream application's principal may read its input topics, write its output topics, own everything
 *       prefixed by its application id (internal topics, consumer group, transactional ids for exactly-once) and
 *       see (DESCRIBE) every platform topic, so that its start-up check finds the topics an administrator made.</li>
 * </ul>
 */
public final class Acls {

    private Acls() {
    }

    /** What a stream application reads and writes (topic names; those ending in '.' are prefixes). */
    public record StreamAccess(String applicationId, List<String> reads, List<String> writes, List<String> creates) {
    }

    /** The topic that carries the answers of one proven tenant. */
    public static String tenantAnswerTopic(Topics topics, String tenant) {
        return topics.answerGenerated() + "." + tenant;
    }

    /** The consumer-group prefix a tenant's clients may use. */
    public static String tenantGroupPrefix(String tenant) {
        return tenant + ":";
    }

    /** Whether a tenant name can be part of a topic name (letters, digits, '.', '_', '-'; not '.' or '..'). */
    public static boolean validTenantForTopic(String tenant) {
        return tenant != null && tenant.matches("[A-Za-z0-9._-]{1,100}") && !tenant.equals(".") && !tenant.equals("..");
    }

    /** WRITE on the request topic, READ on the tenant's answer topic, READ on groups prefixed {@code <tenant>:}. */
    public static List<AclBinding> tenant(Topics topics, String tenant, String principal) {
        if (!validTenantForTopic(tenant)) {
            throw new IllegalArgumentException("tenant '" + tenant + "' cannot name a topic (letters, digits, '.', '_', '-')");
        }
        checkPrincipal(principal);
        return List.of(
                allow(principal, ResourceType.TOPIC, topics.queryRequested(), PatternType.LITERAL, AclOperation.WRITE),
                allow(principal, ResourceType.TOPIC, tenantAnswerTopic(topics, tenant), PatternType.LITERAL, AclOperation.READ),
                allow(principal, ResourceType.GROUP, tenantGroupPrefix(tenant), PatternType.PREFIXED, AclOperation.READ));
    }

    public static StreamAccess ingest(Topics topics, String applicationId) {
        return new StreamAccess(applicationId, List.of(topics.documentSubmitted()),
                List.of(topics.chunkEmbedded(), topics.documentIngested(), topics.ingestDeadLetters(), topics.telemetry()),
                List.of());
    }

    /**
     * The query stream. With {@code chunkLog} it also reads the chunk log (a query instance that keeps its own
     * index); with {@code perTenantAnswers} it writes and creates the tenants' answer topics.
     */
    public static StreamAccess query(Topics topics, String applicationId, boolean chunkLog, boolean perTenantAnswers) {
        List<String> reads = new ArrayList<>(List.of(topics.queryRequested(), topics.promptTemplate(), topics.documentIngested()));
        if (chunkLog) {
            reads.add(topics.chunkEmbedded());
        }
        List<String> writes = new ArrayList<>(List.of(topics.answerGenerated(), topics.telemetry(), topics.queryDeadLetters()));
        List<String> creates = new ArrayList<>();
        if (perTenantAnswers) {
            writes.add(topics.answerGenerated() + ".");
            creates.add(topics.answerGenerated() + ".");
        }
        return new StreamAccess(applicationId, reads, writes, creates);
    }

    public static StreamAccess monitor(Topics topics, String applicationId) {
        return new StreamAccess(applicationId, List.of(topics.telemetry()), List.of(topics.metrics(), topics.alerts()), List.of());
    }

    /** The ACLs of a stream application's principal (see the class comment). */
    public static List<AclBinding> stream(Topics topics, StreamAccess access, String principal) {
        checkPrincipal(principal);
        List<AclBinding> acls = new ArrayList<>();
        for (TopicSpec spec : topics.specs()) {
            acls.add(allow(principal, ResourceType.TOPIC, spec.name(), PatternType.LITERAL, AclOperation.DESCRIBE));
        }
        access.reads().forEach(t -> acls.add(topic(principal, t, AclOperation.READ)));
        access.writes().forEach(t -> acls.add(topic(principal, t, AclOperation.WRITE)));
        access.creates().forEach(t -> {
            acls.add(topic(principal, t, AclOperation.CREATE));
            acls.add(topic(principal, t, AclOperation.DESCRIBE));
        });
        String app = access.applicationId();
        // Internal topics (changelogs, repartition topics) are named '<application id>-...'.
        acls.add(allow(principal, ResourceType.TOPIC, app, PatternType.PREFIXED, AclOperation.ALL));
        // The consumer group is the application id itself.
        acls.add(allow(principal, ResourceType.GROUP, app, PatternType.PREFIXED, AclOperation.READ));
        // Exactly-once: transactional ids start with the application id.
        acls.add(allow(principal, ResourceType.TRANSACTIONAL_ID, app, PatternType.PREFIXED, AclOperation.WRITE));
        acls.add(allow(principal, ResourceType.TRANSACTIONAL_ID, app, PatternType.PREFIXED, AclOperation.DESCRIBE));
        acls.add(allow(principal, ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL, AclOperation.IDEMPOTENT_WRITE));
        return List.copyOf(acls);
    }

    /** Creates the bindings (existing identical bindings are left as they are). */
    public static void apply(Admin admin, Collection<AclBinding> acls) {
        try {
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create ACLs: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating ACLs", e);
        }
    }

    /** One line per binding, in the words of kafka-acls: {@code ALLOW User:acme WRITE TOPIC rag.query.requested (literal)}. */
    public static String describe(AclBinding acl) {
        return acl.entry().permissionType() + " " + acl.entry().principal() + " " + acl.entry().operation() + " "
                + acl.pattern().resourceType() + " " + acl.pattern().name() + " ("
                + acl.pattern().patternType().name().toLowerCase(Locale.ROOT) + ")";
    }

    private static AclBinding topic(String principal, String name, AclOperation operation) {
        boolean prefix = name.endsWith(".");
        return allow(principal, ResourceType.TOPIC, name, prefix ? PatternType.PREFIXED : PatternType.LITERAL, operation);
    }

    private static AclBinding allow(String principal, ResourceType type, String name, PatternType pattern, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }

    private static void checkPrincipal(String principal) {
        if (principal == null || !principal.matches("[A-Za-z]+:.+")) {
            throw new IllegalArgumentException("a principal is 'User:<name>', not '" + principal + "'");
        }
    }
}
