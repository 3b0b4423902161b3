package io.streamrag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrag.platform.config.ConfigKey;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml and the files it mounts agree with the code: every stream variable is a key the stream
 * reads, health checks and Prometheus hit the ports the streams listen on, and every dependency can be met.
 * (No Docker engine is needed: the files are read, not run.)
 */
class DeploymentFilesTest {

    static final Path ROOT = Path.of("..");
    private static final Map<String, RunCommand.Stream> STREAM_SERVICES = Map.of(
            "ingest", RunCommand.Stream.INGEST, "query", RunCommand.Stream.QUERY, "monitor", RunCommand.Stream.MONITOR);

    private static final Pattern LOCALHOST_URL = Pattern.compile("http://localhost:(\\d+)/");

    private final Map<String, Object> compose = yaml(ROOT.resolve("docker-compose.yml"));

    @Test
    void shouldNameOnlyKeysTheStreamReads_inEveryStreamServiceEnvironment() {
        for (var service : STREAM_SERVICES.entrySet()) {
            // given
            Set<String> known = keys(service.getValue()).stream().map(ConfigKey::envName).collect(Collectors.toSet());

            // when
            List<String> unknown = environment(service.getKey()).keySet().stream()
                    .filter(name -> !known.contains(name) && !name.startsWith("KAFKA_"))
                    .toList();

            // then: KAFKA_* are Kafka client properties (docs/configuration.md), everything else must be a key
            assertThat(unknown).as("variables of service '%s' that %s does not read", service.getKey(),
                    "streamrag run " + service.getKey()).isEmpty();
            assertThat(environment(service.getKey())).as(service.getKey()).containsKey("KAFKA_BOOTSTRAP_SERVERS");
        }
    }

    @Test
    void shouldRunTheStreamAndCheckItsHealthOnItsHttpPort_forEveryStreamService() {
        for (var service : STREAM_SERVICES.entrySet()) {
            // given
            String name = service.getKey();
            Map<String, Object> definition = service(name);
            String port = httpPort(name, service.getValue());

            // when
            String healthCheck = String.join(" ", strings(map(definition.get("healthcheck")).get("test")));
            Matcher url = LOCALHOST_URL.matcher(healthCheck);

            // then
            assertThat(strings(definition.get("command"))).as(name).containsExactly("run", name);
            assertThat(url.find()).as("health check of %s names a localhost URL: %s", name, healthCheck).isTrue();
            assertThat(url.group(1)).as("health check port of " + name).isEqualTo(port);
            assertThat(healthCheck).as(name).contains(HealthProbe.class.getName());
            assertThat(containerPorts(definition)).as("published or exposed ports of " + name).containsExactly(port);
        }
    }

    @Test
    void shouldDependOnlyOnServicesThatCanMeetTheCondition() {
        Map<String, Object> services = map(compose.get("services"));
        List<String> problems = new ArrayList<>();
        services.forEach((name, value) -> {
            Object dependsOn = map(value).get("depends_on");
            if (dependsOn == null) {
                return;
            }
            map(dependsOn).forEach((target, spec) -> {
                String condition = String.valueOf(map(spec).get("condition"));
                Map<String, Object> other = services.containsKey(target) ? map(services.get(target)) : null;
                if (other == null) {
                    problems.add(name + " depends on " + target + ", which is no service");
                } else if (condition.equals("service_healthy") && !other.containsKey("healthcheck")) {
                    problems.add(name + " waits for " + target + " to be healthy, but it has no health check");
                } else if (condition.equals("service_completed_successfully") && !"no".equals(other.get("restart"))) {
                    problems.add(name + " waits for " + target + " to complete, but it restarts: " + other.get("restart"));
                } else if (!Set.of("service_healthy", "service_completed_successfully", "service_started").contains(condition)) {
                    problems.add(name + " depends on " + target + " with condition " + condition);
                }
            });
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void shouldCreateTheTopicsBeforeAnyStreamStarts() {
        // given
        Map<String, Object> topics = service("topics");

        // then: the one-shot service runs `streamrag topics create` on a stream image, and every stream waits for it
        assertThat(strings(topics.get("command"))).containsExactly("topics", "create");
        assertThat(String.valueOf(topics.get("image"))).isEqualTo(String.valueOf(service("ingest").get("image")));
        Set<String> topicKeys = TopicsCommand.KEYS.stream().map(ConfigKey::envName).collect(Collectors.toSet());
        assertThat(environment("topics").keySet()).allMatch(topicKeys::contains);
        for (String stream : STREAM_SERVICES.keySet()) {
            assertThat(map(map(service(stream).get("depends_on")).get("topics")).get("condition"))
                    .as(stream).isEqualTo("service_completed_successfully");
        }
    }

    @Test
    void shouldUseTheImageEachStreamIsBuiltAs() {
        for (String stream : STREAM_SERVICES.keySet()) {
            assertThat(service(stream).get("image")).as(stream).isEqualTo(ImageTarTest.imageName(stream));
        }
    }

    @Test
    void shouldScrapeEveryStreamServiceOnItsHttpPort() {
        // given
        Map<String, Object> prometheus = yaml(ROOT.resolve("deploy/prometheus/prometheus.yml"));
        Map<String, Set<String>> scraped = new LinkedHashMap<>();

        // when: every target, static or found by DNS, as service -> ports
        for (Object job : (List<?>) prometheus.get("scrape_configs")) {
            for (Object sd : list(map(job).get("dns_sd_configs"))) {
                for (Object host : list(map(sd).get("names"))) {
                    scraped.computeIfAbsent(host.toString(), h -> new java.util.TreeSet<>()).add(String.valueOf(map(sd).get("port")));
                }
            }
            for (Object sc : list(map(job).get("static_configs"))) {
                for (Object target : list(map(sc).get("targets"))) {
                    String[] hostPort = target.toString().split(":");
                    scraped.computeIfAbsent(hostPort[0], h -> new java.util.TreeSet<>()).add(hostPort[1]);
                }
            }
        }

        // then
        for (var service : STREAM_SERVICES.entrySet()) {
            assertThat(scraped.get(service.getKey())).as("scraped ports of " + service.getKey())
                    .containsExactly(httpPort(service.getKey(), service.getValue()));
        }
        Set<String> services = map(compose.get("services")).keySet();
        assertThat(scraped.keySet()).allMatch(host -> host.equals("localhost") || services.contains(host));
    }

    @Test
    void shouldProvisionGrafanaWithTheDashboardOnThePrometheusDatasource() throws IOException {
        // given
        Map<String, Object> datasources = yaml(ROOT.resolve("deploy/grafana/provisioning/datasources/prometheus.yml"));
        Map<String, Object> datasource = map(((List<?>) datasources.get("datasources")).getFirst());
        JsonNode dashboard = new ObjectMapper().readTree(ROOT.resolve("deploy/grafana/dashboards/streamrag.json").toFile());
        Map<String, Object> grafana = service("grafana");

        // then
        assertThat(datasource.get("url")).isEqualTo("http://prometheus:9090");
        List<String> titles = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            titles.add(panel.path("title").asText().toLowerCase(Locale.ROOT));
            assertThat(panel.at("/datasource/uid").asText()).as(panel.path("title").asText()).isEqualTo(datasource.get("uid"));
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
        }
        assertThat(String.join("|", titles)).contains("request rate", "latency percentiles", "tokens", "cost",
                "hallucination rate", "errors");
        assertThat(strings(grafana.get("volumes"))).contains("./deploy/grafana/provisioning:/etc/grafana/provisioning:ro",
                "./deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro");
        for (String volume : strings(grafana.get("volumes"))) {
            if (volume.startsWith("./")) {
                assertThat(ROOT.resolve(volume.substring(2, volume.indexOf(':')))).as(volume).exists();
            }
        }
    }

    /** The stream's http port as the compose file sets it, else the key's default. */
    private String httpPort(String service, RunCommand.Stream stream) {
        String key = stream.name().toLowerCase(Locale.ROOT) + ".http.port";
        Object set = environment(service).get(ConfigKey.envName(key));
        if (set != null) {
            return set.toString();
        }
        return keys(stream).stream().filter(k -> k.name().equals(key)).findFirst().orElseThrow().defaultValue();
    }

    private static List<ConfigKey> keys(RunCommand.Stream stream) {
        return RunCommand.keys(stream);
    }

    private static List<String> containerPorts(Map<String, Object> service) {
        List<String> ports = new ArrayList<>();
        for (String mapping : strings(service.get("ports"))) {
            ports.add(mapping.substring(mapping.lastIndexOf(':') + 1));
        }
        ports.addAll(strings(service.get("expose")));
        return ports;
    }

    private Map<String, Object> service(String name) {
        Map<String, Object> service = map(map(compose.get("services")).get(name));
        assertThat(service).as("service " + name).isNotEmpty();
        return service;
    }

    private Map<String, Object> environment(String service) {
        return map(service(service).get("environment"));
    }

    static Map<String, Object> yaml(Path file) {
        try (Reader reader = Files.newBufferedReader(file)) {
            return map(new Yaml().load(reader));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    private static List<?> list(Object value) {
        return value == null ? List.of() : (List<?>) value;
    }

    private static List<String> strings(Object value) {
        return list(value).stream().map(String::valueOf).toList();
    }
}
