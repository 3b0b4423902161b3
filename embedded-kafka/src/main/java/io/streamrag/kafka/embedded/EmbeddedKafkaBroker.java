package io.streamrag.kafka.embedded;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A real single-node KRaft Kafka broker (roles broker and controller) started inside this JVM from Kafka's own
 * server code: the same log format, protocol and group coordinators as a cluster, with no ZooKeeper and nothing
 * mocked. Single-broker settings make consumer groups, transactions and share groups work with one replica.
 *
 * <p>{@link #startSecured} starts it the way a production cluster is reached: clients authenticate with
 * SASL/SCRAM-SHA-512 and every request is checked by the KRaft {@code StandardAuthorizer} against ACLs.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private final KafkaRaftServer server;
    private final Path logDir;
    private final boolean deleteOnClose;
    private final String bootstrapServers;
    private final Scram scram;
    private final String internalBootstrapServers;

    private EmbeddedKafkaBroker(KafkaRaftServer server, Path logDir, boolean deleteOnClose, String bootstrapServers,
                                Scram scram, String internalBootstrapServers) {
        this.server = server;
        this.logDir = logDir;
        this.deleteOnClose = deleteOnClose;
        this.bootstrapServers = bootstrapServers;
        this.scram = scram;
        this.internalBootstrapServers = internalBootstrapServers;
    }

    /**
     * SASL/SCRAM for clients: the super user the platform administers the cluster with, and the other users to
     * create at start. Passwords never appear in {@code toString()}.
     */
    public record Scram(String adminUser, String adminPassword, Map<String, String> users) {

        public static final String MECHANISM = "SCRAM-SHA-512";

        public Scram {
            users = Map.copyOf(users);
        }

        @Override
        public String toString() {
            return "Scram[adminUser=" + adminUser + ", users=" + users.keySet() + ", passwords=****]";
        }
    }

    /** A broker on free ports with a temporary log directory, removed on close. */
    public static EmbeddedKafkaBroker startTemporary() {
        try {
            return start(Files.createTempDirectory("streamrag-kafka-"), 0, true, Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a broker whose log lives in {@code logDir} (formatted on first use, reused afterwards, so topics
     * survive restarts). {@code port} 0 picks a free port.
     */
    public static EmbeddedKafkaBroker start(Path logDir, int port, boolean deleteOnClose, Map<String, String> overrides) {
        return start(logDir, port, deleteOnClose, overrides, null);
    }

    /**
     * A temporary broker whose client listener (the one {@link #bootstrapServers()} names) takes only SASL/SCRAM-SHA-512
     * and whose requests are authorized by ACLs (the KRaft {@code StandardAuthorizer}; no ACL means denied). The
     * admin user is a super user; it and {@code scram.users()} are created through the Admin API before this returns.
     * The controller and inter-broker listeners stay PLAINTEXT on 127.0.0.1, each on its own port, and their
     * unauthenticated principal (User:ANONYMOUS) is a super user so that the node can talk to itself: a test broker,
     * not a production layout.
     */
    public static EmbeddedKafkaBroker startSecured(Scram scram) {
        try {
            EmbeddedKafkaBroker broker = start(Files.createTempDirectory("streamrag-kafka-sasl-"), 0, true, Map.of(), scram);
            try {
                Map<String, String> users = new HashMap<>(scram.users());
                users.put(scram.adminUser(), scram.adminPassword());
                broker.upsertScramUsers(broker.internalBootstrapServers, users);
                users.forEach(broker::awaitAuthentication);
                return broker;
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static EmbeddedKafkaBroker start(Path logDir, int port, boolean deleteOnClose, Map<String, String> overrides,
                                             Scram scram) {
        try {
            Files.createDirectories(logDir);
            // The listeners need distinct ports: probed together, so the system cannot hand out one twice.
            int[] free = freePorts(3, port);
            int brokerPort = port == 0 ? free[0] : port;
            int controllerPort = free[1];
            Properties props = new Properties();
            props.put("process.roles", "broker,controller");
            props.put("node.id", "1");
            props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
            props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
            props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
            props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            props.put("controller.listener.names", "CONTROLLER");
            props.put("inter.broker.listener.name", "PLAINTEXT");
            props.put("log.dirs", logDir.toAbsolutePath().toString());
            // One broker: every internal topic has one replica, or groups and transactions silently stall.
            props.put("offsets.topic.replication.factor", "1");
            props.put("offsets.topic.num.partitions", "5");
            props.put("transaction.state.log.replication.factor", "1");
            props.put("transaction.state.log.min.isr", "1");
            props.put("transaction.state.log.num.partitions", "5");
            props.put("share.coordinator.state.topic.replication.factor", "1");
            props.put("share.coordinator.state.topic.min.isr", "1");
            props.put("group.initial.rebalance.delay.ms", "0");
            props.put("group.share.heartbeat.interval.ms", "500");
            props.put("group.share.min.heartbeat.interval.ms", "500");
            props.put("num.partitions", "3");
            props.put("auto.create.topics.enable", "false");
            props.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
            String internal = null;
            if (scram != null) {
                int internalPort = free[2];
                internal = "127.0.0.1:" + internalPort;
                props.put("listeners", "CLIENT://127.0.0.1:" + brokerPort + ",INTERNAL://" + internal
                        + ",CONTROLLER://127.0.0.1:" + controllerPort);
                props.put("advertised.listeners", "CLIENT://127.0.0.1:" + brokerPort + ",INTERNAL://" + internal);
                props.put("listener.security.protocol.map", "CLIENT:SASL_PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT");
                props.put("inter.broker.listener.name", "INTERNAL");
                props.put("listener.name.client.sasl.enabled.mechanisms", Scram.MECHANISM);
                props.put("listener.name.client.scram-sha-512.sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
                props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
                props.put("allow.everyone.if.no.acl.found", "false");
                props.put("super.users", "User:" + scram.adminUser() + ";User:ANONYMOUS");
            }
            props.putAll(overrides);

            Path config = logDir.resolve("server.properties");
            try (Writer out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                props.store(out, "StreamRAG embedded broker");
            }
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(config);
            }
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
            server.startup();
            return new EmbeddedKafkaBroker(server, logDir, deleteOnClose, "127.0.0.1:" + brokerPort, scram, internal);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded Kafka broker in " + logDir, e);
        }
    }

    private static void format(Path config) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            // StorageTool.main would call System.exit; execute returns.
            StorageTool.execute(new String[]{"format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()}, out);
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the broker's log directory: " + output.toString(StandardCharsets.UTF_8), e);
        }
    }

    /**
     * A temporary broker as its own process, the way a cluster runs apart from the streams that use it: prints
     * {@code bootstrap=HOST:PORT} once it serves and runs until its standard input closes (so it ends with the process
     * that started it), then shuts down and removes its log directory.
     */
    public static void main(String[] args) throws IOException {
        if (args.length > 0) {
            throw new IllegalArgumentException("usage: EmbeddedKafkaBroker (no arguments); not: " + String.join(" ", args));
        }
        try (EmbeddedKafkaBroker broker = startTemporary()) {
            System.out.println("bootstrap=" + broker.bootstrapServers());
            System.out.flush();
            System.in.transferTo(OutputStream.nullOutputStream());
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path logDir() {
        return logDir;
    }

    /** Whether clients must authenticate with SASL/SCRAM ({@link #startSecured}). */
    public boolean secured() {
        return scram != null;
    }

    /**
     * Client properties for {@code user} on the client listener: bootstrap servers, SASL_PLAINTEXT, SCRAM-SHA-512 and
     * the JAAS line with the password. On a broker started without SASL, only the bootstrap servers.
     */
    public Map<String, Object> clientProperties(String user, String password) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrapServers);
        if (scram != null) {
            props.putAll(saslProperties(user, password));
        }
        return props;
    }

    /** The client properties of the admin (super) user. */
    public Map<String, Object> adminProperties() {
        if (scram == null) {
            return clientProperties(null, null);
        }
        return clientProperties(scram.adminUser(), scram.adminPassword());
    }

    /** The SASL/SCRAM-SHA-512 client properties of a user (no bootstrap servers). */
    public static Map<String, Object> saslProperties(String user, String password) {
        return Map.of(
                "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", Scram.MECHANISM,
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + jaasQuoted(user) + "\" password=\"" + jaasQuoted(password) + "\";");
    }

    /** Creates or changes SCRAM-SHA-512 users (as the admin user) and waits until each one can log in. */
    public void addScramUsers(Map<String, String> users) {
        if (scram == null) {
            throw new IllegalStateException("this broker was started without SASL");
        }
        upsertScramUsers(null, users);
        users.forEach(this::awaitAuthentication);
    }

    private void upsertScramUsers(String plaintextBootstrap, Map<String, String> users) {
        Map<String, Object> props = plaintextBootstrap == null ? adminProperties()
                : Map.of("bootstrap.servers", plaintextBootstrap);
        var upserts = users.entrySet().stream()
                .map(u -> (org.apache.kafka.clients.admin.UserScramCredentialAlteration) new UserScramCredentialUpsertion(
                        u.getKey(), new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), u.getValue()))
                .toList();
        try (Admin admin = Admin.create(props)) {
            admin.alterUserScramCredentials(upserts).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create SCRAM users " + users.keySet() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating SCRAM users", e);
        }
    }

    /** A new credential reaches the broker's metadata cache a moment after the controller accepts it. */
    private void awaitAuthentication(String user, String password) {
        Map<String, Object> props = new HashMap<>(clientProperties(user, password));
        props.put("request.timeout.ms", "5000");
        props.put("default.api.timeout.ms", "5000");
        long deadline = System.currentTimeMillis() + 30_000;
        RuntimeException last = null;
        while (System.currentTimeMillis() < deadline) {
            try (Admin admin = Admin.create(props)) {
                admin.describeCluster().clusterId().get(5, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                last = new IllegalStateException("SCRAM user " + user + " cannot log in yet: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for SCRAM user " + user, e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for SCRAM user " + user, e);
            }
        }
        throw last == null ? new IllegalStateException("SCRAM user " + user + " cannot log in") : last;
    }

    private static String jaasQuoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        if (deleteOnClose) {
            deleteRecursively(logDir);
        }
    }

    /** {@code count} free ports, all different and none equal to {@code taken}. */
    private static int[] freePorts(int count, int taken) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; ) {
                ServerSocket socket = new ServerSocket(0);
                socket.setReuseAddress(true);
                sockets.add(socket);
                if (socket.getLocalPort() != taken) {
                    ports[i++] = socket.getLocalPort();
                }
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp directory
        }
    }
}
