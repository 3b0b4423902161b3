package io.streamrag.cli;

import io.streamrag.platform.kafka.Acls;
import io.streamrag.platform.kafka.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code streamrag acls tenant|stream ...}: the ACLs of a tenant's principal or of a stream application's principal,
 * printed (one line each, as kafka-acls names them) or, with {@code --apply}, created through the Admin API by a
 * principal allowed to alter ACLs (client settings from KAFKA_* and {@code --command-config}).
 */
@Command(name = "acls", mixinStandardHelpOptions = true,
        description = "Print or apply the Kafka ACLs of a tenant's or a stream's principal.",
        subcommands = {AclsCommand.Tenant.class, AclsCommand.Stream.class})
final class AclsCommand {

    /** Options every subcommand shares: where to apply and as whom. */
    abstract static class Apply implements Callable<Integer> {

        @Option(names = "--apply", description = "Create the ACLs on the cluster (default: only print them).")
        boolean apply;

        @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Broker (default: the running demo's, else "
                + KafkaCli.FALLBACK_BOOTSTRAP + ").")
        String bootstrap;

        @Option(names = "--command-config", paramLabel = "FILE",
                description = "Admin client properties (security.protocol, sasl.mechanism, sasl.jaas.config, ...), as for kafka-acls.")
        Path commandConfig;

        PrintStream out = System.out;
        PrintStream err = System.err;

        /** The bindings to print or apply; IllegalArgumentException for options that do not fit together. */
        abstract List<AclBinding> acls(Topics topics);

        @Override
        public Integer call() {
            List<AclBinding> acls;
            try {
                acls = acls(KafkaCli.topics());
            } catch (IllegalArgumentException e) {
                err.println("streamrag acls: " + e.getMessage());
                return 2;
            }
            acls.forEach(acl -> out.println(Acls.describe(acl)));
            if (!apply) {
                return 0;
            }
            try (Admin admin = Admin.create(clientProperties())) {
                Acls.apply(admin, acls);
                err.println("streamrag acls: created " + acls.size() + " ACLs");
                return 0;
            } catch (RuntimeException e) {
                err.println("streamrag acls: " + e.getMessage());
                return 1;
            }
        }

        Map<String, Object> clientProperties() {
            return KafkaCli.clientProperties(KafkaCli.bootstrap(bootstrap), commandConfig);
        }
    }

    @Command(name = "tenant", mixinStandardHelpOptions = true,
            description = "A tenant: WRITE on the request topic, READ on its own answer topic, READ on groups '<tenant>:*'.")
    static final class Tenant extends Apply {

        @Option(names = "--tenant", required = true, description = "The tenant (its answers are on <answer topic>.<tenant>).")
        String tenant;

        @Option(names = "--principal", required = true, paramLabel = "User:NAME", description = "The tenant's principal.")
        String principal;

        @Override
        List<AclBinding> acls(Topics topics) {
            return Acls.tenant(topics, tenant, principal);
        }
    }

    @Command(name = "stream", mixinStandardHelpOptions = true,
            description = "A stream application: its input and output topics, its internal topics, group and transactional ids.")
    static final class Stream extends Apply {

        enum App { INGEST, QUERY, MONITOR }

        @Parameters(arity = "1..3", description = "ingest, query and/or monitor")
        List<App> apps;

        @Option(names = "--principal", paramLabel = "User:NAME",
                description = "The application's principal; only with one application (default: User:<application>, e.g. User:query).")
        String principal;

        @Option(names = "--application-id", description = "Its application id; only with one application (default: streamrag-<app>).")
        String applicationId;

        @Option(names = "--per-tenant-answers", description = "query: it writes and creates the tenants' answer topics.")
        boolean perTenantAnswers;

        @Option(names = "--chunk-log", description = "query: it keeps its own index from the chunk log (embedded vector store).")
        boolean chunkLog;

        @Override
        List<AclBinding> acls(Topics topics) {
            if (apps.size() > 1 && (principal != null || applicationId != null)) {
                throw new IllegalArgumentException("--principal and --application-id name one application's; give one application");
            }
            List<AclBinding> acls = new java.util.ArrayList<>();
            for (App app : new java.util.LinkedHashSet<>(apps)) {
                String name = app.name().toLowerCase(java.util.Locale.ROOT);
                String id = applicationId != null ? applicationId : "streamrag-" + name;
                Acls.StreamAccess access = switch (app) {
                    case INGEST -> Acls.ingest(topics, id);
                    case QUERY -> Acls.query(topics, id, chunkLog, perTenantAnswers);
                    case MONITOR -> Acls.monitor(topics, id);
                };
                acls.addAll(Acls.stream(topics, access, principal != null ? principal : "User:" + name));
            }
            return acls;
        }
    }
}
