package io.streamrag.vectorstore.weaviate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A local HTTP server speaking the part of Weaviate's REST and GraphQL API that the 5.x client uses for this
 * store: meta, schema and tenants, batch objects (create and delete) and GraphQL. Schema and tenants are kept;
 * batch, delete and GraphQL answers are scripted by the test. Every request is recorded.
 */
final class WeaviateStub implements AutoCloseable {

    record Request(String method, String path, String query, Map<String, List<String>> headers, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    record Response(int status, String body) {
        static Response json(int status, Object body) {
            try {
                return new Response(status, body instanceof String s ? s : JSON.writeValueAsString(body));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<Request> requests = new ArrayList<>();
    private final Map<String, JsonNode> classes = new ConcurrentHashMap<>();
    private final Set<String> tenants = ConcurrentHashMap.newKeySet();
    private final Deque<Function<Request, Response>> batchAnswers = new ArrayDeque<>();
    private final Deque<Response> deleteAnswers = new ArrayDeque<>();
    private final Deque<Response> graphQLAnswers = new ArrayDeque<>();

    WeaviateStub() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The next batch create answers with this instead of echoing every object as a success. */
    WeaviateStub answerBatch(Function<Request, Response> answer) {
        batchAnswers.add(answer);
        return this;
    }

    WeaviateStub answerDelete(Response answer) {
        deleteAnswers.add(answer);
        return this;
    }

    WeaviateStub answerGraphQL(Response answer) {
        graphQLAnswers.add(answer);
        return this;
    }

    WeaviateStub withTenant(String tenant) {
        tenants.add(tenant);
        return this;
    }

    synchronized List<Request> requests(String method, String pathPrefix) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().startsWith(pathPrefix)).toList();
    }

    /** A successful batch answer: every sent object echoed with status SUCCESS, optionally some with errors. */
    static Response echoObjects(Request request, Map<Integer, String> errorsByIndex) {
        ArrayNode out = JSON.createArrayNode();
        int i = 0;
        for (JsonNode object : request.json().get("objects")) {
            ObjectNode echo = object.deepCopy();
            ObjectNode result = echo.putObject("result");
            String error = errorsByIndex.get(i++);
            if (error == null) {
                result.put("status", "SUCCESS");
            } else {
                // as Weaviate does: HTTP 200, the failure only inside the object's result
                result.putObject("errors").putArray("error").addObject().put("message", error);
            }
            out.add(echo);
        }
        return Response.json(200, out);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                exchange.getRequestURI().getRawQuery(), Map.copyOf(exchange.getRequestHeaders()), body);
        synchronized (this) {
            requests.add(request);
        }
        Response response = answer(request);
        byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        if (request.method().equals("HEAD") || bytes.length == 0) {
            exchange.sendResponseHeaders(response.status(), -1);
        } else {
            exchange.sendResponseHeaders(response.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    private synchronized Response answer(Request request) {
        String route = request.method() + " " + request.path();
        if (route.equals("GET /v1/meta")) {
            return Response.json(200, Map.of("version", "1.32.0", "hostname", "http://127.0.0.1", "modules", Map.of()));
        }
        if (route.equals("POST /v1/schema")) {
            JsonNode created = request.json();
            classes.put(created.get("class").asText(), created);
            return Response.json(200, created);
        }
        if (request.method().equals("GET") && request.path().matches("/v1/schema/[^/]+")) {
            JsonNode existing = classes.get(request.path().substring("/v1/schema/".length()));
            return existing == null ? new Response(404, "") : Response.json(200, existing);
        }
        if (request.method().equals("HEAD") && request.path().matches("/v1/schema/[^/]+/tenants/[^/]+")) {
            return new Response(tenants.contains(request.path().substring(request.path().lastIndexOf('/') + 1)) ? 200 : 404, "");
        }
        if (request.method().equals("POST") && request.path().matches("/v1/schema/[^/]+/tenants")) {
            request.json().forEach(t -> tenants.add(t.get("name").asText()));
            return Response.json(200, request.json());
        }
        if (route.equals("POST /v1/batch/objects")) {
            Function<Request, Response> scripted = batchAnswers.poll();
            return scripted == null ? echoObjects(request, Map.of()) : scripted.apply(request);
        }
        if (route.equals("DELETE /v1/batch/objects")) {
            Response scripted = deleteAnswers.poll();
            return scripted != null ? scripted : Response.json(200, Map.of("results",
                    Map.of("matches", 0, "limit", 10000, "successful", 0, "failed", 0)));
        }
        if (route.equals("POST /v1/graphql")) {
            Response scripted = graphQLAnswers.poll();
            return scripted != null ? scripted : Response.json(200, Map.of("data", Map.of("Get", Map.of("StreamRagChunk", List.of()))));
        }
        return Response.json(404, Map.of("error", List.of(Map.of("message", "stub: no route " + route))));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
